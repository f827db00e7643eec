// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL_PRIVCMD_IOEVENTFD against a real HVM guest and a real ioreq server:
 * upstream's checks and errnos in upstream's order, ours after them (the
 * page must be the server's, mapped by MMAP_RESOURCE; the ports must be the
 * guest's, bound by /dev/xen/evtchn), the restriction before anything, and
 * every order of teardown (deassign, evtchn unbind, file close, munmap,
 * the guest's destruction) with nothing left behind: the debugfs live
 * count, the ports in Xen, the dying guest's memory.
 *
 * That a guest's notify write is completed in the kernel needs a guest
 * that runs: the e2e run's vionotify guest proves it.
 *
 * The in-tree driver: 6.1 has no such ioctl (ENOTTY); Debian's 6.12 is
 * built without CONFIG_XEN_PRIVCMD_EVENTFD (EOPNOTSUPP to everything).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, EVTCHN_NODE, NULL };


static long long live_ioeventfds(void)
{
	return live_value("xen_privcmd", "ioeventfds");
}

FIXTURE(ioeventfd) {
	int fd;
	int evfd;
	int efd, efd2;
	struct xen_guest g, g2;
	uint16_t id;
	uint8_t *area;		/* the server's frame 1, its ioreq page */
	uint32_t port;		/* our end of vCPU 0's channel */
	bool ours;
	long long live0;
	struct privcmd_ioeventfd a;
};

FIXTURE_SETUP(ioeventfd)
{
	self->ours = xen_env_ours();
	self->efd = eventfd(0, EFD_CLOEXEC);
	self->efd2 = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->efd) TH_LOG("eventfd: %s", strerror(errno));
	ASSERT_LE(0, self->efd2) TH_LOG("eventfd: %s", strerror(errno));
	test_fixture_setup(.privcmd = &self->fd, .evtchn = { &self->evfd },
			   .guests = { &self->g, &self->g2 });
	self->live0 = self->ours ? live_ioeventfds() : 0;
	ASSERT_LE(0, self->live0) TH_LOG("debugfs xen_privcmd/live ioeventfds: %s",
					  strerror((int)-self->live0));
}

FIXTURE_TEARDOWN(ioeventfd)
{
	close(self->efd);
	close(self->efd2);
	if (self->area)
		munmap(self->area, getpagesize());
	test_fixture_teardown(.privcmd = &self->fd, .evtchn = { &self->evfd },
			      .guests = { &self->g, &self->g2 });
	if (self->ours)
		EXPECT_EQ(self->live0, live_ioeventfds());
}

/*
 * What a backend does before IOEVENTFD: an ioreq server for the guest, its
 * pages mapped, enabled (Xen then writes each vCPU's channel in the page),
 * vCPU 0's channel bound. Leaves a valid request in self->a.
 */
#define SETUP_IOREQ_SERVER() do {						\
	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &self->id); \
	test_cmd_ioreq_server_attach(self->fd, self->evfd, self->g.domid,	\
				     self->id, &self->area, &self->port);	\
	self->a = (struct privcmd_ioeventfd){					\
		.ioreq = (uintptr_t)self->area,					\
		.ports = (uintptr_t)&self->port, .addr = 0xfe000000ULL,		\
		.addr_len = 4, .event_fd = self->efd, .vcpus = 1, .vq = 0,	\
		.dom = self->g.domid,						\
	};									\
} while (0)

/* The in-tree driver: assert its answer, say so, and end the test. */
#define UPSTREAM_OR_RETURN()							\
	do {									\
		long _rc;							\
										\
		if (self->ours)							\
			break;							\
		_rc = _test_cmd_privcmd_ioeventfd(self->fd, &self->a);		\
		EXPECT_TRUE(_rc == -ENOTTY || _rc == -EOPNOTSUPP)		\
			TH_LOG("in-tree IOCTL_PRIVCMD_IOEVENTFD: %ld", _rc);	\
		privcmd_diff("in-tree privcmd has no IOEVENTFD (%s)",		\
			     _rc == -ENOTTY ? "ENOTTY" : "EOPNOTSUPP");	\
		return;								\
	} while (0)

