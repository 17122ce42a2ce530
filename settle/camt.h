/* camt — read an ISO 20022 bank-to-customer statement (camt.053) or
 * debit/credit notification (camt.054) into a struct bankfile, streamed
 * with libxml2's xmlReader so memory does not grow with the file (only the
 * lines kept for reconciliation do, as for a csv file).
 *
 * No network, no DTD, no entities: a file with a DOCTYPE is refused
 * outright (XXE, "billion laughs"). Namespace versions .001.02 through
 * .001.08 are read; any other namespace is refused, naming it.
 *
 * Every control check of schemas/bank-statements.md runs before the file
 * is accepted: per statement and currency opening + credits - debits =
 * closing, TxsSummry counts and sums when present, each batch's NbOfTxs and
 * TtlAmt against its TxDtls, an entry's TxDtls against its amount, the
 * booking dates against the statement period, one business date per file.
 * The first failure refuses the file with the statement, the element path
 * and the reason; the line is the XML line. */
#ifndef TASDID_CAMT_H
#define TASDID_CAMT_H

#include <stddef.h>

#include "bankfile.h"
#include "config.h"

/* Bounds: text of one element, TxDtls per entry, statements per file. */
#define CAMT_TEXT_MAX 1024
#define CAMT_DEPTH_MAX 32
#define CAMT_STATEMENTS_MAX 1000

/* Read from fd (read to its end, not closed) as bank's file; map's format
 * must be camt053 or camt054 (asserted). Returns 0 and *ret (the caller's,
 * bankfile_free()), or -1 with *err filled and *ret untouched. */
int camt_read_fd(int fd, const char *bank, const struct config_bankfile *map,
		 struct bankfile **ret, struct bankfile_error *err);

/* The same from memory (tests, fuzzing). */
int camt_read_memory(const char *data, size_t size, const char *bank,
		     const struct config_bankfile *map, struct bankfile **ret,
		     struct bankfile_error *err);

#endif
