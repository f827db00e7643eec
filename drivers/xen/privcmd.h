/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop privcmd: what the pieces of the driver share.
 */
#ifndef XEN_DMOP_PRIVCMD_H
#define XEN_DMOP_PRIVCMD_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/version.h>
#include <linux/wait_bit.h>
#include <linux/xarray.h>

#include <xen/interface/xen.h>

#include "../../include/uapi/xen/privcmd.h"

struct privcmd_file;

void privcmd_audit_denied(struct privcmd_file *pf, unsigned int cmd, unsigned int target,
			  unsigned int op, unsigned int reason);

/* Counter slot for sub-ops >= PRIVCMD_AUDIT_NR_OPS and unreadable ones. */
#define PRIVCMD_OP_OTHER PRIVCMD_AUDIT_NR_OPS

/**
 * struct privcmd_counters - one CPU's share of a file's audit counters.
 * @calls: DMOPs issued to Xen, by sub-op (PRIVCMD_OP_OTHER: the rest).
 * @failures: those that failed, by sub-op.
 * @denied: calls refused before any hypercall, by PRIVCMD_DENIED_*.
 * @dm_ops_denied: DMOPs among those.
 * @irqfd_injections: DMOPs issued because an irqfd's eventfd was signalled
 *	(also counted in @calls).
 * @irqfd_denied: injections refused (restriction or allowlist; also
 *	counted in @denied).
 * @ioeventfd_notifies: guest notify writes an ioeventfd completed.
 * @ioeventfd_denied: notify writes left to user space because the file
 *	was restricted to another domain after the assign.
 * @unrestricted_calls: not a counter of the audit: this CPU's share of the
 *	calls in progress that were let through because the file was
 *	unrestricted (privcmd_unrestricted_begin()); IOCTL_PRIVCMD_RESTRICT
 *	waits for their sum to reach 0. A call may end on another CPU than
 *	it began, so a share can be negative; the sum cannot.
 *
 * Per CPU so that threads sharing a file (a device model's vCPU threads)
 * never write the same cache line on the DM_OP path; readers sum them.
 */
struct privcmd_counters {
	u64 calls[PRIVCMD_AUDIT_NR_OPS + 1];
	u64 failures[PRIVCMD_AUDIT_NR_OPS + 1];
	u64 denied[PRIVCMD_DENIED_NR];
	u64 dm_ops_denied;
	u64 irqfd_injections;
	u64 irqfd_denied;
	u64 ioeventfd_notifies;
	u64 ioeventfd_denied;
	int unrestricted_calls;
};

/*
 * A file opened in a domU before xenstore named the target domain: its first
 * ioctl waits for the target (privcmd_restrict_resolve()). Not a domid.
 */
#define PRIVCMD_DOMID_PENDING 0x10000U

struct privcmd_mapping;

/**
 * struct privcmd_file - state of one open /dev/xen/privcmd file.
 * @domid: the only domain this file may act on, or DOMID_INVALID while
 *	unrestricted (or PRIVCMD_DOMID_PENDING, see above). Written once with
 *	cmpxchg(), read with READ_ONCE(): dup(), fork() and SCM_RIGHTS share
 *	the struct file and so share it.
 * @allowlist_set: an allowlist was set: sub-ops >= 64 are refused. Only
 *	ever goes from false to true.
 * @dm_op_allowed: bit N: DMOP sub-op N may be issued. All ones at open;
 *	bits are only ever cleared (cmpxchg()), read with READ_ONCE().
 * @stats: per-CPU counters, summed by fdinfo and IOCTL_PRIVCMD_AUDIT_QUERY.
 * @mapped_pages: foreign frames mapped through mappings of this file.
 * @maps: the file's mappings (struct privcmd_mapping) at index id - 1 (the
 *	id names their page offsets, privcmd-mmap.c); looked up under its
 *	xa_lock.
 * @spare_map: the record of the file's last unmapped mapping, kept for its
 *	next mmap() (privcmd-mmap.c), or NULL.
 * @dm_op_srcu: DMOPs between their allowlist check and Xen's answer are its
 *	readers: IOCTL_PRIVCMD_DM_OP_ALLOWLIST waits for them to finish. One
 *	per file, so that no other file's DMOPs hold up the wait.
 * @irqfd_mutex: serialises assigning, deassigning and the release of the
 *	file's irqfds (privcmd-irqfd.c), which sleep.
 * @irqfd_lock: protects @irqfds; taken under an eventfd's wait-queue lock.
 * @irqfds: the file's live irqfds (struct privcmd_kirqfd).
 * @nr_irqfds: how many, for fdinfo.
 * @ioeventfd_mutex: serialises assigning, deassigning and the release of
 *	the file's ioeventfds (privcmd-ioeventfd.c).
 * @ioreqs: the ioreq servers they belong to (struct privcmd_kioreq).
 * @nr_ioeventfds: how many ioeventfds, for fdinfo.
 */
