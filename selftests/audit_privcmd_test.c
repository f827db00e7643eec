// SPDX-License-Identifier: GPL-2.0
/*
 * Audit of /dev/xen/privcmd against a real HVM guest: every "privcmd."
 * fdinfo key and counter, IOCTL_PRIVCMD_AUDIT_QUERY, and the DMOP allowlist
 * (narrowing, attempts to widen, inheritance, refusal before any hypercall).
 *
 * All of it is xen-dmop's own: on the in-tree driver the tests assert what
 * upstream does instead (no such keys, ENOTTY) and print a "# DIFF:" line.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/audit_util.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, EVTCHN_NODE, NULL };

#define BIT64(n) (1ULL << (n))

/* On the in-tree driver: none of our keys, and the new ioctls are unknown. */
static bool upstream_has_no_audit(int fd)
{
	struct privcmd_audit_query q;

	return fdinfo_count(0, fd, "privcmd.") == 0 &&
	       _test_cmd_privcmd_audit_query(fd, &q) == -ENOTTY &&
	       _test_cmd_privcmd_dm_op_allowlist(fd, 0) == -ENOTTY;
}

FIXTURE(audit) {
	int fd;
	struct xen_guest g;
	bool ours;
};

FIXTURE_SETUP(audit)
{
	self->ours = xen_env_ours();
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
}

FIXTURE_TEARDOWN(audit)
{
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
}

/* Skip nothing on the in-tree driver: assert its answer and say why. */
#define UPSTREAM_OR_RETURN(what)						\
	do {									\
		if (!self->ours) {						\
			EXPECT_TRUE(upstream_has_no_audit(self->fd));		\
			privcmd_diff("in-tree privcmd has no %s (ENOTTY, no fdinfo keys)", what); \
			return;							\
		}								\
	} while (0)

TEST_F(audit, fresh_file_keys)
{
	char val[256];

	UPSTREAM_OR_RETURN("audit");
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "privcmd.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "privcmd.allowlist", val, sizeof(val)));
	EXPECT_STREQ("all", val);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.denied.hypercall"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	EXPECT_EQ(0, fdinfo_count(0, self->fd, "privcmd.dm_op."));
	/* The exact "key:\tvalue" form libdmop parses. */
	EXPECT_EQ(0, fdinfo_str(0, self->fd, "privcmd.dm_ops", val, sizeof(val)));
}

TEST_F(audit, counts_dm_ops_by_subop_with_failures)
{
	uint64_t calls, fails;
	uint32_t vcpus;
	int i;

	UPSTREAM_OR_RETURN("DMOP counters");
	for (i = 0; i < 3; i++)
		test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	for (i = 0; i < 2; i++)
		test_cmd_dmop_set_isa_irq_level(self->fd, self->g.domid, 5, i);
	/* Xen's failures count as calls and failures. */
	test_err_dmop_destroy_ioreq_server(ENOENT, self->fd, self->g.domid, 77);
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 30, sizeof(struct xen_dm_op));
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 1000, sizeof(struct xen_dm_op));
	test_err_dmop_nr_vcpus(ESRCH, self->fd, PC_DOMID_NONE, &vcpus);
	/* The probe makes no hypercall and counts nothing. */
	test_cmd_privcmd_dm_op(self->fd, PC_DOMID_INVALID, 0, NULL);

	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "nr_vcpus", &calls, &fails));
	EXPECT_EQ(4U, calls);
	EXPECT_EQ(1U, fails);
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "set_isa_irq_level", &calls, &fails));
	EXPECT_EQ(2U, calls);
	EXPECT_EQ(0U, fails);
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "destroy_ioreq_server", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(1U, fails);
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "op30", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(1U, fails);
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "other", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(1U, fails);
	/* Only sub-ops that were called have a line. */
	EXPECT_EQ(-ENOENT, audit_fdinfo_dm_op(self->fd, "create_ioreq_server", &calls, &fails));
	EXPECT_EQ(5, fdinfo_count(0, self->fd, "privcmd.dm_op."));
	EXPECT_EQ(9, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
}

/* The sub-op is read even when buffer 0 takes the heap-bounced path. */
TEST_F(audit, large_buffer0_is_counted_and_checked)
{
	struct privcmd_dm_op_buf buf;
	struct xen_dm_op *op;
	uint64_t calls, fails;

	UPSTREAM_OR_RETURN("DMOP counters");
	op = calloc(1, 4096);
	ASSERT_NE(NULL, op);
	op->op = XEN_DMOP_nr_vcpus;
	buf = (struct privcmd_dm_op_buf){ .uptr = op, .size = 4096 };
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf);
	EXPECT_EQ(1U, op->u.nr_vcpus.vcpus);
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "nr_vcpus", &calls, &fails));
	EXPECT_EQ(1U, calls);

	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_set_isa_irq_level));
	op->u.nr_vcpus.vcpus = 0;
	test_err_privcmd_dm_op(EPERM, self->fd, self->g.domid, 1, &buf);
	EXPECT_EQ(0U, op->u.nr_vcpus.vcpus);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	free(op);
}

TEST_F(audit, restriction_and_denials_by_reason)
{
	char val[64], expect[16];
	uint32_t vcpus;
	uint64_t gfn = 0;
	int err = 0;
	void *area;

	UPSTREAM_OR_RETURN("denial counters");
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	snprintf(expect, sizeof(expect), "%u", self->g.domid);
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "privcmd.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ(expect, val);

	test_err_privcmd_hypercall(EPERM, self->fd, 17, 0, 0, 0, 0, 0);
	test_err_dmop_nr_vcpus(EPERM, self->fd, PC_DOMID_NONE, &vcpus);
	test_err_dmop_nr_vcpus(EPERM, self->fd, 0, &vcpus);
	area = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, area);
	test_err_privcmd_mmapbatch_v2(EPERM, self->fd, 0, area, 1, &gfn, &err);
	munmap(area, getpagesize());
	/* Still allowed: its own guest. */
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);

	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.hypercall"));
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
}

