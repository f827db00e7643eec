/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * xen-dmop: the interface of /dev/xen/privcmd.
 *
 * Binary compatible with the in-tree driver's uapi header: the
 * same ioctl numbers and struct layouts, so libxencall, libxendevicemodel,
 * libxenforeignmemory and QEMU work unmodified. The contract of each ioctl,
 * errno by errno, is written down here; where xen-dmop answers differently
 * from the in-tree driver the entry says so under "Differs from upstream".
 * Documentation/userspace-api/xen-privcmd.rst has the longer story, and
 * renders this file's kernel-doc as its ioctl reference.
 */
#ifndef _UAPI_XEN_DMOP_PRIVCMD_H
#define _UAPI_XEN_DMOP_PRIVCMD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#ifndef __KERNEL__
#ifndef __user
#define __user
#endif
#endif

/**
 * DOC: Common to every ioctl
 *
 * - An unknown command fails with ENOTTY (upstream's too), and so does
 *   IOCTL_PRIVCMD_PCIDEV_GET_GSI (10) on a kernel that cannot answer it
 *   (before 6.12, or without CONFIG_XEN_ACPI).
 *   IOCTL_PRIVCMD_IRQFD (8) and IOCTL_PRIVCMD_IOEVENTFD (9) are, on both
 *   kernel series and both dom0 kinds (PV, PVH), whatever the kernel's
 *   CONFIG_XEN_PRIVCMD_EVENTFD.
 * - There is no 32-bit compat ioctl (as upstream): the layouts hold native
 *   pointers, so 32-bit callers on a 64-bit kernel get ENOTTY.
 * - A file can be restricted to one domain (IOCTL_PRIVCMD_RESTRICT); the
 *   restriction is a property of the open file description, so dup(),
 *   fork() and SCM_RIGHTS share it and nothing lifts it.
 * - The DMOP sub-ops a file may issue can be narrowed
 *   (IOCTL_PRIVCMD_DM_OP_ALLOWLIST), and the file's restriction, allowlist
 *   and counters read back (IOCTL_PRIVCMD_AUDIT_QUERY, or the "privcmd."
 *   keys of /proc/<pid>/fdinfo/<fd>). Both ioctls are xen-dmop's own: the
 *   in-tree driver answers ENOTTY. Documentation/userspace-api/xen-audit.rst.
 */

/**
 * struct privcmd_hypercall - IOCTL_PRIVCMD_HYPERCALL argument.
 * @op: hypercall number (__HYPERVISOR_*).
 * @arg: its five arguments, passed through unchanged. Pointers in them are
 *	addresses in the caller's memory, normally buffers of /dev/xen/hypercall.
 */
struct privcmd_hypercall {
	__u64 op;
	__u64 arg[5];
};

/**
 * struct privcmd_mmap_entry - one contiguous run of IOCTL_PRIVCMD_MMAP.
 * @va: where the run starts in the caller's mapping of /dev/xen/privcmd; the
 *	first entry must be the start of the mapping, each next one must follow
 *	the previous run.
 * @mfn: first frame (a GFN, despite the name) of the target domain.
 * @npages: length of the run in pages.
 */
struct privcmd_mmap_entry {
	__u64 va;
	__u64 mfn;
	__u64 npages;
};

/**
 * struct privcmd_mmap - IOCTL_PRIVCMD_MMAP argument.
 * @num: number of entries at @entry.
 * @dom: domain whose frames are mapped.
 * @entry: array of @num runs.
 */
struct privcmd_mmap {
	int num;
	__u16 dom;
	struct privcmd_mmap_entry __user *entry;
};

/**
 * struct privcmd_mmapbatch - IOCTL_PRIVCMD_MMAPBATCH argument.
 * @num: number of frames to map.
 * @dom: domain whose frames are mapped.
 * @addr: start of the caller's mapping of /dev/xen/privcmd.
 * @arr: @num frame numbers (xen_pfn_t). On a per-frame failure the entry is
 *	or'ed with PRIVCMD_MMAPBATCH_MFN_ERROR (or PRIVCMD_MMAPBATCH_PAGED_ERROR
 *	when the frame was paged out).
 */
struct privcmd_mmapbatch {
	int num;
	__u16 dom;
	__u64 addr;
	__u64 __user *arr;
};

#define PRIVCMD_MMAPBATCH_MFN_ERROR	0xf0000000U
#define PRIVCMD_MMAPBATCH_PAGED_ERROR	0x80000000U

