/* receipt — see receipt.h. */
#include "receipt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "money.h"
#include "sha256.h"

static void amount_text(const struct spool_entry *e, char out[MONEY_TEXT_MAX])
{
	const struct currency *cur = currency_find(e->in.currency);
	assert(cur != NULL);
	int n = money_format(e->in.amount_minor, cur, out, MONEY_TEXT_MAX);
	assert(n > 0);
	(void)n;
}

void receipt_code(const struct spool_entry *e, char out[RECEIPT_CODE_LEN + 1])
{
	char amount[MONEY_TEXT_MAX], text[1024];
	amount_text(e, amount);
	int n = snprintf(text, sizeof(text),
			 "tasdid-receipt-1\n%" PRId64 "\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
			 e->receipt_no, e->in.bank, e->in.terminal, e->in.biller,
			 e->in.account, e->in.invoice, amount, e->in.currency,
			 e->in.paid_at, e->in.intent_id);
	assert(n > 0 && (size_t)n < sizeof(text));
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[65];
	sha256(text, (size_t)n, d);
	sha256_hex(d, hex);
	for (int i = 0; i < RECEIPT_CODE_LEN; i++)
		out[i] = hex[i];
	out[RECEIPT_CODE_LEN] = '\0';
}

int receipt_format(const struct spool_entry *e, char *buf, size_t size)
{
	char amount[MONEY_TEXT_MAX], code[RECEIPT_CODE_LEN + 1];
	amount_text(e, amount);
	receipt_code(e, code);
	int n = snprintf(buf, size,
			 "receipt:      %" PRId64 "\n"
			 "biller:       %s\n"
			 "account:      %s\n"
			 "invoice:      %s\n"
			 "amount:       %s %s\n"
			 "paid at:      %s\n"
			 "terminal:     %s/%s\n"
			 "intent id:    %s\n"
			 "verification: %s\n",
			 e->receipt_no, e->in.biller, e->in.account,
			 e->in.invoice[0] ? e->in.invoice : "-", amount,
			 e->in.currency, e->in.paid_at, e->in.bank, e->in.terminal,
			 e->in.intent_id, code);
	return n < 0 || (size_t)n >= size ? -1 : n;
}
