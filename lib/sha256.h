/* sha256 — FIPS 180-4 SHA-256, used for intent ids and for storing terminal
 * tokens as hashes. Written here rather than pulling in a crypto library for
 * one function; checked against the NIST test vectors in tests/. */
#ifndef TASDID_SHA256_H
#define TASDID_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256 {
	uint32_t state[8];
	uint64_t length_bytes;
	uint8_t block[64];
	size_t block_used;
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, uint8_t out[SHA256_DIGEST_LEN]);

/* One-shot digest of len bytes. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);

/* Write digest as 64 lower-case hex characters plus NUL into hex. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char hex[65]);

#endif
