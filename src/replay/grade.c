/* SPDX-License-Identifier: MIT */
/*
 * grade.c -- an exercise's questions, students' answers, and the marks
 * (grade.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dump.h"
#include "explain.h"
#include "grade.h"
#include "replay.h"
#include "trace/text.h"
#include "trace/trace_write.h"

#define ANSWER_LINE_LIMIT 65536

/* The dump field of each ask field. */
static const int ask_field[TASK_COUNT] = {
	[TASK_SHARE_MODE] = DF_SHARE_MODE, [TASK_REF_COUNT] = DF_REF_COUNT,
	[TASK_RESIDENT] = DF_RESIDENT, [TASK_DIRTIED] = DF_DIRTIED,
	[TASK_SHADOW_DEPTH] = DF_DEPTH, [TASK_OBJECT] = DF_OBJECT,
	[TASK_NEEDS_COPY] = DF_NEEDS_COPY, [TASK_PROT] = DF_PROT, [TASK_MAX_PROT] = DF_MAX_PROT,
	[TASK_INHERITANCE] = DF_INHERITANCE, [TASK_PAGES_COW] = DF_COW,
	[TASK_PAGES_SHARED] = DF_SHARED,
};

/* ---- questions ------------------------------------------------------------ */

/* Append a question to EX; false when out of memory. */
static struct grade_question *
question_add(struct grade_exercise *ex, size_t *cap)
{
	if (ex->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct grade_question *nq = realloc(ex->q, ncap * sizeof *nq);

		if (nq == NULL)
			return NULL;
		ex->q = nq;
		*cap = ncap;
	}
	memset(&ex->q[ex->n], 0, sizeof ex->q[ex->n]);
	return &ex->q[ex->n++];
}

/* Why step K came out as it did: the effects in words, else its note. */
static void
step_reason(struct replay *r, size_t k, char *buf, size_t len)
{
	const struct trace_event *ev = replay_event(r, k);
	const char *note = trace_event_note(replay_trace(r), ev);

	if (explain_effects(replay_effects(r), replay_linux_terms(r), buf, len) == 0) {
		if (note != NULL && note[0] != '\0')
			snprintf(buf, len, "%s", note);
		else
			replay_describe(r, k, buf, len);
	}
	text_sanitize(buf, len, buf, false);
}

/* Is NAME one the step touched: its "region" or its "as" (when it has
 * either; else every named region is)? */
static bool
touched(const struct trace *t, const struct trace_event *ev, const char *name)
{
	bool by_region = ev->region != 0 && ev->op != TOP_MAP_FILE && ev->op != TOP_NOTE;

	if (!by_region && ev->as == 0)
		return true;
	return (by_region && strcmp(name, trace_str(t, ev->region)) == 0) ||
	       (ev->as != 0 && strcmp(name, trace_str(t, ev->as)) == 0);
}

/* Was region NAME of TASK already asked about at step K?  (A name covers
 * every piece of a clipped region: it is asked once, for the first.) */
static bool
asked_before(const struct grade_exercise *ex, size_t k, const char *task, const char *name)
{
	for (size_t i = ex->n; i-- > 0 && ex->q[i].step == k;)
		if (strcmp(ex->q[i].task, task) == 0 && strcmp(ex->q[i].region, name) == 0)
			return true;
	return false;
}

/* The questions of world task T at step K for the fields in ASK. */
static int
task_questions(struct replay *r, size_t k, int t, uint32_t ask, const char *reason,
               struct grade_exercise *ex, size_t *cap)
{
	const struct vm_world *w = replay_world(r);
	const struct trace_event *ev = replay_event(r, k);
	struct vm_region_info ri;

	for (size_t i = 0; vm_region_get(w, t, i, &ri); i++) {
		const char *name = replay_region_name(r, t, ri.start, ri.end);

		if (name == NULL || !touched(replay_trace(r), ev, name) ||
		    asked_before(ex, k, vm_task_name(w, t), name))
			continue;
		for (int f = 0; f < TASK_COUNT; f++) {
			struct grade_question *q;

			if (!(ask & (1u << f)))
				continue;
			if ((q = question_add(ex, cap)) == NULL)
				return -1;
			q->step = k;
			q->field = f;
			q->start = ri.start;
			q->end = ri.end;
			snprintf(q->task, sizeof q->task, "%s", vm_task_name(w, t));
			snprintf(q->region, sizeof q->region, "%s", name);
			dump_field_text(&ri, ask_field[f], q->expected, sizeof q->expected);
			snprintf(q->reason, sizeof q->reason, "%s", reason);
		}
	}
	return 0;
}

