/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the /dev/xen/privcmd selftests: thin ioctl wrappers that return
 * the ioctl's value (>= 0) or -errno, so a test asserts on either in one line,
 * plus the DMOPs the tests aim at a real guest.
 */
#ifndef XEN_DMOP_SELFTEST_PRIVCMD_UTIL_H
#define XEN_DMOP_SELFTEST_PRIVCMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/xen/privcmd.h>

#define PRIVCMD_NODE "/dev/xen/privcmd"
#define PRIVCMDBUF_NODE "/dev/xen/hypercall"

/* Xen's reserved domids (xen/include/public/xen.h). */
#define PC_DOMID_FIRST_RESERVED 0x7FF0U
#define PC_DOMID_SELF 0x7FF0U
#define PC_DOMID_IO 0x7FF1U
#define PC_DOMID_INVALID 0x7FF4U
#define PC_DOMID_IDLE 0x7FFFU

/* A domid no domain has (Xen allocates from 1 upwards). */
#define PC_DOMID_NONE 0x7000U

/* open(PRIVCMD_NODE, O_RDWR | O_CLOEXEC): fd or -errno. */
int privcmd_open(void);

/* A raw ioctl on @fd: its result or -errno. */
long privcmd_ioctl(int fd, unsigned long cmd, void *arg);

long privcmd_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t a3, uint64_t a4);
int privcmd_restrict(int fd, unsigned int domid);

/* DM_OP with @num buffers (pointer, size pairs): Xen's answer or -errno. */
int privcmd_dm_op(int fd, unsigned int dom, unsigned int num,
		  const struct privcmd_dm_op_buf *bufs);

/*
 * DMOPs on @dom, each one buffer holding struct xen_dm_op: 0 or -errno.
 * @id of a new ioreq server comes back through @id.
 */
int privcmd_dmop_nr_vcpus(int fd, unsigned int dom, uint32_t *vcpus);
int privcmd_dmop_create_ioreq_server(int fd, unsigned int dom, uint16_t *id);
int privcmd_dmop_destroy_ioreq_server(int fd, unsigned int dom, uint16_t id);
int privcmd_dmop_set_isa_irq_level(int fd, unsigned int dom, uint8_t irq, uint8_t level);
/* A DMOP with only its op number set, padded to the full struct. */
int privcmd_dmop_raw(int fd, unsigned int dom, uint32_t op, size_t size);

/* mmap @pages of /dev/xen/privcmd shared read-write: address or NULL. */
void *privcmd_map_area(int fd, unsigned long pages);

/* MMAPBATCH_V2 of @num gfns at @addr: result or -errno; errors in @err. */
int privcmd_mmapbatch_v2(int fd, unsigned int dom, void *addr, unsigned int num,
			 const uint64_t *gfns, int *err);
int privcmd_mmapbatch_v1(int fd, unsigned int dom, void *addr, int num, uint64_t *gfns);
int privcmd_mmap_v0(int fd, unsigned int dom, const struct privcmd_mmap_entry *e, int num);
int privcmd_mmap_resource(int fd, struct privcmd_mmap_resource *r);

/*
 * Whether touching @p (read) raises SIGBUS: true for a page of a privcmd
 * mapping that holds no frame.
 */
bool privcmd_read_sigbus(const volatile void *p);

/*
 * Print a "# DIFF: ..." line: where the in-tree driver answers differently
 * from ours by documented design. Flushed: harness tests run in a child.
 */
void privcmd_diff(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A /proc/meminfo value in kB (e.g. "MemFree"), or -1. */
long privcmd_meminfo_kb(const char *key);

#endif
