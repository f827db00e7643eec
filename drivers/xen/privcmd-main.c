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

#include <xen/xen.h>

#include "dmop-fault.h"
#include "privcmd.h"

#define PRIVCMD_NODE "xen/privcmd"
#define PRIVCMDBUF_NODE "xen/hypercall"

typedef long (*privcmd_ioctl_fn)(struct file *file, void __user *udata);

/**
 * struct privcmd_ioctl_desc - one entry of the dispatch table.
 * @cmd: the full command number; the table is indexed by its _IOC_NR().
 * @fn: its handler.
 */
struct privcmd_ioctl_desc {
	unsigned int cmd;
	privcmd_ioctl_fn fn;
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
	/* Ours, far from upstream's numbers. */
	[_IOC_NR(IOCTL_PRIVCMD_DM_OP_ALLOWLIST)] = {
		IOCTL_PRIVCMD_DM_OP_ALLOWLIST, privcmd_ioctl_dm_op_allowlist },
	[_IOC_NR(IOCTL_PRIVCMD_AUDIT_QUERY)] = {
		IOCTL_PRIVCMD_AUDIT_QUERY, privcmd_ioctl_audit_query },
};

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
	if (!desc->fn || desc->cmd != cmd)
		return -ENOTTY;
	/* Opened in a domU before xenstore named the target: wait for it now. */
	if (unlikely(READ_ONCE(pf->domid) == PRIVCMD_DOMID_PENDING)) {
		err = privcmd_restrict_resolve(pf);
		if (err)
			return err;
	}
	return desc->fn(file, (void __user *)arg);
}

int privcmd_open(struct inode *inode, struct file *file)
{
	struct privcmd_file *pf;
	int err;

	pf = DMOP_ALLOC(kzalloc(sizeof(*pf), GFP_KERNEL_ACCOUNT));
	if (!pf)
		return -ENOMEM;
	privcmd_restrict_open(pf);
	xa_init_flags(&pf->maps, XA_FLAGS_ALLOC1);
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

	privcmd_audit_release(pf);
	xa_destroy(&pf->maps);	/* empty: every mapping held the file */
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
	return err;
}

static void __exit privcmd_exit(void)
{
	debugfs_remove_recursive(privcmd_debugfs);
	misc_deregister(&privcmdbuf_dev);
	misc_deregister(&privcmd_dev);
	privcmd_restrict_exit();
}

module_init(privcmd_init);
module_exit(privcmd_exit);

MODULE_DESCRIPTION("xen-dmop: Xen privcmd driver with a least-privilege device-model ABI");
MODULE_LICENSE("GPL");
MODULE_VERSION(XEN_DMOP_VERSION);
