/* spool — a terminal's local store of the payments it took, in one SQLite
 * file, so a counter keeps taking payments while the intake cannot be
 * reached (docs/terminal.md).
 *
 * spool_pay() commits the payment durably (WAL, synchronous=FULL: the
 * commit has been fsynced) *before* it hands back the receipt number; the
 * forwarder (forward.h) then moves each entry through
 *
 *   queued → sent → acknowledged     (the intake answered 202)
 *                 → rejected         (the intake refused it: 4xx, kept with
 *                                     the reason for a person to look at)
 *
 * "sent" means at least one attempt was made and no final answer came yet;
 * it is retried like "queued". Nothing leaves the spool until acknowledged;
 * acknowledged entries are purged only after a number of days.
 *
 * An entry's paid_at is the counter's clock at spool_pay() and never
 * changes; its idempotency key is "rcpt.<spool id>.<receipt number>", where
 * the spool id is 12 random hex digits chosen when the file is created, so
 * keys are unique per terminal even across a replaced spool file.
 *
 * A handle is one SQLite connection: one thread at a time. Several
 * processes (pay, forward, status) may use one file at once. */
#ifndef TASDID_SPOOL_H
#define TASDID_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "intent.h"

/* PRAGMA application_id of a spool ("TSDS"). */
#define SPOOL_APPLICATION_ID 0x54534453

/* How long a statement waits for another process's write lock. */
#define SPOOL_BUSY_TIMEOUT_MS (5 * 1000)

/* "rcpt." + 12 hex + "." + up to 19 digits: within the intent's key limit. */
#define SPOOL_ID_HEX_LEN 12
_Static_assert(5 + SPOOL_ID_HEX_LEN + 1 + 19 <= INTENT_KEY_MAX,
	       "a receipt-derived key fits an idempotency key");

/* Longest stored refusal reason (field + ": " + reason), bytes. */
#define SPOOL_REASON_MAX 255

struct spool;

enum spool_state {
	SPOOL_QUEUED,
	SPOOL_SENT,
	SPOOL_ACKNOWLEDGED,
	SPOOL_REJECTED,
	SPOOL_STATE_COUNT
};

/* A payment as the cashier enters it: text, validated by spool_pay().
 * branch and invoice may be NULL or "" (absent). */
struct spool_payment {
	const char *bank, *branch, *terminal, *biller, *account, *invoice;
	const char *amount;   /* decimal string, "1500.00" */
	const char *currency; /* ISO 4217 */
	const char *channel;  /* "teller", ... */
};

/* One spooled payment. */
struct spool_entry {
	int64_t receipt_no;
	struct intent in; /* as sent: intent_id derived, received_at "" */
	enum spool_state state;
	int64_t attempts;
	int64_t created_at_ms, updated_at_ms;
	int64_t acked_at_ms;                 /* 0 unless acknowledged */
	char acked_intent_id[INTENT_ID_LEN + 1]; /* the intake's; "" until */
	int last_status;                     /* last HTTP status, 0 if none */
	char last_error[SPOOL_REASON_MAX + 1]; /* "" if none */
};

/* The outcome of one forwarding attempt, for spool_record(). */
enum spool_outcome {
	SPOOL_OUTCOME_ACKED,    /* 202: intent_id is the intake's id */
	SPOOL_OUTCOME_REJECTED, /* refused for good: reason kept */
	SPOOL_OUTCOME_RETRY,    /* 503, timeout, ...: stays "sent" */
};

struct spool_result {
	int64_t receipt_no;
	enum spool_outcome outcome;
	int status;                   /* HTTP status, 0 for a transport error */
	const char *intent_id;        /* ACKED */
	const char *reason;           /* REJECTED and RETRY; may be NULL */
};

/* Open (creating when missing) the spool at path and set its pragmas.
 * Returns 0 and *ret (close with spool_close), or -1 with errstr and *ret
 * untouched: not a spool file, newer schema, SQLite error. */
int spool_open(const char *path, struct spool **ret, char *errstr,
	       size_t errstr_size);

/* Close; NULL is fine. */
void spool_close(struct spool *sp);

/* The 12 hex digits of this spool's id. */
const char *spool_id(const struct spool *sp);

/* Validate p as a payment intent (the schema's rules, intent_decode()),
 * assign the next receipt number and its idempotency key, stamp paid_at =
 * now_ms (RFC 3339 UTC with ms), derive the intent id and commit, in one
 * transaction. Returns 0 only after the commit has returned (durable), with
 * *ret filled; or -1 with "FIELD: reason" or an SQLite error in errstr and
 * nothing stored. */
int spool_pay(struct spool *sp, const struct spool_payment *p, int64_t now_ms,
	      struct spool_entry *ret, char *errstr, size_t errstr_size);

/* The entry with receipt number n: 1 with *ret, 0 when there is none, -1
 * with errstr on an SQLite error. */
int spool_get(struct spool *sp, int64_t receipt_no, struct spool_entry *ret,
	      char *errstr, size_t errstr_size);

/* Up to max entries still to send (queued or sent), oldest receipt first,
 * into out[]; the count in *ret_n. Returns 0 or -1 with errstr. */
int spool_pending(struct spool *sp, struct spool_entry *out, size_t max,
		  size_t *ret_n, char *errstr, size_t errstr_size);

/* Mark n entries "sent" and count an attempt (before the request goes out,
 * so status shows what is in the air). One transaction. */
int spool_mark_sent(struct spool *sp, const int64_t *receipt_nos, size_t n,
		    int64_t now_ms, char *errstr, size_t errstr_size);

/* Record n outcomes in one durable transaction. An entry already
 * acknowledged or rejected is left as it is (a late duplicate answer
 * changes nothing). Returns 0, or -1 with errstr and nothing recorded. */
int spool_record(struct spool *sp, const struct spool_result *res, size_t n,
		 int64_t now_ms, char *errstr, size_t errstr_size);

/* Delete acknowledged entries acknowledged more than keep_days before
 * now_ms (never queued, sent or rejected ones). *ret_count = rows deleted.
 * Returns 0 or -1 with errstr. */
int spool_purge(struct spool *sp, int64_t now_ms, int keep_days,
		int64_t *ret_count, char *errstr, size_t errstr_size);

/* Per state: the number of entries and the oldest created_at_ms (0 when
 * none). Arrays of SPOOL_STATE_COUNT. Returns 0 or -1 with errstr. */
int spool_counts(struct spool *sp, int64_t count[SPOOL_STATE_COUNT],
		 int64_t oldest_ms[SPOOL_STATE_COUNT], char *errstr,
		 size_t errstr_size);

/* Call fn for each entry in receipt order; fn returns 0 to go on. Returns
 * 0, or -1 with errstr. */
int spool_foreach(struct spool *sp,
		  int (*fn)(const struct spool_entry *e, void *arg), void *arg,
		  char *errstr, size_t errstr_size);

/* "queued", "sent", "acknowledged", "rejected". */
const char *spool_state_name(enum spool_state st);

#endif
