/* intent: every rejection first (field by field, then whole documents),
 * then valid intents, exact round trips, the derived id, and the example
 * files in schemas/examples/. */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "money.h"
#include "check_run.h"

#ifndef SOURCE_ROOT
#error "SOURCE_ROOT must be defined by the build (tests/meson.build)"
#endif

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define T INTENT_FROM_TERMINAL
#define Q INTENT_FROM_QUEUE

/* A complete terminal intent with every optional field. */
static const char terminal_base[] =
	"{\"schema_version\":1,\"idempotency_key\":\"T-0007:2026-11-25.42\","
	"\"bank\":\"BANK_01\",\"branch\":\"amman-3\",\"terminal\":\"TERM.07\","
	"\"biller\":\"water_co\",\"account\":\"ACC-778899\","
	"\"invoice\":\"INV/2026/11-042\",\"amount\":\"15000.500\","
	"\"currency\":\"JOD\",\"paid_at\":\"2026-11-25T10:15:00.123+03:00\","
	"\"channel\":\"teller\"}";

/* When the intake received it: 2026-11-25T07:15:01.000Z. */
#define RECEIVED_MS INT64_C(1795590901000)

/* The id terminal_base derives. Computed once by intent_derive_id() and
 * checked independently with Python's hashlib (see the schema document's
 * recipe); it must never change, or retries would stop matching. */
#define BASE_ID "01a2118e-c99b-87cc-bb24-3c2ad4b0b704"

/* terminal_base as the intake produces it to the queue. */
static const char *queue_base(void)
{
	static char buf[INTENT_JSON_MAX + 1];
	if (buf[0] != '\0')
		return buf;
	struct intent in;
	struct intent_error err;
	ck_assert_int_eq(intent_decode(terminal_base, strlen(terminal_base), T,
				       &in, &err), 0);
	intent_derive_id(&in);
	intent_stamp_received(&in, RECEIVED_MS);
	ck_assert_int_gt(intent_encode(&in, buf, sizeof(buf)), 0);
	return buf;
}

/* One change to a base document: set key to the raw JSON value, or remove
 * it when raw is NULL. A new key goes to the end of the document. */
struct mod {
	const char *key;
	const char *raw;
};

#define MODS_MAX 3

/* The base of origin with mods applied, as compact JSON (free() it). */
static char *doc_with(enum intent_origin origin, const struct mod *mods)
{
	const char *base = origin == T ? terminal_base : queue_base();
	json_t *obj = json_loads(base, 0, NULL);
	ck_assert_ptr_nonnull(obj);
	for (int i = 0; i < MODS_MAX && mods[i].key != NULL; i++) {
		if (mods[i].raw == NULL) {
			ck_assert_int_eq(json_object_del(obj, mods[i].key), 0);
			continue;
		}
		json_error_t jerr;
		json_t *v = json_loads(mods[i].raw, JSON_DECODE_ANY, &jerr);
		ck_assert_msg(v != NULL, "bad test value %s: %s", mods[i].raw,
			      jerr.text);
		ck_assert_int_eq(json_object_set_new(obj, mods[i].key, v), 0);
	}
	char *text = json_dumps(obj, JSON_COMPACT);
	ck_assert_ptr_nonnull(text);
	json_decref(obj);
	return text;
}

/* A failing decode leaves *ret alone and names field and reason. */
static void assert_refused(const char *json, size_t len,
			   enum intent_origin origin, const char *field,
			   const char *reason)
{
	struct intent in, before;
	memset(&in, 0x5a, sizeof(in));
	before = in;
	struct intent_error err = {"", ""};
	int rc = intent_decode(json, len, origin, &in, &err);
	ck_assert_msg(rc == -1, "accepted: %.*s", (int)len, json);
	ck_assert_msg(memcmp(&in, &before, sizeof(in)) == 0,
		      "*ret was changed on failure");
	ck_assert_msg(strcmp(err.field, field) == 0 &&
			      strstr(err.reason, reason) != NULL,
		      "%.*s\n got   %s: %s\n want  %s: ...%s...", (int)len, json,
		      err.field, err.reason, field, reason);
	ck_assert_int_eq(intent_decode(json, len, origin, &in, NULL), -1);
}

/* ---- refused: one field at a time ---- */

#define S33 "\"123456789012345678901234567890123\""
#define S17 "\"12345678901234567\""
#define K65 "\"12345678901234567890123456789012345678901234567890123456789012345\""

