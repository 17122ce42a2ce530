/* invoice_import — load a biller's invoice export (schemas/csv-formats.md,
 * format (a)) into its ledger's invoices table, with libcsv.
 *
 * The whole file is checked before anything is kept: UTF-8 (a leading BOM
 * is skipped), CRLF or LF, RFC 4180 quoting, no blank lines, the exact
 * header, 8 fields a row, each field's syntax, the ledger's currency, and
 * no invoice_no twice. An invoice_no already in the ledger with the same
 * account, due_on, amount and currency is left as it is (re-importing an
 * export is harmless and never touches what was paid against it); with
 * any of those different the row is an error. Rows go in all or nothing,
 * in one transaction. */
#ifndef TASDID_INVOICE_IMPORT_H
#define TASDID_INVOICE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "money.h"

/* Largest file read (an export of a few million invoices fits). */
#define INVIMP_FILE_MAX_BYTES (512 * 1024 * 1024)
/* Row errors reported one by one; past this only counted. */
#define INVIMP_ERRORS_REPORTED_MAX 1000

struct invimp_report {
	int64_t rows_count;      /* data rows read */
	int64_t inserted_count;  /* new invoices (kept only if errors 0) */
	int64_t unchanged_count; /* already in the ledger, identical */
	int64_t errors_count;    /* rows refused */
};

/* Called once per refused row (up to INVIMP_ERRORS_REPORTED_MAX) with
 * the file's line number (1 is the header; a quoted field spanning lines
 * counts them) and the reason. */
typedef void invimp_error_fn(void *opaque, int64_t line, const char *reason);

/* Import the file at path into db (a ledger writer) whose currency is cur.
 * Returns 0 when every row is in the ledger (new or identical) and the
 * transaction committed; -1 otherwise: with errors_count > 0 the rows'
 * errors went to on_error, else errstr says what failed (file unreadable,
 * not UTF-8, bad header, SQLite error). On -1 the ledger is unchanged. */
int invimp_import(sqlite3 *db, const struct currency *cur, const char *path,
		  invimp_error_fn *on_error, void *opaque,
		  struct invimp_report *ret, char *errstr, size_t errstr_size);

/* The same on an open stream (invimp_import() is fopen + this; the fuzz
 * target uses it on memory). name stands for the file in messages. in is
 * read to its end and stays the caller's to close. */
int invimp_import_stream(sqlite3 *db, const struct currency *cur, FILE *in,
			 const char *name, invimp_error_fn *on_error,
			 void *opaque, struct invimp_report *ret,
			 char *errstr, size_t errstr_size);

#endif
