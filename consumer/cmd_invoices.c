/* tasdid invoices import — load a biller's invoice export into its ledger
 * (consumer/invoice_import.h, schemas/csv-formats.md format (a)). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "invoice_import.h"
#include "ledger_db.h"

static void invoices_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid invoices import FILE --biller ID -c CONFIG\n"
		"\n"
		"Imports a biller's invoice export (CSV, schemas/csv-formats.md (a))\n"
		"into its ledger, creating the ledger if it does not exist yet. All\n"
		"rows or none: each refused row is reported as FILE:LINE: reason.\n"
		"An invoice already in the ledger with the same account, due date,\n"
		"amount and currency is left untouched (re-import is harmless).\n"
		"Exit status 0 only when every row is in the ledger.\n");
}

struct report_ctx {
	const char *path;
};

static void on_row_error(void *opaque, int64_t line, const char *reason)
{
	const struct report_ctx *c = opaque;
	fprintf(stderr, "%s:%" PRId64 ": %s\n", c->path, line, reason);
}

static int import(const char *config_path, const char *biller,
		  const char *path)
{
	char err[1024];
	struct config *cfg = NULL;
	sqlite3 *db = NULL;
	int rc = 1;
	if (config_load(config_path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid invoices: %s\n", err);
		return 1;
	}
	const struct config_biller *b = config_biller_find(cfg, biller);
	if (b == NULL) {
		fprintf(stderr, "tasdid invoices: no biller '%s' in %s\n",
			biller, config_path);
		goto out;
	}
	/* CREATE: the first import is how a biller's ledger comes to be. */
	if (ledger_db_open(b->ledger_path, b->id, b->currency->code,
			   LEDGER_DB_CREATE, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid invoices: %s\n", err);
		goto out;
	}
	struct report_ctx ctx = {path};
	struct invimp_report rep;
	int r = invimp_import(db, b->currency, path, on_row_error, &ctx, &rep,
			      err, sizeof(err));
	if (r < 0)
		fprintf(stderr, "tasdid invoices: %s: %s\n", path, err);
	printf("%s: %" PRId64 " rows, %" PRId64 " new, %" PRId64
	       " unchanged, %" PRId64 " refused%s\n",
	       path, rep.rows_count, rep.inserted_count, rep.unchanged_count,
	       rep.errors_count, r < 0 ? "; nothing imported" : "");
	rc = r < 0 ? 1 : 0;
out:
	sqlite3_close(db);
	config_free(cfg);
	return rc;
}

int cmd_invoices(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"biller", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL, *biller = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'B': biller = optarg; break;
		case 'h': invoices_usage(stdout); return 0;
		default: invoices_usage(stderr); return 2;
		}
	}
	if (optind + 2 != argc || strcmp(argv[optind], "import") != 0 ||
	    config_path == NULL || biller == NULL) {
		invoices_usage(stderr);
		return 2;
	}
	return import(config_path, biller, argv[optind + 1]);
}
