/* events — see events.h. */
#include "events.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reqcheck.h"
#include "timeutil.h"
#include "errstr.h"

static const char *const reason_names[EVENT_REASON_COUNT] = {
	[EVENT_KAFKA_TIMEOUT] = "kafka_timeout",
	[EVENT_KAFKA_ERROR] = "kafka_error",
	[EVENT_QUEUE_FULL] = "queue_full",
	[EVENT_SHED_INFLIGHT] = "shed_inflight",
	[EVENT_BROKERS_DOWN] = "brokers_down",
	[EVENT_POSSIBLY_PERSISTED] = "possibly_persisted",
	[EVENT_LATE_DELIVERED] = "late_delivered",
	[EVENT_STOPPING] = "stopping",
	[EVENT_FATAL] = "fatal",
	[EVENT_BACKLOG_FULL] = "backlog_full",
};

const char *event_reason_name(enum event_reason r)
{
	assert(r >= 0 && r < EVENT_REASON_COUNT);
	return reason_names[r];
}

int events_format(char *buf, size_t size, int64_t ts_ms, const char *bank,
		  const char *terminal, enum event_reason reason, int intents,
		  const char *intent_id)
{
	if (size < EVENT_RECORD_MAX)
		return -1;
	char at[32];
	rfc3339_format_utc_ms(ts_ms, at, sizeof(at));
	/* bank and terminal come from the registry (small ASCII alphabets),
	 * but are escaped anyway so a record is always valid JSON. */
	size_t n = (size_t)snprintf(buf, size, "{\"ts_ms\":%" PRId64
				    ",\"at\":\"%s\",\"bank\":", ts_ms, at);
	if (reqcheck_json_string(bank, buf, size, &n) < 0)
		return -1;
	n += (size_t)snprintf(buf + n, size - n, ",\"terminal\":");
	if (reqcheck_json_string(terminal, buf, size, &n) < 0)
		return -1;
	n += (size_t)snprintf(buf + n, size - n, ",\"reason\":\"%s\",\"intents\":%d",
			      event_reason_name(reason), intents);
	if (intent_id != NULL)
		n += (size_t)snprintf(buf + n, size - n, ",\"intent_id\":\"%.36s\"",
				      intent_id);
	if (n + 3 > size)
		return -1;
	memcpy(buf + n, "}\n", 3);
	return (int)(n + 2);
}

struct events {
	int fd;
	char path[4096];
	char offset_path[4200];
	pthread_mutex_t lock;
	bool dirty;
	uint64_t forwarded; /* bytes of the file already in Kafka */
	atomic_uint_fast64_t written;
};

static uint64_t load_offset(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned long long v = 0;
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int events_open(const char *path, struct events **ret, char *errstr,
		size_t errstr_size)
{
	struct events *ev = calloc(1, sizeof(*ev));
	if (ev == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	if (snprintf(ev->path, sizeof(ev->path), "%s", path) >=
	    (int)sizeof(ev->path)) {
		errstr_set(errstr, errstr_size, "%s: path too long", path);
		free(ev);
		return -1;
	}
	snprintf(ev->offset_path, sizeof(ev->offset_path), "%s.forwarded", path);
	ev->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (ev->fd < 0) {
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
		free(ev);
		return -1;
	}
	pthread_mutex_init(&ev->lock, NULL);
	ev->forwarded = load_offset(ev->offset_path);
	/* A file truncated by hand behind the forwarder: start again. */
	off_t end = lseek(ev->fd, 0, SEEK_END);
	if (end >= 0 && (uint64_t)end < ev->forwarded)
		ev->forwarded = 0;
	*ret = ev;
	return 0;
}

int events_append(struct events *ev, int64_t ts_ms, const char *bank,
		  const char *terminal, enum event_reason reason, int intents,
		  const char *intent_id)
{
	char line[EVENT_RECORD_MAX];
	int n = events_format(line, sizeof(line), ts_ms, bank, terminal, reason,
			      intents, intent_id);
	assert(n > 0);
	/* One write(2) per record on O_APPEND: records never interleave. */
	pthread_mutex_lock(&ev->lock);
	ssize_t w = write(ev->fd, line, (size_t)n);
	ev->dirty = true;
	pthread_mutex_unlock(&ev->lock);
	if (w != n)
		return -1;
	atomic_fetch_add(&ev->written, 1);
	return 0;
}

int events_sync(struct events *ev)
{
	pthread_mutex_lock(&ev->lock);
	bool dirty = ev->dirty;
	ev->dirty = false;
	pthread_mutex_unlock(&ev->lock);
	return dirty ? fdatasync(ev->fd) : 0;
}

long events_pending(struct events *ev, char *buf, size_t size)
{
	/* A second descriptor for reading: the writer's is write-only. */
	int fd = open(ev->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = pread(fd, buf, size, (off_t)ev->forwarded);
	close(fd);
	if (r <= 0)
		return r < 0 ? -1 : 0;
	/* Only whole lines. */
	while (r > 0 && buf[r - 1] != '\n')
		r--;
	return (long)r;
}

int events_commit(struct events *ev, size_t len)
{
	ev->forwarded += len;
	char tmp[4300], text[32];
	snprintf(tmp, sizeof(tmp), "%s.tmp", ev->offset_path);
	int n = snprintf(text, sizeof(text), "%" PRIu64 "\n", ev->forwarded);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	int ok = fwrite(text, 1, (size_t)n, f) == (size_t)n;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, ev->offset_path) < 0)
		return -1;
	return 0;
}

uint64_t events_written(const struct events *ev)
{
	return atomic_load(&ev->written);
}

void events_close(struct events *ev)
{
	if (ev == NULL)
		return;
	events_sync(ev);
	close(ev->fd);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}
