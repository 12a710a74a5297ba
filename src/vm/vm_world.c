/* SPDX-License-Identifier: MIT */
/*
 * vm_world.c -- the world: tasks, tables, deep copies, invariant checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem_populate.h"
#include "vm_internal.h"

static void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		abort();
	return p;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

/* Create an empty world; NULL if PAGE_SIZE is not a power of two >= 4096. */
struct vm_world *
vm_world_new(const struct vm_profile *p, uint32_t page_size)
{
	struct vm_world *w;

	if (page_size == 0)
		page_size = p->page_size;
	if (page_size < 4096 || (page_size & (page_size - 1)) != 0 || page_size > (1u << 20))
		return NULL;
	w = xcalloc(1, sizeof *w);
	w->prof = p;
	w->page_size = page_size;
	while ((1u << w->page_shift) < page_size)
		w->page_shift++;
	return w;
}

void
vm_world_set_zero_page(struct vm_world *w, bool on)
{
	w->no_zero_page = !on;
}

/*
 * A clone's block: its entries, objects and page runs in one allocation,
 * for a clone is the price of every checkpoint and every seek.  A big
 * block's pages are faulted in by one call (mem_populate.h) rather than
 * one fault at a time as the copy touches them: on a virtual machine
 * where a fault cost about 10 us, those faults were most of the cost of a
 * checkpoint.  Memory the allocator recycles (a seek frees the state it
 * replaces) is already present, and the call then only walks its page
 * table.
 */
static void *
block_alloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (p == NULL)
		abort();
	mem_populate(p, len);      /* (a small block is left to fault) */
	return p;
}

/* Free the world and everything in it. */
void
vm_world_free(struct vm_world *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < w->ntasks; i++) {
		vm_map_destroy(NULL, &w->tasks[i].map);
		free(w->tasks[i].name);
	}
	free(w->tasks);
	for (uint32_t i = 0; i < w->nobj_ids; i++) {
		struct vm_object *o = w->objs[i];

		if (o == NULL)
			continue;
		if (!(o->arena & VMO_ARENA_PAGES))
			free(o->runs);
		if (!(o->arena & VMO_ARENA_STRUCT))
			free(o);
	}
	free(w->objs);
	free(w->shared_frames);
	free(w->entries);
	for (int i = 0; i < w->nfiles; i++)
		free(w->files[i].name);
	free(w->files);
	free(w->block);
	free(w);
}

void
vm_world_set_page_at_a_time(struct vm_world *w, bool on)
{
	w->page_at_a_time = on;
}

/* Round N up to a multiple of 16 (the block's parts stay aligned). */
static size_t
round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* Copy W's objects and their page runs into OB and PG (C's block). */
static void
clone_objects(const struct vm_world *w, struct vm_world *c, struct vm_object *ob,
              struct vm_prun *pg)
{
	size_t k = 0, at = 0;

	for (uint32_t i = 0; i < w->nobj_ids; i++) {
		const struct vm_object *o = w->objs[i];
		struct vm_object *n;

		if (o == NULL)
			continue;
		n = &ob[k++];
		*n = *o;
		n->arena = VMO_ARENA_STRUCT;
		n->runs = NULL;
		n->runs_cap = 0;
		if (o->nruns) {
			n->runs = pg + at;
			n->runs_cap = o->nruns;
			memcpy(n->runs, o->runs, o->nruns * sizeof *o->runs);
			at += o->nruns;
			n->arena |= VMO_ARENA_PAGES;
		}
		c->objs[i] = n;
	}
}

