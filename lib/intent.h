/* intent — the payment intent (schemas/payment-intent.v1.schema.json):
 * decode and validate from JSON, encode to JSON, derive its id.
 *
 * A terminal sends an intent without intent_id and received_at; the intake
 * derives the id, stamps received_at and produces the full intent to Kafka,
 * where the posting consumer decodes it again. Every rejection names the
 * field and the reason, so the caller can put both in its error answer.
 *
 * struct intent is a plain value type on purpose (fixed buffers, no heap):
 * the intake and the consumer handle them by the thousand per batch and copy
 * them into arrays; every field is bounded by the schema. */
#ifndef TASDID_INTENT_H
#define TASDID_INTENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define INTENT_SCHEMA_VERSION 1

/* Field limits, in bytes, without the terminating NUL (see the schema). */
#define INTENT_ID_LEN 36 /* UUID text, 8-4-4-4-12 lower-case hex */
#define INTENT_KEY_MAX 64
#define INTENT_BANK_MAX 16
#define INTENT_BRANCH_MAX 32
#define INTENT_TERMINAL_MAX 32
#define INTENT_BILLER_MAX 32
#define INTENT_ACCOUNT_MAX 32
#define INTENT_INVOICE_MAX 32
#define INTENT_TIME_MAX 35 /* RFC 3339 with fraction and offset */

/* Largest JSON text intent_decode() accepts; larger input is refused before
 * parsing. intent_encode() output always fits in this. */
#define INTENT_JSON_MAX 2048

enum intent_channel {
	INTENT_CHANNEL_TELLER,
	INTENT_CHANNEL_ATM,
	INTENT_CHANNEL_AGENT,
	INTENT_CHANNEL_MOBILE,
	INTENT_CHANNEL_WEB,
};

