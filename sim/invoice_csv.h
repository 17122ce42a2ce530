/* invoice_csv — the one writer of generated invoice exports (the CSV
 * `tasdid invoices import` reads, schemas/csv-formats.md), for the world
 * of the demo and load (world.c) and for `tasdid gen-intents`. Values are
 * tasdid's own generated ones (no quoting needed; none starts like a
 * formula). */
#ifndef TASDID_INVOICE_CSV_H
#define TASDID_INVOICE_CSV_H

#include <stdio.h>

struct invoice_csv_row {
	const char *invoice_no, *account, *customer_name;
	const char *issued_on; /* YYYY-MM-DD, or "" for none */
	const char *period;    /* its first 7 characters are written */
	const char *due_on;    /* YYYY-MM-DD */
	const char *amount;    /* decimal text of the currency */
	const char *currency;
};

/* eol: "\n" or "\r\n" (each caller keeps the line ending it always had). */
void invoice_csv_header(FILE *f, const char *eol);
void invoice_csv_write(FILE *f, const struct invoice_csv_row *r,
		       const char *eol);

#endif
