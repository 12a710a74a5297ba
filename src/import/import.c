/* SPDX-License-Identifier: MIT */
/*
 * import.c -- the import driver (the parsers share import_capture.c).
 *
 * For each file: read it whole (captures are small; 64 MiB at most), refuse
 * binary data, check that it looks like the kind asked for (import_sniff),
 * hand it to the kind's parser, then turn every capture into one "observe"
 * event of one task.  The header's profile follows the kind: vmmap ->
 * xnu-arm64, or xnu-x86_64 when the captures show 4 KiB pages (a declared
 * "VM page size", else any region boundary that is not 16 KiB aligned);
 * smaps -> linux; vminfo -> gnumach.  What the capture cannot show is said
 * in the header's x_notes, never filled in with a guess.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "import_int.h"
#include "trace/bigarray.h"
#include "trace/text.h"
#include "trace/trace_write.h"
#include "vm/vm.h"

#define IMP_FILE_LIMIT (64u << 20)   /* largest capture read */
#define TASK_NAME_LIMIT 64           /* as the loader */

static const char *const kind_names[] = { "none", "vmmap", "smaps", "vminfo" };

/* Parse a kind name. */
int
import_kind_parse(const char *s)
{
	for (int k = IMPORT_VMMAP; k <= IMPORT_VMINFO; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	if (strcmp(s, "maps") == 0)
		return IMPORT_SMAPS;
	return IMPORT_NONE;
}

/* Name a kind. */
const char *
import_kind_name(int kind)
{
	return kind >= IMPORT_VMMAP && kind <= IMPORT_VMINFO ? kind_names[kind] : "none";
}

/* Does L start with PREFIX (or contain it, with ANYWHERE)? */
static bool
has(const char *l, size_t len, const char *what, bool anywhere)
{
	size_t n = strlen(what);

	if (!anywhere)
		return len >= n && memcmp(l, what, n) == 0;
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(l + i, what, n) == 0)
			return true;
	return false;
}

/* Guess the kind of a capture from its first meaningful lines. */
int
import_sniff(const char *text, size_t len, const char **what)
{
	const char *pos = text, *l;
	size_t n;
	int lines = 0;

	*what = NULL;
	(void)len;
	while ((l = imp_next_line(&pos, &n)) != NULL && lines < 200) {
		size_t i = 0;

		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i == n)
			continue;
		lines++;
		if (lines == 1 && l[i] == '{') {
			*what = "a vmscope trace or other JSON";
			return IMPORT_NONE;
		}
		if (has(l, n, "Virtual Memory Map of process", true) ||
		    (has(l, n, "==== ", false) && has(l, n, "regions for process", true)) ||
		    (has(l, n, "REGION TYPE", false) && has(l, n, "START", true)))
			return IMPORT_VMMAP;
		if (imp_is_maps_line(l, n) && has(l, n, "[rollup]", true)) {
			*what = "/proc/PID/smaps_rollup (the totals of all mappings, not one entry "
			        "per mapping: import /proc/PID/smaps instead)";
			return IMPORT_NONE;
		}
		if (imp_is_maps_line(l, n))
			return IMPORT_SMAPS;
		if (lines == 1 && (has(l, n, "Name:", false) || has(l, n, "MemTotal:", false))) {
			*what = "a /proc status or meminfo file (no mappings: import /proc/PID/smaps "
			        "or maps)";
			return IMPORT_NONE;
		}
		if (imp_is_vminfo_line(l, n))
			return IMPORT_VMINFO;
	}
	return IMPORT_NONE;
}

