/* SPDX-License-Identifier: MIT */
/*
 * trace_read.c -- the trace loader: JSON Lines in, compact events out.
 *
 * The input is read one line at a time (from a file through a 64 KiB
 * read-ahead buffer, or from memory) into a line buffer that never grows past
 * LINE_LIMIT bytes: reading stops at the limit, or at a NUL byte, and the
 * line is rejected, so no input is read much past its first bad line.  Each line is checked for binary bytes and invalid UTF-8, parsed
 * with cJSON, copied into a struct trace_event (plus, rarely, an annotation
 * or an observation) and the JSON tree is deleted at once, so the loader's
 * memory is the compact trace plus one line.
 *
 * Errors carry a 1-based line and byte column.  A JSON syntax error is
 * placed where cJSON stopped (the line is handed to cJSON together with its
 * terminating NUL, so running out of input shows as an offset at the end of
 * the line); an error about a key or its value is placed where that key is
 * written in the line, or at column 1 when it cannot be found.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "text.h"
#include "trace.h"
#include "trace_strtab.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

#define LINE_LIMIT 1048576u     /* longest accepted line, in bytes */
#define TASK_NAME_LIMIT 64      /* longest task name, in bytes */
#define READ_CHUNK 65536u       /* file read-ahead */
#define MAX_TASK_NAMES 65535u   /* task ids are 16-bit */

/* ---- line sources ------------------------------------------------------- */

/* Where lines come from, and the current line. */
struct line_src {
	FILE *fp;                /* file source, or NULL for memory */
	const char *mem;         /* memory source */
	size_t memlen, mempos;
	char *chunk;             /* file read-ahead buffer */
	size_t clen, cpos;
	bool eof;
	char *line;              /* the current line, NUL-terminated */
	size_t cap;              /* allocated bytes of line (<= LINE_LIMIT + 1) */
	size_t len;              /* bytes kept, at most LINE_LIMIT */
	bool too_long;           /* the line had more than LINE_LIMIT bytes */
	bool newline;            /* the line ended with '\n' */
	uint64_t consumed;       /* bytes read from the file so far */
	uint64_t total;          /* the file's size, 0 when unknown (a pipe) */
	trace_progress_fn progress;
	void *progress_ctx;
};

/* Append N bytes at P to the current line, keeping at most LINE_LIMIT. */
static int
src_append(struct line_src *src, const char *p, size_t n)
{
	size_t room = LINE_LIMIT - src->len;

	if (n > room) {
		src->too_long = true;
		n = room;
	}
	if (src->len + n + 1 > src->cap) {
		size_t ncap = src->cap < 256 ? 256 : src->cap;
		char *nl;

		while (ncap < src->len + n + 1)
			ncap *= 2;
		if (ncap > LINE_LIMIT + 1)
			ncap = LINE_LIMIT + 1;
		nl = realloc(src->line, ncap);
		if (nl == NULL)
			return -1;
		src->line = nl;
		src->cap = ncap;
	}
	memcpy(src->line + src->len, p, n);
	src->len += n;
	return 0;
}

/* Read the next line.  Returns 1 with the line in SRC, 0 at the end of the
 * input, -1 on a read error (errno set) or when memory runs out (ENOMEM). */
static int
src_next(struct line_src *src)
{
	bool any = false;

	src->len = 0;
	src->too_long = false;
	src->newline = false;
	for (;;) {
		const char *p, *nl;
		size_t avail, n;

		if (src->fp != NULL) {
			if (src->cpos == src->clen) {
				if (src->eof)
					break;
				src->clen = fread(src->chunk, 1, READ_CHUNK, src->fp);
				src->cpos = 0;
				src->consumed += src->clen;
				if (src->progress != NULL && src->clen > 0)
					src->progress(src->progress_ctx, src->consumed, src->total);
				if (src->clen == 0) {
					if (ferror(src->fp)) {
						if (errno == 0)
							errno = EIO;
						return -1;
					}
					src->eof = true;
					break;
				}
			}
			p = src->chunk + src->cpos;
			avail = src->clen - src->cpos;
		} else {
			if (src->mempos == src->memlen)
				break;
			p = src->mem + src->mempos;
			avail = src->memlen - src->mempos;
		}
		any = true;
		nl = memchr(p, '\n', avail);
		n = nl != NULL ? (size_t)(nl - p) : avail;
		if (src_append(src, p, n) != 0) {
			errno = ENOMEM;
			return -1;
		}
		if (src->fp != NULL)
			src->cpos += n + (nl != NULL);
		else
			src->mempos += n + (nl != NULL);
		if (nl != NULL) {
			src->newline = true;
			break;
		}
		/* A line past the limit, or binary data, is an error at once:
		 * never read on to find its end (/dev/zero has none). */
		if (src->too_long || memchr(p, '\0', n) != NULL)
			break;
	}
	if (!any)
		return 0;
	if (src->line == NULL && src_append(src, "", 0) != 0) {
		errno = ENOMEM;
		return -1;
	}
	src->line[src->len] = '\0';
	return 1;
}

/* ---- the loader's state and error reporting ------------------------------ */

/* One load in progress. */
struct loader {
	struct trace *t;
	struct trace_strtab tasks;   /* task names while loading: id = task id + 1 */
	struct trace_error *err;
	const char *line;            /* the current line (NUL-terminated) */
	size_t len;
	unsigned lineno;
	bool have_header;
	uint32_t more_obs;           /* observation continued by the next line */
	uint16_t more_task;          /* its task */
	unsigned more_line;          /* the line that said "more" */
	char ctx[32];                /* message prefix, e.g. "regions[2]: " */
	char clipped[48];            /* a value quoted in a message (clip) */
};

/* Fill the error at line LINE, column COL and return -1. */
static int __attribute__((format(printf, 4, 0)))
vfail_at(struct loader *ld, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	size_t n;

	ld->err->line = line;
	ld->err->col = col;
	n = (size_t)snprintf(ld->err->msg, sizeof ld->err->msg, "%s", ld->ctx);
	if (n < sizeof ld->err->msg)
		vsnprintf(ld->err->msg + n, sizeof ld->err->msg - n, fmt, ap);
	return -1;
}

