/* poster — see poster.h. */
#include "poster.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"
#include "ledger_db.h"
#include "sqlutil.h"

enum {
	ST_POSTING,
	ST_POSTED,
	ST_OFFSET_GET,
	ST_OFFSET_PUT,
	ST_STATS,
	ST_BEGIN,
	ST_COMMIT,
	ST_COUNT
};

static const char *const poster_sql[ST_COUNT] = {
	/* DO NOTHING + sqlite3_changes(): a duplicate costs one failed
	 * key lookup, no exception path, no second statement. */
	[ST_POSTING] =
		"INSERT INTO postings (intent_id, idempotency_key, bank,"
		" branch, terminal, account, invoice_no, amount_minor,"
		" currency, paid_at, paid_at_ms, received_at_ms, posted_at_ms,"
		" channel, kafka_topic, kafka_partition, kafka_offset,"
		" credit_minor, suspense_minor, suspense_code)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
		" ON CONFLICT (intent_id) DO NOTHING",
	[ST_POSTED] = "SELECT 1 FROM postings WHERE intent_id = ?1",
	[ST_OFFSET_GET] = "SELECT next_offset FROM kafka_offsets"
			  " WHERE topic = ?1 AND partition = ?2",
	[ST_OFFSET_PUT] =
		"INSERT INTO kafka_offsets (topic, partition, next_offset,"
		" updated_at_ms) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (topic, partition) DO UPDATE SET"
		" next_offset = excluded.next_offset,"
		" updated_at_ms = excluded.updated_at_ms"
		" WHERE excluded.next_offset >= kafka_offsets.next_offset",
	[ST_STATS] =
		"INSERT INTO posting_stats (topic, partition, batches_count,"
		" postings_count, duplicates_count, suspense_count,"
		" updated_at_ms) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (topic, partition) DO UPDATE SET"
		" batches_count = batches_count + 1,"
		" postings_count = postings_count + excluded.postings_count,"
		" duplicates_count = duplicates_count"
		" + excluded.duplicates_count,"
		" suspense_count = suspense_count + excluded.suspense_count,"
		" updated_at_ms = excluded.updated_at_ms",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
};

struct poster {
	sqlite3 *db;
	struct alloc *alloc;
	sqlite3_stmt *st[ST_COUNT];
	char currency[4];
	bool in_batch;
};

/* The checks this connection leaves to the poster itself (poster.h,
 * "Checks"): foreign keys and triggers, per connection; every other
 * connection keeps them (ledger_db_open turns foreign keys on). */
static int trust_poster(sqlite3 *db, char *errstr, size_t errstr_size)
{
	int on = -1;
	if (sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, &on) !=
		    SQLITE_OK ||
	    on != 0) {
		errstr_set(errstr, errstr_size, "poster checks: %s",
			sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* The checkpoint policy of poster.h, on this connection only (the
 * pragmas are per connection; other writers keep SQLite's defaults). */
static int set_wal_policy(sqlite3 *db, char *errstr, size_t errstr_size)
{
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "PRAGMA wal_autocheckpoint = %d;"
		 " PRAGMA journal_size_limit = %d",
		 POSTER_WAL_CHECKPOINT_PAGES, POSTER_WAL_LIMIT_BYTES);
	return sql_exec(db, sql, "wal policy", errstr, errstr_size);
}

int poster_open(const char *path, const char *biller_id,
		const char *currency, unsigned ledger_flags,
		struct poster **ret, char *errstr, size_t errstr_size)
{
	assert(ret != NULL && currency != NULL);
	struct poster *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		errstr_set(errstr, errstr_size, "poster: out of memory");
		return -1;
	}
	snprintf(p->currency, sizeof(p->currency), "%s", currency);
	if (ledger_db_open(path, biller_id, currency, ledger_flags, &p->db,
			   errstr, errstr_size) < 0)
		goto fail;
	if (set_wal_policy(p->db, errstr, errstr_size) < 0 ||
	    trust_poster(p->db, errstr, errstr_size) < 0 ||
	    alloc_new(p->db, &p->alloc, errstr, errstr_size) < 0)
		goto fail;
	/* The postings insert without CHECKs: poster_post's values are
	 * validated (lib/intent.c, the asserts there, alloc). */
	char what[PATH_MAX + 16];
	snprintf(what, sizeof(what), "%s: prepare", path);
	if (sql_prepare_persistent(p->db, poster_sql, ST_COUNT, p->st,
				   ST_POSTING, what, errstr, errstr_size) < 0)
		goto fail;
	*ret = p;
	return 0;
fail:
	poster_close(p);
	return -1;
}

sqlite3 *poster_db(struct poster *p)
{
	assert(p != NULL);
	return p->db;
}

void poster_rollback(struct poster *p)
{
	assert(p != NULL);
	sql_rollback(p->db);
	if (p->alloc != NULL)
		alloc_batch_end(p->alloc, false);
	p->in_batch = false;
}

void poster_close(struct poster *p)
{
	if (p == NULL)
		return;
	if (p->db != NULL)
		poster_rollback(p);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(p->st[i]);
	alloc_free(p->alloc);
	sqlite3_close(p->db);
	free(p);
}

/* Step a statement that returns no rows, then reset it. */
static int run(struct poster *p, sqlite3_stmt *st, char *errstr,
	       size_t errstr_size)
{
	return sql_step_done(p->db, st, NULL, errstr, errstr_size);
}

int poster_next_offset(struct poster *p, const char *topic,
		       int32_t partition, int64_t *ret_offset, char *errstr,
		       size_t errstr_size)
{
	assert(p != NULL && topic != NULL && partition >= 0);
	sqlite3_stmt *st = p->st[ST_OFFSET_GET];
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, partition);
	int rc = sqlite3_step(st);
	int64_t off = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "kafka_offsets: %s",
			sqlite3_errmsg(p->db));
		return -1;
	}
	*ret_offset = off;
	return 0;
}