/* Deep copy W (objects, pages, maps, tables). */
struct vm_world *
vm_world_clone(const struct vm_world *w)
{
	struct vm_world *c = xcalloc(1, sizeof *c);
	size_t nent = 0, nobj = 0, npg = 0, at;
	char *block;

	*c = *w;
	for (int i = 0; i < w->ntasks; i++)
		nent += w->tasks[i].map.nentries;
	for (uint32_t i = 0; i < w->nobj_ids; i++) {
		if (w->objs[i] != NULL) {
			nobj++;
			npg += w->objs[i]->nruns;
		}
	}
	at = round16(nent * sizeof(struct vm_map_entry));
	c->block = block = block_alloc(at + round16(nobj * sizeof(struct vm_object)) +
	                                  npg * sizeof(struct vm_prun));
	c->tasks = xcalloc((size_t)w->tasks_cap, sizeof *c->tasks);
	for (int i = 0, e = 0; i < w->ntasks; e += (int)w->tasks[i].map.nentries, i++) {
		c->tasks[i].name = xstrdup(w->tasks[i].name);
		c->tasks[i].alive = w->tasks[i].alive;
		vm_map_clone_tree(&w->tasks[i].map, &c->tasks[i].map, w->page_shift,
		                  (struct vm_map_entry *)block + e);
	}
	c->objs = xcalloc(w->objs_cap, sizeof *c->objs);
	clone_objects(w, c, (struct vm_object *)(block + at),
	              (struct vm_prun *)(block + at + round16(nobj * sizeof(struct vm_object))));
	c->shared_frames = NULL;
	c->shared_cap = c->nshared = 0;
	if (w->nshared) {
		c->shared_frames = xcalloc(w->nshared, sizeof *c->shared_frames);
		memcpy(c->shared_frames, w->shared_frames, w->nshared * sizeof *w->shared_frames);
		c->shared_cap = c->nshared = w->nshared;
	}
	c->entries = xcalloc((size_t)w->entries_cap, sizeof *c->entries);
	if (w->nentries)
		memcpy(c->entries, w->entries, (size_t)w->nentries * sizeof *w->entries);
	c->files = xcalloc((size_t)w->files_cap, sizeof *c->files);
	for (int i = 0; i < w->nfiles; i++) {
		c->files[i] = w->files[i];
		c->files[i].name = xstrdup(w->files[i].name);
	}
	return c;
}

/* Bytes a clone of W takes (approximately; for checkpoint budgets). */
size_t vm_world_bytes(const struct vm_world *w);
size_t
vm_world_bytes(const struct vm_world *w)
{
	size_t n = sizeof *w + (size_t)w->tasks_cap * sizeof *w->tasks;

	for (int i = 0; i < w->ntasks; i++)
		n += w->tasks[i].map.nentries * sizeof(struct vm_map_entry);
	n += w->objs_cap * sizeof *w->objs;
	for (uint32_t i = 0; i < w->nobj_ids; i++)
		if (w->objs[i] != NULL)
			n += sizeof(struct vm_object) + w->objs[i]->nruns * sizeof(struct vm_prun);
	n += w->nshared * sizeof *w->shared_frames;
	return n;
}

const struct vm_profile *
vm_world_profile(const struct vm_world *w)
{
	return w->prof;
}

uint32_t
vm_world_page_size(const struct vm_world *w)
{
	return w->page_size;
}

const struct vm_effects *
vm_world_effects(const struct vm_world *w)
{
	return &w->fx;
}

size_t
vm_world_nobjects(const struct vm_world *w)
{
	return w->live_objects;
}

size_t
vm_world_nframes(const struct vm_world *w)
{
	return w->live_frames;
}

/*
 * Create a task named NAME with an empty map; -1 if the name is taken.  The
 * slot of an exited task is reused (its index then names the new task), so
 * that a server forking and reaping workers for ever keeps a table the size
 * of its live tasks, not of every task it ever had.
 */
int
vm_task_create(struct vm_world *w, const char *name)
{
	struct vm_task *t;
	int slot = -1;

	for (int i = 0; i < w->ntasks; i++) {
		if (w->tasks[i].alive && strcmp(w->tasks[i].name, name) == 0)
			return -1;
		if (!w->tasks[i].alive && slot < 0)
			slot = i;
	}
	if (slot >= 0) {
		t = &w->tasks[slot];
		free(t->name);
		memset(t, 0, sizeof *t);
		t->name = xstrdup(name);
		t->alive = true;
		vm_map_init(&t->map, w->prof->map_min, w->prof->map_max);
		return slot;
	}
	if (w->ntasks == w->tasks_cap) {
		int cap = w->tasks_cap ? w->tasks_cap * 2 : 4;

		w->tasks = realloc(w->tasks, (size_t)cap * sizeof *w->tasks);
		if (w->tasks == NULL)
			abort();
		w->tasks_cap = cap;
	}
	t = &w->tasks[w->ntasks];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->alive = true;
	vm_map_init(&t->map, w->prof->map_min, w->prof->map_max);
	return w->ntasks++;
}

