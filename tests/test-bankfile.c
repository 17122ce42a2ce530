/* Tests for bankfile: every kind of bad file is refused with its exact
 * line and reason; good files (BOM, CRLF, LF, quotes, no final newline)
 * are read field by field. Then the per-bank variants ([bankfile BANK]):
 * every config error with its exact FILE:LINE: reason, mapped files read
 * to the same lines as the standard file, and the bad-file checks firing
 * on mapped files at the right line. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../settle/bankfile.h" /* settle/ is not on the tests' include path */
#include "config.h"

#define H "H,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\n"
#define ID1 "01a2114c-1eb8-8f5a-84d2-c63a9eae9cbe"
#define D1 "D,1," ID1 ",k1,T-07,water,ACC-1,W-1,21.035,JOD,2026-11-25T09:02:11+03:00,teller\n"
#define D2 "D,2,,k2,ATM-3,water,ACC-2,,7.200,JOD,2026-11-25T11:15:00+03:00,atm\n"
#define T2 "T,2,JOD,28.235\n"

static int read_text(const char *text, struct bankfile **bf,
		     struct bankfile_error *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	ck_assert_ptr_nonnull(f);
	int rc = bankfile_read_stream(f, bf, err);
	fclose(f);
	return rc;
}

static const struct {
	const char *text;
	int64_t line;
	const char *reason; /* a substring of the reason */
} bad[] = {
	{"", 0, "empty file"},
	{H, 1, "no T trailer"},
	{H D1, 2, "no T trailer"},
	{D1 T2, 1, "not an H header"},
	{H H T2, 2, "a second H header"},
	{H D1 D2 T2 D1, 5, "follows the T trailer"},
	{H D1 "\n" D2 T2, 3, "blank line"},
	{H D1 "\r\n" D2 T2, 3, "blank line"},
	{H "D,1,,k,T,w,A,,1.000,JOD,2026-11-25T09:02:11Z\n", 2, "12"},
	{H D2 T2, 2, "line_no 2, expected 1"},
	{H D1 D1 T2, 3, "line_no 1, expected 2"},
	{H D1 D2 "T,3,JOD,28.235\n", 4, "control_count 3 but the file has 2"},
	{H D1 D2 "T,2,JOD,28.234\n", 4, "add up to 28.235"},
	{H D1 D2 "T,2,USD,28.235\n", 4, "expected 'JOD'"},
	{H D1 D2 "T,2\n", 4, "0 currency totals"},
	{H D1 D2 "T,2,JOD\n", 4, "2 + 2 per currency"},
	{H "D,1,,k,T,water,A,,1.0000,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount '1.0000'"},
	{H "D,1,,k,T,water,A,,-1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount '-1'"},
	{H "D,1,,k,T,water,A,, 1.000,JOD,2026-11-25T09:02:11Z,atm\n", 2, "amount ' 1.000'"},
	{H "D,1,,k,T,water,A,,1,XXX,2026-11-25T09:02:11Z,atm\n", 2, "currency 'XXX'"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25 09:02,atm\n", 2, "paid_at"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,bike\n", 2, "channel 'bike'"},
	{H "D,1,XYZ,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "intent_id 'XYZ'"},
	{H "D,1,,,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "idempotency_key is empty"},
	{H "D,1,,k,T,water,,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "account is empty"},
	{H "X,1\n", 2, "unknown record type 'X'"},
	{"H,2,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\n", 1, "format_version '2'"},
	{"H,1,bnk1,2026-11-25,2026-11-26T01:05:12+03:00\n", 1, "bank 'bnk1'"},
	{"H,1,BNK1,2026-02-30,2026-11-26T01:05:12+03:00\n", 1, "business_date"},
	{H "D,1,,k,T,water,\"ACC\n", 2, "unterminated quoted field"},
	{H "D,1,,k,T,water,A,,1,JOD,2026-11-25T09:02:11Z,atm\rT,1,JOD,1\n", 2, "15 fields"},
	{H "D,1,,k,T,water,\"AC\r\nC\",,1,JOD,2026-11-25T09:02:11Z,atm\r\nT,1,JOD,1\r\n", 2, "account is longer than 32 bytes or has control"},
	{H "T,0\r", 2, "bare CR"},
	{H "D,1,,k,T,water,A\xff,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "invalid UTF-8"},
	{H "D,1,,k,T,water,\"A\"x,,1,JOD,2026-11-25T09:02:11Z,atm\n", 2, "malformed CSV quoting"},
};

START_TEST(test_bad)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_text(bad[_i].text, &bf, &err), -1);
	ck_assert_ptr_null(bf);
	ck_assert_msg(err.line == bad[_i].line, "case %d: line %lld, expected %lld (%s)",
		      _i, (long long)err.line, (long long)bad[_i].line, err.reason);
	ck_assert_msg(strstr(err.reason, bad[_i].reason) != NULL,
		      "case %d: reason '%s' lacks '%s'", _i, err.reason, bad[_i].reason);
}
END_TEST

START_TEST(test_good_lf)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err;
	ck_assert_int_eq(read_text(H D1 D2 T2, &bf, &err), 0);
	ck_assert_str_eq(bankfile_bank(bf), "BNK1");
	ck_assert_str_eq(bankfile_business_date(bf), "2026-11-25");
	ck_assert_uint_eq(bankfile_line_count(bf), 2);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_int_eq(l->file_line, 2);
	ck_assert_str_eq(l->intent_id, ID1);
	ck_assert_int_eq(l->amount_minor, 21035);
	ck_assert_str_eq(l->currency->code, "JOD");
	ck_assert_str_eq(l->invoice_no, "W-1");
	l = bankfile_line_at(bf, 1);
	ck_assert_str_eq(l->intent_id, "");
	ck_assert_str_eq(l->invoice_no, "");
	ck_assert_int_eq(l->amount_minor, 7200);
	ck_assert_int_eq(l->line_no, 2);
	ck_assert_uint_eq(strlen(bankfile_sha256(bf)), 64);
	bankfile_free(bf);
}
END_TEST

START_TEST(test_good_bom_crlf_quotes)
{
	const char *text =
		"\xef\xbb\xbfH,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00\r\n"
		"D,1,,k,T,water,ACC-1,\"INV, \"\"x\"\"\",1.5,JOD,2026-11-25T09:02:11Z,atm\r\n"
		"D,2,,k,T,internet,\"N-1\",,20.00,USD,2026-11-25T09:02:11Z,web\r\n"
		"\"T\",2,JOD,1.500,USD,20";
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_msg(read_text(text, &bf, &err) == 0, "%lld: %s",
		      (long long)err.line, err.reason);
	const struct bankfile_line *l = bankfile_line_at(bf, 0);
	ck_assert_str_eq(l->invoice_no, "INV, \"x\"");
	ck_assert_int_eq(l->amount_minor, 1500);
	l = bankfile_line_at(bf, 1);
	ck_assert_int_eq(l->file_line, 3);
	ck_assert_str_eq(l->account, "N-1");
	bankfile_free(bf);
}
END_TEST

START_TEST(test_empty_day_and_example)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_text(H "T,0", &bf, &err), 0);
	ck_assert_uint_eq(bankfile_line_count(bf), 0);
	bankfile_free(bf);
	bf = NULL;
	ck_assert_msg(bankfile_read(SOURCE_ROOT "/schemas/examples/bank-BNK1-2026-11-25.csv",
				    &bf, &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(bankfile_line_count(bf), 5);
	ck_assert_str_eq(bankfile_line_at(bf, 3)->invoice_no, "INV-11/2026, part 1");
	ck_assert_str_eq(bankfile_line_at(bf, 3)->currency->code, "USD");
	bankfile_free(bf);
}
END_TEST

/* ---- per-bank variants: config ---- */

#define BANK "[bank BNK1]\nname = One\n" /* lines 1-2; the section is line 3 */
#define COLS_STD "line_no,intent_id,idempotency_key,terminal,biller,account,invoice_no,amount,currency,paid_at,channel"
#define COLS(x) "detail_columns = " x "\n"

static struct config *load(const char *text, char *errstr, size_t n)
{
	struct config *cfg = NULL;
	errstr[0] = '\0';
	if (config_load_string(text, "t.ini", "/tmp", &cfg, errstr, n) < 0)
		return NULL;
	return cfg;
}

static const struct {
	const char *text;
	const char *errstr; /* exactly */
} bad_config[] = {
	{BANK "[bankfile BNK9]\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile BNK9]: bank BNK9 is not defined above"},
	{BANK "[bankfile bnk1]\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile bnk1]: bank id must be 1-16 of A-Z 0-9 _ -"},
	{"[bankfile BNK1]\n" COLS(COLS_STD) BANK,
	 "t.ini:1: [bankfile BNK1]: bank BNK1 is not defined above"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD) "[bankfile BNK1]\n" COLS(COLS_STD),
	 "t.ini:5: [bankfile BNK1]: bankfile defined twice"},
	{BANK "[bankfile BNK1]\n",
	 "t.ini:3: [bankfile BNK1]: missing required key detail_columns"},
	{BANK "[bankfile BNK1]\ndelimiter = semicolon\n[bank BNK2]\nname = Two\n",
	 "t.ini:3: [bankfile BNK1]: missing required key detail_columns"},
	/* format and the statement keys (settle/statement.h) */
	{BANK "[bankfile BNK1]\nformat = xml\n",
	 "t.ini:4: [bankfile BNK1] format: csv, camt053, camt054 or mt940"},
	{BANK "[bankfile BNK1]\nformat = camt053\n",
	 "t.ini:3: [bankfile BNK1]: missing required key biller_accounts (a "
	 "statement's account names its biller)"},
	{BANK "[bankfile BNK1]\nformat = mt940\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile BNK1]: delimiter, decimal_separator, detail_columns "
	 "and the tags are for format csv only"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD) "intent_id_from = tx_id\n",
	 "t.ini:3: [bankfile BNK1]: intent_id_from, the patterns and "
	 "biller_accounts are for the statement formats, not csv"},
	{BANK "[bankfile BNK1]\nformat = camt054\nintent_id_from = e2e\n",
	 "t.ini:5: [bankfile BNK1] intent_id_from: end_to_end_id, instr_id, tx_id, "
	 "acct_svcr_ref, remittance, creditor_ref or none"},
	{BANK "[bankfile BNK1]\nformat = camt053\nbiller_accounts = water:JO1\n",
	 "t.ini:5: [bankfile BNK1] biller_accounts: 'water:JO1' is not "
	 "BILLER:ACCOUNT with a biller defined above"},
	{BANK "[bankfile BNK1]\nformat = camt053\nintent_id_pattern = [a\n",
	 "t.ini:5: [bankfile BNK1] intent_id_pattern: not a POSIX extended regex: "
	 "Unmatched [, [^, [:, [., or [="},
	{BANK "[bankfile BNK1]\nformat = camt053\naccount_pattern = ACC[0-9]+\n",
	 "t.ini:5: [bankfile BNK1] account_pattern: needs a group (...) around "
	 "the value"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD) "colums = x\n",
	 "t.ini:5: [bankfile BNK1] colums: unknown key"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD) COLS(COLS_STD),
	 "t.ini:5: [bankfile BNK1] detail_columns: set twice"},
	{BANK "[bankfile BNK1]\ndelimiter = comma\ndelimiter = comma\n" COLS(COLS_STD),
	 "t.ini:5: [bankfile BNK1] delimiter: set twice"},
	{BANK "[bankfile BNK1]\ndelimiter = ;\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] delimiter: comma or semicolon"},
	{BANK "[bankfile BNK1]\ndelimiter = tab\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] delimiter: comma or semicolon"},
	{BANK "[bankfile BNK1]\ndecimal_separator = ,\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] decimal_separator: point or comma"},
	{BANK "[bankfile BNK1]\ndecimal_separator = comma\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile BNK1]: decimal_separator comma needs delimiter semicolon"},
	{BANK "[bankfile BNK1]\nheader_tag = H R\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] header_tag: 1-8 of A-Z a-z 0-9 _ -"},
	{BANK "[bankfile BNK1]\ntrailer_tag = TRAILERS\ntrailer_tag = X\n" COLS(COLS_STD),
	 "t.ini:5: [bankfile BNK1] trailer_tag: set twice"},
	{BANK "[bankfile BNK1]\ndetail_tag = HEADERTAG\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] detail_tag: 1-8 of A-Z a-z 0-9 _ -"},
	{BANK "[bankfile BNK1]\ndetail_tag =\n" COLS(COLS_STD),
	 "t.ini:4: [bankfile BNK1] detail_tag: 1-8 of A-Z a-z 0-9 _ -"},
	{BANK "[bankfile BNK1]\ndetail_tag = H\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile BNK1]: header_tag, detail_tag and trailer_tag must differ"},
	{BANK "[bankfile BNK1]\nheader_tag = X\ntrailer_tag = X\n" COLS(COLS_STD),
	 "t.ini:3: [bankfile BNK1]: header_tag, detail_tag and trailer_tag must differ"},
	{BANK "[bankfile BNK1]\n" COLS("line_no,amt,currency"),
	 "t.ini:4: [bankfile BNK1] detail_columns: unknown column 'amt'"},
	{BANK "[bankfile BNK1]\n" COLS("Line_No," COLS_STD),
	 "t.ini:4: [bankfile BNK1] detail_columns: unknown column 'Line_No'"},
	{BANK "[bankfile BNK1]\n" COLS("line_no," COLS_STD),
	 "t.ini:4: [bankfile BNK1] detail_columns: column line_no named twice"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD ",amount"),
	 "t.ini:4: [bankfile BNK1] detail_columns: column amount named twice"},
	{BANK "[bankfile BNK1]\n" COLS("line_no,intent_id,idempotency_key,terminal,biller,account,invoice_no,currency,paid_at,channel"),
	 "t.ini:4: [bankfile BNK1] detail_columns: required column amount is missing"},
	{BANK "[bankfile BNK1]\n" COLS("amount,currency,paid_at,channel,idempotency_key,terminal,biller,account"),
	 "t.ini:4: [bankfile BNK1] detail_columns: required column line_no is missing"},
	{BANK "[bankfile BNK1]\n" COLS("line_no,,intent_id"),
	 "t.ini:4: [bankfile BNK1] detail_columns: column 2 is empty"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD ","),
	 "t.ini:4: [bankfile BNK1] detail_columns: column 12 is empty"},
	{BANK "[bankfile BNK1]\n" COLS(""),
	 "t.ini:4: [bankfile BNK1] detail_columns: column 1 is empty"},
	{BANK "[bankfile BNK1]\n" COLS(COLS_STD ",-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-"),
	 "t.ini:4: [bankfile BNK1] detail_columns: more than 31 columns"},
};

