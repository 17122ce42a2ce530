/* bankgen — see bankgen.h. */
#include "bankgen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "errstr.h"
#include "intent.h"
#include "money.h"
#include "scenario.h"
#include "timeutil.h"

#define BANKGEN_LINES_MAX (20 * 1000 * 1000)
#define BANKGEN_CURRENCIES_MAX 8

struct line {
	char date[11];
	char bank[INTENT_BANK_MAX + 1];
	char intent_id[INTENT_ID_LEN + 1];
	char key[INTENT_KEY_MAX + 1];
	char terminal[INTENT_TERMINAL_MAX + 1];
	char biller[INTENT_BILLER_MAX + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	char invoice[INTENT_INVOICE_MAX + 1];
	const struct currency *currency;
	int64_t amount_minor;
	char paid_at[INTENT_TIME_MAX + 1];
	char channel[8];
	bool drop;
};

/* Decode one accepted-log line; the log is tasdid's own output, so any
 * deviation is an error, not something to skip. */
static int parse_line(const char *text, size_t len, struct line *ret,
		      char *errstr, size_t errstr_size)
{
	struct intent in;
	struct intent_error ie;
	/* The log has intent_id but no received_at: stamp one so the queue-side
	 * decoder, which checks everything, can be reused. */
	json_error_t jerr;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL) {
		errstr_set(errstr, errstr_size, "%s", jerr.text);
		return -1;
	}
	json_object_set_new(o, "received_at", json_string("2000-01-01T00:00:00.000Z"));
	int rc = intent_decode_object(o, INTENT_FROM_QUEUE, &in, &ie);
	json_decref(o);
	if (rc < 0) {
		errstr_set(errstr, errstr_size, "%s: %s", ie.field, ie.reason);
		return -1;
	}
	memset(ret, 0, sizeof(*ret));
	char utc[32];
	rfc3339_format_utc_ms(in.paid_at_ms, utc, sizeof(utc));
	memcpy(ret->date, utc, 10);
	memcpy(ret->bank, in.bank, sizeof(in.bank));
	memcpy(ret->intent_id, in.intent_id, sizeof(in.intent_id));
	memcpy(ret->key, in.idempotency_key, sizeof(in.idempotency_key));
	memcpy(ret->terminal, in.terminal, sizeof(in.terminal));
	memcpy(ret->biller, in.biller, sizeof(in.biller));
	memcpy(ret->account, in.account, sizeof(in.account));
	memcpy(ret->invoice, in.invoice, sizeof(in.invoice));
	ret->currency = currency_find(in.currency);
	ret->amount_minor = in.amount_minor;
	memcpy(ret->paid_at, in.paid_at, sizeof(in.paid_at));
	snprintf(ret->channel, sizeof(ret->channel), "%s", intent_channel_name(in.channel));
	return 0;
}

static int read_log(const char *path, struct line **ret, size_t *ret_n,
		    char *errstr, size_t errstr_size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct line *arr = NULL;
	size_t n = 0, cap = 0;
	char *buf = NULL;
	size_t buf_size = 0;
	ssize_t len;
	int lineno = 0, rc = -1;
	while ((len = getline(&buf, &buf_size, f)) > 0) {
		lineno++;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			struct line *a = cap <= BANKGEN_LINES_MAX ? realloc(arr, cap * sizeof(*a)) : NULL;
			if (a == NULL) {
				errstr_set(errstr, errstr_size, "%s: too many lines", path);
				goto out;
			}
			arr = a;
		}
		char why[300];
		if (parse_line(buf, (size_t)len, &arr[n], why, sizeof(why)) < 0) {
			errstr_set(errstr, errstr_size, "%s:%d: %s", path, lineno, why);
			goto out;
		}
		n++;
	}
	*ret = arr;
	*ret_n = n;
	arr = NULL;
	rc = 0;
out:
	free(buf);
	free(arr);
	fclose(f);
	return rc;
}

/* Files are grouped by (date, bank); within a file, lines in id order
 * (which is paid_at order): deterministic for the same accepted set. */
static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = strcmp(x->date, y->date);
	if (c == 0)
		c = strcmp(x->bank, y->bank);
	return c != 0 ? c : strcmp(x->intent_id, y->intent_id);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->intent_id,
		      ((const struct line *)b)->intent_id);
}

/* A payment the bank reports but tasdid never received: a fresh intent id
 * and key that no terminal used. */
