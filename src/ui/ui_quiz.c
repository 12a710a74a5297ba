/* SPDX-License-Identifier: MIT */
/*
 * ui_quiz.c -- predict, then reveal (`vmscope play --quiz`, key a).
 *
 * The questions are the ones `vmscope grade` asks (grade.h): for a step
 * whose event carries "ask", each asked field of each region it touched.
 * With the quiz on, moving forward onto such a step stops one step short:
 * the panes show the state before the event with `?` in the asked fields,
 * and the quiz box lists the questions.  The student picks share modes,
 * protections and booleans from a menu (Left/Right or a digit) and types
 * numbers; Enter reveals: the player goes to the step, and the box says
 * right or wrong beside each real value, with the model's reason.  With
 * --answers FILE every reveal rewrites FILE (whole, through a temporary
 * file) with the answers so far, in the format `vmscope grade` reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/grade.h"
#include "trace/outfile.h"
#include "trace/text.h"
#include "ui_player.h"
#include "ui_text.h"

/* The choices of the fields answered from a menu (NULL-terminated). */
static const char *const sm_menu[] = { "PRV", "COW", "SHM", "ALI", "S/A", "NUL", NULL };
static const char *const prot_menu[] = { "---", "r--", "rw-", "r-x", "rwx", "-w-", "-wx", "--x",
                                         NULL };
static const char *const bool_menu[] = { "true", "false", NULL };
static const char *const inherit_menu[] = { "share", "copy", "none", NULL };

/* The menu of field F, or NULL when its answer is a typed number. */
static const char *const *
field_menu(int f)
{
	switch (f) {
	case TASK_SHARE_MODE: return sm_menu;
	case TASK_PROT:
	case TASK_MAX_PROT: return prot_menu;
	case TASK_NEEDS_COPY: return bool_menu;
	case TASK_INHERITANCE: return inherit_menu;
	}
	return NULL;
}

int
ui_quiz_build(struct ui *u)
{
	struct ui_quiz *z = &u->quiz;

	if (z->built)
		return 0;
	if (grade_questions(u->r, &z->ex) != 0) {
		grade_exercise_free(&z->ex);
		return -1;
	}
	z->revealed = calloc(z->ex.n + 1, sizeof *z->revealed);
	if (z->revealed == NULL) {
		grade_exercise_free(&z->ex);
		return -1;
	}
	for (size_t i = 0; i < z->ex.n; i++) {
		z->ex.q[i].answer[0] = '\0';
		z->ex.q[i].answered = z->ex.q[i].right = false;
	}
	z->built = true;
	return 0;
}

void
ui_quiz_free(struct ui *u)
{
	grade_exercise_free(&u->quiz.ex);
	free(u->quiz.revealed);
	memset(&u->quiz, 0, sizeof u->quiz);
}

size_t
ui_quiz_stop(const struct ui *u, size_t from, size_t to)
{
	const struct ui_quiz *z = &u->quiz;

	if (!z->on || !z->built)
		return 0;
	for (size_t i = 0; i < z->ex.n; i++)
		if (z->ex.q[i].step > from && z->ex.q[i].step <= to && !z->revealed[i])
			return z->ex.q[i].step;
	return 0;
}

void
ui_quiz_open(struct ui *u, size_t step)
{
	struct ui_quiz *z = &u->quiz;

	z->step = step;
	z->first = z->n = 0;
	for (size_t i = 0; i < z->ex.n; i++)
		if (z->ex.q[i].step == step) {
			if (z->n == 0)
				z->first = i;
			z->n++;
		}
	z->sel = 0;
	z->scroll = 0;
	z->shown = z->n > 0 && z->revealed[z->first];
	u->overlay = UI_OV_QUIZ;
	u->playing = false;
}

bool
ui_quiz_asking(const struct ui *u)
{
	return u->overlay == UI_OV_QUIZ && !u->quiz.shown && u->quiz.n > 0;
}

