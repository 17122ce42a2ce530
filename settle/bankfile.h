/* bankfile — read a bank's daily settlement file (schemas/csv-formats.md
 * section (b)) with libcsv, and verify it completely before any line is
 * reconciled: the H/D/T structure, line numbers 1..n, every field, the
 * trailer's control count and per-currency control totals.
 *
 * A file is taken whole or refused whole: the first problem refuses it with
 * the physical line (1-based; 0 = the file as a whole) and a reason. A
 * truncated or spliced file therefore never reaches reconciliation. Checks
 * that need the configuration (is the biller known, is the currency the
 * biller's) are the reconciliation's, per line.
 *
 * A bank whose export differs from format (b) has a [bankfile BANK]
 * section (struct config_bankfile, lib/config.h): another delimiter or
 * decimal separator, other record-type tags, another order of the D
 * record's columns, columns to ignore. The checks are the same for every
 * variant; only where a field is found changes. */
#ifndef TASDID_BANKFILE_H
#define TASDID_BANKFILE_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "intent.h"
#include "money.h"

/* Bounds: a physical line, fields per record, D lines per file, distinct
 * currencies per file. Longer or more is refused, not truncated. */
#define BANKFILE_LINE_MAX 4096
#define BANKFILE_FIELDS_MAX 32
#define BANKFILE_LINES_MAX (20 * 1000 * 1000)
#define BANKFILE_CURRENCIES_MAX 16

_Static_assert(BANKFILE_FIELDS_MAX >= 2 + 2 * 4,
	       "a trailer with four currencies fits");
_Static_assert(BANKFILE_FIELDS_MAX >= 1 + CONFIG_BANKFILE_COLUMNS_MAX,
	       "a mapped D record (tag + columns) fits");

struct bankfile;

/* One D record. Strings are NUL-terminated and owned by the bankfile;
 * optional fields are "" when absent. */
struct bankfile_line {
	int64_t file_line;   /* physical line where the record starts */
	int64_t line_no;     /* the D record's line_no field */
	const char *intent_id;
	const char *idempotency_key;
	const char *terminal;
	const char *biller;
	const char *account;
	const char *invoice_no;
	const char *paid_at; /* as the bank wrote it */
	int64_t amount_minor;
	const struct currency *currency;
	int64_t paid_at_ms;
	enum intent_channel channel;
};

/* Why a file was refused. */
struct bankfile_error {
	int64_t line; /* physical line, 0 for the file as a whole */
	char reason[256];
};

/* Read and verify the file at path. Returns 0 and *ret, which the caller
 * owns and frees with bankfile_free(); or -1 with *err filled and *ret
 * untouched. */
int bankfile_read(const char *path, struct bankfile **ret,
		  struct bankfile_error *err);

/* The same from an open stream (read to its end, not closed). */
int bankfile_read_stream(FILE *in, struct bankfile **ret,
			 struct bankfile_error *err);

/* The same for a bank's variant of the format: map NULL is standard
 * format (b), as above. map is only read during the call. */
int bankfile_read_map(const char *path, const struct config_bankfile *map,
		      struct bankfile **ret, struct bankfile_error *err);
int bankfile_read_stream_map(FILE *in, const struct config_bankfile *map,
			     struct bankfile **ret, struct bankfile_error *err);

/* Free; NULL is fine. */
void bankfile_free(struct bankfile *bf);

/* The header's bank id, business date (YYYY-MM-DD) and created_at. */
const char *bankfile_bank(const struct bankfile *bf);
const char *bankfile_business_date(const struct bankfile *bf);
const char *bankfile_created_at(const struct bankfile *bf);

/* SHA-256 of the file's bytes, 64 lower-case hex digits. */
const char *bankfile_sha256(const struct bankfile *bf);

/* D records in file order; i < bankfile_line_count(). */
size_t bankfile_line_count(const struct bankfile *bf);
const struct bankfile_line *bankfile_line_at(const struct bankfile *bf,
					     size_t i);

#endif
