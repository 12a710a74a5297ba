/* SPDX-License-Identifier: MIT */
/*
 * replay.h -- a trace played through the model: the timeline.
 *
 * A replay owns the model state for one position of the trace (step 0 is
 * the state before the first event, step k the state after the k-th event)
 * and the per-task region names given with "as".  Opening a replay runs the
 * whole trace once to record every step's status and to keep checkpoints
 * (deep copies of the state), so that a seek anywhere is exact and cheap:
 * the state at step k is the same whether reached forwards or backwards.
 *
 * Sources (simulation today; recorded observations ride along in the trace)
 * feed this one timeline; sinks (dump, the player) read it.
 */
#ifndef VMSCOPE_REPLAY_H
#define VMSCOPE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"
#include "vm/vm.h"

struct vm_profile;
struct replay;

/* Why a step failed beyond its kern_return_t. */
enum replay_reason {
	RR_NONE = 0,
	RR_UNKNOWN_TASK,        /* task never created or already exited */
	RR_UNKNOWN_REGION,      /* "region" names nothing in that task */
	RR_UNKNOWN_ENTRY,       /* "entry" names no memory entry */
	RR_TASK_EXISTS,         /* fork child name already in use */
	RR_BAD_RANGE,           /* offset/size outside the named region */
	RR_KERNEL,              /* the model refused it (see status) */
};
const char *replay_reason_text(int reason);

struct replay_opts {
	const struct vm_profile *profile;  /* NULL: the trace's (or default) */
	size_t checkpoint_every;           /* 0: automatic */
	size_t checkpoint_budget;          /* bytes of checkpoints; 0: 48 MiB */
	/* Called as the first run goes (every 65,536 steps): DONE of TOTAL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* Open a replay over T (which must outlive it).  Returns NULL with ERR set
 * when the trace names an unknown profile or an impossible page size. */
struct replay *replay_new(const struct trace *t, const struct replay_opts *o,
                          char *err, size_t errlen);
void replay_free(struct replay *r);
/* Take in the events appended to the trace (trace_append) since the replay
 * was opened or last extended: record their statuses, so that nsteps
 * grows, without replaying the earlier steps; the position stays.  Events
 * that leave the model as it is (observe, note) cost no replay at all.
 * The trace's tasks must be the same.  Returns the number of new steps. */
size_t replay_extend(struct replay *r);

const struct trace *replay_trace(const struct replay *r);
const struct vm_profile *replay_profile(const struct replay *r);
size_t replay_nsteps(const struct replay *r);
size_t replay_pos(const struct replay *r);
/* Move to step K (0..nsteps), exactly.  Returns 0, -1 if K is out of range. */
int replay_seek(struct replay *r, size_t k);
const struct vm_world *replay_world(const struct replay *r);

/* Outcome of step K (1..nsteps), known from the first run. */
kern_return_t replay_status(const struct replay *r, size_t k);
int replay_reason(const struct replay *r, size_t k);
size_t replay_nfailed(const struct replay *r);
/* The first failed step at or after step K, 0 if none. */
size_t replay_failed_from(const struct replay *r, size_t k);
/* The event of step K (1..nsteps). */
const struct trace_event *replay_event(const struct replay *r, size_t k);
/* Effects of the step that led to the current position (pos >= 1). */
const struct vm_effects *replay_effects(const struct replay *r);

/* World task index of trace task id ID at the current position, -1 if the
 * task does not exist (yet or any more). */
int replay_task(const struct replay *r, uint16_t id);
/* The "as" label covering [start, end) of world task TASK, or NULL: the
 * most recent name whose range contains START. */
const char *replay_region_name(const struct replay *r, int task, uint64_t start, uint64_t end);

/* Is the replay told in Linux terms (its profile is Linux's)? */
bool replay_linux_terms(const struct replay *r);
/* Was the trace written for the replay's kernel family (Mach, Linux)? */
bool replay_notes_apply(const struct replay *r);
/* The trace's note on step K, or NULL.  A trace written for one family
 * and replayed under the other keeps its kernel-neutral notes; a note
 * that names the other family's mechanisms (a fixed word list in
 * replay.c) is NULL, so no Mach words reach a Linux replay. */
const char *replay_note(const struct replay *r, size_t k);

/* The trace's name of model memory entry ENTRY at the current step, or NULL. */
const char *replay_entry_name(const struct replay *r, int entry);

/* One-line description of step K ("fork parent -> child"), into BUF. */
void replay_describe(const struct replay *r, size_t k, char *buf, size_t len);

/* Bytes held by checkpoints (for the benchmark). */
size_t replay_checkpoint_bytes(const struct replay *r);

#endif
