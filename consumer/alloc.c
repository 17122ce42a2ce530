/* alloc — see alloc.h. */
#include "alloc.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"
#include "intent.h"
#include "invcache.h"
#include "ledger_db.h"
#include "sqlutil.h"
#include "unfolded.h"

/* Open invoices read per query. They are read into memory before any is
 * updated, because SQLite leaves undefined what a running SELECT sees of
 * rows changed under it; an account with more open invoices than this is
 * served by querying again (the ones paid off no longer match). */
#define ALLOC_OPEN_BATCH 32

enum {
	ST_INVOICE, /* one invoice by number */
	ST_OPEN,    /* an account's open invoices, oldest first */
	ST_ANY,     /* does the account have any invoice at all? */
	ST_PAY,     /* add to invoices.amount_paid_minor */
	ST_ALLOC,   /* append an allocation */
	ST_ACCOUNT, /* all of an account's invoices, for the cache */
	ST_FOLD_MOVE, /* move folded_seq past the folded allocations */
	ST_UNFOLDED_COUNT,
	ST_INVOICES_COUNT,
	ST_ALL_ACCOUNTS, /* every invoice, for loading the cache at once */
	ST_COUNT
};

static const char *const alloc_sql[ST_COUNT] = {
	[ST_INVOICE] = "SELECT account, amount_due_minor - amount_paid_minor"
		       " FROM invoices WHERE invoice_no = ?1",
	[ST_OPEN] = "SELECT invoice_no, amount_due_minor - amount_paid_minor"
		    " FROM invoices WHERE account = ?1"
		    " AND amount_paid_minor < amount_due_minor"
		    " ORDER BY due_on, invoice_no LIMIT ?2",
	[ST_ANY] = "SELECT 1 FROM invoices WHERE account = ?1 LIMIT 1",
	[ST_PAY] = "UPDATE invoices SET amount_paid_minor ="
		   " amount_paid_minor + ?2 WHERE invoice_no = ?1",
	[ST_ALLOC] = "INSERT INTO allocations (intent_id, invoice_no,"
		     " amount_minor, invoice_updated) VALUES (?1, ?2, ?3, ?4)",
	/* Paid ones too: a named, fully paid invoice of the account is
	 * then answered from the cache, and "no invoice at all" is a
	 * count of 0. Walks invoices_account_due in allocation order. */
	[ST_ACCOUNT] = "SELECT invoice_no, amount_due_minor - amount_paid_minor"
		       " FROM invoices WHERE account = ?1"
		       " ORDER BY due_on, invoice_no LIMIT ?2",
	[ST_FOLD_MOVE] = "UPDATE allocations_fold SET folded_seq ="
			 " (SELECT coalesce(max(seq), 0) FROM allocations)"
			 " WHERE id = 1",
	[ST_UNFOLDED_COUNT] = "SELECT count(*) FROM allocations WHERE seq >"
			      " (SELECT folded_seq FROM allocations_fold)"
			      " AND invoice_updated = 0",
	[ST_INVOICES_COUNT] = "SELECT count(*) FROM invoices",
	/* The order of ST_ACCOUNT within each account; walks
	 * invoices_account_due once. */
	[ST_ALL_ACCOUNTS] = "SELECT account, invoice_no,"
			    " amount_due_minor - amount_paid_minor"
			    " FROM invoices ORDER BY account, due_on, invoice_no",
};

