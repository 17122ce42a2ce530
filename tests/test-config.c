/* Config loading: every refusal names the file, the line and the reason;
 * a good file yields exactly the registry it describes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check_run.h"

/* A valid base; the error cases append to or replace parts of it. */
#define BASE \
	"[kafka]\n"                                   \
	"bootstrap.servers = 127.0.0.1:9092\n"        \
	"[topics]\n"                                  \
	"partitions = 4\n"                            \
	"[biller water]\n"                            \
	"name = Water Authority\n"                    \
	"name_ar = مؤسسة المياه\n"                    \
	"currency = SYP\n"                            \
	"topic = tasdid.intents.water\n"              \
	"ledger = ledgers/water.db\n"                 \
	"grace_days = 10\n"                           \
	"late_fee = 500.50\n"                         \
	"[bank BNK1]\n"                               \
	"name = First Bank\n"                         \
	"[terminal BNK1/T-001]\n"                     \
	"token_sha256 = " TOKEN "\n"
#define TOKEN "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static const struct bad_case {
	const char *text;
	const char *expect; /* exact "name:line: reason" */
} bad_cases[] = {
	{"x = 1\n", "t.ini:1: x: key outside any section"},
	{"[nonsense]\na = 1\n", "t.ini:1: [nonsense]: unknown section"},
	/* Once reserved for tasdid broker, never read: refused, not ignored. */
	{"[broker]\nport = 9092\n", "t.ini:1: [broker]: unknown section"},
	{"[topics]\npartitionz = 4\n", "t.ini:2: [topics] partitionz: unknown key"},
	{"[topics]\npartitions = 4\npartitions = 5\n",
	 "t.ini:3: [topics] partitions: set twice"},
	{"[biller Water]\nname = W\n",
	 "t.ini:1: [biller Water]: biller id must be 1-32 of a-z 0-9 _ -"},
	{"[biller w]\nname = W\ncurrency = SYR\n",
	 "t.ini:3: [biller w] currency: unknown ISO 4217 code 'SYR'"},
	{"[biller w]\nname = W\ncurrency = SYP\ntopic = t\n",
	 "t.ini:1: [biller w]: missing required key ledger"},
	{"[biller w]\nname = W\nlate_fee = 5\n",
	 "t.ini:3: [biller w] late_fee: set currency before late_fee"},
	{"[biller w]\nname = W\ncurrency = JOD\nlate_fee = 1.2345\n",
	 "t.ini:4: [biller w] late_fee: more than 3 fraction digits for JOD"},
	{"[biller w]\ngrace_days = 400\n",
	 "t.ini:2: [biller w] grace_days: a whole number of days 0-365"},
	{"[biller w]\ncolour = blue\n", "t.ini:2: [biller w] colour: unknown key"},
	{"[bank bnk]\nname = x\n",
	 "t.ini:1: [bank bnk]: bank id must be 1-16 of A-Z 0-9 _ -"},
	{"[bank B]\nname = x\n[bank B]\nname = y\n",
	 "t.ini:3: [bank B]: bank defined twice"},
	{"[terminal B/T1]\ntoken_sha256 = " TOKEN "\n",
	 "t.ini:1: [terminal B/T1]: bank B is not defined above"},
	{"[bank B]\nname = x\n[terminal T1]\ntoken_sha256 = " TOKEN "\n",
	 "t.ini:3: [terminal T1]: name a terminal as [terminal BANK/ID]"},
	{"[bank B]\nname = x\n[terminal B/T1]\ntoken_sha256 = abc\n",
	 "t.ini:4: [terminal B/T1] token_sha256: 64 hex digits (the SHA-256 of the terminal's token)"},
	{"[bank B]\nname = x\n[terminal B/T1]\n[topics]\npartitions = 1\n",
	 "t.ini:3: [terminal B/T1]: missing required key token_sha256"},
	{"[bank B]\nname x\n", "t.ini:2: syntax error: expected [section] or key = value"},
	{"[bank B\nname = x\n", "t.ini:1: syntax error: expected [section] or key = value"},
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	struct config *cfg = (struct config *)0x1;
	char err[512] = "";
	ck_assert_int_eq(config_load_string(c->text, "t.ini", "/etc", &cfg, err,
					    sizeof(err)), -1);
	ck_assert_ptr_eq(cfg, (struct config *)0x1); /* untouched on failure */
	ck_assert_str_eq(err, c->expect);
}
END_TEST

START_TEST(test_long_line)
{
	char text[600] = "[topics]\ndead_letter = ";
	memset(text + strlen(text), 'x', 400);
	struct config *cfg = NULL;
	char err[512];
	ck_assert_int_eq(config_load_string(text, "t.ini", ".", &cfg, err,
					    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "t.ini:2: line longer than"));
}
END_TEST

/* Regression (fuzz-config): libinih cuts section names to 49 bytes, and
 * "[terminal BANK/ID]" with the longest ids is 58; loading aborted on an
 * assertion instead of accepting the file. */
