/* intopt: the whole text is a decimal integer within the bounds, or it is
 * refused and the result is left alone. */
#include <check.h>
#include <stdint.h>

#include "intopt.h"
#include "check_run.h"

START_TEST(test_intopt)
{
	int64_t v = 7;
	ck_assert_int_eq(intopt_parse("42", 1, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(intopt_parse("-3", -5, 0, &v), 0);
	ck_assert_int_eq(v, -3);
	ck_assert_int_eq(intopt_parse("9223372036854775807", 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, INT64_MAX);
	const char *bad[] = {"", "12x", "x12", "12 ", "0x10", "101", "0",
			     "9223372036854775808", "1e3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		ck_assert_msg(intopt_parse(bad[i], 1, 100, &v) == -1, "%s", bad[i]);
		ck_assert_int_eq(v, 7);
	}
	ck_assert_int_eq(intopt_parse(NULL, 1, 100, &v), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("intopt");
	TCase *tc = tcase_create("intopt");
	tcase_add_test(tc, test_intopt);
	suite_add_tcase(s, tc);
	return check_run(s);
}
