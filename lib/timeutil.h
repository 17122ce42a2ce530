/* timeutil — RFC 3339 timestamps and clocks, without the C library's time
 * zone state (mktime and TZ are process-global and not thread-safe). */
#ifndef TASDID_TIMEUTIL_H
#define TASDID_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parse an RFC 3339 date-time ("2026-11-25T10:15:00+03:00",
 * "2026-11-25T07:15:00.123Z"; 'T' and 'Z' in either case; up to 9 fraction
 * digits, truncated to ms). Returns 0 with *ret_ms (UTC ms since the epoch)
 * and, if ret_offset_min is not NULL, the offset in minutes; or -1 with
 * the reason in errstr and the outputs untouched. */
int rfc3339_parse(const char *text, size_t len, int64_t *ret_ms,
		  int *ret_offset_min, char *errstr, size_t errstr_size);

/* Write ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 chars + NUL) into buf. Returns
 * the length or -1 when buf is smaller than 25 bytes. */
int rfc3339_format_utc_ms(int64_t ms, char *buf, size_t size);

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t days, int64_t *ret_y, unsigned *ret_m,
		     unsigned *ret_d);

/* Wall clock (CLOCK_REALTIME) and monotonic clock in ms. */
int64_t time_now_ms(void);
int64_t time_mono_ms(void);

#endif
