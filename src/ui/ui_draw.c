/* SPDX-License-Identifier: MIT */
/*
 * ui_draw.c -- the player's main screen, drawn into the cell grid.
 *
 *   row 0          title bar: trace title, profile, page size, step, play
 *   rows 1..       two task panes (left | gutter | right): pane title,
 *                  column headers, one region per row (two rows per region
 *                  when the panes are narrow), page strips
 *   bottom         page legend, [chapter ruler], timeline, step line,
 *                  the trace's note, the generated narration, key hints
 *
 * The gutter between the panes joins regions of the two tasks that
 * reference the same VM object or share physical frames (COW / SHM).
 *
 * The panes show one of three views (ui->view): the model's reports; the
 * recorded observation (its regions as recorded, "?" for a field not
 * observed, page strips from the observed page counts); or both, where
 * every region takes one more screen line -- the observed line under the
 * model's -- and each field that differs is drawn in the diff style with
 * a marker (UI_G_DIFF) just left of it, so it shows in monochrome and
 * ASCII too.  Regions paired by check.c; unpaired ones say so.
 * Changed fields use the fading highlight styles while ui->anim > 0.
 * Layout is recomputed from the grid size on every draw; below 80x24 the
 * screen says "terminal too small" instead.
 *
 * Live (vmscope attach): the title bar says "live", the pids, the sampling
 * interval, the cost of the last sample and whether sampling runs; a pane
 * whose process exited says so in its title; the step line ends with
 * "live: N new samples" while the user looks at an older step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_player.h"
#include "ui_text.h"
#include "vm/vm_profile.h"

#define GUTTER_W 5
#define UI_MAX_ROWS 1000   /* ui_render's limit */

/* The fields of a region row, left to right. */
enum col { C_NAME, C_RANGE, C_SIZE, C_PROT, C_SM, C_REF, C_RES, C_DTY, C_OBJ, C_DEP, C_NC, C_PAGES,
           C_COUNT };
#define OBJCOLS_W (4 + 1 + 1 + 1 + 2 + 1)   /* " OBJ D NC" and their gaps */

/* Where everything goes at this size. */
struct layout {
	int cols, rows;
	int pane_x[2], pane_w;
	int gut_x;
	bool single;               /* one task: one full-width pane */
	int top, bottom;         /* region rows [top, bottom) */
	int mrh;                 /* screen rows of a model report: 1 wide, 2 narrow */
	int rh;                  /* screen rows per pane row: mrh, +1 in the both view */
	bool wide;
	bool objcols;            /* the OBJ, DEPTH and NC columns */
	int aw;                  /* hex digits of addresses */
	int name_w, strip_w;
	int tasks_y;             /* the task strip (more than two tasks), else -1 */
	int big_y;               /* presenter mode: the big step counter's 3 rows, else -1 */
	int legend_y, ruler_y, timeline_y, step_y, note_y, note_h, narr_y, narr_h, status_y;
	struct cols {            /* where each field of a region row goes, per pane */
		int x[C_COUNT];      /* column, by enum col */
		int dy[C_COUNT];     /* line within the row */
		int w[C_COUNT];      /* width */
	} col[2];
};

/* A region row as placed on screen. */
struct placed {
	const struct ui_row *row;
	size_t idx;              /* row index in the snapshot */
	int y;
};

/* Format a page count in at most 4 columns. */
static void
fmt_count(uint32_t n, char *buf, size_t len)
{
	if (n < 10000)
		snprintf(buf, len, "%u", n);
	else if (n < 1000000)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%uM", n / 1000000);
}

/* The highlight style for the current animation frame, or -1. */
static int
hl_style(const struct ui *u)
{
	if (u->anim >= 6)
		return UI_S_HOT;
	if (u->anim >= 3)
		return UI_S_WARM;
	if (u->anim >= 1)
		return UI_S_COOL;
	return -1;
}

/* Remember a mouse target. */
static void
add_hit(struct ui *u, int x, int y, int w, int kind, int pane, size_t arg)
{
	struct ui_hit *h;

	if (u->nhits >= UI_MAX_HITS)
		return;
	h = &u->hits[u->nhits++];
	h->x = x;
	h->y = y;
	h->w = w;
	h->kind = (uint8_t)kind;
	h->pane = (uint8_t)pane;
	h->arg = arg;
}

/* Hex digits of V (at least 1). */
static int
hex_digits(uint64_t v)
{
	int d = 1;

	while (v >>= 4)
		d++;
	return d;
}

/* Place the bottom rows from the note and narration heights. */
static void
layout_rows(const struct ui_grid *g, struct layout *l)
{
	l->status_y = g->rows - 1;
	l->narr_y = l->status_y - l->narr_h;
	l->note_y = l->narr_y - l->note_h;
	l->step_y = l->note_y - 1;
	l->timeline_y = l->step_y - 1;
	l->ruler_y = g->rows >= 30 ? l->timeline_y - 1 : -1;
	l->legend_y = (l->ruler_y >= 0 ? l->ruler_y : l->timeline_y) - 1;
}

/* Place the fields of a region row of pane P (name, range and size on the
 * first line; the rest after them, or on a second line when narrow). */
static void
cols_compute(const struct layout *l, int p, struct cols *c)
{
	static const int fw[] = { 7, 3, 3, 4, 4, 4, 1, 2 };   /* PROT/MAX SM REF RES DTY OBJ D NC */
	int x0 = l->pane_x[p], x = x0 + 1, dy = 0;

	c->x[C_NAME] = x;
	c->w[C_NAME] = l->name_w;
	if (l->name_w > 0)
		x += l->name_w + 1;
	c->x[C_RANGE] = x;
	c->w[C_RANGE] = 2 * l->aw + 1;
	x += 2 * l->aw + 2;
	c->x[C_SIZE] = x;
	c->w[C_SIZE] = 5;
	x += 6;
	c->dy[C_NAME] = c->dy[C_RANGE] = c->dy[C_SIZE] = 0;
	if (!l->wide) {
		dy = 1;
		x = x0 + 1;
	}
	for (int i = 0; i < 8; i++) {
		bool shown = C_PROT + i < C_OBJ || l->objcols;

		c->x[C_PROT + i] = x;
		c->w[C_PROT + i] = shown ? fw[i] : 0;
		c->dy[C_PROT + i] = dy;
		x += shown ? fw[i] + 1 : 0;
	}
	c->x[C_PAGES] = x;
	c->w[C_PAGES] = l->strip_w;
	c->dy[C_PAGES] = dy;
}

/* The last region row: above the legend, and above the task strip when
 * the trace has more than two tasks. */
static void
layout_bottom(const struct ui *u, struct layout *l)
{
	l->bottom = l->legend_y;
	l->tasks_y = -1;
	if (u->ntasks > 2)
		l->tasks_y = --l->bottom;
	l->big_y = -1;
	if (u->o.present)
		l->big_y = l->bottom -= 3;
}

static int put_wrapped(struct ui_grid *g, int x, int y, int w, int h, int style, const char *s);

/* The trace's note on the current step, sanitized, into BUF; *HIDDEN when
 * it is the remark standing for a note of the other kernel family.
 * Returns whether there is one. */
static bool
story_note(const struct ui *u, char *buf, size_t len, bool *hidden)
{
	size_t pos = replay_pos(u->r);
	const struct trace_event *ev = pos > 0 ? replay_event(u->r, pos) : NULL;
	const char *note = ev != NULL ? trace_event_note(u->t, ev) : NULL;

	*hidden = false;
	if (ev != NULL && (note == NULL || note[0] == '\0') && ev->op == TOP_NOTE)
		note = trace_str(u->t, ev->region);
	if (note == NULL || note[0] == '\0')
		return false;
	if (replay_note(u->r, pos) == NULL && ev->op != TOP_NOTE) {
		*hidden = true;
		note = replay_linux_terms(u->r)
		       ? "(this step's note names Mach mechanisms; hidden under a Linux profile)"
		       : "(this step's note names Linux mechanisms; hidden under a Mach profile)";
	}
	text_sanitize(buf, len, note, u->o.ascii);
	return true;
}

/* Never cut the story: grow the note and the narration rows, up to 4 and
 * 8, into the panes while they keep two regions in view. */
static void
story_fit(const struct ui *u, const struct ui_grid *g, struct layout *l)
{
	char nb[1024];
	bool hidden;
	int need_note = story_note(u, nb, sizeof nb, &hidden)
	                ? put_wrapped(NULL, 0, 0, g->cols - 3, 4, 0, nb) : 0;
	int need_narr = put_wrapped(NULL, 0, 0, g->cols - 2, 8, 0, u->narration);

	while (l->bottom - l->top > 2 * l->rh) {
		if (l->narr_h < need_narr)
			l->narr_h++;
		else if (l->note_h < need_note)
			l->note_h++;
		else
			break;
		layout_rows(g, l);
		layout_bottom(u, l);
	}
}

