/* SPDX-License-Identifier: MIT */
/*
 * ui_text.h -- text that is safe to put on a terminal.
 *
 * Strings that come from a trace (titles, notes, task and region names) are
 * attacker-controlled as far as the terminal is concerned: an escape
 * sequence in a note could retitle the window or rewrite the screen.  Every
 * such string goes through text_sanitize() (trace/text.h) before it is
 * drawn, and the grid (ui_grid.c) refuses control characters a second
 * time.  No curses.
 */
#ifndef VMSCOPE_UI_TEXT_H
#define VMSCOPE_UI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/text.h"

/* Terminal columns of codepoint CP: 0 (combining, controls), 1 or 2. */
int ui_text_cpwidth(uint32_t cp);

/* Columns S occupies once drawn. */
int ui_text_width(const char *s);

/* S clipped to W columns and CAP bytes into OUT: a path keeps its last
 * component ("/usr/lib/x86_64…/libc.so.6"), anything else its start,
 * with an ellipsis ("..." when ASCII) where text was left out. */
void ui_text_clip_middle(char *out, size_t cap, const char *s, int w, bool ascii);

/* Case-insensitive (ASCII) substring test, for search. */
bool ui_text_contains(const char *hay, const char *needle);

#endif
