/* SPDX-License-Identifier: MIT */
/*
 * pagefeed.h -- pagemap read on a thread of its own, fed by the smaps
 * parse: the mappings parsed so far go to the thread, which reads their
 * pagemap entries (and map counts) in batches while the kernel writes the
 * rest of smaps.  The mapping list is smaps' own, so no other list (such
 * as /proc/PID/maps) is read to know where to look.  Linux only; no
 * curses.
 */
#ifndef VMSCOPE_LINUX_PAGEFEED_H
#define VMSCOPE_LINUX_PAGEFEED_H

#include <stdbool.h>
#include <stddef.h>

#include "sample.h"

struct pm_feed;

/* A feed for one process, reused from sample to sample (NULL: out of
 * memory). */
struct pm_feed *pm_feed_new(void);
void pm_feed_free(struct pm_feed *f);

/* Start reading PID's pages with sampler S (which nothing else may use
 * until pm_feed_end).  Letters taken from the last sample become invalid.
 * False when no thread could be started. */
bool pm_feed_begin(struct pm_feed *f, struct pm_sampler *s, int pid);
/* Give the thread mappings SNAP->v[K] for K from the last count given up
 * to N (all whole: a progress hook's N, or SNAP->n at the end). */
void pm_feed_push(struct pm_feed *f, const struct pm_snap *snap, size_t n);
/* Whether mapping K (of those pushed) has been read. */
bool pm_feed_has(struct pm_feed *f, size_t k);
/* Give D, mapping K of those pushed, what the thread read of it; false
 * when not read (yet, or ever).  K may only grow from call to call
 * within a sample.  D's letters point into the feed: while the thread
 * runs, only until a mapping of a later batch is taken (the thread then
 * reuses the memory); after pm_feed_end, until the next sample. */
bool pm_feed_take(struct pm_feed *f, struct pm_vma *d, size_t k);
/* No more mappings: wait for the thread.  Returns its PM_* (on failure
 * with ERR set; the mappings read before it stay takeable) and puts the
 * milliseconds it spent reading into *MS. */
int pm_feed_end(struct pm_feed *f, double *ms, char *err, size_t errlen);

#endif
