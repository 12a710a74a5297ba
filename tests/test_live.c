/* SPDX-License-Identifier: MIT */
/*
 * test_live.c -- a trace that grows while it is shown (vmscope attach):
 * trace_append, replay_extend and the player's live state (TAP).
 *
 * The append path is checked against the loader: a trace built in memory
 * and written out loads back with the same events and observations, and a
 * replay extended step by step reaches the same states and statuses as a
 * replay of the whole trace opened at once.  The player's part uses a fake
 * live source (no /proc): it follows the newest step, stays put and counts
 * new samples once the user has stepped back (the "live: N new samples"
 * mark), follows again on G, pauses on Space and marks an exited process.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace/bigarray.h"
#include "linux/pagefeed.h"
#include "linux/sample.h"

#include "replay/replay.h"
#include "tap.h"
#include "test_util.h"
#include "trace/trace.h"
#include "trace/trace_write.h"
#include "ui/ui_player.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

/* Append an observation of task TASK with N regions named NAME. */
static int
append_obs(struct trace *t, uint16_t task, size_t n, const char *name, const char *mark)
{
	struct trace_obs_region regs[4];
	struct trace_event e;

	memset(regs, 0, sizeof regs);
	for (size_t i = 0; i < n; i++) {
		regs[i].start = 0x10000 * (i + 1);
		regs[i].end = regs[i].start + 0x4000;
		regs[i].name = trace_intern(t, name);
		regs[i].have = TOBS_PROT | TOBS_RESIDENT;
		regs[i].prot = VM_PROT_READ | VM_PROT_WRITE;
		regs[i].pages_resident = (uint32_t)i;
	}
	memset(&e, 0, sizeof e);
	e.op = TOP_OBSERVE;
	e.task = task;
	return trace_append(t, &e, NULL, mark, regs, n);
}

/* Append a note with TEXT. */
static int
append_note(struct trace *t, const char *text)
{
	struct trace_event e;

	memset(&e, 0, sizeof e);
	e.op = TOP_NOTE;
	e.region = trace_intern(t, text);
	return trace_append(t, &e, NULL, NULL, NULL, 0);
}

/* Observations appended to an empty in-memory trace. */
static void
test_append_observe(void)
{
	const char *tasks[] = { "redis", "bgsave" };
	struct trace *t = trace_new("live", "a title", "linux", 4096, tasks, 2);
	struct replay *r;
	const struct trace_event *ev;

	ok(t != NULL, "trace_new: made a trace");
	is_int(t->nev, 0, "trace_new: no events");
	is_int(t->ntask_names, 2, "trace_new: two tasks");
	is_int(t->nheader_tasks, 2, "trace_new: both are header tasks");
	is_str(trace_task_name(t, 1), "bgsave", "trace_new: task 1 is named");
	r = open_replay(t, NULL, 0);
	is_int(replay_nsteps(r), 0, "empty: no steps");

	is_int(append_obs(t, 0, 2, "[heap]", "sample 1"), 0, "append: an observation");
	is_int(replay_nsteps(r), 0, "append: the replay does not see it before extending");
	is_int(replay_extend(r), 1, "extend: one new step");
	is_int(replay_nsteps(r), 1, "extend: one step");
	is_int(replay_pos(r), 0, "extend: the position stays");
	is_int(replay_status(r, 1), KERN_SUCCESS, "extend: the observe step succeeded");
	ev = replay_event(r, 1);
	ok(ev != NULL && ev->op == TOP_OBSERVE && ev->task == 0 && ev->obs == 1,
	   "extend: step 1 is the observation of task 0");
	is_int(t->obs[0].nregions, 2, "append: both regions kept");
	is_str(trace_str(t, t->obs[0].regions[1].name), "[heap]", "append: region names interned");
	is_int(t->obs[0].regions[1].pages_resident, 1, "append: region fields copied");
	is_str(trace_event_mark(t, ev), "sample 1", "append: the mark is kept");
	ok(trace_event_note(t, ev) == NULL, "append: no note");

	is_int(append_obs(t, 1, 1, "[stack]", NULL), 0, "append: task 1");
	is_int(append_note(t, "process 7 (bgsave) exited"), 0, "append: a note");
	{
		struct trace_event bad;

		memset(&bad, 0, sizeof bad);
		bad.op = TOP_OBSERVE;
		bad.task = 2;
		is_int(trace_append(t, &bad, NULL, NULL, NULL, 0), -1, "append: unknown task refused");
		is_int(t->nev, 3, "append: a refused event is not added");
	}
	is_int(replay_extend(r), 2, "extend: two new steps");
	is_int(replay_extend(r), 0, "extend again: nothing new");
	is_int(replay_nsteps(r), 3, "extend: three steps");
	is_int(replay_seek(r, 3), 0, "seek to the new last step");
	is_int(replay_event(r, 3)->op, TOP_NOTE, "step 3 is the note");
	is_str(trace_str(t, replay_event(r, 3)->region), "process 7 (bgsave) exited",
	       "the note's text");
	is_int(replay_nfailed(r), 0, "no failed steps");
	ok(replay_task(r, 1) >= 0, "the header tasks exist in the model");

	/* Written out and loaded back: the same trace. */
	{
		char path[] = "/tmp/vmscope-test-live-XXXXXX", err[256];
		int fd = mkstemp(path);
		struct trace_writer *w = fd >= 0 ? trace_writer_open(path, err, sizeof err) : NULL;
		struct trace *back = NULL;
		struct trace_error terr;

		if (fd >= 0)
			close(fd);
		ok(w != NULL && trace_writer_trace(w, t) == 0 &&
		   trace_writer_close(w, err, sizeof err) == 0, "round trip: written");
		ok(trace_load_file(path, &back, &terr) == 0, "round trip: loads");
		if (back != NULL) {
			is_int(back->nev, t->nev, "round trip: same events");
			is_int(back->nobs, t->nobs, "round trip: same observations");
			is_int(back->obs[1].nregions, 1, "round trip: regions");
			is_str(trace_str(back, back->obs[1].regions[0].name), "[stack]",
			       "round trip: region name");
			is_str(trace_event_mark(back, &back->ev[0]), "sample 1", "round trip: mark");
			is_str(back->title, "a title", "round trip: title");
		}
		trace_free(back);
		unlink(path);
	}
	replay_free(r);
	trace_free(t);
}

