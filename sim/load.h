/* load — an HTTP load generator for the intake, as bank terminals use it:
 * many keep-alive connections, single or batch requests, each terminal
 * with its own bearer token, and on 503 (or a lost connection) a retry of
 * the very same intent (same idempotency key, same paid_at) after the
 * server's Retry-After. Single-threaded, epoll, non-blocking sockets, so
 * that one core drives thousands of requests per second.
 *
 * It reports status counts and exact latency percentiles, and can log every
 * accepted intent (the terminals' view of what was paid), which the demo
 * turns into the banks' settlement files. */
#ifndef TASDID_LOAD_H
#define TASDID_LOAD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "intent.h"
#include "money.h"
#include "scenario.h"

#define LOAD_TOKEN_MAX 128
#define LOAD_CONNECTIONS_MAX 4096
#define LOAD_BATCH_MAX 1000
#define LOAD_BILLERS_MAX 16

struct load_terminal {
	char bank[INTENT_BANK_MAX + 1];
	char terminal[INTENT_TERMINAL_MAX + 1];
	char token[LOAD_TOKEN_MAX + 1];
};

struct load_opts {
	char host[64];               /* IPv4 address, e.g. 127.0.0.1 */
	int port;
	int connections;             /* 1..LOAD_CONNECTIONS_MAX */
	int batch_size;              /* 0: POST /v1/intents; else /batch */
	int64_t rate_per_s;          /* intents per second, 0 = as fast as possible */
	int64_t count;               /* intents to generate, 0 = until duration */
	int64_t duration_ms;         /* stop generating after, 0 = until count */
	int attempts_max;            /* tries per intent (1 = no retry, 0 = no limit) */
	int64_t retry_after_max_ms;  /* cap on honoured Retry-After */
	int64_t request_timeout_ms;  /* a response slower than this is an error */
	uint64_t first_index;        /* intent numbers start here */
	/* paid_at of intent i: paid_at_base_ms + i * paid_at_step_ms when the
	 * base is set (so a later run can re-send the very same intents, as a
	 * terminal that lost an answer does), else the clock at generation. */
	int64_t paid_at_base_ms;
	int64_t paid_at_step_ms;
	const struct load_terminal *terminals;
	size_t terminal_count;
	struct scenario scenario;
	int biller_count;
	const char *biller_ids[LOAD_BILLERS_MAX];
	const struct currency *currencies[LOAD_BILLERS_MAX];
	FILE *accepted_log;          /* NULL: don't log accepted intents */
	/* Every intent never answered 202, one JSON line each:
	 * {"outcome":O,"intent":{...}} with O "rejected" (a 4xx), "shed"
	 * (given up; every attempt was answered 503) or "unanswered" (given
	 * up; some attempt got no answer: the connection failed or timed
	 * out, so the intake may have enqueued it). NULL: no log. */
	FILE *unaccepted_log;
	FILE *progress;              /* NULL: no progress lines */
	volatile int *stop_flag;     /* non-zero: stop generating (may be NULL) */
	/* Live counters another thread may watch while the load runs (the
	 * demo times its outage by them); NULL when not wanted. */
	atomic_llong *live_accepted; /* intents answered 202 so far */
	atomic_llong *live_shed;     /* 503 responses so far */
};

struct load_result {
	int64_t intents_generated;
	int64_t intents_accepted;   /* 202 */
	int64_t intents_rejected;   /* 4xx: given up at once, never retried */
	int64_t intents_gave_up;    /* still 503/failed after attempts_max */
	int64_t responses_202, responses_503, responses_4xx, responses_other;
	int64_t requests_sent;
	int64_t retries;            /* intents sent again with the same key */
	int64_t connection_errors;
	int64_t elapsed_ms;
	int64_t latency_us_p50, latency_us_p90, latency_us_p99, latency_us_max;
};

/* Run the load described by opts until every generated intent is accepted,
 * rejected or given up. Returns 0 with *ret filled, or -1 with errstr when
 * it cannot run at all (bad options, no memory, cannot connect at start). */
int load_run(const struct load_opts *opts, struct load_result *ret,
	     char *errstr, size_t errstr_size);

#endif
