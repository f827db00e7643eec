// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: binding ports to an open file, unbinding them, and
 * notifying through them. Every function here runs with bind_lock held.
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/interrupt.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <xen/events.h>
#include <xen/xen-ops.h>
#include <asm/xen/hypercall.h>

#include "dmop-fault.h"
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

/*
 * Attach a port that Xen just gave us (or a static one) to @f. On failure a
 * non-static port is closed again, so nothing leaks in Xen.
 */
static int evtchn_bind_port(struct evtchn_file *f, evtchn_port_t port, bool is_static)
{
	struct evtchn_port *p;
	int irq, rc;

	p = DMOP_ALLOC(kzalloc(sizeof(*p), GFP_KERNEL));
	if (!p) {
		rc = -ENOMEM;
		goto err_close;
	}
	p->file = f;
	p->port = port;
	p->is_static = is_static;
	p->enabled = true;

	rc = DMOP_ALLOC_INT(xa_insert(&f->ports, port, p, GFP_KERNEL));
	if (rc) {
		rc = rc == -EBUSY ? -EISCONN : rc;
		goto err_free;
	}
	rc = evtchn_ring_reserve(f, f->nr_ports + 1);
	if (rc)
		goto err_erase;

	irq = bind_evtchn_to_irqhandler_lateeoi(port, evtchn_interrupt, 0, f->name, p);
	if (irq < 0) {
		rc = irq;
		goto err_erase;
	}
	p->irq = irq;

	/* Lets other kernel users (gntdev unmap notify) hold the port. */
	rc = evtchn_make_shared(port, is_static);
	if (rc)
		goto err_unbind;

	f->nr_ports++;
	atomic_long_inc(&evtchn_live.ports);
	return 0;

err_unbind:
	unbind_from_irqhandler(irq, p);	/* closes the port */
	evtchn_ring_forget(f, p);
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
	f->nr_ports--;
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
static long evtchn_bind_result(struct evtchn_file *f, evtchn_port_t port)
{
	int rc = evtchn_bind_port(f, port, false);

	return rc ? rc : port;
}

long evtchn_ioctl_bind_virq(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_bind_virq arg;
	struct evtchn_bind_virq op;
	int rc;

	/* upstream's order: a restricted file learns nothing else */
	if (evtchn_restricted(f))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_VIRQ, DOMID_INVALID);
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;

	op.virq = arg.virq;
	op.vcpu = xen_vcpu_nr(0);
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &op);
	if (rc)
		return rc;
	return evtchn_bind_result(f, op.port);
}

long evtchn_ioctl_bind_interdomain(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_bind_interdomain arg;
	struct evtchn_bind_interdomain op;
	int rc;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (evtchn_restricted(f) && arg.remote_domain != f->restrict_domid)
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_INTERDOMAIN, arg.remote_domain);

	op.remote_dom = arg.remote_domain;
	op.remote_port = arg.remote_port;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);
	if (rc)
		return rc;
	return evtchn_bind_result(f, op.local_port);
}

long evtchn_ioctl_bind_unbound(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_bind_unbound_port arg;
	struct evtchn_alloc_unbound op;
	int rc;

	if (evtchn_restricted(f))
		return evtchn_restrict_deny(f, IOCTL_EVTCHN_BIND_UNBOUND_PORT, DOMID_INVALID);
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;

	op.dom = DOMID_SELF;
	op.remote_dom = arg.remote_domain;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);
	if (rc)
		return rc;
	return evtchn_bind_result(f, op.port);
}

long evtchn_ioctl_bind_static(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_bind arg;
	int rc;

	if (!EVTCHN_HAVE_STATIC)
		return -EOPNOTSUPP;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (xa_load(&f->ports, arg.port))
		return -EISCONN;
	rc = evtchn_restrict_check_static(f, arg.port);
	if (rc)
		return rc;
	/* Never share a handler with a kernel driver or another file. */
	if (irq_from_evtchn(arg.port) != -1U)
		return -EBUSY;
	return evtchn_bind_port(f, arg.port, true);
}

long evtchn_ioctl_unbind(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_unbind arg;
	struct evtchn_port *p;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.port >= xen_evtchn_nr_channels())
		return -EINVAL;
	p = xa_load(&f->ports, arg.port);
	if (!p)
		return -ENOTCONN;
	evtchn_unbind_port(f, p);
	return 0;
}

long evtchn_ioctl_notify(struct evtchn_file *f, void __user *uarg)
{
	struct ioctl_evtchn_notify arg;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!xa_load(&f->ports, arg.port))
		return -ENOTCONN;
	notify_remote_via_evtchn(arg.port);
	return 0;
}
