/* reqhead — what the intake decides from a request's method, path and
 * headers, before it reads any body: the route, the method, headers a
 * proxy could read differently (two Authorization, two Content-Length,
 * Content-Length with Transfer-Encoding), the bearer token, the
 * Content-Type, and a Content-Length over the body limit.
 *
 * No libmicrohttpd here: producer/intake.c feeds the headers libmicrohttpd
 * parsed through reqhead_add() and acts on reqhead_decide()'s verdict, and
 * fuzz/fuzz-reqhead.c feeds the same functions from fuzz input, so the
 * fuzzer runs exactly the intake's decision code. */
#ifndef TASDID_REQHEAD_H
#define TASDID_REQHEAD_H

#include <stddef.h>

#include "auth.h"
#include "config.h"

#define REQHEAD_PATH_SINGLE "/v1/intents"
#define REQHEAD_PATH_BATCH "/v1/intents/batch"

/* The headers that matter, collected one by one. Zero-initialise it; the
 * value pointers are borrowed and must outlive reqhead_decide(). */
struct reqhead {
	int auth_count, length_count, te_count;
	const char *authorization;  /* the first Authorization value */
	const char *content_type;   /* the first Content-Type value */
	const char *content_length; /* the first Content-Length value */
};

/* Note one header (key case-insensitive, as HTTP says). */
void reqhead_add(struct reqhead *h, const char *key, const char *value);

enum reqhead_route {
	REQHEAD_OTHER_GET, /* a GET of another path: /healthz, /metrics, 404 */
	REQHEAD_SINGLE,    /* POST /v1/intents */
	REQHEAD_BATCH,     /* POST /v1/intents/batch */
};

struct reqhead_verdict {
	/* 0: go on (read the body, or answer the GET); else answer this
	 * status with field "$" and reason. One of 400, 401, 404, 405, 413,
	 * 415. */
	int status;
	const char *reason;      /* static printable ASCII; "" when status 0 */
	enum reqhead_route route;
	/* With status 0 and a POST route: the authenticated terminal and the
	 * largest body to read (single_max or batch_max of the call). */
	const struct config_terminal *term;
	size_t body_max;
};

/* Decide, in this fixed order (one request always gets one answer):
 *   GET of a path other than the two intent paths: status 0, OTHER_GET;
 *   any other path: 404; a method other than POST: 405;
 *   ambiguous headers (see above): 400; no, a malformed or an unknown
 *   bearer token: 401 (the caller counts an authentication failure);
 *   a Content-Type that is not JSON (reqcheck_content_type): 415;
 *   a Content-Length above the route's body limit (single_max for
 *   /v1/intents, batch_max for the batch path): 413;
 *   else status 0 with the terminal and body_max.
 * Nothing is allocated; *ret is always filled. */
void reqhead_decide(const struct auth *auth, const char *method,
		    const char *url, const struct reqhead *h,
		    size_t single_max, size_t batch_max,
		    struct reqhead_verdict *ret);

#endif
