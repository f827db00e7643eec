// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop: in a domU, waiting for xenstore to name the "target" domain (the
 * guest a stubdomain serves). Not built on its own: privcmd-restrict.c and
 * evtchn-restrict.c include it, so each module has its own state (kbuild
 * refuses one object in two modules). The waiting is here; what the answer
 * means is each module's, the callback given to xdm_target_init().
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kstrtox.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xen/xen.h>
#include <xen/xenbus.h>

/*
 * The answer: published before xdm_target_pending goes false (release), read
 * only after it was seen false (acquire). DOMID_INVALID: no restriction.
 */
static unsigned int xdm_target_domid = DOMID_INVALID;
/* In a domU, until xenstore has answered. */
static bool xdm_target_pending;
static bool xdm_target_registered;
static DECLARE_WAIT_QUEUE_HEAD(xdm_target_wq);
static unsigned int (*xdm_target_decide)(int err, unsigned int domid, const char *val);

/* Whether xenstore has answered, and if so the answer in @domid. */
static bool xdm_target_known(unsigned int *domid)
{
	/* acquire: pairs with the release in xdm_target_publish() */
	if (smp_load_acquire(&xdm_target_pending))
		return false;
	*domid = READ_ONCE(xdm_target_domid);
	return true;
}

/* 0 and the answer in @domid once xenstore has answered; -EINTR on a signal. */
static int xdm_target_wait(unsigned int *domid)
{
	if (wait_event_interruptible(xdm_target_wq, xdm_target_known(domid)))
		return -EINTR;
	return 0;
}

/* xenstore's answer (or the test build's): wakes every xdm_target_wait(). */
static void xdm_target_publish(unsigned int domid)
{
	WRITE_ONCE(xdm_target_domid, domid);
	/* release: the domid before "not pending" (read with acquire) */
	smp_store_release(&xdm_target_pending, false);
	wake_up_all(&xdm_target_wq);
}

/*
 * xenstore's "target" key: 0 and the domid in @domid, -ENOENT when there is
 * none (or it cannot be read), -EINVAL when it names no domain a stubdomain
 * can serve (dom0 is never one's target). *@val is the key as read (NULL for
 * -ENOENT), for the log line; the caller frees it.
 */
static int xdm_target_read(unsigned int *domid, char **val)
{
	*val = xenbus_read(XBT_NIL, "target", "", NULL);
	if (IS_ERR(*val)) {
		*val = NULL;
		return -ENOENT;
	}
	if (kstrtouint(*val, 10, domid) || !*domid || *domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	return 0;
}

static int xdm_target_ready(struct notifier_block *nb, unsigned long event, void *data)
{
	unsigned int domid = DOMID_INVALID;
	char *val;
	int err;

	err = xdm_target_read(&domid, &val);
	domid = xdm_target_decide(err, domid, val);
	kfree(val);
	xdm_target_publish(domid);
	return NOTIFY_DONE;
}

static struct notifier_block xdm_target_nb = {
	.notifier_call = xdm_target_ready,
};

/*
 * In a domU: pending until xenstore is up, then @decide turns the result of
 * xdm_target_read() into the answer. In dom0 nothing is ever pending.
 */
static void xdm_target_init(unsigned int (*decide)(int err, unsigned int domid, const char *val))
{
	if (xen_initial_domain())
		return;
	xdm_target_decide = decide;
	xdm_target_pending = true;
	/* Calls xdm_target_ready() at once if xenstore is already up. */
	register_xenstore_notifier(&xdm_target_nb);
	xdm_target_registered = true;
}

static void xdm_target_exit(void)
{
	if (xdm_target_registered)
		unregister_xenstore_notifier(&xdm_target_nb);
	xdm_target_registered = false;
}

#ifdef XEN_DMOP_FAULT_INJECT
/* The test build's domu_target parameter: pending again, as before xenstore. */
static void xdm_target_test_pending(void)
{
	WRITE_ONCE(xdm_target_pending, true);
}
#endif