unsigned
ui_quiz_hidden(const struct ui *u, int task_id, const char *name)
{
	const struct ui_quiz *z = &u->quiz;
	const char *task;
	unsigned mask = 0;

	if (!ui_quiz_asking(u) || task_id < 0 || name == NULL || name[0] == '\0')
		return 0;
	task = trace_task_name(u->t, (uint16_t)task_id);
	for (size_t i = z->first; i < z->first + z->n; i++)
		if (strcmp(z->ex.q[i].task, task) == 0 && strcmp(z->ex.q[i].region, name) == 0)
			mask |= 1u << z->ex.q[i].field;
	return mask;
}

/* Rewrite the --answers file with every answer revealed so far. */
static void
save_answers(struct ui *u)
{
	struct outfile of;
	char err[256];

	if (u->o.answers == NULL)
		return;
	if (outfile_open(&of, u->o.answers, err, sizeof err) == NULL) {
		snprintf(u->msg, sizeof u->msg, "cannot save the answers: %s", err);
		u->msg_error = true;
		return;
	}
	if (grade_write_answers(&u->quiz.ex, of.fp) != 0 || outfile_commit(&of, err, sizeof err) != 0) {
		outfile_abort(&of);
		snprintf(u->msg, sizeof u->msg, "cannot save the answers to %.300s", u->o.answers);
		u->msg_error = true;
	}
}

/* Enter: mark the answers, go to the step, save. */
static int
reveal(struct ui *u)
{
	struct ui_quiz *z = &u->quiz;
	size_t right = 0, total = 0;

	for (size_t i = z->first; i < z->first + z->n; i++) {
		struct grade_question *q = &z->ex.q[i];

		q->answered = q->answer[0] != '\0';
		q->right = q->answered && grade_match(q->field, q->answer, q->expected);
		z->revealed[i] = true;
	}
	for (size_t i = 0; i < z->ex.n; i++)
		if (z->revealed[i]) {
			total++;
			right += z->ex.q[i].right;
		}
	z->shown = true;
	if (ui_state_goto(u, z->step, u->o.animate) != 0)
		snprintf(u->msg, sizeof u->msg, "out of memory while taking the snapshot");
	else
		snprintf(u->msg, sizeof u->msg, "quiz: %zu/%zu right so far", right, total);
	u->msg_error = false;
	save_answers(u);
	return UI_OUT_REDRAW | UI_OUT_STEP;
}

/* Left/Right (DIR) or digit D (1-based, DIR 0) on a menu question. */
static void
choose(struct grade_question *q, const char *const *menu, int dir, int d)
{
	int n = 0, cur = -1;

	while (menu[n] != NULL) {
		if (strcmp(menu[n], q->answer) == 0)
			cur = n;
		n++;
	}
	if (dir == 0 && (d < 1 || d > n))
		return;
	if (dir == 0)
		cur = d - 1;
	else if (cur < 0)
		cur = dir > 0 ? 0 : n - 1;
	else
		cur = (cur + dir + n) % n;
	snprintf(q->answer, sizeof q->answer, "%s", menu[cur]);
}

/* A key while the questions are asked; -1: not the quiz's. */
static int
ask_key(struct ui *u, int key)
{
	struct ui_quiz *z = &u->quiz;
	struct grade_question *q = &z->ex.q[z->first + z->sel];
	const char *const *menu = field_menu(q->field);
	size_t len = strlen(q->answer);

	switch (key) {
	case UI_KEY_UP: case 'k': case UI_KEY_BTAB:
		z->sel = (z->sel + z->n - 1) % z->n;
		return UI_OUT_REDRAW;
	case UI_KEY_DOWN: case 'j': case UI_KEY_TAB:
		z->sel = (z->sel + 1) % z->n;
		return UI_OUT_REDRAW;
	case UI_KEY_LEFT: case 'h': case UI_KEY_RIGHT: case 'l':
		if (menu != NULL)
			choose(q, menu, key == UI_KEY_LEFT || key == 'h' ? -1 : 1, 0);
		return UI_OUT_REDRAW;
	case UI_KEY_BACKSPACE:
		if (menu != NULL)
			q->answer[0] = '\0';
		else if (len > 0)
			q->answer[len - 1] = '\0';
		return UI_OUT_REDRAW;
	case UI_KEY_ENTER:
		return reveal(u);
	case UI_KEY_ESC:
		u->overlay = UI_OV_NONE;
		snprintf(u->msg, sizeof u->msg, "quiz: step %zu waits for your answers (. asks again)",
		         z->step);
		u->msg_error = false;
		return UI_OUT_REDRAW;
	}
	if (key >= '0' && key <= '9') {
		if (menu != NULL)
			choose(q, menu, 0, key - '0');
		else if (len + 1 < 12 && !(len == 1 && q->answer[0] == '0'))
			q->answer[len] = (char)key, q->answer[len + 1] = '\0';
		else if (len == 1)
			q->answer[0] = (char)key;
		return UI_OUT_REDRAW;
	}
	return -1;
}

