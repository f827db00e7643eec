// SPDX-License-Identifier: LGPL-2.1-only
/*
 * Host unit tests for libdmop's pure logic: command line parsing, sub-op
 * names and lists, the fdinfo key parser, JSON, the status scan over a fake
 * procfs tree, the checks dmop_after_setup() makes before touching anything,
 * and the packaging (exported symbols = map = man pages).
 *
 *   unit_test OUT_DIR SRC_DIR     prints "libdmop: N passed, N failed"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libdmop.h"
#include "internal.h"
#include "cli.h"

static int passed, failed;
static const char *out_dir, *src_dir;

#define CHECK(cond) do { \
	if (cond) { \
		passed++; \
	} else { \
		failed++; \
		printf("not ok - %s:%d: %s\n", __func__, __LINE__, #cond); \
	} \
} while (0)

/* --------------------------------------------------------- command line */

static int parse(struct dmop_cli_args *a, int argc, ...)
{
	char *argv[16] = { "dmop" };
	char err[160];
	va_list ap;

	va_start(ap, argc);
	for (int i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return dmop_cli_parse(argc, argv, a, err, sizeof(err));
}

static void test_cli(void)
{
	struct dmop_cli_args a;

	CHECK(parse(&a, 1) == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 2, "frobnicate") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 2, "--help") == 0 && a.cmd == DMOP_CMD_HELP && !a.help_topic);
	CHECK(parse(&a, 2, "--version") == 0 && a.cmd == DMOP_CMD_VERSION);
	CHECK(parse(&a, 3, "help", "status") == 0 && a.cmd == DMOP_CMD_HELP &&
	      !strcmp(a.help_topic, "status"));
	CHECK(parse(&a, 3, "status", "--help") == 0 && a.cmd == DMOP_CMD_HELP &&
	      !strcmp(a.help_topic, "status"));
	CHECK(parse(&a, 2, "status") == 0 && a.cmd == DMOP_CMD_STATUS &&
	      !a.json && !a.nr_pids && !a.proc);
	CHECK(parse(&a, 5, "status", "--json", "12", "345") == 0 && a.json &&
	      a.nr_pids == 2 && a.pids[0] == 12 && a.pids[1] == 345);
	CHECK(parse(&a, 4, "status", "--proc", "/x") == 0 && !strcmp(a.proc, "/x"));
	CHECK(parse(&a, 3, "status", "--proc") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "status", "12x") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "status", "0") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "status", "-5") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "status", "99999999999") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 2, "trace") == 0 && a.cmd == DMOP_CMD_TRACE && a.domid == -1);
	CHECK(parse(&a, 4, "trace", "--domid", "7") == 0 && a.domid == 7);
	CHECK(parse(&a, 4, "trace", "--domid", "x") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 4, "trace", "--domid", "32752") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "trace", "5") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "trace", "--json") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 2, "policy") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "policy", "42") == 0 && a.cmd == DMOP_CMD_POLICY &&
	      a.nr_pids == 1 && a.pids[0] == 42);
	CHECK(parse(&a, 4, "policy", "1", "2") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "status", "--domid") == DMOP_EXIT_USAGE);
}

/* ------------------------------------------------------------- op names */

