/* tasdid demo — what `./run demo` runs.
 *
 * At this stage of the project it shows the foundation working end to end
 * on the embedded broker, and says plainly what it does not do yet: it
 * starts the broker (librdkafka's mock cluster: IN MEMORY ONLY), creates
 * the billers' topics, produces generated payment intents with the same
 * producer settings the intake uses (acks=all, idempotence), reads every one
 * back and decodes it with the queue-side codec, and checks that the
 * amounts add up to the minor unit. The full day (intake, posting,
 * settlement) replaces this once those parts exist. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker.h"
#include "commands.h"
#include "intent.h"
#include "kafka.h"
#include "log.h"
#include "money.h"
#include "timeutil.h"

#define DEMO_TOPIC "tasdid.demo.intents"
#define DEMO_PARTITIONS 4
#define DEMO_COUNT_DEFAULT 10000
#define DEMO_COUNT_MAX 200000 /* the mock cluster keeps ~5 MiB per partition */
#define DEMO_READ_TIMEOUT_MS (30 * 1000)

struct demo_counts {
	int64_t delivered, failed;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
			void *opaque)
{
	(void)rk;
	struct demo_counts *c = opaque;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
		c->delivered++;
	else
		c->failed++;
}

/* A deterministic intent number i: amounts vary so that the sum checks
 * real arithmetic, and keys are unique so the ids are. */
static void make_intent(uint64_t seed, long i, struct intent *in)
{
	memset(in, 0, sizeof(*in));
	in->schema_version = INTENT_SCHEMA_VERSION;
	snprintf(in->idempotency_key, sizeof(in->idempotency_key), "demo-%lu-%ld",
		 (unsigned long)seed, i);
	snprintf(in->bank, sizeof(in->bank), "BNK%ld", 1 + i % 3);
	snprintf(in->terminal, sizeof(in->terminal), "T%04ld", i % 97);
	static const char *billers[] = {"water", "electricity", "phone", "internet"};
	snprintf(in->biller, sizeof(in->biller), "%s", billers[i % 4]);
	snprintf(in->account, sizeof(in->account), "%08ld", 10000000 + (i * 7919) % 500000);
	in->amount_minor = 100 * (1000 + (int64_t)((seed + (uint64_t)i * 2654435761u) % 90000));
	memcpy(in->currency, "SYP", 4);
	in->paid_at_ms = 1795000000000 + i * 250; /* 2026-11-19, a payment every 250 ms */
	rfc3339_format_utc_ms(in->paid_at_ms, in->paid_at, sizeof(in->paid_at));
	in->channel = (enum intent_channel)(i % 5);
	intent_derive_id(in);
	intent_stamp_received(in, in->paid_at_ms + 1500);
}

static int produce_all(const struct kafka_props *props, uint64_t seed, long count,
		       int64_t *ret_total_minor)
{
	char err[512];
	struct demo_counts c = {0};
	rd_kafka_conf_t *conf = kafka_conf_new(props, err, sizeof(err));
	/* The intake's durability settings: written by all in-sync replicas,
	 * and no duplicates from the producer's own retries. */
	if (conf == NULL ||
	    rd_kafka_conf_set(conf, "acks", "all", err, sizeof(err)) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err)) != RD_KAFKA_CONF_OK) {
		log_error("%s", err);
		if (conf != NULL)
			rd_kafka_conf_destroy(conf);
		return -1;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &c);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (rk == NULL) {
		log_error("%s", err);
		rd_kafka_conf_destroy(conf);
		return -1;
	}
	int64_t total = 0;
	for (long i = 0; i < count; i++) {
		struct intent in;
		char json[INTENT_JSON_MAX + 1];
		make_intent(seed, i, &in);
		int n = intent_encode(&in, json, sizeof(json));
		if (n < 0 || money_add(total, in.amount_minor, &total) < 0)
			abort(); /* generated input: a failure here is a bug */
		rd_kafka_resp_err_t e;
		while ((e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(DEMO_TOPIC),
					      RD_KAFKA_V_KEY(in.account, strlen(in.account)),
					      RD_KAFKA_V_VALUE(json, (size_t)n),
					      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
					      RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
			rd_kafka_poll(rk, 10 /* ms */);
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			log_error("produce: %s", rd_kafka_err2str(e));
			break;
		}
		rd_kafka_poll(rk, 0);
	}
	rd_kafka_flush(rk, 30 * 1000 /* 30 s */);
	int outq = rd_kafka_outq_len(rk);
	rd_kafka_destroy(rk);
	printf("  produced  %" PRId64 " intents (acks=all, idempotent), %" PRId64
	       " failed, %d undelivered\n", c.delivered, c.failed, outq);
	*ret_total_minor = total;
	return c.delivered == count && c.failed == 0 && outq == 0 ? 0 : -1;
}

