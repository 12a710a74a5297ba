/* SPDX-License-Identifier: MIT */
/*
 * ui_state.c -- the player's state: snapshots of every task's regions at
 * the current step and the one before, what changed between them, pane
 * cursors, chapters.
 *
 * Rows are matched across the two steps by start address; a row of the
 * previous step that overlaps nothing any more becomes a "ghost" kept after
 * the live rows, so the panes can show a vanished region fading out.
 * Everything comes from vm_region_get / vm_region_pages / vm_object_get:
 * the player never recomputes a model rule.
 *
 * Observations: each trace task keeps the list of its observe steps; at
 * every position the latest one at or before it is paired with the task's
 * model regions by check_pair_step (the same rules as `vmscope check`),
 * and the both view's rows are merged from that pairing in address order.
 *
 * Live (vmscope attach, u->o.live): the trace grows while it is shown.
 * Each sample appends steps; ui_state_extend() takes them into the
 * replay (replay_extend) and into the chapter and observation lists
 * without going over the old steps again.  The player follows the newest
 * step while the user is at it; once the user has moved back, it stays
 * put and counts the samples that came (the "live: N new samples" mark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_player.h"
#include "vm/vm_profile.h"
#include "ui_text.h"

const struct ui_speed ui_speeds[] = {
	{ 4000, "0.25x" }, { 2000, "0.5x" }, { 1000, "1x" }, { 500, "2x" },
	{ 250, "4x" }, { 100, "10x" },
};
const int ui_nspeeds = (int)(sizeof ui_speeds / sizeof ui_speeds[0]);

/* Free the per-row arrays of a snapshot from row FROM on. */
static void
snap_clear_rows(struct ui_snap *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		free(s->rows[i].runs);
		s->rows[i].runs = NULL;
		s->rows[i].nruns = 0;
	}
}

/* Release a snapshot. */
static void
snap_free(struct ui_snap *s)
{
	snap_clear_rows(s, 0, s->n + s->nghost);
	free(s->rows);
	free(s->match);
	memset(s, 0, sizeof *s);
}

/* Make room for N rows. */
static int
snap_reserve(struct ui_snap *s, size_t n)
{
	struct ui_row *nr;
	size_t cap = s->cap ? s->cap : 8;

	if (n <= s->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	nr = realloc(s->rows, cap * sizeof *nr);
	if (nr == NULL)
		return -1;
	memset(nr + s->cap, 0, (cap - s->cap) * sizeof *nr);
	s->rows = nr;
	s->cap = cap;
	return 0;
}

/* Fill ROW with entry I of world task TASK of replay R. */
static int
row_take(struct ui *u, struct replay *r, struct ui_row *row, int task, size_t i)
{
	const struct vm_world *w = replay_world(r);
	const char *name;
	uint32_t obj;

	memset(row, 0, sizeof *row);
	if (!vm_region_get(w, task, i, &row->ri))
		return -1;
	row->index = i;
	name = replay_region_name(r, task, row->ri.start, row->ri.end);
	{
		char full[512];

		/* A long path keeps its file name: "/usr/lib/x86_64…/libc.so.6". */
		text_sanitize(full, sizeof full, name, u->o.ascii);
		ui_text_clip_middle(row->name, sizeof row->name, full, (int)sizeof row->name - 1,
		                    u->o.ascii);
	}
	if (ui_row_load_pages(row, w, task, i) != 0)
		return -1;
	for (obj = row->ri.object; obj != 0 && row->nchain < UI_CHAIN_MAX;) {
		struct vm_object_info oi;

		row->chain[row->nchain++] = obj;
		if (!vm_object_get(w, obj, &oi))
			break;
		obj = oi.shadow;
	}
	return 0;
}

/* Take the snapshot of trace task ID at the current position of R. */
static int
snap_take(struct ui *u, struct replay *r, struct ui_snap *s, uint16_t id)
{
	const struct vm_world *w = replay_world(r);
	size_t n;

	static unsigned gen;

	snap_clear_rows(s, 0, s->n + s->nghost);
	s->n = s->nghost = 0;
	s->gen = ++gen;
	s->task = replay_task(r, id);
	if (s->task < 0 || !vm_task_alive(w, s->task)) {
		s->task = -1;
		return 0;
	}
	n = vm_task_nentries(w, s->task);
	if (snap_reserve(s, n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (row_take(u, r, &s->rows[s->n], s->task, i) != 0) {
			snap_clear_rows(s, s->n, s->n + 1);
			return -1;
		}
		s->n++;
	}
	return 0;
}

/* Mark what changed in CUR's row R against the previous row P. */
static void
row_diff(struct ui_row *r, const struct ui_row *p)
{
	const struct vm_region_info *a = &p->ri, *b = &r->ri;

	r->before = *a;
	if (a->end != b->end)
		r->changes |= UI_CH_RANGE;
	if (a->prot != b->prot || a->max_prot != b->max_prot)
		r->changes |= UI_CH_PROT;
	if (a->share_mode != b->share_mode)
		r->changes |= UI_CH_SM;
	if (a->ref_count != b->ref_count)
		r->changes |= UI_CH_REF;
	if (a->pages_resident != b->pages_resident)
		r->changes |= UI_CH_RES;
	if (a->pages_dirtied != b->pages_dirtied)
		r->changes |= UI_CH_DIRTY;
	if (a->object != b->object)
		r->changes |= UI_CH_OBJECT;
	if (ui_row_pages_diff(r, p))
		r->changes |= UI_CH_PAGES;
}

/* Mark the changes from PREV to CUR and append PREV's vanished rows to
 * CUR as ghosts (their page arrays move over). */
static void
snap_diff(struct ui_snap *prev, struct ui_snap *cur)
{
	size_t j = 0;

	for (size_t i = 0; i < cur->n; i++) {
		struct ui_row *r = &cur->rows[i];

		while (j < prev->n && prev->rows[j].ri.start < r->ri.start)
			j++;
		if (prev->task >= 0 && j < prev->n && prev->rows[j].ri.start == r->ri.start)
			row_diff(r, &prev->rows[j]);
		else
			r->changes |= UI_CH_NEW;
	}
	for (size_t pi = 0; pi < prev->n; pi++) {
		struct ui_row *p = &prev->rows[pi];
		bool overlaps = false;

		for (size_t i = 0; i < cur->n && !overlaps; i++)
			overlaps = cur->rows[i].ri.start < p->ri.end && p->ri.start < cur->rows[i].ri.end;
		if (overlaps || snap_reserve(cur, cur->n + cur->nghost + 1) != 0)
			continue;
		cur->rows[cur->n + cur->nghost] = *p;
		cur->rows[cur->n + cur->nghost].before = p->ri;
		cur->rows[cur->n + cur->nghost].changes = UI_CH_GONE;
		cur->nghost++;
		p->runs = NULL;
		p->nruns = 0;
	}
}

/* List every task's observe steps. */
static int
obs_init(struct ui *u)
{
	size_t n = replay_nsteps(u->r);

	u->obs = calloc(u->ntasks ? u->ntasks : 1, sizeof *u->obs);
	if (u->obs == NULL)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 1; k <= n; k++) {
			const struct trace_event *ev = replay_event(u->r, k);
			struct ui_obs *o;

			if (ev == NULL || ev->op != TOP_OBSERVE || ev->obs == 0 || ev->task >= u->ntasks)
				continue;
			o = &u->obs[ev->task];
			if (pass == 1)
				o->steps[o->nsteps] = k;
			o->nsteps++;
			u->have_obs = true;
		}
		for (size_t id = 0; pass == 0 && id < u->ntasks; id++) {
			struct ui_obs *o = &u->obs[id];

			if (o->nsteps > 0 && (o->steps = malloc(o->nsteps * sizeof *o->steps)) == NULL)
				return -1;
			o->nsteps = 0;
		}
	}
	return 0;
}

