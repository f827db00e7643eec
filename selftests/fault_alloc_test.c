// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation of our drivers fails in turn (the fault-injection test
 * build only: make modules-fault-SERIES, scripts/vm/run --impl fault; see
 * drivers/xen/xdm-fault-inject.h). For each module and N = 1, 2, 3, ... the
 * module's fail_nth is set to N and a workload that reaches every
 * allocation site of that module runs against a real HVM guest; until a
 * round ends without an injected failure (fail_hits unchanged). Each call
 * of the workload must give what it gives without injection, or ENOMEM:
 * never another errno, never a crash. After each round the driver's live
 * objects (debugfs xen_privcmd/live, xen_evtchn/live) must be back where
 * they started. The runner then unloads the modules (a leaked reference
 * fails that) and scans the console for warnings.
 *
 * Outside the fault build (no fail_nth parameter) the test fails: it is
 * only run by name on that build.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/dm_op.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, PRIVCMDBUF_NODE, EVTCHN_NODE, NULL };

#define BAD_GFN 0x100000ULL
/* More than the allocations of one round of either workload. */
#define MAX_ROUNDS 600
/* Ports bound per evtchn round: past the first ring size (64). */
#define NR_BINDS 70
/* Step results remembered per round (the evtchn workload has the most). */
#define MAX_STEPS (NR_BINDS * 2 + 16)

/**
 * struct round - one run of a workload.
 * @rc: each step's result by slot, normalised: 0 for success, else -errno.
 * @seen: which slots were reached.
 * @enomem: steps that failed with ENOMEM.
 */
struct round {
	int rc[MAX_STEPS];
	bool seen[MAX_STEPS];
	int enomem;
};

static int param_path(char *path, size_t len, const char *mod, const char *name)
{
	return snprintf(path, len, "/sys/module/%s/parameters/%s", mod, name);
}

