// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: /dev/xen/privcmd and /dev/xen/hypercall, a drop-in
 * replacement for the in-tree xen-privcmd driver.
 *
 * This file: module load and unload, the two misc devices, open/release
 * and the ioctl dispatch table of /dev/xen/privcmd.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/xen.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"

#define PRIVCMD_NODE "xen/privcmd"
#define PRIVCMDBUF_NODE "xen/hypercall"

typedef long (*privcmd_ioctl_fn)(struct file *file, void __user *udata);
typedef long (*privcmd_ioctl_ext_fn)(struct file *file, void *arg, u32 usize);

/**
 * struct privcmd_ioctl_desc - one entry of the dispatch table.
 * @cmd: the full command number; the table is indexed by its _IOC_NR().
 * @fn: the handler of an upstream ioctl; it reads its argument itself, as
 *	upstream does.
 * @ext_fn: the handler of a size-prefixed ioctl of ours (privcmd_ioctl_ext()):
 *	it gets the driver's copy of the argument, @size bytes, and the size
 *	the caller gave.
 * @min_size: the first version's size of an @ext_fn argument: a smaller
 *	size is refused.
 * @size: the driver's struct of an @ext_fn argument.
 * @out: the argument is written back after a successful @ext_fn (an _IOWR
 *	command whose struct is output but for its size and flags): the
 *	caller's bytes past the driver's struct are output too, zeroed,
 *	instead of input that must be zero.
 */
struct privcmd_ioctl_desc {
	unsigned int cmd;
	privcmd_ioctl_fn fn;
	privcmd_ioctl_ext_fn ext_fn;
	u32 min_size;
	u32 size;
	bool out;
};

static const struct privcmd_ioctl_desc privcmd_ioctls[] = {
	[_IOC_NR(IOCTL_PRIVCMD_HYPERCALL)] = {
		IOCTL_PRIVCMD_HYPERCALL, privcmd_ioctl_hypercall },
	[_IOC_NR(IOCTL_PRIVCMD_MMAP)] = {
		IOCTL_PRIVCMD_MMAP, privcmd_ioctl_mmap },
	[_IOC_NR(IOCTL_PRIVCMD_MMAPBATCH)] = {
		IOCTL_PRIVCMD_MMAPBATCH, privcmd_ioctl_mmap_batch_v1 },
	[_IOC_NR(IOCTL_PRIVCMD_MMAPBATCH_V2)] = {
		IOCTL_PRIVCMD_MMAPBATCH_V2, privcmd_ioctl_mmap_batch_v2 },
	[_IOC_NR(IOCTL_PRIVCMD_DM_OP)] = {
		IOCTL_PRIVCMD_DM_OP, privcmd_ioctl_dm_op },
	[_IOC_NR(IOCTL_PRIVCMD_RESTRICT)] = {
		IOCTL_PRIVCMD_RESTRICT, privcmd_ioctl_restrict },
	[_IOC_NR(IOCTL_PRIVCMD_MMAP_RESOURCE)] = {
		IOCTL_PRIVCMD_MMAP_RESOURCE, privcmd_ioctl_mmap_resource },
	[_IOC_NR(IOCTL_PRIVCMD_IRQFD)] = {
		IOCTL_PRIVCMD_IRQFD, privcmd_ioctl_irqfd },
	[_IOC_NR(IOCTL_PRIVCMD_IOEVENTFD)] = {
		IOCTL_PRIVCMD_IOEVENTFD, privcmd_ioctl_ioeventfd },
	[_IOC_NR(IOCTL_PRIVCMD_PCIDEV_GET_GSI)] = {
		IOCTL_PRIVCMD_PCIDEV_GET_GSI, privcmd_ioctl_pcidev_get_gsi },
	/* Ours, far from upstream's numbers; size-prefixed (privcmd_ioctl_ext()). */
	[_IOC_NR(IOCTL_PRIVCMD_DM_OP_ALLOWLIST)] = {
		.cmd = IOCTL_PRIVCMD_DM_OP_ALLOWLIST,
		.ext_fn = privcmd_ioctl_dm_op_allowlist,
		.min_size = PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1,
		.size = sizeof(struct privcmd_dm_op_allowlist),
	},
	[_IOC_NR(IOCTL_PRIVCMD_AUDIT_QUERY)] = {
		.cmd = IOCTL_PRIVCMD_AUDIT_QUERY,
		.ext_fn = privcmd_ioctl_audit_query,
		.min_size = PRIVCMD_AUDIT_QUERY_SIZE_V1,
		.size = sizeof(struct privcmd_audit_query),
		.out = true,
	},
};

