/* scenario — the deterministic synthetic world used by `tasdid demo`, the
 * load generator and the benchmarks: accounts, invoices and payments that
 * are pure functions of a seed, so that what the terminals paid can be
 * recomputed later (for the banks' settlement files) and every run with the
 * same seed is the same run.
 *
 * Nothing here touches a network or a file. */
#ifndef TASDID_SCENARIO_H
#define TASDID_SCENARIO_H

#include <stdint.h>

#include "intent.h"
#include "money.h"

#define SCENARIO_ACCOUNT_BASE 10000000 /* accounts are 8-digit numbers */

struct scenario {
	uint64_t seed;
	int accounts_per_biller;  /* account k in [0, accounts_per_biller) */
	int64_t due_day;          /* days since epoch: invoices fall due here */
};

struct scenario_invoice {
	char invoice_no[INTENT_INVOICE_MAX + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	int64_t amount_due_minor;
	int64_t due_day; /* days since 1970-01-01 */
};

/* How a generated payment relates to the account's invoice. */
enum scenario_pay_kind {
	SCENARIO_PAY_EXACT,   /* the invoice's amount, naming the invoice */
	SCENARIO_PAY_PARTIAL, /* part of it, naming the invoice */
	SCENARIO_PAY_OVER,    /* more than due, no invoice named */
	SCENARIO_PAY_UNKNOWN, /* an account the biller does not know */
};

/* splitmix64's finaliser: the one mixing function of sim/'s generators
 * (scenario_mix here, gen_random in gen.c). */
uint64_t scenario_splitmix_final(uint64_t z);

/* A deterministic 64-bit mix of (seed, a, b) (splitmix64 finaliser). */
uint64_t scenario_mix(uint64_t seed, uint64_t a, uint64_t b);

/* The account id of account k of a biller ("10000042"). */
void scenario_account(int k, char out[INTENT_ACCOUNT_MAX + 1]);

/* The one open invoice of account k of biller number biller_index, whose
 * currency has the given exponent: an amount between 500 and 60,000 major
 * units, in whole major units. */
void scenario_invoice(const struct scenario *sc, int biller_index,
		      const char *biller_id, int k, int currency_exponent,
		      struct scenario_invoice *ret);

/* Payment number i: which biller (of biller_count) and account it pays, and
 * how; fills every field of *ret except bank, terminal and channel-related
 * identity, which the caller chooses (and then calls intent_derive_id).
 * paid_at is paid_at_ms. */
enum scenario_pay_kind scenario_payment(const struct scenario *sc, uint64_t i,
					int biller_count,
					const char *const *biller_ids,
					const struct currency *const *currencies,
					int64_t paid_at_ms, struct intent *ret);

#endif
