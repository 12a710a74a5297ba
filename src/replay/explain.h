/* SPDX-License-Identifier: MIT */
/*
 * explain.h -- a step's effects in words (explain.c).
 */
#ifndef VMSCOPE_EXPLAIN_H
#define VMSCOPE_EXPLAIN_H

#include <stddef.h>

#include "vm/vm.h"

/* Write what the effects FX say happened into BUF ("copy-on-write fault:
 * ..."), phrases separated by "; "; returns how many phrases, 0 when none
 * (BUF is then ""). */
int explain_effects(const struct vm_effects *fx, char *buf, size_t len);
/* Replace each "(s)" in S by "s", or drop it when N is 1; the new length. */
size_t explain_plural(char *s, unsigned n);

#endif
