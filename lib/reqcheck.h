/* reqcheck — what the intake decides about a request before anything is
 * produced: content type, the intent's validity against the schema and the
 * registry, the caller's right to submit it, duplicates in a batch; and the
 * exact JSON error body every 4xx carries (docs/api.md).
 *
 * Pure functions of their inputs (the clock is a parameter), so every
 * status/field/reason mapping is unit-tested. */
#ifndef TASDID_REQCHECK_H
#define TASDID_REQCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "intent.h"

/* How far paid_at may lie from the server clock. */
struct reqcheck_limits {
	int64_t paid_at_past_tolerance_ms;
	int64_t paid_at_future_tolerance_ms;
};

/* A refusal: HTTP status (400, 403, 409, 422, ...) and the field and
 * reason that go into the error body. */
struct reqcheck_error {
	int status;
	char field[40];
	char reason[200];
};

/* 0 when the Content-Type header value is JSON ("application/json",
 * optionally with parameters such as "; charset=utf-8", case-insensitive);
 * -1 otherwise (the caller answers 415). NULL is -1. */
int reqcheck_content_type(const char *value);

/* Check one decoded-or-not intent. Exactly one of json (len bytes of
 * text) or obj (a batch item, borrowed) is given. On success returns 0 and
 * fills *ret with the intent, its id derived and received_at stamped with
 * now_ms, and *ret_biller. On refusal returns -1 with *err:
 *   400 "$"        malformed JSON, not an object, invalid UTF-8, duplicate keys
 *   422 FIELD      schema violations (unknown/missing fields, types, amounts,
 *                  currencies), unknown biller ("biller"), bank not in the
 *                  registry ("bank"), currency other than the biller's
 *                  ("currency"), paid_at outside the limits ("paid_at")
 *   403 "bank"/"terminal"  the intent names another bank or terminal than
 *                  the authenticated terminal term
 * The order is fixed (decode, then 403, then registry, then clock), so one
 * input always gets the same answer. */
int reqcheck_intent(const struct config *cfg, const struct config_terminal *term,
		    const struct reqcheck_limits *lim, int64_t now_ms,
		    const char *json, size_t len, const json_t *obj,
		    struct intent *ret, const struct config_biller **ret_biller,
		    struct reqcheck_error *err);

/* What reqcheck_intent() does after decoding, for an intent decoded by
 * the caller (the batch fast path, intent_scan()): decode_err is the
 * decoder's refusal, or NULL when *in was decoded; then the same mapping
 * and checks in the same order. On success returns 0 with *in's id derived
 * and received_at stamped, and *ret_biller; on refusal -1 with *err (*in
 * may then be partly changed). */
int reqcheck_decoded(const struct config *cfg,
		     const struct config_terminal *term,
		     const struct reqcheck_limits *lim, int64_t now_ms,
		     const struct intent_error *decode_err, struct intent *in,
		     const struct config_biller **ret_biller,
		     struct reqcheck_error *err);

/* Batches: find items that reuse an idempotency key. items[i] holds the
 * valid intents (ok[i] != 0); for each i, dup_of[i] is set to -1 when the
 * key is unique in the batch or i is the first of its key, else to the
 * index of the first item with the same key and the same content (the
 * caller answers it like that first item, producing once), or to -2 when
 * some item with that key has different content: every such item, the
 * first included, is refused with 409. Returns the count of -2 entries, or
 * -1 when out of memory (dup_of then untouched). */
int reqcheck_batch_dups(const struct intent *items, const unsigned char *ok,
			size_t n, int *dup_of);

/* Write {"error":{"field":F,"reason":R}} into buf (JSON-escaped). Returns
 * the length, or -1 when buf is too small (512 bytes always suffice for a
 * struct reqcheck_error). */
int reqcheck_error_json(const char *field, const char *reason, char *buf,
			size_t size);

/* Append s to buf[*len..size) as a JSON string with quotes, escaping '"',
 * '\\' and control characters. Returns 0, or -1 when it does not fit. */
int reqcheck_json_string(const char *s, char *buf, size_t size, size_t *len);

#endif
