/* SPDX-License-Identifier: MIT */
/*
 * import_smaps.c -- parse Linux /proc/PID/smaps (or plain maps).
 *
 * A mapping starts with a maps line
 *
 *   7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0          [heap]
 *   start-end perms offset dev inode [pathname, may contain spaces]
 *
 * and, in smaps, continues with "Field:   N kB" lines (Size, Rss, Pss,
 * Shared_Clean, ...; any field of that shape is accepted, since kernels
 * add fields) and "VmFlags: rd wr mr mw me ac". From them the observation
 * follows the linux profile's definitions (docs/profiles.md):
 * Rss 0 -> SM_EMPTY (ref 0); perms 's' -> SM_SHARED; Shared_Clean +
 * Shared_Dirty > 0 on a private mapping -> SM_COW; else SM_PRIVATE.  The
 * map count itself (ref_count) is not in smaps and stays unobserved.
 * VmFlags mr/mw/me give max_prot; dc (MADV_DONTFORK) is inheritance none.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "vm/vm.h"

/* smaps fields the observation uses, in kB. */
enum sf { SF_RSS, SF_SH_CLEAN, SF_SH_DIRTY, SF_PR_CLEAN, SF_PR_DIRTY, SF_SWAP, SF_KPS, SF_N };
static const char *const sf_names[SF_N] = {
	"Rss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Swap",
	"KernelPageSize",
};

/* The mapping being read. */
struct cur {
	struct imp_region *r;            /* NULL: none yet */
	unsigned line;
	bool shared;                     /* perms 's' */
	bool fields;                     /* any smaps field seen */
	uint64_t kb[SF_N];
	unsigned have;                   /* 1 << SF_* */
};

