/* SPDX-License-Identifier: MIT */
/*
 * ui_help.c -- the `?` overlay, generated from the action and key tables
 * (ui_keys.c) so that every bound key is listed and none is listed twice.
 */
#include <stdio.h>

#include "ui_player.h"
#include "ui_text.h"

/* What each share mode means, as vm_region reports it (docs/model.md). */
static const struct {
	int sm;
	const char *meaning;
} share_modes[] = {
	{ SM_PRIVATE, "only this entry references the object" },
	{ SM_COW, "shared until written (needs_copy, or shadowed)" },
	{ SM_EMPTY, "no object yet, or no page resident" },
	{ SM_SHARED, "object referenced from other maps too" },
	{ SM_TRUESHARED, "true_share object: memory entry, inherit SHARE" },
	{ SM_PRIVATE_ALIASED, "all references from this map (several entries)" },
	{ SM_SHARED_ALIASED, "shared, and this map holds several references" },
	{ SM_LARGE_PAGE, "backed by large pages" },
};

/* The glossary from row ROW of T: share modes in kernel and vmmap
 * spelling, what ref_count counts, units.  Returns the next row. */
static int
glossary(struct ui_grid *t, int row)
{
	ui_grid_put(t, 1, row++, -1, UI_S_HEADER, 0, "Share modes (vm_region's, and vmmap's SHRMOD)");
	for (size_t i = 0; i < sizeof share_modes / sizeof share_modes[0]; i++) {
		ui_grid_put(t, 2, row, 3, ui_look_sm_style(share_modes[i].sm), 0,
		            vm_share_mode_abbrev(share_modes[i].sm));
		ui_grid_put(t, 6, row, 19, UI_S_DIM, 0, vm_share_mode_name(share_modes[i].sm));
		ui_grid_put(t, 26, row++, t->cols - 27, UI_S_NORMAL, 0, share_modes[i].meaning);
	}
	row++;
	ui_grid_put(t, 1, row++, -1, UI_S_HEADER, 0, "ref_count (REF)");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "The top object's references: one per map entry, memory entry, shadowing");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "object, file cache (O lists them). Shadowed: plus each walked shadow's - 1.");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "Linux profile: the highest map count of the region's pages (vmscope's).");
	row++;
	ui_grid_put(t, 1, row++, -1, UI_S_HEADER, 0, "Units");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "SIZE in K/M/G of 1024. RES, DTY: pages of the page size in the title bar;");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "16k there = 16 thousand pages. A strip cell with xN after it holds N pages.");
	ui_grid_put(t, 2, row++, -1, UI_S_NORMAL, 0,
	            "OBJ: top object (#N as dump; & aliased in the task); D: depth; NC: needs_copy.");
	ui_grid_put(t, 2, row++, -1, UI_S_DIM, 0,
	            "Gutter: #N joins regions of the two tasks on VM object #N (COW/SHM: frames).");
	return row;
}

/* Draw the help overlay inside (X, Y, W, H). */
void
ui_help_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	struct ui_grid tmp;
	int row = 0, inner = h - 2, kw = 22;

	if (ui_grid_init(&tmp, w - 2, UI_ACT_COUNT + 48, g->ascii) != 0)
		return;
	ui_grid_put(&tmp, 1, row++, -1, UI_S_HEADER, 0, "Keys (Esc or ? closes; Up/Down scroll)");
	row++;
	for (int a = UI_ACT_NONE + 1; a < UI_ACT_COUNT; a++) {
		char keys[96];

		ui_keys_for(a, keys, sizeof keys);
		ui_grid_put(&tmp, 2, row, kw, UI_S_KEY, 0, keys);
		ui_grid_put(&tmp, 2 + kw, row, tmp.cols - kw - 3, UI_S_NORMAL, 0,
		            ui_keys_actions[a].help);
		row++;
	}
	row++;
	ui_grid_put(&tmp, 1, row++, -1, UI_S_HEADER, 0, "Mouse");
	ui_grid_put(&tmp, 2, row++, -1, UI_S_NORMAL, 0,
	            "click a timeline step: go there; click a region: detail; wheel: scroll");
	row++;
	row = glossary(&tmp, row);
	if (u->help_scroll + (size_t)inner > (size_t)row)
		u->help_scroll = row > inner ? (size_t)(row - inner) : 0;
	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	ui_grid_put(g, x + 2, y, -1, UI_S_HEADER, 0, " Help ");
	ui_grid_blit(g, x + 1, y + 1, &tmp, (int)u->help_scroll, w - 2, inner);
	ui_grid_free(&tmp);
}
