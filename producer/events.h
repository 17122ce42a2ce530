/* events — the intake's record of every request it did not accept for a
 * reason of its own (shed, Kafka failed or timed out, shutting down), and of
 * intents whose fate it could not tell the terminal (possibly persisted,
 * delivered after a 503). The nightly job reads these to find outage
 * windows (docs/intake.md defines the record).
 *
 * The record of truth is a local append-only JSON-lines file, written with
 * write(2) on O_APPEND (a crash of the process loses nothing) and fsync'd in
 * batches by events_sync() (a power loss loses at most the last sync
 * interval). A forwarder copies the file to a Kafka topic when Kafka is
 * available, at least once, keeping its position in PATH.forwarded. */
#ifndef TASDID_EVENTS_H
#define TASDID_EVENTS_H

#include <stddef.h>
#include <stdint.h>

enum event_reason {
	EVENT_KAFKA_TIMEOUT,      /* no delivery report before the deadline */
	EVENT_KAFKA_ERROR,        /* delivery report with another error */
	EVENT_QUEUE_FULL,         /* librdkafka's local queue was full */
	EVENT_SHED_INFLIGHT,      /* [intake] inflight_max reached */
	EVENT_BROKERS_DOWN,       /* every broker known down: shed at once */
	EVENT_POSSIBLY_PERSISTED, /* 503 answered, but the message may be in Kafka */
	EVENT_LATE_DELIVERED,     /* 503 answered, then Kafka confirmed it */
	EVENT_STOPPING,           /* the intake is shutting down */
	EVENT_FATAL,              /* the producer hit a fatal error */
	EVENT_BACKLOG_FULL,       /* the partition could not hold more unposted
	                           * intents (producer/guard.h) */
	EVENT_REASON_COUNT
};

/* "kafka_timeout", "queue_full", ... (the record's "reason"). */
const char *event_reason_name(enum event_reason r);

/* Longest record events_format() writes, newline included. */
#define EVENT_RECORD_MAX 400

/* Format one record as a JSON line ending in '\n':
 *   {"ts_ms":N,"at":"RFC3339","bank":B,"terminal":T,"reason":R,
 *    "intents":N[,"intent_id":ID]}
 * intent_id may be NULL (the record is about a request of `intents`
 * intents). Returns the length, or -1 when size < EVENT_RECORD_MAX. */
int events_format(char *buf, size_t size, int64_t ts_ms, const char *bank,
		  const char *terminal, enum event_reason reason, int intents,
		  const char *intent_id);

struct events;

/* Open (create) the log at path for appending. Returns 0 and *ret, or -1
 * with errstr. Thread-safe once open. */
int events_open(const char *path, struct events **ret, char *errstr,
		size_t errstr_size);

/* Append one record (see events_format). Returns 0, or -1 when the write
 * failed (the caller counts it; the answer to the terminal is unchanged). */
int events_append(struct events *ev, int64_t ts_ms, const char *bank,
		  const char *terminal, enum event_reason reason, int intents,
		  const char *intent_id);

/* fsync the file if anything was appended since the last sync. */
int events_sync(struct events *ev);

/* Forwarding: copy into buf up to size bytes of whole lines not yet
 * forwarded. Returns their length (0: nothing new), or -1 on error. */
long events_pending(struct events *ev, char *buf, size_t size);

/* The first len bytes handed out by events_pending() are in Kafka: move
 * the forwarded position past them and store it. Returns 0 or -1. */
int events_commit(struct events *ev, size_t len);

/* Records appended since open, and write failures. */
uint64_t events_written(const struct events *ev);

/* Sync and close; NULL is fine. */
void events_close(struct events *ev);

#endif
