/* grace — see grace.h and docs/settlement.md. */
#include "grace.h"
#include "sortutil.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bizdate.h"
#include "errstr.h"
#include "sqlutil.h"

struct flag {
	char account[INTENT_ACCOUNT_MAX + 1];
	enum grace_reason reason;
};

struct outage_days {
	int64_t first_day, last_day;
};

struct grace {
	int64_t day;
	struct grace_policy policy;
	struct flag *flags;
	size_t flag_count, flag_cap;
	struct outage_days *outages;
	size_t outage_count, outage_cap;
	struct grace_row *rows;
	size_t row_count, row_cap;
	int64_t reason_count[GRACE_REASON_COUNT];
};

static const char *const reason_names[GRACE_REASON_COUNT] = {
	"payment_stuck", "bank_reported_missing", "paid_not_settled",
	"outage", "partly_paid", "unpaid",
};

const char *grace_reason_name(enum grace_reason reason)
{
	assert(reason < GRACE_REASON_COUNT);
	return reason_names[reason];
}

/* Grow *items (of size bytes each) to hold one more; NULL when out of
 * memory. */
static void *grow(void **items, size_t *cap, size_t count, size_t size)
{
	if (count == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		void *p = realloc(*items, n * size);
		if (p == NULL)
			return NULL;
		*items = p;
		*cap = n;
	}
	return (char *)*items + count * size;
}

struct grace *grace_new(int64_t day, const struct grace_policy *policy)
{
	assert(policy->grace_days >= 0 && policy->late_fee_minor >= 0 &&
	       policy->outage_margin_days >= 0);
	struct grace *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->day = day;
	g->policy = *policy;
	return g;
}

void grace_free(struct grace *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->row_count; i++)
		free(g->rows[i].customer_name);
	free(g->rows);
	free(g->flags);
	free(g->outages);
	free(g);
}

int grace_flag_account(struct grace *g, const char *account,
		       enum grace_reason reason)
{
	assert(reason <= GRACE_PAID_NOT_SETTLED);
	struct flag *f = grow((void **)&g->flags, &g->flag_cap, g->flag_count,
			      sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->account, sizeof(f->account), "%s", account);
	f->reason = reason;
	g->flag_count++;
	return 0;
}

int grace_add_outage(struct grace *g, int64_t first_day, int64_t last_day)
{
	assert(first_day <= last_day);
	struct outage_days *o = grow((void **)&g->outages, &g->outage_cap,
				     g->outage_count, sizeof(*o));
	if (o == NULL)
		return -1;
	*o = (struct outage_days){first_day, last_day};
	g->outage_count++;
	return 0;
}

static int cmp_flag(const void *a, const void *b)
{
	const struct flag *x = a, *y = b;
	int c = strcmp(x->account, y->account);
	return c != 0 ? c : (int)x->reason - (int)y->reason;
}

static int cmp_flag_key(const void *key, const void *item)
{
	return strcmp(key, ((const struct flag *)item)->account);
}

/* The strongest flag of an account, or GRACE_REASON_COUNT when none. The
 * flags are sorted by (account, reason), so the first of the account's
 * run is its strongest. */
static enum grace_reason flag_of(const struct grace *g, const char *account)
{
	const struct flag *f = find_item(account, g->flags, g->flag_count,
				       sizeof(*f), cmp_flag_key);
	if (f == NULL)
		return GRACE_REASON_COUNT;
	while (f > g->flags && strcmp(f[-1].account, account) == 0)
		f--;
	return f->reason;
}

/* The last day of an outage whose window (plus margin) contains due_day,
 * the latest if several; -1 when none. */
