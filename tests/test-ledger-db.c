/* Tests for ledger_db: migrations, refusals, the schema's constraints and
 * the balance check. Each test works in its own mkdtemp() directory, which
 * teardown empties and removes (rmdir failing means a file was left). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger_db.h"
#include "check_run.h"

static char tmp_dir[1024];
static char db_path[sizeof(tmp_dir) + 32];

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/tasdid-ledger-XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
	snprintf(db_path, sizeof(db_path), "%s/water.db", tmp_dir);
}

static void teardown(void)
{
	DIR *d = opendir(tmp_dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	char p[sizeof(tmp_dir) + 512];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, e->d_name);
		ck_assert_int_eq(unlink(p), 0);
	}
	closedir(d);
	ck_assert_int_eq(rmdir(tmp_dir), 0);
}

/* ---- helpers ---- */

static sqlite3 *open_ok(const char *path, unsigned flags)
{
	char err[512] = "";
	sqlite3 *db = NULL;
	int r = ledger_db_open(path, "water", "JOD", flags, &db, err,
			       sizeof(err));
	ck_assert_msg(r == 0, "open %s: %s", path, err);
	ck_assert_ptr_nonnull(db);
	return db;
}

/* A plain connection, for making files the library must refuse. */
static sqlite3 *open_raw(const char *path)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open_v2(path, &db,
					 SQLITE_OPEN_READWRITE |
						 SQLITE_OPEN_CREATE,
					 NULL),
			 SQLITE_OK);
	return db;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
	sqlite3_free(msg);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The text of the first column of the first row, copied to buf. */
static const char *q_text(sqlite3 *db, const char *sql, char *buf,
			  size_t size)
{
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
	return buf;
}

/* The detail of the single-step query plan of sql, copied to buf. */
static const char *q_plan(sqlite3 *db, const char *sql, char *buf,
			  size_t size)
{
	char explain[512];
	snprintf(explain, sizeof(explain), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, explain, -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 3));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	return buf;
}

/* Whether any step of sql's query plan is exactly step. */
static bool q_plan_has(sqlite3 *db, const char *sql, const char *step)
{
	char explain[512];
	snprintf(explain, sizeof(explain), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, explain, -1, &st, NULL),
			 SQLITE_OK);
	bool found = false;
	while (sqlite3_step(st) == SQLITE_ROW)
		found |= strcmp((const char *)sqlite3_column_text(st, 3),
				step) == 0;
	sqlite3_finalize(st);
	return found;
}

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

#define ID(n) "0190d8a0-0000-8000-8000-0000000000" #n

static void add_invoice(sqlite3 *db, const char *no, const char *account,
			int64_t due_minor, int64_t paid_minor)
{
	char *sql = sqlite3_mprintf(
		"INSERT INTO invoices (invoice_no, account, customer_name, "
		"period, issued_on, due_on, amount_due_minor, "
		"amount_paid_minor, currency, imported_at_ms) VALUES "
		"(%Q, %Q, 'سامي', '2026-11', '2026-11-01', '2026-11-30', "
		"%lld, %lld, 'JOD', 1764000000000)",
		no, account, (long long)due_minor, (long long)paid_minor);
	exec_ok(db, sql);
	sqlite3_free(sql);
}

/* The columns of a posting before schema 003, and the split 003 added. */
#define POSTING_COLS                                                         \
	"intent_id, idempotency_key, bank, branch, terminal, account, "     \
	"invoice_no, amount_minor, currency, paid_at, paid_at_ms, "          \
	"received_at_ms, posted_at_ms, channel, kafka_topic, "               \
	"kafka_partition, kafka_offset"
#define SPLIT_COLS "credit_minor, suspense_minor, suspense_code"

/* SQL inserting postings with their split (schema 003), and one row of
 * it: id and account quoted, amounts and code as SQL literals. */
#define INSERT_POSTINGS                                                      \
	"INSERT INTO postings (" POSTING_COLS ", " SPLIT_COLS ") VALUES "
#define POSTING_ROW(id, account, amount, credit, suspense, code)             \
	"('" id "', '" id "', 'BNK1', NULL, 'T-07', '" account "', NULL, "   \
	amount ", 'JOD', '2026-11-25T10:15:00+03:00', 1764054900000, "        \
	"1764054900100, 1764054900200, 'teller', 'intents.water', 0, 1, "    \
	credit ", " suspense ", " code ")"

/* A posting of amount_minor. split: write credit_minor, suspense_minor
 * and suspense_code (schema 003); false for schemas 1 and 2, whose
 * postings have no such columns (their split is in other tables). */
static void insert_posting(sqlite3 *db, const char *id, const char *account,
			   const char *invoice_no, int64_t amount_minor,
			   bool split, int64_t credit_minor,
			   int64_t suspense_minor, const char *suspense_code)
{
	char *sql = sqlite3_mprintf(
		"INSERT INTO postings (" POSTING_COLS "%s) VALUES "
		"(%Q, %Q, 'BNK1', NULL, 'T-07', %Q, %Q, %lld, 'JOD', "
		"'2026-11-25T10:15:00+03:00', 1764054900000, 1764054900100, "
		"1764054900200, 'teller', 'intents.water', 0, 1%s",
		split ? ", " SPLIT_COLS : "", id, id, account, invoice_no,
		(long long)amount_minor, split ? "" : ")");
	if (split) {
		char *full = sqlite3_mprintf("%s, %lld, %lld, %Q)", sql,
					     (long long)credit_minor,
					     (long long)suspense_minor,
					     suspense_code);
		sqlite3_free(sql);
		sql = full;
	}
	exec_ok(db, sql);
	sqlite3_free(sql);
}

/* A posting without split columns: any schema version. */
static void add_posting(sqlite3 *db, const char *id, const char *account,
			int64_t amount_minor)
{
	insert_posting(db, id, account, NULL, amount_minor, false, 0, 0, NULL);
}

/* A posting whose credit and suspense are part of its row (schema 003). */
static void add_posting_split(sqlite3 *db, const char *id,
			      const char *account, int64_t amount_minor,
			      int64_t credit_minor, int64_t suspense_minor,
			      const char *suspense_code)
{
	insert_posting(db, id, account, NULL, amount_minor, true, credit_minor,
		       suspense_minor, suspense_code);
}

/* ---- opening and migrating ---- */

