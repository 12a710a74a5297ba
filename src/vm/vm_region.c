/* SPDX-License-Identifier: MIT */
/*
 * vm_region.c -- what vm_region() reports for a map entry, and per-page
 * views for the player.
 *
 * REPORT_MACH follows vm_map_region_walk() / vm_map_region_look_for_page()
 * (docs/model.md) and, as a second opinion, vm_map_region_top_walk().
 * REPORT_LINUX derives the same fields from page map counts the way the
 * recorder observes them on Linux (docs/recording.md; vmscope's own definition).
 */
#include <string.h>

#include "vm_internal.h"

static const struct vm_map_entry *
entry_at(const struct vm_world *w, int task, size_t i)
{
	if (!vm_task_alive(w, task))
		return NULL;
	return vm_map_entry_at(&w->tasks[task].map, i);
}

/* Copy the entry's own fields into OUT. */
static void
fill_entry(const struct vm_world *w, const struct vm_map_entry *e, struct vm_region_info *out)
{
	const struct vm_object *o = vm_obj(w, e->object);

	memset(out, 0, sizeof *out);
	out->start = e->start;
	out->end = e->end;
	out->offset = e->offset;
	out->object = e->object;
	out->prot = e->prot;
	out->max_prot = e->max_prot;
	out->inheritance = e->inheritance;
	out->needs_copy = e->needs_copy;
	out->is_shared = e->is_shared;
	out->user_tag = e->user_tag;
	if (o != NULL) {
		out->purgeable = o->purgeable;
		out->true_share = o->true_share;
	}
}

/* vm_map_region_count_obj_refs(): how often OBJ is in E's chain. */
static uint32_t
count_obj_refs(const struct vm_world *w, const struct vm_map_entry *e, uint32_t obj)
{
	uint32_t n = 0;

	for (const struct vm_object *o = vm_obj(w, e->object); o != NULL; o = vm_obj(w, o->shadow))
		if (o->id == obj)
			n++;
	return n;
}

/* vm_map_region_top_walk()'s share mode. */
static int
top_share_mode(const struct vm_world *w, const struct vm_map_entry *e)
{
	const struct vm_object *o = vm_obj(w, e->object);

	if (o == NULL)
		return SM_EMPTY;
	if (o->shadow != 0 || e->needs_copy)
		return SM_COW;
	if (o->ref_count == 1 || (o->ref_count == 2 && o->named))
		return SM_PRIVATE;
	return SM_SHARED;
}

/* vm_map_region_walk(): share mode, ref_count, the external-pager fix-up
 * and the alias scan. */
static void
walk_mach(const struct vm_world *w, const struct vm_map *m, const struct vm_map_entry *e,
          struct vm_region_info *out)
{
	const struct vm_object *top = vm_obj(w, e->object);
	uint64_t npages = (e->end - e->start) >> w->page_shift;
	uint32_t ref, depth = 0;
	bool external = false;