static int64_t outage_of(const struct grace *g, int64_t due_day)
{
	int64_t last = -1;
	for (size_t i = 0; i < g->outage_count; i++) {
		const struct outage_days *o = &g->outages[i];
		if (due_day >= o->first_day &&
		    due_day <= o->last_day + g->policy.outage_margin_days &&
		    o->last_day > last)
			last = o->last_day;
	}
	return last;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Decide reason, grace-until, fee and follow-up of a row (fields
 * invoice..open_minor set, and paid_minor from the ledger). */
static void classify(const struct grace *g, struct grace_row *row,
		     int64_t paid_minor)
{
	enum grace_reason reason = flag_of(g, row->account);
	int64_t outage_last = outage_of(g, row->due_day);
	int64_t anchor = row->due_day;
	if (reason < GRACE_REASON_COUNT) {
		anchor = max64(row->due_day, g->day); /* open as of tonight */
	} else if (outage_last >= 0) {
		reason = GRACE_OUTAGE;
		anchor = max64(row->due_day, outage_last);
	} else {
		reason = paid_minor > 0 ? GRACE_PARTLY_PAID : GRACE_UNPAID;
	}
	row->reason = reason;
	row->grace_until_day = anchor + g->policy.grace_days;
	row->late_fee_minor = g->policy.late_fee_minor;
	row->fee_waived = reason != GRACE_UNPAID;
	row->follow_up = row->grace_until_day < g->day;
}

static int flag_from_sql(struct grace *g, sqlite3 *db, const char *sql,
			 enum grace_reason reason, char *errstr,
			 size_t errstr_size)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(db));
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (grace_flag_account(g, (const char *)sqlite3_column_text(st, 0),
				       reason) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "reading flags: %s",
			 rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const struct grace_row *x = a, *y = b;
	int c = strcmp(x->account, y->account);
	if (c != 0)
		return c;
	if (x->due_day != y->due_day)
		return x->due_day < y->due_day ? -1 : 1;
	return strcmp(x->invoice_no, y->invoice_no);
}

static int add_row(struct grace *g, sqlite3_stmt *st)
{
	struct grace_row *row = grow((void **)&g->rows, &g->row_cap,
				     g->row_count, sizeof(*row));
	if (row == NULL)
		return -1;
	memset(row, 0, sizeof(*row));
	const char *name = (const char *)sqlite3_column_text(st, 2);
	row->customer_name = strdup(name != NULL ? name : "");
	if (row->customer_name == NULL)
		return -1;
	snprintf(row->invoice_no, sizeof(row->invoice_no), "%s",
		 (const char *)sqlite3_column_text(st, 0));
	snprintf(row->account, sizeof(row->account), "%s",
		 (const char *)sqlite3_column_text(st, 1));
	if (bizdate_parse((const char *)sqlite3_column_text(st, 3),
			  &row->due_day) < 0)
		row->due_day = 0; /* the schema's GLOB makes this unreachable */
	int64_t due = sqlite3_column_int64(st, 4), paid = sqlite3_column_int64(st, 5);
	row->open_minor = due - paid;
	classify(g, row, paid);
	g->reason_count[row->reason]++;
	g->row_count++;
	return 0;
}

int grace_run(struct grace *g, sqlite3 *db, char *errstr, size_t errstr_size)
{
	if (sql_exec(db, "BEGIN", "begin", errstr, errstr_size) < 0)
		return -1;
	int rc = -1;
	sqlite3_stmt *st = NULL;
	if (flag_from_sql(g, db, "SELECT DISTINCT account FROM suspense ORDER BY 1",
			  GRACE_PAYMENT_STUCK, errstr, errstr_size) < 0 ||
	    flag_from_sql(g, db, "SELECT DISTINCT account FROM account_credit "
			  "ORDER BY 1", GRACE_PAID_NOT_SETTLED, errstr,
			  errstr_size) < 0)
		goto out;
	sort_items(g->flags, g->flag_count, sizeof(*g->flags), cmp_flag);
	char date[BIZDATE_TEXT_LEN + 1];
	bizdate_format(g->day, date);
	if (sqlite3_prepare_v2(db,
		/* What is paid includes the allocations not yet folded:
		 * the view sums the journal in one grouped scan, in this
		 * transaction's snapshot (schemas/ledger.md). */
		"SELECT invoice_no, account, customer_name, due_on, "
		"amount_due_minor, amount_paid_minor FROM invoices_current "
		"WHERE due_on < ?1 AND amount_paid_minor < amount_due_minor "
		"ORDER BY invoice_no", -1, &st, NULL) != SQLITE_OK) {
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		if (add_row(g, st) < 0) {
			errstr_set(errstr, errstr_size, "out of memory");
			goto out;
		}
	if (s != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "reading invoices: %s", sqlite3_errmsg(db));
		goto out;
	}
	sort_items(g->rows, g->row_count, sizeof(*g->rows), cmp_row);
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

size_t grace_row_count(const struct grace *g) { return g->row_count; }

const struct grace_row *grace_row_at(const struct grace *g, size_t i)
{
	assert(i < g->row_count);
	return &g->rows[i];
}

int64_t grace_reason_count(const struct grace *g, enum grace_reason reason)
{
	assert(reason < GRACE_REASON_COUNT);
	return g->reason_count[reason];
}
