/* spool — see spool.h. */
#include "spool.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <jansson.h>
#include <sqlite3.h>

#include "errstr.h"
#include "sqlutil.h"
#include "timeutil.h"

#define SPOOL_SCHEMA_VERSION 1

struct spool {
	sqlite3 *db;
	char id[SPOOL_ID_HEX_LEN + 1];
};

static const char *const state_names[SPOOL_STATE_COUNT] = {
	"queued", "sent", "acknowledged", "rejected",
};

const char *spool_state_name(enum spool_state st)
{
	assert(st >= 0 && st < SPOOL_STATE_COUNT);
	return state_names[st];
}

static int state_parse(const char *s, enum spool_state *ret)
{
	for (int i = 0; i < SPOOL_STATE_COUNT; i++)
		if (s != NULL && strcmp(s, state_names[i]) == 0) {
			*ret = (enum spool_state)i;
			return 0;
		}
	return -1;
}

/* The schema. body is the intent JSON exactly as the forwarder sends it
 * (no intent_id, no received_at); the other columns repeat its fields for
 * status and receipts. Triggers keep what a receipt shows unchangeable. */
static const char schema_sql[] =
	"CREATE TABLE spool_meta (key TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL) STRICT, WITHOUT ROWID;"
	"CREATE TABLE spool ("
	" receipt_no INTEGER PRIMARY KEY AUTOINCREMENT,"
	" idempotency_key TEXT NOT NULL,"
	" bank TEXT NOT NULL, terminal TEXT NOT NULL,"
	" paid_at TEXT NOT NULL, paid_at_ms INTEGER NOT NULL,"
	" intent_id TEXT NOT NULL CHECK (length(intent_id) = 36),"
	" body TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
	"  ('queued', 'sent', 'acknowledged', 'rejected')),"
	" attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
	" last_status INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" created_at_ms INTEGER NOT NULL,"
	" updated_at_ms INTEGER NOT NULL,"
	" acked_at_ms INTEGER NOT NULL DEFAULT 0,"
	" acked_intent_id TEXT NOT NULL DEFAULT '',"
	" UNIQUE (bank, terminal, idempotency_key)"
	") STRICT;"
	"CREATE INDEX spool_todo ON spool (receipt_no)"
	" WHERE state IN ('queued', 'sent');"
	"CREATE TRIGGER spool_payment_fixed BEFORE UPDATE OF"
	" receipt_no, idempotency_key, bank, terminal, paid_at, paid_at_ms,"
	" intent_id, body ON spool BEGIN"
	" SELECT RAISE(ABORT, 'a spooled payment never changes'); END;"
	"CREATE TRIGGER spool_keep_pending BEFORE DELETE ON spool"
	" WHEN OLD.state <> 'acknowledged' BEGIN"
	" SELECT RAISE(ABORT, 'only acknowledged entries may be purged'); END;";

/* Pragmas, each for a reason: WAL so the forwarder and `pay` do not block
 * each other's reads; synchronous=FULL so a commit is on disk when it
 * returns (WAL's NORMAL may lose the last commits on power loss — the
 * receipt the customer already holds); a busy timeout because pay and
 * forward are separate processes writing the same file. */
static int set_pragmas(sqlite3 *db, char *errstr, size_t errstr_size)
{
	sqlite3_busy_timeout(db, SPOOL_BUSY_TIMEOUT_MS);
	sqlite3_stmt *st = NULL;
	int ok = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st,
				    NULL) == SQLITE_OK &&
		 sqlite3_step(st) == SQLITE_ROW &&
		 strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (!ok) {
		errstr_set(errstr, errstr_size, "cannot switch to WAL: %s",
			   sqlite3_errmsg(db));
		return -1;
	}
	return sql_exec(db, "PRAGMA synchronous = FULL", NULL, errstr,
			errstr_size);
}

