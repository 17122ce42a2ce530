/* inquiry — the bill-inquiry HTTP server (docs/api.md#bill-inquiry):
 * GET /v1/bills/{biller}/{account} answers the account's open invoices
 * from the biller's ledger, read-only, to any authenticated terminal.
 *
 * It is its own process (`tasdid inquiry`), so its load never touches the
 * intake's path. Each libmicrohttpd worker thread opens, on first use, one
 * read-only connection per biller ledger (LEDGER_DB_READONLY) with its
 * statements prepared once and reused, and its own running sum of the
 * ledger's unfolded journal (lib/unfolded.h); in WAL mode these
 * readers never block the posting consumer's writer, nor it them. */
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
 * due first (the invoices_account_due index). The table, not the view
 * invoices_current: the view sums the whole unfolded journal per query;
 * the reader adds its running sum (unfolded_paid_minor) instead. */
#define INQUIRY_SQL                                                          \
	"SELECT invoice_no, period, due_on, amount_due_minor,"               \
	" amount_paid_minor FROM invoices WHERE account = ?1"                \
	" ORDER BY due_on, invoice_no"

struct inquiry;

/* One ledger connection's prepared lookup and running sum of its unfolded
 * journal: what inquiry_answer() reads through. One per connection, used
 * by one thread at a time. */
struct inquiry_reader;

/* Prepare the reader on db, a connection to a ledger at the latest schema
 * (inquiry opens it LEDGER_DB_READONLY; nothing is written). db must
 * outlive the reader and is not closed by it. Returns 0 and *ret (free
 * with inquiry_reader_free), or -1 with errstr. */
int inquiry_reader_new(sqlite3 *db, struct inquiry_reader **ret,
		       char *errstr, size_t errstr_size);

/* Finalize the reader's statements and free its sums; NULL is fine. */
void inquiry_reader_free(struct inquiry_reader *r);

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

/* Answer for account through reader r of biller b's ledger. In one read
 * transaction (BEGIN ... COMMIT on r's connection, which must have none
 * open): refresh r's running sum of the unfolded journal
 * (unfolded_refresh), then read the account's invoices and add each one's
 * sum to its amount_paid_minor, so the paid amounts are those of one
 * snapshot of the ledger. today_day is the local date (days since
 * 1970-01-01) that decides which invoices are past due. Returns the HTTP
 * status — 200 with the invoices JSON, 404 when the account has no invoice
 * at all, 500 on an SQLite error (the sums are then forgotten and read
 * again next time) — and *ret_body (malloc'd, the caller frees) with the
 * JSON answer or error body; -1 when out of memory (nothing allocated). */
int inquiry_answer(const struct config_biller *b, struct inquiry_reader *r,
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
