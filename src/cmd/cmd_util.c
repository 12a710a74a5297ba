/* SPDX-License-Identifier: MIT */
/*
 * cmd_util.c -- what the commands share: option parsing with vmscope's
 * messages, loading a trace or scenario, opening a replay, and the options
 * of the player and render.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "progress.h"
#include "ui/ui_grid.h"
#include "replay/replay.h"
#include "replay/scenarios.h"
#include "trace/trace.h"
#include "vm/vm_profile.h"

/*
 * Print "LEAD vmscope NAME SYNOPSIS" (NAME omitted for the player), wrapped
 * before 80 columns between bracketed groups, continuation lines indented
 * under the first group.
 */
void
cmd_print_usage(FILE *out, const char *lead, const struct cmd *c, bool named)
{
	const char *s = c->synopsis;
	int col, indent;

	col = fprintf(out, "%svmscope%s%s", lead, named ? " " : "", named ? c->name : "");
	indent = col + 1;
	while (*s != '\0') {
		size_t n = 0;
		int depth = 0;

		while (s[n] == ' ')
			s++;
		/* One group: up to a space outside brackets. */
		for (; s[n] != '\0' && (s[n] != ' ' || depth > 0); n++)
			depth += (s[n] == '[') - (s[n] == ']');
		if (n == 0)
			break;
		if (col + 1 + (int)n > 79 && col > indent) {
			fprintf(out, "\n%*s", indent - 1, "");
			col = indent - 1;
		}
		col += fprintf(out, " %.*s", (int)n, s);
		s += n;
	}
	fputc('\n', out);
}

/* Print C's usage line, summary and help to OUT. */
void
cmd_help(const struct cmd *c, FILE *out)
{
	cmd_print_usage(out, "usage: ", c, c != &cmd_play);
	if (c == &cmd_play)
		cmd_print_usage(out, "       ", c, true);
	fprintf(out, "\n%s", c->help);
}

/* The hint after a command-line error. */
static void
help_hint(const struct cmd *c)
{
	fprintf(stderr, "Try 'vmscope %s --help'.\n", c->name);
}

int
cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmscope: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	help_hint(c);
	return EXIT_BAD_INPUT;
}

/* The option word ARG as the user typed it, without any "=VALUE". */
static void
option_word(const char *arg, char *buf, size_t len)
{
	size_t n = strcspn(arg, "=");

	snprintf(buf, len, "%.*s", (int)(n < 200 ? n : 200), arg);
}

int
cmd_getopt(const struct cmd *c, int argc, char **argv, const char *shortopts,
           const struct option *longopts)
{
	char opts[64], word[256];
	int ch;

	snprintf(opts, sizeof opts, ":%s", shortopts);
	opterr = 0;
	ch = getopt_long(argc, argv, opts, longopts, NULL);
	if (ch == 'h') {
		cmd_help(c, stdout);
		return 'h';
	}
	if (ch != '?' && ch != ':')
		return ch;
	if (optopt > 0 && optopt < 0x100 && optopt != 'h' && argv[optind - 1][1] != '-')
		snprintf(word, sizeof word, "-%c", optopt);
	else
		option_word(argv[optind - 1], word, sizeof word);
	if (ch == ':')
		cmd_usage_error(c, "option '%s' needs a value", word);
	else
		cmd_usage_error(c, "unknown option '%s'", word);
	return '?';
}

bool
cmd_parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > SIZE_MAX)
		return false;
	*out = (size_t)v;
	return true;
}

/* ---- traces and replays --------------------------------------------------------- */

/*
 * The scenario file called NAME in the data directories ($VMSCOPE_DATADIR,
 * then the installed one): "DIR/NAME.jsonl" into BUF; false when NAME is a
 * path or no such file exists.
 */
bool
cmd_data_file(const char *name, char *buf, size_t len)
{
	const char *dirs[2] = { getenv("VMSCOPE_DATADIR"), VMSCOPE_DATADIR };
	size_t n = strlen(name);
	const char *ext = n > 6 && strcmp(name + n - 6, ".jsonl") == 0 ? "" : ".jsonl";

	if (strchr(name, '/') != NULL || name[0] == '\0')
		return false;
	for (size_t i = 0; i < 2; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		if ((size_t)snprintf(buf, len, "%s/%s%s", dirs[i], name, ext) < len &&
		    access(buf, R_OK) == 0)
			return true;
	}
	return false;
}

int
cmd_load_trace(const char *arg, struct trace **t)
{
	struct trace_error err;
	const struct scenario_builtin *s = NULL;
	char path[4096];
	int rc;

	if (arg == NULL)
		s = &scenario_builtins[0];
	else if (strcmp(arg, "-") != 0 && access(arg, F_OK) != 0)
		s = scenario_find(arg);
	if (arg != NULL && s == NULL && strcmp(arg, "-") != 0 && access(arg, F_OK) != 0 &&
	    cmd_data_file(arg, path, sizeof path))
		arg = path;
	if (arg != NULL && s == NULL && strcmp(arg, "-") != 0 && access(arg, F_OK) != 0) {
		fprintf(stderr, "vmscope: %s: %s (and no built-in scenario has that name; "
		        "see 'vmscope list')\n", arg, strerror(errno));
		return EXIT_IO;
	}
	if (s != NULL) {
		rc = trace_load_mem(s->path, s->text, s->len, t, &err);
	} else {
		struct progress pr;

		progress_begin(&pr, "loading");
		rc = trace_load_file_progress(arg, t, &err, progress_bytes, &pr);
		progress_end(&pr);
	}
	return rc != 0 ? cmd_trace_error(&err) : 0;
}

