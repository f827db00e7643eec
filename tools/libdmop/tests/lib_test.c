// SPDX-License-Identifier: LGPL-2.1-only
/*
 * Host unit tests of libdmop: the table of DMOP sub-ops (against Xen's
 * header, and the tables the driver and the library generate from it),
 * sub-op names and lists, the fdinfo key parser,
 * the size rules of the structs a caller hands in, the checks
 * dmop_after_setup() makes before touching anything, a handle on a file
 * that is no Xen device, what the backend calls (ioreq pages, event
 * channels, irqfd, ioeventfd) refuse before the kernel, and the packaging (exported symbols = map = man
 * pages; the installed header, pkg-config file and shared library).
 *
 *   lib_test OUT_DIR SRC_DIR     prints "libdmop: N passed, N failed"
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Xen's public headers expect the fixed-width types to be there */
#include <xen/xen.h>
#include <xen/hvm/dm_op.h>

#include "libdmop.h"
#include "internal.h"
#include "xen-dmop/dm-ops.h"
#include "unit.h"

/* ------------------------------------------------------ the sub-op table */

/* Every number and name is Xen's: a wrong one does not build. */
#define DM_OP(nr, name, writes) \
	_Static_assert(XEN_DMOP_##name == (nr), "XEN_DMOP_" #name " is not " #nr);
#include "xen-dmop/dm-ops.h"

static const struct {
	uint32_t nr;
	const char *name;
	unsigned int writes;
} table[] = {
#define DM_OP(nr, name, writes) { nr, #name, DM_OP_WRITES_##writes },
#include "xen-dmop/dm-ops.h"
};

/* What the driver generates with the same expansions: names, write-backs. */
static const char *const driver_names[] = {
#define DM_OP DM_OP_NAME_INIT
#include "xen-dmop/dm-ops.h"
};
static const unsigned char driver_writes[] = {
#define DM_OP DM_OP_WRITES_INIT
#include "xen-dmop/dm-ops.h"
};

#ifndef XEN_DM_OP_H
#define XEN_DM_OP_H ""
#endif

/*
 * The sub-ops Xen's public hvm/dm_op.h defines ("#define XEN_DMOP_<name> <N>",
 * lower-case names; the other constants are upper case), as [N] = name:
 * the number of them, or -1 when the header cannot be read.
 */
static int xen_sub_ops(char names[][64], unsigned int max)
{
	FILE *f = fopen(XEN_DM_OP_H, "r");
	char line[256], name[64];
	unsigned int nr;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = name;

		if (sscanf(line, "#define XEN_DMOP_%63s %u", name, &nr) != 2)
			continue;
		while (*p && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			p++;
		if (*p || name[0] == '_')
			continue;
		if (nr >= max || names[nr][0]) {
			n = -1;
			break;
		}
		snprintf(names[nr], 64, "%s", name);
		n++;
	}
	fclose(f);
	return n;
}

static void test_op_table(void)
{
	static char xen[PRIVCMD_AUDIT_NR_OPS][64];
	const size_t nr = ARRAY_SIZE(table);
	uint64_t all = 0;
	uint32_t op;

	/* 1..DMOP_OP_MAX, in order, no gap: the bits of an allowlist */
	CHECK(nr == DMOP_OP_MAX);
	CHECK(ARRAY_SIZE(driver_names) == DMOP_OP_MAX + 1);
	for (size_t i = 0; i < nr; i++) {
		CHECK(table[i].nr == i + 1);
		CHECK(table[i].nr < PRIVCMD_AUDIT_NR_OPS);
		/* an fdinfo list item: no separator, and not read as "op<N>" or N */
		CHECK(strspn(table[i].name, "abcdefghijklmnopqrstuvwxyz_0123456789") ==
		      strlen(table[i].name));
		CHECK(table[i].name[0] >= 'a' && table[i].name[0] <= 'z');
		CHECK(!(table[i].name[0] == 'o' && table[i].name[1] == 'p' &&
			table[i].name[2] >= '0' && table[i].name[2] <= '9'));
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(table[i].name, table[j].name));
		all |= 1ULL << table[i].nr;
	}

	/* exactly Xen's sub-ops: none that Xen has is missing */
	CHECK(xen_sub_ops(xen, PRIVCMD_AUDIT_NR_OPS) == (int)nr);
	for (size_t i = 0; i < nr; i++)
		CHECK(!strcmp(xen[table[i].nr], table[i].name));

	/* the driver's names, the library's names and the table agree */
	for (uint32_t i = 0; i < PRIVCMD_AUDIT_NR_OPS + 8; i++) {
		const char *lib = dmop_op_name(i);
		const char *drv = i < ARRAY_SIZE(driver_names) ? driver_names[i] : NULL;

		CHECK((!lib && !drv) || (lib && drv && !strcmp(lib, drv)));
		CHECK(!!lib == (i < 64 && (all & (1ULL << i))));
		if (lib) {
			CHECK(dmop_op_parse_one(lib, strlen(lib), &op) == 0 && op == i);
			CHECK(!strcmp(lib, table[i - 1].name));
		}
	}

	/* the driver's write-back table: the table's, nothing where it has none */
	CHECK(ARRAY_SIZE(driver_writes) == DMOP_OP_MAX + 1);
	CHECK(driver_writes[0] == 0);
	for (size_t i = 0; i < nr; i++) {
		CHECK(driver_writes[table[i].nr] == table[i].writes);
		CHECK(table[i].writes == DM_OP_WRITES_NOTHING ||
		      table[i].writes == DM_OP_WRITES_BUF0 || table[i].writes == DM_OP_WRITES_ANY);
	}
}

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
	/* the driver's fdinfo names unnamed sub-ops op<N>: those parse too */
	CHECK(dmop_op_parse_list("op21,op0,nr_vcpus", ops, 8, &nr) == 0 && nr == 3 &&
	      ops[0] == 21 && ops[1] == 0 && ops[2] == 20);
	CHECK(dmop_op_parse_list("op", ops, 8, &nr) == -EINVAL);
	CHECK(dmop_op_parse_list("opx", ops, 8, &nr) == -EINVAL);

	/* masks */
	CHECK(dmop_audit_ops(0, ops) == 0);
	CHECK(dmop_audit_ops((1ULL << 63) | (1ULL << 20) | 2, ops) == 3 && ops[0] == 1 &&
	      ops[1] == 20 && ops[2] == 63);

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
	struct dmop_audit st = { .sz = sizeof(st) };

	/* the distro's driver: only the kernel's keys */
	CHECK(dmop_fdinfo_parse("pos:\t0\nflags:\t02000002\nmnt_id:\t24\nino:\t9\n", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_UNKNOWN && !(st.have & DMOP_HAVE_COUNTERS));

	CHECK(dmop_fdinfo_parse("pos:\t0\nprivcmd.restricted_domid:\t5\n"
				"privcmd.dm_ops:\t120\nprivcmd.dm_ops_denied:\t3\n", &st) == 0);
	CHECK(st.restricted_domid == 5 && (st.have & DMOP_HAVE_COUNTERS) && st.dm_ops == 120 &&
	      st.dm_ops_denied == 3);

	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid: none\nprivcmd.dm_ops: 0", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_NONE && (st.have & DMOP_HAVE_COUNTERS) && !st.dm_ops);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t32756\n", &st) == 0);
	CHECK(st.restricted_domid == DMOP_RESTRICT_NONE);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t0\n", &st) == 0 &&
	      st.restricted_domid == 0);
	/* a prefix of a key is not the key */
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops_denied_x:\tzz\n", &st) == 0 &&
	      !(st.have & DMOP_HAVE_COUNTERS));

	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\tfive\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t40000\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops:\t-1\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops:\t18446744073709551616\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse(NULL, &st) == -EINVAL);
	/* older keys only: nothing of the audit keys known */
	CHECK(dmop_fdinfo_parse("privcmd.restricted_domid:\t5\nprivcmd.dm_ops:\t1\n", &st) == 0);
	CHECK(st.have == DMOP_HAVE_COUNTERS && !(st.have & DMOP_HAVE_ALLOWLIST) &&
	      !st.allowlist_set && st.allowed == 0);
}

