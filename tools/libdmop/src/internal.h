/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libdmop internals: the kernel ABI it speaks and what the pieces share.
 */
#ifndef LIBDMOP_INTERNAL_H
#define LIBDMOP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libdmop.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))

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

/* Which Xen device a file is. */
enum dmop_dev {
	DMOP_DEV_PRIVCMD = 0,
	DMOP_DEV_EVTCHN = 1,
};

/* The fd's device, from its rdev or path: DMOP_DEV_* or -1 (neither). */
int dmop_fd_kind(int fd);

/* Restrict one file of kind @kind to @domid: 0 or -errno. */
int dmop_restrict_fd(int fd, int kind, uint16_t domid);

/* Narrow one privcmd file to the sub-ops of @mask: 0 or -errno. */
int dmop_allowlist_fd(int fd, uint64_t mask);

/* The sub-ops at @ops as a mask: 0, or -EINVAL for one >= 64. */
int dmop_ops_mask(const uint32_t *ops, unsigned int nr, uint64_t *mask);

/* IOCTL_PRIVCMD_AUDIT_QUERY on @fd into @a (the whole struct): 0 or -errno. */
int dmop_query_fd(int fd, struct dmop_audit *a);

/* One sub-op of a list (name, number or "op<N>"): 0 or -EINVAL. */
int dmop_op_parse_one(const char *s, size_t len, uint32_t *op);

/*
 * The sz rules of the public header for one struct the caller hands in:
 * @sz must cover the struct of libdmop 1.0 (@min, the end of its last
 * field: -EINVAL otherwise), and whatever lies past the @known bytes of this
 * library's struct must be zero (-E2BIG otherwise). Return: 0 or -errno.
 */
int dmop_sz_check(const void *s, uint32_t sz, size_t min, size_t known);

/* The number of bytes of a checked struct the library reads or writes. */
static inline size_t dmop_sz_used(uint32_t sz, size_t known)
{
	return sz < known ? sz : known;
}

/* The smallest sz each struct accepts: its libdmop 1.0 size. */
#define DMOP_AUDIT_SZ_1_0	offsetofend(struct dmop_audit, evtchn_denied)
#define DMOP_SETUP_OPTS_SZ_1_0	offsetofend(struct dmop_setup_opts, nr_extra_fds)
#define DMOP_SETUP_REPORT_SZ_1_0 offsetofend(struct dmop_setup_report, message)
/* struct dmop_audit as libdmop 1.1 grew it (the DMOP_HAVE_EVENTFDS group). */
#define DMOP_AUDIT_SZ_1_1	offsetofend(struct dmop_audit, ioeventfd_denied)
/* struct dmop_ioeventfd as libdmop 1.1 brought it. */
#define DMOP_IOEVENTFD_SZ_1_1	offsetofend(struct dmop_ioeventfd, addr)

/*
 * Hand @full (the library's whole struct) to a caller's @a, whose sz was
 * checked: its first sz bytes, sz kept, the have bits of groups past sz
 * cleared. Cannot fail.
 */
void dmop_audit_copy_out(struct dmop_audit *a, struct dmop_audit *full);

#endif /* LIBDMOP_INTERNAL_H */
