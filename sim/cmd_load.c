/* tasdid load — drive an intake the way a crowd of bank terminals does.
 * Usable against a real deployment: every bound (rate, connections,
 * count, duration, attempts) is a flag, and it only talks to the address
 * it is given. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "load.h"
#include "log.h"
#include "sim.h"
#include "timeutil.h"

#define LOAD_TERMINALS_MAX 100000

static void load_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid load -c CONFIG --terminals FILE [--url http://HOST:PORT]\n"
		"                   [--connections N] [--batch N] [--rate N] [--count N]\n"
		"                   [--duration S] [--attempts N] [--seed N] [--accounts N]\n"
		"                   [--accepted-log FILE] [--json FILE] [--quiet]\n"
		"\n"
		"Sends generated payment intents to a tasdid intake as bank terminals\n"
		"do: keep-alive connections, single (POST /v1/intents) or batch\n"
		"(--batch N: POST /v1/intents/batch) requests, and on 503 or a lost\n"
		"connection the same intent again (same key, same paid_at) after the\n"
		"server's Retry-After. Reports throughput, latency percentiles and\n"
		"status counts.\n"
		"\n"
		"  --terminals FILE   CSV lines bank,terminal,token (# comments)\n"
		"  --url URL          intake address (default http://127.0.0.1:8080)\n"
		"  --connections N    concurrent connections (default 64)\n"
		"  --rate N           intents per second (default 0: as fast as possible)\n"
		"  --count N          intents to send (default 10000)\n"
		"  --duration S       stop generating after S seconds\n"
		"  --attempts N       tries per intent before giving up (default 20;\n"
		"                     0: until accepted, as a terminal in a queue does)\n"
		"  --accounts N       accounts per biller in the scenario (default 10000)\n"
		"  --accepted-log F   append every accepted intent as a JSON line\n"
		"  --json F           write the result as JSON\n");
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"terminals", required_argument, NULL, 'T'},
		{"url", required_argument, NULL, 'u'},
		{"connections", required_argument, NULL, 'n'},
		{"batch", required_argument, NULL, 'B'},
		{"rate", required_argument, NULL, 'r'},
		{"count", required_argument, NULL, 'N'},
		{"duration", required_argument, NULL, 'd'},
		{"attempts", required_argument, NULL, 'a'},
		{"seed", required_argument, NULL, 's'},
		{"accounts", required_argument, NULL, 'A'},
		{"accepted-log", required_argument, NULL, 'L'},
		{"json", required_argument, NULL, 'J'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL, *terminals_path = NULL;
	const char *url = "http://127.0.0.1:8080", *accepted_path = NULL;
	const char *json_path = NULL;
	int64_t connections = 64, batch = 0, rate = 0, count = 10000, duration_s = 0;
	int64_t attempts = 20, seed = 1, accounts = 10000;
	int quiet = 0, c;
	while ((c = getopt_long(argc, argv, "c:hq", longopts, NULL)) != -1) {
		int64_t *num = NULL, lo = 0, hi = 0;
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'T': terminals_path = optarg; break;
		case 'u': url = optarg; break;
		case 'L': accepted_path = optarg; break;
		case 'J': json_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'n': num = &connections; lo = 1; hi = LOAD_CONNECTIONS_MAX; break;
		case 'B': num = &batch; lo = 0; hi = LOAD_BATCH_MAX; break;
		case 'r': num = &rate; lo = 0; hi = 10000000; break;
		case 'N': num = &count; lo = 0; hi = 1000000000; break;
		case 'd': num = &duration_s; lo = 0; hi = 86400; break;
		case 'a': num = &attempts; lo = 0; hi = 1000; break;
		case 's': num = &seed; lo = 0; hi = INT64_MAX; break;
		case 'A': num = &accounts; lo = 1; hi = 10000000; break;
		case 'h': load_usage(stdout); return 0;
		default: load_usage(stderr); return 2;
		}
		if (num != NULL && intopt_parse(optarg, lo, hi, num) < 0) {
			fprintf(stderr, "tasdid load: --%s must be a whole number %" PRId64
				"-%" PRId64 "\n", sim_option_name(longopts, c), lo, hi);
			return 2;
		}
	}
	if (config_path == NULL || terminals_path == NULL || optind != argc) {
		load_usage(stderr);
		return 2;
	}
	log_set_program("tasdid-load");

	char err[512];
	struct config *cfg = NULL;
	struct load_terminal *terminals = NULL;
	FILE *accepted = NULL;
	int rc = 1;
	struct load_opts o = {.connections = (int)connections, .batch_size = (int)batch,
			      .rate_per_s = rate, .count = count,
			      .duration_ms = duration_s * 1000, .attempts_max = (int)attempts,
			      .retry_after_max_ms = 5000, .request_timeout_ms = 10000,
			      .scenario = {.seed = (uint64_t)seed,
					   .accounts_per_biller = (int)accounts,
					   .due_day = time_now_ms() / 86400000}};
	if (sim_parse_url(url, o.host, sizeof(o.host), &o.port, err, sizeof(err)) < 0 ||
	    config_load(config_path, &cfg, err, sizeof(err)) < 0 ||
	    sim_load_terminals(terminals_path, &terminals, &o.terminal_count, err,
			       sizeof(err)) < 0 ||
	    sim_billers_from_config(cfg, &o, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	o.terminals = terminals;
	if (accepted_path != NULL && (accepted = fopen(accepted_path, "a")) == NULL) {
		log_error("cannot open %s", accepted_path);
		goto out;
	}
	o.accepted_log = accepted;
	o.progress = quiet ? NULL : stderr;
	struct load_result r;
	if (load_run(&o, &r, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	sim_print_load_result(stdout, &r);
	if (json_path != NULL && sim_write_load_json(json_path, &r) < 0) {
		log_error("cannot write %s", json_path);
		goto out;
	}
	rc = r.intents_gave_up == 0 ? 0 : 3;
out:
	if (accepted != NULL)
		fclose(accepted);
	free(terminals);
	config_free(cfg);
	return rc;
}
