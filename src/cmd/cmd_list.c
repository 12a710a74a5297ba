/* SPDX-License-Identifier: MIT */
/*
 * cmd_list.c -- `vmscope list`: the built-in scenarios.
 */
#include <config.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "replay/dump.h"
#include "replay/scenarios.h"
#include "trace/trace.h"

static const char help[] =
"One line per scenario built into vmscope: its name (usable wherever a TRACE\n"
"is expected), its kernel profile and title.  The first is the default demo.\n"
"Then the other scenarios found in $VMSCOPE_DATADIR and the installed data\n"
"directory (" VMSCOPE_DATADIR ").\n"
"\n"
"Options:\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Print one line for the scenario NAME loaded as T (may be NULL). */
static void
list_line(const char *name, const struct trace *t, const char *extra)
{
	char title[256] = "", shown[64];

	if (t != NULL && t->title != NULL)
		snprintf(title, sizeof title, "%s", t->title);
	snprintf(shown, sizeof shown, "%s", name);
	printf("%-22s %-12s %s%s\n", dump_sanitize(shown), t != NULL && t->profile ? t->profile : "",
	       dump_sanitize(title), extra);
}

/* Print one line for built-in scenario S. */
static void
list_one(const struct scenario_builtin *s)
{
	struct trace *t = NULL;
	struct trace_error err;

	if (trace_load_mem(s->path, s->text, s->len, &t, &err) != 0)
		t = NULL;
	list_line(s->name, t, s == scenario_builtins ? "  (default demo)" : "");
	trace_free(t);
}

/* Compare two strings for qsort. */
static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenario files of DIR not built in and not already listed (their
 * names in SEEN, N of them), in name order. */
static void
list_dir(const char *dir, char **seen, size_t *n, size_t cap)
{
	DIR *d = dir != NULL && dir[0] != '\0' ? opendir(dir) : NULL;
	struct dirent *de;
	size_t first = *n;

	while (d != NULL && (de = readdir(d)) != NULL && *n < cap) {
		size_t len = strlen(de->d_name);
		char name[256];
		bool dup = false;

		if (len <= 6 || strcmp(de->d_name + len - 6, ".jsonl") != 0 || de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(len - 6), de->d_name);
		for (size_t i = 0; i < *n && !dup; i++)
			dup = strcmp(seen[i], name) == 0;
		if (!dup && scenario_find(name) == NULL && (seen[*n] = strdup(name)) != NULL)
			(*n)++;
	}
	if (d != NULL)
		closedir(d);
	qsort(seen + first, *n - first, sizeof *seen, cmp_str);
	for (size_t i = first; i < *n; i++) {
		char path[4096];
		struct trace *t = NULL;
		struct trace_error err;

		snprintf(path, sizeof path, "%s/%s.jsonl", dir, seen[i]);
		if (trace_load_file(path, &t, &err) != 0)
			t = NULL;
		list_line(seen[i], t, "");
		trace_free(t);
	}
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
	{
		char *seen[512];
		size_t n = 0;

		list_dir(getenv("VMSCOPE_DATADIR"), seen, &n, 512);
		list_dir(VMSCOPE_DATADIR, seen, &n, 512);
		for (size_t i = 0; i < n; i++)
			free(seen[i]);
	}
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
