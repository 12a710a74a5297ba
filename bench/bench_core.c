/* SPDX-License-Identifier: MIT */
/*
 * bench_core.c -- benchmarks of the model, the loader and the timeline
 * (`make bench`; not a test: it prints numbers and never fails on them).
 *
 * Workload: a task with a synthetic map of 20,000 entries, then a trace of
 * 1,000,000 events -- writes, reads, protects, allocate/deallocate pairs
 * and an occasional fork (1 in 10,000 events) whose child later exits.  Reported: trace load
 * time and heap bytes per loaded event, events per second through the
 * model, the time to fork the 20,000-entry map, and seek / step-back times
 * through the checkpointed replay.  Each timing is the median of repeats,
 * in CPU time of the process.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "replay/replay.h"
#include "trace/trace.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

#define NENTRIES 20000
#define NEVENTS 1000000
#define PAGE 4096ull
#define BASE 0x100000000ull

/* CPU seconds of this (single-threaded) process. */
static double
now(void)
{
	return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

#define median bench_median

static unsigned long long rng = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Append to a growing buffer. */
struct buf {
	char *p;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3)))
bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->cap - b->n < 256) {
		b->cap = b->cap ? b->cap * 2 : 1 << 20;
		b->p = realloc(b->p, b->cap);
		if (b->p == NULL)
			abort();
	}
	va_start(ap, fmt);
	k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

/*
 * The synthetic trace: NENTRIES one-page regions two pages apart (so they
 * never coalesce), then NEVENTS mixed events.  Slot i lives at BASE + 2i
 * pages; allocate/deallocate use the odd gaps.
 */
static void
make_trace(struct buf *b, size_t *nev)
{
	size_t n = 0;
	int child = 0, child_alive = 0;

	bprintf(b, "{\"vmscope\":1,\"title\":\"bench\",\"profile\":\"xnu-x86_64\",\"tasks\":[\"t\"]}\n");
	for (unsigned i = 0; i < NENTRIES; i++, n++)
		bprintf(b, "{\"op\":\"allocate\",\"task\":\"t\",\"addr\":\"0x%llx\",\"size\":\"1p\"}\n",
		        BASE + 2ull * i * PAGE);
	while (n < NENTRIES + NEVENTS) {
		unsigned r = rnd(10000), slot = rnd(NENTRIES);
		unsigned long long a = BASE + 2ull * slot * PAGE;

		if (r < 4000) {
			bprintf(b, "{\"op\":\"write\",\"task\":\"t\",\"addr\":\"0x%llx\"}\n", a);
		} else if (r < 7000) {
			bprintf(b, "{\"op\":\"read\",\"task\":\"t\",\"addr\":\"0x%llx\"}\n", a);
		} else if (r < 8500) {
			bprintf(b, "{\"op\":\"protect\",\"task\":\"t\",\"addr\":\"0x%llx\",\"size\":\"1p\",\"prot\":\"%s\"}\n",
			        a, rnd(2) ? "rwx" : "rw-");
		} else if (r < 9999) {
			/* An allocate in a gap and its deallocate. */
			bprintf(b, "{\"op\":\"allocate\",\"task\":\"t\",\"addr\":\"0x%llx\",\"size\":\"1p\"}\n", a + PAGE);
			bprintf(b, "{\"op\":\"deallocate\",\"task\":\"t\",\"addr\":\"0x%llx\",\"size\":\"1p\"}\n", a + PAGE);
			n++;
		} else if (!child_alive) {
			bprintf(b, "{\"op\":\"fork\",\"task\":\"t\",\"child\":\"c%d\"}\n", child);
			child_alive = 1;
		} else {
			bprintf(b, "{\"op\":\"exit\",\"task\":\"c%d\"}\n", child++);
			child_alive = 0;
		}
		n++;
	}
	*nev = n;
}

/* Fork a 20,000-entry map (every entry touched): median of 11. */
static double
bench_fork(void)
{
	double t[11];

	for (int k = 0; k < 11; k++) {
		struct vm_world *w = vm_world_new(vm_profile_find("xnu-x86_64"), 0);
		int task = vm_task_create(w, "t"), c;
		double t0;

		for (unsigned i = 0; i < NENTRIES; i++) {
			uint64_t a = BASE + 2ull * i * PAGE;

			vm_op_allocate(w, task, &a, PAGE, VM_FLAGS_FIXED, 0);
			vm_op_write(w, task, a, 1);
		}
		t0 = now();
		vm_op_fork(w, task, "child", &c);
		t[k] = now() - t0;
		vm_world_free(w);
	}
	return median(t, 11);
}

/*
 * The player's lazy path: the same trace from a file, loaded 8,192 events
 * at a time (trace_stream) with the replay taking each part in
 * (replay_extend), as the player does between keys; then the same seeks.
 */
