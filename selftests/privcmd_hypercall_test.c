// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xen/privcmd raw hypercalls, the /dev/xen/hypercall buffer device,
 * ioctl dispatch and the exports xenfs needs: what libxencall and so the
 * whole toolstack stand on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "lib/proc_files.h"

static const char *const nodes[] = { PRIVCMD_NODE, PRIVCMDBUF_NODE, NULL };

#define XEN_4_17 ((4 << 16) | 17)

FIXTURE(privcmd) {
	int fd;
};

FIXTURE_SETUP(privcmd)
{
	test_fixture_setup(.privcmd = &self->fd);
}

FIXTURE_TEARDOWN(privcmd)
{
	test_fixture_teardown(.privcmd = &self->fd);
}

TEST_F(privcmd, xen_version_reports_4_17)
{
	EXPECT_EQ(XEN_4_17, test_cmd_privcmd_hypercall(self->fd, __HYPERVISOR_xen_version,
							XENVER_version, 0, 0, 0, 0));
}

/* Xen writes into a /dev/xen/hypercall page; libxenctrl must agree with it. */
TEST_F(privcmd, xen_extraversion_through_hypercall_buffer)
{
	xen_extraversion_t lib = "";
	xc_interface *xch;
	int bfd = open(PRIVCMDBUF_NODE, O_RDWR | O_CLOEXEC);
	char *buf;

	ASSERT_LE(0, bfd);
	buf = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE, MAP_SHARED, bfd, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0x5a, sizeof(xen_extraversion_t));
	EXPECT_EQ(0, test_cmd_privcmd_hypercall(self->fd, __HYPERVISOR_xen_version,
						XENVER_extraversion, (uintptr_t)buf, 0, 0, 0));
	xch = xc_interface_open(NULL, NULL, 0);
	ASSERT_NE(NULL, xch);
	ASSERT_EQ(0, xc_version(xch, XENVER_extraversion, &lib));
	xc_interface_close(xch);
	EXPECT_NE(0x5a, buf[0]);
	EXPECT_EQ(0, strncmp(lib, buf, sizeof(lib)));
	munmap(buf, getpagesize());
	close(bfd);
}

TEST_F(privcmd, hypercall_unknown_op_is_xens_enosys)
{
	test_err_privcmd_hypercall(ENOSYS, self->fd, 63, 0, 0, 0, 0, 0);
}

TEST_F(privcmd, hypercall_bad_argument_pointer_efault)
{
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_HYPERCALL, NULL);
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_HYPERCALL, (void *)16);
}

/* Xen's own EFAULT when the pointer inside the hypercall is bad. */
TEST_F(privcmd, hypercall_bad_buffer_is_xens_efault)
{
	test_err_privcmd_hypercall(EFAULT, self->fd, __HYPERVISOR_xen_version, XENVER_extraversion,
				   16, 0, 0, 0);
}

TEST_F(privcmd, unknown_ioctl_enotty)
{
	struct privcmd_hypercall call = { .op = __HYPERVISOR_xen_version };

	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_NONE, 'P', 99, 0), NULL);
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_NONE, 'Q', 0, sizeof(call)), &call);
	/* The right number with the wrong size or direction is another command. */
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_NONE, 'P', 0, 8), &call);
	test_err_ioctl(ENOTTY, self->fd, _IOWR('P', 0, struct privcmd_hypercall), &call);
}

/* Whether the running kernel is at least @major.@minor. */
static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	return !uname(&u) && sscanf(u.release, "%d.%d", &ma, &mi) == 2 &&
	       (ma > major || (ma == major && mi >= minor));
}

/*
 * 6.12's PCIDEV_GET_GSI (10): the kernel's answer where it has one (6.12),
 * else no such ioctl, like the in-tree driver; refused on a restricted
 * file. No device is held by xen-pciback in this VM.
 */
TEST_F(privcmd, pcidev_get_gsi)
{
	struct privcmd_pcidev_get_gsi g = { .sbdf = 0 };
	bool pciback = access("/sys/module/xen_pciback", F_OK) == 0;

	if (!kernel_at_least(6, 12)) {
		test_err_ioctl(ENOTTY, self->fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g);
		return;
	}
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, NULL);
	if (!pciback)
		test_err_ioctl(EOPNOTSUPP, self->fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g);
	else
		EXPECT_GT(0, _test_cmd_ioctl(self->fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g));
	/* Only upstream's command: no other size or direction. */
	test_err_ioctl(ENOTTY, self->fd, _IOC(_IOC_READ, 'P', 10, 8), &g);
	if (!xen_env_ours())
		return;
	test_cmd_privcmd_restrict(self->fd, 1);
	test_err_ioctl(EPERM, self->fd, IOCTL_PRIVCMD_PCIDEV_GET_GSI, &g);
	EXPECT_EQ(1, fdinfo_num(0, self->fd, "privcmd.denied.hypercall"));
}

