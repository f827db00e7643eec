/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libdmop 1.1 - a device model's view of /dev/xen/privcmd and /dev/xen/evtchn.
 *
 * One error convention everywhere: every function that can fail returns 0 on
 * success or a negative errno value (-EPERM, -ESRCH, ...) on failure; errno is
 * not part of the contract. Results come back through pointer arguments,
 * which are only written on success unless a function says otherwise.
 * Functions that cannot fail return a value or nothing and say so.
 *
 * How the ABI grows (libdmop(7), "ABI RULES"): every struct the caller
 * allocates and hands to the library (struct dmop_audit, struct
 * dmop_setup_opts, struct dmop_setup_report, struct dmop_ioeventfd) starts
 * with a uint32_t sz that the caller sets to sizeof() of the struct it was
 * built with, the rest zeroed:
 *
 *	struct dmop_audit a = { .sz = sizeof(a) };
 *
 * The library reads and writes only the first sz bytes. sz smaller than the
 * struct of the release that brought it (libdmop 1.0; 1.1 for struct
 * dmop_ioeventfd) fails -EINVAL; sz larger than the library knows
 * (a program built against a newer header) is accepted when the bytes the
 * library does not know are all zero, and fails -E2BIG otherwise. New fields
 * are only ever appended, with a new symbol version node. struct dmop_buf and
 * struct dmop_extent, array elements that mirror fixed kernel and Xen
 * layouts, never change.
 *
 * The header needs no Xen header: the constants below have the values of
 * Xen 4.17's public hvm/dm_op.h (the library checks that at build time).
 * See libdmop(7) for the overview and one man page per function.
 */
#ifndef LIBDMOP_H
#define LIBDMOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Not a domain: "no target", "unrestricted". Xen's DOMID_INVALID. */
#define DMOP_DOMID_INVALID	0x7ff4U

/* ---------------------------------------------------------------- handle */

struct dmop_handle;

/* dmop_open() flags. */
#define DMOP_OPEN_EVTCHN	(1U << 0)	/* also open /dev/xen/evtchn */

/*
 * dmop_open() - open /dev/xen/privcmd (and /dev/xen/evtchn with
 * DMOP_OPEN_EVTCHN) close-on-exec and return a handle owning them.
 * Return: 0 and *@out, or -EINVAL (unknown flag), -ENOMEM, or the open(2)
 * errno (-ENOENT: the driver is not loaded; -EACCES).
 */
int dmop_open(struct dmop_handle **out, unsigned int flags);

/*
 * dmop_open_fds() - wrap files the caller already opened. The handle takes
 * ownership: dmop_close() closes them. @evtchn_fd may be -1.
 * Return: 0 and *@out, or -EBADF (@privcmd_fd is not an open file), -ENOMEM.
 */
int dmop_open_fds(struct dmop_handle **out, int privcmd_fd, int evtchn_fd);

/* dmop_close() - close the handle's files and free it. NULL is a no-op. */
void dmop_close(struct dmop_handle *h);

/* The handle's descriptors (-1 when it has no evtchn file). Cannot fail. */
int dmop_privcmd_fd(const struct dmop_handle *h);
int dmop_evtchn_fd(const struct dmop_handle *h);

/*
 * dmop_restrict() - restrict the handle's files, for good, to @domid:
 * privcmd with IOCTL_PRIVCMD_RESTRICT, evtchn (if open) with
 * IOCTL_EVTCHN_RESTRICT_DOMID.
 * Return: 0, -EINVAL (@domid is DMOP_DOMID_INVALID, or the file is already
 * restricted to another domain), -ENOTTY (the driver has no restrict ioctl:
 * load xen-dmop's xen-privcmd/xen-evtchn or Linux >= 4.18's), -EPERM.
 */
int dmop_restrict(struct dmop_handle *h, uint16_t domid);

/*
 * dmop_restricted_domid() - the domain this handle restricted itself to with
 * dmop_restrict() or dmop_after_setup(), or DMOP_DOMID_INVALID. Cannot fail.
 */
uint16_t dmop_restricted_domid(const struct dmop_handle *h);

/* ------------------------------------------------------------- raw DMOP */

/**
 * struct dmop_buf - one buffer of a DMOP, as in struct privcmd_dm_op_buf.
 * @ptr: the buffer; the first one starts with struct xen_dm_op.
 * @size: its size in bytes.
 */
struct dmop_buf {
	void *ptr;
	size_t size;
};

