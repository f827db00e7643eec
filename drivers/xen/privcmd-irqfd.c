// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_IRQFD, a DMOP issued each time an eventfd
 * is signalled (a virtio backend raising the guest's interrupt).
 *
 * An irqfd hangs a wait-queue entry on its eventfd. The wake-up runs under
 * the eventfd's wait-queue lock with interrupts off. It consumes the count
 * and injects: a DMOP that only moves an interrupt line or sends an
 * interrupt, which Xen answers at once, is issued right there (the guest's
 * interrupt waits for no worker); any other DMOP is queued to a worker.
 * Both check the DMOP against the file's restriction and allowlist, as
 * they are now, before issuing it.
 *
 * An irqfd belongs to its file (pf->irqfds, under pf->irqfd_lock, which the
 * wake-up takes too). Whoever takes it off that list tears it down: unhook
 * the wait-queue entry first, so that nothing queues the injection again,
 * then cancel or wait for it. Deassign and the file's release do that
 * themselves; the eventfd's last close (EPOLLHUP, in the wake-up, which
 * must not sleep) hands it to a worker, which deassign and release wait
 * for. Assign, deassign and release are serialised by pf->irqfd_mutex, so
 * a deassign never meets a half-made irqfd.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <asm/xen/hypercall.h>
#include <xen/interface/hvm/dm_op.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"
#include "privcmd-trace.h"
#include "../../include/xen-dmop/dm-ops.h"

/* DM_OP_set_isa_irq_level..., the sub-op numbers. */
enum {
#define DM_OP DM_OP_ENUM_INIT
#include "../../include/xen-dmop/dm-ops.h"
};

/* struct fd became one word with an accessor in 6.12. */
#ifndef fd_file
#define fd_file(f) ((f).file)
#endif

/* The largest DMOP an irqfd may hold (struct xen_dm_op is far smaller). */
#define PRIVCMD_IRQFD_MAX_SIZE	4096

static_assert(sizeof(struct privcmd_irqfd) == 24);
static_assert(offsetof(struct privcmd_irqfd, dom) == 20);

/**
 * struct privcmd_kirqfd - one assigned irqfd.
 * @node: in the file's irqfds while assigned; empty once taken off.
 * @pf: the file; it outlives the irqfd (its release tears them down).
 * @eventfd: the eventfd, referenced.
 * @wait: hooked on the eventfd's wait queue.
 * @pt: hooks @wait, through vfs_poll().
 * @inject: issues the DMOP, on privcmd_irqfd_wq.
 * @shutdown: the teardown after the eventfd's last close.
 * @dom: the target domain.
 * @op: the DMOP's sub-op, read once at assign time.
 * @size: its size in bytes.
 * @dm_op: the caller's DMOP, the bytes Xen is given.
 */
struct privcmd_kirqfd {
	struct list_head node;
	struct privcmd_file *pf;
	struct eventfd_ctx *eventfd;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
	struct work_struct shutdown;
	domid_t dom;
	u32 op;
	u32 size;
	u8 dm_op[] __aligned(8);
};

static struct workqueue_struct *privcmd_irqfd_wq;
static struct workqueue_struct *privcmd_irqfd_cleanup_wq;

/* The DMOPs an irqfd issues from the wake-up: constant time in Xen. */
static bool irqfd_inject_inline(u32 op)
{
	switch (op) {
	case DM_OP_set_isa_irq_level:
	case DM_OP_set_pci_intx_level:
	case DM_OP_set_irq_level:
	case DM_OP_inject_msi:
		return true;
	default:
		return false;
	}
}

/* Check and issue @k's DMOP; any context, never sleeps. */
static void irqfd_inject_now(struct privcmd_kirqfd *k)
{
	struct privcmd_file *pf = k->pf;
	unsigned int reason = PRIVCMD_DENIED_NR;
	struct xen_dm_op_buf xbuf;
	bool counted;
	long rc;
	int idx;

	/* As a DM_OP: RESTRICT and ALLOWLIST wait for an injection in flight. */
	counted = privcmd_unrestricted_begin(pf);
	idx = srcu_read_lock(&pf->dm_op_srcu);
	if (!counted && READ_ONCE(pf->domid) != k->dom)
		reason = PRIVCMD_DENIED_DOMID;	/* restricted after the assign */
	else if (!privcmd_dm_op_allowed(pf, k->op))
		reason = PRIVCMD_DENIED_ALLOWLIST;
	if (reason == PRIVCMD_DENIED_NR) {
		set_xen_guest_handle(xbuf.h, k->dm_op);
		xbuf.size = k->size;
		rc = HYPERVISOR_dm_op(k->dom, 1, &xbuf);

		this_cpu_inc(pf->stats->irqfd_injections);
		this_cpu_inc(pf->stats->calls[min_t(u32, k->op, PRIVCMD_OP_OTHER)]);
		if (rc < 0)
			this_cpu_inc(pf->stats->failures[min_t(u32, k->op, PRIVCMD_OP_OTHER)]);
		trace_privcmd_irqfd_inject(k->dom, k->op, rc);
	}
	srcu_read_unlock(&pf->dm_op_srcu, idx);
	privcmd_unrestricted_end(pf, counted);

	if (reason != PRIVCMD_DENIED_NR) {
		this_cpu_inc(pf->stats->irqfd_denied);
		this_cpu_inc(pf->stats->dm_ops_denied);
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_IRQFD, k->dom, k->op, reason);
	}
}

