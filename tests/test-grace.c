/* Tests for grace: every reason with its precedence, grace-until dates,
 * late-fee waivers and the follow-up flag, from a real ledger. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bizdate.h" /* settle/ is not on the tests' include path */
#include "../settle/grace.h"
#include "ledger_db.h"

static char dir[256], path[300];

static int64_t day(const char *d)
{
	int64_t v;
	ck_assert_int_eq(bizdate_parse(d, &v), 0);
	return v;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s", err);
}

static sqlite3 *ledger(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tasdid-grace-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	sqlite3 *db = NULL;
	char err[256];
	ck_assert_int_eq(ledger_db_open(path, "water", "JOD", LEDGER_DB_CREATE, &db, err, sizeof(err)), 0);
	exec(db, "INSERT INTO invoices VALUES "
	     "('I-STUCK','A-STUCK','Stuck',NULL,NULL,'2026-11-01',1000,0,'JOD',1),"
	     "('I-MISS','A-MISS',NULL,NULL,NULL,'2026-11-01',1000,0,'JOD',1),"
	     "('I-CRED','A-CRED',NULL,NULL,NULL,'2026-11-01',1000,0,'JOD',1),"
	     "('I-OUT','A-OUT',NULL,NULL,NULL,'2026-11-12',1000,0,'JOD',1),"
	     "('I-PART','A-PART',NULL,NULL,NULL,'2026-11-20',1000,100,'JOD',1),"
	     "('I-OLD','A-OLD','ليلى',NULL,NULL,'2026-10-01',1000,0,'JOD',1),"
	     "('I-NEW','A-NEW',NULL,NULL,NULL,'2026-11-24',1000,0,'JOD',1),"
	     "('I-PAID','A-PAID',NULL,NULL,NULL,'2026-11-01',1000,600,'JOD',1),"
	     "('I-TODAY','A-TODAY',NULL,NULL,NULL,'2026-11-25',1000,0,'JOD',1),"
	     "('I-BOTH','A-MISS',NULL,NULL,NULL,'2026-11-02',500,0,'JOD',1);"
	     /* Schema 003: credit and suspense are columns of the posting
	      * (account_credit and suspense are views over them). */
	     "INSERT INTO postings (intent_id, idempotency_key, bank, branch,"
	     " terminal, account, invoice_no, amount_minor, currency, paid_at,"
	     " paid_at_ms, received_at_ms, posted_at_ms, channel, kafka_topic,"
	     " kafka_partition, kafka_offset, credit_minor, suspense_minor,"
	     " suspense_code) VALUES ('01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe','k','B',"
	     "NULL,'T','A-STUCK',NULL,10,'JOD','x',1,1,1,'teller','t',0,0,0,10,"
	     "'unknown_invoice'),"
	     "('01a2114c-1eb8-8f5a-84d2-c63a9eae9cbf','k2','B',"
	     "NULL,'T','A-CRED',NULL,20,'JOD','x',1,1,1,'teller','t',0,1,20,0,NULL),"
	     "('01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','k3','B',"
	     "NULL,'T','A-PART',NULL,1100,'JOD','x',1,1,1,'teller','t',0,2,0,0,NULL);"
	     /* The journal (schema 003): allocations above folded_seq with
	      * invoice_updated = 0 are not yet in amount_paid_minor. I-PART
	      * has 100 folded (seq 1, at or below folded_seq) + 200 + 100
	      * unfolded = 400 paid, I-PAID 600 + 400 = 1000 (not listed);
	      * the 300 to I-OLD was added to the invoice by its posting
	      * (invoice_updated = 1, amount_paid_minor 0 here on purpose) and
	      * must not be counted: I-OLD stays unpaid. */
	     "INSERT INTO allocations (seq, intent_id, invoice_no, amount_minor,"
	     " invoice_updated) VALUES "
	     "(1,'01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','I-PART',100,0),"
	     "(2,'01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','I-PART',200,0),"
	     "(3,'01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','I-PAID',400,0),"
	     "(4,'01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','I-OLD',300,1),"
	     "(5,'01a2114c-1eb8-8f5a-84d2-c63a9eae9cc0','I-PART',100,0);"
	     "UPDATE allocations_fold SET folded_seq = 1;");
	return db;
}

