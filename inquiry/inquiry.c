/* inquiry — see inquiry.h. */
#include "inquiry.h"

#include <arpa/inet.h>
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <microhttpd.h>

#include "auth.h"
#include "bizdate.h"
#include "errstr.h"
#include "sqlutil.h"
#include "ledger_db.h"
#include "log.h"
#include "money.h"
#include "reqcheck.h"
#include "timeutil.h"
#include "unfolded.h"

struct inquiry {
	const struct config *cfg;
	struct inquiry_opts o;
	struct auth *auth;
	struct MHD_Daemon *mhd;
	pthread_key_t key; /* → struct worker of the calling thread */
	bool key_ok;
};

enum { RD_BEGIN, RD_COMMIT, RD_ROLLBACK, RD_LOOKUP, RD_COUNT };

static const char *const reader_sql[RD_COUNT] = {
	/* Deferred: the read transaction (the snapshot) starts at the
	 * refresh's first read, and the lookup reads the same snapshot. */
	[RD_BEGIN] = "BEGIN DEFERRED",
	[RD_COMMIT] = "COMMIT",
	[RD_ROLLBACK] = "ROLLBACK",
	[RD_LOOKUP] = INQUIRY_SQL,
};

struct inquiry_reader {
	sqlite3 *db;
	sqlite3_stmt *st[RD_COUNT];
	struct unfolded *unfolded;
};

int inquiry_reader_new(sqlite3 *db, struct inquiry_reader **ret,
		       char *errstr, size_t errstr_size)
{
	assert(db != NULL && ret != NULL);
	struct inquiry_reader *r = calloc(1, sizeof(*r));
	if (r == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	r->db = db;
	/* PERSISTENT: the statements live as long as the thread. */
	if (sql_prepare_persistent(db, reader_sql, RD_COUNT, r->st, -1,
				   "inquiry", errstr, errstr_size) < 0 ||
	    unfolded_new(db, &r->unfolded, errstr, errstr_size) < 0) {
		inquiry_reader_free(r);
		return -1;
	}
	*ret = r;
	return 0;
}

void inquiry_reader_free(struct inquiry_reader *r)
{
	if (r == NULL)
		return;
	unfolded_free(r->unfolded);
	for (int i = 0; i < RD_COUNT; i++)
		sqlite3_finalize(r->st[i]);
	free(r);
}

/* One worker thread's connections, one per biller (index as in cfg). */
struct worker {
	size_t n;
	sqlite3 **db;
	struct inquiry_reader **rd;
};

static void worker_free(void *arg)
{
	struct worker *w = arg;
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++) {
		inquiry_reader_free(w->rd[i]);
		sqlite3_close(w->db[i]);
	}
	free(w->db);
	free(w->rd);
	free(w);
}

/* This thread's worker, made on first use. */
static struct worker *worker_get(struct inquiry *iq)
{
	struct worker *w = pthread_getspecific(iq->key);
	if (w != NULL)
		return w;
	w = calloc(1, sizeof(*w));
	size_t n = config_biller_count(iq->cfg);
	if (w == NULL || (w->db = calloc(n, sizeof(*w->db))) == NULL ||
	    (w->rd = calloc(n, sizeof(*w->rd))) == NULL ||
	    pthread_setspecific(iq->key, w) != 0) {
		worker_free(w);
		return NULL;
	}
	w->n = n;
	return w;
}

/* The reader of biller i for this thread, opening the ledger on first
 * use; NULL (logged) when it cannot be opened. */
static struct inquiry_reader *lookup_reader(struct inquiry *iq, size_t i)
{
	struct worker *w = worker_get(iq);
	if (w == NULL)
		return NULL;
	if (w->rd[i] != NULL)
		return w->rd[i];
	const struct config_biller *b = config_biller_at(iq->cfg, i);
	char err[512];
	if (w->db[i] == NULL &&
	    ledger_db_open(b->ledger_path, b->id, b->currency->code,
			   LEDGER_DB_READONLY, &w->db[i], err, sizeof(err)) < 0) {
		log_warn("biller %s: %s", b->id, err);
		return NULL;
	}
	if (inquiry_reader_new(w->db[i], &w->rd[i], err, sizeof(err)) < 0) {
		log_warn("biller %s: %s", b->id, err);
		sqlite3_close(w->db[i]);
		w->db[i] = NULL;
		return NULL;
	}
	return w->rd[i];
}

static char *error_body(const char *field, const char *reason)
{
	char buf[512];
	int n = reqcheck_error_json(field, reason, buf, sizeof(buf));
	return n < 0 ? NULL : strdup(buf);
}

static json_t *money_json(int64_t minor, const struct currency *cur)
{
	char t[MONEY_TEXT_MAX];
	return money_format(minor, cur, t, sizeof(t)) < 0 ? NULL : json_string(t);
}

