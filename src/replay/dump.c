/* SPDX-License-Identifier: MIT */
/*
 * dump.c -- print the model's region reports without a terminal: the
 * snapshots, a vmmap-like text table, CSV, and the changes between two
 * steps (JSON is in dump_json.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "replay.h"
#include "trace/text.h"
#include "vm/vm_profile.h"

/* Make S safe for a terminal, in place (text_sanitize). */
char *
dump_sanitize(char *s)
{
	return s != NULL ? text_sanitize(s, strlen(s) + 1, s, false) : s;
}

/* ---- snapshots ------------------------------------------------------------ */

void
dump_snap_take(struct replay *r, struct dump_snap *s)
{
	const struct vm_world *w = replay_world(r);
	struct vm_region_info ri;

	s->n = 0;
	s->step = replay_pos(r);
	for (int t = 0; t < vm_task_count(w); t++) {
		for (size_t i = 0; vm_region_get(w, t, i, &ri); i++) {
			if (s->n == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 64;
				s->rows = realloc(s->rows, s->cap * sizeof *s->rows);
				if (s->rows == NULL)
					abort();
			}
			s->rows[s->n].task = t;
			s->rows[s->n].name = replay_region_name(r, t, ri.start, ri.end);
			s->rows[s->n].ri = ri;
			s->n++;
		}
	}
}

void
dump_snap_free(struct dump_snap *s)
{
	free(s->rows);
	memset(s, 0, sizeof *s);
}

/* ---- fields ------------------------------------------------------------------ */

static const char *const field_keys[DF_COUNT] = {
	"end", "prot", "max_prot", "inheritance", "share_mode", "ref_count", "pages_resident",
	"pages_dirtied", "pages_cow", "pages_shared", "shadow_depth", "object", "needs_copy",
};

const char *
dump_field_key(int f)
{
	return f >= 0 && f < DF_COUNT ? field_keys[f] : "?";
}

bool
dump_field_numeric(int f)
{
	return f == DF_REF_COUNT || f == DF_RESIDENT || f == DF_DIRTIED || f == DF_COW ||
	       f == DF_SHARED || f == DF_DEPTH || f == DF_OBJECT;
}

void
dump_field_text(const struct vm_region_info *r, int f, char *buf, size_t len)
{
	static const size_t count_off[DF_COUNT] = {
		[DF_REF_COUNT] = offsetof(struct vm_region_info, ref_count),
		[DF_RESIDENT] = offsetof(struct vm_region_info, pages_resident),
		[DF_DIRTIED] = offsetof(struct vm_region_info, pages_dirtied),
		[DF_COW] = offsetof(struct vm_region_info, pages_cow),
		[DF_SHARED] = offsetof(struct vm_region_info, pages_shared),
		[DF_DEPTH] = offsetof(struct vm_region_info, shadow_depth),
		[DF_OBJECT] = offsetof(struct vm_region_info, object),
	};
	char p[4];

	switch (f) {
	case DF_END:
		snprintf(buf, len, "0x%llx", (unsigned long long)r->end);
		return;
	case DF_PROT:
	case DF_MAX_PROT:
		vm_prot_str(f == DF_PROT ? r->prot : r->max_prot, p);
		snprintf(buf, len, "%s", p);
		return;
	case DF_INHERITANCE:
		snprintf(buf, len, "%s", vm_inherit_name(r->inheritance));
		return;
	case DF_SHARE_MODE:
		snprintf(buf, len, "%s", vm_share_mode_name(r->share_mode));
		return;
	case DF_NEEDS_COPY:
		snprintf(buf, len, "%s", r->needs_copy ? "true" : "false");
		return;
	}
	snprintf(buf, len, "%u", *(const uint32_t *)((const char *)r + count_off[f]));
}

/* ---- text ------------------------------------------------------------------------ */

