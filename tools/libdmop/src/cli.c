// SPDX-License-Identifier: LGPL-2.1-only
/* dmop(1): what the library knows, for people and for scripts. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libdmop.h"
#include "cli.h"

#ifndef DMOP_VERSION
#define DMOP_VERSION "unknown"
#endif

static int cmd_status(const struct dmop_cli_args *a)
{
	struct dmop_proc_status *procs;
	int rc = DMOP_EXIT_OK;
	size_t nr;
	int err;

	err = dmop_status_scan(a->proc, a->nr_pids ? a->pids : NULL, a->nr_pids,
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
		if (dmop_proc_unrestricted_dmops(&procs[i]) > 0)
			rc = DMOP_EXIT_UNRESTRICTED;
	if (dmop_status_print(stdout, procs, nr, a->json)) {
		fprintf(stderr, "dmop status: cannot write the report\n");
		rc = DMOP_EXIT_ERROR;
	}
	dmop_status_free(procs, nr);
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
		printf("dmop %s\n", DMOP_VERSION);
		return DMOP_EXIT_OK;
	case DMOP_CMD_STATUS:
		return cmd_status(&a);
	case DMOP_CMD_TRACE:
		fprintf(stderr, "dmop trace: not yet available: it needs the xen-dmop drivers' audit tracepoints\n");
		return DMOP_EXIT_UNSUPPORTED;
	case DMOP_CMD_POLICY:
		fprintf(stderr, "dmop policy: not yet available: it needs the xen-dmop drivers' audit counters\n");
		return DMOP_EXIT_UNSUPPORTED;
	}
	return DMOP_EXIT_USAGE;
}
