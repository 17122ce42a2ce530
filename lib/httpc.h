/* httpc — a small blocking HTTP/1.1 client over a TCP socket, for the
 * terminal's forwarder and `tasdid submit` talking plain HTTP to the intake
 * (TLS, where needed, is a local proxy: docs/terminal.md).
 *
 * One request per connection ("Connection: close"): a terminal sends a few
 * requests a minute, and a fresh connection after every failure is what
 * retries want anyway. Every step is bounded: one deadline covers resolve,
 * connect, send and receive; the response head and body have size limits.
 * Responses must carry Content-Length or end at connection close; chunked
 * responses are refused (the intake never sends them). */
#ifndef TASDID_HTTPC_H
#define TASDID_HTTPC_H

#include <stddef.h>
#include <stdint.h>

#define HTTPC_HEAD_MAX (16 * 1024)       /* status line + headers, bytes */
#define HTTPC_BODY_MAX (4 * 1024 * 1024) /* response body, bytes */
#define HTTPC_HOST_MAX 255
#define HTTPC_PREFIX_MAX 255

/* http://HOST[:PORT][/PREFIX] */
struct httpc_url {
	char host[HTTPC_HOST_MAX + 1];
	char port[6];                     /* "80" when not given */
	char prefix[HTTPC_PREFIX_MAX + 1]; /* "" or "/p" without trailing '/' */
};

struct httpc_response {
	int status;            /* 100-599 */
	int64_t retry_after_s; /* Retry-After in seconds, -1 when absent or a date */
	const char *body;      /* body_len bytes + NUL, inside raw */
	size_t body_len;
	char *raw;             /* owned: free with httpc_response_free */
};

/* Parse url. Only "http://" is accepted (https is refused with a hint).
 * Returns 0 with *ret, or -1 with errstr and *ret untouched. */
int httpc_url_parse(const char *url, struct httpc_url *ret, char *errstr,
		    size_t errstr_size);

/* Parse the response in buf[0..len). eof says the peer closed the
 * connection (a body without Content-Length ends there). Returns 1 when the
 * response is complete, with status, retry_after_s, and body/body_len
 * pointing into buf (raw is left NULL); 0 when more bytes are needed; -1
 * with errstr when it is malformed, over the limits, chunked, or cut short
 * by eof. Does not allocate. */
int httpc_parse(const char *buf, size_t len, int eof,
		struct httpc_response *ret, char *errstr, size_t errstr_size);

/* Send METHOD u->prefix+path with body (may be NULL when body_len is 0,
 * sent as Content-Type: application/json when non-NULL), extra_headers (NULL
 * or complete "Name: value\r\n" lines), and read the answer, all within
 * timeout_ms. Returns 0 with *ret (any status; the caller frees it with
 * httpc_response_free), or -1 with errstr on a transport error: name not
 * resolved, connection refused or reset, deadline passed, malformed answer.
 * *ret is untouched on -1. */
int httpc_request(const struct httpc_url *u, const char *method,
		  const char *path, const char *extra_headers, const char *body,
		  size_t body_len, int64_t timeout_ms, struct httpc_response *ret,
		  char *errstr, size_t errstr_size);

/* Free a response's buffer; NULL and an already-freed response are fine. */
void httpc_response_free(struct httpc_response *r);

#endif