/* dup(), fork() and SCM_RIGHTS share one open file: one set of counters. */
TEST_F(audit, counters_shared_by_dup_and_fork)
{
	int dupfd, status;
	uint32_t vcpus;
	pid_t pid;

	UPSTREAM_OR_RETURN("DMOP counters");
	dupfd = dup(self->fd);
	ASSERT_LE(0, dupfd);
	test_cmd_dmop_nr_vcpus(dupfd, self->g.domid, &vcpus);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(_test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
	EXPECT_EQ(2, fdinfo_num(0, dupfd, "privcmd.dm_ops"));
	close(dupfd);
}

/* ---- allowlist ---- */

TEST_F(audit, allowlist_narrows)
{
	struct privcmd_audit_query q;
	uint16_t id;
	char val[256];
	uint32_t vcpus;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus) |
						   BIT64(XEN_DMOP_set_isa_irq_level));
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_cmd_dmop_set_isa_irq_level(self->fd, self->g.domid, 4, 1);
	test_err_dmop_create_ioreq_server(EPERM, self->fd, self->g.domid, &id);

	ASSERT_EQ(0, fdinfo_str(0, self->fd, "privcmd.allowlist", val, sizeof(val)));
	EXPECT_STREQ("set_isa_irq_level,nr_vcpus", val);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(BIT64(XEN_DMOP_nr_vcpus) | BIT64(XEN_DMOP_set_isa_irq_level), q.allowed);
	EXPECT_NE(0U, q.state & PRIVCMD_AUDIT_ALLOWLIST_SET);

	/* Narrower again, down to nothing at all. */
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	test_err_dmop_set_isa_irq_level(EPERM, self->fd, self->g.domid, 4, 0);
	test_cmd_privcmd_dm_op_allowlist(self->fd, 0);
	test_err_dmop_nr_vcpus(EPERM, self->fd, self->g.domid, &vcpus);
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "privcmd.allowlist", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
}

TEST_F(audit, allowlist_never_widens)
{
	const uint64_t one = BIT64(XEN_DMOP_nr_vcpus);
	struct privcmd_audit_query q;
	uint32_t vcpus;
	int other;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_dm_op_allowlist(self->fd, one);
	test_err_privcmd_dm_op_allowlist(EPERM, self->fd, one | BIT64(XEN_DMOP_set_isa_irq_level));
	test_err_privcmd_dm_op_allowlist(EPERM, self->fd, ~0ULL);
	test_err_privcmd_dm_op_allowlist(EPERM, self->fd, BIT64(XEN_DMOP_set_isa_irq_level));
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(one, q.allowed);
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_err_dmop_set_isa_irq_level(EPERM, self->fd, self->g.domid, 4, 0);
	/* The same list again is no widening. */
	test_cmd_privcmd_dm_op_allowlist(self->fd, one);
	/* Other opens are not affected. */
	other = privcmd_open();
	ASSERT_LE(0, other);
	test_cmd_dmop_set_isa_irq_level(other, self->g.domid, 4, 0);
	close(other);
}

/* Sub-ops past the bitmap, and a buffer 0 too short for one, once a list is set. */
TEST_F(audit, allowlist_refuses_beyond_bitmap)
{
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 100, sizeof(struct xen_dm_op));
	test_err_dmop_raw(EFAULT, self->fd, self->g.domid, XEN_DMOP_nr_vcpus, 2);
	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_dm_op_allowlist(self->fd, ~0ULL);
	test_err_dmop_raw(EPERM, self->fd, self->g.domid, 100, sizeof(struct xen_dm_op));
	test_err_dmop_raw(EPERM, self->fd, self->g.domid, XEN_DMOP_nr_vcpus, 2);
	/* Within the bitmap everything is still allowed. */
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 40, sizeof(struct xen_dm_op));
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
}

/*
 * A refused sub-op never reaches Xen: Xen would answer ESRCH for a domain
 * that does not exist and write the vCPU count back; the driver says EPERM
 * first and the buffer stays as it was. And create_ioreq_server refused
 * creates no server.
 */
TEST_F(audit, allowlist_refuses_before_hypercall)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };
	int other;
	uint16_t id;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_set_isa_irq_level));
	op.u.nr_vcpus.vcpus = 0xdead;
	test_err_privcmd_dm_op(EPERM, self->fd, PC_DOMID_NONE, 1, &buf);
	test_err_privcmd_dm_op(EPERM, self->fd, self->g.domid, 1, &buf);
	EXPECT_EQ(0xdeadU, op.u.nr_vcpus.vcpus);
	test_err_dmop_create_ioreq_server(EPERM, self->fd, self->g.domid, &id);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.dm_ops"));

	/* The first server another file creates gets id 0: none was made. */
	other = privcmd_open();
	ASSERT_LE(0, other);
	test_cmd_dmop_create_ioreq_server(other, self->g.domid, &id);
	EXPECT_EQ(0, id);
	test_cmd_dmop_destroy_ioreq_server(other, self->g.domid, id);
	close(other);
}

struct flipper {
	volatile struct xen_dm_op *op;
	volatile bool stop;
};

static void *flip_op(void *p)
{
	struct flipper *f = p;

	while (!f->stop) {
		f->op->op = XEN_DMOP_remote_shutdown;
		f->op->op = XEN_DMOP_nr_vcpus;
	}
	return NULL;
}

/*
 * What is checked is what Xen gets: a thread flips buffer 0 between an
 * allowed sub-op and remote_shutdown while DMOPs are issued. If the driver
 * ever checked one copy and sent another, the guest would be shut down.
 */
