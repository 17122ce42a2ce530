/* report — see report.h. */
#include "report.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bizdate.h"
#include "csvout.h"
#include "timeutil.h"

#define MAX_SORTED 4096

/* Config indices of banks (or billers) in ascending id order. */
static size_t sorted_ids(const struct config *cfg, bool banks, int *out)
{
	size_t n = banks ? config_bank_count(cfg) : config_biller_count(cfg);
	assert(n <= MAX_SORTED);
	for (size_t i = 0; i < n; i++) {
		int v = (int)i;
		const char *id = banks ? config_bank_at(cfg, i)->id
				       : config_biller_at(cfg, i)->id;
		size_t j = i;
		while (j > 0) {
			const char *prev = banks ? config_bank_at(cfg, (size_t)out[j - 1])->id
						 : config_biller_at(cfg, (size_t)out[j - 1])->id;
			if (strcmp(prev, id) <= 0)
				break;
			out[j] = out[j - 1];
			j--;
		}
		out[j] = v;
	}
	return n;
}

static const char *fmt_money(int64_t minor, const struct currency *cur,
			     char buf[MONEY_TEXT_MAX])
{
	if (money_format(minor, cur, buf, MONEY_TEXT_MAX) < 0)
		snprintf(buf, MONEY_TEXT_MAX, "?");
	return buf;
}

