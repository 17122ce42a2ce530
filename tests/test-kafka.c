/* Kafka properties and the embedded broker: properties resolve in the
 * documented order, and a message produced through the embedded broker is
 * read back exactly, by a client that knows nothing but bootstrap.servers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "kafka.h"
#include "timeutil.h"
#include "check_run.h"

START_TEST(test_props_bad)
{
	struct kafka_props props = {0};
	char err[256];
	ck_assert_int_eq(kafka_props_set_pair(&props, "no-equals", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'no-equals': expected key=value");
	ck_assert_int_eq(kafka_props_set_pair(&props, "=v", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty property name");
	ck_assert_int_eq(kafka_props_load_file(&props, "/nonexistent.properties",
					       err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent.properties:0: cannot open: No such file or directory");
	ck_assert_uint_eq(props.count, 0);

	char path[] = "/tmp/tasdid-props-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char text[] = "# comment\n\nacks=all\nbroken line\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);
	ck_assert_int_eq(kafka_props_load_file(&props, path, err, sizeof(err)), -1);
	char want[300];
	snprintf(want, sizeof(want), "%s:4: 'broken line': expected key=value", path);
	ck_assert_str_eq(err, want);
	unlink(path);

	/* librdkafka's own refusal names the property. */
	kafka_props_clear(&props);
	ck_assert_int_eq(kafka_props_set(&props, "no.such.property", "1", err, sizeof(err)), 0);
	ck_assert_ptr_null(kafka_conf_new(&props, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "Kafka property no.such.property: "));
	kafka_props_clear(&props);
}
END_TEST

START_TEST(test_props_precedence)
{
	struct kafka_props props = {0}, cli = {0};
	char err[256];
	char path[] = "/tmp/tasdid-props-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char text[] = "! comment\nclient.id = from-file\r\nlinger.ms=7\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	close(fd);

	ck_assert_int_eq(kafka_props_set(&props, "client.id", "from-config", err, sizeof(err)), 0);
	ck_assert_int_eq(kafka_props_cli_option(&cli, 'F', path, err, sizeof(err)), 1);
	ck_assert_int_eq(kafka_props_cli_option(&cli, 'b', "127.0.0.1:1", err, sizeof(err)), 1);
	ck_assert_int_eq(kafka_props_cli_option(&cli, 'X', "linger.ms = 9", err, sizeof(err)), 1);
	ck_assert_int_eq(kafka_props_cli_option(&cli, 'q', "x", err, sizeof(err)), 0);
	ck_assert_int_eq(kafka_props_append(&props, &cli, err, sizeof(err)), 0);
	unlink(path);

	ck_assert_str_eq(kafka_props_get(&props, "client.id"), "from-file");
	ck_assert_str_eq(kafka_props_get(&props, "linger.ms"), "9");
	ck_assert_str_eq(kafka_props_get(&props, "bootstrap.servers"), "127.0.0.1:1");
	ck_assert_ptr_null(kafka_props_get(&props, "acks"));

	rd_kafka_conf_t *conf = kafka_conf_new(&props, err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	char val[64];
	size_t val_size = sizeof(val);
	ck_assert_int_eq(rd_kafka_conf_get(conf, "linger.ms", val, &val_size), RD_KAFKA_CONF_OK);
	ck_assert_str_eq(val, "9");
	rd_kafka_conf_destroy(conf);
	kafka_props_clear(&props);
	kafka_props_clear(&cli);
}
END_TEST

static int delivered_ok, delivered_failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
		delivered_ok++;
	else
		delivered_failed++;
}

#define MESSAGES 500

/* kafka_client_new: defaults, then the deployment's, then the forced
 * ones, whatever each list holds; a bad property is named. */
static const char *conf_value(rd_kafka_t *rk, const char *key, char *buf,
			      size_t size)
{
	size_t len = size;
	ck_assert_int_eq(rd_kafka_conf_get(rd_kafka_conf(rk), key, buf, &len),
			 RD_KAFKA_CONF_OK);
	return buf;
}

