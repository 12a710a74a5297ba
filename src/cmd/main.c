/*
 * main.c -- the vmscope command line: play, dump, render, validate, list.
 *
 * Only this file decides exit statuses: 0 success, 1 an I/O or terminal
 * failure (a file that cannot be read), 2 bad input (a malformed trace, a
 * bad command line).  Failed steps inside a valid trace are outcomes shown
 * by the player and dump, not errors.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/check.h"
#include "replay/dump.h"
#include "replay/replay.h"
#include "replay/scenarios.h"
#include "trace/trace.h"
#include "import/import.h"
#include "linux/record.h"
#include "linux/attach.h"
#include "ui/ui.h"
#include "vm/vm.h"
#include "vm/vm_profile.h"

#define EXIT_IO 1
#define EXIT_BAD_INPUT 2

static const char usage_text[] =
"usage: vmscope [OPTIONS] [TRACE]          play TRACE in the terminal\n"
"       vmscope dump [--json] [--step N | --all] [--profile P] [TRACE]\n"
"       vmscope render --size WxH [--step N] [--key KEYS] [--format text|ansi|svg]\n"
"                      [--view V] [--ascii] [--profile P] [TRACE]\n"
"       vmscope validate TRACE\n"
"       vmscope list\n"
"       vmscope import vmmap|smaps|maps|vminfo FILE... -o TRACE [--task NAME]\n"
"       vmscope check [--profile P] TRACE\n"
"       vmscope record SCENARIO -o TRACE [--verbose]\n"
"       vmscope attach PID [PID2] [--interval MS] [--count N] [-o TRACE] [--batch]\n"
"       vmscope --help | --version\n"
"\n"
"TRACE is a trace file (JSON Lines, see docs/trace-format.md; - reads standard\n"
"input) or the name of a built-in scenario (see `vmscope list`); without it,\n"
"the fork-lifecycle demo.\n"
"\n"
"Player options:\n"
"  --profile P      replay under kernel profile P instead of the trace's\n"
"  --step N         open at step N (0 = before the first event)\n"
"  --left TASK      task shown in the left pane (default: the first)\n"
"  --right TASK     task shown in the right pane (default: the second)\n"
"  --view V         what the panes show: model, observed (the trace's recorded\n"
"                   observations) or both (paired, differences marked); default\n"
"                   both when the trace has observations, else model; key o\n"
"  --no-animate     no highlight fades or arrows\n"
"  --ascii          ASCII only (no UTF-8 line drawing or glyphs)\n"
"  --no-color       monochrome (also when NO_COLOR is set)\n"
"\n"
"dump: the region report of every task after step N (default: the last),\n"
"  vmmap-like text, or with --json one JSON object per line per step;\n"
"  --all prints every step.\n"
"render: print the exact screen the player shows at step N, as text, ANSI\n"
"  or SVG; --key applies a key script first (docs/keys.md).\n"
"validate: check a trace; print its failed steps.  list: built-in scenarios.\n"
"import: turn captures of one task (macOS vmmap output, Linux /proc/PID/smaps\n"
"  or maps, GNU Hurd vminfo output) into a trace, one observe step per file.\n"
"check: replay TRACE and compare each observe step with the model's report;\n"
"  exit 1 when they differ (docs/recording.md).\n"
"record: run SCENARIO (a trace or built-in name) in real Linux processes and\n"
"  write TRACE with what /proc showed after each step (docs/recording.md).\n"
"attach: sample live processes' smaps and pagemap every MS milliseconds\n"
"  (default 1000).  On a terminal (stdin and stdout), without --count or\n"
"  --batch: the player, observed view, one pane per process, a step per\n"
"  process per sample, following the newest (Space pauses sampling, G/End\n"
"  follows again, q quits; -o TRACE is completed on q and Ctrl-C).\n"
"  Otherwise one cost line per sample, N times (default: until Ctrl-C or\n"
"  a process exits).  --view, --ascii, --no-color apply to the player.\n"
"\n"
"Profiles: xnu-arm64 (default), xnu-x86_64, mach, gnumach-2022, gnumach, linux.\n"
"Exit status: 0 success, 1 file or terminal error (check: also a difference),\n"
"2 malformed trace or bad command line.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a command-line error and return the bad-input exit status. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmscope: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vmscope --help'.\n");
	return EXIT_BAD_INPUT;
}

/* Parse a non-negative decimal number; false on junk. */
static bool
parse_size_t(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = (size_t)v;
	return true;
}

