/* batchscan — see batchscan.h. Moved out of intake.c (was batch_scan())
 * so that a fuzz target can hold it against the jansson path. */
#include "batchscan.h"

#include <assert.h>
#include <string.h>

/* JSON's white space (RFC 8259), as jansson skips it. */
static size_t skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
			   p[i] == '\r'))
		i++;
	return i;
}

/* Expect the literal lit at p[*i] after white space. */
static bool expect(const char *p, size_t len, size_t *i, const char *lit)
{
	size_t k = skip_ws(p, len, *i), n = strlen(lit);
	if (len - k < n || memcmp(p + k, lit, n) != 0)
		return false;
	*i = k + n;
	return true;
}

int batchscan_begin(struct batchscan *s, const char *body, size_t len,
		    size_t batch_max)
{
	assert(s != NULL && batch_max >= 1);
	assert(body != NULL || len == 0);
	*s = (struct batchscan){.body = body, .len = len, .declined = true};
	if (body == NULL)
		return 1;
	/* Items are objects: the '{'s bound their count (one is the
	 * envelope's), so the caller can size its array before reading. */
	size_t braces = 0;
	for (const char *q = body; (q = memchr(q, '{', (size_t)(body + len - q))) != NULL; q++)
		braces++;
	if (braces < 2 || braces - 1 > batch_max)
		return 1;
	size_t i = 0;
	if (!expect(body, len, &i, "{") || !expect(body, len, &i, "\"intents\"") ||
	    !expect(body, len, &i, ":") || !expect(body, len, &i, "["))
		return 1;
	s->pos = i;
	s->count_max = braces - 1;
	s->declined = false;
	return 0;
}

size_t batchscan_count_max(const struct batchscan *s)
{
	assert(s->count_max >= 1);
	return s->count_max;
}

enum batchscan_step batchscan_next(struct batchscan *s, struct intent *ret,
				   struct intent_error *err)
{
	assert(!s->end && !s->declined && s->n < s->count_max);
	int rc = intent_scan(s->body, s->len, &s->pos, INTENT_FROM_TERMINAL,
			     ret, err);
	if (rc == INTENT_SCAN_DECLINED)
		goto decline;
	s->n++;
	if (expect(s->body, s->len, &s->pos, "]")) {
		/* The slow way refuses anything after the envelope, a second
		 * key included (and a duplicate "intents"). */
		if (!expect(s->body, s->len, &s->pos, "}") ||
		    skip_ws(s->body, s->len, s->pos) != s->len)
			goto decline;
		s->end = true;
	} else if (s->n == s->count_max ||
		   !expect(s->body, s->len, &s->pos, ",")) {
		goto decline;
	}
	return rc == 0 ? BATCHSCAN_INTENT : BATCHSCAN_REFUSED;
decline:
	s->declined = true;
	return BATCHSCAN_DECLINED;
}

bool batchscan_end(const struct batchscan *s)
{
	return s->end;
}