TEST_F(audit, allowlist_checks_what_xen_sees)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };
	struct flipper f = { .op = &op };
	xc_domaininfo_t info;
	xc_interface *xch;
	int i, ok = 0, eperm = 0, other = 0;
	pthread_t t;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	op.u.remote_shutdown.reason = 0;	/* SHUTDOWN_poweroff */
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	ASSERT_EQ(0, pthread_create(&t, NULL, flip_op, &f));
	for (i = 0; i < 3000; i++) {
		int rc = _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf);

		if (!rc)
			ok++;
		else if (rc == -EPERM)
			eperm++;
		else
			other++;
	}
	f.stop = true;
	pthread_join(t, NULL);
	TH_LOG("%d allowed, %d refused, %d other", ok, eperm, other);
	EXPECT_EQ(0, other);
	EXPECT_LT(0, ok);
	EXPECT_EQ(eperm, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));

	xch = xc_interface_open(NULL, NULL, 0);
	ASSERT_NE(NULL, xch);
	ASSERT_EQ(1, xc_domain_getinfolist(xch, self->g.domid, 1, &info));
	EXPECT_EQ(self->g.domid, info.domain);
	EXPECT_EQ(0U, info.flags & XEN_DOMINF_shutdown);
	xc_interface_close(xch);
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b = 'x';
	struct iovec iov = { .iov_base = &b, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* Child exit codes of the inheritance test: 0 when all held. */
static int child_checks(int fd, unsigned int domid)
{
	uint32_t vcpus;
	uint16_t id;

	if (_test_cmd_dmop_nr_vcpus(fd, domid, &vcpus))
		return 1;
	if (_test_cmd_dmop_create_ioreq_server(fd, domid, &id) != -EPERM)
		return 2;
	if (_test_cmd_privcmd_dm_op_allowlist(fd, ~0ULL) != -EPERM)
		return 3;
	/* Narrowing from the child narrows the parent's file too. */
	if (_test_cmd_privcmd_dm_op_allowlist(fd, 0))
		return 4;
	return 0;
}

TEST_F(audit, allowlist_shared_by_dup_fork_and_scm_rights)
{
	int sv[2], dupfd, status, passed, i;
	struct privcmd_audit_query q;
	pid_t pid;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	for (i = 0; i < 3; i++) {
		int fd = privcmd_open();

		ASSERT_LE(0, fd);
		test_cmd_privcmd_dm_op_allowlist(fd, BIT64(XEN_DMOP_nr_vcpus));
		if (i == 0) {		/* dup() */
			dupfd = dup(fd);
			ASSERT_LE(0, dupfd);
			EXPECT_EQ(0, child_checks(dupfd, self->g.domid));
			close(dupfd);
		} else if (i == 1) {	/* fork() */
			pid = fork();
			ASSERT_LE(0, pid);
			if (!pid)
				_exit(child_checks(fd, self->g.domid));
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			EXPECT_EQ(0, WEXITSTATUS(status));
		} else {		/* SCM_RIGHTS to an unrelated receiver */
			ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
			pid = fork();
			ASSERT_LE(0, pid);
			if (!pid) {
				close(fd);
				passed = recv_fd(sv[1]);
				_exit(passed < 0 ? 9 : child_checks(passed, self->g.domid));
			}
			ASSERT_EQ(0, send_fd(sv[0], fd));
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			EXPECT_EQ(0, WEXITSTATUS(status));
			close(sv[0]);
			close(sv[1]);
		}
		test_cmd_privcmd_audit_query(fd, &q);
		EXPECT_EQ(0U, q.allowed) TH_LOG("case %d", i);
		close(fd);
	}
}

/* Concurrent narrowers: whatever the order, the narrowest list wins. */
struct narrower {
	int fd;
	uint64_t mask;
	int rc;
	pthread_barrier_t *go;
};

static void *narrow(void *p)
{
	struct narrower *n = p;

	pthread_barrier_wait(n->go);
	n->rc = _test_cmd_privcmd_dm_op_allowlist(n->fd, n->mask);
	return NULL;
}

TEST_F(audit, allowlist_concurrent_narrowers_compose)
{
	enum { N = 8 };
	struct narrower n[N];
	pthread_barrier_t go;
	pthread_t t[N];
	struct privcmd_audit_query q;
	int round, i, wins;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	for (round = 0; round < 20; round++) {
		int fd = privcmd_open();

		ASSERT_LE(0, fd);
		pthread_barrier_init(&go, NULL, N);
		for (i = 0; i < N; i++) {
			/* Nested: thread i keeps sub-ops i + 1 .. 20. */
			n[i] = (struct narrower){ .fd = fd, .go = &go,
						  .mask = (BIT64(21) - 1) & ~(BIT64(i + 1) - 1) };
			pthread_create(&t[i], NULL, narrow, &n[i]);
		}
		for (i = 0, wins = 0; i < N; i++) {
			pthread_join(t[i], NULL);
			EXPECT_TRUE(n[i].rc == 0 || n[i].rc == -EPERM);
			wins += !n[i].rc;
		}
		pthread_barrier_destroy(&go);
		EXPECT_LE(1, wins);
		EXPECT_EQ(0, n[N - 1].rc);	/* the narrowest always fits */
		test_cmd_privcmd_audit_query(fd, &q);
		EXPECT_EQ(n[N - 1].mask, q.allowed);
		close(fd);
	}
}

/* The allowlist and the restriction compose; each refusal has its reason. */
TEST_F(audit, allowlist_on_restricted_file)
{
	uint32_t vcpus;
	uint16_t id;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_err_dmop_nr_vcpus(EPERM, self->fd, PC_DOMID_NONE, &vcpus);
	test_err_dmop_create_ioreq_server(EPERM, self->fd, self->g.domid, &id);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
}

/* ---- query ---- */

TEST_F(audit, query_matches_fdinfo)
{
	struct privcmd_audit_query q;
	uint32_t vcpus;
	uint64_t calls, fails;

	EXPECT_EQ((size_t)PRIVCMD_AUDIT_QUERY_SIZE_V2, sizeof(struct privcmd_audit_query));
	/*
	 * The command number as released with version 1, for good: it carries
	 * the first version's size, the struct's own size field the rest.
	 */
	EXPECT_EQ(0xC4885041UL, (unsigned long)IOCTL_PRIVCMD_AUDIT_QUERY);
	EXPECT_EQ((unsigned long)_IOC(_IOC_READ | _IOC_WRITE, 'P', 0x41,
				      PRIVCMD_AUDIT_QUERY_SIZE_V1),
		  (unsigned long)IOCTL_PRIVCMD_AUDIT_QUERY);
	UPSTREAM_OR_RETURN("audit query");

	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 200, sizeof(struct xen_dm_op));
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_err_privcmd_hypercall(EPERM, self->fd, 17, 0, 0, 0, 0, 0);
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	test_err_dmop_set_isa_irq_level(EPERM, self->fd, self->g.domid, 3, 1);

	/* Works on a restricted file: holding the fd is enough. */
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V2, q.size);
	EXPECT_EQ(2U, q.version);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_VERSION, q.version);
	EXPECT_EQ((__u32)(PRIVCMD_AUDIT_RESTRICTED | PRIVCMD_AUDIT_ALLOWLIST_SET), q.state);
	EXPECT_EQ(self->g.domid, q.restricted_domid);
	EXPECT_EQ(BIT64(XEN_DMOP_nr_vcpus), q.allowed);
	EXPECT_EQ(3U, q.dm_ops);
	EXPECT_EQ(1U, q.dm_ops_denied);
	EXPECT_EQ(0U, q.mapped_pages);
	EXPECT_EQ(1U, q.denied[PRIVCMD_DENIED_HYPERCALL]);
	EXPECT_EQ(0U, q.denied[PRIVCMD_DENIED_DOMID]);
	EXPECT_EQ(1U, q.denied[PRIVCMD_DENIED_ALLOWLIST]);
	for (int i = PRIVCMD_DENIED_NR; i < PRIVCMD_AUDIT_DENIED_SLOTS; i++)
		EXPECT_EQ(0U, q.denied[i]);
	EXPECT_EQ(2U, q.calls[XEN_DMOP_nr_vcpus]);
	EXPECT_EQ(0U, q.failures[XEN_DMOP_nr_vcpus]);
	EXPECT_EQ(0U, q.calls[XEN_DMOP_set_isa_irq_level]);
	EXPECT_EQ(1U, q.calls_other);
	EXPECT_EQ(1U, q.failures_other);
	EXPECT_EQ(0U, q.reserved0);
	EXPECT_EQ(0U, q.reserved1);

	EXPECT_EQ((long long)q.dm_ops, fdinfo_num(0, self->fd, "privcmd.dm_ops"));
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "nr_vcpus", &calls, &fails));
	EXPECT_EQ(q.calls[XEN_DMOP_nr_vcpus], calls);
}

