// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xen/evtchn core behaviour: loopback channels inside dom0, notify,
 * reading pending ports (blocking, O_NONBLOCK, poll), unmasking by write(),
 * coalescing, reset, unbind, cleanup on close, ring growth, VIRQs.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xenctrl.h>

#include <uapi/xen/evtchn.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { EVTCHN_NODE, "/dev/xen/privcmd", NULL };

/* Two files joined by a channel: @pa on @a is offered to dom0, @pb bound to it. */
FIXTURE(loop) {
	int a, b;
	uint32_t pa, pb;
};

FIXTURE_SETUP(loop)
{
	int err;

	test_fixture_setup(.evtchn = { &self->a, &self->b });
	err = evtchn_loopback(self->a, self->b, &self->pa, &self->pb);
	ASSERT_EQ(0, err) TH_LOG("loopback channel: %s", strerror(-err));
	ASSERT_NE(self->pa, self->pb);
}

FIXTURE_TEARDOWN(loop)
{
	test_fixture_teardown(.evtchn = { &self->a, &self->b });
}

TEST_F(loop, notify_read_unmask)
{
	uint32_t got[4];

	/* nothing pending yet */
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 0));

	test_cmd_evtchn_notify(self->b, self->pb);
	ASSERT_EQ(1, evtchn_read_ports(self->a, got, 4, 5000));
	EXPECT_EQ(self->pa, got[0]);
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 100));

	/* masked until written back: a second event waits in Xen ... */
	test_cmd_evtchn_notify(self->b, self->pb);
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 300));
	/* ... and is delivered, not lost, once unmasked */
	ASSERT_EQ(0, evtchn_unmask(self->a, self->pa));
	ASSERT_EQ(1, evtchn_read_ports(self->a, got, 4, 5000));
	EXPECT_EQ(self->pa, got[0]);
	ASSERT_EQ(0, evtchn_unmask(self->a, self->pa));

	/* the other direction */
	test_cmd_evtchn_notify(self->a, self->pa);
	ASSERT_EQ(1, evtchn_read_ports(self->b, got, 4, 5000));
	EXPECT_EQ(self->pb, got[0]);
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 0));
}

TEST_F(loop, firings_coalesce_until_read)
{
	uint32_t got[8];

	/* the first firing masks the port ... */
	test_cmd_evtchn_notify(self->b, self->pb);
	ASSERT_EQ(1, evtchn_wait_readable(self->a, 5000));
	/* ... so these only set its pending bit in Xen */
	for (int i = 0; i < 4; i++) {
		test_cmd_evtchn_notify(self->b, self->pb);
	}
	usleep(100000);
	ASSERT_EQ(1, evtchn_read_ports(self->a, got, 8, 5000));
	EXPECT_EQ(self->pa, got[0]);
	/* unmasking delivers the pending bit: exactly one more report */
	ASSERT_EQ(0, evtchn_unmask(self->a, self->pa));
	ASSERT_EQ(1, evtchn_read_ports(self->a, got, 8, 5000));
	EXPECT_EQ(self->pa, got[0]);
	ASSERT_EQ(0, evtchn_unmask(self->a, self->pa));
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 200));
}

struct later_notify {
	int fd;
	uint32_t port;
	int delay_ms;
	int rc;
};

static void *notify_later(void *arg)
{
	struct later_notify *n = arg;

	usleep(n->delay_ms * 1000);
	n->rc = _test_cmd_evtchn_notify(n->fd, n->port);
	return NULL;
}

TEST_F(loop, blocking_read_is_woken)
{
	struct later_notify n = { .fd = self->b, .port = self->pb, .delay_ms = 300 };
	uint32_t got = ~0u;
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, notify_later, &n));
	/* blocks until the other thread notifies */
	ASSERT_EQ((ssize_t)sizeof(got), read(self->a, &got, sizeof(got)));
	pthread_join(t, NULL);
	EXPECT_EQ(0, n.rc);
	EXPECT_EQ(self->pa, got);
}

TEST_F(loop, poll_wakes_up)
{
	struct later_notify n = { .fd = self->b, .port = self->pb, .delay_ms = 300 };
	struct pollfd p = { .fd = self->a, .events = POLLIN | POLLOUT };
	uint32_t got;
	pthread_t t;

	/* always writable, not readable while empty */
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);

	p.events = POLLIN;
	ASSERT_EQ(0, pthread_create(&t, NULL, notify_later, &n));
	ASSERT_EQ(1, poll(&p, 1, 10000));
	pthread_join(t, NULL);
	EXPECT_EQ(0, n.rc);
	EXPECT_TRUE(p.revents & POLLIN);
	ASSERT_EQ(1, evtchn_read_ports(self->a, &got, 1, 0));
	EXPECT_EQ(self->pa, got);
	p.events = POLLIN | POLLOUT;
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);
}

