// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL_EVTCHN_RESTRICT_DOMID against a real HVM guest: the argument checks,
 * once per file, the bind matrix once restricted, channels bound before keep
 * working, sharing through dup() and fork(), BIND_STATIC (refused on a
 * restricted file by ours only), and binds racing the restriction from other
 * threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>

#include <uapi/xen/evtchn.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { EVTCHN_NODE, "/dev/xen/privcmd", NULL };

TEST(restrict_argument_checks)
{
	int fd = evtchn_open(0);

	ASSERT_LE(0, fd);
	test_err_evtchn_restrict_domid(EINVAL, fd, 0);
	test_err_evtchn_restrict_domid(EINVAL, fd, DOMID_FIRST_RESERVED);
	test_err_evtchn_restrict_domid(EINVAL, fd, DOMID_SELF);
	test_err_evtchn_restrict_domid(EINVAL, fd, DOMID_INVALID);
	test_err_evtchn_restrict_domid(EINVAL, fd, 0xffff);
	/* refused calls do not use up the one restriction */
	test_cmd_evtchn_restrict_domid(fd, DOMID_FIRST_RESERVED - 1);
	test_err_evtchn_restrict_domid(EACCES, fd, DOMID_FIRST_RESERVED - 1);
	test_err_evtchn_restrict_domid(EACCES, fd, 1);
	/* and invalid ones after it answer EACCES first, as upstream */
	test_err_evtchn_restrict_domid(EACCES, fd, 0);
	close(fd);
}

FIXTURE(guest) {
	struct xen_guest g;
	int fd;		/* to be restricted to the guest */
	int peer;	/* unrestricted, the other end of a loopback */
	uint32_t pa, pb;
};

FIXTURE_SETUP(guest)
{
	int err;

	test_fixture_setup(.evtchn = { &self->fd, &self->peer }, .guests = { &self->g });
	/* bound before the restriction */
	err = evtchn_loopback(self->fd, self->peer, &self->pa, &self->pb);
	ASSERT_EQ(0, err) TH_LOG("loopback channel: %s", strerror(-err));
}

FIXTURE_TEARDOWN(guest)
{
	test_fixture_teardown(.evtchn = { &self->fd, &self->peer }, .guests = { &self->g });
}

TEST_F(guest, interdomain_to_guest)
{
	uint32_t dom, port;
	int gport, lport;

	gport = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, gport) TH_LOG("xc_evtchn_alloc_unbound: %s", strerror(-gport));
	lport = test_cmd_evtchn_bind_interdomain(self->fd, self->g.domid, gport);
	/* Xen agrees on both ends */
	ASSERT_EQ(EVTCHNSTAT_interdomain, evtchn_xen_status(0, lport, &dom, &port));
	EXPECT_EQ(self->g.domid, dom);
	EXPECT_EQ((uint32_t)gport, port);
	ASSERT_EQ(EVTCHNSTAT_interdomain, evtchn_xen_status(self->g.domid, gport, &dom, &port));
	EXPECT_EQ(0U, dom);
	EXPECT_EQ((uint32_t)lport, port);
	test_cmd_evtchn_notify(self->fd, lport);
	/* a guest port is bound once */
	test_err_evtchn_bind_interdomain(EINVAL, self->peer, self->g.domid, gport);
	test_cmd_evtchn_unbind(self->fd, lport);
	EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(self->g.domid, gport, &dom, NULL));
	EXPECT_EQ(0U, dom);
}

