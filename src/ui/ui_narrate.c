/* SPDX-License-Identifier: MIT */
/*
 * ui_narrate.c -- the generated sentence under the timeline: what the step
 * did and why (from the effects flags the model reported), then what
 * changed in the region reports (from the before/after snapshots), e.g.
 *
 *   write child buf -> copy-on-write fault: 1 page copied into a new shadow
 *   object; the shadow bypassed its backing object; child buf: COW->PRV,
 *   ref_count 2->1; parent buf: ref_count 2->1
 *
 * At an observe step the sentence is the comparison instead, from the
 * pairing check.c made (ui_state.c keeps it), e.g.
 *
 *   observe parent -> observed 4 regions: 3 agree, 1 differs: buf:
 *   ref_count model 2, observed 1
 *
 * The sentence only restates what the model and the reports say.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "replay/explain.h"
#include "ui_player.h"
#include "ui_text.h"

/* A growing sentence. */
struct sb {
	char *buf;
	size_t len, o;
	const char *arrow;   /* "→" or "->" */
};

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->o + 1 >= b->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->o, b->len - b->o, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->o += (size_t)n < b->len - b->o ? (size_t)n : b->len - b->o - 1;
}

/* Make the "(s)" written since FROM plural or not by N (explain.c). */
static void
sb_plural(struct sb *b, size_t from, unsigned n)
{
	b->o = from + explain_plural(b->buf + from, n);
}

/* Tell the effects (explain.c); returns how many phrases were written. */
static int
tell_effects(struct sb *b, const struct vm_effects *fx, bool linux_terms)
{
	char buf[1024];
	int n = explain_effects(fx, linux_terms, buf, sizeof buf);

	if (n > 0)
		sb_add(b, "%s", buf);
	return n;
}

/* Short label of a row: its name, else its start address. */
static void
row_label(const struct ui_row *r, char *buf, size_t len)
{
	if (r->name[0] != '\0')
		snprintf(buf, len, "%s", r->name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)r->ri.start);
}

/* Tell what changed in row R, after "TASK LABEL: " unless TASK is NULL;
 * returns whether anything was told. */
static bool
tell_row(struct sb *b, const struct ui_row *r, const char *task, bool *first)
{
	const struct vm_region_info *a = &r->before, *c = &r->ri;
	char label[64], s1[16], s2[16];
	int n = 0;

	if (r->changes == 0 || r->changes == UI_CH_OBJECT)
		return false;
	if (task != NULL) {
		row_label(r, label, sizeof label);
		sb_add(b, "%s%s %s: ", *first ? "" : "; ", task, label);
		*first = false;
	}
	if (r->changes & UI_CH_NEW) {
		ui_look_size(c->end - c->start, s1, sizeof s1);
		sb_add(b, "new region, %s %s", s1, vm_share_mode_abbrev(c->share_mode));
		return true;
	}
	if (r->changes & UI_CH_GONE) {
		sb_add(b, "removed");
		return true;
	}
	if (r->changes & UI_CH_SM)
		sb_add(b, "%s%s%s%s", n++ ? ", " : "", vm_share_mode_abbrev(a->share_mode), b->arrow,
		       vm_share_mode_abbrev(c->share_mode));
	if (r->changes & UI_CH_REF)
		sb_add(b, "%sref_count %u%s%u", n++ ? ", " : "", a->ref_count, b->arrow, c->ref_count);
	if (r->changes & UI_CH_RANGE) {
		ui_look_size(a->end - a->start, s1, sizeof s1);
		ui_look_size(c->end - c->start, s2, sizeof s2);
		sb_add(b, "%ssize %s%s%s", n++ ? ", " : "", s1, b->arrow, s2);
	}
	if (r->changes & UI_CH_PROT) {
		char p1[4], p2[4], m1[4], m2[4];

		vm_prot_str(a->prot, p1);
		vm_prot_str(c->prot, p2);
		vm_prot_str(a->max_prot, m1);
		vm_prot_str(c->max_prot, m2);
		sb_add(b, "%sprot %s/%s%s%s/%s", n++ ? ", " : "", p1, m1, b->arrow, p2, m2);
	}
	if (r->changes & UI_CH_RES)
		sb_add(b, "%sresident %u%s%u", n++ ? ", " : "", a->pages_resident, b->arrow,
		       c->pages_resident);
	if (r->changes & UI_CH_DIRTY)
		sb_add(b, "%sdirty %u%s%u", n++ ? ", " : "", a->pages_dirtied, b->arrow,
		       c->pages_dirtied);
	if (r->changes & UI_CH_PAGES) {
		uint64_t nf = 0, nk = 0;
		unsigned kinds = 0;

		for (size_t k = 0; k < r->nruns; k++) {
			const struct ui_pgrun *x = &r->runs[k];

			if (x->changed & UI_PG_FRAME) {
				if (x->pi.frame != 0)
					nf += x->n;
			} else if (x->changed & UI_PG_KIND) {
				nk += x->n;
				kinds |= 1u << x->pi.kind;
			}
		}
		if (nf > 0 && !(r->changes & (UI_CH_RES | UI_CH_NEW)))
			sb_add(b, "%s%llu page%s copied to new frame%s", n++ ? ", " : "",
			       (unsigned long long)nf,
			       nf == 1 ? "" : "s", nf == 1 ? "" : "s");
		if (nk > 0)
			sb_add(b, "%s%llu page%s now %s", n++ ? ", " : "", (unsigned long long)nk,
			       nk == 1 ? "" : "s",
			       kinds == 1u << VMPG_PRIVATE ? "private"
			       : kinds == 1u << VMPG_COW ? "copy-on-write"
			       : kinds == 1u << VMPG_SHARED ? "shared" : "of another kind");
	}
	if (n == 0)
		sb_add(b, "new top object");
	return true;
}

