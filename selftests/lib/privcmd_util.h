/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the /dev/xen/privcmd selftests: the ioctls in three layers
 * (test_cmd.h): _test_cmd_privcmd_X() raw, returning the ioctl's value
 * (>= 0) or -errno; test_cmd_privcmd_X() asserting success; and
 * test_err_privcmd_X(errno, ...) expecting exactly that errno. The DMOPs
 * the tests aim at a real guest (_test_cmd_dmop_X(): IOCTL_PRIVCMD_DM_OP
 * with one buffer holding struct xen_dm_op) come in the same layers.
 */
#ifndef XEN_DMOP_SELFTEST_PRIVCMD_UTIL_H
#define XEN_DMOP_SELFTEST_PRIVCMD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/xen/privcmd.h>

#include "test_cmd.h"

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

/* IOCTL_PRIVCMD_HYPERCALL: Xen's answer (>= 0) or -errno. */
long _test_cmd_privcmd_hypercall(int fd, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
				 uint64_t a3, uint64_t a4);
#define test_cmd_privcmd_hypercall(...) \
	test_cmd_val(_test_cmd_privcmd_hypercall(__VA_ARGS__))
#define test_err_privcmd_hypercall(e, ...) \
	test_err(e, _test_cmd_privcmd_hypercall(__VA_ARGS__))

/* IOCTL_PRIVCMD_RESTRICT to @domid: 0 or -errno. */
int _test_cmd_privcmd_restrict(int fd, unsigned int domid);
#define test_cmd_privcmd_restrict(...) test_cmd(_test_cmd_privcmd_restrict(__VA_ARGS__))
#define test_err_privcmd_restrict(e, ...) test_err(e, _test_cmd_privcmd_restrict(__VA_ARGS__))

/* IOCTL_PRIVCMD_DM_OP with @num buffers (pointer, size pairs): Xen's answer or -errno. */
int _test_cmd_privcmd_dm_op(int fd, unsigned int dom, unsigned int num,
			    const struct privcmd_dm_op_buf *bufs);
#define test_cmd_privcmd_dm_op(...) test_cmd(_test_cmd_privcmd_dm_op(__VA_ARGS__))
#define test_err_privcmd_dm_op(e, ...) test_err(e, _test_cmd_privcmd_dm_op(__VA_ARGS__))

/*
 * DMOPs on @dom, each one buffer holding struct xen_dm_op: 0 or -errno.
 * The vCPU count, and the id of a new ioreq server, come back through
 * @vcpus and @id (on success only).
 */
int _test_cmd_dmop_nr_vcpus(int fd, unsigned int dom, uint32_t *vcpus);
#define test_cmd_dmop_nr_vcpus(...) test_cmd(_test_cmd_dmop_nr_vcpus(__VA_ARGS__))
#define test_err_dmop_nr_vcpus(e, ...) test_err(e, _test_cmd_dmop_nr_vcpus(__VA_ARGS__))

int _test_cmd_dmop_create_ioreq_server(int fd, unsigned int dom, uint16_t *id);
#define test_cmd_dmop_create_ioreq_server(...) \
	test_cmd(_test_cmd_dmop_create_ioreq_server(__VA_ARGS__))
#define test_err_dmop_create_ioreq_server(e, ...) \
	test_err(e, _test_cmd_dmop_create_ioreq_server(__VA_ARGS__))

int _test_cmd_dmop_set_ioreq_server_state(int fd, unsigned int dom, uint16_t id, bool enabled);
#define test_cmd_dmop_set_ioreq_server_state(...) \
	test_cmd(_test_cmd_dmop_set_ioreq_server_state(__VA_ARGS__))

int _test_cmd_dmop_destroy_ioreq_server(int fd, unsigned int dom, uint16_t id);
#define test_cmd_dmop_destroy_ioreq_server(...) \
	test_cmd(_test_cmd_dmop_destroy_ioreq_server(__VA_ARGS__))
#define test_err_dmop_destroy_ioreq_server(e, ...) \
	test_err(e, _test_cmd_dmop_destroy_ioreq_server(__VA_ARGS__))

int _test_cmd_dmop_set_isa_irq_level(int fd, unsigned int dom, uint8_t irq, uint8_t level);
#define test_cmd_dmop_set_isa_irq_level(...) \
	test_cmd(_test_cmd_dmop_set_isa_irq_level(__VA_ARGS__))
#define test_err_dmop_set_isa_irq_level(e, ...) \
	test_err(e, _test_cmd_dmop_set_isa_irq_level(__VA_ARGS__))

/* A DMOP with only its op number set, in a buffer of @size bytes (zero-padded). */
int _test_cmd_dmop_raw(int fd, unsigned int dom, uint32_t op, size_t size);
#define test_cmd_dmop_raw(...) test_cmd(_test_cmd_dmop_raw(__VA_ARGS__))
#define test_err_dmop_raw(e, ...) test_err(e, _test_cmd_dmop_raw(__VA_ARGS__))

/*
 * IOCTL_PRIVCMD_IRQFD with @arg as given: 0 or -errno. The _isa form
 * assigns eventfd @efd to XEN_DMOP_set_isa_irq_level(@irq, @level) on
 * @dom; the _deassign form deassigns @efd.
 */
int _test_cmd_privcmd_irqfd(int fd, const struct privcmd_irqfd *arg);
#define test_cmd_privcmd_irqfd(...) test_cmd(_test_cmd_privcmd_irqfd(__VA_ARGS__))
#define test_err_privcmd_irqfd(e, ...) test_err(e, _test_cmd_privcmd_irqfd(__VA_ARGS__))

