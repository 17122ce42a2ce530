/* Tests for alloc through poster: every allocation rule of alloc.h on a
 * fresh ledger, the exact split, the invoices' paid amounts afterwards and
 * the balance check. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../consumer/alloc.h"
#include "../consumer/invcache.h"
#include "intent.h"
#include "ledger_db.h"
#include "../consumer/poster.h"
#include "post-testutil.h"

START_TEST(test_rules)
{
	/* Invoices of every case: ACC-1 owes A (older) and B, ACC-2 owes C. */
	static const struct {
		const char *name;
		const char *account, *invoice;
		int64_t amount_minor;
		int64_t allocated, credit, suspense;
		int invoices;
		const char *code;
		int64_t paid_a, paid_b, paid_c;
	} cases[] = {
		/* refusals first */
		{"unknown account", "ACC-9", "", 5000, 0, 0, 5000, 0,
		 ALLOC_REASON_UNKNOWN_ACCOUNT, 0, 0, 0},
		{"unknown invoice", "ACC-1", "INV-Z", 5000, 0, 0, 5000, 0,
		 ALLOC_REASON_UNKNOWN_INVOICE, 0, 0, 0},
		{"unknown invoice, unknown account", "ACC-9", "INV-Z", 700, 0,
		 0, 700, 0, ALLOC_REASON_UNKNOWN_INVOICE, 0, 0, 0},
		{"invoice of another account", "ACC-1", "INV-C", 5000, 0, 0,
		 5000, 0, ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH, 0, 0, 0},
		/* applied */
		{"exact", "ACC-2", "INV-C", 5000, 5000, 0, 0, 1, NULL, 0, 0,
		 5000},
		{"partial, named newer invoice", "ACC-1", "INV-B", 7000, 7000,
		 0, 0, 1, NULL, 0, 7000, 0},
		{"oldest first", "ACC-1", "", 12000, 12000, 0, 0, 2, NULL,
		 10000, 2000, 0},
		{"partial oldest", "ACC-1", "", 1, 1, 0, 0, 1, NULL, 1, 0, 0},
		{"over", "ACC-2", "", 8000, 5000, 3000, 0, 1, NULL, 0, 0,
		 5000},
		{"named, then oldest", "ACC-1", "INV-B", 25000, 25000, 0, 0, 2,
		 NULL, 5000, 20000, 0},
		{"over everything", "ACC-1", "INV-A", 40000, 30000, 10000, 0,
		 2, NULL, 10000, 20000, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_ledger L;
		tu_ledger_open(&L);
		tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 10000);
		tu_invoice(L.db, "INV-B", "ACC-1", "2026-11-30", 20000);
		tu_invoice(L.db, "INV-C", "ACC-2", "2026-11-30", 5000);
		struct intent in;
		tu_intent(&in, 1, cases[i].account, cases[i].invoice,
			  cases[i].amount_minor);
		struct poster_outcome o;
		tu_post_one(&L, &in, 0, &o);
		ck_assert_msg(!o.duplicate, "%s", cases[i].name);
		ck_assert_int_eq(o.split.allocated_minor, cases[i].allocated);
		ck_assert_int_eq(o.split.credit_minor, cases[i].credit);
		ck_assert_int_eq(o.split.suspense_minor, cases[i].suspense);
		ck_assert_int_eq(o.split.invoices_count, cases[i].invoices);
		if (cases[i].code == NULL)
			ck_assert_ptr_null(o.split.suspense_code);
		else
			ck_assert_str_eq(o.split.suspense_code, cases[i].code);
		ck_assert_int_eq(tu_paid(L.db, "INV-A"), cases[i].paid_a);
		ck_assert_int_eq(tu_paid(L.db, "INV-B"), cases[i].paid_b);
		ck_assert_int_eq(tu_paid(L.db, "INV-C"), cases[i].paid_c);
		ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM suspense"),
				 cases[i].code != NULL);
		tu_assert_balanced(L.db, 1, cases[i].amount_minor);
		tu_ledger_close(&L);
	}
}
END_TEST

