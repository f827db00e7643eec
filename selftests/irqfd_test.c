// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL_PRIVCMD_IRQFD against real HVM guests: an eventfd write makes the
 * driver issue XEN_DMOP_set_isa_irq_level, read back from Xen's ISA IRQ
 * wires (HVM_SAVE_CODE(ISA_IRQ)); the errnos, one thing wrong per case;
 * the restriction and the allowlist at assign and at each injection; the
 * ends of an irqfd (deassign, eventfd close, file close, exit) alone and
 * racing signals and each other, with the live counters back at the end.
 *
 * The in-tree driver has no IRQFD (6.1: ENOTTY; Debian's 6.12, built
 * without CONFIG_XEN_PRIVCMD_EVENTFD: EOPNOTSUPP): there each test asserts
 * that answer and prints a "# DIFF:" line.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/audit_util.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

#define IRQ 5		/* an ISA wire nothing else drives in a paused guest */
#define WAIT_MS 3000	/* an injection runs in a kernel worker: wait for it */

/* Upstream's layout, as its header spells it (Linux 6.7+). */
static_assert(sizeof(struct privcmd_irqfd) == 24, "privcmd_irqfd");
static_assert(sizeof(struct privcmd_ioeventfd) == 48, "privcmd_ioeventfd");

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int new_eventfd(void)
{
	return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

static int signal_eventfd(int efd)
{
	uint64_t one = 1;

	return write(efd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

/* The wire's level once it is @want, or after WAIT_MS: 0, 1 or -errno. */
static int wait_isa(uint32_t domid, int want)
{
	return xen_guest_isa_irq_wait(domid, IRQ, want, WAIT_MS);
}

/* An fdinfo counter once it is @want, or after WAIT_MS. */
static long long wait_fdinfo(int fd, const char *key, long long want)
{
	long long end = now_ms() + WAIT_MS;
	long long v;

	while ((v = fdinfo_num(0, fd, key)) != want && v >= 0 && now_ms() < end)
		sleep_ms(5);
	return v;
}

static long long live_irqfds(void)
{
	return live_value("xen_privcmd", "irqfds");
}

/* The live count once it is @want, or after WAIT_MS (an eventfd's close is async). */
static long long wait_live_irqfds(long long want)
{
	long long end = now_ms() + WAIT_MS;
	long long v;

	while ((v = live_irqfds()) != want && v >= 0 && now_ms() < end)
		sleep_ms(5);
	return v;
}

FIXTURE(irqfd) {
	int fd;
	int efd;
	struct xen_guest g, g2;
	bool ours;
	long long live0;
};

FIXTURE_SETUP(irqfd)
{
	self->ours = xen_env_ours();
	self->efd = new_eventfd();
	ASSERT_LE(0, self->efd) TH_LOG("eventfd: %s", strerror(errno));
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g, &self->g2 });
	self->live0 = self->ours ? live_irqfds() : 0;
	ASSERT_LE(0, self->live0) TH_LOG("debugfs xen_privcmd/live irqfds: %s",
					  strerror((int)-self->live0));
}

FIXTURE_TEARDOWN(irqfd)
{
	if (self->efd >= 0)
		close(self->efd);
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g, &self->g2 });
	/* Every irqfd of the test is gone with its files. */
	if (self->ours)
		EXPECT_EQ(self->live0, wait_live_irqfds(self->live0));
}

/* The in-tree driver: assert its answer, say so, and end the test. */
#define UPSTREAM_OR_RETURN()							\
	do {									\
		long _rc;							\
										\
		if (self->ours)							\
			break;							\
		_rc = _test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1); \
		EXPECT_TRUE(_rc == -ENOTTY || _rc == -EOPNOTSUPP)		\
			TH_LOG("in-tree IOCTL_PRIVCMD_IRQFD: %ld", _rc);	\
		privcmd_diff("in-tree privcmd has no IRQFD (%s)",		\
			     _rc == -ENOTTY ? "ENOTTY" : "EOPNOTSUPP");	\
		return;								\
	} while (0)

