/* metrics — see metrics.h. */
#include "metrics.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* Upper bounds in ms: the answer deadline is 1 s by default, so the range
 * that matters is 1 ms .. a few seconds. */
static const int64_t latency_le_ms[METRICS_LATENCY_BUCKETS] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000,
};

static const int status_codes[MS_STATUS_COUNT] = {
	200, 202, 400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 500, 503,
};

static const char *const reject_names[MR_REJECT_COUNT] = {
	"malformed", "invalid", "forbidden", "conflict",
};

static const char *const timeout_names[METRICS_TIMEOUT_COUNT] = {
	"closed_in_headers", "answered_408", "closed_in_body",
};

struct metrics {
	atomic_uint_fast64_t status[MS_STATUS_COUNT];
	atomic_uint_fast64_t accepted;
	atomic_uint_fast64_t rejected[MR_REJECT_COUNT];
	atomic_uint_fast64_t shed[EVENT_REASON_COUNT];
	atomic_uint_fast64_t auth401, auth403;
	atomic_uint_fast64_t timeouts[METRICS_TIMEOUT_COUNT];
	atomic_uint_fast64_t bucket[METRICS_LATENCY_BUCKETS + 1]; /* +Inf last */
	atomic_uint_fast64_t latency_sum_us;
};

struct metrics *metrics_new(void)
{
	return calloc(1, sizeof(struct metrics));
}

void metrics_count_status(struct metrics *m, int http_status)
{
	int idx = MS_500;
	for (int i = 0; i < MS_STATUS_COUNT; i++)
		if (status_codes[i] == http_status)
			idx = i;
	atomic_fetch_add_explicit(&m->status[idx], 1, memory_order_relaxed);
}

void metrics_count_accepted(struct metrics *m, uint64_t intents)
{
	atomic_fetch_add_explicit(&m->accepted, intents, memory_order_relaxed);
}

void metrics_count_rejected(struct metrics *m, enum metrics_reject r,
			    uint64_t intents)
{
	assert(r >= 0 && r < MR_REJECT_COUNT);
	atomic_fetch_add_explicit(&m->rejected[r], intents, memory_order_relaxed);
}

void metrics_count_shed(struct metrics *m, enum event_reason r,
			uint64_t intents)
{
	assert(r >= 0 && r < EVENT_REASON_COUNT);
	atomic_fetch_add_explicit(&m->shed[r], intents, memory_order_relaxed);
}

void metrics_count_auth_failure(struct metrics *m, int http_status)
{
	atomic_fetch_add_explicit(http_status == 401 ? &m->auth401 : &m->auth403,
				  1, memory_order_relaxed);
}

void metrics_count_request_timeout(struct metrics *m, enum metrics_timeout t,
				   uint64_t n)
{
	assert(t >= 0 && t < METRICS_TIMEOUT_COUNT);
	atomic_fetch_add_explicit(&m->timeouts[t], n, memory_order_relaxed);
}