/* An observation whose regions the trace takes over (vmscope attach: a
 * sample of thousands of mappings is not copied). */
static void
test_append_take(void)
{
	const char *tasks[] = { "a" };
	struct trace *t = trace_new("take", NULL, "linux", 4096, tasks, 1);
	struct trace_event take, bad;
	struct trace_obs_region *own = calloc(3, sizeof *own);
	struct trace_obs_region *refused = calloc(1, sizeof *refused);

	memset(&take, 0, sizeof take);
	take.op = TOP_OBSERVE;
	for (int i = 0; own != NULL && i < 3; i++) {
		own[i].start = 0x100000u * (unsigned)(i + 1);
		own[i].end = own[i].start + 0x1000;
	}
	ok(t != NULL && own != NULL && trace_append_take(t, &take, NULL, "s", own, 3) == 0 &&
	   t->nobs == 1 && t->obs[0].regions == own && t->obs[0].nregions == 3,
	   "append_take: the regions become the trace's, not copied");
	is_str(t != NULL ? trace_event_mark(t, &t->ev[0]) : NULL, "s", "append_take: with its mark");
	/* Refused, the array is freed all the same (valgrind and ASan would
	 * see a leak otherwise). */
	bad = take;
	bad.op = TOP_NOTE;
	ok(t != NULL && trace_append_take(t, &bad, NULL, NULL, refused, 1) == -1 && t->nev == 1,
	   "append_take: not an observation: refused, nothing added");
	trace_free(t);
}

/* Growable arrays of many records keep their contents from malloc's
 * sizes to 2 MiB mappings and on. */
static void
test_big_array(void)
{
	uint32_t *a = NULL;
	size_t bytes = 0, n = 0;
	bool kept = true, mapped = false;

	for (size_t want = 1; want <= (size_t)3 << 18; want = want * 3 / 2 + 1) {
		uint32_t *na = big_array_grow(a, &bytes, want * sizeof *a);

		if (na == NULL) {
			kept = false;
			break;
		}
		a = na;
		for (size_t i = 0; i < n; i++)
			kept = kept && a[i] == (uint32_t)(i * 2654435761u);
		for (; n < want; n++)
			a[n] = (uint32_t)(n * 2654435761u);
		mapped = mapped || bytes >= BIG_ARRAY_MIN;
		kept = kept && bytes >= want * sizeof *a &&
		       (bytes <= BIG_ARRAY_FROM || bytes % BIG_ARRAY_MIN == 0);
	}
	ok(kept && mapped, "big arrays: contents kept while growing to %zu bytes", bytes);
	big_array_free(a, bytes);
}

static const char base_trace[] =
	"{\"vmscope\":1,\"profile\":\"xnu-x86_64\",\"tasks\":[\"a\"]}\n"
	"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"4p\",\"as\":\"buf\"}\n";

/* Events that change the model, appended: the same statuses and states as
 * a replay of the whole trace opened at once. */
