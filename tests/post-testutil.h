/* Helpers shared by the posting tests (test-alloc.c, test-poster.c,
 * test-invoice-import.c): a ledger in a scratch directory, invoices,
 * intents, one-intent batches and the balance assertion. static inline so
 * that a test using only some of them compiles cleanly. */
#ifndef TASDID_POST_TESTUTIL_H
#define TASDID_POST_TESTUTIL_H

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intent.h"
#include "ledger_db.h"
#include "../consumer/poster.h"
#include "timeutil.h"

#define TU_TOPIC "tasdid.intents.water"

struct tu_ledger {
	char dir[512];
	char path[600];
	struct poster *p;
	sqlite3 *db;
};

static inline void tu_ledger_open(struct tu_ledger *L)
{
	char err[512] = "";
	const char *base = getenv("TMPDIR");
	snprintf(L->dir, sizeof(L->dir), "%s/tasdid-post-XXXXXX",
		 base != NULL && base[0] != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(L->dir));
	snprintf(L->path, sizeof(L->path), "%s/water.db", L->dir);
	ck_assert_msg(poster_open(L->path, "water", "JOD", LEDGER_DB_CREATE,
				  &L->p, err, sizeof(err)) == 0,
		      "%s", err);
	L->db = poster_db(L->p);
}

/* Close and reopen the same file, as a restarted consumer does. */
static inline void tu_ledger_reopen(struct tu_ledger *L)
{
	char err[512] = "";
	poster_close(L->p);
	ck_assert_msg(poster_open(L->path, "water", "JOD", 0, &L->p, err,
				  sizeof(err)) == 0,
		      "%s", err);
	L->db = poster_db(L->p);
}

static inline void tu_ledger_close(struct tu_ledger *L)
{
	poster_close(L->p);
	DIR *d = opendir(L->dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	char p[1200];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", L->dir, e->d_name);
		ck_assert_int_eq(unlink(p), 0);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(L->dir), 0);
}

static inline void tu_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static inline int64_t tu_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static inline void tu_invoice(sqlite3 *db, const char *no,
			      const char *account, const char *due_on,
			      int64_t due_minor)
{
	char *sql = sqlite3_mprintf(
		"INSERT INTO invoices (invoice_no, account, due_on,"
		" amount_due_minor, currency, imported_at_ms) VALUES"
		" (%Q, %Q, %Q, %lld, 'JOD', 1764000000000)",
		no, account, due_on, (long long)due_minor);
	tu_exec(db, sql);
	sqlite3_free(sql);
}

static inline int64_t tu_paid(sqlite3 *db, const char *no)
{
	char *sql = sqlite3_mprintf(
		"SELECT amount_paid_minor FROM invoices_current WHERE invoice_no = %Q",
		no);
	int64_t v = tu_count(db, sql);
	sqlite3_free(sql);
	return v;
}

/* A valid queued intent number n (its key and time derive from n). */
static inline void tu_intent(struct intent *in, int n, const char *account,
			     const char *invoice, int64_t amount_minor)
{
	memset(in, 0, sizeof(*in));
	in->schema_version = INTENT_SCHEMA_VERSION;
	snprintf(in->idempotency_key, sizeof(in->idempotency_key), "key-%d",
		 n);
	snprintf(in->bank, sizeof(in->bank), "BNK1");
	snprintf(in->terminal, sizeof(in->terminal), "T-07");
	snprintf(in->biller, sizeof(in->biller), "water");
	snprintf(in->account, sizeof(in->account), "%s", account);
	snprintf(in->invoice, sizeof(in->invoice), "%s", invoice);
	in->amount_minor = amount_minor;
	snprintf(in->currency, sizeof(in->currency), "JOD");
	in->paid_at_ms = 1764054900000 + n;
	rfc3339_format_utc_ms(in->paid_at_ms, in->paid_at,
			      sizeof(in->paid_at));
	intent_stamp_received(in, in->paid_at_ms + 100);
	in->channel = INTENT_CHANNEL_TELLER;
	intent_derive_id(in);
}

/* Post one intent at offset in its own batch, advancing partition 0. */
static inline void tu_post_one(struct tu_ledger *L, const struct intent *in,
			       int64_t offset, struct poster_outcome *o)
{
	char err[512] = "";
	struct poster_counts c = {0};
	ck_assert_msg(poster_begin(L->p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(poster_post(L->p, in, TU_TOPIC, 0, offset, 1764054901000,
				  o, err, sizeof(err)) == 0,
		      "%s", err);
	c.postings_count = !o->duplicate;
	c.duplicates_count = o->duplicate;
	c.suspense_count = o->split.suspense_code != NULL;
	ck_assert_msg(poster_advance(L->p, TU_TOPIC, 0, offset + 1, &c,
				     1764054901000, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(poster_commit(L->p, err, sizeof(err)) == 0, "%s", err);
}

static inline void tu_assert_balanced(sqlite3 *db, int64_t postings_count,
				      int64_t postings_minor)
{
	char err[512] = "";
	struct ledger_balance b;
	ck_assert_msg(ledger_db_check_balance(db, &b, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(b.postings_count, postings_count);
	ck_assert_int_eq(b.postings_minor, postings_minor);
	ck_assert_int_eq(b.difference_minor, 0);
	ck_assert_int_eq(b.intents_unbalanced_count, 0);
	ck_assert_int_eq(b.invoices_inconsistent_count, 0);
	ck_assert(b.balanced);
}

#endif