/* A key once the answers are revealed; -1: not the quiz's. */
static int
shown_key(struct ui *u, int key)
{
	struct ui_quiz *z = &u->quiz;

	switch (key) {
	case UI_KEY_UP: case 'k':
		z->sel = z->sel > 0 ? z->sel - 1 : 0;
		return UI_OUT_REDRAW;
	case UI_KEY_DOWN: case 'j':
		z->sel = z->sel + 1 < z->n ? z->sel + 1 : z->sel;
		return UI_OUT_REDRAW;
	case UI_KEY_ENTER: case UI_KEY_ESC:
		u->overlay = UI_OV_NONE;
		return UI_OUT_REDRAW;
	}
	return -1;
}

int
ui_quiz_key(struct ui *u, int key)
{
	int out = -1;

	if (u->quiz.n > 0)
		out = u->quiz.shown ? shown_key(u, key) : ask_key(u, key);
	if (out < 0)
		u->overlay = UI_OV_NONE;   /* and the key does what it always does */
	return out;
}

/* ---- drawing ---------------------------------------------------------------- */

/* The keys line: what the selected question takes (its menu, numbered,
 * or a number) and the keys. */
static void
draw_keys(struct ui *u, struct ui_grid *g, int x, int y, int w)
{
	const struct ui_quiz *z = &u->quiz;
	static const char *const keys[] = {
		"Left/Right choose  Up/Down question  Enter reveal  Esc later",
		"Up/Down question  Enter reveal  Esc later", "Enter reveal  Esc later",
	};
	const char *const *menu = field_menu(z->ex.q[z->first + z->sel].field);
	char buf[160];
	size_t pos = 0;

	if (z->shown) {
		ui_grid_put(g, x, y, w, UI_S_KEY, 0, "Enter closes  Up/Down select");
		return;
	}
	buf[0] = '\0';
	for (int i = 0; menu != NULL && menu[i] != NULL && pos < sizeof buf; i++)
		pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "%d %s ", i + 1, menu[i]);
	if (menu == NULL)
		snprintf(buf, sizeof buf, "type a number ");
	x += ui_grid_printf(g, x, y, w, UI_S_NORMAL, 0, "%s", buf);
	for (size_t i = menu != NULL ? 0 : 1; i < sizeof keys / sizeof keys[0]; i++)
		if (ui_text_width(keys[i]) <= w - (int)pos - 1 || i + 1 == sizeof keys / sizeof keys[0]) {
			ui_grid_put(g, x + 1, y, w - (int)pos - 1, UI_S_KEY, 0, keys[i]);
			break;
		}
}

/* The expected value of Q as the student would write it: a share mode by
 * its vmmap abbreviation ("NUL (SM_EMPTY)"). */
static void
expected_text(const struct grade_question *q, char *buf, size_t len)
{
	snprintf(buf, len, "%s", q->expected);
	if (q->field != TASK_SHARE_MODE)
		return;
	for (int sm = 0; sm <= SM_LARGE_PAGE; sm++)
		if (strcmp(vm_share_mode_name(sm), q->expected) == 0)
			snprintf(buf, len, "%s (%s)", vm_share_mode_abbrev(sm), q->expected);
}

/* One question's line at Y: task, region, field, then the answer (being
 * typed) or the verdict (revealed). */
