// SPDX-License-Identifier: GPL-2.0
/*
 * xen-dmop privcmd: mapping foreign frames.
 *
 * A process mmap()s /dev/xen/privcmd to reserve address space, then fills
 * the mapping once with IOCTL_PRIVCMD_MMAP, MMAPBATCH(_V2) or
 * MMAP_RESOURCE. Touching a page that holds no frame gives SIGBUS. The
 * mappings are never copied into a child and are torn down on munmap() and
 * exit like any other.
 *
 * vma->vm_private_data is the struct privcmd_mapping made by mmap(): whether
 * it was filled, how many foreign frames it holds (counted in the file's
 * mapped_pages) and, on an auto-translated (PVH) dom0, the array of local
 * pages the foreign frames are mapped over.
 *
 * A filled mapping cannot be moved with mremap(): see
 * privcmd_get_unmapped_area(). For that each mapping gets, at mmap(), an
 * id in its file and a range of page offsets of its own (vm_pgoff, the id
 * in the high bits), which names it and never changes, whatever mremap()
 * does to its address.
 */

#define pr_fmt(fmt) "xen-dmop privcmd: " fmt

#include <linux/atomic.h>
#include <linux/xarray.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/xen/hypercall.h>
#include <xen/features.h>
#include <xen/interface/memory.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>

#include "xdm-fault-inject.h"
#include "privcmd.h"

/*
 * A mapping's page offsets are its id times 2^36 onwards, so the id of any
 * page offset of a mapping is that offset >> 36. A mapping holds fewer
 * pages than that (256 TiB). Ids start at 1: callers pass offset 0.
 */
#define PRIVCMD_MAP_ID_SHIFT	36
#define PRIVCMD_MAP_ID_MAX	((1U << 26) - 1)

/* The mapping code assumes Xen's frames and the kernel's pages are one size. */
static_assert(XEN_PFN_PER_PAGE == 1,
	      "xen-dmop: kernels whose pages are larger than Xen's 4 KiB frames are not supported");

/**
 * struct privcmd_mapping - one mapping of /dev/xen/privcmd, from mmap() to
 *	its last munmap().
 * @users: vmas that point here: one, and two for a moment while mremap()
 *	moves an unused mapping; a mapping is never split nor copied by fork.
 * @pf: the file; its mapped_pages includes @nr_mapped, and its @maps names
 *	this mapping by @id. The vmas hold references to the file, so it
 *	outlives this.
 * @mm: the address space the mapping lives in.
 * @id: its name in its file, from 1 (at index @id - 1 of @pf->maps); its
 *	vma's vm_pgoff is @id << 36, set once by mmap().
 * @filled: a filling ioctl claimed it (set under mmap_lock, read without).
 * @nr_mapped: foreign frames mapped so far (changed under mmap_lock).
 * @nr_pages: pages claimed by the filling ioctl, from the start (and the
 *	number of entries of @pages).
 * @pages: auto-translated dom0 only (else NULL): the local pages.
 * @res: what MMAP_RESOURCE mapped, once it succeeded (@res.num != 0): the
 *	domain, resource type and id, and the frames @res.idx onwards. The
 *	ioeventfd code names an ioreq server's page by its address this way.
 */
struct privcmd_mapping {
	refcount_t users;
	struct privcmd_file *pf;
	struct mm_struct *mm;
	u32 id;
	bool filled;
	unsigned long nr_mapped;
	unsigned long nr_pages;
	struct page **pages;
	struct {
		domid_t dom;
		u32 type;
		u32 id;
		u64 idx;
		u64 num;
	} res;
};

static const struct vm_operations_struct privcmd_vm_ops;

static bool privcmd_auto_translated(void)
{
	return xen_feature(XENFEAT_auto_translated_physmap);
}

/* The privcmd mapping that contains @addr, or NULL. */
static struct vm_area_struct *privcmd_find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (!vma || vma->vm_ops != &privcmd_vm_ops)
		return NULL;
	return vma;
}

