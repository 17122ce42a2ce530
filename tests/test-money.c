/* money: parsing (invalid inputs first), checked arithmetic, formatting and
 * the format→parse round trip, across currencies with 0, 2 and 3 minor
 * digits and at the int64 limits. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "check_run.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Any value a failed call must leave in place. */
#define SENTINEL INT64_C(4242)

static const struct currency *cur(const char *code)
{
	const struct currency *c = currency_find(code);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* ---- parse: refused ---- */

static const struct {
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *code;
	unsigned flags;
	const char *reason; /* substring of the message */
} parse_bad[] = {
	{"", 0, "SYP", 0, "empty amount"},
	{"1e3", 0, "SYP", 0, "exponent notation"},
	{"1E3", 0, "SYP", 0, "exponent notation"},
	{"1.5e2", 0, "JOD", 0, "exponent notation"},
	{"1,000", 0, "SYP", 0, "thousands separators"},
	{"1'000", 0, "SYP", 0, "thousands separators"},
	{"1_000", 0, "SYP", 0, "thousands separators"},
	{"1 000", 0, "SYP", 0, "spaces"},
	{" 5", 0, "SYP", 0, "spaces"},
	{"5 ", 0, "SYP", 0, "spaces"},
	{"+5", 0, "SYP", 0, "'+' sign is not allowed"},
	{"-5", 0, "SYP", 0, "negative amounts are not allowed"},
	{"5-", 0, "SYP", MONEY_ALLOW_NEGATIVE, "only allowed at the start"},
	{"--5", 0, "SYP", MONEY_ALLOW_NEGATIVE, "only allowed at the start"},
	{"5+", 0, "SYP", 0, "'+' never"},
	{"-", 0, "SYP", MONEY_ALLOW_NEGATIVE, "at least one digit"},
	{"0", 0, "SYP", 0, "greater than zero"},
	{"0.00", 0, "SYP", 0, "greater than zero"},
	{"000", 0, "JPY", 0, "greater than zero"},
	{"-0", 0, "SYP", MONEY_ALLOW_NEGATIVE, "greater than zero"},
	{"1.234", 0, "SYP", 0, "more than 2 fraction digits for SYP"},
	{"1.2345", 0, "JOD", 0, "more than 3 fraction digits for JOD"},
	{"0.0001", 0, "JOD", 0, "more than 3 fraction digits for JOD"},
	{"1.5", 0, "JPY", 0, "JPY has no minor unit"},
	{"1.0", 0, "JPY", 0, "JPY has no minor unit"},
	{"1.", 0, "SYP", 0, "must be followed by at least one digit"},
	{"1.", 0, "JPY", 0, "must be followed by at least one digit"},
	{".5", 0, "SYP", 0, "at least one digit is needed"},
	{".", 0, "SYP", 0, "at least one digit is needed"},
	{"1.2.3", 0, "JOD", 0, "more than one '.'"},
	{"1..2", 0, "JOD", 0, "more than one '.'"},
	{"\xd9\xa1\xd9\xa2", 0, "SYP", 0, "only ASCII digits"}, /* Arabic-Indic 12 */
	{"\xef\xbc\x91", 0, "SYP", 0, "only ASCII digits"},     /* fullwidth 1 */
	{"12a", 0, "SYP", 0, "unexpected character 'a'"},
	{"0x10", 0, "SYP", 0, "unexpected character 'x'"},
	{"NaN", 0, "SYP", 0, "unexpected character 'N'"},
	{"5\0" "0", 3, "SYP", 0, "unexpected character '?'"},
	{"12345678901234567890123456789012345678901", 0, "JPY", 0,
	 "longer than 40"},
	/* int64 limits: INT64_MAX is 9223372036854775807 */
	{"9223372036854775808", 0, "JPY", 0, "too large"},
	{"99999999999999999999", 0, "JPY", 0, "too large"},
	{"92233720368547758.08", 0, "SYP", 0, "too large"},
	{"92233720368547758.1", 0, "SYP", 0, "too large"},
	{"92233720368547759", 0, "SYP", 0, "too large"},
	{"9223372036854775.808", 0, "JOD", 0, "too large"},
	{"9223372036854776", 0, "JOD", 0, "too large"},
	{"-9223372036854775809", 0, "JPY", MONEY_ALLOW_NEGATIVE, "too large"},
	{"-92233720368547758.09", 0, "SYP", MONEY_ALLOW_NEGATIVE, "too large"},
};

START_TEST(test_parse_bad)
{
	const char *text = parse_bad[_i].text;
	size_t len = parse_bad[_i].len ? parse_bad[_i].len : strlen(text);
	int64_t got = SENTINEL;
	char why[128] = "";
	int rc = money_parse(text, len, cur(parse_bad[_i].code),
			     parse_bad[_i].flags, &got, why, sizeof(why));
	ck_assert_msg(rc == -1, "\"%s\" was accepted as %lld", text,
		      (long long)got);
	ck_assert_int_eq(got, SENTINEL);
	ck_assert_msg(strstr(why, parse_bad[_i].reason) != NULL,
		      "\"%s\": reason \"%s\" lacks \"%s\"", text, why,
		      parse_bad[_i].reason);
	/* The reason is optional. */
	ck_assert_int_eq(money_parse(text, len, cur(parse_bad[_i].code),
				     parse_bad[_i].flags, &got, NULL, 0), -1);
}
END_TEST

/* ---- parse: accepted ---- */

static const struct {
	const char *text;
	const char *code;
	unsigned flags;
	int64_t minor;
} parse_ok[] = {
	{"15000.50", "SYP", 0, 1500050},
	{"15000.5", "SYP", 0, 1500050},
	{"15000", "SYP", 0, 1500000},
	{"0.01", "SYP", 0, 1},
	{"007", "SYP", 0, 700},
	{"1.234", "JOD", 0, 1234},
	{"1.2", "JOD", 0, 1200},
	{"7", "JOD", 0, 7000},
	{"0.001", "JOD", 0, 1},
	{"700", "JPY", 0, 700},
	{"1", "KRW", 0, 1},
	{"92233720368547758.07", "SYP", 0, INT64_MAX},
	{"9223372036854775807", "JPY", 0, INT64_MAX},
	{"9223372036854775.807", "JOD", 0, INT64_MAX},
	{"-92233720368547758.08", "SYP", MONEY_ALLOW_NEGATIVE, INT64_MIN},
	{"-9223372036854775808", "JPY", MONEY_ALLOW_NEGATIVE, INT64_MIN},
	{"-9223372036854775.808", "JOD", MONEY_ALLOW_NEGATIVE, INT64_MIN},
	{"-5", "SYP", MONEY_ALLOW_NEGATIVE, -500},
	{"-0.005", "JOD", MONEY_ALLOW_NEGATIVE, -5},
	{"0", "SYP", MONEY_ALLOW_ZERO, 0},
	{"0.00", "SYP", MONEY_ALLOW_ZERO, 0},
	{"-0", "SYP", MONEY_ALLOW_ZERO | MONEY_ALLOW_NEGATIVE, 0},
};

START_TEST(test_parse_ok)
{
	const char *text = parse_ok[_i].text;
	int64_t got = SENTINEL;
	char why[128] = "";
	int rc = money_parse(text, strlen(text), cur(parse_ok[_i].code),
			     parse_ok[_i].flags, &got, why, sizeof(why));
	ck_assert_msg(rc == 0, "\"%s\" refused: %s", text, why);
	ck_assert_int_eq(got, parse_ok[_i].minor);
}
END_TEST

/* ---- arithmetic ---- */

static const struct {
	char op; /* '+' or '-' */
	int64_t a, b;
	int ok;
	int64_t result;
} arith[] = {
	{'+', INT64_MAX, 1, 0, 0},
	{'+', INT64_MIN, -1, 0, 0},
	{'+', INT64_MAX, INT64_MAX, 0, 0},
	{'-', INT64_MIN, 1, 0, 0},
	{'-', INT64_MAX, -1, 0, 0},
	{'-', 0, INT64_MIN, 0, 0},
	{'+', 1500050, 250, 1, 1500300},
	{'+', INT64_MAX, 0, 1, INT64_MAX},
	{'+', INT64_MAX, INT64_MIN, 1, -1},
	{'+', -5, 5, 1, 0},
	{'-', 5, 7, 1, -2},
	{'-', -1, INT64_MAX, 1, INT64_MIN},
	{'-', INT64_MIN, INT64_MIN, 1, 0},
};

START_TEST(test_arith)
{
	int64_t got = SENTINEL;
	int rc = arith[_i].op == '+' ? money_add(arith[_i].a, arith[_i].b, &got)
				     : money_sub(arith[_i].a, arith[_i].b, &got);
	if (!arith[_i].ok) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(got, SENTINEL);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_int_eq(got, arith[_i].result);
	}
}
END_TEST

