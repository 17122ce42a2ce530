/* tasdid broker — the embedded Kafka broker (librdkafka's mock cluster).
 *
 * IN MEMORY ONLY: everything it holds is gone when it stops, and it keeps
 * only about 5 MiB per partition, silently dropping older data. It speaks
 * the real Kafka protocol, so it is how tasdid is tried and tested without
 * a cluster; production points every program at a real Kafka cluster with
 * -b / -X / -F or the config's [kafka] section instead. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker.h"
#include "commands.h"
#include "intopt.h"
#include "config.h"
#include "log.h"
#include "stop.h"
#include "tcp_forward.h"

#define BROKER_TOPICS_MAX 64
#define BROKER_PARTITIONS_DEFAULT 8

static volatile sig_atomic_t want_down, want_up;

static void on_usr(int signo)
{
	if (signo == SIGUSR1)
		want_down = 1;
	else
		want_up = 1;
}

static void broker_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid broker [-c CONFIG] [--port PORT] [--brokers N]\n"
		"                     [--partitions N] [-t TOPIC]... [--bootstrap-file FILE]\n"
		"\n"
		"Runs librdkafka's mock cluster on loopback: a real Kafka protocol\n"
		"endpoint that keeps data IN MEMORY ONLY (about 5 MiB per partition,\n"
		"older data dropped), for trying and testing tasdid - never production.\n"
		"\n"
		"  -c, --config FILE       create the topics the config names (billers'\n"
		"                          topics, [topics] dead_letter and events)\n"
		"  -t, --topic NAME        create this topic too (repeatable)\n"
		"      --partitions N      partitions per topic (default: [topics]\n"
		"                          partitions, else %d)\n"
		"      --brokers N         brokers in the cluster (default 1)\n"
		"      --port PORT         also accept bootstrap connections on this\n"
		"                          fixed loopback port (otherwise the printed\n"
		"                          random port is the only one)\n"
		"      --bootstrap-file F  write the bootstrap address to F once ready\n"
		"\n"
		"Prints 'bootstrap.servers=ADDR' on stdout when ready; runs until\n"
		"SIGINT or SIGTERM. SIGUSR1 takes every broker down (connections\n"
		"refused), SIGUSR2 brings them back: how outages are simulated.\n",
		BROKER_PARTITIONS_DEFAULT);
}

/* Write text to path atomically (temp file + rename), so a waiter never
 * reads a half-written address. */
static int write_file_atomic(const char *path, const char *text)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	int ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct broker_opts {
	const char *config_path;
	const char *bootstrap_file;
	const char *topics[BROKER_TOPICS_MAX];
	int topic_count;
	int partitions; /* 0: from config or default */
	int brokers;
	int port;       /* 0: none */
};