static void
test_extend_model_events(void)
{
	struct trace *t = load(base_trace);
	struct trace *whole = load(
		"{\"vmscope\":1,\"profile\":\"xnu-x86_64\",\"tasks\":[\"a\"]}\n"
		"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"4p\",\"as\":\"buf\"}\n"
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"buf\",\"size\":\"2p\"}\n"
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"nope\"}\n"
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"buf\",\"offset\":\"3p\",\"size\":\"1p\"}\n");
	struct replay *r = open_replay(t, NULL, 2), *rw = open_replay(whole, NULL, 2);
	struct trace_event e;
	char d1[2048], d2[2048];
	bool same = true;

	replay_seek(r, 0);
	memset(&e, 0, sizeof e);
	e.op = TOP_WRITE;
	e.task = 0;
	e.region = trace_intern(t, "buf");
	e.size = 2;
	e.flags = TEF_SIZE | TEF_SIZE_PAGES;
	ok(trace_append(t, &e, NULL, NULL, NULL, 0) == 0, "model events: write appended");
	e.region = trace_intern(t, "nope");
	e.flags = 0;
	e.size = 0;
	ok(trace_append(t, &e, NULL, NULL, NULL, 0) == 0, "model events: bad write appended");
	is_int(replay_extend(r), 2, "model events: two new steps");
	is_int(replay_pos(r), 0, "model events: the position stays at 0");
	e.region = trace_intern(t, "buf");
	e.offset = 3;
	e.size = 1;
	e.flags = TEF_OFFSET | TEF_OFFSET_PAGES | TEF_SIZE | TEF_SIZE_PAGES;
	ok(trace_append(t, &e, NULL, NULL, NULL, 0) == 0, "model events: third write appended");
	replay_seek(r, 2);
	is_int(replay_extend(r), 1, "model events: one more step");
	is_int(replay_pos(r), 2, "model events: the position stays at 2");
	is_int(replay_nsteps(r), replay_nsteps(rw), "model events: as many steps as the whole");
	is_int(replay_nfailed(r), 1, "model events: one failed step");
	is_int(replay_status(r, 3), KERN_INVALID_NAME, "model events: the bad write failed");
	for (size_t k = replay_nsteps(r) + 1; k-- > 0;) {
		replay_seek(r, k);
		replay_seek(rw, k);
		digest(r, d1, sizeof d1);
		digest(rw, d2, sizeof d2);
		same = same && strcmp(d1, d2) == 0 && replay_status(r, k) == replay_status(rw, k);
	}
	ok(same, "model events: every state equals the whole trace's (seeking backwards)");
	replay_seek(r, 4);
	{
		struct vm_region_info ri;

		memset(&ri, 0, sizeof ri);
		vm_region_get(replay_world(r), 0, 0, &ri);
		is_int(ri.pages_resident, 3, "model events: three pages resident at the end");
	}
	replay_free(r);
	replay_free(rw);
	trace_free(t);
	trace_free(whole);
}

/* A fake live source: each call appends one observation per task. */
struct fake {
	struct trace *t;
	size_t calls;
	bool stop_task1;     /* say task 1 exited */
};

static void
fake_sample(void *ctx, struct ui_live_sample *out)
{
	struct fake *f = ctx;
	char mark[32];

	f->calls++;
	snprintf(mark, sizeof mark, "sample %zu", f->calls + 1);
	append_obs(f->t, 0, 3, "[stack]", mark);
	if (!f->stop_task1) {
		append_obs(f->t, 1, 1, "[heap]", NULL);
	} else {
		out->stopped[1] = true;
		append_note(f->t, "process 2 (b) exited after 3 samples");
		snprintf(out->msg, sizeof out->msg, "process 2 (b) exited after 3 samples; "
		         "sampling it stops");
	}
	out->nsamples = 1;
	out->cost_ms = 1.5;
}

/* The text of row Y of G. */
static const char *
row(const struct ui_grid *g, int y)
{
	static char buf[1024];

	ui_grid_row_text(g, y, buf, sizeof buf);
	return buf;
}

/* Whether any row of G contains S. */
static bool
screen_has(const struct ui_grid *g, const char *s)
{
	for (int y = 0; y < g->rows; y++)
		if (strstr(row(g, y), s) != NULL)
			return true;
	return false;
}

