/* SPDX-License-Identifier: MIT */
/*
 * ui_player.h -- the player's state, shared by the ui_*.c files.
 *
 * The player shows two tasks of a replay side by side.  Whenever the
 * position changes, ui_state.c takes a snapshot of every task's region
 * reports at step k-1 and at step k (both exact, through replay_seek),
 * marks what changed (for the highlights that fade over a few frames) and
 * has ui_narrate.c write the sentence about it.  Drawing (ui_draw.c,
 * ui_detail.c, ui_help.c) only reads this state and the model's reports;
 * it never decides a model rule.  Private to src/ui*.c; no curses here.
 *
 * Recorded observations ("observe" events) are kept per trace task: the
 * latest one at or before the current step is paired with the task's
 * model regions by check.c (check_pair_step), once per step, so that the
 * observed and both views (ui->view) only read the result.
 */
#ifndef VMSCOPE_UI_PLAYER_H
#define VMSCOPE_UI_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replay/check.h"
#include "replay/grade.h"
#include "replay/replay.h"
#include "ui.h"
#include "ui_grid.h"
#include "ui_keys.h"
#include "vm/vm.h"

#define UI_CHAIN_MAX 8       /* objects of a shadow chain kept per row */
#define UI_ANIM_FRAMES 8     /* frames a change stays highlighted */
#define UI_FRAME_MS 70       /* one animation frame */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24

/* What changed in a row since the previous step. */
enum {
	UI_CH_NEW = 1 << 0,      /* region appeared */
	UI_CH_GONE = 1 << 1,     /* region vanished (ghost row) */
	UI_CH_RANGE = 1 << 2,
	UI_CH_PROT = 1 << 3,
	UI_CH_SM = 1 << 4,
	UI_CH_REF = 1 << 5,
	UI_CH_RES = 1 << 6,
	UI_CH_DIRTY = 1 << 7,
	UI_CH_PAGES = 1 << 8,
	UI_CH_OBJECT = 1 << 9,
};

/* What changed in one page (ui_pgrun.changed). */
enum { UI_PG_FRAME = 1, UI_PG_KIND = 2, UI_PG_DIRTY = 4 };

/* Pages [first, first + n) of a row that look alike and changed alike:
 * PI is the first page's; the others' frames follow it one by one. */
struct ui_pgrun {
	uint64_t first, n;
	struct vm_page_info pi;
	uint8_t changed;               /* UI_PG_* this step */
};

/* One region of a task as the panes show it. */
struct ui_row {
	struct vm_region_info ri;      /* the report at this step */
	struct vm_region_info before;  /* at the previous step, when matched */
	char name[40];                 /* sanitized "as" name, "" if none */
	size_t index;                  /* entry index for vm_region_pages */
	size_t npages;
	struct ui_pgrun *runs;         /* the pages as runs, owned by the row */
	size_t nruns;
	uint32_t chain[UI_CHAIN_MAX];  /* top object and its shadows */
	uint8_t nchain;
	uint32_t fmin, fmax;           /* range of resident frame ids, 0 0: none */
	uint16_t changes;              /* UI_CH_* */
};

/* Every region of one trace task at one step. */
struct ui_snap {
	int task;                /* world task index, -1: no such task now */
	size_t n;                /* live rows, address order */
	size_t nghost;           /* vanished rows after them (rows[n..n+nghost)) */
	size_t cap;
	struct ui_row *rows;
	unsigned gen;            /* changes each time the rows are taken */
	/* Profile compare: per live row, the row of MATCH_OTHER showing the
	 * same region (-1: none), valid while both snapshots' gen are those
	 * it was computed for. */
	long *match;
	const struct ui_snap *match_other;
	unsigned match_gen, match_other_gen;
};

/* One row of the both view: a model row with its observed region, or
 * either alone. */
struct ui_vrow {
	long model;              /* row index in the task's snapshot, -1: none */
	long obs;                /* region index in the observation, -1: none */
	unsigned diff;           /* CHECK_D_* of the pair */
};

