// SPDX-License-Identifier: LGPL-2.1-only
/*
 * Host unit tests of the dmop command: command line parsing, the trace
 * line formatter, JSON strings, the status scan and its reports over a fake
 * procfs tree, the policy a process's counters imply, and the built command
 * run as a program (exit codes and output).
 *
 *   cli_test OUT_DIR SRC_DIR     prints "dmop: N passed, N failed"
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
#include "cli.h"
#include "unit.h"

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
	CHECK(parse(&a, 4, "policy", "--json", "42") == 0 && a.json && a.pids[0] == 42);
	CHECK(parse(&a, 8, "trace", "--domid", "3", "--count", "2", "--timeout", "30") == 0 &&
	      a.domid == 3 && a.count == 2 && a.timeout == 30);
	CHECK(parse(&a, 2, "trace") == 0 && !a.count && !a.timeout);
	CHECK(parse(&a, 4, "trace", "--count", "0") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "trace", "--timeout") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 4, "trace", "--timeout", "x") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 4, "status", "--count", "1") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 4, "allowlist", "42", "nr_vcpus,inject_msi") == 0 &&
	      a.cmd == DMOP_CMD_ALLOWLIST && a.nr_pids == 1 && a.pids[0] == 42 &&
	      !strcmp(a.list, "nr_vcpus,inject_msi"));
	CHECK(parse(&a, 4, "allowlist", "42", "20") == 0 && !strcmp(a.list, "20"));
	CHECK(parse(&a, 3, "allowlist", "42") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 2, "allowlist") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 4, "allowlist", "42", "--json") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 5, "allowlist", "42", "a", "b") == DMOP_EXIT_USAGE);
	CHECK(parse(&a, 3, "help", "allowlist") == 0 && !strcmp(a.help_topic, "allowlist"));
}

/* cli_policy(): the sub-ops the counters of all privcmd files show. */
static void test_policy(void)
{
	struct cli_fd f[3] = { [0].a.sz = sizeof(f[0].a), [1].a.sz = sizeof(f[1].a),
			      [2].a.sz = sizeof(f[2].a) };
	struct cli_proc p = { .pid = 1, .nr_fds = 3, .fds = f };
	uint32_t ops[DMOP_AUDIT_NR_OPS];
	unsigned int nr;
	char buf[256];

	CHECK(dmop_fdinfo_parse(full_privcmd, &f[0].a) == 0);
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t3\nprivcmd.dm_ops:\t3\n"
				"privcmd.dm_op.create_ioreq_server:\t1 0\n"
				"privcmd.dm_op.nr_vcpus:\t2 2\n", &f[1].a) == 0);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t3\n", &f[2].a) == 0);
	f[0].dev = f[1].dev = CLI_DEV_PRIVCMD;
	f[2].dev = CLI_DEV_EVTCHN;
	CHECK(cli_policy(&p, ops, DMOP_AUDIT_NR_OPS, &nr) == 0);
	CHECK(nr == 4 && ops[0] == 1 && ops[1] == 9 && ops[2] == 20 && ops[3] == 40);
	CHECK(dmop_op_format_list(ops, nr, buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "create_ioreq_server,set_isa_irq_level,nr_vcpus,40"));
	CHECK(cli_policy(&p, ops, 3, &nr) == -E2BIG);
	/* sub-ops >= 64: no allowlist can hold them */
	f[1].a.calls_other = 1;
	CHECK(cli_policy(&p, ops, DMOP_AUDIT_NR_OPS, &nr) == -ERANGE);
	f[1].a.calls_other = 0;
	/* a privcmd file without counters (in-tree driver): nothing to say */
	CHECK(dmop_fdinfo_parse("pos:\t0\n", &f[1].a) == 0);
	f[1].dev = CLI_DEV_PRIVCMD;
	CHECK(cli_policy(&p, ops, DMOP_AUDIT_NR_OPS, &nr) == -ENODATA);
	/* no DMOP at all: the empty list */
	p.fds = &f[2];
	p.nr_fds = 1;
	CHECK(cli_policy(&p, ops, DMOP_AUDIT_NR_OPS, &nr) == 0 && nr == 0);
	CHECK(cli_policy(NULL, ops, 1, &nr) == -EINVAL);
}

