/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop evtchn: tracepoints (TRACE_SYSTEM xen_evtchn) for auditing the
 * restriction of a file. Off, each costs a patched-out jump. Event names
 * start with evtchn_ (xen_privcmd's with privcmd_).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xen_evtchn

#if !defined(XEN_DMOP_EVTCHN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define XEN_DMOP_EVTCHN_TRACE_H

#include <linux/ioctl.h>
#include <linux/tracepoint.h>

#include "../../include/uapi/xen/evtchn.h"

/* IOCTL_EVTCHN_RESTRICT_DOMID restricted a file to @domid. */
TRACE_EVENT(evtchn_restrict,
	    TP_PROTO(unsigned int domid),
	    TP_ARGS(domid),
	    TP_STRUCT__entry(__field(unsigned int, domid)),
	    TP_fast_assign(__entry->domid = domid;),
	    TP_printk("domid=%u", __entry->domid)
);

/*
 * The restriction refused a bind. @ioctl is the _IOC_NR() of the command;
 * @target the remote domain the bind named (for a static port: Xen's view
 * of its other end; 32756, DOMID_INVALID, when there is none or the bind
 * names no domain); @restricted the file's restriction.
 */
TRACE_EVENT(evtchn_denied,
	    TP_PROTO(unsigned int ioctl, unsigned int target, unsigned int restricted),
	    TP_ARGS(ioctl, target, restricted),
	    TP_STRUCT__entry(__field(unsigned int, ioctl)
			     __field(unsigned int, target)
			     __field(unsigned int, restricted)),
	    TP_fast_assign(__entry->ioctl = ioctl;
			   __entry->target = target;
			   __entry->restricted = restricted;),
	    TP_printk("ioctl=%s target=%u restricted=%u",
		      __print_symbolic(__entry->ioctl,
				       { _IOC_NR(IOCTL_EVTCHN_BIND_VIRQ), "virq" },
				       { _IOC_NR(IOCTL_EVTCHN_BIND_INTERDOMAIN), "interdomain" },
				       { _IOC_NR(IOCTL_EVTCHN_BIND_UNBOUND_PORT), "unbound_port" },
				       { _IOC_NR(IOCTL_EVTCHN_BIND_STATIC), "static" }),
		      __entry->target, __entry->restricted)
);

#endif /* XEN_DMOP_EVTCHN_TRACE_H */

/*
 * Out of tree: the header sits beside the driver. Kbuild passes -I$(src)
 * and the file name (which has a dash) as XEN_DMOP_TRACE_FILE.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE XEN_DMOP_TRACE_FILE
#include <trace/define_trace.h>