int poster_begin(struct poster *p, char *errstr, size_t errstr_size)
{
	assert(p != NULL && !p->in_batch);
	if (run(p, p->st[ST_BEGIN], errstr, errstr_size) < 0)
		return -1;
	p->in_batch = true;
	if (alloc_batch_begin(p->alloc, errstr, errstr_size) < 0) {
		poster_rollback(p);
		return -1;
	}
	return 0;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s[0] != '\0')
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Insert the postings row with its credit and suspense parts;
 * *ret_inserted false means a duplicate. */
static int insert_posting(struct poster *p, const struct intent *in,
			  const char *topic, int32_t partition,
			  int64_t offset, int64_t now_ms,
			  const struct alloc_result *split, bool *ret_inserted,
			  char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = p->st[ST_POSTING];
	sqlite3_bind_text(st, 1, in->intent_id, INTENT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, in->idempotency_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->bank, -1, SQLITE_STATIC);
	bind_opt_text(st, 4, in->branch);
	sqlite3_bind_text(st, 5, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, in->account, -1, SQLITE_STATIC);
	bind_opt_text(st, 7, in->invoice);
	sqlite3_bind_int64(st, 8, in->amount_minor);
	sqlite3_bind_text(st, 9, in->currency, 3, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, in->paid_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, in->paid_at_ms);
	sqlite3_bind_int64(st, 12, in->received_at_ms);
	sqlite3_bind_int64(st, 13, now_ms);
	sqlite3_bind_text(st, 14, intent_channel_name(in->channel), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 15, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 16, partition);
	sqlite3_bind_int64(st, 17, offset);
	sqlite3_bind_int64(st, 18, split->credit_minor);
	sqlite3_bind_int64(st, 19, split->suspense_minor);
	if (split->suspense_code != NULL)
		sqlite3_bind_text(st, 20, split->suspense_code, -1,
				  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 20);
	if (run(p, st, errstr, errstr_size) < 0)
		return -1;
	*ret_inserted = sqlite3_changes(p->db) == 1;
	return 0;
}

/* Is intent_id posted already? 0 with *ret_posted, or -1 with errstr. */
static int posted(struct poster *p, const char *intent_id, bool *ret_posted,
		  char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = p->st[ST_POSTED];
	sqlite3_bind_text(st, 1, intent_id, INTENT_ID_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "postings: %s",
			sqlite3_errmsg(p->db));
		return -1;
	}
	*ret_posted = rc == SQLITE_ROW;
	return 0;
}

int poster_post(struct poster *p, const struct intent *in, const char *topic,
		int32_t partition, int64_t offset, int64_t now_ms,
		struct poster_outcome *ret, char *errstr, size_t errstr_size)
{
	assert(p != NULL && p->in_batch && in != NULL && ret != NULL);
	assert(strlen(in->intent_id) == INTENT_ID_LEN);
	assert(strcmp(in->currency, p->currency) == 0);
	assert(in->amount_minor > 0 && partition >= 0 && offset >= 0);
	struct alloc_plan plan;
	bool inserted = false;

