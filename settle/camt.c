/* camt — see camt.h and schemas/bank-statements.md.
 *
 * The file is read through xmlReaderForIO, so our read callback sees every
 * byte first: it hashes them (the file's SHA-256, as for csv files) and
 * refuses a DOCTYPE before libxml2 parses it — libxml2 parses a whole
 * chunk at a time, so waiting for the DocumentType node would let an
 * internal subset's entities be expanded first. Element names are matched
 * by local name within the one namespace the root declares; elements of
 * any other namespace are refused, except inside SplmtryData (whose
 * content is free by the standard) which is skipped.
 *
 * Lines are added to the bankfile as soon as a transaction is complete;
 * every check runs when its element ends. A failed check refuses the file
 * and the half-filled bankfile is freed: nothing is half-applied. */
#define _GNU_SOURCE /* memmem */
#include "camt.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlreader.h>

#include "bizdate.h"
#include "entryref.h"
#include "sha256.h"

#define NS_PREFIX "urn:iso:std:iso:20022:tech:xsd:"
#define CURRENCIES_MAX 16 /* per statement */
#define USTRD_MAX 512     /* joined Ustrd lines kept per transaction */

struct cur_sum {
	const struct currency *cur;
	bool has_open, has_close;
	int64_t open_minor, close_minor, credit_minor, debit_minor;
	int64_t entries; /* booked */
};

/* A leaf value: its text and, for amounts, the Ccy attribute. */
struct amount {
	bool seen;
	char text[48];
	char ccy[4];
};

struct stmt {
	int index;
	char id[64];
	char account[CONFIG_STATEMENT_ACCOUNT_MAX + 1];
	const char *biller;
	char from[11], to[11], to_time[32];
	bool seen_id, seen_from, seen_to, seen_account;
	struct cur_sum sums[CURRENCIES_MAX];
	size_t sum_count;
	int64_t line;
	/* TxsSummry, as written */
	struct amount s_count, s_sum, s_net, s_cr_count, s_cr_sum, s_db_count,
		s_db_sum;
	char s_net_ind[5];
	/* every entry, whatever its status (TxsSummry counts them all) */
	int64_t all_count, all_credit_count, all_debit_count;
	int64_t all_credit_minor, all_debit_minor;
	const struct currency *all_cur; /* NULL until the first, then the one */
	bool several_currencies;
	int64_t other_count;
	char min_booked[11], max_booked[11];
};

struct bal {
	char type[8];
	struct amount amt;
	char ind[5];
	bool seen_type, seen_ind;
};

struct ntry {
	int index;
	struct amount amt;
	const struct currency *cur;
	int64_t amount_minor;
	bool debit, reversal, seen_ind, seen_rvsl, seen_sts, has_amount;
	enum bankfile_status status;
	char booking[11], value[11];
	char acct_svcr_ref[64], addtl[256];
	bool seen_booking, seen_value, seen_ref, seen_addtl;
	int tx_count;          /* TxDtls in the entry */
	int64_t tx_sum_minor;  /* their amounts */
	bool tx_missing_amount;
	int64_t line;
};

struct dtls { /* one NtryDtls: its Btch and TxDtls */
	struct amount nb, ttl;
	char ind[5];
	bool seen_ind;
	int64_t tx_count, tx_sum_minor;
};

struct tx {
	int index;
	struct amount amt, tx_amt;
	char ind[5];
	char e2e[64], instr[64], txid[64], svcr[64];
	char ustrd[USTRD_MAX], cref[64];
	bool seen_ind, seen_e2e, seen_instr, seen_txid, seen_svcr, seen_cref;
	int64_t line;
};

struct camt {
	xmlTextReaderPtr rd;
	const struct config_bankfile *map;
	struct entryref *er;
	struct bankfile *bf;
	struct bankfile_error *err;
	bool failed, doctype;
	bool xml_error; /* the failure is libxml2's: no path, its line */
	/* input */
	int fd;
	const char *mem;
	size_t mem_size, mem_pos;
	struct sha256 hash;
	char tail[8]; /* the input's last bytes, to find "<!DOCTYPE" across reads */
	size_t tail_len;
	/* where we are */
	char ns[128];
	const char *root_name, *stmt_name; /* "BkToCstmrStmt", "Stmt" or ... */
	char path[512];
	size_t path_len; /* strlen(path), kept: every element pushes */
	size_t path_off[CAMT_DEPTH_MAX + 1];
	int depth;
	int skip_depth; /* > 0: inside SplmtryData, skipped */
	int skip_nest;  /* elements open inside it (never pushed) */
	bool has_child[CAMT_DEPTH_MAX + 2]; /* per depth: not a leaf */
	int stmt_depth, bal_depth, ntry_depth, dtls_depth, tx_depth; /* 0 = not in */
	char text[CAMT_TEXT_MAX + 1];
	size_t text_len;
	bool text_too_long;
	char ccy[4];       /* Ccy attribute of the element being read */
	bool ccy_bad;
	char created_at[INTENT_TIME_MAX + 1];
	char business_date[11];
	int stmt_count;
	struct stmt st;
	struct bal bal;
	struct ntry ntry;
	struct dtls dtls;
	struct tx tx;
};

