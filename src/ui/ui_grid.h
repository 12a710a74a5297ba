/* SPDX-License-Identifier: MIT */
/*
 * ui_grid.h -- the player's screen as a grid of cells.
 *
 * All drawing goes here first: the curses backend (ui_term.c) copies the
 * cells that changed to the terminal, and `vmscope render` prints the grid
 * as plain text, text with ANSI colours, or a self-contained SVG.  A cell
 * holds one codepoint, a semantic style (what the cell means: a share mode,
 * a failed step, a highlight) and extra attributes; how a style looks on a
 * 8-colour, 256-colour or monochrome terminal is decided in one table in
 * ui_grid.c.  Coordinates are (x, y) = (column, row), 0-based, top left.
 * A wide character occupies its cell and a continuation cell (ch == 0).
 * No curses here.
 */
#ifndef VMSCOPE_UI_GRID_H
#define VMSCOPE_UI_GRID_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ui.h"

/* What a cell means; the look of each is in ui_grid.c's style table. */
enum ui_style {
	UI_S_NORMAL,
	UI_S_TITLE,      /* title bar */
	UI_S_HEADER,     /* column headers, pane titles */
	UI_S_DIM,        /* secondary text */
	UI_S_COW,        /* share modes */
	UI_S_PRV,
	UI_S_NUL,
	UI_S_SHM,
	UI_S_ALI,
	UI_S_SA,
	UI_S_LPG,
	UI_S_FAIL,       /* failed step, errors */
	UI_S_CURRENT,    /* current step in the timeline */
	UI_S_MARK,       /* chapter marks */
	UI_S_GUTTER,     /* links between the panes */
	UI_S_NOTE,       /* the trace's narration */
	UI_S_HOT,        /* a change, just made */
	UI_S_WARM,       /* a change, fading */
	UI_S_COOL,       /* a change, nearly faded */
	UI_S_KEY,        /* key names in help and hints */
	UI_S_BORDER,     /* overlay frames */
	UI_S_DIFF,       /* a field where model and observation differ */
	UI_S_COUNT
};

enum { UI_A_BOLD = 1, UI_A_UNDERLINE = 2, UI_A_REVERSE = 4, UI_A_DIM = 8 };

struct ui_cell {
	uint32_t ch;     /* codepoint; 0: right half of a wide character */
	uint8_t style;   /* enum ui_style */
	uint8_t attr;    /* UI_A_* added to the style's own */
};

struct ui_grid {
	int cols, rows;
	struct ui_cell *cells;   /* rows * cols, row-major */
	bool ascii;              /* draw no non-ASCII character */
};

/* Glyphs with a UTF-8 and an ASCII form (ui_grid_glyph). */
enum ui_glyph {
	UI_G_HLINE, UI_G_VLINE, UI_G_TL, UI_G_TR, UI_G_BL, UI_G_BR,
	UI_G_PG_ABSENT,
	UI_G_PG_PRV, UI_G_PG_PRV_DIRTY, UI_G_PG_COW, UI_G_PG_COW_DIRTY,
	UI_G_PG_SHM, UI_G_PG_SHM_DIRTY,
	UI_G_PLAY, UI_G_PAUSE, UI_G_FAIL, UI_G_MARK, UI_G_ARROW_R, UI_G_ARROW_L,
	UI_G_UP, UI_G_DOWN, UI_G_CURSOR, UI_G_ELLIPSIS, UI_G_DOT,
	UI_G_DIFF,       /* marks a field that differs from the observation */
	UI_G_OBS,        /* starts the observed line under a model row */
	UI_G_PG_ZERO,    /* an observed zero-fill page */
	UI_G_COUNT
};

/* Make G a COLS x ROWS grid of blanks; returns -1 on allocation failure. */
int ui_grid_init(struct ui_grid *g, int cols, int rows, bool ascii);
void ui_grid_free(struct ui_grid *g);
/* Blank every cell. */
void ui_grid_clear(struct ui_grid *g);
/* The cell at (X, Y), or NULL outside the grid. */
struct ui_cell *ui_grid_at(struct ui_grid *g, int x, int y);
/* The glyph's text in G's mode ("─" or "-"). */
const char *ui_grid_glyph(const struct ui_grid *g, enum ui_glyph gl);

/*
 * Draw UTF-8 text S at (X, Y), at most MAXW columns (-1: to the right
 * edge).  Control characters become '?', non-ASCII too in ASCII mode.
 * Returns the columns used.  S should already be sanitized when it comes
 * from a trace (text_sanitize); this is the second line of defence.
 */
int ui_grid_put(struct ui_grid *g, int x, int y, int maxw, int style, int attr, const char *s);
/* printf into the grid (same rules as ui_grid_put). */
int ui_grid_printf(struct ui_grid *g, int x, int y, int maxw, int style, int attr,
                   const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Fill W cells from (X, Y) with S (one character). */
void ui_grid_fill(struct ui_grid *g, int x, int y, int w, int style, int attr, const char *s);
/* Add ATTR to W cells from (X, Y); with STYLE >= 0 also set their style. */
void ui_grid_paint(struct ui_grid *g, int x, int y, int w, int style, int attr);
/* Draw a frame around [X, X+W) x [Y, Y+H) and blank its inside. */
void ui_grid_box(struct ui_grid *g, int x, int y, int w, int h, int style);

/* Copy rows [SY, SY+H) of SRC (W columns from 0) to (DX, DY) of DST. */
void ui_grid_blit(struct ui_grid *dst, int dx, int dy, const struct ui_grid *src, int sy,
                  int w, int h);

/* Row Y as UTF-8 text without trailing blanks, into BUF. */
void ui_grid_row_text(const struct ui_grid *g, int y, char *buf, size_t len);
/* Print the grid in FORMAT; NO_COLOR drops colours in ANSI/SVG. */
int ui_grid_write(const struct ui_grid *g, enum ui_format format, bool no_color, FILE *out);

/* How a style looks (for the terminal backend). */
struct ui_style_look {
	const char *name;
	short fg, bg;         /* 0-7 for 8-colour terminals, -1 default */
	short fg256, bg256;   /* for 256-colour terminals, -1: use fg/bg */
	uint8_t attr;         /* UI_A_* in colour mode */
	uint8_t mono;         /* UI_A_* without colour */
	const char *rgb_fg, *rgb_bg;   /* SVG colours, NULL: default */
};
const struct ui_style_look *ui_grid_style(int style);

/* Colour themes.  The theme is process-wide, like the terminal's colours:
 * set it once before drawing (the player and render do, from --theme or
 * the config file). */
enum ui_theme { UI_THEME_DARK, UI_THEME_LIGHT, UI_THEME_CONTRAST };
/* The theme called NAME ("dark", "light", "contrast"), or -1. */
int ui_theme_parse(const char *name);
void ui_grid_set_theme(int theme);

#endif