/* Local pages to map foreign frames over on an auto-translated dom0. */
static int privcmd_mapping_alloc_pages(struct privcmd_mapping *map, unsigned long nr)
{
	struct page **pages;
	int err;

	if (nr > INT_MAX)
		return -EINVAL;
	pages = XDM_FAULT_ALLOC(kvcalloc(nr, sizeof(*pages), PRIVCMD_GFP_SIZED));
	if (!pages)
		return -ENOMEM;
	err = XDM_FAULT_ALLOC_INT(xen_alloc_unpopulated_pages(nr, pages));
	if (err) {
		kvfree(pages);
		return -ENOMEM;
	}
	map->pages = pages;
	atomic_long_add(nr, &privcmd_live.local_pages);
	return 0;
}

static bool privcmd_vma_filled(struct vm_area_struct *vma)
{
	struct privcmd_mapping *map = vma->vm_private_data;

	return map->filled;
}

/*
 * Claim an unused mapping for one filling ioctl that maps frames over its
 * first @nr_pages pages. Caller holds mmap_lock.
 */
static int privcmd_vma_claim(struct vm_area_struct *vma, unsigned long nr_pages)
{
	struct privcmd_mapping *map = vma->vm_private_data;
	int err;

	if (map->filled)
		return -EINVAL;
	/* Only the pages frames will be mapped over: the rest stays unclaimed. */
	if (privcmd_auto_translated()) {
		err = privcmd_mapping_alloc_pages(map, nr_pages);
		if (err)
			return err;
	}
	map->nr_pages = nr_pages;
	WRITE_ONCE(map->filled, true);
	atomic_long_inc(&privcmd_live.mappings);
	return 0;
}

/* @nr more foreign frames are mapped in @vma. Caller holds mmap_lock. */
static void privcmd_vma_account(struct vm_area_struct *vma, unsigned long nr)
{
	struct privcmd_mapping *map = vma->vm_private_data;

	map->nr_mapped += nr;
	atomic_long_add(nr, &map->pf->mapped_pages);
	atomic_long_add(nr, &privcmd_live.frames);
}

static void privcmd_vma_open(struct vm_area_struct *vma)
{
	struct privcmd_mapping *map = vma->vm_private_data;

	if (map)
		refcount_inc(&map->users);
}

static void privcmd_vma_close(struct vm_area_struct *vma)
{
	struct privcmd_mapping *map = vma->vm_private_data;
	struct privcmd_file *pf = map->pf;
	int err;

	if (!refcount_dec_and_test(&map->users))
		return;

	/* get_unmapped_area() reads @map under the xa_lock xa_erase() takes. */
	xa_erase(&pf->maps, map->id - 1);
	atomic_long_sub(map->nr_mapped, &pf->mapped_pages);
	atomic_long_sub(map->nr_mapped, &privcmd_live.frames);
	if (map->filled)
		atomic_long_dec(&privcmd_live.mappings);
	if (map->pages) {
		err = xen_unmap_domain_gfn_range(vma, map->nr_pages * XEN_PFN_PER_PAGE,
						 map->pages);
		if (err) {	/* Xen still maps frames over them: never reuse them */
			pr_crit("cannot unmap foreign frames (%d): leaking %lu pages\n", err,
				map->nr_pages);
		} else {
			xen_free_unpopulated_pages(map->nr_pages, map->pages);
			atomic_long_sub(map->nr_pages, &privcmd_live.local_pages);
		}
		kvfree(map->pages);
	}
	/* Kept for the file's next mmap(): a map-use-unmap loop allocates nothing. */
	if (cmpxchg(&pf->spare_map, NULL, map))
		kfree(map);
}

/* Splitting would let two vmas free the same pages. */
static int privcmd_vma_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/*
 * Only an unused mapping gets here (privcmd_get_unmapped_area() refused a
 * filled one before anything moved); it keeps its page offset.
 */
static int privcmd_vma_mremap(struct vm_area_struct *vma)
{
	return privcmd_vma_filled(vma) ? -EINVAL : 0;
}

/* A page with no foreign frame behind it (never mapped, or failed). */
static vm_fault_t privcmd_vma_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct privcmd_vm_ops = {
	.open = privcmd_vma_open,
	.close = privcmd_vma_close,
	.may_split = privcmd_vma_may_split,
	.mremap = privcmd_vma_mremap,
	.fault = privcmd_vma_fault,
};

