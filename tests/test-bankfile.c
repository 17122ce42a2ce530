/* Tests for bankfile: every kind of bad file is refused with its exact
 * line and reason; good files (BOM, CRLF, LF, quotes, no final newline)
 * are read field by field. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../settle/bankfile.h" /* settle/ is not on the tests' include path */

#define H "H,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\n"
#define ID1 "01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe"
#define D1 "D,1," ID1 ",k1,T-07,water,ACC-1,W-1,21.035,JOD,2026-11-25T09:02:11+03:00,teller\n"
#define D2 "D,2,,k2,ATM-3,water,ACC-2,,7.200,JOD,2026-11-25T11:15:00+03:00,atm\n"
#define T2 "T,2,JOD,28.235\n"

static int read_text(const char *text, struct bankfile **bf,
		     struct bankfile_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	ck_assert_ptr_nonnull(f);
	int rc = bankfile_read_stream(f, bf, err);
	fclose(f);
	return rc;
}

static const struct {
	const char *text;
	int64_t line;
	const char *reason; /* a substring of the reason */
} bad[] = {
	{"", 0, "empty file"},
	{H, 1, "no T trailer"},
	{H D1, 2, "no T trailer"},
	{D1 T2, 1, "not an H header"},
	{H H T2, 2, "a second H header"},
	{H D1 D2 T2 D1, 5, "follows the T trailer"},
	{H D1 "\n" D2 T2, 3, "blank line"},
	{H D1 "\r\n" D2 T2, 3, "blank line"},
	{H "D,1,,k,T,w,A,,1.000,JOD,2026-11-25T09:02:11Z\n", 2, "12"},
	{H D2 T2, 2, "line_no 2, expected 1"},
	{H D1 D1 T2, 3, "line_no 1, expected 2"},
	{H D1 D2 "T,3,JOD,28.235\n", 4, "control_count 3 but the file has 2"},
	{H D1 D2 "T,2,JOD,28.234\n", 4, "add up to 28.235"},
	{H D1 D2 "T,2,USD,28.235\n", 4, "expected 'JOD'"},
	{H D1 D2 "T,2\n", 4, "0 currency totals"},
	{H D1 D2 "T,2,JOD\n", 4, "2 + 2 per currency"},
	{H "D,1,,k,T,water,A,,1.0000,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount '1.0000'"},
	{H "D,1,,k,T,water,A,,-1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount '-1'"},
	{H "D,1,,k,T,water,A,, 1.000,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount ' 1.000'"},
	{H "D,1,,k,T,water,A,,1,XXX,2026-11-25T09:02:11Z,atm\n", 2, "currency 'XXX'"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25 09:02,atm\n", 2, "paid_at"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,bike\n", 2, "channel 'bike'"},
	{H "D,1,XYZ,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "intent_id 'XYZ'"},
	{H "D,1,,,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "idempotency_key is empty"},
	{H "D,1,,k,T,water,,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "account is empty"},
	{H "X,1\n", 2, "unknown record type 'X'"},
	{"H,2,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\n", 1, "format_version '2'"},
	{"H,1,bnk1,2026-11-25,2026-11-26T01:05:12+03:00\n", 1, "bank 'bnk1'"},
	{"H,1,BNK1,2026-02-30,2026-11-26T01:05:12+03:00\n", 1, "business_date"},
	{H "D,1,,k,T,water,\"ACC\n", 2, "unterminated quoted field"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\rT,1,JOD,1\n", 2, "15 fields"},
	{H "D,1,,k,T,water,\"AC\r\nC\",,1,JOD,2026-11-25T09:02:11Z,atm\r\nT,1,JOD,1\r\n", 2, "account is longer than 32 bytes or has control"},
	{H "T,0\r", 2, "bare CR"},
	{H "D,1,,k,T,water,A\xff,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "invalid UTF-8"},
	{H "D,1,,k,T,water,\"A\"x,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "malformed CSV quoting"},
};

START_TEST(test_bad)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_text(bad[_i].text, &bf, &err), -1);
	ck_assert_ptr_null(bf);
	ck_assert_msg(err.line == bad[_i].line, "case %d: line %lld, expected %lld (%s)",
		      _i, (long long)err.line, (long long)bad[_i].line, err.reason);
	ck_assert_msg(strstr(err.reason, bad[_i].reason) != NULL,
		      "case %d: reason '%s' lacks '%s'", _i, err.reason, bad[_i].reason);
}
END_TEST

START_TEST(test_good_lf)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	ck_assert_int_eq(read_text(H D1 D2 T2, &bf, &err), 0);
	ck_assert_str_eq(bankfile_bank(bf), "BNK1");
	ck_assert_str_eq(bankfile_business_date(bf), "2026-11-25");
	ck_assert_uint_eq(bankfile_line_count(bf), 2);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_int_eq(l->file_line, 2);
	ck_assert_str_eq(l->intent_id, ID1);
	ck_assert_int_eq(l->amount_minor, 21035);
	ck_assert_str_eq(l->currency->code, "JOD");
	ck_assert_str_eq(l->invoice_no, "W-1");
	l = bankfile_line_at(bf, 1);
	ck_assert_str_eq(l->intent_id, "");
	ck_assert_str_eq(l->invoice_no, "");
	ck_assert_int_eq(l->amount_minor, 7200);
	ck_assert_int_eq(l->line_no, 2);
	ck_assert_uint_eq(strlen(bankfile_sha256(bf)), 64);
	bankfile_free(bf);
}
END_TEST

START_TEST(test_good_bom_crlf_quotes)
{
	const char *text =
		"\xef\xbb\xbfH,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\r\n"
		"D,1,,k,T,water,ACC-1,\"INV, \"\"x\"\"\",1.5,JOD,2026-11-25T09:02:11Z,atm\r\n"
		"D,2,,k,T,internet,\"N-1\",,20.00,USD,2026-11-25T09:02:11Z,web\r\n"
		"\"T\",2,JOD,1.500,USD,20";
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%lld: %s",
		      (long long)err.line, err.reason);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_str_eq(l->invoice_no, "INV, \"x\"");
	ck_assert_int_eq(l->amount_minor, 1500);
	l = bankfile_line_at(bf, 1);
	ck_assert_int_eq(l->file_line, 3);
	ck_assert_str_eq(l->account, "N-1");
	bankfile_free(bf);
}
END_TEST

START_TEST(test_empty_day_and_example)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_text(H "T,0", &bf, &err), 0);
	ck_assert_uint_eq(bankfile_line_count(bf), 0);
	bankfile_free(bf);
	bf = NULL;
	ck_assert_msg(bankfile_read(SOURCE_ROOT "/schemas/examples/bank-BNK1-2026-11-25.csv",
				    &bf, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(bankfile_line_count(bf), 5);
	ck_assert_str_eq(bankfile_line_at(bf, 3)->invoice_no, "INV-11/2026, part 1");
	ck_assert_str_eq(bankfile_line_at(bf, 3)->currency->code, "USD");
	bankfile_free(bf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bankfile");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_good_lf);
	tcase_add_test(tc, test_good_bom_crlf_quotes);
	tcase_add_test(tc, test_empty_day_and_example);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
