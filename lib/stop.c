/* stop — see stop.h. */
#include "stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signo;

static void on_stop(int signo)
{
	stop_signo = signo;
}

int stop_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

bool stop_requested(void)
{
	return stop_signo != 0;
}

int stop_signal(void)
{
	return stop_signo;
}