/*
 * dmop_op_raw() - IOCTL_PRIVCMD_DM_OP with @nr buffers aimed at @domid,
 * for sub-ops this library has no typed call for (and for tests).
 * Return: 0 or the negative errno of the ioctl (Xen's answer passes through:
 * -ESRCH no such domain, -EPERM not allowed, -EOPNOTSUPP unknown op, ...).
 */
int dmop_op_raw(struct dmop_handle *h, uint16_t domid,
		const struct dmop_buf *bufs, unsigned int nr);

/* ----------------------------------------------------- typed DMOP calls */
/*
 * One call per sub-op of Xen 4.17's hvm/dm_op.h, named after it. Each
 * returns 0 or a negative errno: -EPERM (the file is restricted to another
 * domain, or Xen refuses the caller), -ESRCH (no such domain), -EINVAL (PV
 * target or bad argument), -EOPNOTSUPP (not on this architecture), or what
 * Xen answers for that op. See dmop_dm_ops(3).
 */

/* ioreq server ids. */
typedef uint16_t dmop_ioservid_t;

/* handle_bufioreq values of dmop_create_ioreq_server(). */
#define DMOP_BUFIOREQ_OFF	0
#define DMOP_BUFIOREQ_LEGACY	1
#define DMOP_BUFIOREQ_ATOMIC	2

/* Range types of dmop_map_io_range_to_ioreq_server(). */
#define DMOP_IO_RANGE_PORT	0
#define DMOP_IO_RANGE_MEMORY	1
#define DMOP_IO_RANGE_PCI	2
/* A PCI range bound: segment, bus, device, function. */
#define DMOP_PCI_SBDF(s, b, d, f) \
	((((uint64_t)(s) & 0xffff) << 16) | (((b) & 0xff) << 8) | \
	 (((d) & 0x1f) << 3) | ((f) & 0x07))

/* dmop_get_ioreq_server_info() flag: do not map the ioreq pages. */
#define DMOP_NO_GFNS		(1U << 0)

/* Event types of dmop_inject_event(). */
#define DMOP_EVENT_EXT_INT	0
#define DMOP_EVENT_NMI		2
#define DMOP_EVENT_HW_EXC	3
#define DMOP_EVENT_SW_INT	4
#define DMOP_EVENT_PRI_SW_EXC	5
#define DMOP_EVENT_SW_EXC	6

/* Access flags of dmop_map_mem_type_to_ioreq_server(). */
#define DMOP_IOREQ_MEM_ACCESS_READ	(1U << 0)
#define DMOP_IOREQ_MEM_ACCESS_WRITE	(1U << 1)

/* Cache attributes of dmop_pin_memory_cacheattr(). */
#define DMOP_MEM_CACHEATTR_UC	0
#define DMOP_MEM_CACHEATTR_WC	1
#define DMOP_MEM_CACHEATTR_WT	4
#define DMOP_MEM_CACHEATTR_WP	5
#define DMOP_MEM_CACHEATTR_WB	6
#define DMOP_MEM_CACHEATTR_UCM	7
#define DMOP_DELETE_MEM_CACHEATTR	0xffffffffU

/* Memory types of dmop_set_mem_type() (Xen's hvmmem_type_t). */
#define DMOP_MEM_RAM_RW		0
#define DMOP_MEM_RAM_RO		1
#define DMOP_MEM_MMIO_DM	2
#define DMOP_MEM_IOREQ_SERVER	4

/**
 * struct dmop_extent - one extent of dmop_modified_memory().
 * @first_pfn: first guest frame modified.
 * @nr: number of frames.
 */
struct dmop_extent {
	uint64_t first_pfn;
	uint32_t nr;
};

/* New ioreq server (disabled) in *id: 0 or -errno. */
int dmop_create_ioreq_server(struct dmop_handle *h, uint16_t domid,
			     int handle_bufioreq, dmop_ioservid_t *id);
/* Its pages and bufioreq port; out pointers may be NULL: 0 or -errno. */
int dmop_get_ioreq_server_info(struct dmop_handle *h, uint16_t domid,
			       dmop_ioservid_t id, unsigned int flags,
			       uint64_t *ioreq_gfn, uint64_t *bufioreq_gfn,
			       uint32_t *bufioreq_port);
/* Send start..end (inclusive) to server id: 0 or -errno. */
int dmop_map_io_range_to_ioreq_server(struct dmop_handle *h, uint16_t domid,
				      dmop_ioservid_t id, uint32_t type,
				      uint64_t start, uint64_t end);
