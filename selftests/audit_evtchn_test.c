// SPDX-License-Identifier: GPL-2.0
/*
 * Audit of /dev/xen/evtchn: every "evtchn." fdinfo key (restriction, bound
 * ports, refused binds, ring) against a real HVM guest. The in-tree driver
 * has no fdinfo keys: there the tests assert that and print "# DIFF:".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/audit_util.h"
#include "lib/evtchn_util.h"
#include "lib/xen_env.h"

static const char *const nodes[] = { EVTCHN_NODE, NULL };

FIXTURE(evaudit) {
	int fd;
	struct xen_guest g;
};

FIXTURE_SETUP(evaudit)
{
	int err;

	self->fd = evtchn_open(0);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", EVTCHN_NODE, strerror(-self->fd));
	err = xen_guest_create(&self->g, 256);
	ASSERT_EQ(0, err) TH_LOG("xen_guest_create: %s", strerror(-err));
}

FIXTURE_TEARDOWN(evaudit)
{
	xen_guest_destroy(&self->g);
	close(self->fd);
}

static bool upstream(int fd)
{
	if (evtchn_ours())
		return false;
	if (audit_fdinfo_count(fd, "evtchn.") != 0)
		return false;
	evtchn_diff("in-tree evtchn fdinfo has no evtchn. keys");
	return true;
}

TEST_F(evaudit, fresh_file_keys)
{
	char val[64];

	if (upstream(self->fd))
		return;
	ASSERT_EQ(0, audit_fdinfo_str(self->fd, "evtchn.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	EXPECT_EQ(0, audit_fdinfo_num(self->fd, "evtchn.ports"));
	EXPECT_EQ(0, audit_fdinfo_num(self->fd, "evtchn.denied"));
	EXPECT_EQ(0, audit_fdinfo_num(self->fd, "evtchn.ring_size"));
	EXPECT_EQ(0, audit_fdinfo_num(self->fd, "evtchn.pending"));
	/* The old unprefixed names are gone. */
	EXPECT_EQ(0, audit_fdinfo_count(self->fd, "restrict_domid:"));
	EXPECT_EQ(0, audit_fdinfo_count(self->fd, "ports:"));
}

TEST_F(evaudit, ports_ring_and_pending)
{
	int peer = evtchn_open(0);
	uint32_t a, b;

	ASSERT_LE(0, peer);
	if (upstream(self->fd)) {
		close(peer);
		return;
	}
	ASSERT_EQ(0, evtchn_loopback(self->fd, peer, &a, &b));
	EXPECT_EQ(1, audit_fdinfo_num(self->fd, "evtchn.ports"));
	EXPECT_EQ(1, audit_fdinfo_num(peer, "evtchn.ports"));
	EXPECT_EQ(64, audit_fdinfo_num(self->fd, "evtchn.ring_size"));
	/* b fired once when it was bound (Xen marks it pending): read it. */
	ASSERT_EQ(0, evtchn_notify(self->fd, a));
	ASSERT_EQ(1, evtchn_wait_readable(peer, 5000));
	EXPECT_LE(1, audit_fdinfo_num(peer, "evtchn.pending"));
	ASSERT_EQ(0, evtchn_unbind(self->fd, a));
	EXPECT_EQ(0, audit_fdinfo_num(self->fd, "evtchn.ports"));
	close(peer);
}

TEST_F(evaudit, restriction_and_denied_binds)
{
	char val[64], want[16];
	int port, status;
	pid_t pid;

	if (upstream(self->fd))
		return;
	ASSERT_EQ(0, evtchn_restrict(self->fd, self->g.domid));
	snprintf(want, sizeof(want), "%u", self->g.domid);
	ASSERT_EQ(0, audit_fdinfo_str(self->fd, "evtchn.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ(want, val);

	EXPECT_EQ(-EACCES, evtchn_bind_virq(self->fd, 3));
	EXPECT_EQ(-EACCES, evtchn_bind_unbound(self->fd, self->g.domid));
	EXPECT_EQ(-EACCES, evtchn_bind_interdomain(self->fd, 0, 1));
	EXPECT_EQ(3, audit_fdinfo_num(self->fd, "evtchn.denied"));
	/* A refused restrict is no refused bind. */
	EXPECT_EQ(-EACCES, evtchn_restrict(self->fd, self->g.domid));
	EXPECT_EQ(3, audit_fdinfo_num(self->fd, "evtchn.denied"));

	port = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, port);
	ASSERT_LE(0, evtchn_bind_interdomain(self->fd, self->g.domid, port));
	EXPECT_EQ(1, audit_fdinfo_num(self->fd, "evtchn.ports"));
	EXPECT_EQ(3, audit_fdinfo_num(self->fd, "evtchn.denied"));

	/* A forked child shares the file: its refusal shows in ours. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(evtchn_bind_virq(self->fd, 3) == -EACCES ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(4, audit_fdinfo_num(self->fd, "evtchn.denied"));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
