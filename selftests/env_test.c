// SPDX-License-Identifier: GPL-2.0
/*
 * The proving ground itself: the chosen drivers are loaded under Xen, their
 * device nodes exist, and a real HVM guest can be created and destroyed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/xen_env.h"

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

/* The runner says which implementation it loaded; the kernel must agree. */
TEST(expected_driver_loaded)
{
	const char *want = getenv("DMOP_IMPL");
	const char *impl = xen_env_privcmd_impl();

	ASSERT_NE(NULL, want) TH_LOG("DMOP_IMPL not set by the runner");
	/* the harness's EXPECT_* are statements that need braces under if/else */
	if (!strcmp(want, "ours")) {
		EXPECT_STREQ("xen-dmop", impl);
	} else {
		EXPECT_STREQ("in-tree", impl);
	}
	EXPECT_EQ(0, access("/sys/module/xen_evtchn", F_OK));
}

TEST(device_nodes_are_char_devices)
{
	for (const char *const *n = nodes; *n; n++) {
		struct stat st;

		ASSERT_EQ(0, stat(*n, &st)) TH_LOG("%s: %s", *n, strerror(errno));
		EXPECT_TRUE(S_ISCHR(st.st_mode)) TH_LOG("%s is not a character device", *n);
	}
}

TEST(device_nodes_open)
{
	for (const char *const *n = nodes; *n; n++) {
		int fd = open(*n, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, fd) TH_LOG("open %s: %s", *n, strerror(errno));
		close(fd);
	}
}

TEST(hvm_guest_create_destroy)
{
	struct xen_guest g;
	int err = xen_guest_create(&g, 256);

	ASSERT_EQ(0, err) TH_LOG("xen_guest_create: %s", strerror(-err));
	EXPECT_NE(0U, g.domid);
	EXPECT_TRUE(xen_domain_exists(g.domid));
	ASSERT_EQ(0, xen_guest_destroy(&g));
	EXPECT_EQ(0U, g.domid);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