static void test_op_names(void)
{
	uint32_t ops[DMOP_OP_MAX + 4], back[DMOP_OP_MAX + 4];
	unsigned int nr, nr2;
	char buf[1024];

	CHECK(!strcmp(dmop_op_name(1), "create_ioreq_server"));
	CHECK(!strcmp(dmop_op_name(13), "inject_event"));
	CHECK(!strcmp(dmop_op_name(20), "nr_vcpus"));
	CHECK(!dmop_op_name(0));
	CHECK(!dmop_op_name(21));
	CHECK(!dmop_op_name(UINT32_MAX));

	CHECK(dmop_op_parse_list("create_ioreq_server,nr_vcpus,3", ops, 8, &nr) == 0);
	CHECK(nr == 3 && ops[0] == 1 && ops[1] == 20 && ops[2] == 3);
	CHECK(dmop_op_parse_list("nr_vcpus,20,nr_vcpus", ops, 8, &nr) == 0 && nr == 1);
	CHECK(dmop_op_parse_list("", ops, 8, &nr) == 0 && nr == 0);
	CHECK(dmop_op_parse_list("bogus", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("nr_vcpus,,inject_msi", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("nr_vcpus,", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("nr_vcpu", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("-1", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("4294967296", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("1,2,3", ops, 2, &nr) == -E2BIG);
	CHECK(dmop_op_parse_list(NULL, ops, 2, &nr) == -EINVAL);

	/* every name round-trips */
	for (uint32_t i = 0; i < DMOP_OP_MAX; i++)
		ops[i] = i + 1;
	ops[DMOP_OP_MAX] = 99;
	CHECK(dmop_op_format_list(ops, DMOP_OP_MAX + 1, buf, sizeof(buf)) == 0);
	CHECK(strstr(buf, "create_ioreq_server,get_ioreq_server_info,") == buf);
	CHECK(strstr(buf, ",nr_vcpus,99") != NULL);
	CHECK(dmop_op_parse_list(buf, back, DMOP_OP_MAX + 4, &nr2) == 0);
	CHECK(nr2 == DMOP_OP_MAX + 1 && !memcmp(ops, back, nr2 * sizeof(ops[0])));

	CHECK(dmop_op_format_list(ops, 0, buf, sizeof(buf)) == 0 && !buf[0]);
	/* too small: whole items only, still terminated */
	CHECK(dmop_op_format_list(ops, 3, buf, 30) == -ENOSPC);
	CHECK(!strcmp(buf, "create_ioreq_server"));
	CHECK(dmop_op_format_list(ops, 1, buf, 5) == -ENOSPC && !buf[0]);
}

/* ---------------------------------------------------------------- fdinfo */

static void test_fdinfo(void)
{
	struct dmop_fd_status st;

	/* the distro's driver: only the kernel's keys */
	CHECK(dmop_fdinfo_parse("pos:\t0\nflags:\t02000002\nmnt_id:\t24\nino:\t9\n", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_UNKNOWN && !st.have_counters);

	CHECK(dmop_fdinfo_parse("pos:\t0\nprivcmd.restricted_domid:\t5\n"
				"privcmd.dm_ops:\t120\nprivcmd.dm_ops_denied:\t3\n", &st) == 0);
	CHECK(st.restricted_domid == 5 && st.have_counters && st.dm_ops == 120 &&
	      st.dm_ops_denied == 3);

	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid: none\nprivcmd.dm_ops: 0", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_NONE && st.have_counters && !st.dm_ops);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t32756\n", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_NONE);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t0\n", &st) == 0 &&
	      st.restricted_domid == 0);
	/* a prefix of a key is not the key */
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops_denied_x:\tzz\n", &st) == 0 &&
	      !st.have_counters);

	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\tfive\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t40000\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops:\t-1\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops:\t18446744073709551616\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse(NULL, &st) == -EINVAL);
}

/* ------------------------------------------------------------------ JSON */

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(dmop_json_string(f, "a\"b\\c\n\t\x01" "d\xc3\xa9") == 0);
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\\"b\\\\c\\n\\t\\u0001d\xc3\xa9\""));
	free(buf);
}

/* ------------------------------------------------------- fake procfs scan */

