// SPDX-License-Identifier: LGPL-2.1-only
/*
 * `dmop trace`: the xen_privcmd and xen_evtchn tracepoints of xen-dmop's
 * drivers, read from a tracefs instance of our own (its own ring buffer and
 * event switches, so other tracing users are not disturbed), one readable
 * line per event. The instance is removed on every way out we control:
 * --count, --timeout, end of input, SIGINT, SIGTERM, SIGHUP.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libdmop.h"
#include "cli.h"

#define DOMID_NONE 32756	/* DOMID_INVALID: "no domain" in the events */

/* The value of "@key=" in the event's fields, copied into @val. */
static int field(const char *fields, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = fields; (p = strstr(p, key)); p += klen) {
		size_t len;

		if ((p != fields && p[-1] != ' ') || p[klen] != '=')
			continue;
		p += klen + 1;
		len = strcspn(p, " \n");
		if (len >= size)
			return -EINVAL;
		memcpy(val, p, len);
		val[len] = '\0';
		return 0;
	}
	return -ENOENT;
}

static int field_num(const char *fields, const char *key, long long *v)
{
	char buf[32], *end;

	if (field(fields, key, buf, sizeof(buf)))
		return -EINVAL;
	errno = 0;
	*v = strtoll(buf, &end, 0);
	return errno || end == buf || *end ? -EINVAL : 0;
}

static const char *op_str(long long op, char *buf, size_t size)
{
	const char *name = op >= 0 && op <= UINT32_MAX ? dmop_op_name(op) : NULL;

	if (name)
		return name;
	if (op == UINT32_MAX)
		return "(buffer too short for a sub-op)";
	snprintf(buf, size, "op%lld", op);
	return buf;
}

static const char *dom_str(long long dom, char *buf, size_t size)
{
	if (dom == DOMID_NONE)
		return "none";
	snprintf(buf, size, "%lld", dom);
	return buf;
}

/* A mask of sub-ops as names, "none" when empty. */
static void mask_str(unsigned long long mask, char *buf, size_t size)
{
	uint32_t ops[DMOP_AUDIT_NR_OPS];
	unsigned int nr = dmop_audit_ops(mask, ops);

	if (!nr || dmop_op_format_list(ops, nr, buf, size))
		snprintf(buf, size, nr ? "%#llx" : "none", mask);
}

