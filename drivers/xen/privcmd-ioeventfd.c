// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: IOCTL_PRIVCMD_IOEVENTFD, a guest's virtio-mmio notify
 * writes completed in the kernel, each signalling an eventfd.
 *
 * An ioreq server (struct privcmd_kioreq, one per ioreq page, vCPU count
 * and domain in a file) holds the kernel's own mapping of the server's
 * ioreq page and a handler on each vCPU's event channel; its ioeventfds
 * (one per eventfd) name the notify writes to complete.
 *
 * Unlike upstream, which reads the page through the caller's mapping and so
 * works only on an auto-translated dom0, the caller's mapping only names
 * the server and frame (privcmd_ioreq_frame()): the kernel asks Xen for the
 * frames itself and maps them on a PV dom0 as on a PVH one, and munmap()
 * cannot pull the page from under the handler.
 *
 * The ports are the caller's, bound by /dev/xen/evtchn, whose handler runs
 * too (a shared irq), wakes the device model and leaves the port masked
 * until it writes the port back: the device model keeps reading its ports.
 * Both claim a READY request by a compare-and-exchange of its state, so
 * exactly one of them serves it. When that /dev/xen/evtchn is xen-dmop's
 * (xen_dmop_evtchn_early_eoi), the handler also unmasks the port after
 * answering, so that the guest's next notify is not held up until the
 * device model gets round to writing the port back.
 *
 * Assign, deassign and release are serialised by pf->ioeventfd_mutex; the
 * handler reads a server's ioeventfds under its spinlock.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/events.h>
#include <xen/features.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/memory.h>
#include <xen/page.h>
#include <xen/xen-ops.h>

#include "xdm-evtchn-eoi.h"
#include "xdm-fault-inject.h"
#include "privcmd.h"
#include "privcmd-trace.h"

static_assert(sizeof(struct privcmd_ioeventfd) == 48);
static_assert(offsetof(struct privcmd_ioeventfd, dom) == 44);

/* Upstream's limit on the vCPUs (and ports) of one ioreq server. */
#define PRIVCMD_IOEVENTFD_MAX_VCPUS	4096

/* The virtio-mmio notify register, and the bits of a write naming the queue. */
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x50
#define VIRTIO_MMIO_QUEUE_MASK		0xffff

/*
 * Xen's struct ioreq (public/hvm/ioreq.h), one per vCPU, with its bit
 * fields as the byte they live in: the state in bits 0-3, data_is_ptr
 * bit 4, dir bit 5 (1: read).
 */
struct privcmd_xen_ioreq {
	u64 addr;
	u64 data;
	u32 count;
	u32 size;
	u32 vp_eport;
	u16 pad;
	u8 bits;
	u8 type;
};

static_assert(sizeof(struct privcmd_xen_ioreq) == 32);

#define IOREQ_STATE_MASK	0x0f
#define IOREQ_STATE_READY	1
#define IOREQ_STATE_INPROCESS	2
#define IOREQ_STATE_RESP_READY	3
#define IOREQ_DATA_IS_PTR	BIT(4)
#define IOREQ_DIR_READ		BIT(5)
#define IOREQ_TYPE_COPY		1

/**
 * struct privcmd_ioreq_port - one vCPU's event channel.
 * @kioreq: its server.
 * @vcpu: the vCPU, the index of its request in the page.
 * @port: the local port (referenced with evtchn_get()).
 * @irq: its irq, which our handler shares with /dev/xen/evtchn's.
 */
struct privcmd_ioreq_port {
	struct privcmd_kioreq *kioreq;
	u32 vcpu;
	evtchn_port_t port;
	int irq;
};

/**
 * struct privcmd_kioreq - an ioreq server with ioeventfds.
 * @node: in the file's ioreqs.
 * @pf: the file; it outlives the server (its release tears them down).
 * @dom: the guest.
 * @uaddr: the caller's address of the page, which names the server.
 * @vcpus: vCPUs, ports, requests.
 * @nr_pages: pages of requests mapped at @ioreq.
 * @pages: on a PV dom0, local pages vmap()ed at @ioreq whose entries now
 *	point at Xen's frames; on a PVH dom0, the empty pages the frames were
 *	placed at.
 * @ioreq: the kernel's mapping of the requests.
 * @lock: guards @ioeventfds; the handler takes it.
 * @ioeventfds: the notify writes to complete.
 * @nr_bound: ports with our handler so far.
 * @early_eoi: the ports' other handler is xen-dmop's evtchn's, which lets
 *	us unmask them (a reference on that module while set).
 * @ports: per vCPU.
 */
