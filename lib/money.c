/* money — see money.h. Digits are accumulated in int64 with an overflow
 * check before every multiply-add; nothing here uses floating point. */
#include "money.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errstr.h"

/* A small built-in table: the currencies of the region tasdid serves and the
 * usual majors. Exponents are ISO 4217's minor-unit digits. */
static const struct currency currencies[] = {
	{"AED", 2, "UAE dirham"},
	{"BHD", 3, "Bahraini dinar"},
	{"EGP", 2, "Egyptian pound"},
	{"EUR", 2, "Euro"},
	{"GBP", 2, "Pound sterling"},
	{"IQD", 3, "Iraqi dinar"},
	{"JOD", 3, "Jordanian dinar"},
	{"JPY", 0, "Japanese yen"},
	{"KRW", 0, "South Korean won"},
	{"KWD", 3, "Kuwaiti dinar"},
	{"LBP", 2, "Lebanese pound"},
	{"OMR", 3, "Omani rial"},
	{"QAR", 2, "Qatari riyal"},
	{"SAR", 2, "Saudi riyal"},
	{"SYP", 2, "Syrian pound"},
	{"TND", 3, "Tunisian dinar"},
	{"TRY", 2, "Turkish lira"},
	{"USD", 2, "US dollar"},
};

_Static_assert(sizeof(currencies) / sizeof(currencies[0]) >= 10,
	       "the issue asks for at least ten currencies");

const struct currency *currency_find(const char *code)
{
	if (code == NULL || strlen(code) != 3)
		return NULL;
	for (size_t i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (memcmp(currencies[i].code, code, 3) == 0)
			return &currencies[i];
	return NULL;
}

size_t currency_count(void)
{
	return sizeof(currencies) / sizeof(currencies[0]);
}

const struct currency *currency_at(size_t i)
{
	assert(i < currency_count());
	return &currencies[i];
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Explain a character that is not allowed where a digit or '.' should be:
 * the common mistakes get a specific message. */
static void explain_bad_char(unsigned char c, char *errstr, size_t errstr_size)
{
	if (c == 'e' || c == 'E')
		errstr_set(errstr, errstr_size,
			"exponent notation is not allowed; write the plain decimal");
	else if (c == ',' || c == '\'' || c == '_' || c == ' ')
		errstr_set(errstr, errstr_size,
			"thousands separators and spaces are not allowed");
	else if (c == '+' || c == '-')
		errstr_set(errstr, errstr_size, "a sign is only allowed at the start%s",
			c == '+' ? " and '+' never" : "");
	else if (c >= 0x80)
		errstr_set(errstr, errstr_size,
			"only ASCII digits 0-9 are allowed");
	else
		errstr_set(errstr, errstr_size,
			"unexpected character '%c'; only digits and one '.' are allowed",
			c >= 0x20 && c < 0x7f ? c : '?');
}

int money_parse(const char *text, size_t len, const struct currency *cur,
		unsigned flags, int64_t *ret_minor, char *errstr,
		size_t errstr_size)
{
	assert(cur != NULL && ret_minor != NULL);
	assert(cur->exponent >= 0 && cur->exponent <= 4);

	if (text == NULL || len == 0) {
		errstr_set(errstr, errstr_size, "empty amount");
		return -1;
	}
	if (len > MONEY_INPUT_MAX) {
		errstr_set(errstr, errstr_size, "amount text longer than %d characters",
			MONEY_INPUT_MAX);
		return -1;
	}

	size_t i = 0;
	bool negative = false;
	if (text[0] == '-') {
		if (!(flags & MONEY_ALLOW_NEGATIVE)) {
			errstr_set(errstr, errstr_size, "negative amounts are not allowed");
			return -1;
		}
		negative = true;
		i = 1;
	} else if (text[0] == '+') {
		errstr_set(errstr, errstr_size, "a '+' sign is not allowed");
		return -1;
	}

	/* Accumulate as a negative number: INT64_MIN has no positive twin, and
	 * this way both signs share one overflow check. */
	int64_t acc = 0;
	size_t int_digits = 0, frac_digits = 0;
	bool seen_point = false;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '.') {
			if (seen_point) {
				errstr_set(errstr, errstr_size, "more than one '.'");
				return -1;
			}
			seen_point = true;
			continue;
		}
		if (!is_digit(c)) {
			explain_bad_char(c, errstr, errstr_size);
			return -1;
		}
		if (seen_point) {
			if ((int)frac_digits == cur->exponent) {
				if (cur->exponent == 0)
					errstr_set(errstr, errstr_size,
						"%s has no minor unit; no fraction digits are allowed",
						cur->code);
				else
					errstr_set(errstr, errstr_size,
						"more than %d fraction digits for %s",
						cur->exponent, cur->code);
				return -1;
			}
			frac_digits++;
		} else {
			int_digits++;
		}
		int digit = c - '0';
		if (acc < (INT64_MIN + digit) / 10) {
			errstr_set(errstr, errstr_size, "amount too large");
			return -1;
		}
		acc = acc * 10 - digit;
	}
	if (int_digits == 0) {
		errstr_set(errstr, errstr_size,
			"at least one digit is needed before the '.'");
		return -1;
	}
	if (seen_point && frac_digits == 0) {
		errstr_set(errstr, errstr_size,
			"a '.' must be followed by at least one digit");
		return -1;
	}
	for (int k = (int)frac_digits; k < cur->exponent; k++) {
		if (acc < INT64_MIN / 10) {
			errstr_set(errstr, errstr_size, "amount too large");
			return -1;
		}
		acc *= 10;
	}
	if (!negative) {
		if (acc == INT64_MIN) {
			errstr_set(errstr, errstr_size, "amount too large");
			return -1;
		}
		acc = -acc;
	}
	if (acc == 0 && !(flags & MONEY_ALLOW_ZERO)) {
		errstr_set(errstr, errstr_size, "amount must be greater than zero");
		return -1;
	}
	*ret_minor = acc;
	return 0;
}