/**
 * struct privcmd_mmapbatch_v2 - IOCTL_PRIVCMD_MMAPBATCH_V2 argument.
 * @num: number of frames to map.
 * @dom: domain whose frames are mapped.
 * @addr: where in the caller's mapping of /dev/xen/privcmd to map them.
 * @arr: @num frame numbers (xen_pfn_t) of @dom.
 * @err: @num ints: 0 for each frame mapped, else the negative errno Xen gave
 *	for that frame (for example -EINVAL for a frame the guest does not have,
 *	-ENOENT for a paged-out one).
 */
struct privcmd_mmapbatch_v2 {
	unsigned int num;
	__u16 dom;
	__u64 addr;
	const __u64 __user *arr;
	int __user *err;
};

/**
 * struct privcmd_dm_op_buf - one buffer of a device-model operation.
 * @uptr: the buffer in the caller's memory.
 * @size: its size in bytes.
 */
struct privcmd_dm_op_buf {
	void __user *uptr;
	__kernel_size_t size;
};

/**
 * struct privcmd_dm_op - IOCTL_PRIVCMD_DM_OP argument.
 * @dom: target domain.
 * @num: number of buffers at @ubufs; buffer 0 holds struct xen_dm_op.
 * @ubufs: array of @num buffers.
 */
struct privcmd_dm_op {
	__u16 dom;
	__u16 num;
	const struct privcmd_dm_op_buf __user *ubufs;
};

/**
 * struct privcmd_mmap_resource - IOCTL_PRIVCMD_MMAP_RESOURCE argument.
 * @dom: domain owning the resource.
 * @type: XENMEM_resource_* (ioreq server, grant table, ...).
 * @id: instance of that type (the ioreq server id, ...).
 * @idx: first frame of the resource to map.
 * @num: number of frames; 0 together with @addr == 0 asks for the size of
 *	the resource, which is written back here.
 * @addr: start of the caller's mapping of /dev/xen/privcmd, or 0 (size query).
 */
struct privcmd_mmap_resource {
	__u16 dom;
	__u32 type;
	__u32 id;
	__u32 idx;
	__u64 num;
	__u64 addr;
};

/* &struct privcmd_irqfd.flags */
#define PRIVCMD_IRQFD_FLAG_DEASSIGN	(1 << 0)

/**
 * struct privcmd_irqfd - IOCTL_PRIVCMD_IRQFD argument (upstream's, 24 bytes).
 * @dm_op: address of one struct xen_dm_op in the caller's memory: the DMOP
 *	to issue each time the eventfd is signalled (XEN_DMOP_set_isa_irq_level,
 *	XEN_DMOP_set_pci_intx_level, XEN_DMOP_inject_msi...). Read once, at
 *	assign time. Unused to deassign.
 * @size: its size in bytes, 1 to 4096. Unused to deassign.
 * @fd: the eventfd.
 * @flags: 0 to assign, PRIVCMD_IRQFD_FLAG_DEASSIGN to deassign.
 * @dom: the domain the DMOP is aimed at.
 * @pad: ignored, as upstream does.
 */
struct privcmd_irqfd {
	__u64 dm_op;
	__u32 size;
	__u32 fd;
	__u32 flags;
	__u16 dom;
	__u8 pad[2];
};

/* &struct privcmd_ioeventfd.flags */
#define PRIVCMD_IOEVENTFD_FLAG_DEASSIGN	(1 << 0)

/**
 * struct privcmd_ioeventfd - IOCTL_PRIVCMD_IOEVENTFD argument (upstream's,
 * 48 bytes).
 * @ioreq: address in the caller's memory of the ioreq server's shared page
 *	(struct ioreq, one per vCPU), as mapped by IOCTL_PRIVCMD_MMAP_RESOURCE.
 * @ports: address of @vcpus __u32: the event channel of each vCPU, in vCPU
 *	order, as bound by /dev/xen/evtchn.
 * @addr: base of the virtio-mmio device; the notify register is
 *	@addr + 0x50 (VIRTIO_MMIO_QUEUE_NOTIFY).
 * @addr_len: the size of the notify write, 1, 2, 4 or 8.
 * @event_fd: the eventfd to signal.
 * @vcpus: how many vCPUs (and ports), 1 to 4096.
 * @vq: the queue index the guest writes to notify.
 * @flags: 0 to assign, PRIVCMD_IOEVENTFD_FLAG_DEASSIGN to deassign.
 * @dom: the guest.
 * @pad: ignored, as upstream does.
 */
