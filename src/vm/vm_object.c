/* SPDX-License-Identifier: MIT */
/*
 * vm_object.c -- VM objects, their resident pages, physical frames, shadow
 * chains, and the copy strategies.
 *
 * Pages are numbered within the object (byte offset >> page_shift) and
 * kept as runs (vm_pages.c).
 */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL && n != 0)
		abort();
	return p;
}

/* Return object ID, or NULL for 0 and freed ids. */
struct vm_object *
vm_obj(const struct vm_world *w, uint32_t id)
{
	return id != 0 && id < w->nobj_ids ? w->objs[id] : NULL;
}

/* vm_object_allocate(): a new object of SIZE bytes, ref 1, SYMMETRIC. */
struct vm_object *
vm_obj_new(struct vm_world *w, uint64_t size, bool internal)
{
	struct vm_object *o;

	if (w->nobj_ids == 0)
		w->nobj_ids = 1;
	if (w->nobj_ids >= w->objs_cap) {
		uint32_t cap = w->objs_cap ? w->objs_cap * 2 : 64;

		w->objs = xrealloc(w->objs, cap * sizeof *w->objs);
		memset(w->objs + w->objs_cap, 0, (cap - w->objs_cap) * sizeof *w->objs);
		w->objs_cap = cap;
	}
	o = calloc(1, sizeof *o);
	if (o == NULL)
		abort();
	o->id = w->nobj_ids++;
	o->ref_count = 1;
	o->internal = internal;
	o->copy_strategy = COPY_SYMMETRIC;
	o->file = -1;
	w->objs[o->id] = o;
	w->live_objects++;
	vm_obj_resize(w, o, size);
	w->fx.objects_created++;
	return o;
}

/* Grow (never shrink) O to SIZE bytes; its runs need no room. */
void
vm_obj_resize(struct vm_world *w, struct vm_object *o, uint64_t size)
{
	uint64_t np = (size + w->page_size - 1) >> w->page_shift;

	o->size = size;
	if (np > o->npages)
		o->npages = (uint32_t)np;
}

/* Take one more reference on object ID. */
void
vm_obj_ref(struct vm_world *w, uint32_t id)
{
	struct vm_object *o = vm_obj(w, id);

	if (o != NULL)
		o->ref_count++;
}

/* Release every page of O and free it; return its shadow id. */
static uint32_t
obj_terminate(struct vm_world *w, struct vm_object *o)
{
	uint32_t shadow = o->shadow;

	vm_pages_release(w, o);
	if (o->file >= 0 && o->file < w->nfiles && w->files[o->file].object == o->id)
		w->files[o->file].object = 0;
	/* A copy object that shadows us keeps us alive, so o->copy is gone. */
	w->objs[o->id] = NULL;
	w->live_objects--;
	if (!(o->arena & VMO_ARENA_STRUCT))
		free(o);
	w->fx.flags |= VMFX_OBJECT_FREED;
	w->fx.objects_freed++;
	return shadow;
}

/*
 * vm_object_deallocate(): drop a reference.  At 0 the object and its pages
 * are freed and the reference it held on its shadow is dropped in turn.
 * When one reference is left and there is a shadow, a collapse is tried.
 */
void
vm_obj_deref(struct vm_world *w, uint32_t id)
{
	while (id != 0) {
		struct vm_object *o = vm_obj(w, id);

		if (o == NULL || o->ref_count == 0)
			return;
		if (--o->ref_count > 0) {
			if (o->ref_count == 1 && o->shadow != 0)
				vm_object_collapse(w, o);
			return;
		}
		/* Unhook from the object we are the copy object of. */
		if (o->shadow != 0) {
			struct vm_object *s = vm_obj(w, o->shadow);

			if (s != NULL && s->copy == o->id)
				s->copy = 0;
		}
		id = obj_terminate(w, o);
	}
}

/*
 * vm_page_lookup() down the shadow chain, as vm_fault_page() does: return
 * the object holding the page at byte offset OFF of O, its depth and slot,
 * or NULL (the page exists nowhere: zero fill or page-in).
 */
struct vm_object *
vm_page_lookup_chain(const struct vm_world *w, struct vm_object *o, uint64_t off,
                     unsigned *depth, uint32_t *slot)
{
	unsigned d = 0;

	while (o != NULL) {
		uint32_t s = vm_page_get(o, off >> w->page_shift);

		if (s != 0) {
			if (depth)
				*depth = d;
			if (slot)
				*slot = s;
			return o;
		}
		off += o->shadow_offset;
		o = vm_obj(w, o->shadow);
		d++;
	}
	return NULL;
}