/* Compute the layout for the grid's size. */
static void
layout_compute(const struct ui *u, const struct ui_grid *g, struct layout *l)
{
	int fixed;

	memset(l, 0, sizeof *l);
	l->cols = g->cols;
	l->rows = g->rows;
	/* A trace with one task gets the whole width (no right pane, no gutter). */
	l->single = u->pane_task[1] < 0;
	l->pane_w = l->single ? g->cols : (g->cols - GUTTER_W) / 2;
	l->pane_x[0] = 0;
	l->gut_x = l->single ? g->cols : l->pane_w;
	l->pane_x[1] = l->single ? g->cols : l->pane_w + GUTTER_W;
	l->aw = 4;
	for (int p = 0; p < 2; p++) {
		const struct ui_snap *s = ui_state_pane(u, p);
		const struct ui_obs *o = u->view != UI_VIEW_MODEL ? ui_state_obs(u, p) : NULL;

		for (size_t i = 0; s != NULL && u->view != UI_VIEW_OBSERVED && i < s->n + s->nghost; i++) {
			int d = hex_digits(s->rows[i].ri.end);

			if (d > l->aw)
				l->aw = d;
		}
		for (uint32_t i = 0; o != NULL && i < o->obs->nregions; i++) {
			int d = hex_digits(o->obs->regions[i].end);

			if (d > l->aw)
				l->aw = d;
		}
	}
	l->narr_h = g->rows >= 40 ? 3 : 2;
	l->note_h = g->rows >= 40 ? 2 : 1;
	layout_rows(g, l);
	/* Wide: NAME RANGE SIZE PROT/MAX SM REF RES DTY [OBJ D NC] PAGES on one line. */
	fixed = 1 + 1 + (2 * l->aw + 1) + 1 + 5 + 1 + 7 + 1 + 3 + 1 + 3 + 1 + 4 + 1 + 4 + 1;
	l->wide = l->pane_w - fixed >= 6 + 12;
	/* The object columns, by default from 100 columns unless they would
	 * push a one-line layout to two lines per region. */
	l->objcols = u->objcols < 0 ? g->cols >= 100 && (!l->wide ||
	                                                 l->pane_w - fixed - OBJCOLS_W >= 6 + 12)
	                            : u->objcols > 0;
	if (l->objcols) {
		fixed += OBJCOLS_W;
		l->wide = l->pane_w - fixed >= 6 + 12;
	}
	if (l->wide) {
		l->mrh = 1;
		l->name_w = l->pane_w - fixed - 12;
		if (l->name_w > 14)
			l->name_w = 14;
		l->strip_w = l->pane_w - fixed - l->name_w;
		l->top = 3;
	} else {
		l->mrh = 2;
		l->name_w = l->pane_w - (1 + 1 + (2 * l->aw + 1) + 1 + 5);
		if (l->name_w < 0)
			l->name_w = 0;
		l->strip_w = l->pane_w - (1 + 7 + 1 + 3 + 1 + 3 + 1 + 4 + 1 + 4 + 1) -
		             (l->objcols ? OBJCOLS_W : 0);
		l->top = 4;
	}
	if (l->strip_w < 0)
		l->strip_w = 0;
	l->rh = l->mrh + (u->view == UI_VIEW_BOTH);
	for (int p = 0; p < 2; p++)
		cols_compute(l, p, &l->col[p]);
	layout_bottom(u, l);
	/* Rows the panes do not need go to the note and the narration. */
	{
		size_t need = 0;
		int spare;

		for (int p = 0; p < 2; p++) {
			const struct ui_snap *s = ui_state_pane(u, p);
			size_t n = ui_state_nrows(u, p);

			if (u->view == UI_VIEW_MODEL && s != NULL)
				n += s->nghost;
			if (n > need)
				need = n;
		}
		spare = (l->bottom - l->top) - (int)need * l->rh - 1;
		for (int i = 0; spare > 0 && i < 4; i++, spare--) {
			if (i % 2 == 0 && l->narr_h < 5)
				l->narr_h++;
			else if (l->note_h < 3)
				l->note_h++;
		}
		layout_rows(g, l);
		layout_bottom(u, l);
	}
	story_fit(u, g, l);
}

/* Draw S wrapped at spaces over H rows of W columns; an ellipsis ends
 * text that does not fit.  G NULL: draw nothing, count the rows S needs
 * (up to H).  Returns the rows used. */
static int
put_wrapped(struct ui_grid *g, int x, int y, int w, int h, int style, const char *s)
{
	size_t len = strlen(s);
	int row;

	if (w <= 0)
		return 0;
	for (row = 0; row < h && len > 0; row++) {
		size_t take = 0, brk = 0;
		int cols = 0;

		while (take < len) {
			uint32_t cp;
			size_t n = text_decode(s + take, len - take, &cp);
			int cw;

			if (n == 0)
				n = 1;
			cw = ui_text_cpwidth(cp);
			if (cols + cw > w)
				break;
			cols += cw;
			take += n;
			if (cp == ' ')
				brk = take;
		}
		if (take < len && brk > 0 && row + 1 < h)
			take = brk;
		if (take == 0)
			break;
		if (g == NULL) {
			/* Counting only. */
		} else if (take < len && row + 1 == h) {
			/* Last row and more to say: end with an ellipsis. */
			char tmp[1024];
			size_t keep = take;

			while (keep > 0 && ui_text_width(s) > 0) {
				snprintf(tmp, sizeof tmp, "%.*s", (int)keep, s);
				if (ui_text_width(tmp) <= w - 1)
					break;
				do
					keep--;
				while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80);
			}
			snprintf(tmp, sizeof tmp, "%.*s", (int)keep, s);
			ui_grid_put(g, x, y + row, w, style, 0, tmp);
			ui_grid_put(g, x + ui_text_width(tmp), y + row, 1, UI_S_DIM, 0,
			            ui_grid_glyph(g, UI_G_ELLIPSIS));
			return row + 1;
		} else {
			char tmp[1024];

			snprintf(tmp, sizeof tmp, "%.*s", (int)take, s);
			ui_grid_put(g, x, y + row, w, style, 0, tmp);
		}
		s += take;
		len -= take;
		while (len > 0 && *s == ' ')
			s++, len--;
	}
	return row;
}

int
ui_draw_wrapped(struct ui_grid *g, int x, int y, int w, int h, int style, const char *s)
{
	return put_wrapped(g, x, y, w, h, style, s);
}

/* Draw text truncated to W columns with an ellipsis when cut. */
static int
put_clip(struct ui_grid *g, int x, int y, int w, int style, int attr, const char *s)
{
	if (w <= 0)
		return 0;
	if (ui_text_width(s) <= w)
		return ui_grid_put(g, x, y, w, style, attr, s);
	ui_grid_put(g, x, y, w - 1, style, attr, s);
	ui_grid_put(g, x + w - 1, y, 1, style, attr, ui_grid_glyph(g, UI_G_ELLIPSIS));
	return w;
}

/* A region name in W columns: a path cut in the middle keeps its file name. */
static int
put_name(struct ui_grid *g, int x, int y, int w, int style, const char *s)
{
	char buf[256];

	if (w <= 0)
		return 0;
	ui_text_clip_middle(buf, sizeof buf, s, w, g->ascii);
	return ui_grid_put(g, x, y, w, style, 0, buf);
}

/* The title bar of a live session: TITLE on the left, then "live", the
 * pids, the interval, the last sample's cost, the step and the state. */
static void
draw_title_live(const struct ui *u, struct ui_grid *g, const char *title)
{
	const struct ui_live *lv = u->o.live;
	const char *state = u->live_ended ? "ended" : u->live_paused ? "paused" : "sampling";
	const char *glyph = u->live_ended ? "" : u->live_paused ? (g->ascii ? "|| " : "\u2016 ")
	                  : g->ascii ? "> " : "\u25cf ";
	char right[200];
	int rw;

	if (g->cols >= 120)
		snprintf(right, sizeof right, " live | pid %s | every %u ms | last sample %.2f ms | "
		         "step %zu/%zu | view: %s | %s%s ", lv->pids, lv->interval_ms, u->live_cost_ms,
		         replay_pos(u->r), replay_nsteps(u->r), ui_view_name(u->view), glyph, state);
	else
		snprintf(right, sizeof right, " live %s | %u ms | %.2f ms | step %zu/%zu | %s | %s%s ",
		         lv->pids, lv->interval_ms, u->live_cost_ms, replay_pos(u->r),
		         replay_nsteps(u->r), ui_view_name(u->view), glyph, state);
	rw = ui_text_width(right);
	if (rw > g->cols - 9)
		rw = g->cols - 9;
	ui_grid_put(g, 1, 0, 8, UI_S_TITLE, UI_A_BOLD, "vmscope");
	put_clip(g, 9, 0, g->cols - rw - 10, UI_S_TITLE, 0, title);
	put_clip(g, g->cols - rw, 0, rw, UI_S_TITLE, 0, right);
}

/* "loading 37% ███░░░░░░░ | " while the trace loads (the bar from 100
 * columns), "load failed | " after an error, else nothing. */
static void
load_text(const struct ui *u, const struct ui_grid *g, char *buf, size_t len)
{
	int pct = (int)(u->load_fraction * 100), full = pct / 10;
	char bar[64] = "";

	buf[0] = '\0';
	if (u->load_state < 0) {
		snprintf(buf, len, "load failed | ");
		return;
	}
	if (u->load_state == 0)
		return;
	if (pct < 0)
		pct = full = 0;
	for (int i = 0; i < 10 && g->cols >= 100; i++)   /* the bar from 100 columns */
		strcat(bar, i < full ? (g->ascii ? "#" : "\u2588") : (g->ascii ? "-" : "\u2591"));
	snprintf(buf, len, "loading %d%%%s%s | ", pct, bar[0] ? " " : "", bar);
}

/* The title bar. */
static void
draw_title(struct ui *u, struct ui_grid *g)
{
	const struct vm_profile *prof = replay_profile(u->r);
	char title[256], right[256], ps[16], view[96] = "", pname[80], total[32];
	int rw;

	ui_grid_fill(g, 0, 0, g->cols, UI_S_TITLE, 0, " ");
	text_sanitize(title, sizeof title,
	                 u->t->title != NULL && u->t->title[0] != '\0' ? u->t->title : u->t->path,
	                 u->o.ascii);
	ui_look_size(vm_world_page_size(replay_world(u->r)), ps, sizeof ps);
	/* The view is named only when there is a choice (observations). */
	if (u->o.live != NULL) {
		draw_title_live(u, g, title);
		return;
	}
	if (u->have_obs)
		snprintf(view, sizeof view, "%s%s | ", g->cols >= 120 ? "view: " : "",
		         ui_view_name(u->view));
	if (u->cmp != NULL)
		snprintf(pname, sizeof pname, "%s vs %s", prof->name, replay_profile(u->cmp)->name);
	else
		snprintf(pname, sizeof pname, "%s", prof != NULL ? prof->name : "?");
	if (u->quiz.on)   /* the quiz stops before steps that ask */
		snprintf(view + strlen(view), sizeof view - strlen(view), "quiz | ");
	ui_state_total(u, total, sizeof total);
	load_text(u, g, view + strlen(view), sizeof view - strlen(view));
	if (g->cols >= 120)
		snprintf(right, sizeof right, " %s | %s pages | step %zu/%s | %s%s %s %s ",
		         pname, ps, replay_pos(u->r), total, view,
		         u->playing ? ui_grid_glyph(g, UI_G_PLAY) : (g->ascii ? "||" : "\u2016"),
		         u->playing ? "playing" : "paused", ui_speeds[u->speed].label);
	else
		snprintf(right, sizeof right, " %s | %s pg | step %zu/%s | %s%s %s ",
		         pname, ps, replay_pos(u->r), total, view,
		         u->playing ? ui_grid_glyph(g, UI_G_PLAY) : (g->ascii ? "||" : "\u2016"),
		         ui_speeds[u->speed].label);
	rw = ui_text_width(right);
	if (rw > g->cols - 9)   /* never over "vmscope": cut in the middle */
		rw = g->cols - 9;
	ui_grid_put(g, 1, 0, 8, UI_S_TITLE, UI_A_BOLD, "vmscope");
	put_clip(g, 9, 0, g->cols - rw - 10, UI_S_TITLE, 0, title);
	put_clip(g, g->cols - rw, 0, rw, UI_S_TITLE, 0, right);
}

