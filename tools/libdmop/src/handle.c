// SPDX-License-Identifier: LGPL-2.1-only
/*
 * The handle: the privcmd (and evtchn) file a device model owns, and the
 * two ioctls every other piece is built on, DM_OP and RESTRICT.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

DMOP_EXPORT int dmop_open_fds(struct dmop_handle **out, int privcmd_fd,
			      int evtchn_fd)
{
	struct dmop_handle *h;

	if (!out || fcntl(privcmd_fd, F_GETFD) < 0)
		return -EBADF;
	if (evtchn_fd >= 0 && fcntl(evtchn_fd, F_GETFD) < 0)
		return -EBADF;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->privcmd_fd = privcmd_fd;
	h->evtchn_fd = evtchn_fd < 0 ? -1 : evtchn_fd;
	h->restricted = DMOP_DOMID_INVALID;
	*out = h;
	return 0;
}

DMOP_EXPORT int dmop_open(struct dmop_handle **out, unsigned int flags)
{
	int pfd, efd = -1, err;

	if (!out || (flags & ~DMOP_OPEN_EVTCHN))
		return -EINVAL;
	pfd = open(DMOP_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (pfd < 0)
		return -errno;
	if (flags & DMOP_OPEN_EVTCHN) {
		efd = open(DMOP_EVTCHN_PATH, O_RDWR | O_CLOEXEC);
		if (efd < 0) {
			err = -errno;
			goto close_privcmd;
		}
	}
	err = dmop_open_fds(out, pfd, efd);
	if (err)
		goto close_evtchn;
	return 0;

close_evtchn:
	if (efd >= 0)
		close(efd);
close_privcmd:
	close(pfd);
	return err;
}

DMOP_EXPORT void dmop_close(struct dmop_handle *h)
{
	if (!h)
		return;
	if (h->evtchn_fd >= 0)
		close(h->evtchn_fd);
	close(h->privcmd_fd);
	free(h);
}

DMOP_EXPORT int dmop_privcmd_fd(const struct dmop_handle *h)
{
	return h->privcmd_fd;
}

DMOP_EXPORT int dmop_evtchn_fd(const struct dmop_handle *h)
{
	return h->evtchn_fd;
}

DMOP_EXPORT uint16_t dmop_restricted_domid(const struct dmop_handle *h)
{
	return h->restricted;
}

/* Same device node as @path? Compared by rdev so renamed nodes still count. */
static int same_rdev(const struct stat *st, const char *path)
{
	struct stat dev;

	return !stat(path, &dev) && S_ISCHR(dev.st_mode) &&
	       dev.st_rdev == st->st_rdev;
}

int dmop_fd_kind(int fd)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	if (same_rdev(&st, DMOP_PRIVCMD_PATH))
		return DMOP_DEV_PRIVCMD;
	if (same_rdev(&st, DMOP_EVTCHN_PATH))
		return DMOP_DEV_EVTCHN;
	/* no device nodes to compare with (e.g. chrooted): use the name */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	if (!strcmp(target, DMOP_PRIVCMD_PATH))
		return DMOP_DEV_PRIVCMD;
	if (!strcmp(target, DMOP_EVTCHN_PATH))
		return DMOP_DEV_EVTCHN;
	return -1;
}

int dmop_restrict_fd(int fd, int kind, uint16_t domid)
{
	struct ioctl_evtchn_restrict_domid er = { .domid = domid };
	uint16_t dom = domid;
	int rc;

	if (kind == DMOP_DEV_PRIVCMD)
		rc = ioctl(fd, IOCTL_PRIVCMD_RESTRICT, &dom);
	else if (kind == DMOP_DEV_EVTCHN)
		rc = ioctl(fd, IOCTL_EVTCHN_RESTRICT_DOMID, &er);
	else
		return -EBADF;
	return rc < 0 ? -errno : 0;
}

DMOP_EXPORT int dmop_restrict(struct dmop_handle *h, uint16_t domid)
{
	int err;

	if (domid == DMOP_DOMID_INVALID)
		return -EINVAL;
	err = dmop_restrict_fd(h->privcmd_fd, DMOP_DEV_PRIVCMD, domid);
	if (err)
		return err;
	/* privcmd is restricted for good now: remember it even if evtchn fails */
	h->restricted = domid;
	if (h->evtchn_fd >= 0)
		return dmop_restrict_fd(h->evtchn_fd, DMOP_DEV_EVTCHN, domid);
	return 0;
}

DMOP_EXPORT int dmop_op_raw(struct dmop_handle *h, uint16_t domid,
			    const struct dmop_buf *bufs, unsigned int nr)
{
	struct privcmd_dm_op_buf kbufs[16];
	struct privcmd_dm_op op = { .dom = domid, .num = nr, .ubufs = kbufs };

	/* Xen takes at most 2 buffers; more still reach the driver for tests */
	if (nr > ARRAY_SIZE(kbufs) || (nr && !bufs))
		return -EINVAL;
	for (unsigned int i = 0; i < nr; i++) {
		kbufs[i].uptr = bufs[i].ptr;
		kbufs[i].size = bufs[i].size;
	}
	return ioctl(h->privcmd_fd, IOCTL_PRIVCMD_DM_OP, &op) < 0 ? -errno : 0;
}
