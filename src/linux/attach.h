/* SPDX-License-Identifier: MIT */
/*
 * attach.h -- `vmscope attach`: sample live processes into a trace.
 *
 * Every interval the /proc sampler of sample.h reads one or two
 * processes' /proc/PID/smaps and, when permitted, /proc/PID/pagemap (with
 * /proc/kpagecount and /proc/kpageflags as root).  Each sample becomes one
 * observe event per process, appended to an in-memory trace that grows
 * (trace_append, so a replay can show it live: replay_extend) and, with an
 * output file, written to it as it comes.  No curses: the caller decides
 * how to show it -- attach_run() prints one line per sample, the player
 * (ui.h, through main.c) shows the trace as it grows.
 *
 * A session (struct attach) is used as: attach_open(), attach_sample()
 * every interval, attach_close().  Ownership: the session owns its trace
 * (attach_trace) until attach_close(), which frees it.
 */
#ifndef VMSCOPE_ATTACH_H
#define VMSCOPE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct trace;

#define ATTACH_MAX_PROCS 8      /* the processes given, and the children followed */

struct attach_opts {
	int pids[2];
	size_t npids;                /* 1 or 2 */
	unsigned interval_ms;        /* between samples */
	size_t count;                /* samples; 0: until stopped */
	const char *out;             /* TRACE, or NULL: no file */
	FILE *msgs;                  /* cost lines and messages (attach_run) */
	bool keep_going;             /* a process that exits stops only its own
	                                sampling (the player); else it ends all */
	unsigned only;               /* ATTACH_ONLY_* kinds of mapping kept, 0: all */
	uint64_t min_size;           /* mappings smaller than this are left out */
	bool follow;                 /* --follow: sample the children they fork too */
};

/* Kinds of mapping for --only. */
enum {
	ATTACH_ONLY_ANON = 1,        /* no path, or a named anonymous one ([anon:...]) */
	ATTACH_ONLY_FILE = 2,        /* a file (its path starts with /) */
	ATTACH_ONLY_HEAP = 4,        /* [heap] */
	ATTACH_ONLY_STACK = 8,       /* [stack], [stack:TID] */
};
/* Parse a comma-separated list of kinds ("heap,stack") into *OUT; returns
 * 0, or -1 with the bad word's offset in *BAD. */
int attach_only_parse(const char *s, unsigned *out, size_t *bad);

/* attach_sample() outcomes. */
enum {
	ATTACH_OK = 0,               /* sampled; more may come */
	ATTACH_ENDED = 1,            /* nothing more to sample (processes exited) */
	ATTACH_ERROR = 2,            /* a permission refusal or I/O failure */
};

/* What one sample cost for one process. */
struct attach_cost {
	bool sampled;                /* read in this sample */
	size_t nmaps;                /* mappings read */
	double ms;                   /* in all, writing included */
	double ms_smaps, ms_pages, ms_write;
	size_t nstreamed;            /* mappings written while smaps was still read */
};

/* The outcome of one attach_sample(). */
struct attach_result {
	size_t sample;               /* its number, from 1 (0: none was complete) */
	size_t nevents;              /* events appended to the trace */
	double ms;                   /* the whole sample's cost */
	struct attach_cost cost[ATTACH_MAX_PROCS];  /* per process: command-line order,
	                                                then the children followed */
	char msg[512];               /* what to tell the user (a process exited,
	                                pagemap refused, an error); "" none */
};

struct attach;

/* Check that the processes exist and make the session's trace.  Returns
 * NULL with ERR set ("no process 42"). */
struct attach *attach_open(const struct attach_opts *o, char *err, size_t errlen);
/* Take one sample of every process still sampled: append its events to
 * the trace (and the output file).  Returns ATTACH_*, with R filled. */
int attach_sample(struct attach *a, struct attach_result *r);
/* The trace the samples go into (owned by A; it grows with each sample). */
struct trace *attach_trace(const struct attach *a);
/* Samples taken so far. */
size_t attach_nsamples(const struct attach *a);
/* Process I (0 or 1): its pid, *NAME its command name; whether it is still
 * sampled.  Returns 0 when there is no process I. */
int attach_process(const struct attach *a, size_t i, const char **name, bool *sampled);
/* Finish: rename the output file into place (kept even after an error,
 * when something was sampled) and free A.  Writes what happened to MSG
 * ("wrote 5 samples to t.jsonl", or the error); returns 0, or 1 when the
 * file could not be written. */
int attach_close(struct attach *a, char *msg, size_t msglen);

/* Sample as O says, printing a cost line per sample to standard output
 * and messages to O->msgs.  Returns 0 (sampled, stopped by count, Ctrl-C
 * or a process exit), 1 on an I/O or permission failure. */
int attach_run(const struct attach_opts *o);

#endif