TEST_F(guest, restricted_matrix)
{
	uint32_t got;
	int gport, lport;

	gport = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, gport);
	test_cmd_evtchn_restrict_domid(self->fd, self->g.domid);

	test_err_evtchn_bind_virq(EACCES, self->fd, VIRQ_DOM_EXC);
	test_err_evtchn_bind_unbound_port(EACCES, self->fd, self->g.domid);
	test_err_evtchn_bind_unbound_port(EACCES, self->fd, 0);
	test_err_evtchn_bind_interdomain(EACCES, self->fd, 0, self->pa);
	test_err_evtchn_bind_interdomain(EACCES, self->fd, self->g.domid + 1, gport);
	/* the upper bits of the domain are not ignored */
	test_err_evtchn_bind_interdomain(EACCES, self->fd, self->g.domid + 0x10000, gport);
	/* to the restricted guest */
	lport = test_cmd_evtchn_bind_interdomain(self->fd, self->g.domid, gport);
	/* Xen marks a freshly bound interdomain port pending once */
	ASSERT_EQ(1, evtchn_read_ports(self->fd, &got, 1, 5000));
	EXPECT_EQ((uint32_t)lport, got);
	test_cmd_evtchn_notify(self->fd, lport);

	/* the channel bound before keeps working, both ways */
	test_cmd_evtchn_notify(self->peer, self->pb);
	ASSERT_EQ(1, evtchn_read_ports(self->fd, &got, 1, 5000));
	EXPECT_EQ(self->pa, got);
	EXPECT_EQ(0, evtchn_unmask(self->fd, self->pa));
	test_cmd_evtchn_notify(self->fd, self->pa);
	ASSERT_EQ(1, evtchn_read_ports(self->peer, &got, 1, 5000));
	EXPECT_EQ(self->pb, got);
	test_cmd_evtchn_reset(self->fd);
	test_cmd_evtchn_unbind(self->fd, self->pa);
	test_cmd_evtchn_unbind(self->fd, lport);

	/* other files are not affected */
	test_cmd_evtchn_bind_unbound_port(self->peer, self->g.domid);
	if (evtchn_ours()) {
		EXPECT_EQ(self->g.domid, fdinfo_num(0, self->fd, "evtchn.restricted_domid"));
	}
}

TEST_F(guest, restriction_shared_by_dup_and_fork)
{
	int fd2, status;
	pid_t pid;

	test_cmd_evtchn_restrict_domid(self->fd, self->g.domid);
	fd2 = dup(self->fd);
	ASSERT_LE(0, fd2);
	test_err_evtchn_bind_unbound_port(EACCES, fd2, self->g.domid);
	test_err_evtchn_restrict_domid(EACCES, fd2, self->g.domid);
	close(fd2);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(_test_cmd_evtchn_bind_virq(self->fd, VIRQ_DOM_EXC) == -EACCES &&
		      _test_cmd_evtchn_bind_unbound_port(self->fd, 0) == -EACCES ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(guest, bind_static)
{
	int mine, other, rc;

	if (!evtchn_kernel_has_static()) {
		/* the ioctl does not exist upstream before 6.2 */
		test_err_evtchn_bind_static(evtchn_ours() ? EOPNOTSUPP : ENOSYS, self->fd, 1);
		evtchn_diff("BIND_STATIC before 6.2 fails with EOPNOTSUPP (upstream 6.1: ENOSYS, no such ioctl)");
		return;
	}
	/* dom0 ports open in Xen without a handler in Linux */
	mine = evtchn_xen_alloc_unbound(0, self->g.domid);
	ASSERT_LE(0, mine);
	other = evtchn_xen_alloc_unbound(0, 0);
	ASSERT_LE(0, other);

	/* unrestricted: bound, twice is EISCONN, unbind leaves it open */
	test_cmd_evtchn_bind_static(self->peer, mine);
	test_err_evtchn_bind_static(EISCONN, self->peer, mine);
	if (evtchn_ours()) {
		/* never shared with another file (upstream shares the handler) */
		test_err_evtchn_bind_static(EBUSY, self->fd, mine);
		test_err_evtchn_bind_static(EBUSY, self->fd, self->pb);
	}
	test_cmd_evtchn_unbind(self->peer, mine);
	EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(0, mine, NULL, NULL));

	if (evtchn_ours()) {
		int fresh = evtchn_open(0), stale;

		ASSERT_LE(0, fresh);
		/* A number Xen has not opened: binding it would claim it for its next owner. */
		test_err_evtchn_bind_static(EINVAL, self->peer, 4000);
		/*
		 * A static port closed in Xen behind its binder's back: Xen gives
		 * the number (the lowest free) to the next bind, which must not
		 * share the binder's stale irq. It fails and closes what it got.
		 */
		stale = evtchn_xen_alloc_unbound(0, self->g.domid);
		ASSERT_LE(0, stale);
		test_cmd_evtchn_bind_static(self->peer, stale);
		ASSERT_EQ(0, evtchn_xen_close(stale));
		test_err_evtchn_bind_unbound_port(EBUSY, fresh, self->g.domid);
		EXPECT_EQ(EVTCHNSTAT_closed, evtchn_xen_status(0, stale, NULL, NULL));
		EXPECT_EQ(0, fdinfo_num(0, fresh, "evtchn.ports"));
		test_cmd_evtchn_unbind(self->peer, stale);
		/* The number is free again, and usable. */
		rc = _test_cmd_evtchn_bind_unbound_port(fresh, self->g.domid);
		EXPECT_EQ(stale, rc);
		test_cmd_evtchn_unbind(fresh, rc);
		close(fresh);
		evtchn_diff("BIND_STATIC of a port Xen has not opened fails with EINVAL (upstream: binds the number)");
	}

	/*
	 * restricted: ours refuses every static bind (even of a port whose
	 * other end is the guest), counted as a denial; upstream binds any.
	 */
	test_cmd_evtchn_restrict_domid(self->fd, self->g.domid);
	rc = _test_cmd_evtchn_bind_static(self->fd, mine);
	if (evtchn_ours()) {
		EXPECT_EQ(-EACCES, rc);
		test_err_evtchn_bind_static(EACCES, self->fd, other);
		EXPECT_EQ(2, fdinfo_num(0, self->fd, "evtchn.denied"));
		EXPECT_EQ(1, fdinfo_num(0, self->fd, "evtchn.ports"));	/* the loopback */
		/* Xen's ports are untouched: still open, still unbound */
		EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(0, mine, NULL, NULL));
		EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(0, other, NULL, NULL));
		/* and the unrestricted file still binds them */
		test_cmd_evtchn_bind_static(self->peer, other);
		test_cmd_evtchn_unbind(self->peer, other);
	} else {
		EXPECT_EQ(0, rc);
		test_cmd_evtchn_bind_static(self->fd, other);
	}
	evtchn_diff("BIND_STATIC on a restricted file fails with EACCES (upstream: binds any port)");
	evtchn_diff("BIND_STATIC of a port with a handler in this kernel fails with EBUSY (upstream: shares it)");
}