static char proc_dir[] = "/tmp/libdmop-proc-XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* One fake process: comm, status, root link, fds (target, fdinfo text). */
static void fake_proc(int pid, const char *comm, const char *status,
		      const char *root, int nfds, const char *const *fds)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%d", proc_dir, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/fd", proc_dir, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/fdinfo", proc_dir, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/comm", proc_dir, pid);
	write_file(p, comm);
	snprintf(p, sizeof(p), "%s/%d/status", proc_dir, pid);
	write_file(p, status);
	snprintf(p, sizeof(p), "%s/%d/root", proc_dir, pid);
	if (symlink(root, p))
		perror(p);
	for (int i = 0; i < nfds; i++) {
		snprintf(p, sizeof(p), "%s/%d/fd/%d", proc_dir, pid, i + 3);
		if (symlink(fds[2 * i], p))
			perror(p);
		snprintf(p, sizeof(p), "%s/%d/fdinfo/%d", proc_dir, pid, i + 3);
		write_file(p, fds[2 * i + 1]);
	}
}

#define STATUS(uid, nnp) "Name:\tx\nUmask:\t0022\nUid:\t" uid "\t" uid "\t" uid "\t" uid \
	"\nGid:\t0\t0\t0\t0\nNoNewPrivs:\t" nnp "\nSeccomp:\t0\n"

