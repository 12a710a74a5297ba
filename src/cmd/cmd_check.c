/* SPDX-License-Identifier: MIT */
/*
 * cmd_check.c -- `vmscope check`: recorded observations against the model.
 */
#include <config.h>

#include "cmd.h"
#include "replay/check.h"
#include "replay/replay.h"
#include "trace/trace.h"
#include "vm/vm_profile.h"

static const char help[] =
"Replay TRACE and compare each observe step (what a real kernel showed) with\n"
"the model's report at that step; one line per difference, then a summary.\n"
"Exit status 1 when they differ (docs/recording.md).\n"
"\n"
"Options:\n"
"  --profile P      compare with kernel profile P instead of the trace's\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* s when N is not 1. */
static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* What the trace says of the machine it was recorded on: the behaviour
 * the comparison depends on (docs/recording.md, "The machine"). */
static void
tell_machine(const struct trace_machine *m, FILE *out)
{
	static const char *const oc[] = { "heuristic", "always", "never" };

	if (!m->present)
		return;
	fprintf(out, "recorded on: Linux %s, %u-byte pages, THP %s, KSM %s, overcommit %s, "
	        "read of untouched memory %s\n",
	        m->kernel[0] ? m->kernel : "?", m->page_size, m->thp[0] ? m->thp : "?",
	        m->ksm < 0 ? "?" : m->ksm ? "on" : "off",
	        m->overcommit < 0 ? "?" : oc[m->overcommit],
	        m->zero_page_on_read < 0 ? "?" : m->zero_page_on_read ? "maps the zero page"
	                                                               : "maps nothing");
}

static int
run(int argc, char **argv)
{
	const char *profile = NULL;
	struct check_stats st;
	struct trace *t;
	struct replay *r;
	int ch, rc;

	while ((ch = cmd_getopt(&cmd_check, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		profile = optarg;
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_check, argc == optind ? "check needs a trace file"
		                       : "check takes one trace");
	rc = cmd_open(argv[optind], profile, &t, &r);
	if (rc != 0)
		return rc;
	tell_machine(&t->machine, stdout);
	check_replay(r, stdout, &st);
	printf("%s: %zu observe step%s, %zu region%s paired, %zu difference%s in %zu step%s",
	       t->path, st.steps, plural(st.steps), st.regions, plural(st.regions), st.diffs,
	       plural(st.diffs), st.diff_steps, plural(st.diff_steps));
	if (st.explained > 0)   /* told, not counted: the machine explains them */
		printf(", %zu explained by the machine", st.explained);
	printf(" (profile %s)\n", replay_profile(r)->name);
	rc = st.diffs > 0 ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmscope: check: cannot write to standard output\n");
		rc = EXIT_IO;
	}
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_check = {
	.name = "check",
	.synopsis = "[--profile P] TRACE",
	.summary = "compare a recorded trace's observations with the model",
	.help = help,
	.run = run,
};
