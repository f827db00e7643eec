// SPDX-License-Identifier: GPL-2.0
/*
 * `dmop status` and dmop_status_scan() seen from a second process: a child
 * plays a device model (restricted and deprivileged, or not), the test
 * process looks at it through procfs, with the library and with the command
 * (this program runs dmop's main when called as "--dmop-cli ...").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/xen_env.h"
#include "libdmop.h"
#include "cli.h"

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

/* Run "dmop ARGS..." (this program as the command); its stdout and exit code. */
static int run_cli(char *out, size_t size, const char *a1, const char *a2,
		   const char *a3)
{
	int p[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(p[1], 1);
		close(p[0]);
		execl("/proc/self/exe", "dmop", "--dmop-cli", a1, a2, a3, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < size - 1 && (n = read(p[0], out + len, size - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether the loaded driver publishes our fdinfo keys (see libdmop(7)). */
static int has_fdinfo_keys(pid_t pid, int fd)
{
	char path[64], buf[4096] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, "privcmd.restricted_domid:") != NULL;
}

FIXTURE(guest) {
	struct xen_guest g;
	struct dm_child dm;
	char root[64];
	char out[16384];
};

FIXTURE_SETUP(guest)
{
	int err = xen_guest_create(&self->g, 256);

	ASSERT_EQ(0, err) TH_LOG("xen_guest_create: %s", strerror(-err));
	strcpy(self->root, "/tmp/dm-root-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	ASSERT_EQ(0, chmod(self->root, 0755));
	self->dm.pid = 0;
}

FIXTURE_TEARDOWN(guest)
{
	stop_dm(&self->dm);
	EXPECT_EQ(0, xen_guest_destroy(&self->g));
	rmdir(self->root);
}

TEST_F(guest, deprivileged_device_model)
{
	uint16_t dom = self->g.domid;
	struct dmop_proc_status *procs;
	char want[64];
	size_t nr;
	int err, keys, found = 0;

	ASSERT_EQ(0, start_dm(&self->dm, dom, 1, self->root));
	err = wait_ready(&self->dm);
	ASSERT_EQ(0, err) TH_LOG("device model setup: %s", strerror(-err));

	ASSERT_EQ(0, dmop_status_scan(NULL, &self->dm.pid, 1, &procs, &nr));
	ASSERT_EQ(1U, nr);
	EXPECT_EQ(self->dm.pid, procs[0].pid);
	EXPECT_EQ((uid_t)(DM_GID + dom), procs[0].uid);
	EXPECT_EQ((uid_t)(DM_GID + dom), procs[0].euid);
	EXPECT_EQ(1, procs[0].chrooted);
	EXPECT_EQ(1, procs[0].no_new_privs);
	ASSERT_EQ(2U, procs[0].nr_fds);
	EXPECT_EQ(DMOP_DEV_PRIVCMD, (int)procs[0].fds[0].dev);
	EXPECT_EQ(DMOP_DEV_EVTCHN, (int)procs[0].fds[1].dev);
	keys = has_fdinfo_keys(self->dm.pid, procs[0].fds[0].fd);
	if (keys) {
		EXPECT_EQ(dom, procs[0].fds[0].restricted_domid);
		EXPECT_EQ(dom, procs[0].fds[1].restricted_domid);
		EXPECT_EQ(0, dmop_proc_unrestricted_dmops(&procs[0]));
	} else {
		/* the distro's drivers (and ours before the audit keys) say nothing */
		EXPECT_EQ(DMOP_RESTRICT_UNKNOWN, procs[0].fds[0].restricted_domid);
		EXPECT_EQ(-1, dmop_proc_unrestricted_dmops(&procs[0]));
		if (!xen_env_ours())
			printf("# DIFF: the in-tree drivers publish no fdinfo keys: dmop status reports restriction and counters as unknown\n");
		fflush(stdout);
	}
	dmop_status_free(procs, nr);

	/* a scan of all processes finds it too */
	ASSERT_EQ(0, dmop_status_scan(NULL, NULL, 0, &procs, &nr));
	for (size_t i = 0; i < nr; i++)
		found += procs[i].pid == self->dm.pid;
	EXPECT_EQ(1, found);
	dmop_status_free(procs, nr);

	/* the command, from yet another process */
	snprintf(want, sizeof(want), "%d", (int)self->dm.pid);
	EXPECT_EQ(DMOP_EXIT_OK, run_cli(self->out, sizeof(self->out), "status", "--json", want));
	TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "{\"pid\":%d,", (int)self->dm.pid);
	EXPECT_NE(NULL, strstr(self->out, want));
	snprintf(want, sizeof(want), "\"uid\":%d,\"euid\":%d,", DM_GID + dom, DM_GID + dom);
	EXPECT_NE(NULL, strstr(self->out, want));
	EXPECT_NE(NULL, strstr(self->out, "\"chrooted\":true,\"no_new_privs\":true,"));
	EXPECT_NE(NULL, strstr(self->out, "\"device\":\"privcmd\""));
	EXPECT_NE(NULL, strstr(self->out, "\"device\":\"evtchn\""));
}

TEST_F(guest, unrestricted_dmops)
{
	struct dmop_proc_status *procs;
	char pid[16];
	size_t nr;
	int rc, keys;

	ASSERT_EQ(0, start_dm(&self->dm, self->g.domid, 0, NULL));
	ASSERT_EQ(0, wait_ready(&self->dm));
	ASSERT_EQ(0, dmop_status_scan(NULL, &self->dm.pid, 1, &procs, &nr));
	ASSERT_EQ(1U, nr);
	ASSERT_EQ(2U, procs[0].nr_fds);
	EXPECT_EQ(0U, procs[0].uid);
	EXPECT_EQ(0, procs[0].chrooted);
	EXPECT_EQ(0, procs[0].no_new_privs);
	keys = has_fdinfo_keys(self->dm.pid, procs[0].fds[0].fd);
	snprintf(pid, sizeof(pid), "%d", (int)self->dm.pid);
	rc = run_cli(self->out, sizeof(self->out), "status", pid, NULL);
	TH_LOG("%s", self->out);
	if (keys && procs[0].fds[0].have_counters) {
		EXPECT_EQ(DMOP_RESTRICT_NONE, procs[0].fds[0].restricted_domid);
		EXPECT_LE(1U, procs[0].fds[0].dm_ops);
		EXPECT_EQ(1, dmop_proc_unrestricted_dmops(&procs[0]));
		EXPECT_EQ(DMOP_EXIT_UNRESTRICTED, rc);
		EXPECT_NE(NULL, strstr(self->out, "UNRESTRICTED DMOPS"));
	} else {
		/* cannot tell: reported as unknown, not as a failure */
		EXPECT_EQ(-1, dmop_proc_unrestricted_dmops(&procs[0]));
		EXPECT_EQ(DMOP_EXIT_OK, rc);
		EXPECT_NE(NULL, strstr(self->out, "restriction unknown, dm_ops unknown"));
		EXPECT_NE(NULL, strstr(self->out, "publishes no privcmd./evtchn. fdinfo keys"));
	}
	dmop_status_free(procs, nr);
}

TEST(pids_without_xen_files)
{
	char pid[16], out[4096];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	EXPECT_EQ(DMOP_EXIT_OK, run_cli(out, sizeof(out), "status", pid, NULL));
	EXPECT_NE(NULL, strstr(out, "no Xen files open"));
	/* a pid that does not exist */
	EXPECT_EQ(DMOP_EXIT_ERROR, run_cli(out, sizeof(out), "status", "2147483647", NULL));
	/* no privcmd file: no policy to give */
	EXPECT_EQ(DMOP_EXIT_ERROR, run_cli(out, sizeof(out), "policy", pid, NULL));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--dmop-cli"))
		return dmop_cli_main(argc - 1, argv + 1);
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
