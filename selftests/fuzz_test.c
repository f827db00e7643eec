// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded ioctl fuzzer over /dev/xen/privcmd and /dev/xen/evtchn, aimed at
 * two real HVM guests. Random and structure-aware arguments (sizes at and
 * around every limit; NULL, unmapped, read-only, kernel and non-canonical
 * pointers; buffers straddling an unmapped page; huge counts; random and
 * reserved domids; random DMOP bodies), interleaved with restrict, mmap/munmap,
 * fork, dup and close.
 *
 * The kernel must survive all of it with a clean console (the VM runner scans
 * it) and the modules must unload afterwards (the runner's last step). In
 * process, the hardening invariants of our drivers are asserted on every call:
 * a restricted privcmd file never passes a bare hypercall or a DMOP/mapping
 * aimed at another domain, a restricted evtchn file never binds a VIRQ, an
 * unbound port or a static port, and unknown ioctls answer ENOTTY.
 *
 *   DMOP_FUZZ_SEED     replay a run (the seed is printed first)
 *   DMOP_FUZZ_CALLS    calls to make (default 1000000)
 *   DMOP_FUZZ_SECONDS  time limit (default 150); the count reached is printed
 *   DMOP_FUZZ_TRACE_FROM  print every call from this call number on, to find
 *                      the one that hurts (progress lines give the number)
 *   DMOP_FUZZ_PROGRESS print a progress line every this many calls (65536)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xen/hvm/dm_op.h>
#include <xen/version.h>
#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

#include "kselftest_harness.h"
#include "lib/privcmd_util.h"
#include "lib/xen_env.h"

#define PAGE		4096UL
#define NR_PRIVCMD	6
#define NR_EVTCHN	4
#define NR_EVENTFD	4

static unsigned long cur_call, trace_from = ~0UL;

/* Describe the call about to be made, when tracing (see DMOP_FUZZ_TRACE_FROM). */
static void note(const char *fmt, ...)
{
	va_list ap;

	if (cur_call < trace_from)
		return;
	printf("# call %lu: ", cur_call);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* xorshift64*: small, fast and replayable from the printed seed. */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[below(n)];
}

#define PICK(arr) pick(arr, sizeof(arr) / sizeof((arr)[0]))

/* Memory the fuzzer points the kernel at. */
struct arena {
	char *rw;		/* 4 writable pages */
	char *ro;		/* 1 read-only page */
	char *hole;		/* 1 unmapped page, right after @straddle */
	char *straddle;		/* last bytes of a mapped page before @hole */
};

static struct arena A;

struct fuzz {
	int privcmd[NR_PRIVCMD];
	int restricted[NR_PRIVCMD];	/* domid it was restricted to, or -1 */
	int evtchn[NR_EVTCHN];
	bool evtchn_restricted[NR_EVTCHN];	/* RESTRICT_DOMID succeeded on it */
	int eventfd[NR_EVENTFD];	/* for IRQFD and IOEVENTFD */
	void *vma[8];			/* privcmd mappings to aim MMAP* at */
	size_t vma_pages[8];
	uint32_t target, other;
	unsigned long calls, invariant_breaks;
	bool ours;
};

static void arena_init(void)
{
	char *m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		abort();
	A.rw = m;
	A.ro = m + 4 * PAGE;
	A.straddle = m + 6 * PAGE - 24;
	A.hole = m + 6 * PAGE;
	memset(m, 0, 6 * PAGE);
	mprotect(A.ro, PAGE, PROT_READ);
	munmap(A.hole, 2 * PAGE);
}

/* A user pointer from the interesting set; never a kernel address when @safe. */
static void *ptr(bool safe)
{
	static const uint64_t evil[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL, 0x8000000000000000ULL,
		0xfffffffffffff000ULL, 0x1000ULL,
	};

	switch (below(safe ? 6 : 8)) {
	case 0: return NULL;
	case 1: return A.ro;
	case 2: return A.hole;
	case 3: return A.straddle;
	case 4: return A.rw + below(4 * PAGE);
	case 5: return A.rw;
	default: return (void *)(uintptr_t)PICK(evil);
	}
}

static uint32_t domid(struct fuzz *f)
{
	static const uint64_t special[] = {
		0, DOMID_FIRST_RESERVED, 0x7ff1, 0x7ff2, 0x7ff4, 0x7ffe, 0x7fff, 0xffff,
	};

	switch (below(6)) {
	case 0: case 1: return f->target;
	case 2: return f->other;
	case 3: return PICK(special);
	default: return below(0x10000);
	}
}

static size_t size_near_limits(void)
{
	static const uint64_t sizes[] = {
		0, 1, 7, 8, 63, 64, 4095, 4096, 4097, 8192, 65536, 1 << 20, ~0ULL, 1ULL << 63,
	};

	return below(4) ? sizeof(struct xen_dm_op) + below(3) - 1 : PICK(sizes);
}

static void random_bytes(void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((unsigned char *)p)[i] = rnd();
}

/* A DM_OP body: mostly well formed with a random sub-op and fields. */
static void dm_op_body(void *buf, size_t n)
{
	struct xen_dm_op *op = buf;

	random_bytes(buf, n);
	if (n >= sizeof(*op) && below(4)) {
		op->op = below(24);
		op->pad = below(8) ? 0 : rnd();
	}
}

/* Whether @p is memory this program can read: its stack or its arena. */
static bool readable(const void *p)
{
	uintptr_t c = (uintptr_t)p, here = (uintptr_t)&c;
	uintptr_t rw = (uintptr_t)A.rw, ro = (uintptr_t)A.ro;

	return (c >= rw && c + 48 <= rw + 4 * PAGE) || (c >= ro && c + 48 <= ro + PAGE) ||
	       (c > here - 65536 && c < here + 65536);
}

static int fuzz_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	if (cur_call >= trace_from) {
		char hex[100] = "";

		for (int k = 0; readable(arg) && k < 48; k++)
			sprintf(hex + 2 * k, "%02x", ((unsigned char *)arg)[k]);
		note("ioctl(%d, %#lx, %p) %s", fd, cmd, arg, hex);
	}
	ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

static void breaks(struct fuzz *f, const char *what, int fd, long ret)
{
	f->invariant_breaks++;
	printf("# INVARIANT BROKEN: %s on fd %d returned %ld (seed replays it)\n", what, fd, ret);
	/* Now, not at exit: the line lands next to the progress lines around it. */
	fflush(stdout);
}

static void do_hypercall(struct fuzz *f, int i)
{
	struct privcmd_hypercall h = { 0 };
	struct privcmd_audit_query q;
	int fd = f->privcmd[i];
	long ret;

	if (f->restricted[i] >= 0 && f->ours) {
		/*
		 * Anything at all: it must be refused before reaching Xen. A raw
		 * hypercall can wreck dom0 (set_trap_table(NULL) does), so first
		 * make sure the driver agrees the file is restricted; a file the
		 * fuzzer restricted that the driver forgot is itself the bug.
		 */
		if (_test_cmd_privcmd_audit_query(fd, &q) ||
		    !(q.state & PRIVCMD_AUDIT_RESTRICTED) ||
		    q.restricted_domid != f->restricted[i]) {
			breaks(f, "restriction lost (audit query)", fd, q.restricted_domid);
			return;
		}
		random_bytes(&h, sizeof(h));
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, below(8) ? (void *)&h : ptr(false));
		if (ret != -EPERM && ret != -EFAULT)
			breaks(f, "hypercall on a restricted file", fd, ret);
		return;
	}
	if (f->restricted[i] >= 0)
		return;
	/*
	 * Unrestricted: root's raw hypercall interface does whatever it is told,
	 * so only a well-formed, harmless version query, with user pointers.
	 */
	h.op = __HYPERVISOR_xen_version;
	h.arg[0] = below(2) ? XENVER_version : XENVER_extraversion;
	h.arg[1] = (uintptr_t)ptr(true);
	fuzz_ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

/* Narrow the file's DMOP allowlist at random, or query it with odd sizes. */
static void do_allowlist(struct fuzz *f, int i)
{
	struct privcmd_dm_op_allowlist al = { .size = sizeof(al) };
	struct privcmd_audit_query before, after;
	int fd = f->privcmd[i];
	bool own;
	long ret;

	if (below(2)) {
		char *q = A.rw + PAGE;

		*(uint32_t *)q = below(4) ? sizeof(struct privcmd_audit_query) : size_near_limits();
		memset(q + 4, below(8) ? 0 : 0xff, 4);
		fuzz_ioctl(fd, IOCTL_PRIVCMD_AUDIT_QUERY, below(8) ? (void *)q : ptr(false));
		return;
	}
	if (!f->ours || _test_cmd_privcmd_audit_query(fd, &before))
		return;
	al.allowed = below(4) ? before.allowed & rnd() : rnd();
	if (!below(8))
		al.size = size_near_limits();
	if (!below(16))
		al.flags = rnd();
	own = below(16);
	ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_DM_OP_ALLOWLIST, own ? (void *)&al : ptr(false));
	if (_test_cmd_privcmd_audit_query(fd, &after))
		return;
	if (after.allowed & ~before.allowed)
		breaks(f, "allowlist widened", fd, ret);
	/* A random pointer may land on bytes that make a valid request: only ours is known. */
	if (own && ret == 0 && al.size == sizeof(al) &&
	    after.allowed != (before.allowed & al.allowed))
		breaks(f, "allowlist not what was asked", fd, ret);
}

