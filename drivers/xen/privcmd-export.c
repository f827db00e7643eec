// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: xen_privcmd_fops, the file operations of
 * /dev/xen/privcmd, exported because xenfs serves /proc/xen/privcmd with them.
 *
 * With CONFIG_MODVERSIONS the CRC of an exported symbol is computed from the
 * type as the exporting file sees it, including every struct definition that
 * file happens to pull in. The distro's xenfs.ko was linked against the CRC
 * of the in-tree privcmd.c, so this file sees exactly what that one sees:
 * its list of headers, per kernel series. Nothing else belongs here.
 */

#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <linux/swap.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/miscdevice.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/security.h>
#include <linux/version.h>
#include <linux/wait.h>

#include <asm/xen/hypervisor.h>
#include <asm/xen/hypercall.h>

#include <xen/xen.h>
#include <xen/interface/xen.h>
#include <xen/interface/memory.h>
#include <xen/interface/hvm/dm_op.h>
#include <xen/features.h>
#include <xen/page.h>
#include <xen/xen-ops.h>
#include <xen/balloon.h>
#include <xen/xenbus.h>

/* What 6.12's privcmd.c adds for irqfd, ioeventfd and PCI GSI lookup. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/srcu.h>
#include <linux/virtio_mmio.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/interface/hvm/hvm_op.h>
#ifdef CONFIG_XEN_ACPI
#include <xen/acpi.h>
#endif
#endif

#include "privcmd.h"

/* No compat_ioctl, as upstream: the legacy layouts hold native pointers. */
const struct file_operations xen_privcmd_fops = {
	.owner = THIS_MODULE,
	.open = privcmd_open,
	.release = privcmd_release,
	.unlocked_ioctl = privcmd_ioctl,
	.mmap = privcmd_mmap,
	.get_unmapped_area = privcmd_get_unmapped_area,
	.show_fdinfo = privcmd_show_fdinfo,
	.llseek = noop_llseek,
};
EXPORT_SYMBOL_GPL(xen_privcmd_fops);
