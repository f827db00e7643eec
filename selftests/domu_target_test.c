// SPDX-License-Identifier: GPL-2.0
/*
 * The domU target mode of privcmd and evtchn, walked from dom0 with the test
 * build's domu_target parameters (make modules-fault-SERIES, scripts/vm/run
 * --impl fault; drivers/xen/privcmd-fault.c, evtchn-fault.c), standing in
 * for xenstore. privcmd:
 *
 * - a file opened before the target is known opens at once, reports
 *   DOMID_IDLE (acts on nothing) and its first ioctl waits for the answer;
 *   the wait is interruptible and holds no global lock: other misc devices
 *   (evtchn) and privcmd itself still open meanwhile;
 * - the answer restricts the waiting file to the target;
 * - "no target" (DOMID_IDLE) refuses every targeted call before any
 *   hypercall, a DMOP aimed at DOMID_IDLE itself included.
 *
 * evtchn: the same wait, interruptible and blocking no other open; the
 * answer limits a file to binds with the target and dom0 (a stubdomain's
 * QEMU and its toolstack), an invalid target to no bind at all, and no
 * target leaves files unrestricted.
 *
 * Outside the fault build the parameters do not exist and the test fails:
 * it is only run by name on that build.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, EVTCHN_NODE, NULL };

#define DOMU_TARGET "/sys/module/xen_privcmd/parameters/domu_target"
#define EVTCHN_DOMU_TARGET "/sys/module/xen_evtchn/parameters/domu_target"

static int write_param(const char *path, const char *what)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, what, strlen(what)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int domu_target(const char *what)
{
	return write_param(DOMU_TARGET, what);
}

static int evtchn_domu_target(const char *what)
{
	return write_param(EVTCHN_DOMU_TARGET, what);
}

/* The system call @tid is blocked in, from /proc (-1 when running or unknown). */
static long blocked_syscall(pid_t tid)
{
	char path[64], buf[64] = "";
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		nr = strtol(buf, NULL, 10);
	fclose(f);
	return strncmp(buf, "running", 7) ? nr : -1;
}

static int call_dm_op(int fd, unsigned int domid)
{
	uint32_t vcpus;

	return _test_cmd_dmop_nr_vcpus(fd, domid, &vcpus);
}

static int call_bind_unbound_port(int fd, unsigned int domid)
{
	return _test_cmd_evtchn_bind_unbound_port(fd, domid);
}

/* A thread whose first ioctl on @fd, @call(@fd, @domid), waits for the answer. */
struct waiter {
	int (*call)(int fd, unsigned int domid);
	int fd;
	unsigned int domid;
	pid_t tid;
	volatile bool started;
	int rc;
};

static void *wait_in_ioctl(void *p)
{
	struct waiter *w = p;

	w->tid = syscall(SYS_gettid);
	w->started = true;
	w->rc = w->call(w->fd, w->domid);
	return NULL;
}

/* Start @w's call and return once it is blocked inside ioctl(). */
static int start_waiter(struct waiter *w, pthread_t *t)
{
	int rc = pthread_create(t, NULL, wait_in_ioctl, w);

	if (rc)
		return -rc;
	while (!w->started)
		usleep(1000);
	for (int i = 0; i < 5000; i++) {
		if (blocked_syscall(w->tid) == SYS_ioctl)
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static void on_usr1(int sig)
{
}

/*
 * Both fixtures: a guest, a SIGUSR1 that interrupts a waiting ioctl, and
 * the driver's domu_target parameter @param set to "pending" (and "off"
 * again at the end).
 */
static void domu_fixture_setup(struct __test_metadata *_metadata, struct xen_guest *g,
			       const char *param)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	int err;

	/* libxenctrl's own files must be opened in dom0 mode. */
	test_fixture_setup(.guests = { g });
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	err = write_param(param, "pending");
	if (err)
		test_fixture_teardown(.guests = { g });
	ASSERT_EQ(0, err) TH_LOG("%s: %s (not the fault-injection build?)", param,
				 strerror(-err));
}

static void domu_fixture_teardown(struct __test_metadata *_metadata, struct xen_guest *g,
				  const char *param)
{
	write_param(param, "off");
	test_fixture_teardown(.guests = { g });
}

FIXTURE(domu) {
	struct xen_guest g;
};

FIXTURE_SETUP(domu)
{
	domu_fixture_setup(_metadata, &self->g, DOMU_TARGET);
}

FIXTURE_TEARDOWN(domu)
{
	domu_fixture_teardown(_metadata, &self->g, DOMU_TARGET);
}

/* Opened before the answer: at once, reporting nothing it may act on. */
TEST_F(domu, pending_open_does_not_wait)
{
	struct privcmd_audit_query q;
	int fd = privcmd_open();

	ASSERT_LE(0, fd);
	EXPECT_EQ((long long)PC_DOMID_IDLE, fdinfo_num(0, fd, "privcmd.restricted_domid"));
	close(fd);
	/* The query is an ioctl: it waits for the answer like any other. */
	fd = privcmd_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, domu_target("7"));
	test_cmd_privcmd_audit_query(fd, &q);
	EXPECT_EQ(7U, q.restricted_domid);
	EXPECT_NE(0U, q.state & PRIVCMD_AUDIT_RESTRICTED);
	close(fd);
}