/* Read PATH ("-": standard input) whole into a NUL-terminated buffer. */
static int
read_file(struct imp_ctx *c, char **out, size_t *outlen, size_t *outcap)
{
	bool in = strcmp(c->file, "-") == 0;
	FILE *fp = in ? stdin : fopen(c->file, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (fp == NULL) {
		fprintf(c->errs, "%s: cannot open: %s\n", c->name, strerror(errno));
		return IMPORT_IO;
	}
	for (;;) {
		size_t got;

		if (cap - len < 65536) {
			/* A 14 MB capture in 2 MiB pages where the kernel has them
			 * (bigarray.h), not 3,500 page faults. */
			char *nb = big_array_grow(buf, &cap, len + 65536 + 1);

			if (nb == NULL) {
				fprintf(c->errs, "%s: out of memory\n", c->name);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len - 1, fp);
		len += got;
		if (len > IMP_FILE_LIMIT) {
			fprintf(c->errs, "%s: too large for a capture (limit %u MiB)\n", c->name,
			        IMP_FILE_LIMIT >> 20);
			if (!in)
				fclose(fp);
			big_array_free(buf, cap);
			return IMPORT_BAD;
		}
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(c->errs, "%s: read error: %s\n", c->name, strerror(errno));
		goto fail;
	}
	if (!in)
		fclose(fp);
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		size_t at = (size_t)((char *)memchr(buf, '\0', len) - buf);
		unsigned line = 1;

		for (size_t i = 0; i < at; i++)
			line += buf[i] == '\n';
		imp_error(c, line, "binary data (NUL byte): not a text capture");
		big_array_free(buf, cap);
		return IMPORT_BAD;
	}
	*out = buf;
	*outlen = len;
	*outcap = cap;
	return IMPORT_OK;
fail:
	if (!in)
		fclose(fp);
	big_array_free(buf, cap);
	return IMPORT_IO;
}

/* The file name of PATH without directories. */
static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* The command name of the process whose /proc file PATH is (/proc/42/smaps:
 * /proc/42/comm) into BUF; false when PATH is not such a file. */
static bool
proc_comm_of(const char *path, char *buf, size_t len)
{
	char comm[64];
	unsigned long pid;
	int end = 0;
	FILE *f;

	if (sscanf(path, "/proc/%lu/%*[a-z_]%n", &pid, &end) != 1 || end == 0 ||
	    path[end] != '\0')
		return false;
	snprintf(comm, sizeof comm, "/proc/%lu/comm", pid);
	if ((f = fopen(comm, "r")) == NULL)
		return false;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] != '\0';
}

/*
 * Choose the task name: the capture's process (vmmap's "Process:"), the
 * command name of a /proc/PID file, else the file's stem.  It is made one
 * the loader accepts: valid UTF-8, no controls, at most TASK_NAME_LIMIT
 * bytes (cut at a character), never empty.  --task is taken as given.
 */
static void
default_task(const struct import_opts *o, const struct imp_capture *caps, char *buf, size_t len)
{
	const char *b = base_name(o->files[0]);
	const char *dot = strrchr(b, '.');
	char raw[256];
	size_t n = dot != NULL && dot > b ? (size_t)(dot - b) : strlen(b);

	if (caps[0].process != NULL && caps[0].process[0] != '\0')
		snprintf(raw, sizeof raw, "%s", caps[0].process);
	else if (!proc_comm_of(o->files[0], raw, sizeof raw))
		snprintf(raw, sizeof raw, "%.*s", (int)(n < 200 ? n : 200), b);
	text_sanitize(buf, len < TASK_NAME_LIMIT + 1 ? len : TASK_NAME_LIMIT + 1, raw, false);
	if (buf[0] == '\0' || strcmp(o->files[0], "-") == 0)
		snprintf(buf, len, "imported");
}

/* Convert the byte counters of every region to pages of PS bytes. */
static void
finish_pages(struct imp_capture *cap, uint32_t ps)
{
	static const uint32_t bits[IMPB_N] = { TOBS_RESIDENT, TOBS_DIRTIED, TOBS_SWAPPED };

	for (size_t i = 0; i < cap->n; i++) {
		struct imp_region *r = &cap->r[i];
		uint32_t *dst[IMPB_N] = { &r->o.pages_resident, &r->o.pages_dirtied, &r->o.pages_swapped };

		for (int k = 0; k < IMPB_N; k++) {
			if (!(r->have_bytes & (1u << k)))
				continue;
			*dst[k] = (uint32_t)((r->bytes[k] + ps / 2) / ps);
			r->o.have |= bits[k];
		}
	}
}

/* Order regions by start address (qsort). */
static int
cmp_region(const void *a, const void *b)
{
	const struct imp_region *x = a, *y = b;

	return x->o.start < y->o.start ? -1 : x->o.start > y->o.start;
}

