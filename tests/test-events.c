/* events: the exact record format, appending, forwarding positions. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../producer/events.h"

START_TEST(test_format)
{
	char buf[EVENT_RECORD_MAX];
	ck_assert_int_eq(events_format(buf, EVENT_RECORD_MAX - 1, 0, "B", "T",
				       EVENT_QUEUE_FULL, 1, NULL), -1);
	int n = events_format(buf, sizeof(buf), 1795590900123, "BNK1", "T-07",
			      EVENT_BROKERS_DOWN, 0, NULL);
	const char *want = "{\"ts_ms\":1795590900123,\"at\":\"2026-11-25T07:15:00.123Z\","
			   "\"bank\":\"BNK1\",\"terminal\":\"T-07\",\"reason\":"
			   "\"brokers_down\",\"intents\":0}\n";
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
	events_format(buf, sizeof(buf), 0, "B\"", "T", EVENT_POSSIBLY_PERSISTED,
		      1, "01a2118e-c99b-87cc-bb24-3c2ad4b0b704");
	ck_assert_str_eq(buf, "{\"ts_ms\":0,\"at\":\"1970-01-01T00:00:00.000Z\","
			      "\"bank\":\"B\\\"\",\"terminal\":\"T\",\"reason\":"
			      "\"possibly_persisted\",\"intents\":1,\"intent_id\":"
			      "\"01a2118e-c99b-87cc-bb24-3c2ad4b0b704\"}\n");
}
END_TEST

START_TEST(test_reason_names)
{
	static const char *const want[EVENT_REASON_COUNT] = {
		"kafka_timeout", "kafka_error", "queue_full", "shed_inflight",
		"brokers_down", "possibly_persisted", "late_delivered",
		"stopping", "fatal", "backlog_full",
	};
	for (int i = 0; i < EVENT_REASON_COUNT; i++)
		ck_assert_str_eq(event_reason_name((enum event_reason)i), want[i]);
}
END_TEST

START_TEST(test_append_forward)
{
	char dir[] = "/tmp/test-events-XXXXXX", path[256], err[256], buf[4096];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	struct events *ev = NULL;
	ck_assert_int_eq(events_open(path, &ev, err, sizeof(err)), 0);
	ck_assert_int_eq(events_pending(ev, buf, sizeof(buf)), 0);
	ck_assert_int_eq(events_append(ev, 1000, "B", "T", EVENT_STOPPING, 2, NULL), 0);
	ck_assert_int_eq(events_append(ev, 2000, "B", "T", EVENT_FATAL, 1, NULL), 0);
	ck_assert_int_eq(events_sync(ev), 0);
	char l1[EVENT_RECORD_MAX], l2[EVENT_RECORD_MAX];
	long n1 = events_format(l1, sizeof(l1), 1000, "B", "T", EVENT_STOPPING, 2, NULL);
	long n2 = events_format(l2, sizeof(l2), 2000, "B", "T", EVENT_FATAL, 1, NULL);
	ck_assert_int_eq(n1, 105);
	ck_assert_int_eq(events_pending(ev, buf, sizeof(buf)), n1 + n2);
	ck_assert(memcmp(buf, l1, (size_t)n1) == 0);
	/* a chunk too small for the second line hands out only the first */
	ck_assert_int_eq(events_pending(ev, buf, (size_t)n1 + 10), n1);
	ck_assert_int_eq(events_commit(ev, (size_t)n1), 0);
	events_close(ev);
	/* reopened: the forwarded position survives */
	ck_assert_int_eq(events_open(path, &ev, err, sizeof(err)), 0);
	ck_assert_int_eq(events_pending(ev, buf, sizeof(buf)), n2);
	ck_assert(memcmp(buf, "{\"ts_ms\":2000,", 14) == 0);
	ck_assert_uint_eq(events_written(ev), 0);
	events_close(ev);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("events");
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_reason_names);
	tcase_add_test(tc, test_append_forward);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