struct privcmd_kioreq {
	struct list_head node;
	struct privcmd_file *pf;
	domid_t dom;
	u64 uaddr;
	u32 vcpus;
	u32 nr_pages;
	struct page **pages;
	struct privcmd_xen_ioreq *ioreq;
	spinlock_t lock;	/* @ioeventfds; taken in the handler */
	struct list_head ioeventfds;
	u32 nr_bound;
	bool early_eoi;
	struct privcmd_ioreq_port ports[];
};

/**
 * struct privcmd_kioeventfd - one assigned ioeventfd.
 * @node: in its server's ioeventfds.
 * @eventfd: signalled for each notify write completed; referenced.
 * @addr: the virtio-mmio device's base.
 * @addr_len: the size of the notify write.
 * @vq: the queue.
 */
struct privcmd_kioeventfd {
	struct list_head node;
	struct eventfd_ctx *eventfd;
	u64 addr;
	u32 addr_len;
	u32 vq;
};

static void ioeventfd_signal(struct eventfd_ctx *eventfd)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(eventfd);
#else
	eventfd_signal(eventfd, 1);
#endif
}

/* The ioeventfd a write of @size bytes of @data at @addr is for, or NULL. */
static struct privcmd_kioeventfd *ioeventfd_match(struct privcmd_kioreq *kioreq, u64 addr,
						  u32 size, u64 data)
{
	struct privcmd_kioeventfd *e;

	list_for_each_entry(e, &kioreq->ioeventfds, node)
		if (addr == e->addr + VIRTIO_MMIO_QUEUE_NOTIFY && size == e->addr_len &&
		    (data & VIRTIO_MMIO_QUEUE_MASK) == e->vq)
			return e;
	return NULL;
}

