// SPDX-License-Identifier: GPL-2.0
/* A page whose first touch blocks until the test fills it; see stall.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stall.h"

int stalled_page_open(struct stalled_page *p)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	int err;

	p->size = getpagesize();
	p->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (p->uffd < 0)
		return -errno;
	p->addr = mmap(NULL, p->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->addr == MAP_FAILED) {
		err = -errno;
		goto err_close;
	}
	reg.range.start = (uintptr_t)p->addr;
	reg.range.len = p->size;
	if (ioctl(p->uffd, UFFDIO_API, &api) || ioctl(p->uffd, UFFDIO_REGISTER, &reg)) {
		err = -errno;
		goto err_unmap;
	}
	return 0;

err_unmap:
	munmap(p->addr, p->size);
err_close:
	close(p->uffd);
	return err;
}

int stalled_page_wait_touch(struct stalled_page *p)
{
	struct uffd_msg msg;
	ssize_t n = read(p->uffd, &msg, sizeof(msg));

	if (n < 0)
		return -errno;
	if (n != sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT)
		return -EPROTO;
	return 0;
}

int stalled_page_fill(struct stalled_page *p, const void *src, size_t len)
{
	struct uffdio_copy copy;
	void *page;
	int err = 0;

	if (len > (size_t)p->size)
		return -EINVAL;
	page = calloc(1, p->size);
	if (!page)
		return -ENOMEM;
	memcpy(page, src, len);
	copy = (struct uffdio_copy){ .dst = (uintptr_t)p->addr, .src = (uintptr_t)page,
				     .len = p->size };
	if (ioctl(p->uffd, UFFDIO_COPY, &copy))
		err = -errno;
	free(page);
	return err;
}

void stalled_page_close(struct stalled_page *p)
{
	munmap(p->addr, p->size);
	close(p->uffd);
}

void *stalled_ioctl_run(void *arg)
{
	struct stalled_ioctl *s = arg;

	s->rc = ioctl(s->fd, s->cmd, s->arg);
	if (s->rc < 0)
		s->rc = -errno;
	atomic_store(&s->done, true);
	return NULL;
}