/* ---- version 2: irqfds and ioeventfds ---- */

#define EVENTFD_IRQ		5	/* an ISA wire nothing drives in a paused guest */
#define EVENTFD_WAIT_MS		3000	/* an injection runs in a kernel worker */

FIXTURE(audit_eventfds) {
	int fd;
	int evfd;
	int irq_efd, io_efd;
	struct xen_guest g;
	uint8_t *area;
	bool ours;
};

FIXTURE_SETUP(audit_eventfds)
{
	self->ours = xen_env_ours();
	self->irq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	self->io_efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->irq_efd) TH_LOG("eventfd: %s", strerror(errno));
	ASSERT_LE(0, self->io_efd) TH_LOG("eventfd: %s", strerror(errno));
	test_fixture_setup(.privcmd = &self->fd, .evtchn = { &self->evfd },
			   .guests = { &self->g });
}

FIXTURE_TEARDOWN(audit_eventfds)
{
	close(self->irq_efd);
	close(self->io_efd);
	if (self->area)
		munmap(self->area, getpagesize());
	test_fixture_teardown(.privcmd = &self->fd, .evtchn = { &self->evfd },
			      .guests = { &self->g });
}

/* An fdinfo counter of @fd once it is @want, or after EVENTFD_WAIT_MS. */
static long long wait_fdinfo_num(int fd, const char *key, long long want)
{
	struct timespec ts = { .tv_nsec = 5000000 };
	long long v;

	for (int i = 0; i < EVENTFD_WAIT_MS / 5; i++) {
		v = fdinfo_num(0, fd, key);
		if (v == want || v < 0)
			break;
		nanosleep(&ts, NULL);
	}
	return v;
}

/* Every version 2 field of @q against its fdinfo key. */
static void expect_eventfds_match_fdinfo(struct __test_metadata *_metadata, int fd,
					 const struct privcmd_audit_query *q)
{
	EXPECT_EQ((long long)q->irqfds, fdinfo_num(0, fd, "privcmd.irqfds"));
	EXPECT_EQ((long long)q->irqfd_injections, fdinfo_num(0, fd, "privcmd.irqfd_injections"));
	EXPECT_EQ((long long)q->irqfd_denied, fdinfo_num(0, fd, "privcmd.irqfd_denied"));
	EXPECT_EQ((long long)q->ioeventfds, fdinfo_num(0, fd, "privcmd.ioeventfds"));
	EXPECT_EQ((long long)q->ioeventfd_notifies,
		  fdinfo_num(0, fd, "privcmd.ioeventfd_notifies"));
	EXPECT_EQ((long long)q->ioeventfd_denied, fdinfo_num(0, fd, "privcmd.ioeventfd_denied"));
}

/*
 * Real irqfd and ioeventfd activity on a real guest: an ioeventfd on an
 * ioreq server's page (as ioeventfd_test.c sets one up), an irqfd that
 * injects once and is then refused by a narrowed allowlist. The version 2
 * query agrees with fdinfo; the notify counter is 0 (the guest is paused:
 * only the end-to-end run's guest writes a notify) and present.
 */
TEST_F(audit_eventfds, query_v2_matches_fdinfo)
{
	struct privcmd_ioeventfd io;
	struct privcmd_audit_query q;
	uint32_t port;
	uint16_t id;
	long rc;

	if (!self->ours) {
		EXPECT_EQ(-ENOTTY, _test_cmd_privcmd_audit_query(self->fd, &q));
		privcmd_diff("in-tree privcmd has no audit query (ENOTTY)");
		return;
	}

	/* the ioeventfd: an enabled ioreq server, vCPU 0's channel bound */
	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &id);
	test_cmd_ioreq_server_attach(self->fd, self->evfd, self->g.domid, id, &self->area, &port);
	io = (struct privcmd_ioeventfd){
		.ioreq = (uintptr_t)self->area, .ports = (uintptr_t)&port,
		.addr = 0xfe000000ULL, .addr_len = 4, .event_fd = self->io_efd,
		.vcpus = 1, .vq = 0, .dom = self->g.domid,
	};
	rc = _test_cmd_privcmd_ioeventfd(self->fd, &io);
	ASSERT_EQ(0, rc) TH_LOG("IOCTL_PRIVCMD_IOEVENTFD: %ld", rc);

	/* the irqfd: one injection, then two refused by the allowlist */
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->irq_efd, EVENTFD_IRQ, 1);
	ASSERT_EQ(0, eventfd_write(self->irq_efd, 1));
	ASSERT_EQ(1, wait_fdinfo_num(self->fd, "privcmd.irqfd_injections", 1));
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	for (int i = 1; i <= 2; i++) {
		ASSERT_EQ(0, eventfd_write(self->irq_efd, 1));
		ASSERT_EQ(i, wait_fdinfo_num(self->fd, "privcmd.irqfd_denied", i));
	}

	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(2U, q.version);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V2, q.size);
	EXPECT_EQ(1U, q.irqfds);
	EXPECT_EQ(1U, q.irqfd_injections);
	EXPECT_EQ(2U, q.irqfd_denied);
	EXPECT_EQ(1U, q.ioeventfds);
	EXPECT_EQ(0U, q.ioeventfd_notifies);
	EXPECT_EQ(0U, q.ioeventfd_denied);
	/* the injection is a DMOP, the refusals are denied DMOPs */
	EXPECT_EQ(1U, q.calls[XEN_DMOP_set_isa_irq_level]);
	EXPECT_EQ(2U, q.denied[PRIVCMD_DENIED_ALLOWLIST]);
	EXPECT_EQ(2U, q.dm_ops_denied);
	expect_eventfds_match_fdinfo(_metadata, self->fd, &q);
	/* present, not only 0: the key fdinfo shows */
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.ioeventfd_notifies"));

	/* deassigned: the live counts drop, the counters stay */
	io.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(self->fd, &io);
	test_cmd_irqfd_deassign(self->fd, self->g.domid, self->irq_efd);
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(0U, q.irqfds);
	EXPECT_EQ(0U, q.ioeventfds);
	EXPECT_EQ(1U, q.irqfd_injections);
	EXPECT_EQ(2U, q.irqfd_denied);
	expect_eventfds_match_fdinfo(_metadata, self->fd, &q);
}

