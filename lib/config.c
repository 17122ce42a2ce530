/* config — see config.h. The file is read into memory and fed to libinih
 * line by line through our own reader, which is how we know the line of
 * every entry: libinih as packaged in Debian does not pass line numbers to
 * the handler. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>
#include <regex.h>

#include "errstr.h"
#include "intopt.h"

/* Bounds: a registry larger than this is a mistake or an attack. */
#define CONFIG_FILE_MAX_BYTES (64 * 1024 * 1024)
#define CONFIG_BILLERS_MAX 1024
#define CONFIG_BANKS_MAX 1024
#define CONFIG_TERMINALS_MAX 1000000
#define CONFIG_ENTRIES_MAX 4096

struct config {
	char path[PATH_MAX];
	char dir[PATH_MAX];
	struct config_biller *billers;
	size_t biller_count, biller_cap;
	struct config_bank *banks;
	size_t bank_count, bank_cap;
	struct config_terminal *terminals;
	size_t terminal_count, terminal_cap;
	struct config_entry *kafka;
	size_t kafka_count, kafka_cap;
	struct config_entry *entries; /* program sections */
	size_t entry_count, entry_cap;
	struct config_bankfile *bankfiles; /* settle/: [bankfile BANK] */
	size_t bankfile_count, bankfile_cap;
};

/* Keys a program section may hold. A key not listed here is refused at
 * load, so a typo is an error instead of a silent default. Each program
 * documents its keys in docs/configuration.md. */
static const struct known_key {
	const char *section;
	const char *key;
} known_keys[] = {
	{"topics", "partitions"},
	{"topics", "dead_letter"},
	{"topics", "events"},

	/* [intake]: producer/ */
	{"intake", "listen"},
	{"intake", "port"},
	{"intake", "answer_timeout_ms"},
	{"intake", "inflight_max"},
	{"intake", "batch_max"},
	{"intake", "connections_max"},
	{"intake", "connection_timeout_s"},
	{"intake", "request_timeout_ms"},
	{"intake", "retry_after_s"},
	{"intake", "threads"},
	{"intake", "guard"},
	{"intake", "guard_partition_bytes"},
	{"intake", "guard_margin_permille"},
	{"intake", "paid_at_past_tolerance_s"},
	{"intake", "paid_at_future_tolerance_s"},
	{"intake", "events_log"},


	/* [post]: consumer/ */
	{"post", "batch_max"},
	{"post", "batch_wait_ms"},
	{"post", "stats_interval_ms"},
	{"post", "stats_file"},
	{"post", "dlq_timeout_ms"},
	{"post", "dlq_retry_ms"},

	/* [settle]: settle/ */
	{"settle", "timezone"},
	{"settle", "cutoff"},
	{"settle", "bank_files_dir"},
	{"settle", "reports_dir"},
	{"settle", "outage_file"},
	{"settle", "outage_margin_days"},
	{"settle", "lock_file"},
	{"settle", "match_window_s"},
	{"settle", "events_file"},
	{"settle", "outage_events_min"},
	{"settle", "outage_events_window_s"},
	{"settle", "dead_letter_file"},


	/* [inquiry]: inquiry/ */
	{"inquiry", "listen"},
	{"inquiry", "port"},
	{"inquiry", "threads"},
	{"inquiry", "connections_max"},
	{"inquiry", "connection_timeout_s"},
};

/* State while parsing. */
struct parse {
	struct config *cfg;
	const char *text;   /* whole file */
	size_t text_len;
	size_t pos;         /* reader position */
	int line;           /* line the reader last returned */
	int error_line;     /* first error, 0 when none */
	char error[256];
	/* the section being filled, so its required keys can be checked */
	enum { SEC_NONE, SEC_KAFKA, SEC_PROGRAM, SEC_BILLER, SEC_BANK,
	       SEC_TERMINAL, SEC_BANKFILE } kind;
	char section[128];
	bool seen_token; /* terminal: token_sha256 set */
	unsigned bankfile_seen; /* bankfile: bit i = bankfile_keys[i] set */
};