void metrics_observe_latency(struct metrics *m, int64_t latency_us)
{
	int b = METRICS_LATENCY_BUCKETS;
	for (int i = 0; i < METRICS_LATENCY_BUCKETS; i++)
		if (latency_us <= latency_le_ms[i] * 1000) {
			b = i;
			break;
		}
	atomic_fetch_add_explicit(&m->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->latency_sum_us,
				  (uint64_t)(latency_us > 0 ? latency_us : 0),
				  memory_order_relaxed);
}

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	if (o->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static uint64_t get(const atomic_uint_fast64_t *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

static void render_latency(struct out *o, const struct metrics *m)
{
	put(o, "# HELP tasdid_intake_produce_latency_ms Time from produce to "
	       "delivery report.\n# TYPE tasdid_intake_produce_latency_ms histogram\n");
	uint64_t cum = 0;
	for (int i = 0; i < METRICS_LATENCY_BUCKETS; i++) {
		cum += get(&m->bucket[i]);
		put(o, "tasdid_intake_produce_latency_ms_bucket{le=\"%" PRId64
		       "\"} %" PRIu64 "\n", latency_le_ms[i], cum);
	}
	cum += get(&m->bucket[METRICS_LATENCY_BUCKETS]);
	put(o, "tasdid_intake_produce_latency_ms_bucket{le=\"+Inf\"} %" PRIu64 "\n",
	    cum);
	uint64_t sum_us = get(&m->latency_sum_us);
	put(o, "tasdid_intake_produce_latency_ms_sum %" PRIu64 ".%03" PRIu64 "\n",
	    sum_us / 1000, sum_us % 1000);
	put(o, "tasdid_intake_produce_latency_ms_count %" PRIu64 "\n", cum);
}

int metrics_render(const struct metrics *m, const struct metrics_gauges *g,
		   char *buf, size_t size)
{
	struct out o = {buf, size, 0, size == 0};
	put(&o, "# HELP tasdid_intake_requests_total HTTP requests answered, by status.\n"
		"# TYPE tasdid_intake_requests_total counter\n");
	for (int i = 0; i < MS_STATUS_COUNT; i++)
		put(&o, "tasdid_intake_requests_total{status=\"%d\"} %" PRIu64 "\n",
		    status_codes[i], get(&m->status[i]));
	put(&o, "# HELP tasdid_intake_intents_accepted_total Intents answered 202 "
		"(in Kafka).\n# TYPE tasdid_intake_intents_accepted_total counter\n"
		"tasdid_intake_intents_accepted_total %" PRIu64 "\n", get(&m->accepted));
	put(&o, "# HELP tasdid_intake_intents_rejected_total Intents refused with "
		"a 4xx.\n# TYPE tasdid_intake_intents_rejected_total counter\n");
	for (int i = 0; i < MR_REJECT_COUNT; i++)
		put(&o, "tasdid_intake_intents_rejected_total{reason=\"%s\"} %" PRIu64 "\n",
		    reject_names[i], get(&m->rejected[i]));
	put(&o, "# HELP tasdid_intake_intents_shed_total Intents answered 503 "
		"(or recorded as events), by reason.\n"
		"# TYPE tasdid_intake_intents_shed_total counter\n");
	for (int i = 0; i < EVENT_REASON_COUNT; i++)
		put(&o, "tasdid_intake_intents_shed_total{reason=\"%s\"} %" PRIu64 "\n",
		    event_reason_name((enum event_reason)i), get(&m->shed[i]));
	put(&o, "# HELP tasdid_intake_auth_failures_total 401 and 403 answers.\n"
		"# TYPE tasdid_intake_auth_failures_total counter\n"
		"tasdid_intake_auth_failures_total{status=\"401\"} %" PRIu64 "\n"
		"tasdid_intake_auth_failures_total{status=\"403\"} %" PRIu64 "\n",
	    get(&m->auth401), get(&m->auth403));
	put(&o, "# HELP tasdid_intake_slow_requests_total Requests not received "
		"within [intake] request_timeout_ms, by outcome.\n"
		"# TYPE tasdid_intake_slow_requests_total counter\n");
	for (int i = 0; i < METRICS_TIMEOUT_COUNT; i++)
		put(&o, "tasdid_intake_slow_requests_total{outcome=\"%s\"} %" PRIu64 "\n",
		    timeout_names[i], get(&m->timeouts[i]));
	render_latency(&o, m);
	put(&o, "# HELP tasdid_intake_inflight Intents waiting for a delivery report.\n"
		"# TYPE tasdid_intake_inflight gauge\ntasdid_intake_inflight %" PRId64 "\n"
		"# HELP tasdid_intake_kafka_queue_depth librdkafka's queue "
		"(rd_kafka_outq_len).\n# TYPE tasdid_intake_kafka_queue_depth gauge\n"
		"tasdid_intake_kafka_queue_depth %" PRId64 "\n"
		"# HELP tasdid_intake_ready 1 when Kafka metadata for every biller "
		"topic is known.\n# TYPE tasdid_intake_ready gauge\n"
		"tasdid_intake_ready %d\n"
		"# HELP tasdid_intake_brokers_down 1 while every broker is known down.\n"
		"# TYPE tasdid_intake_brokers_down gauge\ntasdid_intake_brokers_down %d\n",
	    g->inflight, g->kafka_queue, g->ready, g->brokers_down);
	return o.full ? -1 : (int)o.len;
}
