// SPDX-License-Identifier: GPL-2.0
/*
 * Faults around /dev/xen/privcmd against a real HVM guest: mremap() of
 * foreign mappings, user memory that disappears while a call runs, Xen
 * failing some frames of a batch, and requests too large to allocate.
 * Each asserts the call's result, what the mappings hold afterwards and,
 * on our driver, that the file's mapped_pages counter is right; the runner
 * fails the run on any kernel warning in the console.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

/* A frame number far past the guest's 256 pages. */
#define BAD_GFN 0x100000ULL

FIXTURE(fault) {
	int fd;
	long page;
	struct xen_guest g;
};

FIXTURE_SETUP(fault)
{
	self->page = getpagesize();
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
}

FIXTURE_TEARDOWN(fault)
{
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
}

/* Our file's mapped_pages, or the expected value on the in-tree driver. */
static long long mapped_pages(int fd, long long expect)
{
	return xen_env_ours() ? fdinfo_num(0, fd, "privcmd.mapped_pages") : expect;
}

/* @n fresh anonymous pages to move a mapping onto: address or NULL. */
static void *spare_area(long pages)
{
	void *p = mmap(NULL, pages * getpagesize(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Map guest frames 10.. into a new mapping of @n pages, filled with a pattern. */
static unsigned char *map_filled(struct __test_metadata *_metadata,
				 FIXTURE_DATA(fault) *self, unsigned int n)
{
	uint64_t gfns[16];
	int err[16];
	unsigned char *a = privcmd_map_area(self->fd, n);

	EXPECT_NE(NULL, a);
	if (!a)
		return NULL;
	for (unsigned int i = 0; i < n; i++)
		gfns[i] = 10 + i;
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, n, gfns, err);
	for (long i = 0; i < n * self->page; i++)
		a[i] = (unsigned char)(i * 13 + 1);
	return a;
}

/* ---- mremap() ---- */

/*
 * Moving a filled mapping on a PV dom0 makes the in-tree driver's kernel
 * print a WARNING (Xen refuses the moved entries) and the moved mapping
 * gives SIGBUS: ours refuses the move and the mapping stays intact.
 */
TEST_F(fault, mremap_filled_refused)
{
	unsigned char *a, *spare;
	void *moved;

	if (!xen_env_ours()) {
		privcmd_diff("in-tree privcmd lets mremap() move a filled mapping (kernel WARNING, "
			     "then SIGBUS on a PV dom0); ours fails it with EINVAL");
		return;
	}
	a = map_filled(_metadata, self, 4);
	spare = spare_area(4);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, spare);
	moved = mremap(a, 4 * self->page, 4 * self->page, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	EXPECT_EQ(MAP_FAILED, moved);
	EXPECT_EQ(EINVAL, errno);
	/* Still there, still the guest's frames. */
	for (long i = 0; i < 4 * self->page; i++) {
		ASSERT_EQ((unsigned char)(i * 13 + 1), a[i]);
	}
	EXPECT_EQ(4, mapped_pages(self->fd, 4));
	/* Nor moved in two parts, nor shrunk while moving. */
	moved = mremap(a, self->page, self->page, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	EXPECT_EQ(MAP_FAILED, moved);
	moved = mremap(a, 4 * self->page, 2 * self->page, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	EXPECT_EQ(MAP_FAILED, moved);
	EXPECT_EQ(0x01, a[0]);
	EXPECT_EQ(0, munmap(a, 4 * self->page));
	EXPECT_EQ(0, mapped_pages(self->fd, 0));
	munmap(spare, 4 * self->page);
}

/* The file offset /proc/self/maps shows for the mapping at @addr, or -1. */
static long long maps_offset(const void *addr)
{
	unsigned long start, end;
	unsigned long long off;
	char line[512];
	long long found = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %*s %llx", &start, &end, &off) == 3 &&
		    start == (uintptr_t)addr) {
			found = off;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * An unused mapping moves, and is filled and used at its new place. Its
 * page offset (what names it to the driver) is its own and never changes:
 * the kernel files the mapping under it, so rewriting it would corrupt that.
 */
TEST_F(fault, mremap_unused_moves)
{
	unsigned char *a = privcmd_map_area(self->fd, 2), *b, *spare = spare_area(2);
	uint64_t gfns[2] = { 30, 31 };
	int err[2] = { 1, 1 };
	long long off;
	void *moved;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, spare);
	off = maps_offset(a);
	ASSERT_LE(0, off);
	moved = mremap(a, 2 * self->page, 2 * self->page, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
	ASSERT_EQ((void *)spare, moved) TH_LOG("mremap: %s", strerror(errno));
	EXPECT_EQ(off, maps_offset(spare));
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, spare, 2, gfns, err);
	EXPECT_EQ(0, err[0]);
	EXPECT_EQ(0, err[1]);
	spare[self->page + 5] = 0x5a;
	b = privcmd_map_area(self->fd, 2);
	ASSERT_NE(NULL, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 2, gfns, err);
	EXPECT_EQ(0x5a, b[self->page + 5]);
	EXPECT_EQ(off, maps_offset(spare));
	if (xen_env_ours()) {
		/* Each mapping has offsets of its own, whatever mmap() was given. */
		EXPECT_NE(maps_offset(spare), maps_offset(b));
		/* Filled at its new place, it no longer moves. */
		a = spare_area(2);
		ASSERT_NE(NULL, a);
		moved = mremap(spare, 2 * self->page, 2 * self->page,
			       MREMAP_MAYMOVE | MREMAP_FIXED, a);
		EXPECT_EQ(MAP_FAILED, moved);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0x5a, spare[self->page + 5]);
		EXPECT_EQ(4, mapped_pages(self->fd, 4));
		munmap(a, 2 * self->page);
	}
	munmap(b, 2 * self->page);
	munmap(spare, 2 * self->page);
}

/* Growing and MREMAP_DONTUNMAP: refused by the kernel on both drivers. */
TEST_F(fault, mremap_grow_and_dontunmap_refused)
{
	unsigned char *a = map_filled(_metadata, self, 2);

	ASSERT_NE(NULL, a);
	EXPECT_EQ(MAP_FAILED, mremap(a, 2 * self->page, 4 * self->page, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(MAP_FAILED, mremap(a, 2 * self->page, 4 * self->page, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(MAP_FAILED, mremap(a, 2 * self->page, 2 * self->page,
				     MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0x01, a[0]);
	EXPECT_EQ(2, mapped_pages(self->fd, 2));
	munmap(a, 2 * self->page);
}

/* mmap() with any offset still works, MAP_FIXED over an old mapping too. */
TEST_F(fault, mmap_offsets_and_fixed_still_work)
{
	unsigned char *a = map_filled(_metadata, self, 2), *b;
	uint64_t gfns[2] = { 10, 11 };
	int err[2];

	ASSERT_NE(NULL, a);
	b = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 16 * self->page);
	ASSERT_NE(MAP_FAILED, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 2, gfns, err);
	EXPECT_EQ(a[self->page + 3], b[self->page + 3]);
	/* QEMU's map cache maps a new bucket over an old one with MAP_FIXED. */
	b = mmap(b, 2 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, b);
	EXPECT_TRUE(privcmd_read_sigbus(b));
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 2, gfns, err);
	EXPECT_EQ(a[7], b[7]);
	EXPECT_EQ(4, mapped_pages(self->fd, 4));
	munmap(b, 2 * self->page);
	munmap(a, 2 * self->page);
	EXPECT_EQ(0, mapped_pages(self->fd, 0));
}

/* ---- user memory that disappears during a call ---- */

/**
 * struct flapper - a thread that maps and unmaps one page over and over.
 * @addr: the page (fixed address).
 * @page: its size.
 * @memfd: file holding what the page shows each time it is mapped.
 * @thread: the thread.
 * @stop: set to end the thread.
 * @rounds: how many times it was mapped.
 *
 * The contents come from a file already written, not from a memcpy() after
 * mmap(): a call racing the thread sees the page whole or not at all.  A
 * copy in progress would let the kernel read a half-written pointer (TCG
 * copies byte by byte), and what lives at such an address is anyone's guess.
 */
struct flapper {
	void *addr;
	long page;
	int memfd;
	pthread_t thread;
	atomic_bool stop;
	atomic_long rounds;
};

static void *flap(void *arg)
{
	struct flapper *f = arg;
	/* Private: what a call writes back stays out of the next round. */
	int flags = MAP_PRIVATE | MAP_FIXED_NOREPLACE;

	while (!atomic_load(&f->stop)) {
		/* NOREPLACE: if another mmap() took the hole, stop rather than clobber it. */
		void *p = mmap(f->addr, f->page, PROT_READ | PROT_WRITE, flags, f->memfd, 0);

		if (p != f->addr) {
			if (p != MAP_FAILED)
				munmap(p, f->page);
			break;
		}
		atomic_fetch_add(&f->rounds, 1);
		munmap(p, f->page);
	}
	return NULL;
}

/*
 * A one-page hole for the flapper between two guard pages that stay
 * (PROT_NONE): no thread stack or other mapping grows into it unnoticed.
 */
static void *reserve_hole(long page)
{
	char *p = mmap(NULL, 3 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + page, page);
	return p + page;
}

/* Start @f flapping a page that shows @len bytes of @fill: 0 or -errno. */
static int flapper_start(struct flapper *f, long page, const void *fill, size_t len)
{
	int err;

	*f = (struct flapper){ .addr = reserve_hole(page), .page = page };
	if (!f->addr)
		return -ENOMEM;
	f->memfd = memfd_create("flapper", MFD_CLOEXEC);
	if (f->memfd < 0)
		return -errno;
	if (ftruncate(f->memfd, page) || pwrite(f->memfd, fill, len, 0) != (ssize_t)len) {
		err = errno ? -errno : -EIO;
		goto out_close;
	}
	err = -pthread_create(&f->thread, NULL, flap, f);
	if (!err)
		return 0;
out_close:
	close(f->memfd);
	return err;
}

static void flapper_stop(struct flapper *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->thread, NULL);
	close(f->memfd);
}

/**
 * struct tally - what the calls racing a flapper returned.
 * @ok: successes.
 * @efault: EFAULTs.
 * @other: anything else: each is a failure.
 * @first_other: the first of those, to log.
 */
struct tally {
	long ok, efault, other;
	int first_other;
};

static void tally_add(struct tally *t, int rc)
{
	if (!rc)
		t->ok++;
	else if (rc == -EFAULT)
		t->efault++;
	else if (!t->other++)
		t->first_other = rc;
}

#define FLAP_CALLS 3000

/* DM_OP whose buffer comes and goes: Xen's answer or EFAULT, nothing else. */
TEST_F_TIMEOUT(fault, dm_op_buffer_vanishes, 300)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf buf = { .size = sizeof(op) };
	struct tally t = { 0 };
	struct flapper f;

	ASSERT_EQ(0, flapper_start(&f, self->page, &op, sizeof(op)));
	buf.uptr = f.addr;
	for (int i = 0; i < FLAP_CALLS; i++)
		tally_add(&t, _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf));
	flapper_stop(&f);
	TH_LOG("%ld ok, %ld EFAULT, %ld page flips", t.ok, t.efault, atomic_load(&f.rounds));
	EXPECT_EQ(0, t.other) TH_LOG("first unexpected result: %s", strerror(-t.first_other));
	EXPECT_LT(0, t.ok);
	EXPECT_LT(0, t.efault);
	/* The file still works. */
	test_cmd_dmop_raw(self->fd, self->g.domid, XEN_DMOP_nr_vcpus, sizeof(struct xen_dm_op));
}

/* The buffer descriptors themselves vanish: Xen's answer or EFAULT. */
TEST_F_TIMEOUT(fault, dm_op_descriptors_vanish, 300)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf desc = { .uptr = &op, .size = sizeof(op) };
	struct tally t = { 0 };
	struct flapper f;

	ASSERT_EQ(0, flapper_start(&f, self->page, &desc, sizeof(desc)));
	for (int i = 0; i < FLAP_CALLS; i++) {
		int rc;

		op.op = XEN_DMOP_nr_vcpus;
		op.u.nr_vcpus.vcpus = 0;
		rc = _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, f.addr);
		/* Xen's answer came back through the descriptor it read. */
		if (!rc)
			EXPECT_EQ(1U, op.u.nr_vcpus.vcpus);
		tally_add(&t, rc);
	}
	flapper_stop(&f);
	TH_LOG("%ld ok, %ld EFAULT, %ld page flips", t.ok, t.efault, atomic_load(&f.rounds));
	EXPECT_EQ(0, t.other) TH_LOG("first unexpected result: %s", strerror(-t.first_other));
	EXPECT_LT(0, t.ok);
	EXPECT_LT(0, t.efault);
}

/*
 * MMAPBATCH_V2 whose frame list (and error array) come and go: each call
 * maps everything or fails EFAULT, and whatever got mapped is accounted
 * and torn down with the mapping.
 */
TEST_F_TIMEOUT(fault, mmapbatch_arrays_vanish, 300)
{
	struct tally t = { 0 };
	struct flapper f;
	uint64_t gfns[8];

	for (int i = 0; i < 8; i++)
		gfns[i] = 40 + i;
	ASSERT_EQ(0, flapper_start(&f, self->page, gfns, sizeof(gfns)));
	for (int i = 0; i < FLAP_CALLS / 3; i++) {
		unsigned char *a = privcmd_map_area(self->fd, 8);
		uint64_t *arr = f.addr;

		if (!a) {
			/* No room for the mapping: counted as a failure. */
			tally_add(&t, -ENOMEM);
			break;
		}
		/* Frames from the flapping page, errors into the same page. */
		tally_add(&t, _test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 8, arr,
						   (int *)(arr + 8)));
		munmap(a, 8 * self->page);
	}
	flapper_stop(&f);
	TH_LOG("%ld ok, %ld EFAULT", t.ok, t.efault);
	EXPECT_EQ(0, t.other) TH_LOG("first unexpected result: %s", strerror(-t.first_other));
	EXPECT_LT(0, t.efault);
	EXPECT_EQ(0, mapped_pages(self->fd, 0));
}

