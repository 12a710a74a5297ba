/* SPDX-License-Identifier: MIT */
/*
 * cmd_grade.c -- `vmscope grade EXERCISE ANSWERS...`: mark students'
 * answers to an exercise's questions (docs/teaching.md).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "replay/grade.h"
#include "replay/replay.h"
#include "trace/text.h"
#include "trace/trace.h"

static const char help[] =
"Mark answers to the questions of EXERCISE, a trace whose events carry\n"
"\"ask\": [FIELD, ...]: after such a step, each asked field of the regions it\n"
"touched (its \"region\" and \"as\"; for a fork, every named region of parent\n"
"and child) is one question, whose answer is what `vmscope dump --json` shows.\n"
"\n"
"ANSWERS are JSON Lines (- reads standard input), one object per region:\n"
"  {\"step\": 3, \"task\": \"child\", \"region\": \"buf\", \"share_mode\": \"COW\", \"ref_count\": 2}\n"
"(\"addr\": \"0x...\" may name the region instead).  One answers file: a line\n"
"per question, right or wrong with the expected value and the reason, then\n"
"the score K/N.  Several: a class table, a line per file.\n"
"Exit status: 0 every answer right, 1 one wrong or missing, 2 malformed input.\n"
"\n"
"Options:\n"
"  --csv            the class table as CSV, a column per question\n"
"  --profile P      replay the exercise under kernel profile P\n"
"  -h, --help       this help\n";

enum { OPT_CSV = 0x300 };

static const struct option longopts[] = {
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* "step 3 child buf share_mode" for question Q. */
static void
label(const struct grade_question *q, char *buf, size_t len)
{
	snprintf(buf, len, "step %zu %s %s %s", q->step, q->task, q->region,
	         trace_ask_name(q->field));
	text_sanitize(buf, len, buf, false);
}

/* How many questions of EX are answered right. */
static size_t
score(const struct grade_exercise *ex)
{
	size_t k = 0;

	for (size_t i = 0; i < ex->n; i++)
		k += ex->q[i].right;
	return k;
}

/* One student: a line per question, the extras, the score. */
static void
print_student(const char *path, const struct grade_exercise *ex,
              const struct grade_extra *extra, size_t nextra)
{
	char l[300], shown[256];

	text_sanitize(shown, sizeof shown, strcmp(path, "-") == 0 ? "<stdin>" : path, false);
	for (size_t i = 0; i < ex->n; i++) {
		const struct grade_question *q = &ex->q[i];

		label(q, l, sizeof l);
		if (q->right)
			printf("%s: right (%s)\n", l, q->expected);
		else if (q->answered)
			printf("%s: wrong: answered %s, expected %s -- %s\n", l, q->answer, q->expected,
			       q->reason);
		else
			printf("%s: no answer; expected %s -- %s\n", l, q->expected, q->reason);
	}
	for (size_t i = 0; i < nextra; i++)
		printf("%s:%u: %s\n", shown, extra[i].line, extra[i].what);
	printf("score: %zu/%zu\n", score(ex), ex->n);
}

/* A CSV field, quoted when it needs to be. */
static void
csv(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* The class table's header: one column per question. */
static void
class_header(const struct grade_exercise *ex, bool as_csv)
{
	char l[300];

	if (!as_csv) {
		printf("%-28s %9s  answers (+ right, - wrong, . none), questions in step order\n",
		       "student", "score");
		return;
	}
	fputs("student,score,total", stdout);
	for (size_t i = 0; i < ex->n; i++) {
		label(&ex->q[i], l, sizeof l);
		putchar(',');
		csv(l);
	}
	putchar('\n');
}

/* One student's row of the class table. */
static void
class_row(const char *path, const struct grade_exercise *ex, bool as_csv)
{
	char shown[256], sc[32];

	text_sanitize(shown, sizeof shown, strcmp(path, "-") == 0 ? "<stdin>" : path, false);
	if (as_csv) {
		csv(shown);
		printf(",%zu,%zu", score(ex), ex->n);
		for (size_t i = 0; i < ex->n; i++)
			printf(",%d", ex->q[i].right ? 1 : 0);
		putchar('\n');
		return;
	}
	snprintf(sc, sizeof sc, "%zu/%zu", score(ex), ex->n);
	printf("%-28s %9s  ", shown, sc);
	for (size_t i = 0; i < ex->n; i++)
		putchar(ex->q[i].right ? '+' : ex->q[i].answered ? '-' : '.');
	putchar('\n');
}

/* Grade every answers file; returns the exit status. */
static int
grade_all(struct grade_exercise *ex, char **files, int nfiles, bool as_csv)
{
	bool all_right = true;

	if (nfiles > 1 || as_csv)
		class_header(ex, as_csv);
	for (int i = 0; i < nfiles; i++) {
		struct grade_extra *extra = NULL;
		struct trace_error err;
		size_t nextra = 0;
		char msg[600];
		int rc = grade_answers(files[i], ex, &extra, &nextra, &err);

		if (rc != 0) {
			trace_error_format(&err, msg, sizeof msg);
			fflush(stdout);
			fprintf(stderr, "%s\n", msg);
			free(extra);
			return rc == -1 ? EXIT_BAD_INPUT : EXIT_IO;
		}
		if (nfiles > 1 || as_csv)
			class_row(files[i], ex, as_csv);
		else
			print_student(files[i], ex, extra, nextra);
		all_right = all_right && score(ex) == ex->n;
		free(extra);
	}
	return all_right ? 0 : 1;
}

static int
run(int argc, char **argv)
{
	struct grade_exercise ex;
	const char *profile = NULL;
	struct trace *t;
	struct replay *r;
	bool as_csv = false;
	int ch, rc;

	while ((ch = cmd_getopt(&cmd_grade, argc, argv, "h", longopts)) != -1) {
		if (ch == 'h' || ch == '?')
			return ch == 'h' ? 0 : EXIT_BAD_INPUT;
		if (ch == OPT_CSV)
			as_csv = true;
		else
			profile = optarg;
	}
	if (argc - optind < 2)
		return cmd_usage_error(&cmd_grade, "grade needs an exercise and answers files");
	rc = cmd_open(argv[optind], profile, &t, &r);
	if (rc != 0)
		return rc;
	if (grade_questions(r, &ex) != 0) {
		fprintf(stderr, "vmscope: out of memory\n");
		rc = EXIT_IO;
	} else if (ex.n == 0) {
		fprintf(stderr, "vmscope: %s asks nothing: no event carries \"ask\" with a named "
		        "region (docs/teaching.md)\n", replay_trace(r)->path);
		rc = EXIT_BAD_INPUT;
	} else {
		rc = grade_all(&ex, argv + optind + 1, argc - optind - 1, as_csv);
	}
	grade_exercise_free(&ex);
	replay_free(r);
	trace_free(t);
	return rc;
}

const struct cmd cmd_grade = {
	.name = "grade",
	.synopsis = "[--csv] [--profile P] EXERCISE ANSWERS...",
	.summary = "mark students' answers to an exercise's questions",
	.help = help,
	.run = run,
};
