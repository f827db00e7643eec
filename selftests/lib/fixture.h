/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What most fixtures set up: open /dev/xen/privcmd and /dev/xen/evtchn
 * files and create real HVM guests, and undo it in the teardown:
 *
 *	FIXTURE(dmop) {
 *		int fd;
 *		struct xen_guest g;
 *	};
 *
 *	FIXTURE_SETUP(dmop)
 *	{
 *		test_fixture_setup(.privcmd = &self->fd, .guests = { &self->g });
 *	}
 *
 *	FIXTURE_TEARDOWN(dmop)
 *	{
 *		test_fixture_teardown(.privcmd = &self->fd, .guests = { &self->g });
 *	}
 *
 * The setup opens the files, then creates the guests in order; when a step
 * fails it undoes the steps before (the harness runs no teardown after a
 * failed setup: a guest made before would outlive the test in Xen) and
 * fails the setup (ASSERT) with one message:
 *
 *	# privcmd_restrict_test.c:135:matrix:fixture: guest 2 of 2
 *	  (xen_guest_create): Cannot allocate memory
 *
 * The teardown destroys the guests (last first) and closes the files, and
 * EXPECTs every destroy to have succeeded. A guest a test destroyed itself
 * (xen_guest_destroy() leaves domid 0) is skipped; a file a test closed
 * itself should be set to -1.
 *
 * The work is done in fixture.c (lib/ never includes the harness, which
 * defines objects); the macros here assert at the caller's line. The
 * debugfs live counters' checks (lib/live.h) are here for the same reason.
 * Tests only, after kselftest_harness.h.
 */
#ifndef XEN_DMOP_SELFTEST_FIXTURE_H
#define XEN_DMOP_SELFTEST_FIXTURE_H

#include <stddef.h>
#include <string.h>

#include "evtchn_util.h"
#include "live.h"
#include "privcmd_util.h"
#include "xen_env.h"

/* The RAM of a fixture's guest, from frame 0 up. */
#define TEST_GUEST_PAGES 256
#define TEST_FIXTURE_MAX_GUESTS 3

/**
 * struct test_fixture - what a fixture opens and creates, and where it keeps it.
 * @privcmd: where the fd of an open PRIVCMD_NODE goes, or NULL.
 * @evtchn: where the fds of up to two open EVTCHN_NODE files go (NULL: fewer).
 * @guests: the guests to create (TEST_GUEST_PAGES each), NULL-terminated.
 */
struct test_fixture {
	int *privcmd;
	int *evtchn[2];
	struct xen_guest *guests[TEST_FIXTURE_MAX_GUESTS + 1];
};

/*
 * Open, then create, in that order; on a failure undo what was done and
 * say what failed in @what. Return: 0 or -errno.
 */
int __test_fixture_setup(const struct test_fixture *f, char *what, size_t len);
/*
 * Destroy the guests, close the files. Return: 0, or the first destroy's
 * -errno (said in @what); everything is released either way.
 */
int __test_fixture_teardown(const struct test_fixture *f, char *what, size_t len);

/* In FIXTURE_SETUP(): the struct test_fixture fields as designated initializers. */
#define test_fixture_setup(...) do {						\
	char _what[96] = "";							\
	int _err = __test_fixture_setup(&(const struct test_fixture){ __VA_ARGS__ }, \
					_what, sizeof(_what));			\
										\
	ASSERT_EQ(0, _err) TH_LOG("fixture: %s: %s", _what, strerror(-_err));	\
} while (0)

/* In FIXTURE_TEARDOWN(): the same fields as the setup's. */
#define test_fixture_teardown(...) do {						\
	char _what[96] = "";							\
	int _err = __test_fixture_teardown(&(const struct test_fixture){ __VA_ARGS__ }, \
					   _what, sizeof(_what));		\
										\
	EXPECT_EQ(0, _err) TH_LOG("fixture: %s: %s", _what, strerror(-_err));	\
} while (0)

/*
 * test_live_read() - ASSERT that debugfs @mod/live (lib/live.h) reads
 * cleanly into @l.
 */
#define test_live_read(mod, l) do {						\
	int _n = live_read(mod, l);						\
										\
	ASSERT_LT(0, _n) TH_LOG("debugfs %s/live: %s", mod, strerror(-_n));	\
} while (0)

/*
 * test_live_unchanged() - EXPECT that two readings of one module's live
 * counters hold the same keys with the same values; @fmt, ... says when
 * (printed with each difference).
 */
#define test_live_unchanged(before, after, fmt, ...) do {			\
	const struct live *_b = (before), *_a = (after);			\
										\
	EXPECT_EQ(_b->n, _a->n) TH_LOG("%s live: %d keys, then %d; " fmt,	\
				       _b->mod, _b->n, _a->n, ##__VA_ARGS__);	\
	for (int _i = 0; _i < _b->n; _i++) {					\
		EXPECT_EQ(_b->val[_i], live_get(_a, _b->key[_i]))		\
			TH_LOG("%s live %s: %lld, then %lld; " fmt, _b->mod,	\
			       _b->key[_i], _b->val[_i], live_get(_a, _b->key[_i]), \
			       ##__VA_ARGS__);					\
	}									\
} while (0)

#endif