static const struct {
	enum intent_origin origin;
	struct mod mods[MODS_MAX];
	const char *field;
	const char *reason;
} bad_fields[] = {
	/* schema_version */
	{T, {{"schema_version", NULL}}, "schema_version", "is required"},
	{T, {{"schema_version", "\"1\""}}, "schema_version", "must be an integer"},
	{T, {{"schema_version", "1.0"}}, "schema_version", "must be an integer"},
	{T, {{"schema_version", "null"}}, "schema_version", "must be an integer"},
	{T, {{"schema_version", "true"}}, "schema_version", "must be an integer"},
	{T, {{"schema_version", "2"}}, "schema_version", "unsupported version 2"},
	{T, {{"schema_version", "0"}}, "schema_version", "unsupported version 0"},
	{T, {{"schema_version", "-1"}}, "schema_version", "unsupported version -1"},
	/* unknown fields, and the order of the checks */
	{T, {{"note", "\"hi\""}}, "note", "unknown field"},
	{T, {{"Amount", "\"1\""}}, "Amount", "unknown field"},
	{T, {{"", "1"}}, "", "unknown field"},
	{T, {{"zeta", "1"}, {"alpha", "1"}}, "zeta", "unknown field"},
	{T, {{"bank", NULL}, {"extra", "1"}}, "extra", "unknown field"},
	{T, {{"schema_version", "2"}, {"extra", "1"}}, "schema_version",
	 "unsupported"},
	{T, {{"bank", NULL}, {"channel", NULL}}, "bank", "is required"},
	{T, {{"channel", NULL}, {"bank", "1"}}, "bank", "must be a string"},
	{T, {{"\xd8\xa8\xd9\x86\xd9\x83", "1"}}, "??????", "unknown field"},
	{T, {{"a_field_name_that_is_much_too_long_to_fit_in_the_error", "1"}},
	 "a_field_name_that_is_much_too_long_t...", "unknown field"},
	/* intent_id */
	{T, {{"intent_id", "\"" BASE_ID "\""}}, "intent_id",
	 "must not be sent by a terminal"},
	{Q, {{"intent_id", NULL}}, "intent_id", "is required"},
	{Q, {{"intent_id", "42"}}, "intent_id", "must be a string"},
	{Q, {{"intent_id", "\"\""}}, "intent_id", "lower-case UUIDv8"},
	{Q, {{"intent_id", "\"not-a-uuid\""}}, "intent_id", "lower-case UUIDv8"},
	{Q, {{"intent_id", "\"0190A5C2-6E80-8ABC-9DEF-0123456789AB\""}},
	 "intent_id", "lower-case UUIDv8"},
	{Q, {{"intent_id", "\"0190a5c2-6e80-4abc-9def-0123456789ab\""}},
	 "intent_id", "lower-case UUIDv8"}, /* version 4 */
	{Q, {{"intent_id", "\"0190a5c2-6e80-8abc-cdef-0123456789ab\""}},
	 "intent_id", "lower-case UUIDv8"}, /* variant 110 */
	{Q, {{"intent_id", "\"0190a5c26e808abc9def0123456789ab\""}},
	 "intent_id", "lower-case UUIDv8"},
	{Q, {{"intent_id", "\"{0190a5c2-6e80-8abc-9def-0123456789a}\""}},
	 "intent_id", "lower-case UUIDv8"},
	{Q, {{"intent_id", "\"00000000-0000-8000-8000-000000000000\""}},
	 "intent_id", "does not match"},
	/* tampering with an identity field on the way is detected */
	{Q, {{"idempotency_key", "\"T-0007:2026-11-25.43\""}}, "intent_id",
	 "does not match"},
	{Q, {{"bank", "\"BANK_02\""}}, "intent_id", "does not match"},
	{Q, {{"terminal", "\"TERM.08\""}}, "intent_id", "does not match"},
	{Q, {{"paid_at", "\"2026-11-25T10:15:00.124+03:00\""}}, "intent_id",
	 "does not match"},
	/* idempotency_key */
	{T, {{"idempotency_key", NULL}}, "idempotency_key", "is required"},
	{T, {{"idempotency_key", "42"}}, "idempotency_key", "must be a string"},
	{T, {{"idempotency_key", "\"\""}}, "idempotency_key", "must not be empty"},
	{T, {{"idempotency_key", K65}}, "idempotency_key", "at most 64"},
	{T, {{"idempotency_key", "\"a b\""}}, "idempotency_key", "may contain only"},
	{T, {{"idempotency_key", "\"a/b\""}}, "idempotency_key", "may contain only"},
	{T, {{"idempotency_key", "\"\xd9\x85\xd9\x81\""}}, "idempotency_key",
	 "may contain only"},
	/* bank */
	{T, {{"bank", NULL}}, "bank", "is required"},
	{T, {{"bank", "7"}}, "bank", "must be a string"},
	{T, {{"bank", "\"\""}}, "bank", "must not be empty"},
	{T, {{"bank", S17}}, "bank", "at most 16"},
	{T, {{"bank", "\"bank_01\""}}, "bank", "may contain only A-Z 0-9 _ -"},
	{T, {{"bank", "\"BANK.01\""}}, "bank", "may contain only"},
	/* branch (optional) */
	{T, {{"branch", "5"}}, "branch", "must be a string"},
	{T, {{"branch", "null"}}, "branch", "must be a string"},
	{T, {{"branch", "\"\""}}, "branch", "must not be empty"},
	{T, {{"branch", S33}}, "branch", "at most 32"},
	{T, {{"branch", "\"a/b\""}}, "branch", "may contain only"},
	/* terminal */
	{T, {{"terminal", NULL}}, "terminal", "is required"},
	{T, {{"terminal", "[]"}}, "terminal", "must be a string"},
	{T, {{"terminal", "\"\""}}, "terminal", "must not be empty"},
	{T, {{"terminal", S33}}, "terminal", "at most 32"},
	{T, {{"terminal", "\"T 1\""}}, "terminal", "may contain only"},
	/* biller */
	{T, {{"biller", NULL}}, "biller", "is required"},
	{T, {{"biller", "{}"}}, "biller", "must be a string"},
	{T, {{"biller", "\"\""}}, "biller", "must not be empty"},
	{T, {{"biller", S33}}, "biller", "at most 32"},
	{T, {{"biller", "\"Water\""}}, "biller", "may contain only a-z 0-9 _ -"},
	{T, {{"biller", "\"water.co\""}}, "biller", "may contain only"},
	/* account */
	{T, {{"account", NULL}}, "account", "is required"},
	{T, {{"account", "778899"}}, "account", "must be a string"},
	{T, {{"account", "\"\""}}, "account", "must not be empty"},
	{T, {{"account", S33}}, "account", "at most 32"},
	{T, {{"account", "\"12_34\""}}, "account", "may contain only"},
	{T, {{"account", "\"12.34\""}}, "account", "may contain only"},
	/* invoice (optional) */
	{T, {{"invoice", "{}"}}, "invoice", "must be a string"},
	{T, {{"invoice", "\"\""}}, "invoice", "must not be empty"},
	{T, {{"invoice", S33}}, "invoice", "at most 32"},
	{T, {{"invoice", "\"INV#1\""}}, "invoice", "may contain only"},
	/* currency (checked before amount) */
	{T, {{"currency", NULL}}, "currency", "is required"},
	{T, {{"currency", "1"}}, "currency", "must be a string"},
	{T, {{"currency", "\"jod\""}}, "currency", "supported ISO 4217"},
	{T, {{"currency", "\"XXX\""}}, "currency", "supported ISO 4217"},
	{T, {{"currency", "\"JO\""}}, "currency", "supported ISO 4217"},
	{T, {{"currency", "\"JODD\""}}, "currency", "supported ISO 4217"},
	{T, {{"currency", "\"\""}}, "currency", "supported ISO 4217"},
	{T, {{"currency", "\"XXX\""}, {"amount", "\"1e3\""}}, "currency",
	 "supported"},
	/* amount */
	{T, {{"amount", NULL}}, "amount", "is required"},
	{T, {{"amount", "15000.5"}}, "amount",
	 "must be a decimal string such as \"15000.50\", not a JSON number"},
	{T, {{"amount", "15000"}}, "amount", "not a JSON number"},
	{T, {{"amount", "1e3"}}, "amount", "not a JSON number"},
	{T, {{"amount", "true"}}, "amount", "must be a string"},
	{T, {{"amount", "null"}}, "amount", "must be a string"},
	{T, {{"amount", "\"\""}}, "amount", "empty amount"},
	{T, {{"amount", "\"1e3\""}}, "amount", "exponent notation"},
	{T, {{"amount", "\"-5\""}}, "amount", "negative amounts are not allowed"},
	{T, {{"amount", "\"+5\""}}, "amount", "'+' sign"},
	{T, {{"amount", "\"0\""}}, "amount", "greater than zero"},
	{T, {{"amount", "\"0.000\""}}, "amount", "greater than zero"},
	{T, {{"amount", "\"1,000\""}}, "amount", "thousands separators"},
	{T, {{"amount", "\" 5\""}}, "amount", "spaces"},
	{T, {{"amount", "\"1.2345\""}}, "amount",
	 "more than 3 fraction digits for JOD"},
	{T, {{"currency", "\"SYP\""}, {"amount", "\"1.234\""}}, "amount",
	 "more than 2 fraction digits for SYP"},
	{T, {{"currency", "\"JPY\""}, {"amount", "\"1.5\""}}, "amount",
	 "JPY has no minor unit"},
	{T, {{"amount", "\"\xd9\xa1\xd9\xa5\""}}, "amount", "only ASCII digits"},
	{T, {{"amount", "\".5\""}}, "amount", "at least one digit"},
	{T, {{"amount", "\"5.\""}}, "amount", "at least one digit"},
	{T, {{"currency", "\"SYP\""}, {"amount", "\"92233720368547758.08\""}},
	 "amount", "too large"},
	{T, {{"amount", "\"12345678901234567890123456789012345678901\""}},
	 "amount", "longer than 40"},
	/* paid_at */
	{T, {{"paid_at", NULL}}, "paid_at", "is required"},
	{T, {{"paid_at", "1795590900"}}, "paid_at", "must be a string"},
	{T, {{"paid_at", "\"2026-11-25\""}}, "paid_at", "not an RFC 3339"},
	{T, {{"paid_at", "\"2026-11-25T10:15:00\""}}, "paid_at", "not an RFC 3339"},
	{T, {{"paid_at", "\"2026-11-25T10:15:00.123\""}}, "paid_at",
	 "a time zone is required"},
	{T, {{"paid_at", "\"2026-02-29T10:15:00Z\""}}, "paid_at", "out of range"},
	{T, {{"paid_at", "\"2026-11-25T10:15:00.1234567890Z\""}}, "paid_at",
	 "1 to 9 digits"},
	{T, {{"paid_at", "\"2026-11-25T10:15:00.123456789+03:00x\""}}, "paid_at",
	 "not an RFC 3339"},
	{T, {{"paid_at", "\"1970-01-01T00:00:00+01:00\""}}, "paid_at",
	 "must not be before 1970-01-01T00:00:00Z"},
	/* received_at */
	{T, {{"received_at", "\"2026-11-25T07:15:01.000Z\""}}, "received_at",
	 "must not be sent by a terminal"},
	{Q, {{"received_at", NULL}}, "received_at", "is required"},
	{Q, {{"received_at", "5"}}, "received_at", "must be a string"},
	{Q, {{"received_at", "\"yesterday\""}}, "received_at", "not an RFC 3339"},
	/* channel */
	{T, {{"channel", NULL}}, "channel", "is required"},
	{T, {{"channel", "1"}}, "channel", "must be a string"},
	{T, {{"channel", "\"\""}}, "channel", "must be one of"},
	{T, {{"channel", "\"TELLER\""}}, "channel", "must be one of"},
	{T, {{"channel", "\"branch\""}}, "channel",
	 "must be one of teller, atm, agent, mobile, web"},
};

