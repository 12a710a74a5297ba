/* SPDX-License-Identifier: MIT */
/*
 * dump.c -- print the model's region reports without a terminal: a
 * vmmap-like text table, or one JSON object per step.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

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
	char desc[256], title[256];

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
	{
		const struct trace_event *ev = replay_event(r, k);
		const char *note = ev != NULL ? trace_event_note(t, ev) : NULL;

		if (note != NULL && note[0] != '\0') {
			char buf[1024];

			snprintf(buf, sizeof buf, "%s", note);
			fprintf(out, "     note: %s\n", dump_sanitize(buf));
		}
	}
}

/* Print every live task's regions as a vmmap-like table. */
void
dump_step_text(struct replay *r, FILE *out)
{
	const struct vm_world *w = replay_world(r);
	uint32_t ps = vm_world_page_size(w);

	step_heading(r, out);
	for (int t = 0; t < vm_task_count(w); t++) {
		struct vm_region_info ri;
		char name[128];

		snprintf(name, sizeof name, "%s", vm_task_name(w, t));
		if (!vm_task_alive(w, t)) {
			fprintf(out, "task %s: exited\n", dump_sanitize(name));
			continue;
		}
		fprintf(out, "task %s: %zu region%s\n", dump_sanitize(name), vm_task_nentries(w, t),
		        vm_task_nentries(w, t) == 1 ? "" : "s");
		if (vm_task_nentries(w, t) == 0)
			continue;
		fprintf(out, "  %-33s [%6s %6s %6s %6s] %-7s %-6s %4s %5s %5s  %s\n", "START - END",
		        "VSIZE", "RSDNT", "DIRTY", "COW", "PRT/MAX", "SHRMOD", "REF", "DEPTH", "OBJ", "NAME");
		for (size_t i = 0; vm_region_get(w, t, i, &ri); i++) {
			char vs[16], rs[16], ds[16], cs[16], p[4], mp[4], label[128];
			const char *nm = replay_region_name(r, t, ri.start, ri.end);

			human(ri.end - ri.start, vs, sizeof vs);
			human((uint64_t)ri.pages_resident * ps, rs, sizeof rs);
			human((uint64_t)ri.pages_dirtied * ps, ds, sizeof ds);
			human((uint64_t)ri.pages_cow * ps, cs, sizeof cs);
			vm_prot_str(ri.prot, p);
			vm_prot_str(ri.max_prot, mp);
			snprintf(label, sizeof label, "%s", nm != NULL ? nm : "");
			fprintf(out, "  %016llx-%016llx [%6s %6s %6s %6s] %s/%s SM=%-3s %4u %5u %5u  %s\n",
			        (unsigned long long)ri.start, (unsigned long long)ri.end, vs, rs, ds, cs, p, mp,
			        vm_share_mode_abbrev(ri.share_mode), ri.ref_count, ri.shadow_depth,
			        ri.object, dump_sanitize(label));
		}
	}
}

static void
add_hex(cJSON *o, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
	cJSON_AddStringToObject(o, key, buf);
}

/* The observation recorded at this step: the fields it has, as given. */
static void
add_observed(struct replay *r, cJSON *root, const struct trace_event *ev)
{
	const struct trace *t = replay_trace(r);
	const struct trace_obs *ob = &t->obs[ev->obs - 1];
	cJSON *o = cJSON_AddObjectToObject(root, "observed"), *regions;
	static const struct {
		unsigned bit;
		const char *key;
		size_t off;
	} counters[] = {
		{ TOBS_REF_COUNT, "ref_count", offsetof(struct trace_obs_region, ref_count) },
		{ TOBS_RESIDENT, "pages_resident", offsetof(struct trace_obs_region, pages_resident) },
		{ TOBS_DIRTIED, "pages_dirtied", offsetof(struct trace_obs_region, pages_dirtied) },
		{ TOBS_SWAPPED, "pages_swapped", offsetof(struct trace_obs_region, pages_swapped) },
		{ TOBS_PRIVATE, "pages_private", offsetof(struct trace_obs_region, pages_private) },
		{ TOBS_COW, "pages_cow", offsetof(struct trace_obs_region, pages_cow) },
		{ TOBS_SHARED, "pages_shared", offsetof(struct trace_obs_region, pages_shared) },
		{ TOBS_ZERO, "pages_zero", offsetof(struct trace_obs_region, pages_zero) },
	};

	cJSON_AddStringToObject(o, "task", trace_task_name(t, ev->task));
	regions = cJSON_AddArrayToObject(o, "regions");
	for (uint32_t i = 0; i < ob->nregions; i++) {
		const struct trace_obs_region *or = &ob->regions[i];
		cJSON *ro = cJSON_CreateObject();
		char p[4];

		add_hex(ro, "start", or->start);
		add_hex(ro, "end", or->end);
		if (or->name != 0)
			cJSON_AddStringToObject(ro, "name", trace_str(t, or->name));
		if (or->have & TOBS_PROT) {
			vm_prot_str(or->prot, p);
			cJSON_AddStringToObject(ro, "prot", p);
		}
		if (or->have & TOBS_MAX_PROT) {
			vm_prot_str(or->max_prot, p);
			cJSON_AddStringToObject(ro, "max_prot", p);
		}
		if (or->have & TOBS_SHARE_MODE) {
			cJSON_AddStringToObject(ro, "share_mode", vm_share_mode_name(or->share_mode));
			cJSON_AddStringToObject(ro, "shrmod", vm_share_mode_abbrev(or->share_mode));
		}
		for (size_t k = 0; k < sizeof counters / sizeof counters[0]; k++)
			if (or->have & counters[k].bit)
				cJSON_AddNumberToObject(ro, counters[k].key,
				                        *(const uint32_t *)((const char *)or + counters[k].off));
		cJSON_AddItemToArray(regions, ro);
	}
}

