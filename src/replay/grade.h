/* SPDX-License-Identifier: MIT */
/*
 * grade.h -- questions from an exercise trace, answers from students,
 * and their grading (`vmscope grade`, docs/teaching.md).
 *
 * An exercise is a trace whose events carry "ask": [FIELD, ...].  After
 * such a step, each asked field of the regions the step touched is one
 * question -- the regions named by its "region" and "as" (an OOL send's
 * "as" is the receiver's), or, for a step that names none (fork), every
 * named region of its task and of the child -- and its expected value is
 * what `dump --json` shows for that region at that step.
 *
 * Answers are JSON Lines, one object per region and step:
 *   {"step": 3, "task": "child", "region": "buf", "share_mode": "COW", "ref_count": 2}
 * ("addr": "0x..." may name the region instead of "region").  Share modes
 * may be written as vmmap abbreviations (COW, PRV, SHM, ...).  No curses.
 */
#ifndef VMSCOPE_GRADE_H
#define VMSCOPE_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

struct replay;

struct grade_question {
	size_t step;
	char task[72];
	char region[128];            /* the region's "as" name */
	uint64_t start, end;         /* the region at that step */
	int field;                   /* enum trace_ask */
	char expected[48];           /* as dump --json writes it */
	char reason[400];            /* the step's effects in words, or its note */
	/* Filled by grade_answers(): */
	bool answered, right;
	char answer[48];
	unsigned line;               /* the answer's line */
};

struct grade_exercise {
	struct grade_question *q;
	size_t n;
};

/* Build the questions of the exercise replayed by R (moves R). */
int grade_questions(struct replay *r, struct grade_exercise *ex);
void grade_exercise_free(struct grade_exercise *ex);

/* One answer line that matched no question. */
struct grade_extra {
	unsigned line;
	char what[200];
};

/*
 * Grade the answers in the file PATH ("-": standard input) against EX:
 * each question's answered/right/answer are set (cleared first), and
 * answers that match no question are listed in *EXTRA (malloc'ed, *NEXTRA
 * of them; free it).  Returns 0, -1 with ERR (FILE:LINE:COL) when the
 * file is malformed, or -2 with ERR when it cannot be read.
 */
int grade_answers(const char *path, struct grade_exercise *ex, struct grade_extra **extra,
                  size_t *nextra, struct trace_error *err);

/* Write the answered questions of EX as answers (one line per region and
 * step, the format above), as the player's --answers does.  Returns 0 or
 * -1 on a write error. */
int grade_write_answers(const struct grade_exercise *ex, FILE *out);

/* Does the answer A match the expected value E of field F? */
bool grade_match(int f, const char *a, const char *e);

#endif
