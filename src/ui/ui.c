/* SPDX-License-Identifier: MIT */
/*
 * ui.c -- the player's entry points (ui.h) and its one input loop.
 *
 * Inputs become actions through the key table (ui_keys.c); each action has
 * one handler in the table below returning UI_OUT_* flags, and the loop
 * redraws once per batch of input.  The loop blocks in the read while the
 * player is paused and nothing animates (no CPU while paused); it wakes
 * every UI_FRAME_MS only while a highlight fades or playback runs.
 * `vmscope render` (ui_render) runs the same handlers and the same drawing
 * code into a grid and prints it.
 *
 * A trace still loading (o->loader): the read does not wait while there is
 * more to load; each time no key is waiting the loop loads the next part
 * (ui_state_load_more), so keys are read between parts.
 *
 * Live (`vmscope attach`, o->live): the read's timeout also ends when the
 * next sample is due; the loop then takes it (ui_state_live_sample) before
 * drawing, so input is read between samples and a slow sample only delays
 * the next read.  Space pauses and resumes the sampling instead of playing.
 */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui_cast.h"
#include "ui_player.h"
#include "ui_term.h"
#include "ui_text.h"
#include "vm/vm_profile.h"

#define MAX_SCRIPT 4096

/* Fill O with the defaults (NO_COLOR honoured). */
void
ui_opts_default(struct ui_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	memset(o, 0, sizeof *o);
	o->animate = true;
	o->mouse = true;
	o->theme = UI_THEME_DARK;
	o->no_color = nc != NULL && nc[0] != '\0';
	o->left = o->right = -1;
	o->start_step = 0;
	o->view = UI_VIEW_AUTO;
}

/* The views by name, indexed by enum ui_view. */
static const char *const view_names[] = {
	[UI_VIEW_AUTO] = "auto", [UI_VIEW_MODEL] = "model", [UI_VIEW_OBSERVED] = "observed",
	[UI_VIEW_BOTH] = "both",
};

/* Look a view up by name. */
int
ui_view_parse(const char *s)
{
	for (int v = UI_VIEW_MODEL; v <= UI_VIEW_BOTH; v++)
		if (s != NULL && strcmp(s, view_names[v]) == 0)
			return v;
	return -1;
}

/* Name a view. */
const char *
ui_view_name(int v)
{
	return v >= UI_VIEW_AUTO && v <= UI_VIEW_BOTH ? view_names[v] : "?";
}

/* Set the one-shot message. */
static void __attribute__((format(printf, 3, 4)))
say(struct ui *u, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_error = error;
}

/* Go to step K (clamped).  With the quiz on, moving forward stops before
 * the first step whose questions are still to answer, and asks them. */
static int
go(struct ui *u, size_t k)
{
	size_t n = replay_nsteps(u->r), pos = replay_pos(u->r);
	size_t ask;

	if (k > n)
		k = n;
	if (k > pos && (ask = ui_quiz_stop(u, pos, k)) != 0) {
		ui_quiz_open(u, ask);
		k = ask - 1;
		if (k == pos)
			return UI_OUT_REDRAW;
	}
	if (ui_state_goto(u, k, u->o.animate) != 0)
		say(u, true, "out of memory while taking the snapshot");
	return UI_OUT_REDRAW | UI_OUT_STEP;
}

/* ---- action handlers ---------------------------------------------------- */

static int
act_play(struct ui *u, int arg)
{
	(void)arg;
	if (u->o.live != NULL) {
		u->live_paused = !u->live_paused;
		if (!u->live_paused)
			u->live_next = 0;   /* a sample at once */
		say(u, false, u->live_ended ? "sampling has ended" : u->live_paused
		    ? "sampling paused (Space resumes)" : "sampling resumed");
		return UI_OUT_REDRAW;
	}
	u->playing = !u->playing;
	if (u->playing && replay_pos(u->r) >= replay_nsteps(u->r))
		go(u, 0);
	return UI_OUT_REDRAW;
}

static int
act_step_fwd(struct ui *u, int arg)
{
	(void)arg;
	u->playing = false;
	if (replay_pos(u->r) >= replay_nsteps(u->r)) {
		say(u, false, "at the last step");
		return UI_OUT_REDRAW;
	}
	return go(u, replay_pos(u->r) + 1);
}

static int
act_step_back(struct ui *u, int arg)
{
	(void)arg;
	u->playing = false;
	if (replay_pos(u->r) == 0) {
		say(u, false, "at the start");
		return UI_OUT_REDRAW;
	}
	return go(u, replay_pos(u->r) - 1);
}

static int
act_first(struct ui *u, int arg)
{
	(void)arg;
	u->playing = false;
	return go(u, 0);
}