/* Pages per strip cell for NPAGES pages in W columns, and the "xN"
 * suffix that says so (empty when every page has its cell); returns the
 * cells used. */
static size_t
strip_scale(const struct ui_grid *g, int w, size_t npages, size_t *ppc, char *suffix,
            size_t slen)
{
	*ppc = 1;
	suffix[0] = '\0';
	if (npages <= (size_t)w)
		return npages;
	for (int iter = 0, sl = 0; iter < 3; iter++) {
		size_t cells = w - sl > 1 ? (size_t)(w - sl) : 1;

		*ppc = (npages + cells - 1) / cells;
		snprintf(suffix, slen, "%s%zu", g->ascii ? "x" : "\u00d7", *ppc);
		sl = ui_text_width(suffix) + 1;
	}
	return (npages + *ppc - 1) / *ppc;
}

/* Draw a row's page strip in W columns: one glyph per page, or one per
 * group of pages followed by "xN" when the region has more pages than
 * columns.  A group shows, of the resident kinds it holds, the one rarest
 * in the whole region, dirty if any page is: so one private page among
 * many copy-on-write ones is never averaged away. */
static void
draw_strip(struct ui_grid *g, int x, int y, int w, const struct ui_row *r, int hl)
{
	size_t ppc, ncell;
	char suffix[24];

	size_t total[4];

	if (w <= 0 || r->npages == 0)
		return;
	ncell = strip_scale(g, w, r->npages, &ppc, suffix, sizeof suffix);
	ui_row_totals(r, total);
	for (size_t c = 0; c < ncell; c++) {
		size_t a = c * ppc, b = a + ppc < r->npages ? a + ppc : r->npages;
		size_t count[4] = { 0, 0, 0, 0 };
		bool dirty = false, changed = ui_row_range(r, a, b, count, &dirty);
		int kind = VMPG_ABSENT, style;

		for (int k = VMPG_PRIVATE; k <= VMPG_SHARED; k++)
			if (count[k] > 0 && (kind == VMPG_ABSENT || total[k] < total[kind]))
				kind = k;
		style = ui_look_page_style(kind);
		if (changed && hl >= 0)
			style = hl;
		ui_grid_put(g, x + (int)c, y, 1, style, 0, ui_grid_glyph(g, ui_look_page_glyph(kind, dirty)));
	}
	if (suffix[0] != '\0')
		ui_grid_put(g, x + (int)ncell + 1, y, -1, UI_S_DIM, 0, suffix);
}

/* Draw an observed region's page strip from its page counts: private, COW,
 * shared and zero-fill pages in that order (counts, not positions), the
 * rest absent; nothing when no count was observed. */
static void
draw_obs_strip(const struct ui *u, struct ui_grid *g, int x, int y, int w,
               const struct trace_obs_region *o)
{
	static const struct {
		unsigned bit;
		enum ui_glyph gl;
		int style;
	} kinds[] = {
		{ TOBS_PRIVATE, UI_G_PG_PRV, UI_S_PRV }, { TOBS_COW, UI_G_PG_COW, UI_S_COW },
		{ TOBS_SHARED, UI_G_PG_SHM, UI_S_SHM }, { TOBS_ZERO, UI_G_PG_ZERO, UI_S_NUL },
	};
	uint32_t ps = vm_world_page_size(replay_world(u->r));
	size_t npages = ps > 0 ? (size_t)((o->end - o->start + ps - 1) / ps) : 0;
	size_t run[5], ppc, ncell;
	char suffix[24];

	if (w <= 0 || npages == 0 || !(o->have & (TOBS_PRIVATE | TOBS_COW | TOBS_SHARED | TOBS_ZERO)))
		return;
	run[0] = 0;
	run[1] = o->pages_private;
	run[2] = run[1] + o->pages_cow;
	run[3] = run[2] + o->pages_shared;
	run[4] = run[3] + o->pages_zero;
	ncell = strip_scale(g, w, npages, &ppc, suffix, sizeof suffix);
	for (size_t c = 0; c < ncell; c++) {
		size_t a = c * ppc, b = a + ppc < npages ? a + ppc : npages, best = 0;
		int kind = -1;

		for (int k = 0; k < 4; k++) {
			size_t lo = run[k] > a ? run[k] : a, hi = run[k + 1] < b ? run[k + 1] : b;

			if (hi > lo && hi - lo > best) {
				best = hi - lo;
				kind = k;
			}
		}
		if (kind < 0)
			ui_grid_put(g, x + (int)c, y, 1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_PG_ABSENT));
		else
			ui_grid_put(g, x + (int)c, y, 1, kinds[kind].style, 0,
			            ui_grid_glyph(g, kinds[kind].gl));
	}
	if (suffix[0] != '\0')
		ui_grid_put(g, x + (int)ncell + 1, y, -1, UI_S_DIM, 0, suffix);
}

/* The OBJ, DEPTH and NC fields of row R at line Y: the top object's id as
 * in dump --json and the objects view, the shadow depth, needs_copy (not
 * shown under a Linux profile, which has no such flag). */
static void
draw_objcols(const struct ui *u, struct ui_grid *g, const struct cols *c, int y,
             const struct ui_row *r, int style, bool alias)
{
	const struct vm_region_info *ri = &r->ri;
	char buf[16];

	if (ri->object == 0)
		snprintf(buf, sizeof buf, "-");
	else if (alias && ri->object < 100)
		snprintf(buf, sizeof buf, "#%u&", ri->object);   /* aliased in this task */
	else if (ri->object < 1000)
		snprintf(buf, sizeof buf, "#%u", ri->object);
	else if (ri->object < 10000)
		snprintf(buf, sizeof buf, "%u", ri->object);
	else
		snprintf(buf, sizeof buf, "%uk", ri->object / 1000 > 999 ? 999 : ri->object / 1000);
	ui_grid_printf(g, c->x[C_OBJ], y, 4, style, 0, "%4s", buf);
	if (ri->shadow_depth > 9)
		snprintf(buf, sizeof buf, "+");
	else
		snprintf(buf, sizeof buf, "%u", ri->shadow_depth);
	ui_grid_put(g, c->x[C_DEP], y, 1, UI_S_NORMAL, 0, buf);
	if (ri->needs_copy && !replay_linux_terms(u->r))
		ui_grid_put(g, c->x[C_NC], y, 2, UI_S_DIM, 0, "NC");
}

/* Put `?` in the fields of a region row the quiz asks about (HIDE: bits
 * 1 << TASK_*), at line Y of the row's fields. */
static void
hide_fields(struct ui_grid *g, const struct cols *c, int y, unsigned hide)
{
	static const struct {
		int field, col, off, w;
	} at[] = {
		{ TASK_PROT, C_PROT, 0, 3 }, { TASK_MAX_PROT, C_PROT, 4, 3 },
		{ TASK_SHARE_MODE, C_SM, 0, 3 }, { TASK_REF_COUNT, C_REF, 0, 3 },
		{ TASK_RESIDENT, C_RES, 0, 4 }, { TASK_DIRTIED, C_DTY, 0, 4 },
		{ TASK_OBJECT, C_OBJ, 0, 4 }, { TASK_SHADOW_DEPTH, C_DEP, 0, 1 },
		{ TASK_NEEDS_COPY, C_NC, 0, 2 },
	};

	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		if (!(hide & (1u << at[i].field)) || c->w[at[i].col] == 0)
			continue;
		ui_grid_fill(g, c->x[at[i].col] + at[i].off, y, at[i].w, UI_S_NORMAL, 0, " ");
		ui_grid_put(g, c->x[at[i].col] + at[i].off + at[i].w - 1, y, 1, UI_S_KEY, UI_A_BOLD,
		            "?");
	}
}

/* Does another region of S map R's top object (aliased in one task)? */
static bool
aliased(const struct ui_snap *s, const struct ui_row *r)
{
	for (size_t i = 0; s != NULL && r->ri.object != 0 && i < s->n; i++)
		if (&s->rows[i] != r && s->rows[i].ri.object == r->ri.object)
			return true;
	return false;
}