TEST(uapi_layout_is_upstreams)
{
	EXPECT_EQ(0U, offsetof(struct privcmd_irqfd, dm_op));
	EXPECT_EQ(8U, offsetof(struct privcmd_irqfd, size));
	EXPECT_EQ(12U, offsetof(struct privcmd_irqfd, fd));
	EXPECT_EQ(16U, offsetof(struct privcmd_irqfd, flags));
	EXPECT_EQ(20U, offsetof(struct privcmd_irqfd, dom));
	EXPECT_EQ(22U, offsetof(struct privcmd_irqfd, pad));
	EXPECT_EQ(0U, offsetof(struct privcmd_ioeventfd, ioreq));
	EXPECT_EQ(8U, offsetof(struct privcmd_ioeventfd, ports));
	EXPECT_EQ(16U, offsetof(struct privcmd_ioeventfd, addr));
	EXPECT_EQ(24U, offsetof(struct privcmd_ioeventfd, addr_len));
	EXPECT_EQ(28U, offsetof(struct privcmd_ioeventfd, event_fd));
	EXPECT_EQ(32U, offsetof(struct privcmd_ioeventfd, vcpus));
	EXPECT_EQ(36U, offsetof(struct privcmd_ioeventfd, vq));
	EXPECT_EQ(40U, offsetof(struct privcmd_ioeventfd, flags));
	EXPECT_EQ(44U, offsetof(struct privcmd_ioeventfd, dom));
	/* _IOW('P', 8, 24 bytes) and _IOW('P', 9, 48 bytes), as in Linux 6.12. */
	EXPECT_EQ(0x40185008UL, (unsigned long)IOCTL_PRIVCMD_IRQFD);
	EXPECT_EQ(0x40305009UL, (unsigned long)IOCTL_PRIVCMD_IOEVENTFD);
	EXPECT_EQ(1, PRIVCMD_IRQFD_FLAG_DEASSIGN);
	EXPECT_EQ(1, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN);
}

TEST_F(irqfd, eventfd_write_raises_isa_irq)
{
	uint64_t calls, fails, cnt;

	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, xen_guest_isa_irq(self->g.domid, IRQ));
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0 + 1, live_irqfds());
	/* Assigned, not signalled: nothing happens. */
	sleep_ms(50);
	EXPECT_EQ(0, xen_guest_isa_irq(self->g.domid, IRQ));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfd_injections"));

	ASSERT_EQ(0, signal_eventfd(self->efd));
	EXPECT_EQ(1, wait_isa(self->g.domid, 1));
	EXPECT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 1));
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "set_isa_irq_level", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(0U, fails);
	/* The driver consumed the count, as upstream's irqfd does. */
	EXPECT_EQ(-1, read(self->efd, &cnt, sizeof(cnt)));
	EXPECT_EQ(EAGAIN, errno);

	test_cmd_irqfd_deassign(self->fd, self->g.domid, self->efd);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0, live_irqfds());
	/* Deassigned: a signal stays in the eventfd, the wire stays low. */
	test_cmd_dmop_set_isa_irq_level(self->fd, self->g.domid, IRQ, 0);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	sleep_ms(200);
	EXPECT_EQ(0, xen_guest_isa_irq(self->g.domid, IRQ));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfd_injections"));
	EXPECT_EQ((ssize_t)sizeof(cnt), read(self->efd, &cnt, sizeof(cnt)));
	EXPECT_EQ(1U, cnt);
}

TEST_F(irqfd, pending_signal_injected_at_assign)
{
	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, signal_eventfd(self->efd));
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	EXPECT_EQ(1, wait_isa(self->g.domid, 1));
	EXPECT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 1));
}

/* Two irqfds on one file, one raising the wire and one lowering it. */
TEST_F(irqfd, two_irqfds_raise_and_lower)
{
	int low = new_eventfd();

	UPSTREAM_OR_RETURN();
	ASSERT_LE(0, low);
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	test_cmd_irqfd_isa(self->fd, self->g.domid, low, IRQ, 0);
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, signal_eventfd(self->efd));
		EXPECT_EQ(1, wait_isa(self->g.domid, 1));
		ASSERT_EQ(0, signal_eventfd(low));
		EXPECT_EQ(0, wait_isa(self->g.domid, 0));
	}
	EXPECT_EQ(6, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 6));
	close(low);
}