/* The observation of one trace task at the current step. */
struct ui_obs {
	size_t *steps;           /* the task's observe steps, ascending */
	size_t nsteps;
	size_t step;             /* the one shown (latest <= now), 0: none yet */
	const struct trace_obs *obs;   /* its regions, NULL: none yet */
	struct check_step cmp;   /* obs paired with the model at this step */
	struct ui_vrow *rows;    /* the both view's rows, address order */
	size_t nrows, cap;
};

enum ui_overlay { UI_OV_NONE, UI_OV_HELP, UI_OV_DETAIL, UI_OV_PROMPT, UI_OV_OBJECTS, UI_OV_QUIZ };
enum ui_prompt_kind { UI_PROMPT_GOTO, UI_PROMPT_SEARCH };

/* Outcome flags of an action (htop style). */
enum { UI_OUT_REDRAW = 1, UI_OUT_FULL = 2, UI_OUT_QUIT = 4, UI_OUT_STEP = 8 };

/* A mouse target recorded while drawing. */
enum ui_hit_kind { UI_HIT_STEP, UI_HIT_ROW };
struct ui_hit {
	int x, y, w;
	uint8_t kind;
	uint8_t pane;
	size_t arg;              /* step or row */
};
#define UI_MAX_HITS 512

/* The quiz (ui_quiz.c): the exercise's questions and the student's answers. */
struct ui_quiz {
	bool on;                 /* stop before steps that ask (--quiz, key a) */
	bool built;              /* ex holds the questions */
	struct grade_exercise ex;   /* answers typed go into ex.q[i].answer */
	bool *revealed;          /* per question */
	size_t step;             /* the step of the quiz box (UI_OV_QUIZ), 0: none */
	size_t first, n;         /* its questions: ex.q[first .. first + n) */
	size_t sel, scroll;      /* selected question (0..n-1), first one shown */
	bool shown;              /* revealed */
};

struct ui {
	struct replay *r;
	const struct trace *t;
	struct ui_opts o;
	int pane_task[2];        /* trace task id per pane, -1 none */
	int focus;               /* 0 left, 1 right */
	bool follow;             /* the panes follow each step's acting tasks */
	size_t cursor[2];        /* selected row per pane */
	size_t scroll[2];        /* first row shown */
	int page_rows;           /* rows per page, from the last layout */

	size_t *marks;           /* steps that start a chapter, ascending */
	size_t nmarks;
	size_t ntasks;           /* trace task ids 0..ntasks-1 */
	struct ui_snap *cur;     /* per task id, at the current step */
	struct ui_snap *prev;    /* per task id, at the step before */
	char narration[768];     /* generated sentence for the current step */
	uint32_t *oref_prev;     /* object ref_count by id at the step before, 0: none */
	uint32_t noref_prev;     /* ids in oref_prev (0: at step 0, no step before) */
	int view;                /* enum ui_view, never UI_VIEW_AUTO */
	int objcols;             /* OBJ/DEPTH/NC columns: -1 auto (from 100 columns), 0, 1 */
	bool objcols_shown;      /* whether the last layout showed them */
	bool align;              /* model view: the panes' rows aligned by address (=) */
	size_t vscroll;          /* first aligned row shown */
	int show_pane;           /* the pane whose cursor the step moved to a change, -1 */
	bool have_obs;           /* the trace has observe events */
	bool view_refused;       /* --view asked for observations there are none of */
	struct ui_obs *obs;      /* per task id */

	bool playing;
	int speed;               /* index into ui_speeds */
	int anim;                /* frames of highlight left */

	int overlay;             /* enum ui_overlay */
	int prompt_kind;
	char prompt[64];
	char search[64];
	size_t detail_scroll, help_scroll;
	char msg[512];           /* one-shot message on the bottom line */
	bool msg_error;

	struct ui_quiz quiz;

	/* Profile compare (key p, render --compare): the right pane shows the
	 * left pane's task replayed under another kernel profile. */
	struct replay *cmp;      /* NULL: not comparing */
	struct ui_snap *cmp_cur; /* per task id, under cmp, at the current step */
	int cmp_saved_right;     /* the right pane's task before comparing */
	bool blank;              /* b: nothing on screen until the next key */

	struct ui_hit hits[UI_MAX_HITS];
	int nhits;

