/* SPDX-License-Identifier: MIT */
/*
 * trace.h -- the vmscope trace: header plus compact events.
 *
 * A trace file is JSON Lines (docs/trace-format.md): line 1 is the header,
 * every further line one event.  The loader streams it line by line into the
 * compact structs below; no JSON tree outlives the line it came from.
 * Strings are interned once (id 0 means "none"); task names have their own
 * small table so events can carry 16-bit task ids.  Sizes written in pages
 * ("16p") keep that unit (TEF_*_PAGES) and are resolved at replay time,
 * because --profile may change the page size.
 *
 * This layer never includes curses.
 */
#ifndef VMSCOPE_TRACE_H
#define VMSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trace_op {
	TOP_NONE = 0,
	TOP_ALLOCATE, TOP_DEALLOCATE, TOP_WRITE, TOP_READ, TOP_FORK, TOP_INHERIT,
	TOP_PROTECT, TOP_OOL_SEND, TOP_MAKE_MEMORY_ENTRY, TOP_MAP_ENTRY,
	TOP_RELEASE_ENTRY, TOP_MAP_FILE, TOP_EXIT, TOP_NOTE, TOP_OBSERVE, TOP_EXEC,
	TOP_COUNT
};

/* Event flags. */
enum {
	TEF_ADDR = 1u << 0,          /* addr given */
	TEF_SIZE = 1u << 1,          /* size given */
	TEF_OFFSET = 1u << 2,        /* offset given */
	TEF_ADDR_PAGES = 1u << 3,    /* addr is in pages */
	TEF_SIZE_PAGES = 1u << 4,
	TEF_OFFSET_PAGES = 1u << 5,
	TEF_PURGEABLE = 1u << 6,     /* allocate */
	TEF_DEALLOC = 1u << 7,       /* ool_send deallocate: true */
	TEF_PHYSICAL = 1u << 8,      /* ool_send copy: physical */
	TEF_SET_MAX = 1u << 9,       /* protect: "max" given */
	TEF_PRIVATE = 1u << 10,      /* map_file private: true */
	TEF_MORE = 1u << 11,         /* observe: continued on the next line (loader only) */
	TEF_PARTIAL = 1u << 12,      /* observe: only some of the task's regions were looked at */
};

struct trace_event {
	uint64_t addr, size, offset;
	uint32_t line;               /* line number in the file (1-based) */
	uint32_t region;             /* string id: region / entry / file / note text */
	uint32_t as;                 /* string id: name to give, 0 = none */
	uint32_t annot;              /* 1-based index into annots, 0 = none */
	uint32_t obs;                /* 1-based index into obs, 0 = none */
	uint16_t task;               /* task name id */
	uint16_t task2;              /* fork child / ool receiver name id */
	uint16_t flags;              /* TEF_* */
	uint16_t tag;                /* allocate: user tag */
	uint8_t op;                  /* enum trace_op */
	uint8_t prot;                /* protect: new protection */
	uint8_t max_prot;            /* protect: new max (with TEF_SET_MAX) */
	uint8_t inheritance;         /* inherit */
};

struct trace_annot {
	uint32_t note;               /* string id of "note" narration, 0 = none */
	uint32_t mark;               /* string id of "mark" chapter name, 0 = none */
	uint32_t ask;                /* TASK_* fields asked at this step, 0 = none */
	uint32_t notes;              /* string id of "notes" (speaker notes), 0 = none */
};

/*
 * The region fields a step may ask about ("ask": ["share_mode", ...]),
 * named as in `dump --json`.  A quiz or `vmscope grade` asks each of them
 * for every named region of the step's task(s).
 */
enum trace_ask {
	TASK_SHARE_MODE, TASK_REF_COUNT, TASK_RESIDENT, TASK_DIRTIED, TASK_SHADOW_DEPTH,
	TASK_OBJECT, TASK_NEEDS_COPY, TASK_PROT, TASK_MAX_PROT, TASK_INHERITANCE,
	TASK_PAGES_COW, TASK_PAGES_SHARED, TASK_COUNT
};
/* The dump name of ask field F ("share_mode"), or NULL. */
const char *trace_ask_name(int f);
/* The ask field called NAME (dump's names; "resident" and "depth" too), or -1. */
int trace_ask_parse(const char *name);

