// SPDX-License-Identifier: LGPL-2.1-only
/* dmop(1) command line parsing and help: no I/O besides the help text. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int usage_err(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return DMOP_EXIT_USAGE;
}

static int parse_num(const char *s, long max, long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || *end || *v > max ? -EINVAL : 0;
}

static int is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

int dmop_cli_parse(int argc, char *const argv[], struct dmop_cli_args *a,
		   char *err, size_t err_size)
{
	const char *cmd;
	int i;

	memset(a, 0, sizeof(*a));
	a->domid = -1;
	err[0] = '\0';
	if (argc < 2)
		return usage_err(err, err_size, "no command given");
	cmd = argv[1];
	if (is_help(cmd) || !strcmp(cmd, "help")) {
		a->cmd = DMOP_CMD_HELP;
		a->help_topic = argc > 2 && !is_help(cmd) ? argv[2] : NULL;
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		a->cmd = DMOP_CMD_VERSION;
		return 0;
	}
	if (!strcmp(cmd, "status"))
		a->cmd = DMOP_CMD_STATUS;
	else if (!strcmp(cmd, "trace"))
		a->cmd = DMOP_CMD_TRACE;
	else if (!strcmp(cmd, "policy"))
		a->cmd = DMOP_CMD_POLICY;
	else if (!strcmp(cmd, "allowlist"))
		a->cmd = DMOP_CMD_ALLOWLIST;
	else
		return usage_err(err, err_size, "unknown command '%s'", cmd);

	for (i = 2; i < argc; i++) {
		const char *arg = argv[i];
		long v;

		if (is_help(arg)) {
			a->help_topic = cmd;
			a->cmd = DMOP_CMD_HELP;
			return 0;
		}
		if (!strcmp(arg, "--json")) {
			if (a->cmd == DMOP_CMD_POLICY || a->cmd == DMOP_CMD_STATUS) {
				a->json = 1;
				continue;
			}
		} else if (!strcmp(arg, "--proc") &&
			   (a->cmd == DMOP_CMD_STATUS || a->cmd == DMOP_CMD_POLICY)) {
			if (++i == argc)
				return usage_err(err, err_size, "--proc needs a directory");
			a->proc = argv[i];
			continue;
		} else if (!strcmp(arg, "--domid") && a->cmd == DMOP_CMD_TRACE) {
			if (++i == argc || parse_num(argv[i], 0x7fef, &v))
				return usage_err(err, err_size,
						 "--domid needs a domain id (0-32751)");
			a->domid = v;
			continue;
		} else if ((!strcmp(arg, "--count") || !strcmp(arg, "--timeout")) &&
			   a->cmd == DMOP_CMD_TRACE) {
			if (++i == argc || parse_num(argv[i], 0x7fffffff, &v) || !v)
				return usage_err(err, err_size, "%s needs a number (1 or more)",
						 arg);
			if (arg[2] == 'c')
				a->count = v;
			else
				a->timeout = v;
			continue;
		} else if (a->cmd == DMOP_CMD_ALLOWLIST && a->nr_pids == 1 && !a->list) {
			/* the sub-ops: names may start with anything but '-' */
			if (arg[0] == '-')
				return usage_err(err, err_size, "allowlist: '%s' is not a list of sub-ops",
						 arg);
			a->list = arg;
			continue;
		} else if (arg[0] != '-' && a->cmd != DMOP_CMD_TRACE) {
			if (parse_num(arg, 0x7fffffff, &v) || !v)
				return usage_err(err, err_size, "'%s' is not a pid", arg);
			if ((a->cmd == DMOP_CMD_POLICY || a->cmd == DMOP_CMD_ALLOWLIST) &&
			    a->nr_pids)
				return usage_err(err, err_size, "%s takes one pid", cmd);
			if (a->nr_pids == DMOP_CLI_MAX_PIDS)
				return usage_err(err, err_size, "more than %d pids",
						 DMOP_CLI_MAX_PIDS);
			a->pids[a->nr_pids++] = v;
			continue;
		}
		return usage_err(err, err_size, "%s: unexpected argument '%s'", cmd, arg);
	}
	if (a->cmd == DMOP_CMD_POLICY && !a->nr_pids)
		return usage_err(err, err_size, "policy needs a pid");
	if (a->cmd == DMOP_CMD_ALLOWLIST && !a->list)
		return usage_err(err, err_size, "allowlist needs a pid and a list of sub-ops");
	return 0;
}

static const char usage_status[] =
	"dmop status [--json] [--proc DIR] [PID...]\n"
	"    Every process holding /dev/xen/privcmd or /dev/xen/evtchn open (or\n"
	"    the given ones): each file's restriction and DMOP counters, uid,\n"
	"    chroot, no_new_privs. Exit 1 if a process issued DMOPs through an\n"
	"    unrestricted privcmd file.\n";
static const char usage_trace[] =
	"dmop trace [--domid N] [--count N] [--timeout S]\n"
	"    Follow DMOPs and refusals as they happen, one line each (from the\n"
	"    drivers' tracepoints, in a private tracefs instance removed on exit),\n"
	"    for every domain or domain N; stop after N events or S seconds.\n";
static const char usage_policy[] =
	"dmop policy [--json] [--proc DIR] PID\n"
	"    The DMOP allowlist the process's use so far implies (the sub-ops it\n"
	"    issued through its privcmd files), as one line dmop allowlist and\n"
	"    libdmop take.\n";
static const char usage_allowlist[] =
	"dmop allowlist PID LIST\n"
	"    Narrow every privcmd file PID holds to the DMOP sub-ops of LIST\n"
	"    (names or numbers, comma-separated; \"none\" for none). Allowlists only\n"
	"    narrow; the process is not stopped (pidfd_getfd, needs ptrace rights).\n";

void dmop_cli_usage(FILE *f, const char *topic)
{
	if (topic && !strcmp(topic, "status")) {
		fputs(usage_status, f);
		return;
	}
	if (topic && !strcmp(topic, "trace")) {
		fputs(usage_trace, f);
		return;
	}
	if (topic && !strcmp(topic, "policy")) {
		fputs(usage_policy, f);
		return;
	}
	if (topic && !strcmp(topic, "allowlist")) {
		fputs(usage_allowlist, f);
		return;
	}
	fputs("usage: dmop COMMAND [ARGS]   (dmop --help, dmop --version)\n\n", f);
	fputs(usage_status, f);
	fputs(usage_trace, f);
	fputs(usage_policy, f);
	fputs(usage_allowlist, f);
	fputs("\nexit codes: 0 ok, 1 unrestricted DMOPs found, 2 usage error,\n"
	      "3 error (no such pid, /proc unreadable, refused), 4 the loaded drivers\n"
	      "lack the audit interface the command needs (the in-tree drivers)\n", f);
}
