// SPDX-License-Identifier: GPL-2.0
/*
 * libdmop's typed DMOP calls against a real HVM guest: every sub-op of Xen
 * 4.17's dm_op.h reaches Xen through IOCTL_PRIVCMD_DM_OP and comes back with
 * Xen's answer; those Xen allows on a paused HVM guest are shown to work.
 * And what a backend needs besides DMOPs (libdmop 1.1): the ioreq page
 * mapped, a vCPU's port bound and notified, an irqfd and an ioeventfd.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/hvm/dm_op.h>
#include <xen/hvm/ioreq.h>
#include <xen/hvm/params.h>

#include "kselftest_harness.h"
#include "lib/fixture.h"
#include "libdmop.h"

static const char *const nodes[] = { "/dev/xen/privcmd", "/dev/xen/evtchn", NULL };

FIXTURE(guest) {
	struct xen_guest g;
	struct dmop_handle *h;
	uint16_t dom;
};

FIXTURE_SETUP(guest)
{
	int err;

	test_fixture_setup(.guests = { &self->g });
	self->dom = self->g.domid;
	err = dmop_open(&self->h, DMOP_OPEN_EVTCHN);
	if (err)
		test_fixture_teardown(.guests = { &self->g });
	ASSERT_EQ(0, err) TH_LOG("dmop_open: %s", strerror(-err));
}

FIXTURE_TEARDOWN(guest)
{
	dmop_close(self->h);
	test_fixture_teardown(.guests = { &self->g });
}

TEST_F(guest, nr_vcpus)
{
	unsigned int vcpus = 0;

	ASSERT_EQ(0, dmop_nr_vcpus(self->h, self->dom, &vcpus));
	EXPECT_EQ(1U, vcpus);
}

TEST_F(guest, ioreq_server_lifecycle)
{
	uint64_t ioreq = 1, bufioreq = 1;
	uint32_t port = 0;
	dmop_ioservid_t id = 0xffff;

	ASSERT_EQ(0, dmop_create_ioreq_server(self->h, self->dom, DMOP_BUFIOREQ_ATOMIC, &id));
	EXPECT_NE(0xffff, id);
	/* no gfns: the buffered-ioreq event channel port only */
	ASSERT_EQ(0, dmop_get_ioreq_server_info(self->h, self->dom, id, DMOP_NO_GFNS,
						&ioreq, &bufioreq, &port));
	EXPECT_NE(0U, port);
	EXPECT_EQ(-EINVAL, dmop_get_ioreq_server_info(self->h, self->dom, id, 1U << 4,
						      NULL, NULL, NULL));

	ASSERT_EQ(0, dmop_map_io_range_to_ioreq_server(self->h, self->dom, id,
						       DMOP_IO_RANGE_PORT, 0x1000, 0x100f));
	/* the same range twice is a conflict */
	EXPECT_EQ(-EEXIST, dmop_map_io_range_to_ioreq_server(self->h, self->dom, id,
							     DMOP_IO_RANGE_PORT,
							     0x1000, 0x100f));
	EXPECT_EQ(0, dmop_map_io_range_to_ioreq_server(self->h, self->dom, id,
						       DMOP_IO_RANGE_MEMORY,
						       0xf0000000, 0xf0000fff));
	EXPECT_EQ(0, dmop_map_io_range_to_ioreq_server(self->h, self->dom, id,
						       DMOP_IO_RANGE_PCI,
						       DMOP_PCI_SBDF(0, 0, 3, 0),
						       DMOP_PCI_SBDF(0, 0, 3, 7)));
	EXPECT_EQ(-EINVAL, dmop_map_io_range_to_ioreq_server(self->h, self->dom, id,
							     7, 0, 1));
	EXPECT_EQ(0, dmop_unmap_io_range_from_ioreq_server(self->h, self->dom, id,
							   DMOP_IO_RANGE_PORT,
							   0x1000, 0x100f));
	EXPECT_EQ(-ENOENT, dmop_unmap_io_range_from_ioreq_server(self->h, self->dom, id,
								 DMOP_IO_RANGE_PORT,
								 0x1000, 0x100f));

	EXPECT_EQ(0, dmop_set_ioreq_server_state(self->h, self->dom, id, 1));
	EXPECT_EQ(0, dmop_set_ioreq_server_state(self->h, self->dom, id, 0));

	EXPECT_EQ(0, dmop_map_mem_type_to_ioreq_server(self->h, self->dom, id,
						       DMOP_MEM_IOREQ_SERVER,
						       DMOP_IOREQ_MEM_ACCESS_WRITE));
	/* Xen forwards writes only */
	EXPECT_EQ(-EINVAL, dmop_map_mem_type_to_ioreq_server(self->h, self->dom, id,
							     DMOP_MEM_IOREQ_SERVER,
							     DMOP_IOREQ_MEM_ACCESS_READ));
	EXPECT_EQ(0, dmop_map_mem_type_to_ioreq_server(self->h, self->dom, id,
						       DMOP_MEM_IOREQ_SERVER, 0));

	ASSERT_EQ(0, dmop_destroy_ioreq_server(self->h, self->dom, id));
	EXPECT_EQ(-ENOENT, dmop_destroy_ioreq_server(self->h, self->dom, id));
	EXPECT_EQ(-ENOENT, dmop_set_ioreq_server_state(self->h, self->dom, id, 1));
}