START_TEST(test_bad_field)
{
	char *json = doc_with(bad_fields[_i].origin, bad_fields[_i].mods);
	assert_refused(json, strlen(json), bad_fields[_i].origin,
		       bad_fields[_i].field, bad_fields[_i].reason);
	free(json);
}
END_TEST

/* ---- refused: whole documents ---- */

static const struct {
	const char *json;
	size_t len; /* 0: strlen(json) */
	const char *field;
	const char *reason;
} bad_docs[] = {
	{"", 0, "$", "not valid JSON"},
	{"   ", 0, "$", "not valid JSON"},
	{"{", 0, "$", "not valid JSON"},
	{"null", 0, "$", "not valid JSON"},
	{"\"intent\"", 0, "$", "not valid JSON"},
	{"15000.50", 0, "$", "not valid JSON"},
	{"[]", 0, "$", "must be a JSON object"},
	{"[{\"schema_version\":1}]", 0, "$", "must be a JSON object"},
	{"{\"schema_version\":1} x", 0, "$", "end of file expected"},
	{"{\"schema_version\":1}{}", 0, "$", "end of file expected"},
	{"{'schema_version':1}", 0, "$", "not valid JSON"},
	{"{\"schema_version\":1,}", 0, "$", "not valid JSON"},
	/* duplicates: a second amount must never silently win */
	{"{\"schema_version\":1,\"amount\":\"1\",\"amount\":\"1000\"}", 0,
	 "amount", "appears more than once"},
	{"{\"bank\":\"A\",\"bank\":\"A\"}", 0, "bank", "appears more than once"},
	{"{\"b\\u0061nk\":\"A\",\"bank\":\"B\"}", 0, "bank",
	 "appears more than once"},
	{"{\"bank\":\"A\",\"b\\u0061nk\":\"B\"}", 0, "$", "more than once"},
	/* invalid UTF-8 and NULs */
	{"{\"bank\":\"\xff\"}", 0, "$", "not valid UTF-8"},
	{"{\"bank\":\"\xc0\xaf\"}", 0, "$", "not valid UTF-8"},       /* overlong */
	{"{\"bank\":\"\xed\xa0\x80\"}", 0, "$", "not valid UTF-8"},   /* surrogate */
	{"{\"bank\":\"\xd9\"}", 0, "$", "not valid UTF-8"},           /* truncated */
	{"{\"bank\":\"\\ud800\"}", 0, "$", "invalid Unicode"},
	{"{\"bank\":\"A\\u0000B\"}", 0, "$", "must not contain \\u0000"},
	{"{\"bank\\u0000\":\"A\"}", 0, "$", "must not contain \\u0000"},
	{"{\"bank\":\"A\0B\"}", 14, "$", "control character"},
	{"{\"schema_version\":1}\0", 21, "$", "end of file expected"},
	{"{\"schema_version\":99999999999999999999}", 0, "$", "too big"},
	/* Regression (fuzz-intent): jansson quotes the input in its message;
	 * the reason must stay printable ASCII (here U+078C, two bytes). */
	{"{\"a\":1,\xde\x8c}", 0, "$", "expected near '?\?' (at byte 9)"},
	{"[1,\xc3\xa9]", 0, "$", "invalid token near '?\?'"},
};

