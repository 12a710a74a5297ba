/* SPDX-License-Identifier: MIT */
/*
 * cmd_render.c -- `vmscope render`: the player's screen, headless.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lazy_load.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Print the exact screen the player shows at COLSxROWS after step N (default:\n"
"the last), as text, ANSI escapes or SVG.\n"
"\n"
"Options:\n"
"  --size COLSxROWS the terminal size to draw (required), e.g. 120x40\n"
"  --step N         seek to step N first (a trace file of 8 MiB or more is\n"
"                   read up to step N only: the screen says \"step N/N+\")\n"
"  --key KEYS       then apply the key script KEYS (docs/keys.md); also --keys\n"
"  --format F       text (default), ansi, svg, or asciicast: an asciicast v2\n"
"                   recording (asciinema) of the first screen and one frame\n"
"                   per key of --key, a second apart\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  --left TASK, --right TASK, --view V, --no-animate, --ascii, --no-color,\n"
"  --theme T, --no-mouse, --compare P, --quiz, --answers FILE\n"
"                   as for the player (vmscope play --help)\n"
"  --present        draw what `vmscope present` shows (the big step counter)\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "keys", required_argument, NULL, OPT_KEY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "left", required_argument, NULL, OPT_LEFT },
	{ "right", required_argument, NULL, OPT_RIGHT },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "no-animate", no_argument, NULL, OPT_NO_ANIMATE },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "quiz", no_argument, NULL, OPT_QUIZ },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "answers", required_argument, NULL, OPT_ANSWERS },
	{ "present", no_argument, NULL, OPT_PRESENT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct render_args {
	struct cmd_view_args view;
	int cols, rows;
	const char *keys;
	enum ui_format format;
};

/* Take render's own option OPT with value ARG.  Returns 0 or an exit status. */
static int
render_option(int opt, const char *arg, struct render_args *a)
{
	char x;

	switch (opt) {
	case OPT_SIZE:
		if (sscanf(arg, "%dx%d%c", &a->cols, &a->rows, &x) != 2 || a->cols <= 0 ||
		    a->rows <= 0 || a->cols > 1000 || a->rows > 1000)
			return cmd_usage_error(&cmd_render,
			                       "--size needs COLSxROWS (e.g. 120x40), not '%s'", arg);
		return 0;
	case OPT_KEY:
		a->keys = arg;
		return 0;
	case OPT_PRESENT:
		a->view.ui.present = true;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			a->format = UI_FORMAT_TEXT;
		else if (strcmp(arg, "ansi") == 0)
			a->format = UI_FORMAT_ANSI;
		else if (strcmp(arg, "svg") == 0)
			a->format = UI_FORMAT_SVG;
		else if (strcmp(arg, "asciicast") == 0)
			a->format = UI_FORMAT_ASCIICAST;
		else
			return cmd_usage_error(&cmd_render,
			                       "--format is text, ansi, svg or asciicast, not '%s'", arg);
		return 0;
	}
	return cmd_view_option(&cmd_render, opt, arg, &a->view);
}

/* Draw the screen of A for R on standard output. */
static int
render(struct replay *r, struct render_args *a)
{
	size_t step = a->view.have_step ? a->view.step : replay_nsteps(r);
	char err[256];

	int rc = ui_render(r, &a->view.ui, a->cols, a->rows, step, a->keys, a->format, stdout,
	                   err, sizeof err);

	if (rc == -1) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	if (rc != 0 || fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmscope: render: cannot write to standard output\n");
		return EXIT_IO;
	}
	return 0;
}

static int
run(int argc, char **argv)
{
	struct render_args a = { .format = UI_FORMAT_TEXT };
	struct trace *t;
	struct replay *r;
	struct lazy_load *lz = NULL;
	int ch, rc = 0;

	if ((rc = cmd_view_args_init(&a.view)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_render, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if ((rc = render_option(ch, optarg, &a)) != 0)
			return rc;
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_render, "more than one trace given: '%s'", argv[optind + 1]);
	if (a.cols == 0)
		return cmd_usage_error(&cmd_render, "render needs --size COLSxROWS");
	/* A still of step N of a big file needs its first N events only
	 * (the screen says "N+": more were not read), unless keys move on
	 * or the trace is compared or quizzed. */
	if (a.view.have_step && a.keys == NULL && a.format != UI_FORMAT_ASCIICAST &&
	    !a.view.ui.quiz && a.view.ui.compare == NULL && a.view.left == NULL &&
	    a.view.right == NULL)
		rc = lazy_open(optind < argc ? argv[optind] : NULL, a.view.profile, a.view.step,
		               &t, &r, &lz);
	if (rc == 0 && lz == NULL)
		rc = cmd_open(optind < argc ? argv[optind] : NULL, a.view.profile, &t, &r);
	if (rc != 0)
		return rc;
	lazy_wire(lz, &a.view.ui);
	rc = cmd_view_tasks(&cmd_render, t, &a.view);
	if (rc == 0 && a.view.have_step)
		rc = cmd_check_step(r, a.view.step);
	if (rc == 0)
		rc = render(r, &a);
	replay_free(r);
	trace_free(t);
	lazy_close(lz);
	return rc;
}

const struct cmd cmd_render = {
	.name = "render",
	.synopsis = "--size COLSxROWS [--step N] [--key KEYS] [--format text|ansi|svg|asciicast] "
	            "[--view V] [--ascii] [--profile P] [--compare P] [TRACE]",
	.summary = "print the player's screen at a step as text, ANSI or SVG",
	.help = help,
	.run = run,
};
