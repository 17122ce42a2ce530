/* auth — the terminals' bearer tokens, as an in-memory table built once at
 * start from the config's [terminal BANK/ID] token_sha256 entries.
 *
 * Only SHA-256 digests are held. A request's token is hashed and the
 * digest looked up in an open-addressing hash table; the candidate's stored
 * digest is compared in constant time, so the time an answer takes does not
 * tell an attacker how many leading bytes of a guess were right. The table
 * is read-only after auth_new() and may be shared between threads. */
#ifndef TASDID_AUTH_H
#define TASDID_AUTH_H

#include <stddef.h>

#include "config.h"

struct auth;

/* Longest token accepted from a request; longer ones are refused unhashed. */
#define AUTH_TOKEN_MAX 512

/* Build the table from every terminal of cfg. cfg must outlive the table
 * (entries point into it). Returns 0 and *ret (free with auth_free), or -1
 * with errstr (out of memory, or two terminals sharing one token hash). */
int auth_new(const struct config *cfg, struct auth **ret, char *errstr,
	     size_t errstr_size);

void auth_free(struct auth *a);

/* The terminal whose token is the len bytes at token, or NULL when none
 * is (or len is 0 or over AUTH_TOKEN_MAX). */
const struct config_terminal *auth_lookup(const struct auth *a,
					  const char *token, size_t len);

/* From an Authorization header value ("Bearer TOKEN", scheme
 * case-insensitive, one or more spaces): the terminal, or NULL when the
 * header is NULL, malformed or the token unknown. */
const struct config_terminal *auth_bearer(const struct auth *a,
					  const char *header);

/* 1 when the two 32-byte digests are equal; time independent of where
 * they differ. */
int auth_digest_equal(const uint8_t a[32], const uint8_t b[32]);

#endif