/* Which optional fields of an observed region were given (the loader
 * sets them, the writer writes only those): an absent field is "not
 * observed", not zero. */
enum {
	TOBS_PROT = 1u << 0, TOBS_MAX_PROT = 1u << 1, TOBS_SHARE_MODE = 1u << 2,
	TOBS_REF_COUNT = 1u << 3, TOBS_RESIDENT = 1u << 4, TOBS_DIRTIED = 1u << 5,
	TOBS_SWAPPED = 1u << 6, TOBS_PRIVATE = 1u << 7, TOBS_COW = 1u << 8,
	TOBS_SHARED = 1u << 9, TOBS_ZERO = 1u << 10,
};

/* One region of a recorded observation ("op": "observe"). */
struct trace_obs_region {
	uint64_t start, end;
	uint32_t name;               /* string id */
	uint16_t have;               /* TOBS_* */
	uint8_t prot, max_prot;
	uint8_t share_mode;          /* enum vm_share_mode, 0 = not observed */
	uint8_t xflags;              /* TOBSX_*: what its x_ keys tell check */
	uint32_t ref_count;
	uint32_t pages_resident, pages_dirtied, pages_swapped;
	uint32_t pages_private, pages_cow, pages_shared, pages_zero;
};

/* From "x_vmflags" (smaps VmFlags, written by attach and record): "mg",
 * the mapping is one KSM may merge (MADV_MERGEABLE). */
enum { TOBSX_MERGEABLE = 1u << 0 };

struct trace_obs {
	uint32_t nregions;
	struct trace_obs_region *regions;
	bool partial;                /* "partial": model regions overlapping none of the
	                                observed ones were not looked at (not compared) */
};

struct trace_strtab {
	char **strs;                 /* [0] unused */
	uint32_t n, cap;
	uint32_t *hash;              /* open addressing, string ids */
	uint32_t hcap;
};

/* What the recorder probed on the machine a trace was recorded on (the
 * header's "machine"): the behaviour the model must not assume. */
struct trace_machine {
	bool present;
	char kernel[128];            /* uname -r and -v, "" unknown */
	uint32_t page_size;          /* sysconf(_SC_PAGESIZE), 0 unknown */
	char thp[16];                /* transparent_hugepage/enabled: always, madvise, never, "" */
	int ksm;                     /* /sys/kernel/mm/ksm/run: 1 on, 0 off, -1 unknown */
	int overcommit;              /* /proc/sys/vm/overcommit_memory 0..2, -1 unknown */
	int zero_page_on_read;       /* a read of untouched anonymous memory maps a page:
	                                1 yes (the shared zero page), 0 no, -1 unknown */
};

struct trace {
	char *path;                  /* as given, for messages */
	struct trace_machine machine;
	char *title;
	char *profile;               /* as written in the header, may be NULL */
	uint32_t page_size;          /* 0: the profile's */
	uint16_t nheader_tasks;      /* task ids 0..n-1 are the header's tasks */
	char **task_names;           /* by task id */
	bool *task_unnamed;          /* by task id: a slot reserved, not named yet (NULL: none) */
	uint16_t ntask_names, task_names_cap;
	struct trace_event *ev;
	size_t nev, ev_cap;
	struct trace_annot *annots;
	uint32_t nannots, annots_cap;
	struct trace_obs *obs;
	uint32_t nobs, obs_cap;
	struct trace_strtab strings;
};

/* A load error, printed as "FILE:LINE:COL: message". */
struct trace_error {
	char file[256];
	unsigned line, col;
	char msg[256];
};
void trace_error_format(const struct trace_error *e, char *buf, size_t len);

/* Load a trace file.  Returns 0, or -1 with *err filled. */
int trace_load_file(const char *path, struct trace **out, struct trace_error *err);
/* The same, calling PROGRESS(CTX, DONE, TOTAL) as the file is read (DONE
 * bytes of TOTAL; TOTAL 0 when unknown, as for a pipe). */
typedef void (*trace_progress_fn)(void *ctx, uint64_t done, uint64_t total);
int trace_load_file_progress(const char *path, struct trace **out, struct trace_error *err,
                             trace_progress_fn progress, void *ctx);
