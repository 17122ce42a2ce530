/* guard — the intake's promise that a 202 is not undone by the broker
 * dropping data (docs/intake.md, "The backlog guard").
 *
 * The embedded broker (librdkafka's mock cluster, lib/broker.h) keeps at
 * most 5 MiB of record batches per partition and silently drops the oldest
 * batch when an append goes past it, whether or not the posting consumer
 * has read it. A real cluster does the same at its retention limit. The
 * guard sheds an intent (503, reason backlog_full) before its partition
 * could hold more unposted bytes than it can keep.
 *
 * How full a partition is comes from sources that do not need the posting
 * consumer to be alive: the partition's high watermark (asked of the
 * broker, and raised by this intake's own delivery reports) and the offset
 * the biller's ledger stores as posted (kafka_offsets, the consumer's
 * source of truth; a consumer that is down simply stops moving it). Every
 * unposted message is charged GUARD_MESSAGE_BYTES_MAX, an upper bound on
 * what one of our messages can occupy in the broker, and every intent
 * produced and not yet reported is reserved the same. An intent is
 * admitted only if the partition's charge stays within
 *     capacity - (batch.size + one batch header) - capacity * margin
 * (the front batch may hold already-posted messages and still be kept
 * whole; the margin is for producers other than this intake).
 *
 * To admit per partition the guard picks the partition itself, with the
 * same hash librdkafka's configured partitioner uses, and the intake
 * produces to it explicitly. While the guard is inactive (off, or auto
 * against a real cluster) nothing changes on the produce path. */
#ifndef TASDID_GUARD_H
#define TASDID_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "intent.h"

enum guard_mode {
	GUARD_AUTO, /* on when the broker is librdkafka's mock cluster */
	GUARD_ON,   /* on against any cluster ([intake] guard_partition_bytes) */
	GUARD_OFF,  /* never; warned loudly on the mock cluster */
};

/* The mock cluster's bound (rdkafka_mock.c, librdkafka 2.0.2:
 * mpart->max_size = 5 MiB of record batches per partition; its other
 * bound, 100000 batches, cannot bind first: every batch has a 61-byte
 * header and 100000 * 61 > 5 MiB). */
#define GUARD_MOCK_PARTITION_BYTES (5 * 1024 * 1024)
/* A v2 record batch's header; a message alone in its batch carries it. */
#define GUARD_BATCH_HEADER_BYTES 61
/* A record's own framing, each varint at its widest: length 5, attributes
 * 1, timestamp delta 10, offset delta 5, key length 5, value length 5,
 * header count 1. */
#define GUARD_RECORD_OVERHEAD_BYTES 32
/* The most one intent can occupy in the broker: alone in a batch, the
 * longest key (an account) and the longest value intent_encode() writes. */
#define GUARD_MESSAGE_BYTES_MAX                                              \
	(GUARD_BATCH_HEADER_BYTES + GUARD_RECORD_OVERHEAD_BYTES +            \
	 INTENT_ACCOUNT_MAX + INTENT_JSON_MAX)
#define GUARD_PARTITIONS_MAX 1024 /* per topic */
#define GUARD_REFRESH_MS 250      /* watermarks and ledger offsets */

struct guard_opts {
	enum guard_mode mode;
	int64_t partition_bytes;  /* what a partition can keep */
	int64_t margin_permille;  /* of partition_bytes, kept free */
	int64_t batch_bytes;      /* the producer's batch.size */
	char partitioner[32];     /* the producer's partitioner property */
};

/* Fill o->batch_bytes and o->partitioner from the producer's conf (before
 * rd_kafka_new takes it). Returns 0, or -1 with errstr. */
int guard_opts_from_conf(const rd_kafka_conf_t *conf, struct guard_opts *o,
			 char *errstr, size_t errstr_size);

/* "auto", "on", "off" -> *ret; -1 for anything else. */
int guard_mode_parse(const char *text, enum guard_mode *ret);
const char *guard_mode_name(enum guard_mode mode);

struct guard;

/* Create the guard for cfg's billers (in config order; cfg must outlive
 * it) and start its refresh thread, which asks the cluster through a
 * handle of its own made from conf (a copy of the intake producer's; taken
 * in every case): its queries must neither wait behind produce requests
 * nor hold up a stop. Refused, with errstr: a partitioner the guard cannot
 * reproduce (random), a budget too small for one intent. Returns 0 and
 * *ret (free with guard_stop()), or -1. */
int guard_start(const struct config *cfg, rd_kafka_conf_t *conf,
		const struct guard_opts *opts, struct guard **ret,
		char *errstr, size_t errstr_size);

/* Stop the thread, close the ledgers, free. NULL is fine. */
void guard_stop(struct guard *g);

/* True when intents of billers are admitted by the guard (produced to
 * the partition guard_admit chose). False while inactive: produce as
 * before, without a partition. While auto has not yet learnt what the
 * cluster is, the guard is active and sheds (it cannot vouch). */
bool guard_active(const struct guard *g);

/* "on", "off" or "unknown" (auto, cluster not yet identified). */
const char *guard_state_name(const struct guard *g);

/* Admit one intent of biller biller_index keyed by key: on success
 * returns 0 with *ret_partition, and the intent's bytes reserved until
 * guard_delivered(). -1: shed it (backlog_full). Thread-safe. */
int guard_admit(struct guard *g, size_t biller_index, const char *key,
		size_t key_len, int32_t *ret_partition);

/* The delivery report of an admitted intent (any thread): releases its
 * reservation; offset (when delivered) raises the partition's known high
 * watermark. Also for a produce call that failed (delivered false,
 * offset -1). */
void guard_delivered(struct guard *g, size_t biller_index, int32_t partition,
		     bool delivered, int64_t offset);

#endif
