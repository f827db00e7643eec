// SPDX-License-Identifier: GPL-2.0
/*
 * libdmop's audit side on a real guest: narrowing a DMOP allowlist through
 * the library, dmop_after_setup() with an allowlist, and the dmop command's
 * trace, policy and allowlist seen from another process: the installed
 * program (/usr/bin/dmop in the VM image), run as any user would; the
 * irqfd and ioeventfd counters (libdmop 1.1) through dmop_query(), the
 * fdinfo parser and dmop status, and a caller built against libdmop 1.0.
 *
 * On the distribution's in-tree drivers the allowlist and query ioctls
 * answer ENOTTY and there are no tracepoints or counters: each test asserts
 * that and prints a "# DIFF:" line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "libdmop.h"
#include "libdmop/dmop_util.h"

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

#define TRACEFS "/sys/kernel/tracing"
#define BIT(op) (1ULL << (op))
/* Xen 4.17's sub-op numbers (public/hvm/dm_op.h) */
#define OP_CREATE_IOREQ_SERVER	1
#define OP_SET_ISA_IRQ_LEVEL	9
#define OP_SET_PCI_LINK_ROUTE	10
#define OP_NR_VCPUS		20

static void diff(const char *what)
{
	printf("# DIFF: %s\n", what);
	fflush(stdout);
}

static int instance_exists(pid_t trace_pid)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), TRACEFS "/instances/dmop-trace-%d", (int)trace_pid);
	return !stat(path, &st);
}

/* ------------------------------------------------ a device model child */

/*
 * A child holding a privcmd file of its own, doing what the test process
 * asks: one command byte in, one int (0 or -errno) out per step.
 */
struct dm {
	pid_t pid;
	int cmd;	/* write end */
	int res;	/* read end */
};

static int dm_do(struct dmop_handle *h, char cmd, uint16_t dom)
{
	unsigned int vcpus;
	dmop_ioservid_t id;
	int err;

	switch (cmd) {
	case 'v':	/* nr_vcpus to the guest */
		return dmop_nr_vcpus(h, dom, &vcpus);
	case '0':	/* nr_vcpus to dom0: Xen refuses (EPERM) */
		return dmop_nr_vcpus(h, 0, &vcpus);
	case 'i':	/* raise and lower ISA IRQ 4 */
		err = dmop_set_isa_irq_level(h, dom, 4, 1);
		return err ? err : dmop_set_isa_irq_level(h, dom, 4, 0);
	case 'l':	/* link 9 does not exist: a call Xen fails (EINVAL) */
		return dmop_set_pci_link_route(h, dom, 9, 5);
	case 'c':	/* create an ioreq server (refused before Xen, or destroyed) */
		err = dmop_create_ioreq_server(h, dom, DMOP_BUFIOREQ_OFF, &id);
		return err ? err : dmop_destroy_ioreq_server(h, dom, id);
	case 'n':	/* narrow the own file to nothing */
		return dmop_set_allowlist(h, NULL, 0);
	}
	return -EINVAL;
}

static void dm_main(int cmd, int res, uint16_t dom)
{
	struct dmop_handle *h;
	int err = dmop_open(&h, 0);
	char c;

	if (write(res, &err, sizeof(err)) != sizeof(err) || err)
		_exit(1);
	while (read(cmd, &c, 1) == 1) {
		err = dm_do(h, c, dom);
		if (write(res, &err, sizeof(err)) != sizeof(err))
			_exit(1);
	}
	_exit(0);
}

static int dm_start(struct dm *d, uint16_t dom)
{
	int cp[2], rp[2], err = -EIO;

	if (pipe(cp) || pipe(rp))
		return -errno;
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (!d->pid) {
		close(cp[1]);
		close(rp[0]);
		dm_main(cp[0], rp[1], dom);
	}
	close(cp[0]);
	close(rp[1]);
	d->cmd = cp[1];
	d->res = rp[0];
	if (read(d->res, &err, sizeof(err)) != sizeof(err))
		return -EIO;
	return err;
}

