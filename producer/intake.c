/* intake — see intake.h and docs/intake.md.
 *
 * Threads: libmicrohttpd's workers run on_request(); the poll thread runs
 * rd_kafka_poll() (delivery reports, errors) and expires answer deadlines;
 * the health thread refreshes metadata (readiness), syncs and forwards the
 * events log. One mutex (ik->lock) guards every request's delivery state
 * and the deadline list; libmicrohttpd is never called with it held. */
#include "intake.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "auth.h"
#include "batchscan.h"
#include "errstr.h"
#include "events.h"
#include "log.h"
#include "metrics.h"
#include "reaper.h"
#include "reqhead.h"
#include "timeutil.h"

/* A batch item is at most INTENT_JSON_MAX bytes plus a separator and some
 * white space; the envelope adds a few bytes. */
#define BATCH_ITEM_BYTES_MAX (INTENT_JSON_MAX + 64)
#define BATCH_ENVELOPE_BYTES 1024
#define BATCH_MAX_LIMIT 10000
_Static_assert((int64_t)BATCH_MAX_LIMIT * BATCH_ITEM_BYTES_MAX < INT32_MAX,
	       "a batch body must fit an int");
/* One answer per item, at most this long (error bodies are bounded). */
#define RESULT_ITEM_BYTES_MAX 600
/* While every broker is down, one request per interval still goes to
 * Kafka, so recovery is noticed without waiting for metadata. */
#define BROKERS_DOWN_PROBE_MS 200
#define HEALTH_TICK_MS 250
#define METADATA_EVERY_MS 1000
#define FORWARD_CHUNK_BYTES (64 * 1024)
/* Connections resumed by one rd_kafka_poll() call, handed to
 * libmicrohttpd together after it (each resume signals the worker). A full
 * buffer is flushed at once, so this bounds memory, not correctness. */
#define RESUME_BATCH_MAX 512

struct ireq;

struct item {
	struct ireq *req;
	struct intent in;
	rd_kafka_topic_t *rkt;
	size_t biller_index;       /* in config order */
	int32_t partition;         /* chosen by the guard, when guarded */
	bool guarded;              /* admitted by the guard: report back */
	struct reqcheck_error err; /* when status is 4xx */
	int status;                /* 0 while waiting for the delivery report */
	enum event_reason why;     /* when status is 503 */
	int dup_of;
	int64_t t0_us;
};

struct ireq {
	struct intake *ik;
	struct MHD_Connection *conn;
	bool batch;
	const struct config_terminal *term;
	char *body;
	size_t len, max;
	bool too_big;
	struct item *items;
	size_t n;
	/* under ik->lock */
	int pending; /* delivery reports outstanding (+1 while the handler holds) */
	bool suspended, resumed, conn_done;
	int64_t deadline_ms;
	struct ireq *prev, *next;
};

struct intake {
	const struct config *cfg;
	struct intake_opts o;
	struct auth *auth;
	struct metrics *metrics;
	struct events *events;
	rd_kafka_t *rk;
	rd_kafka_topic_t **rkts; /* per biller, in config order */
	rd_kafka_topic_t *events_rkt;
	struct MHD_Daemon *mhd;
	struct reaper *reaper; /* request_timeout_ms: reaper.h */
	struct guard *guard;   /* the backlog guard: guard.h */
	pthread_t poll_thr, health_thr;
	bool threads_started;
	atomic_bool quit, ready, brokers_down, fatal, stopping;
	atomic_int_fast64_t inflight, last_probe_ms;
	pthread_mutex_t lock;
	struct ireq *head, *tail; /* suspended, by deadline */
	int64_t suspended_count;
	int64_t open_count; /* requests read and not yet fully answered */
	/* events forwarding (health thread, delivery reports) */
	char fwd_token;
	atomic_int fwd_outstanding, fwd_failed;
	size_t fwd_len;
	/* Only the thread serving delivery reports touches these: the poll
	 * thread, and intake_stop() after it has been joined. */
	struct MHD_Connection *resume[RESUME_BATCH_MAX];
	size_t resume_n;
};

/* ---- requests ---- */

static void list_append(struct intake *ik, struct ireq *r)
{
	r->prev = ik->tail;
	r->next = NULL;
	if (ik->tail)
		ik->tail->next = r;
	else
		ik->head = r;
	ik->tail = r;
}

static void list_remove(struct intake *ik, struct ireq *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		ik->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		ik->tail = r->prev;
	r->prev = r->next = NULL;
}

static void req_free(struct ireq *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->items);
	free(r);
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- answers ---- */

/* Queue a JSON answer; body is malloc'ed and taken over. Every 503
 * carries Retry-After; while stopping, the connection is closed after the
 * answer so the terminal reconnects to another intake. */