struct alloc {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct invcache *cache;
	struct unfolded *unfolded; /* the fold's sums, empty between folds */
	bool cache_on; /* between alloc_batch_begin and alloc_batch_end */
	/* What the ledger looked like when the cache was last known to match
	 * it: SQLITE_FCNTL_DATA_VERSION (moves on every commit, ours or
	 * another connection's) and this connection's total changes (moves on
	 * any write through it, committed or not). */
	unsigned int seen_data_version;
	int64_t seen_total_changes;
	/* Unfolded allocations as this connection sees them
	 * (including the open batch's), and as last committed. */
	int64_t unfolded_count;
	int64_t unfolded_committed_count;
	/* False when the cache was cleared since the last fold: accounts
	 * may then have unfolded rows the cache no longer holds, so the
	 * next batch folds before reading any invoice. */
	bool cache_covers_unfolded;
	/* True when the cache holds every account that has an invoice (it
	 * was loaded whole, cache_load_all): an account it lacks has none,
	 * and needs no query. Cleared with the cache. */
	bool cache_complete;
};

static int count_unfolded(struct alloc *a, int64_t *ret, char *errstr,
			  size_t errstr_size);
static int cache_load_all(struct alloc *a, char *errstr, size_t errstr_size);

/* Empty the cache (the caller folds first, or marks the cache as no
 * longer covering the unfolded rows). */
static void cache_forget(struct alloc *a)
{
	invcache_clear(a->cache);
	a->cache_complete = false;
}

struct open_invoice {
	char no[INTENT_INVOICE_MAX + 1];
	int64_t open_minor;
};

int alloc_new(sqlite3 *db, struct alloc **ret, char *errstr,
	      size_t errstr_size)
{
	assert(db != NULL && ret != NULL);
	struct alloc *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		errstr_set(errstr, errstr_size, "alloc: out of memory");
		return -1;
	}
	a->db = db;
	a->cache = invcache_new();
	if (a->cache == NULL) {
		errstr_set(errstr, errstr_size, "alloc: out of memory");
		alloc_free(a);
		return -1;
	}
	if (unfolded_new(db, &a->unfolded, errstr, errstr_size) < 0) {
		alloc_free(a);
		return -1;
	}
	/* PERSISTENT: prepared once, stepped millions of times. The
	 * allocation append without CHECKs: its amount is asserted positive
	 * and its flag is 0 or 1 (append()). The fold keeps them: an invoice
	 * is never overpaid. */
	if (sql_prepare_persistent(db, alloc_sql, ST_COUNT, a->st, ST_ALLOC,
				   "alloc: prepare", errstr, errstr_size) < 0) {
		alloc_free(a);
		return -1;
	}
	if (count_unfolded(a, &a->unfolded_count, errstr, errstr_size) < 0) {
		alloc_free(a);
		return -1;
	}
	a->unfolded_committed_count = a->unfolded_count;
	*ret = a;
	return 0;
}

void alloc_free(struct alloc *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(a->st[i]);
	invcache_free(a->cache);
	unfolded_free(a->unfolded);
	free(a);
}

static void ledger_state(struct alloc *a, unsigned int *ret_version,
			 int64_t *ret_changes)
{
	*ret_version = 0;
	/* Only fails for a missing schema name; "main" always exists. */
	int rc = sqlite3_file_control(a->db, "main", SQLITE_FCNTL_DATA_VERSION,
				      ret_version);
	assert(rc == SQLITE_OK);
	(void)rc;
	*ret_changes = sqlite3_total_changes64(a->db);
}

/* Read the number of unfolded allocations into *ret. */
static int count_unfolded(struct alloc *a, int64_t *ret, char *errstr,
			  size_t errstr_size)
{
	sqlite3_stmt *st = a->st[ST_UNFOLDED_COUNT];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*ret = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		errstr_set(errstr, errstr_size, "alloc: unfolded allocations: %s",
			sqlite3_errmsg(a->db));
		return -1;
	}
	return 0;
}

