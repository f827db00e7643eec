// SPDX-License-Identifier: GPL-2.0
/*
 * A test device model on libdmop: it sets up an ioreq server for a real HVM
 * guest, calls dmop_after_setup(), and must then still serve its guest while
 * reaching neither dom0 nor a second guest. The deprivileged part runs in a
 * child process (it cannot be undone) and reports back through a pipe; the
 * guests are created and destroyed by the privileged test process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenevtchn.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "libdmop.h"
#include <uapi/xen/evtchn.h>

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

#define DM_GID 131072

/* What the deprivileged device model saw, sent to the test process. */
struct dm_report {
	int setup_err;
	struct dmop_setup_report rep;
	int ioreq_err;		/* ioreq server set up before the drop */
	int own_vcpus_err;
	unsigned int own_vcpus;
	int own_info_err;
	int own_irq_err;
	int own_state_err;
	int own_port;		/* evtchn bind to the guest's bufioreq port, or -errno */
	int other_vcpus_err;
	int other_irq_err;
	int other_port;		/* evtchn bind to a port of the other guest */
	int handle_other_port;	/* the same through the handle's own evtchn file */
	int dom0_err;
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int ngroups;
	int nnp;
	rlim_t fsize, core, memlock;
	int setuid0_errno;
	int open_privcmd_errno;
	int root_entries;	/* entries seen in "/" after the chroot */
	int destroy_err;	/* the ioreq server, torn down while restricted */
};

static int count_root(void)
{
	struct stat st;
	int n = 0;

	/* the chroot is empty: none of the initramfs is visible */
	n += !stat("/selftests", &st);
	n += !stat("/bin", &st);
	n += !stat("/dev", &st);
	n += !stat("/proc", &st);
	return n;
}

static int bind_port(xenevtchn_handle *xce, uint16_t dom, uint32_t port)
{
	xenevtchn_port_or_error_t p = xenevtchn_bind_interdomain(xce, dom, port);

	return p < 0 ? -errno : (int)p;
}

/* The device model: runs in a child, never returns. */
static void device_model(int out, uint16_t dom, uint16_t other, const char *root,
			 unsigned int flags)
{
	struct dm_report r = { 0 };
	struct dmop_handle *h = NULL;
	xenevtchn_handle *xce;
	int extra[4], xfd;
	struct rlimit rl;
	dmop_ioservid_t id = 0;
	uint32_t port = 0;
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = dom,
		.flags = flags,
		.uid = DM_GID + dom,
		.gid = DM_GID,
		.chroot_dir = root,
	};

	r.setup_err = dmop_open(&h, DMOP_OPEN_EVTCHN);
	xce = xenevtchn_open(NULL, 0);
	if (r.setup_err || !xce)
		goto out;
	/* setup, as a device model does it while still privileged */
	r.ioreq_err = dmop_create_ioreq_server(h, dom, DMOP_BUFIOREQ_ATOMIC, &id);
	if (!r.ioreq_err)
		r.ioreq_err = dmop_map_io_range_to_ioreq_server(h, dom, id,
								DMOP_IO_RANGE_PORT,
								0x3f8, 0x3ff);
	if (!r.ioreq_err)
		r.ioreq_err = dmop_set_ioreq_server_state(h, dom, id, 1);

	/*
	 * libxenevtchn's file is restricted too, as an extra fd; duplicates of
	 * files already in the list (the handle's) are restricted once
	 */
	xfd = xenevtchn_fd(xce);
	extra[0] = xfd;
	extra[1] = dup(dmop_evtchn_fd(h));
	extra[2] = dup(dmop_privcmd_fd(h));
	extra[3] = xfd;
	o.extra_fds = extra;
	o.nr_extra_fds = 4;
	r.rep.sz = sizeof(r.rep);
	r.setup_err = dmop_after_setup(h, &o, &r.rep);
	if (r.setup_err)
		goto out;

	/* still serving its guest */
	r.own_vcpus_err = dmop_nr_vcpus(h, dom, &r.own_vcpus);
	r.own_info_err = dmop_get_ioreq_server_info(h, dom, id, DMOP_NO_GFNS,
						    NULL, NULL, &port);
	r.own_irq_err = dmop_set_isa_irq_level(h, dom, 4, 1);
	if (!r.own_irq_err)
		r.own_irq_err = dmop_set_isa_irq_level(h, dom, 4, 0);
	r.own_state_err = dmop_set_ioreq_server_state(h, dom, id, 0);
	/* the guest's buffered-ioreq channel, as a device model binds it */
	r.own_port = r.own_info_err ? r.own_info_err : bind_port(xce, dom, port);
	/* and nothing else */
	r.other_vcpus_err = dmop_nr_vcpus(h, other, &r.own_vcpus);
	r.other_irq_err = dmop_set_isa_irq_level(h, other, 4, 1);
	r.other_port = bind_port(xce, other, 1);
	{
		struct ioctl_evtchn_bind_interdomain bind = {
			.remote_domain = other, .remote_port = 1,
		};
		int rc = ioctl(dmop_evtchn_fd(h), IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);

		r.handle_other_port = rc < 0 ? -errno : rc;
	}
	r.dom0_err = dmop_nr_vcpus(h, 0, &r.own_vcpus);
	dmop_nr_vcpus(h, dom, &r.own_vcpus);

	getresuid(&r.ruid, &r.euid, &r.suid);
	getresgid(&r.rgid, &r.egid, &r.sgid);
	r.ngroups = getgroups(0, NULL);
	r.nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	getrlimit(RLIMIT_FSIZE, &rl);
	r.fsize = rl.rlim_max;
	getrlimit(RLIMIT_CORE, &rl);
	r.core = rl.rlim_max;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	r.memlock = rl.rlim_max;
	r.setuid0_errno = setuid(0) ? errno : 0;
	r.open_privcmd_errno = open("/dev/xen/privcmd", O_RDWR) < 0 ? errno : 0;
	r.root_entries = count_root();
	r.destroy_err = dmop_destroy_ioreq_server(h, dom, id);
