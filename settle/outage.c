/* outage — see outage.h. */
#include "outage.h"
#include "sortutil.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <jansson.h>

#include "timeutil.h"
#include "errstr.h"

struct outage_list {
	struct outage_window *w;
	size_t count, cap;
	bool sorted;
};

struct outage_list *outage_new(void)
{
	return calloc(1, sizeof(struct outage_list));
}

void outage_free(struct outage_list *ol)
{
	if (ol == NULL)
		return;
	free(ol->w);
	free(ol);
}

int outage_add(struct outage_list *ol, const struct outage_window *w)
{
	assert(w->start_ms <= w->end_ms);
	if (ol->count == OUTAGE_WINDOWS_MAX)
		return -1;
	if (ol->count == ol->cap) {
		size_t cap = ol->cap ? ol->cap * 2 : 16;
		void *p = realloc(ol->w, cap * sizeof(*ol->w));
		if (p == NULL)
			return -1;
		ol->w = p;
		ol->cap = cap;
	}
	ol->w[ol->count++] = *w;
	ol->sorted = false;
	return 0;
}

static int cmp_window(const void *a, const void *b)
{
	const struct outage_window *x = a, *y = b;
	if (x->start_ms != y->start_ms)
		return x->start_ms < y->start_ms ? -1 : 1;
	if (x->end_ms != y->end_ms)
		return x->end_ms < y->end_ms ? -1 : 1;
	int c = strcmp(x->source, y->source);
	return c != 0 ? c : strcmp(x->description, y->description);
}

size_t outage_count(struct outage_list *ol)
{
	if (!ol->sorted) {
		sort_items(ol->w, ol->count, sizeof(*ol->w), cmp_window);
		ol->sorted = true;
	}
	return ol->count;
}

const struct outage_window *outage_at(struct outage_list *ol, size_t i)
{
	assert(i < outage_count(ol));
	return &ol->w[i];
}

/* ---- the operator's file ---- */

struct ofile {
	char fields[3][OUTAGE_DESCRIPTION_MAX + 1];
	size_t count;
	bool too_long;
	long record;          /* records seen, the header is record 1 */
	struct outage_window pending[OUTAGE_WINDOWS_MAX > 1000 ? 1000 : 1];
	size_t pending_count;
	char error[200];
};

static void of_field(void *data, size_t len, void *arg)
{
	struct ofile *o = arg;
	if (o->count == 3 || len > OUTAGE_DESCRIPTION_MAX) {
		o->too_long = true;
		return;
	}
	memcpy(o->fields[o->count], data, len);
	o->fields[o->count][len] = '\0';
	o->count++;
}

static void of_record(int c, void *arg)
{
	struct ofile *o = arg;
	(void)c;
	o->record++;
	if (o->error[0] != '\0')
		goto out;
	if (o->too_long || o->count != 3) {
		snprintf(o->error, sizeof(o->error), "%ld: expected 3 fields "
			 "(start,end,description), at most %d bytes each",
			 o->record, OUTAGE_DESCRIPTION_MAX);
		goto out;
	}
	if (o->record == 1) {
		if (strcmp(o->fields[0], "start") != 0 || strcmp(o->fields[1], "end") != 0 ||
		    strcmp(o->fields[2], "description") != 0)
			snprintf(o->error, sizeof(o->error),
				 "1: header must be exactly start,end,description");
		goto out;
	}
	struct outage_window w = {.source = "outage_file"};
	char why[128];
	if (rfc3339_parse(o->fields[0], strlen(o->fields[0]), &w.start_ms, NULL, why, sizeof(why)) < 0 ||
	    rfc3339_parse(o->fields[1], strlen(o->fields[1]), &w.end_ms, NULL, why, sizeof(why)) < 0) {
		snprintf(o->error, sizeof(o->error), "%ld: start and end must be RFC 3339 times", o->record);
		goto out;
	}
	if (w.end_ms < w.start_ms) {
		snprintf(o->error, sizeof(o->error), "%ld: end is before start", o->record);
		goto out;
	}
	if (o->pending_count == sizeof(o->pending) / sizeof(o->pending[0])) {
		snprintf(o->error, sizeof(o->error), "%ld: too many windows", o->record);
		goto out;
	}
	memcpy(w.description, o->fields[2], sizeof(w.description));
	o->pending[o->pending_count++] = w;
out:
	o->count = 0;
	o->too_long = false;
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* spaces are data (csv-formats.md) */
}

int outage_read_file(struct outage_list *ol, const char *path, char *errstr,
		     size_t errstr_size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s:0: cannot open: %s", path, strerror(errno));
		return -1;
	}
	int rc = outage_read_stream(ol, f, path, errstr, errstr_size);
	fclose(f);
	return rc;
}

