// SPDX-License-Identifier: GPL-2.0
/*
 * A device model seen from a second process: a child plays one (restricted
 * and deprivileged, or not), the test process looks at it through procfs,
 * with the library's fdinfo parser and with `dmop status`, the installed
 * program (/usr/bin/dmop in the VM image) run as any user would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"
#include "libdmop.h"
#include "libdmop/dmop_util.h"

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

#define DM_GID 131072

struct dm_child {
	pid_t pid;
	int ready;	/* read end: one int, 0 or -errno, when set up */
	int go;		/* write end: closing it ends the child */
};

/*
 * Start a child that opens privcmd and evtchn, issues one DMOP to @dom,
 * and with @drop calls dmop_after_setup() (chroot into @root), then waits.
 */
static int start_dm(struct dm_child *c, uint16_t dom, int drop, const char *root)
{
	int rp[2], gp[2];

	if (pipe(rp) || pipe(gp))
		return -errno;
	c->pid = fork();
	if (c->pid < 0)
		return -errno;
	if (!c->pid) {
		struct dmop_setup_opts o = {
			.sz = sizeof(o),
			.domid = dom, .uid = DM_GID + dom, .gid = DM_GID,
			.chroot_dir = root,
		};
		struct dmop_handle *h;
		unsigned int vcpus;
		char byte;
		int err;

		close(rp[0]);
		close(gp[1]);
		err = dmop_open(&h, DMOP_OPEN_EVTCHN);
		if (!err)
			err = dmop_nr_vcpus(h, dom, &vcpus);
		if (!err && drop)
			err = dmop_after_setup(h, &o, NULL);
		if (write(rp[1], &err, sizeof(err)) != sizeof(err))
			_exit(2);
		/* hold the files open until the test is done looking */
		while (read(gp[0], &byte, 1) > 0)
			;
		_exit(0);
	}
	close(rp[1]);
	close(gp[0]);
	c->ready = rp[0];
	c->go = gp[1];
	return 0;
}

static int wait_ready(struct dm_child *c)
{
	int err = -EIO;

	if (read(c->ready, &err, sizeof(err)) != sizeof(err))
		return -EIO;
	return err;
}

static void stop_dm(struct dm_child *c)
{
	int status;

	if (c->pid <= 0)
		return;
	close(c->go);
	close(c->ready);
	waitpid(c->pid, &status, 0);
	c->pid = 0;
}

/* How often @needle occurs in @hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/*
 * The child's privcmd and evtchn files (one each) through
 * dmop_fdinfo_parse(); the privcmd descriptor in *@privcmd_fd.
 */
static void child_files(struct __test_metadata *_metadata, pid_t pid,
			struct dmop_audit *priv, struct dmop_audit *ev, int *privcmd_fd)
{
	int pfd[4], efd[4];

	ASSERT_EQ(1, proc_dev_fds(pid, "/dev/xen/privcmd", pfd, 4));
	ASSERT_EQ(1, proc_dev_fds(pid, "/dev/xen/evtchn", efd, 4));
	/* dmop_open() opens privcmd first */
	EXPECT_LT(pfd[0], efd[0]);
	priv->sz = sizeof(*priv);
	ev->sz = sizeof(*ev);
	ASSERT_EQ(0, proc_fdinfo(pid, pfd[0], priv));
	ASSERT_EQ(0, proc_fdinfo(pid, efd[0], ev));
	*privcmd_fd = pfd[0];
}

/*
 * Whether the loaded driver publishes our fdinfo keys (see libdmop(7)):
 * judged by the selftests' own parser (lib/proc_files.h), not libdmop's.
 */
#define has_fdinfo_keys(pid, fd) ({						\
	int _has = fdinfo_has(pid, fd, "privcmd.restricted_domid");		\
										\
	ASSERT_LE(0, _has) TH_LOG("fdinfo of fd %d in %d: %s", fd, (int)(pid),	\
				  strerror(-_has));				\
	_has;									\
})

FIXTURE(guest) {
	struct xen_guest g;
	struct dm_child dm;
	char root[64];
	char out[16384];
};

