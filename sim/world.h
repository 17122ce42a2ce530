/* world — write the files of a synthetic deployment into a folder: the
 * config (billers, banks, terminals with token hashes), the terminals'
 * tokens (for the load generator) and each biller's invoice export. All of
 * it follows from the seed (scenario.h), so the demo and the tests can
 * recompute any invoice or payment. */
#ifndef TASDID_WORLD_H
#define TASDID_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

#define WORLD_BANKS_MAX 10
#define WORLD_BILLERS 4

struct world_opts {
	const char *dir;              /* must exist */
	struct scenario scenario;     /* seed, accounts, due day */
	int bank_count;               /* 1..WORLD_BANKS_MAX */
	int terminals_per_bank;       /* 1..10000 */
	const char *extra_ini;        /* appended to tasdid.ini as is, or NULL */
};

/* The biller ids of the world, in config order. */
extern const char *const world_biller_ids[WORLD_BILLERS];

/* Write DIR/tasdid.ini, DIR/terminals.csv and DIR/invoices-<biller>.csv.
 * Returns 0, or -1 with errstr naming the file. */
int world_write(const struct world_opts *o, char *errstr, size_t errstr_size);

/* The bank id of bank number i ("BNK01"). */
void world_bank_id(int i, char out[8]);

#endif