/*
 * Without DMOP_NO_GFNS Xen maps the server's pages into the guest, at
 * frames of the range the toolstack reserved for ioreq servers.
 */
TEST_F(guest, ioreq_server_pages)
{
	uint64_t ioreq = 0, bufioreq = 0;
	xc_interface *xch;
	uint32_t port = 0;
	dmop_ioservid_t id;

	xch = xc_interface_open(NULL, NULL, 0);
	ASSERT_NE(NULL, xch);
	EXPECT_EQ(0, xc_hvm_param_set(xch, self->dom, HVM_PARAM_IOREQ_SERVER_PFN, 0xf0));
	EXPECT_EQ(0, xc_hvm_param_set(xch, self->dom, HVM_PARAM_NR_IOREQ_SERVER_PAGES, 2));
	xc_interface_close(xch);

	ASSERT_EQ(0, dmop_create_ioreq_server(self->h, self->dom, DMOP_BUFIOREQ_LEGACY, &id));
	ASSERT_EQ(0, dmop_get_ioreq_server_info(self->h, self->dom, id, 0, &ioreq,
						&bufioreq, &port));
	EXPECT_TRUE(ioreq == 0xf0 || ioreq == 0xf1);
	EXPECT_TRUE(bufioreq == 0xf0 || bufioreq == 0xf1);
	EXPECT_NE(ioreq, bufioreq);
	EXPECT_NE(0U, port);
	EXPECT_EQ(0, dmop_destroy_ioreq_server(self->h, self->dom, id));
}

TEST_F(guest, interrupt_lines)
{
	EXPECT_EQ(0, dmop_set_isa_irq_level(self->h, self->dom, 5, 1));
	EXPECT_EQ(0, dmop_set_isa_irq_level(self->h, self->dom, 5, 0));
	EXPECT_EQ(-EINVAL, dmop_set_isa_irq_level(self->h, self->dom, 16, 1));
	EXPECT_EQ(-EINVAL, dmop_set_isa_irq_level(self->h, self->dom, 5, 2));

	EXPECT_EQ(0, dmop_set_pci_intx_level(self->h, self->dom, 0, 0, 3, 0, 1));
	EXPECT_EQ(0, dmop_set_pci_intx_level(self->h, self->dom, 0, 0, 3, 0, 0));
	EXPECT_EQ(-EINVAL, dmop_set_pci_intx_level(self->h, self->dom, 0, 0, 3, 4, 0));

	EXPECT_EQ(0, dmop_set_pci_link_route(self->h, self->dom, 0, 5));
	EXPECT_EQ(0, dmop_set_pci_link_route(self->h, self->dom, 0, 0));
	EXPECT_EQ(-EINVAL, dmop_set_pci_link_route(self->h, self->dom, 4, 5));

	EXPECT_EQ(0, dmop_inject_msi(self->h, self->dom, 0xfee00000, 0x30));
	/* set_irq_level is Arm's: x86 Xen does not know it */
	EXPECT_EQ(-EOPNOTSUPP, dmop_set_irq_level(self->h, self->dom, 5, 1));
}