FIXTURE_SETUP(guest)
{
	test_fixture_setup(.guests = { &self->g });
	strcpy(self->root, "/tmp/dm-root-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, chmod(self->root, 0755));
	self->dm.pid = 0;
}

FIXTURE_TEARDOWN(guest)
{
	stop_dm(&self->dm);
	test_fixture_teardown(.guests = { &self->g });
	rmdir(self->root);
}

TEST_F(guest, deprivileged_device_model)
{
	uint16_t dom = self->g.domid;
	struct dmop_audit priv, ev;
	char want[128], pid[16];
	int err, keys, fd;

	ASSERT_EQ(0, start_dm(&self->dm, dom, 1, self->root));
	err = wait_ready(&self->dm);
	ASSERT_EQ(0, err) TH_LOG("device model setup: %s", strerror(-err));

	/* the library, on the child's fdinfo */
	child_files(_metadata, self->dm.pid, &priv, &ev, &fd);
	/* judged from the raw text, not by the parser under test */
	keys = has_fdinfo_keys(self->dm.pid, fd);
	if (xen_env_ours())
		ASSERT_TRUE(keys);
	if (keys) {
		EXPECT_EQ(dom, priv.restricted_domid);
		EXPECT_EQ(dom, ev.restricted_domid);
		ASSERT_TRUE(!!(priv.have & DMOP_HAVE_COUNTERS));
		/* nr_vcpus before the drop; verify's two DMOPs aimed elsewhere refused */
		EXPECT_EQ(1ULL, priv.dm_ops);
		EXPECT_EQ(2ULL, priv.dm_ops_denied);
		EXPECT_EQ(2ULL, priv.denied[DMOP_DENIED_DOMID]);
		EXPECT_EQ(1ULL, priv.denied[DMOP_DENIED_HYPERCALL]);
		EXPECT_EQ(0U, ev.have & DMOP_HAVE_COUNTERS);
		/* no irqfd or ioeventfd: the counters are published, all 0 */
		EXPECT_NE(0U, priv.have & DMOP_HAVE_EVENTFDS);
		EXPECT_EQ(0U, ev.have & DMOP_HAVE_EVENTFDS);
		EXPECT_EQ(0ULL, priv.irqfds | priv.irqfd_injections | priv.irqfd_denied);
		EXPECT_EQ(0ULL, priv.ioeventfds | priv.ioeventfd_notifies | priv.ioeventfd_denied);
	} else {
		/* the distro's drivers (and ours before the audit keys) say nothing */
		EXPECT_EQ(DMOP_RESTRICT_UNKNOWN, priv.restricted_domid);
		EXPECT_EQ(DMOP_RESTRICT_UNKNOWN, ev.restricted_domid);
		EXPECT_EQ(0U, priv.have);
		if (!xen_env_ours())
			printf("# DIFF: the in-tree drivers publish no fdinfo keys: dmop status reports restriction and counters as unknown\n");
		fflush(stdout);
	}

	/* the command, from yet another process */
	snprintf(pid, sizeof(pid), "%d", (int)self->dm.pid);
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(self->out, sizeof(self->out), "status", "--json",
					     pid, (char *)NULL));
	TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "{\"version\":1,\"processes\":[{\"pid\":%d,", (int)self->dm.pid);
	EXPECT_EQ(0, strncmp(self->out, want, strlen(want)));
	snprintf(want, sizeof(want), "{\"pid\":%d,", (int)self->dm.pid);
	EXPECT_NE(NULL, strstr(self->out, want));
	snprintf(want, sizeof(want), "\"uid\":%d,\"euid\":%d,", DM_GID + dom, DM_GID + dom);
	EXPECT_NE(NULL, strstr(self->out, want));
	EXPECT_NE(NULL, strstr(self->out, "\"chrooted\":true,\"no_new_privs\":true,"));
	EXPECT_EQ(2, count(self->out, "{\"fd\":"));
	ASSERT_NE(NULL, strstr(self->out, "\"device\":\"privcmd\""));
	ASSERT_NE(NULL, strstr(self->out, "\"device\":\"evtchn\""));
	EXPECT_LT(strstr(self->out, "\"device\":\"privcmd\""),
		  strstr(self->out, "\"device\":\"evtchn\""));
	if (keys) {
		snprintf(want, sizeof(want), "\"restriction\":\"domain\",\"restricted_domid\":%u,", dom);
		EXPECT_EQ(2, count(self->out, want));
		EXPECT_NE(NULL, strstr(self->out, "\"unrestricted_dmops\":false,"));
		EXPECT_NE(NULL, strstr(self->out, "\"dm_ops\":1,\"dm_ops_denied\":2,"));
		EXPECT_EQ(1, count(self->out, "\"irqfds\":0,\"irqfd_injections\":0,"
				   "\"irqfd_denied\":0,\"ioeventfds\":0,"
				   "\"ioeventfd_notifies\":0,\"ioeventfd_denied\":0}"));
	} else {
		EXPECT_EQ(2, count(self->out, "\"restriction\":\"unknown\",\"restricted_domid\":null,"));
		EXPECT_EQ(1, count(self->out, "\"irqfds\":null,"));
		EXPECT_NE(NULL, strstr(self->out, "\"unrestricted_dmops\":null,"));
	}

	/* the text: the privcmd file's irqfd and ioeventfd lines */
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(self->out, sizeof(self->out), "status", pid,
					     (char *)NULL));
	TH_LOG("%s", self->out);
	if (keys) {
		EXPECT_EQ(1, count(self->out, "    irqfds: 0 live, injections 0, denied 0\n"));
		EXPECT_EQ(1, count(self->out, "    ioeventfds: 0 live, notifies 0, denied 0\n"));
	} else {
		EXPECT_EQ(0, count(self->out, "irqfds:"));
	}

	/* a scan of all processes finds it too, once */
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(self->out, sizeof(self->out), "status", "--json",
					     (char *)NULL));
	snprintf(want, sizeof(want), "{\"pid\":%d,", (int)self->dm.pid);
	EXPECT_EQ(1, count(self->out, want)) TH_LOG("%s", self->out);
}

