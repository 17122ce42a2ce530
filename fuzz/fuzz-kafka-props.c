/* fuzz-kafka-props — kafka_props_load_stream(), the reader of the `-F
 * FILE` Kafka properties file every program takes (kafka_props_load_file()
 * is fopen + this), on the input as a memory stream, into a list that
 * already holds one property (as after `-b`).
 *
 * Invariants: a refusal says "NAME:LINE: reason" with LINE between 1 and
 * the input's line count, and keeps the property that was there first;
 * an acceptance appends at most KAFKA_PROPS_MAX - 1 properties whose keys
 * are non-empty, hold no '=' and no line break, and neither keys nor values
 * start with a blank or end with a blank or CR; written back as
 * "key=value" lines they load again to the same list (the file's meaning
 * is what the list says). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kafka.h"

#define NAME "fuzz.properties"

static int load_bytes(struct kafka_props *p, const void *data, size_t size,
		      char *err, size_t err_size)
{
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "r");
	FUZZ_CHECK(in != NULL);
	int rc = kafka_props_load_stream(p, in, NAME, err, err_size);
	fclose(in);
	return rc;
}

/* What the reader trims: blanks at the start, blanks and the line's end
 * at the end (a CR at the start of a value is data, see
 * regress-kafka-props-leading-cr). */
static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static int blank_or_eol(char c)
{
	return blank(c) || c == '\r' || c == '\n';
}

static void check_prop(const struct kafka_prop *it)
{
	size_t kn = strlen(it->key), vn = strlen(it->value);
	FUZZ_CHECK(kn > 0 && strpbrk(it->key, "=\n") == NULL);
	FUZZ_CHECK(strchr(it->value, '\n') == NULL);
	FUZZ_CHECK(!blank(it->key[0]) && !blank_or_eol(it->key[kn - 1]));
	FUZZ_CHECK(vn == 0 || (!blank(it->value[0]) && !blank_or_eol(it->value[vn - 1])));
	FUZZ_CHECK(it->key[0] != '#' && it->key[0] != '!');
}

/* Write the appended properties back and load them again. */
static void check_round_trip(const struct kafka_props *p)
{
	size_t cap = 1, len = 0;
	for (size_t i = 1; i < p->count; i++)
		cap += strlen(p->items[i].key) + strlen(p->items[i].value) + 2;
	char *text = malloc(cap);
	FUZZ_CHECK(text != NULL);
	for (size_t i = 1; i < p->count; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s=%s\n",
					p->items[i].key, p->items[i].value);
	struct kafka_props q = {0};
	char err[512];
	FUZZ_CHECK(kafka_props_set(&q, "bootstrap.servers", "127.0.0.1:9092",
				   err, sizeof(err)) == 0);
	FUZZ_CHECK(load_bytes(&q, text, len, err, sizeof(err)) == 0);
	FUZZ_CHECK(q.count == p->count);
	for (size_t i = 0; i < p->count; i++)
		FUZZ_CHECK(strcmp(q.items[i].key, p->items[i].key) == 0 &&
			   strcmp(q.items[i].value, p->items[i].value) == 0);
	kafka_props_clear(&q);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kafka_props p = {0};
	char err[512] = "";
	FUZZ_CHECK(kafka_props_set(&p, "bootstrap.servers", "127.0.0.1:9092",
				   err, sizeof(err)) == 0);
	if (load_bytes(&p, data, size, err, sizeof(err)) < 0) {
		fuzz_check_name_line(err, NAME, data, size);
		FUZZ_CHECK(strcmp(p.items[0].value, "127.0.0.1:9092") == 0);
	} else {
		FUZZ_CHECK(p.count >= 1 && p.count <= KAFKA_PROPS_MAX);
		for (size_t i = 1; i < p.count; i++)
			check_prop(&p.items[i]);
		check_round_trip(&p);
	}
	kafka_props_clear(&p);
	return 0;
}
