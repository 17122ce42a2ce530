/* forward: the back-off schedule and its jitter bounds; the mapping of the
 * intake's batch answer to spool outcomes. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "../terminal/forward.h"
#include "check_run.h"

START_TEST(test_backoff)
{
	static const struct {
		int failures;
		int64_t retry_after_s;
		uint32_t rnd;
		int64_t want;
	} t[] = {
		{1, -1, 0, 50},            /* e = 100: [50, 100] */
		{1, -1, UINT32_MAX, 50 + (int64_t)(UINT32_MAX % 51)},
		{1, -1, 50, 100},
		{2, -1, 0, 100},           /* e = 200 */
		{2, -1, 100, 200},
		{4, -1, 0, 400},           /* e = 800 */
		{5, -1, 0, 500},           /* e = min(1600, 1000) */
		{5, -1, 500, 1000},
		{60, -1, 0, 500},          /* no overflow, capped */
		{1, 3, 0, 3000},           /* Retry-After is a floor */
		{5, 0, 0, 500},
		{1, 999999, 0, FORWARD_RETRY_AFTER_MAX_S * 1000LL},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(forward_backoff_ms(t[i].failures, 100, 1000,
						 t[i].retry_after_s, t[i].rnd) == t[i].want,
			      "case %zu: %lld", i,
			      (long long)forward_backoff_ms(t[i].failures, 100, 1000,
							    t[i].retry_after_s, t[i].rnd));
	/* every rnd stays in [e/2, e] */
	for (uint32_t r = 0; r < 5000; r += 7) {
		int64_t d = forward_backoff_ms(3, 100, 1000, -1, r * 2654435761u);
		ck_assert(d >= 200 && d <= 400);
	}
}
END_TEST

START_TEST(test_map)
{
	struct spool_entry e[3];
	memset(e, 0, sizeof(e));
	e[0].receipt_no = 7;
	e[1].receipt_no = 8;
	e[2].receipt_no = 9;
	struct spool_result res[3];
	char reasons[3][SPOOL_REASON_MAX + 1], ids[3][INTENT_ID_LEN + 1];
	static const char *const bad[] = {
		"", "[]", "{\"results\":[]}", "{\"results\":{}}",
		"{\"results\":[{\"index\":0,\"status\":202,\"intent_id\":\"x\"},{},{}]}",
		("{\"results\":[{\"index\":1,\"status\":503},{\"index\":1,\"status\":503},"
		 "{\"index\":2,\"status\":503}]}"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(forward_map_answer(bad[i], strlen(bad[i]), e, 3, res,
						 reasons, ids) == -1, "bad %zu", i);
	const char *ok =
		"{\"results\":[{\"index\":0,\"status\":202,\"intent_id\":"
		"\"01a2118e-c99b-87cc-bb24-3c2ad4b0b704\"},"
		"{\"index\":1,\"status\":422,\"error\":{\"field\":\"biller\","
		"\"reason\":\"unknown biller 'gas'\"}},"
		"{\"index\":2,\"status\":503,\"error\":{\"field\":\"$\",\"reason\":"
		"\"kafka_timeout\"}}]}";
	ck_assert_int_eq(forward_map_answer(ok, strlen(ok), e, 3, res, reasons, ids), 0);
	ck_assert_int_eq(res[0].outcome, SPOOL_OUTCOME_ACKED);
	ck_assert_int_eq(res[0].receipt_no, 7);
	ck_assert_str_eq(res[0].intent_id, "01a2118e-c99b-87cc-bb24-3c2ad4b0b704");
	ck_assert_int_eq(res[1].outcome, SPOOL_OUTCOME_REJECTED);
	ck_assert_str_eq(res[1].reason, "422 biller: unknown biller 'gas'");
	ck_assert_int_eq(res[2].outcome, SPOOL_OUTCOME_RETRY);
	ck_assert_int_eq(res[2].status, 503);
	/* 403 (a credential problem) and 409 */
	const char *more = "{\"results\":[{\"index\":0,\"status\":403,\"error\":{}},"
			   "{\"index\":1,\"status\":409},{\"index\":2,\"status\":400}]}";
	ck_assert_int_eq(forward_map_answer(more, strlen(more), e, 3, res, reasons, ids), 0);
	ck_assert_int_eq(res[0].outcome, SPOOL_OUTCOME_RETRY);
	ck_assert_int_eq(res[1].outcome, SPOOL_OUTCOME_REJECTED);
	ck_assert_int_eq(res[2].outcome, SPOOL_OUTCOME_REJECTED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("forward");
	TCase *tc = tcase_create("forward");
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_map);
	suite_add_tcase(s, tc);
	return check_run(s);
}
