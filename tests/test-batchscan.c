/* batchscan: which bodies the batch fast path declines (and at which
 * step), and for those it takes, the exact item count and each item's
 * intent or refusal — the same as intent_decode() of the item alone. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../producer/batchscan.h"
#include "check_run.h"

/* One valid terminal item and variants of it (no '{' inside strings). */
#define ITEM_(key, amount, cur)                                              \
	"{\"schema_version\":1,\"idempotency_key\":\"" key "\",\"bank\":\"B1\"," \
	"\"terminal\":\"T1\",\"biller\":\"water\",\"account\":\"ACC-1\","      \
	"\"amount\":\"" amount "\",\"currency\":\"" cur "\","                   \
	"\"paid_at\":\"2026-11-25T10:15:00Z\",\"channel\":\"teller\"}"
#define A ITEM_("K-1", "15000.500", "JOD")
#define B ITEM_("K-2", "0.001", "JOD")
#define ZERO ITEM_("K-3", "0", "JOD")      /* refused: amount */
#define NOCUR ITEM_("K-4", "1", "XXX")     /* refused: currency */
#define NOVER "{\"bank\":\"B1\"}"          /* refused: schema_version */
#define ITEMS_MAX 8

enum outcome { TAKEN, BEGIN_DECLINED, NEXT_DECLINED };

struct result {
	size_t n, count_max;
	enum batchscan_step step[ITEMS_MAX];
	struct intent in[ITEMS_MAX];
	struct intent_error err[ITEMS_MAX];
};

static enum outcome scan(const char *body, size_t len, size_t batch_max,
			 struct result *r)
{
	memset(r, 0, sizeof(*r));
	struct batchscan s;
	if (batchscan_begin(&s, body, len, batch_max) != 0)
		return BEGIN_DECLINED;
	r->count_max = batchscan_count_max(&s);
	ck_assert_uint_ge(r->count_max, 1);
	ck_assert_uint_le(r->count_max, batch_max);
	ck_assert_uint_le(r->count_max, ITEMS_MAX);
	do {
		size_t i = r->n++;
		r->step[i] = batchscan_next(&s, &r->in[i], &r->err[i]);
		if (r->step[i] == BATCHSCAN_DECLINED)
			return NEXT_DECLINED;
		ck_assert_uint_le(r->n, r->count_max);
	} while (!batchscan_end(&s));
	return TAKEN;
}

static const struct {
	const char *body;
	size_t batch_max;
	enum outcome want;
} declined[] = {
	{"", 10, BEGIN_DECLINED},
	{"{\"intents\":[]}", 10, BEGIN_DECLINED},            /* no item '{' */
	{"[" A "]", 10, BEGIN_DECLINED},                     /* no envelope */
	{"{\"intents\":" A "}", 10, BEGIN_DECLINED},         /* not an array */
	{"{\"int\\u0065nts\":[" A "]}", 10, BEGIN_DECLINED}, /* escaped key */
	{"{\"other\":1,\"intents\":[" A "]}", 10, BEGIN_DECLINED},
	{"{\"intents\":[" A "," A "," A "]}", 2, BEGIN_DECLINED}, /* > max */
	{"\xef\xbb\xbf{\"intents\":[" A "]}", 10, BEGIN_DECLINED}, /* BOM */
	{"{\"intents\":[" A ",]}", 10, NEXT_DECLINED},       /* trailing comma */
	{"{\"intents\":[" A "],\"intents\":[" A "]}", 10, NEXT_DECLINED},
	{"{\"intents\":[" A "],\"x\":1}", 10, NEXT_DECLINED},
	{"{\"intents\":[" A "]} x", 10, NEXT_DECLINED},
	{"{\"intents\":[" A "]}{", 10, NEXT_DECLINED},
	{"{\"intents\":[" A " " A "]}", 10, NEXT_DECLINED},  /* no comma */
	{"{\"intents\":[1," A "]}", 10, NEXT_DECLINED},      /* not an object */
	{"{\"intents\":[" A "," NOVER "," A "]", 10, NEXT_DECLINED}, /* cut */
	{"{\"intents\":[{\"bank\":\"B\\u0031\"}]}", 10, NEXT_DECLINED}, /* escape */
	{"{\"intents\":[{\"extra\":1}]}", 10, NEXT_DECLINED}, /* unknown field */
	{"{\"intents\":[" A "]}\f", 10, NEXT_DECLINED},      /* not JSON space */
};

START_TEST(test_declined)
{
	struct result r;
	const char *body = declined[_i].body;
	enum outcome got = scan(body, strlen(body), declined[_i].batch_max, &r);
	ck_assert_msg(got == declined[_i].want, "case %d: got %d", _i, (int)got);
}
END_TEST