START_TEST(test_config_bad)
{
	char errstr[512];
	struct config *cfg = load(bad_config[_i].text, errstr, sizeof(errstr));
	ck_assert_ptr_null(cfg);
	ck_assert_str_eq(errstr, bad_config[_i].errstr);
}
END_TEST

START_TEST(test_config_good)
{
	char errstr[512];
	struct config *cfg = load(
		BANK "[bank BNK2]\nname = Two\n"
		"[bankfile BNK1]\n"
		"delimiter = semicolon\ndecimal_separator = comma\n"
		"header_tag = HDR\ndetail_tag = DTL\ntrailer_tag = TRL\n"
		/* 31 columns: the most; blanks around names are cut */
		"detail_columns = amount, currency ,-,line_no,biller,account,terminal,"
		"idempotency_key,paid_at,channel,ignore,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-\n",
		errstr, sizeof(errstr));
	ck_assert_msg(cfg != NULL, "%s", errstr);
	ck_assert_ptr_null(config_bankfile_find(cfg, "BNK2"));
	const struct config_bankfile *m = config_bankfile_find(cfg, "BNK1");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->line, 5);
	ck_assert_int_eq(m->delimiter, ';');
	ck_assert_int_eq(m->decimal_separator, ',');
	ck_assert_str_eq(m->header_tag, "HDR");
	ck_assert_str_eq(m->detail_tag, "DTL");
	ck_assert_str_eq(m->trailer_tag, "TRL");
	ck_assert_uint_eq(m->column_count, 31);
	ck_assert_int_eq(m->columns[0], CONFIG_COL_AMOUNT);
	ck_assert_int_eq(m->columns[1], CONFIG_COL_CURRENCY);
	ck_assert_int_eq(m->columns[2], CONFIG_COL_IGNORE);
	ck_assert_int_eq(m->columns[3], CONFIG_COL_LINE_NO);
	ck_assert_int_eq(m->columns[9], CONFIG_COL_CHANNEL);
	ck_assert_int_eq(m->columns[10], CONFIG_COL_IGNORE);
	ck_assert_int_eq(m->columns[30], CONFIG_COL_IGNORE);
	ck_assert_str_eq(config_bankfile_column_name(CONFIG_COL_PAID_AT), "paid_at");
	config_free(cfg);
	/* Defaults: standard delimiter, separator and tags. */
	cfg = load(BANK "[bankfile BNK1]\n" COLS(COLS_STD), errstr, sizeof(errstr));
	ck_assert_msg(cfg != NULL, "%s", errstr);
	m = config_bankfile_find(cfg, "BNK1");
	ck_assert_int_eq(m->delimiter, ',');
	ck_assert_int_eq(m->decimal_separator, '.');
	ck_assert_str_eq(m->header_tag, "H");
	ck_assert_str_eq(m->detail_tag, "D");
	ck_assert_str_eq(m->trailer_tag, "T");
	ck_assert_uint_eq(m->column_count, 11);
	config_free(cfg);
}
END_TEST

