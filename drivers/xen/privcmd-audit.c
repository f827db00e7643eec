// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: audit and narrowing policy of an open file.
 *
 * Each file counts what it did (DMOPs issued, by sub-op, and their failures)
 * and what it was refused (by reason), in per-CPU counters so that the
 * DM_OP path of threads sharing the file touches no shared cache line. They
 * are summed for /proc/<pid>/fdinfo/<fd> and IOCTL_PRIVCMD_AUDIT_QUERY.
 * IOCTL_PRIVCMD_DM_OP_ALLOWLIST narrows the DMOP sub-ops the file may issue.
 * Documentation/userspace-api/xen-audit.rst has the keys and the rules.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/interface/xen.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"
#include "../../include/xen-dmop/dm-ops.h"

#define CREATE_TRACE_POINTS
#include "privcmd-trace.h"

/*
 * Xen 4.17's names for the DMOP sub-ops (XEN_DMOP_* in public/hvm/dm_op.h),
 * from the table libdmop reads them back with.
 */
static const char *const privcmd_dm_op_names[] = {
#define DM_OP DM_OP_NAME_INIT
#include "../../include/xen-dmop/dm-ops.h"
};

static_assert(ARRAY_SIZE(privcmd_dm_op_names) <= PRIVCMD_AUDIT_NR_OPS);

static const char *const privcmd_denied_names[PRIVCMD_DENIED_NR] = {
	[PRIVCMD_DENIED_HYPERCALL] = "hypercall",
	[PRIVCMD_DENIED_DOMID] = "domid",
	[PRIVCMD_DENIED_ALLOWLIST] = "allowlist",
};

/* A sub-op's name, or "op<N>" for one Xen 4.17 does not have. */
static void privcmd_seq_op_name(struct seq_file *m, unsigned int op)
{
	if (op < ARRAY_SIZE(privcmd_dm_op_names) && privcmd_dm_op_names[op])
		seq_puts(m, privcmd_dm_op_names[op]);
	else if (op == PRIVCMD_OP_OTHER)
		seq_puts(m, "other");
	else
		seq_printf(m, "op%u", op);
}

int privcmd_audit_open(struct privcmd_file *pf)
{
	int err;

	pf->stats = XDM_FAULT_ALLOC(alloc_percpu_gfp(struct privcmd_counters, GFP_KERNEL_ACCOUNT));
	if (!pf->stats)
		return -ENOMEM;
	err = XDM_FAULT_ALLOC_INT(init_srcu_struct(&pf->dm_op_srcu));
	if (err) {
		free_percpu(pf->stats);
		return err;
	}
	pf->dm_op_allowed = ~0ULL;
	atomic_long_set(&pf->mapped_pages, 0);
	return 0;
}

void privcmd_audit_release(struct privcmd_file *pf)
{
	cleanup_srcu_struct(&pf->dm_op_srcu);
	free_percpu(pf->stats);
}

/* The file's counters summed over every CPU. */
static void privcmd_audit_sum(struct privcmd_file *pf, struct privcmd_counters *sum)
{
	unsigned int i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct privcmd_counters *c = per_cpu_ptr(pf->stats, cpu);

		for (i = 0; i <= PRIVCMD_AUDIT_NR_OPS; i++) {
			sum->calls[i] += READ_ONCE(c->calls[i]);
			sum->failures[i] += READ_ONCE(c->failures[i]);
		}
		for (i = 0; i < PRIVCMD_DENIED_NR; i++)
			sum->denied[i] += READ_ONCE(c->denied[i]);
		sum->dm_ops_denied += READ_ONCE(c->dm_ops_denied);
		sum->irqfd_injections += READ_ONCE(c->irqfd_injections);
		sum->irqfd_denied += READ_ONCE(c->irqfd_denied);
		sum->ioeventfd_notifies += READ_ONCE(c->ioeventfd_notifies);
		sum->ioeventfd_denied += READ_ONCE(c->ioeventfd_denied);
	}
}

/*
 * @cmd refused a call of the file before any hypercall. IOCTL_PRIVCMD_IRQFD
 * stands for a refused assign and for a refused injection; the injection
 * path also counts itself as a refused DMOP (privcmd-irqfd.c).
 */