START_TEST(test_bad_doc)
{
	const char *json = bad_docs[_i].json;
	size_t len = bad_docs[_i].len ? bad_docs[_i].len : strlen(json);
	assert_refused(json, len, T, bad_docs[_i].field, bad_docs[_i].reason);
}
END_TEST

/* terminal_base padded with spaces after its '{' to total_len bytes. */
static char *padded(size_t total_len)
{
	size_t base_len = strlen(terminal_base);
	ck_assert_uint_ge(total_len, base_len);
	char *s = malloc(total_len + 1);
	ck_assert_ptr_nonnull(s);
	s[0] = '{';
	memset(s + 1, ' ', total_len - base_len);
	memcpy(s + 1 + total_len - base_len, terminal_base + 1, base_len - 1);
	s[total_len] = '\0';
	return s;
}

/* The size limit is checked before parsing: one byte over is refused, the
 * limit itself is fine. */
START_TEST(test_size_limit)
{
	char *over = padded(INTENT_JSON_MAX + 1);
	assert_refused(over, INTENT_JSON_MAX + 1, T, "$", "at most 2048");
	free(over);
	char *at = padded(INTENT_JSON_MAX);
	struct intent in;
	struct intent_error err;
	ck_assert_int_eq(intent_decode(at, INTENT_JSON_MAX, T, &in, &err), 0);
	free(at);
	/* The refusal does not depend on the content. */
	static char junk[100000];
	memset(junk, 'x', sizeof(junk));
	assert_refused(junk, sizeof(junk), T, "$", "at most 2048");
}
END_TEST

/* intent_decode_object() may get objects from a laxer parse (with
 * JSON_ALLOW_NUL): NULs must still be refused, in values and in keys. */
START_TEST(test_object_nul)
{
	for (int in_key = 0; in_key <= 1; in_key++) {
		json_t *obj = json_loads(terminal_base, 0, NULL);
		ck_assert_ptr_nonnull(obj);
		if (in_key)
			ck_assert_int_eq(json_object_setn_new(obj, "bank\0x", 6,
							      json_string("B")), 0);
		else
			ck_assert_int_eq(json_object_set_new(obj, "bank",
							     json_stringn("A\0B", 3)), 0);
		struct intent in;
		struct intent_error err = {"", ""};
		ck_assert_int_eq(intent_decode_object(obj, T, &in, &err), -1);
		ck_assert_str_eq(err.field, in_key ? "bank?x" : "bank");
		ck_assert_ptr_nonnull(strstr(err.reason, "NUL"));
		json_decref(obj);
	}
}
END_TEST

/* ---- accepted ---- */

