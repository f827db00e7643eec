// SPDX-License-Identifier: GPL-2.0
/*
 * Foreign mappings through /dev/xen/privcmd against a real HVM guest:
 * MMAPBATCH_V2, MMAPBATCH, MMAP and MMAP_RESOURCE, per-frame errors, the
 * fault behaviour (SIGBUS) and teardown on munmap and exit.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/ioreq.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

/* A frame number far past the guest's 256 pages. */
#define BAD_GFN 0x100000ULL

FIXTURE(map) {
	int fd;
	long page;
	struct xen_guest g;
};

FIXTURE_SETUP(map)
{
	self->page = getpagesize();
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
}

FIXTURE_TEARDOWN(map)
{
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
}

/* Data written through one mapping of guest frames reads back through another. */
TEST_F(map, batch_v2_two_mappings_agree)
{
	uint64_t gfns[4] = { 10, 11, 12, 13 };
	int err[4] = { 1, 1, 1, 1 };
	unsigned char *a = privcmd_map_area(self->fd, 4), *b = privcmd_map_area(self->fd, 4);

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 4, gfns, err);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(0, err[i]);
	for (long i = 0; i < 4 * self->page; i++)
		a[i] = (unsigned char)(i * 7 + 3);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 4, gfns, err);
	for (long i = 0; i < 4 * self->page; i++) {
		ASSERT_EQ((unsigned char)(i * 7 + 3), b[i]);
	}
	b[5] = 0x42;
	EXPECT_EQ(0x42, a[5]);
	munmap(a, 4 * self->page);
	munmap(b, 4 * self->page);
}

/* Failed frames: their errno in err[], SIGBUS on touch, the rest mapped. */
TEST_F(map, batch_v2_per_frame_errors)
{
	uint64_t gfns[4] = { 10, BAD_GFN, 11, BAD_GFN + 1 };
	int err[4] = { 1, 1, 1, 1 };
	unsigned char *a = privcmd_map_area(self->fd, 4);

	ASSERT_NE(NULL, a);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 4, gfns, err);
	EXPECT_EQ(0, err[0]);
	EXPECT_EQ(-EINVAL, err[1]);
	EXPECT_EQ(0, err[2]);
	EXPECT_EQ(-EINVAL, err[3]);
	EXPECT_FALSE(privcmd_read_sigbus(a));
	EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
	EXPECT_FALSE(privcmd_read_sigbus(a + 2 * self->page));
	EXPECT_TRUE(privcmd_read_sigbus(a + 3 * self->page));

	/* A hole can be filled afterwards; a mapped page cannot be remapped. */
	gfns[0] = 12;
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a + self->page, 1, gfns, err);
	EXPECT_EQ(0, err[0]);
	EXPECT_FALSE(privcmd_read_sigbus(a + self->page));
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a, 1, gfns, err);
	munmap(a, 4 * self->page);
}

/* Version 1 reports a failed frame by or'ing a flag into its gfn. */
TEST_F(map, batch_v1_error_flags)
{
	uint64_t gfns[2] = { 10, BAD_GFN };
	unsigned char *a = privcmd_map_area(self->fd, 2);

	ASSERT_NE(NULL, a);
	test_cmd_privcmd_mmapbatch(self->fd, self->g.domid, a, 2, gfns);
	EXPECT_EQ(10ULL, gfns[0]);
	EXPECT_EQ(BAD_GFN | PRIVCMD_MMAPBATCH_MFN_ERROR, gfns[1]);
	EXPECT_FALSE(privcmd_read_sigbus(a));
	EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
	munmap(a, 2 * self->page);
}

TEST_F(map, batch_errors)
{
	uint64_t gfns[2] = { 10, 11 };
	int err[2];
	unsigned char *a = privcmd_map_area(self->fd, 2);
	void *anon = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(NULL, a);
	ASSERT_NE(MAP_FAILED, anon);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, NULL);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_MMAPBATCH, NULL);
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a, 0, gfns, err);
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, anon, 2, gfns, err);
	/* A fresh mapping is filled whole, from its start. */
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a, 1, gfns, err);
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a + self->page, 1, gfns,
				      err);
	test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a, 3, gfns, err);
	test_err_privcmd_mmapbatch_v2(EFAULT, self->fd, self->g.domid, a, 2, (void *)16, err);
	test_err_privcmd_mmapbatch_v2(EFAULT, self->fd, self->g.domid, a, 2, gfns, (void *)16);
	test_err_privcmd_mmapbatch(EFAULT, self->fd, self->g.domid, a, 2, (void *)16);
	/* None of that used the mapping up. */
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 2, gfns, err);
	munmap(anon, 2 * self->page);
	munmap(a, 2 * self->page);
}

