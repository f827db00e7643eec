/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The dmop command: argument parsing (pure, unit-tested) and its main.
 */
#ifndef DMOP_CLI_H
#define DMOP_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

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

#endif /* DMOP_CLI_H */
