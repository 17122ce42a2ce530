/* auth — see auth.h. */
#include "auth.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sha256.h"
#include "errstr.h"

struct auth {
	const struct config_terminal **slots; /* NULL: empty */
	size_t mask;                          /* slot count - 1 (a power of 2) */
};

int auth_digest_equal(const uint8_t a[32], const uint8_t b[32])
{
	volatile uint8_t diff = 0;
	for (size_t i = 0; i < 32; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

/* The digest is uniformly distributed already: its first 8 bytes are the
 * hash. */
static size_t slot_of(const uint8_t d[32], size_t mask)
{
	uint64_t h;
	memcpy(&h, d, sizeof(h));
	return (size_t)h & mask;
}

int auth_new(const struct config *cfg, struct auth **ret, char *errstr,
	     size_t errstr_size)
{
	size_t n = config_terminal_count(cfg);
	size_t cap = 16;
	while (cap < 2 * n) /* load factor <= 1/2: short probe chains */
		cap *= 2;
	struct auth *a = calloc(1, sizeof(*a));
	if (a != NULL)
		a->slots = calloc(cap, sizeof(a->slots[0]));
	if (a == NULL || a->slots == NULL) {
		auth_free(a);
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	a->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		const struct config_terminal *t = config_terminal_at(cfg, i);
		size_t s = slot_of(t->token_sha256, a->mask);
		while (a->slots[s] != NULL) {
			if (memcmp(a->slots[s]->token_sha256, t->token_sha256, 32) == 0) {
				errstr_set(errstr, errstr_size,
					 "terminals %s/%s and %s/%s have the same token_sha256",
					 a->slots[s]->bank, a->slots[s]->id, t->bank, t->id);
				auth_free(a);
				return -1;
			}
			s = (s + 1) & a->mask;
		}
		a->slots[s] = t;
	}
	*ret = a;
	return 0;
}

void auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	free(a->slots);
	free(a);
}

const struct config_terminal *auth_lookup(const struct auth *a,
					  const char *token, size_t len)
{
	assert(a != NULL);
	if (token == NULL || len == 0 || len > AUTH_TOKEN_MAX)
		return NULL;
	uint8_t d[32];
	sha256(token, len, d);
	const struct config_terminal *found = NULL;
	for (size_t s = slot_of(d, a->mask); a->slots[s] != NULL;
	     s = (s + 1) & a->mask)
		if (auth_digest_equal(a->slots[s]->token_sha256, d))
			found = a->slots[s];
	return found;
}

const struct config_terminal *auth_bearer(const struct auth *a,
					  const char *header)
{
	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	const char *tok = header + 7;
	while (*tok == ' ')
		tok++;
	size_t len = strlen(tok);
	while (len > 0 && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
		len--;
	return auth_lookup(a, tok, len);
}
