// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: binding ports to an open file, unbinding them, and
 * notifying through them. Every function here runs with bind_lock held.
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/interrupt.h>
#include <linux/slab.h>

#include <xen/events.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypercall.h>

#include "xdm-fault-inject.h"
#include "evtchn-priv.h"
#include "../../include/uapi/xen/evtchn.h"

static void evtchn_close_port(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	int rc = HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);

	if (rc)
		pr_warn("closing port %u failed: %d\n", port, rc);
}

static int evtchn_make_shared(evtchn_port_t port, bool is_static)
{
#if EVTCHN_HAVE_STATIC
	return evtchn_make_refcounted(port, is_static);
#else
	return evtchn_make_refcounted(port);
#endif
}

/* Whether Xen has @port of dom0 open (in any state but closed). */
static bool evtchn_port_open(evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	return !HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) &&
	       st.status != EVTCHNSTAT_closed;
}

/*
 * After the event core failed to bind @port to an irq: whether the port is
 * still open and still the channel we opened (@want: Xen's status of it as
 * we made it), with no irq of the kernel on it. The core closes the port
 * itself when its set-up fails after it allocated an irq, and leaves it
 * open when no irq could be allocated, with -ENOMEM either way: Xen's view
 * tells the two apart, so the port is closed once, not twice (by then Xen
 * may have handed the number to another user) and not never.
 */
static bool evtchn_still_ours(evtchn_port_t port, const struct evtchn_status *want)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) || st.status != want->status ||
	    irq_from_evtchn(port) != -1U)
		return false;
	switch (st.status) {
	case EVTCHNSTAT_unbound:
		return st.u.unbound.dom == want->u.unbound.dom;
	case EVTCHNSTAT_interdomain:
		return st.u.interdomain.dom == want->u.interdomain.dom &&
		       st.u.interdomain.port == want->u.interdomain.port;
	case EVTCHNSTAT_virq:
		return st.u.virq == want->u.virq && st.vcpu == want->vcpu;
	default:
		return false;
	}
}

/*
 * Attach a port to @f: one Xen just opened for us (@want says how), or a
 * static one (@want NULL), which is never closed. On failure an opened port
 * is closed exactly once, so nothing leaks in Xen and nobody else's port is
 * closed.
 */
static int evtchn_bind_port(struct evtchn_file *f, evtchn_port_t port,
			    const struct evtchn_status *want)
{
	bool is_static = !want;
	struct evtchn_port *p;
	int irq, rc;

	p = XDM_FAULT_ALLOC(kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT));
	if (!p) {
		rc = -ENOMEM;
		goto err_close;
	}
	p->file = f;
	p->port = port;
	p->is_static = is_static;
	p->enabled = true;

	rc = XDM_FAULT_ALLOC_INT(xa_insert(&f->ports, port, p, GFP_KERNEL_ACCOUNT));
	if (rc) {
		rc = rc == -EBUSY ? -EISCONN : rc;
		goto err_free;
	}
	rc = evtchn_ring_reserve(f, f->nr_ports + 1);
	if (rc)
		goto err_erase;
	/*
	 * The event core would hand us the irq it already has for this port
	 * number: left by a static bind of a port that was closed behind its
	 * back, and Xen has now given us the number. Sharing it would tear
	 * down the other owner's irq on our unbind.
	 */
	if (irq_from_evtchn(port) != -1U) {
		rc = -EBUSY;
		goto err_erase;
	}

	irq = bind_evtchn_to_irq_lateeoi(port);
	if (irq < 0) {
		rc = irq;
		xa_erase(&f->ports, port);
		kfree(p);
		if (!is_static && evtchn_still_ours(port, want))
			evtchn_close_port(port);
		return rc;
	}
	p->irq = irq;

	/*
	 * From here on the core closes a non-static port when the irq is
	 * unbound (evtchn_put(), unbind_from_irqhandler()), and only then.
	 * Refcounted, it lets other kernel users (gntdev's unmap notify)
	 * hold the port.
	 */
	rc = evtchn_make_shared(port, is_static);
	if (rc)
		goto err_put;
	rc = request_irq(irq, evtchn_interrupt, IRQF_SHARED, f->name, p);
	if (rc)
		goto err_put;

	WRITE_ONCE(f->nr_ports, f->nr_ports + 1);
	atomic_long_inc(&evtchn_live.ports);
	return 0;

err_put:
	evtchn_put(port);	/* unbinds the irq, closes a non-static port */
	xa_erase(&f->ports, port);
	kfree(p);
	return rc;
err_erase:
	xa_erase(&f->ports, port);
err_free:
	kfree(p);
err_close:
	if (!is_static)
		evtchn_close_port(port);
	return rc;
}