int _test_cmd_irqfd_isa(int fd, unsigned int dom, int efd, uint8_t irq, uint8_t level);
#define test_cmd_irqfd_isa(...) test_cmd(_test_cmd_irqfd_isa(__VA_ARGS__))
#define test_err_irqfd_isa(e, ...) test_err(e, _test_cmd_irqfd_isa(__VA_ARGS__))

int _test_cmd_irqfd_deassign(int fd, unsigned int dom, int efd);
#define test_cmd_irqfd_deassign(...) test_cmd(_test_cmd_irqfd_deassign(__VA_ARGS__))
#define test_err_irqfd_deassign(e, ...) test_err(e, _test_cmd_irqfd_deassign(__VA_ARGS__))

/* IOCTL_PRIVCMD_IOEVENTFD with @arg as given: 0 or -errno. */
int _test_cmd_privcmd_ioeventfd(int fd, const struct privcmd_ioeventfd *arg);
#define test_cmd_privcmd_ioeventfd(...) test_cmd(_test_cmd_privcmd_ioeventfd(__VA_ARGS__))
#define test_err_privcmd_ioeventfd(e, ...) test_err(e, _test_cmd_privcmd_ioeventfd(__VA_ARGS__))

/* mmap @pages of /dev/xen/privcmd shared read-write: address or NULL (errno set). */
void *privcmd_map_area(int fd, unsigned long pages);

/* IOCTL_PRIVCMD_MMAPBATCH_V2 of @num gfns at @addr: 0 or -errno; per-frame errors in @err. */
int _test_cmd_privcmd_mmapbatch_v2(int fd, unsigned int dom, void *addr, unsigned int num,
				   const uint64_t *gfns, int *err);
#define test_cmd_privcmd_mmapbatch_v2(...) \
	test_cmd(_test_cmd_privcmd_mmapbatch_v2(__VA_ARGS__))
#define test_err_privcmd_mmapbatch_v2(e, ...) \
	test_err(e, _test_cmd_privcmd_mmapbatch_v2(__VA_ARGS__))

/* IOCTL_PRIVCMD_MMAPBATCH (version 1): 0 or -errno; failed frames flagged in @gfns. */
int _test_cmd_privcmd_mmapbatch(int fd, unsigned int dom, void *addr, int num, uint64_t *gfns);
#define test_cmd_privcmd_mmapbatch(...) test_cmd(_test_cmd_privcmd_mmapbatch(__VA_ARGS__))
#define test_err_privcmd_mmapbatch(e, ...) \
	test_err(e, _test_cmd_privcmd_mmapbatch(__VA_ARGS__))

/* IOCTL_PRIVCMD_MMAP of @num runs: 0 or -errno. */
int _test_cmd_privcmd_mmap(int fd, unsigned int dom, const struct privcmd_mmap_entry *e, int num);
#define test_cmd_privcmd_mmap(...) test_cmd(_test_cmd_privcmd_mmap(__VA_ARGS__))
#define test_err_privcmd_mmap(e, ...) test_err(e, _test_cmd_privcmd_mmap(__VA_ARGS__))

/* IOCTL_PRIVCMD_MMAP_RESOURCE: 0 or -errno (a size query fills in @r->num). */
int _test_cmd_privcmd_mmap_resource(int fd, struct privcmd_mmap_resource *r);
#define test_cmd_privcmd_mmap_resource(...) \
	test_cmd(_test_cmd_privcmd_mmap_resource(__VA_ARGS__))
#define test_err_privcmd_mmap_resource(e, ...) \
	test_err(e, _test_cmd_privcmd_mmap_resource(__VA_ARGS__))

/*
 * What a backend does before IOEVENTFD, for @dom's ioreq server @id (made,
 * not enabled): map its ioreq page (resource frame 1) at a new privcmd
 * mapping of @fd, returned in *@page (NULL on failure before it exists),
 * enable the server (Xen then writes each vCPU's channel in the page) and
 * bind vCPU 0's channel on evtchn file @evfd: our end in *@port.
 * Return: 0, or the failing step's -errno (noted, as every _test_cmd_).
 */
int _test_cmd_ioreq_server_attach(int fd, int evfd, unsigned int dom, uint16_t id,
				  uint8_t **page, uint32_t *port);
#define test_cmd_ioreq_server_attach(...) \
	test_cmd(_test_cmd_ioreq_server_attach(__VA_ARGS__))

/* IOCTL_PRIVCMD_DM_OP_ALLOWLIST with a v1 struct allowing @allowed: 0 or -errno. */
int _test_cmd_privcmd_dm_op_allowlist(int fd, uint64_t allowed);
#define test_cmd_privcmd_dm_op_allowlist(...) \
	test_cmd(_test_cmd_privcmd_dm_op_allowlist(__VA_ARGS__))
#define test_err_privcmd_dm_op_allowlist(e, ...) \
	test_err(e, _test_cmd_privcmd_dm_op_allowlist(__VA_ARGS__))

/* IOCTL_PRIVCMD_AUDIT_QUERY into @q (zeroed, size set to v1): 0 or -errno. */
int _test_cmd_privcmd_audit_query(int fd, struct privcmd_audit_query *q);
#define test_cmd_privcmd_audit_query(...) \
	test_cmd(_test_cmd_privcmd_audit_query(__VA_ARGS__))
#define test_err_privcmd_audit_query(e, ...) \
	test_err(e, _test_cmd_privcmd_audit_query(__VA_ARGS__))

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