static const char *fmt_i64(int64_t v, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

void report_count(const struct report_input *in, struct report_counts *ret)
{
	memset(ret, 0, sizeof(*ret));
	const struct config *cfg = in->cfg;
	for (size_t b = 0; b < config_bank_count(cfg); b++)
		for (size_t k = 0; k < config_biller_count(cfg); k++) {
			const struct recon_total *t = recon_total_at(in->recon, (int)b, (int)k);
			ret->matched += t->matched_count;
			ret->matched_by_rule += t->matched_by_rule_count;
		}
	size_t n = recon_finding_count(in->recon);
	for (size_t i = 0; i < n; i++) {
		enum recon_kind kind = recon_finding_at(in->recon, i)->kind;
		ret->kind[kind]++;
		ret->discrepancies += recon_kind_is_discrepancy(kind);
	}
	for (size_t i = 0; i < in->file_count; i++)
		if (in->files[i].problem[0] != '\0')
			ret->file_problems++;
	ret->discrepancies += ret->file_problems;
	for (size_t k = 0; k < config_biller_count(cfg); k++) {
		const struct grace *g = in->grace[k];
		for (size_t i = 0; i < grace_row_count(g); i++) {
			const struct grace_row *row = grace_row_at(g, i);
			ret->grace_rows++;
			ret->grace_reason[row->reason]++;
			ret->grace_follow_up += row->follow_up;
			ret->grace_fees_waived += row->fee_waived;
		}
	}
}

/* ---- CSV files ---- */

static FILE *open_in(const char *dir, const char *name, char *errstr,
		     size_t errstr_size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		snprintf(errstr, errstr_size, "%s: %s", path, strerror(errno));
	return f;
}

static int close_checked(FILE *f, const char *name, char *errstr,
			 size_t errstr_size)
{
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad) {
		snprintf(errstr, errstr_size, "%s: write failed: %s", name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static void write_reconciliation(const struct report_input *in, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "bank", "biller", "currency", "status",
		"bank_count", "bank_amount", "ledger_count", "ledger_amount",
		"difference", "matched_count", "matched_by_rule_count",
		"matched_other_date_count", "bank_only_count", "ledger_only_count",
		"amount_mismatch_count", "duplicate_line_count",
		"wrong_currency_count"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	int banks[MAX_SORTED], billers[MAX_SORTED];
	size_t nb = sorted_ids(in->cfg, true, banks);
	size_t nk = sorted_ids(in->cfg, false, billers);
	char a[MONEY_TEXT_MAX], n[24];
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < nk; k++) {
			const struct config_biller *bl = config_biller_at(in->cfg, (size_t)billers[k]);
			const struct recon_total *t = recon_total_at(in->recon, banks[i], billers[k]);
			const struct currency *cur = bl->currency;
			csvout_plain(f, in->date, false);
			csvout_text(f, config_bank_at(in->cfg, (size_t)banks[i])->id, false);
			csvout_text(f, bl->id, false);
			csvout_plain(f, cur->code, false);
			csvout_plain(f, t->reconciled ? "reconciled" : "not_reconciled", false);
			csvout_plain(f, fmt_i64(t->bank_count, n), false);
			csvout_plain(f, fmt_money(t->bank_minor, cur, a), false);
			csvout_plain(f, fmt_i64(t->ledger_count, n), false);
			csvout_plain(f, fmt_money(t->ledger_minor, cur, a), false);
			csvout_plain(f, fmt_money(t->bank_minor - t->ledger_minor, cur, a), false);
			csvout_plain(f, fmt_i64(t->matched_count, n), false);
			csvout_plain(f, fmt_i64(t->matched_by_rule_count, n), false);
			csvout_plain(f, fmt_i64(t->matched_other_date_count, n), false);
			csvout_plain(f, fmt_i64(t->kind_count[RECON_BANK_ONLY], n), false);
			csvout_plain(f, fmt_i64(t->kind_count[RECON_LEDGER_ONLY], n), false);
			csvout_plain(f, fmt_i64(t->kind_count[RECON_AMOUNT_MISMATCH], n), false);
			csvout_plain(f, fmt_i64(t->kind_count[RECON_DUPLICATE_LINE], n), false);
			csvout_plain(f, fmt_i64(t->kind_count[RECON_WRONG_CURRENCY], n), true);
		}
}

static const char *finding_reason(const struct recon_finding *x, char *buf,
				  size_t size)
{
	char b[MONEY_TEXT_MAX], l[MONEY_TEXT_MAX];
	switch (x->kind) {
	case RECON_BANK_ONLY:
		return x->intent_id[0] ? "the bank settled this payment; the ledger has no such intent_id"
				       : "legacy line: no posting matches by key or by account, amount and time";
	case RECON_LEDGER_ONLY:
		return x->bank < 0 ? "posted by a bank that is not configured"
				   : "posted in the business date, in no line of the bank's file";
	case RECON_AMOUNT_MISMATCH:
		snprintf(buf, size, "bank says %s, ledger says %s",
			 fmt_money(x->bank_amount_minor, x->currency, b),
			 fmt_money(x->ledger_amount_minor, x->currency, l));
		return buf;
	case RECON_DUPLICATE_LINE:
		return "intent_id already on an earlier line; not counted again";
	case RECON_UNKNOWN_BILLER:
		return "biller is not configured; line not reconciled";
	case RECON_WRONG_CURRENCY:
		return "currency is not the biller's; line not reconciled";
	case RECON_NOT_A_PAYMENT:
		return "a debit or reversal on the biller's statement: not a bill "
		       "payment, not matched (not a discrepancy)";
	case RECON_KIND_COUNT:
		break;
	}
	assert(0);
	return "";
}

static void write_finding(const struct report_input *in, FILE *f,
			  const struct recon_finding *x)
{
	char a[MONEY_TEXT_MAX], n[24], why[200];
	csvout_plain(f, in->date, false);
	csvout_plain(f, recon_kind_name(x->kind), false);
	csvout_text(f, x->bank >= 0 ? config_bank_at(in->cfg, (size_t)x->bank)->id : "", false);
	csvout_text(f, x->biller_id, false);
	csvout_text(f, x->file, false);
	csvout_plain(f, x->file_line > 0 ? fmt_i64(x->file_line, n) : "", false);
	csvout_text(f, x->intent_id, false);
	csvout_text(f, x->account, false);
	bool in_file = x->file[0] != '\0';
	bool in_ledger = x->kind == RECON_LEDGER_ONLY || x->kind == RECON_AMOUNT_MISMATCH;
	csvout_plain(f, in_file ? fmt_money(x->bank_amount_minor, x->currency, a) : "", false);
	csvout_plain(f, in_ledger ? fmt_money(x->ledger_amount_minor, x->currency, a) : "", false);
	csvout_plain(f, x->currency->code, false);
	csvout_text(f, finding_reason(x, why, sizeof(why)), true);
}

static void write_discrepancies(const struct report_input *in, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "kind", "bank", "biller", "file", "line",
		"intent_id", "account", "bank_amount", "ledger_amount",
		"currency", "reason"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	char n[24];
	for (size_t i = 0; i < in->file_count; i++) {
		const struct report_file *rf = &in->files[i];
		if (rf->problem[0] == '\0')
			continue;
		csvout_plain(f, in->date, false);
		csvout_plain(f, rf->problem, false);
		csvout_text(f, rf->bank, false);
		csvout_plain(f, "", false);
		csvout_text(f, rf->name, false);
		csvout_plain(f, fmt_i64(rf->line, n), false);
		for (int k = 0; k < 5; k++)
			csvout_plain(f, "", false);
		csvout_text(f, rf->reason, true);
	}
	size_t count = recon_finding_count(in->recon);
	for (size_t i = 0; i < count; i++)
		write_finding(in, f, recon_finding_at(in->recon, i));
}

static void write_settlement(const struct report_input *in, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "bank", "biller", "currency", "status",
		"owed_count", "owed_amount", "agreed_amount", "disputed_amount"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	int banks[MAX_SORTED], billers[MAX_SORTED];
	size_t nb = sorted_ids(in->cfg, true, banks);
	size_t nk = sorted_ids(in->cfg, false, billers);
	char a[MONEY_TEXT_MAX], n[24];
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < nk; k++) {
			const struct config_biller *bl = config_biller_at(in->cfg, (size_t)billers[k]);
			const struct recon_total *t = recon_total_at(in->recon, banks[i], billers[k]);
			int64_t agreed = t->matched_minor + t->matched_by_rule_minor;
			csvout_plain(f, in->date, false);
			csvout_text(f, config_bank_at(in->cfg, (size_t)banks[i])->id, false);
			csvout_text(f, bl->id, false);
			csvout_plain(f, bl->currency->code, false);
			csvout_plain(f, t->reconciled ? "reconciled" : "not_reconciled", false);
			csvout_plain(f, fmt_i64(t->bank_count, n), false);
			csvout_plain(f, fmt_money(t->bank_minor, bl->currency, a), false);
			csvout_plain(f, fmt_money(agreed, bl->currency, a), false);
			csvout_plain(f, fmt_money(t->bank_minor - agreed, bl->currency, a), true);
		}
}

static void write_grace(const struct report_input *in, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "biller", "account", "invoice_no",
		"customer_name", "amount_open", "currency", "due_on", "reason",
		"grace_until", "late_fee", "fee_waived", "fee_waived_reason",
		"follow_up"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	int billers[MAX_SORTED];
	size_t nk = sorted_ids(in->cfg, false, billers);
	char a[MONEY_TEXT_MAX], d[BIZDATE_TEXT_LEN + 1];
	for (size_t k = 0; k < nk; k++) {
		const struct config_biller *bl = config_biller_at(in->cfg, (size_t)billers[k]);
		const struct grace *g = in->grace[billers[k]];
		for (size_t i = 0; i < grace_row_count(g); i++) {
			const struct grace_row *r = grace_row_at(g, i);
			csvout_plain(f, in->date, false);
			csvout_text(f, bl->id, false);
			csvout_text(f, r->account, false);
			csvout_text(f, r->invoice_no, false);
			csvout_text(f, r->customer_name, false);
			csvout_plain(f, fmt_money(r->open_minor, bl->currency, a), false);
			csvout_plain(f, bl->currency->code, false);
			bizdate_format(r->due_day, d);
			csvout_plain(f, d, false);
			csvout_plain(f, grace_reason_name(r->reason), false);
			bizdate_format(r->grace_until_day, d);
			csvout_plain(f, d, false);
			csvout_plain(f, fmt_money(r->late_fee_minor, bl->currency, a), false);
			csvout_plain(f, r->fee_waived ? "yes" : "no", false);
			csvout_plain(f, r->fee_waived ? grace_reason_name(r->reason) : "", false);
			csvout_plain(f, r->follow_up ? "yes" : "no", true);
		}
	}
}

/* ---- summary.json ---- */

static json_t *json_money(int64_t minor, const struct currency *cur)
{
	char a[MONEY_TEXT_MAX];
	return json_string(fmt_money(minor, cur, a));
}

static json_t *json_time(int64_t ms)
{
	char t[32];
	rfc3339_format_utc_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *json_pairs(const struct report_input *in)
{
	json_t *arr = json_array();
	int banks[MAX_SORTED], billers[MAX_SORTED];
	size_t nb = sorted_ids(in->cfg, true, banks);
	size_t nk = sorted_ids(in->cfg, false, billers);
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < nk; k++) {
			const struct config_biller *bl = config_biller_at(in->cfg, (size_t)billers[k]);
			const struct recon_total *t = recon_total_at(in->recon, banks[i], billers[k]);
			const struct currency *c = bl->currency;
			json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:I, s:o, s:I, s:o, s:I, s:I, s:I}",
				"bank", config_bank_at(in->cfg, (size_t)banks[i])->id,
				"biller", bl->id, "currency", c->code,
				"reconciled", t->reconciled,
				"bank_count", (json_int_t)t->bank_count,
				"bank_amount", json_money(t->bank_minor, c),
				"ledger_count", (json_int_t)t->ledger_count,
				"ledger_amount", json_money(t->ledger_minor, c),
				"matched", (json_int_t)t->matched_count,
				"matched_by_rule", (json_int_t)t->matched_by_rule_count,
				"matched_other_date", (json_int_t)t->matched_other_date_count);
			for (int kd = 0; kd < RECON_KIND_COUNT; kd++)
				json_object_set_new(o, recon_kind_name((enum recon_kind)kd),
						    json_integer(t->kind_count[kd]));
			json_object_set_new(o, "owed_amount", json_money(t->bank_minor, c));
			json_object_set_new(o, "agreed_amount",
					    json_money(t->matched_minor + t->matched_by_rule_minor, c));
			json_array_append_new(arr, o);
		}
	return arr;
}

