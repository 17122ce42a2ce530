/* fuzz — shared by the fuzz targets (fuzz/fuzz-*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput() and nothing else that is
 * global. The same source is built twice: with -fsanitize=fuzzer under
 * clang when meson is configured with -Dfuzz=true (libFuzzer supplies
 * main), and in every build as tests/fuzz-replay-<target>, whose main
 * (tests/fuzz-replay.c, compiled with -DTASDID_FUZZ_REPLAY) feeds it each
 * file of tests/fuzz/corpus/<target>/. So what the fuzzer found once is
 * checked by the normal suite forever, under ASan+UBSan in CI.
 *
 * Rules for a target: call the parser exactly as production does, free
 * everything (libFuzzer's leak check and the replay under ASan and
 * valgrind fail on any leak), and check invariants with FUZZ_CHECK, which
 * aborts whatever NDEBUG says (an invariant that is compiled out finds
 * nothing). */
#ifndef TASDID_FUZZ_H
#define TASDID_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed condition and where it is; the fuzzer saves the
 * input as crash-<sha1>, the replay names the corpus file it was reading. */
#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",     \
				__FILE__, __LINE__, #cond);                  \
			abort();                                             \
		}                                                            \
	} while (0)

/* A refusal of a line reader: err is "NAME:LINE: reason" with LINE from 1
 * to the line count of the size bytes at data. */
static inline void fuzz_check_name_line(const char *err, const char *name,
					const uint8_t *data, size_t size)
{
	size_t n = strlen(name);
	FUZZ_CHECK(strncmp(err, name, n) == 0 && err[n] == ':');
	char *end;
	long line = strtol(err + n + 1, &end, 10);
	long lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(line >= 1 && line <= lines && end[0] == ':');
}

#endif