void privcmd_audit_denied(struct privcmd_file *pf, unsigned int cmd, unsigned int target,
			  unsigned int op, unsigned int reason)
{
	this_cpu_inc(pf->stats->denied[reason]);
	if (cmd == IOCTL_PRIVCMD_DM_OP)
		this_cpu_inc(pf->stats->dm_ops_denied);
	trace_privcmd_denied(_IOC_NR(cmd), target, privcmd_restricted_domid(pf), op, reason);
}

void privcmd_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct privcmd_file *pf = file->private_data;
	unsigned int domid = privcmd_restricted_domid(pf);
	struct privcmd_counters *sum;
	u64 allowed, dm_ops = 0;
	unsigned int i;
	bool first;

	sum = XDM_FAULT_ALLOC(kmalloc(sizeof(*sum), GFP_KERNEL_ACCOUNT));
	if (!sum)
		return;
	privcmd_audit_sum(pf, sum);
	for (i = 0; i <= PRIVCMD_AUDIT_NR_OPS; i++)
		dm_ops += sum->calls[i];

	if (domid == DOMID_INVALID)
		seq_puts(m, "privcmd.restricted_domid:\tnone\n");
	else
		seq_printf(m, "privcmd.restricted_domid:\t%u\n", domid);

	seq_puts(m, "privcmd.allowlist:\t");
	if (!READ_ONCE(pf->allowlist_set)) {
		seq_puts(m, "all");
	} else {
		allowed = READ_ONCE(pf->dm_op_allowed);
		if (!allowed)
			seq_puts(m, "none");
		for (i = 0, first = true; i < PRIVCMD_AUDIT_NR_OPS; i++) {
			if (!(allowed & BIT_ULL(i)))
				continue;
			if (!first)
				seq_putc(m, ',');
			privcmd_seq_op_name(m, i);
			first = false;
		}
	}
	seq_putc(m, '\n');

	seq_printf(m, "privcmd.dm_ops:\t%llu\n", dm_ops);
	seq_printf(m, "privcmd.dm_ops_denied:\t%llu\n", sum->dm_ops_denied);
	for (i = 0; i < PRIVCMD_DENIED_NR; i++)
		seq_printf(m, "privcmd.denied.%s:\t%llu\n", privcmd_denied_names[i],
			   sum->denied[i]);
	seq_printf(m, "privcmd.mapped_pages:\t%ld\n", atomic_long_read(&pf->mapped_pages));
	seq_printf(m, "privcmd.irqfds:\t%d\n", atomic_read(&pf->nr_irqfds));
	seq_printf(m, "privcmd.irqfd_injections:\t%llu\n", sum->irqfd_injections);
	seq_printf(m, "privcmd.irqfd_denied:\t%llu\n", sum->irqfd_denied);
	seq_printf(m, "privcmd.ioeventfds:\t%d\n", atomic_read(&pf->nr_ioeventfds));
	seq_printf(m, "privcmd.ioeventfd_notifies:\t%llu\n", sum->ioeventfd_notifies);
	seq_printf(m, "privcmd.ioeventfd_denied:\t%llu\n", sum->ioeventfd_denied);
	for (i = 0; i <= PRIVCMD_AUDIT_NR_OPS; i++) {
		if (!sum->calls[i])
			continue;
		seq_puts(m, "privcmd.dm_op.");
		privcmd_seq_op_name(m, i);
		seq_printf(m, ":\t%llu %llu\n", sum->calls[i], sum->failures[i]);
	}
	kfree(sum);
}

/*
 * IOCTL_PRIVCMD_DM_OP_ALLOWLIST, on the driver's copy of the argument: its
 * size was checked by the dispatch (privcmd_ioctl_ext()).
 */