static enum MHD_Result send_json(struct intake *ik, struct MHD_Connection *c,
				 int status, char *body, size_t len)
{
	metrics_count_status(ik->metrics, status);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", "application/json");
	if (status == 503) {
		char v[24];
		snprintf(v, sizeof(v), "%lld", (long long)ik->o.retry_after_s);
		MHD_add_response_header(resp, "Retry-After", v);
	}
	if (atomic_load(&ik->stopping))
		MHD_add_response_header(resp, "Connection", "close");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_text(struct intake *ik, struct MHD_Connection *c,
				 int status, const char *text)
{
	char *b = strdup(text);
	if (b == NULL)
		return MHD_NO;
	return send_json(ik, c, status, b, strlen(b));
}

static enum MHD_Result send_error(struct intake *ik, struct MHD_Connection *c,
				  int status, const char *field,
				  const char *reason)
{
	char *b = malloc(512);
	if (b == NULL)
		return MHD_NO;
	int n = reqcheck_error_json(field, reason, b, 512);
	assert(n > 0);
	return send_json(ik, c, status, b, (size_t)n);
}

static void count_reject(struct intake *ik, int status, uint64_t n)
{
	enum metrics_reject r = status == 400 ? MR_MALFORMED :
				status == 403 ? MR_FORBIDDEN :
				status == 409 ? MR_CONFLICT : MR_INVALID;
	metrics_count_rejected(ik->metrics, r, n);
	if (status == 403)
		metrics_count_auth_failure(ik->metrics, 403);
}

/* A 503 for a whole request before anything was produced: count it and
 * record the event. intents is 0 when the body was not read. */
static enum MHD_Result shed(struct intake *ik, struct MHD_Connection *c,
			    const struct config_terminal *t,
			    enum event_reason why, int intents)
{
	metrics_count_shed(ik->metrics, why, intents > 0 ? (uint64_t)intents : 1);
	if (ik->events != NULL)
		events_append(ik->events, time_now_ms(), t->bank, t->id, why,
			      intents, NULL);
	return send_error(ik, c, 503, "$", event_reason_name(why));
}

/* Append one item's result to the batch answer at b[*n]. */
static void put_result(char *b, size_t *n, size_t i, const struct item *it)
{
	char err[512];
	if (it->status == 202) {
		*n += (size_t)sprintf(b + *n, "%s{\"index\":%zu,\"status\":202,"
				      "\"intent_id\":\"%s\"}", i ? "," : "", i,
				      it->in.intent_id);
		return;
	}
	if (it->status == 503)
		reqcheck_error_json("$", event_reason_name(it->why), err, sizeof(err));
	else
		reqcheck_error_json(it->err.field, it->err.reason, err, sizeof(err));
	/* err is {"error":{...}}: splice its inside into the item object. */
	size_t el = strlen(err);
	*n += (size_t)sprintf(b + *n, "%s{\"index\":%zu,\"status\":%d,%.*s",
			      i ? "," : "", i, it->status, (int)(el - 2), err + 1);
	b[(*n)++] = '}';
	b[*n] = '\0';
}

/* Count the final statuses and record one event for the 503s. */
static void account(struct intake *ik, const struct ireq *r)
{
	uint64_t ok = 0, shed_n = 0;
	enum event_reason why = EVENT_KAFKA_TIMEOUT;
	for (size_t i = 0; i < r->n; i++) {
		const struct item *it = &r->items[i];
		if (it->status == 202) {
			ok++;
		} else if (it->status == 503) {
			if (shed_n++ == 0)
				why = it->why;
			metrics_count_shed(ik->metrics, it->why, 1);
		} else {
			count_reject(ik, it->status, 1);
		}
	}
	metrics_count_accepted(ik->metrics, ok);
	if (shed_n > 0 && ik->events != NULL)
		events_append(ik->events, time_now_ms(), r->term->bank,
			      r->term->id, why, (int)shed_n, NULL);
}

/* The answer once every item has its status (or the deadline passed). */
static enum MHD_Result answer_items(struct ireq *r)
{
	struct intake *ik = r->ik;
	account(ik, r);
	if (!r->batch) {
		const struct item *it = &r->items[0];
		if (it->status != 202)
			return send_error(ik, r->conn, it->status,
					  it->status == 503 ? "$" : it->err.field,
					  it->status == 503 ? event_reason_name(it->why)
							    : it->err.reason);
		char *b = malloc(128);
		if (b == NULL)
			return MHD_NO;
		int n = snprintf(b, 128, "{\"intent_id\":\"%s\",\"received_at\":\"%s\"}",
				 it->in.intent_id, it->in.received_at);
		return send_json(ik, r->conn, 202, b, (size_t)n);
	}
	size_t cap = r->n * RESULT_ITEM_BYTES_MAX + 64, n = 0;
	char *b = malloc(cap);
	if (b == NULL)
		return MHD_NO;
	n = (size_t)sprintf(b, "{\"results\":[");
	for (size_t i = 0; i < r->n; i++)
		put_result(b, &n, i, &r->items[i]);
	n += (size_t)sprintf(b + n, "]}");
	assert(n < cap);
	/* 200: the batch was processed; each item carries its own status. */
	bool any503 = false;
	for (size_t i = 0; i < r->n && !any503; i++)
		any503 = r->items[i].status == 503;
	if (!any503)
		return send_json(ik, r->conn, 200, b, n);
	/* Retry-After also on a 200 whose items include 503s. */
	metrics_count_status(ik->metrics, 200);
	struct MHD_Response *rs =
		MHD_create_response_from_buffer(n, b, MHD_RESPMEM_MUST_FREE);
	if (rs == NULL) {
		free(b);
		return MHD_NO;
	}
	char v[24];
	snprintf(v, sizeof(v), "%lld", (long long)ik->o.retry_after_s);
	MHD_add_response_header(rs, "Content-Type", "application/json");
	MHD_add_response_header(rs, "Retry-After", v);
	enum MHD_Result ret = MHD_queue_response(r->conn, 200, rs);
	MHD_destroy_response(rs);
	return ret;
}

/* ---- producing ---- */

/* The item's topic (and its biller's index, for the guard). */
static void item_set_topic(const struct intake *ik, struct item *it,
			   const struct config_biller *b)
{
	for (size_t i = 0; i < config_biller_count(ik->cfg); i++)
		if (config_biller_at(ik->cfg, i) == b) {
			it->rkt = ik->rkts[i];
			it->biller_index = i;
			return;
		}
	assert(!"biller not in config");
}

/* Produce one item; 0, or -1 with its status set to 503. */
static int produce_item(struct intake *ik, struct item *it)
{
	char buf[INTENT_JSON_MAX + 1];
	int len = intent_encode(&it->in, buf, sizeof(buf));
	assert(len > 0);
	it->t0_us = now_us();
	/* The guard picks the partition (the partitioner's own hash) and
	 * sheds before that partition could drop an unposted intent. */
	if (guard_active(ik->guard)) {
		if (guard_admit(ik->guard, it->biller_index, it->in.account,
				strlen(it->in.account), &it->partition) < 0) {
			it->status = 503;
			it->why = EVENT_BACKLOG_FULL;
			return -1;
		}
		it->guarded = true;
	}
	/* Keyed by account: one account's payments go to one partition and
	 * stay in order. RD_KAFKA_MSG_F_COPY: buf is on our stack. */
	rd_kafka_resp_err_t err = rd_kafka_producev(ik->rk,
		RD_KAFKA_V_RKT(it->rkt),
		RD_KAFKA_V_PARTITION(it->guarded ? it->partition
						 : RD_KAFKA_PARTITION_UA),
		RD_KAFKA_V_KEY(it->in.account, strlen(it->in.account)),
		RD_KAFKA_V_VALUE(buf, (size_t)len),
		RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		RD_KAFKA_V_OPAQUE(it), RD_KAFKA_V_END);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		return 0;
	if (it->guarded)
		guard_delivered(ik->guard, it->biller_index, it->partition, false, -1);
	it->guarded = false;
	it->status = 503;
	it->why = err == RD_KAFKA_RESP_ERR__QUEUE_FULL ? EVENT_QUEUE_FULL :
		  err == RD_KAFKA_RESP_ERR__FATAL ? EVENT_FATAL : EVENT_KAFKA_ERROR;
	return -1;
}

/* Produce every item still without a status, then suspend the connection
 * until their delivery reports (or the deadline) are in. */
static enum MHD_Result produce_and_wait(struct intake *ik, struct ireq *r,
					size_t todo)
{
	if (ik->rk == NULL || todo == 0) { /* --testing-only-no-produce, or nothing valid */
		for (size_t i = 0; i < r->n; i++)
			if (r->items[i].status == 0 && r->items[i].dup_of < 0)
				r->items[i].status = 202;
		goto resolve_dups;
	}
	if (atomic_fetch_add(&ik->inflight, (int64_t)todo) + (int64_t)todo >
	    ik->o.inflight_max) {
		atomic_fetch_sub(&ik->inflight, (int64_t)todo);
		for (size_t i = 0; i < r->n; i++)
			if (r->items[i].status == 0) {
				r->items[i].status = 503;
				r->items[i].why = EVENT_SHED_INFLIGHT;
			}
		return answer_items(r);
	}
	pthread_mutex_lock(&ik->lock);
	r->pending = (int)todo + 1; /* +1: ours until suspended */
	pthread_mutex_unlock(&ik->lock);
	int failed = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		if (it->status == 0 && it->dup_of < 0 && produce_item(ik, it) < 0)
			failed++;
	}
	atomic_fetch_sub(&ik->inflight, failed);
	if ((size_t)failed == todo) {
		pthread_mutex_lock(&ik->lock);
		r->pending = 0;
		pthread_mutex_unlock(&ik->lock);
		goto resolve_dups;
	}
	/* Suspend first, then drop our hold: a delivery report that already
	 * came cannot have resumed a connection that was not suspended. */
	MHD_suspend_connection(r->conn);
	pthread_mutex_lock(&ik->lock);
	r->pending -= 1 + failed;
	r->suspended = true;
	ik->suspended_count++;
	bool resume_now = r->pending == 0;
	if (resume_now)
		r->resumed = true;
	else
		list_append(ik, r);
	pthread_mutex_unlock(&ik->lock);
	if (resume_now)
		MHD_resume_connection(r->conn);
	return MHD_YES;
resolve_dups:
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].dup_of >= 0) {
			const struct item *f = &r->items[r->items[i].dup_of];
			r->items[i].status = f->status;
			r->items[i].why = f->why;
		}
	return answer_items(r);
}