TEST_F(map, unfilled_mapping_sigbus)
{
	unsigned char *a = privcmd_map_area(self->fd, 2);

	ASSERT_NE(NULL, a);
	EXPECT_TRUE(privcmd_read_sigbus(a));
	EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
	munmap(a, 2 * self->page);
}

/* A privcmd mapping cannot be split (partial munmap). */
TEST_F(map, no_partial_munmap)
{
	unsigned char *a = privcmd_map_area(self->fd, 2);

	ASSERT_NE(NULL, a);
	EXPECT_EQ(-1, munmap(a + self->page, self->page));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, munmap(a, 2 * self->page));
}

/* The exit status of a child whose SIGSEGV came at segv_expected. */
#define SEGV_EXIT 42
static void *segv_expected;

static void segv_exit(int sig, siginfo_t *si, void *uc)
{
	_exit(si->si_addr == segv_expected ? SEGV_EXIT : SEGV_EXIT + 1);
}

/* Foreign mappings are not copied into a child: the range is simply absent. */
TEST_F(map, fork_does_not_copy)
{
	uint64_t gfn = 10;
	int err, status;
	unsigned char *a = privcmd_map_area(self->fd, 1);
	pid_t pid;

	ASSERT_NE(NULL, a);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 1, &gfn, &err);
	a[0] = 9;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/*
		 * Caught, not left to kill the child: the VM runner fails a run
		 * whose console reports a process killed by SIGSEGV.
		 */
		struct sigaction sa = {
			.sa_sigaction = segv_exit, .sa_flags = SA_SIGINFO,
		};

		segv_expected = a;
		sigaction(SIGSEGV, &sa, NULL);
		(void)*(volatile unsigned char *)a;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == SEGV_EXIT);
	EXPECT_EQ(9, a[0]);
	munmap(a, self->page);
}

/* Processes that map and exit without munmap leave nothing behind. */
TEST_F(map, teardown_on_exit)
{
	for (int round = 0; round < 20; round++) {
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			uint64_t gfns[16];
			int err[16];
			unsigned char *a = privcmd_map_area(self->fd, 16);

			for (int i = 0; i < 16; i++)
				gfns[i] = 20 + i;
			if (!a || _test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 16,
								 gfns, err))
				_exit(1);
			a[round] = (unsigned char)round;
			_exit(0);	/* no munmap */
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* The children's writes reached the guest. */
	{
		uint64_t gfn = 20;
		int err;
		unsigned char *a = privcmd_map_area(self->fd, 1);

		ASSERT_NE(NULL, a);
		test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 1, &gfn, &err);
		for (int round = 1; round < 20; round++)
			EXPECT_EQ(round, a[round]);
		munmap(a, self->page);
	}
}

/* ---- IOCTL_PRIVCMD_MMAP (PV dom0) ---- */

/* IOCTL_PRIVCMD_MMAP exists on a PV dom0 only (ours EOPNOTSUPP, upstream ENOSYS). */
static bool mmap_v0_absent(struct __test_metadata *_metadata, int fd)
{
	if (!xen_env_auto_translated())
		return false;
	test_err_ioctl(xen_env_ours() ? EOPNOTSUPP : ENOSYS, fd, IOCTL_PRIVCMD_MMAP, NULL);
	privcmd_diff("IOCTL_PRIVCMD_MMAP on an auto-translated dom0: EOPNOTSUPP (upstream ENOSYS)");
	return true;
}

