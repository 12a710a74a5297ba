/* SPDX-License-Identifier: MIT */
/*
 * record.h -- `vmscope record`: run a scenario for real on Linux.
 *
 * The recorder replays a trace through the model (under the linux
 * profile, to learn each step's intended outcome and the model's chosen
 * addresses), then runs the same events in real processes: one process per
 * trace task, each obeying commands from the recorder over a socket.
 * After every step it reads /proc/PID/smaps and /proc/PID/pagemap (and,
 * as root, /proc/kpagecount and /proc/kpageflags) of every live task and
 * writes what the kernel showed as "observe" events, so that `vmscope
 * check` can compare model and kernel (docs/recording.md).
 *
 * The /proc sampler it uses is in sample.h.  No curses here.  Everything is Linux-only; elsewhere trace_record()
 * reports that and returns an error.
 */
#ifndef VMSCOPE_TRACE_RECORD_H
#define VMSCOPE_TRACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sample.h"
#include "trace/trace_write.h"

struct trace;

/* ---- recording ---------------------------------------------------------- */

struct record_opts {
	const struct trace *t;       /* the scenario, loaded */
	const char *scenario;        /* its name or path, for the header */
	const char *out;             /* TRACE (a temporary file renamed at the end; "-" stdout) */
	FILE *msgs;                  /* progress and errors (stderr) */
	bool verbose;                /* one line per step on MSGS */
};

/* Exit statuses of trace_record(). */
enum {
	RECORD_OK = 0,               /* recorded, every step ran */
	RECORD_IO = 1,               /* system or I/O failure; no trace */
	RECORD_BAD_INPUT = 2,        /* the scenario cannot be recorded */
	RECORD_INTERRUPTED = 128,    /* + the signal (130 SIGINT, 143 SIGTERM, 129
	                                SIGHUP): a shorter trace was kept */
};

/* Record O->t into O->out.  Returns a RECORD_* status.  Every process the
 * recorder started has been killed and reaped when it returns. */
int trace_record(const struct record_opts *o);

#endif
