/* SPDX-License-Identifier: MIT */
/*
 * cmd_notes.c -- `vmscope notes TRACE`: the speaker notes of a trace, a
 * step at a time, for the presenter (never shown to the audience).
 */
#include <config.h>

#include <string.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Print the speaker notes (\"notes\" on events) of TRACE, with each step's\n"
"description, its narration (\"note\") and the fields it asks (\"ask\"):\n"
"the presenter's script for a workshop (docs/teaching.md).\n"
"\n"
"Options:\n"
"  --step N         only step N\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "step", required_argument, NULL, OPT_STEP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print S (a trace string) after LEAD, sanitized. */
static void
put(const char *lead, const char *s)
{
	char buf[2048];

	if (s == NULL || s[0] == '\0')
		return;
	snprintf(buf, sizeof buf, "%s", s);
	printf("%s%s\n", lead, dump_sanitize(buf));
}

/* The notes of step K. */
static void
step_notes(struct replay *r, size_t k)
{
	const struct trace *t = replay_trace(r);
	const struct trace_event *ev = replay_event(r, k);
	uint32_t ask = trace_event_ask(t, ev);
	char desc[256];

	replay_describe(r, k, desc, sizeof desc);
	printf("step %zu/%zu: %s\n", k, replay_nsteps(r), dump_sanitize(desc));
	put("  chapter: ", trace_event_mark(t, ev));
	put("  screen:  ", trace_event_note(t, ev));
	put("  say:     ", trace_event_notes(t, ev));
	if (ask != 0) {
		printf("  ask:    ");
		for (int f = 0; f < TASK_COUNT; f++)
			if (ask & (1u << f))
				printf(" %s", trace_ask_name(f));
		printf("\n");
	}
}

static int
run(int argc, char **argv)
{
	struct cmd_view_args a;
	struct trace *t;
	struct replay *r;
	int ch, rc;

	if ((rc = cmd_view_args_init(&a)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_notes, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if ((rc = cmd_view_option(&cmd_notes, ch, optarg, &a)) != 0)
			return rc;
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_notes, "notes needs one trace");
	rc = cmd_open(argv[optind], NULL, &t, &r);
	if (rc != 0)
		return rc;
	if (a.have_step && (rc = cmd_check_step(r, a.step)) == 0 && a.step == 0)
		printf("step 0: the start\n");
	for (size_t k = 1; rc == 0 && k <= replay_nsteps(r); k++)
		if (!a.have_step || a.step == k)
			step_notes(r, k);
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_notes = {
	.name = "notes",
	.synopsis = "[--step N] TRACE",
	.summary = "print a trace's speaker notes, step by step",
	.help = help,
	.run = run,
};
