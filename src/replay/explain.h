/* SPDX-License-Identifier: MIT */
/*
 * explain.h -- a step's effects in words (explain.c).
 */
#ifndef VMSCOPE_EXPLAIN_H
#define VMSCOPE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "vm/vm.h"

/* Write what the effects FX say happened into BUF ("copy-on-write fault:
 * ..."), phrases separated by "; ", in Mach terms or, with LINUX_TERMS,
 * in Linux terms (page tables, do_wp_page, the zero page; never Mach's
 * objects, shadows or needs_copy); returns how many phrases, 0 when none
 * (BUF is then ""). */
int explain_effects(const struct vm_effects *fx, bool linux_terms, char *buf, size_t len);
/* Replace each "(s)" in S by "s", or drop it when N is 1; the new length. */
size_t explain_plural(char *s, unsigned n);

#endif
