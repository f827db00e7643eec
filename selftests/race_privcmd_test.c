// SPDX-License-Identifier: GPL-2.0
/*
 * Races on one /dev/xen/privcmd file, against two real HVM guests: threads
 * issuing DMOPs and mappings to both while another thread restricts the
 * file to one; close and munmap racing calls in flight; processes killed
 * in the middle of calls. After each: no call that started after the
 * restriction reached the other guest (and, on our driver, the
 * privcmd_dm_op tracepoint names no other domain after the privcmd_restrict
 * tracepoint), the counters add up, and nothing hangs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/audit_util.h"
#include "lib/fixture.h"
#include "lib/stall.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

FIXTURE(race) {
	int fd;
	long page;
	struct xen_guest a, b;
	struct audit_trace t;
	bool tracing;
};

FIXTURE_SETUP(race)
{
	self->page = getpagesize();
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->a, &self->b });
}

FIXTURE_TEARDOWN(race)
{
	if (self->tracing)
		audit_trace_stop(&self->t);
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->a, &self->b });
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- restrict while other threads issue calls ---- */

enum { WORK_DM_OP, WORK_MAP, WORK_RESOURCE };

/**
 * struct restrict_race - what the threads of one restrict race share.
 * @fd: the file.
 * @page: page size.
 * @dom: the two guests; the file gets restricted to @dom[0].
 * @restricted: set once IOCTL_PRIVCMD_RESTRICT has returned.
 * @stop: set to end the workers.
 * @calls: calls made, over all workers.
 * @late_ok_other: calls to @dom[1] started after @restricted that succeeded.
 * @late_bad_target: calls to @dom[0] started after @restricted that failed.
 * @late_denied: calls to @dom[1] started after @restricted refused EPERM.
 * @denied: every EPERM (a call that started before may be refused too).
 * @early_other: successful calls to @dom[1] started before @restricted.
 * @unexpected: results no interleaving explains.
 */
struct restrict_race {
	int fd;
	long page;
	unsigned int dom[2];
	atomic_bool restricted;
	atomic_bool stop;
	atomic_long calls;
	atomic_long late_ok_other;
	atomic_long late_bad_target;
	atomic_long late_denied;
	atomic_long denied;
	atomic_long early_other;
	atomic_long unexpected;
};

struct restrict_worker {
	struct restrict_race *r;
	int kind;
};

/* One call of @kind to @dom: 0, or -errno. */
static int restrict_call(struct restrict_race *r, int kind, unsigned int dom)
{
	uint64_t gfn = 20;
	uint32_t vcpus;
	void *area;
	int rc, err;

	switch (kind) {
	case WORK_DM_OP:
		return _test_cmd_dmop_nr_vcpus(r->fd, dom, &vcpus);
	case WORK_MAP:
		area = privcmd_map_area(r->fd, 1);
		if (!area)
			return -ENOMEM;
		rc = _test_cmd_privcmd_mmapbatch_v2(r->fd, dom, area, 1, &gfn, &err);
		if (!rc && err)
			rc = err;
		munmap(area, r->page);
		return rc;
	default: {
		/* The size query of a guest's grant table: one hypercall on @dom. */
		struct privcmd_mmap_resource q = { .dom = dom,
						   .type = XENMEM_resource_grant_table };

		return _test_cmd_privcmd_mmap_resource(r->fd, &q);
	}
	}
}

static void *restrict_worker(void *arg)
{
	struct restrict_worker *w = arg;
	struct restrict_race *r = w->r;

	for (unsigned long i = 0; !atomic_load(&r->stop); i++) {
		unsigned int which = i & 1;
		bool late = atomic_load(&r->restricted);
		int rc = restrict_call(r, w->kind, r->dom[which]);

		atomic_fetch_add(&r->calls, 1);
		if (rc == -EPERM)
			atomic_fetch_add(&r->denied, 1);
		if (rc && rc != -EPERM)
			atomic_fetch_add(&r->unexpected, 1);
		else if (!which && rc)	/* the target is never refused */
			atomic_fetch_add(late ? &r->late_bad_target : &r->unexpected, 1);
		else if (which && late)
			atomic_fetch_add(rc ? &r->late_denied : &r->late_ok_other, 1);
		else if (which && !rc)
			atomic_fetch_add(&r->early_other, 1);
		/* else: started before RESTRICT returned, refused: either is right */
	}
	return NULL;
}