int outage_read_stream(struct outage_list *ol, FILE *f, const char *path,
		       char *errstr, size_t errstr_size)
{
	assert(ol != NULL && f != NULL && path != NULL);
	struct ofile *o = calloc(1, sizeof(*o));
	struct csv_parser p;
	int rc = -1;
	if (o == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(o);
		errstr_set(errstr, errstr_size, "%s:0: out of memory", path);
		return -1;
	}
	csv_set_space_func(&p, no_space);
	char buf[4096];
	size_t n;
	bool first = true;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		size_t skip = first && n >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
		first = false;
		if (csv_parse(&p, buf + skip, n - skip, of_field, of_record, o) != n - skip) {
			snprintf(o->error, sizeof(o->error), "%ld: malformed CSV", o->record + 1);
			break;
		}
	}
	if (o->error[0] == '\0' && csv_fini(&p, of_field, of_record, o) != 0)
		snprintf(o->error, sizeof(o->error), "%ld: unterminated quote", o->record + 1);
	if (o->error[0] == '\0' && o->record == 0)
		snprintf(o->error, sizeof(o->error), "0: empty file (no header)");
	if (o->error[0] != '\0') {
		errstr_set(errstr, errstr_size, "%s:%s", path, o->error);
		goto out;
	}
	for (size_t i = 0; i < o->pending_count; i++)
		if (outage_add(ol, &o->pending[i]) < 0) {
			ol->count -= i; /* on failure change nothing */
			errstr_set(errstr, errstr_size, "%s:0: too many outage windows", path);
			goto out;
		}
	rc = 0;
out:
	csv_free(&p);
	free(o);
	return rc;
}

/* ---- the intake's events ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int read_ts(FILE *f, const char *path, int64_t **ret, size_t *ret_n,
		   char *errstr, size_t errstr_size)
{
	char *line = NULL;
	size_t cap = 0, n = 0, ts_cap = 0;
	int64_t *ts = NULL;
	long line_no = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		line_no++;
		json_error_t jerr;
		json_t *o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
		json_t *t = json_is_object(o) ? json_object_get(o, "ts_ms") : NULL;
		bool ok = json_is_integer(t) && json_integer_value(t) >= 0;
		int64_t v = ok ? (int64_t)json_integer_value(t) : 0;
		json_decref(o);
		if (!ok || n == OUTAGE_EVENTS_MAX) {
			errstr_set(errstr, errstr_size, "%s:%ld: %s", path, line_no,
				 ok ? "too many events"
				    : "not a JSON object with an integer ts_ms >= 0");
			goto fail;
		}
		if (n == ts_cap) {
			ts_cap = ts_cap ? ts_cap * 2 : 1024;
			void *p = realloc(ts, ts_cap * sizeof(*ts));
			if (p == NULL) {
				errstr_set(errstr, errstr_size, "%s: out of memory", path);
				goto fail;
			}
			ts = p;
		}
		ts[n++] = v;
	}
	free(line);
	*ret = ts;
	*ret_n = n;
	return 0;
fail:
	free(line);
	free(ts);
	return -1;
}

int outage_read_events(struct outage_list *ol, const char *path,
		       int min_events, int64_t span_ms, char *errstr,
		       size_t errstr_size)
{
	assert(min_events >= 1 && span_ms >= 0);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s:0: cannot open: %s", path, strerror(errno));
		return -1;
	}
	int rc = outage_read_events_stream(ol, f, path, min_events, span_ms,
					   errstr, errstr_size);
	fclose(f);
	return rc;
}

int outage_read_events_stream(struct outage_list *ol, FILE *f,
			      const char *path, int min_events,
			      int64_t span_ms, char *errstr,
			      size_t errstr_size)
{
	assert(ol != NULL && f != NULL && path != NULL);
	assert(min_events >= 1 && span_ms >= 0);
	int64_t *ts = NULL;
	size_t n = 0;
	if (read_ts(f, path, &ts, &n, errstr, errstr_size) < 0)
		return -1;
	sort_items(ts, n, sizeof(*ts), cmp_i64);
	size_t before = ol->count;
	struct outage_window cur = {0};
	bool open = false;
	/* Event i starts a burst when the min_events-th event from it is
	 * within span_ms; the burst covers events i..i+min_events-1. */
	for (size_t i = 0; i + (size_t)min_events <= n; i++) {
		size_t last = i + (size_t)min_events - 1;
		if (ts[last] - ts[i] > span_ms)
			continue;
		if (open && ts[i] <= cur.end_ms) {
			if (ts[last] > cur.end_ms)
				cur.end_ms = ts[last];
			continue;
		}
		if (open && outage_add(ol, &cur) < 0)
			goto full;
		cur = (struct outage_window){.start_ms = ts[i], .end_ms = ts[last],
					     .source = "intake_events"};
		open = true;
	}
	if (open && outage_add(ol, &cur) < 0)
		goto full;
	for (size_t i = before; i < ol->count; i++) {
		struct outage_window *w = &ol->w[i];
		snprintf(w->description, sizeof(w->description),
			 "at least %d shed or failed intake requests within %lld s",
			 min_events, (long long)(span_ms / 1000));
	}
	free(ts);
	return 0;
full:
	ol->count = before;
	free(ts);
	errstr_set(errstr, errstr_size, "%s: too many outage windows", path);
	return -1;
}
