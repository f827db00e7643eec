// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: restricting a file to one domain.
 *
 * IOCTL_PRIVCMD_RESTRICT sets the restriction of an open file once. In a
 * domU (not dom0) every file starts restricted to the domain named by the
 * "target" key in xenstore, as upstream does for stub domains, unless the
 * "unrestricted" parameter says otherwise and the kernel is not locked down.
 * Lockdown is checked at each open(), so that it also holds when raised at
 * run time (after the module was loaded): from then on new files are
 * restricted; files opened before keep what they had.
 *
 * A file opened before xenstore answered starts PRIVCMD_DOMID_PENDING and
 * its first ioctl waits for the answer. open() itself never waits: it runs
 * under misc_open()'s global mutex, and a wait there would hold up every
 * misc device of the system (evtchn, tun, fuse, uinput...).
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/atomic.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

#include "privcmd.h"
#include "privcmd-trace.h"

static bool unrestricted;
module_param(unrestricted, bool, 0);
MODULE_PARM_DESC(unrestricted,
		 "In a domU, do not restrict files to the xenstore \"target\" domain (ignored under lockdown; default: N)");

/*
 * What a new file starts with: DOMID_INVALID means unrestricted. Published
 * before target_pending goes false (release), read after it was seen false
 * (acquire).
 */
static unsigned int default_domid = DOMID_INVALID;
/* In a domU, until xenstore has told us the target. */
static bool target_pending;
static bool notifier_registered;
static DECLARE_WAIT_QUEUE_HEAD(target_wq);

/* Whether a call let through unrestricted has not ended yet. */
static bool privcmd_unrestricted_in_flight(struct privcmd_file *pf)
{
	int cpu, sum = 0;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(pf->stats, cpu)->unrestricted_calls);
	return sum != 0;
}

long privcmd_ioctl_restrict(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	unsigned int old;
	domid_t dom;

	if (copy_from_user(&dom, udata, sizeof(dom)))
		return -EFAULT;
	/* DOMID_SELF, DOMID_INVALID and friends name no domain to act on. */
	if (dom >= DOMID_FIRST_RESERVED)
		return -EINVAL;

	/* One winner among concurrent callers; the restriction never changes. */
	old = cmpxchg(&pf->domid, DOMID_INVALID, dom);
	if (old != DOMID_INVALID && old != dom)
		return -EINVAL;
	/*
	 * Calls that started unrestricted (another thread's DMOP to another
	 * domain, say) finish before this returns: from then on nothing of
	 * this file reaches another domain. After the grace period every such
	 * call is counted (it read @domid before the cmpxchg()) or saw the
	 * restriction (privcmd_unrestricted_begin()). A fatal signal ends the
	 * wait early; the restriction stays set.
	 */
	synchronize_rcu_expedited();
	if (wait_var_event_killable(&pf->domid, !privcmd_unrestricted_in_flight(pf)))
		return -EINTR;
	trace_privcmd_restrict(dom, old == dom);
	return 0;
}

/* "unrestricted" was asked for in a domU: whether the kernel lets it be. */
static bool privcmd_unrestricted_allowed(void)
{
	if (!unrestricted || xen_initial_domain())
		return false;
	if (!security_locked_down(LOCKDOWN_XEN_USER_ACTIONS))
		return true;
	pr_warn_once("kernel is locked down, parameter \"unrestricted\" ignored\n");
	return false;
}

void privcmd_restrict_open(struct privcmd_file *pf)
{
	if (privcmd_unrestricted_allowed()) {
		pf->domid = DOMID_INVALID;
		return;
	}
	/* Pairs with the release in privcmd_target_ready(). */
	if (smp_load_acquire(&target_pending))
		pf->domid = PRIVCMD_DOMID_PENDING;
	else
		pf->domid = READ_ONCE(default_domid);
}

/*
 * The first ioctl of a file opened while the target was pending: wait for
 * xenstore's answer (outside any global lock) and restrict the file to it.
 */
int privcmd_restrict_resolve(struct privcmd_file *pf)
{
	/* acquire: pairs with the release in privcmd_target_ready() */
	if (wait_event_interruptible(target_wq, !smp_load_acquire(&target_pending)))
		return -EINTR;
	cmpxchg(&pf->domid, PRIVCMD_DOMID_PENDING, READ_ONCE(default_domid));
	return 0;
}

/* What fdinfo and the audit query report: a pending file acts on nothing yet. */
unsigned int privcmd_restricted_domid(struct privcmd_file *pf)
{
	unsigned int domid = READ_ONCE(pf->domid);

	return domid == PRIVCMD_DOMID_PENDING ? DOMID_IDLE : domid;
}

static int privcmd_target_ready(struct notifier_block *nb, unsigned long event, void *data)
{
	unsigned int domid = DOMID_IDLE;	/* acts on nothing */
	char *target;

	target = xenbus_read(XBT_NIL, "target", "", NULL);
	if (IS_ERR(target) || kstrtouint(target, 10, &domid) ||
	    domid >= DOMID_FIRST_RESERVED) {
		if (unrestricted)
			pr_info("no target domain in xenstore (files are unrestricted: parameter \"unrestricted\")\n");
		else
			pr_err("no target domain in xenstore, refusing every targeted operation\n");
		domid = DOMID_IDLE;
	}
	if (!IS_ERR(target))
		kfree(target);

	WRITE_ONCE(default_domid, domid);
	/* release: default_domid before "not pending" (read with acquire) */
	smp_store_release(&target_pending, false);
	wake_up_all(&target_wq);
	return NOTIFY_DONE;
}

static struct notifier_block privcmd_xenstore_nb = {
	.notifier_call = privcmd_target_ready,
};

void privcmd_restrict_init(void)
{
	if (xen_initial_domain())
		return;
	/* Even with "unrestricted": a lockdown may come later (privcmd_restrict_open()). */
	target_pending = true;
	register_xenstore_notifier(&privcmd_xenstore_nb);
	notifier_registered = true;
}

void privcmd_restrict_exit(void)
{
	if (notifier_registered)
		unregister_xenstore_notifier(&privcmd_xenstore_nb);
	notifier_registered = false;
}

#ifdef XEN_DMOP_FAULT_INJECT
/*
 * The test build's domu_target parameter (privcmd-fault.c): the domU target
 * mode, driven by a dom0 test instead of xenstore.
 */
int privcmd_restrict_test_pending(void)
{
	WRITE_ONCE(target_pending, true);
	return 0;
}

int privcmd_restrict_test_answer(unsigned int domid)
{
	WRITE_ONCE(default_domid, domid);
	/* release: as in privcmd_target_ready() */
	smp_store_release(&target_pending, false);
	wake_up_all(&target_wq);
	return 0;
}
#endif
