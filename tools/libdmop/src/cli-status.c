// SPDX-License-Identifier: LGPL-2.1-only
/*
 * `dmop status` and `dmop policy`: who holds /dev/xen/privcmd or
 * /dev/xen/evtchn open, and how restricted, from a walk over procfs and
 * libdmop's fdinfo parser; printed as text or JSON.
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

#include "libdmop.h"
#include "cli.h"

int cli_unrestricted_dmops(const struct cli_proc *p)
{
	int unknown = 0;

	for (unsigned int i = 0; i < p->nr_fds; i++) {
		const struct cli_fd *f = &p->fds[i];

		if (f->dev != CLI_DEV_PRIVCMD || f->a.restricted_domid >= 0)
			continue;
		if (f->a.restricted_domid == DMOP_RESTRICT_NONE && (f->a.have & DMOP_HAVE_COUNTERS)) {
			if (f->a.dm_ops)
				return 1;
			continue;
		}
		unknown = 1;
	}
	return unknown ? -1 : 0;
}

int cli_policy(const struct cli_proc *p, uint32_t *ops, unsigned int max,
	       unsigned int *nr)
{
	uint32_t used[DMOP_AUDIT_NR_OPS];
	uint64_t mask = 0, other = 0;
	unsigned int n;

	if (!p || !nr || (max && !ops))
		return -EINVAL;
	for (unsigned int i = 0; i < p->nr_fds; i++) {
		const struct cli_fd *f = &p->fds[i];

		if (f->dev != CLI_DEV_PRIVCMD)
			continue;
		/* a file we cannot see into could have used anything */
		if (!(f->a.have & DMOP_HAVE_COUNTERS))
			return -ENODATA;
		for (unsigned int op = 0; op < DMOP_AUDIT_NR_OPS; op++)
			if (f->a.calls[op])
				mask |= 1ULL << op;
		other += f->a.calls_other;
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

	if (!strcmp(target, CLI_PRIVCMD_PATH))
		return CLI_DEV_PRIVCMD;
	if (!strcmp(target, CLI_EVTCHN_PATH))
		return CLI_DEV_EVTCHN;
	/* a node opened by another name: compare device numbers */
	if (!real_proc || stat(proc_fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (!stat(CLI_PRIVCMD_PATH, &dev) && dev.st_rdev == st.st_rdev)
		return CLI_DEV_PRIVCMD;
	if (!stat(CLI_EVTCHN_PATH, &dev) && dev.st_rdev == st.st_rdev)
		return CLI_DEV_EVTCHN;
	return -1;
}

static int add_fd(struct cli_proc *p, const struct cli_fd *f)
{
	struct cli_fd *n = realloc(p->fds, (p->nr_fds + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->fds = n;
	p->fds[p->nr_fds++] = *f;
	return 0;
}

static void read_ids(const char *proc, pid_t pid, struct cli_proc *p)
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
static int scan_pid(const char *proc, pid_t pid, struct cli_proc *p,
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
		struct cli_fd f = { 0 };
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
		f.a.sz = sizeof(f.a);
		snprintf(path, sizeof(path), "%s/%d/fdinfo/%s", proc, (int)pid,
			 d->d_name);
		if (read_file(path, info, sizeof(info)) ||
		    dmop_fdinfo_parse(info, &f.a)) {
			/* unreadable or malformed: say unknown, not wrong */
			dmop_fdinfo_parse("", &f.a);
		}
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
	const struct cli_fd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

static int push(struct cli_proc **out, size_t *nr, size_t *cap,
		struct cli_proc *p)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct cli_proc *n = realloc(*out, ncap * sizeof(*n));

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
	const struct cli_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int cli_status_scan(const char *proc, const pid_t *pids, size_t nr_pids,
		    struct cli_proc **out, size_t *nr)
{
	struct cli_proc *res = NULL, p;
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
		cli_status_free(res, n);
		return err;
	}
	*out = res;
	*nr = n;
	return 0;
}

void cli_status_free(struct cli_proc *procs, size_t nr)
{
	if (!procs)
		return;
	for (size_t i = 0; i < nr; i++)
		free(procs[i].fds);
	free(procs);
}

static const char *dev_name(enum cli_dev dev)
{
	return dev == CLI_DEV_EVTCHN ? "evtchn" : "privcmd";
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
static void print_audit_text(FILE *f, const struct cli_fd *x)
{
	const struct dmop_audit *a = &x->a;
	char buf[16];
	int any = 0;

	if (x->a.have & DMOP_HAVE_ALLOWLIST) {
		fputs("    allowlist: ", f);
		print_allowlist_text(f, a);
		fputc('\n', f);
	}
	if (x->a.have & DMOP_HAVE_DENIED)
		fprintf(f, "    denied: hypercall %" PRIu64 ", domid %" PRIu64
			", allowlist %" PRIu64 "\n", a->denied[DMOP_DENIED_HYPERCALL],
			a->denied[DMOP_DENIED_DOMID], a->denied[DMOP_DENIED_ALLOWLIST]);
	if (x->a.have & DMOP_HAVE_MAPPED)
		fprintf(f, "    mapped pages: %" PRIu64 "\n", a->mapped_pages);
	if (x->a.have & DMOP_HAVE_EVENTFDS) {
		fprintf(f, "    irqfds: %" PRIu64 " live, injections %" PRIu64
			", denied %" PRIu64 "\n", a->irqfds, a->irqfd_injections,
			a->irqfd_denied);
		fprintf(f, "    ioeventfds: %" PRIu64 " live, notifies %" PRIu64
			", denied %" PRIu64 "\n", a->ioeventfds, a->ioeventfd_notifies,
			a->ioeventfd_denied);
	}
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

static int print_text(FILE *f, const struct cli_proc *procs, size_t nr)
{
	unsigned int unknown = 0;

	if (!nr)
		fprintf(f, "no process holds %s or %s open\n", CLI_PRIVCMD_PATH,
			CLI_EVTCHN_PATH);
	for (size_t i = 0; i < nr; i++) {
		const struct cli_proc *p = &procs[i];
		int bad = cli_unrestricted_dmops(p);

		fprintf(f, "pid %d (%s) uid %d euid %d chrooted %s no_new_privs %s%s\n",
			(int)p->pid, p->comm, (int)p->uid, (int)p->euid,
			tri(p->chrooted, "yes", "no"), tri(p->no_new_privs, "yes", "no"),
			bad > 0 ? "  UNRESTRICTED DMOPS" : "");
		if (!p->nr_fds)
			fprintf(f, "  no Xen files open\n");
		for (unsigned int j = 0; j < p->nr_fds; j++) {
			const struct cli_fd *x = &p->fds[j];

			fprintf(f, "  fd %d %s ", x->fd, dev_name(x->dev));
			if (x->a.restricted_domid >= 0)
				fprintf(f, "restricted to domain %d", (int)x->a.restricted_domid);
			else if (x->a.restricted_domid == DMOP_RESTRICT_NONE)
				fprintf(f, "unrestricted");
			else
				fprintf(f, "restriction unknown");
			if ((x->a.have & DMOP_HAVE_COUNTERS) && x->dev == CLI_DEV_PRIVCMD)
				fprintf(f, ", dm_ops %" PRIu64 " (denied %" PRIu64 ")",
					x->a.dm_ops, x->a.dm_ops_denied);
			else if (x->dev == CLI_DEV_PRIVCMD)
				fprintf(f, ", dm_ops unknown");
			if (x->dev == CLI_DEV_EVTCHN && (x->a.have & DMOP_HAVE_PORTS))
				fprintf(f, ", ports %" PRIu64, x->a.evtchn_ports);
			if (x->dev == CLI_DEV_EVTCHN && (x->a.have & DMOP_HAVE_DENIED))
				fprintf(f, " (binds denied %" PRIu64 ")", x->a.evtchn_denied);
			fputc('\n', f);
			if (x->dev == CLI_DEV_PRIVCMD)
				print_audit_text(f, x);
			if (x->a.restricted_domid == DMOP_RESTRICT_UNKNOWN)
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
 * The fdinfo keys of the file's irqfds and ioeventfds under their own
 * names, each null when the driver does not publish them.
 */
static void print_eventfds_json(FILE *f, const struct cli_fd *x)
{
	const struct dmop_audit *a = &x->a;
	int have = !!(a->have & DMOP_HAVE_EVENTFDS);

	json_u64_or_null(f, "irqfds", have, a->irqfds);
	json_u64_or_null(f, "irqfd_injections", have, a->irqfd_injections);
	json_u64_or_null(f, "irqfd_denied", have, a->irqfd_denied);
	json_u64_or_null(f, "ioeventfds", have, a->ioeventfds);
	json_u64_or_null(f, "ioeventfd_notifies", have, a->ioeventfd_notifies);
	json_u64_or_null(f, "ioeventfd_denied", have, a->ioeventfd_denied);
}

/*
 * "allowlist": "all" or [names] (null: unknown), "denied": {...},
 * "mapped_pages", "dm_op": {name: {"calls", "failures"}} for the
 * sub-ops used (null when the driver publishes no per-sub-op counters),
 * then (since libdmop 1.1) "irqfds", "irqfd_injections", "irqfd_denied",
 * "ioeventfds", "ioeventfd_notifies", "ioeventfd_denied".
 */
static void print_audit_json(FILE *f, const struct cli_fd *x)
{
	const struct dmop_audit *a = &x->a;
	char buf[16];
	int first = 1;

	fputs(",\"allowlist\":", f);
	if (!(x->a.have & DMOP_HAVE_ALLOWLIST)) {
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
	if (x->a.have & DMOP_HAVE_DENIED)
		fprintf(f, ",\"denied\":{\"hypercall\":%" PRIu64 ",\"domid\":%" PRIu64
			",\"allowlist\":%" PRIu64 "}", a->denied[DMOP_DENIED_HYPERCALL],
			a->denied[DMOP_DENIED_DOMID], a->denied[DMOP_DENIED_ALLOWLIST]);
	else
		fputs(",\"denied\":null", f);
	json_u64_or_null(f, "mapped_pages", x->a.have & DMOP_HAVE_MAPPED, a->mapped_pages);
	fputs(",\"dm_op\":", f);
	if (!(x->a.have & DMOP_HAVE_COUNTERS)) {
		fputs("null", f);
		print_eventfds_json(f, x);
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
	print_eventfds_json(f, x);
}

static int print_json(FILE *f, const struct cli_proc *procs, size_t nr)
{
	fputs("{\"version\":1,\"processes\":[", f);
	for (size_t i = 0; i < nr; i++) {
		const struct cli_proc *p = &procs[i];

		fprintf(f, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)p->pid);
		if (cli_json_string(f, p->comm))
			return -EIO;
		fprintf(f, ",\"uid\":%d,\"euid\":%d", (int)p->uid, (int)p->euid);
		json_tri(f, "chrooted", p->chrooted);
		json_tri(f, "no_new_privs", p->no_new_privs);
		json_tri(f, "unrestricted_dmops", cli_unrestricted_dmops(p));
		fputs(",\"files\":[", f);
		for (unsigned int j = 0; j < p->nr_fds; j++) {
			const struct cli_fd *x = &p->fds[j];
			int counters = (x->a.have & DMOP_HAVE_COUNTERS) && x->dev == CLI_DEV_PRIVCMD;

			fprintf(f, "%s{\"fd\":%d,\"device\":\"%s\",\"restriction\":\"%s\"",
				j ? "," : "", x->fd, dev_name(x->dev),
				x->a.restricted_domid >= 0 ? "domain" :
				x->a.restricted_domid == DMOP_RESTRICT_NONE ? "none" : "unknown");
			if (x->a.restricted_domid >= 0)
				fprintf(f, ",\"restricted_domid\":%d", (int)x->a.restricted_domid);
			else
				fputs(",\"restricted_domid\":null", f);
			json_u64_or_null(f, "dm_ops", counters, x->a.dm_ops);
			json_u64_or_null(f, "dm_ops_denied", counters, x->a.dm_ops_denied);
			if (x->dev == CLI_DEV_PRIVCMD) {
				print_audit_json(f, x);
			} else {
				json_u64_or_null(f, "ports", x->a.have & DMOP_HAVE_PORTS,
						 x->a.evtchn_ports);
				json_u64_or_null(f, "binds_denied", x->a.have & DMOP_HAVE_DENIED,
						 x->a.evtchn_denied);
			}
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

int cli_status_print(FILE *f, const struct cli_proc *procs, size_t nr, int json)
{
	if (!f || (nr && !procs))
		return -EINVAL;
	return json ? print_json(f, procs, nr) : print_text(f, procs, nr);
}
