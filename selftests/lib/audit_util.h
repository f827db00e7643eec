/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the audit selftests: fdinfo keys of our drivers, a private
 * tracefs instance to read our tracepoints, and the audit ioctls.
 */
#ifndef XEN_DMOP_SELFTEST_AUDIT_UTIL_H
#define XEN_DMOP_SELFTEST_AUDIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/xen/privcmd.h>

/*
 * The value of "@key:" in /proc/self/fdinfo/@fd copied into @val (tab
 * after the colon skipped, newline stripped): 0, -ENOENT without such a
 * key, or -errno.
 */
int audit_fdinfo_str(int fd, const char *key, char *val, size_t len);
/* The same as a number, or -1 when the key is absent or not a number. */
long long audit_fdinfo_num(int fd, const char *key);
/* "privcmd.dm_op.<name>: <calls> <failures>": 0, or -ENOENT without the line. */
int audit_fdinfo_dm_op(int fd, const char *name, uint64_t *calls, uint64_t *failures);
/* How many lines of the fdinfo start with @prefix. */
int audit_fdinfo_count(int fd, const char *prefix);

/* IOCTL_PRIVCMD_DM_OP_ALLOWLIST with a v1 struct: 0 or -errno. */
int audit_allowlist(int fd, uint64_t allowed);
/* IOCTL_PRIVCMD_AUDIT_QUERY into @q (size set to v1): 0 or -errno. */
int audit_query(int fd, struct privcmd_audit_query *q);

/**
 * struct audit_trace - a private tracefs instance (its own ring buffer),
 * so that tests do not see each other's events or disturb the system's.
 * @dir: /sys/kernel/tracing/instances/<name>.
 */
struct audit_trace {
	char dir[128];
};

#define AUDIT_TRACEFS "/sys/kernel/tracing"

/* Whether the events of @system (e.g. "xen_privcmd") exist in tracefs. */
bool audit_trace_system_exists(const char *system);
/* Create the instance and enable every event of @system in it: 0 or -errno. */
int audit_trace_start(struct audit_trace *t, const char *system);
/*
 * The instance's trace so far, NUL-terminated, malloc()ed (NULL on
 * error); the lines are "... <event>: <fields>".
 */
char *audit_trace_read(struct audit_trace *t);
/* Disable and remove the instance. */
void audit_trace_stop(struct audit_trace *t);
/* How many lines of @text contain every one of the NULL-terminated @needles. */
int audit_count_lines(const char *text, const char *const *needles);

#endif