out:
	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(2);
	_exit(0);
}

/* Run the device model for @dom in a child and collect its report. */
static int run_dm(struct dm_report *r, uint16_t dom, uint16_t other,
		  const char *root, unsigned int flags)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		device_model(p[1], dom, other, root, flags);
	}
	close(p[1]);
	n = read(p[0], r, sizeof(*r));
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return n == sizeof(*r) && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

FIXTURE(two_guests) {
	struct xen_guest a, b;
	char root[64];
};

FIXTURE_SETUP(two_guests)
{
	test_fixture_setup(.guests = { &self->a, &self->b });
	strcpy(self->root, "/tmp/dm-root-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	/* searchable by the device model's uid: lookups inside find nothing */
	ASSERT_EQ(0, chmod(self->root, 0755));
}

FIXTURE_TEARDOWN(two_guests)
{
	test_fixture_teardown(.guests = { &self->a, &self->b });
	rmdir(self->root);
}

TEST_F(two_guests, device_model_serves_only_its_guest)
{
	uint16_t dom = self->a.domid, other = self->b.domid;
	struct dm_report r;

	ASSERT_EQ(0, run_dm(&r, dom, other, self->root, 0));
	ASSERT_EQ(0, r.ioreq_err) TH_LOG("ioreq server setup: %s", strerror(-r.ioreq_err));
	ASSERT_EQ(0, r.setup_err) TH_LOG("%s", r.rep.message);
	EXPECT_EQ(DMOP_STEP_NONE, (int)r.rep.failed);
	EXPECT_EQ(0, r.rep.partial);
	EXPECT_EQ((1U << DMOP_STEP_COUNT) - 2 - (1U << DMOP_STEP_ALLOWLIST), r.rep.done);

	/* serving its guest */
	EXPECT_EQ(0, r.own_vcpus_err);
	EXPECT_EQ(0, r.own_info_err);
	EXPECT_EQ(0, r.own_irq_err);
	EXPECT_EQ(0, r.own_state_err);
	EXPECT_LE(0, r.own_port) TH_LOG("evtchn bind to its guest: %s", strerror(-r.own_port));
	EXPECT_EQ(0, r.destroy_err);
	/* and nothing else */
	EXPECT_EQ(-EPERM, r.other_vcpus_err);
	EXPECT_EQ(-EPERM, r.other_irq_err);
	EXPECT_EQ(-EACCES, r.other_port);
	EXPECT_EQ(-EACCES, r.handle_other_port);
	EXPECT_EQ(-EPERM, r.dom0_err);

	/* deprivileged */
	EXPECT_EQ((uid_t)(DM_GID + dom), r.ruid);
	EXPECT_EQ(r.ruid, r.euid);
	EXPECT_EQ(r.ruid, r.suid);
	EXPECT_EQ((gid_t)DM_GID, r.rgid);
	EXPECT_EQ(r.rgid, r.egid);
	EXPECT_EQ(r.rgid, r.sgid);
	EXPECT_EQ(0, r.ngroups);
	EXPECT_EQ(1, r.nnp);
	EXPECT_EQ((rlim_t)256 * 1024, r.fsize);
	EXPECT_EQ((rlim_t)0, r.core);
	EXPECT_EQ((rlim_t)0, r.memlock);
	EXPECT_EQ(EPERM, r.setuid0_errno);
	EXPECT_EQ(ENOENT, r.open_privcmd_errno);
	EXPECT_EQ(0, r.root_entries);

	/* the other guest is untouched and the test process is not restricted */
	EXPECT_TRUE(xen_domain_exists(other));
}

/* Without a chroot or id change the same restriction holds (flags). */
TEST_F(two_guests, restrict_only)
{
	struct dm_report r;

	ASSERT_EQ(0, run_dm(&r, self->a.domid, self->b.domid, NULL,
			    DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT));
	ASSERT_EQ(0, r.setup_err) TH_LOG("%s", r.rep.message);
	EXPECT_EQ(0, r.own_vcpus_err);
	EXPECT_EQ(-EPERM, r.other_vcpus_err);
	EXPECT_EQ(0U, r.ruid);
	EXPECT_EQ(1, r.nnp);
	EXPECT_EQ(0, r.setuid0_errno);
	EXPECT_NE(0, r.root_entries);
}

/* A bad option fails before anything changes and says which step. */
TEST_F(two_guests, refuses_before_changing_anything)
{
	struct dmop_setup_report rep = { .sz = sizeof(rep) };
	struct dmop_handle *h;
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = self->a.domid,
		.uid = DM_GID + self->a.domid,
		.gid = DM_GID,
		.chroot_dir = "/selftests",	/* not empty */
	};
	unsigned int vcpus;

	ASSERT_EQ(0, dmop_open(&h, 0));
	EXPECT_EQ(-ENOTEMPTY, dmop_after_setup(h, &o, &rep));
	EXPECT_EQ(DMOP_STEP_CHECK, (int)rep.failed);
	EXPECT_EQ(0, rep.partial);
	EXPECT_NE(NULL, strstr(rep.message, "nothing was changed"));
	/* still unrestricted: the other guest answers */
	EXPECT_EQ(DMOP_DOMID_INVALID, dmop_restricted_domid(h));
	EXPECT_EQ(0, dmop_nr_vcpus(h, self->b.domid, &vcpus));
	EXPECT_EQ(0U, getuid());
	dmop_close(h);
}

