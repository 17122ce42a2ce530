/* sqlutil — the few SQLite idioms every caller of SQLite in tasdid needs
 * (the ledgers, the terminal's spool, the posting consumer, settle,
 * inquiry), written once: run statements, read one integer, prepare a set
 * of long-lived statements, undo an open transaction. Every function that
 * fails sets errstr. */
#ifndef TASDID_SQLUTIL_H
#define TASDID_SQLUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Run sql (one or more statements, no results wanted). Returns 0, or -1
 * with "WHAT: reason" in errstr ("reason" alone when what is NULL). */
int sql_exec(sqlite3 *db, const char *sql, const char *what, char *errstr,
	     size_t errstr_size);

/* Undo the open transaction, if SQLite has not already done so (some
 * errors roll back by themselves). Sets no error: it runs on error paths
 * and keeps the caller's message. */
void sql_rollback(sqlite3 *db);

/* Step a statement that returns no rows (an insert, an update) to
 * completion and reset it for the next use. Returns 0, or -1 with
 * "WHAT: SQL: reason" in errstr ("SQL: reason" when what is NULL). */
int sql_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what,
		  char *errstr, size_t errstr_size);

/* Prepare, step and finalize a query that returns one row of one integer.
 * Returns 0 with *ret set, or -1 with "SQL: reason" in errstr. */
int sql_query_int64(sqlite3 *db, const char *sql, int64_t *ret,
		    char *errstr, size_t errstr_size);

/* Prepare count statements, st[i] from sql[i], with
 * SQLITE_PREPARE_PERSISTENT (prepared once, stepped many times); the one
 * at unchecked_index (-1: none) with sql_prepare_unchecked(). Returns 0,
 * or -1 with "WHAT: reason" in errstr, the statements prepared so far
 * left in st for the caller to finalize (st[] starts zeroed). */
int sql_prepare_persistent(sqlite3 *db, const char *const sql[], int count,
			   sqlite3_stmt *st[], int unchecked_index,
			   const char *what, char *errstr, size_t errstr_size);

/* Prepare sql (SQLITE_PREPARE_PERSISTENT) on db with the tables' CHECK
 * constraints left out of its program: SQLite compiles CHECKs into a
 * statement when it is prepared, unless PRAGMA ignore_check_constraints is
 * on, which this turns on for the prepare only. For the posting consumer's
 * hot inserts, whose every value its own code has validated (docs/posting.md
 * "Checks on the consumer's connection"): the CHECKs cost a tenth of the
 * posting path. If SQLite prepares the statement again (after any schema
 * change) it does so with the pragma off, so the CHECKs come back: slower,
 * never less safe. Every other statement and connection keeps them.
 * CAVEAT (found in session 5, left as it was): turning the pragma off is a
 * flag pragma, which expires every prepared statement, this one included,
 * so its first step prepares it again with the CHECKs (SQLite 3.40.1:
 * the step fails a CHECK). The saving docs/performance.md reports does not
 * survive that; measure before relying on it.
 * Returns SQLite's result code; *ret as sqlite3_prepare_v3 sets it. */
int sql_prepare_unchecked(sqlite3 *db, const char *sql, sqlite3_stmt **ret);

#endif