/* Hard irq: a request of the port's vCPU may be ready. */
static irqreturn_t ioeventfd_interrupt(int irq, void *data)
{
	struct privcmd_ioreq_port *p = data;
	struct privcmd_kioreq *kioreq = p->kioreq;
	struct privcmd_xen_ioreq *req = &kioreq->ioreq[p->vcpu];
	struct privcmd_file *pf = kioreq->pf;
	struct privcmd_kioeventfd *e;
	unsigned int domid;
	bool done = false;
	u8 bits;

	bits = READ_ONCE(req->bits);
	if ((bits & IOREQ_STATE_MASK) != IOREQ_STATE_READY ||
	    (bits & (IOREQ_DIR_READ | IOREQ_DATA_IS_PTR)))
		return IRQ_NONE;
	/* Xen wrote the request before its state. */
	virt_rmb();
	if (READ_ONCE(req->type) != IOREQ_TYPE_COPY || READ_ONCE(req->count) != 1)
		return IRQ_NONE;

	/* Restricted to another domain since the assign: the file may not serve it. */
	domid = READ_ONCE(pf->domid);
	if (domid != DOMID_INVALID && domid != kioreq->dom) {
		this_cpu_inc(pf->stats->ioeventfd_denied);
		return IRQ_NONE;
	}

	spin_lock(&kioreq->lock);
	e = ioeventfd_match(kioreq, READ_ONCE(req->addr), READ_ONCE(req->size),
			    READ_ONCE(req->data));
	/* The device model may claim it too: exactly one of us wins. */
	if (e && cmpxchg(&req->bits, bits,
			 (bits & ~IOREQ_STATE_MASK) | IOREQ_STATE_INPROCESS) == bits) {
		ioeventfd_signal(e->eventfd);
		done = true;
	}
	spin_unlock(&kioreq->lock);
	if (!done)
		return IRQ_NONE;

	this_cpu_inc(pf->stats->ioeventfd_notifies);
	/* The write needs no answer; Xen reads the state last. */
	virt_wmb();
	WRITE_ONCE(req->bits, (bits & ~IOREQ_STATE_MASK) | IOREQ_STATE_RESP_READY);
	notify_remote_via_evtchn(p->port);
	if (kioreq->early_eoi)
		xen_irq_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

/* ---- the kernel's mapping of the ioreq pages ---- */

/*
 * PV: point the kernel's entry for @va at @owner's frame @mfn, as it is (no
 * translation: the guest's frames are machine frames to Xen here).
 */
static int ioreq_set_foreign_pte(unsigned long va, unsigned long mfn, domid_t owner)
{
	struct mmuext_op flush = { .cmd = MMUEXT_INVLPG_ALL, .arg1.linear_addr = va };
	struct mmu_update u;
	unsigned int level;
	pte_t *pte;
	int rc;

	pte = lookup_address(va, &level);
	if (!pte || level != PG_LEVEL_4K)
		return -EFAULT;
	u.ptr = arbitrary_virt_to_machine(pte).maddr | MMU_PT_UPDATE_NO_TRANSLATE;
	u.val = pte_val_ma(mfn_pte(mfn, PAGE_KERNEL));
	rc = HYPERVISOR_mmu_update(&u, 1, NULL, owner);
	if (!rc)
		rc = HYPERVISOR_mmuext_op(&flush, 1, NULL, DOMID_SELF);
	return rc;
}

/*
 * PV: vmap() local pages, then point their entries at Xen's frames;
 * ioreq_unmap_pv() points them back before vunmap().
 */
static int ioreq_map_pv(struct privcmd_kioreq *kioreq, const xen_pfn_t *mfns, domid_t owner)
{
	unsigned long va = (unsigned long)kioreq->ioreq;
	u32 i;
	int rc;

	for (i = 0; i < kioreq->nr_pages; i++) {
		rc = ioreq_set_foreign_pte(va + i * PAGE_SIZE, mfns[i], owner);
		if (rc)
			goto undo;
	}
	return 0;
undo:
	while (i--)
		HYPERVISOR_update_va_mapping(va + i * PAGE_SIZE,
					     mk_pte(kioreq->pages[i], PAGE_KERNEL),
					     UVMF_INVLPG | UVMF_ALL);
	return rc;
}

static void ioreq_unmap_pv(struct privcmd_kioreq *kioreq)
{
	unsigned long va = (unsigned long)kioreq->ioreq;
	u32 i;

	for (i = 0; i < kioreq->nr_pages; i++)
		WARN_ON_ONCE(HYPERVISOR_update_va_mapping(va + i * PAGE_SIZE,
							  mk_pte(kioreq->pages[i], PAGE_KERNEL),
							  UVMF_INVLPG | UVMF_ALL));
}

/* PVH: take the frames Xen placed at our empty pages out of our physmap. */
static int ioreq_unmap_pvh(struct privcmd_kioreq *kioreq, u32 nr)
{
	int rc = 0;
	u32 i;

	for (i = 0; i < nr; i++) {
		struct xen_remove_from_physmap xrp = {
			.domid = DOMID_SELF,
			.gpfn = page_to_xen_pfn(kioreq->pages[i]),
		};
		int err = HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &xrp);

		if (err)
			rc = err;
	}
	return rc;
}

static void ioreq_free_pages(struct privcmd_kioreq *kioreq)
{
	u32 i;

	if (xen_feature(XENFEAT_auto_translated_physmap)) {
		xen_free_unpopulated_pages(kioreq->nr_pages, kioreq->pages);
	} else {
		for (i = 0; i < kioreq->nr_pages; i++)
			__free_page(kioreq->pages[i]);
	}
	kfree(kioreq->pages);
}

