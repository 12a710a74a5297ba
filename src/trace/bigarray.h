/* SPDX-License-Identifier: MIT */
/*
 * bigarray.h -- growable arrays of many records (one per mapping of a
 * process, a capture's text) whose pages are asked for in 2 MiB units.
 */
#ifndef VMSCOPE_TRACE_BIGARRAY_H
#define VMSCOPE_TRACE_BIGARRAY_H

#include <stddef.h>

/* Arrays that grow past BIG_ARRAY_FROM bytes become mappings of their
 * own, a multiple of BIG_ARRAY_MIN bytes. */
#define BIG_ARRAY_FROM ((size_t)128 << 10)
#define BIG_ARRAY_MIN ((size_t)2 << 20)

void *big_array_grow(void *p, size_t *bytes, size_t need);
void big_array_free(void *p, size_t bytes);

#endif