START_TEST(test_terminal_fields)
{
	struct intent in;
	struct intent_error err;
	ck_assert_int_eq(intent_decode(terminal_base, strlen(terminal_base), T,
				       &in, &err), 0);
	ck_assert_int_eq(in.schema_version, 1);
	ck_assert_str_eq(in.intent_id, "");
	ck_assert_str_eq(in.idempotency_key, "T-0007:2026-11-25.42");
	ck_assert_str_eq(in.bank, "BANK_01");
	ck_assert_str_eq(in.branch, "amman-3");
	ck_assert_str_eq(in.terminal, "TERM.07");
	ck_assert_str_eq(in.biller, "water_co");
	ck_assert_str_eq(in.account, "ACC-778899");
	ck_assert_str_eq(in.invoice, "INV/2026/11-042");
	ck_assert_int_eq(in.amount_minor, 15000500);
	ck_assert_str_eq(in.currency, "JOD");
	ck_assert_str_eq(in.paid_at, "2026-11-25T10:15:00.123+03:00");
	ck_assert_int_eq(in.paid_at_ms, INT64_C(1795590900123));
	ck_assert_str_eq(in.received_at, "");
	ck_assert_int_eq(in.received_at_ms, 0);
	ck_assert_int_eq(in.channel, INTENT_CHANNEL_TELLER);
}
END_TEST

START_TEST(test_queue_fields)
{
	const char *json = queue_base();
	ck_assert_str_eq(json,
		"{\"schema_version\":1,\"intent_id\":\"" BASE_ID "\","
		"\"idempotency_key\":\"T-0007:2026-11-25.42\",\"bank\":\"BANK_01\","
		"\"branch\":\"amman-3\",\"terminal\":\"TERM.07\","
		"\"biller\":\"water_co\",\"account\":\"ACC-778899\","
		"\"invoice\":\"INV/2026/11-042\",\"amount\":\"15000.500\","
		"\"currency\":\"JOD\",\"paid_at\":\"2026-11-25T10:15:00.123+03:00\","
		"\"received_at\":\"2026-11-25T07:15:01.000Z\",\"channel\":\"teller\"}");
	struct intent in;
	struct intent_error err;
	ck_assert_int_eq(intent_decode(json, strlen(json), Q, &in, &err), 0);
	ck_assert_str_eq(in.intent_id, BASE_ID);
	ck_assert_str_eq(in.received_at, "2026-11-25T07:15:01.000Z");
	ck_assert_int_eq(in.received_at_ms, RECEIVED_MS);
}
END_TEST

static void assert_same(const struct intent *a, const struct intent *b)
{
	ck_assert_int_eq(a->schema_version, b->schema_version);
	ck_assert_str_eq(a->intent_id, b->intent_id);
	ck_assert_str_eq(a->idempotency_key, b->idempotency_key);
	ck_assert_str_eq(a->bank, b->bank);
	ck_assert_str_eq(a->branch, b->branch);
	ck_assert_str_eq(a->terminal, b->terminal);
	ck_assert_str_eq(a->biller, b->biller);
	ck_assert_str_eq(a->account, b->account);
	ck_assert_str_eq(a->invoice, b->invoice);
	ck_assert_int_eq(a->amount_minor, b->amount_minor);
	ck_assert_str_eq(a->currency, b->currency);
	ck_assert_str_eq(a->paid_at, b->paid_at);
	ck_assert_int_eq(a->paid_at_ms, b->paid_at_ms);
	ck_assert_str_eq(a->received_at, b->received_at);
	ck_assert_int_eq(a->received_at_ms, b->received_at_ms);
	ck_assert_int_eq(a->channel, b->channel);
}

#define K64 "\"1234567890123456789012345678901234567890123456789012345678901234\""
#define S32 "\"12345678901234567890123456789012\""

/* Valid variants of terminal_base, with the value decoding must find. */
static const struct {
	struct mod mods[MODS_MAX];
	int64_t amount_minor;
} good[] = {
	{{{NULL, NULL}}, 15000500},
	{{{"branch", NULL}, {"invoice", NULL}}, 15000500},
	{{{"amount", "\"15000.5\""}}, 15000500},
	{{{"amount", "\"0.001\""}}, 1},
	{{{"amount", "\"007\""}}, 7000},
	{{{"currency", "\"SYP\""}, {"amount", "\"15000.50\""}}, 1500050},
	{{{"currency", "\"SYP\""}, {"amount", "\"92233720368547758.07\""}},
	 INT64_MAX},
	{{{"currency", "\"JPY\""}, {"amount", "\"700\""}}, 700},
	{{{"idempotency_key", K64}, {"account", S32}, {"terminal", S32}},
	 15000500},
	{{{"bank", "\"ABCDEFGHIJ_-7890\""}, {"biller", "\"a-z_0\""}}, 15000500},
	{{{"invoice", "\"a.b_c/d-E9\""}, {"branch", "\"x.Y_z-0\""}}, 15000500},
	{{{"idempotency_key", "\"a\""}, {"bank", "\"B\""}, {"terminal", "\"t\""}},
	 15000500},
	{{{"paid_at", "\"2026-11-25t07:15:00z\""}}, 15000500},
	{{{"paid_at", "\"2026-11-25T10:15:00.123456789+03:00\""}}, 15000500},
	{{{"paid_at", "\"1970-01-01T00:00:00Z\""}}, 15000500},
	{{{"paid_at", "\"9999-12-31T23:59:59.999-23:59\""}}, 15000500},
	{{{"paid_at", "\"2024-02-29T00:00:00Z\""}}, 15000500},
	{{{"channel", "\"atm\""}}, 15000500},
	{{{"channel", "\"agent\""}}, 15000500},
	{{{"channel", "\"mobile\""}}, 15000500},
	{{{"channel", "\"web\""}}, 15000500},
	/* document order does not matter */
	{{{"schema_version", NULL}, {"schema_version", "1"}}, 15000500},
};

/* terminal → id, stamp → queue text → decode → the same intent, and
 * encoding it again gives the same text, byte for byte. */
