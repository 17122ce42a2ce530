/* report_csv — see report_csv.h. */
#include "report_csv.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>

#include "bizdate.h"
#include "csvout.h"

static const char *fmt_i64(int64_t v, char buf[24])
{
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

void report_csv_reconciliation(const struct report_model *m, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "bank", "biller", "currency", "status",
		"bank_count", "bank_amount", "ledger_count", "ledger_amount",
		"difference", "matched_count", "matched_by_rule_count",
		"matched_other_date_count", "bank_only_count", "ledger_only_count",
		"amount_mismatch_count", "duplicate_line_count",
		"wrong_currency_count"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	const char *date = report_model_input(m)->date;
	char a[MONEY_TEXT_MAX], n[24];
	for (size_t i = 0; i < report_model_pair_count(m); i++) {
		const struct report_pair *p = report_model_pair_at(m, i);
		const struct recon_total *t = p->total;
		const struct currency *cur = p->biller->currency;
		csvout_plain(f, date, false);
		csvout_text(f, p->bank->id, false);
		csvout_text(f, p->biller->id, false);
		csvout_plain(f, cur->code, false);
		csvout_plain(f, report_pair_status_name(p->status), false);
		csvout_plain(f, fmt_i64(t->bank_count, n), false);
		csvout_plain(f, report_money(t->bank_minor, cur, a), false);
		csvout_plain(f, fmt_i64(t->ledger_count, n), false);
		csvout_plain(f, report_money(t->ledger_minor, cur, a), false);
		csvout_plain(f, report_money(p->difference_minor, cur, a), false);
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
			 report_money(x->bank_amount_minor, x->currency, b),
			 report_money(x->ledger_amount_minor, x->currency, l));
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
	csvout_plain(f, in_file ? report_money(x->bank_amount_minor, x->currency, a) : "", false);
	csvout_plain(f, in_ledger ? report_money(x->ledger_amount_minor, x->currency, a) : "", false);
	csvout_plain(f, x->currency->code, false);
	csvout_text(f, finding_reason(x, why, sizeof(why)), true);
}

void report_csv_discrepancies(const struct report_model *m, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "kind", "bank", "biller", "file", "line",
		"intent_id", "account", "bank_amount", "ledger_amount",
		"currency", "reason"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	const struct report_input *in = report_model_input(m);
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

void report_csv_settlement(const struct report_model *m, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "bank", "biller", "currency", "status",
		"owed_count", "owed_amount", "agreed_amount", "disputed_amount"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	const char *date = report_model_input(m)->date;
	char a[MONEY_TEXT_MAX], n[24];
	for (size_t i = 0; i < report_model_pair_count(m); i++) {
		const struct report_pair *p = report_model_pair_at(m, i);
		const struct currency *cur = p->biller->currency;
		csvout_plain(f, date, false);
		csvout_text(f, p->bank->id, false);
		csvout_text(f, p->biller->id, false);
		csvout_plain(f, cur->code, false);
		csvout_plain(f, report_pair_status_name(p->status), false);
		csvout_plain(f, fmt_i64(p->total->bank_count, n), false);
		csvout_plain(f, report_money(p->total->bank_minor, cur, a), false);
		csvout_plain(f, report_money(p->agreed_minor, cur, a), false);
		csvout_plain(f, report_money(p->disputed_minor, cur, a), true);
	}
}

void report_csv_grace(const struct report_model *m, FILE *f)
{
	static const char *const cols[] = {
		"business_date", "biller", "account", "invoice_no",
		"customer_name", "amount_open", "currency", "due_on", "reason",
		"grace_until", "late_fee", "fee_waived", "fee_waived_reason",
		"follow_up"};
	csvout_header(f, cols, sizeof(cols) / sizeof(cols[0]));
	const struct report_input *in = report_model_input(m);
	char a[MONEY_TEXT_MAX], d[BIZDATE_TEXT_LEN + 1];
	for (size_t k = 0; k < report_model_biller_count(m); k++) {
		size_t b = report_model_biller_at(m, k);
		const struct config_biller *bl = config_biller_at(in->cfg, b);
		const struct grace *g = in->grace[b];
		for (size_t i = 0; i < grace_row_count(g); i++) {
			const struct grace_row *r = grace_row_at(g, i);
			csvout_plain(f, in->date, false);
			csvout_text(f, bl->id, false);
			csvout_text(f, r->account, false);
			csvout_text(f, r->invoice_no, false);
			csvout_text(f, r->customer_name, false);
			csvout_plain(f, report_money(r->open_minor, bl->currency, a), false);
			csvout_plain(f, bl->currency->code, false);
			bizdate_format(r->due_day, d);
			csvout_plain(f, d, false);
			csvout_plain(f, grace_reason_name(r->reason), false);
			bizdate_format(r->grace_until_day, d);
			csvout_plain(f, d, false);
			csvout_plain(f, report_money(r->late_fee_minor, bl->currency, a), false);
			csvout_plain(f, r->fee_waived ? "yes" : "no", false);
			csvout_plain(f, r->fee_waived ? grace_reason_name(r->reason) : "", false);
			csvout_plain(f, r->follow_up ? "yes" : "no", true);
		}
	}
}
