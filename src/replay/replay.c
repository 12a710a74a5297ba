/* SPDX-License-Identifier: MIT */
/*
 * replay.c -- play a trace through the model, keep checkpoints, seek.
 *
 * The replay state is the model world plus what the trace layer adds: the
 * map from trace task ids to world tasks, the per-task region names ("as")
 * and the names of memory entries.  Opening runs every event once, records
 * each step's status and keeps a deep copy of the state every `every` steps
 * (spaced by the state's size; over a memory budget, the copies are thinned
 * to stay evenly spread, see checkpoints_thin).  A seek
 * restores the nearest checkpoint at or before the target and replays
 * forward, so a state is the same however it was reached.
 *
 * A trace that grows while it is shown (vmscope attach) is taken in by
 * replay_extend(): the replay knows r->n steps, and events appended after
 * them get their statuses without replaying what came before.  Events that
 * cannot change the state (observe, note) need no state at all; others are
 * applied to a state kept at the last step (made by an ordinary seek the
 * first time), so that taking in a part costs that part, and the state
 * shown does not move.  A big file loaded a little at a time (the player)
 * comes in the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "replay.h"
#include "vm/vm_profile.h"

#define CHECKPOINT_BUDGET (48u << 20)    /* bytes of checkpoints at most */
#define SPACING_MAX 32768u                /* events between checkpoints, at most */
#define RECENT 8                          /* states kept just behind a seek */

size_t vm_world_bytes(const struct vm_world *w);   /* vm_world.c */

struct rentry {
	uint32_t name;        /* trace string id */
	int entry;            /* model memory entry */
};

/* A live task of a checkpoint: trace task id and world task. */
struct live_task {
	uint16_t id;
	int task;
};

struct rstate {
	struct vm_world *w;
	int *task_map;        /* trace task id -> world task, -1 (NULL in a
	                         checkpoint, which keeps only LIVE: a fork loop
	                         names 50,000 tasks, and most are long gone) */
	struct live_task *live;
	size_t nlive;
	struct rnames names;
	struct rentry *ents;
	size_t nents, ents_cap;
};

struct checkpoint {
	size_t step;
	size_t bytes;
	struct rstate st;
};

struct replay {
	const struct trace *t;
	const struct vm_profile *prof;
	uint32_t page_size;
	struct rstate cur;
	size_t pos;
	struct rstate front;  /* replay_extend: the state at step n, where the
	                         next events go on from (valid: have_front) */
	bool have_front;
	size_t n;             /* steps known: events of t taken in so far */
	uint8_t *status;      /* [1..n] kern_return_t */
	uint8_t *reason;      /* [1..n] enum replay_reason */
	size_t nfailed;
	size_t *failed;       /* the failed steps, ascending (nfailed of them) */
	size_t failed_cap;
	size_t ntasks;        /* entries of every dense task map (trace task ids) */
	struct checkpoint *cps;
	size_t ncps, cps_cap;
	size_t every;         /* events between checkpoints, at least */
	bool fixed_every;     /* replay_opts gave it: never adapted */
	size_t last_cp;       /* step of the newest checkpoint */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	size_t cp_bytes;
	size_t budget;        /* bytes of checkpoints at most */
	/* The states of the RECENT steps before the target of the last long
	 * seek, oldest first, so that stepping back is a swap. */
	struct checkpoint recent[RECENT];
	size_t nrecent;
};

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

/* ---- state ---------------------------------------------------------------------- */

static void
state_free(struct rstate *s)
{
	vm_world_free(s->w);
	free(s->task_map);
	free(s->live);
	rnames_free(&s->names);
	free(s->ents);
	memset(s, 0, sizeof *s);
}

/* DST's task map from SRC's: dense (an index per trace task) unless
 * SPARSE (only the live tasks, for a checkpoint). */
static void
task_map_clone(const struct replay *r, const struct rstate *src, struct rstate *dst,
               bool sparse)
{
	size_t nt = r->ntasks;

	dst->task_map = NULL;
	dst->live = NULL;
	dst->nlive = 0;
	if (sparse) {
		for (size_t i = 0; i < nt; i++)
			dst->nlive += src->task_map[i] >= 0;
		dst->live = xmalloc(dst->nlive * sizeof *dst->live);
		for (size_t i = 0, k = 0; i < nt; i++)
			if (src->task_map[i] >= 0)
				dst->live[k++] = (struct live_task){ (uint16_t)i, src->task_map[i] };
		return;
	}
	dst->task_map = xmalloc(nt * sizeof *dst->task_map);
	if (src->task_map != NULL) {
		memcpy(dst->task_map, src->task_map, nt * sizeof *dst->task_map);
		return;
	}
	for (size_t i = 0; i < nt; i++)
		dst->task_map[i] = -1;
	for (size_t k = 0; k < src->nlive; k++)
		dst->task_map[src->live[k].id] = src->live[k].task;
}