TEST_F(irqfd, errnos)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };
	struct privcmd_irqfd a = {
		.dm_op = (uintptr_t)&op, .size = sizeof(op), .fd = self->efd, .dom = self->g.domid,
	};
	struct privcmd_irqfd b;
	int pipefd[2], dupfd;
	char *big;

	UPSTREAM_OR_RETURN();
	op.u.set_isa_irq_level.isa_irq = IRQ;
	op.u.set_isa_irq_level.level = 1;
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));

	/* Unknown flags, alone or with DEASSIGN. */
	b = a, b.flags = 2;
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	b = a, b.flags = 0x80000000U;
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	b = a, b.flags = PRIVCMD_IRQFD_FLAG_DEASSIGN | 4;
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	/* Not an open file; not an eventfd. */
	b = a, b.fd = -1;
	test_err_privcmd_irqfd(EBADF, self->fd, &b);
	b = a, b.fd = 4000;
	test_err_privcmd_irqfd(EBADF, self->fd, &b);
	b = a, b.fd = pipefd[0];
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	b = a, b.fd = self->fd;
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	/* The DMOP: empty, more than a page, unreadable. */
	b = a, b.size = 0;
	test_err_privcmd_irqfd(EINVAL, self->fd, &b);
	b = a, b.size = 4097;
	test_err_privcmd_irqfd(E2BIG, self->fd, &b);
	b = a, b.size = UINT32_MAX;
	test_err_privcmd_irqfd(E2BIG, self->fd, &b);
	b = a, b.dm_op = 0;
	test_err_privcmd_irqfd(EFAULT, self->fd, &b);
	b = a, b.dm_op = 0xffff888000000000ULL;
	test_err_privcmd_irqfd(EFAULT, self->fd, &b);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_IRQFD, NULL);
	/* Upstream's number with another size or direction is another command. */
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_NONE, 'P', 8, 24), &a);
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_WRITE, 'P', 8, 16), &a);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0, live_irqfds());

	/* A page exactly is accepted; the pad is ignored, as upstream does. */
	big = calloc(1, 4096);
	ASSERT_NE(NULL, big);
	memcpy(big, &op, sizeof(op));
	b = a, b.dm_op = (uintptr_t)big, b.size = 4096, b.pad[0] = 0xff, b.pad[1] = 1;
	test_cmd_privcmd_irqfd(self->fd, &b);
	free(big);
	/* The same eventfd again, also through another fd of it: EBUSY. */
	test_err_privcmd_irqfd(EBUSY, self->fd, &a);
	dupfd = dup(self->efd);
	ASSERT_LE(0, dupfd);
	b = a, b.fd = dupfd;
	test_err_privcmd_irqfd(EBUSY, self->fd, &b);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	/* Deassign through the dup: the eventfd is what names an irqfd. */
	test_cmd_irqfd_deassign(self->fd, self->g.domid, dupfd);
	test_err_irqfd_deassign(ENOENT, self->fd, self->g.domid, self->efd);
	test_err_irqfd_deassign(EBADF, self->fd, self->g.domid, -1);
	test_err_irqfd_deassign(EINVAL, self->fd, self->g.domid, pipefd[1]);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	/* Deassign reads no DMOP: a bad pointer there does not matter. */
	test_cmd_privcmd_irqfd(self->fd, &a);
	b = a, b.flags = PRIVCMD_IRQFD_FLAG_DEASSIGN, b.dm_op = 1, b.size = 0;
	test_cmd_privcmd_irqfd(self->fd, &b);
	/* A file's irqfds are its own: another file knows none of them. */
	test_cmd_privcmd_irqfd(self->fd, &a);
	{
		int fd2 = privcmd_open();

		ASSERT_LE(0, fd2);
		test_err_irqfd_deassign(ENOENT, fd2, self->g.domid, self->efd);
		test_cmd_privcmd_irqfd(fd2, &a);
		EXPECT_EQ(self->live0 + 2, live_irqfds());
		close(fd2);
	}
	EXPECT_EQ(self->live0 + 1, live_irqfds());
	close(dupfd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* On a restricted file: EPERM for another domain, before anything is looked at. */
TEST_F(irqfd, restricted_file_eperm_first)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };
	struct privcmd_irqfd a = {
		.dm_op = (uintptr_t)&op, .size = sizeof(op), .fd = self->efd, .dom = self->g2.domid,
	};

	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_err_privcmd_irqfd(EPERM, self->fd, &a);
	/* Neither the eventfd nor the DMOP is read. */
	a.fd = -1;
	test_err_privcmd_irqfd(EPERM, self->fd, &a);
	a.dm_op = 0;
	test_err_privcmd_irqfd(EPERM, self->fd, &a);
	test_err_irqfd_isa(EPERM, self->fd, 0, self->efd, IRQ, 1);
	test_err_irqfd_isa(EPERM, self->fd, PC_DOMID_NONE, self->efd, IRQ, 1);
	test_err_irqfd_isa(EPERM, self->fd, PC_DOMID_SELF, self->efd, IRQ, 1);
	test_err_irqfd_deassign(EPERM, self->fd, self->g2.domid, self->efd);
	/* The flags come first, as upstream. */
	a.flags = 2;
	test_err_privcmd_irqfd(EINVAL, self->fd, &a);
	EXPECT_EQ(7, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0, live_irqfds());

	/* Its own domain works. */
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	EXPECT_EQ(1, wait_isa(self->g.domid, 1));
	EXPECT_EQ(0, xen_guest_isa_irq(self->g2.domid, IRQ));
}