struct privcmd_ioeventfd {
	__u64 ioreq;
	__u64 ports;
	__u64 addr;
	__u32 addr_len;
	__u32 event_fd;
	__u32 vcpus;
	__u32 vq;
	__u32 flags;
	__u16 dom;
	__u8 pad[2];
};

/*
 * PRIVCMD_AUDIT_NR_OPS: how many DMOP sub-ops have a bit and counters of
 * their own. Sub-op N (0 <= N < 64) is bit N of an allowlist and index N of the
 * per-sub-op counters. Xen 4.17 uses 1 to 20 (XEN_DMOP_* in Xen's public
 * hvm/dm_op.h). Calls with a larger sub-op, or with a buffer 0 too short to
 * hold one, are counted together as "other".
 */
#define PRIVCMD_AUDIT_NR_OPS		64

/**
 * struct privcmd_dm_op_allowlist - IOCTL_PRIVCMD_DM_OP_ALLOWLIST argument.
 * @size: sizeof(struct privcmd_dm_op_allowlist) as the caller knows it, at
 *	least PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1; bytes past the kernel's struct
 *	must be zero.
 * @flags: must be 0.
 * @allowed: bit N set: DMOP sub-op N stays allowed.
 * @reserved: must be 0.
 */
struct privcmd_dm_op_allowlist {
	__u32 size;
	__u32 flags;
	__u64 allowed;
	__u64 reserved[2];
};

#define PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1	32

/*
 * Indexes of &struct privcmd_audit_query.denied: why the driver refused a
 * call before any hypercall. The names are those of the fdinfo keys
 * "privcmd.denied.<reason>".
 */
#define PRIVCMD_DENIED_HYPERCALL	0 /* HYPERCALL on a restricted file */
#define PRIVCMD_DENIED_DOMID		1 /* aimed at a domain the file may not target */
#define PRIVCMD_DENIED_ALLOWLIST	2 /* DMOP sub-op outside the allowlist */
#define PRIVCMD_DENIED_NR		3
#define PRIVCMD_AUDIT_DENIED_SLOTS	8

/* Bits of &struct privcmd_audit_query.state. */
#define PRIVCMD_AUDIT_RESTRICTED	(1U << 0) /* restricted_domid is set */
#define PRIVCMD_AUDIT_ALLOWLIST_SET	(1U << 1) /* an allowlist narrowed the file */

/*
 * The newest layout of &struct privcmd_audit_query this header describes.
 * A caller compiled against an older header gets the layout it knows:
 * @version says which one the driver filled in (see the struct).
 */
#define PRIVCMD_AUDIT_QUERY_VERSION	2