/* One step in the child: its result, or -EIO when it is gone. */
static int dm_step(struct dm *d, char c)
{
	int err;

	if (write(d->cmd, &c, 1) != 1 || read(d->res, &err, sizeof(err)) != sizeof(err))
		return -EIO;
	return err;
}

static void dm_stop(struct dm *d)
{
	if (d->pid <= 0)
		return;
	close(d->cmd);
	close(d->res);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

FIXTURE(guest) {
	struct xen_guest g;
	struct dm dm;
	char out[16384];
};

FIXTURE_SETUP(guest)
{
	test_fixture_setup(.guests = { &self->g });
	self->dm.pid = 0;
	self->out[0] = '\0';
}

FIXTURE_TEARDOWN(guest)
{
	dm_stop(&self->dm);
	test_fixture_teardown(.guests = { &self->g });
}

/* ------------------------------------------------------------ tests */

TEST_F(guest, allowlist_narrows_through_the_library)
{
	uint16_t dom = self->g.domid;
	struct dmop_handle *h;
	struct dmop_audit a = { .sz = sizeof(a) };
	unsigned int vcpus;
	uint32_t ops[DMOP_AUDIT_NR_OPS];

	ASSERT_EQ(0, dmop_open(&h, 0));
	if (!xen_env_ours()) {
		EXPECT_EQ(-ENOTTY, dmop_query(h, &a));
		EXPECT_EQ(-ENOTTY, dmop_set_allowlist_str(h, "nr_vcpus"));
		/* nothing narrowed: every sub-op still goes through */
		EXPECT_EQ(0, dmop_set_isa_irq_level(h, dom, 4, 0));
		diff("the in-tree privcmd has no DMOP allowlist or audit query (ENOTTY): dmop_set_allowlist() and dmop_query() fail -ENOTTY");
		dmop_close(h);
		return;
	}
	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_EQ(DMOP_RESTRICT_NONE, a.restricted_domid);
	EXPECT_EQ(0U, a.allowlist_set);
	EXPECT_EQ(~0ULL, a.allowed);
	EXPECT_EQ(0ULL, a.dm_ops);

	ASSERT_EQ(0, dmop_set_allowlist_str(h, "nr_vcpus,set_isa_irq_level"));
	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_EQ(1U, a.allowlist_set);
	EXPECT_EQ(BIT(OP_NR_VCPUS) | BIT(OP_SET_ISA_IRQ_LEVEL), a.allowed);
	EXPECT_EQ(2U, dmop_audit_ops(a.allowed, ops));
	EXPECT_EQ(0, dmop_nr_vcpus(h, dom, &vcpus));
	EXPECT_EQ(1U, vcpus);
	EXPECT_EQ(0, dmop_set_isa_irq_level(h, dom, 4, 0));
	/* outside the list: refused by the driver */
	EXPECT_EQ(-EPERM, dmop_set_pci_link_route(h, dom, 0, 5));

	/* narrow-only: asking for a sub-op taken away fails, changes nothing */
	EXPECT_EQ(-EPERM, dmop_set_allowlist_str(h, "nr_vcpus,inject_msi"));
	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_EQ(BIT(OP_NR_VCPUS) | BIT(OP_SET_ISA_IRQ_LEVEL), a.allowed);
	/* the same list again is fine; numbers work as names do */
	EXPECT_EQ(0, dmop_set_allowlist_str(h, "9,20"));
	ops[0] = OP_NR_VCPUS;
	EXPECT_EQ(0, dmop_set_allowlist(h, ops, 1));
	EXPECT_EQ(-EPERM, dmop_set_isa_irq_level(h, dom, 4, 0));
	EXPECT_EQ(0, dmop_nr_vcpus(h, dom, &vcpus));
	EXPECT_EQ(-EINVAL, dmop_set_allowlist_str(h, "64"));

	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_EQ(BIT(OP_NR_VCPUS), a.allowed);
	EXPECT_EQ(2ULL, a.calls[OP_NR_VCPUS]);
	EXPECT_EQ(0ULL, a.failures[OP_NR_VCPUS]);
	EXPECT_EQ(1ULL, a.calls[OP_SET_ISA_IRQ_LEVEL]);
	EXPECT_EQ(0ULL, a.calls[OP_SET_PCI_LINK_ROUTE]);
	EXPECT_EQ(3ULL, a.dm_ops);
	EXPECT_EQ(2ULL, a.dm_ops_denied);
	EXPECT_EQ(2ULL, a.denied[DMOP_DENIED_ALLOWLIST]);
	EXPECT_EQ(0ULL, a.denied[DMOP_DENIED_DOMID]);
	dmop_close(h);
}

/* dmop_after_setup() with an allowlist, in a child (it cannot be undone). */
struct setup_res {
	int err;
	struct dmop_setup_report rep;
	int own_vcpus, own_irq, outside, other_dom;
	struct dmop_audit a;
	int query;
};

static void setup_child(int out, uint16_t dom)
{
	static const uint32_t allow[] = { OP_NR_VCPUS, OP_SET_ISA_IRQ_LEVEL };
	struct setup_res r = { 0 };
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = dom,
		.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS,
		.allowlist = allow,
		.nr_allowlist = 2,
	};
	struct dmop_handle *h;
	dmop_ioservid_t id;
	unsigned int vcpus;

	r.rep.sz = sizeof(r.rep);
	r.err = dmop_open(&h, DMOP_OPEN_EVTCHN);
	if (!r.err)
		r.err = dmop_after_setup(h, &o, &r.rep);
	if (!r.err) {
		r.own_vcpus = dmop_nr_vcpus(h, dom, &vcpus);
		r.own_irq = dmop_set_isa_irq_level(h, dom, 4, 0);
		r.outside = dmop_create_ioreq_server(h, dom, DMOP_BUFIOREQ_OFF, &id);
		r.other_dom = dmop_nr_vcpus(h, dom + 1, &vcpus);
		r.a.sz = sizeof(r.a);
		r.query = dmop_query(h, &r.a);
	}
	_exit(write(out, &r, sizeof(r)) == sizeof(r) ? 0 : 2);
}

