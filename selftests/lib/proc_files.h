/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copies of another process's open files (pidfd_getfd): the e2e tests use
 * them to act with the very files a running QEMU holds.
 */
#ifndef XEN_DMOP_SELFTEST_PROC_FILES_H
#define XEN_DMOP_SELFTEST_PROC_FILES_H

#include <sys/types.h>

/*
 * proc_take_files() - copy up to @max of @pid's files open on @node.
 * @fds receives our copies (they share the open file, so its restriction
 * and counters), @their_fds the numbers the files have inside @pid, for
 * /proc/@pid/fdinfo.
 *
 * Return: how many were copied (0: none open), or -errno.
 */
int proc_take_files(pid_t pid, const char *node, int *fds, int *their_fds, int max);

#endif