/* Index of the live task named NAME, or -1. */
int
vm_task_find(const struct vm_world *w, const char *name)
{
	for (int i = 0; i < w->ntasks; i++)
		if (w->tasks[i].alive && strcmp(w->tasks[i].name, name) == 0)
			return i;
	return -1;
}

int
vm_task_count(const struct vm_world *w)
{
	return w->ntasks;
}

const char *
vm_task_name(const struct vm_world *w, int task)
{
	return task >= 0 && task < w->ntasks ? w->tasks[task].name : "?";
}

bool
vm_task_alive(const struct vm_world *w, int task)
{
	return task >= 0 && task < w->ntasks && w->tasks[task].alive;
}

size_t
vm_task_nentries(const struct vm_world *w, int task)
{
	return vm_task_alive(w, task) ? w->tasks[task].map.nentries : 0;
}

/* Report object ID for the detail view. */
bool
vm_object_get(const struct vm_world *w, uint32_t id, struct vm_object_info *out)
{
	const struct vm_object *o = vm_obj(w, id);

	if (o == NULL)
		return false;
	memset(out, 0, sizeof *out);
	out->id = o->id;
	out->ref_count = o->ref_count;
	out->size = o->size;
	out->shadow = o->shadow;
	out->shadow_offset = o->shadow_offset;
	out->copy = o->copy;
	out->resident = o->resident;
	out->copy_strategy = o->copy_strategy;
	out->internal = o->internal;
	out->true_share = o->true_share;
	out->shadowed = o->shadowed;
	out->purgeable = o->purgeable;
	out->named = o->named;
	out->file = (o->file >= 0 && o->file < w->nfiles) ? w->files[o->file].name : NULL;
	return true;
}

struct frame_event {
	uint64_t at;
	int delta;          /* +1 a page run starts, -1 one ends, 0 a record edge */
};

static int
cmp_event(const void *a, const void *b)
{
	const struct frame_event *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* All page-run and shared-record edges of W, sorted by frame id. */
static struct frame_event *
frame_events(const struct vm_world *w, size_t *n)
{
	size_t cap = 2 * (size_t)w->nshared, k = 0;
	struct frame_event *ev;

	for (uint32_t i = 1; i < w->nobj_ids; i++)
		if (w->objs[i] != NULL)
			cap += 2 * (size_t)w->objs[i]->nruns;
	ev = xcalloc(cap + 1, sizeof *ev);
	for (uint32_t i = 1; i < w->nobj_ids; i++) {
		const struct vm_object *o = w->objs[i];

		for (uint32_t r = 0; o != NULL && r < o->nruns; r++) {
			uint64_t f = VM_PAGE_FRAME(o->runs[r].slot);

			ev[k++] = (struct frame_event){ f, +1 };
			ev[k++] = (struct frame_event){ f + o->runs[r].n, -1 };
		}
	}
	for (uint32_t r = 0; r < w->nshared; r++) {
		ev[k++] = (struct frame_event){ w->shared_frames[r].f, 0 };
		ev[k++] = (struct frame_event){ (uint64_t)w->shared_frames[r].f + w->shared_frames[r].n, 0 };
	}
	qsort(ev, k, sizeof *ev, cmp_event);
	*n = k;
	return ev;
}

/* Each frame's count (1 without a record) equals the page slots holding
 * it; a record covers only held frames; live_frames counts them. */
static bool
check_frames(const struct vm_world *w, char *msg, size_t msglen)
{
	size_t n, live = 0;
	struct frame_event *ev = frame_events(w, &n);
	long cov = 0;
	bool ok = true;

	for (size_t i = 0; i + 1 < n && ok; i++) {
		uint64_t len = ev[i + 1].at - ev[i].at, same;
		uint32_t refs;

		cov += ev[i].delta;
		if (len == 0)
			continue;
		refs = vm_frame_refs(w, (uint32_t)ev[i].at, &same);
		if (cov > 0)
			live += len;
		if ((cov == 0 && refs > 1) || (cov > 0 && refs != (uint32_t)cov)) {
			snprintf(msg, msglen, "frame %llu: %ld slots, count %u",
			         (unsigned long long)ev[i].at, cov, refs);
			ok = false;
		}
	}
	if (ok && live != w->live_frames) {
		snprintf(msg, msglen, "%zu frames held, live_frames %zu", live, w->live_frames);
		ok = false;
	}
	free(ev);
	return ok;
}

#define CHECK(cond, ...) do { \
	if (!(cond)) { snprintf(msg, msglen, __VA_ARGS__); ok = false; goto out; } \
} while (0)