START_TEST(test_round_trip)
{
	char *json = doc_with(T, good[_i].mods);
	struct intent in, back;
	struct intent_error err = {"", ""};
	ck_assert_msg(intent_decode(json, strlen(json), T, &in, &err) == 0,
		      "%s refused: %s: %s", json, err.field, err.reason);
	ck_assert_int_eq(in.amount_minor, good[_i].amount_minor);

	/* An intent without id encodes as a terminal sends it. */
	char text[INTENT_JSON_MAX + 1], again[INTENT_JSON_MAX + 1];
	int n = intent_encode(&in, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(intent_decode(text, (size_t)n, T, &back, &err), 0);
	assert_same(&in, &back);

	intent_derive_id(&in);
	intent_stamp_received(&in, RECEIVED_MS + _i);
	n = intent_encode(&in, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(text), (size_t)n);
	ck_assert_msg(intent_decode(text, (size_t)n, Q, &back, &err) == 0,
		      "%s refused: %s: %s", text, err.field, err.reason);
	assert_same(&in, &back);
	ck_assert_int_eq(intent_encode(&back, again, sizeof(again)), n);
	ck_assert_str_eq(again, text);
	/* Any buffer one byte short fails, the exact size works. */
	for (size_t size = 0; size <= (size_t)n; size++)
		ck_assert_int_eq(intent_encode(&in, again, size), -1);
	ck_assert_int_eq(intent_encode(&in, again, (size_t)n + 1), n);
	free(json);
}
END_TEST

/* The largest intent encodes within INTENT_JSON_MAX. */
START_TEST(test_encode_max)
{
	struct intent in;
	memset(&in, 0, sizeof(in));
	in.schema_version = 1;
	memset(in.idempotency_key, 'k', INTENT_KEY_MAX);
	memset(in.bank, 'B', INTENT_BANK_MAX);
	memset(in.branch, 'b', INTENT_BRANCH_MAX);
	memset(in.terminal, 't', INTENT_TERMINAL_MAX);
	memset(in.biller, 'l', INTENT_BILLER_MAX);
	memset(in.account, 'a', INTENT_ACCOUNT_MAX);
	memset(in.invoice, 'i', INTENT_INVOICE_MAX);
	in.amount_minor = INT64_MAX;
	memcpy(in.currency, "JOD", 4);
	strcpy(in.paid_at, "2026-11-25T10:15:00.123456789+03:00");
	ck_assert_uint_eq(strlen(in.paid_at), INTENT_TIME_MAX);
	in.paid_at_ms = INT64_C(1795590900123);
	in.channel = INTENT_CHANNEL_MOBILE;
	intent_derive_id(&in);
	intent_stamp_received(&in, RECEIVED_MS);
	char text[INTENT_JSON_MAX + 1];
	int n = intent_encode(&in, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, INTENT_JSON_MAX);
	struct intent back;
	struct intent_error err = {"", ""};
	ck_assert_msg(intent_decode(text, (size_t)n, Q, &back, &err) == 0,
		      "%s: %s", err.field, err.reason);
	assert_same(&in, &back);
}
END_TEST

/* ---- the id ---- */

static struct intent base_intent(void)
{
	struct intent in;
	ck_assert_int_eq(intent_decode(terminal_base, strlen(terminal_base), T,
				       &in, NULL), 0);
	return in;
}

START_TEST(test_id_fixed)
{
	struct intent in = base_intent();
	intent_derive_id(&in);
	ck_assert_str_eq(in.intent_id, BASE_ID);
	/* Deterministic, and independent of everything but the four inputs. */
	struct intent other = in;
	other.intent_id[0] = '\0';
	memcpy(other.currency, "SYP", 4);
	other.amount_minor = 1;
	other.channel = INTENT_CHANNEL_WEB;
	strcpy(other.biller, "gas");
	strcpy(other.paid_at, "2026-11-25T07:15:00.123Z"); /* same instant */
	intent_derive_id(&other);
	ck_assert_str_eq(other.intent_id, BASE_ID);
	/* The first 48 bits are paid_at_ms. */
	char ms_hex[40];
	snprintf(ms_hex, sizeof(ms_hex), "%08llx-%04llx",
		 (unsigned long long)in.paid_at_ms >> 16,
		 (unsigned long long)in.paid_at_ms & 0xffff);
	ck_assert_int_eq(strncmp(in.intent_id, ms_hex, 13), 0);
}
END_TEST

/* Each identity field changes the id; NUL separators keep ("AB","C") and
 * ("A","BC") apart. */
START_TEST(test_id_inputs)
{
	struct intent a = base_intent(), b;
	intent_derive_id(&a);
	b = base_intent();
	strcpy(b.idempotency_key, "T-0007:2026-11-25.43");
	intent_derive_id(&b);
	ck_assert_str_ne(a.intent_id, b.intent_id);
	ck_assert_int_eq(strncmp(a.intent_id, b.intent_id, 13), 0);
	b = base_intent();
	strcpy(b.bank, "BANK_02");
	intent_derive_id(&b);
	ck_assert_str_ne(a.intent_id, b.intent_id);
	b = base_intent();
	strcpy(b.terminal, "TERM.08");
	intent_derive_id(&b);
	ck_assert_str_ne(a.intent_id, b.intent_id);

	struct intent x = base_intent(), y = base_intent();
	strcpy(x.bank, "AB");
	strcpy(x.terminal, "C");
	strcpy(y.bank, "A");
	strcpy(y.terminal, "BC");
	intent_derive_id(&x);
	intent_derive_id(&y);
	ck_assert_str_ne(x.intent_id, y.intent_id);
}
END_TEST

/* Ids sort by paid_at (ms), whatever the keys: the ledger's index appends. */
START_TEST(test_id_order)
{
	static const char *const times[] = {
		"1970-01-01T00:00:00Z",     "2026-11-25T07:15:00Z",
		"2026-11-25T10:15:00.001+03:00", "2026-11-25T07:15:00.002Z",
		"2026-11-25T07:16:00Z",     "2027-01-01T00:00:00Z",
		"9999-12-31T23:59:59.999Z",
	};
	char prev[INTENT_ID_LEN + 1] = "";
	for (size_t i = 0; i < N(times); i++) {
		char mod_time[64], mod_key[64];
		snprintf(mod_time, sizeof(mod_time), "\"%s\"", times[i]);
		/* keys in falling order, so the hash part cannot help */
		snprintf(mod_key, sizeof(mod_key), "\"key-%zu\"", 100 - i);
		struct mod mods[MODS_MAX] = {{"paid_at", mod_time},
					     {"idempotency_key", mod_key}};
		char *json = doc_with(T, mods);
		struct intent in;
		ck_assert_int_eq(intent_decode(json, strlen(json), T, &in, NULL), 0);
		intent_derive_id(&in);
		ck_assert_msg(strcmp(prev, in.intent_id) < 0, "%s !< %s", prev,
			      in.intent_id);
		ck_assert_int_eq(in.intent_id[14], '8');
		ck_assert_ptr_nonnull(strchr("89ab", in.intent_id[19]));
		strcpy(prev, in.intent_id);
		free(json);
	}
}
END_TEST

/* ---- stamp and channels ---- */

START_TEST(test_stamp)
{
	struct intent in = base_intent();
	intent_stamp_received(&in, INT64_C(1795590900123));
	ck_assert_str_eq(in.received_at, "2026-11-25T07:15:00.123Z");
	ck_assert_int_eq(in.received_at_ms, INT64_C(1795590900123));
	intent_stamp_received(&in, 0);
	ck_assert_str_eq(in.received_at, "1970-01-01T00:00:00.000Z");
	ck_assert_int_eq(in.received_at_ms, 0);
}
END_TEST

START_TEST(test_channels)
{
	static const char *const bad[] = {"", "Teller", "teller ", "atm\n",
					  "branch", "pos"};
	for (size_t i = 0; i < N(bad); i++) {
		enum intent_channel ch = INTENT_CHANNEL_MOBILE;
		ck_assert_int_eq(intent_channel_parse(bad[i], &ch), -1);
		ck_assert_int_eq(ch, INTENT_CHANNEL_MOBILE);
	}
	static const struct {
		enum intent_channel ch;
		const char *name;
	} ok[] = {
		{INTENT_CHANNEL_TELLER, "teller"}, {INTENT_CHANNEL_ATM, "atm"},
		{INTENT_CHANNEL_AGENT, "agent"},   {INTENT_CHANNEL_MOBILE, "mobile"},
		{INTENT_CHANNEL_WEB, "web"},
	};
	for (size_t i = 0; i < N(ok); i++) {
		enum intent_channel ch;
		ck_assert_str_eq(intent_channel_name(ok[i].ch), ok[i].name);
		ck_assert_int_eq(intent_channel_parse(ok[i].name, &ch), 0);
		ck_assert_int_eq(ch, ok[i].ch);
	}
}
END_TEST

/* ---- the example files ---- */

static char *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	static char buf[INTENT_JSON_MAX + 2];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	buf[n] = '\0';
	*ret_len = n;
	return buf;
}