/* What libxencall does at startup: every libxc call goes through it. */
TEST(libxenctrl_xen_version)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xen_capabilities_info_t caps = "";

	ASSERT_NE(NULL, xch);
	EXPECT_EQ(XEN_4_17, xc_version(xch, XENVER_version, NULL));
	EXPECT_EQ(0, xc_version(xch, XENVER_capabilities, &caps));
	EXPECT_NE(NULL, strstr(caps, "hvm"));
	xc_interface_close(xch);
}

/* xenfs imports xen_privcmd_fops: /proc/xen/privcmd is our device. */
TEST(proc_xen_privcmd_is_this_driver)
{
	int fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("/proc/xen/privcmd: %s", strerror(errno));
	EXPECT_EQ(XEN_4_17, test_cmd_privcmd_hypercall(fd, __HYPERVISOR_xen_version,
							XENVER_version, 0, 0, 0, 0));
	test_err_ioctl(ENOTTY, fd, _IOC(_IOC_NONE, 'P', 99, 0), NULL);
	EXPECT_EQ(0, access("/sys/module/xen_privcmd/holders/xenfs", F_OK));
	close(fd);
}

FIXTURE(hcbuf) {
	int fd;
	long page;
};

FIXTURE_SETUP(hcbuf)
{
	self->fd = open(PRIVCMDBUF_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", PRIVCMDBUF_NODE, strerror(errno));
	self->page = getpagesize();
}

FIXTURE_TEARDOWN(hcbuf)
{
	close(self->fd);
}

TEST_F(hcbuf, pages_are_zeroed_and_writable)
{
	unsigned char *p = mmap(NULL, 4 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
				self->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	for (long i = 0; i < 4 * self->page; i++)
		ASSERT_EQ(0, p[i]);
	memset(p, 0xa5, 4 * self->page);
	EXPECT_EQ(0xa5, p[4 * self->page - 1]);
	EXPECT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(hcbuf, private_mapping_einval)
{
	void *p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

/* Unmapping the middle splits the vma: both ends keep their pages. */
TEST_F(hcbuf, split_mapping_keeps_both_halves)
{
	unsigned char *p = mmap(NULL, 3 * self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
				self->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	p[2 * self->page] = 3;
	ASSERT_EQ(0, munmap(p + self->page, self->page));
	EXPECT_EQ(1, p[0]);
	EXPECT_EQ(3, p[2 * self->page]);
	EXPECT_EQ(0, munmap(p, self->page));
	EXPECT_EQ(3, p[2 * self->page]);
	EXPECT_EQ(0, munmap(p + 2 * self->page, self->page));
}

/* A child shares the parent's hypercall pages (MAP_SHARED across fork). */
TEST_F(hcbuf, fork_shares_pages)
{
	volatile unsigned char *p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
					 self->fd, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		p[10] = 42;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(42, p[10]);
	munmap((void *)p, self->page);
}

/* Mappings outlive the file: the pages go with the last vma. */
TEST_F(hcbuf, mapping_outlives_close)
{
	unsigned char *p = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED,
				self->fd, 0);

	ASSERT_NE(MAP_FAILED, p);
	close(self->fd);
	self->fd = open(PRIVCMDBUF_NODE, O_RDWR | O_CLOEXEC);
	p[1] = 7;
	EXPECT_EQ(7, p[1]);
	EXPECT_EQ(0, munmap(p, self->page));
}

/* A hypercall that writes a buffer works after a fork, in the child. */
TEST_F(hcbuf, child_hypercall_into_buffer)
{
	char *buf = mmap(NULL, self->page, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	int status;
	pid_t pid;

	ASSERT_NE(MAP_FAILED, buf);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = privcmd_open();

		_exit(fd < 0 || _test_cmd_privcmd_hypercall(fd, __HYPERVISOR_xen_version,
							     XENVER_capabilities, (uintptr_t)buf,
							     0, 0, 0) != 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_NE(NULL, strstr(buf, "hvm"));
	munmap(buf, self->page);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
