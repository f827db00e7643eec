/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen-dmop evtchn: state shared by the parts of the driver.
 *
 * Lock order: evtchn_file.bind_lock, then evtchn_file.read_lock, then
 * evtchn_file.ring_lock (taken with interrupts off: the event handler takes it).
 */
#ifndef XEN_DMOP_EVTCHN_PRIV_H
#define XEN_DMOP_EVTCHN_PRIV_H

#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/irqreturn.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include <xen/interface/event_channel.h>
#include <xen/interface/xen.h>

/* 6.1's event core closes every port on unbind and has no static ports. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define EVTCHN_HAVE_STATIC 1
#else
#define EVTCHN_HAVE_STATIC 0
#endif

/* Not a valid restriction target: IOCTL_EVTCHN_RESTRICT_DOMID refuses it. */
#define EVTCHN_UNRESTRICTED DOMID_INVALID

/*
 * The toolstack's domain (libxl's LIBXL_TOOLSTACK_DOMID), which a
 * stubdomain's files may bind with besides their guest: the toolstack
 * talks QMP to the device model over a vchan.
 */
#define EVTCHN_TOOLSTACK_DOMID 0

/* Ports the first ring holds; it doubles whenever more are bound. */
#define EVTCHN_RING_FIRST_SIZE 64

/**
 * struct evtchn_file - one open /dev/xen/evtchn.
 * @bind_lock: serialises ioctls and unmasking; protects @ports and @nr_ports.
 *             Never held across an access to user memory.
 * @ports: bound ports, indexed by port number, of struct evtchn_port.
 * @nr_ports: how many are bound.
 * @restrict_domid: the domain binds are limited to, or EVTCHN_UNRESTRICTED.
 * @toolstack_too: a stubdomain's file (evtchn_restrict_open()): binds with
 *	EVTCHN_TOOLSTACK_DOMID are allowed too, unbound ports included.
 * @target_pending: opened in a domU before xenstore answered: restricted to
 *	nothing until the first ioctl learns the answer.
 * @nr_denied: binds the restriction refused.
 *
 * @nr_ports, @restrict_domid, @toolstack_too and @nr_denied change under
 * bind_lock and are read without it by fdinfo (WRITE_ONCE/READ_ONCE).
 * @read_lock: held by readers, and by whatever moves ring entries (growth,
 *             unbind, reset), so that a reader's window stays put.
 * @ring_lock: protects @ring, @cons, @prod, @overflow and each port's
 *             @queued and @enabled against the event handler.
 * @ring: port numbers that fired and were not read yet; each bound port is
 *        in it at most once, and it has a slot for every bound port.
 * @ring_size: slots in @ring, a power of two (0 before the first bind).
 * @cons: free-running read index.
 * @prod: free-running write index.
 * @overflow: set only if the no-overflow invariant ever broke.
 * @wait: readers and pollers sleep here.
 * @fasync: SIGIO subscribers.
 * @name: interrupt name, "evtchn:<comm of the opener>".
 */
struct evtchn_file {
	struct mutex bind_lock;		/* ioctls, unmask: @ports, @nr_ports */
	struct xarray ports;
	unsigned int nr_ports;
	domid_t restrict_domid;
	bool toolstack_too;
	bool target_pending;
	unsigned long nr_denied;

	struct mutex read_lock;		/* readers, and whoever moves slots */
	spinlock_t ring_lock;		/* ring indices and port flags */
	evtchn_port_t *ring;
	unsigned int ring_size;
	unsigned int cons;
	unsigned int prod;
	bool overflow;

	wait_queue_head_t wait;
	struct fasync_struct *fasync;
	char *name;
};

/**
 * struct evtchn_port - one port bound on an evtchn_file.
 * @file: the owner.
 * @port: the local port number.
 * @irq: the Linux interrupt it is bound to.
 * @is_static: bound with IOCTL_EVTCHN_BIND_STATIC: stays open on unbind.
 * @enabled: unmasked: the next firing runs the handler (under ring_lock).
 * @queued: in the ring, not read yet (under ring_lock).
 */
struct evtchn_port {
	struct evtchn_file *file;
	evtchn_port_t port;
	int irq;
	bool is_static;
	bool enabled;
	bool queued;
};

/**
 * struct evtchn_live - objects of the whole module alive right now, for
 * leak checks (debugfs xen_evtchn/live).
 * @files: open /dev/xen/evtchn files.
 * @ports: ports bound on them.
 */
struct evtchn_live {
	atomic_long_t files;
	atomic_long_t ports;
};

extern struct evtchn_live evtchn_live;

/* evtchn-ring.c */
int evtchn_ring_reserve(struct evtchn_file *f, unsigned int nr_ports);
void evtchn_ring_forget(struct evtchn_file *f, struct evtchn_port *p);
void evtchn_ring_reset(struct evtchn_file *f);
irqreturn_t evtchn_interrupt(int irq, void *data);
ssize_t evtchn_read(struct file *file, char __user *buf, size_t count, loff_t *ppos);
ssize_t evtchn_write(struct file *file, const char __user *buf, size_t count,
		     loff_t *ppos);
__poll_t evtchn_poll(struct file *file, poll_table *wait);
int evtchn_fasync(int fd, struct file *file, int on);

/* evtchn-bind.c */
long evtchn_ioctl_bind_virq(struct evtchn_file *f, const void *karg);
long evtchn_ioctl_bind_interdomain(struct evtchn_file *f, const void *karg);
long evtchn_ioctl_bind_unbound(struct evtchn_file *f, const void *karg);
long evtchn_ioctl_bind_static(struct evtchn_file *f, const void *karg);
long evtchn_ioctl_unbind(struct evtchn_file *f, const void *karg);
long evtchn_ioctl_notify(struct evtchn_file *f, const void *karg);
void evtchn_unbind_all(struct evtchn_file *f);

/* evtchn-restrict.c */
long evtchn_ioctl_restrict(struct evtchn_file *f, const void *karg);
bool evtchn_restricted(const struct evtchn_file *f);
bool evtchn_restrict_allows(const struct evtchn_file *f, unsigned int domid);
long evtchn_restrict_deny(struct evtchn_file *f, unsigned int cmd, unsigned int target);
void evtchn_restrict_open(struct evtchn_file *f);
int evtchn_restrict_resolve(struct evtchn_file *f);
void evtchn_restrict_init(void);
void evtchn_restrict_exit(void);
#ifdef XEN_DMOP_FAULT_INJECT
void evtchn_restrict_test_pending(void);
void evtchn_restrict_test_answer(domid_t domid);
#endif

#endif /* XEN_DMOP_EVTCHN_PRIV_H */
