// SPDX-License-Identifier: GPL-2.0
/*
 * The restriction proof inside a Linux stubdomain (issue 14, point 3), run as
 * root in the stubdomain while its QEMU serves the guest.
 *
 * Our xen-privcmd restricts every file of a domU to the xenstore "target"
 * (the guest) from open(), with no opt-out; our xen-evtchn restricts every
 * file of a stubdomain to the guest and the toolstack's domain (dom0, for
 * the QMP vchan). This program, root in the stubdomain, tries every path to
 * dom0 and to a second guest: raw hypercalls (the one the driver lets a
 * restricted file issue, XENMEM_populate_physmap, aimed elsewhere), DMOPs,
 * foreign mappings of all three kinds, resource mappings, and event channel
 * binds to a third domain. Each must be refused by the driver, and counted:
 * every test uses fresh files and checks the fdinfo counters moved by
 * exactly its number of refusals. A control aimed at the guest shows each
 * path itself works. QEMU's own files must be restricted the same way and
 * must never have been refused anything. Last, root cannot lift any of it:
 * the kernel is locked down, so no module loads.
 *
 * Environment (scripts/vm/stubdom/init.test): STUBDOM_GUEST (the guest's
 * domid), STUBDOM_SECOND (another guest, made by dom0), STUBDOM_QEMU_PID.
 * Built by scripts/vm/stubdom/stage, not by selftests/Makefile: it only
 * runs inside the stubdomain.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/memory.h>
#include <xen/hvm/dm_op.h>

#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

#include "kselftest_harness.h"
#include "lib/evtchn_util.h"
#include "lib/privcmd_util.h"
#include "lib/proc_files.h"

/* Xen's hypercall numbers (public/xen.h). */
#define HC_MEMORY_OP 12
#define HC_MULTICALL 13
#define HC_XEN_VERSION 17
#define HC_SYSCTL 35
#define HC_DOMCTL 36

static unsigned int guest, second;
static pid_t qemu_pid;

static unsigned int env_domid(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : 0;
}

/* A value of one of our own files' fdinfo (-ENOENT when absent). */
static long long pc(int fd, const char *key)
{
	return fdinfo_num(0, fd, key);
}

/* XENMEM_populate_physmap of one frame of @dom at @gfn, as libxenctrl lays it out. */
struct populate {
	struct xen_memory_reservation res;
	xen_pfn_t gfn;
	multicall_entry_t mc;
};

static void populate_init(struct populate *p, unsigned int dom, xen_pfn_t gfn, unsigned int order)
{
	memset(p, 0, sizeof(*p));
	p->gfn = gfn;
	p->res.extent_start.p = &p->gfn;	/* not a libxenctrl hypercall buffer */
	p->res.nr_extents = 1;
	p->res.extent_order = order;
	p->res.domid = dom;
	p->mc.op = HC_MEMORY_OP;
	p->mc.args[0] = XENMEM_populate_physmap;
	p->mc.args[1] = (uintptr_t)&p->res;
}

static long populate_direct(int fd, struct populate *p)
{
	return _test_cmd_privcmd_hypercall(fd, HC_MEMORY_OP, XENMEM_populate_physmap,
				 (uintptr_t)&p->res, 0, 0, 0);
}

static long populate_multicall(int fd, struct populate *p)
{
	return _test_cmd_privcmd_hypercall(fd, HC_MULTICALL, (uintptr_t)&p->mc, 1, 0, 0, 0);
}

TEST(environment)
{
	ASSERT_NE(0U, guest) TH_LOG("STUBDOM_GUEST not set");
	ASSERT_NE(0U, second) TH_LOG("STUBDOM_SECOND not set");
	ASSERT_NE(guest, second);
	ASSERT_LT(0, qemu_pid) TH_LOG("STUBDOM_QEMU_PID not set");
	ASSERT_EQ(0U, getuid()) TH_LOG("the proof runs as root");
	ASSERT_TRUE(evtchn_ours()) TH_LOG("our xen-evtchn is not loaded");
}

