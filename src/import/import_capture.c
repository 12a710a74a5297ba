/* SPDX-License-Identifier: MIT */
/*
 * import_capture.c -- what the parsers share (import_int.h): error
 * reporting, the capture being built (regions, names, extension members,
 * notes), line iteration and hex numbers.  The parsers use only this; the
 * driver (import.c) uses the parsers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_int.h"
#include "trace/bigarray.h"
#include "trace/text.h"

#define IMP_ERROR_LIMIT 20           /* errors printed per file */

/* Print one "FILE:LINE: message" error. */
void
imp_error(struct imp_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	c->nerrors++;
	if (c->nerrors > IMP_ERROR_LIMIT) {
		if (c->nerrors == IMP_ERROR_LIMIT + 1)
			fprintf(c->errs, "%s: more errors follow (only the first %d are shown)\n", c->name,
			        IMP_ERROR_LIMIT);
		return;
	}
	if (line > 0)
		fprintf(c->errs, "%s:%u: ", c->name, line);
	else
		fprintf(c->errs, "%s: ", c->name);
	va_start(ap, fmt);
	vfprintf(c->errs, fmt, ap);
	va_end(ap);
	fputc('\n', c->errs);
}

/* Add a note to CAP unless it is already there. */
void
imp_note(struct imp_capture *cap, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < cap->nnotes; i++)
		if (strcmp(cap->notes[i], buf) == 0)
			return;
	if (cap->nnotes < sizeof cap->notes / sizeof cap->notes[0])
		cap->notes[cap->nnotes++] = strdup(buf);
}

/* Append a zeroed region to CAP. */
struct imp_region *
imp_region_add(struct imp_capture *cap)
{
	if (cap->n == cap->cap) {
		struct imp_region *nr = big_array_grow(cap->r, &cap->r_bytes,
		                                       (cap->n + 1) * sizeof *nr);

		if (nr == NULL)
			return NULL;
		cap->r = nr;
		cap->cap = cap->r_bytes / sizeof *nr;
	}
	memset(&cap->r[cap->n], 0, sizeof cap->r[0]);
	return &cap->r[cap->n++];
}

/* Copy LEN bytes at S into a new string. */
static char *
dup_len(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* Name region R. */
void
imp_region_name(struct imp_region *r, const char *s, size_t len)
{
	free(r->name);
	r->name = dup_len(s, len);
	/* What is written must load: valid UTF-8, no controls, never empty
	 * (the loader refuses "name": ""; no name is written instead). */
	if (r->name != NULL)
		text_sanitize(r->name, len + 1, r->name, false);
	if (r->name != NULL && r->name[0] == '\0') {
		free(r->name);
		r->name = NULL;
	}
}

/* Reserve the next extension slot of R with KEY. */
static struct tw_ext *
ext_slot(struct imp_region *r, const char *key)
{
	struct tw_ext *x;

	if (r->o.next >= IMP_MAX_EXT)
		return NULL;
	x = &r->ext[r->o.next++];
	memset(x, 0, sizeof *x);
	x->key = key;
	return x;
}

void
imp_ext_str(struct imp_region *r, const char *key, const char *s, size_t len)
{
	struct tw_ext *x = ext_slot(r, key);

	if (x == NULL)
		return;
	x->type = TW_EXT_STR;
	r->ext_str[r->o.next - 1] = dup_len(s, len);
	x->s = r->ext_str[r->o.next - 1];
}

void
imp_ext_uint(struct imp_region *r, const char *key, uint64_t v)
{
	struct tw_ext *x = ext_slot(r, key);

	if (x != NULL) {
		x->type = TW_EXT_UINT;
		x->u = v;
	}
}

void
imp_ext_bool(struct imp_region *r, const char *key, bool v)
{
	struct tw_ext *x = ext_slot(r, key);

	if (x != NULL) {
		x->type = TW_EXT_BOOL;
		x->u = v;
	}
}

/* Free everything CAP owns. */
void
imp_capture_free(struct imp_capture *cap)
{
	for (size_t i = 0; i < cap->n; i++) {
		free(cap->r[i].name);
		for (size_t j = 0; j < IMP_MAX_EXT; j++)
			free(cap->r[i].ext_str[j]);
	}
	big_array_free(cap->r, cap->r_bytes);
	free(cap->process);
	for (size_t i = 0; i < cap->nnotes; i++)
		free(cap->notes[i]);
	memset(cap, 0, sizeof *cap);
}

void
imp_progress(const struct imp_ctx *c, const char *pos, unsigned line)
{
	if ((line & 4095) != 0 || c->o == NULL || c->o->progress == NULL || c->text == NULL)
		return;
	c->o->progress(c->o->progress_ctx, c->before + (uint64_t)(pos - c->text), c->total);
}

/* Next line of the buffer at *POS. */
const char *
imp_next_line(const char **pos, size_t *len)
{
	const char *s = *pos, *nl;

	if (*s == '\0')
		return NULL;
	nl = strchr(s, '\n');
	*len = nl != NULL ? (size_t)(nl - s) : strlen(s);
	*pos = nl != NULL ? nl + 1 : s + *len;
	if (*len > 0 && s[*len - 1] == '\r')
		(*len)--;
	return s;
}

/* Hex digit value of C, or -1. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex digits from S (before END). */
bool
imp_hex(const char *s, const char *end, const char **stop, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	for (; p < end && hexval((unsigned char)*p) >= 0; p++) {
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)hexval((unsigned char)*p);
	}
	if (p == s)
		return false;
	*stop = p;
	*out = v;
	return true;
}