static int read_back(const struct kafka_props *props, long count,
		     int64_t *ret_total_minor, long *ret_decoded)
{
	char err[512];
	rd_kafka_conf_t *conf = kafka_conf_new(props, err, sizeof(err));
	if (conf == NULL || rd_kafka_conf_set(conf, "group.id", "tasdid-demo", err,
					      sizeof(err)) != RD_KAFKA_CONF_OK) {
		log_error("%s", err);
		if (conf != NULL)
			rd_kafka_conf_destroy(conf);
		return -1;
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (rk == NULL) {
		log_error("%s", err);
		rd_kafka_conf_destroy(conf);
		return -1;
	}
	rd_kafka_topic_partition_list_t *parts =
		rd_kafka_topic_partition_list_new(DEMO_PARTITIONS);
	for (int p = 0; p < DEMO_PARTITIONS; p++)
		rd_kafka_topic_partition_list_add(parts, DEMO_TOPIC, p)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, parts);
	rd_kafka_topic_partition_list_destroy(parts);

	long got = 0, decoded = 0;
	int64_t total = 0;
	int64_t deadline_ms = time_mono_ms() + DEMO_READ_TIMEOUT_MS;
	while (got < count && time_mono_ms() < deadline_ms) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100 /* ms */);
		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			struct intent in;
			struct intent_error ie;
			got++;
			if (intent_decode(m->payload, m->len, INTENT_FROM_QUEUE, &in, &ie) == 0) {
				decoded++;
				money_add(total, in.amount_minor, &total);
			} else {
				log_error("offset %" PRId64 ": %s: %s", m->offset, ie.field, ie.reason);
			}
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	printf("  read back %ld messages, %ld decoded as valid intents\n", got, decoded);
	*ret_total_minor = total;
	*ret_decoded = decoded;
	return 0;
}

static void demo_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid demo [--count N] [--seed S]\n"
		"\n"
		"Starts the embedded broker (librdkafka's mock cluster: IN MEMORY ONLY,\n"
		"for trying and testing), produces N generated payment intents with\n"
		"the intake's producer settings, reads them back, decodes them and\n"
		"checks the totals to the minor unit. (default N %d, at most %d)\n",
		DEMO_COUNT_DEFAULT, DEMO_COUNT_MAX);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"count", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	long count = DEMO_COUNT_DEFAULT;
	unsigned long seed = 1;
	int c;
	while ((c = getopt_long(argc, argv, "n:s:h", longopts, NULL)) != -1) {
		char *end;
		if (c == 'n') {
			count = strtol(optarg, &end, 10);
			if (*end != '\0' || count < 1 || count > DEMO_COUNT_MAX) {
				fprintf(stderr, "tasdid demo: --count must be 1-%d\n", DEMO_COUNT_MAX);
				return 2;
			}
		} else if (c == 's') {
			seed = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0') {
				fprintf(stderr, "tasdid demo: --seed must be a number\n");
				return 2;
			}
		} else if (c == 'h') {
			demo_usage(stdout);
			return 0;
		} else {
			demo_usage(stderr);
			return 2;
		}
	}
	log_set_program("tasdid-demo");
	char err[512];
	struct broker *b = NULL;
	struct kafka_props props = {0};
	int rc = 1;
	if (broker_start(1, &b, err, sizeof(err)) < 0 ||
	    broker_create_topic(b, DEMO_TOPIC, DEMO_PARTITIONS, err, sizeof(err)) < 0 ||
	    kafka_props_set(&props, "bootstrap.servers", broker_bootstraps(b), err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	printf("tasdid demo (foundation stage)\n"
	       "  embedded broker at %s: librdkafka's mock cluster, IN MEMORY ONLY\n",
	       broker_bootstraps(b));
	int64_t sent_minor = 0, read_minor = 0;
	long decoded = 0;
	int64_t t0 = time_mono_ms();
	if (produce_all(&props, seed, count, &sent_minor) < 0 ||
	    read_back(&props, count, &read_minor, &decoded) < 0)
		goto out;
	const struct currency *syp = currency_find("SYP");
	char sent_text[MONEY_TEXT_MAX], read_text[MONEY_TEXT_MAX];
	money_format(sent_minor, syp, sent_text, sizeof(sent_text));
	money_format(read_minor, syp, read_text, sizeof(read_text));
	printf("  total sent %s SYP, total read back %s SYP (%" PRId64 " ms)\n",
	       sent_text, read_text, time_mono_ms() - t0);
	bool ok = decoded == count && sent_minor == read_minor;
	printf("  %s\n", ok ? "OK: every intent came back exactly, to the minor unit"
			    : "FAILED: intents were lost or changed");
	printf("\nNot yet part of this demo: the HTTP intake, the posting consumer\n"
	       "and the nightly settlement (see README.md for what exists now).\n");
	rc = ok ? 0 : 1;
out:
	kafka_props_clear(&props);
	broker_stop(b);
	return rc;
}