static void make_phantom(const struct line *model, uint64_t seed, struct line *ret)
{
	*ret = *model;
	ret->drop = false;
	snprintf(ret->key, sizeof(ret->key), "PHANTOM-%" PRIu64, seed);
	struct intent in = {0};
	memcpy(in.bank, ret->bank, sizeof(in.bank));
	memcpy(in.terminal, ret->terminal, sizeof(in.terminal));
	memcpy(in.idempotency_key, ret->key, sizeof(in.idempotency_key));
	int64_t ms;
	rfc3339_parse(ret->paid_at, strlen(ret->paid_at), &ms, NULL, NULL, 0);
	in.paid_at_ms = ms;
	intent_derive_id(&in);
	memcpy(ret->intent_id, in.intent_id, sizeof(in.intent_id));
}

static int write_file(const char *out_dir, const struct line *lines, size_t n,
		      char *errstr, size_t errstr_size)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/bank-%s-%s.csv", out_dir, lines[0].bank, lines[0].date);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	/* created_at: the end of the business day, so the file is the same
	 * bytes for the same payments (re-runs compare equal). */
	fprintf(f, "H,1,%s,%s,%sT23:59:59Z\n", lines[0].bank, lines[0].date, lines[0].date);
	const struct currency *curs[BANKGEN_CURRENCIES_MAX];
	int64_t totals[BANKGEN_CURRENCIES_MAX] = {0};
	int ncur = 0;
	int64_t count = 0;
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &lines[i];
		if (l->drop)
			continue;
		char amount[MONEY_TEXT_MAX];
		money_format(l->amount_minor, l->currency, amount, sizeof(amount));
		/* Invoice numbers of this world never need quoting ([A-Za-z0-9._/-]). */
		fprintf(f, "D,%" PRId64 ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", ++count,
			l->intent_id, l->key, l->terminal, l->biller, l->account,
			l->invoice, amount, l->currency->code, l->paid_at, l->channel);
		int c = 0;
		while (c < ncur && curs[c] != l->currency)
			c++;
		if (c == ncur && ncur < BANKGEN_CURRENCIES_MAX)
			curs[ncur++] = l->currency;
		money_add(totals[c], l->amount_minor, &totals[c]);
	}
	/* Trailer currencies in ascending code order. */
	for (int a = 0; a < ncur; a++)
		for (int b = a + 1; b < ncur; b++)
			if (strcmp(curs[b]->code, curs[a]->code) < 0) {
				const struct currency *tc = curs[a];
				curs[a] = curs[b];
				curs[b] = tc;
				int64_t tt = totals[a];
				totals[a] = totals[b];
				totals[b] = tt;
			}
	fprintf(f, "T,%" PRId64, count);
	for (int c = 0; c < ncur; c++) {
		char amount[MONEY_TEXT_MAX];
		money_format(totals[c], curs[c], amount, sizeof(amount));
		fprintf(f, ",%s,%s", curs[c]->code, amount);
	}
	fprintf(f, "\n");
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		errstr_set(errstr, errstr_size, "cannot write %s", path);
		return -1;
	}
	return 0;
}

/* ---- the statement formats (schemas/bank-statements.md) ---- */

enum config_bankfile_format bankgen_format(size_t k)
{
	static const enum config_bankfile_format f[] = {
		CONFIG_FORMAT_CAMT053, CONFIG_FORMAT_MT940, CONFIG_FORMAT_CAMT054};
	return k < sizeof(f) / sizeof(f[0]) ? f[k] : CONFIG_FORMAT_CSV;
}

int bankgen_ini(const char *const *banks, size_t bank_count,
		const char *const *billers, size_t biller_count, char *buf,
		size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < bank_count; k++) {
		enum config_bankfile_format f = bankgen_format(k);
		if (f == CONFIG_FORMAT_CSV)
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
					 "\n[bankfile %s]\nformat = %s\nbiller_accounts = ",
					 banks[k], config_bankfile_format_name(f));
		for (size_t b = 0; b < biller_count; b++)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0,
						 "%s%s:COLL-%s-%s", b ? ", " : "", billers[b],
						 banks[k], billers[b]);
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "\n");
	}
	return used < size ? 0 : -1;
}

static const char *statement_suffix_of(enum config_bankfile_format f)
{
	return f == CONFIG_FORMAT_CSV ? ".csv" : f == CONFIG_FORMAT_MT940 ? ".sta" : ".xml";
}

static enum config_bankfile_format format_of(const char *const *banks,
					     size_t bank_count, const char *bank)
{
	for (size_t k = 0; k < bank_count; k++)
		if (strcmp(banks[k], bank) == 0)
			return bankgen_format(k);
	return CONFIG_FORMAT_CSV;
}

/* One statement of (bank, date, biller) with its lines; camt Stmt/Ntfctn
 * or an MT940 :20: .. - block. Amounts are money_format()'s, with a comma
 * for MT940. The world's texts (ids, accounts, invoices: [A-Za-z0-9._/-])
 * need no XML escaping. */