/*
 * Could any page of O's range show through from BACKING?  True when BACKING
 * holds a page (within the range O sees) that O does not cover itself.
 */
static bool
backing_pages_visible(const struct vm_world *w, const struct vm_object *o,
                      const struct vm_object *backing)
{
	uint64_t first = o->shadow_offset >> w->page_shift;

	for (uint32_t k = 0; k < backing->nruns; k++) {
		const struct vm_prun *r = &backing->runs[k];
		uint64_t lo = r->pg > first ? r->pg : first;
		uint64_t hi = (uint64_t)r->pg + r->n, stop = first + o->npages;

		if (hi > stop)
			hi = stop;
		for (uint64_t bp = lo, n; bp < hi; bp += n)
			if (vm_page_span(o, bp - first, &n) == 0)
				return true;
	}
	return false;
}

/* Move the pages of B that O lacks (within O's window onto B) up into O. */
static void
collapse_pages(struct vm_world *w, struct vm_object *o, struct vm_object *b)
{
	uint64_t first = o->shadow_offset >> w->page_shift, stop = first + o->npages;

	for (uint32_t k = 0; k < b->nruns; k++) {
		struct vm_prun r = b->runs[k];
		uint64_t lo = r.pg > first ? r.pg : first, hi = (uint64_t)r.pg + r.n;

		if (hi > stop)
			hi = stop;
		for (uint64_t bp = lo, n; bp < hi; bp += n) {
			uint32_t slot = r.slot + (uint32_t)(bp - r.pg);

			if (vm_page_span(o, bp - first, &n) != 0)
				continue;
			if (n > hi - bp)
				n = hi - bp;
			/* O takes a reference; B's goes with B. */
			vm_frames_adjust(w, VM_PAGE_FRAME(slot), n, +1);
			vm_pages_set(w, o, bp - first, n, slot);
		}
	}
}

/*
 * vm_object_collapse(): while O has a backing object that is internal,
 * has no copy object and is no copy object itself,
 *  - if the backing object has no other reference (ref 1), move
 *    its pages that O lacks up into O and unlink it (collapse);
 *  - else, if O already holds every page of the backing object that could
 *    show through, point O past it and drop O's reference (bypass).
 */
void
vm_object_collapse(struct vm_world *w, struct vm_object *o)
{
	for (;;) {
		struct vm_object *b = vm_obj(w, o->shadow);

		if (b == NULL || !b->internal || b->copy != 0)
			return;
		/* A backing object that is its own shadow's copy object is
		 * neither collapsed nor bypassed: it must keep receiving the
		 * pushes (xnu-11417.101.15 osfmk/vm/vm_object.c
		 * vm_object_collapse returns when the backing object's
		 * shadow's vo_copy is the backing object). */
		if (b->shadow != 0 && vm_obj(w, b->shadow) != NULL &&
		    vm_obj(w, b->shadow)->copy == b->id)
			return;
		if (b->ref_count == 1) {
			collapse_pages(w, o, b);
			o->shadow = b->shadow;
			o->shadow_offset += b->shadow_offset;
			b->shadow = 0;  /* O took over that reference */
			(void)obj_terminate(w, b);
			w->fx.flags |= VMFX_COLLAPSED;
			continue;
		}
		if (backing_pages_visible(w, o, b))
			return;
		o->shadow = b->shadow;
		o->shadow_offset += b->shadow_offset;
		if (o->shadow != 0)
			vm_obj_ref(w, o->shadow);
		w->fx.flags |= VMFX_BYPASSED;
		vm_obj_deref(w, b->id);
	}
}

/*
 * vm_object_shadow(): give entry E a new object that shadows its current
 * one; the entry's reference moves to the shadow, so the old object's
 * ref_count does not change.  Skipped (returns false) unless ALWAYS when the
 * old object is anonymous with ref 1, its size equals the entry's and it
 * has no copy object: then nothing else can see it and it is written in
 * place.  (A file object is never written through a private mapping.)
 */