/*
 * A caller built against the version 1 header: size 1160. It gets version 1,
 * the same fields a version 2 caller gets, and not one byte past 1160 is
 * touched; a size between the two versions gets version 1 too, its bytes
 * past 1160 zeroed (they are output), nothing past its size touched.
 */
TEST_F(audit_eventfds, query_v1_caller_gets_v1)
{
	const size_t tail = 64;
	unsigned char buf[PRIVCMD_AUDIT_QUERY_SIZE_V2 + 64];
	struct privcmd_audit_query *v1 = (struct privcmd_audit_query *)buf;
	struct privcmd_audit_query v2;
	uint32_t vcpus;
	__u32 usize;

	if (!self->ours) {
		EXPECT_EQ(-ENOTTY, _test_cmd_privcmd_audit_query(self->fd, &v2));
		privcmd_diff("in-tree privcmd has no audit query (ENOTTY)");
		return;
	}
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->irq_efd, EVENTFD_IRQ, 1);

	memset(buf, 0xa5, sizeof(buf));
	v1->size = PRIVCMD_AUDIT_QUERY_SIZE_V1;
	v1->flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOCTL_PRIVCMD_AUDIT_QUERY, buf)) TH_LOG("%s",
									  strerror(errno));
	test_cmd_privcmd_audit_query(self->fd, &v2);
	EXPECT_EQ(1U, v1->version);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V1, v1->size);
	EXPECT_EQ(2U, v2.version);
	/* everything of version 1 (but version and size) as version 2 has it */
	EXPECT_EQ(0, memcmp(buf + 16, (unsigned char *)&v2 + 16,
			    PRIVCMD_AUDIT_QUERY_SIZE_V1 - 16));
	EXPECT_EQ(1U, v1->dm_ops);
	EXPECT_EQ(1U, v2.irqfds);
	for (size_t b = PRIVCMD_AUDIT_QUERY_SIZE_V1; b < sizeof(buf); b++) {
		if (buf[b] != 0xa5) {
			EXPECT_EQ(0xa5, buf[b]) TH_LOG("byte %zu past a V1 caller's struct", b);
			break;
		}
	}

	/* between the versions: still version 1 */
	usize = PRIVCMD_AUDIT_QUERY_SIZE_V1 + 24;
	memset(buf, 0xa5, sizeof(buf));
	v1->size = usize;
	v1->flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOCTL_PRIVCMD_AUDIT_QUERY, buf));
	EXPECT_EQ(1U, v1->version);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V1, v1->size);
	for (size_t b = PRIVCMD_AUDIT_QUERY_SIZE_V1; b < sizeof(buf); b++) {
		unsigned char want = b < usize ? 0 : 0xa5;

		if (buf[b] != want) {
			EXPECT_EQ(want, buf[b]) TH_LOG("byte %zu, caller's size %u", b, usize);
			break;
		}
	}

	/* a larger caller: version 2, its tail zeroed */
	usize = PRIVCMD_AUDIT_QUERY_SIZE_V2 + tail / 2;
	memset(buf, 0xa5, sizeof(buf));
	v1->size = usize;
	v1->flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, IOCTL_PRIVCMD_AUDIT_QUERY, buf));
	EXPECT_EQ(2U, v1->version);
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V2, v1->size);
	EXPECT_EQ(1U, v1->irqfds);
	for (size_t b = PRIVCMD_AUDIT_QUERY_SIZE_V2; b < sizeof(buf); b++) {
		unsigned char want = b < usize ? 0 : 0xa5;

		if (buf[b] != want) {
			EXPECT_EQ(want, buf[b]) TH_LOG("byte %zu, caller's size %u", b, usize);
			break;
		}
	}
	test_cmd_irqfd_deassign(self->fd, self->g.domid, self->irq_efd);
}

/* ---- the size rules of the size-prefixed ioctls, from one table ---- */

/* An input field that must be 0 (EINVAL otherwise). */
struct ext_field {
	const char *name;
	size_t off, len;
};