/* `dmop trace`'s formatting of trace_pipe lines (fields as the ABI doc says). */
static void test_trace_format(void)
{
	char out[1400];

	CHECK(dmop_trace_format("  qemu-system-i38-812     [000] .....   123.456789: privcmd_dm_op: "
				"domid=3 op=9 nr_bufs=1 result=0", -1, out, sizeof(out)) == 1);
	CHECK(!strcmp(out, "123.456789 qemu-system-i38-812 dm_op set_isa_irq_level to domain 3: ok"));
	CHECK(dmop_trace_format("  qemu-system-i38-812     [000] .....   123.456789: privcmd_dm_op: "
				"domid=3 op=9 nr_bufs=1 result=0", 4, out, sizeof(out)) == 0);
	CHECK(dmop_trace_format("dm-7 [001] d..1. 5.000001: privcmd_dm_op: domid=4 op=20 nr_bufs=1 result=-3",
				4, out, sizeof(out)) == 1);
	CHECK(!strcmp(out, "5.000001 dm-7 dm_op nr_vcpus to domain 4: failed -3 (No such process)"));
	CHECK(dmop_trace_format("a b-9 [000] ..... 7.5: privcmd_dm_op: domid=4 op=4294967295 nr_bufs=1 result=-14",
				-1, out, sizeof(out)) == 1);
	CHECK(strstr(out, "7.5 a b-9 dm_op (buffer too short for a sub-op) to domain 4") == out);
	CHECK(dmop_trace_format("x-1 [000] ..... 8.0: privcmd_denied: ioctl=dm_op target=5 restricted=3 "
				"op=0 reason=domid", 5, out, sizeof(out)) == 1);
	CHECK(!strcmp(out, "8.0 x-1 DENIED privcmd dm_op to domain 5 (restricted to 3): "
		      "another domain than the restriction's"));
	CHECK(dmop_trace_format("x-1 [000] ..... 8.0: privcmd_denied: ioctl=dm_op target=3 restricted=3 "
				"op=12 reason=allowlist", 3, out, sizeof(out)) == 1);
	CHECK(strstr(out, "(restricted to 3): sub-op set_mem_type outside the allowlist"));
	CHECK(dmop_trace_format("x-1 [000] ..... 8.0: privcmd_denied: ioctl=hypercall target=32756 "
				"restricted=3 op=0 reason=hypercall", -1, out, sizeof(out)) == 1);
	CHECK(strstr(out, "DENIED privcmd hypercall to domain none (restricted to 3): raw hypercall"));
	CHECK(dmop_trace_format("x-1 [000] ..... 8.0: privcmd_denied: ioctl=dm_op target=5 restricted=3 "
				"op=0 reason=domid", 6, out, sizeof(out)) == 0);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: evtchn_denied: ioctl=virq target=32756 restricted=3",
				3, out, sizeof(out)) == 1);
	CHECK(!strcmp(out, "9.0 x-1 DENIED evtchn bind virq to domain none (restricted to 3)"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_restrict: domid=3 again=1", -1, out,
				sizeof(out)) == 1 && strstr(out, "privcmd restricted to domain 3 (again)"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: evtchn_restrict: domid=3", 3, out,
				sizeof(out)) == 1 && strstr(out, "evtchn restricted to domain 3"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: evtchn_restrict: domid=3", 2, out,
				sizeof(out)) == 0);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_allowlist: old=0xffffffffffffffff "
				"allowed=0x100200", -1, out, sizeof(out)) == 1);
	CHECK(!strcmp(out, "9.0 x-1 privcmd allowlist narrowed to set_isa_irq_level,nr_vcpus (was all)"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_allowlist: old=0x100200 allowed=0",
				-1, out, sizeof(out)) == 1 && strstr(out, "narrowed to none") &&
	      !strstr(out, "was all"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_allowlist: old=0x1 allowed=0", 3, out,
				sizeof(out)) == 0);
	/* the name says the driver, not the fields */
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: evtchn_restrict: domid=3 again=1", -1, out,
				sizeof(out)) == 1 && strstr(out, "evtchn restricted to domain 3") &&
	      !strstr(out, "again"));
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_restrict: domid=3", -1, out,
				sizeof(out)) == -EINVAL);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_denied: ioctl=virq target=32756 "
				"restricted=3", -1, out, sizeof(out)) == -EINVAL);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: evtchn_denied: ioctl=dm_op target=5 "
				"restricted=3 op=0 reason=domid", -1, out, sizeof(out)) == 1 &&
	      strstr(out, "DENIED evtchn bind dm_op to domain 5"));
	/* other events (unprefixed names are no longer ours), and lines that are none */
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: dm_op: domid=3 op=9 nr_bufs=1 result=0", -1,
				out, sizeof(out)) == 0);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: restrict: domid=3", -1, out,
				sizeof(out)) == 0);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: sched_switch: prev=a", -1, out,
				sizeof(out)) == 0);
	CHECK(dmop_trace_format("# tracer: nop", -1, out, sizeof(out)) == -EINVAL);
	CHECK(dmop_trace_format("", -1, out, sizeof(out)) == -EINVAL);
	CHECK(dmop_trace_format("x-1 [000] ..... 9.0: privcmd_dm_op: domid=3 op=9", -1, out,
				sizeof(out)) == -EINVAL);
}

