// SPDX-License-Identifier: GPL-2.0
/* Helpers for the /dev/xen/privcmd selftests; see privcmd_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>

#include "evtchn_util.h"
#include "privcmd_util.h"

int privcmd_open(void)
{
	int fd = open(PRIVCMD_NODE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static long sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	long rc = ioctl(fd, cmd, arg);

	return rc < 0 ? -errno : rc;
}

long _test_cmd_privcmd_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
				 uint64_t a3, uint64_t a4)
{
	struct privcmd_hypercall call = { .op = op, .arg = { a0, a1, a2, a3, a4 } };

	test_cmd_note("IOCTL_PRIVCMD_HYPERCALL", "fd %ld, op %ld, %#lx, %#lx, %#lx, %#lx, %#lx",
		      fd, (long)op, (long)a0, (long)a1, (long)a2, (long)a3, (long)a4);
	return sys_ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call);
}

int _test_cmd_privcmd_restrict(int fd, unsigned int domid)
{
	uint16_t dom = domid;

	test_cmd_note("IOCTL_PRIVCMD_RESTRICT", "fd %ld, domid %ld", fd, dom);
	return sys_ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom);
}

int _test_cmd_privcmd_dm_op(int fd, unsigned int dom, unsigned int num,
			    const struct privcmd_dm_op_buf *bufs)
{
	struct privcmd_dm_op op = { .dom = dom, .num = num, .ubufs = bufs };

	test_cmd_note("IOCTL_PRIVCMD_DM_OP", "fd %ld, dom %ld, %ld buffers", fd, dom, num);
	return sys_ioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

/*
 * One buffer holding @op, noted as @fmt of fd, dom, @a, @b: the sub-op's
 * name and the arguments that matter.
 */
static int dmop1(int fd, unsigned int dom, struct xen_dm_op *op, const char *fmt, long a, long b)
{
	struct privcmd_dm_op_buf buf = { .uptr = op, .size = sizeof(*op) };
	struct privcmd_dm_op arg = { .dom = dom, .num = 1, .ubufs = &buf };

	test_cmd_note("IOCTL_PRIVCMD_DM_OP", fmt, fd, dom, a, b);
	return sys_ioctl(fd, IOCTL_PRIVCMD_DM_OP, &arg);
}

int _test_cmd_dmop_nr_vcpus(int fd, unsigned int dom, uint32_t *vcpus)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	int rc = dmop1(fd, dom, &op, "fd %ld, dom %ld, nr_vcpus", 0, 0);

	if (!rc)
		*vcpus = op.u.nr_vcpus.vcpus;
	return rc;
}

int _test_cmd_dmop_create_ioreq_server(int fd, unsigned int dom, uint16_t *id)
{
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	int rc;

	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_OFF;
	rc = dmop1(fd, dom, &op, "fd %ld, dom %ld, create_ioreq_server", 0, 0);
	if (!rc)
		*id = op.u.create_ioreq_server.id;
	return rc;
}

int _test_cmd_dmop_set_ioreq_server_state(int fd, unsigned int dom, uint16_t id, bool enabled)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };

	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = enabled;
	return dmop1(fd, dom, &op, "fd %ld, dom %ld, set_ioreq_server_state id %ld enabled %ld",
		     id, enabled);
}

int _test_cmd_dmop_destroy_ioreq_server(int fd, unsigned int dom, uint16_t id)
{
	struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };

	op.u.destroy_ioreq_server.id = id;
	return dmop1(fd, dom, &op, "fd %ld, dom %ld, destroy_ioreq_server id %ld", id, 0);
}

int _test_cmd_dmop_set_isa_irq_level(int fd, unsigned int dom, uint8_t irq, uint8_t level)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };

	op.u.set_isa_irq_level.isa_irq = irq;
	op.u.set_isa_irq_level.level = level;
	return dmop1(fd, dom, &op, "fd %ld, dom %ld, set_isa_irq_level irq %ld level %ld",
		     irq, level);
}

int _test_cmd_dmop_raw(int fd, unsigned int dom, uint32_t opnr, size_t size)
{
	struct xen_dm_op op = { .op = opnr };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = size };
	struct privcmd_dm_op arg = { .dom = dom, .num = 1, .ubufs = &buf };

	test_cmd_note("IOCTL_PRIVCMD_DM_OP", "fd %ld, dom %ld, op %ld in %ld bytes", fd, dom,
		      opnr, (long)size);
	return sys_ioctl(fd, IOCTL_PRIVCMD_DM_OP, &arg);
}

int _test_cmd_privcmd_irqfd(int fd, const struct privcmd_irqfd *arg)
{
	test_cmd_note("IOCTL_PRIVCMD_IRQFD", "fd %ld, dom %ld, eventfd %ld, flags %#lx, size %ld",
		      fd, arg->dom, (long)(int)arg->fd, arg->flags, arg->size);
	return sys_ioctl(fd, IOCTL_PRIVCMD_IRQFD, (void *)arg);
}

int _test_cmd_irqfd_isa(int fd, unsigned int dom, int efd, uint8_t irq, uint8_t level)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };
	struct privcmd_irqfd arg = {
		.dm_op = (uintptr_t)&op, .size = sizeof(op), .fd = efd, .dom = dom,
	};

	op.u.set_isa_irq_level.isa_irq = irq;
	op.u.set_isa_irq_level.level = level;
	test_cmd_note("IOCTL_PRIVCMD_IRQFD", "fd %ld, dom %ld, eventfd %ld, set_isa_irq_level irq %ld level %ld",
		      fd, dom, efd, irq, level);
	return sys_ioctl(fd, IOCTL_PRIVCMD_IRQFD, &arg);
}