/* Wait until the workers made @n more calls, at most 20 s. */
static bool wait_calls(struct restrict_race *r, long n)
{
	long want = atomic_load(&r->calls) + n;

	for (int i = 0; i < 20000 && atomic_load(&r->calls) < want; i++)
		sleep_ms(1);
	return atomic_load(&r->calls) >= want;
}

/* A tracefs instance on xen_privcmd with the global clock: CPUs agree on order. */
static bool trace_start(struct __test_metadata *_metadata, FIXTURE_DATA(race) *self)
{
	char path[256];
	int fd;

	if (!xen_env_ours())
		return false;
	ASSERT_EQ(0, audit_trace_start(&self->t, "xen_privcmd"));
	self->tracing = true;
	snprintf(path, sizeof(path), "%s/trace_clock", self->t.dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	EXPECT_LE(0, fd);
	if (fd >= 0) {
		EXPECT_EQ(6, write(fd, "global", 6));
		close(fd);
	}
	return true;
}

/*
 * In trace @text, how many privcmd_dm_op events name @other after the first
 * privcmd_restrict event (and, through @before, how many did before it).
 */
static int dm_ops_after_restrict(const char *text, unsigned int other, int *before,
				 bool *seen_restrict)
{
	char want[48];
	int after = 0;

	snprintf(want, sizeof(want), " privcmd_dm_op: domid=%u ", other);
	*before = 0;
	*seen_restrict = false;
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');

		if (line[0] != '#') {
			const char *r = strstr(line, " privcmd_restrict: ");
			const char *d = strstr(line, want);

			if (r && (!end || r < end))
				*seen_restrict = true;
			else if (d && (!end || d < end))
				*seen_restrict ? after++ : (*before)++;
		}
		line = end ? end + 1 : NULL;
	}
	return after;
}

static void restrict_race_run(struct __test_metadata *_metadata, FIXTURE_DATA(race) *self,
			      const int *kinds, int nr)
{
	struct restrict_race r = {
		.fd = self->fd, .page = self->page, .dom = { self->a.domid, self->b.domid },
	};
	struct restrict_worker w[8];
	pthread_t t[8];
	bool tracing = trace_start(_metadata, self);
	struct privcmd_audit_query q;
	int before, after;
	bool seen;
	char *text;

	for (int i = 0; i < nr; i++) {
		w[i] = (struct restrict_worker){ .r = &r, .kind = kinds[i] };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, restrict_worker, &w[i]));
	}
	EXPECT_TRUE(wait_calls(&r, 60));
	test_cmd_privcmd_restrict(self->fd, self->a.domid);
	atomic_store(&r.restricted, true);
	EXPECT_TRUE(wait_calls(&r, 60));
	atomic_store(&r.stop, true);
	for (int i = 0; i < nr; i++)
		pthread_join(t[i], NULL);

	TH_LOG("%ld calls; to the other guest: %ld before, %ld refused after",
	       atomic_load(&r.calls), atomic_load(&r.early_other), atomic_load(&r.late_denied));
	EXPECT_EQ(0, atomic_load(&r.unexpected));
	EXPECT_EQ(0, atomic_load(&r.late_ok_other));
	EXPECT_EQ(0, atomic_load(&r.late_bad_target));
	EXPECT_LT(0, atomic_load(&r.early_other));
	EXPECT_LT(0, atomic_load(&r.late_denied));
	if (!tracing) {
		privcmd_diff("in-tree IOCTL_PRIVCMD_RESTRICT returns while calls that started "
			     "unrestricted may still reach other domains; ours waits for them");
		return;
	}
	/* Every refusal is counted. */
	test_cmd_privcmd_audit_query(self->fd, &q);
	EXPECT_EQ((uint64_t)atomic_load(&r.denied), q.denied[PRIVCMD_DENIED_DOMID]);
	text = audit_trace_read(&self->t);
	ASSERT_NE(NULL, text);
	after = dm_ops_after_restrict(text, self->b.domid, &before, &seen);
	EXPECT_TRUE(seen);
	EXPECT_EQ(0, after) TH_LOG("privcmd_dm_op events for domain %u after privcmd_restrict",
				   self->b.domid);
	for (int i = 0; i < nr; i++) {
		if (kinds[i] == WORK_DM_OP) {
			EXPECT_LT(0, before);
			break;
		}
	}
	free(text);
}

