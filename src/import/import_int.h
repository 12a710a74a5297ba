/* SPDX-License-Identifier: MIT */
/*
 * import_int.h -- what the importers (import_*.c) share, implemented in
 * import_capture.c.
 *
 * A parser reads one capture (the whole file in memory, NUL-terminated)
 * into a struct imp_capture: its regions as observation records ready for
 * the writer, plus what the capture says about itself (process name, page
 * size).  Sizes that need the page size (vmmap's RSDNT in K) are kept in
 * bytes until imp_finish() knows it.  Errors go through imp_error(), which
 * prints "FILE:LINE: message" and counts; a parser keeps going to report
 * every bad line.  Internal to the importers: not for other modules.
 */
#ifndef VMSCOPE_IMPORT_INT_H
#define VMSCOPE_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace_write.h"

#define IMP_MAX_EXT 8

/* Bytes of an observed counter, converted to pages by imp_finish(). */
enum { IMPB_RESIDENT, IMPB_DIRTY, IMPB_SWAP, IMPB_N };

struct imp_region {
	struct tw_obs_region o;          /* o.name and o.ext point below */
	char *name;
	struct tw_ext ext[IMP_MAX_EXT];
	char *ext_str[IMP_MAX_EXT];      /* owned strings of ext[] */
	uint64_t bytes[IMPB_N];          /* vmmap sizes, in bytes */
	unsigned have_bytes;             /* 1 << IMPB_* */
};

struct imp_capture {
	struct imp_region *r;
	size_t n, cap;
	size_t r_bytes;                  /* R's size (trace/bigarray.h) */
	char *process;                   /* vmmap "Process:" name */
	uint32_t page_size;              /* declared by the capture, 0: unknown */
	bool not_16k;                    /* a boundary is not 16 KiB aligned */
	char *notes[8];                  /* remarks for the header's x_notes */
	size_t nnotes;
};

/* Error reporting for one file. */
struct imp_ctx {
	const char *file;                /* as given, to open */
	char name[256];                  /* as shown in messages (sanitized) */
	FILE *errs;
	unsigned nerrors;
	const struct import_opts *o;     /* for its progress callback (may be NULL) */
	const char *text;                /* the capture being parsed */
	uint64_t before, total;          /* bytes of the files before this one, of all */
};

/* Report that a parser is at POS of C's text (every 4,096th call of LINE). */
void imp_progress(const struct imp_ctx *c, const char *pos, unsigned line);

void imp_error(struct imp_ctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Add a note (printf-style) to CAP, once per distinct text. */
void imp_note(struct imp_capture *cap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A new zeroed region at the end of CAP (NULL when out of memory). */
struct imp_region *imp_region_add(struct imp_capture *cap);
/* Give R a name (copied). */
void imp_region_name(struct imp_region *r, const char *s, size_t len);
/* Add extension members to R (strings copied). */
void imp_ext_str(struct imp_region *r, const char *key, const char *s, size_t len);
void imp_ext_uint(struct imp_region *r, const char *key, uint64_t v);
void imp_ext_bool(struct imp_region *r, const char *key, bool v);
void imp_capture_free(struct imp_capture *cap);

/* Line iteration over a NUL-terminated buffer: returns the next line (not
 * NUL-terminated; its length in *LEN, a trailing '\r' dropped) or NULL. */
const char *imp_next_line(const char **pos, size_t *len);
/* Hex number at S (no prefix) up to a non-hex character; false when none or
 * it overflows. */
bool imp_hex(const char *s, const char *end, const char **stop, uint64_t *out);

int imp_parse_vmmap(struct imp_ctx *c, const char *text, struct imp_capture *cap);
int imp_parse_smaps(struct imp_ctx *c, const char *text, struct imp_capture *cap);
int imp_parse_vminfo(struct imp_ctx *c, const char *text, struct imp_capture *cap);

/* Is the line L (LEN bytes) a /proc maps header line? a vminfo line? */
bool imp_is_maps_line(const char *l, size_t len);
bool imp_is_vminfo_line(const char *l, size_t len);

#endif
