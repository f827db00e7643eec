// SPDX-License-Identifier: LGPL-2.1-only
/*
 * Who holds /dev/xen/privcmd or /dev/xen/evtchn open, and how restricted:
 * a walk over procfs plus the fdinfo keys of xen-dmop's drivers.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/*
 * The fdinfo keys of xen-dmop's drivers, "key:\tvalue" lines beside the
 * kernel's pos/flags/mnt_id. This table is the one place that knows them
 * (documented in libdmop(7)); a driver without them (the distro's) leaves
 * everything "unknown".
 *   <dev>.restricted_domid: decimal domid, or "none" when unrestricted
 *   privcmd.dm_ops:         DMOPs issued through the file (decimal)
 *   privcmd.dm_ops_denied:  DMOPs the driver refused (decimal)
 */
enum key_type { KEY_DOMID, KEY_COUNT };

static const struct fdinfo_key {
	const char *name;
	enum key_type type;
	size_t off;
} fdinfo_keys[] = {
	{ "privcmd.restricted_domid", KEY_DOMID,
	  offsetof(struct dmop_fd_status, restricted_domid) },
	{ "evtchn.restricted_domid", KEY_DOMID,
	  offsetof(struct dmop_fd_status, restricted_domid) },
	{ "privcmd.dm_ops", KEY_COUNT, offsetof(struct dmop_fd_status, dm_ops) },
	{ "privcmd.dm_ops_denied", KEY_COUNT,
	  offsetof(struct dmop_fd_status, dm_ops_denied) },
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int apply_key(const struct fdinfo_key *k, const char *val,
		     struct dmop_fd_status *st)
{
	char *field = (char *)st + k->off;
	uint64_t v;

	if (k->type == KEY_DOMID) {
		if (!strcmp(val, "none")) {
			*(int32_t *)field = DMOP_RESTRICT_NONE;
			return 0;
		}
		if (parse_u64(val, &v) || v > DMOP_DOMID_INVALID)
			return -EINVAL;
		*(int32_t *)field = v == DMOP_DOMID_INVALID ? DMOP_RESTRICT_NONE
							     : (int32_t)v;
		return 0;
	}
	if (parse_u64(val, &v))
		return -EINVAL;
	*(uint64_t *)field = v;
	/* both counters come together from a driver that has them */
	st->have_counters = 1;
	return 0;
}

DMOP_EXPORT int dmop_fdinfo_parse(const char *text, struct dmop_fd_status *st)
{
	const char *line = text;

	if (!text || !st)
		return -EINVAL;
	st->restricted_domid = DMOP_RESTRICT_UNKNOWN;
	st->have_counters = 0;
	st->dm_ops = 0;
	st->dm_ops_denied = 0;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);

		if (colon) {
			char val[64];
			const char *v = colon + 1;
			size_t klen = colon - line, vlen;

			while (v < line + len && isspace((unsigned char)*v))
				v++;
			vlen = line + len - v;
			while (vlen && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			for (size_t i = 0; i < ARRAY_SIZE(fdinfo_keys); i++) {
				const struct fdinfo_key *k = &fdinfo_keys[i];

				if (strlen(k->name) != klen || strncmp(k->name, line, klen))
					continue;
				if (vlen >= sizeof(val))
					return -EINVAL;
				memcpy(val, v, vlen);
				val[vlen] = '\0';
				if (apply_key(k, val, st))
					return -EINVAL;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return 0;
}

DMOP_EXPORT int dmop_proc_unrestricted_dmops(const struct dmop_proc_status *p)
{
	int unknown = 0;

	for (unsigned int i = 0; i < p->nr_fds; i++) {
		const struct dmop_fd_status *f = &p->fds[i];

		if (f->dev != DMOP_DEV_PRIVCMD || f->restricted_domid >= 0)
			continue;
		if (f->restricted_domid == DMOP_RESTRICT_NONE && f->have_counters) {
			if (f->dm_ops)
				return 1;
			continue;
		}
		unknown = 1;
	}
	return unknown ? -1 : 0;
}

/* Read a small procfs file into @buf (NUL-terminated): 0 or -errno. */
static int read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	n = n < 0 ? -errno : 0;
	close(fd);
	buf[len] = '\0';
	return n;
}

static int dev_kind(const char *proc_fd, const char *target, int real_proc)
{
	struct stat st, dev;

	if (!strcmp(target, DMOP_PRIVCMD_PATH))
		return DMOP_DEV_PRIVCMD;
	if (!strcmp(target, DMOP_EVTCHN_PATH))
		return DMOP_DEV_EVTCHN;
	/* a node opened by another name: compare device numbers */
	if (!real_proc || stat(proc_fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (!stat(DMOP_PRIVCMD_PATH, &dev) && dev.st_rdev == st.st_rdev)
		return DMOP_DEV_PRIVCMD;
	if (!stat(DMOP_EVTCHN_PATH, &dev) && dev.st_rdev == st.st_rdev)
		return DMOP_DEV_EVTCHN;
	return -1;
}

static int add_fd(struct dmop_proc_status *p, const struct dmop_fd_status *f)
{
	struct dmop_fd_status *n = realloc(p->fds, (p->nr_fds + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->fds = n;
	p->fds[p->nr_fds++] = *f;
	return 0;
}

static void read_ids(const char *proc, pid_t pid, struct dmop_proc_status *p)
{
	char path[PATH_MAX], buf[4096], *l;

	snprintf(path, sizeof(path), "%s/%d/comm", proc, (int)pid);
	if (!read_file(path, p->comm, sizeof(p->comm)))
		p->comm[strcspn(p->comm, "\n")] = '\0';
	p->uid = (uid_t)-1;
	p->euid = (uid_t)-1;
	p->no_new_privs = -1;
	snprintf(path, sizeof(path), "%s/%d/status", proc, (int)pid);
	if (!read_file(path, buf, sizeof(buf))) {
		unsigned int nnp;
		unsigned int r, e;

		l = strstr(buf, "\nUid:");
		if (l && sscanf(l + 5, "%u %u", &r, &e) == 2) {
			p->uid = r;
			p->euid = e;
		}
		l = strstr(buf, "\nNoNewPrivs:");
		if (l && sscanf(l + 12, "%u", &nnp) == 1)
			p->no_new_privs = !!nnp;
	}
	p->chrooted = -1;
	snprintf(path, sizeof(path), "%s/%d/root", proc, (int)pid);
	{
		char target[PATH_MAX];
		ssize_t n = readlink(path, target, sizeof(target) - 1);

		if (n > 0) {
			target[n] = '\0';
			p->chrooted = strcmp(target, "/") != 0;
		}
	}
}

/*
 * Fill @p for @pid. Returns 0, -ESRCH when the process is gone, -ENOMEM;
 * a process whose fds we may not read is reported without files.
 */
static int scan_pid(const char *proc, pid_t pid, struct dmop_proc_status *p,
		    int real_proc)
{
	char dir[PATH_MAX], path[PATH_MAX + 512], target[PATH_MAX];
	struct dirent *d;
	DIR *fds;
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(dir, sizeof(dir), "%s/%d/fd", proc, (int)pid);
	fds = opendir(dir);
	if (!fds) {
		if (errno == ENOENT)
			return -ESRCH;
		/* not ours to look into: say who it is, without files */
		read_ids(proc, pid, p);
		return 0;
	}
	while ((d = readdir(fds))) {
		struct dmop_fd_status f = { 0 };
		char info[4096];
		ssize_t n;
		int kind;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		kind = dev_kind(path, target, real_proc);
		if (kind < 0)
			continue;
		f.fd = atoi(d->d_name);
		f.dev = kind;
		snprintf(path, sizeof(path), "%s/%d/fdinfo/%s", proc, (int)pid,
			 d->d_name);
		if (read_file(path, info, sizeof(info)) ||
		    dmop_fdinfo_parse(info, &f)) {
			/* unreadable or malformed: say unknown, not wrong */
			f.restricted_domid = DMOP_RESTRICT_UNKNOWN;
			f.have_counters = 0;
		}
		f.fd = atoi(d->d_name);
		f.dev = kind;
		err = add_fd(p, &f);
		if (err)
			break;
	}
	closedir(fds);
	if (!err)
		read_ids(proc, pid, p);
	return err;
}

static int cmp_fd(const void *a, const void *b)
{
	const struct dmop_fd_status *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int push(struct dmop_proc_status **out, size_t *nr, size_t *cap,
		struct dmop_proc_status *p)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct dmop_proc_status *n = realloc(*out, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		*out = n;
		*cap = ncap;
	}
	if (p->nr_fds)
		qsort(p->fds, p->nr_fds, sizeof(p->fds[0]), cmp_fd);
	(*out)[(*nr)++] = *p;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct dmop_proc_status *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

DMOP_EXPORT int dmop_status_scan(const char *proc, const pid_t *pids,
				 size_t nr_pids, struct dmop_proc_status **out,
				 size_t *nr)
{
	struct dmop_proc_status *res = NULL, p;
	size_t n = 0, cap = 0;
	int real_proc, err = 0;
	struct dirent *d;
	DIR *dir;

	if (!out || !nr || (nr_pids && !pids))
		return -EINVAL;
	if (!proc)
		proc = "/proc";
	real_proc = !strcmp(proc, "/proc");
	if (pids) {
		for (size_t i = 0; i < nr_pids && !err; i++) {
			err = scan_pid(proc, pids[i], &p, real_proc);
			if (!err)
				err = push(&res, &n, &cap, &p);
			else
				free(p.fds);
		}
		goto out;
	}
	dir = opendir(proc);
	if (!dir)
		return -errno;
	while (!err && (d = readdir(dir))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		err = scan_pid(proc, pid, &p, real_proc);
		if (err == -ESRCH) {
			/* exited while we looked */
			err = 0;
			continue;
		}
		if (!err && p.nr_fds)
			err = push(&res, &n, &cap, &p);
		else
			free(p.fds);
	}
	closedir(dir);
	if (!err && n)
		qsort(res, n, sizeof(*res), cmp_pid);
out:
	if (err) {
		dmop_status_free(res, n);
		return err;
	}
	*out = res;
	*nr = n;
	return 0;
}

DMOP_EXPORT void dmop_status_free(struct dmop_proc_status *procs, size_t nr)
{
	if (!procs)
		return;
	for (size_t i = 0; i < nr; i++)
		free(procs[i].fds);
	free(procs);
}

static const char *dev_name(enum dmop_dev dev)
{
	return dev == DMOP_DEV_EVTCHN ? "evtchn" : "privcmd";
}

static const char *tri(int v, const char *yes, const char *no)
{
	return v < 0 ? "unknown" : v ? yes : no;
}

static int print_text(FILE *f, const struct dmop_proc_status *procs, size_t nr)
{
	unsigned int unknown = 0;

	if (!nr)
		fprintf(f, "no process holds %s or %s open\n", DMOP_PRIVCMD_PATH,
			DMOP_EVTCHN_PATH);
	for (size_t i = 0; i < nr; i++) {
		const struct dmop_proc_status *p = &procs[i];
		int bad = dmop_proc_unrestricted_dmops(p);

		fprintf(f, "pid %d (%s) uid %d euid %d chrooted %s no_new_privs %s%s\n",
			(int)p->pid, p->comm, (int)p->uid, (int)p->euid,
			tri(p->chrooted, "yes", "no"), tri(p->no_new_privs, "yes", "no"),
			bad > 0 ? "  UNRESTRICTED DMOPS" : "");
		if (!p->nr_fds)
			fprintf(f, "  no Xen files open\n");
		for (unsigned int j = 0; j < p->nr_fds; j++) {
			const struct dmop_fd_status *x = &p->fds[j];

			fprintf(f, "  fd %d %s ", x->fd, dev_name(x->dev));
			if (x->restricted_domid >= 0)
				fprintf(f, "restricted to domain %d", (int)x->restricted_domid);
			else if (x->restricted_domid == DMOP_RESTRICT_NONE)
				fprintf(f, "unrestricted");
			else
				fprintf(f, "restriction unknown");
			if (x->have_counters && x->dev == DMOP_DEV_PRIVCMD)
				fprintf(f, ", dm_ops %" PRIu64 " (denied %" PRIu64 ")",
					x->dm_ops, x->dm_ops_denied);
			else if (x->dev == DMOP_DEV_PRIVCMD)
				fprintf(f, ", dm_ops unknown");
			fputc('\n', f);
			if (x->restricted_domid == DMOP_RESTRICT_UNKNOWN)
				unknown++;
		}
	}
	if (unknown)
		fprintf(f, "note: %u file(s) without restriction or DMOP counters: the loaded driver publishes no privcmd./evtchn. fdinfo keys (the distro's in-tree drivers do not)\n",
			unknown);
	return ferror(f) ? -EIO : 0;
}

static void json_u64_or_null(FILE *f, const char *key, int have, uint64_t v)
{
	if (have)
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_tri(FILE *f, const char *key, int v)
{
	fprintf(f, ",\"%s\":%s", key, v < 0 ? "null" : v ? "true" : "false");
}

static int print_json(FILE *f, const struct dmop_proc_status *procs, size_t nr)
{
	fputs("{\"version\":1,\"processes\":[", f);
	for (size_t i = 0; i < nr; i++) {
		const struct dmop_proc_status *p = &procs[i];

		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)p->pid);
		if (dmop_json_string(f, p->comm))
			return -EIO;
		fprintf(f, ",\"uid\":%d,\"euid\":%d", (int)p->uid, (int)p->euid);
		json_tri(f, "chrooted", p->chrooted);
		json_tri(f, "no_new_privs", p->no_new_privs);
		json_tri(f, "unrestricted_dmops", dmop_proc_unrestricted_dmops(p));
		fputs(",\"files\":[", f);
		for (unsigned int j = 0; j < p->nr_fds; j++) {
			const struct dmop_fd_status *x = &p->fds[j];
			int counters = x->have_counters && x->dev == DMOP_DEV_PRIVCMD;

			fprintf(f, "%s{\"fd\":%d,\"device\":\"%s\",\"restriction\":\"%s\"",
				j ? "," : "", x->fd, dev_name(x->dev),
				x->restricted_domid >= 0 ? "domain" :
				x->restricted_domid == DMOP_RESTRICT_NONE ? "none" : "unknown");
			if (x->restricted_domid >= 0)
				fprintf(f, ",\"restricted_domid\":%d", (int)x->restricted_domid);
			else
				fputs(",\"restricted_domid\":null", f);
			json_u64_or_null(f, "dm_ops", counters, x->dm_ops);
			json_u64_or_null(f, "dm_ops_denied", counters, x->dm_ops_denied);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

DMOP_EXPORT int dmop_status_print(FILE *f, const struct dmop_proc_status *procs,
				  size_t nr, int json)
{
	if (!f || (nr && !procs))
		return -EINVAL;
	return json ? print_json(f, procs, nr) : print_text(f, procs, nr);
}
