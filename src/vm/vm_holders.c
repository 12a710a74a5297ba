/* SPDX-License-Identifier: MIT */
/*
 * vm_holders.c -- who holds the references an object's ref_count counts.
 *
 * The model keeps one reference per holder, as vm_world_check() verifies:
 * each map entry that maps the object, each object that shadows it, each
 * live memory entry (named entry) on it, and the file cache for a mapped
 * file's object.  Listing them answers "why is ref_count 3?" on screen.
 */
#include "vm_internal.h"

void
vm_world_holders(const struct vm_world *w, void (*fn)(void *ctx, uint32_t object,
                                                       const struct vm_holder *h), void *ctx)
{
	for (int t = 0; t < w->ntasks; t++) {
		if (!w->tasks[t].alive)
			continue;
		for (const struct vm_map_entry *e = w->tasks[t].map.first; e != NULL; e = e->next)
			if (e->object != 0)
				fn(ctx, e->object, &(struct vm_holder){ .kind = VMH_ENTRY, .task = t,
				                                         .start = e->start, .end = e->end });
	}
	for (int i = 0; i < w->nentries; i++)
		if (w->entries[i].live && w->entries[i].object != 0)
			fn(ctx, w->entries[i].object, &(struct vm_holder){ .kind = VMH_MEMORY_ENTRY,
			                                                    .task = -1, .id = (uint32_t)i });
	for (uint32_t i = 1; i < w->nobj_ids; i++) {
		const struct vm_object *o = w->objs[i];

		if (o == NULL)
			continue;
		if (o->shadow != 0)
			fn(ctx, o->shadow, &(struct vm_holder){ .kind = VMH_SHADOW, .task = -1, .id = i });
		if (o->named)
			fn(ctx, i, &(struct vm_holder){ .kind = VMH_FILE_CACHE, .task = -1 });
	}
}

/* Collecting the holders of one object. */
struct one {
	uint32_t id;
	struct vm_holder *out;
	size_t max, n;
};

static void
one_holder(void *ctx, uint32_t object, const struct vm_holder *h)
{
	struct one *o = ctx;

	if (object != o->id)
		return;
	if (o->n < o->max)
		o->out[o->n] = *h;
	o->n++;
}

size_t
vm_object_holders(const struct vm_world *w, uint32_t id, struct vm_holder *out, size_t max)
{
	struct one o = { id, out, max, 0 };

	if (vm_obj(w, id) == NULL)
		return 0;
	vm_world_holders(w, one_holder, &o);
	return o.n;
}

uint32_t
vm_world_object_limit(const struct vm_world *w)
{
	return w->nobj_ids;
}
