/* invcache — the poster's memory of accounts' invoices: for each account
 * it has seen, every invoice number in allocation order (due_on, then
 * invoice_no) with the amount still open.
 *
 * Why: allocation reads an account's open invoices for almost every
 * posting, and that read (an index seek plus one table seek per invoice,
 * at random keys) cost about a third of the posting path's time
 * (docs/performance.md). The cache answers it from memory.
 *
 * It is only a copy: the ledger stays the system of record and is written
 * in the same transaction as before (alloc writes through: the allocation
 * row, then the cached amount). Whoever owns
 * the cache must clear it whenever the ledger may differ from it — another
 * connection's commit (an invoice import), a rolled-back batch — and alloc
 * does so (alloc_batch_begin, alloc_batch_end). Clearing is safe once the
 * unfolded rows are folded into invoices (alloc folds before it reads an
 * account again): the next posting of an account reloads it.
 *
 * Bounded: at most INVCACHE_ACCOUNTS_MAX accounts and INVCACHE_INVOICES_MAX
 * invoices; adding past either clears the whole cache first (the working
 * set of a day's payments is reloaded, nothing is wrong). An account with
 * more than INVCACHE_ACCOUNT_INVOICES_MAX invoices is never cached. */
#ifndef TASDID_INVCACHE_H
#define TASDID_INVCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "intent.h"

#define INVCACHE_ACCOUNTS_MAX (1 << 18)       /* 262,144 accounts */
#define INVCACHE_INVOICES_MAX (1 << 19)       /* 524,288 invoices */
#define INVCACHE_ACCOUNT_INVOICES_MAX 32

_Static_assert(INVCACHE_ACCOUNT_INVOICES_MAX <= INVCACHE_INVOICES_MAX,
	       "one account's invoices always fit an empty cache");

/* One invoice of an account, as the ledger had it at the last write. */
struct invcache_invoice {
	char no[INTENT_INVOICE_MAX + 1];
	int64_t open_minor; /* amount_due_minor - amount_paid_minor, >= 0 */
};

struct invcache;

/* A new, empty cache (its tables are allocated now, ~64 MiB of address
 * space, touched only as it fills). Returns NULL when out of memory; the
 * caller frees it with invcache_free(). */
struct invcache *invcache_new(void);

/* Free c; NULL is fine. */
void invcache_free(struct invcache *c);

/* Forget everything. */
void invcache_clear(struct invcache *c);

/* The cached invoices of account: true with *ret (borrowed, valid until
 * the next invcache_add or invcache_clear; open_minor may be changed in
 * place by the caller that has just written the same change to the
 * ledger) and *ret_count (0 for an account known to have no invoice), or
 * false when account is not cached. */
bool invcache_get(struct invcache *c, const char *account,
		  struct invcache_invoice **ret, int *ret_count);

/* Start loading the memory that invcache_get(c, account) will read, so
 * that it is in the CPU's cache by then: call it a few payments ahead
 * (poster_prefetch). Changes nothing; any account is fine. */
void invcache_prefetch(const struct invcache *c, const char *account);

/* The second step: start loading account's invoices. It reads the slot,
 * so call it after invcache_prefetch() had time to load it (about half
 * the distance). */
void invcache_prefetch_invoices(struct invcache *c, const char *account);

/* Whether nothing is cached. */
bool invcache_empty(const struct invcache *c);

/* Whether count invoices of one more account fit without invcache_add()
 * clearing the cache first. */
bool invcache_has_room(const struct invcache *c, int count);

/* Make room for account's count invoices (0 ..
 * INVCACHE_ACCOUNT_INVOICES_MAX) and return the array the caller fills in
 * allocation order before the next call. account must not be cached
 * already. Clears the cache first when it is full. */
struct invcache_invoice *invcache_add(struct invcache *c, const char *account,
				      int count);

/* Index the numbers of every invoice cached now, for invcache_has_invoice.
 * Why: when the cache holds every invoice of the ledger, a payment naming
 * an invoice that is not its account's is answered from memory (another
 * account's, or none) instead of by a query (a tenth of the payments in a
 * rush name no invoice the account has). The index is dropped by
 * invcache_clear() and by invcache_add() of an account with invoices. */
void invcache_index_invoices(struct invcache *c);

/* Whether an invoice numbered no is cached (under any account). Only
 * after invcache_index_invoices() with nothing but invoice-less accounts
 * added since (asserted). */
bool invcache_has_invoice(const struct invcache *c, const char *no);

/* Whether the invoice index is there (see invcache_index_invoices). */
bool invcache_invoices_indexed(const struct invcache *c);

#endif