static int new_id(char out[SPOOL_ID_HEX_LEN + 1], char *errstr,
		  size_t errstr_size)
{
	unsigned char b[SPOOL_ID_HEX_LEN / 2];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		errstr_set(errstr, errstr_size, "getrandom failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* Create the schema in a new file, or check an existing one; read the id. */
static int init_schema(struct spool *sp, char *errstr, size_t errstr_size)
{
	int64_t app = 0, ver = 0;
	if (sql_exec(sp->db, "BEGIN IMMEDIATE", NULL, errstr, errstr_size) < 0)
		return -1;
	if (sql_query_int64(sp->db, "PRAGMA application_id", &app, errstr, errstr_size) < 0 ||
	    sql_query_int64(sp->db, "PRAGMA user_version", &ver, errstr, errstr_size) < 0)
		goto fail;
	if (app == 0 && ver == 0) {
		char id[SPOOL_ID_HEX_LEN + 1], sql[256];
		if (new_id(id, errstr, errstr_size) < 0 ||
		    sql_exec(sp->db, schema_sql, NULL, errstr, errstr_size) < 0)
			goto fail;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO spool_meta VALUES ('spool_id', '%s');"
			 "PRAGMA application_id = %d; PRAGMA user_version = %d;",
			 id, SPOOL_APPLICATION_ID, SPOOL_SCHEMA_VERSION);
		if (sql_exec(sp->db, sql, NULL, errstr, errstr_size) < 0)
			goto fail;
	} else if (app != SPOOL_APPLICATION_ID || ver != SPOOL_SCHEMA_VERSION) {
		errstr_set(errstr, errstr_size,
			   "not a tasdid spool of version %d (application_id "
			   "%" PRId64 ", user_version %" PRId64 ")",
			   SPOOL_SCHEMA_VERSION, app, ver);
		goto fail;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sp->db, "SELECT value FROM spool_meta WHERE"
			       " key = 'spool_id'", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    sqlite3_column_bytes(st, 0) != SPOOL_ID_HEX_LEN) {
		errstr_set(errstr, errstr_size, "spool_meta: no spool_id");
		sqlite3_finalize(st);
		goto fail;
	}
	memcpy(sp->id, sqlite3_column_text(st, 0), SPOOL_ID_HEX_LEN + 1);
	sqlite3_finalize(st);
	return sql_exec(sp->db, "COMMIT", NULL, errstr, errstr_size);
fail:
	sql_rollback(sp->db);
	return -1;
}

int spool_open(const char *path, struct spool **ret, char *errstr,
	       size_t errstr_size)
{
	assert(path != NULL && ret != NULL);
	struct spool *sp = calloc(1, sizeof(*sp));
	if (sp == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &sp->db, flags, NULL) != SQLITE_OK) {
		errstr_set(errstr, errstr_size, "%s: %s", path,
			   sp->db ? sqlite3_errmsg(sp->db) : "out of memory");
		goto fail;
	}
	char why[256];
	if (set_pragmas(sp->db, why, sizeof(why)) < 0 ||
	    init_schema(sp, why, sizeof(why)) < 0) {
		errstr_set(errstr, errstr_size, "%s: %s", path, why);
		goto fail;
	}
	*ret = sp;
	return 0;
fail:
	spool_close(sp);
	return -1;
}

void spool_close(struct spool *sp)
{
	if (sp == NULL)
		return;
	sqlite3_close(sp->db);
	free(sp);
}

const char *spool_id(const struct spool *sp)
{
	return sp->id;
}

/* Set key to value unless value is NULL (or "" when optional). */
static void put(json_t *o, const char *key, const char *value, int optional)
{
	if (value != NULL && (!optional || value[0] != '\0'))
		json_object_set_new(o, key, json_string(value));
}

/* The payment as a terminal's intent JSON object (new reference); a
 * missing required field is left out, so intent_decode names it. */
static json_t *payment_json(const struct spool_payment *p, const char *key,
			    const char *paid_at)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "schema_version", json_integer(INTENT_SCHEMA_VERSION));
	put(o, "idempotency_key", key, 0);
	put(o, "bank", p->bank, 0);
	put(o, "branch", p->branch, 1);
	put(o, "terminal", p->terminal, 0);
	put(o, "biller", p->biller, 0);
	put(o, "account", p->account, 0);
	put(o, "invoice", p->invoice, 1);
	put(o, "amount", p->amount, 0);
	put(o, "currency", p->currency, 0);
	put(o, "paid_at", paid_at, 0);
	put(o, "channel", p->channel, 0);
	return o;
}

