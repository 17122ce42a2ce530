/* Tests for poster: duplicates absorbed and counted, offsets stored with
 * the postings and read back after reopening, a rolled-back batch leaves
 * nothing, offsets never go back, and the balance after a mixed batch. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "../consumer/poster.h"
#include "../consumer/invcache.h"
#include "post-testutil.h"

/* A batch of 5 messages: intents 1, 2, 1 again, 3, 2 again; then a second
 * batch re-sending intent 3 (a terminal retry that reached Kafka twice). */
START_TEST(test_duplicates_counted_not_posted)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 100000);
	struct intent in[3];
	for (int i = 0; i < 3; i++)
		tu_intent(&in[i], i + 1, "ACC-1", "", 1000 * (i + 1));
	static const int order[] = {0, 1, 0, 2, 1};
	struct poster_counts c = {0};
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	for (int k = 0; k < 5; k++) {
		struct poster_outcome o;
		ck_assert_msg(poster_post(L.p, &in[order[k]], TU_TOPIC, 3, 10 + k,
					  1, &o, err, sizeof(err)) == 0,
			      "%s", err);
		ck_assert_int_eq(o.duplicate, k == 2 || k == 4);
		c.postings_count += !o.duplicate;
		c.duplicates_count += o.duplicate;
	}
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 3, 15, &c, 1, err,
					sizeof(err)), 0);
	ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);

	struct poster_outcome o;
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(poster_post(L.p, &in[2], TU_TOPIC, 3, 15, 1, &o, err,
				     sizeof(err)), 0);
	ck_assert(o.duplicate);
	struct poster_counts c2 = {.duplicates_count = 1};
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 3, 16, &c2, 1, err,
					sizeof(err)), 0);
	ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);

	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM postings"), 3);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM allocations"), 3);
	ck_assert_int_eq(tu_paid(L.db, "INV-A"), 6000);
	ck_assert_int_eq(tu_count(L.db, "SELECT batches_count FROM "
				  "posting_stats WHERE partition = 3"), 2);
	ck_assert_int_eq(tu_count(L.db, "SELECT postings_count FROM "
				  "posting_stats WHERE partition = 3"), 3);
	ck_assert_int_eq(tu_count(L.db, "SELECT duplicates_count FROM "
				  "posting_stats WHERE partition = 3"), 3);
	tu_assert_balanced(L.db, 3, 6000);
	tu_ledger_close(&L);
}
END_TEST

/* A duplicate changes nothing, not even the consumer's memory of open
 * amounts (schema 003: the split is planned before the postings insert
 * finds the duplicate). ACC-1 owes INV-00 3000 and INV-01 5000, and, with
 * big, 31 more small invoices (more than the cache keeps: the uncached
 * path, which checks for the duplicate first). X pays 2000; X again, in
 * the same batch and in the next; then Y pays 2000: 1000 closes INV-00,
 * 1000 goes to INV-01. Had the duplicate taken its 2000 from INV-00, Y
 * would have paid INV-01 alone. */
START_TEST(test_duplicate_leaves_open_amounts)
{
	for (int big = 0; big <= 1; big++) {
		struct tu_ledger L;
		char err[512] = "", no[32];
		tu_ledger_open(&L);
		tu_invoice(L.db, "INV-00", "ACC-1", "2026-09-30", 3000);
		tu_invoice(L.db, "INV-01", "ACC-1", "2026-10-31", 5000);
		for (int k = 2; big && k < 2 + INVCACHE_ACCOUNT_INVOICES_MAX; k++) {
			snprintf(no, sizeof(no), "INV-%02d", k);
			tu_invoice(L.db, no, "ACC-1", "2026-11-30", 100);
		}
		struct intent x, y;
		struct poster_outcome o;
		struct poster_counts c = {0};
		tu_intent(&x, 1, "ACC-1", "", 2000);
		tu_intent(&y, 2, "ACC-1", "", 2000);
		ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
		for (int k = 0; k < 2; k++) {
			ck_assert_msg(poster_post(L.p, &x, TU_TOPIC, 0, k, 1, &o,
						  err, sizeof(err)) == 0,
				      "%s", err);
			ck_assert_int_eq(o.duplicate, k == 1);
			ck_assert_int_eq(o.split.allocated_minor,
					 k == 0 ? 2000 : 0);
		}
		c.postings_count = 1;
		c.duplicates_count = 1;
		ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 0, 2, &c, 1, err,
						sizeof(err)), 0);
		ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);
		tu_post_one(&L, &x, 2, &o);
		ck_assert(o.duplicate);
		tu_post_one(&L, &y, 3, &o);
		ck_assert(!o.duplicate);
		ck_assert_int_eq(o.split.allocated_minor, 2000);
		ck_assert_int_eq(o.split.invoices_count, 2);
		ck_assert_int_eq(tu_paid(L.db, "INV-00"), 3000);
		ck_assert_int_eq(tu_paid(L.db, "INV-01"), 1000);
		ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM"
					  " allocations"), 3);
		ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM"
					  " allocations WHERE invoice_updated"),
				 big ? 3 : 0);
		tu_assert_balanced(L.db, 2, 4000);
		tu_ledger_close(&L);
	}
}
END_TEST

