// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop: the fail_nth/fail_hits parameters of the fault-injection
 * test build (XEN_DMOP_FAULT_INJECT=1 only; see xdm-fault-inject.h). Not
 * built on its own: privcmd-fault.c and evtchn-fault.c include it, so each
 * module has its own parameters (kbuild refuses one object in two modules).
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "xdm-fault-inject.h"

static atomic_t fail_countdown = ATOMIC_INIT(0);
static atomic_t fail_hits = ATOMIC_INIT(0);

static int fail_nth_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n > INT_MAX)
		return -EINVAL;
	atomic_set(&fail_countdown, n);
	return 0;
}

static int fail_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", max(atomic_read(kp->arg), 0));
}

static const struct kernel_param_ops fail_nth_ops = {
	.set = fail_nth_set,
	.get = fail_get,
};

static const struct kernel_param_ops fail_hits_ops = {
	.get = fail_get,
};

module_param_cb(fail_nth, &fail_nth_ops, &fail_countdown, 0600);
MODULE_PARM_DESC(fail_nth,
		 "Test build only: fail the Nth allocation from now (once); reads the allocations left; 0 = off");
module_param_cb(fail_hits, &fail_hits_ops, &fail_hits, 0400);
MODULE_PARM_DESC(fail_hits, "Test build only: allocation failures injected so far");

bool xdm_fault_alloc(void)
{
	return xdm_fault_tick(&fail_countdown, &fail_hits);
}