/*
 * Load TRACE (a file, or a built-in scenario name; NULL for the default
 * demo).  Returns 0, or an exit status after printing the error.
 */
static int
load_trace(const char *arg, struct trace **t)
{
	struct trace_error err;
	const struct scenario_builtin *s = NULL;
	char msg[600];
	int rc;

	if (arg == NULL)
		s = &scenario_builtins[0];
	else if (strcmp(arg, "-") != 0 && access(arg, F_OK) != 0)
		s = scenario_find(arg);
	if (arg != NULL && s == NULL && strcmp(arg, "-") != 0 && access(arg, F_OK) != 0) {
		fprintf(stderr, "vmscope: %s: %s (and no built-in scenario has that name; "
		        "see 'vmscope list')\n", arg, strerror(errno));
		return EXIT_IO;
	}
	if (s != NULL)
		rc = trace_load_mem(s->path, s->text, s->len, t, &err);
	else
		rc = trace_load_file(arg, t, &err);
	if (rc != 0) {
		trace_error_format(&err, msg, sizeof msg);
		fprintf(stderr, "%s\n", msg);
		return err.line == 0 ? EXIT_IO : EXIT_BAD_INPUT;
	}
	return 0;
}

/* Open a replay of T under profile name PROFILE (may be NULL). */
static int
open_replay(struct trace *t, const char *profile, struct replay **r)
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
	*r = replay_new(t, &o, err, sizeof err);
	if (*r == NULL) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	return 0;
}

/* Command-line state shared by the subcommands. */
struct cli {
	const char *trace;
	const char *profile;
	const char *keys;
	const char *left, *right;
	size_t step;
	bool have_step, all, json;
	int cols, rows;
	enum ui_format format;
	struct ui_opts ui;
};