/* Insert observed-only region J of O into its rows by start address, after
 * the model rows that start at the same address. */
static void
obs_insert(struct ui_obs *o, const struct ui_snap *s, long j)
{
	uint64_t start = o->obs->regions[j].start;
	size_t at = o->nrows;

	while (at > 0) {
		const struct ui_vrow *v = &o->rows[at - 1];
		uint64_t vs = v->model >= 0 ? s->rows[v->model].ri.start : o->obs->regions[v->obs].start;

		if (vs <= start)
			break;
		at--;
	}
	memmove(&o->rows[at + 1], &o->rows[at], (o->nrows - at) * sizeof *o->rows);
	o->rows[at] = (struct ui_vrow){ -1, j, 0 };
	o->nrows++;
}

/* Pair trace task ID's latest observation at or before step K with its
 * model regions now, and build its both-view rows. */
static int
obs_update(struct ui *u, size_t id, size_t k)
{
	struct ui_obs *o = &u->obs[id];
	const struct ui_snap *s = &u->cur[id];
	size_t lo = 0, hi = o->nsteps, nm;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (o->steps[mid] <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	o->nrows = 0;
	o->step = lo > 0 ? o->steps[lo - 1] : 0;
	o->obs = o->step > 0 ? &u->t->obs[replay_event(u->r, o->step)->obs - 1] : NULL;
	if (o->obs == NULL)
		return 0;
	if (check_pair_step(u->r, (uint16_t)id, o->obs, &o->cmp) != 0) {
		o->obs = NULL;
		return -1;
	}
	nm = s->task >= 0 ? s->n : 0;
	if (nm > o->cmp.nmodel)
		nm = o->cmp.nmodel;
	if (nm + o->cmp.obs_only > o->cap) {
		size_t cap = (nm + o->cmp.obs_only) * 2;
		struct ui_vrow *nr = realloc(o->rows, cap * sizeof *nr);

		if (nr == NULL) {
			o->obs = NULL;
			return -1;
		}
		o->rows = nr;
		o->cap = cap;
	}
	for (size_t i = 0; i < nm; i++) {
		long j = o->cmp.obs_of_model[i];

		o->rows[o->nrows++] = (struct ui_vrow){ (long)i, j, j >= 0 ? o->cmp.pairs[j].diff : 0 };
	}
	for (size_t i = 0; i < o->cmp.npairs; i++)
		if (o->cmp.pairs[i].obs >= 0 && o->cmp.pairs[i].model < 0)
			obs_insert(o, s, o->cmp.pairs[i].obs);
	return 0;
}

/* The right pane's task when none was chosen: the first named task the
 * left pane does not show (none: -1 stays). */
static void
right_pane_default(struct ui *u)
{
	for (size_t id = 0; id < u->ntasks; id++)
		if ((int)id != u->pane_task[0] && !trace_task_unnamed(u->t, (uint16_t)id)) {
			u->pane_task[1] = (int)id;
			return;
		}
}

/* Set up the player over replay R. */
int
ui_state_init(struct ui *u, struct replay *r, const struct ui_opts *o)
{
	memset(u, 0, sizeof *u);
	u->objcols = -1;
	u->align = true;
	u->show_pane = -1;
	u->r = r;
	u->t = replay_trace(r);
	u->o = *o;
	u->ntasks = u->t->ntask_names;
	u->speed = 2;
	u->page_rows = 10;
	u->cur = calloc(u->ntasks ? u->ntasks : 1, sizeof *u->cur);
	u->prev = calloc(u->ntasks ? u->ntasks : 1, sizeof *u->prev);
	u->marks = calloc(replay_nsteps(r) + 1, sizeof *u->marks);
	if (u->cur == NULL || u->prev == NULL || u->marks == NULL) {
		ui_state_free(u);
		return -1;
	}
	for (size_t k = 1; k <= replay_nsteps(r); k++) {
		const char *m = trace_event_mark(u->t, replay_event(r, k));

		if (m != NULL && m[0] != '\0')
			u->marks[u->nmarks++] = k;
	}
	if (obs_init(u) != 0) {
		ui_state_free(u);
		return -1;
	}
	if (o->loader != NULL) {
		u->load_state = 1;
		u->load_fraction = o->loader->fraction;
	}
	if (o->live != NULL) {
		u->live_follow = true;
		u->live_samples = 1;
		u->live_cost_ms = o->live->first_cost_ms;
	}
	if (o->quiz && o->live == NULL) {
		if (ui_quiz_build(u) != 0) {
			ui_state_free(u);
			return -1;
		}
		u->quiz.on = true;
	}
	u->view = o->view == UI_VIEW_AUTO ? (u->have_obs ? UI_VIEW_BOTH : UI_VIEW_MODEL) : o->view;
	if (u->view != UI_VIEW_MODEL && !u->have_obs) {
		u->view = UI_VIEW_MODEL;
		u->view_refused = true;
	}
	u->pane_task[0] = o->left >= 0 && (size_t)o->left < u->ntasks ? o->left
	                : u->ntasks > 0 ? 0 : -1;
	u->pane_task[1] = o->right >= 0 && (size_t)o->right < u->ntasks ? o->right : -1;
	if (u->pane_task[1] < 0)
		right_pane_default(u);
	/* With more than two tasks the panes follow the acting ones, unless
	 * the user chose the panes' tasks. */
	u->follow = u->ntasks > 2 && o->left < 0 && o->right < 0;
	if (o->compare != NULL && o->live == NULL) {
		char err[256];

		if (ui_state_compare(u, o->compare, err, sizeof err) != 0) {
			ui_state_free(u);
			return -1;
		}
	}
	return 0;
}

static void compare_stop(struct ui *u);

/* Release the player's state. */
void
ui_state_free(struct ui *u)
{
	for (size_t i = 0; u->cur != NULL && i < u->ntasks; i++)
		snap_free(&u->cur[i]);
	for (size_t i = 0; u->prev != NULL && i < u->ntasks; i++)
		snap_free(&u->prev[i]);
	for (size_t i = 0; u->obs != NULL && i < u->ntasks; i++) {
		free(u->obs[i].steps);
		free(u->obs[i].rows);
		check_step_free(&u->obs[i].cmp);
	}
	ui_quiz_free(u);
	compare_stop(u);
	free(u->cur);
	free(u->prev);
	free(u->oref_prev);
	u->oref_prev = NULL;
	free(u->marks);
	free(u->obs);
	u->cur = u->prev = NULL;
	u->marks = NULL;
	u->obs = NULL;
}

/* Remember every live object's ref_count at the current position, for the
 * narration's and the objects view's "#7 ref 2->1" and "new". */
static int
orefs_take(struct ui *u)
{
	const struct vm_world *w = replay_world(u->r);
	uint32_t n = vm_world_object_limit(w);
	uint32_t *a = realloc(u->oref_prev, (n ? n : 1) * sizeof *a);

	if (a == NULL)
		return -1;
	u->oref_prev = a;
	u->noref_prev = n;
	for (uint32_t id = 0; id < n; id++) {
		struct vm_object_info oi;

		a[id] = vm_object_get(w, id, &oi) ? oi.ref_count : 0;
	}
	return 0;
}

int
ui_state_acting(const struct ui *u, size_t k, int *a, int *b)
{
	const struct trace_event *ev = k >= 1 ? replay_event(u->r, k) : NULL;

	*a = *b = -1;
	if (ev == NULL || ev->task >= u->ntasks)
		return 0;
	*a = ev->task;
	if (trace_event_has_task2(ev) && ev->task2 != ev->task && ev->task2 < u->ntasks)
		*b = ev->task2;
	return *b >= 0 ? 2 : 1;
}

/* Put task ID in pane P, from its first row. */
static void
pane_show(struct ui *u, int p, int id)
{
	if (u->pane_task[p] == id)
		return;
	u->pane_task[p] = id;
	u->cursor[p] = u->scroll[p] = 0;
}

void
ui_state_follow(struct ui *u, size_t k)
{
	int a, b;
	bool sa, sb;

	if (ui_state_acting(u, k, &a, &b) == 0)
		return;
	if (u->pane_task[1] < 0) {
		/* One pane so far (attach --follow before any fork): a second
		 * acting task opens the other. */
		int other = a != u->pane_task[0] ? a : b;

		if (other >= 0 && !trace_task_unnamed(u->t, (uint16_t)other))
			pane_show(u, 1, other);
		return;
	}
	sa = u->pane_task[0] == a || u->pane_task[1] == a;
	sb = b < 0 || u->pane_task[0] == b || u->pane_task[1] == b;
	if (sa && sb)
		return;
	if (b >= 0) {
		pane_show(u, 0, a);
		pane_show(u, 1, b);
	} else {
		/* The right pane: the left keeps the first task (often the
		 * parent all others are compared with). */
		pane_show(u, 1, a);
	}
}

/* ---- profile compare ---------------------------------------------------- */

static void compare_pair(struct ui_snap *a, struct ui_snap *b);

/* Snapshots of every task under the compared profile at step K, each
 * paired with the task's own. */
static int
compare_take(struct ui *u, size_t k)
{
	int rc = 0;

	if (u->cmp == NULL)
		return 0;
	if (replay_seek(u->cmp, k) != 0)
		return -1;
	for (size_t id = 0; id < u->ntasks; id++) {
		rc |= snap_take(u, u->cmp, &u->cmp_cur[id], (uint16_t)id);
		compare_pair(&u->cur[id], &u->cmp_cur[id]);
	}
	return rc;
}

/* A row of a snapshot as compare pairs them: by name (the same ordinal
 * among rows of that name: a clipped region has several), unnamed ones
 * by start. */
struct pair_key {
	const char *name;
	uint64_t start;
	size_t idx;
};

static int
pair_key_cmp(const void *x, const void *y)
{
	const struct pair_key *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	if (a->name[0] == '\0' && a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* S's rows sorted as pair_key_cmp says; NULL when out of memory. */
static struct pair_key *
pair_keys(const struct ui_snap *s)
{
	struct pair_key *k = malloc((s->n ? s->n : 1) * sizeof *k);

	if (k == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		k[i] = (struct pair_key){ s->rows[i].name, s->rows[i].ri.start, i };
	qsort(k, s->n, sizeof *k, pair_key_cmp);
	return k;
}

/* Set A->match to B's rows (and B->match to A's) in one walk over both
 * sorted row lists: O(n log n), where looking each row up was O(n^2). */
static void
compare_pair(struct ui_snap *a, struct ui_snap *b)
{
	struct pair_key *ka = pair_keys(a), *kb = pair_keys(b);
	long *ma = realloc(a->match, (a->n ? a->n : 1) * sizeof *ma);
	long *mb = ma != NULL ? realloc(b->match, (b->n ? b->n : 1) * sizeof *mb) : NULL;
	size_t i = 0, j = 0;

	if (ma != NULL)
		a->match = ma;
	if (mb != NULL)
		b->match = mb;
	a->match_other = b->match_other = NULL;
	if (ka == NULL || kb == NULL || ma == NULL || mb == NULL) {
		free(ka);
		free(kb);
		return;   /* compare_match looks rows up one by one */
	}
	for (size_t x = 0; x < a->n; x++)
		ma[x] = -1;
	for (size_t x = 0; x < b->n; x++)
		mb[x] = -1;
	while (i < a->n && j < b->n) {
		int c = strcmp(ka[i].name, kb[j].name);

		if (c == 0 && ka[i].name[0] == '\0' && ka[i].start != kb[j].start)
			c = ka[i].start < kb[j].start ? -1 : 1;
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			ma[ka[i].idx] = (long)kb[j].idx;
			mb[kb[j].idx] = (long)ka[i].idx;
			i++;
			j++;
		}
	}
	free(ka);
	free(kb);
	a->match_other = b;
	b->match_other = a;
	a->match_gen = a->gen;
	a->match_other_gen = b->gen;
	b->match_gen = b->gen;
	b->match_other_gen = a->gen;
}

/* The ordinal of row I among the rows of S named as it is. */
static size_t
name_ordinal(const struct ui_snap *s, size_t i)
{
	size_t k = 0;

	for (size_t j = 0; j < i; j++)
		k += strcmp(s->rows[j].name, s->rows[i].name) == 0;
	return k;
}

/* The row of OTHER that shows what A shows: the same name (the same
 * ordinal among rows of that name), as profiles with other page sizes
 * place regions elsewhere; unnamed, the same start.  SELF is A's
 * snapshot.  NULL: none.  From the pairing compare_pair made when it is
 * still valid, else row by row. */
static const struct ui_row *
compare_match(const struct ui_row *a, const struct ui_snap *self, const struct ui_snap *other)
{
	size_t ai = (size_t)(a - self->rows), want, k = 0;

	if (other == NULL)
		return NULL;
	if (self->match_other == other && self->match_gen == self->gen &&
	    self->match_other_gen == other->gen && ai < self->n)
		return self->match[ai] >= 0 ? &other->rows[self->match[ai]] : NULL;
	want = a->name[0] != '\0' ? name_ordinal(self, ai) : 0;
	for (size_t i = 0; i < other->n; i++) {
		const struct ui_row *b = &other->rows[i];

		if (a->name[0] == '\0' ? b->ri.start == a->ri.start && b->name[0] == '\0'
		                       : strcmp(b->name, a->name) == 0 && k++ == want)
			return b;
	}
	return NULL;
}

unsigned
ui_state_compare_diff(const struct ui_row *a, const struct ui_snap *self,
                      const struct ui_snap *other)
{
	const struct ui_row *m = compare_match(a, self, other);
	const struct vm_region_info *x = &a->ri, *y;
	unsigned d = 0;

	if (m == NULL)
		return UI_CMP_MISSING;
	y = &m->ri;
	d |= y->end - y->start != x->end - x->start ? CHECK_D_RANGE : 0;
	d |= y->prot != x->prot ? CHECK_D_PROT : 0;
	d |= y->max_prot != x->max_prot ? CHECK_D_MAX_PROT : 0;
	d |= y->share_mode != x->share_mode ? CHECK_D_SHARE_MODE : 0;
	d |= y->ref_count != x->ref_count ? CHECK_D_REF_COUNT : 0;
	d |= y->pages_resident != x->pages_resident ? CHECK_D_RESIDENT : 0;
	return d;
}

/* The names of the fields in D (CHECK_D_*), "share_mode, ref_count". */
static const char *
field_names(unsigned d, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned bit = 1; bit <= CHECK_D_ALL; bit <<= 1)
		if (d & bit)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "",
			         bit == CHECK_D_RANGE ? "size" : check_field_name(bit));
	return buf;
}

/* Name row R for the narration: its name, else its address. */
static const char *
row_label(const struct ui_row *r, char *buf, size_t len)
{
	if (r->name[0] != '\0')
		snprintf(buf, len, "%s", r->name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)r->ri.start);
	return buf;
}

