// SPDX-License-Identifier: GPL-2.0
/*
 * The audit tracepoints of both drivers, read through tracefs in a private
 * instance: xen_privcmd:privcmd_{dm_op,denied,restrict,allowlist} and
 * xen_evtchn:evtchn_{restrict,denied}: each event's name says which driver
 * speaks. The in-tree drivers have none: there the tests assert that the
 * event systems do not exist and print "# DIFF:".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/audit_util.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, EVTCHN_NODE, NULL };

FIXTURE(trace) {
	int fd;
	struct xen_guest g;
	struct audit_trace t;
	bool started;
};

FIXTURE_SETUP(trace)
{
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
}

FIXTURE_TEARDOWN(trace)
{
	if (self->started)
		audit_trace_stop(&self->t);
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
}

/* Start tracing @system; false (with the in-tree assertion done) without it. */
static bool start(struct __test_metadata *_metadata, FIXTURE_DATA(trace) *self,
		  const char *system)
{
	int err;

	if (!xen_env_ours()) {
		EXPECT_FALSE(audit_trace_system_exists(system));
		privcmd_diff("the in-tree driver has no %s tracepoints", system);
		return false;
	}
	EXPECT_TRUE(audit_trace_system_exists(system));
	err = audit_trace_start(&self->t, system);
	EXPECT_EQ(0, err) TH_LOG("tracefs instance for %s: %s", system, strerror(-err));
	self->started = !err;
	return !err;
}

/* How many trace lines hold all of @... (NULL-terminated). */
#define LINES(text, ...) audit_count_lines(text, (const char *const[]){ __VA_ARGS__, NULL })

TEST_F(trace, events_exist_and_start_disabled)
{
	static const char *const events[] = {
		"xen_privcmd/privcmd_dm_op", "xen_privcmd/privcmd_denied",
		"xen_privcmd/privcmd_restrict", "xen_privcmd/privcmd_allowlist",
		"xen_evtchn/evtchn_restrict", "xen_evtchn/evtchn_denied",
	};
	/* the names without the driver's prefix are gone */
	static const char *const old[] = {
		"xen_privcmd/dm_op", "xen_privcmd/denied", "xen_privcmd/restrict",
		"xen_privcmd/allowlist", "xen_evtchn/restrict", "xen_evtchn/denied",
	};
	char path[256], val[8] = "";
	FILE *f;

	if (!xen_env_ours()) {
		EXPECT_FALSE(audit_trace_system_exists("xen_privcmd"));
		EXPECT_FALSE(audit_trace_system_exists("xen_evtchn"));
		privcmd_diff("the in-tree drivers have no xen_privcmd/xen_evtchn tracepoints");
		return;
	}
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(path, sizeof(path), AUDIT_TRACEFS "/events/%s/enable", events[i]);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f) TH_LOG("%s", path);
		EXPECT_NE(NULL, fgets(val, sizeof(val), f));
		EXPECT_EQ('0', val[0]) TH_LOG("%s is on by default", events[i]);
		fclose(f);
	}
	for (size_t i = 0; i < sizeof(old) / sizeof(old[0]); i++) {
		snprintf(path, sizeof(path), AUDIT_TRACEFS "/events/%s", old[i]);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s exists", path);
	}
}

TEST_F(trace, dm_op_success_and_failure)
{
	char want[64];
	uint32_t vcpus;
	char *text;

	if (!start(_metadata, self, "xen_privcmd"))
		return;
	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 1000, sizeof(struct xen_dm_op));
	/* The probe makes no hypercall and is not traced. */
	test_cmd_privcmd_dm_op(self->fd, PC_DOMID_INVALID, 0, NULL);
	text = audit_trace_read(&self->t);
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), "domid=%u ", self->g.domid);
	EXPECT_EQ(1, LINES(text, " privcmd_dm_op: ", want, "op=20 nr_bufs=1 result=0"));
	EXPECT_EQ(1, LINES(text, " privcmd_dm_op: ", want, "op=1000 nr_bufs=1 result=-95"));
	EXPECT_EQ(2, LINES(text, " privcmd_dm_op: "));
	free(text);
}

