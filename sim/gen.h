/* gen — deterministic test data for a biller: accounts, their invoices and
 * payment intents, the same for the same seed, for the crash test, the
 * benchmark and the demo (`tasdid gen-intents`).
 *
 * Accounts are "ACC-0000000" ... ; known_per_cent of them have 1 to 3
 * invoices ("INV-<account>-<k>", oldest k = 0), the others none (their
 * payments go to suspense as unknown_account). Intents pay random
 * accounts, named_per_cent of them naming an invoice (1 in 50 of those an
 * invoice that does not exist). paid_at grows with the intent number, so
 * intent ids arrive in nearly ascending order, as in production. */
#ifndef TASDID_GEN_H
#define TASDID_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "intent.h"
#include "money.h"

#define GEN_INVOICES_PER_ACCOUNT_MAX 3

struct gen_params {
	const char *biller;           /* borrowed */
	const struct currency *currency;
	int64_t accounts_count;       /* > 0 */
	uint64_t seed;
	int64_t start_ms;             /* paid_at of intent 0 */
	int known_per_cent;           /* accounts with invoices, 0..100 */
	int named_per_cent;           /* intents naming an invoice, 0..100 */
};

/* A sensible default for biller in currency (80 % known accounts, 30 %
 * named invoices, start 2026-11-25T07:00:00Z). */
void gen_params_default(struct gen_params *gp, const char *biller,
			const struct currency *cur, int64_t accounts_count,
			uint64_t seed);

/* Invoices of account a (0 .. GEN_INVOICES_PER_ACCOUNT_MAX). */
int gen_invoice_count(const struct gen_params *gp, int64_t a);

/* Invoice k (< gen_invoice_count) of account a. no and account need
 * INTENT_INVOICE_MAX + 1 and INTENT_ACCOUNT_MAX + 1 bytes, due_on 11. */
void gen_invoice(const struct gen_params *gp, int64_t a, int k, char *no,
		 char *account, char *due_on, int64_t *ret_amount_minor);

/* Intent number n (>= 0), valid for the queue: id derived, received_at
 * stamped. */
void gen_intent(const struct gen_params *gp, int64_t n, struct intent *out);

/* A small, fast, seedable generator (splitmix64); *state advances. */
uint64_t gen_random(uint64_t *state);

#endif
