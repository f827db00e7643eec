// SPDX-License-Identifier: GPL-2.0
/*
 * The negative proof of the end-to-end run (issue 7, point 4): the very
 * privcmd and evtchn files of the deprivileged QEMU that libxl started with
 * -xen-domid-restrict, used as QEMU's own uid, reach the guest that QEMU
 * serves and nothing else.
 *
 * scripts/vm/e2e/scenario.sh runs this in the dom0 while the guest is up, with
 * E2E_QEMU_PID (the device model) and E2E_DOMID (its guest). Each test takes
 * copies of QEMU's open files with pidfd_getfd(), which shares the open file
 * description and so its restriction, exactly what QEMU itself holds (a new
 * open() of the device would not be restricted). The attempts then run in a
 * child that has become QEMU's uid and gid with no supplementary groups, as
 * a compromised QEMU would. A second, bare HVM guest is the "other guest".
 *
 * Not built by selftests/Makefile (it needs a running e2e guest): the e2e
 * staging (scripts/vm/e2e/stage) builds it with the same flags and libraries.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/dm_op.h>

#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

#include "kselftest_harness.h"
#include "lib/proc_files.h"
#include "lib/xen_env.h"


#define MAX_FDS 16
/* Xen's hypercall numbers, for the one raw hypercall attempted. */
#define HYPERVISOR_XEN_VERSION 17

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

/* The device model under test, from the environment (see the top comment). */
static pid_t qemu_pid;
static unsigned int qemu_domid;

FIXTURE(depriv) {
	uid_t uid;
	gid_t gid;
	int privcmd[MAX_FDS];	/* copies of QEMU's files, sharing their restriction */
	int qemu_privcmd_fd[MAX_FDS];	/* the fd numbers inside QEMU, for fdinfo */
	int nr_privcmd;
	int evtchn[MAX_FDS];
	int qemu_evtchn_fd[MAX_FDS];
	int nr_evtchn;
	struct xen_guest other;
};

/* The uid (or gid) a /proc/PID/status line reports, if all four agree. */
static long status_id(pid_t pid, const char *key)
{
	long real, eff, saved, fs;
	char path[64], line[256];
	long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		if (sscanf(line + strlen(key), "%ld %ld %ld %ld", &real, &eff, &saved, &fs) == 4 &&
		    real == eff && eff == saved && saved == fs)
			ret = real;
		break;
	}
	fclose(f);
	return ret;
}

FIXTURE_SETUP(depriv)
{
	long uid, gid;

	self->nr_privcmd = 0;
	self->nr_evtchn = 0;
	uid = status_id(qemu_pid, "Uid:");
	gid = status_id(qemu_pid, "Gid:");
	ASSERT_GT(uid, 0) TH_LOG("QEMU (pid %d) is not running as one non-root uid", qemu_pid);
	ASSERT_GT(gid, 0) TH_LOG("QEMU (pid %d) is not running as one non-root gid", qemu_pid);
	self->uid = uid;
	self->gid = gid;

	self->nr_privcmd = proc_take_files(qemu_pid, "/dev/xen/privcmd", self->privcmd,
					   self->qemu_privcmd_fd, MAX_FDS);
	ASSERT_LE(0, self->nr_privcmd)
		TH_LOG("taking QEMU's privcmd files: %s", strerror(-self->nr_privcmd));
	self->nr_evtchn = proc_take_files(qemu_pid, "/dev/xen/evtchn", self->evtchn,
					  self->qemu_evtchn_fd, MAX_FDS);
	ASSERT_LE(0, self->nr_evtchn)
		TH_LOG("taking QEMU's evtchn files: %s", strerror(-self->nr_evtchn));
	ASSERT_LT(0, self->nr_privcmd) TH_LOG("QEMU holds no /dev/xen/privcmd file");
	ASSERT_LT(0, self->nr_evtchn) TH_LOG("QEMU holds no /dev/xen/evtchn file");

	ASSERT_EQ(0, xen_guest_create(&self->other, 256));
	ASSERT_NE(qemu_domid, self->other.domid);
}

FIXTURE_TEARDOWN(depriv)
{
	int i;

	for (i = 0; i < self->nr_privcmd; i++)
		close(self->privcmd[i]);
	for (i = 0; i < self->nr_evtchn; i++)
		close(self->evtchn[i]);
	EXPECT_EQ(0, xen_guest_destroy(&self->other));
}

/*
 * as_qemu() - run @fn(@fd, @arg) in a child that has become QEMU's uid and
 * gid (real, effective and saved; no supplementary groups).
 *
 * Return: 0 when @fn succeeded, the errno it failed with, or -1 when the
 * child could not drop its privileges or died.
 */