struct intent {
	int schema_version;
	char intent_id[INTENT_ID_LEN + 1];            /* "" until derived */
	char idempotency_key[INTENT_KEY_MAX + 1];
	char bank[INTENT_BANK_MAX + 1];
	char branch[INTENT_BRANCH_MAX + 1];           /* "" when absent */
	char terminal[INTENT_TERMINAL_MAX + 1];
	char biller[INTENT_BILLER_MAX + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	char invoice[INTENT_INVOICE_MAX + 1];         /* "" when absent */
	int64_t amount_minor;                         /* > 0 */
	char currency[4];                             /* ISO 4217 */
	char paid_at[INTENT_TIME_MAX + 1];            /* as the counter sent it */
	int64_t paid_at_ms;                           /* UTC, ms since epoch */
	char received_at[INTENT_TIME_MAX + 1];        /* "" until stamped */
	int64_t received_at_ms;                       /* 0 until stamped */
	enum intent_channel channel;
};

/* Where the JSON comes from, which decides the required fields. */
enum intent_origin {
	/* From a terminal: intent_id and received_at must be absent (the
	 * intake sets them; a terminal cannot choose them). */
	INTENT_FROM_TERMINAL,
	/* From the queue: every field, intent_id and received_at included, must
	 * be present, and intent_id must be the one derived from the fields. */
	INTENT_FROM_QUEUE,
};

/* Why an intent was refused: the JSON field (or "$" for the whole
 * document) and a reason in plain words. Both are printable ASCII, so they
 * can go into a JSON answer as they are (an unknown field's name is copied
 * with other bytes replaced by '?' and cut to fit, ending in "..."). */
struct intent_error {
	char field[40];
	char reason[200];
};

/* Decode and validate len bytes of JSON text into *ret.
 * Refuses: invalid JSON or UTF-8, duplicate keys, text over
 * INTENT_JSON_MAX, a non-object, unknown fields, missing required fields,
 * wrong types, values outside the schema's syntax, unknown currencies,
 * amounts that are not exact decimal strings (money_parse rules, > 0),
 * times before 1970-01-01T00:00:00Z, and (from the queue) an intent_id
 * other than the derived one.
 * The checks run in a fixed order, so one input always gets the same
 * error: JSON syntax, then schema_version, then unknown fields in document
 * order, then the fields in schema order, except that currency is checked
 * before amount (the amount's syntax depends on it), and last whether
 * intent_id matches.
 * Returns 0 with *ret filled, or -1 with *err filled (err may be NULL) and
 * *ret untouched. Allocates nothing that outlives the call. */
int intent_decode(const char *json, size_t len, enum intent_origin origin,
		  struct intent *ret, struct intent_error *err);

/* The same, for an object already parsed by jansson (one item of a batch
 * request). The object is borrowed, not stolen. */
int intent_decode_object(const json_t *obj, enum intent_origin origin,
			 struct intent *ret, struct intent_error *err);

/* Translate jansson's parse error *jerr (json_loadb() returned NULL) into
 * *err, the way intent_decode() words it: a member given twice is named in
 * field when its key is a plain name (else "$", with jansson's text), bad
 * UTF-8 and \u0000 get their own reasons, the rest is "not valid JSON".
 * For every JSON body tasdid reads with JSON_REJECT_DUPLICATES (the batch
 * envelope), so one ambiguity is refused in one wording. Returns -1. */
int intent_parse_error(const json_error_t *jerr, struct intent_error *err);

/* intent_scan()'s answer when the text is not in its fast subset. */
#define INTENT_SCAN_DECLINED (-2)

/* The fast path of both decoders, for one object inside a larger text (a
 * batch item): from text[*pos], optional white space, then one JSON object
 * whose keys are known field names, each at most once, whose string values
 * are printable ASCII without escapes and whose other values are integers
 * of at most 18 digits. On such an object (at most INTENT_JSON_MAX bytes),
 * sets *pos just past its '}' and returns exactly what
 * intent_decode_object() returns for it (0 with *ret, or -1 with *err).
 * On anything else returns INTENT_SCAN_DECLINED with *pos, *ret and *err
 * untouched: the caller parses with jansson instead, which then gives the
 * same answer as ever. Allocates nothing. intent_decode() uses it first. */
int intent_scan(const char *text, size_t len, size_t *pos,
		enum intent_origin origin, struct intent *ret,
		struct intent_error *err);

/* Write in as compact JSON (fields in schema order; branch, invoice,
 * intent_id and received_at only when not "") into buf, NUL-terminated.
 * Returns the length without NUL, or -1 when buf is too small, leaving buf
 * unspecified (INTENT_JSON_MAX + 1 always suffices). in must hold what
 * intent_decode() accepts (asserted); then decode(encode(x)) == x, field by
 * field, for the origin that matches (an intent without id and received_at
 * encodes as a terminal would send it). */
int intent_encode(const struct intent *in, char *buf, size_t size);

/* Set in->intent_id from (bank, terminal, idempotency_key) and paid_at_ms:
 * a UUIDv8 whose first 48 bits are paid_at_ms (so ids arrive at the ledger
 * in nearly ascending order and its index appends instead of scattering) and
 * whose other 74 free bits come from SHA-256 of the three identity fields.
 * A retry of the same payment carries the same key and the same paid_at
 * (the counter's time travels unchanged), so it gets the same id.
 *
 * Exact layout (schemas/payment-intent.md), d = SHA-256(bank "\0" terminal
 * "\0" idempotency_key), u = the 16 id bytes:
 *   u[0..5]  = paid_at_ms, 48 bits big-endian
 *   u[6..15] = d[0..9], then u[6] = 0x80 | (u[6] & 0x0f)   (version 8)
 *                        and u[8] = 0x80 | (u[8] & 0x3f)   (variant 10)
 * written as lower-case 8-4-4-4-12 hex. paid_at_ms must be in
 * [0, 2^48) (asserted; intent_decode() guarantees it). */
void intent_derive_id(struct intent *in);

/* Set received_at / received_at_ms to now_ms (UTC, RFC 3339 with ms,
 * "YYYY-MM-DDTHH:MM:SS.mmmZ"); now_ms >= 0 is asserted. */
void intent_stamp_received(struct intent *in, int64_t now_ms);

/* "teller", "atm", … and back. intent_channel_parse returns -1 when the
 * name is unknown. */
const char *intent_channel_name(enum intent_channel ch);
int intent_channel_parse(const char *name, enum intent_channel *ret);

#endif
