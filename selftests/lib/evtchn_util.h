/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the /dev/xen/evtchn selftests: the ioctls in three layers
 * (test_cmd.h): _test_cmd_evtchn_X() raw, returning the port (>= 0, the
 * binds) or 0, or -errno; test_cmd_evtchn_X() asserting success (and
 * giving the port); test_err_evtchn_X(errno, ...) expecting that errno.
 */
#ifndef XEN_DMOP_SELFTEST_EVTCHN_UTIL_H
#define XEN_DMOP_SELFTEST_EVTCHN_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "test_cmd.h"

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

/* The binds: the new local port, or -errno. */
int _test_cmd_evtchn_bind_virq(int fd, unsigned int virq);
#define test_cmd_evtchn_bind_virq(...) test_cmd_val(_test_cmd_evtchn_bind_virq(__VA_ARGS__))
#define test_err_evtchn_bind_virq(e, ...) test_err(e, _test_cmd_evtchn_bind_virq(__VA_ARGS__))

int _test_cmd_evtchn_bind_interdomain(int fd, unsigned int dom, unsigned int port);
#define test_cmd_evtchn_bind_interdomain(...) \
	test_cmd_val(_test_cmd_evtchn_bind_interdomain(__VA_ARGS__))
#define test_err_evtchn_bind_interdomain(e, ...) \
	test_err(e, _test_cmd_evtchn_bind_interdomain(__VA_ARGS__))

int _test_cmd_evtchn_bind_unbound_port(int fd, unsigned int dom);
#define test_cmd_evtchn_bind_unbound_port(...) \
	test_cmd_val(_test_cmd_evtchn_bind_unbound_port(__VA_ARGS__))
#define test_err_evtchn_bind_unbound_port(e, ...) \
	test_err(e, _test_cmd_evtchn_bind_unbound_port(__VA_ARGS__))

/* IOCTL_EVTCHN_BIND_STATIC: 0 or -errno. */
int _test_cmd_evtchn_bind_static(int fd, unsigned int port);
#define test_cmd_evtchn_bind_static(...) test_cmd(_test_cmd_evtchn_bind_static(__VA_ARGS__))
#define test_err_evtchn_bind_static(e, ...) \
	test_err(e, _test_cmd_evtchn_bind_static(__VA_ARGS__))

/* The rest: 0 or -errno. */
int _test_cmd_evtchn_unbind(int fd, unsigned int port);
#define test_cmd_evtchn_unbind(...) test_cmd(_test_cmd_evtchn_unbind(__VA_ARGS__))
#define test_err_evtchn_unbind(e, ...) test_err(e, _test_cmd_evtchn_unbind(__VA_ARGS__))

int _test_cmd_evtchn_notify(int fd, unsigned int port);
#define test_cmd_evtchn_notify(...) test_cmd(_test_cmd_evtchn_notify(__VA_ARGS__))
#define test_err_evtchn_notify(e, ...) test_err(e, _test_cmd_evtchn_notify(__VA_ARGS__))

int _test_cmd_evtchn_reset(int fd);
#define test_cmd_evtchn_reset(...) test_cmd(_test_cmd_evtchn_reset(__VA_ARGS__))
#define test_err_evtchn_reset(e, ...) test_err(e, _test_cmd_evtchn_reset(__VA_ARGS__))

int _test_cmd_evtchn_restrict_domid(int fd, unsigned int domid);
#define test_cmd_evtchn_restrict_domid(...) \
	test_cmd(_test_cmd_evtchn_restrict_domid(__VA_ARGS__))
#define test_err_evtchn_restrict_domid(e, ...) \
	test_err(e, _test_cmd_evtchn_restrict_domid(__VA_ARGS__))

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

/* Xen's view of a dom0 (or any domain's) port: EVTCHNSTAT_*, or -errno. */
int evtchn_xen_status(uint32_t dom, uint32_t port, uint32_t *peer_dom,
		      uint32_t *peer_port);

/* A port in domain @dom offered to @remote (xc_evtchn_alloc_unbound), or -errno. */
int evtchn_xen_alloc_unbound(uint32_t dom, uint32_t remote);

/* Close dom0's @port in Xen (EVTCHNOP_close through privcmd), behind any binder's back. */
int evtchn_xen_close(uint32_t port);

#endif
