/* SPDX-License-Identifier: MIT */
/*
 * cmd_dump.c -- `vmscope dump`: region reports as text or JSON Lines.
 */
#include <config.h>

#include <string.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"

static const char help[] =
"Print the region report of every task after step N (default: the last):\n"
"vmmap-like text, one JSON object per step, or CSV rows (docs/dump-format.md).\n"
"\n"
"Options:\n"
"  --step N         the state after step N (0 = before the first event)\n"
"  --all            every step, 0 to the last\n"
"  --changes        every step, but only what changed since the step before\n"
"                   (new and gone regions, each changed field old -> new)\n"
"  --format F       text (default), json or csv\n"
"  --json           the same as --format json\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  -h, --help       this help\n";

enum { OPT_CHANGES = 0x200 };

static const struct option longopts[] = {
	{ "step", required_argument, NULL, OPT_STEP },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "changes", no_argument, NULL, OPT_CHANGES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct dump_args {
	struct cmd_view_args view;       /* --profile, --step */
	enum dump_format format;
	bool all, changes;
};

/* Print steps FROM..TO of R in full. */
static void
dump_steps(struct replay *r, size_t from, size_t to, enum dump_format f)
{
	if (f == DUMP_CSV)
		dump_csv_header(false, stdout);
	for (size_t k = from; k <= to; k++) {
		replay_seek(r, k);
		dump_step(r, f, stdout);
	}
}

/* Print what changed at every step of R. */
static void
dump_all_changes(struct replay *r, enum dump_format f)
{
	struct dump_snap prev = { 0 }, cur = { 0 };

	if (f == DUMP_CSV)
		dump_csv_header(true, stdout);
	replay_seek(r, 0);
	dump_snap_take(r, &cur);
	for (size_t k = 0; k <= replay_nsteps(r); k++) {
		struct dump_snap t = prev;

		prev = cur;
		cur = t;
		replay_seek(r, k);
		dump_snap_take(r, &cur);
		if (k == 0)
			prev.n = 0;     /* step 0 against nothing: whatever exists is new */
		dump_changes(r, f, &prev, &cur, stdout);
	}
	dump_snap_free(&prev);
	dump_snap_free(&cur);
}

/* Take dump's own option OPT with value ARG into A. */
static int
dump_option(int opt, const char *arg, struct dump_args *a)
{
	switch (opt) {
	case OPT_ALL:
		a->all = true;
		return 0;
	case OPT_CHANGES:
		a->changes = true;
		return 0;
	case OPT_JSON:
		a->format = DUMP_JSON;
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "text") == 0)
			a->format = DUMP_TEXT;
		else if (strcmp(arg, "json") == 0)
			a->format = DUMP_JSON;
		else if (strcmp(arg, "csv") == 0)
			a->format = DUMP_CSV;
		else
			return cmd_usage_error(&cmd_dump, "--format is text, json or csv, not '%s'", arg);
		return 0;
	}
	return cmd_view_option(&cmd_dump, opt, arg, &a->view);
}

static int
run(int argc, char **argv)
{
	struct dump_args a = { .format = DUMP_TEXT };
	struct trace *t;
	struct replay *r;
	int ch, rc;

	if ((rc = cmd_view_args_init(&a.view)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_dump, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if ((rc = dump_option(ch, optarg, &a)) != 0)
			return rc;
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_dump, "more than one trace given: '%s'", argv[optind + 1]);
	if (a.changes && (a.all || a.view.have_step))
		return cmd_usage_error(&cmd_dump, "--changes shows every step: no --step or --all");
	rc = cmd_open(optind < argc ? argv[optind] : NULL, a.view.profile, &t, &r);
	if (rc != 0)
		return rc;
	if (a.view.have_step)
		rc = cmd_check_step(r, a.view.step);
	if (rc == 0 && a.changes)
		dump_all_changes(r, a.format);
	else if (rc == 0 && a.all)
		dump_steps(r, 0, replay_nsteps(r), a.format);
	else if (rc == 0)
		dump_steps(r, a.view.have_step ? a.view.step : replay_nsteps(r),
		           a.view.have_step ? a.view.step : replay_nsteps(r), a.format);
	if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "vmscope: dump: cannot write to standard output\n");
		rc = EXIT_IO;
	}
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_dump = {
	.name = "dump",
	.synopsis = "[--step N | --all | --changes] [--format text|json|csv] [--profile P] [TRACE]",
	.summary = "print every task's regions after a step, as text or JSON",
	.help = help,
	.run = run,
};
