/* intopt — see intopt.h. */
#include "intopt.h"

#include <errno.h>
#include <stdlib.h>

int intopt_parse(const char *s, int64_t min, int64_t max, int64_t *ret)
{
	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*ret = (int64_t)v;
	return 0;
}
