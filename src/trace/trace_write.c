/* SPDX-License-Identifier: MIT */
/*
 * trace_write.c -- write a vmscope trace as JSON Lines (trace_write.h).
 *
 * Each line is built in a growable buffer and written whole, so a line on
 * disk is always complete JSON or absent.  The file is a private temporary
 * file beside PATH (outfile.h) until trace_writer_close() renames it onto
 * PATH.  Key order follows
 * docs/trace-format.md's examples: "op" first, then task, range, options,
 * "as", "note", "mark", extensions last.  No JSON library is needed: the
 * writer only emits objects of known shape, and its escaper is the one
 * place that decides what a valid string is (UTF-8, control bytes as \u).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "text.h"
#include "trace_write.h"
#include "vm/mem_populate.h"
#include "vm/vm.h"

/* Written bytes handed to the disk at a time (outfile_kick). */
#define TW_KICK_BYTES ((size_t)1 << 20)

/* A growable byte buffer for one line. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

struct trace_writer {
	struct outfile out;          /* the file (or standard output) */
	char shown[200];             /* its name in messages, sanitized */
	struct sbuf line;
	size_t nlines;
	size_t unkicked;             /* bytes written since the last outfile_kick */
	bool header_done;
	bool line_flush;
	bool obs_on;                 /* an observation begun, not ended */
	struct tw_obs_stream *obs;   /* (made at the first) */
	int err;                     /* first errno, 0 = fine */
	char errmsg[256];
};

/* Make room for N more bytes in B. */
static bool
sb_room(struct sbuf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		char *np;

		while (ncap < b->len + n + 1)
			ncap *= 2;
		/* Not realloc: a big line's new pages are faulted in at once,
		 * before the copy touches them (mem_populate.h). */
		if ((np = malloc(ncap)) == NULL) {
			b->oom = true;
			return false;
		}
		mem_populate(np, ncap);
		if (b->len > 0)
			memcpy(np, b->p, b->len + 1);
		free(b->p);
		b->p = np;
		b->cap = ncap;
	}
	return true;
}

/* Append N bytes at S to B (growing it only when full: the common case
 * is a copy). */
static inline void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom || (b->len + n + 1 > b->cap && !sb_room(b, n)))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append formatted text to B. */
static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Length of the valid UTF-8 sequence at S (1..4), or 0 if it is invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0;   /* overlong, or a UTF-16 surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;   /* overlong, or beyond U+10FFFF */
		return 4;
	}
	return 0;
}

/* Append the string literal LIT to B. */
#define sb_lit(b, lit) sb_add((b), (lit), sizeof(lit) - 1)

/* Append V in decimal (HEX: lower-case hexadecimal) to B, without printf. */
static void
sb_uint(struct sbuf *b, uint64_t v, bool hex)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;

	do {
		*--p = "0123456789abcdef"[hex ? v & 15 : v % 10];
		v = hex ? v >> 4 : v / 10;
	} while (v != 0);
	sb_add(b, p, (size_t)(e - p));
}

/* Does byte C need more than copying inside a JSON string? */
static inline bool
json_special(unsigned char c)
{
	return c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
}

/* Append S as a JSON string literal to B. */
static void
sb_str(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	sb_add(b, "\"", 1);
	while (*p != '\0') {
		const unsigned char *run = p;
		size_t n;

		/* Plain ASCII goes in one copy. */
		while (*p != '\0' && !json_special(*p))
			p++;
		if (p > run)
			sb_add(b, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"': sb_add(b, "\\\"", 2); p++; continue;
		case '\\': sb_add(b, "\\\\", 2); p++; continue;
		case '\n': sb_add(b, "\\n", 2); p++; continue;
		case '\t': sb_add(b, "\\t", 2); p++; continue;
		case '\r': sb_add(b, "\\r", 2); p++; continue;
		case '\b': sb_add(b, "\\b", 2); p++; continue;
		case '\f': sb_add(b, "\\f", 2); p++; continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			sb_printf(b, "\\u%04x", *p);
			p++;
			continue;
		}
		n = utf8_len(p);
		if (n == 0) {
			sb_add(b, "\\ufffd", 6);
			p++;
			continue;
		}
		sb_add(b, (const char *)p, n);
		p += n;
	}
	sb_add(b, "\"", 1);
}