static const struct {
	const char *path;
	enum intent_origin origin;
} examples[] = {
	{SOURCE_ROOT "/schemas/examples/payment-intent.terminal.json", T},
	{SOURCE_ROOT "/schemas/examples/payment-intent.queued.json", Q},
};

START_TEST(test_examples)
{
	size_t len;
	char *json = read_file(examples[_i].path, &len);
	struct intent in;
	struct intent_error err = {"", ""};
	ck_assert_msg(intent_decode(json, len, examples[_i].origin, &in, &err) == 0,
		      "%s: %s: %s", examples[_i].path, err.field, err.reason);
	/* The other origin refuses it: the two examples show the two shapes. */
	enum intent_origin other = examples[_i].origin == T ? Q : T;
	ck_assert_int_eq(intent_decode(json, len, other, &in, NULL), -1);
}
END_TEST

/* The queued example is the terminal example after the intake. */
START_TEST(test_examples_agree)
{
	size_t len;
	struct intent t, q;
	char *json = read_file(examples[0].path, &len);
	ck_assert_int_eq(intent_decode(json, len, T, &t, NULL), 0);
	json = read_file(examples[1].path, &len);
	ck_assert_int_eq(intent_decode(json, len, Q, &q, NULL), 0);
	intent_derive_id(&t);
	intent_stamp_received(&t, q.received_at_ms);
	assert_same(&t, &q);
}
END_TEST

/* ---- the fast scanner agrees with jansson ---- */

/* Wherever intent_scan() accepts an object at text[at..], jansson parses
 * the same bytes and intent_decode_object() gives the same answer: the
 * same intent, or the same field and reason. Returns 1 when scanned. */
