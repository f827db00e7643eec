// SPDX-License-Identifier: GPL-2.0
/* Helpers for the /dev/xen/evtchn selftests; see evtchn_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <xenctrl.h>

#include <uapi/xen/evtchn.h>
#include <uapi/xen/privcmd.h>

#include "evtchn_util.h"

bool evtchn_ours(void)
{
	char ver[64] = "";
	FILE *f = fopen("/sys/module/xen_evtchn/version", "r");

	if (!f)
		return false;	/* the distro's module carries no MODULE_VERSION */
	if (!fgets(ver, sizeof(ver), f))
		ver[0] = '\0';
	fclose(f);
	return ver[0] != '\0';
}

bool evtchn_kernel_has_static(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 2);
}

void evtchn_diff(const char *what)
{
	printf("# DIFF: %s\n", what);
	fflush(stdout);
}

int evtchn_open(int extra_flags)
{
	int fd = open(EVTCHN_NODE, O_RDWR | O_CLOEXEC | extra_flags);

	return fd < 0 ? -errno : fd;
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int rc = ioctl(fd, cmd, arg);

	return rc < 0 ? -errno : rc;
}

#define NOTE(cmd, fmt, ...) test_cmd_note(#cmd, "fd %ld" fmt, fd, ##__VA_ARGS__)

int _test_cmd_evtchn_bind_virq(int fd, unsigned int virq)
{
	struct ioctl_evtchn_bind_virq a = { .virq = virq };

	NOTE(IOCTL_EVTCHN_BIND_VIRQ, ", virq %ld", virq);
	return xioctl(fd, IOCTL_EVTCHN_BIND_VIRQ, &a);
}

int _test_cmd_evtchn_bind_interdomain(int fd, unsigned int dom, unsigned int port)
{
	struct ioctl_evtchn_bind_interdomain a = { .remote_domain = dom, .remote_port = port };

	NOTE(IOCTL_EVTCHN_BIND_INTERDOMAIN, ", dom %ld, port %ld", dom, port);
	return xioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &a);
}

int _test_cmd_evtchn_bind_unbound_port(int fd, unsigned int dom)
{
	struct ioctl_evtchn_bind_unbound_port a = { .remote_domain = dom };

	NOTE(IOCTL_EVTCHN_BIND_UNBOUND_PORT, ", dom %ld", dom);
	return xioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &a);
}

int _test_cmd_evtchn_bind_static(int fd, unsigned int port)
{
	struct ioctl_evtchn_bind a = { .port = port };

	NOTE(IOCTL_EVTCHN_BIND_STATIC, ", port %ld", port);
	return xioctl(fd, IOCTL_EVTCHN_BIND_STATIC, &a);
}

int _test_cmd_evtchn_unbind(int fd, unsigned int port)
{
	struct ioctl_evtchn_unbind a = { .port = port };

	NOTE(IOCTL_EVTCHN_UNBIND, ", port %ld", port);
	return xioctl(fd, IOCTL_EVTCHN_UNBIND, &a);
}

int _test_cmd_evtchn_notify(int fd, unsigned int port)
{
	struct ioctl_evtchn_notify a = { .port = port };

	NOTE(IOCTL_EVTCHN_NOTIFY, ", port %ld", port);
	return xioctl(fd, IOCTL_EVTCHN_NOTIFY, &a);
}

int _test_cmd_evtchn_reset(int fd)
{
	NOTE(IOCTL_EVTCHN_RESET, "");
	return xioctl(fd, IOCTL_EVTCHN_RESET, NULL);
}

int _test_cmd_evtchn_restrict_domid(int fd, unsigned int domid)
{
	struct ioctl_evtchn_restrict_domid a = { .domid = domid };

	NOTE(IOCTL_EVTCHN_RESTRICT_DOMID, ", domid %ld", domid);
	return xioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &a);
}

int evtchn_loopback(int a, int b, uint32_t *port_a, uint32_t *port_b)
{
	int pa, pb;

	pa = _test_cmd_evtchn_bind_unbound_port(a, 0);
	if (pa < 0)
		return pa;
	pb = _test_cmd_evtchn_bind_interdomain(b, 0, pa);
	if (pb < 0) {
		_test_cmd_evtchn_unbind(a, pa);
		return pb;
	}
	*port_a = pa;
	*port_b = pb;
	return 0;
}

int evtchn_wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc = poll(&p, 1, ms);

	if (rc < 0)
		return -errno;
	return rc > 0 && (p.revents & POLLIN);
}

int evtchn_read_ports(int fd, uint32_t *ports, int max, int ms)
{
	int fl = fcntl(fd, F_GETFL);
	ssize_t n;
	int rc;

	rc = evtchn_wait_readable(fd, ms);
	if (rc <= 0)
		return rc;
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	n = read(fd, ports, max * sizeof(*ports));
	rc = n < 0 ? -errno : (int)(n / sizeof(*ports));
	fcntl(fd, F_SETFL, fl);
	return rc;
}

int evtchn_unmask(int fd, uint32_t port)
{
	ssize_t n = write(fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	return n == sizeof(port) ? 0 : -EIO;
}

int evtchn_xen_status(uint32_t dom, uint32_t port, uint32_t *peer_dom,
		      uint32_t *peer_port)
{
	xc_evtchn_status_t st = { .dom = dom, .port = port };
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	int rc;

	if (!xch)
		return -errno;
	rc = xc_evtchn_status(xch, &st) ? -errno : (int)st.status;
	xc_interface_close(xch);
	if (rc < 0)
		return rc;
	if (peer_dom)
		*peer_dom = st.status == EVTCHNSTAT_interdomain ? st.u.interdomain.dom :
			    st.status == EVTCHNSTAT_unbound ? st.u.unbound.dom : ~0u;
	if (peer_port)
		*peer_port = st.status == EVTCHNSTAT_interdomain ? st.u.interdomain.port : ~0u;
	return rc;
}

int evtchn_xen_alloc_unbound(uint32_t dom, uint32_t remote)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	int rc;

	if (!xch)
		return -errno;
	rc = xc_evtchn_alloc_unbound(xch, dom, remote);
	if (rc < 0)
		rc = -errno;
	xc_interface_close(xch);
	return rc;
}

int evtchn_xen_close(uint32_t port)
{
	struct privcmd_hypercall call = { .op = __HYPERVISOR_event_channel_op };
	struct evtchn_close close_op = { .port = port };
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	call.arg[0] = EVTCHNOP_close;
	call.arg[1] = (uintptr_t)&close_op;
	rc = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0 ? -errno : 0;
	close(fd);
	return rc;
}