/* Returns -1 to continue, else the exit code. */
static int parse_opts(int argc, char **argv, struct broker_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"topic", required_argument, NULL, 't'},
		{"partitions", required_argument, NULL, 'P'},
		{"brokers", required_argument, NULL, 'B'},
		{"port", required_argument, NULL, 'p'},
		{"bootstrap-file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:t:h", longopts, NULL)) != -1) {
		int64_t v;
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 't':
			if (o->topic_count == BROKER_TOPICS_MAX) {
				fprintf(stderr, "tasdid broker: at most %d --topic\n",
					BROKER_TOPICS_MAX);
				return 2;
			}
			o->topics[o->topic_count++] = optarg;
			break;
		case 'P':
		case 'B':
		case 'p':
			if (intopt_parse(optarg, 1,
					 c == 'p' ? 65535 : c == 'B' ? 16 : 1000,
					 &v) < 0) {
				fprintf(stderr, "tasdid broker: bad number '%s'\n", optarg);
				return 2;
			}
			*(c == 'P' ? &o->partitions : c == 'B' ? &o->brokers : &o->port) = (int)v;
			break;
		case 'f':
			o->bootstrap_file = optarg;
			break;
		case 'h':
			broker_usage(stdout);
			return 0;
		default:
			broker_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "tasdid broker: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static int create_topics(struct broker *b, const struct broker_opts *o,
			 const struct config *cfg)
{
	char err[512];
	int64_t partitions = o->partitions;
	if (partitions == 0 && cfg != NULL &&
	    config_get_int64(cfg, "topics", "partitions", BROKER_PARTITIONS_DEFAULT,
			     1, 1000, &partitions, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	if (partitions == 0)
		partitions = BROKER_PARTITIONS_DEFAULT;
	const char *names[BROKER_TOPICS_MAX + 1100];
	size_t n = 0;
	for (int i = 0; i < o->topic_count; i++)
		names[n++] = o->topics[i];
	if (cfg != NULL) {
		for (size_t i = 0; i < config_biller_count(cfg) && i < 1024; i++)
			names[n++] = config_biller_at(cfg, i)->topic;
		names[n++] = config_get_str(cfg, "topics", "dead_letter",
					    "tasdid.dead-letter");
		names[n++] = config_get_str(cfg, "topics", "events",
					    "tasdid.intake-events");
	}
	for (size_t i = 0; i < n; i++) {
		if (broker_create_topic(b, names[i], (int)partitions, err,
					sizeof(err)) < 0) {
			log_error("%s", err);
			return -1;
		}
		log_info("topic %s: %d partitions", names[i], (int)partitions);
	}
	return 0;
}

int cmd_broker(int argc, char **argv)
{
	struct broker_opts o = {.brokers = 1};
	int rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	log_set_program("tasdid-broker");

	char err[512];
	struct config *cfg = NULL;
	struct broker *b = NULL;
	struct tcp_forward *fwd = NULL;
	rc = 1;
	if (o.config_path != NULL &&
	    config_load(o.config_path, &cfg, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (stop_install() < 0 || signal(SIGUSR1, on_usr) == SIG_ERR ||
	    signal(SIGUSR2, on_usr) == SIG_ERR) {
		log_error("cannot install signal handlers");
		goto out;
	}
	if (broker_start(o.brokers, &b, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (create_topics(b, &o, cfg) < 0)
		goto out;

	char bootstrap[512];
	snprintf(bootstrap, sizeof(bootstrap), "%s", broker_bootstraps(b));
	if (o.port != 0) {
		char first[256];
		snprintf(first, sizeof(first), "%.*s",
			 (int)strcspn(bootstrap, ","), bootstrap);
		if (tcp_forward_start(o.port, first, &fwd, err, sizeof(err)) < 0) {
			log_error("%s", err);
			goto out;
		}
		snprintf(bootstrap, sizeof(bootstrap), "127.0.0.1:%d", o.port);
	}
	log_warn("embedded broker (librdkafka mock cluster): data is kept IN "
		 "MEMORY ONLY, about 5 MiB per partition; for trying and testing");
	printf("bootstrap.servers=%s\n", bootstrap);
	fflush(stdout);
	if (o.bootstrap_file != NULL) {
		char line[600];
		snprintf(line, sizeof(line), "%s\n", bootstrap);
		if (write_file_atomic(o.bootstrap_file, line) < 0) {
			log_error("cannot write %s", o.bootstrap_file);
			goto out;
		}
	}

	while (!stop_requested()) {
		if (want_down) {
			want_down = 0;
			broker_set_down(b);
			log_warn("brokers DOWN (SIGUSR1): connections refused");
		}
		if (want_up) {
			want_up = 0;
			broker_set_up(b);
			log_info("brokers UP (SIGUSR2)");
		}
		usleep(50 * 1000); /* 50 ms: how fast a signal takes effect */
	}
	log_info("stopping on signal %d; in-memory data is discarded", stop_signal());
	rc = 0;
out:
	tcp_forward_stop(fwd);
	broker_stop(b);
	config_free(cfg);
	return rc;
}