TEST_F(race, restrict_vs_dm_ops)
{
	static const int kinds[] = { WORK_DM_OP, WORK_DM_OP, WORK_DM_OP, WORK_DM_OP };

	restrict_race_run(_metadata, self, kinds, 4);
}

TEST_F(race, restrict_vs_dm_ops_and_mappings)
{
	static const int kinds[] = { WORK_DM_OP, WORK_MAP, WORK_RESOURCE, WORK_DM_OP, WORK_MAP };

	restrict_race_run(_metadata, self, kinds, 5);
}

/* ---- a restrict while an unrestricted call is stalled mid-way ---- */

/*
 * A raw hypercall that began on the unrestricted file stalls on its
 * argument's page (userfaultfd: it is counted in flight, ours reads the
 * argument after counting). A restrict from another thread does not return
 * until that call has ended; the call completes unrestricted, as it began;
 * the next one is refused.
 */
TEST_F(race, restrict_waits_for_call_in_flight)
{
	/* xen_version(XENVER_version), harmless anywhere. */
	struct privcmd_hypercall arg = { .op = __HYPERVISOR_xen_version };
	struct stalled_ioctl call = { .fd = self->fd, .cmd = IOCTL_PRIVCMD_HYPERCALL };
	struct stalled_ioctl res = { .fd = self->fd, .cmd = IOCTL_PRIVCMD_RESTRICT };
	uint16_t dom = self->a.domid;
	struct stalled_page page;
	pthread_t tc, tr;

	ASSERT_EQ(0, stalled_page_open(&page));
	call.arg = page.addr;
	ASSERT_EQ(0, pthread_create(&tc, NULL, stalled_ioctl_run, &call));
	/* The call's copy of its argument faulted: it waits for us. */
	ASSERT_EQ(0, stalled_page_wait_touch(&page));

	res.arg = &dom;
	ASSERT_EQ(0, pthread_create(&tr, NULL, stalled_ioctl_run, &res));
	sleep_ms(500);
	if (xen_env_ours()) {
		EXPECT_FALSE(atomic_load(&res.done)) TH_LOG("restrict returned during the call");
	} else if (atomic_load(&res.done)) {
		privcmd_diff("in-tree IOCTL_PRIVCMD_RESTRICT returns while a call that began "
			     "unrestricted is still running");
	}

	ASSERT_EQ(0, stalled_page_fill(&page, &arg, sizeof(arg)));
	pthread_join(tc, NULL);
	pthread_join(tr, NULL);
	EXPECT_EQ(0, res.rc) TH_LOG("restrict: %s", strerror((int)-res.rc));
	if (xen_env_ours()) {
		EXPECT_EQ(4, call.rc >> 16) TH_LOG("xen_version: %ld", call.rc);
	}
	test_err_privcmd_hypercall(EPERM, self->fd, __HYPERVISOR_xen_version, 0, 0, 0, 0, 0);
	stalled_page_close(&page);
}