int alloc_batch_begin(struct alloc *a, char *errstr, size_t errstr_size)
{
	assert(a != NULL && !a->cache_on);
	assert(!sqlite3_get_autocommit(a->db));
	unsigned int version;
	int64_t changes;
	ledger_state(a, &version, &changes);
	if (version != a->seen_data_version ||
	    changes != a->seen_total_changes) {
		/* Another writer may have added unfolded rows too: count them
		 * instead of trusting ours. */
		cache_forget(a);
		a->cache_covers_unfolded = false;
		if (count_unfolded(a, &a->unfolded_count, errstr,
				   errstr_size) < 0)
			return -1;
	}
	if (!a->cache_covers_unfolded ||
	    a->unfolded_count >= ALLOC_FOLD_ROWS) {
		if (alloc_fold(a, errstr, errstr_size) < 0)
			return -1;
		a->cache_covers_unfolded = true;
	}
	if (invcache_empty(a->cache) &&
	    cache_load_all(a, errstr, errstr_size) < 0)
		return -1;
	a->seen_data_version = version;
	a->seen_total_changes = changes;
	a->cache_on = true;
	return 0;
}

void alloc_batch_end(struct alloc *a, bool committed)
{
	assert(a != NULL);
	if (committed) {
		ledger_state(a, &a->seen_data_version, &a->seen_total_changes);
		a->unfolded_committed_count = a->unfolded_count;
	} else {
		cache_forget(a);
		a->cache_covers_unfolded = false;
		a->unfolded_count = a->unfolded_committed_count;
	}
	a->cache_on = false;
}

int64_t alloc_unfolded_count(const struct alloc *a)
{
	assert(a != NULL);
	return a->unfolded_count;
}

/* Step a write statement to completion and reset it. */
static int run(struct alloc *a, sqlite3_stmt *st, char *errstr,
	       size_t errstr_size)
{
	return sql_step_done(a->db, st, "alloc", errstr, errstr_size);
}

/* A fold finds at most the bound plus one batch's allocations, each to
 * one invoice: the running sum must hold that many. */
_Static_assert((int64_t)ALLOC_FOLD_ROWS +
			       (int64_t)LEDGER_DB_BATCH_COUNT_MAX *
				       ALLOC_PLAN_PARTS_MAX <=
		       (int64_t)UNFOLDED_INVOICES_MAX,
	       "the fold's sums have room for the whole journal");

/* What fold_one needs. */
struct fold {
	struct alloc *a;
	char *errstr;
	size_t errstr_size;
};

/* Add one invoice's journal sum to its paid amount (the CHECK that an
 * invoice is never overpaid stays on this statement). Nonzero stops the
 * walk, with errstr set. */
static int fold_one(void *arg, const char *invoice_no, int64_t paid_minor)
{
	struct fold *f = arg;
	sqlite3_stmt *st = f->a->st[ST_PAY];
	sqlite3_bind_text(st, 1, invoice_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, paid_minor);
	return run(f->a, st, f->errstr, f->errstr_size) < 0 ? 1 : 0;
}

/* The sums come from one pass over the journal (a range of seq) into a
 * hash map, then one UPDATE per invoice in invoice_no order. The same in
 * SQL (UPDATE ... FROM (SELECT ... GROUP BY invoice_no)) spent 0.46 s of
 * its 0.75 s sorting 593,789 journal rows for 304,654 invoices
 * (docs/performance.md "Posting"). From scratch each time: a rolled-back
 * batch may have taken back rows a kept sum would still count. */
int alloc_fold(struct alloc *a, char *errstr, size_t errstr_size)
{
	assert(a != NULL && !sqlite3_get_autocommit(a->db));
	if (a->unfolded_count == 0)
		return 0;
	unfolded_forget(a->unfolded);
	struct fold f = {a, errstr, errstr_size};
	int rc = unfolded_refresh(a->unfolded, errstr, errstr_size) < 0
		? 1
		: unfolded_each(a->unfolded, fold_one, &f);
	unfolded_forget(a->unfolded); /* its memory, until the next fold */
	if (rc == -1)
		errstr_set(errstr, errstr_size, "alloc: fold: out of memory");
	if (rc != 0 || run(a, a->st[ST_FOLD_MOVE], errstr, errstr_size) < 0)
		return -1;
	a->unfolded_count = 0;
	return 0;
}