/* Skip blanks. */
static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The end of the token at P. */
static const char *
tok_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* Is the line a maps line ("hex-hex perms hex hex:hex dec")? */
bool
imp_is_maps_line(const char *l, size_t len)
{
	const char *end = l + len, *p = l, *stop;
	uint64_t v;

	if (!imp_hex(p, end, &stop, &v) || stop >= end || *stop != '-')
		return false;
	if (!imp_hex(stop + 1, end, &stop, &v) || stop >= end || *stop != ' ')
		return false;
	p = stop + 1;
	if (end - p < 5 || (p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') ||
	    (p[2] != 'x' && p[2] != '-') || (p[3] != 'p' && p[3] != 's') || p[4] != ' ')
		return false;
	p = ws(p + 5, end);
	if (!imp_hex(p, end, &stop, &v) || stop >= end || *stop != ' ')
		return false;
	p = ws(stop, end);
	if (!imp_hex(p, end, &stop, &v) || stop >= end || *stop != ':')
		return false;
	if (!imp_hex(stop + 1, end, &stop, &v) || stop >= end || *stop != ' ')
		return false;
	p = ws(stop, end);
	return p < end && *p >= '0' && *p <= '9';
}

/* Finish the mapping in CUR: derive the observation. */
static void
finish(struct cur *cur)
{
	struct imp_region *r = cur->r;
	uint64_t ps, shared, priv, rss;

	if (r == NULL || !cur->fields)
		return;
	ps = (cur->have & (1u << SF_KPS)) && cur->kb[SF_KPS] ? cur->kb[SF_KPS] : 4;
	if (!(cur->have & (1u << SF_RSS)))
		return;
	rss = cur->kb[SF_RSS] / ps;
	shared = (cur->kb[SF_SH_CLEAN] + cur->kb[SF_SH_DIRTY]) / ps;
	priv = (cur->kb[SF_PR_CLEAN] + cur->kb[SF_PR_DIRTY]) / ps;
	r->o.pages_resident = (uint32_t)rss;
	r->o.pages_dirtied = (uint32_t)((cur->kb[SF_SH_DIRTY] + cur->kb[SF_PR_DIRTY]) / ps);
	r->o.have |= TOBS_RESIDENT | TOBS_DIRTIED | TOBS_SHARE_MODE;
	if (cur->have & (1u << SF_SWAP)) {
		r->o.pages_swapped = (uint32_t)(cur->kb[SF_SWAP] / ps);
		r->o.have |= TOBS_SWAPPED;
	}
	if (rss == 0) {
		r->o.share_mode = SM_EMPTY;
		r->o.ref_count = 0;
		r->o.have |= TOBS_REF_COUNT;
	} else if (cur->shared) {
		r->o.share_mode = SM_SHARED;
		r->o.pages_shared = (uint32_t)rss;
		r->o.have |= TOBS_SHARED;
	} else {
		r->o.share_mode = shared > 0 ? SM_COW : SM_PRIVATE;
		r->o.pages_cow = (uint32_t)shared;
		r->o.pages_private = (uint32_t)priv;
		r->o.have |= TOBS_COW | TOBS_PRIVATE;
	}
}

/* Start a mapping from maps line L. */
static void
start_mapping(struct imp_ctx *c, unsigned line, const char *l, size_t len, struct imp_capture *cap,
              struct cur *cur)
{
	const char *end = l + len, *p, *stop, *t;
	uint64_t start, mend, off, inode;
	struct imp_region *r;
	char perms[4];

	imp_hex(l, end, &stop, &start);
	imp_hex(stop + 1, end, &stop, &mend);
	memset(cur, 0, sizeof *cur);
	if (start >= mend) {
		imp_error(c, line, "mapping start 0x%llx is not below its end 0x%llx",
		          (unsigned long long)start, (unsigned long long)mend);
		return;
	}
	if ((r = imp_region_add(cap)) == NULL) {
		imp_error(c, line, "out of memory");
		return;
	}
	cur->r = r;
	cur->line = line;
	r->o.start = start;
	r->o.end = mend;
	p = stop + 1;
	memcpy(perms, p, 3);
	perms[3] = '\0';
	r->o.prot = (uint8_t)vm_prot_parse(perms);
	r->o.have |= TOBS_PROT;
	cur->shared = p[3] == 's';
	imp_ext_str(r, "x_perms", p, 4);
	p = ws(p + 5, end);
	imp_hex(p, end, &stop, &off);
	p = ws(stop, end);
	t = tok_end(p, end);                       /* dev */
	p = ws(t, end);
	inode = strtoull(p, NULL, 10);
	p = ws(tok_end(p, end), end);
	if (p < end)
		imp_region_name(r, p, (size_t)(end - p));
	if (off != 0)
		imp_ext_uint(r, "x_offset", off);
	if (inode != 0)
		imp_ext_uint(r, "x_inode", inode);
}

/* Apply a VmFlags line's flags (P..END) to CUR. */
static void
vmflags(struct cur *cur, const char *p, const char *end)
{
	struct imp_region *r = cur->r;
	uint8_t maxp = 0;

	const char *e = end;

	p = ws(p, end);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	imp_ext_str(r, "x_vmflags", p, (size_t)(e - p));
	while (p < end) {
		e = tok_end(p, end);
		if (e - p == 2) {
			if (memcmp(p, "mr", 2) == 0)
				maxp |= VM_PROT_READ;
			else if (memcmp(p, "mw", 2) == 0)
				maxp |= VM_PROT_WRITE;
			else if (memcmp(p, "me", 2) == 0)
				maxp |= VM_PROT_EXECUTE;
			else if (memcmp(p, "dc", 2) == 0)
				imp_ext_str(r, "x_inherit", "none", 4);
		}
		p = ws(e, end);
	}
	r->o.max_prot = maxp;
	r->o.have |= TOBS_MAX_PROT;
}

/* Parse a field line ("Rss:  12 kB") into CUR; false if it is not one. */
static bool
field(struct cur *cur, const char *l, size_t len)
{
	const char *end = l + len, *colon = memchr(l, ':', len), *p;
	char *nend;
	uint64_t v;

	if (colon == NULL || colon == l)
		return false;
	for (p = l; p < colon; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return false;
	if (colon - l == 7 && memcmp(l, "VmFlags", 7) == 0) {
		vmflags(cur, colon + 1, end);
		cur->fields = true;
		return true;
	}
	p = ws(colon + 1, end);
	if (p == end || *p < '0' || *p > '9')
		return false;
	v = strtoull(p, &nend, 10);
	p = ws(nend, end);
	if (p != end && !(end - p == 2 && memcmp(p, "kB", 2) == 0))
		return false;
	for (int k = 0; k < SF_N; k++)
		if ((size_t)(colon - l) == strlen(sf_names[k]) && memcmp(l, sf_names[k], (size_t)(colon - l)) == 0) {
			cur->kb[k] = v;
			cur->have |= 1u << k;
		}
	cur->fields = true;
	return true;
}

/* Parse a whole smaps or maps capture. */
int
imp_parse_smaps(struct imp_ctx *c, const char *text, struct imp_capture *cap)
{
	const char *pos = text, *l;
	size_t len;
	unsigned line = 0, nmaps = 0, nfields = 0;
	struct cur cur;

	memset(&cur, 0, sizeof cur);
	while ((l = imp_next_line(&pos, &len)) != NULL) {
		line++;
		imp_progress(c, pos, line);
		if (len == 0)
			continue;
		if (imp_is_maps_line(l, len)) {
			finish(&cur);
			start_mapping(c, line, l, len, cap, &cur);
			nmaps++;
			continue;
		}
		if (cur.r != NULL && field(&cur, l, len)) {
			nfields++;
			continue;
		}
		imp_error(c, line, cur.r == NULL && nmaps == 0
		          ? "not a maps line (want START-END PERMS OFFSET DEV INODE [NAME])"
		          : "neither a maps line nor an smaps field ('Name: N kB' or 'VmFlags: ...')");
	}
	finish(&cur);
	if (nmaps > 0 && nfields == 0)
		imp_note(cap, "%s is a plain maps file: no Rss, so share modes and resident pages are "
		         "not observed.", c->name);
	return c->nerrors ? -1 : 0;
}
