/* SPDX-License-Identifier: MIT */
/*
 * test_replay.c -- the timeline: names, step outcomes, exact seeks.
 *
 * Traces are written inline; expected values come from the kernel rules
 * (docs/model.md) and the
 * trace format, not from running the code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "replay/scenarios.h"
#include "tap.h"
#include "test_util.h"
#include "trace/trace.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

static void
test_names_and_reasons(void)
{
	struct trace *t = load(
		"{\"vmscope\":1,\"title\":\"t\",\"profile\":\"xnu-x86_64\",\"tasks\":[\"a\",\"b\"]}\n"
		"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"4p\",\"as\":\"buf\"}\n"          /* 1 */
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"buf\",\"offset\":\"1p\",\"size\":\"1p\"}\n" /* 2 */
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"nope\"}\n"                       /* 3 */
		"{\"op\":\"write\",\"task\":\"ghost\",\"addr\":\"0x1000\"}\n"                    /* 4 */
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"buf\",\"offset\":\"3p\",\"size\":\"2p\"}\n" /* 5 */
		"{\"op\":\"fork\",\"task\":\"a\",\"child\":\"b\"}\n"                            /* 6 */
		"{\"op\":\"fork\",\"task\":\"a\",\"child\":\"c\"}\n"                            /* 7 */
		"{\"op\":\"write\",\"task\":\"c\",\"region\":\"buf\"}\n"                        /* 8 */
		"{\"op\":\"ool_send\",\"task\":\"a\",\"to\":\"c\",\"region\":\"buf\",\"copy\":\"virtual\",\"as\":\"got\"}\n" /* 9 */
		"{\"op\":\"read\",\"task\":\"c\",\"region\":\"got\"}\n"                         /* 10 */
		"{\"op\":\"exit\",\"task\":\"c\"}\n"                                           /* 11 */
		"{\"op\":\"read\",\"task\":\"c\",\"region\":\"got\"}\n"                         /* 12 */
		"{\"op\":\"map_entry\",\"task\":\"a\",\"entry\":\"none\"}\n");                  /* 13 */
	struct replay *r = open_replay(t, NULL, 0);
	struct vm_region_info ri;
	int a;

	is_int(replay_nsteps(r), 13, "names: 13 steps");
	is_int(replay_status(r, 1), KERN_SUCCESS, "names: allocate ok");
	is_int(replay_status(r, 2), KERN_SUCCESS, "names: write by name + offset ok");
	is_int(replay_status(r, 3), KERN_INVALID_NAME, "names: unknown region fails");
	is_int(replay_reason(r, 3), RR_UNKNOWN_REGION, "names: reason unknown region");
	is_int(replay_status(r, 4), KERN_INVALID_TASK, "names: unknown task fails");
	is_int(replay_reason(r, 4), RR_UNKNOWN_TASK, "names: reason unknown task");
	is_int(replay_status(r, 5), KERN_INVALID_ARGUMENT, "names: range past the region fails");
	is_int(replay_reason(r, 5), RR_BAD_RANGE, "names: reason bad range");
	is_int(replay_status(r, 6), KERN_INVALID_ARGUMENT, "names: fork onto an existing task fails");
	is_int(replay_reason(r, 6), RR_TASK_EXISTS, "names: reason task exists");
	is_int(replay_status(r, 7), KERN_SUCCESS, "names: fork to a new name");
	is_int(replay_status(r, 8), KERN_SUCCESS, "names: the child inherited the name");
	is_int(replay_status(r, 9), KERN_SUCCESS, "names: ool_send ok");
	is_int(replay_status(r, 10), KERN_SUCCESS, "names: 'as' of ool_send names the receiver's region");
	is_int(replay_status(r, 12), KERN_INVALID_TASK, "names: exited task is gone");
	is_int(replay_status(r, 13), KERN_INVALID_NAME, "names: unknown memory entry");
	is_int(replay_nfailed(r), 6, "names: six failed steps (3, 4, 5, 6, 12, 13)");

	replay_seek(r, 2);
	a = replay_task(r, 0);
	ok(vm_region_at(replay_world(r), a, 0x100000000ull, &ri), "names: region exists at step 2");
	is_int(ri.pages_resident, 1, "names: offset 1p size 1p touched one page");
	is_str(replay_region_name(r, a, ri.start, ri.end), "buf", "names: region labelled buf");
	{
		uint16_t c = 0;

		while (c < t->ntask_names && strcmp(trace_task_name(t, c), "c") != 0)
			c++;
		ok(c < t->ntask_names, "names: task c is known to the trace");
		is_int(replay_task(r, c), -1, "names: task c does not exist yet at step 2");
		replay_seek(r, 8);
		ok(replay_task(r, c) >= 0, "names: task c exists at step 8");
		replay_seek(r, 11);
		is_int(replay_task(r, c), -1, "names: task c is gone after its exit");
	}
	replay_free(r);
	trace_free(t);
}

