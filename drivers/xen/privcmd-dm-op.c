// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_DM_OP, device-model operations.
 *
 * The buffers are copied through kernel memory rather than pinned: for the
 * common case (one or two small buffers) everything lives on the stack, so
 * a call costs two small copies and the hypercall, with no allocation and
 * no page-table walk. Larger calls bounce through one heap allocation.
 * Only buffers Xen may write are copied back. Buffer 0 always lands in
 * kernel memory (stack or heap) before the allowlist reads its sub-op.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>
#include <xen/interface/hvm/dm_op.h>
#include <xen/xen-ops.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"
#include "privcmd-trace.h"
#include "../../include/xen-dmop/dm-ops.h"

static unsigned int dm_op_max_nr_bufs = 16;
module_param(dm_op_max_nr_bufs, uint, 0644);
MODULE_PARM_DESC(dm_op_max_nr_bufs,
		 "Maximum number of buffers in one IOCTL_PRIVCMD_DM_OP (default: 16)");

static unsigned int dm_op_buf_max_size = 4096;
module_param(dm_op_buf_max_size, uint, 0644);
MODULE_PARM_DESC(dm_op_buf_max_size,
		 "Maximum size in bytes of one IOCTL_PRIVCMD_DM_OP buffer (default: 4096)");

/* Fast path limits: descriptors and data that fit in the stack frame. */
#define DM_OP_STACK_BUFS	4
#define DM_OP_STACK_BYTES	192

/*
 * Buffers after the first of at least this size, and at most a page, are
 * pinned and handed to Xen where they are instead of copied (when the call
 * has at most DM_OP_STACK_BUFS buffers): for a page, pinning costs less
 * than a heap bounce and two copies (make bench, dm_op_track_dirty_vram_4k).
 * Buffer 0, whose sub-op the driver checks, is always copied.
 */
#define DM_OP_PIN_MIN_BYTES	1024
#define DM_OP_PIN_MAX_PAGES	2	/* a page-sized buffer spans two at most */

/**
 * struct dm_op_pins - the pinned buffers of one call.
 * @mask: bit i: buffer i is pinned (decided from the sizes alone).
 * @nr: pages pinned in @pages so far.
 * @pages: those pages.
 */
struct dm_op_pins {
	unsigned int mask;
	unsigned int nr;
	struct page *pages[DM_OP_STACK_BUFS * DM_OP_PIN_MAX_PAGES];
};

static bool dm_op_pinnable(unsigned int i, unsigned int num, const struct privcmd_dm_op_buf *b)
{
	return i && num <= DM_OP_STACK_BUFS && b->size >= DM_OP_PIN_MIN_BYTES &&
	       b->size <= PAGE_SIZE;
}

/* Pin buffer @b for Xen, writable if Xen may write it: 0 or -EFAULT. */
static int dm_op_pin(struct dm_op_pins *pins, const struct privcmd_dm_op_buf *b, bool write)
{
	unsigned long start = (unsigned long)b->uptr & PAGE_MASK;
	int nr = DIV_ROUND_UP(offset_in_page(b->uptr) + b->size, PAGE_SIZE);
	int got;

	got = pin_user_pages_fast(start, nr, write ? FOLL_WRITE : 0, pins->pages + pins->nr);
	if (got > 0)
		pins->nr += got;
	return got == nr ? 0 : -EFAULT;
}

/* What Xen may write back, by sub-op (DM_OP_WRITES_*; 0: not in the table). */
static const u8 dm_op_writes[] = {
#define DM_OP DM_OP_WRITES_INIT
#include "../../include/xen-dmop/dm-ops.h"
};

/* How many leading buffers Xen may write, given the sub-op. */
static unsigned int dm_op_nr_written(u32 op, unsigned int num)
{
	if (op == PRIVCMD_OP_UNREADABLE)
		return 0;	/* Xen refuses it before reading further */
	switch (op < ARRAY_SIZE(dm_op_writes) ? dm_op_writes[op] : 0) {
	case DM_OP_WRITES_NOTHING:
		return 0;
	case DM_OP_WRITES_BUF0:
		return 1;
	default:	/* any buffer, and sub-ops unknown to the table */
		return num;
	}
}

/*
 * Read and check the buffer descriptors, in upstream's order of checks;
 * returns the total size of the buffers or a negative errno.
 */
static long dm_op_get_bufs(const struct privcmd_dm_op *op, struct privcmd_dm_op_buf *kbufs,
			   struct dm_op_pins *pins)
{
	unsigned int max_size = READ_ONCE(dm_op_buf_max_size);
	size_t total = 0;
	unsigned int i;

	if (copy_from_user(kbufs, op->ubufs, array_size(op->num, sizeof(*kbufs))))
		return -EFAULT;
	for (i = 0; i < op->num; i++) {
		if (kbufs[i].size > max_size)
			return -E2BIG;
		if (!access_ok(kbufs[i].uptr, kbufs[i].size))
			return -EFAULT;
		/* Upstream pins nothing for an empty page-aligned buffer: EFAULT. */
		if (!kbufs[i].size && !offset_in_page(kbufs[i].uptr))
			return -EFAULT;
		if (dm_op_pinnable(i, op->num, &kbufs[i]))
			pins->mask |= BIT(i);
		else
			total += ALIGN(kbufs[i].size, sizeof(u64));
	}
	return total;
}