/* Drop CAP_SETGID from the effective set: setgroups() then fails as root. */
static int drop_cap_setgid(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_SETGID / 32].effective &= ~(1U << (CAP_SETGID % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* A failure after the restriction says the process is partly dropped. */
TEST_F(two_guests, partial_failure_is_reported)
{
	struct dmop_setup_report rep = { .sz = sizeof(rep) };
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = self->a.domid,
		.uid = DM_GID + self->a.domid,
		.gid = DM_GID,
		.chroot_dir = self->root,
	};
	struct dmop_handle *h;
	int p[2], status, err = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(p[0]);
		err = dmop_open(&h, 0);
		if (!err)
			err = drop_cap_setgid();
		if (!err)
			err = dmop_after_setup(h, &o, &rep);
		if (write(p[1], &err, sizeof(err)) != sizeof(err) ||
		    write(p[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ((ssize_t)sizeof(err), read(p[0], &err, sizeof(err)));
	ASSERT_EQ((ssize_t)sizeof(rep), read(p[0], &rep, sizeof(rep)));
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(-EPERM, err);
	EXPECT_EQ(DMOP_STEP_GROUPS, (int)rep.failed);
	EXPECT_EQ(1, rep.partial);
	EXPECT_TRUE(!!(rep.done & (1U << DMOP_STEP_RESTRICT)));
	EXPECT_TRUE(!!(rep.done & (1U << DMOP_STEP_CHROOT)));
	EXPECT_FALSE(!!(rep.done & (1U << DMOP_STEP_UID)));
	TH_LOG("%s", rep.message);
	EXPECT_NE(NULL, strstr(rep.message, "after-setup step 'groups' failed: setgroups(0)"));
	EXPECT_NE(NULL, strstr(rep.message, "already done: restrict rlimits chroot;"));
	EXPECT_NE(NULL, strstr(rep.message, "partly deprivileged"));
}

/* Run @fn in a child (whatever it does to itself stays there); its result. */
struct child_result {
	int err;
	struct dmop_setup_report rep;
	int other_err;
	int own_err;
};

static int in_child(void (*fn)(struct child_result *, uint16_t, uint16_t),
		    uint16_t dom, uint16_t other, struct child_result *res)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		fn(res, dom, other);
		_exit(write(p[1], res, sizeof(*res)) == sizeof(*res) ? 0 : 2);
	}
	close(p[1]);
	n = read(p[0], res, sizeof(*res));
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return n == sizeof(*res) && WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/* Files of other Xen libraries only, no handle (h == NULL). */
static void extra_fds_only(struct child_result *r, uint16_t dom, uint16_t other)
{
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = dom,
		.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS,
	};
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	int fds[2] = { open("/dev/xen/privcmd", O_RDWR), xce ? xenevtchn_fd(xce) : -1 };
	struct dmop_handle *h;
	unsigned int vcpus;

	o.extra_fds = fds;
	o.nr_extra_fds = 2;
	r->rep.sz = sizeof(r->rep);
	r->err = dmop_after_setup(NULL, &o, &r->rep);
	/* look through the restricted file with a handle of our own */
	if (r->err || dmop_open_fds(&h, fds[0], -1))
		return;
	r->own_err = dmop_nr_vcpus(h, dom, &vcpus);
	r->other_err = dmop_nr_vcpus(h, other, &vcpus);
}

TEST_F(two_guests, extra_fds_without_handle)
{
	struct child_result r;

	ASSERT_EQ(0, in_child(extra_fds_only, self->a.domid, self->b.domid, &r));
	ASSERT_EQ(0, r.err) TH_LOG("%s", r.rep.message);
	EXPECT_EQ(0, r.own_err);
	EXPECT_EQ(-EPERM, r.other_err);
}

/* An evtchn file someone restricted before: refused, named, and partial. */
static void evtchn_restricted_before(struct child_result *r, uint16_t dom, uint16_t other)
{
	struct dmop_setup_opts o = {
		.sz = sizeof(o),
		.domid = dom,
		.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS,
	};
	struct dmop_handle *h, *e;
	int efd;

	r->err = dmop_open(&h, DMOP_OPEN_EVTCHN);
	if (r->err)
		return;
	/* restrict a dup of the evtchn file through a second handle */
	efd = dup(dmop_evtchn_fd(h));
	r->err = dmop_open_fds(&e, open("/dev/xen/privcmd", O_RDWR), efd);
	if (!r->err)
		r->err = dmop_restrict(e, other);
	if (r->err)
		return;
	r->rep.sz = sizeof(r->rep);
	r->err = dmop_after_setup(h, &o, &r->rep);
}

TEST_F(two_guests, evtchn_restricted_before)
{
	struct child_result r;

	ASSERT_EQ(0, in_child(evtchn_restricted_before, self->a.domid, self->b.domid, &r));
	EXPECT_EQ(-EACCES, r.err);
	EXPECT_EQ(DMOP_STEP_RESTRICT, (int)r.rep.failed);
	/* privcmd came first and is restricted now: the report says so */
	EXPECT_EQ(1, r.rep.partial);
	TH_LOG("%s", r.rep.message);
	EXPECT_NE(NULL, strstr(r.rep.message, "is already restricted (to this or another domain)"));
	EXPECT_NE(NULL, strstr(r.rep.message, "already done: restrict;"));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