START_TEST(test_offsets_stored_and_resumed)
{
	struct tu_ledger L;
	char err[512] = "";
	int64_t off = 0;
	tu_ledger_open(&L);
	ck_assert_int_eq(poster_next_offset(L.p, TU_TOPIC, 0, &off, err,
					    sizeof(err)), 0);
	ck_assert_int_eq(off, -1); /* a new ledger has none */

	struct intent in;
	struct poster_outcome o;
	tu_intent(&in, 1, "ACC-9", "", 500);
	tu_post_one(&L, &in, 41, &o); /* partition 0, next = 42 */
	struct poster_counts none = {0};
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 7, 1000, &none, 1, err,
					sizeof(err)), 0);
	ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);

	tu_ledger_reopen(&L);
	ck_assert_int_eq(poster_next_offset(L.p, TU_TOPIC, 0, &off, err,
					    sizeof(err)), 0);
	ck_assert_int_eq(off, 42);
	ck_assert_int_eq(poster_next_offset(L.p, TU_TOPIC, 7, &off, err,
					    sizeof(err)), 0);
	ck_assert_int_eq(off, 1000);
	ck_assert_int_eq(poster_next_offset(L.p, "other", 0, &off, err,
					    sizeof(err)), 0);
	ck_assert_int_eq(off, -1);

	/* Backwards is refused by the schema, and the batch rolls back. */
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 7, 999, &none, 1, err,
					sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "may not go back"));
	poster_rollback(L.p);
	ck_assert_int_eq(poster_next_offset(L.p, TU_TOPIC, 7, &off, err,
					    sizeof(err)), 0);
	ck_assert_int_eq(off, 1000);
	tu_ledger_close(&L);
}
END_TEST

/* An abandoned batch (SIGTERM mid-batch, a failed statement) leaves no
 * posting, allocation, offset or counter behind. */
START_TEST(test_rollback_leaves_nothing)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 100000);
	struct intent in;
	struct poster_outcome o;
	struct poster_counts c = {.postings_count = 1};
	tu_intent(&in, 1, "ACC-1", "INV-A", 700);
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(poster_post(L.p, &in, TU_TOPIC, 0, 0, 1, &o, err,
				     sizeof(err)), 0);
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 0, 1, &c, 1, err,
					sizeof(err)), 0);
	poster_rollback(L.p);
	tu_ledger_reopen(&L);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM postings"), 0);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM allocations"), 0);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM kafka_offsets"), 0);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM posting_stats"), 0);
	ck_assert_int_eq(tu_paid(L.db, "INV-A"), 0);
	/* and the same intent posts normally afterwards */
	tu_post_one(&L, &in, 0, &o);
	ck_assert(!o.duplicate);
	tu_assert_balanced(L.db, 1, 700);
	tu_ledger_close(&L);
}
END_TEST

/* 1000 intents over 50 accounts (half without invoices), some naming
 * invoices, some of other accounts: the ledger balances exactly. */
