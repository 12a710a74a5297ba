/* SPDX-License-Identifier: MIT */
/*
 * progress.c -- the progress meter of long loads and replays (progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_begin(struct progress *p, const char *what)
{
	const char *d = getenv("VMSCOPE_PROGRESS_DELAY");

	memset(p, 0, sizeof *p);
	p->what = what;
	p->start = p->last = now();
	p->tty = isatty(STDERR_FILENO);
	p->delay = d != NULL ? atof(d) : 0.25;
}

void
progress_update(struct progress *p, uint64_t done, uint64_t total, int bytes)
{
	double t;

	if (!p->tty)
		return;
	t = now();
	if (t - p->start < p->delay || (p->shown && t - p->last < 0.1))
		return;
	p->last = t;
	p->shown = 1;
	if (total > 0 && bytes)
		fprintf(stderr, "\rvmscope: %s: %3d%% (%llu of %llu MB)  ", p->what,
		        (int)(100 * done / total), (unsigned long long)(done >> 20),
		        (unsigned long long)(total >> 20));
	else if (total > 0)
		fprintf(stderr, "\rvmscope: %s: %3d%% (%llu of %llu)  ", p->what,
		        (int)(100 * done / total), (unsigned long long)done, (unsigned long long)total);
	else
		fprintf(stderr, "\rvmscope: %s: %llu %s  ", p->what,
		        (unsigned long long)(bytes ? done >> 20 : done), bytes ? "MB" : "");
	fflush(stderr);
}

void
progress_end(struct progress *p)
{
	if (p->shown) {
		/* Blank the line with spaces: no terminal capability needed. */
		fprintf(stderr, "\r%*s\r", (int)strlen(p->what) + 40, "");
		fflush(stderr);
	}
	p->shown = 0;
}

void
progress_bytes(void *ctx, uint64_t done, uint64_t total)
{
	progress_update(ctx, done, total, 1);
}

void
progress_steps(void *ctx, uint64_t done, uint64_t total)
{
	progress_update(ctx, done, total, 0);
}