int
grade_questions(struct replay *r, struct grade_exercise *ex)
{
	const struct trace *t = replay_trace(r);
	size_t cap = 0;

	memset(ex, 0, sizeof *ex);
	for (size_t k = 1; k <= replay_nsteps(r); k++) {
		const struct trace_event *ev = replay_event(r, k);
		uint32_t ask = trace_event_ask(t, ev);
		char reason[400];
		int tasks[2], nt = 0;

		if (ask == 0)
			continue;
		replay_seek(r, k);
		step_reason(r, k, reason, sizeof reason);
		if (ev->op != TOP_NOTE && ev->op != TOP_RELEASE_ENTRY)
			tasks[nt++] = replay_task(r, ev->task);
		if (ev->op == TOP_FORK || ev->op == TOP_OOL_SEND)
			tasks[nt++] = replay_task(r, ev->task2);
		for (int i = 0; i < nt; i++)
			if (tasks[i] >= 0 && task_questions(r, k, tasks[i], ask, reason, ex, &cap) != 0)
				return -1;
	}
	return 0;
}

void
grade_exercise_free(struct grade_exercise *ex)
{
	free(ex->q);
	memset(ex, 0, sizeof *ex);
}

/* ---- matching ------------------------------------------------------------ */

bool
grade_match(int f, const char *a, const char *e)
{
	static const struct {
		const char *abbrev, *mode, *mode2;
	} modes[] = {
		{ "COW", "SM_COW", NULL }, { "PRV", "SM_PRIVATE", NULL }, { "NUL", "SM_EMPTY", NULL },
		{ "SHM", "SM_SHARED", "SM_TRUESHARED" }, { "ALI", "SM_PRIVATE_ALIASED", NULL },
		{ "S/A", "SM_SHARED_ALIASED", NULL }, { "LPG", "SM_LARGE_PAGE", NULL },
	};
	char up[48];
	size_t i;

	if (f != TASK_SHARE_MODE)
		return strcmp(a, e) == 0;
	for (i = 0; a[i] != '\0' && i + 1 < sizeof up; i++)
		up[i] = (char)toupper((unsigned char)a[i]);
	up[i] = '\0';
	if (strcmp(up, e) == 0)
		return true;
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
		if (strcmp(up, modes[i].abbrev) == 0)
			return strcmp(e, modes[i].mode) == 0 ||
			       (modes[i].mode2 != NULL && strcmp(e, modes[i].mode2) == 0);
	return false;
}

/* ---- answers --------------------------------------------------------------- */

/* Reading one answers file. */
struct reader {
	struct grade_exercise *ex;
	struct grade_extra *extra;
	size_t nextra, extra_cap;
	struct trace_error *err;
	const char *line;
	unsigned lineno;
};

