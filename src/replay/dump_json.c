/* SPDX-License-Identifier: MIT */
/*
 * dump_json.c -- `vmscope dump --json`: one JSON object per step, written
 * directly (strings escaped by the trace writer's escaper), no JSON tree.
 */
#include <config.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dump.h"
#include "replay.h"
#include "trace/trace_write.h"

/* ,"KEY": (FIRST: no comma). */
static void
key(FILE *out, bool *first, const char *k)
{
	if (!*first)
		fputc(',', out);
	*first = false;
	fputc('"', out);
	fputs(k, out);
	fputs("\":", out);
}

/* Write V in decimal, or with HEX as "0x..." in quotes (no printf: a dump
 * of 20,000 regions writes hundreds of thousands of numbers). */
static void
put_uint(FILE *out, uint64_t v, bool hex)
{
	char tmp[24], *e = tmp + sizeof tmp, *p = e;

	if (hex)
		*--p = '"';
	do {
		*--p = "0123456789abcdef"[hex ? v & 15 : v % 10];
		v = hex ? v >> 4 : v / 10;
	} while (v != 0);
	if (hex) {
		*--p = 'x';
		*--p = '0';
		*--p = '"';
	}
	fwrite(p, 1, (size_t)(e - p), out);
}

static void
kstr(FILE *out, bool *first, const char *k, const char *v)
{
	key(out, first, k);
	tw_json_fputs(out, v);
}

static void
khex(FILE *out, bool *first, const char *k, uint64_t v)
{
	key(out, first, k);
	put_uint(out, v, true);
}

static void
kuint(FILE *out, bool *first, const char *k, uint64_t v)
{
	key(out, first, k);
	put_uint(out, v, false);
}

/* "format", "vmscope", "step", "op", "status" and "error" of step K. */
static void
step_members(struct replay *r, size_t k, FILE *out, bool *first)
{
	const struct trace_event *ev = replay_event(r, k);

	kuint(out, first, "format", DUMP_FORMAT_VERSION);
	kstr(out, first, "vmscope", PACKAGE_VERSION);
	kuint(out, first, "step", k);
	kstr(out, first, "op", ev != NULL ? trace_op_name(ev->op) : "start");
	kstr(out, first, "status", vm_kr_name(replay_status(r, k)));
	if (replay_status(r, k) != KERN_SUCCESS)
		kstr(out, first, "error", replay_reason_text(replay_reason(r, k)));
}

/* One region of the model as an object. */
static void
region(const struct dump_row *row, FILE *out)
{
	const struct vm_region_info *ri = &row->ri;
	bool first = true;
	char p[4];

	fputc('{', out);
	khex(out, &first, "start", ri->start);
	khex(out, &first, "end", ri->end);
	kuint(out, &first, "size", ri->end - ri->start);
	if (row->name != NULL)
		kstr(out, &first, "name", row->name);
	vm_prot_str(ri->prot, p);
	kstr(out, &first, "prot", p);
	vm_prot_str(ri->max_prot, p);
	kstr(out, &first, "max_prot", p);
	kstr(out, &first, "inheritance", vm_inherit_name(ri->inheritance));
	kstr(out, &first, "share_mode", vm_share_mode_name(ri->share_mode));
	kstr(out, &first, "shrmod", vm_share_mode_abbrev(ri->share_mode));
	kuint(out, &first, "ref_count", ri->ref_count);
	kuint(out, &first, "pages_resident", ri->pages_resident);
	kuint(out, &first, "pages_dirtied", ri->pages_dirtied);
	kuint(out, &first, "pages_shared_now_private", ri->pages_shared_now_private);
	kuint(out, &first, "shadow_depth", ri->shadow_depth);
	kuint(out, &first, "object", ri->object);
	kuint(out, &first, "pages_cow", ri->pages_cow);
	kuint(out, &first, "pages_shared", ri->pages_shared);
	key(out, &first, "needs_copy");
	fputs(ri->needs_copy ? "true" : "false", out);
	kstr(out, &first, "top_share_mode", vm_share_mode_name(ri->top_share_mode));
	fputc('}', out);
}

/* The observed counters, with the TOBS_* bit that says each was observed. */
static const struct {
	unsigned bit;
	const char *key;
	size_t off;
} obs_counters[] = {
	{ TOBS_REF_COUNT, "ref_count", offsetof(struct trace_obs_region, ref_count) },
	{ TOBS_RESIDENT, "pages_resident", offsetof(struct trace_obs_region, pages_resident) },
	{ TOBS_DIRTIED, "pages_dirtied", offsetof(struct trace_obs_region, pages_dirtied) },
	{ TOBS_SWAPPED, "pages_swapped", offsetof(struct trace_obs_region, pages_swapped) },
	{ TOBS_PRIVATE, "pages_private", offsetof(struct trace_obs_region, pages_private) },
	{ TOBS_COW, "pages_cow", offsetof(struct trace_obs_region, pages_cow) },
	{ TOBS_SHARED, "pages_shared", offsetof(struct trace_obs_region, pages_shared) },
	{ TOBS_ZERO, "pages_zero", offsetof(struct trace_obs_region, pages_zero) },
};

