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

/* Append one holder to OUT (up to MAX); returns the new count N + 1. */
static size_t
put(struct vm_holder *out, size_t max, size_t n, struct vm_holder h)
{
	if (n < max)
		out[n] = h;
	return n + 1;
}

/* The map entries of every task that map object ID. */
static size_t
entry_holders(const struct vm_world *w, uint32_t id, struct vm_holder *out, size_t max, size_t n)
{
	for (int t = 0; t < w->ntasks; t++) {
		if (!w->tasks[t].alive)
			continue;
		for (const struct vm_map_entry *e = w->tasks[t].map.first; e != NULL; e = e->next)
			if (e->object == id)
				n = put(out, max, n, (struct vm_holder){
					.kind = VMH_ENTRY, .task = t, .start = e->start, .end = e->end });
	}
	return n;
}

size_t
vm_object_holders(const struct vm_world *w, uint32_t id, struct vm_holder *out, size_t max)
{
	const struct vm_object *o = vm_obj(w, id);
	size_t n = 0;

	if (o == NULL)
		return 0;
	n = entry_holders(w, id, out, max, n);
	for (int i = 0; i < w->nentries; i++)
		if (w->entries[i].live && w->entries[i].object == id)
			n = put(out, max, n, (struct vm_holder){ .kind = VMH_MEMORY_ENTRY, .task = -1,
			                                         .id = (uint32_t)i });
	for (uint32_t i = 1; i < w->nobj_ids; i++) {
		const struct vm_object *s = w->objs[i];

		if (s != NULL && s->shadow == id)
			n = put(out, max, n, (struct vm_holder){ .kind = VMH_SHADOW, .task = -1, .id = i });
	}
	if (o->named)
		n = put(out, max, n, (struct vm_holder){ .kind = VMH_FILE_CACHE, .task = -1 });
	return n;
}

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

uint32_t
vm_world_object_limit(const struct vm_world *w)
{
	return w->nobj_ids;
}
