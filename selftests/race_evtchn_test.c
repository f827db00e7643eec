// SPDX-License-Identifier: GPL-2.0
/*
 * Races on one /dev/xen/evtchn file: ports bound, fired and unbound while
 * other threads read and poll the same file, a restriction set while other
 * threads bind, and BIND_STATIC from one restricted file aimed at the ports
 * another restricted file is binding. After each: no hang, nothing read
 * that was never bound, no bind to another domain after the restriction
 * returned, and (our driver) the file's fdinfo is back to empty and counts
 * every refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>

#include <uapi/xen/evtchn.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/stall.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { EVTCHN_NODE, NULL };

#define MAX_PORT 4096

/**
 * struct churn - what the threads of the bind/read race share.
 * @fd: the file everything races on.
 * @helper: the other end of each loopback channel.
 * @bound: ports @fd ever had bound.
 * @stop: set when the binder is done.
 * @binds: loopback channels made.
 * @reads: ports read.
 * @stray: ports read that @fd never had.
 * @polls: poll() calls that returned.
 * @errors: failures of calls that must work.
 */
struct churn {
	int fd;
	int helper;
	atomic_bool bound[MAX_PORT];
	atomic_bool stop;
	atomic_long binds, reads, stray, polls, errors;
};

static void *churn_binder(void *arg)
{
	struct churn *c = arg;

	for (int i = 0; i < 400; i++) {
		uint32_t p, q;

		if (evtchn_loopback(c->fd, c->helper, &p, &q)) {
			atomic_fetch_add(&c->errors, 1);
			continue;
		}
		if (p < MAX_PORT)
			atomic_store(&c->bound[p], true);
		atomic_fetch_add(&c->binds, 1);
		if (_test_cmd_evtchn_notify(c->helper, q))
			atomic_fetch_add(&c->errors, 1);
		/* Leave some reports for the reader, unbind others under it. */
		if (i % 3)
			usleep(200);
		if (_test_cmd_evtchn_unbind(c->fd, p) || _test_cmd_evtchn_unbind(c->helper, q))
			atomic_fetch_add(&c->errors, 1);
	}
	atomic_store(&c->stop, true);
	return NULL;
}

static void *churn_reader(void *arg)
{
	struct churn *c = arg;
	uint32_t ports[16];

	while (!atomic_load(&c->stop)) {
		int n = evtchn_read_ports(c->fd, ports, 16, 20);

		/* The other reader may have taken what poll() saw. */
		if (n == -EAGAIN)
			continue;
		if (n < 0) {
			atomic_fetch_add(&c->errors, 1);
			break;
		}
		for (int i = 0; i < n; i++) {
			atomic_fetch_add(&c->reads, 1);
			if (ports[i] >= MAX_PORT || !atomic_load(&c->bound[ports[i]]))
				atomic_fetch_add(&c->stray, 1);
			/* The port may be gone already: unmasking it is ignored. */
			evtchn_unmask(c->fd, ports[i]);
		}
	}
	return NULL;
}

static void *churn_poller(void *arg)
{
	struct churn *c = arg;

	while (!atomic_load(&c->stop)) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

		if (poll(&pfd, 1, 5) < 0 || (pfd.revents & (POLLERR | POLLNVAL)))
			atomic_fetch_add(&c->errors, 1);
		atomic_fetch_add(&c->polls, 1);
	}
	return NULL;
}

