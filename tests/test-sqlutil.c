/* sqlutil: the shared SQLite idioms report errors in their documented
 * form, read exactly one integer, prepare every statement or say which
 * failed, and leave no transaction open after a rollback. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "sqlutil.h"
#include "check_run.h"

static sqlite3 *open_memory(void)
{
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	return db;
}

START_TEST(test_exec_and_query)
{
	sqlite3 *db = open_memory();
	char err[256];
	int64_t n = -1;
	ck_assert_int_eq(sql_exec(db, "CREATE TABLE t (x INTEGER NOT NULL);"
				  " INSERT INTO t VALUES (4), (38)", "setup",
				  err, sizeof(err)), 0);
	ck_assert_int_eq(sql_query_int64(db, "SELECT sum(x) FROM t", &n, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(n, 42);
	ck_assert_int_eq(sql_exec(db, "INSERT INTO t VALUES (NULL)", "insert",
				  err, sizeof(err)), -1);
	ck_assert_str_eq(err, "insert: NOT NULL constraint failed: t.x");
	ck_assert_int_eq(sql_exec(db, "INSERT INTO t VALUES (NULL)", NULL, err,
				  sizeof(err)), -1);
	ck_assert_str_eq(err, "NOT NULL constraint failed: t.x");
	ck_assert_int_eq(sql_query_int64(db, "SELECT x FROM t WHERE x > 99",
					 &n, err, sizeof(err)), -1);
	ck_assert_int_eq(n, 42);
	sqlite3_stmt *ins = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1)", -1,
					    &ins, NULL), SQLITE_OK);
	ck_assert_int_eq(sql_step_done(db, ins, "w", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "w: INSERT INTO t VALUES (?1): NOT NULL "
			      "constraint failed: t.x");
	ck_assert_int_eq(sql_step_done(db, ins, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "INSERT INTO t VALUES (?1): NOT NULL constraint "
			      "failed: t.x");
	sqlite3_bind_int(ins, 1, 1);
	ck_assert_int_eq(sql_step_done(db, ins, "w", err, sizeof(err)), 0);
	sqlite3_finalize(ins);
	ck_assert_int_eq(sql_query_int64(db, "SELECT nope FROM t", &n, err,
					 sizeof(err)), -1);
	ck_assert_str_eq(err, "SELECT nope FROM t: no such column: nope");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_rollback)
{
	sqlite3 *db = open_memory();
	char err[256];
	int64_t n = -1;
	sql_rollback(db); /* no transaction: a no-op */
	ck_assert_int_eq(sql_exec(db, "CREATE TABLE t (x); BEGIN;"
				  " INSERT INTO t VALUES (1)", NULL, err,
				  sizeof(err)), 0);
	ck_assert_int_eq(sqlite3_get_autocommit(db), 0);
	sql_rollback(db);
	ck_assert_int_ne(sqlite3_get_autocommit(db), 0);
	ck_assert_int_eq(sql_query_int64(db, "SELECT count(*) FROM t", &n, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_prepare_persistent)
{
	sqlite3 *db = open_memory();
	char err[256];
	ck_assert_int_eq(sql_exec(db, "CREATE TABLE t (x INTEGER CHECK (x > 0))",
				  NULL, err, sizeof(err)), 0);
	const char *const good[] = {"SELECT x FROM t", "INSERT INTO t VALUES (?1)"};
	sqlite3_stmt *st[2] = {0};
	ck_assert_int_eq(sql_prepare_persistent(db, good, 2, st, 1, "t", err,
						sizeof(err)), 0);
	/* The unchecked statement inserts. (Whether its CHECKs are left
	 * out is not asserted: turning the pragma off expires the statement,
	 * and SQLite prepares it again with them (sqlutil.h).) */
	sqlite3_bind_int(st[1], 1, 5);
	ck_assert_int_eq(sqlite3_step(st[1]), SQLITE_DONE);
	for (int i = 0; i < 2; i++)
		sqlite3_finalize(st[i]);

	const char *const bad[] = {"SELECT x FROM t", "SELECT y FROM t"};
	sqlite3_stmt *st2[2] = {0};
	ck_assert_int_eq(sql_prepare_persistent(db, bad, 2, st2, -1, "reader",
						err, sizeof(err)), -1);
	ck_assert_str_eq(err, "reader: no such column: y");
	ck_assert_ptr_nonnull(st2[0]);
	ck_assert_ptr_null(st2[1]);
	sqlite3_finalize(st2[0]);
	sqlite3_close(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sqlutil");
	TCase *tc = tcase_create("sqlutil");
	tcase_add_test(tc, test_exec_and_query);
	tcase_add_test(tc, test_rollback);
	tcase_add_test(tc, test_prepare_persistent);
	suite_add_tcase(s, tc);
	return check_run(s);
}
