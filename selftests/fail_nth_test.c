// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation of one system call fails in turn, wherever it is made:
 * in our drivers, in the kernel's event-channel core, in xenbus, in mm. The
 * kernel's own fault injection (CONFIG_FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC: the debug kernel of scripts/debug-kernel/) fails the Nth
 * allocation of the calling task after N is written to
 * /proc/thread-self/fail-nth. For each call below and N = 1, 2, ... the call
 * runs once with the Nth allocation failing, until a run sees no failure.
 * Each injected failure must:
 *
 * - reach the caller as a clean errno (ENOMEM, or what the call documents);
 * - leave nothing behind: the drivers' live objects (debugfs
 *   xen_privcmd/live, xen_evtchn/live) and Xen's view of the ports are as
 *   before, and a port Xen opened is closed exactly once;
 * - leave the file usable: the same call without injection then succeeds.
 *
 * The runner then unloads the modules, asks kmemleak for a scan and fails on
 * any kernel report (KASAN, lockdep, UBSAN, a warning).
 *
 * One place is left alone: allocations under register_irq_proc(), which
 * request_irq() calls. Linux 6.12 ignores a failed proc_create() there, and
 * unregister_irq_proc() then removes the entry that was never made, with a
 * WARNING (remove_proc_entry: name 'smp_affinity'): a bug of the kernel's
 * interrupt core, found by this test, not of our drivers. The fault
 * injection stack filter (reject-start/reject-end) skips it.
 *
 * Only on a kernel with fault injection (make check-debug names this test);
 * elsewhere it skips, and inside the VM it is left out of ordinary runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/dm_op.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, PRIVCMDBUF_NODE, EVTCHN_NODE, NULL };

#define FAIL_NTH "/proc/thread-self/fail-nth"
/* Far more allocations than any one call makes. */
#define MAX_NTH 400
#define VIRQ_DOM_EXC 3

/* Fault injection: write a debugfs knob of failslab or fail_page_alloc. */
static int knob(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* [start, end) of kernel function @name, from /proc/kallsyms; 0 or -errno. */
static int kernel_function(const char *name, unsigned long *start, unsigned long *end)
{
	unsigned long addr, lo = 0, hi = ~0UL;
	char type, sym[256], line[512];
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, name))
			lo = addr;
	}
	if (lo) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
			    addr > lo && addr < hi)
				hi = addr;
		}
	}
	fclose(f);
	if (!lo || hi == ~0UL)
		return -ENOENT;
	*start = lo;
	*end = hi;
	return 0;
}

/*
 * Make every allocation countable: by default failslab and fail_page_alloc
 * skip sleeping allocations and fail_page_alloc skips order 0, which is
 * nearly everything a driver allocates. Quiet: an injected failure prints
 * no stack trace for the console judge to mistake for a bug.
 */
