// SPDX-License-Identifier: LGPL-2.1-only
/*
 * dmop_after_setup(): the one call a device model makes once its guest is
 * set up, to give up everything but that guest. Checks come first so that
 * most mistakes fail before anything irreversible; the report always says
 * which steps were done, so a failure never goes unnoticed half-way.
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/kcmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* The files we may touch: the handle's and the caller's extra ones. */
#define MAX_FILES 64

struct setup_ctx {
	const struct dmop_setup_opts *o;
	struct dmop_setup_report *rep;
	int fds[MAX_FILES];
	int kinds[MAX_FILES];
	unsigned int nr;
	int privcmd;		/* the one used for verification */
	int allowlist;		/* an allowlist was given ... */
	uint64_t allowed;	/* ... with these sub-ops */
};

static const char *const step_names[DMOP_STEP_COUNT] = {
	[DMOP_STEP_NONE] = "?",
	[DMOP_STEP_CHECK] = "check",
	[DMOP_STEP_RESTRICT] = "restrict",
	[DMOP_STEP_ALLOWLIST] = "allowlist",
	[DMOP_STEP_RLIMITS] = "rlimits",
	[DMOP_STEP_CHROOT] = "chroot",
	[DMOP_STEP_GROUPS] = "groups",
	[DMOP_STEP_GID] = "gid",
	[DMOP_STEP_UID] = "uid",
	[DMOP_STEP_NO_NEW_PRIVS] = "no_new_privs",
	[DMOP_STEP_VERIFY] = "verify",
};

DMOP_EXPORT const char *dmop_step_name(enum dmop_step step)
{
	if ((unsigned int)step >= DMOP_STEP_COUNT)
		return "?";
	return step_names[step];
}

/*
 * The limits libxl (Xen's toolstack library) sets for a QEMU started with
 * dm_restrict=1: no core dumps, file locks, message queues or locked memory.
 */
static const struct {
	int resource;
	const char *name;
	rlim_t limit;
} rlimits[] = {
	{ RLIMIT_FSIZE, "RLIMIT_FSIZE", 256 * 1024 },
	{ RLIMIT_CORE, "RLIMIT_CORE", 0 },
	{ RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE", 0 },
	{ RLIMIT_LOCKS, "RLIMIT_LOCKS", 0 },
	{ RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK", 0 },
};

/* Steps after which the process is no longer what it was. */
#define IRREVERSIBLE ((1U << DMOP_STEP_RESTRICT) | (1U << DMOP_STEP_ALLOWLIST) | \
		      (1U << DMOP_STEP_RLIMITS) | \
		      (1U << DMOP_STEP_CHROOT) | (1U << DMOP_STEP_GROUPS) | \
		      (1U << DMOP_STEP_GID) | (1U << DMOP_STEP_UID) | \
		      (1U << DMOP_STEP_NO_NEW_PRIVS))

/* Record the failure of @step with -@err and a reason; returns @err. */
static int __attribute__((format(printf, 4, 5)))
fail(struct setup_ctx *c, enum dmop_step step, int err, const char *fmt, ...)
{
	struct dmop_setup_report *r = c->rep;
	size_t len;
	va_list ap;

	r->failed = step;
	r->partial = !!(r->done & IRREVERSIBLE);
	len = snprintf(r->message, sizeof(r->message), "after-setup step '%s' failed: ",
		       dmop_step_name(step));
	va_start(ap, fmt);
	if (len < sizeof(r->message))
		len += vsnprintf(r->message + len, sizeof(r->message) - len, fmt, ap);
	va_end(ap);
	if (len < sizeof(r->message))
		len += snprintf(r->message + len, sizeof(r->message) - len, " (%s)",
				strerror(-err));
	if (r->partial && len < sizeof(r->message)) {
		len += snprintf(r->message + len, sizeof(r->message) - len,
				"; already done:");
		for (int s = DMOP_STEP_RESTRICT; s < DMOP_STEP_COUNT; s++)
			if ((r->done & (1U << s)) && len < sizeof(r->message))
				len += snprintf(r->message + len, sizeof(r->message) - len,
						" %s", dmop_step_name(s));
		if (len < sizeof(r->message))
			snprintf(r->message + len, sizeof(r->message) - len,
				 "; the process is partly deprivileged and must not go on");
	} else if (len < sizeof(r->message)) {
		snprintf(r->message + len, sizeof(r->message) - len,
			 "; nothing was changed");
	}
	return err;
}

static int dir_is_empty(const char *path)
{
	struct dirent *d;
	DIR *dir = opendir(path);
	int err = 0;

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
			err = -ENOTEMPTY;
			break;
		}
	}
	closedir(dir);
	return err;
}

