/* report — write one business date's report folder: reconciliation.csv,
 * discrepancies.csv, settlement.csv, grace.csv, summary.json and
 * summary.html (columns in docs/settlement.md).
 *
 * The figures are worked out once (report_model.h); report_csv,
 * report_json and report_html only format them. The output depends only
 * on the inputs: no clock, no host name, no process id; every list is in a
 * fixed order and JSON keys are sorted, so a re-run over the same inputs
 * writes byte-identical files. */
#ifndef TASDID_REPORT_H
#define TASDID_REPORT_H

#include "report_model.h"

/* Write all six files into the existing, empty directory dir, each one
 * fsync'ed. Returns 0, or -1 with errstr naming the file and the reason
 * (files already written stay; the caller removes the directory). */
int report_write(const struct report_input *in, const char *dir, char *errstr,
		 size_t errstr_size);

#endif