/* Called when the connection is resumed: copy the statuses under the
 * lock (late delivery reports no longer touch them) and answer. */
static enum MHD_Result answer_resumed(struct ireq *r)
{
	struct intake *ik = r->ik;
	pthread_mutex_lock(&ik->lock);
	assert(r->resumed);
	ik->suspended_count--;
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		if (it->status == 0 && it->dup_of < 0) {
			it->status = 503;
			it->why = EVENT_KAFKA_TIMEOUT;
		}
	}
	pthread_mutex_unlock(&ik->lock);
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].dup_of >= 0) {
			const struct item *f = &r->items[r->items[i].dup_of];
			r->items[i].status = f->status;
			r->items[i].why = f->why;
		}
	return answer_items(r);
}

/* Resume the connections whose last delivery report came in the
 * rd_kafka_poll() call that just returned. Together, not one by one from
 * each report: the worker is woken once for the burst and answers all of
 * it in one round, instead of waking (and being preempted) per answer.
 * Each request was marked resumed under ik->lock already, so nothing else
 * touches it until libmicrohttpd calls its handler again. */
static void resume_flush(struct intake *ik)
{
	for (size_t i = 0; i < ik->resume_n; i++)
		MHD_resume_connection(ik->resume[i]);
	ik->resume_n = 0;
}

static void resume_later(struct intake *ik, struct MHD_Connection *c)
{
	if (ik->resume_n == RESUME_BATCH_MAX)
		resume_flush(ik);
	ik->resume[ik->resume_n++] = c;
}

/* librdkafka's delivery report, on the poll thread: exactly once per
 * message. A connection to resume is queued for resume_flush(). */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
			void *opaque)
{
	(void)rk;
	struct intake *ik = opaque;
	if (m->_private == &ik->fwd_token) {
		if (m->err)
			atomic_store(&ik->fwd_failed, 1);
		atomic_fetch_sub(&ik->fwd_outstanding, 1);
		return;
	}
	struct item *it = m->_private;
	metrics_observe_latency(ik->metrics, now_us() - it->t0_us);
	atomic_fetch_sub(&ik->inflight, 1);
	bool ok = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
	if (it->guarded)
		guard_delivered(ik->guard, it->biller_index, it->partition, ok,
				m->offset);
	bool maybe = !ok && rd_kafka_message_status(m) ==
				    RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED;
	if (ok)
		atomic_store(&ik->brokers_down, false);

	struct ireq *r = it->req;
	char id[INTENT_ID_LEN + 1];
	memcpy(id, it->in.intent_id, sizeof(id));
	const struct config_terminal *t = r->term;
	pthread_mutex_lock(&ik->lock);
	bool late = r->resumed;
	if (!late) {
		it->status = ok ? 202 : 503;
		it->why = m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ?
			  EVENT_KAFKA_TIMEOUT : m->err == RD_KAFKA_RESP_ERR__FATAL ?
			  EVENT_FATAL : EVENT_KAFKA_ERROR;
	}
	r->pending--;
	bool resume = !late && r->suspended && r->pending == 0;
	if (resume) {
		r->resumed = true;
		list_remove(ik, r);
	}
	resume = resume && !r->conn_done; /* not after MHD_stop_daemon */
	bool free_now = r->conn_done && r->pending == 0;
	pthread_mutex_unlock(&ik->lock);
	/* r may be gone from here on unless we own it (free_now) or it is
	 * still suspended (resume). */
	if ((maybe || (late && ok)) && ik->events != NULL) {
		enum event_reason why = ok ? EVENT_LATE_DELIVERED
					   : EVENT_POSSIBLY_PERSISTED;
		metrics_count_shed(ik->metrics, why, 1);
		events_append(ik->events, time_now_ms(), t->bank, t->id, why, 1, id);
	}
	if (resume)
		resume_later(ik, r->conn);
	if (free_now)
		req_free(r);
}

