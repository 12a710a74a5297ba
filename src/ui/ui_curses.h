/* SPDX-License-Identifier: MIT */
/*
 * ui_curses.h -- the one place vmscope includes curses (like htop's
 * ProvideCurses.h).  Only src/ui*.c may include this header; everything
 * else talks to the player through ui.h, and the drawing code talks to a
 * curses-free cell grid (ui_grid.h).  ui_term.c is the only file that
 * actually calls curses today.
 */
#ifndef VMSCOPE_UI_CURSES_H
#define VMSCOPE_UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

/* Prefer the wide-character header directory when it exists. */
#if defined(__has_include)
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#define VMSCOPE_HAVE_CURSES 1
#endif
#endif
#ifndef VMSCOPE_HAVE_CURSES
#include <curses.h>
#endif

#endif
