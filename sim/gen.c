/* gen — see gen.h. */
#include "gen.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"
#include "timeutil.h"

uint64_t gen_random(uint64_t *state)
{
	return scenario_splitmix_final(*state += 0x9e3779b97f4a7c15u);
}

/* A value that depends only on (seed, what, n). */
static uint64_t mix(const struct gen_params *gp, uint64_t what, int64_t n)
{
	uint64_t s = gp->seed ^ (what << 56) ^ (uint64_t)n * 0xd6e8feb86659fd93u;
	return gen_random(&s);
}

void gen_params_default(struct gen_params *gp, const char *biller,
			const struct currency *cur, int64_t accounts_count,
			uint64_t seed)
{
	assert(accounts_count > 0 && cur != NULL);
	memset(gp, 0, sizeof(*gp));
	gp->biller = biller;
	gp->currency = cur;
	gp->accounts_count = accounts_count;
	gp->seed = seed;
	gp->start_ms = 1795590000000; /* 2026-11-25T07:00:00Z */
	gp->known_per_cent = 80;
	gp->named_per_cent = 30;
}

int gen_invoice_count(const struct gen_params *gp, int64_t a)
{
	uint64_t r = mix(gp, 1, a);
	if ((int)(r % 100) >= gp->known_per_cent)
		return 0;
	return 1 + (int)((r >> 8) % GEN_INVOICES_PER_ACCOUNT_MAX);
}

static void account_name(int64_t a, char *account)
{
	snprintf(account, INTENT_ACCOUNT_MAX + 1, "ACC-%07" PRId64, a);
}

void gen_invoice(const struct gen_params *gp, int64_t a, int k, char *no,
		 char *account, char *due_on, int64_t *ret_amount_minor)
{
	assert(k >= 0 && k < GEN_INVOICES_PER_ACCOUNT_MAX);
	account_name(a, account);
	snprintf(no, INTENT_INVOICE_MAX + 1, "INV-%07" PRId64 "-%d", a, k);
	/* Oldest first: k = 0 is due in September, k = 2 in November. */
	snprintf(due_on, 11, "2026-%02d-%02d", 9 + k,
		 1 + (int)(mix(gp, 2, a) % 28));
	*ret_amount_minor = 5000 + (int64_t)(mix(gp, 3, a * 4 + k) % 45000);
}

void gen_intent(const struct gen_params *gp, int64_t n, struct intent *out)
{
	assert(n >= 0);
	uint64_t s = mix(gp, 4, n);
	int64_t a = (int64_t)(gen_random(&s) % (uint64_t)gp->accounts_count);
	memset(out, 0, sizeof(*out));
	out->schema_version = INTENT_SCHEMA_VERSION;
	snprintf(out->idempotency_key, sizeof(out->idempotency_key),
		 "gen-%" PRIx64 "-%" PRId64, gp->seed, n);
	snprintf(out->bank, sizeof(out->bank), "BNK%d",
		 1 + (int)(gen_random(&s) % 2));
	snprintf(out->terminal, sizeof(out->terminal), "T%04d",
		 (int)(gen_random(&s) % 500));
	snprintf(out->biller, sizeof(out->biller), "%s", gp->biller);
	account_name(a, out->account);
	if ((int)(gen_random(&s) % 100) < gp->named_per_cent) {
		int count = gen_invoice_count(gp, a);
		int k = count > 0 ? (int)(gen_random(&s) % (uint64_t)count) : 0;
		if (count == 0 || gen_random(&s) % 50 == 0)
			k = GEN_INVOICES_PER_ACCOUNT_MAX; /* does not exist */
		snprintf(out->invoice, sizeof(out->invoice),
			 "INV-%07" PRId64 "-%d", a, k);
	}
	out->amount_minor = 1000 + (int64_t)(gen_random(&s) % 40000);
	snprintf(out->currency, sizeof(out->currency), "%s",
		 gp->currency->code);
	/* 2 ms apart on average: ids nearly ascending, as at the intake. */
	out->paid_at_ms = gp->start_ms + n * 2 + (int64_t)(gen_random(&s) % 3);
	rfc3339_format_utc_ms(out->paid_at_ms, out->paid_at,
			      sizeof(out->paid_at));
	intent_stamp_received(out, out->paid_at_ms + 150);
	out->channel = (enum intent_channel)(gen_random(&s) % 5);
	intent_derive_id(out);
}
