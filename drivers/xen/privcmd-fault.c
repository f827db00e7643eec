// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: the parameters of the fault-injection test build
 * (XEN_DMOP_FAULT_INJECT=1 only): fail_nth/fail_hits, and domu_target, which
 * lets a dom0 test walk the domU target mode of privcmd-restrict.c.
 */
#include <linux/kernel.h>
#include <linux/moduleparam.h>

#include "xdm-fault-inject-params.c"
#include "privcmd.h"

/*
 * Write "pending": from now on, files open as in a domU whose xenstore has
 * not named the target yet. Write a domid (decimal, 32767 = none found):
 * xenstore's answer. Write "off": back to dom0 behaviour for new files.
 */
static int domu_target_set(const char *val, const struct kernel_param *kp)
{
	unsigned int domid;

	if (sysfs_streq(val, "pending"))
		return privcmd_restrict_test_pending();
	if (sysfs_streq(val, "off"))
		return privcmd_restrict_test_answer(DOMID_INVALID);
	if (kstrtouint(val, 10, &domid) || (domid >= DOMID_FIRST_RESERVED && domid != DOMID_IDLE))
		return -EINVAL;
	return privcmd_restrict_test_answer(domid);
}

static const struct kernel_param_ops domu_target_ops = {
	.set = domu_target_set,
};

module_param_cb(domu_target, &domu_target_ops, NULL, 0200);
MODULE_PARM_DESC(domu_target,
		 "Test build only: \"pending\", a domid (32767: none) or \"off\": act as a domU's privcmd");