/* Describe the changes of row R alone ("COW->PRV, ref_count 2->1"). */
void
ui_narrate_row(const struct ui_row *r, bool ascii, char *buf, size_t len)
{
	struct sb b = { buf, len, 0, ascii ? "->" : "\u2192" };
	bool first = true;
	size_t colon;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (!tell_row(&b, r, "", &first))
		return;
	/* Drop the " label: " prefix tell_row writes. */
	colon = strcspn(buf, ":");
	if (buf[colon] == ':')
		memmove(buf, buf + colon + 2, strlen(buf + colon + 2) + 1);
}

/* A run of rows of one task whose changes read the same. */
struct run {
	char what[256];      /* the changes, without the label */
	char first[64], last[64];
	int n;
};

/* Tell run R of TASK: "task heap (x2): ..." when the labels are the same,
 * "task 0xff4000..0xffe000 (x12): ..." when not. */
static void
tell_run(struct sb *b, const struct ui *u, const struct run *r, const char *task, bool *first)
{
	const char *times = u->o.ascii ? "x" : "\u00d7";

	sb_add(b, "%s%s %s", *first ? "" : "; ", task, r->first);
	if (r->n > 1 && strcmp(r->first, r->last) != 0)
		sb_add(b, "%s%s", u->o.ascii ? ".." : "\u2026", r->last);
	if (r->n > 1)
		sb_add(b, " (%s%d)", times, r->n);
	sb_add(b, ": %s", r->what);
	*first = false;
}

/* Tell the changed rows of snapshot C of TASK after TOLD others; runs of
 * rows whose changes read the same (the pieces of one clipped entry, pages
 * touched in a row of entries) are told once.  Returns the rows told so
 * far, or -1 once the sentence is long enough (an ellipsis ends it). */
static int
tell_rows(struct sb *b, const struct ui *u, const struct ui_snap *c, const char *task,
          bool *first, int told)
{
	struct run run = { .n = 0 };

	for (size_t i = 0; i <= c->n + c->nghost; i++) {
		bool end = i == c->n + c->nghost, dummy = true;
		char what[256] = "";
		struct sb one = { what, sizeof what, 0, b->arrow };

		if (!end && !tell_row(&one, &c->rows[i], NULL, &dummy))
			continue;
		if (!end && run.n > 0 && strcmp(what, run.what) == 0) {
			row_label(&c->rows[i], run.last, sizeof run.last);
			run.n++;
			continue;
		}
		if (run.n > 0) {
			tell_run(b, u, &run, task, first);
			if (++told >= 6 && !end) {
				sb_add(b, "; %s", u->o.ascii ? "..." : "\u2026");
				return -1;
			}
		}
		if (!end) {
			memcpy(run.what, what, sizeof run.what);
			row_label(&c->rows[i], run.first, sizeof run.first);
			memcpy(run.last, run.first, sizeof run.last);
			run.n = 1;
		}
	}
	return told;
}

