/* SPDX-License-Identifier: MIT */
/*
 * ui_keys.h -- the player's actions and key bindings, as data.
 *
 * Every user action is declared once (name + help text) in ui_keys.c, key
 * bindings are one table mapping keys to actions, and both the `?` help
 * screen and docs/keys.md are generated from these tables, so a key cannot
 * be bound without being documented.  Keys are the player's own codes
 * (printable characters as themselves, specials from UI_KEY_BASE up): the
 * terminal backend translates curses codes, the key-script parser
 * translates `vmscope render --key` scripts.  No curses here.
 */
#ifndef VMSCOPE_UI_KEYS_H
#define VMSCOPE_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum ui_key {
	UI_KEY_TAB = 9,
	UI_KEY_ENTER = 13,
	UI_KEY_ESC = 27,
	UI_KEY_CTRL_L = 12,
	UI_KEY_BASE = 0x110000,   /* past every Unicode codepoint */
	UI_KEY_UP = UI_KEY_BASE, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_HOME, UI_KEY_END, UI_KEY_PGUP, UI_KEY_PGDN, UI_KEY_F1,
	UI_KEY_BACKSPACE, UI_KEY_BTAB,
	UI_KEY_RESIZE,            /* the terminal changed size */
	UI_KEY_CLICK,             /* left click at (x, y) */
	UI_KEY_WHEEL_UP, UI_KEY_WHEEL_DOWN,
};

/* One input: a key, with the cell for mouse events. */
struct ui_input {
	int key;
	int x, y;
};

/* The user's actions. */
enum ui_action {
	UI_ACT_NONE,
	UI_ACT_PLAY, UI_ACT_STEP_FWD, UI_ACT_STEP_BACK, UI_ACT_FIRST, UI_ACT_LAST,
	UI_ACT_PREV_MARK, UI_ACT_NEXT_MARK, UI_ACT_JUMP_PCT, UI_ACT_SLOWER, UI_ACT_FASTER,
	UI_ACT_GOTO, UI_ACT_FOCUS, UI_ACT_UP, UI_ACT_DOWN, UI_ACT_PAGE_UP, UI_ACT_PAGE_DOWN,
	UI_ACT_DETAIL, UI_ACT_OBJECTS, UI_ACT_OBJCOLS, UI_ACT_ALIGN, UI_ACT_SEARCH, UI_ACT_SEARCH_NEXT, UI_ACT_SEARCH_PREV,
	UI_ACT_SWAP, UI_ACT_NEXT_TASK, UI_ACT_FOLLOW, UI_ACT_VIEW, UI_ACT_QUIZ, UI_ACT_COMPARE, UI_ACT_BLANK, UI_ACT_HELP, UI_ACT_CLOSE, UI_ACT_REDRAW,
	UI_ACT_QUIT,
	UI_ACT_COUNT
};

struct ui_action_info {
	const char *name;    /* "step-forward" */
	const char *help;    /* "Step forward one event" */
};

struct ui_binding {
	int key;             /* enum ui_key or a character */
	int action;          /* enum ui_action */
	int arg;             /* JUMP_PCT: tenths */
};

extern const struct ui_action_info ui_keys_actions[UI_ACT_COUNT];
extern const struct ui_binding ui_keys_bindings[];
extern const size_t ui_keys_nbindings;

/* The action bound to KEY (UI_ACT_NONE if none); *ARG receives its argument. */
int ui_keys_action(int key, int *arg);

/* Name KEY as help and key scripts write it ("Space", "<", "Up", "C-l"). */
const char *ui_keys_name(int key, char *buf, size_t len);

/* The keys of ACTION for help ("Space", ". Right", "0-9"), into BUF. */
void ui_keys_for(int action, char *buf, size_t len);

/*
 * Parse a key script (docs/keys.md): literal characters, <Name> tokens and
 * <Click:X,Y>.  Fills up to MAX inputs into OUT and sets *N.  Returns 0, or
 * -1 with a message in ERR.
 */
int ui_keys_parse(const char *script, struct ui_input *out, size_t max, size_t *n,
                  char *err, size_t errlen);

/* Write the key table of docs/keys.md (Markdown) to OUT, from the same
 * tables the help screen uses. */
void ui_keys_markdown(FILE *out);
/* The same as roff for the man page's KEYS section (.TP paragraphs). */
void ui_keys_roff(FILE *out);

#endif