static void do_dm_op(struct fuzz *f, int i)
{
	struct privcmd_dm_op_buf *bufs = (void *)(A.rw + 2 * PAGE);
	struct privcmd_audit_query q;
	struct privcmd_dm_op op;
	int op_allowed = -1;	/* unknown */
	int fd = f->privcmd[i];
	unsigned int nbuf;
	long ret;

	op.dom = domid(f);
	nbuf = below(4) ? 1 + below(2) : below(20);
	op.num = nbuf;
	for (unsigned int b = 0; b < nbuf && b < 64; b++) {
		size_t sz = size_near_limits();
		bool good = below(4);

		bufs[b].uptr = good ? A.rw + b * 128 : ptr(false);
		bufs[b].size = sz;
		if (good && sz <= 128)
			dm_op_body(A.rw + b * 128, sz);
	}
	op.ubufs = below(8) ? bufs : ptr(false);
	if (!below(32)) {
		/* a wild argument pointer: whatever it reads, the kernel must survive */
		fuzz_ioctl(fd, IOCTL_PRIVCMD_DM_OP, ptr(false));
		return;
	}
	/*
	 * With an allowlist set, a sub-op outside it (or >= 64) never reaches
	 * Xen. Judged only when the kernel reads our descriptors: a random
	 * ubufs reads other bytes, and another sub-op.
	 */
	if (f->ours && nbuf && op.ubufs == bufs && bufs[0].uptr == A.rw && bufs[0].size >= 4 &&
	    bufs[0].size <= 128 && !_test_cmd_privcmd_audit_query(fd, &q) &&
	    (q.state & PRIVCMD_AUDIT_ALLOWLIST_SET)) {
		uint32_t sub = *(uint32_t *)A.rw;

		op_allowed = sub < 64 && (q.allowed >> sub & 1);
	}
	ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
	if (op_allowed == 0 && ret != -EPERM && ret != -EFAULT && ret != -E2BIG && ret != -EINVAL)
		breaks(f, "DM_OP sub-op outside the allowlist not refused", fd, ret);
	if (f->ours && f->restricted[i] >= 0 && op.dom != f->restricted[i] && op.num &&
	    ret != -EPERM && ret != -EFAULT && ret != -E2BIG && ret != -EINVAL && ret != -ENOMEM)
		breaks(f, "DM_OP to another domain on a restricted file", fd, ret);
	if (f->ours && f->restricted[i] >= 0 && op.dom != f->restricted[i] && ret == 0 && op.num)
		breaks(f, "DM_OP to another domain succeeded on a restricted file", fd, ret);
}

