/* load — see load.h. One thread, one epoll set; each connection carries
 * one request at a time (HTTP/1.1 keep-alive, no pipelining), which is how
 * a terminal behaves. A "group" is the intents of one request: one intent,
 * or a batch from one terminal; a group that gets 503 goes back into the
 * retry queue as it is, with the same keys and paid_at. */
#include "load.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "errstr.h"
#include "httpc.h"
#include "timeutil.h"

#define LOAD_REQUEST_HEADER_MAX 512
#define LOAD_RESPONSE_SINGLE_MAX (16 * 1024)
#define LOAD_RESPONSE_PER_ITEM 256
#define LOAD_LATENCIES_MAX (50 * 1000 * 1000) /* samples kept, 400 MB at most */
#define LOAD_PROGRESS_MS 1000

_Static_assert(LOAD_BATCH_MAX * (INTENT_JSON_MAX + 1) < 4 * 1024 * 1024,
	       "a batch request body stays below 4 MiB");

struct pend {
	uint64_t index;      /* which generated intent */
	int64_t paid_at_ms;  /* fixed at first generation: retries keep it */
	int attempts;
	bool unanswered;     /* some attempt got no answer at all */
};

struct group {
	size_t terminal;     /* index into opts->terminals */
	int64_t not_before_ms;
	int n;
	struct pend *items;  /* owned */
};

enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_IDLE, CONN_BUSY };

struct conn {
	int fd;
	enum conn_state state;
	struct group group;  /* valid while BUSY */
	char *out;           /* request bytes */
	size_t out_len, out_off, out_cap;
	char *in;            /* response bytes */
	size_t in_len, in_cap;
	int64_t sent_at_us;
	int64_t reopen_at_ms; /* after a failed connect, not before this */
};

struct queue { /* FIFO of groups waiting for a retry */
	struct group *items;
	size_t head, count, cap;
};

