/* report_json — see report_json.h. */
#include "report_json.h"

#include <jansson.h>

#include "timeutil.h"

static json_t *json_money(int64_t minor, const struct currency *cur)
{
	char a[MONEY_TEXT_MAX];
	return json_string(report_money(minor, cur, a));
}

static json_t *json_time(int64_t ms)
{
	char t[32];
	rfc3339_format_utc_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *json_pair(const struct report_pair *p)
{
	const struct recon_total *t = p->total;
	const struct currency *c = p->biller->currency;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:I, s:o, s:o, s:I, s:I, s:I}",
		"bank", p->bank->id, "biller", p->biller->id, "currency", c->code,
		"status", report_pair_status_name(p->status),
		"bank_count", (json_int_t)t->bank_count,
		"bank_amount", json_money(t->bank_minor, c),
		"ledger_count", (json_int_t)t->ledger_count,
		"ledger_amount", json_money(t->ledger_minor, c),
		"difference", json_money(p->difference_minor, c),
		"matched", (json_int_t)t->matched_count,
		"matched_by_rule", (json_int_t)t->matched_by_rule_count,
		"matched_other_date", (json_int_t)t->matched_other_date_count);
	for (int kd = 0; kd < RECON_KIND_COUNT; kd++)
		json_object_set_new(o, recon_kind_name((enum recon_kind)kd),
				    json_integer(t->kind_count[kd]));
	json_object_set_new(o, "owed_amount", json_money(t->bank_minor, c));
	json_object_set_new(o, "agreed_amount", json_money(p->agreed_minor, c));
	json_object_set_new(o, "disputed_amount", json_money(p->disputed_minor, c));
	return o;
}

static json_t *json_pairs(const struct report_model *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < report_model_pair_count(m); i++)
		json_array_append_new(arr, json_pair(report_model_pair_at(m, i)));
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

static json_t *json_counts(const struct report_counts *c)
{
	json_t *counts = json_object();
	json_object_set_new(counts, "matched", json_integer(c->matched));
	json_object_set_new(counts, "matched_by_rule", json_integer(c->matched_by_rule));
	json_object_set_new(counts, "file_problems", json_integer(c->file_problems));
	for (int k = 0; k < RECON_KIND_COUNT; k++)
		json_object_set_new(counts, recon_kind_name((enum recon_kind)k),
				    json_integer(c->kind[k]));
	return counts;
}

static json_t *json_outages(struct outage_list *outages)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < outage_count(outages); i++) {
		const struct outage_window *w = outage_at(outages, i);
		json_array_append_new(arr, json_pack("{s:o, s:o, s:s, s:s}",
			"start", json_time(w->start_ms), "end", json_time(w->end_ms),
			"source", w->source, "description", w->description));
	}
	return arr;
}

static json_t *json_summary(const struct report_model *m)
{
	const struct report_input *in = report_model_input(m);
	const struct report_counts *c = report_model_counts(m);
	json_t *reasons = json_object();
	for (int r = 0; r < GRACE_REASON_COUNT; r++)
		json_object_set_new(reasons, grace_reason_name((enum grace_reason)r),
				    json_integer(c->grace_reason[r]));
	return json_pack("{s:s, s:s, s:s, s:{s:o, s:o}, s:b, s:i, s:s, s:I, "
			 "s:o, s:o, s:o, s:{s:I, s:I, s:I, s:o}, s:o}",
		"business_date", in->date, "timezone", in->timezone,
		"cutoff", in->cutoff, "window", "start", json_time(in->window_start_ms),
		"end", json_time(in->window_end_ms), "complete", in->complete,
		"exit_code", in->exit_code,
		"status", report_status_name(report_model_status(m)),
		"discrepancies", (json_int_t)c->discrepancies,
		"counts", json_counts(c), "files", json_files(in),
		"reconciliation", json_pairs(m),
		"grace", "rows", (json_int_t)c->grace_rows,
		"follow_up", (json_int_t)c->grace_follow_up,
		"fees_waived", (json_int_t)c->grace_fees_waived,
		"by_reason", reasons, "outages", json_outages(in->outages));
}

int report_json_write(const struct report_model *m, FILE *f)
{
	json_t *j = json_summary(m);
	if (j == NULL)
		return -1;
	/* Sorted keys and fixed indentation: identical inputs, identical bytes. */
	json_dumpf(j, f, JSON_SORT_KEYS | JSON_INDENT(2));
	fputc('\n', f);
	json_decref(j);
	return 0;
}
