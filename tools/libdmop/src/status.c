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
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/*
 * The fdinfo keys of xen-dmop's drivers, "key:\tvalue" lines beside the
 * kernel's pos/flags/mnt_id. This table is the one place that knows them
 * (Documentation/ABI/testing/procfs-xen-{privcmd,evtchn}-fdinfo, summed up
 * in libdmop(7)); a driver without them (the distro's) leaves everything
 * "unknown". `dmop status`, `dmop policy` and the end-to-end audit all read
 * through it.
 */
enum key_type {
	KEY_DOMID,	/* decimal domid, or "none" */
	KEY_U64,	/* decimal counter */
	KEY_ALLOWLIST,	/* "all", "none", or sub-op names/op<N> */
	KEY_DM_OP,	/* prefix: privcmd.dm_op.<name>: <calls> <failures> */
};

#define FD_OFF(f) offsetof(struct dmop_fd_status, f)

static const struct fdinfo_key {
	const char *name;
	enum key_type type;
	size_t off;
	unsigned int have;
} fdinfo_keys[] = {
	{ "privcmd.restricted_domid", KEY_DOMID, FD_OFF(restricted_domid), 0 },
	{ "evtchn.restricted_domid", KEY_DOMID, FD_OFF(restricted_domid), 0 },
	{ "privcmd.allowlist", KEY_ALLOWLIST, FD_OFF(audit), DMOP_HAVE_ALLOWLIST },
	{ "privcmd.dm_ops", KEY_U64, FD_OFF(dm_ops), DMOP_HAVE_COUNTERS },
	{ "privcmd.dm_ops_denied", KEY_U64, FD_OFF(dm_ops_denied), DMOP_HAVE_COUNTERS },
	{ "privcmd.denied.hypercall", KEY_U64,
	  FD_OFF(audit.denied[DMOP_DENIED_HYPERCALL]), DMOP_HAVE_DENIED },
	{ "privcmd.denied.domid", KEY_U64,
	  FD_OFF(audit.denied[DMOP_DENIED_DOMID]), DMOP_HAVE_DENIED },
	{ "privcmd.denied.allowlist", KEY_U64,
	  FD_OFF(audit.denied[DMOP_DENIED_ALLOWLIST]), DMOP_HAVE_DENIED },
	{ "privcmd.mapped_pages", KEY_U64, FD_OFF(audit.mapped_pages), DMOP_HAVE_MAPPED },
	{ "privcmd.dm_op.", KEY_DM_OP, FD_OFF(audit), DMOP_HAVE_COUNTERS },
	{ "evtchn.ports", KEY_U64, FD_OFF(evtchn_ports), DMOP_HAVE_PORTS },
	{ "evtchn.denied", KEY_U64, FD_OFF(evtchn_denied), DMOP_HAVE_DENIED },
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

static int parse_allowlist(const char *val, struct dmop_audit *a)
{
	uint64_t mask = 0;

	a->allowlist_set = 1;
	if (!strcmp(val, "all")) {
		a->allowlist_set = 0;
		mask = ~0ULL;
	} else if (strcmp(val, "none")) {
		for (const char *p = val;; ) {
			size_t len = strcspn(p, ",");
			uint32_t op;

			if (dmop_op_parse_one(p, len, &op) || op >= DMOP_AUDIT_NR_OPS)
				return -EINVAL;
			mask |= 1ULL << op;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	a->allowed = mask;
	return 0;
}

/* "privcmd.dm_op.<name>" (@name, @nlen) with "<calls> <failures>". */
static int parse_dm_op(const char *name, size_t nlen, const char *val,
		       struct dmop_audit *a)
{
	uint64_t *calls, *failures;
	char c[24], f[24];
	uint64_t vc, vf;
	uint32_t op;

	if (nlen == 5 && !strncmp(name, "other", 5)) {
		calls = &a->calls_other;
		failures = &a->failures_other;
	} else {
		if (dmop_op_parse_one(name, nlen, &op) || op >= DMOP_AUDIT_NR_OPS)
			return -EINVAL;
		calls = &a->calls[op];
		failures = &a->failures[op];
	}
	if (sscanf(val, "%23s %23s", c, f) != 2 || parse_u64(c, &vc) ||
	    parse_u64(f, &vf) || vf > vc)
		return -EINVAL;
	*calls = vc;
	*failures = vf;
	return 0;
}

static int apply_key(const struct fdinfo_key *k, const char *key, size_t klen,
		     const char *val, struct dmop_fd_status *st)
{
	char *field = (char *)st + k->off;
	uint64_t v;
	int err = 0;

	switch (k->type) {
	case KEY_DOMID:
		if (!strcmp(val, "none")) {
			*(int32_t *)field = DMOP_RESTRICT_NONE;
			return 0;
		}
		if (parse_u64(val, &v) || v > DMOP_DOMID_INVALID)
			return -EINVAL;
		*(int32_t *)field = v == DMOP_DOMID_INVALID ? DMOP_RESTRICT_NONE
							     : (int32_t)v;
		return 0;
	case KEY_U64:
		err = parse_u64(val, &v);
		if (!err)
			*(uint64_t *)field = v;
		break;
	case KEY_ALLOWLIST:
		err = parse_allowlist(val, &st->audit);
		break;
	case KEY_DM_OP:
		err = parse_dm_op(key + strlen(k->name), klen - strlen(k->name), val,
				  &st->audit);
		break;
	}
	if (err)
		return -EINVAL;
	st->have |= k->have;
	return 0;
}

static const struct fdinfo_key *find_key(const char *key, size_t klen)
{
	for (size_t i = 0; i < ARRAY_SIZE(fdinfo_keys); i++) {
		const struct fdinfo_key *k = &fdinfo_keys[i];
		size_t n = strlen(k->name);

		if (k->type == KEY_DM_OP ? klen > n && !strncmp(k->name, key, n) :
		    klen == n && !strncmp(k->name, key, n))
			return k;
	}
	return NULL;
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
	st->have = 0;
	memset(&st->audit, 0, sizeof(st->audit));
	st->audit.allowlist_set = -1;
	st->audit.allowed = ~0ULL;
	st->evtchn_ports = 0;
	st->evtchn_denied = 0;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		const struct fdinfo_key *k;

		if (colon && (k = find_key(line, colon - line))) {
			char val[1024];
			const char *v = colon + 1;
			size_t vlen;

			while (v < line + len && isspace((unsigned char)*v))
				v++;
			vlen = line + len - v;
			while (vlen && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			if (vlen >= sizeof(val))
				return -EINVAL;
			memcpy(val, v, vlen);
			val[vlen] = '\0';
			if (apply_key(k, line, colon - line, val, st))
				return -EINVAL;
		}
		line = nl ? nl + 1 : NULL;
	}
	/* both counters come together from a driver that has them */
	st->have_counters = !!(st->have & DMOP_HAVE_COUNTERS);
	st->audit.restricted_domid = st->restricted_domid;
	st->audit.dm_ops = st->dm_ops;
	st->audit.dm_ops_denied = st->dm_ops_denied;
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

DMOP_EXPORT int dmop_proc_policy(const struct dmop_proc_status *p, uint32_t *ops,
				 unsigned int max, unsigned int *nr)
{
	uint32_t used[DMOP_AUDIT_NR_OPS];
	uint64_t mask = 0, other = 0;
	unsigned int n;

	if (!p || !nr || (max && !ops))
		return -EINVAL;
	for (unsigned int i = 0; i < p->nr_fds; i++) {
		const struct dmop_fd_status *f = &p->fds[i];

		if (f->dev != DMOP_DEV_PRIVCMD)
			continue;
		/* a file we cannot see into could have used anything */
		if (!(f->have & DMOP_HAVE_COUNTERS))
			return -ENODATA;
		for (unsigned int op = 0; op < DMOP_AUDIT_NR_OPS; op++)
			if (f->audit.calls[op])
				mask |= 1ULL << op;
		other += f->audit.calls_other;
	}
	if (other)
		return -ERANGE;
	n = dmop_audit_ops(mask, used);
	if (n > max)
		return -E2BIG;
	memcpy(ops, used, n * sizeof(used[0]));
	*nr = n;
	return 0;
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
		char info[8192];
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
			dmop_fdinfo_parse("", &f);
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

/* A sub-op as the driver's fdinfo names it. */
static const char *op_label(uint32_t op, char *buf, size_t size)
{
	const char *name = dmop_op_name(op);

	if (name)
		return name;
	snprintf(buf, size, "op%u", (unsigned int)op);
	return buf;
}

static void print_allowlist_text(FILE *f, const struct dmop_audit *a)
{
	char buf[16];
	int first = 1;

	if (!a->allowlist_set) {
		fputs("all (no allowlist)", f);
		return;
	}
	if (!a->allowed)
		fputs("none", f);
	for (uint32_t op = 0; op < DMOP_AUDIT_NR_OPS; op++) {
		if (!(a->allowed & (1ULL << op)))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", op_label(op, buf, sizeof(buf)));
		first = 0;
	}
}

/* The privcmd file's allowlist, denials and per-sub-op table, if published. */
static void print_audit_text(FILE *f, const struct dmop_fd_status *x)
{
	const struct dmop_audit *a = &x->audit;
	char buf[16];
	int any = 0;

	if (x->have & DMOP_HAVE_ALLOWLIST) {
		fputs("    allowlist: ", f);
		print_allowlist_text(f, a);
		fputc('\n', f);
	}
	if (x->have & DMOP_HAVE_DENIED)
		fprintf(f, "    denied: hypercall %" PRIu64 ", domid %" PRIu64
			", allowlist %" PRIu64 "\n", a->denied[DMOP_DENIED_HYPERCALL],
			a->denied[DMOP_DENIED_DOMID], a->denied[DMOP_DENIED_ALLOWLIST]);
	if (x->have & DMOP_HAVE_MAPPED)
		fprintf(f, "    mapped pages: %" PRIu64 "\n", a->mapped_pages);
	for (uint32_t op = 0; op <= DMOP_AUDIT_NR_OPS; op++) {
		int other = op == DMOP_AUDIT_NR_OPS;
		uint64_t calls = other ? a->calls_other : a->calls[op];
		uint64_t fails = other ? a->failures_other : a->failures[op];

		if (!calls)
			continue;
		if (!any++)
			fprintf(f, "    %-34s %10s %10s\n", "sub-op", "calls", "failures");
		fprintf(f, "    %-34s %10" PRIu64 " %10" PRIu64 "\n",
			other ? "other" : op_label(op, buf, sizeof(buf)), calls, fails);
	}
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
			if (x->dev == DMOP_DEV_EVTCHN && (x->have & DMOP_HAVE_PORTS))
				fprintf(f, ", ports %" PRIu64, x->evtchn_ports);
			if (x->dev == DMOP_DEV_EVTCHN && (x->have & DMOP_HAVE_DENIED))
				fprintf(f, " (binds denied %" PRIu64 ")", x->evtchn_denied);
			fputc('\n', f);
			if (x->dev == DMOP_DEV_PRIVCMD)
				print_audit_text(f, x);
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

/*
 * "allowlist": "all" or [names] (null: unknown), "denied": {...},
 * "mapped_pages", and "dm_op": {name: {"calls", "failures"}} for the
 * sub-ops used (null when the driver publishes no per-sub-op counters).
 */
static void print_audit_json(FILE *f, const struct dmop_fd_status *x)
{
	const struct dmop_audit *a = &x->audit;
	char buf[16];
	int first = 1;

	fputs(",\"allowlist\":", f);
	if (!(x->have & DMOP_HAVE_ALLOWLIST)) {
		fputs("null", f);
	} else if (!a->allowlist_set) {
		fputs("\"all\"", f);
	} else {
		fputc('[', f);
		for (uint32_t op = 0; op < DMOP_AUDIT_NR_OPS; op++) {
			if (!(a->allowed & (1ULL << op)))
				continue;
			fprintf(f, "%s\"%s\"", first ? "" : ",", op_label(op, buf, sizeof(buf)));
			first = 0;
		}
		fputc(']', f);
	}
	if (x->have & DMOP_HAVE_DENIED)
		fprintf(f, ",\"denied\":{\"hypercall\":%" PRIu64 ",\"domid\":%" PRIu64
			",\"allowlist\":%" PRIu64 "}", a->denied[DMOP_DENIED_HYPERCALL],
			a->denied[DMOP_DENIED_DOMID], a->denied[DMOP_DENIED_ALLOWLIST]);
	else
		fputs(",\"denied\":null", f);
	json_u64_or_null(f, "mapped_pages", x->have & DMOP_HAVE_MAPPED, a->mapped_pages);
	fputs(",\"dm_op\":", f);
	if (!(x->have & DMOP_HAVE_COUNTERS)) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	first = 1;
	for (uint32_t op = 0; op <= DMOP_AUDIT_NR_OPS; op++) {
		int other = op == DMOP_AUDIT_NR_OPS;
		uint64_t calls = other ? a->calls_other : a->calls[op];

		if (!calls)
			continue;
		fprintf(f, "%s\"%s\":{\"op\":", first ? "" : ",",
			other ? "other" : op_label(op, buf, sizeof(buf)));
		if (other)
			fputs("null", f);
		else
			fprintf(f, "%u", (unsigned int)op);
		fprintf(f, ",\"calls\":%" PRIu64 ",\"failures\":%" PRIu64 "}", calls,
			other ? a->failures_other : a->failures[op]);
		first = 0;
	}
	fputc('}', f);
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
			if (x->dev == DMOP_DEV_PRIVCMD) {
				print_audit_json(f, x);
			} else {
				json_u64_or_null(f, "ports", x->have & DMOP_HAVE_PORTS,
						 x->evtchn_ports);
				json_u64_or_null(f, "binds_denied", x->have & DMOP_HAVE_DENIED,
						 x->evtchn_denied);
			}
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
