/* fuzz-deadletter — deadletter_read_stream(), the reader of the
 * dead-letter export `tasdid settle` flags payment_stuck from
 * (deadletter_read_file() is fopen + this), on the input as a memory
 * stream, with two configured billers (config created once per process).
 *
 * Invariants: a refusal says "NAME:LINE: reason" with LINE between 1 and
 * the input's line count and leaves the outputs untouched; an acceptance
 * gives one entry per line, in order, each with a configured biller and an
 * account of 1..INTENT_ACCOUNT_MAX bytes that is exactly the line's
 * "account" (top level, or in "intent" when that is an object) and whose
 * biller is that line's "biller". */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "deadletter.h"
#include "fuzz.h"

#define NAME "fuzz-dead-letters.jsonl"

static struct config *cfg;

static void setup(void)
{
	if (cfg != NULL)
		return;
	static const char text[] =
		"[biller water]\nname = W\ncurrency = JOD\ntopic = t.w\nledger = w.db\n"
		"[biller phone]\nname = P\ncurrency = JOD\ntopic = t.p\nledger = p.db\n";
	char err[256];
	FUZZ_CHECK(config_load_string(text, "fuzz.ini", "/tmp", &cfg, err,
				      sizeof(err)) == 0);
}

/* The line's entry read again independently. */
static void check_entry(const struct deadletter *d, const uint8_t *line,
			size_t len)
{
	FUZZ_CHECK(d->biller < config_biller_count(cfg));
	size_t an = strlen(d->account);
	FUZZ_CHECK(an >= 1 && an <= INTENT_ACCOUNT_MAX);
	json_t *o = json_loadb((const char *)line, len, 0, NULL);
	FUZZ_CHECK(o != NULL);
	json_t *src = json_is_object(json_object_get(o, "intent"))
			      ? json_object_get(o, "intent") : o;
	json_t *acc = json_object_get(src, "account");
	FUZZ_CHECK(json_string_length(acc) == an &&
		   memcmp(json_string_value(acc), d->account, an) == 0);
	FUZZ_CHECK(strcmp(json_string_value(json_object_get(src, "biller")),
			  config_biller_at(cfg, d->biller)->id) == 0);
	json_decref(o);
}

static void check_entries(const struct deadletter *dl, size_t count,
			  const uint8_t *data, size_t size)
{
	size_t i = 0, pos = 0;
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - data) + 1 : size;
		FUZZ_CHECK(i < count);
		check_entry(&dl[i++], data + pos, end - pos);
		pos = end;
	}
	FUZZ_CHECK(i == count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct deadletter *dl = (struct deadletter *)&empty;
	size_t count = 12345;
	char err[512] = "";
	if (deadletter_read_stream(cfg, in, NAME, &dl, &count, err, sizeof(err)) < 0) {
		FUZZ_CHECK(dl == (struct deadletter *)&empty && count == 12345);
		fuzz_check_name_line(err, NAME, data, size);
	} else {
		check_entries(dl, count, data, size);
		free(dl);
	}
	fclose(in);
	return 0;
}
