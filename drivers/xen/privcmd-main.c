// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: /dev/xen/privcmd, a drop-in replacement for the in-tree
 * xen-privcmd driver.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>

#include <xen/xen.h>

#define PRIVCMD_NODE "xen/privcmd"

static long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations privcmd_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = privcmd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice privcmd_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = PRIVCMD_NODE,
	.fops = &privcmd_fops,
};

/*
 * A second misc device of the same name makes sysfs complain with a stack
 * dump; look first so that a clash is one clear line instead.
 */
static bool privcmd_node_taken(void)
{
	struct path path;

	if (kern_path("/sys/class/misc/xen!privcmd", 0, &path))
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
	if (privcmd_node_taken()) {
		pr_err("/dev/%s is already provided by another driver (rmmod xen_privcmd first)\n",
		       PRIVCMD_NODE);
		return -ENODEV;
	}

	err = misc_register(&privcmd_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", PRIVCMD_NODE, err);
		return err;
	}

	pr_info("xen-dmop %s loaded\n", XEN_DMOP_VERSION);
	return 0;
}

static void __exit privcmd_exit(void)
{
	misc_deregister(&privcmd_dev);
}

module_init(privcmd_init);
module_exit(privcmd_exit);

MODULE_DESCRIPTION("xen-dmop: Xen privcmd driver with a least-privilege device-model ABI");
MODULE_LICENSE("GPL");
MODULE_VERSION(XEN_DMOP_VERSION);