/* A name stands for its range even after the entry merges with another. */
static void
test_name_after_merge(void)
{
	struct trace *t = load(
		"{\"vmscope\":1,\"profile\":\"xnu-arm64\",\"tasks\":[\"a\"]}\n"
		"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"1p\",\"as\":\"one\"}\n"
		"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"1p\",\"as\":\"two\"}\n"
		"{\"op\":\"write\",\"task\":\"a\",\"region\":\"two\"}\n");
	struct replay *r = open_replay(t, NULL, 0);
	struct vm_region_info ri;

	is_int(vm_task_nentries(replay_world(r), 0), 1, "merge: the two allocations coalesced");
	vm_region_get(replay_world(r), 0, 0, &ri);
	is_int(ri.pages_resident, 1, "merge: writing 'two' touched only its page");
	is_int(replay_status(r, 3), KERN_SUCCESS, "merge: 'two' still resolves");
	replay_free(r);
	trace_free(t);
}

/* Pages in the trace follow the page size of the profile replayed. */
static void
test_profile_override(void)
{
	struct trace *t = load(
		"{\"vmscope\":1,\"profile\":\"xnu-arm64\",\"tasks\":[\"a\"]}\n"
		"{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"2p\",\"as\":\"b\"}\n");
	struct replay *r = open_replay(t, "xnu-x86_64", 0);
	struct vm_region_info ri;

	vm_region_get(replay_world(r), 0, 0, &ri);
	is_int(ri.end - ri.start, 8192, "profile: 2p is 8K under xnu-x86_64");
	is_str(replay_profile(r)->name, "xnu-x86_64", "profile: override used");
	replay_free(r);
	r = open_replay(t, NULL, 0);
	vm_region_get(replay_world(r), 0, 0, &ri);
	is_int(ri.end - ri.start, 32768, "profile: 2p is 32K under the trace's xnu-arm64");
	replay_free(r);
	trace_free(t);
}

/* Seek CP to step K, and FWD there from step 0: are their states alike? */
static bool
seek_same(struct replay *cp, struct replay *fwd, size_t k)
{
	static char a[65536], b[65536];

	replay_seek(cp, k);
	replay_seek(fwd, 0);
	replay_seek(fwd, k);
	digest(fwd, a, sizeof a);
	digest(cp, b, sizeof b);
	return strcmp(a, b) == 0;
}

/* Every state is the same forwards, backwards and from any checkpoint. */
static void
test_seek_exact(void)
{
	for (const struct scenario_builtin *s = scenario_builtins; s->name != NULL; s++) {
		struct trace *t = NULL;
		struct trace_error err;
		struct replay *fwd, *cp;
		size_t n;
		int same = 1;

		if (trace_load_mem(s->path, s->text, s->len, &t, &err) != 0) {
			ok(0, "seek: %s loads", s->name);
			continue;
		}
		fwd = open_replay(t, NULL, 1000000);   /* one checkpoint: replays from 0 */
		cp = open_replay(t, NULL, 3);          /* many checkpoints */
		n = replay_nsteps(fwd);
		for (size_t k = n + 1; k-- > 0;) {  /* backwards through cp */
			if (!seek_same(cp, fwd, k)) {
				same = 0;
				printf("# %s: step %zu differs\n", s->name, k);
				break;
			}
		}
		ok(same, "seek: %s is the same at every step forwards and backwards", s->name);
		/* Random jumps, single steps both ways, against a fresh replay. */
		for (int j = 0; j < 40 && same; j++) {
			size_t k = (size_t)(j * 7919) % (n + 1);

			if (j % 3 == 1 && k > 0)
				k = replay_pos(cp) > 0 ? replay_pos(cp) - 1 : 0;
			else if (j % 3 == 2)
				k = replay_pos(cp) < n ? replay_pos(cp) + 1 : n;
			if (!seek_same(cp, fwd, k)) {
				same = 0;
				printf("# %s: jump %d to step %zu differs\n", s->name, j, k);
			}
		}
		ok(same, "seek: %s is the same after random jumps and single steps", s->name);
		{
			char msg[256];

			replay_seek(cp, n / 2);
			ok(vm_world_check(replay_world(cp), msg, sizeof msg), "seek: %s invariants at step %zu",
			   s->name, n / 2);
		}
		replay_free(fwd);
		replay_free(cp);
		trace_free(t);
	}
}

/* A trace of NEV events over 50 named regions of task a. */
static struct trace *
budget_trace(int nev)
{
	size_t cap = 1 << 20, n = 0;
	char *text = malloc(cap);
	struct trace *t;

	n += (size_t)snprintf(text + n, cap - n,
	                      "{\"vmscope\":1,\"profile\":\"xnu-x86_64\",\"tasks\":[\"a\"]}\n");
	for (int i = 0; i < 50; i++)
		n += (size_t)snprintf(text + n, cap - n,
		                      "{\"op\":\"allocate\",\"task\":\"a\",\"size\":\"4p\",\"as\":\"r%d\"}\n", i);
	for (int i = 0; i < nev; i++) {
		int r = (i * 37) % 50;

		if (i % 3)
			n += (size_t)snprintf(text + n, cap - n,
			                      "{\"op\":\"write\",\"task\":\"a\",\"region\":\"r%d\","
			                      "\"offset\":\"%dp\",\"size\":\"1p\"}\n", r, i % 4);
		else
			n += (size_t)snprintf(text + n, cap - n,
			                      "{\"op\":\"protect\",\"task\":\"a\",\"region\":\"r%d\","
			                      "\"prot\":\"%s\"}\n", r, i % 2 ? "r--" : "rw-");
	}
	t = load(text);
	free(text);
	return t;
}

