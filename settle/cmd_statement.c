/* tasdid statement show — print what tasdid reads in a bank's file
 * (statements, balances, every entry with its references and the intent id
 * found, every control check), so an operator sees how a new bank's file
 * reads before its first night. The reading is settle's own
 * (statement_read()), with the bank's [bankfile BANK] section.
 *
 * Exit codes as settle's: 0 the file is accepted, 4 refused (settle would
 * call the bank incomplete), 1 error (config), 2 usage. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bankfile.h"
#include "commands.h"
#include "config.h"
#include "statement.h"

enum { EXIT_ACCEPTED = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_REFUSED = 4 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid statement show FILE [-c CONFIG] [--bank BANK]\n"
		"                             [--format F] [--json]\n"
		"\n"
		"Reads FILE as settle would and prints its statements, balances,\n"
		"every entry (amount, currency, credit/debit, reversal, status,\n"
		"dates, references, remittance text, the intent id found) and every\n"
		"control check.\n"
		"\n"
		"  -c, --config FILE  the deployment's config: the bank's [bankfile]\n"
		"                     section (biller_accounts, intent_id_from, ...)\n"
		"      --bank BANK    the bank (default: from bank-BANK-DATE... name)\n"
		"      --format F     csv, camt053, camt054 or mt940 (default: the\n"
		"                     bank's); without a config every account is shown\n"
		"      --json         one JSON object instead of text\n"
		"\n"
		"Exit: 0 accepted, 4 refused (settle would mark the bank incomplete),\n"
		"1 error, 2 usage. Formats: schemas/bank-statements.md.\n");
}

/* The bank of a "bank-BANK-YYYY-MM-DD..." file name, or "" (out). */
static void bank_from_name(const char *path, char out[INTENT_BANK_MAX + 1])
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	out[0] = '\0';
	if (strncmp(base, "bank-", 5) != 0)
		return;
	const char *s = base + 5;
	for (size_t n = 0; s[n] != '\0' && n <= INTENT_BANK_MAX; n++)
		if (s[n] == '-' && s[n + 1] >= '0' && s[n + 1] <= '9') {
			snprintf(out, INTENT_BANK_MAX + 1, "%.*s", (int)n, s);
			return;
		}
}

/* How reconciliation will treat the line. */
static const char *treatment(const struct bankfile_line *l)
{
	if (l->status != BANKFILE_BOOKED)
		return "not booked: shown, not matched";
	if (l->not_a_payment)
		return "not_a_payment";
	return l->intent_id[0] ? "match by intent id"
			       : "match by rule (account, amount, date)";
}

static const char *amount_text(int64_t minor, const struct currency *cur,
			       char buf[MONEY_TEXT_MAX])
{
	if (cur == NULL)
		return "-";
	money_format(minor, cur, buf, MONEY_TEXT_MAX);
	return buf;
}

static void print_text(const char *path, const char *format,
		       const struct bankfile *bf)
{
	char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], c[MONEY_TEXT_MAX],
		d[MONEY_TEXT_MAX];
	printf("file %s\nformat %s, bank %s, business date %s, created %s\n"
	       "sha256 %s\n", path, format, bankfile_bank(bf),
	       bankfile_business_date(bf),
	       bankfile_created_at(bf)[0] ? bankfile_created_at(bf) : "-",
	       bankfile_sha256(bf));
	for (size_t i = 0; i < bankfile_statement_count(bf); i++) {
		const struct bankfile_statement *s = bankfile_statement_at(bf, i);
		const char *code = s->currency ? s->currency->code : "-";
		printf("\nstatement %s (line %" PRId64 "): account %s, %s, period "
		       "%s to %s\n  opening %s, closing %s; booked credits %s, "
		       "debits %s; entries %" PRId64 " credit, %" PRId64 " debit, %"
		       PRId64 " not booked\n", s->id, s->file_line, s->account, code,
		       s->from_date[0] ? s->from_date : "-", s->to_date,
		       s->has_opening ? amount_text(s->opening_minor, s->currency, a) : "-",
		       s->has_closing ? amount_text(s->closing_minor, s->currency, b) : "-",
		       amount_text(s->credit_minor, s->currency, c),
		       amount_text(s->debit_minor, s->currency, d), s->credit_count,
		       s->debit_count, s->other_count);
	}
	for (size_t i = 0; i < bankfile_line_count(bf); i++) {
		const struct bankfile_line *l = bankfile_line_at(bf, i);
		printf("\nentry %" PRId64 " (line %" PRId64 "%s%s): %s %s %s %s%s\n"
		       "  booked %s, value %s; biller %s, account %s, invoice %s\n"
		       "  intent_id %s; end_to_end_id %s, instr_id %s, acct_svcr_ref %s,"
		       " tx_id %s, creditor_ref %s\n  remittance %s\n  -> %s\n",
		       l->line_no, l->file_line, l->statement[0] ? ", statement " : "",
		       l->statement, bankfile_status_name(l->status),
		       l->debit ? "DBIT" : "CRDT",
		       amount_text(l->amount_minor, l->currency, a), l->currency->code,
		       l->reversal ? " (reversal)" : "",
		       l->booking_date[0] ? l->booking_date : "-",
		       l->value_date[0] ? l->value_date : "-",
		       l->biller[0] ? l->biller : "-", l->account[0] ? l->account : "-",
		       l->invoice_no[0] ? l->invoice_no : "-",
		       l->intent_id[0] ? l->intent_id : "-",
		       l->end_to_end_id[0] ? l->end_to_end_id : "-",
		       l->instr_id[0] ? l->instr_id : "-",
		       l->acct_svcr_ref[0] ? l->acct_svcr_ref : "-",
		       l->tx_id[0] ? l->tx_id : "-",
		       l->creditor_ref[0] ? l->creditor_ref : "-",
		       l->remittance[0] ? l->remittance : "-", treatment(l));
	}
	printf("\n");
	for (size_t i = 0; i < bankfile_check_count(bf); i++) {
		const struct bankfile_check *k = bankfile_check_at(bf, i);
		printf("check %s%s%s: ok: %s\n", k->name, k->statement[0] ? " " : "",
		       k->statement, k->detail);
	}
	printf("accepted: %zu lines, %zu statements, %zu checks passed\n",
	       bankfile_line_count(bf), bankfile_statement_count(bf),
	       bankfile_check_count(bf));
}

