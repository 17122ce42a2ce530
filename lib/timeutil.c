/* timeutil — see timeutil.h. Civil-date arithmetic after Howard Hinnant's
 * well-known algorithms, so no call depends on TZ or mktime. */
#include "timeutil.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "errstr.h"

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *ret_y, unsigned *ret_m,
		     unsigned *ret_d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	*ret_y = y + (m <= 2);
	*ret_m = m;
	*ret_d = d;
}

/* Read exactly n ASCII digits at s. */
static bool read_digits(const char *s, int n, int *ret)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rfc3339_parse(const char *s, size_t len, int64_t *ret_ms,
		  int *ret_offset_min, char *errstr, size_t errstr_size)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, sec;
	if (len < 20 || len > 35) {
		errstr_set(errstr, errstr_size,
			"not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fff]Z or +HH:MM)");
		return -1;
	}
	if (!read_digits(s, 4, &y) || s[4] != '-' ||
	    !read_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !read_digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
	    !read_digits(s + 11, 2, &h) || s[13] != ':' ||
	    !read_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !read_digits(s + 17, 2, &sec)) {
		errstr_set(errstr, errstr_size,
			"not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fff]Z or +HH:MM)");
		return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h > 23 || mi > 59 ||
	    sec > 59) {
		errstr_set(errstr, errstr_size,
			"date or time out of range (leap seconds are not accepted)");
		return -1;
	}
	size_t i = 19;
	int ms = 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (i - start < 3)
				ms = ms * 10 + (s[i] - '0');
			i++;
		}
		size_t nfrac = i - start;
		if (nfrac == 0 || nfrac > 9) {
			errstr_set(errstr, errstr_size,
				"the fraction of a second needs 1 to 9 digits");
			return -1;
		}
		for (size_t k = nfrac; k < 3; k++)
			ms *= 10;
	}
	int offset_min = 0;
	if (i < len && (s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
		offset_min = 0;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		if (!read_digits(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
		    !read_digits(s + i + 4, 2, &om) || oh > 23 || om > 59) {
			errstr_set(errstr, errstr_size,
				"bad UTC offset; use Z or +HH:MM");
			return -1;
		}
		offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
	} else {
		errstr_set(errstr, errstr_size,
			"a time zone is required: end with Z or +HH:MM");
		return -1;
	}
	int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec -
		       (int64_t)offset_min * 60;
	*ret_ms = secs * 1000 + ms;
	if (ret_offset_min != NULL)
		*ret_offset_min = offset_min;
	return 0;
}

int rfc3339_format_utc_ms(int64_t ms, char *buf, size_t size)
{
	if (size < 25)
		return -1;
	int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	int msec = (int)(ms - secs * 1000);
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int sod = (int)(secs - days * 86400);
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	int n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
			 (long long)y, m, d, sod / 3600, sod / 60 % 60, sod % 60,
			 msec);
	return n == 24 ? n : -1;
}

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
