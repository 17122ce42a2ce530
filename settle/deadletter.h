/* deadletter — the dead-letter export `tasdid settle` reads ([settle]
 * dead_letter_file, --dead-letter): JSON lines, each an object with
 * "biller" and "account" strings at its top level or inside "intent".
 * Each line's account gets payment_stuck in its biller's grace report.
 *
 * The file is refused whole ("NAME:LINE: reason", nothing returned) at the
 * first line that is not such an object, names a biller that is not
 * configured, or an account that is empty or longer than an account can be
 * (INTENT_ACCOUNT_MAX: the grace report keeps that many bytes, and a cut
 * account could be somebody else's). */
#ifndef TASDID_DEADLETTER_H
#define TASDID_DEADLETTER_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "intent.h"

#define DEADLETTER_LINES_MAX (10 * 1000 * 1000)

struct deadletter {
	size_t biller; /* index in the config's billers */
	char account[INTENT_ACCOUNT_MAX + 1];
};

/* Read the dead letters of f (name stands for it in messages; f stays the
 * caller's). Returns 0 with *ret (an array of *ret_count entries in file
 * order, free() it; NULL when there are none), or -1 with errstr and *ret,
 * *ret_count untouched. */
int deadletter_read_stream(const struct config *cfg, FILE *f,
			   const char *name, struct deadletter **ret,
			   size_t *ret_count, char *errstr, size_t errstr_size);

/* The same for the file at path: fopen + deadletter_read_stream(). */
int deadletter_read_file(const struct config *cfg, const char *path,
			 struct deadletter **ret, size_t *ret_count,
			 char *errstr, size_t errstr_size);

#endif
