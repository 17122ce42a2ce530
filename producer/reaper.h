/* reaper — a total deadline for reading each HTTP request of the intake
 * (docs/security.md, "Slow clients").
 *
 * libmicrohttpd 0.9.75's connection timeout is an idle timeout: it restarts
 * at every byte received, so a client dribbling its request one byte at a
 * time keeps a connection (one of connections_max) forever. The reaper
 * follows every connection through libmicrohttpd's connection notification
 * and URI-log callbacks plus hooks in the access handler, and bounds each
 * phase of a request by request_timeout_ms from the moment its request line
 * was read:
 *
 *   phase       from                      cut by the reaper thread at
 *   IDLE        accept, or the last answer since + idle + request_timeout
 *   HEADERS     request line read          since + request_timeout
 *   BODY        headers complete (handler) since + idle + request_timeout
 *               (the handler answers 408 at the first body chunk after
 *               since + request_timeout: reaper_overdue())
 *   ANSWERING   body complete              never (answer_timeout_ms rules)
 *
 * A connection idle without sending is closed by libmicrohttpd's idle
 * timeout before the reaper's IDLE deadline; the reaper only catches a
 * request line dribbled over longer than that. To cut, the reaper calls
 * shutdown(fd, SHUT_RDWR) — libmicrohttpd then sees the end of the stream
 * and closes and frees the connection itself. It holds its lock while
 * doing so, and the CLOSED notification (called before libmicrohttpd
 * closes the descriptor) takes the same lock, so the descriptor cannot
 * have been reused by then. */
#ifndef TASDID_REAPER_H
#define TASDID_REAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "metrics.h"

/* Bounds of [intake] request_timeout_ms (docs/configuration.md). */
#define REAPER_REQUEST_TIMEOUT_MS_MIN 100
#define REAPER_REQUEST_TIMEOUT_MS_MAX 600000

enum reaper_phase {
	REAPER_IDLE,
	REAPER_HEADERS,
	REAPER_BODY,
	REAPER_ANSWERING,
};

struct reaper;

/* Start the reaper thread. request_timeout_ms within the bounds above;
 * idle_timeout_ms is libmicrohttpd's connection timeout (> 0). m (not
 * owned, must outlive the reaper) counts what is cut. Returns 0 and *ret,
 * or -1 with errstr. */
int reaper_start(int64_t request_timeout_ms, int64_t idle_timeout_ms,
		 struct metrics *m, struct reaper **ret, char *errstr,
		 size_t errstr_size);

/* Stop the thread and free. Call after MHD_stop_daemon() (every
 * connection has then had its CLOSED notification). NULL is fine. */
void reaper_stop(struct reaper *rp);

/* Give both to MHD_start_daemon with the reaper as their closure:
 * MHD_OPTION_NOTIFY_CONNECTION, reaper_notify_connection, rp,
 * MHD_OPTION_URI_LOG_CALLBACK, reaper_uri_log, rp.
 * reaper_uri_log returns NULL: the request's initial con_cls. */
void reaper_notify_connection(void *cls, struct MHD_Connection *c,
			      void **socket_context,
			      enum MHD_ConnectionNotificationCode toe);
void *reaper_uri_log(void *cls, const char *uri, struct MHD_Connection *c);

/* The access handler: the connection's request enters phase p (BODY on
 * its first call, ANSWERING once the body is complete, IDLE when the
 * request is completed). HEADERS is entered by reaper_uri_log. A
 * connection the reaper does not follow is ignored. */
void reaper_enter(struct MHD_Connection *c, enum reaper_phase p);

/* libmicrohttpd 0.9.75 refuses MHD_queue_response() while a request body
 * is being read, so a 408 at a body chunk is written here, directly on the
 * connection's socket: status line, Connection: close, Date, Content-Type
 * application/json, Content-Length, then json. The writing side is then
 * shut (FIN), and the reaper closes the reading side at its next tick, so
 * libmicrohttpd closes and frees the connection; the access handler must
 * drop the rest of the body and answer nothing else. Call only from the
 * access handler, and only before anything was queued for the request.
 * Returns 0, or -1 when the answer could not be written whole (the
 * connection is cut anyway). */
int reaper_answer_overdue(struct MHD_Connection *c, const char *json,
			  size_t json_len);

/* True when the connection's request is in BODY and request_timeout_ms
 * has passed since its request line: answer 408. Counts it once. */
bool reaper_overdue(struct MHD_Connection *c);

#endif
