// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: IOCTL_EVTCHN_RESTRICT_DOMID, which confines an open file
 * (a deprivileged device model's) to channels with one guest.
 *
 * The restriction is set, and read by binds, only under bind_lock, the lock
 * every bind holds from its check to its hypercall: a bind racing a restrict
 * is either finished before the restriction is set or checked against it.
 * fdinfo reads it without the lock (READ_ONCE).
 */

#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"

#define CREATE_TRACE_POINTS
#include "evtchn-trace.h"

bool evtchn_restricted(const struct evtchn_file *f)
{
	lockdep_assert_held(&f->bind_lock);
	return f->restrict_domid != EVTCHN_UNRESTRICTED;
}

long evtchn_ioctl_restrict(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_restrict_domid *arg = karg;

	/* once per file, and never lifted */
	if (evtchn_restricted(f))
		return -EACCES;
	if (!arg)
		return -EFAULT;
	if (arg->domid == 0 || arg->domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	/* fdinfo reads it without the lock */
	WRITE_ONCE(f->restrict_domid, arg->domid);
	trace_evtchn_restrict(arg->domid);
	return 0;
}

/* A bind the restriction refuses: counted for fdinfo, traced, EACCES. */
long evtchn_restrict_deny(struct evtchn_file *f, unsigned int cmd, unsigned int target)
{
	lockdep_assert_held(&f->bind_lock);
	WRITE_ONCE(f->nr_denied, f->nr_denied + 1);
	trace_evtchn_denied(_IOC_NR(cmd), target, f->restrict_domid);
	return -EACCES;
}
