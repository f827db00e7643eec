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

/**
 * struct privcmd_file - state of one open /dev/xen/privcmd file.
 * @domid: the only domain this file may act on, or DOMID_INVALID while
 *	unrestricted. Written once with cmpxchg(), read with READ_ONCE():
 *	dup(), fork() and SCM_RIGHTS share the struct file and so share it.
 */
struct privcmd_file {
	unsigned int domid;
};

/* True when @file may aim a targeted operation at @dom. */
static inline bool privcmd_may_target(struct file *file, domid_t dom)
{
	struct privcmd_file *pf = file->private_data;
	unsigned int target = READ_ONCE(pf->domid);

	return target == DOMID_INVALID || target == dom;
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

/* privcmd-hypercall.c */
long privcmd_ioctl_hypercall(struct file *file, void __user *udata);

/* privcmd-dm-op.c */
long privcmd_ioctl_dm_op(struct file *file, void __user *udata);

/* privcmd-restrict.c */
long privcmd_ioctl_restrict(struct file *file, void __user *udata);
int privcmd_restrict_open(struct privcmd_file *pf);
void privcmd_restrict_init(void);
void privcmd_restrict_exit(void);

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