#define EXT_FIELD(type, member) \
	{ #member, offsetof(type, member), sizeof(((type *)0)->member) }

/**
 * struct ext_ioctl - a size-prefixed ioctl of ours, as its size rules see it.
 * @name: for the messages.
 * @cmd: the command number.
 * @min_size: the first version's size (PRIVCMD_*_SIZE_V1).
 * @size: the driver's struct (sizeof() of the uapi header's).
 * @out: the argument is written back: the caller's bytes past the driver's
 *	struct are output (zeroed), not input that must be zero.
 * @zero: the input fields that must be 0 (up to four; name NULL ends).
 * @fill: write a valid argument of @size bytes (size field included).
 * @refused_nothing: after the refusals, the file is as it was opened.
 * @check: after a success, what the call did (@arg: the caller's struct).
 */
struct ext_ioctl {
	const char *name;
	unsigned long cmd;
	uint32_t min_size, size;
	bool out;
	struct ext_field zero[4];
	void (*fill)(void *arg);
	bool (*refused_nothing)(int fd);
	void (*check)(struct __test_metadata *_metadata, int fd, const void *arg);
};

static void allowlist_fill(void *arg)
{
	/* all of them: allowed on a fresh file, but it sets the allowlist */
	*(struct privcmd_dm_op_allowlist *)arg = (struct privcmd_dm_op_allowlist){
		.size = sizeof(struct privcmd_dm_op_allowlist), .allowed = ~0ULL,
	};
}

static bool allowlist_refused_nothing(int fd)
{
	struct privcmd_audit_query q;

	return !_test_cmd_privcmd_audit_query(fd, &q) && q.allowed == ~0ULL &&
	       !(q.state & PRIVCMD_AUDIT_ALLOWLIST_SET) &&
	       fdinfo_num(0, fd, "privcmd.denied.allowlist") == 0;
}

static void allowlist_check(struct __test_metadata *_metadata, int fd, const void *arg)
{
	struct privcmd_audit_query q;

	test_cmd_privcmd_audit_query(fd, &q);
	EXPECT_NE(0U, q.state & PRIVCMD_AUDIT_ALLOWLIST_SET);
	EXPECT_EQ(~0ULL, q.allowed);
}

static void query_fill(void *arg)
{
	struct privcmd_audit_query *q = arg;

	/* only size and flags are read: the rest is garbage to overwrite */
	memset(q, 0xa5, sizeof(*q));
	q->size = sizeof(*q);
	q->flags = 0;
}

static bool query_refused_nothing(int fd)
{
	return fdinfo_num(0, fd, "privcmd.dm_ops") == 0;
}

static void query_check(struct __test_metadata *_metadata, int fd, const void *arg)
{
	const struct privcmd_audit_query *q = arg;

	/* the size the driver filled in, not the caller's */
	EXPECT_EQ((__u32)PRIVCMD_AUDIT_QUERY_SIZE_V2, q->size);
	EXPECT_EQ(0U, q->flags);
	EXPECT_EQ(2U, q->version);
	EXPECT_EQ(0U, q->state);
	EXPECT_EQ(PC_DOMID_INVALID, q->restricted_domid);
	EXPECT_EQ(0, q->reserved0);
	EXPECT_EQ(0U, q->reserved1);
	EXPECT_EQ(~0ULL, q->allowed);
	EXPECT_EQ(0U, q->dm_ops);
	EXPECT_EQ(0U, q->dm_ops_denied);
	EXPECT_EQ(0U, q->mapped_pages);
	for (int i = 0; i < PRIVCMD_AUDIT_DENIED_SLOTS; i++)
		EXPECT_EQ(0U, q->denied[i]);
	for (int i = 0; i < PRIVCMD_AUDIT_NR_OPS; i++)
		EXPECT_EQ(0U, q->calls[i] | q->failures[i]);
	EXPECT_EQ(0U, q->calls_other | q->failures_other);
	EXPECT_EQ(0U, q->irqfds | q->irqfd_injections | q->irqfd_denied);
	EXPECT_EQ(0U, q->ioeventfds | q->ioeventfd_notifies | q->ioeventfd_denied);
}

static const struct ext_ioctl ext_ioctls[] = {
	{
		.name = "DM_OP_ALLOWLIST",
		.cmd = IOCTL_PRIVCMD_DM_OP_ALLOWLIST,
		.min_size = PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1,
		.size = sizeof(struct privcmd_dm_op_allowlist),
		.zero = {
			EXT_FIELD(struct privcmd_dm_op_allowlist, flags),
			EXT_FIELD(struct privcmd_dm_op_allowlist, reserved[0]),
			EXT_FIELD(struct privcmd_dm_op_allowlist, reserved[1]),
		},
		.fill = allowlist_fill,
		.refused_nothing = allowlist_refused_nothing,
		.check = allowlist_check,
	},
	{
		.name = "AUDIT_QUERY",
		.cmd = IOCTL_PRIVCMD_AUDIT_QUERY,
		.min_size = PRIVCMD_AUDIT_QUERY_SIZE_V1,
		.size = sizeof(struct privcmd_audit_query),
		.out = true,
		.zero = { EXT_FIELD(struct privcmd_audit_query, flags) },
		.fill = query_fill,
		.refused_nothing = query_refused_nothing,
		.check = query_check,
	},
};

/* The ioctl on a fresh valid argument at @arg whose size field is @usize. */
static long ext_call(const struct ext_ioctl *e, int fd, void *arg, uint32_t usize)
{
	e->fill(arg);
	memcpy(arg, &usize, sizeof(usize));
	return __test_cmd_ioctl(fd, e->cmd, e->name, arg);
}

/*
 * Every size-prefixed ioctl follows the same rules (privcmd_ioctl_ext()),
 * with otherwise valid arguments: the u32 at offset 0 is the caller's size;
 * below the first version EINVAL, above a page E2BIG; the caller's bytes
 * past the driver's struct must be zero (E2BIG) unless the struct is output,
 * then they are zeroed; nothing past the caller's size is touched; nothing
 * refused changes the file.
 */
TEST_F(audit, size_prefixed_ioctls)
{
	const uint32_t page = getpagesize();
	const uint32_t too_small[] = { 0, 1, 4, 8 };
	const uint32_t too_big[] = { page + 1, 2 * page, 1U << 20, UINT32_MAX };
	const uint32_t larger[] = { 1, 8, 40, 1024, page };
	unsigned char *map, *end;

	/*
	 * the table covers every size-prefixed ioctl: _IOW/_IOWR, 0x40 up;
	 * the command number carries the first version's size (it never
	 * changes as the struct grows)
	 */
	for (size_t i = 0; i < ARRAY_SIZE(ext_ioctls); i++) {
		const struct ext_ioctl *e = &ext_ioctls[i];

		EXPECT_EQ(e->min_size, _IOC_SIZE(e->cmd)) TH_LOG("%s", e->name);
		EXPECT_EQ((unsigned long)'P', _IOC_TYPE(e->cmd));
		EXPECT_EQ(0x40 + i, _IOC_NR(e->cmd)) TH_LOG("%s", e->name);
		EXPECT_EQ(e->out ? _IOC_READ | _IOC_WRITE : _IOC_WRITE, _IOC_DIR(e->cmd));
		EXPECT_LE(8U, e->min_size);
		EXPECT_LE(e->min_size, e->size);
	}
	EXPECT_EQ(32U, sizeof(struct privcmd_dm_op_allowlist));
	EXPECT_EQ(1208U, sizeof(struct privcmd_audit_query));
	EXPECT_EQ(1160U, (unsigned int)PRIVCMD_AUDIT_QUERY_SIZE_V1);
	EXPECT_EQ(1208U, (unsigned int)PRIVCMD_AUDIT_QUERY_SIZE_V2);
	UPSTREAM_OR_RETURN("size-prefixed ioctls");

	/* two pages, the second one inaccessible */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	end = map + page;

	for (size_t i = 0; i < ARRAY_SIZE(ext_ioctls); i++) {
		const struct ext_ioctl *e = &ext_ioctls[i];
		int fd = privcmd_open();
		unsigned char *arg;
		uint32_t usize;

		ASSERT_LE(0, fd) TH_LOG("%s", e->name);

		/* below the first version */
		for (size_t k = 0; k < ARRAY_SIZE(too_small); k++)
			EXPECT_EQ(-EINVAL, ext_call(e, fd, map, too_small[k]));
		EXPECT_EQ(-EINVAL, ext_call(e, fd, map, e->min_size - 8));
		EXPECT_EQ(-EINVAL, ext_call(e, fd, map, e->min_size - 1));
		/* beyond a page, whatever lies there */
		for (size_t k = 0; k < ARRAY_SIZE(too_big); k++)
			EXPECT_EQ(-E2BIG, ext_call(e, fd, map, too_big[k]));
		/* input fields that must be zero */
		for (const struct ext_field *f = e->zero; f->name; f++) {
			for (size_t b = 0; b < f->len; b++) {
				e->fill(map);
				map[f->off + b] = 0x80;
				EXPECT_EQ(-EINVAL, __test_cmd_ioctl(fd, e->cmd, e->name, map))
					TH_LOG("%s byte %zu", f->name, b);
			}
		}

		/* unreadable: the size, the struct, the caller's tail */
		test_err(EFAULT, __test_cmd_ioctl(fd, e->cmd, e->name, NULL));
		test_err(EFAULT, __test_cmd_ioctl(fd, e->cmd, e->name, end));
		test_err(EFAULT, __test_cmd_ioctl(fd, e->cmd, e->name, end - 2));
		memcpy(end - 4, &e->size, 4);
		test_err(EFAULT, __test_cmd_ioctl(fd, e->cmd, e->name, end - 4));
		arg = end - e->size;
		EXPECT_EQ(-EFAULT, ext_call(e, fd, arg, e->size + 8));
		EXPECT_EQ(-EFAULT, ext_call(e, fd, arg, page));

		if (!e->out) {
			/* a newer caller's bytes past ours: zero or E2BIG */
			arg = map;
			memset(map, 0, page);
			for (usize = e->size + 1; usize <= page; usize += usize < e->size + 16 ? 1 : 509) {
				map[usize - 1] = 1;
				EXPECT_EQ(-E2BIG, ext_call(e, fd, arg, usize))
					TH_LOG("%s size %u", e->name, usize);
				map[usize - 1] = 0;
			}
			map[page - 1] = 0x80;
			EXPECT_EQ(-E2BIG, ext_call(e, fd, arg, page));
			map[page - 1] = 0;
		}
		EXPECT_TRUE(e->refused_nothing(fd)) TH_LOG("%s", e->name);

		/* accepted: the first version, exactly ours, a larger one (to a page) */
		memset(map, 0, page);
		ASSERT_EQ(0, ext_call(e, fd, map, e->min_size)) TH_LOG("%s", e->name);
		memset(map, 0, page);
		ASSERT_EQ(0, ext_call(e, fd, map, e->size)) TH_LOG("%s", e->name);
		e->check(_metadata, fd, map);
		for (size_t k = 0; k < ARRAY_SIZE(larger); k++) {
			usize = e->size + larger[k] < page ? e->size + larger[k] : page;
			/* output: whatever was there is zeroed; input: must be zero */
			memset(map, e->out ? 0xff : 0, page);
			ASSERT_EQ(0, ext_call(e, fd, map, usize)) TH_LOG("%s size %u", e->name, usize);
			e->check(_metadata, fd, map);
			/* the tail up to the caller's size, nothing beyond */
			for (uint32_t b = e->size; b < page; b++) {
				unsigned char want = b < usize || !e->out ? 0 : 0xff;

				if (map[b] != want) {
					EXPECT_EQ(want, map[b])
						TH_LOG("%s size %u: byte %u", e->name, usize, b);
					break;
				}
			}
		}
		/* input: the call read, never wrote, the caller's struct */
		if (!e->out) {
			e->fill(map);
			memcpy(map + e->size, "\0\0\0\0", 4);
			ASSERT_EQ(0, ext_call(e, fd, map, e->size + 4));
			EXPECT_EQ(e->size + 4, *(uint32_t *)map);
		}
		close(fd);
	}
	munmap(map, 2 * page);
}

/* ---- mapped pages ---- */

TEST_F(audit, mapped_pages_follow_mappings)
{
	enum { N = 16 };
	uint64_t gfns[N];
	int err[N], i;
	void *area, *other;

	UPSTREAM_OR_RETURN("mapped page counter");
	area = privcmd_map_area(self->fd, N);
	ASSERT_NE(NULL, area);
	for (i = 0; i < N; i++)
		gfns[i] = i < N - 2 ? i : 1000000 + i;	/* the last two do not exist */
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, area, N, gfns, err);
	EXPECT_NE(0, err[N - 1]);
	EXPECT_EQ(N - 2, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));

	/* A second mapping, whole. */
	other = privcmd_map_area(self->fd, 4);
	ASSERT_NE(NULL, other);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, other, 4, gfns, err);
	EXPECT_EQ(N + 2, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));

	munmap(area, N * getpagesize());
	EXPECT_EQ(4, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	munmap(other, 4 * getpagesize());
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
}

