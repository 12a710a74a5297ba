/* SPDX-License-Identifier: MIT */
/*
 * ui_rowpages.c -- a row's pages as runs (vm_region_page_runs), what changed
 * in them since the previous step, and what the strips, the detail view,
 * the narration and the gutter ask of them.  Everything here costs the
 * number of runs, not of pages, so a 1 TiB region whose pages do not differ
 * one by one draws as fast as a small one.
 */
#include <stdlib.h>
#include <string.h>

#include "ui_player.h"

/* The frame of page P of run R (0: absent). */
static uint32_t
run_frame(const struct ui_pgrun *r, uint64_t p)
{
	return r->pi.frame != 0 ? r->pi.frame + (uint32_t)(p - r->first) : 0;
}

/* Fetch the runs of entry I of TASK into ROW; -1 when out of memory. */
int
ui_row_load_pages(struct ui_row *row, const struct vm_world *w, int task, size_t i)
{
	size_t cap = 64, n;
	struct vm_page_run *vr = malloc(cap * sizeof *vr);

	row->npages = vm_region_pages(w, task, i, NULL, 0);
	row->runs = NULL;
	row->nruns = 0;
	if (vr == NULL)
		return -1;
	n = vm_region_page_runs(w, task, i, vr, cap);
	if (n > cap) {
		free(vr);
		vr = malloc(n * sizeof *vr);
		if (vr == NULL)
			return -1;
		vm_region_page_runs(w, task, i, vr, n);
	}
	row->runs = n ? malloc(n * sizeof *row->runs) : NULL;
	if (n > 0 && row->runs == NULL) {
		free(vr);
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		struct ui_pgrun *r = &row->runs[k];

		*r = (struct ui_pgrun){ vr[k].first, vr[k].n, vr[k].pi, 0 };
		if (r->pi.frame == 0)
			continue;
		if (row->fmin == 0 || r->pi.frame < row->fmin)
			row->fmin = r->pi.frame;
		if (run_frame(r, r->first + r->n - 1) > row->fmax)
			row->fmax = run_frame(r, r->first + r->n - 1);
	}
	row->nruns = n;
	free(vr);
	return 0;
}