/* Deep copy of SRC into DST (SPARSE: as a checkpoint, see task_map_clone). */
static void
state_copy(const struct replay *r, const struct rstate *src, struct rstate *dst, bool sparse)
{
	dst->w = vm_world_clone(src->w);
	task_map_clone(r, src, dst, sparse);
	rnames_clone(&dst->names, &src->names);
	dst->nents = dst->ents_cap = src->nents;
	dst->ents = xmalloc(src->nents * sizeof *dst->ents);
	if (src->nents)
		memcpy(dst->ents, src->ents, src->nents * sizeof *src->ents);
}

/* The state before the first event: the header's tasks, empty. */
static int
state_init(struct replay *r, struct rstate *s)
{
	size_t nt = r->t->ntask_names ? r->t->ntask_names : 1;

	memset(s, 0, sizeof *s);
	s->w = vm_world_new(r->prof, r->page_size);
	/* A recording that found no zero page on read faults (its "machine")
	 * is replayed the way that kernel behaved. */
	if (s->w != NULL && r->t->machine.present && r->t->machine.zero_page_on_read == 0)
		vm_world_set_zero_page(s->w, false);
	if (s->w == NULL)
		return -1;
	s->task_map = xmalloc(nt * sizeof *s->task_map);
	for (size_t i = 0; i < nt; i++)
		s->task_map[i] = -1;
	r->ntasks = nt;
	for (uint16_t i = 0; i < r->t->nheader_tasks; i++)
		s->task_map[i] = vm_task_create(s->w, trace_task_name(r->t, i));
	return 0;
}

/* Name [start, end) of world task TASK as NAME (replacing an older one). */
static void
name_set(struct rstate *s, int task, uint32_t name, uint64_t start, uint64_t end)
{
	rnames_set(&s->names, task, name, start, end);
}

static const struct rname *
name_find(const struct rstate *s, int task, uint32_t name)
{
	return rnames_find(&s->names, task, name);
}

static int
entry_find(const struct rstate *s, uint32_t name)
{
	for (size_t i = s->nents; i-- > 0;)
		if (s->ents[i].name == name)
			return s->ents[i].entry;
	return -1;
}

static void
entry_set(struct rstate *s, uint32_t name, int entry)
{
	if (s->nents == s->ents_cap) {
		s->ents_cap = s->ents_cap ? s->ents_cap * 2 : 4;
		s->ents = xrealloc(s->ents, s->ents_cap * sizeof *s->ents);
	}
	s->ents[s->nents++] = (struct rentry){ name, entry };
}

/* ---- applying events --------------------------------------------------------------- */

/* A quantity of the event in bytes. */
static uint64_t
qty(const struct replay *r, uint64_t v, unsigned flags, unsigned pages_flag)
{
	return (flags & pages_flag) ? v * r->page_size : v;
}

/* Round SIZE up to whole pages (0 stays 0). */
static uint64_t
round_pages(const struct replay *r, uint64_t size)
{
	uint64_t ps = r->page_size;

	return (size + ps - 1) / ps * ps;
}

/*
 * The byte range an event names: "region" (+ offset, size; a region's
 * default size is the rest of it) or "addr" (+ size; DEFSIZE when absent).
 */
static int
event_range(const struct replay *r, const struct rstate *s, const struct trace_event *ev,
            int task, uint64_t defsize, uint64_t *addr, uint64_t *size)
{
	uint64_t off = (ev->flags & TEF_OFFSET) ? qty(r, ev->offset, ev->flags, TEF_OFFSET_PAGES) : 0;

	if (ev->region != 0) {
		const struct rname *n = name_find(s, task, ev->region);
		uint64_t len;

		if (n == NULL)
			return RR_UNKNOWN_REGION;
		len = n->end - n->start;
		if (off > len)
			return RR_BAD_RANGE;
		*addr = n->start + off;
		*size = (ev->flags & TEF_SIZE) ? qty(r, ev->size, ev->flags, TEF_SIZE_PAGES) : len - off;
		if (*size > len - off)
			return RR_BAD_RANGE;
		return RR_NONE;
	}
	*addr = qty(r, ev->addr, ev->flags, TEF_ADDR_PAGES) + off;
	*size = (ev->flags & TEF_SIZE) ? qty(r, ev->size, ev->flags, TEF_SIZE_PAGES) : defsize;
	return RR_NONE;
}

/* World task of trace task ID, or -1. */
static int
map_task(const struct rstate *s, uint16_t id)
{
	int t = s->task_map[id];

	return vm_task_alive(s->w, t) ? t : -1;
}

