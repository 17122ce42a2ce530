/* fuzz-replay — the normal suite's side of fuzzing: run every file of a
 * corpus directory through one fuzz target's LLVMFuzzerTestOneInput()
 * (fuzz/fuzz-<target>.c is linked in; one executable per target), without
 * libFuzzer and without any fuzzing time. A crash, a sanitizer report or a
 * failed FUZZ_CHECK fails the test; the file being run is printed first,
 * so the test log names the culprit.
 *
 * Usage: fuzz-replay-<target> DIR...   (files in name order, not recursive)
 * Exit 0 when every file ran, 1 on a usage or I/O error (an empty or
 * missing corpus is an error: a replay that runs nothing proves nothing). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Corpus files are small (fuzz.sh runs libFuzzer with -max_len far below
 * this); a larger file is a mistake in the corpus, not an input to try. */
#define REPLAY_FILE_MAX (1024 * 1024)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	uint8_t *buf = malloc(REPLAY_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, REPLAY_FILE_MAX + 1, f) : 0;
	int bad = buf == NULL || ferror(f) || n > REPLAY_FILE_MAX;
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: cannot read, or larger than %d bytes\n", path,
			REPLAY_FILE_MAX);
		free(buf);
		return -1;
	}
	/* An exact-size copy, so ASan sees a read one past the input. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

/* Run every regular file of dir in name order (alphasort, in the C locale
 * as nothing here calls setlocale); returns the count, or -1 on error. */
static long run_dir(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: cannot read the directory\n", dir);
		return -1;
	}
	long ran = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (ran >= 0 && list[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			ran = run_file(path) < 0 ? -1 : ran + 1;
		free(list[i]);
	}
	free(list);
	return ran;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		long ran = run_dir(argv[i]);
		if (ran <= 0) {
			fprintf(stderr, "%s: %s\n", argv[i],
				ran == 0 ? "no corpus files" : "replay failed");
			return 1;
		}
		printf("%s: %ld files replayed\n", argv[i], ran);
	}
	return 0;
}
