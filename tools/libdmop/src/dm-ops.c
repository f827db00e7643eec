// SPDX-License-Identifier: LGPL-2.1-only
/*
 * Typed calls for every DMOP sub-op of Xen 4.17 (public/hvm/dm_op.h), all
 * through IOCTL_PRIVCMD_DM_OP. Each fills a struct xen_dm_op, sends it and
 * copies out what Xen wrote back; the convention is 0 or -errno.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Xen's public headers expect the fixed-width types to be there */
#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/hvm_op.h>

#include "internal.h"

/* The public header's constants are Xen's: keep them so. */
_Static_assert(DMOP_DOMID_INVALID == DOMID_INVALID, "DOMID_INVALID");
_Static_assert(DMOP_OP_MAX == XEN_DMOP_nr_vcpus, "last sub-op");
_Static_assert(DMOP_BUFIOREQ_ATOMIC == HVM_IOREQSRV_BUFIOREQ_ATOMIC, "bufioreq");
_Static_assert(DMOP_IO_RANGE_PCI == XEN_DMOP_IO_RANGE_PCI, "range types");
_Static_assert(DMOP_IO_RANGE_MEMORY == XEN_DMOP_IO_RANGE_MEMORY, "range types");
_Static_assert(DMOP_NO_GFNS == XEN_DMOP_no_gfns, "no_gfns");
_Static_assert(DMOP_EVENT_SW_EXC == XEN_DMOP_EVENT_sw_exc, "event types");
_Static_assert(DMOP_EVENT_NMI == XEN_DMOP_EVENT_nmi, "event types");
_Static_assert(DMOP_IOREQ_MEM_ACCESS_WRITE == XEN_DMOP_IOREQ_MEM_ACCESS_WRITE,
	       "access flags");
_Static_assert(DMOP_MEM_CACHEATTR_UCM == XEN_DMOP_MEM_CACHEATTR_UCM, "cacheattr");
_Static_assert(DMOP_DELETE_MEM_CACHEATTR == XEN_DMOP_DELETE_MEM_CACHEATTR,
	       "cacheattr");
_Static_assert(DMOP_MEM_IOREQ_SERVER == HVMMEM_ioreq_server, "mem types");
_Static_assert(DMOP_MEM_MMIO_DM == HVMMEM_mmio_dm, "mem types");
_Static_assert(DMOP_PCI_SBDF(1, 2, 3, 4) == XEN_DMOP_PCI_SBDF(1, 2, 3, 4), "sbdf");

/* Send @op (and an optional second buffer) to @domid. */
static int send(struct dmop_handle *h, uint16_t domid, struct xen_dm_op *op,
		void *extra, size_t extra_size)
{
	struct dmop_buf bufs[2] = {
		{ .ptr = op, .size = sizeof(*op) },
		{ .ptr = extra, .size = extra_size },
	};

	return dmop_op_raw(h, domid, bufs, extra ? 2 : 1);
}

static void init_op(struct xen_dm_op *op, uint32_t nr)
{
	memset(op, 0, sizeof(*op));
	op->op = nr;
}

DMOP_EXPORT int dmop_create_ioreq_server(struct dmop_handle *h, uint16_t domid,
					 int handle_bufioreq,
					 dmop_ioservid_t *id)
{
	struct xen_dm_op op;
	int err;

	if (!id)
		return -EINVAL;
	init_op(&op, XEN_DMOP_create_ioreq_server);
	op.u.create_ioreq_server.handle_bufioreq = handle_bufioreq;
	err = send(h, domid, &op, NULL, 0);
	if (!err)
		*id = op.u.create_ioreq_server.id;
	return err;
}

