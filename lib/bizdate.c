/* bizdate — see bizdate.h. */
#include "bizdate.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"
#include "errstr.h"

static int digits(const char *s, size_t n, int *ret)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

int bizdate_parse(const char *text, int64_t *ret_day)
{
	int y, m, d;
	if (text == NULL || strlen(text) != BIZDATE_TEXT_LEN || text[4] != '-' ||
	    text[7] != '-' || digits(text, 4, &y) < 0 ||
	    digits(text + 5, 2, &m) < 0 || digits(text + 8, 2, &d) < 0)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*ret_day = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

void bizdate_format(int64_t day, char out[BIZDATE_TEXT_LEN + 1])
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	assert(y >= 0 && y <= 9999);
	snprintf(out, BIZDATE_TEXT_LEN + 1, "%04d-%02u-%02u", (int)y, m, d);
}

int bizdate_parse_cutoff(const char *text, int *ret_min)
{
	int h, m;
	if (text == NULL || strlen(text) != 5 || text[2] != ':' ||
	    digits(text, 2, &h) < 0 || digits(text + 3, 2, &m) < 0 || h > 23 ||
	    m > 59)
		return -1;
	*ret_min = h * 60 + m;
	return 0;
}

int bizdate_set_zone(const char *zone, char *errstr, size_t errstr_size)
{
	/* A zone name is a relative path below the tz directory; refuse
	 * anything that could walk out of it. */
	if (zone == NULL || zone[0] == '\0' || zone[0] == '/' ||
	    strstr(zone, "..") != NULL || strlen(zone) > 64) {
		errstr_set(errstr, errstr_size, "time zone '%s': not an IANA zone name",
			 zone ? zone : "");
		return -1;
	}
	const char *dir = getenv("TZDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, zone);
	if (strcmp(zone, "UTC") != 0 && access(path, R_OK) != 0) {
		errstr_set(errstr, errstr_size,
			 "time zone '%s': not in the tz database (%s); install tzdata",
			 zone, dir);
		return -1;
	}
	if (setenv("TZ", zone, 1) != 0) {
		errstr_set(errstr, errstr_size, "time zone '%s': setenv failed", zone);
		return -1;
	}
	tzset();
	return 0;
}

/* UTC ms of local time minute_of_day on calendar day `day`. */
static int local_ms(int64_t day, int minute_of_day, int64_t *ret_ms)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	struct tm tm = {
		.tm_year = (int)y - 1900,
		.tm_mon = (int)m - 1,
		.tm_mday = (int)d,
		.tm_hour = minute_of_day / 60,
		.tm_min = minute_of_day % 60,
		.tm_isdst = -1,
	};
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*ret_ms = (int64_t)t * 1000;
	return 0;
}

int bizdate_window(int64_t day, int cutoff_min, int64_t *ret_start_ms,
		   int64_t *ret_end_ms)
{
	assert(cutoff_min >= 0 && cutoff_min < 24 * 60);
	int64_t start, end;
	int64_t first = cutoff_min == 0 ? day : day - 1;
	if (local_ms(first, cutoff_min, &start) < 0 ||
	    local_ms(first + 1, cutoff_min, &end) < 0)
		return -1;
	*ret_start_ms = start;
	*ret_end_ms = end;
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t bizdate_local_day(int64_t ms)
{
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	return days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
			       (unsigned)tm.tm_mday);
}

int64_t bizdate_of(int64_t ms, int cutoff_min)
{
	assert(cutoff_min >= 0 && cutoff_min < 24 * 60);
	time_t t = (time_t)floor_div(ms, 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	int64_t day = days_from_civil(tm.tm_year + 1900,
				      (unsigned)tm.tm_mon + 1,
				      (unsigned)tm.tm_mday);
	if (cutoff_min > 0 && tm.tm_hour * 60 + tm.tm_min >= cutoff_min)
		day++;
	/* Settle ambiguous local times (a repeated hour) the way the window
	 * does, so bizdate_of and bizdate_window never disagree. */
	for (int i = 0; i < 2; i++) {
		int64_t start, end;
		if (bizdate_window(day, cutoff_min, &start, &end) < 0)
			break;
		if (ms < start)
			day--;
		else if (ms >= end)
			day++;
		else
			break;
	}
	return day;
}