TEST_F(guest, unrestricted_dmops)
{
	struct dmop_audit priv, ev;
	char pid[16];
	int rc, keys, fd;

	ASSERT_EQ(0, start_dm(&self->dm, self->g.domid, 0, NULL));
	ASSERT_EQ(0, wait_ready(&self->dm));
	child_files(_metadata, self->dm.pid, &priv, &ev, &fd);
	keys = has_fdinfo_keys(self->dm.pid, fd);
	if (xen_env_ours())
		ASSERT_TRUE(keys);
	snprintf(pid, sizeof(pid), "%d", (int)self->dm.pid);

	rc = dmop_cmd_run(self->out, sizeof(self->out), "status", "--json", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\"uid\":0,\"euid\":0,\"chrooted\":false,\"no_new_privs\":false,"));
	EXPECT_EQ(2, count(self->out, "{\"fd\":"));
	if (keys && (priv.have & DMOP_HAVE_COUNTERS)) {
		EXPECT_EQ(DMOP_RESTRICT_NONE, priv.restricted_domid);
		EXPECT_EQ(DMOP_RESTRICT_NONE, ev.restricted_domid);
		EXPECT_EQ(1ULL, priv.dm_ops);
		EXPECT_EQ(0ULL, priv.dm_ops_denied);
		EXPECT_EQ(DMOP_EXIT_UNRESTRICTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "\"unrestricted_dmops\":true,"));
		EXPECT_EQ(2, count(self->out, "\"restriction\":\"none\",\"restricted_domid\":null,"));
	}
	rc = dmop_cmd_run(self->out, sizeof(self->out), "status", pid, (char *)NULL);
	TH_LOG("%s", self->out);
	if (keys && (priv.have & DMOP_HAVE_COUNTERS)) {
		EXPECT_EQ(DMOP_EXIT_UNRESTRICTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "UNRESTRICTED DMOPS"));
		EXPECT_NE(NULL, strstr(self->out, " privcmd unrestricted, dm_ops 1 (denied 0)\n"));
	} else {
		/* cannot tell: reported as unknown, not as a failure */
		EXPECT_EQ(0U, priv.have);
		EXPECT_EQ(DMOP_EXIT_OK, rc);
		EXPECT_NE(NULL, strstr(self->out, "restriction unknown, dm_ops unknown"));
		EXPECT_NE(NULL, strstr(self->out, "publishes no privcmd./evtchn. fdinfo keys"));
	}
}

TEST(pids_without_xen_files)
{
	char pid[16], out[4096];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(out, sizeof(out), "status", pid, (char *)NULL));
	EXPECT_NE(NULL, strstr(out, "no Xen files open"));
	/* a pid that does not exist */
	EXPECT_EQ(DMOP_EXIT_ERROR, dmop_cmd_run(out, sizeof(out), "status", "2147483647",
						(char *)NULL));
	EXPECT_NE(NULL, strstr(out, "a given pid does not exist"));
	/* no privcmd file: no policy to give */
	EXPECT_EQ(DMOP_EXIT_ERROR, dmop_cmd_run(out, sizeof(out), "policy", pid, (char *)NULL));
	EXPECT_NE(NULL, strstr(out, "holds no /dev/xen/privcmd file"));
}

/* The program the tests run is the dmop of this libdmop, not a leftover. */
TEST(command_is_this_release)
{
	char out[256];

	TH_LOG("dmop command: %s", dmop_cmd_path());
	EXPECT_EQ(DMOP_EXIT_OK, dmop_cmd_run(out, sizeof(out), "--version", (char *)NULL));
	EXPECT_STREQ("dmop " LIBDMOP_VERSION "\n", out);
	EXPECT_EQ(DMOP_EXIT_USAGE, dmop_cmd_run(out, sizeof(out), "frobnicate", (char *)NULL));
	EXPECT_NE(NULL, strstr(out, "dmop: unknown command 'frobnicate'"));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
