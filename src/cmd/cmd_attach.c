/* SPDX-License-Identifier: MIT */
/*
 * cmd_attach.c -- `vmscope attach PID [PID2]`: sample live processes, in
 * the player on a terminal or as one cost line per sample.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "linux/attach.h"
#include "replay/replay.h"

static const char help[] =
"Sample live processes' smaps and pagemap every MS milliseconds.  On a\n"
"terminal (stdin and stdout), without --count or --batch: the player,\n"
"observed view, one pane per process, a step per process per sample,\n"
"following the newest (Space pauses sampling, G/End follows again, q quits;\n"
"-o TRACE is completed on q and Ctrl-C).  Otherwise one cost line per\n"
"sample, N times (default: until Ctrl-C or a process exits).\n"
"\n"
"Options:\n"
"  --interval MS       milliseconds between samples (default 1000)\n"
"  --count N           take N samples, one line each, then stop\n"
"  -o, --output TRACE  also write the samples to TRACE\n"
"  --batch             lines, not the player, even on a terminal\n"
"  --only KINDS        keep only these mappings: anon, file, heap, stack\n"
"                      (comma-separated, e.g. heap,stack)\n"
"  --min-size SIZE     leave out mappings smaller than SIZE (64K, 1M, 4096)\n"
"  --follow            sample the children they fork too (up to 6): each\n"
"                      becomes a task with a fork event at the first sample\n"
"                      that sees it, and an exit event when it exits\n"
"  --view V, --no-animate, --ascii, --no-color, --theme T, --no-mouse\n"
"                      as for the player (vmscope play --help)\n"
"  -h, --help          this help\n";

static const struct option longopts[] = {
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "output", required_argument, NULL, 'o' },
	{ "batch", no_argument, NULL, OPT_BATCH },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "no-animate", no_argument, NULL, OPT_NO_ANIMATE },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The player's live source: one attach sample (ui.h's struct ui_live). */
static void
live_sample(void *ctx, struct ui_live_sample *out)
{
	struct attach *a = ctx;
	struct attach_result r;
	int st = attach_sample(a, &r);

	out->nsamples = r.sample != 0;
	out->cost_ms = r.ms;
	out->ended = st != ATTACH_OK;
	out->error = st == ATTACH_ERROR;
	snprintf(out->msg, sizeof out->msg, "%s", r.msg);
	for (size_t i = 0; i < 2; i++) {
		bool sampled = true;

		if (attach_process(a, i, NULL, &sampled) != 0)
			out->stopped[i] = !sampled;
	}
}

/* Play A's trace in the observed view while it grows. */
static int
play_live(struct attach *a, const struct attach_opts *ao, struct ui_opts *uo, double first_ms)
{
	struct ui_live live = { .sample = live_sample, .ctx = a, .interval_ms = ao->interval_ms,
	                        .first_cost_ms = first_ms };
	struct replay *r = NULL;
	int rc = cmd_open_replay(attach_trace(a), NULL, &r);

	if (rc != 0)
		return rc;
	snprintf(live.pids, sizeof live.pids, "%d", ao->pids[0]);
	if (ao->npids == 2)
		snprintf(live.pids + strlen(live.pids), sizeof live.pids - strlen(live.pids), ",%d",
		         ao->pids[1]);
	uo->live = &live;
	uo->start_step = replay_nsteps(r);
	if (uo->view == UI_VIEW_AUTO)
		uo->view = UI_VIEW_OBSERVED;
	rc = ui_run(r, uo);
	fprintf(stderr, "vmscope: attach: %zu sample%s\n", attach_nsamples(a),
	        attach_nsamples(a) == 1 ? "" : "s");
	replay_free(r);
	return rc;
}

/*
 * attach in the player: take the first sample before the terminal is
 * touched (a refusal is then an ordinary message and exit 1), then play.
 * The output file is completed however the player ends.
 */