static void make_fake_proc(void)
{
	/* a deprivileged device model on xen-dmop's drivers */
	static const char *const qemu[] = {
		"/dev/xen/privcmd", "pos:\t0\nprivcmd.restricted_domid:\t3\n"
			"privcmd.dm_ops:\t10\nprivcmd.dm_ops_denied:\t1\n",
		"/dev/xen/evtchn", "pos:\t0\nevtchn.restricted_domid:\t3\n",
		"/dev/null", "pos:\t0\n",
	};
	/* a toolstack that issued DMOPs unrestricted */
	static const char *const bad[] = {
		"/dev/xen/privcmd", "privcmd.restricted_domid:\tnone\nprivcmd.dm_ops:\t5\n"
			"privcmd.dm_ops_denied:\t0\n",
	};
	/* unrestricted but no DMOPs (xenstored style) */
	static const char *const idle[] = {
		"/dev/xen/privcmd", "privcmd.restricted_domid:\tnone\nprivcmd.dm_ops:\t0\n"
			"privcmd.dm_ops_denied:\t0\n",
	};
	/* the distro's drivers: nothing known */
	static const char *const intree[] = {
		"/dev/xen/privcmd", "pos:\t0\nflags:\t02\n",
	};
	static const char *const none[] = { "/dev/null", "pos:\t0\n" };

	if (!mkdtemp(proc_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	fake_proc(100, "qemu-dm\n", STATUS("131075", "1"), "/run/qemu-root-3", 3, qemu);
	fake_proc(200, "bad\"dm\n", STATUS("0", "0"), "/", 1, bad);
	fake_proc(300, "xenstored\n", STATUS("0", "0"), "/", 1, idle);
	fake_proc(400, "intree\n", STATUS("0", "0"), "/", 1, intree);
	fake_proc(500, "bash\n", STATUS("0", "0"), "/", 1, none);
}

static char *run(const char *args, int *rc)
{
	char cmd[1024], *buf = calloc(1, 65536);
	size_t len = 0, n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/dmop %s 2>&1", out_dir, args);
	p = popen(cmd, "r");
	while (p && (n = fread(buf + len, 1, 65535 - len, p)) > 0)
		len += n;
	*rc = p ? WEXITSTATUS(pclose(p)) : -1;
	return buf;
}

static void test_status_scan(void)
{
	struct dmop_proc_status *procs;
	pid_t pids[] = { 500, 100 }, gone = 999;
	char *buf = NULL, *out, args[256];
	size_t nr, len;
	FILE *f;
	int rc;

	make_fake_proc();
	CHECK(dmop_status_scan(proc_dir, NULL, 0, &procs, &nr) == 0);
	CHECK(nr == 4);
	if (nr != 4)
		return;
	CHECK(procs[0].pid == 100 && !strcmp(procs[0].comm, "qemu-dm"));
	CHECK(procs[0].uid == 131075 && procs[0].euid == 131075);
	CHECK(procs[0].chrooted == 1 && procs[0].no_new_privs == 1);
	CHECK(procs[0].nr_fds == 2);
	CHECK(procs[0].fds[0].fd == 3 && procs[0].fds[0].dev == DMOP_DEV_PRIVCMD &&
	      procs[0].fds[0].restricted_domid == 3 && procs[0].fds[0].dm_ops == 10 &&
	      procs[0].fds[0].dm_ops_denied == 1);
	CHECK(procs[0].fds[1].fd == 4 && procs[0].fds[1].dev == DMOP_DEV_EVTCHN &&
	      procs[0].fds[1].restricted_domid == 3);
	CHECK(dmop_proc_unrestricted_dmops(&procs[0]) == 0);
	CHECK(procs[1].pid == 200 && dmop_proc_unrestricted_dmops(&procs[1]) == 1);
	CHECK(procs[1].chrooted == 0 && procs[1].no_new_privs == 0);
	CHECK(procs[2].pid == 300 && dmop_proc_unrestricted_dmops(&procs[2]) == 0);
	CHECK(procs[3].pid == 400 && dmop_proc_unrestricted_dmops(&procs[3]) == -1);
	CHECK(procs[3].fds[0].restricted_domid == DMOP_RESTRICT_UNKNOWN);

	f = open_memstream(&buf, &len);
	CHECK(dmop_status_print(f, procs, nr, 1) == 0);
	fclose(f);
	CHECK(strstr(buf, "{\"version\":1,\"processes\":[{\"pid\":100,\"comm\":\"qemu-dm\","
		      "\"uid\":131075,\"euid\":131075,\"chrooted\":true,\"no_new_privs\":true,"
		      "\"unrestricted_dmops\":false,\"files\":[{\"fd\":3,\"device\":\"privcmd\","
		      "\"restriction\":\"domain\",\"restricted_domid\":3,\"dm_ops\":10,"
		      "\"dm_ops_denied\":1},{\"fd\":4,\"device\":\"evtchn\",\"restriction\":"
		      "\"domain\",\"restricted_domid\":3,\"dm_ops\":null,\"dm_ops_denied\":null}]}")
	      == buf);
	CHECK(strstr(buf, "\"comm\":\"bad\\\"dm\"") != NULL);
	CHECK(strstr(buf, "\"pid\":400,\"comm\":\"intree\",\"uid\":0,\"euid\":0,"
		      "\"chrooted\":false,\"no_new_privs\":false,\"unrestricted_dmops\":null,"
		      "\"files\":[{\"fd\":3,\"device\":\"privcmd\",\"restriction\":\"unknown\","
		      "\"restricted_domid\":null,\"dm_ops\":null,\"dm_ops_denied\":null}]}]}\n")
	      != NULL);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(dmop_status_print(f, procs, nr, 0) == 0);
	fclose(f);
	CHECK(strstr(buf, "pid 100 (qemu-dm) uid 131075 euid 131075 chrooted yes no_new_privs yes\n"
		      "  fd 3 privcmd restricted to domain 3, dm_ops 10 (denied 1)\n"
		      "  fd 4 evtchn restricted to domain 3\n") == buf);
	CHECK(strstr(buf, "pid 200 (bad\"dm) uid 0 euid 0 chrooted no no_new_privs no  UNRESTRICTED DMOPS\n"));
	CHECK(strstr(buf, "  fd 3 privcmd restriction unknown, dm_ops unknown\n"));
	CHECK(strstr(buf, "note: 1 file(s) without restriction"));
	free(buf);
	dmop_status_free(procs, nr);

	/* chosen pids: in the given order, a pid without Xen files shown */
	CHECK(dmop_status_scan(proc_dir, pids, 2, &procs, &nr) == 0);
	CHECK(nr == 2 && procs[0].pid == 500 && !procs[0].nr_fds && procs[1].pid == 100);
	dmop_status_free(procs, nr);
	CHECK(dmop_status_scan(proc_dir, &gone, 1, &procs, &nr) == -ESRCH);
	CHECK(dmop_status_scan("/nonexistent-proc", NULL, 0, &procs, &nr) == -ENOENT);

	/* the command: exit codes */
	snprintf(args, sizeof(args), "status --proc %s", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_UNRESTRICTED);
	CHECK(strstr(out, "UNRESTRICTED DMOPS") != NULL);
	free(out);
	snprintf(args, sizeof(args), "status --json --proc %s 100 300", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_OK && out[0] == '{' && strstr(out, "\"pid\":300"));
	free(out);
	snprintf(args, sizeof(args), "status --proc %s 999", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_ERROR && strstr(out, "a given pid does not exist"));
	free(out);
	out = run("status --bogus", &rc);
	CHECK(rc == DMOP_EXIT_USAGE && strstr(out, "unexpected argument '--bogus'"));
	free(out);
	out = run("trace --domid 3", &rc);
	CHECK(rc == DMOP_EXIT_UNSUPPORTED && strstr(out, "not yet available"));
	free(out);
	out = run("policy 1", &rc);
	CHECK(rc == DMOP_EXIT_UNSUPPORTED && strstr(out, "not yet available"));
	free(out);
	out = run("--help", &rc);
	CHECK(rc == 0 && strstr(out, "exit codes:"));
	free(out);
	out = run("--version", &rc);
	CHECK(rc == 0 && !strncmp(out, "dmop ", 5));
	free(out);
	out = run("", &rc);
	CHECK(rc == DMOP_EXIT_USAGE);
	free(out);
	snprintf(args, sizeof(args), "rm -rf %s", proc_dir);
	CHECK(system(args) == 0);
}

/* -------------------------------------------- after-setup, checks only */

static void test_setup_checks(void)
{
	char dir[] = "/tmp/libdmop-root-XXXXXX", file[64];
	int null_fd = open("/dev/null", O_RDWR);
	struct dmop_setup_report rep;
	struct dmop_setup_opts o = {
		.domid = 3, .uid = 131075, .gid = 131072,
		.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT,
	};
	uint32_t allow[] = { 1 };

	CHECK(dmop_after_setup(NULL, NULL, &rep) == -EINVAL);
	CHECK(rep.failed == DMOP_STEP_CHECK && !rep.partial && !rep.done);

	o.domid = 0;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL);
	CHECK(rep.failed == DMOP_STEP_CHECK && !rep.partial);
	CHECK(strstr(rep.message, "after-setup step 'check' failed: domid 0 is not a guest") ==
	      rep.message);
	CHECK(strstr(rep.message, "nothing was changed") != NULL);
	o.domid = DMOP_DOMID_INVALID;
	CHECK(dmop_after_setup(NULL, &o, NULL) == -EINVAL);
	o.domid = 3;

	o.allowlist = allow;
	o.nr_allowlist = 1;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EOPNOTSUPP);
	CHECK(rep.failed == DMOP_STEP_ALLOWLIST && strstr(rep.message, "'allowlist'"));
	o.allowlist = NULL;
	o.nr_allowlist = 0;

	o.flags = 1U << 7;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL);
	o.flags = DMOP_SETUP_NO_CHROOT;
	o.uid = 0;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL && strstr(rep.message, "root"));
	o.uid = 131075;

	o.flags = DMOP_SETUP_NO_IDS;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL &&
	      strstr(rep.message, "no chroot directory"));
	CHECK(mkdtemp(dir) != NULL);
	o.chroot_dir = dir;
	snprintf(file, sizeof(file), "%s/f", dir);
	write_file(file, "x");
	CHECK(dmop_after_setup(NULL, &o, &rep) == -ENOTEMPTY);
	CHECK(rep.failed == DMOP_STEP_CHECK && strstr(rep.message, dir));
	unlink(file);

	/* empty directory, but no Xen file at all */
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL &&
	      strstr(rep.message, "no /dev/xen/privcmd"));
	o.extra_fds = &null_fd;
	o.nr_extra_fds = 1;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EBADF);
	CHECK(rep.failed == DMOP_STEP_CHECK && strstr(rep.message, "is not an open /dev/xen/privcmd"));
	CHECK(!rep.partial && !rep.done);
	rmdir(dir);
	close(null_fd);

	/* a driver without the restrict ioctl: refused, naming the driver */
	{
		struct dmop_handle *h;
		int fake = open("/dev/null", O_RDWR);

		o.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS;
		o.extra_fds = NULL;
		o.nr_extra_fds = 0;
		CHECK(dmop_open_fds(&h, fake, -1) == 0);
		CHECK(dmop_after_setup(h, &o, &rep) == -ENOTTY);
		CHECK(rep.failed == DMOP_STEP_RESTRICT && !rep.partial);
		CHECK(strstr(rep.message, "after-setup step 'restrict' failed: the loaded "
			     "xen-privcmd driver has no restrict ioctl: load xen-dmop's "
			     "xen-privcmd.ko") == rep.message);
		CHECK(dmop_restricted_domid(h) == DMOP_DOMID_INVALID);
		dmop_close(h);
	}

	CHECK(!strcmp(dmop_step_name(DMOP_STEP_RESTRICT), "restrict"));
	CHECK(!strcmp(dmop_step_name(DMOP_STEP_NO_NEW_PRIVS), "no_new_privs"));
	CHECK(!strcmp(dmop_step_name(DMOP_STEP_COUNT), "?"));
	CHECK(!strcmp(dmop_step_name((enum dmop_step)-1), "?"));
}