static void test_fdinfo_audit(void)
{
	struct dmop_audit st = { .sz = sizeof(st) };

	CHECK(dmop_fdinfo_parse(full_privcmd, &st) == 0);
	CHECK(st.restricted_domid == 3);
	CHECK(st.have == (DMOP_HAVE_COUNTERS | DMOP_HAVE_ALLOWLIST | DMOP_HAVE_DENIED |
			  DMOP_HAVE_MAPPED | DMOP_HAVE_EVENTFDS));
	CHECK(st.irqfds == 1 && st.irqfd_injections == 100 && st.irqfd_denied == 2);
	CHECK(st.ioeventfds == 1 && st.ioeventfd_notifies == 4096 && st.ioeventfd_denied == 3);
	CHECK((st.have & DMOP_HAVE_COUNTERS) && st.dm_ops == 124);
	CHECK(st.dm_ops_denied == 1);
	CHECK(st.allowlist_set == 1);
	CHECK(st.allowed == ((1ULL << 5) | (1ULL << 9) | (1ULL << 20) | (1ULL << 40)));
	CHECK(st.denied[DMOP_DENIED_HYPERCALL] == 4 &&
	      st.denied[DMOP_DENIED_DOMID] == 0 &&
	      st.denied[DMOP_DENIED_ALLOWLIST] == 1);
	CHECK(st.mapped_pages == 2);
	CHECK(st.calls[9] == 118 && st.failures[9] == 0);
	CHECK(st.calls[20] == 2 && st.calls[40] == 1 && st.failures[40] == 1);
	CHECK(st.calls[1] == 0 && st.calls_other == 0);

	CHECK(dmop_fdinfo_parse("privcmd.allowlist:\tall\n", &st) == 0);
	CHECK(st.have == DMOP_HAVE_ALLOWLIST && st.allowlist_set == 0 &&
	      st.allowed == ~0ULL);
	CHECK(dmop_fdinfo_parse("privcmd.allowlist:\tnone\n", &st) == 0);
	CHECK(st.allowlist_set == 1 && st.allowed == 0);
	CHECK(dmop_fdinfo_parse("privcmd.dm_op.other:\t7 3\n", &st) == 0);
	CHECK(st.calls_other == 7 && st.failures_other == 3 &&
	      st.have == DMOP_HAVE_COUNTERS);
	CHECK(dmop_fdinfo_parse("evtchn.restricted_domid:\t4\nevtchn.ports:\t2\n"
				"evtchn.denied:\t5\nevtchn.ring_size:\t64\n", &st) == 0);
	CHECK(st.restricted_domid == 4 && st.evtchn_ports == 2 && st.evtchn_denied == 5 &&
	      st.have == (DMOP_HAVE_PORTS | DMOP_HAVE_DENIED));

	/* malformed values of known keys */
	CHECK(dmop_fdinfo_parse("privcmd.allowlist:\tbogus\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.allowlist:\top64\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.allowlist:\tnr_vcpus,\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_op.nr_vcpus:\t5\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_op.nr_vcpus:\t1 2\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_op.bogus:\t1 0\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.dm_op.op64:\t1 0\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.mapped_pages:\t-1\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("evtchn.ports:\tx\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.irqfds:\t-1\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.irqfd_injections:\t1x\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.ioeventfd_notifies:\t\n", &st) == -EINVAL);
	CHECK(dmop_fdinfo_parse("privcmd.ioeventfd_denied:\tnone\n", &st) == -EINVAL);
}

/* The irqfd and ioeventfd keys alone: their own group, nothing else known. */
static void test_fdinfo_eventfds(void)
{
	struct dmop_audit st = { .sz = sizeof(st) };

	CHECK(dmop_fdinfo_parse("privcmd.irqfds:\t2\nprivcmd.irqfd_injections:\t7\n"
				"privcmd.irqfd_denied:\t0\nprivcmd.ioeventfds:\t3\n"
				"privcmd.ioeventfd_notifies:\t18446744073709551615\n"
				"privcmd.ioeventfd_denied:\t1\n", &st) == 0);
	CHECK(st.have == DMOP_HAVE_EVENTFDS);
	CHECK(st.irqfds == 2 && st.irqfd_injections == 7 && st.irqfd_denied == 0);
	CHECK(st.ioeventfds == 3 && st.ioeventfd_notifies == UINT64_MAX &&
	      st.ioeventfd_denied == 1);
	CHECK(st.dm_ops == 0 && st.restricted_domid == DMOP_RESTRICT_UNKNOWN);
	/* the prefix of a longer key is not the key */
	CHECK(dmop_fdinfo_parse("privcmd.irqfds_x:\t2\nprivcmd.irqfd:\t1\n", &st) == 0);
	CHECK(st.have == 0 && st.irqfds == 0);
	/* a driver before them: the bit stays clear */
	CHECK(dmop_fdinfo_parse("privcmd.dm_ops:\t1\nprivcmd.mapped_pages:\t0\n", &st) == 0);
	CHECK(!(st.have & DMOP_HAVE_EVENTFDS) && st.irqfds == 0 && st.ioeventfds == 0);
}

/* ------------------------------------------------------------- size rules */

/* A caller built against a newer header: our struct, then a field we do not know. */
struct newer_audit {
	struct dmop_audit a;
	uint64_t future;
};

struct newer_opts {
	struct dmop_setup_opts o;
	uint64_t future;
};

struct newer_report {
	struct dmop_setup_report r;
	uint64_t future;
};

static int all_bytes(const void *p, size_t len, unsigned char v)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

/*
 * struct dmop_audit as libdmop 1.0's header had it, frozen here: what a
 * program built against 1.0 hands to this library.
 */
struct dmop_audit_1_0 {
	uint32_t sz;
	uint32_t have;
	int32_t restricted_domid;
	uint32_t allowlist_set;
	uint64_t allowed;
	uint64_t dm_ops;
	uint64_t dm_ops_denied;
	uint64_t mapped_pages;
	uint64_t denied[3];
	uint64_t calls[64];
	uint64_t failures[64];
	uint64_t calls_other;
	uint64_t failures_other;
	uint64_t evtchn_ports;
	uint64_t evtchn_denied;
};

#define AUDIT_SZ_1_0 sizeof(struct dmop_audit_1_0)

/*
 * A program built against libdmop 1.0 on this library: the fields it knows
 * filled as before, the 1.1 group neither written (nothing past its sz) nor
 * announced (no DMOP_HAVE_EVENTFDS, a bit it does not know), from fdinfo
 * and from the query alike.
 */
static void test_sz_1_0_caller(void)
{
	unsigned char buf[sizeof(struct dmop_audit) + 64];
	struct dmop_audit_1_0 *old = (struct dmop_audit_1_0 *)buf;
	int null_fd = open("/dev/null", O_RDWR);
	struct dmop_handle *h;

	CHECK(sizeof(struct dmop_audit_1_0) == 1128);
	CHECK(offsetof(struct dmop_audit_1_0, evtchn_denied) ==
	      offsetof(struct dmop_audit, evtchn_denied));
	CHECK(offsetof(struct dmop_audit_1_0, calls) == offsetof(struct dmop_audit, calls));

	memset(buf, 0xaa, sizeof(buf));
	memset(old, 0, sizeof(*old));
	old->sz = sizeof(*old);
	CHECK(dmop_fdinfo_parse(full_privcmd, (struct dmop_audit *)old) == 0);
	CHECK(old->sz == 1128 && old->dm_ops == 124 && old->mapped_pages == 2 &&
	      old->restricted_domid == 3 && old->calls[9] == 118 &&
	      old->denied[DMOP_DENIED_HYPERCALL] == 4);
	CHECK(old->have == (DMOP_HAVE_COUNTERS | DMOP_HAVE_ALLOWLIST | DMOP_HAVE_DENIED |
			    DMOP_HAVE_MAPPED));
	CHECK(all_bytes(buf + sizeof(*old), sizeof(buf) - sizeof(*old), 0xaa));

	/* a struct of no release, between 1.0 and 1.1: the group stays out */
	memset(buf, 0xaa, sizeof(buf));
	memset(buf, 0, AUDIT_SZ_1_0 + 16);
	old->sz = AUDIT_SZ_1_0 + 16;
	CHECK(dmop_fdinfo_parse(full_privcmd, (struct dmop_audit *)old) == 0);
	CHECK(!(old->have & DMOP_HAVE_EVENTFDS) && old->dm_ops == 124);
	CHECK(all_bytes(buf + AUDIT_SZ_1_0, 16, 0));
	CHECK(all_bytes(buf + AUDIT_SZ_1_0 + 16, sizeof(buf) - AUDIT_SZ_1_0 - 16, 0xaa));

	/* dmop_query() takes the 1.0 size (here the driver is /dev/null's) */
	CHECK(dmop_open_fds(&h, null_fd, -1) == 0);
	memset(buf, 0xaa, sizeof(buf));
	memset(old, 0, sizeof(*old));
	old->sz = sizeof(*old);
	CHECK(dmop_query(h, (struct dmop_audit *)old) == -ENOTTY);
	CHECK(old->sz == 1128 && all_bytes(buf + sizeof(*old), sizeof(buf) - sizeof(*old), 0xaa));
	dmop_close(h);
}

static void test_sz_rules(void)
{
	unsigned char buf[sizeof(struct dmop_audit) + 64];
	struct dmop_audit *a = (struct dmop_audit *)buf;
	struct newer_audit na;
	struct newer_opts no;
	struct newer_report nr;
	struct dmop_setup_report rep;
	struct dmop_setup_opts o;
	int null_fd = open("/dev/null", O_RDWR);
	struct dmop_handle *h;

	/* libdmop 1.1's sizes: what programs built today pass */
	CHECK(sizeof(struct dmop_audit) == 1176);
	CHECK(offsetof(struct dmop_audit, irqfds) == 1128);
	CHECK(sizeof(struct dmop_setup_report) == 528);
	CHECK(offsetof(struct dmop_audit, sz) == 0 && offsetof(struct dmop_setup_opts, sz) == 0 &&
	      offsetof(struct dmop_setup_report, sz) == 0);

	/* the library writes nothing past the caller's sz */
	memset(buf, 0xaa, sizeof(buf));
	memset(a, 0, sizeof(*a));
	a->sz = sizeof(*a);
	CHECK(dmop_fdinfo_parse(full_privcmd, a) == 0);
	CHECK(a->sz == sizeof(*a) && a->dm_ops == 124 && a->evtchn_denied == 0);
	CHECK(all_bytes(buf + sizeof(*a), sizeof(buf) - sizeof(*a), 0xaa));

	/* too small for libdmop 1.0: refused, nothing written */
	memset(buf, 0xaa, sizeof(buf));
	a->sz = AUDIT_SZ_1_0 - 8;
	CHECK(dmop_fdinfo_parse(full_privcmd, a) == -EINVAL);
	CHECK(a->sz == AUDIT_SZ_1_0 - 8 && all_bytes(buf + 4, sizeof(buf) - 4, 0xaa));
	a->sz = 0;
	CHECK(dmop_fdinfo_parse("", a) == -EINVAL);

	/* a newer caller: accepted when what we do not know is zero, and left zero */
	memset(&na, 0, sizeof(na));
	na.a.sz = sizeof(na);
	CHECK(dmop_fdinfo_parse(full_privcmd, &na.a) == 0);
	CHECK(na.a.sz == sizeof(na) && na.a.dm_ops == 124 && na.future == 0);
	na.future = 1;
	CHECK(dmop_fdinfo_parse(full_privcmd, &na.a) == -E2BIG);
	CHECK(na.future == 1);

	/* dmop_query: the size is judged before the ioctl */
	CHECK(dmop_open_fds(&h, null_fd, -1) == 0);
	memset(&na, 0, sizeof(na));
	na.a.sz = sizeof(na);
	CHECK(dmop_query(h, &na.a) == -ENOTTY);
	na.future = 7;
	CHECK(dmop_query(h, &na.a) == -E2BIG);
	na.a.sz = 16;
	CHECK(dmop_query(h, &na.a) == -EINVAL);

	/* dmop_after_setup: options */
	memset(&o, 0, sizeof(o));
	memset(&rep, 0, sizeof(rep));
	rep.sz = sizeof(rep);
	o.sz = 8;
	o.domid = 3;
	CHECK(dmop_after_setup(h, &o, &rep) == -EINVAL);
	CHECK(rep.failed == DMOP_STEP_CHECK && !rep.done && !rep.partial &&
	      strstr(rep.message, "struct dmop_setup_opts has sz 8"));
	memset(&no, 0, sizeof(no));
	no.o.sz = sizeof(no);
	no.o.domid = 3;
	no.o.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS;
	no.future = 1;
	CHECK(dmop_after_setup(h, &no.o, &rep) == -E2BIG);
	CHECK(rep.failed == DMOP_STEP_CHECK && !rep.done);
	/* zero past what we know: taken, and it goes on (to the restrict step) */
	no.future = 0;
	CHECK(dmop_after_setup(h, &no.o, &rep) == -ENOTTY);
	CHECK(rep.failed == DMOP_STEP_RESTRICT);

	/* the report: a bad sz fails before anything and is not written */
	o.sz = sizeof(o);
	o.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT | DMOP_SETUP_NO_RLIMITS;
	memset(&nr, 0x55, sizeof(nr));
	nr.r.sz = 12;
	CHECK(dmop_after_setup(h, &o, &nr.r) == -EINVAL);
	CHECK(nr.r.sz == 12 && all_bytes(&nr.r.failed, sizeof(nr) - 4, 0x55));
	memset(&nr, 0, sizeof(nr));
	nr.r.sz = sizeof(nr);
	nr.future = 1;
	CHECK(dmop_after_setup(h, &o, &nr.r) == -E2BIG);
	CHECK(nr.r.failed == DMOP_STEP_NONE && !nr.r.message[0] && nr.future == 1);
	nr.future = 0;
	CHECK(dmop_after_setup(h, &o, &nr.r) == -ENOTTY);
	CHECK(nr.r.sz == sizeof(nr) && nr.r.failed == DMOP_STEP_RESTRICT && nr.future == 0);
	/* a report of exactly 1.0's size: filled, the bytes after it untouched */
	memset(&nr, 0x55, sizeof(nr));
	memset(&nr.r, 0, sizeof(nr.r));
	nr.r.sz = sizeof(nr.r);
	CHECK(dmop_after_setup(h, &o, &nr.r) == -ENOTTY);
	CHECK(nr.r.failed == DMOP_STEP_RESTRICT && all_bytes(&nr.future, sizeof(nr.future), 0x55));
	dmop_close(h);
}

/* -------------------------------------------- after-setup, checks only */

static void test_setup_checks(void)
{
	char dir[] = "/tmp/libdmop-root-XXXXXX", file[64];
	int null_fd = open("/dev/null", O_RDWR);
	struct dmop_setup_report rep = { .sz = sizeof(rep) };
	struct dmop_setup_opts o = {
		.sz = sizeof(o), .domid = 3, .uid = 131075, .gid = 131072,
		.flags = DMOP_SETUP_NO_IDS | DMOP_SETUP_NO_CHROOT,
	};
	uint32_t allow[] = { 1, 64 };

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

	/* a sub-op without an allowlist bit: refused before anything */
	o.allowlist = allow;
	o.nr_allowlist = 2;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL);
	CHECK(rep.failed == DMOP_STEP_CHECK && strstr(rep.message, "sub-op >= 64") &&
	      !rep.partial);
	o.allowlist = NULL;
	CHECK(dmop_after_setup(NULL, &o, &rep) == -EINVAL && rep.failed == DMOP_STEP_CHECK);
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
		/* an allowlist on such a driver: refused in check, nothing done */
		o.allowlist = allow;
		o.nr_allowlist = 1;
		CHECK(dmop_after_setup(h, &o, &rep) == -ENOTTY);
		CHECK(rep.failed == DMOP_STEP_CHECK && !rep.partial && !rep.done);
		CHECK(strstr(rep.message, "has no DMOP allowlist") != NULL);
		o.allowlist = NULL;
		o.nr_allowlist = 0;
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
	{
		uint32_t ops[] = { 20, 64 };
		struct dmop_audit a = { .sz = sizeof(a) };

		CHECK(dmop_set_allowlist(h, ops, 1) == -ENOTTY);
		CHECK(dmop_set_allowlist(h, ops, 2) == -EINVAL);
		CHECK(dmop_set_allowlist(h, NULL, 1) == -EINVAL);
		CHECK(dmop_set_allowlist_str(h, "nr_vcpus") == -ENOTTY);
		CHECK(dmop_set_allowlist_str(h, "nr_vcpus,bogus") == -EINVAL);
		CHECK(dmop_set_allowlist_str(h, "64") == -EINVAL);
		CHECK(dmop_set_allowlist_str(h, NULL) == -EINVAL);
		CHECK(dmop_query(h, &a) == -ENOTTY);
		a.sz = AUDIT_SZ_1_0 - 8;
		CHECK(dmop_query(h, &a) == -EINVAL);
		CHECK(dmop_query(h, NULL) == -EINVAL);
		CHECK(dmop_query(NULL, &a) == -EINVAL);
	}
	dmop_close(h);
	CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF);
	dmop_close(NULL);
}

