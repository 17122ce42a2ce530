/* reqcheck — see reqcheck.h. */
#include "reqcheck.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int refuse(struct reqcheck_error *err, int status, const char *field,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int refuse(struct reqcheck_error *err, int status, const char *field,
		  const char *fmt, ...)
{
	err->status = status;
	snprintf(err->field, sizeof(err->field), "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -1;
}

int reqcheck_content_type(const char *value)
{
	static const char json[] = "application/json";
	if (value == NULL)
		return -1;
	while (*value == ' ')
		value++;
	size_t n = sizeof(json) - 1;
	if (strncasecmp(value, json, n) != 0)
		return -1;
	return value[n] == '\0' || value[n] == ';' || value[n] == ' ' ? 0 : -1;
}

/* The registry and the clock, after the schema and the caller. */
static int check_registry(const struct config *cfg, const struct intent *in,
			  const struct reqcheck_limits *lim, int64_t now_ms,
			  const struct config_biller **ret_biller,
			  struct reqcheck_error *err)
{
	const struct config_biller *b = config_biller_find(cfg, in->biller);
	if (b == NULL)
		return refuse(err, 422, "biller", "unknown biller '%s'", in->biller);
	if (config_bank_find(cfg, in->bank) == NULL)
		return refuse(err, 422, "bank", "unknown bank '%s'", in->bank);
	if (strcmp(in->currency, b->currency->code) != 0)
		return refuse(err, 422, "currency",
			      "biller %s takes %s, not %s", b->id,
			      b->currency->code, in->currency);
	if (in->paid_at_ms < now_ms - lim->paid_at_past_tolerance_ms)
		return refuse(err, 422, "paid_at",
			      "more than %lld s in the past of the server clock",
			      (long long)(lim->paid_at_past_tolerance_ms / 1000));
	if (in->paid_at_ms > now_ms + lim->paid_at_future_tolerance_ms)
		return refuse(err, 422, "paid_at",
			      "more than %lld s in the future of the server clock",
			      (long long)(lim->paid_at_future_tolerance_ms / 1000));
	*ret_biller = b;
	return 0;
}

int reqcheck_decoded(const struct config *cfg,
		     const struct config_terminal *term,
		     const struct reqcheck_limits *lim, int64_t now_ms,
		     const struct intent_error *decode_err, struct intent *in,
		     const struct config_biller **ret_biller,
		     struct reqcheck_error *err)
{
	if (decode_err != NULL)
		return refuse(err, strcmp(decode_err->field, "$") == 0 ? 400 : 422,
			      decode_err->field, "%s", decode_err->reason);
	if (strcmp(in->bank, term->bank) != 0)
		return refuse(err, 403, "bank",
			      "this terminal's credential is for bank %s",
			      term->bank);
	if (strcmp(in->terminal, term->id) != 0)
		return refuse(err, 403, "terminal",
			      "this credential is for terminal %s", term->id);
	const struct config_biller *b = NULL;
	if (check_registry(cfg, in, lim, now_ms, &b, err) < 0)
		return -1;
	intent_derive_id(in);
	intent_stamp_received(in, now_ms);
	*ret_biller = b;
	return 0;
}

int reqcheck_intent(const struct config *cfg, const struct config_terminal *term,
		    const struct reqcheck_limits *lim, int64_t now_ms,
		    const char *json, size_t len, const json_t *obj,
		    struct intent *ret, const struct config_biller **ret_biller,
		    struct reqcheck_error *err)
{
	assert((json == NULL) != (obj == NULL));
	struct intent in;
	struct intent_error ie;
	int rc = json != NULL
		? intent_decode(json, len, INTENT_FROM_TERMINAL, &in, &ie)
		: intent_decode_object(obj, INTENT_FROM_TERMINAL, &in, &ie);
	const struct config_biller *b = NULL;
	if (reqcheck_decoded(cfg, term, lim, now_ms, rc < 0 ? &ie : NULL, &in,
			     &b, err) < 0)
		return -1;
	*ret = in;
	*ret_biller = b;
	return 0;
}

/* ---- batches ---- */

struct key_ref {
	const struct intent *in;
	size_t index;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->in->idempotency_key, y->in->idempotency_key);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Same payment: every field a terminal sends (received_at and the id
 * follow from them and the clock). */
static int same_content(const struct intent *a, const struct intent *b)
{
	return strcmp(a->branch, b->branch) == 0 &&
	       strcmp(a->biller, b->biller) == 0 &&
	       strcmp(a->account, b->account) == 0 &&
	       strcmp(a->invoice, b->invoice) == 0 &&
	       a->amount_minor == b->amount_minor &&
	       strcmp(a->currency, b->currency) == 0 &&
	       strcmp(a->paid_at, b->paid_at) == 0 && a->channel == b->channel;
}

int reqcheck_batch_dups(const struct intent *items, const unsigned char *ok,
			size_t n, int *dup_of)
{
	struct key_ref *refs = malloc((n > 0 ? n : 1) * sizeof(*refs));
	if (refs == NULL)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		dup_of[i] = -1;
		if (ok[i])
			refs[m++] = (struct key_ref){&items[i], i};
	}
	/* Sorting keeps this O(n log n) for the largest batch; equal keys
	 * end up next to each other in index order. */
	qsort(refs, m, sizeof(*refs), key_cmp);
	int conflicts = 0;
	for (size_t s = 0; s < m;) {
		size_t e = s + 1;
		int differ = 0;
		for (; e < m && strcmp(refs[e].in->idempotency_key,
				       refs[s].in->idempotency_key) == 0; e++)
			differ |= !same_content(refs[s].in, refs[e].in);
		for (size_t k = s; k < e; k++) {
			int v = differ ? -2 : k == s ? -1 : (int)refs[s].index;
			dup_of[refs[k].index] = v;
			conflicts += v == -2;
		}
		s = e;
	}
	free(refs);
	return conflicts;
}

/* ---- error bodies ---- */

int reqcheck_json_string(const char *s, char *buf, size_t size, size_t *len)
{
	size_t n = *len;
	if (n + 1 >= size)
		return -1;
	buf[n++] = '"';
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		size_t k;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
		} else if (c < 0x20 || c == 0x7f) {
			k = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			esc[0] = (char)c;
			k = 1;
		}
		if (n + k + 2 > size)
			return -1;
		memcpy(buf + n, esc, k);
		n += k;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	*len = n;
	return 0;
}

int reqcheck_error_json(const char *field, const char *reason, char *buf,
			size_t size)
{
	static const char head[] = "{\"error\":{\"field\":";
	static const char mid[] = ",\"reason\":";
	size_t n = 0;
	if (size < sizeof(head))
		return -1;
	memcpy(buf, head, sizeof(head));
	n = sizeof(head) - 1;
	if (reqcheck_json_string(field, buf, size, &n) < 0 ||
	    n + sizeof(mid) > size)
		return -1;
	memcpy(buf + n, mid, sizeof(mid));
	n += sizeof(mid) - 1;
	if (reqcheck_json_string(reason, buf, size, &n) < 0 || n + 3 > size)
		return -1;
	memcpy(buf + n, "}}", 3);
	return (int)(n + 2);
}
