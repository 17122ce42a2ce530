/* intent — see intent.h and schemas/payment-intent.md.
 *
 * Decoding goes through jansson, because the input is hostile and jansson's
 * parser is tested far beyond anything written here. Encoding is by hand:
 * every field is checked against a restricted ASCII charset on the way in,
 * so the output needs no escaping, and the intake encodes every intent it
 * accepts (35k+/s) — a jansson tree per intent would cost allocations for
 * nothing. */
#include "intent.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "money.h"
#include "sha256.h"
#include "timeutil.h"

static const char *const channel_names[] = {
	[INTENT_CHANNEL_TELLER] = "teller",
	[INTENT_CHANNEL_ATM] = "atm",
	[INTENT_CHANNEL_AGENT] = "agent",
	[INTENT_CHANNEL_MOBILE] = "mobile",
	[INTENT_CHANNEL_WEB] = "web",
};

#define CHANNEL_COUNT (sizeof(channel_names) / sizeof(channel_names[0]))
_Static_assert(CHANNEL_COUNT == INTENT_CHANNEL_WEB + 1,
	       "every channel needs a name");

/* Every field of schema v1, in schema order (enum field_id); anything else
 * is refused. */
static const char *const known_fields[] = {
	"schema_version", "intent_id", "idempotency_key", "bank", "branch",
	"terminal", "biller", "account", "invoice", "amount", "currency",
	"paid_at", "received_at", "channel",
};

/* Character classes of the identity fields; each field allows some classes
 * plus a few punctuation characters (see the schema's patterns). */
enum {
	CC_UPPER = 1u << 0,
	CC_LOWER = 1u << 1,
	CC_DIGIT = 1u << 2,
};

struct text_field {
	const char *name;
	size_t offset;      /* of the char array in struct intent */
	size_t len_max;     /* bytes, without NUL */
	unsigned classes;   /* CC_* */
	const char *extra;  /* punctuation allowed besides the classes */
	const char *allowed; /* the same, for the error message */
	bool required;
};

/* The string fields with a plain charset, in schema order. */
static const struct text_field text_fields[] = {
	{"idempotency_key", offsetof(struct intent, idempotency_key),
	 INTENT_KEY_MAX, CC_UPPER | CC_LOWER | CC_DIGIT, "._:-",
	 "A-Z a-z 0-9 . _ : -", true},
	{"bank", offsetof(struct intent, bank), INTENT_BANK_MAX,
	 CC_UPPER | CC_DIGIT, "_-", "A-Z 0-9 _ -", true},
	{"branch", offsetof(struct intent, branch), INTENT_BRANCH_MAX,
	 CC_UPPER | CC_LOWER | CC_DIGIT, "._-", "A-Z a-z 0-9 . _ -", false},
	{"terminal", offsetof(struct intent, terminal), INTENT_TERMINAL_MAX,
	 CC_UPPER | CC_LOWER | CC_DIGIT, "._-", "A-Z a-z 0-9 . _ -", true},
	{"biller", offsetof(struct intent, biller), INTENT_BILLER_MAX,
	 CC_LOWER | CC_DIGIT, "_-", "a-z 0-9 _ -", true},
	{"account", offsetof(struct intent, account), INTENT_ACCOUNT_MAX,
	 CC_UPPER | CC_LOWER | CC_DIGIT, "-", "A-Z a-z 0-9 -", true},
	{"invoice", offsetof(struct intent, invoice), INTENT_INVOICE_MAX,
	 CC_UPPER | CC_LOWER | CC_DIGIT, "._/-", "A-Z a-z 0-9 . _ / -", false},
};