	out->top_share_mode = (uint8_t)top_share_mode(w, e);
	if (top == NULL) {
		out->share_mode = SM_EMPTY;
		return;
	}
	/* Page by page as vm_map_region_look_for_page() goes, a run of pages
	 * that resolve alike (vm_page_span at each level) at a time. */
	for (uint64_t i = 0, k; i < npages; i += k) {
		const struct vm_object *o = top;
		uint64_t off = e->offset + (i << w->page_shift);
		uint32_t max_ref = top->ref_count, d = 0;

		k = w->page_at_a_time ? 1 : npages - i;
		while (o != NULL) {
			uint64_t same;
			uint32_t s = vm_page_span(o, off >> w->page_shift, &same);

			if (same < k)
				k = same;
			if (!o->internal)
				external = true;
			if (s != 0) {
				out->pages_resident += (uint32_t)k;
				if (s & VM_PAGE_DIRTY)
					out->pages_dirtied += (uint32_t)k;
				if (o->shadow != 0 && max_ref == 1)
					out->pages_shared_now_private += (uint32_t)k;
				break;
			}
			if (o->shadow == 0)
				break;
			off += o->shadow_offset;
			o = vm_obj(w, o->shadow);
			if (++d > depth)
				depth = d;
			if (o != NULL && o->ref_count > max_ref)
				max_ref = o->ref_count;
		}
	}
	out->shadow_depth = depth;
	ref = top->ref_count;
	{
		const struct vm_object *s = vm_obj(w, top->shadow);

		for (uint32_t k = 0; k < depth && s != NULL; k++, s = vm_obj(w, s->shadow))
			ref += s->ref_count - 1;
	}
	out->ref_count = ref;
	out->external = external;
	if (depth > 0 || e->needs_copy)
		out->share_mode = SM_COW;
	else if (ref == 1)
		out->share_mode = SM_PRIVATE;
	else if (top->true_share)
		out->share_mode = SM_TRUESHARED;
	else
		out->share_mode = SM_SHARED;
	/* The external-pager fix-up: a file mapping whose other reference is
	 * the file cache's is private.  In xnu-11417.101.15
	 * osfmk/vm/vm_map.c vm_map_region_walk it runs before the alias scan
	 * (older tags ran it after).  Only where the file cache holds a named
	 * reference (XNU): elsewhere a second reference is a second mapping. */
	if (w->prof->file_named_ref && external && ref == 2 && out->share_mode == SM_SHARED)
		out->share_mode = SM_PRIVATE;
	if (out->share_mode == SM_SHARED) {
		uint32_t my_refs = 0;

		for (const struct vm_map_entry *x = m->first; x != NULL; x = x->next)
			my_refs += count_obj_refs(w, x, top->id);
		if (my_refs == ref)
			out->share_mode = SM_PRIVATE_ALIASED;
		else if (my_refs > 1)
			out->share_mode = SM_SHARED_ALIASED;
	}
}

/* Number of live named entries holding object ID (memfd analogue). */
static uint32_t
named_refs(const struct vm_world *w, uint32_t id)
{
	uint32_t n = 0;

	for (int i = 0; i < w->nentries; i++)
		if (w->entries[i].live && w->entries[i].object == id)
			n++;
	return n;
}

/*
 * How many mappings have page OFF of shared object O in their page tables:
 * the entries mapping O directly whose presence bit for it is set.
 */
static uint32_t
shared_mapcount(const struct vm_world *w, const struct vm_object *o, uint64_t off)
{
	uint32_t n = 0;

	for (int t = 0; t < w->ntasks; t++) {
		if (!w->tasks[t].alive)
			continue;
		for (const struct vm_map_entry *x = w->tasks[t].map.first; x != NULL; x = x->next) {
			if (x->object != o->id || off < x->offset ||
			    off >= x->offset + (x->end - x->start))
				continue;
			if (vm_entry_present(x, (off - x->offset) >> w->page_shift))
				n++;
		}
	}
	return n;
}

/*
 * The Linux map count of page P of E, found in O at DEPTH with slot S:
 * PTEs mapping the page.  Private pages share frames after fork; pages of
 * shared objects count the mappings that have them present; file pages
 * below a private mapping count the object's references (an
 * approximation).
 */
static uint32_t
linux_mapcount(const struct vm_world *w, const struct vm_map_entry *e, uint64_t p,
               const struct vm_object *o, unsigned depth, uint32_t s, uint64_t *k)
{
	uint64_t same;
	uint32_t refs;

	if (e->is_shared && depth == 0)
		return shared_mapcount(w, o, e->offset + (p << w->page_shift));
	if (e->is_shared || depth > 0)
		return o->ref_count - named_refs(w, o->id);
	refs = vm_frame_refs(w, VM_PAGE_FRAME(s), &same);
	if (same < *k)
		*k = same;
	return refs;
}

/*
 * The pages from P of E that resolve alike (at most *K on entry, the count
 * on return): vm_chain_span, one page at a time where E tracks page-table
 * presence (a linux shared mapping).
 */
