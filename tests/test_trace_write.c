/* SPDX-License-Identifier: MIT */
/*
 * test_trace_write.c -- TAP tests of the trace writer (src/trace/trace_write.c).
 *
 * Round trips: every built-in scenario and a synthetic trace with awkward
 * strings and full observations are written with the writer, loaded again
 * with trace_load_file and compared with the original field by field
 * (strings resolved, line numbers aside).  Also: the JSON escaper, the
 * PATH.tmp + rename protocol (nothing under PATH before close, nothing left
 * after abort), refusals (event before header, extension key without x_),
 * the explicit "have" mask of observed regions, and observations written a
 * region at a time (split into lines as a whole one is, taken back).
 */
#include <stdbool.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/scenarios.h"
#include "tap.h"
#include "trace/outfile.h"
#include "trace/trace.h"
#include "trace/trace_write.h"
#include "vm/vm.h"

static char dir[] = "/tmp/vmscope-tw.XXXXXX";
static char err_buf[512];

/* Compare two strings that may be NULL. */
static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* True when observation regions A (of TA) and B (of TB) are equal. */
static int
same_obs(const struct trace *ta, const struct trace_obs *a, const struct trace *tb,
         const struct trace_obs *b)
{
	if (a->nregions != b->nregions)
		return 0;
	for (uint32_t i = 0; i < a->nregions; i++) {
		const struct trace_obs_region *x = &a->regions[i], *y = &b->regions[i];

		if (x->start != y->start || x->end != y->end || x->prot != y->prot ||
		    x->max_prot != y->max_prot || x->share_mode != y->share_mode ||
		    x->ref_count != y->ref_count || x->pages_resident != y->pages_resident ||
		    x->pages_dirtied != y->pages_dirtied || x->pages_swapped != y->pages_swapped ||
		    x->pages_private != y->pages_private || x->pages_cow != y->pages_cow ||
		    x->pages_shared != y->pages_shared || x->pages_zero != y->pages_zero ||
		    strcmp(trace_str(ta, x->name), trace_str(tb, y->name)) != 0)
			return 0;
	}
	return 1;
}

/* Compare traces A and B; print the first difference.  Returns 1 if equal. */
static int
same_trace(const struct trace *a, const struct trace *b)
{
	if (!same_str(a->title, b->title) || !same_str(a->profile, b->profile) ||
	    a->page_size != b->page_size || a->nheader_tasks != b->nheader_tasks ||
	    a->ntask_names != b->ntask_names || a->nev != b->nev) {
		printf("# header or counts differ (nev %zu vs %zu)\n", a->nev, b->nev);
		return 0;
	}
	for (uint16_t i = 0; i < a->ntask_names; i++)
		if (strcmp(trace_task_name(a, i), trace_task_name(b, i)) != 0) {
			printf("# task %u differs\n", i);
			return 0;
		}
	for (size_t i = 0; i < a->nev; i++) {
		const struct trace_event *x = &a->ev[i], *y = &b->ev[i];

		if (x->op != y->op || x->addr != y->addr || x->size != y->size ||
		    x->offset != y->offset || x->task != y->task || x->task2 != y->task2 ||
		    x->flags != y->flags || x->tag != y->tag || x->prot != y->prot ||
		    x->max_prot != y->max_prot || x->inheritance != y->inheritance ||
		    strcmp(trace_str(a, x->region), trace_str(b, y->region)) != 0 ||
		    strcmp(trace_str(a, x->as), trace_str(b, y->as)) != 0 ||
		    !same_str(trace_event_note(a, x), trace_event_note(b, y)) ||
		    !same_str(trace_event_mark(a, x), trace_event_mark(b, y)) ||
		    trace_event_ask(a, x) != trace_event_ask(b, y) ||
		    !same_str(trace_event_notes(a, x), trace_event_notes(b, y)) ||
		    (x->obs == 0) != (y->obs == 0) ||
		    (x->obs != 0 && !same_obs(a, &a->obs[x->obs - 1], b, &b->obs[y->obs - 1]))) {
			printf("# event %zu (line %u) differs\n", i + 1, x->line);
			return 0;
		}
	}
	return 1;
}

