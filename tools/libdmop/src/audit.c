// SPDX-License-Identifier: LGPL-2.1-only
/*
 * The audit ioctls of xen-dmop's privcmd: narrowing a file's DMOP allowlist
 * and reading its counters back, in the library's own struct so that the
 * kernel's may grow.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

_Static_assert(DMOP_AUDIT_NR_OPS == PRIVCMD_AUDIT_NR_OPS, "sub-ops with a bit");
_Static_assert(DMOP_DENIED_HYPERCALL == PRIVCMD_DENIED_HYPERCALL, "denied");
_Static_assert(DMOP_DENIED_DOMID == PRIVCMD_DENIED_DOMID, "denied");
_Static_assert(DMOP_DENIED_ALLOWLIST == PRIVCMD_DENIED_ALLOWLIST, "denied");
_Static_assert(DMOP_DENIED_NR <= PRIVCMD_AUDIT_DENIED_SLOTS, "denied");

/* libdmop 1.0's struct dmop_audit: no hole, the same on 32 and 64 bits */
_Static_assert(DMOP_AUDIT_SZ_1_0 == 1128, "struct dmop_audit of libdmop 1.0");
/* libdmop 1.1 appended the six irqfd/ioeventfd counters, nothing else */
_Static_assert(DMOP_AUDIT_SZ_1_1 == DMOP_AUDIT_SZ_1_0 + 6 * 8, "struct dmop_audit of 1.1");
_Static_assert(sizeof(struct dmop_audit) >= DMOP_AUDIT_SZ_1_1, "dmop_audit");
_Static_assert(PRIVCMD_AUDIT_QUERY_SIZE_V2 == sizeof(struct privcmd_audit_query),
	       "the audit query of the uapi header is version 2");

int dmop_ops_mask(const uint32_t *ops, unsigned int nr, uint64_t *mask)
{
	uint64_t m = 0;

	if (nr && !ops)
		return -EINVAL;
	for (unsigned int i = 0; i < nr; i++) {
		/* no bit for it: the kernel refuses such sub-ops under any list */
		if (ops[i] >= DMOP_AUDIT_NR_OPS)
			return -EINVAL;
		m |= 1ULL << ops[i];
	}
	*mask = m;
	return 0;
}

int dmop_allowlist_fd(int fd, uint64_t mask)
{
	struct privcmd_dm_op_allowlist a = {
		.size = sizeof(a),
		.allowed = mask,
	};

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP_ALLOWLIST, &a) < 0 ? -errno : 0;
}

DMOP_EXPORT int dmop_set_allowlist(struct dmop_handle *h, const uint32_t *ops,
				   unsigned int nr)
{
	uint64_t mask;
	int err;

	if (!h)
		return -EINVAL;
	err = dmop_ops_mask(ops, nr, &mask);
	if (err)
		return err;
	return dmop_allowlist_fd(h->privcmd_fd, mask);
}

DMOP_EXPORT int dmop_set_allowlist_str(struct dmop_handle *h, const char *list)
{
	uint32_t ops[DMOP_AUDIT_NR_OPS];
	unsigned int nr;
	int err;

	if (!h || !list)
		return -EINVAL;
	err = dmop_op_parse_list(list, ops, DMOP_AUDIT_NR_OPS, &nr);
	/* more than 64 distinct sub-ops: at least one has no bit */
	if (err == -E2BIG)
		return -EINVAL;
	if (err)
		return err;
	return dmop_set_allowlist(h, ops, nr);
}

int dmop_query_fd(int fd, struct dmop_audit *a)
{
	struct privcmd_audit_query q;

	memset(&q, 0, sizeof(q));
	q.size = sizeof(q);
	if (ioctl(fd, IOCTL_PRIVCMD_AUDIT_QUERY, &q) < 0)
		return -errno;
	memset(a, 0, sizeof(*a));
	a->sz = sizeof(*a);
	a->have = DMOP_HAVE_COUNTERS | DMOP_HAVE_ALLOWLIST | DMOP_HAVE_DENIED |
		  DMOP_HAVE_MAPPED;
	a->restricted_domid = (q.state & PRIVCMD_AUDIT_RESTRICTED) ?
			      q.restricted_domid : DMOP_RESTRICT_NONE;
	a->allowlist_set = !!(q.state & PRIVCMD_AUDIT_ALLOWLIST_SET);
	a->allowed = q.allowed;
	a->dm_ops = q.dm_ops;
	a->dm_ops_denied = q.dm_ops_denied;
	a->mapped_pages = q.mapped_pages;
	for (int i = 0; i < DMOP_DENIED_NR; i++)
		a->denied[i] = q.denied[i];
	for (int i = 0; i < DMOP_AUDIT_NR_OPS; i++) {
		a->calls[i] = q.calls[i];
		a->failures[i] = q.failures[i];
	}
	a->calls_other = q.calls_other;
	a->failures_other = q.failures_other;
	/* a driver with only version 1 answers it, whatever size we asked */
	if (q.version >= 2 && q.size >= PRIVCMD_AUDIT_QUERY_SIZE_V2) {
		a->have |= DMOP_HAVE_EVENTFDS;
		a->irqfds = q.irqfds;
		a->irqfd_injections = q.irqfd_injections;
		a->irqfd_denied = q.irqfd_denied;
		a->ioeventfds = q.ioeventfds;
		a->ioeventfd_notifies = q.ioeventfd_notifies;
		a->ioeventfd_denied = q.ioeventfd_denied;
	}
	return 0;
}

void dmop_audit_copy_out(struct dmop_audit *a, struct dmop_audit *full)
{
	full->sz = a->sz;
	/* a caller built against 1.0 has no room for them: no bit either */
	if (a->sz < DMOP_AUDIT_SZ_1_1) {
		full->have &= ~DMOP_HAVE_EVENTFDS;
		memset((char *)full + DMOP_AUDIT_SZ_1_0, 0,
		       DMOP_AUDIT_SZ_1_1 - DMOP_AUDIT_SZ_1_0);
	}
	memcpy(a, full, dmop_sz_used(a->sz, sizeof(*full)));
}

DMOP_EXPORT int dmop_query(struct dmop_handle *h, struct dmop_audit *a)
{
	struct dmop_audit full;
	int err;

	if (!h || !a)
		return -EINVAL;
	err = dmop_sz_check(a, a->sz, DMOP_AUDIT_SZ_1_0, sizeof(full));
	if (err)
		return err;
	err = dmop_query_fd(h->privcmd_fd, &full);
	if (err)
		return err;
	/* the caller's sz stays; nothing past it is written */
	dmop_audit_copy_out(a, &full);
	return 0;
}

DMOP_EXPORT unsigned int dmop_audit_ops(uint64_t mask, uint32_t *ops)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < DMOP_AUDIT_NR_OPS; i++)
		if (mask & (1ULL << i))
			ops[n++] = i;
	return n;
}
