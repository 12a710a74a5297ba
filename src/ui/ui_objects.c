/* SPDX-License-Identifier: MIT */
/*
 * ui_objects.c -- the objects view (key O): every VM object behind the
 * regions of the two shown tasks, with its ref_count broken down by
 * holder (which task's map entries, memory entries, shadowing objects,
 * the file cache), its copy strategy and pages, and each region's chain
 * drawn as arrows from the region down its shadows.  Objects that are
 * new or whose ref_count changed at this step are marked; steps play on
 * while the view is open.  Ids are the "object" field of dump --json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_player.h"
#include "ui_text.h"

#define OBJ_MAX 256      /* objects listed at most */
#define HOLD_MAX 12      /* holders named per object; the rest are counted */

/* The objects behind the shown panes, in order of first appearance. */
struct olist {
	uint32_t id[OBJ_MAX];
	size_t n;
	bool more;           /* some were left out */
};

static void
olist_add(struct olist *l, uint32_t id)
{
	if (id == 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (l->id[i] == id)
			return;
	if (l->n == OBJ_MAX) {
		l->more = true;
		return;
	}
	l->id[l->n++] = id;
}

/* The holders of the listed objects, found in one pass over the world. */
struct holds {
	uint32_t *slot;                  /* object id -> list index + 1; 0: not listed */
	uint32_t lim;
	struct vm_holder (*h)[HOLD_MAX]; /* per list index, the first HOLD_MAX */
	size_t *n;                       /* per list index, how many there are */
};

static void
hold_one(void *ctx, uint32_t obj, const struct vm_holder *h)
{
	struct holds *hs = ctx;
	uint32_t i;

	if (obj >= hs->lim || hs->slot[obj] == 0)
		return;
	i = hs->slot[obj] - 1;
	if (hs->n[i] < HOLD_MAX)
		hs->h[i][hs->n[i]] = *h;
	hs->n[i]++;
}

/* Index the list L and collect its objects' holders into HS. */
static void
holds_collect(const struct ui *u, const struct olist *l, struct holds *hs)
{
	memset(hs->slot, 0, hs->lim * sizeof *hs->slot);
	memset(hs->n, 0, OBJ_MAX * sizeof *hs->n);
	for (size_t i = 0; i < l->n; i++)
		if (l->id[i] < hs->lim)
			hs->slot[l->id[i]] = (uint32_t)i + 1;
	vm_world_holders(replay_world(u->r), hold_one, hs);
}

/* Every object of every shown row's chain, then the objects that shadow
 * them (copy objects included), with the holders of all.  Returns -1 when
 * out of memory. */
static int
olist_fill(const struct ui *u, struct olist *l, struct holds *hs)
{
	size_t first;

	l->n = 0;
	l->more = false;
	hs->lim = vm_world_object_limit(replay_world(u->r));
	hs->slot = calloc(hs->lim ? hs->lim : 1, sizeof *hs->slot);
	hs->h = calloc(OBJ_MAX, sizeof *hs->h);
	hs->n = calloc(OBJ_MAX, sizeof *hs->n);
	if (hs->slot == NULL || hs->h == NULL || hs->n == NULL)
		return -1;
	for (int p = 0; p < 2; p++) {
		const struct ui_snap *s = ui_state_pane(u, p);

		for (size_t i = 0; s != NULL && i < s->n; i++)
			for (int d = 0; d < s->rows[i].nchain; d++)
				olist_add(l, s->rows[i].chain[d]);
	}
	holds_collect(u, l, hs);
	first = l->n;
	for (size_t i = 0; i < first; i++)
		for (size_t j = 0; j < hs->n[i] && j < HOLD_MAX; j++)
			if (hs->h[i][j].kind == VMH_SHADOW)
				olist_add(l, hs->h[i][j].id);
	if (l->n > first)
		holds_collect(u, l, hs);
	return 0;
}

static void
holds_free(struct holds *hs)
{
	free(hs->slot);
	free(hs->h);
	free(hs->n);
}

/* The name of the region START of world task TASK in the shown
 * snapshots, or "". */
static const char *
region_name(const struct ui *u, int task, uint64_t start)
{
	for (size_t id = 0; id < u->ntasks; id++) {
		const struct ui_snap *s = &u->cur[id];

		if (s->task != task)
			continue;
		for (size_t i = 0; i < s->n; i++)
			if (s->rows[i].ri.start == start)
				return s->rows[i].name;
	}
	return "";
}

/* One holder in words, into BUF; COPY is the object's copy object. */
static void
holder_text(const struct ui *u, const struct vm_holder *h, uint32_t copy, char *buf, size_t len)
{
	const struct vm_world *w = replay_world(u->r);
	char task[48], ent[48];
	const char *name;

	switch (h->kind) {
	case VMH_ENTRY:
		text_sanitize(task, sizeof task, vm_task_name(w, h->task), u->o.ascii);
		name = region_name(u, h->task, h->start);
		snprintf(buf, len, "%s %s%s0x%llx", task, name, name[0] ? " " : "",
		         (unsigned long long)h->start);
		break;
	case VMH_MEMORY_ENTRY:
		name = replay_entry_name(u->r, (int)h->id);
		text_sanitize(ent, sizeof ent, name != NULL ? name : "", u->o.ascii);
		snprintf(buf, len, "memory entry %s", ent[0] ? ent : "(unnamed)");
		break;
	case VMH_SHADOW:
		snprintf(buf, len, "%s #%u", h->id == copy ? "its copy object" : "shadow object", h->id);
		break;
	default:
		snprintf(buf, len, "the file cache");
		break;
	}
}

/* "ref N", and what changed since the step before, at (X, Y); returns width. */
static int
ref_text(const struct ui *u, struct ui_grid *t, int x, int y, const struct vm_object_info *oi)
{
	uint32_t was = oi->id < u->noref_prev ? u->oref_prev[oi->id] : 0;
	int n = ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0, "ref %u", oi->ref_count);

	if (u->noref_prev == 0)
		return n;
	if (was == 0)
		n += ui_grid_put(t, x + n, y, -1, UI_S_HOT, 0, "  new this step");
	else if (was != oi->ref_count)
		n += ui_grid_printf(t, x + n, y, -1, UI_S_HOT, 0, "  (%u%s%u this step)", was,
		                    t->ascii ? "->" : "\u2192", oi->ref_count);
	return n;
}

