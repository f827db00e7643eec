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

#include <linux/kstrtox.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"

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

/*
 * The stubdomain policy: what a new file starts with, learnt from xenstore.
 * evtchn_target is published before evtchn_target_pending goes false
 * (release) and read after it was seen false (acquire).
 */
static domid_t evtchn_target = EVTCHN_UNRESTRICTED;
static bool evtchn_target_pending;
static bool evtchn_notifier_registered;
static DECLARE_WAIT_QUEUE_HEAD(evtchn_target_wq);

static void evtchn_restrict_apply(struct evtchn_file *f)
{
	domid_t domid = READ_ONCE(evtchn_target);

	WRITE_ONCE(f->restrict_domid, domid);
	WRITE_ONCE(f->toolstack_too, domid != EVTCHN_UNRESTRICTED && domid != DOMID_IDLE);
}

void evtchn_restrict_open(struct evtchn_file *f)
{
	/* Pairs with the release in evtchn_target_ready(). */
	if (!smp_load_acquire(&evtchn_target_pending)) {
		evtchn_restrict_apply(f);
		return;
	}
	/* Binds nothing until xenstore answered (the first ioctl waits). */
	f->restrict_domid = DOMID_IDLE;
	f->target_pending = true;
}

/* The first ioctl of a file opened before xenstore answered: wait for it. */
int evtchn_restrict_resolve(struct evtchn_file *f)
{
	/* acquire: pairs with the release in evtchn_target_ready() */
	if (wait_event_interruptible(evtchn_target_wq, !smp_load_acquire(&evtchn_target_pending)))
		return -EINTR;
	mutex_lock(&f->bind_lock);
	if (f->target_pending) {
		evtchn_restrict_apply(f);
		WRITE_ONCE(f->target_pending, false);
	}
	mutex_unlock(&f->bind_lock);
	return 0;
}

static void evtchn_target_answer(domid_t domid)
{
	WRITE_ONCE(evtchn_target, domid);
	/* release: evtchn_target before "not pending" (read with acquire) */
	smp_store_release(&evtchn_target_pending, false);
	wake_up_all(&evtchn_target_wq);
}

static int evtchn_target_ready(struct notifier_block *nb, unsigned long event, void *data)
{
	domid_t domid = EVTCHN_UNRESTRICTED;
	unsigned int target;
	char *val;

	val = xenbus_read(XBT_NIL, "target", "", NULL);
	if (!IS_ERR(val)) {
		if (kstrtouint(val, 10, &target) || !target || target >= DOMID_FIRST_RESERVED) {
			pr_err("invalid target domain \"%s\" in xenstore, every file binds nothing\n",
			       val);
			domid = DOMID_IDLE;
		} else {
			pr_info("stubdomain of domain %u: files bind only with it and with domain %u\n",
				target, EVTCHN_TOOLSTACK_DOMID);
			domid = target;
		}
		kfree(val);
	}
	evtchn_target_answer(domid);
	return NOTIFY_DONE;
}

static struct notifier_block evtchn_xenstore_nb = {
	.notifier_call = evtchn_target_ready,
};

#ifdef XEN_DMOP_FAULT_INJECT
/*
 * The test build's domu_target parameter (evtchn-fault.c): the domU target
 * mode, driven by a dom0 test instead of xenstore.
 */
void evtchn_restrict_test_pending(void)
{
	WRITE_ONCE(evtchn_target_pending, true);
}

void evtchn_restrict_test_answer(domid_t domid)
{
	evtchn_target_answer(domid);
}
#endif

void evtchn_restrict_init(void)
{
	if (xen_initial_domain())
		return;
	evtchn_target_pending = true;
	register_xenstore_notifier(&evtchn_xenstore_nb);
	evtchn_notifier_registered = true;
}

void evtchn_restrict_exit(void)
{
	if (evtchn_notifier_registered)
		unregister_xenstore_notifier(&evtchn_xenstore_nb);
	evtchn_notifier_registered = false;
}