static int ioreq_alloc_pages(struct privcmd_kioreq *kioreq)
{
	u32 i;

	kioreq->pages = XDM_FAULT_ALLOC(kcalloc(kioreq->nr_pages, sizeof(*kioreq->pages),
						GFP_KERNEL_ACCOUNT));
	if (!kioreq->pages)
		return -ENOMEM;
	if (xen_feature(XENFEAT_auto_translated_physmap)) {
		if (!XDM_FAULT_ALLOC_INT(xen_alloc_unpopulated_pages(kioreq->nr_pages,
								     kioreq->pages)))
			return 0;
		kfree(kioreq->pages);
		return -ENOMEM;
	}
	for (i = 0; i < kioreq->nr_pages; i++) {
		kioreq->pages[i] = XDM_FAULT_ALLOC(alloc_page(GFP_KERNEL_ACCOUNT));
		if (!kioreq->pages[i]) {
			while (i--)
				__free_page(kioreq->pages[i]);
			kfree(kioreq->pages);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Map frames @frame onwards of ioreq server @id of the server's domain. */
static int ioreq_map(struct privcmd_kioreq *kioreq, u32 id, u64 frame)
{
	bool pvh = xen_feature(XENFEAT_auto_translated_physmap);
	struct xen_mem_acquire_resource xr = {
		.domid = kioreq->dom,
		.type = XENMEM_resource_ioreq_server,
		.id = id,
		.frame = frame,
		.nr_frames = kioreq->nr_pages,
	};
	xen_pfn_t *frames;
	u32 i;
	int rc;

	frames = XDM_FAULT_ALLOC(kcalloc(kioreq->nr_pages, sizeof(*frames), GFP_KERNEL));
	if (!frames)
		return -ENOMEM;
	rc = ioreq_alloc_pages(kioreq);
	if (rc)
		goto out;
	kioreq->ioreq = vmap(kioreq->pages, kioreq->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!kioreq->ioreq) {
		rc = -ENOMEM;
		goto err_pages;
	}
	/* PVH: Xen places the frames at our pages; PV: it returns them. */
	if (pvh)
		for (i = 0; i < kioreq->nr_pages; i++)
			frames[i] = page_to_xen_pfn(kioreq->pages[i]);
	set_xen_guest_handle(xr.frame_list, frames);
	rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, &xr);
	if (rc)
		goto err_vunmap;
	if (!pvh) {
		rc = ioreq_map_pv(kioreq, frames, xr.flags & XENMEM_rsrc_acq_caller_owned ?
					  DOMID_SELF : kioreq->dom);
		if (rc)
			goto err_vunmap;
	}
	goto out;

err_vunmap:
	vunmap(kioreq->ioreq);
	/* Xen may have placed some frames before it failed. */
	if (pvh && ioreq_unmap_pvh(kioreq, kioreq->nr_pages)) {
		pr_crit("cannot unmap an ioreq server's frames: leaking %u pages\n",
			kioreq->nr_pages);
		kfree(kioreq->pages);
		goto out;
	}
err_pages:
	ioreq_free_pages(kioreq);
out:
	kfree(frames);
	return rc;
}

static void ioreq_unmap(struct privcmd_kioreq *kioreq)
{
	if (!xen_feature(XENFEAT_auto_translated_physmap))
		ioreq_unmap_pv(kioreq);
	vunmap(kioreq->ioreq);
	if (xen_feature(XENFEAT_auto_translated_physmap) &&
	    ioreq_unmap_pvh(kioreq, kioreq->nr_pages)) {
		/* Xen still maps frames over them: never reuse them. */
		pr_crit("cannot unmap an ioreq server's frames: leaking %u pages\n",
			kioreq->nr_pages);
		kfree(kioreq->pages);
		return;
	}
	ioreq_free_pages(kioreq);
}

/* ---- ports ---- */

/* Whether local @port is an interdomain channel to @dom. */
static bool ioreq_port_to(evtchn_port_t port, domid_t dom)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	return !HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) &&
	       st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == dom;
}

static int ioreq_bind_port(struct privcmd_ioreq_port *p)
{
	int rc;

	/* Held by /dev/xen/evtchn (refcounted); our reference keeps its irq. */
	rc = evtchn_get(p->port);
	if (rc)
		return rc == -ENOENT ? -ENOENT : -EINVAL;
	p->irq = irq_from_evtchn(p->port);
	rc = request_irq(p->irq, ioeventfd_interrupt, IRQF_SHARED, "xen-dmop-ioeventfd", p);
	if (rc)
		evtchn_put(p->port);
	return rc;
}

static void ioreq_unbind_port(struct privcmd_ioreq_port *p)
{
	/* Waits for a handler in flight. */
	free_irq(p->irq, p);
	evtchn_put(p->port);
}

static void ioreq_free(struct privcmd_kioreq *kioreq)
{
	while (kioreq->nr_bound)
		ioreq_unbind_port(&kioreq->ports[--kioreq->nr_bound]);
	if (kioreq->early_eoi)
		symbol_put(xen_dmop_evtchn_early_eoi);
	ioreq_unmap(kioreq);
	kfree(kioreq);
}

