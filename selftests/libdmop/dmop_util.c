// SPDX-License-Identifier: GPL-2.0
/* The dmop command and other processes' Xen files, for the libdmop selftests. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmop_util.h"

#define MAX_ARGS 16

const char *dmop_cmd_path(void)
{
	const char *bin = getenv("DMOP_BIN");

	return bin && *bin ? bin : "/usr/bin/dmop";
}

static int start(struct dmop_cmd *c, char *const argv[])
{
	int p[2];

	if (pipe(p))
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (!c->pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execv(dmop_cmd_path(), argv);
		_exit(DMOP_EXIT_NOT_RUN);
	}
	close(p[1]);
	c->out = p[0];
	return 0;
}

static void collect(char *argv[], va_list ap)
{
	int n = 1;

	argv[0] = "dmop";
	while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, char *)))
		n++;
	argv[n] = NULL;
}

int dmop_cmd_start(struct dmop_cmd *c, ...)
{
	char *argv[MAX_ARGS];
	va_list ap;

	va_start(ap, c);
	collect(argv, ap);
	va_end(ap);
	return start(c, argv);
}

int dmop_cmd_read_until(struct dmop_cmd *c, char *buf, size_t size,
			const char *needle, int secs)
{
	time_t end = time(NULL) + secs;
	size_t len = strlen(buf);

	while (!(needle && strstr(buf, needle)) && time(NULL) < end && len < size - 1) {
		struct pollfd p = { .fd = c->out, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = read(c->out, buf + len, size - 1 - len);
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
	}
	return needle && strstr(buf, needle) != NULL;
}

int dmop_cmd_wait(struct dmop_cmd *c, char *buf, size_t size, int secs)
{
	int status, rc = -1;

	dmop_cmd_read_until(c, buf, size, NULL, secs);
	for (int i = 0; i < secs * 10; i++) {
		if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
			c->pid = 0;
			break;
		}
		usleep(100000);
	}
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &status, 0);
		c->pid = 0;
	}
	close(c->out);
	return rc;
}

int dmop_cmd_run(char *buf, size_t size, ...)
{
	char *argv[MAX_ARGS];
	struct dmop_cmd c;
	va_list ap;

	va_start(ap, size);
	collect(argv, ap);
	va_end(ap);
	buf[0] = '\0';
	if (start(&c, argv))
		return -1;
	return dmop_cmd_wait(&c, buf, size, 60);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int proc_dev_fds(pid_t pid, const char *dev, int *fds, int max)
{
	char dir[64], path[PATH_MAX], target[PATH_MAX];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((d = readdir(dp)) && n < max) {
		ssize_t len;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (!strcmp(target, dev))
			fds[n++] = atoi(d->d_name);
	}
	closedir(dp);
	qsort(fds, n, sizeof(fds[0]), cmp_int);
	return n;
}

int proc_fdinfo(pid_t pid, int fd, struct dmop_audit *a)
{
	char path[64], text[8192];
	ssize_t n;
	size_t len = 0;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	while (len < sizeof(text) - 1 && (n = read(f, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	close(f);
	text[len] = '\0';
	return dmop_fdinfo_parse(text, a);
}