TEST_F(guest, inject_event)
{
	EXPECT_EQ(0, dmop_inject_event(self->h, self->dom, 0, 0x20, DMOP_EVENT_EXT_INT,
				       ~0U, 0, 0));
	/* no second vCPU */
	EXPECT_EQ(-EINVAL, dmop_inject_event(self->h, self->dom, 1, 0x20,
					     DMOP_EVENT_EXT_INT, ~0U, 0, 0));
}

TEST_F(guest, memory)
{
	struct dmop_extent ext[2] = { { .first_pfn = 0, .nr = 1 }, { .first_pfn = 8, .nr = 2 } };
	unsigned long bitmap[4];

	EXPECT_EQ(0, dmop_modified_memory(self->h, self->dom, ext, 2));
	EXPECT_EQ(0, dmop_modified_memory(self->h, self->dom, NULL, 0));

	EXPECT_EQ(0, dmop_set_mem_type(self->h, self->dom, DMOP_MEM_RAM_RO, 16, 2));
	EXPECT_EQ(0, dmop_set_mem_type(self->h, self->dom, DMOP_MEM_RAM_RW, 16, 2));
	EXPECT_EQ(-EINVAL, dmop_set_mem_type(self->h, self->dom, 99, 16, 1));

	EXPECT_EQ(0, dmop_pin_memory_cacheattr(self->h, self->dom, 0xa0, 0xbf,
					       DMOP_MEM_CACHEATTR_WC));
	EXPECT_EQ(0, dmop_pin_memory_cacheattr(self->h, self->dom, 0xa0, 0xbf,
					       DMOP_DELETE_MEM_CACHEATTR));
	EXPECT_EQ(-EINVAL, dmop_pin_memory_cacheattr(self->h, self->dom, 0xa0, 0xbf, 2));

	EXPECT_EQ(0, dmop_track_dirty_vram(self->h, self->dom, 0, 64, bitmap));
	EXPECT_EQ(0, dmop_track_dirty_vram(self->h, self->dom, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, dmop_track_dirty_vram(self->h, self->dom, 0, 64, NULL));

	EXPECT_EQ(0, dmop_relocate_memory(self->h, self->dom, 1, 32, 0x10000));
	/* the frame moved: it can move back to its now empty place */
	EXPECT_EQ(0, dmop_relocate_memory(self->h, self->dom, 1, 0x10000, 32));
}

TEST_F(guest, remote_shutdown)
{
	unsigned int vcpus;

	ASSERT_EQ(0, dmop_remote_shutdown(self->h, self->dom, 0 /* SHUTDOWN_poweroff */));
	/* the domain is shut down, not gone: DMOPs still reach it */
	EXPECT_TRUE(xen_domain_exists(self->dom));
	EXPECT_EQ(0, dmop_nr_vcpus(self->h, self->dom, &vcpus));
}

/* Every typed call reaches Xen: a domain that does not exist is ESRCH. */
TEST_F(guest, every_op_reaches_xen)
{
	uint16_t none = self->dom + 100;
	struct dmop_handle *h = self->h;
	struct dmop_extent ext = { .first_pfn = 0, .nr = 1 };
	unsigned long bitmap[2];
	unsigned int vcpus;
	uint64_t a, b;
	uint32_t port;
	dmop_ioservid_t id;

	ASSERT_FALSE(xen_domain_exists(none));
	EXPECT_EQ(-ESRCH, dmop_create_ioreq_server(h, none, 0, &id));
	EXPECT_EQ(-ESRCH, dmop_get_ioreq_server_info(h, none, 0, 0, &a, &b, &port));
	EXPECT_EQ(-ESRCH, dmop_map_io_range_to_ioreq_server(h, none, 0, 0, 1, 2));
	EXPECT_EQ(-ESRCH, dmop_unmap_io_range_from_ioreq_server(h, none, 0, 0, 1, 2));
	EXPECT_EQ(-ESRCH, dmop_set_ioreq_server_state(h, none, 0, 1));
	EXPECT_EQ(-ESRCH, dmop_destroy_ioreq_server(h, none, 0));
	EXPECT_EQ(-ESRCH, dmop_track_dirty_vram(h, none, 0, 64, bitmap));
	EXPECT_EQ(-ESRCH, dmop_set_pci_intx_level(h, none, 0, 0, 3, 0, 1));
	EXPECT_EQ(-ESRCH, dmop_set_isa_irq_level(h, none, 5, 1));
	EXPECT_EQ(-ESRCH, dmop_set_pci_link_route(h, none, 0, 5));
	EXPECT_EQ(-ESRCH, dmop_modified_memory(h, none, &ext, 1));
	EXPECT_EQ(-ESRCH, dmop_set_mem_type(h, none, DMOP_MEM_RAM_RO, 0, 1));
	EXPECT_EQ(-ESRCH, dmop_inject_event(h, none, 0, 0x20, 0, ~0U, 0, 0));
	EXPECT_EQ(-ESRCH, dmop_inject_msi(h, none, 0xfee00000, 0x30));
	EXPECT_EQ(-ESRCH, dmop_map_mem_type_to_ioreq_server(h, none, 0,
							    DMOP_MEM_IOREQ_SERVER, 2));
	EXPECT_EQ(-ESRCH, dmop_remote_shutdown(h, none, 0));
	EXPECT_EQ(-ESRCH, dmop_relocate_memory(h, none, 1, 0, 0x10000));
	EXPECT_EQ(-ESRCH, dmop_pin_memory_cacheattr(h, none, 0, 1, 6));
	EXPECT_EQ(-ESRCH, dmop_set_irq_level(h, none, 5, 1));
	EXPECT_EQ(-ESRCH, dmop_nr_vcpus(h, none, &vcpus));
}

/* Xen's own answers to malformed requests, through dmop_op_raw(). */
TEST_F(guest, raw_errors)
{
	uint64_t op[16] = { 0 };	/* struct xen_dm_op: op, pad, union */
	uint32_t *opnr = (uint32_t *)op;
	struct dmop_buf bufs[3] = {
		{ .ptr = op, .size = sizeof(op) },
		{ .ptr = op + 8, .size = 8 },
		{ .ptr = op + 12, .size = 8 },
	};
	unsigned int vcpus;

	*opnr = 0;
	EXPECT_EQ(-EOPNOTSUPP, dmop_op_raw(self->h, self->dom, bufs, 1));
	*opnr = DMOP_OP_MAX + 1;
	EXPECT_EQ(-EOPNOTSUPP, dmop_op_raw(self->h, self->dom, bufs, 1));
	*opnr = DMOP_OP_MAX;
	EXPECT_EQ(-E2BIG, dmop_op_raw(self->h, self->dom, bufs, 3));
	bufs[0].size = 4;
	EXPECT_EQ(-EFAULT, dmop_op_raw(self->h, self->dom, bufs, 1));
	/* dom0 aiming at itself */
	EXPECT_EQ(-EPERM, dmop_nr_vcpus(self->h, 0, &vcpus));
}

/* dmop_restrict(): the handle's DMOPs reach its guest and no other domain. */
TEST_F(guest, restrict_handle)
{
	unsigned int vcpus;

	EXPECT_EQ(DMOP_DOMID_INVALID, dmop_restricted_domid(self->h));
	ASSERT_EQ(0, dmop_restrict(self->h, self->dom));
	EXPECT_EQ(self->dom, dmop_restricted_domid(self->h));
	EXPECT_EQ(0, dmop_nr_vcpus(self->h, self->dom, &vcpus));
	EXPECT_EQ(-EPERM, dmop_nr_vcpus(self->h, self->dom + 1, &vcpus));
	EXPECT_EQ(-EPERM, dmop_set_isa_irq_level(self->h, 0, 5, 1));
	/* privcmd stays with its first domain */
	EXPECT_EQ(-EINVAL, dmop_restrict(self->h, self->dom + 1));
}

/*
 * What tools/vionotify does, through libdmop only: map the ioreq page of a
 * new server, read vCPU 0's ioreq, bind and notify its port, then the fast
 * path: an irqfd that raises ISA IRQ 5 and an ioeventfd on the page, each
 * assigned twice (EBUSY), with sizes the library or the kernel refuses,
 * and deassigned twice (the second time there is nothing to deassign).
 */
TEST_F(guest, serve_ioreqs)
{
	struct xen_dm_op raise = {
		.op = XEN_DMOP_set_isa_irq_level,
		.u.set_isa_irq_level = { .isa_irq = 5, .level = 1 },
	};
	struct dmop_audit a = { .sz = sizeof(a) };
	struct dmop_ioeventfd io, bad;
	volatile struct ioreq *req;
	uint32_t port = 0, ports2[2];
	struct dmop_handle *no_evtchn;
	int irq_efd, notify_efd, rc;
	unsigned int state;
	bool ours = xen_env_ours();
	void *page = NULL;
	dmop_ioservid_t id;

	ASSERT_EQ(0, dmop_create_ioreq_server(self->h, self->dom, DMOP_BUFIOREQ_OFF, &id));
	EXPECT_EQ(-EINVAL, dmop_map_ioreq_pages(self->h, self->dom, id,
						DMOP_IOREQ_FRAME_IOREQ(0), 0, &page));
	ASSERT_EQ(0, dmop_map_ioreq_pages(self->h, self->dom, id, DMOP_IOREQ_FRAME_IOREQ(0), 1,
					  &page));
	ASSERT_NE(NULL, page);
	if (ours) {
		ASSERT_EQ(0, dmop_query(self->h, &a));
		EXPECT_EQ(1U, a.mapped_pages);
	}
	/* enabled, Xen writes vCPU 0's port into its ioreq */
	ASSERT_EQ(0, dmop_set_ioreq_server_state(self->h, self->dom, id, 1));
	req = page;
	state = req->state;	/* a bit-field: the harness cannot take its type */
	EXPECT_EQ((unsigned int)STATE_IOREQ_NONE, state);
	ASSERT_NE(0U, req->vp_eport);

	ASSERT_EQ(0, dmop_open(&no_evtchn, 0));
	EXPECT_EQ(-EBADF, dmop_evtchn_bind_interdomain(no_evtchn, self->dom, req->vp_eport,
						       &port));
	EXPECT_EQ(-EBADF, dmop_evtchn_notify(no_evtchn, 1));
	dmop_close(no_evtchn);
	EXPECT_EQ(-EINVAL, dmop_evtchn_bind_interdomain(self->h, self->dom, req->vp_eport, NULL));
	ASSERT_EQ(0, dmop_evtchn_bind_interdomain(self->h, self->dom, req->vp_eport, &port));
	EXPECT_NE(0U, port);
	/* bound now, no longer unbound: Xen refuses a second bind */
	EXPECT_EQ(-EINVAL, dmop_evtchn_bind_interdomain(self->h, self->dom, req->vp_eport,
							&ports2[0]));
	EXPECT_EQ(0, dmop_evtchn_notify(self->h, port));
	EXPECT_EQ(-ENOTCONN, dmop_evtchn_notify(self->h, port + 100));

	irq_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	notify_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, irq_efd);
	ASSERT_LE(0, notify_efd);
	io = (struct dmop_ioeventfd){
		.sz = sizeof(io), .event_fd = notify_efd, .vcpus = 1, .addr_len = 4, .vq = 0,
		.ioreq = page, .ports = &port, .addr = 0xfe000000ULL,
	};

	/* the library's checks come first, whichever the driver */
	EXPECT_EQ(-EINVAL, dmop_irqfd_assign(self->h, self->dom, irq_efd, &raise, 0));
	EXPECT_EQ(-E2BIG, dmop_irqfd_assign(self->h, self->dom, irq_efd, &raise,
					    DMOP_IRQFD_MAX_SIZE + 1));
	bad = io;
	bad.addr_len = 3;
	EXPECT_EQ(-EINVAL, dmop_ioeventfd_assign(self->h, self->dom, &bad));

	rc = dmop_irqfd_assign(self->h, self->dom, irq_efd, &raise, sizeof(raise));
	if (!ours) {
		/* 6.1's in-tree driver has no irqfd; Debian's 6.12 is built without */
		EXPECT_TRUE(rc == -ENOTTY || rc == -EOPNOTSUPP) TH_LOG("irqfd: %d", rc);
		rc = dmop_ioeventfd_assign(self->h, self->dom, &io);
		EXPECT_TRUE(rc == -ENOTTY || rc == -EOPNOTSUPP) TH_LOG("ioeventfd: %d", rc);
		privcmd_diff("in-tree privcmd has no IRQFD/IOEVENTFD");
		goto out;
	}
	EXPECT_EQ(0, rc);
	EXPECT_EQ(-EBUSY, dmop_irqfd_assign(self->h, self->dom, irq_efd, &raise, sizeof(raise)));
	ASSERT_EQ(0, xen_guest_isa_irq(self->dom, 5));
	ASSERT_EQ(8, write(irq_efd, &(uint64_t){ 1 }, 8));
	EXPECT_EQ(1, xen_guest_isa_irq_wait(self->dom, 5, 1, 2000));
	EXPECT_EQ(0, dmop_irqfd_deassign(self->h, self->dom, irq_efd));
	EXPECT_EQ(-ENOENT, dmop_irqfd_deassign(self->h, self->dom, irq_efd));
	EXPECT_EQ(0, dmop_set_isa_irq_level(self->h, self->dom, 5, 0));

	ASSERT_EQ(0, dmop_ioeventfd_assign(self->h, self->dom, &io));
	EXPECT_EQ(-EBUSY, dmop_ioeventfd_assign(self->h, self->dom, &io));
	/* the kernel's own check: the page is in use with one vCPU */
	bad = io;
	bad.event_fd = irq_efd;
	bad.vcpus = 2;
	ports2[0] = ports2[1] = port;
	bad.ports = ports2;
	EXPECT_EQ(-EINVAL, dmop_ioeventfd_assign(self->h, self->dom, &bad));
	ASSERT_EQ(0, dmop_query(self->h, &a));
	EXPECT_NE(0U, a.have & DMOP_HAVE_EVENTFDS);
	EXPECT_EQ(0U, a.irqfds);
	EXPECT_EQ(1U, a.irqfd_injections);
	EXPECT_EQ(1U, a.ioeventfds);
	EXPECT_EQ(0, dmop_ioeventfd_deassign(self->h, self->dom, &io));
	EXPECT_EQ(-ENODEV, dmop_ioeventfd_deassign(self->h, self->dom, &io));
	ASSERT_EQ(0, dmop_query(self->h, &a));
	EXPECT_EQ(0U, a.ioeventfds);
out:
	close(irq_efd);
	close(notify_efd);
	EXPECT_EQ(0, dmop_unmap_ioreq_pages(page, 1));
	EXPECT_EQ(0, dmop_destroy_ioreq_server(self->h, self->dom, id));
}

int main(int argc, char **argv)
{
	xen_env_require_dom0(nodes);
	return test_harness_run(argc, argv);
}