/* A new server for @req's page and ports: a pointer or an ERR_PTR. */
static struct privcmd_kioreq *ioreq_alloc(struct privcmd_file *pf,
					  const struct privcmd_ioeventfd *req)
{
	struct privcmd_kioreq *kioreq;
	u32 __user *uports = u64_to_user_ptr(req->ports);
	u64 frame;
	u32 id, i;
	int rc;

	rc = privcmd_ioreq_frame(current->mm, req->ioreq, req->dom, &id, &frame);
	if (rc)
		return ERR_PTR(rc);
	kioreq = XDM_FAULT_ALLOC(kzalloc(struct_size(kioreq, ports, req->vcpus),
					 GFP_KERNEL_ACCOUNT));
	if (!kioreq)
		return ERR_PTR(-ENOMEM);
	kioreq->pf = pf;
	kioreq->dom = req->dom;
	kioreq->uaddr = req->ioreq;
	kioreq->vcpus = req->vcpus;
	kioreq->nr_pages = DIV_ROUND_UP(req->vcpus * sizeof(struct privcmd_xen_ioreq), PAGE_SIZE);
	spin_lock_init(&kioreq->lock);
	INIT_LIST_HEAD(&kioreq->ioeventfds);
	for (i = 0; i < req->vcpus; i++) {
		kioreq->ports[i].kioreq = kioreq;
		kioreq->ports[i].vcpu = i;
		if (get_user(kioreq->ports[i].port, uports + i)) {
			rc = -EFAULT;
			goto err_free;
		}
		if (!ioreq_port_to(kioreq->ports[i].port, req->dom)) {
			rc = -EINVAL;
			goto err_free;
		}
	}

	rc = ioreq_map(kioreq, id, frame);
	if (rc)
		goto err_free;
	/* Before the first handler can run. */
	kioreq->early_eoi = !!symbol_get(xen_dmop_evtchn_early_eoi);
	for (; kioreq->nr_bound < req->vcpus; kioreq->nr_bound++) {
		rc = ioreq_bind_port(&kioreq->ports[kioreq->nr_bound]);
		if (rc) {
			ioreq_free(kioreq);
			return ERR_PTR(rc);
		}
	}
	return kioreq;

err_free:
	kfree(kioreq);
	return ERR_PTR(rc);
}

/* The file's server with @req's page, or NULL. */
static struct privcmd_kioreq *ioreq_find(struct privcmd_file *pf,
					 const struct privcmd_ioeventfd *req)
{
	struct privcmd_kioreq *kioreq;

	list_for_each_entry(kioreq, &pf->ioreqs, node)
		if (kioreq->uaddr == req->ioreq)
			return kioreq;
	return NULL;
}

static void ioeventfd_free(struct privcmd_file *pf, struct privcmd_kioeventfd *e)
{
	eventfd_ctx_put(e->eventfd);
	kfree(e);
	atomic_dec(&pf->nr_ioeventfds);
	atomic_long_dec(&privcmd_live.ioeventfds);
}

/* Take @e off its server; the caller frees the server once it is empty. */
static void ioeventfd_remove(struct privcmd_file *pf, struct privcmd_kioreq *kioreq,
			     struct privcmd_kioeventfd *e)
{
	spin_lock_irq(&kioreq->lock);
	list_del(&e->node);
	spin_unlock_irq(&kioreq->lock);
	/* The handler reads @e under the lock only: it is ours now. */
	trace_privcmd_ioeventfd(kioreq->dom, e->addr, e->vq, false);
	ioeventfd_free(pf, e);
}

static void ioreq_remove(struct privcmd_kioreq *kioreq)
{
	list_del(&kioreq->node);
	ioreq_free(kioreq);
}

