/* timeutil: RFC 3339 parsing (invalid inputs first), UTC formatting, and
 * the civil-date conversions. Expected instants from Python's datetime. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "check_run.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *text;
	const char *reason;
} parse_bad[] = {
	{"", "not an RFC 3339 date-time"},
	{"2026-11-25", "not an RFC 3339 date-time"},
	{"2026-11-25T10:15:00", "not an RFC 3339 date-time"}, /* no zone */
	{"2026-11-25 10:15:00Z", "not an RFC 3339 date-time"},
	{"2026/11/25T10:15:00Z", "not an RFC 3339 date-time"},
	{"2026-11-25x10:15:00Z", "not an RFC 3339 date-time"},
	{"2026-1a-25T10:15:00Z", "not an RFC 3339 date-time"},
	{" 2026-11-25T10:15:00Z", "not an RFC 3339 date-time"},
	{"26-11-25T10:15:00Z", "not an RFC 3339 date-time"},
	{"2026-11-25T10:15Z", "not an RFC 3339 date-time"},
	{"2026-11-25T10:15:00.123456789+03:00X", "not an RFC 3339 date-time"},
	{"2026-11-25T10:15:00.123", "a time zone is required"},
	{"2026-11-25T10:15:00+0300", "a time zone is required"},
	{"2026-11-25T10:15:00+03", "a time zone is required"},
	{"2026-11-25T10:15:00Zjunk", "a time zone is required"},
	{"2026-11-25T10:15:00 Z", "a time zone is required"},
	{"2026-11-25T10:15:00UTC", "a time zone is required"},
	{"2026-11-25T10:15:00+24:00", "bad UTC offset"},
	{"2026-11-25T10:15:00+03:60", "bad UTC offset"},
	{"2026-11-25T10:15:00+03-00", "bad UTC offset"},
	{"2026-11-25T10:15:00+0a:00", "bad UTC offset"},
	{"2026-13-01T00:00:00Z", "out of range"},
	{"2026-00-01T00:00:00Z", "out of range"},
	{"2026-11-00T00:00:00Z", "out of range"},
	{"2026-11-31T00:00:00Z", "out of range"},
	{"2026-02-29T00:00:00Z", "out of range"}, /* not a leap year */
	{"2100-02-29T00:00:00Z", "out of range"}, /* century, not leap */
	{"2024-02-30T00:00:00Z", "out of range"},
	{"2026-11-25T24:00:00Z", "out of range"},
	{"2026-11-25T23:60:00Z", "out of range"},
	{"2026-11-25T23:59:60Z", "leap seconds"},
	{"1969-12-31T23:59:59Z", "out of range"},
	{"2026-11-25T10:15:00.Z", "1 to 9 digits"},
	{"2026-11-25T10:15:00.1234567890Z", "1 to 9 digits"},
};

START_TEST(test_parse_bad)
{
	const char *text = parse_bad[_i].text;
	int64_t ms = 4242;
	int offset = 4242;
	char why[128] = "";
	ck_assert_int_eq(rfc3339_parse(text, strlen(text), &ms, &offset, why,
				       sizeof(why)), -1);
	ck_assert_int_eq(ms, 4242);
	ck_assert_int_eq(offset, 4242);
	ck_assert_msg(strstr(why, parse_bad[_i].reason) != NULL,
		      "\"%s\": reason \"%s\" lacks \"%s\"", text, why,
		      parse_bad[_i].reason);
}
END_TEST

static const struct {
	const char *text;
	int64_t ms;
	int offset_min;
} parse_ok[] = {
	{"1970-01-01T00:00:00Z", 0, 0},
	{"2026-11-25T07:15:00Z", INT64_C(1795590900000), 0},
	{"2026-11-25T07:15:00.123Z", INT64_C(1795590900123), 0},
	{"2026-11-25t07:15:00.123z", INT64_C(1795590900123), 0},
	{"2026-11-25T10:15:00+03:00", INT64_C(1795590900000), 180},
	{"2026-11-25T10:15:00.5+03:00", INT64_C(1795590900500), 180},
	{"2026-11-24T23:00:00-08:15", INT64_C(1795590900000), -495},
	{"2026-11-25T07:15:00-00:00", INT64_C(1795590900000), 0},
	{"2026-11-25T07:15:00+00:00", INT64_C(1795590900000), 0},
	{"2026-11-25T07:15:00.1Z", INT64_C(1795590900100), 0},
	{"2026-11-25T07:15:00.12Z", INT64_C(1795590900120), 0},
	{"2026-11-25T07:15:00.123456789Z", INT64_C(1795590900123), 0},
	/* truncated, not rounded */
	{"2026-11-25T07:15:00.999999999Z", INT64_C(1795590900999), 0},
	{"2026-11-25T07:15:00.123456789+23:59", INT64_C(1795504560123), 1439},
	{"2024-02-29T12:00:00Z", INT64_C(1709208000000), 0},
	{"2000-02-29T00:00:00Z", INT64_C(951782400000), 0},
	{"9999-12-31T23:59:59.999Z", INT64_C(253402300799999), 0},
	/* Before the epoch through the offset: the caller decides. */
	{"1970-01-01T00:00:00+01:00", INT64_C(-3600000), 60},
};

