/* Tests for camt (camt.053 / camt.054): the example statement read entry
 * by entry with exact amounts, references and checks; then each control
 * check and each refusal (DOCTYPE/XXE, billion laughs, namespaces, element
 * twice, foreign namespace, truncation) on a mutation of the example, with
 * the exact reason. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../settle/camt.h" /* settle/ is not on the tests' include path */
#include "check_run.h"
#include "mutate.h"
#include "config.h"

#define EXAMPLE SOURCE_ROOT "/schemas/examples/bank-BNK3-2026-11-25.xml"
#define UUID1 "01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe"
#define UUID2 "01a2116f-9ca8-856f-8a3d-042aeb4f9771"

static const char config_text[] =
	"[biller water]\nname = Water\ncurrency = SYP\ntopic = t.water\n"
	"ledger = water.db\n"
	"[bank BNK3]\nname = Three\n"
	"[bankfile BNK3]\nformat = %s\n"
	"biller_accounts = water:0300-112233-01\n"
	"account_pattern = (ACC-[0-9]+)\n"
	"invoice_pattern = INV ([A-Z0-9-]+)\n";

static struct config *cfg;
static const struct config_bankfile *map;
static char *example;

static void load_config(const char *format)
{
	char text[1024], err[512];
	snprintf(text, sizeof(text), config_text, format);
	config_free(cfg);
	cfg = NULL;
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	map = config_bankfile_find(cfg, "BNK3");
	ck_assert_ptr_nonnull(map);
}

static void setup(void)
{
	load_config("camt053");
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
	*bf = NULL;
	memset(err, 0, sizeof(*err));
	return camt_read_memory(text, strlen(text), "BNK3", map, bf, err);
}

START_TEST(test_example)
{
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(example, &bf, &err) == 0, "%s", err.reason);
	ck_assert_str_eq(bankfile_bank(bf), "BNK3");
	ck_assert_str_eq(bankfile_business_date(bf), "2026-11-25");
	ck_assert_str_eq(bankfile_created_at(bf), "2026-11-26T01:10:00+03:00");
	ck_assert_uint_eq(bankfile_line_count(bf), 5);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_int_eq(l->amount_minor, 15000);
	ck_assert_str_eq(l->currency->code, "SYP");
	ck_assert_str_eq(l->intent_id, UUID1);
	ck_assert_str_eq(l->biller, "water");
	ck_assert_str_eq(l->account, "ACC-100231");
	ck_assert_str_eq(l->invoice_no, "W-2026-10-000977");
	ck_assert_str_eq(l->instr_id, "T-07/000184");
	ck_assert_str_eq(l->tx_id, "BNK3-000981");
	ck_assert_str_eq(l->acct_svcr_ref, "BNK3-TX-000981");
	ck_assert_str_eq(l->booking_date, "2026-11-25");
	ck_assert_str_eq(l->statement, "STMT-WATER-20261125");
	ck_assert(!l->debit && !l->reversal && !l->not_a_payment);
	ck_assert_int_eq(l->status, BANKFILE_BOOKED);
	ck_assert_int_eq(l->file_line, 53); /* its TxDtls */
	l = bankfile_line_at(bf, 1); /* batch, first TxDtls */
	ck_assert_int_eq(l->amount_minor, 10000);
	ck_assert_str_eq(l->intent_id, UUID2);
	ck_assert_str_eq(l->creditor_ref, "RF18ACC100233");
	ck_assert_str_eq(l->acct_svcr_ref, "BNK3-BATCH-77");
	l = bankfile_line_at(bf, 2); /* batch, second: no intent id */
	ck_assert_int_eq(l->amount_minor, 20000);
	ck_assert_str_eq(l->intent_id, "");
	ck_assert_str_eq(l->end_to_end_id, "NOTPROVIDED");
	ck_assert_str_eq(l->remittance, "WATER ACC-100232 INV W-2026-11-000102");
	ck_assert_str_eq(l->account, "ACC-100232");
	ck_assert_str_eq(l->invoice_no, "W-2026-11-000102");
	l = bankfile_line_at(bf, 3); /* the fee */
	ck_assert_int_eq(l->amount_minor, 250);
	ck_assert(l->debit && l->not_a_payment);
	ck_assert_str_eq(l->remittance, "Account maintenance fee");
	l = bankfile_line_at(bf, 4);
	ck_assert_int_eq(l->status, BANKFILE_PENDING);
	ck_assert_int_eq(l->amount_minor, 5000); /* its entry's: no TxDtls Amt */
	ck_assert_str_eq(l->booking_date, "");
	ck_assert_str_eq(l->value_date, "2026-11-26");
	ck_assert_uint_eq(bankfile_statement_count(bf), 1);
	const struct bankfile_statement *st = bankfile_statement_at(bf, 0);
	ck_assert_str_eq(st->account, "0300-112233-01");
	ck_assert_int_eq(st->opening_minor, 100000);
	ck_assert_int_eq(st->closing_minor, 144750);
	ck_assert_int_eq(st->credit_minor, 45000);
	ck_assert_int_eq(st->debit_minor, 250);
	ck_assert_int_eq(st->credit_count, 3);
	ck_assert_int_eq(st->debit_count, 1);
	ck_assert_int_eq(st->other_count, 1);
	ck_assert_uint_eq(bankfile_check_count(bf), 4);
	ck_assert_str_eq(bankfile_check_at(bf, 0)->name, "batch");
	ck_assert_str_eq(bankfile_check_at(bf, 0)->detail,
			 "entry 2: 2 TxDtls, 300.00 SYP as its Btch says");
	ck_assert_str_eq(bankfile_check_at(bf, 1)->name, "balance");
	ck_assert_str_eq(bankfile_check_at(bf, 1)->detail,
			 "SYP: opening 1000.00 + credits 450.00 - debits 2.50 = "
			 "1447.50 = closing (CLBD) (3 booked entries)");
	ck_assert_str_eq(bankfile_check_at(bf, 2)->name, "txs_summary");
	ck_assert_str_eq(bankfile_check_at(bf, 3)->name, "period");
	ck_assert_int_eq(strlen(bankfile_sha256(bf)), 64);
	bankfile_free(bf);
}
END_TEST