static void do_map(struct fuzz *f, int i)
{
	int fd = f->privcmd[i], v = below(8);
	uint64_t *arr = (void *)(A.rw + PAGE);
	int *err = (void *)(A.rw + 3 * PAGE);
	uint64_t addr;
	unsigned int num;
	long ret;

	addr = f->vma[v] ? (uintptr_t)f->vma[v] + below(2) * PAGE : (uintptr_t)ptr(false);
	num = below(4) ? 1 + below(f->vma_pages[v] + 1) : PICK(((const uint64_t[]){ 0, 512, 1 << 20, 0x7fffffff, 0xffffffff }));
	for (unsigned int k = 0; k < 64; k++)
		arr[k] = below(4) ? below(256) : rnd();

	switch (below(4)) {
	case 0: {
		struct privcmd_mmapbatch_v2 m = {
			.num = num, .dom = domid(f), .addr = addr,
			.arr = below(8) ? arr : ptr(false), .err = below(8) ? err : ptr(false),
		};
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m);
		if (f->ours && f->restricted[i] >= 0 && m.dom != f->restricted[i] && ret >= 0)
			breaks(f, "MMAPBATCH_V2 of another domain on a restricted file", fd, ret);
		break;
	}
	case 1: {
		struct privcmd_mmapbatch m = {
			.num = num, .dom = domid(f), .addr = addr, .arr = below(8) ? arr : ptr(false),
		};
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH, &m);
		if (f->ours && f->restricted[i] >= 0 && m.dom != f->restricted[i] && ret >= 0)
			breaks(f, "MMAPBATCH of another domain on a restricted file", fd, ret);
		break;
	}
	case 2: {
		struct privcmd_mmap_entry *e = (void *)(A.rw + 2 * PAGE);
		struct privcmd_mmap m = { .num = below(4), .dom = domid(f), .entry = below(8) ? e : ptr(false) };

		for (int k = 0; k < 4; k++) {
			e[k].va = addr + k * PAGE;
			e[k].mfn = below(256);
			e[k].npages = below(4) ? 1 : rnd();
		}
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_MMAP, &m);
		if (f->ours && f->restricted[i] >= 0 && m.dom != f->restricted[i] && m.num && ret >= 0)
			breaks(f, "MMAP of another domain on a restricted file", fd, ret);
		break;
	}
	default: {
		struct privcmd_mmap_resource r = {
			.dom = domid(f), .type = below(4), .id = below(4), .idx = below(4),
			.num = below(4) ? below(4) : rnd(), .addr = below(4) ? addr : rnd(),
		};
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r);
		if (f->ours && f->restricted[i] >= 0 && r.dom != f->restricted[i] && ret >= 0 &&
		    r.num)
			breaks(f, "MMAP_RESOURCE of another domain on a restricted file", fd, ret);
		break;
	}
	}
}

