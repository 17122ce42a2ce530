/* Tests for csvout: formula neutralisation and RFC 4180 quoting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "csvout.h" /* settle/ is not on the tests' include path */

static const struct {
	const char *in, *text, *plain;
} cases[] = {
	{"", ",", ","},
	{"=1+2", "'=1+2,", "=1+2,"},
	{"+1", "'+1,", "+1,"},
	{"-5.000", "'-5.000,", "-5.000,"},
	{"@SUM(A1)", "'@SUM(A1),", "@SUM(A1),"},
	{"\tx", "'\tx,", "\tx,"},
	{"\rx", "\"'\rx\",", "\"\rx\","},
	{"=HYPERLINK(\"a,b\")", "\"'=HYPERLINK(\"\"a,b\"\")\",", "\"=HYPERLINK(\"\"a,b\"\")\","},
	{"a=b", "a=b,", "a=b,"},
	{"ليلى \"أم خالد\"", "\"ليلى \"\"أم خالد\"\"\",", "\"ليلى \"\"أم خالد\"\"\","},
	{"line\nbreak", "\"line\nbreak\",", "\"line\nbreak\","},
};

START_TEST(test_cells)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	csvout_text(f, cases[_i].in, false);
	fflush(f);
	ck_assert_str_eq(buf, cases[_i].text);
	fclose(f);
	free(buf);
	f = open_memstream(&buf, &len);
	csvout_plain(f, cases[_i].in, false);
	fflush(f);
	ck_assert_str_eq(buf, cases[_i].plain);
	fclose(f);
	free(buf);
}
END_TEST

START_TEST(test_line_end)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	static const char *const h[] = {"a", "b"};
	csvout_header(f, h, 2);
	csvout_text(f, "x", false);
	csvout_text(f, "-y", true);
	fclose(f);
	ck_assert_str_eq(buf, "a,b\r\nx,'-y\r\n");
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csvout");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_cells, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_line_end);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
