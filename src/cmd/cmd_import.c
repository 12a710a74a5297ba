/* SPDX-License-Identifier: MIT */
/*
 * cmd_import.c -- `vmscope import KIND FILE... -o TRACE`: captures in,
 * a trace out.
 */
#include <config.h>

#include <stdlib.h>

#include "cmd.h"
#include "progress.h"
#include "import/import.h"

static const char help[] =
"Turn captures of one task into a trace with one observe step per file, to\n"
"step through in the player and compare with the model (docs/recording.md).\n"
"KIND is vmmap (macOS vmmap output), smaps or maps (Linux /proc/PID/smaps or\n"
"maps) or vminfo (GNU Hurd vminfo output); FILE may be - (standard input).\n"
"/proc/PID/smaps_rollup and other files without one entry per mapping are\n"
"refused.\n"
"\n"
"Options:\n"
"  -o, --output TRACE  the trace to write (required)\n"
"  --task NAME         the task's name (also --name); default: the process's\n"
"                      name from the capture (vmmap's Process:, the command\n"
"                      of a /proc/PID file), else the file's name\n"
"  -h, --help          this help\n";

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "task", required_argument, NULL, OPT_TASK },
	{ "name", required_argument, NULL, OPT_TASK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
run(int argc, char **argv)
{
	struct import_opts o = { .errs = stderr };
	int ch;

	while ((ch = cmd_getopt(&cmd_import, argc, argv, "ho:", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == 'o')
			o.out = optarg;
		else
			o.task = optarg;
	}
	if (optind >= argc || (o.kind = import_kind_parse(argv[optind])) == IMPORT_NONE)
		return cmd_usage_error(&cmd_import, "import needs a kind: vmmap, smaps (or maps) "
		                       "or vminfo, not '%s'", optind < argc ? argv[optind] : "");
	o.files = (const char *const *)argv + optind + 1;
	o.nfiles = (size_t)(argc - optind - 1);
	if (o.out == NULL || o.nfiles == 0)
		return cmd_usage_error(&cmd_import, "import needs capture files and -o TRACE");
	{
		struct progress pr;
		int rc;

		progress_begin(&pr, "importing");
		o.progress = progress_bytes;
		o.progress_ctx = &pr;
		rc = trace_import(&o);
		progress_end(&pr);
		return rc == IMPORT_OK ? 0 : rc == IMPORT_IO ? EXIT_IO : EXIT_BAD_INPUT;
	}
}

const struct cmd cmd_import = {
	.name = "import",
	.synopsis = "vmmap|smaps|maps|vminfo FILE... -o TRACE [--task NAME]",
	.summary = "turn vmmap, smaps, maps or vminfo captures into a trace",
	.help = help,
	.run = run,
};
