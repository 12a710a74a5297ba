/* SPDX-License-Identifier: MIT */
/*
 * cmd_handout.c -- `vmscope handout TRACE -o DIR`: a printable page of a
 * trace, one SVG screen per step with its narration; no JavaScript.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "replay/explain.h"
#include "replay/replay.h"
#include "trace/outfile.h"
#include "trace/text.h"
#include "trace/trace.h"
#include "vm/vm_profile.h"

static const char help[] =
"Write DIR/index.html, a self-contained printable page of TRACE: for every\n"
"step its description, the player's screen as an SVG (DIR/step-K.svg), the\n"
"narration and what the model did, for students to take home.  No\n"
"JavaScript; every string from the trace is escaped.\n"
"\n"
"Options:\n"
"  -o, --output DIR  the directory to write (made if missing; required)\n"
"  --size COLSxROWS  the screens' size (default 120x36)\n"
"  --profile P       replay under kernel profile P instead of the trace's\n"
"  -h, --help        this help\n";

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Write S to OUT escaped for HTML (after dropping controls). */
static void
html(FILE *out, const char *s)
{
	char buf[4096];

	text_sanitize(buf, sizeof buf, s != NULL ? s : "", false);
	for (const char *p = buf; *p != '\0'; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*p, out);
		}
	}
}

/* Render step K of R as SVG into DIR/step-K.svg. */
static int
write_svg(struct replay *r, const struct cmd_view_args *v, int cols, int rows, const char *dir,
          size_t k)
{
	char path[4200], err[512];
	struct outfile of;
	FILE *f;

	snprintf(path, sizeof path, "%s/step-%zu.svg", dir, k);
	if ((f = outfile_open(&of, path, err, sizeof err)) == NULL) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_IO;
	}
	if (ui_render(r, &v->ui, cols, rows, k, NULL, UI_FORMAT_SVG, f, err, sizeof err) != 0) {
		outfile_abort(&of);
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_IO;
	}
	if (outfile_commit(&of, err, sizeof err) != 0) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_IO;
	}
	return 0;
}

/* The section of step K in the page. */
static void
page_step(FILE *f, struct replay *r, size_t k)
{
	const struct trace_event *ev = replay_event(r, k);
	const char *note = ev != NULL ? replay_note(r, k) : NULL;
	char desc[256], why[1024];

	replay_seek(r, k);
	replay_describe(r, k, desc, sizeof desc);
	fprintf(f, "<section>\n<h2>Step %zu/%zu: ", k, replay_nsteps(r));
	html(f, desc);
	if (replay_status(r, k) != KERN_SUCCESS) {
		fputs(" &mdash; ", f);
		html(f, vm_kr_name(replay_status(r, k)));
	}
	fprintf(f, "</h2>\n<img src=\"step-%zu.svg\" alt=\"the screen at step %zu\" />\n", k, k);
	if (note != NULL && note[0] != '\0') {
		fputs("<p class=\"note\">", f);
		html(f, note);
		fputs("</p>\n", f);
	}
	if (k > 0 && explain_effects(replay_effects(r), replay_linux_terms(r), why, sizeof why) > 0) {
		fputs("<p class=\"why\">The model: ", f);
		html(f, why);
		fputs(".</p>\n", f);
	}
	fputs("</section>\n", f);
}

/* DIR/index.html. */
static int
write_page(struct replay *r, const char *dir)
{
	const struct trace *t = replay_trace(r);
	char path[4200], err[512];
	struct outfile of;
	FILE *f;

	snprintf(path, sizeof path, "%s/index.html", dir);
	if ((f = outfile_open(&of, path, err, sizeof err)) == NULL) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_IO;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>", f);
	html(f, t->title != NULL ? t->title : t->path);
	fputs("</title>\n<style>\nbody { font-family: sans-serif; max-width: 60em; margin: auto; }\n"
	      "section { page-break-inside: avoid; margin-bottom: 2em; }\n"
	      "img { width: 100%; border: 1px solid #888; }\n"
	      ".why { color: #444; font-size: 90%; }\n</style>\n</head>\n<body>\n<h1>", f);
	html(f, t->title != NULL ? t->title : t->path);
	fprintf(f, "</h1>\n<p>Replayed under the %s kernel profile; %zu steps.</p>\n",
	        replay_profile(r)->name, replay_nsteps(r));
	for (size_t k = 0; k <= replay_nsteps(r); k++)
		page_step(f, r, k);
	fputs("</body>\n</html>\n", f);
	if (outfile_commit(&of, err, sizeof err) != 0) {
		fprintf(stderr, "vmscope: %s\n", err);
		return EXIT_IO;
	}
	return 0;
}

static int
run(int argc, char **argv)
{
	struct cmd_view_args v;
	const char *dir = NULL;
	struct trace *t;
	struct replay *r;
	int ch, rc, cols = 120, rows = 36;
	char x;

	if ((rc = cmd_view_args_init(&v)) != 0)
		return rc;
	v.ui.animate = false;
	while ((ch = cmd_getopt(&cmd_handout, argc, argv, "ho:", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == 'o') {
			dir = optarg;
		} else if (ch == OPT_SIZE) {
			if (sscanf(optarg, "%dx%d%c", &cols, &rows, &x) != 2 || cols < 80 || rows < 24 ||
			    cols > 1000 || rows > 1000)
				return cmd_usage_error(&cmd_handout, "--size needs COLSxROWS, at least 80x24");
		} else if ((rc = cmd_view_option(&cmd_handout, ch, optarg, &v)) != 0) {
			return rc;
		}
	}
	if (argc - optind != 1 || dir == NULL)
		return cmd_usage_error(&cmd_handout, "handout needs a trace and -o DIR");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "vmscope: %s: cannot make the directory: %s\n", dir, strerror(errno));
		return EXIT_IO;
	}
	rc = cmd_open(argv[optind], v.profile, &t, &r);
	for (size_t k = 0; rc == 0 && k <= replay_nsteps(r); k++)
		rc = write_svg(r, &v, cols, rows, dir, k);
	if (rc == 0)
		rc = write_page(r, dir);
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_handout = {
	.name = "handout",
	.synopsis = "-o DIR [--size COLSxROWS] [--profile P] TRACE",
	.summary = "write a printable HTML page of a trace, an SVG per step",
	.help = help,
	.run = run,
};
