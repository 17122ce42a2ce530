/* reaper — see reaper.h. */
#include "reaper.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "log.h"
#include "timeutil.h"
#include "errstr.h"

/* How often the thread looks at every connection: a cut comes at most
 * this late. One pass is a walk of at most connections_max (60,000) nodes
 * under the lock; ten a second is negligible. */
#define REAPER_TICK_MS 100
/* At most one log line per interval, summing what was cut meanwhile, so
 * a flood of slow clients cannot flood the log. */
#define REAPER_LOG_EVERY_MS 1000
_Static_assert(REAPER_TICK_MS < REAPER_REQUEST_TIMEOUT_MS_MIN * 2,
	       "the tick must be fine compared with the shortest deadline");

/* One followed connection. state = since_ms << 2 | phase, one atomic word
 * so the access handler changes phase without the lock. */
struct conn {
	struct reaper *rp;
	int fd;
	atomic_uint_fast64_t state;
	atomic_bool overdue_counted;
	atomic_bool finish;       /* answered 408 ourselves: cut, uncounted */
	bool cut;                 /* under rp->lock */
	struct conn *prev, *next; /* under rp->lock */
};

struct reaper {
	int64_t request_timeout_ms, idle_timeout_ms;
	struct metrics *metrics;
	pthread_t thr;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool quit;           /* under lock */
	struct conn *head;   /* under lock */
};

static uint64_t pack(int64_t since_ms, enum reaper_phase p)
{
	return (uint64_t)since_ms << 2 | (uint64_t)p;
}

static enum reaper_phase phase_of(uint64_t s)
{
	return (enum reaper_phase)(s & 3);
}

static int64_t since_of(uint64_t s)
{
	return (int64_t)(s >> 2);
}

/* When the reaper cuts a connection in state s; INT64_MAX: never. */
static int64_t cut_at(const struct reaper *rp, uint64_t s)
{
	switch (phase_of(s)) {
	case REAPER_HEADERS:
		return since_of(s) + rp->request_timeout_ms;
	case REAPER_IDLE:
	case REAPER_BODY:
		return since_of(s) + rp->idle_timeout_ms + rp->request_timeout_ms;
	case REAPER_ANSWERING:
		break;
	}
	return INT64_MAX;
}

/* One pass: cut what is overdue. Returns how many were cut. */
static uint64_t sweep(struct reaper *rp, int64_t now)
{
	uint64_t n = 0, headers = 0;
	for (struct conn *k = rp->head; k != NULL; k = k->next) {
		uint64_t s = atomic_load(&k->state);
		bool finish = atomic_load(&k->finish);
		if (k->cut || (!finish && now < cut_at(rp, s)))
			continue;
		/* The descriptor is still libmicrohttpd's: it closes it only
		 * after the CLOSED notification, which waits for our lock. */
		if (shutdown(k->fd, SHUT_RDWR) == 0 || errno == ENOTCONN) {
			k->cut = true;
			n += !finish;
			headers += !finish && phase_of(s) != REAPER_BODY;
		}
	}
	if (headers > 0)
		metrics_count_request_timeout(rp->metrics, METRICS_TIMEOUT_HEADERS,
					      headers);
	if (n > headers)
		metrics_count_request_timeout(rp->metrics, METRICS_TIMEOUT_CUT_BODY,
					      n - headers);
	return n;
}

static void *reaper_main(void *arg)
{
	struct reaper *rp = arg;
	uint64_t unlogged = 0;
	int64_t last_log = 0;
	pthread_mutex_lock(&rp->lock);
	while (!rp->quit) {
		int64_t now = time_mono_ms();
		unlogged += sweep(rp, now);
		if (unlogged > 0 && now - last_log >= REAPER_LOG_EVERY_MS) {
			log_warn("closed %llu connections that sent no complete "
				 "request within [intake] request_timeout_ms (%lld)",
				 (unsigned long long)unlogged,
				 (long long)rp->request_timeout_ms);
			unlogged = 0;
			last_log = now;
		}
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += REAPER_TICK_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&rp->wake, &rp->lock, &ts);
	}
	pthread_mutex_unlock(&rp->lock);
	return NULL;
}

