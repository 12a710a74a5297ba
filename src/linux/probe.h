/* SPDX-License-Identifier: MIT */
/*
 * probe.h -- what the running Linux kernel does that the model must not
 * assume: page size, transparent huge pages, KSM, overcommit, and whether
 * a read of untouched anonymous memory maps a page (the zero page).
 */
#ifndef VMSCOPE_PROBE_H
#define VMSCOPE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "trace/trace.h"

/* Probe this machine into M (M->present set; unknowns -1 or ""). */
void lx_probe(struct trace_machine *m);
/* The pagemap entry of a page of our own, read and never written (page
 * size PS), in *E; false when pagemap cannot be read. */
bool lx_read_page_entry(long ps, uint64_t *e);
/* Is that entry the zero page (present, not exclusively mapped)? */
bool lx_entry_is_zero_page(uint64_t e);

#endif