TEST_F(loop, nonblocking_read_eagain)
{
	uint32_t got;

	ASSERT_EQ(0, fcntl(self->a, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, read(self->a, &got, sizeof(got)));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(loop, reset_empties_ring_ports_stay_masked)
{
	uint32_t got;

	test_cmd_evtchn_notify(self->b, self->pb);
	ASSERT_EQ(1, evtchn_wait_readable(self->a, 5000));
	test_cmd_evtchn_reset(self->a);
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 100));
	/* still masked after reset, as upstream: a new event waits ... */
	test_cmd_evtchn_notify(self->b, self->pb);
	EXPECT_EQ(0, evtchn_wait_readable(self->a, 300));
	/* ... for the write that unmasks it */
	ASSERT_EQ(0, evtchn_unmask(self->a, self->pa));
	ASSERT_EQ(1, evtchn_read_ports(self->a, &got, 1, 5000));
	EXPECT_EQ(self->pa, got);
}

TEST_F(loop, unbind_closes_in_xen)
{
	uint32_t peer_dom;

	ASSERT_EQ(EVTCHNSTAT_interdomain, evtchn_xen_status(0, self->pb, &peer_dom, NULL));
	EXPECT_EQ(0U, peer_dom);
	test_cmd_evtchn_unbind(self->a, self->pa);
	test_err_evtchn_notify(ENOTCONN, self->a, self->pa);
	test_err_evtchn_unbind(ENOTCONN, self->a, self->pa);
	/* the other end falls back to unbound */
	EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(0, self->pb, NULL, NULL));
}

TEST_F(loop, unbind_drops_unread_report)
{
	uint32_t got;

	test_cmd_evtchn_notify(self->b, self->pb);
	ASSERT_EQ(1, evtchn_wait_readable(self->a, 5000));
	test_cmd_evtchn_unbind(self->a, self->pa);
	if (evtchn_ours()) {
		EXPECT_EQ(0, evtchn_wait_readable(self->a, 100));
	} else {
		/* upstream keeps reporting a port that is gone */
		ASSERT_EQ(1, evtchn_read_ports(self->a, &got, 1, 100));
		EXPECT_EQ(self->pa, got);
	}
	evtchn_diff("unbind drops an unread report of the port (upstream still returns it from read())");
}

static volatile sig_atomic_t sigio_count;

static void on_sigio(int sig)
{
	sigio_count++;
}

TEST_F(loop, sigio_when_ring_becomes_non_empty)
{
	struct sigaction sa = { .sa_handler = on_sigio };
	uint32_t got;

	ASSERT_EQ(0, sigaction(SIGIO, &sa, NULL));
	ASSERT_EQ(0, fcntl(self->a, F_SETOWN, getpid()));
	ASSERT_EQ(0, fcntl(self->a, F_SETFL, fcntl(self->a, F_GETFL) | O_ASYNC));
	sigio_count = 0;
	test_cmd_evtchn_notify(self->b, self->pb);
	for (int i = 0; i < 500 && !sigio_count; i++)
		usleep(10000);
	EXPECT_LT(0, sigio_count);
	ASSERT_EQ(1, evtchn_read_ports(self->a, &got, 1, 0));
	EXPECT_EQ(self->pa, got);
}

TEST(close_unbinds_everything)
{
	int a = evtchn_open(0), b = evtchn_open(0);
	uint32_t pa, pb;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, evtchn_loopback(a, b, &pa, &pb));
	test_cmd_evtchn_notify(b, pb);
	ASSERT_EQ(1, evtchn_wait_readable(a, 5000));
	ASSERT_EQ(0, close(a));
	EXPECT_EQ(EVTCHNSTAT_closed, evtchn_xen_status(0, pa, NULL, NULL));
	EXPECT_EQ(EVTCHNSTAT_unbound, evtchn_xen_status(0, pb, NULL, NULL));
	ASSERT_EQ(0, close(b));
	EXPECT_EQ(EVTCHNSTAT_closed, evtchn_xen_status(0, pb, NULL, NULL));
}