/* Draw one region row at Y in pane P. */
static void
draw_row(struct ui *u, struct ui_grid *g, const struct layout *l, int p, int y,
         const struct ui_row *r, bool selected)
{
	const struct vm_region_info *ri = &r->ri;
	const struct cols *c = &l->col[p];
	int x0 = l->pane_x[p], hl = hl_style(u), yf = y + c->dy[C_PROT];
	bool ghost = (r->changes & UI_CH_GONE) != 0, fresh = (r->changes & UI_CH_NEW) != 0;
	char buf[64], prot[4], maxp[4];
	int base = ghost || fresh ? (hl >= 0 ? hl : UI_S_NORMAL) : UI_S_NORMAL;
	int sm_style = ui_look_sm_style(ri->share_mode);

#define FIELD_STYLE(flag, normal) ((r->changes & (flag)) && hl >= 0 ? hl : (normal))
	if (selected)
		ui_grid_put(g, x0, y, 1, UI_S_HEADER, 0, ui_grid_glyph(g, UI_G_CURSOR));
	if (l->name_w > 0)
		put_name(g, c->x[C_NAME], y, l->name_w, ghost ? base : UI_S_HEADER,
		         r->name[0] != '\0' ? r->name : "-");
	snprintf(buf, sizeof buf, "%*llx-%*llx", l->aw, (unsigned long long)ri->start, l->aw,
	         (unsigned long long)ri->end);
	ui_grid_put(g, c->x[C_RANGE], y, -1, FIELD_STYLE(UI_CH_RANGE, base), 0, buf);
	ui_look_size(ri->end - ri->start, buf, sizeof buf);
	ui_grid_printf(g, c->x[C_SIZE], y, 5, FIELD_STYLE(UI_CH_RANGE, base), 0, "%5s", buf);
	if (ghost) {
		ui_grid_put(g, c->x[C_PROT], yf, l->pane_w - (c->x[C_PROT] - x0), base, 0,
		            "(removed at this step)");
		return;
	}
	vm_prot_str(ri->prot, prot);
	vm_prot_str(ri->max_prot, maxp);
	ui_grid_printf(g, c->x[C_PROT], yf, 7, FIELD_STYLE(UI_CH_PROT, base), 0, "%s/%s", prot, maxp);
	ui_grid_put(g, c->x[C_SM], yf, 3, FIELD_STYLE(UI_CH_SM, fresh ? base : sm_style), 0,
	            vm_share_mode_abbrev(ri->share_mode));
	ui_grid_printf(g, c->x[C_REF], yf, 3, FIELD_STYLE(UI_CH_REF, base), 0, "%3u", ri->ref_count);
	fmt_count(ri->pages_resident, buf, sizeof buf);
	ui_grid_printf(g, c->x[C_RES], yf, 4, FIELD_STYLE(UI_CH_RES, base), 0, "%4s", buf);
	fmt_count(ri->pages_dirtied, buf, sizeof buf);
	ui_grid_printf(g, c->x[C_DTY], yf, 4, FIELD_STYLE(UI_CH_DIRTY, base), 0, "%4s", buf);
	if (l->objcols)
		draw_objcols(u, g, c, yf, r, hl >= 0 && r->before.object != ri->object ? hl : base,
		             aliased(ui_state_pane(u, p), r));
	draw_strip(g, c->x[C_PAGES], yf, l->strip_w, r, hl);
	hide_fields(g, c, yf, ui_quiz_hidden(u, u->pane_task[p], r->name));
#undef FIELD_STYLE
}

/* Mark W cells from (X, Y) as differing: the diff style from the first
 * non-blank one, and the marker glyph just left of it. */
static void
mark_field(struct ui_grid *g, int x, int y, int w)
{
	int first = x;

	while (first < x + w - 1) {
		const struct ui_cell *c = ui_grid_at(g, first, y);

		if (c == NULL || c->ch != ' ')
			break;
		first++;
	}
	ui_grid_paint(g, first, y, x + w - first, UI_S_DIFF, 0);
	ui_grid_put(g, first - 1, y, 1, UI_S_DIFF, 0, ui_grid_glyph(g, UI_G_DIFF));
}

/* Mark the fields in DIFF (CHECK_D_*) of a row of pane P whose range is on
 * line YR (-1: not shown) and whose other fields are on line YF. */
static void
mark_fields(struct ui_grid *g, const struct layout *l, int p, int yr, int yf, unsigned diff)
{
	const struct cols *c = &l->col[p];

	if ((diff & CHECK_D_RANGE) && yr >= 0) {
		mark_field(g, c->x[C_RANGE], yr, c->w[C_RANGE]);
		ui_grid_paint(g, c->x[C_SIZE], yr, c->w[C_SIZE], UI_S_DIFF, 0);
	}
	if (diff & (CHECK_D_PROT | CHECK_D_MAX_PROT)) {
		/* One marker before "prot/max"; the half that differs in the diff style. */
		ui_grid_put(g, c->x[C_PROT] - 1, yf, 1, UI_S_DIFF, 0, ui_grid_glyph(g, UI_G_DIFF));
		if (diff & CHECK_D_PROT)
			ui_grid_paint(g, c->x[C_PROT], yf, 3, UI_S_DIFF, 0);
		if (diff & CHECK_D_MAX_PROT)
			ui_grid_paint(g, c->x[C_PROT] + 4, yf, 3, UI_S_DIFF, 0);
	}
	if (diff & CHECK_D_SHARE_MODE)
		mark_field(g, c->x[C_SM], yf, c->w[C_SM]);
	if (diff & CHECK_D_REF_COUNT)
		mark_field(g, c->x[C_REF], yf, c->w[C_REF]);
	if (diff & CHECK_D_RESIDENT)
		mark_field(g, c->x[C_RES], yf, c->w[C_RES]);
}

/* Say why a row has no partner: the marker at (X, Y), then TEXT, in the
 * diff style, clipped to pane P. */
static void
put_note(struct ui_grid *g, const struct layout *l, int p, int x, int y, const char *text)
{
	ui_grid_put(g, x, y, 1, UI_S_DIFF, 0, ui_grid_glyph(g, UI_G_DIFF));
	ui_grid_put(g, x + 1, y, l->pane_x[p] + l->pane_w - x - 1, UI_S_DIFF, 0, text);
}

/* Put "?" (not observed) or the text S right-aligned in field F. */
static void
put_field(struct ui_grid *g, const struct cols *c, int f, int y, bool have, int style,
          const char *s)
{
	if (have)
		ui_grid_printf(g, c->x[f], y, c->w[f], style, 0, "%*s", c->w[f], s);
	else
		ui_grid_printf(g, c->x[f], y, c->w[f], UI_S_DIM, 0, "%*s", c->w[f], "?");
}

/*
 * Draw observed region O in pane P at Y: as a whole row (the observed
 * view: name, range and size, then the fields as recorded), or with LINE
 * as the one observed line under a model row (the both view: agreeing
 * fields dim, those in DIFF marked).  O NULL with LINE: the model region
 * was not observed.
 */
static void
draw_obs(const struct ui *u, struct ui_grid *g, const struct layout *l, int p, int y,
         const struct trace_obs_region *o, bool line, unsigned diff, bool selected)
{
	const struct cols *c = &l->col[p];
	int x0 = l->pane_x[p], yf = line ? y : y + c->dy[C_PROT], base = line ? UI_S_DIM : UI_S_NORMAL;
	char buf[64], a[4], b[4];

	if (selected)
		ui_grid_put(g, x0, y, 1, UI_S_HEADER, 0, ui_grid_glyph(g, UI_G_CURSOR));
	if (line) {
		ui_grid_put(g, x0, y, 1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_OBS));
		if (l->wide && l->name_w > 0)
			put_clip(g, c->x[C_NAME], y, l->name_w, UI_S_DIM, 0, "observed");
	}
	if (o == NULL) {
		put_note(g, l, p, l->wide ? c->x[C_RANGE] : c->x[C_PROT], y, "not observed");
		return;
	}
	if (!line || l->wide) {
		if (!line && l->name_w > 0) {
			char name[256];

			text_sanitize(name, sizeof name, trace_str(u->t, o->name), u->o.ascii);
			put_name(g, c->x[C_NAME], y, l->name_w, UI_S_HEADER, name[0] ? name : "-");
		}
		snprintf(buf, sizeof buf, "%*llx-%*llx", l->aw, (unsigned long long)o->start, l->aw,
		         (unsigned long long)o->end);
		ui_grid_put(g, c->x[C_RANGE], y, -1, base, 0, buf);
		ui_look_size(o->end - o->start, buf, sizeof buf);
		ui_grid_printf(g, c->x[C_SIZE], y, 5, base, 0, "%5s", buf);
	}
	if (o->have & TOBS_PROT)
		vm_prot_str(o->prot, a);
	if (o->have & TOBS_MAX_PROT)
		vm_prot_str(o->max_prot, b);
	snprintf(buf, sizeof buf, "%s/%s", (o->have & TOBS_PROT) ? a : "?",
	         (o->have & TOBS_MAX_PROT) ? b : "?");
	ui_grid_put(g, c->x[C_PROT], yf, 7,
	            (o->have & (TOBS_PROT | TOBS_MAX_PROT)) ? base : UI_S_DIM, 0, buf);
	if (o->have & TOBS_SHARE_MODE)
		ui_grid_put(g, c->x[C_SM], yf, 3, line ? base : ui_look_sm_style(o->share_mode), 0,
		            vm_share_mode_abbrev(o->share_mode));
	else
		ui_grid_put(g, c->x[C_SM], yf, 3, UI_S_DIM, 0, "?");
	snprintf(buf, sizeof buf, "%u", o->ref_count);
	put_field(g, c, C_REF, yf, (o->have & TOBS_REF_COUNT) != 0, base, buf);
	fmt_count(o->pages_resident, buf, sizeof buf);
	put_field(g, c, C_RES, yf, (o->have & TOBS_RESIDENT) != 0, base, buf);
	fmt_count(o->pages_dirtied, buf, sizeof buf);
	put_field(g, c, C_DTY, yf, (o->have & TOBS_DIRTIED) != 0, base, buf);
	draw_obs_strip(u, g, c->x[C_PAGES], yf, l->strip_w, o);
	mark_fields(g, l, p, line && !l->wide ? -1 : y, yf, diff);
}

/* Draw row V of the both view at Y in pane P: the model's report (or the
 * observed region's name and range when the model has no such region),
 * then the observed line. */
