// SPDX-License-Identifier: GPL-2.0
/* The kernel's "key: value" files, and other processes' open files; see proc_files.h. */
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

int kv_foreach(const char *path, kv_fn *fn, void *arg)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	if (!f)
		return -errno;
	errno = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		char *colon = strchr(line, ':'), *val;

		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		if (!colon || colon == line) {
			rc = -EBADMSG;
			break;
		}
		*colon = '\0';
		val = colon + 1 + strspn(colon + 1, " \t");
		rc = fn(line, val, arg);
	}
	if (!rc && ferror(f))
		rc = errno ? -errno : -EIO;
	free(line);
	fclose(f);
	return rc;
}

int kv_parse_num(const char *s, long long *v)
{
	unsigned long long n = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (n > (unsigned long long)(LLONG_MAX - (*s - '0')) / 10)
			return -ERANGE;
		n = n * 10 + (unsigned int)(*s - '0');
	}
	*v = (long long)n;
	return 0;
}

int fdinfo_foreach(pid_t pid, int fd, kv_fn *fn, void *arg)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	else
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return kv_foreach(path, fn, arg);
}

struct fdinfo_find {
	const char *key;
	char *val;
	size_t len;
};

/* 1: found and copied; -E2BIG: found, too long. */
static int find_key(const char *key, const char *val, void *arg)
{
	struct fdinfo_find *q = arg;

	if (strcmp(key, q->key))
		return 0;
	if (!q->val)
		return 1;
	if (strlen(val) >= q->len)
		return -E2BIG;
	strcpy(q->val, val);
	return 1;
}

int fdinfo_str(pid_t pid, int fd, const char *key, char *val, size_t len)
{
	struct fdinfo_find q = { .key = key, .val = val, .len = len };
	int rc = fdinfo_foreach(pid, fd, find_key, &q);

	return rc == 1 ? 0 : rc ? rc : -ENOENT;
}

long long fdinfo_num(pid_t pid, int fd, const char *key)
{
	char val[32];
	long long n;
	int rc = fdinfo_str(pid, fd, key, val, sizeof(val));

	if (rc == -E2BIG)
		return -EINVAL;		/* 31 characters are no decimal below 2^63 */
	if (!rc)
		rc = kv_parse_num(val, &n);
	return rc ? rc : n;
}

int fdinfo_has(pid_t pid, int fd, const char *key)
{
	struct fdinfo_find q = { .key = key };
	int rc = fdinfo_foreach(pid, fd, find_key, &q);

	return rc < 0 ? rc : rc == 1;
}

struct fdinfo_prefix {
	const char *prefix;
	int n;
};

static int count_prefix(const char *key, const char *val, void *arg)
{
	struct fdinfo_prefix *q = arg;

	q->n += !strncmp(key, q->prefix, strlen(q->prefix));
	return 0;
}

int fdinfo_count(pid_t pid, int fd, const char *prefix)
{
	struct fdinfo_prefix q = { .prefix = prefix };
	int rc;

	if (strchr(prefix, ':'))
		return -EINVAL;		/* a key never holds one */
	rc = fdinfo_foreach(pid, fd, count_prefix, &q);

	return rc ? rc : q.n;
}