static int fail(struct camt *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The line of the element being read (its start tag), 0 when none: the
 * parser's own line is ahead of it, libxml2 reads by chunks. */
static int64_t node_line(const struct camt *c)
{
	xmlNodePtr n = c->rd ? xmlTextReaderCurrentNode(c->rd) : NULL;
	long line = n ? xmlGetLineNo(n) : 0;
	return line > 0 ? line : 0;
}

/* The first problem wins: "statement ID: PATH: reason". */
static int fail(struct camt *c, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->err->line = node_line(c);
	char full[sizeof(c->st.id) + sizeof(c->path) + sizeof(why) + 16];
	if (c->xml_error) /* libxml2 parses ahead: our path is not its place */
		snprintf(full, sizeof(full), "%s", why);
	else if (c->stmt_depth > 0 && c->st.id[0] != '\0')
		snprintf(full, sizeof(full), "statement %s: %s: %s", c->st.id,
			 c->path, why);
	else if (c->path[0] != '\0')
		snprintf(full, sizeof(full), "%s: %s", c->path, why);
	else
		snprintf(full, sizeof(full), "%s", why);
	/* Cut to the reason's size: a deep path's end is what matters less. */
	size_t n = strlen(full) < sizeof(c->err->reason) - 1
			   ? strlen(full) : sizeof(c->err->reason) - 1;
	memcpy(c->err->reason, full, n);
	c->err->reason[n] = '\0';
	return -1;
}

/* ---- input: hash, refuse DOCTYPE and NUL before libxml2 sees them ---- */

static bool has_doctype(struct camt *c, const char *buf, size_t n)
{
	static const char needle[] = "<!DOCTYPE";
	char joined[sizeof(c->tail) + 4096];
	size_t off = 0;
	bool found = false;
	while (off < n && !found) {
		size_t take = n - off < 4096 ? n - off : 4096;
		memcpy(joined, c->tail, c->tail_len);
		memcpy(joined + c->tail_len, buf + off, take);
		size_t len = c->tail_len + take;
		found = memmem(joined, len, needle, sizeof(needle) - 1) != NULL;
		size_t keep = len < sizeof(c->tail) ? len : sizeof(c->tail);
		memcpy(c->tail, joined + len - keep, keep);
		c->tail_len = keep;
		off += take;
	}
	return found;
}

static int io_read(void *arg, char *buf, int len)
{
	struct camt *c = arg;
	ssize_t n;
	if (c->mem != NULL) {
		size_t left = c->mem_size - c->mem_pos;
		n = (ssize_t)(left < (size_t)len ? left : (size_t)len);
		memcpy(buf, c->mem + c->mem_pos, (size_t)n);
		c->mem_pos += (size_t)n;
	} else {
		do
			n = read(c->fd, buf, (size_t)len);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			fail(c, "read error: %s", strerror(errno));
			return -1;
		}
	}
	sha256_update(&c->hash, buf, (size_t)n);
	/* UTF-8 and ASCII never hold a NUL; UTF-16 and UTF-32 do. */
	if (memchr(buf, '\0', (size_t)n) != NULL) {
		fail(c, "a NUL byte: only UTF-8 files are read");
		return -1;
	}
	if (has_doctype(c, buf, (size_t)n)) {
		c->doctype = true;
		fail(c, "a DOCTYPE: DTDs and entities are refused (XXE, entity "
			"expansion)");
		return -1;
	}
	return (int)n;
}

static int io_close(void *arg)
{
	(void)arg;
	return 0;
}

static void on_xml_error(void *arg, xmlErrorPtr e)
{
	struct camt *c = arg;
	if (c->failed || e == NULL || e->level < XML_ERR_ERROR)
		return;
	char msg[200];
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "parse error");
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	c->xml_error = true;
	fail(c, "not well-formed XML: %s", msg);
	c->err->line = e->line > 0 ? e->line : 0;
}

/* ---- values ---- */

/* The element's text without the blanks around it (xs:token-like). */
static const char *value(struct camt *c)
{
	char *s = c->text;
	size_t n = c->text_len;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		n--;
	s[n] = '\0';
	return s;
}

/* Copy the element's value into dst once; a second occurrence of the
 * element is refused: two readers could take either one. */