/* Tell the changes of every task; returns how many rows were told. */
static int
tell_changes(struct sb *b, const struct ui *u)
{
	bool first = true;
	int told = 0;

	for (size_t id = 0; id < u->ntasks; id++) {
		const struct ui_snap *c = &u->cur[id], *p = &u->prev[id];
		char task[48];

		text_sanitize(task, sizeof task, trace_task_name(u->t, (uint16_t)id), u->o.ascii);
		if (p->task < 0 && c->task >= 0) {
			sb_add(b, "%s%s: new task with %zu region%s", first ? "" : "; ", task, c->n,
			       c->n == 1 ? "" : "s");
			first = false;
			told++;
			continue;
		}
		if (p->task >= 0 && c->task < 0) {
			sb_add(b, "%s%s: task gone, %zu region%s released", first ? "" : "; ", task,
			       p->n, p->n == 1 ? "" : "s");
			first = false;
			told++;
			continue;
		}
		told = tell_rows(b, u, c, task, &first, told);
		if (told < 0)
			return 6;
	}
	return told;
}

/* One object change for the narration: ids FIRST..LAST went from WAS to NOW. */
static void
tell_object_run(struct sb *b, const struct ui *u, uint32_t first, uint32_t last, uint32_t was,
                uint32_t now, int n)
{
	sb_add(b, "%s#%u", n == 0 ? "; objects: " : ", ", first);
	if (last != first)
		sb_add(b, "%s#%u", u->o.ascii ? ".." : "\u2026", last);
	if (was == 0)
		sb_add(b, " new (ref %u)", now);
	else if (now == 0)
		sb_add(b, " freed");
	else
		sb_add(b, " ref %u%s%u", was, b->arrow, now);
}

/* The VM objects whose ref_count changed at this step, new ones and freed
 * ones, as "; objects: #1 ref 2->1, #2..#13 new (ref 1), #3 freed": runs
 * of consecutive ids that changed alike are told once; after five, the
 * number of the others. */
static void
tell_objects(struct sb *b, const struct ui *u)
{
	const struct vm_world *w = replay_world(u->r);
	uint32_t lim = vm_world_object_limit(w), first = 0, last = 0, rw = 0, rn = 0, more = 0;
	int n = 0;

	if (u->noref_prev > lim)
		lim = u->noref_prev;
	for (uint32_t id = 1; id <= lim; id++) {
		struct vm_object_info oi;
		uint32_t was = id < u->noref_prev ? u->oref_prev[id] : 0;
		uint32_t now = id < lim && vm_object_get(w, id, &oi) ? oi.ref_count : 0;

		if (id < lim && was == now)
			continue;
		if (id < lim && first != 0 && id == last + 1 && was == rw && now == rn) {
			last = id;
			continue;
		}
		if (first != 0 && n < 5)
			tell_object_run(b, u, first, last, rw, rn, n++);
		else if (first != 0)
			more += last - first + 1;
		first = last = id, rw = was, rn = now;
	}
	if (more > 0)
		sb_add(b, " and %u more", more);
}

/* Label of pair P of CS: the observed name, else the model's, else the
 * start address. */
static void
pair_label(const struct ui *u, const struct check_step *cs, const struct check_pair *p,
           char *buf, size_t len)
{
	const char *nm = p->obs >= 0 ? trace_str(cs->t, cs->obs->regions[p->obs].name) : NULL;
	uint64_t start = p->obs >= 0 ? cs->obs->regions[p->obs].start : cs->model[p->model].start;

	if ((nm == NULL || nm[0] == '\0') && p->model >= 0)
		nm = cs->model_name[p->model];
	if (nm != NULL && nm[0] != '\0')
		text_sanitize(buf, len, nm, u->o.ascii);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)start);
}

/* Tell the pairs of CS of one kind in parentheses, at most 4: those that
 * differ (KIND 0), observed only (1) or model only (2). */
