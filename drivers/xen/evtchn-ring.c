// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop evtchn: the per-file ring of fired ports, and read(), write(),
 * poll() and fasync on it.
 *
 * A port goes into the ring when it fires and is not already there, and
 * leaves it when read (or on unbind and reset). So each bound port occupies
 * at most one slot, and a ring with a slot per bound port can never
 * overflow: no event is ever dropped.
 */

#define pr_fmt(fmt) "xen-dmop evtchn: " fmt

#include <linux/interrupt.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <xen/events.h>

#include "xdm-fault-inject.h"
#include "evtchn-priv.h"
#include "xdm-evtchn-eoi.h"

#define PORT_BYTES sizeof(evtchn_port_t)

static evtchn_port_t *ring_slot(struct evtchn_file *f, unsigned int idx)
{
	return &f->ring[idx & (f->ring_size - 1)];
}

/*
 * Make room for @nr_ports ports before the last of them is bound. Called
 * with bind_lock held; entries keep their order, so no report is lost or
 * reordered.
 */
int evtchn_ring_reserve(struct evtchn_file *f, unsigned int nr_ports)
{
	unsigned int size = f->ring_size ? f->ring_size : EVTCHN_RING_FIRST_SIZE;
	evtchn_port_t *ring, *old;
	unsigned int i, n;

	if (nr_ports <= f->ring_size)
		return 0;
	while (size < nr_ports) {
		if (size > UINT_MAX / 2)
			return -ENOMEM;
		size *= 2;
	}
	ring = XDM_FAULT_ALLOC(kvmalloc_array(size, sizeof(*ring), GFP_KERNEL_ACCOUNT));
	if (!ring)
		return -ENOMEM;

	/* A reader may hold it across a fault on its buffer: a bind can give up. */
	if (mutex_lock_killable(&f->read_lock)) {
		kvfree(ring);
		return -EINTR;
	}
	spin_lock_irq(&f->ring_lock);
	n = f->prod - f->cons;
	for (i = 0; i < n; i++)
		ring[i] = *ring_slot(f, f->cons + i);
	old = f->ring;
	f->ring = ring;
	WRITE_ONCE(f->ring_size, size);
	WRITE_ONCE(f->cons, 0);
	WRITE_ONCE(f->prod, n);
	spin_unlock_irq(&f->ring_lock);
	mutex_unlock(&f->read_lock);

	kvfree(old);
	return 0;
}

/*
 * Drop the unread report of @p, whose handler is already gone: the port
 * number may be handed out again by Xen, and a stale slot must neither
 * report it nor take a slot the new owner needs.
 */
void evtchn_ring_forget(struct evtchn_file *f, struct evtchn_port *p)
{
	unsigned int i, kept;

	mutex_lock(&f->read_lock);
	spin_lock_irq(&f->ring_lock);
	if (p->queued) {
		kept = f->cons;
		for (i = f->cons; i != f->prod; i++) {
			if (*ring_slot(f, i) != p->port)
				*ring_slot(f, kept++) = *ring_slot(f, i);
		}
		WRITE_ONCE(f->prod, kept);
		p->queued = false;
	}
	spin_unlock_irq(&f->ring_lock);
	mutex_unlock(&f->read_lock);
}

/* IOCTL_EVTCHN_RESET; the ports stay masked until written back, as upstream. */
void evtchn_ring_reset(struct evtchn_file *f)
{
	struct evtchn_port *p;
	unsigned int i;

	mutex_lock(&f->read_lock);
	spin_lock_irq(&f->ring_lock);
	for (i = f->cons; i != f->prod; i++) {
		p = xa_load(&f->ports, *ring_slot(f, i));
		if (p)
			p->queued = false;
	}
	WRITE_ONCE(f->cons, 0);
	WRITE_ONCE(f->prod, 0);
	WRITE_ONCE(f->overflow, false);
	spin_unlock_irq(&f->ring_lock);
	mutex_unlock(&f->read_lock);
}

/*
 * xen-privcmd's ioeventfd shares the irq of ports it takes a reference on and
 * unmasks a port (late EOI) as soon as it has answered the guest's notify
 * write, so that the next one is not held up until user space writes the
 * port back. This handler tolerates being called again meanwhile.
 */
const bool xen_dmop_evtchn_early_eoi = true;
EXPORT_SYMBOL_GPL(xen_dmop_evtchn_early_eoi);

