// SPDX-License-Identifier: GPL-2.0
/*
 * IOCTL_PRIVCMD_DM_OP against a real HVM guest: the success paths, the
 * driver's own checks (one thing wrong per case) and Xen's answers passed
 * through unchanged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, NULL };

#define PARAM_DIR "/sys/module/xen_privcmd/parameters/"

static long read_param(const char *name)
{
	char path[128], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtol(buf, NULL, 10);
}

static int write_param(const char *name, long val)
{
	char path[128];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	rc = fprintf(f, "%ld\n", val) < 0 ? -EIO : 0;
	if (fclose(f))
		rc = -errno;
	return rc;
}

FIXTURE(dmop) {
	int fd;
	struct xen_guest g;
};

FIXTURE_SETUP(dmop)
{
	test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
}

FIXTURE_TEARDOWN(dmop)
{
	test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
}

TEST_F(dmop, nr_vcpus_reads_back_one)
{
	uint32_t vcpus = 0;

	test_cmd_dmop_nr_vcpus(self->fd, self->g.domid, &vcpus);
	EXPECT_EQ(1U, vcpus);
}

TEST_F(dmop, ioreq_server_lifecycle)
{
	struct xen_dm_op op = { .op = XEN_DMOP_map_io_range_to_ioreq_server };
	struct privcmd_dm_op_buf buf = { .uptr = &op, .size = sizeof(op) };
	uint16_t id = 0xffff;

	test_cmd_dmop_create_ioreq_server(self->fd, self->g.domid, &id);
	EXPECT_NE(0xffff, id);
	op.u.map_io_range_to_ioreq_server.id = id;
	op.u.map_io_range_to_ioreq_server.type = XEN_DMOP_IO_RANGE_PORT;
	op.u.map_io_range_to_ioreq_server.start = 0x3f8;
	op.u.map_io_range_to_ioreq_server.end = 0x3ff;
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf);
	memset(&op, 0, sizeof(op));
	op.op = XEN_DMOP_set_ioreq_server_state;
	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = 1;
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf);
	test_cmd_dmop_destroy_ioreq_server(self->fd, self->g.domid, id);
	/* Xen's own answer for a server that is gone. */
	test_err_dmop_destroy_ioreq_server(ENOENT, self->fd, self->g.domid, id);
}

TEST_F(dmop, set_isa_irq_level)
{
	test_cmd_dmop_set_isa_irq_level(self->fd, self->g.domid, 3, 1);
	test_cmd_dmop_set_isa_irq_level(self->fd, self->g.domid, 3, 0);
}

/* libxendevicemodel's probe at open: no buffers, no hypercall, success. */
TEST_F(dmop, zero_buffers_probe_succeeds)
{
	test_cmd_privcmd_dm_op(self->fd, PC_DOMID_INVALID, 0, NULL);
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 0, (void *)16);
}

/* Two buffers: the op and an extent array Xen reads. */
TEST_F(dmop, two_buffers_modified_memory)
{
	struct xen_dm_op op = { .op = XEN_DMOP_modified_memory };
	struct xen_dm_op_modified_memory_extent ext = { .nr = 1, .first_pfn = 2 };
	struct privcmd_dm_op_buf bufs[2] = {
		{ .uptr = &op, .size = sizeof(op) },
		{ .uptr = &ext, .size = sizeof(ext) },
	};

	op.u.modified_memory.nr_extents = 1;
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 2, bufs);
	/* The op buffer is written back: Xen's progress marker is still 0. */
	EXPECT_EQ(0U, op.u.modified_memory.opaque);
}

/* A buffer of the largest allowed size (the slow, heap-bounced path). */
TEST_F(dmop, largest_buffer_works)
{
	long max = read_param("dm_op_buf_max_size");
	struct xen_dm_op op = { .op = XEN_DMOP_modified_memory };
	struct xen_dm_op_modified_memory_extent *ext;
	struct privcmd_dm_op_buf bufs[2];
	unsigned int n;

	ASSERT_EQ(4096, max);
	n = max / sizeof(*ext);
	ext = calloc(n, sizeof(*ext));
	ASSERT_NE(NULL, ext);
	for (unsigned int i = 0; i < n; i++) {
		ext[i].nr = 1;
		ext[i].first_pfn = i % 200;
	}
	op.u.modified_memory.nr_extents = n;
	bufs[0] = (struct privcmd_dm_op_buf){ .uptr = &op, .size = sizeof(op) };
	bufs[1] = (struct privcmd_dm_op_buf){ .uptr = ext, .size = n * sizeof(*ext) };
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 2, bufs);
	free(ext);
}

/* ---- the driver's checks, one thing wrong per case ---- */

TEST_F(dmop, bad_argument_pointer_efault)
{
	test_err_ioctl(EFAULT, self->fd, IOCTL_PRIVCMD_DM_OP, NULL);
}

TEST_F(dmop, bad_buffer_array_efault)
{
	test_err_privcmd_dm_op(EFAULT, self->fd, self->g.domid, 1, (void *)16);
}

TEST_F(dmop, bad_buffer_pointer_efault)
{
	struct privcmd_dm_op_buf buf = { .uptr = (void *)4096, .size = sizeof(struct xen_dm_op) };

	test_err_privcmd_dm_op(EFAULT, self->fd, self->g.domid, 1, &buf);
	buf.uptr = (void *)-4096L;	/* kernel address */
	test_err_privcmd_dm_op(EFAULT, self->fd, self->g.domid, 1, &buf);
}

/* Upstream pins nothing for an empty page-aligned buffer and says EFAULT. */
TEST_F(dmop, empty_buffer_efault)
{
	struct privcmd_dm_op_buf buf = { .uptr = NULL, .size = 0 };

	test_err_privcmd_dm_op(EFAULT, self->fd, self->g.domid, 1, &buf);
}

