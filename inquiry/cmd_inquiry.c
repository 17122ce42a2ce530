/* tasdid inquiry — the bill-inquiry server (docs/api.md#bill-inquiry). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bizdate.h"
#include "commands.h"
#include "config.h"
#include "inquiry.h"
#include "log.h"
#include "stop.h"
#include "svcnotify.h"

static void inquiry_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid inquiry -c CONFIG [--listen ADDR] [--port PORT]\n"
		"\n"
		"Serves GET /v1/bills/{biller}/{account}: the account's open invoices\n"
		"from the biller's ledger, read-only, to any terminal with a valid\n"
		"bearer token (docs/api.md#bill-inquiry). GET /healthz.\n"
		"\n"
		"  -c, --config FILE   the deployment's config (required)\n"
		"      --listen ADDR   IPv4 address (default [inquiry] listen, else\n"
		"                      127.0.0.1)\n"
		"      --port PORT     TCP port (default [inquiry] port, else 8081)\n"
		"      --no-sqlite     BENCHMARK ONLY: answer a fixed body without\n"
		"                      reading a ledger (never in service)\n"
		"\n"
		"Past due and grace_until use today's date in [settle] timezone.\n"
		"SIGTERM/SIGINT: stop, exit 0.\n");
}

static int parse_port(const char *s, int *ret)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*ret = (int)v;
	return 0;
}

static int read_config(const struct config *cfg, struct inquiry_opts *o,
		       int cli_port, char *err, size_t err_size)
{
	int64_t port, threads, conns, timeout_s;
	if (config_get_int64(cfg, "inquiry", "port", 8081, 1, 65535, &port, err,
			     err_size) < 0 ||
	    config_get_int64(cfg, "inquiry", "threads", 2, 1, 64, &threads, err,
			     err_size) < 0 ||
	    config_get_int64(cfg, "inquiry", "connections_max", 1024, 1, 60000,
			     &conns, err, err_size) < 0 ||
	    config_get_int64(cfg, "inquiry", "connection_timeout_s", 30, 1, 3600,
			     &timeout_s, err, err_size) < 0)
		return -1;
	o->port = cli_port ? cli_port : (int)port;
	o->threads = (int)threads;
	o->connections_max = (int)conns;
	o->connection_timeout_s = (int)timeout_s;
	if (o->listen_addr == NULL)
		o->listen_addr = config_get_str(cfg, "inquiry", "listen", "127.0.0.1");
	/* Before any thread starts: TZ is process-global. */
	return bizdate_set_zone(config_get_str(cfg, "settle", "timezone", "UTC"),
				err, err_size);
}

int cmd_inquiry(int argc, char **argv)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"listen", required_argument, NULL, 'L'},
		{"port", required_argument, NULL, 'p'},
		{"no-sqlite", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL;
	struct inquiry_opts o = {0};
	int port = 0, c;
	while ((c = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'L': o.listen_addr = optarg; break;
		case 'N': o.no_sqlite = true; break;
		case 'p':
			if (parse_port(optarg, &port) < 0) {
				fprintf(stderr, "tasdid inquiry: bad port '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': inquiry_usage(stdout); return 0;
		default: inquiry_usage(stderr); return 2;
		}
	}
	if (optind != argc || config_path == NULL) {
		inquiry_usage(stderr);
		return 2;
	}
	log_set_program("tasdid-inquiry");
	char err[1024];
	struct config *cfg = NULL;
	struct inquiry *iq = NULL;
	int rc = 1;
	if (config_load(config_path, &cfg, err, sizeof(err)) < 0 ||
	    read_config(cfg, &o, port, err, sizeof(err)) < 0 ||
	    stop_install() < 0 ||
	    inquiry_start(cfg, &o, &iq, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	if (o.no_sqlite)
		log_warn("--no-sqlite: fixed answers WITHOUT the ledgers (benchmark only)");
	log_info("listening on http://%s:%d (%d threads)", o.listen_addr, o.port,
		 o.threads);
	svcnotify_ready(); /* inquiry_start returned: it listens */
	while (!stop_requested()) {
		svcnotify_watchdog();
		usleep(50 * 1000); /* 50 ms: how fast a signal takes effect */
	}
	svcnotify_stopping();
	log_info("stopping");
	rc = 0;
out:
	inquiry_stop(iq);
	config_free(cfg);
	return rc;
}
