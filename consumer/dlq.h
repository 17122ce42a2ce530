/* dlq — the dead-letter producer: messages the consumer cannot post
 * (poison) are written, byte for byte, to the dead-letter topic with the
 * reason and their origin in headers, so nothing is dropped and no
 * partition stalls on them:
 *
 *   value = the original value (may be empty), key = the original key
 *   tasdid.error     = why it could not be posted (printable text)
 *   tasdid.topic     = original topic
 *   tasdid.partition = original partition, decimal
 *   tasdid.offset    = original offset, decimal
 *
 * Its own idempotent producer (acks=all), so a retry inside librdkafka
 * never writes a dead letter twice; a consumer crash between the dead
 * letter's delivery and the ledger commit can (at least once: a reader of
 * the topic dedupes by topic, partition and offset).
 *
 * The consumer sends a batch's dead letters, then dlq_flush()es and only
 * moves a partition's stored offset past a poison message whose delivery
 * was confirmed. */
#ifndef TASDID_DLQ_H
#define TASDID_DLQ_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "kafka.h"

/* Delivery state of one dead letter, written by the delivery report. */
enum dlq_status {
	DLQ_PENDING = 0,
	DLQ_DELIVERED = 1,
	DLQ_FAILED = 2,
};

struct dlq;

/* A producer to topic with props (copied into the conf; the dead-letter
 * settings of dlq.c are applied after them and win). delivery_timeout_ms
 * bounds how long one dead letter may take before it counts as failed.
 * Returns 0 and *ret (free with dlq_free()), or -1 with errstr. */
int dlq_new(const struct kafka_props *props, const char *topic,
	    int delivery_timeout_ms, struct dlq **ret, char *errstr,
	    size_t errstr_size);

/* Enqueue msg (borrowed for the call: its bytes are copied) as a dead
 * letter with reason error. *status is set to DLQ_PENDING now and to
 * DLQ_DELIVERED or DLQ_FAILED by dlq_poll()/dlq_flush(); it must stay
 * valid until then. Returns 0, or -1 with errstr (and *status =
 * DLQ_FAILED) when librdkafka refuses it (queue full after waiting,
 * fatal error). */
int dlq_send(struct dlq *d, const rd_kafka_message_t *msg,
	     const char *error, enum dlq_status *status, char *errstr,
	     size_t errstr_size);

/* Serve delivery reports until every dead letter sent so far has one or
 * timeout_ms passes. Returns the number still undelivered (0: all
 * reported; their statuses say which failed). */
int dlq_flush(struct dlq *d, int timeout_ms);

/* Dead letters confirmed / failed since dlq_new(). */
int64_t dlq_delivered_count(const struct dlq *d);
int64_t dlq_failed_count(const struct dlq *d);

/* Flush (bounded by the delivery timeout) and free; NULL is fine. */
void dlq_free(struct dlq *d);

#endif