static int as_qemu(FIXTURE_DATA(depriv) *self, int (*fn)(int fd, long arg), int fd, long arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setresgid(self->gid, self->gid, self->gid) ||
		    setresuid(self->uid, self->uid, self->uid) || !getuid())
			_exit(255);
		_exit(fn(fd, arg) < 0 ? (errno & 0xff) : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

/* XEN_DMOP_nr_vcpus, a read-only op, aimed at @dom. */
static int dm_op_nr_vcpus(int fd, long dom)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };
	struct privcmd_dm_op arg = { .dom = dom, .num = 1, .ubufs = &buf };
	int ret = ioctl(fd, IOCTL_PRIVCMD_DM_OP, &arg);

	if (!ret && op.u.nr_vcpus.vcpus != 1) {
		errno = EPROTO;
		return -1;
	}
	return ret;
}

/* Map guest frame 0 of @dom read-only and read a byte of it. */
static int map_frame0(int fd, long dom)
{
	struct privcmd_mmapbatch_v2 m = { .num = 1, .dom = dom };
	unsigned char *p;
	__u64 gfn = 0;
	int err = 0, ret;

	p = mmap(NULL, getpagesize(), PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	m.addr = (unsigned long)p;
	m.arr = &gfn;
	m.err = &err;
	ret = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
	if (!ret && err) {
		errno = -err;
		ret = -1;
	}
	if (!ret)
		(void)__atomic_load_n(p, __ATOMIC_RELAXED);	/* the mapping really reads */
	munmap((void *)p, getpagesize());
	return ret;
}

static int raw_hypercall(int fd, long unused)
{
	struct privcmd_hypercall h = { .op = HYPERVISOR_XEN_VERSION };

	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static int privcmd_restrict(int fd, long dom)
{
	__u16 d = dom;

	return ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &d);
}

/* Port 0 is never an unbound port: past the driver's check, Xen says EINVAL. */
static int evtchn_bind_interdomain(int fd, long dom)
{
	struct ioctl_evtchn_bind_interdomain b = { .remote_domain = dom, .remote_port = 0 };

	return ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static int evtchn_bind_unbound(int fd, long dom)
{
	struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = dom };

	return ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static int open_node(int unused, long node)
{
	int fd = open((const char *)node, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/* QEMU's files do reach its own guest: the denials below are not blanket ones. */
TEST_F(depriv, dm_op_to_own_guest_allowed)
{
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(0, as_qemu(self, dm_op_nr_vcpus, self->privcmd[i], qemu_domid));
	}
}

TEST_F(depriv, map_own_guest_memory_allowed)
{
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(0, as_qemu(self, map_frame0, self->privcmd[i], qemu_domid));
	}
}

TEST_F(depriv, dm_op_to_dom0_denied)
{
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(EPERM, as_qemu(self, dm_op_nr_vcpus, self->privcmd[i], 0));
	}
}

TEST_F(depriv, dm_op_to_other_guest_denied)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	/* Control: the same op on an unrestricted file (root's) succeeds. */
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, dm_op_nr_vcpus(fd, self->other.domid));
	close(fd);
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(EPERM, as_qemu(self, dm_op_nr_vcpus, self->privcmd[i],
					 self->other.domid));
	}
}

TEST_F(depriv, map_other_guest_memory_denied)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, map_frame0(fd, self->other.domid));
	close(fd);
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(EPERM, as_qemu(self, map_frame0, self->privcmd[i], self->other.domid));
	}
}

TEST_F(depriv, raw_hypercall_denied)
{
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(EPERM, as_qemu(self, raw_hypercall, self->privcmd[i], 0));
	}
}

/* Restricted to exactly the guest: same domid again is a no-op, another is refused. */
TEST_F(depriv, privcmd_restriction_is_the_guest)
{
	for (int i = 0; i < self->nr_privcmd; i++) {
		EXPECT_EQ(0, as_qemu(self, privcmd_restrict, self->privcmd[i], qemu_domid));
		EXPECT_EQ(EINVAL, as_qemu(self, privcmd_restrict, self->privcmd[i],
					  self->other.domid));
	}
}

TEST_F(depriv, evtchn_bind_to_other_domains_denied)
{
	for (int i = 0; i < self->nr_evtchn; i++) {
		int fd = self->evtchn[i];

		EXPECT_EQ(EACCES, as_qemu(self, evtchn_bind_interdomain, fd, self->other.domid));
		EXPECT_EQ(EACCES, as_qemu(self, evtchn_bind_interdomain, fd, 0));
		EXPECT_EQ(EACCES, as_qemu(self, evtchn_bind_unbound, fd, self->other.domid));
		EXPECT_EQ(EACCES, as_qemu(self, evtchn_bind_unbound, fd, qemu_domid));
		/* Towards its own guest the driver lets it through; Xen refuses port 0. */
		EXPECT_EQ(EINVAL, as_qemu(self, evtchn_bind_interdomain, fd, qemu_domid));
	}
}

