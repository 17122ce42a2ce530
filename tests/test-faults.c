/* Tests for faults: the fault schedule is a pure function of the seed
 * (so a printed seed replays it) and keeps its documented shape. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "../sim/faults.h" /* sim/ is not on the tests' include path */

static int count_kind(const struct faults_plan *p, enum faults_kind kind)
{
	int n = 0;
	for (int i = 0; i < p->count; i++)
		n += p->ev[i].kind == kind;
	return n;
}

static int64_t at_of(const struct faults_plan *p, enum faults_kind kind)
{
	for (int i = 0; i < p->count; i++)
		if (p->ev[i].kind == kind)
			return p->ev[i].at_ms;
	return -1;
}

START_TEST(same_seed_same_plan)
{
	struct faults_plan a, b, c;
	faults_plan_make(42, 20000, &a);
	faults_plan_make(42, 20000, &b);
	faults_plan_make(43, 20000, &c);
	ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	ck_assert_int_ne(memcmp(&a, &c, sizeof(a)), 0);
}
END_TEST

/* For many seeds and spans: 11 events, sorted, each kind as documented. */
START_TEST(plan_shape)
{
	static const int64_t spans_ms[] = {5000, 20000, 60000};
	for (size_t s = 0; s < sizeof(spans_ms) / sizeof(spans_ms[0]); s++) {
		int64_t span = spans_ms[s];
		for (uint64_t seed = 0; seed < 2000; seed++) {
			struct faults_plan p;
			faults_plan_make(seed, span, &p);
			ck_assert_int_eq(p.count, 11);
			ck_assert_int_eq(count_kind(&p, FAULTS_KILL_INTAKE), FAULTS_KILLS_PER_PROC);
			ck_assert_int_eq(count_kind(&p, FAULTS_KILL_POST), FAULTS_KILLS_PER_PROC);
			ck_assert_int_eq(count_kind(&p, FAULTS_POISON), 1);
			for (int i = 1; i < p.count; i++)
				ck_assert_int_le(p.ev[i - 1].at_ms, p.ev[i].at_ms);
			int64_t down = at_of(&p, FAULTS_BROKER_DOWN), up = at_of(&p, FAULTS_BROKER_UP);
			ck_assert_int_ge(down, span / 10);
			ck_assert_int_lt(down, span * 7 / 10);
			ck_assert_int_ge(up - down, 1000);
			ck_assert_int_lt(up - down, 2500);
			int64_t full = at_of(&p, FAULTS_DISK_FULL), ok = at_of(&p, FAULTS_DISK_OK);
			ck_assert_int_ge(full, span * 3 / 10);
			ck_assert_int_ge(ok - full, 5000);
			ck_assert_int_lt(ok - full, 7000);
			ck_assert_int_lt(at_of(&p, FAULTS_POISON), span * 3 / 10);
			/* kills of one process: inside [5 %, 90 %), 500 ms apart at least */
			for (int kind = FAULTS_KILL_INTAKE; kind <= FAULTS_KILL_POST; kind++) {
				int64_t prev = -1000000;
				for (int i = 0; i < p.count; i++) {
					if ((int)p.ev[i].kind != kind)
						continue;
					ck_assert_int_ge(p.ev[i].at_ms, span / 20);
					ck_assert_int_lt(p.ev[i].at_ms, span * 9 / 10);
					ck_assert_int_ge(p.ev[i].at_ms - prev, 500);
					prev = p.ev[i].at_ms;
				}
			}
			for (int k = 0; k < FAULTS_SETTLE_KILLS; k++) {
				ck_assert_int_ge(p.settle_kill_permille[k], 50);
				ck_assert_int_lt(p.settle_kill_permille[k], 950);
			}
		}
	}
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(faults_kind_name(FAULTS_KILL_INTAKE), "SIGKILL intake");
	ck_assert_str_eq(faults_kind_name(FAULTS_DISK_FULL), "ledger disk full");
	ck_assert_str_eq(faults_kind_name((enum faults_kind)99), "?");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("plan");
	tcase_add_test(tc, same_seed_same_plan);
	tcase_add_test(tc, plan_shape);
	tcase_add_test(tc, kind_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