START_TEST(test_balance_after_mixed_batch)
{
	struct tu_ledger L;
	char err[512] = "";
	char no[32], acc[32];
	tu_ledger_open(&L);
	for (int a = 0; a < 25; a++) {
		snprintf(acc, sizeof(acc), "ACC-%d", a);
		for (int k = 0; k < 3; k++) {
			snprintf(no, sizeof(no), "INV-%d-%d", a, k);
			tu_invoice(L.db, no, acc, k == 0 ? "2026-09-30"
							 : "2026-10-31",
				   3000 + 1000 * k);
		}
	}
	int64_t total = 0;
	struct poster_counts c = {0};
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	for (int i = 0; i < 1000; i++) {
		struct intent in;
		struct poster_outcome o;
		snprintf(acc, sizeof(acc), "ACC-%d", i % 50);
		snprintf(no, sizeof(no), "INV-%d-%d", (i * 7) % 30, i % 3);
		tu_intent(&in, i, acc, i % 4 == 0 ? no : "", 1 + (i * 37) % 2500);
		ck_assert_int_eq(poster_post(L.p, &in, TU_TOPIC, 0, i, 1, &o,
					     err, sizeof(err)), 0);
		total += in.amount_minor;
		c.postings_count++;
		c.suspense_count += o.split.suspense_code != NULL;
	}
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 0, 1000, &c, 1, err,
					sizeof(err)), 0);
	ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);
	tu_assert_balanced(L.db, 1000, total);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM suspense"),
			 c.suspense_count);
	ck_assert_int_gt(c.suspense_count, 0);
	ck_assert_int_gt(tu_count(L.db, "SELECT count(*) FROM account_credit"), 0);
	tu_ledger_close(&L);
}
END_TEST

/* Folding (schema 003): a batch appends its allocations above
 * allocations_fold.folded_seq; a fold adds them to the invoices and moves
 * folded_seq past them without changing any paid amount a reader sees. ACC-1 owes
 * INV-A 5000 (older) and INV-B 8000; three payments of 3000 split
 * A 3000 | A 2000 + B 1000 | B 3000. */
static void post_three(struct tu_ledger *L, int first_n, int64_t offset)
{
	struct intent in;
	struct poster_outcome o;
	for (int k = 0; k < 3; k++) {
		tu_intent(&in, first_n + k, "ACC-1", "", 3000);
		tu_post_one(L, &in, offset + k, &o);
	}
}

static void assert_paid(sqlite3 *db, int64_t a_minor, int64_t b_minor)
{
	ck_assert_int_eq(tu_paid(db, "INV-A"), a_minor);
	ck_assert_int_eq(tu_paid(db, "INV-B"), b_minor);
}

#define UNFOLDED_COUNT_SQL                                                   \
	"SELECT count(*) FROM allocations WHERE invoice_updated = 0 AND seq >" \
	" (SELECT folded_seq FROM allocations_fold)"

static int64_t folded_paid(sqlite3 *db, const char *no)
{
	char *sql = sqlite3_mprintf("SELECT amount_paid_minor FROM invoices"
				    " WHERE invoice_no = %Q", no);
	int64_t v = tu_count(db, sql);
	sqlite3_free(sql);
	return v;
}

START_TEST(test_fold_keeps_balances)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 5000);
	tu_invoice(L.db, "INV-B", "ACC-1", "2026-11-30", 8000);
	post_three(&L, 1, 0);
	/* Unfolded: the invoices themselves still say 0. */
	ck_assert_int_eq(poster_unfolded_count(L.p), 4);
	ck_assert_int_eq(tu_count(L.db, UNFOLDED_COUNT_SQL), 4);
	ck_assert_int_eq(tu_count(L.db, "SELECT folded_seq FROM"
				  " allocations_fold"), 0);
	ck_assert_int_eq(folded_paid(L.db, "INV-A"), 0);
	ck_assert_int_eq(folded_paid(L.db, "INV-B"), 0);
	assert_paid(L.db, 5000, 4000);
	tu_assert_balanced(L.db, 3, 9000);

	ck_assert_msg(poster_fold(L.p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(poster_unfolded_count(L.p), 0);
	ck_assert_int_eq(tu_count(L.db, UNFOLDED_COUNT_SQL), 0);
	ck_assert_int_eq(tu_count(L.db, "SELECT folded_seq FROM"
				  " allocations_fold"), 4);
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM allocations"),
			 4);
	ck_assert_int_eq(folded_paid(L.db, "INV-A"), 5000);
	ck_assert_int_eq(folded_paid(L.db, "INV-B"), 4000);
	assert_paid(L.db, 5000, 4000);
	tu_assert_balanced(L.db, 3, 9000);
	/* Nothing left: a second fold changes nothing. */
	ck_assert_int_eq(poster_fold(L.p, err, sizeof(err)), 0);
	assert_paid(L.db, 5000, 4000);

	/* The cache survives the fold: 9000 more is B's last 4000 and
	 * 5000 credit. */
	post_three(&L, 4, 3);
	assert_paid(L.db, 5000, 8000);
	ck_assert_int_eq(tu_count(L.db, "SELECT sum(amount_minor) FROM"
				  " account_credit"), 5000);
	tu_assert_balanced(L.db, 6, 18000);
	tu_ledger_close(&L);
}
END_TEST