TEST(bind_unbind_while_reading_and_polling)
{
	struct churn *c = calloc(1, sizeof(*c));
	pthread_t t[4];

	ASSERT_NE(NULL, c);
	/* Non-blocking from the start: two readers never sleep in read(). */
	c->fd = evtchn_open(O_NONBLOCK);
	c->helper = evtchn_open(0);
	ASSERT_LE(0, c->fd);
	ASSERT_LE(0, c->helper);
	ASSERT_EQ(0, pthread_create(&t[0], NULL, churn_binder, c));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, churn_reader, c));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, churn_reader, c));
	ASSERT_EQ(0, pthread_create(&t[3], NULL, churn_poller, c));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%ld channels, %ld ports read, %ld polls", atomic_load(&c->binds),
	       atomic_load(&c->reads), atomic_load(&c->polls));
	EXPECT_EQ(0, atomic_load(&c->errors));
	EXPECT_EQ(400, atomic_load(&c->binds));
	EXPECT_LT(0, atomic_load(&c->reads));
	EXPECT_EQ(0, atomic_load(&c->stray));
	if (evtchn_ours()) {
		EXPECT_EQ(0, fdinfo_num(0, c->fd, "evtchn.ports"));
		EXPECT_EQ(0, fdinfo_num(0, c->fd, "evtchn.pending"));
	}
	/* Still works afterwards. */
	{
		uint32_t p, q, got = 0;

		ASSERT_EQ(0, evtchn_loopback(c->fd, c->helper, &p, &q));
		test_cmd_evtchn_notify(c->helper, q);
		EXPECT_EQ(1, evtchn_read_ports(c->fd, &got, 1, 2000));
		EXPECT_EQ(p, got);
	}
	close(c->fd);
	close(c->helper);
	free(c);
}

/* ---- an ioctl whose argument page is not there yet ---- */

/*
 * A bind whose argument sits on a page that faults and stays missing
 * (userfaultfd: as a stalled NFS or FUSE page would): ours copies the
 * argument before taking the file's lock, so meanwhile other ioctls of the
 * file and its fdinfo answer at once. Then the page arrives and the bind
 * completes.
 */
TEST(stalled_argument_blocks_nothing)
{
	struct ioctl_evtchn_bind_unbound_port arg = { .remote_domain = 0 };
	struct stalled_ioctl st = { .cmd = IOCTL_EVTCHN_BIND_UNBOUND_PORT };
	struct stalled_page page;
	pthread_t t;

	st.fd = evtchn_open(0);
	ASSERT_LE(0, st.fd);
	ASSERT_EQ(0, stalled_page_open(&page));
	st.arg = page.addr;

	ASSERT_EQ(0, pthread_create(&t, NULL, stalled_ioctl_run, &st));
	/* The bind's copy of its argument faulted: it waits for us. */
	ASSERT_EQ(0, stalled_page_wait_touch(&page));

	EXPECT_EQ(1, fdinfo_has(0, st.fd, "flags"));
	if (evtchn_ours()) {
		EXPECT_EQ(0, fdinfo_num(0, st.fd, "evtchn.ports"));
		test_err_evtchn_notify(ENOTCONN, st.fd, 1);
		EXPECT_EQ(0, _test_cmd_evtchn_reset(st.fd));
	} else {
		evtchn_diff("an ioctl stalled on its argument holds the file's lock: the other "
			    "ioctls of the file wait for it (not called here)");
	}

	/* The page arrives: a port offered to dom0 itself. */
	ASSERT_EQ(0, stalled_page_fill(&page, &arg, sizeof(arg)));
	pthread_join(t, NULL);
	EXPECT_LE(0, st.rc) TH_LOG("bind: %s", strerror((int)-st.rc));
	if (st.rc >= 0) {
		EXPECT_EQ(0, _test_cmd_evtchn_unbind(st.fd, st.rc));
	}
	stalled_page_close(&page);
	close(st.fd);
}

/* ---- restrict while other threads bind ---- */

#define GUEST_PORTS 40

struct restrict_race {
	int fd;
	uint32_t guest;
	int guest_ports[GUEST_PORTS];
	atomic_bool restricted;
	atomic_bool stop;
	atomic_long guest_binds, dom0_early, dom0_late_ok, refused, refused_late, errors;
};

/* Binds the guest's ports (allowed before and after) and unbinds them. */
static void *guest_binder(void *arg)
{
	struct restrict_race *r = arg;

	for (int i = 0; !atomic_load(&r->stop); i = (i + 1) % GUEST_PORTS) {
		int p = _test_cmd_evtchn_bind_interdomain(r->fd, r->guest, r->guest_ports[i]);

		if (p < 0) {
			atomic_fetch_add(&r->errors, 1);
			continue;
		}
		atomic_fetch_add(&r->guest_binds, 1);
		if (_test_cmd_evtchn_unbind(r->fd, p))
			atomic_fetch_add(&r->errors, 1);
	}
	return NULL;
}

