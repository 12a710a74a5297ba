/* SPDX-License-Identifier: MIT */
/*
 * dump.h -- the headless sink: region reports as vmmap-like text, JSON
 * Lines (one object per step) or CSV (one row per region per step), in
 * full or as the changes from the previous step (docs/dump-format.md).
 *
 * A snapshot (struct dump_snap) holds every live task's region reports at
 * one step; the printers read snapshots, so that "what changed" is the
 * difference of two of them.  No curses, no JSON library.
 */
#ifndef VMSCOPE_DUMP_H
#define VMSCOPE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vm/vm.h"

struct replay;

/* The version of the dump format, in every JSON line ("format"). */
#define DUMP_FORMAT_VERSION 1

enum dump_format { DUMP_TEXT, DUMP_JSON, DUMP_CSV };

/* One region of one task at one step. */
struct dump_row {
	int task;                    /* world task index */
	const char *name;            /* its "as" label, NULL: none (owned by the trace) */
	struct vm_region_info ri;
};

/* Every live task's regions at one step, tasks in order, regions by address. */
struct dump_snap {
	size_t step;
	struct dump_row *rows;
	size_t n, cap;
};

/* Take the snapshot of the replay's current position into S (its old
 * contents are replaced; zero it before the first use). */
void dump_snap_take(struct replay *r, struct dump_snap *s);
void dump_snap_free(struct dump_snap *s);

/* Print the state at the replay's current position, in full. */
void dump_step(struct replay *r, enum dump_format f, FILE *out);
/* Print only what changed from PREV (the previous step's snapshot) to CUR
 * (the current position's). */
void dump_changes(struct replay *r, enum dump_format f, const struct dump_snap *prev,
                  const struct dump_snap *cur, FILE *out);
/* The CSV header line (for the full or the --changes rows). */
void dump_csv_header(bool changes, FILE *out);

/* Make S safe for a terminal, in place: escape sequences, C0 and C1
 * controls and bidi overrides dropped, invalid UTF-8 as '?' (trace/text.h).
 * Returns S. */
char *dump_sanitize(char *s);

/* ---- shared by dump.c and dump_json.c --------------------------------------- */

/* The region fields compared by --changes, in the order they are shown. */
enum dump_field {
	DF_END, DF_PROT, DF_MAX_PROT, DF_INHERITANCE, DF_SHARE_MODE, DF_REF_COUNT,
	DF_RESIDENT, DF_DIRTIED, DF_COW, DF_SHARED, DF_DEPTH, DF_OBJECT, DF_NEEDS_COPY,
	DF_COUNT
};
/* The JSON key of field F ("ref_count"). */
const char *dump_field_key(int f);
/* Field F of R as text ("SM_COW", "rw-", "0x4000", "2") into BUF. */
void dump_field_text(const struct vm_region_info *r, int f, char *buf, size_t len);
/* Is field F a number in JSON (else a string)? */
bool dump_field_numeric(int f);

/* Walk PREV and CUR together (both start at *I = *J = 0): the next pair of
 * the same region (task and start) in *A and *B, or a region of only one
 * side (the other NULL).  Returns false when both are done. */
bool dump_diff_next(const struct dump_snap *prev, const struct dump_snap *cur, size_t *i,
                    size_t *j, const struct dump_row **a, const struct dump_row **b);

void dump_json_step(struct replay *r, const struct dump_snap *s, FILE *out);
void dump_json_changes(struct replay *r, const struct dump_snap *prev,
                       const struct dump_snap *cur, FILE *out);

#endif
