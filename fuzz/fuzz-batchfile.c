/* fuzz-batchfile — the terminal's batch file reader of `tasdid submit`:
 * batchfile_parse() (batchfile_read() is read-into-memory + this), then
 * batchfile_row_intent() on every row, as cmd_submit.c does, for bank
 * BNK1.
 *
 * Invariants: a refusal has a reason and a line between 0 and the input's
 * last; an accepted file has 1..BATCHFILE_ROWS_MAX rows on strictly
 * increasing lines after the header. Each row is refused with a field and
 * a reason, or becomes an intent whose fields are exactly the row's (a
 * non-empty cell is never dropped or cut; an empty one is absent), of bank
 * BNK1, amount > 0, and whose rows' bytes hold no NUL (a NUL would cut the
 * cell silently); the intent's object, dumped by jansson, decodes to the
 * same intent, and encode -> decode -> encode gives identical bytes. */
#include <string.h>

#include <jansson.h>

#include "batchfile.h"
#include "fuzz.h"
#include "fuzz-intent-rt.h"
#include "intent.h"

#define BANK "BNK1"

/* Offset of the 1-based physical line l of data (size when past the end). */
static size_t line_start(const uint8_t *data, size_t size, int64_t l)
{
	size_t pos = 0;
	for (int64_t k = 1; k < l && pos < size; k++) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		pos = nl ? (size_t)(nl - data) + 1 : size;
	}
	return pos;
}

static int64_t lines_of(const uint8_t *data, size_t size)
{
	int64_t n = 1;
	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

/* The intent's fields are the row's cells, in the file's column order. */
static void check_fields(const struct batchfile_row *r, const struct intent *in)
{
	const char *got[BATCHFILE_FIELDS] = {
		in->idempotency_key, in->branch, in->terminal, in->biller,
		in->account, in->invoice, NULL, in->currency, in->paid_at, NULL,
	};
	for (int i = 0; i < BATCHFILE_FIELDS; i++)
		if (got[i] != NULL)
			FUZZ_CHECK(strcmp(got[i], r->field[i]) == 0);
	FUZZ_CHECK(strcmp(in->bank, BANK) == 0);
	FUZZ_CHECK(in->amount_minor > 0);
	FUZZ_CHECK(in->intent_id[0] == '\0' && in->received_at[0] == '\0');
}

static void check_round_trip(const json_t *obj, const struct intent *in)
{
	char a[INTENT_JSON_MAX + 1], b[INTENT_JSON_MAX + 1];
	int n = fuzz_intent_round_trip(in, INTENT_FROM_TERMINAL, a, sizeof(a), NULL);
	struct intent back;
	struct intent_error e;
	/* What submit sends: the object as jansson writes it. */
	char *doc = json_dumps(obj, JSON_COMPACT);
	FUZZ_CHECK(doc != NULL);
	FUZZ_CHECK(intent_decode(doc, strlen(doc), INTENT_FROM_TERMINAL, &back, &e) == 0);
	free(doc);
	FUZZ_CHECK(intent_encode(&back, b, sizeof(b)) == n);
	FUZZ_CHECK(memcmp(a, b, (size_t)n) == 0);
}

static void check_rows(const struct batchfile *bf, const uint8_t *data,
		       size_t size)
{
	size_t n = batchfile_count(bf);
	FUZZ_CHECK(n >= 1 && n <= BATCHFILE_ROWS_MAX);
	int64_t last = lines_of(data, size);
	for (size_t i = 0; i < n; i++) {
		const struct batchfile_row *r = batchfile_row(bf, i);
		FUZZ_CHECK(r->line >= 2 && r->line <= last);
		FUZZ_CHECK(i == 0 || batchfile_row(bf, i - 1)->line < r->line);
		json_t *obj = NULL;
		struct intent in;
		struct intent_error e;
		memset(&e, 0, sizeof(e));
		if (batchfile_row_intent(r, BANK, &obj, &in, &e) < 0) {
			FUZZ_CHECK(obj == NULL);
			FUZZ_CHECK(e.field[0] != '\0' && e.reason[0] != '\0');
			continue;
		}
		FUZZ_CHECK(obj != NULL && json_is_object(obj));
		check_fields(r, &in);
		/* The bytes of this row (to the next row's start) hold no NUL. */
		size_t from = line_start(data, size, r->line);
		size_t to = i + 1 < n ? line_start(data, size, batchfile_row(bf, i + 1)->line)
				      : size;
		FUZZ_CHECK(memchr(data + from, '\0', to - from) == NULL);
		check_round_trip(obj, &in);
		json_decref(obj);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct batchfile *bf = NULL;
	struct batchfile_error err;
	memset(&err, 0, sizeof(err));
	if (batchfile_parse((const char *)data, size, &bf, &err) < 0) {
		FUZZ_CHECK(bf == NULL);
		FUZZ_CHECK(err.reason[0] != '\0');
		FUZZ_CHECK(memchr(err.reason, '\0', sizeof(err.reason)) != NULL);
		FUZZ_CHECK(err.line >= 0 && err.line <= lines_of(data, size));
		return 0;
	}
	check_rows(bf, data, size);
	batchfile_free(bf);
	return 0;
}