/* Binds ports with dom0 itself: allowed only before the restriction. */
static void *dom0_binder(void *arg)
{
	struct restrict_race *r = arg;

	while (!atomic_load(&r->stop)) {
		bool late = atomic_load(&r->restricted);
		int p = _test_cmd_evtchn_bind_unbound_port(r->fd, 0);

		if (p == -EACCES) {
			atomic_fetch_add(&r->refused, 1);
			atomic_fetch_add(&r->refused_late, late);
			continue;
		}
		if (p < 0) {
			atomic_fetch_add(&r->errors, 1);
			continue;
		}
		atomic_fetch_add(late ? &r->dom0_late_ok : &r->dom0_early, 1);
		if (_test_cmd_evtchn_unbind(r->fd, p))
			atomic_fetch_add(&r->errors, 1);
	}
	return NULL;
}

FIXTURE(restrict) {
	struct xen_guest g;
};

FIXTURE_SETUP(restrict)
{
	test_fixture_setup(.guests = { &self->g });
}

FIXTURE_TEARDOWN(restrict)
{
	test_fixture_teardown(.guests = { &self->g });
}

TEST_F(restrict, restrict_while_binding)
{
	struct restrict_race r = { .guest = self->g.domid };
	pthread_t t[3];

	r.fd = evtchn_open(0);
	ASSERT_LE(0, r.fd);
	for (int i = 0; i < GUEST_PORTS; i++) {
		r.guest_ports[i] = evtchn_xen_alloc_unbound(self->g.domid, 0);
		ASSERT_LE(0, r.guest_ports[i]);
	}
	ASSERT_EQ(0, pthread_create(&t[0], NULL, guest_binder, &r));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, dom0_binder, &r));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, dom0_binder, &r));
	for (int i = 0; i < 5000 && atomic_load(&r.dom0_early) < 20; i++)
		usleep(1000);
	test_cmd_evtchn_restrict_domid(r.fd, self->g.domid);
	atomic_store(&r.restricted, true);
	for (int i = 0; i < 5000 && atomic_load(&r.refused_late) < 20; i++)
		usleep(1000);
	atomic_store(&r.stop, true);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	TH_LOG("%ld guest binds, %ld dom0 binds before, %ld refused",
	       atomic_load(&r.guest_binds), atomic_load(&r.dom0_early),
	       atomic_load(&r.refused));
	EXPECT_EQ(0, atomic_load(&r.errors));
	EXPECT_EQ(0, atomic_load(&r.dom0_late_ok));
	EXPECT_LE(20, atomic_load(&r.dom0_early));
	EXPECT_LE(20, atomic_load(&r.refused_late));
	EXPECT_LT(0, atomic_load(&r.guest_binds));
	if (evtchn_ours()) {
		EXPECT_EQ(atomic_load(&r.refused), fdinfo_num(0, r.fd, "evtchn.denied"));
		EXPECT_EQ(0, fdinfo_num(0, r.fd, "evtchn.ports"));
	}
	/* The guest's ports are free again for the next binder. */
	for (int i = 0; i < GUEST_PORTS; i++) {
		uint32_t peer;

		EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(self->g.domid,
								r.guest_ports[i], &peer, NULL));
	}
	close(r.fd);
}

/* ---- static binds aimed at another restricted file's ports ---- */

#define STATIC_ROUNDS 300
#define STATIC_SPREAD 4	/* port numbers tried around the last one bound */

struct static_race {
	int binder, sniper;	/* two files, both restricted to the guest */
	uint32_t guest;
	int guest_ports[GUEST_PORTS];
	atomic_int last;	/* the binder's last local port */
	atomic_bool stop;
	atomic_long binds, shots, refused, errors;
};

