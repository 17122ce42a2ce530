/* broker — the embedded Kafka broker: librdkafka's mock cluster
 * (rdkafka_mock.h). It speaks the real Kafka protocol on loopback, so every
 * program talks to it exactly as to a real cluster, but it KEEPS DATA IN
 * MEMORY ONLY, bounded (about 5 MiB per partition; older data is dropped
 * silently) and is for trying and testing only, never for production. */
#ifndef TASDID_BROKER_H
#define TASDID_BROKER_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

struct broker;

/* Start a mock cluster of broker_count brokers on loopback (random ports).
 * Returns 0 and *ret (owned by the caller; broker_stop() frees it) or -1
 * with errstr. */
int broker_start(int broker_count, struct broker **ret, char *errstr,
		 size_t errstr_size);

/* The bootstrap.servers list ("127.0.0.1:PORT,..."); valid until stop. */
const char *broker_bootstraps(const struct broker *b);

/* Create a topic with the given partitions and replication factor 1.
 * Creating an existing topic is not an error. */
int broker_create_topic(struct broker *b, const char *topic, int partitions,
			char *errstr, size_t errstr_size);

/* Take every broker down (connections dropped and refused) or up again:
 * how tests and the demo simulate an outage. */
int broker_set_down(struct broker *b);
int broker_set_up(struct broker *b);

/* Stop the cluster and free b; NULL is fine. */
void broker_stop(struct broker *b);

#endif