/* One open invoice's object from the current row. */
static json_t *invoice_json(sqlite3_stmt *st, const struct config_biller *b,
			    int64_t paid, int64_t today_day)
{
	int64_t due = sqlite3_column_int64(st, 3);
	const char *due_on = (const char *)sqlite3_column_text(st, 2);
	json_t *o = json_object();
	json_object_set_new(o, "invoice_no",
			    json_string((const char *)sqlite3_column_text(st, 0)));
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		json_object_set_new(o, "period",
				    json_string((const char *)sqlite3_column_text(st, 1)));
	json_object_set_new(o, "amount_due", money_json(due, b->currency));
	json_object_set_new(o, "amount_paid", money_json(paid, b->currency));
	json_object_set_new(o, "amount_open", money_json(due - paid, b->currency));
	json_object_set_new(o, "currency", json_string(b->currency->code));
	json_object_set_new(o, "due_on", json_string(due_on));
	int64_t due_day;
	if (due_on != NULL && bizdate_parse(due_on, &due_day) == 0 &&
	    today_day > due_day) {
		char g[BIZDATE_TEXT_LEN + 1];
		bizdate_format(due_day + b->grace_days, g);
		json_object_set_new(o, "grace_until", json_string(g));
	}
	return o;
}

/* Walk the rows: open invoices into arr, *ret_rows = all rows seen. What
 * is paid on each is its folded amount plus its unfolded sum u. */
static int collect(sqlite3_stmt *st, const struct unfolded *u,
		   const struct config_biller *b, int64_t today_day, json_t *arr,
		   int64_t *ret_rows, int64_t *ret_open_minor, bool *ret_truncated)
{
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		++*ret_rows;
		int64_t due = sqlite3_column_int64(st, 3), paid;
		const char *no = (const char *)sqlite3_column_text(st, 0);
		if (no == NULL ||
		    money_add(sqlite3_column_int64(st, 4),
			      unfolded_paid_minor(u, no), &paid) < 0)
			return -1;
		if (paid >= due)
			continue;
		if (json_array_size(arr) == INQUIRY_INVOICES_MAX) {
			*ret_truncated = true;
			continue; /* keep counting the total open */
		}
		if (money_add(*ret_open_minor, due - paid, ret_open_minor) < 0)
			return -1;
		json_array_append_new(arr, invoice_json(st, b, paid, today_day));
	}
	return s == SQLITE_DONE ? 0 : -1;
}