/**
 * struct privcmd_audit_query - IOCTL_PRIVCMD_AUDIT_QUERY argument.
 * @size: in: the size of the caller's struct, at least
 *	PRIVCMD_AUDIT_QUERY_SIZE_V1; out: how many bytes the driver filled in,
 *	the size of the layout @version names (PRIVCMD_AUDIT_QUERY_SIZE_V1 or
 *	_V2). The caller's bytes past that, up to its @size, are zeroed;
 *	nothing past its @size is touched.
 * @flags: in: must be 0.
 * @version: out: the layout filled in: the newest one the driver has whose
 *	size fits in the caller's @size. 1 (PRIVCMD_AUDIT_QUERY_SIZE_V1 bytes,
 *	up to @failures_other) for a caller of at least V1's size but less
 *	than V2's, as a caller built against a version 1 header is; 2
 *	(PRIVCMD_AUDIT_QUERY_SIZE_V2, up to @ioeventfd_denied) otherwise. A
 *	driver older than version 2 answers 1 whatever the caller's size.
 * @state: out: PRIVCMD_AUDIT_* bits.
 * @restricted_domid: out: the domain the file is restricted to, or
 *	0x7FF4 (DOMID_INVALID) when it is not restricted.
 * @reserved0: out: 0.
 * @reserved1: out: 0.
 * @allowed: out: the allowlist; all ones when none was set.
 * @dm_ops: out: DMOPs issued to Xen through the file.
 * @dm_ops_denied: out: DMOPs the driver refused (restriction or allowlist).
 * @mapped_pages: out: foreign frames currently mapped through mappings of
 *	the file (MMAP, MMAPBATCH(_V2), MMAP_RESOURCE).
 * @denied: out: calls refused before any hypercall, by PRIVCMD_DENIED_*
 *	reason; unused slots are 0.
 * @calls: out: DMOPs issued to Xen, by sub-op.
 * @failures: out: of those, the ones Xen answered with an error, by
 *	sub-op (a call whose results could not be copied back fails with
 *	EFAULT, but counts as Xen answered it).
 * @calls_other: out: DMOPs issued with a sub-op >= PRIVCMD_AUDIT_NR_OPS or a
 *	buffer 0 shorter than a sub-op number.
 * @failures_other: out: of those, the ones that failed.
 * @irqfds: out (version 2): irqfds assigned on the file right now
 *	(IOCTL_PRIVCMD_IRQFD; deassign, the eventfd's last close and the
 *	file's release take them off).
 * @irqfd_injections: out (version 2): DMOPs issued because an irqfd's
 *	eventfd was signalled, whatever Xen answered; also counted in
 *	@dm_ops and @calls.
 * @irqfd_denied: out (version 2): injections refused before any
 *	hypercall (the file was restricted to another domain, or its
 *	allowlist narrowed past the irqfd's sub-op, after the assign); also
 *	counted in @dm_ops_denied and @denied. Refused assigns are counted in
 *	@denied only.
 * @ioeventfds: out (version 2): ioeventfds assigned on the file right now
 *	(IOCTL_PRIVCMD_IOEVENTFD; deassign and the file's release take them
 *	off).
 * @ioeventfd_notifies: out (version 2): guest notify writes an ioeventfd
 *	completed in the kernel (each signalled its eventfd).
 * @ioeventfd_denied: out (version 2): notify writes an ioeventfd left to
 *	user space because the file was restricted to another domain after
 *	the assign.
 *
 * The version 2 fields are the fdinfo keys "privcmd.irqfds",
 * "privcmd.irqfd_injections", "privcmd.irqfd_denied", "privcmd.ioeventfds",
 * "privcmd.ioeventfd_notifies" and "privcmd.ioeventfd_denied"; a version 1
 * answer leaves them out (a caller's bytes there, if its @size covers part
 * of them, are zeroed).
 *
 * Counters start at 0 when the file is opened, are shared by everything
 * that shares the open file (dup(), fork(), SCM_RIGHTS) and only grow.
 * They are summed from per-CPU counters without stopping the file's other
 * users, so a snapshot taken during calls may be a few calls behind.
 */
struct privcmd_audit_query {
	__u32 size;
	__u32 flags;
	__u32 version;
	__u32 state;
	__u16 restricted_domid;
	__u16 reserved0;
	__u32 reserved1;
	__u64 allowed;
	__u64 dm_ops;
	__u64 dm_ops_denied;
	__u64 mapped_pages;
	__u64 denied[PRIVCMD_AUDIT_DENIED_SLOTS];
	__u64 calls[PRIVCMD_AUDIT_NR_OPS];
	__u64 failures[PRIVCMD_AUDIT_NR_OPS];
	__u64 calls_other;
	__u64 failures_other;
	/* version 2 */
	__u64 irqfds;
	__u64 irqfd_injections;
	__u64 irqfd_denied;
	__u64 ioeventfds;
	__u64 ioeventfd_notifies;
	__u64 ioeventfd_denied;
};

#define PRIVCMD_AUDIT_QUERY_SIZE_V1	1160
#define PRIVCMD_AUDIT_QUERY_SIZE_V2	1208

/**
 * DOC: IOCTL_PRIVCMD_HYPERCALL
 *
 * Issue one hypercall; the ioctl returns what Xen returned (a negative Xen
 * errno becomes -1 and errno).
 *
 * Errors: EFAULT the argument cannot be read; EPERM the file is restricted
 * (IOCTL_PRIVCMD_RESTRICT); anything else comes from Xen.
 */
#define IOCTL_PRIVCMD_HYPERCALL					\
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

