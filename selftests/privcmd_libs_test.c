// SPDX-License-Identifier: GPL-2.0
/*
 * Unmodified libxendevicemodel, libxenforeignmemory and libxentoolcore
 * (Debian's static builds) driving /dev/xen/privcmd: what QEMU does as a
 * device model, including restricting itself to its guest.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xendevicemodel.h>
#include <xenforeignmemory.h>
#include <xentoolcore.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/ioreq.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"

static const char *const nodes[] = { PRIVCMD_NODE, PRIVCMDBUF_NODE, NULL };

FIXTURE(libs) {
	struct xen_guest g, other;
	xendevicemodel_handle *dmod;
	xenforeignmemory_handle *fmem;
};

FIXTURE_SETUP(libs)
{
	test_fixture_setup(.guests = { &self->g, &self->other });
	self->dmod = xendevicemodel_open(NULL, 0);
	ASSERT_NE(NULL, self->dmod);
	self->fmem = xenforeignmemory_open(NULL, 0);
	ASSERT_NE(NULL, self->fmem);
}

FIXTURE_TEARDOWN(libs)
{
	if (self->fmem)
		xenforeignmemory_close(self->fmem);
	if (self->dmod)
		xendevicemodel_close(self->dmod);
	test_fixture_teardown(.guests = { &self->g, &self->other });
}

TEST_F(libs, devicemodel_ops)
{
	unsigned int vcpus = 0;
	ioservid_t id;

	ASSERT_EQ(0, xendevicemodel_nr_vcpus(self->dmod, self->g.domid, &vcpus));
	EXPECT_EQ(1U, vcpus);
	ASSERT_EQ(0, xendevicemodel_create_ioreq_server(self->dmod, self->g.domid,
							HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id));
	EXPECT_EQ(0, xendevicemodel_map_io_range_to_ioreq_server(self->dmod, self->g.domid, id,
								 0, 0x3f8, 0x3ff));
	EXPECT_EQ(0, xendevicemodel_set_ioreq_server_state(self->dmod, self->g.domid, id, 1));
	EXPECT_EQ(0, xendevicemodel_set_isa_irq_level(self->dmod, self->g.domid, 4, 1));
	EXPECT_EQ(0, xendevicemodel_destroy_ioreq_server(self->dmod, self->g.domid, id));
	EXPECT_EQ(-1, xendevicemodel_nr_vcpus(self->dmod, 0, &vcpus));
	EXPECT_EQ(EPERM, errno);
}

/* After xendevicemodel_restrict only DM_OP on our guest can work at all. */
TEST_F(libs, devicemodel_restrict)
{
	unsigned int vcpus = 0;
	ioservid_t id;

	ASSERT_EQ(0, xendevicemodel_restrict(self->dmod, self->g.domid));
	EXPECT_EQ(0, xendevicemodel_nr_vcpus(self->dmod, self->g.domid, &vcpus));
	EXPECT_EQ(1U, vcpus);
	ASSERT_EQ(0, xendevicemodel_create_ioreq_server(self->dmod, self->g.domid,
							HVM_IOREQSRV_BUFIOREQ_OFF, &id));
	EXPECT_EQ(0, xendevicemodel_destroy_ioreq_server(self->dmod, self->g.domid, id));
	EXPECT_EQ(-1, xendevicemodel_nr_vcpus(self->dmod, self->other.domid, &vcpus));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, xendevicemodel_restrict(self->dmod, self->other.domid));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, xendevicemodel_restrict(self->dmod, self->g.domid));
}

TEST_F(libs, foreignmemory_map_write_read_back)
{
	xen_pfn_t gfns[3] = { 60, 61, 62 };
	int err[3] = { 1, 1, 1 };
	long page = getpagesize();
	unsigned char *a, *b;

	a = xenforeignmemory_map(self->fmem, self->g.domid, PROT_READ | PROT_WRITE, 3, gfns, err);
	ASSERT_NE(NULL, a);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, err[i]);
	memset(a, 0x3c, 3 * page);
	a[page + 1] = 0x99;
	b = xenforeignmemory_map(self->fmem, self->g.domid, PROT_READ, 3, gfns, err);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0x3c, b[0]);
	EXPECT_EQ(0x99, b[page + 1]);
	EXPECT_EQ(0x3c, b[3 * page - 1]);
	EXPECT_EQ(0, xenforeignmemory_unmap(self->fmem, a, 3));
	EXPECT_EQ(0, xenforeignmemory_unmap(self->fmem, b, 3));
}