static void
draw_question(struct ui *u, struct ui_grid *g, int x, int y, int w, size_t i)
{
	const struct ui_quiz *z = &u->quiz;
	const struct grade_question *q = &z->ex.q[z->first + i];
	bool sel = i == z->sel;
	char task[32], region[64], want[80];
	int cx = x, tw = w >= 90 ? 9 : 7, rw = w >= 90 ? 13 : 9;   /* task, region columns */

	text_sanitize(task, sizeof task, q->task, false);
	text_sanitize(region, sizeof region, q->region, false);
	ui_grid_put(g, cx, y, 1, UI_S_HEADER, 0, sel ? ui_grid_glyph(g, UI_G_CURSOR) : " ");
	cx += 2;
	cx += ui_grid_printf(g, cx, y, tw + 1, UI_S_NORMAL, 0, "%-*.*s", tw, tw, task) + 1;
	ui_grid_printf(g, cx, y, rw + 1, UI_S_HEADER, 0, "%-*.*s", rw, rw, region);
	cx += rw + 1;
	ui_grid_printf(g, cx, y, 16, UI_S_DIM, 0, "%-15s", trace_ask_name(q->field));
	cx += 16;
	if (!z->shown) {
		const char *const *menu = field_menu(q->field);

		ui_grid_printf(g, cx, y, 9, UI_S_NORMAL, sel ? UI_A_REVERSE : 0, "[%-5s]",
		               q->answer[0] != '\0' ? q->answer : (menu ? " " : "_"));
		return;
	}
	cx += ui_grid_printf(g, cx, y, 6, q->right ? UI_S_PRV : UI_S_FAIL, UI_A_BOLD, "%-5s",
	                     q->right ? "right" : "WRONG") + 1;
	expected_text(q, want, sizeof want);
	if (q->right)
		ui_grid_printf(g, cx, y, x + w - cx, UI_S_NORMAL, 0, "%s", want);
	else if (q->answered)
		ui_grid_printf(g, cx, y, x + w - cx, UI_S_NORMAL, 0, "it is %s, not %s", want,
		               q->answer);
	else
		ui_grid_printf(g, cx, y, x + w - cx, UI_S_NORMAL, 0, "it is %s (no answer)", want);
}

/* The box's first line: the step and its event. */
static void
draw_heading(struct ui *u, struct ui_grid *g, int x, int y, int w, bool why)
{
	char what[160];

	replay_describe(u->r, u->quiz.step, what, sizeof what);
	text_sanitize(what, sizeof what, what, false);
	ui_grid_printf(g, x, y, w, UI_S_HEADER, UI_A_BOLD, "Quiz, step %zu: %s", u->quiz.step, what);
	ui_grid_put(g, x, y + 1, w, UI_S_DIM, 0, !u->quiz.shown
	            ? "Predict: what will these be after this step? (the panes show before it)"
	            : why ? "Revealed: the panes show the step. Why:"
	            : "Revealed: the panes show the step; the story below says why.");
}

void
ui_quiz_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h)
{
	struct ui_quiz *z = &u->quiz;
	int ix = x + 2, iw = w - 4, list_y, list_h, why_h;

	if (h < 6 || w < 40 || z->n == 0)
		return;
	ui_grid_box(g, x, y, w, h, UI_S_BORDER);
	why_h = z->shown && h >= (int)z->n + 8 ? 3 : 0;
	draw_heading(u, g, ix, y + 1, iw, why_h > 0);
	list_y = y + 3 + why_h;
	list_h = h - 5 - why_h;
	if (z->shown)
		ui_draw_wrapped(g, ix, y + 3, iw, why_h, UI_S_NOTE, z->ex.q[z->first + z->sel].reason);
	if (z->sel < z->scroll)
		z->scroll = z->sel;
	if (list_h > 0 && z->sel >= z->scroll + (size_t)list_h)
		z->scroll = z->sel - (size_t)list_h + 1;
	for (int r = 0; r < list_h && z->scroll + (size_t)r < z->n; r++)
		draw_question(u, g, ix, list_y + r, iw, z->scroll + (size_t)r);
	draw_keys(u, g, ix, y + h - 2, iw);
}
