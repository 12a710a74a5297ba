/* SPDX-License-Identifier: MIT */
/*
 * import.h -- importers: real memory-map captures in, a trace out.
 *
 * `vmscope import vmmap|smaps|vminfo FILE... -o TRACE` turns a series of
 * captures of one task (macOS vmmap output, Linux /proc/PID/smaps or maps,
 * GNU Mach / Hurd vminfo output) into a trace with one "observe" step per
 * file, so the series can be stepped through in the player and compared
 * with the model (docs/recording.md).  Parsing is strict: every line of a
 * capture is either understood, a known section that carries no regions
 * (vmmap's preamble, legend and summary), or reported as "FILE:LINE:
 * message"; any such error writes no trace.
 */
#ifndef VMSCOPE_TRACE_IMPORT_H
#define VMSCOPE_TRACE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum import_kind { IMPORT_NONE = 0, IMPORT_VMMAP, IMPORT_SMAPS, IMPORT_VMINFO };

/* Outcome of an import (main.c maps it to an exit status). */
enum import_status {
	IMPORT_OK = 0,
	IMPORT_IO = 1,          /* a file could not be read or written */
	IMPORT_BAD = 2,         /* a capture could not be parsed, or is the wrong kind */
};

struct import_opts {
	int kind;                        /* enum import_kind */
	const char *const *files;        /* the captures, in step order */
	size_t nfiles;
	const char *out;                 /* the trace to write */
	const char *task;                /* task name; NULL: from the capture */
	FILE *errs;                      /* where messages go (stderr) */
	/* Called as the captures are parsed (every 4,096 lines): DONE of
	 * TOTAL bytes of all the files given.  NULL: not called. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
};

/* "vmmap" -> IMPORT_VMMAP ...; IMPORT_NONE for anything else. */
int import_kind_parse(const char *s);
const char *import_kind_name(int kind);

/* Guess what TEXT (LEN bytes) is a capture of: enum import_kind, or
 * IMPORT_NONE.  *WHAT receives a description of anything else it
 * recognises ("a vmscope trace"), or NULL. */
int import_sniff(const char *text, size_t len, const char **what);

/* Run an import.  Messages are printed to O->errs. */
int trace_import(const struct import_opts *o);

#endif
