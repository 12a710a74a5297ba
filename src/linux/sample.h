/* SPDX-License-Identifier: MIT */
/*
 * sample.h -- the /proc sampler of `vmscope record` and `vmscope
 * attach`: one process's /proc/PID/smaps and /proc/PID/pagemap, and, when
 * readable (root), /proc/kpagecount and /proc/kpageflags, turned into the
 * observation the linux profile defines (docs/profiles.md,
 * docs/recording.md).  Linux only; no curses.
 */
#ifndef VMSCOPE_TRACE_SAMPLE_H
#define VMSCOPE_TRACE_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace_write.h"

/* pagemap entry bits and a kpageflags bit (pagemap.rst). */
#define PM_PRESENT (1ull << 63)
#define PM_SWAPPED (1ull << 62)
#define PM_FILE (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define KPF_ZERO_PAGE 24

/* One mapping of /proc/PID/smaps, with its pages when they were read. */
struct pm_vma {
	uint64_t start, end;
	uint64_t offset;
	uint8_t prot, max_prot;      /* VM_PROT_* (max from VmFlags mr/mw/me) */
	bool shared;                 /* perms 's' */
	bool dontfork;               /* VmFlags dc (MADV_DONTFORK) */
	bool mergeable;              /* VmFlags mg (MADV_MERGEABLE: KSM may merge it) */
	bool have_vmflags;
	const char *path;            /* pathname column, "" when none (in the snapshot) */
	const char *vmflags;         /* VmFlags text, "" when none (in the snapshot) */
	uint32_t path_off, vmflags_off;   /* (their offsets in the snapshot's arena) */
	char perms[5];
	/* smaps sizes in bytes */
	uint64_t rss, shared_clean, shared_dirty, private_clean, private_dirty, swap, anon;
	/* pagemap (have_pages): page counts by class */
	bool have_pages;             /* pagemap read for the whole range */
	bool have_counts;            /* PFNs, kpagecount and kpageflags read */
	uint32_t pg_present, pg_swapped, pg_zero, pg_private, pg_cow, pg_shared;
	uint32_t pg_exclusive;       /* pagemap bit 56 */
	uint32_t max_mapcount;       /* largest kpagecount of a non-zero page */
	char *pages;                 /* one letter per page (see docs/recording.md), or NULL */
};

/* A snapshot of one process (reused between samples). */
struct pm_snap {
	struct pm_vma *v;
	size_t n, cap;
	size_t v_bytes;              /* V's size (bigarray.h) */
	/* When set, called on the caller's thread while smaps is read (the
	 * parsing one), each time more is parsed: mappings 0..N-1 are whole
	 * (pm_snap_resolve). */
	void (*progress)(void *arg, struct pm_snap *snap, size_t n);
	void *progress_arg;
	char *text;                  /* read buffer (PM_READ_BUF bytes) */
	size_t len, textcap;         /* bytes of smaps read */
	char *paths;                 /* the mappings' paths and VmFlags, one after another */
	size_t paths_len, paths_cap;
	uint32_t recent[8][2];       /* (offset, length) of strings just added: an */
	unsigned nrecent;            /* equal one is shared, not added again */
	char *letters;               /* page letters of all VMAs */
	size_t letters_len, letters_cap;
	double ms_smaps, ms_pages;   /* time spent reading */
};

struct pm_sampler;

/* Open the system-wide files (kpagecount, kpageflags) when readable.  With
 * VMSCOPE_PM_UNBATCHED=1 in the environment the sampler reads them page by
 * page (the old way, kept as the tests' reference) instead of in batches. */
struct pm_sampler *pm_sampler_new(void);
void pm_sampler_free(struct pm_sampler *s);
/* Whether PFNs, /proc/kpagecount and /proc/kpageflags are usable. */
bool pm_sampler_counts(const struct pm_sampler *s);
/* Limit per-page letters to VMAs of at most N pages (0: none). */
void pm_sampler_set_letters(struct pm_sampler *s, size_t max_pages);

enum { PM_OK = 0, PM_GONE = 1, PM_DENIED = 2, PM_ERR = 3 };

/* Read /proc/PID/smaps into SNAP (every mapping).  Returns PM_*; ERR is a
 * message on failure. */
int pm_read_smaps(struct pm_sampler *s, int pid, struct pm_snap *snap, char *err, size_t errlen);
/* Give D (a mapping of one snapshot) the page counts and letters that
 * pm_read_pages found for V, the same range in another: D's letters then
 * point into V's snapshot, which must outlive them. */
void pm_vma_copy_pages(struct pm_vma *d, const struct pm_vma *v);
/* Point the paths and VmFlags of SNAP's mappings FROM..TO-1 into its
 * arena: done for all when a read ends, for a progress hook's mappings
 * by the hook (valid until the read goes on). */
void pm_snap_resolve(struct pm_snap *snap, size_t from, size_t to);
/* Read pagemap (and counts) for the mappings of SNAP whose SELECT flag is
 * set (SELECT NULL: all).  A mapping left out, or beyond what pagemap
 * returns, keeps have_pages false.  Returns PM_*. */
int pm_read_pages(struct pm_sampler *s, int pid, struct pm_snap *snap, const bool *select,
                  char *err, size_t errlen);
void pm_snap_free(struct pm_snap *snap);
/* Mark in BITMAP the pages of NPAGES pages at A in process PID that hold
 * data (present and not the zero page, or swapped).  Returns 0 or -1. */
int pm_data_pages(struct pm_sampler *s, int pid, uint64_t a, uint64_t npages, uint32_t page_size,
                  unsigned char *bitmap);

/* The observation of V as the linux profile defines it (docs/profiles.md):
 * fills OUT (name NULL) and up to 4 extension members in EXT (which must
 * stay alive while OUT is used).  Fields that cannot be known are left
 * unobserved. */
void pm_obs_region(const struct pm_vma *v, uint32_t page_size, struct tw_obs_region *out,
                   struct tw_ext ext[4]);

#endif
