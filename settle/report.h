/* report — write one business date's report folder: reconciliation.csv,
 * discrepancies.csv, settlement.csv, grace.csv, summary.json and
 * summary.html (columns in docs/settlement.md).
 *
 * The output depends only on the inputs: no clock, no host name, no
 * process id; every list is in a fixed order and JSON keys are sorted, so
 * a re-run over the same inputs writes byte-identical files. */
#ifndef TASDID_REPORT_H
#define TASDID_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "grace.h"
#include "outage.h"
#include "recon.h"

/* One bank file the run looked at, or one configured bank without a file. */
struct report_file {
	char bank[INTENT_BANK_MAX + 1];
	char name[256];          /* file name in the bank folder; "" if missing */
	char status[16];         /* "used", "missing", "refused" */
	char problem[24];        /* "" or missing_file, file_refused,
				    duplicate_file, date_mismatch, unknown_bank,
				    bank_mismatch */
	int64_t line;            /* where the problem is; 0 = whole file */
	char reason[300];
	char sha256[65];         /* "" when unreadable or missing */
	int64_t line_count;      /* D lines, when read */
};

struct report_input {
	const struct config *cfg;
	const char *date;             /* YYYY-MM-DD */
	const char *timezone;
	const char *cutoff;           /* HH:MM */
	int64_t window_start_ms, window_end_ms;
	struct recon *recon;
	struct grace *const *grace;   /* one per config biller */
	const struct report_file *files;
	size_t file_count;
	struct outage_list *outages;
	bool complete;                /* every configured bank reconciled */
	int exit_code;                /* what the run will exit with */
};

/* Totals over the whole run, for the summary paragraph and exit code. */
struct report_counts {
	int64_t matched, matched_by_rule, discrepancies, file_problems;
	int64_t kind[RECON_KIND_COUNT];
	int64_t grace_rows, grace_follow_up, grace_fees_waived;
	int64_t grace_reason[GRACE_REASON_COUNT];
};

/* Sum up in's recon, grace and files into *ret. */
void report_count(const struct report_input *in, struct report_counts *ret);

/* Write all six files into the existing, empty directory dir. Returns 0,
 * or -1 with errstr naming the file and the reason (files already written
 * stay; the caller removes the directory). */
int report_write(const struct report_input *in, const char *dir, char *errstr,
		 size_t errstr_size);

#endif
