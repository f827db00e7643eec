// SPDX-License-Identifier: LGPL-2.1-only
/*
 * The fdinfo keys of xen-dmop's drivers: what dmop_query() says about one's
 * own privcmd file, read for any process's privcmd or evtchn file from its
 * /proc/PID/fdinfo/FD text.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * The fdinfo keys of xen-dmop's drivers, "key:\tvalue" lines beside the
 * kernel's pos/flags/mnt_id. This table is the one place that knows them
 * (Documentation/ABI/testing/procfs-xen-{privcmd,evtchn}-fdinfo, summed up
 * in libdmop(7)); a driver without them (the distro's) leaves everything
 * "unknown". `dmop status` and `dmop policy` read through it, and with
 * them the audit steps of the end-to-end VM run (scripts/vm/e2e/scenario.sh).
 */
enum key_type {
	KEY_DOMID,	/* decimal domid, or "none" */
	KEY_U64,	/* decimal counter */
	KEY_ALLOWLIST,	/* "all", "none", or sub-op names/op<N> */
	KEY_DM_OP,	/* prefix: privcmd.dm_op.<name>: <calls> <failures> */
};

#define A_OFF(f) offsetof(struct dmop_audit, f)

static const struct fdinfo_key {
	const char *name;
	enum key_type type;
	size_t off;
	unsigned int have;
} fdinfo_keys[] = {
	{ "privcmd.restricted_domid", KEY_DOMID, A_OFF(restricted_domid), 0 },
	{ "evtchn.restricted_domid", KEY_DOMID, A_OFF(restricted_domid), 0 },
	{ "privcmd.allowlist", KEY_ALLOWLIST, A_OFF(allowed), DMOP_HAVE_ALLOWLIST },
	{ "privcmd.dm_ops", KEY_U64, A_OFF(dm_ops), DMOP_HAVE_COUNTERS },
	{ "privcmd.dm_ops_denied", KEY_U64, A_OFF(dm_ops_denied), DMOP_HAVE_COUNTERS },
	{ "privcmd.denied.hypercall", KEY_U64,
	  A_OFF(denied[DMOP_DENIED_HYPERCALL]), DMOP_HAVE_DENIED },
	{ "privcmd.denied.domid", KEY_U64,
	  A_OFF(denied[DMOP_DENIED_DOMID]), DMOP_HAVE_DENIED },
	{ "privcmd.denied.allowlist", KEY_U64,
	  A_OFF(denied[DMOP_DENIED_ALLOWLIST]), DMOP_HAVE_DENIED },
	{ "privcmd.mapped_pages", KEY_U64, A_OFF(mapped_pages), DMOP_HAVE_MAPPED },
	{ "privcmd.irqfds", KEY_U64, A_OFF(irqfds), DMOP_HAVE_EVENTFDS },
	{ "privcmd.irqfd_injections", KEY_U64, A_OFF(irqfd_injections), DMOP_HAVE_EVENTFDS },
	{ "privcmd.irqfd_denied", KEY_U64, A_OFF(irqfd_denied), DMOP_HAVE_EVENTFDS },
	{ "privcmd.ioeventfds", KEY_U64, A_OFF(ioeventfds), DMOP_HAVE_EVENTFDS },
	{ "privcmd.ioeventfd_notifies", KEY_U64, A_OFF(ioeventfd_notifies), DMOP_HAVE_EVENTFDS },
	{ "privcmd.ioeventfd_denied", KEY_U64, A_OFF(ioeventfd_denied), DMOP_HAVE_EVENTFDS },
	{ "privcmd.dm_op.", KEY_DM_OP, A_OFF(calls), DMOP_HAVE_COUNTERS },
	{ "evtchn.ports", KEY_U64, A_OFF(evtchn_ports), DMOP_HAVE_PORTS },
	{ "evtchn.denied", KEY_U64, A_OFF(evtchn_denied), DMOP_HAVE_DENIED },
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int parse_allowlist(const char *val, struct dmop_audit *a)
{
	uint64_t mask = 0;

	a->allowlist_set = 1;
	if (!strcmp(val, "all")) {
		a->allowlist_set = 0;
		mask = ~0ULL;
	} else if (strcmp(val, "none")) {
		for (const char *p = val;; ) {
			size_t len = strcspn(p, ",");
			uint32_t op;

			if (dmop_op_parse_one(p, len, &op) || op >= DMOP_AUDIT_NR_OPS)
				return -EINVAL;
			mask |= 1ULL << op;
			if (!p[len])
				break;
			p += len + 1;
		}
	}
	a->allowed = mask;
	return 0;
}

/* "privcmd.dm_op.<name>" (@name, @nlen) with "<calls> <failures>". */
static int parse_dm_op(const char *name, size_t nlen, const char *val,
		       struct dmop_audit *a)
{
	uint64_t *calls, *failures;
	char c[24], f[24];
	uint64_t vc, vf;
	uint32_t op;

	if (nlen == 5 && !strncmp(name, "other", 5)) {
		calls = &a->calls_other;
		failures = &a->failures_other;
	} else {
		if (dmop_op_parse_one(name, nlen, &op) || op >= DMOP_AUDIT_NR_OPS)
			return -EINVAL;
		calls = &a->calls[op];
		failures = &a->failures[op];
	}
	if (sscanf(val, "%23s %23s", c, f) != 2 || parse_u64(c, &vc) ||
	    parse_u64(f, &vf) || vf > vc)
		return -EINVAL;
	*calls = vc;
	*failures = vf;
	return 0;
}

static int apply_key(const struct fdinfo_key *k, const char *key, size_t klen,
		     const char *val, struct dmop_audit *a)
{
	char *field = (char *)a + k->off;
	uint64_t v;
	int err = 0;

	switch (k->type) {
	case KEY_DOMID:
		if (!strcmp(val, "none")) {
			*(int32_t *)field = DMOP_RESTRICT_NONE;
			return 0;
		}
		if (parse_u64(val, &v) || v > DMOP_DOMID_INVALID)
			return -EINVAL;
		*(int32_t *)field = v == DMOP_DOMID_INVALID ? DMOP_RESTRICT_NONE
							     : (int32_t)v;
		return 0;
	case KEY_U64:
		err = parse_u64(val, &v);
		if (!err)
			*(uint64_t *)field = v;
		break;
	case KEY_ALLOWLIST:
		err = parse_allowlist(val, a);
		break;
	case KEY_DM_OP:
		err = parse_dm_op(key + strlen(k->name), klen - strlen(k->name), val,
				  a);
		break;
	}
	if (err)
		return -EINVAL;
	a->have |= k->have;
	return 0;
}

static const struct fdinfo_key *find_key(const char *key, size_t klen)
{
	for (size_t i = 0; i < ARRAY_SIZE(fdinfo_keys); i++) {
		const struct fdinfo_key *k = &fdinfo_keys[i];
		size_t n = strlen(k->name);

		if (k->type == KEY_DM_OP ? klen > n && !strncmp(k->name, key, n) :
		    klen == n && !strncmp(k->name, key, n))
			return k;
	}
	return NULL;
}

DMOP_EXPORT int dmop_fdinfo_parse(const char *text, struct dmop_audit *a)
{
	const char *line = text;
	struct dmop_audit full;
	int err;

	if (!text || !a)
		return -EINVAL;
	err = dmop_sz_check(a, a->sz, DMOP_AUDIT_SZ_1_0, sizeof(full));
	if (err)
		return err;
	memset(&full, 0, sizeof(full));
	full.restricted_domid = DMOP_RESTRICT_UNKNOWN;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon = memchr(line, ':', len);
		const struct fdinfo_key *k;

		if (colon && (k = find_key(line, colon - line))) {
			char val[1024];
			const char *v = colon + 1;
			size_t vlen;

			while (v < line + len && isspace((unsigned char)*v))
				v++;
			vlen = line + len - v;
			while (vlen && isspace((unsigned char)v[vlen - 1]))
				vlen--;
			if (vlen >= sizeof(val))
				return -EINVAL;
			memcpy(val, v, vlen);
			val[vlen] = '\0';
			if (apply_key(k, line, colon - line, val, &full))
				return -EINVAL;
		}
		line = nl ? nl + 1 : NULL;
	}
	/* without a published allowlist nothing is known to be narrowed */
	if (!(full.have & DMOP_HAVE_ALLOWLIST))
		full.allowed = 0;
	dmop_audit_copy_out(a, &full);
	return 0;
}
