/* reqcheck: every refusal's status, field and reason; ids and stamps on
 * success; batch duplicate detection; the exact error body. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "reqcheck.h"
#include "config.h"

#define NOW_MS 1795590900000 /* 2026-11-25T07:15:00Z */
#define PAID "2026-11-25T07:14:00Z"

static struct config *cfg;
static const struct config_terminal *term;
static const struct reqcheck_limits lim = {7 * 86400 * 1000LL, 300 * 1000LL};

static void setup(void)
{
	static const char text[] =
		"[biller water]\nname = W\ncurrency = SYP\ntopic = t.w\nledger = w.db\n"
		"[bank B1]\nname = b\n[bank B2]\nname = c\n"
		"[terminal B1/T1]\ntoken_sha256 = "
		"0000000000000000000000000000000000000000000000000000000000000001\n";
	char err[256];
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	term = config_terminal_find(cfg, "B1", "T1");
	ck_assert_ptr_nonnull(term);
}

static void teardown(void)
{
	config_free(cfg);
}

/* A valid intent with one field replaced ("name":value) or removed. */
static void make(char *buf, size_t size, const char *key, const char *field,
		 const char *value)
{
	struct { const char *k, *v; } f[] = {
		{"schema_version", "1"}, {"idempotency_key", key},
		{"bank", "\"B1\""}, {"terminal", "\"T1\""}, {"biller", "\"water\""},
		{"account", "\"A-1\""}, {"amount", "\"10.50\""},
		{"currency", "\"SYP\""}, {"paid_at", "\"" PAID "\""},
		{"channel", "\"atm\""},
	};
	size_t n = (size_t)snprintf(buf, size, "{");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *v = field && strcmp(field, f[i].k) == 0 ? value : f[i].v;
		if (v == NULL)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s\"%s\":%s",
				      n > 1 ? "," : "", f[i].k, v);
	}
	snprintf(buf + n, size - n, "}");
}

static const struct bad {
	const char *field_set; /* field to change, or "RAW" for raw text */
	const char *value;     /* NULL: remove it */
	int status;
	const char *field;
	const char *reason;    /* exact, or NULL to skip */
} bad[] = {
	{"RAW", "{", 400, "$", NULL},
	{"RAW", "[]", 400, "$", "must be a JSON object"},
	{"RAW", "{\"bank\":\"\xff\"}", 400, "$", NULL},
	{"amount", NULL, 422, "amount", NULL},
	{"amount", "10.5", 422, "amount",
	 "must be a decimal string such as \"15000.50\", not a JSON number"},
	{"amount", "\"-1\"", 422, "amount", NULL},
	{"amount", "\"1.001\"", 422, "amount", NULL},
	{"amount", "\"99999999999999999999\"", 422, "amount", NULL},
	{"bank", "\"B2\"", 403, "bank", "this terminal's credential is for bank B1"},
	{"terminal", "\"T2\"", 403, "terminal", "this credential is for terminal T1"},
	{"biller", "\"gas\"", 422, "biller", "unknown biller 'gas'"},
	{"currency", "\"JOD\"", 422, "currency", "biller water takes SYP, not JOD"},
	{"paid_at", "\"2026-11-18T07:14:59Z\"", 422, "paid_at",
	 "more than 604800 s in the past of the server clock"},
	{"paid_at", "\"2026-11-25T07:20:01Z\"", 422, "paid_at",
	 "more than 300 s in the future of the server clock"},
};

START_TEST(test_bad)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char json[1024];
		if (strcmp(bad[i].field_set, "RAW") == 0)
			snprintf(json, sizeof(json), "%s", bad[i].value);
		else
			make(json, sizeof(json), "\"k\"", bad[i].field_set, bad[i].value);
		struct intent in;
		memset(&in, 0x5a, sizeof(in));
		const struct config_biller *b = NULL;
		struct reqcheck_error e;
		ck_assert_int_eq(reqcheck_intent(cfg, term, &lim, NOW_MS, json,
						 strlen(json), NULL, &in, &b, &e), -1);
		ck_assert_msg(e.status == bad[i].status, "case %zu: %d", i, e.status);
		ck_assert_str_eq(e.field, bad[i].field);
		if (bad[i].reason)
			ck_assert_str_eq(e.reason, bad[i].reason);
		ck_assert_ptr_null(b);
		ck_assert_int_eq(in.amount_minor, 0x5a5a5a5a5a5a5a5a); /* untouched */
	}
}
END_TEST