/* What an event's handler works with. */
struct apply_ctx {
	const struct replay *r;
	struct rstate *s;
	const struct trace_event *ev;
	int task;                 /* world task of ev->task, -1 for none */
	int reason;               /* out: enum replay_reason */
};

/* The event's range into *ADDR, *SIZE; a failed step's status otherwise. */
static kern_return_t
range_of(struct apply_ctx *x, uint64_t *addr, uint64_t *size)
{
	int rr = event_range(x->r, x->s, x->ev, x->task, x->r->page_size, addr, size);

	if (rr == RR_NONE)
		return KERN_SUCCESS;
	x->reason = rr;
	return rr == RR_UNKNOWN_REGION ? KERN_INVALID_NAME : KERN_INVALID_ARGUMENT;
}

static kern_return_t
apply_nothing(struct apply_ctx *x)
{
	(void)x;
	return KERN_SUCCESS;
}

static kern_return_t
apply_allocate(struct apply_ctx *x)
{
	const struct trace_event *ev = x->ev;
	int flags = (ev->flags & TEF_ADDR) ? VM_FLAGS_FIXED : VM_FLAGS_ANYWHERE;
	uint64_t addr = qty(x->r, ev->addr, ev->flags, TEF_ADDR_PAGES);
	uint64_t size = qty(x->r, ev->size, ev->flags, TEF_SIZE_PAGES);
	kern_return_t kr;

	if (ev->flags & TEF_PURGEABLE)
		flags |= VM_FLAGS_PURGABLE;
	kr = vm_op_allocate(x->s->w, x->task, &addr, size, flags, ev->tag);
	if (kr == KERN_SUCCESS && ev->as)
		name_set(x->s, x->task, ev->as, addr, addr + round_pages(x->r, size));
	return kr;
}

/* deallocate, write, read, inherit: the model's call over the range. */
static kern_return_t
apply_range(struct apply_ctx *x)
{
	struct vm_world *w = x->s->w;
	uint64_t addr, size;
	kern_return_t kr = range_of(x, &addr, &size);

	if (kr != KERN_SUCCESS)
		return kr;
	switch (x->ev->op) {
	case TOP_DEALLOCATE:
		return vm_op_deallocate(w, x->task, addr, size);
	case TOP_WRITE:
		return vm_op_write(w, x->task, addr, size);
	case TOP_READ:
		return vm_op_read(w, x->task, addr, size);
	default:
		return vm_op_inherit(w, x->task, addr, size, x->ev->inheritance);
	}
}

/* protect; with "max", vm_protect(set_maximum) then vm_protect(prot). */
static kern_return_t
apply_protect(struct apply_ctx *x)
{
	const struct trace_event *ev = x->ev;
	uint64_t addr, size;
	kern_return_t kr = range_of(x, &addr, &size);

	if (kr != KERN_SUCCESS)
		return kr;
	if (!(ev->flags & TEF_SET_MAX))
		return vm_op_protect(x->s->w, x->task, addr, size, false, ev->prot);
	if (ev->prot & ~ev->max_prot) {
		x->reason = RR_KERNEL;
		return KERN_PROTECTION_FAILURE;
	}
	kr = vm_op_protect(x->s->w, x->task, addr, size, true, ev->max_prot);
	if (kr == KERN_SUCCESS)
		kr = vm_op_protect(x->s->w, x->task, addr, size, false, ev->prot);
	return kr;
}

static kern_return_t
apply_make_entry(struct apply_ctx *x)
{
	uint64_t addr, size;
	int e = -1;
	kern_return_t kr = range_of(x, &addr, &size);

	if (kr != KERN_SUCCESS)
		return kr;
	kr = vm_op_make_memory_entry(x->s->w, x->task, addr, size, &e);
	if (kr == KERN_SUCCESS && x->ev->as)
		entry_set(x->s, x->ev->as, e);
	return kr;
}

/* fork: the child inherits the parent's region names. */
static kern_return_t
apply_fork(struct apply_ctx *x)
{
	struct rstate *s = x->s;
	int child = -1;
	kern_return_t kr;

	if (map_task(s, x->ev->task2) >= 0) {
		x->reason = RR_TASK_EXISTS;
		return KERN_INVALID_ARGUMENT;
	}
	kr = vm_op_fork(s->w, x->task, trace_task_name(x->r->t, x->ev->task2), &child);
	if (kr != KERN_SUCCESS)
		return kr;
	s->task_map[x->ev->task2] = child;
	rnames_copy_task(&s->names, x->task, child);
	return KERN_SUCCESS;
}