/* Whether @a and @b are the same open file (dup, or passed twice). */
static int same_file(int a, int b)
{
	pid_t self = getpid();

	if (a == b)
		return 1;
	/* without kcmp (CONFIG_KCMP) a duplicate shows up as EACCES later */
	return syscall(SYS_kcmp, self, self, KCMP_FILE, a, b) == 0;
}

static int add_file(struct setup_ctx *c, int fd, int kind)
{
	/* restricting a file twice fails on evtchn: each open file once */
	for (unsigned int i = 0; i < c->nr; i++)
		if (same_file(c->fds[i], fd))
			return 0;
	if (c->nr == MAX_FILES)
		return fail(c, DMOP_STEP_CHECK, -E2BIG, "more than %d Xen files",
			    MAX_FILES);
	c->fds[c->nr] = fd;
	c->kinds[c->nr] = kind;
	c->nr++;
	if (kind == DMOP_DEV_PRIVCMD && c->privcmd < 0)
		c->privcmd = fd;
	return 0;
}

/*
 * Before anything changes: every privcmd file must have the allowlist ioctl
 * and must not lose a sub-op of the list already (narrow-only: EPERM later).
 */
static int check_allowlist(struct setup_ctx *c)
{
	for (unsigned int i = 0; i < c->nr; i++) {
		struct dmop_audit a;
		int err;

		if (c->kinds[i] != DMOP_DEV_PRIVCMD)
			continue;
		err = dmop_query_fd(c->fds[i], &a);
		if (err == -ENOTTY)
			return fail(c, DMOP_STEP_CHECK, err,
				    "the loaded xen-privcmd driver has no DMOP allowlist: load xen-dmop's xen-privcmd.ko");
		if (err)
			return fail(c, DMOP_STEP_CHECK, err,
				    "reading the allowlist of privcmd fd %d", c->fds[i]);
		if (a.allowlist_set && (c->allowed & ~a.allowed))
			return fail(c, DMOP_STEP_CHECK, -EPERM,
				    "privcmd fd %d was narrowed before and no longer allows every sub-op of the allowlist (allowlists only narrow)",
				    c->fds[i]);
	}
	return 0;
}

static int check(struct setup_ctx *c, struct dmop_handle *h)
{
	const struct dmop_setup_opts *o = c->o;
	const unsigned int known = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT |
				   DMOP_SETUP_NO_RLIMITS;
	int err;

	if (o->flags & ~known)
		return fail(c, DMOP_STEP_CHECK, -EINVAL, "unknown flags %#x",
			    o->flags & ~known);
	/* restricting to dom0 (or to no domain) would prove nothing */
	if (!o->domid || o->domid >= DMOP_DOMID_INVALID)
		return fail(c, DMOP_STEP_CHECK, -EINVAL,
			    "domid %u is not a guest", o->domid);
	c->allowlist = o->allowlist || o->nr_allowlist;
	if (c->allowlist) {
		err = dmop_ops_mask(o->allowlist, o->nr_allowlist, &c->allowed);
		if (err)
			return fail(c, DMOP_STEP_CHECK, err,
				    "the allowlist holds a sub-op >= %d (or is NULL with %u entries)",
				    DMOP_AUDIT_NR_OPS, o->nr_allowlist);
	}
	if (!(o->flags & DMOP_SETUP_NO_IDS)) {
		if (!o->uid || !o->gid || o->uid == (uid_t)-1 || o->gid == (gid_t)-1)
			return fail(c, DMOP_STEP_CHECK, -EINVAL,
				    "uid %u / gid %u: a device model must not stay root",
				    (unsigned int)o->uid, (unsigned int)o->gid);
		if (geteuid())
			return fail(c, DMOP_STEP_CHECK, -EPERM,
				    "changing uid and gid needs root (euid %u)",
				    (unsigned int)geteuid());
	}
	if (!(o->flags & DMOP_SETUP_NO_CHROOT)) {
		if (!o->chroot_dir)
			return fail(c, DMOP_STEP_CHECK, -EINVAL, "no chroot directory");
		err = dir_is_empty(o->chroot_dir);
		if (err)
			return fail(c, DMOP_STEP_CHECK, err,
				    "chroot directory %s must be an empty directory",
				    o->chroot_dir);
	}
	if (h) {
		err = add_file(c, h->privcmd_fd, DMOP_DEV_PRIVCMD);
		if (!err && h->evtchn_fd >= 0)
			err = add_file(c, h->evtchn_fd, DMOP_DEV_EVTCHN);
		if (err)
			return err;
	}
	if (o->nr_extra_fds && !o->extra_fds)
		return fail(c, DMOP_STEP_CHECK, -EINVAL, "extra_fds is NULL");
	for (unsigned int i = 0; i < o->nr_extra_fds; i++) {
		int fd = o->extra_fds[i], kind = dmop_fd_kind(fd);

		if (kind < 0)
			return fail(c, DMOP_STEP_CHECK, -EBADF,
				    "fd %d is not an open /dev/xen/privcmd or /dev/xen/evtchn",
				    fd);
		err = add_file(c, fd, kind);
		if (err)
			return err;
	}
	if (c->privcmd < 0)
		return fail(c, DMOP_STEP_CHECK, -EINVAL,
			    "no /dev/xen/privcmd file (handle or extra fd) to restrict");
	return c->allowlist ? check_allowlist(c) : 0;
}

