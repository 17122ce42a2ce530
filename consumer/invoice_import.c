/* invoice_import — see invoice_import.h. */
#include "invoice_import.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "errstr.h"
#include "sqlutil.h"
#include "intent.h"
#include "timeutil.h"

#define INVIMP_FIELDS 8
#define INVIMP_FIELD_MAX 256 /* bytes; customer_name is the longest */
#define INVIMP_REASON_MAX 200

static const char *const header[INVIMP_FIELDS] = {
	"invoice_no", "account", "customer_name", "period",
	"issued_on", "due_on", "amount", "currency",
};
enum { F_NO, F_ACCOUNT, F_NAME, F_PERIOD, F_ISSUED, F_DUE, F_AMOUNT,
       F_CURRENCY };

enum { ST_INSERT, ST_EXISTING, ST_SEEN, ST_COUNT };
static const char *const invimp_sql[ST_COUNT] = {
	[ST_INSERT] = "INSERT INTO invoices (invoice_no, account,"
		      " customer_name, period, issued_on, due_on,"
		      " amount_due_minor, currency, imported_at_ms)"
		      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		      " ON CONFLICT (invoice_no) DO NOTHING",
	[ST_EXISTING] = "SELECT account = ?2 AND due_on = ?3"
			" AND amount_due_minor = ?4 AND currency = ?5"
			" FROM invoices WHERE invoice_no = ?1",
	/* Catches an invoice_no twice in the file (the ledger's own
	 * conflict cannot tell it from a re-import). */
	[ST_SEEN] = "INSERT INTO temp.invimp_seen (no) VALUES (?1)",
};

struct state {
	sqlite3 *db;
	const struct currency *cur;
	sqlite3_stmt *st[ST_COUNT];
	invimp_error_fn *on_error;
	void *opaque;
	struct invimp_report rep;
	int64_t now_ms;
	/* the row being read */
	char field[INVIMP_FIELDS][INVIMP_FIELD_MAX + 1];
	size_t field_len[INVIMP_FIELDS];
	int nfields;
	bool too_long;
	int64_t line;       /* where the current row starts */
	int64_t next_line;  /* where the next row starts */
	bool header_done;
	bool last_was_cr;   /* the previous row ended with CR */
	bool fatal;
	char errstr[512];
};

