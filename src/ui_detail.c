/*
 * ui_detail.c -- the detail overlay (Enter on a region): the map entry's
 * fields, the region report with VM_REGION_TOP_INFO's second opinion, the
 * object chain top first with ref counts, and which pages of the region
 * live in which object of the chain (the depth each page was found at).
 */
#include <stdio.h>
#include <string.h>

#include "ui_player.h"
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
		const struct vm_page_info *pi = &r->pages[i];
		bool here = pi->kind != VMPG_ABSENT && pi->depth == d;
		enum ui_glyph gl = !here ? UI_G_PG_ABSENT
		                 : pi->dirty ? UI_G_PG_PRV_DIRTY : UI_G_PG_PRV;

		ui_grid_put(g, x + (int)i, y, 1, here ? UI_S_HEADER : UI_S_DIM, 0, ui_grid_glyph(g, gl));
	}
	for (size_t i = 0; i < r->npages; i++)
		if (r->pages[i].kind != VMPG_ABSENT && r->pages[i].depth == d)
			cnt++;
	ui_grid_printf(g, x + (int)n + 1, y, -1, UI_S_DIM, 0, "%d page%s here%s", cnt,
	               cnt == 1 ? "" : "s", r->npages > n ? " (first pages shown)" : "");
}

/* Fill TMP with the detail lines of row R of pane P; returns rows used. */
static int
detail_lines(struct ui *u, struct ui_grid *t, int p, const struct ui_row *r)
{
	const struct vm_world *w = replay_world(u->r);
	const struct vm_region_info *ri = &r->ri;
	char task[64], sz[16], prot[4], maxp[4];
	int y = 0, x;
	uint32_t obj;

	ui_draw_task_name(u, u->pane_task[p], task, sizeof task);
	ui_draw_size(ri->end - ri->start, sz, sizeof sz);
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
	x += ui_grid_printf(t, x, y, -1, ui_draw_sm_style(ri->share_mode), 0, "%s (%s)",
	                    vm_share_mode_name(ri->share_mode), vm_share_mode_abbrev(ri->share_mode));
	x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "   top walk: ");
	x += ui_grid_printf(t, x, y, -1, ui_draw_sm_style(ri->top_share_mode), 0, "%s (%s)",
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
		ui_draw_size(oi.size, osz, sizeof osz);
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

			ui_text_sanitize(f, sizeof f, oi.file, u->o.ascii);
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
	ui_grid_put(t, 1, y++, -1, UI_S_HEADER, 0, "Pages (frame, depth found, dirty)");
	x = 3;
	for (size_t i = 0; i < r->npages && y < t->rows; i++) {
		const struct vm_page_info *pi = &r->pages[i];
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

/* Draw the detail overlay inside (X, Y, W, H). */
void
ui_detail_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	const struct ui_snap *s = ui_state_pane(u, u->focus);
	struct ui_grid tmp;
	int used, inner = h - 2;

	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	ui_grid_put(g, x + 2, y, -1, UI_S_HEADER, 0, " Detail ");
	if (s == NULL || s->task < 0 || u->cursor[u->focus] >= s->n) {
		ui_grid_put(g, x + 2, y + 2, w - 4, UI_S_DIM, 0, "No region selected.");
		return;
	}
	if (ui_grid_init(&tmp, w - 2, 200, g->ascii) != 0)
		return;
	used = detail_lines(u, &tmp, u->focus, &s->rows[u->cursor[u->focus]]);
	if (u->detail_scroll + (size_t)inner > (size_t)used)
		u->detail_scroll = used > inner ? (size_t)(used - inner) : 0;
	ui_grid_blit(g, x + 1, y + 1, &tmp, (int)u->detail_scroll, w - 2, inner);
	ui_grid_free(&tmp);
}
