/* bizdate — business dates: which local day a payment belongs to, in the
 * configured time zone with a cut-off time, and the UTC window of a day.
 *
 * Uses the C library's time zone database through TZ, tzset(), mktime()
 * and localtime_r(). TZ is process-global, so this module is for the
 * single-threaded nightly run only (settle never starts threads).
 *
 * Days are counted from 1970-01-01 (timeutil's days_from_civil()). */
#ifndef TASDID_BIZDATE_H
#define TASDID_BIZDATE_H

#include <stddef.h>
#include <stdint.h>

#define BIZDATE_TEXT_LEN 10 /* "YYYY-MM-DD" without NUL */

/* Parse exactly "YYYY-MM-DD" (a real calendar date, years 1970-9999) into
 * days since 1970-01-01. Returns 0 with *ret_day, or -1 with *ret_day
 * untouched (no reason needed: callers name the field). */
int bizdate_parse(const char *text, int64_t *ret_day);

/* Write day as "YYYY-MM-DD" into out (BIZDATE_TEXT_LEN + 1 bytes). */
void bizdate_format(int64_t day, char out[BIZDATE_TEXT_LEN + 1]);

/* Parse "HH:MM" (00:00-23:59) into minutes after local midnight. Returns 0
 * or -1 with *ret_min untouched. */
int bizdate_parse_cutoff(const char *text, int *ret_min);

/* Make zone (an IANA name such as "Asia/Damascus", or "UTC") the process
 * time zone. The name must be a file of the system's tz database
 * (/usr/share/zoneinfo, or $TZDIR): tzset() silently falls back to UTC for
 * an unknown name, which would shift every business date, so that is
 * refused here. Returns 0, or -1 with errstr set. */
int bizdate_set_zone(const char *zone, char *errstr, size_t errstr_size);

/* The UTC window [*ret_start_ms, *ret_end_ms) of business day `day` with
 * cut-off cutoff_min (minutes after local midnight, 0-1439). With cut-off
 * 0 the business day is the local calendar day; otherwise it runs from
 * the cut-off of the day before to the cut-off of the day itself, so a
 * payment at or after the cut-off belongs to the next business day. Local
 * times are resolved by mktime() with tm_isdst = -1 (a cut-off inside a
 * DST gap moves as glibc normalises it). Returns 0, or -1 when mktime
 * cannot represent the date. */
int bizdate_window(int64_t day, int cutoff_min, int64_t *ret_start_ms,
		   int64_t *ret_end_ms);

/* The business day that contains the instant ms (UTC ms): the day whose
 * window bizdate_window() returns contains ms, so the two always agree,
 * also around DST changes. */
int64_t bizdate_of(int64_t ms, int cutoff_min);

/* The local calendar day of ms (no cut-off). */
int64_t bizdate_local_day(int64_t ms);

#endif