/* Append S as a JSON string literal to BUF of LEN bytes at *POS. */
bool
tw_json_string(char *buf, size_t len, size_t *pos, const char *s)
{
	struct sbuf b = { 0 };
	bool fits;

	sb_str(&b, s);
	fits = !b.oom && *pos + b.len < len;
	if (fits) {
		memcpy(buf + *pos, b.p, b.len + 1);
		*pos += b.len;
	}
	free(b.p);
	return fits;
}

void
tw_json_fputs(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sbuf b = { 0 };

	while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
		p++;
	if (*p == '\0') {          /* plain ASCII: nothing to escape */
		fputc('"', out);
		fputs(s, out);
		fputc('"', out);
		return;
	}
	sb_str(&b, s);
	if (!b.oom)
		fwrite(b.p, 1, b.len, out);
	free(b.p);
}

/* Append the member separator and "KEY": to B (FIRST: no comma). */
static void
sb_key(struct sbuf *b, const char *key)
{
	if (b->len > 1)
		sb_add(b, ", ", 2);
	sb_str(b, key);
	sb_add(b, ": ", 2);
}

static void
sb_kstr(struct sbuf *b, const char *key, const char *v)
{
	sb_key(b, key);
	sb_str(b, v);
}

static void
sb_kuint(struct sbuf *b, const char *key, uint64_t v)
{
	sb_key(b, key);
	sb_uint(b, v, false);
}

static void
sb_kbool(struct sbuf *b, const char *key, bool v)
{
	sb_key(b, key);
	sb_add(b, v ? "true" : "false", v ? 4 : 5);
}

/* "KEY": "0x..." (bytes) or "Np" (pages). */
static void
sb_kqty(struct sbuf *b, const char *key, uint64_t v, bool pages)
{
	sb_key(b, key);
	sb_add(b, pages ? "\"" : "\"0x", pages ? 1 : 3);
	sb_uint(b, v, !pages);
	sb_add(b, pages ? "p\"" : "\"", pages ? 2 : 1);
}

static void
sb_kprot(struct sbuf *b, const char *key, int prot)
{
	char p[4];

	vm_prot_str(prot, p);
	sb_kstr(b, key, p);
}

/* Append the extension members EXT[N]; false if a key lacks "x_". */
static bool
sb_ext(struct sbuf *b, const struct tw_ext *ext, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ext[i].key == NULL || strncmp(ext[i].key, "x_", 2) != 0)
			return false;
		switch (ext[i].type) {
		case TW_EXT_STR:
			sb_kstr(b, ext[i].key, ext[i].s);
			break;
		case TW_EXT_UINT:
			sb_kuint(b, ext[i].key, ext[i].u);
			break;
		default:
			sb_key(b, ext[i].key);
			sb_add(b, ext[i].u ? "true" : "false", ext[i].u ? 4 : 5);
			break;
		}
	}
	return true;
}

/* Record the first error of W. */
static int
w_fail(struct trace_writer *w, int errnum, const char *what)
{
	if (w->err == 0) {
		w->err = errnum != 0 ? errnum : EIO;
		snprintf(w->errmsg, sizeof w->errmsg, "%s: %s: %s", w->shown, what, strerror(w->err));
	}
	return -1;
}

/* Write the line in W->line (plus '\n') and empty the buffer. */
static int
w_flush_line(struct trace_writer *w)
{
	struct sbuf *b = &w->line;

	if (b->oom) {
		b->oom = false;
		b->len = 0;
		return w_fail(w, ENOMEM, "building a line");
	}
	sb_add(b, "\n", 1);
	if (b->oom || fwrite(b->p, 1, b->len, w->out.fp) != b->len)
		return w_fail(w, b->oom ? ENOMEM : errno, "write");
	if (w->line_flush && fflush(w->out.fp) != 0)
		return w_fail(w, errno, "write");
	/* A big file goes to the disk as it is written, not all at its end. */
	if ((w->unkicked += b->len) >= TW_KICK_BYTES) {
		outfile_kick(&w->out);
		w->unkicked = 0;
	}
	b->len = 0;
	w->nlines++;
	return 0;
}