static long dm_op_call(struct file *file, domid_t dom, unsigned int num,
		       const struct privcmd_dm_op_buf *kbufs, struct xen_dm_op_buf *xbufs,
		       u8 *bounce, struct dm_op_pins *pins)
{
	struct privcmd_file *pf = file->private_data;
	unsigned int i, nr_written;
	u32 op = PRIVCMD_OP_UNREADABLE;
	size_t off = 0;
	long rc;
	int idx;

	for (i = 0; i < num; i++) {
		void *kptr = bounce + off;

		xbufs[i].size = kbufs[i].size;
		if (pins->mask & BIT(i)) {
			/* Buffer 0 is never pinned: @op is known here. */
			if (dm_op_pin(pins, &kbufs[i], i < dm_op_nr_written(op, num)))
				return -EFAULT;
			set_xen_guest_handle(xbufs[i].h, (void __force *)kbufs[i].uptr);
			continue;
		}
		if (copy_from_user(kptr, kbufs[i].uptr, kbufs[i].size))
			return -EFAULT;
		set_xen_guest_handle(xbufs[i].h, kptr);
		off += ALIGN(kbufs[i].size, sizeof(u64));
		/*
		 * The sub-op comes from our copy, the very bytes Xen reads: the
		 * caller cannot change it between the check and the hypercall.
		 */
		if (!i && kbufs[0].size >= sizeof(op))
			memcpy(&op, bounce, sizeof(op));
	}
	/*
	 * From the check to Xen's answer being counted: a narrowing of the list
	 * waits for it. Not across the copy back, which the caller can stall.
	 */
	idx = srcu_read_lock(&pf->dm_op_srcu);
	if (unlikely(!privcmd_dm_op_allowed(pf, op))) {
		srcu_read_unlock(&pf->dm_op_srcu, idx);
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_DM_OP, dom, op, PRIVCMD_DENIED_ALLOWLIST);
		return -EPERM;
	}

	xen_preemptible_hcall_begin();
	rc = HYPERVISOR_dm_op(dom, num, xbufs);
	xen_preemptible_hcall_end();

	/* Per-CPU: no cache line is shared with the file's other threads. */
	i = op < PRIVCMD_AUDIT_NR_OPS ? op : PRIVCMD_OP_OTHER;
	this_cpu_inc(pf->stats->calls[i]);
	if (rc < 0)
		this_cpu_inc(pf->stats->failures[i]);
	trace_privcmd_dm_op(dom, op, num, rc);
	srcu_read_unlock(&pf->dm_op_srcu, idx);

	/* Xen wrote pinned buffers in place. */
	nr_written = dm_op_nr_written(op, num);
	for (i = 0, off = 0; i < nr_written; i++) {
		if (pins->mask & BIT(i))
			continue;
		if (copy_to_user(kbufs[i].uptr, bounce + off, kbufs[i].size))
			return -EFAULT;
		off += ALIGN(kbufs[i].size, sizeof(u64));
	}
	return rc;
}

long privcmd_ioctl_dm_op(struct file *file, void __user *udata)
{
	struct privcmd_dm_op_buf stack_kbufs[DM_OP_STACK_BUFS];
	struct xen_dm_op_buf stack_xbufs[DM_OP_STACK_BUFS];
	u8 stack_bounce[DM_OP_STACK_BYTES] __aligned(8);
	struct dm_op_pins pins = { 0 };
	struct privcmd_dm_op_buf *kbufs = stack_kbufs;
	struct xen_dm_op_buf *xbufs = stack_xbufs;
	u8 *bounce = stack_bounce;
	struct privcmd_dm_op op;
	long rc, total;
	bool counted;

	if (copy_from_user(&op, udata, sizeof(op)))
		return -EFAULT;
	/* libxendevicemodel's probe: no hypercall, so no target to check. */
	if (!op.num)
		return 0;
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_DM_OP, op.dom, &counted);
	if (rc)
		return rc;
	if (op.num > READ_ONCE(dm_op_max_nr_bufs)) {
		rc = -E2BIG;
		goto out;
	}

	if (op.num > DM_OP_STACK_BUFS) {
		kbufs = XDM_FAULT_ALLOC(kmalloc_array(op.num, sizeof(*kbufs), GFP_KERNEL_ACCOUNT));
		xbufs = XDM_FAULT_ALLOC(kmalloc_array(op.num, sizeof(*xbufs), GFP_KERNEL_ACCOUNT));
		if (!kbufs || !xbufs) {
			rc = -ENOMEM;
			goto out;
		}
	}

	total = dm_op_get_bufs(&op, kbufs, &pins);
	if (total < 0) {
		rc = total;
		goto out;
	}
	if (total > DM_OP_STACK_BYTES) {
		bounce = XDM_FAULT_ALLOC(kvmalloc(total, GFP_KERNEL_ACCOUNT | __GFP_NOWARN));
		if (!bounce) {
			rc = -ENOMEM;
			goto out;
		}
	}

	rc = dm_op_call(file, op.dom, op.num, kbufs, xbufs, bounce, &pins);
	unpin_user_pages(pins.pages, pins.nr);

out:
	if (bounce != stack_bounce)
		kvfree(bounce);
	if (kbufs != stack_kbufs)
		kfree(kbufs);
	if (xbufs != stack_xbufs)
		kfree(xbufs);
	privcmd_unrestricted_end(file->private_data, counted);
	return rc;
}
