/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop: allocation-failure injection for a test build.
 *
 * The Debian kernels have no CONFIG_FAULT_INJECTION, so the drivers' ENOMEM
 * unwind paths are reachable only through a build of our modules with
 * XEN_DMOP_FAULT_INJECT=1 (make modules-fault-SERIES). There each module has
 * a parameter fail_nth: writing N makes the Nth allocation from then on fail
 * (once); fail_hits counts the failures injected. In the release build the
 * wrappers below compile to the bare allocation and the parameters do not
 * exist. (xdm: xen-dmop, the project; not Xen's DMOPs, not libdmop.)
 */
#ifndef XDM_FAULT_INJECT_H
#define XDM_FAULT_INJECT_H

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/types.h>

#ifdef XEN_DMOP_FAULT_INJECT
/**
 * xdm_fault_alloc() - whether the allocation about to be made must fail.
 *
 * Context: any; lock-free.
 * Return: true exactly once, on the fail_nth-th call after fail_nth was set.
 */
bool xdm_fault_alloc(void);

/**
 * xdm_fault_tick() - one allocation against a module's countdown.
 * @countdown: allocations left before the one to fail; <= 0 is disarmed.
 * @hits: failures injected so far.
 *
 * Each module's xdm_fault_alloc() calls this with its own parameters.
 *
 * Return: true when this allocation is the one to fail.
 */
static inline bool xdm_fault_tick(atomic_t *countdown, atomic_t *hits)
{
	/* Disarmed (<= 0) stays untouched; the call that reaches 0 fails. */
	if (atomic_dec_if_positive(countdown) != 0)
		return false;
	atomic_inc(hits);
	return true;
}
#else
static inline bool xdm_fault_alloc(void)
{
	return false;
}
#endif

/* A pointer-returning allocation that yields NULL when a failure is injected. */
#define XDM_FAULT_ALLOC(expr) (xdm_fault_alloc() ? NULL : (expr))
/* One returning 0 or -errno (xa_insert, xen_alloc_unpopulated_pages). */
#define XDM_FAULT_ALLOC_INT(expr) (xdm_fault_alloc() ? -ENOMEM : (expr))
/* One returning a pointer or ERR_PTR (memdup_user). */
#define XDM_FAULT_ALLOC_ERR(expr) (xdm_fault_alloc() ? ERR_PTR(-ENOMEM) : (expr))

#endif
