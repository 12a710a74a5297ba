/* SPDX-License-Identifier: MIT */
/*
 * cmd_validate.c -- `vmscope validate`: load a trace, list its failed steps.
 */
#include <config.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "trace/trace.h"
#include "vm/vm_profile.h"

static const char help[] =
"Load TRACE, replay it and print its failed steps (a failed step is an\n"
"outcome, not an error: the exit status is 0).  A malformed trace gives\n"
"FILE:LINE:COL: message and exit status 2.\n"
"\n"
"Options:\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print the summary line and one line per failed step of R. */
static void
print_failures(struct replay *r)
{
	const struct trace *t = replay_trace(r);
	size_t n = replay_nsteps(r), nf = replay_nfailed(r);

	printf("%s: %zu event%s, %zu failed step%s (profile %s)\n", t->path, n,
	       n == 1 ? "" : "s", nf, nf == 1 ? "" : "s", replay_profile(r)->name);
	for (size_t k = 1; k <= n; k++) {
		char desc[256];

		if (replay_status(r, k) == KERN_SUCCESS)
			continue;
		replay_describe(r, k, desc, sizeof desc);
		printf("%s:%u: step %zu: %s: %s (%s)\n", t->path, replay_event(r, k)->line, k,
		       dump_sanitize(desc), vm_kr_name(replay_status(r, k)),
		       replay_reason_text(replay_reason(r, k)));
	}
}

static int
run(int argc, char **argv)
{
	const char *profile = NULL;
	struct trace *t;
	struct replay *r;
	int ch, rc;

	while ((ch = cmd_getopt(&cmd_validate, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		profile = optarg;
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_validate, argc == optind ? "validate needs a trace file"
		                       : "validate takes one trace");
	rc = cmd_open(argv[optind], profile, &t, &r);
	if (rc != 0)
		return rc;
	print_failures(r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmscope: validate: cannot write to standard output\n");
		rc = EXIT_IO;
	}
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_validate = {
	.name = "validate",
	.synopsis = "[--profile P] TRACE",
	.summary = "check a trace and list its failed steps",
	.help = help,
	.run = run,
};
