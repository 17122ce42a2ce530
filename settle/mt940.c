/* mt940 — see mt940.h and schemas/bank-statements.md.
 *
 * Physical lines are read one at a time and hashed; a field is the line
 * that starts with its tag plus the lines that continue it, and is handled
 * when the next tag (or "-", or the end) shows it is complete. An entry
 * (:61:) waits for its :86: the same way. Nothing is kept but the lines of
 * the bankfile, so memory grows only with the entries. */
#include "mt940.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bizdate.h"
#include "entryref.h"
#include "sha256.h"

#define DAY_MS (24 * 3600 * 1000LL)
#define DATE_WINDOW_MS (36 * 3600 * 1000LL) /* as camt.c: the booking day */
#define REMITTANCE_MAX 512

struct field {
	char tag[5];             /* "61", "60F", ... ; "" when none is open */
	char text[MT940_FIELD_MAX + 1]; /* lines joined by '\n' */
	size_t len;
	int64_t line;
};

struct entry {
	bool open;
	int64_t line;
	char value[11], booking[11];
	bool debit, reversal;
	int64_t amount_minor;
	char cref[17], bref[17], e2e[64];
	char remittance[REMITTANCE_MAX];
	bool seen_86;
};

struct stmt {
	bool open;
	int index;
	char ref[17];
	char account[CONFIG_STATEMENT_ACCOUNT_MAX + 1];
	const char *biller;
	bool seen_25, seen_28, seen_60, seen_62;
	const struct currency *cur;
	int64_t open_minor, close_minor, credit_minor, debit_minor;
	int64_t credit_count, debit_count;
	char open_date[11], close_date[11], min_booked[11], max_booked[11];
	int64_t line;
};

struct reader {
	struct bankfile *bf;
	struct bankfile_error *err;
	const struct config_bankfile *map;
	struct entryref *er;
	bool failed;
	int64_t line;
	int stmt_count;
	struct field f;
	struct stmt st;
	struct entry e;
	char business_date[11];
};