static void evtchn_unbind_port(struct evtchn_file *f, struct evtchn_port *p)
{
	/* Mask first: no handler may start once the port is being torn down. */
	disable_irq(p->irq);
	unbind_from_irqhandler(p->irq, p);
	evtchn_ring_forget(f, p);
	xa_erase(&f->ports, p->port);
	WRITE_ONCE(f->nr_ports, f->nr_ports - 1);
	atomic_long_dec(&evtchn_live.ports);
	kfree(p);
}

void evtchn_unbind_all(struct evtchn_file *f)
{
	struct evtchn_port *p;
	unsigned long port;

	mutex_lock(&f->bind_lock);
	xa_for_each(&f->ports, port, p)
		evtchn_unbind_port(f, p);
	mutex_unlock(&f->bind_lock);
}

/* Return the bound port, or -errno, as the ioctl result. */
static long evtchn_bind_result(struct evtchn_file *f, evtchn_port_t port,
			       const struct evtchn_status *want)
{
	int rc = evtchn_bind_port(f, port, want);

	return rc ? rc : port;
}

long evtchn_ioctl_bind_virq(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_bind_virq *arg = karg;
	struct evtchn_status want = { .status = EVTCHNSTAT_virq };
	struct evtchn_bind_virq op;
	int rc;

	/* upstream's order: a restricted file learns nothing else */
	if (evtchn_restricted(f))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_VIRQ, DOMID_INVALID);
	if (!arg)
		return -EFAULT;

	op.virq = arg->virq;
	op.vcpu = xen_vcpu_nr(0);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (rc)
		return rc;
	want.vcpu = op.vcpu;
	want.u.virq = op.virq;
	return evtchn_bind_result(f, op.port, &want);
}

long evtchn_ioctl_bind_interdomain(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_bind_interdomain *arg = karg;
	struct evtchn_status want = { .status = EVTCHNSTAT_interdomain };
	struct evtchn_bind_interdomain op;
	int rc;

	if (!arg)
		return -EFAULT;
	if (evtchn_restricted(f) && !evtchn_restrict_allows(f, arg->remote_domain))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_INTERDOMAIN, arg->remote_domain);

	op.remote_dom = arg->remote_domain;
	op.remote_port = arg->remote_port;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
	if (rc)
		return rc;
	want.u.interdomain.dom = op.remote_dom;
	want.u.interdomain.port = op.remote_port;
	return evtchn_bind_result(f, op.local_port, &want);
}

long evtchn_ioctl_bind_unbound(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_bind_unbound_port *arg = karg;
	struct evtchn_status want = { .status = EVTCHNSTAT_unbound };
	struct evtchn_alloc_unbound op;
	int rc;

	/* Only a stubdomain's file offers ports, to its two domains. */
	if (evtchn_restricted(f) &&
	    (!f->toolstack_too || !arg || !evtchn_restrict_allows(f, arg->remote_domain)))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
					    f->toolstack_too && arg ? arg->remote_domain :
					    DOMID_INVALID);
	if (!arg)
		return -EFAULT;

	op.dom = DOMID_SELF;
	op.remote_dom = arg->remote_domain;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (rc)
		return rc;
	want.u.unbound.dom = op.remote_dom;
	return evtchn_bind_result(f, op.port, &want);
}

long evtchn_ioctl_bind_static(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_bind *arg = karg;

	if (!EVTCHN_HAVE_STATIC)
		return -EOPNOTSUPP;
	/*
	 * Beyond upstream: a restricted file binds only what Xen opens for it.
	 * The check below is not atomic with the event core's own binding (a
	 * kernel backend or another file may be half-way through binding the
	 * same port), and two binds of one port tear down each other's irq.
	 */
	if (evtchn_restricted(f))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_STATIC, DOMID_INVALID);
	if (!arg)
		return -EFAULT;
	if (arg->port >= xen_evtchn_nr_channels())
		return -EINVAL;
	if (xa_load(&f->ports, arg->port))
		return -EISCONN;
	/* Never share a handler with a kernel driver or another file. */
	if (irq_from_evtchn(arg->port) != -1U)
		return -EBUSY;
	/*
	 * Only a port Xen has open: binding a free number would claim it in
	 * the kernel for whoever Xen gives it to next.
	 */
	if (!evtchn_port_open(arg->port))
		return -EINVAL;
	return evtchn_bind_port(f, arg->port, NULL);
}

long evtchn_ioctl_unbind(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_unbind *arg = karg;
	struct evtchn_port *p;

	if (!arg)
		return -EFAULT;
	if (arg->port >= xen_evtchn_nr_channels())
		return -EINVAL;
	p = xa_load(&f->ports, arg->port);
	if (!p)
		return -ENOTCONN;
	evtchn_unbind_port(f, p);
	return 0;
}

long evtchn_ioctl_notify(struct evtchn_file *f, const void *karg)
{
	const struct ioctl_evtchn_notify *arg = karg;

	if (!arg)
		return -EFAULT;
	if (!xa_load(&f->ports, arg->port))
		return -ENOTCONN;
	notify_remote_via_evtchn(arg->port);
	return 0;
}
