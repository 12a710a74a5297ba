/* SPDX-License-Identifier: MIT */
/*
 * cmd.h -- the commands of the vmscope command line, one file each.
 *
 * A command is a table entry: its name, the synopsis and one-line summary
 * that `vmscope --help` and the man page's SYNOPSIS are made from, the
 * text of `vmscope CMD --help`, and run(), called with ARGV[0] the
 * command's name (or "vmscope" for the player), so that each command
 * parses its own options with getopt_long: "--" ends them, "--opt=V" and
 * "--opt V" both work, and options may follow operands.
 *
 * Exit statuses are decided here and only here: 0 success, 1 a file,
 * terminal or system failure (check: also a difference), 2 bad input (a
 * malformed trace or capture, a bad command line).
 */
#ifndef VMSCOPE_CMD_H
#define VMSCOPE_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ui/ui.h"

#define EXIT_IO 1
#define EXIT_BAD_INPUT 2

struct trace;
struct replay;

struct cmd {
	const char *name;       /* "dump" */
	const char *synopsis;   /* after "vmscope NAME": "[--json] [TRACE]" */
	const char *summary;    /* one line for `vmscope --help` */
	const char *help;       /* the options and operands, for NAME --help */
	int (*run)(int argc, char **argv);
};

extern const struct cmd cmd_play, cmd_dump, cmd_render, cmd_validate, cmd_list,
	cmd_import, cmd_check, cmd_record, cmd_attach, cmd_grade, cmd_notes, cmd_present,
	cmd_handout;

/* Every command, in the order --help lists them; NULL-terminated. */
extern const struct cmd *const cmd_table[];
/* The command called NAME, or NULL. */
const struct cmd *cmd_find(const char *name);

/* ---- option parsing (cmd_util.c) --------------------------------------- */

/*
 * getopt_long over ARGV for command C, with vmscope's messages: an unknown
 * option or a missing value prints "vmscope: ..." and "Try 'vmscope C
 * --help'." and returns '?'; --help (option 'h' in LONGOPTS) prints C's
 * help and returns 'h'.  Otherwise as getopt_long ("-1" at the end; then
 * optind is the first operand).  SHORTOPTS must not start with ':' or '+'.
 */
int cmd_getopt(const struct cmd *c, int argc, char **argv, const char *shortopts,
               const struct option *longopts);
/* Print LEAD, "vmscope", C's name (when NAMED) and its synopsis, wrapped. */
void cmd_print_usage(FILE *out, const char *lead, const struct cmd *c, bool named);
/* Print C's usage and help to OUT. */
void cmd_help(const struct cmd *c, FILE *out);
/* Print "vmscope: MESSAGE" and the --help hint for C; return EXIT_BAD_INPUT. */
int cmd_usage_error(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Parse a non-negative decimal number; false on junk. */
bool cmd_parse_count(const char *s, size_t *out);

/* ---- traces and replays ---------------------------------------------------- */

/* Load TRACE: a file, "-" (standard input) or a built-in scenario name;
 * NULL: the default demo.  Returns 0, or an exit status after printing
 * the error. */
int cmd_load_trace(const char *arg, struct trace **t);
/* Print the load error ERR (FILE:LINE:COL: message) and return its exit
 * status: EXIT_BAD_INPUT for malformed input, EXIT_IO when it is not
 * about a line (the file could not be read). */
struct trace_error;
int cmd_trace_error(const struct trace_error *err);
/* The scenario NAME in the data directories ($VMSCOPE_DATADIR, then the
 * installed one) as "DIR/NAME.jsonl" in BUF; false when there is none. */
bool cmd_data_file(const char *name, char *buf, size_t len);
/* Open a replay of T under profile PROFILE (NULL: the trace's). */
int cmd_open_replay(struct trace *t, const char *profile, struct replay **r);
/* Load ARG and open its replay: both or neither are set on return. */
int cmd_open(const char *arg, const char *profile, struct trace **t, struct replay **r);
/* Parse a byte size with an optional K, M or G suffix (binary). */
bool cmd_parse_bytes(const char *s, uint64_t *out);
/* Check that STEP is a step of R; else print the range and return 2. */
int cmd_check_step(const struct replay *r, size_t step);

/* ---- options the player and render share -------------------------------- */

enum {
	OPT_PROFILE = 0x100, OPT_STEP, OPT_LEFT, OPT_RIGHT, OPT_VIEW, OPT_NO_ANIMATE,
	OPT_ASCII, OPT_NO_COLOR, OPT_KEY, OPT_SIZE, OPT_FORMAT, OPT_JSON, OPT_ALL,
	OPT_INTERVAL, OPT_COUNT, OPT_BATCH, OPT_TASK, OPT_VERBOSE, OPT_THEME, OPT_NO_MOUSE,
	OPT_ONLY, OPT_MIN_SIZE, OPT_QUIZ, OPT_ANSWERS,
	OPT_FOLLOW, OPT_SOCKET, OPT_PRESENT, OPT_COMPARE,
};

struct cmd_view_args {
	struct ui_opts ui;           /* NO_COLOR already applied */
	const char *profile;
	const char *left, *right;    /* task names */
	size_t step;
	bool have_step;
	char config_profile[64];     /* "profile" of the config file */
};
/* Defaults, then the config file (config_file.c); returns 0 or an exit status
 * (a bad config file, already reported as FILE:LINE: message). */
int cmd_view_args_init(struct cmd_view_args *a);
/* Apply the config file to A (config_file.c); returns 0 or EXIT_BAD_INPUT. */
int cmd_config_apply(struct cmd_view_args *a);
/* Read config lines from F (named PATH in messages, written to ERR). */
int cmd_config_read(FILE *f, const char *path, struct cmd_view_args *a, FILE *err);
/* Take option OPT (one of OPT_* above) with value ARG into A.  Returns 0,
 * 1 when OPT is not one of them, or an exit status (a bad value). */
int cmd_view_option(const struct cmd *c, int opt, const char *arg, struct cmd_view_args *a);
/* Resolve --left/--right against T's task names. */
int cmd_view_tasks(const struct cmd *c, const struct trace *t, struct cmd_view_args *a);

#endif
