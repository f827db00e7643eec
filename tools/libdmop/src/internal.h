/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libdmop internals: the kernel ABI it speaks and what the pieces share.
 */
#ifndef LIBDMOP_INTERNAL_H
#define LIBDMOP_INTERNAL_H

#include <stdint.h>

#include "libdmop.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Everything is hidden (-fvisibility=hidden) unless marked. */
#define DMOP_EXPORT __attribute__((visibility("default")))

/*
 * The privcmd/evtchn ioctl ABI: xen-dmop's uapi headers, whose numbers and
 * layouts are upstream's, so the library works on the distro's drivers too.
 */
#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

/* Xen's __HYPERVISOR_xen_version / XENVER_version: the harmless probe. */
#define DMOP_HYPERVISOR_XEN_VERSION	17
#define DMOP_XENVER_VERSION		0

#define DMOP_PRIVCMD_PATH	"/dev/xen/privcmd"
#define DMOP_EVTCHN_PATH	"/dev/xen/evtchn"

struct dmop_handle {
	int privcmd_fd;
	int evtchn_fd;
	uint16_t restricted;	/* DMOP_DOMID_INVALID until restricted */
};

/* The fd's device, from its rdev or path: DMOP_DEV_* or -1 (neither). */
int dmop_fd_kind(int fd);

/* Restrict one file of kind @kind to @domid: 0 or -errno. */
int dmop_restrict_fd(int fd, int kind, uint16_t domid);

/* Narrow one privcmd file to the sub-ops of @mask: 0 or -errno. */
int dmop_allowlist_fd(int fd, uint64_t mask);

/* The sub-ops at @ops as a mask: 0, or -EINVAL for one >= 64. */
int dmop_ops_mask(const uint32_t *ops, unsigned int nr, uint64_t *mask);

/* IOCTL_PRIVCMD_AUDIT_QUERY on @fd into @a: 0 or -errno. */
int dmop_query_fd(int fd, struct dmop_audit *a);

/* One sub-op of a list (name, number or "op<N>"): 0 or -EINVAL. */
int dmop_op_parse_one(const char *s, size_t len, uint32_t *op);

/* JSON string escaping into @f (quotes included); -EIO on write error. */
int dmop_json_string(FILE *f, const char *s);

#endif /* LIBDMOP_INTERNAL_H */
