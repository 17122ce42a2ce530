/* sqlutil — see sqlutil.h. */
#include "sqlutil.h"

#include <assert.h>

#include "errstr.h"

int sql_exec(sqlite3 *db, const char *sql, const char *what, char *errstr,
	     size_t errstr_size)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	const char *why = msg != NULL ? msg : sqlite3_errmsg(db);
	if (what != NULL)
		errstr_set(errstr, errstr_size, "%s: %s", what, why);
	else
		errstr_set(errstr, errstr_size, "%s", why);
	sqlite3_free(msg);
	return -1;
}

void sql_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int sql_step_done(sqlite3 *db, sqlite3_stmt *st, const char *what,
		  char *errstr, size_t errstr_size)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (what != NULL)
		errstr_set(errstr, errstr_size, "%s: %s: %s", what,
			   sqlite3_sql(st), sqlite3_errmsg(db));
	else
		errstr_set(errstr, errstr_size, "%s: %s", sqlite3_sql(st),
			   sqlite3_errmsg(db));
	return -1;
}

int sql_query_int64(sqlite3 *db, const char *sql, int64_t *ret,
		    char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	int r = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*ret = sqlite3_column_int64(st, 0);
		r = 0;
	} else {
		errstr_set(errstr, errstr_size, "%s: %s", sql,
			   sqlite3_errmsg(db));
	}
	sqlite3_finalize(st); /* NULL is a no-op */
	return r;
}

int sql_prepare_persistent(sqlite3 *db, const char *const sql[], int count,
			   sqlite3_stmt *st[], int unchecked_index,
			   const char *what, char *errstr, size_t errstr_size)
{
	for (int i = 0; i < count; i++) {
		int rc = i == unchecked_index
			? sql_prepare_unchecked(db, sql[i], &st[i])
			: sqlite3_prepare_v3(db, sql[i], -1,
					     SQLITE_PREPARE_PERSISTENT, &st[i],
					     NULL);
		if (rc != SQLITE_OK) {
			errstr_set(errstr, errstr_size, "%s: %s", what,
				   sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}

int sql_prepare_unchecked(sqlite3 *db, const char *sql, sqlite3_stmt **ret)
{
	assert(db != NULL && sql != NULL && ret != NULL);
	*ret = NULL;
	int rc = sqlite3_exec(db, "PRAGMA ignore_check_constraints = ON", NULL,
			      NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT,
					ret, NULL);
	int off = sqlite3_exec(db, "PRAGMA ignore_check_constraints = OFF",
			       NULL, NULL, NULL);
	if (rc == SQLITE_OK && off != SQLITE_OK) {
		sqlite3_finalize(*ret);
		*ret = NULL;
		rc = off;
	}
	return rc;
}
