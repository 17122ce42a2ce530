/* world — see world.h. */
#include "world.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errstr.h"
#include "invoice_csv.h"
#include "money.h"
#include "sha256.h"
#include "timeutil.h"

const char *const world_biller_ids[WORLD_BILLERS] = {"water", "electricity",
						     "phone", "internet"};

static const struct {
	const char *name, *name_ar;
	int grace_days;
	const char *late_fee;
} billers[WORLD_BILLERS] = {
	{"Water Supply Authority", "المؤسسة العامة لمياه الشرب", 15, "2500"},
	{"Electricity Company", "المؤسسة العامة للكهرباء", 15, "5000"},
	{"Fixed-line Telephone", "الهاتف الثابت", 10, "1000"},
	{"Internet Service", "خدمة الإنترنت", 10, "1000"},
};

static const struct {
	const char *name, *name_ar;
} banks[WORLD_BANKS_MAX] = {
	{"Commercial Bank", "المصرف التجاري"},
	{"Savings Bank", "مصرف التوفير"},
	{"Real Estate Bank", "المصرف العقاري"},
	{"Agricultural Bank", "المصرف الزراعي"},
	{"Industrial Bank", "المصرف الصناعي"},
	{"Popular Credit Bank", "مصرف التسليف الشعبي"},
	{"Bank of the North", "بنك الشمال"},
	{"Bank of the South", "بنك الجنوب"},
	{"Coast Bank", "بنك الساحل"},
	{"Desert Bank", "بنك البادية"},
};

static const char *const first_names[] = {
	"محمد", "أحمد", "فاطمة", "ليلى", "خالد", "مريم", "يوسف", "سارة",
	"Omar", "Rana", "Sami", "Huda",
};
static const char *const last_names[] = {
	"الحلبي", "الشامي", "العلي", "الخطيب", "الأحمد", "Haddad", "Nassar",
	"Khoury",
};

void world_bank_id(int i, char out[8])
{
	assert(i >= 0 && i < WORLD_BANKS_MAX);
	snprintf(out, 8, "BNK%02d", (i + 1) % 100);
}

/* A terminal's bearer token (64 hex) and its SHA-256 (64 hex). */
static void terminal_token(uint64_t seed, const char *bank, int t, char token[65],
			   char token_hash[65])
{
	char material[128];
	int n = snprintf(material, sizeof(material), "tasdid-demo-token/%" PRIu64 "/%s/%d",
			 seed, bank, t);
	uint8_t d[SHA256_DIGEST_LEN];
	sha256(material, (size_t)n, d);
	sha256_hex(d, token);
	sha256(token, 64, d);
	sha256_hex(d, token_hash);
}

static int write_config(const struct world_opts *o, FILE *ini, FILE *terms)
{
	fprintf(ini,
		"; A synthetic deployment written by `tasdid demo` (seed %" PRIu64 ").\n"
		"; Kafka's address comes from the command line (-b).\n\n"
		"[topics]\npartitions = 8\ndead_letter = tasdid.dead-letter\n"
		"events = tasdid.intake-events\n\n",
		o->scenario.seed);
	for (int b = 0; b < WORLD_BILLERS; b++)
		fprintf(ini,
			"[biller %s]\nname = %s\nname_ar = %s\ncurrency = SYP\n"
			"topic = tasdid.intents.%s\nledger = ledgers/%s.db\n"
			"grace_days = %d\nlate_fee = %s\n\n",
			world_biller_ids[b], billers[b].name, billers[b].name_ar,
			world_biller_ids[b], world_biller_ids[b], billers[b].grace_days,
			billers[b].late_fee);
	for (int k = 0; k < o->bank_count; k++) {
		char id[8];
		world_bank_id(k, id);
		fprintf(ini, "[bank %s]\nname = %s\nname_ar = %s\n\n", id, banks[k].name,
			banks[k].name_ar);
	}
	fprintf(terms, "# bank,terminal,token  (secrets: the config keeps only hashes)\n");
	for (int k = 0; k < o->bank_count; k++) {
		char id[8];
		world_bank_id(k, id);
		for (int t = 0; t < o->terminals_per_bank; t++) {
			char token[65], hash[65];
			terminal_token(o->scenario.seed, id, t, token, hash);
			fprintf(ini, "[terminal %s/T%04d]\ntoken_sha256 = %s\n", id, t, hash);
			fprintf(terms, "%s,T%04d,%s\n", id, t, token);
		}
	}
	if (o->extra_ini != NULL)
		fprintf(ini, "\n%s", o->extra_ini);
	return 0;
}

static void format_day(int64_t day, char out[11])
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", (int)y, m, d);
}

static int write_invoices(const struct world_opts *o, int b, FILE *f)
{
	const struct currency *syp = currency_find("SYP");
	invoice_csv_header(f, "\n");
	for (int k = 0; k < o->scenario.accounts_per_biller; k++) {
		struct scenario_invoice inv;
		scenario_invoice(&o->scenario, b, world_biller_ids[b], k, syp->exponent, &inv);
		uint64_t r = scenario_mix(o->scenario.seed, 0x6e616d65u /* "name" */, (uint64_t)k);
		char due[11], issued[11], amount[MONEY_TEXT_MAX];
		format_day(inv.due_day, due);
		format_day(inv.due_day - 20, issued);
		money_format(inv.amount_due_minor, syp, amount, sizeof(amount));
		char name[64];
		snprintf(name, sizeof(name), "%s %s",
			 first_names[r % (sizeof(first_names) / sizeof(first_names[0]))],
			 last_names[(r >> 16) % (sizeof(last_names) / sizeof(last_names[0]))]);
		const struct invoice_csv_row row = {
			.invoice_no = inv.invoice_no, .account = inv.account,
			.customer_name = name, .period = issued,
			.issued_on = issued, .due_on = due, .amount = amount,
			.currency = "SYP",
		};
		invoice_csv_write(f, &row, "\n");
	}
	return 0;
}

int world_write(const struct world_opts *o, char *errstr, size_t errstr_size)
{
	if (o->bank_count < 1 || o->bank_count > WORLD_BANKS_MAX ||
	    o->terminals_per_bank < 1 || o->terminals_per_bank > 10000) {
		errstr_set(errstr, errstr_size, "world: 1-%d banks, 1-10000 terminals each",
			WORLD_BANKS_MAX);
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/tasdid.ini", o->dir);
	FILE *ini = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/terminals.csv", o->dir);
	FILE *terms = fopen(path, "w");
	int rc = -1;
	if (ini == NULL || terms == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
		goto out;
	}
	write_config(o, ini, terms);
	for (int b = 0; b < WORLD_BILLERS; b++) {
		snprintf(path, sizeof(path), "%s/invoices-%s.csv", o->dir, world_biller_ids[b]);
		FILE *f = fopen(path, "w");
		if (f == NULL) {
			errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
			goto out;
		}
		write_invoices(o, b, f);
		if (fclose(f) != 0) {
			errstr_set(errstr, errstr_size, "%s: write error", path);
			goto out;
		}
	}
	rc = 0;
out:
	if (ini != NULL && fclose(ini) != 0 && rc == 0) {
		errstr_set(errstr, errstr_size, "%s/tasdid.ini: write error", o->dir);
		rc = -1;
	}
	if (terms != NULL && fclose(terms) != 0 && rc == 0) {
		errstr_set(errstr, errstr_size, "%s/terminals.csv: write error", o->dir);
		rc = -1;
	}
	return rc;
}
