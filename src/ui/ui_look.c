/* SPDX-License-Identifier: MIT */
/*
 * ui_look.c -- how the views show shared things: sizes, the style of a
 * share mode, task names.  Every view uses these, so that the panes, the
 * detail view, the help and the narration agree; the views themselves
 * never call each other.
 */
#include <stdio.h>

#include "ui_player.h"
#include "ui_text.h"

/* Format a size compactly ("16K", "1.5M", "2G"). */
void
ui_look_size(uint64_t b, char *buf, size_t len)
{
	static const char units[] = "BKMGTP";
	int u = 0;
	uint64_t whole = b;

	while (whole >= 1024 && u < 5 && whole % 1024 == 0) {
		whole /= 1024;
		u++;
	}
	if (whole >= 10000 && u < 5) {
		double v = (double)b;

		for (u = 0; v >= 1024 && u < 5; u++)
			v /= 1024;
		snprintf(buf, len, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
		return;
	}
	if (u == 0)
		snprintf(buf, len, "%llu", (unsigned long long)whole);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)whole, units[u]);
}

/* The style of a share mode. */
int
ui_look_sm_style(int sm)
{
	switch (sm) {
	case SM_COW: return UI_S_COW;
	case SM_PRIVATE: return UI_S_PRV;
	case SM_EMPTY: return UI_S_NUL;
	case SM_SHARED: case SM_TRUESHARED: return UI_S_SHM;
	case SM_PRIVATE_ALIASED: return UI_S_ALI;
	case SM_SHARED_ALIASED: return UI_S_SA;
	case SM_LARGE_PAGE: return UI_S_LPG;
	}
	return UI_S_NORMAL;
}

/* A trace task's name, sanitized. */
const char *
ui_look_task_name(const struct ui *u, int id, char *buf, size_t len)
{
	if (id < 0)
		snprintf(buf, len, "-");
	else
		text_sanitize(buf, len, trace_task_name(u->t, (uint16_t)id), u->o.ascii);
	return buf;
}


/* The page-strip glyph of a page kind (VMPG_*). */
enum ui_glyph
ui_look_page_glyph(int kind, bool dirty)
{
	switch (kind) {
	case VMPG_PRIVATE: return dirty ? UI_G_PG_PRV_DIRTY : UI_G_PG_PRV;
	case VMPG_COW: return dirty ? UI_G_PG_COW_DIRTY : UI_G_PG_COW;
	case VMPG_SHARED: return dirty ? UI_G_PG_SHM_DIRTY : UI_G_PG_SHM;
	}
	return UI_G_PG_ABSENT;
}

/* The style of a page kind. */
int
ui_look_page_style(int kind)
{
	switch (kind) {
	case VMPG_PRIVATE: return UI_S_PRV;
	case VMPG_COW: return UI_S_COW;
	case VMPG_SHARED: return UI_S_SHM;
	}
	return UI_S_DIM;
}