/* Index of the first run of R that ends after page P. */
static size_t
run_find(const struct ui_row *r, uint64_t p)
{
	size_t lo = 0, hi = r->nruns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->runs[mid].first + r->runs[mid].n <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Page P of R (all zero past its end). */
struct vm_page_info
ui_row_page(const struct ui_row *r, size_t p)
{
	size_t k = run_find(r, p);
	struct vm_page_info pi;

	memset(&pi, 0, sizeof pi);
	if (k < r->nruns && r->runs[k].first <= p) {
		pi = r->runs[k].pi;
		pi.frame = run_frame(&r->runs[k], p);
	}
	return pi;
}

/* Pages of R by kind. */
void
ui_row_totals(const struct ui_row *r, size_t total[4])
{
	memset(total, 0, 4 * sizeof *total);
	for (size_t k = 0; k < r->nruns; k++)
		if (r->runs[k].pi.kind < 4)
			total[r->runs[k].pi.kind] += r->runs[k].n;
}

/* Count the pages of [A, B) of R by kind into COUNT (added to), set *DIRTY
 * if a resident one is dirty; return whether any of them changed. */
bool
ui_row_range(const struct ui_row *r, size_t a, size_t b, size_t count[4], bool *dirty)
{
	bool changed = false;

	for (size_t k = run_find(r, a); k < r->nruns && r->runs[k].first < b; k++) {
		const struct ui_pgrun *x = &r->runs[k];
		uint64_t lo = x->first > a ? x->first : a, hi = x->first + x->n < b ? x->first + x->n : b;

		if (x->pi.kind < 4)
			count[x->pi.kind] += hi - lo;
		if (x->pi.kind != VMPG_ABSENT && x->pi.dirty)
			*dirty = true;
		changed |= x->changed != 0;
	}
	return changed;
}

/* Append to OUT pages [POS, POS+LEN) of new run X with change flags FL,
 * extending the last piece when it goes on alike. */
static void
piece_push(struct ui_pgrun *out, size_t *nout, const struct ui_pgrun *x, uint64_t pos,
           uint64_t len, uint8_t fl)
{
	struct ui_pgrun *last = *nout ? &out[*nout - 1] : NULL;

	if (last != NULL && last->changed == fl && last->first + last->n == pos &&
	    last->pi.kind == x->pi.kind && last->pi.dirty == x->pi.dirty &&
	    last->pi.depth == x->pi.depth && run_frame(last, pos) == run_frame(x, pos)) {
		last->n += len;
		return;
	}
	out[*nout] = *x;
	out[*nout].first = pos;
	out[*nout].n = len;
	out[*nout].pi.frame = run_frame(x, pos);
	out[*nout].changed = fl;
	(*nout)++;
}

/* What changed at page POS between new run X and old run O (NULL: none). */
static uint8_t
piece_flags(const struct ui_pgrun *x, const struct ui_pgrun *o, uint64_t pos)
{
	if (o == NULL)
		return UI_PG_FRAME | UI_PG_KIND | UI_PG_DIRTY;
	return (uint8_t)((run_frame(x, pos) != run_frame(o, pos) ? UI_PG_FRAME : 0) |
	                 (x->pi.kind != o->pi.kind ? UI_PG_KIND : 0) |
	                 (x->pi.dirty != o->pi.dirty ? UI_PG_DIRTY : 0));
}

/*
 * Mark what changed in R's pages against the previous row P, page by page
 * as the strip shows them (frame, kind, dirty): R's runs are cut where P's
 * end, so that each piece changed alike.  Returns whether any page did.
 */
bool
ui_row_pages_diff(struct ui_row *r, const struct ui_row *p)
{
	struct ui_pgrun *out = malloc((r->nruns + p->nruns + 1) * sizeof *out);
	size_t nout = 0, j = 0;
	bool any = false;

	if (out == NULL || r->nruns == 0) {
		free(out);
		return false;
	}
	for (size_t k = 0; k < r->nruns; k++) {
		const struct ui_pgrun *x = &r->runs[k];

		for (uint64_t pos = x->first, end = x->first + x->n, stop; pos < end; pos = stop) {
			const struct ui_pgrun *o = NULL;
			uint8_t fl;

			while (j < p->nruns && p->runs[j].first + p->runs[j].n <= pos)
				j++;
			stop = end;
			if (j < p->nruns && p->runs[j].first <= pos) {
				o = &p->runs[j];
				if (o->first + o->n < stop)
					stop = o->first + o->n;
			} else if (j < p->nruns && p->runs[j].first < stop) {
				stop = p->runs[j].first;
			}
			fl = piece_flags(x, o, pos);
			any |= fl != 0;
			piece_push(out, &nout, x, pos, stop - pos, fl);
		}
	}
	free(r->runs);
	r->runs = out;
	r->nruns = nout;
	return any;
}

struct fspan {
	uint64_t lo, hi;    /* frames [lo, hi) */
};

static int
cmp_fspan(const void *a, const void *b)
{
	const struct fspan *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Do rows A and B have a resident frame in common? */
bool
ui_row_share_frames(const struct ui_row *a, const struct ui_row *b)
{
	struct fspan *fb;
	uint64_t *maxhi;
	size_t nb = 0;
	bool found = false;

	if (a->fmin == 0 || b->fmin == 0 || a->fmax < b->fmin || b->fmax < a->fmin)
		return false;
	fb = malloc((b->nruns + 1) * sizeof *fb);
	maxhi = malloc((b->nruns + 1) * sizeof *maxhi);
	for (size_t k = 0; fb != NULL && maxhi != NULL && k < b->nruns; k++)
		if (b->runs[k].pi.frame != 0)
			fb[nb++] = (struct fspan){ b->runs[k].pi.frame, b->runs[k].pi.frame + b->runs[k].n };
	if (fb == NULL || maxhi == NULL)
		nb = 0;
	qsort(fb, nb, sizeof *fb, cmp_fspan);
	for (size_t k = 0; k < nb; k++)
		maxhi[k] = k > 0 && maxhi[k - 1] > fb[k].hi ? maxhi[k - 1] : fb[k].hi;
	for (size_t k = 0; k < a->nruns && !found && nb > 0; k++) {
		uint64_t lo = a->runs[k].pi.frame, hi = lo + a->runs[k].n;
		size_t l = 0, h = nb;

		if (lo == 0)
			continue;
		while (l < h) {      /* the spans starting below HI: [0, l) */
			size_t m = l + (h - l) / 2;

			if (fb[m].lo < hi)
				l = m + 1;
			else
				h = m;
		}
		found = l > 0 && maxhi[l - 1] > lo;
	}
	free(fb);
	free(maxhi);
	return found;
}