static void irqfd_inject(struct work_struct *work)
{
	irqfd_inject_now(container_of(work, struct privcmd_kirqfd, inject));
}

/* Taken off the file's list by the caller: nothing else reaches @k now. */
static void irqfd_free(struct privcmd_kirqfd *k)
{
	u64 cnt;

	eventfd_ctx_remove_wait_queue(k->eventfd, &k->wait, &cnt);
	/* No wake-up can queue it again: cancel it, or wait for it to end. */
	cancel_work_sync(&k->inject);
	trace_privcmd_irqfd(k->dom, k->op, false);
	eventfd_ctx_put(k->eventfd);
	atomic_dec(&k->pf->nr_irqfds);
	atomic_long_dec(&privcmd_live.irqfds);
	kfree(k);
}

static void irqfd_shutdown(struct work_struct *work)
{
	irqfd_free(container_of(work, struct privcmd_kirqfd, shutdown));
}

/* Under the eventfd's wait-queue lock, interrupts off. */
static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct privcmd_kirqfd *k = container_of(wait, struct privcmd_kirqfd, wait);
	__poll_t flags = key_to_poll(key);
	unsigned long irqflags;
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(k->eventfd, &cnt);
		if (irqfd_inject_inline(k->op))
			irqfd_inject_now(k);
		else
			queue_work(privcmd_irqfd_wq, &k->inject);
	}
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&k->pf->irqfd_lock, irqflags);
		/* Still assigned: the teardown is ours to start. */
		if (!list_empty(&k->node)) {
			list_del_init(&k->node);
			queue_work(privcmd_irqfd_cleanup_wq, &k->shutdown);
		}
		spin_unlock_irqrestore(&k->pf->irqfd_lock, irqflags);
	}
	return 0;
}

static void irqfd_poll_func(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct privcmd_kirqfd *k = container_of(pt, struct privcmd_kirqfd, pt);

	add_wait_queue_priority(wqh, &k->wait);
}

/* The irqfd of @eventfd taken off the file's list, or NULL. */
static struct privcmd_kirqfd *irqfd_take(struct privcmd_file *pf, struct eventfd_ctx *eventfd)
{
	struct privcmd_kirqfd *k, *found = NULL;

	spin_lock_irq(&pf->irqfd_lock);
	list_for_each_entry(k, &pf->irqfds, node) {
		if (k->eventfd == eventfd) {
			list_del_init(&k->node);
			found = k;
			break;
		}
	}
	spin_unlock_irq(&pf->irqfd_lock);
	return found;
}

/* Add @k unless its eventfd is assigned already: 0 or -EBUSY. */
static int irqfd_add(struct privcmd_file *pf, struct privcmd_kirqfd *k)
{
	struct privcmd_kirqfd *other;
	int rc = 0;

	spin_lock_irq(&pf->irqfd_lock);
	list_for_each_entry(other, &pf->irqfds, node) {
		if (other->eventfd == k->eventfd) {
			rc = -EBUSY;
			break;
		}
	}
	if (!rc)
		list_add_tail(&k->node, &pf->irqfds);
	spin_unlock_irq(&pf->irqfd_lock);
	return rc;
}

