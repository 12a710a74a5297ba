/* SPDX-License-Identifier: MIT */
/*
 * ui_keys.c -- the action table, the key table, key names and the key
 * script parser.  Add a key here and it appears in `?` help and in
 * docs/keys.md; nothing else lists keys.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ui_keys.h"

/* Every action once, in help order. */
const struct ui_action_info ui_keys_actions[UI_ACT_COUNT] = {
	[UI_ACT_NONE]        = { "none", "" },
	[UI_ACT_PLAY]        = { "play", "Play or pause" },
	[UI_ACT_STEP_FWD]    = { "step-forward", "Step forward one event" },
	[UI_ACT_STEP_BACK]   = { "step-back", "Step back one event (exact)" },
	[UI_ACT_FIRST]       = { "first", "Go to the start (step 0)" },
	[UI_ACT_LAST]        = { "last", "Go to the last step" },
	[UI_ACT_PREV_MARK]   = { "prev-chapter", "Previous chapter mark" },
	[UI_ACT_NEXT_MARK]   = { "next-chapter", "Next chapter mark" },
	[UI_ACT_JUMP_PCT]    = { "jump", "Jump to 0-90 % of the trace" },
	[UI_ACT_SLOWER]      = { "slower", "Play slower" },
	[UI_ACT_FASTER]      = { "faster", "Play faster" },
	[UI_ACT_GOTO]        = { "goto", "Go to step N (type N, Enter)" },
	[UI_ACT_FOCUS]       = { "focus", "Switch pane focus" },
	[UI_ACT_UP]          = { "up", "Previous region in the pane" },
	[UI_ACT_DOWN]        = { "down", "Next region in the pane" },
	[UI_ACT_PAGE_UP]     = { "page-up", "Scroll a page up" },
	[UI_ACT_PAGE_DOWN]   = { "page-down", "Scroll a page down" },
	[UI_ACT_DETAIL]      = { "detail", "Region detail: entry, object chain" },
	[UI_ACT_OBJECTS]     = { "objects", "Objects view: who holds each reference" },
	[UI_ACT_OBJCOLS]     = { "columns", "Show or hide the OBJ, DEPTH and NC columns" },
	[UI_ACT_ALIGN]       = { "align", "Align the panes' rows by address, holes shown (on/off)" },
	[UI_ACT_SEARCH]      = { "search", "Search events (ops, notes, tasks)" },
	[UI_ACT_SEARCH_NEXT] = { "search-next", "Next match" },
	[UI_ACT_SEARCH_PREV] = { "search-prev", "Previous match" },
	[UI_ACT_SWAP]        = { "swap", "Swap the two panes" },
	[UI_ACT_NEXT_TASK]   = { "next-task", "Show the next task in the focused pane" },
	[UI_ACT_FOLLOW]      = { "follow", "Panes follow the acting tasks (on/off)" },
	[UI_ACT_VIEW]        = { "view", "Cycle the panes: model, observed, both" },
	[UI_ACT_QUIZ]        = { "quiz", "Quiz: ask before steps with questions (on/off)" },
	[UI_ACT_COMPARE]     = { "compare", "Compare: the left task under the next profile (cycles, off)" },
	[UI_ACT_BLANK]       = { "blank", "Blank the screen (any key shows it again)" },
	[UI_ACT_HELP]        = { "help", "This help" },
	[UI_ACT_CLOSE]       = { "close", "Close help, detail, objects, quiz or prompt" },
	[UI_ACT_REDRAW]      = { "redraw", "Redraw the screen" },
	[UI_ACT_QUIT]        = { "quit", "Quit" },
};