/* Write T to PATH and load it back; NULL (with a diagnostic) on failure. */
static struct trace *
round_trip(const struct trace *t, const char *path)
{
	char err[512];
	struct trace_writer *w = trace_writer_open(path, err, sizeof err);
	struct trace *back = NULL;
	struct trace_error terr;

	if (w == NULL) {
		printf("# open: %s\n", err);
		return NULL;
	}
	if (trace_writer_trace(w, t) != 0) {
		trace_writer_close(w, err, sizeof err);
		printf("# write: %s\n", err);
		return NULL;
	}
	if (trace_writer_close(w, err, sizeof err) != 0) {
		printf("# close: %s\n", err);
		return NULL;
	}
	if (trace_load_file(path, &back, &terr) != 0) {
		trace_error_format(&terr, err, sizeof err);
		printf("# reload: %s\n", err);
		return NULL;
	}
	return back;
}

static const char synthetic[] =
	"{\"vmscope\": 1, \"title\": \"q\\\"uote \\\\ tab\\t nl\\n esc\\u001b del\\u007f \\u00e9\\u4e2d\\ud83d\\ude00\","
	" \"profile\": \"linux\", \"tasks\": [\"p\", \"sp ace\"], \"page_size\": 8192, \"x_junk\": [1]}\n"
	"\n"
	"{\"op\": \"allocate\", \"task\": \"p\", \"size\": \"4p\", \"addr\": \"0x10000\", \"purgeable\": true, \"tag\": 240, \"as\": \"b\\\"uf\", \"mark\": \"m1\", \"note\": \"n\\u0001\"}\n"
	"{\"op\": \"write\", \"task\": \"p\", \"region\": \"b\\\"uf\", \"offset\": \"1p\", \"size\": 4096}\n"
	"{\"op\": \"read\", \"task\": \"p\", \"addr\": \"0x10000\"}\n"
	"{\"op\": \"protect\", \"task\": \"p\", \"region\": \"b\\\"uf\", \"prot\": \"r--\", \"max\": \"r-x\"}\n"
	"{\"op\": \"protect\", \"task\": \"p\", \"addr\": 65536, \"size\": \"0x1000\", \"prot\": \"---\"}\n"
	"{\"op\": \"inherit\", \"task\": \"p\", \"region\": \"b\\\"uf\", \"inheritance\": \"share\"}\n"
	"{\"op\": \"fork\", \"task\": \"p\", \"child\": \"c\", \"ask\": [\"ref_count\", \"share_mode\", \"resident\"], \"notes\": \"say: both report COW\"}\n"
	"{\"op\": \"ool_send\", \"task\": \"p\", \"to\": \"c\", \"region\": \"b\\\"uf\", \"copy\": \"physical\", \"deallocate\": true, \"as\": \"r\"}\n"
	"{\"op\": \"ool_send\", \"task\": \"p\", \"to\": \"sp ace\", \"addr\": \"0x10000\", \"size\": \"1p\", \"copy\": \"virtual\"}\n"
	"{\"op\": \"make_memory_entry\", \"task\": \"p\", \"region\": \"b\\\"uf\", \"as\": \"e\"}\n"
	"{\"op\": \"map_entry\", \"task\": \"c\", \"entry\": \"e\", \"as\": \"em\"}\n"
	"{\"op\": \"release_entry\", \"entry\": \"e\"}\n"
	"{\"op\": \"map_file\", \"task\": \"c\", \"file\": \"/tmp/f\", \"size\": \"2p\", \"offset\": \"0x1000\", \"private\": true, \"as\": \"f\"}\n"
	"{\"op\": \"note\", \"text\": \"just \\\\ text\", \"mark\": \"m2\"}\n"
	"{\"op\": \"observe\", \"task\": \"c\", \"regions\": []}\n"
	"{\"op\": \"observe\", \"task\": \"p\", \"regions\": [{\"start\": \"0x10000\", \"end\": \"0x14000\", \"name\": \"b\\\"uf\","
	" \"prot\": \"rw-\", \"max_prot\": \"rwx\", \"share_mode\": \"COW\", \"ref_count\": 4294967295, \"pages_resident\": 4,"
	" \"pages_dirtied\": 3, \"pages_swapped\": 1, \"pages_private\": 2, \"pages_cow\": 2, \"pages_shared\": 7, \"pages_zero\": 1, \"x_k\": 1},"
	" {\"start\": \"0xffffffffffff0000\", \"end\": \"0xffffffffffff1000\", \"share_mode\": \"S/A\"}]}\n"
	"{\"op\": \"exit\", \"task\": \"c\"}\n";

