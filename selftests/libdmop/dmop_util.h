/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libdmop selftests share: the dmop command as they run it, the
 * installed program (/usr/bin/dmop in the VM image, or $DMOP_BIN),
 * fork+exec'ed with its output read from a pipe (the exit codes are
 * dmop(1)'s); and another process's Xen files read through libdmop's
 * fdinfo parser.
 */
#ifndef SELFTESTS_DMOP_UTIL_H
#define SELFTESTS_DMOP_UTIL_H

#include <stddef.h>
#include <sys/types.h>

#include "libdmop.h"

#define DMOP_EXIT_OK		0	/* done; status: nothing unrestricted */
#define DMOP_EXIT_UNRESTRICTED	1	/* status: unrestricted DMOPs seen */
#define DMOP_EXIT_USAGE		2	/* bad command line */
#define DMOP_EXIT_ERROR		3	/* could not do it */
#define DMOP_EXIT_UNSUPPORTED	4	/* the loaded drivers lack what it needs */
#define DMOP_EXIT_NOT_RUN	127	/* the program could not be executed */

struct dmop_cmd {
	pid_t pid;
	int out;	/* its stdout and stderr */
};

/* The program run: $DMOP_BIN, else /usr/bin/dmop. */
const char *dmop_cmd_path(void);

/* Start "dmop ARGS..." (NULL-terminated): 0 or -errno. */
int dmop_cmd_start(struct dmop_cmd *c, ...);

/*
 * Read its output into @buf (appending to what is there) until @needle
 * shows up, it exits, or @secs pass. Return: whether @needle is in @buf.
 */
int dmop_cmd_read_until(struct dmop_cmd *c, char *buf, size_t size,
			const char *needle, int secs);

/* Wait for it (killed after @secs): its exit code, -1 when killed. */
int dmop_cmd_wait(struct dmop_cmd *c, char *buf, size_t size, int secs);

/* Run "dmop ARGS..." (NULL-terminated) to its end: exit code, output in @buf. */
int dmop_cmd_run(char *buf, size_t size, ...);

/*
 * The descriptors @pid holds open on the device node @dev (e.g.
 * "/dev/xen/privcmd"), ascending, into @fds (room for @max).
 * Return: their count, or -errno (-ESRCH: no such process).
 */
int proc_dev_fds(pid_t pid, const char *dev, int *fds, int max);

/*
 * /proc/@pid/fdinfo/@fd through dmop_fdinfo_parse() into @a, whose sz the
 * caller set. Return: 0 or -errno.
 */
int proc_fdinfo(pid_t pid, int fd, struct dmop_audit *a);

#endif /* SELFTESTS_DMOP_UTIL_H */