/* ---- format ---- */

static const struct {
	int64_t minor;
	const char *code;
	const char *text;
} formats[] = {
	{0, "SYP", "0.00"},
	{5, "SYP", "0.05"},
	{50, "SYP", "0.50"},
	{100, "SYP", "1.00"},
	{1500050, "SYP", "15000.50"},
	{-5, "SYP", "-0.05"},
	{-1500050, "SYP", "-15000.50"},
	{0, "JPY", "0"},
	{700, "JPY", "700"},
	{-1, "JPY", "-1"},
	{5, "JOD", "0.005"},
	{-5, "JOD", "-0.005"},
	{1234, "JOD", "1.234"},
	{1000, "JOD", "1.000"},
	{INT64_MAX, "SYP", "92233720368547758.07"},
	{INT64_MIN, "SYP", "-92233720368547758.08"},
	{INT64_MAX, "JPY", "9223372036854775807"},
	{INT64_MIN, "JPY", "-9223372036854775808"},
	{INT64_MAX, "JOD", "9223372036854775.807"},
	{INT64_MIN, "JOD", "-9223372036854775.808"},
};

START_TEST(test_format)
{
	char buf[MONEY_TEXT_MAX];
	const struct currency *c = cur(formats[_i].code);
	int n = money_format(formats[_i].minor, c, buf, sizeof(buf));
	ck_assert_str_eq(buf, formats[_i].text);
	ck_assert_int_eq(n, (int)strlen(formats[_i].text));

	/* Exactly enough room, then one byte less. */
	char tight[MONEY_TEXT_MAX];
	ck_assert_int_eq(money_format(formats[_i].minor, c, tight, (size_t)n + 1), n);
	ck_assert_str_eq(tight, formats[_i].text);
	ck_assert_int_eq(money_format(formats[_i].minor, c, tight, (size_t)n), -1);

	int64_t back = SENTINEL;
	ck_assert_int_eq(money_parse(buf, (size_t)n, c,
				     MONEY_ALLOW_ZERO | MONEY_ALLOW_NEGATIVE,
				     &back, NULL, 0), 0);
	ck_assert_int_eq(back, formats[_i].minor);
}
END_TEST

