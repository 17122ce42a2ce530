/* metrics — the intake's counters and its produce-latency histogram, and
 * their Prometheus text exposition (format 0.0.4). Counters are atomics:
 * any thread adds, /metrics reads without a lock (a scrape may see one
 * counter a few increments ahead of another; Prometheus tolerates that). */
#ifndef TASDID_METRICS_H
#define TASDID_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "events.h"

/* HTTP statuses the intake answers, each counted. */
enum metrics_status {
	MS_200, MS_202, MS_400, MS_401, MS_403, MS_404, MS_405, MS_409,
	MS_408, MS_413, MS_415, MS_422, MS_500, MS_503, MS_STATUS_COUNT
};

/* Why an intent was refused (4xx), as a label. */
enum metrics_reject {
	MR_MALFORMED,  /* 400 */
	MR_INVALID,    /* 422 */
	MR_FORBIDDEN,  /* 403 */
	MR_CONFLICT,   /* 409 */
	MR_REJECT_COUNT
};

/* Requests that missed [intake] request_timeout_ms (producer/reaper.h). */
enum metrics_timeout {
	METRICS_TIMEOUT_HEADERS,  /* closed before its headers were complete */
	METRICS_TIMEOUT_BODY,     /* answered 408 at a body chunk past it */
	METRICS_TIMEOUT_CUT_BODY, /* closed while its body was still read */
	METRICS_TIMEOUT_COUNT
};

/* Produce latency buckets, upper bounds in ms ("le"), then +Inf. */
#define METRICS_LATENCY_BUCKETS 12

struct metrics;

/* Gauges read at scrape time. */
struct metrics_gauges {
	int64_t inflight;      /* intents waiting for a delivery report */
	int64_t kafka_queue;   /* rd_kafka_outq_len() */
	int ready;             /* /readyz would answer 200 */
	int brokers_down;
};

/* A zeroed set of counters; NULL when out of memory. Free with free(). */
struct metrics *metrics_new(void);

/* HTTP status -> counter; statuses not in the enum count as 500. */
void metrics_count_status(struct metrics *m, int http_status);
void metrics_count_accepted(struct metrics *m, uint64_t intents);
void metrics_count_rejected(struct metrics *m, enum metrics_reject r,
			    uint64_t intents);
void metrics_count_shed(struct metrics *m, enum event_reason r,
			uint64_t intents);
/* 401 (no or unknown credential) and 403 (acting for another). */
void metrics_count_auth_failure(struct metrics *m, int http_status);
void metrics_count_request_timeout(struct metrics *m, enum metrics_timeout t,
				   uint64_t n);
/* One delivery report after latency_us. */
void metrics_observe_latency(struct metrics *m, int64_t latency_us);

/* Write the exposition into buf. Returns the length, or -1 when size is
 * too small (8 KiB always suffices). */
int metrics_render(const struct metrics *m, const struct metrics_gauges *g,
		   char *buf, size_t size);

#endif
