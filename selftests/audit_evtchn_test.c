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
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { EVTCHN_NODE, NULL };

FIXTURE(evaudit) {
	int fd;
	struct xen_guest g;
};

FIXTURE_SETUP(evaudit)
{
	test_fixture_setup(.evtchn = { &self->fd }, .guests = { &self->g });
}

FIXTURE_TEARDOWN(evaudit)
{
	test_fixture_teardown(.evtchn = { &self->fd }, .guests = { &self->g });
}

static bool upstream(int fd)
{
	if (evtchn_ours())
		return false;
	if (fdinfo_count(0, fd, "evtchn.") != 0)
		return false;
	evtchn_diff("in-tree evtchn fdinfo has no evtchn. keys");
	return true;
}

TEST_F(evaudit, fresh_file_keys)
{
	char val[64];

	if (upstream(self->fd))
		return;
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "evtchn.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.ports"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.denied"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.ring_size"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.pending"));
	/* The old unprefixed names are gone. */
	EXPECT_EQ(0, fdinfo_has(0, self->fd, "restrict_domid"));
	EXPECT_EQ(0, fdinfo_has(0, self->fd, "ports"));
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
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "evtchn.ports"));
	EXPECT_EQ(1, fdinfo_num(0, peer, "evtchn.ports"));
	EXPECT_EQ(64, fdinfo_num(0, self->fd, "evtchn.ring_size"));
	/* b fired once when it was bound (Xen marks it pending): read it. */
	test_cmd_evtchn_notify(self->fd, a);
	ASSERT_EQ(1, evtchn_wait_readable(peer, 5000));
	EXPECT_LE(1, fdinfo_num(0, peer, "evtchn.pending"));
	test_cmd_evtchn_unbind(self->fd, a);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "evtchn.ports"));
	close(peer);
}

TEST_F(evaudit, restriction_and_denied_binds)
{
	char val[64], want[16];
	int port, status;
	pid_t pid;

	if (upstream(self->fd))
		return;
	test_cmd_evtchn_restrict_domid(self->fd, self->g.domid);
	snprintf(want, sizeof(want), "%u", self->g.domid);
	ASSERT_EQ(0, fdinfo_str(0, self->fd, "evtchn.restricted_domid", val, sizeof(val)));
	EXPECT_STREQ(want, val);

	test_err_evtchn_bind_virq(EACCES, self->fd, 3);
	test_err_evtchn_bind_unbound_port(EACCES, self->fd, self->g.domid);
	test_err_evtchn_bind_interdomain(EACCES, self->fd, 0, 1);
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "evtchn.denied"));
	/* A refused restrict is no refused bind. */
	test_err_evtchn_restrict_domid(EACCES, self->fd, self->g.domid);
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "evtchn.denied"));

	port = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, port);
	test_cmd_evtchn_bind_interdomain(self->fd, self->g.domid, port);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "evtchn.ports"));
	EXPECT_EQ(3, fdinfo_num(0, self->fd, "evtchn.denied"));

	/* A forked child shares the file: its refusal shows in ours. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(_test_cmd_evtchn_bind_virq(self->fd, 3) == -EACCES ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(4, fdinfo_num(0, self->fd, "evtchn.denied"));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
