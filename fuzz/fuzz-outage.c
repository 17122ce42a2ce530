/* fuzz-outage — outage_read_stream(), the reader of the operator's outage
 * file (outage_read_file() is fopen + this), on the input as a memory
 * stream, into a list that already holds one window.
 *
 * Invariants: a refusal says "NAME:LINE: reason" and leaves the list as it
 * was (one window); an acceptance adds windows with start <= end, sorted,
 * from "outage_file". Everything is freed. */
#include <string.h>

#include "fuzz.h"
#include "outage.h"

#define NAME "fuzz-outage.csv"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct outage_list *ol = outage_new();
	FUZZ_CHECK(ol != NULL);
	const struct outage_window first = {.start_ms = 5, .end_ms = 7,
					    .source = "intake_events"};
	FUZZ_CHECK(outage_add(ol, &first) == 0);
	char why[512] = "";
	if (outage_read_stream(ol, in, NAME, why, sizeof(why)) < 0) {
		FUZZ_CHECK(strncmp(why, NAME ":", strlen(NAME ":")) == 0);
		FUZZ_CHECK(outage_count(ol) == 1);
		FUZZ_CHECK(outage_at(ol, 0)->end_ms == 7);
	} else {
		size_t n = outage_count(ol);
		FUZZ_CHECK(n >= 1);
		for (size_t i = 0; i < n; i++) {
			const struct outage_window *w = outage_at(ol, i);
			FUZZ_CHECK(w->start_ms <= w->end_ms);
			FUZZ_CHECK(i == 0 || outage_at(ol, i - 1)->start_ms <= w->start_ms);
			FUZZ_CHECK(memchr(w->description, '\0', sizeof(w->description)) != NULL);
		}
	}
	outage_free(ol);
	fclose(in);
	return 0;
}
