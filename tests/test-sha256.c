/* sha256: the NIST FIPS 180-4 example vectors, the padding boundaries
 * (55/56/63/64 bytes and their two-block twins) and incremental updates. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "check_run.h"

static void hex_of(const void *data, size_t len, char hex[65])
{
	uint8_t d[SHA256_DIGEST_LEN];
	sha256(data, len, d);
	sha256_hex(d, hex);
}

static const struct {
	const char *msg;
	const char *hex;
} nist[] = {
	{"",
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc",
	 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	/* 448 bits */
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	/* 896 bits */
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	 "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

START_TEST(test_nist)
{
	char hex[65];
	hex_of(nist[_i].msg, strlen(nist[_i].msg), hex);
	ck_assert_str_eq(hex, nist[_i].hex);
}
END_TEST

/* n × 'a' around the 56-byte padding limit and the 64-byte block; expected
 * values from Python's hashlib. */
static const struct {
	size_t n;
	const char *hex;
} boundary[] = {
	{55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
	{56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
	{57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
	{63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
	{64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
	{65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
	{119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
	{120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
};

START_TEST(test_boundary)
{
	char msg[128], hex[65];
	ck_assert_uint_le(boundary[_i].n, sizeof(msg));
	memset(msg, 'a', boundary[_i].n);
	hex_of(msg, boundary[_i].n, hex);
	ck_assert_str_eq(hex, boundary[_i].hex);
}
END_TEST

/* NIST's long message: one million 'a', fed in uneven pieces so that the
 * block buffer is entered at every offset. */
START_TEST(test_million_a)
{
	static char chunk[997]; /* prime, so pieces straddle blocks */
	memset(chunk, 'a', sizeof(chunk));
	struct sha256 ctx;
	sha256_init(&ctx);
	size_t left = 1000000;
	while (left > 0) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		sha256_update(&ctx, chunk, n);
		left -= n;
	}
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[65];
	sha256_final(&ctx, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

/* Any split of a message into two updates gives the one-shot digest. */
START_TEST(test_split_updates)
{
	const char *msg = nist[3].msg;
	size_t len = strlen(msg);
	char want[65], got[65];
	hex_of(msg, len, want);
	for (size_t cut = 0; cut <= len; cut++) {
		struct sha256 ctx;
		uint8_t d[SHA256_DIGEST_LEN];
		sha256_init(&ctx);
		sha256_update(&ctx, msg, cut);
		sha256_update(&ctx, msg + cut, len - cut);
		sha256_final(&ctx, d);
		sha256_hex(d, got);
		ck_assert_msg(strcmp(got, want) == 0, "split at %zu", cut);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sha256");
	TCase *tc = tcase_create("vectors");
	tcase_add_loop_test(tc, test_nist, 0, sizeof(nist) / sizeof(nist[0]));
	tcase_add_loop_test(tc, test_boundary, 0,
			    sizeof(boundary) / sizeof(boundary[0]));
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_split_updates);
	suite_add_tcase(s, tc);
	return check_run(s);
}
