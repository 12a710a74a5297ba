/* SPDX-License-Identifier: MIT */
/*
 * cmd_list.c -- `vmscope list`: the built-in scenarios.
 */
#include <config.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/scenarios.h"
#include "trace/trace.h"

static const char help[] =
"One line per scenario built into vmscope: its name (usable wherever a TRACE\n"
"is expected), its kernel profile and title.  The first is the default demo.\n"
"\n"
"Options:\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print one line for scenario S. */
static void
list_one(const struct scenario_builtin *s)
{
	struct trace *t = NULL;
	struct trace_error err;
	char title[256] = "";

	if (trace_load_mem(s->path, s->text, s->len, &t, &err) == 0 && t->title != NULL)
		snprintf(title, sizeof title, "%s", t->title);
	printf("%-22s %-12s %s%s\n", s->name, t != NULL && t->profile ? t->profile : "",
	       dump_sanitize(title), s == scenario_builtins ? "  (default demo)" : "");
	trace_free(t);
}

static int
run(int argc, char **argv)
{
	int ch;

	while ((ch = cmd_getopt(&cmd_list, argc, argv, "h", longopts)) != -1)
		return ch == 'h' ? 0 : EXIT_BAD_INPUT;
	if (optind < argc)
		return cmd_usage_error(&cmd_list, "list takes no arguments ('%s')", argv[optind]);
	for (const struct scenario_builtin *s = scenario_builtins; s->name != NULL; s++)
		list_one(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "vmscope: list: cannot write to standard output\n");
		return EXIT_IO;
	}
	return 0;
}

const struct cmd cmd_list = {
	.name = "list",
	.synopsis = "",
	.summary = "list the built-in scenarios",
	.help = help,
	.run = run,
};
