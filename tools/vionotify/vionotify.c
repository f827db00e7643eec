// SPDX-License-Identifier: GPL-2.0
/*
 * vionotify - a small virtio-mmio-style device model for one HVM guest, on
 * libdmop, to show the kernel's IOEVENTFD/IRQFD fast path next to the
 * ordinary ioreq path.
 *
 * It creates an ioreq server that claims one page of MMIO at --base, maps
 * the server's synchronous ioreq page (dmop_map_ioreq_pages), binds every
 * vCPU's event channel (dmop_evtchn_bind_interdomain), and then, unless
 * --no-fastpath:
 *   - dmop_ioeventfd_assign: the kernel completes the guest's writes of
 *     queue 0 to QueueNotify (base + 0x50) itself and signals an eventfd;
 *   - dmop_irqfd_assign: a write to another eventfd makes the kernel
 *     issue XEN_DMOP_set_isa_irq_level (IRQ 5, level 1).
 * No raw ioctl: everything goes through libdmop.
 * Then it restricts its files to the guest, narrows them to the DMOP
 * sub-ops it still needs and becomes an unprivileged user in an empty
 * chroot (dmop_after_setup), prints "vionotify: ready ..." and serves:
 *
 *   read  base + 0x000  MagicValue 0x74726976 ("virt")
 *   read  base + 0x004  Version 2
 *   write base + 0x050  QueueNotify: counted (on this loop, notifies_loop)
 *   rw    base + 0x060  InterruptStatus (reads 1 while the line is up)
 *   write base + 0x064  InterruptACK: IRQ 5 down (a DMOP in both modes)
 *   rw    base + 0x070  Status
 *   write base + 0x080  not virtio: raise IRQ 5 (irqfd, or a DMOP)
 *   others: read 0, writes ignored
 *
 * On SIGTERM/SIGINT, or when the guest is gone, it tears down and prints
 *   vionotify: notifies_eventfd=N notifies_loop=M other_accesses=K irqs=I
 *              left_to_kernel=L kernel_late=J mode=fastpath|loop
 * (L: READY notify writes this loop saw and left to the kernel; J: those of
 * them the kernel had not taken after 2 s, served here and counted in M).
 * Exit status: 0, 1 on any error, 3 when the fast path was asked for and the
 * kernel has none (IOCTL_PRIVCMD_IOEVENTFD or IRQFD not supported).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/ioreq.h>

#include "libdmop.h"

#define PAGE_SIZE	4096UL
_Static_assert(PAGE_SIZE == DMOP_XEN_PAGE_SIZE, "the ioreq page is one Xen frame");

/* Registers of the virtio-mmio layout (virtio 1.x, 4.2.2) we answer. */
#define REG_MAGIC	0x000
#define REG_VERSION	0x004
#define REG_DEVICE_ID	0x008
#define REG_QUEUE_NOTIFY 0x050
#define REG_INT_STATUS	0x060
#define REG_INT_ACK	0x064
#define REG_STATUS	0x070
#define REG_RAISE	0x080	/* ours: the guest asks for an interrupt */

#define VIRTIO_MAGIC	0x74726976	/* "virt" */
#define NOTIFY_SIZE	4
#define NOTIFY_VQ	0
#define ISA_IRQ		5

/* A notify left for the kernel that is still READY after this: serve it. */
#define KERNEL_GRACE_MS	2000
/* How often to ask Xen whether the guest still exists. */
#define ALIVE_POLL_MS	1000

#define EXIT_NO_FASTPATH 3

/* The state is the low 4 bits of the byte after _pad0 (Xen's ioreq.h). */
#define IOREQ_STATE_BYTE 30
#define IOREQ_STATE_MASK 0x0f

_Static_assert(sizeof(struct ioreq) == 32, "struct ioreq is 32 bytes");
_Static_assert(offsetof(struct ioreq, type) == IOREQ_STATE_BYTE + 1,
	       "the state byte precedes type");

struct vcpu_chan {
	uint32_t remote;	/* vp_eport: the guest side's port */
	uint32_t local;		/* ours, bound through /dev/xen/evtchn */
	struct timespec deferred; /* when a notify was left to the kernel */
	bool deferring;
};

