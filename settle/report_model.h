/* report_model — the figures of one business date's reports, worked out
 * once: the bank x biller pairs in report order (bank id, then biller id)
 * with the amounts derived from their totals, the billers in id order, the
 * run's counts and its status. The writers (report_csv, report_json,
 * report_html) only format what the model holds, so no two report files
 * can disagree on a figure or on an order. Nothing here writes files. */
#ifndef TASDID_REPORT_MODEL_H
#define TASDID_REPORT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "grace.h"
#include "money.h"
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

/* What the whole run came to (summary.json's "status"). */
enum report_status {
	REPORT_BALANCED,      /* exit 0: nothing to look at */
	REPORT_DISCREPANCIES, /* every bank's file was used; findings remain */
	REPORT_INCOMPLETE,    /* a bank's file is missing or was refused */
};

/* "balanced", "discrepancies", "incomplete". */
const char *report_status_name(enum report_status status);

/* What a bank x biller pair came to (the `status` of reconciliation.csv,
 * settlement.csv and summary.json; definitions in docs/settlement.md). */
enum report_pair_status {
	REPORT_PAIR_BALANCED,    /* file used, no discrepancy, bank = ledger */
	REPORT_PAIR_DIFFERENCES, /* file used; a discrepancy, or bank != ledger */
	REPORT_PAIR_NO_FILE,     /* no used file of the bank: nothing compared */
};

/* "balanced", "differences", "no_file". */
const char *report_pair_status_name(enum report_pair_status status);

/* One configured bank x biller, with what the reports derive from its
 * totals. Amounts are in the biller's currency. */
struct report_pair {
	const struct config_bank *bank;     /* borrowed from the config */
	const struct config_biller *biller; /* borrowed from the config */
	const struct recon_total *total;    /* borrowed from the recon */
	int64_t difference_minor;  /* bank_minor - ledger_minor */
	int64_t agreed_minor;      /* matched + matched by rule */
	int64_t disputed_minor;    /* bank_minor - agreed_minor */
	int64_t discrepancy_count; /* the pair's findings of discrepancy kinds */
	enum report_pair_status status;
};

struct report_model;

/* Work out the model of in. in and everything it points to are borrowed
 * and must outlive the model. Returns 0 and sets *ret (the caller frees it
 * with report_model_free()), or -1 with errstr set (out of memory, or a
 * derived amount beyond int64 minor units, naming the pair) and *ret
 * untouched. */
int report_model_new(const struct report_input *in, struct report_model **ret,
		     char *errstr, size_t errstr_size);

/* Free; NULL is fine. */
void report_model_free(struct report_model *m);

/* The input the model was built from. */
const struct report_input *report_model_input(const struct report_model *m);

/* The run's counts (report_count()) and status. */
const struct report_counts *report_model_counts(const struct report_model *m);
enum report_status report_model_status(const struct report_model *m);

/* The pairs, sorted by bank id then biller id: every configured bank times
 * every configured biller. */
size_t report_model_pair_count(const struct report_model *m);
const struct report_pair *report_model_pair_at(const struct report_model *m,
					       size_t i);

/* The configured billers in id order (as config biller indices). */
size_t report_model_biller_count(const struct report_model *m);
size_t report_model_biller_at(const struct report_model *m, size_t i);

/* minor as exact plain decimal text in cur's exponent ("-47475.00"), in
 * buf; returns buf. */
const char *report_money(int64_t minor, const struct currency *cur,
			 char buf[MONEY_TEXT_MAX]);

#endif
