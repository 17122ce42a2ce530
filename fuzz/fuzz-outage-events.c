/* fuzz-outage-events — outage_read_events_stream(), the reader of the
 * intake's event log (JSON lines with "ts_ms"), as `tasdid settle` calls it
 * through outage_read_events() (fopen + this), with small thresholds so
 * short inputs make windows: 2 events within 60 s.
 *
 * Invariants: a refusal says "NAME:LINE: reason" or "NAME: reason" and
 * leaves the list empty; on success every window lies within the events'
 * times (start <= end, start >= 0) and comes from "intake_events". */
#include <string.h>

#include "fuzz.h"
#include "outage.h"

#define NAME "fuzz-events.jsonl"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t empty[1];
	FILE *in = fmemopen((void *)(size ? data : empty), size, "rb");
	if (in == NULL)
		return 0;
	struct outage_list *ol = outage_new();
	FUZZ_CHECK(ol != NULL);
	char why[512] = "";
	if (outage_read_events_stream(ol, in, NAME, 2, 60 * 1000 /* 60 s */,
				      why, sizeof(why)) < 0) {
		FUZZ_CHECK(strncmp(why, NAME ":", strlen(NAME ":")) == 0);
		FUZZ_CHECK(outage_count(ol) == 0);
	} else {
		for (size_t i = 0; i < outage_count(ol); i++) {
			const struct outage_window *w = outage_at(ol, i);
			FUZZ_CHECK(w->start_ms >= 0 && w->start_ms <= w->end_ms);
			FUZZ_CHECK(strcmp(w->source, "intake_events") == 0);
		}
	}
	outage_free(ol);
	fclose(in);
	return 0;
}
