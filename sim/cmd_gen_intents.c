/* tasdid gen-intents — deterministic test data (consumer/gen.h): queued
 * intents with duplicates and poison messages mixed in, as kcat input
 * ("KEY<TAB>VALUE" lines, `kcat -P -K '\t'`), the matching invoice export
 * (CSV format (a)), and a summary of what a correct consumer must end up
 * with. For tests, benchmarks and the demo. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "intopt.h"
#include "config.h"
#include "gen.h"
#include "invoice_csv.h"
#include "intent.h"
#include "money.h"

#define GEN_COUNT_MAX 100000000

struct gen_opts {
	const char *config_path, *biller;
	const char *intents_path, *invoices_path, *summary_path;
	int64_t count, accounts, dup_permille, poison_permille;
	uint64_t seed;
};

static void gen_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid gen-intents -c CONFIG --biller ID [--count N] [--accounts N]\n"
		"         [--seed S] [--dup-permille D] [--poison-permille P]\n"
		"         [--intents FILE] [--invoices FILE] [--summary FILE]\n"
		"\n"
		"Writes N distinct valid intents for biller ID (plus D per mille re-sent\n"
		"duplicates and P per mille poison messages: bad JSON, invalid intents,\n"
		"wrong biller, wrong currency, wrong intent_id) as KEY<TAB>JSON lines\n"
		"for `kcat -P -K '\\t'`; the invoices of the same accounts as CSV; and\n"
		"a summary (shell variables) of what the ledger must hold afterwards.\n"
		"Same seed, same data. Defaults: N 1000, 1000 accounts, seed 1, D 20, P 5.\n");
}

/* Write one message line; poison kinds rotate through five failures. */
static void write_poison(FILE *f, const struct gen_params *gp, int64_t n,
			 int kind)
{
	struct intent in;
	char json[INTENT_JSON_MAX + 1];
	gen_intent(gp, n, &in);
	snprintf(in.idempotency_key, sizeof(in.idempotency_key),
		 "poison-%" PRId64, n);
	switch (kind) {
	case 0:
		fprintf(f, "%s\tthis is not JSON {%" PRId64 "\n", in.account, n);
		return;
	case 1:
		fprintf(f, "%s\t{\"schema_version\":1,\"n\":%" PRId64 "}\n",
			in.account, n);
		return;
	case 2: /* another currency than the biller's */
		snprintf(in.currency, sizeof(in.currency), "%s",
			 strcmp(gp->currency->code, "USD") == 0 ? "EUR"
								 : "USD");
		break;
	case 3:
		snprintf(in.biller, sizeof(in.biller), "zz-nobody");
		break;
	default: /* key changed after the id was derived */
		break;
	}
	intent_derive_id(&in);
	if (kind == 4)
		in.idempotency_key[0] = 'P';
	intent_encode(&in, json, sizeof(json));
	fprintf(f, "%s\t%s\n", in.account, json);
}

static int write_intents(const struct gen_opts *o, const struct gen_params *gp,
			 FILE *f, FILE *summary)
{
	int64_t dups = 0, poison = 0, total_minor = 0;
	uint64_t rs = o->seed * 31 + 7;
	char json[INTENT_JSON_MAX + 1];
	struct intent in;
	for (int64_t n = 0; n < o->count; n++) {
		gen_intent(gp, n, &in);
		if (money_add(total_minor, in.amount_minor, &total_minor) < 0)
			return -1;
		intent_encode(&in, json, sizeof(json));
		fprintf(f, "%s\t%s\n", in.account, json);
		if ((int64_t)(gen_random(&rs) % 1000) < o->dup_permille) {
			/* A re-send of a recent intent: same id, later
			 * received_at (a terminal retry through the intake). */
			int64_t m = n - (int64_t)(gen_random(&rs) % 3000);
			gen_intent(gp, m < 0 ? 0 : m, &in);
			intent_stamp_received(&in, in.received_at_ms + 7000);
			intent_encode(&in, json, sizeof(json));
			fprintf(f, "%s\t%s\n", in.account, json);
			dups++;
		}
		if ((int64_t)(gen_random(&rs) % 1000) < o->poison_permille) {
			write_poison(f, gp, n, (int)(poison % 5));
			poison++;
		}
	}
	fprintf(summary,
		"GEN_MESSAGES=%" PRId64 "\nGEN_VALID=%" PRId64
		"\nGEN_DUPLICATES=%" PRId64 "\nGEN_POISON=%" PRId64
		"\nGEN_TOTAL_MINOR=%" PRId64 "\n",
		o->count + dups + poison, o->count, dups, poison, total_minor);
	return 0;
}