static const struct vm_object *
linux_span(const struct vm_world *w, const struct vm_map_entry *e, struct vm_object *top,
           uint64_t p, uint64_t *k, unsigned *depth, uint32_t *s)
{
	if (e->present != NULL)
		*k = 1;
	return vm_chain_span(w, top, e->offset + (p << w->page_shift), k, depth, s);
}

/* The linux profile: share mode and ref_count from page map counts. */
static void
walk_linux(const struct vm_world *w, const struct vm_map_entry *e, struct vm_region_info *out)
{
	struct vm_object *top = vm_obj(w, e->object);
	uint64_t npages = (e->end - e->start) >> w->page_shift;
	uint32_t maxmap = 0;

	out->top_share_mode = SM_EMPTY;
	if (top == NULL) {
		out->share_mode = SM_EMPTY;
		return;
	}
	for (uint64_t i = 0, k; i < npages; i += k) {
		unsigned depth;
		uint32_t s, mc;
		const struct vm_object *o;

		k = npages - i;
		o = linux_span(w, e, top, i, &k, &depth, &s);
		if (o == NULL || !vm_entry_present(e, i))
			continue;
		mc = linux_mapcount(w, e, i, o, depth, s, &k);
		out->pages_resident += (uint32_t)k;
		if (s & VM_PAGE_DIRTY)
			out->pages_dirtied += (uint32_t)k;
		if (mc > maxmap)
			maxmap = mc;
		if (!o->internal)
			out->external = true;
	}
	out->ref_count = maxmap;
	if (out->pages_resident == 0) {
		out->share_mode = SM_EMPTY;
		out->ref_count = 0;
	} else if (e->is_shared) {
		out->share_mode = SM_SHARED;
	} else if (maxmap >= 2) {
		out->share_mode = SM_COW;
	} else {
		out->share_mode = SM_PRIVATE;
	}
	out->top_share_mode = out->share_mode;
}

static void count_kinds(const struct vm_world *w, const struct vm_map_entry *e,
                        struct vm_region_info *out);

static void
report(const struct vm_world *w, int task, const struct vm_map_entry *e,
       struct vm_region_info *out)
{
	fill_entry(w, e, out);
	if (w->prof->report == REPORT_LINUX)
		walk_linux(w, e, out);
	else
		walk_mach(w, &w->tasks[task].map, e, out);
	count_kinds(w, e, out);
}

/* Report the I-th entry of TASK. */
bool
vm_region_get(const struct vm_world *w, int task, size_t i, struct vm_region_info *out)
{
	const struct vm_map_entry *e = entry_at(w, task, i);

	if (e == NULL)
		return false;
	report(w, task, e, out);
	return true;
}

/* Report the entry of TASK containing ADDR. */
bool
vm_region_at(const struct vm_world *w, int task, uint64_t addr, struct vm_region_info *out)
{
	const struct vm_map_entry *e;

	if (!vm_task_alive(w, task))
		return false;
	e = vm_map_lookup(&w->tasks[task].map, addr);
	if (e == NULL)
		return false;
	report(w, task, e, out);
	return true;
}

/* Classify the page of E at index P (see enum vm_page_kind), and the
 * pages after it that are alike: *K, at most its value on entry. */