/* The player's live state over a growing trace. */
static void
test_player_live(void)
{
	const char *tasks[] = { "a", "b" };
	struct fake f = { trace_new("live", "attach test", "linux", 4096, tasks, 2), 0, false };
	struct ui_live live = { .ctx = &f, .sample = fake_sample, .interval_ms = 100,
	                        .pids = "1,2", .first_cost_ms = 2.0 };
	struct ui_input key = { 0, 0, 0 };
	struct ui_opts o;
	struct ui_grid g;
	struct replay *r;
	struct ui u;

	append_obs(f.t, 0, 3, "[stack]", "sample 1");
	append_obs(f.t, 1, 1, "[heap]", NULL);
	r = open_replay(f.t, NULL, 0);
	ui_opts_default(&o);
	o.ascii = true;
	o.animate = false;
	o.view = UI_VIEW_OBSERVED;
	o.live = &live;
	if (ui_state_init(&u, r, &o) != 0 || ui_grid_init(&g, 100, 30, true) != 0) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	ui_state_goto(&u, replay_nsteps(r), false);
	ok(u.live_follow, "live: follows at the start");
	is_int(ui_state_live_wait(&u, u.live_next - 40), 40, "live: waits until the sample is due");
	is_int(ui_state_live_wait(&u, u.live_next), 0, "live: due");
	ui_state_live_sample(&u, 1000);
	is_int(replay_nsteps(r), 4, "live: a sample appended two steps");
	is_int(replay_pos(r), 4, "live: following, at the newest step");
	is_int(u.live_next, 1100, "live: the next sample is an interval later");
	ui_draw(&u, &g);
	ok(strstr(row(&g, 0), "live 1,2 | 100 ms | 1.50 ms | step 4/4 | observed") != NULL,
	   "live: title has live, pids, interval, cost, step, view");
	ok(screen_has(&g, "obs@4: 1 region"), "live: the right pane shows the newest observation");

	key.key = ',';
	ui_handle(&u, &key);
	ui_state_live_input(&u);
	ok(!u.live_follow, "live: stepping back stops following");
	ui_state_live_sample(&u, 1100);
	ui_state_live_sample(&u, 1200);
	is_int(replay_nsteps(r), 8, "live: samples keep coming");
	is_int(replay_pos(r), 3, "live: the position stays where the user is");
	ui_draw(&u, &g);
	ok(screen_has(&g, "live: 2 new samples (G follows)"), "live: the new-samples mark");

	key.key = 'G';
	ui_handle(&u, &key);
	ui_state_live_input(&u);
	ok(u.live_follow && replay_pos(r) == 8, "live: G goes to the newest and follows");
	ui_draw(&u, &g);
	ok(!screen_has(&g, "new sample"), "live: the mark is gone");

	key.key = ' ';
	ui_handle(&u, &key);
	ok(u.live_paused, "live: Space pauses sampling");
	is_int(ui_state_live_wait(&u, 0), -1, "live: paused, no sample is due");
	ok(!u.playing, "live: Space does not start playback");
	ui_handle(&u, &key);
	ok(!u.live_paused && ui_state_live_wait(&u, 5000) == 0,
	   "live: Space resumes with a sample at once");

	f.stop_task1 = true;
	ui_state_live_sample(&u, 5000);
	ok(u.live_stopped[1], "live: the exited process is marked");
	is_int(replay_event(r, replay_pos(r))->op, TOP_NOTE, "live: following, at the exit note");
	ui_draw(&u, &g);
	ok(screen_has(&g, "b (exited)"), "live: the pane title says exited");
	ok(screen_has(&g, "process 2 (b) exited after 3 samples"), "live: the exit is told");
	ok(strstr(row(&g, 0), "sampling") != NULL, "live: the rest is still sampled");

	ui_grid_free(&g);
	ui_state_free(&u);
	replay_free(r);
	trace_free(f.t);
}

/* A trace still loading: a loader over a trace_stream, PER events a call. */
struct fake_loader {
	struct trace_stream *s;
	size_t per, calls;
};

static int
fake_more(void *ctx, double *fraction, char *msg, size_t msglen)
{
	struct fake_loader *fl = ctx;
	int rc = trace_stream_load(fl->s, trace_stream_trace(fl->s)->nev + fl->per);

	fl->calls++;
	*fraction = trace_stream_fraction(fl->s);
	if (rc < 0)
		trace_error_format(trace_stream_error(fl->s), msg, msglen);
	return rc;
}

/* Write the trace of the loading test to PATH: two tasks, 40 writes, a
 * fork of a third task "c" (a name the first part never sees), its write,
 * and BAD: a bad line at the end. */
static void
loading_trace(const char *path, bool bad)
{
	FILE *f = fopen(path, "w");

	fprintf(f, "{\"vmscope\":1,\"profile\":\"linux\",\"tasks\":[\"a\",\"b\"]}\n"
	        "{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"4p\",\"as\":\"buf\"}\n");
	for (int i = 0; i < 40; i++)
		fprintf(f, "{\"op\":\"write\",\"task\":\"a\",\"region\":\"buf\",\"size\":\"1p\"}\n");
	fprintf(f, "{\"op\":\"fork\",\"task\":\"a\",\"child\":\"c\"}\n"
	        "{\"op\":\"write\",\"task\":\"c\",\"region\":\"buf\",\"size\":\"1p\"}\n");
	if (bad)
		fprintf(f, "{\"op\":\"write\",\"task\":\"c\",\"region\":\"buf\",\"size\":\"-1p\"}\n");
	fclose(f);
}

/* Open the player over PATH loading PER events at a time. */
static void
loading_open(const char *path, struct fake_loader *fl, struct ui_loader *ld, struct ui *u,
             struct replay **r)
{
	struct trace_error err;
	struct ui_opts o;

	if (trace_stream_open(path, &fl->s, &err) != 0 || trace_stream_load(fl->s, 5) != 1) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	*r = open_replay(trace_stream_trace(fl->s), NULL, 0);
	*ld = (struct ui_loader){ .ctx = fl, .more = fake_more };
	ui_opts_default(&o);
	o.ascii = true;
	o.animate = false;
	o.loader = ld;
	if (ui_state_init(u, *r, &o) != 0 || ui_state_goto(u, 3, false) != 0) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
}

/* The player over a trace still loading: the steps loaded so far with "+",
 * the rest taken in between keys, a task met late gets its pane. */
