/* deadletter: entries in file order from both shapes, every refusal with
 * its line, and an over-long account refused instead of cut (a cut account
 * could be another customer's). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../settle/deadletter.h"
#include "check_run.h"
#include "config.h"

static struct config *cfg;

static void setup(void)
{
	static const char text[] =
		"[biller water]\nname = W\ncurrency = JOD\ntopic = t.w\nledger = w.db\n"
		"[biller phone]\nname = P\ncurrency = JOD\ntopic = t.p\nledger = p.db\n";
	char err[256];
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	config_free(cfg);
}

static int read_text(const char *text, struct deadletter **dl, size_t *n,
		     char *err, size_t err_size)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	ck_assert_ptr_nonnull(f);
	int rc = deadletter_read_stream(cfg, f, "dl.jsonl", dl, n, err, err_size);
	fclose(f);
	return rc;
}

#define A32 "ACC-0123456789012345678901234567"

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{"{\"biller\":\"gas\",\"account\":\"A\"}\n",
	 "dl.jsonl:1: not a JSON object with a configured \"biller\" and an \"account\""},
	{"{\"biller\":\"water\",\"account\":\"A\"}\n\n",
	 "dl.jsonl:2: not a JSON object with a configured \"biller\" and an \"account\""},
	{"{\"biller\":\"water\",\"account\":7}\n",
	 "dl.jsonl:1: not a JSON object with a configured \"biller\" and an \"account\""},
	{"{\"biller\":\"water\",\"account\":\"A\\u0000B\"}\n",
	 "dl.jsonl:1: not a JSON object with a configured \"biller\" and an \"account\""},
	{"{\"biller\":\"water\",\"account\":\"A\",\"account\":\"B\"}\n",
	 "dl.jsonl:1: a member is given twice (duplicate object key near '\"account\"')"},
	{"{\"biller\":\"water\",\"account\":\"\"}\n",
	 "dl.jsonl:1: \"account\" must be 1 to 32 bytes"},
	/* Found by fuzz-deadletter: 33 bytes were cut to 32 by the grace
	 * report and flagged A32's owner. */
	{"{\"biller\":\"water\",\"account\":\"A\"}\n{\"biller\":\"water\",\"account\":\"" A32 "X\"}\n",
	 "dl.jsonl:2: \"account\" must be 1 to 32 bytes"},
};

START_TEST(test_bad)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct deadletter *dl = (struct deadletter *)1;
		size_t n = 99;
		char err[256];
		ck_assert_int_eq(read_text(bad[i].text, &dl, &n, err, sizeof(err)), -1);
		ck_assert_msg(strcmp(err, bad[i].err) == 0, "case %zu: %s", i, err);
		ck_assert_ptr_eq(dl, (struct deadletter *)1);
		ck_assert_int_eq(n, 99);
	}
}
END_TEST

START_TEST(test_good)
{
	static const char text[] =
		"{\"biller\":\"phone\",\"account\":\"" A32 "\"}\n"
		"{\"intent\":{\"biller\":\"water\",\"account\":\"W-1\"},\"biller\":\"x\"}\n"
		"{\"intent\":1,\"biller\":\"water\",\"account\":\"W-2\"}";
	struct deadletter *dl = NULL;
	size_t n = 0;
	char err[256];
	ck_assert_int_eq(read_text(text, &dl, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(dl[0].biller, 1);
	ck_assert_str_eq(dl[0].account, A32);
	ck_assert_int_eq(dl[1].biller, 0);
	ck_assert_str_eq(dl[1].account, "W-1");
	ck_assert_str_eq(dl[2].account, "W-2");
	free(dl);
	ck_assert_int_eq(read_text("", &dl, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(dl);
	ck_assert_int_eq(deadletter_read_file(cfg, "/nonexistent/dl", &dl, &n,
					      err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/dl: No such file or directory");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("deadletter");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_good);
	suite_add_tcase(s, tc);
	return check_run(s);
}