START_TEST(test_client_order)
{
	struct kafka_props user = {0};
	char err[256], v[64];
	ck_assert_int_eq(kafka_props_set(&user, "client.id", "from-user", err, sizeof(err)), 0);
	ck_assert_int_eq(kafka_props_set(&user, "linger.ms", "9", err, sizeof(err)), 0);
	const struct kafka_prop defaults[] = {
		{"client.id", "from-default"}, {"linger.ms", "1"}, {"batch.num.messages", "77"},
	};
	const struct kafka_prop forced[] = {{"linger.ms", "3"}};
	struct kafka_client_spec spec = {
		.type = RD_KAFKA_PRODUCER, .name = "test",
		.defaults = defaults, .defaults_count = 3,
		.user = &user, .forced = forced, .forced_count = 1,
	};
	rd_kafka_t *rk = kafka_client_new(&spec, err, sizeof(err));
	ck_assert_ptr_nonnull(rk);
	ck_assert_str_eq(conf_value(rk, "client.id", v, sizeof(v)), "from-user");
	ck_assert_str_eq(conf_value(rk, "linger.ms", v, sizeof(v)), "3");
	ck_assert_str_eq(conf_value(rk, "batch.num.messages", v, sizeof(v)), "77");
	rd_kafka_destroy(rk);

	const struct kafka_prop bad[] = {{"no.such.property", "1"}};
	spec.forced = bad;
	ck_assert_ptr_null(kafka_client_new(&spec, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "Kafka property no.such.property: "));
	kafka_props_clear(&user);
}
END_TEST

START_TEST(test_broker_round_trip)
{
	char err[512];
	struct broker *b = NULL;
	ck_assert_int_eq(broker_start(1, &b, err, sizeof(err)), 0);
	ck_assert_int_eq(broker_create_topic(b, "t.round", 3, err, sizeof(err)), 0);
	ck_assert_int_eq(broker_create_topic(b, "t.round", 3, err, sizeof(err)), 0);

	/* Producer: only bootstrap.servers from the broker, the rest as the
	 * intake sets it. */
	struct kafka_props props = {0};
	ck_assert_int_eq(kafka_props_set(&props, "bootstrap.servers", broker_bootstraps(b), err, sizeof(err)), 0);
	ck_assert_int_eq(kafka_props_set(&props, "enable.idempotence", "true", err, sizeof(err)), 0);
	ck_assert_int_eq(kafka_props_set(&props, "acks", "all", err, sizeof(err)), 0);
	rd_kafka_conf_t *conf = kafka_conf_new(&props, err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	ck_assert_ptr_nonnull(producer);
	for (int i = 0; i < MESSAGES; i++) {
		char payload[32];
		int n = snprintf(payload, sizeof(payload), "msg-%04d", i);
		ck_assert_int_eq(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("t.round"),
						   RD_KAFKA_V_PARTITION(i % 3),
						   RD_KAFKA_V_VALUE(payload, (size_t)n),
						   RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
						   RD_KAFKA_V_END),
				 RD_KAFKA_RESP_ERR_NO_ERROR);
	}
	ck_assert_int_eq(rd_kafka_flush(producer, 10 * 1000 /* 10 s */), RD_KAFKA_RESP_ERR_NO_ERROR);
	ck_assert_int_eq(delivered_ok, MESSAGES);
	ck_assert_int_eq(delivered_failed, 0);
	rd_kafka_destroy(producer);

	/* Consumer: assign partitions directly (no group, no join delay). */
	conf = kafka_conf_new(&props, err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(rd_kafka_conf_set(conf, "group.id", "test", err, sizeof(err)), RD_KAFKA_CONF_OK);
	rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	ck_assert_ptr_nonnull(consumer);
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(3);
	for (int p = 0; p < 3; p++)
		rd_kafka_topic_partition_list_add(parts, "t.round", p)->offset = RD_KAFKA_OFFSET_BEGINNING;
	ck_assert_int_eq(rd_kafka_assign(consumer, parts), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_topic_partition_list_destroy(parts);

	int seen[MESSAGES] = {0};
	int got = 0;
	int64_t deadline_ms = time_mono_ms() + 20 * 1000;
	while (got < MESSAGES && time_mono_ms() < deadline_ms) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			int i;
			ck_assert_int_eq(sscanf((const char *)m->payload, "msg-%4d", &i), 1);
			ck_assert_int_eq(m->partition, i % 3);
			seen[i]++;
			got++;
		}
		rd_kafka_message_destroy(m);
	}
	ck_assert_int_eq(got, MESSAGES);
	for (int i = 0; i < MESSAGES; i++)
		ck_assert_int_eq(seen[i], 1);
	rd_kafka_consumer_close(consumer);
	rd_kafka_destroy(consumer);
	kafka_props_clear(&props);
	broker_stop(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kafka");
	TCase *tc = tcase_create("kafka");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_props_bad);
	tcase_add_test(tc, test_props_precedence);
	tcase_add_test(tc, test_client_order);
	tcase_add_test(tc, test_broker_round_trip);
	suite_add_tcase(s, tc);
	return check_run(s);
}