struct privcmd_file {
	unsigned int domid;
	bool allowlist_set;
	u64 dm_op_allowed;
	struct privcmd_counters __percpu *stats;
	atomic_long_t mapped_pages;
	struct xarray maps;
	struct privcmd_mapping *spare_map;
	struct srcu_struct dm_op_srcu;
	struct mutex irqfd_mutex;	/* assign, deassign, release */
	spinlock_t irqfd_lock;		/* @irqfds; under eventfd wait-queue locks */
	struct list_head irqfds;
	atomic_t nr_irqfds;
	struct mutex ioeventfd_mutex;	/* assign, deassign, release */
	struct list_head ioreqs;
	atomic_t nr_ioeventfds;
};

/**
 * struct privcmd_live - objects of the whole module alive right now, for
 * leak checks (debugfs xen_privcmd/live): each goes back to its old value
 * once whatever created the objects is gone.
 * @files: open /dev/xen/privcmd files.
 * @mappings: filled mappings (struct privcmd_mapping).
 * @frames: foreign frames mapped through them.
 * @buf_pages: pages behind mappings of /dev/xen/hypercall.
 * @local_pages: auto-translated dom0: unpopulated local pages that filled
 *	mappings map foreign frames over.
 * @irqfds: assigned irqfds, until their teardown has finished.
 * @ioeventfds: assigned ioeventfds.
 */
struct privcmd_live {
	atomic_long_t files;
	atomic_long_t mappings;
	atomic_long_t frames;
	atomic_long_t buf_pages;
	atomic_long_t local_pages;
	atomic_long_t irqfds;
	atomic_long_t ioeventfds;
};

extern struct privcmd_live privcmd_live;

/*
 * True when @pf is unrestricted; the call is then counted, in this CPU's
 * share of @stats->unrestricted_calls, until privcmd_unrestricted_end().
 * Restricted files (device models, the hot path) only read @domid: it never
 * changes again. No atomic operation: both ends run with preemption off,
 * i.e. as RCU readers, and IOCTL_PRIVCMD_RESTRICT waits for a grace period
 * after setting @domid, after which every call either is counted or saw
 * the restriction.
 */
static inline bool privcmd_unrestricted_begin(struct privcmd_file *pf)
{
	bool unrestricted;

	if (READ_ONCE(pf->domid) != DOMID_INVALID)
		return false;
	preempt_disable();
	unrestricted = READ_ONCE(pf->domid) == DOMID_INVALID;
	if (unrestricted)
		this_cpu_inc(pf->stats->unrestricted_calls);
	preempt_enable();
	return unrestricted;
}

static inline void privcmd_unrestricted_end(struct privcmd_file *pf, bool counted)
{
	if (!counted)
		return;
	preempt_disable();
	this_cpu_dec(pf->stats->unrestricted_calls);
	/* IOCTL_PRIVCMD_RESTRICT may wait: decrement, then look for a waiter. */
	if (unlikely(READ_ONCE(pf->domid) != DOMID_INVALID)) {
		/* pairs with the barrier of set_current_state() in wait_var_event() */
		smp_mb();
		wake_up_var(&pf->domid);
	}
	preempt_enable();
}

/*
 * Enter a call of ioctl @cmd aimed at @dom: 0 when @file may, else the
 * refusal is counted and traced and the result is -EPERM. On 0, the caller
 * ends the call with privcmd_unrestricted_end(pf, *@counted).
 */
static inline int privcmd_target_begin(struct file *file, unsigned int cmd, domid_t dom,
				       bool *counted)
{
	struct privcmd_file *pf = file->private_data;

	*counted = privcmd_unrestricted_begin(pf);
	/* A restricted file never names a reserved domid (DOMID_IDLE...). */
	if (*counted || likely(READ_ONCE(pf->domid) == dom && dom < DOMID_FIRST_RESERVED))
		return 0;
	privcmd_audit_denied(pf, cmd, dom, 0, PRIVCMD_DENIED_DOMID);
	return -EPERM;
}

