/*
 * attach.h -- `vmscope attach`: sample live processes into a trace.
 *
 * Every interval the /proc sampler of trace_record.h reads one or two
 * processes' /proc/PID/smaps and, when permitted, /proc/PID/pagemap (with
 * /proc/kpagecount and /proc/kpageflags as root), prints one line per
 * sample with what the sample cost, and (with an output file) writes one
 * observe event per process per sample.  A process that exits, or
 * Ctrl-C, ends the sampling; what was sampled is kept.  No curses.
 */
#ifndef VMSCOPE_ATTACH_H
#define VMSCOPE_ATTACH_H

#include <stddef.h>
#include <stdio.h>

struct attach_opts {
	int pids[2];
	size_t npids;                /* 1 or 2 */
	unsigned interval_ms;        /* between samples */
	size_t count;                /* samples; 0: until stopped */
	const char *out;             /* TRACE, or NULL: print only */
	FILE *msgs;                  /* cost lines and messages */
};

/* Sample as O says.  Returns 0 (sampled, stopped by count, Ctrl-C or a
 * process exit), 1 on an I/O or permission failure. */
int attach_run(const struct attach_opts *o);

#endif