/* A size-prefixed argument starts with its u32 size. */
static_assert(offsetof(struct privcmd_dm_op_allowlist, size) == 0);
static_assert(offsetof(struct privcmd_audit_query, size) == 0);

/* Arguments up to this size are copied to the stack, larger ones to the heap. */
#define PRIVCMD_EXT_STACK_BYTES	64

/*
 * A size-prefixed ioctl (@desc->ext_fn), whose size rules are checked here,
 * once for all of them:
 * - the u32 at offset 0 is the size of the caller's struct: smaller than the
 *   first version's is EINVAL, larger than a page E2BIG (as openat2(): no
 *   scanning of megabytes for a "bigger" struct);
 * - the handler gets the driver's copy, @desc->size bytes: the caller's
 *   struct, cut to the driver's or zero-filled past the caller's;
 * - the caller's bytes past the driver's struct must be zero (E2BIG), as
 *   copy_struct_from_user() has it, unless the argument is written back
 *   (@desc->out): then they are output, zeroed on success, and the driver's
 *   struct is copied back up to the caller's size.
 */
static long privcmd_ioctl_ext(struct file *file, const struct privcmd_ioctl_desc *desc,
			      void __user *uarg)
{
	u64 stack[PRIVCMD_EXT_STACK_BYTES / sizeof(u64)];
	void *karg = stack;
	size_t used;
	u32 usize;
	long rc;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < desc->min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (desc->size > sizeof(stack)) {
		karg = XDM_FAULT_ALLOC(kmalloc(desc->size, GFP_KERNEL_ACCOUNT));
		if (!karg)
			return -ENOMEM;
	}

	used = min_t(size_t, usize, desc->size);
	if (!desc->out) {
		rc = copy_struct_from_user(karg, desc->size, uarg, usize);
	} else {
		memset(karg + used, 0, desc->size - used);
		rc = copy_from_user(karg, uarg, used) ? -EFAULT : 0;
	}
	if (rc)
		goto out;

	rc = desc->ext_fn(file, karg, usize);
	if (rc || !desc->out)
		goto out;
	if (copy_to_user(uarg, karg, used) ||
	    (usize > used && clear_user(uarg + used, usize - used)))
		rc = -EFAULT;
out:
	if (karg != stack)
		kfree(karg);
	return rc;
}

long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct privcmd_file *pf = file->private_data;
	const struct privcmd_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);
	int err;

	/* The whole command must match: same number, direction and size. */
	if (_IOC_TYPE(cmd) != 'P' || nr >= ARRAY_SIZE(privcmd_ioctls))
		return -ENOTTY;
	desc = &privcmd_ioctls[nr];
	if (desc->cmd != cmd || (!desc->fn && !desc->ext_fn))
		return -ENOTTY;
	/* Opened in a domU before xenstore named the target: wait for it now. */
	if (unlikely(READ_ONCE(pf->domid) == PRIVCMD_DOMID_PENDING)) {
		err = privcmd_restrict_resolve(pf);
		if (err)
			return err;
	}
	if (desc->ext_fn)
		return privcmd_ioctl_ext(file, desc, (void __user *)arg);
	return desc->fn(file, (void __user *)arg);
}

int privcmd_open(struct inode *inode, struct file *file)
{
	struct privcmd_file *pf;
	int err;

	pf = XDM_FAULT_ALLOC(kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT));
	if (!pf)
		return -ENOMEM;
	privcmd_restrict_open(pf);
	/* Index = id - 1: a lone mapping sits in the head, no node to allocate. */
	xa_init_flags(&pf->maps, XA_FLAGS_ALLOC);
	privcmd_irqfd_open(pf);
	privcmd_ioeventfd_open(pf);
	err = privcmd_audit_open(pf);
	if (err)
		goto err_free;
	file->private_data = pf;
	atomic_long_inc(&privcmd_live.files);
	return 0;