/* ---- per-bank variants: reading ---- */

/* M1: everything a variant can change. M2: reordered, one extra column
 * in the middle, no invoice_no column, standard delimiter and tags. */
static const char *const map_text[] = {
	BANK "[bankfile BNK1]\n"
	"delimiter = semicolon\ndecimal_separator = comma\n"
	"header_tag = HDR\ndetail_tag = DTL\ntrailer_tag = TRL\n"
	"detail_columns = amount,currency,-,line_no,biller,account,terminal,"
	"idempotency_key,paid_at,channel,intent_id,invoice_no,ignore\n",
	BANK "[bankfile BNK1]\n"
	"detail_columns = line_no,-,amount,currency,intent_id,idempotency_key,"
	"terminal,biller,account,paid_at,channel\n",
};

#define M1H "HDR;1;BNK1;2026-11-25;2026-11-26T01:05:12+03:00\n"
#define M1D1 "DTL;21,035;JOD;branch 7;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;" ID1 ";W-1;x\n"
#define M1D2 "DTL;7,2;JOD;\"a;b\";2;water;ACC-2;ATM-3;k2;2026-11-25T11:15:00+03:00;atm;;;\n"
#define M1T "TRL;2;JOD;28,235\n"
#define M2D1 "D,1,x,21.035,JOD," ID1 ",k1,T-07,water,ACC-1,2026-11-25T09:02:11+03:00,teller\n"
#define M2D2 "D,2,,7.200,JOD,,k2,ATM-3,water,ACC-2,2026-11-25T11:15:00+03:00,atm\n"

