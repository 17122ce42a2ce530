/* grace — the grace-period report of one biller for one business date,
 * issued instead of a disconnection list: every overdue (due_on before the
 * business date), not fully paid invoice gets a row with a reason, the
 * amount still open, a grace-until date, the late fee and whether it is
 * waived, and a follow-up flag when the grace has run out. Nothing here
 * is ever a cut-off instruction.
 *
 * Reasons, in precedence order (the first that applies is listed):
 *   payment_stuck          suspense in the ledger, or a dead letter, for
 *                          the account
 *   bank_reported_missing  a bank line for the account that the ledger
 *                          lacks (bank_only in this run)
 *   paid_not_settled       money received for the account but not applied
 *                          to its invoices (account credit), or a payment
 *                          posted in this run's window that no bank has
 *                          settled yet (ledger_only)
 *   outage                 due_on inside an outage window or within the
 *                          margin after it (local dates)
 *   partly_paid            something paid, not everything
 *   unpaid                 nothing paid: the biller's standard grace
 * The late fee is waived for every reason but unpaid. */
#ifndef TASDID_GRACE_H
#define TASDID_GRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "intent.h"

enum grace_reason {
	GRACE_PAYMENT_STUCK,
	GRACE_BANK_REPORTED_MISSING,
	GRACE_PAID_NOT_SETTLED,
	GRACE_OUTAGE,
	GRACE_PARTLY_PAID,
	GRACE_UNPAID,
	GRACE_REASON_COUNT,
};

/* "payment_stuck", ... (the codes in the reports). */
const char *grace_reason_name(enum grace_reason reason);

struct grace_policy {
	int grace_days;           /* the biller's standard grace, >= 0 */
	int64_t late_fee_minor;   /* the biller's late fee, >= 0 */
	int outage_margin_days;   /* >= 0 */
};

struct grace_row {
	char invoice_no[INTENT_INVOICE_MAX + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	char *customer_name;       /* owned by the grace; "" when unknown */
	int64_t due_day;           /* days since 1970-01-01 */
	int64_t open_minor;        /* amount_due - amount_paid, > 0 */
	enum grace_reason reason;
	int64_t grace_until_day;
	int64_t late_fee_minor;    /* the fee that would apply */
	bool fee_waived;           /* reason != unpaid */
	bool follow_up;            /* grace_until_day < business day */
};

struct grace;

/* A report for business day `day` (days since 1970-01-01) under policy
 * (copied). Returns NULL when out of memory. */
struct grace *grace_new(int64_t day, const struct grace_policy *policy);
void grace_free(struct grace *g);

/* Flag an account with reason (payment_stuck, bank_reported_missing or
 * paid_not_settled; asserted). An account flagged several times keeps the
 * reason that comes first. Call before grace_run(). Returns 0, or -1 when
 * out of memory. */
int grace_flag_account(struct grace *g, const char *account,
		       enum grace_reason reason);

/* An outage covering local days [first_day, last_day]; the margin is added
 * by grace_run(). Returns 0, or -1 when out of memory. */
int grace_add_outage(struct grace *g, int64_t first_day, int64_t last_day);

/* Read the ledger (borrowed, read-only): suspense and account credit flag
 * their accounts, then every overdue open invoice becomes a row. Rows are
 * sorted by (account, due_on, invoice_no). Returns 0, or -1 with errstr
 * set on an SQLite error or when out of memory. Call once. */
int grace_run(struct grace *g, sqlite3 *db, char *errstr, size_t errstr_size);

size_t grace_row_count(const struct grace *g);
const struct grace_row *grace_row_at(const struct grace *g, size_t i);

/* Rows per reason (for summaries). */
int64_t grace_reason_count(const struct grace *g, enum grace_reason reason);

#endif