/* The lines of the I-th listed object ID (holders in HS) from row Y of T;
 * returns the next free row. */
static int
object_lines(const struct ui *u, struct ui_grid *t, int y, uint32_t id, const struct holds *hs,
             size_t i0)
{
	const struct vm_world *w = replay_world(u->r);
	struct vm_object_info oi;
	const struct vm_holder *h = hs->h[i0];
	char sz[16], file[64], hb[96];
	size_t nh = hs->n[i0];
	int x;

	if (!vm_object_get(w, id, &oi))
		return y;
	ui_look_size(oi.size, sz, sizeof sz);
	x = 1 + ui_grid_printf(t, 1, y, -1, UI_S_HEADER, 0, "#%u", id);
	x += ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0, "  %s %s  ",
	                    oi.internal ? "anonymous" : "file", sz);
	x += ref_text(u, t, x, y, &oi);
	x += ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0, "  resident %u", oi.resident);
	if (!replay_linux_terms(u->r))
		x += ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0, "  copy %s",
		                    vm_copy_strategy_name(oi.copy_strategy));
	if (oi.true_share)
		x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  true_share");
	if (oi.copy != 0)
		x += ui_grid_printf(t, x, y, -1, UI_S_DIM, 0, "  copy object #%u", oi.copy);
	if (oi.file != NULL) {
		text_sanitize(file, sizeof file, oi.file, u->o.ascii);
		ui_grid_printf(t, x, y, -1, UI_S_DIM, 0, "  %s", file);
	}
	y++;
	x = 5 + ui_grid_put(t, 5, y, -1, UI_S_DIM, 0, "held by: ");
	for (size_t i = 0; i < nh && i < HOLD_MAX; i++) {
		int cw;

		holder_text(u, &h[i], oi.copy, hb, sizeof hb);
		cw = ui_text_width(hb) + (i + 1 < nh ? 2 : 0);
		if (x + cw > t->cols - 1 && x > 14)
			x = 14, y++;
		x += ui_grid_printf(t, x, y, -1, UI_S_NORMAL, 0, "%s%s", hb, i + 1 < nh ? ", " : "");
	}
	if (nh > HOLD_MAX)
		ui_grid_printf(t, x, y, -1, UI_S_DIM, 0, "and %zu more", nh - HOLD_MAX);
	if (nh != oi.ref_count)
		ui_grid_printf(t, 5, ++y, -1, UI_S_FAIL, 0, "%zu holders for ref %u", nh, oi.ref_count);
	return y + 1;
}

