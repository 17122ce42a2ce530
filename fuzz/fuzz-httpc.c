/* fuzz-httpc — httpc_parse(), the HTTP response parser of the terminal's
 * forwarder, `tasdid submit` and the load generator, which recv_response()
 * calls on what has arrived so far after every read (eof 0), and once
 * more at the peer's close (eof 1).
 *
 * The input is the bytes the server sent. The parser runs on the whole
 * input with eof 0 and 1, and on prefixes with eof 0, as reads of any size
 * would deliver them (every prefix of short inputs, 64 spread ones and
 * those around the end of the head of longer ones).
 *
 * Invariants: results are -1 (with a reason), 0 or 1; a complete answer
 * has a status 100-599, a Retry-After of -1 or more, raw NULL, and a body
 * inside the input (so recv_response's NUL after it stays inside its
 * buffer) of at most HTTPC_BODY_MAX bytes. More bytes never change a
 * verdict: a prefix that completes gives the same answer as the whole
 * input (with or without eof), and one that is refused stays refused;
 * eof only turns "need more" into an answer or a refusal. */
#include <string.h>

#include "fuzz.h"
#include "httpc.h"

struct outcome {
	int rc;
	struct httpc_response r;
};

static struct outcome run(const char *buf, size_t len, int eof)
{
	struct outcome o;
	char err[256] = "";
	memset(&o.r, 0, sizeof(o.r));
	o.rc = httpc_parse(buf, len, eof, &o.r, err, sizeof(err));
	FUZZ_CHECK(o.rc >= -1 && o.rc <= 1);
	if (o.rc < 0)
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
	if (o.rc == 1) {
		FUZZ_CHECK(o.r.status >= 100 && o.r.status <= 599);
		FUZZ_CHECK(o.r.retry_after_s >= -1 && o.r.raw == NULL);
		FUZZ_CHECK(o.r.body > buf && o.r.body <= buf + len);
		FUZZ_CHECK(o.r.body_len <= (size_t)(buf + len - o.r.body));
		FUZZ_CHECK(o.r.body_len <= HTTPC_BODY_MAX);
		FUZZ_CHECK(memcmp(o.r.body - 4, "\r\n\r\n", 4) == 0);
	}
	return o;
}

static void same(const struct outcome *a, const struct outcome *b)
{
	FUZZ_CHECK(a->rc == b->rc);
	if (a->rc == 1)
		FUZZ_CHECK(a->r.status == b->r.status &&
			   a->r.retry_after_s == b->r.retry_after_s &&
			   a->r.body == b->r.body && a->r.body_len == b->r.body_len);
}

/* A prefix's verdict against the whole input's without eof (whole0). */
static void check_prefix(const char *buf, size_t k, const struct outcome *whole0)
{
	struct outcome p = run(buf, k, 0);
	if (p.rc != 0)
		same(&p, whole0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct outcome whole0 = run(buf, size, 0);
	struct outcome whole1 = run(buf, size, 1);
	if (whole0.rc != 0)
		same(&whole0, &whole1);
	else
		FUZZ_CHECK(whole1.rc != 0);
	if (size <= 256) {
		for (size_t k = 0; k < size; k++)
			check_prefix(buf, k, &whole0);
		return 0;
	}
	for (size_t i = 0; i < 64; i++)
		check_prefix(buf, size * i / 64, &whole0);
	size_t end = 0; /* where the head's blank line starts */
	while (end + 3 < size && memcmp(buf + end, "\r\n\r\n", 4) != 0)
		end++;
	for (size_t k = end; k < size && k <= end + 6; k++)
		check_prefix(buf, k, &whole0);
	return 0;
}
