/* Tests for invoice_import: the example export, re-import, and refused
 * files and rows with the exact line numbers and reasons. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../consumer/invoice_import.h"
#include "post-testutil.h"

#define HEADER "invoice_no,account,customer_name,period,issued_on,due_on,amount,currency"

struct seen {
	int count;
	int64_t lines[16];
	char reasons[16][200];
};

static void on_error(void *opaque, int64_t line, const char *reason)
{
	struct seen *s = opaque;
	if (s->count < 16) {
		s->lines[s->count] = line;
		snprintf(s->reasons[s->count], sizeof(s->reasons[0]), "%s", reason);
	}
	s->count++;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static int import_text(struct tu_ledger *L, const char *text,
		       struct seen *s, struct invimp_report *rep, char *err,
		       size_t err_size)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/in.csv", L->dir);
	write_file(path, text);
	memset(s, 0, sizeof(*s));
	return invimp_import(L->db, currency_find("JOD"), path, on_error, s,
			     rep, err, err_size);
}

START_TEST(test_refused_rows_with_lines)
{
	static const char text[] =
		HEADER "\n"
		"INV-1,ACC-1,,2026-11,,2026-11-30,18.750,JOD\n"         /* 2 ok */
		"INV-2,ACC-1,,2026-11,,2026-11-30,-5,JOD\n"             /* 3 */
		"INV-3,ACC-1,,2026-11,,2026-02-30,5,JOD\n"              /* 4 */
		"INV-4,ACC-1,,2026-11,,2026-11-30,5,USD\n"              /* 5 */
		"INV-1,ACC-1,,2026-11,,2026-11-30,18.750,JOD\n"         /* 6 */
		"INV-5,ACC-1,,2026-11,2026-11-30,5,JOD\n"               /* 7 */
		"INV-6,ACC-1,\"two\nlines\",,,2026-11-30,5,JOD\n"       /* 8-9 */
		"INV 7,ACC-1,,,,2026-11-30,5,JOD\n"                     /* 10 */
		"\n"                                                    /* 11 */
		"INV-8,ACC-1,,,2026-12-01,2026-11-30,1.2345,JOD\n";     /* 12 */
	static const struct {
		int64_t line;
		const char *reason;
	} want[] = {
		{3, "amount: "},
		{4, "due_on: '2026-02-30' is not a YYYY-MM-DD date"},
		{5, "currency: 'USD' is not the ledger's JOD"},
		{6, "invoice_no INV-1 appears twice in the file"},
		{7, "7 fields, expected 8"},
		{8, "customer_name: control character"},
		{10, "invoice_no: 1-32 of A-Z a-z 0-9 . _ / -"},
		{11, "blank line"},
		{12, "issued_on 2026-12-01 is after due_on 2026-11-30"},
	};
	struct tu_ledger L;
	struct seen s;
	struct invimp_report rep;
	char err[512] = "";
	tu_ledger_open(&L);
	ck_assert_int_eq(import_text(&L, text, &s, &rep, err, sizeof(err)), -1);
	ck_assert_int_eq(s.count, (int)(sizeof(want) / sizeof(want[0])));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(s.lines[i], want[i].line);
		ck_assert_msg(strncmp(s.reasons[i], want[i].reason,
				      strlen(want[i].reason)) == 0,
			      "line %lld: %s", (long long)want[i].line,
			      s.reasons[i]);
	}
	ck_assert_int_eq(rep.errors_count, 9);
	ck_assert_int_eq(rep.rows_count, 9); /* the blank line is no row */
	ck_assert_int_eq(rep.inserted_count, 0);
	/* all or nothing: the good row 2 is not in either */
	ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM invoices"), 0);
	tu_ledger_close(&L);
}
END_TEST

START_TEST(test_refused_files)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{"", "empty file"},
		{"invoice_no,account\n", "line 1: the header is not exactly"},
		{"account,invoice_no,customer_name,period,issued_on,due_on,"
		 "amount,currency\n", "line 1: the header is not exactly"},
		{HEADER "\nINV-1,ACC-\xff,,,,2026-11-30,5,JOD\n",
		 "not valid UTF-8"},
		{HEADER "\nINV-1,\"ACC-1,,,,2026-11-30,5,JOD\n", "CSV syntax"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_ledger L;
		struct seen s;
		struct invimp_report rep;
		char err[512] = "";
		tu_ledger_open(&L);
		ck_assert_int_eq(import_text(&L, cases[i].text, &s, &rep, err,
					     sizeof(err)), -1);
		ck_assert_msg(strstr(err, cases[i].err) != NULL, "%zu: %s", i,
			      err);
		ck_assert_int_eq(tu_count(L.db, "SELECT count(*) FROM invoices"),
				 0);
		tu_ledger_close(&L);
	}
}
END_TEST

/* The example export (BOM, CRLF, quoted comma and quotes) goes in; the
 * same file again changes nothing, also after a payment; a changed amount
 * is refused. */
START_TEST(test_example_and_reimport)
{
	struct tu_ledger L;
	struct seen s;
	struct invimp_report rep;
	char err[512] = "";
	const char *path = SOURCE_ROOT "/schemas/examples/invoices-water.csv";
	tu_ledger_open(&L);
	ck_assert_msg(invimp_import(L.db, currency_find("JOD"), path, on_error,
				    &s, &rep, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(rep.rows_count, 5);
	ck_assert_int_eq(rep.inserted_count, 5);
	ck_assert_int_eq(tu_count(L.db, "SELECT amount_due_minor FROM invoices"
				  " WHERE invoice_no = 'W-2026-11-000103'"), 12500);
	char name[128];
	sqlite3_stmt *st;
	sqlite3_prepare_v2(L.db, "SELECT customer_name FROM invoices WHERE "
			   "invoice_no = 'W-2026-11-000102'", -1, &st, NULL);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(name, sizeof(name), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	ck_assert_str_eq(name, "ليلى عبد الرحمن \"أم خالد\"");

	struct intent in;
	struct poster_outcome o;
	tu_intent(&in, 1, "ACC-100231", "W-2026-11-000101", 5000);
	tu_post_one(&L, &in, 0, &o);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(invimp_import(L.db, currency_find("JOD"), path,
				       on_error, &s, &rep, err, sizeof(err)), 0);
	ck_assert_int_eq(rep.unchanged_count, 5);
	ck_assert_int_eq(rep.inserted_count, 0);
	ck_assert_int_eq(tu_paid(L.db, "W-2026-11-000101"), 5000);

	ck_assert_int_eq(import_text(&L, HEADER "\r\nW-2026-11-000101,ACC-100231"
				     ",,,,2026-11-30,18.751,JOD\r\n",
				     &s, &rep, err, sizeof(err)), -1);
	ck_assert_int_eq(s.count, 1);
	ck_assert_int_eq(s.lines[0], 2);
	ck_assert_ptr_nonnull(strstr(s.reasons[0], "already in the ledger"));
	tu_assert_balanced(L.db, 1, 5000);
	tu_ledger_close(&L);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("invoice-import");
	TCase *tc = tcase_create("import");
	tcase_add_test(tc, test_refused_rows_with_lines);
	tcase_add_test(tc, test_refused_files);
	tcase_add_test(tc, test_example_and_reimport);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
