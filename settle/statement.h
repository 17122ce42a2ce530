/* statement — read a bank's daily file in the format its [bankfile BANK]
 * section names (csv, camt053, camt054, mt940) into one struct bankfile,
 * the record type every reader produces, so one reconciliation serves
 * them all (docs/settlement.md, schemas/bank-statements.md).
 *
 * Each format has its file-name suffix: settle looks for
 * bank-<BANK>-<DATE>*<suffix> and reads it with the bank's format only. */
#ifndef TASDID_STATEMENT_H
#define TASDID_STATEMENT_H

#include "bankfile.h"
#include "config.h"

/* ".csv", ".xml" (camt.053 and camt.054), ".sta" (MT940). */
const char *statement_suffix(enum config_bankfile_format format);

/* Is name's suffix one of the formats'? */
int statement_suffix_known(const char *name);

/* Read and verify the file at path as bank's file in map's format (map
 * NULL: standard csv format (b)); bank is the bank the file name gives,
 * which the statement formats do not carry themselves. Returns 0 and *ret
 * (the caller's, bankfile_free()), or -1 with *err filled and *ret
 * untouched. map is only read during the call. */
int statement_read(const char *path, const char *bank,
		   const struct config_bankfile *map, struct bankfile **ret,
		   struct bankfile_error *err);

#endif