#define MANY 150	/* more than twice the first ring (64 slots) */

TEST(many_ports_grow_the_ring_nothing_lost)
{
	int a = evtchn_open(0), b = evtchn_open(0);
	uint32_t pa[MANY], pb[MANY], got[2 * MANY];
	char seen[MANY];

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	for (int i = 0; i < MANY; i++) {
		ASSERT_EQ(0, evtchn_loopback(a, b, &pa[i], &pb[i])) TH_LOG("pair %d", i);
	}
	if (evtchn_ours()) {
		EXPECT_EQ(MANY, fdinfo_num(0, a, "evtchn.ports"));
		EXPECT_EQ(256, fdinfo_num(0, a, "evtchn.ring_size"));
	}

	for (int round = 0; round < 2; round++) {
		int total = 0;

		/* every port fires before anything is read */
		for (int i = 0; i < MANY; i++) {
			test_cmd_evtchn_notify(b, pb[i]);
		}
		memset(seen, 0, sizeof(seen));
		while (total < MANY) {
			int n = evtchn_read_ports(a, got, 2 * MANY, 5000);

			ASSERT_LT(0, n) TH_LOG("round %d: %d of %d ports read", round, total, MANY);
			for (int k = 0; k < n; k++) {
				int i;

				for (i = 0; i < MANY && pa[i] != got[k]; i++)
					;
				ASSERT_LT(i, MANY) TH_LOG("unexpected port %u", got[k]);
				ASSERT_EQ(0, seen[i]) TH_LOG("port %u reported twice", got[k]);
				seen[i] = 1;
			}
			total += n;
		}
		EXPECT_EQ(0, evtchn_wait_readable(a, 100));
		ASSERT_EQ((ssize_t)sizeof(pa), write(a, pa, sizeof(pa)));
	}
	close(a);
	close(b);
}

/*
 * Reads, unmasks, binds (growing the ring) and unbinds (dropping reports)
 * all at once on one file while another file notifies: afterwards every
 * stable port still delivers exactly one report per firing.
 */
#define STABLE 40
#define CHURN 30

/*
 * @raced: reads that found the ring empty after poll() said it was not:
 *	our driver drops the unread report of a port the churn unbinds
 *	(unbind_drops_unread_report), so the one report poll() saw can be
 *	gone; the in-tree driver keeps it, so there it is an error.
 * @read_error: the first failed read's or write's -errno.
 */
struct torture {
	int a, b;
	uint32_t pa[STABLE], pb[STABLE];
	atomic_int stop;
	int reads, read_errors, overflows, churn_errors, notify_errors, raced, read_error;
};

static void *torture_notify(void *arg)
{
	struct torture *t = arg;

	while (!atomic_load(&t->stop)) {
		for (int i = 0; i < STABLE; i++)
			t->notify_errors += _test_cmd_evtchn_notify(t->b, t->pb[i]) != 0;
		usleep(2000);
	}
	return NULL;
}

static void *torture_read(void *arg)
{
	struct torture *t = arg;
	uint32_t got[256];

	while (!atomic_load(&t->stop)) {
		int n = evtchn_read_ports(t->a, got, 256, 20);

		if (n == -EFBIG) {
			t->overflows++;
			_test_cmd_evtchn_reset(t->a);
			continue;
		}
		if (n == -EAGAIN && evtchn_ours()) {
			t->raced++;
			continue;
		}
		if (n < 0) {
			if (!t->read_errors++)
				t->read_error = n;
			continue;
		}
		t->reads += n;
		if (n && write(t->a, got, n * sizeof(*got)) != (ssize_t)(n * sizeof(*got)) &&
		    !t->read_errors++)
			t->read_error = -errno;
	}
	return NULL;
}

static void *torture_churn(void *arg)
{
	struct torture *t = arg;
	uint32_t ca[CHURN], cb[CHURN];
	int b2 = evtchn_open(0);

	if (b2 < 0) {
		t->churn_errors++;
		return NULL;
	}
	while (!atomic_load(&t->stop)) {
		int n = 0;

		for (; n < CHURN; n++) {
			if (evtchn_loopback(t->a, b2, &ca[n], &cb[n]))
				break;
			_test_cmd_evtchn_notify(b2, cb[n]);
		}
		t->churn_errors += n != CHURN;
		for (int i = 0; i < n; i++) {
			t->churn_errors += _test_cmd_evtchn_unbind(t->a, ca[i]) != 0;
			t->churn_errors += _test_cmd_evtchn_unbind(b2, cb[i]) != 0;
		}
	}
	close(b2);
	return NULL;
}