static void
test_player_loading(void)
{
	char path[] = "/tmp/vmscope-test-part-XXXXXX";
	struct fake_loader fl = { NULL, 16, 0 };
	struct ui_loader ld;
	struct ui_input key = { 0, 0, 0 };
	struct ui_grid g;
	struct replay *r;
	struct ui u;
	int fd = mkstemp(path), guard = 0;

	close(fd);
	loading_trace(path, false);
	loading_open(path, &fl, &ld, &u, &r);
	ui_grid_init(&g, 100, 30, true);
	ui_draw(&u, &g);
	ok(strstr(row(&g, 0), "step 3/5+ | loading ") != NULL,
	   "loading: the title says the steps so far, + and loading");
	is_int(u.ntasks, 2, "loading: two tasks known at first");
	key.key = 'a';
	ui_handle(&u, &key);
	ok(strstr(u.msg, "quiz waits until the trace is loaded") != NULL && !u.quiz.on,
	   "loading: the quiz waits for the whole trace");
	key.key = 'p';
	ui_handle(&u, &key);
	ok(strstr(u.msg, "compare waits until the trace is loaded") != NULL && u.cmp == NULL,
	   "loading: profile compare waits for the whole trace");
	while (u.load_state == 1 && guard++ < 100)
		ui_state_load_more(&u);
	is_int(fl.calls, 3, "loading: the rest came in three parts of 16");
	is_int(u.load_state, 0, "loading: done");
	is_int(replay_pos(r), 3, "loading: the shown step stays");
	is_int(u.ntasks, 3, "loading: the forked task is known");
	key.key = 'G';
	ui_handle(&u, &key);
	ui_draw(&u, &g);
	ok(strstr(row(&g, 0), "step 43/43 |") != NULL && strstr(row(&g, 0), "| loading") == NULL,
	   "loading: done, the exact count and no loading");
	ok(screen_has(&g, " c ") || screen_has(&g, "c  1 region"), "loading: the child's pane");
	ui_grid_free(&g);
	ui_state_free(&u);
	replay_free(r);
	trace_free(trace_stream_trace(fl.s));
	trace_stream_close(fl.s);

	/* A bad line: the load stops there, the steps before it stay. */
	loading_trace(path, true);
	fl = (struct fake_loader){ NULL, 16, 0 };
	loading_open(path, &fl, &ld, &u, &r);
	ui_grid_init(&g, 100, 30, true);
	for (guard = 0; u.load_state == 1 && guard < 100; guard++)
		ui_state_load_more(&u);
	is_int(u.load_state, -1, "bad line: the load failed");
	is_int(replay_nsteps(r), 43, "bad line: the 43 steps before it stay");
	ui_draw(&u, &g);
	ok(strstr(row(&g, 0), "load failed") != NULL, "bad line: the title says so");
	ok(screen_has(&g, ":45:") && screen_has(&g, "load stopped:"),
	   "bad line: the message names line 45");
	ok(strstr(u.load_err, path) != NULL && strstr(u.load_err, ":45:") != NULL,
	   "bad line: FILE:LINE:COL kept for the exit");
	ui_grid_free(&g);
	ui_state_free(&u);
	replay_free(r);
	trace_free(trace_stream_trace(fl.s));
	trace_stream_close(fl.s);
	unlink(path);
}

/*
 * pagemap reads that come back short (the process unmapped or exited
 * while it was read; forced here by VMSCOPE_FAULT_PAGEMAP_SHORT): what
 * pagemap did not give must read as "no pages", never as stale buffer
 * contents -- valgrind, in CI, reports any uninitialised read -- and the
 * mappings it fully gave keep their pages.
 */
static void
test_pagemap_short_read(void)
{
	struct pm_sampler *pm;
	struct pm_snap snap = { 0 };
	char err[256], *p;
	size_t with = 0, whole = 0;
	int rc;

	p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		ok(0, "pagemap short read: mmap");
		return;
	}
	if (access("/proc/self/pagemap", R_OK) != 0) {
		tap_skip("pagemap read in short pieces", "/proc/self/pagemap is not readable");
		munmap(p, 64 * 4096);
		return;
	}
	memset(p, 1, 64 * 4096);
	setenv("VMSCOPE_FAULT_PAGEMAP_SHORT", "64", 1);   /* 8 entries per read */
	pm = pm_sampler_new();
	unsetenv("VMSCOPE_FAULT_PAGEMAP_SHORT");
	rc = pm != NULL ? pm_read_smaps(pm, (int)getpid(), &snap, err, sizeof err) : -1;
	if (rc == PM_OK)
		rc = pm_read_pages(pm, (int)getpid(), &snap, NULL, err, sizeof err);
	ok(rc == PM_OK, "pagemap read in short pieces: no error");
	for (size_t k = 0; rc == PM_OK && k < snap.n; k++) {
		if (snap.v[k].start <= (uintptr_t)p && (uintptr_t)p < snap.v[k].end)
			ok(snap.v[k].pages == NULL, "a 64-page mapping read short has no pages");
		with += snap.v[k].pages != NULL;
		whole += snap.v[k].pages != NULL && snap.v[k].end - snap.v[k].start <= 8 * 4096;
	}
	is_int(with, whole, "only mappings pagemap gave in full have pages");
	pm_snap_free(&snap);
	pm_sampler_free(pm);
	munmap(p, 64 * 4096);
}

