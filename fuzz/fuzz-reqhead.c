/* fuzz-reqhead — the intake's handling of a request up to the codec:
 * reqhead_add() for each header and reqhead_decide() (what
 * producer/intake.c begin() runs on what libmicrohttpd parsed), then for
 * a POST that may go on, the body limit and the body as the intake treats
 * it: reqcheck_intent() for /v1/intents; for the batch path, the
 * envelope parsed by jansson (the intake's slow path), reqcheck_intent()
 * per item and reqcheck_batch_dups(). Config, tokens and clock are fixed
 * (created once per process).
 *
 * Input: "METHOD URL [VERSION]\n", header lines "Key: Value\n" up to an empty line
 * (values trimmed of blanks and CR as libmicrohttpd does, cut at a NUL as
 * it does; lines without ':' skipped), then the body.
 *
 * Invariants: the verdict's status is one of 0/400/401/404/405/413/415
 * with a printable reason exactly when it is not 0; a POST that goes on
 * had at most one Authorization, one Content-Length and not both
 * Content-Length and Transfer-Encoding, a JSON Content-Type, no
 * Content-Length over the limit, and the terminal whose token its
 * Authorization holds; "Bearer <a known token>" alone is never a 401.
 * Body: an accepted intent is the caller's bank and terminal, a
 * configured biller in its currency, with a derived id and received_at =
 * now, and round-trips from the queue; a refused one is 400/403/422 and
 * its error body is JSON that jansson reads back to the same field and
 * reason. Batch duplicates point to an earlier item with the same key. */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "auth.h"
#include "config.h"
#include "fuzz.h"
#include "fuzz-intent-rt.h"
#include "intent.h"
#include "reqcheck.h"
#include "reqhead.h"
#include "sha256.h"

#define NOW_MS 1795590900000 /* 2026-11-25T07:15:00Z */
#define SINGLE_MAX INTENT_JSON_MAX
#define BATCH_MAX (4 * (INTENT_JSON_MAX + 64) + 1024) /* batch_max = 4 */
#define BATCH_ITEMS_MAX 4

static const char *const tokens[] = {"tok-a", "tok-b"};
static struct config *cfg;
static struct auth *auth;
static const struct reqcheck_limits lim = {7 * 86400 * 1000LL, 300 * 1000LL};

static void setup(void)
{
	if (cfg != NULL)
		return;
	char hex[2][65], text[1024], err[256];
	for (int i = 0; i < 2; i++) {
		uint8_t d[SHA256_DIGEST_LEN];
		sha256(tokens[i], strlen(tokens[i]), d);
		sha256_hex(d, hex[i]);
	}
	snprintf(text, sizeof(text),
		 "[biller water_co]\nname = W\ncurrency = JOD\ntopic = t.w\nledger = w.db\n"
		 "[biller phone]\nname = P\ncurrency = USD\ntopic = t.p\nledger = p.db\n"
		 "[bank BANK_01]\nname = b\n[bank BANK_02]\nname = c\n"
		 "[terminal BANK_01/TERM.07]\ntoken_sha256 = %s\n"
		 "[terminal BANK_02/T1]\ntoken_sha256 = %s\n", hex[0], hex[1]);
	FUZZ_CHECK(config_load_string(text, "fuzz.ini", "/tmp", &cfg, err,
				      sizeof(err)) == 0);
	FUZZ_CHECK(auth_new(cfg, &auth, err, sizeof(err)) == 0);
}

static bool printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

/* The error body the intake sends, read back by jansson. */
static void check_error(const struct reqcheck_error *e)
{
	FUZZ_CHECK(e->status == 400 || e->status == 403 || e->status == 422);
	char buf[512];
	int n = reqcheck_error_json(e->field, e->reason, buf, sizeof(buf));
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(buf));
	json_t *o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	FUZZ_CHECK(o != NULL);
	const char *f = NULL, *r = NULL;
	FUZZ_CHECK(json_unpack(o, "{s:{s:s, s:s}}", "error", "field", &f,
			       "reason", &r) == 0);
	FUZZ_CHECK(strcmp(f, e->field) == 0 && strcmp(r, e->reason) == 0);
	json_decref(o);
}

static void check_intent(const struct config_terminal *t, const struct intent *in,
			 const struct config_biller *b)
{
	FUZZ_CHECK(strcmp(in->bank, t->bank) == 0 && strcmp(in->terminal, t->id) == 0);
	FUZZ_CHECK(b != NULL && config_biller_find(cfg, in->biller) == b);
	FUZZ_CHECK(strcmp(in->currency, b->currency->code) == 0);
	FUZZ_CHECK(in->amount_minor > 0);
	FUZZ_CHECK(in->paid_at_ms >= NOW_MS - lim.paid_at_past_tolerance_ms &&
		   in->paid_at_ms <= NOW_MS + lim.paid_at_future_tolerance_ms);
	FUZZ_CHECK(in->intent_id[0] != '\0' && in->received_at_ms == NOW_MS);
	char a[INTENT_JSON_MAX + 1];
	fuzz_intent_round_trip(in, INTENT_FROM_QUEUE, a, sizeof(a), NULL);
}

