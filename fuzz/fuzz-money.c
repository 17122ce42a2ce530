/* fuzz-money — money_parse(), as the intent decoder and the CSV readers
 * call it: one currency, flags, the text with its length (not
 * NUL-terminated).
 *
 * Input: byte 0 selects the currency (bits 0-4, modulo the table size) and
 * the flags (bit 6 MONEY_ALLOW_ZERO, bit 7 MONEY_ALLOW_NEGATIVE); the rest
 * is the amount text.
 *
 * Invariants:
 * - an accepted text holds only '-', digits and '.', and its value, worked
 *   out here independently in 128-bit arithmetic, is *ret_minor;
 * - zero and negative results only when the flags allow them;
 * - parse -> format -> parse gives the same minor units, and the formatted
 *   text fits MONEY_TEXT_MAX;
 * - a refusal leaves *ret_minor untouched and gives a reason. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "money.h"

/* The reference runs only on accepted text, whose value fits int64 and
 * whose running value never exceeds the final one: 128 bits cannot
 * overflow. */
__extension__ typedef __int128 i128;

/* The value of an accepted text in minor units, without money.c's code. */
static i128 reference_minor(const char *s, size_t len, int exponent)
{
	i128 v = 0;
	int frac = -1; /* digits after '.', -1 before it */
	size_t i = 0;
	bool neg = len > 0 && s[0] == '-';
	for (i = neg ? 1 : 0; i < len; i++) {
		if (s[i] == '.') {
			frac = 0;
			continue;
		}
		FUZZ_CHECK(s[i] >= '0' && s[i] <= '9');
		v = v * 10 + (s[i] - '0');
		if (frac >= 0)
			frac++;
	}
	for (int k = frac < 0 ? 0 : frac; k < exponent; k++)
		v *= 10;
	return neg ? -v : v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const struct currency *cur = currency_at((data[0] & 0x1f) % currency_count());
	unsigned flags = ((data[0] & 0x40) ? MONEY_ALLOW_ZERO : 0) |
			 ((data[0] & 0x80) ? MONEY_ALLOW_NEGATIVE : 0);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;

	const int64_t untouched = 0x5a5a5a5a5a5a5a5a;
	int64_t minor = untouched;
	char why[200] = "";
	if (money_parse(text, len, cur, flags, &minor, why, sizeof(why)) < 0) {
		FUZZ_CHECK(minor == untouched);
		FUZZ_CHECK(why[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(len > 0 && len <= MONEY_INPUT_MAX);
	FUZZ_CHECK(reference_minor(text, len, cur->exponent) == (i128)minor);
	FUZZ_CHECK(minor != 0 || (flags & MONEY_ALLOW_ZERO));
	FUZZ_CHECK(minor >= 0 || (flags & MONEY_ALLOW_NEGATIVE));

	char buf[MONEY_TEXT_MAX];
	int n = money_format(minor, cur, buf, sizeof(buf));
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(buf) && strlen(buf) == (size_t)n);
	int64_t again = untouched;
	FUZZ_CHECK(money_parse(buf, (size_t)n, cur, flags, &again, why, sizeof(why)) == 0);
	FUZZ_CHECK(again == minor);
	/* The formatted text is canonical: formatting it again changes nothing. */
	char buf2[MONEY_TEXT_MAX];
	FUZZ_CHECK(money_format(again, cur, buf2, sizeof(buf2)) == n);
	FUZZ_CHECK(memcmp(buf, buf2, (size_t)n) == 0);
	return 0;
}
