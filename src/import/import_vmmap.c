/* SPDX-License-Identifier: MIT */
/*
 * import_vmmap.c -- parse macOS `vmmap PID` output.
 *
 * vmmap prints a preamble ("Process:", "VM page size:", ...), then one or
 * two region tables ("==== Non-writable regions for process N" and
 * "==== Writable regions ...", or one "==== regions for process N
 * (non-writable and writable regions are interleaved)" with -interleaved),
 * then "==== Legend" and "==== Summary".  A table line is
 *
 *   REGION TYPE   START-END   [ VSIZE RSDNT DIRTY SWAP] PRT/MAX SHRMOD PURGE   REGION DETAIL
 *   MALLOC_TINY   12d600000-12d700000 [ 1024K 496K 496K 0K] rw-/rwx SM=PRV   MallocHelperZone_0x1
 *
 * REGION TYPE may contain spaces; the address range is the first
 * whitespace-delimited "hex-hex" token.  The bracketed sizes follow the
 * column names of the table's header line (older vmmaps print fewer); K,
 * M, G suffixes are KiB, MiB, GiB, rounded as vmmap prints them.  PURGE
 * (V, N, E) is told from REGION DETAIL by the header's column positions.
 * -wide only widens columns, which whitespace parsing does not mind.
 * Sections other than region tables carry no regions and are skipped;
 * unknown "==== " sections are skipped with a note in the trace header.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "vm/vm.h"

enum section { SEC_PREAMBLE, SEC_REGIONS, SEC_SKIP };

/* Column layout of the current table, from its header line. */
struct cols {
	int size_col[4];                 /* IMPB_* for each bracket column, -1: VSIZE */
	int nsize;
	size_t purge_col, detail_col;    /* 0: unknown */
};

/* Skip blanks in [*p, end). */
static void
skip_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Find the column of WORD in L (LEN bytes), 0 when absent. */
static size_t
col_of(const char *l, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(l + i, word, n) == 0)
			return i + 1;
	return 0;
}

/* Read the table header line into C. */
static void
parse_header(const char *l, size_t len, struct cols *c)
{
	const char *p = memchr(l, '[', len), *end = l + len;

	c->nsize = 0;
	if (p != NULL) {
		for (p++; p < end && *p != ']' && c->nsize < 4;) {
			const char *w;

			skip_ws(&p, end);
			w = p;
			while (p < end && *p != ' ' && *p != ']')
				p++;
			if (p == w)
				break;
			c->size_col[c->nsize++] = (p - w == 5 && memcmp(w, "VSIZE", 5) == 0) ? -1
			                         : (p - w == 5 && memcmp(w, "RSDNT", 5) == 0) ? IMPB_RESIDENT
			                         : (p - w == 5 && memcmp(w, "DIRTY", 5) == 0) ? IMPB_DIRTY
			                         : (p - w == 4 && memcmp(w, "SWAP", 4) == 0) ? IMPB_SWAP : -2;
		}
	}
	c->purge_col = col_of(l, len, "PURGE");
	c->detail_col = col_of(l, len, "REGION DETAIL");
}

/* Parse a vmmap size ("16K", "1.5M", "0K", "4096") into bytes. */
static bool
parse_size(const char *w, size_t n, uint64_t *out)
{
	char buf[32], *end;
	double v;
	uint64_t mult = 1;

	if (n == 0 || n >= sizeof buf || !isdigit((unsigned char)w[0]))
		return false;
	memcpy(buf, w, n);
	buf[n] = '\0';
	switch (buf[n - 1]) {
	case 'K': mult = 1ull << 10; buf[n - 1] = '\0'; break;
	case 'M': mult = 1ull << 20; buf[n - 1] = '\0'; break;
	case 'G': mult = 1ull << 30; buf[n - 1] = '\0'; break;
	case 'T': mult = 1ull << 40; buf[n - 1] = '\0'; break;
	}
	v = strtod(buf, &end);
	if (*end != '\0' || v < 0 || v > 1e15)
		return false;
	*out = (uint64_t)(v * (double)mult + 0.5);
	return true;
}

/* vmmap's SHRMOD abbreviation to a share mode; 0 for ZER; -1 unknown. */
static int
shrmod(const char *w, size_t n)
{
	static const struct { const char *s; int sm; } tab[] = {
		{ "COW", SM_COW }, { "PRV", SM_PRIVATE }, { "NUL", SM_EMPTY }, { "ALI", SM_PRIVATE_ALIASED },
		{ "SHM", SM_SHARED }, { "S/A", SM_SHARED_ALIASED }, { "LPG", SM_LARGE_PAGE }, { "ZER", 0 },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strlen(tab[i].s) == n && memcmp(tab[i].s, w, n) == 0)
			return tab[i].sm;
	return -1;
}