	/* Live (u->o.live != NULL): see ui_state_live_*. */
	bool live_follow;        /* go to each new step (the user is at the end) */
	bool live_paused;        /* Space: no sampling */
	bool live_ended;         /* the source said nothing more will come */
	bool live_stopped[2];    /* trace task id 0/1 no longer sampled */
	size_t live_samples;     /* samples taken, the first one included */
	size_t live_new;         /* samples that came since the user moved back */
	double live_cost_ms;     /* cost of the last sample */
	int load_state;          /* o.loader: 1 loading, 0 all loaded, -1 failed */
	double load_fraction;    /* how much of the file is loaded, 0..1 */
	char load_err[512];      /* why the load failed (FILE:LINE:COL: message) */
	long long live_next;     /* monotonic ms when the next sample is due */
};

/* Playback speeds. */
struct ui_speed {
	int ms;                  /* per step */
	const char *label;
};
extern const struct ui_speed ui_speeds[];
extern const int ui_nspeeds;

/* ---- ui_state.c ---- */
int ui_state_init(struct ui *u, struct replay *r, const struct ui_opts *o);
void ui_state_free(struct ui *u);
/* Seek to step K, take the snapshots, mark changes, narrate.  ANIMATE
 * starts the highlight fade. */
int ui_state_goto(struct ui *u, size_t k, bool animate);
/* Show step K's acting tasks in the panes (when not shown already). */
void ui_state_follow(struct ui *u, size_t k);
/* The acting trace tasks of step K into A, B (-1: none); returns how many. */
int ui_state_acting(const struct ui *u, size_t k, int *a, int *b);
/* The snapshot of pane P (NULL when the pane shows no task). */
const struct ui_snap *ui_state_pane(const struct ui *u, int p);
/* The world pane P shows (comparing: the right pane's is the other
 * profile's). */
const struct vm_world *ui_state_world(const struct ui *u, int p);
/* Compare with profile PROF (NULL: stop comparing); returns 0, or -1 with
 * ERR (the profile cannot replay this trace) or out of memory. */
int ui_state_compare(struct ui *u, const struct vm_profile *prof, char *err, size_t errlen);
/* How row A of snapshot SELF differs from the row of OTHER showing the
 * same region (by name, else by start): CHECK_D_* bits (RANGE: another
 * size), or UI_CMP_MISSING when OTHER has none. */
#define UI_CMP_MISSING (1u << 31)
unsigned ui_state_compare_diff(const struct ui_row *a, const struct ui_snap *self,
                               const struct ui_snap *other);
/* The observation shown for pane P's task (NULL: none at or before now). */
const struct ui_obs *ui_state_obs(const struct ui *u, int p);
/* Rows of pane P in the current view. */
size_t ui_state_nrows(const struct ui *u, int p);
/* Switch to VIEW; returns false (and changes nothing) when VIEW needs
 * observations and the trace has none. */
bool ui_state_set_view(struct ui *u, int view);
/* Write what the panes show of the observations now into BUF (why a view
 * is empty, or which steps were observed). */
void ui_state_view_note(const struct ui *u, char *buf, size_t len);
/* Keep pane P's cursor inside its rows and visible in VISIBLE rows. */
void ui_state_clamp(struct ui *u, int p, size_t visible);
/* Link kind between two rows: NULL, "COW" or "SHM". */
const char *ui_state_link(const struct ui_row *a, const struct ui_row *b);
/* The first object of A's chain that B's chain holds too (the link's
 * object, as the gutter labels it), or 0 (they share frames only). */
uint32_t ui_state_link_object(const struct ui_row *a, const struct ui_row *b);
/* The chapter mark in force at step K (NULL: none) and its step. */
const char *ui_state_chapter(const struct ui *u, size_t k, size_t *at);
/* The first step at or after K that starts a chapter, 0 if none. */
size_t ui_state_mark_from(const struct ui *u, size_t k);
/* Take in the steps appended to the trace (replay_extend): chapters,
 * observations; the position stays.  Returns 0 or -1 (out of memory). */
int ui_state_extend(struct ui *u);
/* Load the next part of a trace still loading (o.loader) and take it in.
 * Returns UI_OUT_REDRAW, or 0 when nothing is loading. */
