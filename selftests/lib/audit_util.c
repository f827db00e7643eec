// SPDX-License-Identifier: GPL-2.0
/* Helpers for the audit selftests; see audit_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_util.h"
#include "proc_files.h"

int audit_fdinfo_dm_op(int fd, const char *name, uint64_t *calls, uint64_t *failures)
{
	char key[96], val[64], *sp;
	long long c, f;
	int rc;

	snprintf(key, sizeof(key), "privcmd.dm_op.%s", name);
	rc = fdinfo_str(0, fd, key, val, sizeof(val));
	if (rc)
		return rc;
	sp = strchr(val, ' ');
	if (!sp)
		return -EINVAL;
	*sp = '\0';
	if (kv_parse_num(val, &c) || kv_parse_num(sp + 1, &f))
		return -EINVAL;
	*calls = c;
	*failures = f;
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

bool audit_trace_system_exists(const char *system)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), AUDIT_TRACEFS "/events/%s", system);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int audit_trace_start(struct audit_trace *t, const char *system)
{
	char path[256];
	int rc;

	snprintf(t->dir, sizeof(t->dir), AUDIT_TRACEFS "/instances/xen_dmop_audit_%d",
		 (int)getpid());
	if (mkdir(t->dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/events/%s/enable", t->dir, system);
	rc = write_file(path, "1");
	if (rc)
		audit_trace_stop(t);
	return rc;
}

char *audit_trace_read(struct audit_trace *t)
{
	size_t len = 0, cap = 1 << 16;
	char path[256], *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

void audit_trace_stop(struct audit_trace *t)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/events/enable", t->dir);
	write_file(path, "0");
	rmdir(t->dir);
}

int audit_count_lines(const char *text, const char *const *needles)
{
	const char *line = text;
	int n = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[1024];
		bool all = true;

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		for (const char *const *p = needles; *p; p++)
			all &= strstr(buf, *p) != NULL;
		n += buf[0] != '#' && all;
		line = end ? end + 1 : NULL;
	}
	return n;
}
