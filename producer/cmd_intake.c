/* tasdid intake — the HTTP intake server (docs/intake.md, docs/api.md). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "intopt.h"
#include "config.h"
#include "intake.h"
#include "kafka.h"
#include "log.h"
#include "reaper.h"
#include "stop.h"
#include "svcnotify.h"

static void intake_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid intake -c CONFIG [-b BROKERS] [-X KEY=VALUE]... [-F FILE]\n"
		"                     [--listen ADDR] [--port PORT] [--guard MODE]\n"
		"\n"
		"Serves the HTTP intake (docs/api.md): bank terminals POST payment\n"
		"intents; each is answered 202 only once Kafka has it (acks=all,\n"
		"idempotent producer), else 4xx or 503 + Retry-After within\n"
		"[intake] answer_timeout_ms.\n"
		"\n"
		"  -c, --config FILE   the deployment's config (required)\n"
		"  -b BROKERS          bootstrap.servers (overrides [kafka])\n"
		"  -X KEY=VALUE        any librdkafka property (overrides [kafka])\n"
		"  -F FILE             a librdkafka properties file\n"
		"      --listen ADDR   IPv4 address to listen on (default [intake]\n"
		"                      listen, else 127.0.0.1)\n"
		"      --port PORT     TCP port (default [intake] port, else 8080)\n"
		"      --guard MODE    backlog guard: auto (on for the embedded broker),\n"
		"                      on, off (default [intake] guard, else auto);\n"
		"                      off on the embedded broker can lose 202s\n"
		"      --testing-only-no-produce\n"
		"                      TESTING/BENCHMARKS ONLY: answer 202 WITHOUT\n"
		"                      Kafka (the HTTP path alone; never in service:\n"
		"                      its 202s are not durable)\n"
		"\n"
		"SIGTERM/SIGINT: stop accepting, answer every request in flight,\n"
		"flush, exit 0. Exit 1 after a fatal producer error.\n");
}

struct intake_cli {
	const char *config_path;
	const char *listen;
	int port; /* 0: from config */
	int no_produce;
	const char *guard; /* NULL: from config */
	struct kafka_props props;
};

static int parse_cli(int argc, char **argv, struct intake_cli *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'L'},
		{"port", required_argument, NULL, 'p'},
		{"testing-only-no-produce", no_argument, NULL, 'N'},
		{"guard", required_argument, NULL, 'G'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char err[512];
	int c;
	while ((c = getopt_long(argc, argv, "c:h" KAFKA_CLI_OPTSTRING, longopts,
				NULL)) != -1) {
		int k = kafka_props_cli_option(&o->props, c, optarg, err, sizeof(err));
		if (k < 0) {
			fprintf(stderr, "tasdid intake: %s\n", err);
			return 2;
		}
		if (k == 1)
			continue;
		int64_t v;
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'L': o->listen = optarg; break;
		case 'N': o->no_produce = 1; break;
		case 'G': o->guard = optarg; break;
		case 'p':
			if (intopt_parse(optarg, 1, 65535, &v) < 0) {
				fprintf(stderr, "tasdid intake: bad port '%s'\n", optarg);
				return 2;
			}
			o->port = (int)v;
			break;
		case 'h': intake_usage(stdout); return 0;
		default: intake_usage(stderr); return 2;
		}
	}
	if (optind != argc || o->config_path == NULL) {
		intake_usage(stderr);
		return 2;
	}
	return -1;
}

/* The backlog guard's keys (producer/guard.h, docs/intake.md). */
static int read_guard(const struct config *cfg, const struct intake_cli *cli,
		      struct guard_opts *g, char *err, size_t err_size)
{
	const char *mode = cli->guard != NULL
		? cli->guard : config_get_str(cfg, "intake", "guard", "auto");
	if (guard_mode_parse(mode, &g->mode) < 0) {
		const struct config_entry *e = config_get(cfg, "intake", "guard");
		if (cli->guard != NULL || e == NULL)
			snprintf(err, err_size, "--guard %s: must be auto, on or off",
				 mode);
		else
			snprintf(err, err_size, "%s:%d: [intake] guard: must be "
				 "auto, on or off", config_path(cfg), e->line);
		return -1;
	}
	return config_get_int64(cfg, "intake", "guard_partition_bytes",
				GUARD_MOCK_PARTITION_BYTES, 64 * 1024,
				(int64_t)1 << 50, &g->partition_bytes, err,
				err_size) < 0 ||
	       config_get_int64(cfg, "intake", "guard_margin_permille", 50, 0,
				500, &g->margin_permille, err, err_size) < 0
		? -1 : 0;
}

/* [intake] keys into opts; every bound is documented in
 * docs/configuration.md. */
