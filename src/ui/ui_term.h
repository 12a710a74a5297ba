/* SPDX-License-Identifier: MIT */
/*
 * ui_term.h -- the terminal backend: curses setup and teardown, signals,
 * input translated to ui_input, and the grid copied to the screen.
 * The rest of the player never sees curses (ui_curses.h is included by
 * ui_term.c only).
 */
#ifndef VMSCOPE_UI_TERM_H
#define VMSCOPE_UI_TERM_H

#include <stdbool.h>
#include <stdio.h>

#include "ui.h"
#include "ui_grid.h"
#include "ui_keys.h"

/*
 * Start curses.  With OUT == NULL on the controlling terminal (initscr),
 * with the signal and crash handlers installed; otherwise on OUT/IN with
 * terminal type TERMTYPE at COLS x ROWS and no handlers (the benchmark).
 * Returns 0, or -1 with ERR set.
 */
int ui_term_open(const struct ui_opts *o, FILE *out, FILE *in, const char *termtype,
                 int cols, int rows, char *err, size_t errlen);
/* Restore the terminal; safe to call twice, and registered with atexit. */
void ui_term_close(void);
/* The screen size now. */
void ui_term_size(int *cols, int *rows);
/* Copy the cells of G that changed since the last call (all with FULL)
 * and update the terminal once. */
void ui_term_present(const struct ui_grid *g, bool full);
/* Wait up to TIMEOUT_MS (-1: forever) for input.  Returns 1 with *IN set,
 * 0 on timeout, -1 when a terminating signal arrived (ui_term_signal). */
int ui_term_read(struct ui_input *in, int timeout_ms);
/* The terminating signal received (SIGINT, SIGTERM, SIGHUP), or 0. */
int ui_term_signal(void);

#endif