/* Append the allocation row; invoice_updated says whether the caller
 * adds amount_minor to the invoice itself (1) or a fold will (0). */
static int append(struct alloc *a, const char *intent_id, const char *no,
		  int64_t amount_minor, int invoice_updated, char *errstr,
		  size_t errstr_size)
{
	assert(amount_minor > 0);
	assert(invoice_updated == 0 || invoice_updated == 1);
	sqlite3_stmt *st = a->st[ST_ALLOC];
	sqlite3_bind_text(st, 1, intent_id, INTENT_ID_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, amount_minor);
	sqlite3_bind_int(st, 4, invoice_updated);
	return run(a, st, errstr, errstr_size);
}

/* Uncached: the allocation row and the invoice's paid amount at once. */
static int pay_now(struct alloc *a, const char *intent_id, const char *no,
		   int64_t amount_minor, char *errstr, size_t errstr_size)
{
	if (append(a, intent_id, no, amount_minor, 1, errstr,
		   errstr_size) < 0)
		return -1;
	sqlite3_stmt *st = a->st[ST_PAY];
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, amount_minor);
	return run(a, st, errstr, errstr_size);
}

/* Look up the named invoice. *ret_found: it exists; *ret_same: it is the
 * account's; *ret_open_minor: what is still due on it. */
static int find_invoice(struct alloc *a, const char *no, const char *account,
			bool *ret_found, bool *ret_same,
			int64_t *ret_open_minor, char *errstr,
			size_t errstr_size)
{
	sqlite3_stmt *st = a->st[ST_INVOICE];
	sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*ret_found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 0);
		*ret_same = owner != NULL && strcmp(owner, account) == 0;
		*ret_open_minor = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "alloc: invoice: %s",
			sqlite3_errmsg(a->db));
		return -1;
	}
	return 0;
}

/* Read up to ALLOC_OPEN_BATCH open invoices of account into out. */
static int read_open(struct alloc *a, const char *account,
		     struct open_invoice *out, int *ret_count, char *errstr,
		     size_t errstr_size)
{
	sqlite3_stmt *st = a->st[ST_OPEN];
	int n = 0, rc;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, ALLOC_OPEN_BATCH);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		assert(n < ALLOC_OPEN_BATCH);
		snprintf(out[n].no, sizeof(out[n].no), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		out[n].open_minor = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "alloc: open invoices: %s",
			sqlite3_errmsg(a->db));
		return -1;
	}
	*ret_count = n;
	return 0;
}

/* Rule 3: pay the account's open invoices oldest first with *left,
 * lowering it; adds to r. */
static int pay_oldest(struct alloc *a, const char *intent_id,
		      const char *account, int64_t *left,
		      struct alloc_result *r, char *errstr, size_t errstr_size)
{
	struct open_invoice open[ALLOC_OPEN_BATCH];
	int n = ALLOC_OPEN_BATCH;
	while (*left > 0 && n == ALLOC_OPEN_BATCH) {
		if (read_open(a, account, open, &n, errstr, errstr_size) < 0)
			return -1;
		for (int i = 0; i < n && *left > 0; i++) {
			int64_t part = open[i].open_minor < *left
					       ? open[i].open_minor
					       : *left;
			if (pay_now(a, intent_id, open[i].no, part, errstr,
				    errstr_size) < 0)
				return -1;
			*left -= part;
			r->allocated_minor += part;
			r->invoices_count++;
		}
	}
	return 0;
}

static int account_known(struct alloc *a, const char *account,
			 bool *ret_known, char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = a->st[ST_ANY];
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "alloc: account: %s",
			sqlite3_errmsg(a->db));
		return -1;
	}
	*ret_known = rc == SQLITE_ROW;
	return 0;
}

/* Rule 1: the named invoice cannot take the payment (found: it is
 * another account's). */
