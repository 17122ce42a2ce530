/* Tests for bizdate: dates, cut-off parsing, business date of an instant
 * with cut-off and time zone edges (23:59:59 and 00:00:00 local, the DST
 * changes of Europe/Berlin and America/New_York, Asia/Damascus without
 * DST since 2022). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bizdate.h" /* settle/ is not on the tests' include path */
#include "timeutil.h"

static int64_t ms_of(const char *rfc3339)
{
	int64_t ms;
	char err[128];
	ck_assert_msg(rfc3339_parse(rfc3339, strlen(rfc3339), &ms, NULL, err,
				    sizeof(err)) == 0, "%s: %s", rfc3339, err);
	return ms;
}

static int64_t day_of(const char *date)
{
	int64_t d;
	ck_assert_int_eq(bizdate_parse(date, &d), 0);
	return d;
}

static void zone(const char *name)
{
	char err[256];
	ck_assert_msg(bizdate_set_zone(name, err, sizeof(err)) == 0, "%s", err);
}

START_TEST(test_parse_refusals)
{
	static const char *bad_dates[] = {"", "2026-1-01", "2026-13-01",
		"2026-02-29", "2026-04-31", "1969-12-31", "2026-11-25x",
		"2026/11/25", "２026-11-25"};
	int64_t d = 42;
	for (size_t i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++)
		ck_assert_msg(bizdate_parse(bad_dates[i], &d) == -1, "%s", bad_dates[i]);
	ck_assert_int_eq(d, 42);
	ck_assert_int_eq(bizdate_parse("2028-02-29", &d), 0);
	char out[11];
	bizdate_format(d, out);
	ck_assert_str_eq(out, "2028-02-29");
	static const char *bad_cutoffs[] = {"", "24:00", "7:00", "07:60", "07-00", "07:00:00"};
	int m = -1;
	for (size_t i = 0; i < sizeof(bad_cutoffs) / sizeof(bad_cutoffs[0]); i++)
		ck_assert_int_eq(bizdate_parse_cutoff(bad_cutoffs[i], &m), -1);
	ck_assert_int_eq(m, -1);
	ck_assert_int_eq(bizdate_parse_cutoff("18:30", &m), 0);
	ck_assert_int_eq(m, 18 * 60 + 30);
	char err[256];
	ck_assert_int_eq(bizdate_set_zone("Mars/Olympus", err, sizeof(err)), -1);
	ck_assert_int_eq(bizdate_set_zone("../etc/passwd", err, sizeof(err)), -1);
}
END_TEST

static const struct {
	const char *zone;
	const char *cutoff;
	const char *at;   /* RFC 3339 instant */
	const char *date; /* its business date */
} cases[] = {
	/* midnight cut-off: the local calendar day */
	{"Asia/Damascus", "00:00", "2026-11-25T23:59:59+03:00", "2026-11-25"},
	{"Asia/Damascus", "00:00", "2026-11-26T00:00:00+03:00", "2026-11-26"},
	{"Asia/Damascus", "00:00", "2026-11-24T21:00:00Z", "2026-11-25"},
	{"Asia/Damascus", "00:00", "2026-11-24T20:59:59.999Z", "2026-11-24"},
	/* 18:00 cut-off: at or after it belongs to the next day */
	{"Asia/Damascus", "18:00", "2026-11-25T17:59:59+03:00", "2026-11-25"},
	{"Asia/Damascus", "18:00", "2026-11-25T18:00:00+03:00", "2026-11-26"},
	{"Asia/Damascus", "18:00", "2026-11-25T23:59:59+03:00", "2026-11-26"},
	{"Asia/Damascus", "18:00", "2026-11-26T00:00:00+03:00", "2026-11-26"},
	/* Berlin spring forward 2026-03-29 02:00 -> 03:00 */
	{"Europe/Berlin", "00:00", "2026-03-29T00:00:00+01:00", "2026-03-29"},
	{"Europe/Berlin", "00:00", "2026-03-29T23:59:59+02:00", "2026-03-29"},
	{"Europe/Berlin", "00:00", "2026-03-30T00:00:00+02:00", "2026-03-30"},
	{"Europe/Berlin", "18:00", "2026-03-29T17:59:59+02:00", "2026-03-29"},
	{"Europe/Berlin", "18:00", "2026-03-29T18:00:00+02:00", "2026-03-30"},
	/* New York fall back 2026-11-01 02:00 -> 01:00 */
	{"America/New_York", "00:00", "2026-11-01T01:30:00-04:00", "2026-11-01"},
	{"America/New_York", "00:00", "2026-11-01T01:30:00-05:00", "2026-11-01"},
	{"America/New_York", "00:00", "2026-11-01T23:59:59-05:00", "2026-11-01"},
	{"America/New_York", "00:00", "2026-10-31T23:59:59-04:00", "2026-10-31"},
	{"UTC", "00:00", "2026-11-25T00:00:00Z", "2026-11-25"},
};

START_TEST(test_business_date)
{
	zone(cases[_i].zone);
	int cut;
	ck_assert_int_eq(bizdate_parse_cutoff(cases[_i].cutoff, &cut), 0);
	int64_t ms = ms_of(cases[_i].at);
	int64_t got = bizdate_of(ms, cut);
	char text[11];
	bizdate_format(got, text);
	ck_assert_msg(strcmp(text, cases[_i].date) == 0, "%s %s %s: got %s",
		      cases[_i].zone, cases[_i].cutoff, cases[_i].at, text);
	int64_t start, end;
	ck_assert_int_eq(bizdate_window(got, cut, &start, &end), 0);
	ck_assert(start <= ms && ms < end);
}
END_TEST

START_TEST(test_window_lengths)
{
	int64_t start, end;
	zone("Europe/Berlin");
	ck_assert_int_eq(bizdate_window(day_of("2026-03-29"), 0, &start, &end), 0);
	ck_assert_int_eq(end - start, 23 * 3600 * 1000LL); /* spring forward */
	ck_assert_int_eq(start, ms_of("2026-03-28T23:00:00Z"));
	ck_assert_int_eq(bizdate_window(day_of("2026-10-25"), 0, &start, &end), 0);
	ck_assert_int_eq(end - start, 25 * 3600 * 1000LL); /* fall back */
	ck_assert_int_eq(bizdate_window(day_of("2026-03-30"), 18 * 60, &start, &end), 0);
	ck_assert_int_eq(start, ms_of("2026-03-29T18:00:00+02:00"));
	ck_assert_int_eq(end, ms_of("2026-03-30T18:00:00+02:00"));
	zone("Asia/Damascus");
	ck_assert_int_eq(bizdate_window(day_of("2026-11-25"), 0, &start, &end), 0);
	ck_assert_int_eq(start, ms_of("2026-11-25T00:00:00+03:00"));
	ck_assert_int_eq(end - start, 24 * 3600 * 1000LL);
	ck_assert_int_eq(bizdate_local_day(ms_of("2026-11-25T23:59:59+03:00")),
			 day_of("2026-11-25"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bizdate");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_parse_refusals);
	tcase_add_loop_test(tc, test_business_date, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_window_lengths);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
