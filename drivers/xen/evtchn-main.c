// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: /dev/xen/evtchn, a drop-in replacement for the in-tree
 * xen-evtchn driver.
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>

#include <xen/xen.h>

#define EVTCHN_NODE "xen/evtchn"

static long evtchn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations evtchn_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = evtchn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice evtchn_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = EVTCHN_NODE,
	.fops = &evtchn_fops,
};

/*
 * A second misc device of the same name makes sysfs complain with a stack
 * dump; look first so that a clash is one clear line instead.
 */
static bool evtchn_node_taken(void)
{
	struct path path;

	if (kern_path("/sys/class/misc/xen!evtchn", 0, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init evtchn_init(void)
{
	int err;

	if (!xen_domain()) {
		pr_info("not running on Xen, refusing to load\n");
		return -ENODEV;
	}
	if (evtchn_node_taken()) {
		pr_err("/dev/%s is already provided by another driver (rmmod xen_evtchn first)\n",
		       EVTCHN_NODE);
		return -ENODEV;
	}

	err = misc_register(&evtchn_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", EVTCHN_NODE, err);
		return err;
	}

	pr_info("xen-dmop %s loaded\n", XEN_DMOP_VERSION);
	return 0;
}

static void __exit evtchn_exit(void)
{
	misc_deregister(&evtchn_dev);
}

module_init(evtchn_init);
module_exit(evtchn_exit);

MODULE_DESCRIPTION("xen-dmop: Xen event-channel driver with the device-model domid restriction");
MODULE_LICENSE("GPL");
MODULE_VERSION(XEN_DMOP_VERSION);
