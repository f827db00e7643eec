// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: IOCTL_EVTCHN_RESTRICT_DOMID, which confines an open file
 * (a deprivileged device model's) to channels with one guest.
 *
 * The restriction is read and set only under bind_lock, the lock every bind
 * holds from its check to its hypercall: a bind racing a restrict is either
 * finished before the restriction is set or checked against it.
 */

#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>

#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"

#define CREATE_TRACE_POINTS
#include "evtchn-trace.h"

bool evtchn_restricted(const struct evtchn_file *f)
{
	lockdep_assert_held(&f->bind_lock);
	return f->restrict_domid != EVTCHN_UNRESTRICTED;
}

long evtchn_ioctl_restrict(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_restrict_domid arg;

	/* once per file, and never lifted */
	if (evtchn_restricted(f))
		return -EACCES;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.domid == 0 || arg.domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	f->restrict_domid = arg.domid;
	trace_restrict(arg.domid);
	return 0;
}

/* A bind the restriction refuses: counted for fdinfo, traced, EACCES. */
long evtchn_restrict_deny(struct evtchn_file *f, unsigned int cmd, unsigned int target)
{
	lockdep_assert_held(&f->bind_lock);
	f->nr_denied++;
	trace_denied(_IOC_NR(cmd), target, f->restrict_domid);
	return -EACCES;
}

/*
 * Beyond upstream: a restricted file may bind a static port only if Xen says
 * its other end is the restricted domain, so it cannot pick up dom0's ports.
 */
int evtchn_restrict_check_static(struct evtchn_file *f, evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	domid_t peer = DOMID_INVALID;

	if (!evtchn_restricted(f))
		return 0;
	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st))
		goto deny;
	switch (st.status) {
	case EVTCHNSTAT_unbound:
		peer = st.u.unbound.dom;
		break;
	case EVTCHNSTAT_interdomain:
		peer = st.u.interdomain.dom;
		break;
	default:
		goto deny;
	}
	if (peer == f->restrict_domid)
		return 0;
deny:
	return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_STATIC, peer);
}
