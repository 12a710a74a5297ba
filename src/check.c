/*
 * check.c -- prediction against observation, step by step (check.h).
 *
 * For each observe event the replay is moved to that step (an observe step
 * changes nothing in the model, so the state is the model's prediction for
 * the moment the observation was taken).  Observed regions are paired with
 * the task's model regions in three passes -- same name and same start;
 * same name (most overlap); same start or containing the start -- so that
 * a region clipped in three by protect pairs piece by piece.  Each pair is
 * then compared field by field; unpaired regions on either side are
 * differences too.  Only the fields the observation has (its TOBS_* mask)
 * are compared.  The share mode SM_SHARED as observed also accepts
 * SM_TRUESHARED: vmmap's SHM is both (docs/trace-format.md).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dump.h"
#include "replay.h"
#include "trace.h"
#include "vm.h"

/* What one comparison works with. */
struct cmp {
	struct replay *r;
	const struct trace *t;
	const struct trace_event *ev;
	size_t step;
	FILE *out;
	size_t diffs;
	size_t paired;                     /* observed regions paired */
	int task;                          /* world task, -1 if gone */
	struct vm_region_info *m;          /* model regions */
	const char **mname;                /* their labels (may be NULL) */
	size_t nm;
	int *pair_of_model;                /* observed index per model region, -1 */
};