/* Write a byte count as vmmap does: 16K, 1.5M, 2G. */
static void
human(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	double v = (double)n / 1024.0;
	int u = 0;

	while (v >= 1024.0 && u < 4) {
		v /= 1024.0;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.1f%c", v, units[u]);
}

/* The heading line of the current step. */
static void
step_heading(struct replay *r, FILE *out)
{
	const struct trace *t = replay_trace(r);
	size_t k = replay_pos(r);
	const struct trace_event *ev = replay_event(r, k);
	const char *note = ev != NULL ? replay_note(r, k) : NULL;
	char desc[256], title[256], buf[1024];

	replay_describe(r, k, desc, sizeof desc);
	snprintf(title, sizeof title, "%s", t->title != NULL ? t->title : t->path);
	fprintf(out, "==== step %zu/%zu: %s [%s]", k, replay_nsteps(r), dump_sanitize(desc),
	        vm_kr_name(replay_status(r, k)));
	if (replay_status(r, k) != KERN_SUCCESS)
		fprintf(out, " -- %s", replay_reason_text(replay_reason(r, k)));
	fprintf(out, "\n");
	if (k == 0)
		fprintf(out, "     %s (%s, %uK pages)\n", dump_sanitize(title), replay_profile(r)->name,
		        vm_world_page_size(replay_world(r)) / 1024);
	if (note != NULL && note[0] != '\0') {
		snprintf(buf, sizeof buf, "%s", note);
		fprintf(out, "     note: %s\n", dump_sanitize(buf));
	}
}

/* One region as a row of the vmmap-like table. */
static void
text_row(const struct dump_row *row, uint32_t ps, FILE *out)
{
	const struct vm_region_info *ri = &row->ri;
	char vs[16], rs[16], ds[16], cs[16], p[4], mp[4], label[128];

	human(ri->end - ri->start, vs, sizeof vs);
	human((uint64_t)ri->pages_resident * ps, rs, sizeof rs);
	human((uint64_t)ri->pages_dirtied * ps, ds, sizeof ds);
	human((uint64_t)ri->pages_cow * ps, cs, sizeof cs);
	vm_prot_str(ri->prot, p);
	vm_prot_str(ri->max_prot, mp);
	snprintf(label, sizeof label, "%s", row->name != NULL ? row->name : "");
	fprintf(out, "  %016llx-%016llx [%6s %6s %6s %6s] %s/%s SM=%-3s %4u %5u %5u  %s\n",
	        (unsigned long long)ri->start, (unsigned long long)ri->end, vs, rs, ds, cs, p, mp,
	        vm_share_mode_abbrev(ri->share_mode), ri->ref_count, ri->shadow_depth, ri->object,
	        dump_sanitize(label));
}

/* Every task of the snapshot S as a vmmap-like table. */
static void
text_step(struct replay *r, const struct dump_snap *s, FILE *out)
{
	const struct vm_world *w = replay_world(r);
	uint32_t ps = vm_world_page_size(w);
	size_t i = 0;

	step_heading(r, out);
	for (int t = 0; t < vm_task_count(w); t++) {
		size_t n = vm_task_nentries(w, t);
		char name[128];

		snprintf(name, sizeof name, "%s", vm_task_name(w, t));
		if (!vm_task_alive(w, t)) {
			fprintf(out, "task %s: exited\n", dump_sanitize(name));
			continue;
		}
		fprintf(out, "task %s: %zu region%s\n", dump_sanitize(name), n, n == 1 ? "" : "s");
		if (n == 0)
			continue;
		fprintf(out, "  %-33s [%6s %6s %6s %6s] %-7s %-6s %4s %5s %5s  %s\n", "START - END",
		        "VSIZE", "RSDNT", "DIRTY", "COW", "PRT/MAX", "SHRMOD", "REF", "DEPTH", "OBJ", "NAME");
		for (; i < s->n && s->rows[i].task == t; i++)
			text_row(&s->rows[i], ps, out);
	}
}

/* ---- CSV ---------------------------------------------------------------------------- */

/* Write S as a CSV field: quoted (quotes doubled) when it needs to be. */
static void
csv_field(const char *s, FILE *out)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%s", s != NULL ? s : "");
	dump_sanitize(buf);
	if (strpbrk(buf, ",\"\r\n") == NULL) {
		fputs(buf, out);
		return;
	}
	fputc('"', out);
	for (const char *p = buf; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

void
dump_csv_header(bool changes, FILE *out)
{
	if (changes) {
		fputs("step,task,start,end,name,change,field,old,new\n", out);
		return;
	}
	fputs("step,task,start,end,size,name", out);
	for (int f = DF_PROT; f < DF_COUNT; f++)
		fprintf(out, ",%s", dump_field_key(f));
	fputs("\n", out);
}

/* The row's step, task, start and end as the first CSV fields. */
static void
csv_lead(struct replay *r, size_t step, const struct dump_row *row, FILE *out)
{
	fprintf(out, "%zu,", step);
	csv_field(vm_task_name(replay_world(r), row->task), out);
	fprintf(out, ",0x%llx,0x%llx,", (unsigned long long)row->ri.start,
	        (unsigned long long)row->ri.end);
}

static void
csv_step(struct replay *r, const struct dump_snap *s, FILE *out)
{
	char v[64];

	for (size_t i = 0; i < s->n; i++) {
		const struct dump_row *row = &s->rows[i];

		csv_lead(r, s->step, row, out);
		fprintf(out, "%llu,", (unsigned long long)(row->ri.end - row->ri.start));
		csv_field(row->name, out);
		for (int f = DF_PROT; f < DF_COUNT; f++) {
			dump_field_text(&row->ri, f, v, sizeof v);
			fprintf(out, ",%s", v);
		}
		fputs("\n", out);
	}
}

void
dump_step(struct replay *r, enum dump_format f, FILE *out)
{
	struct dump_snap s = { 0 };

	dump_snap_take(r, &s);
	if (f == DUMP_JSON)
		dump_json_step(r, &s, out);
	else if (f == DUMP_CSV)
		csv_step(r, &s, out);
	else
		text_step(r, &s, out);
	dump_snap_free(&s);
}

/* ---- changes ----------------------------------------------------------------------- */

/* Compare rows A and B by task, then start. */
static int
row_cmp(const struct dump_row *a, const struct dump_row *b)
{
	if (a->task != b->task)
		return a->task < b->task ? -1 : 1;
	return a->ri.start < b->ri.start ? -1 : a->ri.start > b->ri.start;
}

/* A text line for a region that is new ('+') or gone ('-'). */
static void
text_change_whole(struct replay *r, const struct dump_row *row, char sign, FILE *out)
{
	char name[128], label[128];

	snprintf(name, sizeof name, "%s", vm_task_name(replay_world(r), row->task));
	snprintf(label, sizeof label, "%s", row->name != NULL ? row->name : "");
	fprintf(out, "  %c %s %016llx-%016llx %s%s", sign, dump_sanitize(name),
	        (unsigned long long)row->ri.start, (unsigned long long)row->ri.end,
	        dump_sanitize(label), label[0] ? ": " : "");
	if (sign == '-')
		fprintf(out, "gone\n");
	else
		fprintf(out, "new, SM=%s ref_count %u, %u resident\n",
		        vm_share_mode_abbrev(row->ri.share_mode), row->ri.ref_count,
		        row->ri.pages_resident);
}

/* A text line for a region whose fields changed from A to B (0: none). */
static int
text_change_fields(struct replay *r, const struct dump_row *a, const struct dump_row *b,
                   FILE *out)
{
	char va[64], vb[64], name[128], label[128];
	int n = 0;

	for (int f = 0; f < DF_COUNT; f++) {
		dump_field_text(&a->ri, f, va, sizeof va);
		dump_field_text(&b->ri, f, vb, sizeof vb);
		if (strcmp(va, vb) == 0)
			continue;
		if (n++ == 0) {
			snprintf(name, sizeof name, "%s", vm_task_name(replay_world(r), b->task));
			snprintf(label, sizeof label, "%s", b->name != NULL ? b->name : "");
			fprintf(out, "  ~ %s %016llx-%016llx %s%s", dump_sanitize(name),
			        (unsigned long long)b->ri.start, (unsigned long long)b->ri.end,
			        dump_sanitize(label), label[0] ? ": " : "");
		}
		fprintf(out, "%s%s %s -> %s", n > 1 ? ", " : "", dump_field_key(f), va, vb);
	}
	if (n > 0)
		fputs("\n", out);
	return n;
}

/* CSV rows for one change: a whole region (CH "new"/"gone"), or one per
 * changed field from A to B. */
static void
csv_change(struct replay *r, size_t step, const struct dump_row *a, const struct dump_row *b,
           FILE *out)
{
	const struct dump_row *row = b != NULL ? b : a;
	char va[64], vb[64];

	if (a == NULL || b == NULL) {
		csv_lead(r, step, row, out);
		csv_field(row->name, out);
		fprintf(out, ",%s,,,\n", a == NULL ? "new" : "gone");
		return;
	}
	for (int f = 0; f < DF_COUNT; f++) {
		dump_field_text(&a->ri, f, va, sizeof va);
		dump_field_text(&b->ri, f, vb, sizeof vb);
		if (strcmp(va, vb) == 0)
			continue;
		csv_lead(r, step, row, out);
		csv_field(row->name, out);
		fprintf(out, ",changed,%s,%s,%s\n", dump_field_key(f), va, vb);
	}
}

bool
dump_diff_next(const struct dump_snap *prev, const struct dump_snap *cur, size_t *i, size_t *j,
               const struct dump_row **a, const struct dump_row **b)
{
	int c;

	*a = *i < prev->n ? &prev->rows[*i] : NULL;
	*b = *j < cur->n ? &cur->rows[*j] : NULL;
	if (*a == NULL && *b == NULL)
		return false;
	c = *a == NULL ? 1 : *b == NULL ? -1 : row_cmp(*a, *b);
	if (c <= 0)
		(*i)++;
	if (c >= 0)
		(*j)++;
	if (c < 0)
		*b = NULL;
	if (c > 0)
		*a = NULL;
	return true;
}

void
dump_changes(struct replay *r, enum dump_format f, const struct dump_snap *prev,
             const struct dump_snap *cur, FILE *out)
{
	const struct dump_row *a, *b;
	size_t i = 0, j = 0;
	int shown = 0;

	if (f == DUMP_JSON) {
		dump_json_changes(r, prev, cur, out);
		return;
	}
	if (f == DUMP_TEXT)
		step_heading(r, out);
	while (dump_diff_next(prev, cur, &i, &j, &a, &b)) {
		if (f == DUMP_CSV) {
			csv_change(r, cur->step, a, b, out);
		} else if (a == NULL || b == NULL) {
			text_change_whole(r, a != NULL ? a : b, a != NULL ? '-' : '+', out);
			shown++;
		} else {
			shown += text_change_fields(r, a, b, out);
		}
	}
	if (f == DUMP_TEXT && shown == 0)
		fputs("  (no change)\n", out);
}
