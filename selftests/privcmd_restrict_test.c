// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL_PRIVCMD_RESTRICT: one-shot, per open file, shared by dup, fork and
 * SCM_RIGHTS; the matrix of every targeted ioctl against the restricted
 * domain, another real guest and dom0, before and after; the hardening
 * over upstream (reserved domids, the zero-buffer probe, concurrent
 * restricts) with a "# DIFF:" line where the in-tree driver differs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

static long version(int fd)
{
	return _test_cmd_privcmd_hypercall(fd, __HYPERVISOR_xen_version, XENVER_version,
					   0, 0, 0, 0);
}

static int dmop(int fd, unsigned int dom)
{
	uint32_t vcpus = 0;
	int rc = _test_cmd_dmop_nr_vcpus(fd, dom, &vcpus);

	return rc ? rc : (vcpus == 1 ? 0 : -EBADMSG);
}

/* Map guest frame 0 with each of the mapping ioctls: result or -errno. */
static int map_batch_v2(int fd, unsigned int dom)
{
	uint64_t gfn = 0;
	int err = 1, rc;
	void *p = privcmd_map_area(fd, 1);

	if (!p)
		return -ENOMEM;
	rc = _test_cmd_privcmd_mmapbatch_v2(fd, dom, p, 1, &gfn, &err);
	if (!rc && err)
		rc = err;
	munmap(p, getpagesize());
	return rc;
}

static int map_batch_v1(int fd, unsigned int dom)
{
	uint64_t gfn = 0;
	int rc;
	void *p = privcmd_map_area(fd, 1);

	if (!p)
		return -ENOMEM;
	rc = _test_cmd_privcmd_mmapbatch(fd, dom, p, 1, &gfn);
	if (!rc && gfn)
		rc = -EBADMSG;	/* an error flag was or'ed in */
	munmap(p, getpagesize());
	return rc;
}

static int map_v0(int fd, unsigned int dom)
{
	struct privcmd_mmap_entry e = { .mfn = 0, .npages = 1 };
	void *p = privcmd_map_area(fd, 1);
	int rc;

	if (!p)
		return -ENOMEM;
	e.va = (uintptr_t)p;
	rc = _test_cmd_privcmd_mmap(fd, dom, &e, 1);
	munmap(p, getpagesize());
	return rc;
}

/* Size query of the guest's grant table: a hypercall, no mapping. */
static int resource_size(int fd, unsigned int dom)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared,
	};
	int rc = _test_cmd_privcmd_mmap_resource(fd, &r);

	return rc ? rc : (r.num ? 0 : -EBADMSG);
}

static int resource_map(int fd, unsigned int dom)
{
	struct privcmd_mmap_resource r = {
		.dom = dom, .type = XENMEM_resource_grant_table,
		.id = XENMEM_resource_grant_table_id_shared, .num = 1,
	};
	void *p = privcmd_map_area(fd, 1);
	int rc;

	if (!p)
		return -ENOMEM;
	r.addr = (uintptr_t)p;
	rc = _test_cmd_privcmd_mmap_resource(fd, &r);
	munmap(p, getpagesize());
	return rc;
}

static const struct targeted {
	const char *name;
	int (*call)(int fd, unsigned int dom);
} targeted[] = {
	{ "DM_OP", dmop },
	{ "MMAPBATCH_V2", map_batch_v2 },
	{ "MMAPBATCH", map_batch_v1 },
	{ "MMAP", map_v0 },
	{ "MMAP_RESOURCE(size)", resource_size },
	{ "MMAP_RESOURCE(map)", resource_map },
};

#define NR_TARGETED (sizeof(targeted) / sizeof(targeted[0]))

FIXTURE(restrict) {
	int fd;
	struct xen_guest g, other;
};

FIXTURE_SETUP(restrict)
{
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g, &self->other });
}

FIXTURE_TEARDOWN(restrict)
{
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g, &self->other });
}

/* MMAP does not exist on an auto-translated dom0: its row answers that, always. */
static bool absent_here(struct __test_metadata *_metadata, const struct targeted *t, int fd,
			unsigned int dom)
{
	if (t->call != map_v0 || !xen_env_auto_translated())
		return false;
	EXPECT_EQ(xen_env_ours() ? -EOPNOTSUPP : -ENOSYS, t->call(fd, dom)) TH_LOG("%s", t->name);
	return true;
}

