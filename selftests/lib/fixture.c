// SPDX-License-Identifier: GPL-2.0
/* What most fixtures set up and tear down; see fixture.h. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "evtchn_util.h"
#include "fixture.h"
#include "privcmd_util.h"

static int nr_guests(const struct test_fixture *f)
{
	int n = 0;

	while (n < TEST_FIXTURE_MAX_GUESTS && f->guests[n])
		n++;
	return n;
}

/* Guests last first, then the files; the first failure is noted in @what. */
static int release(const struct test_fixture *f, char *what, size_t len)
{
	int err = 0;

	for (int i = nr_guests(f) - 1; i >= 0; i--) {
		unsigned int domid = f->guests[i]->domid;
		int rc = xen_guest_destroy(f->guests[i]);

		if (rc && !err) {
			err = rc;
			snprintf(what, len, "destroying guest %u (xen_guest_destroy)", domid);
		}
	}
	for (int i = 1; i >= 0; i--) {
		if (f->evtchn[i] && *f->evtchn[i] >= 0) {
			close(*f->evtchn[i]);
			*f->evtchn[i] = -1;
		}
	}
	if (f->privcmd && *f->privcmd >= 0) {
		close(*f->privcmd);
		*f->privcmd = -1;
	}
	return err;
}

int __test_fixture_setup(const struct test_fixture *f, char *what, size_t len)
{
	int n = nr_guests(f), err = 0, i;

	if (f->privcmd)
		*f->privcmd = -1;
	for (i = 0; i < 2; i++)
		if (f->evtchn[i])
			*f->evtchn[i] = -1;
	for (i = 0; i < n; i++)
		f->guests[i]->domid = 0;

	if (f->privcmd) {
		err = *f->privcmd = privcmd_open();
		if (err < 0) {
			snprintf(what, len, "open %s", PRIVCMD_NODE);
			goto fail;
		}
	}
	for (i = 0; i < 2; i++) {
		if (!f->evtchn[i])
			continue;
		err = *f->evtchn[i] = evtchn_open(0);
		if (err < 0) {
			snprintf(what, len, "open %s", EVTCHN_NODE);
			goto fail;
		}
	}
	for (i = 0; i < n; i++) {
		err = xen_guest_create(f->guests[i], TEST_GUEST_PAGES);
		if (err) {
			snprintf(what, len, "guest %d of %d (xen_guest_create)", i + 1, n);
			goto fail;
		}
	}
	return 0;
fail:
	release(f, NULL, 0);	/* the failure to report is the one above */
	return err;
}

int __test_fixture_teardown(const struct test_fixture *f, char *what, size_t len)
{
	return release(f, what, len);
}
