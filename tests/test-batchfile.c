/* batchfile: whole-file refusals with their line, rows with their physical
 * lines, and row → intent errors by field. */
#include <check.h>
#include <string.h>

#include "../terminal/batchfile.h"
#include "check_run.h"

#define H "idempotency_key,branch,terminal,biller,account,invoice,amount,currency,paid_at,channel"
#define R(k, amt) k ",,T1,water,ACC-1,,"amt",SYP,2026-11-25T09:02:11+03:00,teller"

static const struct {
	const char *text;
	long long line;
	const char *reason;
} bad[] = {
	{"", 0, "empty file: no header"},
	{H "\n", 0, "no rows"},
	{"idempotency_key,branch\n" R("a", "1") "\n", 1, "header is not exactly"},
	{H ",extra\n", 1, "header is not exactly"},
	{H "\n" R("a", "1") "\n\n" R("b", "1") "\n", 3, "blank line"},
	{H "\r\n" R("a", "1") "\r\n\r\n", 3, "blank line"},
	{H "\n" R("a", "1") "\n\"unterminated,\n", 3, "unterminated quoted field"},
	{H "\n" R("a", "\"1\"x") "\n", 2, "malformed CSV quoting"},
	{H "\n" R("a", "\xff") "\n", 0, "not valid UTF-8"},
	{H "\n" R("a", "\xed\xa0\x80") "\n", 0, "not valid UTF-8"}, /* surrogate */
};

START_TEST(test_bad)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct batchfile *bf = NULL;
		struct batchfile_error e;
		ck_assert_int_eq(batchfile_parse(bad[i].text, strlen(bad[i].text), &bf, &e), -1);
		ck_assert_ptr_null(bf);
		ck_assert_msg(e.line == bad[i].line, "case %zu: line %lld", i, (long long)e.line);
		ck_assert_msg(strncmp(e.reason, bad[i].reason, strlen(bad[i].reason)) == 0,
			      "case %zu: %s", i, e.reason);
	}
}
END_TEST

START_TEST(test_limits)
{
	static char big[BATCHFILE_BYTES_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	struct batchfile *bf = NULL;
	struct batchfile_error e;
	ck_assert_int_eq(batchfile_parse(big, sizeof(big) - 1, &bf, &e), -1);
	ck_assert_str_eq(e.reason, "file over 1 MiB: split it");
	/* 1000 rows are fine, 1001 are not */
	static char text[200 * 1002];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s\n", H);
	for (int i = 0; i < 1001; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, R("k%d", "1") "\n", i);
	ck_assert_int_eq(batchfile_parse(text, n, &bf, &e), -1);
	ck_assert_int_eq(e.line, 1002);
	ck_assert_str_eq(e.reason, "more than 1000 rows: split the file");
	n = (size_t)(strrchr(text, 'k') - text);
	ck_assert_int_eq(batchfile_parse(text, n, &bf, &e), 0);
	ck_assert_int_eq(batchfile_count(bf), 1000);
	batchfile_free(bf);
}
END_TEST

/* Found by fuzz-batchfile: a NUL in a cell cut the value there (row
 * accepted with "AMM" for "AMM\0-01"), and an optional cell over the
 * maximum cut inside a UTF-8 character vanished (jansson refused the
 * string, so the row was accepted without its branch). Both rows must be
 * refused on that field. */
START_TEST(test_cell_nul_and_cut)
{
	char text[1024];
	static const char nul_row[] =
		"a,AMM\0-01,T1,water,ACC-1,,1,SYP,2026-11-25T09:02:11+03:00,teller\n";
	size_t n = (size_t)snprintf(text, sizeof(text), "%s\n", H);
	memcpy(text + n, nul_row, sizeof(nul_row) - 1);
	n += sizeof(nul_row) - 1;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "b,a");
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\u0628");
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      ",T1,water,ACC-1,,1,SYP,2026-11-25T09:02:11+03:00,teller\n");
	struct batchfile *bf = NULL;
	struct batchfile_error e;
	ck_assert_int_eq(batchfile_parse(text, n, &bf, &e), 0);
	ck_assert_int_eq(batchfile_count(bf), 2);
	ck_assert_int_eq(batchfile_row(bf, 0)->field_len[1], 7);
	ck_assert_int_eq(batchfile_row(bf, 1)->field_len[1], 255); /* 1 + 127 * 2 */
	for (size_t i = 0; i < 2; i++) {
		json_t *o = NULL;
		struct intent in;
		struct intent_error ie;
		ck_assert_int_eq(batchfile_row_intent(batchfile_row(bf, i), "B1", &o, &in, &ie), -1);
		ck_assert_ptr_null(o);
		ck_assert_str_eq(ie.field, "branch");
	}
	batchfile_free(bf);
}
END_TEST

START_TEST(test_rows)
{
	const char *text = "\xef\xbb\xbf" H "\r\n"
		R("a", "1.5") "\r\n"
		"b,,T1,water,\"AC\nC\",,2,SYP,2026-11-25T09:02:11+03:00,teller\n"
		R("c", "-1") "\n"
		"d,,T1\n"
		R("e", " 7") "\n"
		R("f", "3");
	struct batchfile *bf = NULL;
	struct batchfile_error e;
	ck_assert_int_eq(batchfile_parse(text, strlen(text), &bf, &e), 0);
	ck_assert_int_eq(batchfile_count(bf), 6);
	static const long long lines[] = {2, 3, 5, 6, 7, 8};
	static const char *const field[] = {NULL, "account", "amount", "$", "amount", NULL};
	for (size_t i = 0; i < 6; i++) {
		const struct batchfile_row *r = batchfile_row(bf, i);
		ck_assert_int_eq(r->line, lines[i]);
		json_t *o = NULL;
		struct intent in;
		struct intent_error ie;
		int rc = batchfile_row_intent(r, "BNK1", &o, &in, &ie);
		if (field[i] == NULL) {
			ck_assert_int_eq(rc, 0);
			ck_assert_str_eq(in.bank, "BNK1");
			ck_assert_str_eq(in.branch, "");
			json_decref(o);
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_msg(strcmp(ie.field, field[i]) == 0, "row %zu: %s", i, ie.field);
		}
	}
	ck_assert_int_eq(batchfile_row(bf, 0)->field_count, 10);
	ck_assert_str_eq(batchfile_row(bf, 0)->field[6], "1.5");
	batchfile_free(bf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batchfile");
	TCase *tc = tcase_create("batchfile");
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_rows);
	tcase_add_test(tc, test_cell_nul_and_cut);
	suite_add_tcase(s, tc);
	return check_run(s);
}