START_TEST(test_open_creates_latest)
{
	char buf[128];
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);

	ck_assert_int_eq(q_int(db, "PRAGMA user_version"),
			 ledger_db_latest_version());
	ck_assert_int_eq(q_int(db, "PRAGMA application_id"),
			 LEDGER_DB_APPLICATION_ID);
	ck_assert_str_eq(q_text(db, "PRAGMA journal_mode", buf, sizeof(buf)),
			 "wal");
	ck_assert_int_eq(q_int(db, "PRAGMA synchronous"), 2); /* FULL */
	ck_assert_int_eq(q_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(q_int(db, "PRAGMA cache_size"), -LEDGER_DB_CACHE_KIB);
	ck_assert_str_eq(q_text(db,
				"SELECT value FROM ledger_meta "
				"WHERE key = 'biller_id'",
				buf, sizeof(buf)),
			 "water");
	ck_assert_str_eq(q_text(db,
				"SELECT value FROM ledger_meta "
				"WHERE key = 'currency'",
				buf, sizeof(buf)),
			 "JOD");
	ck_assert_int_gt(q_int(db, "SELECT CAST(value AS INTEGER) FROM "
				   "ledger_meta WHERE key = 'created_at_ms'"),
			 1700000000000);
	/* Every table is STRICT; the key-only ones are WITHOUT ROWID, the
	 * two with a rowid are allocations (appended at its right edge,
	 * schema 003) and the one-row allocations_fold. */
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM pragma_table_list "
				   "WHERE schema = 'main' AND type = 'table' "
				   "AND name NOT LIKE 'sqlite_%' AND strict"),
			 7);
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(name, ' ') FROM "
				"(SELECT name FROM pragma_table_list WHERE "
				"schema = 'main' AND type = 'table' AND wr "
				"ORDER BY name)",
				buf, sizeof(buf)),
			 "invoices kafka_offsets ledger_meta posting_stats"
			 " postings");
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(name, ' ') FROM "
				"(SELECT name FROM pragma_table_list WHERE "
				"schema = 'main' AND type = 'table' AND NOT wr "
				"AND name NOT LIKE 'sqlite_%' ORDER BY name)",
				buf, sizeof(buf)),
			 "allocations allocations_fold");
	/* The tables 001 had for the split are views over postings now. */
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(name, ' ') FROM "
				"(SELECT name FROM sqlite_schema WHERE "
				"type = 'view' ORDER BY name)",
				buf, sizeof(buf)),
			 "account_credit invoices_current suspense");
	/* A new ledger's journal starts folded at 0. */
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(id || ':' || folded_seq) "
				"FROM allocations_fold",
				buf, sizeof(buf)),
			 "1:0");
	/* Exactly these secondary indexes: each one is a random-order
	 * B-tree write per posting where it is on a posting table
	 * (schemas/ledger.md says why each exists or not). */
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(name, ' ') FROM "
				"(SELECT name FROM sqlite_schema WHERE "
				"type = 'index' AND sql IS NOT NULL "
				"ORDER BY name)",
				buf, sizeof(buf)),
			 "invoices_account_due");
	/* The view sums the unfolded journal with one search of a rowid
	 * range (seq > folded_seq), not a scan of every allocation, and
	 * still reads an account's invoices through their index. */
	static const char view_sql[] = "SELECT amount_paid_minor FROM "
				       "invoices_current WHERE account = 'A'";
	ck_assert(q_plan_has(db, view_sql,
			     "SEARCH a USING INTEGER PRIMARY KEY (rowid>?)"));
	ck_assert(!q_plan_has(db, view_sql, "SCAN a"));
	ck_assert(q_plan_has(db, view_sql,
			     "SEARCH i USING INDEX invoices_account_due "
			     "(account=?)"));
	/* Inquiry and allocation read an account's invoices by index. */
	ck_assert_str_eq(q_plan(db, "SELECT * FROM invoices WHERE account = 'A'",
				buf, sizeof(buf)),
			 "SEARCH invoices USING INDEX invoices_account_due "
			 "(account=?)");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_open_missing_needs_create)
{
	char err[512] = "";
	sqlite3 *db = (sqlite3 *)&err; /* must stay untouched */
	sqlite3 *const before = db;

	ck_assert_int_eq(ledger_db_open(db_path, "water", "JOD", 0, &db, err,
					sizeof(err)),
			 -1);
	ck_assert_ptr_eq(db, before);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert(!file_exists(db_path));

	ck_assert_int_eq(ledger_db_open(db_path, "water", "JOD",
					LEDGER_DB_READONLY, &db, err,
					sizeof(err)),
			 -1);
	ck_assert_ptr_eq(db, before);
	ck_assert(!file_exists(db_path));
}
END_TEST

START_TEST(test_reopen_is_noop)
{
	char created[32], again[32];
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);
	add_invoice(db, "INV-1", "ACC-1", 10000, 0);
	int64_t schema_version = q_int(db, "PRAGMA schema_version");
	q_text(db, "SELECT value FROM ledger_meta WHERE key = 'created_at_ms'",
	       created, sizeof(created));
	sqlite3_close(db);

	/* Without LEDGER_DB_CREATE too: the file exists. */
	db = open_ok(db_path, 0);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"),
			 ledger_db_latest_version());
	ck_assert_int_eq(q_int(db, "PRAGMA schema_version"), schema_version);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM invoices"), 1);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM ledger_meta"), 3);
	ck_assert_str_eq(q_text(db,
				"SELECT value FROM ledger_meta "
				"WHERE key = 'created_at_ms'",
				again, sizeof(again)),
			 created);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_migrate_from_empty)
{
	char err[512];
	int latest = ledger_db_latest_version();
	sqlite3 *db = open_raw(db_path);

	/* Invalid targets first: nothing may change. */
	const int bad_targets[] = {-1, INT_MIN, latest + 1, INT_MAX};
	for (size_t i = 0; i < sizeof(bad_targets) / sizeof(bad_targets[0]);
	     i++) {
		err[0] = '\0';
		ck_assert_int_eq(ledger_db_migrate(db, bad_targets[i], err,
						   sizeof(err)),
				 -1);
		ck_assert_ptr_nonnull(strstr(err, "no ledger schema version"));
		ck_assert_int_eq(q_int(db, "PRAGMA user_version"), 0);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema"),
				 0);
	}

	/* To 0: a no-op. Then one version at a time. */
	ck_assert_int_eq(ledger_db_migrate(db, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema"), 0);
	/* Tables and views after each version: 002 adds
	 * allocations_unfolded and invoices_current; 003 drops
	 * allocations_unfolded, account_credit and suspense (now views) and
	 * adds allocations_fold; 004 drops settlement_runs. */
	static const struct {
		int64_t tables, views;
	} at[] = {{0, 0}, {9, 0}, {10, 1}, {8, 3}, {7, 3}};
	ck_assert_int_eq(latest + 1, sizeof(at) / sizeof(at[0]));
	for (int v = 1; v <= latest; v++) {
		ck_assert_msg(ledger_db_migrate(db, v, err, sizeof(err)) == 0,
			      "to %d: %s", v, err);
		ck_assert_int_eq(q_int(db, "PRAGMA user_version"), v);
		ck_assert_int_eq(q_int(db, "PRAGMA application_id"),
				 LEDGER_DB_APPLICATION_ID);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema "
					   "WHERE type = 'table'"),
				 at[v].tables);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema "
					   "WHERE type = 'view'"),
				 at[v].views);
	}
	/* Again at latest: no-op. Down: refused. */
	ck_assert_int_eq(ledger_db_migrate(db, latest, err, sizeof(err)), 0);
	ck_assert_int_eq(ledger_db_migrate(db, latest - 1, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot migrate down"));
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), latest);
	sqlite3_close(db);

	/* A writer then adopts the migrated file and writes its identity. */
	db = open_ok(db_path, 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM ledger_meta"), 3);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_refuse_newer)
{
	char err[512] = "", sql[64];
	int latest = ledger_db_latest_version();
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);
	sqlite3_close(db);

	db = open_raw(db_path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", latest + 1);
	exec_ok(db, sql);
	/* migrate refuses it too, and leaves it alone */
	ck_assert_int_eq(ledger_db_migrate(db, latest, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "newer"));
	sqlite3_close(db);

	const unsigned flags[] = {0, LEDGER_DB_CREATE, LEDGER_DB_READONLY};
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		sqlite3 *out = NULL;
		err[0] = '\0';
		ck_assert_int_eq(ledger_db_open(db_path, "water", "JOD",
						flags[i], &out, err,
						sizeof(err)),
				 -1);
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(err, "is newer than this program's") !=
				      NULL,
			      "flags %u: %s", flags[i], err);
	}
	db = open_raw(db_path);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), latest + 1);
	sqlite3_close(db);
}
END_TEST