TEST_F(irqfd, allowlist_refuses_assign)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_isa_irq_level };
	struct privcmd_irqfd a = {
		.dm_op = (uintptr_t)&op, .size = 2, .fd = self->efd, .dom = self->g.domid,
	};

	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_dm_op_allowlist(self->fd, 1ULL << XEN_DMOP_nr_vcpus);
	test_err_irqfd_isa(EPERM, self->fd, self->g.domid, self->efd, IRQ, 1);
	/* With an allowlist, a DMOP too short to name its sub-op is refused too. */
	test_err_privcmd_irqfd(EPERM, self->fd, &a);
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0, live_irqfds());
}

/* Narrowing the allowlist after the assign stops injections, each counted. */
TEST_F(irqfd, allowlist_narrowing_stops_injections)
{
	int fd2 = privcmd_open();

	UPSTREAM_OR_RETURN();
	ASSERT_LE(0, fd2);
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	ASSERT_EQ(1, wait_isa(self->g.domid, 1));
	ASSERT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 1));

	test_cmd_privcmd_dm_op_allowlist(self->fd, 1ULL << XEN_DMOP_nr_vcpus);
	/* Lowered through another file, which has no allowlist. */
	test_cmd_dmop_set_isa_irq_level(fd2, self->g.domid, IRQ, 0);
	for (int i = 1; i <= 3; i++) {
		ASSERT_EQ(0, signal_eventfd(self->efd));
		EXPECT_EQ(i, wait_fdinfo(self->fd, "privcmd.irqfd_denied", i));
	}
	EXPECT_EQ(0, xen_guest_isa_irq(self->g.domid, IRQ));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfd_injections"));
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "privcmd.denied.allowlist"));
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "privcmd.dm_ops_denied"));
	/* The irqfd stays until deassigned. */
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	test_cmd_irqfd_deassign(self->fd, self->g.domid, self->efd);
	close(fd2);
}

/* Assigned while unrestricted, then the file is restricted elsewhere. */
TEST_F(irqfd, restrict_elsewhere_stops_injections)
{
	UPSTREAM_OR_RETURN();
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	test_cmd_privcmd_restrict(self->fd, self->g2.domid);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	EXPECT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_denied", 1));
	EXPECT_EQ(0, xen_guest_isa_irq(self->g.domid, IRQ));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfd_injections"));
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	/* Deassign names the other domain: refused like any call to it. */
	test_err_irqfd_deassign(EPERM, self->fd, self->g.domid, self->efd);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	/* Closing the eventfd ends it (the teardown checks the live count). */
	close(self->efd);
	self->efd = -1;
	EXPECT_EQ(0, wait_fdinfo(self->fd, "privcmd.irqfds", 0));
}