TEST_F(audit, mapped_pages_resource)
{
	struct privcmd_mmap_resource r = { .dom = self->g.domid,
					   .type = XENMEM_resource_ioreq_server };
	struct privcmd_audit_query q;
	uint16_t id;
	void *area;

	UPSTREAM_OR_RETURN("mapped page counter");
	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &id);
	area = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, area);
	r.id = id;
	r.idx = XENMEM_resource_ioreq_server_frame_ioreq(0);
	r.num = 1;
	r.addr = (uintptr_t)area;
	test_cmd_privcmd_mmap_resource(self->fd, &r);
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(1U, q.mapped_pages);
	munmap(area, getpagesize());
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(0U, q.mapped_pages);
	test_cmd_dmop_destroy_ioreq_server(self->fd, self->g.domid, id);
}

/*
 * MMAP (v0) whose last frame does not exist: the kernel's remap helper
 * reports only the error, but the frames before it stay mapped, and the
 * counter says so.
 */
TEST_F(audit, mapped_pages_after_a_partial_mmap)
{
	struct privcmd_mmap_entry e[2];
	struct privcmd_audit_query q;
	unsigned char *a, *b;
	uint64_t gfns[3] = { 40, 254, 255 };
	int err[3], page = getpagesize();

	UPSTREAM_OR_RETURN("mapped page counter");
	if (xen_env_auto_translated()) {
		/* No MMAP there; MMAPBATCH reports each frame (counted above). */
		test_err_ioctl(EOPNOTSUPP, self->fd, IOCTL_PRIVCMD_MMAP, NULL);
		return;
	}
	/* Mark the guest's frames through a mapping that works. */
	b = privcmd_map_area(self->fd, 3);
	ASSERT_NE(NULL, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 3, gfns, err);
	b[0] = 0x11;
	b[page] = 0x22;
	b[2 * page] = 0x33;

	/* One frame, then 254, 255 and 256: the guest has 256 (0..255). */
	a = privcmd_map_area(self->fd, 4);
	ASSERT_NE(NULL, a);
	e[0] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a, .mfn = 40, .npages = 1 };
	e[1] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a + page, .mfn = 254, .npages = 3 };
	EXPECT_GT(0, _test_cmd_privcmd_mmap(self->fd, self->g.domid, e, 2));
	EXPECT_EQ(0x11, a[0]);
	EXPECT_EQ(0x22, a[page]);
	EXPECT_EQ(0x33, a[2 * page]);
	EXPECT_TRUE(privcmd_read_sigbus(a + 3 * page));
	/* 3 of the 4 frames, beside the 3 of the first mapping. */
	EXPECT_EQ(6, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(6U, q.mapped_pages);
	munmap(a, 4 * page);
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	munmap(b, 3 * page);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
}

