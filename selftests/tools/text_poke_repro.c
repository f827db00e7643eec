// SPDX-License-Identifier: GPL-2.0
/*
 * text_poke_repro: the reproducer of the "Oops: int3" dom0 panic
 * (Documentation/dev-tools/testing.rst, "Live code patching under TCG").
 *
 * Not a test: it is meant to crash the kernel when the bug is there, so the
 * suite never runs it (scripts/vm/repro-text-poke boots it on purpose).
 *
 * CPU 0 enables and disables one trace event in a loop. The first enabled
 * event of the system also starts task-name recording, which attaches probes
 * to sched_switch and sched_wakeup: every cycle live-patches their jump labels
 * in core scheduler code with text_poke_bp() (int3 first, then the new
 * bytes). Meanwhile two processes pinned to CPU 1 wake each other up through
 * a pipe, so that CPU runs try_to_wake_up() -> ttwu_do_activate(), one of the
 * patched sites, as often as it can.
 *
 *   text_poke_repro [-n CYCLES] [-q] EVENT_ENABLE_FILE
 *
 * -q: no wake-up load on CPU 1 (it only takes its timer interrupts, as in the
 * original panic). Prints "repro: cycles=N secs=S" at the end; a kernel with
 * the bug dies before that with "Oops: int3" on the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "repro: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
}

/* One end of the ping-pong: read a byte, write it back, forever. */
static void pingpong(int in, int out, int start)
{
	char c = 'x';

	pin(1);
	if (start && write(out, &c, 1) != 1)
		_exit(1);
	for (;;) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			_exit(1);
	}
}

static pid_t spawn(int in, int out, int start)
{
	pid_t pid = fork();

	if (pid == 0)
		pingpong(in, out, start);
	return pid;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

int main(int argc, char **argv)
{
	unsigned long cycles = 1000, i;
	int a[2], b[2], opt, err;
	pid_t kids[2] = { 0, 0 };
	struct timespec t0, t1;
	bool load = true;
	const char *path;

	while ((opt = getopt(argc, argv, "n:q")) != -1) {
		switch (opt) {
		case 'n':
			cycles = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			load = false;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	path = argv[optind];
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "repro: needs two online CPUs\n");
		return 2;
	}

	if (load) {
		if (pipe(a) || pipe(b)) {
			perror("repro: pipe");
			return 1;
		}
		kids[0] = spawn(a[0], b[1], 1);
		kids[1] = spawn(b[0], a[1], 0);
	}
	pin(0);
	printf("repro: %lu enable/disable cycles of %s, %s\n", cycles, path,
	       load ? "wake-up ping-pong on CPU 1" : "CPU 1 idle");
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < cycles; i++) {
		err = write_str(path, "1");
		if (!err)
			err = write_str(path, "0");
		if (err) {
			fprintf(stderr, "repro: writing %s: %s\n", path, strerror(-err));
			break;
		}
		if ((i + 1) % 100 == 0) {
			printf("repro: %lu cycles\n", i + 1);
			fflush(stdout);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int k = 0; k < 2; k++) {
		if (kids[k] > 0) {
			kill(kids[k], SIGKILL);
			waitpid(kids[k], NULL, 0);
		}
	}
	printf("repro: cycles=%lu secs=%.1f\n", i,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return i == cycles ? 0 : 1;

usage:
	fprintf(stderr, "usage: text_poke_repro [-n CYCLES] [-q] EVENT_ENABLE_FILE\n");
	return 2;
}