/* Files that are SQLite databases but not ledgers: refused, and left as
 * they were (not even switched to WAL). */
START_TEST(test_refuse_foreign_file)
{
	static const struct {
		const char *sql;
	} cases[] = {
		{"CREATE TABLE customers (id INTEGER)"},
		{"PRAGMA application_id = 42; PRAGMA user_version = 1"},
		{"PRAGMA user_version = 1"},
	};
	char err[512], buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[sizeof(tmp_dir) + 64];
		snprintf(path, sizeof(path), "%s/foreign-%zu.db", tmp_dir, i);
		sqlite3 *raw = open_raw(path);
		exec_ok(raw, cases[i].sql);
		sqlite3_close(raw);

		sqlite3 *out = NULL;
		err[0] = '\0';
		ck_assert_int_eq(ledger_db_open(path, "water", "JOD", 0, &out,
						err, sizeof(err)),
				 -1);
		ck_assert_ptr_null(out);
		ck_assert_msg(strstr(err, "not a tasdid ledger") != NULL,
			      "case %zu: %s", i, err);

		raw = open_raw(path);
		ck_assert_str_eq(q_text(raw, "PRAGMA journal_mode", buf,
					sizeof(buf)),
				 "delete");
		ck_assert_int_eq(q_int(raw, "PRAGMA application_id") ==
					 LEDGER_DB_APPLICATION_ID,
				 0);
		sqlite3_close(raw);
	}
}
END_TEST

START_TEST(test_identity)
{
	static const struct {
		const char *biller_id;
		const char *currency;
		const char *error; /* NULL: must open */
	} cases[] = {
		{"", "JOD", "biller id must be 1 to 32 bytes"},
		{"water-and-sewage-authority-north1", "JOD",
		 "biller id must be 1 to 32 bytes"},
		{"water", "XXX", "unknown currency 'XXX'"},
		{"water", "jod", "unknown currency 'jod'"},
		{"water", "", "unknown currency ''"},
		{"electricity", "JOD",
		 "belongs to biller 'water' in JOD, not 'electricity' in JOD"},
		{"water", "USD", "belongs to biller 'water' in JOD, not "
				 "'water' in USD"},
		{"Water", "JOD", "belongs to biller 'water'"},
		{"water", "JOD", NULL},
	};
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);
	sqlite3_close(db);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned flags[] = {0, LEDGER_DB_READONLY};
		for (size_t f = 0; f < 2; f++) {
			char err[512] = "";
			sqlite3 *out = NULL;
			int r = ledger_db_open(db_path, cases[i].biller_id,
					       cases[i].currency, flags[f],
					       &out, err, sizeof(err));
			if (cases[i].error == NULL) {
				ck_assert_msg(r == 0, "case %zu: %s", i, err);
				sqlite3_close(out);
				continue;
			}
			ck_assert_int_eq(r, -1);
			ck_assert_ptr_null(out);
			ck_assert_msg(strstr(err, cases[i].error) != NULL,
				      "case %zu: got '%s'", i, err);
		}
	}
	/* The refusals did not rewrite the identity. */
	db = open_ok(db_path, 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM ledger_meta WHERE "
				   "(key, value) IN (VALUES ('biller_id', "
				   "'water'), ('currency', 'JOD'))"),
			 2);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_readonly)
{
	char err[512] = "";
	struct ledger_balance b;

	/* An empty (never created) file is refused by a reader. */
	sqlite3 *raw = open_raw(db_path);
	sqlite3_close(raw);
	sqlite3 *out = NULL;
	ck_assert_int_eq(ledger_db_open(db_path, "water", "JOD",
					LEDGER_DB_READONLY, &out, err,
					sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "never created"));

	sqlite3 *w = open_ok(db_path, 0);
	add_invoice(w, "INV-1", "ACC-1", 10000, 0);
	sqlite3 *r = open_ok(db_path, LEDGER_DB_READONLY);
	ck_assert_int_eq(q_int(r, "SELECT count(*) FROM invoices"), 1);
	ck_assert_int_eq(q_int(r, "PRAGMA query_only"), 1);
	/* A reader reads the views of schema 003 (its connection may not
	 * write, so nothing in them may need a write). */
	ck_assert_int_eq(q_int(r, "SELECT count(*) FROM invoices_current "
				  "WHERE amount_paid_minor = 0"),
			 1);
	ck_assert_int_eq(q_int(r, "SELECT (SELECT count(*) FROM suspense) + "
				  "(SELECT count(*) FROM account_credit)"),
			 0);
	int rc = sqlite3_exec(r, "DELETE FROM invoices", NULL, NULL, NULL);
	ck_assert_int_ne(rc, SQLITE_OK);
	ck_assert_int_eq(q_int(r, "SELECT count(*) FROM invoices"), 1);
	/* The reader checks the balance while the writer has the file. */
	ck_assert_int_eq(ledger_db_check_balance(r, &b, err, sizeof(err)), 0);
	ck_assert(b.balanced);
	sqlite3_close(r);
	sqlite3_close(w);
}
END_TEST

/* ---- the schema's constraints ---- */

