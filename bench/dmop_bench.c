// SPDX-License-Identifier: GPL-2.0
/*
 * dmop_bench: the driver-side cost of what a device model does, through the
 * upstream privcmd/evtchn ABI, so the same binary measures the distro's in-tree
 * drivers and ours. Aimed at a real HVM guest. One line per result:
 *
 *   BENCH <impl> <round> <metric> <value> <unit>
 *
 * scripts/vm/mode-bench runs it once per driver set per round, both sets
 * back to back; scripts/bench/report turns the rounds into per-round ratios,
 * their median and its interval (Documentation/dev-tools/benchmarks.rst).
 * Absolute numbers under emulation mean little; ratios within a round do.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/dm_op.h>
#include <xen/memory.h>
#include <xen/version.h>
/* Our uapi headers: the upstream ABI, plus the allowlist only our driver has. */
#include "../include/uapi/xen/evtchn.h"
#include "../include/uapi/xen/privcmd.h"

#include "../selftests/lib/xen_env.h"

#define GUEST_PAGES 2048
#define PAGE 4096UL

static const char *impl = "?";
static int round_no;
static domid_t guest;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *metric, double value, const char *unit)
{
	printf("BENCH %s %d %s %.3f %s\n", impl, round_no, metric, value, unit);
	fflush(stdout);
}

static void die(const char *what) __attribute__((noreturn));

