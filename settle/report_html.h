/* report_html — summary.html of a report folder, from its model: one
 * self-contained page for finance staff (no external file, no script):
 * status, bank files, totals per bank and biller, bar charts of the
 * discrepancies by kind and of the grace rows by reason. Text from data is
 * HTML-escaped; each name sits in <bdi>, an Arabic one in
 * <bdi dir="rtl" lang="ar">. */
#ifndef TASDID_REPORT_HTML_H
#define TASDID_REPORT_HTML_H

#include <stdio.h>

#include "report_model.h"

/* Write the page to f; write errors are left in f for ferror(). */
void report_html_write(const struct report_model *m, FILE *f);

#endif
