// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: /dev/xen/evtchn, a drop-in replacement for the in-tree
 * xen-evtchn driver.
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <xen/xen.h>

#include "xdm-fault-inject.h"
#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"

#define EVTCHN_NODE "xen/evtchn"

static long evtchn_ioctl_reset(struct evtchn_file *f, const void *karg)
{
	evtchn_ring_reset(f);
	return 0;
}

/**
 * struct evtchn_ioctl_op - one entry of the ioctl table.
 * @cmd: the ioctl number (upstream's, size included).
 * @fn: its handler, called with bind_lock held and the argument already
 *	copied in: @karg points to _IOC_SIZE(@cmd) bytes of it, or is NULL when
 *	the copy faulted (the handler answers EFAULT where upstream would).
 */
struct evtchn_ioctl_op {
	unsigned int cmd;
	long (*fn)(struct evtchn_file *f, const void *karg);
};

/* Room for the argument of any command of the table below. */
union evtchn_ioctl_arg {
	struct ioctl_evtchn_bind_virq virq;
	struct ioctl_evtchn_bind_interdomain interdomain;
	struct ioctl_evtchn_bind_unbound_port unbound;
	struct ioctl_evtchn_unbind unbind;
	struct ioctl_evtchn_notify notify;
	struct ioctl_evtchn_restrict_domid restrict_domid;
	struct ioctl_evtchn_bind bind;
};

static const struct evtchn_ioctl_op evtchn_ioctl_ops[] = {
	{ IOCTL_EVTCHN_BIND_VIRQ, evtchn_ioctl_bind_virq },
	{ IOCTL_EVTCHN_BIND_INTERDOMAIN, evtchn_ioctl_bind_interdomain },
	{ IOCTL_EVTCHN_BIND_UNBOUND_PORT, evtchn_ioctl_bind_unbound },
	{ IOCTL_EVTCHN_UNBIND, evtchn_ioctl_unbind },
	{ IOCTL_EVTCHN_NOTIFY, evtchn_ioctl_notify },
	{ IOCTL_EVTCHN_RESET, evtchn_ioctl_reset },
	{ IOCTL_EVTCHN_RESTRICT_DOMID, evtchn_ioctl_restrict },
	{ IOCTL_EVTCHN_BIND_STATIC, evtchn_ioctl_bind_static },
};

static long evtchn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct evtchn_file *f = file->private_data;
	const struct evtchn_ioctl_op *op;
	union evtchn_ioctl_arg buf;
	unsigned int size;
	const void *karg;
	long rc;

	for (op = evtchn_ioctl_ops; op < evtchn_ioctl_ops + ARRAY_SIZE(evtchn_ioctl_ops); op++) {
		if (op->cmd != cmd)
			continue;
		/*
		 * Read the argument before taking the lock: a fault on user
		 * memory (userfaultfd, a stalled NFS page) then never holds
		 * bind_lock, which every other ioctl of the file takes.
		 */
		size = _IOC_SIZE(cmd);
		if (size > sizeof(buf))	/* a table entry without its union member */
			return -ENOTTY;
		/* Opened in a domU before xenstore answered: learn the policy now. */
		if (unlikely(READ_ONCE(f->target_pending))) {
			rc = evtchn_restrict_resolve(f);
			if (rc)
				return rc;
		}
		karg = &buf;
		if (size && copy_from_user(&buf, (void __user *)arg, size))
			karg = NULL;
		/* one lock for all: binds, unbinds and the restriction are ordered */
		mutex_lock(&f->bind_lock);
		rc = op->fn(f, karg);
		mutex_unlock(&f->bind_lock);
		return rc;
	}
	return -ENOTTY;	/* upstream: -ENOSYS */
}