/* Every targeted ioctl x {same, other guest, dom0, no such domain}, before and after. */
TEST_F(restrict, matrix)
{
	for (unsigned int i = 0; i < NR_TARGETED; i++) {
		const struct targeted *t = &targeted[i];

		if (absent_here(_metadata, t, self->fd, self->g.domid))
			continue;
		EXPECT_EQ(0, t->call(self->fd, self->g.domid)) TH_LOG("%s same, before", t->name);
		EXPECT_EQ(0, t->call(self->fd, self->other.domid)) TH_LOG("%s other, before", t->name);
		/* Unrestricted, a missing domain is Xen's answer, never EPERM. */
		EXPECT_NE(-EPERM, t->call(self->fd, PC_DOMID_NONE)) TH_LOG("%s none, before", t->name);
	}
	EXPECT_EQ(-EPERM, dmop(self->fd, 0)) TH_LOG("DM_OP dom0 before: Xen's EPERM");
	EXPECT_EQ(4 << 16 | 17, version(self->fd));

	test_cmd_privcmd_restrict(self->fd, self->g.domid);

	EXPECT_EQ(-EPERM, version(self->fd)) TH_LOG("HYPERCALL after restrict");
	for (unsigned int i = 0; i < NR_TARGETED; i++) {
		const struct targeted *t = &targeted[i];

		if (absent_here(_metadata, t, self->fd, self->other.domid))
			continue;
		EXPECT_EQ(0, t->call(self->fd, self->g.domid)) TH_LOG("%s same, after", t->name);
		EXPECT_EQ(-EPERM, t->call(self->fd, self->other.domid)) TH_LOG("%s other, after", t->name);
		EXPECT_EQ(-EPERM, t->call(self->fd, 0)) TH_LOG("%s dom0, after", t->name);
		/* EPERM, not Xen's ESRCH: refused before any hypercall. */
		EXPECT_EQ(-EPERM, t->call(self->fd, PC_DOMID_NONE)) TH_LOG("%s none, after", t->name);
	}
}

TEST_F(restrict, same_domain_again_ok_other_einval)
{
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_err_privcmd_restrict(EINVAL, self->fd, self->other.domid);
	test_err_privcmd_restrict(EINVAL, self->fd, 0);
	test_err_privcmd_restrict(EINVAL, self->fd, PC_DOMID_INVALID);
	/* Nothing lifted it. */
	EXPECT_EQ(-EPERM, dmop(self->fd, self->other.domid));
	EXPECT_EQ(0, dmop(self->fd, self->g.domid));
}

TEST_F(restrict, bad_pointer_efault)
{
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_RESTRICT, NULL);
	EXPECT_EQ(4 << 16 | 17, version(self->fd));
}

/* The restriction belongs to the open file, not the process or the driver. */
TEST_F(restrict, other_files_unaffected)
{
	int fd2 = privcmd_open();

	ASSERT_LE(0, fd2);
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	EXPECT_EQ(4 << 16 | 17, version(fd2));
	EXPECT_EQ(0, dmop(fd2, self->other.domid));
	test_cmd_privcmd_restrict(fd2, self->other.domid);
	EXPECT_EQ(0, dmop(self->fd, self->g.domid));
	EXPECT_EQ(-EPERM, dmop(self->fd, self->other.domid));
	close(fd2);
}

TEST_F(restrict, dup_shares_it)
{
	int fd2 = dup(self->fd);

	ASSERT_LE(0, fd2);
	test_cmd_privcmd_restrict(fd2, self->g.domid);
	EXPECT_EQ(-EPERM, version(self->fd));
	EXPECT_EQ(-EPERM, dmop(self->fd, self->other.domid));
	test_err_privcmd_restrict(EINVAL, self->fd, self->other.domid);
	close(fd2);
	EXPECT_EQ(-EPERM, version(self->fd));
}

/* A child restricting the inherited file restricts the parent's too. */
TEST_F(restrict, fork_shares_it)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(_test_cmd_privcmd_restrict(self->fd, self->g.domid) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(-EPERM, version(self->fd));
	test_err_privcmd_restrict(EINVAL, self->fd, self->other.domid);

	/* And a child of a restricted parent cannot escape it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(version(self->fd) == -EPERM &&
		      _test_cmd_privcmd_restrict(self->fd, self->other.domid) == -EINVAL &&
		      dmop(self->fd, self->other.domid) == -EPERM ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int send_fd(int sock, int fd)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

TEST_F(restrict, scm_rights_shares_it)
{
	int sv[2], fd2;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	ASSERT_EQ(0, send_fd(sv[0], self->fd));
	fd2 = recv_fd(sv[1]);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-EPERM, version(fd2));
	EXPECT_EQ(-EPERM, dmop(fd2, self->other.domid));
	EXPECT_EQ(0, dmop(fd2, self->g.domid));
	test_err_privcmd_restrict(EINVAL, fd2, self->other.domid);
	close(fd2);

	/* The receiver restricting an unrestricted file restricts the sender's. */
	close(self->fd);
	self->fd = privcmd_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, send_fd(sv[0], self->fd));
	fd2 = recv_fd(sv[1]);
	ASSERT_LE(0, fd2);
	test_cmd_privcmd_restrict(fd2, self->other.domid);
	EXPECT_EQ(-EPERM, dmop(self->fd, self->g.domid));
	close(fd2);
	close(sv[0]);
	close(sv[1]);
}