/* A mutation of the example: the first `from` replaced by `to`. */
static const struct {
	const char *from, *to;
	int64_t line;
	const char *reason; /* exactly */
} bad[] = {
	{"<Amt Ccy=\"SYP\">1447.50</Amt>", "<Amt Ccy=\"SYP\">1447.51</Amt>", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: balance "
	 "SYP: opening 1000.00 + credits 450.00 - debits 2.50 = 1447.50, but the "
	 "closing balance (CLBD) is 1447.51"},
	{"<NbOfTxs>2</NbOfTxs>", "<NbOfTxs>3</NbOfTxs>", 73,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/"
	 "NtryDtls: Btch NbOfTxs 3 but entry 2 lists 2 TxDtls"},
	{"<TtlAmt Ccy=\"SYP\">300.00", "<TtlAmt Ccy=\"SYP\">300.01", 73,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/"
	 "NtryDtls: Btch TtlAmt 300.01 SYP but entry 2's TxDtls add up to 300.00 SYP"},
	{"<Amt Ccy=\"SYP\">300.00</Amt>", "<Amt Ccy=\"SYP\">310.00</Amt>", 65,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]: "
	 "entry 2: Amt 310.00 SYP but its TxDtls add up to 300.00"},
	{"<NbOfNtries>4</NbOfNtries>", "<NbOfNtries>5</NbOfNtries>", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: TxsSummry "
	 "TtlNtries/NbOfNtries is 5 but the entries give 4"},
	{"<Sum>2.50</Sum>", "<Sum>2.05</Sum>", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: TxsSummry "
	 "TtlDbtNtries/Sum is 2.05 but the entries give 2.50"},
	{"<BookgDt><Dt>2026-11-25</Dt></BookgDt>",
	 "<BookgDt><Dt>2026-11-24</Dt></BookgDt>", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: booked "
	 "entries of 2026-11-24 to 2026-11-25 outside the statement period "
	 "2026-11-25 to 2026-11-25"},
	{"camt.053.001.08", "camt.053.001.09", 4,
	 "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.09' is "
	 "not one read for camt053 (urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 "
	 "to camt.053.001.08)"},
	{"camt.053.001.08", "camt.052.001.08", 4,
	 "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.052.001.08' is "
	 "not one read for camt053 (urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 "
	 "to camt.053.001.08)"},
	{"<TxId>BNK3-000981</TxId>",
	 "<TxId>BNK3-000981</TxId><EndToEndId>x</EndToEndId>", 57,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/"
	 "NtryDtls/TxDtls[1]/Refs/EndToEndId: given twice"},
	{"<Id>0300-112233-01</Id>", "<Id>0300-999999-01</Id>", 53,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/"
	 "NtryDtls: account 0300-999999-01 is not in the bank's "
	 "biller_accounts"},
	{"<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Cd>DONE</Cd></Sts>", 47,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/"
	 "Sts/Cd: status 'DONE' is not BOOK, PDNG, FUTR or INFO"},
	{"<NtryRef>1</NtryRef>", "<x:NtryRef xmlns:x=\"urn:x\">1</x:NtryRef>", 44,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]: "
	 "element NtryRef in namespace 'urn:x', not the document's"},
	{"<Amt Ccy=\"SYP\">150.00</Amt>\n        <CdtDbtInd>",
	 "<Amt Ccy=\"SYP\">150.001</Amt>\n        <CdtDbtInd>", 53,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/"
	 "NtryDtls: amount '150.001': more than 2 fraction digits for SYP"},
	{"<ToDtTm>2026-11-25T23:59:59+03:00</ToDtTm>", "", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: FrToDt "
	 "needs both FrDtTm and ToDtTm"},
	{"<Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>",
	 "<Tp><CdOrPrtry><Cd>ITBD</Cd></CdOrPrtry></Tp>", 10,
	 "statement STMT-WATER-20261125: /Document/BkToCstmrStmt/Stmt[1]: no "
	 "opening (OPBD/PRCD) balance in SYP: the balance check needs OPBD (or "
	 "PRCD) and CLBD"},
	{"</Stmt>\n  </BkToCstmrStmt>\n</Document>\n", "</Stmt>\n", 107,
	 /* libxml2's words for a document cut after a statement */
	 "not well-formed XML: Extra content at the end of the document"},
	{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	 "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>",
	 0, "a DOCTYPE: DTDs and entities are refused (XXE, entity expansion)"},
	{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	 "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	 "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	 "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>",
	 0, "a DOCTYPE: DTDs and entities are refused (XXE, entity expansion)"},
	{"<MsgId>BNK3-20261125-0001</MsgId>", "<MsgId>&lol;</MsgId>", 7,
	 "not well-formed XML: Entity 'lol' not defined"},
};

