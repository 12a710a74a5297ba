/* SPDX-License-Identifier: MIT */
/*
 * trace_write.h -- the trace writer: a vmscope trace out, as JSON Lines.
 *
 * The sink that importers, the recorder and tools use to produce a trace
 * that trace_load_file() reads back (docs/trace-format.md).  A writer
 * writes through outfile.h: "-" is standard output; otherwise a private
 * temporary file beside PATH is renamed onto PATH only when
 * trace_writer_close() succeeds, so a reader never sees half a trace under
 * the final name; trace_writer_abort() removes the temporary file.  With
 * line_flush each line is flushed as soon as it is complete (the recorder
 * uses it: a killed recording leaves whole lines in the temporary file,
 * ".PATH.XXXXXX" beside PATH).
 *
 * Strings are escaped for JSON; bytes that are not valid UTF-8 become
 * U+FFFD, so whatever a capture holds, the trace loads.  Addresses and
 * byte sizes are written as "0x..." strings, page sizes as "Np", counters
 * as JSON integers.  Errors are sticky: after the first failed write every
 * call fails and trace_writer_close() reports the first error.
 *
 * Ownership: the writer copies nothing it is given; every string and array
 * passed in only needs to live for the duration of the call.
 */
#ifndef VMSCOPE_TRACE_WRITE_H
#define VMSCOPE_TRACE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace.h"

struct trace_writer;

/* One "x_" extension member (the key must start with "x_"). */
enum tw_ext_type { TW_EXT_STR, TW_EXT_UINT, TW_EXT_BOOL };
struct tw_ext {
	const char *key;             /* "x_pid" */
	int type;                    /* enum tw_ext_type */
	const char *s;               /* TW_EXT_STR */
	uint64_t u;                  /* TW_EXT_UINT; TW_EXT_BOOL: 0 or 1 */
};

/* The header line.  NULL / 0 fields are left out. */
struct tw_header {
	const char *title;
	const char *profile;
	const char *const *tasks;    /* at least one */
	size_t ntasks;
	uint32_t page_size;          /* 0: the profile's */
	const struct trace_machine *machine;   /* "machine", or NULL */
	const char *const *notes;    /* written as "x_notes": [...] */
	size_t nnotes;
	const struct tw_ext *ext;
	size_t next;
};

/* Regions per observe line; longer observations continue ("more"). */
#define TW_OBS_CHUNK 1000


/* One region of an "observe" event. */
struct tw_obs_region {
	uint64_t start, end;         /* bytes, start < end */
	const char *name;            /* NULL: none */
	uint32_t have;               /* TOBS_* (trace.h): fields present */
	uint8_t prot, max_prot;      /* VM_PROT_* bits */
	uint8_t share_mode;          /* enum vm_share_mode */
	uint32_t ref_count;
	uint32_t pages_resident, pages_dirtied, pages_swapped;
	uint32_t pages_private, pages_cow, pages_shared, pages_zero;
	const struct tw_ext *ext;
	size_t next;
};

/*
 * One event, with strings instead of the loader's string ids.  OP is an
 * enum trace_op; FLAGS are TEF_* bits and say which of addr/size/offset are
 * present and whether they are in pages.  NAME is written under the key the
 * op uses for it: "region" (range ops), "entry" (map_entry, release_entry),
 * "file" (map_file) or "text" (note).
 */
struct tw_event {
	int op;
	const char *task;            /* NULL for note, release_entry */
	const char *task2;           /* fork "child" / ool_send "to" */
	const char *name;            /* region / entry / file / text */
	const char *as;
	const char *note, *mark;
	uint32_t ask;                /* 1 << TASK_* fields asked, 0 = none */
	const char *notes;           /* speaker notes, NULL = none */
	uint64_t addr, size, offset;
	uint16_t flags;              /* TEF_* */
	uint16_t tag;                /* allocate: written when non-zero */
	uint8_t prot, max_prot;      /* protect ("max" with TEF_SET_MAX) */
	uint8_t inheritance;         /* inherit */
	const struct tw_obs_region *regions;  /* observe */
	size_t nregions;
	const struct tw_ext *ext;
	size_t next;
};

/* Open a writer for PATH ("-": standard output).  Returns NULL with ERR set. */
struct trace_writer *trace_writer_open(const char *path, char *err, size_t errlen);
/* Flush after every line (default: off). */
void trace_writer_set_line_flush(struct trace_writer *w, bool on);
/* Write the header; must come first and once.  Returns 0 or -1. */
int trace_writer_header(struct trace_writer *w, const struct tw_header *h);
/* Write one event.  Returns 0 or -1. */
int trace_writer_event(struct trace_writer *w, const struct tw_event *e);
/*
 * An observation written a region at a time, as trace_writer_event()
 * writes E with its regions (vmscope attach writes while it still reads):
 * trace_writer_obs_begin() with E (its regions unused; its strings need
 * not outlive the call), trace_writer_obs_add() for each region, then
 * trace_writer_obs_end().  trace_writer_obs_cancel() takes back what was
 * written since the begin, when trace_writer_obs_can_cancel() (a file, not
 * standard output).  All return 0 or -1 (trace_writer_error).
 */
int trace_writer_obs_begin(struct trace_writer *w, const struct tw_event *e);
int trace_writer_obs_add(struct trace_writer *w, const struct tw_obs_region *r);
int trace_writer_obs_end(struct trace_writer *w);
bool trace_writer_obs_can_cancel(const struct trace_writer *w);
int trace_writer_obs_cancel(struct trace_writer *w);
/* Write event E of the loaded trace T (its annotation and observation too). */
int trace_writer_trace_event(struct trace_writer *w, const struct trace *t,
                             const struct trace_event *e);
/* Write the whole loaded trace T (header and events). */
int trace_writer_trace(struct trace_writer *w, const struct trace *t);
/* The first error of W ("PATH: write: No space left on device"), or NULL. */
const char *trace_writer_error(const struct trace_writer *w);
/* Number of lines written so far. */
size_t trace_writer_lines(const struct trace_writer *w);
/* Finish: flush, sync, rename the temporary file onto PATH, free W.
 * Returns 0, or -1 with ERR set (the temporary file is then removed). */
int trace_writer_close(struct trace_writer *w, char *err, size_t errlen);
/* Give up: remove the temporary file and free W (NULL is fine). */
void trace_writer_abort(struct trace_writer *w);

/* Append S as a JSON string literal (quotes included) to BUF of LEN bytes at
 * *POS; returns false when it does not fit (for tests and small tools). */
bool tw_json_string(char *buf, size_t len, size_t *pos, const char *s);
/* Write S as a JSON string literal to OUT, escaped as tw_json_string does. */
void tw_json_fputs(FILE *out, const char *s);

#endif
