/* alloc — split one posted payment between the account's invoices, its
 * account credit and suspense (schemas/ledger.md, docs/posting.md).
 *
 * The rules, in order:
 *   1. A named invoice that does not exist: the whole amount to suspense,
 *      ALLOC_REASON_UNKNOWN_INVOICE. One of another account: the whole
 *      amount to suspense, ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH. (Paying
 *      someone else's bill, or the wrong account, is for a person to sort
 *      out; guessing would move money to the wrong customer.)
 *   2. A named invoice of the account: it gets up to its open amount.
 *   3. The rest goes to the account's open invoices, oldest first
 *      (due_on, then invoice_no), each up to its open amount.
 *   4. Whatever is left becomes account credit (one row).
 *   5. An account with no invoice at all (open or paid) and no named
 *      invoice: the whole amount to suspense, ALLOC_REASON_UNKNOWN_ACCOUNT.
 *
 * Every allocation row is written together with the same amount added to
 * the invoice's paid amount, so the ledger's invariants hold after each
 * call. Inside a batch (alloc_batch_begin) that amount is appended to
 * allocations_unfolded, a journal kept in ascending key order, instead of
 * updating the invoice row at a random key; alloc_fold() adds the journal
 * to invoices.amount_paid_minor in bulk, in invoice_no order (schema 002,
 * docs/posting.md "Folding"). The invoice cache (consumer/invcache.h) holds
 * every account with unfolded rows, so the consumer reads the folded
 * invoices table only for accounts that have none: the cache is never
 * cleared without a fold first. Readers see invoices_current.
 *
 * The module only writes: the caller owns the transaction (and has
 * already inserted the postings row the new rows refer to). */
#ifndef TASDID_ALLOC_H
#define TASDID_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Suspense reason codes (suspense.reason_code; docs/posting.md). */
#define ALLOC_REASON_UNKNOWN_ACCOUNT "unknown_account"
#define ALLOC_REASON_UNKNOWN_INVOICE "unknown_invoice"
#define ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH "invoice_account_mismatch"

/* Fold when a batch begins with at least this many unfolded rows. The
 * bound keeps the journal's index (allocations_unfolded_invoice, which
 * readers seek) a few hundred pages, so a batch's random-key inserts
 * into it rewrite few pages; and the larger it is, the more allocations
 * share each invoice page the fold rewrites. */
#define ALLOC_FOLD_ROWS (64 * 1024)

struct alloc;

/* How one payment was split; the parts add up to its amount. */
struct alloc_result {
	int64_t allocated_minor; /* to invoices */
	int64_t credit_minor;    /* to account_credit */
	int64_t suspense_minor;  /* to suspense */
	int invoices_count;      /* allocation rows written */
	const char *suspense_code; /* ALLOC_REASON_* or NULL; static */
};

/* Prepare the statements allocation needs on db (a ledger writer from
 * ledger_db_open()). Returns 0 and *ret, owned by the caller and freed
 * with alloc_free() before db is closed; or -1 with errstr. */
int alloc_new(sqlite3 *db, struct alloc **ret, char *errstr,
	      size_t errstr_size);

/* Split amount_minor (> 0) of the posting intent_id, paid to account,
 * naming invoice_no ("" or NULL: none), by the rules above. Must run
 * inside the caller's transaction, after the postings row was inserted.
 * The strings are borrowed for the call. now_ms stamps suspense rows.
 * Returns 0 with *ret filled, or -1 with errstr on an SQLite error (the
 * caller then rolls back: some rows may have been written). */
int alloc_apply(struct alloc *a, const char *intent_id, const char *account,
		const char *invoice_no, int64_t amount_minor, int64_t now_ms,
		struct alloc_result *ret, char *errstr, size_t errstr_size);

/* The caller's transaction (a posting batch) has begun: from now until
 * alloc_batch_end(), alloc_apply() may answer from its cache of accounts'
 * invoices (consumer/invcache.h). Call it after BEGIN IMMEDIATE, when the
 * write lock is held and the connection has seen every other connection's
 * commit: the cache is cleared if the ledger changed since the last
 * alloc_batch_end(a, true) — another connection committed (an invoice
 * import) or this connection wrote outside a batch. It folds (in the
 * caller's transaction) when the cache was cleared since the last fold,
 * or when ALLOC_FOLD_ROWS rows are unfolded. Returns 0, or -1 with errstr
 * on an SQLite error (the caller rolls back). */
int alloc_batch_begin(struct alloc *a, char *errstr, size_t errstr_size);

/* The batch ended: committed true right after a successful COMMIT (the
 * cache matches the ledger), false after a rollback or a failed commit
 * (the cache is cleared: it holds the abandoned batch's payments; the
 * next batch folds before it reads an invoice). */
void alloc_batch_end(struct alloc *a, bool committed);

/* Add every row of allocations_unfolded to its invoice's
 * amount_paid_minor and delete them, inside the caller's transaction
 * (a batch or its own). No-op when there are none. The amounts readers see
 * (invoices_current) do not change. Returns 0, or -1 with errstr on an
 * SQLite error, e.g. the CHECK that an invoice is never overpaid (the
 * caller rolls back). */
int alloc_fold(struct alloc *a, char *errstr, size_t errstr_size);

/* Rows in allocations_unfolded as this connection last knew them,
 * including its open transaction's. */
int64_t alloc_unfolded_count(const struct alloc *a);

/* Finalize the statements and free a; NULL is fine. */
void alloc_free(struct alloc *a);

#endif