/* Add to the narration what differs under the compared profile: how many
 * regions of the panes' task, and the first one's fields. */
static void
compare_narrate(struct ui *u)
{
	const struct ui_snap *a = ui_state_pane(u, 0), *b = ui_state_pane(u, 1);
	char first[200] = "", what[64], names[96], label[48];
	size_t n = 0, len = strlen(u->narration);

	if (u->cmp == NULL || a == NULL || b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++) {
		unsigned d = ui_state_compare_diff(&b->rows[i], b, a);

		if (d != 0 && n++ == 0)
			snprintf(first, sizeof first, "%s: %s", row_label(&b->rows[i], label, sizeof label),
			         d == UI_CMP_MISSING ? "only here" : field_names(d, names, sizeof names));
	}
	for (size_t i = 0; i < a->n; i++)
		if (ui_state_compare_diff(&a->rows[i], a, b) == UI_CMP_MISSING && n++ == 0)
			snprintf(first, sizeof first, "%s: only under %s",
			         row_label(&a->rows[i], label, sizeof label), replay_profile(u->r)->name);
	if (n == 0)
		snprintf(what, sizeof what, "the same");
	else
		snprintf(what, sizeof what, "%zu region%s differ%s (%s", n, n == 1 ? "" : "s",
		         n == 1 ? "s" : "", n == 1 ? "" : "the first, ");
	snprintf(u->narration + len, sizeof u->narration - len, "%s %s: %s%s%s",
	         len > 0 ? "; under" : "Under", replay_profile(u->cmp)->name, what, first,
	         n > 0 ? ")" : "");
}