int privcmd_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct privcmd_file *pf = file->private_data;
	struct privcmd_mapping *map;
	u32 index;
	int err;

	if (vma_pages(vma) >= 1UL << PRIVCMD_MAP_ID_SHIFT)
		return -EINVAL;
	map = xchg(&pf->spare_map, NULL);
	if (map)
		memset(map, 0, sizeof(*map));
	else
		map = XDM_FAULT_ALLOC(kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT));
	if (!map)
		return -ENOMEM;
	refcount_set(&map->users, 1);
	map->pf = pf;
	map->mm = vma->vm_mm;
	/*
	 * An id and a range of offsets of its own name the mapping: the
	 * caller's offset means nothing to privcmd. The vma is not linked into
	 * the file's i_mmap tree yet, so vm_pgoff may still change; it never
	 * does after.
	 */
	err = XDM_FAULT_ALLOC_INT(xa_alloc(&pf->maps, &index, map,
					   XA_LIMIT(0, PRIVCMD_MAP_ID_MAX - 1),
					   GFP_KERNEL_ACCOUNT));
	if (err) {
		kfree(map);
		return err == -EBUSY ? -ENOMEM : err;
	}
	map->id = index + 1;

	/* DONTCOPY: fork cannot recreate foreign mappings in the child. */
	privcmd_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &privcmd_vm_ops;
	vma->vm_private_data = map;
	vma->vm_pgoff = (unsigned long)map->id << PRIVCMD_MAP_ID_SHIFT;
	return 0;
}

/* The file is going away, and with it every mapping: free the spare record. */
void privcmd_mmap_release(struct privcmd_file *pf)
{
	kfree(pf->spare_map);
}

/*
 * mremap() moves page-table entries with plain PTE writes. For foreign
 * frames on a PV dom0 Xen refuses them (a WARNING from xen_mc_flush()), the
 * frames are lost and the moved mapping gives SIGBUS; the vm_ops->mremap
 * callback only runs after that. The one step before it is this: mremap()
 * asks the file for the destination, passing the page offset of the
 * source, which names the source mapping in the file's @maps. A filled
 * mapping of this process found there is refused before anything moves.
 * mmap() of a new mapping passes the caller's offset: only an offset naming
 * a filled mapping of the caller is refused, and no library passes one (they
 * pass 0, which names no mapping).
 */
unsigned long privcmd_get_unmapped_area(struct file *file, unsigned long addr,
					unsigned long len, unsigned long pgoff,
					unsigned long flags)
{
	struct privcmd_file *pf = file->private_data;
	unsigned long id = pgoff >> PRIVCMD_MAP_ID_SHIFT;
	struct privcmd_mapping *map;
	bool filled = false;

	if (id && id <= PRIVCMD_MAP_ID_MAX) {
		xa_lock(&pf->maps);
		map = xa_load(&pf->maps, id - 1);
		filled = map && map->mm == current->mm && READ_ONCE(map->filled);
		xa_unlock(&pf->maps);
	}
	if (filled)
		return -EINVAL;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

static int count_present_fn(pte_t *pte, unsigned long addr, void *data)
{
	unsigned long *n = data;

	*n += !pte_none(ptep_get(pte));
	return 0;
}

/*
 * Foreign frames a PV dom0 mapped in the @nr pages from @addr, as the page
 * tables say: xen_remap_pfn() returns only an error when a frame fails,
 * though the frames before it stay mapped.
 */
static unsigned long privcmd_count_mapped(struct vm_area_struct *vma, unsigned long addr,
					  unsigned long nr)
{
	unsigned long n = 0;

	apply_to_existing_page_range(vma->vm_mm, addr, nr << PAGE_SHIFT, count_present_fn, &n);
	return n;
}

/* ---- IOCTL_PRIVCMD_MMAP (PV only) ---- */

static int privcmd_mmap_entries(struct vm_area_struct *vma, const struct privcmd_mmap_entry *e,
				int num, domid_t dom)
{
	unsigned long va = vma->vm_start;
	int i, rc;

	for (i = 0; i < num; i++, e++) {
		/* Each run starts where the last ended and stays in the vma. */
		if (e->va != va || e->npages > (vma->vm_end - va) >> PAGE_SHIFT ||
		    e->npages > INT_MAX)
			return -EINVAL;
		rc = xen_remap_domain_gfn_range(vma, va, e->mfn, e->npages, vma->vm_page_prot,
						dom, NULL);
		if (rc < 0) {
			privcmd_vma_account(vma, privcmd_count_mapped(vma, va, e->npages));
			return rc;
		}
		privcmd_vma_account(vma, e->npages);
		va += e->npages << PAGE_SHIFT;
	}
	return 0;
}

long privcmd_ioctl_mmap(struct file *file, void __user *udata)
{
	struct mm_struct *mm = current->mm;
	struct privcmd_mmap_entry *entries;
	struct vm_area_struct *vma;
	struct privcmd_mmap m;
	bool counted;
	long rc;

	if (privcmd_auto_translated())
		return -EOPNOTSUPP;
	if (copy_from_user(&m, udata, sizeof(m)))
		return -EFAULT;
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_MMAP, m.dom, &counted);
	if (rc)
		return rc;
	if (m.num <= 0) {
		rc = m.num ? -EINVAL : 0;
		goto out_end;
	}

	/* Read everything first: no user faults under mmap_lock. */
	entries = XDM_FAULT_ALLOC(kvmalloc_array(m.num, sizeof(*entries), PRIVCMD_GFP_SIZED));
	if (!entries) {
		rc = -ENOMEM;
		goto out_end;
	}
	if (copy_from_user(entries, m.entry, array_size(m.num, sizeof(*entries)))) {
		rc = -EFAULT;
		goto out;
	}

	mmap_write_lock(mm);
	vma = privcmd_find_vma(mm, entries[0].va);
	if (!vma || vma->vm_start != entries[0].va) {
		rc = -EINVAL;
		goto out_unlock;
	}
	rc = privcmd_vma_claim(vma, vma_pages(vma));
	if (rc)
		goto out_unlock;
	rc = privcmd_mmap_entries(vma, entries, m.num, m.dom);

out_unlock:
	mmap_write_unlock(mm);
out:
	kvfree(entries);
out_end:
	privcmd_unrestricted_end(file->private_data, counted);
	return rc;
}

