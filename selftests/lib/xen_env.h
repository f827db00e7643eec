/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for the xen-dmop selftests: where the tests run (a Xen dom0
 * or not) and a real HVM guest to aim hypercalls at.
 */
#ifndef XEN_DMOP_SELFTEST_XEN_ENV_H
#define XEN_DMOP_SELFTEST_XEN_ENV_H

#include <stdbool.h>
#include <stdint.h>

/* Exit code kselftest reads as "skipped". */
#define XEN_ENV_SKIP 4

/*
 * xen_env_require_dom0() - skip the whole test program outside a Xen dom0.
 *
 * Prints "1..0 # SKIP <reason>" and exits 4 when /proc/xen/capabilities does not
 * say control_d or a device node the program needs is absent. Inside the VM a
 * skip is a failure (the runner says so), so the reasons are specific.
 */
void xen_env_require_dom0(const char *const *nodes);

/*
 * Whether this domain is auto-translated (a PVH dom0, Xen's
 * XENFEAT_auto_translated_physmap): IOCTL_PRIVCMD_MMAP does not exist there.
 */
bool xen_env_auto_translated(void);

/*
 * Whether dom0 runs a KASAN kernel (the kasan debug flavour): its quarantine
 * holds freed slab objects for a while, so slab totals do not come back.
 */
bool xen_env_kasan(void);

/* Which driver provides /dev/xen/privcmd: "xen-dmop", "in-tree" or "none". */
const char *xen_env_privcmd_impl(void);
bool xen_env_ours(void);

/**
 * struct xen_guest - a real, paused HVM guest created with libxenctrl.
 * @domid: its domain id, valid after xen_guest_create() returned 0.
 * @nr_pages: pages populated from guest frame 0 upwards.
 */
struct xen_guest {
	uint32_t domid;
	unsigned long nr_pages;
};

/* Create an HVM+HAP guest with one vCPU and @nr_pages of RAM. 0 or -errno. */
int xen_guest_create(struct xen_guest *g, unsigned long nr_pages);
/* Destroy it; 0 or -errno. Safe on a guest that was never created. */
int xen_guest_destroy(struct xen_guest *g);
/*
 * The level of ISA IRQ wire @irq (0-15) of HVM guest @domid, from Xen's
 * save record HVM_SAVE_CODE(ISA_IRQ): 0 or 1, or -errno.
 */
int xen_guest_isa_irq(uint32_t domid, unsigned int irq);

/*
 * xen_guest_isa_irq() polled every 5 ms until it is @want, for about
 * @timeout_ms: the last level read (0 or 1), or -errno.
 */
int xen_guest_isa_irq_wait(uint32_t domid, unsigned int irq, int want, int timeout_ms);

/* Whether a domain with this id exists (xc_domain_getinfo). */
bool xen_domain_exists(uint32_t domid);

#endif