/* An account whose invoices are all paid is known: more money is credit,
 * not suspense. */
START_TEST(test_paid_up_account_gets_credit)
{
	struct tu_ledger L;
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-C", "ACC-2", "2026-11-30", 5000);
	struct intent a, b;
	struct poster_outcome o;
	tu_intent(&a, 1, "ACC-2", "", 5000);
	tu_intent(&b, 2, "ACC-2", "", 1200);
	tu_post_one(&L, &a, 0, &o);
	ck_assert_int_eq(o.split.allocated_minor, 5000);
	tu_post_one(&L, &b, 1, &o);
	ck_assert_int_eq(o.split.allocated_minor, 0);
	ck_assert_int_eq(o.split.credit_minor, 1200);
	ck_assert_ptr_null(o.split.suspense_code);
	tu_assert_balanced(L.db, 2, 6200);
	tu_ledger_close(&L);
}
END_TEST

/* More open invoices than one query reads (ALLOC_OPEN_BATCH = 32): all are
 * paid, oldest first, and the rest is credit. */
START_TEST(test_many_open_invoices)
{
	struct tu_ledger L;
	tu_ledger_open(&L);
	char no[32], due[16];
	for (int i = 0; i < 70; i++) {
		snprintf(no, sizeof(no), "INV-%03d", i);
		snprintf(due, sizeof(due), "2026-%02d-%02d", 1 + i / 28,
			 1 + i % 28);
		tu_invoice(L.db, no, "ACC-1", due, 100);
	}
	struct intent in;
	struct poster_outcome o;
	tu_intent(&in, 1, "ACC-1", "", 6950);
	tu_post_one(&L, &in, 0, &o);
	ck_assert_int_eq(o.split.allocated_minor, 6950);
	ck_assert_int_eq(o.split.invoices_count, 70);
	ck_assert_int_eq(tu_paid(L.db, "INV-068"), 100);
	ck_assert_int_eq(tu_paid(L.db, "INV-069"), 50);
	tu_intent(&in, 2, "ACC-1", "", 80);
	tu_post_one(&L, &in, 1, &o);
	ck_assert_int_eq(o.split.allocated_minor, 50);
	ck_assert_int_eq(o.split.credit_minor, 30);
	tu_assert_balanced(L.db, 2, 7030);
	tu_ledger_close(&L);
}
END_TEST

/* The first batch loads every account's invoices at once (alloc.c
 * cache_load_all). With only small accounts the cache is complete and an
 * account it lacks has no invoice; an account with more invoices than
 * the cache keeps makes it incomplete (that account is read per payment).
 * Either way: ACC-2 pays its invoice, ACC-9 (no invoice) goes to
 * suspense, ACC-1 pays its oldest invoices. */