int
cmd_trace_error(const struct trace_error *err)
{
	char msg[600];

	trace_error_format(err, msg, sizeof msg);
	fprintf(stderr, "%s\n", msg);
	return err->line == 0 ? EXIT_IO : EXIT_BAD_INPUT;
}

int
cmd_open_replay(struct trace *t, const char *profile, struct replay **r)
{
	struct replay_opts o = { 0 };
	char err[512];

	if (profile != NULL) {
		o.profile = vm_profile_find(profile);
		if (o.profile == NULL) {
			fprintf(stderr, "vmscope: unknown profile '%s'; known:", profile);
			for (size_t i = 0; vm_profiles[i] != NULL; i++)
				fprintf(stderr, " %s", vm_profiles[i]->name);
			fprintf(stderr, "\n");
			return EXIT_BAD_INPUT;
		}
	}
	struct progress pr;

	progress_begin(&pr, "replaying");
	o.progress = progress_steps;
	o.progress_ctx = &pr;
	*r = replay_new(t, &o, err, sizeof err);
	progress_end(&pr);
	if (*r == NULL) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

int
cmd_open(const char *arg, const char *profile, struct trace **t, struct replay **r)
{
	int rc;

	*t = NULL;
	*r = NULL;
	rc = cmd_load_trace(arg, t);
	if (rc != 0)
		return rc;
	rc = cmd_open_replay(*t, profile, r);
	if (rc != 0) {
		trace_free(*t);
		*t = NULL;
	}
	return rc;
}

bool
cmd_parse_bytes(const char *s, uint64_t *out)
{
	size_t n;
	char num[32];
	size_t len = strlen(s);
	unsigned shift = 0;

	if (len == 0 || len >= sizeof num)
		return false;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	}
	if (shift != 0)
		num[len - 1] = '\0';
	if (!cmd_parse_count(num, &n) || (uint64_t)n > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)n << shift;
	return true;
}

int
cmd_check_step(const struct replay *r, size_t step)
{
	if (step <= replay_nsteps(r))
		return 0;
	fprintf(stderr, "vmscope: step %zu is out of range (0..%zu)\n", step, replay_nsteps(r));
	return EXIT_BAD_INPUT;
}

/* ---- the player's options -------------------------------------------------------- */

int
cmd_view_args_init(struct cmd_view_args *a)
{
	const char *nc = getenv("NO_COLOR");

	memset(a, 0, sizeof *a);
	ui_opts_default(&a->ui);
	if (nc != NULL && nc[0] != '\0')
		a->ui.no_color = true;
	return cmd_config_apply(a);
}

int
cmd_view_option(const struct cmd *c, int opt, const char *arg, struct cmd_view_args *a)
{
	switch (opt) {
	case OPT_PROFILE:
		a->profile = arg;
		return 0;
	case OPT_STEP:
		if (!cmd_parse_count(arg, &a->step))
			return cmd_usage_error(c, "--step needs a step number, not '%s'", arg);
		a->have_step = true;
		return 0;
	case OPT_LEFT:
		a->left = arg;
		return 0;
	case OPT_RIGHT:
		a->right = arg;
		return 0;
	case OPT_VIEW:
		if ((a->ui.view = ui_view_parse(arg)) < 0)
			return cmd_usage_error(c, "--view is model, observed or both, not '%s'", arg);
		return 0;
	case OPT_NO_ANIMATE:
		a->ui.animate = false;
		return 0;
	case OPT_ASCII:
		a->ui.ascii = true;
		return 0;
	case OPT_NO_COLOR:
		a->ui.no_color = true;
		return 0;
	case OPT_THEME:
		if ((a->ui.theme = ui_theme_parse(arg)) < 0)
			return cmd_usage_error(c, "--theme is dark, light or contrast, not '%s'", arg);
		return 0;
	case OPT_NO_MOUSE:
		a->ui.mouse = false;
		return 0;
	case OPT_QUIZ:
		a->ui.quiz = true;
		return 0;
	case OPT_COMPARE:
		if ((a->ui.compare = vm_profile_find(arg)) == NULL)
			return cmd_usage_error(c, "--compare needs a profile (vmscope --help lists "
			                       "them), not '%s'", arg);
		return 0;
	case OPT_ANSWERS:
		if (strcmp(arg, "-") == 0)
			return cmd_usage_error(c, "--answers needs a file name (standard output is "
			                       "the screen)");
		a->ui.answers = arg;
		a->ui.quiz = true;
		return 0;
	}
	return 1;
}

/* Trace task id called NAME, or -1. */
static int
task_id(const struct trace *t, const char *name)
{
	for (uint16_t i = 0; i < t->ntask_names; i++)
		if (strcmp(trace_task_name(t, i), name) == 0)
			return i;
	return -1;
}

int
cmd_view_tasks(const struct cmd *c, const struct trace *t, struct cmd_view_args *a)
{
	if (a->left != NULL && (a->ui.left = task_id(t, a->left)) < 0)
		return cmd_usage_error(c, "no task '%s' in this trace", a->left);
	if (a->right != NULL && (a->ui.right = task_id(t, a->right)) < 0)
		return cmd_usage_error(c, "no task '%s' in this trace", a->right);
	return 0;
}
