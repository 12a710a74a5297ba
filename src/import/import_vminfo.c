/* SPDX-License-Identifier: MIT */
/*
 * import_vminfo.c -- parse GNU Hurd `vminfo PID` output (GNU Mach).
 *
 * Hurd's utils/vminfo.c prints one line per vm_region() result:
 *
 *       0x1000[0x7000] (prot=RX, max_prot=RWX, mem_obj=105)
 *   ADDR[SIZE] (prot=P[, max_prot=P][, inherit=share|none|N][, shared]
 *                [, mem_obj=N][, offs=N])
 *
 * ADDR and SIZE are "%#10lx" / "%#zx" (so zero prints as plain "0") or, with
 * -d, decimal; prot is R, W, X letters or "0" for none.  max_prot is only
 * printed when it differs from prot, inherit only when it is not copy, offs
 * only when non-zero.  With -h holes print as "[SIZE] (hole)" lines, which
 * carry no region.  Without details (-a -s) a line is just ADDR[SIZE].  A
 * line with only an address or only a size (-a or -s alone) cannot become
 * a region and is an error.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "vm/vm.h"

/* Parse a number: 0x hex or decimal. */
static bool
num(const char *p, const char *end, const char **stop, uint64_t *out)
{
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return imp_hex(p + 2, end, stop, out);
	if (p >= end || *p < '0' || *p > '9')
		return false;
	*out = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*out > (UINT64_MAX - 9) / 10)
			return false;
		*out = *out * 10 + (uint64_t)(*p - '0');
	}
	*stop = p;
	return true;
}

/* Is the line a vminfo region or hole line? */
bool
imp_is_vminfo_line(const char *l, size_t len)
{
	const char *end = l + len, *p = l, *stop;
	uint64_t v;

	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '[')
		return len > 7 && memcmp(end - 7, " (hole)", 7) == 0;
	if (!num(p, end, &stop, &v) || stop >= end || *stop != '[')
		return false;
	if (!num(stop + 1, end, &stop, &v) || stop >= end || *stop != ']')
		return false;
	return stop + 1 == end || (end - stop > 3 && memcmp(stop + 1, " (", 2) == 0);
}

/* Parse a vminfo protection ("RWX", "R", "0"). */
static int
vprot(const char *p, size_t n)
{
	int prot = 0;

	if (n == 1 && *p == '0')
		return 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int bit = p[i] == 'R' ? VM_PROT_READ : p[i] == 'W' ? VM_PROT_WRITE
		        : p[i] == 'X' ? VM_PROT_EXECUTE : -1;

		if (bit < 0 || (prot & bit))
			return -1;
		prot |= bit;
	}
	return prot;
}