static void write_statement(FILE *f, enum config_bankfile_format fmt,
			    const struct line *lines, size_t n,
			    const struct line *model, int index)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!lines[i].drop && strcmp(lines[i].biller, model->biller) == 0)
			money_add(sum, lines[i].amount_minor, &sum);
	const char *d = model->date, *bank = model->bank, *biller = model->biller;
	const char *ccy = model->currency->code;
	char total[MONEY_TEXT_MAX], a[MONEY_TEXT_MAX];
	money_format(sum, model->currency, total, sizeof(total));
	bool mt = fmt == CONFIG_FORMAT_MT940;
	char yymmdd[7] = {d[2], d[3], d[5], d[6], d[8], d[9], 0};
	if (mt) {
		*strchr(total, '.') = ',';
		fprintf(f, ":20:S%s-%d\r\n:25:COLL-%s-%s\r\n:28C:%d/1\r\n"
			":60F:C%s%s0,\r\n", yymmdd, index, bank, biller, index, yymmdd, ccy);
	} else {
		fprintf(f, "<%s><Id>%s-%s-%s</Id><FrToDt><FrDtTm>%sT00:00:00Z</FrDtTm>"
			"<ToDtTm>%sT23:59:59Z</ToDtTm></FrToDt><Acct><Id><Othr><Id>COLL-%s-%s"
			"</Id></Othr></Id></Acct>\n", fmt == CONFIG_FORMAT_CAMT053 ? "Stmt"
			: "Ntfctn", bank, d, biller, d, d, bank, biller);
		if (fmt == CONFIG_FORMAT_CAMT053)
			fprintf(f, "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt "
				"Ccy=\"%s\">0</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>\n<Bal><Tp>"
				"<CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"%s\">%s</Amt>"
				"<CdtDbtInd>CRDT</CdtDbtInd></Bal>\n", ccy, ccy, total);
	}
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &lines[i];
		if (l->drop || strcmp(l->biller, biller) != 0)
			continue;
		money_format(l->amount_minor, l->currency, a, sizeof(a));
		if (mt) {
			char *dot = strchr(a, '.');
			if (dot != NULL)
				*dot = ',';
			fprintf(f, ":61:%s%.2s%.2sC%s%sNTRFNONREF\r\n:86:?20EREF+%s?21%s %s\r\n",
				yymmdd, d + 5, d + 8, a, dot ? "" : ",", l->intent_id,
				l->account, l->invoice);
		} else {
			fprintf(f, "<Ntry><Amt Ccy=\"%s\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
				"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>%s</Dt></BookgDt><NtryDtls>"
				"<TxDtls><Refs><EndToEndId>%s</EndToEndId></Refs><RmtInf><Ustrd>"
				"%s %s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n", ccy, a, d,
				l->intent_id, l->account, l->invoice);
		}
	}
	if (mt)
		fprintf(f, ":62F:C%s%s%s\r\n-\r\n", yymmdd, ccy, total);
	else
		fprintf(f, "</%s>\n", fmt == CONFIG_FORMAT_CAMT053 ? "Stmt" : "Ntfctn");
}

/* A statement file of bank on date: one statement per biller of lines,
 * or (no lines: an empty day) one of model's biller without entries. */
static int write_statements(const char *out_dir, enum config_bankfile_format fmt,
			    const struct line *lines, size_t n,
			    const struct line *model, char *errstr,
			    size_t errstr_size)
{
	char path[4096], tmp[4200];
	snprintf(path, sizeof(path), "%s/bank-%s-%s%s", out_dir, model->bank,
		 model->date, fmt == CONFIG_FORMAT_MT940 ? ".sta" : ".xml");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	bool n053 = fmt == CONFIG_FORMAT_CAMT053;
	if (fmt != CONFIG_FORMAT_MT940)
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document "
			"xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.05%c.001.08\"><%s>"
			"<GrpHdr><MsgId>%s-%s</MsgId><CreDtTm>%sT23:59:59Z</CreDtTm></GrpHdr>\n",
			n053 ? '3' : '4', n053 ? "BkToCstmrStmt" : "BkToCstmrDbtCdtNtfctn",
			model->bank, model->date, model->date);
	const struct line *seen[64]; /* each biller's first line */
	int index = 0;
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (int k = 0; k < index && first; k++)
			first = strcmp(seen[k]->biller, lines[i].biller) != 0;
		if (first && index == (int)(sizeof(seen) / sizeof(seen[0]))) {
			fclose(f);
			errstr_set(errstr, errstr_size, "%s: more than 64 billers", path);
			return -1;
		}
		if (first) {
			seen[index] = &lines[i];
			write_statement(f, fmt, lines, n, &lines[i], ++index);
		}
	}
	if (n == 0)
		write_statement(f, fmt, lines, 0, model, 1);
	if (fmt != CONFIG_FORMAT_MT940)
		fprintf(f, "</%s></Document>\n", n053 ? "BkToCstmrStmt"
						     : "BkToCstmrDbtCdtNtfctn");
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		errstr_set(errstr, errstr_size, "cannot write %s", path);
		return -1;
	}
	return 0;
}