err_free:
	kfree(pf);
	return err;
}

int privcmd_release(struct inode *inode, struct file *file)
{
	struct privcmd_file *pf = file->private_data;

	/* First: a pending injection uses the counters and the srcu. */
	privcmd_irqfd_release(pf);
	privcmd_ioeventfd_release(pf);
	privcmd_audit_release(pf);
	xa_destroy(&pf->maps);	/* empty: every mapping held the file */
	privcmd_mmap_release(pf);
	kfree(pf);
	atomic_long_dec(&privcmd_live.files);
	return 0;
}

struct privcmd_live privcmd_live;
static struct dentry *privcmd_debugfs;

static int privcmd_live_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "files:\t%ld\n", atomic_long_read(&privcmd_live.files));
	seq_printf(m, "mappings:\t%ld\n", atomic_long_read(&privcmd_live.mappings));
	seq_printf(m, "frames:\t%ld\n", atomic_long_read(&privcmd_live.frames));
	seq_printf(m, "buf_pages:\t%ld\n", atomic_long_read(&privcmd_live.buf_pages));
	seq_printf(m, "local_pages:\t%ld\n", atomic_long_read(&privcmd_live.local_pages));
	seq_printf(m, "irqfds:\t%ld\n", atomic_long_read(&privcmd_live.irqfds));
	seq_printf(m, "ioeventfds:\t%ld\n", atomic_long_read(&privcmd_live.ioeventfds));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(privcmd_live);

static struct miscdevice privcmd_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PRIVCMD_NODE,
	.fops = &xen_privcmd_fops,
};

static struct miscdevice privcmdbuf_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PRIVCMDBUF_NODE,
	.fops = &xen_privcmdbuf_fops,
};

/*
 * A second misc device of the same name makes sysfs complain with a stack
 * dump; look first so that a clash is one clear line instead.
 */
static bool privcmd_node_taken(const char *sysfs)
{
	struct path path;

	if (kern_path(sysfs, 0, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init privcmd_init(void)
{
	int err;

	if (!xen_domain()) {
		pr_info("not running on Xen, refusing to load\n");
		return -ENODEV;
	}
	if (privcmd_node_taken("/sys/class/misc/xen!privcmd") ||
	    privcmd_node_taken("/sys/class/misc/xen!hypercall")) {
		pr_err("/dev/%s is already provided by another driver (rmmod xen_privcmd first)\n",
		       PRIVCMD_NODE);
		return -ENODEV;
	}

	err = privcmd_irqfd_init();
	if (err)
		return err;
	privcmd_restrict_init();

	err = misc_register(&privcmd_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", PRIVCMD_NODE, err);
		goto err_restrict;
	}
	err = misc_register(&privcmdbuf_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", PRIVCMDBUF_NODE, err);
		goto err_privcmd;
	}

	/* Optional: the driver works the same without it. */
	privcmd_debugfs = debugfs_create_dir("xen_privcmd", NULL);
	debugfs_create_file("live", 0400, privcmd_debugfs, NULL, &privcmd_live_fops);

	pr_info("xen-dmop %s loaded\n", XEN_DMOP_VERSION);
	return 0;

err_privcmd:
	misc_deregister(&privcmd_dev);
err_restrict:
	privcmd_restrict_exit();
	privcmd_irqfd_exit();
	return err;
}

static void __exit privcmd_exit(void)
{
	debugfs_remove_recursive(privcmd_debugfs);
	misc_deregister(&privcmdbuf_dev);
	misc_deregister(&privcmd_dev);
	privcmd_restrict_exit();
	privcmd_irqfd_exit();
}

module_init(privcmd_init);
module_exit(privcmd_exit);

MODULE_DESCRIPTION("xen-dmop: Xen privcmd driver with a least-privilege device-model ABI");
MODULE_LICENSE("GPL");
MODULE_VERSION(XEN_DMOP_VERSION);
