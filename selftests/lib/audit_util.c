// SPDX-License-Identifier: GPL-2.0
/* Helpers for the audit selftests; see audit_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_util.h"

static FILE *open_fdinfo(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return fopen(path, "r");
}

int audit_fdinfo_str(int fd, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	char line[1024];
	int rc = -ENOENT;
	FILE *f = open_fdinfo(fd);

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + klen + 1;

		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(val, len, "%s", v);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

long long audit_fdinfo_num(int fd, const char *key)
{
	char val[64], *end;
	long long n;

	if (audit_fdinfo_str(fd, key, val, sizeof(val)) || !val[0])
		return -1;
	n = strtoll(val, &end, 10);
	return *end ? -1 : n;
}

int audit_fdinfo_dm_op(int fd, const char *name, uint64_t *calls, uint64_t *failures)
{
	char key[96], val[64];
	unsigned long long c, f;
	int rc;

	snprintf(key, sizeof(key), "privcmd.dm_op.%s", name);
	rc = audit_fdinfo_str(fd, key, val, sizeof(val));
	if (rc)
		return rc;
	if (sscanf(val, "%llu %llu", &c, &f) != 2)
		return -EINVAL;
	*calls = c;
	*failures = f;
	return 0;
}

int audit_fdinfo_count(int fd, const char *prefix)
{
	char line[1024];
	int n = 0;
	FILE *f = open_fdinfo(fd);

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, prefix, strlen(prefix));
	fclose(f);
	return n;
}

int audit_allowlist(int fd, uint64_t allowed)
{
	struct privcmd_dm_op_allowlist a = { .size = sizeof(a), .allowed = allowed };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP_ALLOWLIST, &a) ? -errno : 0;
}

int audit_query(int fd, struct privcmd_audit_query *q)
{
	memset(q, 0, sizeof(*q));
	q->size = sizeof(*q);
	return ioctl(fd, IOCTL_PRIVCMD_AUDIT_QUERY, q) ? -errno : 0;
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