/* Assign @b, then deassign it: both succeed. */
#define ASSIGN_DEASSIGN(b) do {							\
	struct privcmd_ioeventfd _d = (b);					\
										\
	test_cmd_privcmd_ioeventfd(self->fd, &_d);				\
	_d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;				\
	test_cmd_privcmd_ioeventfd(self->fd, &_d);				\
} while (0)

TEST_F(ioeventfd, upstreams_checks)
{
	static const uint32_t bad_len[] = { 0, 3, 5, 6, 7, 9, 16, UINT32_MAX };
	static const uint32_t good_len[] = { 1, 2, 4, 8 };
	struct privcmd_ioeventfd b;
	int pipefd[2];

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	ASSIGN_DEASSIGN(self->a);

	b = self->a, b.flags = 2;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN | 0x100;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* The range must not wrap. */
	b = self->a, b.addr = UINT64_MAX - 3;	/* + 4 wraps to 0 */
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.addr = UINT64_MAX - 4;	/* + 4 ends at UINT64_MAX */
	ASSIGN_DEASSIGN(b);
	for (unsigned int i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		b = self->a, b.addr_len = bad_len[i];
		test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	}
	for (unsigned int i = 0; i < sizeof(good_len) / sizeof(good_len[0]); i++) {
		b = self->a, b.addr_len = good_len[i];
		ASSIGN_DEASSIGN(b);
	}
	b = self->a, b.vcpus = 0;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.vcpus = 4097;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* The eventfd is looked at after the numbers, as upstream. */
	b = self->a, b.event_fd = -1;
	test_err_privcmd_ioeventfd(EBADF, self->fd, &b);
	b = self->a, b.event_fd = pipefd[0];
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.event_fd = -1, b.vcpus = 0;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* Nothing is assigned: deassign finds nothing (upstream's ENODEV). */
	b = self->a, b.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_err_privcmd_ioeventfd(ENODEV, self->fd, &b);
	b.event_fd = -1;
	test_err_privcmd_ioeventfd(EBADF, self->fd, &b);
	b.event_fd = pipefd[1];
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_IOEVENTFD, NULL);
	b = self->a, b.ports = 8;
	test_err_privcmd_ioeventfd(EFAULT, self->fd, &b);
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_NONE, 'P', 9, 48), &self->a);
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_WRITE, 'P', 9, 40), &self->a);
	EXPECT_EQ(self->live0, live_ioeventfds());
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(ioeventfd, assign_deassign_counted)
{
	struct privcmd_ioeventfd b, d;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_ioeventfd(self->fd, &self->a);
	/* A second queue of the same device, on its own eventfd. */
	b = self->a, b.event_fd = self->efd2, b.vq = 1;
	test_cmd_privcmd_ioeventfd(self->fd, &b);
	EXPECT_EQ(2, fdinfo_num(0, self->fd, "privcmd.ioeventfds"));
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.ioeventfd_notifies"));
	EXPECT_EQ(self->live0 + 2, live_ioeventfds());

	/* An eventfd once per server, as upstream. */
	b = self->a, b.vq = 2;
	test_err_privcmd_ioeventfd(EBUSY, self->fd, &b);
	/* One page is one server: its domain and vCPU count. */
	b = self->a, b.event_fd = eventfd(0, EFD_CLOEXEC), b.vcpus = 2;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b.vcpus = 1, b.dom = self->g2.domid;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	close(b.event_fd);

	d = self->a, d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(self->fd, &d);
	test_err_privcmd_ioeventfd(ENODEV, self->fd, &d);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.ioeventfds"));
	/* Deassign names the server too. */
	d.event_fd = self->efd2, d.vcpus = 2;
	test_err_privcmd_ioeventfd(ENODEV, self->fd, &d);
	d.vcpus = 1;
	test_cmd_privcmd_ioeventfd(self->fd, &d);
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.ioeventfds"));
	EXPECT_EQ(self->live0, live_ioeventfds());
	/* The server went with its last ioeventfd; a new one can be made. */
	ASSIGN_DEASSIGN(self->a);
}