static int
act_last(struct ui *u, int arg)
{
	(void)arg;
	u->playing = false;
	return go(u, replay_nsteps(u->r));
}

static int
act_prev_mark(struct ui *u, int arg)
{
	size_t pos = replay_pos(u->r);

	(void)arg;
	for (size_t i = u->nmarks; i-- > 0;)
		if (u->marks[i] < pos)
			return go(u, u->marks[i]);
	say(u, false, "no earlier chapter");
	return UI_OUT_REDRAW;
}

static int
act_next_mark(struct ui *u, int arg)
{
	size_t pos = replay_pos(u->r);

	(void)arg;
	for (size_t i = 0; i < u->nmarks; i++)
		if (u->marks[i] > pos)
			return go(u, u->marks[i]);
	say(u, false, "no later chapter");
	return UI_OUT_REDRAW;
}

static int
act_jump(struct ui *u, int arg)
{
	return go(u, replay_nsteps(u->r) * (size_t)arg / 10);
}

static int
act_slower(struct ui *u, int arg)
{
	(void)arg;
	if (u->speed > 0)
		u->speed--;
	say(u, false, "speed %s", ui_speeds[u->speed].label);
	return UI_OUT_REDRAW;
}

static int
act_faster(struct ui *u, int arg)
{
	(void)arg;
	if (u->speed + 1 < ui_nspeeds)
		u->speed++;
	say(u, false, "speed %s", ui_speeds[u->speed].label);
	return UI_OUT_REDRAW;
}

static int
act_goto(struct ui *u, int arg)
{
	(void)arg;
	u->overlay = UI_OV_PROMPT;
	u->prompt_kind = UI_PROMPT_GOTO;
	u->prompt[0] = '\0';
	return UI_OUT_REDRAW;
}

/* Switch the focus to the other pane (there is none with one task). */
static int
act_focus(struct ui *u, int arg)
{
	(void)arg;
	if (u->pane_task[1] < 0)
		return 0;
	u->focus = !u->focus;
	return UI_OUT_REDRAW;
}

/* Move the focused pane's cursor by D rows. */
static int
move(struct ui *u, long d)
{
	int p = u->focus;

	if (d < 0 && (size_t)-d > u->cursor[p])
		u->cursor[p] = 0;
	else
		u->cursor[p] = (size_t)((long)u->cursor[p] + d);
	ui_state_clamp(u, p, (size_t)u->page_rows);
	return UI_OUT_REDRAW;
}

static int
act_up(struct ui *u, int arg)
{
	(void)arg;
	return move(u, -1);
}

static int
act_down(struct ui *u, int arg)
{
	(void)arg;
	return move(u, 1);
}

static int
act_page_up(struct ui *u, int arg)
{
	(void)arg;
	return move(u, -(long)(u->page_rows > 1 ? u->page_rows - 1 : 1));
}

static int
act_page_down(struct ui *u, int arg)
{
	(void)arg;
	return move(u, u->page_rows > 1 ? u->page_rows - 1 : 1);
}

static int
act_detail(struct ui *u, int arg)
{
	const struct ui_snap *s = ui_state_pane(u, u->focus);

	(void)arg;
	if (u->overlay == UI_OV_DETAIL) {
		u->overlay = UI_OV_NONE;
		return UI_OUT_REDRAW;
	}
	if (s == NULL || ui_state_nrows(u, u->focus) == 0) {
		say(u, false, "no region to show in this pane");
		return UI_OUT_REDRAW;
	}
	u->overlay = UI_OV_DETAIL;
	u->detail_scroll = 0;
	return UI_OUT_REDRAW;
}

/* O: open or close the objects view; reopening re-reads the step before
 * so the view can mark what changed. */
static int
act_objects(struct ui *u, int arg)
{
	(void)arg;
	if (u->overlay == UI_OV_OBJECTS) {
		u->overlay = UI_OV_NONE;
		return UI_OUT_REDRAW;
	}
	u->overlay = UI_OV_OBJECTS;
	u->detail_scroll = 0;
	if (ui_state_goto(u, replay_pos(u->r), false) != 0)
		say(u, true, "out of memory");
	return UI_OUT_REDRAW;
}

/* c: show or hide the OBJ, DEPTH and NC columns (shown by default from
 * 100 columns). */
static int
act_objcols(struct ui *u, int arg)
{
	(void)arg;
	u->objcols = u->objcols_shown ? 0 : 1;
	return UI_OUT_REDRAW;
}

/* The scroll position of the open scrolling overlay, or NULL. */
static int
act_align(struct ui *u, int arg)
{
	(void)arg;
	u->align = !u->align;
	say(u, false, u->align ? "panes aligned by address (holes shown)"
	                       : "panes not aligned: each lists its regions");
	return UI_OUT_REDRAW;
}