static int fail(struct reader *r, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The first problem wins; the statement (:20:) is named when known. */
static int fail(struct reader *r, int64_t line, const char *fmt, ...)
{
	if (r->failed)
		return -1;
	r->failed = true;
	char why[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r->err->line = line;
	if (r->st.open && r->st.ref[0] != '\0')
		snprintf(r->err->reason, sizeof(r->err->reason), "statement %s: %s",
			 r->st.ref, why);
	else
		snprintf(r->err->reason, sizeof(r->err->reason), "%s", why);
	return -1;
}

/* ---- values ---- */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYMMDD as YYYY-MM-DD (20YY). */
static int parse_yymmdd(struct reader *r, const char *s, char out[11])
{
	int64_t day;
	if (!digits(s, 6))
		return fail(r, r->f.line, ":%s: date '%.6s' is not YYMMDD", r->f.tag, s);
	snprintf(out, 11, "20%.2s-%.2s-%.2s", s, s + 2, s + 4);
	if (bizdate_parse(out, &day) < 0)
		return fail(r, r->f.line, ":%s: date '%.6s' is not a valid date",
			    r->f.tag, s);
	return 0;
}

/* A comma-decimal amount of len bytes ("150,00", "150,", "0,5"). */
static int parse_amount(struct reader *r, const char *s, size_t len,
			const struct currency *cur, int64_t *ret_minor)
{
	char buf[MONEY_INPUT_MAX + 1], why[160];
	const char *comma = memchr(s, ',', len);
	if (len == 0 || len > MONEY_INPUT_MAX || comma == NULL)
		return fail(r, r->f.line, ":%s: amount '%.*s' needs a decimal comma",
			    r->f.tag, (int)(len > 40 ? 40 : len), s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	buf[comma - s] = '.';
	size_t n = len;
	if (buf[n - 1] == '.') /* "150," is 150: SWIFT always writes the comma */
		buf[--n] = '\0';
	if (money_parse(buf, n, cur, MONEY_ALLOW_ZERO, ret_minor, why,
			sizeof(why)) < 0)
		return fail(r, r->f.line, ":%s: amount '%.*s': %s", r->f.tag,
			    (int)len, s, why);
	return 0;
}

static int add(struct reader *r, int64_t *acc, int64_t v)
{
	if (money_add(*acc, v, acc) < 0)
		return fail(r, r->f.line, "a total overflows int64 minor units");
	return 0;
}

/* ---- fields ---- */

/* :60F: :60M: :62F: :62M: :64: — mark, YYMMDD, currency, amount. */
static int parse_balance(struct reader *r, char date[11],
			 const struct currency **cur, int64_t *ret_minor)
{
	const char *s = r->f.text;
	size_t len = r->f.len;
	if (len < 1 + 6 + 3 + 2 || (s[0] != 'C' && s[0] != 'D'))
		return fail(r, r->f.line, ":%s: not mark (C/D), YYMMDD, currency, "
			    "amount", r->f.tag);
	if (parse_yymmdd(r, s + 1, date) < 0)
		return -1;
	char code[4];
	memcpy(code, s + 7, 3);
	code[3] = '\0';
	const struct currency *c = currency_find(code);
	if (c == NULL)
		return fail(r, r->f.line, ":%s: currency '%s' is not a known ISO 4217 "
			    "code", r->f.tag, code);
	if (*cur != NULL && *cur != c)
		return fail(r, r->f.line, ":%s: currency %s, the statement's is %s",
			    r->f.tag, code, (*cur)->code);
	int64_t v;
	if (parse_amount(r, s + 10, len - 10, c, &v) < 0)
		return -1;
	*cur = c;
	*ret_minor = s[0] == 'D' ? -v : v; /* cannot overflow: v >= 0 */
	return 0;
}

/* The entry date MMDD next to value date YYYY-MM-DD: the year that puts
 * it closest (a December value date may be booked in January). */
static int entry_date(struct reader *r, const char *mmdd, const char *value,
		      char out[11])
{
	int64_t day;
	int year = atoi(value);
	int vm = atoi(value + 5), em = (mmdd[0] - '0') * 10 + (mmdd[1] - '0');
	if (vm == 12 && em == 1)
		year++;
	else if (vm == 1 && em == 12)
		year--;
	char text[16];
	snprintf(text, sizeof(text), "%04d-%.2s-%.2s", year % 10000, mmdd, mmdd + 2);
	memcpy(out, text, 10);
	out[10] = '\0';
	if (bizdate_parse(out, &day) < 0)
		return fail(r, r->f.line, ":61: entry date '%.4s' is not MMDD", mmdd);
	return 0;
}

/* :61: value date, [entry date], mark, [funds code], amount, type code,
 * customer reference, [//bank reference], [\n supplementary details]. */
static int parse_61(struct reader *r, struct entry *e)
{
	const char *s = r->f.text;
	const char *end = memchr(s, '\n', r->f.len);
	size_t len = end ? (size_t)(end - s) : r->f.len, i = 6;
	if (len < 6 || parse_yymmdd(r, s, e->value) < 0)
		return r->failed ? -1 : fail(r, r->f.line, ":61: too short");
	memcpy(e->booking, e->value, 11);
	if (len >= 10 && digits(s + 6, 4)) {
		if (entry_date(r, s + 6, e->value, e->booking) < 0)
			return -1;
		i = 10;
	}
	if (i + 2 <= len && s[i] == 'R' && (s[i + 1] == 'C' || s[i + 1] == 'D')) {
		e->reversal = true;
		e->debit = s[i + 1] == 'C'; /* RC: a credit taken back */
		i += 2;
	} else if (i < len && (s[i] == 'C' || s[i] == 'D')) {
		e->debit = s[i] == 'D';
		i++;
	} else {
		return fail(r, r->f.line, ":61: mark is not C, D, RC or RD");
	}
	if (i < len && s[i] >= 'A' && s[i] <= 'Z')
		i++; /* funds code (the currency's third letter) */
	size_t a = i;
	while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == ','))
		i++;
	if (parse_amount(r, s + a, i - a, r->st.cur, &e->amount_minor) < 0)
		return -1;
	if (len - i < 4 || (s[i] != 'N' && s[i] != 'F' && s[i] != 'S'))
		return fail(r, r->f.line, ":61: no transaction type (N, F or S and "
			    "three characters) after the amount");
	i += 4;
	const char *slash = NULL;
	for (size_t k = i; k + 1 < len && slash == NULL; k++)
		if (s[k] == '/' && s[k + 1] == '/')
			slash = s + k;
	size_t cref_len = slash ? (size_t)(slash - (s + i)) : len - i;
	size_t bref_len = slash ? len - (size_t)(slash + 2 - s) : 0;
	if (cref_len == 0 || cref_len > 16 || bref_len > 16)
		return fail(r, r->f.line, ":61: reference for the account owner must "
			    "be 1-16 characters, the bank's after // at most 16");
	memcpy(e->cref, s + i, cref_len);
	if (slash)
		memcpy(e->bref, slash + 2, bref_len);
	if (strcmp(e->cref, "NONREF") == 0)
		e->cref[0] = '\0';
	return 0;
}

/* :86: as the remittance text. Structured (?NN subfields, after a 3-digit
 * code or from the start): ?20-?29 and ?60-?63 are the text, joined; an
 * EREF+ subfield is the end-to-end reference. Free text: the lines joined.
 * Line breaks are removed either way: banks break at 65 characters, in the
 * middle of words and references. */
static int parse_86(struct reader *r, struct entry *e)
{
	char flat[MT940_FIELD_MAX + 1];
	size_t n = 0;
	for (size_t i = 0; i < r->f.len; i++)
		if (r->f.text[i] != '\n')
			flat[n++] = r->f.text[i];
	flat[n] = '\0';
	bool structured = flat[0] == '?' ||
			  (n >= 4 && digits(flat, 3) && flat[3] == '?');
	size_t out = 0;
	if (!structured) {
		if (n >= sizeof(e->remittance))
			return fail(r, r->f.line, ":86: longer than %d bytes",
				    REMITTANCE_MAX - 1);
		memcpy(e->remittance, flat, n + 1);
		return 0;
	}
	for (char *p = strchr(flat, '?'); p != NULL;) {
		char *next = strchr(p + 1, '?');
		size_t len = next ? (size_t)(next - p) : strlen(p);
		if (len < 3 || !digits(p + 1, 2))
			return fail(r, r->f.line, ":86: '?' not followed by a two-digit "
				    "subfield code");
		int code = (p[1] - '0') * 10 + (p[2] - '0');
		const char *v = p + 3;
		size_t vlen = len - 3;
		if ((code >= 20 && code <= 29) || (code >= 60 && code <= 63)) {
			if (out + vlen >= sizeof(e->remittance))
				return fail(r, r->f.line, ":86: text longer than %d bytes",
					    REMITTANCE_MAX - 1);
			memcpy(e->remittance + out, v, vlen);
			out += vlen;
			e->remittance[out] = '\0';
			if (vlen > 5 && memcmp(v, "EREF+", 5) == 0 && vlen - 5 < sizeof(e->e2e))
				snprintf(e->e2e, sizeof(e->e2e), "%.*s", (int)(vlen - 5), v + 5);
		}
		p = next;
	}
	return 0;
}

static int stmt_biller(struct reader *r)
{
	r->st.biller = entryref_biller(r->er, r->st.account);
	if (r->st.biller == NULL)
		return fail(r, r->f.line, ":25: account %s is not in the bank's "
			    "biller_accounts", r->st.account);
	return 0;
}

/* The pending :61: with its :86:, into the bankfile. */
static int flush_entry(struct reader *r)
{
	struct entry *e = &r->e;
	struct stmt *st = &r->st;
	if (!e->open)
		return 0;
	e->open = false;
	int64_t day;
	bizdate_parse(e->booking, &day); /* checked when read */
	struct bankfile_line l = {
		.file_line = e->line, .idempotency_key = "", .terminal = "",
		.biller = st->biller, .paid_at = e->booking,
		.amount_minor = e->amount_minor, .currency = st->cur,
		.paid_at_ms = day * DAY_MS + DAY_MS / 2,
		.paid_at_window_ms = DATE_WINDOW_MS,
		.channel = INTENT_CHANNEL_TELLER, .statement = st->ref,
		.booking_date = e->booking, .value_date = e->value,
		.end_to_end_id = e->e2e[0] ? e->e2e : e->cref,
		.acct_svcr_ref = e->bref, .remittance = e->remittance,
		.debit = e->debit, .reversal = e->reversal,
		.not_a_payment = e->debit || e->reversal || e->amount_minor == 0,
		.status = BANKFILE_BOOKED,
	};
	struct entryref_found found;
	entryref_apply(r->er, &l, &found);
	if (bankfile_add(r->bf, &l) < 0)
		return fail(r, e->line, "out of memory or more than %d lines",
			    BANKFILE_LINES_MAX);
	if (add(r, e->debit ? &st->debit_minor : &st->credit_minor,
		e->amount_minor) < 0)
		return -1;
	(*(e->debit ? &st->debit_count : &st->credit_count))++;
	if (st->min_booked[0] == '\0' || strcmp(e->booking, st->min_booked) < 0)
		memcpy(st->min_booked, e->booking, 11);
	if (strcmp(e->booking, st->max_booked) > 0)
		memcpy(st->max_booked, e->booking, 11);
	return 0;
}

/* :60: + credits - debits = :62:, the dates, one business date. */
static int end_statement(struct reader *r, int64_t line)
{
	struct stmt *st = &r->st;
	if (!st->open)
		return 0;
	if (flush_entry(r) < 0)
		return -1;
	const char *missing = !st->seen_25 ? ":25:" : !st->seen_28 ? ":28C:"
			      : !st->seen_60 ? ":60F: or :60M:"
			      : !st->seen_62 ? ":62F: or :62M:" : NULL;
	if (missing != NULL)
		return fail(r, line, "the statement has no %s (truncated?)", missing);
	int64_t end;
	char text[160], got[MONEY_TEXT_MAX];
	if (bankfile_balance(":60:", st->open_minor, st->credit_minor,
			     st->debit_minor, st->cur, &end, text, sizeof(text)) < 0)
		return fail(r, line, "the balance overflows int64 minor units");
	money_format(st->close_minor, st->cur, got, sizeof(got));
	if (end != st->close_minor)
		return fail(r, line, "balance %s: %s, but :62: is %s", st->cur->code,
			    text, got);
	if (strcmp(st->open_date, st->close_date) > 0)
		return fail(r, line, ":60: date %s is after the :62: date %s",
			    st->open_date, st->close_date);
	if (st->min_booked[0] != '\0' &&
	    (strcmp(st->min_booked, st->open_date) < 0 ||
	     strcmp(st->max_booked, st->close_date) > 0))
		return fail(r, line, "entries booked %s to %s, outside the statement's "
			    "%s to %s", st->min_booked, st->max_booked, st->open_date,
			    st->close_date);
	if (r->business_date[0] == '\0')
		memcpy(r->business_date, st->close_date, 11);
	else if (strcmp(r->business_date, st->close_date) != 0)
		return fail(r, line, "statements of two business dates (%s and %s) in "
			    "one file", r->business_date, st->close_date);
	struct bankfile_statement out = {
		.id = st->ref, .account = st->account, .currency = st->cur,
		.has_opening = true, .has_closing = true,
		.opening_minor = st->open_minor, .closing_minor = st->close_minor,
		.credit_count = st->credit_count, .credit_minor = st->credit_minor,
		.debit_count = st->debit_count, .debit_minor = st->debit_minor,
		.file_line = st->line,
	};
	memcpy(out.from_date, st->open_date, 11);
	memcpy(out.to_date, st->close_date, 11);
	if (bankfile_add_statement(r->bf, &out) < 0 ||
	    bankfile_add_check(r->bf, st->ref, "balance",
			       "%s: %s = :62: (%" PRId64 " entries)", st->cur->code,
			       text, st->credit_count + st->debit_count) < 0 ||
	    bankfile_add_check(r->bf, st->ref, "period",
			       "business date %s; entries booked %s to %s",
			       st->close_date, st->min_booked[0] ? st->min_booked : "-",
			       st->max_booked[0] ? st->max_booked : "-") < 0)
		return fail(r, line, "out of memory");
	st->open = false;
	return 0;
}

static int begin_statement(struct reader *r)
{
	if (end_statement(r, r->f.line) < 0)
		return -1;
	struct stmt *st = &r->st;
	memset(st, 0, sizeof(*st));
	st->open = true;
	st->index = ++r->stmt_count;
	st->line = r->f.line;
	if (r->f.len == 0 || r->f.len > 16 || memchr(r->f.text, '\n', r->f.len))
		return fail(r, r->f.line, ":20: must be 1-16 characters on one line");
	memcpy(st->ref, r->f.text, r->f.len + 1);
	return 0;
}

/* :28C: statement number[/sequence number], digits. */
static int parse_28c(struct reader *r)
{
	const char *s = r->f.text, *slash = strchr(s, '/');
	size_t a = slash ? (size_t)(slash - s) : r->f.len;
	size_t b = slash ? r->f.len - a - 1 : 0;
	if (a == 0 || a > 5 || !digits(s, a) || (slash && (b == 0 || b > 5 ||
							   !digits(slash + 1, b))))
		return fail(r, r->f.line, ":28C: '%s' is not number[/sequence]", s);
	return 0;
}

static int field_in_stmt(struct reader *r, const char *tag)
{
	struct stmt *st = &r->st;
	bool b60 = strcmp(tag, "60F") == 0 || strcmp(tag, "60M") == 0;
	bool b62 = strcmp(tag, "62F") == 0 || strcmp(tag, "62M") == 0;
	if (strcmp(tag, "25") == 0) {
		if (st->seen_25 || st->seen_60)
			return fail(r, r->f.line, ":25: twice or after :60:");
		if (r->f.len == 0 || r->f.len > CONFIG_STATEMENT_ACCOUNT_MAX)
			return fail(r, r->f.line, ":25: account must be 1-%d characters",
				    CONFIG_STATEMENT_ACCOUNT_MAX);
		memcpy(st->account, r->f.text, r->f.len + 1);
		st->seen_25 = true;
		return stmt_biller(r);
	}
	if (strcmp(tag, "28C") == 0) {
		if (st->seen_28)
			return fail(r, r->f.line, ":28C: twice");
		st->seen_28 = true;
		return parse_28c(r);
	}
	if (b60) {
		if (st->seen_60 || !st->seen_25)
			return fail(r, r->f.line, ":%s: twice or before :25:", tag);
		st->seen_60 = true;
		return parse_balance(r, st->open_date, &st->cur, &st->open_minor);
	}
	if (strcmp(tag, "61") == 0) {
		if (!st->seen_60 || st->seen_62)
			return fail(r, r->f.line, ":61: before :60: or after :62:");
		if (flush_entry(r) < 0)
			return -1;
		memset(&r->e, 0, sizeof(r->e));
		r->e.open = true;
		r->e.line = r->f.line;
		return parse_61(r, &r->e);
	}
	if (strcmp(tag, "86") == 0) {
		if (!r->e.open) /* about the statement, after :62: or before :61: */
			return 0;
		if (r->e.seen_86)
			return fail(r, r->f.line, ":86: twice for one :61:");
		r->e.seen_86 = true;
		return parse_86(r, &r->e);
	}
	if (flush_entry(r) < 0)
		return -1;
	if (b62) {
		if (st->seen_62 || !st->seen_60)
			return fail(r, r->f.line, ":%s: twice or before :60:", tag);
		st->seen_62 = true;
		return parse_balance(r, st->close_date, &st->cur, &st->close_minor);
	}
	if (strcmp(tag, "64") == 0 || strcmp(tag, "65") == 0) {
		char date[11];
		const struct currency *cur = st->cur;
		int64_t v;
		if (!st->seen_62)
			return fail(r, r->f.line, ":%s: before :62:", tag);
		return parse_balance(r, date, &cur, &v); /* syntax only */
	}
	if (strcmp(tag, "21") == 0 || strcmp(tag, "13D") == 0)
		return 0; /* related reference, creation time: not needed */
	return fail(r, r->f.line, "field :%s: is not one of MT940's", tag);
}

/* The open field is complete: handle it. */
static int end_field(struct reader *r)
{
	if (r->f.tag[0] == '\0')
		return 0;
	char tag[5];
	memcpy(tag, r->f.tag, sizeof(tag));
	int rc;
	if (strcmp(tag, "20") == 0)
		rc = begin_statement(r);
	else if (!r->st.open)
		rc = fail(r, r->f.line, "field :%s: outside a statement (no :20:)", tag);
	else
		rc = field_in_stmt(r, tag);
	r->f.tag[0] = '\0';
	return rc;
}

/* ":NN:" or ":NNX:" at the start of s: the tag's length (2 or 3), else 0. */
static size_t tag_len(const char *s, size_t n)
{
	if (n >= 4 && s[0] == ':' && digits(s + 1, 2) && s[3] == ':')
		return 2;
	if (n >= 5 && s[0] == ':' && digits(s + 1, 2) && s[3] >= 'A' &&
	    s[3] <= 'Z' && s[4] == ':')
		return 3;
	return 0;
}

static int append(struct reader *r, const char *s, size_t n, bool newline)
{
	struct field *f = &r->f;
	if (f->len + n + 1 > MT940_FIELD_MAX)
		return fail(r, r->line, ":%s: longer than %d bytes", f->tag,
			    MT940_FIELD_MAX);
	if (newline)
		f->text[f->len++] = '\n';
	memcpy(f->text + f->len, s, n);
	f->len += n;
	f->text[f->len] = '\0';
	return 0;
}

/* A SWIFT block wrapper line: "{1:...}{2:...}...{4:" opens, "-}" with
 * "{5:...}" after it closes (and ends the statement). */
static bool is_block_open(const char *s, size_t n)
{
	return n >= 3 && s[0] == '{' && memcmp(s + n - 3, "{4:", 3) == 0;
}

static int feed(struct reader *r, char *s, size_t n)
{
	/* Trailing blanks are padding some banks add; a line of only Ctrl-Z
	 * is a DOS end-of-file mark. Both are ignored, as are blank lines. */
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t z = 0;
	while (z < n && s[z] == 0x1a)
		z++;
	if (n == 0 || z == n)
		return 0;
	s[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(r, r->line, "a control character (byte 0x%02x)",
				    (unsigned char)s[i]);
	if (!bankfile_utf8_valid((const unsigned char *)s, n))
		return fail(r, r->line, "invalid UTF-8");
	size_t t = tag_len(s, n);
	if (t > 0) {
		if (end_field(r) < 0)
			return -1;
		memcpy(r->f.tag, s + 1, t);
		r->f.tag[t] = '\0';
		r->f.len = 0;
		r->f.text[0] = '\0';
		r->f.line = r->line;
		return append(r, s + t + 2, n - t - 2, false);
	}
	if (strcmp(s, "-") == 0 || strncmp(s, "-}", 2) == 0) {
		if (end_field(r) < 0)
			return -1;
		if (!r->st.open)
			return fail(r, r->line, "'%s' ends no statement", s);
		return end_statement(r, r->line);
	}
	if (is_block_open(s, n) || strncmp(s, "{5:", 3) == 0 ||
	    (r->f.tag[0] == '\0' && !r->st.open && strcmp(s, ":940:") == 0))
		return end_field(r);
	/* Only :61: (supplementary details) and :86: go on over lines. */
	if (strcmp(r->f.tag, "61") == 0 || strcmp(r->f.tag, "86") == 0)
		return append(r, s, n, true);
	return fail(r, r->line, "'%.20s' is neither a field (:NN:) nor a line "
		    "of :61: or :86:", s);
}

static int run(struct reader *r, FILE *in, struct sha256 *h)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = getline(&buf, &cap, in)) > 0) {
		sha256_update(h, buf, (size_t)n);
		r->line++;
		if (memchr(buf, '\0', (size_t)n) != NULL) {
			rc = fail(r, r->line, "a NUL byte");
			break;
		}
		size_t len = (size_t)n;
		if (len > 0 && buf[len - 1] == '\n')
			len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
		if (len > MT940_LINE_MAX)
			rc = fail(r, r->line, "line longer than %d bytes", MT940_LINE_MAX);
		else
			rc = feed(r, buf, len);
	}
	free(buf);
	if (rc == 0 && ferror(in))
		rc = fail(r, r->line, "read error: %s", strerror(errno));
	/* The end of the file ends the last field and statement: a missing
	 * final "-" or line break is how many banks write it. */
	if (rc == 0 && (end_field(r) < 0 || end_statement(r, r->line) < 0))
		rc = -1;
	if (rc == 0 && r->stmt_count == 0)
		rc = fail(r, 0, "no statement (:20:) in the file");
	return rc;
}

