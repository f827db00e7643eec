// SPDX-License-Identifier: LGPL-2.1-only
/* dmop(1): what the library knows, for people and for scripts. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#ifndef DMOP_LIB_VERSION
#define DMOP_LIB_VERSION "unknown"
#endif

static int cmd_status(const struct dmop_cli_args *a)
{
	struct cli_proc *procs;
	int rc = DMOP_EXIT_OK;
	size_t nr;
	int err;

	err = cli_status_scan(a->proc, a->nr_pids ? a->pids : NULL, a->nr_pids,
			       &procs, &nr);
	if (err == -ESRCH) {
		fprintf(stderr, "dmop status: a given pid does not exist\n");
		return DMOP_EXIT_ERROR;
	}
	if (err) {
		fprintf(stderr, "dmop status: cannot read %s: %s\n",
			a->proc ? a->proc : "/proc", strerror(-err));
		return DMOP_EXIT_ERROR;
	}
	for (size_t i = 0; i < nr; i++)
		if (cli_unrestricted_dmops(&procs[i]) > 0)
			rc = DMOP_EXIT_UNRESTRICTED;
	if (cli_status_print(stdout, procs, nr, a->json)) {
		fprintf(stderr, "dmop status: cannot write the report\n");
		rc = DMOP_EXIT_ERROR;
	}
	cli_status_free(procs, nr);
	return rc;
}

/* Scan one pid; the error message is printed here. */
static int scan_one(const char *cmd, const char *proc, pid_t pid,
		    struct cli_proc **procs)
{
	size_t nr;
	int err = cli_status_scan(proc, &pid, 1, procs, &nr);

	if (err == -ESRCH)
		fprintf(stderr, "dmop %s: no process %d\n", cmd, (int)pid);
	else if (err)
		fprintf(stderr, "dmop %s: cannot read %s: %s\n", cmd, proc ? proc : "/proc",
			strerror(-err));
	return err ? DMOP_EXIT_ERROR : 0;
}

static int cmd_policy(const struct dmop_cli_args *a)
{
	uint32_t ops[DMOP_AUDIT_NR_OPS];
	struct cli_proc *p;
	char list[2048];
	unsigned int nr, privcmd = 0;
	int err, rc;

	rc = scan_one("policy", a->proc, a->pids[0], &p);
	if (rc)
		return rc;
	for (unsigned int i = 0; i < p->nr_fds; i++)
		privcmd += p->fds[i].dev == CLI_DEV_PRIVCMD;
	err = cli_policy(p, ops, DMOP_AUDIT_NR_OPS, &nr);
	if (err == -ENODATA) {
		fprintf(stderr, "dmop policy: pid %d: the loaded xen-privcmd publishes no per-sub-op DMOP counters (the in-tree driver does not; load xen-dmop's)\n",
			(int)p->pid);
		rc = DMOP_EXIT_UNSUPPORTED;
		goto out;
	}
	if (err == -ERANGE) {
		fprintf(stderr, "dmop policy: pid %d issued DMOPs with sub-ops >= %d or too short to hold one: no allowlist allows those\n",
			(int)p->pid, DMOP_AUDIT_NR_OPS);
		rc = DMOP_EXIT_ERROR;
		goto out;
	}
	if (!err && !privcmd) {
		fprintf(stderr, "dmop policy: pid %d holds no /dev/xen/privcmd file\n",
			(int)p->pid);
		rc = DMOP_EXIT_ERROR;
		goto out;
	}
	if (!err)
		err = dmop_op_format_list(ops, nr, list, sizeof(list));
	if (err) {
		fprintf(stderr, "dmop policy: %s\n", strerror(-err));
		rc = DMOP_EXIT_ERROR;
		goto out;
	}
	if (!a->json) {
		/* "none": what dmop allowlist reads as the empty list */
		printf("%s\n", nr ? list : "none");
		goto out;
	}
	printf("{\"version\":1,\"pid\":%d,\"comm\":", (int)p->pid);
	cli_json_string(stdout, p->comm);
	printf(",\"allowlist\":");
	cli_json_string(stdout, nr ? list : "none");
	printf(",\"ops\":[");
	for (unsigned int i = 0; i < nr; i++) {
		uint64_t calls = 0, failures = 0;

		for (unsigned int j = 0; j < p->nr_fds; j++) {
			if (p->fds[j].dev != CLI_DEV_PRIVCMD)
				continue;
			calls += p->fds[j].a.calls[ops[i]];
			failures += p->fds[j].a.failures[ops[i]];
		}
		printf("%s{\"op\":%u,\"name\":", i ? "," : "", (unsigned int)ops[i]);
		cli_json_string(stdout, dmop_op_name(ops[i]) ? dmop_op_name(ops[i]) : "");
		printf(",\"calls\":%" PRIu64 ",\"failures\":%" PRIu64 "}", calls, failures);
	}
	printf("]}\n");
out:
	cli_status_free(p, 1);
	if (fflush(stdout) && !rc)
		rc = DMOP_EXIT_ERROR;
	return rc;
}

