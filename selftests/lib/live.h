/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Our drivers' live objects: debugfs <module>/live ("files:\t3" ...,
 * drivers/xen/privcmd-main.c, evtchn-main.c), read in one go. The in-tree
 * drivers have no such file.
 */
#ifndef XEN_DMOP_SELFTEST_LIVE_H
#define XEN_DMOP_SELFTEST_LIVE_H

#include <stdbool.h>

#define DEBUGFS "/sys/kernel/debug"

/* More keys than either driver prints. */
#define LIVE_MAX 16

/**
 * struct live - one reading of a module's live file.
 * @mod: the module ("xen_privcmd", "xen_evtchn").
 * @n: how many lines were read.
 * @key: their keys, in the file's order.
 * @val: their values.
 */
struct live {
	const char *mod;
	int n;
	char key[LIVE_MAX][32];
	long long val[LIVE_MAX];
};

/* Mount debugfs on DEBUGFS unless it is there already: 0 or -errno. */
int live_mount_debugfs(void);

/*
 * live_read() - read DEBUGFS/@mod/live into @l.
 *
 * Strict: every line is "key:<blanks>N" with N decimal digits only
 * (kv_parse_num()), keys are unique, and there is at least one.
 * Return: the number of lines, -EBADMSG for a line that is not so,
 * -E2BIG for more than LIVE_MAX lines or a key too long, or -errno.
 */
int live_read(const char *mod, struct live *l);

/* The value of @key in @l, or -ENOENT. */
long long live_get(const struct live *l, const char *key);

/* Whether @a and @b hold the same keys with the same values. */
bool live_equal(const struct live *a, const struct live *b);

/* One value of DEBUGFS/@mod/live, read afresh: >= 0, or -errno (-ENOENT: no such key). */
long long live_value(const char *mod, const char *key);

#endif