/* Open a writer for PATH ("-": standard output), through outfile.h. */
struct trace_writer *
trace_writer_open(const char *path, char *err, size_t errlen)
{
	struct trace_writer *w = calloc(1, sizeof *w);

	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (outfile_open(&w->out, path, err, errlen) == NULL) {
		free(w);
		return NULL;
	}
	text_sanitize(w->shown, sizeof w->shown, w->out.is_stdout ? "standard output" : path, false);
	return w;
}

/* Flush after every line. */
void
trace_writer_set_line_flush(struct trace_writer *w, bool on)
{
	w->line_flush = on;
}

const char *
trace_writer_error(const struct trace_writer *w)
{
	return w->err != 0 ? w->errmsg : NULL;
}

/* Number of lines written so far. */
size_t
trace_writer_lines(const struct trace_writer *w)
{
	return w->nlines;
}

/* Write the header line. */
/* The header's "machine" object: only what was probed. */
static void
sb_machine(struct sbuf *b, const struct trace_machine *m)
{
	sb_key(b, "machine");
	sb_add(b, "{", 1);
	sb_str(b, "kernel");        /* the first member: no separator */
	sb_add(b, ": ", 2);
	sb_str(b, m->kernel);
	if (m->page_size != 0)
		sb_kuint(b, "page_size", m->page_size);
	if (m->thp[0] != '\0')
		sb_kstr(b, "thp", m->thp);
	if (m->ksm >= 0)
		sb_kbool(b, "ksm", m->ksm != 0);
	if (m->overcommit >= 0)
		sb_kuint(b, "overcommit", (uint64_t)m->overcommit);
	if (m->zero_page_on_read >= 0)
		sb_kbool(b, "zero_page_on_read", m->zero_page_on_read != 0);
	sb_add(b, "}", 1);
}

int
trace_writer_header(struct trace_writer *w, const struct tw_header *h)
{
	struct sbuf *b = &w->line;

	if (w->err != 0)
		return -1;
	if (w->header_done || h->ntasks == 0)
		return w_fail(w, EINVAL, w->header_done ? "second header" : "header without tasks");
	sb_add(b, "{", 1);
	sb_kuint(b, "vmscope", 1);
	if (h->title != NULL)
		sb_kstr(b, "title", h->title);
	if (h->profile != NULL)
		sb_kstr(b, "profile", h->profile);
	sb_key(b, "tasks");
	sb_add(b, "[", 1);
	for (size_t i = 0; i < h->ntasks; i++) {
		if (i > 0)
			sb_add(b, ", ", 2);
		sb_str(b, h->tasks[i]);
	}
	sb_add(b, "]", 1);
	if (h->page_size != 0)
		sb_kuint(b, "page_size", h->page_size);
	if (h->machine != NULL && h->machine->present)
		sb_machine(b, h->machine);
	if (h->nnotes > 0) {
		sb_key(b, "x_notes");
		sb_add(b, "[", 1);
		for (size_t i = 0; i < h->nnotes; i++) {
			if (i > 0)
				sb_add(b, ", ", 2);
			sb_str(b, h->notes[i]);
		}
		sb_add(b, "]", 1);
	}
	if (!sb_ext(b, h->ext, h->next)) {
		b->len = 0;
		return w_fail(w, EINVAL, "extension key without x_");
	}
	sb_add(b, "}", 1);
	w->header_done = true;
	return w_flush_line(w);
}

/* Append one observed region R as a JSON object to B. */
static bool
sb_obs_region(struct sbuf *b, const struct tw_obs_region *r)
{
	/* The members written with their separator, ready to copy (a sample
	 * of 20,000 mappings writes 160,000 of them). */
#define COUNTER(bit, key, field) { bit, ", \"" key "\": ", sizeof(key) + 5, \
                                   offsetof(struct tw_obs_region, field) }
	static const struct { uint32_t bit; const char *key; size_t len, off; } counters[] = {
		COUNTER(TOBS_REF_COUNT, "ref_count", ref_count),
		COUNTER(TOBS_RESIDENT, "pages_resident", pages_resident),
		COUNTER(TOBS_DIRTIED, "pages_dirtied", pages_dirtied),
		COUNTER(TOBS_SWAPPED, "pages_swapped", pages_swapped),
		COUNTER(TOBS_PRIVATE, "pages_private", pages_private),
		COUNTER(TOBS_COW, "pages_cow", pages_cow),
		COUNTER(TOBS_SHARED, "pages_shared", pages_shared),
		COUNTER(TOBS_ZERO, "pages_zero", pages_zero),
	};