static void test_handle_without_xen(void)
{
	struct dmop_handle *h;
	int fd = open("/dev/null", O_RDWR);

	CHECK(dmop_open(&h, 1U << 5) == -EINVAL);
	CHECK(dmop_open_fds(&h, 12345, -1) == -EBADF);
	CHECK(dmop_open_fds(&h, fd, 12345) == -EBADF);
	CHECK(dmop_open_fds(&h, fd, -1) == 0);
	CHECK(dmop_privcmd_fd(h) == fd && dmop_evtchn_fd(h) == -1);
	CHECK(dmop_restricted_domid(h) == DMOP_DOMID_INVALID);
	CHECK(dmop_restrict(h, DMOP_DOMID_INVALID) == -EINVAL);
	/* /dev/null has no such ioctl */
	CHECK(dmop_restrict(h, 3) == -ENOTTY);
	CHECK(dmop_nr_vcpus(h, 3, NULL) == -EINVAL);
	CHECK(dmop_op_raw(h, 3, NULL, 1) == -EINVAL);
	dmop_close(h);
	CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	dmop_close(NULL);
}

/* ----------------------------------------------------------- packaging */

static void test_packaging(void)
{
	char cmd[1024], sym[128], page[1024];
	unsigned int exported = 0, mapped = 0;
	FILE *p;

	/* every exported symbol is in the map, is versioned and has a page */
	snprintf(cmd, sizeof(cmd),
		 "nm -D --defined-only %s/libdmop.so | awk '$2 == \"T\" {print $3}'", out_dir);
	p = popen(cmd, "r");
	while (p && fscanf(p, "%127s", sym) == 1) {
		char *at = strchr(sym, '@');

		exported++;
		CHECK(at && !strcmp(at, "@@LIBDMOP_0.1"));
		if (at)
			*at = '\0';
		CHECK(!strncmp(sym, "dmop_", 5));
		snprintf(page, sizeof(page), "%s/man/%s.3", src_dir, sym);
		if (access(page, F_OK))
			printf("# no man page %s\n", page);
		CHECK(!access(page, F_OK));
	}
	if (p)
		pclose(p);
	snprintf(cmd, sizeof(cmd), "grep -c '^\t\tdmop_' %s/libdmop.map", src_dir);
	p = popen(cmd, "r");
	CHECK(p && fscanf(p, "%u", &mapped) == 1);
	if (p)
		pclose(p);
	CHECK(exported > 30 && exported == mapped);
	/* internals stay hidden */
	snprintf(cmd, sizeof(cmd), "nm -D %s/libdmop.so | grep -q -e dmop_fd_kind -e dmop_json_string",
		 out_dir);
	CHECK(system(cmd) != 0);
	/* link pages point at a page that exists; real pages render cleanly */
	snprintf(cmd, sizeof(cmd),
		 "cd %s/man && for f in *.[137]; do t=$(sed -n 's|^\\.so man3/||p' $f); "
		 "if [ -n \"$t\" ]; then [ -f \"$t\" ] || { echo \"# $f: $t missing\"; exit 1; }; "
		 "else o=$(groff -man -ww -z $f 2>&1); [ -z \"$o\" ] || { echo \"# $o\"; exit 1; }; fi; done",
		 src_dir);
	CHECK(system(cmd) == 0);
	snprintf(page, sizeof(page), "%s/man/libdmop.7", src_dir);
	CHECK(!access(page, F_OK));
	snprintf(page, sizeof(page), "%s/man/dmop.1", src_dir);
	CHECK(!access(page, F_OK));
	snprintf(cmd, sizeof(cmd), "PKG_CONFIG_PATH=%s pkg-config --libs libdmop | grep -q -- -ldmop",
		 out_dir);
	CHECK(system(cmd) == 0);
}