TEST_F(guest, after_setup_applies_and_verifies_the_allowlist)
{
	struct setup_res r;
	int p[2], status;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[0]);
		setup_child(p[1], self->g.domid);
	}
	close(p[1]);
	ASSERT_EQ((ssize_t)sizeof(r), read(p[0], &r, sizeof(r)));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	TH_LOG("%s", r.rep.message);
	if (!xen_env_ours()) {
		/* refused in the check step: nothing was changed */
		EXPECT_EQ(-ENOTTY, r.err);
		EXPECT_EQ((uint32_t)DMOP_STEP_CHECK, r.rep.failed);
		EXPECT_EQ(0, r.rep.partial);
		EXPECT_EQ(0U, r.rep.done);
		EXPECT_NE(NULL, strstr(r.rep.message, "has no DMOP allowlist"));
		diff("the in-tree privcmd has no DMOP allowlist: dmop_after_setup() with one fails -ENOTTY in its check step, before changing anything");
		return;
	}
	ASSERT_EQ(0, r.err);
	EXPECT_TRUE(!!(r.rep.done & (1U << DMOP_STEP_ALLOWLIST)));
	EXPECT_TRUE(!!(r.rep.done & (1U << DMOP_STEP_VERIFY)));
	EXPECT_NE(NULL, strstr(r.rep.message, "narrowed to the allowlist"));
	EXPECT_EQ(0, r.own_vcpus);
	EXPECT_EQ(0, r.own_irq);
	EXPECT_EQ(-EPERM, r.outside);
	EXPECT_EQ(-EPERM, r.other_dom);
	ASSERT_EQ(0, r.query);
	EXPECT_EQ((int32_t)self->g.domid, r.a.restricted_domid);
	EXPECT_EQ(1U, r.a.allowlist_set);
	EXPECT_EQ(BIT(OP_NR_VCPUS) | BIT(OP_SET_ISA_IRQ_LEVEL), r.a.allowed);
	/* verify's own probe and create_ioreq_server */
	EXPECT_LE(2ULL, r.a.denied[DMOP_DENIED_ALLOWLIST]);
}