struct run {
	const struct load_opts *o;
	struct load_result *r;
	int epfd;
	struct sockaddr_in addr;
	struct conn *conns;
	struct queue retry;
	uint64_t next_index;       /* next fresh intent number */
	uint64_t groups_made;
	bool generating;
	int64_t start_ms;
	int64_t *latencies_us;
	size_t latency_count, latency_cap;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The intent a pending item stands for: the same bytes every attempt. */
static void make_intent(const struct run *run, const struct group *g,
			const struct pend *p, struct intent *in)
{
	const struct load_opts *o = run->o;
	scenario_payment(&o->scenario, p->index, o->biller_count, o->biller_ids,
			 o->currencies, p->paid_at_ms, in);
	const struct load_terminal *t = &o->terminals[g->terminal];
	snprintf(in->bank, sizeof(in->bank), "%s", t->bank);
	snprintf(in->terminal, sizeof(in->terminal), "%s", t->terminal);
	snprintf(in->idempotency_key, sizeof(in->idempotency_key),
		 "L%" PRIu64 "-%" PRIu64, o->scenario.seed, p->index);
	intent_derive_id(in);
}

static int queue_push(struct queue *q, struct group g)
{
	if (q->count == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 256;
		struct group *n = malloc(ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		for (size_t i = 0; i < q->count; i++)
			n[i] = q->items[(q->head + i) % q->cap];
		free(q->items);
		q->items = n;
		q->head = 0;
		q->cap = ncap;
	}
	q->items[(q->head + q->count) % q->cap] = g;
	q->count++;
	return 0;
}

static void record_latency(struct run *run, int64_t us)
{
	if (run->latency_count == run->latency_cap) {
		if (run->latency_cap >= LOAD_LATENCIES_MAX)
			return;
		size_t ncap = run->latency_cap ? run->latency_cap * 2 : 65536;
		int64_t *n = realloc(run->latencies_us, ncap * sizeof(*n));
		if (n == NULL)
			return;
		run->latencies_us = n;
		run->latency_cap = ncap;
	}
	run->latencies_us[run->latency_count++] = us;
}

static void log_accepted(struct run *run, const struct group *g, const struct pend *p)
{
	if (run->o->accepted_log == NULL)
		return;
	struct intent in;
	char json[INTENT_JSON_MAX + 1];
	make_intent(run, g, p, &in);
	if (intent_encode(&in, json, sizeof(json)) > 0)
		fprintf(run->o->accepted_log, "%s\n", json);
}

/* Log an intent that was never accepted, with why (load.h). */
static void log_unaccepted(struct run *run, const struct group *g, const struct pend *p,
			   const char *outcome)
{
	if (run->o->unaccepted_log == NULL)
		return;
	struct intent in;
	char json[INTENT_JSON_MAX + 1];
	make_intent(run, g, p, &in);
	if (intent_encode(&in, json, sizeof(json)) > 0)
		fprintf(run->o->unaccepted_log, "{\"outcome\":\"%s\",\"intent\":%s}\n",
			outcome, json);
}

/* A group's items that need another try go back to the queue; the ones out
 * of attempts are given up. Takes ownership of nothing: copies. */
static void retry_items(struct run *run, const struct group *g, const bool *again,
			int64_t retry_after_ms)
{
	struct group ng = {.terminal = g->terminal,
			   .not_before_ms = time_mono_ms() + retry_after_ms};
	ng.items = malloc((size_t)g->n * sizeof(*ng.items));
	for (int i = 0; i < g->n; i++) {
		if (!again[i])
			continue;
		if ((run->o->attempts_max > 0 &&
		     g->items[i].attempts >= run->o->attempts_max) || ng.items == NULL) {
			run->r->intents_gave_up++;
			log_unaccepted(run, g, &g->items[i],
				       g->items[i].unanswered ? "unanswered" : "shed");
			continue;
		}
		ng.items[ng.n++] = g->items[i];
		run->r->retries++;
	}
	if (ng.n == 0 || queue_push(&run->retry, ng) < 0) {
		run->r->intents_gave_up += ng.n > 0 ? ng.n : 0;
		for (int i = 0; i < ng.n; i++)
			log_unaccepted(run, g, &ng.items[i],
				       ng.items[i].unanswered ? "unanswered" : "shed");
		free(ng.items);
	}
}

#define LOAD_RECONNECT_MS 100 /* back-off after a refused connection */

static void conn_close(struct run *run, struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(run->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->state = CONN_DOWN;
	c->in_len = 0;
}

/* The connection failed under a request: the server may or may not have
 * taken it, so the same intents are tried again (same keys: no doubles). */
static void conn_fail(struct run *run, struct conn *c)
{
	run->r->connection_errors++;
	c->reopen_at_ms = time_mono_ms() + LOAD_RECONNECT_MS;
	if (c->state == CONN_BUSY) {
		bool again[LOAD_BATCH_MAX];
		for (int i = 0; i < c->group.n; i++) {
			again[i] = true;
			c->group.items[i].unanswered = true;
		}
		retry_items(run, &c->group, again, 100 /* ms */);
		free(c->group.items);
		c->group.items = NULL;
	}
	conn_close(run, c);
}

static int conn_open(struct run *run, struct conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&run->addr, sizeof(run->addr)) < 0 &&
	    errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
				 .data.ptr = c};
	epoll_ctl(run->epfd, EPOLL_CTL_ADD, c->fd, &ev);
	c->state = CONN_CONNECTING;
	return 0;
}

static bool out_reserve(struct conn *c, size_t need)
{
	if (need <= c->out_cap)
		return true;
	char *n = realloc(c->out, need);
	if (n == NULL)
		return false;
	c->out = n;
	c->out_cap = need;
	return true;
}

/* Write the HTTP request for c->group into c->out. */
static int build_request(struct run *run, struct conn *c)
{
	const struct load_opts *o = run->o;
	size_t body_max = (size_t)c->group.n * (INTENT_JSON_MAX + 2) + 32;
	if (!out_reserve(c, LOAD_REQUEST_HEADER_MAX + body_max))
		return -1;
	char *body = c->out + LOAD_REQUEST_HEADER_MAX;
	size_t blen = 0;
	if (o->batch_size > 0)
		blen += (size_t)sprintf(body, "{\"intents\":[");
	for (int i = 0; i < c->group.n; i++) {
		struct intent in;
		make_intent(run, &c->group, &c->group.items[i], &in);
		in.intent_id[0] = '\0'; /* a terminal does not send the id */
		if (i > 0)
			body[blen++] = ',';
		int n = intent_encode(&in, body + blen, body_max - blen);
		if (n < 0)
			return -1;
		blen += (size_t)n;
	}
	if (o->batch_size > 0)
		blen += (size_t)sprintf(body + blen, "]}");
	char head[LOAD_REQUEST_HEADER_MAX];
	int hlen = snprintf(head, sizeof(head),
			    "POST %s HTTP/1.1\r\nHost: %s:%d\r\n"
			    "Authorization: Bearer %s\r\n"
			    "Content-Type: application/json\r\n"
			    "Content-Length: %zu\r\n\r\n",
			    o->batch_size > 0 ? "/v1/intents/batch" : "/v1/intents",
			    o->host, o->port, o->terminals[c->group.terminal].token, blen);
	if (hlen < 0 || hlen >= (int)sizeof(head))
		return -1;
	/* Slide the body to follow the header exactly. */
	memmove(c->out + hlen, body, blen);
	memcpy(c->out, head, (size_t)hlen);
	c->out_len = (size_t)hlen + blen;
	c->out_off = 0;
	return 0;
}

/* Intents the rate limit allows to have been generated by now. */
static bool rate_allows(const struct run *run, int n)
{
	if (run->o->rate_per_s <= 0)
		return true;
	int64_t elapsed_ms = time_mono_ms() - run->start_ms;
	return (int64_t)run->next_index - (int64_t)run->o->first_index + n <=
	       run->o->rate_per_s * elapsed_ms / 1000 + 1;
}

/* Give an idle connection its next group: a due retry first, else fresh
 * intents. Returns false when there is nothing to send now. */
static bool next_group(struct run *run, struct group *g)
{
	const struct load_opts *o = run->o;
	struct queue *q = &run->retry;
	int64_t now = time_mono_ms();
	if (q->count > 0 && q->items[q->head].not_before_ms <= now) {
		*g = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		return true;
	}
	if (!run->generating)
		return false;
	int n = o->batch_size > 0 ? o->batch_size : 1;
	if (o->count > 0 && (int64_t)(run->next_index - o->first_index) + n > o->count)
		n = (int)(o->count - (int64_t)(run->next_index - o->first_index));
	if (n <= 0 || !rate_allows(run, n))
		return false;
	g->terminal = (size_t)(run->groups_made++ % o->terminal_count);
	g->not_before_ms = 0;
	g->n = n;
	g->items = malloc((size_t)n * sizeof(*g->items));
	if (g->items == NULL)
		return false;
	int64_t now_ms = time_now_ms();
	for (int i = 0; i < n; i++) {
		uint64_t index = run->next_index++;
		int64_t paid_at_ms = o->paid_at_base_ms > 0
			? o->paid_at_base_ms + (int64_t)index * o->paid_at_step_ms
			: now_ms;
		g->items[i] = (struct pend){.index = index, .paid_at_ms = paid_at_ms};
	}
	run->r->intents_generated += n;
	return true;
}

static void conn_start(struct run *run, struct conn *c)
{
	struct group g;
	if (!next_group(run, &g))
		return;
	for (int i = 0; i < g.n; i++)
		g.items[i].attempts++;
	c->group = g;
	if (build_request(run, c) < 0) {
		run->r->intents_gave_up += g.n;
		free(g.items);
		return;
	}
	c->state = CONN_BUSY;
	c->in_len = 0;
	c->sent_at_us = now_us();
	run->r->requests_sent++;
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
	epoll_ctl(run->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Apply a batch response's per-item results. */
static void apply_batch(struct run *run, struct conn *c, const char *body,
			size_t len, int64_t retry_after_ms)
{
	bool again[LOAD_BATCH_MAX] = {false};
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr);
	json_t *results = json_object_get(root, "results");
	size_t n = json_array_size(results);
	for (int i = 0; i < c->group.n; i++) {
		json_t *res = (size_t)i < n ? json_array_get(results, (size_t)i) : NULL;
		json_int_t st = json_integer_value(json_object_get(res, "status"));
		if (st == 202) {
			run->r->intents_accepted++;
			log_accepted(run, &c->group, &c->group.items[i]);
		} else if (st == 503 || res == NULL) {
			again[i] = true;
		} else {
			run->r->intents_rejected++;
			log_unaccepted(run, &c->group, &c->group.items[i], "rejected");
		}
	}
	json_decref(root);
	retry_items(run, &c->group, again, retry_after_ms);
}

/* A whole response is in c->in: count it and free the connection for the
 * next request. Returns false when the connection must be closed. */
static bool apply_response(struct run *run, struct conn *c, int status,
			   const char *body, size_t body_len, int64_t retry_after_ms)
{
	record_latency(run, now_us() - c->sent_at_us);
	int64_t accepted_before = run->r->intents_accepted;
	bool again[LOAD_BATCH_MAX];
	if (status == 202)
		run->r->responses_202++;
	else if (status == 503)
		run->r->responses_503++;
	else if (status >= 400 && status < 500)
		run->r->responses_4xx++;
	else
		run->r->responses_other++;

	if (run->o->batch_size > 0 && (status == 200 || status == 207)) {
		apply_batch(run, c, body, body_len, retry_after_ms);
	} else if (status == 202) {
		for (int i = 0; i < c->group.n; i++) {
			run->r->intents_accepted++;
			log_accepted(run, &c->group, &c->group.items[i]);
		}
	} else if (status == 503 || status >= 500) {
		for (int i = 0; i < c->group.n; i++)
			again[i] = true;
		retry_items(run, &c->group, again, retry_after_ms);
	} else {
		run->r->intents_rejected += c->group.n;
		for (int i = 0; i < c->group.n; i++)
			log_unaccepted(run, &c->group, &c->group.items[i], "rejected");
	}
	if (run->o->live_accepted != NULL)
		atomic_fetch_add(run->o->live_accepted,
				 run->r->intents_accepted - accepted_before);
	if (run->o->live_shed != NULL && status == 503)
		atomic_fetch_add(run->o->live_shed, 1);
	free(c->group.items);
	c->group.items = NULL;
	c->state = CONN_IDLE;
	return true;
}

/* Parse what has arrived (lib/httpc.h's parser, which never allocates);
 * returns 1 when a response was consumed, 0 when more bytes are needed, -1
 * on a protocol error. A server that closes after answering is noticed by
 * the read that then returns 0 on the idle connection. */
static int try_response(struct run *run, struct conn *c)
{
	struct httpc_response resp;
	int rc = httpc_parse(c->in, c->in_len, 0, &resp, NULL, 0);
	if (rc <= 0)
		return rc < 0 || c->in_len >= c->in_cap ? -1 : 0;
	int64_t retry_after_ms = resp.retry_after_s >= 0 ? resp.retry_after_s * 1000
							 : 1000;
	if (retry_after_ms > run->o->retry_after_max_ms)
		retry_after_ms = run->o->retry_after_max_ms;
	size_t used = (size_t)(resp.body + resp.body_len - c->in);
	apply_response(run, c, resp.status, resp.body, resp.body_len, retry_after_ms);
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	return 1;
}

static void on_event(struct run *run, struct conn *c, uint32_t events)
{
	if (c->state == CONN_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
			run->r->connection_errors++;
			conn_close(run, c);
			c->reopen_at_ms = time_mono_ms() + LOAD_RECONNECT_MS;
			return;
		}
		c->state = CONN_IDLE;
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(run->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		return;
	}
	if (c->state == CONN_BUSY && (events & EPOLLOUT) && c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && errno != EAGAIN) {
			conn_fail(run, c);
			return;
		}
		if (n > 0)
			c->out_off += (size_t)n;
		if (c->out_off == c->out_len) {
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
			epoll_ctl(run->epfd, EPOLL_CTL_MOD, c->fd, &ev);
		}
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			if (c->state == CONN_BUSY)
				conn_fail(run, c);
			else
				conn_close(run, c); /* idle keep-alive closed by server */
			return;
		}
		if (n > 0)
			c->in_len += (size_t)n;
		if (c->state == CONN_BUSY && try_response(run, c) < 0)
			conn_fail(run, c);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void finish_stats(struct run *run)
{
	struct load_result *r = run->r;
	r->elapsed_ms = time_mono_ms() - run->start_ms;
	if (run->latency_count == 0)
		return;
	qsort(run->latencies_us, run->latency_count, sizeof(int64_t), cmp_i64);
	size_t n = run->latency_count;
	r->latency_us_p50 = run->latencies_us[(n - 1) * 50 / 100];
	r->latency_us_p90 = run->latencies_us[(n - 1) * 90 / 100];
	r->latency_us_p99 = run->latencies_us[(n - 1) * 99 / 100];
	r->latency_us_max = run->latencies_us[n - 1];
}

static bool all_done(const struct run *run)
{
	if (run->generating || run->retry.count > 0)
		return false;
	for (int i = 0; i < run->o->connections; i++)
		if (run->conns[i].state == CONN_BUSY)
			return false;
	return true;
}

static void progress(struct run *run, int64_t *last_ms)
{
	int64_t now = time_mono_ms();
	if (run->o->progress == NULL || now - *last_ms < LOAD_PROGRESS_MS)
		return;
	*last_ms = now;
	const struct load_result *r = run->r;
	fprintf(run->o->progress,
		"  load: %" PRId64 " s  generated %" PRId64 "  accepted %" PRId64
		"  503s %" PRId64 "  retry queue %zu\n",
		(now - run->start_ms) / 1000, r->intents_generated,
		r->intents_accepted, r->responses_503, run->retry.count);
	fflush(run->o->progress);
}

static void loop(struct run *run)
{
	const struct load_opts *o = run->o;
	struct epoll_event events[256];
	int64_t last_progress_ms = run->start_ms;
	while (!all_done(run)) {
		int64_t now = time_mono_ms();
		if (run->generating &&
		    ((o->count > 0 && (int64_t)(run->next_index - o->first_index) >= o->count) ||
		     (o->duration_ms > 0 && now - run->start_ms >= o->duration_ms) ||
		     (o->stop_flag != NULL && *o->stop_flag)))
			run->generating = false;
		for (int i = 0; i < o->connections; i++) {
			struct conn *c = &run->conns[i];
			if (c->state == CONN_DOWN && now >= c->reopen_at_ms &&
			    (run->generating || run->retry.count > 0) && conn_open(run, c) < 0)
				c->reopen_at_ms = now + LOAD_RECONNECT_MS;
			if (c->state == CONN_IDLE)
				conn_start(run, c);
			if (c->state == CONN_BUSY &&
			    now_us() - c->sent_at_us > o->request_timeout_ms * 1000)
				conn_fail(run, c);
		}
		int n = epoll_wait(run->epfd, events, 256, 5 /* ms */);
		for (int i = 0; i < n; i++)
			on_event(run, events[i].data.ptr, events[i].events);
		progress(run, &last_progress_ms);
	}
}

int load_run(const struct load_opts *o, struct load_result *ret, char *errstr,
	     size_t errstr_size)
{
	if (o->connections < 1 || o->connections > LOAD_CONNECTIONS_MAX ||
	    o->batch_size < 0 || o->batch_size > LOAD_BATCH_MAX ||
	    o->terminal_count == 0 || o->biller_count < 1 ||
	    o->biller_count > LOAD_BILLERS_MAX || o->attempts_max < 0 ||
	    (o->count <= 0 && o->duration_ms <= 0)) {
		errstr_set(errstr, errstr_size, "bad load options");
		return -1;
	}
	struct load_result r = {0};
	struct run run = {.o = o, .r = &r, .next_index = o->first_index,
			  .generating = true};
	run.addr.sin_family = AF_INET;
	run.addr.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &run.addr.sin_addr) != 1) {
		errstr_set(errstr, errstr_size, "bad IPv4 address %s", o->host);
		return -1;
	}
	run.epfd = epoll_create1(0);
	run.conns = calloc((size_t)o->connections, sizeof(*run.conns));
	size_t in_cap = o->batch_size > 0
				? 1024 + (size_t)o->batch_size * LOAD_RESPONSE_PER_ITEM
				: LOAD_RESPONSE_SINGLE_MAX;
	int rc = -1;
	if (run.epfd < 0 || run.conns == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		goto out;
	}
	for (int i = 0; i < o->connections; i++) {
		run.conns[i].fd = -1;
		run.conns[i].in = malloc(in_cap);
		run.conns[i].in_cap = in_cap;
		if (run.conns[i].in == NULL) {
			errstr_set(errstr, errstr_size, "out of memory");
			goto out;
		}
	}
	run.start_ms = time_mono_ms();
	loop(&run);
	finish_stats(&run);
	*ret = r;
	rc = 0;
out:
	for (int i = 0; run.conns != NULL && i < o->connections; i++) {
		conn_close(&run, &run.conns[i]);
		free(run.conns[i].in);
		free(run.conns[i].out);
		free(run.conns[i].group.items);
	}
	for (size_t i = 0; i < run.retry.count; i++)
		free(run.retry.items[(run.retry.head + i) % run.retry.cap].items);
	free(run.retry.items);
	free(run.conns);
	free(run.latencies_us);
	if (run.epfd >= 0)
		close(run.epfd);
	return rc;
}