/* The answer deadline: resume every suspended request whose time is up
 * at now (monotonic ms); its items without a delivery report are answered
 * 503. */
static void expire_deadlines(struct intake *ik, int64_t now)
{
	for (;;) {
		pthread_mutex_lock(&ik->lock);
		struct ireq *r = ik->head;
		if (r == NULL || r->deadline_ms > now) {
			pthread_mutex_unlock(&ik->lock);
			return;
		}
		list_remove(ik, r);
		r->resumed = true;
		pthread_mutex_unlock(&ik->lock);
		MHD_resume_connection(r->conn);
	}
}

/* ---- requests ---- */

static enum MHD_Result answer_get(struct intake *ik, struct MHD_Connection *c,
				  const char *url)
{
	if (strcmp(url, "/healthz") == 0)
		return send_text(ik, c, 200, "{\"status\":\"alive\"}");
	if (strcmp(url, "/readyz") == 0) {
		bool ready = atomic_load(&ik->ready) && !atomic_load(&ik->stopping);
		char b[96];
		snprintf(b, sizeof(b), "{\"status\":\"%s\",\"backlog_guard\":\"%s\"}",
			 ready ? "ready" : "not ready", guard_state_name(ik->guard));
		return send_text(ik, c, ready ? 200 : 503, b);
	}
	if (strcmp(url, "/metrics") == 0) {
		struct metrics_gauges g = {
			.inflight = atomic_load(&ik->inflight),
			.kafka_queue = ik->rk ? rd_kafka_outq_len(ik->rk) : 0,
			.ready = atomic_load(&ik->ready),
			.brokers_down = atomic_load(&ik->brokers_down),
		};
		char *b = malloc(16384);
		if (b == NULL)
			return MHD_NO;
		int n = metrics_render(ik->metrics, &g, b, 16384);
		assert(n > 0);
		metrics_count_status(ik->metrics, 200);
		struct MHD_Response *rs = MHD_create_response_from_buffer(
			(size_t)n, b, MHD_RESPMEM_MUST_FREE);
		if (rs == NULL) {
			free(b);
			return MHD_NO;
		}
		MHD_add_response_header(rs, "Content-Type",
					"text/plain; version=0.0.4");
		enum MHD_Result ret = MHD_queue_response(c, 200, rs);
		MHD_destroy_response(rs);
		return ret;
	}
	return send_error(ik, c, 404, "$", "no such resource");
}

/* Shed at once, before reading the body: a fatal producer, a stopping
 * intake, or every broker down (but let one probe through per interval,
 * so recovery is seen by a delivery report). */
static int admission(struct intake *ik, enum event_reason *why)
{
	if (atomic_load(&ik->fatal)) {
		*why = EVENT_FATAL;
		return -1;
	}
	if (atomic_load(&ik->stopping)) {
		*why = EVENT_STOPPING;
		return -1;
	}
	if (ik->rk != NULL && atomic_load(&ik->brokers_down)) {
		int64_t now = time_mono_ms();
		int64_t last = atomic_load(&ik->last_probe_ms);
		if (now - last < BROKERS_DOWN_PROBE_MS ||
		    !atomic_compare_exchange_strong(&ik->last_probe_ms, &last, now)) {
			*why = EVENT_BROKERS_DOWN;
			return -1;
		}
	}
	return 0;
}

/* Headers a proxy in front could read differently from libmicrohttpd
 * 0.9.75, which accepts them: two Content-Length (it uses one), both
 * Content-Length and Transfer-Encoding (chunked wins); and two
 * Authorization headers (which one did the terminal mean?). reqhead
 * decides (the fuzz target runs the same code). A NUL byte in a value
 * cannot be seen here: libmicrohttpd cuts the value at it
 * (docs/security.md). tests/integration/hostile.sh. */
static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind,
				   const char *key, size_t key_size,
				   const char *value, size_t value_size)
{
	(void)kind;
	(void)key_size;
	(void)value_size;
	reqhead_add(cls, key, value != NULL ? value : "");
	return MHD_YES;
}

/* First call of a request: route, check the headers, authenticate, admit,
 * and either answer at once or set up to read the body. */
static enum MHD_Result begin(struct intake *ik, struct MHD_Connection *c,
			     const char *url, const char *method, void **con_cls)
{
	struct reqhead h = {0};
	struct reqhead_verdict v;
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, scan_header, &h);
	reqhead_decide(ik->auth, method, url, &h, INTENT_JSON_MAX,
		       (size_t)ik->o.batch_max * BATCH_ITEM_BYTES_MAX +
			       BATCH_ENVELOPE_BYTES, &v);
	if (v.status == 401)
		metrics_count_auth_failure(ik->metrics, 401);
	if (v.status != 0)
		return send_error(ik, c, v.status, "$", v.reason);
	if (v.route == REQHEAD_OTHER_GET)
		return answer_get(ik, c, url);
	bool single = v.route == REQHEAD_SINGLE, batch = !single;
	const struct config_terminal *t = v.term;
	size_t max = v.body_max;
	enum event_reason why;
	if (admission(ik, &why) < 0)
		return shed(ik, c, t, why, single ? 1 : 0);
	struct ireq *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return MHD_NO;
	r->ik = ik;
	r->conn = c;
	r->batch = batch;
	r->term = t;
	r->max = max;
	pthread_mutex_lock(&ik->lock);
	ik->open_count++;
	pthread_mutex_unlock(&ik->lock);
	*con_cls = r;
	return MHD_YES;
}

