/* fuzz-batchscan — the intake's batch fast path (producer/batchscan.c)
 * against its slow path, on the same body: POST /v1/intents/batch reads
 * the body with batchscan and, when it declines, with
 * json_loadb(JSON_REJECT_DUPLICATES) + intent_decode_object() per item
 * (producer/intake.c process_batch()). The two must never disagree.
 *
 * Input: byte 0 chooses [intake] batch_max: bit 7 set gives 1 + (bits
 * 0-3), 1 to 16 (to reach the bound), else 1000 (the default). The rest
 * is the body.
 *
 * Invariants, whenever batchscan takes the body (the intake's loop, item
 * array sized by batchscan_count_max()):
 * - 1 <= items <= batchscan_count_max() <= batch_max;
 * - jansson loads the same body, its root is an object with the one field
 *   "intents", an array of exactly as many items (so the slow path would
 *   not have answered 400 or 422 for the whole body);
 * - item by item, both accept, with equal intents field by field (and the
 *   same intent_encode() bytes), or both refuse with the same field and
 *   the same reason (intent.h promises intent_scan() answers exactly what
 *   intent_decode_object() answers; no difference is intended).
 * When it declines, the items read so far are dropped as the intake drops
 * them (libFuzzer's leak check and the replay under ASan/valgrind see a
 * leak); batchscan itself allocates nothing. */
#include <string.h>

#include <jansson.h>

#include "batchscan.h"
#include "fuzz.h"
#include "intent.h"

#define BATCH_MAX_DEFAULT 1000

static void check_same_intent(const struct intent *a, const struct intent *b)
{
	FUZZ_CHECK(a->schema_version == b->schema_version);
	FUZZ_CHECK(strcmp(a->intent_id, b->intent_id) == 0);
	FUZZ_CHECK(strcmp(a->idempotency_key, b->idempotency_key) == 0);
	FUZZ_CHECK(strcmp(a->bank, b->bank) == 0);
	FUZZ_CHECK(strcmp(a->branch, b->branch) == 0);
	FUZZ_CHECK(strcmp(a->terminal, b->terminal) == 0);
	FUZZ_CHECK(strcmp(a->biller, b->biller) == 0);
	FUZZ_CHECK(strcmp(a->account, b->account) == 0);
	FUZZ_CHECK(strcmp(a->invoice, b->invoice) == 0);
	FUZZ_CHECK(a->amount_minor == b->amount_minor);
	FUZZ_CHECK(strcmp(a->currency, b->currency) == 0);
	FUZZ_CHECK(strcmp(a->paid_at, b->paid_at) == 0);
	FUZZ_CHECK(a->paid_at_ms == b->paid_at_ms);
	FUZZ_CHECK(strcmp(a->received_at, b->received_at) == 0);
	FUZZ_CHECK(a->received_at_ms == b->received_at_ms);
	FUZZ_CHECK(a->channel == b->channel);
	/* From a terminal: the intake derives the id and stamps the time. */
	FUZZ_CHECK(a->intent_id[0] == '\0' && a->received_at[0] == '\0');
	char ea[INTENT_JSON_MAX + 1], eb[INTENT_JSON_MAX + 1];
	int na = intent_encode(a, ea, sizeof(ea));
	int nb = intent_encode(b, eb, sizeof(eb));
	FUZZ_CHECK(na > 0 && na == nb && memcmp(ea, eb, (size_t)na) == 0);
}

/* The slow path on the body batchscan took: same envelope, same items. */
static void check_slow_path(const char *body, size_t len, size_t n,
			    size_t batch_max, const enum batchscan_step *step,
			    const struct intent *in, const struct intent_error *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	FUZZ_CHECK(root != NULL);
	json_t *arr = json_object_get(root, "intents");
	FUZZ_CHECK(json_is_object(root) && json_object_size(root) == 1);
	FUZZ_CHECK(json_is_array(arr) && json_array_size(arr) == n);
	FUZZ_CHECK(n >= 1 && n <= batch_max);
	for (size_t i = 0; i < n; i++) {
		struct intent slow;
		struct intent_error slow_err;
		memset(&slow_err, 0, sizeof(slow_err));
		int rc = intent_decode_object(json_array_get(arr, i),
					      INTENT_FROM_TERMINAL, &slow, &slow_err);
		if (step[i] == BATCHSCAN_INTENT) {
			FUZZ_CHECK(rc == 0);
			check_same_intent(&in[i], &slow);
		} else {
			FUZZ_CHECK(step[i] == BATCHSCAN_REFUSED && rc < 0);
			FUZZ_CHECK(strcmp(err[i].field, slow_err.field) == 0);
			FUZZ_CHECK(strcmp(err[i].reason, slow_err.reason) == 0);
		}
	}
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t batch_max = (data[0] & 0x80) ? 1 + (size_t)(data[0] & 0x0f)
					    : BATCH_MAX_DEFAULT;
	const char *body = size > 1 ? (const char *)data + 1 : NULL;
	size_t len = size - 1;
	struct batchscan s;
	if (batchscan_begin(&s, body, len, batch_max) != 0)
		return 0;
	size_t cap = batchscan_count_max(&s);
	FUZZ_CHECK(cap >= 1 && cap <= batch_max);
	/* Separate arrays as the intake's items, sized the same way. */
	enum batchscan_step *step = calloc(cap, sizeof(*step));
	struct intent *in = calloc(cap, sizeof(*in));
	struct intent_error *err = calloc(cap, sizeof(*err));
	FUZZ_CHECK(step != NULL && in != NULL && err != NULL);
	size_t n = 0;
	do {
		FUZZ_CHECK(n < cap);
		size_t i = n++;
		memset(&err[i], 0, sizeof(err[i]));
		step[i] = batchscan_next(&s, &in[i], &err[i]);
		if (step[i] == BATCHSCAN_DECLINED)
			goto out;
	} while (!batchscan_end(&s));
	check_slow_path(body, len, n, batch_max, step, in, err);
out:
	free(step);
	free(in);
	free(err);
	return 0;
}