/* An empty day's file for bank on date. */
static int write_empty(const char *out_dir, const char *bank, const char *date,
		       char *errstr, size_t errstr_size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/bank-%s-%s.csv", out_dir, bank, date);
	FILE *f = fopen(path, "wx"); /* exists: the bank had lines that day */
	if (f == NULL)
		return errno == EEXIST ? 0 : (errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno)), -1);
	fprintf(f, "H,1,%s,%s,%sT23:59:59Z\nT,0\n", bank, date, date);
	return fclose(f) == 0 ? 0 : -1;
}

int bankgen_write_all(const char *accepted_log, const char *out_dir,
		       const char *const *banks, size_t bank_count,
		       uint64_t seed, const struct bankgen_planted *plant,
		       struct bankgen_stats *ret, char *errstr, size_t errstr_size)
{
	struct line *lines = NULL;
	size_t n = 0;
	if (read_log(accepted_log, &lines, &n, errstr, errstr_size) < 0)
		return -1;
	struct bankgen_stats st = {0};
	int rc = -1;
	/* Room for the phantom line. */
	struct line *grown = realloc(lines, (n + 1) * sizeof(*lines));
	if (grown == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		goto out;
	}
	lines = grown;
	/* A payment the terminal sent twice (a lost answer) is one payment:
	 * the bank's file lists it once. */
	qsort(lines, n, sizeof(*lines), cmp_id);
	size_t unique = 0;
	for (size_t i = 0; i < n; i++)
		if (unique == 0 || strcmp(lines[i].intent_id, lines[unique - 1].intent_id) != 0)
			lines[unique++] = lines[i];
	n = unique;
	if (plant != NULL && n >= 3) {
		/* Three distinct lines, chosen by seed. */
		size_t a = scenario_mix(seed, 1, 0) % n, b = (a + 1 + scenario_mix(seed, 2, 0) % (n - 1)) % n;
		size_t c = (a + n - 1) % n == b ? (b + 1) % n : (a + n - 1) % n;
		if (plant->missing_lines > 0)
			lines[a].drop = true;
		if (plant->wrong_amounts > 0)
			lines[b].amount_minor += 1;
		if (plant->phantom_lines > 0)
			make_phantom(&lines[c], seed, &lines[n++]);
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t start = 0; start < n;) {
		size_t end = start;
		while (end < n && strcmp(lines[end].date, lines[start].date) == 0 &&
		       strcmp(lines[end].bank, lines[start].bank) == 0)
			end++;
		enum config_bankfile_format fmt =
			format_of(banks, bank_count, lines[start].bank);
		if ((fmt == CONFIG_FORMAT_CSV
			     ? write_file(out_dir, lines + start, end - start, errstr,
					  errstr_size)
			     : write_statements(out_dir, fmt, lines + start, end - start,
						&lines[start], errstr, errstr_size)) < 0)
			goto out;
		st.files_written++;
		for (size_t i = start; i < end; i++)
			st.lines_written += !lines[i].drop;
		if (start == 0 || strcmp(lines[start].date, lines[start - 1].date) != 0) {
			st.dates++;
			if (st.first_date[0] == '\0')
				memcpy(st.first_date, lines[start].date, 11);
			memcpy(st.last_date, lines[start].date, 11);
		}
		start = end;
	}
	/* Then the banks without a payment on a date get an empty day. */
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(lines[i].date, lines[i - 1].date) == 0)
			continue;
		for (size_t k = 0; k < bank_count; k++) {
			struct line model = lines[i];
			snprintf(model.bank, sizeof(model.bank), "%s", banks[k]);
			char path[4096];
			snprintf(path, sizeof(path), "%s/bank-%s-%s%s", out_dir, banks[k],
				 lines[i].date, statement_suffix_of(bankgen_format(k)));
			if (bankgen_format(k) == CONFIG_FORMAT_CSV
				    ? write_empty(out_dir, banks[k], lines[i].date, errstr,
						  errstr_size) < 0
				    : access(path, F_OK) != 0 &&
					      write_statements(out_dir, bankgen_format(k), NULL, 0,
							       &model, errstr, errstr_size) < 0)
				goto out;
		}
	}
	*ret = st;
	rc = 0;
out:
	free(lines);
	return rc;
}
