/*
 * check.h -- compare recorded observations with the model's predictions.
 *
 * `vmscope check TRACE` replays a trace and, at every "observe" step,
 * compares what the real kernel reported for a task (the observation) with
 * what the model reports for the same task at that step.  Regions are
 * paired by name (the observation's "name" against the model's "as"
 * labels), else by start address; then boundaries, protections, share
 * mode, ref_count and resident pages are compared, each only when the
 * observation holds it (its TOBS_* mask).  No curses, no exit(): the
 * caller decides what a difference means.
 */
#ifndef VMSCOPE_CHECK_H
#define VMSCOPE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct replay;

struct check_stats {
	size_t steps;          /* observe steps compared */
	size_t regions;        /* observed regions paired with a model region */
	size_t diffs;          /* differences found */
	size_t diff_steps;     /* observe steps with at least one difference */
};

/* Compare every observe step of R.  Differences are printed to OUT as
 * "TRACE:LINE: step K: TASK: REGION: what: model X, observed Y" (unless
 * OUT is NULL).  Returns the number of differences; ST may be NULL. */
size_t check_replay(struct replay *r, FILE *out, struct check_stats *st);

#endif