/* How vm_region's ref_count of a shadowed region R adds up, at (X, Y):
 * the top object's count plus, for each shadow down to the depth the page
 * walk reached, its count less the one reference the object above holds
 * (vm_map_region_walk; the model's vm_region.c). */
static void
ref_sum(const struct ui *u, struct ui_grid *t, int x, int y, const struct ui_row *r)
{
	const struct vm_world *w = replay_world(u->r);
	char buf[160];
	size_t o = 0;

	o += (size_t)snprintf(buf, sizeof buf, "ref_count %u =", r->ri.ref_count);
	for (uint32_t d = 0; d <= r->ri.shadow_depth && d < r->nchain && o < sizeof buf; d++) {
		struct vm_object_info oi;

		if (!vm_object_get(w, r->chain[d], &oi))
			return;
		if (d == 0)
			o += (size_t)snprintf(buf + o, sizeof buf - o, " %u", oi.ref_count);
		else
			o += (size_t)snprintf(buf + o, sizeof buf - o, " + (%u-1)", oi.ref_count);
	}
	ui_grid_put(t, x, y, -1, UI_S_DIM, 0, buf);
}

/* The chain of each shown region, from row Y of T; returns the next row. */
static int
chain_lines(const struct ui *u, struct ui_grid *t, int y)
{
	const char *arrow = t->ascii ? " -> " : " \u2192 ";

	for (int p = 0; p < 2; p++) {
		const struct ui_snap *s = ui_state_pane(u, p);
		char task[48];

		if (s == NULL || (p == 1 && u->pane_task[1] == u->pane_task[0]))
			continue;
		ui_look_task_name(u, u->pane_task[p], task, sizeof task);
		for (size_t i = 0; i < s->n && y < t->rows - 1; i++) {
			const struct ui_row *r = &s->rows[i];
			int x = 3 + ui_grid_printf(t, 3, y, -1, UI_S_NORMAL, 0, "%s %s 0x%llx", task,
			                           r->name[0] ? r->name : "(unnamed)",
			                           (unsigned long long)r->ri.start);

			if (r->nchain == 0)
				ui_grid_put(t, x, y, -1, UI_S_DIM, 0, "  no object yet");
			for (int d = 0; d < r->nchain; d++) {
				x += ui_grid_put(t, x, y, -1, UI_S_BORDER, 0, arrow);
				x += ui_grid_printf(t, x, y, -1, UI_S_HEADER, 0, "#%u", r->chain[d]);
				if (d == 0 && r->ri.needs_copy && !replay_linux_terms(u->r))
					x += ui_grid_put(t, x, y, -1, UI_S_DIM, 0, " (needs_copy)");
			}
			if (r->ri.shadow_depth > 0 && !replay_linux_terms(u->r))
				ref_sum(u, t, x + 2, y, r);
			y++;
		}
	}
	return y;
}

#define GRAPH_MAX 32   /* distinct chains drawn */

/* One distinct chain of the shown regions, and who points at its top. */
struct gchain {
	const struct ui_row *row;    /* the first row with this chain */
	char who[160];               /* "parent buf, child buf" */
};