/*
 * IRQFD and IOEVENTFD: assigns with random DMOPs (their injections reach the
 * guests like do_dm_op()'s calls), deassigns, signals, and the eventfds'
 * last closes, which tear irqfds down behind the file's back.
 */
static void do_eventfd(struct fuzz *f, int i)
{
	int fd = f->privcmd[i], e = below(NR_EVENTFD);
	uint64_t one = 1;
	long ret;

	switch (below(6)) {
	case 0: case 1: {
		size_t size = size_near_limits();
		struct privcmd_irqfd q = {
			.size = size, .dom = domid(f),
			.fd = below(8) ? (uint32_t)f->eventfd[e] : (uint32_t)rnd(),
			.flags = below(8) ? below(2) : rnd(),
		};
		char *op = A.rw + below(2 * PAGE);

		dm_op_body(op, size < PAGE ? size : PAGE);
		q.dm_op = (uintptr_t)(below(8) ? op : ptr(false));
		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_IRQFD, below(16) ? (void *)&q : ptr(false));
		if (f->ours && ret == 0 && (q.flags & ~PRIVCMD_IRQFD_FLAG_DEASSIGN))
			breaks(f, "IRQFD with unknown flags succeeded", fd, ret);
		if (f->ours && ret == 0 && f->restricted[i] >= 0 && q.dom != f->restricted[i])
			breaks(f, "IRQFD for another domain on a restricted file", fd, ret);
		break;
	}
	case 2: {
		uint32_t ports[2] = { below(128), below(128) };
		struct privcmd_ioeventfd q = {
			.ioreq = (uintptr_t)A.rw, .ports = (uintptr_t)ports,
			.addr = below(2) ? 0xfe000000 : rnd(), .addr_len = below(10),
			.event_fd = f->eventfd[e], .vcpus = below(4) ? below(3) : rnd(),
			.vq = below(4), .flags = below(8) ? below(2) : rnd(), .dom = domid(f),
		};

		ret = fuzz_ioctl(fd, IOCTL_PRIVCMD_IOEVENTFD, below(16) ? (void *)&q : ptr(false));
		/* A.rw is plain memory, never an ioreq server's page. */
		if (f->ours && ret >= 0)
			breaks(f, "IOEVENTFD succeeded on a page that is not an ioreq server's",
			       fd, ret);
		break;
	}
	case 3: case 4:
		note("signal eventfd %d", e);
		if (write(f->eventfd[e], &one, sizeof(one)) < 0)
			errno = 0;
		break;
	default:
		note("reopen eventfd %d", e);
		close(f->eventfd[e]);
		f->eventfd[e] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		break;
	}
}

