/* intopt — the one parser of integer options and settings: every
 * command's numeric options (--port, --count, --timeout-ms …) and the
 * config file's integers. Decimal only, the whole text (no trailing
 * characters, no empty string), within [min, max]. Leading blanks and a
 * sign are accepted, as strtoll and every parser this replaced did. */
#ifndef TASDID_INTOPT_H
#define TASDID_INTOPT_H

#include <stdint.h>

/* Returns 0 with *ret set, or -1 (*ret untouched) when s is not a decimal
 * integer in [min, max]. The caller names the option in its message. */
int intopt_parse(const char *s, int64_t min, int64_t max, int64_t *ret);

#endif
