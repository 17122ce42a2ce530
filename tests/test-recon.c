/* Tests for recon: every matching category against a real ledger file
 * (created here, rows inserted with SQL, then opened read-only as the
 * nightly run does), totals per bank x biller, and a bank without a file
 * (its postings are not called ledger only). */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../settle/recon.h" /* settle/ is not on the tests' include path */
#include "config.h"
#include "ledger_db.h"

static const char cfg_text[] =
	"[biller water]\nname = Water\ncurrency = JOD\ntopic = t\nledger = w.db\n"
	"[biller web]\nname = Web\ncurrency = USD\ntopic = u\nledger = u.db\n"
	"[bank BNK1]\nname = One\n[bank BNK2]\nname = Two\n";

/* 2026-11-25T00:00:00Z and the next midnight. */
#define T0 INT64_C(1795564800000)
#define T1 (T0 + 86400000)

static char dir[256], path[300];

static void make_id(int64_t ms, int n, char out[37])
{
	snprintf(out, 37, "%08" PRIx64 "-%04" PRIx64 "-8000-8000-%012x",
		 (uint64_t)ms >> 16, (uint64_t)ms & 0xffff, n);
}

static void post(sqlite3 *db, const char *bank, const char *term,
		 const char *key, const char *account, int64_t amount,
		 int64_t ms, int n)
{
	char id[37], sql[1024];
	make_id(ms, n, id);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO postings VALUES ('%s','%s','%s',NULL,'%s','%s',NULL,"
		 "%" PRId64 ",'JOD','x',%" PRId64 ",0,0,'teller','t',0,0,0,0,NULL)",
		 id, key, bank, term, account, amount, ms);
	char *err = NULL;
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s", err);
}

static struct bankfile *bank_file(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	struct bankfile *bf = NULL;
	struct bankfile_error e;
	ck_assert_msg(bankfile_read_stream(f, &bf, &e) == 0, "%lld: %s",
		      (long long)e.line, e.reason);
	fclose(f);
	return bf;
}

static char *bank1_text;

static sqlite3 *setup_ledger(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tasdid-recon-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/w.db", dir);
	sqlite3 *db = NULL;
	char err[256];
	ck_assert_int_eq(ledger_db_open(path, "water", "JOD", LEDGER_DB_CREATE, &db, err, sizeof(err)), 0);
	post(db, "BNK1", "T1", "k1", "A1", 1000, T0 + 1000, 1);     /* matched */
	post(db, "BNK1", "T1", "k2", "A2", 2000, T0 + 2000, 2);     /* mismatch */
	post(db, "BNK1", "T1", "k3", "A3", 3000, T0 + 3000, 3);     /* ledger only */
	post(db, "BNK1", "T2", "k5", "A5", 5000, T0 + 5000, 5);     /* by key */
	post(db, "BNK1", "T2", "k6", "A6", 6000, T0 + 600000, 6);   /* by account */
	post(db, "BNK1", "T1", "k7", "A7", 7000, T0 - 1, 7);        /* day before */
	post(db, "BNK2", "T9", "k9", "A9", 9000, T0 + 9000, 9);     /* no BNK2 file */
	post(db, "BNK1", "T2", "k10", "A10", 1000, T1 - 1, 10);     /* 23:59:59.999 */
	post(db, "BNK1", "T2", "k11", "A11", 1100, T1, 11);         /* next day */
	sqlite3_close(db);
	char id[6][37];
	make_id(T0 + 1000, 1, id[0]);
	make_id(T0 + 2000, 2, id[1]);
	make_id(T0 + 4000, 4, id[2]);
	make_id(T0 - 1, 7, id[3]);
	make_id(T1 - 1, 10, id[4]);
	make_id(T1, 11, id[5]);
	char buf[4096];
	snprintf(buf, sizeof(buf),
		 "H,1,BNK1,2026-11-25,2026-11-26T01:00:00Z\n"
		 "D,1,%s,k1,T1,water,A1,,1.000,JOD,2026-11-25T00:00:01Z,teller\n"
		 "D,2,%s,k2,T1,water,A2,,2.500,JOD,2026-11-25T00:00:02Z,teller\n"
		 "D,3,%s,k4,T1,water,A4,,4.000,JOD,2026-11-25T00:00:04Z,teller\n"
		 "D,4,,k5,T2,water,A5,,5.000,JOD,2026-11-25T00:01:00Z,atm\n"
		 "D,5,,zz,T2,water,A6,,6.000,JOD,2026-11-25T00:05:00Z,atm\n"
		 "D,6,,zz,T2,water,A6,,6.000,JOD,2026-11-25T00:05:00Z,atm\n"
		 "D,7,%s,k1,T1,water,A1,,1.000,JOD,2026-11-25T00:00:01Z,teller\n"
		 "D,8,%s,k7,T1,water,A7,,7.000,JOD,2026-11-24T23:59:59Z,teller\n"
		 "D,9,%s,k10,T2,water,A10,,1.000,JOD,2026-11-25T23:59:59Z,web\n"
		 "D,10,%s,k11,T2,water,A11,,1.100,JOD,2026-11-26T00:00:00Z,web\n"
		 "D,11,,x,T2,gas,G1,,1.000,JOD,2026-11-25T00:00:00Z,web\n"
		 "D,12,,y,T2,web,N1,,1.000,JOD,2026-11-25T00:00:00Z,web\n"
		 "T,12,JOD,36.600\n",
		 id[0], id[1], id[2], id[0], id[3], id[4], id[5]);
	bank1_text = strdup(buf);
	ck_assert_int_eq(ledger_db_open(path, "water", "JOD", LEDGER_DB_READONLY, &db, err, sizeof(err)), 0);
	return db;
}

