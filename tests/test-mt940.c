/* Tests for mt940: the example file (two statements, CRLF, no final "-"
 * nor line break) read entry by entry with exact amounts and references;
 * then every refusal on a one-change mutation of it with its exact line and
 * reason, and what is deliberately ignored (blank lines, trailing blanks,
 * Ctrl-Z, SWIFT block wrappers, LF only). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../settle/mt940.h" /* settle/ is not on the tests' include path */
#include "check_run.h"
#include "config.h"
#include "mutate.h"

#define EXAMPLE SOURCE_ROOT "/schemas/examples/bank-BNK4-2026-11-25.sta"
#define UUID2 "01a2116f-9ca8-856f-8a3d-042aeb4f9771"

static struct config *cfg;
static const struct config_bankfile *map;
static char *example;

static void setup(void)
{
	static const char text[] =
		"[biller water]\nname = Water\ncurrency = SYP\ntopic = t.water\n"
		"ledger = water.db\n"
		"[biller electricity]\nname = E\ncurrency = SYP\ntopic = t.e\n"
		"ledger = e.db\n"
		"[bank BNK4]\nname = Four\n"
		"[bankfile BNK4]\nformat = mt940\n"
		"biller_accounts = electricity:0400-556677-01, water:0400-556677-02\n"
		"account_pattern = ((ACC|ELC)-[0-9]+)\n"
		"invoice_pattern = INV ([A-Z0-9-]+)\n";
	char err[512];
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	map = config_bankfile_find(cfg, "BNK4");
	example = slurp(EXAMPLE);
}

static void teardown(void)
{
	config_free(cfg);
	cfg = NULL;
	free(example);
}

static int read_text(const char *text, struct bankfile **bf,
		     struct bankfile_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	ck_assert_ptr_nonnull(f);
	*bf = NULL;
	memset(err, 0, sizeof(*err));
	int rc = mt940_read_stream(f, "BNK4", map, bf, err);
	fclose(f);
	return rc;
}

static void check_example(const struct bankfile *bf)
{
	ck_assert_str_eq(bankfile_business_date(bf), "2026-11-25");
	ck_assert_uint_eq(bankfile_line_count(bf), 5);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_int_eq(l->amount_minor, 4000);
	ck_assert_str_eq(l->intent_id, UUID2); /* EREF+ over two lines */
	ck_assert_str_eq(l->biller, "electricity");
	ck_assert_str_eq(l->account, "ELC-55012");
	ck_assert_str_eq(l->acct_svcr_ref, "BNK4-0001");
	ck_assert_str_eq(l->remittance, "EREF+" UUID2 "TASDID ELC-55012");
	ck_assert(!l->debit && !l->reversal && !l->not_a_payment);
	l = bankfile_line_at(bf, 1); /* no entry date, free :86: */
	ck_assert_int_eq(l->amount_minor, 2550);
	ck_assert_str_eq(l->intent_id, "");
	ck_assert_str_eq(l->end_to_end_id, "T-07/000201");
	ck_assert_str_eq(l->account, "ELC-55013");
	ck_assert_str_eq(l->invoice_no, "E-2026-11-0042");
	ck_assert_str_eq(l->booking_date, "2026-11-25");
	l = bankfile_line_at(bf, 2);
	ck_assert_int_eq(l->amount_minor, 125);
	ck_assert(l->debit && !l->reversal && l->not_a_payment);
	l = bankfile_line_at(bf, 3); /* RC: a credit taken back */
	ck_assert_int_eq(l->amount_minor, 1000);
	ck_assert(l->debit && l->reversal && l->not_a_payment);
	l = bankfile_line_at(bf, 4);
	ck_assert_int_eq(l->amount_minor, 1200);
	ck_assert_str_eq(l->biller, "water");
	ck_assert_str_eq(l->statement, "STMT1125B");
	ck_assert_str_eq(l->remittance, "WATER ACC-100233 INV W-2026-11-000200");
	ck_assert_str_eq(l->invoice_no, "W-2026-11-000200");
	ck_assert_uint_eq(bankfile_statement_count(bf), 2);
	const struct bankfile_statement *st = bankfile_statement_at(bf, 0);
	ck_assert_int_eq(st->opening_minor, 500000);
	ck_assert_int_eq(st->closing_minor, 505425);
	ck_assert_int_eq(st->credit_minor, 6550);
	ck_assert_int_eq(st->debit_minor, 1125);
	ck_assert_uint_eq(bankfile_check_count(bf), 4);
	ck_assert_str_eq(bankfile_check_at(bf, 0)->detail,
			 "SYP: :60: 5000.00 + credits 65.50 - debits 11.25 = "
			 "5054.25 = :62: (4 entries)");
}

START_TEST(test_example)
{
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(example, &bf, &err) == 0, "%s", err.reason);
	check_example(bf);
	ck_assert_int_eq(bankfile_line_at(bf, 4)->file_line, 21);
	ck_assert_int_eq(strlen(bankfile_sha256(bf)), 64);
	bankfile_free(bf);
}
END_TEST

/* What is ignored: the same lines read the same. */
static const struct {
	const char *from, *to;
} same[] = {
	{":25:0400-556677-01\r\n", ":25:0400-556677-01   \r\n\r\n"},
	{"-\r\n", "-\r\n\r\n\r\n"},
	{":62F:C261125SYP12,", ":62F:C261125SYP12,\r\n-\r\n\x1a"},
	{":20:STMT1125A", "{1:F01BNK4SYDAAXXX0000000000}{2:O940}{4:\r\n:20:STMT1125A"},
	{"-\r\n", "-}{5:{CHK:0123456789AB}}\r\n"},
};

