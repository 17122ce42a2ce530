/* stop — graceful-stop signals for long-running commands. The handlers only
 * set a volatile sig_atomic_t flag (all a handler may safely do); loops
 * poll stop_requested() with short timeouts. */
#ifndef TASDID_STOP_H
#define TASDID_STOP_H

#include <stdbool.h>

/* Install handlers for SIGINT and SIGTERM, and ignore SIGPIPE (a peer that
 * hangs up must not kill a server). Returns 0, or -1 if sigaction fails. */
int stop_install(void);

/* True once SIGINT or SIGTERM has arrived. */
bool stop_requested(void);

/* Which signal stopped us (0 when none): SIGINT and SIGTERM both stop
 * gracefully, but a caller may want to log which. */
int stop_signal(void);

#endif