/* Many restricts at once, to the same domain and another: one domain wins. */
TEST_F(race, concurrent_restricts_one_winner)
{
	for (int round = 0; round < 20; round++) {
		int fd = privcmd_open(), ok[2] = { 0, 0 }, status;
		pid_t pids[6];

		ASSERT_LE(0, fd);
		for (int i = 0; i < 6; i++) {
			pids[i] = fork();
			ASSERT_LE(0, pids[i]);
			if (!pids[i]) {
				unsigned int dom = i & 1 ? self->b.domid : self->a.domid;

				_exit(_test_cmd_privcmd_restrict(fd, dom) ? 1 : 0);
			}
		}
		for (int i = 0; i < 6; i++) {
			ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
			ASSERT_TRUE(WIFEXITED(status));
			ok[i & 1] += !WEXITSTATUS(status);
		}
		/* All of one side succeeded, none of the other. */
		if (xen_env_ours()) {
			EXPECT_TRUE((ok[0] == 3 && ok[1] == 0) || (ok[0] == 0 && ok[1] == 3))
				TH_LOG("round %d: %d and %d", round, ok[0], ok[1]);
		} else {
			EXPECT_LE(3, ok[0] + ok[1]);
		}
		close(fd);
	}
	if (!xen_env_ours())
		privcmd_diff("in-tree IOCTL_PRIVCMD_RESTRICT checks and sets the domain without "
			     "atomicity (two racing callers may both succeed); ours uses cmpxchg");
}

/* ---- close and munmap racing calls in flight ---- */

struct close_race {
	int fd;
	long page;
	unsigned int dom;
	atomic_long unexpected;
	atomic_long ebadf;
};

static void *close_worker(void *arg)
{
	struct close_race *c = arg;
	uint64_t gfns[32];
	int err[32];

	for (int i = 0; i < 32; i++)
		gfns[i] = 64 + i;
	for (unsigned long i = 0;; i++) {
		uint32_t vcpus;
		void *area = NULL;
		int rc;

		if (i & 1) {
			rc = _test_cmd_dmop_nr_vcpus(c->fd, c->dom, &vcpus);
		} else {
			area = mmap(NULL, 32 * c->page, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
			if (area == MAP_FAILED) {
				rc = -errno;
				area = NULL;
			} else {
				rc = _test_cmd_privcmd_mmapbatch_v2(c->fd, c->dom, area, 32, gfns,
								    err);
			}
		}
		if (area)
			munmap(area, 32 * c->page);
		if (rc == -EBADF) {
			atomic_fetch_add(&c->ebadf, 1);
			return NULL;
		}
		if (rc)
			atomic_fetch_add(&c->unexpected, 1);
	}
}

/* close() while calls run on the file: they finish, later ones get EBADF. */
TEST_F(race, close_during_calls)
{
	for (int round = 0; round < 10; round++) {
		struct close_race c = { .page = self->page, .dom = self->a.domid };
		pthread_t t[4];

		c.fd = privcmd_open();
		ASSERT_LE(0, c.fd);
		for (int i = 0; i < 4; i++)
			ASSERT_EQ(0, pthread_create(&t[i], NULL, close_worker, &c));
		sleep_ms(5 + round * 3);
		ASSERT_EQ(0, close(c.fd));
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		EXPECT_EQ(0, atomic_load(&c.unexpected));
		EXPECT_EQ(4, atomic_load(&c.ebadf));
	}
	/* The guest is still fine to use. */
	{
		uint32_t vcpus = 0;

		EXPECT_EQ(0, _test_cmd_dmop_nr_vcpus(self->fd, self->a.domid, &vcpus));
		EXPECT_EQ(1U, vcpus);
	}
}

struct unmap_race {
	int fd;
	long page;
	unsigned int dom;
	void *_Atomic area;
	atomic_bool stop;
	atomic_long ok, einval, unexpected;
};

#define UNMAP_PAGES 64

static void *unmap_filler(void *arg)
{
	struct unmap_race *u = arg;
	uint64_t gfns[UNMAP_PAGES];
	int err[UNMAP_PAGES];

	for (int i = 0; i < UNMAP_PAGES; i++)
		gfns[i] = 100 + i;
	while (!atomic_load(&u->stop)) {
		int rc = _test_cmd_privcmd_mmapbatch_v2(u->fd, u->dom, atomic_load(&u->area),
							UNMAP_PAGES, gfns, err);

		/* EINVAL: gone, not ours any more, or already filled. */
		if (!rc)
			atomic_fetch_add(&u->ok, 1);
		else if (rc == -EINVAL)
			atomic_fetch_add(&u->einval, 1);
		else
			atomic_fetch_add(&u->unexpected, 1);
	}
	return NULL;
}

/* munmap() of the mapping a batch is filling, and a new one in its place. */
TEST_F(race, munmap_during_mmapbatch)
{
	struct unmap_race u = { .fd = self->fd, .page = self->page, .dom = self->a.domid };
	pthread_t t[2];

	atomic_store(&u.area, privcmd_map_area(self->fd, UNMAP_PAGES));
	ASSERT_NE(NULL, atomic_load(&u.area));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, unmap_filler, &u));
	for (int i = 0; i < 400; i++) {
		void *old = atomic_load(&u.area);
		void *fresh = privcmd_map_area(self->fd, UNMAP_PAGES);

		ASSERT_NE(NULL, fresh);
		atomic_store(&u.area, fresh);
		munmap(old, UNMAP_PAGES * self->page);
		if (i % 50 == 0)
			sleep_ms(1);
	}
	atomic_store(&u.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	TH_LOG("%ld filled, %ld EINVAL", atomic_load(&u.ok), atomic_load(&u.einval));
	EXPECT_EQ(0, atomic_load(&u.unexpected));
	EXPECT_LT(0, atomic_load(&u.ok));
	munmap(atomic_load(&u.area), UNMAP_PAGES * self->page);
	if (xen_env_ours()) {
		EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	}
}

