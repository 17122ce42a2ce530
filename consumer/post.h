/* post — the posting consumer: reads the billers' topics as one consumer
 * group member and posts each batch into the billers' ledgers through
 * poster, exactly once in effect (docs/posting.md):
 *
 * - Offsets live in each ledger (kafka_offsets), written in the posting
 *   transaction; on assignment every partition starts at its stored
 *   offset (offset 0 for a ledger that has none). Kafka's committed
 *   offsets are written after the ledger commit, for monitoring only.
 * - A stored offset that Kafka no longer has (below the low watermark, or
 *   beyond the high watermark: the topic was recreated) stops that
 *   partition with a loud log line naming the missing range. Never a
 *   silent skip.
 * - Poison messages go to the dead-letter topic (dlq.h); a partition whose
 *   dead letter could not be written is paused at that message and
 *   retried later, never skipped.
 * - Partition revocation and SIGINT/SIGTERM finish the current batch (it
 *   is committed) before the partitions are let go.
 *
 * One thread; the rebalance callback runs inside its poll. */
#ifndef TASDID_POST_H
#define TASDID_POST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "kafka.h"
#include "ledger_db.h"

#define POST_BATCH_MAX_DEFAULT 10000
#define POST_BATCH_WAIT_MS_DEFAULT 200
#define POST_STATS_INTERVAL_MS_DEFAULT 1000
#define POST_DLQ_TIMEOUT_MS_DEFAULT 10000
#define POST_DLQ_RETRY_MS_DEFAULT 5000
#define POST_BILLERS_MAX 64

_Static_assert(POST_BATCH_MAX_DEFAULT <= LEDGER_DB_BATCH_COUNT_MAX,
	       "the default batch fits the ledger's page cache");

/* Exit codes of `tasdid post` (post_run's result). */
enum post_exit {
	POST_EXIT_OK = 0,
	POST_EXIT_ERROR = 1,        /* a ledger or Kafka error stopped it */
	POST_EXIT_USAGE = 2,
	POST_EXIT_MISSING_DATA = 3, /* stopped while a partition was stalled
				     * on offsets Kafka no longer has */
};

struct post_options {
	const char *billers[POST_BILLERS_MAX]; /* none: every biller */
	int biller_count;
	const char *group_id;   /* NULL: "tasdid-post" */
	const char *stats_file; /* NULL: [post] stats_file, else none */
};

struct post;

/* Check the options against cfg, read [post], open every ledger (each
 * must exist: `tasdid ledger init` or `tasdid invoices import` creates
 * it), create the consumer and the dead-letter producer with props
 * (config [kafka] + command line; post.c adds its own, see there).
 * Returns 0 and *ret (post_free() frees it; cfg and props must outlive
 * it), or -1 with errstr. */
int post_new(const struct config *cfg, const struct kafka_props *props,
	     const struct post_options *opts, struct post **ret,
	     char *errstr, size_t errstr_size);

/* Consume and post until SIGINT/SIGTERM (stop.h) or a fatal error, then
 * finish the batch, leave the group and return an enum post_exit. Logs. */
int post_run(struct post *p);

/* Close the consumer, producer and ledgers; NULL is fine. */
void post_free(struct post *p);

#endif
