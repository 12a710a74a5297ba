/* SPDX-License-Identifier: MIT */
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
 *
 * The pairing and the field-by-field comparison of one observation are an
 * API of their own (check_pair_step), so that the player can show a
 * prediction next to what was observed with the same rules as `check`.
 */
#ifndef VMSCOPE_CHECK_H
#define VMSCOPE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"
#include "vm/vm.h"

struct replay;

struct check_stats {
	size_t steps;          /* observe steps compared */
	size_t regions;        /* observed regions paired with a model region */
	size_t diffs;          /* differences found */
	size_t diff_steps;     /* observe steps with at least one difference */
	size_t explained;      /* differences the recording machine explains (not in diffs) */
};

/* The fields a pair can differ in (check_pair.diff), in the order check
 * reports them. */
enum {
	CHECK_D_RANGE = 1u << 0,       /* start or end */
	CHECK_D_PROT = 1u << 1,
	CHECK_D_MAX_PROT = 1u << 2,
	CHECK_D_SHARE_MODE = 1u << 3,  /* SM_SHARED observed accepts SM_TRUESHARED */
	CHECK_D_REF_COUNT = 1u << 4,
	CHECK_D_RESIDENT = 1u << 5,    /* resident pages */
	CHECK_D_ALL = (1u << 6) - 1
};

/* An observed region and its model region, or one of them alone. */
struct check_pair {
	long obs;                /* index into the observation's regions, -1: model only */
	long model;              /* index into check_step.model, -1: observed only */
	unsigned diff;           /* CHECK_D_* that differ (0 unless both sides exist) */
	unsigned explained;      /* CHECK_D_* that differ in a way the recording machine
	                            explains (not in diff): transparent huge pages */
};

/*
 * One observation paired with a task's model regions.  Filled by
 * check_pair_step; the arrays belong to the struct (check_step_free) and
 * are reused by the next call on the same struct.  Zero it before the
 * first use.
 */
struct check_step {
	const struct trace *t;
	const struct trace_obs *obs;   /* the observation (not owned) */
	int task;                      /* world task index, -1: not in the model */
	uint32_t page_size;            /* the model's page size */
	size_t nmodel;
	struct vm_region_info *model;  /* the task's regions, vm_region_get order */
	const char **model_name;       /* their "as" labels (NULL: none) */
	long *obs_of_model;            /* per model region: its observed index, -1 */
	size_t npairs;
	struct check_pair *pairs;      /* one per observed region in observation
	                                * order, then the unobserved model regions
	                                * in address order */
	size_t paired;                 /* pairs with both sides */
	size_t agree;                  /* ... of which diff == 0 */
	size_t obs_only, model_only;   /* unpaired on each side */
	size_t model_cap, pair_cap;
};

/*
 * Pair observation OBS of trace task TASK with that task's regions at the
 * replay's current position (which is not moved) and compare each pair.
 * OBS may be NULL (an empty observation).  Returns 0, or -1 when out of
 * memory (OUT is then empty).
 */
int check_pair_step(struct replay *r, uint16_t task, const struct trace_obs *obs,
                    struct check_step *out);
/* Release the arrays of CS and zero it. */
void check_step_free(struct check_step *cs);
/* The number of differences in CS, as check counts them: one per differing
 * field of a pair, one per unpaired region. */
size_t check_step_ndiffs(const struct check_step *cs);

/* The name check gives the field BIT (one CHECK_D_*): "ref_count". */
const char *check_field_name(unsigned bit);
/* Write "model X, observed Y" for field BIT of pair P of CS into BUF. */
void check_field_values(const struct check_step *cs, const struct check_pair *p, unsigned bit,
                        char *buf, size_t len);

/* Compare every observe step of R.  Differences are printed to OUT as
 * "TRACE:LINE: step K: TASK: REGION: what: model X, observed Y" (unless
 * OUT is NULL).  Returns the number of differences; ST may be NULL. */
size_t check_replay(struct replay *r, FILE *out, struct check_stats *st);

#endif