static void write_invoices(const struct gen_params *gp, int64_t accounts,
			   FILE *f)
{
	char no[INTENT_INVOICE_MAX + 1], acc[INTENT_ACCOUNT_MAX + 1];
	char due[11], amount[MONEY_TEXT_MAX];
	int64_t minor;
	char name[32];
	invoice_csv_header(f, "\r\n");
	for (int64_t a = 0; a < accounts; a++)
		for (int k = 0; k < gen_invoice_count(gp, a); k++) {
			gen_invoice(gp, a, k, no, acc, due, &minor);
			money_format(minor, gp->currency, amount,
				     sizeof(amount));
			snprintf(name, sizeof(name), "Customer %" PRId64, a);
			const struct invoice_csv_row row = {
				.invoice_no = no, .account = acc,
				.customer_name = name, .period = due,
				.issued_on = "", .due_on = due,
				.amount = amount,
				.currency = gp->currency->code,
			};
			invoice_csv_write(f, &row, "\r\n");
		}
}

static int parse_opts(int argc, char **argv, struct gen_opts *o);

int cmd_gen_intents(int argc, char **argv)
{
	struct gen_opts o = {.count = 1000, .accounts = 1000, .seed = 1,
			     .dup_permille = 20, .poison_permille = 5};
	int rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	char err[512];
	struct config *cfg = NULL;
	if (config_load(o.config_path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid gen-intents: %s\n", err);
		return 1;
	}
	rc = 1;
	const struct config_biller *b = config_biller_find(cfg, o.biller);
	if (b == NULL) {
		fprintf(stderr, "tasdid gen-intents: no biller '%s'\n", o.biller);
		goto out;
	}
	struct gen_params gp;
	gen_params_default(&gp, b->id, b->currency, o.accounts, o.seed);
	FILE *f = o.intents_path ? fopen(o.intents_path, "w") : stdout;
	FILE *s = o.summary_path ? fopen(o.summary_path, "w") : stderr;
	FILE *inv = o.invoices_path ? fopen(o.invoices_path, "w") : NULL;
	if (f == NULL || s == NULL || (o.invoices_path && inv == NULL)) {
		fprintf(stderr, "tasdid gen-intents: cannot open an output\n");
	} else if (write_intents(&o, &gp, f, s) == 0) {
		if (inv != NULL)
			write_invoices(&gp, o.accounts, inv);
		rc = 0;
	}
	if (f != NULL && f != stdout && fclose(f) != 0)
		rc = 1;
	if (s != NULL && s != stderr && fclose(s) != 0)
		rc = 1;
	if (inv != NULL && fclose(inv) != 0)
		rc = 1;
out:
	config_free(cfg);
	return rc;
}

static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"biller", required_argument, NULL, 'B'},
		{"count", required_argument, NULL, 'n'},
		{"accounts", required_argument, NULL, 'a'},
		{"seed", required_argument, NULL, 's'},
		{"dup-permille", required_argument, NULL, 'd'},
		{"poison-permille", required_argument, NULL, 'p'},
		{"intents", required_argument, NULL, 'I'},
		{"invoices", required_argument, NULL, 'V'},
		{"summary", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		int64_t v = 0;
		if (strchr("nasdp", c) != NULL) {
			if (intopt_parse(optarg, 0, GEN_COUNT_MAX, &v) < 0 ||
			    (strchr("dp", c) && v > 1000) ||
			    (c == 'a' && v == 0)) {
				fprintf(stderr, "tasdid gen-intents: bad "
					"number '%s'\n", optarg);
				return 2;
			}
		}
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'B': o->biller = optarg; break;
		case 'n': o->count = v; break;
		case 'a': o->accounts = v; break;
		case 's': o->seed = (uint64_t)v; break;
		case 'd': o->dup_permille = v; break;
		case 'p': o->poison_permille = v; break;
		case 'I': o->intents_path = optarg; break;
		case 'V': o->invoices_path = optarg; break;
		case 'S': o->summary_path = optarg; break;
		case 'h': gen_usage(stdout); return 0;
		default: gen_usage(stderr); return 2;
		}
	}
	if (o->config_path == NULL || o->biller == NULL || optind != argc) {
		gen_usage(stderr);
		return 2;
	}
	return -1;
}