static int append_body(struct ireq *r, const char *data, size_t size)
{
	if (r->too_big || r->len + size > r->max) {
		r->too_big = true;
		return 0;
	}
	if (r->body == NULL) {
		/* One allocation of the largest allowed body would waste memory
		 * per connection on small requests; grow by doubling instead. */
		r->body = malloc(4096);
		if (r->body == NULL)
			return -1;
	}
	size_t cap = 4096;
	while (cap < r->len)
		cap *= 2;
	if (r->len + size > cap) {
		while (cap < r->len + size)
			cap *= 2;
		char *nb = realloc(r->body, cap);
		if (nb == NULL)
			return -1;
		r->body = nb;
	}
	memcpy(r->body + r->len, data, size);
	r->len += size;
	return 0;
}

static enum MHD_Result process_single(struct intake *ik, struct ireq *r)
{
	r->items = calloc(1, sizeof(*r->items));
	if (r->items == NULL)
		return MHD_NO;
	r->n = 1;
	struct item *it = &r->items[0];
	it->req = r;
	it->dup_of = -1;
	const struct config_biller *b = NULL;
	if (reqcheck_intent(ik->cfg, r->term, &ik->o.limits, time_now_ms(),
			    r->body != NULL ? r->body : "", r->len, NULL, &it->in, &b,
			    &it->err) < 0) {
		it->status = it->err.status;
		return answer_items(r);
	}
	if (ik->rk != NULL)
		item_set_topic(ik, it, b);
	return produce_and_wait(ik, r, 1);
}

/* The envelope {"intents":[...]}: 0 with *ret_arr borrowed from root, or
 * -1 after answering. */
static int batch_envelope(struct intake *ik, struct ireq *r, json_t *root,
			  json_error_t *jerr, json_t **ret_arr, enum MHD_Result *ret)
{
	char reason[200];
	int status = 400;
	json_t *arr = root ? json_object_get(root, "intents") : NULL;
	if (root == NULL) {
		/* Answered as a single intent is: a member given twice (in an
		 * item or the envelope) is named, with 422, and refuses the
		 * whole body; other parse errors are 400 "$". */
		struct intent_error ie;
		intent_parse_error(jerr, &ie);
		bool named = strcmp(ie.field, "$") != 0;
		*ret = send_error(ik, r->conn, named ? 422 : 400, ie.field,
				  ie.reason);
		count_reject(ik, named ? 422 : 400, 1);
		return -1;
	} else if (!json_is_object(root) || json_object_size(root) != 1 ||
		   !json_is_array(arr)) {
		*ret = send_error(ik, r->conn, 400, "$",
				  "must be an object with one field, intents, an array");
	} else if (json_array_size(arr) == 0 ||
		   json_array_size(arr) > (size_t)ik->o.batch_max) {
		snprintf(reason, sizeof(reason), "must hold 1 to %lld intents",
			 (long long)ik->o.batch_max);
		status = 422;
		*ret = send_error(ik, r->conn, status, "intents", reason);
	} else {
		*ret_arr = arr;
		return 0;
	}
	count_reject(ik, status, 1);
	return -1;
}

/* Duplicate keys (409 or answered like the first), then produce. Every
 * item has its intent and status (0: valid) already. */
static enum MHD_Result batch_produce(struct intake *ik, struct ireq *r)
{
	unsigned char *ok = calloc(r->n, 1);
	int *dup = calloc(r->n, sizeof(int));
	struct intent *ins = calloc(r->n, sizeof(*ins));
	if (ok == NULL || dup == NULL || ins == NULL)
		goto oom;
	for (size_t i = 0; i < r->n; i++) {
		ok[i] = r->items[i].status == 0;
		if (ok[i])
			ins[i] = r->items[i].in;
	}
	if (reqcheck_batch_dups(ins, ok, r->n, dup) < 0)
		goto oom;
	size_t todo = 0;
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		it->dup_of = dup[i] >= 0 ? dup[i] : -1;
		if (dup[i] == -2) {
			it->status = 409;
			it->err = (struct reqcheck_error){409, "idempotency_key",
				"the same key with different content in this batch"};
		}
		todo += it->status == 0 && it->dup_of < 0;
	}
	free(ok);
	free(dup);
	free(ins);
	return produce_and_wait(ik, r, todo);
oom:
	free(ok);
	free(dup);
	free(ins);
	return MHD_NO;
}

/* The checks after decoding one item (status 0 when it may be produced). */
static void batch_check_item(struct intake *ik, struct ireq *r,
			     struct item *it, int64_t now,
			     const struct intent_error *decode_err)
{
	const struct config_biller *b = NULL;
	it->req = r;
	if (reqcheck_decoded(ik->cfg, r->term, &ik->o.limits, now, decode_err,
			     &it->in, &b, &it->err) < 0) {
		it->status = it->err.status;
		return;
	}
	if (ik->rk != NULL)
		item_set_topic(ik, it, b);
}

/* The fast path of a batch (batchscan.h): 0 with r->items and r->n
 * filled, 1 when batchscan declines (nothing kept; jansson decides, so
 * every error answer stays as it was), or -1 when out of memory. */
static int batch_scan(struct intake *ik, struct ireq *r, int64_t now)
{
	struct batchscan s;
	if (batchscan_begin(&s, r->body, r->len, (size_t)ik->o.batch_max) != 0)
		return 1;
	r->items = calloc(batchscan_count_max(&s), sizeof(*r->items));
	if (r->items == NULL)
		return -1;
	size_t n = 0;
	do {
		struct item *it = &r->items[n++];
		struct intent_error ie;
		enum batchscan_step rc = batchscan_next(&s, &it->in, &ie);
		if (rc == BATCHSCAN_DECLINED)
			goto decline;
		batch_check_item(ik, r, it, now,
				 rc == BATCHSCAN_REFUSED ? &ie : NULL);
	} while (!batchscan_end(&s));
	r->n = n;
	return 0;
decline:
	free(r->items);
	r->items = NULL;
	return 1;
}

static enum MHD_Result process_batch(struct intake *ik, struct ireq *r)
{
	int64_t now = time_now_ms();
	int fast = batch_scan(ik, r, now);
	if (fast < 0)
		return MHD_NO;
	if (fast == 0)
		return batch_produce(ik, r);
	json_error_t jerr;
	json_t *root = json_loadb(r->body ? r->body : "", r->len,
				  JSON_REJECT_DUPLICATES, &jerr);
	json_t *arr = NULL;
	enum MHD_Result ret = MHD_NO;
	if (batch_envelope(ik, r, root, &jerr, &arr, &ret) < 0)
		goto out;
	r->n = json_array_size(arr);
	r->items = calloc(r->n, sizeof(*r->items));
	if (r->items == NULL)
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		struct intent_error ie;
		int rc = intent_decode_object(json_array_get(arr, i),
					      INTENT_FROM_TERMINAL, &it->in, &ie);
		batch_check_item(ik, r, it, now, rc < 0 ? &ie : NULL);
	}
	ret = batch_produce(ik, r);