static kern_return_t
apply_ool(struct apply_ctx *x)
{
	const struct trace_event *ev = x->ev;
	int to = map_task(x->s, ev->task2);
	uint64_t addr, size, out = 0;
	kern_return_t kr;

	if (to < 0) {
		x->reason = RR_UNKNOWN_TASK;
		return KERN_INVALID_TASK;
	}
	if ((kr = range_of(x, &addr, &size)) != KERN_SUCCESS)
		return kr;
	kr = vm_op_ool_send(x->s->w, x->task, to, addr, size, (ev->flags & TEF_PHYSICAL) != 0,
	                    (ev->flags & TEF_DEALLOC) != 0, &out);
	if (kr == KERN_SUCCESS && ev->as)
		name_set(x->s, to, ev->as, out,
		         out + round_pages(x->r, size + (addr % x->r->page_size)));
	return kr;
}

static kern_return_t
apply_map_entry(struct apply_ctx *x)
{
	int e = entry_find(x->s, x->ev->region);
	struct vm_region_info ri;
	uint64_t out = 0;
	kern_return_t kr;

	if (e < 0) {
		x->reason = RR_UNKNOWN_ENTRY;
		return KERN_INVALID_NAME;
	}
	kr = vm_op_map_entry(x->s->w, x->task, e, &out);
	if (kr == KERN_SUCCESS && x->ev->as && vm_region_at(x->s->w, x->task, out, &ri))
		name_set(x->s, x->task, x->ev->as, out, ri.end);
	return kr;
}

static kern_return_t
apply_release_entry(struct apply_ctx *x)
{
	int e = entry_find(x->s, x->ev->region);

	if (e < 0) {
		x->reason = RR_UNKNOWN_ENTRY;
		return KERN_INVALID_NAME;
	}
	return vm_op_release_entry(x->s->w, e);
}

static kern_return_t
apply_map_file(struct apply_ctx *x)
{
	const struct trace_event *ev = x->ev;
	uint64_t size = qty(x->r, ev->size, ev->flags, TEF_SIZE_PAGES), out = 0;
	uint64_t off = (ev->flags & TEF_OFFSET) ? qty(x->r, ev->offset, ev->flags, TEF_OFFSET_PAGES) : 0;
	uint64_t at = (ev->flags & TEF_ADDR) ? qty(x->r, ev->addr, ev->flags, TEF_ADDR_PAGES) : 0;
	kern_return_t kr;

	kr = vm_op_map_file(x->s->w, x->task, trace_str(x->r->t, ev->region), off, size,
	                    (ev->flags & TEF_PRIVATE) != 0, (ev->flags & TEF_ADDR) ? &at : NULL, &out);
	if (kr == KERN_SUCCESS && ev->as)
		name_set(x->s, x->task, ev->as, out, out + round_pages(x->r, size));
	return kr;
}

static kern_return_t
apply_exit(struct apply_ctx *x)
{
	kern_return_t kr = vm_op_exit(x->s->w, x->task);

	if (kr == KERN_SUCCESS) {
		x->s->task_map[x->ev->task] = -1;
		rnames_drop_task(&x->s->names, x->task);   /* its names went with it */
	}
	return kr;
}

static kern_return_t
apply_exec(struct apply_ctx *x)
{
	kern_return_t kr = vm_op_exec(x->s->w, x->task);

	if (kr == KERN_SUCCESS)
		rnames_drop_task(&x->s->names, x->task);   /* its regions are gone */
	return kr;
}

/* The handler of each operation; NEEDS_TASK: the event's task must exist. */
static const struct {
	kern_return_t (*fn)(struct apply_ctx *);
	bool needs_task;
} apply_ops[TOP_COUNT] = {
	[TOP_NONE] = { apply_nothing, false },
	[TOP_NOTE] = { apply_nothing, false },
	[TOP_OBSERVE] = { apply_nothing, false },
	[TOP_ALLOCATE] = { apply_allocate, true },
	[TOP_DEALLOCATE] = { apply_range, true },
	[TOP_WRITE] = { apply_range, true },
	[TOP_READ] = { apply_range, true },
	[TOP_INHERIT] = { apply_range, true },
	[TOP_PROTECT] = { apply_protect, true },
	[TOP_MAKE_MEMORY_ENTRY] = { apply_make_entry, true },
	[TOP_FORK] = { apply_fork, true },
	[TOP_OOL_SEND] = { apply_ool, true },
	[TOP_MAP_ENTRY] = { apply_map_entry, true },
	[TOP_RELEASE_ENTRY] = { apply_release_entry, false },
	[TOP_MAP_FILE] = { apply_map_file, true },
	[TOP_EXIT] = { apply_exit, true },
	[TOP_EXEC] = { apply_exec, true },
};