static int read_config(const struct config *cfg, const struct intake_cli *cli,
		       struct intake_opts *o, char *events_path,
		       char *err, size_t err_size)
{
	static const struct {
		const char *key;
		int64_t def, min, max;
		size_t off;
	} keys[] = {
		{"port", 8080, 1, 65535, 0},
		{"answer_timeout_ms", 1000, 100, 60000,
		 offsetof(struct intake_opts, answer_timeout_ms)},
		{"inflight_max", 50000, 1, 1000000,
		 offsetof(struct intake_opts, inflight_max)},
		{"batch_max", 1000, 1, 10000, offsetof(struct intake_opts, batch_max)},
		{"connections_max", 1024, 1, 60000,
		 offsetof(struct intake_opts, connections_max)},
		{"connection_timeout_s", 30, 1, 3600,
		 offsetof(struct intake_opts, connection_timeout_s)},
		{"request_timeout_ms", 10000, REAPER_REQUEST_TIMEOUT_MS_MIN,
		 REAPER_REQUEST_TIMEOUT_MS_MAX,
		 offsetof(struct intake_opts, request_timeout_ms)},
		{"retry_after_s", 1, 1, 3600, offsetof(struct intake_opts, retry_after_s)},
		{"threads", 2, 1, 64, offsetof(struct intake_opts, threads)},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int64_t v;
		if (config_get_int64(cfg, "intake", keys[i].key, keys[i].def,
				     keys[i].min, keys[i].max, &v, err, err_size) < 0)
			return -1;
		if (i == 0)
			o->port = cli->port ? cli->port : (int)v;
		else
			*(int64_t *)((char *)o + keys[i].off) = v;
	}
	int64_t past_s, future_s;
	if (config_get_int64(cfg, "intake", "paid_at_past_tolerance_s",
			     7 * 24 * 3600, 0, 366 * 24 * 3600, &past_s, err,
			     err_size) < 0 ||
	    config_get_int64(cfg, "intake", "paid_at_future_tolerance_s", 300, 0,
			     24 * 3600, &future_s, err, err_size) < 0)
		return -1;
	o->limits.paid_at_past_tolerance_ms = past_s * 1000;
	o->limits.paid_at_future_tolerance_ms = future_s * 1000;
	o->listen_addr = cli->listen ? cli->listen
				     : config_get_str(cfg, "intake", "listen", "127.0.0.1");
	o->events_topic = config_get_str(cfg, "topics", "events",
					 "tasdid.intake-events");
	if (config_resolve_path(cfg, config_get_str(cfg, "intake", "events_log",
						    "intake-events.jsonl"),
				events_path, PATH_MAX) < 0) {
		snprintf(err, err_size, "[intake] events_log: path too long");
		return -1;
	}
	o->events_path = events_path;
	o->no_produce = cli->no_produce;
	return read_guard(cfg, cli, &o->guard, err, err_size);
}

/* Run until a stop signal or a fatal producer error; then drain. */
static int serve(struct intake *ik, const struct intake_opts *o)
{
	while (!stop_requested() && !intake_fatal(ik)) {
		/* Listening already (intake_start returned); ready once
		 * Kafka has every biller's topic. */
		if (intake_ready(ik))
			svcnotify_ready();
		svcnotify_watchdog();
		usleep(50 * 1000); /* 50 ms: how fast a signal takes effect */
	}
	svcnotify_stopping();
	bool fatal = intake_fatal(ik);
	log_info("stopping (%s): answering requests in flight",
		 fatal ? "fatal producer error" : "signal");
	/* Every suspended request is answered by its deadline; a little more
	 * for the answers to be written. */
	int left = intake_drain(ik, o->answer_timeout_ms + 1000);
	if (left > 0)
		log_error("%d requests still unanswered at shutdown", left);
	int unflushed = intake_stop(ik, 5000 /* 5 s */);
	if (unflushed > 0)
		log_warn("%d messages not flushed (their requests got 503)", unflushed);
	return fatal || left > 0 ? 1 : 0;
}

int cmd_intake(int argc, char **argv)
{
	struct intake_cli cli = {0};
	int rc = parse_cli(argc, argv, &cli);
	if (rc >= 0) {
		kafka_props_clear(&cli.props);
		return rc;
	}
	log_set_program("tasdid-intake");
	char err[1024];
	static char events_path[PATH_MAX];
	struct config *cfg = NULL;
	struct kafka_props props = {0};
	struct intake_opts o = {0};
	struct intake *ik = NULL;
	rc = 1;
	if (config_load(cli.config_path, &cfg, err, sizeof(err)) < 0 ||
	    read_config(cfg, &cli, &o, events_path, err, sizeof(err)) < 0 ||
	    kafka_props_from_config(&props, cfg, err, sizeof(err)) < 0 ||
	    kafka_props_append(&props, &cli.props, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (stop_install() < 0) {
		log_error("cannot install signal handlers");
		goto out;
	}
	if (intake_start(cfg, &props, &o, &ik, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (o.guard.mode == GUARD_OFF)
		log_warn("backlog guard off (--guard / [intake] guard): on the "
			 "embedded broker, intents answered 202 can be dropped "
			 "before they are posted");
	if (o.no_produce)
		log_warn("--testing-only-no-produce: answering 202 WITHOUT Kafka "
			 "(benchmarks only)");
	log_info("listening on http://%s:%d (answer deadline %lld ms, "
		 "in-flight limit %lld)", o.listen_addr, o.port,
		 (long long)o.answer_timeout_ms, (long long)o.inflight_max);
	rc = serve(ik, &o);
out:
	kafka_props_clear(&props);
	kafka_props_clear(&cli.props);
	config_free(cfg);
	return rc;
}