/* Sort CAP's regions by address and fix their pointers (the array moved). */
static void
finish_pointers(struct imp_capture *cap)
{
	if (cap->n > 1)
		qsort(cap->r, cap->n, sizeof *cap->r, cmp_region);
	for (size_t i = 0; i < cap->n; i++) {
		cap->r[i].o.name = cap->r[i].name;
		cap->r[i].o.ext = cap->r[i].ext;
	}
}

/* The vmmap profile from the captures: the page size and why. */
static uint32_t
vmmap_page_size(const struct imp_capture *caps, size_t n, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (caps[i].page_size != 0) {
			snprintf(why, len, "the capture declares \"VM page size: %u bytes\"",
			         caps[i].page_size);
			return caps[i].page_size;
		}
	for (size_t i = 0; i < n; i++)
		if (caps[i].not_16k) {
			snprintf(why, len, "no page size is declared and some region boundaries are "
			         "not 16 KiB aligned, so the pages are 4 KiB");
			return 4096;
		}
	snprintf(why, len, "no page size is declared and every region boundary is 16 KiB "
	         "aligned, so the pages are taken to be 16 KiB");
	return 16384;
}

/* Write the trace for the parsed captures CAPS[N]. */
static int
write_trace(const struct import_opts *o, struct imp_capture *caps, size_t n)
{
	const char *notes[32];
	size_t nnotes = 0;
	char task[TASK_NAME_LIMIT + 1], why[256], title[300], err[600], pnote[400];
	const char *tasks[1] = { task };
	struct tw_header h;
	struct trace_writer *w;
	uint32_t ps = 4096;

	memset(&h, 0, sizeof h);
	if (o->task != NULL)
		snprintf(task, sizeof task, "%s", o->task);
	else
		default_task(o, caps, task, sizeof task);
	switch (o->kind) {
	case IMPORT_VMMAP:
		ps = vmmap_page_size(caps, n, why, sizeof why);
		h.profile = ps == 4096 ? "xnu-x86_64" : "xnu-arm64";
		snprintf(pnote, sizeof pnote, "profile %s: %s.", h.profile, why);
		notes[nnotes++] = pnote;
		notes[nnotes++] = "vmmap shows no ref_count; SHM stands for both SM_SHARED and "
		                  "SM_TRUESHARED (x_shrmod keeps vmmap's own abbreviation; ZER has no "
		                  "kernel share mode and is left unobserved).";
		break;
	case IMPORT_SMAPS:
		h.profile = "linux";
		notes[nnotes++] = "share_mode is derived as the linux profile defines it "
		                  "(docs/profiles.md): Rss 0 -> SM_EMPTY; 's' mapping -> SM_SHARED; "
		                  "Shared_Clean/Shared_Dirty > 0 on a private mapping -> SM_COW; else "
		                  "SM_PRIVATE.";
		notes[nnotes++] = "ref_count (the largest map count) is not in smaps and is left "
		                  "unobserved; record with 'vmscope record' (pagemap, kpagecount) to "
		                  "observe it.";
		notes[nnotes++] = "Rss does not count the shared zero page: anonymous pages that were "
		                  "only read show as not resident.";
		break;
	default:
		h.profile = "gnumach";
		notes[nnotes++] = "vminfo shows boundaries, protections, inheritance, 'shared' and the "
		                  "memory object port; share_mode, ref_count and resident pages are not "
		                  "observed.  max_prot equals prot when vminfo does not print it.";
		break;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < caps[i].nnotes && nnotes < sizeof notes / sizeof notes[0]; j++)
			notes[nnotes++] = caps[i].notes[j];
	snprintf(title, sizeof title, "%s imported from %s (%zu capture%s)", task,
	         import_kind_name(o->kind), n, n == 1 ? "" : "s");
	h.title = title;
	h.tasks = tasks;
	h.ntasks = 1;
	h.page_size = ps;
	h.notes = notes;
	h.nnotes = nnotes;
	{
		struct tw_ext ext = { .key = "x_source", .type = TW_EXT_STR,
		                      .s = import_kind_name(o->kind) };

		h.ext = &ext;
		h.next = 1;
		w = trace_writer_open(o->out, err, sizeof err);
		if (w == NULL) {
			fprintf(o->errs, "vmscope: %s\n", err);
			return IMPORT_IO;
		}
		trace_writer_header(w, &h);
	}
	for (size_t i = 0; i < n; i++) {
		struct tw_obs_region *regs = calloc(caps[i].n ? caps[i].n : 1, sizeof *regs);
		struct tw_event e;
		char note[600];
		struct tw_ext ext = { .key = "x_file", .type = TW_EXT_STR, .s = base_name(o->files[i]) };

		if (regs == NULL) {
			trace_writer_abort(w);
			fprintf(o->errs, "vmscope: out of memory\n");
			return IMPORT_IO;
		}
		if (o->kind == IMPORT_VMMAP)
			finish_pages(&caps[i], ps);
		finish_pointers(&caps[i]);
		for (size_t j = 0; j < caps[i].n; j++)
			regs[j] = caps[i].r[j].o;
		memset(&e, 0, sizeof e);
		e.op = TOP_OBSERVE;
		e.task = task;
		e.regions = regs;
		e.nregions = caps[i].n;
		snprintf(note, sizeof note, "%s capture %zu of %zu: %s, %zu region%s.",
		         import_kind_name(o->kind), i + 1, n, base_name(o->files[i]), caps[i].n,
		         caps[i].n == 1 ? "" : "s");
		e.note = note;
		e.mark = base_name(o->files[i]);
		e.ext = &ext;
		e.next = 1;
		trace_writer_event(w, &e);
		free(regs);
	}
	if (trace_writer_close(w, err, sizeof err) != 0) {
		fprintf(o->errs, "vmscope: %s\n", err);
		return IMPORT_IO;
	}
	return IMPORT_OK;
}

