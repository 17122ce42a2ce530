/* fuzz-bankfile — bankfile_read_stream(), the bank settlement file reader
 * that `tasdid settle` runs on every file (bankfile_read() is fopen + this),
 * on the input as a memory stream.
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

static void check_file(const struct bankfile *bf, const uint8_t *data, size_t size)
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
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* fmemopen() needs a buffer even for an empty file. */
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	memset(&err, 0, sizeof(err));
	if (bankfile_read_stream(in, &bf, &err) < 0) {
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
