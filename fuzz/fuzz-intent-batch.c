/* fuzz-intent-batch — intent_decode_object() on the items of a batch
 * request {"intents":[...]}, parsed with jansson as an intake would: at
 * most a bounded body, JSON_REJECT_DUPLICATES, then each array item decoded
 * on its own from the terminal origin (and, to cover the consumer side's
 * use in sim/bankgen.c, from the queue origin).
 *
 * The first input byte chooses the jansson flags: bit 0 set adds
 * JSON_ALLOW_NUL, the laxer parse that intent_decode_object() must survive
 * on its own (intent.c refuses NUL inside strings itself). The rest is the
 * document.
 *
 * Invariants: a refused item names a non-empty field and reason; an
 * accepted one encodes and intent_decode()s back to the same bytes; the
 * object is borrowed, so its reference count is unchanged by the call. */
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "fuzz-intent-rt.h"
#include "intent.h"

/* A batch body bound for the fuzzer: larger bodies only cost time. */
#define BATCH_BODY_MAX (64 * 1024)
#define BATCH_ITEMS_MAX 1000

/* NUL-terminated within size, printable ASCII only (intent.h). */
static void check_printable(const char *s, size_t size)
{
	size_t len = strnlen(s, size);
	FUZZ_CHECK(len < size);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f);
}

static void run_item(const json_t *item, enum intent_origin origin)
{
	struct intent in;
	struct intent_error err;
	memset(&err, 0, sizeof(err));
	size_t refcount = item->refcount;
	int rc = intent_decode_object(item, origin, &in, &err);
	FUZZ_CHECK(item->refcount == refcount);
	if (rc < 0) {
		/* The field is "" only for an unknown field of that name
		 * (tests/test-intent.c). */
		FUZZ_CHECK(err.reason[0] != '\0');
		check_printable(err.field, sizeof(err.field));
		check_printable(err.reason, sizeof(err.reason));
		return;
	}
	FUZZ_CHECK(in.amount_minor > 0 && in.paid_at_ms >= 0);
	char a[INTENT_JSON_MAX + 1];
	fuzz_intent_round_trip(&in, origin, a, sizeof(a), NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size - 1 > BATCH_BODY_MAX)
		return 0;
	size_t flags = JSON_REJECT_DUPLICATES | ((data[0] & 1) ? JSON_ALLOW_NUL : 0);
	json_error_t jerr;
	json_t *root = json_loadb((const char *)data + 1, size - 1, flags, &jerr);
	if (root == NULL)
		return 0;
	json_t *items = json_is_object(root) ? json_object_get(root, "intents") : NULL;
	if (json_is_array(items) && json_array_size(items) <= BATCH_ITEMS_MAX) {
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item) {
			run_item(item, INTENT_FROM_TERMINAL);
			run_item(item, INTENT_FROM_QUEUE);
		}
	}
	json_decref(root);
	return 0;
}