static int
attach_live(const struct attach_opts *ao, struct ui_opts *uo)
{
	struct attach_opts o = *ao;
	struct attach_result first;
	struct attach *a;
	char err[512];
	int st, rc = 0, rc2;

	o.keep_going = true;
	a = attach_open(&o, err, sizeof err);
	if (a == NULL) {
		fprintf(stderr, "vmscope: attach: %s\n", err);
		return EXIT_IO;
	}
	st = attach_sample(a, &first);
	if (first.msg[0] != '\0')
		fprintf(stderr, "vmscope: attach: %s\n", first.msg);
	if (st == ATTACH_ERROR || attach_nsamples(a) == 0)
		rc = EXIT_IO;         /* refused, or gone before its first sample */
	else if (st == ATTACH_OK)
		rc = play_live(a, ao, uo, first.ms);
	rc2 = attach_close(a, err, sizeof err);
	if (err[0] != '\0')
		fprintf(stderr, "vmscope: attach: %s\n", err);
	return rc != 0 ? rc : rc2 != 0 ? EXIT_IO : 0;
}

/* Take attach's option OPT with value ARG into O or V. */
static int
attach_option(int opt, const char *arg, struct attach_opts *o, struct cmd_view_args *v,
              bool *batch)
{
	size_t n;

	switch (opt) {
	case 'o':
		o->out = arg;
		return 0;
	case OPT_INTERVAL:
		if (!cmd_parse_count(arg, &n) || n == 0 || n > 86400000)
			return cmd_usage_error(&cmd_attach,
			                       "--interval needs milliseconds (1..86400000), not '%s'", arg);
		o->interval_ms = (unsigned)n;
		return 0;
	case OPT_COUNT:
		if (!cmd_parse_count(arg, &n) || n == 0)
			return cmd_usage_error(&cmd_attach, "--count needs a positive number, not '%s'",
			                       arg);
		o->count = n;
		return 0;
	case OPT_BATCH:
		*batch = true;
		return 0;
	case OPT_FOLLOW:
		o->follow = true;
		return 0;
	case OPT_ONLY:
		if (attach_only_parse(arg, &o->only, &n) != 0)
			return cmd_usage_error(&cmd_attach, "--only takes anon, file, heap and stack, "
			                       "comma-separated, not '%s'", arg + n);
		return 0;
	case OPT_MIN_SIZE:
		if (!cmd_parse_bytes(arg, &o->min_size))
			return cmd_usage_error(&cmd_attach, "--min-size needs a size (64K, 1M, 4096), "
			                       "not '%s'", arg);
		return 0;
	}
	return cmd_view_option(&cmd_attach, opt, arg, v);
}

static int
run(int argc, char **argv)
{
	struct attach_opts o = { .interval_ms = 1000, .msgs = stderr };
	struct cmd_view_args v;
	bool batch = false;
	int ch, rc;

	if ((rc = cmd_view_args_init(&v)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_attach, argc, argv, "ho:", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if ((rc = attach_option(ch, optarg, &o, &v, &batch)) != 0)
			return rc;
	}
	for (int i = optind; i < argc; i++) {
		size_t pid;

		if (!cmd_parse_count(argv[i], &pid) || pid == 0 || pid > 0x7fffffff)
			return cmd_usage_error(&cmd_attach, "attach needs process ids, not '%s'", argv[i]);
		if (o.npids == 2)
			return cmd_usage_error(&cmd_attach, "attach samples one or two processes");
		o.pids[o.npids++] = (int)pid;
	}
	if (o.npids == 0)
		return cmd_usage_error(&cmd_attach, "attach needs a process id");
	/* The player needs a terminal; --count and --batch mean lines. */
	if (!batch && o.count == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return attach_live(&o, &v.ui);
	return attach_run(&o);
}

const struct cmd cmd_attach = {
	.name = "attach",
	.synopsis = "PID [PID2] [--interval MS] [--count N] [-o TRACE] [--batch] "
	            "[--only KINDS] [--min-size SIZE] [--follow]",
	.summary = "sample live processes' /proc into the player or a trace",
	.help = help,
	.run = run,
};
