/* SPDX-License-Identifier: MIT */
/*
 * cmd_dump.c -- `vmscope dump`: region reports as text or JSON Lines.
 */
#include <config.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Print the region report of every task after step N (default: the last):\n"
"vmmap-like text, or with --json one JSON object per step (docs/dump-format.md).\n"
"\n"
"Options:\n"
"  --step N         the state after step N (0 = before the first event)\n"
"  --all            every step, 0 to the last\n"
"  --json           JSON Lines instead of text\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "step", required_argument, NULL, OPT_STEP },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print steps FROM..TO of R. */
static int
dump_steps(struct replay *r, size_t from, size_t to, bool json)
{
	for (size_t k = from; k <= to; k++) {
		replay_seek(r, k);
		if (json)
			dump_step_json(r, stdout);
		else
			dump_step_text(r, stdout);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_IO;
}

static int
run(int argc, char **argv)
{
	struct cmd_view_args a;
	struct trace *t;
	struct replay *r;
	bool all = false, json = false;
	int ch, rc;

	cmd_view_args_init(&a);
	while ((ch = cmd_getopt(&cmd_dump, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == OPT_ALL)
			all = true;
		else if (ch == OPT_JSON)
			json = true;
		else if ((rc = cmd_view_option(&cmd_dump, ch, optarg, &a)) != 0)
			return rc;
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_dump, "more than one trace given: '%s'", argv[optind + 1]);
	rc = cmd_open(optind < argc ? argv[optind] : NULL, a.profile, &t, &r);
	if (rc != 0)
		return rc;
	if (a.have_step)
		rc = cmd_check_step(r, a.step);
	if (rc == 0 && all)
		rc = dump_steps(r, 0, replay_nsteps(r), json);
	else if (rc == 0)
		rc = dump_steps(r, a.have_step ? a.step : replay_nsteps(r),
		                a.have_step ? a.step : replay_nsteps(r), json);
	if (rc == EXIT_IO)
		fprintf(stderr, "vmscope: dump: cannot write to standard output\n");
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_dump = {
	.name = "dump",
	.synopsis = "[--json] [--step N | --all] [--profile P] [TRACE]",
	.summary = "print every task's regions after a step, as text or JSON",
	.help = help,
	.run = run,
};
