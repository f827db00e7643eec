// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_HYPERCALL, the raw hypercall that
 * libxencall builds the whole toolstack on.
 *
 * A restricted file issues no raw hypercall, with one exception: the one
 * call without a DMOP equivalent that QEMU's set-up needs in a Linux
 * stubdomain, whose files are restricted from open() (found by tracing the
 * real QEMU; Documentation/admin-guide/stubdomain.rst):
 *
 *   memory_op(XENMEM_populate_physmap), from xc_domain_populate_physmap_exact()
 *   in QEMU's xen_ram_alloc(), for the RAM it emulates itself (VGA memory).
 *   libxenctrl 4.17 issues it as a multicall of that one call (to read its
 *   full result), older ones directly: both shapes, and nothing else.
 *
 * It passes only when the domain it names is the file's. The driver copies
 * the arguments into kernel memory, checks the domain there and hands Xen
 * its own copy, so that the caller cannot change the domain after the check.
 */

#include <linux/compat.h>
#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>
#include <xen/interface/memory.h>
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

/*
 * XENMEM_populate_physmap on a restricted file, its argument at @uarg:
 * populate frames of the file's domain, in single pages with no flags, as
 * libxenctrl does for QEMU. The frame list stays in the caller's memory: Xen
 * reads frame numbers from it, and they name frames of that domain only.
 * 0 with Xen's answer in @result, or the refusal (nothing reached Xen).
 */
static int privcmd_populate_physmap(struct file *file, u64 uarg, long *result)
{
	struct privcmd_file *pf = file->private_data;
	struct xen_memory_reservation res;

	if (copy_from_user(&res, u64_to_user_ptr(uarg), sizeof(res)))
		return -EFAULT;
	/* A restricted file never names a reserved domid (DOMID_IDLE...). */
	if (res.domid != READ_ONCE(pf->domid) || res.domid >= DOMID_FIRST_RESERVED) {
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_HYPERCALL, res.domid,
				     __HYPERVISOR_memory_op, PRIVCMD_DENIED_DOMID);
		return -EPERM;
	}
	if (res.extent_order || res.address_bits) {
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_HYPERCALL, res.domid,
				     __HYPERVISOR_memory_op, PRIVCMD_DENIED_HYPERCALL);
		return -EPERM;
	}
	xen_preemptible_hcall_begin();
	*result = HYPERVISOR_memory_op(XENMEM_populate_physmap, &res);
	xen_preemptible_hcall_end();
	return 0;
}

/*
 * A multicall of one XENMEM_populate_physmap, the entry at @uentry: the call
 * is made directly, with the driver's copies, and its result stored in the
 * caller's entry, as Xen's multicall would. *@allowed stays false for any
 * other entry (and one that cannot be read): the caller refuses it.
 */
static long privcmd_multicall_populate(struct file *file, u64 uentry, bool *allowed)
{
	struct multicall_entry __user *ue = u64_to_user_ptr(uentry);
	struct multicall_entry entry;
	long result;
	int err;

	if (copy_from_user(&entry, ue, sizeof(entry)))
		return 0;
	if (entry.op != __HYPERVISOR_memory_op || entry.args[0] != XENMEM_populate_physmap)
		return 0;
	*allowed = true;
	err = privcmd_populate_physmap(file, entry.args[1], &result);
	if (err)
		return err;
	return put_user(result, &ue->result) ? -EFAULT : 0;
}

/*
 * A raw hypercall on a restricted file: refused, counted and traced (with
 * its hypercall number), but for the exception of the top comment. Only for
 * a 64-bit caller, whose arguments have Xen's 64-bit layout. The first
 * argument of memory_op must be the bare command (no continuation bits).
 */
static long privcmd_hypercall_restricted(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_hypercall call = { .op = 0 };
	bool read = !copy_from_user(&call, udata, sizeof(call));
	bool allowed = false;
	long ret, result;

	if (read && !in_compat_syscall()) {
		if (call.op == __HYPERVISOR_memory_op && call.arg[0] == XENMEM_populate_physmap) {
			ret = privcmd_populate_physmap(file, call.arg[1], &result);
			return ret ? ret : result;
		}
		if (call.op == __HYPERVISOR_multicall && call.arg[1] == 1) {
			ret = privcmd_multicall_populate(file, call.arg[0], &allowed);
			if (allowed)
				return ret;
		}
	}
	privcmd_audit_denied(pf, IOCTL_PRIVCMD_HYPERCALL, DOMID_INVALID, read ? call.op : 0,
			     PRIVCMD_DENIED_HYPERCALL);
	return -EPERM;
}

long privcmd_ioctl_hypercall(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_hypercall call;
	long ret;

	/* A restricted file acts on one domain only: no arbitrary hypercalls. */
	if (!privcmd_unrestricted_begin(pf))
		return privcmd_hypercall_restricted(file, udata);
	if (copy_from_user(&call, udata, sizeof(call)))
		ret = -EFAULT;
	else if (call.op == __HYPERVISOR_dm_op || call.op == __HYPERVISOR_multicall)
		ret = privcmd_hypercall_dm_op(file, &call);
	else
		ret = privcmd_hypercall_call(&call);
	privcmd_unrestricted_end(pf, true);
	return ret;
}