/* dmop trace sees another process's DMOP and denial, and only its domain. */
TEST_F(guest, trace_sees_a_dmop_and_a_denial)
{
	char domid[16], want[160];
	struct dmop_cmd c;
	int rc;

	snprintf(domid, sizeof(domid), "%u", self->g.domid);
	ASSERT_EQ(0, dmop_cmd_start(&c, "trace", "--domid", domid, "--count", "2",
			       "--timeout", "60", (char *)NULL));
	if (!xen_env_ours()) {
		rc = dmop_cmd_wait(&c, self->out, sizeof(self->out), 30);
		TH_LOG("%s", self->out);
		EXPECT_EQ(DMOP_EXIT_UNSUPPORTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "has no tracepoints"));
		diff("the in-tree privcmd has no tracepoints: dmop trace exits 4");
		return;
	}
	ASSERT_TRUE(dmop_cmd_read_until(&c, self->out, sizeof(self->out), "# dmop trace:", 30))
		TH_LOG("%s", self->out);
	EXPECT_TRUE(instance_exists(c.pid));

	ASSERT_EQ(0, dm_start(&self->dm, self->g.domid));
	EXPECT_EQ(-EPERM, dm_step(&self->dm, '0'));	/* dom0: another domain, filtered */
	EXPECT_EQ(0, dm_step(&self->dm, 'v'));
	EXPECT_EQ(0, dm_step(&self->dm, 'n'));
	EXPECT_EQ(-EPERM, dm_step(&self->dm, 'v'));

	rc = dmop_cmd_wait(&c, self->out, sizeof(self->out), 60);
	TH_LOG("%s", self->out);
	EXPECT_EQ(DMOP_EXIT_OK, rc);
	snprintf(want, sizeof(want), "-%d dm_op nr_vcpus to domain %u: ok\n",
		 (int)self->dm.pid, self->g.domid);
	EXPECT_NE(NULL, strstr(self->out, want));
	snprintf(want, sizeof(want),
		 "-%d DENIED privcmd dm_op to domain %u (restricted to none): sub-op nr_vcpus outside the allowlist\n",
		 (int)self->dm.pid, self->g.domid);
	EXPECT_NE(NULL, strstr(self->out, want));
	EXPECT_EQ(NULL, strstr(self->out, "to domain 0:"));
	EXPECT_NE(NULL, strstr(self->out, "# dmop trace: 2 event(s)\n"));
	/* its tracefs instance is gone */
	snprintf(want, sizeof(want), "instance " TRACEFS "/instances/dmop-trace-");
	EXPECT_NE(NULL, strstr(self->out, want));
	EXPECT_FALSE(instance_exists(c.pid));
}

/* Stopped by SIGINT or SIGTERM, dmop trace removes its instance. */
TEST_F(guest, trace_cleans_up_on_signals)
{
	static const int sigs[] = { SIGINT, SIGTERM };

	if (!xen_env_ours()) {
		EXPECT_EQ(DMOP_EXIT_UNSUPPORTED, dmop_cmd_run(self->out, sizeof(self->out), "trace",
							 (char *)NULL));
		return;
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char want[64];
		struct dmop_cmd c;
		pid_t pid;

		self->out[0] = '\0';
		ASSERT_EQ(0, dmop_cmd_start(&c, "trace", (char *)NULL));
		pid = c.pid;
		ASSERT_TRUE(dmop_cmd_read_until(&c, self->out, sizeof(self->out), "# dmop trace:", 30));
		EXPECT_TRUE(instance_exists(pid));
		EXPECT_EQ(0, kill(pid, sigs[i]));
		EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_wait(&c, self->out, sizeof(self->out), 30));
		snprintf(want, sizeof(want), "stopped by signal %d", sigs[i]);
		EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
		EXPECT_FALSE(instance_exists(pid));
	}
}