/* ---- hardening over upstream ---- */

TEST_F(restrict, reserved_domids_einval)
{
	static const unsigned int reserved[] = {
		PC_DOMID_INVALID, PC_DOMID_SELF, PC_DOMID_IO, PC_DOMID_IDLE, 0x7FF5, 0xFFFF,
	};

	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		int fd = privcmd_open();
		int rc;

		ASSERT_LE(0, fd);
		rc = _test_cmd_privcmd_restrict(fd, reserved[i]);
		if (xen_env_ours()) {
			EXPECT_EQ(-EINVAL, rc) TH_LOG("domid 0x%x", reserved[i]);
			/* Still unrestricted: the refusal changed nothing. */
			EXPECT_EQ(4 << 16 | 17, version(fd));
			EXPECT_EQ(0, _test_cmd_privcmd_restrict(fd, self->g.domid));
		} else {
			EXPECT_EQ(0, rc) TH_LOG("domid 0x%x", reserved[i]);
			privcmd_diff("RESTRICT to reserved domid 0x%x: in-tree 0 (%s), xen-dmop -EINVAL",
			       reserved[i], version(fd) == -EPERM ? "file now acts on nothing" :
			       "file silently left unrestricted");
		}
		close(fd);
	}
}

TEST_F(restrict, zero_buffer_probe_on_restricted_file)
{
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 0, NULL);
	if (xen_env_ours()) {
		test_cmd_privcmd_dm_op(self->fd, PC_DOMID_INVALID, 0, NULL);
	} else {
		test_err_privcmd_dm_op(EPERM, self->fd, PC_DOMID_INVALID, 0, NULL);
		privcmd_diff("DM_OP num=0 probe (dom=DOMID_INVALID) on a restricted file: in-tree -EPERM, xen-dmop 0");
	}
}

#define RACE_THREADS 16
#define RACE_ROUNDS 64

struct racer {
	pthread_barrier_t *start;
	int fd;
	unsigned int domid;
	int rc;
};

static void *race_restrict(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	r->rc = _test_cmd_privcmd_restrict(r->fd, r->domid);
	return NULL;
}

/*
 * Many threads restrict one fresh file at once, half of them to the same
 * domid: exactly one domid wins, everyone who asked for it gets 0, every
 * other caller EINVAL, and the file then behaves as restricted to it.
 */
FIXTURE(race) {
	int unused;
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

/* Thread creation under TCG is slow: allow more than the default 30 s. */
TEST_F_TIMEOUT(race, concurrent_restricts_one_winner, 300)
{
	unsigned int torn = 0;

	for (int round = 0; round < RACE_ROUNDS; round++) {
		struct racer r[RACE_THREADS];
		pthread_t th[RACE_THREADS];
		pthread_barrier_t start;
		unsigned int winner = 0, nwin_dom = 0, winners = 0;
		int fd = privcmd_open();

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, pthread_barrier_init(&start, NULL, RACE_THREADS));
		for (int i = 0; i < RACE_THREADS; i++) {
			r[i] = (struct racer){ .start = &start, .fd = fd,
					       .domid = i % 2 ? 100 : 200 + i };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, race_restrict, &r[i]));
		}
		for (int i = 0; i < RACE_THREADS; i++)
			pthread_join(th[i], NULL);
		pthread_barrier_destroy(&start);

		for (int i = 0; i < RACE_THREADS; i++) {
			if (r[i].rc)
				continue;
			if (!winners++ || winner == r[i].domid) {
				winner = r[i].domid;
				continue;
			}
			nwin_dom++;	/* a second domid also "won" */
		}
		ASSERT_LE(1U, winners);
		if (xen_env_ours()) {
			ASSERT_EQ(0U, nwin_dom) TH_LOG("round %d: two domids won", round);
			for (int i = 0; i < RACE_THREADS; i++) {
				EXPECT_EQ(r[i].domid == winner ? 0 : -EINVAL, r[i].rc);
			}
		} else {
			torn += nwin_dom ? 1 : 0;
		}
		/* Whatever happened, the file now has exactly one restriction. */
		winner = 0;
		for (unsigned int d = 100; d < 200 + RACE_THREADS; d++) {
			if (d > 100 && d < 200)
				continue;
			if (!_test_cmd_privcmd_restrict(fd, d)) {
				EXPECT_EQ(0U, winner) TH_LOG("restricted to %u and %u", winner, d);
				winner = d;
			}
		}
		EXPECT_NE(0U, winner);
		EXPECT_EQ(-EPERM, version(fd));
		close(fd);
	}
	if (torn)
		privcmd_diff("concurrent RESTRICT: in-tree let several domids win in %u/%d rounds, xen-dmop exactly one",
		       torn, RACE_ROUNDS);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