static void body_single(const struct config_terminal *t, const char *body,
			size_t len)
{
	struct intent in;
	const struct config_biller *b = NULL;
	struct reqcheck_error e;
	if (reqcheck_intent(cfg, t, &lim, NOW_MS, body, len, NULL, &in, &b, &e) < 0)
		check_error(&e);
	else
		check_intent(t, &in, b);
}

static void body_batch(const struct config_terminal *t, const char *body,
		       size_t len)
{
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	json_t *arr = json_object_get(root, "intents");
	size_t n = json_array_size(arr);
	if (!json_is_object(root) || json_object_size(root) != 1 ||
	    !json_is_array(arr) || n == 0 || n > BATCH_ITEMS_MAX) {
		json_decref(root);
		return; /* the intake answers 400/422 for the envelope */
	}
	struct intent in[BATCH_ITEMS_MAX];
	unsigned char ok[BATCH_ITEMS_MAX];
	int dup[BATCH_ITEMS_MAX];
	for (size_t i = 0; i < n; i++) {
		const struct config_biller *b = NULL;
		struct reqcheck_error e;
		ok[i] = reqcheck_intent(cfg, t, &lim, NOW_MS, NULL, 0,
					json_array_get(arr, i), &in[i], &b, &e) == 0;
		if (ok[i])
			check_intent(t, &in[i], b);
		else
			check_error(&e);
	}
	int conflicts = reqcheck_batch_dups(in, ok, n, dup);
	FUZZ_CHECK(conflicts >= 0);
	int seen = 0;
	for (size_t i = 0; i < n; i++) {
		seen += dup[i] == -2;
		FUZZ_CHECK(dup[i] >= -2 && dup[i] < (int)i);
		FUZZ_CHECK(dup[i] == -1 || ok[i]);
		if (dup[i] >= 0)
			FUZZ_CHECK(ok[dup[i]] && dup[dup[i]] == -1 &&
				   strcmp(in[dup[i]].idempotency_key,
					  in[i].idempotency_key) == 0);
	}
	FUZZ_CHECK(seen == conflicts);
	json_decref(root);
}

/* What the verdict says about the headers, checked independently. */
static void check_verdict(const struct reqhead_verdict *v, const char *method,
			  const struct reqhead *h)
{
	FUZZ_CHECK(v->status == 0 || v->status == 400 || v->status == 401 ||
		   v->status == 404 || v->status == 405 || v->status == 413 ||
		   v->status == 415);
	FUZZ_CHECK(printable(v->reason) && (v->reason[0] != '\0') == (v->status != 0));
	FUZZ_CHECK((v->term != NULL) == (v->status == 0 && v->route != REQHEAD_OTHER_GET));
	if (v->status == 0 && v->route == REQHEAD_OTHER_GET)
		FUZZ_CHECK(strcmp(method, "GET") == 0);
	if (v->term != NULL) {
		FUZZ_CHECK(strcmp(method, "POST") == 0);
		FUZZ_CHECK(h->auth_count == 1 && h->length_count <= 1 &&
			   !(h->length_count == 1 && h->te_count > 0));
		const char *tok = strcmp(v->term->bank, "BANK_01") == 0 ? tokens[0] : tokens[1];
		FUZZ_CHECK(strstr(h->authorization, tok) != NULL);
		const char *ct = h->content_type;
		while (*ct == ' ')
			ct++;
		FUZZ_CHECK(strncasecmp(ct, "application/json", 16) == 0);
		FUZZ_CHECK(h->content_length == NULL ||
			   strtoull(h->content_length, NULL, 10) <= v->body_max);
		FUZZ_CHECK(v->body_max == (v->route == REQHEAD_SINGLE ? SINGLE_MAX : BATCH_MAX));
	}
	if (v->status == 401)
		for (int i = 0; i < 2; i++) {
			char exact[32];
			snprintf(exact, sizeof(exact), "Bearer %s", tokens[i]);
			FUZZ_CHECK(h->auth_count != 1 || strcmp(h->authorization, exact) != 0);
		}
}

/* Cut s at its first line break; return what follows (NULL at the end). */
static char *next_line(char *s, char *end)
{
	char *nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL)
		return NULL;
	*nl = '\0';
	return nl + 1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *end = buf + size, *line = buf, *rest = next_line(line, end);
	char *url = strchr(trim(line), ' ');
	if (url != NULL) {
		*url++ = '\0';
		char *version = strchr(trim(url), ' '); /* "HTTP/1.1" */
		if (version != NULL)
			*version = '\0';
	}
	struct reqhead h = {0};
	while (rest != NULL) {
		char *hl = rest;
		rest = next_line(hl, end);
		if (trim(hl)[0] == '\0')
			break;
		char *colon = strchr(hl, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		reqhead_add(&h, trim(hl), trim(colon + 1));
	}
	struct reqhead_verdict v;
	reqhead_decide(auth, line, url ? url : "", &h, SINGLE_MAX, BATCH_MAX, &v);
	check_verdict(&v, line, &h);
	const char *body = rest ? rest : "";
	size_t len = rest ? (size_t)(end - rest) : 0;
	if (v.term != NULL && len <= v.body_max) {
		if (v.route == REQHEAD_SINGLE)
			body_single(v.term, body, len);
		else
			body_batch(v.term, body, len);
	}
	free(buf);
	return 0;
}