int mt940_read_stream(FILE *in, const char *bank,
		      const struct config_bankfile *map, struct bankfile **ret,
		      struct bankfile_error *err)
{
	assert(in != NULL && map != NULL && map->format == CONFIG_FORMAT_MT940);
	struct reader *r = calloc(1, sizeof(*r));
	int rc = -1;
	char why[160];
	err->line = 0;
	err->reason[0] = '\0';
	if (r == NULL) {
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -1;
	}
	r->err = err;
	r->map = map;
	r->bf = bankfile_new();
	if (r->bf == NULL) {
		fail(r, 0, "out of memory");
		goto out;
	}
	if (entryref_new(map, &r->er, why, sizeof(why)) < 0) {
		fail(r, 0, "%s", why);
		goto out;
	}
	struct sha256 h;
	sha256_init(&h);
	if (run(r, in, &h) < 0)
		goto out;
	uint8_t digest[SHA256_DIGEST_LEN];
	char hex[65];
	sha256_final(&h, digest);
	sha256_hex(digest, hex);
	bankfile_set_header(r->bf, bank, r->business_date, "");
	bankfile_set_sha256(r->bf, hex);
	*ret = r->bf;
	r->bf = NULL;
	rc = 0;
out:
	entryref_free(r->er);
	bankfile_free(r->bf);
	free(r);
	return rc;
}