static void suspend_invoice(bool found, int64_t amount_minor,
			    struct alloc_result *r)
{
	r->suspense_code = found ? ALLOC_REASON_INVOICE_ACCOUNT_MISMATCH
				 : ALLOC_REASON_UNKNOWN_INVOICE;
	r->suspense_minor = amount_minor;
}

/* Rules 4 and 5: what is left after the invoices; known says whether the
 * account has any invoice (or the payment named one of its own). */
static void settle_rest(int64_t left, bool known, struct alloc_result *r)
{
	if (left == 0)
		return;
	if (known) {
		r->credit_minor = left;
		return;
	}
	r->suspense_code = ALLOC_REASON_UNKNOWN_ACCOUNT;
	r->suspense_minor = left;
}

int alloc_apply_uncached(struct alloc *a, const char *intent_id,
			 const char *account, const char *invoice_no,
			 int64_t amount_minor, struct alloc_result *ret,
			 char *errstr, size_t errstr_size)
{
	assert(a != NULL && intent_id != NULL && account != NULL);
	assert(amount_minor > 0 && ret != NULL);
	const char *no = invoice_no != NULL ? invoice_no : "";
	struct alloc_result r = {0};
	int64_t left = amount_minor;

	/* Outside a batch the invoices are read from the ledger, which
	 * must then hold every paid amount (see cache_covers_unfolded). */
	if (!a->cache_on && alloc_fold(a, errstr, errstr_size) < 0)
		return -1;
	if (no[0] != '\0') {
		bool found = false, same = false;
		int64_t open_minor = 0;
		if (find_invoice(a, no, account, &found, &same, &open_minor,
				 errstr, errstr_size) < 0)
			return -1;
		if (!found || !same) {
			suspend_invoice(found, amount_minor, &r);
			*ret = r;
			return 0;
		}
		if (open_minor > 0) {
			int64_t part = open_minor < left ? open_minor : left;
			if (pay_now(a, intent_id, no, part, errstr,
				    errstr_size) < 0)
				return -1;
			left -= part;
			r.allocated_minor += part;
			r.invoices_count++;
		}
	}
	if (left > 0 &&
	    pay_oldest(a, intent_id, account, &left, &r, errstr,
		       errstr_size) < 0)
		return -1;
	bool known = no[0] != '\0' || r.invoices_count > 0;
	if (left > 0 && !known &&
	    account_known(a, account, &known, errstr, errstr_size) < 0)
		return -1;
	settle_rest(left, known, &r);
	*ret = r;
	return 0;
}

/* Load account's invoices into the cache. *ret NULL: the account has
 * more than the cache keeps for one account (use apply_sql). */
static int cache_load(struct alloc *a, const char *account,
		      struct invcache_invoice **ret, int *ret_count,
		      char *errstr, size_t errstr_size)
{
	struct invcache_invoice buf[INVCACHE_ACCOUNT_INVOICES_MAX];
	sqlite3_stmt *st = a->st[ST_ACCOUNT];
	int n = 0, rc;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, INVCACHE_ACCOUNT_INVOICES_MAX + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       n < INVCACHE_ACCOUNT_INVOICES_MAX) {
		snprintf(buf[n].no, sizeof(buf[n].no), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		buf[n].open_minor = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "alloc: account invoices: %s",
			sqlite3_errmsg(a->db));
		return -1;
	}
	*ret = NULL;
	if (rc == SQLITE_ROW) /* one more than the cache keeps */
		return 0;
	/* A full cache is cleared: fold first, or the unfolded rows of the
	 * accounts it forgets would be missed when they are read again. */
	if (!invcache_has_room(a->cache, n)) {
		if (alloc_fold(a, errstr, errstr_size) < 0)
			return -1;
		cache_forget(a);
	}
	*ret = invcache_add(a->cache, account, n);
	memcpy(*ret, buf, (size_t)n * sizeof(buf[0]));
	*ret_count = n;
	return 0;
}

