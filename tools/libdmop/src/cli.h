/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The dmop command's pieces: argument parsing, the procfs scan and its
 * text and JSON reports, the trace formatter (pure functions, unit-tested
 * on the host) and the commands. The command is a user of libdmop's public
 * API only; nothing here is part of the library.
 */
#ifndef DMOP_CLI_H
#define DMOP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "libdmop.h"

#define CLI_PRIVCMD_PATH	"/dev/xen/privcmd"
#define CLI_EVTCHN_PATH		"/dev/xen/evtchn"

/* Exit codes of dmop(1). */
#define DMOP_EXIT_OK		0	/* done; status: nothing unrestricted */
#define DMOP_EXIT_UNRESTRICTED	1	/* status: unrestricted DMOPs seen */
#define DMOP_EXIT_USAGE		2	/* bad command line */
#define DMOP_EXIT_ERROR		3	/* could not do it (no /proc, no pid) */
#define DMOP_EXIT_UNSUPPORTED	4	/* the loaded drivers lack what it needs */

enum dmop_cmd {
	DMOP_CMD_HELP,
	DMOP_CMD_VERSION,
	DMOP_CMD_STATUS,
	DMOP_CMD_TRACE,
	DMOP_CMD_POLICY,
	DMOP_CMD_ALLOWLIST,
};

#define DMOP_CLI_MAX_PIDS 256

/**
 * struct dmop_cli_args - a parsed dmop command line.
 * @cmd: the command.
 * @json: --json.
 * @proc: --proc DIR (procfs to read; NULL: /proc).
 * @domid: trace --domid N, or -1.
 * @count: trace --count N: stop after N events (0: no limit).
 * @timeout: trace --timeout S: stop after S seconds (0: no limit).
 * @list: allowlist PID LIST: the sub-ops, as dmop_op_parse_list() reads them.
 * @pids: status PID... / policy PID / allowlist PID.
 * @nr_pids: entries in @pids.
 * @help_topic: for DMOP_CMD_HELP, the command it is about (NULL: all).
 */
struct dmop_cli_args {
	enum dmop_cmd cmd;
	int json;
	const char *proc;
	long domid;
	long count;
	long timeout;
	const char *list;
	pid_t pids[DMOP_CLI_MAX_PIDS];
	size_t nr_pids;
	const char *help_topic;
};

/*
 * dmop_cli_parse() - parse @argv (argv[0] is the program) into @a.
 * Return: 0, or DMOP_EXIT_USAGE with a one-line reason in @err.
 */
int dmop_cli_parse(int argc, char *const argv[], struct dmop_cli_args *a,
		   char *err, size_t err_size);

/* dmop_cli_usage() - the help text for @topic (NULL: the whole command). */
void dmop_cli_usage(FILE *f, const char *topic);

/*
 * dmop_trace_format() - one line of a tracefs trace_pipe holding a
 * xen_privcmd or xen_evtchn event, as a readable line in @out. With @domid
 * >= 0 only events about that domain are kept.
 * Return: 1 and a line in @out, 0 for a line to leave out (another domain,
 * another event), -EINVAL for a line that is no event line.
 */
int dmop_trace_format(const char *raw, long domid, char *out, size_t size);

/* dmop_trace_run() - `dmop trace`; returns its exit code. */
int dmop_trace_run(const struct dmop_cli_args *a);

/* dmop_cli_main() - the dmop command; returns its exit code. */
int dmop_cli_main(int argc, char *argv[]);

/* ------------------------------------------------- status and policy */

/* Which Xen device an open file is. */
enum cli_dev {
	CLI_DEV_PRIVCMD = 0,
	CLI_DEV_EVTCHN = 1,
};

/**
 * struct cli_fd - one open Xen file of a process.
 * @fd: its descriptor number in that process.
 * @dev: CLI_DEV_PRIVCMD or CLI_DEV_EVTCHN.
 * @a: what its fdinfo says (dmop_fdinfo_parse()).
 */
struct cli_fd {
	int fd;
	enum cli_dev dev;
	struct dmop_audit a;
};

/**
 * struct cli_proc - a process holding Xen files open.
 * @pid: its pid.
 * @comm: its name (/proc/PID/comm).
 * @uid: real uid; @euid: effective uid.
 * @chrooted: 1, 0, or -1 when unknown (no access to /proc/PID/root).
 * @no_new_privs: 1, 0, or -1 when unknown.
 * @nr_fds: entries in @fds.
 * @fds: its open privcmd and evtchn files, by fd number.
 */
struct cli_proc {
	pid_t pid;
	char comm[32];
	uid_t uid;
	uid_t euid;
	int chrooted;
	int no_new_privs;
	unsigned int nr_fds;
	struct cli_fd *fds;
};

/*
 * cli_status_scan() - the processes holding /dev/xen/privcmd or
 * /dev/xen/evtchn open: all of them (@pids NULL) or those of @pids, read
 * from the procfs at @proc (NULL: "/proc").
 * Return: 0 with a malloc'ed array in *@out (cli_status_free()) and its
 * length in *@nr, -ENOMEM, or the errno of opening @proc. Processes that
 * vanish or deny access are left out; a pid of @pids that does not exist
 * gives -ESRCH.
 */
int cli_status_scan(const char *proc, const pid_t *pids, size_t nr_pids,
		    struct cli_proc **out, size_t *nr);

/* cli_status_free() - free what cli_status_scan() returned. */
void cli_status_free(struct cli_proc *procs, size_t nr);

/*
 * cli_unrestricted_dmops() - whether the process issued DMOPs through an
 * unrestricted privcmd file: 1 yes, 0 no, -1 unknown (the driver publishes
 * no restriction or counters).
 */
int cli_unrestricted_dmops(const struct cli_proc *p);

/*
 * cli_policy() - the DMOP allowlist the process's observed use implies:
 * the sub-ops issued through any of its privcmd files, ascending, into
 * @ops (room for @max).
 * Return: 0 and *@nr, -ENODATA (no per-sub-op counters published), -ERANGE
 * (sub-ops >= 64 or too short DMOPs were issued: no allowlist allows
 * those), -E2BIG (more than @max).
 */
int cli_policy(const struct cli_proc *p, uint32_t *ops, unsigned int max,
	       unsigned int *nr);

/* cli_status_print() - @procs as text, or one JSON document: 0 or -EIO. */
int cli_status_print(FILE *f, const struct cli_proc *procs, size_t nr, int json);

/* cli_json_string() - @s as a JSON string (quoted, escaped): 0 or -EIO. */
int cli_json_string(FILE *f, const char *s);

#endif /* DMOP_CLI_H */
