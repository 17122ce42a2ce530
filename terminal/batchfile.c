/* batchfile — see batchfile.h. */
#include "batchfile.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

static const char *const columns[BATCHFILE_FIELDS] = {
	"idempotency_key", "branch", "terminal", "biller", "account", "invoice",
	"amount", "currency", "paid_at", "channel",
};

struct batchfile {
	size_t n;
	struct batchfile_row rows[BATCHFILE_ROWS_MAX];
};

struct reader {
	struct batchfile *bf;
	struct batchfile_error *err;
	struct batchfile_row cur;
	int64_t line, record_line;
	bool at_record_start, header_done, failed;
};

static void fail(struct reader *r, int64_t line, const char *reason)
{
	if (r->failed)
		return;
	r->failed = true;
	r->err->line = line;
	snprintf(r->err->reason, sizeof(r->err->reason), "%s", reason);
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1
			: c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
		if (k == 9 || (k > 0 && i + k >= len))
			return false; /* not a lead byte, or cut short */
		unsigned cp = k == 0 ? c : c & (0x3fu >> k);
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3fu);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += k + 1;
	}
	return true;
}

static void on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	int i = r->cur.field_count++;
	if (i >= BATCHFILE_FIELDS)
		return;
	size_t n = len > BATCHFILE_FIELD_MAX ? BATCHFILE_FIELD_MAX : len;
	/* Cut before a character, not inside one: the cell must stay UTF-8
	 * for jansson (a cut one is refused by its length anyway). */
	const unsigned char *d = data;
	while (n < len && n > 0 && (d[n] & 0xc0) == 0x80)
		n--;
	memcpy(r->cur.field[i], data, n);
	r->cur.field[i][n] = '\0';
	r->cur.field_len[i] = n;
}

static void on_record(int c, void *arg)
{
	struct reader *r = arg;
	(void)c;
	r->at_record_start = true;
	if (!r->header_done) {
		r->header_done = true;
		bool ok = r->cur.field_count == BATCHFILE_FIELDS;
		for (int i = 0; ok && i < BATCHFILE_FIELDS; i++)
			ok = strcmp(r->cur.field[i], columns[i]) == 0;
		if (!ok)
			fail(r, r->record_line, "header is not exactly "
			     "\"idempotency_key,branch,terminal,biller,account,"
			     "invoice,amount,currency,paid_at,channel\"");
	} else if (r->bf->n == BATCHFILE_ROWS_MAX) {
		fail(r, r->record_line, "more than 1000 rows: split the file");
	} else {
		r->cur.line = r->record_line;
		r->bf->rows[r->bf->n++] = r->cur;
	}
	memset(&r->cur, 0, sizeof(r->cur));
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* spaces are data (csv-formats.md) */
}

static int is_lf(unsigned char c)
{
	return c == CSV_LF; /* lines arrive without CR: a stray CR is data */
}

/* One physical line (with its break, if any). */
static void feed(struct reader *r, struct csv_parser *p, const char *s,
		 size_t len)
{
	size_t body = len;
	if (body > 0 && s[body - 1] == '\n')
		body--;
	if (body > 0 && s[body - 1] == '\r')
		body--;
	if (r->at_record_start) {
		if (body == 0) {
			fail(r, r->line, "blank line");
			return;
		}
		r->record_line = r->line;
		r->at_record_start = false;
	}
	if (csv_parse(p, s, body, on_field, on_record, r) != body ||
	    (len > body && csv_parse(p, "\n", 1, on_field, on_record, r) != 1))
		fail(r, r->line, "malformed CSV quoting");
}

int batchfile_parse(const char *data, size_t len, struct batchfile **ret,
		    struct batchfile_error *err)
{
	if (len > BATCHFILE_BYTES_MAX) {
		*err = (struct batchfile_error){0, "file over 1 MiB: split it"};
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		data += 3, len -= 3;
	if (!utf8_ok((const unsigned char *)data, len)) {
		*err = (struct batchfile_error){0, "not valid UTF-8"};
		return -1;
	}
	struct reader *r = calloc(1, sizeof(*r));
	struct batchfile *bf = calloc(1, sizeof(*bf));
	struct csv_parser p;
	if (r == NULL || bf == NULL || csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(r);
		free(bf);
		*err = (struct batchfile_error){0, "out of memory"};
		return -1;
	}
	csv_set_space_func(&p, no_space);
	csv_set_term_func(&p, is_lf);
	*r = (struct reader){.bf = bf, .err = err, .at_record_start = true};
	for (size_t pos = 0; pos < len && !r->failed;) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) + 1 : len - pos;
		r->line++;
		feed(r, &p, data + pos, n);
		pos += n;
	}
	if (!r->failed && csv_fini(&p, on_field, on_record, r) != 0)
		fail(r, r->record_line, "unterminated quoted field at the end");
	if (!r->failed && !r->header_done)
		fail(r, 0, "empty file: no header");
	else if (!r->failed && bf->n == 0)
		fail(r, 0, "no rows");
	csv_free(&p);
	bool ok = !r->failed;
	free(r);
	if (!ok) {
		free(bf);
		return -1;
	}
	*ret = bf;
	return 0;
}

int batchfile_read(const char *path, struct batchfile **ret,
		   struct batchfile_error *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason), "cannot open: %s",
			 strerror(errno));
		return -1;
	}
	char *buf = malloc(BATCHFILE_BYTES_MAX + 1);
	size_t n = buf ? fread(buf, 1, BATCHFILE_BYTES_MAX + 1, f) : 0;
	int rc = -1;
	if (buf == NULL || ferror(f)) {
		*err = (struct batchfile_error){0, "cannot read the file"};
	} else {
		rc = batchfile_parse(buf, n, ret, err);
	}
	free(buf);
	fclose(f);
	return rc;
}

void batchfile_free(struct batchfile *bf)
{
	free(bf);
}

size_t batchfile_count(const struct batchfile *bf)
{
	return bf->n;
}

const struct batchfile_row *batchfile_row(const struct batchfile *bf, size_t i)
{
	assert(i < bf->n);
	return &bf->rows[i];
}

int batchfile_row_intent(const struct batchfile_row *r, const char *bank,
			 json_t **ret, struct intent *ret_in,
			 struct intent_error *err)
{
	if (r->field_count != BATCHFILE_FIELDS) {
		snprintf(err->field, sizeof(err->field), "$");
		snprintf(err->reason, sizeof(err->reason), "%d fields, want %d",
			 r->field_count, BATCHFILE_FIELDS);
		return -1;
	}
	json_t *o = json_pack("{s:i, s:s}", "schema_version", INTENT_SCHEMA_VERSION,
			      "bank", bank);
	bool built = o != NULL;
	/* Empty = absent. With its length, so a NUL in a cell reaches the
	 * decoder (which refuses it) instead of cutting the value there. */
	for (int i = 0; built && i < BATCHFILE_FIELDS; i++)
		if (r->field_len[i] > 0)
			built = json_object_set_new(o, columns[i],
				json_stringn(r->field[i], r->field_len[i])) == 0;
	if (!built || intent_decode_object(o, INTENT_FROM_TERMINAL, ret_in, err) < 0) {
		if (!built)
			*err = (struct intent_error){"$", "out of memory"};
		json_decref(o);
		return -1;
	}
	*ret = o;
	return 0;
}
