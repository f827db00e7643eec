/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * xen-dmop: the DMOP sub-ops of Xen 4.17, one table for the modules and for
 * libdmop. Not a uapi header and not installed: the numbers and names are
 * Xen's (public/hvm/dm_op.h), and what Xen writes back decides how the
 * driver bounces buffers; neither is an interface of ours.
 *
 * The table is a list of DM_OP(nr, name, writes) rows, in ascending order of
 * @nr, expanded wherever this file is included with DM_OP defined (the file
 * undefines it again), as the kernel's asm/kvm-x86-ops.h is:
 *
 * @nr: the sub-op's number, XEN_DMOP_<name> in Xen's public hvm/dm_op.h,
 *	and its bit in an allowlist (so below 64).
 * @name: Xen's name without the XEN_DMOP_ prefix, a bare token: #name is
 *	the string of the "privcmd." fdinfo keys and of libdmop's allowlists.
 * @writes: which of the caller's buffers Xen may write (const_op = false in
 *	Xen's xen/arch/x86/hvm/dm.c and xen/common/ioreq.c): NOTHING (Xen only
 *	reads them), BUF0 (results or continuation state in buffer 0) or ANY
 *	(track_dirty_vram puts its bitmap in buffer 1).
 *
 * Adding a sub-op is one row here. The driver's names and write-back table
 * and libdmop's names are generated from it with the expansions below
 * (libdmop's public DMOP_OP_MAX, a constant of its API, is checked against
 * it at build time), and lib_test of tools/libdmop checks the rows against
 * Xen's header and the generated tables against each other (make
 * host-tests).
 */
#ifndef XEN_DMOP_DM_OPS_H
#define XEN_DMOP_DM_OPS_H

/* The values of @writes; 0 is no sub-op of the table. */
enum dm_op_writes {
	DM_OP_WRITES_NOTHING = 1,
	DM_OP_WRITES_BUF0 = 2,
	DM_OP_WRITES_ANY = 3,
};

/*
 * The expansions the driver and libdmop share, so that they cannot drift
 * apart. Each initializes an array indexed by sub-op number; a file that
 * uses them includes this header first at its top (without DM_OP: this
 * part only), then:
 *
 *	static const char *const names[] = {
 *	#define DM_OP DM_OP_NAME_INIT
 *	#include "xen-dmop/dm-ops.h"
 *	};
 *
 * DM_OP_NAME_INIT: the name ("create_ioreq_server"); NULL where Xen has
 * no sub-op. DM_OP_WRITES_INIT: the DM_OP_WRITES_* value; 0 where Xen has no
 * sub-op. DM_OP_ENUM_INIT, inside "enum { ... };" instead of an array: the
 * constants DM_OP_<name> (the kernel's headers lack XEN_DMOP_<name>).
 */
#define DM_OP_NAME_INIT(nr, name, writes) \
	[nr] = #name,
#define DM_OP_WRITES_INIT(nr, name, writes) \
	[nr] = DM_OP_WRITES_##writes,
#define DM_OP_ENUM_INIT(nr, name, writes) \
	DM_OP_##name = nr,

#endif /* XEN_DMOP_DM_OPS_H */

#ifdef DM_OP
DM_OP(1, create_ioreq_server, BUF0)
DM_OP(2, get_ioreq_server_info, BUF0)
DM_OP(3, map_io_range_to_ioreq_server, NOTHING)
DM_OP(4, unmap_io_range_from_ioreq_server, NOTHING)
DM_OP(5, set_ioreq_server_state, NOTHING)
DM_OP(6, destroy_ioreq_server, NOTHING)
DM_OP(7, track_dirty_vram, ANY)
DM_OP(8, set_pci_intx_level, NOTHING)
DM_OP(9, set_isa_irq_level, NOTHING)
DM_OP(10, set_pci_link_route, NOTHING)
DM_OP(11, modified_memory, BUF0)
DM_OP(12, set_mem_type, BUF0)
DM_OP(13, inject_event, NOTHING)
DM_OP(14, inject_msi, NOTHING)
DM_OP(15, map_mem_type_to_ioreq_server, BUF0)
DM_OP(16, remote_shutdown, NOTHING)
DM_OP(17, relocate_memory, BUF0)
DM_OP(18, pin_memory_cacheattr, NOTHING)
DM_OP(19, set_irq_level, NOTHING)
DM_OP(20, nr_vcpus, BUF0)
#undef DM_OP
#endif