static long ioeventfd_assign(struct privcmd_file *pf, const struct privcmd_ioeventfd *req)
{
	struct privcmd_kioeventfd *e, *other;
	struct privcmd_kioreq *kioreq;
	long rc;

	if (req->addr + req->addr_len < req->addr)
		return -EINVAL;
	/* What vhost needs, as upstream. */
	if (req->addr_len != 1 && req->addr_len != 2 && req->addr_len != 4 &&
	    req->addr_len != 8)
		return -EINVAL;
	if (!req->vcpus || req->vcpus > PRIVCMD_IOEVENTFD_MAX_VCPUS)
		return -EINVAL;

	e = XDM_FAULT_ALLOC(kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT));
	if (!e)
		return -ENOMEM;
	e->eventfd = eventfd_ctx_fdget(req->event_fd);
	if (IS_ERR(e->eventfd)) {
		rc = PTR_ERR(e->eventfd);
		goto err_free;
	}
	e->addr = req->addr;
	e->addr_len = req->addr_len;
	e->vq = req->vq;

	mutex_lock(&pf->ioeventfd_mutex);
	kioreq = ioreq_find(pf, req);
	if (kioreq) {
		/* One page is one server: the same domain and vCPUs, as upstream. */
		rc = -EINVAL;
		if (kioreq->dom != req->dom || kioreq->vcpus != req->vcpus)
			goto err_unlock;
		rc = -EBUSY;
		list_for_each_entry(other, &kioreq->ioeventfds, node)
			if (other->eventfd == e->eventfd)
				goto err_unlock;
	} else {
		kioreq = ioreq_alloc(pf, req);
		if (IS_ERR(kioreq)) {
			rc = PTR_ERR(kioreq);
			goto err_unlock;
		}
		list_add_tail(&kioreq->node, &pf->ioreqs);
	}
	spin_lock_irq(&kioreq->lock);
	list_add_tail(&e->node, &kioreq->ioeventfds);
	spin_unlock_irq(&kioreq->lock);
	atomic_inc(&pf->nr_ioeventfds);
	atomic_long_inc(&privcmd_live.ioeventfds);
	trace_privcmd_ioeventfd(req->dom, req->addr, req->vq, true);
	mutex_unlock(&pf->ioeventfd_mutex);
	return 0;

err_unlock:
	mutex_unlock(&pf->ioeventfd_mutex);
	eventfd_ctx_put(e->eventfd);
err_free:
	kfree(e);
	return rc;
}

static long ioeventfd_deassign(struct privcmd_file *pf, const struct privcmd_ioeventfd *req)
{
	struct privcmd_kioeventfd *e;
	struct privcmd_kioreq *kioreq;
	struct eventfd_ctx *eventfd;
	long rc = -ENODEV;

	eventfd = eventfd_ctx_fdget(req->event_fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&pf->ioeventfd_mutex);
	kioreq = ioreq_find(pf, req);
	if (kioreq && kioreq->dom == req->dom && kioreq->vcpus == req->vcpus) {
		list_for_each_entry(e, &kioreq->ioeventfds, node) {
			if (e->eventfd == eventfd) {
				ioeventfd_remove(pf, kioreq, e);
				rc = 0;
				break;
			}
		}
		if (list_empty(&kioreq->ioeventfds))
			ioreq_remove(kioreq);
	}
	mutex_unlock(&pf->ioeventfd_mutex);
	eventfd_ctx_put(eventfd);
	return rc;
}

long privcmd_ioctl_ioeventfd(struct file *file, void __user *udata)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_ioeventfd req;
	bool counted;
	long rc;

	if (copy_from_user(&req, udata, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~PRIVCMD_IOEVENTFD_FLAG_DEASSIGN)
		return -EINVAL;
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_IOEVENTFD, req.dom, &counted);
	if (rc)
		return rc;
	if (req.flags & PRIVCMD_IOEVENTFD_FLAG_DEASSIGN)
		rc = ioeventfd_deassign(pf, &req);
	else
		rc = ioeventfd_assign(pf, &req);
	privcmd_unrestricted_end(pf, counted);
	return rc;
}

void privcmd_ioeventfd_open(struct privcmd_file *pf)
{
	mutex_init(&pf->ioeventfd_mutex);
	INIT_LIST_HEAD(&pf->ioreqs);
	atomic_set(&pf->nr_ioeventfds, 0);
}

/* The file's last reference is gone: no ioctl can run. */
void privcmd_ioeventfd_release(struct privcmd_file *pf)
{
	struct privcmd_kioeventfd *e, *etmp;
	struct privcmd_kioreq *kioreq, *tmp;

	mutex_lock(&pf->ioeventfd_mutex);
	list_for_each_entry_safe(kioreq, tmp, &pf->ioreqs, node) {
		list_for_each_entry_safe(e, etmp, &kioreq->ioeventfds, node)
			ioeventfd_remove(pf, kioreq, e);
		ioreq_remove(kioreq);
	}
	mutex_unlock(&pf->ioeventfd_mutex);
	mutex_destroy(&pf->ioeventfd_mutex);
}