/* Xen's refusals are counted; the irqfd stays, also once its guest is gone. */
TEST_F(irqfd, xen_errors_counted_and_guest_destroyed)
{
	struct xen_dm_op op = { .op = 30 };	/* no such sub-op in Xen 4.17 */
	struct privcmd_irqfd a = {
		.dm_op = (uintptr_t)&op, .size = sizeof(op), .fd = self->efd, .dom = self->g.domid,
	};
	int efd2 = new_eventfd();
	uint64_t calls, fails;

	UPSTREAM_OR_RETURN();
	ASSERT_LE(0, efd2);
	test_cmd_privcmd_irqfd(self->fd, &a);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	EXPECT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 1));
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "op30", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(1U, fails);

	test_cmd_irqfd_isa(self->fd, self->g.domid, efd2, IRQ, 1);
	ASSERT_EQ(0, xen_guest_destroy(&self->g));
	ASSERT_EQ(0, signal_eventfd(efd2));
	EXPECT_EQ(2, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 2));
	ASSERT_EQ(0, audit_fdinfo_dm_op(self->fd, "set_isa_irq_level", &calls, &fails));
	EXPECT_EQ(1U, calls);
	EXPECT_EQ(1U, fails);	/* ESRCH */
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	close(efd2);
	EXPECT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfds", 1));
}

TEST_F(irqfd, eventfd_close_ends_it)
{
	UPSTREAM_OR_RETURN();
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	close(self->efd);
	self->efd = -1;
	EXPECT_EQ(0, wait_fdinfo(self->fd, "privcmd.irqfds", 0));
	EXPECT_EQ(self->live0, wait_live_irqfds(self->live0));
}

/* The last close of the file ends its irqfds before close() returns. */
TEST_F(irqfd, file_close_ends_them)
{
	int efds[8];
	int fd2 = privcmd_open();

	UPSTREAM_OR_RETURN();
	ASSERT_LE(0, fd2);
	for (int i = 0; i < 8; i++) {
		efds[i] = new_eventfd();
		ASSERT_LE(0, efds[i]);
		test_cmd_irqfd_isa(fd2, self->g.domid, efds[i], IRQ, i & 1);
		ASSERT_EQ(0, signal_eventfd(efds[i]));
	}
	EXPECT_EQ(self->live0 + 8, live_irqfds());
	close(fd2);
	EXPECT_EQ(self->live0, live_irqfds());
	for (int i = 0; i < 8; i++) {
		EXPECT_EQ(0, signal_eventfd(efds[i]));
		close(efds[i]);
	}
}

/* A process that exits with irqfds assigned and signals in flight. */
TEST_F(irqfd, exit_ends_them)
{
	int status;
	pid_t pid;

	UPSTREAM_OR_RETURN();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = privcmd_open();

		for (int i = 0; i < 4 && fd >= 0; i++) {
			int efd = new_eventfd();

			if (efd < 0 || _test_cmd_irqfd_isa(fd, self->g.domid, efd, IRQ, 1))
				_exit(1);
			for (int j = 0; j < 10; j++)
				signal_eventfd(efd);
		}
		_exit(fd < 0 ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(self->live0, live_irqfds());
}

#define LINES(text, ...) audit_count_lines(text, (const char *const[]){ __VA_ARGS__, NULL })

/* The tracepoints: assign, each injection, each refusal, the release. */
TEST_F(irqfd, tracepoints)
{
	char dom[32], op[32];
	struct audit_trace t;
	char *text;

	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, audit_trace_start(&t, "xen_privcmd"));
	snprintf(dom, sizeof(dom), "domid=%u ", self->g.domid);
	snprintf(op, sizeof(op), "op=%u ", XEN_DMOP_set_isa_irq_level);
	test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ, 1);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	ASSERT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_injections", 1));
	test_cmd_privcmd_dm_op_allowlist(self->fd, 1ULL << XEN_DMOP_nr_vcpus);
	ASSERT_EQ(0, signal_eventfd(self->efd));
	ASSERT_EQ(1, wait_fdinfo(self->fd, "privcmd.irqfd_denied", 1));
	test_cmd_irqfd_deassign(self->fd, self->g.domid, self->efd);
	text = audit_trace_read(&t);
	audit_trace_stop(&t);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, LINES(text, "privcmd_irqfd: ", dom, op, "assign"));
	EXPECT_EQ(1, LINES(text, "privcmd_irqfd_inject: ", dom, op, "result=0"));
	EXPECT_EQ(1, LINES(text, "privcmd_denied: ", "ioctl=irqfd", "reason=allowlist"));
	EXPECT_EQ(1, LINES(text, "privcmd_irqfd: ", dom, op, "release"));
	free(text);
}

/* Races: a writer signalling the eventfd while the irqfd comes and goes. */
struct writer {
	int efd;
	atomic_bool stop;
	atomic_long writes;
	pthread_t thread;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	while (!atomic_load(&w->stop)) {
		if (!signal_eventfd(w->efd))
			atomic_fetch_add(&w->writes, 1);
	}
	return NULL;
}