/* The binder: the guest's ports, bound and unbound round after round. */
static void *static_binder(void *arg)
{
	struct static_race *r = arg;

	for (int i = 0; i < STATIC_ROUNDS; i++) {
		int p = _test_cmd_evtchn_bind_interdomain(r->binder, r->guest,
							  r->guest_ports[i % GUEST_PORTS]);

		if (p < 0) {
			atomic_fetch_add(&r->errors, 1);
			continue;
		}
		atomic_store(&r->last, p);
		atomic_fetch_add(&r->binds, 1);
		if (_test_cmd_evtchn_unbind(r->binder, p))
			atomic_fetch_add(&r->errors, 1);
	}
	atomic_store(&r->stop, true);
	return NULL;
}

/*
 * The sniper: BIND_STATIC of the port numbers the binder is about to get,
 * while the event core may be half-way through binding them. Ours refuses
 * every one (EACCES) before touching the port; on 6.1 the ioctl does not
 * exist (EOPNOTSUPP from ours).
 */
static void *static_sniper(void *arg)
{
	struct static_race *r = arg;
	int want = evtchn_kernel_has_static() ? -EACCES : -EOPNOTSUPP;

	while (!atomic_load(&r->stop)) {
		int base = atomic_load(&r->last);

		for (int d = 0; d < STATIC_SPREAD; d++) {
			int rc = _test_cmd_evtchn_bind_static(r->sniper, base + d);

			atomic_fetch_add(&r->shots, 1);
			if (rc == want)
				atomic_fetch_add(&r->refused, 1);
			else
				atomic_fetch_add(&r->errors, 1);
		}
	}
	return NULL;
}

TEST_F(restrict, static_binds_against_a_binding_file)
{
	struct static_race r = { .guest = self->g.domid };
	pthread_t t[3];

	if (!evtchn_ours()) {
		evtchn_diff("the in-tree driver binds any static port on a restricted file "
			    "and shares a half-bound port's irq: not raced here");
		return;
	}
	r.binder = evtchn_open(0);
	r.sniper = evtchn_open(0);
	ASSERT_LE(0, r.binder);
	ASSERT_LE(0, r.sniper);
	test_cmd_evtchn_restrict_domid(r.binder, self->g.domid);
	test_cmd_evtchn_restrict_domid(r.sniper, self->g.domid);
	for (int i = 0; i < GUEST_PORTS; i++) {
		r.guest_ports[i] = evtchn_xen_alloc_unbound(self->g.domid, 0);
		ASSERT_LE(0, r.guest_ports[i]);
	}
	/* A first bind names the range of local ports the sniper aims at. */
	atomic_store(&r.last,
		     _test_cmd_evtchn_bind_interdomain(r.binder, r.guest, r.guest_ports[0]));
	ASSERT_LE(0, atomic_load(&r.last));
	test_cmd_evtchn_unbind(r.binder, atomic_load(&r.last));

	ASSERT_EQ(0, pthread_create(&t[0], NULL, static_binder, &r));
	ASSERT_EQ(0, pthread_create(&t[1], NULL, static_sniper, &r));
	ASSERT_EQ(0, pthread_create(&t[2], NULL, static_sniper, &r));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	TH_LOG("%ld interdomain binds, %ld static binds tried, %ld refused",
	       atomic_load(&r.binds), atomic_load(&r.shots), atomic_load(&r.refused));
	EXPECT_EQ(0, atomic_load(&r.errors));
	EXPECT_EQ(STATIC_ROUNDS, atomic_load(&r.binds));
	EXPECT_LT(0, atomic_load(&r.shots));
	EXPECT_EQ(atomic_load(&r.shots), atomic_load(&r.refused));
	EXPECT_EQ(0, fdinfo_num(0, r.binder, "evtchn.ports"));
	EXPECT_EQ(0, fdinfo_num(0, r.sniper, "evtchn.ports"));
	if (evtchn_kernel_has_static()) {
		EXPECT_EQ(atomic_load(&r.shots), fdinfo_num(0, r.sniper, "evtchn.denied"));
	}
	/* Every guest port is free again: nothing half-bound stayed behind. */
	for (int i = 0; i < GUEST_PORTS; i++) {
		EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(self->g.domid,
								r.guest_ports[i], NULL, NULL));
	}
	close(r.binder);
	close(r.sniper);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
