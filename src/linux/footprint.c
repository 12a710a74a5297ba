/* SPDX-License-Identifier: MIT */
/*
 * footprint.c -- a traced process's anonymous memory and its written
 * pages (footprint.h).
 */
#include <config.h>

#include "footprint.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probe.h"
#include "sample.h"

#define HASH_ZERO 1              /* a present page of zeros (read, never written) */

void
fp_clear_refs(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%d/clear_refs", (int)pid);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "4", 1) != 1) {
			/* no soft-dirty bits then: the probe said so */
		}
		close(fd);
	}
}

/* Our own pagemap entry of the page at P, or 0. */
static uint64_t
self_pagemap(const volatile char *p, uint32_t ps)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (pread(fd, &e, sizeof e, (off_t)((uintptr_t)p / ps * sizeof e)) != sizeof e)
			e = 0;
		close(fd);
	}
	return e;
}

/* Does this kernel keep soft-dirty bits?  A page of our own written after
 * clear_refs must read back soft-dirty. */
static bool
probe_softdirty(uint32_t ps)
{
	volatile char *p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e;

	if (p == MAP_FAILED)
		return false;
	p[0] = 1;
	fp_clear_refs(getpid());
	p[0] = 2;
	e = self_pagemap(p, ps);
	munmap((void *)p, ps);
	return (e >> 55) & 1;
}

/*
 * The zero page's frame number as pagemap shows it (root only), or 0: a
 * page of our own, read, never written -- if it is the zero page, shared
 * and so not exclusively mapped.  A kernel whose read faults allocate a
 * page of the process's own (a Linux 6.18 guest did) shows an exclusive
 * page: its frame is freed with the probe and soon given to the traced
 * program, whose write to it then looked like "still the zero page", a
 * write missed in about one recording in eight.
 */
static uint64_t
probe_zero_pfn(uint32_t ps)
{
	uint64_t e;

	if (!lx_read_page_entry(ps, &e) || !lx_entry_is_zero_page(e))
		return 0;
	return e & PM_PFN_MASK;
}

int
fp_scanner_init(struct fp_scanner *s, uint32_t ps)
{
	memset(s, 0, sizeof *s);
	s->ps = ps;
	s->softdirty = probe_softdirty(ps);
	s->zero_pfn = probe_zero_pfn(ps);
	s->page = malloc(ps);
	return s->page != NULL ? 0 : -1;
}

void
fp_scanner_free(struct fp_scanner *s)
{
	free(s->page);
	s->page = NULL;
}

/* ---- the regions ------------------------------------------------------------- */

void
fp_free(struct footprint *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->r[i].hash);
	free(f->r);
	f->r = NULL;
	f->n = f->cap = 0;
}

int
fp_add(struct footprint *f, uint32_t ps, uint64_t s, uint64_t e, const char *name,
       const uint64_t *old, uint64_t old_start)
{
	struct fp_region *r;
	size_t n = (size_t)((e - s) / ps);

	if (e <= s)
		return 0;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct fp_region *nr = realloc(f->r, cap * sizeof *nr);

		if (nr == NULL)
			return -1;
		f->r = nr;
		f->cap = cap;
	}
	r = &f->r[f->n];
	r->start = s;
	r->end = e;
	snprintf(r->name, sizeof r->name, "%s", name);
	if ((r->hash = calloc(n ? 2 * n : 1, sizeof *r->hash)) == NULL)
		return -1;
	if (old != NULL)
		memcpy(r->hash, old + 2 * ((s - old_start) / ps), 2 * n * sizeof *r->hash);
	f->n++;
	return 0;
}

void
fp_remove(struct footprint *f, uint32_t ps, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < f->n;) {
		struct fp_region r = f->r[i];

		if (r.end <= s || r.start >= e) {
			i++;
			continue;
		}
		f->r[i] = f->r[--f->n];
		if (r.start < s)
			fp_add(f, ps, r.start, s, r.name, r.hash, r.start);
		if (r.end > e)
			fp_add(f, ps, e, r.end, r.name, r.hash, r.start);
		free(r.hash);
	}
}

const struct fp_region *
fp_find(const struct footprint *f, uint64_t a)
{
	for (size_t i = 0; i < f->n; i++)
		if (a >= f->r[i].start && a < f->r[i].end)
			return &f->r[i];
	return NULL;
}

bool
fp_overlaps(const struct footprint *f, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->r[i].start < e && f->r[i].end > s)
			return true;
	return false;
}

/* ---- writes ---------------------------------------------------------------------- */

/* FNV-1a over a page; HASH_ZERO for a page of zeros, never 0 or HASH_ZERO
 * otherwise. */
static uint64_t
page_hash(const unsigned char *b, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	bool zero = true;

	for (size_t i = 0; i < n; i++) {
		zero &= b[i] == 0;
		h = (h ^ b[i]) * 1099511628211ull;
	}
	if (zero)
		return HASH_ZERO;
	return h <= HASH_ZERO ? h + 2 : h;
}

/* Was page I of R (pagemap entry PM) written since the last look?
 * Updates what the look saw (footprint.h says how it tells). */
static bool
page_written(struct fp_scanner *s, int mem, struct fp_region *r, size_t i, uint64_t pm)
{
	uint64_t h, pfn = pm & PM_PFN_MASK, *st = &r->hash[2 * i];
	bool moved;

	if (!(pm & PM_PRESENT)) {
		st[0] = st[1] = 0;
		return false;
	}
	if (s->softdirty)
		return (pm >> 55) & 1;
	if (pfn != 0 && s->zero_pfn != 0) {
		moved = pfn != st[1] && pfn != s->zero_pfn;   /* no content read */
		st[1] = pfn;
		return moved;
	}
	moved = pfn != 0 && st[1] != 0 && pfn != st[1];
	st[1] = pfn;
	if (pread(mem, s->page, s->ps, (off_t)(r->start + i * s->ps)) != (ssize_t)s->ps)
		return moved;
	h = page_hash(s->page, s->ps);
	if (h == st[0])
		return moved;
	st[0] = h;
	return h != HASH_ZERO || moved;
}

/* Read the pagemap entries of N pages from page VPN on (FD) into
 * s->pm_buf; what cannot be read is "not present". */
static void
pm_batch(struct fp_scanner *s, int fd, uint64_t vpn, size_t n)
{
	ssize_t got = pread(fd, s->pm_buf, n * sizeof *s->pm_buf, (off_t)(vpn * 8));

	for (size_t i = got > 0 ? (size_t)got / sizeof *s->pm_buf : 0; i < n; i++)
		s->pm_buf[i] = 0;
}

void
fp_scan(struct fp_scanner *s, struct footprint *f, int pagemap, int mem,
        void (*run)(void *ctx, uint64_t addr, uint64_t len), void *ctx)
{
	for (size_t k = 0; k < f->n; k++) {
		struct fp_region *r = &f->r[k];
		size_t n = (size_t)((r->end - r->start) / s->ps), len = 0;

		for (size_t i = 0; i <= n; i++) {
			bool w = false;

			if (i < n) {
				if (i % FP_BATCH == 0)
					pm_batch(s, pagemap, r->start / s->ps + i, n - i < FP_BATCH ? n - i : FP_BATCH);
				w = page_written(s, mem, r, i, s->pm_buf[i % FP_BATCH]);
			}
			if (w) {
				len++;
				continue;
			}
			if (len > 0)
				run(ctx, r->start + (i - len) * s->ps, len * s->ps);
			len = 0;
		}
	}
}
