// SPDX-License-Identifier: LGPL-2.1-only
/*
 * What a backend needs besides DMOPs to serve ioreqs: the server's pages
 * mapped (IOCTL_PRIVCMD_MMAP_RESOURCE), the vCPUs' event channels
 * (IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_NOTIFY), and the kernel's
 * fast path (IOCTL_PRIVCMD_IRQFD, IOCTL_PRIVCMD_IOEVENTFD). The arguments
 * are checked here before the kernel sees them, so that the distribution's
 * driver and xen-dmop's give the same answers where they differ and no
 * size is truncated into the kernel's 32-bit fields.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* Xen's public headers expect the fixed-width types to be there */
#include <xen/xen.h>
#include <xen/memory.h>

#include "internal.h"

_Static_assert(DMOP_IOREQ_FRAME_BUFIOREQ == XENMEM_resource_ioreq_server_frame_bufioreq,
	       "bufioreq frame");
_Static_assert(DMOP_IOREQ_FRAME_IOREQ(3) == XENMEM_resource_ioreq_server_frame_ioreq(3),
	       "ioreq frames");
_Static_assert(DMOP_IOEVENTFD_SZ_1_1 == sizeof(struct dmop_ioeventfd),
	       "struct dmop_ioeventfd of libdmop 1.1 has no tail padding");

/* The driver's bounds on an ioeventfd (include/uapi/xen/privcmd.h). */
#define IOEVENTFD_MAX_VCPUS	4096U

/* @nr frames as a length, or 0 when @nr is 0 or does not fit. */
static size_t frames_len(unsigned int nr)
{
	uint64_t len = (uint64_t)nr * DMOP_XEN_PAGE_SIZE;

	/* a 32-bit size_t cannot hold every count of frames */
	return len == (size_t)len ? (size_t)len : 0;
}

DMOP_EXPORT int dmop_map_ioreq_pages(struct dmop_handle *h, uint16_t domid,
				     dmop_ioservid_t id, unsigned int first,
				     unsigned int nr, void **addr)
{
	struct privcmd_mmap_resource res = {
		.dom = domid,
		.type = XENMEM_resource_ioreq_server,
		.id = id,
		.idx = first,
		.num = nr,
	};
	size_t len = frames_len(nr);
	void *p;
	int err;

	if (!addr || !len)
		return -EINVAL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, h->privcmd_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	res.addr = (uintptr_t)p;
	if (ioctl(h->privcmd_fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res) < 0) {
		err = -errno;
		munmap(p, len);
		return err;
	}
	*addr = p;
	return 0;
}

DMOP_EXPORT int dmop_unmap_ioreq_pages(void *addr, unsigned int nr)
{
	size_t len = frames_len(nr);

	if (!addr || !len)
		return -EINVAL;
	return munmap(addr, len) ? -errno : 0;
}

DMOP_EXPORT int dmop_evtchn_bind_interdomain(struct dmop_handle *h,
					     uint16_t domid,
					     uint32_t remote_port,
					     uint32_t *local_port)
{
	struct ioctl_evtchn_bind_interdomain bind = {
		.remote_domain = domid,
		.remote_port = remote_port,
	};
	int port;

	if (h->evtchn_fd < 0)
		return -EBADF;
	if (!local_port)
		return -EINVAL;
	/* the new local port is the ioctl's return value */
	port = ioctl(h->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);
	if (port < 0)
		return -errno;
	*local_port = port;
	return 0;
}

DMOP_EXPORT int dmop_evtchn_notify(struct dmop_handle *h, uint32_t port)
{
	struct ioctl_evtchn_notify n = { .port = port };

	if (h->evtchn_fd < 0)
		return -EBADF;
	return ioctl(h->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -errno : 0;
}

static int irqfd(struct dmop_handle *h, struct privcmd_irqfd *arg)
{
	return ioctl(h->privcmd_fd, IOCTL_PRIVCMD_IRQFD, arg) < 0 ? -errno : 0;
}

DMOP_EXPORT int dmop_irqfd_assign(struct dmop_handle *h, uint16_t domid,
				  int eventfd, const void *dm_op, size_t size)
{
	struct privcmd_irqfd arg = {
		.dm_op = (uintptr_t)dm_op,
		.size = size,
		.fd = eventfd,
		.dom = domid,
	};

	if (eventfd < 0)
		return -EBADF;
	if (!dm_op || !size)
		return -EINVAL;
	/* the kernel's field is 32 bits: refuse here what it would truncate */
	if (size > DMOP_IRQFD_MAX_SIZE)
		return -E2BIG;
	return irqfd(h, &arg);
}

DMOP_EXPORT int dmop_irqfd_deassign(struct dmop_handle *h, uint16_t domid,
				    int eventfd)
{
	struct privcmd_irqfd arg = {
		.fd = eventfd,
		.flags = PRIVCMD_IRQFD_FLAG_DEASSIGN,
		.dom = domid,
	};

	if (eventfd < 0)
		return -EBADF;
	return irqfd(h, &arg);
}

/* Check @io by the sz rules and the driver's bounds, into the kernel's @arg. */
static int ioeventfd_arg(const struct dmop_ioeventfd *io, uint16_t domid,
			 uint32_t flags, struct privcmd_ioeventfd *arg)
{
	struct dmop_ioeventfd o = { 0 };
	int err;

	if (!io)
		return -EINVAL;
	err = dmop_sz_check(io, io->sz, DMOP_IOEVENTFD_SZ_1_1, sizeof(o));
	if (err)
		return err;
	memcpy(&o, io, dmop_sz_used(io->sz, sizeof(o)));
	if (o.flags || !o.ioreq || !o.ports)
		return -EINVAL;
	if (!o.vcpus || o.vcpus > IOEVENTFD_MAX_VCPUS)
		return -EINVAL;
	if (o.addr_len != 1 && o.addr_len != 2 && o.addr_len != 4 && o.addr_len != 8)
		return -EINVAL;
	if (o.addr + o.addr_len < o.addr)
		return -EINVAL;
	if (o.event_fd < 0)
		return -EBADF;
	*arg = (struct privcmd_ioeventfd){
		.ioreq = (uintptr_t)o.ioreq,
		.ports = (uintptr_t)o.ports,
		.addr = o.addr,
		.addr_len = o.addr_len,
		.event_fd = o.event_fd,
		.vcpus = o.vcpus,
		.vq = o.vq,
		.flags = flags,
		.dom = domid,
	};
	return 0;
}

static int ioeventfd(struct dmop_handle *h, uint16_t domid,
		     const struct dmop_ioeventfd *io, uint32_t flags)
{
	struct privcmd_ioeventfd arg;
	int err = ioeventfd_arg(io, domid, flags, &arg);

	if (err)
		return err;
	return ioctl(h->privcmd_fd, IOCTL_PRIVCMD_IOEVENTFD, &arg) < 0 ? -errno : 0;
}

DMOP_EXPORT int dmop_ioeventfd_assign(struct dmop_handle *h, uint16_t domid,
				      const struct dmop_ioeventfd *io)
{
	return ioeventfd(h, domid, io, 0);
}

DMOP_EXPORT int dmop_ioeventfd_deassign(struct dmop_handle *h, uint16_t domid,
					const struct dmop_ioeventfd *io)
{
	return ioeventfd(h, domid, io, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN);
}
