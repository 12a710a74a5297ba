/* SPDX-License-Identifier: MIT */
/*
 * cmd_record.c -- `vmscope record SCENARIO -o TRACE`: run a scenario in
 * real Linux processes.
 */
#include <config.h>

#include "cmd.h"
#include "linux/record.h"
#include "trace/trace.h"

static const char help[] =
"Run SCENARIO (a trace file or built-in name) in real Linux processes, one per\n"
"task, and write TRACE: the scenario's events with what /proc showed after\n"
"each step as observe events (docs/recording.md).  Then\n"
"'vmscope check --profile linux TRACE' compares kernel and model.\n"
"\n"
"Options:\n"
"  -o, --output TRACE  the trace to write (required)\n"
"  -v, --verbose       one line per step on standard error\n"
"  -h, --help          this help\n";

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
run(int argc, char **argv)
{
	struct record_opts o = { .msgs = stderr };
	struct trace *t = NULL;
	int ch, rc;

	while ((ch = cmd_getopt(&cmd_record, argc, argv, "ho:v", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == 'o')
			o.out = optarg;
		else
			o.verbose = true;
	}
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_record, "record takes one scenario ('%s' and '%s')",
		                       argv[optind], argv[optind + 1]);
	if (optind >= argc || o.out == NULL)
		return cmd_usage_error(&cmd_record, "record needs a scenario and -o TRACE");
	o.scenario = argv[optind];
	rc = cmd_load_trace(o.scenario, &t);
	if (rc != 0)
		return rc;
	o.t = t;
	rc = trace_record(&o);
	trace_free(t);
	return rc;
}

const struct cmd cmd_record = {
	.name = "record",
	.synopsis = "SCENARIO -o TRACE [--verbose]",
	.summary = "run a scenario in real Linux processes, recording /proc",
	.help = help,
	.run = run,
};