/* Report an error at column COL of the current line; returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(ld, ld->lineno, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Report an error that belongs to no line (open or read failure). */
static int __attribute__((format(printf, 2, 3)))
fail_noline(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(ld, 0, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Return the 1-based column of the first `"KEY"` in the current line that is
 * followed by a colon, else of any `"KEY"`, else 1. */
static unsigned
key_col(const struct loader *ld, const char *key)
{
	size_t kl = strlen(key);
	const char *end = ld->line + ld->len;
	unsigned any = 0;

	for (const char *s = ld->line, *p; (p = memchr(s, '"', (size_t)(end - s))) != NULL;
	     s = p + 1) {
		const char *q = p + 1 + kl;

		if ((size_t)(end - p) < kl + 2 || memcmp(p + 1, key, kl) != 0 || *q != '"')
			continue;
		if (any == 0)
			any = (unsigned)(p - ld->line) + 1;
		for (q++; q < end && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
			;
		if (q < end && *q == ':')
			return (unsigned)(p - ld->line) + 1;
	}
	return any != 0 ? any : 1;
}

/* Report that KEY has the wrong JSON type; WANT names the type with its
 * article ("a string"). */
static int
fail_type(struct loader *ld, const char *key, const char *want)
{
	return fail(ld, key_col(ld, key), "key '%s' must be %s", key, want);
}

/* Report an allocation failure. */
static int
fail_oom(struct loader *ld)
{
	return fail(ld, 1, "out of memory");
}

/* Return S made fit to quote in a message: at most MAX (< 44) bytes, cut on
 * a UTF-8 boundary and followed by "..." when cut, control characters shown
 * as '?' so that the message stays on one line. */
static const char *
clip(struct loader *ld, const char *s, size_t max)
{
	size_t len = strlen(s), n = len;

	if (len > max)
		for (n = max; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
			;
	for (size_t i = 0; i < n; i++)
		ld->clipped[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	memcpy(ld->clipped + n, len > max ? "..." : "", len > max ? 4 : 1);
	return ld->clipped;
}

/* ---- growing arrays ------------------------------------------------------ */

/* Make room for element N of *P (capacity *CAP elements of ELEM bytes),
 * doubling the capacity; at most MAX elements.  Returns 0 or -1. */
static int
grow(void **p, size_t *cap, size_t n, size_t elem, size_t first, size_t max)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	ncap = *cap < first ? first : *cap * 2;
	if (ncap > max || ncap < *cap)
		ncap = max;
	if (ncap > SIZE_MAX / elem)
		return -1;
	np = realloc(*p, ncap * elem);
	if (np == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Shrink *P (capacity *CAP) to exactly N elements of ELEM bytes. */
static void
shrink(void **p, size_t *cap, size_t n, size_t elem)
{
	void *np;

	if (n == *cap)
		return;
	if (n == 0) {
		free(*p);
		*p = NULL;
		*cap = 0;
		return;
	}
	np = realloc(*p, n * elem);
	if (np != NULL) {
		*p = np;
		*cap = n;
	}
}

/* ---- text checks ---------------------------------------------------------- */

/* Return the length of the valid UTF-8 sequence at S (LEN bytes left) that
 * starts with a byte >= 0x80, 0 when it is invalid, or -1 when it is cut
 * short by the end of the buffer. */
static int
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;          /* overlong */
		else if (c == 0xed)
			hi = 0x9f;          /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;          /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;          /* above U+10FFFF */
	} else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= len)
			return -1;
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* Check that the current line is text: no NUL or control bytes (tab and CR
 * aside) and valid UTF-8.  PARTIAL: the line was cut at LINE_LIMIT, so a
 * sequence cut by its end is not an error.  Returns 0 or -1 (reported). */
static int
check_text(struct loader *ld, bool partial)
{
	const unsigned char *s = (const unsigned char *)ld->line;
	size_t len = ld->len;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		int n;

		if (c >= 0x20 && c < 0x80)
			continue;
		if (c == '\t' || c == '\r')
			continue;
		if (c == 0)
			return fail(ld, (unsigned)i + 1, "binary data (NUL byte)");
		if (c < 0x20)
			return fail(ld, (unsigned)i + 1, "binary data (control byte 0x%02x)", c);
		n = utf8_seq(s + i, len - i);
		if (n < 0 && partial)
			return 0;
		if (n <= 0)
			return fail(ld, (unsigned)i + 1, "invalid UTF-8");
		i += (size_t)n - 1;
	}
	return 0;
}

/* Return whether the current line holds only JSON whitespace. */
static bool
line_blank(const struct loader *ld)
{
	for (size_t i = 0; i < ld->len; i++)
		if (ld->line[i] != ' ' && ld->line[i] != '\t' && ld->line[i] != '\r')
			return false;
	return true;
}

/* Name the JSON type of V with its article, for messages. */
static const char *
json_type_name(const cJSON *v)
{
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "an object";
}

/* ---- values ----------------------------------------------------------------- */

/* Parse the quantity V of KEY: a non-negative JSON integer, or a string
 * "0x4000", "16384" or "16p" (pages; only when ALLOW_PAGES).  Returns 0 with
 * *VAL and *PAGES set, or -1 (reported). */
static int
get_quantity(struct loader *ld, const cJSON *v, const char *key, bool allow_pages,
             uint64_t *val, bool *pages)
{
	const char *s, *p;
	unsigned base = 10;
	uint64_t u = 0;
	bool overflow = false;

	*pages = false;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d < 0)
			return fail(ld, key_col(ld, key), "negative quantity %g for key '%s'", d, key);
		if (!(d < 18446744073709551616.0))
			return fail(ld, key_col(ld, key), "quantity %g for key '%s' overflows 64 bits",
			            d, key);
		u = (uint64_t)d;
		if ((double)u != d)
			return fail(ld, key_col(ld, key), "quantity %g for key '%s' is not an integer",
			            d, key);
		if (d > 9007199254740992.0)
			return fail(ld, key_col(ld, key),
			            "quantity %.0f for key '%s' is too large for an exact JSON number; "
			            "write it as a string", d, key);
		*val = u;
		return 0;
	}
	if (!cJSON_IsString(v))
		return fail_type(ld, key, "a quantity (integer or string)");
	s = v->valuestring;
	if (*s == '\0')
		return fail(ld, key_col(ld, key), "empty quantity for key '%s'", key);
	p = s;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (const char *start = p;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else {
			if (p == start)
				goto bad;
			break;
		}
		if (u > (UINT64_MAX - d) / base)
			overflow = true;
		else
			u = u * base + d;
	}
	if (*p == 'p') {
		*pages = true;
		p++;
	} else if (*p != '\0' && strchr("KMGTkmgt", *p) != NULL) {
		/* Binary units: 16K = 16384 bytes. */
		unsigned shift = *p == 'K' || *p == 'k' ? 10 : *p == 'M' || *p == 'm' ? 20
		               : *p == 'G' || *p == 'g' ? 30 : 40;

		if (u > (UINT64_MAX >> shift))
			overflow = true;
		else
			u <<= shift;
		p++;
	}
	if (*p != '\0')
		goto bad;
	if (overflow)
		return fail(ld, key_col(ld, key), "quantity \"%s\" for key '%s' overflows 64 bits",
		            clip(ld, s, 40), key);
	if (*pages && !allow_pages)
		return fail(ld, key_col(ld, key), "page units (\"%s\") are not allowed for key '%s'",
		            clip(ld, s, 40), key);
	*val = u;
	return 0;
bad:
	return fail(ld, key_col(ld, key),
	            "bad quantity \"%s\" for key '%s' (want 16384, \"0x4000\", \"16K\" or \"4p\")",
	            clip(ld, s, 40), key);
}

/* Parse a non-negative JSON integer V of KEY no larger than MAX. */
static int
get_uint(struct loader *ld, const cJSON *v, const char *key, uint32_t max, uint32_t *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return fail_type(ld, key, "an integer");
	d = v->valuedouble;
	if (!(d >= 0 && d <= (double)max) || (double)(uint32_t)d != d)
		return fail(ld, key_col(ld, key), "key '%s' must be an integer from 0 to %u (got %g)",
		            key, (unsigned)max, d);
	*out = (uint32_t)d;
	return 0;
}

/* Check that V of KEY is a string. */
static int
get_string(struct loader *ld, const cJSON *v, const char *key, const char **out)
{
	if (!cJSON_IsString(v))
		return fail_type(ld, key, "a string");
	*out = v->valuestring;
	return 0;
}

/* Intern the non-empty string V of KEY into the trace's strings. */
static int
get_name(struct loader *ld, const cJSON *v, const char *key, uint32_t *id)
{
	const char *s = NULL;

	if (get_string(ld, v, key, &s) != 0)
		return -1;
	if (*s == '\0')
		return fail(ld, key_col(ld, key), "key '%s' must not be empty", key);
	*id = trace_strtab_intern(&ld->t->strings, s);
	if (*id == 0)
		return fail_oom(ld);
	return 0;
}

/* Intern the string V of KEY as a narration (empty: none, *ID = 0). */
static int
get_text(struct loader *ld, const cJSON *v, const char *key, uint32_t *id)
{
	const char *s = NULL;

	if (get_string(ld, v, key, &s) != 0)
		return -1;
	*id = 0;
	if (*s == '\0')
		return 0;
	*id = trace_strtab_intern(&ld->t->strings, s);
	if (*id == 0)
		return fail_oom(ld);
	return 0;
}

/* Intern task name S (written at key KEY) and set *ID to its task id. */
static int
intern_task(struct loader *ld, const char *s, const char *key, uint16_t *id)
{
	uint32_t sid;

	if (*s == '\0')
		return fail(ld, key_col(ld, key), "empty task name for key '%s'", key);
	if (strlen(s) > TASK_NAME_LIMIT)
		return fail(ld, key_col(ld, key), "task name \"%s\" too long (limit %d bytes)",
		            clip(ld, s, 20), TASK_NAME_LIMIT);
	sid = trace_strtab_find(&ld->tasks, s);
	if (sid == 0) {
		if (ld->tasks.n > MAX_TASK_NAMES)
			return fail(ld, key_col(ld, key), "too many task names (limit %u)",
			            MAX_TASK_NAMES);
		sid = trace_strtab_intern(&ld->tasks, s);
		if (sid == 0)
			return fail_oom(ld);
	}
	*id = (uint16_t)(sid - 1);
	return 0;
}

/* Intern the task name V of KEY. */
static int
get_task(struct loader *ld, const cJSON *v, const char *key, uint16_t *id)
{
	if (!cJSON_IsString(v))
		return fail_type(ld, key, "a string");
	return intern_task(ld, v->valuestring, key, id);
}

/* Read the boolean V of KEY. */
static int
get_bool(struct loader *ld, const cJSON *v, const char *key, bool *out)
{
	if (!cJSON_IsBool(v))
		return fail_type(ld, key, "a boolean (true or false)");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* Parse the protection string V of KEY ("rw-"). */
static int
get_prot(struct loader *ld, const cJSON *v, const char *key, uint8_t *out)
{
	const char *s = NULL;
	int prot;

	if (get_string(ld, v, key, &s) != 0)
		return -1;
	prot = vm_prot_parse(s);
	if (prot < 0)
		return fail(ld, key_col(ld, key),
		            "bad protection \"%s\" for key '%s' (want three of r, w, x or -, like \"rw-\")",
		            clip(ld, s, 40), key);
	*out = (uint8_t)prot;
	return 0;
}

/* Parse the share mode V of KEY: "SM_COW" style or vmmap's "COW". */
static int
get_share_mode(struct loader *ld, const cJSON *v, const char *key, uint8_t *out)
{
	const char *s = NULL;

	if (get_string(ld, v, key, &s) != 0)
		return -1;
	for (int sm = SM_COW; sm <= SM_LARGE_PAGE; sm++) {
		if (strcmp(s, vm_share_mode_name(sm)) == 0 || strcmp(s, vm_share_mode_abbrev(sm)) == 0) {
			*out = (uint8_t)sm;
			return 0;
		}
	}
	return fail(ld, key_col(ld, key),
	            "bad share mode \"%s\" for key '%s' (want SM_COW... or COW, PRV, NUL, SHM, ALI, S/A)",
	            clip(ld, s, 40), key);
}

/* ---- the header --------------------------------------------------------------- */

enum hkey { H_VMSCOPE, H_TITLE, H_PROFILE, H_TASKS, H_PAGE_SIZE, H_MACHINE, H_NKEYS };
static const char *const hkey_names[H_NKEYS] = {
	"vmscope", "title", "profile", "tasks", "page_size", "machine",
};

/* Return the index of NAME in NAMES[N], or -1. */
static int
name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i][0] == name[0] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* Return a malloc'ed copy of S, or NULL. */
static char *
dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

/* Check the header's profile name S. */
static int
header_profile(struct loader *ld, const char *s)
{
	char known[160];
	size_t n = 0;

	if (vm_profile_find(s) != NULL) {
		ld->t->profile = dup_str(s);
		return ld->t->profile == NULL ? fail_oom(ld) : 0;
	}
	known[0] = '\0';
	for (size_t i = 0; vm_profiles[i] != NULL && n < sizeof known; i++)
		n += (size_t)snprintf(known + n, sizeof known - n, "%s%s", i ? ", " : "",
		                      vm_profiles[i]->name);
	return fail(ld, key_col(ld, "profile"), "unknown profile \"%s\" (known: %s)",
	            clip(ld, s, 40), known);
}

/* Read the header's task list V into task ids 0..n-1. */
static int
header_tasks(struct loader *ld, const cJSON *v)
{
	const cJSON *c;

	if (!cJSON_IsArray(v))
		return fail_type(ld, "tasks", "an array of strings");
	if (v->child == NULL)
		return fail(ld, key_col(ld, "tasks"), "key 'tasks' must not be empty");
	for (c = v->child; c != NULL; c = c->next) {
		uint16_t id;

		if (!cJSON_IsString(c))
			return fail_type(ld, "tasks", "an array of strings");
		if (trace_strtab_find(&ld->tasks, c->valuestring) != 0)
			return fail(ld, key_col(ld, "tasks"), "duplicate task \"%s\" in 'tasks'",
			            clip(ld, c->valuestring, 40));
		if (intern_task(ld, c->valuestring, "tasks", &id) != 0)
			return -1;
	}
	ld->t->nheader_tasks = (uint16_t)(ld->tasks.n - 1);
	return 0;
}

/* An integer member NAME of object M into *OUT (-1 when absent), within
 * [LO, HI]; returns 0 or -1 (reported). */
static int
machine_int(struct loader *ld, const cJSON *m, const char *name, long lo, long hi, int *out)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, name);

	*out = -1;
	if (c == NULL)
		return 0;
	if (cJSON_IsBool(c) && hi == 1) {
		*out = cJSON_IsTrue(c);
		return 0;
	}
	if (!cJSON_IsNumber(c) || c->valuedouble < lo || c->valuedouble > hi ||
	    c->valuedouble != (double)(long)c->valuedouble)
		return fail(ld, key_col(ld, name), "'machine' key '%s' must be %s", name,
		            hi == 1 ? "true or false" : "a small integer");
	*out = (int)c->valuedouble;
	return 0;
}

