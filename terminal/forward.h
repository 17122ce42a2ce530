/* forward — send a spool's pending payments to the intake's batch endpoint
 * (POST /v1/intents/batch, docs/api.md) with their idempotency keys and
 * their original paid_at, and record each answer in the spool.
 *
 * Per item of the intake's answer:
 *   202            → acknowledged (the intake's intent_id stored)
 *   400, 409, 422  → rejected, with "field: reason" (the payment itself is
 *                    refused; a person must look at it — never dropped)
 *   anything else  → stays "sent" and is retried: 503 (Kafka not
 *                    reachable), 403 (the forwarder's token is not this
 *                    terminal's: a configuration error, not the payment's)
 * A whole request that fails (connection refused, timeout, 503, 401, any
 * other status, a malformed answer) retries every item it carried.
 *
 * Retries back off exponentially with jitter and never sooner than the
 * intake's Retry-After. A retry re-sends the same key and paid_at, so the
 * intake derives the same intent id: a duplicate in Kafka is absorbed by
 * the ledger. This is what makes a crash anywhere in the loop harmless. */
#ifndef TASDID_FORWARD_H
#define TASDID_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "httpc.h"
#include "spool.h"

#define FORWARD_BATCH_MAX 100 /* intents per request */
#define FORWARD_RETRY_AFTER_MAX_S 3600 /* a longer Retry-After is cut to this */
#define FORWARD_BACKOFF_SHIFT_MAX 30   /* 2^30 x base: no overflow */

_Static_assert(FORWARD_BATCH_MAX <= 1000,
	       "within the intake's default [intake] batch_max");

struct forward_opts {
	struct httpc_url url;
	const char *token;      /* bearer token, borrowed */
	size_t batch_max;       /* 1..FORWARD_BATCH_MAX */
	int64_t timeout_ms;     /* one request, connect to last byte */
	/* TESTS ONLY: raise SIGKILL after this many answers were received and
	 * before the spool records them (0: never) — the worst moment to die. */
	int64_t test_kill_after_answers;
};

/* What one round did. */
struct forward_round {
	size_t sent;            /* items in the request (0: nothing pending) */
	size_t acked, rejected, retry;
	bool failed;            /* something must be retried: back off */
	int64_t retry_after_s;  /* the answer's Retry-After, -1 when none */
	int status;             /* HTTP status of the request, 0 if none */
	char error[256];        /* why it failed, "" when it did not */
};

/* The delay before retry number `failures` (1 = the first retry):
 * e = min(max_ms, base_ms * 2^(failures - 1)), the delay is uniformly in
 * [e/2, e] chosen by rnd ("equal jitter": never a burst of clients retrying
 * together, never much sooner than the schedule), and at least
 * retry_after_s seconds (cut to FORWARD_RETRY_AFTER_MAX_S; -1 = none).
 * failures >= 1, 0 < base_ms <= max_ms (asserted). */
int64_t forward_backoff_ms(int failures, int64_t base_ms, int64_t max_ms,
			   int64_t retry_after_s, uint32_t rnd);

/* Map the intake's batch answer (status 200, body of len bytes) for the n
 * entries sent, in order, into res[0..n). Returns 0, or -1 when the body
 * is not a well-formed answer for n items (the caller retries them all).
 * res[i].reason points into reasons[i] (n arrays of SPOOL_REASON_MAX + 1);
 * intent_id into ids[i]. */
int forward_map_answer(const char *body, size_t len,
		       const struct spool_entry *entries, size_t n,
		       struct spool_result *res,
		       char (*reasons)[SPOOL_REASON_MAX + 1],
		       char (*ids)[INTENT_ID_LEN + 1]);

/* Send one request with up to o->batch_max pending entries and record the
 * answers (one durable transaction). Returns 0 with *ret (ret->sent == 0
 * when nothing was pending), or -1 with errstr when the spool failed. */
int forward_round(struct spool *sp, const struct forward_opts *o,
		  int64_t now_ms, struct forward_round *ret, char *errstr,
		  size_t errstr_size);

#endif