/**
 * DOC: IOCTL_PRIVCMD_MMAP
 *
 * Map runs of foreign frames into a fresh mapping of the device. PV dom0
 * only.
 *
 * Errors: EFAULT the argument or an entry cannot be read; EPERM the file is
 * restricted to another domain (checked before any hypercall); EINVAL @num
 * is negative, the first entry is not the start of an unused mapping of the
 * device, the runs are not contiguous, wrap or overrun it; ENOMEM; any error
 * Xen gives for a frame. EOPNOTSUPP on an auto-translated (PVH) dom0.
 *
 * Differs from upstream: upstream answers ENOSYS on a PVH dom0 and treats a
 * negative @num as a huge count.
 */
#define IOCTL_PRIVCMD_MMAP					\
	_IOC(_IOC_NONE, 'P', 2, sizeof(struct privcmd_mmap))

/**
 * DOC: IOCTL_PRIVCMD_MMAPBATCH
 *
 * Version 1 of IOCTL_PRIVCMD_MMAPBATCH_V2: per-frame errors are or'ed into
 * the frame array instead of a separate error array. Same errors as V2.
 */
#define IOCTL_PRIVCMD_MMAPBATCH					\
	_IOC(_IOC_NONE, 'P', 3, sizeof(struct privcmd_mmapbatch))

/**
 * DOC: IOCTL_PRIVCMD_MMAPBATCH_V2
 *
 * Map @num frames of @dom at @addr. Either the whole mapping of the device
 * (the first call on it) or, after an ENOENT, any not yet mapped part of it.
 * Frames that fail are left unmapped (touching them gives SIGBUS) and their
 * error is reported in @err; the ioctl itself succeeds.
 *
 * Errors: EFAULT the argument, @arr or @err cannot be accessed; EPERM the
 * file is restricted to another domain (checked before any hypercall);
 * EINVAL @num is 0, @addr is not in a mapping of the device, the range does
 * not cover the whole fresh mapping or overlaps frames already mapped;
 * ENOMEM the frame and error arrays (@num entries each) cannot be
 * allocated; ENOENT at least one frame is paged out (the others are mapped,
 * @err says which, retry those).
 *
 * A filled mapping of the device cannot be moved: mremap() fails EINVAL
 * (a mapping not yet filled moves). Differs from upstream: there, moving a
 * filled mapping on a PV dom0 makes Xen refuse the moved entries (a kernel
 * WARNING) and the moved mapping gives SIGBUS. The arrays are charged to
 * the caller's memory cgroup and never wake the OOM killer; upstream
 * copies the frame list page by page with uncharged pages.
 */
#define IOCTL_PRIVCMD_MMAPBATCH_V2				\
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

/**
 * DOC: IOCTL_PRIVCMD_DM_OP
 *
 * Forward one device-model operation (struct xen_dm_op in buffer 0, its
 * extra buffers after it) to Xen; the ioctl returns Xen's answer unchanged,
 * so ESRCH (no such domain), EPERM (not allowed, e.g. dom0 itself), E2BIG,
 * EOPNOTSUPP (unknown op), EFAULT (buffer too short) and others come from Xen.
 * @num == 0 returns 0 without a hypercall: libxendevicemodel's probe.
 *
 * Errors from the driver: EFAULT the argument, the buffer array or a buffer
 * cannot be accessed, or a buffer is empty; EPERM the file is restricted to
 * another domain (checked before any hypercall), or the sub-op in buffer 0
 * is not in the file's allowlist (IOCTL_PRIVCMD_DM_OP_ALLOWLIST; checked on
 * the driver's copy of the buffer, before any hypercall; with an allowlist
 * set, a buffer 0 too short to hold a sub-op is refused too); E2BIG more
 * buffers than the module parameter dm_op_max_nr_bufs (default 16) or one
 * larger than dm_op_buf_max_size (default 4096 bytes); ENOMEM.
 *
 * Differs from upstream: the @num == 0 probe succeeds on a restricted file
 * too (upstream answers EPERM unless @dom is the restricted domain). The
 * buffers are copied through kernel memory instead of being pinned, so a
 * buffer Xen only reads may be read-only memory (upstream: EFAULT).
 */
#define IOCTL_PRIVCMD_DM_OP					\
	_IOC(_IOC_NONE, 'P', 5, sizeof(struct privcmd_dm_op))

