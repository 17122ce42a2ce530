/* Tests for inquiry's reading of a ledger (inquiry_answer) and its running
 * sum of the unfolded journal (lib/unfolded.h), on real ledgers at the
 * latest schema: a writer connection plays the posting consumer, a
 * LEDGER_DB_READONLY connection is inquiry's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "../inquiry/inquiry.h" /* inquiry/ is not on the tests' path */
#include "unfolded.h"
#include "bizdate.h"
#include "ledger_db.h"
#include "money.h"

#define P1 "01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe"

static char dir[256], path[300];

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s",
		      sql, err);
}

/* A new ledger with one posting (P1) for allocations to point at; returns
 * the writer, *ret_reader a read-only connection to it. */
static sqlite3 *ledger(sqlite3 **ret_reader)
{
	snprintf(dir, sizeof(dir), "/tmp/tasdid-inquiry-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	sqlite3 *db = NULL;
	char err[256];
	ck_assert_msg(ledger_db_open(path, "water", "SYP", LEDGER_DB_CREATE, &db,
				     err, sizeof(err)) == 0, "%s", err);
	exec(db, "INSERT INTO postings (intent_id, idempotency_key, bank,"
	     " terminal, account, amount_minor, currency, paid_at, paid_at_ms,"
	     " received_at_ms, posted_at_ms, channel, kafka_topic,"
	     " kafka_partition, kafka_offset) VALUES ('" P1 "', 'k', 'B', 'T',"
	     " 'A', 999999999, 'SYP', 'x', 1, 1, 1, 'teller', 't', 0, 0)");
	ck_assert_msg(ledger_db_open(path, "water", "SYP", LEDGER_DB_READONLY,
				     ret_reader, err, sizeof(err)) == 0, "%s", err);
	return db;
}

static void ledger_remove(sqlite3 *writer, sqlite3 *reader)
{
	sqlite3_close(reader);
	sqlite3_close(writer);
	const char *suffix[] = {"", "-wal", "-shm"};
	char p[400];
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}

/* Append a journal row as the consumer does (seq: the next one). */
static void append(sqlite3 *db, const char *invoice_no, int64_t amount_minor,
		   int invoice_updated)
{
	char sql[300];
	snprintf(sql, sizeof(sql), "INSERT INTO allocations (intent_id,"
		 " invoice_no, amount_minor, invoice_updated) VALUES ('" P1
		 "', '%s', %lld, %d)", invoice_no, (long long)amount_minor,
		 invoice_updated);
	exec(db, sql);
}

/* The fold: add the journal to invoices, move folded_seq to the end. */
static void fold(sqlite3 *db)
{
	exec(db, "BEGIN IMMEDIATE;"
	     "UPDATE invoices SET amount_paid_minor = amount_paid_minor + u.s"
	     " FROM (SELECT invoice_no, sum(amount_minor) AS s FROM allocations"
	     "       WHERE seq > (SELECT folded_seq FROM allocations_fold)"
	     "         AND invoice_updated = 0 GROUP BY invoice_no) AS u"
	     " WHERE invoices.invoice_no = u.invoice_no;"
	     "UPDATE allocations_fold SET folded_seq ="
	     " (SELECT max(seq) FROM allocations);"
	     "COMMIT");
}

static struct config_biller biller(void)
{
	struct config_biller b = {.id = "water", .grace_days = 15};
	b.currency = currency_find("SYP");
	ck_assert_ptr_nonnull(b.currency);
	return b;
}

/* What inquiry answers for account, as "status total_open I-1=paid ..."
 * (the open invoices' amount_paid, in order). */
static void answer(struct inquiry_reader *r, const char *account, char *out,
		   size_t out_size)
{
	struct config_biller b = biller();
	int64_t today;
	ck_assert_int_eq(bizdate_parse("2026-11-25", &today), 0);
	char *body = NULL;
	int status = inquiry_answer(&b, r, account, today, &body);
	ck_assert_ptr_nonnull(body);
	json_t *root = json_loads(body, 0, NULL);
	ck_assert_ptr_nonnull(root);
	size_t n = (size_t)snprintf(out, out_size, "%d", status);
	json_t *total = json_object_get(root, "total_open");
	if (total != NULL)
		n += (size_t)snprintf(out + n, out_size - n, " %s",
				      json_string_value(total));
	json_t *inv = json_object_get(root, "invoices"), *o;
	size_t i;
	json_array_foreach(inv, i, o) {
		n += (size_t)snprintf(out + n, out_size - n, " %s=%s",
			json_string_value(json_object_get(o, "invoice_no")),
			json_string_value(json_object_get(o, "amount_paid")));
		ck_assert_uint_lt(n, out_size);
	}
	json_decref(root);
	free(body);
}

#define ASSERT_ANSWER(r, account, want)                                      \
	do {                                                                 \
		char got_[512];                                              \
		answer((r), (account), got_, sizeof(got_));                  \
		ck_assert_str_eq(got_, (want));                              \
	} while (0)

/* Invalid input first: a database that is not a ledger at schema 003 has
 * no reader, and says which table is missing. */
START_TEST(test_reader_needs_schema_003)
{
	static const struct {
		const char *schema, *want;
	} t[] = {
		{"", "no such table: invoices"},
		{"CREATE TABLE invoices (invoice_no, account, period, due_on,"
		 " amount_due_minor, amount_paid_minor);",
		 "no such table: allocations_fold"},
		{"CREATE TABLE invoices (invoice_no, account, period, due_on,"
		 " amount_due_minor, amount_paid_minor);"
		 "CREATE TABLE allocations_fold (id, folded_seq);",
		 "no such table: allocations"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sqlite3 *db = NULL;
		ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
		exec(db, t[i].schema);
		struct inquiry_reader *r = (struct inquiry_reader *)&db; /* poison */
		char err[256] = "";
		ck_assert_int_eq(inquiry_reader_new(db, &r, err, sizeof(err)), -1);
		ck_assert_ptr_eq(r, (struct inquiry_reader *)&db); /* untouched */
		ck_assert_msg(strstr(err, t[i].want) != NULL, "%zu: %s", i, err);
		sqlite3_close(db);
	}
}
END_TEST

/* The running sum across lookups: rows appended between two lookups are
 * in the second; an invoice_updated = 1 row is never counted (its
 * posting added it to the invoice itself); a fold between lookups does not
 * count the journal twice; a writer's uncommitted rows are not seen, its
 * committed ones are; an unknown account is still a 404. */
START_TEST(test_running_sum)
{
	sqlite3 *reader = NULL, *db = ledger(&reader);
	exec(db, "INSERT INTO invoices (invoice_no, account, due_on,"
	     " amount_due_minor, amount_paid_minor, currency, imported_at_ms)"
	     " VALUES ('I-1', 'A', '2099-01-10', 100000, 10000, 'SYP', 1),"
	     "        ('I-2', 'A', '2099-02-10', 50000, 30000, 'SYP', 1),"
	     "        ('I-9', 'B', '2099-01-10', 100000, 0, 'SYP', 1)");
	append(db, "I-1", 20000, 0);
	append(db, "I-2", 30000, 1); /* already in I-2's 30000 */
	append(db, "I-9", 5000, 0);  /* another account's */
	struct inquiry_reader *r = NULL;
	char err[256];
	ck_assert_msg(inquiry_reader_new(reader, &r, err, sizeof(err)) == 0, "%s", err);

	/* 100 + 200 unfolded; 300 folded (not 600) */
	ASSERT_ANSWER(r, "A", "200 900.00 I-1=300.00 I-2=300.00");
	ASSERT_ANSWER(r, "B", "200 950.00 I-9=50.00");
	ASSERT_ANSWER(r, "NONE", "404");

	/* Between two lookups: two rows to fold, one the posting added to
	 * I-1 itself (in the same transaction, as the consumer does). */
	append(db, "I-1", 5000, 0);
	append(db, "I-2", 10000, 0);
	exec(db, "BEGIN; UPDATE invoices SET amount_paid_minor ="
	     " amount_paid_minor + 1000 WHERE invoice_no = 'I-1'");
	append(db, "I-1", 1000, 1);
	exec(db, "COMMIT");
	ASSERT_ANSWER(r, "A", "200 740.00 I-1=360.00 I-2=400.00");

	/* A fold moves the journal into invoices: the same amounts. */
	fold(db);
	ASSERT_ANSWER(r, "A", "200 740.00 I-1=360.00 I-2=400.00");
	ASSERT_ANSWER(r, "B", "200 950.00 I-9=50.00");
	append(db, "I-2", 2000, 0);
	ASSERT_ANSWER(r, "A", "200 720.00 I-1=360.00 I-2=420.00");

	/* An open write transaction: its row is not in the reader's
	 * snapshot, and is once committed. */
	exec(db, "BEGIN IMMEDIATE");
	append(db, "I-1", 4000, 0);
	ASSERT_ANSWER(r, "A", "200 720.00 I-1=360.00 I-2=420.00");
	exec(db, "COMMIT");
	ASSERT_ANSWER(r, "A", "200 680.00 I-1=400.00 I-2=420.00");

	/* Paid in full by the journal alone: no longer listed. */
	append(db, "I-2", 8000, 0);
	ASSERT_ANSWER(r, "A", "200 600.00 I-1=400.00");
	/* The reader left no transaction open: the writer can fold and
	 * checkpoint past it. */
	ck_assert_int_eq(sqlite3_get_autocommit(reader), 1);
	fold(db);
	ASSERT_ANSWER(r, "A", "200 600.00 I-1=400.00");
	inquiry_reader_free(r);
	ledger_remove(db, reader);
}
END_TEST

/* Refresh one unfolded sum in its own read transaction; the rows read. */
static int64_t refresh(sqlite3 *reader, struct unfolded *u)
{
	char err[256];
	exec(reader, "BEGIN");
	int64_t n = unfolded_refresh(u, err, sizeof(err));
	ck_assert_msg(n >= 0, "%s", err);
	exec(reader, "COMMIT");
	return n;
}

/* What unfolded_each showed: invoices must come in number order
 * (W-00000, W-00001, ...), each with its sum; stop after stop_at. */
struct walk {
	int count, stop_at;
	int64_t total_minor;
};

static int walk_one(void *arg, const char *invoice_no, int64_t paid_minor)
{
	struct walk *w = arg;
	char want[16];
	snprintf(want, sizeof(want), "W-%05d", w->count);
	ck_assert_str_eq(invoice_no, want);
	ck_assert_int_eq(paid_minor, 11 * (w->count + 1) + 7);
	w->total_minor += paid_minor;
	w->count++;
	return w->count == w->stop_at ? 7 : 0;
}

/* The module alone, over many invoices (the map grows several times):
 * exact sums, rows read per refresh (only the new ones), last_seq past
 * trailing invoice_updated = 1 rows, and everything forgotten at a fold. */
START_TEST(test_unfolded_many)
{
	sqlite3 *reader = NULL, *db = ledger(&reader);
	exec(db, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
	     " WHERE i < 2999) INSERT INTO invoices (invoice_no, account, due_on,"
	     " amount_due_minor, currency, imported_at_ms) SELECT"
	     " printf('W-%05d', i), 'A', '2099-01-10', 1000000, 'SYP', 1 FROM n");
	/* Three rows per invoice, in three rounds: i + 1, 10 * (i + 1), 7. */
	exec(db, "BEGIN");
	exec(db, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
	     " WHERE i < 2999) INSERT INTO allocations (intent_id, invoice_no,"
	     " amount_minor) SELECT '" P1 "', printf('W-%05d', i), i + 1 FROM n");
	exec(db, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
	     " WHERE i < 2999) INSERT INTO allocations (intent_id, invoice_no,"
	     " amount_minor) SELECT '" P1 "', printf('W-%05d', i), 10 * (i + 1)"
	     " FROM n");
	exec(db, "COMMIT");
	struct unfolded *u = NULL;
	char err[256];
	ck_assert_msg(unfolded_new(reader, &u, err, sizeof(err)) == 0, "%s", err);
	int64_t folded, last;
	unfolded_seqs(u, &folded, &last);
	ck_assert_int_eq(folded, -1);
	ck_assert_int_eq(last, -1);
	ck_assert_int_eq(refresh(reader, u), 6000);
	ck_assert_int_eq(refresh(reader, u), 0);
	ck_assert_uint_eq(unfolded_invoice_count(u), 3000);
	exec(db, "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
	     " WHERE i < 2999) INSERT INTO allocations (intent_id, invoice_no,"
	     " amount_minor) SELECT '" P1 "', printf('W-%05d', i), 7 FROM n");
	append(db, "W-00000", 1, 1); /* a trailing invoice_updated = 1 row */
	ck_assert_int_eq(refresh(reader, u), 3000);
	unfolded_seqs(u, &folded, &last);
	ck_assert_int_eq(folded, 0);
	ck_assert_int_eq(last, 9001);
	ck_assert_uint_eq(unfolded_invoice_count(u), 3000);
	for (int i = 0; i < 3000; i++) {
		char no[16];
		snprintf(no, sizeof(no), "W-%05d", i);
		ck_assert_int_eq(unfolded_paid_minor(u, no), 11 * (i + 1) + 7);
	}
	ck_assert_int_eq(unfolded_paid_minor(u, "W-99999"), 0);
	ck_assert_int_eq(unfolded_paid_minor(u, "W-0000"), 0); /* a prefix */

	/* unfolded_each (the consumer's fold): every invoice once, in
	 * number order, with its sum; a nonzero answer stops the walk. */
	struct walk w = {0};
	ck_assert_int_eq(unfolded_each(u, walk_one, &w), 0);
	ck_assert_int_eq(w.count, 3000);
	ck_assert_int_eq(w.total_minor, 11 * 3000 * 3001 / 2 + 7 * 3000);
	w = (struct walk){.stop_at = 1234};
	ck_assert_int_eq(unfolded_each(u, walk_one, &w), 7);
	ck_assert_int_eq(w.count, 1234);
	unfolded_forget(u);
	ck_assert_uint_eq(unfolded_invoice_count(u), 0);
	ck_assert_int_eq(refresh(reader, u), 9000);

	fold(db);
	ck_assert_int_eq(refresh(reader, u), 0);
	unfolded_seqs(u, &folded, &last);
	ck_assert_int_eq(folded, 9001);
	ck_assert_int_eq(last, 9001);
	ck_assert_uint_eq(unfolded_invoice_count(u), 0);
	ck_assert_int_eq(unfolded_paid_minor(u, "W-00001"), 0);
	append(db, "W-00001", 5, 0);
	ck_assert_int_eq(refresh(reader, u), 1);
	ck_assert_int_eq(unfolded_paid_minor(u, "W-00001"), 5);
	ck_assert_uint_eq(unfolded_invoice_count(u), 1);
	unfolded_free(u);
	ledger_remove(db, reader);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("inquiry");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_reader_needs_schema_003);
	tcase_add_test(tc, test_running_sum);
	tcase_add_test(tc, test_unfolded_many);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
