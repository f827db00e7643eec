/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A page that is not there yet: the first touch of it blocks until the test
 * lets it arrive (userfaultfd, missing mode), as a stalled NFS or FUSE page
 * would. An ioctl whose argument sits on it stops inside the driver at its
 * copy of the argument, which is where the race tests want it.
 */
#ifndef XEN_DMOP_SELFTEST_STALL_H
#define XEN_DMOP_SELFTEST_STALL_H

#include <stdatomic.h>
#include <stddef.h>

/**
 * struct stalled_page - one missing page.
 * @addr: the page; put an ioctl's argument here.
 * @size: its size.
 * @uffd: the userfaultfd it is registered with.
 */
struct stalled_page {
	void *addr;
	long size;
	int uffd;
};

/* Map and register the page: 0, or -errno (nothing left behind). */
int stalled_page_open(struct stalled_page *p);
/* Block until a thread touched the page: 0, or -errno. */
int stalled_page_wait_touch(struct stalled_page *p);
/* Let the page arrive holding @len bytes of @src (zeros after): 0 or -errno. */
int stalled_page_fill(struct stalled_page *p, const void *src, size_t len);
void stalled_page_close(struct stalled_page *p);

/**
 * struct stalled_ioctl - an ioctl a thread makes (stalled_ioctl_run()),
 *	typically with its argument on a stalled page.
 * @fd: the file.
 * @cmd: the command.
 * @arg: the argument.
 * @rc: the result: ioctl()'s return value, or -errno.
 * @done: set once @rc is.
 */
struct stalled_ioctl {
	int fd;
	unsigned long cmd;
	void *arg;
	long rc;
	atomic_bool done;
};

/* A pthread start routine: the ioctl of the struct stalled_ioctl @arg. */
void *stalled_ioctl_run(void *arg);

#endif
