// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_PCIDEV_GET_GSI, the GSI of a PCI device
 * that xen-pciback holds, which the toolstack of a PVH dom0 needs to pass
 * the device through.
 *
 * The kernel answers it (xen_acpi_get_gsi_from_sbdf(), Linux 6.12 with
 * CONFIG_XEN_ACPI, through a hook xen-pciback registers): where it cannot,
 * the ioctl does not exist (ENOTTY), as on the in-tree 6.1 driver. It asks
 * nothing of any guest, so a file restricted to one has no use for it.
 */

#include <linux/uaccess.h>
#include <linux/version.h>

#include "privcmd.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && IS_ENABLED(CONFIG_XEN_ACPI)
#include <xen/acpi.h>

static_assert(sizeof(struct privcmd_pcidev_get_gsi) == 8);

long privcmd_ioctl_pcidev_get_gsi(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_pcidev_get_gsi arg;
	bool counted;
	int rc;

	counted = privcmd_unrestricted_begin(pf);
	if (!counted) {
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_PCIDEV_GET_GSI, DOMID_INVALID, 0,
				     PRIVCMD_DENIED_HYPERCALL);
		return -EPERM;
	}
	rc = -EFAULT;
	if (copy_from_user(&arg, udata, sizeof(arg)))
		goto out;
	/* EOPNOTSUPP while xen-pciback is not loaded; its errno otherwise. */
	rc = xen_acpi_get_gsi_from_sbdf(arg.sbdf);
	if (rc < 0)
		goto out;
	arg.gsi = rc;
	rc = copy_to_user(udata, &arg, sizeof(arg)) ? -EFAULT : 0;
out:
	privcmd_unrestricted_end(pf, counted);
	return rc;
}
#else
long privcmd_ioctl_pcidev_get_gsi(struct file *file, void __user *udata)
{
	return -ENOTTY;
}
#endif