#undef COUNTER
	sb_add(b, "{", 1);
	/* Inside a line sb_key always puts a comma: start and end come first. */
	sb_lit(b, "\"start\": \"0x");
	sb_uint(b, r->start, true);
	sb_lit(b, "\", \"end\": \"0x");
	sb_uint(b, r->end, true);
	sb_add(b, "\"", 1);
	if (r->name != NULL) {
		sb_add(b, ", ", 2);
		sb_str(b, "name");
		sb_add(b, ": ", 2);
		sb_str(b, r->name);
	}
	if (r->have & TOBS_PROT)
		sb_kprot(b, "prot", r->prot);
	if (r->have & TOBS_MAX_PROT)
		sb_kprot(b, "max_prot", r->max_prot);
	if ((r->have & TOBS_SHARE_MODE) && r->share_mode >= SM_COW && r->share_mode <= SM_LARGE_PAGE)
		sb_kstr(b, "share_mode", vm_share_mode_name(r->share_mode));
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
		if (!(r->have & counters[i].bit))
			continue;
		sb_add(b, counters[i].key, counters[i].len);
		sb_uint(b, *(const uint32_t *)(const void *)((const char *)r + counters[i].off), false);
	}
	if (!sb_ext(b, r->ext, r->next))
		return false;
	sb_add(b, "}", 1);
	return true;
}

/* The key under which an op writes its name string. */
static const char *
name_key(int op)
{
	switch (op) {
	case TOP_MAP_ENTRY:
	case TOP_RELEASE_ENTRY:
		return "entry";
	case TOP_MAP_FILE:
		return "file";
	case TOP_NOTE:
		return "text";
	}
	return "region";
}

/* The start of E's line, up to its op's own members. */
static void
sb_event_head(struct sbuf *b, const struct tw_event *e)
{
	sb_add(b, "{", 1);
	sb_kstr(b, "op", trace_op_name(e->op));
	if (e->task != NULL)
		sb_kstr(b, "task", e->task);
	if (e->task2 != NULL)
		sb_kstr(b, e->op == TOP_FORK ? "child" : "to", e->task2);
	if (e->name != NULL)
		sb_kstr(b, name_key(e->op), e->name);
	if (e->flags & TEF_ADDR)
		sb_kqty(b, "addr", e->addr, (e->flags & TEF_ADDR_PAGES) != 0);
	if (e->flags & TEF_OFFSET)
		sb_kqty(b, "offset", e->offset, (e->flags & TEF_OFFSET_PAGES) != 0);
	if (e->flags & TEF_SIZE)
		sb_kqty(b, "size", e->size, (e->flags & TEF_SIZE_PAGES) != 0);
}

/* E's own members, but an observation's regions. */
static void
sb_event_body(struct sbuf *b, const struct tw_event *e)
{
	switch (e->op) {
	case TOP_ALLOCATE:
		if (e->flags & TEF_PURGEABLE) {
			sb_key(b, "purgeable");
			sb_add(b, "true", 4);
		}
		if (e->tag != 0)
			sb_kuint(b, "tag", e->tag);
		break;
	case TOP_INHERIT:
		sb_kstr(b, "inheritance", vm_inherit_name(e->inheritance));
		break;
	case TOP_PROTECT:
		sb_kprot(b, "prot", e->prot);
		if (e->flags & TEF_SET_MAX)
			sb_kprot(b, "max", e->max_prot);
		break;
	case TOP_OOL_SEND:
		sb_kstr(b, "copy", (e->flags & TEF_PHYSICAL) ? "physical" : "virtual");
		if (e->flags & TEF_DEALLOC) {
			sb_key(b, "deallocate");
			sb_add(b, "true", 4);
		}
		break;
	case TOP_MAP_FILE:
		if (e->flags & TEF_PRIVATE) {
			sb_key(b, "private");
			sb_add(b, "true", 4);
		}
		break;
	case TOP_OBSERVE:
		sb_add(b, "]", 1);       /* (the regions come before) */
		if (e->flags & TEF_PARTIAL) {
			sb_key(b, "partial");
			sb_add(b, "true", 4);
		}
		if (e->flags & TEF_MORE) {
			sb_key(b, "more");
			sb_add(b, "true", 4);
		}
		break;
	}
}

