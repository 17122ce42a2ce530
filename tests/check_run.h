/* check_run — the common tail of every Check test program. */
#ifndef TASDID_CHECK_RUN_H
#define TASDID_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Run every test of s (which this takes over) and return the process exit
 * status: failure when any check failed. */
static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