static int fail(struct intent_error *err, const char *field, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

/* Fill *err and return -1. The field name may come from the input (an
 * unknown key), so only printable ASCII is copied: the caller puts it into
 * a JSON answer, and half a UTF-8 sequence would make that answer invalid. */
static int fail(struct intent_error *err, const char *field, const char *fmt,
		...)
{
	if (err == NULL)
		return -1;
	size_t n = 0, cap = sizeof(err->field) - 1;
	for (; field[n] != '\0' && n < cap; n++) {
		unsigned char c = (unsigned char)field[n];
		err->field[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (field[n] != '\0')
		memcpy(err->field + cap - 3, "...", 3);
	err->field[n] = '\0';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	/* The reason may quote the input too (jansson's "near '...'"). */
	for (char *r = err->reason; *r != '\0'; r++)
		if ((unsigned char)*r < 0x20 || (unsigned char)*r >= 0x7f)
			*r = '?';
	return -1;
}

static bool char_allowed(unsigned char c, unsigned classes, const char *extra)
{
	if ((classes & CC_UPPER) && c >= 'A' && c <= 'Z')
		return true;
	if ((classes & CC_LOWER) && c >= 'a' && c <= 'z')
		return true;
	if ((classes & CC_DIGIT) && c >= '0' && c <= '9')
		return true;
	return c != '\0' && strchr(extra, c) != NULL;
}

/* Field ids: indexes into known_fields[] (schema order). */
enum field_id {
	F_SCHEMA_VERSION, F_INTENT_ID, F_IDEMPOTENCY_KEY, F_BANK, F_BRANCH,
	F_TERMINAL, F_BILLER, F_ACCOUNT, F_INVOICE, F_AMOUNT, F_CURRENCY,
	F_PAID_AT, F_RECEIVED_AT, F_CHANNEL, F_COUNT
};
_Static_assert(F_COUNT == sizeof(known_fields) / sizeof(known_fields[0]),
	       "one id per known field");

/* One member's value, whichever parser found it. */
enum value_type { VT_ABSENT = 0, VT_STRING, VT_INTEGER, VT_REAL, VT_OTHER };

struct value {
	enum value_type type;
	const char *s; /* VT_STRING: not NUL-terminated, len bytes */
	size_t len;
	long long i;   /* VT_INTEGER */
};

/* An object split into its members: one pass over the keys (document
 * order) fills the slot of each known field and remembers the first key
 * that is unknown or holds a NUL; the checks then read the slots. */
struct members {
	struct value v[F_COUNT];
	bool bad;              /* a bad key was seen */
	bool bad_nul;          /* it holds a NUL */
	char bad_key[sizeof(((struct intent_error *)0)->field) + 1];
	size_t bad_key_len;    /* the key's full length */
};

/* known_fields index of key, or -1. Lengths first: keys may hold NULs. */
static int field_id_of(const char *key, size_t len)
{
	for (int i = 0; i < F_COUNT; i++)
		if (strlen(known_fields[i]) == len &&
		    memcmp(key, known_fields[i], len) == 0)
			return i;
	return -1;
}

static void note_bad_key(struct members *m, const char *key, size_t len)
{
	if (m->bad)
		return;
	m->bad = true;
	m->bad_nul = memchr(key, '\0', len) != NULL;
	size_t n = len < sizeof(m->bad_key) - 1 ? len : sizeof(m->bad_key) - 1;
	memcpy(m->bad_key, key, n);
	m->bad_key[n] = '\0';
	m->bad_key_len = len;
}

/* The first bad key, named as check order requires (see intent.h). */
static int fail_bad_key(const struct members *m, struct intent_error *err)
{
	if (m->bad_nul) {
		/* Name it with the NULs shown, not cut at the first. */
		char shown[sizeof(err->field)];
		size_t n = m->bad_key_len < sizeof(shown) - 1 ? m->bad_key_len
							      : sizeof(shown) - 1;
		for (size_t i = 0; i < n; i++)
			shown[i] = m->bad_key[i] != '\0' ? m->bad_key[i] : '?';
		shown[n] = '\0';
		return fail(err, shown,
			    "field names must not contain NUL characters");
	}
	return fail(err, m->bad_key, "unknown field (schema version %d)",
		    INTENT_SCHEMA_VERSION);
}

/* The members of a jansson object. */
static void members_of_object(const json_t *obj, struct members *m)
{
	memset(m, 0, sizeof(*m));
	/* jansson's iterator API is not const-correct; nothing is changed. */
	json_t *o = (json_t *)obj;
	for (void *it = json_object_iter(o); it != NULL;
	     it = json_object_iter_next(o, it)) {
		const char *key = json_object_iter_key(it);
		size_t key_len = json_object_iter_key_len(it);
		int id = field_id_of(key, key_len);
		if (id < 0) {
			note_bad_key(m, key, key_len);
			continue;
		}
		const json_t *j = json_object_iter_value(it);
		struct value *v = &m->v[id];
		switch (json_typeof(j)) {
		case JSON_STRING:
			v->type = VT_STRING;
			v->s = json_string_value(j);
			v->len = json_string_length(j);
			break;
		case JSON_INTEGER:
			v->type = VT_INTEGER;
			v->i = (long long)json_integer_value(j);
			break;
		case JSON_REAL:
			v->type = VT_REAL;
			break;
		default:
			v->type = VT_OTHER;
			break;
		}
	}
}

/* The string value of field name, or -1 with *err set when it is not a
 * string or holds a NUL (jansson refuses \u0000 in intent_decode(), but an
 * object handed to intent_decode_object() may come from a laxer parse). */
static int get_string(const struct value *v, const char *name,
		      const char **ret_s, size_t *ret_len,
		      struct intent_error *err)
{
	if (v->type != VT_STRING)
		return fail(err, name, "must be a string");
	if (memchr(v->s, '\0', v->len) != NULL)
		return fail(err, name, "must not contain NUL characters");
	*ret_s = v->s;
	*ret_len = v->len;
	return 0;
}

static int decode_text_field(const struct members *m, int id,
			     const struct text_field *f, struct intent *out,
			     struct intent_error *err)
{
	const struct value *v = &m->v[id];
	if (v->type == VT_ABSENT)
		return f->required ? fail(err, f->name, "is required") : 0;
	const char *s;
	size_t len;
	if (get_string(v, f->name, &s, &len, err) < 0)
		return -1;
	if (len == 0)
		return fail(err, f->name, "must not be empty");
	if (len > f->len_max)
		return fail(err, f->name, "must be at most %zu characters long",
			    f->len_max);
	for (size_t i = 0; i < len; i++)
		if (!char_allowed((unsigned char)s[i], f->classes, f->extra))
			return fail(err, f->name, "may contain only %s",
				    f->allowed);
	char *dst = (char *)out + f->offset;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int decode_schema_version(const struct members *m, struct intent *out,
				 struct intent_error *err)
{
	const struct value *v = &m->v[F_SCHEMA_VERSION];
	if (v->type == VT_ABSENT)
		return fail(err, "schema_version", "is required");
	if (v->type != VT_INTEGER)
		return fail(err, "schema_version", "must be an integer");
	if (v->i != INTENT_SCHEMA_VERSION)
		return fail(err, "schema_version",
			    "unsupported version %lld; this intake speaks %d",
			    v->i, INTENT_SCHEMA_VERSION);
	out->schema_version = INTENT_SCHEMA_VERSION;
	return 0;
}

/* Lower-case UUID text with version 8 and variant 10, as derived. */
static bool is_uuid_v8(const char *s, size_t len)
{
	if (len != INTENT_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		bool hex = (s[i] >= '0' && s[i] <= '9') ||
			   (s[i] >= 'a' && s[i] <= 'f');
		if (dash ? s[i] != '-' : !hex)
			return false;
	}
	return s[14] == '8' && strchr("89ab", s[19]) != NULL;
}

/* intent_id's presence and syntax; whether it matches is checked once all
 * the fields it is derived from are known (check_intent_id). */
static int decode_intent_id(const struct members *m, enum intent_origin origin,
			    struct intent *out, struct intent_error *err)
{
	const struct value *v = &m->v[F_INTENT_ID];
	if (origin == INTENT_FROM_TERMINAL)
		return v->type == VT_ABSENT ? 0 : fail(err, "intent_id",
			"must not be sent by a terminal; the intake derives it");
	if (v->type == VT_ABSENT)
		return fail(err, "intent_id", "is required");
	const char *s;
	size_t len;
	if (get_string(v, "intent_id", &s, &len, err) < 0)
		return -1;
	if (!is_uuid_v8(s, len))
		return fail(err, "intent_id",
			    "must be a lower-case UUIDv8 such as "
			    "0190a5c2-6e80-8abc-9def-0123456789ab");
	memcpy(out->intent_id, s, len);
	out->intent_id[len] = '\0';
	return 0;
}

static int decode_currency(const struct members *m, struct intent *out,
			   struct intent_error *err)
{
	const struct value *v = &m->v[F_CURRENCY];
	if (v->type == VT_ABSENT)
		return fail(err, "currency", "is required");
	const char *s;
	size_t len;
	if (get_string(v, "currency", &s, &len, err) < 0)
		return -1;
	/* currency_find() takes a C string: at most 3 letters plus NUL. */
	char code[5];
	size_t n = len < sizeof(code) - 1 ? len : sizeof(code) - 1;
	memcpy(code, s, n);
	code[n] = '\0';
	if (len >= sizeof(code) || currency_find(code) == NULL)
		return fail(err, "currency",
			    "is not a supported ISO 4217 code (upper case, such as \"JOD\")");
	memcpy(out->currency, code, 4);
	return 0;
}

/* After decode_currency(): the amount's syntax depends on its currency's
 * number of minor digits. */
static int decode_amount(const struct members *m, struct intent *out,
			 struct intent_error *err)
{
	const struct value *v = &m->v[F_AMOUNT];
	if (v->type == VT_ABSENT)
		return fail(err, "amount", "is required");
	/* A JSON number may already have been rounded by the sender's double
	 * arithmetic; only the decimal text says what the customer paid. */
	if (v->type == VT_INTEGER || v->type == VT_REAL)
		return fail(err, "amount",
			    "must be a decimal string such as \"15000.50\", not a JSON number");
	const char *s;
	size_t len;
	if (get_string(v, "amount", &s, &len, err) < 0)
		return -1;
	const struct currency *cur = currency_find(out->currency);
	assert(cur != NULL);
	char why[160];
	if (money_parse(s, len, cur, 0, &out->amount_minor, why, sizeof(why)) < 0)
		return fail(err, "amount", "%s", why);
	return 0;
}

/* An RFC 3339 field: keep the text as sent and its UTC ms. */
static int decode_time(const struct value *v, const char *name, char *dst,
		       int64_t *ret_ms, struct intent_error *err)
{
	const char *s;
	size_t len;
	if (get_string(v, name, &s, &len, err) < 0)
		return -1;
	char why[160];
	int64_t ms;
	if (rfc3339_parse(s, len, &ms, NULL, why, sizeof(why)) < 0)
		return fail(err, name, "%s", why);
	/* The id keeps paid_at_ms in 48 unsigned bits; an earlier time is
	 * a mistake anyway. */
	if (ms < 0)
		return fail(err, name, "must not be before 1970-01-01T00:00:00Z");
	assert(len <= INTENT_TIME_MAX);
	memcpy(dst, s, len);
	dst[len] = '\0';
	*ret_ms = ms;
	return 0;
}

static int decode_times(const struct members *m, enum intent_origin origin,
			struct intent *out, struct intent_error *err)
{
	const struct value *v = &m->v[F_PAID_AT];
	if (v->type == VT_ABSENT)
		return fail(err, "paid_at", "is required");
	if (decode_time(v, "paid_at", out->paid_at, &out->paid_at_ms, err) < 0)
		return -1;
	v = &m->v[F_RECEIVED_AT];
	if (origin == INTENT_FROM_TERMINAL)
		return v->type == VT_ABSENT ? 0 : fail(err, "received_at",
			"must not be sent by a terminal; the intake stamps it");
	if (v->type == VT_ABSENT)
		return fail(err, "received_at", "is required");
	return decode_time(v, "received_at", out->received_at,
			   &out->received_at_ms, err);
}

static int decode_channel(const struct members *m, struct intent *out,
			  struct intent_error *err)
{
	const struct value *v = &m->v[F_CHANNEL];
	if (v->type == VT_ABSENT)
		return fail(err, "channel", "is required");
	const char *s;
	size_t len;
	if (get_string(v, "channel", &s, &len, err) < 0)
		return -1;
	for (size_t i = 0; i < CHANNEL_COUNT; i++) {
		if (strlen(channel_names[i]) == len &&
		    memcmp(s, channel_names[i], len) == 0) {
			out->channel = (enum intent_channel)i;
			return 0;
		}
	}
	return fail(err, "channel",
		    "must be one of teller, atm, agent, mobile, web");
}

/* A queued intent's id must be the one its fields derive: anything else
 * was forged or corrupted on the way, and would break idempotency. */
static int check_intent_id(const struct intent *in, struct intent_error *err)
{
	struct intent derived = *in;
	intent_derive_id(&derived);
	if (strcmp(derived.intent_id, in->intent_id) != 0)
		return fail(err, "intent_id",
			    "does not match the id derived from paid_at, bank, "
			    "terminal and idempotency_key");
	return 0;
}

/* Text fields' ids, in the order of text_fields[]. */
static const int text_field_ids[] = {
	F_IDEMPOTENCY_KEY, F_BANK, F_BRANCH, F_TERMINAL, F_BILLER, F_ACCOUNT,
	F_INVOICE,
};
_Static_assert(sizeof(text_field_ids) / sizeof(text_field_ids[0]) ==
		       sizeof(text_fields) / sizeof(text_fields[0]),
	       "one id per text field");

/* The checks, in the documented order (intent.h), on the members. */
static int decode_members(const struct members *m, enum intent_origin origin,
			  struct intent *ret, struct intent_error *err)
{
	/* Decode into a copy so that *ret is untouched on failure. The order
	 * of the checks is fixed, so one input always gets the same error:
	 * the version first (a newer document should say so, not trip over
	 * its new fields), then unknown fields in document order, then the
	 * fields in schema order — except currency before amount. */
	struct intent out;
	memset(&out, 0, sizeof(out));
	if (decode_schema_version(m, &out, err) < 0)
		return -1;
	if (m->bad)
		return fail_bad_key(m, err);
	if (decode_intent_id(m, origin, &out, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++)
		if (decode_text_field(m, text_field_ids[i], &text_fields[i], &out,
				      err) < 0)
			return -1;
	if (decode_currency(m, &out, err) < 0 ||
	    decode_amount(m, &out, err) < 0 ||
	    decode_times(m, origin, &out, err) < 0 ||
	    decode_channel(m, &out, err) < 0)
		return -1;
	if (origin == INTENT_FROM_QUEUE && check_intent_id(&out, err) < 0)
		return -1;
	*ret = out;
	return 0;
}

int intent_decode_object(const json_t *obj, enum intent_origin origin,
			 struct intent *ret, struct intent_error *err)
{
	assert(obj != NULL && ret != NULL);
	assert(origin == INTENT_FROM_TERMINAL || origin == INTENT_FROM_QUEUE);
	if (!json_is_object(obj))
		return fail(err, "$", "must be a JSON object");
	struct members m;
	members_of_object(obj, &m);
	return decode_members(&m, origin, ret, err);
}

/* ---- the fast scanner ----
 *
 * Nearly every intent a terminal sends is one flat object whose keys are
 * known field names, whose strings are printable ASCII without escapes and
 * whose numbers are small integers. Such text is scanned here in one pass
 * without allocating; anything else (escapes, other bytes or types, an
 * unknown or repeated key, any syntax error) is declined and goes through
 * jansson, so every refusal of unusual input, and every error text, stays
 * jansson's. What is accepted here is valid JSON that jansson parses to the
 * same members, so the answer is the same by construction
 * (tests/test-intent.c compares both paths on every test and corpus input). */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len && is_ws(p[i]))
		i++;
	return i;
}

/* A string without escapes at p[*i] == '"': its bytes, or false. */
static bool scan_plain_string(const char *p, size_t len, size_t *i,
			      const char **ret_s, size_t *ret_len)
{
	size_t k = *i;
	if (k >= len || p[k] != '"')
		return false;
	size_t start = ++k;
	for (; k < len; k++) {
		unsigned char c = (unsigned char)p[k];
		if (c == '"')
			break;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			return false;
	}
	if (k >= len)
		return false;
	*ret_s = p + start;
	*ret_len = k - start;
	*i = k + 1;
	return true;
}

/* -?(0|[1-9][0-9]{0,17}) not followed by a fraction or exponent: always
 * a json_int_t for jansson too. */
static bool scan_small_int(const char *p, size_t len, size_t *i, long long *ret)
{
	size_t k = *i;
	bool neg = k < len && p[k] == '-';
	k += neg;
	size_t start = k;
	long long v = 0;
	while (k < len && p[k] >= '0' && p[k] <= '9' && k - start < 18)
		v = v * 10 + (p[k++] - '0');
	size_t digits = k - start;
	if (digits == 0 || (p[start] == '0' && digits > 1))
		return false;
	if (k < len && ((p[k] >= '0' && p[k] <= '9') || p[k] == '.' ||
			p[k] == 'e' || p[k] == 'E'))
		return false;
	*ret = neg ? -v : v;
	*i = k;
	return true;
}

/* One member "key": value at p[*i]. */
static bool scan_member(const char *p, size_t len, size_t *i, struct members *m)
{
	const char *key;
	size_t key_len;
	if (!scan_plain_string(p, len, i, &key, &key_len))
		return false;
	int id = field_id_of(key, key_len);
	if (id < 0 || m->v[id].type != VT_ABSENT)
		return false; /* unknown or repeated: jansson names it */
	size_t k = skip_ws(p, len, *i);
	if (k >= len || p[k] != ':')
		return false;
	k = skip_ws(p, len, k + 1);
	struct value *v = &m->v[id];
	if (k < len && p[k] == '"') {
		if (!scan_plain_string(p, len, &k, &v->s, &v->len))
			return false;
		v->type = VT_STRING;
	} else {
		if (!scan_small_int(p, len, &k, &v->i))
			return false;
		v->type = VT_INTEGER;
	}
	*i = k;
	return true;
}

/* A flat object at text[*pos] (white space first allowed). */
static bool scan_object(const char *p, size_t len, size_t *pos,
			struct members *m)
{
	memset(m, 0, sizeof(*m));
	size_t i = skip_ws(p, len, *pos);
	if (i >= len || p[i] != '{')
		return false;
	i = skip_ws(p, len, i + 1);
	if (i < len && p[i] == '}') {
		*pos = i + 1;
		return true;
	}
	for (;;) {
		if (!scan_member(p, len, &i, m))
			return false;
		i = skip_ws(p, len, i);
		if (i >= len)
			return false;
		if (p[i] == '}')
			break;
		if (p[i] != ',')
			return false;
		i = skip_ws(p, len, i + 1);
	}
	*pos = i + 1;
	return true;
}

int intent_scan(const char *text, size_t len, size_t *pos,
		enum intent_origin origin, struct intent *ret,
		struct intent_error *err)
{
	assert(text != NULL && pos != NULL && *pos <= len && ret != NULL);
	assert(origin == INTENT_FROM_TERMINAL || origin == INTENT_FROM_QUEUE);
	struct members m;
	size_t end = *pos;
	if (!scan_object(text, len, &end, &m) || end - *pos > INTENT_JSON_MAX)
		return INTENT_SCAN_DECLINED;
	*pos = end;
	return decode_members(&m, origin, ret, err);
}

/* A duplicate key is named when jansson's "near" token is a plain field
 * name (lower-case letters and '_': every key tasdid reads). */
int intent_parse_error(const json_error_t *jerr, struct intent_error *err)
{
	switch (json_error_code(jerr)) {
	case json_error_duplicate_key: {
		const char *near = strstr(jerr->text, "near '\"");
		char key[sizeof(err->field)];
		size_t n = 0;
		if (near != NULL) {
			near += strlen("near '\"");
			while (n + 1 < sizeof(key) &&
			       ((near[n] >= 'a' && near[n] <= 'z') || near[n] == '_')) {
				key[n] = near[n];
				n++;
			}
			if (strncmp(near + n, "\"'", 2) != 0)
				n = 0;
		}
		key[n] = '\0';
		if (n > 0)
			return fail(err, key, "appears more than once");
		return fail(err, "$", "a field appears more than once: %s",
			    jerr->text);
	}
	case json_error_invalid_utf8:
		return fail(err, "$", "not valid UTF-8: %s (at byte %d)",
			    jerr->text, jerr->position);
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return fail(err, "$", "strings must not contain \\u0000 (at byte %d)",
			    jerr->position);
	default:
		return fail(err, "$", "not valid JSON: %s (at byte %d)",
			    jerr->text, jerr->position);
	}
}

int intent_decode(const char *json, size_t len, enum intent_origin origin,
		  struct intent *ret, struct intent_error *err)
{
	assert(json != NULL && ret != NULL);
	if (len > INTENT_JSON_MAX)
		return fail(err, "$", "the intent is %zu bytes; at most %d are accepted",
			    len, INTENT_JSON_MAX);
	/* Flags, each on purpose: JSON_REJECT_DUPLICATES, because a second
	 * "amount" must not silently win; not JSON_DECODE_ANY (the top level
	 * must be an object or array), not JSON_DISABLE_EOF_CHECK (trailing
	 * text is refused), not JSON_ALLOW_NUL (\u0000 is refused), not
	 * JSON_DECODE_INT_AS_REAL (schema_version stays an integer). */
	size_t pos = 0;
	struct members m;
	if (scan_object(json, len, &pos, &m) && skip_ws(json, len, pos) == len)
		return decode_members(&m, origin, ret, err);
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return intent_parse_error(&jerr, err);
	int rc = intent_decode_object(root, origin, ret, err);
	json_decref(root);
	return rc;
}

/* ---- encoding ---- */

/* The encoding with every optional field present and every value empty:
 * its length plus the longest values bounds intent_encode()'s output. */
#define ENCODE_SKELETON                                                      \
	"{\"schema_version\":1,\"intent_id\":\"\",\"idempotency_key\":\"\","  \
	"\"bank\":\"\",\"branch\":\"\",\"terminal\":\"\",\"biller\":\"\","    \
	"\"account\":\"\",\"invoice\":\"\",\"amount\":\"\",\"currency\":\"\"," \
	"\"paid_at\":\"\",\"received_at\":\"\",\"channel\":\"\"}"
_Static_assert(sizeof(ENCODE_SKELETON) + INTENT_ID_LEN + INTENT_KEY_MAX +
			       INTENT_BANK_MAX + INTENT_BRANCH_MAX +
			       INTENT_TERMINAL_MAX + INTENT_BILLER_MAX +
			       INTENT_ACCOUNT_MAX + INTENT_INVOICE_MAX +
			       MONEY_TEXT_MAX + 3 + 2 * INTENT_TIME_MAX +
			       sizeof("mobile") <=
		       INTENT_JSON_MAX + 1,
	       "intent_encode() output must fit in INTENT_JSON_MAX");

struct writer {
	char *p;
	size_t left; /* bytes left in the buffer, the NUL's included */
	bool full;
};

static void put(struct writer *w, const char *s, size_t n)
{
	if (w->full || n >= w->left) {
		w->full = true;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
	w->left -= n;
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* Copy a field's text. Decoding only accepts characters that need no JSON
 * escaping; anything else here was built wrongly by the caller. */
static void put_text(struct writer *w, const char *s, size_t len_max)
{
	size_t n = strnlen(s, len_max + 1);
	assert(n <= len_max);
	for (size_t i = 0; i < n; i++)
		assert(s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\');
	put(w, s, n);
}

#define PUT_FIELD(w, key, in, member, len_max)                           \
	do {                                                             \
		PUT_LIT((w), ",\"" key "\":\"");                         \
		put_text((w), (in)->member, (len_max));                  \
		PUT_LIT((w), "\"");                                      \
	} while (0)

int intent_encode(const struct intent *in, char *buf, size_t size)
{
	assert(in != NULL && buf != NULL);
	assert(in->schema_version == INTENT_SCHEMA_VERSION);
	assert(in->amount_minor > 0);
	assert((size_t)in->channel < CHANNEL_COUNT);
	const struct currency *cur = currency_find(in->currency);
	assert(cur != NULL);
	char amount[MONEY_TEXT_MAX];
	int amount_len = money_format(in->amount_minor, cur, amount,
				      sizeof(amount));
	assert(amount_len > 0);

	struct writer w = {buf, size, false};
	PUT_LIT(&w, "{\"schema_version\":1");
	if (in->intent_id[0] != '\0')
		PUT_FIELD(&w, "intent_id", in, intent_id, INTENT_ID_LEN);
	PUT_FIELD(&w, "idempotency_key", in, idempotency_key, INTENT_KEY_MAX);
	PUT_FIELD(&w, "bank", in, bank, INTENT_BANK_MAX);
	if (in->branch[0] != '\0')
		PUT_FIELD(&w, "branch", in, branch, INTENT_BRANCH_MAX);
	PUT_FIELD(&w, "terminal", in, terminal, INTENT_TERMINAL_MAX);
	PUT_FIELD(&w, "biller", in, biller, INTENT_BILLER_MAX);
	PUT_FIELD(&w, "account", in, account, INTENT_ACCOUNT_MAX);
	if (in->invoice[0] != '\0')
		PUT_FIELD(&w, "invoice", in, invoice, INTENT_INVOICE_MAX);
	PUT_LIT(&w, ",\"amount\":\"");
	put(&w, amount, (size_t)amount_len);
	PUT_LIT(&w, "\"");
	PUT_FIELD(&w, "currency", in, currency, 3);
	PUT_FIELD(&w, "paid_at", in, paid_at, INTENT_TIME_MAX);
	if (in->received_at[0] != '\0')
		PUT_FIELD(&w, "received_at", in, received_at, INTENT_TIME_MAX);
	PUT_LIT(&w, ",\"channel\":\"");
	const char *ch = channel_names[in->channel];
	put(&w, ch, strlen(ch));
	PUT_LIT(&w, "\"}");
	if (w.full)
		return -1;
	*w.p = '\0';
	return (int)(size - w.left);
}

/* ---- id, stamp, channel ---- */

void intent_derive_id(struct intent *in)
{
	assert(in != NULL);
	/* 48 bits of ms reach the year 10889; decoding refuses times before
	 * the epoch. */
	assert(in->paid_at_ms >= 0 && in->paid_at_ms < (INT64_C(1) << 48));
	size_t bank_len = strnlen(in->bank, sizeof(in->bank));
	size_t terminal_len = strnlen(in->terminal, sizeof(in->terminal));
	size_t key_len = strnlen(in->idempotency_key, sizeof(in->idempotency_key));
	assert(bank_len < sizeof(in->bank) && terminal_len < sizeof(in->terminal) &&
	       key_len < sizeof(in->idempotency_key));

	/* NUL separators: ("AB", "C") and ("A", "BC") must hash apart. */
	uint8_t digest[SHA256_DIGEST_LEN];
	struct sha256 ctx;
	sha256_init(&ctx);
	sha256_update(&ctx, in->bank, bank_len);
	sha256_update(&ctx, "", 1);
	sha256_update(&ctx, in->terminal, terminal_len);
	sha256_update(&ctx, "", 1);
	sha256_update(&ctx, in->idempotency_key, key_len);
	sha256_final(&ctx, digest);

	uint8_t u[16];
	for (int i = 0; i < 6; i++)
		u[i] = (uint8_t)((uint64_t)in->paid_at_ms >> (40 - 8 * i));
	memcpy(u + 6, digest, 10);
	u[6] = (uint8_t)((u[6] & 0x0f) | 0x80); /* version 8 */
	u[8] = (uint8_t)((u[8] & 0x3f) | 0x80); /* variant 10 (RFC 9562) */

	static const char hex[] = "0123456789abcdef";
	char *p = in->intent_id;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 0x0f];
	}
	*p = '\0';
	assert(p - in->intent_id == INTENT_ID_LEN);
}

void intent_stamp_received(struct intent *in, int64_t now_ms)
{
	assert(in != NULL && now_ms >= 0);
	int n = rfc3339_format_utc_ms(now_ms, in->received_at,
				      sizeof(in->received_at));
	assert(n == 24);
	(void)n;
	in->received_at_ms = now_ms;
}

const char *intent_channel_name(enum intent_channel ch)
{
	assert((size_t)ch < CHANNEL_COUNT);
	return channel_names[ch];
}

int intent_channel_parse(const char *name, enum intent_channel *ret)
{
	assert(name != NULL && ret != NULL);
	for (size_t i = 0; i < CHANNEL_COUNT; i++) {
		if (strcmp(name, channel_names[i]) == 0) {
			*ret = (enum intent_channel)i;
			return 0;
		}
	}
	return -1;
}
