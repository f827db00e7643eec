/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libdmop internals: the kernel ABI it speaks and what the pieces share.
 */
#ifndef LIBDMOP_INTERNAL_H
#define LIBDMOP_INTERNAL_H

#include <stdint.h>
#include <linux/ioctl.h>

#include "libdmop.h"

/* Everything is hidden (-fvisibility=hidden) unless marked. */
#define DMOP_EXPORT __attribute__((visibility("default")))

/*
 * The upstream privcmd/evtchn ioctl ABI (Linux include/uapi/xen/privcmd.h
 * and evtchn.h), which xen-dmop's drivers keep. Written out here until
 * xen-dmop's own include/uapi/xen/privcmd.h is committed; then this block
 * becomes an #include of it.
 */
struct dmop_k_hypercall {
	uint64_t op;
	uint64_t arg[5];
};

struct dmop_k_dm_op_buf {
	void *uptr;
	size_t size;
};

struct dmop_k_dm_op {
	uint16_t dom;
	uint16_t num;
	const struct dmop_k_dm_op_buf *ubufs;
};

struct dmop_k_evtchn_restrict {
	uint16_t domid;
};

#define DMOP_IOCTL_PRIVCMD_HYPERCALL \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct dmop_k_hypercall))
#define DMOP_IOCTL_PRIVCMD_DM_OP \
	_IOC(_IOC_NONE, 'P', 5, sizeof(struct dmop_k_dm_op))
#define DMOP_IOCTL_PRIVCMD_RESTRICT \
	_IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))
#define DMOP_IOCTL_EVTCHN_RESTRICT_DOMID \
	_IOC(_IOC_NONE, 'E', 6, sizeof(struct dmop_k_evtchn_restrict))

/* Xen's __HYPERVISOR_xen_version / XENVER_version: the harmless probe. */
#define DMOP_HYPERVISOR_XEN_VERSION	17
#define DMOP_XENVER_VERSION		0

#define DMOP_PRIVCMD_PATH	"/dev/xen/privcmd"
#define DMOP_EVTCHN_PATH	"/dev/xen/evtchn"

struct dmop_handle {
	int privcmd_fd;
	int evtchn_fd;
	uint16_t restricted;	/* DMOP_DOMID_INVALID until restricted */
	/*
	 * The allowlist ioctl (audit issue) will set the kernel's list here
	 * and keep a copy for dmop_after_setup()'s verification.
	 */
};

/* The fd's device, from its rdev or path: DMOP_DEV_* or -1 (neither). */
int dmop_fd_kind(int fd);

/* Restrict one file of kind @kind to @domid: 0 or -errno. */
int dmop_restrict_fd(int fd, int kind, uint16_t domid);

/* JSON string escaping into @f (quotes included); -EIO on write error. */
int dmop_json_string(FILE *f, const char *s);

#endif /* LIBDMOP_INTERNAL_H */