TEST_F(dmop, too_many_buffers_e2big)
{
	long max = read_param("dm_op_max_nr_bufs");
	struct privcmd_dm_op_buf *bufs;
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };

	ASSERT_EQ(16, max);
	bufs = calloc(max + 1, sizeof(*bufs));
	ASSERT_NE(NULL, bufs);
	for (long i = 0; i <= max; i++)
		bufs[i] = (struct privcmd_dm_op_buf){ .uptr = &op, .size = sizeof(op) };
	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, max + 1, bufs);
	/* At the limit the driver passes it on: Xen takes at most 2 buffers. */
	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, max, bufs);
	free(bufs);
}

TEST_F(dmop, buffer_too_large_e2big)
{
	long max = read_param("dm_op_buf_max_size");
	struct privcmd_dm_op_buf buf;
	char *mem;

	ASSERT_EQ(4096, max);
	mem = calloc(1, max + 1);
	ASSERT_NE(NULL, mem);
	((struct xen_dm_op *)mem)->op = XEN_DMOP_nr_vcpus;
	buf = (struct privcmd_dm_op_buf){ .uptr = mem, .size = max + 1 };
	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, 1, &buf);
	free(mem);
}

/* The limits are live module parameters. */
TEST_F(dmop, limits_follow_module_parameters)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf bufs[2] = {
		{ .uptr = &op, .size = sizeof(op) },
		{ .uptr = &op, .size = sizeof(op) },
	};

	/* EXPECT, not ASSERT, between the writes: the parameters must be put back. */
	ASSERT_EQ(0, write_param("dm_op_max_nr_bufs", 1));
	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, 2, bufs);
	EXPECT_EQ(0, _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, bufs));
	ASSERT_EQ(0, write_param("dm_op_max_nr_bufs", 16));
	ASSERT_EQ(0, write_param("dm_op_buf_max_size", 8));
	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, 1, bufs);
	ASSERT_EQ(0, write_param("dm_op_buf_max_size", 4096));
	test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, bufs);
}

/* ---- Xen's answers, passed through unchanged ---- */

TEST_F(dmop, nonexistent_domain_esrch)
{
	uint32_t vcpus;

	test_err_dmop_nr_vcpus(ESRCH, self->fd, PC_DOMID_NONE, &vcpus);
}

TEST_F(dmop, own_domain_eperm)
{
	uint32_t vcpus;

	test_err_dmop_nr_vcpus(EPERM, self->fd, 0, &vcpus);
}

TEST_F(dmop, unknown_op_eopnotsupp)
{
	test_err_dmop_raw(EOPNOTSUPP, self->fd, self->g.domid, 1000, sizeof(struct xen_dm_op));
}

TEST_F(dmop, short_op_buffer_efault)
{
	test_err_dmop_raw(EFAULT, self->fd, self->g.domid, XEN_DMOP_nr_vcpus, 4);
}

TEST_F(dmop, three_buffers_xen_e2big)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	struct privcmd_dm_op_buf bufs[3] = {
		{ .uptr = &op, .size = sizeof(op) },
		{ .uptr = &op, .size = sizeof(op) },
		{ .uptr = &op, .size = sizeof(op) },
	};

	test_err_privcmd_dm_op(E2BIG, self->fd, self->g.domid, 3, bufs);
}

/*
 * A buffer Xen only reads may live in read-only memory with xen-dmop (it is
 * copied, not pinned for writing); upstream refuses it with EFAULT.
 */
TEST_F(dmop, read_only_input_buffer)
{
	struct xen_dm_op *op = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct privcmd_dm_op_buf buf = { .uptr = op, .size = sizeof(*op) };
	int rc;

	ASSERT_NE(MAP_FAILED, op);
	op->op = XEN_DMOP_set_isa_irq_level;
	op->u.set_isa_irq_level.isa_irq = 4;
	ASSERT_EQ(0, mprotect(op, getpagesize(), PROT_READ));
	rc = _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf);
	if (xen_env_ours()) {
		EXPECT_EQ(0, rc);
	} else {
		EXPECT_EQ(-EFAULT, rc);
		privcmd_diff("DM_OP with a read-only input buffer: in-tree -EFAULT, xen-dmop 0 (copied, not pinned; documented)");
	}
	munmap(op, getpagesize());
}

/*
 * map_mem_type_to_ioreq_server (15) keeps its continuation state in buffer 0:
 * Xen writes it back, so it must be writable on both drivers (ours copies it
 * back and fails with EFAULT, the in-tree driver cannot pin it for writing).
 */
TEST_F(dmop, written_back_buffer_must_be_writable)
{
	struct xen_dm_op *op = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct privcmd_dm_op_buf buf = { .uptr = op, .size = sizeof(*op) };

	ASSERT_NE(MAP_FAILED, op);
	op->op = XEN_DMOP_map_mem_type_to_ioreq_server;
	op->u.map_mem_type_to_ioreq_server.id = 0xfff0;	/* no such server */
	op->u.map_mem_type_to_ioreq_server.type = HVMMEM_ioreq_server;
	ASSERT_EQ(0, mprotect(op, getpagesize(), PROT_READ));
	test_err_privcmd_dm_op(EFAULT, self->fd, self->g.domid, 1, &buf);
	/* Writable, Xen's own answer comes back: no such server. */
	ASSERT_EQ(0, mprotect(op, getpagesize(), PROT_READ | PROT_WRITE));
	EXPECT_NE(-EFAULT, _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf));
	EXPECT_GT(0, _test_cmd_privcmd_dm_op(self->fd, self->g.domid, 1, &buf));
	munmap(op, getpagesize());
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
