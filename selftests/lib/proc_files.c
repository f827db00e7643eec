// SPDX-License-Identifier: GPL-2.0
/* Copies of another process's open files; see proc_files.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_files.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int proc_take_files(pid_t pid, const char *node, int *fds, int *their_fds, int max)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	int pidfd, nr = 0, err = 0;
	DIR *dir;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir) {
		err = -errno;
		goto out_pidfd;
	}
	while (nr < max && (de = readdir(dir))) {
		int theirs = atoi(de->d_name), fd;
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, theirs);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, node))
			continue;
		fd = syscall(SYS_pidfd_getfd, pidfd, theirs, 0);
		if (fd < 0) {
			err = -errno;
			break;
		}
		their_fds[nr] = theirs;
		fds[nr++] = fd;
	}
	closedir(dir);
	if (err)
		while (nr)
			close(fds[--nr]);
out_pidfd:
	close(pidfd);
	return err ? err : nr;
}