out:
	json_decref(root);
	return ret;
}

/* A body chunk after [intake] request_timeout_ms: 408 once, written by
 * the reaper (libmicrohttpd cannot answer in the middle of a body), then
 * the rest dropped until the reaper closes the connection. */
static enum MHD_Result answer_overdue(struct intake *ik, struct ireq *r,
				      size_t *upload_size)
{
	*upload_size = 0;
	if (r->items != NULL)
		return MHD_YES;
	r->items = calloc(1, 1);
	char b[512];
	int n = reqcheck_error_json("$", "the request took longer than "
				    "[intake] request_timeout_ms", b, sizeof(b));
	assert(n > 0);
	metrics_count_status(ik->metrics, 408);
	reaper_answer_overdue(r->conn, b, (size_t)n);
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct intake *ik = cls;
	struct ireq *r = *con_cls;
	if (r == NULL) {
		reaper_enter(c, REAPER_BODY);
		return begin(ik, c, url, method, con_cls);
	}
	if (*upload_size > 0) {
		if (reaper_overdue(c))
			return answer_overdue(ik, r, upload_size);
		if (append_body(r, upload, *upload_size) < 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->resumed)
		return answer_resumed(r);
	if (r->items != NULL) /* answered already; libmicrohttpd calls again */
		return MHD_YES;
	reaper_enter(c, REAPER_ANSWERING);
	r->deadline_ms = time_mono_ms() + ik->o.answer_timeout_ms;
	if (r->too_big) {
		r->items = calloc(1, 1);
		return send_error(ik, c, 413, "$", "the body is too large");
	}
	return r->batch ? process_batch(ik, r) : process_single(ik, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	reaper_enter(c, REAPER_IDLE);
	struct intake *ik = cls;
	struct ireq *r = *con_cls;
	if (r == NULL)
		return;
	*con_cls = NULL;
	pthread_mutex_lock(&ik->lock);
	ik->open_count--;
	r->conn_done = true;
	bool free_now = r->pending == 0;
	pthread_mutex_unlock(&ik->lock);
	if (free_now)
		req_free(r);
}

/* ---- Kafka ---- */

static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct intake *ik = opaque;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];
		rd_kafka_fatal_error(rk, why, sizeof(why));
		log_error("FATAL producer error, no longer accepting: %s", why);
		atomic_store(&ik->fatal, true);
	} else if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
		if (!atomic_exchange(&ik->brokers_down, true))
			log_warn("all Kafka brokers are down: shedding (503) until "
				 "one answers");
	} else {
		log_warn("kafka: %s: %s", rd_kafka_err2name(err), reason);
	}
}

static void *poll_main(void *arg)
{
	struct intake *ik = arg;
	while (!atomic_load(&ik->quit)) {
		/* 5 ms: the deadline check below runs at least this often. */
		rd_kafka_poll(ik->rk, 5);
		resume_flush(ik);
		expire_deadlines(ik, time_mono_ms());
	}
	return NULL;
}

/* Ready when every biller's topic has partitions in the metadata. */
static void refresh_metadata(struct intake *ik)
{
	const struct rd_kafka_metadata *md = NULL;
	if (rd_kafka_metadata(ik->rk, 0, NULL, &md, 1000 /* 1 s */) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR) {
		atomic_store(&ik->ready, false);
		return;
	}
	size_t found = 0;
	for (size_t i = 0; i < config_biller_count(ik->cfg); i++) {
		const char *name = config_biller_at(ik->cfg, i)->topic;
		for (int k = 0; k < md->topic_cnt; k++)
			if (strcmp(md->topics[k].topic, name) == 0 &&
			    md->topics[k].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			    md->topics[k].partition_cnt > 0)
				found++;
	}
	rd_kafka_metadata_destroy(md);
	atomic_store(&ik->ready, found == config_biller_count(ik->cfg));
}

/* Copy new lines of the events log to the events topic: one chunk at a
 * time, committed only when every line of it was delivered. */
static void forward_events(struct intake *ik, char *buf)
{
	if (atomic_load(&ik->fwd_outstanding) > 0)
		return;
	if (ik->fwd_len > 0 && !atomic_load(&ik->fwd_failed))
		events_commit(ik->events, ik->fwd_len);
	ik->fwd_len = 0;
	atomic_store(&ik->fwd_failed, 0);
	if (atomic_load(&ik->brokers_down))
		return;
	long len = events_pending(ik->events, buf, FORWARD_CHUNK_BYTES);
	if (len <= 0)
		return;
	int count = 0;
	for (long i = 0; i < len; i++)
		count += buf[i] == '\n';
	atomic_store(&ik->fwd_outstanding, count);
	for (char *p = buf, *e; p < buf + len; p = e + 1) {
		e = memchr(p, '\n', (size_t)(buf + len - p));
		if (rd_kafka_producev(ik->rk, RD_KAFKA_V_RKT(ik->events_rkt),
				      RD_KAFKA_V_VALUE(p, (size_t)(e - p)),
				      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
				      RD_KAFKA_V_OPAQUE(&ik->fwd_token),
				      RD_KAFKA_V_END) != RD_KAFKA_RESP_ERR_NO_ERROR) {
			atomic_store(&ik->fwd_failed, 1);
			atomic_fetch_sub(&ik->fwd_outstanding, 1);
		}
	}
	ik->fwd_len = (size_t)len;
}

static void *health_main(void *arg)
{
	struct intake *ik = arg;
	char *buf = malloc(FORWARD_CHUNK_BYTES);
	int64_t next_md = 0;
	while (!atomic_load(&ik->quit)) {
		int64_t now = time_mono_ms();
		if (now >= next_md) {
			refresh_metadata(ik);
			if (atomic_load(&ik->ready))
				atomic_store(&ik->brokers_down, false);
			next_md = now + METADATA_EVERY_MS;
		}
		if (ik->events != NULL) {
			/* fsync every tick: at most HEALTH_TICK_MS of events
			 * can be lost to a power failure (none to a crash). */
			events_sync(ik->events);
			if (buf != NULL)
				forward_events(ik, buf);
		}
		usleep(HEALTH_TICK_MS * 1000);
	}
	free(buf);
	return NULL;
}