static void parse_fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first error only: later ones are often consequences. */
static void parse_fail(struct parse *p, const char *fmt, ...)
{
	if (p->error_line != 0)
		return;
	p->error_line = p->line > 0 ? p->line : 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

static void begin_section(struct parse *p, const char *section);
static void end_section(struct parse *p);

/* A section header line ("[name]", blanks around it allowed, as libinih
 * reads it): close the previous section and open this one. Done here, not
 * in the handler, because the handler only sees sections that have keys,
 * and cannot tell a repeated header from a continued section. */
static void reader_section(struct parse *p, const char *line, size_t len)
{
	size_t i = 0;
	if (p->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
		i += 3; /* UTF-8 BOM, which libinih skips too, before blanks */
	/* libinih's blanks are isspace()'s in the C locale, \v and \f too. */
	while (i < len && line[i] != '\0' && strchr(" \t\v\f\r", line[i]) != NULL)
		i++;
	if (i == len || line[i] != '[')
		return;
	const char *close = memchr(line + i, ']', len - i);
	if (close == NULL) {
		parse_fail(p, "syntax error: expected [section] or key = value");
		return;
	}
	char name[sizeof(p->section)];
	size_t n = (size_t)(close - (line + i + 1));
	if (n >= sizeof(name)) {
		parse_fail(p, "section name longer than %zu bytes", sizeof(name) - 1);
		return;
	}
	memcpy(name, line + i + 1, n);
	name[n] = '\0';
	end_section(p);
	begin_section(p, name);
}

/* libinih reader: one line per call, counting lines. A line that does not
 * fit libinih's fixed buffer is an error here rather than being split. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	if (p->pos >= p->text_len || p->error_line != 0)
		return NULL;
	const char *start = p->text + p->pos;
	const char *nl = memchr(start, '\n', p->text_len - p->pos);
	size_t line_len = nl ? (size_t)(nl - start) + 1 : p->text_len - p->pos;
	p->line++;
	if (line_len + 1 > (size_t)num) {
		parse_fail(p, "line longer than %d bytes", num - 2);
		return NULL;
	}
	reader_section(p, start, line_len);
	if (p->error_line != 0)
		return NULL;
	memcpy(str, start, line_len);
	str[line_len] = '\0';
	p->pos += line_len;
	return str;
}

/* Grow *arr (of elem bytes, *cap slots) to hold one more, up to max. */
static void *grow(void **arr, size_t *cap, size_t count, size_t elem,
		  size_t max)
{
	if (count >= max)
		return NULL;
	if (count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		void *n = realloc(*arr, ncap * elem);
		if (n == NULL)
			return NULL;
		*arr = n;
		*cap = ncap;
	}
	void *slot = (char *)*arr + count * elem;
	memset(slot, 0, elem);
	return slot;
}

static bool copy_str(char *dst, size_t dst_size, const char *src)
{
	size_t n = strlen(src);
	if (n >= dst_size)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

enum {
	ID_LOWER = 1u << 0, /* a-z allowed */
	ID_UPPER = 1u << 1, /* A-Z allowed */
};

/* An identifier: 1..max characters, each a digit, a letter of an allowed
 * case, or one of punct. The classes match the schemas/ patterns. */
static bool id_ok(const char *s, size_t max, unsigned letters, const char *punct)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= '0' && c <= '9') ||
			  ((letters & ID_LOWER) && c >= 'a' && c <= 'z') ||
			  ((letters & ID_UPPER) && c >= 'A' && c <= 'Z') ||
			  (c != '\0' && strchr(punct, c) != NULL);
		if (!ok)
			return false;
	}
	return true;
}

#define BILLER_ID ID_LOWER, "_-"
#define BANK_ID ID_UPPER, "_-"
#define TERMINAL_ID ID_LOWER | ID_UPPER, "._-"