static int writer_start(struct writer *w, int efd)
{
	w->efd = efd;
	atomic_store(&w->stop, false);
	atomic_store(&w->writes, 0);
	return pthread_create(&w->thread, NULL, writer_main, w);
}

static void writer_stop(struct writer *w)
{
	atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
}

#define RACE_MS 2000

/* After deassign returns, no injection: the counter stops while signals go on. */
TEST_F(irqfd, race_deassign_while_signalling)
{
	struct writer w;
	long long inj, end = now_ms() + RACE_MS;
	int rounds = 0, late = 0;

	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, writer_start(&w, self->efd));
	while (now_ms() < end) {
		EXPECT_EQ(0, _test_cmd_irqfd_isa(self->fd, self->g.domid, self->efd, IRQ,
						 rounds & 1));
		if (rounds % 3)
			sleep_ms(1);
		EXPECT_EQ(0, _test_cmd_irqfd_deassign(self->fd, self->g.domid, self->efd));
		if (rounds++ % 16 == 0) {
			inj = fdinfo_num(0, self->fd, "privcmd.irqfd_injections");
			sleep_ms(2);
			late += fdinfo_num(0, self->fd, "privcmd.irqfd_injections") != inj;
		}
	}
	inj = fdinfo_num(0, self->fd, "privcmd.irqfd_injections");
	sleep_ms(100);
	writer_stop(&w);
	EXPECT_EQ(inj, fdinfo_num(0, self->fd, "privcmd.irqfd_injections"));
	EXPECT_EQ(0, late) TH_LOG("%d of %d checks saw an injection after deassign", late,
				  (rounds + 15) / 16);
	EXPECT_LT(0, inj);
	EXPECT_LT(10, rounds);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	TH_LOG("%d assign/deassign rounds, %lld injections, %ld signals", rounds, inj,
	       atomic_load(&w.writes));
}

/* The eventfd's last close (its own thread) while the writer signals. */
TEST_F(irqfd, race_eventfd_close_while_signalling)
{
	long long end = now_ms() + RACE_MS;
	int rounds = 0;

	UPSTREAM_OR_RETURN();
	while (now_ms() < end) {
		int efd = new_eventfd(), wfd;
		struct writer w;

		ASSERT_LE(0, efd);
		wfd = dup(efd);
		ASSERT_LE(0, wfd);
		ASSERT_EQ(0, _test_cmd_irqfd_isa(self->fd, self->g.domid, efd, IRQ, 1));
		ASSERT_EQ(0, writer_start(&w, wfd));
		sleep_ms(rounds % 3);
		close(efd);
		/* The writer's fd is the last: its close races the injections. */
		writer_stop(&w);
		close(wfd);
		rounds++;
	}
	EXPECT_EQ(0, wait_fdinfo(self->fd, "privcmd.irqfds", 0));
	EXPECT_EQ(self->live0, wait_live_irqfds(self->live0));
	EXPECT_LT(10, rounds);
}

struct closer {
	int fds[2];
	pthread_t thread;
};

static void *closer_main(void *arg)
{
	struct closer *c = arg;

	close(c->fds[0]);
	close(c->fds[1]);
	return NULL;
}

/* Deassign racing the eventfd's last close in another thread. */
TEST_F(irqfd, race_deassign_vs_eventfd_close)
{
	long long end = now_ms() + RACE_MS;
	int rounds = 0, ok = 0, gone = 0;

	UPSTREAM_OR_RETURN();
	while (now_ms() < end) {
		struct closer c;
		int efd = new_eventfd(), rc;

		ASSERT_LE(0, efd);
		c.fds[0] = efd;
		c.fds[1] = dup(efd);
		ASSERT_LE(0, c.fds[1]);
		ASSERT_EQ(0, _test_cmd_irqfd_isa(self->fd, self->g.domid, efd, IRQ, 1));
		signal_eventfd(efd);
		ASSERT_EQ(0, pthread_create(&c.thread, NULL, closer_main, &c));
		rc = _test_cmd_irqfd_deassign(self->fd, self->g.domid, efd);
		pthread_join(c.thread, NULL);
		/* Ours, gone with its eventfd, or the fd was closed first. */
		EXPECT_TRUE(rc == 0 || rc == -ENOENT || rc == -EBADF) TH_LOG("deassign: %d", rc);
		ok += rc == 0;
		gone += rc != 0;
		rounds++;
	}
	EXPECT_EQ(0, wait_fdinfo(self->fd, "privcmd.irqfds", 0));
	EXPECT_EQ(self->live0, wait_live_irqfds(self->live0));
	TH_LOG("%d rounds: %d deassigned, %d gone first", rounds, ok, gone);
}