/* Key -> action. */
const struct ui_binding ui_keys_bindings[] = {
	{ ' ', UI_ACT_PLAY, 0 },
	{ '.', UI_ACT_STEP_FWD, 0 },
	{ UI_KEY_RIGHT, UI_ACT_STEP_FWD, 0 },
	{ 'l', UI_ACT_STEP_FWD, 0 },
	{ ',', UI_ACT_STEP_BACK, 0 },
	{ UI_KEY_LEFT, UI_ACT_STEP_BACK, 0 },
	{ 'h', UI_ACT_STEP_BACK, 0 },
	{ 'g', UI_ACT_FIRST, 0 },
	{ UI_KEY_HOME, UI_ACT_FIRST, 0 },
	{ 'G', UI_ACT_LAST, 0 },
	{ UI_KEY_END, UI_ACT_LAST, 0 },
	{ '[', UI_ACT_PREV_MARK, 0 },
	{ ']', UI_ACT_NEXT_MARK, 0 },
	{ '0', UI_ACT_JUMP_PCT, 0 }, { '1', UI_ACT_JUMP_PCT, 1 }, { '2', UI_ACT_JUMP_PCT, 2 },
	{ '3', UI_ACT_JUMP_PCT, 3 }, { '4', UI_ACT_JUMP_PCT, 4 }, { '5', UI_ACT_JUMP_PCT, 5 },
	{ '6', UI_ACT_JUMP_PCT, 6 }, { '7', UI_ACT_JUMP_PCT, 7 }, { '8', UI_ACT_JUMP_PCT, 8 },
	{ '9', UI_ACT_JUMP_PCT, 9 },
	{ '<', UI_ACT_SLOWER, 0 },
	{ '-', UI_ACT_SLOWER, 0 },
	{ '>', UI_ACT_FASTER, 0 },
	{ '+', UI_ACT_FASTER, 0 },
	{ ':', UI_ACT_GOTO, 0 },
	{ UI_KEY_TAB, UI_ACT_FOCUS, 0 },
	{ UI_KEY_BTAB, UI_ACT_FOCUS, 0 },
	{ UI_KEY_UP, UI_ACT_UP, 0 },
	{ 'k', UI_ACT_UP, 0 },
	{ UI_KEY_DOWN, UI_ACT_DOWN, 0 },
	{ 'j', UI_ACT_DOWN, 0 },
	{ UI_KEY_PGUP, UI_ACT_PAGE_UP, 0 },
	{ UI_KEY_PGDN, UI_ACT_PAGE_DOWN, 0 },
	{ UI_KEY_ENTER, UI_ACT_DETAIL, 0 },
	{ 'O', UI_ACT_OBJECTS, 0 },
	{ 'c', UI_ACT_OBJCOLS, 0 },
	{ '=', UI_ACT_ALIGN, 0 },
	{ '/', UI_ACT_SEARCH, 0 },
	{ 'n', UI_ACT_SEARCH_NEXT, 0 },
	{ 'N', UI_ACT_SEARCH_PREV, 0 },
	{ 't', UI_ACT_SWAP, 0 },
	{ 'T', UI_ACT_NEXT_TASK, 0 },
	{ 'f', UI_ACT_FOLLOW, 0 },
	{ 'o', UI_ACT_VIEW, 0 },
	{ 'a', UI_ACT_QUIZ, 0 },
	{ 'p', UI_ACT_COMPARE, 0 },
	{ 'b', UI_ACT_BLANK, 0 },
	{ '?', UI_ACT_HELP, 0 },
	{ UI_KEY_F1, UI_ACT_HELP, 0 },
	{ UI_KEY_ESC, UI_ACT_CLOSE, 0 },
	{ UI_KEY_CTRL_L, UI_ACT_REDRAW, 0 },
	{ 'q', UI_ACT_QUIT, 0 },
};
const size_t ui_keys_nbindings = sizeof ui_keys_bindings / sizeof ui_keys_bindings[0];

/* Names of the special keys, as help and key scripts spell them. */
static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ ' ', "Space" }, { UI_KEY_TAB, "Tab" }, { UI_KEY_ENTER, "Enter" },
	{ UI_KEY_ESC, "Esc" }, { UI_KEY_CTRL_L, "C-l" }, { UI_KEY_UP, "Up" },
	{ UI_KEY_DOWN, "Down" }, { UI_KEY_LEFT, "Left" }, { UI_KEY_RIGHT, "Right" },
	{ UI_KEY_HOME, "Home" }, { UI_KEY_END, "End" }, { UI_KEY_PGUP, "PgUp" },
	{ UI_KEY_PGDN, "PgDn" }, { UI_KEY_F1, "F1" }, { UI_KEY_BACKSPACE, "BS" },
	{ UI_KEY_BTAB, "S-Tab" }, { UI_KEY_RESIZE, "Resize" },
};

/* Look up the action bound to KEY. */
int
ui_keys_action(int key, int *arg)
{
	for (size_t i = 0; i < ui_keys_nbindings; i++) {
		if (ui_keys_bindings[i].key == key) {
			if (arg != NULL)
				*arg = ui_keys_bindings[i].arg;
			return ui_keys_bindings[i].action;
		}
	}
	return UI_ACT_NONE;
}

/* Name one key. */
const char *
ui_keys_name(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			snprintf(buf, len, "%s", key_names[i].name);
			return buf;
		}
	if (key > 0 && key < 0x20)
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	else if (key > 0x20 && key < 0x7f)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "U+%04X", (unsigned)key);
	return buf;
}

/* List the keys of ACTION; a run of four or more consecutive characters
 * is written as a range ("0-9"). */
void
ui_keys_for(int action, char *buf, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < ui_keys_nbindings; i++) {
		const struct ui_binding *b = &ui_keys_bindings[i];
		char name[16];
		size_t j = i;

		if (b->action != action)
			continue;
		while (j + 1 < ui_keys_nbindings && ui_keys_bindings[j + 1].action == action &&
		       ui_keys_bindings[j + 1].key == ui_keys_bindings[j].key + 1 &&
		       b->key < UI_KEY_BASE)
			j++;
		if (j - i >= 3) {
			char first[8], last[8];

			snprintf(name, sizeof name, "%s-%s", ui_keys_name(b->key, first, sizeof first),
			         ui_keys_name(ui_keys_bindings[j].key, last, sizeof last));
			i = j;
		} else {
			ui_keys_name(b->key, name, sizeof name);
		}
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? " " : "", name);
		if (o >= len) {
			buf[len - 1] = '\0';
			return;
		}
	}
}

