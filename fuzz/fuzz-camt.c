/* fuzz-camt — camt_read_memory(), the camt.053 / camt.054 reader settle
 * runs on a bank's .xml file (camt_read_fd() is the same over a file
 * descriptor). A first byte 0x01 reads the rest as camt.054; anything
 * else reads the whole input as camt.053, so the corpus of statements
 * keeps its meaning.
 *
 * Invariants: a refusal gives a reason (NUL-terminated, non-empty) and a
 * line no later than the input's last; an accepted file has the SHA-256
 * of exactly the input bytes, a business date, at least one statement,
 * lines numbered 1..n with a known currency and amounts >= 0, the biller
 * of biller_accounts, an intent id that is "" or 36 bytes, not_a_payment
 * on every debit and reversal, and each statement's opening + credits -
 * debits = closing when both are given. */
#include <string.h>

#include "camt.h"
#include "fuzz.h"
#include "sha256.h"

static const struct config_bankfile maps[] = {
	{.bank = "BNK3", .format = CONFIG_FORMAT_CAMT053,
	 .intent_source = CONFIG_INTENT_END_TO_END_ID,
	 .account_pattern = "(ACC-[0-9]+)", .invoice_pattern = "INV ([A-Z0-9-]+)",
	 .biller_account_count = 2,
	 .biller_accounts = {{"0300-112233-01", "water"}, {"JO-WATER-1", "water"}}},
	{.bank = "BNK3", .format = CONFIG_FORMAT_CAMT054,
	 .intent_source = CONFIG_INTENT_REMITTANCE,
	 .intent_pattern = "ID:([0-9a-f-]+)",
	 .biller_account_count = 1,
	 .biller_accounts = {{"0300-112233-01", "water"}}},
};

static void check_file(const struct bankfile *bf, const uint8_t *data,
		       size_t size)
{
	uint8_t digest[SHA256_DIGEST_LEN];
	char hex[65];
	sha256(data, size, digest);
	sha256_hex(digest, hex);
	FUZZ_CHECK(strcmp(bankfile_sha256(bf), hex) == 0);
	FUZZ_CHECK(strlen(bankfile_business_date(bf)) == 10);
	FUZZ_CHECK(bankfile_statement_count(bf) >= 1);
	for (size_t i = 0; i < bankfile_line_count(bf); i++) {
		const struct bankfile_line *l = bankfile_line_at(bf, i);
		FUZZ_CHECK(l->line_no == (int64_t)i + 1);
		FUZZ_CHECK(l->amount_minor >= 0);
		FUZZ_CHECK(l->currency != NULL &&
			   currency_find(l->currency->code) == l->currency);
		FUZZ_CHECK(strcmp(l->biller, "water") == 0);
		FUZZ_CHECK(l->intent_id[0] == '\0' || strlen(l->intent_id) == 36);
		FUZZ_CHECK(!(l->debit || l->reversal) || l->not_a_payment);
		FUZZ_CHECK(l->status != BANKFILE_BOOKED || l->booking_date[0] != '\0');
	}
	for (size_t i = 0; i < bankfile_statement_count(bf); i++) {
		const struct bankfile_statement *s = bankfile_statement_at(bf, i);
		if (s->has_opening && s->has_closing)
			FUZZ_CHECK(s->opening_minor + s->credit_minor - s->debit_minor ==
				   s->closing_minor);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config_bankfile *map = &maps[0];
	if (size > 0 && data[0] == 0x01) {
		map = &maps[1];
		data++;
		size--;
	}
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	memset(&err, 0, sizeof(err));
	if (camt_read_memory((const char *)data, size, "BNK3", map, &bf, &err) < 0) {
		FUZZ_CHECK(bf == NULL);
		FUZZ_CHECK(err.reason[0] != '\0');
		FUZZ_CHECK(memchr(err.reason, '\0', sizeof(err.reason)) != NULL);
		FUZZ_CHECK(err.line >= 0 && (size_t)err.line <= size + 1);
	} else {
		FUZZ_CHECK(bf != NULL);
		check_file(bf, data, size);
		bankfile_free(bf);
	}
	return 0;
}