/* One account being read by cache_load_all. */
struct load_account {
	char name[INTENT_ACCOUNT_MAX + 1];
	struct invcache_invoice inv[INVCACHE_ACCOUNT_INVOICES_MAX];
	int count;
	bool uncacheable; /* too many invoices, or a number too long */
};

/* Put the account read so far into the cache. False when the cache is
 * full (it is not cleared: the caller gives up loading). */
static bool load_flush(struct alloc *a, const struct load_account *acc,
		       int64_t *skipped)
{
	if (acc->name[0] == '\0')
		return true;
	if (acc->uncacheable) {
		(*skipped)++;
		return true;
	}
	if (!invcache_has_room(a->cache, acc->count))
		return false;
	struct invcache_invoice *inv =
		invcache_add(a->cache, acc->name, acc->count);
	memcpy(inv, acc->inv, (size_t)acc->count * sizeof(acc->inv[0]));
	return true;
}

/* Add the row of st (account, invoice_no, open) to acc, which holds the
 * account named name. */
static void load_row(struct load_account *acc, sqlite3_stmt *st)
{
	const char *no = (const char *)sqlite3_column_text(st, 1);
	if (acc->uncacheable)
		return;
	if (acc->count == INVCACHE_ACCOUNT_INVOICES_MAX ||
	    strlen(no) > INTENT_INVOICE_MAX) {
		acc->uncacheable = true;
		return;
	}
	strcpy(acc->inv[acc->count].no, no);
	acc->inv[acc->count].open_minor = sqlite3_column_int64(st, 2);
	acc->count++;
}

/* Load every account's invoices into the empty cache in one walk of
 * invoices_account_due, instead of one query per account on its first
 * payment (that query, an index seek and a table seek per invoice, was a
 * third of the posting path: docs/performance.md). Only when the whole
 * table fits the cache; otherwise accounts load one by one as before.
 * Sets cache_complete when every account with invoices is cached. The
 * paid amounts read are complete: the cache is empty, so nothing is
 * unfolded (alloc_batch_begin folds before). */
static int cache_load_all(struct alloc *a, char *errstr, size_t errstr_size)
{
	assert(invcache_empty(a->cache) && a->unfolded_count == 0);
	int64_t total = 0, skipped = 0;
	sqlite3_stmt *st = a->st[ST_INVOICES_COUNT];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		goto fail;
	if (total == 0 || total > INVCACHE_INVOICES_MAX)
		return 0;
	struct load_account *acc = calloc(1, sizeof(*acc));
	if (acc == NULL) {
		errstr_set(errstr, errstr_size, "alloc: out of memory");
		return -1;
	}
	bool room = true;
	st = a->st[ST_ALL_ACCOUNTS];
	while (room && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		/* Longer than any intent's account: never asked for. */
		if (strlen(name) > INTENT_ACCOUNT_MAX)
			continue;
		if (strcmp(name, acc->name) != 0) {
			room = load_flush(a, acc, &skipped);
			memset(acc, 0, sizeof(*acc));
			strcpy(acc->name, name);
		}
		load_row(acc, st);
	}
	sqlite3_reset(st);
	if (room && rc == SQLITE_DONE)
		room = load_flush(a, acc, &skipped);
	free(acc);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto fail;
	if (!room) /* more accounts than the cache holds */
		cache_forget(a);
	a->cache_complete = room && skipped == 0;
	if (a->cache_complete)
		invcache_index_invoices(a->cache);
	return 0;
fail:
	cache_forget(a);
	errstr_set(errstr, errstr_size, "alloc: load invoices: %s",
		sqlite3_errmsg(a->db));
	return -1;
}

/* Plan up to *left to one cached invoice (what earlier parts of the same
 * plan took from it is already subtracted: an invoice appears once). */