static json_t *json_amount(int64_t minor, const struct currency *cur)
{
	char a[MONEY_TEXT_MAX];
	return cur ? json_string(amount_text(minor, cur, a)) : json_null();
}

static json_t *json_line(const struct bankfile_line *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "n", json_integer(l->line_no));
	json_object_set_new(o, "line", json_integer(l->file_line));
	json_object_set_new(o, "amount", json_amount(l->amount_minor, l->currency));
	json_object_set_new(o, "amount_minor", json_integer(l->amount_minor));
	json_object_set_new(o, "currency", json_string(l->currency->code));
	json_object_set_new(o, "credit_debit", json_string(l->debit ? "DBIT" : "CRDT"));
	json_object_set_new(o, "reversal", json_boolean(l->reversal));
	json_object_set_new(o, "status", json_string(bankfile_status_name(l->status)));
	json_object_set_new(o, "reconciliation", json_string(treatment(l)));
	const struct {
		const char *name, *value;
	} s[] = {
		{"statement", l->statement}, {"booking_date", l->booking_date},
		{"value_date", l->value_date}, {"biller", l->biller},
		{"account", l->account}, {"invoice_no", l->invoice_no},
		{"intent_id", l->intent_id}, {"end_to_end_id", l->end_to_end_id},
		{"instr_id", l->instr_id}, {"acct_svcr_ref", l->acct_svcr_ref},
		{"tx_id", l->tx_id}, {"creditor_ref", l->creditor_ref},
		{"remittance", l->remittance}, {"paid_at", l->paid_at},
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		json_object_set_new(o, s[i].name, json_string(s[i].value));
	return o;
}

static json_t *json_file(const char *path, const char *format,
			 const struct bankfile *bf)
{
	json_t *o = json_object(), *sts = json_array(), *ls = json_array(),
	       *ks = json_array();
	json_object_set_new(o, "file", json_string(path));
	json_object_set_new(o, "format", json_string(format));
	json_object_set_new(o, "accepted", json_true());
	json_object_set_new(o, "bank", json_string(bankfile_bank(bf)));
	json_object_set_new(o, "business_date", json_string(bankfile_business_date(bf)));
	json_object_set_new(o, "created_at", json_string(bankfile_created_at(bf)));
	json_object_set_new(o, "sha256", json_string(bankfile_sha256(bf)));
	for (size_t i = 0; i < bankfile_statement_count(bf); i++) {
		const struct bankfile_statement *s = bankfile_statement_at(bf, i);
		json_t *j = json_object();
		json_object_set_new(j, "id", json_string(s->id));
		json_object_set_new(j, "account", json_string(s->account));
		json_object_set_new(j, "currency",
				    s->currency ? json_string(s->currency->code) : json_null());
		json_object_set_new(j, "opening", s->has_opening
				    ? json_amount(s->opening_minor, s->currency) : json_null());
		json_object_set_new(j, "closing", s->has_closing
				    ? json_amount(s->closing_minor, s->currency) : json_null());
		json_object_set_new(j, "booked_credits", json_amount(s->credit_minor, s->currency));
		json_object_set_new(j, "booked_debits", json_amount(s->debit_minor, s->currency));
		json_object_set_new(j, "from_date", json_string(s->from_date));
		json_object_set_new(j, "to_date", json_string(s->to_date));
		json_array_append_new(sts, j);
	}
	for (size_t i = 0; i < bankfile_line_count(bf); i++)
		json_array_append_new(ls, json_line(bankfile_line_at(bf, i)));
	for (size_t i = 0; i < bankfile_check_count(bf); i++) {
		const struct bankfile_check *k = bankfile_check_at(bf, i);
		json_t *j = json_object();
		json_object_set_new(j, "check", json_string(k->name));
		json_object_set_new(j, "statement", json_string(k->statement));
		json_object_set_new(j, "result", json_string("ok"));
		json_object_set_new(j, "detail", json_string(k->detail));
		json_array_append_new(ks, j);
	}
	json_object_set_new(o, "statements", sts);
	json_object_set_new(o, "entries", ls);
	json_object_set_new(o, "checks", ks);
	return o;
}

