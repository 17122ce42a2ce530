/* spool: states, durability of what pay returns, key uniqueness, purge. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../terminal/spool.h"
#include "check_run.h"

#define NOW_MS 1795590900000 /* 2026-11-25T07:15:00Z */
#define DAY_MS (86400 * 1000LL)

static char path[64];
static struct spool *sp;
static char err[512];

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/test-spool-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	ck_assert_msg(spool_open(path, &sp, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	spool_close(sp);
	char p[80];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static const struct spool_payment good = {
	.bank = "BNK1", .terminal = "T1", .biller = "water", .account = "ACC-1",
	.invoice = "W-1", .amount = "1500.5", .currency = "SYP", .channel = "teller",
};

START_TEST(test_pay_refused)
{
	static const struct { const char *field, *value, *want; } bad[] = {
		{"amount", "-1", "amount: "},
		{"amount", "1.234", "amount: "},
		{"amount", "0", "amount: "},
		{"currency", "XYZ", "currency: "},
		{"account", "", "account: "},
		{"channel", "fax", "channel: "},
		{"bank", NULL, "bank: "},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct spool_payment p = good;
		const char **f = strcmp(bad[i].field, "amount") == 0 ? &p.amount
			: strcmp(bad[i].field, "currency") == 0 ? &p.currency
			: strcmp(bad[i].field, "account") == 0 ? &p.account
			: strcmp(bad[i].field, "channel") == 0 ? &p.channel : &p.bank;
		*f = bad[i].value;
		struct spool_entry e;
		ck_assert_int_eq(spool_pay(sp, &p, NOW_MS, &e, err, sizeof(err)), -1);
		ck_assert_msg(strncmp(err, bad[i].want, strlen(bad[i].want)) == 0,
			      "case %zu: %s", i, err);
	}
	/* nothing stored, and no receipt number used up */
	struct spool_entry e;
	ck_assert_int_eq(spool_pay(sp, &good, NOW_MS, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(e.receipt_no, 1);
}
END_TEST

START_TEST(test_pay_durable)
{
	struct spool_entry a, b, got;
	ck_assert_int_eq(spool_pay(sp, &good, NOW_MS, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(spool_pay(sp, &good, NOW_MS + 1, &b, err, sizeof(err)), 0);
	ck_assert_int_eq(a.receipt_no, 1);
	ck_assert_int_eq(b.receipt_no, 2);
	char key[64];
	snprintf(key, sizeof(key), "rcpt.%s.1", spool_id(sp));
	ck_assert_str_eq(a.in.idempotency_key, key);
	ck_assert_str_ne(a.in.idempotency_key, b.in.idempotency_key);
	ck_assert_str_eq(a.in.paid_at, "2026-11-25T07:15:00.000Z");
	ck_assert_int_eq(a.in.amount_minor, 150050);
	ck_assert_str_ne(a.in.intent_id, b.in.intent_id);
	/* Another connection (another process) sees what pay returned. */
	struct spool *other;
	ck_assert_int_eq(spool_open(path, &other, err, sizeof(err)), 0);
	ck_assert_str_eq(spool_id(other), spool_id(sp));
	ck_assert_int_eq(spool_get(other, 1, &got, err, sizeof(err)), 1);
	ck_assert_str_eq(got.in.intent_id, a.in.intent_id);
	ck_assert_str_eq(got.in.paid_at, a.in.paid_at);
	ck_assert_str_eq(got.in.invoice, "W-1");
	ck_assert_int_eq(got.state, SPOOL_QUEUED);
	ck_assert_int_eq(spool_get(other, 3, &got, err, sizeof(err)), 0);
	spool_close(other);
	/* a second spool file has another id, so other keys */
	char p2[80];
	snprintf(p2, sizeof(p2), "%s.2", path);
	ck_assert_int_eq(spool_open(p2, &other, err, sizeof(err)), 0);
	ck_assert_str_ne(spool_id(other), spool_id(sp));
	ck_assert_int_eq(strlen(spool_id(other)), SPOOL_ID_HEX_LEN);
	spool_close(other);
	unlink(p2);
}
END_TEST

START_TEST(test_states)
{
	struct spool_entry e[4];
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(spool_pay(sp, &good, NOW_MS, &e[i], err, sizeof(err)), 0);
	int64_t nos[3] = {1, 2, 3};
	ck_assert_int_eq(spool_mark_sent(sp, nos, 3, NOW_MS + 10, err, sizeof(err)), 0);
	struct spool_result r[3] = {
		{1, SPOOL_OUTCOME_ACKED, 202, e[0].in.intent_id, NULL},
		{2, SPOOL_OUTCOME_REJECTED, 422, NULL, "422 biller: unknown"},
		{3, SPOOL_OUTCOME_RETRY, 503, NULL, "503 $: kafka_timeout"},
	};
	ck_assert_int_eq(spool_record(sp, r, 3, NOW_MS + 20, err, sizeof(err)), 0);
	/* a late answer for a final entry changes nothing */
	struct spool_result late = {1, SPOOL_OUTCOME_REJECTED, 422, NULL, "x"};
	ck_assert_int_eq(spool_record(sp, &late, 1, NOW_MS + 30, err, sizeof(err)), 0);
	int64_t n[SPOOL_STATE_COUNT], old[SPOOL_STATE_COUNT];
	ck_assert_int_eq(spool_counts(sp, n, old, err, sizeof(err)), 0);
	ck_assert_int_eq(n[SPOOL_QUEUED], 1);
	ck_assert_int_eq(n[SPOOL_SENT], 1);
	ck_assert_int_eq(n[SPOOL_ACKNOWLEDGED], 1);
	ck_assert_int_eq(n[SPOOL_REJECTED], 1);
	struct spool_entry g;
	ck_assert_int_eq(spool_get(sp, 1, &g, err, sizeof(err)), 1);
	ck_assert_int_eq(g.state, SPOOL_ACKNOWLEDGED);
	ck_assert_int_eq(g.acked_at_ms, NOW_MS + 20);
	ck_assert_str_eq(g.acked_intent_id, e[0].in.intent_id);
	ck_assert_int_eq(g.attempts, 1);
	ck_assert_int_eq(spool_get(sp, 2, &g, err, sizeof(err)), 1);
	ck_assert_str_eq(g.last_error, "422 biller: unknown");
	ck_assert_int_eq(g.last_status, 422);
	/* pending: the retried one and the queued one, in receipt order */
	struct spool_entry p[4];
	size_t cnt;
	ck_assert_int_eq(spool_pending(sp, p, 4, &cnt, err, sizeof(err)), 0);
	ck_assert_int_eq(cnt, 2);
	ck_assert_int_eq(p[0].receipt_no, 3);
	ck_assert_int_eq(p[0].state, SPOOL_SENT);
	ck_assert_int_eq(p[1].receipt_no, 4);
	ck_assert_int_eq(spool_pending(sp, p, 1, &cnt, err, sizeof(err)), 0);
	ck_assert_int_eq(cnt, 1);
}
END_TEST

START_TEST(test_purge)
{
	struct spool_entry e;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(spool_pay(sp, &good, NOW_MS, &e, err, sizeof(err)), 0);
	struct spool_result r[2] = {
		{1, SPOOL_OUTCOME_ACKED, 202, e.in.intent_id, NULL},
		{2, SPOOL_OUTCOME_REJECTED, 422, NULL, "no"},
	};
	ck_assert_int_eq(spool_record(sp, r, 2, NOW_MS, err, sizeof(err)), 0);
	int64_t n = -1;
	/* exactly 30 days later: kept; one ms more: purged */
	ck_assert_int_eq(spool_purge(sp, NOW_MS + 30 * DAY_MS, 30, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(spool_purge(sp, NOW_MS + 30 * DAY_MS + 1, 30, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 1);
	/* rejected and queued entries are never purged */
	ck_assert_int_eq(spool_purge(sp, NOW_MS + 3650 * DAY_MS, 0, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(spool_get(sp, 1, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(spool_get(sp, 2, &e, err, sizeof(err)), 1);
	/* receipt numbers are never reused after a purge */
	ck_assert_int_eq(spool_pay(sp, &good, NOW_MS, &e, err, sizeof(err)), 0);
	ck_assert_int_eq(e.receipt_no, 4);
}
END_TEST

START_TEST(test_not_a_spool)
{
	char p[80];
	snprintf(p, sizeof(p), "%s.x", path);
	FILE *f = fopen(p, "w");
	fputs("not sqlite", f);
	fclose(f);
	struct spool *x = NULL;
	ck_assert_int_eq(spool_open(p, &x, err, sizeof(err)), -1);
	ck_assert_ptr_null(x);
	unlink(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pay_refused);
	tcase_add_test(tc, test_pay_durable);
	tcase_add_test(tc, test_states);
	tcase_add_test(tc, test_purge);
	tcase_add_test(tc, test_not_a_spool);
	suite_add_tcase(s, tc);
	return check_run(s);
}
