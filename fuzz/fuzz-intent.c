/* fuzz-intent — intent_decode(), for both origins, on the raw input, as the
 * intake (INTENT_FROM_TERMINAL, an HTTP body) and the posting consumer
 * (INTENT_FROM_QUEUE, a Kafka payload) call it.
 *
 * Invariants, for every input:
 * - a refusal names a field and a reason of printable ASCII (intent.h);
 * - an accepted intent encodes, decodes again for the same origin and
 *   encodes to the very same bytes (decode(encode(x)) == x);
 * - an intent accepted from a terminal, once the intake has derived its id
 *   and stamped received_at, is accepted from the queue (what the intake
 *   produces the consumer can read);
 * - amounts are > 0 and times are not before 1970 (the schema's rules);
 * - the fast scanner (intent_scan), whenever it does not decline, gives
 *   exactly the answer of the jansson path (intent_decode_object): the same
 *   intent, or the same field and reason. Two parsers of hostile input
 *   must never disagree. */
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "fuzz-intent-rt.h"
#include "intent.h"

static void check_printable(const char *s, size_t size)
{
	size_t len = strnlen(s, size);
	FUZZ_CHECK(len < size);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f);
}

/* Encode in, decode the text again for origin, encode again: both texts
 * must be identical. */
static void check_round_trip(const struct intent *in, enum intent_origin origin)
{
	char a[INTENT_JSON_MAX + 1];
	struct intent again;
	fuzz_intent_round_trip(in, origin, a, sizeof(a), &again);
	FUZZ_CHECK(again.amount_minor == in->amount_minor);
	FUZZ_CHECK(again.paid_at_ms == in->paid_at_ms);
	FUZZ_CHECK(again.received_at_ms == in->received_at_ms);
	FUZZ_CHECK(again.channel == in->channel);
}

/* The scanner against jansson on the same text. */
static void check_scanner_agrees(const char *json, size_t len,
				 enum intent_origin origin)
{
	struct intent fast, slow;
	struct intent_error fast_err, slow_err;
	memset(&fast_err, 0, sizeof(fast_err));
	memset(&slow_err, 0, sizeof(slow_err));
	size_t pos = 0;
	int rc_fast = intent_scan(json, len, &pos, origin, &fast, &fast_err);
	if (rc_fast == INTENT_SCAN_DECLINED)
		return;
	/* The scanner consumed one object; jansson must see the same text. */
	json_error_t jerr;
	json_t *obj = json_loadb(json, pos, JSON_REJECT_DUPLICATES, &jerr);
	FUZZ_CHECK(obj != NULL);
	int rc_slow = intent_decode_object(obj, origin, &slow, &slow_err);
	json_decref(obj);
	FUZZ_CHECK(rc_fast == rc_slow);
	if (rc_fast < 0) {
		FUZZ_CHECK(strcmp(fast_err.field, slow_err.field) == 0);
		FUZZ_CHECK(strcmp(fast_err.reason, slow_err.reason) == 0);
		return;
	}
	char a[INTENT_JSON_MAX + 1], b[INTENT_JSON_MAX + 1];
	int na = intent_encode(&fast, a, sizeof(a));
	int nb = intent_encode(&slow, b, sizeof(b));
	FUZZ_CHECK(na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0);
}

static void run(const char *json, size_t len, enum intent_origin origin)
{
	check_scanner_agrees(json, len, origin);
	struct intent in;
	struct intent_error err;
	memset(&err, 0, sizeof(err));
	if (intent_decode(json, len, origin, &in, &err) < 0) {
		/* The field is "" only for an unknown field of that name
		 * (tests/test-intent.c). */
		FUZZ_CHECK(err.reason[0] != '\0');
		check_printable(err.field, sizeof(err.field));
		check_printable(err.reason, sizeof(err.reason));
		return;
	}
	FUZZ_CHECK(len <= INTENT_JSON_MAX);
	FUZZ_CHECK(in.amount_minor > 0);
	FUZZ_CHECK(in.paid_at_ms >= 0);
	check_round_trip(&in, origin);
	if (origin == INTENT_FROM_QUEUE) {
		FUZZ_CHECK(in.intent_id[0] != '\0' && in.received_at_ms >= 0);
		return;
	}
	FUZZ_CHECK(in.intent_id[0] == '\0' && in.received_at[0] == '\0');
	/* What the intake does next: derive, stamp, produce. A fixed stamp keeps
	 * the run deterministic. */
	intent_derive_id(&in);
	intent_stamp_received(&in, 1764054901000 /* 2025-11-25T07:15:01Z */);
	check_round_trip(&in, INTENT_FROM_QUEUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run((const char *)data, size, INTENT_FROM_TERMINAL);
	run((const char *)data, size, INTENT_FROM_QUEUE);
	return 0;
}
