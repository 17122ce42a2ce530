/* bankfile — see bankfile.h and schemas/csv-formats.md (b).
 *
 * The file is fed to libcsv one physical line at a time, so every record
 * knows the line it started on, a blank line can be told from a line break
 * inside a quoted field, and a line longer than BANKFILE_LINE_MAX is
 * refused before libcsv buffers it.
 *
 * A bank's variant (struct config_bankfile) changes only the delimiter,
 * the decimal separator, the tags and where each D field sits: every
 * check below runs on every variant, on the field found through col[]. */
#include "bankfile.h"
#include "sortutil.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "bizdate.h"
#include "sha256.h"
#include "timeutil.h"

#define ARENA_CHUNK (1024 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	char data[];
};

struct bankfile {
	char bank[INTENT_BANK_MAX + 1];
	char business_date[BIZDATE_TEXT_LEN + 1];
	char created_at[INTENT_TIME_MAX + 1];
	char sha256[65];
	struct bankfile_line *lines;
	size_t line_count, line_cap;
	struct bankfile_statement *statements;
	size_t statement_count, statement_cap;
	struct bankfile_check *checks;
	size_t check_count, check_cap;
	struct arena_chunk *chunks; /* string storage; pointers stay valid */
};

/* Per-currency running totals of the D lines. */
struct cur_total {
	const struct currency *cur;
	int64_t total_minor;
};

/* Standard format (b): the variant that is no variant. */
static const struct config_bankfile standard_map = {
	.delimiter = ',',
	.decimal_separator = '.',
	.header_tag = "H",
	.detail_tag = "D",
	.trailer_tag = "T",
	.column_count = CONFIG_COL_COUNT - 1,
	.columns = {CONFIG_COL_LINE_NO, CONFIG_COL_INTENT_ID,
		    CONFIG_COL_IDEMPOTENCY_KEY, CONFIG_COL_TERMINAL,
		    CONFIG_COL_BILLER, CONFIG_COL_ACCOUNT, CONFIG_COL_INVOICE_NO,
		    CONFIG_COL_AMOUNT, CONFIG_COL_CURRENCY, CONFIG_COL_PAID_AT,
		    CONFIG_COL_CHANNEL},
};

struct reader {
	struct bankfile *bf;
	struct bankfile_error *err;
	bool failed;
	const struct config_bankfile *map;
	/* D record field index of each column; 0 (the tag's index) = the
	 * bank has no such column, read as "" */
	size_t col[CONFIG_COL_COUNT];
	/* the record being assembled */
	char rec_buf[2 * BANKFILE_LINE_MAX]; /* the record's fields, NUL-ended */
	size_t rec_used;
	const char *fields[BANKFILE_FIELDS_MAX];
	size_t field_len[BANKFILE_FIELDS_MAX];
	size_t field_count;
	bool too_many_fields, too_long;
	int64_t line;          /* physical line being fed */
	int64_t record_line;   /* line where the current record started */
	bool at_record_start;  /* no byte of a record fed since the last end */
	enum { WANT_H, IN_BODY, AFTER_T } state;
	struct cur_total totals[BANKFILE_CURRENCIES_MAX];
	size_t total_count;
};

