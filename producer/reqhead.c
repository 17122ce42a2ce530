/* reqhead — see reqhead.h. */
#include "reqhead.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reqcheck.h"

void reqhead_add(struct reqhead *h, const char *key, const char *value)
{
	assert(h != NULL && key != NULL && value != NULL);
	if (strcasecmp(key, "Authorization") == 0) {
		if (h->auth_count++ == 0)
			h->authorization = value;
	} else if (strcasecmp(key, "Content-Length") == 0) {
		if (h->length_count++ == 0)
			h->content_length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		h->te_count++;
	} else if (strcasecmp(key, "Content-Type") == 0) {
		if (h->content_type == NULL)
			h->content_type = value;
	}
}

/* The checks after routing, in the order of reqhead.h; 0 or a status
 * with *why. */
static int check(const struct auth *auth, const char *method,
		 const struct reqhead *h, struct reqhead_verdict *v,
		 const char **why)
{
	if (strcmp(method, "POST") != 0)
		return *why = "use POST", 405;
	if (h->auth_count > 1)
		return *why = "more than one Authorization header", 400;
	if (h->length_count > 1)
		return *why = "more than one Content-Length header", 400;
	if (h->length_count > 0 && h->te_count > 0)
		return *why = "both Content-Length and Transfer-Encoding", 400;
	v->term = auth_bearer(auth, h->authorization);
	if (v->term == NULL) {
		*why = h->authorization == NULL
			? "an Authorization: Bearer token is required"
			: "unknown or malformed bearer token";
		return 401;
	}
	if (reqcheck_content_type(h->content_type) < 0)
		return *why = "Content-Type must be application/json", 415;
	/* libmicrohttpd has checked the value's syntax already; strtoull
	 * makes a negative one huge, so it is refused here too. */
	if (h->content_length != NULL &&
	    strtoull(h->content_length, NULL, 10) > v->body_max)
		return *why = "the body is too large", 413;
	return 0;
}

void reqhead_decide(const struct auth *auth, const char *method,
		    const char *url, const struct reqhead *h,
		    size_t single_max, size_t batch_max,
		    struct reqhead_verdict *ret)
{
	assert(auth != NULL && method != NULL && url != NULL && h != NULL);
	bool single = strcmp(url, REQHEAD_PATH_SINGLE) == 0;
	bool batch = strcmp(url, REQHEAD_PATH_BATCH) == 0;
	*ret = (struct reqhead_verdict){
		.reason = "",
		.route = single ? REQHEAD_SINGLE : batch ? REQHEAD_BATCH
						       : REQHEAD_OTHER_GET,
		.body_max = single ? single_max : batch ? batch_max : 0,
	};
	if (!single && !batch) {
		if (strcmp(method, "GET") != 0) {
			ret->status = 404;
			ret->reason = "no such resource";
		}
		return;
	}
	ret->status = check(auth, method, h, ret, &ret->reason);
	if (ret->status != 0)
		ret->term = NULL;
}