TEST_F(ioeventfd, page_must_be_the_servers)
{
	struct privcmd_ioeventfd b;
	uint64_t gfn = 0;
	int err = 0;
	uint8_t *m;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	/* Plain memory, inside the page, past the mapping. */
	b = self->a, b.ioreq = (uintptr_t)&gfn & ~4095UL;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.ioreq += 32;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	b = self->a, b.ioreq += getpagesize();
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* The server's page, named as another domain's. */
	b = self->a, b.dom = self->g2.domid;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);

	/* Privcmd mappings that hold something else, or nothing. */
	m = privcmd_map_area(self->fd, 1);
	ASSERT_NE(NULL, m);
	b = self->a, b.ioreq = (uintptr_t)m;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	test_cmd_privcmd_mmapbatch_v2(self->fd, self->g.domid, m, 1, &gfn, &err);
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	munmap(m, getpagesize());
	/* More vCPUs than the server has pages for: Xen says no. */
	{
		uint32_t *ports = calloc(4096, sizeof(*ports));

		ASSERT_NE(NULL, ports);
		for (int i = 0; i < 4096; i++)
			ports[i] = self->port;
		b = self->a, b.vcpus = 4096, b.ports = (uintptr_t)ports;
		test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
		free(ports);
	}
	EXPECT_EQ(self->live0, live_ioeventfds());
	ASSIGN_DEASSIGN(self->a);
}

TEST_F(ioeventfd, ports_must_be_the_guests)
{
	struct privcmd_ioeventfd b;
	uint32_t port;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	b = self->a, b.ports = (uintptr_t)&port;
	/* Offered to the guest, not connected. */
	port = test_cmd_evtchn_bind_unbound_port(self->evfd, self->g.domid);
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* Connected to another guest. */
	port = evtchn_xen_alloc_unbound(self->g2.domid, 0);
	ASSERT_LT(0, (int)port);
	port = test_cmd_evtchn_bind_interdomain(self->evfd, self->g2.domid, port);
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	/* Not open. */
	port = 4095;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	EXPECT_EQ(self->live0, live_ioeventfds());
	ASSIGN_DEASSIGN(self->a);
}

TEST_F(ioeventfd, restricted_file_eperm_first)
{
	struct privcmd_ioeventfd b;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_restrict(self->fd, self->g.domid);
	b = self->a, b.dom = self->g2.domid;
	test_err_privcmd_ioeventfd(EPERM, self->fd, &b);
	/* Nothing else is looked at. */
	b.addr_len = 3, b.vcpus = 0, b.event_fd = -1;
	test_err_privcmd_ioeventfd(EPERM, self->fd, &b);
	b.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_err_privcmd_ioeventfd(EPERM, self->fd, &b);
	b = self->a, b.dom = 0;
	test_err_privcmd_ioeventfd(EPERM, self->fd, &b);
	/* Only the flags come first, as upstream. */
	b = self->a, b.dom = self->g2.domid, b.flags = 2;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
	EXPECT_EQ(4, fdinfo_num(0, self->fd, "privcmd.denied.domid"));
	EXPECT_EQ(self->live0, live_ioeventfds());
	/* Its own domain gets the same answers as an unrestricted file. */
	ASSIGN_DEASSIGN(self->a);
	b = self->a, b.addr_len = 3;
	test_err_privcmd_ioeventfd(EINVAL, self->fd, &b);
}

/* The backend unbinds its port first: ours keeps it open until deassign. */
TEST_F(ioeventfd, evtchn_unbound_first)
{
	struct privcmd_ioeventfd d;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_ioeventfd(self->fd, &self->a);
	test_cmd_evtchn_unbind(self->evfd, self->port);
	EXPECT_EQ(EVTCHNSTAT_interdomain, evtchn_xen_status(0, self->port, NULL, NULL));
	d = self->a, d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(self->fd, &d);
	/* Our reference was the last: the port is closed now. */
	EXPECT_EQ(EVTCHNSTAT_closed, evtchn_xen_status(0, self->port, NULL, NULL));
	EXPECT_EQ(self->live0, live_ioeventfds());
}