static void die(const char *what)
{
	fprintf(stderr, "dmop_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_privcmd(void)
{
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/xen/privcmd");
	return fd;
}

/* One DM_OP of 1 or 2 buffers; returns the ioctl's result (0 or -1/errno). */
static int dm_op(int fd, domid_t dom, void *b0, size_t s0, void *b1, size_t s1)
{
	struct privcmd_dm_op_buf bufs[2] = { { b0, s0 }, { b1, s1 } };
	struct privcmd_dm_op op = { .dom = dom, .num = b1 ? 2 : 1, .ubufs = bufs };

	return ioctl(fd, IOCTL_PRIVCMD_DM_OP, &op);
}

/* The latency workloads: each is one call, timed over many iterations. */
struct lat_ctx {
	int fd;
	struct xen_dm_op op;
	void *buf1;
	size_t size1;
};

static int call_hypercall(struct lat_ctx *c)
{
	struct privcmd_hypercall h = { .op = __HYPERVISOR_xen_version, .arg = { XENVER_version, 0 } };

	return ioctl(c->fd, IOCTL_PRIVCMD_HYPERCALL, &h) > 0 ? 0 : -1;
}

static int call_dm_op(struct lat_ctx *c)
{
	return dm_op(c->fd, guest, &c->op, sizeof(c->op), c->buf1, c->size1);
}

static void time_calls(const char *metric, int (*call)(struct lat_ctx *), struct lat_ctx *c,
		       int iters)
{
	double t0;

	for (int i = 0; i < 50; i++)
		if (call(c))
			die(metric);
	t0 = now();
	for (int i = 0; i < iters; i++)
		call(c);
	report(metric, (now() - t0) / iters * 1e6, "us");
}

static void bench_latency(int iters)
{
	struct xen_dm_op_modified_memory_extent ext = { .first_pfn = 16, .nr = 1 };
	static unsigned char bitmap[4096];
	struct privcmd_dm_op_allowlist al = {
		.size = sizeof(al),
		.allowed = 1ULL << XEN_DMOP_nr_vcpus | 1ULL << XEN_DMOP_set_isa_irq_level,
	};
	int fd = open_privcmd(), rfd = open_privcmd();
	struct lat_ctx c = { .fd = fd };
	domid_t d = guest;

	time_calls("hypercall_floor", call_hypercall, &c, iters);

	c.op.op = XEN_DMOP_nr_vcpus;
	time_calls("dm_op_nr_vcpus", call_dm_op, &c, iters);

	memset(&c.op, 0, sizeof(c.op));
	c.op.op = XEN_DMOP_set_isa_irq_level;
	c.op.u.set_isa_irq_level.isa_irq = 5;
	time_calls("dm_op_set_isa_irq_level", call_dm_op, &c, iters);

	memset(&c.op, 0, sizeof(c.op));
	c.op.op = XEN_DMOP_modified_memory;
	c.op.u.modified_memory.nr_extents = 1;
	c.buf1 = &ext;
	c.size1 = sizeof(ext);
	time_calls("dm_op_modified_memory_2buf", call_dm_op, &c, iters);

	/* A 4 KiB bitmap buffer; Xen fills nr bits of it. */
	memset(&c.op, 0, sizeof(c.op));
	c.op.op = XEN_DMOP_track_dirty_vram;
	c.op.u.track_dirty_vram.first_pfn = 0;
	c.op.u.track_dirty_vram.nr = 256;
	c.buf1 = bitmap;
	c.size1 = sizeof(bitmap);
	time_calls("dm_op_track_dirty_vram_4k", call_dm_op, &c, iters);

	/* The same small DMOP on a file restricted to the guest: the check's cost. */
	if (ioctl(rfd, IOCTL_PRIVCMD_RESTRICT, &d))
		die("IOCTL_PRIVCMD_RESTRICT");
	memset(&c.op, 0, sizeof(c.op));
	c.op.op = XEN_DMOP_nr_vcpus;
	c.buf1 = NULL;
	c.size1 = 0;
	c.fd = rfd;
	time_calls("dm_op_nr_vcpus_restricted", call_dm_op, &c, iters);

	/*
	 * The same file narrowed by a DMOP allowlist that admits the sub-op: the
	 * allowlist check's cost. Only our driver has the ioctl.
	 */
	if (!ioctl(rfd, IOCTL_PRIVCMD_DM_OP_ALLOWLIST, &al))
		time_calls("dm_op_nr_vcpus_allowlist", call_dm_op, &c, iters);
	else if (errno != ENOTTY)
		die("IOCTL_PRIVCMD_DM_OP_ALLOWLIST");
	close(rfd);
	close(fd);
}

/* Two threads sharing one file, as a device model's vCPU threads do. */
struct thread_arg {
	int fd;
	int iters;
};

static void *dm_op_thread(void *p)
{
	struct thread_arg *a = p;
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };

	for (int i = 0; i < a->iters; i++)
		dm_op(a->fd, guest, &op, sizeof(op), NULL, 0);
	return NULL;
}

static void bench_threads(int iters)
{
	struct thread_arg a = { .fd = open_privcmd(), .iters = iters };
	pthread_t t[2];
	double t0, one, two;

	t0 = now();
	dm_op_thread(&a);
	one = iters / (now() - t0);
	t0 = now();
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, dm_op_thread, &a);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	two = 2 * iters / (now() - t0);
	report("dm_op_1thread", one, "ops/s");
	report("dm_op_2threads", two, "ops/s");
	close(a.fd);
}

static void bench_mmapbatch(int batch, int total)
{
	int fd = open_privcmd();
	xen_pfn_t *pfns = calloc(batch, sizeof(*pfns));
	int *err = calloc(batch, sizeof(*err));
	char metric[64];
	double t0;
	int done = 0;

	if (!pfns || !err)
		die("calloc");
	t0 = now();
	while (done < total) {
		void *va = mmap(NULL, batch * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		struct privcmd_mmapbatch_v2 m = {
			.num = batch, .dom = guest, .addr = (unsigned long)va, .arr = (const __u64 *)pfns, .err = err,
		};

		if (va == MAP_FAILED)
			die("mmap privcmd");
		for (int i = 0; i < batch; i++)
			pfns[i] = (done + i) % GUEST_PAGES;
		if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &m))
			die("IOCTL_PRIVCMD_MMAPBATCH_V2");
		/* touch the first page so the mapping is really used */
		(void)*(volatile char *)va;
		munmap(va, batch * PAGE);
		done += batch;
	}
	snprintf(metric, sizeof(metric), "mmapbatch_v2_batch%d", batch);
	report(metric, done / (now() - t0), "pages/s");
	free(pfns);
	free(err);
	close(fd);
}