int ui_state_load_more(struct ui *u);
/* The step count for the screen: "10064", or "10064+" while loading. */
void ui_state_total(const struct ui *u, char *buf, size_t len);
/* Milliseconds until the next live sample is due at NOW (0: due; -1: no
 * sample will come -- not live, paused or ended). */
int ui_state_live_wait(const struct ui *u, long long now);
/* Take a live sample through u->o.live at NOW (monotonic ms), take in its
 * steps and go to the newest when following; returns UI_OUT_* flags. */
int ui_state_live_sample(struct ui *u, long long now);
/* After input: follow the newest step again when the user is at it. */
void ui_state_live_input(struct ui *u);

/* ---- ui_narrate.c ---- */
/* Write the sentence for the step that led to the current position. */
/* ui_rowpages.c: a row's pages, kept as runs. */
int ui_row_load_pages(struct ui_row *row, const struct vm_world *w, int task, size_t i);
struct vm_page_info ui_row_page(const struct ui_row *r, size_t p);
void ui_row_totals(const struct ui_row *r, size_t total[4]);
bool ui_row_range(const struct ui_row *r, size_t a, size_t b, size_t count[4], bool *dirty);
bool ui_row_pages_diff(struct ui_row *r, const struct ui_row *p);
bool ui_row_share_frames(const struct ui_row *a, const struct ui_row *b);

void ui_narrate(const struct ui *u, char *buf, size_t len);
/* Describe what changed in one row ("COW->PRV, ref_count 2->1"). */
void ui_narrate_row(const struct ui_row *r, bool ascii, char *buf, size_t len);

/* ---- ui_draw.c ---- */
/* Draw the whole screen (panes, gutter, timeline, narration, overlays). */
void ui_draw(struct ui *u, struct ui_grid *g);

/* ---- ui_look.c: what every view shows alike ---- */
/* A size compactly ("16K", "1.5M", "2G"). */
void ui_look_size(uint64_t bytes, char *buf, size_t len);
/* The style of a share mode (enum ui_style). */
int ui_look_sm_style(int share_mode);
/* The page-strip glyph and style of a page kind (VMPG_*). */
enum ui_glyph ui_look_page_glyph(int kind, bool dirty);
int ui_look_page_style(int kind);
/* A trace task's name, sanitized, into BUF ("-" for -1). */
const char *ui_look_task_name(const struct ui *u, int task_id, char *buf, size_t len);

/* ---- ui_detail.c / ui_help.c: overlays drawn inside (X, Y, W, H) ---- */
void ui_detail_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h);
void ui_objects_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h);
void ui_help_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h);

/* ---- ui_quiz.c ---- */
/* Build the questions (moves the replay: go back to a step after). */
int ui_quiz_build(struct ui *u);
void ui_quiz_free(struct ui *u);
/* The first step in (FROM, TO] with questions not yet revealed, 0: none
 * (also when the quiz is off). */
size_t ui_quiz_stop(const struct ui *u, size_t from, size_t to);
/* Open the quiz box for STEP (the position should be STEP - 1). */
void ui_quiz_open(struct ui *u, size_t step);
/* Is the quiz box asking (not yet revealed)? */
bool ui_quiz_asking(const struct ui *u);
/* The fields (1 << TASK_*) asked now about region NAME of trace task
 * TASK_ID, shown as `?` in the panes; 0 when not asking. */
unsigned ui_quiz_hidden(const struct ui *u, int task_id, const char *name);
/* A key while the quiz box is open: UI_OUT_* flags, or -1 when the key
 * is not the quiz's (the box may have closed: handle it as usual). */
int ui_quiz_key(struct ui *u, int key);
void ui_quiz_draw(struct ui *u, struct ui_grid *g, int x, int y, int w, int h);

/* ---- ui_draw.c helpers ---- */
/* Word-wrap S into at most H rows of W columns at (X, Y), an ellipsis when
 * cut; returns the rows used. */
int ui_draw_wrapped(struct ui_grid *g, int x, int y, int w, int h, int style, const char *s);

/* ---- ui.c ---- */
/* Apply one input; returns UI_OUT_* flags. */
int ui_handle(struct ui *u, const struct ui_input *in);

#endif