/* ------------------------------------------------------------------ JSON */

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(cli_json_string(f, "a\"b\\c\n\t\x01" "d\xc3\xa9") == 0);
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\\"b\\\\c\\n\\t\\u0001d\xc3\xa9\""));
	free(buf);
}

/* ------------------------------------------------------- fake procfs scan */

static char proc_dir[] = "/tmp/libdmop-proc-XXXXXX";

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
	/* every audit key: an allowlisted device model */
	static const char *const audited[] = {
		"/dev/xen/privcmd", full_privcmd,
		"/dev/xen/evtchn", "evtchn.restricted_domid:\t3\nevtchn.ports:\t2\n"
			"evtchn.denied:\t1\nevtchn.ring_size:\t64\nevtchn.pending:\t0\n",
	};

	if (!mkdtemp(proc_dir)) {
		perror("mkdtemp");
		exit(1);
	}
	fake_proc(100, "qemu-dm\n", STATUS("131075", "1"), "/run/qemu-root-3", 3, qemu);
	fake_proc(200, "bad\"dm\n", STATUS("0", "0"), "/", 1, bad);
	fake_proc(300, "xenstored\n", STATUS("0", "0"), "/", 1, idle);
	fake_proc(400, "intree\n", STATUS("0", "0"), "/", 1, intree);
	fake_proc(500, "bash\n", STATUS("0", "0"), "/", 1, none);
	fake_proc(600, "qemu-audit\n", STATUS("131075", "1"), "/run/qemu-root-3", 2, audited);
}

static char *run(const char *args, int *rc)
{
	char cmd[1024], *buf = calloc(1, 65536);
	size_t len = 0, n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "LD_LIBRARY_PATH=%s %s/dmop %s 2>&1", out_dir, out_dir, args);
	p = popen(cmd, "r");
	while (p && (n = fread(buf + len, 1, 65535 - len, p)) > 0)
		len += n;
	*rc = p ? WEXITSTATUS(pclose(p)) : -1;
	return buf;
}

