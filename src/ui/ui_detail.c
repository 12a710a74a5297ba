/* SPDX-License-Identifier: MIT */
/*
 * ui_detail.c -- the detail overlay (Enter on a region): the map entry's
 * fields, the region report with VM_REGION_TOP_INFO's second opinion, the
 * object chain top first with ref counts, and which pages of the region
 * live in which object of the chain (the depth each page was found at),
 * and the page grid (one cell per page, wrapping).
 * In the observed and both views it also lists the observed region paired
 * with the selected row, field by field, and what differs (check.c).
 */
#include <stdio.h>
#include <string.h>

#include "ui_player.h"
#include "vm/vm_profile.h"
#include "ui_text.h"

/* "yes"/"no". */
static const char *
yn(bool b)
{
	return b ? "yes" : "no";
}

/* Draw the pages of R found at depth D (others as blanks) at (X, Y). */
static void
chain_strip(struct ui_grid *g, int x, int y, int w, const struct ui_row *r, int d)
{
	size_t n = r->npages < (size_t)w ? r->npages : (size_t)w;
	int cnt = 0;

	for (size_t i = 0; i < n; i++) {
		struct vm_page_info pi = ui_row_page(r, i);
		bool here = pi.kind != VMPG_ABSENT && pi.depth == d;
		enum ui_glyph gl = !here ? UI_G_PG_ABSENT
		                 : pi.dirty ? UI_G_PG_PRV_DIRTY : UI_G_PG_PRV;

		ui_grid_put(g, x + (int)i, y, 1, here ? UI_S_HEADER : UI_S_DIM, 0, ui_grid_glyph(g, gl));
	}
	for (size_t k = 0; k < r->nruns; k++)
		if (r->runs[k].pi.kind != VMPG_ABSENT && r->runs[k].pi.depth == d)
			cnt += (int)r->runs[k].n;
	ui_grid_printf(g, x + (int)n + 1, y, -1, UI_S_DIM, 0, "%d page%s here%s", cnt,
	               cnt == 1 ? "" : "s", r->npages > n ? " (first pages shown)" : "");
}

#define GRID_CELLS 512   /* one cell per page up to this many pages */

/* The region's pages as a grid from row Y: one cell per page, wrapping,
 * each line led by its offset; past GRID_CELLS pages each cell holds a
 * group and shows, of the resident kinds in it, the one rarest in the
 * whole region (as the strips do), so a lone page of a kind stays seen.
 * Returns the next row. */
static int
page_grid(struct ui_grid *t, int y, const struct ui_row *r)
{
	size_t ppc = r->npages <= GRID_CELLS ? 1 : (r->npages + GRID_CELLS - 1) / GRID_CELLS;
	size_t ncell = (r->npages + ppc - 1) / ppc, total[4];
	int w = t->cols >= 84 ? 64 : 32, x0;
	uint64_t cell_bytes;
	char sz[16], last[32];

	if (r->npages == 0)
		return y;
	ui_row_totals(r, total);
	cell_bytes = (r->ri.end - r->ri.start) / r->npages * ppc;
	/* The offsets column is as wide as the last line's offset needs. */
	x0 = snprintf(last, sizeof last, "+0x%llx",
	              (unsigned long long)((ncell - 1) / (size_t)w * (size_t)w * cell_bytes));
	x0 = 3 + (x0 + 1 > 12 ? x0 + 1 : 12);
	ui_look_size(cell_bytes, sz, sizeof sz);
	ui_grid_printf(t, 1, y++, -1, UI_S_HEADER, 0, "Page grid (%zu page%s; a cell is %s%s)",
	               r->npages, r->npages == 1 ? "" : "s", ppc == 1 ? "one page, " : "", sz);
	for (size_t c = 0; c < ncell && y < t->rows; c++) {
		size_t a = c * ppc, b = a + ppc < r->npages ? a + ppc : r->npages;
		int kind = VMPG_ABSENT, col = (int)(c % (size_t)w);
		size_t count[4] = { 0, 0, 0, 0 };
		bool dirty = false;

		if (col == 0)
			ui_grid_printf(t, 3, y, x0 - 3, UI_S_DIM, 0, "+0x%llx",
			               (unsigned long long)(c * cell_bytes));
		(void)ui_row_range(r, a, b, count, &dirty);
		for (int k = VMPG_PRIVATE; k <= VMPG_SHARED; k++)
			if (count[k] > 0 && (kind == VMPG_ABSENT || total[k] < total[kind]))
				kind = k;
		ui_grid_put(t, x0 + col, y, 1, ui_look_page_style(kind), 0,
		            ui_grid_glyph(t, ui_look_page_glyph(kind, dirty)));
		if (col == w - 1 || c + 1 == ncell)
			y++;
	}
	return y + 1;
}

