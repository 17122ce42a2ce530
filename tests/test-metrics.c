/* metrics: exact exposition text for known counts; bucket boundaries. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../producer/metrics.h"

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

START_TEST(test_render)
{
	struct metrics *m = metrics_new();
	ck_assert_ptr_nonnull(m);
	metrics_count_status(m, 202);
	metrics_count_status(m, 202);
	metrics_count_status(m, 418); /* not ours: counted as 500 */
	metrics_count_status(m, 408);
	metrics_count_request_timeout(m, METRICS_TIMEOUT_HEADERS, 4);
	metrics_count_request_timeout(m, METRICS_TIMEOUT_BODY, 1);
	metrics_count_accepted(m, 7);
	metrics_count_rejected(m, MR_CONFLICT, 2);
	metrics_count_shed(m, EVENT_BROKERS_DOWN, 3);
	metrics_count_auth_failure(m, 401);
	metrics_count_auth_failure(m, 403);
	metrics_count_auth_failure(m, 403);
	metrics_observe_latency(m, 1000);   /* le 1 (inclusive) */
	metrics_observe_latency(m, 1001);   /* le 2 */
	metrics_observe_latency(m, 9000000);/* +Inf */
	struct metrics_gauges g = {.inflight = 5, .kafka_queue = 9, .ready = 1};
	char buf[16384];
	ck_assert_int_eq(metrics_render(m, &g, buf, 100), -1);
	int n = metrics_render(m, &g, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(buf));
	static const char *const want[] = {
		"tasdid_intake_requests_total{status=\"202\"} 2",
		"tasdid_intake_requests_total{status=\"500\"} 1",
		"tasdid_intake_requests_total{status=\"503\"} 0",
		"tasdid_intake_requests_total{status=\"408\"} 1",
		"tasdid_intake_slow_requests_total{outcome=\"closed_in_headers\"} 4",
		"tasdid_intake_slow_requests_total{outcome=\"answered_408\"} 1",
		"tasdid_intake_slow_requests_total{outcome=\"closed_in_body\"} 0",
		"tasdid_intake_intents_accepted_total 7",
		"tasdid_intake_intents_rejected_total{reason=\"conflict\"} 2",
		"tasdid_intake_intents_rejected_total{reason=\"malformed\"} 0",
		"tasdid_intake_intents_shed_total{reason=\"brokers_down\"} 3",
		"tasdid_intake_auth_failures_total{status=\"401\"} 1",
		"tasdid_intake_auth_failures_total{status=\"403\"} 2",
		"tasdid_intake_produce_latency_ms_bucket{le=\"1\"} 1",
		"tasdid_intake_produce_latency_ms_bucket{le=\"2\"} 2",
		"tasdid_intake_produce_latency_ms_bucket{le=\"5000\"} 2",
		"tasdid_intake_produce_latency_ms_bucket{le=\"+Inf\"} 3",
		"tasdid_intake_produce_latency_ms_sum 9002.001",
		"tasdid_intake_produce_latency_ms_count 3",
		"tasdid_intake_inflight 5",
		"tasdid_intake_kafka_queue_depth 9",
		"tasdid_intake_ready 1",
		"tasdid_intake_brokers_down 0",
		"# TYPE tasdid_intake_produce_latency_ms histogram",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(has_line(buf, want[i]), "missing: %s", want[i]);
	free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