/*
 * Checkpoints over their budget are thinned and stay within it, nearly
 * full whatever the trace's length (thinned by halves, they would fill
 * between half of it and all), and a seek from what is left is exact:
 * 2,000 to 3,750 events over 50 named regions, a checkpoint every 10
 * steps, 320 KiB of budget (some 16 KiB a checkpoint: a few hundred
 * taken, about twenty kept).
 */
static void
test_checkpoint_budget(void)
{
	struct replay_opts o = { .checkpoint_every = 10, .checkpoint_budget = 320 << 10 };
	size_t least = (size_t)-1, most = 0;
	int same = 1;

	for (int nev = 2000; nev <= 3750; nev += 250) {
		struct trace *t = budget_trace(nev);
		struct replay *cp, *fwd;
		char err[256];

		cp = replay_new(t, &o, err, sizeof err);
		fwd = open_replay(t, NULL, 1000000);
		if (replay_checkpoint_bytes(cp) < least)
			least = replay_checkpoint_bytes(cp);
		if (replay_checkpoint_bytes(cp) > most)
			most = replay_checkpoint_bytes(cp);
		for (int j = 0; j < 20 && same; j++) {
			size_t k = (size_t)(j * 7919 + j * j * 31) % (replay_nsteps(cp) + 1);

			if (!seek_same(cp, fwd, k)) {
				same = 0;
				printf("# budget: %d events, step %zu differs\n", nev, k);
			}
		}
		replay_free(cp);
		replay_free(fwd);
		trace_free(t);
	}
	ok(most <= 320 << 10, "budget: checkpoints kept within 320 KiB (at most %zu bytes)", most);
	ok(least > 240 << 10, "budget: and the budget stays nearly full (at least %zu bytes)", least);
	ok(same, "budget: seeks from the thinned checkpoints are exact");
}

/* The built-in scenario 1 gives the article's values, field by field. */
static void
test_scenario1(void)
{
	static const struct {
		size_t step;
		const char *task;
		int sm;
		uint32_t ref, res;
	} want[] = {
		{ 1, "parent", SM_EMPTY, 0, 0 },
		{ 2, "parent", SM_PRIVATE, 1, 1 },
		{ 3, "parent", SM_COW, 2, 1 },
		{ 3, "child", SM_COW, 2, 1 },
		{ 4, "child", SM_PRIVATE, 1, 1 },
		{ 4, "parent", SM_COW, 1, 1 },
		{ 5, "parent", SM_COW, 1, 1 },
		{ 6, "parent", SM_PRIVATE, 1, 1 },
	};
	const struct scenario_builtin *s = scenario_find("fork-lifecycle");
	struct trace *t = NULL;
	struct trace_error err;
	struct replay *r;

	ok(s == &scenario_builtins[0], "scenario 1 is the default demo");
	if (s == NULL || trace_load_mem(s->path, s->text, s->len, &t, &err) != 0) {
		ok(0, "scenario 1 loads");
		return;
	}
	r = open_replay(t, NULL, 0);
	is_str(replay_profile(r)->name, "xnu-arm64", "scenario 1 runs under xnu-arm64");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		struct vm_region_info ri;
		int task;

		replay_seek(r, want[i].step);
		task = vm_task_find(replay_world(r), want[i].task);
		memset(&ri, 0, sizeof ri);
		ok(vm_region_get(replay_world(r), task, 0, &ri), "scenario 1 step %zu: %s has a region",
		   want[i].step, want[i].task);
		is_str(vm_share_mode_name(ri.share_mode), vm_share_mode_name(want[i].sm),
		       "scenario 1 step %zu: %s share_mode", want[i].step, want[i].task);
		is_int(ri.ref_count, want[i].ref, "scenario 1 step %zu: %s ref_count", want[i].step,
		       want[i].task);
		is_int(ri.pages_resident, want[i].res, "scenario 1 step %zu: %s pages_resident",
		       want[i].step, want[i].task);
		is_int(ri.end - ri.start, 16384, "scenario 1 step %zu: %s one 16K page", want[i].step,
		       want[i].task);
	}
	replay_free(r);
	trace_free(t);
}

int
main(void)
{
	test_scenario1();
	test_names_and_reasons();
	test_name_after_merge();
	test_profile_override();
	test_seek_exact();
	test_checkpoint_budget();
	return tap_done();
}