/* dmop policy of a process that issued DMOPs, then dmop allowlist with it. */
TEST_F(guest, policy_then_allowlist_from_outside)
{
	struct dmop_audit a = { .sz = sizeof(a) };
	char pid[16], want[128];
	int rc, fds[4];

	ASSERT_EQ(0, dm_start(&self->dm, self->g.domid));
	EXPECT_EQ(0, dm_step(&self->dm, 'v'));
	EXPECT_EQ(0, dm_step(&self->dm, 'i'));
	EXPECT_EQ(-EINVAL, dm_step(&self->dm, 'l'));
	EXPECT_EQ(0, dm_step(&self->dm, 'v'));
	snprintf(pid, sizeof(pid), "%d", (int)self->dm.pid);

	rc = dmop_cmd_run(self->out, sizeof(self->out), "policy", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	if (!xen_env_ours()) {
		EXPECT_EQ(DMOP_EXIT_UNSUPPORTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "publishes no per-sub-op DMOP counters"));
		rc = dmop_cmd_run(self->out, sizeof(self->out), "allowlist", pid, "nr_vcpus",
			     (char *)NULL);
		EXPECT_EQ(DMOP_EXIT_UNSUPPORTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "has no DMOP allowlist"));
		/* still unnarrowed */
		EXPECT_EQ(0, dm_step(&self->dm, 'i'));
		diff("the in-tree privcmd publishes no per-sub-op counters and has no allowlist: dmop policy and dmop allowlist exit 4");
		return;
	}
	EXPECT_EQ(DMOP_EXIT_OK, rc);
	/* ascending: set_isa_irq_level 9, set_pci_link_route 10 (failed, but used), nr_vcpus 20 */
	EXPECT_STREQ("set_isa_irq_level,set_pci_link_route,nr_vcpus\n", self->out);

	rc = dmop_cmd_run(self->out, sizeof(self->out), "policy", "--json", pid, (char *)NULL);
	EXPECT_EQ(DMOP_EXIT_OK, rc);
	EXPECT_NE(NULL, strstr(self->out, "\"allowlist\":\"set_isa_irq_level,set_pci_link_route,nr_vcpus\""));
	EXPECT_NE(NULL, strstr(self->out, "{\"op\":9,\"name\":\"set_isa_irq_level\",\"calls\":2,\"failures\":0}"));
	EXPECT_NE(NULL, strstr(self->out, "{\"op\":10,\"name\":\"set_pci_link_route\",\"calls\":1,\"failures\":1}"));
	EXPECT_NE(NULL, strstr(self->out, "{\"op\":20,\"name\":\"nr_vcpus\",\"calls\":2,\"failures\":0}"));

	/* the library reads the same counters from the process's fdinfo */
	ASSERT_EQ(1, proc_dev_fds(self->dm.pid, "/dev/xen/privcmd", fds, 4));
	ASSERT_EQ(0, proc_fdinfo(self->dm.pid, fds[0], &a));
	EXPECT_EQ(DMOP_HAVE_COUNTERS | DMOP_HAVE_ALLOWLIST | DMOP_HAVE_DENIED | DMOP_HAVE_MAPPED |
		  DMOP_HAVE_EVENTFDS, a.have);
	EXPECT_EQ(0ULL, a.irqfds | a.irqfd_injections | a.irqfd_denied);
	EXPECT_EQ(0ULL, a.ioeventfds | a.ioeventfd_notifies | a.ioeventfd_denied);
	EXPECT_EQ(2ULL, a.calls[OP_SET_ISA_IRQ_LEVEL]);
	EXPECT_EQ(1ULL, a.failures[OP_SET_PCI_LINK_ROUTE]);
	EXPECT_EQ(2ULL, a.calls[OP_NR_VCPUS]);
	EXPECT_EQ(5ULL, a.dm_ops);
	EXPECT_EQ(0U, a.allowlist_set);
	EXPECT_EQ(DMOP_RESTRICT_NONE, a.restricted_domid);

	/* narrow the process's own file from outside to what it used */
	rc = dmop_cmd_run(self->out, sizeof(self->out), "allowlist", pid,
		     "set_isa_irq_level,set_pci_link_route,nr_vcpus", (char *)NULL);
	TH_LOG("%s", self->out);
	EXPECT_EQ(DMOP_EXIT_OK, rc);
	EXPECT_NE(NULL, strstr(self->out, "privcmd narrowed to set_isa_irq_level,set_pci_link_route,nr_vcpus"));
	EXPECT_EQ(0, dm_step(&self->dm, 'v'));
	EXPECT_EQ(0, dm_step(&self->dm, 'i'));
	EXPECT_EQ(-EPERM, dm_step(&self->dm, 'c'));

	rc = dmop_cmd_run(self->out, sizeof(self->out), "status", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	EXPECT_EQ(DMOP_EXIT_UNRESTRICTED, rc);
	EXPECT_NE(NULL, strstr(self->out, "    allowlist: set_isa_irq_level,set_pci_link_route,nr_vcpus\n"));
	EXPECT_NE(NULL, strstr(self->out, "    denied: hypercall 0, domid 0, allowlist 1\n"));
	snprintf(want, sizeof(want), "    %-34s %10d %10d\n", "nr_vcpus", 3, 0);
	EXPECT_NE(NULL, strstr(self->out, want));

	/* widening is refused and changes nothing */
	rc = dmop_cmd_run(self->out, sizeof(self->out), "allowlist", pid, "nr_vcpus,create_ioreq_server",
		     (char *)NULL);
	EXPECT_EQ(DMOP_EXIT_ERROR, rc);
	EXPECT_NE(NULL, strstr(self->out, "allowlists only narrow"));
	EXPECT_EQ(-EPERM, dm_step(&self->dm, 'c'));
	/* narrowing further works */
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(self->out, sizeof(self->out), "allowlist", pid, "none",
					(char *)NULL));
	EXPECT_EQ(-EPERM, dm_step(&self->dm, 'v'));
}

