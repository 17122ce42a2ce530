/* tcp_forward — see tcp_forward.h. */
#include "tcp_forward.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errstr.h"

#define FORWARD_CONNECTIONS_MAX 64
#define FORWARD_POLL_MS 200 /* how often threads look at the stop flag */

struct tcp_forward {
	int listen_fd;
	struct sockaddr_in upstream;
	pthread_t acceptor;
	atomic_bool stopping;
	atomic_int active;
};

struct relay {
	struct tcp_forward *fwd;
	int client_fd;
};

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void *relay_main(void *arg)
{
	struct relay *r = arg;
	struct tcp_forward *fwd = r->fwd;
	int up = socket(AF_INET, SOCK_STREAM, 0);
	if (up >= 0 && connect(up, (struct sockaddr *)&fwd->upstream,
			       sizeof(fwd->upstream)) == 0) {
		struct pollfd pfd[2] = {{.fd = r->client_fd, .events = POLLIN},
					{.fd = up, .events = POLLIN}};
		char buf[65536];
		while (!atomic_load(&fwd->stopping)) {
			int n = poll(pfd, 2, FORWARD_POLL_MS);
			if (n < 0 && errno != EINTR)
				break;
			if (n <= 0)
				continue;
			int i = (pfd[0].revents != 0) ? 0 : 1;
			ssize_t got = read(pfd[i].fd, buf, sizeof(buf));
			if (got <= 0 || write_all(pfd[1 - i].fd, buf, (size_t)got) < 0)
				break;
		}
	}
	if (up >= 0)
		close(up);
	close(r->client_fd);
	atomic_fetch_sub(&fwd->active, 1);
	free(r);
	return NULL;
}

static void *accept_main(void *arg)
{
	struct tcp_forward *fwd = arg;
	struct pollfd pfd = {.fd = fwd->listen_fd, .events = POLLIN};
	while (!atomic_load(&fwd->stopping)) {
		if (poll(&pfd, 1, FORWARD_POLL_MS) <= 0)
			continue;
		int fd = accept(fwd->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		struct relay *r = malloc(sizeof(*r));
		if (r == NULL || atomic_load(&fwd->active) >= FORWARD_CONNECTIONS_MAX) {
			free(r);
			close(fd);
			continue;
		}
		r->fwd = fwd;
		r->client_fd = fd;
		atomic_fetch_add(&fwd->active, 1);
		pthread_t t;
		if (pthread_create(&t, NULL, relay_main, r) != 0) {
			atomic_fetch_sub(&fwd->active, 1);
			close(fd);
			free(r);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

int tcp_forward_start(int listen_port, const char *upstream,
		      struct tcp_forward **ret, char *errstr, size_t errstr_size)
{
	struct tcp_forward *fwd = calloc(1, sizeof(*fwd));
	if (fwd == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	char host[64];
	int port;
	const char *colon = strrchr(upstream, ':');
	if (colon == NULL || (size_t)(colon - upstream) >= sizeof(host) ||
	    sscanf(colon + 1, "%d", &port) != 1) {
		errstr_set(errstr, errstr_size, "bad upstream address %s", upstream);
		free(fwd);
		return -1;
	}
	memcpy(host, upstream, (size_t)(colon - upstream));
	host[colon - upstream] = '\0';
	fwd->upstream.sin_family = AF_INET;
	fwd->upstream.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &fwd->upstream.sin_addr) != 1) {
		errstr_set(errstr, errstr_size, "bad upstream host %s", host);
		free(fwd);
		return -1;
	}
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)listen_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int on = 1;
	fwd->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fwd->listen_fd < 0 ||
	    setsockopt(fwd->listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    bind(fwd->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fwd->listen_fd, 64) < 0) {
		errstr_set(errstr, errstr_size, "cannot listen on 127.0.0.1:%d: %s",
			listen_port, strerror(errno));
		if (fwd->listen_fd >= 0)
			close(fwd->listen_fd);
		free(fwd);
		return -1;
	}
	if (pthread_create(&fwd->acceptor, NULL, accept_main, fwd) != 0) {
		errstr_set(errstr, errstr_size, "cannot start the relay thread");
		close(fwd->listen_fd);
		free(fwd);
		return -1;
	}
	*ret = fwd;
	return 0;
}

void tcp_forward_stop(struct tcp_forward *fwd)
{
	if (fwd == NULL)
		return;
	atomic_store(&fwd->stopping, true);
	pthread_join(fwd->acceptor, NULL);
	close(fwd->listen_fd);
	/* Relay threads notice the flag within FORWARD_POLL_MS; wait for them
	 * so none touches fwd after it is freed. */
	while (atomic_load(&fwd->active) > 0)
		poll(NULL, 0, 10 /* ms */);
	free(fwd);
}
