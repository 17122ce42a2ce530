/* mt940 — read a SWIFT MT940 customer statement file (one or several
 * statements) into a struct bankfile, as banks write it: the fields
 * :20: :21: :25: :28C: :60F/M: :61: :86: :62F/M: :64: :65:, debit/credit
 * marks C D RC RD, comma decimals, an optional entry date, :86: free or
 * structured (?20..?29 subfields), optional SWIFT block wrappers, a
 * missing final line break. What is refused and what is ignored is listed
 * in schemas/bank-statements.md.
 *
 * Checked before the file is accepted, per statement: :60: + credits -
 * debits = :62: (RC counts as a debit, RD as a credit), the currency of
 * :62: is :60:'s, the booking dates inside [:60: date, :62: date], and one
 * business date (the :62: date) for the whole file. The first problem
 * refuses the file with the physical line and a reason naming the
 * statement and the field. */
#ifndef TASDID_MT940_H
#define TASDID_MT940_H

#include <stdio.h>

#include "bankfile.h"
#include "config.h"

#define MT940_LINE_MAX 512      /* bytes of a physical line */
#define MT940_FIELD_MAX 2048    /* bytes of a field with its continuations */

/* Read the stream to its end (not closed) as bank's file; map's format
 * must be mt940 (asserted). Returns 0 and *ret (the caller's,
 * bankfile_free()), or -1 with *err filled and *ret untouched. */
int mt940_read_stream(FILE *in, const char *bank,
		      const struct config_bankfile *map, struct bankfile **ret,
		      struct bankfile_error *err);

#endif