static bool parse_int(const char *s, long long min, long long max,
		      long long *ret)
{
	int64_t v;
	if (intopt_parse(s, min, max, &v) < 0)
		return false;
	*ret = v;
	return true;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex32(const char *s, uint8_t out[32])
{
	if (strlen(s) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* ---- settle/: [bankfile BANK], a bank's variant of the settlement file
 * format (struct config_bankfile in config.h) ---- */

#define CONFIG_BANKFILES_MAX CONFIG_BANKS_MAX

static const char *const bankfile_keys[] = {
	"delimiter", "decimal_separator", "detail_columns",
	"header_tag", "detail_tag", "trailer_tag",
	"format", "intent_id_from", "intent_id_pattern", "account_pattern",
	"invoice_pattern", "biller_accounts",
};
enum {
	BANKFILE_KEY_COLUMNS = 2,    /* required for csv */
	BANKFILE_KEYS_CSV_END = 6,   /* keys before this are csv's only */
	BANKFILE_KEY_FORMAT = 6,
	BANKFILE_KEY_ACCOUNTS = 11,  /* required for the statement formats */
};

static const char *const format_names[CONFIG_FORMAT_COUNT] = {
	"csv", "camt053", "camt054", "mt940",
};
static const char *const intent_source_names[CONFIG_INTENT_SOURCE_COUNT] = {
	"end_to_end_id", "instr_id", "tx_id", "acct_svcr_ref", "remittance",
	"creditor_ref", "none",
};

const char *config_bankfile_format_name(enum config_bankfile_format f)
{
	assert((unsigned)f < CONFIG_FORMAT_COUNT);
	return format_names[f];
}

const char *config_intent_source_name(enum config_intent_source s)
{
	assert((unsigned)s < CONFIG_INTENT_SOURCE_COUNT);
	return intent_source_names[s];
}

static int name_index(const char *const *names, int count, const char *value)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return -1;
}

/* Index = enum config_bankfile_column. */
static const char *const bankfile_column_names[CONFIG_COL_COUNT] = {
	"-", "line_no", "intent_id", "idempotency_key", "terminal", "biller",
	"account", "invoice_no", "amount", "currency", "paid_at", "channel",
};

_Static_assert(sizeof(bankfile_keys) / sizeof(bankfile_keys[0]) <=
	       sizeof(unsigned) * CHAR_BIT, "a bit per key fits");

const char *config_bankfile_column_name(enum config_bankfile_column col)
{
	assert((unsigned)col < CONFIG_COL_COUNT);
	return bankfile_column_names[col];
}

static void begin_bankfile(struct parse *p, const char *bank)
{
	struct config *cfg = p->cfg;
	if (!id_ok(bank, INTENT_BANK_MAX, BANK_ID)) {
		parse_fail(p, "[%s]: bank id must be 1-%d of A-Z 0-9 _ -",
			   p->section, INTENT_BANK_MAX);
		return;
	}
	if (config_bank_find(cfg, bank) == NULL) {
		parse_fail(p, "[%s]: bank %s is not defined above", p->section, bank);
		return;
	}
	if (config_bankfile_find(cfg, bank) != NULL) {
		parse_fail(p, "[%s]: bankfile defined twice", p->section);
		return;
	}
	struct config_bankfile *b = grow((void **)&cfg->bankfiles,
					 &cfg->bankfile_cap, cfg->bankfile_count,
					 sizeof(*b), CONFIG_BANKFILES_MAX);
	if (b == NULL) {
		parse_fail(p, "out of memory");
		return;
	}
	copy_str(b->bank, sizeof(b->bank), bank);
	b->delimiter = ',';
	b->decimal_separator = '.';
	copy_str(b->header_tag, sizeof(b->header_tag), "H");
	copy_str(b->detail_tag, sizeof(b->detail_tag), "D");
	copy_str(b->trailer_tag, sizeof(b->trailer_tag), "T");
	b->line = p->line;
	cfg->bankfile_count++;
	p->kind = SEC_BANKFILE;
}

/* One name of detail_columns (blanks around it already cut). */
static int bankfile_column(const char *name, size_t len)
{
	if ((len == 1 && name[0] == '-') ||
	    (len == 6 && memcmp(name, "ignore", 6) == 0))
		return CONFIG_COL_IGNORE;
	for (int c = 1; c < CONFIG_COL_COUNT; c++)
		if (strlen(bankfile_column_names[c]) == len &&
		    memcmp(bankfile_column_names[c], name, len) == 0)
			return c;
	return -1;
}

/* The comma-separated item at *s: moves *s past the blanks before it,
 * sets *len to its length without the blanks after it, and returns the
 * ',' that ends it or NULL for the last item. */
static const char *list_item(const char **s, size_t *len)
{
	const char *end = strchr(*s, ',');
	size_t n = end ? (size_t)(end - *s) : strlen(*s);
	while (n > 0 && (**s == ' ' || **s == '\t'))
		(*s)++, n--;
	while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
		n--;
	*len = n;
	return end;
}

/* detail_columns = NAME,NAME,...: the D record's columns after its tag. */
static void bankfile_columns(struct parse *p, struct config_bankfile *b,
			     const char *value)
{
	bool seen[CONFIG_COL_COUNT] = {false};
	size_t n = 0;
	for (const char *s = value;; s++) {
		size_t len;
		const char *end = list_item(&s, &len);
		int c = len == 0 ? -1 : bankfile_column(s, len);
		if (n == CONFIG_BANKFILE_COLUMNS_MAX)
			parse_fail(p, "[%s] detail_columns: more than %d columns",
				   p->section, CONFIG_BANKFILE_COLUMNS_MAX);
		else if (len == 0)
			parse_fail(p, "[%s] detail_columns: column %zu is empty",
				   p->section, n + 1);
		else if (c < 0)
			parse_fail(p, "[%s] detail_columns: unknown column '%.*s'",
				   p->section, (int)len, s);
		else if (c != CONFIG_COL_IGNORE && seen[c])
			parse_fail(p, "[%s] detail_columns: column %s named twice",
				   p->section, bankfile_column_names[c]);
		if (p->error_line != 0)
			return;
		seen[c] = true;
		b->columns[n++] = (unsigned char)c;
		if (end == NULL)
			break;
		s = end;
	}
	/* intent_id and invoice_no are optional in format (b): a bank whose
	 * export lacks them writes every line as a legacy line, without an
	 * invoice number. Everything else is needed to reconcile a line. */
	for (int c = 1; c < CONFIG_COL_COUNT; c++)
		if (!seen[c] && c != CONFIG_COL_INTENT_ID &&
		    c != CONFIG_COL_INVOICE_NO) {
			parse_fail(p, "[%s] detail_columns: required column %s is "
				   "missing", p->section, bankfile_column_names[c]);
			return;
		}
	b->column_count = n;
}

/* A pattern key: a POSIX ERE with at least one group (the value taken),
 * compiled here so a bad one is refused at load, not at night. */
static void bankfile_pattern(struct parse *p, char *dst, const char *key,
			     const char *value)
{
	regex_t re;
	int rc = strlen(value) > CONFIG_PATTERN_MAX ? -1
		 : regcomp(&re, value, REG_EXTENDED);
	if (rc != 0) {
		char why[128] = "longer than 255 bytes";
		if (rc > 0)
			regerror(rc, &re, why, sizeof(why));
		parse_fail(p, "[%s] %s: not a POSIX extended regex: %s", p->section,
			   key, why);
		return;
	}
	size_t groups = re.re_nsub;
	regfree(&re);
	if (groups < 1)
		parse_fail(p, "[%s] %s: needs a group (...) around the value",
			   p->section, key);
	else
		copy_str(dst, CONFIG_PATTERN_MAX + 1, value);
}

/* biller_accounts = BILLER:ACCOUNT, ...: the statement account of each
 * biller at this bank. */
static void bankfile_accounts(struct parse *p, struct config_bankfile *b,
			      const char *value)
{
	for (const char *s = value;; s++) {
		size_t len;
		const char *end = list_item(&s, &len);
		const char *colon = memchr(s, ':', len);
		char biller[64] = "", account[64] = "";
		if (colon != NULL && (size_t)(colon - s) < sizeof(biller) &&
		    len - (size_t)(colon - s) - 1 < sizeof(account)) {
			memcpy(biller, s, (size_t)(colon - s));
			memcpy(account, colon + 1, len - (size_t)(colon - s) - 1);
		}
		if (b->biller_account_count == CONFIG_BILLER_ACCOUNTS_MAX)
			parse_fail(p, "[%s] biller_accounts: more than %d", p->section,
				   CONFIG_BILLER_ACCOUNTS_MAX);
		else if (config_biller_find(p->cfg, biller) == NULL)
			parse_fail(p, "[%s] biller_accounts: '%.*s' is not BILLER:ACCOUNT "
				   "with a biller defined above", p->section, (int)len, s);
		else if (!id_ok(account, CONFIG_STATEMENT_ACCOUNT_MAX,
				ID_LOWER | ID_UPPER, "-_./"))
			parse_fail(p, "[%s] biller_accounts: account '%s' is not 1-%d of "
				   "A-Z a-z 0-9 - _ . /", p->section, account,
				   CONFIG_STATEMENT_ACCOUNT_MAX);
		for (size_t i = 0; p->error_line == 0 && i < b->biller_account_count; i++)
			if (strcmp(b->biller_accounts[i].account, account) == 0)
				parse_fail(p, "[%s] biller_accounts: account %s named twice",
					   p->section, account);
		if (p->error_line != 0)
			return;
		size_t i = b->biller_account_count++;
		copy_str(b->biller_accounts[i].account,
			 sizeof(b->biller_accounts[i].account), account);
		copy_str(b->biller_accounts[i].biller,
			 sizeof(b->biller_accounts[i].biller), biller);
		if (end == NULL)
			break;
		s = end;
	}
}

/* The statement keys (every format but csv). */
static void bankfile_statement_key(struct parse *p, struct config_bankfile *b,
				   const char *key, const char *value)
{
	int i;
	if (strcmp(key, "format") == 0) {
		if ((i = name_index(format_names, CONFIG_FORMAT_COUNT, value)) < 0)
			parse_fail(p, "[%s] format: csv, camt053, camt054 or mt940",
				   p->section);
		else
			b->format = (enum config_bankfile_format)i;
	} else if (strcmp(key, "intent_id_from") == 0) {
		if ((i = name_index(intent_source_names, CONFIG_INTENT_SOURCE_COUNT,
				    value)) < 0)
			parse_fail(p, "[%s] intent_id_from: end_to_end_id, instr_id, "
				   "tx_id, acct_svcr_ref, remittance, creditor_ref or none",
				   p->section);
		else
			b->intent_source = (enum config_intent_source)i;
	} else if (strcmp(key, "intent_id_pattern") == 0) {
		bankfile_pattern(p, b->intent_pattern, key, value);
	} else if (strcmp(key, "account_pattern") == 0) {
		bankfile_pattern(p, b->account_pattern, key, value);
	} else if (strcmp(key, "invoice_pattern") == 0) {
		bankfile_pattern(p, b->invoice_pattern, key, value);
	} else {
		bankfile_accounts(p, b, value);
	}
}

/* The tag key's buffer, or NULL when key is not a tag. */
static char *bankfile_tag(struct config_bankfile *b, const char *key)
{
	return strcmp(key, "header_tag") == 0	 ? b->header_tag
	       : strcmp(key, "detail_tag") == 0	 ? b->detail_tag
	       : strcmp(key, "trailer_tag") == 0 ? b->trailer_tag
						 : NULL;
}

static void bankfile_key(struct parse *p, struct config_bankfile *b,
			 const char *key, const char *value)
{
	size_t k = 0, nkeys = sizeof(bankfile_keys) / sizeof(bankfile_keys[0]);
	while (k < nkeys && strcmp(bankfile_keys[k], key) != 0)
		k++;
	char *tag = bankfile_tag(b, key);
	if (k == nkeys) {
		parse_fail(p, "[%s] %s: unknown key", p->section, key);
	} else if (p->bankfile_seen & (1u << k)) {
		parse_fail(p, "[%s] %s: set twice", p->section, key);
	} else if (tag != NULL) {
		if (!id_ok(value, CONFIG_BANKFILE_TAG_MAX, ID_LOWER | ID_UPPER, "_-"))
			parse_fail(p, "[%s] %s: 1-%d of A-Z a-z 0-9 _ -", p->section,
				   key, CONFIG_BANKFILE_TAG_MAX);
		else
			copy_str(tag, CONFIG_BANKFILE_TAG_MAX + 1, value);
	} else if (strcmp(key, "delimiter") == 0) {
		/* Names, not the characters: libinih takes " ;" as a comment. */
		if (strcmp(value, "comma") != 0 && strcmp(value, "semicolon") != 0)
			parse_fail(p, "[%s] delimiter: comma or semicolon", p->section);
		else
			b->delimiter = value[0] == 'c' ? ',' : ';';
	} else if (strcmp(key, "decimal_separator") == 0) {
		if (strcmp(value, "point") != 0 && strcmp(value, "comma") != 0)
			parse_fail(p, "[%s] decimal_separator: point or comma",
				   p->section);
		else
			b->decimal_separator = value[0] == 'p' ? '.' : ',';
	} else if (k >= BANKFILE_KEYS_CSV_END) {
		bankfile_statement_key(p, b, key, value);
	} else {
		bankfile_columns(p, b, value);
	}
	if (k < nkeys)
		p->bankfile_seen |= 1u << k;
}

/* Checks that need the whole section, reported at its header line. */
static void end_bankfile(struct parse *p, const struct config_bankfile *b)
{
	unsigned csv_keys = (1u << BANKFILE_KEYS_CSV_END) - 1;
	unsigned statement_keys = ~csv_keys & ~(1u << BANKFILE_KEY_FORMAT);
	bool csv = b->format == CONFIG_FORMAT_CSV;
	const char *why =
		csv && (p->bankfile_seen & statement_keys)
			? "intent_id_from, the patterns and biller_accounts are for "
			  "the statement formats, not csv"
		: !csv && (p->bankfile_seen & csv_keys)
			? "delimiter, decimal_separator, detail_columns and the tags "
			  "are for format csv only"
		: !csv && !(p->bankfile_seen & (1u << BANKFILE_KEY_ACCOUNTS))
			? "missing required key biller_accounts (a statement's account "
			  "names its biller)"
		: !csv ? NULL
		: !(p->bankfile_seen & (1u << BANKFILE_KEY_COLUMNS))
			? "missing required key detail_columns"
		: strcmp(b->header_tag, b->detail_tag) == 0 ||
				strcmp(b->header_tag, b->trailer_tag) == 0 ||
				strcmp(b->detail_tag, b->trailer_tag) == 0
			? "header_tag, detail_tag and trailer_tag must differ"
		: b->decimal_separator == ',' && b->delimiter == ','
			? "decimal_separator comma needs delimiter semicolon"
			: NULL;
	if (why != NULL) {
		p->line = b->line;
		parse_fail(p, "[%s]: %s", p->section, why);
	}
}

/* Start a new section: check its name, create its record. */
static void begin_section(struct parse *p, const char *section)
{
	struct config *cfg = p->cfg;
	snprintf(p->section, sizeof(p->section), "%s", section);
	p->seen_token = false;
	p->bankfile_seen = 0;
	const char *space = strchr(section, ' ');
	if (space == NULL) {
		if (strcmp(section, "kafka") == 0) {
			p->kind = SEC_KAFKA;
			return;
		}
		for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			if (strcmp(known_keys[i].section, section) == 0) {
				p->kind = SEC_PROGRAM;
				return;
			}
		parse_fail(p, "[%s]: unknown section", section);
		return;
	}
	const char *id = space + 1;
	size_t type_len = (size_t)(space - section);
	if (type_len == 6 && memcmp(section, "biller", 6) == 0) {
		if (!id_ok(id, INTENT_BILLER_MAX, BILLER_ID)) {
			parse_fail(p, "[%s]: biller id must be 1-%d of a-z 0-9 _ -",
				   section, INTENT_BILLER_MAX);
			return;
		}
		if (config_biller_find(cfg, id) != NULL) {
			parse_fail(p, "[%s]: biller defined twice", section);
			return;
		}
		struct config_biller *b = grow((void **)&cfg->billers, &cfg->biller_cap,
					       cfg->biller_count, sizeof(*b),
					       CONFIG_BILLERS_MAX);
		if (b == NULL) {
			parse_fail(p, "too many billers (at most %d)", CONFIG_BILLERS_MAX);
			return;
		}
		copy_str(b->id, sizeof(b->id), id);
		b->grace_days = 15;
		b->line = p->line;
		cfg->biller_count++;
		p->kind = SEC_BILLER;
	} else if (type_len == 4 && memcmp(section, "bank", 4) == 0) {
		if (!id_ok(id, INTENT_BANK_MAX, BANK_ID)) {
			parse_fail(p, "[%s]: bank id must be 1-%d of A-Z 0-9 _ -",
				   section, INTENT_BANK_MAX);
			return;
		}
		if (config_bank_find(cfg, id) != NULL) {
			parse_fail(p, "[%s]: bank defined twice", section);
			return;
		}
		struct config_bank *b = grow((void **)&cfg->banks, &cfg->bank_cap,
					     cfg->bank_count, sizeof(*b),
					     CONFIG_BANKS_MAX);
		if (b == NULL) {
			parse_fail(p, "too many banks (at most %d)", CONFIG_BANKS_MAX);
			return;
		}
		copy_str(b->id, sizeof(b->id), id);
		b->line = p->line;
		cfg->bank_count++;
		p->kind = SEC_BANK;
	} else if (type_len == 8 && memcmp(section, "terminal", 8) == 0) {
		char bank[INTENT_BANK_MAX + 1];
		const char *slash = strchr(id, '/');
		if (slash == NULL || (size_t)(slash - id) > INTENT_BANK_MAX) {
			parse_fail(p, "[%s]: name a terminal as [terminal BANK/ID]", section);
			return;
		}
		memcpy(bank, id, (size_t)(slash - id));
		bank[slash - id] = '\0';
		if (!id_ok(bank, INTENT_BANK_MAX, BANK_ID) ||
		    !id_ok(slash + 1, INTENT_TERMINAL_MAX, TERMINAL_ID)) {
			parse_fail(p, "[%s]: bad bank or terminal id", section);
			return;
		}
		if (config_bank_find(cfg, bank) == NULL) {
			parse_fail(p, "[%s]: bank %s is not defined above", section, bank);
			return;
		}
		if (config_terminal_find(cfg, bank, slash + 1) != NULL) {
			parse_fail(p, "[%s]: terminal defined twice", section);
			return;
		}
		struct config_terminal *t = grow((void **)&cfg->terminals,
						 &cfg->terminal_cap,
						 cfg->terminal_count, sizeof(*t),
						 CONFIG_TERMINALS_MAX);
		if (t == NULL) {
			parse_fail(p, "too many terminals (at most %d)",
				   CONFIG_TERMINALS_MAX);
			return;
		}
		copy_str(t->bank, sizeof(t->bank), bank);
		copy_str(t->id, sizeof(t->id), slash + 1);
		t->line = p->line;
		cfg->terminal_count++;
		p->kind = SEC_TERMINAL;
	} else if (type_len == 8 && memcmp(section, "bankfile", 8) == 0) {
		begin_bankfile(p, id);
	} else {
		parse_fail(p, "[%s]: unknown section", section);
	}
}

/* Required keys of the section just finished. */
static void end_section(struct parse *p)
{
	struct config *cfg = p->cfg;
	if (p->error_line != 0)
		return;
	if (p->kind == SEC_BILLER) {
		struct config_biller *b = &cfg->billers[cfg->biller_count - 1];
		const char *missing = b->name[0] == '\0'       ? "name"
				      : b->currency == NULL    ? "currency"
				      : b->topic[0] == '\0'    ? "topic"
				      : b->ledger_path[0] == '\0' ? "ledger"
								  : NULL;
		if (missing != NULL) {
			p->line = b->line;
			parse_fail(p, "[%s]: missing required key %s", p->section,
				   missing);
		}
	} else if (p->kind == SEC_BANK) {
		struct config_bank *b = &cfg->banks[cfg->bank_count - 1];
		if (b->name[0] == '\0') {
			p->line = b->line;
			parse_fail(p, "[%s]: missing required key name", p->section);
		}
	} else if (p->kind == SEC_TERMINAL && !p->seen_token) {
		p->line = cfg->terminals[cfg->terminal_count - 1].line;
		parse_fail(p, "[%s]: missing required key token_sha256", p->section);
	} else if (p->kind == SEC_BANKFILE) {
		end_bankfile(p, &cfg->bankfiles[cfg->bankfile_count - 1]);
	}
}

static bool add_entry(struct parse *p, struct config_entry **arr, size_t *count,
		      size_t *cap, const char *section, const char *key,
		      const char *value)
{
	struct config_entry *e = grow((void **)arr, cap, *count, sizeof(*e),
				      CONFIG_ENTRIES_MAX);
	if (e == NULL) {
		parse_fail(p, "too many entries (at most %d)", CONFIG_ENTRIES_MAX);
		return false;
	}
	if (!copy_str(e->section, sizeof(e->section), section) ||
	    !copy_str(e->key, sizeof(e->key), key) ||
	    !copy_str(e->value, sizeof(e->value), value)) {
		parse_fail(p, "[%s] %s: name or value too long (value at most %d bytes)",
			   section, key, CONFIG_VALUE_MAX);
		return false;
	}
	e->line = p->line;
	(*count)++;
	return true;
}

static void biller_key(struct parse *p, struct config_biller *b,
		       const char *key, const char *value)
{
	long long v;
	if (strcmp(key, "name") == 0 || strcmp(key, "name_ar") == 0) {
		char *dst = key[4] == '\0' ? b->name : b->name_ar;
		if (!copy_str(dst, CONFIG_NAME_MAX + 1, value))
			parse_fail(p, "[%s] %s: longer than %d bytes", p->section, key,
				   CONFIG_NAME_MAX);
	} else if (strcmp(key, "currency") == 0) {
		b->currency = currency_find(value);
		if (b->currency == NULL)
			parse_fail(p, "[%s] currency: unknown ISO 4217 code '%s'",
				   p->section, value);
	} else if (strcmp(key, "topic") == 0) {
		if (!id_ok(value, CONFIG_TOPIC_MAX, ID_LOWER | ID_UPPER, "._-"))
			parse_fail(p, "[%s] topic: 1-%d of a-z A-Z 0-9 . _ -",
				   p->section, CONFIG_TOPIC_MAX);
		else
			copy_str(b->topic, sizeof(b->topic), value);
	} else if (strcmp(key, "ledger") == 0) {
		if (value[0] == '\0' ||
		    config_resolve_path(p->cfg, value, b->ledger_path,
					sizeof(b->ledger_path)) < 0)
			parse_fail(p, "[%s] ledger: empty or too long a path", p->section);
	} else if (strcmp(key, "grace_days") == 0) {
		if (!parse_int(value, 0, 365, &v))
			parse_fail(p, "[%s] grace_days: a whole number of days 0-365",
				   p->section);
		else
			b->grace_days = (int)v;
	} else if (strcmp(key, "late_fee") == 0) {
		char why[128];
		if (b->currency == NULL)
			parse_fail(p, "[%s] late_fee: set currency before late_fee",
				   p->section);
		else if (money_parse(value, strlen(value), b->currency,
				     MONEY_ALLOW_ZERO, &b->late_fee_minor, why,
				     sizeof(why)) < 0)
			parse_fail(p, "[%s] late_fee: %s", p->section, why);
	} else {
		parse_fail(p, "[%s] %s: unknown key", p->section, key);
	}
}

static int handler(void *user, const char *ini_section, const char *key,
		   const char *value)
{
	struct parse *p = user;
	struct config *cfg = p->cfg;
	if (p->error_line != 0)
		return 0;
	/* The reader opened the section on its header line, and its name is
	 * the one that counts: libinih cuts section names to 49 bytes (its
	 * MAX_SECTION), shorter than "[terminal BANK/ID]" may be. A name that
	 * is not even a prefix of ours means the two disagree on what a
	 * header is: refuse, never guess (fuzz-config found both). */
	const char *section = p->section;
	if (strncmp(ini_section, section, strlen(ini_section)) != 0) {
		parse_fail(p, "syntax error: section header not understood");
		return 0;
	}
	switch (p->kind) {
	case SEC_KAFKA:
		add_entry(p, &cfg->kafka, &cfg->kafka_count, &cfg->kafka_cap,
			  section, key, value);
		break;
	case SEC_PROGRAM: {
		bool known = false;
		for (size_t i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
			if (strcmp(known_keys[i].section, section) == 0 &&
			    strcmp(known_keys[i].key, key) == 0)
				known = true;
		if (!known)
			parse_fail(p, "[%s] %s: unknown key", section, key);
		else if (config_get(cfg, section, key) != NULL)
			parse_fail(p, "[%s] %s: set twice", section, key);
		else
			add_entry(p, &cfg->entries, &cfg->entry_count,
				  &cfg->entry_cap, section, key, value);
		break;
	}
	case SEC_BILLER:
		biller_key(p, &cfg->billers[cfg->biller_count - 1], key, value);
		break;
	case SEC_BANK: {
		struct config_bank *b = &cfg->banks[cfg->bank_count - 1];
		if (strcmp(key, "name") == 0 || strcmp(key, "name_ar") == 0) {
			char *dst = key[4] == '\0' ? b->name : b->name_ar;
			if (!copy_str(dst, CONFIG_NAME_MAX + 1, value))
				parse_fail(p, "[%s] %s: longer than %d bytes", section,
					   key, CONFIG_NAME_MAX);
		} else {
			parse_fail(p, "[%s] %s: unknown key", section, key);
		}
		break;
	}
	case SEC_TERMINAL: {
		struct config_terminal *t = &cfg->terminals[cfg->terminal_count - 1];
		if (strcmp(key, "token_sha256") != 0)
			parse_fail(p, "[%s] %s: unknown key", section, key);
		else if (!parse_hex32(value, t->token_sha256))
			parse_fail(p, "[%s] token_sha256: 64 hex digits (the SHA-256 of the terminal's token)",
				   section);
		else
			p->seen_token = true;
		break;
	}
	case SEC_BANKFILE:
		bankfile_key(p, &cfg->bankfiles[cfg->bankfile_count - 1], key, value);
		break;
	case SEC_NONE:
		parse_fail(p, "%s: key outside any section", key);
		break;
	}
	return p->error_line == 0;
}

static void split_dir(const char *path, char *dir, size_t dir_size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(dir, dir_size, ".");
	else if (slash == path)
		snprintf(dir, dir_size, "/");
	else
		snprintf(dir, dir_size, "%.*s", (int)(slash - path), path);
}

int config_load_string(const char *text, const char *name, const char *dir,
		       struct config **ret, char *errstr, size_t errstr_size)
{
	assert(text != NULL && name != NULL && dir != NULL && ret != NULL);
	struct config *cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		errstr_set(errstr, errstr_size, "%s:0: out of memory", name);
		return -1;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", name);
	snprintf(cfg->dir, sizeof(cfg->dir), "%s", dir);

	struct parse p = {.cfg = cfg, .text = text, .text_len = strlen(text)};
	int rc = ini_parse_stream(reader, &p, handler, &p);
	if (p.error_line == 0 && rc > 0) {
		p.line = rc;
		parse_fail(&p, "syntax error: expected [section] or key = value");
	} else if (p.error_line == 0 && rc < 0) {
		parse_fail(&p, "out of memory while parsing");
	}
	end_section(&p);
	if (p.error_line != 0) {
		errstr_set(errstr, errstr_size, "%s:%d: %s", name, p.error_line, p.error);
		config_free(cfg);
		return -1;
	}
	*ret = cfg;
	return 0;
}

int config_load(const char *path, struct config **ret, char *errstr,
		size_t errstr_size)
{
	assert(path != NULL && ret != NULL);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s:0: cannot open: %s", path,
			strerror(errno));
		return -1;
	}
	/* Grow to the file's size instead of taking the 64 MiB bound at once:
	 * an allocator that touches what it hands out (MALLOC_PERTURB_, as
	 * meson test sets) made every process's peak RSS 64 MiB larger. */
	size_t cap = 64 * 1024, n = 0;
	char *text = malloc(cap + 1);
	while (text != NULL && n <= CONFIG_FILE_MAX_BYTES) {
		n += fread(text + n, 1, cap + 1 - n, f);
		if (n <= cap || ferror(f))
			break;
		cap = cap * 2 > CONFIG_FILE_MAX_BYTES ? CONFIG_FILE_MAX_BYTES : cap * 2;
		char *t = realloc(text, cap + 1);
		if (t == NULL)
			free(text);
		text = t;
	}
	bool read_error = ferror(f);
	fclose(f);
	if (text == NULL || read_error || n > CONFIG_FILE_MAX_BYTES ||
	    memchr(text, '\0', n) != NULL) {
		errstr_set(errstr, errstr_size, "%s:0: %s", path,
			text == NULL ? "out of memory"
			: read_error ? "read error"
			: n > CONFIG_FILE_MAX_BYTES ? "file larger than 64 MiB"
						    : "file contains a NUL byte");
		free(text);
		return -1;
	}
	text[n] = '\0';
	char dir[PATH_MAX];
	split_dir(path, dir, sizeof(dir));
	int rc = config_load_string(text, path, dir, ret, errstr, errstr_size);
	free(text);
	return rc;
}

void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->billers);
	free(cfg->banks);
	free(cfg->terminals);
	free(cfg->kafka);
	free(cfg->entries);
	free(cfg->bankfiles);
	free(cfg);
}

