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
 *   4. Whatever is left becomes account credit.
 *   5. An account with no invoice at all (open or paid) and no named
 *      invoice: the whole amount to suspense, ALLOC_REASON_UNKNOWN_ACCOUNT.
 *
 * Where the parts go (schema 003): the allocations are rows of
 * allocations, appended in ascending seq order; the credit and suspense
 * parts are columns of the postings row itself, so the caller inserts that
 * row with the split alloc decided. For an account the invoice cache
 * (consumer/invcache.h) holds, an allocation's amount reaches the invoice
 * later, in bulk: the rows above allocations_fold.folded_seq are the
 * unfolded journal, and alloc_fold() adds them to invoices.amount_paid_minor
 * in invoice_no order and moves folded_seq (docs/posting.md "Folding").
 * The cache holds every account with unfolded rows, so the consumer reads
 * the folded invoices table only for accounts that have none: the cache is
 * never cleared without a fold first. For any other account (more invoices
 * than the cache keeps) the invoice is updated at once and the row marked
 * invoice_updated = 1. Readers see invoices_current.
 *
 * A posting of a cached account goes in three steps, so that a duplicate
 * (the postings row exists) changes nothing:
 *
 *   alloc_plan()      decide the split from the cache; writes nothing
 *   INSERT postings   with the plan's credit and suspense parts
 *   alloc_record()    only if that row was new: the allocation rows, and
 *                     the cache's open amounts
 *
 * alloc_plan() answers uncached for other accounts: the caller checks that
 * the posting is new, calls alloc_apply_uncached() (which reads and writes
 * the invoices as it goes), then inserts the postings row with its split.
 *
 * The module only writes: the caller owns the transaction. */
#ifndef TASDID_ALLOC_H
#define TASDID_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "invcache.h"

/* Suspense reason codes (suspense.reason_code; docs/posting.md). */
#define ALLOC_REASON_UNKNOWN_ACCOUNT "unknown_account"
#define ALLOC_REASON_UNKNOWN_INVOICE "unknown_invoice"
#define ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH "invoice_account_mismatch"

/* Fold when a batch begins with at least this many unfolded rows (the
 * consumer also folds when idle and before it stops). A fold rewrites
 * every invoice the journal names, at about 1.5 us each: the longer the
 * journal, the more allocations share each rewrite, so during a rush the
 * journal grows and is folded after it. The journal has no index, so its
 * length costs the posting path nothing; it bounds what readers sum
 * (invoices_current: one scan of the unfolded range; inquiry: a running
 * sum of at most this many invoices per connection) and the pause of one
 * fold (about 1 s per 500,000 invoices named: docs/performance.md). */
#define ALLOC_FOLD_ROWS (1024 * 1024)

struct alloc;

/* How one payment was split; the parts add up to its amount. */
struct alloc_result {
	int64_t allocated_minor; /* to invoices */
	int64_t credit_minor;    /* postings.credit_minor */
	int64_t suspense_minor;  /* postings.suspense_minor */
	int invoices_count;      /* allocation rows written */
	const char *suspense_code; /* ALLOC_REASON_* or NULL; static */
};

/* Prepare the statements allocation needs on db (a ledger writer from
 * ledger_db_open()). Returns 0 and *ret, owned by the caller and freed
 * with alloc_free() before db is closed; or -1 with errstr. */
int alloc_new(sqlite3 *db, struct alloc **ret, char *errstr,
	      size_t errstr_size);

/* At most this many invoices take part in one cached payment: the named
 * one and the account's others. */
#define ALLOC_PLAN_PARTS_MAX (INVCACHE_ACCOUNT_INVOICES_MAX + 1)

/* A split decided by alloc_plan() and not yet written. */
struct alloc_plan {
	struct alloc_result split;
	/* The account is not in the cache: nothing was decided (see the
	 * top of this file). */
	bool uncached;
	int parts_count;
	struct alloc_part {
		struct invcache_invoice *inv; /* in the cache */
		int64_t amount_minor;         /* > 0 */
	} parts[ALLOC_PLAN_PARTS_MAX];
};

/* Decide how amount_minor (> 0) paid to account, naming invoice_no ("" or
 * NULL: none), splits by the rules above, inside a batch
 * (alloc_batch_begin). Writes no allocation (it may fold or load the
 * cache: the caller's transaction). The strings are borrowed for the call.
 * Returns 0 with *ret (ret->split.suspense_code static), or -1 with errstr
 * on an SQLite error (the caller rolls back). */
int alloc_plan(struct alloc *a, const char *account, const char *invoice_no,
	       int64_t amount_minor, struct alloc_plan *ret, char *errstr,
	       size_t errstr_size);

/* Start loading the cache memory alloc_plan(a, account, ...) will read:
 * near false, the account's slot (invcache_prefetch), a few payments
 * ahead; near true, its invoices (invcache_prefetch_invoices), half as
 * far ahead. Changes nothing. */
void alloc_prefetch(struct alloc *a, const char *account, bool near);

/* Write plan's allocations for the posting intent_id, whose postings row
 * the caller has just inserted (not a duplicate), and take them from the
 * cache. Nothing else may touch the cache between alloc_plan() and this
 * call. Returns 0, or -1 with errstr on an SQLite error (the caller rolls
 * back: the cache is then cleared by alloc_batch_end). */
int alloc_record(struct alloc *a, const char *intent_id,
		 const struct alloc_plan *plan, char *errstr,
		 size_t errstr_size);

/* The rules for an account alloc_plan() answered uncached, reading the
 * invoices from the ledger and writing each allocation (invoice_updated =
 * 1) with its invoice's new paid amount as it goes. The caller has checked
 * that intent_id is not posted yet, and inserts its postings row with
 * *ret's credit and suspense parts afterwards. Also usable outside a
 * batch (tests): it folds first then. Returns 0 with *ret, or -1 with
 * errstr on an SQLite error (the caller rolls back). */
int alloc_apply_uncached(struct alloc *a, const char *intent_id,
			 const char *account, const char *invoice_no,
			 int64_t amount_minor, struct alloc_result *ret,
			 char *errstr, size_t errstr_size);

/* The caller's transaction (a posting batch) has begun: from now until
 * alloc_batch_end(), alloc_plan() answers from its cache of accounts'
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

/* Add every unfolded allocation (seq above allocations_fold.folded_seq,
 * invoice_updated = 0) to its invoice's amount_paid_minor and move
 * folded_seq to the last allocation, inside the caller's transaction
 * (a batch or its own). No-op when there are none. The amounts readers see
 * (invoices_current) do not change. Returns 0, or -1 with errstr on an
 * SQLite error, e.g. the CHECK that an invoice is never overpaid (the
 * caller rolls back). */
int alloc_fold(struct alloc *a, char *errstr, size_t errstr_size);

/* Unfolded allocations as this connection last knew them, including its
 * open transaction's. */
int64_t alloc_unfolded_count(const struct alloc *a);

/* Finalize the statements and free a; NULL is fine. */
void alloc_free(struct alloc *a);

#endif