static const struct config_bankfile *map_of(int i, struct config **cfg)
{
	char errstr[512];
	*cfg = load(map_text[i], errstr, sizeof(errstr));
	ck_assert_msg(*cfg != NULL, "%s", errstr);
	return config_bankfile_find(*cfg, "BNK1");
}

static int read_mapped(int map, const char *text, struct bankfile **bf,
		       struct bankfile_error *err)
{
	struct config *cfg;
	const struct config_bankfile *m = map_of(map, &cfg);
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	ck_assert_ptr_nonnull(f);
	int rc = bankfile_read_stream_map(f, m, bf, err);
	fclose(f);
	config_free(cfg); /* the bankfile does not keep the map */
	return rc;
}

static const struct {
	int map;
	const char *text;
	int64_t line;
	const char *reason; /* a substring of the reason */
} bad_mapped[] = {
	{0, "", 0, "empty file: no HDR header"},
	{0, H D1 D2 T2, 1, "first record is '" "H,1,BNK1,2026-11-25,2026-11-26T01:05:12+03:00" "', not an HDR header"},
	{0, M1H "D;1\n", 2, "unknown record type 'D'"},
	{0, M1H M1H M1T, 2, "a second HDR header"},
	{0, M1H M1D1, 2, "no TRL trailer at the end"},
	{0, M1H M1D1 M1D2 M1T M1D1, 5, "a record follows the TRL trailer"},
	{0, M1H M1D1 "\n" M1D2 M1T, 3, "blank line"},
	{0, "HDR;1;BNK1;2026-11-25\n", 1, "HDR record has 4 fields, expected 5"},
	{0, M1H "DTL;21,035;JOD;branch 7;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;\n", 2,
	 "DTL record has 13 fields, expected 14"},
	{0, M1H D1 M1T, 2, "unknown record type 'D,1,"},
	{0, M1H M1D2 M1T, 2, "line_no 2, expected 1"},
	{0, M1H M1D1 M1D1 M1T, 3, "line_no 1, expected 2"},
	{0, M1H "DTL;21.035;JOD;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "amount '21.035': has a '.' but the decimal separator is ','"},
	{0, M1H "DTL;1,000,500;JOD;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "amount '1,000,500'"},
	{0, M1H "DTL;1.000,500;JOD;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "amount '1.000,500': has a '.'"},
	{0, M1H "DTL;1,2345;JOD;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "amount '1,2345'"},
	{0, M1H "DTL;0,000;JOD;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "amount '0,000'"},
	{0, M1H "DTL;1;XXX;;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "currency 'XXX'"},
	{0, M1H "DTL;1;JOD;;1;water;;T-07;k1;2026-11-25T09:02:11+03:00;teller;;;\n", 2,
	 "account is empty"},
	{0, M1H "DTL;1;JOD;;1;water;A;T-07;k1;2026-11-25T09:02:11+03:00;teller;XYZ;;\n", 2,
	 "intent_id 'XYZ'"},
	{0, M1H "DTL;1;JOD;;1;water;A;T-07;k1;2026-11-25 09:02;teller;;;\n", 2, "paid_at"},
	{0, M1H "DTL;1;JOD;;1;water;A;T-07;k1;2026-11-25T09:02:11Z;bike;;;\n", 2, "channel 'bike'"},
	{0, M1H M1D1 M1D2 "TRL;3;JOD;28,235\n", 4, "control_count 3 but the file has 2"},
	{0, M1H M1D1 M1D2 "TRL;2;JOD;28,234\n", 4,
	 "control_total JOD 28,234 but the D lines add up to 28.235"},
	{0, M1H M1D1 M1D2 "TRL;2;JOD;28.235\n", 4, "control_total '28.235': has a '.'"},
	{0, M1H M1D1 M1D2 "TRL;2;USD;28,235\n", 4, "expected 'JOD'"},
	{0, M1H M1D1 M1D2 "TRL;2\n", 4, "0 currency totals"},
	{0, M1H M1D1 M1D2 "TRL,2,JOD,28.235\n", 4, "unknown record type 'TRL,2,JOD,28.235'"},
	{0, M1H "DTL;1;JOD;\"x\n", 2, "unterminated quoted field"},
	/* a file of the standard layout read with M2: wrong columns refused */
	{1, H D1 D2 T2, 2, "intent_id 'water' is not a lower-case UUID"},
	{1, H "D,1,x,21.035,JOD," ID1 ",k1,T-07,water,ACC-1,2026-11-25T09:02:11+03:00,teller,extra\n", 2,
	 "D record has 13 fields, expected 12"},
	{1, H M2D1 M2D2 "T,2,JOD,28.236\n", 4, "add up to 28.235"},
};

START_TEST(test_mapped_bad)
{
	struct bankfile *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_mapped(bad_mapped[_i].map, bad_mapped[_i].text, &bf, &err), -1);
	ck_assert_ptr_null(bf);
	ck_assert_msg(err.line == bad_mapped[_i].line, "case %d: line %lld, expected %lld (%s)",
		      _i, (long long)err.line, (long long)bad_mapped[_i].line, err.reason);
	ck_assert_msg(strstr(err.reason, bad_mapped[_i].reason) != NULL,
		      "case %d: reason '%s' lacks '%s'", _i, err.reason,
		      bad_mapped[_i].reason);
}
END_TEST

/* Every field of every line equal, except the file's SHA-256. */
static void assert_same_lines(const struct bankfile *a, const struct bankfile *b)
{
	ck_assert_str_eq(bankfile_bank(a), bankfile_bank(b));
	ck_assert_str_eq(bankfile_business_date(a), bankfile_business_date(b));
	ck_assert_str_eq(bankfile_created_at(a), bankfile_created_at(b));
	ck_assert_uint_eq(bankfile_line_count(a), bankfile_line_count(b));
	for (size_t i = 0; i < bankfile_line_count(a); i++) {
		const struct bankfile_line *x = bankfile_line_at(a, i);
		const struct bankfile_line *y = bankfile_line_at(b, i);
		ck_assert_int_eq(x->file_line, y->file_line);
		ck_assert_int_eq(x->line_no, y->line_no);
		ck_assert_str_eq(x->intent_id, y->intent_id);
		ck_assert_str_eq(x->idempotency_key, y->idempotency_key);
		ck_assert_str_eq(x->terminal, y->terminal);
		ck_assert_str_eq(x->biller, y->biller);
		ck_assert_str_eq(x->account, y->account);
		ck_assert_str_eq(x->paid_at, y->paid_at);
		ck_assert_int_eq(x->amount_minor, y->amount_minor);
		ck_assert_ptr_eq(x->currency, y->currency);
		ck_assert_int_eq(x->paid_at_ms, y->paid_at_ms);
		ck_assert_int_eq(x->channel, y->channel);
	}
}

START_TEST(test_mapped_good)
{
	struct bankfile *std = NULL, *bf = NULL;
	struct bankfile_error err = {0};
	ck_assert_int_eq(read_text(H D1 D2 T2, &std, &err), 0);

	/* M1, with a BOM and CRLF: ';', decimal comma, tags, reordered, two
	 * ignored columns (one with a quoted ';') */
	const char *m1 = "\xef\xbb\xbf" "HDR;1;BNK1;2026-11-25;2026-11-26T01:05:12+03:00\r\n"
		"DTL;21,035;JOD;branch 7;1;water;ACC-1;T-07;k1;2026-11-25T09:02:11+03:00;teller;" ID1 ";W-1;x\r\n"
		"DTL;7,2;JOD;\"a;b\";2;water;ACC-2;ATM-3;k2;2026-11-25T11:15:00+03:00;atm;;;\r\n"
		"\"TRL\";2;JOD;28,235";
	ck_assert_msg(read_mapped(0, m1, &bf, &err) == 0, "%lld: %s",
		      (long long)err.line, err.reason);
	assert_same_lines(std, bf);
	ck_assert_str_eq(bankfile_line_at(bf, 0)->invoice_no, "W-1");
	ck_assert_str_eq(bankfile_line_at(bf, 1)->invoice_no, "");
	ck_assert_int_eq(bankfile_line_at(bf, 0)->amount_minor, 21035);
	ck_assert_int_eq(bankfile_line_at(bf, 1)->amount_minor, 7200);
	ck_assert_str_ne(bankfile_sha256(bf), bankfile_sha256(std));
	bankfile_free(bf);
	bf = NULL;

	/* M2: no invoice_no column, so "" on every line */
	ck_assert_msg(read_mapped(1, H M2D1 M2D2 T2, &bf, &err) == 0, "%lld: %s",
		      (long long)err.line, err.reason);
	assert_same_lines(std, bf);
	ck_assert_str_eq(bankfile_line_at(bf, 0)->invoice_no, "");
	bankfile_free(bf);
	bf = NULL;

	/* An empty day in M1; the quoted amount ("7,2" needs no quotes with
	 * ';', but quoting is allowed anywhere). */
	ck_assert_int_eq(read_mapped(0, M1H "TRL;0", &bf, &err), 0);
	ck_assert_uint_eq(bankfile_line_count(bf), 0);
	bankfile_free(bf);
	bf = NULL;
	ck_assert_msg(read_mapped(0, M1H "DTL;\"7,2\";JOD;;1;water;ACC-2;ATM-3;k2;"
				  "2026-11-25T11:15:00+03:00;atm;;;\nTRL;1;JOD;\"7,200\"\n",
				  &bf, &err) == 0, "%lld: %s", (long long)err.line, err.reason);
	ck_assert_int_eq(bankfile_line_at(bf, 0)->amount_minor, 7200);
	bankfile_free(bf);
	bankfile_free(std);
}
END_TEST

/* Regression (fuzz-bankfile): a NUL inside a field made the header's
 * business_date copy run past its buffer, and "JOD\0x" read as JOD. */
START_TEST(test_nul_byte)
{
	static const struct {
		const char *text;
		size_t len;
		int64_t line;
	} cases[] = {
#define NUL_CASE(text, line) {text, sizeof(text) - 1, line}
		NUL_CASE("H,1,BNK1,2026-11-25\0[[[[[[[[,2026-11-26T01:05:12+03:00\nT,0\n", 1),
		NUL_CASE(H "D,1,,k,T,water,A,,1,JOD\0x,2026-11-25T09:02:11Z,atm\nT,1,JOD,1\n", 2),
		NUL_CASE(H "T,0\n\0", 3),
#undef NUL_CASE
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_ptr_nonnull(memchr(cases[i].text, '\0', cases[i].len));
		FILE *f = fmemopen((void *)cases[i].text, cases[i].len, "rb");
		ck_assert_ptr_nonnull(f);
		struct bankfile *bf = NULL;
		struct bankfile_error err = {0};
		ck_assert_int_eq(bankfile_read_stream(f, &bf, &err), -1);
		fclose(f);
		ck_assert_ptr_null(bf);
		ck_assert_msg(err.line == cases[i].line, "case %zu: line %lld (%s)", i,
			      (long long)err.line, err.reason);
		ck_assert_str_eq(err.reason, "a NUL byte");
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bankfile");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_good_lf);
	tcase_add_test(tc, test_good_bom_crlf_quotes);
	tcase_add_test(tc, test_empty_day_and_example);
	tcase_add_loop_test(tc, test_config_bad, 0,
			    (int)(sizeof(bad_config) / sizeof(bad_config[0])));
	tcase_add_test(tc, test_config_good);
	tcase_add_loop_test(tc, test_mapped_bad, 0,
			    (int)(sizeof(bad_mapped) / sizeof(bad_mapped[0])));
	tcase_add_test(tc, test_mapped_good);
	tcase_add_test(tc, test_nul_byte);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