/* Grouped for people: a ',' between each three integer digits, never in
 * the fraction, never before the sign. */
static const struct {
	int64_t minor;
	const char *code;
	const char *text;
} grouped[] = {
	{0, "SYP", "0.00"},
	{-5, "JOD", "-0.005"},
	{99999, "SYP", "999.99"},
	{100000, "SYP", "1,000.00"},
	{3599038775, "SYP", "35,990,387.75"},
	{-4747500, "SYP", "-47,475.00"},
	{-100000000, "JPY", "-100,000,000"},
	{999999, "JPY", "999,999"},
	{1234567, "JOD", "1,234.567"},
	{INT64_MAX, "SYP", "92,233,720,368,547,758.07"},
	{INT64_MIN, "JPY", "-9,223,372,036,854,775,808"},
	{INT64_MIN, "JOD", "-9,223,372,036,854,775.808"},
};

START_TEST(test_format_grouped)
{
	char buf[MONEY_GROUPED_TEXT_MAX];
	const struct currency *c = cur(grouped[_i].code);
	int n = money_format_grouped(grouped[_i].minor, c, buf, sizeof(buf));
	ck_assert_str_eq(buf, grouped[_i].text);
	ck_assert_int_eq(n, (int)strlen(grouped[_i].text));
	/* Exactly enough room, then one byte less. */
	ck_assert_int_eq(money_format_grouped(grouped[_i].minor, c, buf, (size_t)n + 1), n);
	ck_assert_int_eq(money_format_grouped(grouped[_i].minor, c, buf, (size_t)n), -1);
	/* A count is grouped as an amount of exponent 0. */
	if (c->exponent == 0) {
		ck_assert_int_eq(money_format_count_grouped(grouped[_i].minor, buf,
							    sizeof(buf)), n);
		ck_assert_str_eq(buf, grouped[_i].text);
	}
}
END_TEST