bool
vm_object_shadow(struct vm_world *w, struct vm_map_entry *e, bool always)
{
	struct vm_object *src = vm_obj(w, e->object), *s;
	uint64_t size = e->end - e->start;

	if (src == NULL)
		return false;
	if (!always && src->internal && src->ref_count == 1 && src->size == size &&
	    src->copy == 0) {
		w->fx.flags |= VMFX_SHADOW_SKIPPED;
		return false;
	}
	s = vm_obj_new(w, size, true);
	s->shadow = src->id;
	s->shadow_offset = e->offset;
	src->shadowed = true;
	e->object = s->id;
	e->offset = 0;
	w->fx.flags |= VMFX_SHADOW_CREATED;
	return true;
}

/*
 * vm_object_copy_slowly(): a new private object holding copies of the pages
 * that exist in [off, off+size) of SRC's chain; absent pages stay absent.
 */
struct vm_object *
vm_object_copy_slowly(struct vm_world *w, struct vm_object *src, uint64_t off, uint64_t size)
{
	struct vm_object *n = vm_obj_new(w, size, true);
	uint64_t np = (size + w->page_size - 1) >> w->page_shift;

	for (uint64_t i = 0, k; i < np; i += k) {
		k = np - i;
		if (vm_chain_span(w, src, off + (i << w->page_shift), &k, NULL, NULL) == NULL)
			continue;
		vm_pages_set(w, n, i, k, vm_frames_new(w, k) | VM_PAGE_DIRTY);
		w->fx.pages_copied += (uint32_t)k;
	}
	w->fx.flags |= VMFX_COPY_SLOWLY;
	return n;
}

/*
 * vm_object_copy_delayed() (xnu-11417.101.15 osfmk/vm/vm_object.c): the
 * copy is an object shadowing SRC (SRC +1 ref) and registered as SRC's copy
 * object; a later write to SRC first pushes the original page into it
 * (vm_fault_page's copy-object push).  If SRC already has a copy object
 * that is still unmodified -- no resident page -- it is returned again with
 * one more reference instead of a new one; a modified one is made to shadow
 * the new copy.  The caller maps the copy with needs_copy set, so that the
 * copy itself stays unmodified and can be shared this way.
 */
struct vm_object *
vm_object_copy_delayed(struct vm_world *w, struct vm_object *src, uint64_t off, uint64_t size)
{
	struct vm_object *old = vm_obj(w, src->copy), *c;

	(void)off;
	(void)size;
	if (old != NULL && old->shadow == src->id && old->resident == 0) {
		if (old->size < src->size)
			vm_obj_resize(w, old, src->size);
		vm_obj_ref(w, old->id);
		w->fx.flags |= VMFX_COPY_DELAYED;
		return old;
	}
	c = vm_obj_new(w, src->size, true);
	c->shadow = src->id;
	c->shadow_offset = 0;
	vm_obj_ref(w, src->id);
	src->shadowed = true;
	if (old != NULL && old->shadow == src->id) {
		old->shadow = c->id;
		vm_obj_ref(w, c->id);
		vm_obj_deref(w, src->id);
	}
	src->copy = c->id;
	w->fx.flags |= VMFX_COPY_DELAYED;
	return c;
}

/*
 * Before pages [OFF, OFF + N pages) of O are modified, push the originals
 * that O holds and its copy object lacks into the copy object.
 */
void
vm_object_push_pages(struct vm_world *w, struct vm_object *o, uint64_t off, uint64_t n)
{
	struct vm_object *c = vm_obj(w, o->copy);
	uint64_t pg = off >> w->page_shift, end = pg + n;

	if (c == NULL)
		return;
	if (end > c->npages)
		end = c->npages;
	for (uint64_t k1, k2; pg < end; pg += k1 < k2 ? k1 : k2) {
		uint32_t so = vm_page_span(o, pg, &k1), sc = vm_page_span(c, pg, &k2);
		uint64_t k = k1 < k2 ? k1 : k2;

		if (so == 0 || sc != 0)
			continue;
		if (k > end - pg)
			k = end - pg;
		vm_pages_set(w, c, pg, k, vm_frames_new(w, k) | (so & VM_PAGE_DIRTY));
		w->fx.flags |= VMFX_PUSHED;
		w->fx.pages_pushed += (uint32_t)k;
	}
}

/* Before page OFF of O is modified, push the original into O's copy object. */
void
vm_object_push_page(struct vm_world *w, struct vm_object *o, uint64_t off)
{
	vm_object_push_pages(w, o, off, 1);
}
