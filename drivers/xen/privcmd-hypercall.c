// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_HYPERCALL, the raw hypercall that
 * libxencall builds the whole toolstack on.
 */

#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>
#include <xen/xen-ops.h>

#include "privcmd.h"

/* The hypercall itself: long ones (domain destruction...) may be preempted. */
static long privcmd_hypercall_call(const struct privcmd_hypercall *call)
{
	long ret;

	xen_preemptible_hcall_begin();
	ret = privcmd_call(call->op, call->arg[0], call->arg[1], call->arg[2],
			   call->arg[3], call->arg[4]);
	xen_preemptible_hcall_end();
	return ret;
}

/*
 * Once the file has an allowlist, DMOPs go through IOCTL_PRIVCMD_DM_OP where
 * it is enforced: not raw, nor inside a multicall. A call that could carry a
 * DMOP is a reader of the file's dm_op_srcu, as there, so that setting an
 * allowlist waits for it.
 */
static long privcmd_hypercall_dm_op(struct file *file, const struct privcmd_hypercall *call)
{
	struct privcmd_file *pf = file->private_data;
	bool refused;
	long ret = 0;
	int idx;

	idx = srcu_read_lock(&pf->dm_op_srcu);
	refused = READ_ONCE(pf->allowlist_set);
	if (!refused)
		ret = privcmd_hypercall_call(call);
	srcu_read_unlock(&pf->dm_op_srcu, idx);
	if (!refused)
		return ret;
	privcmd_audit_denied(pf, IOCTL_PRIVCMD_HYPERCALL, DOMID_INVALID, 0,
			     PRIVCMD_DENIED_ALLOWLIST);
	return -EPERM;
}

long privcmd_ioctl_hypercall(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_hypercall call;
	long ret;

	/* A restricted file acts on one domain only: no arbitrary hypercalls. */
	if (!privcmd_unrestricted_begin(pf)) {
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_HYPERCALL, DOMID_INVALID, 0,
				     PRIVCMD_DENIED_HYPERCALL);
		return -EPERM;
	}
	if (copy_from_user(&call, udata, sizeof(call)))
		ret = -EFAULT;
	else if (call.op == __HYPERVISOR_dm_op || call.op == __HYPERVISOR_multicall)
		ret = privcmd_hypercall_dm_op(file, &call);
	else
		ret = privcmd_hypercall_call(&call);
	privcmd_unrestricted_end(pf, true);
	return ret;
}
