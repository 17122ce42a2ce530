/* fuzz-mt940 — mt940_read_stream(), the MT940 reader settle runs on a
 * bank's .sta file, on the input as a memory stream.
 *
 * Invariants: a refusal gives a reason and a line no later than the
 * input's last; an accepted file has the SHA-256 of exactly the input, a
 * business date, at least one statement, each with :60: + credits -
 * debits = :62:, lines numbered 1..n on increasing lines, amounts >= 0 in
 * a known currency, a booking date, the biller of its account, an intent
 * id that is "" or 36 bytes, and not_a_payment on debits and reversals. */
#include <string.h>

#include "fuzz.h"
#include "mt940.h"
#include "sha256.h"

static const struct config_bankfile map = {
	.bank = "BNK4", .format = CONFIG_FORMAT_MT940,
	.intent_source = CONFIG_INTENT_END_TO_END_ID,
	.account_pattern = "((ACC|ELC)-[0-9]+)",
	.invoice_pattern = "INV ([A-Z0-9-]+)",
	.biller_account_count = 2,
	.biller_accounts = {{"0400-556677-01", "electricity"},
			    {"0400-556677-02", "water"}},
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
	int64_t prev = 0;
	for (size_t i = 0; i < bankfile_line_count(bf); i++) {
		const struct bankfile_line *l = bankfile_line_at(bf, i);
		FUZZ_CHECK(l->line_no == (int64_t)i + 1);
		FUZZ_CHECK(l->file_line > prev);
		prev = l->file_line;
		FUZZ_CHECK(l->amount_minor >= 0);
		FUZZ_CHECK(l->currency != NULL &&
			   currency_find(l->currency->code) == l->currency);
		FUZZ_CHECK(strlen(l->booking_date) == 10);
		FUZZ_CHECK(strcmp(l->biller, "water") == 0 ||
			   strcmp(l->biller, "electricity") == 0);
		FUZZ_CHECK(l->intent_id[0] == '\0' || strlen(l->intent_id) == 36);
		FUZZ_CHECK(!(l->debit || l->reversal) || l->not_a_payment);
	}
	for (size_t i = 0; i < bankfile_statement_count(bf); i++) {
		const struct bankfile_statement *s = bankfile_statement_at(bf, i);
		FUZZ_CHECK(s->opening_minor + s->credit_minor - s->debit_minor ==
			   s->closing_minor);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	memset(&err, 0, sizeof(err));
	if (mt940_read_stream(in, "BNK4", &map, &bf, &err) < 0) {
		FUZZ_CHECK(bf == NULL);
		FUZZ_CHECK(err.reason[0] != '\0');
		FUZZ_CHECK(memchr(err.reason, '\0', sizeof(err.reason)) != NULL);
		FUZZ_CHECK(err.line >= 0 && (size_t)err.line <= size + 1);
	} else {
		FUZZ_CHECK(bf != NULL);
		check_file(bf, data, size);
		bankfile_free(bf);
	}
	fclose(in);
	return 0;
}
