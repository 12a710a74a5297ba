/* SPDX-License-Identifier: MIT */
/*
 * test_lazy.c -- loading a trace a little at a time (trace_stream) and
 * replaying it as it grows (replay_extend), against a load of the whole
 * file (TAP).
 *
 * Random traces (fixed seeds) under two profiles, with tasks forked late
 * (names the first parts never saw), failed steps, exits, notes, marks and
 * observations continued over several lines, are loaded in random-sized
 * parts; after each part the replay seeks to random steps and every state
 * and status must equal the whole trace's at that step.  At the end the
 * two traces have the same events, task names and strings.  A bad line
 * stops the stream with the whole load's FILE:LINE:COL message and keeps
 * the events before it; a part never ends inside an observation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/replay.h"
#include "tap.h"
#include "test_util.h"
#include "trace/trace.h"

static unsigned long long seed;

static unsigned
rnd(unsigned n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned)(seed % n);
}

/* An observation of TASK over NLINES lines ("more" on all but the last). */
static void
write_obs(FILE *f, const char *task, unsigned nlines)
{
	for (unsigned l = 0; l < nlines; l++)
		fprintf(f, "{\"op\":\"observe\",\"task\":\"%s\",%s\"regions\":[{\"start\":\"0x%x000\","
		        "\"end\":\"0x%x000\",\"prot\":\"rw-\",\"pages_resident\":%u}]}\n", task,
		        l + 1 < nlines ? "\"more\":true," : "", 0x100 + l * 16, 0x104 + l * 16, l);
}

/* One random event line; task names live in NAMES (NT of them, LIVE[i]
 * whether task i may act). */
static void
write_event(FILE *f, char names[][16], bool *live, unsigned *nt)
{
	unsigned t = rnd(*nt), r = rnd(6), k = rnd(100);

	/* Mostly live tasks: a dead one now and then (a failed step). */
	for (int tries = 0; tries < 8 && !live[t]; tries++)
		t = rnd(*nt);
	if (k < 2 && *nt < 40) {
		snprintf(names[*nt], 16, "c%u", *nt);
		fprintf(f, "{\"op\":\"fork\",\"task\":\"%s\",\"child\":\"%s\"}\n", names[t], names[*nt]);
		live[*nt] = live[t];
		(*nt)++;
	} else if (k < 3 && t != 0) {
		fprintf(f, "{\"op\":\"exit\",\"task\":\"%s\"}\n", names[t]);
		live[t] = false;
	} else if (k < 25) {
		fprintf(f, "{\"op\":\"allocate\",\"task\":\"%s\",\"size\":\"%up\",\"as\":\"r%u\"}\n",
		        names[t], 1 + rnd(8), r);
	} else if (k < 24) {
		fprintf(f, "{\"op\":\"deallocate\",\"task\":\"%s\",\"region\":\"r%u\"}\n", names[t], r);
	} else if (k < 28) {
		fprintf(f, "{\"op\":\"protect\",\"task\":\"%s\",\"region\":\"r%u\",\"prot\":\"r--\"}\n",
		        names[t], r);
	} else if (k < 31) {
		fprintf(f, "{\"op\":\"note\",\"text\":\"note %u\",\"mark\":\"part %u\"}\n", k, r);
	} else if (k < 34) {
		write_obs(f, names[t], 1 + rnd(4));
	} else {
		fprintf(f, "{\"op\":\"%s\",\"task\":\"%s\",\"region\":\"r%u\",\"offset\":\"%up\","
		        "\"size\":\"1p\"}\n", k < 70 ? "write" : "read", names[t], r, rnd(3));
	}
}

/* Write a random trace of N events under PROFILE to PATH. */
static void
write_trace(const char *path, const char *profile, unsigned n)
{
	FILE *f = fopen(path, "w");
	char names[48][16] = { "p", "q" };
	bool live[48] = { true, true };
	unsigned nt = 2;

	if (f == NULL) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	fprintf(f, "{\"vmscope\":1,\"profile\":\"%s\",\"tasks\":[\"p\",\"q\"]}\n", profile);
	for (unsigned i = 0; i < n; i++)
		write_event(f, names, live, &nt);
	fclose(f);
}

/* Does the replay R at step K equal W's at step K (state and status)? */
static bool
same_at(struct replay *r, struct replay *w, size_t k)
{
	static char d1[1 << 16], d2[1 << 16];

	replay_seek(r, k);
	replay_seek(w, k);
	digest(r, d1, sizeof d1);
	digest(w, d2, sizeof d2);
	if (strcmp(d1, d2) != 0 || (k > 0 && replay_status(r, k) != replay_status(w, k))) {
		printf("# step %zu differs:\n#  lazy  %.300s\n#  whole %.300s\n", k, d1, d2);
		return false;
	}
	return true;
}

/* Are the events, task names and strings of A and B the same? */
static bool
same_trace(const struct trace *a, const struct trace *b)
{
	if (a->nev != b->nev || a->ntask_names != b->ntask_names || a->nobs != b->nobs)
		return false;
	for (size_t i = 0; i < a->nev; i++) {
		const struct trace_event *x = &a->ev[i], *y = &b->ev[i];

		if (x->op != y->op || x->task != y->task || x->line != y->line ||
		    strcmp(trace_str(a, x->region), trace_str(b, y->region)) != 0 ||
		    strcmp(trace_event_note(a, x) ? trace_event_note(a, x) : "",
		           trace_event_note(b, y) ? trace_event_note(b, y) : "") != 0)
			return false;
		if (x->op == TOP_OBSERVE &&
		    a->obs[x->obs - 1].nregions != b->obs[y->obs - 1].nregions)
			return false;
	}
	for (uint16_t i = 0; i < a->ntask_names; i++)
		if (strcmp(trace_task_name(a, i), trace_task_name(b, i)) != 0)
			return false;
	return true;
}