/**
 * DOC: IOCTL_PRIVCMD_RESTRICT
 *
 * Restrict this open file (argument: a pointer to a 16-bit domid) to one
 * domain, for good: HYPERCALL then fails EPERM and DM_OP, MMAP, MMAPBATCH(_V2)
 * and MMAP_RESOURCE aimed at any other domain fail EPERM before any
 * hypercall. Restricting again to the same domain succeeds.
 *
 * Calls on the file that started while it was unrestricted (other threads'
 * DMOPs or mappings aimed at any domain) have finished when this returns:
 * from then on nothing of this file reaches another domain.
 *
 * Errors: EFAULT the domid cannot be read; EINVAL the file is already
 * restricted to another domain, or the domid is reserved; EINTR a fatal
 * signal ended the wait for those calls (the restriction is set).
 *
 * Differs from upstream: a reserved domid (>= DOMID_FIRST_RESERVED, 0x7FF0,
 * which includes DOMID_SELF and DOMID_INVALID) fails EINVAL; upstream
 * accepts it, and restricting to DOMID_INVALID silently leaves the file
 * unrestricted. Concurrent restricts from many threads have exactly one
 * winner (compare-and-exchange); every other caller sees EINVAL or, for the
 * same domid, 0. Upstream returns without waiting for calls in progress.
 */
#define IOCTL_PRIVCMD_RESTRICT					\
	_IOC(_IOC_NONE, 'P', 6, sizeof(__u16))

/**
 * DOC: IOCTL_PRIVCMD_MMAP_RESOURCE
 *
 * Map @num frames of a resource of @dom (for example the pages of an ioreq
 * server created with DM_OP) at @addr, or with @num == 0 and @addr == 0 write
 * the resource's size in frames back to @num.
 *
 * Errors: EFAULT the argument cannot be read or @num written back; EPERM
 * the file is restricted to another domain (checked before any hypercall);
 * EINVAL only one of @num and @addr is 0, @addr is not the start of an
 * unused mapping of the device, or @num frames do not fit in it;
 * ENOMEM; anything else comes from Xen (ESRCH, EINVAL, ENOENT, EOPNOTSUPP...).
 *
 * Differs from upstream: upstream neither checks that @num frames fit in the
 * mapping nor that the mapping is unused.
 */
#define IOCTL_PRIVCMD_MMAP_RESOURCE				\
	_IOC(_IOC_NONE, 'P', 7, sizeof(struct privcmd_mmap_resource))

/**
 * DOC: IOCTL_PRIVCMD_IRQFD
 *
 * Assign: from now on, each signal of eventfd @fd makes the driver issue
 * the DMOP at @dm_op (@size bytes, one buffer) to @dom, from a kernel
 * worker: for example a virtio backend's "used buffer" notification
 * raises the guest's interrupt without a trip through userspace. Signals
 * that arrive while an injection is pending are merged into it. A signal
 * already pending at assign time is injected at once. Deassign
 * (PRIVCMD_IRQFD_FLAG_DEASSIGN): the eventfd @fd stops injecting; when the
 * call returns, no injection of it is in progress or will happen. An
 * irqfd ends too when its eventfd is closed for good and when the privcmd
 * file is (last close, or exit of the process holding it).
 *
 * Under the restriction and the allowlist: on a restricted file @dom must
 * be its domain (EPERM, before anything is registered); the DMOP's sub-op
 * must be in the file's allowlist (IOCTL_PRIVCMD_DM_OP_ALLOWLIST) at
 * assign time (EPERM) and is checked again before every injection: once
 * the file is restricted to another domain or the allowlist is narrowed
 * past it, injections are refused, each one counted (fdinfo
 * "privcmd.irqfd_denied" and "privcmd.denied.<reason>") and traced
 * (xen_privcmd:privcmd_denied). When IOCTL_PRIVCMD_DM_OP_ALLOWLIST or
 * IOCTL_PRIVCMD_RESTRICT returns, no injection that passed the old rules
 * is still on its way to Xen. Xen's answer to each injection is counted
 * like a DM_OP's (privcmd.dm_op.<name>) and traced
 * (xen_privcmd:privcmd_irqfd_inject); a failing injection keeps the irqfd.
 *
 * Errors: EFAULT the argument or the DMOP cannot be read; EINVAL a flag
 * other than PRIVCMD_IRQFD_FLAG_DEASSIGN, @fd is not an eventfd, or (to
 * assign) @size is 0; E2BIG @size is larger than 4096; EBADF @fd is not
 * open; EPERM the file is restricted to another domain, or (to assign)
 * the DMOP's sub-op is not in the allowlist; EBUSY the eventfd is already
 * assigned on this file; ENOENT (deassign) the eventfd is not assigned on
 * this file; ENOMEM.
 *
 * Differs from upstream: the DMOP is bounded (upstream: any size, kmalloc'ed
 * uncharged; here charged to the caller's memory cgroup), a size of 0 is
 * refused, and deassigning an eventfd that is not assigned fails ENOENT
 * (upstream: 0). The allowlist and the later restriction are checked at
 * each injection (upstream checks the restriction once, at assign). An
 * irqfd belongs to the open file: EBUSY only within one file, and the last
 * close of the file deassigns its irqfds (upstream keeps one list for the
 * whole system and an irqfd outlives the file that made it). Upstream
 * issues any DMOP from the eventfd's wake-up, under its lock; here only
 * those that move an interrupt line or send an interrupt
 * (set_isa_irq_level, set_pci_intx_level, set_irq_level, inject_msi),
 * which Xen answers at once, and any other from a workqueue, so that a
 * signal never waits for a long DMOP.
 */
