/* SPDX-License-Identifier: MIT */
/*
 * dump.h -- the headless sink: region reports as vmmap-like text or JSON
 * Lines, one object per step (docs/dump-format.md).
 */
#ifndef VMSCOPE_DUMP_H
#define VMSCOPE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct replay;

/* Print the state at the replay's current position (its step K). */
void dump_step_text(struct replay *r, FILE *out);
void dump_step_json(struct replay *r, FILE *out);

/* Make S safe for a terminal, in place: escape sequences, C0 and C1
 * controls and bidi overrides dropped, invalid UTF-8 as '?' (trace/text.h).
 * Returns S. */
char *dump_sanitize(char *s);

#endif