/* Does no observation of T end in the middle (all its lines loaded)? */
static bool
obs_whole(const struct trace *t, const struct trace *whole)
{
	for (size_t i = 0; i < t->nev; i++)
		if (t->ev[i].op == TOP_OBSERVE &&
		    t->obs[t->ev[i].obs - 1].nregions != whole->obs[whole->ev[i].obs - 1].nregions)
			return false;
	return true;
}

/* Load PATH whole and in random parts; compare as the parts come. */
static void
check_file(const char *path, const char *what)
{
	struct trace *whole = NULL, *t;
	struct trace_stream *s = NULL;
	struct trace_error err;
	struct replay *rw, *r;
	bool same = true, whole_obs = true, rising = true;
	double last = 0;
	int rc, parts = 0;
	size_t first_tasks;

	if (trace_load_file(path, &whole, &err) != 0 || trace_stream_open(path, &s, &err) != 0) {
		ok(false, "%s: loads", what);
		return;
	}
	t = trace_stream_trace(s);
	rw = open_replay(whole, NULL, 5);
	rc = trace_stream_load(s, 1 + rnd(50));
	first_tasks = t->ntask_names;
	r = open_replay(t, NULL, 1 + rnd(9));
	while (rc == 1) {
		rc = trace_stream_load(s, t->nev + 1 + rnd(400));
		replay_extend(r);
		parts++;
		whole_obs = whole_obs && obs_whole(t, whole);
		rising = rising && trace_stream_fraction(s) >= last;
		last = trace_stream_fraction(s);
		for (int i = 0; i < 6 && same; i++)
			same = same_at(r, rw, rnd((unsigned)replay_nsteps(r) + 1));
	}
	ok(rc == 0 && parts > 3, "%s: loaded in %d parts", what, parts);
	ok(first_tasks < t->ntask_names, "%s: %zu task names at first, %u at the end", what,
	   first_tasks, (unsigned)t->ntask_names);
	ok(replay_nfailed(rw) > 0 && replay_nfailed(rw) < replay_nsteps(rw) / 2,
	   "%s: some steps fail (%zu), fewer than half", what, replay_nfailed(rw));
	ok(same, "%s: every state seen while loading equals the whole trace's", what);
	ok(whole_obs, "%s: no part ends inside an observation", what);
	ok(rising && last == 1.0, "%s: the loaded fraction rises to 1", what);
	ok(same_trace(t, whole), "%s: the same events, task names and observations", what);
	is_int(replay_nsteps(r), replay_nsteps(rw), "%s: as many steps", what);
	is_int(replay_nfailed(r), replay_nfailed(rw), "%s: as many failed steps", what);
	for (size_t k = replay_nsteps(r) + 1; same && k-- > 0;)
		same = same_at(r, rw, k);
	ok(same, "%s: every step equals the whole trace's (seeking backwards)", what);
	replay_free(r);
	replay_free(rw);
	trace_stream_close(s);
	trace_free(t);
	trace_free(whole);
}

/* A bad line: the stream stops with the whole load's message. */
static void
check_bad_line(const char *path)
{
	FILE *f = fopen(path, "w");
	struct trace *whole = NULL, *t;
	struct trace_stream *s = NULL;
	struct trace_error werr, serr;
	const struct trace_error *e;
	char m1[600], m2[600];
	int rc;

	fprintf(f, "{\"vmscope\":1,\"tasks\":[\"p\"]}\n");
	for (int i = 0; i < 300; i++)
		fprintf(f, "{\"op\":\"allocate\",\"task\":\"p\",\"size\":\"1p\"}\n");
	fprintf(f, "{\"op\":\"allocate\",\"task\":\"p\",\"size\":\"1p\",\"colour\":1}\n");
	fprintf(f, "{\"op\":\"allocate\",\"task\":\"p\",\"size\":\"1p\"}\n");
	fclose(f);
	ok(trace_load_file(path, &whole, &werr) != 0, "bad line: the whole load fails");
	ok(trace_stream_open(path, &s, &serr) == 0, "bad line: the stream opens");
	t = trace_stream_trace(s);
	is_int(trace_stream_load(s, 100), 1, "bad line: the first 100 events load");
	ok(trace_stream_error(s) == NULL, "bad line: no error yet");
	do
		rc = trace_stream_load(s, t->nev + 64);
	while (rc == 1);
	is_int(rc, -1, "bad line: the stream stops with an error");
	e = trace_stream_error(s);
	trace_error_format(&werr, m1, sizeof m1);
	if (e != NULL)
		trace_error_format(e, m2, sizeof m2);
	ok(e != NULL && strcmp(m1, m2) == 0, "bad line: the same message as the whole load");
	printf("# %s\n", m1);
	ok(e != NULL && e->line == 302, "bad line: at line 302");
	is_int(t->nev, 300, "bad line: the 300 events before it stay");
	is_int(trace_stream_load(s, t->nev + 64), -1, "bad line: loading again fails again");
	trace_stream_close(s);
	trace_free(t);
}

int
main(void)
{
	char path[] = "/tmp/vmscope-test-lazy-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		printf("Bail out! mkstemp\n");
		return 1;
	}
	close(fd);
	seed = 0x1234567ull;
	write_trace(path, "xnu-x86_64", 3000);
	check_file(path, "xnu, 3000 events");
	seed = 0xfeedbeefull;
	write_trace(path, "linux", 3000);
	check_file(path, "linux, 3000 events");
	seed = 0xabcdefull;
	write_trace(path, "gnumach", 1500);
	check_file(path, "gnumach, 1500 events");
	check_bad_line(path);
	unlink(path);
	return tap_done();
}