static int evtchn_open(struct inode *inode, struct file *file)
{
	struct evtchn_file *f;

	f = XDM_FAULT_ALLOC(kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT));
	if (!f)
		return -ENOMEM;
	f->name = XDM_FAULT_ALLOC(kasprintf(GFP_KERNEL_ACCOUNT, "evtchn:%s", current->comm));
	if (!f->name) {
		kfree(f);
		return -ENOMEM;
	}
	mutex_init(&f->bind_lock);
	mutex_init(&f->read_lock);
	spin_lock_init(&f->ring_lock);
	xa_init(&f->ports);
	init_waitqueue_head(&f->wait);
	evtchn_restrict_open(f);

	file->private_data = f;
	atomic_long_inc(&evtchn_live.files);
	return stream_open(inode, file);
}

static int evtchn_release(struct inode *inode, struct file *file)
{
	struct evtchn_file *f = file->private_data;

	evtchn_unbind_all(f);
	xa_destroy(&f->ports);
	kvfree(f->ring);
	mutex_destroy(&f->read_lock);
	mutex_destroy(&f->bind_lock);
	kfree(f->name);
	kfree(f);
	atomic_long_dec(&evtchn_live.files);
	return 0;
}

struct evtchn_live evtchn_live;
static struct dentry *evtchn_debugfs;

static int evtchn_live_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "files:\t%ld\n", atomic_long_read(&evtchn_live.files));
	seq_printf(m, "ports:\t%ld\n", atomic_long_read(&evtchn_live.ports));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(evtchn_live);

/*
 * What /proc/<pid>/fdinfo shows: enough to audit a device model's file.
 * The keys (all "evtchn.") are documented in Documentation/ABI/testing/
 * procfs-xen-evtchn-fdinfo.
 */
static void evtchn_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct evtchn_file *f = file->private_data;
	domid_t domid = READ_ONCE(f->restrict_domid);

	/* No lock: an auditor never waits behind the file's owner. */
	if (domid == EVTCHN_UNRESTRICTED)
		seq_puts(m, "evtchn.restricted_domid:\tnone\n");
	else
		seq_printf(m, "evtchn.restricted_domid:\t%u\n", domid);
	/* Only a stubdomain's files have it. */
	if (READ_ONCE(f->toolstack_too))
		seq_printf(m, "evtchn.toolstack_domid:\t%u\n", EVTCHN_TOOLSTACK_DOMID);
	seq_printf(m, "evtchn.ports:\t%u\n", READ_ONCE(f->nr_ports));
	seq_printf(m, "evtchn.denied:\t%lu\n", READ_ONCE(f->nr_denied));
	seq_printf(m, "evtchn.ring_size:\t%u\n", READ_ONCE(f->ring_size));
	seq_printf(m, "evtchn.pending:\t%u\n", READ_ONCE(f->prod) - READ_ONCE(f->cons));
}

static const struct file_operations evtchn_fops = {
	.owner = THIS_MODULE,
	.open = evtchn_open,
	.release = evtchn_release,
	.read = evtchn_read,
	.write = evtchn_write,
	.poll = evtchn_poll,
	.fasync = evtchn_fasync,
	.unlocked_ioctl = evtchn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = evtchn_show_fdinfo,
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

	evtchn_restrict_init();
	err = misc_register(&evtchn_dev);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", EVTCHN_NODE, err);
		evtchn_restrict_exit();
		return err;
	}

	/* Optional: the driver works the same without it. */
	evtchn_debugfs = debugfs_create_dir("xen_evtchn", NULL);
	debugfs_create_file("live", 0400, evtchn_debugfs, NULL, &evtchn_live_fops);

	pr_info("xen-dmop %s loaded\n", XEN_DMOP_VERSION);
	return 0;
}

static void __exit evtchn_exit(void)
{
	debugfs_remove_recursive(evtchn_debugfs);
	misc_deregister(&evtchn_dev);
	evtchn_restrict_exit();
}

module_init(evtchn_init);
module_exit(evtchn_exit);

MODULE_DESCRIPTION("xen-dmop: Xen event-channel driver with the device-model domid restriction");
MODULE_LICENSE("GPL");
MODULE_VERSION(XEN_DMOP_VERSION);
