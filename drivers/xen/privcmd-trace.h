/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop privcmd: tracepoints (TRACE_SYSTEM xen_privcmd), for auditing
 * what a device model does and what it was refused. Off, each costs a
 * patched-out jump. Event names start with privcmd_, as xen_evtchn's start
 * with evtchn_: a trace line names its module without its system.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xen_privcmd

#if !defined(XEN_DMOP_PRIVCMD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define XEN_DMOP_PRIVCMD_TRACE_H

#include <linux/ioctl.h>
#include <linux/tracepoint.h>

#include "../../include/uapi/xen/privcmd.h"

/*
 * A DMOP went to Xen. @op is the sub-op from the driver's copy of buffer 0
 * (4294967295 when the buffer is too short to hold one); @result is Xen's
 * answer (the ioctl fails with EFAULT when the results cannot be copied
 * back afterwards).
 */
TRACE_EVENT(privcmd_dm_op,
	    TP_PROTO(unsigned int domid, unsigned int op, unsigned int nr_bufs, long result),
	    TP_ARGS(domid, op, nr_bufs, result),
	    TP_STRUCT__entry(__field(unsigned int, domid)
			     __field(unsigned int, op)
			     __field(unsigned int, nr_bufs)
			     __field(long, result)),
	    TP_fast_assign(__entry->domid = domid;
			   __entry->op = op;
			   __entry->nr_bufs = nr_bufs;
			   __entry->result = result;),
	    TP_printk("domid=%u op=%u nr_bufs=%u result=%ld",
		      __entry->domid, __entry->op, __entry->nr_bufs, __entry->result)
);

/*
 * The driver refused a call before any hypercall. @ioctl is the _IOC_NR()
 * of the command; @target the domain the call named (32756, DOMID_INVALID,
 * for a raw hypercall); @restricted the file's restriction (32756 when
 * none); @op the DMOP sub-op of an allowlist refusal, the hypercall number
 * of a refused raw hypercall (else 0).
 */
TRACE_EVENT(privcmd_denied,
	    TP_PROTO(unsigned int ioctl, unsigned int target, unsigned int restricted,
		     unsigned int op, unsigned int reason),
	    TP_ARGS(ioctl, target, restricted, op, reason),
	    TP_STRUCT__entry(__field(unsigned int, ioctl)
			     __field(unsigned int, target)
			     __field(unsigned int, restricted)
			     __field(unsigned int, op)
			     __field(unsigned int, reason)),
	    TP_fast_assign(__entry->ioctl = ioctl;
			   __entry->target = target;
			   __entry->restricted = restricted;
			   __entry->op = op;
			   __entry->reason = reason;),
	    TP_printk("ioctl=%s target=%u restricted=%u op=%u reason=%s",
		      __print_symbolic(__entry->ioctl,
				       { _IOC_NR(IOCTL_PRIVCMD_HYPERCALL), "hypercall" },
				       { _IOC_NR(IOCTL_PRIVCMD_MMAP), "mmap" },
				       { _IOC_NR(IOCTL_PRIVCMD_MMAPBATCH), "mmapbatch" },
				       { _IOC_NR(IOCTL_PRIVCMD_MMAPBATCH_V2), "mmapbatch_v2" },
				       { _IOC_NR(IOCTL_PRIVCMD_DM_OP), "dm_op" },
				       { _IOC_NR(IOCTL_PRIVCMD_MMAP_RESOURCE), "mmap_resource" },
				       { _IOC_NR(IOCTL_PRIVCMD_IRQFD), "irqfd" },
				       { _IOC_NR(IOCTL_PRIVCMD_IOEVENTFD), "ioeventfd" },
				       { _IOC_NR(IOCTL_PRIVCMD_PCIDEV_GET_GSI), "pcidev_get_gsi" }),
		      __entry->target, __entry->restricted, __entry->op,
		      __print_symbolic(__entry->reason,
				       { PRIVCMD_DENIED_HYPERCALL, "hypercall" },
				       { PRIVCMD_DENIED_DOMID, "domid" },
				       { PRIVCMD_DENIED_ALLOWLIST, "allowlist" }))
);