int dmop_trace_format(const char *raw, long domid, char *out, size_t size)
{
	char task[64], ts[32], event[32], fields[512], a[32], b[32], c[80], ioc[32];
	char l1[1280], l2[1024];
	const char *cpu, *close_br, *colon, *ev, *evend, *tsbeg;
	long long dom, target, restricted, op, res, v;
	size_t len;

	/* "<comm>-<pid> [cpu] <flags> <secs>.<usecs>: <event>: <fields>" */
	cpu = strstr(raw, " [");
	close_br = cpu ? strchr(cpu, ']') : NULL;
	colon = close_br ? strstr(close_br, ": ") : NULL;
	if (!colon)
		return -EINVAL;
	while (*raw == ' ')
		raw++;
	len = cpu - raw;
	/* the task column is padded */
	while (len && raw[len - 1] == ' ')
		len--;
	if (!len || len >= sizeof(task))
		return -EINVAL;
	memcpy(task, raw, len);
	task[len] = '\0';
	for (tsbeg = colon; tsbeg > close_br && tsbeg[-1] != ' '; tsbeg--)
		;
	len = colon - tsbeg;
	if (!len || len >= sizeof(ts))
		return -EINVAL;
	memcpy(ts, tsbeg, len);
	ts[len] = '\0';
	ev = colon + 2;
	evend = strstr(ev, ": ");
	if (!evend || (size_t)(evend - ev) >= sizeof(event))
		return -EINVAL;
	memcpy(event, ev, evend - ev);
	event[evend - ev] = '\0';
	snprintf(fields, sizeof(fields), "%s", evend + 2);
	fields[strcspn(fields, "\n")] = '\0';

	/* the event names say which driver speaks (privcmd_*, evtchn_*) */
	if (!strcmp(event, "privcmd_dm_op")) {
		if (field_num(fields, "domid", &dom) || field_num(fields, "op", &op) ||
		    field_num(fields, "result", &res))
			return -EINVAL;
		if (domid >= 0 && dom != domid)
			return 0;
		if (res)
			snprintf(c, sizeof(c), "failed %lld (%s)", res, strerror((int)-res));
		else
			snprintf(c, sizeof(c), "ok");
		snprintf(l1, sizeof(l1), "dm_op %s to domain %lld: %s",
			 op_str(op, a, sizeof(a)), dom, c);
	} else if (!strcmp(event, "privcmd_denied")) {
		if (field(fields, "reason", c, sizeof(c)) ||
		    field(fields, "ioctl", ioc, sizeof(ioc)) ||
		    field_num(fields, "target", &target) ||
		    field_num(fields, "restricted", &restricted) ||
		    field_num(fields, "op", &op))
			return -EINVAL;
		if (domid >= 0 && target != domid && restricted != domid)
			return 0;
		if (!strcmp(c, "allowlist"))
			snprintf(c, sizeof(c), "sub-op %s outside the allowlist",
				 op_str(op, a, sizeof(a)));
		else if (!strcmp(c, "domid"))
			snprintf(c, sizeof(c), "another domain than the restriction's");
		else if (!strcmp(c, "hypercall"))
			snprintf(c, sizeof(c), "raw hypercall on a restricted file");
		snprintf(l1, sizeof(l1), "DENIED privcmd %s to domain %s (restricted to %s): %s",
			 ioc, dom_str(target, a, sizeof(a)), dom_str(restricted, b, sizeof(b)), c);
	} else if (!strcmp(event, "evtchn_denied")) {
		if (field(fields, "ioctl", ioc, sizeof(ioc)) ||
		    field_num(fields, "target", &target) ||
		    field_num(fields, "restricted", &restricted))
			return -EINVAL;
		if (domid >= 0 && target != domid && restricted != domid)
			return 0;
		snprintf(l1, sizeof(l1), "DENIED evtchn bind %s to domain %s (restricted to %s)",
			 ioc, dom_str(target, a, sizeof(a)), dom_str(restricted, b, sizeof(b)));
	} else if (!strcmp(event, "privcmd_restrict")) {
		if (field_num(fields, "domid", &dom) || field_num(fields, "again", &v))
			return -EINVAL;
		if (domid >= 0 && dom != domid)
			return 0;
		snprintf(l1, sizeof(l1), "privcmd restricted to domain %lld%s", dom,
			 v ? " (again)" : "");
	} else if (!strcmp(event, "evtchn_restrict")) {
		if (field_num(fields, "domid", &dom))
			return -EINVAL;
		if (domid >= 0 && dom != domid)
			return 0;
		snprintf(l1, sizeof(l1), "evtchn restricted to domain %lld", dom);
	} else if (!strcmp(event, "privcmd_allowlist")) {
		unsigned long long old, allowed;

		/* the event names no domain: only shown when not filtering */
		if (domid >= 0)
			return 0;
		if (field(fields, "old", a, sizeof(a)) || field(fields, "allowed", b, sizeof(b)))
			return -EINVAL;
		old = strtoull(a, NULL, 0);
		allowed = strtoull(b, NULL, 0);
		mask_str(allowed, l2, sizeof(l2));
		snprintf(l1, sizeof(l1), "privcmd allowlist narrowed to %s%s", l2,
			 old == ~0ULL ? " (was all)" : "");
	} else {
		return 0;
	}
	snprintf(out, size, "%s %s %s", ts, task, l1);
	return 1;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static int write_str(const char *path, const char *s)
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

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

struct instance {
	char dir[256];
	int evtchn;
};

static void instance_remove(struct instance *in)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/events/xen_privcmd/enable", in->dir);
	write_str(path, "0");
	if (in->evtchn) {
		snprintf(path, sizeof(path), "%s/events/xen_evtchn/enable", in->dir);
		write_str(path, "0");
	}
	if (rmdir(in->dir))
		fprintf(stderr, "dmop trace: removing %s: %s\n", in->dir, strerror(errno));
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Read trace_pipe until a limit or a signal; the number of events shown. */
static long follow(int fd, const struct dmop_cli_args *a)
{
	long long deadline = a->timeout ? now_ms() + a->timeout * 1000LL : 0;
	char buf[65536], out[1400];
	size_t len = 0;
	long shown = 0;

	while (!stop_signal && (!a->count || shown < a->count)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait = 200;
		ssize_t n;
		char *nl;

		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			if (left < wait)
				wait = left;
		}
		/* short waits: signals and the deadline are seen promptly */
		if (poll(&p, 1, wait) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n')) && (!a->count || shown < a->count)) {
			*nl = '\0';
			if (dmop_trace_format(buf, a->domid, out, sizeof(out)) == 1) {
				printf("%s\n", out);
				fflush(stdout);
				shown++;
			}
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		/* a line longer than the buffer is no event of ours */
		if (len == sizeof(buf) - 1)
			len = 0;
	}
	return shown;
}

int dmop_trace_run(const struct dmop_cli_args *a)
{
	static const char *const roots[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	struct sigaction sa = { .sa_handler = on_signal };
	struct instance in = { .evtchn = 0 };
	char path[320], root[64] = "";
	long shown;
	int fd, err;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && !root[0]; i++) {
		snprintf(path, sizeof(path), "%s/instances", roots[i]);
		if (is_dir(path))
			snprintf(root, sizeof(root), "%s", roots[i]);
	}
	if (!root[0]) {
		fprintf(stderr, "dmop trace: no tracefs at /sys/kernel/tracing (mount -t tracefs tracefs /sys/kernel/tracing)\n");
		return DMOP_EXIT_ERROR;
	}
	snprintf(path, sizeof(path), "%s/events/xen_privcmd", root);
	if (!is_dir(path)) {
		fprintf(stderr, "dmop trace: the loaded xen-privcmd has no tracepoints (%s missing: the in-tree driver; load xen-dmop's)\n",
			path);
		return DMOP_EXIT_UNSUPPORTED;
	}
	snprintf(path, sizeof(path), "%s/events/xen_evtchn", root);
	in.evtchn = is_dir(path);

	/* handlers first: a signal between mkdir and the loop still cleans up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	snprintf(in.dir, sizeof(in.dir), "%s/instances/dmop-trace-%d", root, (int)getpid());
	if (mkdir(in.dir, 0700)) {
		fprintf(stderr, "dmop trace: mkdir %s: %s\n", in.dir, strerror(errno));
		return DMOP_EXIT_ERROR;
	}
	snprintf(path, sizeof(path), "%s/events/xen_privcmd/enable", in.dir);
	err = write_str(path, "1");
	if (!err && in.evtchn) {
		snprintf(path, sizeof(path), "%s/events/xen_evtchn/enable", in.dir);
		err = write_str(path, "1");
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", in.dir);
	fd = err ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "dmop trace: enabling the events in %s: %s\n", in.dir,
			strerror(err ? -err : errno));
		instance_remove(&in);
		return DMOP_EXIT_ERROR;
	}
	if (a->domid >= 0)
		printf("# dmop trace: xen_privcmd%s events for domain %ld (instance %s)\n",
		       in.evtchn ? ", xen_evtchn" : "", a->domid, in.dir);
	else
		printf("# dmop trace: xen_privcmd%s events (instance %s)\n",
		       in.evtchn ? ", xen_evtchn" : "", in.dir);
	fflush(stdout);

	shown = follow(fd, a);
	/* the instance cannot be removed while its pipe is open */
	close(fd);
	instance_remove(&in);
	if (stop_signal)
		printf("# dmop trace: %ld event(s); stopped by signal %d\n", shown,
		       (int)stop_signal);
	else
		printf("# dmop trace: %ld event(s)\n", shown);
	return fflush(stdout) ? DMOP_EXIT_ERROR : DMOP_EXIT_OK;
}
