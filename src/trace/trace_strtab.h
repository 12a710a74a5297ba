/* SPDX-License-Identifier: MIT */
/*
 * trace_strtab.h -- string interning for the trace loader.
 *
 * A struct trace_strtab (declared in trace.h) stores each distinct string
 * once and names it by a 32-bit id; id 0 is reserved for "none", so real ids
 * run 1..n-1.  Lookup is an open-addressing hash table of ids.  The table
 * owns its strings: trace_strtab_free releases them, except any entry of
 * strs[] the caller has set to NULL (the loader does that to hand strings
 * over to another owner).
 */
#ifndef VMSCOPE_TRACE_STRTAB_H
#define VMSCOPE_TRACE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

/* Make ST an empty table (no allocation until the first intern). */
void trace_strtab_init(struct trace_strtab *st);
/* Release everything ST holds and leave it empty. */
void trace_strtab_free(struct trace_strtab *st);
/* Return the id of the NUL-terminated string S, adding a copy of it when it
 * is new.  Returns 0 only when memory runs out. */
uint32_t trace_strtab_intern(struct trace_strtab *st, const char *s);
/* Return the id of S, or 0 when S was never interned. */
uint32_t trace_strtab_find(const struct trace_strtab *st, const char *s);
/* Return the string with id ID; "" for 0 or an id out of range. */
const char *trace_strtab_get(const struct trace_strtab *st, uint32_t id);
/* Shrink the id array to the number of strings (after loading). */
void trace_strtab_compact(struct trace_strtab *st);
/* Heap bytes held by ST: arrays by capacity plus each string's bytes. */
size_t trace_strtab_memory(const struct trace_strtab *st);

#endif
