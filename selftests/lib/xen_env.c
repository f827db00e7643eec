// SPDX-License-Identifier: GPL-2.0
/* Shared helpers for the xen-dmop selftests; see xen_env.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/features.h>
#include <xen/hvm/save.h>

#include "xen_env.h"

static void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	exit(XEN_ENV_SKIP);
}

void xen_env_require_dom0(const char *const *nodes)
{
	char caps[64] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");

	if (!f) {
		if (access("/sys/hypervisor/type", F_OK))
			skip_all("not running on Xen (no /sys/hypervisor/type)");
		skip_all("/proc/xen/capabilities missing (xenfs not mounted)");
	}
	if (!fgets(caps, sizeof(caps), f))
		caps[0] = '\0';
	fclose(f);
	if (!strstr(caps, "control_d"))
		skip_all("not the Xen control domain (dom0)");
	for (; nodes && *nodes; nodes++) {
		if (access(*nodes, F_OK)) {
			char why[160];

			snprintf(why, sizeof(why), "%s absent: driver not loaded", *nodes);
			skip_all(why);
		}
	}
}

bool xen_env_auto_translated(void)
{
	unsigned long features = 0;
	FILE *f = fopen("/sys/hypervisor/properties/features", "r");

	if (!f)
		return false;
	if (fscanf(f, "%lx", &features) != 1)
		features = 0;
	fclose(f);
	return features & (1UL << XENFEAT_auto_translated_physmap);
}

bool xen_env_kasan(void)
{
	char line[256];
	bool kasan = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!kasan && fgets(line, sizeof(line), f))
		kasan = strstr(line, " kasan_report\n") != NULL;
	fclose(f);
	return kasan;
}

const char *xen_env_privcmd_impl(void)
{
	char ver[64] = "";
	FILE *f;

	if (access("/sys/module/xen_privcmd", F_OK))
		return "none";
	f = fopen("/sys/module/xen_privcmd/version", "r");
	if (!f)
		return "in-tree";	/* the distro's module carries no MODULE_VERSION */
	if (!fgets(ver, sizeof(ver), f))
		ver[0] = '\0';
	fclose(f);
	return ver[0] ? "xen-dmop" : "in-tree";
}

bool xen_env_ours(void)
{
	return !strcmp(xen_env_privcmd_impl(), "xen-dmop");
}

int xen_guest_create(struct xen_guest *g, unsigned long nr_pages)
{
	struct xen_domctl_createdomain cfg = {
		.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap,
		.max_vcpus = 1,
		.max_evtchn_port = -1,
		.max_grant_frames = 32,
		.max_maptrack_frames = 128,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
		.arch.emulation_flags = XEN_X86_EMU_ALL & ~XEN_X86_EMU_VPCI,
	};
	xen_pfn_t *pfns = NULL;
	xc_interface *xch;
	int err = 0;

	g->domid = 0;
	g->nr_pages = 0;
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch)
		return -errno;
	if (xc_domain_create(xch, &g->domid, &cfg)) {
		err = -errno;
		g->domid = 0;
		goto out;
	}
	pfns = calloc(nr_pages, sizeof(*pfns));
	if (!pfns) {
		err = -ENOMEM;
		goto destroy;
	}
	for (unsigned long i = 0; i < nr_pages; i++)
		pfns[i] = i;
	if (xc_domain_max_vcpus(xch, g->domid, 1) ||
	    xc_domain_setmaxmem(xch, g->domid, (nr_pages + 1024) * 4) ||
	    xc_domain_populate_physmap_exact(xch, g->domid, nr_pages, 0, 0, pfns)) {
		err = -errno;
		goto destroy;
	}
	g->nr_pages = nr_pages;
	goto out;
destroy:
	xc_domain_destroy(xch, g->domid);
	g->domid = 0;
out:
	free(pfns);
	xc_interface_close(xch);
	return err;
}

int xen_guest_destroy(struct xen_guest *g)
{
	xc_interface *xch;
	int err = 0;

	if (!g->domid)
		return 0;
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch)
		return -errno;
	if (xc_domain_destroy(xch, g->domid))
		err = -errno;
	else
		g->domid = 0;
	xc_interface_close(xch);
	return err;
}

int xen_guest_isa_irq(uint32_t domid, unsigned int irq)
{
	struct hvm_hw_isa_irqs wires;
	xc_interface *xch;
	int rc;

	if (irq > 15)
		return -EINVAL;
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch)
		return -errno;
	rc = xc_domain_hvm_getcontext_partial(xch, domid, HVM_SAVE_CODE(ISA_IRQ), 0,
					      &wires, sizeof(wires));
	if (rc)
		rc = -errno;
	else
		rc = !!(wires.pad[0] & (1ULL << irq));
	xc_interface_close(xch);
	return rc;
}

int xen_guest_isa_irq_wait(uint32_t domid, unsigned int irq, int want, int timeout_ms)
{
	const struct timespec step = { .tv_nsec = 5 * 1000 * 1000 };
	int level, tries = timeout_ms / 5;

	while ((level = xen_guest_isa_irq(domid, irq)) != want && level >= 0 && tries-- > 0)
		nanosleep(&step, NULL);
	return level;
}

bool xen_domain_exists(uint32_t domid)
{
	xc_domaininfo_t info;
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	bool found;

	if (!xch)
		return false;
	found = xc_domain_getinfolist(xch, domid, 1, &info) == 1 && info.domain == domid;
	xc_interface_close(xch);
	return found;
}
