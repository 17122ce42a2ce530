/* poster — the posting path of one biller's ledger: a transaction per
 * batch that inserts postings (duplicates absorbed by intent id), splits
 * each one with alloc, and moves the partitions' stored Kafka offsets and
 * counters forward, all or nothing.
 *
 * The Kafka consumer (cmd_post.c), the benchmark and the tests drive it
 * the same way:
 *
 *   poster_begin()
 *   poster_post() for each decoded, valid intent of the batch
 *   poster_advance() for each partition the batch read from
 *   poster_commit()          (or poster_rollback() on any error)
 *
 * One poster per ledger file; one thread at a time. */
#ifndef TASDID_POSTER_H
#define TASDID_POSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "alloc.h"
#include "intent.h"
#include "ledger_db.h"

/* Checkpoint policy of the posting connection (docs/performance.md). A
 * batch dirties thousands of invoice pages at random keys; with SQLite's
 * default (checkpoint when the WAL reaches 1000 pages) nearly every commit
 * was followed by a checkpoint writing them all back into the database
 * file. Letting the WAL grow to POSTER_WAL_CHECKPOINT_PAGES before the
 * (passive, automatic) checkpoint lets one checkpoint write a hot page
 * once for many batches. After a checkpoint the WAL file is cut back to
 * POSTER_WAL_LIMIT_BYTES, so the disk used stays bounded. Durability is
 * unchanged: a commit is durable once the WAL is synced (synchronous=FULL),
 * whenever the checkpoint runs. */
#define POSTER_WAL_CHECKPOINT_PAGES 16384 /* x 4 KiB pages = 64 MiB */
#define POSTER_WAL_LIMIT_BYTES (128 * 1024 * 1024)

_Static_assert((int64_t)POSTER_WAL_CHECKPOINT_PAGES * LEDGER_DB_PAGE_SIZE
		       <= POSTER_WAL_LIMIT_BYTES,
	       "the WAL a checkpoint leaves behind is kept, not cut each "
	       "time");

struct poster;

/* Open (and migrate) the ledger at path for biller_id in currency, with
 * ledger_db_open()'s flags (LEDGER_DB_CREATE for a new ledger), and
 * prepare every statement. Returns 0 and *ret (the caller closes it with
 * poster_close()), or -1 with errstr and nothing left open. */
int poster_open(const char *path, const char *biller_id,
		const char *currency, unsigned ledger_flags,
		struct poster **ret, char *errstr, size_t errstr_size);

/* The underlying connection (borrowed), for checks and tests. */
sqlite3 *poster_db(struct poster *p);

/* The stored next offset of (topic, partition): 0 with *ret_offset, or
 * *ret_offset = -1 when the ledger has none yet; -1 with errstr on an
 * SQLite error. Outside a batch. */
int poster_next_offset(struct poster *p, const char *topic,
		       int32_t partition, int64_t *ret_offset, char *errstr,
		       size_t errstr_size);

/* Start a batch (BEGIN IMMEDIATE: the write lock is taken now, so a
 * concurrent writer makes this wait up to LEDGER_DB_BUSY_TIMEOUT_MS, never
 * fail half-way). Returns 0, or -1 with errstr. */
int poster_begin(struct poster *p, char *errstr, size_t errstr_size);

/* What poster_post did with one intent. */
struct poster_outcome {
	bool duplicate;          /* already posted: nothing written */
	struct alloc_result split; /* when not a duplicate */
};

/* Post in (decoded from the queue: valid, intent_id set, currency the
 * ledger's — asserted) read at (topic, partition, offset), at now_ms.
 * Inside a batch. Returns 0 with *ret, or -1 with errstr (the caller must
 * roll back). */
int poster_post(struct poster *p, const struct intent *in, const char *topic,
		int32_t partition, int64_t offset, int64_t now_ms,
		struct poster_outcome *ret, char *errstr, size_t errstr_size);

/* How many intents ahead of poster_post() to call poster_prefetch(). */
#define POSTER_PREFETCH_AHEAD 8

/* Start loading the memory poster_post(p, in, ...) will read first (the
 * account's entry in the invoice cache, then its invoices: a cache miss
 * each per posting otherwise, docs/performance.md). Call it with near
 * false POSTER_PREFETCH_AHEAD intents ahead of poster_post(), and with
 * near true half as far ahead; any intent is fine, nothing changes. */
void poster_prefetch(struct poster *p, const struct intent *in, bool near);

/* What a batch did in one partition, for posting_stats. */
struct poster_counts {
	int64_t postings_count;
	int64_t duplicates_count;
	int64_t suspense_count;
};

/* Record that everything of (topic, partition) before next_offset is in
 * this batch or earlier ones, and add counts to its posting_stats (one
 * batch). Inside a batch. Fails (-1, errstr) on an SQLite error, including
 * the schema's refusal to move an offset backwards. */
int poster_advance(struct poster *p, const char *topic, int32_t partition,
		   int64_t next_offset, const struct poster_counts *counts,
		   int64_t now_ms, char *errstr, size_t errstr_size);

/* Commit the batch durably (WAL, synchronous=FULL). -1 with errstr when
 * the commit fails; the batch is then rolled back. */
int poster_commit(struct poster *p, char *errstr, size_t errstr_size);

/* Fold the ledger's unfolded allocations into its invoices (alloc_fold)
 * in a transaction of its own, outside a batch: when the consumer is idle
 * and before it stops, so readers find the journal empty. No-op when there
 * is nothing to fold. Returns 0, or -1 with errstr (nothing changed). */
int poster_fold(struct poster *p, char *errstr, size_t errstr_size);

/* alloc_unfolded_count() of the ledger's allocator. */
int64_t poster_unfolded_count(struct poster *p);

/* Abandon the batch, if one is open; nothing of it remains. */
void poster_rollback(struct poster *p);

/* Roll back any open batch, finalize, close; NULL is fine. */
void poster_close(struct poster *p);

#endif