/*
 * Narrow PID's privcmd files from outside: pidfd_getfd() gives us the very
 * open files (not new opens), and the allowlist lives on the open file.
 */
static int cmd_allowlist(const struct dmop_cli_args *a)
{
	uint32_t ops[DMOP_AUDIT_NR_OPS];
	const char *list = strcmp(a->list, "none") ? a->list : "";
	struct cli_proc *p;
	unsigned int nr, done = 0;
	int err, rc, pidfd;

	err = dmop_op_parse_list(list, ops, DMOP_AUDIT_NR_OPS, &nr);
	for (unsigned int i = 0; !err && i < nr; i++)
		if (ops[i] >= DMOP_AUDIT_NR_OPS)
			err = -EINVAL;
	if (err) {
		fprintf(stderr, "dmop allowlist: '%s' is not a list of DMOP sub-ops (names or numbers 0-%d)\n",
			a->list, DMOP_AUDIT_NR_OPS - 1);
		return DMOP_EXIT_USAGE;
	}
	rc = scan_one("allowlist", NULL, a->pids[0], &p);
	if (rc)
		return rc;
	pidfd = syscall(SYS_pidfd_open, p->pid, 0);
	if (pidfd < 0) {
		fprintf(stderr, "dmop allowlist: pidfd_open(%d): %s\n", (int)p->pid,
			strerror(errno));
		rc = DMOP_EXIT_ERROR;
		goto out;
	}
	for (unsigned int i = 0; i < p->nr_fds && !rc; i++) {
		struct dmop_handle *h;
		int fd;

		if (p->fds[i].dev != CLI_DEV_PRIVCMD)
			continue;
		fd = syscall(SYS_pidfd_getfd, pidfd, p->fds[i].fd, 0);
		if (fd < 0) {
			fprintf(stderr, "dmop allowlist: pidfd_getfd(pid %d, fd %d): %s\n",
				(int)p->pid, p->fds[i].fd, strerror(errno));
			rc = DMOP_EXIT_ERROR;
			break;
		}
		err = dmop_open_fds(&h, fd, -1);
		if (err) {
			close(fd);
		} else {
			err = dmop_set_allowlist(h, ops, nr);
			dmop_close(h);
		}
		if (err == -ENOTTY) {
			fprintf(stderr, "dmop allowlist: the loaded xen-privcmd has no DMOP allowlist (the in-tree driver; load xen-dmop's)\n");
			rc = DMOP_EXIT_UNSUPPORTED;
		} else if (err == -EPERM) {
			fprintf(stderr, "dmop allowlist: pid %d fd %d no longer allows every sub-op of '%s' (allowlists only narrow); unchanged\n",
				(int)p->pid, p->fds[i].fd, a->list);
			rc = DMOP_EXIT_ERROR;
		} else if (err) {
			fprintf(stderr, "dmop allowlist: pid %d fd %d: %s\n", (int)p->pid,
				p->fds[i].fd, strerror(-err));
			rc = DMOP_EXIT_ERROR;
		} else {
			printf("pid %d fd %d: privcmd narrowed to %s\n", (int)p->pid,
			       p->fds[i].fd, nr ? list : "none");
			done++;
		}
	}
	close(pidfd);
	if (!rc && !done) {
		fprintf(stderr, "dmop allowlist: pid %d holds no /dev/xen/privcmd file\n",
			(int)p->pid);
		rc = DMOP_EXIT_ERROR;
	}
out:
	cli_status_free(p, 1);
	return rc;
}

int dmop_cli_main(int argc, char *argv[])
{
	struct dmop_cli_args a;
	char err[160];

	if (dmop_cli_parse(argc, argv, &a, err, sizeof(err))) {
		fprintf(stderr, "dmop: %s\n", err);
		dmop_cli_usage(stderr, NULL);
		return DMOP_EXIT_USAGE;
	}
	switch (a.cmd) {
	case DMOP_CMD_HELP:
		dmop_cli_usage(stdout, a.help_topic);
		return DMOP_EXIT_OK;
	case DMOP_CMD_VERSION:
		printf("dmop %s\n", DMOP_LIB_VERSION);
		return DMOP_EXIT_OK;
	case DMOP_CMD_STATUS:
		return cmd_status(&a);
	case DMOP_CMD_TRACE:
		return dmop_trace_run(&a);
	case DMOP_CMD_POLICY:
		return cmd_policy(&a);
	case DMOP_CMD_ALLOWLIST:
		return cmd_allowlist(&a);
	}
	return DMOP_EXIT_USAGE;
}