#define IOCTL_PRIVCMD_IRQFD					\
	_IOW('P', 8, struct privcmd_irqfd)

/**
 * DOC: IOCTL_PRIVCMD_IOEVENTFD
 *
 * Upstream: complete, in the kernel, the guest's writes to a virtio-mmio
 * notify register (@addr + 0x50, @addr_len bytes, value @vq) that reach
 * the ioreq server whose page is mapped at @ioreq, and signal eventfd
 * @event_fd for each; or (PRIVCMD_IOEVENTFD_FLAG_DEASSIGN) stop doing so.
 *
 * Here: the same, on a PV dom0 as on a PVH one. @ioreq must be a page of
 * a privcmd mapping that IOCTL_PRIVCMD_MMAP_RESOURCE filled with an ioreq
 * server's synchronous ioreq page (frame 1 on) of @dom; the mapping only
 * names the server: the kernel maps the frames itself, for as long as the
 * ioeventfd lives. @ports must each be an interdomain channel to @dom
 * bound through /dev/xen/evtchn; the kernel references them and shares
 * their interrupt, so the device model is still woken and still unmasks
 * them, and finds notify writes already answered. A ready request is
 * claimed with a compare-and-exchange of its state (STATE_IOREQ_READY to
 * STATE_IOREQ_INPROCESS), which a device model sharing the ports must do
 * too. A file restricted to another domain after the assign leaves the
 * writes to user space, each counted (fdinfo "privcmd.ioeventfd_denied").
 * An ioeventfd belongs to the open file: it ends with a deassign or the
 * file's last close; its eventfd stays referenced until then. Counted in
 * fdinfo ("privcmd.ioeventfds", "privcmd.ioeventfd_notifies") and traced
 * (xen_privcmd:privcmd_ioeventfd).
 *
 * Errors: EFAULT the argument or @ports cannot be read; EINVAL a flag
 * other than PRIVCMD_IOEVENTFD_FLAG_DEASSIGN, or (to assign) @addr +
 * @addr_len overflows, @addr_len is not 1, 2, 4 or 8, @vcpus is 0 or
 * larger than 4096, @event_fd is not an eventfd, @ioreq is not such a page,
 * a port is not such a channel, the page is already used with another @dom
 * or @vcpus, or Xen refuses the frames (more vCPUs than the server has
 * pages for); EBADF @event_fd is not open; EPERM the file is restricted to
 * another domain (checked right after the flags, before anything else);
 * EBUSY the eventfd is already assigned to this server; ENODEV (deassign)
 * no such assignment on this file; ENOMEM.
 *
 * Differs from upstream: upstream works on an auto-translated dom0 only,
 * reads the page through the caller's mapping without checking what it
 * holds, does not check the ports' domain or take a reference on them,
 * claims a request without an atomic operation, keeps one list for the
 * whole system until the module is unloaded, and checks the restriction
 * at assign only.
 */
#define IOCTL_PRIVCMD_IOEVENTFD					\
	_IOW('P', 9, struct privcmd_ioeventfd)

/**
 * struct privcmd_pcidev_get_gsi - IOCTL_PRIVCMD_PCIDEV_GET_GSI argument
 * (upstream's, Linux 6.12, 8 bytes).
 * @sbdf: in: the PCI device, segment << 16 | bus << 8 | device << 3 |
 *	function.
 * @gsi: out: its GSI.
 */
struct privcmd_pcidev_get_gsi {
	__u32 sbdf;
	__u32 gsi;
};