/* Is [w, w+n) "hex-hex"? */
static bool
is_range(const char *w, size_t n)
{
	const char *dash = memchr(w, '-', n), *stop;
	uint64_t v;

	return dash != NULL && dash > w && imp_hex(w, dash, &stop, &v) && stop == dash &&
	       imp_hex(dash + 1, w + n, &stop, &v) && stop == w + n;
}

/* The first whitespace-delimited hex-hex token after the type of line L:
 * its start, and *TYPE_END / *AFTER; NULL when there is none. */
static const char *
find_range(const char *l, const char *end, const char **type_end, const char **after)
{
	const char *p = l;

	while (p < end) {
		const char *q;

		skip_ws(&p, end);
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		if (q > p && p > l && is_range(p, (size_t)(q - p))) {
			*type_end = p;
			*after = q;
			while (*type_end > l && ((*type_end)[-1] == ' ' || (*type_end)[-1] == '\t'))
				(*type_end)--;
			return p;
		}
		p = q;
	}
	return NULL;
}

/* The "[ VSIZE RSDNT ... ]" sizes at *P (if any) into R, by CAP's columns. */
static bool
parse_sizes(struct imp_ctx *c, unsigned line, const char **pp, const char *end,
            const struct cols *cols, struct imp_region *r)
{
	const char *p = *pp, *close;
	int k = 0;

	if (p >= end || *p != '[')
		return true;
	if ((close = memchr(p, ']', (size_t)(end - p))) == NULL) {
		imp_error(c, line, "unterminated [ VSIZE RSDNT ... ] sizes");
		return false;
	}
	for (p++; p < close; k++) {
		const char *s;
		uint64_t v;
		int col;

		skip_ws(&p, close);
		if (p == close)
			break;
		for (s = p; p < close && *p != ' ' && *p != '\t'; p++)
			;
		if (!parse_size(s, (size_t)(p - s), &v)) {
			imp_error(c, line, "bad size '%.*s' in [ ... ]", (int)(p - s), s);
			return false;
		}
		if (k >= 4) {
			imp_error(c, line, "more than four sizes in [ ... ]");
			return false;
		}
		col = k < cols->nsize ? cols->size_col[k] : (k == 0 ? -1 : k - 1);
		if (col >= 0) {
			r->bytes[col] = v;
			r->have_bytes |= 1u << col;
		}
	}
	*pp = close + 1;
	skip_ws(pp, end);
	return true;
}

/* PRT/MAX ("rw-/rwx") at *P into R. */
static bool
parse_prot(struct imp_ctx *c, unsigned line, const char **pp, const char *end,
           struct imp_region *r)
{
	const char *p = *pp;
	char pbuf[4];
	int prot, maxp;

	if (end - p < 7 || p[3] != '/') {
		imp_error(c, line, "expected PRT/MAX like rw-/rwx after the address range");
		return false;
	}
	memcpy(pbuf, p, 3);
	pbuf[3] = '\0';
	prot = vm_prot_parse(pbuf);
	memcpy(pbuf, p + 4, 3);
	maxp = vm_prot_parse(pbuf);
	if (prot < 0 || maxp < 0 || (p + 7 < end && p[7] != ' ' && p[7] != '\t')) {
		imp_error(c, line, "bad protection '%.*s' (want like rw-/rwx)",
		          (int)(end - p < 7 ? end - p : 7), p);
		return false;
	}
	r->o.prot = (uint8_t)prot;
	r->o.max_prot = (uint8_t)maxp;
	r->o.have |= TOBS_PROT | TOBS_MAX_PROT;
	*pp = p + 7;
	skip_ws(pp, end);
	return true;
}

/* SHRMOD ("SM=COW") at *P into R. */
static bool
parse_shrmod(struct imp_ctx *c, unsigned line, const char **pp, const char *end,
             struct imp_region *r)
{
	const char *p = *pp, *w;
	int sm;

	if (end - p < 4 || memcmp(p, "SM=", 3) != 0) {
		imp_error(c, line, "expected SHRMOD (SM=COW, PRV, NUL, ALI, SHM, S/A, ZER)");
		return false;
	}
	for (w = p += 3; p < end && *p != ' ' && *p != '\t'; p++)
		;
	sm = shrmod(w, (size_t)(p - w));
	if (sm < 0) {
		imp_error(c, line, "unknown share mode 'SM=%.*s' (want COW, PRV, NUL, ALI, SHM, S/A, ZER)",
		          (int)(p - w), w);
		return false;
	}
	if (sm > 0) {
		r->o.share_mode = (uint8_t)sm;
		r->o.have |= TOBS_SHARE_MODE;
		if (sm == SM_EMPTY) {
			r->o.ref_count = 0;
			r->o.have |= TOBS_REF_COUNT;   /* SM_EMPTY implies no object */
		}
	}
	imp_ext_str(r, "x_shrmod", w, (size_t)(p - w));
	skip_ws(&p, end);
	*pp = p;
	return true;
}

