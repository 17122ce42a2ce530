/* broker — see broker.h. The mock cluster needs an rd_kafka_t for its own
 * book-keeping; a producer handle that never produces serves. */
#include "broker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "errstr.h"
#include "kafka.h"

struct broker {
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mcluster;
	int broker_count;
};

int broker_start(int broker_count, struct broker **ret, char *errstr,
		 size_t errstr_size)
{
	if (broker_count < 1 || broker_count > 16) {
		errstr_set(errstr, errstr_size, "broker count must be 1-16");
		return -1;
	}
	struct broker *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	/* The handle only hosts the cluster: keep its own logging quiet. */
	const struct kafka_prop defaults[] = {{"log_level", "3"}};
	const struct kafka_client_spec spec = {
		.type = RD_KAFKA_PRODUCER,
		.name = "cannot create Kafka handle",
		.defaults = defaults,
		.defaults_count = 1,
	};
	b->rk = kafka_client_new(&spec, errstr, errstr_size);
	if (b->rk == NULL) {
		free(b);
		return -1;
	}
	b->mcluster = rd_kafka_mock_cluster_new(b->rk, broker_count);
	if (b->mcluster == NULL) {
		errstr_set(errstr, errstr_size, "cannot start the mock cluster");
		rd_kafka_destroy(b->rk);
		free(b);
		return -1;
	}
	b->broker_count = broker_count;
	*ret = b;
	return 0;
}

const char *broker_bootstraps(const struct broker *b)
{
	return rd_kafka_mock_cluster_bootstraps(b->mcluster);
}

int broker_create_topic(struct broker *b, const char *topic, int partitions,
			char *errstr, size_t errstr_size)
{
	rd_kafka_resp_err_t err =
		rd_kafka_mock_topic_create(b->mcluster, topic, partitions, 1);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR &&
	    err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
		errstr_set(errstr, errstr_size, "cannot create topic %s: %s", topic,
			rd_kafka_err2str(err));
		return -1;
	}
	return 0;
}

int broker_set_down(struct broker *b)
{
	for (int id = 1; id <= b->broker_count; id++)
		if (rd_kafka_mock_broker_set_down(b->mcluster, id) != 0)
			return -1;
	return 0;
}

int broker_set_up(struct broker *b)
{
	for (int id = 1; id <= b->broker_count; id++)
		if (rd_kafka_mock_broker_set_up(b->mcluster, id) != 0)
			return -1;
	return 0;
}

void broker_stop(struct broker *b)
{
	if (b == NULL)
		return;
	rd_kafka_mock_cluster_destroy(b->mcluster);
	rd_kafka_destroy(b->rk);
	free(b);
}
