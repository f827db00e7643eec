/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the audit selftests: the DMOP counter lines of privcmd's
 * fdinfo and a private tracefs instance to read our tracepoints. (The
 * audit ioctls are in privcmd_util.h, the fdinfo parser in proc_files.h.)
 */
#ifndef XEN_DMOP_SELFTEST_AUDIT_UTIL_H
#define XEN_DMOP_SELFTEST_AUDIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * audit_fdinfo_dm_op() - the line "privcmd.dm_op.<@name>:\t<calls> <failures>"
 * of our own @fd's fdinfo (lib/proc_files.h parses it), strictly: two
 * decimals (kv_parse_num()) separated by one space, nothing else.
 * Return: 0, -ENOENT without the line, -EINVAL when it is not so, or -errno.
 */
int audit_fdinfo_dm_op(int fd, const char *name, uint64_t *calls, uint64_t *failures);

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