struct backend {
	struct dmop_handle *h;
	uint16_t domid;
	dmop_ioservid_t id;
	bool server;
	bool fastpath;
	uint64_t base;
	unsigned int vcpus;
	struct vcpu_chan *chan;
	uint32_t *ports;	/* local ports in vCPU order, for IOEVENTFD */
	void *page;		/* the synchronous ioreq page */
	int notify_efd;		/* IOEVENTFD's eventfd */
	int irq_efd;		/* IRQFD's eventfd */
	bool ioeventfd_on, irqfd_on;
	struct xen_dm_op raise_op; /* the irqfd's DMOP */
	uint32_t status;
	bool line_up;
	bool gone;
	uint64_t notifies_eventfd, notifies_loop, other, irqs;
	uint64_t kernel_late;	/* notifies the kernel left: served here */
	uint64_t left;		/* READY notifies seen and left to the kernel */
};

static volatile sig_atomic_t stop;
static const char *prog = "vionotify";

static void __attribute__((format(printf, 1, 2))) err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--no-fastpath] [--base ADDR] [--uid UID] [--gid GID]\n"
		"          [--chroot DIR] DOMID\n"
		"Serve a virtio-mmio-style page at ADDR (default 0xfe000000) of HVM guest\n"
		"DOMID; QueueNotify writes complete in the kernel (IOEVENTFD) and IRQ 5\n"
		"is raised through an irqfd, unless --no-fastpath. Runs as UID:GID\n"
		"(default 65534:65534) in the empty DIR (default: a new /run/vionotify.*)\n"
		"once set up. SIGTERM ends it with a summary line.\n", prog);
}

static volatile uint8_t *state_byte(struct backend *b, unsigned int vcpu)
{
	return (volatile uint8_t *)b->page + vcpu * sizeof(struct ioreq) +
	       IOREQ_STATE_BYTE;
}

static unsigned int ioreq_state(struct backend *b, unsigned int vcpu)
{
	return __atomic_load_n(state_byte(b, vcpu), __ATOMIC_ACQUIRE) &
	       IOREQ_STATE_MASK;
}

/*
 * READY -> INPROCESS, keeping the other bits of the byte. The kernel's
 * ioeventfd handler shares the port and claims the same way, so exactly
 * one of us serves each request.
 */
