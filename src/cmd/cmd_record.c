/* SPDX-License-Identifier: MIT */
/*
 * cmd_record.c -- `vmscope record SCENARIO -o TRACE`: run a scenario in
 * real Linux processes.
 */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "linux/record.h"
#include "linux/record_cmd.h"
#include "replay/scenarios.h"
#include "trace/trace.h"

static const char help[] =
"Run SCENARIO (a trace file or built-in name) in real Linux processes, one per\n"
"task, and write TRACE: the scenario's events with what /proc showed after\n"
"each step as observe events (docs/recording.md).  Then\n"
"'vmscope check --profile linux TRACE' compares kernel and model.\n"
"\n"
"With -- COMMAND [ARGS...] (or a COMMAND that is no trace), run the program\n"
"under ptrace instead and record what its processes do to their memory:\n"
"mmap, munmap, mprotect, mremap, brk, madvise, fork, exec, exit, and the\n"
"writes to its anonymous memory, with an observe event after each fork and\n"
"before each exit.  The exit status is the program's.\n"
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

/* Record the program ARGV (after "--", or a command that is no trace). */
static int
record_program(char **argv, const char *out, bool verbose)
{
	struct record_cmd_opts o = { .argv = argv, .out = out, .msgs = stderr, .verbose = verbose };
	int rc = record_command(&o);

	return rc < 0 ? EXIT_IO : rc;
}

/* Is S a scenario rather than a program: a built-in or installed
 * scenario, a name ending in .jsonl, or a file that is not executable? */
static bool
is_scenario(const char *s)
{
	size_t n = strlen(s);
	char path[4096];

	return scenario_find(s) != NULL || cmd_data_file(s, path, sizeof path) ||
	       (n > 6 && strcmp(s + n - 6, ".jsonl") == 0) ||
	       (access(s, F_OK) == 0 && access(s, X_OK) != 0) || strcmp(s, "-") == 0;
}

static int
run(int argc, char **argv)
{
	struct record_opts o = { .msgs = stderr };
	struct trace *t = NULL;
	int ch, rc, dash = 0;

	/* Options end at "--": what follows is the program and its arguments. */
	for (int i = 1; i < argc && dash == 0; i++)
		if (strcmp(argv[i], "--") == 0)
			dash = i;
	while ((ch = cmd_getopt(&cmd_record, dash ? dash + 1 : argc, argv, "ho:v", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == 'o')
			o.out = optarg;
		else
			o.verbose = true;
	}
	if (o.out == NULL)
		return cmd_usage_error(&cmd_record, "record needs -o TRACE");
	if (dash != 0 && optind != dash + 1)
		return cmd_usage_error(&cmd_record, "a scenario and a program: give one");
	if (dash != 0 && dash + 1 >= argc)
		return cmd_usage_error(&cmd_record, "no program after --");
	/* One operand that names a scenario is one, "--" or not. */
	if (optind < argc && (argc - optind > 1 || !is_scenario(argv[optind])))
		return record_program(argv + optind, o.out, o.verbose);
	if (argc - optind > 1)
		return cmd_usage_error(&cmd_record, "record takes one scenario ('%s' and '%s'); "
		                       "a program goes after --", argv[optind], argv[optind + 1]);
	if (optind >= argc)
		return cmd_usage_error(&cmd_record, "record needs a scenario, or -- COMMAND");
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
	.synopsis = "SCENARIO -o TRACE [--verbose] | -o TRACE -- COMMAND [ARGS...]",
	.summary = "run a scenario, or trace a program, in real Linux processes",
	.help = help,
	.run = run,
};
