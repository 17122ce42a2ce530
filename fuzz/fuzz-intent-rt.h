/* fuzz-intent-rt — the intent round trip the targets that produce
 * intents share (fuzz-intent, fuzz-intent-batch, fuzz-batchfile,
 * fuzz-reqhead): encode, decode the text again for its origin, encode
 * again; both texts must be identical. Separate from fuzz.h, which knows
 * no parser. */
#ifndef TASDID_FUZZ_INTENT_RT_H
#define TASDID_FUZZ_INTENT_RT_H

#include "fuzz.h"
#include "intent.h"

/* Checks the round trip of in for origin with FUZZ_CHECK. Writes the
 * first encoding to out (out_size > INTENT_JSON_MAX) and returns its
 * length; *ret_again (when not NULL) is the intent decoded from it. */
static inline int fuzz_intent_round_trip(const struct intent *in,
					 enum intent_origin origin, char *out,
					 size_t out_size,
					 struct intent *ret_again)
{
	char b[INTENT_JSON_MAX + 1];
	FUZZ_CHECK(out_size > INTENT_JSON_MAX);
	int na = intent_encode(in, out, out_size);
	FUZZ_CHECK(na > 0 && na <= INTENT_JSON_MAX);
	struct intent again;
	struct intent_error err;
	FUZZ_CHECK(intent_decode(out, (size_t)na, origin, &again, &err) == 0);
	int nb = intent_encode(&again, b, sizeof(b));
	FUZZ_CHECK(nb == na && memcmp(out, b, (size_t)na) == 0);
	if (ret_again != NULL)
		*ret_again = again;
	return na;
}

#endif