/* A consumer that stops (or crashes) with unfolded rows: the restarted
 * one finds them, folds before it reads an invoice, and allocates on the
 * true open amounts. Also after a rolled-back batch, whose cache is
 * dropped. */
START_TEST(test_unfolded_rows_survive_restart_and_rollback)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 5000);
	tu_invoice(L.db, "INV-B", "ACC-1", "2026-11-30", 8000);
	struct intent in;
	struct poster_outcome o;
	tu_intent(&in, 1, "ACC-1", "", 6000);
	tu_post_one(&L, &in, 0, &o); /* A 5000, B 1000, unfolded */
	tu_ledger_reopen(&L);        /* poster_close does not fold */
	ck_assert_int_eq(poster_unfolded_count(L.p), 2);
	assert_paid(L.db, 5000, 1000);

	/* A rolled-back batch after the restart: its payment vanishes. */
	tu_intent(&in, 2, "ACC-1", "", 2000);
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(poster_post(L.p, &in, TU_TOPIC, 0, 1, 1, &o, err,
				     sizeof(err)), 0);
	ck_assert_int_eq(o.split.allocated_minor, 2000);
	poster_rollback(L.p);
	assert_paid(L.db, 5000, 1000);
	ck_assert_int_eq(poster_unfolded_count(L.p), 2);

	/* Posted for real: B has 7000 open, so 2000 goes there. */
	tu_post_one(&L, &in, 1, &o);
	ck_assert_int_eq(o.split.allocated_minor, 2000);
	ck_assert_int_eq(o.split.credit_minor, 0);
	assert_paid(L.db, 5000, 3000);
	/* That batch folded the old rows before reading ACC-1. */
	ck_assert_int_eq(folded_paid(L.db, "INV-B"), 1000);
	ck_assert_int_eq(poster_unfolded_count(L.p), 1);
	tu_assert_balanced(L.db, 2, 8000);

	/* 6000 more is B's last 5000 and 1000 credit. */
	tu_intent(&in, 3, "ACC-1", "", 6000);
	tu_post_one(&L, &in, 2, &o);
	ck_assert_int_eq(o.split.allocated_minor, 5000);
	ck_assert_int_eq(o.split.credit_minor, 1000);
	assert_paid(L.db, 5000, 8000);
	tu_assert_balanced(L.db, 3, 14000);
	tu_ledger_close(&L);
}
END_TEST

/* Another connection commits (an invoice import) while rows are
 * unfolded: the next batch drops the cache, folds, and sees the new
 * invoice. */
START_TEST(test_other_writer_while_unfolded)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 5000);
	struct intent in;
	struct poster_outcome o;
	tu_intent(&in, 1, "ACC-1", "", 4000);
	tu_post_one(&L, &in, 0, &o);
	ck_assert_int_eq(poster_unfolded_count(L.p), 1);

	sqlite3 *other = NULL;
	ck_assert_msg(ledger_db_open(L.path, "water", "JOD", 0, &other, err,
				     sizeof(err)) == 0, "%s", err);
	tu_invoice(other, "INV-B", "ACC-1", "2026-11-30", 8000);
	sqlite3_close(other);

	tu_intent(&in, 2, "ACC-1", "", 3000); /* A 1000, then B 2000 */
	tu_post_one(&L, &in, 1, &o);
	ck_assert_int_eq(o.split.allocated_minor, 3000);
	ck_assert_int_eq(o.split.invoices_count, 2);
	ck_assert_int_eq(o.split.credit_minor, 0);
	assert_paid(L.db, 5000, 2000);
	ck_assert_int_eq(folded_paid(L.db, "INV-A"), 4000);
	tu_assert_balanced(L.db, 2, 7000);
	tu_ledger_close(&L);
}
END_TEST


int main(void)
{
	Suite *s = suite_create("poster");
	TCase *tc = tcase_create("poster");
	tcase_add_test(tc, test_duplicates_counted_not_posted);
	tcase_add_test(tc, test_duplicate_leaves_open_amounts);
	tcase_add_test(tc, test_offsets_stored_and_resumed);
	tcase_add_test(tc, test_rollback_leaves_nothing);
	tcase_add_test(tc, test_balance_after_mixed_batch);
	tcase_add_test(tc, test_fold_keeps_balances);
	tcase_add_test(tc, test_unfolded_rows_survive_restart_and_rollback);
	tcase_add_test(tc, test_other_writer_while_unfolded);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
