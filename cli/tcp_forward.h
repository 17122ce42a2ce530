/* tcp_forward — relay a fixed loopback port to another loopback address.
 *
 * librdkafka's mock cluster binds random ports and has no way to choose
 * one, so `tasdid broker --port P` listens on P itself and relays each
 * connection to the first mock broker. Clients bootstrap through P; the
 * metadata they receive then names the brokers' own ports, which they
 * connect to directly. One thread per relayed connection, bounded. */
#ifndef TASDID_TCP_FORWARD_H
#define TASDID_TCP_FORWARD_H

#include <stddef.h>

struct tcp_forward;

/* Listen on 127.0.0.1:listen_port and relay to upstream ("HOST:PORT").
 * Returns 0 and *ret (free with tcp_forward_stop), or -1 with errstr. */
int tcp_forward_start(int listen_port, const char *upstream,
		      struct tcp_forward **ret, char *errstr,
		      size_t errstr_size);

/* Stop accepting, close relayed connections, free; NULL is fine. */
void tcp_forward_stop(struct tcp_forward *fwd);

#endif