static size_t *
overlay_scroll(struct ui *u)
{
	if (u->overlay == UI_OV_HELP)
		return &u->help_scroll;
	if (u->overlay == UI_OV_DETAIL || u->overlay == UI_OV_OBJECTS)
		return &u->detail_scroll;
	return NULL;
}

static int
act_search(struct ui *u, int arg)
{
	(void)arg;
	u->overlay = UI_OV_PROMPT;
	u->prompt_kind = UI_PROMPT_SEARCH;
	u->prompt[0] = '\0';
	return UI_OUT_REDRAW;
}

/* Return whether step K matches the search text. */
static bool
step_matches(const struct ui *u, size_t k, const char *q)
{
	const struct trace_event *ev = replay_event(u->r, k);
	const char *note;
	char desc[256];

	if (ev == NULL)
		return false;
	if (ui_text_contains(trace_op_name(ev->op), q) ||
	    ui_text_contains(trace_task_name(u->t, ev->task), q) ||
	    (trace_event_has_task2(ev) && ev->task2 != ev->task &&
	     ui_text_contains(trace_task_name(u->t, ev->task2), q)))
		return true;
	note = trace_event_note(u->t, ev);
	if (note != NULL && ui_text_contains(note, q))
		return true;
	note = trace_event_mark(u->t, ev);
	if (note != NULL && ui_text_contains(note, q))
		return true;
	replay_describe(u->r, k, desc, sizeof desc);
	return ui_text_contains(desc, q);
}

/* Go to the next (DIR 1) or previous (-1) match, wrapping around. */
static int
search_go(struct ui *u, int dir)
{
	size_t n = replay_nsteps(u->r), pos = replay_pos(u->r);

	if (u->search[0] == '\0') {
		say(u, true, "no search yet: press / first");
		return UI_OUT_REDRAW;
	}
	for (size_t i = 1; i <= n; i++) {
		size_t k = dir > 0 ? (pos + i - 1) % n + 1 : (pos + n - i + n) % n + 1;

		if (k != pos && step_matches(u, k, u->search)) {
			int out = go(u, k);

			say(u, false, "/%s: step %zu%s", u->search, k,
			    (dir > 0 && k < pos) || (dir < 0 && k > pos) ? " (wrapped)" : "");
			return out;
		}
	}
	if (pos > 0 && step_matches(u, pos, u->search))
		say(u, false, "/%s: only this step matches", u->search);
	else
		say(u, true, "/%s: no match", u->search);
	return UI_OUT_REDRAW;
}

static int
act_search_next(struct ui *u, int arg)
{
	(void)arg;
	return search_go(u, 1);
}

static int
act_search_prev(struct ui *u, int arg)
{
	(void)arg;
	return search_go(u, -1);
}

/* Comparing profiles, both panes show one task: refuse KEY's action. */
static bool
comparing(struct ui *u, const char *what)
{
	if (u->cmp == NULL)
		return false;
	say(u, false, "comparing profiles shows one task: %s (p: compare off)", what);
	return true;
}

/* Show the next trace task in pane P (skipping the other pane's). */
static int
pick_task(struct ui *u, int p)
{
	int cur = u->pane_task[p];

	if (u->ntasks < 2 && cur >= 0) {
		say(u, false, "the trace has only one task");
		return UI_OUT_REDRAW;
	}
	for (size_t i = 1; i <= u->ntasks; i++) {
		int id = (int)(((size_t)(cur < 0 ? -1 : cur) + i) % u->ntasks);

		if (id != u->pane_task[!p] && !trace_task_unnamed(u->t, (uint16_t)id)) {
			char name[64];

			u->pane_task[p] = id;
			u->cursor[p] = u->scroll[p] = 0;
			say(u, false, "%s pane: %s", p == 0 ? "left" : "right",
			    ui_look_task_name(u, id, name, sizeof name));
			break;
		}
	}
	return UI_OUT_REDRAW;
}

/* t: swap the two panes, their cursors and scrolling. */
static int
act_swap(struct ui *u, int arg)
{
	int t = u->pane_task[0];
	size_t c = u->cursor[0], sc = u->scroll[0];

	(void)arg;
	if (comparing(u, "T shows the next one"))
		return UI_OUT_REDRAW;
	if (u->pane_task[1] < 0) {
		say(u, false, "one pane: the trace has only one task");
		return UI_OUT_REDRAW;
	}
	u->pane_task[0] = u->pane_task[1], u->pane_task[1] = t;
	u->cursor[0] = u->cursor[1], u->cursor[1] = c;
	u->scroll[0] = u->scroll[1], u->scroll[1] = sc;
	u->focus = !u->focus;
	return UI_OUT_REDRAW;
}