START_TEST(test_ignored)
{
	char *text = mutate(example, same[_i].from, same[_i].to);
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%s", err.reason);
	check_example(bf);
	bankfile_free(bf);
	free(text);
}
END_TEST

START_TEST(test_lf_only)
{
	char *text = strdup(example);
	size_t n = 0;
	for (size_t i = 0; text[i]; i++)
		if (text[i] != '\r')
			text[n++] = text[i];
	text[n] = '\0';
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%s", err.reason);
	check_example(bf);
	bankfile_free(bf);
	free(text);
}
END_TEST

static const struct {
	const char *from, *to;
	int64_t line;
	const char *reason; /* exactly */
} bad[] = {
	{":62F:C261125SYP5054,25", ":62F:C261125SYP5054,26", 16,
	 "statement STMT1125A: balance SYP: :60: 5000.00 + credits 65.50 - debits "
	 "11.25 = 5054.25, but :62: is 5054.26"},
	{":61:2611251125RC10,00", ":61:2611251125RD10,00", 16,
	 "statement STMT1125A: balance SYP: :60: 5000.00 + credits 75.50 - debits "
	 "1.25 = 5074.25, but :62: is 5054.25"},
	{":62F:C261125SYP12,", "", 22,
	 "statement STMT1125B: the statement has no :62F: or :62M: (truncated?)"},
	{":28C:330\r\n", "", 22,
	 "statement STMT1125B: the statement has no :28C: (truncated?)"},
	{":61:261125C25,50", ":61:261125X25,50", 8,
	 "statement STMT1125A: :61: mark is not C, D, RC or RD"},
	{":61:261125C25,50", ":61:261125C25.50", 8,
	 "statement STMT1125A: :61: amount '25' needs a decimal comma"},
	{":61:261125C25,50", ":61:261125C25,505", 8,
	 "statement STMT1125A: :61: amount '25,505': more than 2 fraction digits "
	 "for SYP"},
	{":61:261125C25,50", ":61:261131C25,50", 8,
	 "statement STMT1125A: :61: date '261131' is not a valid date"},
	{":60F:C261124SYP", ":60F:C261124XXX", 4,
	 "statement STMT1125A: :60F: currency 'XXX' is not a known ISO 4217 code"},
	{":62F:C261125SYP5054,25", ":62F:C261125USD5054,25", 14,
	 "statement STMT1125A: :62F: currency USD, the statement's is SYP"},
	{":25:0400-556677-01", ":25:0400-000000-01", 2,
	 "statement STMT1125A: :25: account 0400-000000-01 is not in the bank's "
	 "biller_accounts"},
	{":62F:C261125SYP12,", ":62F:C261126SYP12,", 23,
	 "statement STMT1125B: statements of two business dates (2026-11-25 and "
	 "2026-11-26) in one file"},
	{":61:2611251125D1,25", ":61:2611231123D1,25", 16,
	 "statement STMT1125A: entries booked 2026-11-23 to 2026-11-25, outside the "
	 "statement's 2026-11-24 to 2026-11-25"},
	{":86:Charges", ":86:Charges\r\n:86:twice", 12,
	 "statement STMT1125A: :86: twice for one :61:"},
	{":86:Charges", ":34F:SYP0,", 11,
	 "statement STMT1125A: field :34F: is not one of MT940's"},
	{":28C:330", "28C:330", 19,
	 "statement STMT1125B: '28C:330' is neither a field (:NN:) nor a line of "
	 ":61: or :86:"},
	{":20:STMT1125A", "junk\r\n:20:STMT1125A", 1,
	 "'junk' is neither a field (:NN:) nor a line of :61: or :86:"},
	{":20:STMT1125A", ":25:X\r\n:20:STMT1125A", 1,
	 "field :25: outside a statement (no :20:)"},
	{":86:Charges", ":86:Char\tges", 11, "statement STMT1125A: a control "
	 "character (byte 0x09)"},
	{":86:Charges", ":86:Char\xffges", 11, "statement STMT1125A: invalid UTF-8"},
	{":60F:C261124SYP5000,00\r\n", "", 4,
	 "statement STMT1125A: :61: before :60: or after :62:"},
	{":20:STMT1125B", ":20:STMT1125BBBBBBBBBBB", 17,
	 ":20: must be 1-16 characters on one line"},
	{":86:166?00GUTSCHRIFT", ":86:166?0GUTSCHRIFT", 6,
	 "statement STMT1125A: :86: '?' not followed by a two-digit subfield code"},
};

START_TEST(test_bad)
{
	char *text = mutate(example, bad[_i].from, bad[_i].to);
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_int_eq(read_text(text, &bf, &err), -1);
	ck_assert_ptr_null(bf);
	ck_assert_str_eq(err.reason, bad[_i].reason);
	ck_assert_int_eq(err.line, bad[_i].line);
	free(text);
}
END_TEST

START_TEST(test_empty)
{
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_int_eq(read_text("", &bf, &err), -1);
	ck_assert_str_eq(err.reason, "no statement (:20:) in the file");
	ck_assert_int_eq(read_text("a\0b", &bf, &err), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mt940");
	TCase *tc = tcase_create("mt940");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_example);
	tcase_add_loop_test(tc, test_ignored, 0, sizeof(same) / sizeof(same[0]));
	tcase_add_test(tc, test_lf_only);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	return check_run(s);
}