/* Parse the "(prot=..., ...)" details at P into R. */
static bool
details(struct imp_ctx *c, unsigned line, const char *p, const char *end, struct imp_region *r)
{
	bool have_max = false, have_prot = false;
	const char *inh = "copy";
	size_t inhlen = 4;

	if (end - p < 2 || p[0] != '(' || end[-1] != ')') {
		imp_error(c, line, "expected details in parentheses: (prot=..., ...)");
		return false;
	}
	for (p++, end--; p < end;) {
		const char *e = memchr(p, ',', (size_t)(end - p)), *eq;
		size_t n;

		if (e == NULL)
			e = end;
		n = (size_t)(e - p);
		eq = memchr(p, '=', n);
		if (eq != NULL && (size_t)(eq - p) == 4 && memcmp(p, "prot", 4) == 0) {
			int v = vprot(eq + 1, (size_t)(e - eq - 1));

			if (v < 0)
				goto bad;
			r->o.prot = (uint8_t)v;
			have_prot = true;
		} else if (eq != NULL && (size_t)(eq - p) == 8 && memcmp(p, "max_prot", 8) == 0) {
			int v = vprot(eq + 1, (size_t)(e - eq - 1));

			if (v < 0)
				goto bad;
			r->o.max_prot = (uint8_t)v;
			have_max = true;
		} else if (eq != NULL && (size_t)(eq - p) == 7 && memcmp(p, "inherit", 7) == 0) {
			inh = eq + 1;
			inhlen = (size_t)(e - eq - 1);
			if (!((inhlen == 5 && memcmp(inh, "share", 5) == 0) ||
			      (inhlen == 4 && memcmp(inh, "none", 4) == 0) ||
			      (inhlen == 4 && memcmp(inh, "copy", 4) == 0)))
				goto bad;
		} else if (eq == NULL && n == 6 && memcmp(p, "shared", 6) == 0) {
			imp_ext_bool(r, "x_shared", true);
		} else if (eq != NULL && ((size_t)(eq - p) == 7 && memcmp(p, "mem_obj", 7) == 0)) {
			const char *stop;
			uint64_t v;

			if (!num(eq + 1, e, &stop, &v) || stop != e)
				goto bad;
			imp_ext_uint(r, "x_mem_obj", v);
		} else if (eq != NULL && ((size_t)(eq - p) == 4 && memcmp(p, "offs", 4) == 0)) {
			const char *stop;
			uint64_t v;

			if (!num(eq + 1, e, &stop, &v) || stop != e)
				goto bad;
			imp_ext_uint(r, "x_offs", v);
		} else {
			goto bad;
		}
		p = e;
		if (p < end) {
			p++;
			if (p < end && *p == ' ')
				p++;
		}
		continue;
bad:
		imp_error(c, line, "bad detail '%.*s' (want prot=, max_prot=, inherit=share|none, "
		          "shared, mem_obj=, offs=)", (int)n, p);
		return false;
	}
	if (!have_prot) {
		imp_error(c, line, "details without prot=");
		return false;
	}
	r->o.have |= TOBS_PROT | TOBS_MAX_PROT;
	if (!have_max)
		r->o.max_prot = r->o.prot;       /* vminfo prints max_prot only when it differs */
	imp_ext_str(r, "x_inherit", inh, inhlen);
	return true;
}

/* Parse a whole vminfo capture. */
int
imp_parse_vminfo(struct imp_ctx *c, const char *text, struct imp_capture *cap)
{
	const char *pos = text, *l;
	size_t len;
	unsigned line = 0;
	uint64_t prev_end = 0;

	while ((l = imp_next_line(&pos, &len)) != NULL) {
		const char *end = l + len, *p = l, *stop;
		uint64_t addr, size;
		struct imp_region *r;

		line++;
		imp_progress(c, pos, line);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			continue;
		if (*p == '[' && imp_is_vminfo_line(l, len))
			continue;                              /* "[SIZE] (hole)" */
		if (!num(p, end, &stop, &addr) || stop >= end || *stop != '[' ||
		    !num(stop + 1, end, &stop, &size) || stop >= end || *stop != ']') {
			imp_error(c, line, "not a vminfo line (want ADDR[SIZE] (prot=...); vminfo -a "
			          "or -s alone prints too little to import)");
			continue;
		}
		if (size == 0 || addr + size < addr) {
			imp_error(c, line, "bad region size 0x%llx at 0x%llx", (unsigned long long)size,
			          (unsigned long long)addr);
			continue;
		}
		if (addr < prev_end) {
			imp_error(c, line, "region at 0x%llx overlaps the previous one (ends at 0x%llx)",
			          (unsigned long long)addr, (unsigned long long)prev_end);
			continue;
		}
		if ((r = imp_region_add(cap)) == NULL) {
			imp_error(c, line, "out of memory");
			return -1;
		}
		r->o.start = addr;
		r->o.end = addr + size;
		prev_end = r->o.end;
		p = stop + 1;
		while (p < end && *p == ' ')
			p++;
		if (p < end && !details(c, line, p, end, r))
			continue;
	}
	if (cap->n > 0 && !(cap->r[0].o.have & TOBS_PROT))
		imp_note(cap, "%s has no details (vminfo -a -s): protections are not observed.", c->name);
	return c->nerrors ? -1 : 0;
}