/* Stop sending a mapped range: 0 or -errno. */
int dmop_unmap_io_range_from_ioreq_server(struct dmop_handle *h, uint16_t domid,
					  dmop_ioservid_t id, uint32_t type,
					  uint64_t start, uint64_t end);
/* Enable or disable server id: 0 or -errno. */
int dmop_set_ioreq_server_state(struct dmop_handle *h, uint16_t domid,
				dmop_ioservid_t id, int enabled);
/* Destroy server id and its ranges: 0 or -errno. */
int dmop_destroy_ioreq_server(struct dmop_handle *h, uint16_t domid,
			      dmop_ioservid_t id);
/* Dirty bits of nr frames into bitmap ((nr + 7) / 8 bytes): 0 or -errno. */
int dmop_track_dirty_vram(struct dmop_handle *h, uint16_t domid,
			  uint64_t first_pfn, uint32_t nr,
			  unsigned long *bitmap);
/* Assert (1) or deassert (0) a PCI INTx line: 0 or -errno. */
int dmop_set_pci_intx_level(struct dmop_handle *h, uint16_t domid,
			    uint16_t segment, uint8_t bus, uint8_t device,
			    uint8_t intx, unsigned int level);
/* Assert (1) or deassert (0) ISA IRQ 0-15: 0 or -errno. */
int dmop_set_isa_irq_level(struct dmop_handle *h, uint16_t domid,
			   uint8_t irq, unsigned int level);
/* Route PCI link 0-3 to ISA IRQ 1-15 (0: off): 0 or -errno. */
int dmop_set_pci_link_route(struct dmop_handle *h, uint16_t domid,
			    uint8_t link, uint8_t irq);
/* Mark guest frames written by the device model: 0 or -errno. */
int dmop_modified_memory(struct dmop_handle *h, uint16_t domid,
			 const struct dmop_extent *extents, uint32_t nr);
/* Set the p2m type (DMOP_MEM_*) of nr frames: 0 or -errno. */
int dmop_set_mem_type(struct dmop_handle *h, uint16_t domid,
		      uint16_t mem_type, uint64_t first_pfn, uint32_t nr);
/* Inject an event (DMOP_EVENT_*) into a vCPU: 0 or -errno. */
int dmop_inject_event(struct dmop_handle *h, uint16_t domid, uint32_t vcpu,
		      uint8_t vector, uint8_t type, uint32_t error_code,
		      uint8_t insn_len, uint64_t extra);
/* Deliver an MSI: 0 or -errno. */
int dmop_inject_msi(struct dmop_handle *h, uint16_t domid, uint64_t addr,
		    uint32_t data);
/* Claim a p2m type for server id: 0 or -errno. */
int dmop_map_mem_type_to_ioreq_server(struct dmop_handle *h, uint16_t domid,
				      dmop_ioservid_t id, uint16_t type,
				      uint32_t flags);
/* Shut the guest down (SHUTDOWN_* reason): 0 or -errno. */
int dmop_remote_shutdown(struct dmop_handle *h, uint16_t domid,
			 uint32_t reason);
/* Move size frames from src_gfn to dst_gfn: 0 or -errno. */
int dmop_relocate_memory(struct dmop_handle *h, uint16_t domid, uint32_t size,
			 uint64_t src_gfn, uint64_t dst_gfn);
/* Pin frames start..end to a DMOP_MEM_CACHEATTR_*: 0 or -errno. */
int dmop_pin_memory_cacheattr(struct dmop_handle *h, uint16_t domid,
			      uint64_t start, uint64_t end, uint32_t type);
/* Set an interrupt line (Arm; x86 Xen: -EOPNOTSUPP): 0 or -errno. */
int dmop_set_irq_level(struct dmop_handle *h, uint16_t domid, uint32_t irq,
		       unsigned int level);
/* The guest's vCPU count in *vcpus: 0 or -errno. */
int dmop_nr_vcpus(struct dmop_handle *h, uint16_t domid, unsigned int *vcpus);

/* ------------------------------------------------- serving ioreqs */
/*
 * What a backend needs besides DMOPs (libdmop 1.1): an ioreq server's pages
 * mapped, the guest's event channels bound and notified, and the kernel's
 * fast path (irqfd, ioeventfd). Each wraps one privcmd or evtchn ioctl and
 * returns 0 or a negative errno; see dmop_map_ioreq_pages(3),
 * dmop_evtchn_bind_interdomain(3), dmop_irqfd_assign(3) and
 * dmop_ioeventfd_assign(3).
 */

/* Xen's frame size: the unit of dmop_map_ioreq_pages(). */
#define DMOP_XEN_PAGE_SIZE	4096U

