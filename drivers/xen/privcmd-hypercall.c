// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_HYPERCALL, the raw hypercall that
 * libxencall builds the whole toolstack on.
 */

#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>
#include <xen/xen-ops.h>

#include "privcmd.h"

long privcmd_ioctl_hypercall(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_hypercall call;
	long ret;

	/* A restricted file acts on one domain only: no arbitrary hypercalls. */
	if (!privcmd_unrestricted_begin(pf)) {
		privcmd_audit_denied(file, IOCTL_PRIVCMD_HYPERCALL, DOMID_INVALID, 0,
				     PRIVCMD_DENIED_HYPERCALL);
		return -EPERM;
	}
	if (copy_from_user(&call, udata, sizeof(call))) {
		ret = -EFAULT;
		goto out;
	}

	/* Long hypercalls (domain destruction...) may be preempted. */
	xen_preemptible_hcall_begin();
	ret = privcmd_call(call.op, call.arg[0], call.arg[1], call.arg[2],
			   call.arg[3], call.arg[4]);
	xen_preemptible_hcall_end();
out:
	privcmd_unrestricted_end(pf, true);
	return ret;
}