/* The header's "machine" object C (docs/trace-format.md). */
static int
header_machine(struct loader *ld, const cJSON *c)
{
	static const char *const known[] = {
		"kernel", "page_size", "thp", "ksm", "overcommit", "zero_page_on_read",
	};
	struct trace_machine *m = &ld->t->machine;
	const cJSON *k, *ps;
	int v;

	if (!cJSON_IsObject(c))
		return fail_type(ld, "machine", "an object");
	for (const cJSON *e = c->child; e != NULL; e = e->next) {
		size_t i;

		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(e->string, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0] && strncmp(e->string, "x_", 2) != 0)
			return fail(ld, key_col(ld, e->string), "unknown key '%s' in 'machine'",
			            clip(ld, e->string, 40));
	}
	m->present = true;
	if ((k = cJSON_GetObjectItemCaseSensitive(c, "kernel")) != NULL && cJSON_IsString(k))
		snprintf(m->kernel, sizeof m->kernel, "%s", k->valuestring);
	if ((k = cJSON_GetObjectItemCaseSensitive(c, "thp")) != NULL && cJSON_IsString(k))
		snprintf(m->thp, sizeof m->thp, "%s", k->valuestring);
	ps = cJSON_GetObjectItemCaseSensitive(c, "page_size");
	if (ps != NULL && (!cJSON_IsNumber(ps) || ps->valuedouble < 1 || ps->valuedouble > 1 << 30))
		return fail(ld, key_col(ld, "page_size"), "'machine' key 'page_size' must be bytes");
	m->page_size = ps != NULL ? (uint32_t)ps->valuedouble : 0;
	if (machine_int(ld, c, "ksm", 0, 1, &m->ksm) != 0 ||
	    machine_int(ld, c, "overcommit", 0, 2, &m->overcommit) != 0 ||
	    machine_int(ld, c, "zero_page_on_read", 0, 1, &v) != 0)
		return -1;
	m->zero_page_on_read = v;
	return 0;
}

/* Load the header object H. */
static int
load_header(struct loader *ld, const cJSON *h)
{
	const cJSON *v[H_NKEYS] = { 0 };
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(h, "vmscope");
	uint64_t ps;
	bool pages;

	if (ver == NULL) {
		if (cJSON_GetObjectItemCaseSensitive(h, "op") != NULL)
			return fail(ld, 1, "missing header: the first line must be "
			            "{\"vmscope\": 1, \"tasks\": [...]}, not an event");
		return fail(ld, 1, "missing key 'vmscope' in header");
	}
	if (!cJSON_IsNumber(ver))
		return fail_type(ld, "vmscope", "an integer");
	if (ver->valuedouble != 1)
		return fail(ld, key_col(ld, "vmscope"),
		            "unsupported vmscope version %g (this build reads version 1)",
		            ver->valuedouble);
	for (const cJSON *c = h->child; c != NULL; c = c->next) {
		int k = name_index(hkey_names, H_NKEYS, c->string);

		if (k < 0) {
			if (strncmp(c->string, "x_", 2) == 0)
				continue;
		{
			const char *near = text_nearest(c->string, hkey_names, H_NKEYS);

			if (near != NULL)
				return fail(ld, key_col(ld, c->string),
				            "unknown key '%s' in header; did you mean '%s'?",
				            clip(ld, c->string, 40), near);
			return fail(ld, key_col(ld, c->string), "unknown key '%s' in header",
			            clip(ld, c->string, 40));
		}
		}
		if (v[k] != NULL)
			return fail(ld, key_col(ld, c->string), "duplicate key '%s'", c->string);
		v[k] = c;
	}
	if (v[H_TASKS] == NULL)
		return fail(ld, 1, "missing key 'tasks' in header");
	for (const cJSON *c = h->child; c != NULL; c = c->next) {
		const char *s = NULL;

		switch (name_index(hkey_names, H_NKEYS, c->string)) {
		case H_TITLE:
			if (get_string(ld, c, "title", &s) != 0)
				return -1;
			if ((ld->t->title = dup_str(s)) == NULL)
				return fail_oom(ld);
			break;
		case H_PROFILE:
			if (get_string(ld, c, "profile", &s) != 0 || header_profile(ld, s) != 0)
				return -1;
			break;
		case H_TASKS:
			if (header_tasks(ld, c) != 0)
				return -1;
			break;
		case H_PAGE_SIZE:
			if (get_quantity(ld, c, "page_size", false, &ps, &pages) != 0)
				return -1;
			if (ps < 4096 || ps > 1048576 || (ps & (ps - 1)) != 0)
				return fail(ld, key_col(ld, "page_size"),
				            "bad page_size %llu: must be a power of two from 4096 to 1048576",
				            (unsigned long long)ps);
			ld->t->page_size = (uint32_t)ps;
			break;
		case H_MACHINE:
			if (header_machine(ld, c) != 0)
				return -1;
			break;
		default:
			break;
		}
	}
	ld->have_header = true;
	return 0;
}

/* ---- events ------------------------------------------------------------------- */

enum key {
	K_OP, K_NOTE, K_MARK, K_TASK, K_REGION, K_ADDR, K_OFFSET, K_SIZE,
	K_PURGEABLE, K_TAG, K_AS, K_CHILD, K_INHERITANCE, K_PROT, K_MAX, K_TO,
	K_COPY, K_DEALLOCATE, K_ENTRY, K_FILE, K_PRIVATE, K_TEXT, K_REGIONS,
	K_MORE, K_ASK, K_NOTES, K_PARTIAL, K_NKEYS
};
static const char *const key_names[K_NKEYS] = {
	"op", "note", "mark", "task", "region", "addr", "offset", "size",
	"purgeable", "tag", "as", "child", "inheritance", "prot", "max", "to",
	"copy", "deallocate", "entry", "file", "private", "text", "regions",
	"more", "ask", "notes", "partial",
};