START_TEST(test_constraints)
{
	static const struct {
		const char *sql;
		const char *error; /* substring of the message; NULL: ok */
	} cases[] = {
		/* invoices */
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', 0, 'JOD', 1)",
		 "CHECK constraint failed: amount_due_minor > 0"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', -5, 'JOD', 1)",
		 "CHECK constraint failed: amount_due_minor > 0"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, amount_paid_minor, currency, "
		 "imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', 100, 101, 'JOD', 1)",
		 "CHECK constraint failed: amount_paid_minor BETWEEN"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, amount_paid_minor, currency, "
		 "imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', 100, -1, 'JOD', 1)",
		 "CHECK constraint failed: amount_paid_minor BETWEEN"},
		{"UPDATE invoices SET amount_paid_minor = 10001 "
		 "WHERE invoice_no = 'INV-1'",
		 "CHECK constraint failed: amount_paid_minor BETWEEN"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', 100.5, 'JOD', 1)",
		 "cannot store REAL value in INTEGER column"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', '1,000', 'JOD', 1)",
		 "cannot store TEXT value in INTEGER column"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-11-30', 100, 'USD', 1)",
		 "invoice currency is not the ledger currency"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '30/11/2026', 100, 'JOD', 1)",
		 "CHECK constraint failed: due_on GLOB"},
		{"INSERT INTO invoices (invoice_no, account, issued_on, "
		 "due_on, amount_due_minor, currency, imported_at_ms) VALUES "
		 "('I-0', 'A', '2026-12-01', '2026-11-30', 100, 'JOD', 1)",
		 "CHECK constraint failed: issued_on IS NULL OR"},
		{"INSERT INTO invoices (invoice_no, account, due_on, "
		 "amount_due_minor, currency, imported_at_ms) VALUES "
		 "(NULL, 'A', '2026-11-30', 100, 'JOD', 1)",
		 "NOT NULL constraint failed: invoices.invoice_no"},
		/* postings */
		{"INSERT INTO postings (" POSTING_COLS ") SELECT '" ID(99) "', "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, 0, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "CHECK constraint failed: amount_minor > 0"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT '" ID(99) "', "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, -700, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "CHECK constraint failed: amount_minor > 0"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT '" ID(99) "', "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, amount_minor, 'USD', paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "posting currency is not the ledger currency"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT '" ID(99) "', "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, amount_minor, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, 'fax', kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "CHECK constraint failed: channel = 'teller'"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT upper(intent_id), "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, amount_minor, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "posting intent_id must be lower-case hex and dashes"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT "
		 "substr(intent_id, 2), "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, amount_minor, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "CHECK constraint failed: length(intent_id) = 36"},
		{"INSERT INTO postings (" POSTING_COLS ") SELECT "
		 "replace(intent_id, '-', '_'), "
		 "idempotency_key, bank, branch, terminal, account, "
		 "invoice_no, amount_minor, currency, paid_at, paid_at_ms, "
		 "received_at_ms, posted_at_ms, channel, kafka_topic, "
		 "kafka_partition, kafka_offset FROM postings",
		 "posting intent_id must be lower-case hex and dashes"},
		{"INSERT INTO postings SELECT * FROM postings",
		 "UNIQUE constraint failed: postings.intent_id"},
		{"UPDATE postings SET amount_minor = 1",
		 "postings are append-only"},
		{"UPDATE postings SET credit_minor = 700",
		 "postings are append-only"},
		{"DELETE FROM postings", "postings are append-only"},
		/* a posting's split (schema 003: columns of its row) */
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "-1", "0",
					     "NULL"),
		 "CHECK constraint failed: credit_minor >= 0"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "0", "-1",
					     "'unknown_account'"),
		 "CHECK constraint failed: suspense_minor >= 0"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "0", "5",
					     "NULL"),
		 "CHECK constraint failed: (suspense_code IS NULL) = "
		 "(suspense_minor = 0)"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "0", "0",
					     "'unknown_account'"),
		 "CHECK constraint failed: (suspense_code IS NULL) = "
		 "(suspense_minor = 0)"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "0", "5",
					     "'Unknown Account'"),
		 "suspense_code a-z and _"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "0", "5",
					     "''"),
		 "suspense_code a-z and _"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "400",
					     "301", "'unknown_account'"),
		 "CHECK constraint failed: credit_minor + suspense_minor <= "
		 "amount_minor"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "701", "0",
					     "NULL"),
		 "CHECK constraint failed: credit_minor + suspense_minor <= "
		 "amount_minor"},
		{INSERT_POSTINGS POSTING_ROW(ID(99), "ACC-1", "700", "1.5", "0",
					     "NULL"),
		 "cannot store REAL value in INTEGER column "
		 "postings.credit_minor"},
		/* allocations: the append-only journal */
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor) "
		 "VALUES ('" ID(01) "', 'INV-1', 0)",
		 "CHECK constraint failed: amount_minor > 0"},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor) "
		 "VALUES ('" ID(01) "', 'NO-SUCH', 5)",
		 "FOREIGN KEY constraint failed"},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor) "
		 "VALUES ('" ID(98) "', 'INV-1', 5)",
		 "FOREIGN KEY constraint failed"},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor, "
		 "invoice_updated) VALUES ('" ID(01) "', 'INV-1', 5, 2)",
		 "CHECK constraint failed: invoice_updated = 0 OR "
		 "invoice_updated = 1"},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor, "
		 "invoice_updated) VALUES ('" ID(01) "', 'INV-1', 5, -1)",
		 "CHECK constraint failed: invoice_updated = 0 OR "
		 "invoice_updated = 1"},
		{"UPDATE allocations SET amount_minor = 1",
		 "allocations are append-only"},
		{"UPDATE allocations SET invoice_updated = 1",
		 "allocations are append-only"},
		{"DELETE FROM allocations", "allocations are append-only"},
		/* the fold's mark: one row, only forward */
		{"UPDATE allocations_fold SET folded_seq = 0",
		 "allocations_fold.folded_seq may not go back"},
		{"UPDATE allocations_fold SET folded_seq = -1",
		 "allocations_fold.folded_seq may not go back"},
		{"UPDATE allocations_fold SET folded_seq = 1000000",
		 "allocations_fold.folded_seq may not pass the last allocation"},
		{"UPDATE allocations_fold SET id = 2",
		 "CHECK constraint failed: id = 1"},
		{"INSERT OR REPLACE INTO allocations_fold VALUES (1, 0)",
		 "allocations_fold has exactly one row"},
		{"INSERT INTO allocations_fold VALUES (2, 5)",
		 "allocations_fold has exactly one row"},
		{"DELETE FROM allocations_fold",
		 "allocations_fold has exactly one row"},
		/* identity, offsets */
		{"UPDATE ledger_meta SET value = 'electricity' "
		 "WHERE key = 'biller_id'",
		 "ledger_meta identity is written once"},
		{"DELETE FROM ledger_meta", "ledger_meta identity is written once"},
		{"UPDATE kafka_offsets SET next_offset = 41",
		 "kafka_offsets.next_offset may not go back"},
		{"INSERT INTO kafka_offsets VALUES ('intents.water', -1, 0, 1)",
		 "CHECK constraint failed: partition >= 0"},
		/* valid rows, last: they change the state */
		{"UPDATE invoices SET amount_paid_minor = 10000 "
		 "WHERE invoice_no = 'INV-1'",
		 NULL},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor) "
		 "VALUES ('" ID(01) "', 'INV-1', 700)",
		 NULL},
		{"INSERT INTO allocations (intent_id, invoice_no, amount_minor, "
		 "invoice_updated) VALUES ('" ID(97) "', 'INV-1', 1, 1)",
		 NULL},
		{"INSERT INTO postings SELECT * FROM postings WHERE true "
		 "ON CONFLICT (intent_id) DO NOTHING",
		 NULL},
		/* credit + suspense = amount: the bound is inclusive */
		{INSERT_POSTINGS POSTING_ROW(ID(96), "ACC-1", "700", "400",
					     "300", "'unknown_account'"),
		 NULL},
		{"UPDATE allocations_fold SET folded_seq = 1", NULL},
		{"UPDATE allocations_fold SET folded_seq = 3", NULL},
		{"UPDATE kafka_offsets SET next_offset = 43", NULL},
		/* REPLACE's hidden delete fires the delete triggers
		 * (ledger_db_open: recursive_triggers), so it cannot
		 * overwrite what is append-only. */
		{"INSERT OR REPLACE INTO postings SELECT * FROM postings",
		 "postings are append-only"},
		{"INSERT OR REPLACE INTO allocations (seq, intent_id, "
		 "invoice_no, amount_minor) SELECT seq, intent_id, invoice_no, "
		 "1 FROM allocations",
		 "allocations are append-only"},
		{"INSERT INTO ledger_meta VALUES ('note', 'x')", NULL},
	};
	char buf[256];
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);
	add_invoice(db, "INV-1", "ACC-1", 10000, 0);
	add_posting(db, ID(01), "ACC-1", 700);
	add_posting_split(db, ID(97), "ACC-1", 700, 699, 0, NULL);
	/* seq 1, folded: something for UPDATE/DELETE to refuse, and a
	 * folded_seq that can go back. */
	exec_ok(db, "INSERT INTO allocations (intent_id, invoice_no, "
		    "amount_minor) VALUES ('" ID(01) "', 'INV-1', 700);"
		    "UPDATE allocations_fold SET folded_seq = 1");
	exec_ok(db, "INSERT INTO kafka_offsets VALUES "
		    "('intents.water', 0, 42, 1)");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *msg = NULL;
		int rc = sqlite3_exec(db, cases[i].sql, NULL, NULL, &msg);
		if (cases[i].error == NULL) {
			ck_assert_msg(rc == SQLITE_OK, "case %zu: %s", i,
				      msg ? msg : "?");
		} else {
			ck_assert_msg((rc & 0xff) == SQLITE_CONSTRAINT,
				      "case %zu: rc %d (%s)", i, rc,
				      msg ? msg : "no error");
			ck_assert_msg(msg != NULL &&
					      strstr(msg, cases[i].error) != NULL,
				      "case %zu: got '%s'", i, msg ? msg : "");
		}
		sqlite3_free(msg);
	}
	/* The tables 001 wrote the split to are views now: an old writer
	 * fails loudly instead of writing where nobody reads. */
	static const char *const view_writes[] = {
		"INSERT INTO account_credit VALUES ('" ID(01) "', 'ACC-1', 5)",
		"INSERT INTO suspense VALUES ('" ID(01) "', 'ACC-1', NULL, 5, "
		"'unknown_account', 'account has no invoices', 1)",
		"UPDATE invoices_current SET amount_paid_minor = 0",
	};
	for (size_t i = 0; i < sizeof(view_writes) / sizeof(view_writes[0]);
	     i++) {
		char *msg = NULL;
		ck_assert_int_eq(sqlite3_exec(db, view_writes[i], NULL, NULL,
					      &msg),
				 SQLITE_ERROR);
		ck_assert_msg(msg != NULL &&
				      strstr(msg, "because it is a view") !=
					      NULL,
			      "view write %zu: got '%s'", i, msg ? msg : "");
		sqlite3_free(msg);
	}
	/* Only the valid rows landed, with their values. */
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(r, ' ') FROM (SELECT "
				"substr(intent_id, 35) || ':' || amount_minor "
				"|| ':' || credit_minor || ':' || suspense_minor "
				"|| ':' || coalesce(suspense_code, '-') AS r "
				"FROM postings ORDER BY intent_id)",
				buf, sizeof(buf)),
			 "01:700:0:0:- 96:700:400:300:unknown_account "
			 "97:700:699:0:-");
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(r, ' ') FROM (SELECT seq "
				"|| ':' || substr(intent_id, 35) || ':' || "
				"amount_minor || ':' || invoice_updated AS r "
				"FROM allocations ORDER BY seq)",
				buf, sizeof(buf)),
			 "1:01:700:0 2:01:700:0 3:97:1:1");
	ck_assert_int_eq(q_int(db, "SELECT folded_seq FROM allocations_fold"),
			 3);
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(r, ' ') FROM (SELECT "
				"substr(intent_id, 35) || ':' || amount_minor "
				"AS r FROM account_credit ORDER BY intent_id)",
				buf, sizeof(buf)),
			 "96:400 97:699");
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(r, ' ') FROM (SELECT "
				"substr(intent_id, 35) || ':' || amount_minor "
				"|| ':' || reason_code || ':' || reason AS r "
				"FROM suspense ORDER BY intent_id)",
				buf, sizeof(buf)),
			 "96:300:unknown_account:account has no invoices");
	sqlite3_close(db);
}
END_TEST

