// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified libxenevtchn (and libxentoolcore's restrict-all, as QEMU calls
 * it) on whichever /dev/xen/evtchn is loaded: the library must not notice
 * which driver it talks to.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xentoolcore.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { EVTCHN_NODE, "/dev/xen/privcmd", NULL };

static int wait_fd(xenevtchn_handle *x, int ms)
{
	struct pollfd p = { .fd = xenevtchn_fd(x), .events = POLLIN };

	return poll(&p, 1, ms);
}

TEST(loopback_through_the_library)
{
	xenevtchn_handle *x1 = xenevtchn_open(NULL, 0);
	xenevtchn_handle *x2 = xenevtchn_open(NULL, 0);
	xenevtchn_port_or_error_t p1, p2;

	ASSERT_NE(NULL, x1);
	ASSERT_NE(NULL, x2);
	p1 = xenevtchn_bind_unbound_port(x1, 0);
	ASSERT_LE(0, p1);
	p2 = xenevtchn_bind_interdomain(x2, 0, p1);
	ASSERT_LE(0, p2);

	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, xenevtchn_notify(x2, p2));
		ASSERT_EQ(1, wait_fd(x1, 5000));
		EXPECT_EQ(p1, xenevtchn_pending(x1));
		EXPECT_EQ(0, xenevtchn_unmask(x1, p1));
	}
	ASSERT_EQ(0, xenevtchn_notify(x1, p1));
	ASSERT_EQ(1, wait_fd(x2, 5000));
	EXPECT_EQ(p2, xenevtchn_pending(x2));
	EXPECT_EQ(0, xenevtchn_unmask(x2, p2));

	EXPECT_EQ(0, xenevtchn_unbind(x1, p1));
	EXPECT_EQ(-1, xenevtchn_unbind(x1, p1));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, xenevtchn_unbind(x2, p2));
	EXPECT_EQ(0, xenevtchn_close(x1));
	EXPECT_EQ(0, xenevtchn_close(x2));
}

TEST(virq_through_the_library)
{
	xenevtchn_handle *x = xenevtchn_open(NULL, 0);
	xenevtchn_port_or_error_t p;

	ASSERT_NE(NULL, x);
	p = xenevtchn_bind_virq(x, VIRQ_DOM_EXC);
	ASSERT_LE(0, p);
	EXPECT_EQ(-1, xenevtchn_bind_virq(x, VIRQ_DOM_EXC));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(0, xenevtchn_unbind(x, p));
	xenevtchn_close(x);
}

FIXTURE(guest) {
	struct xen_guest g;
};

FIXTURE_SETUP(guest)
{
	test_fixture_setup(.guests = { &self->g });
}

FIXTURE_TEARDOWN(guest)
{
	test_fixture_teardown(.guests = { &self->g });
}

TEST_F(guest, xenevtchn_restrict)
{
	xenevtchn_handle *x = xenevtchn_open(NULL, 0);
	xenevtchn_port_or_error_t before, p;
	int gport;

	ASSERT_NE(NULL, x);
	before = xenevtchn_bind_unbound_port(x, self->g.domid);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, xenevtchn_restrict(x, self->g.domid));
	EXPECT_EQ(-1, xenevtchn_bind_unbound_port(x, self->g.domid));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, xenevtchn_bind_virq(x, VIRQ_DOM_EXC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, xenevtchn_restrict(x, self->g.domid));
	EXPECT_EQ(EACCES, errno);

	gport = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, gport);
	p = xenevtchn_bind_interdomain(x, self->g.domid, gport);
	ASSERT_LE(0, p);
	EXPECT_EQ(0, xenevtchn_notify(x, p));
	EXPECT_EQ(0, xenevtchn_notify(x, before));
	EXPECT_EQ(0, xenevtchn_unbind(x, p));
	EXPECT_EQ(0, xenevtchn_unbind(x, before));
	xenevtchn_close(x);
}

/* What QEMU's -xen-domid-restrict does: restrict every open handle at once. */
TEST_F(guest, toolcore_restrict_all)
{
	xenevtchn_handle *x = xenevtchn_open(NULL, 0);
	int gport;

	ASSERT_NE(NULL, x);
	ASSERT_EQ(0, xentoolcore_restrict_all(self->g.domid));
	EXPECT_EQ(-1, xenevtchn_bind_unbound_port(x, 0));
	EXPECT_EQ(EACCES, errno);
	gport = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, gport);
	EXPECT_LE(0, xenevtchn_bind_interdomain(x, self->g.domid, gport));
	xenevtchn_close(x);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