static int once(struct camt *c, bool *seen, char *dst, size_t size)
{
	if (*seen)
		return fail(c, "given twice");
	*seen = true;
	const char *v = value(c);
	if (strlen(v) >= size)
		return fail(c, "longer than %zu bytes", size - 1);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int amount_once(struct camt *c, struct amount *a)
{
	if (once(c, &a->seen, a->text, sizeof(a->text)) < 0)
		return -1;
	memcpy(a->ccy, c->ccy, sizeof(a->ccy));
	return 0;
}

/* An amount's text in minor units of its Ccy (or of cur when it has none:
 * TxsSummry sums). */
static int parse_amount(struct camt *c, const struct amount *a,
			const struct currency *cur, const struct currency **ret_cur,
			int64_t *ret_minor)
{
	char why[160];
	if (cur == NULL) {
		if (a->ccy[0] == '\0')
			return fail(c, "amount %s has no Ccy", a->text);
		cur = currency_find(a->ccy);
		if (cur == NULL)
			return fail(c, "Ccy '%s' is not a known ISO 4217 code", a->ccy);
	}
	if (money_parse(a->text, strlen(a->text), cur, MONEY_ALLOW_ZERO, ret_minor,
			why, sizeof(why)) < 0)
		return fail(c, "amount '%s': %s", a->text, why);
	if (ret_cur != NULL)
		*ret_cur = cur;
	return 0;
}

static int parse_ind(struct camt *c, const char *ind, bool *ret_debit)
{
	if (strcmp(ind, "CRDT") == 0)
		*ret_debit = false;
	else if (strcmp(ind, "DBIT") == 0)
		*ret_debit = true;
	else
		return fail(c, "CdtDbtInd '%s' is not CRDT or DBIT", ind);
	return 0;
}

/* A Dt (YYYY-MM-DD) or DtTm (YYYY-MM-DDThh:mm:ss...) as its date. */
static int parse_date(struct camt *c, bool *seen, char out[11])
{
	char text[40];
	int64_t day;
	if (once(c, seen, text, sizeof(text)) < 0)
		return -1;
	if (strlen(text) < 10 || (text[10] != '\0' && text[10] != 'T'))
		return fail(c, "'%s' is not a date (YYYY-MM-DD) or date-time", text);
	text[10] = '\0';
	if (bizdate_parse(text, &day) < 0)
		return fail(c, "'%s' is not a valid date", text);
	memcpy(out, text, 11);
	return 0;
}

static int parse_count(struct camt *c, const struct amount *a, int64_t *ret)
{
	const char *s = a->text;
	size_t n = strlen(s);
	if (n == 0 || n > 15 || (s[0] == '0' && n > 1))
		return fail(c, "count '%s' is not a number", s);
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(c, "count '%s' is not a number", s);
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

static struct cur_sum *cur_sum(struct camt *c, const struct currency *cur)
{
	struct stmt *st = &c->st;
	for (size_t i = 0; i < st->sum_count; i++)
		if (st->sums[i].cur == cur)
			return &st->sums[i];
	if (st->sum_count == CURRENCIES_MAX) {
		fail(c, "more than %d currencies in one statement", CURRENCIES_MAX);
		return NULL;
	}
	st->sums[st->sum_count] = (struct cur_sum){.cur = cur};
	return &st->sums[st->sum_count++];
}

static int add(struct camt *c, int64_t *acc, int64_t v)
{
	if (money_add(*acc, v, acc) < 0)
		return fail(c, "a total overflows int64 minor units");
	return 0;
}

/* ---- leaves, by path relative to their container ---- */

static const char *rel(const struct camt *c, int container_depth)
{
	assert(container_depth >= 1 && container_depth <= c->depth);
	const char *p = c->path + c->path_off[container_depth];
	/* path_off[d] is where element d's "/Name" starts; skip it. */
	const char *slash = strchr(p + 1, '/');
	return slash ? slash + 1 : "";
}

static int leaf_tx(struct camt *c, const char *r)
{
	struct tx *t = &c->tx;
	if (strcmp(r, "Amt") == 0)
		return amount_once(c, &t->amt);
	if (strcmp(r, "AmtDtls/TxAmt/Amt") == 0)
		return amount_once(c, &t->tx_amt);
	if (strcmp(r, "CdtDbtInd") == 0)
		return once(c, &t->seen_ind, t->ind, sizeof(t->ind));
	if (strcmp(r, "Refs/EndToEndId") == 0)
		return once(c, &t->seen_e2e, t->e2e, sizeof(t->e2e));
	if (strcmp(r, "Refs/InstrId") == 0)
		return once(c, &t->seen_instr, t->instr, sizeof(t->instr));
	if (strcmp(r, "Refs/TxId") == 0)
		return once(c, &t->seen_txid, t->txid, sizeof(t->txid));
	if (strcmp(r, "Refs/AcctSvcrRef") == 0)
		return once(c, &t->seen_svcr, t->svcr, sizeof(t->svcr));
	if (strcmp(r, "RmtInf/Strd/CdtrRefInf/Ref") == 0)
		return once(c, &t->seen_cref, t->cref, sizeof(t->cref));
	if (strcmp(r, "RmtInf/Ustrd") == 0) {
		/* Ustrd may repeat (lines of one text): joined with a space. */
		const char *v = value(c);
		size_t have = strlen(t->ustrd);
		if (have + 1 + strlen(v) >= sizeof(t->ustrd))
			return fail(c, "remittance text longer than %d bytes",
				    USTRD_MAX - 1);
		snprintf(t->ustrd + have, sizeof(t->ustrd) - have, "%s%s",
			 have ? " " : "", v);
	}
	return 0;
}

static int leaf_ntry(struct camt *c, const char *r)
{
	struct ntry *e = &c->ntry;
	char sts[8];
	if (strcmp(r, "Amt") == 0)
		return amount_once(c, &e->amt);
	if (strcmp(r, "CdtDbtInd") == 0) {
		char ind[8];
		return once(c, &e->seen_ind, ind, sizeof(ind)) < 0 ? -1
		       : parse_ind(c, ind, &e->debit);
	}
	if (strcmp(r, "RvslInd") == 0) {
		char b[8];
		if (once(c, &e->seen_rvsl, b, sizeof(b)) < 0)
			return -1;
		if (strcmp(b, "true") != 0 && strcmp(b, "1") != 0 &&
		    strcmp(b, "false") != 0 && strcmp(b, "0") != 0)
			return fail(c, "RvslInd '%s' is not true or false", b);
		e->reversal = b[0] == 't' || b[0] == '1';
		return 0;
	}
	/* .02-.06: <Sts>BOOK</Sts>; .07 on: <Sts><Cd>BOOK</Cd></Sts>. */
	if (strcmp(r, "Sts") == 0 || strcmp(r, "Sts/Cd") == 0) {
		if (once(c, &e->seen_sts, sts, sizeof(sts)) < 0)
			return -1;
		if (strcmp(sts, "BOOK") == 0)
			e->status = BANKFILE_BOOKED;
		else if (strcmp(sts, "PDNG") == 0 || strcmp(sts, "FUTR") == 0)
			e->status = BANKFILE_PENDING;
		else if (strcmp(sts, "INFO") == 0)
			e->status = BANKFILE_INFO;
		else
			return fail(c, "status '%s' is not BOOK, PDNG, FUTR or INFO", sts);
		return 0;
	}
	if (strcmp(r, "BookgDt/Dt") == 0 || strcmp(r, "BookgDt/DtTm") == 0)
		return parse_date(c, &e->seen_booking, e->booking);
	if (strcmp(r, "ValDt/Dt") == 0 || strcmp(r, "ValDt/DtTm") == 0)
		return parse_date(c, &e->seen_value, e->value);
	if (strcmp(r, "AcctSvcrRef") == 0)
		return once(c, &e->seen_ref, e->acct_svcr_ref, sizeof(e->acct_svcr_ref));
	if (strcmp(r, "AddtlNtryInf") == 0)
		return once(c, &e->seen_addtl, e->addtl, sizeof(e->addtl));
	return 0;
}

static int leaf_dtls(struct camt *c, const char *r)
{
	struct dtls *d = &c->dtls;
	if (strcmp(r, "Btch/NbOfTxs") == 0)
		return amount_once(c, &d->nb);
	if (strcmp(r, "Btch/TtlAmt") == 0)
		return amount_once(c, &d->ttl);
	if (strcmp(r, "Btch/CdtDbtInd") == 0)
		return once(c, &d->seen_ind, d->ind, sizeof(d->ind));
	return 0;
}

static int leaf_bal(struct camt *c, const char *r)
{
	struct bal *b = &c->bal;
	if (strcmp(r, "Tp/CdOrPrtry/Cd") == 0)
		return once(c, &b->seen_type, b->type, sizeof(b->type));
	if (strcmp(r, "Amt") == 0)
		return amount_once(c, &b->amt);
	if (strcmp(r, "CdtDbtInd") == 0)
		return once(c, &b->seen_ind, b->ind, sizeof(b->ind));
	return 0;
}

static int leaf_stmt(struct camt *c, const char *r)
{
	struct stmt *s = &c->st;
	static const struct {
		const char *path;
		size_t off;
	} sums[] = {
		{"TxsSummry/TtlNtries/NbOfNtries", offsetof(struct stmt, s_count)},
		{"TxsSummry/TtlNtries/Sum", offsetof(struct stmt, s_sum)},
		{"TxsSummry/TtlNtries/TtlNetNtry/Amt", offsetof(struct stmt, s_net)},
		{"TxsSummry/TtlNtries/TtlNetNtryAmt", offsetof(struct stmt, s_net)},
		{"TxsSummry/TtlCdtNtries/NbOfNtries", offsetof(struct stmt, s_cr_count)},
		{"TxsSummry/TtlCdtNtries/Sum", offsetof(struct stmt, s_cr_sum)},
		{"TxsSummry/TtlDbtNtries/NbOfNtries", offsetof(struct stmt, s_db_count)},
		{"TxsSummry/TtlDbtNtries/Sum", offsetof(struct stmt, s_db_sum)},
	};
	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		if (strcmp(r, sums[i].path) == 0)
			return amount_once(c, (struct amount *)((char *)s + sums[i].off));
	if (strcmp(r, "TxsSummry/TtlNtries/TtlNetNtry/CdtDbtInd") == 0 ||
	    strcmp(r, "TxsSummry/TtlNtries/CdtDbtInd") == 0) {
		bool seen = s->s_net_ind[0] != '\0';
		return once(c, &seen, s->s_net_ind, sizeof(s->s_net_ind));
	}
	if (strcmp(r, "Id") == 0)
		return once(c, &s->seen_id, s->id, sizeof(s->id));
	if (strcmp(r, "FrToDt/FrDtTm") == 0)
		return parse_date(c, &s->seen_from, s->from);
	if (strcmp(r, "FrToDt/ToDtTm") == 0) {
		/* keep the time: a ToDtTm of 00:00:00 ends the day before */
		if (s->seen_to)
			return fail(c, "given twice");
		snprintf(s->to_time, sizeof(s->to_time), "%s", value(c));
		return parse_date(c, &s->seen_to, s->to);
	}
	if (strcmp(r, "Acct/Id/IBAN") == 0 || strcmp(r, "Acct/Id/Othr/Id") == 0)
		return once(c, &s->seen_account, s->account, sizeof(s->account));
	return 0;
}

static int on_leaf_end(struct camt *c)
{
	if (c->text_too_long)
		return fail(c, "text longer than %d bytes", CAMT_TEXT_MAX);
	if (c->ccy_bad)
		return fail(c, "Ccy attribute is not 3 letters");
	if (c->tx_depth > 0)
		return leaf_tx(c, rel(c, c->tx_depth));
	if (c->dtls_depth > 0)
		return leaf_dtls(c, rel(c, c->dtls_depth));
	if (c->ntry_depth > 0)
		return leaf_ntry(c, rel(c, c->ntry_depth));
	if (c->bal_depth > 0)
		return leaf_bal(c, rel(c, c->bal_depth));
	if (c->stmt_depth > 0)
		return leaf_stmt(c, rel(c, c->stmt_depth));
	if (c->depth == 4 && strcmp(rel(c, 2), "GrpHdr/CreDtTm") == 0) {
		bool seen = c->created_at[0] != '\0';
		return once(c, &seen, c->created_at, sizeof(c->created_at));
	}
	return 0;
}

/* ---- containers ---- */

#define DAY_MS (24 * 3600 * 1000LL)
/* A booking date's lines are "paid" at noon UTC that day, matched by rule
 * within 36 h of it: the whole local day anywhere from UTC-12 to UTC+14,
 * and a bank booking the evening's payments the next morning. */
#define DATE_WINDOW_MS (36 * 3600 * 1000LL)

static int stmt_biller(struct camt *c)
{
	struct stmt *s = &c->st;
	if (s->biller != NULL)
		return 0;
	if (!s->seen_account)
		return fail(c, "an entry before the statement's Acct/Id");
	s->biller = entryref_biller(c->er, s->account);
	if (s->biller == NULL)
		return fail(c, "account %s is not in the bank's biller_accounts",
			    s->account);
	return 0;
}

/* The entry's Amt, CdtDbtInd and Sts, needed before its first line. */
static int ntry_ready(struct camt *c)
{
	struct ntry *e = &c->ntry;
	if (e->has_amount)
		return 0;
	if (!e->amt.seen || !e->seen_ind || !e->seen_sts)
		return fail(c, "entry %d has no Amt, CdtDbtInd or Sts before its "
			    "details (the schema's order)", e->index);
	if (parse_amount(c, &e->amt, NULL, &e->cur, &e->amount_minor) < 0)
		return -1;
	if (e->status == BANKFILE_BOOKED && !e->seen_booking)
		return fail(c, "booked entry %d has no BookgDt", e->index);
	e->has_amount = true;
	return stmt_biller(c);
}

static int emit(struct camt *c, const struct tx *t, int64_t amount_minor)
{
	struct ntry *e = &c->ntry;
	const char *date = e->booking[0] ? e->booking : e->value;
	int64_t day = 0;
	if (date[0] != '\0')
		bizdate_parse(date, &day); /* checked when read */
	struct bankfile_line l = {
		.file_line = t ? t->line : e->line,
		.idempotency_key = "", .terminal = "", .biller = c->st.biller,
		.paid_at = date, .amount_minor = amount_minor, .currency = e->cur,
		.paid_at_ms = date[0] ? day * DAY_MS + DAY_MS / 2 : 0,
		.paid_at_window_ms = DATE_WINDOW_MS,
		.channel = INTENT_CHANNEL_TELLER, .statement = c->st.id,
		.booking_date = e->booking, .value_date = e->value,
		.end_to_end_id = t ? t->e2e : "", .instr_id = t ? t->instr : "",
		.tx_id = t ? t->txid : "",
		.acct_svcr_ref = t && t->svcr[0] ? t->svcr : e->acct_svcr_ref,
		.remittance = t && t->ustrd[0] ? t->ustrd : e->addtl,
		.creditor_ref = t ? t->cref : "",
		.debit = e->debit, .reversal = e->reversal, .status = e->status,
		.not_a_payment = e->debit || e->reversal || amount_minor == 0,
	};
	struct entryref_found found;
	entryref_apply(c->er, &l, &found);
	if (bankfile_add(c->bf, &l) < 0)
		return fail(c, "out of memory or more than %d lines",
			    BANKFILE_LINES_MAX);
	return 0;
}

static int tx_end(struct camt *c)
{
	struct tx *t = &c->tx;
	struct ntry *e = &c->ntry;
	int64_t a = 0, b = 0;
	const struct currency *cur = NULL;
	bool has = t->amt.seen || t->tx_amt.seen;
	if (t->amt.seen && parse_amount(c, &t->amt, NULL, &cur, &a) < 0)
		return -1;
	if (t->tx_amt.seen) {
		const struct currency *cur2 = NULL;
		if (parse_amount(c, &t->tx_amt, NULL, &cur2, &b) < 0)
			return -1;
		if (t->amt.seen && (a != b || cur != cur2))
			return fail(c, "TxDtls %d: Amt and AmtDtls/TxAmt differ", t->index);
		a = b, cur = cur2;
	}
	if (has && cur != e->cur)
		return fail(c, "TxDtls %d is in %s, its entry in %s", t->index,
			    cur->code, e->cur->code);
	if (t->seen_ind) {
		bool debit = false;
		if (parse_ind(c, t->ind, &debit) < 0)
			return -1;
		if (debit != e->debit)
			return fail(c, "TxDtls %d: CdtDbtInd %s differs from its entry's",
				    t->index, t->ind);
	}
	if (!has) {
		e->tx_missing_amount = true;
		a = e->amount_minor;
	}
	e->tx_count++;
	c->dtls.tx_count++;
	if (add(c, &e->tx_sum_minor, a) < 0 || add(c, &c->dtls.tx_sum_minor, a) < 0)
		return -1;
	return emit(c, t, a);
}

/* Btch NbOfTxs and TtlAmt against the NtryDtls's TxDtls (when it lists
 * them: a batch may be given as its total only). */
static int dtls_end(struct camt *c)
{
	struct dtls *d = &c->dtls;
	struct ntry *e = &c->ntry;
	char want[MONEY_TEXT_MAX];
	if (d->tx_count == 0 || (!d->nb.seen && !d->ttl.seen))
		return 0;
	money_format(d->tx_sum_minor, e->cur, want, sizeof(want));
	if (d->nb.seen) {
		int64_t nb;
		if (parse_count(c, &d->nb, &nb) < 0)
			return -1;
		if (nb != d->tx_count)
			return fail(c, "Btch NbOfTxs %" PRId64 " but entry %d lists %" PRId64
				    " TxDtls", nb, e->index, d->tx_count);
	}
	if (d->ttl.seen) {
		int64_t ttl;
		const struct currency *cur = NULL;
		if (parse_amount(c, &d->ttl, d->ttl.ccy[0] ? NULL : e->cur, &cur,
				 &ttl) < 0)
			return -1;
		if (cur != e->cur || ttl != d->tx_sum_minor)
			return fail(c, "Btch TtlAmt %s %s but entry %d's TxDtls add up "
				    "to %s %s", d->ttl.text, cur->code, e->index, want,
				    e->cur->code);
	}
	return bankfile_add_check(c->bf, c->st.id, "batch",
				  "entry %d: %" PRId64 " TxDtls, %s %s as its Btch says",
				  e->index, d->tx_count, want, e->cur->code) < 0
		       ? fail(c, "out of memory") : 0;
}

/* Count the entry in its statement: every entry for TxsSummry, booked
 * ones for the balance and the period. */
static int count_entry(struct camt *c)
{
	struct ntry *e = &c->ntry;
	struct stmt *s = &c->st;
	s->all_count++;
	if (s->all_cur != NULL && s->all_cur != e->cur)
		s->several_currencies = true;
	s->all_cur = e->cur;
	if (add(c, e->debit ? &s->all_debit_minor : &s->all_credit_minor,
		e->amount_minor) < 0)
		return -1;
	(*(e->debit ? &s->all_debit_count : &s->all_credit_count))++;
	if (e->status != BANKFILE_BOOKED) {
		s->other_count++;
		return 0;
	}
	struct cur_sum *cs = cur_sum(c, e->cur);
	if (cs == NULL ||
	    add(c, e->debit ? &cs->debit_minor : &cs->credit_minor,
		e->amount_minor) < 0)
		return -1;
	cs->entries++;
	if (s->min_booked[0] == '\0' || strcmp(e->booking, s->min_booked) < 0)
		memcpy(s->min_booked, e->booking, 11);
	if (strcmp(e->booking, s->max_booked) > 0)
		memcpy(s->max_booked, e->booking, 11);
	return 0;
}

static int ntry_end(struct camt *c)
{
	struct ntry *e = &c->ntry;
	if (ntry_ready(c) < 0)
		return -1;
	if (e->tx_count > 1) {
		char sum[MONEY_TEXT_MAX];
		if (e->tx_missing_amount)
			return fail(c, "entry %d has %d TxDtls, not each with an amount",
				    e->index, e->tx_count);
		money_format(e->tx_sum_minor, e->cur, sum, sizeof(sum));
		if (e->tx_sum_minor != e->amount_minor)
			return fail(c, "entry %d: Amt %s %s but its TxDtls add up to %s",
				    e->index, e->amt.text, e->cur->code, sum);
	}
	if (e->tx_count == 0 && emit(c, NULL, e->amount_minor) < 0)
		return -1;
	return count_entry(c);
}

static int bal_end(struct camt *c)
{
	struct bal *b = &c->bal;
	if (!b->seen_type || !b->amt.seen || !b->seen_ind)
		return fail(c, "a balance needs Tp/CdOrPrtry/Cd, Amt and CdtDbtInd");
	bool open = strcmp(b->type, "OPBD") == 0 || strcmp(b->type, "PRCD") == 0;
	bool close = strcmp(b->type, "CLBD") == 0;
	if (!open && !close)
		return 0; /* available and interim balances: not checked */
	const struct currency *cur = NULL;
	int64_t v;
	bool debit = false;
	if (parse_amount(c, &b->amt, NULL, &cur, &v) < 0 ||
	    parse_ind(c, b->ind, &debit) < 0)
		return -1;
	if (debit)
		v = -v; /* cannot overflow: v >= 0 */
	struct cur_sum *cs = cur_sum(c, cur);
	if (cs == NULL)
		return -1;
	if (open && cs->has_open && cs->open_minor != v)
		return fail(c, "two different opening balances (OPBD/PRCD) in %s",
			    cur->code);
	if (close && cs->has_close)
		return fail(c, "a second closing balance (CLBD) in %s", cur->code);
	if (open)
		cs->has_open = true, cs->open_minor = v;
	else
		cs->has_close = true, cs->close_minor = v;
	return 0;
}

/* opening + credits - debits = closing, per currency. A notification
 * (camt.054) usually has no balances: then there is nothing to check. */
static int check_balances(struct camt *c)
{
	struct stmt *s = &c->st;
	bool stmt053 = c->map->format == CONFIG_FORMAT_CAMT053;
	for (size_t i = 0; i < s->sum_count; i++) {
		struct cur_sum *cs = &s->sums[i];
		const char *code = cs->cur->code;
		char text[160], got[MONEY_TEXT_MAX];
		if (!cs->has_open && !cs->has_close && !stmt053)
			continue;
		if (!cs->has_open || !cs->has_close)
			return fail(c, "no %s balance in %s: the balance check needs "
				    "OPBD (or PRCD) and CLBD", cs->has_open ? "closing (CLBD)"
				    : "opening (OPBD/PRCD)", code);
		int64_t end;
		if (bankfile_balance("opening", cs->open_minor, cs->credit_minor,
				     cs->debit_minor, cs->cur, &end, text,
				     sizeof(text)) < 0)
			return fail(c, "the balance overflows int64 minor units");
		money_format(cs->close_minor, cs->cur, got, sizeof(got));
		if (end != cs->close_minor)
			return fail(c, "balance %s: %s, but the closing balance (CLBD) is "
				    "%s", code, text, got);
		if (bankfile_add_check(c->bf, s->id, "balance",
				       "%s: %s = closing (CLBD) (%" PRId64
				       " booked entries)", code, text, cs->entries) < 0)
			return fail(c, "out of memory");
	}
	if (stmt053 && s->sum_count == 0)
		return fail(c, "a statement without balances (OPBD/PRCD and CLBD)");
	return 0;
}

/* One TxsSummry figure against what the entries add up to. */
static int summary_one(struct camt *c, const struct amount *a, bool is_count,
		       int64_t have, const char *what)
{
	if (!a->seen)
		return 0;
	int64_t v;
	const struct stmt *s = &c->st;
	if (!is_count && s->several_currencies)
		return fail(c, "TxsSummry sums over entries in several currencies");
	if (is_count ? parse_count(c, a, &v) < 0
		     : parse_amount(c, a, s->all_cur, NULL, &v) < 0)
		return -1;
	if (v != have) {
		char h[MONEY_TEXT_MAX];
		if (is_count)
			snprintf(h, sizeof(h), "%" PRId64, have);
		else
			money_format(have, s->all_cur, h, sizeof(h));
		return fail(c, "TxsSummry %s is %s but the entries give %s", what,
			    a->text, h);
	}
	return 0;
}

static int check_summary(struct camt *c)
{
	struct stmt *s = &c->st;
	if (!s->s_count.seen && !s->s_sum.seen && !s->s_net.seen &&
	    !s->s_cr_count.seen && !s->s_cr_sum.seen && !s->s_db_count.seen &&
	    !s->s_db_sum.seen)
		return 0;
	if ((s->s_sum.seen || s->s_net.seen || s->s_cr_sum.seen || s->s_db_sum.seen) &&
	    s->all_cur == NULL)
		return fail(c, "TxsSummry sums but no entries");
	int64_t sum = 0, net = 0;
	if (money_add(s->all_credit_minor, s->all_debit_minor, &sum) < 0 ||
	    money_sub(s->all_credit_minor, s->all_debit_minor, &net) < 0)
		return fail(c, "a total overflows int64 minor units");
	bool net_debit = net < 0;
	if (s->s_net.seen) {
		bool ind_debit = false;
		if (s->s_net_ind[0] == '\0')
			return fail(c, "TxsSummry net amount without CdtDbtInd");
		if (parse_ind(c, s->s_net_ind, &ind_debit) < 0)
			return -1;
		if (net != 0 && ind_debit != net_debit)
			return fail(c, "TxsSummry net is %s but the entries' net is %s",
				    s->s_net_ind, net_debit ? "DBIT" : "CRDT");
	}
	if (summary_one(c, &s->s_count, true, s->all_count, "TtlNtries/NbOfNtries") < 0 ||
	    summary_one(c, &s->s_sum, false, sum, "TtlNtries/Sum") < 0 ||
	    summary_one(c, &s->s_net, false, net_debit ? -net : net,
			"TtlNtries/TtlNetNtry") < 0 ||
	    summary_one(c, &s->s_cr_count, true, s->all_credit_count,
			"TtlCdtNtries/NbOfNtries") < 0 ||
	    summary_one(c, &s->s_cr_sum, false, s->all_credit_minor,
			"TtlCdtNtries/Sum") < 0 ||
	    summary_one(c, &s->s_db_count, true, s->all_debit_count,
			"TtlDbtNtries/NbOfNtries") < 0 ||
	    summary_one(c, &s->s_db_sum, false, s->all_debit_minor,
			"TtlDbtNtries/Sum") < 0)
		return -1;
	return bankfile_add_check(c->bf, s->id, "txs_summary",
				  "%" PRId64 " entries (%" PRId64 " credits, %" PRId64
				  " debits) as TxsSummry says", s->all_count,
				  s->all_credit_count, s->all_debit_count) < 0
		       ? fail(c, "out of memory") : 0;
}

/* The statement's business date, and its booked entries inside its
 * period. A ToDtTm at 00:00:00 ends the period the day before. */
static int check_period(struct camt *c, char out[11])
{
	struct stmt *s = &c->st;
	if (s->seen_from != s->seen_to)
		return fail(c, "FrToDt needs both FrDtTm and ToDtTm");
	if (!s->seen_to) {
		if (s->min_booked[0] == '\0')
			return fail(c, "no FrToDt and no booked entry: the statement's "
				    "business date is unknown");
		if (strcmp(s->min_booked, s->max_booked) != 0)
			return fail(c, "no FrToDt, and booked entries of %s to %s: "
				    "which business date?", s->min_booked, s->max_booked);
		memcpy(out, s->min_booked, 11);
		return 0;
	}
	memcpy(out, s->to, 11);
	if (strstr(s->to_time, "T00:00:00") != NULL && strcmp(s->from, s->to) < 0) {
		int64_t day;
		bizdate_parse(s->to, &day);
		bizdate_format(day - 1, out);
	}
	if (strcmp(s->from, out) > 0)
		return fail(c, "FrDtTm %s is after ToDtTm %s", s->from, s->to_time);
	if (s->min_booked[0] != '\0' &&
	    (strcmp(s->min_booked, s->from) < 0 || strcmp(s->max_booked, out) > 0))
		return fail(c, "booked entries of %s to %s outside the statement "
			    "period %s to %s", s->min_booked, s->max_booked, s->from, out);
	return 0;
}

static int stmt_end(struct camt *c)
{
	struct stmt *s = &c->st;
	char day[11];
	if (!s->seen_id)
		return fail(c, "a statement without Id");
	if (stmt_biller(c) < 0 || check_balances(c) < 0 || check_summary(c) < 0 ||
	    check_period(c, day) < 0)
		return -1;
	if (c->business_date[0] == '\0')
		memcpy(c->business_date, day, 11);
	else if (strcmp(c->business_date, day) != 0)
		return fail(c, "statements of two business dates (%s and %s) in one "
			    "file", c->business_date, day);
	if (bankfile_add_check(c->bf, s->id, "period",
			       "business date %s; booked entries %s to %s", day,
			       s->min_booked[0] ? s->min_booked : "-",
			       s->max_booked[0] ? s->max_booked : "-") < 0)
		return fail(c, "out of memory");
	/* The statement's figures in its account's (first) currency. */
	const struct cur_sum *cs = s->sum_count ? &s->sums[0] : NULL;
	struct bankfile_statement out = {
		.id = s->id, .account = s->account,
		.currency = cs ? cs->cur : s->all_cur,
		.has_opening = cs && cs->has_open, .has_closing = cs && cs->has_close,
		.opening_minor = cs ? cs->open_minor : 0,
		.closing_minor = cs ? cs->close_minor : 0,
		.credit_minor = cs ? cs->credit_minor : 0,
		.debit_minor = cs ? cs->debit_minor : 0,
		.other_count = s->other_count, .file_line = s->line,
	};
	out.credit_count = s->all_credit_count;
	out.debit_count = s->all_debit_count;
	memcpy(out.from_date, s->from, sizeof(out.from_date));
	memcpy(out.to_date, day, sizeof(out.to_date));
	if (bankfile_add_statement(c->bf, &out) < 0)
		return fail(c, "out of memory");
	return 0;
}

/* ---- the element tree ---- */

static const char *const versions[] = {"02", "03", "04", "05", "06", "07", "08"};

static int check_root(struct camt *c, const char *name, const char *ns)
{
	const char *kind = c->map->format == CONFIG_FORMAT_CAMT053 ? "camt.053.001."
								    : "camt.054.001.";
	if (strcmp(name, "Document") != 0)
		return fail(c, "root element is %s, not Document", name);
	size_t pre = strlen(NS_PREFIX), k = strlen(kind);
	bool ok = ns != NULL && strncmp(ns, NS_PREFIX, pre) == 0 &&
		  strncmp(ns + pre, kind, k) == 0 && strlen(ns + pre + k) == 2;
	for (size_t i = 0; ok && i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(ns + pre + k, versions[i]) == 0) {
			snprintf(c->ns, sizeof(c->ns), "%s", ns);
			return 0;
		}
	return fail(c, "namespace '%s' is not one read for %s (%s%s02 to %s08)",
		    ns ? ns : "", config_bankfile_format_name(c->map->format),
		    NS_PREFIX, kind, kind);
}

static int push(struct camt *c, const char *name, int index)
{
	if (c->depth == CAMT_DEPTH_MAX)
		return fail(c, "elements nested deeper than %d", CAMT_DEPTH_MAX);
	size_t len = c->depth > 0 ? c->path_len : 0, n = strlen(name);
	char num[16] = "";
	if (index > 0) /* rare (containers): snprintf is fine here */
		snprintf(num, sizeof(num), "[%d]", index);
	size_t k = strlen(num);
	if (len + 1 + n + k >= sizeof(c->path))
		return fail(c, "element path longer than %zu bytes", sizeof(c->path));
	c->depth++;
	c->path_off[c->depth] = len;
	c->path[len] = '/';
	memcpy(c->path + len + 1, name, n);
	memcpy(c->path + len + 1 + n, num, k + 1);
	c->path_len = len + 1 + n + k;
	return 0;
}

/* Start a container when name opens one at this depth; returns the
 * index shown in the path (0 for an element that is not counted). */
static int open_container(struct camt *c, const char *name, int depth)
{
	if (depth == 3 && strcmp(name, c->stmt_name) == 0) {
		if (c->stmt_count == CAMT_STATEMENTS_MAX)
			return fail(c, "more than %d statements", CAMT_STATEMENTS_MAX);
		memset(&c->st, 0, sizeof(c->st));
		c->st.index = ++c->stmt_count;
		c->ntry.index = 0;
		c->st.line = node_line(c);
		c->stmt_depth = depth;
		return c->st.index;
	}
	if (c->stmt_depth > 0 && depth == c->stmt_depth + 1 &&
	    strcmp(name, "Bal") == 0) {
		memset(&c->bal, 0, sizeof(c->bal));
		c->bal_depth = depth;
	} else if (c->stmt_depth > 0 && depth == c->stmt_depth + 1 &&
		   strcmp(name, "Ntry") == 0) {
		int index = c->ntry.index + 1;
		memset(&c->ntry, 0, sizeof(c->ntry));
		c->ntry.index = index;
		c->ntry.line = node_line(c);
		c->ntry_depth = depth;
		return index;
	} else if (c->ntry_depth > 0 && depth == c->ntry_depth + 1 &&
		   strcmp(name, "NtryDtls") == 0) {
		memset(&c->dtls, 0, sizeof(c->dtls));
		c->dtls_depth = depth;
	} else if (c->dtls_depth > 0 && depth == c->dtls_depth + 1 &&
		   strcmp(name, "TxDtls") == 0) {
		if (ntry_ready(c) < 0)
			return -1;
		memset(&c->tx, 0, sizeof(c->tx));
		c->tx.index = c->ntry.tx_count + 1;
		c->tx.line = node_line(c);
		c->tx_depth = depth;
		return c->tx.index;
	}
	return 0;
}

/* The Ccy attribute of an amount element. */
static void read_ccy(struct camt *c, const char *name)
{
	c->ccy[0] = '\0';
	c->ccy_bad = false;
	if (strstr(name, "Amt") == NULL && strcmp(name, "Sum") != 0)
		return;
	xmlChar *v = xmlTextReaderGetAttribute(c->rd, (const xmlChar *)"Ccy");
	if (v == NULL)
		return;
	const char *s = (const char *)v;
	bool ok = strlen(s) == 3;
	for (size_t i = 0; ok && i < 3; i++)
		ok = s[i] >= 'A' && s[i] <= 'Z';
	if (ok)
		memcpy(c->ccy, s, 4);
	c->ccy_bad = !ok;
	xmlFree(v);
}

static int on_start(struct camt *c)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(c->rd);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(c->rd);
	int depth = c->depth + 1;
	if (c->skip_depth > 0) {
		c->skip_nest++;
		return 0;
	}
	if (depth == 1) {
		if (check_root(c, name, ns) < 0)
			return -1;
	} else if (ns == NULL || strcmp(ns, c->ns) != 0) {
		return fail(c, "element %s in namespace '%s', not the document's",
			    name, ns ? ns : "");
	}
	if (depth == 2 && strcmp(name, c->root_name) != 0)
		return fail(c, "%s is not %s", name, c->root_name);
	int index = open_container(c, name, depth);
	if (index < 0 || push(c, name, index) < 0)
		return -1;
	c->has_child[depth - 1] = true;
	c->has_child[depth] = false;
	if (strcmp(name, "SplmtryData") == 0)
		c->skip_depth = depth;
	c->text_len = 0;
	c->text_too_long = false;
	read_ccy(c, name);
	return 0;
}

static int on_end(struct camt *c)
{
	int depth = c->depth;
	int rc = 0;
	if (c->skip_nest > 0) {
		c->skip_nest--; /* inside SplmtryData: never pushed */
		return 0;
	}
	if (c->skip_depth == depth)
		c->skip_depth = 0;
	else if (!c->has_child[depth])
		rc = on_leaf_end(c);
	if (rc == 0 && depth == c->tx_depth)
		rc = tx_end(c), c->tx_depth = 0;
	else if (rc == 0 && depth == c->dtls_depth)
		rc = dtls_end(c), c->dtls_depth = 0;
	else if (rc == 0 && depth == c->ntry_depth)
		rc = ntry_end(c), c->ntry_depth = 0;
	else if (rc == 0 && depth == c->bal_depth)
		rc = bal_end(c), c->bal_depth = 0;
	else if (rc == 0 && depth == c->stmt_depth)
		rc = stmt_end(c), c->stmt_depth = 0;
	if (rc < 0)
		return -1;
	c->path[c->path_off[depth]] = '\0';
	c->path_len = c->path_off[depth];
	c->depth--;
	return 0;
}

/* ---- the file ---- */

static void on_text(struct camt *c)
{
	const char *v = (const char *)xmlTextReaderConstValue(c->rd);
	size_t n = v ? strlen(v) : 0;
	if (c->skip_depth > 0 || n == 0)
		return;
	if (c->text_len + n > CAMT_TEXT_MAX) {
		c->text_too_long = true;
		return;
	}
	memcpy(c->text + c->text_len, v, n);
	c->text_len += n;
}

static int step(struct camt *c)
{
	int type = xmlTextReaderNodeType(c->rd);
	switch (type) {
	case XML_READER_TYPE_ELEMENT: {
		bool empty = xmlTextReaderIsEmptyElement(c->rd) == 1;
		if (on_start(c) < 0)
			return -1;
		return empty ? on_end(c) : 0;
	}
	case XML_READER_TYPE_END_ELEMENT:
		return on_end(c);
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		on_text(c);
		return 0;
	case XML_READER_TYPE_DOCUMENT_TYPE:
	case XML_READER_TYPE_ENTITY:
	case XML_READER_TYPE_ENTITY_REFERENCE:
		/* io_read() refuses "<!DOCTYPE" first; this is the second net. */
		return fail(c, "a DOCTYPE or entity: refused");
	default: /* whitespace, comments, processing instructions */
		return 0;
	}
}

static int run(struct camt *c)
{
	/* NONET: no network. Not NOENT (no entity substitution), not
	 * DTDLOAD/DTDATTR/DTDVALID (no DTD read); not HUGE (libxml2's size
	 * limits stay). Errors come to on_xml_error, never to stderr. */
	int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		      XML_PARSE_NOCDATA;
	c->rd = xmlReaderForIO(io_read, io_close, c, NULL, NULL, options);
	if (c->rd == NULL)
		return fail(c, "out of memory");
	xmlTextReaderSetStructuredErrorHandler(c->rd, on_xml_error, c);
	int rc;
	while ((rc = xmlTextReaderRead(c->rd)) == 1)
		if (step(c) < 0)
			break;
	if (rc < 0 && !c->failed) {
		c->xml_error = true;
		fail(c, "not well-formed XML");
	}
	if (c->failed)
		return -1;
	if (c->stmt_count == 0)
		return fail(c, "no %s in the file", c->stmt_name);
	return 0;
}

static int camt_read(struct camt *c, const char *bank,
		     const struct config_bankfile *map, struct bankfile **ret,
		     struct bankfile_error *err)
{
	assert(map != NULL && (map->format == CONFIG_FORMAT_CAMT053 ||
			       map->format == CONFIG_FORMAT_CAMT054));
	c->map = map;
	c->err = err;
	bool n053 = map->format == CONFIG_FORMAT_CAMT053;
	c->root_name = n053 ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn";
	c->stmt_name = n053 ? "Stmt" : "Ntfctn";
	sha256_init(&c->hash);
	err->line = 0;
	err->reason[0] = '\0';
	char why[160];
	int rc = -1;
	xmlInitParser();
	c->bf = bankfile_new();
	if (c->bf == NULL) {
		fail(c, "out of memory");
		goto out;
	}
	if (entryref_new(map, &c->er, why, sizeof(why)) < 0) {
		fail(c, "%s", why);
		goto out;
	}
	if (run(c) < 0)
		goto out;
	uint8_t digest[SHA256_DIGEST_LEN];
	char hex[65];
	sha256_final(&c->hash, digest);
	sha256_hex(digest, hex);
	bankfile_set_header(c->bf, bank, c->business_date, c->created_at);
	bankfile_set_sha256(c->bf, hex);
	*ret = c->bf;
	c->bf = NULL;
	rc = 0;
out:
	if (c->rd != NULL)
		xmlFreeTextReader(c->rd);
	entryref_free(c->er);
	bankfile_free(c->bf);
	return rc;
}

int camt_read_fd(int fd, const char *bank, const struct config_bankfile *map,
		 struct bankfile **ret, struct bankfile_error *err)
{
	struct camt *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -1;
	}
	c->fd = fd;
	int rc = camt_read(c, bank, map, ret, err);
	free(c);
	return rc;
}

int camt_read_memory(const char *data, size_t size, const char *bank,
		     const struct config_bankfile *map, struct bankfile **ret,
		     struct bankfile_error *err)
{
	struct camt *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -1;
	}
	static const char empty[1];
	c->mem = size ? data : empty;
	c->mem_size = size;
	int rc = camt_read(c, bank, map, ret, err);
	free(c);
	return rc;
}