TEST_F(libs, foreignmemory_per_frame_errors)
{
	xen_pfn_t gfns[2] = { 60, 0x100000 };
	int err[2] = { 1, 1 };
	void *a = xenforeignmemory_map(self->fmem, self->g.domid, PROT_READ, 2, gfns, err);

	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, err[0]);
	EXPECT_EQ(-EINVAL, err[1]);
	EXPECT_EQ(0, xenforeignmemory_unmap(self->fmem, a, 2));
}

TEST_F(libs, foreignmemory_restrict)
{
	xen_pfn_t gfn = 60;
	int err = 1;
	void *a;

	ASSERT_EQ(0, xenforeignmemory_restrict(self->fmem, self->g.domid));
	a = xenforeignmemory_map(self->fmem, self->g.domid, PROT_READ, 1, &gfn, &err);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0, xenforeignmemory_unmap(self->fmem, a, 1));
	a = xenforeignmemory_map(self->fmem, self->other.domid, PROT_READ, 1, &gfn, &err);
	EXPECT_EQ(NULL, a);
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, xenforeignmemory_restrict(self->fmem, self->other.domid));
	EXPECT_EQ(EINVAL, errno);
}

/* What QEMU does: map the ioreq server's pages, then see Xen fill them in. */
TEST_F(libs, foreignmemory_map_resource)
{
	xenforeignmemory_resource_handle *res;
	struct shared_iopage *iopage = NULL;
	size_t size = 0;
	ioservid_t id;

	ASSERT_EQ(0, xendevicemodel_create_ioreq_server(self->dmod, self->g.domid,
							HVM_IOREQSRV_BUFIOREQ_ATOMIC, &id));
	ASSERT_EQ(0, xenforeignmemory_resource_size(self->fmem, self->g.domid,
						    XENMEM_resource_ioreq_server, id, &size));
	EXPECT_LE(2UL * getpagesize(), size);
	res = xenforeignmemory_map_resource(self->fmem, self->g.domid,
					    XENMEM_resource_ioreq_server, id,
					    XENMEM_resource_ioreq_server_frame_ioreq(0), 1,
					    (void **)&iopage, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(NULL, res);
	ASSERT_NE(NULL, iopage);
	EXPECT_EQ(0U, iopage->vcpu_ioreq[0].vp_eport);
	ASSERT_EQ(0, xendevicemodel_set_ioreq_server_state(self->dmod, self->g.domid, id, 1));
	EXPECT_NE(0U, iopage->vcpu_ioreq[0].vp_eport);
	EXPECT_EQ(0, xenforeignmemory_unmap_resource(self->fmem, res));
	EXPECT_EQ(0, xendevicemodel_destroy_ioreq_server(self->dmod, self->g.domid, id));
}

/* QEMU's -xen-domid-restrict: every library handle at once. */
TEST_F(libs, toolcore_restrict_all)
{
	unsigned int vcpus;
	xen_pfn_t gfn = 60;
	int err;
	void *a;

	ASSERT_EQ(0, xentoolcore_restrict_all(self->g.domid));
	EXPECT_EQ(0, xendevicemodel_nr_vcpus(self->dmod, self->g.domid, &vcpus));
	EXPECT_EQ(-1, xendevicemodel_nr_vcpus(self->dmod, self->other.domid, &vcpus));
	EXPECT_EQ(EPERM, errno);
	a = xenforeignmemory_map(self->fmem, self->g.domid, PROT_READ, 1, &gfn, &err);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, xenforeignmemory_unmap(self->fmem, a, 1));
	a = xenforeignmemory_map(self->fmem, self->other.domid, PROT_READ, 1, &gfn, &err);
	EXPECT_EQ(NULL, a);
	EXPECT_EQ(EPERM, errno);
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
