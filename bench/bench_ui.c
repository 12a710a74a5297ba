/* SPDX-License-Identifier: MIT */
/*
 * bench_ui.c -- how fast the player redraws and how much it writes
 * (`make bench-ui`; prints numbers, never fails on them).
 *
 * For each trace: the CPU time of one redraw at 200x60 (all drawing into
 * the cell grid), of one step (two exact seeks, snapshots, narration) plus
 * the redraw, the CPU time to hand the changed cells to curses and write
 * them, and the bytes curses writes to the terminal per step (only
 * the cells that changed, through a real ncurses screen on a temporary
 * file with TERM xterm-256color) against a full repaint of the same frame.
 * Times are medians over repeats, in CPU time (CLOCK_PROCESS_CPUTIME_ID).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "replay/replay.h"
#include "trace/trace.h"
#include "bench.h"
#include "ui/ui_grid.h"
#include "ui/ui_player.h"
#include "ui/ui_term.h"

#define COLS 200
#define ROWS 60
#define REPEAT 200

/* CPU seconds used by the process. */
static double
cpu_now(void)
{
	return bench_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

#define median bench_median

/* Benchmark one trace file; *SCROLL_MS gets the median of a scroll and
 * redraw. */
static int
bench_trace(const char *path, double *scroll_ms)
{
	static double t_draw[REPEAT], t_step[REPEAT], t_scroll[REPEAT];
	struct trace_error te;
	struct trace *t = NULL;
	struct replay *r;
	struct ui_opts o;
	struct ui u;
	struct ui_grid g;
	char err[256];
	FILE *out, *in;
	size_t n, nstep = 0;
	double present = 0;
	long diff_bytes = 0, full_bytes = 0, pos;

	if (trace_load_file(path, &t, &te) != 0) {
		trace_error_format(&te, err, sizeof err);
		fprintf(stderr, "bench_ui: %s\n", err);
		return -1;
	}
	r = replay_new(t, &(struct replay_opts){ .profile = NULL }, err, sizeof err);
	if (r == NULL) {
		fprintf(stderr, "bench_ui: %s\n", err);
		trace_free(t);
		return -1;
	}
	ui_opts_default(&o);
	o.no_color = false;
	if (ui_state_init(&u, r, &o) != 0 || ui_grid_init(&g, COLS, ROWS, false) != 0) {
		fprintf(stderr, "bench_ui: out of memory\n");
		return -1;
	}
	n = replay_nsteps(r);

	/* Redraw only, at the middle of the trace. */
	ui_state_goto(&u, n / 2, true);
	for (int i = 0; i < REPEAT; i++) {
		double t0 = cpu_now();

		ui_draw(&u, &g);
		t_draw[i] = cpu_now() - t0;
	}
	/* Step + redraw, walking the trace forwards (wrapping). */
	for (int i = 0; i < REPEAT; i++) {
		double t0 = cpu_now();

		ui_state_goto(&u, (size_t)i % (n + 1), true);
		ui_draw(&u, &g);
		t_step[i] = cpu_now() - t0;
	}

	/* Bytes to the terminal: diff per step against a full repaint. */
	out = tmpfile();
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL ||
	    (ui_term_open(&o, out, in, "xterm-256color", COLS, ROWS, err, sizeof err) != 0 &&
	     ui_term_open(&o, out, in, "xterm", COLS, ROWS, err, sizeof err) != 0)) {
		fprintf(stderr, "bench_ui: %s\n", err);
		return -1;
	}
	ui_state_goto(&u, 0, false);
	ui_draw(&u, &g);
	ui_term_present(&g, true);
	fflush(out);
	for (size_t k = 1; k <= n && k <= 200; k++) {
		ui_state_goto(&u, k, false);
		ui_draw(&u, &g);
		fflush(out);
		pos = ftell(out);
		{
			double t0 = cpu_now();

			ui_term_present(&g, false);
			fflush(out);
			present += cpu_now() - t0;
		}
		diff_bytes += ftell(out) - pos;
		pos = ftell(out);
		ui_term_present(&g, true);
		fflush(out);
		full_bytes += ftell(out) - pos;
		nstep++;
	}
	ui_term_close();
	fclose(out);
	fclose(in);

	/* Scrolling: one region down, then redraw, at the last step. */
	ui_state_goto(&u, n, false);
	for (int i = 0; i < REPEAT; i++) {
		struct ui_input key = { .key = 'j' };
		double t0 = cpu_now();

		ui_handle(&u, &key);
		ui_draw(&u, &g);
		t_scroll[i] = cpu_now() - t0;
	}
	*scroll_ms = median(t_scroll, REPEAT) * 1e3;
	printf("%-26s scroll+redraw %.3f ms (target <= 2 ms)\n",
	       strrchr(path, '/') ? strrchr(path, '/') + 1 : path, *scroll_ms);
	printf("%-26s %3zu steps  redraw %.3f ms  step+redraw %.3f ms  to terminal %.3f ms  "
	       "bytes/step %ld diff vs %ld full repaint (%.1f%%)\n",
	       strrchr(path, '/') ? strrchr(path, '/') + 1 : path, n,
	       median(t_draw, REPEAT) * 1e3, median(t_step, REPEAT) * 1e3,
	       nstep ? present * 1e3 / (double)nstep : 0.0,
	       nstep ? diff_bytes / (long)nstep : 0, nstep ? full_bytes / (long)nstep : 0,
	       full_bytes ? 100.0 * (double)diff_bytes / (double)full_bytes : 0.0);
	ui_grid_free(&g);
	ui_state_free(&u);
	replay_free(r);
	trace_free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const def[] = {
		"data/fork-lifecycle.jsonl", "data/ool-purgeable.jsonl",
		"data/mach-shared-memory.jsonl", "data/redis-bgsave.jsonl",
	};
	const char *srcdir = getenv("SRCDIR");
	double scroll_ms;
	int rc = 0;

	printf("vmscope player at %dx%d (CPU time, median of %d)\n", COLS, ROWS, REPEAT);
	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			rc |= bench_trace(argv[i], &scroll_ms);
		return rc ? 1 : 0;
	}
	for (size_t i = 0; i < sizeof def / sizeof def[0]; i++) {
		char path[1024];

		snprintf(path, sizeof path, "%s/%s", srcdir ? srcdir : ".", def[i]);
		rc |= bench_trace(path, &scroll_ms);
	}
	/* 10,000 named regions in one task (a big process), then one write each in 100. */
	{
		char path[] = "/tmp/vmscope-bench-ui-10k.XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		if (f == NULL)
			return 1;
		fprintf(f, "{\"vmscope\": 1, \"profile\": \"xnu-x86_64\", \"tasks\": [\"big\", \"small\"]}\n");
		for (int i = 0; i < 10000; i++)
			fprintf(f, "{\"op\": \"allocate\", \"task\": \"big\", \"addr\": \"0x%llx\", "
			        "\"size\": \"1p\", \"as\": \"region-%d\"}\n",
			        0x100000000ull + (unsigned long long)i * 0x2000, i);
		for (int i = 0; i < 10000; i += 100)
			fprintf(f, "{\"op\": \"write\", \"task\": \"big\", \"region\": \"region-%d\"}\n", i);
		fclose(f);
		rc |= bench_trace(path, &scroll_ms);
		unlink(path);
		if (rc == 0)
			printf("  %s player redraw while scrolling, 10,000 regions at %dx%d <= 2 ms  "
			       "%.3f ms\n", scroll_ms <= 2.0 ? "PASS" : "FAIL", COLS, ROWS, scroll_ms);
	}
	return rc ? 1 : 0;
}
