/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Interface to /dev/xen/evtchn, the user-space event-channel device.
 *
 * The ioctl numbers and struct layouts are exactly those of the upstream
 * header, so unmodified libxenevtchn, xenstored
 * and QEMU work on this driver. Fields are written with fixed-width types; on
 * every Linux ABI they have the size and alignment of the upstream
 * "unsigned int" and "domid_t", and this header needs no Xen header.
 *
 * Differences from the upstream driver (see
 * Documentation/userspace-api/xen-evtchn.rst):
 *  - an unknown ioctl fails with ENOTTY (upstream: ENOSYS);
 *  - IOCTL_EVTCHN_BIND_STATIC fails with EACCES on a restricted file,
 *    refuses a port that already has a handler in this kernel (EBUSY) or
 *    that Xen does not have open (EINVAL), and fails with EOPNOTSUPP on
 *    kernels before 6.2, whose event core cannot keep a static port open on
 *    unbind (upstream 6.1 has no such ioctl);
 *  - a bind whose fresh port number still has a handler in this kernel (left
 *    by a static bind of a port closed in Xen behind its binder's back)
 *    fails with EBUSY instead of sharing it;
 *  - the argument of every ioctl is read before the file's lock is taken:
 *    an ioctl stalled on a fault of its argument's page holds nothing up,
 *    and fdinfo takes no lock at all;
 *  - the pending ring never overflows, so read() never fails with EFBIG and
 *    poll() never reports EPOLLERR: a port is reported at most once until
 *    read, even if it was written back (unmasked) before being read;
 *  - IOCTL_EVTCHN_UNBIND drops an unread report of the port (upstream keeps
 *    it, and read() then returns a port that is no longer bound);
 *  - the ioctls also work from 32-bit processes (the layouts are the same);
 *  - /proc/<pid>/fdinfo/<fd> shows "evtchn." keys (restriction, bound ports,
 *    binds the restriction refused, ring size, pending reports), and the
 *    tracepoints xen_evtchn:evtchn_restrict and xen_evtchn:evtchn_denied
 *    report the restriction and each refused bind (Documentation/
 *    userspace-api/xen-audit.rst, Documentation/ABI/testing/
 *    procfs-xen-evtchn-fdinfo).
 *
 * Reading and writing the device:
 *  - read() returns whole __u32 port numbers of channels that fired since
 *    they were last unmasked, at most one page per call. It blocks while
 *    none is pending unless O_NONBLOCK is set (then EAGAIN). A port is
 *    reported once per firing; firings of a port not yet read coalesce.
 *  - write() of whole __u32 port numbers unmasks those ports: each fired
 *    port stays masked until it is written back. Ports that are not bound
 *    on this file are ignored. At most one page is consumed per call.
 *  - poll() reports EPOLLIN when a read would not block; EPOLLOUT always.
 */
#ifndef _UAPI_XEN_DMOP_EVTCHN_H
#define _UAPI_XEN_DMOP_EVTCHN_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct ioctl_evtchn_bind_virq - argument of IOCTL_EVTCHN_BIND_VIRQ
 * @virq: the virtual IRQ (VIRQ_* in Xen's public xen.h), bound on vCPU 0.
 */
struct ioctl_evtchn_bind_virq {
	__u32 virq;
};

/**
 * IOCTL_EVTCHN_BIND_VIRQ - bind a fresh local port to a virtual IRQ.
 *
 * Return: the new local port (>= 0), or -1 with errno:
 *  - EACCES: the file is restricted (IOCTL_EVTCHN_RESTRICT_DOMID);
 *  - EFAULT: the argument is not readable;
 *  - EEXIST: the VIRQ is already bound in this domain (Xen);
 *  - EINVAL: no such VIRQ (Xen);
 *  - ENOMEM: out of kernel memory or interrupt numbers;
 *  - other errors of EVTCHNOP_bind_virq are passed through.
 */
#define IOCTL_EVTCHN_BIND_VIRQ				\
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))

/**
 * struct ioctl_evtchn_bind_interdomain - argument of IOCTL_EVTCHN_BIND_INTERDOMAIN
 * @remote_domain: the domain that allocated the unbound port.
 * @remote_port: its unbound port, allocated for this domain.
 */
struct ioctl_evtchn_bind_interdomain {
	__u32 remote_domain;
	__u32 remote_port;
};

/**
 * IOCTL_EVTCHN_BIND_INTERDOMAIN - connect a fresh local port to a remote
 * domain's unbound port.
 *
 * Return: the new local port (>= 0), or -1 with errno:
 *  - EACCES: the file is restricted to another domain;
 *  - EFAULT: the argument is not readable;
 *  - ESRCH: no such remote domain (Xen);
 *  - EINVAL: the remote port is not unbound or not offered to us (Xen);
 *  - ENOMEM: out of kernel memory or interrupt numbers;
 *  - other errors of EVTCHNOP_bind_interdomain are passed through.
 */
#define IOCTL_EVTCHN_BIND_INTERDOMAIN			\
	_IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))

/**
 * struct ioctl_evtchn_bind_unbound_port - argument of IOCTL_EVTCHN_BIND_UNBOUND_PORT
 * @remote_domain: the domain allowed to connect to the new port.
 */
struct ioctl_evtchn_bind_unbound_port {
	__u32 remote_domain;
};