/* ---- the balance check ---- */

/* A balanced ledger with every kind of split:
 *   P1 ACC-1 12000 -> INV-1 10000 + INV-2 2000
 *   P2 ACC-9  3000 -> suspense (unknown account)
 *   P3 ACC-4  1500 -> credit (no open invoice)
 *   P4 ACC-5  1250 -> INV-5 1000 + credit 250
 * postings 17750 = allocations 13000 + credit 1750 + suspense 3000.
 * The invoices' paid amounts include every allocation. INV-3 (ACC-2,
 * 7000 due) is unpaid. */
static void seed_invoices(sqlite3 *db)
{
	add_invoice(db, "INV-1", "ACC-1", 10000, 10000);
	add_invoice(db, "INV-2", "ACC-1", 5000, 2000);
	add_invoice(db, "INV-3", "ACC-2", 7000, 0);
	add_invoice(db, "INV-5", "ACC-5", 1000, 1000);
}

/* The ledger above as schema 003 holds it: the credit and suspense in
 * the postings rows, the three allocations seq 1..3, all folded. */
static void seed_balanced(sqlite3 *db)
{
	seed_invoices(db);
	add_posting_split(db, ID(01), "ACC-1", 12000, 0, 0, NULL);
	add_posting_split(db, ID(02), "ACC-9", 3000, 0, 3000,
			  "unknown_account");
	add_posting_split(db, ID(03), "ACC-4", 1500, 1500, 0, NULL);
	add_posting_split(db, ID(04), "ACC-5", 1250, 250, 0, NULL);
	exec_ok(db, "INSERT INTO allocations (intent_id, invoice_no, "
		    "amount_minor) VALUES "
		    "('" ID(01) "', 'INV-1', 10000), "
		    "('" ID(01) "', 'INV-2', 2000), "
		    "('" ID(04) "', 'INV-5', 1000);"
		    "UPDATE allocations_fold SET folded_seq = 3");
	ck_assert_int_eq(q_int(db, "SELECT max(seq) FROM allocations"), 3);
}

/* The same ledger as schemas 1 and 2 held it (the split in the
 * allocations, account_credit and suspense tables), with the reasons
 * and times the consumer wrote (created_at_ms = posted_at_ms). */
static void seed_balanced_v1(sqlite3 *db)
{
	seed_invoices(db);
	add_posting(db, ID(01), "ACC-1", 12000);
	add_posting(db, ID(02), "ACC-9", 3000);
	add_posting(db, ID(03), "ACC-4", 1500);
	add_posting(db, ID(04), "ACC-5", 1250);
	exec_ok(db, "INSERT INTO allocations VALUES "
		    "('" ID(01) "', 'INV-2', 2000), "
		    "('" ID(04) "', 'INV-5', 1000), "
		    "('" ID(01) "', 'INV-1', 10000);"
		    "INSERT INTO suspense VALUES ('" ID(02) "', 'ACC-9', NULL, "
		    "3000, 'unknown_account', 'account has no invoices', "
		    "1764054900200);"
		    "INSERT INTO account_credit VALUES "
		    "('" ID(03) "', 'ACC-4', 1500), ('" ID(04) "', 'ACC-5', 250)");
}

/* SQL for the balance cases: a posting P5 of ACC-2 with its split, and
 * an allocation appended to the journal. */
#define P5(amount, credit, suspense, code)                                   \
	INSERT_POSTINGS POSTING_ROW(ID(05), "ACC-2", amount, credit,         \
				    suspense, code) ";"
#define ALLOC(id, invoice, amount, invoice_updated)                          \
	"INSERT INTO allocations (intent_id, invoice_no, amount_minor, "      \
	"invoice_updated) VALUES ('" id "', '" invoice "', " amount ", "     \
	invoice_updated ");"
#define PAID_INV3(amount)                                                    \
	"UPDATE invoices SET amount_paid_minor = " amount                    \
	" WHERE invoice_no = 'INV-3';"
/* The seed folded seq 1..3; P5's allocation is seq 4. */
#define FOLD_TO_4 "UPDATE allocations_fold SET folded_seq = 4;"

