/* money — exact amounts: int64 minor units plus an ISO 4217 currency.
 *
 * No binary floating point ever touches an amount. Text is parsed digit by
 * digit into minor units and formatted back the same way, so an amount
 * round-trips exactly. Arithmetic is checked: on overflow it fails and leaves
 * the result untouched (SQLite's sqlite3AddInt64 rule). */
#ifndef TASDID_MONEY_H
#define TASDID_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Longest decimal text money_format() can write for any int64 and exponent,
 * including sign, point and NUL: 19 digits + '-' + '.' + leading "0" + NUL. */
#define MONEY_TEXT_MAX 32

/* The same for money_format_grouped(): one ',' more per three of the at
 * most 19 integer digits. */
#define MONEY_GROUPED_TEXT_MAX (MONEY_TEXT_MAX + 6)

/* Longest amount text money_parse() looks at; longer input is refused before
 * any digit is read, so hostile input costs nothing. */
#define MONEY_INPUT_MAX 40

struct currency {
	char code[4];     /* ISO 4217 alphabetic code, NUL-terminated */
	int exponent;     /* digits after the decimal point: JPY 0, USD 2, JOD 3 */
	const char *name; /* English name, for reports */
};

/* Look up a currency by its three-letter code (exact, upper case).
 * Returns a pointer into a static table, or NULL when the code is unknown. */
const struct currency *currency_find(const char *code);

/* Number of currencies in the built-in table, and the i-th of them (for
 * documentation and tests). */
size_t currency_count(void);
const struct currency *currency_at(size_t i);

enum money_parse_flags {
	MONEY_ALLOW_ZERO = 1u << 0,     /* "0" and "0.00" are accepted */
	MONEY_ALLOW_NEGATIVE = 1u << 1, /* a leading '-' is accepted */
};

/* Parse a plain decimal string ("15000", "15000.5", "15000.50") of len bytes
 * into minor units of currency cur.
 *
 * Accepted: ASCII digits, at most one '.', followed by at most
 * cur->exponent digits (none when the exponent is 0); with
 * MONEY_ALLOW_NEGATIVE a leading '-'. Refused, with the reason written to
 * errstr: empty text, signs, exponents ("1e3"), thousands separators,
 * spaces, non-ASCII digits, a bare "." or a trailing ".", too many fraction
 * digits, zero or negative unless allowed, and values beyond int64 minor
 * units.
 *
 * Returns 0 and sets *ret_minor, or -1 with errstr set and *ret_minor
 * untouched. errstr may be NULL when the reason is not wanted. */
int money_parse(const char *text, size_t len, const struct currency *cur,
		unsigned flags, int64_t *ret_minor, char *errstr,
		size_t errstr_size);

/* *ret = a + b, or -1 on overflow with *ret untouched. */
int money_add(int64_t a, int64_t b, int64_t *ret);

/* *ret = a - b, or -1 on overflow with *ret untouched. */
int money_sub(int64_t a, int64_t b, int64_t *ret);

/* Write minor in cur's exact decimal form ("15000.50", "-0.005", "700")
 * into buf. Returns the text length, or -1 when buf is too small (size
 * MONEY_TEXT_MAX is always enough), leaving buf unspecified. */
int money_format(int64_t minor, const struct currency *cur, char *buf,
		 size_t size);

/* As money_format(), with a ',' between each group of three integer digits
 * ("35,990,387.75", "-47,475.00", "700"): text for people to read
 * (summary.html), never for machines (the CSV files and JSON stay plain).
 * size MONEY_GROUPED_TEXT_MAX is always enough; -1 when buf is too small. */
int money_format_grouped(int64_t minor, const struct currency *cur, char *buf,
			 size_t size);

/* A count grouped the same way ("1,295"), for the same readers. */
int money_format_count_grouped(int64_t count, char *buf, size_t size);

#endif