START_TEST(test_null_and_nul)
{
	struct result r;
	ck_assert_int_eq(scan(NULL, 0, 1, &r), BEGIN_DECLINED);
	/* A NUL after the envelope: jansson refuses the body, so must this. */
	static const char body[] = "{\"intents\":[" A "]}";
	ck_assert_int_eq(scan(body, sizeof(body), 10, &r), NEXT_DECLINED);
	ck_assert_int_eq(scan(body, sizeof(body) - 1, 10, &r), TAKEN);
	ck_assert_uint_eq(r.n, 1);
}
END_TEST

/* Each taken item must be what intent_decode() answers for it alone. */
static void check_item(const struct result *r, size_t i, const char *item)
{
	struct intent in;
	struct intent_error err;
	int rc = intent_decode(item, strlen(item), INTENT_FROM_TERMINAL, &in, &err);
	if (rc == 0) {
		ck_assert_int_eq(r->step[i], BATCHSCAN_INTENT);
		ck_assert_str_eq(r->in[i].idempotency_key, in.idempotency_key);
		ck_assert_int_eq(r->in[i].amount_minor, in.amount_minor);
		ck_assert_int_eq(r->in[i].paid_at_ms, in.paid_at_ms);
		return;
	}
	ck_assert_int_eq(r->step[i], BATCHSCAN_REFUSED);
	ck_assert_str_eq(r->err[i].field, err.field);
	ck_assert_str_eq(r->err[i].reason, err.reason);
}

START_TEST(test_taken)
{
	struct result r;
	const char *one = "{\"intents\":[" A "]}";
	ck_assert_int_eq(scan(one, strlen(one), 1, &r), TAKEN);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.count_max, 1);
	ck_assert_int_eq(r.step[0], BATCHSCAN_INTENT);
	ck_assert_str_eq(r.in[0].bank, "B1");
	ck_assert_int_eq(r.in[0].amount_minor, 15000500);
	ck_assert_str_eq(r.in[0].intent_id, "");

	const char *ws = " \r\n{ \"intents\" :\t[ " A " ,\n" B "\t] }\n ";
	ck_assert_int_eq(scan(ws, strlen(ws), 2, &r), TAKEN);
	ck_assert_uint_eq(r.n, 2);
	check_item(&r, 0, A);
	check_item(&r, 1, B);
	ck_assert_int_eq(r.in[1].amount_minor, 1);

	/* Good and refused items: each keeps its place and its answer. */
	const char *mixed = "{\"intents\":[" ZERO "," A "," NOCUR "," NOVER "," A "]}";
	ck_assert_int_eq(scan(mixed, strlen(mixed), 1000, &r), TAKEN);
	ck_assert_uint_eq(r.n, 5);
	ck_assert_uint_eq(r.count_max, 5);
	check_item(&r, 0, ZERO);
	check_item(&r, 1, A);
	check_item(&r, 2, NOCUR);
	check_item(&r, 3, NOVER);
	check_item(&r, 4, A);
	ck_assert_str_eq(r.err[0].field, "amount");
	ck_assert_str_eq(r.err[2].field, "currency");
	ck_assert_str_eq(r.err[3].field, "schema_version");
	ck_assert_int_eq(r.step[1] + r.step[4], 2 * BATCHSCAN_INTENT);

	/* Exactly batch_max items pass; the same key twice is not the
	 * scanner's business (the intake answers it afterwards). */
	const char *three = "{\"intents\":[" A "," A "," A "]}";
	ck_assert_int_eq(scan(three, strlen(three), 3, &r), TAKEN);
	ck_assert_uint_eq(r.n, 3);
}
END_TEST

/* A '{' inside a string raises the bound but not the count. */
START_TEST(test_brace_in_string)
{
	struct result r;
	const char *body = "{\"intents\":[" ITEM_("K{1", "1", "JOD") "]}";
	ck_assert_int_eq(scan(body, strlen(body), 2, &r), TAKEN);
	ck_assert_uint_eq(r.count_max, 2);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.step[0], BATCHSCAN_REFUSED); /* '{' not allowed */
	ck_assert_str_eq(r.err[0].field, "idempotency_key");
	/* With room for one item only, the body goes to the slow way. */
	ck_assert_int_eq(scan(body, strlen(body), 1, &r), BEGIN_DECLINED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("batchscan");
	TCase *tc = tcase_create("batchscan");
	tcase_add_loop_test(tc, test_declined, 0,
			    (int)(sizeof(declined) / sizeof(declined[0])));
	tcase_add_test(tc, test_null_and_nul);
	tcase_add_test(tc, test_taken);
	tcase_add_test(tc, test_brace_in_string);
	suite_add_tcase(s, tc);
	return check_run(s);
}