/* ---------------------------------------------- serving ioreqs, checks */

/* struct dmop_ioeventfd as a program built against a newer header passes it. */
struct newer_ioeventfd {
	struct dmop_ioeventfd io;
	uint64_t future;
};

/*
 * What the library refuses before the kernel sees it, on handles whose
 * files are /dev/null (which answers every ioctl ENOTTY): each check, then
 * that a valid call does reach the file. Results are not written on failure.
 */
static void test_serving_checks(void)
{
	int null_fd = open("/dev/null", O_RDWR), null_evtchn = open("/dev/null", O_RDWR);
	uint32_t ports[2] = { 7, 8 }, port = 99;
	uint64_t dm_op[2] = { 9 };	/* set_isa_irq_level; never issued */
	unsigned char page[64];
	struct dmop_handle *h, *he;
	struct newer_ioeventfd n;
	struct dmop_ioeventfd io;
	void *addr = page, *p;

	/* the struct of libdmop 1.1: sz first, no padding, 48 bytes on amd64 */
	CHECK(offsetof(struct dmop_ioeventfd, sz) == 0);
	CHECK(sizeof(struct dmop_ioeventfd) == offsetofend(struct dmop_ioeventfd, addr));
	CHECK(sizeof(void *) != 8 || sizeof(struct dmop_ioeventfd) == 48);
	CHECK(DMOP_IOREQ_FRAME_IOREQ(0) == 1 && DMOP_IOREQ_FRAME_BUFIOREQ == 0);

	CHECK(dmop_open_fds(&h, null_fd, -1) == 0);
	CHECK(dmop_open_fds(&he, open("/dev/null", O_RDWR), null_evtchn) == 0);

	/* ioreq pages: nothing to map into, nothing left mapped */
	CHECK(dmop_map_ioreq_pages(h, 3, 0, DMOP_IOREQ_FRAME_IOREQ(0), 1, NULL) == -EINVAL);
	CHECK(dmop_map_ioreq_pages(h, 3, 0, DMOP_IOREQ_FRAME_IOREQ(0), 0, &addr) == -EINVAL);
	/* /dev/null cannot be mapped shared and writable */
	CHECK(dmop_map_ioreq_pages(h, 3, 0, DMOP_IOREQ_FRAME_IOREQ(0), 1, &addr) == -ENODEV);
	CHECK(addr == page);
	CHECK(dmop_unmap_ioreq_pages(NULL, 1) == -EINVAL);
	CHECK(dmop_unmap_ioreq_pages(page, 0) == -EINVAL);
	p = mmap(NULL, 2 * DMOP_XEN_PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(dmop_unmap_ioreq_pages(p, 2) == 0);

	/* event channels: a handle without an evtchn file */
	CHECK(dmop_evtchn_bind_interdomain(h, 3, 5, &port) == -EBADF);
	CHECK(dmop_evtchn_notify(h, 5) == -EBADF);
	CHECK(port == 99);
	CHECK(dmop_evtchn_bind_interdomain(he, 3, 5, NULL) == -EINVAL);
	CHECK(dmop_evtchn_bind_interdomain(he, 3, 5, &port) == -ENOTTY);
	CHECK(port == 99);
	CHECK(dmop_evtchn_notify(he, 5) == -ENOTTY);

	/* irqfd */
	CHECK(dmop_irqfd_assign(h, 3, -1, dm_op, sizeof(dm_op)) == -EBADF);
	CHECK(dmop_irqfd_assign(h, 3, null_fd, NULL, sizeof(dm_op)) == -EINVAL);
	CHECK(dmop_irqfd_assign(h, 3, null_fd, dm_op, 0) == -EINVAL);
	CHECK(dmop_irqfd_assign(h, 3, null_fd, dm_op, DMOP_IRQFD_MAX_SIZE + 1) == -E2BIG);
	/* would be 8 in the kernel's 32-bit field */
	CHECK(dmop_irqfd_assign(h, 3, null_fd, dm_op, ((size_t)1 << 32 | 8) & SIZE_MAX) ==
	      (sizeof(size_t) > 4 ? -E2BIG : -ENOTTY));
	CHECK(dmop_irqfd_assign(h, 3, null_fd, dm_op, DMOP_IRQFD_MAX_SIZE) == -ENOTTY);
	CHECK(dmop_irqfd_deassign(h, 3, -1) == -EBADF);
	CHECK(dmop_irqfd_deassign(h, 3, null_fd) == -ENOTTY);

	/* ioeventfd: the sz rules (the struct is 1.1's: nothing smaller), then fields */
	io = (struct dmop_ioeventfd){
		.sz = sizeof(io), .event_fd = null_fd, .vcpus = 2, .addr_len = 4, .vq = 0,
		.ioreq = page, .ports = ports, .addr = 0xfe000000,
	};
	CHECK(dmop_ioeventfd_assign(h, 3, &io) == -ENOTTY);
	CHECK(dmop_ioeventfd_deassign(h, 3, &io) == -ENOTTY);
	CHECK(dmop_ioeventfd_assign(h, 3, NULL) == -EINVAL);
	CHECK(dmop_ioeventfd_deassign(h, 3, NULL) == -EINVAL);
	io.sz = sizeof(io) - 8;
	CHECK(dmop_ioeventfd_assign(h, 3, &io) == -EINVAL);
	io.sz = 0;
	CHECK(dmop_ioeventfd_deassign(h, 3, &io) == -EINVAL);
	memset(&n, 0, sizeof(n));
	n.io = io;
	n.io.sz = sizeof(n);
	CHECK(dmop_ioeventfd_assign(h, 3, &n.io) == -ENOTTY);
	n.future = 1;
	CHECK(dmop_ioeventfd_assign(h, 3, &n.io) == -E2BIG);
	CHECK(dmop_ioeventfd_deassign(h, 3, &n.io) == -E2BIG);
	io.sz = sizeof(io);
#define IO_WITH(field, value, err) do {						\
	struct dmop_ioeventfd _b = io;						\
										\
	_b.field = value;							\
	CHECK(dmop_ioeventfd_assign(h, 3, &_b) == (err));			\
	CHECK(dmop_ioeventfd_deassign(h, 3, &_b) == (err));			\
} while (0)
	IO_WITH(flags, 1, -EINVAL);
	IO_WITH(ioreq, NULL, -EINVAL);
	IO_WITH(ports, NULL, -EINVAL);
	IO_WITH(vcpus, 0, -EINVAL);
	IO_WITH(vcpus, 4097, -EINVAL);
	IO_WITH(vcpus, 4096, -ENOTTY);
	IO_WITH(addr_len, 0, -EINVAL);
	IO_WITH(addr_len, 3, -EINVAL);
	IO_WITH(addr_len, 16, -EINVAL);
	IO_WITH(addr_len, 8, -ENOTTY);
	IO_WITH(addr, UINT64_MAX - 2, -EINVAL);
	IO_WITH(addr, UINT64_MAX - 4, -ENOTTY);
	IO_WITH(event_fd, -1, -EBADF);
#undef IO_WITH

	dmop_close(he);
	dmop_close(h);
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
		/* the node itself is the ABI check's (abi/): one of ours */
		CHECK(at && (!strcmp(at, "@@LIBDMOP_1.0") || !strcmp(at, "@@LIBDMOP_1.1")));
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
	/* internals stay hidden; the command's pieces are not in the library */
	snprintf(cmd, sizeof(cmd), "nm -D %s/libdmop.so | grep -q -e dmop_fd_kind -e dmop_sz_check",
		 out_dir);
	CHECK(system(cmd) != 0);
	snprintf(cmd, sizeof(cmd), "nm %s/libdmop.a | grep -q -e ' T cli_' -e ' T dmop_cli' -e status_scan -e status_print",
		 out_dir);
	CHECK(system(cmd) != 0);
	/* the soname and the one version node */
	snprintf(cmd, sizeof(cmd),
		 "readelf -d %s/libdmop.so | grep -q 'Library soname: \\[libdmop.so.1\\]' && "
		 "readelf -V %s/libdmop.so | grep -q 'Name: LIBDMOP_1.0' && "
		 "! readelf -V %s/libdmop.so | grep -q 'Name: LIBDMOP_0'",
		 out_dir, out_dir, out_dir);
	CHECK(system(cmd) == 0);
	/* the version the library says is its own (tools/libdmop/VERSION) */
	snprintf(cmd, sizeof(cmd), "test -e %s/libdmop.so.$(cat %s/VERSION) && "
		 "PKG_CONFIG_PATH=%s pkg-config --modversion libdmop | grep -qx \"$(cat %s/VERSION)\"",
		 out_dir, src_dir, out_dir, src_dir);
	CHECK(system(cmd) == 0);
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
		 "MAKEFLAGS= make -s -C %s install OUT=%s DESTDIR=%s PREFIX=/opt/dmop "
		 "LIBDIR=/opt/dmop/lib INCDIR=/opt/dmop/include BINDIR=/opt/dmop/bin "
		 "MANDIR=/opt/dmop/share/man >/dev/null", src_dir, out_dir, dir);
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
		 "LD_LIBRARY_PATH=%s/opt/dmop/lib ldd %s/p | grep -q 'libdmop.so.1 => %s/opt/dmop/lib/libdmop.so.1' && "
		 "test -f %s/opt/dmop/share/man/man3/dmop_nr_vcpus.3 && test -x %s/opt/dmop/bin/dmop",
		 dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir, dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: lib_test OUT_DIR SRC_DIR\n");
		return 2;
	}
	out_dir = argv[1];
	src_dir = argv[2];
	test_op_table();
	test_op_names();
	test_fdinfo();
	test_fdinfo_audit();
	test_fdinfo_eventfds();
	test_sz_rules();
	test_sz_1_0_caller();
	test_setup_checks();
	test_handle_without_xen();
	test_serving_checks();
	test_packaging();
	test_installed();
	printf("libdmop: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
