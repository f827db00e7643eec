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
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/security.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <xen/xen.h>

#include "privcmd.h"
#include "privcmd-trace.h"
#include "xdm-domu-target.c"

static bool unrestricted;
module_param(unrestricted, bool, 0);
MODULE_PARM_DESC(unrestricted,
		 "In a domU, do not restrict files to the xenstore \"target\" domain (ignored under lockdown; default: N)");

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
	unsigned int domid;

	if (privcmd_unrestricted_allowed()) {
		pf->domid = DOMID_INVALID;
		return;
	}
	/* What a new file starts with: DOMID_INVALID means unrestricted. */
	if (xdm_target_known(&domid))
		pf->domid = domid;
	else
		pf->domid = PRIVCMD_DOMID_PENDING;
}

/*
 * The first ioctl of a file opened while the target was pending: wait for
 * xenstore's answer (outside any global lock) and restrict the file to it.
 */
int privcmd_restrict_resolve(struct privcmd_file *pf)
{
	unsigned int domid;

	if (xdm_target_wait(&domid))
		return -EINTR;
	cmpxchg(&pf->domid, PRIVCMD_DOMID_PENDING, domid);
	return 0;
}

/* What fdinfo and the audit query report: a pending file acts on nothing yet. */
unsigned int privcmd_restricted_domid(struct privcmd_file *pf)
{
	unsigned int domid = READ_ONCE(pf->domid);

	return domid == PRIVCMD_DOMID_PENDING ? DOMID_IDLE : domid;
}

/* xenstore's answer, or none: the domid new files start with (xdm_target_init()). */
static unsigned int privcmd_target_decide(int err, unsigned int domid, const char *val)
{
	if (!err)
		return domid;
	if (unrestricted)
		pr_info("no target domain in xenstore (files are unrestricted: parameter \"unrestricted\")\n");
	else
		pr_err("no target domain in xenstore, refusing every targeted operation\n");
	return DOMID_IDLE;	/* acts on nothing */
}

void privcmd_restrict_init(void)
{
	/* Even with "unrestricted": a lockdown may come later (privcmd_restrict_open()). */
	xdm_target_init(privcmd_target_decide);
}

void privcmd_restrict_exit(void)
{
	xdm_target_exit();
}

#ifdef XEN_DMOP_FAULT_INJECT
/*
 * The test build's domu_target parameter (privcmd-fault.c): the domU target
 * mode, driven by a dom0 test instead of xenstore.
 */
int privcmd_restrict_test_pending(void)
{
	xdm_target_test_pending();
	return 0;
}

int privcmd_restrict_test_answer(unsigned int domid)
{
	xdm_target_publish(domid);
	return 0;
}
#endif
