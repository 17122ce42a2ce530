/* ledger_db — open a biller's ledger, bring its schema up to date, and
 * check that its money balances.
 *
 * Each biller (water, electricity, ...) has its own SQLite file, the
 * system of record for the payments posted to it. The schema is
 * schemas/ledger/NNN-*.sql, embedded into the library at build time;
 * schemas/ledger.md describes every table and the invariant
 *
 *   sum(postings) = sum(allocations) + sum(account_credit) + sum(suspense)
 *
 * which ledger_db_check_balance() verifies.
 *
 * A handle returned here is a plain sqlite3 connection opened in SQLite's
 * multi-thread mode: one thread at a time may use it. Close it with
 * sqlite3_close(). */
#ifndef TASDID_LEDGER_DB_H
#define TASDID_LEDGER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* PRAGMA application_id of a ledger ("TSDL"), so that `file` names it and
 * a different SQLite database configured by mistake is refused. */
#define LEDGER_DB_APPLICATION_ID 0x5453444c

/* How long a statement waits for another connection's lock (the nightly
 * settle run, a migration) before failing with SQLITE_BUSY. */
#define LEDGER_DB_BUSY_TIMEOUT_MS (5 * 1000)

/* The largest posting batch the page cache is sized for. A transaction's
 * dirty pages must stay in the cache, or SQLite spills them into the WAL
 * before commit and the batch pays for extra writes. Since schema 003 a
 * posting only appends (its postings row and allocation rows: under 1 KiB
 * each, sharing pages); the worst
 * case is an account too large for the consumer's invoice cache, whose
 * payment still updates one invoice page at a random key: 4 KiB + 1 KiB
 * per intent. The posting consumer must not commit bigger batches
 * (_Static_assert it). */
#define LEDGER_DB_BATCH_COUNT_MAX 10000
#define LEDGER_DB_PAGE_SIZE 4096
#define LEDGER_DB_CACHE_KIB (128 * 1024) /* 128 MiB per writer connection */

_Static_assert((int64_t)LEDGER_DB_BATCH_COUNT_MAX *
			       (LEDGER_DB_PAGE_SIZE + 1024)
		       <= (int64_t)LEDGER_DB_CACHE_KIB * 1024 / 2,
	       "a full batch's dirty pages fill at most half the cache, the "
	       "rest keeps the invoice index's interior pages hot");

/* Identity limits (bytes, without NUL); the biller id is an intent's. */
#define LEDGER_DB_BILLER_MAX 32

enum ledger_db_flags {
	/* Create the file when it does not exist. Without it a missing file
	 * is an error: a mistyped path must not start an empty second ledger
	 * beside the real one. */
	LEDGER_DB_CREATE = 1u << 0,
	/* For readers (settle, inquiry): open read-only, never migrate, and
	 * refuse a ledger whose schema is not exactly the latest one. */
	LEDGER_DB_READONLY = 1u << 1,
};

/* The schema version this code writes and expects: the number of embedded
 * migration files. */
int ledger_db_latest_version(void);

/* Open the ledger at path for biller_id, whose ledger keeps amounts in
 * currency (an ISO 4217 code money knows).
 *
 * A writer (flags without LEDGER_DB_READONLY) sets its pragmas (WAL,
 * synchronous=FULL, foreign keys, busy timeout, cache size; see the .c for
 * why each), migrates the file to ledger_db_latest_version() one
 * transaction per version, and on first open writes biller_id, currency
 * and the creation time into ledger_meta. A reader checks instead of
 * changing anything.
 *
 * Refused, with the reason in errstr: a missing file (unless
 * LEDGER_DB_CREATE), a file that is not a tasdid ledger, a schema newer
 * than this code knows, for a reader a schema older than the latest, a
 * ledger_meta whose biller or currency differ from the arguments (the
 * wrong file was configured), an invalid biller id or unknown currency,
 * and any SQLite error.
 *
 * Returns 0 and sets *ret to a connection the caller owns and closes with
 * sqlite3_close(); or -1 with *ret untouched and nothing left open. A
 * failed migration step is rolled back: the file stays at the last version
 * that completed. LEDGER_DB_CREATE together with LEDGER_DB_READONLY is a
 * programmer error. */
int ledger_db_open(const char *path, const char *biller_id,
		   const char *currency, unsigned flags, sqlite3 **ret,
		   char *errstr, size_t errstr_size);

/* Migrate db from its PRAGMA user_version up to target_version, one
 * transaction per version (BEGIN IMMEDIATE, so two processes opening the
 * same new file cannot both apply a step). Exposed for tests; programs use
 * ledger_db_open().
 *
 * Returns 0 when db is at target_version (also when it already was), or
 * -1 with errstr set when target_version is outside 0..latest, lower than
 * the file's version (there are no down migrations), the file's version
 * is newer than latest, the file is not a ledger, or a step fails (that
 * step is rolled back; earlier ones stay), including a step after which
 * PRAGMA foreign_key_check reports a row: steps run with foreign keys off
 * (a step may rebuild a table), and the connection's foreign_keys setting
 * is restored afterwards. Must not be called inside a transaction. */
int ledger_db_migrate(sqlite3 *db, int target_version, char *errstr,
		      size_t errstr_size);


/* The four sums of the invariant and the consistency checks behind it,
 * read from one snapshot of the ledger. */
struct ledger_balance {
	int64_t postings_minor;       /* sum(postings.amount_minor) */
	int64_t allocations_minor;    /* sum(allocations.amount_minor) */
	int64_t account_credit_minor; /* sum(postings.credit_minor) */
	int64_t suspense_minor;       /* sum(postings.suspense_minor) */
	/* postings - (allocations + account_credit + suspense) */
	int64_t difference_minor;
	int64_t postings_count;
	/* Postings whose own allocations, credit and suspense do not add up
	 * to their amount (this catches errors that cancel in the totals),
	 * plus allocations naming no posting. */
	int64_t intents_unbalanced_count;
	/* Invoices whose paid amount (amount_paid_minor plus their unfolded
	 * allocations) is not the sum of the allocations to them, plus
	 * allocations naming no invoice. */
	int64_t invoices_inconsistent_count;
	/* difference_minor == 0 and both counts above are 0. */
	bool balanced;
};

/* Compute *ret for db (read only; it scans every table, so it is for the
 * nightly run and tests, not the posting path). An unbalanced ledger is
 * not an error: it returns 0 with ret->balanced false. Returns -1 with
 * errstr set and *ret untouched on an SQLite error or when a sum
 * overflows int64. */
int ledger_db_check_balance(sqlite3 *db, struct ledger_balance *ret,
			    char *errstr, size_t errstr_size);

#endif