/* The producer: our defaults, then the operator's properties, then what
 * the answer semantics require (not overridable). */
/* The intake's producer, and in *ret_plain_conf (owned by the caller) its
 * configuration without our callbacks, for the backlog guard's own handle
 * and its reading of partitioner and batch.size. NULL with errstr. */
static rd_kafka_t *producer_new(const struct kafka_props *user,
				struct intake *ik, rd_kafka_conf_t **ret_plain_conf,
				char *errstr, size_t errstr_size)
{
	const struct intake_opts *o = &ik->o;
	char timeout[24], queue_msgs[24];
	snprintf(timeout, sizeof(timeout), "%lld", (long long)o->answer_timeout_ms);
	/* Room for every admitted intent plus the events forwarder's chunk;
	 * beyond it producev fails with __QUEUE_FULL and we answer 503. */
	snprintf(queue_msgs, sizeof(queue_msgs), "%lld",
		 (long long)(o->inflight_max + 10000));
	const struct kafka_prop defaults[] = {
		/* 0.5 ms: a terminal waits for its delivery report, so linger
		 * is added to every answer, but with 0 the broker thread wakes
		 * and sends a produce request for nearly every intent: 38 % of the
		 * intake's CPU went to it and its loopback traffic. Half a
		 * millisecond collects a batch per request at a cost well below
		 * the p99 target. wrk, 64 closed-loop connections, pairs run
		 * side by side (docs/performance.md): 0 vs 0.5 33.9k vs 42.7k/s,
		 * 0.25 vs 0.5 29.5k vs 39.3k/s, 0.75 vs 0.5 34.4k vs 38.2k/s;
		 * 1 ms 22.9k/s, 2 ms 16.4k/s. */
		{"linger.ms", "0.5"},
		/* Large batches when busy: fewer produce requests per intent. */
		{"batch.num.messages", "10000"},
		/* 128 KiB, not librdkafka's 1 MB: the backlog guard (guard.h)
		 * keeps one whole batch free per partition, because the batch
		 * holding the first unposted intent may be mostly posted ones
		 * and is only dropped whole. Batches reach this size only
		 * after a stall (at 50k intents/s over 8 partitions a batch
		 * per 0.5 ms linger is ~6 intents, ~2 KiB). */
		{"batch.size", "131072"},
		/* Bounded local queue (memory and time): see above. */
		{"queue.buffering.max.messages", queue_msgs},
		{"queue.buffering.max.kbytes", "262144"},
		/* Tiny JSON on a LAN; CPU is the scarce resource. */
		{"compression.type", "none"},
		/* Retries are bounded by message.timeout.ms, not by a count:
		 * an idempotent producer retries safely until the deadline. */
		{"retries", "2147483647"},
		/* Short: a leader change must be retried within the 1 s deadline. */
		{"retry.backoff.ms", "50"},
		/* A lost broker is noticed well inside the answer deadline. */
		{"socket.connection.setup.timeout.ms", "1000"},
		{"reconnect.backoff.ms", "50"},
		{"reconnect.backoff.max.ms", "500"},
	};
	const struct kafka_prop forced[] = {
		/* A 202 means every in-sync replica has the intent. */
		{"acks", "all"},
		/* No duplicates or reordering from the producer's own retries. */
		{"enable.idempotence", "true"},
		/* librdkafka gives up when we must answer, so the delivery report
		 * (not our deadline) decides the answer nearly always. */
		{"message.timeout.ms", timeout},
		{"request.timeout.ms", timeout},
	};
	const struct kafka_client_spec spec = {
		.type = RD_KAFKA_PRODUCER,
		.name = "producer",
		.defaults = defaults,
		.defaults_count = sizeof(defaults) / sizeof(defaults[0]),
		.user = user,
		.forced = forced,
		.forced_count = sizeof(forced) / sizeof(forced[0]),
		.opaque = ik,
		.dr_msg_cb = on_delivery,
		.error_cb = on_error,
	};
	*ret_plain_conf = kafka_client_conf(&spec, errstr, errstr_size);
	if (*ret_plain_conf == NULL)
		return NULL;
	rd_kafka_t *rk = kafka_client_new(&spec, errstr, errstr_size);
	if (rk == NULL) {
		rd_kafka_conf_destroy(*ret_plain_conf);
		*ret_plain_conf = NULL;
	}
	return rk;
}

