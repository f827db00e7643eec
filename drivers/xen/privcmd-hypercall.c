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
	bool dm_op;
	long ret;
	int idx;

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
	/*
	 * Once the file has an allowlist, DMOPs go through IOCTL_PRIVCMD_DM_OP
	 * where it is enforced: not raw, nor inside a multicall. One that
	 * could carry a DMOP is an SRCU reader, as there, so that setting an
	 * allowlist waits for it.
	 */
	dm_op = call.op == __HYPERVISOR_dm_op || call.op == __HYPERVISOR_multicall;
	if (dm_op) {
		idx = srcu_read_lock(&pf->dm_op_srcu);
		if (READ_ONCE(pf->allowlist_set)) {
			srcu_read_unlock(&pf->dm_op_srcu, idx);
			privcmd_audit_denied(file, IOCTL_PRIVCMD_HYPERCALL, DOMID_INVALID, 0,
					     PRIVCMD_DENIED_ALLOWLIST);
			ret = -EPERM;
			goto out;
		}
	}

	/* Long hypercalls (domain destruction...) may be preempted. */
	xen_preemptible_hcall_begin();
	ret = privcmd_call(call.op, call.arg[0], call.arg[1], call.arg[2],
			   call.arg[3], call.arg[4]);
	xen_preemptible_hcall_end();
	if (dm_op)
		srcu_read_unlock(&pf->dm_op_srcu, idx);
out:
	privcmd_unrestricted_end(pf, true);
	return ret;
}