#define KB(k) (1u << (k))
#define RANGE_KEYS (KB(K_REGION) | KB(K_ADDR) | KB(K_OFFSET) | KB(K_SIZE))

/* How an op takes its address range. */
enum range_rule {
	RANGE_NONE,          /* no region/addr range */
	RANGE_SIZED,         /* region, or addr + size */
	RANGE_PAGE,          /* region, or addr with optional size (one page) */
};

/* What an op accepts and requires. */
struct op_spec {
	const char *name;
	uint32_t keys;       /* KB(K_*) accepted, besides op, note and mark */
	uint32_t required;
	uint8_t range;       /* enum range_rule */
};

static const struct op_spec op_specs[TOP_COUNT] = {
	[TOP_ALLOCATE] = { "allocate",
		KB(K_TASK) | KB(K_SIZE) | KB(K_ADDR) | KB(K_PURGEABLE) | KB(K_TAG) | KB(K_AS),
		KB(K_TASK) | KB(K_SIZE), RANGE_NONE },
	[TOP_DEALLOCATE] = { "deallocate", KB(K_TASK) | RANGE_KEYS, KB(K_TASK), RANGE_SIZED },
	[TOP_WRITE] = { "write", KB(K_TASK) | RANGE_KEYS, KB(K_TASK), RANGE_PAGE },
	[TOP_READ] = { "read", KB(K_TASK) | RANGE_KEYS, KB(K_TASK), RANGE_PAGE },
	[TOP_FORK] = { "fork", KB(K_TASK) | KB(K_CHILD), KB(K_TASK) | KB(K_CHILD), RANGE_NONE },
	[TOP_INHERIT] = { "inherit", KB(K_TASK) | RANGE_KEYS | KB(K_INHERITANCE),
		KB(K_TASK) | KB(K_INHERITANCE), RANGE_SIZED },
	[TOP_PROTECT] = { "protect", KB(K_TASK) | RANGE_KEYS | KB(K_PROT) | KB(K_MAX),
		KB(K_TASK) | KB(K_PROT), RANGE_SIZED },
	[TOP_OOL_SEND] = { "ool_send",
		KB(K_TASK) | KB(K_TO) | RANGE_KEYS | KB(K_COPY) | KB(K_DEALLOCATE) | KB(K_AS),
		KB(K_TASK) | KB(K_TO) | KB(K_COPY), RANGE_SIZED },
	[TOP_MAKE_MEMORY_ENTRY] = { "make_memory_entry", KB(K_TASK) | RANGE_KEYS | KB(K_AS),
		KB(K_TASK) | KB(K_AS), RANGE_SIZED },
	[TOP_MAP_ENTRY] = { "map_entry", KB(K_TASK) | KB(K_ENTRY) | KB(K_AS),
		KB(K_TASK) | KB(K_ENTRY), RANGE_NONE },
	[TOP_RELEASE_ENTRY] = { "release_entry", KB(K_ENTRY), KB(K_ENTRY), RANGE_NONE },
	[TOP_MAP_FILE] = { "map_file",
		KB(K_TASK) | KB(K_FILE) | KB(K_ADDR) | KB(K_SIZE) | KB(K_OFFSET) | KB(K_PRIVATE) |
		KB(K_AS), KB(K_TASK) | KB(K_FILE) | KB(K_SIZE), RANGE_NONE },
	[TOP_EXIT] = { "exit", KB(K_TASK), KB(K_TASK), RANGE_NONE },
	[TOP_EXEC] = { "exec", KB(K_TASK), KB(K_TASK), RANGE_NONE },
	[TOP_NOTE] = { "note", KB(K_TEXT), KB(K_TEXT), RANGE_NONE },
	[TOP_OBSERVE] = { "observe", KB(K_TASK) | KB(K_REGIONS) | KB(K_MORE) | KB(K_PARTIAL),
		KB(K_TASK) | KB(K_REGIONS), RANGE_NONE },
};

/* Name an op ("allocate"); "?" when OP is not one. */
const char *
trace_op_name(int op)
{
	if (op <= TOP_NONE || op >= TOP_COUNT)
		return "?";
	return op_specs[op].name;
}

/* Return the op named S, or TOP_NONE. */
static int
op_lookup(const char *s)
{
	for (int op = TOP_NONE + 1; op < TOP_COUNT; op++)
		if (strcmp(op_specs[op].name, s) == 0)
			return op;
	return TOP_NONE;
}

/* "unknown op", with the nearest op and the list of ops. */
static int
unknown_op(struct loader *ld, const char *name)
{
	const char *names[TOP_COUNT] = { NULL }, *near;
	char list[400];
	size_t o = 0;

	for (int op = TOP_NONE + 1; op < TOP_COUNT; op++) {
		names[op] = op_specs[op].name;
		o += (size_t)snprintf(list + o, o < sizeof list ? sizeof list - o : 0, "%s%s",
		                      op > TOP_NONE + 1 ? ", " : "", names[op]);
	}
	near = text_nearest(name, names, TOP_COUNT);
	if (near != NULL)
		return fail(ld, key_col(ld, "op"), "unknown op \"%s\"; did you mean \"%s\"? (ops: %s)",
		            clip(ld, name, 40), near, list);
	return fail(ld, key_col(ld, "op"), "unknown op \"%s\" (ops: %s)", clip(ld, name, 40), list);
}

/* "unknown key" for an op, with the nearest key it takes and their list. */
static int
unknown_key(struct loader *ld, const char *key, const struct op_spec *spec, uint32_t allowed)
{
	const char *names[K_NKEYS] = { NULL }, *near;
	char list[400];
	size_t o = 0;

	for (int k = 0; k < K_NKEYS; k++) {
		if ((allowed & KB(k)) == 0 || k == K_OP)
			continue;
		names[k] = key_names[k];
		o += (size_t)snprintf(list + o, o < sizeof list ? sizeof list - o : 0, "%s%s",
		                      o > 0 ? ", " : "", key_names[k]);
	}
	/* A key of some other op is no typo: no suggestion. */
	near = name_index(key_names, K_NKEYS, key) < 0 ? text_nearest(key, names, K_NKEYS) : NULL;
	if (near != NULL)
		return fail(ld, key_col(ld, key), "unknown key '%s' for op '%s'; did you mean '%s'? "
		            "(%s takes: %s)", clip(ld, key, 40), spec->name, near, spec->name, list);
	return fail(ld, key_col(ld, key), "unknown key '%s' for op '%s' (%s takes: %s)",
	            clip(ld, key, 40), spec->name, spec->name, list);
}

/* Check the region/addr/offset/size combination of an event (present keys
 * in V) against the op's range rule. */
static int
check_range(struct loader *ld, const struct op_spec *spec, const cJSON *const *v)
{
	if (spec->range == RANGE_NONE)
		return 0;
	if (v[K_REGION] != NULL && v[K_ADDR] != NULL)
		return fail(ld, key_col(ld, "addr"), "keys 'region' and 'addr' are mutually exclusive");
	if (v[K_REGION] == NULL && v[K_ADDR] == NULL)
		return fail(ld, 1, "op '%s' needs 'region' or 'addr'", spec->name);
	if (v[K_ADDR] != NULL && v[K_OFFSET] != NULL)
		return fail(ld, key_col(ld, "offset"),
		            "key 'offset' needs 'region' (with 'addr', add it to the address)");
	if (v[K_ADDR] != NULL && v[K_SIZE] == NULL && spec->range == RANGE_SIZED)
		return fail(ld, 1, "missing key 'size' for op '%s' (needed with 'addr')", spec->name);
	return 0;
}

/* Set a quantity field of E from V of KEY, with flag FLAG and page flag
 * PFLAG. */
static int
event_quantity(struct loader *ld, const cJSON *v, const char *key, uint64_t *field,
               struct trace_event *e, unsigned flag, unsigned pflag)
{
	bool pages;

	if (get_quantity(ld, v, key, true, field, &pages) != 0)
		return -1;
	e->flags |= (uint16_t)flag;
	if (pages)
		e->flags |= (uint16_t)pflag;
	return 0;
}

/* ---- observations ---------------------------------------------------------------- */

enum rkey {
	R_START, R_END, R_NAME, R_PROT, R_MAX_PROT, R_SHARE_MODE, R_REF_COUNT,
	R_PAGES_RESIDENT, R_PAGES_DIRTIED, R_PAGES_SWAPPED, R_PAGES_PRIVATE,
	R_PAGES_COW, R_PAGES_SHARED, R_PAGES_ZERO, R_NKEYS
};
static const char *const rkey_names[R_NKEYS] = {
	"start", "end", "name", "prot", "max_prot", "share_mode", "ref_count",
	"pages_resident", "pages_dirtied", "pages_swapped", "pages_private",
	"pages_cow", "pages_shared", "pages_zero",
};

