/* SPDX-License-Identifier: MIT */
/*
 * probe.h -- what the running Linux kernel does that the model must not
 * assume: page size, transparent huge pages, KSM, overcommit, and whether
 * a read of untouched anonymous memory maps a page (the zero page).
 */
#ifndef VMSCOPE_PROBE_H
#define VMSCOPE_PROBE_H

#include "trace/trace.h"

/* Probe this machine into M (M->present set; unknowns -1 or ""). */
void lx_probe(struct trace_machine *m);

#endif