START_TEST(test_balance)
{
	static const struct {
		const char *name;
		const char *sql; /* applied after seed_balanced */
		struct ledger_balance want;
		/* INV-3's paid amount as invoices_current shows it */
		int64_t inv3_paid_minor;
	} cases[] = {
		{"posting without split", P5("700", "0", "0", "NULL"),
		 {17750 + 700, 13000, 1750, 3000, 700, 5, 1, 0, false}, 0},
		{"amount_paid without allocation",
		 "UPDATE invoices SET amount_paid_minor = 3000 "
		 "WHERE invoice_no = 'INV-2'",
		 {17750, 13000, 1750, 3000, 0, 4, 0, 1, false}, 0},
		/* P5 800 = credit 300 (500 short); P6 800 < credit 300 +
		 * INV-3 1000 (500 over): the totals balance, the postings
		 * do not. */
		{"errors that cancel in the totals",
		 INSERT_POSTINGS POSTING_ROW(ID(05), "ACC-2", "800", "300", "0",
					     "NULL")
		 ", " POSTING_ROW(ID(06), "ACC-2", "800", "300", "0", "NULL")
		 ";" ALLOC(ID(06), "INV-3", "1000", "1") PAID_INV3("1000"),
		 {19350, 14000, 2350, 3000, 0, 6, 2, 0, false}, 1000},
		{"split larger than its posting",
		 P5("500", "100", "0", "NULL") ALLOC(ID(05), "INV-3", "401", "0"),
		 {18250, 13401, 1850, 3000, -1, 5, 1, 0, false}, 401},
		{"credit and suspense in one posting",
		 P5("500", "200", "300", "'unknown_invoice'"),
		 {18250, 13000, 1950, 3300, 0, 5, 0, 0, true}, 0},
		/* Schema 003: an invoice's paid amount is its folded amount
		 * plus its allocations with seq > folded_seq and
		 * invoice_updated = 0. */
		{"allocation unfolded",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "0"),
		 {18250, 13500, 1750, 3000, 0, 5, 0, 0, true}, 500},
		{"allocation folded but invoice not updated",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "0")
			 FOLD_TO_4,
		 {18250, 13500, 1750, 3000, 0, 5, 0, 1, false}, 0},
		{"allocation folded and invoice updated (a fold)",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "0")
			 PAID_INV3("500") FOLD_TO_4,
		 {18250, 13500, 1750, 3000, 0, 5, 0, 0, true}, 500},
		{"allocation unfolded and invoice updated (counted twice)",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "0")
			 PAID_INV3("500"),
		 {18250, 13500, 1750, 3000, 0, 5, 0, 1, false}, 1000},
		{"invoice_updated = 1, invoice updated",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "1")
			 PAID_INV3("500"),
		 {18250, 13500, 1750, 3000, 0, 5, 0, 0, true}, 500},
		{"invoice_updated = 1, invoice updated, then folded past",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "1")
			 PAID_INV3("500") FOLD_TO_4,
		 {18250, 13500, 1750, 3000, 0, 5, 0, 0, true}, 500},
		{"invoice_updated = 1, invoice not updated",
		 P5("500", "0", "0", "NULL") ALLOC(ID(05), "INV-3", "500", "1"),
		 {18250, 13500, 1750, 3000, 0, 5, 0, 1, false}, 0},
		{"allocation of no posting (written without foreign keys)",
		 "PRAGMA foreign_keys = OFF;" ALLOC(ID(77), "INV-3", "500", "1")
			 PAID_INV3("500"),
		 {17750, 13500, 1750, 3000, -500, 4, 1, 0, false}, 500},
		{"allocation of no invoice (written without foreign keys)",
		 "PRAGMA foreign_keys = OFF;" P5("500", "0", "0", "NULL")
			 ALLOC(ID(05), "INV-404", "500", "0"),
		 {18250, 13500, 1750, 3000, 0, 5, 0, 1, false}, 0},
		{"balanced", "", {17750, 13000, 1750, 3000, 0, 4, 0, 0, true}, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[sizeof(tmp_dir) + 64], err[512] = "";
		snprintf(path, sizeof(path), "%s/balance-%zu.db", tmp_dir, i);
		sqlite3 *db = open_ok(path, LEDGER_DB_CREATE);
		seed_balanced(db);
		exec_ok(db, cases[i].sql);

		struct ledger_balance got;
		memset(&got, 0x5a, sizeof(got));
		ck_assert_msg(ledger_db_check_balance(db, &got, err,
						      sizeof(err)) == 0,
			      "%s: %s", cases[i].name, err);
		const struct ledger_balance *w = &cases[i].want;
		ck_assert_int_eq(got.postings_minor, w->postings_minor);
		ck_assert_int_eq(got.allocations_minor, w->allocations_minor);
		ck_assert_int_eq(got.account_credit_minor,
				 w->account_credit_minor);
		ck_assert_int_eq(got.suspense_minor, w->suspense_minor);
		ck_assert_int_eq(got.difference_minor, w->difference_minor);
		ck_assert_int_eq(got.postings_count, w->postings_count);
		ck_assert_int_eq(got.intents_unbalanced_count,
				 w->intents_unbalanced_count);
		ck_assert_int_eq(got.invoices_inconsistent_count,
				 w->invoices_inconsistent_count);
		ck_assert_msg(got.balanced == w->balanced, "%s",
			      cases[i].name);
		ck_assert_int_eq(q_int(db, "SELECT amount_paid_minor FROM "
					   "invoices_current WHERE "
					   "invoice_no = 'INV-3'"),
				 cases[i].inv3_paid_minor);
		sqlite3_close(db);
	}
}
END_TEST

START_TEST(test_balance_empty)
{
	char err[512] = "";
	struct ledger_balance got;
	memset(&got, 0x5a, sizeof(got));
	sqlite3 *db = open_ok(db_path, LEDGER_DB_CREATE);
	ck_assert_int_eq(ledger_db_check_balance(db, &got, err, sizeof(err)),
			 0);
	ck_assert_int_eq(got.postings_minor, 0);
	ck_assert_int_eq(got.allocations_minor, 0);
	ck_assert_int_eq(got.account_credit_minor, 0);
	ck_assert_int_eq(got.suspense_minor, 0);
	ck_assert_int_eq(got.difference_minor, 0);
	ck_assert_int_eq(got.postings_count, 0);
	ck_assert(got.balanced);
	sqlite3_close(db);
}
END_TEST

/* Start a raw file at schema version, with the identity a writer would
 * have written. */
static sqlite3 *open_at_version(int version)
{
	char err[512] = "";
	sqlite3 *db = open_raw(db_path);
	ck_assert_msg(ledger_db_migrate(db, version, err, sizeof(err)) == 0,
		      "to %d: %s", version, err);
	exec_ok(db, "PRAGMA foreign_keys = ON;"
		    "INSERT INTO ledger_meta VALUES ('biller_id', 'water'),"
		    " ('currency', 'JOD'), ('created_at_ms', '1764000000000')");
	return db;
}