/* Stop comparing (the right pane gets its task back). */
static void
compare_stop(struct ui *u)
{
	if (u->cmp == NULL)
		return;
	for (size_t id = 0; id < u->ntasks; id++)
		snap_free(&u->cmp_cur[id]);
	free(u->cmp_cur);
	replay_free(u->cmp);
	u->cmp = NULL;
	u->cmp_cur = NULL;
	u->pane_task[1] = u->cmp_saved_right;
}

int
ui_state_compare(struct ui *u, const struct vm_profile *prof, char *err, size_t errlen)
{
	struct replay_opts ro = { .profile = prof };
	size_t pos = replay_pos(u->r);

	compare_stop(u);
	if (prof == NULL)
		return ui_state_goto(u, pos, false);
	u->cmp_cur = calloc(u->ntasks ? u->ntasks : 1, sizeof *u->cmp_cur);
	u->cmp = u->cmp_cur != NULL ? replay_new(u->t, &ro, err, errlen) : NULL;
	if (u->cmp == NULL) {
		free(u->cmp_cur);
		u->cmp_cur = NULL;
		return -1;
	}
	u->cmp_saved_right = u->pane_task[1];
	u->pane_task[1] = u->pane_task[0];
	u->follow = false;
	u->view = UI_VIEW_MODEL;
	return ui_state_goto(u, pos, false);
}