static void
draw_both(struct ui *u, struct ui_grid *g, const struct layout *l, int p, int y,
          const struct ui_obs *ob, const struct ui_vrow *v, bool selected)
{
	const struct ui_snap *s = ui_state_pane(u, p);
	const struct trace_obs_region *o = v->obs >= 0 ? &ob->obs->regions[v->obs] : NULL;
	const struct cols *c = &l->col[p];

	if (v->model >= 0) {
		draw_row(u, g, l, p, y, &s->rows[v->model], selected);
		mark_fields(g, l, p, y, y + c->dy[C_PROT], v->diff);
	} else {
		int x = c->x[C_PROT], yf = y + c->dy[C_PROT];
		char name[256], buf[64];

		if (selected)
			ui_grid_put(g, l->pane_x[p], y, 1, UI_S_HEADER, 0, ui_grid_glyph(g, UI_G_CURSOR));
		text_sanitize(name, sizeof name, trace_str(u->t, o->name), u->o.ascii);
		if (l->name_w > 0)
			put_name(g, c->x[C_NAME], y, l->name_w, UI_S_HEADER, name[0] ? name : "-");
		snprintf(buf, sizeof buf, "%*llx-%*llx", l->aw, (unsigned long long)o->start, l->aw,
		         (unsigned long long)o->end);
		ui_grid_put(g, c->x[C_RANGE], y, -1, UI_S_DIM, 0, buf);
		ui_look_size(o->end - o->start, buf, sizeof buf);
		ui_grid_printf(g, c->x[C_SIZE], y, 5, UI_S_DIM, 0, "%5s", buf);
		put_note(g, l, p, x, yf, ob->cmp.task < 0 ? "task not in the model" : "not in the model");
	}
	draw_obs(u, g, l, p, y + l->mrh, o, true, v->diff, false);
}

/* Column headers of a pane. */
static void
draw_headers(struct ui_grid *g, const struct layout *l, int p)
{
	int x0 = l->pane_x[p], x = x0 + 1, y = l->top - l->mrh;
	char range[64];

	if (l->name_w > 0) {
		ui_grid_put(g, x, y, l->name_w, UI_S_DIM, 0, "NAME");
		x += l->name_w + 1;
	}
	snprintf(range, sizeof range, "%-*s", 2 * l->aw + 1, "START-END");
	ui_grid_put(g, x, y, -1, UI_S_DIM, 0, range);
	x += 2 * l->aw + 2;
	ui_grid_put(g, x, y, 5, UI_S_DIM, 0, " SIZE");
	x += 6;
	if (!l->wide) {
		y++;
		x = x0 + 1;
	}
	ui_grid_put(g, x, y, l->pane_w - (x - x0), UI_S_DIM, 0,
	            l->objcols ? "PROT/MAX SM  REF  RES  DTY OBJ D NC PAGES"
	                       : "PROT/MAX SM  REF  RES  DTY PAGES");
}

/* Comparing profiles: mark the fields of row R (at Y in pane P) that
 * differ from the other pane's row at the same address, or its name when
 * the other profile has no region there. */
static void
mark_compare(struct ui *u, struct ui_grid *g, const struct layout *l, int p, int y,
             const struct ui_row *r)
{
	unsigned d = ui_state_compare_diff(r, ui_state_pane(u, p), ui_state_pane(u, !p));

	if (d == UI_CMP_MISSING)
		mark_field(g, l->col[p].x[C_NAME], y, l->col[p].w[C_NAME] > 0 ? l->col[p].w[C_NAME] : 1);
	else
		mark_fields(g, l, p, y, y + l->col[p].dy[C_PROT], d);
}

/* The pane title's summary after the task name: the region count, and in
 * the observed and both views which observation is shown and how it
 * compares. */
static void
pane_summary(const struct ui *u, int p, char *buf, size_t len)
{
	const struct ui_snap *s = ui_state_pane(u, p);
	const struct ui_obs *ob = ui_state_obs(u, p);
	size_t n = s != NULL && s->task >= 0 ? s->n : 0;

	if (u->view == UI_VIEW_MODEL || ob == NULL) {
		snprintf(buf, len, "%zu region%s%s", n, n == 1 ? "" : "s",
		         u->view == UI_VIEW_MODEL ? "" : ", not observed yet");
		return;
	}
	if (u->view == UI_VIEW_OBSERVED) {
		snprintf(buf, len, "obs@%zu: %u region%s", ob->step, ob->obs->nregions,
		         ob->obs->nregions == 1 ? "" : "s");
		return;
	}
	{
		size_t nd = check_step_ndiffs(&ob->cmp);

		if (nd == 0)
			snprintf(buf, len, "%zu region%s, obs@%zu: agree", n, n == 1 ? "" : "s", ob->step);
		else
			snprintf(buf, len, "%zu region%s, obs@%zu: %zu diff%s", n, n == 1 ? "" : "s",
			         ob->step, nd, nd == 1 ? "" : "s");
	}
}

/* Draw pane P; fills PL with the model rows placed and returns their count. */
static int
draw_pane(struct ui *u, struct ui_grid *g, const struct layout *l, int p, struct placed *pl,
          int maxpl, bool head_only)
{
	const struct ui_snap *s = ui_state_pane(u, p);
	const struct ui_obs *ob = ui_state_obs(u, p);
	int x0 = l->pane_x[p], npl = 0, y;
	size_t vis = (size_t)((l->bottom - l->top) / l->rh), n;
	char name[64], title[160];
	bool model_rows = u->view == UI_VIEW_MODEL || (u->view == UI_VIEW_BOTH && ob == NULL);

	ui_look_task_name(u, u->pane_task[p], name, sizeof name);
	if (u->o.live != NULL && u->pane_task[p] >= 0 && u->pane_task[p] < 2 &&
	    u->live_stopped[u->pane_task[p]] && strlen(name) + 10 < sizeof name)
		strcat(name, " (exited)");
	if (u->cmp != NULL)   /* one task, two profiles */
		snprintf(name + strlen(name), sizeof name - strlen(name), " under %s",
		         replay_profile(p == 1 ? u->cmp : u->r)->name);
	snprintf(title, sizeof title, " %s ", name);
	ui_grid_put(g, x0, 1, l->pane_w, UI_S_HEADER, u->focus == p ? UI_A_REVERSE : 0, title);
	if (s == NULL || (model_rows && s->task < 0) || (u->view == UI_VIEW_OBSERVED && ob == NULL)) {
		put_wrapped(g, x0 + 2, l->top, l->pane_w - 3, 3, UI_S_DIM,
		            s == NULL ? "(the trace has only one task)"
		            : model_rows ? "(this task does not exist at this step)"
		                         : "(no observation of this task at or before this step)");
		return 0;
	}
	pane_summary(u, p, title, sizeof title);
	put_clip(g, x0 + ui_text_width(name) + 3, 1, l->pane_w - ui_text_width(name) - 3, UI_S_DIM,
	         0, title);
	draw_headers(g, l, p);
	if (head_only)
		return 0;
	ui_state_clamp(u, p, vis);
	n = ui_state_nrows(u, p);
	y = l->top;
	for (size_t i = u->scroll[p]; i < n && y + l->rh <= l->bottom; i++) {
		bool sel = i == u->cursor[p];
		long mi = -1;

		if (u->view == UI_VIEW_OBSERVED) {
			draw_obs(u, g, l, p, y, &ob->obs->regions[i], false, 0, sel);
		} else if (!model_rows) {
			draw_both(u, g, l, p, y, ob, &ob->rows[i], sel);
			mi = ob->rows[i].model;
		} else {
			draw_row(u, g, l, p, y, &s->rows[i], sel);
			if (u->cmp != NULL)
				mark_compare(u, g, l, p, y, &s->rows[i]);
			mi = (long)i;
		}
		if (sel && u->focus == p)
			for (int k = 0; k < l->rh; k++)
				ui_grid_paint(g, x0, y + k, l->pane_w, -1, UI_A_REVERSE);
		for (int k = 0; k < l->rh; k++)
			add_hit(u, x0, y + k, l->pane_w, UI_HIT_ROW, p, i);
		if (mi >= 0 && npl < maxpl)
			pl[npl++] = (struct placed){ &s->rows[mi], (size_t)mi, y };
		y += l->rh;
	}
	if (u->anim > 0 && u->view == UI_VIEW_MODEL)
		for (size_t i = s->n; i < s->n + s->nghost && y + l->rh <= l->bottom; i++) {
			draw_row(u, g, l, p, y, &s->rows[i], false);
			y += l->rh;
		}
	if (u->scroll[p] > 0)
		ui_grid_put(g, x0 + l->pane_w - 1, l->top, 1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_UP));
	if (u->scroll[p] + vis < n)
		ui_grid_put(g, x0 + l->pane_w - 1, l->bottom - 1, 1, UI_S_DIM, 0,
		            ui_grid_glyph(g, UI_G_DOWN));
	if (n == 0 && (u->view != UI_VIEW_MODEL || u->anim == 0 || s->nghost == 0))
		ui_grid_put(g, x0 + 2, l->top, l->pane_w - 3, UI_S_DIM, 0, "(no regions)");
	return npl;
}

/* Aligned panes (the model view, both panes showing a live task): one row
 * per address where either task has a region starting, so a region of
 * one task lines up with the same address in the other, or with a hole. */
struct vrow {
	long r[2];               /* row index in each pane's snapshot, -1: none starts here */
};

static bool
aligned(const struct ui *u, const struct layout *l)
{
	const struct ui_snap *a = ui_state_pane(u, 0), *b = ui_state_pane(u, 1);

	return u->align && !l->single && u->view == UI_VIEW_MODEL && a != NULL && b != NULL &&
	       a->task >= 0 && b->task >= 0;
}

/* Merge the rows of A and B by start address into V (a->n + b->n slots). */
static size_t
vrows_build(const struct ui_snap *a, const struct ui_snap *b, struct vrow *v)
{
	size_t i = 0, j = 0, n = 0;

	while (i < a->n || j < b->n) {
		uint64_t sa = i < a->n ? a->rows[i].ri.start : UINT64_MAX;
		uint64_t sb = j < b->n ? b->rows[j].ri.start : UINT64_MAX;

		v[n].r[0] = sa <= sb ? (long)i++ : -1;
		v[n].r[1] = sb <= sa ? (long)j++ : -1;
		n++;
	}
	return n;
}

/* Is ADDR inside a region of S? */
static bool
snap_maps(const struct ui_snap *s, uint64_t addr)
{
	for (size_t i = 0; i < s->n; i++)
		if (addr >= s->rows[i].ri.start && addr < s->rows[i].ri.end)
			return true;
	return false;
}

/* Keep the focused pane's cursor row in view (vscroll in aligned rows),
 * or, just after a step, the row it changed that was out of view. */
