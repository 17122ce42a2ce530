/* sortutil — qsort and bsearch that accept an empty array. The C library
 * declares their base pointer nonnull even when the count is 0, and an
 * empty vector's pointer is NULL here (UBSan reports it). */
#ifndef TASDID_SORTUTIL_H
#define TASDID_SORTUTIL_H

#include <stdlib.h>

static inline void sort_items(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static inline void *find_item(const void *key, const void *base, size_t n,
			      size_t size,
			      int (*cmp)(const void *, const void *))
{
	return n == 0 ? NULL : bsearch(key, base, n, size, cmp);
}

#endif