static long param_read(const char *mod, const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	param_path(path, sizeof(path), mod, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EINVAL;
	fclose(f);
	return v;
}

static int param_write(const char *mod, const char *name, long v)
{
	char path[128];
	int rc = 0;
	FILE *f;

	param_path(path, sizeof(path), mod, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fprintf(f, "%ld\n", v) < 0)
		rc = -EIO;
	if (fclose(f))
		rc = -errno;
	return rc;
}

/*
 * One step of a workload, in its fixed @slot: its result normalised,
 * checked against the uninjected run (@base, NULL while recording it).
 */
static int step(struct __test_metadata *_metadata, struct round *r,
		const struct round *base, int slot, const char *what, long rc)
{
	int v = rc >= 0 ? 0 : (int)rc;

	if (slot < 0 || slot >= MAX_STEPS) {
		EXPECT_LT(slot, MAX_STEPS);
		return v;
	}
	r->rc[slot] = v;
	r->seen[slot] = true;
	if (v == -ENOMEM)
		r->enomem++;
	if (!base) {
		EXPECT_NE(-ENOMEM, v) TH_LOG("%s: ENOMEM without injection", what);
	} else if (v != -ENOMEM) {
		EXPECT_TRUE(base->seen[slot]) TH_LOG("%s: not reached without injection", what);
		EXPECT_EQ(base->rc[slot], v)
			TH_LOG("%s: %s, not the uninjected result (%s) or ENOMEM",
			       what, strerror(-v), strerror(-base->rc[slot]));
	}
	return v;
}

#define STEP(slot, what, rc) step(_metadata, r, base, slot, what, rc)

/* pointer or NULL (errno set) as a step result */
static long ptr_rc(const void *p)
{
	return p ? 0 : -errno;
}

/*
 * privcmd: open (file, audit counters), DM_OPs with a large and with many
 * buffers, MMAP, MMAPBATCH and MMAPBATCH_V2 into foreign mappings,
 * MMAP_RESOURCE of an ioreq server page, the audit query and fdinfo, and
 * /dev/xen/hypercall buffers. A step that fails leaves out what needs it.
 */
static void privcmd_workload(struct __test_metadata *_metadata, struct round *r,
			     const struct round *base, uint32_t domid)
{
	const long page = getpagesize();
	struct privcmd_dm_op_buf bufs[6];
	struct privcmd_audit_query q;
	struct privcmd_mmap_entry e = { .mfn = 60, .npages = 2 };
	struct privcmd_mmap_resource res = {
		.dom = domid, .type = XENMEM_resource_ioreq_server,
		.idx = XENMEM_resource_ioreq_server_frame_ioreq(0), .num = 1,
	};
	unsigned char *a = NULL, *b = NULL, *c = NULL, *ioreq = NULL, *hbuf;
	static union {
		struct xen_dm_op op;
		unsigned char bytes[512];
	} big;
	uint64_t gfns[16];
	int errs[16], fd, hfd;
	char path[64], info[4096];
	uint16_t id = 0;
	bool have_id;

	fd = privcmd_open();
	if (STEP(1, "open privcmd", fd))
		return;

	/* Larger than the stack copy: the bounce buffer. */
	memset(&big, 0, sizeof(big));
	big.op.op = XEN_DMOP_nr_vcpus;
	bufs[0].uptr = &big;
	bufs[0].size = sizeof(big);
	STEP(2, "DM_OP 512 bytes", _test_cmd_privcmd_dm_op(fd, domid, 1, bufs));
	/* More buffers than on the stack: Xen refuses them (E2BIG) after the copies. */
	for (int i = 0; i < 6; i++) {
		bufs[i].uptr = &big;
		bufs[i].size = 64;
	}
	STEP(3, "DM_OP 6 buffers", _test_cmd_privcmd_dm_op(fd, domid, 6, bufs));

	for (int i = 0; i < 16; i++)
		gfns[i] = i % 5 == 4 ? BAD_GFN : 50ULL + i;
	a = privcmd_map_area(fd, 16);
	if (!STEP(4, "mmap privcmd 16", ptr_rc(a)))
		STEP(5, "MMAPBATCH_V2",
		     _test_cmd_privcmd_mmapbatch_v2(fd, domid, a, 16, gfns, errs));
	b = privcmd_map_area(fd, 16);
	if (!STEP(6, "mmap privcmd 16", ptr_rc(b)))
		STEP(7, "MMAPBATCH", _test_cmd_privcmd_mmapbatch(fd, domid, b, 16, gfns));
	c = privcmd_map_area(fd, 2);
	if (!STEP(8, "mmap privcmd 2", ptr_rc(c))) {
		e.va = (uintptr_t)c;
		STEP(9, "MMAP", _test_cmd_privcmd_mmap(fd, domid, &e, 1));
	}

	have_id = !STEP(10, "create_ioreq_server",
			_test_cmd_dmop_create_ioreq_server(fd, domid, &id));
	ioreq = privcmd_map_area(fd, 1);
	if (!STEP(11, "mmap privcmd 1", ptr_rc(ioreq)) && have_id) {
		res.id = id;
		res.addr = (uintptr_t)ioreq;
		STEP(12, "MMAP_RESOURCE", _test_cmd_privcmd_mmap_resource(fd, &res));
	}

	memset(&q, 0, sizeof(q));
	STEP(13, "AUDIT_QUERY", _test_cmd_privcmd_audit_query(fd, &q));
	/* fdinfo sums the counters into an allocation; without it, fewer lines. */
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	hfd = open(path, O_RDONLY);
	if (!STEP(14, "open fdinfo", hfd < 0 ? -errno : 0)) {
		STEP(15, "read fdinfo", read(hfd, info, sizeof(info)) < 0 ? -errno : 0);
		close(hfd);
	}

	hfd = open(PRIVCMDBUF_NODE, O_RDWR | O_CLOEXEC);
	if (!STEP(16, "open hypercall", hfd < 0 ? -errno : 0)) {
		hbuf = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
		if (!STEP(17, "mmap hypercall 4", hbuf == MAP_FAILED ? -errno : 0)) {
			hbuf[3 * page] = 1;
			EXPECT_EQ(0, munmap(hbuf, 4 * page));
		}
		close(hfd);
	}

	if (ioreq)
		EXPECT_EQ(0, munmap(ioreq, page));
	if (have_id)
		STEP(18, "destroy_ioreq_server",
		     _test_cmd_dmop_destroy_ioreq_server(fd, domid, id));
	if (a)
		EXPECT_EQ(0, munmap(a, 16 * page));
	if (b)
		EXPECT_EQ(0, munmap(b, 16 * page));
	if (c)
		EXPECT_EQ(0, munmap(c, 2 * page));
	close(fd);
}

/*
 * evtchn: open (file, name), NR_BINDS binds of ports offered to the guest
 * (port objects, the port table, ring growth past 64), an unmask write,
 * unbinds, close.
 */
static void evtchn_workload(struct __test_metadata *_metadata, struct round *r,
			    const struct round *base, uint32_t domid)
{
	int ports[NR_BINDS], fd;
	uint32_t p;

	fd = evtchn_open(0);
	if (STEP(0, "open evtchn", fd))
		return;
	for (int i = 0; i < NR_BINDS; i++) {
		ports[i] = _test_cmd_evtchn_bind_unbound_port(fd, domid);
		STEP(1 + i, "BIND_UNBOUND_PORT", ports[i]);
	}
	for (int i = 0; i < NR_BINDS; i++) {
		if (ports[i] < 0)
			continue;
		p = ports[i];
		STEP(1 + NR_BINDS, "write (unmask)", evtchn_unmask(fd, p));
		break;
	}
	/* Half unbound here, the rest by close. */
	for (int i = 0; i < NR_BINDS; i += 2)
		if (ports[i] >= 0)
			STEP(2 + NR_BINDS + i / 2, "UNBIND", _test_cmd_evtchn_unbind(fd, ports[i]));
	close(fd);
}

FIXTURE(fault) {
	struct xen_guest g;
};

FIXTURE_SETUP(fault)
{
	ASSERT_EQ(0, live_mount_debugfs());
	test_fixture_setup(.guests = { &self->g });
}

FIXTURE_TEARDOWN(fault)
{
	param_write("xen_privcmd", "fail_nth", 0);
	param_write("xen_evtchn", "fail_nth", 0);
	test_fixture_teardown(.guests = { &self->g });
}

typedef void workload_fn(struct __test_metadata *_metadata, struct round *r,
			 const struct round *base, uint32_t domid);

/* Fail allocation 1, 2, 3, ... of @mod under @fn until a round sees none. */
static void fail_each(struct __test_metadata *_metadata, const char *mod,
		      workload_fn *fn, uint32_t domid, int min_allocs)
{
	struct round base = { 0 }, r;
	struct live live0, live;
	long hits0, hits;
	int n, enomem_rounds = 0;

	hits0 = param_read(mod, "fail_hits");
	ASSERT_LE(0, hits0) TH_LOG("%s has no fail_hits parameter (%s): not the fault-injection build (make modules-fault-SERIES, run --impl fault)",
				   mod, strerror((int)-hits0));
	test_live_read(mod, &live0);

	ASSERT_EQ(0, param_write(mod, "fail_nth", 0));
	fn(_metadata, &base, NULL, domid);
	ASSERT_EQ(hits0, param_read(mod, "fail_hits"));
	test_live_read(mod, &live);
	test_live_unchanged(&live0, &live, "after the uninjected run");
	ASSERT_TRUE(live_equal(&live0, &live));

	for (n = 1; n <= MAX_ROUNDS; n++) {
		memset(&r, 0, sizeof(r));
		ASSERT_EQ(0, param_write(mod, "fail_nth", n));
		fn(_metadata, &r, &base, domid);
		ASSERT_EQ(0, param_write(mod, "fail_nth", 0));
		hits = param_read(mod, "fail_hits") - hits0;
		hits0 += hits;
		test_live_read(mod, &live);
		test_live_unchanged(&live0, &live, "after failing allocation %d", n);
		enomem_rounds += r.enomem > 0;
		if (!hits)
			break;
		ASSERT_EQ(1, hits);
	}
	ASSERT_GE(MAX_ROUNDS, n) TH_LOG("%s: still failing allocations after %d rounds", mod, n);
	/* Nearly every injected failure reaches the caller as ENOMEM. */
	EXPECT_LT(0, enomem_rounds);
	/* At least the allocations the workload is known to make: the hook is live. */
	EXPECT_LE(min_allocs, n - 1);
	fprintf(stderr, "# %s: %d allocations failed in turn, %d of them seen as ENOMEM\n",
		mod, n - 1, enomem_rounds);
}

TEST_F_TIMEOUT(fault, privcmd_each_allocation, 600)
{
	/* open 2, DM_OPs 3, mappings 3, batches 3, audit 3, hypercall 5 */
	fail_each(_metadata, "xen_privcmd", privcmd_workload, self->g.domid, 19);
}

TEST_F_TIMEOUT(fault, evtchn_each_allocation, 600)
{
	/* open 2, two per bind, the ring twice, the write */
	fail_each(_metadata, "xen_evtchn", evtchn_workload, self->g.domid, 2 * NR_BINDS + 5);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