/*
 * Frames of an ioreq server (Xen's XENMEM_resource_ioreq_server): the
 * buffered ioreq page (only with DMOP_BUFIOREQ_LEGACY or _ATOMIC), then the
 * synchronous ioreq pages, n = 0, 1, ..., 128 vCPUs' ioreqs each.
 */
#define DMOP_IOREQ_FRAME_BUFIOREQ	0U
#define DMOP_IOREQ_FRAME_IOREQ(n)	(1U + (n))

/*
 * dmop_map_ioreq_pages() - map @nr frames of ioreq server @id of @domid,
 * from frame @first (DMOP_IOREQ_FRAME_*), shared and writable: mmap(2) of
 * the handle's privcmd file, then IOCTL_PRIVCMD_MMAP_RESOURCE. The mapping
 * (@nr * DMOP_XEN_PAGE_SIZE bytes) is the caller's: dmop_unmap_ioreq_pages()
 * or munmap(2) ends it; closing the handle does not.
 * Return: 0 and *@addr, or -EINVAL (@addr NULL, @nr 0 or too large; Xen:
 * no such frame), -EPERM (the file is restricted to another domain),
 * -ENOENT (no such server), -ESRCH, -ENOMEM, or Xen's answer. Nothing
 * stays mapped on failure.
 */
int dmop_map_ioreq_pages(struct dmop_handle *h, uint16_t domid,
			 dmop_ioservid_t id, unsigned int first,
			 unsigned int nr, void **addr);

/*
 * dmop_unmap_ioreq_pages() - end a mapping of dmop_map_ioreq_pages():
 * munmap(2) of @nr frames at @addr.
 * Return: 0, -EINVAL (@addr NULL, @nr 0 or too large, or munmap's EINVAL).
 */
int dmop_unmap_ioreq_pages(void *addr, unsigned int nr);

/*
 * dmop_evtchn_bind_interdomain() - bind a new local port of the handle's
 * evtchn file to @remote_port of @domid (IOCTL_EVTCHN_BIND_INTERDOMAIN),
 * e.g. a vCPU's vp_eport in an ioreq page. The port lives as long as the
 * evtchn file. Its events are read(2) from dmop_evtchn_fd(), and unmasked
 * by write(2) of the port to it.
 * Return: 0 and *@local_port, or -EBADF (the handle has no evtchn file:
 * dmop_open() without DMOP_OPEN_EVTCHN), -EINVAL (@local_port NULL; Xen:
 * no such port, or not unbound for us), -EACCES (the file is restricted to
 * another domain), -ESRCH, -ENOMEM, or Xen's answer.
 */
int dmop_evtchn_bind_interdomain(struct dmop_handle *h, uint16_t domid,
				 uint32_t remote_port, uint32_t *local_port);

/*
 * dmop_evtchn_notify() - send an event to the other end of local @port of
 * the handle's evtchn file (IOCTL_EVTCHN_NOTIFY).
 * Return: 0, -EBADF (no evtchn file), -ENOTCONN (@port is not bound on it).
 */
int dmop_evtchn_notify(struct dmop_handle *h, uint32_t port);

/* The largest DMOP an irqfd takes (the driver's bound, one page). */
#define DMOP_IRQFD_MAX_SIZE	4096U

/*
 * dmop_irqfd_assign() - from now on, each signal of @eventfd makes the
 * kernel issue the DMOP at @dm_op (@size bytes, starting with Xen's struct
 * xen_dm_op, e.g. XEN_DMOP_set_isa_irq_level) to @domid
 * (IOCTL_PRIVCMD_IRQFD). The DMOP is copied at assign time.
 * Return: 0, -EBADF (@eventfd < 0 or not open), -EINVAL (@dm_op NULL,
 * @size 0; @eventfd is not an eventfd), -E2BIG (@size larger than
 * DMOP_IRQFD_MAX_SIZE), -EBUSY (@eventfd is already assigned on this
 * file), -EPERM (restricted to another domain, or the sub-op is outside
 * the allowlist), -ENOTTY or -EOPNOTSUPP (the driver has no irqfd).
 */
int dmop_irqfd_assign(struct dmop_handle *h, uint16_t domid, int eventfd,
		      const void *dm_op, size_t size);

/*
 * dmop_irqfd_deassign() - @eventfd stops injecting; when this returns no
 * injection of it is in progress. Closing the privcmd file (dmop_close())
 * deassigns too.
 * Return: 0, -EBADF, -EINVAL (not an eventfd), -ENOENT (not assigned on
 * this file; the in-tree driver answers 0), -EPERM, -ENOTTY, -EOPNOTSUPP.
 */