static void
bench_lazy(const struct buf *b, size_t nev)
{
	char path[] = "/tmp/vmscope-bench-lazy-XXXXXX", msg[256];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct trace_stream *s;
	struct trace_error err;
	struct trace *t;
	struct replay *r;
	double t0, first, seek[21], back[21];
	int rc;

	if (f == NULL || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0) {
		printf("lazy:  skipped (cannot write %s)\n", path);
		return;
	}
	t0 = now();
	if (trace_stream_open(path, &s, &err) != 0 || trace_stream_load(s, 5) < 0) {
		printf("lazy:  skipped (cannot load %s)\n", path);
		unlink(path);
		return;
	}
	t = trace_stream_trace(s);
	r = replay_new(t, NULL, msg, sizeof msg);
	first = now() - t0;
	while ((rc = trace_stream_load(s, t->nev + 8192)) == 1)
		replay_extend(r);
	replay_extend(r);
	printf("lazy:  first 5 steps %.2f ms; all %zu events indexed in %.3f s (%s)\n", first * 1e3,
	       replay_nsteps(r), now() - t0, rc == 0 && replay_nsteps(r) == nev ? "complete" : "FAILED");
	for (int k = 0; k < 21; k++) {
		size_t target = rnd((unsigned)nev);
		double m;

		t0 = now();
		replay_seek(r, target);
		seek[k] = now() - t0;
		m = now();
		replay_seek(r, target > 0 ? target - 1 : 0);
		back[k] = now() - m;
	}
	printf("lazy:  after indexing, seek median %.2f ms (target <= 50 ms), step back median "
	       "%.2f ms (target <= 5 ms)\n", median(seek, 21) * 1e3, median(back, 21) * 1e3);
	replay_free(r);
	trace_stream_close(s);
	trace_free(t);
	unlink(path);
}

int
main(void)
{
	struct buf b = { 0 };
	struct trace *t = NULL;
	struct trace_error err;
	struct replay *r;
	struct replay_opts o = { .checkpoint_every = (size_t)-1 / 2 };
	size_t nev;
	double t0, load[3], run[3], seek[21], back[21], fork_s;
	char msg[256];

	printf("vmscope core benchmark: %d-entry map, %d mixed events\n", NENTRIES, NEVENTS);
	make_trace(&b, &nev);
	printf("trace: %zu events, %.1f MB of JSON Lines\n", nev, (double)b.n / 1e6);

	for (int k = 0; k < 3; k++) {
		trace_free(t);
		t = NULL;
		t0 = now();
		if (trace_load_mem("bench.jsonl", b.p, b.n, &t, &err) != 0) {
			trace_error_format(&err, msg, sizeof msg);
			fprintf(stderr, "%s\n", msg);
			return 1;
		}
		load[k] = now() - t0;
	}
	printf("load:  median %.3f s (%.2f M lines/s), %.1f bytes of heap per loaded event\n",
	       median(load, 3), (double)nev / median(load, 3) / 1e6,
	       (double)trace_memory(t) / (double)t->nev);

	/* Events through the model, no checkpoints beyond step 0. */
	for (int k = 0; k < 3; k++) {
		t0 = now();
		r = replay_new(t, &o, msg, sizeof msg);
		run[k] = now() - t0;
		if (k == 0)
			printf("replay: %zu failed steps (expected: 0)\n", replay_nfailed(r));
		replay_free(r);
	}
	printf("model: median %.3f s for %zu events = %.2f M events/s (target >= 1.00)\n",
	       median(run, 3), nev, (double)nev / median(run, 3) / 1e6);

	fork_s = bench_fork();
	printf("fork:  median %.2f ms for a %d-entry map (target <= 10 ms)\n", fork_s * 1e3, NENTRIES);

	/* The player's timeline: default checkpoints. */
	t0 = now();
	r = replay_new(t, NULL, msg, sizeof msg);
	printf("timeline: open %.3f s, %.1f MB of checkpoints\n", now() - t0,
	       (double)replay_checkpoint_bytes(r) / 1e6);
	for (int k = 0; k < 21; k++) {
		size_t target = rnd((unsigned)nev);
		double s;

		t0 = now();
		replay_seek(r, target);
		seek[k] = now() - t0;
		s = now();
		replay_seek(r, target > 0 ? target - 1 : 0);
		back[k] = now() - s;
	}
	{
		double c[11];

		replay_seek(r, nev);
		for (int k = 0; k < 11; k++) {
			struct vm_world *copy;

			t0 = now();
			copy = vm_world_clone(replay_world(r));
			c[k] = now() - t0;
			vm_world_free(copy);
		}
		printf("clone: median %.2f ms for one state copy (%zu objects)\n", median(c, 11) * 1e3,
		       vm_world_nobjects(replay_world(r)));
	}
	printf("seek:  median %.2f ms to a random step (target <= 50 ms)\n", median(seek, 21) * 1e3);
	printf("back:  median %.2f ms for one step back after a seek (target <= 5 ms)\n",
	       median(back, 21) * 1e3);
	{
		double run_back[32], worst = 0;

		replay_seek(r, nev / 2);
		for (int k = 0; k < 32; k++) {
			t0 = now();
			replay_seek(r, replay_pos(r) - 1);
			run_back[k] = now() - t0;
			if (run_back[k] > worst)
				worst = run_back[k];
		}
		printf("back:  32 steps back in a row: median %.2f ms, worst %.2f ms\n",
		       median(run_back, 32) * 1e3, worst * 1e3);
	}
	replay_free(r);
	bench_lazy(&b, nev);
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("peak RSS of the whole benchmark: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	}
	trace_free(t);
	free(b.p);
	return 0;
}
