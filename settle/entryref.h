/* entryref — where a bank's statement entries carry what reconciliation
 * needs, per bank ([bankfile BANK]: intent_id_from, intent_id_pattern,
 * account_pattern, invoice_pattern, biller_accounts; docs/settlement.md):
 * the intent id, the customer's account and invoice number, and the
 * biller (named by the statement's own account). Shared by the camt and
 * MT940 readers, so both find them the same way. */
#ifndef TASDID_ENTRYREF_H
#define TASDID_ENTRYREF_H

#include <stddef.h>

#include "bankfile.h"
#include "config.h"

struct entryref;

/* Compile map's patterns. Returns 0 and *ret (the caller's,
 * entryref_free()), or -1 with errstr set. map is borrowed and must
 * outlive the entryref. */
int entryref_new(const struct config_bankfile *map, struct entryref **ret,
		 char *errstr, size_t errstr_size);

/* Free; NULL is fine. */
void entryref_free(struct entryref *er);

/* The biller whose statement account this is, or NULL when the bank's
 * biller_accounts does not name it; "" when the map has no
 * biller_accounts at all (statement show without a config). */
const char *entryref_biller(const struct entryref *er, const char *account);

/* What was found in one line; the line's pointers point here. */
struct entryref_found {
	char intent_id[INTENT_ID_LEN + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	char invoice_no[INTENT_INVOICE_MAX + 1];
};

/* Fill l->intent_id ("" unless the configured field, through
 * intent_id_pattern, gives a lower-case UUID), l->account and
 * l->invoice_no (through the patterns over l->remittance; "" when none is
 * configured or it does not match, or the value is too long) from l's
 * reference fields, pointing them into *out. */
void entryref_apply(const struct entryref *er, struct bankfile_line *l,
		    struct entryref_found *out);

#endif
