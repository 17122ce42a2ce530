/* httpc: URL parsing and response parsing, incomplete and malformed. */
#include <check.h>
#include <string.h>

#include "httpc.h"
#include "check_run.h"

START_TEST(test_url)
{
	static const char *const bad[] = {
		"", "ftp://x", "https://127.0.0.1:1", "http://", "http://:80",
		"http://h:0", "http://h:65536", "http://h:12a", "http://h:123456",
		"http://h x",
	};
	struct httpc_url u;
	char err[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(httpc_url_parse(bad[i], &u, err, sizeof(err)) == -1,
			      "%s", bad[i]);
	ck_assert_int_eq(httpc_url_parse("http://127.0.0.1:8080", &u, err, sizeof(err)), 0);
	ck_assert_str_eq(u.host, "127.0.0.1");
	ck_assert_str_eq(u.port, "8080");
	ck_assert_str_eq(u.prefix, "");
	ck_assert_int_eq(httpc_url_parse("http://intake/tasdid/", &u, err, sizeof(err)), 0);
	ck_assert_str_eq(u.port, "80");
	ck_assert_str_eq(u.prefix, "/tasdid");
}
END_TEST

static const struct {
	const char *raw;
	int eof, want;
	int status;
	long long retry_after;
	const char *body;
} cases[] = {
	/* malformed first */
	{"HTTP/2 200 OK\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 20 OK\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 600 X\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, -1, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 1, -1, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nContent-", 1, -1, 0, 0, NULL},
	/* incomplete */
	{"HTTP/1.1 200 OK\r\nContent-", 0, 0, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 0, 0, 0, 0, NULL},
	{"HTTP/1.1 200 OK\r\n\r\nuntil close", 0, 0, 0, 0, NULL},
	/* complete */
	{"HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\n\r\n{}", 0, 1, 202, -1, "{}"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra", 0, 1, 200, -1, "{}"},
	{"HTTP/1.1 503 Service Unavailable\r\nRetry-After:  7 \r\nContent-Length: 0\r\n\r\n",
	 0, 1, 503, 7, ""},
	{"HTTP/1.1 503 X\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
	 "Content-Length: 0\r\n\r\n", 0, 1, 503, -1, ""},
	{"HTTP/1.0 200 OK\r\n\r\nuntil close", 1, 1, 200, -1, "until close"},
};

START_TEST(test_parse)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct httpc_response r = {.status = -7};
		char err[256] = "";
		int got = httpc_parse(cases[i].raw, strlen(cases[i].raw), cases[i].eof,
				      &r, err, sizeof(err));
		ck_assert_msg(got == cases[i].want, "case %zu: %d (%s)", i, got, err);
		if (got != 1) {
			ck_assert_int_eq(r.status, -7); /* untouched */
			continue;
		}
		ck_assert_int_eq(r.status, cases[i].status);
		ck_assert_int_eq(r.retry_after_s, cases[i].retry_after);
		ck_assert_int_eq(r.body_len, strlen(cases[i].body));
		ck_assert(memcmp(r.body, cases[i].body, r.body_len) == 0);
	}
}
END_TEST

START_TEST(test_refused)
{
	/* nothing listens on port 1: a transport error, reported, not a status */
	struct httpc_url u;
	struct httpc_response r = {.status = -7};
	char err[256];
	ck_assert_int_eq(httpc_url_parse("http://127.0.0.1:1", &u, err, sizeof(err)), 0);
	ck_assert_int_eq(httpc_request(&u, "GET", "/", NULL, NULL, 0, 1000, &r, err,
				       sizeof(err)), -1);
	ck_assert_int_eq(r.status, -7);
	ck_assert_str_eq(err, "connect 127.0.0.1:1: Connection refused");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("httpc");
	TCase *tc = tcase_create("httpc");
	tcase_add_test(tc, test_url);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return check_run(s);
}