TEST_F(map, mmap_v0_runs)
{
	struct privcmd_mmap_entry e[2];
	uint64_t gfns[3] = { 40, 50, 51 };
	int err[3];
	unsigned char *a, *b;

	if (mmap_v0_absent(_metadata, self->fd))
		return;
	a = privcmd_map_area(self->fd, 3);
	b = privcmd_map_area(self->fd, 3);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 3, gfns, err);
	b[0] = 1;
	b[self->page] = 2;
	b[2 * self->page] = 3;
	e[0] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a, .mfn = 40, .npages = 1 };
	e[1] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a + self->page, .mfn = 50,
					    .npages = 2 };
	test_cmd_privcmd_mmap(self->fd, self->g.domid, e, 2);
	EXPECT_EQ(1, a[0]);
	EXPECT_EQ(2, a[self->page]);
	EXPECT_EQ(3, a[2 * self->page]);
	munmap(a, 3 * self->page);
	munmap(b, 3 * self->page);
}

TEST_F(map, mmap_v0_errors)
{
	struct privcmd_mmap_entry e[2];
	unsigned char *a;

	if (mmap_v0_absent(_metadata, self->fd))
		return;
	a = privcmd_map_area(self->fd, 2);
	ASSERT_NE(NULL, a);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_MMAP, NULL);
	test_err_privcmd_mmap(EFAULT, self->fd, self->g.domid, (void *)16, 1);
	test_cmd_privcmd_mmap(self->fd, self->g.domid, e, 0);
	/* Not the start of the mapping. */
	e[0] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a + self->page, .mfn = 40,
					    .npages = 1 };
	test_err_privcmd_mmap(EINVAL, self->fd, self->g.domid, e, 1);
	munmap(a, 2 * self->page);

	/* Runs that are not contiguous, or overrun the mapping. */
	a = privcmd_map_area(self->fd, 2);
	ASSERT_NE(NULL, a);
	e[0] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a, .mfn = 40, .npages = 1 };
	e[1] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a + 2 * self->page, .mfn = 41,
					    .npages = 1 };
	test_err_privcmd_mmap(EINVAL, self->fd, self->g.domid, e, 2);
	munmap(a, 2 * self->page);
	a = privcmd_map_area(self->fd, 2);
	ASSERT_NE(NULL, a);
	e[0] = (struct privcmd_mmap_entry){ .va = (uintptr_t)a, .mfn = 40, .npages = 3 };
	test_err_privcmd_mmap(EINVAL, self->fd, self->g.domid, e, 1);
	munmap(a, 2 * self->page);
}

/* ---- IOCTL_PRIVCMD_MMAP_RESOURCE: the pages of an ioreq server ---- */

static int map_ioreq_page(int fd, unsigned int dom, uint16_t id, void *addr)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = XENMEM_resource_ioreq_server, .id = id,
		.idx = XENMEM_resource_ioreq_server_frame_ioreq(0), .num = 1,
		.addr = (uintptr_t)addr,
	};

	return _test_cmd_privcmd_mmap_resource(fd, &r);
}

static int set_server_state(int fd, unsigned int dom, uint16_t id, int enabled)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };

	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = enabled;
	return _test_cmd_privcmd_dm_op(fd, dom, 1, &buf);
}

TEST_F(map, resource_ioreq_server_pages)
{
	struct privcmd_mmap_resource q = {
		.dom = self->g.domid, .type = XENMEM_resource_ioreq_server,
	};
	unsigned char *a = privcmd_map_area(self->fd, 1), *b = privcmd_map_area(self->fd, 1);
	uint16_t id;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &id);
	q.id = id;
	/* Size query: num = 0, addr = 0. */
	test_cmd_privcmd_mmap_resource(self->fd, &q);
	EXPECT_LE(2ULL, q.num);

	test_cmd(map_ioreq_page(self->fd, self->g.domid, id, a));
	EXPECT_EQ(0U, ((struct shared_iopage *)a)->vcpu_ioreq[0].vp_eport);
	/* Enabling the server makes Xen fill in vCPU 0's event channel. */
	test_cmd(set_server_state(self->fd, self->g.domid, id, 1));
	EXPECT_NE(0U, ((struct shared_iopage *)a)->vcpu_ioreq[0].vp_eport);
	EXPECT_EQ(STATE_IOREQ_NONE, (int)((struct shared_iopage *)a)->vcpu_ioreq[0].state);
	test_cmd(map_ioreq_page(self->fd, self->g.domid, id, b));
	a[self->page - 1] = 0x77;
	EXPECT_EQ(0x77, b[self->page - 1]);
	munmap(a, self->page);
	munmap(b, self->page);
	test_cmd_dmop_destroy_ioreq_server(self->fd, self->g.domid, id);
}

