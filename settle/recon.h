/* recon — reconcile banks' settlement lines with billers' ledgers for one
 * business date: per transaction (matched, matched by rule, bank only,
 * ledger only, amount mismatch, duplicate line, unknown biller, wrong
 * currency) and per bank x biller (counts, totals, net settlement).
 *
 * Usage: recon_new(), recon_add_file() for every bank file that passed
 * bankfile_read(), recon_run_biller() once per configured biller with its
 * ledger open read-only, then read the findings and totals. Matching rules
 * are in docs/settlement.md. Only banks that have a file are reconciled:
 * the postings of a bank without one are counted, never called
 * "ledger only". Nothing here prints or writes files. */
#ifndef TASDID_RECON_H
#define TASDID_RECON_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "bankfile.h"
#include "config.h"
#include "intent.h"

enum recon_kind {
	RECON_BANK_ONLY,       /* in the bank file, not in the ledger */
	RECON_LEDGER_ONLY,     /* posted in the window, in no bank file */
	RECON_AMOUNT_MISMATCH, /* same payment, different amount */
	RECON_DUPLICATE_LINE,  /* the intent_id of an earlier line again */
	RECON_UNKNOWN_BILLER,  /* the line's biller is not configured */
	RECON_WRONG_CURRENCY,  /* the line's currency is not the biller's */
	RECON_NOT_A_PAYMENT,   /* a statement's debit or reversal: shown, never
				  matched, not a discrepancy */
	RECON_KIND_COUNT,
};

/* "bank_only", "ledger_only", ... (the codes in the reports). */
const char *recon_kind_name(enum recon_kind kind);

/* Is a finding of this kind a discrepancy (all but not_a_payment)? */
bool recon_kind_is_discrepancy(enum recon_kind kind);

/* One discrepancy. Strings are owned by the recon (or borrowed from the
 * bankfile/config, which must outlive it). */
struct recon_finding {
	enum recon_kind kind;
	const char *file;    /* bank file name; "" for ledger only */
	int64_t file_line;   /* physical line; 0 for ledger only */
	int bank;            /* config bank index, -1 unknown */
	int biller;          /* config biller index, -1 unknown */
	char biller_id[INTENT_BILLER_MAX + 1];
	char intent_id[INTENT_ID_LEN + 1]; /* "" when the line has none */
	char account[INTENT_ACCOUNT_MAX + 1];
	const struct currency *currency;   /* of the amounts below */
	int64_t bank_amount_minor;         /* 0 when not in a file */
	int64_t ledger_amount_minor;       /* 0 when not in the ledger */
};

/* Per configured bank x biller. Amounts in the biller's currency. */
struct recon_total {
	bool reconciled;          /* the bank had a valid file */
	int64_t bank_count, bank_minor;     /* distinct valid lines */
	int64_t ledger_count, ledger_minor; /* postings in the window */
	int64_t matched_count, matched_minor;
	int64_t matched_by_rule_count, matched_by_rule_minor;
	int64_t matched_other_date_count; /* matched postings outside window */
	int64_t kind_count[RECON_KIND_COUNT];
};

struct recon;

/* A reconciliation of the business-date window [start_ms, end_ms) (UTC ms,
 * bizdate_window()) for cfg's banks and billers; legacy lines are matched
 * within +-match_window_ms of paid_at. cfg is borrowed. Returns NULL when
 * out of memory. */
struct recon *recon_new(const struct config *cfg, int64_t start_ms,
			int64_t end_ms, int64_t match_window_ms);

/* Free; NULL is fine. */
void recon_free(struct recon *r);

/* Add the lines of a verified bank file. bf and name are borrowed and must
 * outlive r; bankfile_bank(bf) must be a configured bank (asserted: the
 * caller refuses the file otherwise). The bank counts as reconciled. A
 * line of an unknown biller or in another currency than its biller's
 * becomes a finding and takes no further part; so does a statement's
 * not_a_payment line. Lines not booked (pending, info) are skipped: only
 * booked entries are payments. Returns 0, or -1 when out of memory. */
int recon_add_file(struct recon *r, const char *name,
		   const struct bankfile *bf);

/* Reconcile biller number `biller` (config index) against its ledger db
 * (open read-only; borrowed). Call at most once per biller, after every
 * recon_add_file(). Calls progress(arg, postings_done) now and then when
 * progress is not NULL. Returns 0, or -1 with errstr set on an SQLite
 * error or when out of memory. */
int recon_run_biller(struct recon *r, int biller, sqlite3 *db,
		     void (*progress)(void *arg, int64_t postings_done),
		     void *arg, char *errstr, size_t errstr_size);

/* Findings sorted by (file, file_line), ledger-only ones last by
 * (biller, intent_id). Valid until recon_free(); the sort happens on the
 * first call after the last recon_run_biller(). */
size_t recon_finding_count(struct recon *r);
const struct recon_finding *recon_finding_at(struct recon *r, size_t i);

/* The totals of config bank `bank` x biller `biller`. */
const struct recon_total *recon_total_at(const struct recon *r, int bank,
					 int biller);

#endif