/* Binds from several threads while the main thread restricts the file. */
#define RACERS 3
#define RACE_CALLS 40

struct race {
	int fd;
	uint32_t domid;
	atomic_int restricted;		/* set once restrict() returned */
	atomic_int bound;		/* successful binds so far */
	int ports[RACERS][RACE_CALLS];
	int late_success;		/* binds started after the restriction that succeeded */
	int eacces;
	int other;			/* unexpected errnos */
	int next_id;
	pthread_mutex_t lock;
};

static void *racer(void *arg)
{
	struct race *r = arg;
	int me, rc, i, seen_after;

	pthread_mutex_lock(&r->lock);
	me = r->next_id++;
	pthread_mutex_unlock(&r->lock);
	for (i = 0; i < RACE_CALLS; i++) {
		seen_after = atomic_load(&r->restricted);
		rc = me == 0 ? _test_cmd_evtchn_bind_virq(r->fd, VIRQ_DOM_EXC) :
			       _test_cmd_evtchn_bind_unbound_port(r->fd, me == 1 ? 0 : r->domid);
		r->ports[me][i] = rc;
		pthread_mutex_lock(&r->lock);
		if (rc >= 0) {
			atomic_fetch_add(&r->bound, 1);
			if (seen_after)
				r->late_success++;
		} else if (rc == -EACCES) {
			r->eacces++;
		} else if (!(me == 0 && rc == -EEXIST)) {
			r->other++;
		}
		pthread_mutex_unlock(&r->lock);
		usleep(1000);
	}
	return NULL;
}

TEST_F(guest, binds_racing_restrict)
{
	struct race r = { .fd = self->fd, .domid = self->g.domid };
	pthread_t t[RACERS];
	int i, j, unbound = 0;

	pthread_mutex_init(&r.lock, NULL);
	for (i = 0; i < RACERS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, racer, &r));
	while (atomic_load(&r.bound) < 10)
		usleep(1000);
	test_cmd_evtchn_restrict_domid(self->fd, self->g.domid);
	atomic_store(&r.restricted, 1);
	for (i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);

	EXPECT_EQ(0, r.other) TH_LOG("unexpected errnos from binds");
	EXPECT_EQ(0, r.late_success);
	EXPECT_LT(0, r.eacces);
	/* everything that was bound is really bound on the file */
	for (i = 0; i < RACERS; i++) {
		for (j = 0; j < RACE_CALLS; j++) {
			if (r.ports[i][j] < 0)
				continue;
			test_cmd_evtchn_unbind(self->fd, r.ports[i][j]);
			unbound++;
		}
	}
	EXPECT_EQ(atomic_load(&r.bound), unbound);
	if (evtchn_ours()) {
		EXPECT_EQ(1, fdinfo_num(0, self->fd, "evtchn.ports"));	/* the loopback */
	}
	/* still restricted after the storm */
	test_err_evtchn_bind_unbound_port(EACCES, self->fd, self->g.domid);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
