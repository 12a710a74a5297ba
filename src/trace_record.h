/*
 * trace_record.h -- `vmscope record`: run a scenario for real on Linux.
 *
 * The recorder replays a trace through the model (under the linux
 * profile, to learn each step's intended outcome and the model's chosen
 * addresses), then runs the same events in real processes: one process per
 * trace task, each obeying commands from the recorder over a socket.
 * After every step it reads /proc/PID/smaps and /proc/PID/pagemap (and,
 * as root, /proc/kpagecount and /proc/kpageflags) of every live task and
 * writes what the kernel showed as "observe" events, so that `vmscope
 * check` can compare model and kernel (docs/recording.md).
 *
 * The /proc sampler (pm_*) is shared with `vmscope attach` (attach.h).
 * No curses here.  Everything is Linux-only; elsewhere trace_record()
 * reports that and returns an error.
 */
#ifndef VMSCOPE_TRACE_RECORD_H
#define VMSCOPE_TRACE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace_write.h"

struct trace;

/* ---- recording ---------------------------------------------------------- */

struct record_opts {
	const struct trace *t;       /* the scenario, loaded */
	const char *scenario;        /* its name or path, for the header */
	const char *out;             /* TRACE (written as TRACE.tmp, then renamed) */
	FILE *msgs;                  /* progress and errors (stderr) */
	bool verbose;                /* one line per step on MSGS */
};

/* Exit statuses of trace_record(). */
enum {
	RECORD_OK = 0,               /* recorded, every step ran */
	RECORD_IO = 1,               /* system or I/O failure; no trace */
	RECORD_BAD_INPUT = 2,        /* the scenario cannot be recorded */
	RECORD_INTERRUPTED = 130,    /* SIGINT/SIGTERM: a shorter trace was kept */
};

/* Record O->t into O->out.  Returns a RECORD_* status.  Every process the
 * recorder started has been killed and reaped when it returns. */
int trace_record(const struct record_opts *o);

/* ---- the /proc sampler (record and attach) ------------------------------ */

/* One mapping of /proc/PID/smaps, with its pages when they were read. */
struct pm_vma {
	uint64_t start, end;
	uint64_t offset;
	uint8_t prot, max_prot;      /* VM_PROT_* (max from VmFlags mr/mw/me) */
	bool shared;                 /* perms 's' */
	bool dontfork;               /* VmFlags dc (MADV_DONTFORK) */
	bool have_vmflags;
	const char *path;            /* pathname column, "" when none (in the snapshot) */
	size_t path_off;             /* (the path's offset in the snapshot's text) */
	char perms[5];
	char vmflags[96];            /* VmFlags text (truncated) */
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
	char *text;                  /* the smaps text (paths point into it) */
	size_t len, textcap;
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
/* Read pagemap (and counts) for the mappings of SNAP whose SELECT flag is
 * set (SELECT NULL: all).  A mapping left out, or beyond what pagemap
 * returns, keeps have_pages false.  Returns PM_*. */
int pm_read_pages(struct pm_sampler *s, int pid, struct pm_snap *snap, const bool *select,
                  char *err, size_t errlen);
void pm_snap_free(struct pm_snap *snap);

/* The observation of V as the linux profile defines it (docs/profiles.md):
 * fills OUT (name NULL) and up to 4 extension members in EXT (which must
 * stay alive while OUT is used).  Fields that cannot be known are left
 * unobserved. */
void pm_obs_region(const struct pm_vma *v, uint32_t page_size, struct tw_obs_region *out,
                   struct tw_ext ext[4]);

#endif
