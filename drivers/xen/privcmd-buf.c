// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: /dev/xen/hypercall, the hypercall-buffer device.
 *
 * libxencall mmap()s it to get zeroed, locked kernel pages that it hands to
 * Xen as hypercall arguments: Xen can always access them, unlike ordinary
 * user memory that may be swapped out or migrated. Each mapping owns its
 * pages; they are freed when the last vma using them goes away (a split by
 * munmap() or mprotect() shares them).
 */

#include <linux/mm.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"

/**
 * struct privcmd_buf - the pages behind one mmap() of /dev/xen/hypercall.
 * @users: vmas that map (part of) them.
 * @nr_pages: number of entries in @pages.
 * @pages: the pages, in mapping order.
 */
struct privcmd_buf {
	refcount_t users;
	unsigned long nr_pages;
	struct page *pages[];
};

static void privcmd_buf_free(struct privcmd_buf *buf)
{
	unsigned long i;

	for (i = 0; i < buf->nr_pages; i++)
		if (buf->pages[i])
			__free_page(buf->pages[i]);
	kvfree(buf);
}

static void privcmd_buf_vma_open(struct vm_area_struct *vma)
{
	struct privcmd_buf *buf = vma->vm_private_data;

	refcount_inc(&buf->users);
}

static void privcmd_buf_vma_close(struct vm_area_struct *vma)
{
	struct privcmd_buf *buf = vma->vm_private_data;

	if (!refcount_dec_and_test(&buf->users))
		return;
	atomic_long_sub(buf->nr_pages, &privcmd_live.buf_pages);
	privcmd_buf_free(buf);
}

/* Every page is inserted at mmap() time: a fault is outside of them. */
static vm_fault_t privcmd_buf_vma_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct privcmd_buf_vm_ops = {
	.open = privcmd_buf_vma_open,
	.close = privcmd_buf_vma_close,
	.fault = privcmd_buf_vma_fault,
};

static int privcmd_buf_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long i, count = vma_pages(vma);
	struct privcmd_buf *buf;
	int err;

	/* Private copies would not be the pages handed to Xen. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	buf = XDM_FAULT_ALLOC(kvzalloc(struct_size(buf, pages, count), PRIVCMD_GFP_SIZED));
	if (!buf)
		return -ENOMEM;
	buf->nr_pages = count;
	refcount_set(&buf->users, 1);
	for (i = 0; i < count; i++) {
		buf->pages[i] = XDM_FAULT_ALLOC(alloc_page(PRIVCMD_GFP_SIZED | __GFP_ZERO));
		if (!buf->pages[i]) {
			err = -ENOMEM;
			goto err_free;
		}
	}

	/* DONTEXPAND: mremap() must not grow it past the pages we own. */
	privcmd_vm_flags_set(vma, VM_IO | VM_DONTEXPAND);
	err = vm_map_pages_zero(vma, buf->pages, count);
	if (err)
		goto err_free;
	vma->vm_ops = &privcmd_buf_vm_ops;
	vma->vm_private_data = buf;
	atomic_long_add(count, &privcmd_live.buf_pages);
	return 0;

err_free:
	privcmd_buf_free(buf);
	return err;
}

/*
 * No per-file state: each mapping owns its pages. Exported like upstream's;
 * no in-tree module imports it, but if one did its modversions CRC would
 * need the header set of upstream's privcmd-buf.c (see privcmd-export.c).
 */
const struct file_operations xen_privcmdbuf_fops = {
	.owner = THIS_MODULE,
	.mmap = privcmd_buf_mmap,
	.llseek = noop_llseek,
};
EXPORT_SYMBOL_GPL(xen_privcmdbuf_fops);
