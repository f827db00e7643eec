// SPDX-License-Identifier: GPL-2.0
/* Our drivers' debugfs live counters; see live.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "live.h"
#include "proc_files.h"

#define DEBUGFS_MAGIC 0x64626720

int live_mount_debugfs(void)
{
	struct statfs st;

	if (!statfs(DEBUGFS, &st) && st.f_type == DEBUGFS_MAGIC)
		return 0;
	return mount("debugfs", DEBUGFS, "debugfs", 0, NULL) ? -errno : 0;
}

static int add_line(const char *key, const char *val, void *arg)
{
	struct live *l = arg;

	if (l->n == LIVE_MAX || strlen(key) >= sizeof(l->key[0]))
		return -E2BIG;
	if (live_get(l, key) != -ENOENT || kv_parse_num(val, &l->val[l->n]))
		return -EBADMSG;
	strcpy(l->key[l->n++], key);
	return 0;
}

int live_read(const char *mod, struct live *l)
{
	char path[128];
	int rc;

	memset(l, 0, sizeof(*l));
	l->mod = mod;
	snprintf(path, sizeof(path), DEBUGFS "/%s/live", mod);
	rc = kv_foreach(path, add_line, l);
	if (!rc && !l->n)
		rc = -EBADMSG;
	return rc ? rc : l->n;
}

long long live_get(const struct live *l, const char *key)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->key[i], key))
			return l->val[i];
	return -ENOENT;
}

bool live_equal(const struct live *a, const struct live *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (live_get(b, a->key[i]) != a->val[i])
			return false;
	return true;
}

long long live_value(const char *mod, const char *key)
{
	struct live l;
	int rc = live_read(mod, &l);

	return rc < 0 ? rc : live_get(&l, key);
}