static int fail(struct reader *r, int64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Keep the first error: later ones are usually its consequences. */
static int fail(struct reader *r, int64_t line, const char *fmt, ...)
{
	if (r->failed)
		return -1;
	r->failed = true;
	r->err->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err->reason, sizeof(r->err->reason), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *arena_strdup(struct bankfile *bf, const char *s, size_t len)
{
	struct arena_chunk *c = bf->chunks;
	if (c == NULL || ARENA_CHUNK - c->used < len + 1) {
		size_t size = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->next = bf->chunks;
		c->used = 0;
		bf->chunks = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

void bankfile_free(struct bankfile *bf)
{
	if (bf == NULL)
		return;
	while (bf->chunks != NULL) {
		struct arena_chunk *n = bf->chunks->next;
		free(bf->chunks);
		bf->chunks = n;
	}
	free(bf->lines);
	free(bf->statements);
	free(bf->checks);
	free(bf);
}

int bankfile_balance(const char *label, int64_t open_minor, int64_t credit_minor,
		     int64_t debit_minor, const struct currency *cur,
		     int64_t *ret_end, char *text, size_t text_size)
{
	int64_t end;
	char o[MONEY_TEXT_MAX], c[MONEY_TEXT_MAX], d[MONEY_TEXT_MAX], e[MONEY_TEXT_MAX];
	if (money_add(open_minor, credit_minor, &end) < 0 ||
	    money_sub(end, debit_minor, &end) < 0)
		return -1;
	money_format(open_minor, cur, o, sizeof(o));
	money_format(credit_minor, cur, c, sizeof(c));
	money_format(debit_minor, cur, d, sizeof(d));
	money_format(end, cur, e, sizeof(e));
	snprintf(text, text_size, "%s %s + credits %s - debits %s = %s", label, o,
		 c, d, e);
	*ret_end = end;
	return 0;
}

struct bankfile *bankfile_new(void)
{
	return calloc(1, sizeof(struct bankfile));
}

static const char *const status_names[] = {"BOOK", "PDNG", "INFO"};

const char *bankfile_status_name(enum bankfile_status st)
{
	assert((unsigned)st < sizeof(status_names) / sizeof(status_names[0]));
	return status_names[st];
}

/* Room for one more item of size `size` in *items (count, *cap). */
static int reserve(void **items, size_t count, size_t *cap, size_t size)
{
	if (count < *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 64;
	void *p = realloc(*items, n * size);
	if (p == NULL)
		return -1;
	*items = p;
	*cap = n;
	return 0;
}

/* Every string member of a line, so one loop copies them all. */
static const size_t line_strings[] = {
	offsetof(struct bankfile_line, intent_id),
	offsetof(struct bankfile_line, idempotency_key),
	offsetof(struct bankfile_line, terminal),
	offsetof(struct bankfile_line, biller),
	offsetof(struct bankfile_line, account),
	offsetof(struct bankfile_line, invoice_no),
	offsetof(struct bankfile_line, paid_at),
	offsetof(struct bankfile_line, statement),
	offsetof(struct bankfile_line, booking_date),
	offsetof(struct bankfile_line, value_date),
	offsetof(struct bankfile_line, end_to_end_id),
	offsetof(struct bankfile_line, instr_id),
	offsetof(struct bankfile_line, acct_svcr_ref),
	offsetof(struct bankfile_line, tx_id),
	offsetof(struct bankfile_line, remittance),
	offsetof(struct bankfile_line, creditor_ref),
};

static const char *arena_strdup(struct bankfile *bf, const char *s, size_t len);

int bankfile_add(struct bankfile *bf, const struct bankfile_line *l)
{
	if (bf->line_count == BANKFILE_LINES_MAX ||
	    reserve((void **)&bf->lines, bf->line_count, &bf->line_cap,
		    sizeof(*bf->lines)) < 0)
		return -1;
	struct bankfile_line c = *l;
	for (size_t i = 0; i < sizeof(line_strings) / sizeof(line_strings[0]); i++) {
		const char **dst = (const char **)((char *)&c + line_strings[i]);
		const char *src = *dst != NULL ? *dst : "";
		/* "" is shared, not copied: most optional fields are empty. */
		*dst = src[0] == '\0' ? "" : arena_strdup(bf, src, strlen(src));
		if (*dst == NULL)
			return -1; /* the arena keeps the copies: freed with bf */
	}
	c.line_no = (int64_t)bf->line_count + 1;
	bf->lines[bf->line_count++] = c;
	return 0;
}

int bankfile_add_statement(struct bankfile *bf,
			   const struct bankfile_statement *st)
{
	if (reserve((void **)&bf->statements, bf->statement_count,
		    &bf->statement_cap, sizeof(*bf->statements)) < 0)
		return -1;
	struct bankfile_statement c = *st;
	c.id = arena_strdup(bf, st->id, strlen(st->id));
	c.account = arena_strdup(bf, st->account, strlen(st->account));
	if (c.id == NULL || c.account == NULL)
		return -1;
	bf->statements[bf->statement_count++] = c;
	return 0;
}

int bankfile_add_check(struct bankfile *bf, const char *statement,
		       const char *name, const char *fmt, ...)
{
	if (reserve((void **)&bf->checks, bf->check_count, &bf->check_cap,
		    sizeof(*bf->checks)) < 0)
		return -1;
	struct bankfile_check *c = &bf->checks[bf->check_count];
	c->statement = arena_strdup(bf, statement, strlen(statement));
	if (c->statement == NULL)
		return -1;
	snprintf(c->name, sizeof(c->name), "%s", name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	bf->check_count++;
	return 0;
}

void bankfile_set_header(struct bankfile *bf, const char *bank,
			 const char *business_date, const char *created_at)
{
	snprintf(bf->bank, sizeof(bf->bank), "%s", bank);
	snprintf(bf->business_date, sizeof(bf->business_date), "%s", business_date);
	snprintf(bf->created_at, sizeof(bf->created_at), "%s", created_at);
}

void bankfile_set_sha256(struct bankfile *bf, const char hex[65])
{
	memcpy(bf->sha256, hex, sizeof(bf->sha256));
	bf->sha256[64] = '\0';
}

size_t bankfile_statement_count(const struct bankfile *bf)
{
	return bf->statement_count;
}

const struct bankfile_statement *bankfile_statement_at(const struct bankfile *bf,
						       size_t i)
{
	assert(i < bf->statement_count);
	return &bf->statements[i];
}

size_t bankfile_check_count(const struct bankfile *bf) { return bf->check_count; }

const struct bankfile_check *bankfile_check_at(const struct bankfile *bf,
					       size_t i)
{
	assert(i < bf->check_count);
	return &bf->checks[i];
}

/* ---- field checks ---- */

static bool printable(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static bool in_class(const char *s, size_t len, size_t max, const char *extra,
		     bool lower, bool upper)
{
	if (len == 0 || len > max)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= '0' && c <= '9') || (lower && c >= 'a' && c <= 'z') ||
			  (upper && c >= 'A' && c <= 'Z') ||
			  (c != '\0' && strchr(extra, c) != NULL);
		if (!ok)
			return false;
	}
	return true;
}

static bool uuid_text(const char *s, size_t len)
{
	if (len != INTENT_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

/* Positive decimal integer without sign or leading zeros. */
static int parse_count(const char *s, size_t len, int64_t *ret)
{
	if (len == 0 || len > 18 || (s[0] == '0' && len > 1))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

bool bankfile_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1, cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2, cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3, cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

/* ---- records ---- */

static void on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	if (r->field_count == BANKFILE_FIELDS_MAX) {
		r->too_many_fields = true;
		return;
	}
	if (sizeof(r->rec_buf) - r->rec_used < len + 1) {
		r->too_long = true;
		return;
	}
	char *p = r->rec_buf + r->rec_used;
	if (len > 0)
		memcpy(p, data, len);
	p[len] = '\0';
	r->rec_used += len + 1;
	r->fields[r->field_count] = p;
	r->field_len[r->field_count] = len;
	r->field_count++;
}

#define F(i) (r->fields[i])
#define FLEN(i) (r->field_len[i])
/* A D record's field by column (enum config_bankfile_column). */
#define FC(c) (r->col[c] != 0 ? r->fields[r->col[c]] : "")
#define FCLEN(c) (r->col[c] != 0 ? r->field_len[r->col[c]] : 0)

/* money_parse() in the file's decimal separator. With ',' the text may
 * hold no '.' (it would be a thousands separator: 1.000,500), and its
 * first ',' is read as the point; a second ',' stays and money_parse()
 * refuses it. Nothing else is changed, so this is exactly as strict. */
static int amount_parse(const struct reader *r, const char *text, size_t len,
			const struct currency *cur, unsigned flags,
			int64_t *ret_minor, char *why, size_t why_size)
{
	char buf[MONEY_INPUT_MAX];
	if (r->map->decimal_separator == '.' || len > sizeof(buf))
		return money_parse(text, len, cur, flags, ret_minor, why, why_size);
	if (memchr(text, '.', len) != NULL) {
		snprintf(why, why_size, "has a '.' but the decimal separator is ','");
		return -1;
	}
	memcpy(buf, text, len);
	char *comma = memchr(buf, ',', len);
	if (comma != NULL)
		*comma = '.';
	return money_parse(buf, len, cur, flags, ret_minor, why, why_size);
}

static int do_header(struct reader *r)
{
	struct bankfile *bf = r->bf;
	int64_t day, ms;
	char why[128];
	if (r->field_count != 5)
		return fail(r, r->record_line, "%s record has %zu fields, expected 5",
			    r->map->header_tag, r->field_count);
	if (strcmp(F(1), "1") != 0)
		return fail(r, r->record_line, "format_version '%s' is not 1", F(1));
	if (!in_class(F(2), FLEN(2), INTENT_BANK_MAX, "_-", false, true))
		return fail(r, r->record_line, "bank '%s' is not 1-16 of A-Z 0-9 _ -",
			    F(2));
	if (bizdate_parse(F(3), &day) < 0)
		return fail(r, r->record_line, "business_date '%s' is not YYYY-MM-DD",
			    F(3));
	if (FLEN(4) > INTENT_TIME_MAX ||
	    rfc3339_parse(F(4), FLEN(4), &ms, NULL, why, sizeof(why)) < 0)
		return fail(r, r->record_line, "created_at '%s' is not RFC 3339",
			    F(4));
	memcpy(bf->bank, F(2), FLEN(2) + 1);
	memcpy(bf->business_date, F(3), FLEN(3) + 1);
	memcpy(bf->created_at, F(4), FLEN(4) + 1);
	r->state = IN_BODY;
	return 0;
}

static int add_total(struct reader *r, const struct currency *cur,
		     int64_t amount_minor)
{
	for (size_t i = 0; i < r->total_count; i++)
		if (r->totals[i].cur == cur)
			return money_add(r->totals[i].total_minor, amount_minor,
					 &r->totals[i].total_minor);
	if (r->total_count == BANKFILE_CURRENCIES_MAX)
		return -1;
	r->totals[r->total_count++] = (struct cur_total){cur, amount_minor};
	return 0;
}

/* The text fields of a D record: column, name, maximum length, required. */
static const struct {
	enum config_bankfile_column col;
	const char *name;
	size_t max;
	bool required;
} d_text[] = {
	{CONFIG_COL_IDEMPOTENCY_KEY, "idempotency_key", INTENT_KEY_MAX, true},
	{CONFIG_COL_TERMINAL, "terminal", INTENT_TERMINAL_MAX, true},
	{CONFIG_COL_BILLER, "biller", INTENT_BILLER_MAX, true},
	{CONFIG_COL_ACCOUNT, "account", INTENT_ACCOUNT_MAX, true},
	{CONFIG_COL_INVOICE_NO, "invoice_no", INTENT_INVOICE_MAX, false},
};

static int d_check_text(struct reader *r)
{
	for (size_t i = 0; i < sizeof(d_text) / sizeof(d_text[0]); i++) {
		enum config_bankfile_column f = d_text[i].col;
		if (FCLEN(f) == 0 && d_text[i].required) {
			fail(r, r->record_line, "%s is empty", d_text[i].name);
			return -1;
		}
		if (FCLEN(f) > d_text[i].max || !printable(FC(f), FCLEN(f))) {
			fail(r, r->record_line,
			     "%s is longer than %zu bytes or has control characters",
			     d_text[i].name, d_text[i].max);
			return -1;
		}
	}
	const char *id = FC(CONFIG_COL_INTENT_ID);
	size_t id_len = FCLEN(CONFIG_COL_INTENT_ID);
	if (id_len != 0 && !uuid_text(id, id_len)) {
		fail(r, r->record_line, "intent_id '%s' is not a lower-case UUID", id);
		return -1;
	}
	return 0;
}

static int d_parse_values(struct reader *r, struct bankfile_line *l)
{
	char why[160];
	const char *no = FC(CONFIG_COL_LINE_NO), *amount = FC(CONFIG_COL_AMOUNT);
	const char *cur = FC(CONFIG_COL_CURRENCY), *at = FC(CONFIG_COL_PAID_AT);
	const char *channel = FC(CONFIG_COL_CHANNEL);
	if (parse_count(no, FCLEN(CONFIG_COL_LINE_NO), &l->line_no) < 0) {
		fail(r, r->record_line, "line_no '%s' is not a number", no);
		return -1;
	}
	if (l->line_no != (int64_t)r->bf->line_count + 1) {
		fail(r, r->record_line, "line_no %" PRId64 ", expected %zu",
		     l->line_no, r->bf->line_count + 1);
		return -1;
	}
	l->currency = currency_find(cur);
	if (l->currency == NULL) {
		fail(r, r->record_line, "currency '%s' is not a known ISO 4217 code",
		     cur);
		return -1;
	}
	if (amount_parse(r, amount, FCLEN(CONFIG_COL_AMOUNT), l->currency, 0,
			 &l->amount_minor, why, sizeof(why)) < 0) {
		fail(r, r->record_line, "amount '%s': %s", amount, why);
		return -1;
	}
	size_t at_len = FCLEN(CONFIG_COL_PAID_AT);
	if (at_len > INTENT_TIME_MAX ||
	    rfc3339_parse(at, at_len, &l->paid_at_ms, NULL, why, sizeof(why)) < 0) {
		fail(r, r->record_line, "paid_at '%s' is not RFC 3339", at);
		return -1;
	}
	if (intent_channel_parse(channel, &l->channel) < 0) {
		fail(r, r->record_line, "channel '%s' is not teller, atm, agent, "
		     "mobile or web", channel);
		return -1;
	}
	return 0;
}

static int d_store(struct reader *r, struct bankfile_line *l)
{
	const char **dst[] = {&l->intent_id, &l->idempotency_key, &l->terminal,
			      &l->biller, &l->account, &l->invoice_no,
			      &l->paid_at};
	const enum config_bankfile_column src[] = {
		CONFIG_COL_INTENT_ID, CONFIG_COL_IDEMPOTENCY_KEY, CONFIG_COL_TERMINAL,
		CONFIG_COL_BILLER, CONFIG_COL_ACCOUNT, CONFIG_COL_INVOICE_NO,
		CONFIG_COL_PAID_AT};
	_Static_assert(sizeof(src) / sizeof(src[0]) == sizeof(dst) / sizeof(dst[0]),
		       "one column per string");
	/* The fields are NUL-terminated in rec_buf: bankfile_add() copies. */
	for (size_t i = 0; i < sizeof(src) / sizeof(src[0]); i++)
		*dst[i] = FC(src[i]);
	return bankfile_add(r->bf, l);
}

static int do_detail(struct reader *r)
{
	if (r->field_count != 1 + r->map->column_count)
		return fail(r, r->record_line, "%s record has %zu fields, expected %zu",
			    r->map->detail_tag, r->field_count,
			    1 + r->map->column_count);
	if (r->bf->line_count == BANKFILE_LINES_MAX)
		return fail(r, r->record_line, "more than %d D records",
			    BANKFILE_LINES_MAX);
	struct bankfile_line l = {.file_line = r->record_line};
	if (d_check_text(r) < 0 || d_parse_values(r, &l) < 0)
		return -1;
	if (add_total(r, l.currency, l.amount_minor) < 0)
		return fail(r, r->record_line,
			    "currency total overflows or more than %d currencies",
			    BANKFILE_CURRENCIES_MAX);
	if (d_store(r, &l) < 0)
		return fail(r, r->record_line, "out of memory");
	return 0;
}

static int cmp_total(const void *a, const void *b)
{
	const struct cur_total *x = a, *y = b;
	return strcmp(x->cur->code, y->cur->code);
}

static int do_trailer(struct reader *r)
{
	int64_t count;
	char why[160];
	if (r->field_count < 2 || r->field_count % 2 != 0)
		return fail(r, r->record_line,
			    "%s record has %zu fields, expected 2 + 2 per currency",
			    r->map->trailer_tag, r->field_count);
	if (parse_count(F(1), FLEN(1), &count) < 0)
		return fail(r, r->record_line, "control_count '%s' is not a number",
			    F(1));
	if (count != (int64_t)r->bf->line_count)
		return fail(r, r->record_line,
			    "control_count %" PRId64 " but the file has %zu D lines",
			    count, r->bf->line_count);
	sort_items(r->totals, r->total_count, sizeof(r->totals[0]), cmp_total);
	size_t pairs = (r->field_count - 2) / 2;
	if (pairs != r->total_count)
		return fail(r, r->record_line,
			    "trailer has %zu currency totals, the D lines have %zu "
			    "currencies", pairs, r->total_count);
	for (size_t i = 0; i < pairs; i++) {
		const char *code = F(2 + 2 * i), *text = F(3 + 2 * i);
		const struct cur_total *t = &r->totals[i];
		int64_t total;
		if (strcmp(code, t->cur->code) != 0)
			return fail(r, r->record_line,
				    "trailer currency %zu is '%s', expected '%s' "
				    "(ascending, one per currency of the D lines)",
				    i + 1, code, t->cur->code);
		if (amount_parse(r, text, FLEN(3 + 2 * i), t->cur, MONEY_ALLOW_ZERO,
				 &total, why, sizeof(why)) < 0)
			return fail(r, r->record_line, "control_total '%s': %s", text,
				    why);
		if (total != t->total_minor) {
			char sum[MONEY_TEXT_MAX];
			money_format(t->total_minor, t->cur, sum, sizeof(sum));
			return fail(r, r->record_line,
				    "control_total %s %s but the D lines add up to %s",
				    code, text, sum);
		}
	}
	r->state = AFTER_T;
	return 0;
}

static void on_record(int c, void *arg)
{
	struct reader *r = arg;
	(void)c;
	r->at_record_start = true;
	if (r->failed)
		goto out;
	if (r->too_many_fields || r->too_long) {
		fail(r, r->record_line, "record has more than %d fields or bytes",
		     r->too_many_fields ? BANKFILE_FIELDS_MAX
					: (int)sizeof(r->rec_buf));
		goto out;
	}
	const char *type = r->field_count > 0 ? F(0) : "";
	const struct config_bankfile *m = r->map;
	bool is_h = strcmp(type, m->header_tag) == 0;
	if (r->state == AFTER_T)
		fail(r, r->record_line, "a record follows the %s trailer",
		     m->trailer_tag);
	else if (r->state == WANT_H && !is_h)
		fail(r, r->record_line, "first record is '%s', not an %s header",
		     type, m->header_tag);
	else if (is_h && r->state != WANT_H)
		fail(r, r->record_line, "a second %s header", m->header_tag);
	else if (is_h)
		do_header(r);
	else if (strcmp(type, m->detail_tag) == 0)
		do_detail(r);
	else if (strcmp(type, m->trailer_tag) == 0)
		do_trailer(r);
	else
		fail(r, r->record_line, "unknown record type '%s'", type);
out:
	r->field_count = 0;
	r->rec_used = 0;
	r->too_many_fields = r->too_long = false;
}

/* ---- the file ---- */

/* Spaces are data in these files (csv-formats.md): libcsv's default trims
 * spaces and tabs around unquoted fields, so switch that off. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Only LF ends a record: lines are fed without their CRLF or LF and then
 * one LF, so a CR anywhere else is data, which every field's check
 * refuses (libcsv's default would take a bare CR as a line break). */
static int is_term(unsigned char c)
{
	return c == CSV_LF;
}

/* Feed one physical line (with its line break, if any) to the parser. */
static int feed_line(struct reader *r, struct csv_parser *p, char *buf,
		     size_t len)
{
	if (r->line == 1 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	size_t body = len;
	if (body > 0 && buf[body - 1] == '\n')
		body--;
	if (body > 0 && buf[body - 1] == '\r')
		body--;
	if (len - body == 1 && buf[body] == '\r') {
		fail(r, r->line, "a bare CR line break (only CRLF or LF)");
		return -1;
	}
	if (len > BANKFILE_LINE_MAX) {
		fail(r, r->line, "line longer than %d bytes", BANKFILE_LINE_MAX);
		return -1;
	}
	/* A NUL is valid UTF-8 and libcsv passes it on, but every check and
	 * copy below that treats a field as a C string would see only its
	 * start ("JOD\0x" as JOD, and do_header() copying past a buffer:
	 * fuzz-bankfile found it). No field of these files holds a NUL. */
	if (memchr(buf, '\0', len) != NULL) {
		fail(r, r->line, "a NUL byte");
		return -1;
	}
	if (!bankfile_utf8_valid((const unsigned char *)buf, len)) {
		fail(r, r->line, "invalid UTF-8");
		return -1;
	}
	if (r->at_record_start) {
		if (body == 0) {
			fail(r, r->line, "blank line");
			return -1;
		}
		r->record_line = r->line;
		r->at_record_start = false;
	}
	bool has_break = len > body;
	if (csv_parse(p, buf, body, on_field, on_record, r) != body ||
	    (has_break && csv_parse(p, "\n", 1, on_field, on_record, r) != 1)) {
		fail(r, r->line, "malformed CSV quoting (%s)",
		     csv_strerror(csv_error(p)));
		return -1;
	}
	return r->failed ? -1 : 0;
}

static int finish(struct reader *r, struct csv_parser *p)
{
	if (!r->failed && csv_fini(p, on_field, on_record, r) != 0)
		fail(r, r->record_line,
		     "unterminated quoted field at the end of the file (truncated?)");
	if (r->failed)
		return -1;
	if (r->state == WANT_H)
		fail(r, 0, "empty file: no %s header", r->map->header_tag);
	else if (r->state != AFTER_T)
		fail(r, r->line, "no %s trailer at the end: the file is truncated",
		     r->map->trailer_tag);
	return r->failed ? -1 : 0;
}

/* Where each column's field sits in a D record of this variant. */
static void map_columns(struct reader *r)
{
	assert(r->map->column_count + 1 <= BANKFILE_FIELDS_MAX);
	for (size_t i = 0; i < r->map->column_count; i++) {
		unsigned char c = r->map->columns[i];
		assert(c < CONFIG_COL_COUNT);
		if (c != CONFIG_COL_IGNORE) {
			assert(r->col[c] == 0); /* config_load: at most once */
			r->col[c] = i + 1;
		}
	}
}

int bankfile_read_stream(FILE *in, struct bankfile **ret,
			 struct bankfile_error *err)
{
	return bankfile_read_stream_map(in, NULL, ret, err);
}

int bankfile_read_stream_map(FILE *in, const struct config_bankfile *map,
			     struct bankfile **ret, struct bankfile_error *err)
{
	assert(in != NULL && ret != NULL && err != NULL);
	if (map == NULL)
		map = &standard_map;
	struct bankfile *bf = calloc(1, sizeof(*bf));
	struct reader *r = calloc(1, sizeof(*r));
	struct csv_parser p;
	bool p_ok = false;
	char *buf = NULL;
	size_t cap = 0;
	int rc = -1;
	if (bf == NULL || r == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		err->line = 0;
		goto out;
	}
	p_ok = true;
	csv_set_space_func(&p, no_space);
	csv_set_term_func(&p, is_term);
	/* The quote stays '"' in every variant (RFC 4180). */
	csv_set_delim(&p, (unsigned char)map->delimiter);
	*r = (struct reader){.bf = bf, .err = err, .map = map,
			     .at_record_start = true};
	map_columns(r);
	struct sha256 h;
	sha256_init(&h);
	ssize_t n;
	while ((n = getline(&buf, &cap, in)) > 0) {
		sha256_update(&h, buf, (size_t)n);
		r->line++;
		if (feed_line(r, &p, buf, (size_t)n) < 0)
			goto out;
	}
	if (ferror(in)) {
		fail(r, r->line, "read error: %s", strerror(errno));
		goto out;
	}
	if (finish(r, &p) < 0)
		goto out;
	uint8_t digest[SHA256_DIGEST_LEN];
	sha256_final(&h, digest);
	sha256_hex(digest, bf->sha256);
	*ret = bf;
	bf = NULL;
	rc = 0;
out:
	if (p_ok)
		csv_free(&p);
	free(buf);
	free(r);
	bankfile_free(bf);
	return rc;
}

int bankfile_read(const char *path, struct bankfile **ret,
		  struct bankfile_error *err)
{
	return bankfile_read_map(path, NULL, ret, err);
}

int bankfile_read_map(const char *path, const struct config_bankfile *map,
		      struct bankfile **ret, struct bankfile_error *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason), "cannot open: %s",
			 strerror(errno));
		return -1;
	}
	int rc = bankfile_read_stream_map(f, map, ret, err);
	fclose(f);
	return rc;
}

const char *bankfile_bank(const struct bankfile *bf) { return bf->bank; }
const char *bankfile_business_date(const struct bankfile *bf)
{
	return bf->business_date;
}
const char *bankfile_created_at(const struct bankfile *bf)
{
	return bf->created_at;
}
const char *bankfile_sha256(const struct bankfile *bf) { return bf->sha256; }
size_t bankfile_line_count(const struct bankfile *bf) { return bf->line_count; }

const struct bankfile_line *bankfile_line_at(const struct bankfile *bf,
					     size_t i)
{
	assert(i < bf->line_count);
	return &bf->lines[i];
}