START_TEST(test_reasons)
{
	sqlite3 *db = ledger();
	struct grace_policy p = {.grace_days = 10, .late_fee_minor = 2500,
				 .outage_margin_days = 2};
	struct grace *g = grace_new(day("2026-11-25"), &p);
	/* A-MISS: a bank line the ledger lacks, and also ledger-only: the
	 * stronger reason wins */
	ck_assert_int_eq(grace_flag_account(g, "A-MISS", GRACE_PAID_NOT_SETTLED), 0);
	ck_assert_int_eq(grace_flag_account(g, "A-MISS", GRACE_BANK_REPORTED_MISSING), 0);
	/* outage 2026-11-08..10, margin 2 days: due 11-12 is inside */
	ck_assert_int_eq(grace_add_outage(g, day("2026-11-08"), day("2026-11-10")), 0);
	char err[256];
	ck_assert_msg(grace_run(g, db, err, sizeof(err)) == 0, "%s", err);
	static const struct {
		const char *invoice, *reason, *until;
		bool waived, follow_up;
	} want[] = { /* sorted by account, due_on, invoice */
		{"I-CRED", "paid_not_settled", "2026-12-05", true, false},
		{"I-MISS", "bank_reported_missing", "2026-12-05", true, false},
		{"I-BOTH", "bank_reported_missing", "2026-12-05", true, false},
		{"I-NEW", "unpaid", "2026-12-04", false, false},
		{"I-OLD", "unpaid", "2026-10-11", false, true},
		{"I-OUT", "outage", "2026-11-22", true, true},
		{"I-PART", "partly_paid", "2026-11-30", true, false},
		{"I-STUCK", "payment_stuck", "2026-12-05", true, false},
	};
	ck_assert_uint_eq(grace_row_count(g), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct grace_row *r = grace_row_at(g, i);
		char until[11];
		bizdate_format(r->grace_until_day, until);
		ck_assert_msg(strcmp(r->invoice_no, want[i].invoice) == 0, "row %zu: %s", i, r->invoice_no);
		ck_assert_str_eq(grace_reason_name(r->reason), want[i].reason);
		ck_assert_msg(strcmp(until, want[i].until) == 0, "%s: until %s", r->invoice_no, until);
		ck_assert_int_eq(r->fee_waived, want[i].waived);
		ck_assert_int_eq(r->follow_up, want[i].follow_up);
		ck_assert_int_eq(r->late_fee_minor, 2500);
	}
	ck_assert_int_eq(grace_row_at(g, 6)->open_minor, 600);
	ck_assert_str_eq(grace_row_at(g, 4)->customer_name, "ليلى");
	ck_assert_int_eq(grace_reason_count(g, GRACE_UNPAID), 2);
	ck_assert_int_eq(grace_reason_count(g, GRACE_BANK_REPORTED_MISSING), 2);
	grace_free(g);
	sqlite3_close(db);
	char p2[400];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p2, sizeof(p2), "%s%s", path, suffix[i]);
		unlink(p2);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_outage_margin_edge)
{
	/* due exactly margin days after the outage: outage; one more: not */
	sqlite3 *db = ledger();
	struct grace_policy p = {.grace_days = 0, .late_fee_minor = 0,
				 .outage_margin_days = 2};
	struct grace *g = grace_new(day("2026-11-25"), &p);
	ck_assert_int_eq(grace_add_outage(g, day("2026-11-05"), day("2026-11-10")), 0);
	char err[256];
	ck_assert_int_eq(grace_run(g, db, err, sizeof(err)), 0);
	for (size_t i = 0; i < grace_row_count(g); i++) {
		const struct grace_row *r = grace_row_at(g, i);
		if (strcmp(r->invoice_no, "I-OUT") == 0) /* due 11-12 = 10 + 2 */
			ck_assert_str_eq(grace_reason_name(r->reason), "outage");
	}
	grace_free(g);
	g = grace_new(day("2026-11-25"), &p);
	ck_assert_int_eq(grace_add_outage(g, day("2026-11-05"), day("2026-11-09")), 0);
	ck_assert_int_eq(grace_run(g, db, err, sizeof(err)), 0);
	for (size_t i = 0; i < grace_row_count(g); i++) {
		const struct grace_row *r = grace_row_at(g, i);
		if (strcmp(r->invoice_no, "I-OUT") == 0)
			ck_assert_str_eq(grace_reason_name(r->reason), "unpaid");
	}
	grace_free(g);
	sqlite3_close(db);
	char p2[400];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p2, sizeof(p2), "%s%s", path, suffix[i]);
		unlink(p2);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grace");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_outage_margin_edge);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