int reaper_start(int64_t request_timeout_ms, int64_t idle_timeout_ms,
		 struct metrics *m, struct reaper **ret, char *errstr,
		 size_t errstr_size)
{
	assert(request_timeout_ms >= REAPER_REQUEST_TIMEOUT_MS_MIN &&
	       request_timeout_ms <= REAPER_REQUEST_TIMEOUT_MS_MAX);
	assert(idle_timeout_ms > 0 && m != NULL);
	struct reaper *rp = calloc(1, sizeof(*rp));
	if (rp == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	rp->request_timeout_ms = request_timeout_ms;
	rp->idle_timeout_ms = idle_timeout_ms;
	rp->metrics = m;
	pthread_mutex_init(&rp->lock, NULL);
	/* CLOCK_MONOTONIC, as time_mono_ms(): a clock step must not cut
	 * everything or nothing. */
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rp->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&rp->thr, NULL, reaper_main, rp) != 0) {
		errstr_set(errstr, errstr_size, "cannot start the reaper thread");
		pthread_cond_destroy(&rp->wake);
		pthread_mutex_destroy(&rp->lock);
		free(rp);
		return -1;
	}
	*ret = rp;
	return 0;
}

void reaper_stop(struct reaper *rp)
{
	if (rp == NULL)
		return;
	pthread_mutex_lock(&rp->lock);
	rp->quit = true;
	pthread_cond_signal(&rp->wake);
	pthread_mutex_unlock(&rp->lock);
	pthread_join(rp->thr, NULL);
	/* After MHD_stop_daemon every connection was notified CLOSED. */
	assert(rp->head == NULL);
	pthread_cond_destroy(&rp->wake);
	pthread_mutex_destroy(&rp->lock);
	free(rp);
}

static void follow(struct reaper *rp, struct MHD_Connection *c,
		   void **socket_context)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct conn *k = ci != NULL ? calloc(1, sizeof(*k)) : NULL;
	if (k == NULL)
		return; /* not followed: only its idle timeout bounds it */
	k->rp = rp;
	k->fd = ci->connect_fd;
	atomic_init(&k->state, pack(time_mono_ms(), REAPER_IDLE));
	pthread_mutex_lock(&rp->lock);
	k->next = rp->head;
	if (rp->head != NULL)
		rp->head->prev = k;
	rp->head = k;
	pthread_mutex_unlock(&rp->lock);
	*socket_context = k;
}

static void unfollow(struct conn *k)
{
	struct reaper *rp = k->rp;
	pthread_mutex_lock(&rp->lock);
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		rp->head = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	pthread_mutex_unlock(&rp->lock);
	free(k);
}

void reaper_notify_connection(void *cls, struct MHD_Connection *c,
			      void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = NULL;
		follow(cls, c, socket_context);
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL) {
		unfollow(*socket_context);
		*socket_context = NULL;
	}
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

void *reaper_uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)uri;
	reaper_enter(c, REAPER_HEADERS);
	return NULL;
}

void reaper_enter(struct MHD_Connection *c, enum reaper_phase p)
{
	struct conn *k = conn_of(c);
	if (k == NULL)
		return;
	if (p == REAPER_IDLE || p == REAPER_HEADERS) {
		atomic_store(&k->state, pack(time_mono_ms(), p));
		atomic_store(&k->overdue_counted, false);
	} else {
		/* BODY and ANSWERING keep the request's start. */
		uint64_t s = atomic_load(&k->state);
		atomic_store(&k->state, pack(since_of(s), p));
	}
}

bool reaper_overdue(struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);
	if (k == NULL)
		return false;
	uint64_t s = atomic_load(&k->state);
	if (phase_of(s) != REAPER_BODY ||
	    time_mono_ms() < since_of(s) + k->rp->request_timeout_ms)
		return false;
	if (!atomic_exchange(&k->overdue_counted, true))
		metrics_count_request_timeout(k->rp->metrics,
					      METRICS_TIMEOUT_BODY, 1);
	return true;
}

int reaper_answer_overdue(struct MHD_Connection *c, const char *json,
			  size_t json_len)
{
	struct conn *k = conn_of(c);
	if (k == NULL)
		return -1;
	char date[64], head[256];
	time_t t = time(NULL);
	struct tm tm;
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
			 "Date: %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\n\r\n", date, json_len);
	assert(n > 0 && (size_t)n < sizeof(head));
	/* Nothing of this request was written yet and the send buffer is
	 * empty: a few hundred bytes go at once, or not at all. */
	struct iovec iov[2] = {{head, (size_t)n}, {(void *)json, json_len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t sent = sendmsg(k->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	/* FIN after the answer; the reaper closes the reading side at its
	 * next tick, so the answer is not lost to a reset. */
	shutdown(k->fd, SHUT_WR);
	atomic_store(&k->finish, true);
	return sent == (ssize_t)n + (ssize_t)json_len ? 0 : -1;
}