static void test_status_scan(void)
{
	struct cli_proc *procs;
	pid_t pids[] = { 500, 100 }, gone = 999;
	char *buf = NULL, *out, args[256];
	size_t nr, len;
	FILE *f;
	int rc;

	make_fake_proc();
	CHECK(cli_status_scan(proc_dir, NULL, 0, &procs, &nr) == 0);
	CHECK(nr == 5);
	if (nr != 5)
		return;
	CHECK(procs[0].pid == 100 && !strcmp(procs[0].comm, "qemu-dm"));
	CHECK(procs[0].uid == 131075 && procs[0].euid == 131075);
	CHECK(procs[0].chrooted == 1 && procs[0].no_new_privs == 1);
	CHECK(procs[0].nr_fds == 2);
	CHECK(procs[0].fds[0].fd == 3 && procs[0].fds[0].dev == CLI_DEV_PRIVCMD &&
	      procs[0].fds[0].a.restricted_domid == 3 && procs[0].fds[0].a.dm_ops == 10 &&
	      procs[0].fds[0].a.dm_ops_denied == 1);
	CHECK(procs[0].fds[1].fd == 4 && procs[0].fds[1].dev == CLI_DEV_EVTCHN &&
	      procs[0].fds[1].a.restricted_domid == 3);
	CHECK(cli_unrestricted_dmops(&procs[0]) == 0);
	CHECK(procs[1].pid == 200 && cli_unrestricted_dmops(&procs[1]) == 1);
	CHECK(procs[1].chrooted == 0 && procs[1].no_new_privs == 0);
	CHECK(procs[2].pid == 300 && cli_unrestricted_dmops(&procs[2]) == 0);
	CHECK(procs[3].pid == 400 && cli_unrestricted_dmops(&procs[3]) == -1);
	CHECK(procs[3].fds[0].a.restricted_domid == DMOP_RESTRICT_UNKNOWN);

	f = open_memstream(&buf, &len);
	CHECK(cli_status_print(f, procs, nr, 1) == 0);
	fclose(f);
	CHECK(strstr(buf, "{\"version\":1,\"processes\":[{\"pid\":100,\"comm\":\"qemu-dm\","
		      "\"uid\":131075,\"euid\":131075,\"chrooted\":true,\"no_new_privs\":true,"
		      "\"unrestricted_dmops\":false,\"files\":[{\"fd\":3,\"device\":\"privcmd\","
		      "\"restriction\":\"domain\",\"restricted_domid\":3,\"dm_ops\":10,"
		      "\"dm_ops_denied\":1,\"allowlist\":null,\"denied\":null,\"mapped_pages\":null,"
		      "\"dm_op\":{},"
		      "\"irqfds\":null,\"irqfd_injections\":null,\"irqfd_denied\":null,"
		      "\"ioeventfds\":null,\"ioeventfd_notifies\":null,\"ioeventfd_denied\":null},"
		      "{\"fd\":4,\"device\":\"evtchn\",\"restriction\":"
		      "\"domain\",\"restricted_domid\":3,\"dm_ops\":null,\"dm_ops_denied\":null,"
		      "\"ports\":null,\"binds_denied\":null}]}")
	      == buf);
	CHECK(strstr(buf, "{\"fd\":3,\"device\":\"privcmd\",\"restriction\":\"domain\","
		      "\"restricted_domid\":3,\"dm_ops\":124,\"dm_ops_denied\":1,\"allowlist\":"
		      "[\"set_ioreq_server_state\",\"set_isa_irq_level\",\"nr_vcpus\",\"op40\"],"
		      "\"denied\":{\"hypercall\":4,\"domid\":0,\"allowlist\":1},\"mapped_pages\":2,"
		      "\"dm_op\":{\"set_isa_irq_level\":{\"op\":9,\"calls\":118,\"failures\":0},"
		      "\"nr_vcpus\":{\"op\":20,\"calls\":2,\"failures\":0},"
		      "\"op40\":{\"op\":40,\"calls\":1,\"failures\":1}},"
		      "\"irqfds\":1,\"irqfd_injections\":100,\"irqfd_denied\":2,"
		      "\"ioeventfds\":1,\"ioeventfd_notifies\":4096,\"ioeventfd_denied\":3},"
		      "{\"fd\":4,\"device\":"
		      "\"evtchn\",\"restriction\":\"domain\",\"restricted_domid\":3,\"dm_ops\":null,"
		      "\"dm_ops_denied\":null,\"ports\":2,\"binds_denied\":1}]}") != NULL);
	CHECK(strstr(buf, "\"comm\":\"bad\\\"dm\"") != NULL);
	CHECK(strstr(buf, "\"pid\":400,\"comm\":\"intree\",\"uid\":0,\"euid\":0,"
		      "\"chrooted\":false,\"no_new_privs\":false,\"unrestricted_dmops\":null,"
		      "\"files\":[{\"fd\":3,\"device\":\"privcmd\",\"restriction\":\"unknown\","
		      "\"restricted_domid\":null,\"dm_ops\":null,\"dm_ops_denied\":null,"
		      "\"allowlist\":null,\"denied\":null,\"mapped_pages\":null,\"dm_op\":null,"
		      "\"irqfds\":null,\"irqfd_injections\":null,\"irqfd_denied\":null,"
		      "\"ioeventfds\":null,\"ioeventfd_notifies\":null,\"ioeventfd_denied\":null}]},")
	      != NULL);
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	CHECK(cli_status_print(f, procs, nr, 0) == 0);
	fclose(f);
	CHECK(strstr(buf, "pid 100 (qemu-dm) uid 131075 euid 131075 chrooted yes no_new_privs yes\n"
		      "  fd 3 privcmd restricted to domain 3, dm_ops 10 (denied 1)\n"
		      "  fd 4 evtchn restricted to domain 3\n") == buf);
	CHECK(strstr(buf, "pid 200 (bad\"dm) uid 0 euid 0 chrooted no no_new_privs no  UNRESTRICTED DMOPS\n"));
	CHECK(strstr(buf, "  fd 3 privcmd restriction unknown, dm_ops unknown\n"));
	CHECK(strstr(buf, "note: 1 file(s) without restriction"));
	CHECK(strstr(buf, "pid 600 (qemu-audit) uid 131075 euid 131075 chrooted yes no_new_privs yes\n"
		      "  fd 3 privcmd restricted to domain 3, dm_ops 124 (denied 1)\n"
		      "    allowlist: set_ioreq_server_state,set_isa_irq_level,nr_vcpus,op40\n"
		      "    denied: hypercall 4, domid 0, allowlist 1\n"
		      "    mapped pages: 2\n"
		      "    irqfds: 1 live, injections 100, denied 2\n"
		      "    ioeventfds: 1 live, notifies 4096, denied 3\n"
		      "    sub-op                                  calls   failures\n"
		      "    set_isa_irq_level                         118          0\n"
		      "    nr_vcpus                                    2          0\n"
		      "    op40                                        1          1\n"
		      "  fd 4 evtchn restricted to domain 3, ports 2 (binds denied 1)\n") != NULL);
	free(buf);
	cli_status_free(procs, nr);

	/* chosen pids: in the given order, a pid without Xen files shown */
	CHECK(cli_status_scan(proc_dir, pids, 2, &procs, &nr) == 0);
	CHECK(nr == 2 && procs[0].pid == 500 && !procs[0].nr_fds && procs[1].pid == 100);
	cli_status_free(procs, nr);
	CHECK(cli_status_scan(proc_dir, &gone, 1, &procs, &nr) == -ESRCH);
	CHECK(cli_status_scan("/nonexistent-proc", NULL, 0, &procs, &nr) == -ENOENT);

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
	/* policy: one line, as allowlist and libdmop read it */
	snprintf(args, sizeof(args), "policy --proc %s 600", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_OK && !strcmp(out, "set_isa_irq_level,nr_vcpus,40\n"));
	free(out);
	snprintf(args, sizeof(args), "policy --json --proc %s 600", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_OK &&
	      !strcmp(out, "{\"version\":1,\"pid\":600,\"comm\":\"qemu-audit\",\"allowlist\":"
		      "\"set_isa_irq_level,nr_vcpus,40\",\"ops\":[{\"op\":9,\"name\":"
		      "\"set_isa_irq_level\",\"calls\":118,\"failures\":0},{\"op\":20,\"name\":"
		      "\"nr_vcpus\",\"calls\":2,\"failures\":0},{\"op\":40,\"name\":\"\","
		      "\"calls\":1,\"failures\":1}]}\n"));
	free(out);
	/* counters but no DMOP yet: the empty list */
	snprintf(args, sizeof(args), "policy --proc %s 300", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_OK && !strcmp(out, "none\n"));
	free(out);
	snprintf(args, sizeof(args), "policy --proc %s 400", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_UNSUPPORTED && strstr(out, "publishes no per-sub-op DMOP counters"));
	free(out);
	snprintf(args, sizeof(args), "policy --proc %s 500", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_ERROR && strstr(out, "holds no /dev/xen/privcmd file"));
	free(out);
	snprintf(args, sizeof(args), "policy --proc %s 999", proc_dir);
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_ERROR && strstr(out, "no process 999"));
	free(out);
	/* allowlist: a bad list is a usage error before anything is looked at */
	out = run("allowlist 1 nr_vcpus,bogus", &rc);
	CHECK(rc == DMOP_EXIT_USAGE && strstr(out, "is not a list of DMOP sub-ops"));
	free(out);
	out = run("allowlist 1 64", &rc);
	CHECK(rc == DMOP_EXIT_USAGE);
	free(out);
	/* this host has no Xen: no privcmd file, no tracepoints */
	snprintf(args, sizeof(args), "allowlist %d nr_vcpus", (int)getpid());
	out = run(args, &rc);
	CHECK(rc == DMOP_EXIT_ERROR && strstr(out, "holds no /dev/xen/privcmd file"));
	free(out);
	out = run("trace --domid 3 --count 1 --timeout 1", &rc);
	CHECK((rc == DMOP_EXIT_UNSUPPORTED && strstr(out, "has no tracepoints")) ||
	      (rc == DMOP_EXIT_ERROR && strstr(out, "no tracefs")));
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

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cli_test OUT_DIR SRC_DIR\n");
		return 2;
	}
	out_dir = argv[1];
	src_dir = argv[2];
	test_cli();
	test_policy();
	test_trace_format();
	test_json();
	test_status_scan();
	printf("dmop: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