static long irqfd_assign(struct privcmd_file *pf, const struct privcmd_irqfd *req)
{
	struct privcmd_kirqfd *k;
	__poll_t events;
	struct fd f;
	long rc;

	if (!req->size)
		return -EINVAL;
	if (req->size > PRIVCMD_IRQFD_MAX_SIZE)
		return -E2BIG;
	k = XDM_FAULT_ALLOC(kzalloc(struct_size(k, dm_op, req->size), GFP_KERNEL_ACCOUNT));
	if (!k)
		return -ENOMEM;
	/* The one read of the caller's DMOP: later changes to it do nothing. */
	if (copy_from_user(k->dm_op, u64_to_user_ptr(req->dm_op), req->size)) {
		rc = -EFAULT;
		goto err_free;
	}
	k->op = PRIVCMD_OP_UNREADABLE;
	if (req->size >= sizeof(k->op))
		memcpy(&k->op, k->dm_op, sizeof(k->op));
	if (!privcmd_dm_op_allowed(pf, k->op)) {
		privcmd_audit_denied(pf, IOCTL_PRIVCMD_IRQFD, req->dom, k->op,
				     PRIVCMD_DENIED_ALLOWLIST);
		rc = -EPERM;
		goto err_free;
	}
	k->pf = pf;
	k->dom = req->dom;
	k->size = req->size;
	INIT_LIST_HEAD(&k->node);
	INIT_WORK(&k->inject, irqfd_inject);
	INIT_WORK(&k->shutdown, irqfd_shutdown);
	init_waitqueue_func_entry(&k->wait, irqfd_wakeup);
	init_poll_funcptr(&k->pt, irqfd_poll_func);

	/* Held to the end: the eventfd cannot see its last close meanwhile. */
	f = fdget(req->fd);
	if (!fd_file(f)) {
		rc = -EBADF;
		goto err_free;
	}
	k->eventfd = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(k->eventfd)) {
		rc = PTR_ERR(k->eventfd);
		goto err_fdput;
	}

	mutex_lock(&pf->irqfd_mutex);
	rc = irqfd_add(pf, k);
	if (rc)
		goto err_unlock;
	atomic_inc(&pf->nr_irqfds);
	atomic_long_inc(&privcmd_live.irqfds);
	/* Hook the wake-up; a signal already pending is injected now. */
	events = vfs_poll(fd_file(f), &k->pt);
	if (events & EPOLLIN)
		queue_work(privcmd_irqfd_wq, &k->inject);
	trace_privcmd_irqfd(k->dom, k->op, true);
	mutex_unlock(&pf->irqfd_mutex);
	fdput(f);
	return 0;

err_unlock:
	mutex_unlock(&pf->irqfd_mutex);
	eventfd_ctx_put(k->eventfd);
err_fdput:
	fdput(f);
err_free:
	kfree(k);
	return rc;
}

static long irqfd_deassign(struct privcmd_file *pf, const struct privcmd_irqfd *req)
{
	struct eventfd_ctx *eventfd;
	struct privcmd_kirqfd *k;

	eventfd = eventfd_ctx_fdget(req->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&pf->irqfd_mutex);
	k = irqfd_take(pf, eventfd);
	if (k)
		irqfd_free(k);
	mutex_unlock(&pf->irqfd_mutex);
	eventfd_ctx_put(eventfd);
	if (k)
		return 0;
	/*
	 * Not ours, or its eventfd's last close (another thread's) took it
	 * first: then its teardown is queued, and done when this returns.
	 */
	flush_workqueue(privcmd_irqfd_cleanup_wq);
	return -ENOENT;
}

long privcmd_ioctl_irqfd(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_irqfd req;
	bool counted;
	long rc;

	if (copy_from_user(&req, udata, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~PRIVCMD_IRQFD_FLAG_DEASSIGN)
		return -EINVAL;
	/* Before anything is read or registered, as upstream. */
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_IRQFD, req.dom, &counted);
	if (rc)
		return rc;
	if (req.flags & PRIVCMD_IRQFD_FLAG_DEASSIGN)
		rc = irqfd_deassign(pf, &req);
	else
		rc = irqfd_assign(pf, &req);
	privcmd_unrestricted_end(pf, counted);
	return rc;
}

void privcmd_irqfd_open(struct privcmd_file *pf)
{
	mutex_init(&pf->irqfd_mutex);
	spin_lock_init(&pf->irqfd_lock);
	INIT_LIST_HEAD(&pf->irqfds);
	atomic_set(&pf->nr_irqfds, 0);
}

/* The file's last close: no ioctl of it runs, and none will. */
void privcmd_irqfd_release(struct privcmd_file *pf)
{
	struct privcmd_kirqfd *k;

	for (;;) {
		spin_lock_irq(&pf->irqfd_lock);
		k = list_first_entry_or_null(&pf->irqfds, struct privcmd_kirqfd, node);
		if (k)
			list_del_init(&k->node);
		spin_unlock_irq(&pf->irqfd_lock);
		if (!k)
			break;
		irqfd_free(k);
	}
	/* Those whose eventfd closed meanwhile still point to @pf. */
	flush_workqueue(privcmd_irqfd_cleanup_wq);
	mutex_destroy(&pf->irqfd_mutex);
}

int privcmd_irqfd_init(void)
{
	/* High priority: an injection is a guest's interrupt waiting. */
	privcmd_irqfd_wq = alloc_workqueue("xen-privcmd-irqfd", WQ_HIGHPRI, 0);
	if (!privcmd_irqfd_wq)
		return -ENOMEM;
	privcmd_irqfd_cleanup_wq = alloc_workqueue("xen-privcmd-irqfd-cleanup", 0, 0);
	if (!privcmd_irqfd_cleanup_wq) {
		destroy_workqueue(privcmd_irqfd_wq);
		return -ENOMEM;
	}
	return 0;
}

/* Every file was released, and with it every irqfd. */
void privcmd_irqfd_exit(void)
{
	destroy_workqueue(privcmd_irqfd_cleanup_wq);
	destroy_workqueue(privcmd_irqfd_wq);
}
