/* SPDX-License-Identifier: MIT */
/*
 * cmd_play.c -- `vmscope [OPTIONS] [TRACE]`: the interactive player.
 */
#include <config.h>

#include "cmd.h"
#include "lazy_load.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Play TRACE in the terminal: two tasks side by side, a step at a time.\n"
"\n"
"Options:\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  --step N         open at step N (0 = before the first event)\n"
"  --left TASK      task shown in the left pane (default: the first)\n"
"  --right TASK     task shown in the right pane (default: the second)\n"
"  --view V         what the panes show: model, observed (the trace's recorded\n"
"                   observations) or both (paired, differences marked); default\n"
"                   both when the trace has observations, else model; key o\n"
"  --no-animate     no highlight fades or arrows\n"
"  --ascii          ASCII only (no UTF-8 line drawing or glyphs)\n"
"  --no-color       monochrome (also when NO_COLOR is set, whatever the theme)\n"
"  --theme T        colours: dark (default), light, or contrast (projectors)\n"
"  --no-mouse       ignore clicks and the wheel\n"
"  --compare P      the right pane shows the left pane's task replayed under\n"
"                   profile P, differences marked (key p cycles profiles)\n"
"  --quiz           predict, then reveal: steps whose event carries \"ask\"\n"
"                   stop before the event and ask the fields (key a)\n"
"  --answers FILE   save the quiz answers to FILE as they are revealed, for\n"
"                   `vmscope grade TRACE FILE` (implies --quiz)\n"
"  -h, --help       this help\n"
"\n"
"TRACE is a trace file, - (standard input) or a built-in scenario name\n"
"(`vmscope list`); without it, the fork-lifecycle demo.  Keys: ? in the\n"
"player, or docs/keys.md.  Defaults for --theme, --no-mouse, --no-animate and\n"
"--profile come from $XDG_CONFIG_HOME/vmscope/config (vmscope(1), FILES).\n";

/* The long options of the player (render takes these and more). */
static const struct option longopts[] = {
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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
run(int argc, char **argv)
{
	struct cmd_view_args a;
	struct trace *t = NULL;
	struct replay *r = NULL;
	struct lazy_load *lz = NULL;
	int ch, rc = 0;

	if ((rc = cmd_view_args_init(&a)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_play, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h')
			return 0;
		if (ch == '?')
			return EXIT_BAD_INPUT;
		if ((rc = cmd_view_option(&cmd_play, ch, optarg, &a)) != 0)
			return rc;
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_play, "more than one trace given: '%s'", argv[optind + 1]);
	/* A big file plays before it is all loaded, unless an option needs
	 * every step at once (the quiz's questions, a compared replay, tasks
	 * picked by name). */
	if (!a.ui.quiz && a.ui.compare == NULL && a.left == NULL && a.right == NULL)
		rc = lazy_open(optind < argc ? argv[optind] : NULL, a.profile,
		               a.have_step ? a.step : 0, &t, &r, &lz);
	if (rc == 0 && lz == NULL)
		rc = cmd_open(optind < argc ? argv[optind] : NULL, a.profile, &t, &r);
	if (rc == 0)
		rc = cmd_view_tasks(&cmd_play, t, &a);
	if (rc == 0 && a.have_step)
		rc = cmd_check_step(r, a.step);
	if (rc == 0) {
		a.ui.start_step = a.step;
		lazy_wire(lz, &a.ui);
		rc = ui_run(r, &a.ui);
	}
	replay_free(r);
	trace_free(t);
	lazy_close(lz);
	return rc;
}

const struct cmd cmd_play = {
	.name = "play",
	.synopsis = "[--profile P] [--step N] [--left TASK] [--right TASK] [--view V] "
	            "[--no-animate] [--ascii] [--no-color] [--compare P] [--quiz] [--answers FILE] "
	            "[TRACE]",
	.summary = "play TRACE in the terminal (the default command)",
	.help = help,
	.run = run,
};
