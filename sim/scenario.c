/* scenario — see scenario.h. */
#include "scenario.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

uint64_t scenario_splitmix_final(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

uint64_t scenario_mix(uint64_t seed, uint64_t a, uint64_t b)
{
	return scenario_splitmix_final(seed ^ (a * 0x9e3779b97f4a7c15u) ^
				       (b * 0xc2b2ae3d27d4eb4fu));
}

void scenario_account(int k, char out[INTENT_ACCOUNT_MAX + 1])
{
	snprintf(out, INTENT_ACCOUNT_MAX + 1, "%08d", SCENARIO_ACCOUNT_BASE + k);
}

static int64_t pow10_i64(int e)
{
	int64_t v = 1;
	while (e-- > 0)
		v *= 10;
	return v;
}

void scenario_invoice(const struct scenario *sc, int biller_index,
		      const char *biller_id, int k, int currency_exponent,
		      struct scenario_invoice *ret)
{
	assert(k >= 0 && k < sc->accounts_per_biller);
	memset(ret, 0, sizeof(*ret));
	uint64_t r = scenario_mix(sc->seed, (uint64_t)biller_index + 1, (uint64_t)k);
	scenario_account(k, ret->account);
	/* INV-<biller's first 3 letters>-<account>: unique per ledger. */
	snprintf(ret->invoice_no, sizeof(ret->invoice_no), "INV-%.3s-%08d",
		 biller_id, SCENARIO_ACCOUNT_BASE + k);
	ret->amount_due_minor = (int64_t)(500 + r % 59501) * pow10_i64(currency_exponent);
	/* Due dates spread over the 10 days before due_day. */
	ret->due_day = sc->due_day - (int64_t)(r >> 40) % 10;
}

enum scenario_pay_kind scenario_payment(const struct scenario *sc, uint64_t i,
					int biller_count,
					const char *const *biller_ids,
					const struct currency *const *currencies,
					int64_t paid_at_ms, struct intent *ret)
{
	assert(biller_count > 0);
	uint64_t r = scenario_mix(sc->seed, 0x7061796du /* "paym" */, i);
	int b = (int)(r % (uint64_t)biller_count);
	int k = (int)((r >> 8) % (uint64_t)sc->accounts_per_biller);
	unsigned pick = (unsigned)((r >> 40) % 100);
	enum scenario_pay_kind kind = pick < 80   ? SCENARIO_PAY_EXACT
				      : pick < 90 ? SCENARIO_PAY_PARTIAL
				      : pick < 97 ? SCENARIO_PAY_OVER
						  : SCENARIO_PAY_UNKNOWN;
	struct scenario_invoice inv;
	scenario_invoice(sc, b, biller_ids[b], k, currencies[b]->exponent, &inv);

	memset(ret, 0, sizeof(*ret));
	ret->schema_version = INTENT_SCHEMA_VERSION;
	snprintf(ret->biller, sizeof(ret->biller), "%s", biller_ids[b]);
	memcpy(ret->currency, currencies[b]->code, 4);
	switch (kind) {
	case SCENARIO_PAY_EXACT:
		snprintf(ret->account, sizeof(ret->account), "%s", inv.account);
		snprintf(ret->invoice, sizeof(ret->invoice), "%s", inv.invoice_no);
		ret->amount_minor = inv.amount_due_minor;
		break;
	case SCENARIO_PAY_PARTIAL:
		snprintf(ret->account, sizeof(ret->account), "%s", inv.account);
		snprintf(ret->invoice, sizeof(ret->invoice), "%s", inv.invoice_no);
		ret->amount_minor = inv.amount_due_minor / 2;
		break;
	case SCENARIO_PAY_OVER:
		snprintf(ret->account, sizeof(ret->account), "%s", inv.account);
		ret->amount_minor = inv.amount_due_minor + inv.amount_due_minor / 4;
		break;
	case SCENARIO_PAY_UNKNOWN:
		/* Beyond the biller's accounts: the ledger has no such account. */
		scenario_account(sc->accounts_per_biller + k, ret->account);
		ret->amount_minor = inv.amount_due_minor;
		break;
	}
	ret->paid_at_ms = paid_at_ms;
	rfc3339_format_utc_ms(paid_at_ms, ret->paid_at, sizeof(ret->paid_at));
	ret->channel = (enum intent_channel)((r >> 20) % 5);
	return kind;
}