int dmop_irqfd_deassign(struct dmop_handle *h, uint16_t domid, int eventfd);

/**
 * struct dmop_ioeventfd - a virtio-mmio notify register that the kernel
 * completes itself (dmop_ioeventfd_assign()).
 * @sz: sizeof(struct dmop_ioeventfd) as the caller was built with.
 * @flags: 0 (none defined yet).
 * @event_fd: the eventfd signalled for each notify write.
 * @vcpus: the guest's vCPUs: entries in @ports, and ioreqs in @ioreq.
 * @addr_len: the size of the guest's notify write: 1, 2, 4 or 8.
 * @vq: the queue index the guest writes to notify.
 * @ioreq: the server's synchronous ioreq page as dmop_map_ioreq_pages()
 *	mapped it (frame DMOP_IOREQ_FRAME_IOREQ(0)).
 * @ports: @vcpus local ports, in vCPU order, bound with
 *	dmop_evtchn_bind_interdomain() to each vCPU's vp_eport.
 * @addr: the device's base: the notify register is @addr + 0x50.
 *
 * New in libdmop 1.1; grows by the sz rules at the top of this header.
 */
struct dmop_ioeventfd {
	uint32_t sz;
	uint32_t flags;
	int event_fd;
	uint32_t vcpus;
	uint32_t addr_len;
	uint32_t vq;
	void *ioreq;
	const uint32_t *ports;
	uint64_t addr;
};

/*
 * dmop_ioeventfd_assign() - the kernel completes the guest's writes of @io->vq
 * (@io->addr_len bytes) to @io->addr + 0x50 that reach the server of
 * @io->ioreq, and signals @io->event_fd for each (IOCTL_PRIVCMD_IOEVENTFD).
 * Other requests stay the caller's, who must claim a ready request with a
 * compare-and-exchange of its state, as the kernel does.
 * Return: 0, -EINVAL (@io NULL, @io->sz too small, a flag, @io->ioreq or
 * @io->ports NULL, @io->vcpus 0 or above 4096, @io->addr_len not 1, 2, 4
 * or 8, @io->addr + @io->addr_len overflows; the driver: not an eventfd,
 * not such a page or port), -E2BIG (@io->sz larger than the library's
 * struct, non-zero bytes past it), -EBADF (@io->event_fd < 0 or not open),
 * -EBUSY (already assigned to this server), -EPERM (restricted to another
 * domain), -ENOTTY or -EOPNOTSUPP (the driver has no ioeventfd).
 */
int dmop_ioeventfd_assign(struct dmop_handle *h, uint16_t domid,
			  const struct dmop_ioeventfd *io);

/*
 * dmop_ioeventfd_deassign() - undo dmop_ioeventfd_assign() of the same @io.
 * Closing the privcmd file deassigns too.
 * Return: as dmop_ioeventfd_assign(), and -ENODEV (no such assignment on
 * this file) instead of -EBUSY.
 */
int dmop_ioeventfd_deassign(struct dmop_handle *h, uint16_t domid,
			    const struct dmop_ioeventfd *io);

/* ------------------------------------------------------- sub-op names */

/* Highest sub-op number this library knows (XEN_DMOP_nr_vcpus in 4.17). */
#define DMOP_OP_MAX	20

/*
 * dmop_op_name() - "create_ioreq_server" for 1, ..., or NULL for a number
 * that is no DMOP sub-op of Xen 4.17. Cannot fail otherwise.
 */
const char *dmop_op_name(uint32_t op);

/*
 * dmop_op_parse_list() - parse "name,name,..." (names of dmop_op_name(), or
 * decimal numbers) into @ops, at most @max of them, duplicates dropped.
 * Return: 0 and *@nr, -EINVAL (an unknown name; empty list items), -E2BIG
 * (more than @max distinct ops).
 */
int dmop_op_parse_list(const char *list, uint32_t *ops, unsigned int max,
		       unsigned int *nr);

/*
 * dmop_op_format_list() - write the names of @ops comma-separated into @buf
 * (numbers for unknown ops), NUL-terminated.
 * Return: 0, or -ENOSPC when @size is too small (@buf then holds a
 * truncated, still NUL-terminated list).
 */
int dmop_op_format_list(const uint32_t *ops, unsigned int nr, char *buf,
			size_t size);

/* ------------------------------------------------ allowlist and audit */

/*
 * Sub-ops 0-63 have a bit in an allowlist and counters of their own (the
 * kernel's PRIVCMD_AUDIT_NR_OPS); larger ones are counted as "other" and,
 * once any allowlist is set, refused.
 */