/* Fill TMP with the detail lines of row R of pane P; returns rows used. */
static int
detail_lines(struct ui *u, struct ui_grid *t, int p, const struct ui_row *r)
{
	const struct vm_world *w = ui_state_world(u, p);
	const struct vm_region_info *ri = &r->ri;
	char task[64], sz[16], prot[4], maxp[4];
	int y = 0, x;
	uint32_t obj;

	ui_look_task_name(u, u->pane_task[p], task, sizeof task);
	if (u->cmp != NULL)   /* comparing: which profile's world this is */
		snprintf(task + strlen(task), sizeof task - strlen(task), " under %s",
		         replay_profile(p == 1 ? u->cmp : u->r)->name);
	ui_look_size(ri->end - ri->start, sz, sizeof sz);
	x = ui_grid_printf(t, 1, y, -1, UI_S_HEADER, 0, "Region %s of task %s",
	                   r->name[0] ? r->name : "(unnamed)", task);
	ui_grid_put(t, x + 3, y++, -1, UI_S_DIM, 0, "Esc closes, Up/Down scroll");
	y++;
	ui_grid_put(t, 1, y, 8, UI_S_HEADER, 0, "Entry");
	ui_grid_printf(t, 9, y++, -1, UI_S_NORMAL, 0, "0x%llx-0x%llx  %s (%zu page%s)  offset 0x%llx",
	               (unsigned long long)ri->start, (unsigned long long)ri->end, sz, r->npages,
	               r->npages == 1 ? "" : "s", (unsigned long long)ri->offset);
	vm_prot_str(ri->prot, prot);
	vm_prot_str(ri->max_prot, maxp);
	ui_grid_printf(t, 9, y++, -1, UI_S_NORMAL, 0, "prot %s  max %s  inheritance %s  user_tag %u",
	               prot, maxp, vm_inherit_name(ri->inheritance), ri->user_tag);
	ui_grid_printf(t, 9, y++, -1, UI_S_NORMAL, 0,
	               "needs_copy %s  is_shared %s  external %s  purgeable %s  true_share %s",
	               yn(ri->needs_copy), yn(ri->is_shared), yn(ri->external), yn(ri->purgeable),
	               yn(ri->true_share));
	y++;
	ui_grid_put(t, 1, y, 8, UI_S_HEADER, 0, "Report");
	x = 9 + ui_grid_put(t, 9, y, -1, UI_S_NORMAL, 0, "share mode ");
	x += ui_grid_printf(t, x, y, -1, ui_look_sm_style(ri->share_mode), 0, "%s (%s)",
	                    vm_share_mode_name(ri->share_mode), vm_share_mode_abbrev(ri->share_mode));
	x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "   top walk: ");
	x += ui_grid_printf(t, x, y, -1, ui_look_sm_style(ri->top_share_mode), 0, "%s (%s)",
	                    vm_share_mode_name(ri->top_share_mode),
	                    vm_share_mode_abbrev(ri->top_share_mode));
	ui_grid_put(t, x, y++, -1, UI_S_DIM, 0,
	            ri->top_share_mode == ri->share_mode ? "  agrees" : "  differs");
	ui_grid_printf(t, 9, y++, -1, UI_S_NORMAL, 0,
	               "ref_count %u  resident %u  dirty %u  shared_now_private %u  shadow_depth %u",
	               ri->ref_count, ri->pages_resident, ri->pages_dirtied,
	               ri->pages_shared_now_private, ri->shadow_depth);
	if (r->changes != 0) {
		char ch[256];

		ui_narrate_row(r, t->ascii, ch, sizeof ch);
		if (ch[0] != '\0')
			ui_grid_printf(t, 9, y++, -1, UI_S_WARM, 0, "this step: %s", ch);
	}
	y++;
	ui_grid_put(t, 1, y++, -1, UI_S_HEADER, 0,
	            "Object chain, top first (pages of this region found at each depth)");
	if (ri->object == 0)
		ui_grid_put(t, 3, y++, -1, UI_S_DIM, 0,
		            "no object yet: the entry was never touched (VM_OBJECT_NULL)");
	obj = ri->object;
	for (int d = 0; obj != 0 && d < 16 && y < t->rows - 2; d++) {
		struct vm_object_info oi;
		char osz[16];

		if (!vm_object_get(w, obj, &oi)) {
			ui_grid_printf(t, 3, y++, -1, UI_S_FAIL, 0, "object %u: gone", obj);
			break;
		}
		ui_look_size(oi.size, osz, sizeof osz);
		x = 3 + 2 * d;
		if (d > 0)
			x += ui_grid_printf(t, x, y, -1, UI_S_BORDER, 0, "%s shadow ",
			                    ui_grid_glyph(t, UI_G_BL));
		x += ui_grid_printf(t, x, y, -1, UI_S_HEADER, 0, "object %u", oi.id);
		x += ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0,
		                    "  ref %u  size %s  resident %u  %s  %s", oi.ref_count, osz,
		                    oi.resident, vm_copy_strategy_name(oi.copy_strategy),
		                    oi.internal ? "internal" : "external");
		if (oi.named)
			x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  named");
		if (oi.true_share)
			x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  true_share");
		if (oi.shadowed)
			x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  shadowed");
		if (oi.purgeable)
			x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  purgeable");
		if (oi.copy != 0)
			x += ui_grid_printf(t, x, y, -1, UI_S_DIM, 0, "  copy object %u", oi.copy);
		if (oi.file != NULL) {
			char f[64];

			text_sanitize(f, sizeof f, oi.file, u->o.ascii);
			ui_grid_printf(t, x, y, -1, UI_S_DIM, 0, "  file %s", f);
		}
		y++;
		x = 3 + 2 * d + (d > 0 ? 9 : 0);
		ui_grid_put(t, x, y, 7, UI_S_DIM, 0, "pages:");
		chain_strip(t, x + 7, y, t->cols - x - 40 > 8 ? t->cols - x - 40 : 8, r, d);
		y++;
		obj = oi.shadow;
	}
	y++;
	y = page_grid(t, y, r);
	ui_grid_put(t, 1, y++, -1, UI_S_HEADER, 0, "Pages (frame, depth found, dirty)");
	x = 3;
	for (size_t i = 0; i < r->npages && y < t->rows; i++) {
		struct vm_page_info pg = ui_row_page(r, i);
		const struct vm_page_info *pi = &pg;
		char cell[64];
		int cw;

		if (pi->kind == VMPG_ABSENT)
			snprintf(cell, sizeof cell, "%zu: absent", i);
		else
			snprintf(cell, sizeof cell, "%zu: frame %u depth %u%s", i, pi->frame, pi->depth,
			         pi->dirty ? " dirty" : "");
		cw = (int)strlen(cell) + 3;
		if (x + cw > t->cols) {
			x = 3;
			y++;
			if (y >= t->rows)
				break;
		}
		ui_grid_put(t, x, y, -1, pi->kind == VMPG_ABSENT ? UI_S_DIM : UI_S_NORMAL, 0, cell);
		x += cw < 22 ? 22 : cw;
	}
	return y + 1;
}