static void
vscroll_clamp(struct ui *u, const struct vrow *v, size_t n, size_t vis)
{
	size_t cv = 0;
	int p = u->show_pane >= 0 ? u->show_pane : u->focus;   /* a step's change first */

	u->show_pane = -1;
	for (size_t k = 0; k < n; k++)
		if (v[k].r[p] == (long)u->cursor[p]) {
			cv = k;
			break;
		}
	if (u->vscroll > cv)
		u->vscroll = cv;
	if (vis > 0 && cv >= u->vscroll + vis)
		u->vscroll = cv - vis + 1;
	if (u->vscroll >= n)
		u->vscroll = n > 0 ? n - 1 : 0;
}

/* Draw the aligned rows of both panes; the rows placed go to LP/RP. */
static void
draw_aligned(struct ui *u, struct ui_grid *g, const struct layout *l, struct placed *pl[2],
             int *npl, int maxpl)
{
	const struct ui_snap *s[2] = { ui_state_pane(u, 0), ui_state_pane(u, 1) };
	size_t vis = (size_t)((l->bottom - l->top) / l->rh), n;
	struct vrow *v = malloc((s[0]->n + s[1]->n + 1) * sizeof *v);
	int y = l->top;

	npl[0] = npl[1] = 0;
	if (v == NULL)
		return;
	n = vrows_build(s[0], s[1], v);
	for (int p = 0; p < 2; p++)
		ui_state_clamp(u, p, vis);
	vscroll_clamp(u, v, n, vis);
	for (size_t k = u->vscroll; k < n && y + l->rh <= l->bottom; k++, y += l->rh)
		for (int p = 0; p < 2; p++) {
			long i = v[k].r[p];
			const struct ui_row *o = &s[!p]->rows[v[k].r[!p] >= 0 ? v[k].r[!p] : 0];

			if (i < 0) {
				/* A hole here, or a region of this task that started above. */
				if (!snap_maps(s[p], o->ri.start)) {
					int x = l->col[p].x[C_RANGE];

					put_clip(g, x, y, l->pane_x[p] + l->pane_w - 1 - x, UI_S_DIM, 0,
					         "(hole: nothing mapped)");
				}
				continue;
			}
			draw_row(u, g, l, p, y, &s[p]->rows[i], (size_t)i == u->cursor[p]);
			if (u->cmp != NULL)
				mark_compare(u, g, l, p, y, &s[p]->rows[i]);
			if ((size_t)i == u->cursor[p] && u->focus == p)
				for (int r = 0; r < l->rh; r++)
					ui_grid_paint(g, l->pane_x[p], y + r, l->pane_w, -1, UI_A_REVERSE);
			for (int r = 0; r < l->rh; r++)
				add_hit(u, l->pane_x[p], y + r, l->pane_w, UI_HIT_ROW, p, (size_t)i);
			if (npl[p] < maxpl)
				pl[p][npl[p]++] = (struct placed){ &s[p]->rows[i], (size_t)i, y };
		}
	for (int p = 0; p < 2; p++) {
		if (u->vscroll > 0)
			ui_grid_put(g, l->pane_x[p] + l->pane_w - 1, l->top, 1, UI_S_DIM, 0,
			            ui_grid_glyph(g, UI_G_UP));
		if (u->vscroll + vis < n)
			ui_grid_put(g, l->pane_x[p] + l->pane_w - 1, l->bottom - 1, 1, UI_S_DIM, 0,
			            ui_grid_glyph(g, UI_G_DOWN));
		if (s[p]->n == 0)
			ui_grid_put(g, l->pane_x[p] + 2, l->top, l->pane_w - 3, UI_S_DIM, 0, "(no regions)");
	}
	free(v);
}

/* Line directions of the gutter's lane column, merged into box glyphs. */
enum { LN_U = 1, LN_D = 2, LN_L = 4, LN_R = 8 };

/* The box-drawing glyph for a set of directions. */
static const char *
lane_glyph(const struct ui_grid *g, int bits)
{
	static const char *const utf8[16] = {
		" ", "\u2502", "\u2502", "\u2502", "\u2500", "\u2518", "\u2510", "\u2524",
		"\u2500", "\u2514", "\u250c", "\u251c", "\u2500", "\u2534", "\u252c", "\u253c",
	};

	if (!g->ascii)
		return utf8[bits & 15];
	if (bits == LN_U || bits == LN_D || bits == (LN_U | LN_D))
		return "|";
	if (bits == LN_L || bits == LN_R || bits == (LN_L | LN_R))
		return "-";
	return bits ? "+" : " ";
}

/* The gutter label of the link from row A to row B of kind KIND ("COW",
 * "SHM"): its object "#N" (the OBJ column's and dump's id), so that each
 * link can be told from the others without colour; the kind when the rows
 * share frames only (Linux) or the id is too long. */
static void
link_label(const struct ui_row *a, const struct ui_row *b, const char *kind, char *buf,
           size_t len)
{
	uint32_t obj = ui_state_link_object(a, b);

	if (obj != 0 && obj < 100)
		snprintf(buf, len, "#%u", obj);
	else if (obj != 0 && obj < 1000)
		snprintf(buf, len, "%u", obj);
	else
		snprintf(buf, len, "%s", kind);
}

/* Record one link of the gutter from the left row at Y1 to the right row
 * at Y2 (label drawn now, the lane column merged in LANE later).  The
 * label goes at the left end, and at the right end too when no left end
 * took that row (USED). */
static void
draw_link(struct ui_grid *g, const struct layout *l, int *lane, int y1, int y2,
          const char *kind, const char *label, int *lane_style, const bool *used)
{
	int gx = l->gut_x, st = strcmp(kind, "COW") == 0 ? UI_S_COW : UI_S_SHM;

	ui_grid_fill(g, gx, y1, 4, st, 0, ui_grid_glyph(g, UI_G_HLINE));
	ui_grid_put(g, gx + 1, y1, 3, st, 0, label);
	if (y1 < 0 || y2 < 0 || y1 >= UI_MAX_ROWS || y2 >= UI_MAX_ROWS)
		return;
	if (y1 == y2) {
		lane[y1] |= LN_L | LN_R;
		lane_style[y1] = st;
		return;
	}
	if (!used[y2])
		ui_grid_printf(g, gx + 1, y2, 3, st, 0, "%3s", label);
	lane[y1] |= LN_L | (y2 > y1 ? LN_D : LN_U);
	lane[y2] |= LN_R | (y2 > y1 ? LN_U : LN_D);
	lane_style[y1] = lane_style[y2] = st;
	for (int y = (y1 < y2 ? y1 : y2) + 1; y < (y1 < y2 ? y2 : y1); y++) {
		lane[y] |= LN_U | LN_D;
		if (lane_style[y] < 0)
			lane_style[y] = st;
	}
}

/* The gutter: links between the visible rows of both panes, and an arrow
 * for an out-of-line send while it animates. */
static void
draw_gutter(struct ui *u, struct ui_grid *g, const struct layout *l, const struct placed *lp,
            int nl, const struct placed *rp, int nr)
{
	const struct ui_snap *sr = ui_state_pane(u, 1);
	const struct trace_event *ev;
	int lane[UI_MAX_ROWS], lane_style[UI_MAX_ROWS];
	bool used[UI_MAX_ROWS];

	for (int y = 0; y < UI_MAX_ROWS; y++) {
		lane[y] = 0;
		lane_style[y] = -1;
		used[y] = false;
	}
	/* Rows where a link starts on the left: their label cells are taken. */
	for (int i = 0; i < nl; i++)
		for (int j = 0; j < nr; j++)
			if (lp[i].y >= 0 && lp[i].y < UI_MAX_ROWS && ui_state_link(lp[i].row, rp[j].row))
				used[lp[i].y] = true;
	for (int i = 0; i < nl; i++) {
		bool any = false;

		for (int j = 0; j < nr; j++) {
			const char *kind = ui_state_link(lp[i].row, rp[j].row);
			char label[8];

			if (kind != NULL) {
				link_label(lp[i].row, rp[j].row, kind, label, sizeof label);
				draw_link(g, l, lane, lp[i].y, rp[j].y, kind, label, lane_style, used);
				any = true;
			}
		}
		/* A partner scrolled out of view: point at it. */
		for (size_t j = 0; !any && sr != NULL && j < sr->n; j++) {
			const char *lab;

			if (nr > 0 && j >= rp[0].idx && j <= rp[nr - 1].idx)
				continue;
			char label[8];

			lab = ui_state_link(lp[i].row, &sr->rows[j]);
			if (lab == NULL)
				continue;
			link_label(lp[i].row, &sr->rows[j], lab, label, sizeof label);
			ui_grid_fill(g, l->gut_x, lp[i].y, 4, UI_S_GUTTER, 0, ui_grid_glyph(g, UI_G_HLINE));
			ui_grid_put(g, l->gut_x + 1, lp[i].y, 3, UI_S_GUTTER, 0, label);
			ui_grid_put(g, l->gut_x + 4, lp[i].y, 1, UI_S_GUTTER, 0,
			            ui_grid_glyph(g, nr > 0 && j < rp[0].idx ? UI_G_UP : UI_G_DOWN));
			any = true;
		}
	}
	for (int y = 0; y < UI_MAX_ROWS && y < g->rows; y++)
		if (lane[y] != 0)
			ui_grid_put(g, l->gut_x + 4, y, 1, lane_style[y], 0, lane_glyph(g, lane[y]));
	/* OOL send: an arrow from the sender's pane to the receiver's row. */
	ev = replay_pos(u->r) > 0 ? replay_event(u->r, replay_pos(u->r)) : NULL;
	if (u->anim > 0 && ev != NULL && ev->op == TOP_OOL_SEND &&
	    replay_status(u->r, replay_pos(u->r)) == KERN_SUCCESS) {
		const struct vm_effects *fx = replay_effects(u->r);
		int to = -1, y = -1;

		for (int p = 0; p < 2; p++) {
			const struct ui_snap *s = ui_state_pane(u, p);

			if (s != NULL && s->task >= 0 && s->task == fx->task)
				to = p;
		}
		for (int i = 0; to >= 0 && i < (to == 0 ? nl : nr); i++) {
			const struct placed *pp = to == 0 ? &lp[i] : &rp[i];

			if (fx->addr >= pp->row->ri.start && fx->addr < pp->row->ri.end)
				y = pp->y;
		}
		if (y >= 0) {
			int head = (UI_ANIM_FRAMES - u->anim) % GUTTER_W;
			int st = hl_style(u);

			for (int i = 0; i < GUTTER_W; i++) {
				int gx = to == 1 ? l->gut_x + i : l->gut_x + GUTTER_W - 1 - i;

				ui_grid_put(g, gx, y, 1, st, 0,
				            ui_grid_glyph(g, i == head || i == GUTTER_W - 1
				                                 ? (to == 1 ? UI_G_ARROW_R : UI_G_ARROW_L)
				                                 : UI_G_HLINE));
			}
		}
	}
}