/* When no row that changed at this step is in view in pane P (model
 * view), move the cursor to the first one: the step's effect is what the
 * audience should see. */
static void
show_changes(struct ui *u, int p)
{
	const struct ui_snap *s = ui_state_pane(u, p);
	size_t vis = (size_t)(u->page_rows > 0 ? u->page_rows : 1), first = SIZE_MAX;

	if (s == NULL || s->task < 0 || u->view != UI_VIEW_MODEL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->rows[i].changes == 0)
			continue;
		if (i >= u->scroll[p] && i < u->scroll[p] + vis)
			return;   /* one is in view already */
		if (first == SIZE_MAX)
			first = i;
	}
	if (first != SIZE_MAX) {
		u->cursor[p] = first;
		u->show_pane = p;   /* aligned rows scroll to it first */
	}
}

/* Go to step K. */
int
ui_state_goto(struct ui *u, size_t k, bool animate)
{
	size_t n = replay_nsteps(u->r);
	int rc = 0;

	if (k > n)
		k = n;
	if (k >= 1) {
		if (replay_seek(u->r, k - 1) != 0)
			return -1;
		for (size_t id = 0; id < u->ntasks; id++)
			rc |= snap_take(u, u->r, &u->prev[id], (uint16_t)id);
		rc |= orefs_take(u);
	} else {
		u->noref_prev = 0;
	}
	if (replay_seek(u->r, k) != 0)
		return -1;
	for (size_t id = 0; id < u->ntasks; id++)
		rc |= snap_take(u, u->r, &u->cur[id], (uint16_t)id);
	rc |= compare_take(u, k);
	if (k >= 1)
		for (size_t id = 0; id < u->ntasks; id++)
			snap_diff(&u->prev[id], &u->cur[id]);
	for (size_t id = 0; id < u->ntasks && u->have_obs; id++)
		rc |= obs_update(u, id, k);
	if (u->follow)
		ui_state_follow(u, k);
	u->anim = animate && k >= 1 ? UI_ANIM_FRAMES : 0;
	ui_narrate(u, u->narration, sizeof u->narration);
	compare_narrate(u);
	if (u->view_refused) {
		ui_state_view_note(u, u->narration, sizeof u->narration);
		u->view_refused = false;
	}
	for (int p = 0; p < 2; p++) {
		show_changes(u, p);
		ui_state_clamp(u, p, (size_t)(u->page_rows > 0 ? u->page_rows : 1));
	}
	return rc;
}

