/* batchfile — read a terminal's batch file (schemas/csv-formats.md,
 * format (c)) with libcsv, for `tasdid submit`.
 *
 * The file as a whole is refused (with its physical line, 0 = the file)
 * when it is over BATCHFILE_BYTES_MAX, not UTF-8, its header is not exactly
 * the format's, it has a blank line, malformed quoting, or more than
 * BATCHFILE_ROWS_MAX rows. Everything else is decided row by row:
 * batchfile_row_intent() turns a row into a terminal's intent object and
 * says which field is wrong. A BOM at the start is skipped; CRLF and LF
 * are both line breaks; a bare CR is refused. */
#ifndef TASDID_BATCHFILE_H
#define TASDID_BATCHFILE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "intent.h"

#define BATCHFILE_ROWS_MAX 1000
#define BATCHFILE_BYTES_MAX (1024 * 1024)
#define BATCHFILE_FIELDS 10
#define BATCHFILE_FIELD_MAX 256 /* bytes; longer fields are cut and refused */

/* A cut cell keeps at least BATCHFILE_FIELD_MAX - 3 bytes (cut before a
 * UTF-8 character of up to 4 bytes). */
_Static_assert(INTENT_KEY_MAX < BATCHFILE_FIELD_MAX - 3,
	       "every valid field fits, so a cut one is always invalid");

struct batchfile;

struct batchfile_row {
	int64_t line;    /* physical line where the record starts (header = 1) */
	int field_count; /* as read; only the first BATCHFILE_FIELDS are kept */
	/* NUL-terminated; a cell may hold a NUL itself, so field_len is its
	 * length (cut at a character boundary when over the maximum). */
	char field[BATCHFILE_FIELDS][BATCHFILE_FIELD_MAX + 1];
	size_t field_len[BATCHFILE_FIELDS];
};

struct batchfile_error {
	int64_t line;
	char reason[200];
};

/* Read path. Returns 0 with *ret (free with batchfile_free), or -1 with
 * *err and *ret untouched. */
int batchfile_read(const char *path, struct batchfile **ret,
		   struct batchfile_error *err);

/* The same from len bytes in memory (tests). */
int batchfile_parse(const char *data, size_t len, struct batchfile **ret,
		    struct batchfile_error *err);

void batchfile_free(struct batchfile *bf);

size_t batchfile_count(const struct batchfile *bf);
const struct batchfile_row *batchfile_row(const struct batchfile *bf, size_t i);

/* The row as a terminal's intent for bank (the authenticated caller's),
 * validated with intent_decode_object(): 0 with *ret (a new reference) and
 * *ret_in, or -1 with *err (field "$" for a wrong field count). */
int batchfile_row_intent(const struct batchfile_row *r, const char *bank,
			 json_t **ret, struct intent *ret_in,
			 struct intent_error *err);

#endif