/* The port stays masked (late EOI) until user space writes it back. */
irqreturn_t evtchn_interrupt(int irq, void *data)
{
	struct evtchn_port *p = data;
	struct evtchn_file *f = p->file;
	bool wake = false;

	spin_lock(&f->ring_lock);
	p->enabled = false;
	if (!p->queued) {
		if (f->prod - f->cons < f->ring_size) {
			wake = f->prod == f->cons;
			*ring_slot(f, f->prod) = p->port;
			WRITE_ONCE(f->prod, f->prod + 1);
			p->queued = true;
		} else {
			/* Cannot happen: the ring has a slot per bound port. */
			pr_err_ratelimited("%s: ring full, port %u lost\n", f->name, p->port);
			WRITE_ONCE(f->overflow, true);
			wake = true;
		}
	}
	spin_unlock(&f->ring_lock);

	if (wake) {
		wake_up_interruptible(&f->wait);
		kill_fasync(&f->fasync, SIGIO, POLL_IN);
	}
	return IRQ_HANDLED;
}

static bool ring_ready(struct evtchn_file *f)
{
	return READ_ONCE(f->cons) != READ_ONCE(f->prod) || READ_ONCE(f->overflow);
}

ssize_t evtchn_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct evtchn_file *f = file->private_data;
	unsigned int c, p, n, first, i, mask;
	struct evtchn_port *ep;
	bool overflow;
	ssize_t rc;

	count &= ~(PORT_BYTES - 1);
	if (!count)
		return 0;
	count = min_t(size_t, count, PAGE_SIZE);

	for (;;) {
		if (mutex_lock_interruptible(&f->read_lock))
			return -ERESTARTSYS;
		spin_lock_irq(&f->ring_lock);
		c = f->cons;
		p = f->prod;
		overflow = f->overflow;
		spin_unlock_irq(&f->ring_lock);
		if (overflow) {
			rc = -EFBIG;
			goto unlock;
		}
		if (c != p)
			break;
		mutex_unlock(&f->read_lock);

		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(f->wait, ring_ready(f));
		if (rc)
			return rc;
	}

	/*
	 * Slots c..p-1 stay put while read_lock is held: the handler only
	 * writes past p, everything that moves slots takes read_lock.
	 */
	n = min_t(unsigned int, p - c, count / PORT_BYTES);
	mask = f->ring_size - 1;
	first = min(n, f->ring_size - (c & mask));
	if (copy_to_user(buf, &f->ring[c & mask], first * PORT_BYTES) ||
	    copy_to_user(buf + first * PORT_BYTES, f->ring, (n - first) * PORT_BYTES)) {
		rc = -EFAULT;	/* nothing consumed: the reports stay */
		goto unlock;
	}

	spin_lock_irq(&f->ring_lock);
	for (i = 0; i < n; i++) {
		ep = xa_load(&f->ports, *ring_slot(f, c + i));
		if (ep)
			ep->queued = false;
	}
	WRITE_ONCE(f->cons, c + n);
	spin_unlock_irq(&f->ring_lock);
	rc = n * PORT_BYTES;
unlock:
	mutex_unlock(&f->read_lock);
	return rc;
}

/* Unmask: each written port that fired may fire again. */
ssize_t evtchn_write(struct file *file, const char __user *buf, size_t count,
		     loff_t *ppos)
{
	struct evtchn_file *f = file->private_data;
	struct evtchn_port *p;
	evtchn_port_t *ports;
	unsigned int i;
	bool eoi;

	count &= ~(PORT_BYTES - 1);
	if (!count)
		return 0;
	count = min_t(size_t, count, PAGE_SIZE);

	ports = XDM_FAULT_ALLOC_ERR(memdup_user(buf, count));
	if (IS_ERR(ports))
		return PTR_ERR(ports);

	mutex_lock(&f->bind_lock);
	for (i = 0; i < count / PORT_BYTES; i++) {
		p = xa_load(&f->ports, ports[i]);
		if (!p)
			continue;	/* not ours: ignored, as upstream */
		spin_lock_irq(&f->ring_lock);
		eoi = !p->enabled;
		p->enabled = true;
		spin_unlock_irq(&f->ring_lock);
		if (eoi)
			xen_irq_lateeoi(p->irq, 0);
	}
	mutex_unlock(&f->bind_lock);

	kfree(ports);
	return count;
}

__poll_t evtchn_poll(struct file *file, poll_table *wait)
{
	struct evtchn_file *f = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &f->wait, wait);
	if (READ_ONCE(f->cons) != READ_ONCE(f->prod))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(f->overflow))
		mask = EPOLLERR;
	return mask;
}

int evtchn_fasync(int fd, struct file *file, int on)
{
	struct evtchn_file *f = file->private_data;

	return fasync_helper(fd, file, on, &f->fasync);
}