/* The snapshot shown in pane P (comparing: the right pane shows the left
 * pane's task under the other profile). */
const struct ui_snap *
ui_state_pane(const struct ui *u, int p)
{
	int id = u->pane_task[u->cmp != NULL ? 0 : p];

	if (id < 0 || (size_t)id >= u->ntasks)
		return NULL;
	return u->cmp != NULL && p == 1 ? &u->cmp_cur[id] : &u->cur[id];
}

const struct vm_world *
ui_state_world(const struct ui *u, int p)
{
	return replay_world(u->cmp != NULL && p == 1 ? u->cmp : u->r);
}

/* The observation of pane P's task. */
const struct ui_obs *
ui_state_obs(const struct ui *u, int p)
{
	int id = u->pane_task[p];

	if (u->obs == NULL || id < 0 || (size_t)id >= u->ntasks || u->obs[id].obs == NULL)
		return NULL;
	return &u->obs[id];
}

/* Rows of pane P in the current view. */
size_t
ui_state_nrows(const struct ui *u, int p)
{
	const struct ui_snap *s = ui_state_pane(u, p);
	const struct ui_obs *o = ui_state_obs(u, p);

	switch (u->view) {
	case UI_VIEW_OBSERVED:
		return o != NULL ? o->obs->nregions : 0;
	case UI_VIEW_BOTH:
		if (o != NULL)
			return o->nrows;
		break;
	}
	return s != NULL && s->task >= 0 ? s->n : 0;
}

/* The row of view TO that shows what row ROW of view FROM shows in pane P
 * (the same model row or observed region), or 0. */
static size_t
remap_row(const struct ui *u, int p, int from, int to, size_t row)
{
	const struct ui_obs *o = ui_state_obs(u, p);
	long model = -1, obs = -1;

	if (o == NULL)
		return from == UI_VIEW_OBSERVED || to == UI_VIEW_OBSERVED ? 0 : row;
	if (from == UI_VIEW_MODEL) {
		model = (long)row;
		obs = row < o->cmp.nmodel ? o->cmp.obs_of_model[row] : -1;
	} else if (from == UI_VIEW_OBSERVED) {
		obs = (long)row;
		model = row < o->cmp.npairs ? o->cmp.pairs[row].model : -1;
	} else if (row < o->nrows) {
		model = o->rows[row].model;
		obs = o->rows[row].obs;
	}
	if (to == UI_VIEW_MODEL)
		return model >= 0 ? (size_t)model : 0;
	if (to == UI_VIEW_OBSERVED)
		return obs >= 0 ? (size_t)obs : 0;
	for (size_t i = 0; i < o->nrows; i++)
		if ((model >= 0 && o->rows[i].model == model) || (model < 0 && o->rows[i].obs == obs))
			return i;
	return 0;
}