/* One observed region: the fields it has, as given. */
static void
observed_region(const struct trace *t, const struct trace_obs_region *or, FILE *out)
{
	bool first = true;
	char p[4];

	fputc('{', out);
	khex(out, &first, "start", or->start);
	khex(out, &first, "end", or->end);
	if (or->name != 0)
		kstr(out, &first, "name", trace_str(t, or->name));
	if (or->have & TOBS_PROT) {
		vm_prot_str(or->prot, p);
		kstr(out, &first, "prot", p);
	}
	if (or->have & TOBS_MAX_PROT) {
		vm_prot_str(or->max_prot, p);
		kstr(out, &first, "max_prot", p);
	}
	if (or->have & TOBS_SHARE_MODE) {
		kstr(out, &first, "share_mode", vm_share_mode_name(or->share_mode));
		kstr(out, &first, "shrmod", vm_share_mode_abbrev(or->share_mode));
	}
	for (size_t k = 0; k < sizeof obs_counters / sizeof obs_counters[0]; k++)
		if (or->have & obs_counters[k].bit)
			kuint(out, &first, obs_counters[k].key,
			      *(const uint32_t *)((const char *)or + obs_counters[k].off));
	fputc('}', out);
}

/* "observed": the observation recorded at this step. */
static void
observed(struct replay *r, const struct trace_event *ev, FILE *out, bool *first)
{
	const struct trace *t = replay_trace(r);
	const struct trace_obs *ob = &t->obs[ev->obs - 1];
	bool f2 = true;

	key(out, first, "observed");
	fputc('{', out);
	kstr(out, &f2, "task", trace_task_name(t, ev->task));
	key(out, &f2, "regions");
	fputc('[', out);
	for (uint32_t i = 0; i < ob->nregions; i++) {
		if (i > 0)
			fputc(',', out);
		observed_region(t, &ob->regions[i], out);
	}
	fputs("]}", out);
}

void
dump_json_step(struct replay *r, const struct dump_snap *s, FILE *out)
{
	const struct vm_world *w = replay_world(r);
	const struct trace_event *ev = replay_event(r, s->step);
	bool first = true;
	size_t i = 0;

	fputc('{', out);
	step_members(r, s->step, out, &first);
	key(out, &first, "tasks");
	fputc('[', out);
	for (int t = 0; t < vm_task_count(w); t++) {
		bool ft = true;

		fputs(t > 0 ? ",{" : "{", out);
		kstr(out, &ft, "name", vm_task_name(w, t));
		if (!vm_task_alive(w, t)) {
			key(out, &ft, "alive");
			fputs("false", out);
		}
		key(out, &ft, "regions");
		fputc('[', out);
		for (size_t k = 0; i < s->n && s->rows[i].task == t; i++, k++) {
			if (k > 0)
				fputc(',', out);
			region(&s->rows[i], out);
		}
		fputs("]}", out);
	}
	fputc(']', out);
	if (ev != NULL && ev->op == TOP_OBSERVE && ev->obs != 0)
		observed(r, ev, out, &first);
	fputs("}\n", out);
}

/* The value of field F of R, as JSON. */
static void
field_value(const struct vm_region_info *ri, int f, FILE *out)
{
	char v[64];

	dump_field_text(ri, f, v, sizeof v);
	if (dump_field_numeric(f) || f == DF_NEEDS_COPY)
		fputs(v, out);
	else
		tw_json_fputs(out, v);
}

/* One entry of "changes": a region that is new or gone (A or B NULL), or
 * the fields that changed from A to B ("fields": {"key": [old, new]}). */
static bool
change(struct replay *r, const struct dump_row *a, const struct dump_row *b, bool comma,
       FILE *out)
{
	const struct dump_row *row = b != NULL ? b : a;
	bool first = true, any = false;
	char va[64], vb[64];

	for (int f = 0; a != NULL && b != NULL && f < DF_COUNT && !any; f++) {
		dump_field_text(&a->ri, f, va, sizeof va);
		dump_field_text(&b->ri, f, vb, sizeof vb);
		any = strcmp(va, vb) != 0;
	}
	if (a != NULL && b != NULL && !any)
		return false;
	fputs(comma ? ",{" : "{", out);
	kstr(out, &first, "task", vm_task_name(replay_world(r), row->task));
	kstr(out, &first, "change", a == NULL ? "new" : b == NULL ? "gone" : "changed");
	key(out, &first, "region");
	region(row, out);
	if (a != NULL && b != NULL) {
		bool ff = true;

		key(out, &first, "fields");
		fputc('{', out);
		for (int f = 0; f < DF_COUNT; f++) {
			dump_field_text(&a->ri, f, va, sizeof va);
			dump_field_text(&b->ri, f, vb, sizeof vb);
			if (strcmp(va, vb) == 0)
				continue;
			key(out, &ff, dump_field_key(f));
			fputc('[', out);
			field_value(&a->ri, f, out);
			fputc(',', out);
			field_value(&b->ri, f, out);
			fputc(']', out);
		}
		fputc('}', out);
	}
	fputc('}', out);
	return true;
}

void
dump_json_changes(struct replay *r, const struct dump_snap *prev, const struct dump_snap *cur,
                  FILE *out)
{
	const struct dump_row *a, *b;
	bool first = true, comma = false;
	size_t i = 0, j = 0;

	fputc('{', out);
	step_members(r, cur->step, out, &first);
	key(out, &first, "changes");
	fputc('[', out);
	while (dump_diff_next(prev, cur, &i, &j, &a, &b))
		comma |= change(r, a, b, comma, out);
	fputs("]}\n", out);
}