/* QEMU's files: restricted to the guest, never refused anything. */
TEST(qemu_files)
{
	int nr_privcmd = 0, nr_evtchn = 0;
	char path[64], target[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", qemu_pid);
	dir = opendir(path);
	ASSERT_NE(NULL, dir);
	while ((d = readdir(dir))) {
		char link[320];
		ssize_t n;
		int fd;

		if (d->d_name[0] == '.')
			continue;
		fd = atoi(d->d_name);
		snprintf(link, sizeof(link), "%s/%s", path, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, PRIVCMD_NODE)) {
			nr_privcmd++;
			EXPECT_EQ(guest, fdinfo_num(qemu_pid, fd, "privcmd.restricted_domid"))
				TH_LOG("QEMU's privcmd fd %d", fd);
			EXPECT_EQ(0, fdinfo_num(qemu_pid, fd, "privcmd.denied.hypercall"));
			EXPECT_EQ(0, fdinfo_num(qemu_pid, fd, "privcmd.denied.domid"));
			EXPECT_EQ(0, fdinfo_num(qemu_pid, fd, "privcmd.dm_ops_denied"));
		} else if (!strcmp(target, EVTCHN_NODE)) {
			nr_evtchn++;
			EXPECT_EQ(guest, fdinfo_num(qemu_pid, fd, "evtchn.restricted_domid"))
				TH_LOG("QEMU's evtchn fd %d", fd);
			EXPECT_EQ(0, fdinfo_num(qemu_pid, fd, "evtchn.toolstack_domid"));
			EXPECT_EQ(0, fdinfo_num(qemu_pid, fd, "evtchn.denied"));
			EXPECT_LT(0, fdinfo_num(qemu_pid, fd, "evtchn.ports"));
		}
	}
	closedir(dir);
	EXPECT_LT(0, nr_privcmd) TH_LOG("QEMU holds no privcmd file");
	EXPECT_LT(0, nr_evtchn) TH_LOG("QEMU holds no evtchn file");
	TH_LOG("QEMU (pid %d): %d privcmd and %d evtchn files, all restricted to domain %u",
	       qemu_pid, nr_privcmd, nr_evtchn, guest);
}

FIXTURE(privcmd) {
	int fd;
	void *area;
};

FIXTURE_SETUP(privcmd)
{
	self->fd = privcmd_open();
	ASSERT_LE(0, self->fd);
	self->area = NULL;
}

FIXTURE_TEARDOWN(privcmd)
{
	if (self->area)
		munmap(self->area, getpagesize());
	close(self->fd);
}

/* Restricted from open(), before any ioctl, and for good. */
TEST_F(privcmd, restricted_from_open)
{
	EXPECT_EQ(guest, pc(self->fd, "privcmd.restricted_domid"));
	EXPECT_EQ(-EINVAL, _test_cmd_privcmd_restrict(self->fd, 0));
	EXPECT_EQ(-EINVAL, _test_cmd_privcmd_restrict(self->fd, second));
	EXPECT_EQ(0, _test_cmd_privcmd_restrict(self->fd, guest));
	EXPECT_EQ(guest, pc(self->fd, "privcmd.restricted_domid"));
}