/* Return the counter field of R that key K fills. */
static uint32_t *
obs_counter(struct trace_obs_region *r, int k)
{
	switch (k) {
	case R_REF_COUNT: return &r->ref_count;
	case R_PAGES_RESIDENT: return &r->pages_resident;
	case R_PAGES_DIRTIED: return &r->pages_dirtied;
	case R_PAGES_SWAPPED: return &r->pages_swapped;
	case R_PAGES_PRIVATE: return &r->pages_private;
	case R_PAGES_COW: return &r->pages_cow;
	case R_PAGES_SHARED: return &r->pages_shared;
	case R_PAGES_ZERO: return &r->pages_zero;
	}
	return NULL;
}


/* Does the smaps VmFlags text FLAGS ("rd wr mr mw me ac mg ") hold the
 * two-letter flag F? */
static bool
vmflags_have(const char *flags, const char *f)
{
	for (const char *p = flags; p[0] != '\0' && p[1] != '\0'; p++)
		if ((p == flags || p[-1] == ' ') && p[0] == f[0] && p[1] == f[1] &&
		    (p[2] == ' ' || p[2] == '\0'))
			return true;
	return false;
}

/* Load one region object O of an observation into R. */
static int
load_obs_region(struct loader *ld, const cJSON *o, struct trace_obs_region *r)
{
	const cJSON *v[R_NKEYS] = { 0 };
	bool pages;

	if (!cJSON_IsObject(o))
		return fail(ld, key_col(ld, "regions"), "must be an object, not %s",
		            json_type_name(o));
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		int k = name_index(rkey_names, R_NKEYS, c->string);

		if (k < 0) {
			if (strcmp(c->string, "x_vmflags") == 0 && cJSON_IsString(c) &&
			    vmflags_have(c->valuestring, "mg"))
				r->xflags |= TOBSX_MERGEABLE;
			if (strncmp(c->string, "x_", 2) == 0)
				continue;
			return fail(ld, key_col(ld, c->string), "unknown key '%s'",
			            clip(ld, c->string, 40));
		}
		if (v[k] != NULL)
			return fail(ld, key_col(ld, c->string), "duplicate key '%s'", c->string);
		v[k] = c;
	}
	if (v[R_START] == NULL || v[R_END] == NULL)
		return fail(ld, 1, "missing key '%s'", v[R_START] == NULL ? "start" : "end");
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		int k = name_index(rkey_names, R_NKEYS, c->string);
		int rc = 0;

		switch (k) {
		case -1:
			break;
		case R_START:
			rc = get_quantity(ld, c, "start", false, &r->start, &pages);
			break;
		case R_END:
			rc = get_quantity(ld, c, "end", false, &r->end, &pages);
			break;
		case R_NAME:
			rc = get_name(ld, c, "name", &r->name);
			break;
		case R_PROT:
			rc = get_prot(ld, c, "prot", &r->prot);
			break;
		case R_MAX_PROT:
			rc = get_prot(ld, c, "max_prot", &r->max_prot);
			break;
		case R_SHARE_MODE:
			rc = get_share_mode(ld, c, "share_mode", &r->share_mode);
			break;
		default:
			rc = get_uint(ld, c, rkey_names[k], UINT32_MAX, obs_counter(r, k));
			break;
		}
		if (rc != 0)
			return -1;
		if (k >= R_PROT)
			r->have |= (uint16_t)(1u << (k - R_PROT));
	}
	if (r->start >= r->end)
		return fail(ld, key_col(ld, "end"), "'start' (0x%llx) must be below 'end' (0x%llx)",
		            (unsigned long long)r->start, (unsigned long long)r->end);
	return 0;
}

/*
 * Load the regions array V of an observe event into a new observation and
 * set *INDEX to its 1-based index -- or, when *INDEX is already set (a
 * continuation, "more"), append them to that observation.
 */
static int
load_obs(struct loader *ld, const cJSON *v, uint32_t *index)
{
	struct trace *t = ld->t;
	struct trace_obs *obs;
	struct trace_obs_region *grown;
	size_t cap = t->obs_cap, n = 0;
	uint32_t first;
	int i = 0;

	if (!cJSON_IsArray(v))
		return fail_type(ld, "regions", "an array of objects");
	for (const cJSON *c = v->child; c != NULL; c = c->next)
		n++;
	if (*index == 0) {
		if (grow((void **)&t->obs, &cap, t->nobs, sizeof *t->obs, 16, UINT32_MAX - 1) != 0)
			return fail_oom(ld);
		t->obs_cap = (uint32_t)cap;
		obs = &t->obs[t->nobs];
		obs->nregions = 0;
		obs->regions = NULL;
		obs->partial = false;
		t->nobs++;
		*index = t->nobs;
	}
	obs = &t->obs[*index - 1];
	if (n > UINT32_MAX - obs->nregions)
		return fail_oom(ld);
	first = obs->nregions;
	if (n > 0) {
		grown = realloc(obs->regions, (first + n) * sizeof *obs->regions);
		if (grown == NULL)
			return fail_oom(ld);
		memset(grown + first, 0, n * sizeof *grown);
		obs->regions = grown;
		obs->nregions = first + (uint32_t)n;
	}
	for (const cJSON *c = v->child; c != NULL; c = c->next, i++) {
		snprintf(ld->ctx, sizeof ld->ctx, "regions[%d]: ", i);
		if (load_obs_region(ld, c, &obs->regions[first + (uint32_t)i]) != 0)
			return -1;
	}
	ld->ctx[0] = '\0';
	return 0;
}

/* Parse inheritance value V. */
static int
get_inheritance(struct loader *ld, const cJSON *v, uint8_t *out)
{
	const char *s = NULL;

	if (get_string(ld, v, "inheritance", &s) != 0)
		return -1;
	if (strcmp(s, "none") == 0)
		*out = VM_INHERIT_NONE;
	else if (strcmp(s, "copy") == 0)
		*out = VM_INHERIT_COPY;
	else if (strcmp(s, "share") == 0)
		*out = VM_INHERIT_SHARE;
	else
		return fail(ld, key_col(ld, "inheritance"),
		            "bad inheritance \"%s\" (want none, copy or share)", clip(ld, s, 40));
	return 0;
}

/* Parse the ool_send copy option V into E's flags. */
static int
get_copy(struct loader *ld, const cJSON *v, struct trace_event *e)
{
	const char *s = NULL;

	if (get_string(ld, v, "copy", &s) != 0)
		return -1;
	if (strcmp(s, "physical") == 0)
		e->flags |= TEF_PHYSICAL;
	else if (strcmp(s, "virtual") != 0)
		return fail(ld, key_col(ld, "copy"), "bad copy \"%s\" (want virtual or physical)",
		            clip(ld, s, 40));
	return 0;
}

static const char *const ask_names[TASK_COUNT] = {
	"share_mode", "ref_count", "pages_resident", "pages_dirtied", "shadow_depth", "object",
	"needs_copy", "prot", "max_prot", "inheritance", "pages_cow", "pages_shared",
};

const char *
trace_ask_name(int f)
{
	return f >= 0 && f < TASK_COUNT ? ask_names[f] : NULL;
}

int
trace_ask_parse(const char *name)
{
	if (strcmp(name, "resident") == 0)
		return TASK_RESIDENT;
	if (strcmp(name, "depth") == 0)
		return TASK_SHADOW_DEPTH;
	return name_index(ask_names, TASK_COUNT, name);
}

/* "ask": an array of field names, into the mask *ASK. */
static int
get_ask(struct loader *ld, const cJSON *v, uint32_t *ask)
{
	const cJSON *c;

	if (!cJSON_IsArray(v))
		return fail_type(ld, "ask", "an array of field names");
	cJSON_ArrayForEach(c, v) {
		int f = cJSON_IsString(c) ? trace_ask_parse(c->valuestring) : -1;

		if (f < 0)
			return fail(ld, key_col(ld, "ask"), "'ask' holds %s%s%s; it asks fields named as "
			            "in dump --json: share_mode, ref_count, pages_resident, pages_dirtied, "
			            "shadow_depth, object, needs_copy, prot, max_prot, inheritance, "
			            "pages_cow, pages_shared", cJSON_IsString(c) ? "\"" : "",
			            cJSON_IsString(c) ? clip(ld, c->valuestring, 30) : "a non-string",
			            cJSON_IsString(c) ? "\"" : "");
		*ask |= 1u << f;
	}
	if (*ask == 0)
		return fail(ld, key_col(ld, "ask"), "'ask' must name at least one field");
	return 0;
}

/* Convert the value C (key K) of an event into E; A receives the
 * annotation's parts (note, mark, ask, notes). */
static int
event_value(struct loader *ld, int k, const cJSON *c, struct trace_event *e,
            struct trace_annot *a)
{
	const char *key = key_names[k];
	bool b = false;
	uint32_t tag;