struct flipper {
	int fd, efd;
	unsigned int dom;
	long long end;
	int assigned, busy, deassigned, absent, other;
	pthread_t thread;
};

static void *flipper_main(void *arg)
{
	struct flipper *f = arg;

	while (now_ms() < f->end) {
		int rc = _test_cmd_irqfd_isa(f->fd, f->dom, f->efd, IRQ, 1);

		f->assigned += rc == 0;
		f->busy += rc == -EBUSY;
		f->other += rc && rc != -EBUSY;
		rc = _test_cmd_irqfd_deassign(f->fd, f->dom, f->efd);
		f->deassigned += rc == 0;
		f->absent += rc == -ENOENT;
		f->other += rc && rc != -ENOENT;
	}
	return NULL;
}

/* Assign and deassign of one eventfd from two threads (upstream's freed kirqfd). */
TEST_F(irqfd, race_assign_vs_deassign)
{
	struct flipper f[2];
	struct writer w;

	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, writer_start(&w, self->efd));
	for (int i = 0; i < 2; i++) {
		f[i] = (struct flipper){ .fd = self->fd, .efd = self->efd,
					 .dom = self->g.domid, .end = now_ms() + RACE_MS };
		ASSERT_EQ(0, pthread_create(&f[i].thread, NULL, flipper_main, &f[i]));
	}
	for (int i = 0; i < 2; i++)
		pthread_join(f[i].thread, NULL);
	writer_stop(&w);
	/* Each thread ended with a deassign: nothing is left. */
	test_err_irqfd_deassign(ENOENT, self->fd, self->g.domid, self->efd);
	EXPECT_EQ(0, f[0].other + f[1].other);
	/* Every assign that succeeded was deassigned exactly once. */
	EXPECT_EQ(f[0].assigned + f[1].assigned, f[0].deassigned + f[1].deassigned);
	EXPECT_LT(0, f[0].busy + f[1].busy + f[0].absent + f[1].absent);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.irqfds"));
	EXPECT_EQ(self->live0, live_irqfds());
	TH_LOG("assigned %d, EBUSY %d, deassigned %d, ENOENT %d",
	       f[0].assigned + f[1].assigned, f[0].busy + f[1].busy,
	       f[0].deassigned + f[1].deassigned, f[0].absent + f[1].absent);
}

/* The file's last close while signals are being injected. */
TEST_F(irqfd, race_file_close_while_signalling)
{
	long long end = now_ms() + RACE_MS;
	struct writer w;
	int rounds = 0;

	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, writer_start(&w, self->efd));
	while (now_ms() < end) {
		int fd2 = privcmd_open();

		ASSERT_LE(0, fd2);
		ASSERT_EQ(0, _test_cmd_irqfd_isa(fd2, self->g.domid, self->efd, IRQ, rounds & 1));
		sleep_ms(rounds % 3);
		close(fd2);
		EXPECT_EQ(self->live0, live_irqfds());
		rounds++;
	}
	writer_stop(&w);
	EXPECT_LT(10, rounds);
}

/* Processes exiting (or killed) with a writer thread signalling their irqfd. */
TEST_F(irqfd, race_exit_while_signalling)
{
	long long end = now_ms() + RACE_MS;
	int rounds = 0;

	UPSTREAM_OR_RETURN();
	while (now_ms() < end) {
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			int fd = privcmd_open(), efd = new_eventfd();
			struct writer w;

			if (fd < 0 || efd < 0 ||
			    _test_cmd_irqfd_isa(fd, self->g.domid, efd, IRQ, 1) ||
			    writer_start(&w, efd))
				_exit(1);
			sleep_ms(rounds % 3);
			_exit(0);	/* the writer is still signalling */
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		EXPECT_EQ(self->live0, live_irqfds());
		rounds++;
	}
	EXPECT_LT(10, rounds);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