/* Raw hypercalls: none, bar populate_physmap of the guest. */
TEST_F(privcmd, hypercalls)
{
	struct populate p;
	long rc;

	EXPECT_EQ(-EPERM, _test_cmd_privcmd_hypercall(self->fd, HC_XEN_VERSION, 0, 0, 0, 0, 0));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_hypercall(self->fd, HC_DOMCTL, 0, 0, 0, 0, 0));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_hypercall(self->fd, HC_SYSCTL, 0, 0, 0, 0, 0));
	/* the allowed call, in another shape: a larger extent; continuation bits */
	populate_init(&p, guest, 0x80000, 1);
	EXPECT_EQ(-EPERM, populate_direct(self->fd, &p));
	populate_init(&p, guest, 0x80000, 0);
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_hypercall(self->fd, HC_MEMORY_OP,
					    XENMEM_populate_physmap | (1 << 6),
					    (uintptr_t)&p.res, 0, 0, 0));
	/* a multicall of two entries, of another memory_op */
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_hypercall(self->fd, HC_MULTICALL, (uintptr_t)&p.mc, 2, 0, 0, 0));
	p.mc.args[0] = XENMEM_decrease_reservation;
	EXPECT_EQ(-EPERM, populate_multicall(self->fd, &p));
	EXPECT_EQ(7, pc(self->fd, "privcmd.denied.hypercall"));

	/* populate_physmap of dom0, of the second guest, of DOMID_SELF */
	populate_init(&p, 0, 0x80000, 0);
	EXPECT_EQ(-EPERM, populate_direct(self->fd, &p));
	EXPECT_EQ(-EPERM, populate_multicall(self->fd, &p));
	populate_init(&p, second, 0x80000, 0);
	EXPECT_EQ(-EPERM, populate_direct(self->fd, &p));
	EXPECT_EQ(-EPERM, populate_multicall(self->fd, &p));
	populate_init(&p, PC_DOMID_SELF, 0x80000, 0);
	EXPECT_EQ(-EPERM, populate_direct(self->fd, &p));
	EXPECT_EQ(5, pc(self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(7, pc(self->fd, "privcmd.denied.hypercall"));

	/*
	 * The control: the guest's own frame far above its RAM reaches Xen,
	 * both ways (Xen populates it, or refuses past the guest's maximum).
	 */
	populate_init(&p, guest, 0x180000, 0);
	rc = populate_direct(self->fd, &p);
	EXPECT_TRUE(rc == 0 || rc == 1) TH_LOG("direct populate_physmap of the guest: %ld", rc);
	populate_init(&p, guest, 0x180001, 0);
	p.mc.result = -1234;
	EXPECT_EQ(0, populate_multicall(self->fd, &p));
	EXPECT_TRUE(p.mc.result == 0 || p.mc.result == 1)
		TH_LOG("multicall populate_physmap of the guest: result %ld", (long)p.mc.result);
	EXPECT_EQ(5, pc(self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(7, pc(self->fd, "privcmd.denied.hypercall"));
}

TEST_F(privcmd, dm_ops)
{
	uint32_t vcpus = 0;

	EXPECT_EQ(-EPERM, _test_cmd_dmop_nr_vcpus(self->fd, 0, &vcpus));
	EXPECT_EQ(-EPERM, _test_cmd_dmop_nr_vcpus(self->fd, second, &vcpus));
	EXPECT_EQ(-EPERM, _test_cmd_dmop_nr_vcpus(self->fd, PC_DOMID_SELF, &vcpus));
	EXPECT_EQ(-EPERM, _test_cmd_dmop_set_isa_irq_level(self->fd, second, 3, 1));
	EXPECT_EQ(4, pc(self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(4, pc(self->fd, "privcmd.dm_ops_denied"));
	/* the control */
	EXPECT_EQ(0, _test_cmd_dmop_nr_vcpus(self->fd, guest, &vcpus));
	EXPECT_EQ(1U, vcpus);
	EXPECT_EQ(4, pc(self->fd, "privcmd.denied.domid"));
}

TEST_F(privcmd, foreign_mappings)
{
	struct privcmd_mmap_entry e = { .va = 0, .mfn = 0, .npages = 1 };
	uint64_t gfn = 0;
	int err = 0;

	self->area = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, self->area);
	e.va = (uintptr_t)self->area;
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmapbatch_v2(self->fd, 0, self->area, 1, &gfn, &err));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmapbatch_v2(self->fd, second, self->area, 1, &gfn, &err));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmapbatch(self->fd, 0, self->area, 1, &gfn));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmapbatch(self->fd, second, self->area, 1, &gfn));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmap(self->fd, 0, &e, 1));
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmap(self->fd, second, &e, 1));
	EXPECT_EQ(6, pc(self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(0, pc(self->fd, "privcmd.mapped_pages"));
	/* the control: the guest's frame 0, read through the mapping */
	EXPECT_EQ(0, _test_cmd_privcmd_mmapbatch_v2(self->fd, guest, self->area, 1, &gfn, &err));
	EXPECT_EQ(0, err);
	EXPECT_FALSE(privcmd_read_sigbus(self->area));
	EXPECT_EQ(1, pc(self->fd, "privcmd.mapped_pages"));
	EXPECT_EQ(6, pc(self->fd, "privcmd.denied.domid"));
}

TEST_F(privcmd, resource_mappings)
{
	struct privcmd_mmap_resource r = { .type = XENMEM_resource_grant_table, .num = 1 };

	self->area = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, self->area);
	r.addr = (uintptr_t)self->area;
	r.dom = 0;
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmap_resource(self->fd, &r));
	r.dom = second;
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmap_resource(self->fd, &r));
	r.type = XENMEM_resource_ioreq_server;
	r.dom = 0;
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmap_resource(self->fd, &r));
	EXPECT_EQ(3, pc(self->fd, "privcmd.denied.domid"));
	/* the control: the guest's grant table reaches Xen and maps */
	r.type = XENMEM_resource_grant_table;
	r.dom = guest;
	EXPECT_EQ(0, _test_cmd_privcmd_mmap_resource(self->fd, &r));
	EXPECT_EQ(3, pc(self->fd, "privcmd.denied.domid"));
}

