/* SPDX-License-Identifier: MIT */
/*
 * footprint.h -- a traced process's own anonymous memory, and the pages of
 * it written since the last look (`vmscope record -- COMMAND`).
 *
 * A footprint is a set of regions (the program's anonymous mmaps and its
 * heap) with, per page, what the last look saw: a content hash and a
 * frame number.  fp_scan() says which pages were written since: by their
 * soft-dirty bit where the kernel keeps one (clear_refs 4, pagemap bit 55),
 * else by a new frame that is not the zero page's (frames are visible as
 * root: a write fault or a copy-on-write, whatever value was written),
 * else by a changed content hash (a page of zeros counts as read).  Pages
 * are read through /proc/PID/mem: process_vm_readv pins pages, and a
 * read-only pin of an anonymous page that a fork shares makes the kernel
 * unshare it (mm/gup.c gup_must_unshare), which would break the very
 * copy-on-write sharing being recorded.  Linux only; no curses.
 */
#ifndef VMSCOPE_FOOTPRINT_H
#define VMSCOPE_FOOTPRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FP_BATCH 512             /* pagemap entries read at once */

struct fp_region {
	uint64_t start, end;
	char name[48];
	uint64_t *hash;              /* per page, two words: content hash (0 not present),
	                                and frame number (0 unknown: not root) */
};

struct footprint {
	struct fp_region *r;
	size_t n, cap;
};

/* How pages are told written on this machine, and scratch space. */
struct fp_scanner {
	uint32_t ps;                 /* page size */
	bool softdirty;              /* the kernel keeps soft-dirty bits */
	uint64_t zero_pfn;           /* the zero page's frame (root), 0 unknown */
	unsigned char *page;         /* one page, for hashing */
	uint64_t pm_buf[FP_BATCH];
};

/* Probe this machine into S (page size PS); returns 0 or -1 (memory). */
int fp_scanner_init(struct fp_scanner *s, uint32_t ps);
void fp_scanner_free(struct fp_scanner *s);
/* Clear PID's soft-dirty bits (write "4" to /proc/PID/clear_refs). */
void fp_clear_refs(pid_t pid);

void fp_free(struct footprint *f);
/* Add [S, E) named NAME; the pages' state from OLD (pages of OLD_START
 * on), or none.  Returns 0 or -1. */
int fp_add(struct footprint *f, uint32_t ps, uint64_t s, uint64_t e, const char *name,
           const uint64_t *old, uint64_t old_start);
/* Take [S, E) out (splitting regions). */
void fp_remove(struct footprint *f, uint32_t ps, uint64_t s, uint64_t e);
/* The region holding A, or NULL. */
const struct fp_region *fp_find(const struct footprint *f, uint64_t a);
/* Does any region overlap [S, E)? */
bool fp_overlaps(const struct footprint *f, uint64_t s, uint64_t e);

/* Call RUN(CTX, ADDR, LEN) for each run of F's pages written since the
 * last look, reading PAGEMAP and MEM (the process's open /proc files; MEM
 * may be -1 with soft-dirty bits). */
void fp_scan(struct fp_scanner *s, struct footprint *f, int pagemap, int mem,
             void (*run)(void *ctx, uint64_t addr, uint64_t len), void *ctx);

#endif