/* The PURGE letter before REGION DETAIL (if any), then the detail. */
static void
parse_tail(const char *l, const char *p, const char *end, const struct cols *cols,
           struct imp_region *r)
{
	if (p < end && (*p == 'V' || *p == 'N' || *p == 'E') && (p + 1 == end || p[1] == ' ') &&
	    (cols->detail_col == 0 ? (end - p == 1 || (p + 2 < end && p[2] == ' '))
	                           : (size_t)(p - l) + 1 < cols->detail_col)) {
		imp_ext_str(r, "x_purge", p, 1);
		p++;
		skip_ws(&p, end);
	}
	if (p < end)
		imp_ext_str(r, "x_detail", p, (size_t)(end - p));
}

/* Parse one region line L of LINE into CAP; false (after an error) if bad. */
static bool
parse_region(struct imp_ctx *c, unsigned line, const char *l, size_t len, const struct cols *cols,
             struct imp_capture *cap)
{
	const char *end = l + len, *p, *w, *type_end, *stop;
	struct imp_region *r;
	uint64_t start, rend;

	if ((w = find_range(l, end, &type_end, &p)) == NULL) {
		imp_error(c, line, "not a vmmap region line (no START-END address range)");
		return false;
	}
	imp_hex(w, end, &stop, &start);
	imp_hex(stop + 1, end, &stop, &rend);
	if (start >= rend) {
		imp_error(c, line, "region start 0x%llx is not below its end 0x%llx",
		          (unsigned long long)start, (unsigned long long)rend);
		return false;
	}
	if ((r = imp_region_add(cap)) == NULL) {
		imp_error(c, line, "out of memory");
		return false;
	}
	r->o.start = start;
	r->o.end = rend;
	if ((start | rend) & 0x3fff)
		cap->not_16k = true;
	imp_region_name(r, l, (size_t)(type_end - l));
	skip_ws(&p, end);
	if (!parse_sizes(c, line, &p, end, cols, r) || !parse_prot(c, line, &p, end, r) ||
	    !parse_shrmod(c, line, &p, end, r))
		return false;
	parse_tail(l, p, end, cols, r);
	return true;
}

/* Parse a whole vmmap capture. */
int
imp_parse_vmmap(struct imp_ctx *c, const char *text, struct imp_capture *cap)
{
	const char *pos = text, *l;
	size_t len;
	unsigned line = 0, tables = 0;
	enum section sec = SEC_PREAMBLE;
	struct cols cols = { .nsize = 0 };

	while ((l = imp_next_line(&pos, &len)) != NULL) {
		size_t i = 0;

		line++;
		imp_progress(c, pos, line);
		while (i < len && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i == len)
			continue;
		if (len >= 5 && memcmp(l, "==== ", 5) == 0) {
			if (col_of(l, len, "regions for process")) {
				sec = SEC_REGIONS;
				tables++;
				cols.nsize = 0;
				cols.purge_col = cols.detail_col = 0;
			} else {
				sec = SEC_SKIP;
				if (!col_of(l, len, "==== Legend") && !col_of(l, len, "==== Summary"))
					imp_note(cap, "%s:%u: section '%.*s' skipped (it lists no regions)",
					         c->name, line, (int)(len > 80 ? 80 : len), l);
			}
			continue;
		}
		switch (sec) {
		case SEC_PREAMBLE:
			if (len > 8 && memcmp(l, "Process:", 8) == 0 && cap->process == NULL) {
				const char *s = l + 8, *e = l + len;
				const char *br;

				skip_ws(&s, e);
				br = s < e ? memchr(s, '[', (size_t)(e - s)) : NULL;
				if (br != NULL)
					e = br;
				while (e > s && e[-1] == ' ')
					e--;
				if (e > s && e - s <= 64 && (cap->process = malloc((size_t)(e - s) + 1)) != NULL) {
					memcpy(cap->process, s, (size_t)(e - s));
					cap->process[e - s] = '\0';
				}
			} else if (len > 13 && memcmp(l, "VM page size:", 13) == 0) {
				unsigned long v = strtoul(l + 13, NULL, 10);

				if (v != 4096 && v != 16384)
					imp_error(c, line, "unexpected VM page size %lu (want 4096 or 16384)", v);
				else
					cap->page_size = (uint32_t)v;
			} else if (col_of(l, len, "REGION TYPE") == 1) {
				imp_error(c, line, "region table header before any '==== ... regions for "
				          "process' line");
			}
			break;
		case SEC_REGIONS:
			if (col_of(l, len, "REGION TYPE") == 1)
				parse_header(l, len, &cols);
			else
				parse_region(c, line, l, len, &cols, cap);
			break;
		case SEC_SKIP:
			break;
		}
	}
	if (tables == 0)
		imp_error(c, 0, "no '==== ... regions for process' table: is this the whole vmmap "
		          "output?");
	return c->nerrors ? -1 : 0;
}
