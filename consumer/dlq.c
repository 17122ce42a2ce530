/* dlq — see dlq.h. */
#include "dlq.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"
#include "timeutil.h"

/* How long dlq_send waits for room in librdkafka's queue before failing
 * the message (a full queue means the broker is not taking them). */
#define DLQ_QUEUE_FULL_WAIT_MS 1000

struct dlq {
	rd_kafka_t *rk;
	char topic[256];
	int delivery_timeout_ms;
	int64_t delivered_count;
	int64_t failed_count;
};

/* Called exactly once per message, from rd_kafka_poll/flush. */
static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
			void *opaque)
{
	(void)rk;
	struct dlq *d = opaque;
	enum dlq_status *status = m->_private;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		d->delivered_count++;
		*status = DLQ_DELIVERED;
	} else {
		d->failed_count++;
		*status = DLQ_FAILED;
	}
}

int dlq_new(const struct kafka_props *props, const char *topic,
	    int delivery_timeout_ms, struct dlq **ret, char *errstr,
	    size_t errstr_size)
{
	assert(props != NULL && topic != NULL && ret != NULL);
	assert(delivery_timeout_ms > 0);
	struct dlq *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		errstr_set(errstr, errstr_size, "dlq: out of memory");
		return -1;
	}
	snprintf(d->topic, sizeof(d->topic), "%s", topic);
	d->delivery_timeout_ms = delivery_timeout_ms;
	char timeout[32];
	snprintf(timeout, sizeof(timeout), "%d", delivery_timeout_ms);
	/* The dead-letter producer's own settings, after the user's. */
	const struct kafka_prop forced[] = {
		/* Idempotence (implies acks=all, in-order retries):
		 * librdkafka's own retries never duplicate or reorder a dead
		 * letter. */
		{"enable.idempotence", "true"},
		{"acks", "all"},
		/* Bounded: past it the message fails and the consumer holds
		 * the partition instead of waiting forever. */
		{"message.timeout.ms", timeout},
		/* Dead letters are rare and the consumer waits for them
		 * before committing: send at once. */
		{"linger.ms", "0"},
	};
	const struct kafka_client_spec spec = {
		.type = RD_KAFKA_PRODUCER,
		.name = "dlq",
		.user = props,
		.forced = forced,
		.forced_count = sizeof(forced) / sizeof(forced[0]),
		.opaque = d,
		.dr_msg_cb = on_delivery,
	};
	d->rk = kafka_client_new(&spec, errstr, errstr_size);
	if (d->rk == NULL) {
		free(d);
		return -1;
	}
	*ret = d;
	return 0;
}

int dlq_send(struct dlq *d, const rd_kafka_message_t *msg,
	     const char *error, enum dlq_status *status, char *errstr,
	     size_t errstr_size)
{
	assert(d != NULL && msg != NULL && error != NULL && status != NULL);
	char partition[16], offset[32];
	const char *topic = rd_kafka_topic_name(msg->rkt);
	snprintf(partition, sizeof(partition), "%" PRId32, msg->partition);
	snprintf(offset, sizeof(offset), "%" PRId64, msg->offset);
	*status = DLQ_PENDING;
	int64_t deadline_ms = time_mono_ms() + DLQ_QUEUE_FULL_WAIT_MS;
	rd_kafka_resp_err_t err;
	for (;;) {
		err = rd_kafka_producev(
			d->rk, RD_KAFKA_V_TOPIC(d->topic),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_VALUE(msg->payload, msg->len),
			RD_KAFKA_V_KEY(msg->key, msg->key_len),
			RD_KAFKA_V_HEADER("tasdid.error", error, -1),
			RD_KAFKA_V_HEADER("tasdid.topic", topic, -1),
			RD_KAFKA_V_HEADER("tasdid.partition", partition, -1),
			RD_KAFKA_V_HEADER("tasdid.offset", offset, -1),
			RD_KAFKA_V_OPAQUE(status), RD_KAFKA_V_END);
		/* Only a full queue is worth a retry, after serving
		 * delivery reports to make room. */
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL ||
		    time_mono_ms() >= deadline_ms)
			break;
		rd_kafka_poll(d->rk, 50 /* ms */);
	}
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*status = DLQ_FAILED;
		d->failed_count++;
		errstr_set(errstr, errstr_size, "dead letter to %s: %s", d->topic,
			rd_kafka_err2str(err));
		return -1;
	}
	return 0;
}

int dlq_flush(struct dlq *d, int timeout_ms)
{
	assert(d != NULL);
	rd_kafka_flush(d->rk, timeout_ms);
	return rd_kafka_outq_len(d->rk);
}

int64_t dlq_delivered_count(const struct dlq *d)
{
	return d->delivered_count;
}

int64_t dlq_failed_count(const struct dlq *d)
{
	return d->failed_count;
}

void dlq_free(struct dlq *d)
{
	if (d == NULL)
		return;
	rd_kafka_flush(d->rk, d->delivery_timeout_ms);
	rd_kafka_destroy(d->rk);
	free(d);
}