static void
classify_span(const struct vm_world *w, const struct vm_map_entry *e, struct vm_object *top,
              uint64_t p, uint64_t *k, struct vm_page_info *pi)
{
	const struct vm_object *o = NULL;
	unsigned depth = 0;
	uint32_t s = 0;

	memset(pi, 0, sizeof *pi);
	if (top != NULL)
		o = w->prof->report == REPORT_LINUX ? linux_span(w, e, top, p, k, &depth, &s)
		    : vm_chain_span(w, top, e->offset + (p << w->page_shift), k, &depth, &s);
	if (o == NULL || !vm_entry_present(e, p))
		return;
	pi->frame = VM_PAGE_FRAME(s);
	pi->dirty = (s & VM_PAGE_DIRTY) != 0;
	pi->depth = (uint8_t)(depth > 255 ? 255 : depth);
	if (w->prof->report == REPORT_LINUX) {
		uint32_t mc = linux_mapcount(w, e, p, o, depth, s, k);

		pi->kind = e->is_shared ? VMPG_SHARED : mc >= 2 ? VMPG_COW : VMPG_PRIVATE;
	} else {
		/* Copy-on-write only while some object on the path is shared. */
		uint32_t max_ref = 0;
		const struct vm_object *x = top;

		for (unsigned d = 0; x != NULL && d <= depth; d++, x = vm_obj(w, x->shadow))
			if (x->ref_count > max_ref)
				max_ref = x->ref_count;
		if ((depth > 0 || e->needs_copy) && max_ref > 1)
			pi->kind = VMPG_COW;
		else if (depth == 0 && o->ref_count > 1 &&
		         (e->is_shared || o->true_share || !o->internal))
			pi->kind = VMPG_SHARED;
		else
			pi->kind = VMPG_PRIVATE;
	}
}

/* Count the COW-shared and truly shared pages of E into OUT. */
static void
count_kinds(const struct vm_world *w, const struct vm_map_entry *e, struct vm_region_info *out)
{
	struct vm_object *top = vm_obj(w, e->object);
	uint64_t npages = (e->end - e->start) >> w->page_shift;
	struct vm_page_info pi;

	if (top == NULL)
		return;
	for (uint64_t p = 0, k; p < npages; p += k) {
		k = npages - p;
		classify_span(w, e, top, p, &k, &pi);
		if (pi.kind == VMPG_COW)
			out->pages_cow += (uint32_t)k;
		else if (pi.kind == VMPG_SHARED)
			out->pages_shared += (uint32_t)k;
	}
}

/* Does run R go on with page info PI (the same kind, dirty bit and depth,
 * the next frame or both absent)? */
static bool
run_continues(const struct vm_page_run *r, const struct vm_page_info *pi)
{
	return r->pi.kind == pi->kind && r->pi.dirty == pi->dirty && r->pi.depth == pi->depth &&
	       (r->pi.frame == 0 ? pi->frame == 0 : pi->frame == r->pi.frame + r->n);
}

/* The runs of alike pages of the I-th entry of TASK (vm.h). */
size_t
vm_region_page_runs(const struct vm_world *w, int task, size_t i, struct vm_page_run *out,
                    size_t max)
{
	const struct vm_map_entry *e = entry_at(w, task, i);
	struct vm_object *top;
	struct vm_page_run cur;
	uint64_t npages;
	size_t n = 0;

	if (e == NULL)
		return 0;
	npages = (e->end - e->start) >> w->page_shift;
	top = vm_obj(w, e->object);
	for (uint64_t p = 0, k; p < npages; p += k) {
		struct vm_page_info pi;

		k = npages - p;
		classify_span(w, e, top, p, &k, &pi);
		if (n > 0 && run_continues(&cur, &pi)) {
			cur.n += k;
		} else {
			if (n > 0 && n <= max)
				out[n - 1] = cur;
			cur = (struct vm_page_run){ p, k, pi };
			n++;
		}
	}
	if (n > 0 && n <= max)
		out[n - 1] = cur;
	return n;
}

/* Classify each page of the I-th entry of TASK for page strips. */
size_t
vm_region_pages(const struct vm_world *w, int task, size_t i, struct vm_page_info *out,
                size_t max)
{
	const struct vm_map_entry *e = entry_at(w, task, i);
	struct vm_object *top;
	uint64_t npages;

	if (e == NULL)
		return 0;
	npages = (e->end - e->start) >> w->page_shift;
	top = vm_obj(w, e->object);
	if (max > npages)
		max = (size_t)npages;
	for (uint64_t p = 0, k; p < max; p += k) {
		k = max - p;
		classify_span(w, e, top, p, &k, &out[p]);
		for (uint64_t j = 1; j < k; j++) {
			out[p + j] = out[p];
			if (out[p].frame != 0)
				out[p + j].frame = out[p].frame + (uint32_t)j;
		}
	}
	return (size_t)npages;
}
