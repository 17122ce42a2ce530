/* fuzz-rfc3339 — rfc3339_parse() on the raw input (length given, not
 * NUL-terminated), as the intent decoder and the CSV readers call it.
 *
 * Invariants:
 * - a refusal leaves the outputs untouched and gives a reason;
 * - an accepted text is 20 to 35 bytes, its offset is within ±23:59;
 * - a time at or after 1970 and before year 10000 formats as 24 bytes
 *   ("YYYY-MM-DDTHH:MM:SS.mmmZ"), and that text parses back to the same ms
 *   with offset 0 (the fraction is truncated to ms, so nothing is lost). */
#include <string.h>

#include "fuzz.h"
#include "timeutil.h"

#define YEAR_10000_MS INT64_C(253402300800000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int64_t untouched_ms = INT64_MIN;
	const int untouched_off = -99999;
	int64_t ms = untouched_ms;
	int off = untouched_off;
	char why[200] = "";
	if (rfc3339_parse((const char *)data, size, &ms, &off, why, sizeof(why)) < 0) {
		FUZZ_CHECK(ms == untouched_ms && off == untouched_off);
		FUZZ_CHECK(why[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(size >= 20 && size <= 35);
	FUZZ_CHECK(off >= -(23 * 60 + 59) && off <= 23 * 60 + 59);
	/* The NULL offset form gives the same time. */
	int64_t ms2 = untouched_ms;
	FUZZ_CHECK(rfc3339_parse((const char *)data, size, &ms2, NULL, why, sizeof(why)) == 0);
	FUZZ_CHECK(ms2 == ms);
	if (ms < 0 || ms >= YEAR_10000_MS)
		return 0; /* before 1970 or after 9999 in UTC: not printable back */
	char buf[32];
	FUZZ_CHECK(rfc3339_format_utc_ms(ms, buf, sizeof(buf)) == 24);
	int64_t back = untouched_ms;
	int back_off = untouched_off;
	FUZZ_CHECK(rfc3339_parse(buf, 24, &back, &back_off, why, sizeof(why)) == 0);
	FUZZ_CHECK(back == ms && back_off == 0);
	return 0;
}