/*
 * A first ioctl waiting for the answer holds no global lock (the misc core's
 * open mutex): other misc devices open meanwhile. A signal ends the wait.
 */
TEST_F(domu, waiting_ioctl_blocks_no_other_open)
{
	struct waiter w = { .call = call_dm_op, .domid = self->g.domid };
	pthread_t t;
	int other;

	w.fd = privcmd_open();
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, start_waiter(&w, &t));
	other = evtchn_open(0);
	EXPECT_LE(0, other);
	close(other);
	other = privcmd_open();
	EXPECT_LE(0, other);
	close(other);
	EXPECT_EQ(0, pthread_kill(t, SIGUSR1));
	pthread_join(t, NULL);
	EXPECT_EQ(-EINTR, w.rc);
	/* Still undecided: nothing was let through. */
	EXPECT_EQ(0, fdinfo_num(0, w.fd, "privcmd.dm_ops"));
	close(w.fd);
}

/* The answer wakes the waiter, restricted to the target. */
TEST_F(domu, answer_restricts_the_waiting_file)
{
	struct waiter w = { .call = call_dm_op, .domid = self->g.domid };
	uint32_t vcpus;
	char dom[16];
	pthread_t t;

	w.fd = privcmd_open();
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, start_waiter(&w, &t));
	snprintf(dom, sizeof(dom), "%u", self->g.domid);
	ASSERT_EQ(0, domu_target(dom));
	pthread_join(t, NULL);
	EXPECT_EQ(0, w.rc);
	EXPECT_EQ((long long)self->g.domid, fdinfo_num(0, w.fd, "privcmd.restricted_domid"));
	test_err_dmop_nr_vcpus(EPERM, w.fd, 0, &vcpus);
	test_err_privcmd_hypercall(EPERM, w.fd, __HYPERVISOR_xen_version, 0, 0, 0, 0, 0);
	test_err_privcmd_restrict(EINVAL, w.fd, 0);
	EXPECT_EQ(0, _test_cmd_privcmd_restrict(w.fd, self->g.domid));
	close(w.fd);
}

/*
 * No target in xenstore: restricted to DOMID_IDLE, which names no domain.
 * Every targeted call is refused before any hypercall, one aimed at
 * DOMID_IDLE (or any reserved domid) itself included.
 */
TEST_F(domu, no_target_refuses_everything)
{
	struct privcmd_audit_query q;
	uint32_t vcpus;
	int fd;

	ASSERT_EQ(0, domu_target("32767"));
	fd = privcmd_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ((long long)PC_DOMID_IDLE, fdinfo_num(0, fd, "privcmd.restricted_domid"));
	test_err_dmop_nr_vcpus(EPERM, fd, self->g.domid, &vcpus);
	test_err_dmop_nr_vcpus(EPERM, fd, PC_DOMID_IDLE, &vcpus);
	test_err_dmop_nr_vcpus(EPERM, fd, PC_DOMID_SELF, &vcpus);
	test_err_privcmd_hypercall(EPERM, fd, __HYPERVISOR_xen_version, 0, 0, 0, 0, 0);
	test_cmd_privcmd_audit_query(fd, &q);
	EXPECT_EQ(PC_DOMID_IDLE, q.restricted_domid);
	EXPECT_EQ(0U, q.dm_ops);
	EXPECT_EQ(3U, q.dm_ops_denied);
	EXPECT_EQ(3U, q.denied[PRIVCMD_DENIED_DOMID]);
	EXPECT_EQ(1U, q.denied[PRIVCMD_DENIED_HYPERCALL]);
	close(fd);
}

/* Back to dom0 behaviour: new files are unrestricted again. */
TEST_F(domu, off_again)
{
	uint32_t vcpus;
	int fd;

	ASSERT_EQ(0, domu_target("off"));
	fd = privcmd_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, _test_cmd_dmop_nr_vcpus(fd, self->g.domid, &vcpus));
	EXPECT_EQ(1U, vcpus);
	close(fd);
}

FIXTURE(domu_evtchn) {
	struct xen_guest g;
};

FIXTURE_SETUP(domu_evtchn)
{
	domu_fixture_setup(_metadata, &self->g, EVTCHN_DOMU_TARGET);
}

FIXTURE_TEARDOWN(domu_evtchn)
{
	domu_fixture_teardown(_metadata, &self->g, EVTCHN_DOMU_TARGET);
}