/* ---- IOCTL_PRIVCMD_MMAPBATCH and _V2 ---- */

/**
 * struct privcmd_batch - one MMAPBATCH request, either version.
 * @version: 1 or 2.
 * @num: number of frames.
 * @dom: their domain.
 * @addr: where to map them.
 * @arr: the frame numbers (version 1: also where errors go).
 * @err: version 2: one int per frame for the errors.
 */
struct privcmd_batch {
	int version;
	unsigned int num;
	domid_t dom;
	unsigned long addr;
	__u64 __user *arr;
	int __user *err;
};

static int is_mapped_fn(pte_t *pte, unsigned long addr, void *data)
{
	return pte_none(ptep_get(pte)) ? 0 : -EBUSY;
}

/* Whether any page of [addr, addr + len) already holds a frame. */
static bool privcmd_range_is_mapped(struct vm_area_struct *vma, unsigned long addr,
				    unsigned long len)
{
	return apply_to_page_range(vma->vm_mm, addr, len, is_mapped_fn, NULL) != 0;
}

/*
 * A retry fills holes left by paged-out frames, nothing else, and only in the
 * pages claimed: MMAP_RESOURCE claims just those of the frames it maps, and on
 * an auto-translated dom0 a batch past them would index past @map->pages.
 */
static bool privcmd_batch_retry_ok(struct vm_area_struct *vma, unsigned long addr,
				   unsigned long nr_pages)
{
	struct privcmd_mapping *map = vma->vm_private_data;
	unsigned long first = (addr - vma->vm_start) >> PAGE_SHIFT;

	if (addr & ~PAGE_MASK || nr_pages > vma_pages(vma) - first)
		return false;
	if (first + nr_pages > map->nr_pages)
		return false;
	return !privcmd_range_is_mapped(vma, addr, nr_pages << PAGE_SHIFT);
}

/*
 * Map the frames; per-frame results land in @errs. Returns 0 or a negative
 * errno for a failure of the request itself. Caller holds mmap_lock.
 */