static int assert_paths_agree(const char *text, size_t len, size_t at,
			      enum intent_origin origin)
{
	struct intent a, b;
	struct intent_error ea = {"", ""}, eb = {"", ""};
	size_t pos = at;
	int ra = intent_scan(text, len, &pos, origin, &a, &ea);
	if (ra == INTENT_SCAN_DECLINED) {
		ck_assert_uint_eq(pos, at);
		return 0;
	}
	ck_assert_msg(ra == 0 || ra == -1, "intent_scan returned %d", ra);
	ck_assert_uint_gt(pos, at);
	json_error_t jerr;
	json_t *obj = json_loadb(text + at, pos - at, JSON_REJECT_DUPLICATES,
				 &jerr);
	ck_assert_msg(obj != NULL, "scanned, but jansson refuses %.*s: %s",
		      (int)(pos - at), text + at, jerr.text);
	int rb = intent_decode_object(obj, origin, &b, &eb);
	json_decref(obj);
	ck_assert_int_eq(ra, rb);
	if (ra == 0)
		assert_same(&a, &b);
	else
		ck_assert_msg(strcmp(ea.field, eb.field) == 0 &&
				      strcmp(ea.reason, eb.reason) == 0,
			      "scan %s: %s\njansson %s: %s", ea.field, ea.reason,
			      eb.field, eb.reason);
	return 1;
}

/* Every object start in text, both origins; returns how many scanned. */
static int agree_everywhere(const char *text, size_t len)
{
	int scanned = 0;
	for (size_t at = 0; at < len; at++) {
		if (text[at] != '{')
			continue;
		scanned += assert_paths_agree(text, len, at, T);
		scanned += assert_paths_agree(text, len, at, Q);
	}
	return scanned;
}

START_TEST(test_scan_tables)
{
	int scanned = 0;
	for (size_t i = 0; i < N(bad_fields); i++) {
		char *json = doc_with(bad_fields[i].origin, bad_fields[i].mods);
		scanned += agree_everywhere(json, strlen(json));
		free(json);
	}
	for (size_t i = 0; i < N(bad_docs); i++) {
		const char *j = bad_docs[i].json;
		scanned += agree_everywhere(j, bad_docs[i].len ? bad_docs[i].len
							       : strlen(j));
	}
	for (size_t i = 0; i < N(good); i++) {
		char *json = doc_with(T, good[i].mods);
		scanned += agree_everywhere(json, strlen(json));
		free(json);
	}
	/* Most table documents are plain ASCII: the fast path did run. */
	ck_assert_int_gt(scanned, (int)N(bad_fields));
}
END_TEST

/* Syntax the scanner must decline (jansson decides), and integers. */
static const char *const scan_declined[] = {
	"{\"schema_version\":1.0}", "{\"schema_version\":01}",
	"{\"schema_version\":1e0}", "{\"schema_version\":true}",
	"{\"schema_version\":1234567890123456789}", "{\"bank\":\"A\\u0042\"}",
	"{\"bank\":\"A\",\"bank\":\"A\"}", "{\"x\":1}", "{\"bank\":\"\xc3\xa9\"}",
	"{\"bank\":\"A\"", "{\"bank\" \"A\"}", "{\"bank\":\"A\",}", "[]",
	"{\"bank\":-}", "{\"bank\":\"A\"\x7f}",
};

START_TEST(test_scan_declines)
{
	const char *j = scan_declined[_i];
	size_t pos = 0;
	struct intent in;
	ck_assert_int_eq(intent_scan(j, strlen(j), &pos, T, &in, NULL),
			 INTENT_SCAN_DECLINED);
	ck_assert_uint_eq(pos, 0);
	/* intent_decode() still answers, through jansson. */
	struct intent_error err = {"", ""};
	ck_assert_int_eq(intent_decode(j, strlen(j), T, &in, &err), -1);
	ck_assert_str_ne(err.reason, "");
}
END_TEST

/* The fuzz corpora (single intents and batches): every object start. */
START_TEST(test_scan_corpus)
{
	static const char *const dirs[] = {
		SOURCE_ROOT "/tests/fuzz/corpus/intent",
		SOURCE_ROOT "/tests/fuzz/corpus/intent-batch",
	};
	int files = 0, scanned = 0;
	for (size_t d = 0; d < N(dirs); d++) {
		DIR *dir = opendir(dirs[d]);
		ck_assert_msg(dir != NULL, "cannot open %s", dirs[d]);
		for (struct dirent *e; (e = readdir(dir)) != NULL;) {
			if (e->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			FILE *f = fopen(path, "rb");
			ck_assert_ptr_nonnull(f);
			static char buf[256 * 1024];
			size_t n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			scanned += agree_everywhere(buf, n);
			files++;
		}
		closedir(dir);
	}
	ck_assert_int_gt(files, 100);
	ck_assert_int_gt(scanned, 100);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("intent");
	TCase *tc = tcase_create("refused");
	tcase_add_loop_test(tc, test_bad_field, 0, N(bad_fields));
	tcase_add_loop_test(tc, test_bad_doc, 0, N(bad_docs));
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_object_nul);
	suite_add_tcase(s, tc);
	tc = tcase_create("accepted");
	tcase_add_test(tc, test_terminal_fields);
	tcase_add_test(tc, test_queue_fields);
	tcase_add_loop_test(tc, test_round_trip, 0, N(good));
	tcase_add_test(tc, test_encode_max);
	suite_add_tcase(s, tc);
	tc = tcase_create("id");
	tcase_add_test(tc, test_id_fixed);
	tcase_add_test(tc, test_id_inputs);
	tcase_add_test(tc, test_id_order);
	tcase_add_test(tc, test_stamp);
	tcase_add_test(tc, test_channels);
	suite_add_tcase(s, tc);
	tc = tcase_create("examples");
	tcase_add_loop_test(tc, test_examples, 0, N(examples));
	tcase_add_test(tc, test_examples_agree);
	suite_add_tcase(s, tc);
	tc = tcase_create("scan");
	tcase_add_test(tc, test_scan_tables);
	tcase_add_loop_test(tc, test_scan_declines, 0, N(scan_declined));
	tcase_add_test(tc, test_scan_corpus);
	suite_add_tcase(s, tc);
	return check_run(s);
}