/* ---- Xen failing frames mid-batch ---- */

/*
 * A batch of 300 frames (many of the kernel's internal rounds of
 * hypercalls) where every third frame does not exist: each bad frame gets
 * its own errno, every good one is mapped and holds the guest's data.
 */
TEST_F(fault, mmapbatch_v2_bad_frames_mid_batch)
{
	enum { N = 300 };
	uint64_t gfns[N];
	int err[N];
	unsigned char *a = privcmd_map_area(self->fd, N), *b = privcmd_map_area(self->fd, 1);
	uint64_t gfn = 100;
	int e, good = 0;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, b, 1, &gfn, &e);
	for (int i = 0; i < N; i++) {
		gfns[i] = i % 3 == 1 ? BAD_GFN + i : 100ULL + i % 100;
		err[i] = 7;
	}
	for (int i = 0; i < self->page; i++)
		b[i] = (unsigned char)(i ^ 0x3c);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, N, gfns, err);
	for (int i = 0; i < N; i++) {
		if (i % 3 == 1) {
			EXPECT_EQ(-EINVAL, err[i]) TH_LOG("frame %d", i);
			continue;
		}
		EXPECT_EQ(0, err[i]) TH_LOG("frame %d", i);
		good++;
	}
	EXPECT_EQ(N - N / 3, good);
	EXPECT_TRUE(privcmd_read_sigbus(a + self->page));
	EXPECT_TRUE(privcmd_read_sigbus(a + (N - 2) * self->page));
	/* Frames 0 and 200 are gfn 100, like b. */
	EXPECT_EQ(b[9], a[9]);
	EXPECT_EQ(b[9], a[200 * self->page + 9]);
	EXPECT_EQ(1 + good, mapped_pages(self->fd, 1 + good));

	/* The holes are filled by a second call, one at a time. */
	for (int i = 1; i < N; i += 3) {
		gfn = 100;
		test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a + i * self->page, 1,
					      &gfn, &e);
		EXPECT_EQ(0, e);
	}
	EXPECT_EQ(b[11], a[(N - 2) * self->page + 11]);
	EXPECT_EQ(1 + N, mapped_pages(self->fd, 1 + N));
	munmap(a, N * self->page);
	munmap(b, self->page);
	EXPECT_EQ(0, mapped_pages(self->fd, 0));
}

