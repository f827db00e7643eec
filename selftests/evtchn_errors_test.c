// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xen/evtchn error paths: every ioctl with an otherwise valid file and
 * one bad input, read()/write() edge cases, and the upstream ABI (ioctl
 * numbers, struct sizes). Where ours differs on purpose, the in-tree answer
 * is asserted on the in-tree module and a "# DIFF:" line names it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xenctrl.h>

#include <uapi/xen/evtchn.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { EVTCHN_NODE, "/dev/xen/privcmd", NULL };

/*
 * An address no process has mapped: every copy from or to it faults. Laundered
 * through a volatile so the compiler does not reject the deliberate misuse.
 */
static volatile uintptr_t bad_addr = 8;
#define BAD_PTR ((void *)bad_addr)

/* The upstream numbers, spelt out: _IOC(_IOC_NONE, 'E', nr, size). */
TEST(abi_matches_upstream)
{
	EXPECT_EQ(4U, sizeof(struct ioctl_evtchn_bind_virq));
	EXPECT_EQ(8U, sizeof(struct ioctl_evtchn_bind_interdomain));
	EXPECT_EQ(4U, offsetof(struct ioctl_evtchn_bind_interdomain, remote_port));
	EXPECT_EQ(4U, sizeof(struct ioctl_evtchn_bind_unbound_port));
	EXPECT_EQ(4U, sizeof(struct ioctl_evtchn_unbind));
	EXPECT_EQ(4U, sizeof(struct ioctl_evtchn_notify));
	EXPECT_EQ(2U, sizeof(struct ioctl_evtchn_restrict_domid));
	EXPECT_EQ(4U, sizeof(struct ioctl_evtchn_bind));
	EXPECT_EQ(0x00044500U, IOCTL_EVTCHN_BIND_VIRQ);
	EXPECT_EQ(0x00084501U, IOCTL_EVTCHN_BIND_INTERDOMAIN);
	EXPECT_EQ(0x00044502U, IOCTL_EVTCHN_BIND_UNBOUND_PORT);
	EXPECT_EQ(0x00044503U, IOCTL_EVTCHN_UNBIND);
	EXPECT_EQ(0x00044504U, IOCTL_EVTCHN_NOTIFY);
	EXPECT_EQ(0x00004505U, IOCTL_EVTCHN_RESET);
	EXPECT_EQ(0x00024506U, IOCTL_EVTCHN_RESTRICT_DOMID);
	EXPECT_EQ(0x00044507U, IOCTL_EVTCHN_BIND_STATIC);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	test_fixture_setup(.evtchn = { &self->fd });
}

FIXTURE_TEARDOWN(dev)
{
	test_fixture_teardown(.evtchn = { &self->fd });
}

TEST_F(dev, unknown_ioctl)
{
	int want = evtchn_ours() ? ENOTTY : ENOSYS;

	test_err_ioctl(want, self->fd, _IOC(_IOC_NONE, 'E', 99, 0), NULL);
	/* right number, wrong size: a different command */
	test_err_ioctl(want, self->fd, _IOC(_IOC_NONE, 'E', 3, 8), NULL);
	test_err_ioctl(want, self->fd, _IOW('E', 0, __u32), NULL);
	evtchn_diff("unknown ioctl fails with ENOTTY (upstream: ENOSYS)");
}

TEST_F(dev, bad_pointers_efault)
{
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_BIND_VIRQ, BAD_PTR);
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, BAD_PTR);
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, BAD_PTR);
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_UNBIND, BAD_PTR);
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_NOTIFY, BAD_PTR);
	test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_RESTRICT_DOMID, BAD_PTR);
	/* the failed restrict did not count: a real one still works */
	test_cmd_evtchn_restrict_domid(self->fd, 1);
	/* reset takes no argument */
	test_cmd_ioctl(self->fd, IOCTL_EVTCHN_RESET, BAD_PTR);
}

