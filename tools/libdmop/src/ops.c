// SPDX-License-Identifier: LGPL-2.1-only
/*
 * DMOP sub-op names: what allowlists and `dmop policy` are written in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "xen-dmop/dm-ops.h"

/* Xen 4.17's names, from the table the driver's fdinfo keys come from. */
static const char *const op_names[] = {
#define DM_OP DM_OP_NAME_INIT
#include "xen-dmop/dm-ops.h"
};

/* The public header's constant is the table's last sub-op: bump it with it. */
_Static_assert(ARRAY_SIZE(op_names) == DMOP_OP_MAX + 1,
	       "DMOP_OP_MAX in libdmop.h must be the highest sub-op of xen-dmop/dm-ops.h");

DMOP_EXPORT const char *dmop_op_name(uint32_t op)
{
	return op <= DMOP_OP_MAX ? op_names[op] : NULL;
}

/*
 * One list item (@len bytes at @s): a name, a decimal number, or "op<N>"
 * (how the driver's fdinfo writes sub-ops Xen 4.17 has no name for).
 */
int dmop_op_parse_one(const char *s, size_t len, uint32_t *op)
{
	char num[16];
	char *end;
	unsigned long v;

	if (!len)
		return -EINVAL;
	for (uint32_t i = 1; i <= DMOP_OP_MAX; i++) {
		if (op_names[i] && strlen(op_names[i]) == len && !strncmp(op_names[i], s, len)) {
			*op = i;
			return 0;
		}
	}
	if (len > 2 && !strncmp(s, "op", 2)) {
		s += 2;
		len -= 2;
	}
	if (len >= sizeof(num) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	v = strtoul(num, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*op = v;
	return 0;
}

DMOP_EXPORT int dmop_op_parse_list(const char *list, uint32_t *ops,
				   unsigned int max, unsigned int *nr)
{
	unsigned int n = 0;
	const char *p;

	if (!list || !nr || (max && !ops))
		return -EINVAL;
	if (!*list) {
		*nr = 0;
		return 0;
	}
	for (p = list;; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		uint32_t op;
		unsigned int i;
		int err = dmop_op_parse_one(p, len, &op);

		if (err)
			return err;
		for (i = 0; i < n && ops[i] != op; i++)
			;
		if (i == n) {
			if (n == max)
				return -E2BIG;
			ops[n++] = op;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*nr = n;
	return 0;
}

DMOP_EXPORT int dmop_op_format_list(const uint32_t *ops, unsigned int nr,
				    char *buf, size_t size)
{
	size_t len = 0;

	if (!buf || !size || (nr && !ops))
		return -EINVAL;
	buf[0] = '\0';
	for (unsigned int i = 0; i < nr; i++) {
		const char *name = dmop_op_name(ops[i]);
		int n;

		if (name)
			n = snprintf(buf + len, size - len, "%s%s", i ? "," : "", name);
		else
			n = snprintf(buf + len, size - len, "%s%u", i ? "," : "",
				     (unsigned int)ops[i]);
		if (n < 0 || (size_t)n >= size - len) {
			/* cut at the last whole item */
			buf[len] = '\0';
			return -ENOSPC;
		}
		len += n;
	}
	return 0;
}