/* Write observed counter BIT of O (VAL) as "name N" or "name ?" at *X. */
static void
obs_counter(struct ui_grid *t, int *x, int y, const struct trace_obs_region *o, unsigned bit,
            const char *name, uint32_t val)
{
	if (o->have & bit)
		*x += ui_grid_printf(t, *x, y, -1, UI_S_NORMAL, 0, "%s %u  ", name, val);
	else
		*x += ui_grid_printf(t, *x, y, -1, UI_S_DIM, 0, "%s ?  ", name);
}

/* Add the observed region of pair P (-1: none) of observation OB at row Y
 * of TMP, with what differs; returns the next free row. */
static int
obs_lines(struct ui *u, struct ui_grid *t, int y, const struct ui_obs *ob, long model, long obs,
          unsigned diff)
{
	const struct trace_obs_region *o = obs >= 0 ? &ob->obs->regions[obs] : NULL;
	char sz[16], a[4], b[4], name[64];
	int x;

	ui_grid_printf(t, 1, y++, -1, UI_S_HEADER, 0, "Observed at step %zu (%s)", ob->step,
	               ob->step == replay_pos(u->r) ? "this step" : "the latest observation");
	if (o == NULL) {
		ui_grid_printf(t, 3, y++, -1, UI_S_DIFF, 0, "%s not observed: the observation has no "
		               "region paired with this one", ui_grid_glyph(t, UI_G_DIFF));
		return y + 1;
	}
	text_sanitize(name, sizeof name, trace_str(u->t, o->name), u->o.ascii);
	ui_look_size(o->end - o->start, sz, sizeof sz);
	ui_grid_printf(t, 3, y++, -1, UI_S_NORMAL, 0, "%s 0x%llx-0x%llx  %s",
	               name[0] ? name : "(unnamed)", (unsigned long long)o->start,
	               (unsigned long long)o->end, sz);
	vm_prot_str(o->prot, a);
	vm_prot_str(o->max_prot, b);
	x = 3 + ui_grid_printf(t, 3, y, -1, UI_S_NORMAL, 0, "prot %s  max %s  share mode ",
	                       (o->have & TOBS_PROT) ? a : "?", (o->have & TOBS_MAX_PROT) ? b : "?");
	if (o->have & TOBS_SHARE_MODE)
		x += ui_grid_printf(t, x, y, -1, ui_look_sm_style(o->share_mode), 0, "%s (%s)  ",
		                    vm_share_mode_name(o->share_mode),
		                    vm_share_mode_abbrev(o->share_mode));
	else
		x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "?  ");
	obs_counter(t, &x, y++, o, TOBS_REF_COUNT, "ref_count", o->ref_count);
	x = 3;
	obs_counter(t, &x, y, o, TOBS_RESIDENT, "resident", o->pages_resident);
	obs_counter(t, &x, y, o, TOBS_DIRTIED, "dirty", o->pages_dirtied);
	obs_counter(t, &x, y, o, TOBS_SWAPPED, "swapped", o->pages_swapped);
	obs_counter(t, &x, y, o, TOBS_PRIVATE, "private", o->pages_private);
	obs_counter(t, &x, y, o, TOBS_COW, "cow", o->pages_cow);
	obs_counter(t, &x, y, o, TOBS_SHARED, "shared", o->pages_shared);
	obs_counter(t, &x, y++, o, TOBS_ZERO, "zero", o->pages_zero);
	if (model < 0) {
		ui_grid_printf(t, 3, y++, -1, UI_S_DIFF, 0, "%s not in the model%s",
		               ui_grid_glyph(t, UI_G_DIFF),
		               ob->cmp.task < 0 ? ": the model has no such task" : "");
	} else if (diff == 0) {
		ui_grid_put(t, 3, y++, -1, UI_S_DIM, 0, "agrees with the model (every observed field)");
	} else {
		for (size_t i = 0; i < ob->cmp.npairs; i++) {
			const struct check_pair *p = &ob->cmp.pairs[i];

			if (p->obs != obs)
				continue;
			for (unsigned bit = CHECK_D_RANGE; bit & CHECK_D_ALL; bit <<= 1) {
				char vals[160];

				if (!(p->diff & bit))
					continue;
				check_field_values(&ob->cmp, p, bit, vals, sizeof vals);
				ui_grid_printf(t, 3, y++, -1, UI_S_DIFF, 0, "%s %s: %s",
				               ui_grid_glyph(t, UI_G_DIFF), check_field_name(bit), vals);
			}
		}
	}
	return y + 1;
}

