/* unfolded — one read-only ledger connection's running sum of the
 * unfolded journal, per invoice (schema 003, schemas/ledger/003-*.sql).
 *
 * What is paid on an invoice is invoices.amount_paid_minor plus its
 * allocations with seq > allocations_fold.folded_seq AND invoice_updated
 * = 0. That journal is an ascending range of allocations.seq with no
 * index on invoice_no, and may hold ~1,000,000 rows during a rush: summing
 * it per lookup (the view invoices_current) is a scan each time. Since
 * allocations is append-only and seq only grows in commit order, this
 * module remembers the sums up to the last seq it read (last_seq) and, per
 * request, reads only the rows committed since; when folded_seq moves (a
 * fold added the journal to invoices) it forgets the sums and starts again
 * from the new folded_seq.
 *
 * Memory: one entry per distinct invoice in the journal as last read
 * (at most UNFOLDED_INVOICES_MAX), freed back to the initial size at each
 * fold. Not thread-safe: one per connection, used by one thread at a time
 * (inquiry: one per worker thread and biller; the posting consumer: one
 * per ledger, to fold: consumer/alloc.c). */
#ifndef TASDID_UNFOLDED_H
#define TASDID_UNFOLDED_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Distinct invoices the sum may hold: the journal is bounded well below
 * (the consumer folds at the latest when idle; 1,048,576 rows: ALLOC_FOLD_ROWS),
 * and a slot index must fit in 32 bits. */
#define UNFOLDED_INVOICES_MAX (1u << 24)

struct unfolded;

/* Prepare the statements on db (a ledger connection at schema 003 or
 * later; read-only is enough: nothing is written, so PRAGMA query_only
 * stays on). db must outlive the result. Returns 0 and *ret (free with
 * unfolded_free), or -1 with errstr (no such tables, out of memory). */
int unfolded_new(sqlite3 *db, struct unfolded **ret, char *errstr,
		 size_t errstr_size);

/* Finalize the statements and free the sums; NULL is fine. Does not
 * close db. */
void unfolded_free(struct unfolded *u);

/* Bring the sums up to date with the snapshot of the read transaction the
 * caller holds on db (BEGIN; this reads first, so it starts the snapshot;
 * the caller then reads invoices in the same transaction and they agree
 * with the sums). Reads folded_seq and max(seq); if folded_seq moved,
 * forgets every sum; then adds the rows with seq in (last_seq, max(seq)]
 * and invoice_updated = 0, and sets last_seq = max(seq) (the
 * invoice_updated = 1 rows are passed over, not counted).
 *
 * Returns the number of journal rows read (0 when nothing was new), or -1
 * with errstr on an SQLite error, an overflowing sum or more than
 * UNFOLDED_INVOICES_MAX invoices; then every sum is forgotten, so the next
 * call reads the whole journal again. */
int64_t unfolded_refresh(struct unfolded *u, char *errstr, size_t errstr_size);

/* Forget every sum: the next refresh reads the whole journal. (The
 * posting consumer folds from scratch: its transactions may roll back
 * rows a running sum would have counted.) */
void unfolded_forget(struct unfolded *u);

/* Called by unfolded_each() once per invoice: nonzero stops the walk. */
typedef int unfolded_each_fn(void *arg, const char *invoice_no,
			     int64_t paid_minor);

/* Call fn for every invoice with a sum, in invoice_no order (byte order,
 * as the ledger's key: updates then visit its pages in order). Returns 0,
 * fn's nonzero result when it stopped the walk, or -1 when out of memory
 * (nothing called). */
int unfolded_each(const struct unfolded *u, unfolded_each_fn *fn, void *arg);

/* What the journal adds to invoice_no's paid amount as of the last
 * refresh, in minor units; 0 when it has no unfolded row. */
int64_t unfolded_paid_minor(const struct unfolded *u, const char *invoice_no);

/* Distinct invoices the sums hold now (for tests and the bound above). */
size_t unfolded_invoice_count(const struct unfolded *u);

/* The folded_seq and last_seq the sums stand for; -1 for both before the
 * first successful refresh. */
void unfolded_seqs(const struct unfolded *u, int64_t *ret_folded_seq,
		   int64_t *ret_last_seq);

#endif