/* The column of "KEY" in the current line, else 1. */
static unsigned
key_col(const struct reader *rd, const char *key)
{
	char pat[80];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	p = strstr(rd->line, pat);
	return p != NULL ? (unsigned)(p - rd->line) + 1 : 1;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct reader *rd, unsigned col, const char *fmt, ...)
{
	va_list ap;

	rd->err->line = rd->lineno;
	rd->err->col = col;
	va_start(ap, fmt);
	vsnprintf(rd->err->msg, sizeof rd->err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

/* Remember an answer that matched no question. */
static void
extra_add(struct reader *rd, const char *what)
{
	if (rd->nextra == rd->extra_cap) {
		size_t cap = rd->extra_cap ? rd->extra_cap * 2 : 8;
		struct grade_extra *ne = realloc(rd->extra, cap * sizeof *ne);

		if (ne == NULL)
			return;
		rd->extra = ne;
		rd->extra_cap = cap;
	}
	rd->extra[rd->nextra].line = rd->lineno;
	snprintf(rd->extra[rd->nextra].what, sizeof rd->extra[rd->nextra].what, "%s", what);
	text_sanitize(rd->extra[rd->nextra].what, sizeof rd->extra[rd->nextra].what,
	              rd->extra[rd->nextra].what, false);
	rd->nextra++;
}

/* The answer value V as text ("COW", "2", "true"), into BUF; false if it
 * is not a string, number or boolean. */
static bool
value_text(const cJSON *v, char *buf, size_t len)
{
	if (cJSON_IsString(v))
		snprintf(buf, len, "%s", v->valuestring);
	else if (cJSON_IsBool(v))
		snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15 &&
	         v->valuedouble == (double)(long long)v->valuedouble)
		snprintf(buf, len, "%lld", (long long)v->valuedouble);
	else
		return false;
	return true;
}

/* Which region the answer O names: *REGION, or *ADDR with *BY_ADDR. */
static int
answer_target(struct reader *rd, const cJSON *o, size_t *step, const char **task,
              const char **region, uint64_t *addr, bool *by_addr)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "step");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "task");
	const cJSON *rg = cJSON_GetObjectItemCaseSensitive(o, "region");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "addr");
	char *end;

	if (!cJSON_IsNumber(s) || s->valuedouble < 0 || s->valuedouble != (double)(long long)s->valuedouble)
		return fail(rd, key_col(rd, "step"), "an answer needs \"step\": a step number");
	if (!cJSON_IsString(t))
		return fail(rd, key_col(rd, "task"), "an answer needs \"task\": a task name");
	if ((rg == NULL) == (a == NULL))
		return fail(rd, key_col(rd, rg != NULL ? "addr" : "region"),
		            "an answer names its region by \"region\" or by \"addr\" (one of them)");
	*step = (size_t)s->valuedouble;
	*task = t->valuestring;
	*by_addr = a != NULL;
	if (rg != NULL) {
		if (!cJSON_IsString(rg))
			return fail(rd, key_col(rd, "region"), "\"region\" must be a region name");
		*region = rg->valuestring;
		return 0;
	}
	errno = 0;
	*addr = cJSON_IsString(a) ? strtoull(a->valuestring, &end, 0) : 0;
	if (!cJSON_IsString(a) || errno != 0 || *end != '\0' || a->valuestring[0] == '\0')
		return fail(rd, key_col(rd, "addr"), "\"addr\" must be an address string like \"0x100000000\"");
	return 0;
}

/* The question this answer to field F is for, or NULL. */
static struct grade_question *
find_question(struct grade_exercise *ex, size_t step, const char *task, const char *region,
              uint64_t addr, bool by_addr, int f)
{
	for (size_t i = 0; i < ex->n; i++) {
		struct grade_question *q = &ex->q[i];

		if (q->step != step || q->field != f || strcmp(q->task, task) != 0)
			continue;
		if (by_addr ? (addr >= q->start && addr < q->end) : strcmp(q->region, region) == 0)
			return q;
	}
	return NULL;
}

/* Grade one answer object O. */
static int
answer_line(struct reader *rd, const cJSON *o)
{
	const char *task = NULL, *region = NULL;
	size_t step = 0;
	uint64_t addr = 0;
	bool by_addr = false;

	if (answer_target(rd, o, &step, &task, &region, &addr, &by_addr) != 0)
		return -1;
	for (const cJSON *c = o->child; c != NULL; c = c->next) {
		struct grade_question *q;
		char v[48], what[200];
		int f;

		if (strcmp(c->string, "step") == 0 || strcmp(c->string, "task") == 0 ||
		    strcmp(c->string, "region") == 0 || strcmp(c->string, "addr") == 0)
			continue;
		if ((f = trace_ask_parse(c->string)) < 0)
			return fail(rd, key_col(rd, c->string), "unknown field '%.40s' (answer fields are "
			            "named as in dump --json: share_mode, ref_count, ...)", c->string);
		if (!value_text(c, v, sizeof v))
			return fail(rd, key_col(rd, c->string), "the answer to '%s' must be a string, a "
			            "whole number or true/false", c->string);
		q = find_question(rd->ex, step, task, region, addr, by_addr, f);
		snprintf(what, sizeof what, "step %zu %.60s %.60s %s: not asked", step, task,
		         by_addr ? "(address)" : region, trace_ask_name(f));
		if (q == NULL || q->answered) {
			extra_add(rd, q == NULL ? what : "answered twice");
			continue;
		}
		q->answered = true;
		q->line = rd->lineno;
		snprintf(q->answer, sizeof q->answer, "%s", v);
		text_sanitize(q->answer, sizeof q->answer, q->answer, false);
		q->right = grade_match(f, v, q->expected);
	}
	return 0;
}