/* One JSON object for the current step (docs/dump-format.md). */
void
dump_step_json(struct replay *r, FILE *out)
{
	const struct vm_world *w = replay_world(r);
	const struct trace_event *ev = replay_event(r, replay_pos(r));
	size_t k = replay_pos(r);
	cJSON *root = cJSON_CreateObject(), *tasks;
	char *text;

	cJSON_AddNumberToObject(root, "step", (double)k);
	cJSON_AddStringToObject(root, "op", ev != NULL ? trace_op_name(ev->op) : "start");
	cJSON_AddStringToObject(root, "status", vm_kr_name(replay_status(r, k)));
	if (replay_status(r, k) != KERN_SUCCESS)
		cJSON_AddStringToObject(root, "error", replay_reason_text(replay_reason(r, k)));
	tasks = cJSON_AddArrayToObject(root, "tasks");
	for (int t = 0; t < vm_task_count(w); t++) {
		cJSON *to = cJSON_CreateObject(), *regions;
		struct vm_region_info ri;

		cJSON_AddStringToObject(to, "name", vm_task_name(w, t));
		if (!vm_task_alive(w, t))
			cJSON_AddBoolToObject(to, "alive", 0);
		regions = cJSON_AddArrayToObject(to, "regions");
		for (size_t i = 0; vm_region_get(w, t, i, &ri); i++) {
			cJSON *ro = cJSON_CreateObject();
			const char *nm = replay_region_name(r, t, ri.start, ri.end);
			char p[4];

			add_hex(ro, "start", ri.start);
			add_hex(ro, "end", ri.end);
			cJSON_AddNumberToObject(ro, "size", (double)(ri.end - ri.start));
			if (nm != NULL)
				cJSON_AddStringToObject(ro, "name", nm);
			vm_prot_str(ri.prot, p);
			cJSON_AddStringToObject(ro, "prot", p);
			vm_prot_str(ri.max_prot, p);
			cJSON_AddStringToObject(ro, "max_prot", p);
			cJSON_AddStringToObject(ro, "inheritance", vm_inherit_name(ri.inheritance));
			cJSON_AddStringToObject(ro, "share_mode", vm_share_mode_name(ri.share_mode));
			cJSON_AddStringToObject(ro, "shrmod", vm_share_mode_abbrev(ri.share_mode));
			cJSON_AddNumberToObject(ro, "ref_count", ri.ref_count);
			cJSON_AddNumberToObject(ro, "pages_resident", ri.pages_resident);
			cJSON_AddNumberToObject(ro, "pages_dirtied", ri.pages_dirtied);
			cJSON_AddNumberToObject(ro, "pages_shared_now_private", ri.pages_shared_now_private);
			cJSON_AddNumberToObject(ro, "shadow_depth", ri.shadow_depth);
			cJSON_AddNumberToObject(ro, "object", ri.object);
			cJSON_AddNumberToObject(ro, "pages_cow", ri.pages_cow);
			cJSON_AddNumberToObject(ro, "pages_shared", ri.pages_shared);
			cJSON_AddBoolToObject(ro, "needs_copy", ri.needs_copy);
			cJSON_AddStringToObject(ro, "top_share_mode", vm_share_mode_name(ri.top_share_mode));
			cJSON_AddItemToArray(regions, ro);
		}
		cJSON_AddItemToArray(tasks, to);
	}
	if (ev != NULL && ev->op == TOP_OBSERVE && ev->obs != 0)
		add_observed(r, root, ev);
	text = cJSON_PrintUnformatted(root);
	if (text != NULL) {
		fputs(text, out);
		fputc('\n', out);
		free(text);
	}
	cJSON_Delete(root);
}