TEST_F(dev, bind_static_unsupported_or_efault)
{
	if (evtchn_kernel_has_static()) {
		test_err_ioctl(EFAULT, self->fd, IOCTL_EVTCHN_BIND_STATIC, BAD_PTR);
	} else if (evtchn_ours()) {
		test_err_ioctl(EOPNOTSUPP, self->fd, IOCTL_EVTCHN_BIND_STATIC, BAD_PTR);
		evtchn_diff("BIND_STATIC before 6.2 fails with EOPNOTSUPP (upstream 6.1: ENOSYS, no such ioctl)");
	} else {
		test_err_ioctl(ENOSYS, self->fd, IOCTL_EVTCHN_BIND_STATIC, BAD_PTR);
		evtchn_diff("BIND_STATIC before 6.2 fails with EOPNOTSUPP (upstream 6.1: ENOSYS, no such ioctl)");
	}
}

TEST_F(dev, unbind_errors)
{
	/* beyond the domain's limit */
	test_err_evtchn_unbind(EINVAL, self->fd, 0xffffffffu);
	test_err_evtchn_unbind(EINVAL, self->fd, 1u << 24);
	/* a real dom0 port, but the kernel's, not this file's */
	test_err_evtchn_unbind(ENOTCONN, self->fd, 1);
	test_err_evtchn_unbind(ENOTCONN, self->fd, 0);
}

TEST_F(dev, notify_errors)
{
	int other = evtchn_open(0), port;

	ASSERT_LE(0, other);
	test_err_evtchn_notify(ENOTCONN, self->fd, 1);
	test_err_evtchn_notify(ENOTCONN, self->fd, 0xffffffffu);
	/* a port bound on another file is not this file's */
	port = test_cmd_evtchn_bind_unbound_port(other, 0);
	test_err_evtchn_notify(ENOTCONN, self->fd, port);
	test_err_evtchn_unbind(ENOTCONN, self->fd, port);
	test_cmd_evtchn_notify(other, port);
	close(other);
}

TEST_F(dev, bind_errors_from_xen)
{
	int port;

	/* no such domain */
	test_err_evtchn_bind_interdomain(ESRCH, self->fd, 0x7000, 1);
	/* a dom0 port that is not unbound (the kernel's own) */
	test_err_evtchn_bind_interdomain(EINVAL, self->fd, 0, 1);
	/* an unbound port offered to another domain */
	port = evtchn_xen_alloc_unbound(0, 0x7000);
	if (port >= 0) {
		test_err_evtchn_bind_interdomain(EINVAL, self->fd, 0, port);
	}
	/* no such VIRQ; a per-vCPU VIRQ the kernel holds on vCPU 0 */
	test_err_evtchn_bind_virq(EINVAL, self->fd, 1000);
	test_err_evtchn_bind_virq(EEXIST, self->fd, VIRQ_TIMER);
	/* nothing was left bound on the file by the failures */
	if (evtchn_ours()) {
		EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.ports"));
	}
}

TEST_F(dev, read_edge_cases)
{
	int b = evtchn_open(0);
	uint32_t pa, pb, got[2];
	char small[3];

	ASSERT_LE(0, b);
	ASSERT_EQ(0, evtchn_loopback(self->fd, b, &pa, &pb));
	/* less than one port: nothing, without blocking */
	EXPECT_EQ(0, read(self->fd, small, 0));
	EXPECT_EQ(0, read(self->fd, small, 3));

	test_cmd_evtchn_notify(b, pb);
	ASSERT_EQ(1, evtchn_wait_readable(self->fd, 5000));
	/* a faulting buffer consumes nothing */
	EXPECT_EQ(-1, read(self->fd, BAD_PTR, 8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, evtchn_wait_readable(self->fd, 0));
	/* partial ports are rounded down */
	EXPECT_EQ(4, read(self->fd, got, 7));
	EXPECT_EQ(pa, got[0]);
	/* not seekable, no positional I/O */
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(self->fd, got, 4, 0));
	EXPECT_EQ(ESPIPE, errno);
	close(b);
}

TEST_F(dev, write_edge_cases)
{
	uint32_t ports[2] = { 1, 0xffffffffu };

	EXPECT_EQ(-1, write(self->fd, BAD_PTR, 4));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, write(self->fd, ports, 0));
	EXPECT_EQ(0, write(self->fd, ports, 3));
	/* ports that are not this file's are ignored, the count is taken */
	EXPECT_EQ(8, write(self->fd, ports, 8));
	EXPECT_EQ(4, write(self->fd, ports, 6));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