FIXTURE(evtchn) {
	int fd;
};

FIXTURE_SETUP(evtchn)
{
	self->fd = evtchn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(evtchn)
{
	close(self->fd);
}

/* The guest and the toolstack's domain, from open(). */
TEST_F(evtchn, restricted_from_open)
{
	EXPECT_EQ(guest, pc(self->fd, "evtchn.restricted_domid"));
	EXPECT_EQ(0, pc(self->fd, "evtchn.toolstack_domid"));
	EXPECT_EQ(0, pc(self->fd, "evtchn.denied"));
}

TEST_F(evtchn, third_domain)
{
	int port;

	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_interdomain(self->fd, second, 1));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_unbound_port(self->fd, second));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_unbound_port(self->fd, PC_DOMID_SELF));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_virq(self->fd, VIRQ_DEBUG));
	if (evtchn_kernel_has_static()) {
		EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_static(self->fd, 1));
		EXPECT_EQ(5, pc(self->fd, "evtchn.denied"));
	} else {
		EXPECT_EQ(-EOPNOTSUPP, _test_cmd_evtchn_bind_static(self->fd, 1));
		EXPECT_EQ(4, pc(self->fd, "evtchn.denied"));
	}
	/* the controls: a port offered to the guest, one to the toolstack */
	port = _test_cmd_evtchn_bind_unbound_port(self->fd, guest);
	EXPECT_LT(0, port);
	EXPECT_EQ(0, _test_cmd_evtchn_unbind(self->fd, port));
	port = _test_cmd_evtchn_bind_unbound_port(self->fd, 0);
	EXPECT_LT(0, port);
	EXPECT_EQ(0, _test_cmd_evtchn_unbind(self->fd, port));
	EXPECT_EQ(0, pc(self->fd, "evtchn.ports"));
}

/* A file narrowed to the guest alone loses the toolstack, for good. */
TEST_F(evtchn, narrow_to_guest)
{
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_restrict_domid(self->fd, second));
	EXPECT_EQ(0, _test_cmd_evtchn_restrict_domid(self->fd, guest));
	EXPECT_EQ(-ENOENT, pc(self->fd, "evtchn.toolstack_domid"));
	EXPECT_EQ(guest, pc(self->fd, "evtchn.restricted_domid"));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_unbound_port(self->fd, 0));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_bind_unbound_port(self->fd, guest));
	EXPECT_EQ(-EACCES, _test_cmd_evtchn_restrict_domid(self->fd, guest));
	EXPECT_EQ(2, pc(self->fd, "evtchn.denied"));
}

/* Root cannot lift it: the kernel is locked down, no module loads. */
TEST(locked_down)
{
	char buf[128] = "";
	int fd, rc;

	fd = open("/sys/kernel/security/lockdown", O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_NE(NULL, strstr(buf, "[integrity]")) TH_LOG("lockdown: %s", buf);

	/* our own privcmd again, asking to be unrestricted */
	fd = open("/lib/modules/xen-privcmd.ko", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	rc = syscall(SYS_finit_module, fd, "unrestricted=1", 0);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EPERM, errno) TH_LOG("finit_module: %s", strerror(errno));
	close(fd);
	/* nor does it unload while QEMU holds its files */
	rc = syscall(SYS_delete_module, "xen_privcmd", O_NONBLOCK);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EWOULDBLOCK, errno) TH_LOG("delete_module: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	guest = env_domid("STUBDOM_GUEST");
	second = env_domid("STUBDOM_SECOND");
	qemu_pid = env_domid("STUBDOM_QEMU_PID");
	return test_harness_run(argc, argv);
}
