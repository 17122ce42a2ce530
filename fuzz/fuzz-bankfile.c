/* fuzz-bankfile — bankfile_read_stream(), the bank settlement file reader
 * that `tasdid settle` runs on every file (bankfile_read() is fopen + this),
 * on the input as a memory stream.
 *
 * A first byte of 0x01 or 0x02 selects a per-bank variant ([bankfile
 * BANK], bankfile_read_stream_map()) for the rest of the input: 0x01 the
 * one that changes everything (';', decimal comma, tags HDR/DTL/TRL,
 * reordered columns, ignored ones), 0x02 reordered columns without
 * invoice_no. Any other first byte is the standard format on the whole
 * input, so the corpus of standard files keeps its meaning.
 *
 * Invariants: a refusal gives a reason and a line no later than the
 * input's last; an accepted file has the SHA-256 of exactly the input
 * bytes, a header (bank, business date), and D lines in file order, each
 * with line_no 1..n, an amount > 0, a known currency and the mandatory
 * fields non-empty; bankfile_free() frees it all. */
#include <string.h>

#include "bankfile.h"
#include "fuzz.h"
#include "sha256.h"

/* Fixed variants, as config_load() would build them (test-bankfile.c has
 * the same ones from config text). */
static const struct config_bankfile maps[] = {
	{.bank = "BNK1", .delimiter = ';', .decimal_separator = ',',
	 .header_tag = "HDR", .detail_tag = "DTL", .trailer_tag = "TRL",
	 .column_count = 13,
	 .columns = {CONFIG_COL_AMOUNT, CONFIG_COL_CURRENCY, CONFIG_COL_IGNORE,
		     CONFIG_COL_LINE_NO, CONFIG_COL_BILLER, CONFIG_COL_ACCOUNT,
		     CONFIG_COL_TERMINAL, CONFIG_COL_IDEMPOTENCY_KEY,
		     CONFIG_COL_PAID_AT, CONFIG_COL_CHANNEL, CONFIG_COL_INTENT_ID,
		     CONFIG_COL_INVOICE_NO, CONFIG_COL_IGNORE}},
	{.bank = "BNK1", .delimiter = ',', .decimal_separator = '.',
	 .header_tag = "H", .detail_tag = "D", .trailer_tag = "T",
	 .column_count = 11,
	 .columns = {CONFIG_COL_LINE_NO, CONFIG_COL_IGNORE, CONFIG_COL_AMOUNT,
		     CONFIG_COL_CURRENCY, CONFIG_COL_INTENT_ID,
		     CONFIG_COL_IDEMPOTENCY_KEY, CONFIG_COL_TERMINAL,
		     CONFIG_COL_BILLER, CONFIG_COL_ACCOUNT, CONFIG_COL_PAID_AT,
		     CONFIG_COL_CHANNEL}},
};

static void check_file(const struct bankfile *bf, const uint8_t *data,
		       size_t size, const struct config_bankfile *map)
{
	uint8_t digest[SHA256_DIGEST_LEN];
	char hex[65];
	sha256(data, size, digest);
	sha256_hex(digest, hex);
	FUZZ_CHECK(strcmp(bankfile_sha256(bf), hex) == 0);
	FUZZ_CHECK(bankfile_bank(bf)[0] != '\0');
	FUZZ_CHECK(strlen(bankfile_business_date(bf)) == 10);
	int64_t prev_line = 0;
	for (size_t i = 0; i < bankfile_line_count(bf); i++) {
		const struct bankfile_line *l = bankfile_line_at(bf, i);
		FUZZ_CHECK(l->line_no == (int64_t)i + 1);
		FUZZ_CHECK(l->file_line > prev_line);
		prev_line = l->file_line;
		FUZZ_CHECK(l->amount_minor > 0);
		FUZZ_CHECK(l->currency != NULL);
		FUZZ_CHECK(currency_find(l->currency->code) == l->currency);
		FUZZ_CHECK(l->intent_id != NULL && l->idempotency_key != NULL &&
			   l->invoice_no != NULL);
		FUZZ_CHECK(l->terminal[0] != '\0' && l->biller[0] != '\0' &&
			   l->account[0] != '\0' && l->paid_at[0] != '\0');
		if (map == &maps[1]) /* no invoice_no column */
			FUZZ_CHECK(l->invoice_no[0] == '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct config_bankfile *map = NULL;
	if (size > 0 && (data[0] == 0x01 || data[0] == 0x02)) {
		map = &maps[data[0] - 1];
		data++;
		size--;
	}
	/* fmemopen() needs a buffer even for an empty file. */
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	memset(&err, 0, sizeof(err));
	if (bankfile_read_stream_map(in, map, &bf, &err) < 0) {
		FUZZ_CHECK(bf == NULL);
		FUZZ_CHECK(err.reason[0] != '\0');
		FUZZ_CHECK(memchr(err.reason, '\0', sizeof(err.reason)) != NULL);
		FUZZ_CHECK(err.line >= 0 && (size_t)err.line <= size + 1);
	} else {
		FUZZ_CHECK(bf != NULL);
		check_file(bf, data, size, map);
		bankfile_free(bf);
	}
	fclose(in);
	return 0;
}