static void reopen_privcmd(struct fuzz *f, int i);

static void do_restrict(struct fuzz *f, int i)
{
	uint16_t d = below(3) ? f->target : domid(f);
	long ret;

	if (!below(16)) {
		/* wild pointer: if it restricted the file, to what is unknown: start afresh */
		if (!fuzz_ioctl(f->privcmd[i], IOCTL_PRIVCMD_RESTRICT, ptr(false)))
			reopen_privcmd(f, i);
		return;
	}
	ret = fuzz_ioctl(f->privcmd[i], IOCTL_PRIVCMD_RESTRICT, &d);

	if (ret == 0 && f->restricted[i] < 0)
		f->restricted[i] = d;
	if (f->ours && ret == 0 && f->restricted[i] != d)
		breaks(f, "a second restrict to another domid succeeded", f->privcmd[i], ret);
}

static void do_vma(struct fuzz *f, int i)
{
	int v = below(8);

	note("%s vma %d", f->vma[v] ? "munmap" : "mmap", v);
	if (f->vma[v]) {
		munmap(f->vma[v], f->vma_pages[v] * PAGE);
		f->vma[v] = NULL;
		return;
	}
	f->vma_pages[v] = 1 + below(below(4) ? 4 : 64);
	f->vma[v] = mmap(NULL, f->vma_pages[v] * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->privcmd[i], 0);
	if (f->vma[v] == MAP_FAILED)
		f->vma[v] = NULL;
}

static void reopen_privcmd(struct fuzz *f, int i)
{
	close(f->privcmd[i]);
	f->privcmd[i] = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	f->restricted[i] = -1;
}