/* Parse <Click:X,Y> (already past "<Click:"); returns chars used or 0. */
static size_t
parse_click(const char *s, struct ui_input *in)
{
	int x, y, n = 0;

	if (sscanf(s, "%d,%d>%n", &x, &y, &n) != 2 || n == 0 || x < 0 || y < 0)
		return 0;
	in->key = UI_KEY_CLICK;
	in->x = x;
	in->y = y;
	return (size_t)n;
}

/* Parse a key script. */
int
ui_keys_parse(const char *script, struct ui_input *out, size_t max, size_t *n,
              char *err, size_t errlen)
{
	size_t k = 0;

	*n = 0;
	if (script == NULL)
		return 0;
	for (const char *p = script; *p != '\0';) {
		struct ui_input in = { 0, -1, -1 };

		if (k >= max) {
			snprintf(err, errlen, "key script too long (at most %zu keys)", max);
			return -1;
		}
		if (*p == '<' && p[1] != '\0' && p[1] != '<') {
			const char *end = strchr(p, '>');
			size_t tl;
			bool found = false;

			if (strncmp(p, "<Click:", 7) == 0) {
				size_t used = parse_click(p + 7, &in);

				if (used == 0) {
					snprintf(err, errlen, "bad key token at offset %zu: "
					         "want <Click:X,Y>", (size_t)(p - script));
					return -1;
				}
				out[k++] = in;
				p += 7 + used;
				continue;
			}
			if (end == NULL) {
				snprintf(err, errlen, "unterminated '<' at offset %zu "
				         "(write <lt> for a literal '<')", (size_t)(p - script));
				return -1;
			}
			tl = (size_t)(end - p - 1);
			if (tl == 2 && strncmp(p + 1, "lt", 2) == 0) {
				in.key = '<';
				found = true;
			} else if (tl == 2 && strncmp(p + 1, "gt", 2) == 0) {
				in.key = '>';
				found = true;
			} else if (tl == 3 && p[1] == 'C' && p[2] == '-' && p[3] >= 'a' && p[3] <= 'z') {
				in.key = p[3] - 'a' + 1;
				found = true;
			}
			for (size_t i = 0; !found && i < sizeof key_names / sizeof key_names[0]; i++) {
				const char *nm = key_names[i].name;

				if (strlen(nm) == tl && strncasecmp(nm, p + 1, tl) == 0) {
					in.key = key_names[i].key;
					found = true;
				}
			}
			if (!found) {
				snprintf(err, errlen, "unknown key token <%.*s> at offset %zu",
				         (int)(tl > 20 ? 20 : tl), p + 1, (size_t)(p - script));
				return -1;
			}
			out[k++] = in;
			p = end + 1;
			continue;
		}
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			snprintf(err, errlen, "bad character 0x%02x at offset %zu in key script",
			         (unsigned char)*p, (size_t)(p - script));
			return -1;
		}
		in.key = (unsigned char)*p;
		if (*p == '<')
			p++;   /* "<<" is one literal '<' */
		out[k++] = in;
		p++;
	}
	*n = k;
	return 0;
}

/* The key table as Markdown. */
void
ui_keys_markdown(FILE *out)
{
	fputs("| Keys | Action | What it does |\n|---|---|---|\n", out);
	for (int a = UI_ACT_NONE + 1; a < UI_ACT_COUNT; a++) {
		char keys[128];

		ui_keys_for(a, keys, sizeof keys);
		fputs("| `", out);
		for (const char *p = keys; *p != '\0'; p++) {
			if (*p == ' ')
				fputs("` `", out);
			else if (*p == '|')
				fputs("\\|", out);
			else
				fputc(*p, out);
		}
		fprintf(out, "` | %s | %s |\n", ui_keys_actions[a].name, ui_keys_actions[a].help);
	}
}

/* Write S for roff: backslashes and dashes escaped, quotes named. */
static void
roff_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else if (*s == '"')
			fputs("\\(dq", out);
		else
			fputc(*s, out);
	}
}

/* The key table as roff: one .TP per action, its keys in bold. */
void
ui_keys_roff(FILE *out)
{
	for (int a = UI_ACT_NONE + 1; a < UI_ACT_COUNT; a++) {
		char keys[128];

		ui_keys_for(a, keys, sizeof keys);
		fputs(".TP\n\\&\\fB", out);
		for (const char *p = keys; *p != '\0'; p++) {
			char one[2] = { *p, '\0' };

			if (*p == ' ')
				fputs("\\fR, \\fB", out);
			else
				roff_text(out, one);
		}
		fputs("\\fR\n\\&", out);
		roff_text(out, ui_keys_actions[a].help);
		fputs("\n", out);
	}
}