TEST(torture_read_bind_unbind_notify)
{
	struct torture t = { .a = evtchn_open(0), .b = evtchn_open(0) };
	pthread_t th[3];
	uint32_t got[STABLE];
	char seen[STABLE] = { 0 };
	int total = 0;

	ASSERT_LE(0, t.a);
	ASSERT_LE(0, t.b);
	for (int i = 0; i < STABLE; i++) {
		ASSERT_EQ(0, evtchn_loopback(t.a, t.b, &t.pa[i], &t.pb[i]));
	}
	ASSERT_EQ(0, pthread_create(&th[0], NULL, torture_notify, &t));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, torture_read, &t));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, torture_churn, &t));
	sleep(3);
	atomic_store(&t.stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);

	printf("# torture: %d reports read, %d overflows, %d reads raced an unbind\n", t.reads,
	       t.overflows, t.raced);
	fflush(stdout);
	EXPECT_EQ(0, t.read_errors) TH_LOG("first: %s", test_cmd_outcome(t.read_error));
	EXPECT_EQ(0, t.notify_errors);
	EXPECT_EQ(0, t.churn_errors);
	EXPECT_LT(STABLE, t.reads);
	if (evtchn_ours()) {
		EXPECT_EQ(0, t.overflows);
		EXPECT_EQ(STABLE, fdinfo_num(0, t.a, "evtchn.ports"));
		EXPECT_LE(64, fdinfo_num(0, t.a, "evtchn.ring_size"));
	} else if (t.overflows) {
		evtchn_diff("the ring overflowed (read() EFBIG): ours cannot overflow");
	}

	/* quiesce: everything unmasked, nothing pending */
	ASSERT_EQ((ssize_t)sizeof(t.pa), write(t.a, t.pa, sizeof(t.pa)));
	while (evtchn_read_ports(t.a, got, STABLE, 200) > 0)
		;
	ASSERT_EQ((ssize_t)sizeof(t.pa), write(t.a, t.pa, sizeof(t.pa)));
	while (evtchn_read_ports(t.a, got, STABLE, 200) > 0)
		ASSERT_EQ((ssize_t)sizeof(t.pa), write(t.a, t.pa, sizeof(t.pa)));

	/* one firing each: one report each, none lost, none doubled */
	for (int i = 0; i < STABLE; i++) {
		test_cmd_evtchn_notify(t.b, t.pb[i]);
	}
	while (total < STABLE) {
		int n = evtchn_read_ports(t.a, got, STABLE, 5000);

		ASSERT_LT(0, n) TH_LOG("%d of %d ports reported", total, STABLE);
		for (int k = 0; k < n; k++) {
			int i = 0;

			while (i < STABLE && t.pa[i] != got[k])
				i++;
			ASSERT_LT(i, STABLE) TH_LOG("port %u is not a stable one", got[k]);
			ASSERT_EQ(0, seen[i]) TH_LOG("port %u reported twice", got[k]);
			seen[i] = 1;
		}
		total += n;
	}
	EXPECT_EQ(0, evtchn_wait_readable(t.a, 200));
	close(t.a);
	close(t.b);
}

TEST(virq_dom_exc_fires_on_guest_destroy)
{
	int a = evtchn_open(0), b = evtchn_open(0);
	struct xen_guest g;
	uint32_t got[4];
	int port, n;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	port = test_cmd_evtchn_bind_virq(a, VIRQ_DOM_EXC);
	/* a global VIRQ binds once per domain */
	test_err_evtchn_bind_virq(EEXIST, b, VIRQ_DOM_EXC);
	EXPECT_EQ(EVTCHNSTAT_virq, evtchn_xen_status(0, port, NULL, NULL));

	ASSERT_EQ(0, xen_guest_create(&g, 256));
	ASSERT_EQ(0, xen_guest_destroy(&g));
	n = evtchn_read_ports(a, got, 4, 5000);
	ASSERT_EQ(1, n);
	EXPECT_EQ((uint32_t)port, got[0]);
	EXPECT_EQ(0, evtchn_unmask(a, port));

	test_cmd_evtchn_unbind(a, port);
	test_cmd_evtchn_bind_virq(b, VIRQ_DOM_EXC);
	close(a);
	close(b);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