#define DMOP_AUDIT_NR_OPS	64

/*
 * dmop_set_allowlist() - narrow the DMOP sub-ops the handle's privcmd file
 * may issue to the @nr sub-ops at @ops (IOCTL_PRIVCMD_DM_OP_ALLOWLIST).
 * Narrow-only: sub-ops can be taken away, never given back. The list belongs
 * to the open file, so dup()s, fork()ed children and passed copies share it.
 * Afterwards any other sub-op fails -EPERM before reaching Xen.
 * Return: 0, -EINVAL (a sub-op >= DMOP_AUDIT_NR_OPS), -EPERM (@ops holds a
 * sub-op the file is no longer allowed; nothing changed), -ENOTTY (the
 * driver has no allowlist: the distribution's in-tree xen-privcmd).
 */
int dmop_set_allowlist(struct dmop_handle *h, const uint32_t *ops,
		       unsigned int nr);

/*
 * dmop_set_allowlist_str() - dmop_set_allowlist() with the sub-ops as
 * "name,name,..." (names of dmop_op_name() or decimal numbers, as
 * dmop_op_parse_list() reads them; "" allows nothing).
 * Return: as dmop_set_allowlist(); -EINVAL also for an unknown name.
 */
int dmop_set_allowlist_str(struct dmop_handle *h, const char *list);


/* Indexes of dmop_audit.denied: why the driver refused a call. */
#define DMOP_DENIED_HYPERCALL	0	/* raw hypercall on a restricted file */
#define DMOP_DENIED_DOMID	1	/* aimed at another domain */
#define DMOP_DENIED_ALLOWLIST	2	/* sub-op outside the allowlist */
#define DMOP_DENIED_NR		3

/* dmop_audit.restricted_domid when the file is unrestricted. */
#define DMOP_RESTRICT_NONE	(-2)
/* dmop_audit.restricted_domid when the driver did not say (fdinfo only). */
#define DMOP_RESTRICT_UNKNOWN	(-1)

/* dmop_audit.have: which groups of fields below hold what the driver said. */
#define DMOP_HAVE_COUNTERS	(1U << 0)	/* dm_ops, dm_ops_denied, calls, failures */
#define DMOP_HAVE_ALLOWLIST	(1U << 1)	/* allowlist_set, allowed */
#define DMOP_HAVE_DENIED	(1U << 2)	/* denied[]; evtchn: evtchn_denied */
#define DMOP_HAVE_MAPPED	(1U << 3)	/* mapped_pages */
#define DMOP_HAVE_PORTS		(1U << 4)	/* evtchn_ports */
#define DMOP_HAVE_EVENTFDS	(1U << 5)	/* irqfds ... ioeventfd_denied (1.1) */

/**
 * struct dmop_audit - a Xen file's restriction, allowlist and counters, as
 * dmop_query() reads them for one's own privcmd file or dmop_fdinfo_parse()
 * reads them for any file from its /proc/PID/fdinfo text.
 * @sz: sizeof(struct dmop_audit) as the caller was built with (set by the
 *	caller; the library never changes it).
 * @have: DMOP_HAVE_* bits: the groups of fields the driver published. A
 *	field outside them is 0 and means nothing (dmop_query() sets every
 *	privcmd group; DMOP_HAVE_EVENTFDS only from a driver whose audit
 *	query has them).
 * @restricted_domid: the domain the file is restricted to,
 *	DMOP_RESTRICT_NONE, or DMOP_RESTRICT_UNKNOWN (the driver did not say).
 * @allowlist_set: 1 when an allowlist narrowed the file, 0 when not.
 * @allowed: bit N: sub-op N may be issued (all ones without an allowlist).
 * @dm_ops: DMOPs issued to Xen through the file.
 * @dm_ops_denied: DMOPs the driver refused (restriction or allowlist).
 * @mapped_pages: foreign frames mapped through the file right now.
 * @denied: calls refused before any hypercall, by DMOP_DENIED_* reason.
 * @calls: DMOPs issued to Xen, by sub-op (fdinfo: sub-ops never issued
 *	are not published and stay 0).
 * @failures: of those, the ones Xen failed, by sub-op.
 * @calls_other: DMOPs with a sub-op >= DMOP_AUDIT_NR_OPS (or a buffer
 *	too short to hold one).
 * @failures_other: of those, the ones that failed.
 * @evtchn_ports: an evtchn file's bound ports.
 * @evtchn_denied: binds an evtchn file's restriction refused.
 * @irqfds: (libdmop 1.1) the privcmd file's live irqfds.
 * @irqfd_injections: (1.1) DMOPs its irqfds issued when their eventfd was
 *	signalled (also in @dm_ops and @calls).
 * @irqfd_denied: (1.1) irqfd injections the driver refused (restriction
 *	or allowlist; also in @dm_ops_denied and @denied).
 * @ioeventfds: (1.1) the privcmd file's live ioeventfds.
 * @ioeventfd_notifies: (1.1) guest notify writes its ioeventfds completed
 *	in the kernel.
 * @ioeventfd_denied: (1.1) notify writes its ioeventfds left to user space
 *	because the file was restricted to another domain after the assign.
 *
 * The six (1.1) fields are the group DMOP_HAVE_EVENTFDS: set only when the
 * caller's @sz covers them (a program built against libdmop 1.0 never sees
 * the bit) and the driver published them (dmop_query(): an audit query of
 * version 2; dmop_fdinfo_parse(): the "privcmd.irqfd*" and
 * "privcmd.ioeventfd*" keys).
 *
 * The library's own struct, not the kernel's: the kernel's may grow without
 * this one changing, and this one grows by the sz rules at the top of this
 * header.
 */
