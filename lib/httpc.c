/* httpc — see httpc.h. */
#include "httpc.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errstr.h"
#include "timeutil.h"

_Static_assert(HTTPC_HEAD_MAX < HTTPC_BODY_MAX, "limits are ordered");

int httpc_url_parse(const char *url, struct httpc_url *ret, char *errstr,
		    size_t errstr_size)
{
	static const char scheme[] = "http://";
	if (strncasecmp(url, "https://", 8) == 0) {
		errstr_set(errstr, errstr_size, "%s: https is not built in; run a "
			   "local TLS proxy and give its http:// address", url);
		return -1;
	}
	if (strncasecmp(url, scheme, sizeof(scheme) - 1) != 0) {
		errstr_set(errstr, errstr_size, "%s: not an http:// URL", url);
		return -1;
	}
	const char *h = url + sizeof(scheme) - 1;
	size_t hlen = strcspn(h, ":/");
	const char *p = h + hlen;
	struct httpc_url u = {.port = "80"};
	/* A name or an IPv4 address (IPv6 literals are not supported). */
	if (hlen == 0 || hlen > HTTPC_HOST_MAX ||
	    strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-") < hlen)
		goto bad;
	memcpy(u.host, h, hlen);
	if (*p == ':') {
		size_t plen = strspn(p + 1, "0123456789");
		long port = plen >= 1 && plen <= 5 ? strtol(p + 1, NULL, 10) : 0;
		if (port < 1 || port > 65535)
			goto bad;
		snprintf(u.port, sizeof(u.port), "%ld", port);
		p += 1 + plen;
	}
	if (*p != '\0' && *p != '/')
		goto bad;
	size_t rest = strlen(p);
	while (rest > 0 && p[rest - 1] == '/')
		rest--;
	if (rest > HTTPC_PREFIX_MAX || memchr(p, ' ', rest) != NULL)
		goto bad;
	memcpy(u.prefix, p, rest);
	*ret = u;
	return 0;
bad:
	errstr_set(errstr, errstr_size, "%s: malformed URL (http://HOST:PORT)", url);
	return -1;
}

/* The value of header name in the head [from, end), or NULL; *ret_len its
 * length with surrounding blanks removed. */
static const char *header(const char *from, const char *end, const char *name,
			  size_t *ret_len)
{
	size_t nlen = strlen(name);
	for (const char *l = from; l < end;) {
		const char *eol = memchr(l, '\n', (size_t)(end - l));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - l) > nlen && l[nlen] == ':' &&
		    strncasecmp(l, name, nlen) == 0) {
			const char *v = l + nlen + 1, *ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*ret_len = (size_t)(ve - v);
			return v;
		}
		l = eol + 1;
	}
	return NULL;
}

/* Digits only, at most 18 of them (no overflow); -1 otherwise. */
static int64_t digits_value(const char *v, size_t len)
{
	if (len == 0 || len > 18)
		return -1;
	int64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

static int parse_status(const char *buf, size_t len, int *ret)
{
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
		return -1;
	int64_t s = digits_value(buf + 9, 3);
	if (s < 100 || s > 599 || (buf[12] != ' ' && buf[12] != '\r'))
		return -1;
	*ret = (int)s;
	return 0;
}

int httpc_parse(const char *buf, size_t len, int eof,
		struct httpc_response *ret, char *errstr, size_t errstr_size)
{
	const char *end = NULL;
	for (size_t i = 0; i + 3 < len && i < HTTPC_HEAD_MAX; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 2;
			break;
		}
	if (end == NULL) {
		if (len >= HTTPC_HEAD_MAX) {
			errstr_set(errstr, errstr_size, "response head over %d bytes",
				   HTTPC_HEAD_MAX);
			return -1;
		}
		if (eof) {
			errstr_set(errstr, errstr_size, "connection closed in the "
				   "response head (%zu bytes)", len);
			return -1;
		}
		return 0;
	}
	struct httpc_response r = {.retry_after_s = -1};
	if (parse_status(buf, (size_t)(end - buf), &r.status) < 0) {
		errstr_set(errstr, errstr_size, "malformed status line");
		return -1;
	}
	size_t vlen;
	const char *line1 = (const char *)memchr(buf, '\n', (size_t)(end - buf)) + 1;
	const char *v = header(line1, end, "Transfer-Encoding", &vlen);
	if (v != NULL) {
		errstr_set(errstr, errstr_size, "chunked responses are not supported");
		return -1;
	}
	if ((v = header(line1, end, "Retry-After", &vlen)) != NULL)
		r.retry_after_s = digits_value(v, vlen);
	const char *body = end + 2;
	size_t have = len - (size_t)(body - buf);
	int64_t clen = -1;
	if ((v = header(line1, end, "Content-Length", &vlen)) != NULL &&
	    (clen = digits_value(v, vlen)) < 0) {
		errstr_set(errstr, errstr_size, "malformed Content-Length");
		return -1;
	}
	if (clen > HTTPC_BODY_MAX || (clen < 0 && have > HTTPC_BODY_MAX)) {
		errstr_set(errstr, errstr_size, "response body over %d bytes",
			   HTTPC_BODY_MAX);
		return -1;
	}
	if (clen >= 0 && have > (size_t)clen)
		have = (size_t)clen; /* bytes after the body are ignored */
	if (clen >= 0 && have < (size_t)clen) {
		if (eof) {
			errstr_set(errstr, errstr_size, "connection closed after %zu "
				   "of %lld body bytes", have, (long long)clen);
			return -1;
		}
		return 0;
	}
	if (clen < 0 && !eof)
		return 0;
	r.body = body;
	r.body_len = have;
	*ret = r;
	return 1;
}

void httpc_response_free(struct httpc_response *r)
{
	if (r == NULL)
		return;
	free(r->raw);
	r->raw = NULL;
	r->body = NULL;
}

/* Wait for events on fd until deadline; -1 when it passed. */
static int wait_fd(int fd, short events, int64_t deadline_ms)
{
	for (;;) {
		int64_t left = deadline_ms - time_mono_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

static int connect_to(const struct httpc_url *u, int64_t deadline_ms,
		      char *errstr, size_t errstr_size)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	int e = getaddrinfo(u->host, u->port, &hints, &ai);
	if (e != 0) {
		errstr_set(errstr, errstr_size, "%s: %s", u->host, gai_strerror(e));
		return -1;
	}
	int fd = -1;
	char why[200] = "no address";
	for (struct addrinfo *a = ai; a != NULL; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    a->ai_protocol);
		if (fd < 0)
			continue;
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline_ms) == 0 &&
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
		     soerr == 0))
			break;
		snprintf(why, sizeof(why), "%s", soerr ? strerror(soerr)
				 : errno == EINPROGRESS ? "timed out" : strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		errstr_set(errstr, errstr_size, "connect %s:%s: %s", u->host,
			   u->port, why);
	return fd;
}