static int privcmd_batch_map(struct privcmd_batch *b, xen_pfn_t *gfns, int *errs)
{
	unsigned long nr_pages = DIV_ROUND_UP(b->num, XEN_PFN_PER_PAGE);
	unsigned long len = nr_pages << PAGE_SHIFT;
	struct privcmd_mapping *map;
	struct page **pages = NULL;
	struct vm_area_struct *vma;
	unsigned long nr_mapped = 0;
	unsigned int i;
	int rc;

	vma = privcmd_find_vma(current->mm, b->addr);
	if (!vma)
		return -EINVAL;
	if (!privcmd_vma_filled(vma)) {
		/* First use: the request covers the whole mapping. */
		if (b->addr != vma->vm_start || len != vma->vm_end - vma->vm_start)
			return -EINVAL;
		rc = privcmd_vma_claim(vma, vma_pages(vma));
		if (rc)
			return rc;
	} else if (!privcmd_batch_retry_ok(vma, b->addr, nr_pages)) {
		return -EINVAL;
	}
	map = vma->vm_private_data;
	if (map->pages)
		pages = map->pages + ((b->addr - vma->vm_start) >> PAGE_SHIFT);

	/* 1 is no errno: it marks frames the remap never reached. */
	for (i = 0; i < b->num; i++)
		errs[i] = 1;
	rc = xen_remap_domain_gfn_array(vma, b->addr, gfns, b->num, errs, vma->vm_page_prot,
					b->dom, pages);
	for (i = 0; i < b->num; i++) {
		if (errs[i] > 0)
			errs[i] = rc < 0 ? rc : -EFAULT;
		nr_mapped += !errs[i];
		/*
		 * Auto-translated: the remap maps our local page even where Xen
		 * refused the frame. Unmap it, so that the hole faults (SIGBUS)
		 * and a retry can fill it, as on a PV dom0.
		 */
		if (errs[i] && pages)
			zap_vma_ptes(vma, b->addr + i * PAGE_SIZE, PAGE_SIZE);
	}
	privcmd_vma_account(vma, nr_mapped);
	return 0;
}

/* Report per-frame errors as the request's version does. */
static int privcmd_batch_report(struct privcmd_batch *b, const xen_pfn_t *gfns,
				const int *errs)
{
	bool paged = false;
	unsigned int i;

	for (i = 0; i < b->num; i++)
		paged |= errs[i] == -ENOENT;

	if (b->version == 2) {
		if (copy_to_user(b->err, errs, array_size(b->num, sizeof(*errs))))
			return -EFAULT;
	} else {
		for (i = 0; i < b->num; i++) {
			__u64 v = gfns[i];

			if (!errs[i])
				continue;
			v |= errs[i] == -ENOENT ? PRIVCMD_MMAPBATCH_PAGED_ERROR :
						  PRIVCMD_MMAPBATCH_MFN_ERROR;
			if (put_user(v, &b->arr[i]))
				return -EFAULT;
		}
	}
	/* Paged-out frames are the caller's cue to retry those. */
	return paged ? -ENOENT : 0;
}

static long privcmd_mmap_batch(struct file *file, struct privcmd_batch *b)
{
	struct mm_struct *mm = current->mm;
	xen_pfn_t *gfns = NULL;
	int *errs = NULL;
	bool counted;
	long rc;

	BUILD_BUG_ON(sizeof(xen_pfn_t) != sizeof(__u64));

	rc = privcmd_target_begin(file, b->version == 2 ? IOCTL_PRIVCMD_MMAPBATCH_V2 :
						  IOCTL_PRIVCMD_MMAPBATCH, b->dom, &counted);
	if (rc)
		return rc;
	if (!b->num || b->num > INT_MAX) {
		rc = -EINVAL;
		goto out;
	}

	/* One after the other: a failed first one asks for no second one. */
	gfns = XDM_FAULT_ALLOC(kvmalloc_array(b->num, sizeof(*gfns), PRIVCMD_GFP_SIZED));
	if (gfns)
		errs = XDM_FAULT_ALLOC(kvmalloc_array(b->num, sizeof(*errs), PRIVCMD_GFP_SIZED));
	if (!errs) {
		rc = -ENOMEM;
		goto out;
	}
	if (copy_from_user(gfns, b->arr, array_size(b->num, sizeof(*gfns)))) {
		rc = -EFAULT;
		goto out;
	}
	/* Fail on a bad error array before mapping anything. */
	if (b->version == 2 && clear_user(b->err, array_size(b->num, sizeof(*errs)))) {
		rc = -EFAULT;
		goto out;
	}

	mmap_write_lock(mm);
	rc = privcmd_batch_map(b, gfns, errs);
	mmap_write_unlock(mm);
	if (!rc)
		rc = privcmd_batch_report(b, gfns, errs);

out:
	kvfree(errs);
	kvfree(gfns);
	privcmd_unrestricted_end(file->private_data, counted);
	return rc;
}