static void
tell_pairs(struct sb *b, const struct ui *u, const struct check_step *cs, int kind)
{
	int told = 0;

	for (size_t i = 0; i < cs->npairs; i++) {
		const struct check_pair *p = &cs->pairs[i];
		int k = p->model < 0 ? 1 : p->obs < 0 ? 2 : p->diff != 0 ? 0 : -1;
		char label[64], vals[160];

		if (k != kind)
			continue;
		if (told == 4) {
			sb_add(b, "; %s", u->o.ascii ? "..." : "\u2026");
			break;
		}
		pair_label(u, cs, p, label, sizeof label);
		sb_add(b, "%s%s", told++ ? "; " : " (", label);
		for (unsigned bit = CHECK_D_RANGE, n = 0; kind == 0 && bit & CHECK_D_ALL; bit <<= 1) {
			if (!(p->diff & bit))
				continue;
			check_field_values(cs, p, bit, vals, sizeof vals);
			sb_add(b, "%s%s %s", n++ ? " and " : ": ", check_field_name(bit), vals);
		}
	}
	if (told > 0)
		sb_add(b, ")");
}

/* Tell how the observation taken at this step compares with the model:
 * "observed 4 regions: 3 agree, 1 differs (buf: ref_count model 2,
 * observed 1)". */
static void
tell_observation(struct sb *b, const struct ui *u, const struct trace_event *ev, size_t k)
{
	const struct ui_obs *o = u->obs != NULL && ev->task < u->ntasks ? &u->obs[ev->task] : NULL;
	const struct check_step *cs;
	size_t nobs, differ, at = b->o;

	if (o == NULL || o->obs == NULL || o->step != k) {
		sb_add(b, "an observation (not compared)");
		return;
	}
	cs = &o->cmp;
	nobs = o->obs->nregions;
	differ = cs->paired - cs->agree;
	sb_add(b, "observed %zu region(s)", nobs);
	sb_plural(b, at, (unsigned)nobs);
	if (cs->task < 0) {
		sb_add(b, " of a task the model does not have");
		return;
	}
	if (differ == 0 && cs->obs_only == 0 && cs->model_only == 0) {
		sb_add(b, nobs > 0 ? ": all agree with the model" : ", and the model has none");
		return;
	}
	sb_add(b, ": %zu agree", cs->agree);
	if (differ > 0) {
		sb_add(b, ", %zu differ%s", differ, differ == 1 ? "s" : "");
		tell_pairs(b, u, cs, 0);
	}
	if (cs->obs_only > 0) {
		sb_add(b, ", %zu %s not in the model", cs->obs_only, cs->obs_only == 1 ? "is" : "are");
		tell_pairs(b, u, cs, 1);
	}
	if (cs->model_only > 0) {
		at = b->o;
		sb_add(b, "; %zu model region(s) not observed", cs->model_only);
		sb_plural(b, at, (unsigned)cs->model_only);
		tell_pairs(b, u, cs, 2);
	}
}

/* Write the sentence for the current step. */
void
ui_narrate(const struct ui *u, char *buf, size_t len)
{
	struct sb b = { buf, len, 0, u->o.ascii ? "->" : "\u2192" };
	size_t k = replay_pos(u->r);
	char desc[256], clean[256];
	kern_return_t kr;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (k == 0) {
		sb_add(&b, "Start: %zu step%s", replay_nsteps(u->r), replay_nsteps(u->r) == 1 ? "" : "s");
		if (replay_nfailed(u->r) > 0)
			sb_add(&b, ", %zu failed", replay_nfailed(u->r));
		sb_add(&b, ". Press Space to play, . or Right to step, ? for help.");
		return;
	}
	replay_describe(u->r, k, desc, sizeof desc);
	text_sanitize(clean, sizeof clean, desc, u->o.ascii);
	kr = replay_status(u->r, k);
	if (kr != KERN_SUCCESS) {
		const char *why = replay_reason_text(replay_reason(u->r, k));

		sb_add(&b, "%s failed: %s%s%s; nothing changed.", clean, vm_kr_name(kr),
		       why[0] != '\0' ? " - " : "", why);
		return;
	}
	sb_add(&b, "%s %s ", clean, b.arrow);
	if (replay_event(u->r, k)->op == TOP_OBSERVE) {
		tell_observation(&b, u, replay_event(u->r, k), k);
		return;
	}
	if (tell_effects(&b, replay_effects(u->r), replay_linux_terms(u->r)) > 0)
		sb_add(&b, "; ");
	if (tell_changes(&b, u) == 0) {
		if (b.o >= 2 && strcmp(buf + b.o - 2, "; ") == 0)
			b.o -= 2, buf[b.o] = '\0';
		sb_add(&b, "%sno region report changed", b.o && buf[b.o - 1] == ' ' ? "" : "; ");
	}
	if (!replay_linux_terms(u->r))
		tell_objects(&b, u);
}
