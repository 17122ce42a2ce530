#include "svcnotify.h"

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-daemon.h>

#include "timeutil.h"

static bool ready_sent;
/* Watchdog: -1 not asked yet, 0 disabled, else ping interval in ms. */
static int64_t watchdog_every_ms = -1;
static int64_t watchdog_next_ms;

void svcnotify_ready(void)
{
	if (ready_sent)
		return;
	ready_sent = true;
	/* unset_environment 0: children of ours are not services. */
	sd_notify(0, "READY=1");
}

void svcnotify_watchdog(void)
{
	if (watchdog_every_ms < 0) {
		uint64_t usec = 0;
		/* > 0 only when WATCHDOG_USEC is set for this very pid. */
		watchdog_every_ms = sd_watchdog_enabled(0, &usec) > 0
			? (int64_t)(usec / 1000 / 4) : 0;
		if (watchdog_every_ms == 0 && usec > 0)
			watchdog_every_ms = 1;
	}
	if (watchdog_every_ms == 0)
		return;
	int64_t now_ms = time_mono_ms();
	if (now_ms < watchdog_next_ms)
		return;
	watchdog_next_ms = now_ms + watchdog_every_ms;
	sd_notify(0, "WATCHDOG=1");
}

void svcnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
