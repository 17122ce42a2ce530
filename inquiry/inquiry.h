/* inquiry — the bill-inquiry HTTP server (docs/api.md#bill-inquiry):
 * GET /v1/bills/{biller}/{account} answers the account's open invoices
 * from the biller's ledger, read-only, to any authenticated terminal.
 *
 * It is its own process (`tasdid inquiry`), so its load never touches the
 * intake's path. Each libmicrohttpd worker thread opens, on first use, one
 * read-only connection per biller ledger (LEDGER_DB_READONLY) with its
 * lookup statement prepared once and reused; in WAL mode these readers
 * never block the posting consumer's writer, nor it them. */
#ifndef TASDID_INQUIRY_H
#define TASDID_INQUIRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "config.h"

/* At most this many open invoices are listed (oldest due first); the
 * answer then says "truncated": true. */
#define INQUIRY_INVOICES_MAX 100

/* The lookup every worker prepares per ledger: all invoices of ?1, oldest
 * due first (the invoices_account_due index). */
#define INQUIRY_SQL                                                          \
	"SELECT invoice_no, period, due_on, amount_due_minor,"               \
	" amount_paid_minor FROM invoices_current WHERE account = ?1"        \
	" ORDER BY due_on, invoice_no"

struct inquiry;

struct inquiry_opts {
	const char *listen_addr; /* IPv4 */
	int port;
	int threads;             /* libmicrohttpd worker threads */
	int connections_max;
	int connection_timeout_s;
	/* BENCHMARK ONLY: answer a fixed body after authentication, without
	 * SQLite (the baseline of bench/inquiry-bench.sh). */
	bool no_sqlite;
};

/* Answer for account from a prepared INQUIRY_SQL statement st of biller
 * b's ledger (st is reset before return). today_day is the local date
 * (days since 1970-01-01) that decides which invoices are past due.
 * Returns the HTTP status — 200 with the invoices JSON, 404 when the
 * account has no invoice at all, 500 on an SQLite error — and *ret_body
 * (malloc'd, the caller frees) with the JSON answer or error body; -1 when
 * out of memory (nothing allocated). */
int inquiry_answer(const struct config_biller *b, sqlite3_stmt *st,
		   const char *account, int64_t today_day, char **ret_body);

/* Start serving. cfg must outlive the server. Returns 0 and *ret, or -1
 * with errstr (cannot listen, auth table). Ledgers are opened lazily by
 * the workers: a missing ledger answers 503 for that biller only. */
int inquiry_start(const struct config *cfg, const struct inquiry_opts *o,
		  struct inquiry **ret, char *errstr, size_t errstr_size);

/* Stop the server (workers close their connections) and free it; NULL is
 * fine. */
void inquiry_stop(struct inquiry *iq);

#endif