long privcmd_ioctl_dm_op_allowlist(struct file *file, void *arg, u32 usize)
{
	struct privcmd_file *pf = file->private_data;
	const struct privcmd_dm_op_allowlist *req = arg;
	u64 old;

	BUILD_BUG_ON(sizeof(*req) != PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1);

	if (req->flags || req->reserved[0] || req->reserved[1])
		return -EINVAL;

	old = READ_ONCE(pf->dm_op_allowed);
	do {
		/* Only ever narrow: asking for a sub-op already gone fails. */
		if (req->allowed & ~old)
			return -EPERM;
		/*
		 * Valid against the list as it is now: from here on sub-ops
		 * beyond the bitmap are refused too. Set before the bitmap is
		 * narrowed, never after, so no reader sees a wider state.
		 */
		WRITE_ONCE(pf->allowlist_set, true);
	} while (!try_cmpxchg64(&pf->dm_op_allowed, &old, req->allowed));

	/*
	 * DMOPs that passed the old list may still be on their way to Xen:
	 * when this returns, none is (as RESTRICT waits for its calls).
	 */
	synchronize_srcu(&pf->dm_op_srcu);
	trace_privcmd_allowlist(old, req->allowed);
	return 0;
}

/*
 * IOCTL_PRIVCMD_AUDIT_QUERY, into the driver's copy of the argument, which
 * the dispatch (privcmd_ioctl_ext()) checked and copies back, up to the
 * caller's @usize. The layout filled in is the newest that fits in @usize:
 * a version 1 caller gets version 1, its bytes as they always were.
 */
long privcmd_ioctl_audit_query(struct file *file, void *arg, u32 usize)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_audit_query *q = arg;
	struct privcmd_counters *sum;
	unsigned int i;

	BUILD_BUG_ON(sizeof(*q) != PRIVCMD_AUDIT_QUERY_SIZE_V2);
	BUILD_BUG_ON(offsetofend(struct privcmd_audit_query, failures_other) !=
		     PRIVCMD_AUDIT_QUERY_SIZE_V1);
	BUILD_BUG_ON(ARRAY_SIZE(q->denied) < PRIVCMD_DENIED_NR);
	BUILD_BUG_ON(_IOC_SIZE(IOCTL_PRIVCMD_AUDIT_QUERY) != PRIVCMD_AUDIT_QUERY_SIZE_V1);

	if (q->flags)
		return -EINVAL;

	sum = XDM_FAULT_ALLOC(kmalloc(sizeof(*sum), GFP_KERNEL_ACCOUNT));
	if (!sum)
		return -ENOMEM;
	privcmd_audit_sum(pf, sum);

	/*
	 * Only size and flags are input: every other field is ours to fill,
	 * and what the caller's version lacks stays 0.
	 */
	memset(q, 0, sizeof(*q));
	if (usize >= PRIVCMD_AUDIT_QUERY_SIZE_V2) {
		q->size = PRIVCMD_AUDIT_QUERY_SIZE_V2;
		q->version = 2;
	} else {
		q->size = PRIVCMD_AUDIT_QUERY_SIZE_V1;
		q->version = 1;
	}
	q->restricted_domid = privcmd_restricted_domid(pf);
	if (q->restricted_domid != DOMID_INVALID)
		q->state |= PRIVCMD_AUDIT_RESTRICTED;
	if (READ_ONCE(pf->allowlist_set))
		q->state |= PRIVCMD_AUDIT_ALLOWLIST_SET;
	q->allowed = READ_ONCE(pf->dm_op_allowed);
	q->dm_ops_denied = sum->dm_ops_denied;
	q->mapped_pages = atomic_long_read(&pf->mapped_pages);
	memcpy(q->denied, sum->denied, sizeof(sum->denied));
	memcpy(q->calls, sum->calls, sizeof(q->calls));
	memcpy(q->failures, sum->failures, sizeof(q->failures));
	q->calls_other = sum->calls[PRIVCMD_OP_OTHER];
	q->failures_other = sum->failures[PRIVCMD_OP_OTHER];
	for (i = 0; i <= PRIVCMD_AUDIT_NR_OPS; i++)
		q->dm_ops += sum->calls[i];

	if (q->version >= 2) {
		q->irqfds = atomic_read(&pf->nr_irqfds);
		q->irqfd_injections = sum->irqfd_injections;
		q->irqfd_denied = sum->irqfd_denied;
		q->ioeventfds = atomic_read(&pf->nr_ioeventfds);
		q->ioeventfd_notifies = sum->ioeventfd_notifies;
		q->ioeventfd_denied = sum->ioeventfd_denied;
	}

	kfree(sum);
	return 0;
}