static void do_evtchn(struct fuzz *f)
{
	int i = below(NR_EVTCHN), fd = f->evtchn[i];
	bool restricted = f->evtchn_restricted[i];
	uint32_t buf[8];
	long ret;

	switch (below(11)) {
	case 0: {
		struct ioctl_evtchn_bind_virq b = { .virq = below(4) ? below(24) : rnd() };

		ret = fuzz_ioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, below(16) ? (void *)&b : ptr(false));
		if (f->ours && restricted && ret >= 0)
			breaks(f, "BIND_VIRQ on a restricted evtchn file", fd, ret);
		break;
	}
	case 1: {
		struct ioctl_evtchn_bind_interdomain b = { .remote_domain = domid(f),
							    .remote_port = below(64) };

		fuzz_ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, below(16) ? (void *)&b : ptr(false));
		break;
	}
	case 2: {
		struct ioctl_evtchn_bind_unbound_port b = { .remote_domain = below(2) ? 0 : domid(f) };

		ret = fuzz_ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT,
				 below(16) ? (void *)&b : ptr(false));
		if (f->ours && restricted && ret >= 0)
			breaks(f, "BIND_UNBOUND_PORT on a restricted evtchn file", fd, ret);
		break;
	}
	case 3: {
		struct ioctl_evtchn_unbind u = { .port = below(128) };

		fuzz_ioctl(fd, IOCTL_EVTCHN_UNBIND, below(16) ? (void *)&u : ptr(false));
		break;
	}
	case 4: {
		struct ioctl_evtchn_notify n = { .port = below(128) };

		fuzz_ioctl(fd, IOCTL_EVTCHN_NOTIFY, below(16) ? (void *)&n : ptr(false));
		break;
	}
	case 5:
		if (!below(8))
			fuzz_ioctl(fd, IOCTL_EVTCHN_RESET, NULL);
		break;
	case 6: {
		struct ioctl_evtchn_restrict_domid r = { .domid = below(2) ? f->target : domid(f) };

		if (!below(8) &&
		    !fuzz_ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, below(16) ? (void *)&r : ptr(false)))
			f->evtchn_restricted[i] = true;
		break;
	}
	case 9: {
		/* low port numbers: dom0's own, the other files' and the guests' */
		struct ioctl_evtchn_bind b = { .port = below(8) ? below(128) : rnd() };

		ret = fuzz_ioctl(fd, IOCTL_EVTCHN_BIND_STATIC, below(16) ? (void *)&b : ptr(false));
		if (f->ours && restricted && ret >= 0)
			breaks(f, "BIND_STATIC on a restricted evtchn file", fd, ret);
		break;
	}
	case 7: {
		int fl = fcntl(fd, F_GETFL);

		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		if (read(fd, below(4) ? (void *)buf : ptr(false), below(4) ? 4 * below(9) : rnd() % 65536) < 0)
			errno = 0;
		break;
	}
	case 8:
		for (int k = 0; k < 8; k++)
			buf[k] = below(4) ? below(128) : rnd();
		if (write(fd, below(4) ? (void *)buf : ptr(false), below(4) ? 4 * below(9) : below(4096)) < 0)
			errno = 0;
		break;
	default: {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 0);
		if (!below(64)) {
			close(fd);
			f->evtchn[i] = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
			f->evtchn_restricted[i] = false;
		}
		break;
	}
	}
}

static unsigned long fuzz_step(struct fuzz *f)
{
	int i = below(NR_PRIVCMD);

	if (f->privcmd[i] < 0)
		reopen_privcmd(f, i);
	switch (below(100)) {
	case 0 ... 9: do_hypercall(f, i); break;
	case 10 ... 44: do_dm_op(f, i); break;
	case 45 ... 59: do_map(f, i); break;
	case 60 ... 61: do_restrict(f, i); break;
	case 69 ... 70: do_allowlist(f, i); break;
	case 71 ... 74: do_eventfd(f, i); break;
	case 62 ... 65: do_vma(f, i); break;
	case 66: reopen_privcmd(f, i); break;
	case 67: {
		/* an unknown command number on either device */
		unsigned long cmd = rnd() & 0xffffffff;
		int fd = below(2) ? f->privcmd[i] : f->evtchn[0];
		long ret;

		if ((cmd >> 8 & 0xff) == 'P' || (cmd >> 8 & 0xff) == 'E')
			cmd ^= 0x100;
		ret = fuzz_ioctl(fd, cmd, ptr(false));
		if (f->ours && ret != -ENOTTY)
			breaks(f, "unknown ioctl did not answer ENOTTY", fd, ret);
		break;
	}
	case 68: {
		/* dup: the copy shares the file and its restriction */
		int d = dup(f->privcmd[i]);

		if (d >= 0) {
			close(f->privcmd[i]);
			f->privcmd[i] = d;
		}
		break;
	}
	default: do_evtchn(f); break;
	}
	return 1;
}