	switch (k) {
	case K_OP:
		return 0;
	case K_NOTE:
		return get_text(ld, c, key, &a->note);
	case K_MARK:
		return get_text(ld, c, key, &a->mark);
	case K_ASK:
		return get_ask(ld, c, &a->ask);
	case K_NOTES:
		return get_text(ld, c, key, &a->notes);
	case K_TASK:
		return get_task(ld, c, key, &e->task);
	case K_CHILD:
	case K_TO:
		return get_task(ld, c, key, &e->task2);
	case K_REGION:
	case K_ENTRY:
	case K_FILE:
		return get_name(ld, c, key, &e->region);
	case K_TEXT:
		return get_text(ld, c, key, &e->region);
	case K_AS:
		return get_name(ld, c, key, &e->as);
	case K_ADDR:
		return event_quantity(ld, c, key, &e->addr, e, TEF_ADDR, TEF_ADDR_PAGES);
	case K_OFFSET:
		return event_quantity(ld, c, key, &e->offset, e, TEF_OFFSET, TEF_OFFSET_PAGES);
	case K_SIZE:
		return event_quantity(ld, c, key, &e->size, e, TEF_SIZE, TEF_SIZE_PAGES);
	case K_PURGEABLE:
	case K_DEALLOCATE:
	case K_PRIVATE:
		if (get_bool(ld, c, key, &b) != 0)
			return -1;
		if (b)
			e->flags |= k == K_PURGEABLE ? TEF_PURGEABLE
			          : k == K_DEALLOCATE ? TEF_DEALLOC : TEF_PRIVATE;
		return 0;
	case K_TAG:
		if (get_uint(ld, c, key, UINT16_MAX, &tag) != 0)
			return -1;
		e->tag = (uint16_t)tag;
		return 0;
	case K_INHERITANCE:
		return get_inheritance(ld, c, &e->inheritance);
	case K_PROT:
		return get_prot(ld, c, key, &e->prot);
	case K_MAX:
		e->flags |= TEF_SET_MAX;
		return get_prot(ld, c, key, &e->max_prot);
	case K_COPY:
		return get_copy(ld, c, e);
	case K_REGIONS:
		if (ld->more_obs != 0)
			e->obs = ld->more_obs;
		return load_obs(ld, c, &e->obs);
	case K_MORE:
		return get_bool(ld, c, key, &b) != 0 ? -1 : (b ? (e->flags |= TEF_MORE, 0) : 0);
	case K_PARTIAL:
		return get_bool(ld, c, key, &b) != 0 ? -1 : (b ? (e->flags |= TEF_PARTIAL, 0) : 0);
	}
	return 0;
}

/* Load the event object O. */
static int
load_event(struct loader *ld, const cJSON *o)
{
	struct trace *t = ld->t;
	const cJSON *v[K_NKEYS] = { 0 };
	const cJSON *opv = cJSON_GetObjectItemCaseSensitive(o, "op");
	const struct op_spec *spec;
	struct trace_event e;
	struct trace_annot an = { 0 };
	uint32_t allowed;
	int op;

	if (opv == NULL)
		return fail(ld, 1, "missing key 'op'");
	if (!cJSON_IsString(opv))
		return fail_type(ld, "op", "a string");
	op = op_lookup(opv->valuestring);
	if (op == TOP_NONE)
		return unknown_op(ld, opv->valuestring);
	spec = &op_specs[op];
	allowed = spec->keys | KB(K_OP) | KB(K_NOTE) | KB(K_MARK) | KB(K_ASK) | KB(K_NOTES);
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		int k = name_index(key_names, K_NKEYS, c->string);

		if (k < 0 || (allowed & KB(k)) == 0) {
			if (strncmp(c->string, "x_", 2) == 0)
				continue;
			return unknown_key(ld, c->string, spec, allowed);
		}
		if (v[k] != NULL)
			return fail(ld, key_col(ld, c->string), "duplicate key '%s'", c->string);
		v[k] = c;
	}
	for (int k = 0; k < K_NKEYS; k++)
		if ((spec->required & KB(k)) != 0 && v[k] == NULL)
			return fail(ld, 1, "missing key '%s' for op '%s'", key_names[k], spec->name);
	if (check_range(ld, spec, v) != 0)
		return -1;

	if (ld->more_obs != 0 && op != TOP_OBSERVE)
		return fail(ld, key_col(ld, "op"), "an observe continuation was expected (line %u "
		            "said \"more\": true)", ld->more_line);
	memset(&e, 0, sizeof e);
	e.line = ld->lineno;
	e.op = (uint8_t)op;
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		int k = name_index(key_names, K_NKEYS, c->string);

		if (k >= 0 && event_value(ld, k, c, &e, &an) != 0)
			return -1;
	}
	if (op == TOP_OBSERVE && (e.flags & TEF_PARTIAL))
		t->obs[e.obs - 1].partial = true;
	if (ld->more_obs != 0) {
		/* A continuation: its regions joined the observation; no step. */
		if (e.task != ld->more_task)
			return fail(ld, key_col(ld, "task"), "an observe continuation must name the "
			            "same task as line %u", ld->more_line);
		if (an.note != 0 || an.mark != 0 || an.ask != 0 || an.notes != 0)
			return fail(ld, key_col(ld, an.note != 0 ? "note" : an.mark != 0 ? "mark" :
			                        an.ask != 0 ? "ask" : "notes"),
			            "an observe continuation cannot carry a note, mark or ask");
		if (!(e.flags & TEF_MORE))
			ld->more_obs = 0;
		else
			ld->more_line = ld->lineno;
		return 0;
	}
	if (e.flags & TEF_MORE) {
		ld->more_obs = e.obs;
		ld->more_task = e.task;
		ld->more_line = ld->lineno;
		e.flags &= (uint16_t)~TEF_MORE;
	}
	if (an.note != 0 || an.mark != 0 || an.ask != 0 || an.notes != 0) {
		size_t cap = t->annots_cap;

		if (grow((void **)&t->annots, &cap, t->nannots, sizeof *t->annots, 16,
		         UINT32_MAX - 1) != 0)
			return fail_oom(ld);
		t->annots_cap = (uint32_t)cap;
		t->annots[t->nannots] = an;
		e.annot = ++t->nannots;
	}
	if (grow((void **)&t->ev, &t->ev_cap, t->nev, sizeof *t->ev, 256, SIZE_MAX) != 0)
		return fail_oom(ld);
	t->ev[t->nev++] = e;
	return 0;
}

/* ---- lines --------------------------------------------------------------------------- */

/* Return what is left open at the end of the current line: 0 nothing (or
 * the brackets do not even match), 1 an object or array, 2 a string, whose
 * opening quote is then at *QUOTE.  This tells input that stops too early
 * from other syntax errors. */
static int
json_left_open(const struct loader *ld, size_t *quote)
{
	long depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < ld->len; i++) {
		char c = ld->line[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
			*quote = i;
		} else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth < 0)
			return 0;
	}
	return in_string ? 2 : depth > 0;
}

/* Load the current line.  TOO_LONG: it was cut at LINE_LIMIT; NEWLINE: it
 * ended with '\n' (else it is the last line of the input). */
static int
load_line(struct loader *ld, bool too_long, bool newline)
{
	const char *end = NULL;
	cJSON *j;
	size_t off, quote = 0;
	int rc, open;

	if (check_text(ld, too_long) != 0)
		return -1;
	if (too_long)
		return fail(ld, 1, "line too long (limit %u bytes)", LINE_LIMIT);
	if (line_blank(ld))
		return 0;
	/* Hand cJSON the terminating NUL too: input that ends too early then
	 * fails at offset len instead of being clamped to the last byte. */
	j = cJSON_ParseWithLengthOpts(ld->line, ld->len + 1, &end, 0);
	if (j == NULL) {
		off = end != NULL && end >= ld->line ? (size_t)(end - ld->line) : 0;
		/* cJSON places an unterminated string just after its quote. */
		open = json_left_open(ld, &quote);
		if ((open == 1 && off < ld->len) || (open == 2 && off != quote + 1))
			open = 0;
		if (open != 0 && !newline)
			return fail(ld, (unsigned)off + 1,
			            "invalid JSON: unexpected end of file (truncated last line?)");
		if (open != 0)
			return fail(ld, (unsigned)off + 1, "invalid JSON: %s",
			            open == 2 ? "unterminated string" : "unexpected end of line");
		return fail(ld, (unsigned)off + 1, "invalid JSON");
	}
	off = end != NULL && end >= ld->line ? (size_t)(end - ld->line) : ld->len;
	for (; off < ld->len; off++) {
		char ch = ld->line[off];

		if (ch != ' ' && ch != '\t' && ch != '\r') {
			cJSON_Delete(j);
			return fail(ld, (unsigned)off + 1, "invalid JSON: text after the object");
		}
	}
	if (!cJSON_IsObject(j)) {
		const char *what = json_type_name(j);
		unsigned col = 1;

		while (col <= ld->len && (ld->line[col - 1] == ' ' || ld->line[col - 1] == '\t'))
			col++;
		cJSON_Delete(j);
		return fail(ld, col, "expected a JSON object, not %s", what);
	}
	rc = ld->have_header ? load_event(ld, j) : load_header(ld, j);
	cJSON_Delete(j);
	return rc;
}

/* Give T the task names the loader met since the last call: STEAL hands
 * the strings over (the load is over), else T gets copies (the loader still
 * looks names up). */
