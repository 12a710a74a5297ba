/* SPDX-License-Identifier: MIT */
/*
 * main.c -- vmscope's entry point: find the command and run it.
 *
 * "vmscope CMD ARGS" runs command CMD; anything else -- no argument, an
 * option, a trace file, a scenario name -- opens the player.  A word that
 * is neither a command, a file nor a scenario but is close to a command's
 * name is taken for a typo ("did you mean 'dump'?"), as git does.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "trace/text.h"
#include "replay/dump.h"
#include "replay/scenarios.h"

const struct cmd *const cmd_table[] = {
	&cmd_play, &cmd_dump, &cmd_render, &cmd_validate, &cmd_list, &cmd_import,
	&cmd_check, &cmd_grade, &cmd_notes, &cmd_present, &cmd_handout, &cmd_record, &cmd_attach, NULL,
};

const struct cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static const char global_help[] =
"\n"
"TRACE is a trace file (JSON Lines, see docs/trace-format.md; - reads standard\n"
"input) or the name of a built-in scenario (see `vmscope list`); without it,\n"
"the fork-lifecycle demo.  'vmscope COMMAND --help' shows a command's options.\n"
"\n"
"Profiles: xnu-arm64 (default), xnu-x86_64, mach, gnumach-2022, gnumach, linux.\n"
"Exit status: 0 success, 1 file or terminal error (check: also a difference),\n"
"2 malformed trace or bad command line.\n";

/* vmscope --help: every command's synopsis and summary, from the table. */
static void
print_global_help(FILE *out)
{
	cmd_print_usage(out, "usage: ", &cmd_play, false);
	for (size_t i = 1; cmd_table[i] != NULL; i++)
		cmd_print_usage(out, "       ", cmd_table[i], true);
	fprintf(out, "       vmscope --help | --version\n\nCommands:\n");
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fputs(global_help, out);
}

/* The command whose name is nearest WORD (text_nearest), or NULL. */
static const struct cmd *
nearest_command(const char *word)
{
	const char *names[64];
	const char *near;
	size_t n = 0;

	for (size_t i = 0; cmd_table[i] != NULL && n < sizeof names / sizeof names[0]; i++)
		names[n++] = cmd_table[i]->name;
	near = text_nearest(word, names, n);
	for (size_t i = 0; near != NULL && cmd_table[i] != NULL; i++)
		if (cmd_table[i]->name == near)
			return cmd_table[i];
	return NULL;
}

/* Is ARG something the player can open (stdin, a file, a scenario)? */
static bool
is_trace_arg(const char *arg)
{
	char path[4096];

	return strcmp(arg, "-") == 0 || access(arg, F_OK) == 0 || scenario_find(arg) != NULL ||
	       cmd_data_file(arg, path, sizeof path);
}

/*
 * A command's exit status RC, made 1 when something it printed could not
 * be written (as git does after every builtin): a command that reported its
 * own write error already returned non-zero.
 */
static int
stdout_checked(int rc)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (rc == 0)
		fprintf(stderr, "vmscope: cannot write to standard output\n");
	return rc == 0 ? EXIT_IO : rc;
}

int
main(int argc, char **argv)
{
	const struct cmd *c;
	const char *a = argc > 1 ? argv[1] : NULL;

	if (a != NULL && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
		print_global_help(stdout);
		return stdout_checked(0);
	}
	if (a != NULL && (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0)) {
		printf("vmscope %s\n", PACKAGE_VERSION);
		return stdout_checked(0);
	}
	if (a != NULL && (c = cmd_find(a)) != NULL)
		return stdout_checked(c->run(argc - 1, argv + 1));
	if (a != NULL && a[0] != '-' && !is_trace_arg(a) && (c = nearest_command(a)) != NULL) {
		char word[64];

		snprintf(word, sizeof word, "%s", a);
		fprintf(stderr, "vmscope: '%s' is not a command; did you mean '%s'?\n",
		        dump_sanitize(word), c->name);
		return EXIT_BAD_INPUT;
	}
	argv[0] = (char *)"vmscope";
	return stdout_checked(cmd_play.run(argc, argv));
}
