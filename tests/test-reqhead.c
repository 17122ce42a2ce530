/* reqhead: every verdict of the intake's head decision, in its order, with
 * the exact reason texts the intake answers (docs/api.md), and the body
 * limit per route. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../producer/reqhead.h"
#include "check_run.h"
#include "config.h"
#include "sha256.h"

#define SINGLE_MAX 2048
#define BATCH_MAX 100000

static struct config *cfg;
static struct auth *auth;

static void setup(void)
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[65], text[512], err[256];
	sha256("tok-a", 5, d);
	sha256_hex(d, hex);
	snprintf(text, sizeof(text), "[bank B1]\nname = b\n"
		 "[terminal B1/T1]\ntoken_sha256 = %s\n", hex);
	ck_assert_msg(config_load_string(text, "t.ini", "/tmp", &cfg, err,
					 sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(auth_new(cfg, &auth, err, sizeof(err)), 0);
}

static void teardown(void)
{
	auth_free(auth);
	config_free(cfg);
}

#define AUTH "Authorization", "Bearer tok-a"
#define CT "Content-Type", "application/json"

static const struct {
	const char *method, *url;
	const char *h[8]; /* key, value pairs; NULL ends */
	int status;
	const char *reason;
} cases[] = {
	{"DELETE", "/healthz", {AUTH, CT}, 404, "no such resource"},
	{"POST", "/v1/intents/", {AUTH, CT}, 404, "no such resource"},
	{"GET", "/v1/intents", {AUTH, CT}, 405, "use POST"},
	{"PUT", "/v1/intents/batch", {AUTH, CT}, 405, "use POST"},
	{"POST", "/v1/intents", {AUTH, "authorization", "Bearer x", CT}, 400,
	 "more than one Authorization header"},
	{"POST", "/v1/intents", {"Content-Length", "1", "content-length", "1"}, 400,
	 "more than one Content-Length header"},
	{"POST", "/v1/intents", {"Content-Length", "1", "Transfer-Encoding", "chunked"},
	 400, "both Content-Length and Transfer-Encoding"},
	{"POST", "/v1/intents", {CT}, 401, "an Authorization: Bearer token is required"},
	{"POST", "/v1/intents", {"Authorization", "Bearer tok-b", CT}, 401,
	 "unknown or malformed bearer token"},
	{"POST", "/v1/intents", {"Authorization", "Basic tok-a", CT}, 401,
	 "unknown or malformed bearer token"},
	{"POST", "/v1/intents", {AUTH}, 415, "Content-Type must be application/json"},
	{"POST", "/v1/intents", {AUTH, "Content-Type", "text/json"}, 415,
	 "Content-Type must be application/json"},
	{"POST", "/v1/intents", {AUTH, CT, "Content-Length", "2049"}, 413,
	 "the body is too large"},
	{"POST", "/v1/intents", {AUTH, CT, "Content-Length", "-1"}, 413,
	 "the body is too large"},
	{"POST", "/v1/intents/batch", {AUTH, CT, "Content-Length", "100001"}, 413,
	 "the body is too large"},
	{"POST", "/v1/intents", {AUTH, CT, "Content-Length", "2048"}, 0, ""},
	{"POST", "/v1/intents/batch", {AUTH, CT, "Content-Length", "2049"}, 0, ""},
	{"POST", "/v1/intents", {AUTH, "content-type", "application/json; charset=utf-8",
				 "Content-Type", "text/plain", "Transfer-Encoding", "chunked"}, 0, ""},
	{"GET", "/metrics", {NULL}, 0, ""},
};

START_TEST(test_verdicts)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reqhead h = {0};
		for (size_t k = 0; k + 1 < 8 && cases[i].h[k] != NULL; k += 2)
			reqhead_add(&h, cases[i].h[k], cases[i].h[k + 1]);
		struct reqhead_verdict v;
		reqhead_decide(auth, cases[i].method, cases[i].url, &h, SINGLE_MAX,
			       BATCH_MAX, &v);
		ck_assert_msg(v.status == cases[i].status, "case %zu: %d", i, v.status);
		ck_assert_msg(strcmp(v.reason, cases[i].reason) == 0, "case %zu: %s",
			      i, v.reason);
		bool post_ok = v.status == 0 && strcmp(cases[i].method, "POST") == 0;
		ck_assert_msg((v.term != NULL) == post_ok, "case %zu: term", i);
		if (post_ok) {
			bool batch = strcmp(cases[i].url, REQHEAD_PATH_BATCH) == 0;
			ck_assert_int_eq(v.route, batch ? REQHEAD_BATCH : REQHEAD_SINGLE);
			ck_assert_int_eq(v.body_max, batch ? BATCH_MAX : SINGLE_MAX);
			ck_assert_str_eq(v.term->id, "T1");
		} else if (v.status == 0) {
			ck_assert_int_eq(v.route, REQHEAD_OTHER_GET);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reqhead");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_verdicts);
	suite_add_tcase(s, tc);
	return check_run(s);
}
