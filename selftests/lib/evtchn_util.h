/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the /dev/xen/evtchn selftests: thin ioctl wrappers that return
 * the port (>= 0) or -errno, so a test can assert on either in one line.
 */
#ifndef XEN_DMOP_SELFTEST_EVTCHN_UTIL_H
#define XEN_DMOP_SELFTEST_EVTCHN_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#define EVTCHN_NODE "/dev/xen/evtchn"

/* Whether our xen-evtchn.ko is loaded (it has a version, the distro's not). */
bool evtchn_ours(void);

/*
 * Print "# DIFF: @what" for a documented difference from the in-tree driver,
 * flushed: the harness ends each test's process with _exit().
 */
void evtchn_diff(const char *what);

/* Whether the running kernel has IOCTL_EVTCHN_BIND_STATIC upstream (6.2+). */
bool evtchn_kernel_has_static(void);

/* open(EVTCHN_NODE, O_RDWR | O_CLOEXEC | extra_flags): fd or -errno. */
int evtchn_open(int extra_flags);

int evtchn_bind_virq(int fd, unsigned int virq);
int evtchn_bind_interdomain(int fd, unsigned int dom, unsigned int port);
int evtchn_bind_unbound(int fd, unsigned int dom);
int evtchn_bind_static(int fd, unsigned int port);
int evtchn_unbind(int fd, unsigned int port);
int evtchn_notify(int fd, unsigned int port);
int evtchn_reset(int fd);
int evtchn_restrict(int fd, unsigned int domid);

/*
 * A loopback channel inside dom0: @a holds an unbound port offered to dom0,
 * @b the interdomain port connected to it. 0 or -errno.
 */
int evtchn_loopback(int a, int b, uint32_t *port_a, uint32_t *port_b);

/* poll() for POLLIN up to @ms: 1 readable, 0 timeout, -errno. */
int evtchn_wait_readable(int fd, int ms);

/*
 * Wait up to @ms for pending ports and read up to @max of them without
 * blocking: the number read, 0 on timeout, or -errno.
 */
int evtchn_read_ports(int fd, uint32_t *ports, int max, int ms);

/* write() @port back (unmask): 0 or -errno. */
int evtchn_unmask(int fd, uint32_t port);

/* The value of @key in /proc/self/fdinfo/@fd (our driver only), or -1. */
long evtchn_fdinfo(int fd, const char *key);

/* Xen's view of a dom0 (or any domain's) port: EVTCHNSTAT_*, or -errno. */
int evtchn_xen_status(uint32_t dom, uint32_t port, uint32_t *peer_dom,
		      uint32_t *peer_port);

/* A port in domain @dom offered to @remote (xc_evtchn_alloc_unbound), or -errno. */
int evtchn_xen_alloc_unbound(uint32_t dom, uint32_t remote);

/* Close dom0's @port in Xen (EVTCHNOP_close through privcmd), behind any binder's back. */
int evtchn_xen_close(uint32_t port);

#endif