/* A raw __HYPERVISOR_dm_op through IOCTL_PRIVCMD_HYPERCALL: 0 or -errno. */
static long raw_dm_op_nr_vcpus(int fd, unsigned int domid, struct xen_dm_op *op)
{
	static xen_dm_op_buf_t buf;

	memset(op, 0, sizeof(*op));
	op->op = XEN_DMOP_nr_vcpus;
	buf.h.p = op;	/* xenctrl.h redefines set_xen_guest_handle() */
	buf.size = sizeof(*op);
	return _test_cmd_privcmd_hypercall(fd, __HYPERVISOR_dm_op, domid, 1, (uintptr_t)&buf, 0,
					   0);
}

/*
 * Once a file has an allowlist, IOCTL_PRIVCMD_HYPERCALL cannot carry a DMOP
 * around it: neither a raw dm_op nor a multicall (which could hold one).
 */
TEST_F(audit, allowlist_closes_the_raw_hypercall_path)
{
	struct xen_dm_op op;
	struct privcmd_audit_query q;
	multicall_entry_t mc = { .op = __HYPERVISOR_xen_version };

	/* Before: the raw path works on both drivers. */
	ASSERT_EQ(0, raw_dm_op_nr_vcpus(self->fd, self->g.domid, &op));
	EXPECT_EQ(1U, op.u.nr_vcpus.vcpus);
	UPSTREAM_OR_RETURN("DMOP allowlist");
	test_cmd_privcmd_dm_op_allowlist(self->fd, BIT64(XEN_DMOP_nr_vcpus));
	/* Even a sub-op the list allows: only DM_OP enforces it. */
	EXPECT_EQ(-EPERM, raw_dm_op_nr_vcpus(self->fd, self->g.domid, &op));
	EXPECT_EQ(0U, op.u.nr_vcpus.vcpus);
	test_err_privcmd_hypercall(EPERM, self->fd, __HYPERVISOR_multicall, (uintptr_t)&mc, 1,
				   0, 0, 0);
	/* Other hypercalls still pass, and the typed path still works. */
	test_cmd_privcmd_hypercall(self->fd, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ(2U, q.denied[PRIVCMD_DENIED_ALLOWLIST]);
	EXPECT_EQ(0U, q.dm_ops_denied);
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, (uint32_t *)&op);
}

struct in_flight {
	int fd;
	unsigned int domid;
	volatile bool stop;
	volatile long ok, refused;
};

static void *nr_vcpus_loop(void *p)
{
	struct in_flight *f = p;
	uint32_t vcpus;

	while (!f->stop) {
		int rc = _test_cmd_dmop_nr_vcpus(f->fd, f->domid, &vcpus);

		if (!rc)
			f->ok++;
		else if (rc == -EPERM)
			f->refused++;
	}
	return NULL;
}

/*
 * A narrowing of the allowlist returns only once no DMOP that passed the old
 * list is still on its way to Xen: from then on the count of the sub-op it
 * removed never moves again, though a thread keeps trying it.
 */
TEST_F(audit, allowlist_waits_for_dm_ops_in_flight)
{
	enum { ROUNDS = 150 };
	int moved = 0, r;

	UPSTREAM_OR_RETURN("DMOP allowlist");
	for (r = 0; r < ROUNDS; r++) {
		struct in_flight f = { .domid = self->g.domid };
		struct privcmd_audit_query q1, q2;
		pthread_t t;

		f.fd = privcmd_open();
		ASSERT_LE(0, f.fd);
		ASSERT_EQ(0, pthread_create(&t, NULL, nr_vcpus_loop, &f));
		while (f.ok < 3)
			usleep(100);
		test_cmd_privcmd_dm_op_allowlist(f.fd, BIT64(XEN_DMOP_set_isa_irq_level));
		test_cmd_privcmd_audit_query(f.fd, &q1);
		while (f.refused < 3)
			usleep(100);
		test_cmd_privcmd_audit_query(f.fd, &q2);
		f.stop = true;
		pthread_join(t, NULL);
		moved += q2.calls[XEN_DMOP_nr_vcpus] != q1.calls[XEN_DMOP_nr_vcpus];
		EXPECT_EQ(q1.calls[XEN_DMOP_nr_vcpus], (uint64_t)f.ok);
		close(f.fd);
	}
	EXPECT_EQ(0, moved) TH_LOG("%d of %d narrowings returned before a DMOP they "
				   "removed was counted", moved, ROUNDS);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