/**
 * DOC: IOCTL_PRIVCMD_PCIDEV_GET_GSI
 *
 * The GSI of PCI device @sbdf, which xen-pciback must hold: what the
 * toolstack of a PVH dom0 (libxl's xc_pcidev_get_gsi()) asks before it
 * passes the device through. The kernel answers (xen_acpi_get_gsi_from_sbdf(),
 * Linux 6.12 with CONFIG_XEN_ACPI); on a kernel that cannot, the ioctl
 * fails ENOTTY, as on the in-tree 6.1 driver.
 *
 * Errors: EPERM the file is restricted (the question concerns no guest;
 * counted as a refused hypercall); EFAULT the argument cannot be read or
 * written; EOPNOTSUPP xen-pciback is not loaded; what xen-pciback answers
 * for a device it does not hold (EINVAL) or cannot read; ENOTTY see above.
 *
 * Differs from upstream: upstream answers a restricted file too, and, on a
 * kernel without CONFIG_XEN_ACPI, EINVAL.
 */
#define IOCTL_PRIVCMD_PCIDEV_GET_GSI				\
	_IOC(_IOC_NONE, 'P', 10, sizeof(struct privcmd_pcidev_get_gsi))

/**
 * DOC: IOCTL_PRIVCMD_DM_OP_ALLOWLIST
 *
 * Narrow the set of DMOP sub-ops this open file may issue to @allowed. A
 * file starts with every sub-op allowed; each call may only remove sub-ops,
 * never add them back, and once any allowlist is set sub-ops >= 64 are
 * refused too. The allowlist belongs to the open file description, like the
 * restriction: dup(), fork() and SCM_RIGHTS share it. Afterwards a DM_OP
 * whose sub-op (read from the driver's own copy of buffer 0, the bytes Xen
 * is given) is not allowed fails with EPERM before any hypercall, and is
 * counted ("privcmd.denied.allowlist") and traced
 * (xen_privcmd:privcmd_denied). Concurrent calls compose: each either
 * narrows the list it found or fails.
 * Needs no privilege beyond holding the file; works on a restricted file.
 *
 * Errors: EFAULT the argument cannot be read; EINVAL @size is smaller than
 * PRIVCMD_DM_OP_ALLOWLIST_SIZE_V1, or @flags or @reserved is not 0; E2BIG
 * @size is larger than the driver's struct and the extra bytes are not
 * zero, or @size is larger than a page; EPERM @allowed holds a sub-op the
 * file is no longer allowed (the allowlist is left as it was).
 *
 * Not in upstream (ENOTTY there).
 */
#define IOCTL_PRIVCMD_DM_OP_ALLOWLIST				\
	_IOW('P', 0x40, struct privcmd_dm_op_allowlist)

/**
 * DOC: IOCTL_PRIVCMD_AUDIT_QUERY
 *
 * Fill struct privcmd_audit_query with this file's restriction, allowlist
 * and counters: what the "privcmd." fdinfo keys show, in one call and
 * without parsing text. Works on a restricted file.
 *
 * The struct grows at its end, one layout per version; its @size field,
 * not the command number, says how large the caller's is (as openat2()'s
 * struct open_how). The command number carries the first version's size,
 * PRIVCMD_AUDIT_QUERY_SIZE_V1, for good: a caller built against any
 * version of this header issues the same command. The driver fills the
 * newest layout that fits in the caller's @size and says which in
 * @version and @size: a caller of version 1's size gets version 1 exactly
 * as before (1160 bytes written, nothing past them), one of version 2's
 * size or larger gets version 2, which adds the irqfd and ioeventfd
 * fields. A caller must read @version before the fields past version 1:
 * a driver that only knows version 1 answers with it (and zeroes the
 * caller's bytes past it).
 *
 * Errors: EFAULT the argument cannot be read or written; EINVAL @size is
 * smaller than PRIVCMD_AUDIT_QUERY_SIZE_V1 or @flags is not 0; E2BIG @size
 * is larger than a page.
 *
 * Not in upstream (ENOTTY there).
 */
#define IOCTL_PRIVCMD_AUDIT_QUERY				\
	_IOC(_IOC_READ | _IOC_WRITE, 'P', 0x41, PRIVCMD_AUDIT_QUERY_SIZE_V1)

#endif /* _UAPI_XEN_DMOP_PRIVCMD_H */
