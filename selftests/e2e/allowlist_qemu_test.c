// SPDX-License-Identifier: GPL-2.0
/*
 * The audit part of the end-to-end run (issue 7, point 3): the real QEMU,
 * deprivileged by libxl, runs its guest under a DMOP allowlist that was set
 * from outside (`dmop allowlist`, before `xl unpause`) to the sub-ops it was
 * seen to use in the first run. This checks, through QEMU's very files
 * (pidfd_getfd() shares the open file, so its allowlist and counters), that
 * the allowlist is what was asked, that a sub-op outside it is refused and
 * counted in QEMU's own fdinfo, and that one inside it still reaches Xen.
 *
 * Run by scripts/vm/e2e/scenario.sh with E2E_QEMU_PID, E2E_DOMID and
 * E2E_ALLOWLIST (the sub-op numbers, comma-separated). Ours only: the
 * in-tree driver has no allowlist (the scenario asserts that separately).
 * Built by scripts/vm/e2e/stage, like depriv_qemu_test.
 *
 * The probes are 8-byte DMOPs: enough for the driver to read the sub-op,
 * too short for Xen (EFAULT), so none of them does anything to the guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <uapi/xen/privcmd.h>

#include "kselftest_harness.h"
#include "lib/proc_files.h"
#include "lib/xen_env.h"

#define MAX_FDS 16

static const char *const nodes[] = { "/dev/xen/privcmd", NULL };

static pid_t qemu_pid;
static unsigned int qemu_domid;
static __u64 allowed;	/* E2E_ALLOWLIST as a mask */

FIXTURE(qemu) {
	int fd[MAX_FDS];	/* copies of QEMU's privcmd files */
	int qfd[MAX_FDS];	/* their numbers inside QEMU */
	int nr;
};

FIXTURE_SETUP(qemu)
{
	self->nr = proc_take_files(qemu_pid, "/dev/xen/privcmd", self->fd, self->qfd, MAX_FDS);
	ASSERT_LE(0, self->nr) TH_LOG("taking QEMU's privcmd files: %s", strerror(-self->nr));
	ASSERT_LT(0, self->nr) TH_LOG("QEMU holds no /dev/xen/privcmd file");
}

FIXTURE_TEARDOWN(qemu)
{
	for (int i = 0; i < self->nr; i++)
		close(self->fd[i]);
}

/* A counter of QEMU's fdinfo for its fd @qfd (lib/proc_files.h: >= 0, or -errno). */
static long long qemu_fdinfo(int qfd, const char *key)
{
	return fdinfo_num(qemu_pid, qfd, key);
}

/* An 8-byte DMOP with sub-op @op to QEMU's guest: 0 or errno. */
static int short_dm_op(int fd, __u32 op)
{
	__u32 buf[2] = { op, 0 };
	struct privcmd_dm_op_buf b = { .uptr = buf, .size = sizeof(buf) };
	struct privcmd_dm_op arg = { .dom = qemu_domid, .num = 1, .ubufs = &b };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &arg) < 0 ? errno : 0;
}

TEST_F(qemu, files_carry_the_allowlist)
{
	for (int i = 0; i < self->nr; i++) {
		struct privcmd_audit_query q = { .size = sizeof(q) };

		ASSERT_EQ(0, ioctl(self->fd[i], IOCTL_PRIVCMD_AUDIT_QUERY, &q));
		EXPECT_TRUE(!!(q.state & PRIVCMD_AUDIT_ALLOWLIST_SET)) TH_LOG("QEMU fd %d", self->qfd[i]);
		EXPECT_EQ(allowed, q.allowed) TH_LOG("QEMU fd %d", self->qfd[i]);
		EXPECT_TRUE(!!(q.state & PRIVCMD_AUDIT_RESTRICTED));
		EXPECT_EQ(qemu_domid, q.restricted_domid);
	}
}

/* Outside the list: EPERM from the driver, counted in QEMU's own fdinfo. */
TEST_F(qemu, dm_op_outside_the_allowlist_denied_and_counted)
{
	int op = -1;

	/* the lowest sub-op Xen 4.17 has that QEMU was not given */
	for (int i = 1; i <= 20 && op < 0; i++)
		if (!(allowed & (1ULL << i)))
			op = i;
	ASSERT_LT(0, op) TH_LOG("the allowlist holds every sub-op");
	for (int i = 0; i < self->nr; i++) {
		long long denied = qemu_fdinfo(self->qfd[i], "privcmd.denied.allowlist");
		long long dm_denied = qemu_fdinfo(self->qfd[i], "privcmd.dm_ops_denied");

		ASSERT_LE(0, denied) TH_LOG("QEMU fd %d: %s", self->qfd[i], strerror((int)-denied));
		ASSERT_LE(0, dm_denied) TH_LOG("QEMU fd %d: %s", self->qfd[i],
					       strerror((int)-dm_denied));
		EXPECT_EQ(EPERM, short_dm_op(self->fd[i], op)) TH_LOG("sub-op %d", op);
		EXPECT_EQ(denied + 1, qemu_fdinfo(self->qfd[i], "privcmd.denied.allowlist"));
		EXPECT_EQ(dm_denied + 1, qemu_fdinfo(self->qfd[i], "privcmd.dm_ops_denied"));
		printf("# QEMU fd %d: sub-op %d refused (EPERM), privcmd.denied.allowlist %lld -> %lld\n",
		       self->qfd[i], op, denied, qemu_fdinfo(self->qfd[i], "privcmd.denied.allowlist"));
		fflush(stdout);
	}
}

/* Inside the list: the driver lets it through, and Xen answers (EFAULT). */
TEST_F(qemu, dm_op_inside_the_allowlist_reaches_xen)
{
	int op = -1;

	for (int i = 1; i < 64 && op < 0; i++)
		if (allowed & (1ULL << i))
			op = i;
	ASSERT_LT(0, op) TH_LOG("the allowlist is empty");
	for (int i = 0; i < self->nr; i++) {
		EXPECT_EQ(EFAULT, short_dm_op(self->fd[i], op)) TH_LOG("sub-op %d", op);
	}
}

int main(int argc, char **argv)
{
	const char *pid = getenv("E2E_QEMU_PID"), *dom = getenv("E2E_DOMID");
	const char *list = getenv("E2E_ALLOWLIST");

	xen_env_require_dom0(nodes);
	if (!pid || !dom || !list) {
		printf("1..0 # SKIP E2E_QEMU_PID, E2E_DOMID, E2E_ALLOWLIST unset: run by scripts/vm/e2e/scenario.sh\n");
		return XEN_ENV_SKIP;
	}
	qemu_pid = atoi(pid);
	qemu_domid = atoi(dom);
	for (const char *p = list; *p; ) {
		char *end;
		unsigned long op = strtoul(p, &end, 10);

		if (end == p || op >= 64) {
			printf("1..0 # SKIP E2E_ALLOWLIST '%s' is not a list of sub-op numbers\n", list);
			return 1;
		}
		allowed |= 1ULL << op;
		p = *end == ',' ? end + 1 : end;
	}
	return test_harness_run(argc, argv);
}