struct dmop_audit {
	uint32_t sz;
	uint32_t have;
	int32_t restricted_domid;
	uint32_t allowlist_set;
	uint64_t allowed;
	uint64_t dm_ops;
	uint64_t dm_ops_denied;
	uint64_t mapped_pages;
	uint64_t denied[DMOP_DENIED_NR];
	uint64_t calls[DMOP_AUDIT_NR_OPS];
	uint64_t failures[DMOP_AUDIT_NR_OPS];
	uint64_t calls_other;
	uint64_t failures_other;
	uint64_t evtchn_ports;
	uint64_t evtchn_denied;
	/* libdmop 1.1 */
	uint64_t irqfds;
	uint64_t irqfd_injections;
	uint64_t irqfd_denied;
	uint64_t ioeventfds;
	uint64_t ioeventfd_notifies;
	uint64_t ioeventfd_denied;
};

/*
 * dmop_query() - read the handle's privcmd file's restriction, allowlist
 * and counters (IOCTL_PRIVCMD_AUDIT_QUERY) into @a, whose @a->sz the caller
 * set. The irqfd and ioeventfd fields (DMOP_HAVE_EVENTFDS) come from a
 * driver whose query has them (version 2); an older driver's answer leaves
 * them 0 and the bit clear.
 * Return: 0, -EINVAL (@h or @a NULL, @a->sz smaller than libdmop 1.0's
 * struct), -E2BIG (@a->sz larger than the library's struct and the bytes
 * past it not zero), -ENOTTY (the driver has no audit query: the
 * distribution's in-tree xen-privcmd), -EFAULT.
 */
int dmop_query(struct dmop_handle *h, struct dmop_audit *a);

/*
 * dmop_fdinfo_parse() - read xen-dmop's drivers' keys out of the text of
 * one /proc/PID/fdinfo/FD file into @a (whose @a->sz the caller set): what
 * dmop_query() gives for one's own file, for any process's privcmd or
 * evtchn file. Keys the text lacks leave their DMOP_HAVE_* bit clear (the
 * distribution's drivers publish none). The key format is in libdmop(7).
 * Return: 0, -EINVAL (a key we know with a malformed value; @text or @a
 * NULL; @a->sz too small), -E2BIG (as for dmop_query()).
 */
int dmop_fdinfo_parse(const char *text, struct dmop_audit *a);

/*
 * dmop_audit_ops() - the sub-ops with a bit set in @mask, in ascending order,
 * into @ops (room for DMOP_AUDIT_NR_OPS); their count. Cannot fail.
 */
unsigned int dmop_audit_ops(uint64_t mask, uint32_t *ops);

/* ------------------------------------------------------- after setup */

/* Steps of dmop_after_setup(), in the order they run. */
enum dmop_step {
	DMOP_STEP_NONE = 0,
	DMOP_STEP_CHECK,	/* validate options and file descriptors */
	DMOP_STEP_RESTRICT,	/* restrict privcmd and evtchn files */
	DMOP_STEP_ALLOWLIST,	/* narrow the DMOP allowlist (if one is given) */
	DMOP_STEP_RLIMITS,	/* lower RLIMIT_FSIZE, CORE, MSGQUEUE, ... */
	DMOP_STEP_CHROOT,	/* chroot into an empty directory */
	DMOP_STEP_GROUPS,	/* drop supplementary groups */
	DMOP_STEP_GID,		/* setresgid */
	DMOP_STEP_UID,		/* setresuid */
	DMOP_STEP_NO_NEW_PRIVS,	/* PR_SET_NO_NEW_PRIVS */
	DMOP_STEP_VERIFY,	/* prove the drop took effect */
	DMOP_STEP_COUNT
};