/* T: the next task in the focused pane; the panes stop following. */
static int
act_next_task(struct ui *u, int arg)
{
	bool was = u->follow;

	(void)arg;
	u->follow = false;
	if (u->cmp != NULL) {   /* both panes: the next task, two profiles */
		char msg[sizeof u->msg];

		u->pane_task[1] = -1;
		pick_task(u, 0);
		u->pane_task[1] = u->pane_task[0];
		u->cursor[1] = u->scroll[1] = 0;
		/* The narration's compare line is about the task shown. */
		memcpy(msg, u->msg, sizeof msg);
		if (ui_state_goto(u, replay_pos(u->r), false) != 0)
			say(u, true, "out of memory");
		else
			memcpy(u->msg, msg, sizeof msg);
		return UI_OUT_REDRAW;
	}
	pick_task(u, u->focus);
	if (was && strlen(u->msg) + 40 < sizeof u->msg)
		strcat(u->msg, " (f: follow the acting tasks again)");
	return UI_OUT_REDRAW;
}

/* f: the panes follow the acting tasks of each step, or stay put. */
static int
act_follow(struct ui *u, int arg)
{
	(void)arg;
	if (comparing(u, "T picks it"))
		return UI_OUT_REDRAW;
	u->follow = !u->follow;
	if (u->follow)
		ui_state_follow(u, replay_pos(u->r));
	say(u, false, u->follow ? "the panes follow the acting tasks"
	                        : "the panes stay on their tasks");
	return UI_OUT_REDRAW;
}

/* Cycle model -> observed -> both; without observations, say so in the
 * narration line instead of showing empty panes. */
static int
act_view(struct ui *u, int arg)
{
	int next = u->view == UI_VIEW_MODEL ? UI_VIEW_OBSERVED
	         : u->view == UI_VIEW_OBSERVED ? UI_VIEW_BOTH : UI_VIEW_MODEL;
	char note[sizeof u->narration];

	(void)arg;
	if (comparing(u, "the model's view"))
		return UI_OUT_REDRAW;
	if (!ui_state_set_view(u, next)) {
		ui_state_view_note(u, u->narration, sizeof u->narration);
		return UI_OUT_REDRAW;
	}
	ui_state_view_note(u, note, sizeof note);
	if (note[0] != '\0')
		snprintf(u->narration, sizeof u->narration, "%s", note);
	else
		ui_narrate(u, u->narration, sizeof u->narration);
	say(u, false, "view: %s (o cycles model, observed, both)", ui_view_name(u->view));
	return UI_OUT_REDRAW;
}

static int
act_quiz(struct ui *u, int arg)
{
	size_t pos = replay_pos(u->r);

	(void)arg;
	if (u->o.live != NULL) {
		say(u, true, "no quiz on live processes");
		return UI_OUT_REDRAW;
	}
	if (u->load_state == 1) {   /* its questions are in the whole trace */
		say(u, true, "the quiz waits until the trace is loaded (%d%%)",
		    (int)(u->load_fraction * 100));
		return UI_OUT_REDRAW;
	}
	if (!u->quiz.built) {
		int rc = ui_quiz_build(u);

		if (ui_state_goto(u, pos, false) != 0 || rc != 0) {
			say(u, true, "out of memory while building the quiz");
			return UI_OUT_REDRAW;
		}
	}
	u->quiz.on = !u->quiz.on;
	if (u->quiz.on && u->quiz.ex.n == 0)
		say(u, false, "quiz on, but this trace asks nothing (\"ask\" on events)");
	else
		say(u, false, u->quiz.on ? "quiz on: steps that ask stop before the event"
		                         : "quiz off");
	return UI_OUT_REDRAW;
}

/* p: compare with the next profile after the one compared (or the
 * replay's own), skipping the replay's; after the last, stop. */
static int
act_compare(struct ui *u, int arg)
{
	const struct vm_profile *own = replay_profile(u->r);
	const struct vm_profile *cur = u->cmp != NULL ? replay_profile(u->cmp) : own;
	const struct vm_profile *next = NULL;
	size_t i = 0;
	char err[256] = "";

	(void)arg;
	if (u->o.live != NULL) {
		say(u, true, "no profile compare on live processes");
		return UI_OUT_REDRAW;
	}
	if (u->load_state == 1) {   /* the compared replay needs every step */
		say(u, true, "profile compare waits until the trace is loaded (%d%%)",
		    (int)(u->load_fraction * 100));
		return UI_OUT_REDRAW;
	}
	while (vm_profiles[i] != NULL && vm_profiles[i] != cur)
		i++;
	for (i = vm_profiles[i] != NULL ? i + 1 : 0; vm_profiles[i] != NULL && next == NULL; i++)
		if (vm_profiles[i] != own)
			next = vm_profiles[i];
	if (ui_state_compare(u, next, err, sizeof err) != 0)
		say(u, true, "cannot compare with %s: %s", next->name, err[0] ? err : "out of memory");
	else if (next != NULL)
		say(u, false, "right pane: %s under %s (p: next profile)",
		    trace_task_name(u->t, (uint16_t)u->pane_task[0]), next->name);
	else
		say(u, false, "compare off");
	return UI_OUT_REDRAW | UI_OUT_STEP;
}