/* ----------------------------------------- irqfds and ioeventfds (1.1) */

#define EVENTFD_IRQ		5

/* struct dmop_audit as libdmop 1.0's header had it: 1128 bytes. */
#define DMOP_AUDIT_SZ_1_0	(offsetof(struct dmop_audit, evtchn_denied) + sizeof(uint64_t))

/*
 * A device model with an ioeventfd on its ioreq server and an irqfd that
 * injected once: dmop_query() (the driver's version 2 query), the fdinfo
 * parser and dmop status show both, live and counted; a program built
 * against libdmop 1.0 (sz 1128) gets its fields and nothing past them.
 * The notify counter is 0 (the guest is paused) and present.
 */
TEST_F(guest, eventfds_through_the_library)
{
	uint16_t dom = self->g.domid;
	unsigned char buf[sizeof(struct dmop_audit) + 64];
	struct dmop_audit *old = (struct dmop_audit *)buf;
	struct dmop_audit a = { .sz = sizeof(a) }, f = { .sz = sizeof(f) };
	struct privcmd_ioeventfd io;
	struct dmop_handle *h;
	int pfd, irq_efd, io_efd, tries;
	uint32_t port;
	dmop_ioservid_t id;
	uint8_t *area;
	char pid[16];

	ASSERT_EQ(0, dmop_open(&h, DMOP_OPEN_EVTCHN));
	if (!xen_env_ours()) {
		EXPECT_EQ(-ENOTTY, dmop_query(h, &a));
		diff("the in-tree privcmd has no audit query (ENOTTY): dmop_query() fails -ENOTTY");
		dmop_close(h);
		return;
	}
	pfd = dmop_privcmd_fd(h);
	irq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	io_efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, irq_efd);
	ASSERT_LE(0, io_efd);

	/* before anything: the group is there, all 0 */
	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_NE(0U, a.have & DMOP_HAVE_EVENTFDS);
	EXPECT_EQ(0ULL, a.irqfds | a.ioeventfds | a.irqfd_injections | a.ioeventfd_notifies);

	/* an ioeventfd, as a virtio-mmio backend sets one up */
	ASSERT_EQ(0, dmop_create_ioreq_server(h, dom, DMOP_BUFIOREQ_OFF, &id));
	test_cmd_ioreq_server_attach(pfd, dmop_evtchn_fd(h), dom, id, &area, &port);
	io = (struct privcmd_ioeventfd){
		.ioreq = (uintptr_t)area, .ports = (uintptr_t)&port, .addr = 0xfe000000ULL,
		.addr_len = 4, .event_fd = io_efd, .vcpus = 1, .vq = 0, .dom = dom,
	};
	test_cmd_privcmd_ioeventfd(pfd, &io);

	/* an irqfd, signalled once: one injection (in a kernel worker) */
	test_cmd_irqfd_isa(pfd, dom, irq_efd, EVENTFD_IRQ, 1);
	ASSERT_EQ(0, eventfd_write(irq_efd, 1));
	for (tries = 0; tries < 600; tries++) {
		ASSERT_EQ(0, dmop_query(h, &a));
		if (a.irqfd_injections)
			break;
		usleep(5000);
	}
	EXPECT_EQ(DMOP_HAVE_COUNTERS | DMOP_HAVE_ALLOWLIST | DMOP_HAVE_DENIED | DMOP_HAVE_MAPPED |
		  DMOP_HAVE_EVENTFDS, a.have);
	EXPECT_EQ(1ULL, a.irqfds);
	EXPECT_EQ(1ULL, a.irqfd_injections);
	EXPECT_EQ(0ULL, a.irqfd_denied);
	EXPECT_EQ(1ULL, a.ioeventfds);
	EXPECT_EQ(0ULL, a.ioeventfd_notifies);
	EXPECT_EQ(0ULL, a.ioeventfd_denied);
	EXPECT_EQ(1ULL, a.calls[OP_SET_ISA_IRQ_LEVEL]);

	/* the fdinfo parser reads the same from our own file */
	ASSERT_EQ(0, proc_fdinfo(getpid(), pfd, &f));
	EXPECT_EQ(a.have, f.have);
	EXPECT_EQ(a.irqfds, f.irqfds);
	EXPECT_EQ(a.irqfd_injections, f.irqfd_injections);
	EXPECT_EQ(a.irqfd_denied, f.irqfd_denied);
	EXPECT_EQ(a.ioeventfds, f.ioeventfds);
	EXPECT_EQ(a.ioeventfd_notifies, f.ioeventfd_notifies);
	EXPECT_EQ(a.ioeventfd_denied, f.ioeventfd_denied);

	/* a program built against libdmop 1.0: its 1128 bytes, nothing more */
	memset(buf, 0xaa, sizeof(buf));
	memset(buf, 0, DMOP_AUDIT_SZ_1_0);
	old->sz = DMOP_AUDIT_SZ_1_0;
	ASSERT_EQ(0, dmop_query(h, old));
	EXPECT_EQ(1128U, old->sz);
	EXPECT_EQ(a.have & ~DMOP_HAVE_EVENTFDS, old->have);
	EXPECT_EQ(a.dm_ops, old->dm_ops);
	EXPECT_EQ(a.calls[OP_SET_ISA_IRQ_LEVEL], old->calls[OP_SET_ISA_IRQ_LEVEL]);
	for (size_t b = DMOP_AUDIT_SZ_1_0; b < sizeof(buf); b++) {
		if (buf[b] != 0xaa) {
			EXPECT_EQ(0xaa, buf[b]) TH_LOG("byte %zu past a 1.0 caller's struct", b);
			break;
		}
	}

	/* dmop status, from another process, on this one */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	dmop_cmd_run(self->out, sizeof(self->out), "status", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "    irqfds: 1 live, injections 1, denied 0\n"));
	EXPECT_NE(NULL, strstr(self->out, "    ioeventfds: 1 live, notifies 0, denied 0\n"));
	dmop_cmd_run(self->out, sizeof(self->out), "status", "--json", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\"irqfds\":1,\"irqfd_injections\":1,\"irqfd_denied\":0,"
			       "\"ioeventfds\":1,\"ioeventfd_notifies\":0,\"ioeventfd_denied\":0}"));

	/* deassigned: the live counts drop, the counters stay */
	io.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(pfd, &io);
	test_cmd_irqfd_deassign(pfd, dom, irq_efd);
	ASSERT_EQ(0, dmop_query(h, &a));
	EXPECT_EQ(0ULL, a.irqfds);
	EXPECT_EQ(0ULL, a.ioeventfds);
	EXPECT_EQ(1ULL, a.irqfd_injections);

	munmap(area, getpagesize());
	close(irq_efd);
	close(io_efd);
	dmop_close(h);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
