/* intake — the HTTP intake server: libmicrohttpd in front, one idempotent
 * librdkafka producer behind (docs/intake.md, docs/api.md).
 *
 * A request is authenticated, admitted (or shed at once), validated,
 * produced, and its connection suspended; the delivery reports resume it,
 * or the answer deadline does, whichever comes first. 202 only for an
 * intent whose delivery report said it is written; everything else the
 * terminal is told truthfully (4xx or 503 + Retry-After). */
#ifndef TASDID_INTAKE_H
#define TASDID_INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "guard.h"
#include "kafka.h"
#include "reqcheck.h"

struct intake_opts {
	const char *listen_addr;     /* IPv4 address, e.g. "127.0.0.1" */
	int port;
	int64_t answer_timeout_ms;   /* every request is answered within this */
	int64_t inflight_max;        /* intents waiting for delivery reports */
	int64_t batch_max;           /* intents per batch request */
	int64_t connections_max;
	int64_t connection_timeout_s;/* idle keep-alive connections closed */
	int64_t request_timeout_ms;  /* to read a request: reaper.h */
	int64_t retry_after_s;       /* Retry-After of every 503 */
	int64_t threads;             /* libmicrohttpd worker threads */
	struct reqcheck_limits limits;
	const char *events_path;     /* the events log */
	const char *events_topic;
	bool no_produce;             /* bench only: answer 202 without Kafka */
	/* The backlog guard (guard.h): mode, partition_bytes and
	 * margin_permille from [intake]; batch_bytes and partitioner are
	 * filled in from the producer's configuration. */
	struct guard_opts guard;
};

struct intake;

/* Create the producer and start serving. cfg must outlive the intake;
 * props are copied into the producer's configuration (after the intake's
 * own defaults; acks, enable.idempotence and message.timeout.ms are forced
 * afterwards, since the answer semantics depend on them). Returns 0 and
 * *ret, or -1 with errstr. */
int intake_start(const struct config *cfg, const struct kafka_props *props,
		 const struct intake_opts *opts, struct intake **ret,
		 char *errstr, size_t errstr_size);

/* True once librdkafka reported a fatal (idempotence) error: the intake
 * then answers 503 to everything and the program must stop, non-zero. */
bool intake_fatal(const struct intake *ik);

/* True while every biller's topic is in Kafka's metadata (as /readyz). */
bool intake_ready(const struct intake *ik);

/* Stop taking new connections and answer new requests on open ones with
 * 503 (reason "stopping"), then wait up to timeout_ms for every suspended
 * request to be answered. Returns the number still unanswered (0 normally:
 * the answer deadline resolves each within answer_timeout_ms). */
int intake_drain(struct intake *ik, int64_t timeout_ms);

/* Stop the server, flush the producer for at most flush_timeout_ms, free.
 * Returns the number of messages left unflushed. NULL is fine. */
int intake_stop(struct intake *ik, int64_t flush_timeout_ms);

#endif
