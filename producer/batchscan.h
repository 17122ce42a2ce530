/* batchscan — the fast path of POST /v1/intents/batch: reads a body of the
 * simple shape {"intents":[ITEM,ITEM,...]} item by item with intent_scan(),
 * without building a jansson tree (whose allocations were most of a
 * batch's cost; docs/performance.md).
 *
 * It only decodes (origin terminal); the intake checks each decoded item
 * itself (reqcheck_decoded). Whenever the body is not in the simple shape —
 * an envelope spelled otherwise (escapes, other keys, a duplicate key), an
 * item intent_scan() declines, no items, more items than the bound, bytes
 * after the envelope — it declines, and the caller parses the whole body
 * the slow way: json_loadb(JSON_REJECT_DUPLICATES), then
 * intent_decode_object() per item, which answers as it always did. When it
 * does not decline, its result is that of the slow way: the same number of
 * items (1 to batch_max), each the same intent or the same refusal (field
 * and reason). fuzz/fuzz-batchscan.c checks exactly that.
 *
 * Use (nothing is allocated here; the caller owns its item array):
 *
 *	struct batchscan s;
 *	if (batchscan_begin(&s, body, len, batch_max) != 0)
 *		-> slow way
 *	items = calloc(batchscan_count_max(&s), sizeof(*items));
 *	do {
 *		rc = batchscan_next(&s, &items[n].in, &err);
 *		if (rc == BATCHSCAN_DECLINED)
 *			drop the items -> slow way
 *		n++;	(BATCHSCAN_REFUSED: err says why)
 *	} while (!batchscan_end(&s));
 *
 * The loop never goes past the array: after batchscan_count_max() items
 * the batch has ended or been declined.
 *
 * struct batchscan is a cursor on the caller's stack, not an opaque
 * handle, so the hot path (~500k intents/s) allocates nothing for it; its
 * members are private to batchscan.c. */
#ifndef TASDID_BATCHSCAN_H
#define TASDID_BATCHSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "intent.h"

struct batchscan {
	const char *body;
	size_t len;
	size_t pos;       /* next byte to read */
	size_t count_max; /* items that may still come, in all */
	size_t n;         /* items returned so far */
	bool end;         /* the envelope has been closed */
	bool declined;
};

/* batchscan_next()'s answers. */
enum batchscan_step {
	BATCHSCAN_INTENT,   /* one item decoded into *ret */
	BATCHSCAN_REFUSED,  /* one item refused, *err says why */
	BATCHSCAN_DECLINED, /* not the simple shape: use the slow way */
};

/* Start reading body[0..len) (body may be NULL when len is 0) as a batch
 * of at most batch_max (>= 1, asserted) items. Returns 0 when the body
 * opens with {"intents":[ (white space allowed between the tokens) and its
 * '{' bytes leave room for 1 to batch_max items, or 1 (declined) with *s
 * unusable. body is borrowed until the last batchscan_next(). */
int batchscan_begin(struct batchscan *s, const char *body, size_t len,
		    size_t batch_max);

/* An upper bound, 1 to batch_max, on the items batchscan_next() can
 * return for this body (the count of '{' after the envelope's): the size
 * of the caller's item array. Valid after batchscan_begin() returned 0. */
size_t batchscan_count_max(const struct batchscan *s);

/* The next item: BATCHSCAN_INTENT with *ret filled, or BATCHSCAN_REFUSED
 * with *err filled (what intent_decode_object() answers for that item;
 * *ret unspecified). BATCHSCAN_DECLINED at the first byte outside the
 * simple shape, including more items than batchscan_count_max() and
 * anything but white space after the envelope: the items returned so far
 * must be dropped. Call it only while batchscan_end() is false and nothing
 * was declined (asserted). */
enum batchscan_step batchscan_next(struct batchscan *s, struct intent *ret,
				   struct intent_error *err);

/* True once the item last returned closed the envelope, with nothing but
 * white space after it: the batch is complete. */
bool batchscan_end(const struct batchscan *s);

#endif
