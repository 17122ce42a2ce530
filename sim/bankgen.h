/* bankgen — write the banks' daily settlement files (schemas/csv-formats.md
 * format (b)) from what the terminals were told was accepted, with a few
 * discrepancies planted on purpose, so that the nightly reconciliation has
 * something known to find. Used by `tasdid demo` and the end-to-end tests. */
#ifndef TASDID_BANKGEN_H
#define TASDID_BANKGEN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What was planted, so the demo can compare with what settle found. */
struct bankgen_planted {
	int64_t missing_lines;   /* accepted and posted, left out of the file */
	int64_t wrong_amounts;   /* in the file with an amount 1 unit too high */
	int64_t phantom_lines;   /* in the file, never sent to tasdid */
};

struct bankgen_stats {
	int64_t files_written;
	int64_t lines_written;
	int64_t dates;           /* distinct business dates (UTC) */
	char first_date[11];     /* YYYY-MM-DD, "" when no lines */
	char last_date[11];
};

/* Read accepted_log (JSON lines: one intent each, as `tasdid load` writes
 * them) and write bank-<BANK>-<DATE>.csv files into out_dir (or .xml, .sta
 * in the bank's bankgen_format(): one statement per biller), one per bank
 * and UTC date of paid_at, lines in intent-id order. With plant, one line
 * of each kind in *plant (counts 0 or 1) is planted, chosen by seed among
 * the lines. Every bank in banks gets a file for every date that has any
 * line (an empty day is "H,..." and "T,0"), since a missing file is a
 * different finding from a day without payments. Returns 0 with *ret filled, or -1 with errstr. */
int bankgen_write_all(const char *accepted_log, const char *out_dir,
		       const char *const *banks, size_t bank_count,
		       uint64_t seed, const struct bankgen_planted *plant,
		       struct bankgen_stats *ret, char *errstr,
		       size_t errstr_size);

/* What bank number k (0-based) of the demo sends: BNK1 camt.053, BNK2
 * MT940, BNK3 camt.054, the others format (b) csv — every reader is
 * exercised by the same night (schemas/bank-statements.md). */
enum config_bankfile_format bankgen_format(size_t k);

/* The [bankfile BANK] sections for those banks into buf (size bytes):
 * format, and biller_accounts "BILLER:COLL-<BANK>-<BILLER>" for each of
 * the n billers. Returns 0, or -1 when buf is too small. */
int bankgen_ini(const char *const *banks, size_t bank_count,
		const char *const *billers, size_t biller_count, char *buf,
		size_t size);

#endif