static bool claim(struct backend *b, unsigned int vcpu)
{
	volatile uint8_t *p = state_byte(b, vcpu);
	uint8_t old = __atomic_load_n(p, __ATOMIC_ACQUIRE);

	if ((old & IOREQ_STATE_MASK) != STATE_IOREQ_READY)
		return false;
	return __atomic_compare_exchange_n(p, &old,
					   (old & ~IOREQ_STATE_MASK) | STATE_IOREQ_INPROCESS,
					   false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

static int notify_port(struct backend *b, uint32_t port)
{
	int err = dmop_evtchn_notify(b->h, port);

	if (err) {
		err_msg("IOCTL_EVTCHN_NOTIFY port %u: %s", port, strerror(-err));
		return -1;
	}
	return 0;
}

/* The data written, then the state, then the event: Xen reads in that order. */
static int respond(struct backend *b, unsigned int vcpu)
{
	volatile uint8_t *p = state_byte(b, vcpu);
	uint8_t v = __atomic_load_n(p, __ATOMIC_RELAXED);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(p, (v & ~IOREQ_STATE_MASK) | STATE_IORESP_READY,
			 __ATOMIC_RELEASE);
	return notify_port(b, b->chan[vcpu].local);
}

static int set_line(struct backend *b, int level)
{
	int err = dmop_set_isa_irq_level(b->h, b->domid, ISA_IRQ, level);

	if (err) {
		err_msg("set_isa_irq_level(%d, %d): %s", ISA_IRQ, level, strerror(-err));
		return -1;
	}
	b->line_up = level;
	return 0;
}

static int raise_irq(struct backend *b)
{
	uint64_t one = 1;

	b->irqs++;
	if (!b->fastpath)
		return set_line(b, 1);
	/* the kernel issues the irqfd's DMOP from its worker */
	if (write(b->irq_efd, &one, sizeof(one)) != sizeof(one)) {
		err_msg("write to the irqfd's eventfd: %s", strerror(errno));
		return -1;
	}
	b->line_up = true;
	return 0;
}

static bool is_notify(const struct ioreq *r, uint64_t base)
{
	return r->type == IOREQ_TYPE_COPY && r->dir == IOREQ_WRITE &&
	       !r->data_is_ptr && r->addr == base + REG_QUEUE_NOTIFY &&
	       r->size == NOTIFY_SIZE && r->data == NOTIFY_VQ;
}

static uint64_t read_reg(struct backend *b, uint64_t off)
{
	switch (off) {
	case REG_MAGIC:
		return VIRTIO_MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return 0;	/* virtio's "no device": nothing to drive */
	case REG_INT_STATUS:
		return b->line_up;
	case REG_STATUS:
		return b->status;
	default:
		return 0;
	}
}

/* Serve the claimed ioreq of @vcpu; a "raise" write raises the IRQ after the answer. */
static int serve(struct backend *b, unsigned int vcpu)
{
	struct ioreq *r = (struct ioreq *)b->page + vcpu;
	bool raise = false;
	uint64_t off;

	if (r->type == IOREQ_TYPE_INVALIDATE)	/* no map cache to drop */
		return respond(b, vcpu);
	if (r->type != IOREQ_TYPE_COPY || r->data_is_ptr || r->count != 1 ||
	    r->addr < b->base || r->addr - b->base >= PAGE_SIZE) {
		/* rep string I/O into guest memory: not a register access */
		err_msg("unexpected ioreq type %u addr %#" PRIx64 " size %u count %u ptr %u: answered with nothing",
			r->type, (uint64_t)r->addr, r->size, r->count, r->data_is_ptr);
		b->other++;
		return respond(b, vcpu);
	}
	off = r->addr - b->base;
	if (r->dir == IOREQ_READ) {
		uint64_t v = read_reg(b, off);

		if (r->size < 8)
			v &= (1ULL << (r->size * 8)) - 1;
		r->data = v;
		b->other++;
		return respond(b, vcpu);
	}
	switch (off) {
	case REG_QUEUE_NOTIFY:
		b->notifies_loop++;
		break;
	case REG_INT_ACK:
		b->other++;
		/* down before the guest goes on: its EOI must not see it up */
		if (b->line_up && set_line(b, 0))
			return -1;
		break;
	case REG_STATUS:
		b->other++;
		b->status = r->data;
		break;
	case REG_RAISE:
		b->other++;
		raise = true;
		break;
	default:
		b->other++;
		break;
	}
	if (respond(b, vcpu))
		return -1;
	return raise ? raise_irq(b) : 0;
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/*
 * A READY request on @vcpu. With the fast path, a notify write is the
 * kernel's: our port event may be for the previous request, which the
 * kernel already answered, and the port stays masked until we unmask it;
 * the kernel takes the new one when it is delivered. Only one that stays
 * READY past the grace period is served here (and counted on the loop).
 */
static int handle(struct backend *b, unsigned int vcpu)
{
	struct vcpu_chan *c = &b->chan[vcpu];
	struct ioreq *r = (struct ioreq *)b->page + vcpu;

	if (ioreq_state(b, vcpu) != STATE_IOREQ_READY) {
		c->deferring = false;
		return 0;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (b->ioeventfd_on && is_notify(r, b->base)) {
		if (!c->deferring) {
			c->deferring = true;
			b->left++;
			clock_gettime(CLOCK_MONOTONIC, &c->deferred);
			return 0;
		}
		if (ms_since(&c->deferred) < KERNEL_GRACE_MS)
			return 0;
		if (!claim(b, vcpu))
			return 0;
		c->deferring = false;
		b->kernel_late++;
		err_msg("vCPU %u: a QueueNotify write stayed READY for %d ms: served here",
			vcpu, KERNEL_GRACE_MS);
		return serve(b, vcpu);
	}
	c->deferring = false;
	if (!claim(b, vcpu))
		return 0;	/* the kernel took it */
	return serve(b, vcpu);
}

static int drain_events(struct backend *b)
{
	int fd = dmop_evtchn_fd(b->h);
	uint32_t ports[64];
	ssize_t n;

	for (;;) {
		n = read(fd, ports, sizeof(ports));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			err_msg("read of /dev/xen/evtchn: %s", n ? strerror(errno) : "end of file");
			return -1;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(ports[0]); i++) {
			unsigned int v;

			for (v = 0; v < b->vcpus; v++)
				if (b->chan[v].local == ports[i])
					break;
			if (v < b->vcpus && handle(b, v))
				return -1;
			/* unmask: a pending event is delivered again */
			if (write(fd, &ports[i], sizeof(ports[i])) != sizeof(ports[i])) {
				err_msg("unmask port %u: %s", ports[i], strerror(errno));
				return -1;
			}
		}
	}
}

static int drain_notifies(struct backend *b)
{
	uint64_t v;

	if (read(b->notify_efd, &v, sizeof(v)) == sizeof(v))
		b->notifies_eventfd += v;
	else if (errno != EAGAIN && errno != EINTR) {
		err_msg("read of the ioeventfd's eventfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static bool any_deferring(struct backend *b)
{
	for (unsigned int v = 0; v < b->vcpus; v++)
		if (b->chan[v].deferring)
			return true;
	return false;
}

static int serve_loop(struct backend *b)
{
	struct pollfd pfd[2] = {
		{ .fd = dmop_evtchn_fd(b->h), .events = POLLIN },
		{ .fd = b->notify_efd, .events = POLLIN },
	};
	struct timespec alive;
	unsigned int vcpus;
	int n, err;

	clock_gettime(CLOCK_MONOTONIC, &alive);
	while (!stop) {
		n = poll(pfd, b->ioeventfd_on ? 2 : 1,
			 any_deferring(b) ? 100 : ALIVE_POLL_MS);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_msg("poll: %s", strerror(errno));
			return -1;
		}
		if ((pfd[0].revents & POLLIN) && drain_events(b))
			return -1;
		if (b->ioeventfd_on && (pfd[1].revents & POLLIN) && drain_notifies(b))
			return -1;
		for (unsigned int v = 0; v < b->vcpus; v++)
			if (b->chan[v].deferring && handle(b, v))
				return -1;
		if (ms_since(&alive) >= ALIVE_POLL_MS) {
			clock_gettime(CLOCK_MONOTONIC, &alive);
			err = dmop_nr_vcpus(b->h, b->domid, &vcpus);
			if (err == -ESRCH) {
				b->gone = true;
				fprintf(stderr, "%s: domain %u is gone\n", prog, b->domid);
				return 0;
			}
			if (err) {
				err_msg("nr_vcpus of domain %u: %s", b->domid, strerror(-err));
				return -1;
			}
		}
	}
	/* what the kernel counted after the last poll */
	return b->ioeventfd_on ? drain_notifies(b) : 0;
}

static int map_ioreq_page(struct backend *b)
{
	/* frame 0 is the buffered page, which this server has not */
	int err = dmop_map_ioreq_pages(b->h, b->domid, b->id, DMOP_IOREQ_FRAME_IOREQ(0), 1,
				       &b->page);

	if (err) {
		err_msg("IOCTL_PRIVCMD_MMAP_RESOURCE of ioreq server %u's page: %s",
			b->id, strerror(-err));
		return -1;
	}
	return 0;
}

static int bind_ports(struct backend *b)
{
	int fd = dmop_evtchn_fd(b->h);

	for (unsigned int v = 0; v < b->vcpus; v++) {
		uint32_t remote = ((struct ioreq *)b->page)[v].vp_eport, port;
		int err = dmop_evtchn_bind_interdomain(b->h, b->domid, remote, &port);

		if (err) {
			err_msg("binding vCPU %u's port %u of domain %u: %s", v,
				remote, b->domid, strerror(-err));
			return -1;
		}
		b->chan[v].remote = remote;
		b->chan[v].local = port;
		b->ports[v] = port;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err_msg("O_NONBLOCK on /dev/xen/evtchn: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static struct dmop_ioeventfd ioeventfd_spec(struct backend *b)
{
	return (struct dmop_ioeventfd){
		.sz = sizeof(struct dmop_ioeventfd),
		.event_fd = b->notify_efd,
		.vcpus = b->vcpus,
		.addr_len = NOTIFY_SIZE,
		.vq = NOTIFY_VQ,
		.ioreq = b->page,
		.ports = b->ports,
		.addr = b->base,
	};
}

/* The driver has no irqfd or ioeventfd (-ENOTTY, or -EOPNOTSUPP: built without). */
static bool no_fastpath(int err)
{
	return err == -ENOTTY || err == -EOPNOTSUPP;
}

/* A refused assign: said with @hint when the driver has no fast path at all. */
static int fast_path_refused(const char *what, int err, const char *hint)
{
	err_msg("%s: %s%s", what, strerror(-err), no_fastpath(err) ? hint : "");
	return no_fastpath(err) ? -EXIT_NO_FASTPATH : -1;
}

static int fast_path_on(struct backend *b)
{
	struct dmop_ioeventfd io;
	int err;

	b->notify_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->irq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->notify_efd < 0 || b->irq_efd < 0) {
		err_msg("eventfd: %s", strerror(errno));
		return -1;
	}

	b->raise_op.op = XEN_DMOP_set_isa_irq_level;
	b->raise_op.u.set_isa_irq_level.isa_irq = ISA_IRQ;
	b->raise_op.u.set_isa_irq_level.level = 1;
	err = dmop_irqfd_assign(b->h, b->domid, b->irq_efd, &b->raise_op, sizeof(b->raise_op));
	if (err)
		return fast_path_refused("IOCTL_PRIVCMD_IRQFD", err,
					 " (this xen-privcmd has no irqfd: run with --no-fastpath)");
	b->irqfd_on = true;

	io = ioeventfd_spec(b);
	err = dmop_ioeventfd_assign(b->h, b->domid, &io);
	if (err)
		return fast_path_refused("IOCTL_PRIVCMD_IOEVENTFD", err,
					 " (this xen-privcmd cannot complete notify writes in the kernel: run with --no-fastpath)");
	b->ioeventfd_on = true;
	return 0;
}

/* The sub-ops left after setup: the IRQ line (also the irqfd's), teardown, liveness. */
static const uint32_t allowlist[] = {
	XEN_DMOP_set_isa_irq_level,
	XEN_DMOP_set_ioreq_server_state,
	XEN_DMOP_destroy_ioreq_server,
	XEN_DMOP_nr_vcpus,
};

/* @mkroot: @root is a mkdtemp() template to make the chroot from */
static int setup(struct backend *b, uid_t uid, gid_t gid, char *root, bool mkroot)
{
	struct dmop_setup_report rep = { .sz = sizeof(rep) };
	struct dmop_setup_opts o = { .sz = sizeof(o) };
	int err;

	err = dmop_open(&b->h, DMOP_OPEN_EVTCHN);
	if (err) {
		err_msg("opening /dev/xen/privcmd and /dev/xen/evtchn: %s", strerror(-err));
		return -1;
	}
	err = dmop_nr_vcpus(b->h, b->domid, &b->vcpus);
	if (err) {
		err_msg("nr_vcpus of domain %u: %s", b->domid, strerror(-err));
		return -1;
	}
	if (!b->vcpus || b->vcpus > PAGE_SIZE / sizeof(struct ioreq)) {
		err_msg("domain %u has %u vCPUs", b->domid, b->vcpus);
		return -1;
	}
	b->chan = calloc(b->vcpus, sizeof(*b->chan));
	b->ports = calloc(b->vcpus, sizeof(*b->ports));
	if (!b->chan || !b->ports) {
		err_msg("out of memory");
		return -1;
	}
	err = dmop_create_ioreq_server(b->h, b->domid, DMOP_BUFIOREQ_OFF, &b->id);
	if (err) {
		err_msg("create_ioreq_server for domain %u: %s", b->domid, strerror(-err));
		return -1;
	}
	b->server = true;
	err = dmop_map_io_range_to_ioreq_server(b->h, b->domid, b->id, DMOP_IO_RANGE_MEMORY,
						b->base, b->base + PAGE_SIZE - 1);
	if (err) {
		err_msg("map_io_range_to_ioreq_server [%#" PRIx64 ", +4 KiB): %s", b->base,
			strerror(-err));
		return -1;
	}
	/* the page is allocated here; Xen fills in the ports when enabled */
	if (map_ioreq_page(b))
		return -1;
	err = dmop_set_ioreq_server_state(b->h, b->domid, b->id, 1);
	if (err) {
		err_msg("set_ioreq_server_state(enabled): %s", strerror(-err));
		return -1;
	}
	if (bind_ports(b))
		return -1;
	if (b->fastpath) {
		err = fast_path_on(b);
		if (err)
			return err;
	}

	/* the empty directory to chroot into: made last, only when needed */
	if (mkroot && !mkdtemp(root)) {
		err_msg("mkdtemp %s: %s", root, strerror(errno));
		return -1;
	}
	o.domid = b->domid;
	o.uid = uid;
	o.gid = gid;
	o.allowlist = allowlist;
	o.nr_allowlist = sizeof(allowlist) / sizeof(allowlist[0]);
	o.chroot_dir = root;
	err = dmop_after_setup(b->h, &o, &rep);
	if (err) {
		err_msg("%s", rep.message);
		return -1;
	}
	return 0;
}

static int teardown(struct backend *b)
{
	int rc = 0, err;

	if (b->ioeventfd_on) {
		struct dmop_ioeventfd io = ioeventfd_spec(b);

		err = dmop_ioeventfd_deassign(b->h, b->domid, &io);
		if (err) {
			err_msg("IOCTL_PRIVCMD_IOEVENTFD deassign: %s", strerror(-err));
			rc = -1;
		}
	}
	if (b->irqfd_on) {
		err = dmop_irqfd_deassign(b->h, b->domid, b->irq_efd);
		if (err) {
			err_msg("IOCTL_PRIVCMD_IRQFD deassign: %s", strerror(-err));
			rc = -1;
		}
	}
	if (b->server && !b->gone) {
		err = dmop_set_ioreq_server_state(b->h, b->domid, b->id, 0);
		if (!err)
			err = dmop_destroy_ioreq_server(b->h, b->domid, b->id);
		/* the guest may have gone since the last look */
		if (err && err != -ESRCH) {
			err_msg("disabling/destroying ioreq server %u: %s", b->id,
				strerror(-err));
			rc = -1;
		}
	}
	if (b->page)
		dmop_unmap_ioreq_pages(b->page, 1);
	if (b->notify_efd >= 0)
		close(b->notify_efd);
	if (b->irq_efd >= 0)
		close(b->irq_efd);
	dmop_close(b->h);
	free(b->chan);
	free(b->ports);
	return rc;
}

static int parse_num(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-fastpath", no_argument, NULL, 'n' },
		{ "base", required_argument, NULL, 'b' },
		{ "uid", required_argument, NULL, 'u' },
		{ "gid", required_argument, NULL, 'g' },
		{ "chroot", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct backend b = { .fastpath = true, .base = 0xfe000000, .notify_efd = -1,
			     .irq_efd = -1 };
	unsigned long long v, uid = 65534, gid = 65534;
	char rootbuf[] = "/run/vionotify.XXXXXX";
	char *root = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	bool ready = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			b.fastpath = false;
			break;
		case 'b':
			if (parse_num(optarg, UINT64_MAX - PAGE_SIZE, &v) || v % PAGE_SIZE) {
				err_msg("--base %s: not a page-aligned address", optarg);
				return 1;
			}
			b.base = v;
			break;
		case 'u':
		case 'g':
			if (parse_num(optarg, UINT32_MAX - 1, &v) || !v) {
				err_msg("--%s %s: not a non-root id", c == 'u' ? "uid" : "gid", optarg);
				return 1;
			}
			*(c == 'u' ? &uid : &gid) = v;
			break;
		case 'c':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1 || parse_num(argv[optind], DOMID_FIRST_RESERVED - 1, &v) || !v) {
		usage(stderr);
		return 1;
	}
	b.domid = v;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rc = setup(&b, uid, gid, root ? root : rootbuf, !root);
	if (!rc) {
		printf("%s: ready domid=%u ioservid=%u base=%#" PRIx64 " vcpus=%u port0=%u mode=%s uid=%llu\n",
		       prog, b.domid, b.id, b.base, b.vcpus, b.chan[0].local,
		       b.fastpath ? "fastpath" : "loop", uid);
		rc = serve_loop(&b);
		ready = true;
	}
	if (teardown(&b) && !rc)
		rc = -1;
	if (ready)
		printf("%s: notifies_eventfd=%" PRIu64 " notifies_loop=%" PRIu64
	       " other_accesses=%" PRIu64 " irqs=%" PRIu64 " left_to_kernel=%" PRIu64
	       " kernel_late=%" PRIu64 " mode=%s\n",
	       prog, b.notifies_eventfd, b.notifies_loop, b.other, b.irqs, b.left, b.kernel_late,
	       b.fastpath ? "fastpath" : "loop");
	if (rc == -EXIT_NO_FASTPATH)
		return EXIT_NO_FASTPATH;
	return rc ? 1 : 0;
}
