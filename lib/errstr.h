/* errstr — the one way tasdid code reports why something failed: a
 * caller-provided buffer (librdkafka's `char *errstr, size_t errstr_size`
 * convention), filled with a printf-style message. */
#ifndef TASDID_ERRSTR_H
#define TASDID_ERRSTR_H

#include <stddef.h>

/* Format the reason into errstr (truncated to fit, always NUL-terminated).
 * errstr may be NULL or errstr_size 0 when the caller does not want it. */
void errstr_set(char *errstr, size_t errstr_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
