/* receipt — the customer's receipt for a spooled payment and its
 * verification code (docs/terminal.md#receipts).
 *
 * The code is the first 12 hex digits of SHA-256 over the canonical text
 *
 *   "tasdid-receipt-1\n" receipt_no "\n" bank "\n" terminal "\n" biller "\n"
 *   account "\n" invoice "\n" amount "\n" currency "\n" paid_at "\n" intent_id
 *
 * (amount as the exact decimal string, invoice "" when none), so anyone
 * holding the receipt and the intent id (the bank, the biller's ledger) can
 * recompute it, and a receipt whose amount or account was altered does not
 * match. It is a check against mistakes and casual tampering, not a
 * signature: it has no secret. */
#ifndef TASDID_RECEIPT_H
#define TASDID_RECEIPT_H

#include <stddef.h>

#include "spool.h"

#define RECEIPT_CODE_LEN 12
#define RECEIPT_TEXT_MAX 2048

/* The verification code of e (12 lower-case hex + NUL) into out. */
void receipt_code(const struct spool_entry *e, char out[RECEIPT_CODE_LEN + 1]);

/* The printable receipt of e into buf (NUL-terminated). Returns the
 * length, or -1 when size is too small (RECEIPT_TEXT_MAX always suffices). */
int receipt_format(const struct spool_entry *e, char *buf, size_t size);

#endif
