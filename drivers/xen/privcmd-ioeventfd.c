// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_IOEVENTFD, upstream's checks only.
 *
 * The in-kernel completion of virtio-mmio notify writes is not implemented
 * yet: a request that passes every check upstream makes is answered
 * EOPNOTSUPP, as Debian's 6.12 in-tree driver answers (it is built without
 * CONFIG_XEN_PRIVCMD_EVENTFD), so that a backend keeps serving the notify
 * writes on its ioreq loop. Nothing is ever registered, so a deassign
 * finds nothing (upstream's ENODEV).
 */

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/uaccess.h>

#include "privcmd.h"

static_assert(sizeof(struct privcmd_ioeventfd) == 48);
static_assert(offsetof(struct privcmd_ioeventfd, dom) == 44);

/* Upstream's limit on the vCPUs (and ports) of one ioreq server. */
#define PRIVCMD_IOEVENTFD_MAX_VCPUS	4096

static long ioeventfd_check_eventfd(int fd)
{
	struct eventfd_ctx *eventfd = eventfd_ctx_fdget(fd);

	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	eventfd_ctx_put(eventfd);
	return 0;
}

static long ioeventfd_assign(const struct privcmd_ioeventfd *req)
{
	long rc;

	if (req->addr + req->addr_len < req->addr)
		return -EINVAL;
	/* What vhost needs, as upstream. */
	if (req->addr_len != 1 && req->addr_len != 2 && req->addr_len != 4 &&
	    req->addr_len != 8)
		return -EINVAL;
	if (!req->vcpus || req->vcpus > PRIVCMD_IOEVENTFD_MAX_VCPUS)
		return -EINVAL;
	rc = ioeventfd_check_eventfd(req->event_fd);
	if (rc)
		return rc;
	return -EOPNOTSUPP;
}

long privcmd_ioctl_ioeventfd(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_ioeventfd req;
	bool counted;
	long rc;

	if (copy_from_user(&req, udata, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~PRIVCMD_IOEVENTFD_FLAG_DEASSIGN)
		return -EINVAL;
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_IOEVENTFD, req.dom, &counted);
	if (rc)
		return rc;
	if (req.flags & PRIVCMD_IOEVENTFD_FLAG_DEASSIGN) {
		rc = ioeventfd_check_eventfd(req.event_fd);
		if (!rc)
			rc = -ENODEV;
	} else {
		rc = ioeventfd_assign(&req);
	}
	privcmd_unrestricted_end(pf, counted);
	return rc;
}