/* Draw the detail overlay inside (X, Y, W, H). */
void
ui_detail_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	const struct ui_snap *s = ui_state_pane(u, u->focus);
	const struct ui_obs *ob = u->view != UI_VIEW_MODEL ? ui_state_obs(u, u->focus) : NULL;
	size_t cur = u->cursor[u->focus];
	long model = (long)cur, obs = -1;
	unsigned diff = 0;
	struct ui_grid tmp;
	int used = 0, inner = h - 2;

	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	ui_grid_put(g, x + 2, y, -1, UI_S_HEADER, 0, " Detail ");
	if (ob != NULL && u->view == UI_VIEW_OBSERVED && cur < ob->cmp.npairs) {
		obs = (long)cur;
		model = ob->cmp.pairs[cur].model;
		diff = ob->cmp.pairs[cur].diff;
	} else if (ob != NULL && cur < ob->nrows) {
		model = ob->rows[cur].model;
		obs = ob->rows[cur].obs;
		diff = ob->rows[cur].diff;
	}
	if (s == NULL || cur >= ui_state_nrows(u, u->focus) ||
	    (ob == NULL && (s->task < 0 || model < 0 || (size_t)model >= s->n))) {
		ui_grid_put(g, x + 2, y + 2, w - 4, UI_S_DIM, 0, "No region selected.");
		return;
	}
	if (ui_grid_init(&tmp, w - 2, 200, g->ascii) != 0)
		return;
	if (ob != NULL)
		used = obs_lines(u, &tmp, 0, ob, model, obs, diff);
	if (model >= 0 && s->task >= 0 && (size_t)model < s->n) {
		struct ui_grid part;

		if (ui_grid_init(&part, w - 2, 200 - used, g->ascii) == 0) {
			int n = detail_lines(u, &part, u->focus, &s->rows[model]);

			ui_grid_blit(&tmp, 0, used, &part, 0, part.cols, n);
			used += n;
			ui_grid_free(&part);
		}
	}
	if (u->detail_scroll + (size_t)inner > (size_t)used)
		u->detail_scroll = used > inner ? (size_t)(used - inner) : 0;
	ui_grid_blit(g, x + 1, y + 1, &tmp, (int)u->detail_scroll, w - 2, inner);
	ui_grid_free(&tmp);
}