static int restrict_all(struct setup_ctx *c, struct dmop_handle *h)
{
	uint16_t domid = c->o->domid;
	/* decided before the loop, which updates h->restricted */
	int had = h && h->restricted == domid;

	for (unsigned int i = 0; i < c->nr; i++) {
		const char *dev = c->kinds[i] == DMOP_DEV_PRIVCMD ?
				  "xen-privcmd" : "xen-evtchn";
		int err;

		/* the handle remembers a restriction it already made */
		if (had && (c->fds[i] == h->privcmd_fd || c->fds[i] == h->evtchn_fd))
			continue;
		err = dmop_restrict_fd(c->fds[i], c->kinds[i], domid);
		if (err == -EACCES && c->kinds[i] == DMOP_DEV_EVTCHN)
			return fail(c, DMOP_STEP_RESTRICT, err,
				    "xen-evtchn fd %d is already restricted (to this or another domain)",
				    c->fds[i]);
		if (err == -ENOTTY)
			return fail(c, DMOP_STEP_RESTRICT, err,
				    "the loaded %s driver has no restrict ioctl: load xen-dmop's %s.ko (or Linux >= 4.18's)",
				    dev, dev);
		if (err)
			return fail(c, DMOP_STEP_RESTRICT, err,
				    "restricting %s fd %d to domain %u", dev,
				    c->fds[i], domid);
		if (i == 0 && h)
			h->restricted = domid;
		/* from here on the files are bound to the guest for good */
		c->rep->done |= 1U << DMOP_STEP_RESTRICT;
	}
	c->rep->done |= 1U << DMOP_STEP_RESTRICT;
	return 0;
}

static int narrow_all(struct setup_ctx *c)
{
	for (unsigned int i = 0; i < c->nr; i++) {
		int err;

		if (c->kinds[i] != DMOP_DEV_PRIVCMD)
			continue;
		err = dmop_allowlist_fd(c->fds[i], c->allowed);
		if (err)
			return fail(c, DMOP_STEP_ALLOWLIST, err,
				    "narrowing privcmd fd %d to %#llx", c->fds[i],
				    (unsigned long long)c->allowed);
		c->rep->done |= 1U << DMOP_STEP_ALLOWLIST;
	}
	return 0;
}

static int lower_rlimits(struct setup_ctx *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimits); i++) {
		struct rlimit rl = { rlimits[i].limit, rlimits[i].limit };

		if (setrlimit(rlimits[i].resource, &rl))
			return fail(c, DMOP_STEP_RLIMITS, -errno, "setrlimit(%s, %llu)",
				    rlimits[i].name,
				    (unsigned long long)rlimits[i].limit);
		c->rep->done |= 1U << DMOP_STEP_RLIMITS;
	}
	return 0;
}