/* Take the value of option ARGV[*I] ("--opt V" or "--opt=V"). */
static const char *
opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool
is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Parse options from ARGV[FIRST...]; returns 0 or an exit status. */
static int
parse_options(int argc, char **argv, int first, struct cli *c)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i], *v;

		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (c->trace != NULL)
				return usage_error("more than one trace given: '%s'", a);
			c->trace = a;
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "--all") == 0) {
			c->all = true;
		} else if (strcmp(a, "--ascii") == 0) {
			c->ui.ascii = true;
		} else if (strcmp(a, "--no-animate") == 0) {
			c->ui.animate = false;
		} else if (strcmp(a, "--no-color") == 0) {
			c->ui.no_color = true;
		} else if (is_opt(a, "--profile")) {
			if ((c->profile = opt_value(argc, argv, &i, "--profile")) == NULL)
				return usage_error("%s needs a profile name", a);
		} else if (is_opt(a, "--step")) {
			v = opt_value(argc, argv, &i, "--step");
			if (!parse_size_t(v, &c->step))
				return usage_error("--step needs a step number, not '%s'", v ? v : "");
			c->have_step = true;
		} else if (is_opt(a, "--key") || is_opt(a, "--keys")) {
			if ((c->keys = opt_value(argc, argv, &i, a[5] == 's' ? "--keys" : "--key")) == NULL)
				return usage_error("%s needs a key script", a);
		} else if (is_opt(a, "--left")) {
			if ((c->left = opt_value(argc, argv, &i, "--left")) == NULL)
				return usage_error("%s needs a task name", a);
		} else if (is_opt(a, "--right")) {
			if ((c->right = opt_value(argc, argv, &i, "--right")) == NULL)
				return usage_error("%s needs a task name", a);
		} else if (is_opt(a, "--view")) {
			v = opt_value(argc, argv, &i, "--view");
			if ((c->ui.view = ui_view_parse(v)) < 0)
				return usage_error("--view is model, observed or both, not '%s'", v ? v : "");
		} else if (is_opt(a, "--size")) {
			v = opt_value(argc, argv, &i, "--size");
			if (v == NULL || sscanf(v, "%dx%d", &c->cols, &c->rows) != 2 || c->cols <= 0 ||
			    c->rows <= 0 || c->cols > 1000 || c->rows > 1000)
				return usage_error("--size needs COLSxROWS (e.g. 120x40), not '%s'", v ? v : "");
		} else if (is_opt(a, "--format")) {
			v = opt_value(argc, argv, &i, "--format");
			if (v != NULL && strcmp(v, "text") == 0)
				c->format = UI_FORMAT_TEXT;
			else if (v != NULL && strcmp(v, "ansi") == 0)
				c->format = UI_FORMAT_ANSI;
			else if (v != NULL && strcmp(v, "svg") == 0)
				c->format = UI_FORMAT_SVG;
			else
				return usage_error("--format is text, ansi or svg, not '%s'", v ? v : "");
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	return 0;
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

static int
cmd_dump(struct cli *c, struct replay *r)
{
	size_t n = replay_nsteps(r);
	size_t from = c->have_step ? c->step : n, to = from;

	if (c->have_step && c->step > n) {
		fprintf(stderr, "vmscope: step %zu is out of range (0..%zu)\n", c->step, n);
		return EXIT_BAD_INPUT;
	}
	if (c->all) {
		from = 0;
		to = n;
	}
	for (size_t k = from; k <= to; k++) {
		replay_seek(r, k);
		if (c->json)
			dump_step_json(r, stdout);
		else
			dump_step_text(r, stdout);
	}
	return ferror(stdout) ? EXIT_IO : 0;
}

static int
cmd_validate(struct cli *c, struct replay *r)
{
	const struct trace *t = replay_trace(r);

	printf("%s: %zu event%s, %zu failed step%s (profile %s)\n", t->path, replay_nsteps(r),
	       replay_nsteps(r) == 1 ? "" : "s", replay_nfailed(r), replay_nfailed(r) == 1 ? "" : "s",
	       replay_profile(r)->name);
	for (size_t k = 1; k <= replay_nsteps(r); k++) {
		char desc[256];

		if (replay_status(r, k) == KERN_SUCCESS)
			continue;
		replay_describe(r, k, desc, sizeof desc);
		printf("%s:%u: step %zu: %s: %s (%s)\n", t->path, replay_event(r, k)->line, k,
		       dump_sanitize(desc), vm_kr_name(replay_status(r, k)),
		       replay_reason_text(replay_reason(r, k)));
	}
	(void)c;
	return 0;
}

/* vmscope check: observations against the model; 1 when they differ. */
static int
cmd_check(struct replay *r)
{
	struct check_stats st;
	const struct trace *t = replay_trace(r);

	check_replay(r, stdout, &st);
	printf("%s: %zu observe step%s, %zu region%s paired, %zu difference%s in %zu step%s "
	       "(profile %s)\n", t->path, st.steps, st.steps == 1 ? "" : "s", st.regions,
	       st.regions == 1 ? "" : "s", st.diffs, st.diffs == 1 ? "" : "s", st.diff_steps,
	       st.diff_steps == 1 ? "" : "s", replay_profile(r)->name);
	if (ferror(stdout))
		return EXIT_IO;
	return st.diffs > 0 ? 1 : 0;
}

static int
cmd_list(void)
{
	for (const struct scenario_builtin *s = scenario_builtins; s->name != NULL; s++) {
		struct trace *t = NULL;
		struct trace_error err;
		char title[256] = "";

		if (trace_load_mem(s->path, s->text, s->len, &t, &err) == 0 && t->title != NULL)
			snprintf(title, sizeof title, "%s", t->title);
		printf("%-22s %-12s %s%s\n", s->name, t != NULL && t->profile ? t->profile : "",
		       dump_sanitize(title), s == scenario_builtins ? "  (default demo)" : "");
		trace_free(t);
	}
	return 0;
}

/* vmscope import KIND FILE... -o TRACE [--task NAME]. */
static int
cmd_import(int argc, char **argv)
{
	struct import_opts o = { .errs = stderr };
	const char **files = calloc((size_t)argc, sizeof *files);
	int rc;

	if (files == NULL)
		return EXIT_IO;
	if (argc < 3 || (o.kind = import_kind_parse(argv[2])) == IMPORT_NONE) {
		free(files);
		return usage_error("import needs a kind: vmmap, smaps (or maps) or vminfo, not '%s'",
		                   argc < 3 ? "" : argv[2]);
	}
	for (int i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (is_opt(a, "-o") || is_opt(a, "--output")) {
			if ((o.out = opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output")) == NULL)
				break;
		} else if (is_opt(a, "--task")) {
			if ((o.task = opt_value(argc, argv, &i, "--task")) == NULL) {
				free(files);
				return usage_error("--task needs a task name");
			}
		} else if (a[0] == '-' && a[1] != '\0') {
			free(files);
			return usage_error("unknown option '%s'", a);
		} else {
			files[o.nfiles++] = a;
		}
	}
	if (o.out == NULL || o.nfiles == 0) {
		free(files);
		return usage_error("import needs capture files and -o TRACE");
	}
	o.files = files;
	rc = trace_import(&o);
	free(files);
	return rc == IMPORT_OK ? 0 : rc == IMPORT_IO ? EXIT_IO : EXIT_BAD_INPUT;
}

/* vmscope record SCENARIO -o TRACE [--verbose]. */
static int
cmd_record(int argc, char **argv)
{
	struct record_opts o = { .msgs = stderr };
	const char *scen = NULL;
	struct trace *t = NULL;
	int rc;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (is_opt(a, "-o") || is_opt(a, "--output")) {
			if ((o.out = opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output")) == NULL)
				return usage_error("%s needs a trace file name", a);
		} else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			o.verbose = true;
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option '%s'", a);
		} else if (scen != NULL) {
			return usage_error("record takes one scenario ('%s' and '%s')", scen, a);
		} else {
			scen = a;
		}
	}
	if (scen == NULL || o.out == NULL)
		return usage_error("record needs a scenario and -o TRACE");
	rc = load_trace(scen, &t);
	if (rc != 0)
		return rc;
	o.t = t;
	o.scenario = scen;
	rc = trace_record(&o);
	trace_free(t);
	return rc;
}

/* The player's live source: one attach sample (ui.h's struct ui_live). */
static void
live_sample(void *ctx, struct ui_live_sample *out)
{
	struct attach *a = ctx;
	struct attach_result r;
	int st = attach_sample(a, &r);

	out->nsamples = r.sample != 0;
	out->cost_ms = r.ms;
	out->ended = st != ATTACH_OK;
	out->error = st == ATTACH_ERROR;
	snprintf(out->msg, sizeof out->msg, "%s", r.msg);
	for (size_t i = 0; i < 2; i++) {
		bool sampled = true;

		if (attach_process(a, i, NULL, &sampled) != 0)
			out->stopped[i] = !sampled;
	}
}

/*
 * vmscope attach in the player: take the first sample before the terminal
 * is touched (a refusal is then an ordinary message and exit 1), then play
 * the session's trace in the observed view while it grows.  The output
 * file is completed however the player ends (q, Ctrl-C, a signal).
 */
static int
attach_live(const struct attach_opts *ao, struct ui_opts *uo)
{
	struct attach_opts o = *ao;
	struct ui_live live = { .sample = live_sample, .interval_ms = ao->interval_ms };
	struct attach_result first;
	struct attach *a;
	struct replay *r = NULL;
	char err[512];
	int st, rc = 0, rc2;

	o.keep_going = true;
	a = attach_open(&o, err, sizeof err);
	if (a == NULL) {
		fprintf(stderr, "vmscope: attach: %s\n", err);
		return EXIT_IO;
	}
	st = attach_sample(a, &first);
	if (first.msg[0] != '\0')
		fprintf(stderr, "vmscope: attach: %s\n", first.msg);
	if (st == ATTACH_ERROR)
		rc = EXIT_IO;
	else if (st == ATTACH_OK)
		rc = open_replay(attach_trace(a), NULL, &r);
	if (rc == 0 && r != NULL) {
		live.ctx = a;
		live.first_cost_ms = first.ms;
		snprintf(live.pids, sizeof live.pids, "%d", ao->pids[0]);
		if (ao->npids == 2)
			snprintf(live.pids + strlen(live.pids), sizeof live.pids - strlen(live.pids),
			         ",%d", ao->pids[1]);
		uo->live = &live;
		uo->start_step = replay_nsteps(r);
		if (uo->view == UI_VIEW_AUTO)
			uo->view = UI_VIEW_OBSERVED;
		rc = ui_run(r, uo);
		fprintf(stderr, "vmscope: attach: %zu sample%s\n", attach_nsamples(a),
		        attach_nsamples(a) == 1 ? "" : "s");
	}
	replay_free(r);
	rc2 = attach_close(a, err, sizeof err);
	if (err[0] != '\0')
		fprintf(stderr, "vmscope: attach: %s\n", err);
	return rc != 0 ? rc : rc2 != 0 ? EXIT_IO : 0;
}

/* vmscope attach PID [PID2] [--interval MS] [--count N] [-o TRACE]
 * [--batch] [player options]. */
static int
cmd_attach(int argc, char **argv, struct ui_opts *uo)
{
	struct attach_opts o = { .interval_ms = 1000, .msgs = stderr };
	bool batch = false;

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v;
		size_t n;

		if (is_opt(a, "-o") || is_opt(a, "--output")) {
			if ((o.out = opt_value(argc, argv, &i, a[1] == 'o' ? "-o" : "--output")) == NULL)
				return usage_error("%s needs a trace file name", a);
		} else if (is_opt(a, "--interval")) {
			v = opt_value(argc, argv, &i, "--interval");
			if (!parse_size_t(v, &n) || n == 0 || n > 86400000)
				return usage_error("--interval needs milliseconds (1..86400000), not '%s'", v ? v : "");
			o.interval_ms = (unsigned)n;
		} else if (is_opt(a, "--count")) {
			v = opt_value(argc, argv, &i, "--count");
			if (!parse_size_t(v, &n) || n == 0)
				return usage_error("--count needs a positive number, not '%s'", v ? v : "");
			o.count = n;
		} else if (strcmp(a, "--batch") == 0) {
			batch = true;
		} else if (strcmp(a, "--ascii") == 0) {
			uo->ascii = true;
		} else if (strcmp(a, "--no-color") == 0) {
			uo->no_color = true;
		} else if (strcmp(a, "--no-animate") == 0) {
			uo->animate = false;
		} else if (is_opt(a, "--view")) {
			v = opt_value(argc, argv, &i, "--view");
			if ((uo->view = ui_view_parse(v)) < 0)
				return usage_error("--view is model, observed or both, not '%s'", v ? v : "");
		} else if (a[0] == '-' && a[1] != '\0') {
			return usage_error("unknown option '%s'", a);
		} else {
			size_t pid;

			if (!parse_size_t(a, &pid) || pid == 0 || pid > 0x7fffffff)
				return usage_error("attach needs process ids, not '%s'", a);
			if (o.npids == 2)
				return usage_error("attach samples one or two processes");
			o.pids[o.npids++] = (int)pid;
		}
	}
	if (o.npids == 0)
		return usage_error("attach needs a process id");
	/* The player needs a terminal; --count and --batch mean lines. */
	if (!batch && o.count == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return attach_live(&o, uo);
	return attach_run(&o);
}

int
main(int argc, char **argv)
{
	struct cli c;
	struct trace *t = NULL;
	struct replay *r = NULL;
	const char *cmd = NULL;
	int first = 1, rc;

	memset(&c, 0, sizeof c);
	ui_opts_default(&c.ui);
	if (getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0')
		c.ui.no_color = true;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("vmscope %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc > 1 && (strcmp(argv[1], "dump") == 0 || strcmp(argv[1], "render") == 0 ||
	                 strcmp(argv[1], "validate") == 0 || strcmp(argv[1], "list") == 0 ||
	                 strcmp(argv[1], "check") == 0 ||
	                 strcmp(argv[1], "play") == 0)) {
		cmd = argv[1];
		first = 2;
	}
	if (argc > 1 && strcmp(argv[1], "import") == 0)
		return cmd_import(argc, argv);
	if (argc > 1 && strcmp(argv[1], "record") == 0)
		return cmd_record(argc, argv);
	if (argc > 1 && strcmp(argv[1], "attach") == 0)
		return cmd_attach(argc, argv, &c.ui);
	if (cmd != NULL && strcmp(cmd, "list") == 0)
		return argc > 2 ? usage_error("list takes no arguments ('%s')", argv[2]) : cmd_list();
	rc = parse_options(argc, argv, first, &c);
	if (rc != 0)
		return rc;
	if (cmd != NULL && (strcmp(cmd, "validate") == 0 || strcmp(cmd, "check") == 0) &&
	    c.trace == NULL)
		return usage_error("%s needs a trace file", cmd);
	if (cmd != NULL && strcmp(cmd, "render") == 0 && c.cols == 0)
		return usage_error("%s needs --size COLSxROWS", "render");
	rc = load_trace(c.trace, &t);
	if (rc != 0)
		return rc;
	rc = open_replay(t, c.profile, &r);
	if (rc != 0)
		goto out;
	if (c.left != NULL && (c.ui.left = task_id(t, c.left)) < 0) {
		rc = usage_error("no task '%s' in this trace", c.left);
		goto out;
	}
	if (c.right != NULL && (c.ui.right = task_id(t, c.right)) < 0) {
		rc = usage_error("no task '%s' in this trace", c.right);
		goto out;
	}
	if (c.have_step && c.step > replay_nsteps(r)) {
		fprintf(stderr, "vmscope: step %zu is out of range (0..%zu)\n", c.step, replay_nsteps(r));
		rc = EXIT_BAD_INPUT;
		goto out;
	}
	if (cmd != NULL && strcmp(cmd, "dump") == 0) {
		rc = cmd_dump(&c, r);
	} else if (cmd != NULL && strcmp(cmd, "validate") == 0) {
		rc = cmd_validate(&c, r);
	} else if (cmd != NULL && strcmp(cmd, "check") == 0) {
		rc = cmd_check(r);
	} else if (cmd != NULL && strcmp(cmd, "render") == 0) {
		char err[256];

		if (ui_render(r, &c.ui, c.cols, c.rows, c.have_step ? c.step : replay_nsteps(r), c.keys,
		              c.format, stdout, err, sizeof err) != 0) {
			fprintf(stderr, "vmscope: %s\n", err);
			rc = EXIT_BAD_INPUT;
		}
	} else {
		c.ui.start_step = c.have_step ? c.step : 0;
		rc = ui_run(r, &c.ui);
	}
out:
	replay_free(r);
	trace_free(t);
	return rc;
}
