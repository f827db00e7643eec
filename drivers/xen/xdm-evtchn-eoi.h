/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop: the one agreement between its two modules, which never link to
 * each other. xen-evtchn exports this symbol to say that its interrupt
 * handler tolerates a port being unmasked (late EOI) by another kernel user
 * sharing its irq before user space wrote the port back; xen-privcmd's
 * ioeventfd looks it up with symbol_get() and only then unmasks the ports
 * it answered on (the in-tree evtchn driver warns about such an event).
 */
#ifndef XEN_DMOP_XDM_EVTCHN_EOI_H
#define XEN_DMOP_XDM_EVTCHN_EOI_H

#include <linux/types.h>

extern const bool xen_dmop_evtchn_early_eoi;

#endif /* XEN_DMOP_XDM_EVTCHN_EOI_H */