static int fault_injection_setup(void)
{
	static const char *const knobs[][2] = {
		{ DEBUGFS "/failslab/ignore-gfp-wait", "N" },
		{ DEBUGFS "/failslab/verbose", "0" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ DEBUGFS "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DEBUGFS "/fail_page_alloc/min-order", "0" },
		{ DEBUGFS "/fail_page_alloc/verbose", "0" },
	};
	static const char *const types[] = { "failslab", "fail_page_alloc" };
	unsigned long start = 0, end = 0;
	char path[128], val[32];
	int rc;

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		rc = knob(knobs[i][0], knobs[i][1]);
		if (rc)
			return rc;
	}
	/* Not under register_irq_proc() (see the top of this file). */
	rc = kernel_function("register_irq_proc", &start, &end);
	if (rc)
		return rc;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), DEBUGFS "/%s/reject-start", types[i]);
		snprintf(val, sizeof(val), "%#lx", start);
		rc = knob(path, val);
		if (!rc) {
			snprintf(path, sizeof(path), DEBUGFS "/%s/reject-end", types[i]);
			snprintf(val, sizeof(val), "%#lx", end);
			rc = knob(path, val);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * struct ctx - what the calls act on, prepared afresh for each run.
 * @g: the guest.
 * @pfd: an open privcmd file.
 * @efd: an open evtchn file.
 * @hfd: an open /dev/xen/hypercall.
 * @area: an unused privcmd mapping of @pages pages.
 * @pages: its size.
 * @gport: a port of the guest offered to dom0.
 * @id: an ioreq server of the guest on @pfd (@have_id).
 * @ret: the call's result when it is a resource (fd, port, mapping).
 * @mapped: what mmap() returned.
 */
struct ctx {
	struct xen_guest *g;
	int pfd, efd, hfd;
	void *area;
	int pages;
	int gport;
	uint16_t id;
	bool have_id;
	long ret;
	void *mapped;
};

/**
 * struct call - one system call walked through its allocations.
 * @name: for the log.
 * @prepare: set up @ctx (no injection); 0 or -errno.
 * @call: the one system call; >= 0 or -errno.
 * @undo: release what a successful @call made (may be NULL).
 * @clean: check after an injected failure that nothing was left behind
 *	(may be NULL): 0, or -1 with the reason printed.
 * @ok_errno: an errno besides ENOMEM that an allocation failure may give.
 * @pv_only: the call exists on a PV dom0 only (EOPNOTSUPP on a PVH one).
 */
struct call {
	const char *name;
	int (*prepare)(struct ctx *c);
	long (*call)(struct ctx *c);
	void (*undo)(struct ctx *c);
	int (*clean)(struct ctx *c);
	int ok_errno;
	bool pv_only;
};

/* ---- privcmd ---- */

static int prep_privcmd(struct ctx *c)
{
	c->pfd = privcmd_open();
	return c->pfd < 0 ? c->pfd : 0;
}

static int prep_privcmd_area(struct ctx *c)
{
	int rc = prep_privcmd(c);

	if (rc)
		return rc;
	c->area = privcmd_map_area(c->pfd, c->pages);
	return c->area ? 0 : -errno;
}

static int prep_privcmd_ioreq(struct ctx *c)
{
	int rc;

	c->pages = 1;
	rc = prep_privcmd_area(c);
	if (rc)
		return rc;
	rc = _test_cmd_dmop_create_ioreq_server(c->pfd, c->g->domid, &c->id);
	c->have_id = !rc;
	return rc;
}

static long call_open_privcmd(struct ctx *c)
{
	return c->ret = privcmd_open();
}

static void undo_close(struct ctx *c)
{
	close(c->ret);
}

static long call_hypercall(struct ctx *c)
{
	return _test_cmd_privcmd_hypercall(c->pfd, __HYPERVISOR_xen_version, XENVER_version,
					   0, 0, 0, 0);
}

static long call_dm_op_small(struct ctx *c)
{
	uint32_t vcpus;

	return _test_cmd_dmop_nr_vcpus(c->pfd, c->g->domid, &vcpus);
}

static long call_dm_op_large(struct ctx *c)
{
	static union {
		struct xen_dm_op op;
		unsigned char bytes[1024];
	} big;
	struct privcmd_dm_op_buf buf = { .uptr = &big, .size = sizeof(big) };

	memset(&big, 0, sizeof(big));
	big.op.op = XEN_DMOP_nr_vcpus;
	return _test_cmd_privcmd_dm_op(c->pfd, c->g->domid, 1, &buf);
}

static long call_mmap(struct ctx *c)
{
	c->mapped = mmap(NULL, 8 * getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, c->pfd, 0);
	return c->mapped == MAP_FAILED ? -errno : 0;
}

static void undo_mmap(struct ctx *c)
{
	munmap(c->mapped, 8 * getpagesize());
}

static long call_mmapbatch_v2(struct ctx *c)
{
	uint64_t gfns[16];
	int errs[16];

	for (int i = 0; i < 16; i++)
		gfns[i] = 64 + i;
	return _test_cmd_privcmd_mmapbatch_v2(c->pfd, c->g->domid, c->area, 16, gfns, errs);
}

static long call_mmapbatch_v1(struct ctx *c)
{
	uint64_t gfns[16];

	for (int i = 0; i < 16; i++)
		gfns[i] = 64 + i;
	return _test_cmd_privcmd_mmapbatch(c->pfd, c->g->domid, c->area, 16, gfns);
}

static long call_mmap_v0(struct ctx *c)
{
	struct privcmd_mmap_entry e = { .va = (uintptr_t)c->area, .mfn = 64, .npages = 16 };

	return _test_cmd_privcmd_mmap(c->pfd, c->g->domid, &e, 1);
}

static long call_mmap_resource(struct ctx *c)
{
	struct privcmd_mmap_resource r = {
		.dom = c->g->domid, .type = XENMEM_resource_ioreq_server, .id = c->id,
		.idx = XENMEM_resource_ioreq_server_frame_ioreq(0), .num = 1,
		.addr = (uintptr_t)c->area,
	};

	return _test_cmd_privcmd_mmap_resource(c->pfd, &r);
}

static long call_audit_query(struct ctx *c)
{
	struct privcmd_audit_query q;

	return _test_cmd_privcmd_audit_query(c->pfd, &q);
}

static long call_allowlist(struct ctx *c)
{
	return _test_cmd_privcmd_dm_op_allowlist(c->pfd, 1ULL << XEN_DMOP_nr_vcpus);
}

static long call_restrict(struct ctx *c)
{
	return _test_cmd_privcmd_restrict(c->pfd, c->g->domid);
}

/* One read() of a file: its fdinfo, whose privcmd keys are summed into an allocation. */
static long read_fdinfo(int fd)
{
	char path[64], buf[4096];
	long rc;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	/* The open is not walked: only the read. */
	rc = read(f, buf, sizeof(buf));
	rc = rc < 0 ? -errno : 0;
	close(f);
	return rc;
}

static long call_privcmd_fdinfo(struct ctx *c)
{
	return read_fdinfo(c->pfd);
}

static long call_hypercall_buf(struct ctx *c)
{
	c->mapped = mmap(NULL, 4 * getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, c->hfd, 0);
	return c->mapped == MAP_FAILED ? -errno : 0;
}

static int prep_hypercall_buf(struct ctx *c)
{
	c->hfd = open(PRIVCMDBUF_NODE, O_RDWR | O_CLOEXEC);
	return c->hfd < 0 ? -errno : 0;
}

static void undo_hypercall_buf(struct ctx *c)
{
	munmap(c->mapped, 4 * getpagesize());
}

/* ---- evtchn ---- */

static int prep_evtchn(struct ctx *c)
{
	c->efd = evtchn_open(0);
	return c->efd < 0 ? c->efd : 0;
}

static int prep_evtchn_gport(struct ctx *c)
{
	int rc = prep_evtchn(c);

	if (rc)
		return rc;
	c->gport = evtchn_xen_alloc_unbound(c->g->domid, 0);
	return c->gport < 0 ? c->gport : 0;
}

/* An evtchn file with 64 ports bound: the next bind grows the ring. */
static int prep_evtchn_full_ring(struct ctx *c)
{
	int rc = prep_evtchn_gport(c);

	for (int i = 0; !rc && i < 64; i++) {
		rc = _test_cmd_evtchn_bind_unbound_port(c->efd, c->g->domid);
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

static long call_open_evtchn(struct ctx *c)
{
	return c->ret = evtchn_open(0);
}

static long call_bind_interdomain(struct ctx *c)
{
	return c->ret = _test_cmd_evtchn_bind_interdomain(c->efd, c->g->domid, c->gport);
}

/* After a failed interdomain bind, the guest's port is free again: ours was closed. */
static int clean_interdomain(struct ctx *c)
{
	int st = evtchn_xen_status(c->g->domid, c->gport, NULL, NULL);

	if (st == EVTCHNSTAT_unbound)
		return 0;
	printf("# the guest's port %d is in state %d after the failed bind\n", c->gport, st);
	return -1;
}

static long call_bind_unbound(struct ctx *c)
{
	return c->ret = _test_cmd_evtchn_bind_unbound_port(c->efd, c->g->domid);
}

/* After a failed unbound bind, no dom0 port is left open for the guest. */
static int clean_unbound(struct ctx *c)
{
	for (uint32_t p = 1; p < 1024; p++) {
		uint32_t peer;

		if (evtchn_xen_status(0, p, &peer, NULL) == EVTCHNSTAT_unbound &&
		    peer == c->g->domid) {
			printf("# dom0 port %u stayed open for the guest after the failed bind\n", p);
			return -1;
		}
	}
	return 0;
}

static long call_bind_virq(struct ctx *c)
{
	return c->ret = _test_cmd_evtchn_bind_virq(c->efd, VIRQ_DOM_EXC);
}

static void undo_unbind(struct ctx *c)
{
	_test_cmd_evtchn_unbind(c->efd, c->ret);
}

static long call_unmask(struct ctx *c)
{
	return evtchn_unmask(c->efd, c->ret);
}

static int prep_evtchn_bound(struct ctx *c)
{
	int rc = prep_evtchn(c);

	if (rc)
		return rc;
	c->ret = _test_cmd_evtchn_bind_unbound_port(c->efd, c->g->domid);
	return c->ret < 0 ? c->ret : 0;
}

static long call_evtchn_fdinfo(struct ctx *c)
{
	return read_fdinfo(c->efd);
}

static const struct call calls[] = {
	{ "open privcmd", NULL, call_open_privcmd, undo_close },
	{ "HYPERCALL", prep_privcmd, call_hypercall },
	{ "DM_OP, one small buffer", prep_privcmd, call_dm_op_small },
	{ "DM_OP, one 1 KiB buffer", prep_privcmd, call_dm_op_large },
	{ "mmap privcmd", prep_privcmd, call_mmap, undo_mmap },
	{ "MMAPBATCH_V2", prep_privcmd_area, call_mmapbatch_v2 },
	{ "MMAPBATCH", prep_privcmd_area, call_mmapbatch_v1 },
	{ "MMAP", prep_privcmd_area, call_mmap_v0, .pv_only = true },
	{ "MMAP_RESOURCE", prep_privcmd_ioreq, call_mmap_resource },
	{ "AUDIT_QUERY", prep_privcmd, call_audit_query },
	{ "DM_OP_ALLOWLIST", prep_privcmd, call_allowlist },
	{ "RESTRICT", prep_privcmd, call_restrict },
	{ "read privcmd fdinfo", prep_privcmd, call_privcmd_fdinfo },
	{ "mmap /dev/xen/hypercall", prep_hypercall_buf, call_hypercall_buf, undo_hypercall_buf },
	{ "open evtchn", NULL, call_open_evtchn, undo_close },
	{ "BIND_INTERDOMAIN", prep_evtchn_gport, call_bind_interdomain, undo_unbind,
	  clean_interdomain },
	{ "BIND_UNBOUND_PORT", prep_evtchn, call_bind_unbound, undo_unbind, clean_unbound },
	{ "BIND_VIRQ", prep_evtchn, call_bind_virq, undo_unbind },
	{ "BIND_UNBOUND_PORT growing the ring", prep_evtchn_full_ring, call_bind_unbound,
	  undo_unbind },
	{ "write (unmask)", prep_evtchn_bound, call_unmask },
	{ "read evtchn fdinfo", prep_evtchn, call_evtchn_fdinfo },
};

/* Release everything a run prepared (the call's own result is undone before). */
static void teardown(struct ctx *c)
{
	if (c->area)
		munmap(c->area, c->pages * getpagesize());
	if (c->have_id)
		_test_cmd_dmop_destroy_ioreq_server(c->pfd, c->g->domid, c->id);
	if (c->pfd >= 0)
		close(c->pfd);
	if (c->efd >= 0)
		close(c->efd);
	if (c->hfd >= 0)
		close(c->hfd);
}

/* Run @k->call with allocation @n failing (0: none). The result; *@injected. */
static long run_once(struct __test_metadata *_metadata, int nth, const struct call *k,
		     struct ctx *c, long n, bool *injected)
{
	char buf[32];
	long rc;

	*injected = false;
	if (n) {
		snprintf(buf, sizeof(buf), "%ld", n);
		if (pwrite(nth, buf, strlen(buf), 0) < 0)
			return -1000 - errno;
	}
	rc = k->call(c);
	if (n) {
		ssize_t len = pread(nth, buf, sizeof(buf) - 1, 0);

		EXPECT_LT(0, len);
		buf[len > 0 ? len : 0] = '\0';
		/* 0: the Nth allocation came and failed */
		*injected = atoi(buf) == 0;
		EXPECT_LE(0, pwrite(nth, "0", 1, 0));
	}
	return rc;
}

static void ctx_init(struct ctx *c, struct xen_guest *g)
{
	*c = (struct ctx){ .g = g, .pfd = -1, .efd = -1, .hfd = -1, .gport = -1, .ret = -1,
			   .pages = 16 };
}

/* Walk @k's allocations; the number that failed in turn. */
static int walk(struct __test_metadata *_metadata, int nth, const struct call *k,
		struct xen_guest *g)
{
	static const char *const mods[] = { "xen_privcmd", "xen_evtchn" };
	struct live live0[2], live;
	int n, bad_errno = 0;

	for (int m = 0; m < 2; m++)
		test_live_read(mods[m], &live0[m]);
	for (n = 1; n <= MAX_NTH; n++) {
		struct ctx c;
		bool injected;
		long rc;

		ctx_init(&c, g);
		if (k->prepare) {
			ASSERT_EQ(0, k->prepare(&c)) TH_LOG("%s: preparing", k->name);
		}
		rc = run_once(_metadata, nth, k, &c, n, &injected);
		if (!injected) {
			/* Fewer than n allocations: the call ran whole. */
			EXPECT_LE(0, rc) TH_LOG("%s without injection: %s", k->name,
						strerror((int)-rc));
			if (rc >= 0 && k->undo)
				k->undo(&c);
			teardown(&c);
			break;
		}
		if (rc >= 0) {
			/* The failure was absorbed (a cache, a retry): that is fine. */
			if (k->undo)
				k->undo(&c);
		} else {
			if (rc != -ENOMEM && rc != -k->ok_errno) {
				bad_errno++;
				TH_LOG("%s, allocation %d failing: %s", k->name, n,
				       strerror((int)-rc));
			}
			if (k->clean) {
				EXPECT_EQ(0, k->clean(&c)) TH_LOG("%s, allocation %d", k->name, n);
			}
			/* The same call, without injection, on the same file. */
			rc = k->call(&c);
			EXPECT_LE(0, rc) TH_LOG("%s again after allocation %d failed: %s",
						k->name, n, strerror((int)-rc));
			if (rc >= 0 && k->undo)
				k->undo(&c);
		}
		teardown(&c);
		for (int m = 0; m < 2; m++) {
			test_live_read(mods[m], &live);
			test_live_unchanged(&live0[m], &live, "%s, after allocation %d failed",
					    k->name, n);
		}
	}
	EXPECT_EQ(0, bad_errno);
	EXPECT_GE(MAX_NTH, n) TH_LOG("%s: still failing after %d allocations", k->name, n);
	return n - 1;
}

FIXTURE(nth) {
	struct xen_guest g;
	int fd;
};

FIXTURE_SETUP(nth)
{
	int err;

	ASSERT_EQ(0, live_mount_debugfs());
	self->fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s (a kernel without CONFIG_FAULT_INJECTION?)",
				      FAIL_NTH, strerror(errno));
	err = fault_injection_setup();
	ASSERT_EQ(0, err) TH_LOG("fault injection knobs in debugfs: %s", strerror(-err));
	test_fixture_setup(.guests = { &self->g });
}

FIXTURE_TEARDOWN(nth)
{
	test_fixture_teardown(.guests = { &self->g });
	close(self->fd);
}

TEST_F_TIMEOUT(nth, every_allocation_of_every_call, 1800)
{
	int total = 0;

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int n;

		if (calls[i].pv_only && xen_env_auto_translated()) {
			struct ctx c;

			ctx_init(&c, &self->g);
			ASSERT_EQ(0, calls[i].prepare(&c));
			EXPECT_EQ(-EOPNOTSUPP, calls[i].call(&c));
			teardown(&c);
			printf("# %s: not on an auto-translated dom0\n", calls[i].name);
			continue;
		}
		n = walk(_metadata, self->fd, &calls[i], &self->g);

		printf("# %s: %d allocations failed in turn\n", calls[i].name, n);
		fflush(stdout);
		total += n;
	}
	/* The hook is live: opens and binds allocate. */
	EXPECT_LT(20, total);
}

int main(int argc, char **argv)
{
	if (access(FAIL_NTH, F_OK)) {
		printf("1..0 # SKIP kernel without fault injection (%s): run by make check-debug\n",
		       FAIL_NTH);
		return XEN_ENV_SKIP;
	}
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
