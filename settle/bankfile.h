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

#include <stdbool.h>
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

/* A statement entry's status (camt Sts; MT940 entries are all booked).
 * Only booked entries are reconciled; the others are shown, not matched. */
enum bankfile_status {
	BANKFILE_BOOKED = 0, /* BOOK, and every line of a csv file */
	BANKFILE_PENDING,    /* PDNG */
	BANKFILE_INFO,       /* INFO */
};

/* "BOOK", "PDNG", "INFO". */
const char *bankfile_status_name(enum bankfile_status st);

/* One payment the bank reports: a D record of a csv file, or one
 * transaction of a statement entry (an entry with several TxDtls gives one
 * line per TxDtls; settle/statement.h). This is the record every reader
 * produces and recon reads. Strings are NUL-terminated and owned by the
 * bankfile; optional fields are "" when absent. */
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
	/* Statements only (a csv line has them zero and ""). */
	int64_t paid_at_window_ms; /* > 0: paid_at is only a date; rule-based
				      matching takes +- this much around it */
	const char *statement;     /* camt Stmt/Ntfctn Id, MT940 :20: */
	const char *booking_date;  /* YYYY-MM-DD */
	const char *value_date;
	const char *end_to_end_id, *instr_id, *acct_svcr_ref, *tx_id;
	const char *remittance;    /* Ustrd, or MT940 :86: text */
	const char *creditor_ref;  /* Strd/CdtrRefInf/Ref */
	bool debit;                /* DBIT; MT940 D and RC */
	bool reversal;             /* RvslInd; MT940 RC and RD */
	bool not_a_payment;        /* debits and reversals: reported, never
				      matched */
	enum bankfile_status status;
};

/* One statement (camt Stmt or Ntfctn, MT940 :20: .. :62:) as read. */
struct bankfile_statement {
	const char *id, *account; /* owned by the bankfile */
	const struct currency *currency;
	bool has_opening, has_closing;
	int64_t opening_minor, closing_minor; /* signed: debit < 0 */
	int64_t credit_count, credit_minor, debit_count, debit_minor; /* booked */
	int64_t other_count; /* pending and info entries */
	char from_date[11], to_date[11]; /* YYYY-MM-DD, "" when not given */
	int64_t file_line;
};

/* One control check that passed (a failed one refuses the file). */
struct bankfile_check {
	const char *statement; /* "" for the file as a whole */
	char name[32];         /* "balance", "txs_summary", "batch", ... */
	char detail[192];
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

/* Statements and passed control checks in file order (none for csv). */
size_t bankfile_statement_count(const struct bankfile *bf);
const struct bankfile_statement *bankfile_statement_at(const struct bankfile *bf,
						       size_t i);
size_t bankfile_check_count(const struct bankfile *bf);
const struct bankfile_check *bankfile_check_at(const struct bankfile *bf,
					       size_t i);

/* ---- for the readers (settle/statement.c and the format readers) ----
 *
 * A reader fills a bankfile made by bankfile_new(); every function copies
 * the strings it is given into the bankfile and returns 0, or -1 when out
 * of memory (or at BANKFILE_LINES_MAX lines) leaving bf as it was. */

/* Valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF)? */
bool bankfile_utf8_valid(const unsigned char *s, size_t len);

/* A statement's balance check: *ret_end = open + credit - debit, and
 * text = "LABEL O + credits C - debits D = E" in cur's decimals. Returns
 * 0, or -1 when it overflows int64 (*ret_end untouched). */
int bankfile_balance(const char *label, int64_t open_minor, int64_t credit_minor,
		     int64_t debit_minor, const struct currency *cur,
		     int64_t *ret_end, char *text, size_t text_size);

/* An empty bankfile (the caller's: bankfile_free()), NULL when out of
 * memory. */
struct bankfile *bankfile_new(void);

/* The header: bank (at most INTENT_BANK_MAX), business date YYYY-MM-DD,
 * created_at (at most INTENT_TIME_MAX bytes; longer is cut). */
void bankfile_set_header(struct bankfile *bf, const char *bank,
			 const char *business_date, const char *created_at);
void bankfile_set_sha256(struct bankfile *bf, const char hex[65]);

/* Append a copy of *l; line_no becomes the line's number, 1..n. */
int bankfile_add(struct bankfile *bf, const struct bankfile_line *l);
int bankfile_add_statement(struct bankfile *bf,
			   const struct bankfile_statement *st);
int bankfile_add_check(struct bankfile *bf, const char *statement,
		       const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
