/* SPDX-License-Identifier: MIT */
/*
 * mem_populate.h -- fault in a fresh buffer's pages in one call.
 *
 * Not part of the model: a helper of vmscope's own memory that every
 * layer may use, kept in the lowest one.
 */
#ifndef VMSCOPE_VM_MEM_POPULATE_H
#define VMSCOPE_VM_MEM_POPULATE_H

#include <stddef.h>

/* Buffers smaller than this are left to fault page by page. */
#define MEM_POPULATE_MIN ((size_t)64 << 10)

/* Fault in the whole pages within [P, P + LEN) for writing, when LEN is
 * at least MEM_POPULATE_MIN and the kernel can (Linux 5.14 and later);
 * else nothing. */
void mem_populate(void *p, size_t len);

#endif
