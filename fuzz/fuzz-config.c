/* fuzz-config — config_load_string(), the whole INI check that
 * config_load() runs on a file's text.
 *
 * config_load() refuses a file holding a NUL byte before parsing, so such
 * inputs are skipped here; the rest is copied with a terminating NUL, as
 * config_load() does. The directory for relative paths does not exist:
 * loading must not touch the file system.
 *
 * Invariants: a refusal says "fuzz.ini:LINE: reason"; an accepted config
 * answers every accessor for every item it reports (billers, banks,
 * terminals, [kafka] entries) with NUL-terminated values, each biller has a
 * currency, every terminal's bank is a configured bank, and lookups by id
 * find the item itself; config_free() frees it all. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define NAME "fuzz.ini"

static void check_str(const char *s, size_t size)
{
	FUZZ_CHECK(memchr(s, '\0', size) != NULL);
}

static void check_config(const struct config *cfg)
{
	for (size_t i = 0; i < config_biller_count(cfg); i++) {
		const struct config_biller *b = config_biller_at(cfg, i);
		check_str(b->id, sizeof(b->id));
		check_str(b->name, sizeof(b->name));
		check_str(b->topic, sizeof(b->topic));
		check_str(b->ledger_path, sizeof(b->ledger_path));
		FUZZ_CHECK(b->currency != NULL);
		FUZZ_CHECK(config_biller_find(cfg, b->id) == b);
	}
	for (size_t i = 0; i < config_bank_count(cfg); i++) {
		const struct config_bank *b = config_bank_at(cfg, i);
		check_str(b->id, sizeof(b->id));
		FUZZ_CHECK(config_bank_find(cfg, b->id) == b);
	}
	for (size_t i = 0; i < config_terminal_count(cfg); i++) {
		const struct config_terminal *t = config_terminal_at(cfg, i);
		check_str(t->id, sizeof(t->id));
		FUZZ_CHECK(config_bank_find(cfg, t->bank) != NULL);
		FUZZ_CHECK(config_terminal_find(cfg, t->bank, t->id) == t);
	}
	for (size_t i = 0; i < config_kafka_count(cfg); i++) {
		const struct config_entry *e = config_kafka_at(cfg, i);
		check_str(e->key, sizeof(e->key));
		check_str(e->value, sizeof(e->value));
	}
	/* An integer key as the programs read it, whatever its text. */
	int64_t v = 0;
	char why[512];
	(void)config_get_int64(cfg, "topics", "partitions", 1, 1, 1000, &v, why,
			       sizeof(why));
	(void)config_get_str(cfg, "settle", "timezone", "UTC");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size) != NULL)
		return 0;
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct config *cfg = NULL;
	char why[1024] = "";
	if (config_load_string(text, NAME, "/nonexistent-tasdid-fuzz", &cfg, why,
			       sizeof(why)) < 0) {
		FUZZ_CHECK(cfg == NULL);
		FUZZ_CHECK(strncmp(why, NAME ":", strlen(NAME ":")) == 0);
	} else {
		FUZZ_CHECK(cfg != NULL);
		check_config(cfg);
		config_free(cfg);
	}
	free(text);
	return 0;
}