/* The file's release ends its ioeventfds; the port stays the backend's. */
TEST_F(ioeventfd, file_close_ends_them)
{
	struct privcmd_ioeventfd b;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_ioeventfd(self->fd, &self->a);
	b = self->a, b.event_fd = self->efd2, b.vq = 1;
	test_cmd_privcmd_ioeventfd(self->fd, &b);
	EXPECT_EQ(self->live0 + 2, live_ioeventfds());
	/* The mapping holds the file: unmap it first. */
	munmap(self->area, getpagesize());
	self->area = NULL;
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(self->live0, live_ioeventfds());
	EXPECT_EQ(EVTCHNSTAT_interdomain, evtchn_xen_status(0, self->port, NULL, NULL));
	test_cmd_evtchn_unbind(self->evfd, self->port);
	EXPECT_EQ(EVTCHNSTAT_closed, evtchn_xen_status(0, self->port, NULL, NULL));
}

/* Our own mapping of the page does not depend on the caller's. */
TEST_F(ioeventfd, munmap_first)
{
	struct privcmd_ioeventfd d;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_ioeventfd(self->fd, &self->a);
	munmap(self->area, getpagesize());
	self->area = NULL;
	d = self->a, d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(self->fd, &d);
	EXPECT_EQ(self->live0, live_ioeventfds());
}

/*
 * The guest dies with an ioeventfd assigned: deassign still works, and
 * once nothing maps its pages, Xen lets the guest go.
 */
TEST_F(ioeventfd, guest_destroyed_first)
{
	struct privcmd_ioeventfd d;
	uint32_t domid;
	int i;

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	test_cmd_privcmd_ioeventfd(self->fd, &self->a);
	domid = self->g.domid;
	ASSERT_EQ(0, xen_guest_destroy(&self->g));
	d = self->a, d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
	test_cmd_privcmd_ioeventfd(self->fd, &d);
	munmap(self->area, getpagesize());
	self->area = NULL;
	test_cmd_evtchn_unbind(self->evfd, self->port);
	for (i = 0; i < 200 && xen_domain_exists(domid); i++)
		usleep(10000);
	EXPECT_FALSE(xen_domain_exists(domid)) TH_LOG("domain %u is still a zombie", domid);
}

struct flipper {
	pthread_t thread;
	int fd;
	struct privcmd_ioeventfd a;
	int iterations;
	int failures;
};

static void *flipper_main(void *arg)
{
	struct flipper *f = arg;

	for (int i = 0; i < f->iterations; i++) {
		struct privcmd_ioeventfd d = f->a;

		if (_test_cmd_privcmd_ioeventfd(f->fd, &f->a))
			f->failures++;
		d.flags = PRIVCMD_IOEVENTFD_FLAG_DEASSIGN;
		if (_test_cmd_privcmd_ioeventfd(f->fd, &d))
			f->failures++;
	}
	return NULL;
}

/*
 * Two threads assign and deassign on one server, which is made and torn
 * down under them again and again; neither ever fails, nothing is left.
 */
TEST_F(ioeventfd, race_assign_vs_deassign)
{
	struct flipper f[2];

	SETUP_IOREQ_SERVER();
	UPSTREAM_OR_RETURN();
	for (int i = 0; i < 2; i++) {
		f[i] = (struct flipper){ .fd = self->fd, .a = self->a, .iterations = 200 };
		f[i].a.event_fd = i ? self->efd2 : self->efd;
		f[i].a.vq = i;
		ASSERT_EQ(0, pthread_create(&f[i].thread, NULL, flipper_main, &f[i]));
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(f[i].thread, NULL);
		EXPECT_EQ(0, f[i].failures);
	}
	EXPECT_EQ(0, fdinfo_num(0, self->fd, "privcmd.ioeventfds"));
	EXPECT_EQ(self->live0, live_ioeventfds());
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
