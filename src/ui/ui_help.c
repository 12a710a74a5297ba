/* SPDX-License-Identifier: MIT */
/*
 * ui_help.c -- the `?` overlay, generated from the action and key tables
 * (ui_keys.c) so that every bound key is listed and none is listed twice.
 */
#include <stdio.h>

#include "ui_player.h"
#include "ui_text.h"

/* Draw the help overlay inside (X, Y, W, H). */
void
ui_help_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	struct ui_grid tmp;
	int row = 0, inner = h - 2, kw = 22;

	if (ui_grid_init(&tmp, w - 2, UI_ACT_COUNT + 16, g->ascii) != 0)
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
	ui_grid_put(&tmp, 1, row++, -1, UI_S_HEADER, 0, "Share modes (vmmap's SHRMOD)");
	{
		static const int sms[] = { SM_COW, SM_PRIVATE, SM_EMPTY, SM_SHARED,
		                           SM_PRIVATE_ALIASED, SM_SHARED_ALIASED };
		int cx = 2;

		for (size_t i = 0; i < sizeof sms / sizeof sms[0]; i++) {
			cx += ui_grid_put(&tmp, cx, row, -1, ui_look_sm_style(sms[i]), 0,
			                  vm_share_mode_abbrev(sms[i]));
			cx += ui_grid_printf(&tmp, cx, row, -1, UI_S_DIM, 0, " %s  ",
			                     vm_share_mode_name(sms[i]));
		}
		row++;
	}
	ui_grid_put(&tmp, 2, row++, -1, UI_S_DIM, 0,
	            "Gutter: COW / SHM join regions of the two tasks on one VM object or frames.");
	if (u->help_scroll + (size_t)inner > (size_t)row)
		u->help_scroll = row > inner ? (size_t)(row - inner) : 0;
	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	ui_grid_put(g, x + 2, y, -1, UI_S_HEADER, 0, " Help ");
	ui_grid_blit(g, x + 1, y + 1, &tmp, (int)u->help_scroll, w - 2, inner);
	ui_grid_free(&tmp);
}