/* Does SNAP hold [A, A+LEN) with protection PROT and path ending in TAIL? */
static bool
snap_has(const struct pm_snap *snap, const char *a, size_t len, int prot, const char *tail)
{
	for (size_t k = 0; k < snap->n; k++) {
		const struct pm_vma *v = &snap->v[k];
		size_t pl = strlen(v->path), tl = strlen(tail);

		if (v->start == (uintptr_t)a && v->end == (uintptr_t)a + len)
			return v->prot == prot && pl >= tl && strcmp(v->path + pl - tl, tail) == 0;
	}
	return false;
}

/*
 * smaps longer than the sampler's read buffer: 600 mappings of alternating
 * protections (none merge), every third one a file with a long name, so
 * that lines and paths straddle reads.  smaps lists each with its path,
 * equal paths and VmFlags kept once; pagemap read by the thread the parse
 * feeds gives the letters a direct read gives (test_feed).
 */
/* What the smaps progress hook saw (test_smaps_many). */
static struct {
	size_t calls, last, bad;
	uint64_t start[1 << 16], end[1 << 16], rss[1 << 16];
	uint32_t text[1 << 16];      /* a hash of the path and VmFlags */
} seen;

/* A hash of mapping V's path and VmFlags. */
static uint32_t
text_hash(const struct pm_vma *v)
{
	uint32_t h = 2166136261u;

	for (const char *p = v->path; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = v->vmflags; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* The progress hook: remember the mappings it is told are whole. */
static void
seen_progress(void *arg, struct pm_snap *snap, size_t n)
{
	(void)arg;
	seen.calls++;
	if (n < seen.last || n > snap->n)
		seen.bad++;
	pm_snap_resolve(snap, seen.last, n);
	for (size_t k = seen.last; k < n && k < (1u << 16); k++) {
		seen.start[k] = snap->v[k].start;
		seen.end[k] = snap->v[k].end;
		seen.rss[k] = snap->v[k].rss;
		seen.text[k] = text_hash(&snap->v[k]);
	}
	if (n > seen.last)
		seen.last = n;
}

/* Are A's and B's mappings of [LO, HI) the same, field by field? */
static bool
same_own(const struct pm_snap *a, const struct pm_snap *b, uintptr_t lo, uintptr_t hi)
{
	size_t j = 0, n = 0;

	for (size_t k = 0; k < a->n; k++) {
		const struct pm_vma *v = &a->v[k], *w;

		if (v->start < lo || v->start >= hi)
			continue;
		while (j < b->n && b->v[j].start < v->start)
			j++;
		if (j == b->n)
			return false;
		w = &b->v[j];
		if (w->start != v->start || w->end != v->end || w->prot != v->prot ||
		    w->max_prot != v->max_prot || w->rss != v->rss || w->anon != v->anon ||
		    w->private_dirty != v->private_dirty || strcmp(w->path, v->path) != 0 ||
		    strcmp(w->vmflags, v->vmflags) != 0 || strcmp(w->perms, v->perms) != 0)
			return false;
		n++;
	}
	return n > 0;
}

/* Has V, a mapping taken from a feed, the pages DIRECT (read for its own
 * list) has for it?  Yes for one outside [LO, HI), not the test's. */
static bool
same_pages(const struct pm_vma *v, const struct pm_snap *direct, uintptr_t lo, uintptr_t hi)
{
	size_t a = 0, b = direct->n;

	if (v->start < lo || v->start >= hi)
		return true;
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (direct->v[m].start < v->start)
			a = m + 1;
		else
			b = m;
	}
	return a < direct->n && direct->v[a].start == v->start &&
	       v->pg_present == direct->v[a].pg_present && v->pages != NULL &&
	       direct->v[a].pages != NULL && strcmp(v->pages, direct->v[a].pages) == 0;
}

/*
 * The pagemap thread fed by the smaps parse (pagefeed.h): SM's mappings
 * pushed a hundred at a time, as the parse's progress hook would, and
 * taken as soon as read; every one is read, with the pages of a direct
 * read (DIRECT) for the test's mappings in [LO, HI).  A feed for a
 * process that is gone ends saying so, with nothing to take.
 */
static void
test_feed(struct pm_sampler *pm, struct pm_snap *sm, const struct pm_snap *direct, uintptr_t lo,
          uintptr_t hi)
{
	struct pm_feed *f = pm_feed_new();
	size_t taken = 0, early = 0, differ = 0;
	char err[256];
	double ms;
	pid_t dead;
	int rc;

	if (f == NULL || !pm_feed_begin(f, pm, (int)getpid())) {
		ok(0, "feed: a thread started");
		pm_feed_free(f);
		return;
	}
	ok(!pm_feed_has(f, 0), "feed: nothing read before anything is pushed");
	/* A batch is read while the parse goes on: the first 400 are read
	 * before the end (waited for, up to 10 s). */
	pm_feed_push(f, sm, sm->n < 400 ? sm->n : 400);
	for (int i = 0; i < 10000 && !pm_feed_has(f, 0); i++)
		usleep(1000);
	/* Each mapping's letters are looked at as soon as it is taken: they
	 * may be reused once a later batch is taken (pagefeed.h). */
	for (size_t n = 0; n < sm->n;) {
		n = n + 100 < sm->n ? n + 100 : sm->n;
		pm_feed_push(f, sm, n);
		for (; taken < n && pm_feed_take(f, &sm->v[taken], taken); taken++)
			differ += !same_pages(&sm->v[taken], direct, lo, hi);
	}
	early = taken;
	rc = pm_feed_end(f, &ms, err, sizeof err);
	for (; taken < sm->n && pm_feed_take(f, &sm->v[taken], taken); taken++)
		differ += !same_pages(&sm->v[taken], direct, lo, hi);
	ok(early > 0, "feed: mappings read while more are pushed (%zu)", early);
	ok(rc == PM_OK && taken == sm->n, "feed: every one of %zu mappings read", sm->n);
	ok(differ == 0, "feed: the same pages as a read for smaps' own list (%zu differ)", differ);
	if ((dead = fork()) == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	rc = pm_feed_begin(f, pm, (int)dead) ? PM_OK : PM_ERR;
	pm_feed_push(f, sm, sm->n);
	if (rc == PM_OK)
		rc = pm_feed_end(f, &ms, err, sizeof err);
	ok(rc == PM_GONE && !pm_feed_take(f, &sm->v[0], 0),
	   "feed: a process gone ends the feed, nothing read (%s)", err);
	pm_feed_free(f);
}

static void
test_smaps_many(void)
{
	enum { N = 600 };
	char path[] = "/tmp/vmscope-test-a-rather-long-file-name-so-that-smaps-lines-"
	              "get-long-enough-to-straddle-the-read-buffer-XXXXXX";
	struct pm_snap sm = { 0 }, direct = { 0 }, one = { 0 };
	struct pm_sampler *pm = pm_sampler_new();
	char err[256], *base;
	bool all = true;
	bool merge = false;
	int fd = mkstemp(path), rc;

	base = mmap(NULL, 2 * N * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || ftruncate(fd, 4096) != 0 || base == MAP_FAILED || pm == NULL) {
		ok(0, "many mappings: set up");
		return;
	}
	for (int i = 0; i < N; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		char *p = mmap(base + (size_t)i * 8192, 4096, prot, MAP_PRIVATE | MAP_FIXED |
		               (i % 3 ? MAP_ANONYMOUS : 0), i % 3 ? -1 : fd, 0);

		if (p != MAP_FAILED && (prot & PROT_WRITE))
			p[0] = 1;
	}
#ifdef MADV_MERGEABLE
	/* Mapping 1, anonymous (EINVAL without CONFIG_KSM). */
	merge = madvise(base + 8192, 4096, MADV_MERGEABLE) == 0;
#endif
	rc = pm_read_smaps(pm, (int)getpid(), &sm, err, sizeof err);
	ok(rc == PM_OK && sm.len > 4 * 131072, "many mappings: smaps read (%zu bytes)", sm.len);
	/* Read on a thread of its own (more than one CPU) or not: the same. */
	setenv("VMSCOPE_PM_ONE_THREAD", "1", 1);
	rc = pm_read_smaps(pm, (int)getpid(), &one, err, sizeof err);
	unsetenv("VMSCOPE_PM_ONE_THREAD");
	ok(rc == PM_OK && same_own(&sm, &one, (uintptr_t)base, (uintptr_t)base + 2 * N * 4096),
	   "many mappings: one thread reads the same as %ld CPUs", sysconf(_SC_NPROCESSORS_ONLN));
	/* The progress hook: told of whole mappings only, in order. */
	one.progress = seen_progress;
	rc = pm_read_smaps(pm, (int)getpid(), &one, err, sizeof err);
	one.progress = NULL;
	{
		bool same_seen = seen.calls > 1 && seen.bad == 0 && seen.last < one.n;

		for (size_t k = 0; same_seen && k < seen.last && k < (1u << 16); k++)
			same_seen = seen.start[k] == one.v[k].start && seen.end[k] == one.v[k].end &&
			            seen.rss[k] == one.v[k].rss && seen.text[k] == text_hash(&one.v[k]);
		ok(rc == PM_OK && same_seen, "many mappings: the progress hook saw %zu of %zu mappings "
		   "whole, in %zu calls", seen.last, one.n, seen.calls);
	}
	for (size_t k = 0; merge && k < sm.n; k++) {
		if (sm.v[k].start == (uintptr_t)base + 8192)
			ok(sm.v[k].mergeable, "many mappings: MADV_MERGEABLE read from VmFlags mg");
		if (sm.v[k].start == (uintptr_t)base + 2 * 8192)
			ok(!sm.v[k].mergeable, "many mappings: the others are not mergeable");
	}
	if (!merge)
		tap_skip("many mappings: MADV_MERGEABLE read from VmFlags mg", "no KSM in this kernel");
	for (int i = 0; i < N; i++) {
		int prot = VM_PROT_READ | (i % 2 ? 0 : VM_PROT_WRITE);
		const char *tail = i % 3 ? "" : path + strlen(path) - 6;

		all = all && snap_has(&sm, base + (size_t)i * 8192, 4096, prot, tail);
	}
	ok(all, "many mappings: each one listed, with its protection and path");
	/* Their paths and VmFlags repeat from neighbour to neighbour: kept
	 * once each, not once per mapping (some 60 bytes a mapping). */
	ok(sm.paths_len < 8 * sm.n, "many mappings: equal paths and VmFlags kept once (%zu bytes "
	   "for %zu mappings)", sm.paths_len, sm.n);
	pm_read_smaps(pm, (int)getpid(), &direct, err, sizeof err);
	pm_read_pages(pm, (int)getpid(), &direct, NULL, err, sizeof err);
	test_feed(pm, &sm, &direct, (uintptr_t)base, (uintptr_t)base + 2 * N * 4096);
	pm_snap_free(&sm);
	pm_snap_free(&direct);
	pm_snap_free(&one);
	pm_sampler_free(pm);
	munmap(base, 2 * N * 4096);
	close(fd);
	unlink(path);
}

/*
 * Profile compare pairs the rows of the two panes in one sorted walk; it
 * must pair them as looking each row up does (by name and ordinal among
 * rows of that name, unnamed rows by start): a trace with clipped regions
 * (several rows of one name), unnamed regions and regions only one profile
 * has (gnumach merges what xnu keeps apart).
 */
static void
test_compare_pairing(void)
{
	char text[16384];
	size_t len = 0;
	struct trace *t;
	struct replay *r;
	struct ui_opts o;
	struct ui u;
	bool same = true;
	size_t checked = 0;

	len += (size_t)snprintf(text + len, sizeof text - len,
	                        "{\"vmscope\":1,\"profile\":\"xnu-x86_64\",\"tasks\":[\"p\",\"q\"]}\n"
	                        "{\"op\":\"allocate\",\"task\":\"q\",\"size\":\"1p\",\"tag\":250,\"as\":\"qa\"}\n"
	                        "{\"op\":\"allocate\",\"task\":\"q\",\"size\":\"1p\",\"tag\":251,\"as\":\"qb\"}\n");
	for (int i = 0; i < 40; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "{\"op\":\"allocate\",\"task\":\"p\",\"size\":\"%dp\",\"tag\":%d%s%d%s}\n",
		                        1 + i % 3, 240 + i % 2, i % 5 ? ",\"as\":\"r" : ",\"x_n\":",
		                        i % 7, i % 5 ? "\"" : "");
	for (int i = 0; i < 7; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "{\"op\":\"protect\",\"task\":\"p\",\"region\":\"r%d\",\"size\":\"1p\","
		                        "\"prot\":\"r--\"}\n", i);
	t = load(text);
	r = open_replay(t, NULL, 0);
	ui_opts_default(&o);
	o.animate = false;
	o.compare = vm_profile_find("gnumach");
	if (ui_state_init(&u, r, &o) != 0 || ui_state_goto(&u, replay_nsteps(r), false) != 0) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	for (int p = 0; p < 2; p++) {
		struct ui_snap *self = (struct ui_snap *)ui_state_pane(&u, p);
		const struct ui_snap *other = ui_state_pane(&u, !p);
		const struct ui_snap *saved = self->match_other;

		for (size_t i = 0; i < self->n; i++) {
			unsigned fast, slow;

			self->match_other = saved;
			fast = ui_state_compare_diff(&self->rows[i], self, other);
			self->match_other = NULL;        /* row by row */
			slow = ui_state_compare_diff(&self->rows[i], self, other);
			same = same && fast == slow;
			checked++;
		}
		self->match_other = saved;
		ok(saved == other, "compare: pane %d's rows are paired with the other pane's", p);
	}
	ok(same && checked > 40, "compare: the sorted pairing agrees with row-by-row lookup (%zu rows)",
	   checked);
	ok(strstr(u.narration, "under gnumach") != NULL && strstr(u.narration, "qa") == NULL,
	   "compare: the narration tells the differences of p");
	{
		struct ui_input key = { 'T', 0, 0 };

		ui_handle(&u, &key);
	}
	ok(strstr(u.narration, "under gnumach") != NULL && strstr(u.narration, "qa") != NULL,
	   "compare: after T the narration tells q's (%s)", u.narration);
	ui_state_free(&u);
	replay_free(r);
	trace_free(t);
}

int
main(void)
{
	test_pagemap_short_read();
	test_smaps_many();
	test_append_observe();
	test_append_take();
	test_big_array();
	test_extend_model_events();
	test_player_live();
	test_player_loading();
	test_compare_pairing();
	return tap_done();
}