/* Switch the panes to another view. */
bool
ui_state_set_view(struct ui *u, int view)
{
	if (view != UI_VIEW_MODEL && !u->have_obs)
		return false;
	for (int p = 0; p < 2; p++) {
		u->cursor[p] = remap_row(u, p, u->view, view, u->cursor[p]);
		u->scroll[p] = 0;
	}
	u->view = view;
	for (int p = 0; p < 2; p++)
		ui_state_clamp(u, p, (size_t)(u->page_rows > 0 ? u->page_rows : 1));
	return true;
}

/* Say why a view has nothing to show for a pane, or nothing. */
void
ui_state_view_note(const struct ui *u, char *buf, size_t len)
{
	size_t o = 0, k = replay_pos(u->r);

	if (len == 0)
		return;
	buf[0] = '\0';
	if (!u->have_obs) {
		snprintf(buf, len, "This trace has no recorded observations (no observe events), so "
		         "only the model view is available; vmscope import and vmscope record make "
		         "traces with observations.");
		return;
	}
	if (u->view == UI_VIEW_MODEL)
		return;
	for (int p = 0; p < 2; p++) {
		int id = u->pane_task[p];
		const struct ui_obs *ob;
		char name[64];
		size_t next = 0;

		if (id < 0 || (size_t)id >= u->ntasks || u->obs[id].obs != NULL)
			continue;
		ob = &u->obs[id];
		for (size_t i = 0; i < ob->nsteps && next == 0; i++)
			if (ob->steps[i] > k)
				next = ob->steps[i];
		ui_look_task_name(u, id, name, sizeof name);
		if (next > 0)
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0,
			                      "%sNo observation of %s at or before step %zu: the first is "
			                      "at step %zu.", o ? " " : "", name, k, next);
		else
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0,
			                      "%sThe trace has no observation of %s.", o ? " " : "", name);
	}
}

/* Keep a pane's cursor on a live row and on screen. */
void
ui_state_clamp(struct ui *u, int p, size_t visible)
{
	size_t n = ui_state_nrows(u, p);

	if (visible == 0)
		visible = 1;
	if (n == 0) {
		u->cursor[p] = u->scroll[p] = 0;
		return;
	}
	if (u->cursor[p] >= n)
		u->cursor[p] = n - 1;
	if (u->cursor[p] < u->scroll[p])
		u->scroll[p] = u->cursor[p];
	if (u->cursor[p] >= u->scroll[p] + visible)
		u->scroll[p] = u->cursor[p] - visible + 1;
	if (u->scroll[p] + visible > n)
		u->scroll[p] = n > visible ? n - visible : 0;
}

/* How two rows of different tasks are joined in the gutter. */
const char *
ui_state_link(const struct ui_row *a, const struct ui_row *b)
{
	if (ui_state_link_object(a, b) == 0 && !ui_row_share_frames(a, b))
		return NULL;
	if (a->ri.share_mode == SM_COW || b->ri.share_mode == SM_COW)
		return "COW";
	return "SHM";
}

uint32_t
ui_state_link_object(const struct ui_row *a, const struct ui_row *b)
{
	for (int i = 0; i < a->nchain; i++)
		for (int j = 0; j < b->nchain; j++)
			if (a->chain[i] == b->chain[j])
				return a->chain[i];
	return 0;
}