struct show {
	const char *path, *config_path, *bank, *format;
	bool json;
};

static int parse_args(int argc, char **argv, struct show *a)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"bank", required_argument, NULL, 'b'},
		{"format", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config_path = optarg; break;
		case 'b': a->bank = optarg; break;
		case 'f': a->format = optarg; break;
		case 'j': a->json = true; break;
		case 'h': usage(stdout); return EXIT_ACCEPTED;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "show") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->path = argv[optind + 1];
	return -1;
}

/* The map to read with: the bank's section, its format replaced by
 * --format; without one, format only (every account shown). */
static int pick_map(const struct show *a, const struct config *cfg,
		    const char *bank, struct config_bankfile *out)
{
	const struct config_bankfile *m = cfg ? config_bankfile_find(cfg, bank) : NULL;
	memset(out, 0, sizeof(*out));
	if (m != NULL)
		*out = *m;
	if (a->format == NULL)
		return 0;
	for (int f = 0; f < CONFIG_FORMAT_COUNT; f++)
		if (strcmp(a->format, config_bankfile_format_name(f)) == 0) {
			if (m == NULL || m->format != (enum config_bankfile_format)f) {
				/* another format than the section's: its keys do
				 * not apply (csv layout or statement keys) */
				memset(out, 0, sizeof(*out));
				snprintf(out->bank, sizeof(out->bank), "%s", bank);
				out->delimiter = ',';
				out->decimal_separator = '.';
			}
			out->format = (enum config_bankfile_format)f;
			return 0;
		}
	fprintf(stderr, "tasdid statement: --format '%s' is not csv, camt053, "
		"camt054 or mt940\n", a->format);
	return -1;
}

int cmd_statement(int argc, char **argv)
{
	struct show a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct config *cfg = NULL;
	char err[1024], bank[INTENT_BANK_MAX + 1];
	if (a.config_path && config_load(a.config_path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid statement: %s\n", err);
		return EXIT_ERROR;
	}
	bank_from_name(a.path, bank);
	if (a.bank)
		snprintf(bank, sizeof(bank), "%s", a.bank);
	struct config_bankfile map;
	rc = EXIT_USAGE;
	if (pick_map(&a, cfg, bank, &map) < 0)
		goto out;
	const char *format = config_bankfile_format_name(map.format);
	struct bankfile *bf = NULL;
	struct bankfile_error e;
	/* csv without a section (or with --format csv): standard format (b) */
	bool standard = map.format == CONFIG_FORMAT_CSV && map.column_count == 0;
	if (statement_read(a.path, bank, standard ? NULL : &map, &bf, &e) < 0) {
		if (a.json) {
			json_t *o = json_pack("{s:s, s:s, s:b, s:{s:I, s:s}}", "file",
					      a.path, "format", format, "accepted", 0,
					      "error", "line", (json_int_t)e.line,
					      "reason", e.reason);
			if (o != NULL) /* NULL: the reason is not UTF-8 */
				json_dumpf(o, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
			putchar('\n');
			json_decref(o);
		} else {
			printf("file %s\nformat %s\nrefused: line %" PRId64 ": %s\n",
			       a.path, format, e.line, e.reason);
		}
		rc = EXIT_REFUSED;
		goto out;
	}
	if (a.json) {
		json_t *o = json_file(a.path, format, bf);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		print_text(a.path, format, bf);
	}
	bankfile_free(bf);
	rc = EXIT_ACCEPTED;
out:
	config_free(cfg);
	return rc;
}