START_TEST(test_whole_cache_load)
{
	for (int big = 0; big <= 1; big++) {
		struct tu_ledger L;
		struct intent in;
		struct poster_outcome o;
		char no[32], due[16];
		tu_ledger_open(&L);
		int n = big ? INVCACHE_ACCOUNT_INVOICES_MAX + 1 : 3;
		for (int i = 0; i < n; i++) {
			snprintf(no, sizeof(no), "INV-%03d", i);
			snprintf(due, sizeof(due), "2026-%02d-%02d",
				 1 + i / 28, 1 + i % 28);
			tu_invoice(L.db, no, "ACC-1", due, 100);
		}
		tu_invoice(L.db, "INV-X", "ACC-2", "2026-10-31", 500);
		tu_intent(&in, 1, "ACC-9", "", 300);
		tu_post_one(&L, &in, 0, &o);
		ck_assert_int_eq(o.split.suspense_minor, 300);
		ck_assert_str_eq(o.split.suspense_code,
				 ALLOC_REASON_UNKNOWN_ACCOUNT);
		tu_intent(&in, 2, "ACC-2", "", 200);
		tu_post_one(&L, &in, 1, &o);
		ck_assert_int_eq(o.split.allocated_minor, 200);
		tu_intent(&in, 3, "ACC-1", "", 250);
		tu_post_one(&L, &in, 2, &o);
		ck_assert_int_eq(o.split.allocated_minor, 250);
		ck_assert_int_eq(o.split.invoices_count, 3);
		ck_assert_int_eq(tu_paid(L.db, "INV-002"), 50);
		ck_assert_int_eq(tu_paid(L.db, "INV-X"), 200);
		/* A named invoice not the account's: from the cache's
		 * invoice index when it is complete (big = 0), from the
		 * ledger otherwise. */
		tu_intent(&in, 4, "ACC-2", "INV-000", 70);
		tu_post_one(&L, &in, 3, &o);
		ck_assert_int_eq(o.split.suspense_minor, 70);
		ck_assert_str_eq(o.split.suspense_code,
				 ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH);
		tu_intent(&in, 5, "ACC-2", "INV-NONE", 80);
		tu_post_one(&L, &in, 4, &o);
		ck_assert_int_eq(o.split.suspense_minor, 80);
		ck_assert_str_eq(o.split.suspense_code,
				 ALLOC_REASON_UNKNOWN_INVOICE);
		ck_assert_int_eq(tu_paid(L.db, "INV-000"), 100);
		ck_assert_int_eq(tu_paid(L.db, "INV-X"), 200);
		ck_assert_int_eq(tu_count(L.db, "SELECT sum(amount_minor)"
					  " FROM suspense"), 300 + 70 + 80);
		tu_assert_balanced(L.db, 5, 900);
		tu_ledger_close(&L);
	}
}
END_TEST

/* The poster remembers accounts' invoices between batches (invcache.h).
 * Each case pays ACC-1 (INV-A 10000) 4000 in a first batch, so the
 * account is cached with 6000 open; then changes the ledger behind the
 * cache in one way; then pays 9000. A cache kept past the change would
 * split the 9000 differently from the ledger's truth, asserted here. */
enum change {
	CHANGE_OTHER_CONNECTION, /* an invoice import's commit */
	CHANGE_SAME_CONNECTION,  /* a write outside a batch */
	CHANGE_ROLLED_BACK,      /* a batch that paid 5000, abandoned */
};

static void change_ledger(struct tu_ledger *L, enum change how)
{
	char err[512] = "";
	if (how == CHANGE_OTHER_CONNECTION) {
		sqlite3 *other = NULL;
		ck_assert_int_eq(ledger_db_open(L->path, "water", "JOD", 0,
						&other, err, sizeof(err)),
				 0);
		tu_invoice(other, "INV-0", "ACC-1", "2026-09-30", 3000);
		sqlite3_close(other);
	} else if (how == CHANGE_SAME_CONNECTION) {
		tu_invoice(L->db, "INV-0", "ACC-1", "2026-09-30", 3000);
	} else {
		struct intent in;
		struct poster_outcome o;
		tu_intent(&in, 7, "ACC-1", "", 5000);
		ck_assert_int_eq(poster_begin(L->p, err, sizeof(err)), 0);
		ck_assert_int_eq(poster_post(L->p, &in, TU_TOPIC, 0, 1, 1, &o,
					     err, sizeof(err)),
				 0);
		ck_assert_int_eq(o.split.allocated_minor, 5000);
		poster_rollback(L->p);
	}
}

