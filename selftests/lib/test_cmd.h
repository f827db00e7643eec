/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three layers of the selftests' ioctl helpers, as in the iommufd
 * selftests (tools/testing/selftests/iommu/iommufd_utils.h). For each
 * ioctl X the tests use (X is the ioctl's name without IOCTL_, in lower
 * case: IOCTL_PRIVCMD_DM_OP is privcmd_dm_op):
 *
 * _test_cmd_X(fd, ...)
 *	Raw: the ioctl's result (>= 0: 0, a port, Xen's answer) or -errno.
 *	No assertion: usable anywhere, in threads and forked children too,
 *	and where a test compares against the in-tree driver's different
 *	answer (privcmd_diff(), evtchn_diff()). Declared in privcmd_util.h
 *	and evtchn_util.h, defined in lib/ (no harness there).
 *
 * test_cmd_X(fd, ...)
 *	ASSERT_* that it succeeded: == 0, or >= 0 for the ioctls whose
 *	result is a value (IOCTL_PRIVCMD_HYPERCALL, the evtchn binds), and
 *	evaluates to that value. Test functions and fixtures only (an
 *	ASSERT ends the test; its teardown still runs).
 *
 * test_err_X(errno, fd, ...)
 *	EXPECT_* that it failed with exactly @errno (a positive E* code).
 *	EXPECT, as iommufd's EXPECT_ERRNO: error-path tests check many
 *	cases in a row, and each wrong answer is reported.
 *
 * A failure names the ioctl, the arguments that matter and the errno:
 *
 *   # privcmd_dm_op_test.c:247:own_domain_eperm:Expected -_want (-1) == _ret (-22)
 *   # privcmd_dm_op_test.c:247:own_domain_eperm:IOCTL_PRIVCMD_DM_OP(fd 3, dom 0,
 *     nr_vcpus): EINVAL (Invalid argument), expected EPERM
 *
 * The raw layer notes what it issued with test_cmd_note() (per thread,
 * formatted only when a check fails); the asserting layers print that
 * note, or the call as written when the raw helper noted nothing.
 *
 * This header does not include kselftest_harness.h: lib/ is linked into
 * every test program and the harness header defines objects. The
 * asserting macros expand, and need the harness, only in a test.
 */
#ifndef XEN_DMOP_SELFTEST_TEST_CMD_H
#define XEN_DMOP_SELFTEST_TEST_CMD_H

#include <string.h>

/* At most this many numeric arguments in a note. */
#define TEST_CMD_NOTE_ARGS 8

void __test_cmd_note(const char *name, const char *fmt, const long *args);

/*
 * test_cmd_note() - note the call about to be made, for a failure message.
 * @name: the ioctl ("IOCTL_PRIVCMD_DM_OP"), or the system call.
 * @fmt: its arguments, printf-style, "%ld" / "%lx" / "%#lx" only: every
 *	argument is passed on as a long (up to TEST_CMD_NOTE_ARGS).
 */
#define test_cmd_note(name, fmt, ...) \
	__test_cmd_note(name, fmt, (const long[TEST_CMD_NOTE_ARGS]){ __VA_ARGS__ })

/* Forget the last note (the asserting layers do, before each call). */
void test_cmd_forget(void);

/* "NAME(args)" of the last note since test_cmd_forget(), or @fallback. */
const char *test_cmd_what(const char *fallback);

/*
 * How a call ended: "returned N" for N >= 0, "ENAME (description)" for
 * -errno. In a per-thread buffer: one use per printf().
 */
const char *test_cmd_outcome(long ret);

/* "ENAME" of a positive errno, or its number. Per-thread buffer. */
const char *test_errno_name(int err);

/*
 * _test_cmd_ioctl() - a raw ioctl on @fd: its result or -errno, noted
 * with the command's name as written (IOCTL_PRIVCMD_DM_OP). For the
 * argument checks that no typed helper covers (bad pointers, unknown
 * commands); test_cmd_ioctl() expects 0.
 */
long __test_cmd_ioctl(int fd, unsigned long cmd, const char *name, void *arg);
#define _test_cmd_ioctl(fd, cmd, arg) __test_cmd_ioctl(fd, cmd, #cmd, arg)
#define test_cmd_ioctl(fd, cmd, arg) test_cmd(__test_cmd_ioctl(fd, cmd, #cmd, arg))
#define test_err_ioctl(e, fd, cmd, arg) test_err(e, __test_cmd_ioctl(fd, cmd, #cmd, arg))

/*
 * The engine of the asserting layers. A test may wrap its own raw helper
 * (one built on _test_cmd_*() calls) too: a failure then prints the note
 * of the last raw call it made. Tests only: these need the harness.
 */

/* ASSERT that @call returned 0. */
#define test_cmd(call) ({							\
	long _ret;								\
										\
	test_cmd_forget();							\
	_ret = (call);								\
	ASSERT_EQ(0, _ret)							\
		TH_LOG("%s: %s", test_cmd_what(#call), test_cmd_outcome(_ret)); \
	_ret;									\
})

/* ASSERT that @call returned a value (>= 0); that value. */
#define test_cmd_val(call) ({							\
	long _ret;								\
										\
	test_cmd_forget();							\
	_ret = (call);								\
	ASSERT_LE(0, _ret)							\
		TH_LOG("%s: %s", test_cmd_what(#call), test_cmd_outcome(_ret)); \
	_ret;									\
})

/* EXPECT that @call failed with exactly errno @e (positive). */
#define test_err(e, call) do {						\
	const long _want = (e);							\
	long _ret;								\
										\
	test_cmd_forget();							\
	_ret = (call);								\
	EXPECT_EQ(-_want, _ret)							\
		TH_LOG("%s: %s, expected %s", test_cmd_what(#call),		\
		       test_cmd_outcome(_ret), test_errno_name(_want));		\
} while (0)

#endif