/* The end of E's line: annotations and extensions.  False when an
 * extension key lacks its x_. */
static bool
sb_event_rest(struct sbuf *b, const struct tw_event *e)
{
	if (e->as != NULL)
		sb_kstr(b, "as", e->as);
	if (e->note != NULL && e->note[0] != '\0')
		sb_kstr(b, "note", e->note);
	if (e->mark != NULL && e->mark[0] != '\0')
		sb_kstr(b, "mark", e->mark);
	if (e->notes != NULL && e->notes[0] != '\0')
		sb_kstr(b, "notes", e->notes);
	if (e->ask != 0) {
		bool first = true;

		sb_key(b, "ask");
		sb_add(b, "[", 1);
		for (int f = 0; f < TASK_COUNT; f++) {
			if (!(e->ask & (1u << f)))
				continue;
			if (!first)
				sb_add(b, ", ", 2);
			first = false;
			sb_str(b, trace_ask_name(f));
		}
		sb_add(b, "]", 1);
	}
	if (!sb_ext(b, e->ext, e->next))
		return false;
	sb_add(b, "}", 1);
	return true;
}

/* Check E before it is written. */
static int
w_check_event(struct trace_writer *w, const struct tw_event *e)
{
	if (w->err != 0)
		return -1;
	if (!w->header_done)
		return w_fail(w, EINVAL, "event before the header");
	if (w->obs_on)
		return w_fail(w, EINVAL, "event inside an observation not ended");
	if (e->op <= TOP_NONE || e->op >= TOP_COUNT)
		return w_fail(w, EINVAL, "unknown op");
	return 0;
}

/* Write one event (an observation through trace_writer_obs_*). */
int
trace_writer_event(struct trace_writer *w, const struct tw_event *e)
{
	struct sbuf *b = &w->line;

	if (w_check_event(w, e) != 0)
		return -1;
	if (e->op == TOP_OBSERVE) {
		if (trace_writer_obs_begin(w, e) != 0)
			return -1;
		for (size_t i = 0; i < e->nregions; i++)
			if (trace_writer_obs_add(w, &e->regions[i]) != 0)
				return -1;
		return trace_writer_obs_end(w);
	}
	sb_event_head(b, e);
	sb_event_body(b, e);
	if (!sb_event_rest(b, e)) {
		b->len = 0;
		return w_fail(w, EINVAL, "extension key without x_");
	}
	return w_flush_line(w);
}

/* ---- an observation a region at a time ------------------------------------ */

/*
 * An observation of more than TW_OBS_CHUNK regions is written as several
 * lines, each but the last with "more": true, so that no line comes near
 * the loader's line limit (docs/trace-format.md); only the first line has
 * the event's "as", "note", "mark" and extensions.  The lines' text around
 * the regions is made once, at the start, so E's strings need not outlive
 * trace_writer_obs_begin.
 */
struct tw_obs_stream {
	struct sbuf head[2];         /* [later line]: up to the regions' "[" */
	struct sbuf tail[2][2];      /* [later line][more follow]: from "]" to "}" */
	size_t n;                    /* regions in the line being built */
	size_t lines;                /* lines written */
	long start;                  /* the file's offset at the start */
	size_t start_lines;
};

enum { OBS_TEXTS_OK, OBS_TEXTS_OOM, OBS_TEXTS_BAD_EXT };

/* Make S's texts around the regions of event E.  Returns OBS_TEXTS_*. */
static int
obs_texts(struct tw_obs_stream *s, const struct tw_event *e)
{
	struct tw_event part = *e;

	for (int later = 0; later < 2; later++) {
		if (later) {
			part.note = part.mark = part.as = NULL;
			part.ext = NULL;
			part.next = 0;
		}
		s->head[later].len = 0;
		sb_event_head(&s->head[later], &part);
		sb_key(&s->head[later], "regions");
		sb_add(&s->head[later], "[", 1);
		if (s->head[later].oom)
			return OBS_TEXTS_OOM;
		for (int more = 0; more < 2; more++) {
			struct sbuf *t = &s->tail[later][more];
			size_t at = s->head[later].len;

			/* Made after the head, as in a line (sb_key's commas), then
			 * moved to the front. */
			part.flags = (uint16_t)((e->flags & ~TEF_MORE) | (more ? TEF_MORE : 0));
			t->len = 0;
			sb_add(t, s->head[later].p, at);
			sb_event_body(t, &part);
			if (!sb_event_rest(t, &part))
				return OBS_TEXTS_BAD_EXT;
			if (t->oom)
				return OBS_TEXTS_OOM;
			memmove(t->p, t->p + at, t->len - at + 1);
			t->len -= at;
		}
	}
	return OBS_TEXTS_OK;
}