static int do_chroot(struct setup_ctx *c)
{
	const char *dir = c->o->chroot_dir;

	if (chdir(dir))
		return fail(c, DMOP_STEP_CHROOT, -errno, "chdir(%s)", dir);
	if (chroot("."))
		return fail(c, DMOP_STEP_CHROOT, -errno, "chroot(%s)", dir);
	c->rep->done |= 1U << DMOP_STEP_CHROOT;
	if (chdir("/"))
		return fail(c, DMOP_STEP_CHROOT, -errno, "chdir(/) in %s", dir);
	return 0;
}

static int drop_ids(struct setup_ctx *c)
{
	uid_t uid = c->o->uid;
	gid_t gid = c->o->gid;

	if (setgroups(0, NULL))
		return fail(c, DMOP_STEP_GROUPS, -errno, "setgroups(0)");
	c->rep->done |= 1U << DMOP_STEP_GROUPS;
	if (setresgid(gid, gid, gid))
		return fail(c, DMOP_STEP_GID, -errno, "setresgid(%u)",
			    (unsigned int)gid);
	c->rep->done |= 1U << DMOP_STEP_GID;
	if (setresuid(uid, uid, uid))
		return fail(c, DMOP_STEP_UID, -errno, "setresuid(%u)",
			    (unsigned int)uid);
	c->rep->done |= 1U << DMOP_STEP_UID;
	return 0;
}

/*
 * The kernel holds the list, and a sub-op outside it fails EPERM. The probe
 * is a buffer too short for any struct xen_dm_op: should the driver let it
 * through after all, Xen refuses it (EFAULT) without doing anything.
 */
static int verify_allowlist(struct setup_ctx *c)
{
	uint32_t probe_op[2] = { 0, 0 };
	struct dmop_buf buf = { .ptr = probe_op, .size = sizeof(probe_op) };
	struct dmop_handle probe = { .evtchn_fd = -1 };
	int outside = -1;

	for (int op = DMOP_AUDIT_NR_OPS - 1; op >= 0; op--)
		if (!(c->allowed & (1ULL << op)))
			outside = op;
	for (unsigned int i = 0; i < c->nr; i++) {
		struct dmop_audit a;
		int err;

		if (c->kinds[i] != DMOP_DEV_PRIVCMD)
			continue;
		err = dmop_query_fd(c->fds[i], &a);
		if (err)
			return fail(c, DMOP_STEP_VERIFY, err,
				    "reading back the allowlist of privcmd fd %d", c->fds[i]);
		if (!a.allowlist_set || a.allowed != c->allowed)
			return fail(c, DMOP_STEP_VERIFY, -EPROTO,
				    "privcmd fd %d allows %#llx, not the allowlist %#llx",
				    c->fds[i], (unsigned long long)a.allowed,
				    (unsigned long long)c->allowed);
		if (outside < 0)
			continue;
		probe.privcmd_fd = c->fds[i];
		probe_op[0] = outside;
		err = dmop_op_raw(&probe, c->o->domid, &buf, 1);
		if (err != -EPERM)
			return fail(c, DMOP_STEP_VERIFY, -EPROTO,
				    "sub-op %d, outside the allowlist, was not refused with EPERM through privcmd fd %d (%s)",
				    outside, c->fds[i], err ? strerror(-err) : "it succeeded");
	}
	return 0;
}

static int verify(struct setup_ctx *c)
{
	struct privcmd_hypercall hc = {
		.op = DMOP_HYPERVISOR_XEN_VERSION,
		.arg = { DMOP_XENVER_VERSION },
	};
	struct dmop_handle probe = {
		.privcmd_fd = c->privcmd,
		.evtchn_fd = -1,
	};
	unsigned int vcpus;
	uint16_t other;
	int err;

	for (unsigned int i = 0; i < c->nr; i++) {
		if (c->kinds[i] != DMOP_DEV_PRIVCMD)
			continue;
		if (!ioctl(c->fds[i], IOCTL_PRIVCMD_HYPERCALL, &hc))
			return fail(c, DMOP_STEP_VERIFY, -EPROTO,
				    "a bare hypercall through privcmd fd %d still works",
				    c->fds[i]);
		if (errno != EPERM)
			return fail(c, DMOP_STEP_VERIFY, -errno,
				    "a bare hypercall through privcmd fd %d failed, but not with EPERM",
				    c->fds[i]);
	}
	err = dmop_nr_vcpus(&probe, 0, &vcpus);
	if (!err)
		return fail(c, DMOP_STEP_VERIFY, -EPROTO,
			    "a DMOP to domain 0 still succeeds");
	/*
	 * Xen refuses dom0 to itself anyway; a DMOP to some other domain tells
	 * restricted (the driver says EPERM) from unrestricted (Xen answers,
	 * ESRCH for a domain that does not exist).
	 */
	other = c->o->domid + 1U < DMOP_DOMID_INVALID ? c->o->domid + 1U : 1U;
	err = dmop_nr_vcpus(&probe, other, &vcpus);
	if (err != -EPERM)
		return fail(c, DMOP_STEP_VERIFY, -EPROTO,
			    "a DMOP to domain %u was not refused with EPERM (%s)",
			    other, err ? strerror(-err) : "it succeeded");
	if (c->allowlist) {
		err = verify_allowlist(c);
		if (err)
			return err;
	}
	if (!(c->o->flags & DMOP_SETUP_NO_IDS) && !setuid(0))
		return fail(c, DMOP_STEP_VERIFY, -EPROTO, "setuid(0) still succeeds");
	return 0;
}

