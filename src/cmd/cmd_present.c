/* SPDX-License-Identifier: MIT */
/*
 * cmd_present.c -- `vmscope present TRACE`: the player for the projector.
 *
 * The player in presenter mode: the contrast theme unless --theme says
 * otherwise, the step counter in big digits, b blanks the screen; and the
 * speaker notes of the step shown go to `vmscope notes --follow` in a
 * second terminal, through a Unix socket (present_link.h).
 */
#include <config.h>

#include <string.h>

#include "cmd.h"
#include "present_link.h"
#include "replay/replay.h"
#include "trace/trace.h"
#include "ui/ui_grid.h"

static const char help[] =
"Present TRACE on a projector: the player with the contrast theme, the step\n"
"counter in big digits and b to blank the screen, while the speaker notes\n"
"of the step shown follow in a second terminal: run `vmscope notes --follow`\n"
"there (before or after this).\n"
"\n"
"Options:\n"
"  --socket PATH    where the notes go (default: vmscope-present.sock in\n"
"                   $XDG_RUNTIME_DIR, else vmscope-present-UID.sock in /tmp)\n"
"  --profile P, --step N, --left TASK, --right TASK, --view V, --no-animate,\n"
"  --ascii, --no-color, --theme T, --no-mouse, --compare P, --quiz,\n"
"  --answers FILE\n"
"                   as for the player (vmscope play --help)\n"
"  -h, --help       this help\n";

static const struct option longopts[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "left", required_argument, NULL, OPT_LEFT },
	{ "right", required_argument, NULL, OPT_RIGHT },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "no-animate", no_argument, NULL, OPT_NO_ANIMATE },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "quiz", no_argument, NULL, OPT_QUIZ },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "answers", required_argument, NULL, OPT_ANSWERS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Play R with the notes served on SOCK. */
static int
present(struct replay *r, struct cmd_view_args *a, const char *sock)
{
	struct present_server srv;
	struct ui_presenter link = { .ctx = &srv, .show = present_server_show, .poll_ms = 250 };
	char err[300];
	int rc;

	if (present_server_open(&srv, sock, r, err, sizeof err) != 0) {
		fprintf(stderr, "vmscope present: %s\n", err);
		return EXIT_IO;
	}
	a->ui.start_step = a->step;
	a->ui.present = true;
	a->ui.presenter = &link;
	rc = ui_run(r, &a->ui);
	present_server_close(&srv);
	return rc;
}

static int
run(int argc, char **argv)
{
	struct cmd_view_args a;
	struct trace *t = NULL;
	struct replay *r = NULL;
	const char *sock = NULL;
	char path[256];
	bool theme = false;
	int ch, rc;

	if ((rc = cmd_view_args_init(&a)) != 0)
		return rc;
	while ((ch = cmd_getopt(&cmd_present, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == OPT_SOCKET) {
			sock = optarg;
			continue;
		}
		theme |= ch == OPT_THEME;
		if ((rc = cmd_view_option(&cmd_present, ch, optarg, &a)) != 0)
			return rc;
	}
	if (!theme)
		a.ui.theme = UI_THEME_CONTRAST;
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_present, "present needs one trace");
	present_socket_path(path, sizeof path);
	rc = cmd_open(argv[optind], a.profile, &t, &r);
	if (rc == 0)
		rc = cmd_view_tasks(&cmd_present, t, &a);
	if (rc == 0 && a.have_step)
		rc = cmd_check_step(r, a.step);
	if (rc == 0)
		rc = present(r, &a, sock != NULL ? sock : path);
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_present = {
	.name = "present",
	.synopsis = "[--socket PATH] [--theme T] [--step N] TRACE",
	.summary = "present TRACE on a projector; notes follow in another terminal",
	.help = help,
	.run = run,
};