static json_t *json_files(const struct report_input *in)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < in->file_count; i++) {
		const struct report_file *f = &in->files[i];
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I}",
			"bank", f->bank, "file", f->name, "status", f->status,
			"problem", f->problem, "line", (json_int_t)f->line,
			"reason", f->reason, "sha256", f->sha256,
			"lines", (json_int_t)f->line_count));
	}
	return arr;
}

static json_t *json_summary(const struct report_input *in,
			    const struct report_counts *c)
{
	json_t *counts = json_object();
	json_object_set_new(counts, "matched", json_integer(c->matched));
	json_object_set_new(counts, "matched_by_rule", json_integer(c->matched_by_rule));
	json_object_set_new(counts, "file_problems", json_integer(c->file_problems));
	for (int k = 0; k < RECON_KIND_COUNT; k++)
		json_object_set_new(counts, recon_kind_name((enum recon_kind)k),
				    json_integer(c->kind[k]));
	json_t *reasons = json_object();
	for (int r = 0; r < GRACE_REASON_COUNT; r++)
		json_object_set_new(reasons, grace_reason_name((enum grace_reason)r),
				    json_integer(c->grace_reason[r]));
	json_t *outages = json_array();
	for (size_t i = 0; i < outage_count(in->outages); i++) {
		const struct outage_window *w = outage_at(in->outages, i);
		json_array_append_new(outages, json_pack("{s:o, s:o, s:s, s:s}",
			"start", json_time(w->start_ms), "end", json_time(w->end_ms),
			"source", w->source, "description", w->description));
	}
	const char *status = in->exit_code == 0 ? "balanced"
			   : !in->complete ? "incomplete" : "discrepancies";
	return json_pack("{s:s, s:s, s:s, s:{s:o, s:o}, s:b, s:i, s:s, s:I, "
			 "s:o, s:o, s:o, s:{s:I, s:I, s:I, s:o}, s:o}",
		"business_date", in->date, "timezone", in->timezone,
		"cutoff", in->cutoff, "window", "start", json_time(in->window_start_ms),
		"end", json_time(in->window_end_ms), "complete", in->complete,
		"exit_code", in->exit_code, "status", status,
		"discrepancies", (json_int_t)c->discrepancies,
		"counts", counts, "files", json_files(in),
		"reconciliation", json_pairs(in),
		"grace", "rows", (json_int_t)c->grace_rows,
		"follow_up", (json_int_t)c->grace_follow_up,
		"fees_waived", (json_int_t)c->grace_fees_waived,
		"by_reason", reasons, "outages", outages);
}