static void check_balance_is(sqlite3 *db, const struct ledger_balance *w)
{
	char err[512] = "";
	struct ledger_balance got;
	memset(&got, 0x5a, sizeof(got));
	ck_assert_msg(ledger_db_check_balance(db, &got, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(got.postings_minor, w->postings_minor);
	ck_assert_int_eq(got.allocations_minor, w->allocations_minor);
	ck_assert_int_eq(got.account_credit_minor, w->account_credit_minor);
	ck_assert_int_eq(got.suspense_minor, w->suspense_minor);
	ck_assert_int_eq(got.difference_minor, w->difference_minor);
	ck_assert_int_eq(got.postings_count, w->postings_count);
	ck_assert_int_eq(got.intents_unbalanced_count,
			 w->intents_unbalanced_count);
	ck_assert_int_eq(got.invoices_inconsistent_count,
			 w->invoices_inconsistent_count);
	ck_assert(got.balanced == w->balanced);
}

/* Every column of account_credit and suspense (tables before 003, views
 * since), one line per row, and the invoices' paid amounts. */
#define CREDIT_DUMP                                                          \
	"SELECT group_concat(r, ' ') FROM (SELECT substr(intent_id, 35) "    \
	"|| ':' || account || ':' || amount_minor AS r FROM account_credit " \
	"ORDER BY intent_id)"
#define SUSPENSE_DUMP                                                        \
	"SELECT group_concat(r, ' | ') FROM (SELECT substr(intent_id, 35) "  \
	"|| ':' || account || ':' || coalesce(invoice_no, '-') || ':' || "   \
	"amount_minor || ':' || reason_code || ':' || reason || ':' || "     \
	"created_at_ms AS r FROM suspense ORDER BY intent_id)"
#define PAID_DUMP(table)                                                     \
	"SELECT group_concat(amount_paid_minor) FROM (SELECT "               \
	"amount_paid_minor FROM " table " ORDER BY invoice_no)"
/* The allocations of schema 003, and how many the journal has unfolded. */
#define ALLOCATIONS_DUMP                                                     \
	"SELECT group_concat(r, ' ') FROM (SELECT seq || ':' || "            \
	"substr(intent_id, 35) || ':' || invoice_no || ':' || amount_minor " \
	"|| ':' || invoice_updated AS r FROM allocations ORDER BY seq)"
#define UNFOLDED_COUNT                                                       \
	"SELECT count(*) FROM allocations WHERE invoice_updated = 0 AND "    \
	"seq > (SELECT folded_seq FROM allocations_fold)"

/* A ledger written at version 1 (the split in its own tables, paid
 * amounts in invoices only) migrates to the latest version with its data
 * intact: the postings carry the credit and suspense, the views show the
 * rows the tables had (the consumer's reason for each code), every
 * allocation is folded, the ledger still balances. */
START_TEST(test_migrate_from_v1_with_data)
{
	char credit[256], suspense[1024], buf[1024];
	sqlite3 *db = open_at_version(1);
	seed_balanced_v1(db);
	/* The other two suspense codes, each naming an invoice. */
	insert_posting(db, ID(06), "ACC-2", "INV-9", 400, false, 0, 0, NULL);
	insert_posting(db, ID(07), "ACC-2", "INV-1", 600, false, 0, 0, NULL);
	exec_ok(db, "INSERT INTO suspense VALUES "
		    "('" ID(06) "', 'ACC-2', 'INV-9', 400, 'unknown_invoice', "
		    "'invoice INV-9 does not exist', 1764054900200), "
		    "('" ID(07) "', 'ACC-2', 'INV-1', 600, "
		    "'invoice_account_mismatch', "
		    "'invoice INV-1 belongs to another account', "
		    "1764054900200)");
	q_text(db, CREDIT_DUMP, credit, sizeof(credit));
	q_text(db, SUSPENSE_DUMP, suspense, sizeof(suspense));
	sqlite3_close(db);

	db = open_ok(db_path, 0); /* migrates */
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"),
			 ledger_db_latest_version());
	/* The split moved into the postings rows ... */
	ck_assert_str_eq(q_text(db,
				"SELECT group_concat(r, ' ') FROM (SELECT "
				"substr(intent_id, 35) || ':' || amount_minor "
				"|| ':' || credit_minor || ':' || suspense_minor "
				"|| ':' || coalesce(suspense_code, '-') AS r "
				"FROM postings ORDER BY intent_id)",
				buf, sizeof(buf)),
			 "01:12000:0:0:- 02:3000:0:3000:unknown_account "
			 "03:1500:1500:0:- 04:1250:250:0:- "
			 "06:400:0:400:unknown_invoice "
			 "07:600:0:600:invoice_account_mismatch");
	/* ... and the views show exactly what the tables held. */
	ck_assert_str_eq(q_text(db, CREDIT_DUMP, buf, sizeof(buf)), credit);
	ck_assert_str_eq(credit, "03:ACC-4:1500 04:ACC-5:250");
	ck_assert_str_eq(q_text(db, SUSPENSE_DUMP, buf, sizeof(buf)),
			 suspense);
	ck_assert_str_eq(suspense,
			 "02:ACC-9:-:3000:unknown_account:"
			 "account has no invoices:1764054900200 | "
			 "06:ACC-2:INV-9:400:unknown_invoice:"
			 "invoice INV-9 does not exist:1764054900200 | "
			 "07:ACC-2:INV-1:600:invoice_account_mismatch:"
			 "invoice INV-1 belongs to another account:"
			 "1764054900200");
	/* Every allocation copied, in key order, and folded. */
	ck_assert_str_eq(q_text(db, ALLOCATIONS_DUMP, buf, sizeof(buf)),
			 "1:01:INV-1:10000:0 2:01:INV-2:2000:0 "
			 "3:04:INV-5:1000:0");
	ck_assert_int_eq(q_int(db, "SELECT folded_seq FROM allocations_fold"),
			 3);
	ck_assert_int_eq(q_int(db, UNFOLDED_COUNT), 0);
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices_current"), buf,
				sizeof(buf)),
			 "10000,2000,0,1000");
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices"), buf, sizeof(buf)),
			 "10000,2000,0,1000");
	const struct ledger_balance want = {17750 + 1000, 13000, 1750,
					    3000 + 1000, 0, 6, 0, 0, true};
	check_balance_is(db, &want);
	/* postings was rebuilt (002, 003): same rows, foreign keys back on,
	 * the triggers of postings and allocations in place. */
	ck_assert_int_eq(q_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
				   " type = 'trigger' AND tbl_name = 'postings'"),
			 4);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE"
				   " type = 'trigger' AND tbl_name = "
				   "'allocations'"),
			 2);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM postings", NULL, NULL,
				      NULL),
			 SQLITE_CONSTRAINT_TRIGGER);
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM allocations", NULL,
				      NULL, NULL),
			 SQLITE_CONSTRAINT_TRIGGER);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM postings"), 6);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM allocations"), 3);
	sqlite3_close(db);
}
END_TEST

/* A ledger at version 2 with allocations not yet folded into the
 * invoices (allocations_unfolded rows) migrates to 3 with those amounts
 * added to invoices.amount_paid_minor: nothing left unfolded, the same
 * paid amounts, balanced. */
START_TEST(test_migrate_from_v2_with_unfolded)
{
	char buf[256];
	sqlite3 *db = open_at_version(2);
	seed_balanced_v1(db);
	/* INV-1 and INV-2 partly unfolded (INV-1 in two rows), and P5's
	 * 500 to INV-3 entirely. */
	add_posting(db, ID(05), "ACC-2", 500);
	exec_ok(db, "INSERT INTO allocations VALUES "
		    "('" ID(05) "', 'INV-3', 500);"
		    "UPDATE invoices SET amount_paid_minor = 4000 "
		    "WHERE invoice_no = 'INV-1';"
		    "UPDATE invoices SET amount_paid_minor = 0 "
		    "WHERE invoice_no = 'INV-2';"
		    "INSERT INTO allocations_unfolded (invoice_no, "
		    "amount_minor) VALUES ('INV-1', 5000), ('INV-2', 2000), "
		    "('INV-3', 500), ('INV-1', 1000)");
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices_current"), buf,
				sizeof(buf)),
			 "10000,2000,500,1000");
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices"), buf, sizeof(buf)),
			 "4000,0,0,1000");
	sqlite3_close(db);

	db = open_ok(db_path, 0); /* migrates */
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"),
			 ledger_db_latest_version());
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
				   "name = 'allocations_unfolded'"),
			 0);
	/* Folded into the invoices themselves, and the journal empty. */
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices"), buf, sizeof(buf)),
			 "10000,2000,500,1000");
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices_current"), buf,
				sizeof(buf)),
			 "10000,2000,500,1000");
	ck_assert_str_eq(q_text(db, ALLOCATIONS_DUMP, buf, sizeof(buf)),
			 "1:01:INV-1:10000:0 2:01:INV-2:2000:0 "
			 "3:04:INV-5:1000:0 4:05:INV-3:500:0");
	ck_assert_int_eq(q_int(db, "SELECT folded_seq FROM allocations_fold"),
			 4);
	ck_assert_int_eq(q_int(db, UNFOLDED_COUNT), 0);
	const struct ledger_balance want = {18250, 13500, 1750, 3000,
					    0,     5,     0,    0, true};
	check_balance_is(db, &want);
	sqlite3_close(db);
}
END_TEST

