/* fuzz-invoices — invimp_import_stream(), the biller invoice export import
 * of `tasdid invoices import` (invimp_import() is fopen + this), on the
 * input as a memory stream, into a real ledger (a JOD ledger in a
 * temporary directory, created once per process: opening and migrating a
 * ledger per input would be most of the time).
 *
 * Before each input the ledger holds exactly two fixed invoices, so a
 * re-import (identical row) and a conflict (same invoice_no, other amount)
 * are both reachable from short inputs. After each input the new invoices
 * are deleted again.
 *
 * Invariants: a refusal (-1) has a reason (errstr, or errors_count > 0
 * with every reported row line >= 1 and a non-empty reason), reports 0
 * inserted, and leaves the invoices table byte for byte as it was; an
 * acceptance reports rows = inserted + unchanged, no errors, leaves the
 * fixed invoices unchanged, adds exactly `inserted` invoices, each with
 * amount > 0, the ledger's currency, a due_on that is a real day, an
 * issued_on (if any) that is a real day not after due_on, a period (if
 * any) that is a real month; the ledger balances and no transaction is
 * left open. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "invoice_import.h"
#include "ledger_db.h"

#define NAME "fuzz-invoices.csv"

static sqlite3 *db;
static char dir[160];

static void cleanup(void)
{
	char path[192];
	sqlite3_close(db);
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/water.db%s", dir, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fuzz-invoices: %s: %s\n", sql, msg);
		abort();
	}
}

static void open_once(void)
{
	if (db != NULL)
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/tasdid-fuzz-invoices.XXXXXX",
		 tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 100 ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	char path[192], err[256];
	snprintf(path, sizeof(path), "%s/water.db", dir);
	FUZZ_CHECK(ledger_db_open(path, "water", "JOD", LEDGER_DB_CREATE, &db,
				  err, sizeof(err)) == 0);
	atexit(cleanup);
	/* The harness needs no durability; fsync per input would be most
	 * of the time. */
	exec("PRAGMA synchronous = OFF");
	exec("INSERT INTO invoices (invoice_no, account, customer_name,"
	     " period, issued_on, due_on, amount_due_minor, currency,"
	     " imported_at_ms) VALUES"
	     " ('F-1', 'ACC-1', 'x', '2026-11', '2026-11-01', '2026-11-30',"
	     "  18750, 'JOD', 1),"
	     " ('F-2', 'ACC-2', NULL, NULL, NULL, '2026-12-15', 3000, 'JOD', 1)");
}

/* The whole invoices table as text, in key order (caller frees). */
static char *snapshot(void)
{
	sqlite3_stmt *st;
	FUZZ_CHECK(sqlite3_prepare_v2(db,
		"SELECT ifnull(group_concat(quote(invoice_no) || ',' ||"
		" quote(account) || ',' || quote(customer_name) || ',' ||"
		" quote(period) || ',' || quote(issued_on) || ',' ||"
		" quote(due_on) || ',' || amount_due_minor || ',' ||"
		" amount_paid_minor || ',' || currency || ',' || imported_at_ms,"
		" ';'), '') FROM (SELECT * FROM invoices ORDER BY invoice_no)",
		-1, &st, NULL) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_step(st) == SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	FUZZ_CHECK(s != NULL);
	sqlite3_finalize(st);
	return s;
}

static int64_t count(const char *sql)
{
	sqlite3_stmt *st;
	FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
	FUZZ_CHECK(sqlite3_step(st) == SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void on_error(void *opaque, int64_t line, const char *reason)
{
	int64_t *reported = opaque;
	FUZZ_CHECK(line >= 1);
	FUZZ_CHECK(reason[0] != '\0');
	(*reported)++;
}

static void check_accepted(const struct invimp_report *rep, const char *fixed)
{
	FUZZ_CHECK(rep->errors_count == 0);
	FUZZ_CHECK(rep->rows_count == rep->inserted_count + rep->unchanged_count);
	FUZZ_CHECK(count("SELECT count(*) FROM invoices WHERE invoice_no"
			 " NOT IN ('F-1', 'F-2')") == rep->inserted_count);
	/* Every new invoice well formed (date() normalises an impossible
	 * day such as 02-30, so equality means a real day). */
	FUZZ_CHECK(count("SELECT count(*) FROM invoices WHERE invoice_no"
			 " NOT IN ('F-1', 'F-2') AND NOT (amount_due_minor > 0"
			 " AND amount_paid_minor = 0 AND currency = 'JOD'"
			 " AND date(due_on) IS due_on"
			 " AND (issued_on IS NULL OR (date(issued_on) IS"
			 "  issued_on AND issued_on <= due_on))"
			 " AND (period IS NULL OR"
			 "  date(period || '-01') IS period || '-01'))") == 0);
	exec("DELETE FROM invoices WHERE invoice_no NOT IN ('F-1', 'F-2')");
	char *after = snapshot();
	FUZZ_CHECK(strcmp(after, fixed) == 0);
	free(after);
	struct ledger_balance bal;
	char err[256];
	FUZZ_CHECK(ledger_db_check_balance(db, &bal, err, sizeof(err)) == 0);
	FUZZ_CHECK(bal.balanced && bal.postings_count == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	open_once();
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	char *before = snapshot();
	struct invimp_report rep;
	int64_t reported = 0;
	char err[512] = "";
	int r = invimp_import_stream(db, currency_find("JOD"), in, NAME,
				     on_error, &reported, &rep, err,
				     sizeof(err));
	fclose(in);
	FUZZ_CHECK(sqlite3_get_autocommit(db));
	if (r < 0) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(rep.inserted_count == 0);
		FUZZ_CHECK(reported == (rep.errors_count < INVIMP_ERRORS_REPORTED_MAX
					? rep.errors_count
					: INVIMP_ERRORS_REPORTED_MAX));
		char *after = snapshot();
		FUZZ_CHECK(strcmp(before, after) == 0);
		free(after);
	} else {
		FUZZ_CHECK(r == 0 && reported == 0);
		check_accepted(&rep, before);
	}
	free(before);
	return 0;
}
