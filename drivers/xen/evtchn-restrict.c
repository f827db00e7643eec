// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: IOCTL_EVTCHN_RESTRICT_DOMID, which confines an open file
 * (a deprivileged device model's) to channels with one guest, and the
 * stubdomain policy.
 *
 * In a domU whose xenstore names a "target" (a stubdomain: libxl made Xen
 * treat it as privileged over that one guest), every file starts restricted
 * to the target and to the toolstack's domain (EVTCHN_TOOLSTACK_DOMID): the
 * device model's ioreq channels go to its guest, the toolstack's QMP vchan to
 * dom0, and nothing else is bound: no third domain, no VIRQ, no static port.
 * IOCTL_EVTCHN_RESTRICT_DOMID(target) narrows such a file to the guest alone.
 * In a domU with no target every file starts unrestricted, as in dom0.
 *
 * The restriction is set, and read by binds, only under bind_lock, the lock
 * every bind holds from its check to its hypercall: a bind racing a restrict
 * is either finished before the restriction is set or checked against it.
 * fdinfo reads it without the lock (READ_ONCE).
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/lockdep.h>
#include <linux/mutex.h>

#include <xen/xen.h>

#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"
#include "xdm-domu-target.c"

#define CREATE_TRACE_POINTS
#include "evtchn-trace.h"

bool evtchn_restricted(const struct evtchn_file *f)
{
	lockdep_assert_held(&f->bind_lock);
	return f->restrict_domid != EVTCHN_UNRESTRICTED;
}

/* Whether a restricted @f may bind with @domid. */
bool evtchn_restrict_allows(const struct evtchn_file *f, unsigned int domid)
{
	lockdep_assert_held(&f->bind_lock);
	return domid == f->restrict_domid ||
	       (f->toolstack_too && domid == EVTCHN_TOOLSTACK_DOMID);
}

long evtchn_ioctl_restrict(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_restrict_domid *arg = karg;

	/* once per file, and never lifted */
	if (evtchn_restricted(f)) {
		/* A stubdomain's file may drop the toolstack, keeping its guest. */
		if (!f->toolstack_too || !arg || arg->domid != f->restrict_domid)
			return -EACCES;
		WRITE_ONCE(f->toolstack_too, false);
		trace_evtchn_restrict(arg->domid);
		return 0;
	}
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

/* The stubdomain policy: what a new file starts with, learnt from xenstore. */
static void evtchn_restrict_apply(struct evtchn_file *f, domid_t domid)
{
	WRITE_ONCE(f->restrict_domid, domid);
	WRITE_ONCE(f->toolstack_too, domid != EVTCHN_UNRESTRICTED && domid != DOMID_IDLE);
}

void evtchn_restrict_open(struct evtchn_file *f)
{
	unsigned int domid;

	if (xdm_target_known(&domid)) {
		evtchn_restrict_apply(f, domid);
		return;
	}
	/* Binds nothing until xenstore answered (the first ioctl waits). */
	f->restrict_domid = DOMID_IDLE;
	f->target_pending = true;
}

/* The first ioctl of a file opened before xenstore answered: wait for it. */
int evtchn_restrict_resolve(struct evtchn_file *f)
{
	unsigned int domid;

	if (xdm_target_wait(&domid))
		return -EINTR;
	mutex_lock(&f->bind_lock);
	if (f->target_pending) {
		evtchn_restrict_apply(f, domid);
		WRITE_ONCE(f->target_pending, false);
	}
	mutex_unlock(&f->bind_lock);
	return 0;
}

/* xenstore's "target" key, or none: the answer (xdm_target_init()). */
static unsigned int evtchn_target_decide(int err, unsigned int target, const char *val)
{
	if (err == -ENOENT)
		return EVTCHN_UNRESTRICTED;
	if (err) {
		pr_err("invalid target domain \"%s\" in xenstore, every file binds nothing\n",
		       val);
		return DOMID_IDLE;
	}
	pr_info("stubdomain of domain %u: files bind only with it and with domain %u\n",
		target, EVTCHN_TOOLSTACK_DOMID);
	return target;
}

#ifdef XEN_DMOP_FAULT_INJECT
/*
 * The test build's domu_target parameter (evtchn-fault.c): the domU target
 * mode, driven by a dom0 test instead of xenstore.
 */
void evtchn_restrict_test_pending(void)
{
	xdm_target_test_pending();
}

void evtchn_restrict_test_answer(domid_t domid)
{
	xdm_target_publish(domid);
}
#endif

void evtchn_restrict_init(void)
{
	xdm_target_init(evtchn_target_decide);
}

void evtchn_restrict_exit(void)
{
	xdm_target_exit();
}