/* Do rows A and B have the same chain? */
static bool
same_chain(const struct ui_row *a, const struct ui_row *b)
{
	return a->nchain == b->nchain && memcmp(a->chain, b->chain, a->nchain * sizeof *a->chain) == 0;
}

/* Add row R of TASK to the distinct chains G (N of them). */
static void
gchain_add(struct gchain *g, size_t *n, const struct ui_row *r, const char *task)
{
	size_t i = 0, len;

	while (i < *n && !same_chain(g[i].row, r))
		i++;
	if (i == *n) {
		if (*n == GRAPH_MAX)
			return;
		g[i].row = r;
		g[i].who[0] = '\0';
		(*n)++;
	}
	len = strlen(g[i].who);
	snprintf(g[i].who + len, sizeof g[i].who - len, "%s%s %s", len ? ", " : "", task,
	         r->name[0] ? r->name : "(unnamed)");
}

/* The text of object ID's box ("#4 ref 3 +copy"), into BUF; its width. */
static int
box_text(const struct vm_world *w, uint32_t id, char *buf, size_t len)
{
	struct vm_object_info oi;

	if (!vm_object_get(w, id, &oi))
		snprintf(buf, len, "#%u", id);
	else
		snprintf(buf, len, "#%u ref %u%s", oi.id, oi.ref_count, oi.copy != 0 ? " +copy" : "");
	return (int)strlen(buf) + 4;
}

/* The width chain G's block takes: its boxes and arrows, and room for the
 * start of who points at it. */
static int
graph_width(const struct vm_world *w, const struct gchain *g)
{
	char box[48];
	int bw = 0, who = (int)strlen(g->who) + 3;   /* "▲ " and the indent */

	if (who > 32)
		who = 32;
	for (int d = 0; d < g->row->nchain; d++)
		bw += box_text(w, g->row->chain[d], box, sizeof box) + (d > 0 ? 3 : 0);
	return bw > who ? bw : who;
}

/* Chain G as boxes left to right from (X, Y) of T, a shadow arrow between
 * each object and the one below it, and who points at the top under the
 * first box, cut to the block's width W. */
static void
graph_chain(const struct ui *u, struct ui_grid *t, int x, int y, int w, const struct gchain *g)
{
	const struct vm_world *vw = replay_world(u->r);
	int x0 = x;

	for (int d = 0; d < g->row->nchain; d++) {
		char box[48];
		int bw = box_text(vw, g->row->chain[d], box, sizeof box);

		if (x + bw > t->cols)
			break;
		ui_grid_box(t, x, y, bw, 3, UI_S_BORDER);
		ui_grid_put(t, x + 2, y + 1, -1, UI_S_HEADER, 0, box);
		x += bw;
		if (d + 1 < g->row->nchain) {
			ui_grid_put(t, x, y + 1, 3, UI_S_BORDER, 0, t->ascii ? "-->" : "\u2500\u2500\u25b6");
			x += 3;
		}
	}
	if (ui_text_width(g->who) + 3 > w) {   /* cut: say so */
		ui_grid_printf(t, x0 + 1, y + 3, w - 2, UI_S_DIM, 0, "%s %s", t->ascii ? "^" : "\u25b2",
		               g->who);
		ui_grid_put(t, x0 + w - 1, y + 3, 1, UI_S_DIM, 0, ui_grid_glyph(t, UI_G_ELLIPSIS));
	} else {
		ui_grid_printf(t, x0 + 1, y + 3, w - 1, UI_S_DIM, 0, "%s %s", t->ascii ? "^" : "\u25b2",
		               g->who);
	}
}

/* The graph: each distinct chain of the shown regions drawn as boxes,
 * packed left to right, from row Y of T; returns the next row. */