/* Run one of r's transaction statements; 0 or -1. */
static int reader_exec(struct inquiry_reader *r, int which)
{
	int rc = sqlite3_step(r->st[which]);
	sqlite3_reset(r->st[which]);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* In one read transaction: refresh the running sum, then read account's
 * invoices into arr. 0, or -1 (logged) with the transaction ended. */
static int read_account(const struct config_biller *b,
			struct inquiry_reader *r, const char *account,
			int64_t today_day, json_t *arr, int64_t *ret_rows,
			int64_t *ret_open_minor, bool *ret_truncated)
{
	char err[512];
	sqlite3_stmt *st = r->st[RD_LOOKUP];
	if (reader_exec(r, RD_BEGIN) < 0) {
		log_warn("biller %s: begin: %s", b->id, sqlite3_errmsg(r->db));
		return -1;
	}
	if (unfolded_refresh(r->unfolded, err, sizeof(err)) < 0) {
		log_warn("biller %s: %s", b->id, err);
		reader_exec(r, RD_ROLLBACK);
		return -1;
	}
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	int rc = collect(st, r->unfolded, b, today_day, arr, ret_rows,
			 ret_open_minor, ret_truncated);
	if (rc < 0)
		log_warn("biller %s: invoices: %s", b->id, sqlite3_errmsg(r->db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == 0 && reader_exec(r, RD_COMMIT) == 0)
		return 0;
	reader_exec(r, RD_ROLLBACK);
	return -1;
}

int inquiry_answer(const struct config_biller *b, struct inquiry_reader *r,
		   const char *account, int64_t today_day, char **ret_body)
{
	int64_t rows = 0, open = 0;
	bool truncated = false;
	json_t *arr = json_array();
	int status = 500;
	char *body = NULL;
	int rc = read_account(b, r, account, today_day, arr, &rows, &open,
			      &truncated);
	if (rc < 0) {
		body = error_body("$", "ledger read failed");
	} else if (rows == 0) {
		char why[200];
		snprintf(why, sizeof(why), "no invoices for this account at biller %s",
			 b->id);
		status = 404;
		body = error_body("account", why);
	} else {
		json_t *root = json_pack("{s:s, s:s, s:s, s:O, s:o, s:b}", "biller",
					 b->id, "account", account, "currency",
					 b->currency->code, "invoices", arr,
					 "total_open", money_json(open, b->currency),
					 "truncated", truncated);
		status = 200;
		body = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(root);
	}
	json_decref(arr);
	if (body == NULL)
		return -1;
	*ret_body = body;
	return status;
}

static enum MHD_Result send_body(struct MHD_Connection *c, int status,
				 char *body)
{
	if (body == NULL)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "5");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* "/v1/bills/BILLER/ACCOUNT" → the two parts (copied); -1 if not that. */
static int split_path(const char *url, char *biller, char *account)
{
	static const char prefix[] = "/v1/bills/";
	if (strncmp(url, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	const char *p = url + sizeof(prefix) - 1, *slash = strchr(p, '/');
	if (slash == NULL || slash == p || (size_t)(slash - p) > INTENT_BILLER_MAX ||
	    slash[1] == '\0' || strchr(slash + 1, '/') != NULL ||
	    strlen(slash + 1) > INTENT_ACCOUNT_MAX)
		return -1;
	memcpy(biller, p, (size_t)(slash - p));
	biller[slash - p] = '\0';
	strcpy(account, slash + 1);
	return 0;
}

static enum MHD_Result answer_bill(struct inquiry *iq, struct MHD_Connection *c,
				   const char *url)
{
	char biller[INTENT_BILLER_MAX + 1], account[INTENT_ACCOUNT_MAX + 1];
	if (split_path(url, biller, account) < 0)
		return send_body(c, 404, error_body("$", "not found: use "
				 "/v1/bills/{biller}/{account}"));
	const struct config_biller *b = NULL;
	size_t i;
	for (i = 0; i < config_biller_count(iq->cfg); i++)
		if (strcmp(config_biller_at(iq->cfg, i)->id, biller) == 0) {
			b = config_biller_at(iq->cfg, i);
			break;
		}
	if (b == NULL) {
		char why[100];
		snprintf(why, sizeof(why), "unknown biller '%s'", biller);
		return send_body(c, 404, error_body("biller", why));
	}
	if (iq->o.no_sqlite) {
		char *fixed = strdup("{\"biller\":\"x\",\"account\":\"x\","
				     "\"currency\":\"SYP\",\"invoices\":[],"
				     "\"total_open\":\"0.00\",\"truncated\":false}");
		return send_body(c, 200, fixed);
	}
	struct inquiry_reader *r = lookup_reader(iq, i);
	if (r == NULL)
		return send_body(c, 503, error_body("$", "ledger unavailable"));
	char *body = NULL;
	/* TZ was fixed before any thread started; localtime_r is then safe. */
	int status = inquiry_answer(b, r, account, bizdate_local_day(time_now_ms()),
				    &body);
	return status < 0 ? MHD_NO : send_body(c, status, body);
}

/* MHD_get_connection_values() iterator: counts Authorization headers in
 * *cls, stopping at the second. Header names are case-blind. */
static enum MHD_Result count_authorization(void *cls, enum MHD_ValueKind kind,
					   const char *key, const char *value)
{
	(void)kind, (void)value;
	int *seen = cls;
	if (strcasecmp(key, "Authorization") != 0)
		return MHD_YES;
	return ++*seen > 1 ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct inquiry *iq = cls;
	(void)version, (void)upload_data, (void)con_cls;
	if (*upload_data_size != 0)
		return MHD_NO; /* a GET with a body: drop the connection */
	if (strcmp(method, "GET") != 0)
		return send_body(c, 405, error_body("$", "only GET"));
	if (strcmp(url, "/healthz") == 0)
		return send_body(c, 200, strdup("{\"status\":\"alive\"}"));
	/* Two Authorization headers: which terminal is asking? A proxy may
	 * read the other one, so refuse, as the intake does (reqhead). */
	int authorizations = 0;
	MHD_get_connection_values(c, MHD_HEADER_KIND, count_authorization,
				  &authorizations);
	if (authorizations > 1)
		return send_body(c, 400, error_body("$", "the Authorization "
				 "header is given more than once"));
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (auth_bearer(iq->auth, h) == NULL)
		return send_body(c, 401, error_body("$", "a terminal's bearer token "
				 "is required"));
	return answer_bill(iq, c, url);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

int inquiry_start(const struct config *cfg, const struct inquiry_opts *o,
		  struct inquiry **ret, char *errstr, size_t errstr_size)
{
	struct inquiry *iq = calloc(1, sizeof(*iq));
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)o->port)};
	if (iq == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	iq->cfg = cfg;
	iq->o = *o;
	if (inet_pton(AF_INET, o->listen_addr, &sa.sin_addr) != 1) {
		errstr_set(errstr, errstr_size, "%s: not an IPv4 address", o->listen_addr);
		goto fail;
	}
	if (auth_new(cfg, &iq->auth, errstr, errstr_size) < 0)
		goto fail;
	if (pthread_key_create(&iq->key, worker_free) != 0) {
		errstr_set(errstr, errstr_size, "pthread_key_create failed");
		goto fail;
	}
	iq->key_ok = true;
	/* A pool of epoll workers, each with its own ledger connections. */
	iq->mhd = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
		(uint16_t)o->port, NULL, NULL, on_request, iq,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->connections_max,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->connection_timeout_s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_END);
	if (iq->mhd == NULL) {
		errstr_set(errstr, errstr_size, "cannot listen on %s:%d",
			   o->listen_addr, o->port);
		goto fail;
	}
	*ret = iq;
	return 0;
fail:
	inquiry_stop(iq);
	return -1;
}

void inquiry_stop(struct inquiry *iq)
{
	if (iq == NULL)
		return;
	if (iq->mhd != NULL)
		MHD_stop_daemon(iq->mhd); /* joins the workers: destructors ran */
	if (iq->key_ok)
		pthread_key_delete(iq->key);
	auth_free(iq->auth);
	free(iq);
}
