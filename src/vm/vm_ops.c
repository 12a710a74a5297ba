/* SPDX-License-Identifier: MIT */
/*
 * vm_ops.c -- the operations: allocate, deallocate, fault (write/read),
 * fork, inherit, protect, out-of-line send, memory entries, file mappings
 * and exit.
 *
 * Each operation validates its whole request first and changes nothing
 * when it fails (the step is atomic), then follows the kernel function
 * named in its comment; docs/model.md lists them.
 */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

/* Reset the effects record at the start of an operation. */
static void
fx_begin(struct vm_world *w)
{
	memset(&w->fx, 0, sizeof w->fx);
	w->fx.task = -1;
	w->fx.entry = -1;
}

/* The map of a live task, or NULL (its lookup cache fitted to its size). */
static struct vm_map *
task_map(struct vm_world *w, int task)
{
	if (task < 0 || task >= w->ntasks || !w->tasks[task].alive)
		return NULL;
	vm_map_hints_fit(&w->tasks[task].map);
	return &w->tasks[task].map;
}

static uint64_t
trunc_page(const struct vm_world *w, uint64_t a)
{
	return a & ~((uint64_t)w->page_size - 1);
}

/* Round [addr, addr+size) out to pages; false on overflow or size 0. */
static bool
page_range(const struct vm_world *w, uint64_t addr, uint64_t size, uint64_t *start,
           uint64_t *end)
{
	uint64_t e;

	if (size == 0 || addr + size < addr)
		return false;
	e = addr + size;
	if (e + w->page_size - 1 < e)
		return false;
	*start = trunc_page(w, addr);
	*end = trunc_page(w, e + w->page_size - 1);
	return true;
}

/* May the world take N more frames (VM_MAX_FRAME_ID)? */
static bool
frames_available(const struct vm_world *w, uint64_t n)
{
	return vm_frames_available(w, n);
}

/* Is [start, end) a region size the model accepts (VM_MAX_REGION_PAGES)? */
static bool
region_size_ok(const struct vm_world *w, uint64_t start, uint64_t end)
{
	return ((end - start) >> w->page_shift) <= VM_MAX_REGION_PAGES;
}

/* Check that every entry of [start, end) allows PROT. */
static bool
range_allows(const struct vm_map *m, uint64_t start, uint64_t end, int prot)
{
	const struct vm_map_entry *e = vm_map_lookup(m, start);

	for (; e != NULL && e->start < end; e = e->next)
		if ((e->prot & prot) != prot)
			return false;
	return true;
}

/* Clip so that [start, end) is covered by whole entries; return the first. */
static struct vm_map_entry *
clip_range(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_map_entry *e = vm_map_lookup(m, start), *first;

	e = vm_map_clip_start(w, m, e, start);
	first = e;
	for (; e != NULL && e->start < end; e = e->next)
		if (e->end > end)
			vm_map_clip_end(w, m, e, end);
	return first;
}

/* ---- allocate / deallocate ------------------------------------------------ */

/*
 * vm_allocate() -> vm_map_enter(): an entry with a NULL object (rw-/rwx,
 * inherit copy) that may coalesce with a neighbour; VM_FLAGS_PURGABLE gets
 * an object at once with copy strategy NONE (vm_purgable_control objects),
 * a malloc tag (XNU) one with COPY_DELAY_FORK and true_share.
 */