/**
 * IOCTL_EVTCHN_BIND_UNBOUND_PORT - allocate a fresh local port that
 * @remote_domain may connect to with its own bind-interdomain.
 *
 * Return: the new local port (>= 0), or -1 with errno:
 *  - EACCES: the file is restricted;
 *  - EFAULT: the argument is not readable;
 *  - ESRCH: no such remote domain (Xen);
 *  - ENOSPC: no free port in this domain (Xen);
 *  - ENOMEM: out of kernel memory or interrupt numbers;
 *  - other errors of EVTCHNOP_alloc_unbound are passed through.
 */
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT			\
	_IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))

/**
 * struct ioctl_evtchn_unbind - argument of IOCTL_EVTCHN_UNBIND
 * @port: a local port bound on this file.
 */
struct ioctl_evtchn_unbind {
	__u32 port;
};

/**
 * IOCTL_EVTCHN_UNBIND - unbind and close a port of this file. A static port
 * (IOCTL_EVTCHN_BIND_STATIC) is unbound but stays open in Xen. A pending
 * report of the port that was not read yet is dropped.
 *
 * Return: 0, or -1 with errno:
 *  - EFAULT: the argument is not readable;
 *  - EINVAL: @port is beyond the domain's event-channel limit;
 *  - ENOTCONN: @port is not bound on this file.
 */
#define IOCTL_EVTCHN_UNBIND				\
	_IOC(_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_unbind))

/**
 * struct ioctl_evtchn_notify - argument of IOCTL_EVTCHN_NOTIFY
 * @port: a local port bound on this file.
 */
struct ioctl_evtchn_notify {
	__u32 port;
};

/**
 * IOCTL_EVTCHN_NOTIFY - send an event to the other end of @port. Allowed on
 * ports bound before a restriction, too.
 *
 * Return: 0, or -1 with errno:
 *  - EFAULT: the argument is not readable;
 *  - ENOTCONN: @port is not bound on this file.
 */
#define IOCTL_EVTCHN_NOTIFY				\
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))

/**
 * IOCTL_EVTCHN_RESET - empty the pending ring and clear an error condition.
 * Ports that were pending stay masked until written back (as upstream).
 * The argument is ignored.
 *
 * Return: 0 (it cannot fail).
 */
#define IOCTL_EVTCHN_RESET				\
	_IOC(_IOC_NONE, 'E', 5, 0)

/**
 * struct ioctl_evtchn_restrict_domid - argument of IOCTL_EVTCHN_RESTRICT_DOMID
 * @domid: the only domain new channels may be bound to (upstream: domid_t).
 */
struct ioctl_evtchn_restrict_domid {
	__u16 domid;
};

/**
 * IOCTL_EVTCHN_RESTRICT_DOMID - restrict this open file, for good, to binding
 * interdomain channels to @domid.
 *
 * Afterwards IOCTL_EVTCHN_BIND_VIRQ and IOCTL_EVTCHN_BIND_UNBOUND_PORT fail
 * with EACCES, IOCTL_EVTCHN_BIND_INTERDOMAIN to another domain fails with
 * EACCES, and (beyond upstream) IOCTL_EVTCHN_BIND_STATIC fails with EACCES:
 * a restricted file binds only ports Xen opens for it. Channels
 * bound before keep working (notify, read, unmask, unbind). The restriction
 * belongs to the open file: dup(), fork() and fd passing share it. It is
 * ordered against concurrent binds on the same file: a bind either completes
 * before the restriction takes effect or is checked against it.
 *
 * In a stubdomain (a domU whose xenstore names a "target") every file starts
 * restricted to the target and also allowed to bind with domain 0 (unbound
 * ports included, for the toolstack's QMP vchan); restricting such a file to
 * its target drops domain 0, once.
 *
 * Return: 0, or -1 with errno:
 *  - EACCES: the file is already restricted (a stubdomain's file: to another
 *    domain than its target, or narrowed already);
 *  - EFAULT: the argument is not readable;
 *  - EINVAL: @domid is 0 or reserved (>= DOMID_FIRST_RESERVED, 0x7ff0).
 */
#define IOCTL_EVTCHN_RESTRICT_DOMID			\
	_IOC(_IOC_NONE, 'E', 6, sizeof(struct ioctl_evtchn_restrict_domid))

/**
 * struct ioctl_evtchn_bind - argument of IOCTL_EVTCHN_BIND_STATIC
 * @port: a local port that Xen allocated statically (dom0less) or that is
 *        otherwise open in this domain without a handler in this kernel.
 */
struct ioctl_evtchn_bind {
	__u32 port;
};

/**
 * IOCTL_EVTCHN_BIND_STATIC - bind an already open local port to this file
 * without allocating it; unbinding it leaves it open in Xen. Unrestricted
 * files only: the check that @port is free in this kernel cannot be made
 * atomic with the event core's own binding (a kernel backend or another
 * file may be half-way through binding the same port), so a restricted,
 * untrusted caller could make two binds share one interrupt.
 *
 * Return: 0, or -1 with errno:
 *  - EACCES: the file is restricted (beyond upstream, which binds any port);
 *  - EBUSY: @port already has a handler in this kernel (beyond upstream,
 *    which shares it);
 *  - EFAULT: the argument is not readable;
 *  - EINVAL: @port is beyond the domain's event-channel limit, or Xen does
 *    not have it open (beyond upstream, which binds the number);
 *  - EISCONN: @port is already bound on this file;
 *  - EOPNOTSUPP: kernels before 6.2 (upstream 6.1: ENOSYS, no such ioctl);
 *  - ENOMEM: out of kernel memory.
 */
#define IOCTL_EVTCHN_BIND_STATIC			\
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))

#endif /* _UAPI_XEN_DMOP_EVTCHN_H */