static int insert_entry(struct spool *sp, const struct intent *in,
			const char *body, int64_t now_ms)
{
	static const char sql[] =
		"INSERT INTO spool (idempotency_key, bank, terminal, paid_at,"
		" paid_at_ms, intent_id, body, created_at_ms, updated_at_ms)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(sp->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, in->idempotency_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, in->bank, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, in->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->paid_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, in->paid_at_ms);
	sqlite3_bind_text(st, 6, in->intent_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now_ms);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

int spool_pay(struct spool *sp, const struct spool_payment *p, int64_t now_ms,
	      struct spool_entry *ret, char *errstr, size_t errstr_size)
{
	assert(sp != NULL && p != NULL && ret != NULL && now_ms >= 0);
	char paid_at[INTENT_TIME_MAX + 1], key[INTENT_KEY_MAX + 1];
	char body[INTENT_JSON_MAX + 1];
	struct intent in;
	struct intent_error ie;
	int64_t next = 0;
	json_t *obj = NULL;
	rfc3339_format_utc_ms(now_ms, paid_at, sizeof(paid_at));
	/* IMMEDIATE: the receipt number read here is ours until COMMIT. */
	if (sql_exec(sp->db, "BEGIN IMMEDIATE", NULL, errstr, errstr_size) < 0)
		return -1;
	if (sql_query_int64(sp->db, "SELECT coalesce((SELECT seq FROM sqlite_sequence"
		      " WHERE name = 'spool'), 0) + 1", &next, errstr,
		      errstr_size) < 0)
		goto fail;
	snprintf(key, sizeof(key), "rcpt.%s.%" PRId64, sp->id, next);
	obj = payment_json(p, key, paid_at);
	if (obj == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		goto fail;
	}
	if (intent_decode_object(obj, INTENT_FROM_TERMINAL, &in, &ie) < 0) {
		errstr_set(errstr, errstr_size, "%s: %s", ie.field, ie.reason);
		goto fail;
	}
	int n = intent_encode(&in, body, sizeof(body));
	assert(n > 0);
	intent_derive_id(&in);
	if (insert_entry(sp, &in, body, now_ms) < 0 ||
	    sqlite3_last_insert_rowid(sp->db) != next) {
		errstr_set(errstr, errstr_size, "insert: %s", sqlite3_errmsg(sp->db));
		goto fail;
	}
	/* With synchronous=FULL the WAL is fsynced before COMMIT returns. */
	if (sql_exec(sp->db, "COMMIT", NULL, errstr, errstr_size) < 0)
		goto fail;
	json_decref(obj);
	memset(ret, 0, sizeof(*ret));
	ret->receipt_no = next;
	ret->in = in;
	ret->state = SPOOL_QUEUED;
	ret->created_at_ms = ret->updated_at_ms = now_ms;
	return 0;
fail:
	json_decref(obj);
	sql_rollback(sp->db);
	return -1;
}

#define ENTRY_COLUMNS                                                        \
	"receipt_no, intent_id, body, state, attempts, last_status,"          \
	" last_error, created_at_ms, updated_at_ms, acked_at_ms, acked_intent_id"

/* A row of ENTRY_COLUMNS into *e. -1 when the stored body does not decode
 * (a damaged file). */
static int read_entry(sqlite3_stmt *st, struct spool_entry *e, char *errstr,
		      size_t errstr_size)
{
	memset(e, 0, sizeof(*e));
	e->receipt_no = sqlite3_column_int64(st, 0);
	const char *body = (const char *)sqlite3_column_text(st, 2);
	struct intent_error ie;
	if (body == NULL ||
	    intent_decode(body, (size_t)sqlite3_column_bytes(st, 2),
			  INTENT_FROM_TERMINAL, &e->in, &ie) < 0 ||
	    sqlite3_column_bytes(st, 1) != INTENT_ID_LEN ||
	    state_parse((const char *)sqlite3_column_text(st, 3), &e->state) < 0) {
		errstr_set(errstr, errstr_size, "receipt %" PRId64 ": damaged row",
			   e->receipt_no);
		return -1;
	}
	memcpy(e->in.intent_id, sqlite3_column_text(st, 1), INTENT_ID_LEN + 1);
	e->attempts = sqlite3_column_int64(st, 4);
	e->last_status = sqlite3_column_int(st, 5);
	snprintf(e->last_error, sizeof(e->last_error), "%s",
		 (const char *)sqlite3_column_text(st, 6));
	e->created_at_ms = sqlite3_column_int64(st, 7);
	e->updated_at_ms = sqlite3_column_int64(st, 8);
	e->acked_at_ms = sqlite3_column_int64(st, 9);
	snprintf(e->acked_intent_id, sizeof(e->acked_intent_id), "%s",
		 (const char *)sqlite3_column_text(st, 10));
	return 0;
}

int spool_get(struct spool *sp, int64_t receipt_no, struct spool_entry *ret,
	      char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(sp->db, "SELECT " ENTRY_COLUMNS " FROM spool"
			       " WHERE receipt_no = ?1", -1, &st, NULL) != SQLITE_OK) {
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(sp->db));
		goto out;
	}
	sqlite3_bind_int64(st, 1, receipt_no);
	int s = sqlite3_step(st);
	if (s == SQLITE_DONE)
		rc = 0;
	else if (s != SQLITE_ROW)
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(sp->db));
	else if (read_entry(st, ret, errstr, errstr_size) == 0)
		rc = 1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Run a SELECT of ENTRY_COLUMNS (with ?1 bound to arg when arg >= 0) and
 * call fn per row. */