/* Parse and grade the current line (not blank). */
static int
parse_line(struct reader *rd)
{
	const char *end = NULL;
	cJSON *o = cJSON_ParseWithOpts(rd->line, &end, true);
	int rc;

	if (o == NULL) {
		const char *at = cJSON_GetErrorPtr();

		return fail(rd, at != NULL && at >= rd->line ? (unsigned)(at - rd->line) + 1 : 1,
		            "invalid JSON");
	}
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return fail(rd, 1, "an answer must be a JSON object");
	}
	rc = answer_line(rd, o);
	cJSON_Delete(o);
	return rc;
}

/* Read the next line of FP into BUF; 1, 0 at the end, -1 too long. */
static int
read_line(FILE *fp, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, fp) == NULL)
		return 0;
	n = strlen(buf);
	if (n == len - 1 && buf[n - 1] != '\n')
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 1;
}

int
grade_answers(const char *path, struct grade_exercise *ex, struct grade_extra **extra,
              size_t *nextra, struct trace_error *err)
{
	struct reader rd = { .ex = ex, .err = err };
	bool in = strcmp(path, "-") == 0;
	FILE *fp = in ? stdin : fopen(path, "r");
	char *buf = malloc(ANSWER_LINE_LIMIT);
	int rc = 0, got;

	memset(err, 0, sizeof *err);
	text_sanitize(err->file, sizeof err->file, in ? "<stdin>" : path, false);
	for (size_t i = 0; i < ex->n; i++) {
		ex->q[i].answered = ex->q[i].right = false;
		ex->q[i].answer[0] = '\0';
	}
	if (fp == NULL || buf == NULL) {
		snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(fp == NULL ? errno : ENOMEM));
		free(buf);
		return -2;
	}
	while (rc == 0 && (got = read_line(fp, buf, ANSWER_LINE_LIMIT)) != 0) {
		rd.lineno++;
		rd.line = buf;
		if (got < 0)
			rc = fail(&rd, 1, "line too long (limit %d bytes)", ANSWER_LINE_LIMIT - 1);
		else if (strspn(buf, " \t") != strlen(buf))
			rc = parse_line(&rd);
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err->msg, sizeof err->msg, "read error: %s", strerror(errno));
		rc = -2;
	}
	if (!in)
		fclose(fp);
	free(buf);
	*extra = rd.extra;
	*nextra = rd.nextra;
	return rc;
}

/* ---- writing answers ------------------------------------------------------ */

/* Write the answer A to field F: a number or true/false when it reads as
 * one, else a JSON string. */
static void
write_value(FILE *out, int f, const char *a)
{
	bool digits = a[0] != '\0' && strspn(a, "0123456789") == strlen(a) && strlen(a) < 16;

	if (f != TASK_SHARE_MODE && f != TASK_PROT && f != TASK_MAX_PROT &&
	    f != TASK_INHERITANCE && (digits || strcmp(a, "true") == 0 || strcmp(a, "false") == 0))
		fputs(a, out);
	else
		tw_json_fputs(out, a);
}

/* Do questions A and B ask about the same region at the same step? */
static bool
same_target(const struct grade_question *a, const struct grade_question *b)
{
	return a->step == b->step && strcmp(a->task, b->task) == 0 &&
	       strcmp(a->region, b->region) == 0;
}

int
grade_write_answers(const struct grade_exercise *ex, FILE *out)
{
	for (size_t i = 0; i < ex->n;) {
		size_t j = i;
		bool any = false;

		for (; j < ex->n && same_target(&ex->q[i], &ex->q[j]); j++)
			any |= ex->q[j].answered;
		if (any) {
			fprintf(out, "{\"step\": %zu, \"task\": ", ex->q[i].step);
			tw_json_fputs(out, ex->q[i].task);
			fputs(", \"region\": ", out);
			tw_json_fputs(out, ex->q[i].region);
			for (size_t k = i; k < j; k++) {
				if (!ex->q[k].answered)
					continue;
				fprintf(out, ", \"%s\": ", trace_ask_name(ex->q[k].field));
				write_value(out, ex->q[k].field, ex->q[k].answer);
			}
			fputs("}\n", out);
		}
		i = j;
	}
	return ferror(out) ? -1 : 0;
}
