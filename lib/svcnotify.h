#ifndef TASDID_SVCNOTIFY_H
#define TASDID_SVCNOTIFY_H

/* svcnotify — tell systemd (a Type=notify unit) how the service is doing,
 * through libsystemd's sd_notify. Every call is a no-op when the process
 * was not started with NOTIFY_SOCKET (by hand, in tests, under cron), and
 * none can fail in a way the caller must handle: a lost notification only
 * makes systemd wait, which its timeouts bound. Not thread-safe: call from
 * the one thread that runs the service's main loop. */

/* READY=1, the first time only: call it each time round the main loop
 * once the service really serves (listener up, Kafka reached, partitions
 * assigned), and again later without cost. */
void svcnotify_ready(void);

/* WATCHDOG=1 when the unit has WatchdogSec= set, at most once per quarter
 * of that interval however often it is called: call it from the main loop,
 * so a loop that hangs stops the pings and systemd restarts the service. */
void svcnotify_watchdog(void);

/* STOPPING=1: shutdown has begun (systemd then expects no READY). */
void svcnotify_stopping(void);

#endif