/* A child inherits every file (and restriction), fuzzes briefly and exits. */
static void fuzz_fork(struct fuzz *f)
{
	pid_t pid;

	note("fork");
	/* Else a child that reports a break would print the parent's pending lines again. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* Only the child's own breaks count: the parent reports its own. */
		unsigned long inherited = f->invariant_breaks;

		rng_state ^= 0x9e3779b97f4a7c15ULL;
		for (int k = 0; k < 200; k++)
			fuzz_step(f);
		_exit(f->invariant_breaks != inherited ? 1 : 0);
	}
	if (pid > 0) {
		int st;

		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			breaks(f, "forked child failed", -1, st);
		f->calls += 200;
	}
}

static unsigned long env_ul(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

/*
 * The run stops itself at DMOP_FUZZ_SECONDS (make check-debug asks for up to
 * 7200 s: a million calls under KASAN and emulation); the harness's limit is
 * only past that, and a hang is caught by the VM runner's timeout.
 */
TEST_F_TIMEOUT(fuzz, privcmd_evtchn, 7300)
{
	unsigned long max_calls = env_ul("DMOP_FUZZ_CALLS", 1000000), progress;
	double limit = env_ul("DMOP_FUZZ_SECONDS", 150);
	struct xen_guest g1, g2;
	struct fuzz f = { 0 };
	struct timespec t0, t;
	uint64_t seed;
	int err;

	seed = env_ul("DMOP_FUZZ_SEED", 0);
	if (!seed) {
		clock_gettime(CLOCK_REALTIME, &t);
		seed = (uint64_t)t.tv_nsec << 20 ^ t.tv_sec ^ getpid();
	}
	rng_state = seed ? seed : 1;
	printf("# fuzz: seed %#llx (replay: DMOP_FUZZ_SEED=%#llx)\n",
	       (unsigned long long)seed, (unsigned long long)seed);

	err = xen_guest_create(&g1, 256);
	ASSERT_EQ(0, err) TH_LOG("guest 1: %s", strerror(-err));
	err = xen_guest_create(&g2, 256);
	ASSERT_EQ(0, err) TH_LOG("guest 2: %s", strerror(-err));
	f.target = g1.domid;
	f.other = g2.domid;
	f.ours = xen_env_ours();
	arena_init();
	for (int i = 0; i < NR_PRIVCMD; i++) {
		f.privcmd[i] = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, f.privcmd[i]);
		f.restricted[i] = -1;
	}
	for (int i = 0; i < NR_EVTCHN; i++) {
		f.evtchn[i] = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, f.evtchn[i]);
	}
	for (int i = 0; i < NR_EVENTFD; i++) {
		f.eventfd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ASSERT_LE(0, f.eventfd[i]);
	}
	signal(SIGPIPE, SIG_IGN);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	trace_from = env_ul("DMOP_FUZZ_TRACE_FROM", ~0UL);
	progress = env_ul("DMOP_FUZZ_PROGRESS", 65536);
	while (f.calls < max_calls) {
		cur_call = f.calls;
		f.calls += fuzz_step(&f);
		if (!(f.calls % progress))
			printf("# fuzz: progress %lu calls\n", f.calls);
		if (!(f.calls & 1023)) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 > limit)
				break;
			if (!below(8))
				fuzz_fork(&f);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("# fuzz: %lu calls in %.1f s (target %lu, limit %.0f s), %lu invariant breaks\n",
	       f.calls, t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9, max_calls, limit,
	       f.invariant_breaks);

	for (int v = 0; v < 8; v++)
		if (f.vma[v])
			munmap(f.vma[v], f.vma_pages[v] * PAGE);
	for (int i = 0; i < NR_PRIVCMD; i++)
		close(f.privcmd[i]);
	for (int i = 0; i < NR_EVTCHN; i++)
		close(f.evtchn[i]);
	for (int i = 0; i < NR_EVENTFD; i++)
		close(f.eventfd[i]);
	EXPECT_EQ(0, xen_guest_destroy(&g2));
	EXPECT_EQ(0, xen_guest_destroy(&g1));
	EXPECT_EQ(0UL, f.invariant_breaks);
}

int main(int argc, char **argv)
{
	static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

	/* line-buffered: the seed must reach the console even if the kernel dies */
	setvbuf(stdout, NULL, _IOLBF, 0);
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