int
trace_writer_obs_begin(struct trace_writer *w, const struct tw_event *e)
{
	struct tw_obs_stream *s = w->obs;

	if (w_check_event(w, e) != 0)
		return -1;
	if (e->op != TOP_OBSERVE)
		return w_fail(w, EINVAL, "not an observation");
	if (s == NULL && (s = w->obs = calloc(1, sizeof *s)) == NULL)
		return w_fail(w, ENOMEM, "building a line");
	switch (obs_texts(s, e)) {
	case OBS_TEXTS_OOM:
		return w_fail(w, ENOMEM, "building a line");
	case OBS_TEXTS_BAD_EXT:
		return w_fail(w, EINVAL, "extension key without x_");
	}
	s->n = s->lines = 0;
	s->start = -1;
	s->start_lines = w->nlines;
	if (w->out.tmp != NULL && fflush(w->out.fp) == 0)
		s->start = ftell(w->out.fp);
	w->line.len = 0;
	w->obs_on = true;
	return 0;
}

/* Close the line being built (MORE: others follow) and write it. */
static int
obs_line_end(struct trace_writer *w, struct tw_obs_stream *s, bool more)
{
	const struct sbuf *t = &s->tail[s->lines > 0][more];

	if (s->n == 0)             /* an observation of no region */
		sb_add(&w->line, s->head[s->lines > 0].p, s->head[s->lines > 0].len);
	sb_add(&w->line, t->p, t->len);
	s->n = 0;
	s->lines++;
	return w_flush_line(w);
}

int
trace_writer_obs_add(struct trace_writer *w, const struct tw_obs_region *r)
{
	struct tw_obs_stream *s = w->obs;
	struct sbuf *b = &w->line;

	if (w->err != 0)
		return -1;
	if (!w->obs_on)
		return w_fail(w, EINVAL, "a region outside an observation");
	if (s->n == TW_OBS_CHUNK && obs_line_end(w, s, true) != 0)
		return -1;
	if (s->n == 0)
		sb_add(b, s->head[s->lines > 0].p, s->head[s->lines > 0].len);
	else
		sb_add(b, ", ", 2);
	if (!sb_obs_region(b, r)) {
		b->len = 0;
		return w_fail(w, EINVAL, "extension key without x_");
	}
	s->n++;
	return 0;
}

int
trace_writer_obs_end(struct trace_writer *w)
{
	if (w->err != 0)
		return -1;
	if (!w->obs_on)
		return w_fail(w, EINVAL, "no observation to end");
	w->obs_on = false;
	return obs_line_end(w, w->obs, false);
}

bool
trace_writer_obs_can_cancel(const struct trace_writer *w)
{
	return w->out.tmp != NULL;    /* (standard output has none) */
}

int
trace_writer_obs_cancel(struct trace_writer *w)
{
	struct tw_obs_stream *s = w->obs;

	if (!w->obs_on)
		return 0;
	w->obs_on = false;
	w->line.len = 0;
	if (s->start < 0 || fflush(w->out.fp) != 0 ||
	    ftruncate(fileno(w->out.fp), (off_t)s->start) != 0 ||
	    fseek(w->out.fp, s->start, SEEK_SET) != 0)
		return w_fail(w, errno, "taking back an observation");
	w->nlines = s->start_lines;
	return 0;
}