/* ---- summary.html ---- */

static void html(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* English name, then the Arabic one isolated in <bdi dir="rtl"> so the
 * bidi algorithm cannot reorder the English around it. */
static void html_name(FILE *f, const char *id, const char *name,
		      const char *name_ar)
{
	fputs("<bdi>", f);
	html(f, name[0] ? name : id);
	fputs("</bdi>", f);
	if (name_ar[0] != '\0') {
		fputs(" <bdi dir=\"rtl\" lang=\"ar\">", f);
		html(f, name_ar);
		fputs("</bdi>", f);
	}
}

/* A horizontal bar chart of counts as inline SVG. */
static void svg_bars(FILE *f, const char *title, const char *const *labels,
		     const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	fprintf(f, "<svg role=\"img\" aria-label=\"");
	html(f, title);
	fprintf(f, "\" width=\"620\" height=\"%zu\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		n * 24 + 8);
	for (size_t i = 0; i < n; i++) {
		int64_t w = values[i] * 400 / max;
		fprintf(f, "<text x=\"0\" y=\"%zu\" font-size=\"13\">", i * 24 + 20);
		html(f, labels[i]);
		fprintf(f, "</text><rect x=\"170\" y=\"%zu\" width=\"%" PRId64
			"\" height=\"16\" fill=\"#4a7ab5\"/>"
			"<text x=\"%" PRId64 "\" y=\"%zu\" font-size=\"13\">%" PRId64
			"</text>\n", i * 24 + 8, w, 176 + w, i * 24 + 20, values[i]);
	}
	fputs("</svg>\n", f);
}

static void html_pairs(const struct report_input *in, FILE *f)
{
	int banks[MAX_SORTED], billers[MAX_SORTED];
	size_t nb = sorted_ids(in->cfg, true, banks);
	size_t nk = sorted_ids(in->cfg, false, billers);
	char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], o[MONEY_TEXT_MAX];
	fputs("<h2>Totals per bank and biller</h2>\n<table>\n<tr><th>Bank</th>"
	      "<th>Biller</th><th>Status</th><th>Bank count</th><th>Bank amount</th>"
	      "<th>Ledger count</th><th>Ledger amount</th><th>Owed to biller</th>"
	      "<th>Discrepancies</th></tr>\n", f);
	for (size_t i = 0; i < nb; i++)
		for (size_t k = 0; k < nk; k++) {
			const struct config_bank *bk = config_bank_at(in->cfg, (size_t)banks[i]);
			const struct config_biller *bl = config_biller_at(in->cfg, (size_t)billers[k]);
			const struct recon_total *t = recon_total_at(in->recon, banks[i], billers[k]);
			int64_t disc = 0;
			for (int kd = 0; kd < RECON_KIND_COUNT; kd++)
				if (recon_kind_is_discrepancy((enum recon_kind)kd))
					disc += t->kind_count[kd];
			fputs("<tr><td>", f);
			html_name(f, bk->id, bk->name, bk->name_ar);
			fputs("</td><td>", f);
			html_name(f, bl->id, bl->name, bl->name_ar);
			fprintf(f, "</td><td>%s</td><td class=n>%" PRId64 "</td><td class=n>%s %s</td>"
				"<td class=n>%" PRId64 "</td><td class=n>%s %s</td><td class=n>%s %s</td>"
				"<td class=n>%" PRId64 "</td></tr>\n",
				t->reconciled ? "reconciled" : "<b>not reconciled</b>",
				t->bank_count, fmt_money(t->bank_minor, bl->currency, a), bl->currency->code,
				t->ledger_count, fmt_money(t->ledger_minor, bl->currency, b), bl->currency->code,
				fmt_money(t->bank_minor, bl->currency, o), bl->currency->code, disc);
		}
	fputs("</table>\n", f);
}

static void html_files(const struct report_input *in, FILE *f)
{
	fputs("<h2>Bank files</h2>\n<table>\n<tr><th>Bank</th><th>File</th>"
	      "<th>Status</th><th>Lines</th><th>Problem</th></tr>\n", f);
	for (size_t i = 0; i < in->file_count; i++) {
		const struct report_file *rf = &in->files[i];
		fputs("<tr><td>", f);
		html(f, rf->bank);
		fputs("</td><td><bdi>", f);
		html(f, rf->name);
		fprintf(f, "</bdi></td><td>%s</td><td class=n>%" PRId64 "</td><td>",
			rf->status, rf->line_count);
		if (rf->problem[0] != '\0') {
			fprintf(f, "%s (line %" PRId64 "): ", rf->problem, rf->line);
			html(f, rf->reason);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void write_html(const struct report_input *in,
		       const struct report_counts *c, FILE *f)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>tasdid settlement ", f);
	html(f, in->date);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:1.5em}"
	      "table{border-collapse:collapse;margin-bottom:1em}"
	      "td,th{border:1px solid #bbb;padding:3px 8px;text-align:start}"
	      ".n{text-align:end;font-variant-numeric:tabular-nums}</style>\n"
	      "</head>\n<body>\n<h1>Settlement for ", f);
	html(f, in->date);
	fprintf(f, "</h1>\n<p>Status: <b>%s</b>. Time zone ",
		in->exit_code == 0 ? "balanced" : !in->complete
			? "INCOMPLETE: not every bank's file was reconciled"
			: "discrepancies found");
	html(f, in->timezone);
	fputs(", cut-off ", f);
	html(f, in->cutoff);
	fprintf(f, ". %" PRId64 " matched, %" PRId64 " matched by rule, %" PRId64
		" discrepancies, %" PRId64 " grace-period rows (%" PRId64
		" for follow-up).</p>\n", c->matched, c->matched_by_rule,
		c->discrepancies, c->grace_rows, c->grace_follow_up);
	html_files(in, f);
	html_pairs(in, f);
	const char *kinds[RECON_KIND_COUNT + 1];
	int64_t kv[RECON_KIND_COUNT + 1];
	for (int k = 0; k < RECON_KIND_COUNT; k++) {
		kinds[k] = recon_kind_name((enum recon_kind)k);
		kv[k] = c->kind[k];
	}
	kinds[RECON_KIND_COUNT] = "file problems";
	kv[RECON_KIND_COUNT] = c->file_problems;
	fputs("<h2>Discrepancies by kind</h2>\n", f);
	svg_bars(f, "Discrepancies by kind", kinds, kv, RECON_KIND_COUNT + 1);
	const char *reasons[GRACE_REASON_COUNT];
	for (int r = 0; r < GRACE_REASON_COUNT; r++)
		reasons[r] = grace_reason_name((enum grace_reason)r);
	fputs("<h2>Grace period by reason</h2>\n<p>Late fees are waived for every "
	      "reason but <code>unpaid</code>. Rows past their grace are flagged "
	      "for follow-up; this report is never a cut-off list.</p>\n", f);
	svg_bars(f, "Grace-period rows by reason", reasons, c->grace_reason,
		 GRACE_REASON_COUNT);
	fputs("</body>\n</html>\n", f);
}

int report_write(const struct report_input *in, const char *dir, char *errstr,
		 size_t errstr_size)
{
	static const struct {
		const char *name;
		void (*write)(const struct report_input *, FILE *);
	} csvs[] = {
		{"reconciliation.csv", write_reconciliation},
		{"discrepancies.csv", write_discrepancies},
		{"settlement.csv", write_settlement},
		{"grace.csv", write_grace},
	};
	for (size_t i = 0; i < sizeof(csvs) / sizeof(csvs[0]); i++) {
		FILE *f = open_in(dir, csvs[i].name, errstr, errstr_size);
		if (f == NULL)
			return -1;
		csvs[i].write(in, f);
		if (close_checked(f, csvs[i].name, errstr, errstr_size) < 0)
			return -1;
	}
	struct report_counts c;
	report_count(in, &c);
	json_t *j = json_summary(in, &c);
	FILE *f = open_in(dir, "summary.json", errstr, errstr_size);
	if (j == NULL || f == NULL) {
		json_decref(j);
		if (f != NULL)
			fclose(f);
		if (j == NULL)
			snprintf(errstr, errstr_size, "summary.json: out of memory");
		return -1;
	}
	/* Sorted keys and fixed indentation: identical inputs, identical bytes. */
	json_dumpf(j, f, JSON_SORT_KEYS | JSON_INDENT(2));
	fputc('\n', f);
	json_decref(j);
	if (close_checked(f, "summary.json", errstr, errstr_size) < 0)
		return -1;
	f = open_in(dir, "summary.html", errstr, errstr_size);
	if (f == NULL)
		return -1;
	write_html(in, &c, f);
	return close_checked(f, "summary.html", errstr, errstr_size);
}