/* dmop_setup_opts.flags: leave out a step (for callers that do it). */
#define DMOP_SETUP_NO_IDS	(1U << 0)	/* keep uid, gid and groups */
#define DMOP_SETUP_NO_CHROOT	(1U << 1)
#define DMOP_SETUP_NO_RLIMITS	(1U << 2)

/**
 * struct dmop_setup_opts - what dmop_after_setup() does.
 * @sz: sizeof(struct dmop_setup_opts) as the caller was built with.
 * @flags: DMOP_SETUP_*.
 * @domid: the one guest this device model serves.
 * @uid: the user to become; not 0 (unless DMOP_SETUP_NO_IDS).
 * @gid: the group to become; not 0 (unless DMOP_SETUP_NO_IDS).
 * @nr_allowlist: entries in @allowlist; 0 with a non-NULL @allowlist means
 *	an empty allowlist (no DMOP at all).
 * @allowlist: DMOP sub-ops (0-63) every privcmd file may still issue after
 *	the drop; NULL with @nr_allowlist 0: no allowlist (all sub-ops).
 * @chroot_dir: an existing, empty directory (unless DMOP_SETUP_NO_CHROOT).
 * @extra_fds: more open /dev/xen/privcmd or /dev/xen/evtchn files to
 *	restrict (e.g. those of libxendevicemodel or libxenevtchn handles).
 * @nr_extra_fds: entries in @extra_fds.
 */
struct dmop_setup_opts {
	uint32_t sz;
	uint32_t flags;
	uint16_t domid;
	uid_t uid;
	gid_t gid;
	uint32_t nr_allowlist;
	const uint32_t *allowlist;
	const char *chroot_dir;
	const int *extra_fds;
	uint32_t nr_extra_fds;
};

/**
 * struct dmop_setup_report - what dmop_after_setup() did.
 * @sz: sizeof(struct dmop_setup_report) as the caller was built with.
 * @failed: the step (enum dmop_step) that failed, DMOP_STEP_NONE on success.
 * @done: bit (1 << step) for every step that completed.
 * @partial: 1 when a failure left the process partly deprivileged
 *	(some irreversible step was done): the caller should exit.
 * @message: a sentence naming the failed step, the cause and what was done.
 */
struct dmop_setup_report {
	uint32_t sz;
	uint32_t failed;
	uint32_t done;
	int32_t partial;
	char message[512];
};

/*
 * dmop_after_setup() - deprivilege a device model after its setup: restrict
 * every Xen file it owns or is given to @opts->domid, narrow the privcmd
 * files to the allowlist (if given), lower rlimits, chroot, drop groups, gid
 * and uid, set no_new_privs, then verify (a bare hypercall fails EPERM, a
 * DMOP to dom0 fails, a sub-op outside the allowlist fails EPERM, setuid(0)
 * fails). @rep may be NULL.
 * Return: 0, or the negative errno of the first failed step, with @rep
 * naming it: -ENOTTY (a driver lacks its restrict or allowlist ioctl),
 * -EINVAL (bad options, @opts->sz too small, a sub-op >= 64 in the
 * allowlist; the file is restricted to another domain), -E2BIG (@opts->sz
 * or @rep->sz larger than the library's struct with non-zero bytes past it),
 * -ENOTEMPTY (the chroot directory is not empty), -EBADF (an extra fd is not
 * a Xen file), -EPERM (not privileged enough to drop; the allowlist would
 * widen one already set), -EPROTO (verification found a privilege still
 * held), or the failing system call's errno. A @rep whose @rep->sz is
 * invalid fails -EINVAL or -E2BIG before anything, and is not written.
 * @h may be NULL when @opts->extra_fds holds the privcmd file(s) to restrict
 * (e.g. those of other Xen libraries).
 */
int dmop_after_setup(struct dmop_handle *h, const struct dmop_setup_opts *opts,
		     struct dmop_setup_report *rep);

/* dmop_step_name() - "restrict", "uid", ...; "?" for no step. Cannot fail. */
const char *dmop_step_name(enum dmop_step step);

#ifdef __cplusplus
}
#endif

#endif /* LIBDMOP_H */
