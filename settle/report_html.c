/* report_html — see report_html.h. */
#include "report_html.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>

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

/* An amount for people: grouped digits and the currency code, never
 * broken across lines ("35,990,387.75 SYP"). */
static void html_money(FILE *f, int64_t minor, const struct currency *cur)
{
	char a[MONEY_GROUPED_TEXT_MAX];
	int rc = money_format_grouped(minor, cur, a, sizeof(a));
	assert(rc >= 0); /* MONEY_GROUPED_TEXT_MAX always holds it */
	(void)rc;
	fprintf(f, "%s&nbsp;%s", a, cur->code);
}

static void html_count(FILE *f, int64_t count)
{
	char a[MONEY_GROUPED_TEXT_MAX];
	int rc = money_format_count_grouped(count, a, sizeof(a));
	assert(rc >= 0);
	(void)rc;
	fputs(a, f);
}

/* A horizontal bar chart of counts: a table of label, bar and number, so
 * each bar's figure is text beside it at any width (and in print). The
 * bars are inline SVG that stretch to the column (SVG fills print where
 * CSS backgrounds do not). */
static void chart(FILE *f, const char *title, const char *const *labels,
		  const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	fputs("<table class=chart aria-label=\"", f);
	html(f, title);
	fputs("\">\n", f);
	for (size_t i = 0; i < n; i++) {
		/* Bar length in thousandths of the longest; values are counts of
		 * lines, far from overflowing a product with 1000. */
		int64_t w = values[i] * 1000 / max;
		fprintf(f, "<tr data-value=\"%" PRId64 "\"><th scope=row>", values[i]);
		html(f, labels[i]);
		fprintf(f, "</th><td class=bar><svg viewBox=\"0 0 1000 16\" "
			"preserveAspectRatio=\"none\" width=\"100%%\" height=\"16\" "
			"aria-hidden=\"true\"><rect width=\"%" PRId64 "\" height=\"16\" "
			"fill=\"#4a7ab5\"/></svg></td><td class=n>", w);
		html_count(f, values[i]);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* One cell of a table of class "cards". data-label names the column
 * where, on a narrow screen, each row becomes a card of label: value
 * lines. */
static void cell_open(FILE *f, const char *label, bool number)
{
	fprintf(f, "<td data-label=\"%s\"%s><span>", label, number ? " class=n" : "");
}

static void cell_close(FILE *f)
{
	fputs("</span></td>", f);
}

static void html_pair(FILE *f, const struct report_pair *p)
{
	const struct recon_total *t = p->total;
	const struct currency *cur = p->biller->currency;
	static const char *const words[] = {
		[REPORT_PAIR_BALANCED] = "balanced",
		[REPORT_PAIR_DIFFERENCES] = "differences",
		[REPORT_PAIR_NO_FILE] = "no file",
	};
	fputs("<tr>", f);
	cell_open(f, "Bank", false);
	html_name(f, p->bank->id, p->bank->name, p->bank->name_ar);
	cell_close(f);
	cell_open(f, "Biller", false);
	html_name(f, p->biller->id, p->biller->name, p->biller->name_ar);
	cell_close(f);
	fprintf(f, "<td data-label=\"Status\" class=\"st-%s\"><span>%s</span></td>",
		report_pair_status_name(p->status), words[p->status]);
	cell_open(f, "Bank count", true);
	html_count(f, t->bank_count);
	cell_close(f);
	cell_open(f, "Bank amount", true);
	html_money(f, t->bank_minor, cur);
	cell_close(f);
	cell_open(f, "Ledger count", true);
	html_count(f, t->ledger_count);
	cell_close(f);
	cell_open(f, "Ledger amount", true);
	html_money(f, t->ledger_minor, cur);
	cell_close(f);
	cell_open(f, "Difference", true);
	html_money(f, p->difference_minor, cur);
	cell_close(f);
	cell_open(f, "Owed to biller", true);
	html_money(f, t->bank_minor, cur);
	cell_close(f);
	cell_open(f, "Discrepancies", true);
	html_count(f, p->discrepancy_count);
	cell_close(f);
	fputs("</tr>\n", f);
}

static void html_pairs(const struct report_model *m, FILE *f)
{
	fputs("<h2>Totals per bank and biller</h2>\n<p>Status: <b>balanced</b> — "
	      "the bank's file was used and agrees with the ledger line for line "
	      "and in total; <b>differences</b> — the file was used and something "
	      "differs (see Difference, bank minus ledger, and the "
	      "discrepancies); <b>no file</b> — the bank's file is missing or was "
	      "refused, nothing was compared.</p>\n<table class=\"pairs cards\">\n<thead>"
	      "<tr><th scope=col>Bank</th><th scope=col>Biller</th>"
	      "<th scope=col>Status</th><th scope=col>Bank count</th>"
	      "<th scope=col>Bank amount</th><th scope=col>Ledger count</th>"
	      "<th scope=col>Ledger amount</th><th scope=col>Difference</th>"
	      "<th scope=col>Owed to biller</th><th scope=col>Discrepancies</th>"
	      "</tr>\n</thead>\n<tbody>\n", f);
	for (size_t i = 0; i < report_model_pair_count(m); i++)
		html_pair(f, report_model_pair_at(m, i));
	fputs("</tbody>\n</table>\n", f);
}

static void html_files(const struct report_input *in, FILE *f)
{
	fputs("<h2>Bank files</h2>\n<table class=\"files cards\">\n<thead><tr>"
	      "<th scope=col>Bank</th><th scope=col>File</th><th scope=col>Status</th>"
	      "<th scope=col>Lines</th><th scope=col>Problem</th></tr></thead>\n"
	      "<tbody>\n", f);
	for (size_t i = 0; i < in->file_count; i++) {
		const struct report_file *rf = &in->files[i];
		fputs("<tr>", f);
		cell_open(f, "Bank", false);
		html(f, rf->bank);
		cell_close(f);
		cell_open(f, "File", false);
		fputs("<bdi>", f);
		html(f, rf->name);
		fputs("</bdi>", f);
		cell_close(f);
		cell_open(f, "Status", false);
		fputs(rf->status, f);
		cell_close(f);
		cell_open(f, "Lines", true);
		html_count(f, rf->line_count);
		cell_close(f);
		cell_open(f, "Problem", false);
		if (rf->problem[0] != '\0') {
			fprintf(f, "%s (line %" PRId64 "): ", rf->problem, rf->line);
			html(f, rf->reason);
		}
		cell_close(f);
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
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
	chart(f, "Discrepancies by kind", kinds, kv, RECON_KIND_COUNT + 1);
	const char *reasons[GRACE_REASON_COUNT];
	for (int r = 0; r < GRACE_REASON_COUNT; r++)
		reasons[r] = grace_reason_name((enum grace_reason)r);
	fputs("<h2>Grace period by reason</h2>\n<p>Late fees are waived for every "
	      "reason but <code>unpaid</code>. Rows past their grace are flagged "
	      "for follow-up; this report is never a cut-off list.</p>\n", f);
	chart(f, "Grace-period rows by reason", reasons, c->grace_reason,
	      GRACE_REASON_COUNT);
}

/* The page's only style sheet, inline (the page loads nothing). Narrower
 * than 40em (a phone), each row of the files and totals tables becomes a
 * card of "label: value" lines instead of ten columns running off the
 * screen.
 * In print: A4 landscape, black on white, table heads repeated on every
 * page, no row or chart cut in two. */
static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;line-height:1.35;color:#111}"
	"table{border-collapse:collapse;margin-bottom:1em}"
	"td,th{border:1px solid #bbb;padding:3px 8px;text-align:start;"
	"vertical-align:top;overflow-wrap:break-word}"
	"table.files td{overflow-wrap:anywhere}"
	"thead th{background:#eef2f7}"
	"td bdi[lang=ar]{display:block}"
	".n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}"
	".st-differences,.st-no_file{font-weight:bold}"
	".st-differences{color:#8a4b00}.st-no_file{color:#a00000}"
	"table.chart{width:100%;max-width:44em}"
	"table.chart th{font-weight:normal;white-space:nowrap}"
	"table.chart td.bar{width:100%;vertical-align:middle}"
	"table.chart svg{display:block}"
	"@media (max-width:40em){"
	"body{margin:.75em}"
	"table.cards thead{display:none}"
	"table.cards,table.cards tbody,table.cards tr,table.cards td{display:block}"
	"table.cards tr{border:1px solid #999;margin-bottom:.75em}"
	"table.cards td{border:0;border-bottom:1px solid #e4e4e4;display:flex;"
	"justify-content:space-between;gap:1em;text-align:end}"
	"table.cards td::before{content:attr(data-label);font-weight:bold;"
	"text-align:start;white-space:nowrap}"
	"}"
	"@page{size:A4 landscape;margin:12mm}"
	"@media print{"
	"body{margin:0;font-size:9pt;color:#000}"
	"thead{display:table-header-group}"
	"thead th{background:none}"
	"tr,table.chart{break-inside:avoid}"
	"h1,h2{break-after:avoid}"
	".st-differences,.st-no_file{color:#000}"
	"td,th{border-color:#555}"
	"}";

void report_html_write(const struct report_model *m, FILE *f)
{
	const struct report_input *in = report_model_input(m);
	const struct report_counts *c = report_model_counts(m);
	/* The policy refuses any load from anywhere: a report that tried one
	 * would show an error in the browser's console (tests/browser). */
	fputs("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'\">\n<title>tasdid settlement ", f);
	html(f, in->date);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Settlement for ",
		style);
	html(f, in->date);
	enum report_status st = report_model_status(m);
	fprintf(f, "</h1>\n<p>Status: <b>%s</b>. Time zone ",
		st == REPORT_BALANCED ? "balanced" : st == REPORT_INCOMPLETE
			? "INCOMPLETE: not every bank's file was reconciled"
			: "discrepancies found");
	html(f, in->timezone);
	fputs(", cut-off ", f);
	html(f, in->cutoff);
	fputs(". ", f);
	html_count(f, c->matched);
	fputs(" matched, ", f);
	html_count(f, c->matched_by_rule);
	fputs(" matched by rule, ", f);
	html_count(f, c->discrepancies);
	fputs(" discrepancies, ", f);
	html_count(f, c->grace_rows);
	fputs(" grace-period rows (", f);
	html_count(f, c->grace_follow_up);
	fputs(" for follow-up).</p>\n", f);
	html_files(in, f);
	html_pairs(m, f);
	html_charts(c, f);
	fputs("</body>\n</html>\n", f);
}
