/* Tests for outage: the operator's file (refusals with their line, good
 * windows) and outage windows from clusters of intake events. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../settle/outage.h" /* settle/ is not on the tests' include path */

static char path[64];

static const char *write_tmp(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/tasdid-outage-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const struct {
	const char *text, *error; /* error: after "PATH:" */
} bad_files[] = {
	{"", "0: empty file"},
	{"begin,end,description\n", "1: header must be exactly"},
	{"start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z\n", "2: expected 3 fields"},
	{"start,end,description\n2026-11-08 09:00,2026-11-08T10:00:00Z,x\n", "2: start and end must be RFC 3339"},
	{"start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,ok\n"
	 "2026-11-09T10:00:00Z,2026-11-09T09:00:00Z,x\n", "3: end is before start"},
	{"start,end,description\n2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,\"open\n", "2: unterminated quote"},
};

START_TEST(test_bad_file)
{
	struct outage_list *ol = outage_new();
	char err[512];
	const char *p = write_tmp(bad_files[_i].text);
	ck_assert_int_eq(outage_read_file(ol, p, err, sizeof(err)), -1);
	char want[256];
	snprintf(want, sizeof(want), "%s:%s", p, bad_files[_i].error);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got '%s', want '%s'", err, want);
	ck_assert_uint_eq(outage_count(ol), 0);
	unlink(p);
	outage_free(ol);
}
END_TEST

START_TEST(test_good_file)
{
	struct outage_list *ol = outage_new();
	char err[512];
	const char *p = write_tmp("\xef\xbb\xbfstart,end,description\r\n"
				  "2026-11-09T10:00:00+03:00,2026-11-09T12:00:00+03:00,\"a, b\"\r\n"
				  "2026-11-08T09:00:00Z,2026-11-08T10:00:00Z,\r\n");
	ck_assert_msg(outage_read_file(ol, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(outage_count(ol), 2);
	ck_assert_str_eq(outage_at(ol, 0)->description, "");
	ck_assert_str_eq(outage_at(ol, 1)->description, "a, b");
	ck_assert_int_eq(outage_at(ol, 1)->start_ms, INT64_C(1794207600000));
	ck_assert_str_eq(outage_at(ol, 1)->source, "outage_file");
	unlink(p);
	outage_free(ol);
}
END_TEST

START_TEST(test_events)
{
	/* 3 events within 60 s make an outage. 1000, 30000, 59000: one
	 * burst; 200000 alone: none; 400000..460000 step 20000 (4 events):
	 * one burst 400000..460000; 461000 extends it. */
	const char *text =
		"{\"ts_ms\":30000,\"reason\":\"shed\"}\n{\"ts_ms\":1000}\n"
		"{\"ts_ms\":59000}\n{\"ts_ms\":200000}\n{\"ts_ms\":400000}\n"
		"{\"ts_ms\":420000}\n{\"ts_ms\":440000}\n{\"ts_ms\":460000}\n"
		"{\"ts_ms\":461000,\"at\":\"x\",\"bank\":\"B\",\"terminal\":\"T\"}\n";
	struct outage_list *ol = outage_new();
	char err[512];
	const char *p = write_tmp(text);
	ck_assert_msg(outage_read_events(ol, p, 3, 60000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(outage_count(ol), 2);
	ck_assert_int_eq(outage_at(ol, 0)->start_ms, 1000);
	ck_assert_int_eq(outage_at(ol, 0)->end_ms, 59000);
	ck_assert_int_eq(outage_at(ol, 1)->start_ms, 400000);
	ck_assert_int_eq(outage_at(ol, 1)->end_ms, 461000);
	ck_assert_str_eq(outage_at(ol, 1)->source, "intake_events");
	unlink(p);
	p = write_tmp("{\"ts_ms\":1}\n{\"ts\":2}\n");
	ck_assert_int_eq(outage_read_events(ol, p, 3, 60000, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: not a JSON object with an integer ts_ms"));
	ck_assert_uint_eq(outage_count(ol), 2);
	unlink(p);
	outage_free(ol);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("outage");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_bad_file, 0, (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_events);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