/*
 * Installed as a user gets it: the header alone compiles as C99 and C++,
 * and a program built with pkg-config runs against the shared library.
 */
static void test_installed(void)
{
	char cmd[2048], dir[] = "/tmp/libdmop-inst-XXXXXX";

	CHECK(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd),
		 "make -s -C %s install OUT=%s DESTDIR=%s PREFIX=/opt/dmop >/dev/null", src_dir,
		 out_dir, dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd),
		 "printf '#include <libdmop.h>\nint main(void) { return 0; }\n' >%s/h.c && "
		 "cc -std=c99 -pedantic -Wall -Wextra -Werror -I%s/opt/dmop/include -c -o %s/h.o %s/h.c && "
		 "c++ -x c++ -Wall -Wextra -Werror -I%s/opt/dmop/include -c -o %s/hpp.o %s/h.c",
		 dir, dir, dir, dir, dir, dir, dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd),
		 "printf '#include <errno.h>\n#include <string.h>\n#include <libdmop.h>\n"
		 "int main(void) { struct dmop_handle *h;\n"
		 "return strcmp(dmop_op_name(20), \"nr_vcpus\") || dmop_open(&h, 99) != -EINVAL; }\n'"
		 " >%s/p.c && PKG_CONFIG_SYSROOT_DIR=%s PKG_CONFIG_LIBDIR=%s/opt/dmop/lib/pkgconfig "
		 "cc -o %s/p %s/p.c $(PKG_CONFIG_SYSROOT_DIR=%s PKG_CONFIG_LIBDIR=%s/opt/dmop/lib/pkgconfig "
		 "pkg-config --cflags --libs libdmop) && LD_LIBRARY_PATH=%s/opt/dmop/lib %s/p && "
		 "LD_LIBRARY_PATH=%s/opt/dmop/lib ldd %s/p | grep -q 'libdmop.so.0 => %s/opt/dmop/lib/libdmop.so.0' && "
		 "test -f %s/opt/dmop/share/man/man3/dmop_nr_vcpus.3 && test -x %s/opt/dmop/bin/dmop",
		 dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: unit_test OUT_DIR SRC_DIR\n");
		return 2;
	}
	out_dir = argv[1];
	src_dir = argv[2];
	test_cli();
	test_op_names();
	test_fdinfo();
	test_json();
	test_status_scan();
	test_setup_checks();
	test_handle_without_xen();
	test_packaging();
	test_installed();
	printf("libdmop: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