/*
 * One ioreq page mapped into a mapping of 64 MiB: on an auto-translated dom0
 * the driver backs the mapped frames with local pages, and only those (not
 * one per page of the mapping, which a caller could make arbitrarily many).
 */
TEST_F(map, resource_claims_only_what_it_maps)
{
	enum { PAGES = 16384 };
	struct privcmd_mmap_resource r = { .dom = self->g.domid,
					   .type = XENMEM_resource_ioreq_server, .num = 1 };
	unsigned char *a = privcmd_map_area(self->fd, PAGES);
	long long before;
	uint16_t id;

	ASSERT_NE(NULL, a);
	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &id);
	before = live_value("xen_privcmd", "local_pages");
	r.id = id;
	r.idx = XENMEM_resource_ioreq_server_frame_ioreq(0);
	r.addr = (uintptr_t)a;
	test_cmd_privcmd_mmap_resource(self->fd, &r);
	EXPECT_FALSE(privcmd_read_sigbus(a));
	EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
	if (xen_env_ours()) {
		uint64_t gfn = 0;
		int err = 0;

		/*
		 * A batch retry only fills the pages claimed: past them it has no
		 * local page to map over (KASAN saw the read past the page array).
		 */
		test_err_privcmd_mmapbatch_v2(EINVAL, self->fd, self->g.domid, a + self->page, 1,
					      &gfn, &err);
		EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
		EXPECT_LE(0, before) TH_LOG("debugfs xen_privcmd/live local_pages: %s",
					    strerror((int)-before));
		EXPECT_EQ(before + (xen_env_auto_translated() ? 1 : 0),
			  live_value("xen_privcmd", "local_pages"));
	}
	munmap(a, (size_t)PAGES * self->page);
	if (xen_env_ours()) {
		EXPECT_EQ(before, live_value("xen_privcmd", "local_pages"));
	}
	test_cmd_dmop_destroy_ioreq_server(self->fd, self->g.domid, id);
}

TEST_F(map, resource_errors)
{
	struct privcmd_mmap_resource r = {
		.dom = self->g.domid, .type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
	};
	unsigned char *a = privcmd_map_area(self->fd, 2);
	void *anon = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(NULL, a);
	ASSERT_NE(MAP_FAILED, anon);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_MMAP_RESOURCE, NULL);
	/* Only one of num and addr set. */
	r.num = 1;
	test_err_privcmd_mmap_resource(EINVAL, self->fd, &r);
	r.num = 0;
	r.addr = (uintptr_t)a;
	test_err_privcmd_mmap_resource(EINVAL, self->fd, &r);
	/* Not a privcmd mapping. */
	r.num = 1;
	r.addr = (uintptr_t)anon;
	test_err_privcmd_mmap_resource(EINVAL, self->fd, &r);
	/* Xen's answer for a missing domain, size query and map. */
	r = (struct privcmd_mmap_resource){ .dom = PC_DOMID_NONE,
					    .type = XENMEM_resource_grant_table };
	test_err_privcmd_mmap_resource(ESRCH, self->fd, &r);
	if (xen_env_ours()) {
		/* More frames than the mapping holds (upstream does not check). */
		r = (struct privcmd_mmap_resource){
			.dom = self->g.domid, .type = XENMEM_resource_grant_table,
			.num = 3, .addr = (uintptr_t)a,
		};
		test_err_privcmd_mmap_resource(EINVAL, self->fd, &r);
	}
	/* The grant table of the guest maps, and only once per mapping. */
	r = (struct privcmd_mmap_resource){
		.dom = self->g.domid, .type = XENMEM_resource_grant_table, .num = 1,
		.addr = (uintptr_t)a,
	};
	test_cmd_privcmd_mmap_resource(self->fd, &r);
	EXPECT_FALSE(privcmd_read_sigbus(a));
	munmap(anon, self->page);
	munmap(a, 2 * self->page);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