static int
graph_lines(const struct ui *u, struct ui_grid *t, int y)
{
	const struct vm_world *w = replay_world(u->r);
	struct gchain g[GRAPH_MAX];
	size_t n = 0;
	int x = 3;

	for (int p = 0; p < 2; p++) {
		const struct ui_snap *s = ui_state_pane(u, p);
		char task[48];

		if (s == NULL || (p == 1 && u->pane_task[1] == u->pane_task[0]))
			continue;
		ui_look_task_name(u, u->pane_task[p], task, sizeof task);
		for (size_t i = 0; i < s->n; i++)
			if (s->rows[i].nchain > 0)
				gchain_add(g, &n, &s->rows[i], task);
	}
	if (n == 0)
		return y;
	ui_grid_printf(t, 1, y++, -1, UI_S_HEADER, 0, "Graph: who points at each chain; %s shadow",
	               t->ascii ? "-->" : "\u2500\u2500\u25b6");
	for (size_t i = 0; i < n && y < t->rows - 5; i++) {
		int bw = graph_width(w, &g[i]);

		if (x > 3 && x + bw > t->cols - 1) {   /* the next band */
			x = 3;
			y += 5;
		}
		graph_chain(u, t, x, y, bw, &g[i]);
		x += bw + 3;
	}
	return y + 5;
}

/* The objects freed at this step, on row Y of T; returns the next row. */
static int
freed_line(const struct ui *u, struct ui_grid *t, int y)
{
	const struct vm_world *w = replay_world(u->r);
	int x = 3, n = 0;

	for (uint32_t id = 1; id < u->noref_prev; id++) {
		struct vm_object_info oi;

		if (u->oref_prev[id] == 0 || vm_object_get(w, id, &oi))
			continue;
		if (n++ == 0)
			x += ui_grid_put(t, x, y, -1, UI_S_HOT, 0, "freed this step:");
		if (x > t->cols - 8) {
			ui_grid_put(t, x, y, -1, UI_S_DIM, 0, " ...");
			break;
		}
		x += ui_grid_printf(t, x, y, -1, UI_S_HOT, 0, " #%u", id);
	}
	return n > 0 ? y + 1 : y;
}

/* Fill T with the view; returns the rows used. */
static int
objects_lines(struct ui *u, struct ui_grid *t)
{
	struct olist l;
	struct holds hs = { 0 };
	int x, y = 0;

	if (olist_fill(u, &l, &hs) != 0) {
		holds_free(&hs);
		ui_grid_put(t, 1, y, -1, UI_S_FAIL, 0, "out of memory");
		return 1;
	}
	x = 1 + ui_grid_printf(t, 1, y, -1, UI_S_HEADER, 0, "%zu object%s behind the shown regions%s",
	                       l.n, l.n == 1 ? "" : "s", l.more ? " (first shown)" : "");
	ui_grid_put(t, x + 3, y++, -1, UI_S_DIM, 0, "O or Esc closes, Up/Down scroll, steps play on");
	y++;
	ui_grid_put(t, 1, y++, -1, UI_S_HEADER, 0, "Chains: region, then its object and shadows");
	y = chain_lines(u, t, y);
	y = freed_line(u, t, y);
	y++;
	y = graph_lines(u, t, y);
	ui_grid_put(t, 1, y++, -1, UI_S_HEADER, 0, "Objects: ref_count = one reference per holder");
	if (replay_linux_terms(u->r))
		ui_grid_put(t, 1, y++, -1, UI_S_DIM, 0, "(Linux has no VM objects; these are the model's: "
		            "a mapping's pages, shared per page)");
	for (size_t i = 0; i < l.n && y < t->rows - 3; i++)
		y = object_lines(u, t, y, l.id[i], &hs, i);
	holds_free(&hs);
	return y;
}

/* Draw the objects view inside (X, Y, W, H). */
void
ui_objects_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	struct ui_grid tmp;
	int used, inner = h - 2;

	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	ui_grid_put(g, x + 2, y, -1, UI_S_HEADER, 0, " Objects ");
	if (ui_grid_init(&tmp, w - 2, 1000, g->ascii) != 0)
		return;
	used = objects_lines(u, &tmp);
	if (u->detail_scroll + (size_t)inner > (size_t)used)
		u->detail_scroll = used > inner ? (size_t)(used - inner) : 0;
	ui_grid_blit(g, x + 1, y + 1, &tmp, (int)u->detail_scroll, w - 2, inner);
	ui_grid_free(&tmp);
}