/* Run an import. */
int
trace_import(const struct import_opts *o)
{
	struct imp_capture *caps = calloc(o->nfiles ? o->nfiles : 1, sizeof *caps);
	int rc = IMPORT_OK;

	if (caps == NULL) {
		fprintf(o->errs, "vmscope: out of memory\n");
		return IMPORT_IO;
	}
	if (o->task != NULL && (o->task[0] == '\0' || strlen(o->task) > TASK_NAME_LIMIT)) {
		fprintf(o->errs, "vmscope: --task needs a name of 1 to %d bytes\n", TASK_NAME_LIMIT);
		free(caps);
		return IMPORT_BAD;
	}
	uint64_t total = 0, before = 0;
	struct stat st;

	/* The progress meter's whole: every file given that has a size. */
	for (size_t i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], "-") != 0 && stat(o->files[i], &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	for (size_t i = 0; i < o->nfiles; i++) {
		struct imp_ctx c = { .file = o->files[i], .errs = o->errs, .o = o, .before = before,
		                     .total = total };
		char *text = NULL;
		size_t len = 0, textcap = 0;
		const char *what;
		int r, kind;

		text_sanitize(c.name, sizeof c.name, strcmp(c.file, "-") == 0 ? "<stdin>" : c.file, false);
		r = read_file(&c, &text, &len, &textcap);
		c.text = text;
		before += len;
		if (r != IMPORT_OK) {
			if (rc == IMPORT_OK || r == IMPORT_IO)
				rc = r;
			continue;
		}
		kind = import_sniff(text, len, &what);
		if (kind != o->kind) {
			if (kind != IMPORT_NONE)
				imp_error(&c, 0, "this looks like %s output, not %s (try 'vmscope import %s')",
				          import_kind_name(kind), import_kind_name(o->kind),
				          import_kind_name(kind));
			else if (what != NULL)
				imp_error(&c, 0, "this looks like %s, not %s output", what,
				          import_kind_name(o->kind));
			else if (len == 0)
				imp_error(&c, 0, "empty file: not %s output", import_kind_name(o->kind));
			else
				imp_error(&c, 0, "no line looks like %s output", import_kind_name(o->kind));
		} else if (kind == IMPORT_VMMAP) {
			imp_parse_vmmap(&c, text, &caps[i]);
		} else if (kind == IMPORT_SMAPS) {
			imp_parse_smaps(&c, text, &caps[i]);
		} else {
			imp_parse_vminfo(&c, text, &caps[i]);
		}
		big_array_free(text, textcap);
		if (c.nerrors > 0 && rc == IMPORT_OK)
			rc = IMPORT_BAD;
	}
	if (rc == IMPORT_OK)
		rc = write_trace(o, caps, o->nfiles);
	for (size_t i = 0; i < o->nfiles; i++)
		imp_capture_free(&caps[i]);
	free(caps);
	return rc;
}