/* ---- requests too large ---- */

/*
 * A frame count far beyond memory: ours fails ENOMEM before touching the
 * mapping (the arrays are charged to the caller and never wake the OOM
 * killer); the in-tree driver copies the list page by page until the
 * caller's array ends: EFAULT. Either way the mapping is still unused.
 */
TEST_F(fault, mmapbatch_huge_count)
{
	uint64_t gfns[2] = { 10, 11 };
	int err[2];
	unsigned char *a = privcmd_map_area(self->fd, 2);
	int rc;

	ASSERT_NE(NULL, a);
	rc = _test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 0x7fffffff, gfns, err);
	if (xen_env_ours()) {
		EXPECT_EQ(-ENOMEM, rc);
	} else {
		EXPECT_EQ(-EFAULT, rc);
		privcmd_diff("a huge MMAPBATCH_V2 count: in-tree EFAULT (copies until the "
			     "array ends), ours ENOMEM (accounted allocation)");
	}
	/* 200M frames: 1.6 GB of frame numbers, more than dom0 has. */
	rc = _test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 200u << 20, gfns, err);
	EXPECT_EQ(xen_env_ours() ? -ENOMEM : -EFAULT, rc);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, a, 2, gfns, err);
	EXPECT_EQ(2, mapped_pages(self->fd, 2));
	munmap(a, 2 * self->page);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
