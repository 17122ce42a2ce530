/* invoice_csv — see invoice_csv.h. */
#include "invoice_csv.h"

void invoice_csv_header(FILE *f, const char *eol)
{
	fprintf(f, "invoice_no,account,customer_name,period,issued_on,due_on,"
		   "amount,currency%s", eol);
}

void invoice_csv_write(FILE *f, const struct invoice_csv_row *r,
		       const char *eol)
{
	fprintf(f, "%s,%s,%s,%.7s,%s,%s,%s,%s%s", r->invoice_no, r->account,
		r->customer_name, r->period, r->issued_on, r->due_on,
		r->amount, r->currency, eol);
}
