/* SPDX-License-Identifier: MIT */
/*
 * lazy_load.h -- play and render a big trace file before it is all loaded.
 *
 * A trace file of LAZY_BYTES or more is opened with trace_stream: the
 * events up to the step asked for are loaded and replayed at once, and
 * the player loads the rest between keys (ui_loader), so the first screen
 * of a million-event trace costs what its first steps cost.
 */
#ifndef VMSCOPE_LAZY_LOAD_H
#define VMSCOPE_LAZY_LOAD_H

#include <stddef.h>

#include "trace/trace.h"
#include "replay/replay.h"
#include "ui/ui.h"

/* Files at least this big load a little at a time (VMSCOPE_LAZY_BYTES in
 * the environment changes it: the tests make small files lazy). */
#define LAZY_BYTES (8u << 20)

struct lazy_load;

/*
 * If ARG names a trace file big enough, open it, load at least UPTO
 * events (all of them if it has fewer) and open its replay under PROFILE
 * (NULL: the trace's): returns 0 with *T, *R and *OUT set.  A file too
 * small (or standard input, or a scenario) returns 0 with *OUT NULL and
 * nothing opened.  Otherwise an exit status, the error printed.
 */
int lazy_open(const char *arg, const char *profile, size_t upto, struct trace **t,
              struct replay **r, struct lazy_load **out);
/* Let the player load the rest (sets O->loader; LZ must outlive the player). */
void lazy_wire(struct lazy_load *lz, struct ui_opts *o);
/* Close the file; the trace and the replay stay the caller's. */
void lazy_close(struct lazy_load *lz);

#endif