static int send_all(int fd, const char *p, size_t len, int64_t deadline_ms)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(fd, POLLOUT, deadline_ms) < 0)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

/* Read until httpc_parse says complete; buf grows up to the limits. */
static int recv_response(int fd, int64_t deadline_ms, struct httpc_response *ret,
			 char *errstr, size_t errstr_size)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	int done = 0, eof = 0;
	while (buf != NULL && done == 0) {
		if (len == cap) {
			size_t ncap = cap * 2;
			char *nb = ncap <= HTTPC_HEAD_MAX + HTTPC_BODY_MAX + 4
					   ? realloc(buf, ncap + 1) : NULL;
			if (nb == NULL) {
				errstr_set(errstr, errstr_size, "response too large");
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t n = recv(fd, buf + len, cap - len, 0);
		if (n > 0)
			len += (size_t)n;
		else if (n == 0)
			eof = 1;
		else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			if (wait_fd(fd, POLLIN, deadline_ms) < 0) {
				errstr_set(errstr, errstr_size, "timed out waiting for the answer");
				goto fail;
			}
			continue;
		} else {
			errstr_set(errstr, errstr_size, "recv: %s", strerror(errno));
			goto fail;
		}
		if ((done = httpc_parse(buf, len, eof, ret, errstr, errstr_size)) < 0)
			goto fail;
	}
	if (buf == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	buf[(ret->body - buf) + ret->body_len] = '\0'; /* room: cap + 1 */
	ret->raw = buf;
	return 0;
fail:
	free(buf);
	return -1;
}

int httpc_request(const struct httpc_url *u, const char *method,
		  const char *path, const char *extra_headers, const char *body,
		  size_t body_len, int64_t timeout_ms, struct httpc_response *ret,
		  char *errstr, size_t errstr_size)
{
	assert(u != NULL && method != NULL && path != NULL && timeout_ms > 0);
	int64_t deadline_ms = time_mono_ms() + timeout_ms;
	int fd = connect_to(u, deadline_ms, errstr, errstr_size);
	if (fd < 0)
		return -1;
	char head[2048];
	int n = snprintf(head, sizeof(head),
			 "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
			 "%s%sContent-Length: %zu\r\n\r\n",
			 method, u->prefix, path, u->host, u->port,
			 body ? "Content-Type: application/json\r\n" : "",
			 extra_headers ? extra_headers : "", body_len);
	struct httpc_response r;
	int rc = -1;
	if (n < 0 || (size_t)n >= sizeof(head)) {
		errstr_set(errstr, errstr_size, "request head too long");
	} else if (send_all(fd, head, (size_t)n, deadline_ms) < 0 ||
		   (body_len > 0 && send_all(fd, body, body_len, deadline_ms) < 0)) {
		errstr_set(errstr, errstr_size, "send to %s:%s: %s", u->host, u->port,
			   errno ? strerror(errno) : "timed out");
	} else if (recv_response(fd, deadline_ms, &r, errstr, errstr_size) == 0) {
		*ret = r;
		rc = 0;
	}
	close(fd);
	return rc;
}
