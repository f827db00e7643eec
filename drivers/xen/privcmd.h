/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop privcmd: what the pieces of the driver share.
 */
#ifndef XEN_DMOP_PRIVCMD_H
#define XEN_DMOP_PRIVCMD_H

#include <linux/compiler.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <linux/version.h>

#include <xen/interface/xen.h>

#include "../../include/uapi/xen/privcmd.h"

void privcmd_audit_denied(struct file *file, unsigned int cmd, unsigned int target,
			  unsigned int op, unsigned int reason);

/* Counter slot for sub-ops >= PRIVCMD_AUDIT_NR_OPS and unreadable ones. */
#define PRIVCMD_OP_OTHER PRIVCMD_AUDIT_NR_OPS

/**
 * struct privcmd_counters - one CPU's share of a file's audit counters.
 * @calls: DMOPs issued to Xen, by sub-op (PRIVCMD_OP_OTHER: the rest).
 * @failures: those that failed, by sub-op.
 * @denied: calls refused before any hypercall, by PRIVCMD_DENIED_*.
 * @dm_ops_denied: DMOPs among those.
 *
 * Per CPU so that threads sharing a file (a device model's vCPU threads)
 * never write the same cache line on the DM_OP path; readers sum them.
 */
struct privcmd_counters {
	u64 calls[PRIVCMD_AUDIT_NR_OPS + 1];
	u64 failures[PRIVCMD_AUDIT_NR_OPS + 1];
	u64 denied[PRIVCMD_DENIED_NR];
	u64 dm_ops_denied;
};

/**
 * struct privcmd_file - state of one open /dev/xen/privcmd file.
 * @domid: the only domain this file may act on, or DOMID_INVALID while
 *	unrestricted. Written once with cmpxchg(), read with READ_ONCE():
 *	dup(), fork() and SCM_RIGHTS share the struct file and so share it.
 * @allowlist_set: an allowlist was set: sub-ops >= 64 are refused. Only
 *	ever goes from false to true.
 * @dm_op_allowed: bit N: DMOP sub-op N may be issued. All ones at open;
 *	bits are only ever cleared (cmpxchg()), read with READ_ONCE().
 * @stats: per-CPU counters, summed by fdinfo and IOCTL_PRIVCMD_AUDIT_QUERY.
 * @mapped_pages: foreign frames mapped through mappings of this file.
 */
struct privcmd_file {
	unsigned int domid;
	bool allowlist_set;
	u64 dm_op_allowed;
	struct privcmd_counters __percpu *stats;
	atomic_long_t mapped_pages;
};

/* True when @file may aim a targeted operation at @dom. */
static inline bool privcmd_may_target(struct file *file, domid_t dom)
{
	struct privcmd_file *pf = file->private_data;
	unsigned int target = READ_ONCE(pf->domid);

	return target == DOMID_INVALID || target == dom;
}

/*
 * 0 when @file may aim ioctl @cmd at @dom; else the refusal is counted and
 * traced, and the result is -EPERM.
 */
static inline int privcmd_check_target(struct file *file, unsigned int cmd, domid_t dom)
{
	if (likely(privcmd_may_target(file, dom)))
		return 0;
	privcmd_audit_denied(file, cmd, dom, 0, PRIVCMD_DENIED_DOMID);
	return -EPERM;
}

/* True when @file is restricted to one domain (or to none at all). */
static inline bool privcmd_is_restricted(struct file *file)
{
	struct privcmd_file *pf = file->private_data;

	return READ_ONCE(pf->domid) != DOMID_INVALID;
}

/* vm_flags became read-only with a setter in 6.3. */
static inline void privcmd_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

struct seq_file;

/* privcmd-hypercall.c */
long privcmd_ioctl_hypercall(struct file *file, void __user *udata);

/* privcmd-dm-op.c */
long privcmd_ioctl_dm_op(struct file *file, void __user *udata);

/* privcmd-restrict.c */
long privcmd_ioctl_restrict(struct file *file, void __user *udata);
int privcmd_restrict_open(struct privcmd_file *pf);
void privcmd_restrict_init(void);
void privcmd_restrict_exit(void);

/* privcmd-audit.c */
int privcmd_audit_open(struct privcmd_file *pf);
void privcmd_audit_release(struct privcmd_file *pf);
void privcmd_show_fdinfo(struct seq_file *m, struct file *file);
long privcmd_ioctl_dm_op_allowlist(struct file *file, void __user *udata);
long privcmd_ioctl_audit_query(struct file *file, void __user *udata);

/* privcmd-mmap.c */
int privcmd_mmap(struct file *file, struct vm_area_struct *vma);
long privcmd_ioctl_mmap(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_batch_v1(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_batch_v2(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_resource(struct file *file, void __user *udata);

/* privcmd-buf.c: /dev/xen/hypercall */
extern const struct file_operations xen_privcmdbuf_fops;

/* privcmd-main.c */
int privcmd_open(struct inode *inode, struct file *file);
int privcmd_release(struct inode *inode, struct file *file);
long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* privcmd-export.c */
extern const struct file_operations xen_privcmd_fops;

#endif /* XEN_DMOP_PRIVCMD_H */