/* Add S to the legend at *X when it fits whole. */
static void
legend_more(struct ui_grid *g, int *x, int y, const char *s)
{
	if (*x + ui_text_width(s) <= g->cols)
		*x += ui_grid_put(g, *x, y, -1, UI_S_DIM, 0, s);
}

/* The page legend. */
static void
draw_legend(const struct ui *u, struct ui_grid *g, const struct layout *l)
{
	int x = 0, y = l->legend_y;
	static const struct {
		enum ui_glyph gl;
		int style;
		const char *text;
	} items[] = {
		{ UI_G_PG_ABSENT, UI_S_DIM, "absent" },
		{ UI_G_PG_PRV, UI_S_PRV, "private" },
		{ UI_G_PG_COW, UI_S_COW, "COW" },
		{ UI_G_PG_SHM, UI_S_SHM, "shared" },
	};

	ui_grid_fill(g, 0, y, g->cols, UI_S_BORDER, 0, ui_grid_glyph(g, UI_G_HLINE));
	x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, "pages: ");
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		x += ui_grid_put(g, x, y, 1, items[i].style, 0, ui_grid_glyph(g, items[i].gl));
		x += ui_grid_printf(g, x, y, -1, UI_S_DIM, 0, " %s ", items[i].text);
	}
	if (u->view != UI_VIEW_MODEL) {
		/* Observed pages may be zero-fill; the both view's marks. */
		x += ui_grid_put(g, x, y, 1, UI_S_NUL, 0, ui_grid_glyph(g, UI_G_PG_ZERO));
		x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, " zero ");
		x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_VLINE));
		x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, " ");
		if (u->view == UI_VIEW_BOTH) {
			x += ui_grid_put(g, x, y, 1, UI_S_DIFF, 0, ui_grid_glyph(g, UI_G_DIFF));
			x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, " differs ");
		}
		x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, "? not observed ");
		legend_more(g, &x, y, g->ascii ? "| observed strips: counts by kind "
		                               : "\u2502 observed strips: counts by kind ");
		if (u->view == UI_VIEW_BOTH)
			legend_more(g, &x, y, g->ascii ? "| under each row: observed "
			                               : "\u2502 under each row: observed ");
		return;
	}
	x += ui_grid_printf(g, x, y, -1, UI_S_DIM, 0, "%s",
	                    g->ascii ? "| upper case=dirty | xN: N pages/cell "
	                             : "\u2502 filled=dirty \u2502 \u00d7N: N pages/cell ");
	(void)x;
}

/* One timeline item's text. */
static void
item_text(const struct ui *u, const struct ui_grid *g, size_t k, char *buf, size_t len)
{
	const struct trace_event *ev = k > 0 ? replay_event(u->r, k) : NULL;
	bool failed = k > 0 && replay_status(u->r, k) != KERN_SUCCESS;
	const char *m = ev != NULL ? trace_event_mark(u->t, ev) : NULL;

	snprintf(buf, len, "%s%zu %s%s", m != NULL && m[0] != '\0' ? ui_grid_glyph(g, UI_G_MARK) : "",
	         k, ev != NULL ? trace_op_name(ev->op) : "start",
	         failed ? ui_grid_glyph(g, UI_G_FAIL) : "");
}

/* The timeline: a window of steps around the current one. */
static void
draw_timeline(struct ui *u, struct ui_grid *g, const struct layout *l)
{
	size_t n = replay_nsteps(u->r), pos = replay_pos(u->r), first = pos;
	int W = g->cols - 2, used, y = l->timeline_y;
	char buf[96];

	item_text(u, g, pos, buf, sizeof buf);
	used = ui_text_width(buf) + 1;
	/* Take steps on the left up to half the width... */
	while (first > 0) {
		item_text(u, g, first - 1, buf, sizeof buf);
		if (used + ui_text_width(buf) + 1 > W / 2 + W / 6)
			break;
		used += ui_text_width(buf) + 1;
		first--;
	}
	/* ...and more when the right end leaves room. */
	{
		int right = 0;

		for (size_t k = pos + 1; k <= n && used + right < W; k++) {
			item_text(u, g, k, buf, sizeof buf);
			right += ui_text_width(buf) + 1;
		}
		while (first > 0 && used + right < W) {
			item_text(u, g, first - 1, buf, sizeof buf);
			if (used + right + ui_text_width(buf) + 1 > W)
				break;
			used += ui_text_width(buf) + 1;
			first--;
		}
	}
	if (first > 0)
		ui_grid_put(g, 0, y, 1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_ARROW_L));
	int x = 1;
	size_t k;

	for (k = first; k <= n; k++) {
		int w, style;

		item_text(u, g, k, buf, sizeof buf);
		w = ui_text_width(buf);
		if (x + w > g->cols - 1)
			break;
		style = k == pos ? UI_S_CURRENT
		      : k > 0 && replay_status(u->r, k) != KERN_SUCCESS ? UI_S_FAIL
		      : k > pos ? UI_S_DIM : UI_S_NORMAL;
		ui_grid_put(g, x, y, w, style, 0, buf);
		if (buf[0] != '\0' && k > 0 && trace_event_mark(u->t, replay_event(u->r, k)) != NULL &&
		    k != pos)
			ui_grid_put(g, x, y, 1, UI_S_MARK, 0, ui_grid_glyph(g, UI_G_MARK));
		add_hit(u, x, y, w, UI_HIT_STEP, 0, k);
		x += w + 1;
	}
	if (k <= n)
		ui_grid_put(g, g->cols - 1, y, 1, UI_S_DIM, 0, ui_grid_glyph(g, UI_G_ARROW_R));
}

/* The ruler: the whole trace in one row; step k sits in column
 * k * W / (n + 1); failures win over chapter marks.  Column by column
 * (the failed steps and the marks are sorted lists), so that drawing costs
 * the width, not the length of the trace. */
static void
draw_ruler(struct ui *u, struct ui_grid *g, const struct layout *l)
{
	size_t n = replay_nsteps(u->r), pos = replay_pos(u->r);
	int W = g->cols - 2, y = l->ruler_y;

	if (y < 0 || n == 0 || W <= 0)
		return;
	ui_grid_fill(g, 1, y, W, UI_S_BORDER, 0, ui_grid_glyph(g, UI_G_HLINE));
	for (int c = 0; c < W; c++) {
		/* The steps of column c: [k0, k1). */
		size_t k0 = ((size_t)c * (n + 1) + (size_t)W - 1) / (size_t)W;
		size_t k1 = ((size_t)(c + 1) * (n + 1) + (size_t)W - 1) / (size_t)W;
		size_t f, m;

		if (k0 >= k1)
			continue;
		add_hit(u, 1 + c, y, 1, UI_HIT_STEP, 0, k0);
		f = replay_failed_from(u->r, k0 > 0 ? k0 : 1);
		m = ui_state_mark_from(u, k0 > 0 ? k0 : 1);
		if (f != 0 && f < k1)
			ui_grid_put(g, 1 + c, y, 1, UI_S_FAIL, 0, ui_grid_glyph(g, UI_G_FAIL));
		else if (m != 0 && m < k1)
			ui_grid_put(g, 1 + c, y, 1, UI_S_MARK, 0, ui_grid_glyph(g, UI_G_MARK));
	}
	ui_grid_paint(g, 1 + (int)(pos * (size_t)W / (n + 1)), y, 1, UI_S_CURRENT, 0);
}

/* Step line, note, narration. */
static void
draw_story(struct ui *u, struct ui_grid *g, const struct layout *l)
{
	size_t pos = replay_pos(u->r), at = 0;
	const char *chapter = ui_state_chapter(u, pos, &at);
	char buf[256], clean[256], live[64] = "", total[32];
	int x = 1, end = g->cols - 1;

	/* Live, looking back: how many samples came since (G follows again). */
	if (u->o.live != NULL && !u->live_follow && u->live_new > 0) {
		snprintf(live, sizeof live, " live: %zu new sample%s (G follows) ", u->live_new,
		         u->live_new == 1 ? "" : "s");
		end -= ui_text_width(live);
		if (end < 1)
			end = 1;
	}

	ui_state_total(u, total, sizeof total);
	x += ui_grid_printf(g, x, l->step_y, -1, UI_S_HEADER, 0, "Step %zu/%s", pos, total);
	if (chapter != NULL) {
		text_sanitize(clean, sizeof clean, chapter, u->o.ascii);
		x += ui_grid_printf(g, x, l->step_y, -1, UI_S_MARK, 0, "  %s %s",
		                    ui_grid_glyph(g, UI_G_MARK), clean);
	}
	/* The event itself opens the narration below: not repeated here. */
	if (pos > 0 && replay_status(u->r, pos) != KERN_SUCCESS) {
		snprintf(buf, sizeof buf, "  %s FAILED %s", ui_grid_glyph(g, UI_G_FAIL),
		         vm_kr_name(replay_status(u->r, pos)));
		put_clip(g, x, l->step_y, end - x, UI_S_FAIL, 0, buf);
	}
	{
		char nb[1024];
		bool hidden;

		if (story_note(u, nb, sizeof nb, &hidden)) {
			if (!hidden)
				ui_grid_put(g, 1, l->note_y, 2, UI_S_DIM, 0, g->ascii ? "\"" : "\u201c");
			put_wrapped(g, 2, l->note_y, g->cols - 3, l->note_h, UI_S_NOTE, nb);
		}
	}
	put_wrapped(g, 1, l->narr_y, g->cols - 2, l->narr_h, UI_S_NORMAL, u->narration);
	if (live[0] != '\0')
		put_clip(g, end, l->step_y, g->cols - 1 - end, UI_S_MARK, UI_A_REVERSE, live);
}