int _test_cmd_irqfd_deassign(int fd, unsigned int dom, int efd)
{
	struct privcmd_irqfd arg = {
		.fd = efd, .dom = dom, .flags = PRIVCMD_IRQFD_FLAG_DEASSIGN,
	};

	test_cmd_note("IOCTL_PRIVCMD_IRQFD", "fd %ld, dom %ld, eventfd %ld, deassign", fd, dom, efd);
	return sys_ioctl(fd, IOCTL_PRIVCMD_IRQFD, &arg);
}

int _test_cmd_privcmd_ioeventfd(int fd, const struct privcmd_ioeventfd *arg)
{
	test_cmd_note("IOCTL_PRIVCMD_IOEVENTFD",
		      "fd %ld, dom %ld, eventfd %ld, flags %#lx, addr %#lx, addr_len %ld, vcpus %ld",
		      fd, arg->dom, (long)(int)arg->event_fd, arg->flags, (long)arg->addr,
		      arg->addr_len, arg->vcpus);
	return sys_ioctl(fd, IOCTL_PRIVCMD_IOEVENTFD, (void *)arg);
}

void *privcmd_map_area(int fd, unsigned long pages)
{
	void *p = mmap(NULL, pages * getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

int _test_cmd_privcmd_mmapbatch_v2(int fd, unsigned int dom, void *addr, unsigned int num,
				   const uint64_t *gfns, int *err)
{
	struct privcmd_mmapbatch_v2 m = {
		.num = num, .dom = dom, .addr = (uintptr_t)addr, .arr = (const __u64 *)gfns, .err = err,
	};

	test_cmd_note("IOCTL_PRIVCMD_MMAPBATCH_V2", "fd %ld, dom %ld, addr %#lx, %ld frames", fd,
		      dom, (long)addr, num);
	return sys_ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
}

int _test_cmd_privcmd_mmapbatch(int fd, unsigned int dom, void *addr, int num, uint64_t *gfns)
{
	struct privcmd_mmapbatch m = {
		.num = num, .dom = dom, .addr = (uintptr_t)addr, .arr = (__u64 *)gfns,
	};

	test_cmd_note("IOCTL_PRIVCMD_MMAPBATCH", "fd %ld, dom %ld, addr %#lx, %ld frames", fd, dom,
		      (long)addr, num);
	return sys_ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH, &m);
}

int _test_cmd_privcmd_mmap(int fd, unsigned int dom, const struct privcmd_mmap_entry *e, int num)
{
	struct privcmd_mmap m = {
		.num = num, .dom = dom, .entry = (struct privcmd_mmap_entry *)e,
	};

	test_cmd_note("IOCTL_PRIVCMD_MMAP", "fd %ld, dom %ld, %ld runs", fd, dom, num);
	return sys_ioctl(fd, IOCTL_PRIVCMD_MMAP, &m);
}

int _test_cmd_privcmd_mmap_resource(int fd, struct privcmd_mmap_resource *r)
{
	test_cmd_note("IOCTL_PRIVCMD_MMAP_RESOURCE",
		      "fd %ld, dom %ld, type %ld, id %ld, idx %ld, %ld frames at %#lx", fd, r->dom,
		      r->type, r->id, r->idx, r->num, r->addr);
	return sys_ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, r);
}

/* Xen's public/memory.h resource type, and where struct ioreq keeps vp_eport. */
#define RESOURCE_IOREQ_SERVER	0
#define IOREQ_VP_EPORT		24

int _test_cmd_ioreq_server_attach(int fd, int evfd, unsigned int dom, uint16_t id,
				  uint8_t **page, uint32_t *port)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = RESOURCE_IOREQ_SERVER, .id = id, .idx = 1, .num = 1,
	};
	int rc;

	*page = privcmd_map_area(fd, 1);
	if (!*page)
		return -errno;
	r.addr = (uintptr_t)*page;
	rc = _test_cmd_privcmd_mmap_resource(fd, &r);
	if (!rc)
		rc = _test_cmd_dmop_set_ioreq_server_state(fd, dom, id, true);
	if (rc)
		return rc;
	rc = _test_cmd_evtchn_bind_interdomain(evfd, dom,
					       *(volatile uint32_t *)(*page + IOREQ_VP_EPORT));
	if (rc < 0)
		return rc;
	*port = rc;
	return 0;
}

int _test_cmd_privcmd_dm_op_allowlist(int fd, uint64_t allowed)
{
	struct privcmd_dm_op_allowlist a = { .size = sizeof(a), .allowed = allowed };

	test_cmd_note("IOCTL_PRIVCMD_DM_OP_ALLOWLIST", "fd %ld, allowed %#lx", fd, (long)allowed);
	return sys_ioctl(fd, IOCTL_PRIVCMD_DM_OP_ALLOWLIST, &a);
}

int _test_cmd_privcmd_audit_query(int fd, struct privcmd_audit_query *q)
{
	memset(q, 0, sizeof(*q));
	q->size = sizeof(*q);
	test_cmd_note("IOCTL_PRIVCMD_AUDIT_QUERY", "fd %ld", fd);
	return sys_ioctl(fd, IOCTL_PRIVCMD_AUDIT_QUERY, q);
}

static sigjmp_buf sigbus_jmp;

static void sigbus_handler(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

bool privcmd_read_sigbus(const volatile void *p)
{
	struct sigaction sa = { .sa_handler = sigbus_handler }, old;
	volatile bool faulted = false;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1))
		faulted = true;
	else
		(void)*(const volatile char *)p;
	sigaction(SIGBUS, &old, NULL);
	return faulted;
}

long privcmd_meminfo_kb(const char *key)
{
	char line[128];
	size_t len = strlen(key);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

void privcmd_diff(const char *fmt, ...)
{
	va_list ap;

	fputs("# DIFF: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}