static void bench_mmap_resource(int iters)
{
	int fd = open_privcmd();
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	double t0;
	ioservid_t id;

	op.u.create_ioreq_server.handle_bufioreq = HVM_IOREQSRV_BUFIOREQ_OFF;
	if (dm_op(fd, guest, &op, sizeof(op), NULL, 0))
		die("create_ioreq_server");
	id = op.u.create_ioreq_server.id;
	t0 = now();
	for (int i = 0; i < iters; i++) {
		void *va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		struct privcmd_mmap_resource r = {
			.dom = guest, .type = XENMEM_resource_ioreq_server, .id = id,
			.idx = XENMEM_resource_ioreq_server_frame_ioreq(0), .num = 1,
			.addr = (unsigned long)va,
		};

		if (va == MAP_FAILED)
			die("mmap privcmd");
		if (ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r))
			die("IOCTL_PRIVCMD_MMAP_RESOURCE");
		munmap(va, PAGE);
	}
	report("mmap_resource_ioreq_page", (now() - t0) / iters * 1e6, "us");
	op.op = XEN_DMOP_destroy_ioreq_server;
	op.u.destroy_ioreq_server.id = id;
	dm_op(fd, guest, &op, sizeof(op), NULL, 0);
	close(fd);
}

/* Loopback channel in dom0: notify on one file, read and unmask on the other. */
static void bench_evtchn(int iters)
{
	int a = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	int b = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
	struct ioctl_evtchn_bind_unbound_port ub = { .remote_domain = 0 };
	struct ioctl_evtchn_bind_interdomain id = { .remote_domain = 0 };
	struct ioctl_evtchn_notify n;
	unsigned int pa, pb, got;
	double t0;

	if (a < 0 || b < 0)
		die("open /dev/xen/evtchn");
	pa = ioctl(a, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &ub);
	if ((int)pa < 0)
		die("IOCTL_EVTCHN_BIND_UNBOUND_PORT");
	id.remote_port = pa;
	pb = ioctl(b, IOCTL_EVTCHN_BIND_INTERDOMAIN, &id);
	if ((int)pb < 0)
		die("IOCTL_EVTCHN_BIND_INTERDOMAIN");
	n.port = pb;
	t0 = now();
	for (int i = 0; i < iters; i++) {
		if (ioctl(b, IOCTL_EVTCHN_NOTIFY, &n))
			die("IOCTL_EVTCHN_NOTIFY");
		if (read(a, &got, sizeof(got)) != sizeof(got) || got != pa)
			die("read evtchn");
		if (write(a, &got, sizeof(got)) != sizeof(got))
			die("write evtchn");
	}
	report("evtchn_roundtrip", (now() - t0) / iters * 1e6, "us");
	close(b);
	close(a);
}

int main(int argc, char **argv)
{
	static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };
	int iters = 2000;
	struct xen_guest g;
	int err;

	if (argc < 3) {
		fprintf(stderr, "usage: dmop_bench IMPL ROUND [ITERS]\n");
		return 2;
	}
	impl = argv[1];
	round_no = atoi(argv[2]);
	if (argc > 3)
		iters = atoi(argv[3]);
	xen_env_require_dom0(nodes);
	err = xen_guest_create(&g, GUEST_PAGES);
	if (err) {
		errno = -err;
		die("xen_guest_create");
	}
	guest = g.domid;

	bench_latency(iters);
	bench_threads(iters);
	bench_mmapbatch(1, 2048);
	bench_mmapbatch(64, 8192);
	bench_mmapbatch(1024, 16384);
	bench_mmap_resource(iters / 4);
	bench_evtchn(iters);

	xen_guest_destroy(&g);
	return 0;
}
