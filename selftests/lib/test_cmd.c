// SPDX-License-Identifier: GPL-2.0
/* What the raw ioctl helpers note for the asserting layers; see test_cmd.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "test_cmd.h"

/* The last call noted by this thread; @name NULL: nothing since the last forget. */
static __thread struct {
	const char *name;
	const char *fmt;
	long args[TEST_CMD_NOTE_ARGS];
} note;

void __test_cmd_note(const char *name, const char *fmt, const long *args)
{
	note.name = name;
	note.fmt = fmt;
	memcpy(note.args, args, sizeof(note.args));
}

void test_cmd_forget(void)
{
	note.name = NULL;
}

/* The notes' formats are the raw helpers' own literals, with longs only. */
const char *test_cmd_what(const char *fallback)
{
	static __thread char buf[256];
	const long *a = note.args;
	int n;

	if (!note.name)
		return fallback;
	n = snprintf(buf, sizeof(buf), "%s(", note.name);
	if (n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, note.fmt, a[0], a[1], a[2], a[3], a[4],
			      a[5], a[6], a[7]);
	if (n > 0 && (size_t)n < sizeof(buf) - 1)
		strcpy(buf + n, ")");
	return buf;
}

const char *test_errno_name(int err)
{
	static __thread char buf[16];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

const char *test_cmd_outcome(long ret)
{
	static __thread char buf[96];

	if (ret >= 0)
		snprintf(buf, sizeof(buf), "returned %ld", ret);
	else
		snprintf(buf, sizeof(buf), "%s (%s)", test_errno_name((int)-ret),
			 strerror((int)-ret));
	return buf;
}

long __test_cmd_ioctl(int fd, unsigned long cmd, const char *name, void *arg)
{
	long rc;

	test_cmd_note(name, "fd %ld, arg %#lx", fd, (long)arg);
	rc = ioctl(fd, cmd, arg);
	return rc < 0 ? -errno : rc;
}
