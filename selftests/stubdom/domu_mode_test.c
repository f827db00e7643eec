// SPDX-License-Identifier: GPL-2.0
/*
 * The edges of privcmd's domU mode (issue 14, point 4), in a real PV domU
 * with no "target" key in its xenstore home: an ordinary guest, not a
 * stubdomain. The program loads and unloads our modules itself, in order:
 *
 *   no_target        every file restricted to DOMID_IDLE from open(): every
 *                    targeted call refused and counted, one log line
 *   evtchn_no_target our evtchn leaves a domU without a target unrestricted
 *                    (vchan and friends), and says nothing
 *   unrestricted     "unrestricted=1" is honoured on an unlocked kernel; once
 *                    the kernel is locked down (integrity, raised at run
 *                    time: an unsigned module cannot load into a kernel
 *                    booted locked down) it is ignored for new files, with
 *                    one log line, and no module loads any more
 *
 * An open() before xenstore is up cannot happen here (xenstore is up before
 * any module can load in a PV domU): domu_target_test walks that path from
 * dom0 on the fault-injection build. Run by scripts/vm/stubdom/domu-init;
 * built by scripts/vm/stubdom/stage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

#include "kselftest_harness.h"
#include "lib/evtchn_util.h"
#include "lib/privcmd_util.h"
#include "lib/proc_files.h"

#define HC_XEN_VERSION 17
#define MODDIR "/lib/modules"

static int load(const char *name, const char *params)
{
	char path[64];
	int fd, rc;

	snprintf(path, sizeof(path), MODDIR "/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params, 0);
	rc = rc ? -errno : 0;
	close(fd);
	return rc;
}

static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* How many lines of the kernel log contain @needle. */
static int klog_count(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *p;
	int n = 0;

	if (len <= 0)
		return -1;
	buf = calloc(1, len + 1);
	if (!buf)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len < 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(buf);
	return n;
}

static long xen_version(int fd)
{
	return _test_cmd_privcmd_hypercall(fd, HC_XEN_VERSION, 0 /* XENVER_version */, 0, 0, 0, 0);
}

TEST(no_target)
{
	uint64_t gfn = 0;
	uint32_t vcpus;
	void *area;
	int fd, err;

	ASSERT_EQ(0, load("xen-privcmd", ""));
	fd = privcmd_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(PC_DOMID_IDLE, fdinfo_num(0, fd, "privcmd.restricted_domid"));
	EXPECT_EQ(-EPERM, xen_version(fd));
	EXPECT_EQ(-EPERM, _test_cmd_dmop_nr_vcpus(fd, 0, &vcpus));
	area = privcmd_map_area(fd, 1);
	ASSERT_NE(NULL, area);
	EXPECT_EQ(-EPERM, _test_cmd_privcmd_mmapbatch_v2(fd, 0, area, 1, &gfn, &err));
	EXPECT_EQ(-EINVAL, _test_cmd_privcmd_restrict(fd, 0));
	EXPECT_EQ(1, fdinfo_num(0, fd, "privcmd.denied.hypercall"));
	EXPECT_EQ(2, fdinfo_num(0, fd, "privcmd.denied.domid"));
	EXPECT_EQ(1, klog_count("no target domain in xenstore, refusing every targeted operation"));
	munmap(area, getpagesize());
	close(fd);
	EXPECT_EQ(0, unload("xen_privcmd"));
}

TEST(evtchn_no_target)
{
	int fd, port;

	ASSERT_EQ(0, load("xen-evtchn", ""));
	fd = evtchn_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, fdinfo_num(0, fd, "evtchn.restricted_domid")) TH_LOG("\"none\" is not a number");
	EXPECT_EQ(-ENOENT, fdinfo_num(0, fd, "evtchn.toolstack_domid"));
	port = _test_cmd_evtchn_bind_unbound_port(fd, 0);
	EXPECT_LT(0, port);
	EXPECT_EQ(0, _test_cmd_evtchn_unbind(fd, port));
	EXPECT_EQ(0, fdinfo_num(0, fd, "evtchn.denied"));
	EXPECT_EQ(0, klog_count("xen-dmop evtchn: stubdomain"));
	close(fd);
	EXPECT_EQ(0, unload("xen_evtchn"));
}

TEST(unrestricted)
{
	char state[64] = "";
	int before, after, fd;
	long ver;

	ASSERT_EQ(0, load("xen-privcmd", "unrestricted=1"));
	before = privcmd_open();
	ASSERT_LE(0, before);
	EXPECT_EQ(0, fdinfo_str(0, before, "privcmd.restricted_domid", state, sizeof(state)));
	EXPECT_STREQ("none", state);
	ver = xen_version(before);
	EXPECT_LT(0, ver) TH_LOG("xen_version on an unrestricted file: %ld", ver);
	TH_LOG("unlocked, unrestricted=1: Xen %ld.%ld answers a raw hypercall", ver >> 16, ver & 0xffff);
	EXPECT_EQ(1, klog_count("no target domain in xenstore (files are unrestricted"));
	EXPECT_EQ(0, klog_count("parameter \"unrestricted\" ignored"));

	/* Lock the kernel down at run time. */
	fd = open("/sys/kernel/security/lockdown", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(9, write(fd, "integrity", 9));
	close(fd);

	after = privcmd_open();
	ASSERT_LE(0, after);
	EXPECT_EQ(PC_DOMID_IDLE, fdinfo_num(0, after, "privcmd.restricted_domid"));
	EXPECT_EQ(-EPERM, xen_version(after));
	EXPECT_EQ(1, fdinfo_num(0, after, "privcmd.denied.hypercall"));
	EXPECT_EQ(1, klog_count("kernel is locked down, parameter \"unrestricted\" ignored"));
	close(after);
	after = privcmd_open();
	ASSERT_LE(0, after);
	EXPECT_EQ(PC_DOMID_IDLE, fdinfo_num(0, after, "privcmd.restricted_domid"));
	EXPECT_EQ(1, klog_count("kernel is locked down, parameter \"unrestricted\" ignored"))
		TH_LOG("one line, however many files");
	close(after);
	/* A file opened before the lockdown keeps what it had. */
	EXPECT_EQ(ver, xen_version(before));
	close(before);

	/* No reload: an unsigned module does not load into a locked-down kernel. */
	EXPECT_EQ(0, unload("xen_privcmd"));
	EXPECT_EQ(-EPERM, load("xen-privcmd", "unrestricted=1"));
	EXPECT_EQ(-ENOENT, privcmd_open());
}

TEST_HARNESS_MAIN
