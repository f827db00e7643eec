// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: the parameters of the fault-injection test build
 * (XEN_DMOP_FAULT_INJECT=1 only): fail_nth/fail_hits, and domu_target, which
 * lets a dom0 test walk the domU target mode of evtchn-restrict.c.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>

#include "xdm-fault-inject-params.c"
#include "evtchn-priv.h"

/*
 * Write "pending": from now on, files open as in a domU whose xenstore has
 * not named the target yet. Write a domid (decimal, 32767 = an invalid
 * target): xenstore's answer. Write "off": no target, as in dom0.
 */
static int domu_target_set(const char *val, const struct kernel_param *kp)
{
	unsigned int domid;

	if (sysfs_streq(val, "pending")) {
		evtchn_restrict_test_pending();
		return 0;
	}
	if (sysfs_streq(val, "off")) {
		evtchn_restrict_test_answer(EVTCHN_UNRESTRICTED);
		return 0;
	}
	if (kstrtouint(val, 10, &domid) || !domid ||
	    (domid >= DOMID_FIRST_RESERVED && domid != DOMID_IDLE))
		return -EINVAL;
	evtchn_restrict_test_answer(domid);
	return 0;
}

static const struct kernel_param_ops domu_target_ops = {
	.set = domu_target_set,
};

module_param_cb(domu_target, &domu_target_ops, NULL, 0200);
MODULE_PARM_DESC(domu_target,
		 "Test build only: \"pending\", a domid (32767: invalid target) or \"off\": act as a domU's evtchn");