/*
 * Check the invariants: maps sorted and disjoint, each object's ref_count
 * equals the references that exist (entries, shadows, named entries, file
 * cache), resident counts and frame counts agree.
 */
bool
vm_world_check(const struct vm_world *w, char *msg, size_t msglen)
{
	uint32_t *refs = xcalloc(w->nobj_ids + 1, sizeof *refs);
	bool ok = true;

	for (int t = 0; t < w->ntasks; t++) {
		const struct vm_map *m = &w->tasks[t].map;
		const struct vm_map_entry *e, *prev = NULL;
		size_t n = 0;

		for (e = m->first; e != NULL; prev = e, e = e->next, n++) {
			CHECK(e->start < e->end, "task %d: empty entry at 0x%llx", t,
			      (unsigned long long)e->start);
			CHECK(prev == NULL || prev->end <= e->start, "task %d: overlap at 0x%llx", t,
			      (unsigned long long)e->start);
			CHECK(e->prev == prev, "task %d: broken list", t);
			CHECK(vm_map_lookup_tree(m, e->start) == e, "task %d: tree misses 0x%llx", t,
			      (unsigned long long)e->start);
			CHECK(vm_map_lookup(m, e->start) == e && vm_map_lookup(m, e->end - 1) == e &&
			      vm_map_lookup(m, e->end) == vm_map_lookup_tree(m, e->end),
			      "task %d: the lookup cache is wrong about 0x%llx", t,
			      (unsigned long long)e->start);
			if (e->object != 0) {
				const struct vm_object *o = vm_obj(w, e->object);

				CHECK(o != NULL, "task %d: entry 0x%llx maps freed object %u", t,
				      (unsigned long long)e->start, e->object);
				CHECK(e->offset + (e->end - e->start) <= o->size,
				      "task %d: entry 0x%llx exceeds object %u", t,
				      (unsigned long long)e->start, o->id);
				refs[e->object]++;
			}
		}
		CHECK(n == m->nentries, "task %d: nentries %zu != %zu", t, m->nentries, n);
		CHECK(m->last == prev, "task %d: bad last", t);
	}
	for (uint32_t i = 1; i < w->nobj_ids; i++) {
		const struct vm_object *o = w->objs[i];
		uint32_t res = 0;

		if (o == NULL)
			continue;
		if (o->shadow != 0) {
			CHECK(vm_obj(w, o->shadow) != NULL, "object %u shadows freed %u", i, o->shadow);
			refs[o->shadow]++;
		}
		if (o->named)
			refs[i]++;
		for (uint32_t k = 0; k < o->nruns; k++) {
			const struct vm_prun *r = &o->runs[k];

			CHECK(r->n > 0 && (k == 0 || o->runs[k - 1].pg + o->runs[k - 1].n <= r->pg),
			      "object %u: runs unsorted at page %u", i, r->pg);
			CHECK(VM_PAGE_FRAME(r->slot) != 0 &&
			      (uint64_t)VM_PAGE_FRAME(r->slot) + r->n <= w->next_frame,
			      "object %u: bad frame %u", i, VM_PAGE_FRAME(r->slot));
			res += r->n;
		}
		CHECK(res == o->resident, "object %u: resident %u != %u", i, o->resident, res);
	}
	for (int i = 0; i < w->nentries; i++)
		if (w->entries[i].live && w->entries[i].object != 0)
			refs[w->entries[i].object]++;
	for (uint32_t i = 1; i < w->nobj_ids; i++) {
		const struct vm_object *o = w->objs[i];

		if (o == NULL)
			continue;
		CHECK(o->ref_count == refs[i], "object %u: ref_count %u but %u references exist",
		      i, o->ref_count, refs[i]);
		CHECK(o->ref_count > 0, "object %u: alive at ref 0", i);
	}
	if (!check_frames(w, msg, msglen))
		ok = false;
out:
	free(refs);
	return ok;
}