static void plan_part(struct alloc_plan *p, struct invcache_invoice *inv,
		      int64_t *left)
{
	if (inv->open_minor == 0 || *left == 0)
		return;
	int64_t part = inv->open_minor < *left ? inv->open_minor : *left;
	assert(p->parts_count < ALLOC_PLAN_PARTS_MAX);
	p->parts[p->parts_count].inv = inv;
	p->parts[p->parts_count].amount_minor = part;
	p->parts_count++;
	*left -= part;
	p->split.allocated_minor += part;
	p->split.invoices_count++;
}

/* The same rules as alloc_apply_uncached, reading the account's n
 * invoices inv from the cache. A named invoice that is not among them is
 * looked up in the ledger: it is unknown or another account's. */
static int plan_cached(struct alloc *a, const char *account, const char *no,
		       int64_t amount_minor, struct invcache_invoice *inv,
		       int n, struct alloc_plan *p, char *errstr,
		       size_t errstr_size)
{
	int64_t left = amount_minor;
	int named = -1;

	if (no[0] != '\0') {
		named = 0;
		while (named < n && strcmp(inv[named].no, no) != 0)
			named++;
		if (named == n) {
			bool found = false, same = false;
			int64_t open_minor = 0;
			/* A complete cache has every invoice: one that is not
			 * the account's is another's, or none. */
			if (a->cache_complete &&
			    invcache_invoices_indexed(a->cache))
				found = invcache_has_invoice(a->cache, no);
			else if (find_invoice(a, no, account, &found, &same,
					      &open_minor, errstr,
					      errstr_size) < 0)
				return -1;
			/* The account's own invoice missing from its cached
			 * list would be a cache kept past a change. */
			assert(!(found && same));
			suspend_invoice(found, amount_minor, &p->split);
			return 0;
		}
		plan_part(p, &inv[named], &left);
	}
	for (int k = 0; k < n && left > 0; k++)
		if (k != named)
			plan_part(p, &inv[k], &left);
	settle_rest(left, n > 0, &p->split);
	return 0;
}

int alloc_plan(struct alloc *a, const char *account, const char *invoice_no,
	       int64_t amount_minor, struct alloc_plan *ret, char *errstr,
	       size_t errstr_size)
{
	assert(a != NULL && a->cache_on && account != NULL && ret != NULL);
	assert(amount_minor > 0);
	const char *no = invoice_no != NULL ? invoice_no : "";
	struct invcache_invoice *inv = NULL;
	int n = 0;

	ret->split = (struct alloc_result){0};
	ret->uncached = false;
	ret->parts_count = 0;
	if (!invcache_get(a->cache, account, &inv, &n)) {
		/* A complete cache lacks only accounts with no invoice. */
		if (a->cache_complete && invcache_has_room(a->cache, 0))
			inv = invcache_add(a->cache, account, 0);
		else if (cache_load(a, account, &inv, &n, errstr,
				    errstr_size) < 0)
			return -1;
	}
	/* NULL: an account too big to cache (one without invoices has a
	 * non-NULL, empty list). */
	if (inv == NULL) {
		ret->uncached = true;
		return 0;
	}
	return plan_cached(a, account, no, amount_minor, inv, n, ret, errstr,
			   errstr_size);
}

void alloc_prefetch(struct alloc *a, const char *account, bool near)
{
	assert(a != NULL && account != NULL);
	if (near)
		invcache_prefetch_invoices(a->cache, account);
	else
		invcache_prefetch(a->cache, account);
}

int alloc_record(struct alloc *a, const char *intent_id,
		 const struct alloc_plan *plan, char *errstr,
		 size_t errstr_size)
{
	assert(a != NULL && a->cache_on && plan != NULL && !plan->uncached);
	for (int i = 0; i < plan->parts_count; i++) {
		const struct alloc_part *part = &plan->parts[i];
		assert(part->amount_minor <= part->inv->open_minor);
		if (append(a, intent_id, part->inv->no, part->amount_minor, 0,
			   errstr, errstr_size) < 0)
			return -1;
		part->inv->open_minor -= part->amount_minor;
		a->unfolded_count++;
	}
	return 0;
}
