/* SPDX-License-Identifier: MIT */
/*
 * cmd_notes.c -- `vmscope notes TRACE`: the speaker notes of a trace, a
 * step at a time, for the presenter (never shown to the audience); with
 * --follow, those of the step `vmscope present` shows (present_link.h).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "present_link.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Print the speaker notes (\"notes\" on events) of TRACE, with each step's\n"
"description, its narration (\"note\") and the fields it asks (\"ask\"):\n"
"the presenter's script for a workshop (docs/teaching.md).\n"
"\n"
"With --follow, TRACE is not needed: the notes of the step `vmscope present`\n"
"shows follow it on this terminal, a screen per step, until the presenter\n"
"stops (waiting for it to start first).\n"
"\n"
"Options:\n"
"  --step N         only step N\n"
"  --follow         follow the presenter (`vmscope present`)\n"
"  --socket PATH    the presenter's socket (default: in $XDG_RUNTIME_DIR)\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "step", required_argument, NULL, OPT_STEP },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print the notes of every step of R, or of step STEP only. */
static int
print_all(struct replay *r, bool have_step, size_t step)
{
	char *buf = malloc(PRESENT_MAX_MSG);
	int rc = 0;

	if (buf == NULL)
		return EXIT_IO;
	if (have_step && (rc = cmd_check_step(r, step)) == 0 && step == 0)
		printf("step 0: the start\n");
	for (size_t k = 1; rc == 0 && k <= replay_nsteps(r); k++)
		if (!have_step || step == k) {
			present_notes_text(r, k, buf, PRESENT_MAX_MSG);
			fputs(buf, stdout);
		}
	free(buf);
	return rc;
}

static int
run(int argc, char **argv)
{
	struct cmd_view_args a;
	struct trace *t;
	struct replay *r;
	const char *sock = NULL;
	char path[256];
	bool follow = false;
	int ch, rc;

	if ((rc = cmd_view_args_init(&a)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_notes, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == OPT_FOLLOW || ch == OPT_SOCKET) {
			follow |= ch == OPT_FOLLOW;
			sock = ch == OPT_SOCKET ? optarg : sock;
			continue;
		}
		if ((rc = cmd_view_option(&cmd_notes, ch, optarg, &a)) != 0)
			return rc;
	}
	if (follow) {
		if (argc - optind > 1)
			return cmd_usage_error(&cmd_notes, "notes --follow takes at most one trace");
		present_socket_path(path, sizeof path);
		return present_follow(sock != NULL ? sock : path, true);
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_notes, "notes needs one trace (or --follow)");
	rc = cmd_open(argv[optind], NULL, &t, &r);
	if (rc != 0)
		return rc;
	rc = print_all(r, a.have_step, a.step);
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_notes = {
	.name = "notes",
	.synopsis = "[--step N] TRACE | --follow [--socket PATH]",
	.summary = "print a trace's speaker notes, or follow the presenter's",
	.help = help,
	.run = run,
};