long privcmd_ioctl_mmap_batch_v1(struct file *file, void __user *udata)
{
	struct privcmd_mmapbatch m;
	struct privcmd_batch b;

	if (copy_from_user(&m, udata, sizeof(m)))
		return -EFAULT;
	if (m.num < 0)
		return -EINVAL;
	b = (struct privcmd_batch){ .version = 1, .num = m.num, .dom = m.dom,
				    .addr = m.addr, .arr = m.arr };
	return privcmd_mmap_batch(file, &b);
}

long privcmd_ioctl_mmap_batch_v2(struct file *file, void __user *udata)
{
	struct privcmd_mmapbatch_v2 m;
	struct privcmd_batch b;

	if (copy_from_user(&m, udata, sizeof(m)))
		return -EFAULT;
	b = (struct privcmd_batch){ .version = 2, .num = m.num, .dom = m.dom,
				    .addr = m.addr, .arr = (__u64 __user *)m.arr,
				    .err = m.err };
	return privcmd_mmap_batch(file, &b);
}

/* ---- IOCTL_PRIVCMD_MMAP_RESOURCE ---- */

static long privcmd_resource_size(struct privcmd_mmap_resource __user *udata,
				  struct xen_mem_acquire_resource *xr)
{
	int rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, xr);

	if (rc)
		return rc;
	return put_user((__u64)xr->nr_frames, &udata->num);
}

/* Map what Xen put in @pfns at @addr. Caller holds mmap_lock. */
static int privcmd_resource_remap(struct vm_area_struct *vma, const struct privcmd_mmap_resource *r,
				  const struct xen_mem_acquire_resource *xr, xen_pfn_t *pfns)
{
	/* Xen rewrites each frame's slot with its error: that is allowed. */
	int *errs = (int *)pfns;
	unsigned int domid;
	int n, i, err = 0;

	if (privcmd_auto_translated()) {
		struct privcmd_mapping *map = vma->vm_private_data;

		/* It reads the page array from vm_private_data; mmap_lock is held. */
		vma->vm_private_data = map->pages;
		err = xen_remap_vma_range(vma, r->addr, r->num << PAGE_SHIFT);
		vma->vm_private_data = map;
		if (!err)
			privcmd_vma_account(vma, r->num);
		return err;
	}

	domid = xr->flags & XENMEM_rsrc_acq_caller_owned ? DOMID_SELF : r->dom;
	n = xen_remap_domain_mfn_array(vma, r->addr, pfns, r->num, errs, vma->vm_page_prot,
				       domid);
	if (n >= 0)
		for (i = 0; i < r->num && !err; i++)
			err = errs[i] < 0 ? errs[i] : 0;
	/* Every frame mapped: no need to ask the page tables how many. */
	privcmd_vma_account(vma, n >= 0 && !err ? r->num :
				 privcmd_count_mapped(vma, r->addr, r->num));
	return n < 0 ? n : err;
}

/* Frames of a MMAP_RESOURCE whose list fits in the stack frame (an ioreq page). */
#define PRIVCMD_RESOURCE_STACK_FRAMES	4