static void cleanup(void)
{
	char p[400];
	const char *suffix[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
	ck_assert_int_eq(rmdir(dir), 0);
	free(bank1_text);
}

START_TEST(test_categories)
{
	struct config *cfg;
	char err[512];
	ck_assert_int_eq(config_load_string(cfg_text, "t.ini", "/tmp", &cfg, err, sizeof(err)), 0);
	sqlite3 *db = setup_ledger();
	struct bankfile *bf = bank_file(bank1_text);
	/* window: 2026-11-25 UTC; legacy lines within 10 minutes */
	struct recon *r = recon_new(cfg, T0, T1, 600000);
	ck_assert_int_eq(recon_add_file(r, "bank-BNK1-2026-11-25.csv", bf), 0);
	ck_assert_msg(recon_run_biller(r, 0, db, NULL, NULL, err, sizeof(err)) == 0, "%s", err);

	const struct recon_total *t = recon_total_at(r, 0, 0); /* BNK1 x water */
	ck_assert(t->reconciled);
	ck_assert_int_eq(t->matched_count, 4);           /* lines 1, 8, 9, 10 */
	ck_assert_int_eq(t->matched_minor, 1000 + 7000 + 1000 + 1100);
	ck_assert_int_eq(t->matched_other_date_count, 2); /* lines 8 and 10 */
	ck_assert_int_eq(t->matched_by_rule_count, 2);   /* lines 4, 5 */
	ck_assert_int_eq(t->kind_count[RECON_AMOUNT_MISMATCH], 1);
	ck_assert_int_eq(t->kind_count[RECON_BANK_ONLY], 2); /* line 3, line 6 */
	ck_assert_int_eq(t->kind_count[RECON_LEDGER_ONLY], 1);
	ck_assert_int_eq(t->kind_count[RECON_DUPLICATE_LINE], 1);
	ck_assert_int_eq(t->bank_count, 9);  /* 10 lines of water, less the duplicate */
	/* ledger side: k1 k2 k3 k5 k6 k10 in the window for BNK1 */
	ck_assert_int_eq(t->ledger_count, 6);
	ck_assert_int_eq(t->ledger_minor, 1000 + 2000 + 3000 + 5000 + 6000 + 1000);
	ck_assert_int_eq(recon_total_at(r, 0, 1)->kind_count[RECON_WRONG_CURRENCY], 1);
	const struct recon_total *t2 = recon_total_at(r, 1, 0); /* BNK2: no file */
	ck_assert(!t2->reconciled);
	ck_assert_int_eq(t2->ledger_count, 1);
	ck_assert_int_eq(t2->kind_count[RECON_LEDGER_ONLY], 0);

	/* findings by (file, line), ledger-only last */
	static const struct { enum recon_kind kind; int64_t line; } want[] = {
		{RECON_AMOUNT_MISMATCH, 3}, {RECON_BANK_ONLY, 4},
		{RECON_BANK_ONLY, 7}, {RECON_DUPLICATE_LINE, 8},
		{RECON_UNKNOWN_BILLER, 12}, {RECON_WRONG_CURRENCY, 13},
		{RECON_LEDGER_ONLY, 0},
	};
	ck_assert_uint_eq(recon_finding_count(r), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct recon_finding *f = recon_finding_at(r, i);
		ck_assert_msg(f->kind == want[i].kind && f->file_line == want[i].line,
			      "finding %zu: %s line %lld", i, recon_kind_name(f->kind),
			      (long long)f->file_line);
	}
	const struct recon_finding *m = recon_finding_at(r, 0);
	ck_assert_int_eq(m->bank_amount_minor, 2500);
	ck_assert_int_eq(m->ledger_amount_minor, 2000);
	ck_assert_str_eq(recon_finding_at(r, 6)->account, "A3");
	recon_free(r);
	bankfile_free(bf);
	sqlite3_close(db);
	config_free(cfg);
	cleanup();
}
END_TEST

/* Statement lines (camt/MT940 readers): not booked ones are skipped,
 * debits are not_a_payment (a finding, not counted in the bank side), and a
 * line with only a booking date matches by rule within its own window. */
START_TEST(test_statement_lines)
{
	struct config *cfg;
	char err[512], id1[37], id2[37];
	ck_assert_int_eq(config_load_string(cfg_text, "t.ini", "/tmp", &cfg, err, sizeof(err)), 0);
	sqlite3 *db = setup_ledger();
	make_id(T0 + 1000, 1, id1);
	make_id(T0 + 2000, 2, id2);
	const struct currency *jod = currency_find("JOD");
	struct bankfile *bf = bankfile_new();
	bankfile_set_header(bf, "BNK1", "2026-11-25", "");
	const struct bankfile_line base = {
		.biller = "water", .currency = jod, .terminal = "", .idempotency_key = "",
		.paid_at_ms = T0 + 12 * 3600000, .paid_at_window_ms = 36 * 3600000LL,
	};
	struct bankfile_line l[4] = {base, base, base, base};
	l[0].intent_id = id1, l[0].account = "A1", l[0].amount_minor = 1000;
	l[1].intent_id = "", l[1].account = "A6", l[1].amount_minor = 6000;
	l[2].intent_id = "", l[2].account = "", l[2].amount_minor = 250;
	l[2].debit = l[2].not_a_payment = true;
	l[3].intent_id = id2, l[3].account = "A2", l[3].amount_minor = 2000;
	l[3].status = BANKFILE_PENDING;
	for (int i = 0; i < 4; i++) {
		l[i].file_line = 10 * (i + 1);
		ck_assert_int_eq(bankfile_add(bf, &l[i]), 0);
	}
	struct recon *r = recon_new(cfg, T0, T1, 600000);
	ck_assert_int_eq(recon_add_file(r, "bank-BNK1-2026-11-25.xml", bf), 0);
	ck_assert_msg(recon_run_biller(r, 0, db, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
	const struct recon_total *t = recon_total_at(r, 0, 0);
	ck_assert_int_eq(t->matched_count, 1);
	ck_assert_int_eq(t->matched_by_rule_count, 1); /* 11.8 h off: its window */
	ck_assert_int_eq(t->matched_by_rule_minor, 6000);
	ck_assert_int_eq(t->kind_count[RECON_NOT_A_PAYMENT], 1);
	ck_assert_int_eq(t->bank_count, 2);
	ck_assert_int_eq(t->kind_count[RECON_LEDGER_ONLY], 4); /* k2 k3 k5 k10 */
	ck_assert_uint_eq(recon_finding_count(r), 5);
	const struct recon_finding *f = recon_finding_at(r, 0);
	ck_assert_int_eq(f->kind, RECON_NOT_A_PAYMENT);
	ck_assert_int_eq(f->file_line, 30);
	ck_assert(!recon_kind_is_discrepancy(RECON_NOT_A_PAYMENT));
	ck_assert(recon_kind_is_discrepancy(RECON_BANK_ONLY));
	recon_free(r);
	bankfile_free(bf);
	sqlite3_close(db);
	config_free(cfg);
	cleanup();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("recon");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_categories);
	tcase_add_test(tc, test_statement_lines);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