START_TEST(test_parse_ok)
{
	const char *text = parse_ok[_i].text;
	int64_t ms = 4242;
	int offset = 4242;
	char why[128] = "";
	int rc = rfc3339_parse(text, strlen(text), &ms, &offset, why,
			       sizeof(why));
	ck_assert_msg(rc == 0, "\"%s\" refused: %s", text, why);
	ck_assert_int_eq(ms, parse_ok[_i].ms);
	ck_assert_int_eq(offset, parse_ok[_i].offset_min);
	/* The offset is optional, the reason too. */
	ck_assert_int_eq(rfc3339_parse(text, strlen(text), &ms, NULL, NULL, 0), 0);
}
END_TEST

static const struct {
	int64_t ms;
	const char *text;
} formats[] = {
	{0, "1970-01-01T00:00:00.000Z"},
	{1, "1970-01-01T00:00:00.001Z"},
	{-1, "1969-12-31T23:59:59.999Z"},
	{-1000, "1969-12-31T23:59:59.000Z"},
	{INT64_C(1795590900123), "2026-11-25T07:15:00.123Z"},
	{INT64_C(951782400000), "2000-02-29T00:00:00.000Z"},
	{INT64_C(253402300799999), "9999-12-31T23:59:59.999Z"},
};

START_TEST(test_format)
{
	char buf[25];
	ck_assert_int_eq(rfc3339_format_utc_ms(formats[_i].ms, buf, sizeof(buf)), 24);
	ck_assert_str_eq(buf, formats[_i].text);
	ck_assert_int_eq(rfc3339_format_utc_ms(formats[_i].ms, buf, 24), -1);
}
END_TEST

/* format→parse is the identity over 1970..9999 in uneven steps. */
START_TEST(test_format_round_trip)
{
	const int64_t step_ms = INT64_C(86400000) * 3 + 3600007; /* ~3 days */
	for (int64_t ms = 0; ms < INT64_C(253402300799999); ms += step_ms) {
		char buf[25];
		int64_t back = -1;
		ck_assert_int_eq(rfc3339_format_utc_ms(ms, buf, sizeof(buf)), 24);
		if (rfc3339_parse(buf, 24, &back, NULL, NULL, 0) != 0 || back != ms)
			ck_abort_msg("%lld -> %s -> %lld", (long long)ms, buf,
				     (long long)back);
	}
}
END_TEST

static const struct {
	int64_t y;
	unsigned m, d;
	int64_t days;
} civil[] = {
	{1970, 1, 1, 0},
	{1969, 12, 31, -1},
	{2000, 3, 1, 11017},
	{2026, 11, 25, 20782},
	{1, 1, 1, -719162},
	{0, 3, 1, -719468},
};

START_TEST(test_civil)
{
	ck_assert_int_eq(days_from_civil(civil[_i].y, civil[_i].m, civil[_i].d),
			 civil[_i].days);
	int64_t y;
	unsigned m, d;
	civil_from_days(civil[_i].days, &y, &m, &d);
	ck_assert_int_eq(y, civil[_i].y);
	ck_assert_uint_eq(m, civil[_i].m);
	ck_assert_uint_eq(d, civil[_i].d);
}
END_TEST

/* Every day from year -400 to 10000: back and forth is the identity, and
 * the next day number is the next calendar day. */
START_TEST(test_civil_round_trip)
{
	int64_t first = days_from_civil(-400, 1, 1);
	int64_t last = days_from_civil(10000, 12, 31);
	int64_t py = 0;
	unsigned pm = 0, pd = 0;
	civil_from_days(first - 1, &py, &pm, &pd);
	for (int64_t z = first; z <= last; z++) {
		int64_t y;
		unsigned m, d;
		civil_from_days(z, &y, &m, &d);
		bool next_day = (y == py && m == pm && d == pd + 1) ||
				(y == py && m == pm + 1 && d == 1) ||
				(y == py + 1 && m == 1 && d == 1 && pm == 12);
		if (days_from_civil(y, m, d) != z || !next_day)
			ck_abort_msg("day %lld -> %lld-%u-%u", (long long)z,
				     (long long)y, m, d);
		py = y;
		pm = m;
		pd = d;
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timeutil");
	TCase *tc = tcase_create("rfc3339");
	tcase_add_loop_test(tc, test_parse_bad, 0, N(parse_bad));
	tcase_add_loop_test(tc, test_parse_ok, 0, N(parse_ok));
	tcase_add_loop_test(tc, test_format, 0, N(formats));
	tcase_add_test(tc, test_format_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("civil");
	tcase_add_loop_test(tc, test_civil, 0, N(civil));
	tcase_add_test(tc, test_civil_round_trip);
	suite_add_tcase(s, tc);
	return check_run(s);
}