static int
take_task_names(struct loader *ld, bool steal)
{
	struct trace *t = ld->t;
	uint32_t n = ld->tasks.n > 0 ? ld->tasks.n - 1 : 0;
	char **names;

	if (n <= t->ntask_names)
		return 0;
	names = realloc(t->task_names, n * sizeof *names);
	if (names == NULL)
		return fail_oom(ld);
	t->task_names = names;
	for (uint32_t i = t->ntask_names; i < n; i++) {
		if (steal) {
			names[i] = ld->tasks.strs[i + 1];
			ld->tasks.strs[i + 1] = NULL;
		} else if ((names[i] = dup_str(ld->tasks.strs[i + 1])) == NULL) {
			return fail_oom(ld);
		}
		t->ntask_names = (uint16_t)(i + 1);
	}
	t->task_names_cap = (uint16_t)n;
	return 0;
}

/* Shrink every array of T to its count. */
static void
trace_compact(struct trace *t)
{
	size_t cap;

	shrink((void **)&t->ev, &t->ev_cap, t->nev, sizeof *t->ev);
	cap = t->annots_cap;
	shrink((void **)&t->annots, &cap, t->nannots, sizeof *t->annots);
	t->annots_cap = (uint32_t)cap;
	cap = t->obs_cap;
	shrink((void **)&t->obs, &cap, t->nobs, sizeof *t->obs);
	t->obs_cap = (uint32_t)cap;
	trace_strtab_compact(&t->strings);
}

/* Start loading a new trace named NAME into LD (ERR receives errors). */
static int
load_begin(struct loader *ld, const char *name, struct trace_error *err)
{
	memset(ld, 0, sizeof *ld);
	ld->err = err;
	trace_strtab_init(&ld->tasks);
	ld->t = calloc(1, sizeof *ld->t);
	/* The path is only ever shown: keep it safe to show. */
	if (ld->t == NULL || (ld->t->path = dup_str(name)) == NULL ||
	    text_sanitize(ld->t->path, strlen(ld->t->path) + 1, ld->t->path, false) == NULL) {
		free(ld->t);
		ld->t = NULL;
		return fail_noline(ld, "out of memory");
	}
	trace_strtab_init(&ld->t->strings);
	return 0;
}

/* Load lines of SRC until the trace has at least UPTO events (and no
 * observation is left open) or the input ends.  Returns 1 when it stopped
 * early, 0 at the end, -1 on an error. */
static int
load_lines(struct loader *ld, struct line_src *src, size_t upto)
{
	while (ld->t->nev < upto || ld->more_obs != 0 || !ld->have_header) {
		int r = src_next(src), rc;

		if (r < 0)
			return fail_noline(ld, "read error: %s", strerror(errno));
		if (r == 0)
			return 0;
		if (ld->lineno == UINT32_MAX)
			return fail_noline(ld, "too many lines");
		ld->lineno++;
		ld->line = src->line;
		ld->len = src->len;
		if ((rc = load_line(ld, src->too_long, src->newline)) != 0)
			return rc;
	}
	return 1;
}

/* The checks at the end of the input. */
static int
load_end(struct loader *ld)
{
	if (!ld->have_header) {
		ld->lineno = 1;
		return fail(ld, 1, "missing header (empty file)");
	}
	if (ld->more_obs != 0) {
		ld->lineno = ld->more_line;
		return fail(ld, 1, "the trace ends inside an observation (\"more\": true on "
		            "its last line)");
	}
	return 0;
}

/* Load every line of SRC into a new trace named NAME. */
static int
load(const char *name, struct line_src *src, struct trace **out, struct trace_error *err)
{
	struct loader ld;
	int rc;

	if (load_begin(&ld, name, err) != 0)
		return -1;
	rc = load_lines(&ld, src, SIZE_MAX);
	if (rc == 0)
		rc = load_end(&ld);
	if (rc == 0)
		rc = take_task_names(&ld, true);
	trace_strtab_free(&ld.tasks);
	free(src->line);
	src->line = NULL;
	if (rc != 0) {
		trace_free(ld.t);
		return -1;
	}
	trace_compact(ld.t);
	*out = ld.t;
	return 0;
}

/* ---- public entry points ---------------------------------------------------------- */

/* Start an error record for input NAME. */
static void
error_init(struct trace_error *err, const char *name)
{
	memset(err, 0, sizeof *err);
	text_sanitize(err->file, sizeof err->file, name, false);
}

/* Load the trace file PATH ("-": standard input). */
int
trace_load_file(const char *path, struct trace **out, struct trace_error *err)
{
	return trace_load_file_progress(path, out, err, NULL, NULL);
}

int
trace_load_file_progress(const char *path, struct trace **out, struct trace_error *err,
                         trace_progress_fn progress, void *ctx)
{
	struct trace_error local;
	struct line_src src;
	struct stat st;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	int rc;

	if (err == NULL)
		err = &local;
	*out = NULL;
	error_init(err, name);
	memset(&src, 0, sizeof src);
	src.fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (src.fp == NULL) {
		snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
		return -1;
	}
	src.progress = progress;
	src.progress_ctx = ctx;
	if (fstat(fileno(src.fp), &st) == 0 && S_ISREG(st.st_mode))
		src.total = (uint64_t)st.st_size;
	src.chunk = malloc(READ_CHUNK);
	if (src.chunk == NULL) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		rc = -1;
	} else {
		errno = 0;
		rc = load(name, &src, out, err);
	}
	free(src.chunk);
	if (src.fp != stdin)
		fclose(src.fp);
	return rc;
}

/* ---- loading a little at a time ------------------------------------------------- */

struct trace_stream {
	struct loader ld;
	struct line_src src;
	struct trace_error err;
	int state;                   /* 1: more to come, 0: all loaded, -1: failed */
};

