/* report_html — see report_html.h. */
#include "report_html.h"

#include <inttypes.h>

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

static void html_pairs(const struct report_model *m, FILE *f)
{
	char a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], o[MONEY_TEXT_MAX];
	fputs("<h2>Totals per bank and biller</h2>\n<table>\n<tr><th>Bank</th>"
	      "<th>Biller</th><th>Status</th><th>Bank count</th><th>Bank amount</th>"
	      "<th>Ledger count</th><th>Ledger amount</th><th>Owed to biller</th>"
	      "<th>Discrepancies</th></tr>\n", f);
	for (size_t i = 0; i < report_model_pair_count(m); i++) {
		const struct report_pair *p = report_model_pair_at(m, i);
		const struct recon_total *t = p->total;
		const struct currency *cur = p->biller->currency;
		fputs("<tr><td>", f);
		html_name(f, p->bank->id, p->bank->name, p->bank->name_ar);
		fputs("</td><td>", f);
		html_name(f, p->biller->id, p->biller->name, p->biller->name_ar);
		fprintf(f, "</td><td>%s</td><td class=n>%" PRId64 "</td><td class=n>%s %s</td>"
			"<td class=n>%" PRId64 "</td><td class=n>%s %s</td><td class=n>%s %s</td>"
			"<td class=n>%" PRId64 "</td></tr>\n",
			t->reconciled ? "reconciled" : "<b>not reconciled</b>",
			t->bank_count, report_money(t->bank_minor, cur, a), cur->code,
			t->ledger_count, report_money(t->ledger_minor, cur, b), cur->code,
			report_money(t->bank_minor, cur, o), cur->code, p->discrepancy_count);
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

static void html_charts(const struct report_counts *c, FILE *f)
{
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
}

void report_html_write(const struct report_model *m, FILE *f)
{
	const struct report_input *in = report_model_input(m);
	const struct report_counts *c = report_model_counts(m);
	fputs("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>tasdid settlement ", f);
	html(f, in->date);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:1.5em}"
	      "table{border-collapse:collapse;margin-bottom:1em}"
	      "td,th{border:1px solid #bbb;padding:3px 8px;text-align:start}"
	      ".n{text-align:end;font-variant-numeric:tabular-nums}</style>\n"
	      "</head>\n<body>\n<h1>Settlement for ", f);
	html(f, in->date);
	enum report_status st = report_model_status(m);
	fprintf(f, "</h1>\n<p>Status: <b>%s</b>. Time zone ",
		st == REPORT_BALANCED ? "balanced" : st == REPORT_INCOMPLETE
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
	html_pairs(m, f);
	html_charts(c, f);
	fputs("</body>\n</html>\n", f);
}