/* Apply event EV to state S; returns its status and *REASON. */
static kern_return_t
apply(const struct replay *r, struct rstate *s, const struct trace_event *ev, int *reason)
{
	struct apply_ctx x = { .r = r, .s = s, .ev = ev, .task = -1, .reason = RR_NONE };
	kern_return_t kr;

	if (ev->op >= TOP_COUNT || apply_ops[ev->op].fn == NULL) {
		*reason = RR_NONE;
		return KERN_SUCCESS;
	}
	if (apply_ops[ev->op].needs_task && (x.task = map_task(s, ev->task)) < 0) {
		*reason = RR_UNKNOWN_TASK;
		return KERN_INVALID_TASK;
	}
	kr = apply_ops[ev->op].fn(&x);
	if (kr != KERN_SUCCESS && x.reason == RR_NONE)
		x.reason = RR_KERNEL;
	*reason = x.reason;
	return kr;
}

/* ---- checkpoints ---------------------------------------------------------------------- */

/*
 * Over budget: drop checkpoints one at a time, each time the one whose
 * neighbours are closest (never the first, never the newest), so that
 * those left stay evenly spread and fill the budget; then space the next
 * ones by the mean gap.  (Dropping every other one and doubling the
 * spacing, as before, left between half the budget and all of it, and
 * seeks as much as twice as long.)
 */
static void
checkpoints_thin(struct replay *r)
{
	while (r->cp_bytes > r->budget && r->ncps > 2) {
		size_t best = 1, gap = (size_t)-1;

		for (size_t i = 1; i + 1 < r->ncps; i++) {
			if (r->cps[i + 1].step - r->cps[i - 1].step < gap) {
				gap = r->cps[i + 1].step - r->cps[i - 1].step;
				best = i;
			}
		}
		r->cp_bytes -= r->cps[best].bytes;
		state_free(&r->cps[best].st);
		memmove(&r->cps[best], &r->cps[best + 1], (r->ncps - best - 1) * sizeof *r->cps);
		r->ncps--;
		if (r->every < r->pos / (r->ncps - 1))
			r->every = r->pos / (r->ncps - 1);
	}
}

/* Keep a copy of the current state as the checkpoint of step POS. */
static void
checkpoint_add(struct replay *r)
{
	struct checkpoint *c;

	if (r->ncps == r->cps_cap) {
		r->cps_cap = r->cps_cap ? r->cps_cap * 2 : 16;
		r->cps = xrealloc(r->cps, r->cps_cap * sizeof *r->cps);
	}
	c = &r->cps[r->ncps++];
	c->step = r->last_cp = r->pos;
	state_copy(r, &r->cur, &c->st, true);
	c->bytes = vm_world_bytes(c->st.w) + c->st.names.n * sizeof(struct rname);
	r->cp_bytes += c->bytes;
	/*
	 * Adaptive spacing: a checkpoint costs a copy of the state, so space
	 * them by the state's size, one event per 32 bytes of it (1024 at
	 * least).  A copy then costs a fifth or less of replaying the events
	 * between two checkpoints (a state of 10,000 regions: 1.7 MB, copied
	 * in a few milliseconds, every 32,768 events), and a seek
	 * replays at most SPACING_MAX events (some tens of milliseconds)
	 * while the budget allows.
	 */
	if (!r->fixed_every) {
		size_t want = c->bytes / 32;

		if (want > r->every)
			r->every = want < SPACING_MAX ? want : SPACING_MAX;
	}
	checkpoints_thin(r);
}

/*
 * Apply events FIRST..LAST (1-based) to the current state, which must be at
 * step FIRST - 1, recording each step's outcome and keeping a checkpoint
 * every `every` steps.
 */
static void
run_events(struct replay *r, size_t first, size_t last)
{
	for (size_t k = first; k <= last; k++) {
		int reason;
		kern_return_t kr = apply(r, &r->cur, &r->t->ev[k - 1], &reason);

		r->status[k] = (uint8_t)kr;
		r->reason[k] = (uint8_t)reason;
		if (kr != KERN_SUCCESS) {
			if (r->nfailed == r->failed_cap) {
				r->failed_cap = r->failed_cap ? r->failed_cap * 2 : 64;
				r->failed = xrealloc(r->failed, r->failed_cap * sizeof *r->failed);
			}
			r->failed[r->nfailed++] = k;
		}
		r->pos = k;
		if (k - r->last_cp >= r->every)
			checkpoint_add(r);
		if (r->progress != NULL && (k & 0xffff) == 0)
			r->progress(r->progress_ctx, k, last);
	}
}

/* ---- public interface ----------------------------------------------------------------- */

