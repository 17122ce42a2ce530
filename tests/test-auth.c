/* auth: bearer tokens found by their hash, every malformed header refused,
 * duplicate token hashes refused at start. */
#include <check.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "sha256.h"

/* sha256("tok-a") and sha256("tok-b") */
#define CFG(ha, hb)                                                 \
	"[bank B1]\nname = b\n[bank B2]\nname = c\n"                 \
	"[terminal B1/T1]\ntoken_sha256 = " ha "\n"                  \
	"[terminal B2/T9]\ntoken_sha256 = " hb "\n"
#define HA "30b5e3a9cc0ac06a3daa6bc8cb9e2ea8d7e1e8db1c7d2f8ec7cb51ba4ad51e0d"
#define HB "9e29ea1b9c0ae3eaeda8c4b6a4bf47a0a0d4ad9c0b4d8a7e1fdd9ea2a8e3d3c1"

static struct config *load(const char *text)
{
	char err[256];
	struct config *cfg = NULL;
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	return cfg;
}

/* The real digests, computed here so the table above stays readable. */
static void hexdigest(const char *tok, char out[65])
{
	uint8_t d[32];
	sha256(tok, strlen(tok), d);
	sha256_hex(d, out);
}

static struct config *real_config(void)
{
	char ha[65], hb[65], text[1024];
	hexdigest("tok-a", ha);
	hexdigest("tok-b", hb);
	snprintf(text, sizeof(text),
		 "[bank B1]\nname = b\n[bank B2]\nname = c\n"
		 "[terminal B1/T1]\ntoken_sha256 = %s\n"
		 "[terminal B2/T9]\ntoken_sha256 = %s\n", ha, hb);
	return load(text);
}

static const struct {
	const char *header; /* NULL: no header */
	const char *want;   /* "BANK/ID" or NULL */
} cases[] = {
	{NULL, NULL},
	{"", NULL},
	{"Bearer", NULL},
	{"Bearer ", NULL},
	{"Basic tok-a", NULL},
	{"Bearer tok-", NULL},
	{"Bearer tok-aa", NULL},
	{"Bearer TOK-A", NULL},
	{"Bearertok-a", NULL},
	{"Bearer tok-a", "B1/T1"},
	{"bearer tok-a", "B1/T1"},
	{"Bearer   tok-b ", "B2/T9"},
};

START_TEST(test_bearer)
{
	struct config *cfg = real_config();
	struct auth *a = NULL;
	char err[256];
	ck_assert_int_eq(auth_new(cfg, &a, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct config_terminal *t = auth_bearer(a, cases[i].header);
		if (cases[i].want == NULL) {
			ck_assert_msg(t == NULL, "case %zu accepted", i);
			continue;
		}
		ck_assert_msg(t != NULL, "case %zu refused", i);
		char got[64];
		snprintf(got, sizeof(got), "%s/%s", t->bank, t->id);
		ck_assert_str_eq(got, cases[i].want);
	}
	char big[AUTH_TOKEN_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_ptr_null(auth_lookup(a, big, strlen(big)));
	auth_free(a);
	config_free(cfg);
}
END_TEST

START_TEST(test_duplicate_hash)
{
	struct config *cfg = load(CFG(HA, HA));
	struct auth *a = NULL;
	char err[256];
	ck_assert_int_eq(auth_new(cfg, &a, err, sizeof(err)), -1);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(err, "terminals B1/T1 and B2/T9 have the same token_sha256");
	config_free(cfg);
	(void)HB;
}
END_TEST

START_TEST(test_digest_equal)
{
	uint8_t a[32] = {0}, b[32] = {0};
	ck_assert_int_eq(auth_digest_equal(a, b), 1);
	for (int i = 0; i < 32; i++) {
		b[i] = 1;
		ck_assert_int_eq(auth_digest_equal(a, b), 0);
		b[i] = 0;
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");
	tcase_add_test(tc, test_bearer);
	tcase_add_test(tc, test_duplicate_hash);
	tcase_add_test(tc, test_digest_equal);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