long privcmd_ioctl_mmap_resource(struct file *file, void __user *udata)
{
	xen_pfn_t stack_pfns[PRIVCMD_RESOURCE_STACK_FRAMES];
	struct xen_mem_acquire_resource xr = {};
	struct mm_struct *mm = current->mm;
	struct privcmd_mmap_resource r;
	struct vm_area_struct *vma;
	xen_pfn_t *pfns = NULL;
	unsigned int i;
	bool counted;
	long rc;

	if (copy_from_user(&r, udata, sizeof(r)))
		return -EFAULT;
	rc = privcmd_target_begin(file, IOCTL_PRIVCMD_MMAP_RESOURCE, r.dom, &counted);
	if (rc)
		return rc;
	xr.domid = r.dom;
	xr.type = r.type;
	xr.id = r.id;
	/* Both set (map) or both zero (size query). */
	if (!r.addr != !r.num) {
		rc = -EINVAL;
		goto out_end;
	}
	if (!r.num) {
		rc = privcmd_resource_size(udata, &xr);
		goto out_end;
	}

	mmap_write_lock(mm);
	/* Our local pages back the mapping from its start: map from there. */
	vma = privcmd_find_vma(mm, r.addr);
	if (!vma || r.addr != vma->vm_start || r.num > INT_MAX ||
	    r.num > vma_pages(vma) * XEN_PFN_PER_PAGE) {
		rc = -EINVAL;
		goto out;
	}
	if (r.num <= ARRAY_SIZE(stack_pfns)) {
		pfns = stack_pfns;
		memset(pfns, 0, sizeof(stack_pfns));
	} else {
		pfns = XDM_FAULT_ALLOC(kvcalloc(r.num, sizeof(*pfns), PRIVCMD_GFP_SIZED));
	}
	if (!pfns) {
		rc = -ENOMEM;
		goto out;
	}
	rc = privcmd_vma_claim(vma, DIV_ROUND_UP(r.num, XEN_PFN_PER_PAGE));
	if (rc)
		goto out;
	if (privcmd_auto_translated()) {
		struct page **pages = ((struct privcmd_mapping *)vma->vm_private_data)->pages;

		/* Xen places the resource's frames at our empty pages. */
		for (i = 0; i < r.num; i++)
			pfns[i] = page_to_xen_pfn(pages[i / XEN_PFN_PER_PAGE]) +
				  i % XEN_PFN_PER_PAGE;
	}

	xr.frame = r.idx;
	xr.nr_frames = r.num;
	set_xen_guest_handle(xr.frame_list, pfns);
	xen_preemptible_hcall_begin();
	rc = HYPERVISOR_memory_op(XENMEM_acquire_resource, &xr);
	xen_preemptible_hcall_end();
	if (!rc)
		rc = privcmd_resource_remap(vma, &r, &xr, pfns);
	if (!rc) {
		struct privcmd_mapping *map = vma->vm_private_data;

		map->res.dom = r.dom;
		map->res.type = r.type;
		map->res.id = r.id;
		map->res.idx = r.idx;
		map->res.num = r.num;
	}

out:
	mmap_write_unlock(mm);
	if (pfns != stack_pfns)
		kvfree(pfns);
out_end:
	privcmd_unrestricted_end(file->private_data, counted);
	return rc;
}

/**
 * privcmd_ioreq_frame() - the ioreq server page mapped at @addr.
 * @mm: the caller's address space.
 * @addr: a page-aligned address in a mapping that MMAP_RESOURCE filled with
 *	frames of a XENMEM_resource_ioreq_server of @dom.
 * @dom: the domain the caller names.
 * @id: the ioreq server's id, set on success.
 * @frame: the resource frame mapped at @addr (>= 1: an ioreq page), set on
 *	success.
 *
 * The mapping only names the server and frame: the caller maps its own copy
 * from Xen, so nothing depends on the mapping after this returns.
 *
 * Return: 0, or -EINVAL if @addr is not such a page.
 */
int privcmd_ioreq_frame(struct mm_struct *mm, unsigned long addr, domid_t dom, u32 *id,
			u64 *frame)
{
	struct privcmd_mapping *map;
	struct vm_area_struct *vma;
	unsigned long page;
	int rc = -EINVAL;

	if (offset_in_page(addr))
		return -EINVAL;
	mmap_read_lock(mm);
	vma = privcmd_find_vma(mm, addr);
	if (!vma)
		goto out;
	map = vma->vm_private_data;
	page = (addr - vma->vm_start) >> PAGE_SHIFT;
	if (!map->res.num || map->res.type != XENMEM_resource_ioreq_server ||
	    map->res.dom != dom || page >= map->res.num ||
	    map->res.idx + page < XENMEM_resource_ioreq_server_frame_ioreq(0))
		goto out;
	*id = map->res.id;
	*frame = map->res.idx + page;
	rc = 0;
out:
	mmap_read_unlock(mm);
	return rc;
}
