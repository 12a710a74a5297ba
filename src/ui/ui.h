/* SPDX-License-Identifier: MIT */
/*
 * ui.h -- the player's entry points, for main.c.  No curses here: only
 * ui_curses.h includes curses, and only ui_*.c include ui_curses.h.
 *
 * The player draws into a cell grid (the same code serves the terminal and
 * the headless `vmscope render`), so every screen can be tested as text.
 */
#ifndef VMSCOPE_UI_H
#define VMSCOPE_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct replay;
struct vm_profile;

/* ASCIICAST: an asciicast v2 recording, one frame per key (render only). */
enum ui_format { UI_FORMAT_TEXT, UI_FORMAT_ANSI, UI_FORMAT_SVG, UI_FORMAT_ASCIICAST };

/* What the panes show: the model's reports, the recorded observations, or
 * both paired (docs/keys.md).  AUTO: both when the trace has observations,
 * else the model. */
enum ui_view { UI_VIEW_AUTO, UI_VIEW_MODEL, UI_VIEW_OBSERVED, UI_VIEW_BOTH };

/* What one call of a live source's sample() did. */
struct ui_live_sample {
	size_t nsamples;       /* samples taken (0 or 1) */
	double cost_ms;        /* what the sample cost */
	bool stopped[2];       /* trace task id 0/1 is no longer sampled (exited) */
	bool ended;            /* nothing more will come */
	bool error;            /* MSG is an error */
	char msg[512];         /* for the status line, "" none */
};

/*
 * A live source (`vmscope attach`; main.c wires it to attach.h): the
 * player calls sample(ctx, ...) from its input loop every interval_ms --
 * never from a signal handler -- and sample() appends the new events to
 * the trace of the replay being played (trace_append); the player then
 * takes them in (replay_extend) and follows the newest step unless the
 * user has moved back in time.  Space pauses and resumes the sampling.
 */
struct ui_live {
	void *ctx;
	void (*sample)(void *ctx, struct ui_live_sample *out);
	unsigned interval_ms;  /* between samples */
	char pids[48];         /* for the title: "4242" or "4242,4243" */
	double first_cost_ms;  /* cost of the sample taken before the player */
};

/*
 * A presenter link (`vmscope present`; main.c wires it to cmd_present.c):
 * the player calls show(ctx, step) from its input loop whenever it may
 * have something to say -- the step changed, or poll_ms passed, so that a
 * notes terminal that connects late is served -- and show() sends the
 * speaker notes of STEP to whoever listens.  Never from a signal handler.
 */
struct ui_presenter {
	void *ctx;
	void (*show)(void *ctx, size_t step);
	unsigned poll_ms;
};

/*
 * A trace still loading (a big file; cmd_util.c wires it to trace_stream):
 * the player calls more(ctx, ...) from its input loop whenever no key
 * waits, and more() appends the next events to the trace being played;
 * it returns 1 (more to come), 0 (all loaded) or -1 (the load failed, MSG
 * says where: FILE:LINE:COL: message), and sets *FRACTION to how much of
 * the file is loaded (0..1).  The player takes the steps in
 * (replay_extend), shows "step 5/81920+ loading 8%" meanwhile, and after
 * a failed load keeps the steps before the bad line and exits 2.
 */
struct ui_loader {
	void *ctx;
	int (*more)(void *ctx, double *fraction, char *msg, size_t msglen);
	double fraction;       /* how much was loaded when the player started */
};

struct ui_opts {
	bool animate;          /* false with --no-animate */
	bool ascii;            /* --ascii: no UTF-8 line drawing or glyphs */
	bool no_color;         /* NO_COLOR set or --no-color */
	int theme;             /* enum ui_theme (ui_grid.h), --theme */
	bool mouse;            /* clicks and the wheel (false: --no-mouse) */
	int left, right;       /* trace task ids shown left and right, -1: auto */
	size_t start_step;     /* step to open at */
	int view;              /* enum ui_view, from --view */
	struct ui_live *live;  /* a live source, or NULL (a trace file) */
	bool quiz;             /* --quiz: ask before steps with "ask" (key a) */
	const char *answers;   /* --answers FILE: the quiz's answers, or NULL */
	bool present;          /* presenter mode: the big step counter */
	const struct vm_profile *compare;   /* --compare: the right pane's profile */
	struct ui_presenter *presenter;   /* speaker notes elsewhere, or NULL */
	struct ui_loader *loader;   /* the rest of the trace, still loading, or NULL */
};

void ui_opts_default(struct ui_opts *o);
/* The view called S ("model", "observed", "both"), or -1. */
int ui_view_parse(const char *s);
/* The name of view V ("model", ...). */
const char *ui_view_name(int v);

/* Run the interactive player on the terminal.  Returns the exit status. */
int ui_run(struct replay *r, const struct ui_opts *o);

/*
 * Draw the screen the player would show at COLS x ROWS after seeking to
 * STEP and then applying KEYS (a key script, see docs/keys.md; may be
 * NULL), and write it to OUT in FORMAT.  Returns 0, -1 with ERR set (bad
 * size, bad key script), or -2 when OUT could not be written.
 */
int ui_render(struct replay *r, const struct ui_opts *o, int cols, int rows, size_t step,
              const char *keys, enum ui_format format, FILE *out, char *err, size_t errlen);

#endif