/* The chapter in force at step K. */
const char *
ui_state_chapter(const struct ui *u, size_t k, size_t *at)
{
	size_t lo = 0, hi = u->nmarks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (u->marks[mid] <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (at != NULL)
		*at = u->marks[lo - 1];
	return trace_event_mark(u->t, replay_event(u->r, u->marks[lo - 1]));
}

size_t
ui_state_mark_from(const struct ui *u, size_t k)
{
	size_t lo = 0, hi = u->nmarks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (u->marks[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->nmarks ? u->marks[lo] : 0;
}

/* Grow ARR (N elements of SIZE bytes) to NN, zeroing the new ones. */
static int
grow_zero(void **arr, size_t n, size_t nn, size_t size)
{
	char *p = realloc(*arr, nn * size);

	if (p == NULL)
		return -1;
	memset(p + n * size, 0, (nn - n) * size);
	*arr = p;
	return 0;
}

/* Make room for the task names the trace gained while loading. */
static int
tasks_grow(struct ui *u)
{
	size_t nn = u->t->ntask_names, n = u->ntasks;

	if (nn <= n)
		return 0;
	if (grow_zero((void **)&u->cur, n, nn, sizeof *u->cur) != 0 ||
	    grow_zero((void **)&u->prev, n, nn, sizeof *u->prev) != 0 ||
	    grow_zero((void **)&u->obs, n, nn, sizeof *u->obs) != 0)
		return -1;
	u->ntasks = nn;
	/* Two tasks became more: the panes follow the acting ones, unless
	 * the user chose them. */
	if (n <= 2 && nn > 2 && u->o.left < 0 && u->o.right < 0)
		u->follow = true;
	if (u->pane_task[1] < 0)
		right_pane_default(u);
	return 0;
}

/* Take in the steps appended to the trace. */
int
ui_state_extend(struct ui *u)
{
	size_t old = replay_nsteps(u->r), n;
	size_t *marks;

	replay_extend(u->r);
	if (tasks_grow(u) != 0)
		return -1;
	n = replay_nsteps(u->r);
	if (n == old)
		return 0;
	marks = realloc(u->marks, (n + 1) * sizeof *marks);
	if (marks == NULL)
		return -1;
	u->marks = marks;
	for (size_t k = old + 1; k <= n; k++) {
		const struct trace_event *ev = replay_event(u->r, k);
		const char *m = trace_event_mark(u->t, ev);

		if (m != NULL && m[0] != '\0')
			u->marks[u->nmarks++] = k;
		if (ev->op == TOP_OBSERVE && ev->obs != 0 && ev->task < u->ntasks) {
			struct ui_obs *o = &u->obs[ev->task];
			size_t *steps = realloc(o->steps, (o->nsteps + 1) * sizeof *steps);

			if (steps == NULL)
				return -1;
			o->steps = steps;
			o->steps[o->nsteps++] = k;
			u->have_obs = true;
		}
	}
	return 0;
}

/* Load the next part of a trace still loading. */
int
ui_state_load_more(struct ui *u)
{
	struct ui_loader *ld = u->o.loader;
	int rc;

	if (ld == NULL || u->load_state != 1)
		return 0;
	rc = ld->more(ld->ctx, &u->load_fraction, u->load_err, sizeof u->load_err);
	if (ui_state_extend(u) != 0) {
		snprintf(u->load_err, sizeof u->load_err, "out of memory while loading");
		rc = -1;
	}
	u->load_state = rc < 0 ? -1 : rc;
	if (rc < 0) {
		snprintf(u->msg, sizeof u->msg, "load stopped: %.480s", u->load_err);
		u->msg_error = true;
	}
	/* The trace's arrays moved: look the step up again, in place. */
	if (ui_state_goto(u, replay_pos(u->r), false) != 0) {
		snprintf(u->msg, sizeof u->msg, "out of memory while taking the snapshot");
		u->msg_error = true;
	}
	return UI_OUT_REDRAW;
}

void
ui_state_total(const struct ui *u, char *buf, size_t len)
{
	snprintf(buf, len, "%zu%s", replay_nsteps(u->r), u->load_state == 1 ? "+" : "");
}

/* Milliseconds until the next live sample. */
int
ui_state_live_wait(const struct ui *u, long long now)
{
	long long rem;

	if (u->o.live == NULL || u->live_paused || u->live_ended)
		return -1;
	rem = u->live_next - now;
	return rem <= 0 ? 0 : rem > 86400000 ? 86400000 : (int)rem;
}

/* Take a live sample and show it. */
int
ui_state_live_sample(struct ui *u, long long now)
{
	struct ui_live *lv = u->o.live;
	struct ui_live_sample s;
	size_t k;

	if (lv == NULL || u->live_paused || u->live_ended)
		return 0;
	memset(&s, 0, sizeof s);
	lv->sample(lv->ctx, &s);
	/* Paced from when the sample was due; after a slow one, from now. */
	u->live_next += lv->interval_ms;
	if (u->live_next < now)
		u->live_next = now + lv->interval_ms;
	if (s.nsamples > 0) {
		u->live_cost_ms = s.cost_ms;
		u->live_samples += s.nsamples;
	}
	for (int i = 0; i < 2; i++)
		u->live_stopped[i] = u->live_stopped[i] || s.stopped[i];
	u->live_ended = s.ended;
	if (s.msg[0] != '\0') {
		snprintf(u->msg, sizeof u->msg, "%s", s.msg);
		u->msg_error = s.error;
	}
	if (ui_state_extend(u) != 0) {
		snprintf(u->msg, sizeof u->msg, "out of memory: sampling stops");
		u->msg_error = true;
		u->live_ended = true;
	}
	if (u->live_follow) {
		k = replay_nsteps(u->r);
	} else {
		k = replay_pos(u->r);
		u->live_new += s.nsamples;
	}
	/* Even in place: the trace's arrays moved, so the observations are
	 * looked up again. */
	if (ui_state_goto(u, k, false) != 0) {
		snprintf(u->msg, sizeof u->msg, "out of memory while taking the snapshot");
		u->msg_error = true;
	}
	return UI_OUT_REDRAW;
}

/* Follow the newest step again when the user is at it. */
void
ui_state_live_input(struct ui *u)
{
	if (u->o.live == NULL)
		return;
	u->live_follow = replay_pos(u->r) >= replay_nsteps(u->r);
	if (u->live_follow)
		u->live_new = 0;
}