/* Convert observed region R of trace T into OUT (zero fields stay out). */
static void
obs_from_trace(const struct trace *t, const struct trace_obs_region *r, struct tw_obs_region *out)
{
	memset(out, 0, sizeof *out);
	out->start = r->start;
	out->end = r->end;
	out->name = r->name != 0 ? trace_str(t, r->name) : NULL;
	out->prot = r->prot;
	out->max_prot = r->max_prot;
	out->share_mode = r->share_mode;
	out->ref_count = r->ref_count;
	out->pages_resident = r->pages_resident;
	out->pages_dirtied = r->pages_dirtied;
	out->pages_swapped = r->pages_swapped;
	out->pages_private = r->pages_private;
	out->pages_cow = r->pages_cow;
	out->pages_shared = r->pages_shared;
	out->pages_zero = r->pages_zero;
	out->have = r->have;
}

/* Write event E of loaded trace T. */
int
trace_writer_trace_event(struct trace_writer *w, const struct trace *t, const struct trace_event *e)
{
	struct tw_event o;
	struct tw_obs_region *regs = NULL;
	int rc;

	memset(&o, 0, sizeof o);
	o.op = e->op;
	if (e->op != TOP_NOTE && e->op != TOP_RELEASE_ENTRY)
		o.task = trace_task_name(t, e->task);
	if (e->op == TOP_FORK || e->op == TOP_OOL_SEND)
		o.task2 = trace_task_name(t, e->task2);
	o.name = e->region != 0 ? trace_str(t, e->region) : NULL;
	o.as = e->as != 0 ? trace_str(t, e->as) : NULL;
	o.note = trace_event_note(t, e);
	o.mark = trace_event_mark(t, e);
	o.ask = trace_event_ask(t, e);
	o.notes = trace_event_notes(t, e);
	o.addr = e->addr;
	o.size = e->size;
	o.offset = e->offset;
	o.flags = e->flags;
	o.tag = e->tag;
	o.prot = e->prot;
	o.max_prot = e->max_prot;
	o.inheritance = e->inheritance;
	if (e->op == TOP_OBSERVE && e->obs != 0) {
		const struct trace_obs *ob = &t->obs[e->obs - 1];

		if (ob->nregions > 0 && (regs = calloc(ob->nregions, sizeof *regs)) == NULL)
			return w_fail(w, ENOMEM, "observation");
		for (uint32_t i = 0; i < ob->nregions; i++)
			obs_from_trace(t, &ob->regions[i], &regs[i]);
		o.regions = regs;
		o.nregions = ob->nregions;
	}
	rc = trace_writer_event(w, &o);
	free(regs);
	return rc;
}

/* Write the whole loaded trace T. */
int
trace_writer_trace(struct trace_writer *w, const struct trace *t)
{
	struct tw_header h;
	const char **tasks = malloc((t->nheader_tasks ? t->nheader_tasks : 1) * sizeof *tasks);
	int rc;

	if (tasks == NULL)
		return w_fail(w, ENOMEM, "header");
	for (uint16_t i = 0; i < t->nheader_tasks; i++)
		tasks[i] = trace_task_name(t, i);
	memset(&h, 0, sizeof h);
	h.title = t->title;
	h.profile = t->profile;
	h.tasks = tasks;
	h.ntasks = t->nheader_tasks;
	h.page_size = t->page_size;
	rc = trace_writer_header(w, &h);
	free(tasks);
	for (size_t i = 0; rc == 0 && i < t->nev; i++)
		rc = trace_writer_trace_event(w, t, &t->ev[i]);
	return rc;
}

static void
obs_free(struct tw_obs_stream *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		free(s->head[i].p);
		free(s->tail[i][0].p);
		free(s->tail[i][1].p);
	}
	free(s);
}

/* Finish: flush, sync, rename into place (outfile_commit). */
int
trace_writer_close(struct trace_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w->err == 0 && !w->header_done)
		w_fail(w, EINVAL, "no header written");
	if (w->err == 0 && w->obs_on)
		w_fail(w, EINVAL, "an observation not ended");
	if (w->err != 0) {
		snprintf(err, errlen, "%s", w->errmsg);
		outfile_abort(&w->out);
		rc = -1;
	} else if (outfile_commit(&w->out, err, errlen) != 0) {
		rc = -1;
	}
	obs_free(w->obs);
	free(w->line.p);
	free(w);
	return rc;
}

/* Give up: remove the temporary file. */
void
trace_writer_abort(struct trace_writer *w)
{
	if (w == NULL)
		return;
	outfile_abort(&w->out);
	obs_free(w->obs);
	free(w->line.p);
	free(w);
}
