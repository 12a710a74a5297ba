/* SPDX-License-Identifier: MIT */
/*
 * vm_pages.c -- resident pages as runs (extents), and physical frames.
 *
 * An object's pages are a sorted array of disjoint runs (struct vm_prun):
 * pages [pg, pg+n) holding frames [frame, frame+n), all dirty or all clean.
 * Writing a whole region allocates one block of frames and stores one run,
 * so a 1 TiB region costs what a 16-page one does until its pages really
 * differ one by one.  Adjacent runs whose pages and frames both continue,
 * with the same dirty bit, are merged.
 *
 * Frames: ids come from a counter (never reused, so a block of N frames is
 * one increment).  A frame held by a single page slot has no record; the
 * frames held by two or more (linux fork) are a sorted array of runs of
 * equal count (struct vm_frun).  Releasing a frame that has no record frees
 * it.
 */
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

/* ---- page runs -------------------------------------------------------------- */

/* Index of the first run of O that ends after page PG. */
static uint32_t
run_find(const struct vm_object *o, uint64_t pg)
{
	uint32_t lo = 0, hi = o->nruns;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if ((uint64_t)o->runs[mid].pg + o->runs[mid].n <= pg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The slot of page PG of O (0: absent), and in *N how many pages from PG on
 * are alike: the rest of its run, or up to the next run when absent.
 */
uint32_t
vm_page_span(const struct vm_object *o, uint64_t pg, uint64_t *n)
{
	uint32_t i = run_find(o, pg);

	if (i < o->nruns && o->runs[i].pg <= pg) {
		const struct vm_prun *r = &o->runs[i];

		*n = (uint64_t)r->pg + r->n - pg;
		return r->slot + (uint32_t)(pg - r->pg);
	}
	*n = (i < o->nruns ? o->runs[i].pg : UINT64_MAX) - pg;
	return 0;
}

/* The slot of page PG of O, 0 when absent. */
uint32_t
vm_page_get(const struct vm_object *o, uint64_t pg)
{
	uint64_t n;

	return vm_page_span(o, pg, &n);
}

/* Make O's run array its own (not a clone's arena) with room for NEED runs. */
void
vm_pages_own(struct vm_object *o, uint32_t need)
{
	struct vm_prun *r;
	uint32_t cap;

	if (!(o->arena & VMO_ARENA_PAGES) && need <= o->runs_cap)
		return;
	cap = o->runs_cap > need ? o->runs_cap : need;
	if (cap < 4)
		cap = 4;
	if (cap < need + need / 2)
		cap = need + need / 2;
	if (o->arena & VMO_ARENA_PAGES) {
		r = malloc(cap * sizeof *r);
		if (r == NULL)
			abort();
		if (o->nruns)
			memcpy(r, o->runs, o->nruns * sizeof *r);
		o->arena &= (uint8_t)~VMO_ARENA_PAGES;
	} else {
		r = realloc(o->runs, cap * sizeof *r);
		if (r == NULL)
			abort();
	}
	o->runs = r;
	o->runs_cap = cap;
}

/* Make page PG start a run (splitting the run across it); return the index of
 * the first run starting at or after PG. */
static uint32_t
run_split(struct vm_object *o, uint64_t pg)
{
	uint32_t i = run_find(o, pg), head;
	struct vm_prun *r;

	if (i >= o->nruns || o->runs[i].pg >= pg)
		return i;
	vm_pages_own(o, o->nruns + 1);
	r = &o->runs[i];
	memmove(r + 2, r + 1, (o->nruns - i - 1) * sizeof *r);
	head = (uint32_t)(pg - r->pg);
	r[1].pg = (uint32_t)pg;
	r[1].n = r->n - head;
	r[1].slot = r->slot + head;
	r->n = head;
	o->nruns++;
	return i + 1;
}

/* Merge run I of O into run I-1 when pages and frames both continue. */
static void
run_merge(struct vm_object *o, uint32_t i)
{
	struct vm_prun *a, *b;

	if (i == 0 || i >= o->nruns)
		return;
	a = &o->runs[i - 1];
	b = &o->runs[i];
	if (a->pg + a->n != b->pg || (a->slot & VM_PAGE_DIRTY) != (b->slot & VM_PAGE_DIRTY) ||
	    VM_PAGE_FRAME(a->slot) + a->n != VM_PAGE_FRAME(b->slot) ||
	    (uint64_t)a->n + b->n > UINT32_MAX)
		return;
	a->n += b->n;
	memmove(b, b + 1, (o->nruns - i - 1) * sizeof *b);
	o->nruns--;
}

/* Release the frames of runs [a, b) of O and remove the runs. */
static void
runs_drop(struct vm_world *w, struct vm_object *o, uint32_t a, uint32_t b)
{
	for (uint32_t k = a; k < b; k++) {
		vm_frames_adjust(w, VM_PAGE_FRAME(o->runs[k].slot), o->runs[k].n, -1);
		o->resident -= o->runs[k].n;
	}
	memmove(o->runs + a, o->runs + b, (o->nruns - b) * sizeof *o->runs);
	o->nruns -= b - a;
}

/*
 * Put pages [PG, PG+N) of O at consecutive frames from SLOT's (SLOT's
 * dirty bit for all), releasing what was there.  The object grows to
 * cover them.  The caller's references on the frames pass to the pages.
 */
void
vm_pages_set(struct vm_world *w, struct vm_object *o, uint64_t pg, uint64_t n, uint32_t slot)
{
	uint32_t a, b;

	if (n == 0)
		return;
	if (pg + n > o->npages)
		vm_obj_resize(w, o, (pg + n) << w->page_shift);
	vm_pages_own(o, o->nruns + 2);
	a = run_split(o, pg);
	b = run_split(o, pg + n);
	runs_drop(w, o, a, b);
	memmove(o->runs + a + 1, o->runs + a, (o->nruns - a) * sizeof *o->runs);
	o->runs[a].pg = (uint32_t)pg;
	o->runs[a].n = (uint32_t)n;
	o->runs[a].slot = slot;
	o->nruns++;
	o->resident += (uint32_t)n;
	run_merge(o, a + 1);
	run_merge(o, a);
}

/* Remove pages [PG, PG+N) of O. */
void
vm_pages_clear(struct vm_world *w, struct vm_object *o, uint64_t pg, uint64_t n)
{
	uint32_t a, b;

	if (n == 0 || o->nruns == 0)
		return;
	a = run_split(o, pg);
	b = run_split(o, pg + n);
	runs_drop(w, o, a, b);
}

/* Mark the resident pages of [PG, PG+N) of O dirty. */
void
vm_pages_dirty(struct vm_object *o, uint64_t pg, uint64_t n)
{
	uint32_t a, b;

	if (n == 0 || o->nruns == 0)
		return;
	a = run_split(o, pg);
	b = run_split(o, pg + n);
	for (uint32_t k = a; k < b; k++)
		o->runs[k].slot |= VM_PAGE_DIRTY;
	for (uint32_t k = b + 1; k-- > a;)
		run_merge(o, k);
}

/* Put SLOT at page PG of O, releasing what was there. */
void
vm_page_set(struct vm_world *w, struct vm_object *o, uint64_t pg, uint32_t slot)
{
	vm_pages_set(w, o, pg, 1, slot);
}

/* Remove page PG of O. */
void
vm_page_clear(struct vm_world *w, struct vm_object *o, uint64_t pg)
{
	vm_pages_clear(w, o, pg, 1);
}

/* Release every page of O and its run array. */
void
vm_pages_release(struct vm_world *w, struct vm_object *o)
{
	for (uint32_t k = 0; k < o->nruns; k++)
		vm_frames_adjust(w, VM_PAGE_FRAME(o->runs[k].slot), o->runs[k].n, -1);
	o->resident = 0;
	o->nruns = 0;
	if (!(o->arena & VMO_ARENA_PAGES))
		free(o->runs);
	o->runs = NULL;
	o->runs_cap = 0;
	o->arena &= (uint8_t)~VMO_ARENA_PAGES;
}

/*
 * vm_page_lookup() down the shadow chain with a length: the object holding
 * the page at byte offset OFF of O (or NULL), its depth and slot, and in
 * *N (at most its value on entry) how many pages from OFF on resolve the
 * same way -- the same object through the same chain, consecutive frames,
 * the same dirty bit -- or are absent everywhere.
 */
struct vm_object *
vm_chain_span(const struct vm_world *w, struct vm_object *o, uint64_t off, uint64_t *n,
              unsigned *depth, uint32_t *slot)
{
	uint64_t lim = w->page_at_a_time && *n > 1 ? 1 : *n;
	unsigned d = 0;

	while (o != NULL) {
		uint64_t k;
		uint32_t s = vm_page_span(o, off >> w->page_shift, &k);

		if (k < lim)
			lim = k;
		if (s != 0) {
			*n = lim;
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
	*n = lim;
	return NULL;
}

/* ---- frames ------------------------------------------------------------------ */

/* May the replay take N more frame ids (VM_MAX_FRAME_ID)? */
bool
vm_frames_available(const struct vm_world *w, uint64_t n)
{
	uint64_t next = w->next_frame ? w->next_frame : 1;

	return next + n <= VM_MAX_FRAME_ID;
}

/* N new frames with one slot reference each; return the first id. */
uint32_t
vm_frames_new(struct vm_world *w, uint64_t n)
{
	uint32_t f;

	if (w->next_frame == 0)
		w->next_frame = 1;
	f = w->next_frame;
	w->next_frame += (uint32_t)n;
	w->live_frames += n;
	return f;
}

/* Index of the first shared-frame run ending after frame F. */
static uint32_t
fr_find(const struct vm_world *w, uint64_t f)
{
	uint32_t lo = 0, hi = w->nshared;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if ((uint64_t)w->shared_frames[mid].f + w->shared_frames[mid].n <= f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Slot references on frame F (1 without a record), and in *N how many
 * frames from F on have the same count. */
uint32_t
vm_frame_refs(const struct vm_world *w, uint32_t f, uint64_t *n)
{
	uint32_t i = fr_find(w, f);

	if (i < w->nshared && w->shared_frames[i].f <= f) {
		*n = (uint64_t)w->shared_frames[i].f + w->shared_frames[i].n - f;
		return w->shared_frames[i].refs;
	}
	*n = (i < w->nshared ? w->shared_frames[i].f : UINT64_MAX) - f;
	return 1;
}

static void
fr_reserve(struct vm_world *w, uint32_t need)
{
	if (need <= w->shared_cap)
		return;
	w->shared_cap = need + need / 2 + 4;
	w->shared_frames = realloc(w->shared_frames, w->shared_cap * sizeof *w->shared_frames);
	if (w->shared_frames == NULL)
		abort();
}

/* Append the run [F, F+N) x REFS to OUT (merging with its last run). */
static void
fr_push(struct vm_frun *out, uint32_t *nout, uint64_t f, uint64_t n, uint32_t refs)
{
	struct vm_frun *last = *nout ? &out[*nout - 1] : NULL;

	if (n == 0 || refs < 2)
		return;
	if (last != NULL && last->refs == refs && (uint64_t)last->f + last->n == f) {
		last->n += (uint32_t)n;
		return;
	}
	out[*nout].f = (uint32_t)f;
	out[*nout].n = (uint32_t)n;
	out[*nout].refs = refs;
	(*nout)++;
}

/* Push onto OUT what becomes of shared run R under DELTA on [F, END),
 * preceded by the unrecorded frames from *AT; *AT moves past R. */
static void
fr_rebuild_run(struct vm_world *w, const struct vm_frun *r, uint64_t f, uint64_t end, int delta,
               uint64_t *at, struct vm_frun *out, uint32_t *nout)
{
	uint64_t rs = r->f, re = (uint64_t)r->f + r->n;
	uint64_t lo = rs > f ? rs : f, hi = re < end ? re : end;

	if (*at < lo) {          /* frames with one reference, no record */
		fr_push(out, nout, *at, lo - *at, (uint32_t)(1 + delta));
		if (delta < 0)
			w->live_frames -= lo - *at;
	}
	fr_push(out, nout, rs, lo - rs, r->refs);
	fr_push(out, nout, lo, hi - lo, (uint32_t)((int)r->refs + delta));
	fr_push(out, nout, hi, re - hi, r->refs);
	*at = hi;
}

/*
 * Add DELTA (+1 or -1) slot references to frames [F, F+N).  A frame whose
 * last reference goes is freed.  The records overlapping the range, and
 * their two neighbours (which may merge with the result), are rebuilt in a
 * scratch array and spliced back.
 */
void
vm_frames_adjust(struct vm_world *w, uint32_t f, uint64_t n, int delta)
{
	uint64_t end = (uint64_t)f + n, at = f;
	uint32_t a, b, lo, hi, nout = 0;
	struct vm_frun buf[16], *out = buf;

	if (f == 0 || n == 0)
		return;
	a = fr_find(w, f);
	for (b = a; b < w->nshared && w->shared_frames[b].f < end; b++)
		;
	if (a == b && delta < 0) {  /* no frame of the range is shared: all go */
		w->live_frames -= n;
		return;
	}
	lo = a > 0 ? a - 1 : a;
	hi = b < w->nshared ? b + 1 : b;
	if ((size_t)(hi - lo) * 4 + 2 > sizeof buf / sizeof buf[0]) {
		out = malloc(((size_t)(hi - lo) * 4 + 2) * sizeof *out);
		if (out == NULL)
			abort();
	}
	if (lo < a)
		fr_push(out, &nout, w->shared_frames[lo].f, w->shared_frames[lo].n,
		        w->shared_frames[lo].refs);
	for (uint32_t k = a; k < b; k++)
		fr_rebuild_run(w, &w->shared_frames[k], f, end, delta, &at, out, &nout);
	if (at < end) {
		fr_push(out, &nout, at, end - at, (uint32_t)(1 + delta));
		if (delta < 0)
			w->live_frames -= end - at;
	}
	if (b < hi)
		fr_push(out, &nout, w->shared_frames[b].f, w->shared_frames[b].n,
		        w->shared_frames[b].refs);
	fr_reserve(w, w->nshared - (hi - lo) + nout);
	memmove(w->shared_frames + lo + nout, w->shared_frames + hi,
	        (w->nshared - hi) * sizeof *w->shared_frames);
	memcpy(w->shared_frames + lo, out, nout * sizeof *out);
	w->nshared = w->nshared - (hi - lo) + nout;
	if (out != buf)
		free(out);
}