static int
act_blank(struct ui *u, int arg)
{
	(void)arg;
	u->blank = true;
	u->playing = false;
	return UI_OUT_REDRAW | UI_OUT_FULL;
}

static int
act_help(struct ui *u, int arg)
{
	(void)arg;
	u->overlay = u->overlay == UI_OV_HELP ? UI_OV_NONE : UI_OV_HELP;
	u->help_scroll = 0;
	return UI_OUT_REDRAW;
}

static int
act_close(struct ui *u, int arg)
{
	(void)arg;
	u->overlay = UI_OV_NONE;
	return UI_OUT_REDRAW;
}

static int
act_redraw(struct ui *u, int arg)
{
	(void)u;
	(void)arg;
	return UI_OUT_REDRAW | UI_OUT_FULL;
}

static int
act_quit(struct ui *u, int arg)
{
	(void)u;
	(void)arg;
	return UI_OUT_QUIT;
}

/* One handler per action. */
static int (*const handlers[UI_ACT_COUNT])(struct ui *, int) = {
	[UI_ACT_PLAY] = act_play,
	[UI_ACT_STEP_FWD] = act_step_fwd,
	[UI_ACT_STEP_BACK] = act_step_back,
	[UI_ACT_FIRST] = act_first,
	[UI_ACT_LAST] = act_last,
	[UI_ACT_PREV_MARK] = act_prev_mark,
	[UI_ACT_NEXT_MARK] = act_next_mark,
	[UI_ACT_JUMP_PCT] = act_jump,
	[UI_ACT_SLOWER] = act_slower,
	[UI_ACT_FASTER] = act_faster,
	[UI_ACT_GOTO] = act_goto,
	[UI_ACT_FOCUS] = act_focus,
	[UI_ACT_UP] = act_up,
	[UI_ACT_DOWN] = act_down,
	[UI_ACT_PAGE_UP] = act_page_up,
	[UI_ACT_PAGE_DOWN] = act_page_down,
	[UI_ACT_DETAIL] = act_detail,
	[UI_ACT_OBJECTS] = act_objects,
	[UI_ACT_OBJCOLS] = act_objcols,
	[UI_ACT_SEARCH] = act_search,
	[UI_ACT_SEARCH_NEXT] = act_search_next,
	[UI_ACT_SEARCH_PREV] = act_search_prev,
	[UI_ACT_SWAP] = act_swap,
	[UI_ACT_NEXT_TASK] = act_next_task,
	[UI_ACT_FOLLOW] = act_follow,
	[UI_ACT_VIEW] = act_view,
	[UI_ACT_ALIGN] = act_align,
	[UI_ACT_QUIZ] = act_quiz,
	[UI_ACT_COMPARE] = act_compare,
	[UI_ACT_BLANK] = act_blank,
	[UI_ACT_HELP] = act_help,
	[UI_ACT_CLOSE] = act_close,
	[UI_ACT_REDRAW] = act_redraw,
	[UI_ACT_QUIT] = act_quit,
};