struct replay *
replay_new(const struct trace *t, const struct replay_opts *o, char *err, size_t errlen)
{
	struct replay *r = calloc(1, sizeof *r);
	const struct vm_profile *p = o != NULL ? o->profile : NULL;

	if (r == NULL)
		abort();
	if (p == NULL && t->profile != NULL)
		p = vm_profile_find(t->profile);
	if (p == NULL && t->profile != NULL) {
		snprintf(err, errlen, "%s: unknown profile '%s'", t->path, t->profile);
		free(r);
		return NULL;
	}
	r->t = t;
	r->prof = p != NULL ? p : vm_profile_default;
	r->page_size = t->page_size ? t->page_size : r->prof->page_size;
	if (state_init(r, &r->cur) != 0) {
		snprintf(err, errlen, "%s: page size %u is not possible", t->path, r->page_size);
		state_free(&r->cur);
		free(r);
		return NULL;
	}
	r->fixed_every = o != NULL && o->checkpoint_every != 0;
	if (o != NULL) {
		r->progress = o->progress;
		r->progress_ctx = o->progress_ctx;
	}
	r->every = r->fixed_every ? o->checkpoint_every : 1024;
	r->budget = o != NULL && o->checkpoint_budget != 0 ? o->checkpoint_budget
	                                                   : CHECKPOINT_BUDGET;
	r->n = t->nev;
	r->status = xmalloc(t->nev + 1);
	r->reason = xmalloc(t->nev + 1);
	r->status[0] = KERN_SUCCESS;
	r->reason[0] = RR_NONE;
	checkpoint_add(r);
	run_events(r, 1, t->nev);
	return r;
}

/* Forget the recent states at or after step K. */
static void
recent_drop_from(struct replay *r, size_t k)
{
	while (r->nrecent > 0 && r->recent[r->nrecent - 1].step >= k)
		state_free(&r->recent[--r->nrecent].st);
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	state_free(&r->cur);
	if (r->have_front)
		state_free(&r->front);
	for (size_t i = 0; i < r->ncps; i++)
		state_free(&r->cps[i].st);
	recent_drop_from(r, 0);
	free(r->cps);
	free(r->status);
	free(r->reason);
	free(r->failed);
	free(r);
}

/*
 * Move to step K.  Stepping back onto one of the recent states is a swap;
 * otherwise start from the best state at or before K (the current one, a
 * recent one, or the last checkpoint) and replay forward.  A replay of more
 * than one event keeps a copy of the state just before K, so that a step
 * back is a swap; when K is one step back (the user is walking backwards,
 * past the copies kept) it keeps the RECENT states before K, so that the
 * next steps back are swaps too.  (A copy of a big state costs
 * milliseconds: a jump does not pay for eight of them.)
 */
int
replay_seek(struct replay *r, size_t k)
{
	size_t lo = 0, hi, from, keep_from, behind = k + 1 == r->pos ? RECENT : 1;
	const struct rstate *base = NULL;

	if (k > r->n)
		return -1;
	if (k == r->pos)
		return 0;
	if (k < r->pos && r->nrecent > 0 && r->recent[r->nrecent - 1].step >= k) {
		recent_drop_from(r, k + 1);
		if (r->nrecent > 0 && r->recent[r->nrecent - 1].step == k) {
			state_free(&r->cur);
			r->cur = r->recent[--r->nrecent].st;
			r->pos = k;
			return 0;
		}
	}
	/* The last checkpoint at or before K. */
	hi = r->ncps;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (r->cps[mid].step <= k)
			lo = mid;
		else
			hi = mid;
	}
	from = r->cps[lo].step;
	base = &r->cps[lo].st;
	if (r->nrecent > 0 && r->recent[r->nrecent - 1].step <= k &&
	    r->recent[r->nrecent - 1].step > from) {
		from = r->recent[r->nrecent - 1].step;
		base = &r->recent[r->nrecent - 1].st;
	}
	if (k > r->pos && r->pos >= from) {
		base = NULL;              /* go on from the current state */
	} else {
		state_free(&r->cur);
		state_copy(r, base, &r->cur, false);
		r->pos = from;
	}
	if (k - r->pos > 1) {
		recent_drop_from(r, 0);
		keep_from = k - r->pos > behind ? k - behind : r->pos + 1;
	} else {
		keep_from = k + 1;        /* a single step: keep nothing */
	}
	while (r->pos < k) {
		int reason;

		if (r->pos >= keep_from && r->nrecent < RECENT) {
			r->recent[r->nrecent].step = r->pos;
			state_copy(r, &r->cur, &r->recent[r->nrecent].st, false);
			r->nrecent++;
		}
		apply(r, &r->cur, &r->t->ev[r->pos], &reason);
		r->pos++;
	}
	return 0;
}

/* Return whether event EV leaves the replay state as it is (apply() does
 * nothing for it but succeed). */
