/* tasdid ledger — create a biller's ledger, or check that it balances. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "ledger_db.h"
#include "money.h"

static void ledger_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid ledger init  --biller ID -c CONFIG\n"
		"       tasdid ledger check [--biller ID]... -c CONFIG\n"
		"\n"
		"init creates the biller's ledger (tasdid post never creates one:\n"
		"a mistyped path must not start an empty second ledger).\n"
		"check verifies, from one snapshot of each ledger (read-only, safe\n"
		"while posting runs): sum(postings) = sum(allocations) +\n"
		"sum(account_credit) + sum(suspense), every posting's own split,\n"
		"every invoice's paid amount, and PRAGMA integrity_check. It prints\n"
		"the sums; exit status 0 when every ledger checked balances.\n");
}

static int integrity(sqlite3 *db, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int ok = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
		ok = strcmp(out, "ok") == 0 ? 0 : -1;
	} else {
		snprintf(out, size, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return ok;
}

static void print_amount(const char *what, int64_t minor,
			 const struct currency *cur)
{
	char text[MONEY_TEXT_MAX];
	money_format(minor, cur, text, sizeof(text));
	printf("  %-15s %20s %s\n", what, text, cur->code);
}

static int check_one(const struct config_biller *b)
{
	char err[1024], integ[256];
	sqlite3 *db = NULL;
	struct ledger_balance bal;
	if (ledger_db_open(b->ledger_path, b->id, b->currency->code,
			   LEDGER_DB_READONLY, &db, err, sizeof(err)) < 0 ||
	    ledger_db_check_balance(db, &bal, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid ledger: %s\n", err);
		sqlite3_close(db);
		return 1;
	}
	int integ_ok = integrity(db, integ, sizeof(integ));
	sqlite3_close(db);
	printf("%s (%s): %s\n", b->id, b->ledger_path,
	       bal.balanced && integ_ok == 0 ? "BALANCED" : "NOT BALANCED");
	printf("  %-15s %20" PRId64 "\n", "postings count", bal.postings_count);
	print_amount("postings", bal.postings_minor, b->currency);
	print_amount("allocations", bal.allocations_minor, b->currency);
	print_amount("account credit", bal.account_credit_minor, b->currency);
	print_amount("suspense", bal.suspense_minor, b->currency);
	print_amount("difference", bal.difference_minor, b->currency);
	printf("  %-15s %20" PRId64 "\n", "unbalanced", bal.intents_unbalanced_count);
	printf("  %-15s %20" PRId64 "\n", "bad invoices",
	       bal.invoices_inconsistent_count);
	printf("  %-15s %20s\n", "integrity", integ);
	return bal.balanced && integ_ok == 0 ? 0 : 1;
}

static int init_one(const struct config_biller *b)
{
	char err[1024];
	sqlite3 *db = NULL;
	if (ledger_db_open(b->ledger_path, b->id, b->currency->code,
			   LEDGER_DB_CREATE, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid ledger: %s\n", err);
		return 1;
	}
	sqlite3_close(db);
	printf("%s: ledger %s ready (schema version %d)\n", b->id,
	       b->ledger_path, ledger_db_latest_version());
	return 0;
}

#define LEDGER_BILLERS_MAX 64

int cmd_ledger(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"biller", required_argument, NULL, 'B'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *config_path = NULL, *billers[LEDGER_BILLERS_MAX];
	int n = 0, c;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config_path = optarg; break;
		case 'B':
			if (n == LEDGER_BILLERS_MAX)
				return 2;
			billers[n++] = optarg;
			break;
		case 'h': ledger_usage(stdout); return 0;
		default: ledger_usage(stderr); return 2;
		}
	}
	bool init = optind + 1 == argc && strcmp(argv[optind], "init") == 0;
	bool check = optind + 1 == argc && strcmp(argv[optind], "check") == 0;
	if (config_path == NULL || (!init && !check) || (init && n != 1)) {
		ledger_usage(stderr);
		return 2;
	}
	char err[1024];
	struct config *cfg = NULL;
	if (config_load(config_path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid ledger: %s\n", err);
		return 1;
	}
	int rc = 0;
	int count = n > 0 ? n : (int)config_biller_count(cfg);
	for (int i = 0; i < count; i++) {
		const struct config_biller *b =
			n > 0 ? config_biller_find(cfg, billers[i])
			      : config_biller_at(cfg, (size_t)i);
		if (b == NULL) {
			fprintf(stderr, "tasdid ledger: no biller '%s'\n",
				billers[i]);
			rc = 1;
			continue;
		}
		if ((init ? init_one(b) : check_one(b)) != 0)
			rc = 1;
	}
	config_free(cfg);
	return rc;
}