static int start_kafka(struct intake *ik, const struct kafka_props *props,
		       char *errstr, size_t errstr_size)
{
	/* The guard's own handle: the same cluster, the same properties,
	 * none of the producer's callbacks. */
	rd_kafka_conf_t *guard_conf = NULL;
	ik->rk = producer_new(props, ik, &guard_conf, errstr, errstr_size);
	if (ik->rk == NULL)
		return -1;
	if (guard_opts_from_conf(guard_conf, &ik->o.guard, errstr,
				 errstr_size) < 0) {
		rd_kafka_conf_destroy(guard_conf);
		return -1;
	}
	if (guard_start(ik->cfg, guard_conf, &ik->o.guard, &ik->guard, errstr,
			errstr_size) < 0)
		return -1;
	size_t nb = config_biller_count(ik->cfg);
	ik->rkts = calloc(nb > 0 ? nb : 1, sizeof(*ik->rkts));
	if (ik->rkts == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < nb; i++) {
		ik->rkts[i] = rd_kafka_topic_new(ik->rk,
			config_biller_at(ik->cfg, i)->topic, NULL);
		if (ik->rkts[i] == NULL) {
			errstr_set(errstr, errstr_size, "topic %s: %s",
				 config_biller_at(ik->cfg, i)->topic,
				 rd_kafka_err2str(rd_kafka_last_error()));
			return -1;
		}
	}
	ik->events_rkt = rd_kafka_topic_new(ik->rk, ik->o.events_topic, NULL);
	if (ik->events_rkt == NULL) {
		errstr_set(errstr, errstr_size, "topic %s: %s", ik->o.events_topic,
			   rd_kafka_err2str(rd_kafka_last_error()));
		return -1;
	}
	return 0;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

static int start_http(struct intake *ik, char *errstr, size_t errstr_size)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)ik->o.port);
	if (inet_pton(AF_INET, ik->o.listen_addr, &sa.sin_addr) != 1) {
		errstr_set(errstr, errstr_size, "--listen %s: not an IPv4 address",
			 ik->o.listen_addr);
		return -1;
	}
	if (reaper_start(ik->o.request_timeout_ms,
			 ik->o.connection_timeout_s * 1000, ik->metrics,
			 &ik->reaper, errstr, errstr_size) < 0)
		return -1;
	/* A small pool of worker threads (one per core here);
	 * suspend/resume lets a worker serve others while a request waits
	 * for its delivery report. poll(), not epoll: libmicrohttpd 0.9.75's
	 * epoll loop, after an epoll_wait that returns a full batch (128
	 * events), waits again with the full timeout; if that batch held the
	 * resume signal (which it clears), the resumed connections and the
	 * batch's own events wait until a new event or the connection
	 * timeout. Under shedding, 503s make such batches and a burst of
	 * delivery reports resumes everything at once: a whole worker's
	 * connections went unanswered (docs/performance.md). Its poll loop
	 * waits once per round and looks for resumes before every wait. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	ik->mhd = MHD_start_daemon(flags, (uint16_t)ik->o.port, NULL, NULL,
		on_request, ik,
		/* first, so every message goes through our log */
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)ik->o.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)ik->o.connections_max,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ik->o.connection_timeout_s,
		/* request line + headers + read buffer of one connection (its
		 * default, stated: the memory bound of docs/security.md counts
		 * on it; larger headers get 431) */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, ik,
		/* a total deadline per request, not only an idle one */
		MHD_OPTION_NOTIFY_CONNECTION, reaper_notify_connection, ik->reaper,
		MHD_OPTION_URI_LOG_CALLBACK, reaper_uri_log, ik->reaper,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_END);
	if (ik->mhd == NULL) {
		errstr_set(errstr, errstr_size, "cannot listen on %s:%d",
			 ik->o.listen_addr, ik->o.port);
		return -1;
	}
	return 0;
}

int intake_start(const struct config *cfg, const struct kafka_props *props,
		 const struct intake_opts *opts, struct intake **ret,
		 char *errstr, size_t errstr_size)
{
	struct intake *ik = calloc(1, sizeof(*ik));
	if (ik == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	ik->cfg = cfg;
	ik->o = *opts;
	pthread_mutex_init(&ik->lock, NULL);
	ik->metrics = metrics_new();
	if (ik->metrics == NULL || auth_new(cfg, &ik->auth, errstr, errstr_size) < 0)
		goto fail;
	if (opts->events_path != NULL &&
	    events_open(opts->events_path, &ik->events, errstr, errstr_size) < 0)
		goto fail;
	if (!opts->no_produce) {
		if (start_kafka(ik, props, errstr, errstr_size) < 0)
			goto fail;
		if (pthread_create(&ik->poll_thr, NULL, poll_main, ik) != 0)
			goto fail;
		if (pthread_create(&ik->health_thr, NULL, health_main, ik) != 0) {
			atomic_store(&ik->quit, true);
			pthread_join(ik->poll_thr, NULL);
			goto fail;
		}
		ik->threads_started = true;
	} else {
		atomic_store(&ik->ready, true);
	}
	if (start_http(ik, errstr, errstr_size) < 0)
		goto fail;
	*ret = ik;
	return 0;
fail:
	intake_stop(ik, 0);
	return -1;
}

bool intake_ready(const struct intake *ik)
{
	return atomic_load(&ik->ready);
}

bool intake_fatal(const struct intake *ik)
{
	return atomic_load(&ik->fatal);
}

int intake_drain(struct intake *ik, int64_t timeout_ms)
{
	atomic_store(&ik->stopping, true);
	if (ik->mhd != NULL)
		MHD_quiesce_daemon(ik->mhd); /* the listening socket stays ours */
	int64_t end = time_mono_ms() + timeout_ms;
	int64_t left;
	for (;;) {
		pthread_mutex_lock(&ik->lock);
		/* open, not only suspended: an answer must be sent before the
		 * daemon stops and closes its connection. */
		left = ik->open_count;
		pthread_mutex_unlock(&ik->lock);
		if (left == 0 || time_mono_ms() >= end)
			break;
		usleep(10 * 1000);
	}
	return (int)left;
}

int intake_stop(struct intake *ik, int64_t flush_timeout_ms)
{
	if (ik == NULL)
		return 0;
	/* Threads first: nothing may resume a connection of a stopped
	 * daemon. Then resume what is still suspended (only after a drain
	 * that timed out): libmicrohttpd 0.9.75 aborts in MHD_stop_daemon
	 * while a connection is suspended. */
	atomic_store(&ik->quit, true);
	if (ik->threads_started) {
		pthread_join(ik->poll_thr, NULL);
		pthread_join(ik->health_thr, NULL);
	}
	resume_flush(ik);
	expire_deadlines(ik, INT64_MAX);
	if (ik->mhd != NULL)
		MHD_stop_daemon(ik->mhd);
	reaper_stop(ik->reaper); /* after: every connection is closed */
	int left = 0;
	if (ik->rk != NULL) {
		rd_kafka_flush(ik->rk, (int)flush_timeout_ms);
		left = rd_kafka_outq_len(ik->rk);
		/* What is still queued is given up: its delivery reports (an
		 * error each) free the requests that wait for them. */
		rd_kafka_purge(ik->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_poll(ik->rk, 0);
		/* After the last delivery report, before the producer goes. */
		guard_stop(ik->guard);
		for (size_t i = 0; ik->rkts && i < config_biller_count(ik->cfg); i++)
			if (ik->rkts[i])
				rd_kafka_topic_destroy(ik->rkts[i]);
		if (ik->events_rkt)
			rd_kafka_topic_destroy(ik->events_rkt);
		rd_kafka_destroy(ik->rk);
	}
	free(ik->rkts);
	events_close(ik->events);
	auth_free(ik->auth);
	free(ik->metrics);
	pthread_mutex_destroy(&ik->lock);
	free(ik);
	return left;
}
