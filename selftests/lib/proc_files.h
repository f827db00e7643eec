/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's "key: value" files, and other processes' open files:
 *
 * - kv_foreach(): the one parser of the "key:<blanks>value" lines the
 *   kernel prints in /proc (fdinfo) and debugfs (our drivers' live
 *   counters, lib/live.h); fdinfo_*() read a file's fdinfo with it.
 * - proc_take_files(): copies of another process's open files
 *   (pidfd_getfd); the e2e tests use them to act with the very files a
 *   running QEMU holds.
 *
 * The e2e programs link this file and xen_env.c only (scripts/vm/e2e/stage):
 * it depends on nothing else of lib/.
 */
#ifndef XEN_DMOP_SELFTEST_PROC_FILES_H
#define XEN_DMOP_SELFTEST_PROC_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * kv_fn - called by kv_foreach() for each line.
 * @key: up to the line's first ':', never empty.
 * @val: after the ':' and the blanks (spaces, tabs) that follow it, without
 *	the newline; may be empty.
 * Return: 0 to go on; anything else ends the walk and is kv_foreach()'s.
 */
typedef int kv_fn(const char *key, const char *val, void *arg);

/*
 * kv_foreach() - every "key:<blanks>value" line of @path in order.
 * Return: 0 after the last line, @fn's non-zero return, -EBADMSG at a line
 * without a ':' or with an empty key (the file is not what the caller
 * thinks), or -errno.
 */
int kv_foreach(const char *path, kv_fn *fn, void *arg);

/*
 * kv_parse_num() - the strict reading of a value as a number: one or more
 * decimal digits and nothing else (no sign, no blanks, no unit).
 * Return: 0 with *@v set, -EINVAL, or -ERANGE beyond LLONG_MAX.
 */
int kv_parse_num(const char *s, long long *v);

/*
 * The fdinfo of @fd in process @pid (0: this process), through kv_foreach().
 *
 * fdinfo_foreach(): each line; as kv_foreach().
 * fdinfo_str(): the value of @key copied into @val: 0, -ENOENT without
 *	such a key, -E2BIG when it does not fit in @len bytes, or -errno.
 * fdinfo_num(): the value of @key read by kv_parse_num(): the number
 *	(>= 0), -ENOENT without the key, -EINVAL when it is not a number
 *	("none" included), -ERANGE, or -errno.
 * fdinfo_has(): 1 when a line has @key, 0 when none does, or -errno.
 * fdinfo_count(): how many keys begin with @prefix, or -errno (-EINVAL
 *	for a @prefix with a ':', which no key holds).
 */
int fdinfo_foreach(pid_t pid, int fd, kv_fn *fn, void *arg);
int fdinfo_str(pid_t pid, int fd, const char *key, char *val, size_t len);
long long fdinfo_num(pid_t pid, int fd, const char *key);
int fdinfo_has(pid_t pid, int fd, const char *key);
int fdinfo_count(pid_t pid, int fd, const char *prefix);

/*
 * proc_take_files() - copy up to @max of @pid's files open on @node.
 * @fds receives our copies (they share the open file, so its restriction
 * and counters), @their_fds the numbers the files have inside @pid, for
 * fdinfo_*(@pid, ...).
 *
 * Return: how many were copied (0: none open), or -errno.
 */
int proc_take_files(pid_t pid, const char *node, int *fds, int *their_fds, int max);

#endif