START_TEST(test_longest_ids)
{
	const char *text = "[bank BANK_BANK_BANK_B]\nname = B\n"
			   "[terminal BANK_BANK_BANK_B/TERMINAL.TERMINAL.TERMINAL.TERMI]\n"
			   "token_sha256 = " TOKEN "\n";
	struct config *cfg = NULL;
	char err[512] = "";
	ck_assert_msg(config_load_string(text, "t.ini", ".", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(config_terminal_count(cfg), 1);
	ck_assert_ptr_nonnull(config_terminal_find(cfg, "BANK_BANK_BANK_B",
						   "TERMINAL.TERMINAL.TERMINAL.TERMI"));
	config_free(cfg);
}
END_TEST

/* Regression (fuzz-config): a header after blanks that libinih skips
 * (\v, \f, or spaces after the BOM) is a header for the reader too; they
 * disagreed, and the next key hit an assertion. */
static const char *const blank_headers[] = {
	"\v[bank B]\nname = x\n",
	"\f [bank B]\nname = x\n",
	"\xef\xbb\xbf  [bank B]\nname = x\n",
};

START_TEST(test_blank_before_header)
{
	struct config *cfg = NULL;
	char err[512] = "";
	ck_assert_msg(config_load_string(blank_headers[_i], "t.ini", ".", &cfg,
					 err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(config_bank_count(cfg), 1);
	ck_assert_str_eq(config_bank_at(cfg, 0)->name, "x");
	config_free(cfg);
}
END_TEST

START_TEST(test_missing_file)
{
	struct config *cfg = NULL;
	char err[512];
	ck_assert_int_eq(config_load("/nonexistent/tasdid.ini", &cfg, err,
				     sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/tasdid.ini:0: cannot open: No such file or directory");
}
END_TEST

START_TEST(test_good)
{
	struct config *cfg = NULL;
	char err[512] = "";
	ck_assert_int_eq(config_load_string(BASE, "t.ini", "/etc/tasdid", &cfg,
					    err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_uint_eq(config_biller_count(cfg), 1);
	const struct config_biller *w = config_biller_find(cfg, "water");
	ck_assert_ptr_nonnull(w);
	ck_assert_str_eq(w->name, "Water Authority");
	ck_assert_str_eq(w->name_ar, "مؤسسة المياه");
	ck_assert_str_eq(w->currency->code, "SYP");
	ck_assert_str_eq(w->topic, "tasdid.intents.water");
	ck_assert_str_eq(w->ledger_path, "/etc/tasdid/ledgers/water.db");
	ck_assert_int_eq(w->grace_days, 10);
	ck_assert_int_eq(w->late_fee_minor, 50050);
	ck_assert_int_eq(w->line, 5);
	ck_assert_ptr_null(config_biller_find(cfg, "gas"));

	ck_assert_uint_eq(config_bank_count(cfg), 1);
	ck_assert_str_eq(config_bank_find(cfg, "BNK1")->name, "First Bank");
	const struct config_terminal *t = config_terminal_find(cfg, "BNK1", "T-001");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->token_sha256[0], 0x9f);
	ck_assert_uint_eq(t->token_sha256[31], 0x08);
	ck_assert_ptr_null(config_terminal_find(cfg, "BNK2", "T-001"));

	ck_assert_uint_eq(config_kafka_count(cfg), 1);
	ck_assert_str_eq(config_kafka_at(cfg, 0)->key, "bootstrap.servers");
	ck_assert_str_eq(config_kafka_at(cfg, 0)->value, "127.0.0.1:9092");

	int64_t v = 0;
	ck_assert_int_eq(config_get_int64(cfg, "topics", "partitions", 8, 1, 100,
					  &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 4);
	ck_assert_int_eq(config_get_int64(cfg, "topics", "partitions", 8, 5, 100,
					  &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.ini:4: [topics] partitions: a whole number from 5 to 100");
	ck_assert_int_eq(v, 4); /* untouched */
	ck_assert_int_eq(config_get_int64(cfg, "post", "batch_max", 77, 1, 100, &v,
					  err, sizeof(err)), 0);
	ck_assert_int_eq(v, 77);
	ck_assert_str_eq(config_get_str(cfg, "topics", "events", "dflt"), "dflt");
	config_free(cfg);
	config_free(NULL);
}
END_TEST

START_TEST(test_file_and_relative_paths)
{
	char dir[] = "/tmp/tasdid-config-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/tasdid.ini", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("\xEF\xBB\xBF" BASE, f); /* with a UTF-8 BOM */
	fclose(f);
	struct config *cfg = NULL;
	char err[512] = "";
	ck_assert_msg(config_load(path, &cfg, err, sizeof(err)) == 0, "%s", err);
	char want[300];
	snprintf(want, sizeof(want), "%s/ledgers/water.db", dir);
	ck_assert_str_eq(config_biller_at(cfg, 0)->ledger_path, want);
	ck_assert_str_eq(config_path(cfg), path);
	config_free(cfg);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* The shipped example must always load: operators start from it. */
START_TEST(test_example_config)
{
	struct config *cfg = NULL;
	char err[512] = "";
	ck_assert_msg(config_load(SOURCE_ROOT "/etc/tasdid.example.ini", &cfg, err,
				  sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(config_biller_count(cfg), 4);
	ck_assert_uint_eq(config_bank_count(cfg), 2);
	ck_assert_uint_eq(config_terminal_count(cfg), 2);
	ck_assert_str_eq(config_get_str(cfg, "settle", "timezone", ""), "Asia/Damascus");
	ck_assert_ptr_nonnull(config_bankfile_find(cfg, "BNK2"));
	config_free(cfg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_longest_ids);
	tcase_add_loop_test(tc, test_blank_before_header, 0,
			    sizeof(blank_headers) / sizeof(blank_headers[0]));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_file_and_relative_paths);
	tcase_add_test(tc, test_example_config);
	suite_add_tcase(s, tc);
	return check_run(s);
}