DMOP_EXPORT int dmop_get_ioreq_server_info(struct dmop_handle *h,
					   uint16_t domid, dmop_ioservid_t id,
					   unsigned int flags,
					   uint64_t *ioreq_gfn,
					   uint64_t *bufioreq_gfn,
					   uint32_t *bufioreq_port)
{
	struct xen_dm_op op;
	int err;

	if (flags & ~DMOP_NO_GFNS)
		return -EINVAL;
	init_op(&op, XEN_DMOP_get_ioreq_server_info);
	op.u.get_ioreq_server_info.id = id;
	op.u.get_ioreq_server_info.flags = flags;
	err = send(h, domid, &op, NULL, 0);
	if (err)
		return err;
	if (ioreq_gfn)
		*ioreq_gfn = op.u.get_ioreq_server_info.ioreq_gfn;
	if (bufioreq_gfn)
		*bufioreq_gfn = op.u.get_ioreq_server_info.bufioreq_gfn;
	if (bufioreq_port)
		*bufioreq_port = op.u.get_ioreq_server_info.bufioreq_port;
	return 0;
}

static int io_range(struct dmop_handle *h, uint16_t domid, uint32_t nr,
		    dmop_ioservid_t id, uint32_t type, uint64_t start,
		    uint64_t end)
{
	struct xen_dm_op op;
	xen_dm_op_ioreq_server_range_t *r = &op.u.map_io_range_to_ioreq_server;

	init_op(&op, nr);
	r->id = id;
	r->type = type;
	r->start = start;
	r->end = end;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_map_io_range_to_ioreq_server(struct dmop_handle *h,
						  uint16_t domid,
						  dmop_ioservid_t id,
						  uint32_t type, uint64_t start,
						  uint64_t end)
{
	return io_range(h, domid, XEN_DMOP_map_io_range_to_ioreq_server, id,
			type, start, end);
}

DMOP_EXPORT int dmop_unmap_io_range_from_ioreq_server(struct dmop_handle *h,
						      uint16_t domid,
						      dmop_ioservid_t id,
						      uint32_t type,
						      uint64_t start,
						      uint64_t end)
{
	return io_range(h, domid, XEN_DMOP_unmap_io_range_from_ioreq_server,
			id, type, start, end);
}

DMOP_EXPORT int dmop_set_ioreq_server_state(struct dmop_handle *h,
					    uint16_t domid, dmop_ioservid_t id,
					    int enabled)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_ioreq_server_state);
	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = !!enabled;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_destroy_ioreq_server(struct dmop_handle *h, uint16_t domid,
					  dmop_ioservid_t id)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_destroy_ioreq_server);
	op.u.destroy_ioreq_server.id = id;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_track_dirty_vram(struct dmop_handle *h, uint16_t domid,
				      uint64_t first_pfn, uint32_t nr,
				      unsigned long *bitmap)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_track_dirty_vram);
	op.u.track_dirty_vram.first_pfn = first_pfn;
	op.u.track_dirty_vram.nr = nr;
	/*
	 * Xen writes one bit per frame into the second buffer, which it wants
	 * even when nr == 0 (stop tracking): an empty one then.
	 */
	if (nr && !bitmap)
		return -EINVAL;
	return send(h, domid, &op, nr ? (void *)bitmap : (void *)&op,
		    ((size_t)nr + 7) / 8);
}

DMOP_EXPORT int dmop_set_pci_intx_level(struct dmop_handle *h, uint16_t domid,
					uint16_t segment, uint8_t bus,
					uint8_t device, uint8_t intx,
					unsigned int level)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_pci_intx_level);
	op.u.set_pci_intx_level.domain = segment;
	op.u.set_pci_intx_level.bus = bus;
	op.u.set_pci_intx_level.device = device;
	op.u.set_pci_intx_level.intx = intx;
	op.u.set_pci_intx_level.level = level;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_set_isa_irq_level(struct dmop_handle *h, uint16_t domid,
				       uint8_t irq, unsigned int level)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_isa_irq_level);
	op.u.set_isa_irq_level.isa_irq = irq;
	op.u.set_isa_irq_level.level = level;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_set_pci_link_route(struct dmop_handle *h, uint16_t domid,
					uint8_t link, uint8_t irq)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_pci_link_route);
	op.u.set_pci_link_route.link = link;
	op.u.set_pci_link_route.isa_irq = irq;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_modified_memory(struct dmop_handle *h, uint16_t domid,
				     const struct dmop_extent *extents,
				     uint32_t nr)
{
	struct xen_dm_op_modified_memory_extent ext[64];
	struct xen_dm_op op;
	uint32_t done = 0;
	int err;

	if (nr && !extents)
		return -EINVAL;
	/* Xen's layout differs from ours (padding): convert in chunks */
	while (done < nr) {
		uint32_t n = nr - done;

		if (n > ARRAY_SIZE(ext))
			n = ARRAY_SIZE(ext);
		memset(ext, 0, sizeof(ext));
		for (uint32_t i = 0; i < n; i++) {
			ext[i].first_pfn = extents[done + i].first_pfn;
			ext[i].nr = extents[done + i].nr;
		}
		init_op(&op, XEN_DMOP_modified_memory);
		op.u.modified_memory.nr_extents = n;
		err = send(h, domid, &op, ext, n * sizeof(ext[0]));
		if (err)
			return err;
		done += n;
	}
	if (!nr) {
		init_op(&op, XEN_DMOP_modified_memory);
		return send(h, domid, &op, ext, 0);
	}
	return 0;
}

