/* SPDX-License-Identifier: MIT */
/*
 * progress.h -- a progress meter on standard error for long loads,
 * replays and imports: shown only when standard error is a terminal, only
 * once the work has taken a quarter of a second, redrawn at most ten
 * times a second, and erased when done (nothing at all when piped).
 */
#ifndef VMSCOPE_PROGRESS_H
#define VMSCOPE_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *what;        /* "loading big.jsonl" */
	double start, last;      /* monotonic seconds */
	int shown;               /* a line is on the terminal */
	int tty;                 /* standard error is a terminal */
	double delay;            /* seconds before the meter shows (0.25, or
	                            $VMSCOPE_PROGRESS_DELAY) */
};

void progress_begin(struct progress *p, const char *what);
/* DONE of TOTAL (TOTAL 0: unknown) units; BYTES: they are bytes. */
void progress_update(struct progress *p, uint64_t done, uint64_t total, int bytes);
/* Erase the line, if one was shown. */
void progress_end(struct progress *p);

/* Adapters for the trace loader and the replay (CTX is a struct progress). */
void progress_bytes(void *ctx, uint64_t done, uint64_t total);
void progress_steps(void *ctx, uint64_t done, uint64_t total);

#endif