/* Every built-in scenario, and a synthetic trace with every op and flag,
 * survive a write and a reload. */
static void
test_round_trips(const char *path)
{
	struct trace *t, *back;
	struct trace_error terr;
	char err[512];

	for (const struct scenario_builtin *s = scenario_builtins; s->name != NULL; s++) {
		t = NULL;
		if (trace_load_mem(s->path, s->text, s->len, &t, &terr) != 0) {
			ok(0, "load %s", s->name);
			continue;
		}
		back = round_trip(t, path);
		ok(back != NULL && same_trace(t, back), "round trip: %s", s->name);
		trace_free(back);
		trace_free(t);
	}
	t = NULL;
	if (trace_load_mem("synthetic", synthetic, sizeof synthetic - 1, &t, &terr) != 0) {
		trace_error_format(&terr, err, sizeof err);
		printf("# %s\n", err);
	}
	ok(t != NULL && t->nev == 17, "synthetic trace loads");
	back = t != NULL ? round_trip(t, path) : NULL;
	ok(back != NULL && same_trace(t, back), "round trip: every op and flag, escapes, observations");
	if (back != NULL)
		is_str(back->title, t->title, "title with quotes, controls and non-ASCII survives");
	trace_free(back);
	trace_free(t);
}

/* The JSON string escaper. */
static void
test_escaper(void)
{
	char buf[64];
	size_t pos = 0;

	ok(tw_json_string(buf, sizeof buf, &pos, "a\"b\\c\n\x01\x7f"), "escape fits");
	is_str(buf, "\"a\\\"b\\\\c\\n\\u0001\\u007f\"", "quotes, backslash, newline, controls escaped");
	pos = 0;
	tw_json_string(buf, sizeof buf, &pos, "\xff" "ok\xc3\xa9\xe0\x80\x80\xed\xa0\x80");
	is_str(buf, "\"\\ufffdok\xc3\xa9\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "invalid UTF-8, overlongs and surrogates become U+FFFD");
	pos = 0;
	ok(!tw_json_string(buf, 4, &pos, "toolong") && pos == 0, "escape refuses a small buffer");
}

/* The second line of PATH, into LINE. */
static void
second_line(const char *path, char *line, size_t len)
{
	FILE *fp = fopen(path, "r");

	line[0] = '\0';
	if (fp != NULL) {
		(void)!fgets(line, (int)len, fp);
		(void)!fgets(line, (int)len, fp);
		fclose(fp);
	}
}

/* How many files of DIR start with PREFIX. */
static int
count_files(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d != NULL && (de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	if (d != NULL)
		closedir(d);
	return n;
}

/* The output appears at PATH (DIR/p.jsonl) only on close, written through
 * a private temporary file beside it; nothing after an error or abort. */
static void
test_atomic_output(const char *path)
{
	const char *tasks[] = { "x" };
	struct tw_header h = { .tasks = tasks, .ntasks = 1, .profile = "linux" };
	struct tw_obs_region r = { .start = 0x1000, .end = 0x2000, .have = TOBS_REF_COUNT |
	                           TOBS_RESIDENT | TOBS_SHARE_MODE, .share_mode = SM_EMPTY };
	struct tw_event e = { .op = TOP_OBSERVE, .task = "x", .regions = &r, .nregions = 1 };
	struct tw_ext bad = { .key = "nox", .type = TW_EXT_UINT, .u = 1 };
	struct tw_event eb = { .op = TOP_NOTE, .name = "n", .ext = &bad, .next = 1 };
	struct trace_writer *w = trace_writer_open(path, err_buf, sizeof err_buf);
	char line[512];

	ok(w != NULL && trace_writer_event(w, &e) != 0, "an event before the header is refused");
	trace_writer_abort(w);
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	ok(w != NULL && trace_writer_header(w, &h) == 0 && trace_writer_event(w, &e) == 0,
	   "header and an observation with explicit zeros");
	ok(access(path, F_OK) != 0 && count_files(".p.jsonl.") == 1,
	   "before close only a temporary .p.jsonl.XXXXXX exists");
	ok(trace_writer_close(w, err_buf, sizeof err_buf) == 0 && access(path, F_OK) == 0 &&
	   count_files(".p.jsonl.") == 0, "close renames it onto PATH");
	second_line(path, line, sizeof line);
	is_str(line, "{\"op\": \"observe\", \"task\": \"x\", \"regions\": [{\"start\": \"0x1000\", "
	       "\"end\": \"0x2000\", \"share_mode\": \"SM_EMPTY\", \"ref_count\": 0, "
	       "\"pages_resident\": 0}]}\n", "observed zeros are written when marked present");
	unlink(path);
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	ok(w != NULL && trace_writer_header(w, &h) == 0 && trace_writer_event(w, &eb) != 0,
	   "an extension key without x_ is refused");
	ok(trace_writer_close(w, err_buf, sizeof err_buf) != 0 && access(path, F_OK) != 0 &&
	   count_files(".p.jsonl.") == 0, "close after an error fails and leaves no file");
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	trace_writer_header(w, &h);
	trace_writer_abort(w);
	ok(access(path, F_OK) != 0 && count_files(".p.jsonl.") == 0, "abort leaves no file");
}

/* Count the complete lines of PATH. */
static int
count_lines(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[64];
	int lines = 0;

	while (fp != NULL && fgets(line, sizeof line, fp) != NULL)
		if (strchr(line, '\n') != NULL)
			lines++;
	if (fp != NULL)
		fclose(fp);
	return lines;
}

/* A long observation is split into "more" lines and loads as one step. */
static void
test_long_observation(const char *path)
{
	const char *tasks[] = { "big" };
	struct tw_header h = { .tasks = tasks, .ntasks = 1, .profile = "linux" };
	size_t n = 2 * TW_OBS_CHUNK + 500;
	struct tw_obs_region *r = calloc(n, sizeof *r);
	struct tw_event e = { .op = TOP_OBSERVE, .task = "big", .regions = r, .nregions = n,
	                      .mark = "sample" };
	struct trace *big = NULL;
	struct trace_error big_err;
	struct trace_writer *w;

	for (size_t i = 0; r != NULL && i < n; i++) {
		r[i].start = 0x10000 + i * 0x2000;
		r[i].end = r[i].start + 0x1000;
		r[i].have = TOBS_RESIDENT;
		r[i].pages_resident = (uint32_t)(i % 2);
	}
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	ok(r != NULL && w != NULL && trace_writer_header(w, &h) == 0 &&
	   trace_writer_event(w, &e) == 0 && trace_writer_close(w, err_buf, sizeof err_buf) == 0,
	   "a 2500-region observation is written");
	is_int(count_lines(path), 4, "it takes three observe lines after the header");
	ok(trace_load_file(path, &big, &big_err) == 0, "it loads");
	if (big != NULL && r != NULL) {
		is_int(big->nev, 1, "as one step");
		is_int(big->obs[0].nregions, n, "with every region");
		is_int(big->obs[0].regions[n - 1].start, r[n - 1].start, "in order");
		is_str(trace_event_mark(big, &big->ev[0]), "sample", "the mark is kept once");
	}
	trace_free(big);
	free(r);
	unlink(path);
}

/* Line I (from 1) of PATH into BUF (its newline dropped); false if none. */
static bool
nth_line(const char *path, int i, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	bool got = false;

	while (fp != NULL && i-- > 0 && (got = fgets(buf, (int)len, fp) != NULL))
		;
	if (fp != NULL)
		fclose(fp);
	if (got)
		buf[strcspn(buf, "\n")] = '\0';
	return got;
}

/* How many times NEEDLE occurs in S. */
static int
occurrences(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * An observation written a region at a time (trace_writer_obs_*): no
 * regions; exactly TW_OBS_CHUNK (one line); one more (two lines, the
 * first with "more": true and the event's mark and extensions, the second
 * with neither).  The expected texts are written out here.
 */
static void
test_obs_stream(const char *path)
{
	static char line[400000];
	const char *tasks[] = { "big" };
	struct tw_header h = { .tasks = tasks, .ntasks = 1, .profile = "linux" };
	struct tw_ext ext = { .key = "x_pid", .type = TW_EXT_UINT, .u = 42 };
	struct tw_event e = { .op = TOP_OBSERVE, .task = "big", .mark = "m", .ext = &ext, .next = 1 };
	struct tw_obs_region r = { .start = 0x1000, .end = 0x2000 };
	struct trace_writer *w = trace_writer_open(path, err_buf, sizeof err_buf);
	bool fine = w != NULL && trace_writer_header(w, &h) == 0;

	/* No region. */
	fine = fine && trace_writer_obs_begin(w, &e) == 0 && trace_writer_obs_end(w) == 0;
	/* TW_OBS_CHUNK regions, then TW_OBS_CHUNK + 1. */
	for (size_t n = TW_OBS_CHUNK; n <= TW_OBS_CHUNK + 1; n++) {
		fine = fine && trace_writer_obs_begin(w, &e) == 0;
		for (size_t i = 0; fine && i < n; i++)
			fine = trace_writer_obs_add(w, &r) == 0;
		fine = fine && trace_writer_obs_end(w) == 0;
	}
	ok(fine && trace_writer_obs_add(w, &r) != 0 && trace_writer_close(w, err_buf, sizeof err_buf) != 0,
	   "observations a region at a time; a region outside one is refused");
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	fine = w != NULL && trace_writer_header(w, &h) == 0 &&
	       trace_writer_obs_begin(w, &e) == 0 && trace_writer_obs_end(w) == 0;
	for (size_t n = TW_OBS_CHUNK; n <= TW_OBS_CHUNK + 1; n++) {
		fine = fine && trace_writer_obs_begin(w, &e) == 0;
		for (size_t i = 0; fine && i < n; i++)
			fine = trace_writer_obs_add(w, &r) == 0;
		fine = fine && trace_writer_obs_end(w) == 0;
	}
	ok(fine && trace_writer_close(w, err_buf, sizeof err_buf) == 0, "written again, closed");
	is_int(count_lines(path), 5, "header, 1 + 1 + 2 observe lines");
	ok(nth_line(path, 2, line, sizeof line) &&
	   strcmp(line, "{\"op\": \"observe\", \"task\": \"big\", \"regions\": [], "
	          "\"mark\": \"m\", \"x_pid\": 42}") == 0, "no region: %s", line);
	ok(nth_line(path, 3, line, sizeof line) && occurrences(line, "\"start\"") == TW_OBS_CHUNK &&
	   strstr(line, "\"more\"") == NULL &&
	   strstr(line, "{\"start\": \"0x1000\", \"end\": \"0x2000\"}]") != NULL,
	   "a full line's regions, no \"more\"");
	ok(nth_line(path, 4, line, sizeof line) && occurrences(line, "\"start\"") == TW_OBS_CHUNK &&
	   strstr(line, "}], \"more\": true, \"mark\": \"m\", \"x_pid\": 42}") != NULL,
	   "one more: the first line says more, with the mark and extensions");
	ok(nth_line(path, 5, line, sizeof line) &&
	   strcmp(line, "{\"op\": \"observe\", \"task\": \"big\", \"regions\": [{\"start\": "
	          "\"0x1000\", \"end\": \"0x2000\"}]}") == 0, "then the last region alone: %s", line);
	unlink(path);
}

/* An observation begun and taken back leaves the file as before it. */
static void
test_obs_cancel(const char *path)
{
	const char *tasks[] = { "big" };
	struct tw_header h = { .tasks = tasks, .ntasks = 1, .profile = "linux" };
	struct tw_event note = { .op = TOP_NOTE, .name = "before" };
	struct tw_event after = { .op = TOP_NOTE, .name = "after" };
	struct tw_event e = { .op = TOP_OBSERVE, .task = "big" };
	struct tw_obs_region r = { .start = 0x1000, .end = 0x2000 };
	struct trace_writer *w = trace_writer_open(path, err_buf, sizeof err_buf);
	struct trace *t = NULL;
	struct trace_error terr;
	bool fine = w != NULL && trace_writer_header(w, &h) == 0 &&
	            trace_writer_event(w, &note) == 0 && trace_writer_obs_can_cancel(w);

	if (w != NULL)
		trace_writer_set_line_flush(w, true);
	fine = fine && trace_writer_obs_begin(w, &e) == 0;
	/* Over a megabyte: some of it was handed to the disk early (a big
	 * file goes to the disk as it is written) before it is taken back. */
	for (size_t i = 0; fine && i < 40 * TW_OBS_CHUNK; i++)
		fine = trace_writer_obs_add(w, &r) == 0;
	/* Whole lines are in the file by now. */
	is_int(count_lines(path), 0, "nothing under the name before the close");
	ok(fine && trace_writer_obs_cancel(w) == 0 && trace_writer_event(w, &after) == 0 &&
	   trace_writer_close(w, err_buf, sizeof err_buf) == 0, "an observation taken back");
	is_int(count_lines(path), 3, "the header and the two notes only");
	ok(trace_load_file(path, &t, &terr) == 0 && t->nev == 2 && t->nobs == 0,
	   "the file loads: two steps, no observation");
	trace_free(t);
	unlink(path);
	/* An event inside an observation would break its line; a close with
	 * one open would leave it unended: both refused, nothing written. */
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	fine = w != NULL && trace_writer_header(w, &h) == 0 && trace_writer_obs_begin(w, &e) == 0 &&
	       trace_writer_obs_add(w, &r) == 0;
	ok(fine && trace_writer_event(w, &after) != 0 &&
	   strstr(trace_writer_error(w), "inside an observation") != NULL,
	   "an event inside an observation is refused");
	ok(w != NULL && trace_writer_close(w, err_buf, sizeof err_buf) != 0 && access(path, F_OK) != 0,
	   "its file is not written");
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	ok(w != NULL && trace_writer_header(w, &h) == 0 && trace_writer_obs_begin(w, &e) == 0 &&
	   trace_writer_close(w, err_buf, sizeof err_buf) != 0 && strstr(err_buf, "not ended") != NULL &&
	   access(path, F_OK) != 0, "a close with an observation not ended is refused: %s", err_buf);
	ok(outfile_uses_temp(path) && !outfile_uses_temp("-") && !outfile_uses_temp("/dev/null"),
	   "a file goes through a temporary file; standard output and devices do not");
}

int
main(void)
{
	char path[256];
	struct trace_writer *w;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp failed\n");
		return 1;
	}
	snprintf(path, sizeof path, "%s/t.jsonl", dir);
	test_round_trips(path);
	unlink(path);
	test_escaper();
	snprintf(path, sizeof path, "%s/p.jsonl", dir);
	test_atomic_output(path);
	snprintf(path, sizeof path, "%s/no/such/dir/t.jsonl", dir);
	w = trace_writer_open(path, err_buf, sizeof err_buf);
	ok(w == NULL && strstr(err_buf, "cannot create") != NULL,
	   "open in a missing directory fails: %s", err_buf);
	snprintf(path, sizeof path, "%s/big.jsonl", dir);
	test_long_observation(path);
	snprintf(path, sizeof path, "%s/stream.jsonl", dir);
	test_obs_stream(path);
	test_obs_cancel(path);
	rmdir(dir);
	return tap_done();
}