const char *config_path(const struct config *cfg)
{
	return cfg->path;
}

size_t config_biller_count(const struct config *cfg)
{
	return cfg->biller_count;
}

const struct config_biller *config_biller_at(const struct config *cfg, size_t i)
{
	assert(i < cfg->biller_count);
	return &cfg->billers[i];
}

const struct config_biller *config_biller_find(const struct config *cfg,
					       const char *id)
{
	for (size_t i = 0; i < cfg->biller_count; i++)
		if (strcmp(cfg->billers[i].id, id) == 0)
			return &cfg->billers[i];
	return NULL;
}

size_t config_bank_count(const struct config *cfg)
{
	return cfg->bank_count;
}

const struct config_bank *config_bank_at(const struct config *cfg, size_t i)
{
	assert(i < cfg->bank_count);
	return &cfg->banks[i];
}

const struct config_bank *config_bank_find(const struct config *cfg,
					   const char *id)
{
	for (size_t i = 0; i < cfg->bank_count; i++)
		if (strcmp(cfg->banks[i].id, id) == 0)
			return &cfg->banks[i];
	return NULL;
}

size_t config_terminal_count(const struct config *cfg)
{
	return cfg->terminal_count;
}

const struct config_terminal *config_terminal_at(const struct config *cfg,
						 size_t i)
{
	assert(i < cfg->terminal_count);
	return &cfg->terminals[i];
}