DMOP_EXPORT int dmop_set_mem_type(struct dmop_handle *h, uint16_t domid,
				  uint16_t mem_type, uint64_t first_pfn,
				  uint32_t nr)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_mem_type);
	op.u.set_mem_type.mem_type = mem_type;
	op.u.set_mem_type.first_pfn = first_pfn;
	op.u.set_mem_type.nr = nr;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_inject_event(struct dmop_handle *h, uint16_t domid,
				  uint32_t vcpu, uint8_t vector, uint8_t type,
				  uint32_t error_code, uint8_t insn_len,
				  uint64_t extra)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_inject_event);
	op.u.inject_event.vcpuid = vcpu;
	op.u.inject_event.vector = vector;
	op.u.inject_event.type = type;
	op.u.inject_event.error_code = error_code;
	op.u.inject_event.insn_len = insn_len;
	op.u.inject_event.cr2 = extra;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_inject_msi(struct dmop_handle *h, uint16_t domid,
				uint64_t addr, uint32_t data)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_inject_msi);
	op.u.inject_msi.addr = addr;
	op.u.inject_msi.data = data;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_map_mem_type_to_ioreq_server(struct dmop_handle *h,
						  uint16_t domid,
						  dmop_ioservid_t id,
						  uint16_t type, uint32_t flags)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_map_mem_type_to_ioreq_server);
	op.u.map_mem_type_to_ioreq_server.id = id;
	op.u.map_mem_type_to_ioreq_server.type = type;
	op.u.map_mem_type_to_ioreq_server.flags = flags;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_remote_shutdown(struct dmop_handle *h, uint16_t domid,
				     uint32_t reason)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_remote_shutdown);
	op.u.remote_shutdown.reason = reason;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_relocate_memory(struct dmop_handle *h, uint16_t domid,
				     uint32_t size, uint64_t src_gfn,
				     uint64_t dst_gfn)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_relocate_memory);
	op.u.relocate_memory.size = size;
	op.u.relocate_memory.src_gfn = src_gfn;
	op.u.relocate_memory.dst_gfn = dst_gfn;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_pin_memory_cacheattr(struct dmop_handle *h, uint16_t domid,
					  uint64_t start, uint64_t end,
					  uint32_t type)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_pin_memory_cacheattr);
	op.u.pin_memory_cacheattr.start = start;
	op.u.pin_memory_cacheattr.end = end;
	op.u.pin_memory_cacheattr.type = type;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_set_irq_level(struct dmop_handle *h, uint16_t domid,
				   uint32_t irq, unsigned int level)
{
	struct xen_dm_op op;

	init_op(&op, XEN_DMOP_set_irq_level);
	op.u.set_irq_level.irq = irq;
	op.u.set_irq_level.level = level;
	return send(h, domid, &op, NULL, 0);
}

DMOP_EXPORT int dmop_nr_vcpus(struct dmop_handle *h, uint16_t domid,
			      unsigned int *vcpus)
{
	struct xen_dm_op op;
	int err;

	if (!vcpus)
		return -EINVAL;
	init_op(&op, XEN_DMOP_nr_vcpus);
	err = send(h, domid, &op, NULL, 0);
	if (!err)
		*vcpus = op.u.nr_vcpus.vcpus;
	return err;
}