/* QEMU's uid cannot get fresh, unrestricted files: the nodes are root's. */
TEST_F(depriv, new_open_as_qemu_uid_denied)
{
	for (const char *const *n = nodes; *n; n++) {
		EXPECT_EQ(EACCES, as_qemu(self, open_node, -1, (long)*n)) TH_LOG("%s", *n);
	}
}

struct restrict_line {
	const char *key;
	long val;
	bool driver_keys;
};

static int restrict_line(const char *key, const char *val, void *arg)
{
	struct restrict_line *r = arg;
	long long n;

	if (strcmp(key, "pos") && strcmp(key, "flags") && strcmp(key, "mnt_id") &&
	    strcmp(key, "ino"))
		r->driver_keys = true;
	if (!strcmp(key, r->key))
		r->val = !strcmp(val, "none") ? -3 : kv_parse_num(val, &n) ? -4 : n;
	return 0;
}

/*
 * fdinfo_restrict() - read /proc/QEMU/fdinfo/@qfd (lib/proc_files.h).
 * @qfd: the fd number inside QEMU.
 * @key: the driver's key, "privcmd.restricted_domid" or "evtchn.restricted_domid".
 * @driver_keys: set to whether the driver adds any line of its own (beyond
 *	the VFS's pos, flags, mnt_id and ino).
 *
 * Return: the domid the key shows, -3 for "none", -4 for anything else
 * than a decimal or "none", -1 when the key is absent, -2 when the file
 * is unreadable (or not "key: value" lines).
 */
static long fdinfo_restrict(int qfd, const char *key, bool *driver_keys)
{
	struct restrict_line r = { .key = key, .val = -1 };

	if (fdinfo_foreach(qemu_pid, qfd, restrict_line, &r))
		r.val = -2;
	*driver_keys = r.driver_keys;
	return r.val;
}

static void print_diff(const char *node, const char *key)
{
	/* the test runs in a child of the harness: flush before it exits */
	printf("# DIFF: in-tree %s fdinfo shows no restriction; ours shows %s %s\n", node, key,
	       "(Documentation/admin-guide/deprivileged-qemu.rst)");
	fflush(stdout);
}

/*
 * Ours shows each file's restriction in fdinfo, so an auditor can read it
 * off the running QEMU; the in-tree drivers show nothing of their own.
 */
TEST_F(depriv, evtchn_fdinfo_shows_restriction)
{
	bool ours = xen_env_ours(), keys;

	for (int i = 0; i < self->nr_evtchn; i++) {
		long val = fdinfo_restrict(self->qemu_evtchn_fd[i], "evtchn.restricted_domid",
					   &keys);

		if (ours) {
			EXPECT_EQ(qemu_domid, val) TH_LOG("QEMU fd %d", self->qemu_evtchn_fd[i]);
		} else {
			EXPECT_EQ(-1, val) TH_LOG("QEMU fd %d", self->qemu_evtchn_fd[i]);
			EXPECT_FALSE(keys);
		}
	}
	if (!ours)
		print_diff("evtchn", "evtchn.restricted_domid");
}

TEST_F(depriv, privcmd_fdinfo_shows_restriction)
{
	bool ours = xen_env_ours(), keys;

	for (int i = 0; i < self->nr_privcmd; i++) {
		long val = fdinfo_restrict(self->qemu_privcmd_fd[i], "privcmd.restricted_domid",
					   &keys);

		if (ours) {
			EXPECT_EQ(qemu_domid, val) TH_LOG("QEMU fd %d", self->qemu_privcmd_fd[i]);
		} else {
			EXPECT_EQ(-1, val) TH_LOG("QEMU fd %d", self->qemu_privcmd_fd[i]);
			EXPECT_FALSE(keys);
		}
	}
	if (!ours)
		print_diff("privcmd", "privcmd.restricted_domid");
}

int main(int argc, char **argv)
{
	const char *pid = getenv("E2E_QEMU_PID"), *dom = getenv("E2E_DOMID");

	xen_env_require_dom0(nodes);
	if (!pid || !dom) {
		printf("1..0 # SKIP E2E_QEMU_PID, E2E_DOMID unset: run by scripts/vm/e2e/scenario.sh\n");
		return XEN_ENV_SKIP;
	}
	qemu_pid = atoi(pid);
	qemu_domid = atoi(dom);
	return test_harness_run(argc, argv);
}