kern_return_t
vm_op_allocate(struct vm_world *w, int task, uint64_t *addr, uint64_t size, int flags, int tag)
{
	struct vm_map *m = task_map(w, task);
	uint64_t start, end;
	struct vm_map_entry *e;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (!page_range(w, (flags & VM_FLAGS_ANYWHERE) ? 0 : *addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	if (tag < 0 || tag > 0xffff)
		return KERN_INVALID_ARGUMENT;
	if (!region_size_ok(w, start, end))
		return KERN_RESOURCE_SHORTAGE;
	if (flags & VM_FLAGS_ANYWHERE) {
		if (!vm_map_find_space(m, end - start, &start))
			return KERN_NO_SPACE;
		end = start + size;
		end = trunc_page(w, end + w->page_size - 1);
	} else if (!vm_map_range_free(m, start, end)) {
		return KERN_NO_SPACE;
	}
	if ((flags & VM_FLAGS_PURGABLE) && !w->prof->has_purgeable) {
		w->fx.flags |= VMFX_PURGEABLE_IGNORED;
		flags &= ~VM_FLAGS_PURGABLE;
	}
	if (flags & VM_FLAGS_PURGABLE) {
		struct vm_object *o = vm_obj_new(w, end - start, true);

		o->purgeable = true;
		o->copy_strategy = COPY_NONE;
		w->fx.flags |= VMFX_OBJECT_CREATED;
		e = vm_map_enter(w, m, start, end, o->id, 0, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_COPY, tag, false);
	} else if (tag < 64 && (w->prof->malloc_no_cow_tags >> tag) & 1) {
		/* vm_map_enter (xnu-11417.101.15 osfmk/vm/vm_map.c): a malloc
		 * tag in vm_memory_malloc_no_cow_mask gets its object at once,
		 * COPY_DELAY_FORK and true_share, so it is never copied
		 * copy-on-write except by fork; with an object it does not
		 * coalesce with a neighbour. */
		struct vm_object *o = vm_obj_new(w, end - start, true);

		o->copy_strategy = COPY_DELAY_FORK;
		o->true_share = true;
		w->fx.flags |= VMFX_OBJECT_CREATED | VMFX_MALLOC_NO_COW;
		e = vm_map_enter(w, m, start, end, o->id, 0, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_COPY, tag, false);
	} else {
		e = vm_map_enter(w, m, start, end, 0, 0, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_COPY, tag, true);
	}
	(void)e;
	*addr = start;
	w->fx.addr = start;
	return KERN_SUCCESS;
}

/*
 * vm_deallocate() -> vm_map_delete().  XNU accepts holes in the range;
 * vmscope also does, but refuses a range with no mapping at all
 * (KERN_INVALID_ADDRESS) so that a wrong trace does not pass silently.
 */
kern_return_t
vm_op_deallocate(struct vm_world *w, int task, uint64_t addr, uint64_t size)
{
	struct vm_map *m = task_map(w, task);
	uint64_t start, end;
	struct vm_map_entry *e;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (!page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	e = vm_map_first_at_or_after(m, start);
	if (e == NULL || e->start >= end)
		return KERN_INVALID_ADDRESS;
	if (!vm_map_range_mapped(m, start, end))
		w->fx.flags |= VMFX_HOLES_SKIPPED;
	vm_map_delete(w, m, start, end);
	w->fx.addr = start;
	return KERN_SUCCESS;
}

/* ---- faults ------------------------------------------------------------------ */

/* The bottom object of O's chain. */
static struct vm_object *
chain_bottom(const struct vm_world *w, struct vm_object *o)
{
	while (o != NULL && o->shadow != 0)
		o = vm_obj(w, o->shadow);
	return o;
}

/*
 * Make the page at byte offset OFF of O's chain exist, as vm_fault_page()
 * does when no object has it: an external (file) bottom object pages it in
 * clean; otherwise a zero-filled page is allocated in the top object.
 */
static void
fault_in_missing(struct vm_world *w, struct vm_object *top, uint64_t off, uint64_t n)
{
	struct vm_object *o = top, *bottom = chain_bottom(w, top);
	uint64_t boff = off;

	if (bottom != NULL && !bottom->internal) {
		while (o != bottom) {
			boff += o->shadow_offset;
			o = vm_obj(w, o->shadow);
		}
		vm_pages_set(w, bottom, boff >> w->page_shift, n, vm_frames_new(w, n));
		w->fx.flags |= VMFX_PAGED_IN;
		return;
	}
	vm_pages_set(w, top, off >> w->page_shift, n, vm_frames_new(w, n));
	w->fx.flags |= VMFX_ZERO_FILL;
	w->fx.pages_zero_filled += (uint32_t)n;
}

/*
 * Fault one page at VA of entry E (vm_map_lookup_and_lock_object +
 * vm_fault_page).
 */
static void
fault_page(struct vm_world *w, struct vm_map_entry *e, uint64_t va, bool write)
{
	struct vm_object *o, *found;
	uint64_t off, pg;
	unsigned depth = 0;
	uint32_t slot = 0;

	/* vm_map_lookup_and_lock_object(): a NULL entry gets an object now. */
	if (e->object == 0) {
		o = vm_obj_new(w, e->end - e->start, true);
		e->object = o->id;
		e->offset = 0;
		w->fx.flags |= VMFX_OBJECT_CREATED;
	}
	/* A write on a needs_copy entry shadows the object first. */
	if (write && e->needs_copy) {
		vm_object_shadow(w, e, false);
		e->needs_copy = false;
	}
	o = vm_obj(w, e->object);
	off = e->offset + (va - e->start);
	pg = off >> w->page_shift;
	found = vm_page_lookup_chain(w, o, off, &depth, &slot);
	if (found == NULL && !write && w->prof->fork == FORK_LINUX && !w->no_zero_page &&
	    chain_bottom(w, o)->internal) {
		/*
		 * do_anonymous_page(): a read of an untouched anonymous page maps
		 * the shared zero page; no page is allocated and Rss does not
		 * count it.
		 */
		w->fx.flags |= VMFX_ZERO_PAGE;
		return;
	}
	if (found == NULL) {
		fault_in_missing(w, o, off, 1);
		found = vm_page_lookup_chain(w, o, off, &depth, &slot);
	}
	vm_entry_set_present(e, (va - e->start) >> w->page_shift);
	if (!write)
		return;
	if (depth > 0) {
		/* Copy-on-write: copy the page up into the top object. */
		vm_page_set(w, o, pg, vm_frames_new(w, 1) | VM_PAGE_DIRTY);
		w->fx.flags |= VMFX_COW_COPY;
		w->fx.pages_copied++;
		vm_object_push_page(w, o, off);
		vm_object_collapse(w, o);
		return;
	}
	if (w->prof->fork == FORK_LINUX && !e->is_shared &&
	    vm_frame_refs(w, VM_PAGE_FRAME(slot), &(uint64_t){ 0 }) > 1) {
		/* do_wp_page(): a page mapped more than once is copied. */
		vm_page_set(w, o, pg, vm_frames_new(w, 1) | VM_PAGE_DIRTY);
		w->fx.flags |= VMFX_COW_COPY;
		w->fx.pages_copied++;
		return;
	}
	vm_object_push_page(w, o, off);
	vm_pages_dirty(o, pg, 1);
}

/* Set E's page-table presence for pages [I, I+N) (linux shared mappings). */
static void
set_present(struct vm_map_entry *e, uint64_t i, uint64_t n)
{
	if (e->present != NULL)
		for (uint64_t k = 0; k < n; k++)
			vm_entry_set_present(e, i + k);
}

/*
 * Write the N pages at OFF of E's top object O, all found in FOUND at
 * DEPTH with consecutive frames from SLOT's: what fault_page() does to each
 * of them, at once.
 */
static void
write_span(struct vm_world *w, struct vm_map_entry *e, struct vm_object *o, uint64_t off,
           uint64_t n, unsigned depth, uint32_t slot)
{
	uint64_t pg = off >> w->page_shift, same;

	if (depth > 0) {
		vm_pages_set(w, o, pg, n, vm_frames_new(w, n) | VM_PAGE_DIRTY);
		w->fx.flags |= VMFX_COW_COPY;
		w->fx.pages_copied += (uint32_t)n;
		vm_object_push_pages(w, o, off, n);
		vm_object_collapse(w, o);
		return;
	}
	if (w->prof->fork == FORK_LINUX && !e->is_shared &&
	    vm_frame_refs(w, VM_PAGE_FRAME(slot), &same) > 1) {
		vm_pages_set(w, o, pg, n, vm_frames_new(w, n) | VM_PAGE_DIRTY);
		w->fx.flags |= VMFX_COW_COPY;
		w->fx.pages_copied += (uint32_t)n;
		return;
	}
	vm_object_push_pages(w, o, off, n);
	vm_pages_dirty(o, pg, n);
}

/*
 * Fault up to N pages from VA of E that resolve alike (vm_chain_span) in
 * one step; return how many were done (0: leave VA to fault_page()).
 * Called after fault_page() has done the page before, so the entry has
 * its object and no needs_copy left to resolve; what a fault of one page
 * may change in the chain (a collapse or bypass) cannot change for the
 * next page of the same span, so the span ends in the state that faulting
 * its pages one by one leaves.
 */
static uint64_t
fault_span(struct vm_world *w, struct vm_map_entry *e, uint64_t va, uint64_t n, bool write)
{
	struct vm_object *o = vm_obj(w, e->object), *found;
	uint64_t off = e->offset + (va - e->start), i = (va - e->start) >> w->page_shift, k = n;
	unsigned depth = 0;
	uint32_t slot = 0;

	if (o == NULL || (write && e->needs_copy) || e->present != NULL || w->page_at_a_time)
		return 0;
	found = vm_chain_span(w, o, off, &k, &depth, &slot);
	if (found == NULL && !write && w->prof->fork == FORK_LINUX && !w->no_zero_page &&
	    chain_bottom(w, o)->internal) {
		w->fx.flags |= VMFX_ZERO_PAGE;
		return k;
	}
	if (found == NULL) {
		fault_in_missing(w, o, off, k);
		found = vm_chain_span(w, o, off, &k, &depth, &slot);
	}
	set_present(e, i, k);
	if (write && found != NULL) {
		if (depth == 0 && w->prof->fork == FORK_LINUX && !e->is_shared) {
			uint64_t same;

			(void)vm_frame_refs(w, VM_PAGE_FRAME(slot), &same);
			if (same < k)
				k = same;
		}
		write_span(w, e, o, off, k, depth, slot);
	}
	return k;
}

/* Touch every page of [addr, addr+size) of TASK. */
static kern_return_t
fault_range(struct vm_world *w, int task, uint64_t addr, uint64_t size, bool write)
{
	struct vm_map *m = task_map(w, task);
	uint64_t start, end;
	struct vm_map_entry *e;

	if (m == NULL)
		return KERN_INVALID_TASK;
	if (!page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	if (!vm_map_range_mapped(m, start, end))
		return KERN_INVALID_ADDRESS;
	if (!range_allows(m, start, end, write ? VM_PROT_WRITE : VM_PROT_READ))
		return KERN_PROTECTION_FAILURE;
	/* A written page may take two frames: its copy and the original
	 * pushed into a copy object. */
	if (!frames_available(w, 2 * ((end - start) >> w->page_shift)))
		return KERN_RESOURCE_SHORTAGE;
	for (e = vm_map_lookup(m, start); e != NULL && e->start < end; e = e->next) {
		uint64_t a = e->start > start ? e->start : start;
		uint64_t b = e->end < end ? e->end : end;

		for (uint64_t va = a; va < b;) {
			fault_page(w, e, va, write);
			va += w->page_size;
			if (va < b)
				va += fault_span(w, e, va, (b - va) >> w->page_shift, write)
				      << w->page_shift;
		}
	}
	return KERN_SUCCESS;
}

kern_return_t
vm_op_write(struct vm_world *w, int task, uint64_t addr, uint64_t size)
{
	fx_begin(w);
	return fault_range(w, task, addr, size, true);
}

kern_return_t
vm_op_read(struct vm_world *w, int task, uint64_t addr, uint64_t size)
{
	fx_begin(w);
	return fault_range(w, task, addr, size, false);
}

/* ---- fork ----------------------------------------------------------------- */

/* A new entry in M after the last one, copying E's attributes. */
static struct vm_map_entry *
append_copy(struct vm_map *m, const struct vm_map_entry *e)
{
	struct vm_map_entry *n = vm_map_entry_new();

	n->start = e->start;
	n->end = e->end;
	n->offset = e->offset;
	n->object = e->object;
	n->prot = e->prot;
	n->max_prot = e->max_prot;
	n->inheritance = e->inheritance;
	n->user_tag = e->user_tag;
	vm_map_link(m, m->last, n);
	return n;
}

/*
 * vm_map_fork_share() (xnu-11417.101.15 osfmk/vm/vm_map.c): allocate the
 * object if NULL.  Only a SYMMETRIC object is shadowed first -- when the
 * entry needs_copy, the object is shadowed, or it is larger than the
 * entry (and not true_share, not already shared); an object that already
 * has an asymmetric strategy (a file's DELAY, a purgeable object's NONE)
 * "already is the right object" and is shared as it is.  (An asymmetric
 * object under a needs_copy entry, which XNU asserts never happens, is
 * still shadowed here.)  SYMMETRIC becomes DELAY; one more reference;
 * both entries is_shared.
 */
static void
fork_share(struct vm_world *w, struct vm_map_entry *e, struct vm_map *child)
{
	struct vm_object *o;
	struct vm_map_entry *n;

	if (e->object == 0) {
		o = vm_obj_new(w, e->end - e->start, true);
		e->object = o->id;
		e->offset = 0;
	}
	o = vm_obj(w, e->object);
	if (e->needs_copy ||
	    (o->copy_strategy == COPY_SYMMETRIC &&
	     (o->shadowed || (!o->true_share && !e->is_shared && o->size > e->end - e->start)))) {
		vm_object_shadow(w, e, true);
		e->needs_copy = false;
		o = vm_obj(w, e->object);
	}
	if (o->copy_strategy == COPY_SYMMETRIC)
		o->copy_strategy = COPY_DELAY;
	vm_obj_ref(w, o->id);
	e->is_shared = true;
	n = append_copy(child, e);
	n->is_shared = true;
	if (w->prof->fork == FORK_LINUX) {
		/* copy_present_pte() copies no PTE of a shared mapping. */
		if (e->present == NULL)
			vm_entry_track_presence(w, e, true);
		vm_entry_track_presence(w, n, false);
	}
}

/*
 * The object a copy of entry E maps, by the object's copy strategy
 * (vm_object_copy_strategically, xnu-11417.101.15 osfmk/vm/vm_object.c):
 * DELAY (and DELAY_FORK when forking) take a delayed copy, which the copy's
 * entry maps with needs_copy set (*NEEDS_COPY); NONE and wired entries a
 * slow copy, mapped as it is.  *OFFSET receives the copy's offset.
 */
static uint32_t
copy_strategically(struct vm_world *w, const struct vm_map_entry *e, bool forking,
                   uint64_t *offset, bool *needs_copy)
{
	struct vm_object *o = vm_obj(w, e->object), *c;
	uint64_t size = e->end - e->start;

	if (e->wired_count == 0 &&
	    (o->copy_strategy == COPY_DELAY || o->copy_strategy == COPY_SYMMETRIC ||
	     (o->copy_strategy == COPY_DELAY_FORK && forking))) {
		c = vm_object_copy_delayed(w, o, e->offset, size);
		*offset = e->offset;
		*needs_copy = true;
		return c->id;
	}
	c = vm_object_copy_slowly(w, o, e->offset, size);
	*offset = 0;
	*needs_copy = false;
	return c->id;
}

/*
 * vm_map_fork() for an inherit-copy entry: vm_object_copy_quickly() for a
 * NULL or SYMMETRIC object (same object in both maps, +1 ref, needs_copy on
 * both); wired, true_share or non-SYMMETRIC objects go through
 * vm_map_fork_copy() -> vm_map_copyin().
 */
static void
fork_copy_mach(struct vm_world *w, struct vm_map_entry *e, struct vm_map *child)
{
	struct vm_object *o = vm_obj(w, e->object);
	struct vm_map_entry *n;

	if (o == NULL) {
		append_copy(child, e);
		return;
	}
	if (e->wired_count == 0 && !o->true_share && !e->is_shared &&
	    o->copy_strategy == COPY_SYMMETRIC) {
		vm_obj_ref(w, o->id);
		e->needs_copy = true;
		n = append_copy(child, e);
		n->needs_copy = true;
		w->fx.flags |= VMFX_COPY_QUICKLY;
		return;
	}
	n = append_copy(child, e);
	n->object = copy_strategically(w, e, true, &n->offset, &n->needs_copy);
}

/*
 * Linux copy_present_pte(): the child gets its own page table (here: its
 * own object) whose present private pages are the parent's frames, write
 * protected in both: each frame's map count goes to 2.
 */
static void
fork_copy_linux(struct vm_world *w, struct vm_map_entry *e, struct vm_map *child)
{
	struct vm_object *o = vm_obj(w, e->object), *c;
	struct vm_map_entry *n = append_copy(child, e);

	if (o == NULL)
		return;
	c = vm_obj_new(w, o->size, o->internal);
	c->shadow = o->shadow;
	c->shadow_offset = o->shadow_offset;
	if (c->shadow != 0)
		vm_obj_ref(w, c->shadow);
	/* Only the pages this entry maps: a clipped neighbour's are not ours. */
	for (uint64_t i = e->offset >> w->page_shift, k,
	     end = (e->offset + (e->end - e->start)) >> w->page_shift; i < end; i += k) {
		uint32_t s = vm_page_span(o, i, &k);

		if (k > end - i)
			k = end - i;
		if (s == 0)
			continue;
		vm_frames_adjust(w, VM_PAGE_FRAME(s), k, +1);
		vm_pages_set(w, c, i, k, s);
	}
	n->object = c->id;
	w->fx.flags |= VMFX_COPY_QUICKLY;
}

/* fork(): vm_map_fork() entry by entry, by inheritance. */
kern_return_t
vm_op_fork(struct vm_world *w, int task, const char *child, int *child_out)
{
	struct vm_map *pm, *cm;
	struct vm_map_entry *e;
	int c;

	fx_begin(w);
	if (task_map(w, task) == NULL)
		return KERN_INVALID_TASK;
	if (child == NULL || child[0] == '\0' || vm_task_find(w, child) >= 0)
		return KERN_INVALID_ARGUMENT;
	if (!frames_available(w, w->live_frames))
		return KERN_RESOURCE_SHORTAGE;   /* slow copies may double them */
	c = vm_task_create(w, child);   /* may move w->tasks */
	pm = &w->tasks[task].map;
	cm = &w->tasks[c].map;
	for (e = pm->first; e != NULL; e = e->next) {
		switch (e->inheritance) {
		case VM_INHERIT_NONE:
			break;
		case VM_INHERIT_SHARE:
			fork_share(w, e, cm);
			break;
		default:
			if (w->prof->fork == FORK_LINUX)
				fork_copy_linux(w, e, cm);
			else
				fork_copy_mach(w, e, cm);
			break;
		}
	}
	w->fx.task = c;
	if (child_out != NULL)
		*child_out = c;
	return KERN_SUCCESS;
}

/* ---- inherit / protect ------------------------------------------------------- */

/*
 * Linux cannot make a private mapping shared after mmap.  Its analogue
 * (what the recorder does): memfd_create + copy + mmap(MAP_SHARED |
 * MAP_FIXED) over the range, so E becomes its own shared mapping of a new
 * object holding copies of the pages that existed (all present).  With
 * ALLOCATE a NULL entry gets its (empty) object at once.
 */
static void
linux_make_shared(struct vm_world *w, struct vm_map_entry *e, bool allocate)
{
	struct vm_object *old = vm_obj(w, e->object), *o = NULL;

	if (e->is_shared)
		return;
	if (old != NULL)
		o = vm_object_copy_slowly(w, old, e->offset, e->end - e->start);
	else if (allocate)
		o = vm_obj_new(w, e->end - e->start, true);
	if (old != NULL)
		vm_obj_deref(w, old->id);
	e->object = o != NULL ? o->id : 0;
	e->offset = 0;
	e->needs_copy = false;
	e->is_shared = true;
	e->inheritance = VM_INHERIT_SHARE;
	vm_entry_track_presence(w, e, true);
	w->fx.flags |= VMFX_LINUX_ANALOGUE;
}

/* vm_map_inherit(): clip and set; XNU does not re-merge, GNU Mach 2023 does. */
kern_return_t
vm_op_inherit(struct vm_world *w, int task, uint64_t addr, uint64_t size, int inh)
{
	struct vm_map *m = task_map(w, task);
	uint64_t start, end;
	struct vm_map_entry *e;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (inh != VM_INHERIT_SHARE && inh != VM_INHERIT_COPY && inh != VM_INHERIT_NONE)
		return KERN_INVALID_ARGUMENT;
	if (!page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	if (!vm_map_range_mapped(m, start, end))
		return KERN_INVALID_ADDRESS;
	if (w->prof->fork == FORK_LINUX && inh == VM_INHERIT_SHARE &&
	    !frames_available(w, (end - start) >> w->page_shift))
		return KERN_RESOURCE_SHORTAGE;
	for (e = clip_range(w, m, start, end); e != NULL && e->start < end; e = e->next) {
		if (w->prof->fork == FORK_LINUX && inh == VM_INHERIT_SHARE)
			linux_make_shared(w, e, false);
		e->inheritance = (uint8_t)inh;
	}
	if (w->prof->simplify_after_inherit)
		vm_map_simplify_range(w, m, start, end);
	return KERN_SUCCESS;
}

/*
 * vm_map_protect(): refuse rights beyond max_protection, clip, set, then
 * (per profile) vm_map_simplify_entry() the neighbourhood.
 */
kern_return_t
vm_op_protect(struct vm_world *w, int task, uint64_t addr, uint64_t size, bool set_max,
              int prot)
{
	struct vm_map *m = task_map(w, task);
	uint64_t start, end;
	struct vm_map_entry *e;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (prot < 0 || prot > VM_PROT_ALL || !page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	if (!vm_map_range_mapped(m, start, end))
		return KERN_INVALID_ADDRESS;
	for (e = vm_map_lookup(m, start); e != NULL && e->start < end; e = e->next)
		if ((prot & ~e->max_prot) != 0)
			return KERN_PROTECTION_FAILURE;
	for (e = clip_range(w, m, start, end); e != NULL && e->start < end; e = e->next) {
		if (set_max) {
			e->max_prot = (uint8_t)prot;
			e->prot &= (uint8_t)prot;
		} else {
			e->prot = (uint8_t)prot;
		}
	}
	if (w->prof->simplify_after_protect)
		vm_map_simplify_range(w, m, start, end);
	return KERN_SUCCESS;
}

/* ---- out-of-line send ---------------------------------------------------------- */

struct copy_rec {
	uint64_t size, offset;
	uint32_t object;
	bool needs_copy;
	uint16_t tag;
};

/*
 * vm_map_copyin_internal(): one copy record per source entry of
 * [start, end) (entries clipped to the range).
 *  - DEALLOCATE where the profile moves entries (GNU Mach vm/vm_map.c
 *    vm_map_copyin with src_destroy), with a NULL or internal SYMMETRIC
 *    object: the object reference moves to the copy, needs_copy as the
 *    source had it.  XNU does not move: xnu-11417.101.15
 *    osfmk/vm/vm_map.c vm_map_copyin_internal copies as below and the
 *    caller deletes the source range afterwards -- so a SYMMETRIC source
 *    leaves the receiver needs_copy on an object of ref 1 (SM_COW, 1);
 *  - SYMMETRIC, unshared, unwired: vm_object_copy_quickly, needs_copy on the
 *    source entry and on the copy;
 *  - otherwise vm_object_copy_strategically (delayed or slow copy).
 */
static struct copy_rec *
copyin_entries(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end,
               bool dealloc, size_t *nrec)
{
	struct vm_map_entry *e = clip_range(w, m, start, end);
	struct copy_rec *recs = NULL;
	size_t n = 0, cap = 0;

	for (; e != NULL && e->start < end; e = e->next) {
		struct vm_object *o = vm_obj(w, e->object);
		struct copy_rec r = { .size = e->end - e->start, .offset = e->offset,
		                      .object = e->object, .tag = e->user_tag };

		if (o == NULL) {
			r.object = 0;
		} else if (dealloc && w->prof->ool_dealloc_moves && o->internal &&
		           o->copy_strategy == COPY_SYMMETRIC) {
			vm_obj_ref(w, o->id);
			r.needs_copy = e->needs_copy;
			w->fx.flags |= VMFX_MOVED;
		} else if (e->wired_count == 0 && !e->is_shared && o->copy_strategy == COPY_SYMMETRIC) {
			vm_obj_ref(w, o->id);
			e->needs_copy = true;
			r.needs_copy = true;
			w->fx.flags |= VMFX_COPY_QUICKLY;
		} else {
			r.object = copy_strategically(w, e, false, &r.offset, &r.needs_copy);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			recs = realloc(recs, cap * sizeof *recs);
			if (recs == NULL)
				abort();
		}
		recs[n++] = r;
	}
	*nrec = n;
	return recs;
}

/* Copy every page of [start, end) of TASK into a fresh object (eager copy). */
static struct vm_object *
eager_copy(struct vm_world *w, struct vm_map *m, uint64_t start, uint64_t end)
{
	struct vm_object *k = vm_obj_new(w, end - start, true);
	uint64_t i = 0;

	(void)m;
	i = (end - start) >> w->page_shift;
	vm_pages_set(w, k, 0, i, vm_frames_new(w, i) | VM_PAGE_DIRTY);
	w->fx.pages_copied += (uint32_t)i;
	return k;
}

/*
 * OOL send (ipc_kmsg_copyin_ool_descriptor, vm_map_copyin_internal) and
 * receive (vm_map_copyout_internal): three paths, docs/model.md.
 */
kern_return_t
vm_op_ool_send(struct vm_world *w, int from, int to, uint64_t addr, uint64_t size,
               bool physical, bool dealloc, uint64_t *out_addr)
{
	struct vm_map *ms = task_map(w, from), *mr = task_map(w, to);
	uint64_t start, end, len, raddr;
	kern_return_t kr;

	fx_begin(w);
	if (ms == NULL || mr == NULL)
		return KERN_INVALID_TASK;
	if (!page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	len = end - start;
	if (!vm_map_range_mapped(ms, start, end))
		return KERN_INVALID_ADDRESS;
	if (!range_allows(ms, start, end, VM_PROT_READ))
		return KERN_PROTECTION_FAILURE;
	if (!vm_map_find_space(mr, len, &raddr))
		return KERN_NO_SPACE;
	if (!frames_available(w, 2 * (len >> w->page_shift)))
		return KERN_RESOURCE_SHORTAGE;

	if (w->prof->ool == OOL_LINUX ||
	    (w->prof->ool == OOL_XNU && size <= w->prof->ool_kbuf_threshold)) {
		/*
		 * vm_map_copyin_kernel_buffer(): the bytes are read now (faulting
		 * untouched sender pages in), the receiver gets vm_map_enter(NULL)
		 * + copyout writes, which may coalesce.  Linux has no OOL; its
		 * analogue, process_vm_writev() into a fresh mapping, behaves the
		 * same way.
		 */
		kr = fault_range(w, from, start, len, false);
		if (kr != KERN_SUCCESS)
			return kr;
		if (dealloc) {
			vm_map_delete(w, ms, start, end);
			w->fx.flags |= VMFX_SOURCE_REMOVED;
		}
		if (!vm_map_find_space(mr, len, &raddr))
			return KERN_NO_SPACE;
		vm_map_enter(w, mr, raddr, raddr + len, 0, 0, VM_PROT_READ | VM_PROT_WRITE,
		             VM_PROT_ALL, VM_INHERIT_COPY, 0, true);
		kr = fault_range(w, to, raddr, len, true);
		w->fx.flags |= w->prof->ool == OOL_LINUX ? VMFX_LINUX_ANALOGUE : VMFX_KERNEL_BUFFER;
	} else if (w->prof->ool == OOL_XNU && physical && !dealloc) {
		/*
		 * Eager physical copy: every page of the range is read (untouched
		 * ones faulted in) into a kernel-map buffer, handed over
		 * copy-on-write: the receiver's entry needs_copy on an object of
		 * ref 1 with every page resident.
		 */
		struct vm_object *k;
		struct vm_map_entry *re;

		kr = fault_range(w, from, start, len, false);
		if (kr != KERN_SUCCESS)
			return kr;
		k = eager_copy(w, ms, start, end);
		re = vm_map_enter(w, mr, raddr, raddr + len, k->id, 0, VM_PROT_READ | VM_PROT_WRITE,
		                  VM_PROT_ALL, VM_INHERIT_COPY, 0, false);
		re->needs_copy = true;
		w->fx.flags |= VMFX_EAGER_COPY;
	} else {
		/* Entry list: copyin, remove the source if asked, copyout. */
		size_t n = 0;
		struct copy_rec *recs = copyin_entries(w, ms, start, end, dealloc, &n);
		uint64_t at = raddr;

		if (dealloc) {
			vm_map_delete(w, ms, start, end);
			w->fx.flags |= VMFX_SOURCE_REMOVED;
		}
		for (size_t i = 0; i < n; i++) {
			struct vm_map_entry *re = vm_map_enter(w, mr, at, at + recs[i].size,
			                                       recs[i].object, recs[i].offset,
			                                       VM_PROT_READ | VM_PROT_WRITE,
			                                       VM_PROT_ALL, VM_INHERIT_COPY,
			                                       recs[i].tag, false);
			re->needs_copy = recs[i].needs_copy;
			at += recs[i].size;
		}
		free(recs);
		kr = KERN_SUCCESS;
	}
	w->fx.task = to;
	w->fx.addr = raddr;
	if (kr == KERN_SUCCESS && w->prof->ool != OOL_LINUX) {
		/* ipc_kmsg_copyout_ool_descriptor(): the copy option kept, and
		 * deallocate set for every VIRTUAL receive (the region is the
		 * receiver's to free), whatever the sender asked. */
		w->fx.flags |= VMFX_OOL_RECEIVED;
		w->fx.desc_physical = physical;
		w->fx.desc_dealloc = !physical;
	}
	if (out_addr != NULL)
		*out_addr = raddr;
	return kr;
}

/* ---- memory entries and files --------------------------------------------------- */

/*
 * mach_make_memory_entry_64(MAP_MEM_NAMED_CREATE off, rw): resolve pending
 * copy-on-write first, allocate a NULL object, convert a SYMMETRIC object
 * (true_share, DELAY) and take a reference for the named entry.  Under the
 * linux profile it stands for memfd_create + MAP_SHARED (an analogue).
 */
kern_return_t
vm_op_make_memory_entry(struct vm_world *w, int task, uint64_t addr, uint64_t size,
                        int *entry_out)
{
	struct vm_map *m = task_map(w, task);
	struct vm_map_entry *e;
	struct vm_object *o;
	struct vm_named_entry *ne;
	uint64_t start, end;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (!w->prof->has_memory_entries)
		return KERN_NOT_SUPPORTED;
	if (!page_range(w, addr, size, &start, &end))
		return KERN_INVALID_ARGUMENT;
	e = vm_map_lookup(m, start);
	if (e == NULL)
		return KERN_INVALID_ADDRESS;
	if (e->end < end)
		return KERN_INVALID_ARGUMENT;   /* vmscope: one entry only */
	if ((e->prot & (VM_PROT_READ | VM_PROT_WRITE)) != (VM_PROT_READ | VM_PROT_WRITE))
		return KERN_PROTECTION_FAILURE;
	if (!frames_available(w, (end - start) >> w->page_shift))
		return KERN_RESOURCE_SHORTAGE;
	if (w->prof->fork == FORK_LINUX) {
		e = clip_range(w, m, start, end);
		linux_make_shared(w, e, true);
	}
	if (e->object == 0) {
		o = vm_obj_new(w, e->end - e->start, true);
		e->object = o->id;
		e->offset = 0;
		w->fx.flags |= VMFX_OBJECT_CREATED;
	}
	o = vm_obj(w, e->object);
	/*
	 * mach_make_memory_entry_internal (xnu-11417.101.15
	 * osfmk/vm/vm_memory_entry.c): an entry that needs_copy, whose object
	 * is shadowed, or that maps less than its whole object is given a
	 * shadow object of its own size first (VME_OBJECT_SHADOW) -- unless
	 * the object is already true_share or COPY_NONE -- so that the entry
	 * shares exactly its range.  Linux: copy-on-write is resolved first.
	 */
	if (w->prof->fork == FORK_LINUX ? e->needs_copy
	    : (e->needs_copy || o->shadowed || o->size > e->end - e->start) && !o->true_share &&
	      o->copy_strategy != COPY_NONE) {
		vm_object_shadow(w, e, false);
		e->needs_copy = false;
		o = vm_obj(w, e->object);
	}
	/*
	 * mach_make_memory_entry_internal (xnu-11417.101.15
	 * osfmk/vm/vm_memory_entry.c): a SYMMETRIC object is converted --
	 * copy strategy DELAY and true_share -- because it is about to be
	 * shared; an object that already has another strategy (a file's
	 * DELAY) is shared as it is and does not become true_share.
	 */
	if (w->prof->fork != FORK_LINUX && o->copy_strategy == COPY_SYMMETRIC) {
		o->copy_strategy = COPY_DELAY;
		o->true_share = true;
	}
	vm_obj_ref(w, o->id);
	if (w->nentries == w->entries_cap) {
		int cap = w->entries_cap ? w->entries_cap * 2 : 4;

		w->entries = realloc(w->entries, (size_t)cap * sizeof *w->entries);
		if (w->entries == NULL)
			abort();
		w->entries_cap = cap;
	}
	ne = &w->entries[w->nentries];
	ne->object = o->id;
	ne->offset = e->offset + (start - e->start);
	ne->size = end - start;
	ne->live = true;
	w->fx.entry = w->nentries;
	if (entry_out != NULL)
		*entry_out = w->nentries;
	w->nentries++;
	return KERN_SUCCESS;
}

/* mach_vm_map(entry, anywhere, copy=FALSE): map the entry's object again. */
kern_return_t
vm_op_map_entry(struct vm_world *w, int task, int entry, uint64_t *addr_out)
{
	struct vm_map *m = task_map(w, task);
	struct vm_named_entry *ne;
	struct vm_map_entry *e;
	uint64_t addr;
	bool linux_like = w->prof->fork == FORK_LINUX;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (entry < 0 || entry >= w->nentries || !w->entries[entry].live)
		return KERN_INVALID_NAME;
	ne = &w->entries[entry];
	if (!vm_map_find_space(m, ne->size, &addr))
		return KERN_NO_SPACE;
	vm_obj_ref(w, ne->object);
	e = vm_map_enter(w, m, addr, addr + ne->size, ne->object, ne->offset,
	                 VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	                 linux_like ? VM_INHERIT_SHARE : VM_INHERIT_COPY, 0, false);
	e->is_shared = linux_like;
	if (linux_like)
		vm_entry_track_presence(w, e, false);
	w->fx.addr = addr;
	if (addr_out != NULL)
		*addr_out = addr;
	return KERN_SUCCESS;
}

/* mach_port_deallocate() of the entry: drop its object reference. */
kern_return_t
vm_op_release_entry(struct vm_world *w, int entry)
{
	fx_begin(w);
	if (entry < 0 || entry >= w->nentries || !w->entries[entry].live)
		return KERN_INVALID_NAME;
	w->entries[entry].live = false;
	vm_obj_deref(w, w->entries[entry].object);
	w->entries[entry].object = 0;
	return KERN_SUCCESS;
}

/* Index of the file named NAME, created when new. */
static int
file_index(struct vm_world *w, const char *name)
{
	for (int i = 0; i < w->nfiles; i++)
		if (strcmp(w->files[i].name, name) == 0)
			return i;
	if (w->nfiles == w->files_cap) {
		int cap = w->files_cap ? w->files_cap * 2 : 4;

		w->files = realloc(w->files, (size_t)cap * sizeof *w->files);
		if (w->files == NULL)
			abort();
		w->files_cap = cap;
	}
	w->files[w->nfiles].name = strdup(name);
	if (w->files[w->nfiles].name == NULL)
		abort();
	w->files[w->nfiles].object = 0;
	return w->nfiles++;
}

/*
 * mmap(fd): one VM object per file (vm_object_enter), external, with a
 * DELAY copy strategy.  Under XNU the file cache (UBC) holds a named
 * reference counted in ref_count (memory_object_recover_named: "named =
 * TRUE; ref_count++"; vm_map_region_top_walk treats "ref 2 and named" as
 * private); that it is held whenever a file is mapped is inferred.  MAP_SHARED
 * maps the object with inheritance share; MAP_PRIVATE maps a delayed copy
 * of it needs_copy (Mach) or a private anonymous object over it (Linux).
 */
kern_return_t
vm_op_map_file(struct vm_world *w, int task, const char *file, uint64_t offset,
               uint64_t size, bool priv, const uint64_t *at, uint64_t *addr_out)
{
	struct vm_map *m = task_map(w, task);
	struct vm_object *o;
	struct vm_map_entry *e;
	uint64_t start, end, addr, len, need;
	int f;

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	if (file == NULL || file[0] == '\0' || (offset & (w->page_size - 1)) != 0)
		return KERN_INVALID_ARGUMENT;
	if (!page_range(w, at != NULL ? *at : 0, size, &start, &end) || offset + end < offset)
		return KERN_INVALID_ARGUMENT;
	len = end - start;
	if (!region_size_ok(w, 0, len) || !region_size_ok(w, 0, offset))
		return KERN_RESOURCE_SHORTAGE;
	addr = start;
	if (at != NULL ? !vm_map_range_free(m, start, end) : !vm_map_find_space(m, len, &addr))
		return KERN_NO_SPACE;
	f = file_index(w, file);
	need = offset + len;
	o = vm_obj(w, w->files[f].object);
	if (o == NULL) {
		o = vm_obj_new(w, need, false);
		o->copy_strategy = COPY_DELAY;
		o->file = f;
		w->files[f].object = o->id;
		if (w->prof->file_named_ref) {
			o->named = true;      /* the creation reference is the UBC's */
			vm_obj_ref(w, o->id);
		}
	} else {
		if (o->size < need)
			vm_obj_resize(w, o, need);
		vm_obj_ref(w, o->id);
	}
	if (priv && w->prof->fork == FORK_LINUX) {
		struct vm_object *a = vm_obj_new(w, len, true);

		a->shadow = o->id;      /* the mapping's reference becomes the shadow's */
		a->shadow_offset = offset;
		o->shadowed = true;
		e = vm_map_enter(w, m, addr, addr + len, a->id, 0, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_COPY, 0, false);
	} else if (priv) {
		/* vm_map_enter_mem_object with copy (xnu-11417.101.15
		 * osfmk/vm/vm_map.c): vm_object_copy_strategically takes a
		 * delayed copy of the file's DELAY object, the reference to the
		 * file object itself is thrown away ("it won't be mapped"), and
		 * the copy is mapped needs_copy. */
		struct vm_object *c = vm_object_copy_delayed(w, o, offset, len);

		vm_obj_deref(w, o->id);
		e = vm_map_enter(w, m, addr, addr + len, c->id, offset, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_COPY, 0, false);
		e->needs_copy = true;
	} else {
		e = vm_map_enter(w, m, addr, addr + len, o->id, offset, VM_PROT_READ | VM_PROT_WRITE,
		                 VM_PROT_ALL, VM_INHERIT_SHARE, 0, false);
		e->is_shared = w->prof->fork == FORK_LINUX;
		if (e->is_shared)
			vm_entry_track_presence(w, e, false);
	}
	w->fx.addr = addr;
	if (addr_out != NULL)
		*addr_out = addr;
	return KERN_SUCCESS;
}

/*
 * exec: the task gets a new, empty address space and the old one is
 * destroyed with every reference it held (xnu-11417.101.15
 * bsd/kern/kern_exec.c: exec_mach_imgact makes a new map with
 * vm_map_create and swaps it in; Linux mm/ and fs/exec.c: exec_mmap
 * replaces mm and mmput drops the old one).  The program's own new
 * mappings are the trace's next events.
 */
kern_return_t
vm_op_exec(struct vm_world *w, int task)
{
	struct vm_map *m = task_map(w, task);

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	vm_map_destroy(w, m);
	return KERN_SUCCESS;
}

/* Task exit: vm_map_remove() of the whole map. */
kern_return_t
vm_op_exit(struct vm_world *w, int task)
{
	struct vm_map *m = task_map(w, task);

	fx_begin(w);
	if (m == NULL)
		return KERN_INVALID_TASK;
	vm_map_destroy(w, m);
	w->tasks[task].alive = false;
	return KERN_SUCCESS;
}
