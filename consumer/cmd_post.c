/* tasdid post — the posting consumer (consumer/post.h, docs/posting.md). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "kafka.h"
#include "log.h"
#include "post.h"
#include "stop.h"

static void post_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid post -c CONFIG [-b BROKERS] [-X KEY=VALUE]... [-F FILE]\n"
		"                   [--biller ID]... [--group GROUP] [--stats-file FILE]\n"
		"\n"
		"Consumes the billers' topics as a member of consumer group GROUP\n"
		"(default tasdid-post) and posts the payment intents in batches into\n"
		"each biller's ledger, exactly once in effect: the consumed offsets\n"
		"are stored in the ledger in the same transaction as the postings.\n"
		"Poison messages go to the dead-letter topic. See docs/posting.md.\n"
		"\n"
		"  -c, --config FILE     the deployment's configuration (required)\n"
		"  -b, -X, -F            Kafka properties, after the config's [kafka]\n"
		"      --biller ID       post only this biller (repeatable; default all)\n"
		"      --group GROUP     consumer group id\n"
		"      --stats-file FILE write counters as JSON here (default [post]\n"
		"                        stats_file)\n"
		"\n"
		"Runs until SIGINT or SIGTERM, which finish the batch in hand.\n"
		"Exit status: 0 stopped cleanly, 1 error, 2 usage, 3 stopped while a\n"
		"partition was stalled on offsets Kafka no longer has.\n");
}

int cmd_post(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"biller", required_argument, NULL, 'B'},
		{"group", required_argument, NULL, 'G'},
		{"stats-file", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct post_options o = {0};
	struct kafka_props cli = {0}, props = {0};
	struct config *cfg = NULL;
	struct post *p = NULL;
	const char *config_path = NULL;
	char err[1024];
	int c, rc = POST_EXIT_USAGE;

	log_set_program("tasdid-post");
	while ((c = getopt_long(argc, argv, "c:h" KAFKA_CLI_OPTSTRING,
				longopts, NULL)) != -1) {
		int k = kafka_props_cli_option(&cli, c, optarg, err,
					       sizeof(err));
		if (k < 0) {
			fprintf(stderr, "tasdid post: %s\n", err);
			goto out;
		}
		if (k == 1)
			continue;
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'B':
			if (o.biller_count == POST_BILLERS_MAX) {
				fprintf(stderr, "tasdid post: at most %d "
					"--biller\n", POST_BILLERS_MAX);
				goto out;
			}
			o.billers[o.biller_count++] = optarg;
			break;
		case 'G':
			o.group_id = optarg;
			break;
		case 'S':
			o.stats_file = optarg;
			break;
		case 'h':
			post_usage(stdout);
			rc = 0;
			goto out;
		default:
			post_usage(stderr);
			goto out;
		}
	}
	if (config_path == NULL || optind != argc) {
		post_usage(stderr);
		goto out;
	}
	rc = POST_EXIT_ERROR;
	if (config_load(config_path, &cfg, err, sizeof(err)) < 0 ||
	    kafka_props_from_config(&props, cfg, err, sizeof(err)) < 0 ||
	    kafka_props_append(&props, &cli, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	/* A file grown past RLIMIT_FSIZE raises SIGXFSZ, whose default action
	 * kills the process with a core dump mid-transaction. Ignored, the
	 * write fails with EFBIG instead: SQLite reports an I/O error, the
	 * batch is rolled back and post exits 1 like on a full disk
	 * (docs/posting.md). */
	if (stop_install() < 0 || signal(SIGXFSZ, SIG_IGN) == SIG_ERR) {
		log_error("cannot install signal handlers");
		goto out;
	}
	if (post_new(cfg, &props, &o, &p, err, sizeof(err)) < 0) {
		log_error("%s", err);
		goto out;
	}
	rc = post_run(p);
out:
	post_free(p);
	config_free(cfg);
	kafka_props_clear(&props);
	kafka_props_clear(&cli);
	return rc;
}
