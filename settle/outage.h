/* outage — outage windows for the grace report, from the operator's outage
 * file (schemas/csv-formats.md section (d)) and from the intake's recorded
 * events (JSON lines, one shed or failed request each). */
#ifndef TASDID_OUTAGE_H
#define TASDID_OUTAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUTAGE_WINDOWS_MAX 10000
#define OUTAGE_EVENTS_MAX (10 * 1000 * 1000)
#define OUTAGE_DESCRIPTION_MAX 200

struct outage_window {
	int64_t start_ms, end_ms; /* UTC ms, start <= end */
	char source[16];          /* "outage_file" or "intake_events" */
	char description[OUTAGE_DESCRIPTION_MAX + 1];
};

struct outage_list;

/* An empty list, or NULL when out of memory. Free with outage_free(). */
struct outage_list *outage_new(void);
void outage_free(struct outage_list *ol);

/* Add the windows of an operator's outage file (header "start,end,
 * description"; RFC 3339 times with offset; end not before start). A bad
 * file is refused whole: -1 with "PATH:LINE: reason" in errstr and the
 * list unchanged. */
int outage_read_file(struct outage_list *ol, const char *path, char *errstr,
		     size_t errstr_size);

/* The same from an open stream (read to its end, not closed); path only
 * names the file in messages. outage_read_file() is fopen + this. */
int outage_read_stream(struct outage_list *ol, FILE *in, const char *path,
		       char *errstr, size_t errstr_size);

/* Add windows from an intake event log: JSON lines, each an object with an
 * integer "ts_ms" (other fields are ignored here). Events are sorted by
 * time; wherever at least min_events fall within span_ms of each other,
 * the span from the first to the last of them is an outage, overlapping
 * spans merged. A line that is not such an object refuses the file: -1
 * with "PATH:LINE: reason" and the list unchanged. */
int outage_read_events(struct outage_list *ol, const char *path,
		       int min_events, int64_t span_ms, char *errstr,
		       size_t errstr_size);

/* The same from an open stream (read to its end, not closed); path only
 * names the file in messages. outage_read_events() is fopen + this. */
int outage_read_events_stream(struct outage_list *ol, FILE *in,
			      const char *path, int min_events,
			      int64_t span_ms, char *errstr,
			      size_t errstr_size);

/* Add one window (tests, and the readers above). Returns 0, -1 when full. */
int outage_add(struct outage_list *ol, const struct outage_window *w);

/* Windows sorted by (start, end, source, description). */
size_t outage_count(struct outage_list *ol);
const struct outage_window *outage_at(struct outage_list *ol, size_t i);

#endif