/* Typing into the ":" or "/" prompt. */
static int
prompt_key(struct ui *u, int key)
{
	size_t len = strlen(u->prompt);

	if (key == UI_KEY_ESC) {
		u->overlay = UI_OV_NONE;
		return UI_OUT_REDRAW;
	}
	if (key == UI_KEY_BACKSPACE) {
		while (len > 0 && ((unsigned char)u->prompt[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		u->prompt[len] = '\0';
		return UI_OUT_REDRAW;
	}
	if (key == UI_KEY_ENTER) {
		u->overlay = UI_OV_NONE;
		if (u->prompt_kind == UI_PROMPT_GOTO) {
			char *end;
			unsigned long long k = strtoull(u->prompt, &end, 10);

			if (u->prompt[0] == '\0' || *end != '\0') {
				say(u, true, "not a step number: %s", u->prompt);
				return UI_OUT_REDRAW;
			}
			u->playing = false;
			if (k > replay_nsteps(u->r))
				say(u, true, "no step %llu: the trace has %zu", k, replay_nsteps(u->r));
			return go(u, (size_t)k) | UI_OUT_REDRAW;
		}
		if (u->prompt[0] != '\0')
			snprintf(u->search, sizeof u->search, "%s", u->prompt);
		return search_go(u, 1);
	}
	if (key >= 0x20 && key < UI_KEY_BASE && key != 0x7f) {
		char enc[5];
		size_t n = text_encode((uint32_t)key, enc);

		if (u->prompt_kind == UI_PROMPT_GOTO && (key < '0' || key > '9'))
			return 0;
		if (len + n < sizeof u->prompt && (key < 0x80 || key > 0x9f)) {
			memcpy(u->prompt + len, enc, n);
			u->prompt[len + n] = '\0';
		}
		return UI_OUT_REDRAW;
	}
	return 0;
}

/* A mouse click or wheel. */
static int
mouse_key(struct ui *u, const struct ui_input *in)
{
	if (in->key == UI_KEY_WHEEL_UP || in->key == UI_KEY_WHEEL_DOWN) {
		size_t *s = overlay_scroll(u);

		if (s != NULL) {
			if (in->key == UI_KEY_WHEEL_UP)
				*s = *s >= 3 ? *s - 3 : 0;
			else
				*s += 3;
			return UI_OUT_REDRAW;
		}
		for (int i = 0; i < u->nhits; i++)
			if (u->hits[i].kind == UI_HIT_ROW && in->y == u->hits[i].y &&
			    in->x >= u->hits[i].x && in->x < u->hits[i].x + u->hits[i].w)
				u->focus = u->hits[i].pane;
		return move(u, in->key == UI_KEY_WHEEL_UP ? -3 : 3);
	}
	for (int i = 0; i < u->nhits; i++) {
		const struct ui_hit *h = &u->hits[i];

		if (in->y != h->y || in->x < h->x || in->x >= h->x + h->w)
			continue;
		if (h->kind == UI_HIT_STEP) {
			u->playing = false;
			return go(u, h->arg);
		}
		u->focus = h->pane;
		u->cursor[h->pane] = h->arg;
		u->overlay = UI_OV_DETAIL;
		u->detail_scroll = 0;
		return UI_OUT_REDRAW;
	}
	return 0;
}

/* Apply one input. */
int
ui_handle(struct ui *u, const struct ui_input *in)
{
	int action, arg = 0;

	if (in->key == UI_KEY_RESIZE)
		return UI_OUT_REDRAW | UI_OUT_FULL;
	if (u->blank) {   /* any key brings the screen back, and does nothing else */
		u->blank = false;
		return UI_OUT_REDRAW | UI_OUT_FULL;
	}
	if (u->overlay == UI_OV_PROMPT)
		return prompt_key(u, in->key);
	u->msg[0] = '\0';
	if (u->overlay == UI_OV_QUIZ && in->key < UI_KEY_CLICK) {
		int out = ui_quiz_key(u, in->key);

		if (out >= 0)
			return out;
	}
	if (in->key == UI_KEY_CLICK || in->key == UI_KEY_WHEEL_UP || in->key == UI_KEY_WHEEL_DOWN)
		return u->o.mouse ? mouse_key(u, in) | UI_OUT_REDRAW : 0;
	action = ui_keys_action(in->key, &arg);
	if (overlay_scroll(u) != NULL) {
		size_t *s = overlay_scroll(u);

		switch (action) {
		case UI_ACT_UP:
			*s = *s > 0 ? *s - 1 : 0;
			return UI_OUT_REDRAW;
		case UI_ACT_DOWN:
			(*s)++;
			return UI_OUT_REDRAW;
		case UI_ACT_PAGE_UP:
			*s = *s > 10 ? *s - 10 : 0;
			return UI_OUT_REDRAW;
		case UI_ACT_PAGE_DOWN:
			*s += 10;
			return UI_OUT_REDRAW;
		case UI_ACT_FOCUS:
		case UI_ACT_GOTO:
		case UI_ACT_SEARCH:
			u->overlay = UI_OV_NONE;
			break;
		default:
			break;
		}
	}
	if (action == UI_ACT_NONE || handlers[action] == NULL) {
		char name[16];

		say(u, true, "key %s is not bound: ? lists the keys",
		    ui_keys_name(in->key, name, sizeof name));
		return UI_OUT_REDRAW;
	}
	return handlers[action](u, arg);
}

/* Monotonic milliseconds. */
static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Pick ASCII when the locale cannot show UTF-8. */
static void
locale_setup(struct ui_opts *o)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	if (cs == NULL || (strcmp(cs, "UTF-8") != 0 && strcmp(cs, "utf8") != 0))
		o->ascii = true;
}

/* The interactive loop's state. */
struct loop {
	struct ui u;
	struct ui_grid g;
	struct ui_opts o;
	long long next_step;       /* when playing: time of the next step */
	long long last_tick;       /* when loop_tick last ran */
	bool redraw, full;
};

/* Milliseconds to wait for input: animation, playing, live sampling. */
static int
loop_timeout(const struct loop *l)
{
	long long now = now_ms();
	int timeout = l->u.anim > 0 ? UI_FRAME_MS : -1, wait;

	if (l->u.playing) {
		long long rem = l->next_step - now;

		if (rem < 0)
			rem = 0;
		if (timeout < 0 || rem < timeout)
			timeout = (int)rem;
	}
	wait = ui_state_live_wait(&l->u, now);
	if (wait >= 0 && (timeout < 0 || wait < timeout))
		timeout = wait;
	if (l->o.presenter != NULL && (timeout < 0 || (int)l->o.presenter->poll_ms < timeout))
		timeout = (int)l->o.presenter->poll_ms;
	if (l->u.load_state == 1)
		timeout = 0;              /* load between keys */
	return timeout;
}

/* No input came in time: advance the animation and the playback. */
static void
loop_tick(struct loop *l)
{
	struct replay *r = l->u.r;
	long long now = now_ms();

	if (l->u.anim > 0) {
		l->u.anim--;
		l->redraw = true;
	}
	if (!l->u.playing || now < l->next_step)
		return;
	if (replay_pos(r) < replay_nsteps(r))
		go(&l->u, replay_pos(r) + 1);
	if (replay_pos(r) >= replay_nsteps(r))
		l->u.playing = false;
	l->next_step = now + ui_speeds[l->u.speed].ms;
	l->redraw = true;
}

/* Apply input IN and whatever is already waiting after it (a batch).
 * Returns the UI_OUT_* flags, -1 on a signal, -2 when out of memory. */
static int
loop_batch(struct loop *l, struct ui_input *in)
{
	int rc = 1, out = 0, cols, rows;

	for (int batch = 0; rc == 1 && batch < 64; batch++) {
		bool was_playing = l->u.playing;

		out |= ui_handle(&l->u, in);
		if (l->u.playing && !was_playing)
			l->next_step = now_ms() + ui_speeds[l->u.speed].ms;
		if (out & UI_OUT_QUIT)
			break;
		if (in->key == UI_KEY_RESIZE) {
			ui_term_size(&cols, &rows);
			ui_grid_free(&l->g);
			if (ui_grid_init(&l->g, cols, rows, l->o.ascii) != 0)
				return -2;
		}
		/* Draw between inputs so that mouse targets stay current. */
		if (in->key == UI_KEY_CLICK)
			ui_draw(&l->u, &l->g);
		rc = ui_term_read(in, 0);
	}
	ui_state_live_input(&l->u);
	return rc < 0 ? -1 : out;
}

/* Run the loop until quit or a signal; return the exit status. */
static int
loop_run(struct loop *l)
{
	for (;;) {
		struct ui_input in;
		int rc, out;

		if (ui_state_live_wait(&l->u, now_ms()) == 0) {
			ui_state_live_sample(&l->u, now_ms());
			l->redraw = true;
		}
		if (l->redraw) {
			ui_draw(&l->u, &l->g);
			ui_term_present(&l->g, l->full);
			l->redraw = l->full = false;
		}
		if (l->o.presenter != NULL)
			l->o.presenter->show(l->o.presenter->ctx, replay_pos(l->u.r));
		rc = ui_term_read(&in, loop_timeout(l));
		if (rc < 0)
			return 128 + ui_term_signal();
		if (rc == 0) {
			/* While loading the read does not wait: animate at
			 * the frame rate all the same. */
			if (l->u.load_state != 1 || now_ms() - l->last_tick >= UI_FRAME_MS) {
				loop_tick(l);
				l->last_tick = now_ms();
			}
			if (ui_state_load_more(&l->u) != 0)
				l->redraw = true;
			continue;
		}
		out = loop_batch(l, &in);
		if (out == -1)
			return 128 + ui_term_signal();
		if (out == -2) {
			fprintf(stderr, "vmscope: out of memory\n");
			return 1;
		}
		if (out & UI_OUT_QUIT)
			return 0;
		l->redraw = true;
		l->full = (out & UI_OUT_FULL) != 0;
	}
}

/* Run the interactive player. */
int
ui_run(struct replay *r, const struct ui_opts *opts)
{
	struct loop l = { .o = *opts, .redraw = true, .full = true };
	const char *nc = getenv("NO_COLOR");
	char err[256];
	int status, cols, rows;

	locale_setup(&l.o);
	if (nc != NULL && nc[0] != '\0')
		l.o.no_color = true;
	ui_grid_set_theme(l.o.theme);
	if (ui_state_init(&l.u, r, &l.o) != 0 || ui_state_goto(&l.u, l.o.start_step, false) != 0) {
		ui_state_free(&l.u);
		fprintf(stderr, "vmscope: out of memory\n");
		return 1;
	}
	if (ui_term_open(&l.o, NULL, NULL, NULL, 0, 0, err, sizeof err) != 0) {
		ui_state_free(&l.u);
		fprintf(stderr, "vmscope: %s\n", err);
		return 1;
	}
	ui_term_size(&cols, &rows);
	if (l.o.live != NULL)
		l.u.live_next = now_ms() + l.o.live->interval_ms;
	if (ui_grid_init(&l.g, cols, rows, l.o.ascii) != 0) {
		ui_term_close();
		ui_state_free(&l.u);
		fprintf(stderr, "vmscope: out of memory\n");
		return 1;
	}
	status = loop_run(&l);
	ui_term_close();
	if (status == 0 && l.u.load_state < 0) {
		fprintf(stderr, "%s\n", l.u.load_err);   /* FILE:LINE:COL: message */
		status = 2;
	}
	ui_grid_free(&l.g);
	ui_state_free(&l.u);
	return status;
}

/* An asciicast of U: the first screen, then one frame per key of SCRIPT.
 * Returns 0, or -2 when OUT could not be written. */
static int
render_cast(struct ui *u, struct ui_grid *g, const struct ui_input *script, size_t n, FILE *out)
{
	const struct trace *t = replay_trace(u->r);
	double at = 0;

	ui_cast_header(out, g->cols, g->rows, t->title != NULL ? t->title : t->path);
	ui_draw(u, g);
	if (ui_cast_frame(out, g, at, u->o.no_color) != 0)
		return -2;
	for (size_t i = 0; i < n; i++) {
		int flags = ui_handle(u, &script[i]);

		ui_state_live_input(u);
		ui_draw(u, g);
		at += UI_CAST_FRAME_SECONDS;
		if (ui_cast_frame(out, g, at, u->o.no_color) != 0)
			return -2;
		if (flags & UI_OUT_QUIT)
			break;
	}
	return 0;
}

/* Draw the player's screen headlessly (ui_render, in a UTF-8 LC_CTYPE). */
static int
render_screen(struct replay *r, const struct ui_opts *o, int cols, int rows, size_t step,
              const char *keys, enum ui_format format, FILE *out, char *err, size_t errlen)
{
	struct ui_input *script;
	struct ui_grid g;
	struct ui u;
	size_t n = 0;
	int rc = 0;

	if (cols < 1 || rows < 1 || cols > 1000 || rows > 1000) {
		snprintf(err, errlen, "bad size %dx%d (want COLSxROWS, 1..1000 each)", cols, rows);
		return -1;
	}
	if (step > replay_nsteps(r)) {
		snprintf(err, errlen, "step %zu is past the end (the trace has %zu steps)", step,
		         replay_nsteps(r));
		return -1;
	}
	script = calloc(MAX_SCRIPT, sizeof *script);
	if (script == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ui_keys_parse(keys, script, MAX_SCRIPT, &n, err, errlen) != 0) {
		free(script);
		return -1;
	}
	if (ui_state_init(&u, r, o) != 0 || ui_grid_init(&g, cols, rows, o->ascii) != 0) {
		ui_state_free(&u);
		free(script);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ui_state_goto(&u, step, o->animate) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	if (rc == 0 && format == UI_FORMAT_ASCIICAST) {
		rc = render_cast(&u, &g, script, n, out);
		if (rc != 0)
			snprintf(err, errlen, "cannot write the recording");
		goto done;
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		ui_draw(&u, &g);   /* layout and mouse targets for the input */
		if (ui_handle(&u, &script[i]) & UI_OUT_QUIT)
			break;
		ui_state_live_input(&u);
	}
	if (rc == 0) {
		ui_draw(&u, &g);
		if (ui_grid_write(&g, format, o->no_color, out) != 0) {
			snprintf(err, errlen, "cannot write the screen");
			rc = -2;
		}
	}
done:
	ui_grid_free(&g);
	ui_state_free(&u);
	free(script);
	return rc;
}

/*
 * Draw the player's screen headlessly.  Character widths come from
 * wcwidth(), which depends on LC_CTYPE: render under C.UTF-8 (the same
 * under every user locale), then put the caller's LC_CTYPE back.
 */
int
ui_render(struct replay *r, const struct ui_opts *o, int cols, int rows, size_t step,
          const char *keys, enum ui_format format, FILE *out, char *err, size_t errlen)
{
	static const char *const utf8[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur != NULL ? strdup(cur) : NULL;
	int rc;

	for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++)
		if (setlocale(LC_CTYPE, utf8[i]) != NULL)
			break;
	ui_grid_set_theme(o->theme);
	rc = render_screen(r, o, cols, rows, step, keys, format, out, err, errlen);
	if (saved != NULL)
		setlocale(LC_CTYPE, saved);
	free(saved);
	return rc;
}