START_TEST(test_cache_follows_ledger)
{
	static const struct {
		enum change how;
		int64_t allocated, credit, paid_0, paid_a;
	} cases[] = {
		/* INV-0 (older, 3000) first, then INV-A's 6000 */
		{CHANGE_OTHER_CONNECTION, 9000, 0, 3000, 10000},
		{CHANGE_SAME_CONNECTION, 9000, 0, 3000, 10000},
		/* the abandoned 5000 is not paid: 6000 open, 3000 credit */
		{CHANGE_ROLLED_BACK, 6000, 3000, -1, 10000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_ledger L;
		struct intent in;
		struct poster_outcome o;
		tu_ledger_open(&L);
		tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 10000);
		tu_intent(&in, 1, "ACC-1", "", 4000);
		tu_post_one(&L, &in, 0, &o);
		ck_assert_int_eq(o.split.allocated_minor, 4000);
		change_ledger(&L, cases[i].how);
		tu_intent(&in, 2, "ACC-1", "", 9000);
		tu_post_one(&L, &in, 1, &o);
		ck_assert_int_eq(o.split.allocated_minor, cases[i].allocated);
		ck_assert_int_eq(o.split.credit_minor, cases[i].credit);
		if (cases[i].paid_0 >= 0)
			ck_assert_int_eq(tu_paid(L.db, "INV-0"),
					 cases[i].paid_0);
		ck_assert_int_eq(tu_paid(L.db, "INV-A"), cases[i].paid_a);
		tu_assert_balanced(L.db, 2, 13000);
		tu_ledger_close(&L);
	}
}
END_TEST

/* Within one batch the cache carries each payment to the next: three
 * payments of one account in a batch pay its invoices in turn, and a
 * named invoice of another account still goes to suspense. */
START_TEST(test_cache_within_batch)
{
	struct tu_ledger L;
	char err[512] = "";
	tu_ledger_open(&L);
	tu_invoice(L.db, "INV-A", "ACC-1", "2026-10-31", 10000);
	tu_invoice(L.db, "INV-B", "ACC-1", "2026-11-30", 20000);
	tu_invoice(L.db, "INV-C", "ACC-2", "2026-11-30", 5000);
	static const struct {
		const char *account, *invoice;
		int64_t amount_minor, allocated, credit, suspense;
	} pays[] = {
		{"ACC-1", "", 8000, 8000, 0, 0},       /* A: 2000 open */
		{"ACC-1", "INV-B", 19000, 19000, 0, 0}, /* B: 1000 open */
		{"ACC-1", "INV-C", 500, 0, 0, 500},    /* another's */
		{"ACC-1", "", 4000, 3000, 1000, 0},    /* A, B, credit */
		{"ACC-1", "INV-A", 700, 0, 700, 0},    /* paid: credit */
	};
	struct poster_counts c = {0};
	ck_assert_int_eq(poster_begin(L.p, err, sizeof(err)), 0);
	for (int i = 0; i < (int)(sizeof(pays) / sizeof(pays[0])); i++) {
		struct intent in;
		struct poster_outcome o;
		tu_intent(&in, 1 + i, pays[i].account, pays[i].invoice,
			  pays[i].amount_minor);
		ck_assert_int_eq(poster_post(L.p, &in, TU_TOPIC, 0, i, 1, &o,
					     err, sizeof(err)),
				 0);
		ck_assert_int_eq(o.split.allocated_minor, pays[i].allocated);
		ck_assert_int_eq(o.split.credit_minor, pays[i].credit);
		ck_assert_int_eq(o.split.suspense_minor, pays[i].suspense);
		c.postings_count++;
	}
	ck_assert_int_eq(poster_advance(L.p, TU_TOPIC, 0, 5, &c, 1, err,
					sizeof(err)),
			 0);
	ck_assert_int_eq(poster_commit(L.p, err, sizeof(err)), 0);
	ck_assert_int_eq(tu_paid(L.db, "INV-A"), 10000);
	ck_assert_int_eq(tu_paid(L.db, "INV-B"), 20000);
	ck_assert_int_eq(tu_paid(L.db, "INV-C"), 0);
	tu_assert_balanced(L.db, 5, 32200);
	tu_ledger_close(&L);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_paid_up_account_gets_credit);
	tcase_add_test(tc, test_many_open_invoices);
	tcase_add_test(tc, test_whole_cache_load);
	tcase_add_test(tc, test_cache_follows_ledger);
	tcase_add_test(tc, test_cache_within_batch);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