static void row_error(struct state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void row_error(struct state *s, const char *fmt, ...)
{
	char reason[INVIMP_REASON_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (s->rep.errors_count++ < INVIMP_ERRORS_REPORTED_MAX &&
	    s->on_error != NULL)
		s->on_error(s->opaque, s->line, reason);
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static bool utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
			   : (c >> 3) == 30 ? 4 : 0;
		if (len == 0 || i + len > n)
			return false;
		unsigned cp = len == 1 ? c : c & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		static const unsigned min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min_cp[len] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* libcsv field callback: copy the field into the row. */
static void on_field(void *data, size_t len, void *opaque)
{
	struct state *s = opaque;
	const char *d = data;
	for (size_t i = 0; i < len; i++)
		s->next_line += d[i] == '\n';
	if (s->nfields < INVIMP_FIELDS) {
		if (len > INVIMP_FIELD_MAX) {
			s->too_long = true;
			len = INVIMP_FIELD_MAX;
		}
		if (len > 0)
			memcpy(s->field[s->nfields], data, len);
		s->field[s->nfields][len] = '\0';
		s->field_len[s->nfields] = len;
	}
	s->nfields++;
}

static bool charset_ok(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return false;
	return true;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* "YYYY-MM-DD" naming a real day, or with day false "YYYY-MM". */
static bool date_ok(const char *s, bool day)
{
	size_t len = strlen(s);
	if (len != (day ? 10u : 7u) || !digits(s, 4) || s[4] != '-' ||
	    !digits(s + 5, 2) || (day && (s[7] != '-' || !digits(s + 8, 2))))
		return false;
	int64_t y = atoi(s);
	unsigned m = (unsigned)atoi(s + 5), d = day ? (unsigned)atoi(s + 8) : 1;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int64_t yy;
	unsigned mm, dd;
	civil_from_days(days_from_civil(y, m, d), &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

/* Field syntax; returns false after reporting the first problem. */
static bool row_valid(struct state *s, int64_t *ret_amount_minor)
{
	char (*f)[INVIMP_FIELD_MAX + 1] = s->field;
	char why[128];
	if (s->nfields != INVIMP_FIELDS) {
		row_error(s, "%d fields, expected %d", s->nfields, INVIMP_FIELDS);
		return false;
	}
	if (s->too_long) {
		row_error(s, "a field is longer than %d bytes", INVIMP_FIELD_MAX);
		return false;
	}
	for (int i = 0; i < INVIMP_FIELDS; i++)
		for (size_t k = 0; k < s->field_len[i]; k++)
			if ((unsigned char)f[i][k] < 0x20 || f[i][k] == 0x7f) {
				row_error(s, "%s: control character", header[i]);
				return false;
			}
	if (f[F_NO][0] == '\0' || strlen(f[F_NO]) > INTENT_INVOICE_MAX ||
	    !charset_ok(f[F_NO], "._/-"))
		row_error(s, "invoice_no: 1-%d of A-Z a-z 0-9 . _ / -",
			  INTENT_INVOICE_MAX);
	else if (f[F_ACCOUNT][0] == '\0' ||
		 strlen(f[F_ACCOUNT]) > INTENT_ACCOUNT_MAX ||
		 !charset_ok(f[F_ACCOUNT], "-"))
		row_error(s, "account: 1-%d of A-Z a-z 0-9 -",
			  INTENT_ACCOUNT_MAX);
	else if (f[F_PERIOD][0] != '\0' && !date_ok(f[F_PERIOD], false))
		row_error(s, "period: '%s' is not YYYY-MM", f[F_PERIOD]);
	else if (f[F_ISSUED][0] != '\0' && !date_ok(f[F_ISSUED], true))
		row_error(s, "issued_on: '%s' is not a YYYY-MM-DD date",
			  f[F_ISSUED]);
	else if (!date_ok(f[F_DUE], true))
		row_error(s, "due_on: '%s' is not a YYYY-MM-DD date", f[F_DUE]);
	else if (f[F_ISSUED][0] != '\0' && strcmp(f[F_ISSUED], f[F_DUE]) > 0)
		row_error(s, "issued_on %s is after due_on %s", f[F_ISSUED],
			  f[F_DUE]);
	else if (strcmp(f[F_CURRENCY], s->cur->code) != 0)
		row_error(s, "currency: '%.8s' is not the ledger's %s",
			  f[F_CURRENCY], s->cur->code);
	else if (money_parse(f[F_AMOUNT], s->field_len[F_AMOUNT], s->cur, 0,
			     ret_amount_minor, why, sizeof(why)) < 0)
		row_error(s, "amount: %s", why);
	else
		return true;
	return false;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v[0] != '\0')
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_once(struct state *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		snprintf(s->errstr, sizeof(s->errstr), "%s",
			 sqlite3_errmsg(s->db));
		s->fatal = true;
	}
	return rc;
}

/* A valid row: a new invoice, an identical one, or a conflict. */
static void row_store(struct state *s, int64_t amount_minor)
{
	char (*f)[INVIMP_FIELD_MAX + 1] = s->field;
	sqlite3_stmt *st = s->st[ST_SEEN];
	sqlite3_bind_text(st, 1, f[F_NO], -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		row_error(s, "invoice_no %s appears twice in the file", f[F_NO]);
		return;
	}
	st = s->st[ST_INSERT];
	sqlite3_bind_text(st, 1, f[F_NO], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f[F_ACCOUNT], -1, SQLITE_STATIC);
	bind_opt(st, 3, f[F_NAME]);
	bind_opt(st, 4, f[F_PERIOD]);
	bind_opt(st, 5, f[F_ISSUED]);
	sqlite3_bind_text(st, 6, f[F_DUE], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, amount_minor);
	sqlite3_bind_text(st, 8, s->cur->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, s->now_ms);
	step_once(s, st);
	sqlite3_reset(st);
	if (s->fatal || sqlite3_changes(s->db) == 1) {
		s->rep.inserted_count++;
		return;
	}
	st = s->st[ST_EXISTING];
	sqlite3_bind_text(st, 1, f[F_NO], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f[F_ACCOUNT], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f[F_DUE], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, amount_minor);
	sqlite3_bind_text(st, 5, s->cur->code, -1, SQLITE_STATIC);
	bool same = step_once(s, st) == SQLITE_ROW &&
		    sqlite3_column_int(st, 0) == 1;
	sqlite3_reset(st);
	if (same)
		s->rep.unchanged_count++;
	else if (!s->fatal)
		row_error(s, "invoice_no %s is already in the ledger with "
			  "another account, due_on or amount; an issued "
			  "invoice is never changed", f[F_NO]);
}

static void row_header(struct state *s)
{
	bool ok = s->nfields == INVIMP_FIELDS && !s->too_long;
	for (int i = 0; ok && i < INVIMP_FIELDS; i++)
		ok = strcmp(s->field[i], header[i]) == 0;
	if (!ok) {
		snprintf(s->errstr, sizeof(s->errstr),
			 "line 1: the header is not exactly "
			 "invoice_no,account,customer_name,period,issued_on,"
			 "due_on,amount,currency");
		s->fatal = true;
	}
	s->header_done = true;
}

/* libcsv row callback. c: the terminator ('\r', '\n'), -1 at the end. */
static void on_row(int c, void *opaque)
{
	struct state *s = opaque;
	int64_t embedded = s->next_line;
	bool crlf_tail = s->nfields == 0 && c == '\n' && s->last_was_cr;
	s->last_was_cr = c == '\r';
	if (crlf_tail || s->fatal)
		goto next;
	if (s->nfields == 0) {
		if (c != -1)
			row_error(s, "blank line");
	} else if (!s->header_done) {
		row_header(s);
	} else {
		int64_t amount_minor = 0;
		s->rep.rows_count++;
		if (row_valid(s, &amount_minor))
			row_store(s, amount_minor);
	}
	s->line += embedded + 1;
next:
	s->next_line = 0;
	s->nfields = 0;
	s->too_long = false;
}

/* libcsv trims blanks around unquoted fields by default; the format says
 * spaces are data, so nothing is a blank. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Read all of in into *ret (caller frees); name is for messages. */
static int read_stream(FILE *in, const char *name, char **ret,
		       size_t *ret_len, char *errstr, size_t errstr_size)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 65536) {
			if (cap >= INVIMP_FILE_MAX_BYTES) {
				errstr_set(errstr, errstr_size, "%s: larger than "
					"%d bytes", name, INVIMP_FILE_MAX_BYTES);
				goto fail;
			}
			cap = cap == 0 ? 1 << 20 : cap * 2;
			char *nb = realloc(buf, cap);
			if (nb == NULL) {
				errstr_set(errstr, errstr_size, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, in);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(in)) {
		errstr_set(errstr, errstr_size, "%s: read error", name);
		goto fail;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
fail:
	free(buf);
	return -1;
}

static int prepare(struct state *s, char *errstr, size_t errstr_size)
{
	if (sqlite3_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS invimp_seen"
			 " (no TEXT PRIMARY KEY) WITHOUT ROWID;"
			 " DELETE FROM temp.invimp_seen;",
			 NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v2(s->db, invimp_sql[i], -1, &s->st[i],
				       NULL) != SQLITE_OK)
			goto fail;
	return 0;
fail:
	errstr_set(errstr, errstr_size, "%s", sqlite3_errmsg(s->db));
	return -1;
}

/* Parse text (BOM already skipped) inside the open transaction. */
static int parse(struct state *s, const char *text, size_t len,
		 char *errstr, size_t errstr_size)
{
	struct csv_parser csv;
	int r = -1;
	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		errstr_set(errstr, errstr_size, "csv: out of memory");
		return -1;
	}
	csv_set_space_func(&csv, no_space);
	if (csv_parse(&csv, text, len, on_field, on_row, s) != len ||
	    csv_fini(&csv, on_field, on_row, s) != 0) {
		/* The row being read when the syntax broke. */
		errstr_set(errstr, errstr_size, "line %lld: CSV syntax: %s "
			"(quotes must be RFC 4180)",
			(long long)(s->line + s->next_line),
			csv_strerror(csv_error(&csv)));
		goto out;
	}
	if (s->fatal) {
		errstr_set(errstr, errstr_size, "%s", s->errstr);
		goto out;
	}
	if (!s->header_done) {
		errstr_set(errstr, errstr_size, "empty file: no header");
		goto out;
	}
	r = 0;
out:
	csv_free(&csv);
	return r;
}

int invimp_import(sqlite3 *db, const struct currency *cur, const char *path,
		  invimp_error_fn *on_error, void *opaque,
		  struct invimp_report *ret, char *errstr, size_t errstr_size)
{
	assert(db != NULL && cur != NULL && path != NULL && ret != NULL);
	FILE *in = fopen(path, "rb");
	if (in == NULL) {
		*ret = (struct invimp_report){0};
		errstr_set(errstr, errstr_size, "%s: cannot open", path);
		return -1;
	}
	int r = invimp_import_stream(db, cur, in, path, on_error, opaque, ret,
				     errstr, errstr_size);
	fclose(in);
	return r;
}

int invimp_import_stream(sqlite3 *db, const struct currency *cur, FILE *in,
			 const char *name, invimp_error_fn *on_error,
			 void *opaque, struct invimp_report *ret,
			 char *errstr, size_t errstr_size)
{
	assert(db != NULL && cur != NULL && in != NULL && name != NULL &&
	       ret != NULL);
	struct state *s = calloc(1, sizeof(*s));
	char *text = NULL;
	size_t len = 0;
	int r = -1;
	if (s == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	*s = (struct state){.db = db, .cur = cur, .on_error = on_error,
			    .opaque = opaque, .now_ms = time_now_ms(),
			    .line = 1};
	if (read_stream(in, name, &text, &len, errstr, errstr_size) < 0)
		goto out;
	if (!utf8_valid((unsigned char *)text, len)) {
		errstr_set(errstr, errstr_size, "%s: not valid UTF-8", name);
		goto out;
	}
	size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	if (sql_exec(db, "BEGIN IMMEDIATE", "begin", errstr, errstr_size) < 0)
		goto out;
	if (prepare(s, errstr, errstr_size) == 0 &&
	    parse(s, text + skip, len - skip, errstr, errstr_size) == 0 &&
	    s->rep.errors_count == 0) {
		if (sql_exec(db, "COMMIT", "commit", errstr, errstr_size) == 0)
			r = 0;
	} else if (s->rep.errors_count > 0) {
		errstr_set(errstr, errstr_size, "%lld rows refused; nothing "
			"imported", (long long)s->rep.errors_count);
	}
	if (r < 0)
		sql_rollback(db);
out:
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (r < 0)
		s->rep.inserted_count = 0;
	*ret = s->rep;
	free(text);
	free(s);
	return r;
}