const struct config_terminal *config_terminal_find(const struct config *cfg,
						   const char *bank,
						   const char *id)
{
	/* Linear: callers that look terminals up per request build their own
	 * index at start (the intake hashes them). */
	for (size_t i = 0; i < cfg->terminal_count; i++)
		if (strcmp(cfg->terminals[i].id, id) == 0 &&
		    strcmp(cfg->terminals[i].bank, bank) == 0)
			return &cfg->terminals[i];
	return NULL;
}

const struct config_bankfile *config_bankfile_find(const struct config *cfg,
						   const char *bank)
{
	for (size_t i = 0; i < cfg->bankfile_count; i++)
		if (strcmp(cfg->bankfiles[i].bank, bank) == 0)
			return &cfg->bankfiles[i];
	return NULL;
}

size_t config_kafka_count(const struct config *cfg)
{
	return cfg->kafka_count;
}

const struct config_entry *config_kafka_at(const struct config *cfg, size_t i)
{
	assert(i < cfg->kafka_count);
	return &cfg->kafka[i];
}

const struct config_entry *config_get(const struct config *cfg,
				      const char *section, const char *key)
{
	for (size_t i = 0; i < cfg->entry_count; i++)
		if (strcmp(cfg->entries[i].section, section) == 0 &&
		    strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

int config_get_int64(const struct config *cfg, const char *section,
		     const char *key, int64_t def, int64_t min, int64_t max,
		     int64_t *ret, char *errstr, size_t errstr_size)
{
	const struct config_entry *e = config_get(cfg, section, key);
	if (e == NULL) {
		*ret = def;
		return 0;
	}
	long long v;
	if (!parse_int(e->value, min, max, &v)) {
		errstr_set(errstr, errstr_size,
			"%s:%d: [%s] %s: a whole number from %lld to %lld",
			cfg->path, e->line, section, key, (long long)min,
			(long long)max);
		return -1;
	}
	*ret = v;
	return 0;
}

const char *config_get_str(const struct config *cfg, const char *section,
			   const char *key, const char *def)
{
	const struct config_entry *e = config_get(cfg, section, key);
	return e ? e->value : def;
}

int config_resolve_path(const struct config *cfg, const char *path, char *out,
			size_t out_size)
{
	int n = path[0] == '/' ? snprintf(out, out_size, "%s", path)
			       : snprintf(out, out_size, "%s/%s", cfg->dir, path);
	return n < 0 || (size_t)n >= out_size ? -1 : 0;
}