/* IOCTL_PRIVCMD_RESTRICT succeeded; @again: it was already restricted there. */
TRACE_EVENT(privcmd_restrict,
	    TP_PROTO(unsigned int domid, bool again),
	    TP_ARGS(domid, again),
	    TP_STRUCT__entry(__field(unsigned int, domid)
			     __field(bool, again)),
	    TP_fast_assign(__entry->domid = domid;
			   __entry->again = again;),
	    TP_printk("domid=%u again=%d", __entry->domid, __entry->again)
);

/* IOCTL_PRIVCMD_DM_OP_ALLOWLIST narrowed the file from @old to @allowed. */
TRACE_EVENT(privcmd_allowlist,
	    TP_PROTO(u64 old, u64 allowed),
	    TP_ARGS(old, allowed),
	    TP_STRUCT__entry(__field(u64, old)
			     __field(u64, allowed)),
	    TP_fast_assign(__entry->old = old;
			   __entry->allowed = allowed;),
	    TP_printk("old=%#llx allowed=%#llx", __entry->old, __entry->allowed)
);

/*
 * An irqfd was assigned (@assign) or went away (deassign, its eventfd
 * closed, or the file's release): the DMOP sub-op @op aimed at @domid.
 */
TRACE_EVENT(privcmd_irqfd,
	    TP_PROTO(unsigned int domid, unsigned int op, bool assign),
	    TP_ARGS(domid, op, assign),
	    TP_STRUCT__entry(__field(unsigned int, domid)
			     __field(unsigned int, op)
			     __field(bool, assign)),
	    TP_fast_assign(__entry->domid = domid;
			   __entry->op = op;
			   __entry->assign = assign;),
	    TP_printk("domid=%u op=%u %s", __entry->domid, __entry->op,
		      __entry->assign ? "assign" : "release")
);

/* A signalled irqfd issued its DMOP; @result is Xen's answer. */
TRACE_EVENT(privcmd_irqfd_inject,
	    TP_PROTO(unsigned int domid, unsigned int op, long result),
	    TP_ARGS(domid, op, result),
	    TP_STRUCT__entry(__field(unsigned int, domid)
			     __field(unsigned int, op)
			     __field(long, result)),
	    TP_fast_assign(__entry->domid = domid;
			   __entry->op = op;
			   __entry->result = result;),
	    TP_printk("domid=%u op=%u result=%ld", __entry->domid, __entry->op,
		      __entry->result)
);

/*
 * An ioeventfd was assigned (@assign) or went away (deassign or the file's
 * release): notify writes of queue @vq to the virtio-mmio device at @addr
 * of @domid.
 */
TRACE_EVENT(privcmd_ioeventfd,
	    TP_PROTO(unsigned int domid, u64 addr, unsigned int vq, bool assign),
	    TP_ARGS(domid, addr, vq, assign),
	    TP_STRUCT__entry(__field(unsigned int, domid)
			     __field(u64, addr)
			     __field(unsigned int, vq)
			     __field(bool, assign)),
	    TP_fast_assign(__entry->domid = domid;
			   __entry->addr = addr;
			   __entry->vq = vq;
			   __entry->assign = assign;),
	    TP_printk("domid=%u addr=%#llx vq=%u %s", __entry->domid, __entry->addr,
		      __entry->vq, __entry->assign ? "assign" : "release")
);

#endif /* XEN_DMOP_PRIVCMD_TRACE_H */

/*
 * Out of tree: the header sits beside the driver. Kbuild passes -I$(src)
 * and the file name (which has a dash) as XEN_DMOP_TRACE_FILE.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE XEN_DMOP_TRACE_FILE
#include <trace/define_trace.h>