/* The task strip: every task, L: and R: on the ones the panes show, a
 * dot on the acting ones of this step, dim once gone; "+N" for those that
 * do not fit. */
static void
draw_tasks(const struct ui *u, struct ui_grid *g, const struct layout *l)
{
	int a, b, x = 1, y = l->tasks_y;

	if (y < 0)
		return;
	ui_state_acting(u, replay_pos(u->r), &a, &b);
	x += ui_grid_put(g, x, y, -1, UI_S_DIM, 0, u->follow ? "tasks (f: following) " : "tasks ");
	for (size_t id = 0; id < u->ntasks; id++) {
		char name[48], cell[64];
		bool acting = (int)id == a || (int)id == b;
		const char *pane = (int)id == u->pane_task[0] ? "L:" : (int)id == u->pane_task[1] ? "R:" : "";
		int style = acting ? UI_S_HOT : u->cur[id].task < 0 ? UI_S_DIM : pane[0] ? UI_S_HEADER
		          : UI_S_NORMAL;
		int cw;

		if (trace_task_unnamed(u->t, (uint16_t)id))
			continue;   /* a slot for a task still to come (attach --follow) */
		ui_look_task_name(u, (int)id, name, sizeof name);
		snprintf(cell, sizeof cell, "%s%s%s", acting ? ui_grid_glyph(g, UI_G_ARROW_R) : "", pane, name);
		cw = ui_text_width(cell);
		if (x + cw + 1 > g->cols - 7) {
			ui_grid_printf(g, x, y, -1, UI_S_DIM, 0, "+%zu", u->ntasks - id);
			return;
		}
		x += ui_grid_put(g, x, y, -1, style, acting ? UI_A_BOLD : 0, cell) + 2;
	}
}

/* The bottom line: prompt, message or key hints. */
static void
draw_status(struct ui *u, struct ui_grid *g, const struct layout *l)
{
	static const int hints[] = {
		UI_ACT_PLAY, UI_ACT_STEP_FWD, UI_ACT_STEP_BACK, UI_ACT_VIEW, UI_ACT_HELP, UI_ACT_QUIT,
		UI_ACT_FOCUS, UI_ACT_DETAIL, UI_ACT_SEARCH, UI_ACT_SWAP,
	};
	static const char *const hint_words[] = {
		"play", "step", "back", "view", "help", "quit", "pane", "detail", "search", "swap",
	};
	int x = 1, y = l->status_y;

	if (u->overlay == UI_OV_PROMPT) {
		x += ui_grid_put(g, x, y, -1, UI_S_KEY, 0,
		                 u->prompt_kind == UI_PROMPT_GOTO ? "Go to step: " : "Search: /");
		x += ui_grid_put(g, x, y, g->cols - x - 1, UI_S_NORMAL, 0, u->prompt);
		ui_grid_put(g, x, y, 1, UI_S_NORMAL, UI_A_REVERSE, " ");
		return;
	}
	if (u->msg[0] != '\0') {
		put_clip(g, x, y, g->cols - 2, u->msg_error ? UI_S_FAIL : UI_S_HEADER, 0, u->msg);
		return;
	}
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		char keys[64];
		char *sp;
		int need;

		if (hints[i] == UI_ACT_VIEW && !u->have_obs)
			continue;   /* only one view without observations */
		ui_keys_for(hints[i], keys, sizeof keys);
		sp = strchr(keys, ' ');
		if (sp != NULL)
			*sp = '\0';
		need = ui_text_width(keys) + 1 + ui_text_width(hint_words[i]) + 2;
		if (x + need > g->cols - 1)
			break;
		x += ui_grid_put(g, x, y, -1, UI_S_KEY, 0, keys);
		x += ui_grid_printf(g, x, y, -1, UI_S_DIM, 0, " %s  ",
		                    hints[i] == UI_ACT_PLAY && u->o.live != NULL
		                    ? (u->live_paused ? "sample" : "pause") : hint_words[i]);
	}
}

/* Seven-segment digits and a slash, three rows of three columns each:
 * the same in ASCII and UTF-8, legible from the back of a room. */
static const char *const big_font[11][3] = {
	{ " _ ", "| |", "|_|" }, { "   ", "  |", "  |" }, { " _ ", " _|", "|_ " },
	{ " _ ", " _|", " _|" }, { "   ", "|_|", "  |" }, { " _ ", "|_ ", " _|" },
	{ " _ ", "|_ ", "|_|" }, { " _ ", "  |", "  |" }, { " _ ", "|_|", "|_|" },
	{ " _ ", "|_|", " _|" }, { "   ", "  /", " / " },
};

/* Presenter mode: the step counter in big digits at the right of its three
 * rows, the chapter and the step's event at their left. */
static void
draw_big(struct ui *u, struct ui_grid *g, const struct layout *l)
{
	char num[48], what[256], chap[128];
	size_t at = 0, pos = replay_pos(u->r);
	const char *c = ui_state_chapter(u, pos, &at);
	int w, x;

	if (l->big_y < 0)
		return;
	snprintf(num, sizeof num, "%zu/%zu", pos, replay_nsteps(u->r));
	w = 4 * (int)strlen(num);
	x = g->cols - w - 1;
	for (int row = 0; row < 3; row++)
		for (size_t i = 0; num[i] != '\0'; i++)
			ui_grid_put(g, x + 4 * (int)i, l->big_y + row, 3, UI_S_HEADER, UI_A_BOLD,
			            big_font[num[i] == '/' ? 10 : num[i] - '0'][row]);
	text_sanitize(chap, sizeof chap, c != NULL ? c : "", u->o.ascii);
	if (pos > 0)
		replay_describe(u->r, pos, what, sizeof what);
	else
		snprintf(what, sizeof what, "the start");
	text_sanitize(what, sizeof what, what, u->o.ascii);
	if (chap[0] != '\0')
		put_clip(g, 1, l->big_y, x - 2, UI_S_MARK, UI_A_BOLD, chap);
	put_clip(g, 1, l->big_y + 1, x - 2, UI_S_NORMAL, UI_A_BOLD, what);
}

/* The screen for a terminal below 80x24. */
static void
draw_too_small(struct ui_grid *g)
{
	char buf[64];
	int y = g->rows / 2 - 1;

	snprintf(buf, sizeof buf, "terminal too small");
	ui_grid_put(g, (g->cols - (int)strlen(buf)) / 2 > 0 ? (g->cols - (int)strlen(buf)) / 2 : 0,
	            y, -1, UI_S_FAIL, 0, buf);
	snprintf(buf, sizeof buf, "%dx%d, need %dx%d", g->cols, g->rows, UI_MIN_COLS, UI_MIN_ROWS);
	ui_grid_put(g, (g->cols - (int)strlen(buf)) / 2 > 0 ? (g->cols - (int)strlen(buf)) / 2 : 0,
	            y + 1, -1, UI_S_DIM, 0, buf);
	snprintf(buf, sizeof buf, "q quits");
	ui_grid_put(g, (g->cols - (int)strlen(buf)) / 2 > 0 ? (g->cols - (int)strlen(buf)) / 2 : 0,
	            y + 2, -1, UI_S_DIM, 0, buf);
}

/* Draw everything. */
void
ui_draw(struct ui *u, struct ui_grid *g)
{
	struct placed lp[128], rp[128];
	struct layout l;
	int nl, nr;

	ui_grid_clear(g);
	u->nhits = 0;
	if (u->blank)
		return;
	if (g->cols < UI_MIN_COLS || g->rows < UI_MIN_ROWS) {
		draw_too_small(g);
		return;
	}
	layout_compute(u, g, &l);
	u->objcols_shown = l.objcols;
	u->page_rows = (l.bottom - l.top) / l.rh;
	draw_title(u, g);
	if (aligned(u, &l)) {
		struct placed *pl[2] = { lp, rp };
		int np[2];

		draw_pane(u, g, &l, 0, lp, 128, true);
		draw_pane(u, g, &l, 1, rp, 128, true);
		draw_aligned(u, g, &l, pl, np, 128);
		nl = np[0];
		nr = np[1];
	} else {
		nl = draw_pane(u, g, &l, 0, lp, 128, false);
		nr = l.single ? 0 : draw_pane(u, g, &l, 1, rp, 128, false);
	}
	if (!l.single) {
		for (int y = 1; y < l.bottom; y++)
			ui_grid_put(g, l.gut_x + 2, y, 1, UI_S_BORDER, 0, ui_grid_glyph(g, UI_G_VLINE));
		if (u->cmp == NULL)   /* links join one world's regions, not two */
			draw_gutter(u, g, &l, lp, nl, rp, nr);
	}
	draw_tasks(u, g, &l);
	draw_big(u, g, &l);
	draw_legend(u, g, &l);
	draw_ruler(u, g, &l);
	draw_timeline(u, g, &l);
	draw_story(u, g, &l);
	draw_status(u, g, &l);
	if (u->overlay == UI_OV_OBJECTS) {
		/* Above the timeline: the story stays in view as steps play. */
		u->nhits = 0;
		ui_objects_draw(u, g, 0, 1, g->cols, l.timeline_y - 1);
	}
	if (u->overlay == UI_OV_QUIZ) {
		/* Over the lower panes: the rows with `?` stay in view above. */
		int room = l.timeline_y - (l.top + l.rh), h = (int)u->quiz.n + 5;   /* a row stays seen */

		if (u->quiz.shown && h + 3 <= room - 3)
			h += 3;   /* the reason, when the panes keep three rows */
		h = h < room ? h : room;
		u->nhits = 0;
		ui_quiz_draw(u, g, 0, l.timeline_y - h, g->cols, h);
	}
	if (u->overlay == UI_OV_HELP || u->overlay == UI_OV_DETAIL) {
		int x = 0, y = 1, w = g->cols, h = l.status_y - 1;

		u->nhits = 0;
		if (u->overlay == UI_OV_HELP)
			ui_help_draw(u, g, x, y, w, h);
		else
			ui_detail_draw(u, g, x, y, w, h);
	}
}