static char *change(const char *from, const char *to)
{
	return mutate(example, from, to);
}

START_TEST(test_bad)
{
	char *text = change(bad[_i].from, bad[_i].to);
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_int_eq(read_text(text, &bf, &err), -1);
	ck_assert_ptr_null(bf);
	ck_assert_str_eq(err.reason, bad[_i].reason);
	ck_assert_int_eq(err.line, bad[_i].line);
	free(text);
}
END_TEST

/* Regression: a Btch with NbOfTxs and no TtlAmt printed an unset total. */
START_TEST(test_batch_count_only)
{
	char *text = change("<TtlAmt Ccy=\"SYP\">300.00</TtlAmt>", "");
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%s", err.reason);
	ck_assert_str_eq(bankfile_check_at(bf, 0)->detail,
			 "entry 2: 2 TxDtls, 300.00 SYP as its Btch says");
	bankfile_free(bf);
	free(text);
}
END_TEST

START_TEST(test_versions)
{
	/* .02 to .06 write Sts as text, not Sts/Cd. */
	for (int v = 2; v <= 8; v++) {
		char ns[40];
		snprintf(ns, sizeof(ns), "camt.053.001.%02d", v);
		char *a = change("camt.053.001.08", ns);
		char *saved = example;
		example = a;
		char *text = v < 7 ? change("<Sts><Cd>BOOK</Cd></Sts>", "<Sts>BOOK</Sts>")
				   : strdup(a);
		example = saved;
		struct bankfile *bf;
		struct bankfile_error err;
		ck_assert_msg(read_text(text, &bf, &err) == 0, "%s: %s", ns, err.reason);
		ck_assert_uint_eq(bankfile_line_count(bf), 5);
		bankfile_free(bf);
		free(a);
		free(text);
	}
}
END_TEST

START_TEST(test_camt054)
{
	load_config("camt054");
	char *a = change("camt.053.001.08", "camt.054.001.08");
	char *saved = example;
	example = a;
	char *b = change("BkToCstmrStmt>", "BkToCstmrDbtCdtNtfctn>");
	example = b;
	char *c2 = change("BkToCstmrStmt>", "BkToCstmrDbtCdtNtfctn>");
	example = c2;
	char *d = change("<Stmt>", "<Ntfctn>");
	example = d;
	char *text = change("</Stmt>", "</Ntfctn>");
	example = saved;
	struct bankfile *bf;
	struct bankfile_error err;
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(bankfile_line_count(bf), 5);
	ck_assert_str_eq(bankfile_line_at(bf, 0)->intent_id, UUID1);
	bankfile_free(bf);
	/* A camt.053 file is not a camt.054 one. */
	ck_assert_int_eq(read_text(saved, &bf, &err), -1);
	ck_assert_str_eq(err.reason,
			 "namespace 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08' "
			 "is not one read for camt054 (urn:iso:std:iso:20022:tech:xsd:"
			 "camt.054.001.02 to camt.054.001.08)");
	free(a), free(b), free(c2), free(d), free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("camt");
	TCase *tc = tcase_create("camt");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_example);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_batch_count_only);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_camt054);
	suite_add_tcase(s, tc);
	return check_run(s);
}