START_TEST(test_count_grouped)
{
	char buf[MONEY_GROUPED_TEXT_MAX];
	ck_assert_int_eq(money_format_count_grouped(0, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "0");
	ck_assert_int_eq(money_format_count_grouped(1295, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "1,295");
	ck_assert_int_eq(money_format_count_grouped(-100, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "-100");
}
END_TEST

/* format→parse is the identity for many values in every currency: powers
 * of ten and their neighbours, and a pseudo-random spread over all int64. */
START_TEST(test_round_trip_many)
{
	const struct currency *c = currency_at((size_t)_i);
	uint64_t x = 0x9e3779b97f4a7c15u; /* fixed seed: reproducible */
	for (int k = 0; k < 20000; k++) {
		int64_t v;
		if (k < 19 * 3) {
			int64_t p = 1;
			for (int e = 0; e < k / 3; e++)
				p *= 10;
			v = p + (k % 3) - 1;
		} else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			v = (int64_t)(x >> (k % 64));
			if (k % 2 && v != INT64_MIN)
				v = -v;
		}
		char buf[MONEY_TEXT_MAX];
		int n = money_format(v, c, buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		int64_t back = SENTINEL;
		ck_assert_msg(money_parse(buf, (size_t)n, c,
					  MONEY_ALLOW_ZERO | MONEY_ALLOW_NEGATIVE,
					  &back, NULL, 0) == 0 && back == v,
			      "%s: %lld -> \"%s\" -> %lld", c->code,
			      (long long)v, buf, (long long)back);
	}
}
END_TEST

/* ---- currencies ---- */

static const struct {
	const char *code;
	int exponent; /* -1: unknown */
} currencies[] = {
	{"jod", -1}, {"JO", -1}, {"JODX", -1}, {"", -1}, {"XXX", -1},
	{"JOD", 3},  {"SYP", 2}, {"JPY", 0},   {"KRW", 0}, {"USD", 2},
};

START_TEST(test_currency_find)
{
	const struct currency *c = currency_find(currencies[_i].code);
	if (currencies[_i].exponent < 0) {
		ck_assert_ptr_null(c);
		return;
	}
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->code, currencies[_i].code);
	ck_assert_int_eq(c->exponent, currencies[_i].exponent);
}
END_TEST

START_TEST(test_currency_table)
{
	ck_assert_ptr_null(currency_find(NULL));
	ck_assert_uint_ge(currency_count(), 10);
	for (size_t i = 0; i < currency_count(); i++) {
		const struct currency *c = currency_at(i);
		ck_assert_ptr_eq(currency_find(c->code), c); /* codes unique */
		ck_assert_int_ge(c->exponent, 0);
		ck_assert_int_le(c->exponent, 4);
		ck_assert_ptr_nonnull(c->name);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("money");
	TCase *tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_bad, 0, N(parse_bad));
	tcase_add_loop_test(tc, test_parse_ok, 0, N(parse_ok));
	suite_add_tcase(s, tc);
	tc = tcase_create("arithmetic");
	tcase_add_loop_test(tc, test_arith, 0, N(arith));
	suite_add_tcase(s, tc);
	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_format, 0, N(formats));
	tcase_add_loop_test(tc, test_format_grouped, 0, N(grouped));
	tcase_add_test(tc, test_count_grouped);
	tcase_add_loop_test(tc, test_round_trip_many, 0, (int)currency_count());
	suite_add_tcase(s, tc);
	tc = tcase_create("currency");
	tcase_add_loop_test(tc, test_currency_find, 0, N(currencies));
	tcase_add_test(tc, test_currency_table);
	suite_add_tcase(s, tc);
	return check_run(s);
}
