/* SPDX-License-Identifier: MIT */
/*
 * mem_populate.c -- fault in a fresh buffer's pages in one call
 * (mem_populate.h).
 *
 * The first touch of each 4 KiB page of a new buffer costs a page fault,
 * and on a virtual machine a fault can cost 10 us: a few megabytes filled
 * once (a checkpoint's copy, one sample of a process with 20,000
 * mappings) paid more for the faults than for the copying.  One
 * madvise(MADV_POPULATE_WRITE) maps the same pages without a trap per
 * page; for memory already present it only walks the page table.
 */
#define _GNU_SOURCE 1              /* MADV_POPULATE_WRITE */
#include <config.h>

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem_populate.h"

void
mem_populate(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;

	if (p == NULL || len < MEM_POPULATE_MIN || ps <= 0)
		return;
	lo = ((uintptr_t)p + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
	hi = ((uintptr_t)p + len) & ~((uintptr_t)ps - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);   /* a hint */
#else
	(void)p;
	(void)len;
#endif
}
