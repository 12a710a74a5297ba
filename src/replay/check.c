/* SPDX-License-Identifier: MIT */
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
 *
 * check_pair_step() does the pairing and comparison of one observation at
 * the replay's current position and returns it as data (the player draws
 * it); check_replay() walks the observe steps and prints that data as
 * text.  The field names and "model X, observed Y" wording live here once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dump.h"
#include "replay.h"
#include "trace/trace.h"
#include "vm/vm.h"

/* Overlap of [a, b) and [c, d) in bytes. */
static uint64_t
overlap(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t lo = a > c ? a : c, hi = b < d ? b : d;

	return hi > lo ? hi - lo : 0;
}

/* Find a free model region for O in pass PASS (1..3); -1 if none. */
static long
find_pair(const struct check_step *cs, const struct trace_obs_region *o, int pass)
{
	const char *on = o->name != 0 ? trace_str(cs->t, o->name) : NULL;
	long best = -1;
	uint64_t best_ov = 0;

	for (size_t i = 0; i < cs->nmodel; i++) {
		const struct vm_region_info *m = &cs->model[i];
		const char *mn = cs->model_name[i];
		bool same_name = on != NULL && mn != NULL && strcmp(on, mn) == 0;

		if (cs->obs_of_model[i] >= 0)
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
			if (on != NULL && mn != NULL && !same_name)
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

/* The fields in which observed region O differs from model region M. */
static unsigned
compare(const struct trace_obs_region *o, const struct vm_region_info *m)
{
	unsigned d = 0;

	if (o->start != m->start || o->end != m->end)
		d |= CHECK_D_RANGE;
	if ((o->have & TOBS_PROT) && o->prot != m->prot)
		d |= CHECK_D_PROT;
	if ((o->have & TOBS_MAX_PROT) && o->max_prot != m->max_prot)
		d |= CHECK_D_MAX_PROT;
	if ((o->have & TOBS_SHARE_MODE) && o->share_mode != m->share_mode &&
	    !(o->share_mode == SM_SHARED && m->share_mode == SM_TRUESHARED))
		d |= CHECK_D_SHARE_MODE;
	if ((o->have & TOBS_REF_COUNT) && o->ref_count != m->ref_count)
		d |= CHECK_D_REF_COUNT;
	if ((o->have & TOBS_RESIDENT) && o->pages_resident != m->pages_resident)
		d |= CHECK_D_RESIDENT;
	return d;
}

/* Grow the model arrays of CS to hold N regions; -1 when out of memory. */
static int
reserve_model(struct check_step *cs, size_t n)
{
	size_t cap = cs->model_cap ? cs->model_cap : 16;
	void *a, *b, *c;

	if (n <= cs->model_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	a = realloc(cs->model, cap * sizeof *cs->model);
	if (a != NULL)
		cs->model = a;
	b = realloc(cs->model_name, cap * sizeof *cs->model_name);
	if (b != NULL)
		cs->model_name = b;
	c = realloc(cs->obs_of_model, cap * sizeof *cs->obs_of_model);
	if (c != NULL)
		cs->obs_of_model = c;
	if (a == NULL || b == NULL || c == NULL)
		return -1;
	cs->model_cap = cap;
	return 0;
}

/* Grow the pair array of CS to hold N pairs; -1 when out of memory. */
static int
reserve_pairs(struct check_step *cs, size_t n)
{
	size_t cap = cs->pair_cap ? cs->pair_cap : 16;
	struct check_pair *p;

	if (n <= cs->pair_cap)
		return 0;
	while (cap < n)
		cap *= 2;
	p = realloc(cs->pairs, cap * sizeof *p);
	if (p == NULL)
		return -1;
	cs->pairs = p;
	cs->pair_cap = cap;
	return 0;
}

/* Does the recording machine explain more resident pages observed than
 * modelled in region O: transparent huge pages always on (recorded in the
 * trace's "machine"), and O holds a whole aligned PMD-sized range -- a
 * page table's worth of pages: 2 MiB with 4 KiB pages, 32 MiB with 16 KiB
 * -- the kernel may fill at the first fault (mm/huge_memory.c
 * do_huge_pmd_anonymous_page; the model maps base pages only). */
static bool
thp_explains(const struct trace *t, const struct trace_obs_region *o,
             const struct vm_region_info *m)
{
	uint64_t ps = t->machine.page_size ? t->machine.page_size : 4096;
	uint64_t pmd = ps * (ps / 8), first = (o->start + pmd - 1) & ~(pmd - 1);

	return t->machine.present && strcmp(t->machine.thp, "always") == 0 &&
	       o->pages_resident > m->pages_resident && first + pmd <= o->end;
}

/* Does the recording machine explain more sharing observed than modelled
 * in region O: KSM running (the trace's "machine") and O a mapping it may
 * merge (VmFlags "mg", MADV_MERGEABLE).  Merged pages are one KSM page
 * mapped by every sharer, write-protected: a private mapping then shows
 * COW pages and a larger map count (mm/ksm.c try_to_merge_one_page; the
 * model does not merge pages).  Only more sharing is explained. */
static bool
ksm_explains(const struct trace *t, const struct trace_obs_region *o,
             const struct vm_region_info *m)
{
	return t->machine.present && t->machine.ksm == 1 && (o->xflags & TOBSX_MERGEABLE) &&
	       (!(o->have & TOBS_REF_COUNT) || o->ref_count > m->ref_count) &&
	       (!(o->have & TOBS_SHARE_MODE) || o->share_mode == SM_COW || o->share_mode == m->share_mode);
}

/* Was model region M looked at?  Always, unless the observation is
 * partial: then only when it overlaps an observed region. */
static bool
in_scope(const struct trace_obs *obs, const struct vm_region_info *m)
{
	if (obs == NULL || !obs->partial)
		return true;
	for (uint32_t j = 0; j < obs->nregions; j++)
		if (obs->regions[j].start < m->end && obs->regions[j].end > m->start)
			return true;
	return false;
}

/* Pair one observation with the model at the current position. */
int
check_pair_step(struct replay *r, uint16_t task, const struct trace_obs *obs,
                struct check_step *cs)
{
	uint32_t nobs = obs != NULL ? obs->nregions : 0;
	struct vm_region_info ri;

	cs->t = replay_trace(r);
	cs->obs = obs;
	cs->page_size = vm_world_page_size(replay_world(r));
	cs->task = replay_task(r, task);
	cs->nmodel = cs->npairs = 0;
	cs->paired = cs->agree = cs->obs_only = cs->model_only = 0;
	if (cs->task >= 0) {
		const struct vm_world *w = replay_world(r);

		for (size_t i = 0; vm_region_get(w, cs->task, i, &ri); i++) {
			if (reserve_model(cs, cs->nmodel + 1) != 0)
				goto oom;
			cs->model[cs->nmodel] = ri;
			cs->model_name[cs->nmodel] = replay_region_name(r, cs->task, ri.start, ri.end);
			cs->obs_of_model[cs->nmodel] = -1;
			cs->nmodel++;
		}
	}
	if (reserve_pairs(cs, (size_t)nobs + cs->nmodel) != 0)
		goto oom;
	for (uint32_t j = 0; j < nobs; j++)
		cs->pairs[j] = (struct check_pair){ (long)j, -1, 0, 0 };
	for (int pass = 1; pass <= 3; pass++)
		for (uint32_t j = 0; j < nobs; j++) {
			long i;

			if (cs->pairs[j].model >= 0 ||
			    (i = find_pair(cs, &obs->regions[j], pass)) < 0)
				continue;
			cs->pairs[j].model = i;
			cs->obs_of_model[i] = (long)j;
		}
	cs->npairs = nobs;
	for (uint32_t j = 0; j < nobs; j++) {
		struct check_pair *p = &cs->pairs[j];

		if (p->model < 0) {
			cs->obs_only++;
			continue;
		}
		p->diff = compare(&obs->regions[j], &cs->model[p->model]);
		if ((p->diff & CHECK_D_RESIDENT) &&
		    thp_explains(cs->t, &obs->regions[j], &cs->model[p->model])) {
			p->diff &= ~CHECK_D_RESIDENT;
			p->explained |= CHECK_D_RESIDENT;
		}
		if ((p->diff & (CHECK_D_SHARE_MODE | CHECK_D_REF_COUNT)) &&
		    !(p->diff & ~(unsigned)(CHECK_D_SHARE_MODE | CHECK_D_REF_COUNT)) &&
		    ksm_explains(cs->t, &obs->regions[j], &cs->model[p->model])) {
			p->explained |= p->diff;
			p->diff = 0;
		}
		cs->paired++;
		cs->agree += p->diff == 0;
	}
	for (size_t i = 0; i < cs->nmodel; i++)
		if (cs->obs_of_model[i] < 0 && in_scope(obs, &cs->model[i])) {
			cs->pairs[cs->npairs++] = (struct check_pair){ -1, (long)i, 0, 0 };
			cs->model_only++;
		}
	return 0;
oom:
	cs->nmodel = cs->npairs = 0;
	return -1;
}

/* Release a check_step's arrays. */
void
check_step_free(struct check_step *cs)
{
	free(cs->model);
	free(cs->model_name);
	free(cs->obs_of_model);
	free(cs->pairs);
	memset(cs, 0, sizeof *cs);
}

/* Count the differences of one paired observation. */
size_t
check_step_ndiffs(const struct check_step *cs)
{
	size_t n = cs->obs_only + cs->model_only;

	for (size_t i = 0; i < cs->npairs; i++)
		for (unsigned b = CHECK_D_RANGE; b & CHECK_D_ALL; b <<= 1)
			n += (cs->pairs[i].diff & b) != 0;
	return n;
}

/* Name a CHECK_D_* field. */
const char *
check_field_name(unsigned bit)
{
	switch (bit) {
	case CHECK_D_RANGE: return "boundaries";
	case CHECK_D_PROT: return "prot";
	case CHECK_D_MAX_PROT: return "max_prot";
	case CHECK_D_SHARE_MODE: return "share mode";
	case CHECK_D_REF_COUNT: return "ref_count";
	case CHECK_D_RESIDENT: return "resident pages";
	}
	return "?";
}

/* Write "model X, observed Y" for one field of a pair. */
void
check_field_values(const struct check_step *cs, const struct check_pair *p, unsigned bit,
                   char *buf, size_t len)
{
	const struct trace_obs_region *o;
	const struct vm_region_info *m;
	char a[4], b[4];

	if (len == 0)
		return;
	buf[0] = '\0';
	if (p->obs < 0 || p->model < 0 || cs->obs == NULL)
		return;
	o = &cs->obs->regions[p->obs];
	m = &cs->model[p->model];
	switch (bit) {
	case CHECK_D_RANGE:
		snprintf(buf, len, "model [0x%llx-0x%llx], observed [0x%llx-0x%llx]",
		         (unsigned long long)m->start, (unsigned long long)m->end,
		         (unsigned long long)o->start, (unsigned long long)o->end);
		break;
	case CHECK_D_PROT:
	case CHECK_D_MAX_PROT:
		vm_prot_str(bit == CHECK_D_PROT ? m->prot : m->max_prot, a);
		vm_prot_str(bit == CHECK_D_PROT ? o->prot : o->max_prot, b);
		snprintf(buf, len, "model %s, observed %s", a, b);
		break;
	case CHECK_D_SHARE_MODE:
		snprintf(buf, len, "model %s, observed %s", vm_share_mode_name(m->share_mode),
		         vm_share_mode_name(o->share_mode));
		break;
	case CHECK_D_REF_COUNT:
		snprintf(buf, len, "model %u, observed %u", m->ref_count, o->ref_count);
		break;
	case CHECK_D_RESIDENT:
		snprintf(buf, len, "model %u, observed %u (%u-byte pages)", m->pages_resident,
		         o->pages_resident, cs->page_size);
		break;
	}
}

/* Print one difference of observe event EV at step K: region [S, E)
 * called NM, field WHAT, then MSG. */
static void
print_diff(FILE *out, const struct trace *t, const struct trace_event *ev, size_t k,
           const char *nm, uint64_t s, uint64_t e, const char *what, const char *msg)
{
	char name[160], task[80];

	snprintf(name, sizeof name, "%s", nm != NULL ? nm : "");
	snprintf(task, sizeof task, "%s", trace_task_name(t, ev->task));
	fprintf(out, "%s:%u: step %zu: %s: %s%s[0x%llx-0x%llx]: %s: %s\n", t->path, ev->line, k,
	        dump_sanitize(task), dump_sanitize(name), name[0] ? " " : "",
	        (unsigned long long)s, (unsigned long long)e, what, msg);
}

/* Print the differences of a paired observation, in check's order. */
static void
print_step(FILE *out, const struct check_step *cs, const struct trace_event *ev, size_t k)
{
	const struct trace *t = cs->t;

	for (size_t i = 0; i < cs->npairs; i++) {
		const struct check_pair *p = &cs->pairs[i];
		char msg[256];

		if (p->obs >= 0) {
			const struct trace_obs_region *o = &cs->obs->regions[p->obs];
			const char *nm = trace_str(t, o->name);

			if (p->model < 0) {
				print_diff(out, t, ev, k, nm, o->start, o->end, "region",
				           cs->task < 0 ? "observed, but the task does not exist in the model"
				                        : "observed, but not in the model");
				continue;
			}
			for (unsigned b = CHECK_D_RANGE; b & CHECK_D_ALL; b <<= 1) {
				if (!((p->diff | p->explained) & b))
					continue;
				check_field_values(cs, p, b, msg, sizeof msg);
				if (p->explained & b)
					snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "; explained: %s",
					         b == CHECK_D_RESIDENT
					         ? "transparent huge pages are always on here (2 MiB at a fault)"
					         : "KSM runs here and the mapping is mergeable (merged pages "
					           "are shared)");
				print_diff(out, t, ev, k, nm, o->start, o->end, check_field_name(b), msg);
			}
		} else {
			const struct vm_region_info *m = &cs->model[p->model];

			print_diff(out, t, ev, k, cs->model_name[p->model], m->start, m->end, "region",
			           "in the model, but not observed");
		}
	}
}

/* Compare every observe step of R. */
size_t
check_replay(struct replay *r, FILE *out, struct check_stats *st)
{
	const struct trace *t = replay_trace(r);
	struct check_step cs;
	struct check_stats s = { 0 };
	size_t n = replay_nsteps(r);

	memset(&cs, 0, sizeof cs);
	for (size_t k = 1; k <= n; k++) {
		const struct trace_event *ev = replay_event(r, k);
		size_t nd;

		if (ev == NULL || ev->op != TOP_OBSERVE)
			continue;
		replay_seek(r, k);
		if (check_pair_step(r, ev->task, ev->obs ? &t->obs[ev->obs - 1] : NULL, &cs) != 0)
			abort();
		if (out != NULL)
			print_step(out, &cs, ev, k);
		nd = check_step_ndiffs(&cs);
		for (size_t i = 0; i < cs.npairs; i++)
			s.explained += cs.pairs[i].explained != 0;
		s.steps++;
		s.regions += cs.paired;
		s.diffs += nd;
		s.diff_steps += nd > 0;
	}
	check_step_free(&cs);
	if (st != NULL)
		*st = s;
	return s.diffs;
}