/* Load from memory (built-in scenarios); NAME is used in messages. */
/*
 * Loading a big trace a little at a time (the player shows the first steps
 * at once and loads the rest while it waits for keys).  trace_stream_open()
 * opens PATH (a file) and loads its header; trace_stream_load() loads
 * lines until the trace has at least UPTO events or the file ends, and
 * returns 1 (more to come), 0 (all loaded: the trace is what
 * trace_load_file would give) or -1 (an error, in trace_stream_error();
 * the events before it stay).  Loading appends to the trace's arrays and
 * may move them, and may add task names (ids stay).  trace_stream_trace()
 * is the trace, which trace_stream_close() leaves to the caller to free.
 */
struct trace_stream;
int trace_stream_open(const char *path, struct trace_stream **out, struct trace_error *err);
int trace_stream_load(struct trace_stream *s, size_t upto);
struct trace *trace_stream_trace(const struct trace_stream *s);
const struct trace_error *trace_stream_error(const struct trace_stream *s);
/* How much of the file is loaded, 0..1 (-1: its size is unknown). */
double trace_stream_fraction(const struct trace_stream *s);
void trace_stream_close(struct trace_stream *s);
int trace_load_mem(const char *name, const char *buf, size_t len, struct trace **out,
                   struct trace_error *err);
void trace_free(struct trace *t);

const char *trace_str(const struct trace *t, uint32_t id);       /* "" for 0 */
const char *trace_task_name(const struct trace *t, uint16_t id);
/* Does E name a second task in task2 (a fork's child, an OOL receiver)? */
bool trace_event_has_task2(const struct trace_event *e);
const char *trace_op_name(int op);                              /* "allocate" */
const char *trace_event_note(const struct trace *t, const struct trace_event *e);
const char *trace_event_mark(const struct trace *t, const struct trace_event *e);
/* The speaker notes of event E ("notes"), or NULL. */
const char *trace_event_notes(const struct trace *t, const struct trace_event *e);
/* The fields asked at event E: a mask of 1 << TASK_*, 0 for none. */
uint32_t trace_event_ask(const struct trace *t, const struct trace_event *e);
/* Heap bytes held by the trace (for the memory-per-event benchmark). */
size_t trace_memory(const struct trace *t);

/*
 * Traces built in memory, growing while they are shown (vmscope attach).
 * trace_new() makes a trace with no events whose header tasks are TASKS
 * (ids 0..NTASKS-1; NAME stands for the file in messages; TITLE and
 * PROFILE may be NULL); NULL when out of memory.  trace_append() appends a
 * copy of event E -- its string ids from trace_intern() of the same trace,
 * its task ids among the existing ones; E's line, annot and obs are set
 * here -- with NOTE and MARK (NULL: none) and, for an observe event, a copy
 * of the NREGIONS observed REGIONS.  It returns 0, or -1 (out of memory, an
 * unknown task id) leaving T unchanged.  Appending moves t->ev and t->obs:
 * pointers into them do not survive it (string ids and texts do).  A
 * replay of T takes the new events in with replay_extend().
 */
struct trace *trace_new(const char *name, const char *title, const char *profile,
                        uint32_t page_size, const char *const *tasks, size_t ntasks);
/* Add task NAME (not a header task: it exists once a fork makes it) to T,
 * before a replay of T is opened; UNNAMED: a slot kept for a task still to
 * come, which the player does not list until trace_task_rename names it.
 * Returns its id, or -1 (out of memory, too many tasks, a name already
 * there). */
int trace_task_add(struct trace *t, const char *name, bool unnamed);
/* Is task ID a slot not named yet? */
bool trace_task_unnamed(const struct trace *t, uint16_t id);
/* Rename task ID of T to NAME while no event names it yet (vmscope attach
 * --follow names a child when it is forked).  Returns 0 or -1. */
int trace_task_rename(struct trace *t, uint16_t id, const char *name);
/* The string id of S in T, added when new (0 for NULL or "", or out of memory). */
uint32_t trace_intern(struct trace *t, const char *s);
int trace_append(struct trace *t, const struct trace_event *e, const char *note,
                 const char *mark, const struct trace_obs_region *regions, size_t nregions);
/* trace_append() of an observe event whose NREGIONS REGIONS (from
 * malloc) become T's, not copied: a 20,000-mapping sample is megabytes.
 * They are T's to free whatever the result, -1 included. */
int trace_append_take(struct trace *t, const struct trace_event *e, const char *note,
                      const char *mark, struct trace_obs_region *regions, size_t nregions);

#endif