int money_add(int64_t a, int64_t b, int64_t *ret)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*ret = r;
	return 0;
}

int money_sub(int64_t a, int64_t b, int64_t *ret)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return -1;
	*ret = r;
	return 0;
}

/* minor's decimal text with exp fraction digits into buf; with grouped, a
 * ',' between each group of three integer digits. Integer arithmetic only:
 * digits of |minor| right to left, uint64 holds |INT64_MIN|. */
static int format_digits(int64_t minor, int exp, bool grouped, char *buf,
			 size_t size)
{
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	char tmp[MONEY_GROUPED_TEXT_MAX];
	size_t n = 0;
	int int_digits = 0;
	do {
		if (exp > 0 && (int)n == exp)
			tmp[n++] = '.';
		if (exp == 0 || (int)n > exp) { /* an integer digit */
			if (grouped && int_digits > 0 && int_digits % 3 == 0)
				tmp[n++] = ',';
			int_digits++;
		}
		tmp[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag > 0 || (exp > 0 && (int)n <= exp));
	if (minor < 0)
		tmp[n++] = '-';
	if (n + 1 > size)
		return -1;
	for (size_t k = 0; k < n; k++)
		buf[k] = tmp[n - 1 - k];
	buf[n] = '\0';
	return (int)n;
}

int money_format(int64_t minor, const struct currency *cur, char *buf,
		 size_t size)
{
	assert(cur != NULL && buf != NULL);
	return format_digits(minor, cur->exponent, false, buf, size);
}

int money_format_grouped(int64_t minor, const struct currency *cur, char *buf,
			 size_t size)
{
	assert(cur != NULL && buf != NULL);
	return format_digits(minor, cur->exponent, true, buf, size);
}

int money_format_count_grouped(int64_t count, char *buf, size_t size)
{
	assert(buf != NULL);
	return format_digits(count, 0, true, buf, size);
}