/* Opened before the answer: at once, binding nothing; fdinfo does not wait. */
TEST_F(domu_evtchn, pending_open_does_not_wait)
{
	int fd = evtchn_open(0);

	ASSERT_LE(0, fd);
	EXPECT_EQ((long long)PC_DOMID_IDLE, fdinfo_num(0, fd, "evtchn.restricted_domid"));
	EXPECT_EQ(0, fdinfo_has(0, fd, "evtchn.toolstack_domid"));
	close(fd);
}

/*
 * A first ioctl waiting for the answer holds no global lock: privcmd and
 * evtchn still open meanwhile. A signal ends the wait, nothing bound.
 */
TEST_F(domu_evtchn, waiting_ioctl_blocks_no_other_open)
{
	struct waiter w = { .call = call_bind_unbound_port, .domid = self->g.domid };
	pthread_t t;
	int other;

	w.fd = evtchn_open(0);
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, start_waiter(&w, &t));
	other = evtchn_open(0);
	EXPECT_LE(0, other);
	close(other);
	other = privcmd_open();
	EXPECT_LE(0, other);
	close(other);
	EXPECT_EQ(0, pthread_kill(t, SIGUSR1));
	pthread_join(t, NULL);
	EXPECT_EQ(-EINTR, w.rc);
	EXPECT_EQ(0, fdinfo_num(0, w.fd, "evtchn.ports"));
	EXPECT_EQ(0, fdinfo_num(0, w.fd, "evtchn.denied"));
	close(w.fd);
}

/*
 * The answer wakes the waiter and limits its file, and every later one, to
 * the target and dom0 (the toolstack): no third domain, no VIRQ.
 */
TEST_F(domu_evtchn, answer_limits_to_target_and_dom0)
{
	struct waiter w = { .call = call_bind_unbound_port, .domid = self->g.domid };
	char dom[16];
	pthread_t t;
	int fd;

	w.fd = evtchn_open(0);
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, start_waiter(&w, &t));
	snprintf(dom, sizeof(dom), "%u", self->g.domid);
	ASSERT_EQ(0, evtchn_domu_target(dom));
	pthread_join(t, NULL);
	EXPECT_LE(0, w.rc) TH_LOG("bind to the target: %s", strerror(-w.rc));
	EXPECT_EQ((long long)self->g.domid, fdinfo_num(0, w.fd, "evtchn.restricted_domid"));
	EXPECT_EQ(0, fdinfo_num(0, w.fd, "evtchn.toolstack_domid"));
	test_cmd_evtchn_bind_unbound_port(w.fd, 0);
	test_err_evtchn_bind_unbound_port(EACCES, w.fd, self->g.domid + 1);
	test_err_evtchn_bind_virq(EACCES, w.fd, 0);
	EXPECT_EQ(2, fdinfo_num(0, w.fd, "evtchn.ports"));
	EXPECT_EQ(2, fdinfo_num(0, w.fd, "evtchn.denied"));
	close(w.fd);

	fd = evtchn_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ((long long)self->g.domid, fdinfo_num(0, fd, "evtchn.restricted_domid"));
	test_cmd_evtchn_bind_unbound_port(fd, self->g.domid);
	test_err_evtchn_bind_unbound_port(EACCES, fd, self->g.domid + 1);
	close(fd);
}

/* A target naming no valid domain: files bind nothing, dom0 included. */
TEST_F(domu_evtchn, invalid_target_binds_nothing)
{
	int fd;

	ASSERT_EQ(0, evtchn_domu_target("32767"));
	fd = evtchn_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ((long long)PC_DOMID_IDLE, fdinfo_num(0, fd, "evtchn.restricted_domid"));
	test_err_evtchn_bind_unbound_port(EACCES, fd, self->g.domid);
	test_err_evtchn_bind_unbound_port(EACCES, fd, 0);
	test_err_evtchn_bind_virq(EACCES, fd, 0);
	EXPECT_EQ(0, fdinfo_num(0, fd, "evtchn.ports"));
	EXPECT_EQ(3, fdinfo_num(0, fd, "evtchn.denied"));
	close(fd);
}

/* No target key (a plain domU, or dom0): new files are unrestricted again. */
TEST_F(domu_evtchn, off_again)
{
	char val[16];
	int fd;

	ASSERT_EQ(0, evtchn_domu_target("off"));
	fd = evtchn_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fdinfo_str(0, fd, "evtchn.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	EXPECT_EQ(0, fdinfo_has(0, fd, "evtchn.toolstack_domid"));
	test_cmd_evtchn_bind_unbound_port(fd, self->g.domid);
	test_cmd_evtchn_bind_unbound_port(fd, 0);
	EXPECT_EQ(0, fdinfo_num(0, fd, "evtchn.denied"));
	close(fd);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