/* The sub-op of a DMOP whose buffer 0 is too short to hold one. */
#define PRIVCMD_OP_UNREADABLE	U32_MAX

/*
 * Whether the file's allowlist lets @op through: one load and a bit test.
 * Sub-ops beyond the bitmap (and an unreadable one) pass only while no
 * allowlist was ever set.
 */
static inline bool privcmd_dm_op_allowed(const struct privcmd_file *pf, u32 op)
{
	if (likely(op < PRIVCMD_AUDIT_NR_OPS))
		return READ_ONCE(pf->dm_op_allowed) & BIT_ULL(op);
	return !READ_ONCE(pf->allowlist_set);
}

/*
 * Memory whose size the caller picks (frame arrays, hypercall buffers):
 * charged to its memory cgroup, and too much is ENOMEM for the caller,
 * never a trigger of the OOM killer against other processes of dom0.
 */
#define PRIVCMD_GFP_SIZED (GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_RETRY_MAYFAIL)

/* vm_flags became read-only with a setter in 6.3. */
static inline void privcmd_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

struct seq_file;

/* privcmd-hypercall.c */
long privcmd_ioctl_hypercall(struct file *file, void __user *udata);

/* privcmd-dm-op.c */
long privcmd_ioctl_dm_op(struct file *file, void __user *udata);

/* privcmd-irqfd.c */
long privcmd_ioctl_irqfd(struct file *file, void __user *udata);
void privcmd_irqfd_open(struct privcmd_file *pf);
void privcmd_irqfd_release(struct privcmd_file *pf);
int privcmd_irqfd_init(void);
void privcmd_irqfd_exit(void);

/* privcmd-ioeventfd.c */
long privcmd_ioctl_ioeventfd(struct file *file, void __user *udata);
void privcmd_ioeventfd_open(struct privcmd_file *pf);
void privcmd_ioeventfd_release(struct privcmd_file *pf);

/* privcmd-pcidev.c */
long privcmd_ioctl_pcidev_get_gsi(struct file *file, void __user *udata);

/* privcmd-restrict.c */
long privcmd_ioctl_restrict(struct file *file, void __user *udata);
void privcmd_restrict_open(struct privcmd_file *pf);
int privcmd_restrict_resolve(struct privcmd_file *pf);
unsigned int privcmd_restricted_domid(struct privcmd_file *pf);
#ifdef XEN_DMOP_FAULT_INJECT
int privcmd_restrict_test_pending(void);
int privcmd_restrict_test_answer(unsigned int domid);
#endif
void privcmd_restrict_init(void);
void privcmd_restrict_exit(void);

/* privcmd-audit.c */
const char *privcmd_dm_op_name(u32 op);
int privcmd_audit_open(struct privcmd_file *pf);
void privcmd_audit_release(struct privcmd_file *pf);
void privcmd_show_fdinfo(struct seq_file *m, struct file *file);
long privcmd_ioctl_dm_op_allowlist(struct file *file, void *arg, u32 usize);
long privcmd_ioctl_audit_query(struct file *file, void *arg, u32 usize);

/* privcmd-mmap.c */
int privcmd_mmap(struct file *file, struct vm_area_struct *vma);
void privcmd_mmap_release(struct privcmd_file *pf);
unsigned long privcmd_get_unmapped_area(struct file *file, unsigned long addr,
					unsigned long len, unsigned long pgoff,
					unsigned long flags);
long privcmd_ioctl_mmap(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_batch_v1(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_batch_v2(struct file *file, void __user *udata);
long privcmd_ioctl_mmap_resource(struct file *file, void __user *udata);
int privcmd_ioreq_frame(struct mm_struct *mm, unsigned long addr, domid_t dom, u32 *id,
			u64 *frame);

/* privcmd-buf.c: /dev/xen/hypercall */
extern const struct file_operations xen_privcmdbuf_fops;

/* privcmd-main.c */
int privcmd_open(struct inode *inode, struct file *file);
int privcmd_release(struct inode *inode, struct file *file);
long privcmd_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* privcmd-export.c */
extern const struct file_operations xen_privcmd_fops;

#endif /* XEN_DMOP_PRIVCMD_H */