/* A ledger at version 3 with postings, allocations and a settlement_runs
 * row (nothing wrote one, but a hand could) migrates to 4: the table and
 * its index are gone, every posting, allocation and paid amount is as it
 * was, and the ledger still balances. */
START_TEST(test_migrate_from_v3_drops_settlement_runs)
{
	char before[1024], paid[256], buf[1024];
	sqlite3 *db = open_at_version(3);
	add_invoice(db, "INV-1", "ACC-1", 10000, 0);
	add_posting(db, ID(01), "ACC-1", 700);
	add_posting_split(db, ID(02), "ACC-1", 500, 500, 0, NULL);
	exec_ok(db, "INSERT INTO allocations (intent_id, invoice_no, "
		    "amount_minor) VALUES ('" ID(01) "', 'INV-1', 700);"
		    "UPDATE allocations_fold SET folded_seq = 1;"
		    "UPDATE invoices SET amount_paid_minor = 700;"
		    "INSERT INTO settlement_runs (run_id, bank, business_date, "
		    "file_name, file_sha256, started_at_ms) VALUES ('r1', "
		    "'BNK1', '2026-11-25', 'f.csv', printf('%064d', 0), 10)");
	q_text(db, "SELECT group_concat(r, ' ') FROM (SELECT "
		   "substr(intent_id, 35) || ':' || amount_minor || ':' || "
		   "credit_minor AS r FROM postings ORDER BY intent_id)",
	       before, sizeof(before));
	ck_assert_str_eq(before, "01:700:0 02:500:500");
	q_text(db, PAID_DUMP("invoices_current"), paid, sizeof(paid));
	sqlite3_close(db);

	db = open_ok(db_path, 0); /* migrates */
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), 4);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE "
				   "name LIKE 'settlement_runs%'"),
			 0);
	ck_assert_str_eq(q_text(db, "SELECT group_concat(r, ' ') FROM (SELECT "
				    "substr(intent_id, 35) || ':' || "
				    "amount_minor || ':' || credit_minor AS r "
				    "FROM postings ORDER BY intent_id)",
				buf, sizeof(buf)),
			 before);
	ck_assert_str_eq(q_text(db, ALLOCATIONS_DUMP, buf, sizeof(buf)),
			 "1:01:INV-1:700:0");
	ck_assert_str_eq(q_text(db, PAID_DUMP("invoices_current"), buf,
				sizeof(buf)),
			 paid);
	ck_assert_str_eq(paid, "700");
	const struct ledger_balance want = {1200, 700, 500, 0, 0, 2, 0, 0, true};
	check_balance_is(db, &want);
	sqlite3_close(db);
}
END_TEST

/* A step that would leave a broken reference is refused and rolled back
 * (foreign keys are off while migrating; ledger_db_migrate checks them
 * before COMMIT): here an allocation of no posting, written at version 1
 * (caught by 002's rebuild of postings) and at version 2 (caught by
 * 003's). */
START_TEST(test_migrate_checks_foreign_keys)
{
	for (int from = 1; from <= 2; from++) {
		char err[512] = "";
		sqlite3 *db = open_at_version(from);
		seed_balanced_v1(db);
		exec_ok(db, "PRAGMA foreign_keys = OFF;"
			    "INSERT INTO allocations VALUES "
			    "('" ID(77) "', 'INV-3', 1)");
		ck_assert_int_eq(ledger_db_migrate(db,
						   ledger_db_latest_version(),
						   err, sizeof(err)),
				 -1);
		ck_assert_msg(strstr(err, "foreign key violated in table"
					  " allocations") != NULL,
			      "from %d: %s", from, err);
		ck_assert_int_eq(q_int(db, "PRAGMA user_version"), from);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM allocations"),
				 4);
		sqlite3_close(db);
		ck_assert_int_eq(unlink(db_path), 0);
	}
}
END_TEST

/* Sums beyond int64 are an error, and *ret stays as it was: in SQLite's
 * sum() (postings) and in the C total of the split (allocations +
 * credit, each of which fits). */
START_TEST(test_balance_overflow)
{
	char err[512] = "", path[sizeof(tmp_dir) + 64];
	struct ledger_balance got, before;
	memset(&got, 0x5a, sizeof(got));
	before = got;

	snprintf(path, sizeof(path), "%s/sum.db", tmp_dir);
	sqlite3 *db = open_ok(path, LEDGER_DB_CREATE);
	add_posting(db, ID(01), "ACC-1", INT64_MAX);
	add_posting(db, ID(02), "ACC-1", 1);
	ck_assert_int_eq(ledger_db_check_balance(db, &got, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "integer overflow"));
	ck_assert_int_eq(memcmp(&got, &before, sizeof(got)), 0);
	sqlite3_close(db);

	snprintf(path, sizeof(path), "%s/split.db", tmp_dir);
	db = open_ok(path, LEDGER_DB_CREATE);
	add_invoice(db, "INV-1", "ACC-1", 1, 0);
	add_posting_split(db, ID(01), "ACC-1", INT64_MAX, INT64_MAX, 0, NULL);
	exec_ok(db, "INSERT INTO allocations (intent_id, invoice_no, "
		    "amount_minor) VALUES ('" ID(01) "', 'INV-1', 1)");
	err[0] = '\0';
	ck_assert_int_eq(ledger_db_check_balance(db, &got, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "balance: sums overflow int64");
	ck_assert_int_eq(memcmp(&got, &before, sizeof(got)), 0);
	sqlite3_close(db);
}
END_TEST

static Suite *ledger_db_suite(void)
{
	Suite *s = suite_create("ledger_db");
	TCase *tc = tcase_create("ledger_db");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_missing_needs_create);
	tcase_add_test(tc, test_refuse_newer);
	tcase_add_test(tc, test_refuse_foreign_file);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_open_creates_latest);
	tcase_add_test(tc, test_reopen_is_noop);
	tcase_add_test(tc, test_migrate_from_empty);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_constraints);
	tcase_add_test(tc, test_balance_overflow);
	tcase_add_test(tc, test_balance_empty);
	tcase_add_test(tc, test_balance);
	tcase_add_test(tc, test_migrate_from_v1_with_data);
	tcase_add_test(tc, test_migrate_from_v2_with_unfolded);
	tcase_add_test(tc, test_migrate_from_v3_drops_settlement_runs);
	tcase_add_test(tc, test_migrate_checks_foreign_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(ledger_db_suite());
}