static int after_setup(struct setup_ctx *c, struct dmop_handle *h)
{
	const struct dmop_setup_opts *opts = c->o;
	int err;

	err = check(c, h);
	if (err)
		return err;
	c->rep->done |= 1U << DMOP_STEP_CHECK;
	err = restrict_all(c, h);
	if (err)
		return err;
	if (c->allowlist) {
		err = narrow_all(c);
		if (err)
			return err;
	}
	if (!(opts->flags & DMOP_SETUP_NO_RLIMITS)) {
		err = lower_rlimits(c);
		if (err)
			return err;
	}
	/* chroot needs CAP_SYS_CHROOT: before the uid drop */
	if (!(opts->flags & DMOP_SETUP_NO_CHROOT)) {
		err = do_chroot(c);
		if (err)
			return err;
	}
	if (!(opts->flags & DMOP_SETUP_NO_IDS)) {
		err = drop_ids(c);
		if (err)
			return err;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return fail(c, DMOP_STEP_NO_NEW_PRIVS, -errno,
			    "prctl(PR_SET_NO_NEW_PRIVS)");
	c->rep->done |= 1U << DMOP_STEP_NO_NEW_PRIVS;
	err = verify(c);
	if (err)
		return err;
	c->rep->done |= 1U << DMOP_STEP_VERIFY;
	snprintf(c->rep->message, sizeof(c->rep->message),
		 "restricted %u Xen file(s) to domain %u%s; deprivileged", c->nr,
		 opts->domid, c->allowlist ? ", privcmd narrowed to the allowlist" : "");
	return 0;
}

DMOP_EXPORT int dmop_after_setup(struct dmop_handle *h,
				 const struct dmop_setup_opts *opts,
				 struct dmop_setup_report *rep)
{
	struct dmop_setup_report local;
	struct dmop_setup_opts o;
	struct setup_ctx c = { .o = &o, .rep = &local, .privcmd = -1 };
	int err;

	/* a report we may not write cannot say why: fail before anything */
	if (rep) {
		err = dmop_sz_check(rep, rep->sz, DMOP_SETUP_REPORT_SZ_1_0,
				    sizeof(local));
		if (err)
			return err;
	}
	memset(&local, 0, sizeof(local));
	memset(&o, 0, sizeof(o));
	if (!opts) {
		err = fail(&c, DMOP_STEP_CHECK, -EINVAL, "no options");
		goto out;
	}
	err = dmop_sz_check(opts, opts->sz, DMOP_SETUP_OPTS_SZ_1_0, sizeof(o));
	if (err) {
		fail(&c, DMOP_STEP_CHECK, err,
		     "struct dmop_setup_opts has sz %u: libdmop %s takes %zu to %zu bytes, or more with zeros past %zu",
		     (unsigned int)opts->sz, DMOP_LIB_VERSION,
		     (size_t)DMOP_SETUP_OPTS_SZ_1_0, sizeof(o), sizeof(o));
		goto out;
	}
	/* fields past the caller's sz keep their zero defaults */
	memcpy(&o, opts, dmop_sz_used(opts->sz, sizeof(o)));
	err = after_setup(&c, h);
out:
	if (rep) {
		local.sz = rep->sz;
		memcpy(rep, &local, dmop_sz_used(rep->sz, sizeof(local)));
	}
	return err;
}