START_TEST(test_good)
{
	char json[1024];
	/* both tolerance edges are inside */
	const char *paid[] = {"\"2026-11-18T07:15:00Z\"", "\"2026-11-25T07:20:00Z\""};
	for (int i = 0; i < 2; i++) {
		make(json, sizeof(json), "\"k\"", "paid_at", paid[i]);
		struct intent in;
		const struct config_biller *b = NULL;
		struct reqcheck_error e;
		ck_assert_int_eq(reqcheck_intent(cfg, term, &lim, NOW_MS, json,
						 strlen(json), NULL, &in, &b, &e), 0);
		ck_assert_str_eq(b->id, "water");
		ck_assert_int_eq(in.amount_minor, 1050);
		ck_assert_str_eq(in.received_at, "2026-11-25T07:15:00.000Z");
		ck_assert_int_eq(strlen(in.intent_id), 36);
	}
	/* from a parsed object, as in a batch: the same result */
	make(json, sizeof(json), "\"T-0007\"", NULL, NULL);
	json_t *obj = json_loads(json, 0, NULL);
	struct intent a, c;
	const struct config_biller *b;
	struct reqcheck_error e;
	ck_assert_int_eq(reqcheck_intent(cfg, term, &lim, NOW_MS, NULL, 0, obj,
					 &a, &b, &e), 0);
	ck_assert_int_eq(reqcheck_intent(cfg, term, &lim, NOW_MS, json,
					 strlen(json), NULL, &c, &b, &e), 0);
	ck_assert_str_eq(a.intent_id, c.intent_id);
	json_decref(obj);
}
END_TEST

START_TEST(test_content_type)
{
	static const struct { const char *v; int want; } t[] = {
		{NULL, -1}, {"", -1}, {"text/plain", -1}, {"application/jsonx", -1},
		{"application/json-seq", -1}, {"application/json", 0},
		{"Application/JSON", 0}, {"application/json; charset=utf-8", 0},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(reqcheck_content_type(t[i].v) == t[i].want, "case %zu", i);
}
END_TEST

static struct intent mk(const char *key, int64_t amount)
{
	struct intent in;
	memset(&in, 0, sizeof(in));
	snprintf(in.idempotency_key, sizeof(in.idempotency_key), "%s", key);
	in.amount_minor = amount;
	return in;
}

START_TEST(test_batch_dups)
{
	struct intent it[7] = {mk("a", 1), mk("b", 1), mk("a", 1), mk("c", 1),
			       mk("c", 2), mk("x", 1), mk("a", 1)};
	unsigned char ok[7] = {1, 1, 1, 1, 1, 0, 1};
	int dup[7];
	ck_assert_int_eq(reqcheck_batch_dups(it, ok, 7, dup), 2);
	const int want[7] = {-1, -1, 0, -2, -2, -1, 0};
	for (int i = 0; i < 7; i++)
		ck_assert_msg(dup[i] == want[i], "item %d: %d", i, dup[i]);
	ck_assert_int_eq(reqcheck_batch_dups(it, ok, 0, dup), 0);
}
END_TEST

START_TEST(test_error_json)
{
	char buf[512];
	ck_assert_int_eq(reqcheck_error_json("amount", "x", buf, 20), -1);
	int n = reqcheck_error_json("amount", "say \"no\"\\\n", buf, sizeof(buf));
	const char *want = "{\"error\":{\"field\":\"amount\",\"reason\":"
			   "\"say \\\"no\\\"\\\\\\u000a\"}}";
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reqcheck");
	TCase *tc = tcase_create("reqcheck");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_content_type);
	tcase_add_test(tc, test_batch_dups);
	tcase_add_test(tc, test_error_json);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