static bool
event_is_stateless(const struct trace_event *ev)
{
	return ev->op == TOP_OBSERVE || ev->op == TOP_NOTE || ev->op == TOP_NONE;
}

/* Make room in the dense task maps for the task names the trace gained
 * (a trace loaded a little at a time meets new names as it goes). */
static void
task_maps_grow(struct replay *r)
{
	size_t nt = r->t->ntask_names;
	struct rstate *dense[RECENT + 2];
	size_t nd = 0;

	if (nt <= r->ntasks)
		return;
	dense[nd++] = &r->cur;
	if (r->have_front)
		dense[nd++] = &r->front;
	for (size_t i = 0; i < r->nrecent; i++)
		dense[nd++] = &r->recent[i].st;
	for (size_t d = 0; d < nd; d++) {
		if (dense[d]->task_map == NULL)
			continue;
		dense[d]->task_map = xrealloc(dense[d]->task_map, nt * sizeof *dense[d]->task_map);
		for (size_t i = r->ntasks; i < nt; i++)
			dense[d]->task_map[i] = -1;
	}
	r->ntasks = nt;
}

/*
 * Take in the events appended to the trace since the last call.  Statuses
 * of stateless events are known at once; when any other event came, apply
 * the new events to the state kept at the old last step (made by a seek
 * the first time), keeping checkpoints as replay_new does; the state shown
 * stays where it was.
 */
size_t
replay_extend(struct replay *r)
{
	size_t old = r->n, n = r->t->nev, back = r->pos;
	bool stateless = true;

	task_maps_grow(r);
	if (n <= old)
		return 0;
	r->status = xrealloc(r->status, n + 1);
	r->reason = xrealloc(r->reason, n + 1);
	for (size_t k = old + 1; k <= n; k++) {
		r->status[k] = KERN_SUCCESS;
		r->reason[k] = RR_NONE;
		stateless = stateless && event_is_stateless(&r->t->ev[k - 1]);
	}
	if (stateless) {
		r->n = n;
		return n - old;
	}
	if (!r->have_front) {
		/* Once: the state at the old last step, kept for the next parts. */
		replay_seek(r, old);
		state_copy(r, &r->cur, &r->front, false);
		r->have_front = true;
	}
	/* Run the new events on the kept state, leaving the shown one be. */
	{
		struct rstate shown = r->cur;
		size_t shown_pos = r->pos;

		r->cur = r->front;
		r->pos = old;
		run_events(r, old + 1, n);
		r->front = r->cur;
		r->cur = shown;
		r->pos = shown_pos;
	}
	r->n = n;
	if (r->pos != back)
		replay_seek(r, back);
	return n - old;
}

const struct trace *replay_trace(const struct replay *r) { return r->t; }
const struct vm_profile *replay_profile(const struct replay *r) { return r->prof; }
size_t replay_nsteps(const struct replay *r) { return r->n; }
size_t replay_pos(const struct replay *r) { return r->pos; }
const struct vm_world *replay_world(const struct replay *r) { return r->cur.w; }
size_t replay_nfailed(const struct replay *r) { return r->nfailed; }

size_t
replay_failed_from(const struct replay *r, size_t k)
{
	size_t lo = 0, hi = r->nfailed;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->failed[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nfailed ? r->failed[lo] : 0;
}
size_t replay_checkpoint_bytes(const struct replay *r) { return r->cp_bytes; }

kern_return_t
replay_status(const struct replay *r, size_t k)
{
	return k <= r->n ? (kern_return_t)r->status[k] : KERN_SUCCESS;
}

int
replay_reason(const struct replay *r, size_t k)
{
	return k <= r->n ? r->reason[k] : RR_NONE;
}

const struct trace_event *
replay_event(const struct replay *r, size_t k)
{
	return k >= 1 && k <= r->n ? &r->t->ev[k - 1] : NULL;
}

const struct vm_effects *
replay_effects(const struct replay *r)
{
	return vm_world_effects(r->cur.w);
}

int
replay_task(const struct replay *r, uint16_t id)
{
	if (id >= r->ntasks)
		return -1;
	return map_task(&r->cur, id);
}

const char *
replay_region_name(const struct replay *r, int task, uint64_t start, uint64_t end)
{
	uint32_t name = rnames_at(&r->cur.names, task, start);

	(void)end;
	return name != 0 ? trace_str(r->t, name) : NULL;
}

const char *
replay_reason_text(int reason)
{
	switch (reason) {
	case RR_UNKNOWN_TASK: return "no such task (never created, or exited)";
	case RR_UNKNOWN_REGION: return "no region of that name in this task";
	case RR_UNKNOWN_ENTRY: return "no memory entry of that name";
	case RR_TASK_EXISTS: return "a task of that name already exists";
	case RR_BAD_RANGE: return "offset/size outside the named region";
	case RR_KERNEL: return "refused by the kernel model";
	}
	return "";
}

/* Append a quantity as written ("16p", "0x4000"). */
static void
put_qty(char *buf, size_t len, const char *key, uint64_t v, bool pages)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, pages ? " %s %llup" : " %s 0x%llx", key, (unsigned long long)v);
}

