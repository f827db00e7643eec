// SPDX-License-Identifier: LGPL-2.1-only
/*
 * The size rules of the structs a caller hands in (libdmop.h, libdmop(7)):
 * a caller built against an older header passes a shorter struct and the
 * library touches only its first sz bytes; one built against a newer header
 * passes a longer struct, accepted only when what this library does not
 * know of it is zero (it asked for nothing this library can do).
 */
#include <errno.h>

#include "internal.h"

int dmop_sz_check(const void *s, uint32_t sz, size_t min, size_t known)
{
	const unsigned char *p = s;

	if (sz < min)
		return -EINVAL;
	for (size_t i = known; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}