	/* The split first (alloc.h): it goes into the postings row. */
	if (alloc_plan(p->alloc, in->account, in->invoice, in->amount_minor,
		       &plan, errstr, errstr_size) < 0)
		return -1;
	if (plan.uncached) {
		/* Writes as it decides: only for a posting not seen yet. */
		bool dup = false;
		if (posted(p, in->intent_id, &dup, errstr, errstr_size) < 0)
			return -1;
		if (dup) {
			*ret = (struct poster_outcome){.duplicate = true};
			return 0;
		}
		if (alloc_apply_uncached(p->alloc, in->intent_id, in->account,
					 in->invoice, in->amount_minor,
					 &plan.split, errstr,
					 errstr_size) < 0)
			return -1;
	}
	/* What the CHECKs left out of ST_POSTING would say of the split. */
	assert(plan.split.credit_minor >= 0 && plan.split.suspense_minor >= 0);
	assert(plan.split.allocated_minor + plan.split.credit_minor +
		       plan.split.suspense_minor == in->amount_minor);
	assert((plan.split.suspense_code != NULL) ==
	       (plan.split.suspense_minor > 0));
	if (insert_posting(p, in, topic, partition, offset, now_ms,
			   &plan.split, &inserted, errstr, errstr_size) < 0)
		return -1;
	assert(inserted || !plan.uncached);
	if (inserted && !plan.uncached &&
	    alloc_record(p->alloc, in->intent_id, &plan, errstr,
			 errstr_size) < 0)
		return -1;
	*ret = (struct poster_outcome){.duplicate = !inserted,
				       .split = inserted ? plan.split
							 : (struct alloc_result){0}};
	return 0;
}

void poster_prefetch(struct poster *p, const struct intent *in, bool near)
{
	assert(p != NULL && in != NULL);
	alloc_prefetch(p->alloc, in->account, near);
}

int poster_advance(struct poster *p, const char *topic, int32_t partition,
		   int64_t next_offset, const struct poster_counts *counts,
		   int64_t now_ms, char *errstr, size_t errstr_size)
{
	assert(p != NULL && p->in_batch && topic != NULL && counts != NULL);
	assert(partition >= 0 && next_offset >= 0);
	sqlite3_stmt *st = p->st[ST_OFFSET_PUT];
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, partition);
	sqlite3_bind_int64(st, 3, next_offset);
	sqlite3_bind_int64(st, 4, now_ms);
	if (run(p, st, errstr, errstr_size) < 0)
		return -1;
	/* What the kafka_offsets_forward trigger refuses for other
	 * connections: a stale batch committed after a rebalance. */
	if (sqlite3_changes(p->db) != 1) {
		errstr_set(errstr, errstr_size,
			"%s[%d]: kafka_offsets.next_offset may not go back "
			"(to %" PRId64 ")", topic, (int)partition, next_offset);
		return -1;
	}
	st = p->st[ST_STATS];
	sqlite3_bind_text(st, 1, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, partition);
	sqlite3_bind_int64(st, 3, counts->postings_count);
	sqlite3_bind_int64(st, 4, counts->duplicates_count);
	sqlite3_bind_int64(st, 5, counts->suspense_count);
	sqlite3_bind_int64(st, 6, now_ms);
	return run(p, st, errstr, errstr_size);
}

int poster_commit(struct poster *p, char *errstr, size_t errstr_size)
{
	assert(p != NULL && p->in_batch);
	if (run(p, p->st[ST_COMMIT], errstr, errstr_size) < 0) {
		poster_rollback(p);
		return -1;
	}
	alloc_batch_end(p->alloc, true);
	p->in_batch = false;
	return 0;
}

int poster_fold(struct poster *p, char *errstr, size_t errstr_size)
{
	assert(p != NULL && !p->in_batch);
	if (alloc_unfolded_count(p->alloc) == 0)
		return 0;
	if (poster_begin(p, errstr, errstr_size) < 0)
		return -1;
	if (alloc_fold(p->alloc, errstr, errstr_size) < 0) {
		poster_rollback(p);
		return -1;
	}
	return poster_commit(p, errstr, errstr_size);
}

int64_t poster_unfolded_count(struct poster *p)
{
	assert(p != NULL);
	return alloc_unfolded_count(p->alloc);
}