TEST_F(trace, denied_by_each_reason)
{
	char target[32], restricted[32];
	uint64_t gfn = 0;
	uint32_t vcpus;
	uint16_t id;
	int err = 0;
	void *area;
	char *text;

	if (!start(_metadata, self, "xen_privcmd"))
		return;
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_err_privcmd_hypercall(EPERM, self->fd, 17, 0, 0, 0, 0, 0);
	test_err_dmop_nr_vcpus(EPERM, self->fd, PC_DOMID_NONE, &vcpus);
	area = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, area);
	test_err_privcmd_mmapbatch_v2(EPERM, self->fd, 0, area, 1, &gfn, &err);
	test_cmd_privcmd_dm_op_allowlist(self->fd, 1ULL << XEN_DMOP_nr_vcpus);
	test_err_dmop_create_ioreq_server(EPERM, self->fd, self->g.domid, &id);

	text = audit_trace_read(&self->t);
	ASSERT_NE(NULL, text);
	snprintf(restricted, sizeof(restricted), "restricted=%u ", self->g.domid);
	EXPECT_EQ(1, LINES(text, " privcmd_denied: ioctl=hypercall target=32756 ", restricted,
			   "reason=hypercall"));
	snprintf(target, sizeof(target), "target=%u ", PC_DOMID_NONE);
	EXPECT_EQ(1, LINES(text, " privcmd_denied: ioctl=dm_op ", target, restricted, "reason=domid"));
	EXPECT_EQ(1, LINES(text, " privcmd_denied: ioctl=mmapbatch_v2 target=0 ", restricted,
			   "reason=domid"));
	snprintf(target, sizeof(target), "target=%u ", self->g.domid);
	EXPECT_EQ(1, LINES(text, " privcmd_denied: ioctl=dm_op ", target, restricted, "op=1 ",
			   "reason=allowlist"));
	EXPECT_EQ(4, LINES(text, " privcmd_denied: "));
	/* Nothing refused went to Xen. */
	EXPECT_EQ(0, LINES(text, " privcmd_dm_op: "));
	munmap(area, getpagesize());
	free(text);
}

TEST_F(trace, restrict_and_allowlist)
{
	char want[32];
	char *text;

	if (!start(_metadata, self, "xen_privcmd"))
		return;
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_err_privcmd_restrict(EINVAL, self->fd, 0);
	test_cmd_privcmd_dm_op_allowlist(self->fd, 0x300);
	test_err_privcmd_dm_op_allowlist(EPERM, self->fd, 0x700);
	test_cmd_privcmd_dm_op_allowlist(self->fd, 0x100);

	text = audit_trace_read(&self->t);
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), "domid=%u again=0", self->g.domid);
	EXPECT_EQ(1, LINES(text, " privcmd_restrict: ", want));
	snprintf(want, sizeof(want), "domid=%u again=1", self->g.domid);
	EXPECT_EQ(1, LINES(text, " privcmd_restrict: ", want));
	EXPECT_EQ(2, LINES(text, " privcmd_restrict: "));
	EXPECT_EQ(1, LINES(text, " privcmd_allowlist: old=0xffffffffffffffff allowed=0x300"));
	EXPECT_EQ(1, LINES(text, " privcmd_allowlist: old=0x300 allowed=0x100"));
	EXPECT_EQ(2, LINES(text, " privcmd_allowlist: "));
	free(text);
}

TEST_F(trace, evtchn_restrict_and_denied)
{
	char restricted[32], want[32];
	int efd, port;
	char *text;

	if (!start(_metadata, self, "xen_evtchn"))
		return;
	efd = evtchn_open(0);
	ASSERT_LE(0, efd);
	test_cmd_evtchn_restrict_domid(efd, self->g.domid);
	test_err_evtchn_bind_virq(EACCES, efd, 3 /* VIRQ_DOM_EXC */);
	test_err_evtchn_bind_unbound_port(EACCES, efd, self->g.domid);
	test_err_evtchn_bind_interdomain(EACCES, efd, 0, 1);
	/* Allowed: the guest's unbound port offered to dom0. */
	port = evtchn_xen_alloc_unbound(self->g.domid, 0);
	ASSERT_LE(0, port);
	test_cmd_evtchn_bind_interdomain(efd, self->g.domid, port);

	text = audit_trace_read(&self->t);
	ASSERT_NE(NULL, text);
	snprintf(want, sizeof(want), " evtchn_restrict: domid=%u", self->g.domid);
	EXPECT_EQ(1, LINES(text, want));
	snprintf(restricted, sizeof(restricted), "restricted=%u", self->g.domid);
	EXPECT_EQ(1, LINES(text, " evtchn_denied: ioctl=virq target=32756 ", restricted));
	EXPECT_EQ(1, LINES(text, " evtchn_denied: ioctl=unbound_port target=32756 ", restricted));
	EXPECT_EQ(1, LINES(text, " evtchn_denied: ioctl=interdomain target=0 ", restricted));
	EXPECT_EQ(3, LINES(text, " evtchn_denied: "));
	free(text);
	close(efd);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
