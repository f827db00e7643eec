/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * What the host unit tests of libdmop (lib_test.c) and of the dmop command
 * (cli_test.c) share: the CHECK counter and a fixture.
 */
#ifndef DMOP_UNIT_H
#define DMOP_UNIT_H

#include <stdio.h>
#include <stdlib.h>

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

/* The privcmd keys as the driver prints them (Documentation/ABI/testing). */
static const char full_privcmd[] =
	"pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1033\n"
	"privcmd.restricted_domid:\t3\n"
	"privcmd.allowlist:\tset_ioreq_server_state,set_isa_irq_level,nr_vcpus,op40\n"
	"privcmd.dm_ops:\t124\n"
	"privcmd.dm_ops_denied:\t1\n"
	"privcmd.denied.hypercall:\t4\n"
	"privcmd.denied.domid:\t0\n"
	"privcmd.denied.allowlist:\t1\n"
	"privcmd.mapped_pages:\t2\n"
	"privcmd.irqfds:\t1\n"
	"privcmd.irqfd_injections:\t100\n"
	"privcmd.irqfd_denied:\t2\n"
	"privcmd.ioeventfds:\t1\n"
	"privcmd.ioeventfd_notifies:\t4096\n"
	"privcmd.ioeventfd_denied:\t3\n"
	"privcmd.dm_op.set_isa_irq_level:\t118 0\n"
	"privcmd.dm_op.op40:\t1 1\n"
	"privcmd.dm_op.nr_vcpus:\t2 0\n";

#endif /* DMOP_UNIT_H */