/* Print one difference for observed region O (NULL: a model region MI). */
static void
diff(struct cmp *c, const struct trace_obs_region *o, size_t mi, const char *what,
     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
diff(struct cmp *c, const struct trace_obs_region *o, size_t mi, const char *what,
     const char *fmt, ...)
{
	char name[160], task[80], msg[256];
	const char *nm = o != NULL ? trace_str(c->t, o->name) : c->mname[mi];
	uint64_t s = o != NULL ? o->start : c->m[mi].start, e = o != NULL ? o->end : c->m[mi].end;
	va_list ap;

	c->diffs++;
	if (c->out == NULL)
		return;
	snprintf(name, sizeof name, "%s", nm != NULL ? nm : "");
	snprintf(task, sizeof task, "%s", trace_task_name(c->t, c->ev->task));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(c->out, "%s:%u: step %zu: %s: %s%s[0x%llx-0x%llx]: %s: %s\n", c->t->path,
	        c->ev->line, c->step, dump_sanitize(task), dump_sanitize(name), name[0] ? " " : "",
	        (unsigned long long)s, (unsigned long long)e, what, msg);
}

/* Overlap of [a, b) and [c, d) in bytes. */
static uint64_t
overlap(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t lo = a > c ? a : c, hi = b < d ? b : d;

	return hi > lo ? hi - lo : 0;
}

/* Find a free model region for O in pass PASS (1..3); -1 if none. */
static long
find_pair(const struct cmp *c, const struct trace_obs_region *o, int pass)
{
	const char *on = o->name != 0 ? trace_str(c->t, o->name) : NULL;
	long best = -1;
	uint64_t best_ov = 0;

	for (size_t i = 0; i < c->nm; i++) {
		const struct vm_region_info *m = &c->m[i];
		bool same_name = on != NULL && c->mname[i] != NULL && strcmp(on, c->mname[i]) == 0;

		if (c->pair_of_model[i] >= 0)
			continue;
		switch (pass) {
		case 1:
			if (same_name && m->start == o->start)
				return (long)i;
			break;
		case 2:
			if (same_name) {
				uint64_t ov = overlap(m->start, m->end, o->start, o->end);

				if (best < 0 || ov > best_ov) {
					best = (long)i;
					best_ov = ov;
				}
			}
			break;
		default:
			if (on != NULL && c->mname[i] != NULL && !same_name)
				break;          /* both named, differently: not a pair */
			if (m->start == o->start)
				return (long)i;
			if (best < 0 && o->start >= m->start && o->start < m->end)
				best = (long)i;
			break;
		}
	}
	return best;
}

/* Compare observed region O with model region M. */
static void
compare(struct cmp *c, const struct trace_obs_region *o, const struct vm_region_info *m,
        uint32_t page_size)
{
	c->paired++;
	if (o->start != m->start || o->end != m->end)
		diff(c, o, 0, "boundaries", "model [0x%llx-0x%llx], observed [0x%llx-0x%llx]",
		     (unsigned long long)m->start, (unsigned long long)m->end,
		     (unsigned long long)o->start, (unsigned long long)o->end);
	{
		char a[4], b[4];

		if ((o->have & TOBS_PROT) && o->prot != m->prot) {
			vm_prot_str(m->prot, a);
			vm_prot_str(o->prot, b);
			diff(c, o, 0, "prot", "model %s, observed %s", a, b);
		}
		if ((o->have & TOBS_MAX_PROT) && o->max_prot != m->max_prot) {
			vm_prot_str(m->max_prot, a);
			vm_prot_str(o->max_prot, b);
			diff(c, o, 0, "max_prot", "model %s, observed %s", a, b);
		}
	}
	if ((o->have & TOBS_SHARE_MODE) && o->share_mode != m->share_mode &&
	    !(o->share_mode == SM_SHARED && m->share_mode == SM_TRUESHARED))
		diff(c, o, 0, "share mode", "model %s, observed %s", vm_share_mode_name(m->share_mode),
		     vm_share_mode_name(o->share_mode));
	if ((o->have & TOBS_REF_COUNT) && o->ref_count != m->ref_count)
		diff(c, o, 0, "ref_count", "model %u, observed %u", m->ref_count, o->ref_count);
	if ((o->have & TOBS_RESIDENT) && o->pages_resident != m->pages_resident)
		diff(c, o, 0, "resident pages", "model %u, observed %u (%u-byte pages)",
		     m->pages_resident, o->pages_resident, page_size);
}

/* Compare the observe event of step K. */
static void
check_step(struct cmp *c, size_t k)
{
	const struct trace_obs *ob = c->ev->obs ? &c->t->obs[c->ev->obs - 1] : NULL;
	uint32_t nobs = ob != NULL ? ob->nregions : 0;
	uint32_t ps = vm_world_page_size(replay_world(c->r));
	struct vm_region_info ri;
	size_t cap = 0;

	replay_seek(c->r, k);
	c->step = k;
	c->task = replay_task(c->r, c->ev->task);
	c->nm = 0;
	if (c->task >= 0) {
		const struct vm_world *w = replay_world(c->r);

		for (size_t i = 0; vm_region_get(w, c->task, i, &ri); i++) {
			if (c->nm == cap) {
				cap = cap ? cap * 2 : 16;
				c->m = realloc(c->m, cap * sizeof *c->m);
				c->mname = realloc(c->mname, cap * sizeof *c->mname);
				c->pair_of_model = realloc(c->pair_of_model, cap * sizeof *c->pair_of_model);
				if (c->m == NULL || c->mname == NULL || c->pair_of_model == NULL)
					abort();
			}
			c->m[c->nm] = ri;
			c->mname[c->nm] = replay_region_name(c->r, c->task, ri.start, ri.end);
			c->pair_of_model[c->nm] = -1;
			c->nm++;
		}
	}
	{
		long *pair = calloc(nobs ? nobs : 1, sizeof *pair);

		if (pair == NULL)
			abort();
		for (uint32_t j = 0; j < nobs; j++)
			pair[j] = -1;
		for (int pass = 1; pass <= 3; pass++)
			for (uint32_t j = 0; j < nobs; j++) {
				long i;

				if (pair[j] >= 0 || (i = find_pair(c, &ob->regions[j], pass)) < 0)
					continue;
				pair[j] = i;
				c->pair_of_model[i] = (int)j;
			}
		for (uint32_t j = 0; j < nobs; j++) {
			if (pair[j] < 0)
				diff(c, &ob->regions[j], 0, "region", "%s",
				     c->task < 0 ? "observed, but the task does not exist in the model"
				                 : "observed, but not in the model");
			else
				compare(c, &ob->regions[j], &c->m[pair[j]], ps);
		}
		free(pair);
	}
	for (size_t i = 0; i < c->nm; i++)
		if (c->pair_of_model[i] < 0)
			diff(c, NULL, i, "region", "%s", "in the model, but not observed");
}

/* Compare every observe step of R. */
size_t
check_replay(struct replay *r, FILE *out, struct check_stats *st)
{
	struct cmp c;
	struct check_stats s = { 0 };
	size_t n = replay_nsteps(r);

	memset(&c, 0, sizeof c);
	c.r = r;
	c.t = replay_trace(r);
	c.out = out;
	for (size_t k = 1; k <= n; k++) {
		size_t before = c.diffs;

		c.ev = replay_event(r, k);
		if (c.ev == NULL || c.ev->op != TOP_OBSERVE)
			continue;
		check_step(&c, k);
		s.steps++;
		s.diff_steps += c.diffs > before;
	}
	s.diffs = c.diffs;
	s.regions = c.paired;
	free(c.m);
	free(c.mname);
	free(c.pair_of_model);
	if (st != NULL)
		*st = s;
	return c.diffs;
}