void
replay_describe(const struct replay *r, size_t k, char *buf, size_t len)
{
	const struct trace_event *ev = replay_event(r, k);
	const struct trace *t = r->t;
	size_t n;

	if (ev == NULL) {
		snprintf(buf, len, "start");
		return;
	}
	switch (ev->op) {
	case TOP_NOTE:
		snprintf(buf, len, "note");
		return;
	case TOP_FORK:
		snprintf(buf, len, "fork %s -> %s", trace_task_name(t, ev->task), trace_task_name(t, ev->task2));
		return;
	case TOP_OOL_SEND:
		snprintf(buf, len, "ool_send %s -> %s (%s%s)", trace_task_name(t, ev->task),
		         trace_task_name(t, ev->task2), (ev->flags & TEF_PHYSICAL) ? "physical" : "virtual",
		         (ev->flags & TEF_DEALLOC) ? ", deallocate" : "");
		break;
	case TOP_RELEASE_ENTRY:
		snprintf(buf, len, "release_entry %s", trace_str(t, ev->region));
		return;
	default:
		snprintf(buf, len, "%s %s", trace_op_name(ev->op), trace_task_name(t, ev->task));
	}
	n = strlen(buf);
	if (ev->region != 0 && ev->op != TOP_OBSERVE && n < len)
		snprintf(buf + n, len - n, " %s", trace_str(t, ev->region));
	if (ev->flags & TEF_ADDR)
		put_qty(buf, len, "at", ev->addr, ev->flags & TEF_ADDR_PAGES);
	if (ev->flags & TEF_OFFSET)
		put_qty(buf, len, "+", ev->offset, ev->flags & TEF_OFFSET_PAGES);
	if (ev->flags & TEF_SIZE)
		put_qty(buf, len, "size", ev->size, ev->flags & TEF_SIZE_PAGES);
	n = strlen(buf);
	if (ev->op == TOP_PROTECT && n < len) {
		char p[4], m[4];

		/* Both halves of vm_protect: the current protection, and with
		 * "max" the maximum set first (set_maximum). */
		vm_prot_str(ev->prot, p);
		vm_prot_str(ev->max_prot, m);
		if (ev->flags & TEF_SET_MAX)
			snprintf(buf + n, len - n, " %s max %s", p, m);
		else
			snprintf(buf + n, len - n, " %s", p);
	} else if (ev->op == TOP_INHERIT && n < len) {
		snprintf(buf + n, len - n, " %s", vm_inherit_name(ev->inheritance));
	}
	n = strlen(buf);
	if (ev->as != 0 && n < len)
		snprintf(buf + n, len - n, " as %s", trace_str(t, ev->as));
}

bool
replay_linux_terms(const struct replay *r)
{
	return r->prof->report == REPORT_LINUX;
}

/* Words that mark a note as naming one family's mechanisms. */
static const char *const mach_words[] = {
	"vm_object", "vm_map", "needs_copy", "shadow", "memory entr", "Mach", "SM_", "true_share",
	"copy_quickly", "copy-on-write object", NULL,
};
static const char *const linux_words[] = {
	"do_wp_page", "anon_vma", "page table", "pte", "Linux", "mm/", "VMA", "vma", NULL,
};

static bool
names_any(const char *text, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(text, *words) != NULL)
			return true;
	return false;
}

bool
replay_notes_apply(const struct replay *r)
{
	const struct vm_profile *own = r->t->profile != NULL ? vm_profile_find(r->t->profile) : NULL;

	if (own == NULL)
		own = vm_profile_default;
	return (own->report == REPORT_LINUX) == (r->prof->report == REPORT_LINUX);
}

const char *
replay_note(const struct replay *r, size_t k)
{
	const struct trace_event *ev = replay_event(r, k);
	const char *note = ev != NULL ? trace_event_note(r->t, ev) : NULL;

	if (note == NULL || replay_notes_apply(r))
		return note;
	return names_any(note, replay_linux_terms(r) ? mach_words : linux_words) ? NULL : note;
}

const char *
replay_entry_name(const struct replay *r, int entry)
{
	for (size_t i = r->cur.nents; i-- > 0;)
		if (r->cur.ents[i].entry == entry)
			return trace_str(r->t, r->cur.ents[i].name);
	return NULL;
}