int
trace_stream_open(const char *path, struct trace_stream **out, struct trace_error *err)
{
	struct trace_stream *s = calloc(1, sizeof *s);
	struct stat st;

	*out = NULL;
	error_init(err, path);
	if (s == NULL || (s->src.chunk = malloc(READ_CHUNK)) == NULL) {
		free(s);
		snprintf(err->msg, sizeof err->msg, "out of memory");
		return -1;
	}
	error_init(&s->err, path);
	s->state = 1;
	if ((s->src.fp = fopen(path, "rb")) == NULL) {
		snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
		trace_stream_close(s);
		return -1;
	}
	if (fstat(fileno(s->src.fp), &st) == 0 && S_ISREG(st.st_mode))
		s->src.total = (uint64_t)st.st_size;
	if (load_begin(&s->ld, path, &s->err) != 0 || trace_stream_load(s, 0) < 0) {
		*err = s->err;
		trace_free(s->ld.t);
		s->ld.t = NULL;
		trace_stream_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int
trace_stream_load(struct trace_stream *s, size_t upto)
{
	int rc;

	if (s->state != 1)
		return s->state;
	errno = 0;
	rc = load_lines(&s->ld, &s->src, upto);
	if (rc == 0)
		rc = load_end(&s->ld);
	/* Even after an error: the events loaded before it name these tasks. */
	if (take_task_names(&s->ld, false) != 0)
		rc = -1;
	if (rc == 0)
		trace_compact(s->ld.t);
	s->state = rc;
	return rc;
}

struct trace *
trace_stream_trace(const struct trace_stream *s)
{
	return s->ld.t;
}

const struct trace_error *
trace_stream_error(const struct trace_stream *s)
{
	return s->state < 0 ? &s->err : NULL;
}

double
trace_stream_fraction(const struct trace_stream *s)
{
	if (s->state == 0)
		return 1.0;
	if (s->src.total == 0)
		return -1.0;
	/* The bytes handed to the loader: those read, less what waits in the chunk. */
	return (double)(s->src.consumed - (s->src.clen - s->src.cpos)) / (double)s->src.total;
}

void
trace_stream_close(struct trace_stream *s)
{
	if (s == NULL)
		return;
	trace_strtab_free(&s->ld.tasks);
	free(s->src.line);
	free(s->src.chunk);
	if (s->src.fp != NULL)
		fclose(s->src.fp);
	free(s);
}

/* Load a trace from the LEN bytes at BUF, calling it NAME in messages. */
int
trace_load_mem(const char *name, const char *buf, size_t len, struct trace **out,
               struct trace_error *err)
{
	struct trace_error local;
	struct line_src src;

	if (err == NULL)
		err = &local;
	*out = NULL;
	error_init(err, name);
	memset(&src, 0, sizeof src);
	src.mem = buf;
	src.memlen = buf != NULL ? len : 0;
	return load(name, &src, out, err);
}

/* Print E as "FILE:LINE:COL: message" ("FILE: message" without a line). */
void
trace_error_format(const struct trace_error *e, char *buf, size_t len)
{
	if (len == 0)
		return;
	if (e->line == 0)
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	else
		snprintf(buf, len, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
}

/* Free T and everything it holds. */
void
trace_free(struct trace *t)
{
	if (t == NULL)
		return;
	free(t->path);
	free(t->title);
	free(t->profile);
	for (uint32_t i = 0; i < t->ntask_names; i++)
		free(t->task_names[i]);
	free(t->task_names);
	free(t->task_unnamed);
	free(t->ev);
	free(t->annots);
	for (uint32_t i = 0; i < t->nobs; i++)
		free(t->obs[i].regions);
	free(t->obs);
	trace_strtab_free(&t->strings);
	free(t);
}

/* Return string ID of T; "" for 0. */
const char *
trace_str(const struct trace *t, uint32_t id)
{
	return trace_strtab_get(&t->strings, id);
}

/* Return the name of task ID; "" when there is no such id. */
const char *
trace_task_name(const struct trace *t, uint16_t id)
{
	if (id >= t->ntask_names)
		return "";
	return t->task_names[id];
}

/* Return E's "note" narration, or NULL when it has none. */
const char *
trace_event_note(const struct trace *t, const struct trace_event *e)
{
	if (e->annot == 0 || e->annot > t->nannots || t->annots[e->annot - 1].note == 0)
		return NULL;
	return trace_str(t, t->annots[e->annot - 1].note);
}

/* Return E's "mark" chapter name, or NULL when it has none. */
const char *
trace_event_mark(const struct trace *t, const struct trace_event *e)
{
	if (e->annot == 0 || e->annot > t->nannots || t->annots[e->annot - 1].mark == 0)
		return NULL;
	return trace_str(t, t->annots[e->annot - 1].mark);
}

const char *
trace_event_notes(const struct trace *t, const struct trace_event *e)
{
	if (e->annot == 0 || e->annot > t->nannots || t->annots[e->annot - 1].notes == 0)
		return NULL;
	return trace_str(t, t->annots[e->annot - 1].notes);
}

uint32_t
trace_event_ask(const struct trace *t, const struct trace_event *e)
{
	return e->annot != 0 && e->annot <= t->nannots ? t->annots[e->annot - 1].ask : 0;
}

/* Count the heap bytes T holds: arrays by capacity, plus every string. */
size_t
trace_memory(const struct trace *t)
{
	size_t bytes = sizeof *t;

	if (t->path != NULL)
		bytes += strlen(t->path) + 1;
	if (t->title != NULL)
		bytes += strlen(t->title) + 1;
	if (t->profile != NULL)
		bytes += strlen(t->profile) + 1;
	bytes += (size_t)t->task_names_cap * sizeof *t->task_names;
	for (uint32_t i = 0; i < t->ntask_names; i++)
		bytes += strlen(t->task_names[i]) + 1;
	bytes += t->ev_cap * sizeof *t->ev;
	bytes += (size_t)t->annots_cap * sizeof *t->annots;
	bytes += (size_t)t->obs_cap * sizeof *t->obs;
	for (uint32_t i = 0; i < t->nobs; i++)
		bytes += (size_t)t->obs[i].nregions * sizeof *t->obs[i].regions;
	bytes += trace_strtab_memory(&t->strings);
	return bytes;
}

/* ---- traces built in memory (vmscope attach) ----------------------------------------- */

/* Make a trace with no events: NAME for messages, header fields as given. */
struct trace *
trace_new(const char *name, const char *title, const char *profile, uint32_t page_size,
          const char *const *tasks, size_t ntasks)
{
	struct trace *t;

	if (ntasks == 0 || ntasks > MAX_TASK_NAMES)
		return NULL;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	trace_strtab_init(&t->strings);
	t->path = dup_str(name);
	if (t->path != NULL)
		text_sanitize(t->path, strlen(t->path) + 1, t->path, false);
	t->title = title != NULL ? dup_str(title) : NULL;
	t->profile = profile != NULL ? dup_str(profile) : NULL;
	t->page_size = page_size;
	t->task_names = calloc(ntasks, sizeof *t->task_names);
	if (t->path == NULL || (title != NULL && t->title == NULL) ||
	    (profile != NULL && t->profile == NULL) || t->task_names == NULL) {
		trace_free(t);
		return NULL;
	}
	for (size_t i = 0; i < ntasks; i++) {
		if ((t->task_names[i] = dup_str(tasks[i])) == NULL) {
			trace_free(t);
			return NULL;
		}
		t->ntask_names++;
	}
	t->task_names_cap = t->ntask_names;
	t->nheader_tasks = t->ntask_names;
	return t;
}

int
trace_task_add(struct trace *t, const char *name, bool unnamed)
{
	char **names;
	bool *un;

	if (t->ntask_names >= MAX_TASK_NAMES || name == NULL || name[0] == '\0')
		return -1;
	for (uint16_t i = 0; i < t->ntask_names; i++)
		if (strcmp(t->task_names[i], name) == 0)
			return -1;
	names = realloc(t->task_names, ((size_t)t->ntask_names + 1) * sizeof *names);
	if (names == NULL)
		return -1;
	t->task_names = names;
	un = realloc(t->task_unnamed, ((size_t)t->ntask_names + 1) * sizeof *un);
	if (un == NULL)
		return -1;
	if (t->task_unnamed == NULL)
		memset(un, 0, t->ntask_names * sizeof *un);
	t->task_unnamed = un;
	un[t->ntask_names] = unnamed;
	if ((names[t->ntask_names] = dup_str(name)) == NULL)
		return -1;
	t->task_names_cap = (uint16_t)(t->ntask_names + 1);
	return t->ntask_names++;
}

int
trace_task_rename(struct trace *t, uint16_t id, const char *name)
{
	char *copy;

	if (id >= t->ntask_names || name == NULL || name[0] == '\0')
		return -1;
	for (uint16_t i = 0; i < t->ntask_names; i++)
		if (i != id && strcmp(t->task_names[i], name) == 0)
			return -1;
	if ((copy = dup_str(name)) == NULL)
		return -1;
	free(t->task_names[id]);
	t->task_names[id] = copy;
	if (t->task_unnamed != NULL)
		t->task_unnamed[id] = false;
	return 0;
}

bool
trace_task_unnamed(const struct trace *t, uint16_t id)
{
	return t->task_unnamed != NULL && id < t->ntask_names && t->task_unnamed[id];
}

/* Intern S in T's string table (NULL or "": 0). */
uint32_t
trace_intern(struct trace *t, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return 0;
	return trace_strtab_intern(&t->strings, s);
}

/* Append one event to T, with its annotation and observation (the
 * array OWN when not NULL: it becomes T's, else a copy of REGIONS). */
static int
append(struct trace *t, const struct trace_event *e, const char *note, const char *mark,
       const struct trace_obs_region *regions, struct trace_obs_region *own, size_t nregions)
{
	struct trace_event ev = *e;
	uint32_t nid = trace_intern(t, note), mid = trace_intern(t, mark);
	size_t cap;

	if ((note != NULL && note[0] != '\0' && nid == 0) ||
	    (mark != NULL && mark[0] != '\0' && mid == 0) || ev.task >= t->ntask_names ||
	    (ev.op == TOP_FORK && ev.task2 >= t->ntask_names) || nregions > UINT32_MAX)
		return -1;
	/* Make room for everything first, so that a failure changes nothing. */
	if (grow((void **)&t->ev, &t->ev_cap, t->nev, sizeof *t->ev, 256, SIZE_MAX) != 0)
		return -1;
	cap = t->annots_cap;
	if ((nid != 0 || mid != 0) &&
	    grow((void **)&t->annots, &cap, t->nannots, sizeof *t->annots, 16, UINT32_MAX - 1) != 0)
		return -1;
	t->annots_cap = (uint32_t)cap;
	ev.annot = ev.obs = 0;
	ev.line = 0;
	ev.flags &= (uint16_t)~TEF_MORE;
	if (ev.op == TOP_OBSERVE) {
		struct trace_obs_region *copy = NULL;

		cap = t->obs_cap;
		if (grow((void **)&t->obs, &cap, t->nobs, sizeof *t->obs, 16, UINT32_MAX - 1) != 0)
			return -1;
		t->obs_cap = (uint32_t)cap;
		if (own != NULL) {
			copy = own;
		} else if (nregions > 0) {
			copy = malloc(nregions * sizeof *copy);
			if (copy == NULL)
				return -1;
			memcpy(copy, regions, nregions * sizeof *copy);
		}
		t->obs[t->nobs].regions = copy;
		t->obs[t->nobs].nregions = (uint32_t)nregions;
		t->obs[t->nobs].partial = (ev.flags & TEF_PARTIAL) != 0;
		ev.obs = ++t->nobs;
	}
	if (nid != 0 || mid != 0) {
		t->annots[t->nannots] = (struct trace_annot){ nid, mid, 0, 0 };
		ev.annot = ++t->nannots;
	}
	t->ev[t->nev++] = ev;
	return 0;
}

int
trace_append(struct trace *t, const struct trace_event *e, const char *note, const char *mark,
             const struct trace_obs_region *regions, size_t nregions)
{
	return append(t, e, note, mark, regions, NULL, nregions);
}

int
trace_append_take(struct trace *t, const struct trace_event *e, const char *note,
                  const char *mark, struct trace_obs_region *regions, size_t nregions)
{
	if (e->op != TOP_OBSERVE || append(t, e, note, mark, NULL, regions, nregions) != 0) {
		free(regions);
		return -1;
	}
	return 0;
}

bool
trace_event_has_task2(const struct trace_event *e)
{
	return e->op == TOP_FORK || e->op == TOP_OOL_SEND;
}