/* ---- processes killed in the middle of calls ---- */

static void *busy_worker(void *arg)
{
	int *cfg = arg;	/* fd, dom */
	uint64_t gfns[128];
	int err[128];

	for (int i = 0; i < 128; i++)
		gfns[i] = 100 + i;
	for (unsigned long i = 0;; i++) {
		uint32_t vcpus;

		if (i & 1) {
			_test_cmd_dmop_nr_vcpus(cfg[0], cfg[1], &vcpus);
		} else {
			void *a = privcmd_map_area(cfg[0], 128);

			/* Mapped and left mapped: the kill tears it down. */
			if (a)
				_test_cmd_privcmd_mmapbatch_v2(cfg[0], cfg[1], a, 128, gfns, err);
		}
	}
	return NULL;
}

/*
 * Children sharing the file (fork) map and issue DMOPs from four threads,
 * and restrict a file of their own, and are killed at some point of it:
 * afterwards the shared file holds no mapped frames, still works, and the
 * guest is destroyed completely (a leaked foreign mapping would keep it).
 */
TEST_F(race, killed_mid_call)
{
	for (int round = 0; round < 12; round++) {
		int status;
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			static int shared[2], own[2];
			pthread_t t;

			shared[0] = self->fd;
			shared[1] = self->a.domid;
			own[0] = privcmd_open();
			own[1] = self->a.domid;
			for (int i = 0; i < 4; i++)
				pthread_create(&t, NULL, busy_worker, shared);
			if (own[0] >= 0) {
				pthread_create(&t, NULL, busy_worker, own);
				sleep_ms(round);
				_test_cmd_privcmd_restrict(own[0], self->a.domid);
			}
			for (;;)
				pause();
		}
		sleep_ms(10 + 7 * round);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
	if (xen_env_ours()) {
		EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.mapped_pages"));
	}
	{
		uint32_t vcpus = 0;

		EXPECT_EQ(0, _test_cmd_dmop_nr_vcpus(self->fd, self->a.domid, &vcpus));
		EXPECT_EQ(1U, vcpus);
	}
	/* No foreign mapping is left to keep the guest alive as a zombie. */
	{
		uint32_t dom = self->a.domid;

		ASSERT_EQ(0, xen_guest_destroy(&self->a));
		for (int i = 0; i < 300 && xen_domain_exists(dom); i++)
			sleep_ms(10);
		EXPECT_FALSE(xen_domain_exists(dom));
	}
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
