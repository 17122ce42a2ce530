/* mutate — the statement readers' tests change one thing in an example
 * file and expect one exact refusal. */
#ifndef TASDID_TEST_MUTATE_H
#define TASDID_TEST_MUTATE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file at path, NUL-terminated (the caller frees it). */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	char *s = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(s);
	size_t n = fread(s, 1, (1 << 16) - 1, f);
	ck_assert_uint_lt(n, (1 << 16) - 1);
	fclose(f);
	return s;
}

/* text with its first `from` replaced by `to` (the caller frees it). */
static inline char *mutate(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	ck_assert_msg(at != NULL, "not in the text: %s", from);
	size_t pre = (size_t)(at - text);
	char *s = malloc(strlen(text) + strlen(to) + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, text, pre);
	strcpy(s + pre, to);
	strcat(s, at + strlen(from));
	return s;
}

#endif