static int select_entries(struct spool *sp, const char *sql, int64_t arg,
			  int (*fn)(const struct spool_entry *, void *),
			  void *fn_arg, char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	int rc = -1, s;
	if (sqlite3_prepare_v2(sp->db, sql, -1, &st, NULL) != SQLITE_OK) {
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(sp->db));
		goto out;
	}
	if (arg >= 0)
		sqlite3_bind_int64(st, 1, arg);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct spool_entry e;
		if (read_entry(st, &e, errstr, errstr_size) < 0)
			goto out;
		if (fn(&e, fn_arg) != 0)
			break;
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(sp->db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

struct collect {
	struct spool_entry *out;
	size_t n, max;
};

static int collect_one(const struct spool_entry *e, void *arg)
{
	struct collect *c = arg;
	assert(c->n < c->max);
	c->out[c->n++] = *e;
	return c->n == c->max;
}

int spool_pending(struct spool *sp, struct spool_entry *out, size_t max,
		  size_t *ret_n, char *errstr, size_t errstr_size)
{
	assert(max > 0 && max <= INT64_MAX);
	struct collect c = {out, 0, max};
	if (select_entries(sp, "SELECT " ENTRY_COLUMNS " FROM spool WHERE state"
			   " IN ('queued', 'sent') ORDER BY receipt_no LIMIT ?1",
			   (int64_t)max, collect_one, &c, errstr, errstr_size) < 0)
		return -1;
	*ret_n = c.n;
	return 0;
}

int spool_foreach(struct spool *sp,
		  int (*fn)(const struct spool_entry *e, void *arg), void *arg,
		  char *errstr, size_t errstr_size)
{
	return select_entries(sp, "SELECT " ENTRY_COLUMNS " FROM spool ORDER BY"
			      " receipt_no", -1, fn, arg, errstr, errstr_size);
}

int spool_mark_sent(struct spool *sp, const int64_t *receipt_nos, size_t n,
		    int64_t now_ms, char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	if (sql_exec(sp->db, "BEGIN IMMEDIATE", NULL, errstr, errstr_size) < 0)
		return -1;
	if (sqlite3_prepare_v2(sp->db, "UPDATE spool SET state = 'sent',"
			       " attempts = attempts + 1, updated_at_ms = ?2"
			       " WHERE receipt_no = ?1 AND state IN ('queued', 'sent')",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, receipt_nos[i]);
		sqlite3_bind_int64(st, 2, now_ms);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return sql_exec(sp->db, "COMMIT", NULL, errstr, errstr_size);
fail:
	errstr_set(errstr, errstr_size, "mark sent: %s", sqlite3_errmsg(sp->db));
	sqlite3_finalize(st);
	sql_rollback(sp->db);
	return -1;
}

static int record_one(sqlite3_stmt *st, const struct spool_result *r,
		      int64_t now_ms)
{
	static const char *const next_state[] = {
		[SPOOL_OUTCOME_ACKED] = "acknowledged",
		[SPOOL_OUTCOME_REJECTED] = "rejected",
		[SPOOL_OUTCOME_RETRY] = "sent",
	};
	char reason[SPOOL_REASON_MAX + 1];
	snprintf(reason, sizeof(reason), "%s", r->reason ? r->reason : "");
	sqlite3_bind_int64(st, 1, r->receipt_no);
	sqlite3_bind_text(st, 2, next_state[r->outcome], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, r->status);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now_ms);
	sqlite3_bind_int64(st, 6, r->outcome == SPOOL_OUTCOME_ACKED ? now_ms : 0);
	sqlite3_bind_text(st, 7, r->outcome == SPOOL_OUTCOME_ACKED ? r->intent_id
								 : "",
			  -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	sqlite3_reset(st);
	return s == SQLITE_DONE ? 0 : -1;
}

int spool_record(struct spool *sp, const struct spool_result *res, size_t n,
		 int64_t now_ms, char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	if (sql_exec(sp->db, "BEGIN IMMEDIATE", NULL, errstr, errstr_size) < 0)
		return -1;
	/* Only entries still pending change: an answer for an entry already
	 * final (a duplicate response after a restart) is ignored. */
	if (sqlite3_prepare_v2(sp->db, "UPDATE spool SET state = ?2,"
			       " last_status = ?3, last_error = ?4,"
			       " updated_at_ms = ?5, acked_at_ms = ?6,"
			       " acked_intent_id = ?7"
			       " WHERE receipt_no = ?1 AND state IN ('queued', 'sent')",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		assert(res[i].outcome != SPOOL_OUTCOME_ACKED ||
		       (res[i].intent_id && strlen(res[i].intent_id) == INTENT_ID_LEN));
		if (record_one(st, &res[i], now_ms) < 0)
			goto fail;
	}
	sqlite3_finalize(st);
	return sql_exec(sp->db, "COMMIT", NULL, errstr, errstr_size);
fail:
	errstr_set(errstr, errstr_size, "record: %s", sqlite3_errmsg(sp->db));
	sqlite3_finalize(st);
	sql_rollback(sp->db);
	return -1;
}

int spool_purge(struct spool *sp, int64_t now_ms, int keep_days,
		int64_t *ret_count, char *errstr, size_t errstr_size)
{
	assert(keep_days >= 0);
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(sp->db, "DELETE FROM spool WHERE state ="
			       " 'acknowledged' AND acked_at_ms < ?1", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, now_ms - (int64_t)keep_days * 86400 * 1000);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	*ret_count = sqlite3_changes(sp->db);
	rc = 0;
out:
	if (rc < 0)
		errstr_set(errstr, errstr_size, "purge: %s", sqlite3_errmsg(sp->db));
	sqlite3_finalize(st);
	return rc;
}

int spool_counts(struct spool *sp, int64_t count[SPOOL_STATE_COUNT],
		 int64_t oldest_ms[SPOOL_STATE_COUNT], char *errstr,
		 size_t errstr_size)
{
	sqlite3_stmt *st = NULL;
	int s;
	if (sqlite3_prepare_v2(sp->db, "SELECT state, count(*), min(created_at_ms)"
			       " FROM spool GROUP BY state", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < SPOOL_STATE_COUNT; i++)
		count[i] = oldest_ms[i] = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		enum spool_state k;
		if (state_parse((const char *)sqlite3_column_text(st, 0), &k) < 0)
			continue;
		count[k] = sqlite3_column_int64(st, 1);
		oldest_ms[k] = sqlite3_column_int64(st, 2);
	}
	if (s != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	errstr_set(errstr, errstr_size, "counts: %s", sqlite3_errmsg(sp->db));
	sqlite3_finalize(st);
	return -1;
}
