/* SPDX-License-Identifier: MIT */
/*
 * ui_grid.c -- the cell grid: drawing primitives, the style table and the
 * text / ANSI / SVG writers used by `vmscope render`.
 *
 * The style table is the single place where meaning becomes colour: every
 * share mode has a colour AND a monochrome attribute, and the drawing code
 * always writes the text abbreviation too, so nothing is told by colour
 * alone.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ui_grid.h"
#include "ui_text.h"

/* Colours: 0 black 1 red 2 green 3 yellow 4 blue 5 magenta 6 cyan 7 white. */
static const struct ui_style_look styles[UI_S_COUNT] = {
	[UI_S_NORMAL]  = { "normal", -1, -1, -1, -1, 0, 0, NULL, NULL },
	[UI_S_TITLE]   = { "title", 7, 4, 231, 24, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#ffffff", "#1f4e79" },
	[UI_S_HEADER]  = { "header", 6, -1, 117, -1, UI_A_BOLD, UI_A_BOLD, "#5fafd7", NULL },
	[UI_S_DIM]     = { "dim", -1, -1, 245, -1, UI_A_DIM, UI_A_DIM, "#8a8a8a", NULL },
	[UI_S_COW]     = { "cow", 3, -1, 214, -1, UI_A_BOLD, UI_A_BOLD, "#ffaf00", NULL },
	[UI_S_PRV]     = { "prv", 2, -1, 114, -1, 0, 0, "#87d787", NULL },
	[UI_S_NUL]     = { "nul", -1, -1, 245, -1, UI_A_DIM, UI_A_DIM, "#8a8a8a", NULL },
	[UI_S_SHM]     = { "shm", 6, -1, 81, -1, UI_A_BOLD, UI_A_UNDERLINE, "#5fd7ff", NULL },
	[UI_S_ALI]     = { "ali", 5, -1, 177, -1, 0, UI_A_UNDERLINE | UI_A_BOLD, "#d787ff", NULL },
	[UI_S_SA]      = { "sa", 5, -1, 201, -1, UI_A_BOLD, UI_A_UNDERLINE | UI_A_BOLD,
	                   "#ff00ff", NULL },
	[UI_S_LPG]     = { "lpg", 4, -1, 75, -1, UI_A_BOLD, UI_A_BOLD, "#5fafff", NULL },
	[UI_S_FAIL]    = { "fail", 1, -1, 196, -1, UI_A_BOLD, UI_A_BOLD | UI_A_UNDERLINE,
	                   "#ff3030", NULL },
	[UI_S_CURRENT] = { "current", 0, 3, 16, 220, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffd700" },
	[UI_S_MARK]    = { "mark", 5, -1, 213, -1, UI_A_BOLD, UI_A_BOLD, "#ff87ff", NULL },
	[UI_S_GUTTER]  = { "gutter", 3, -1, 214, -1, UI_A_BOLD, UI_A_BOLD, "#ffaf00", NULL },
	[UI_S_NOTE]    = { "note", -1, -1, 230, -1, 0, 0, "#ffffd7", NULL },
	[UI_S_HOT]     = { "hot", 0, 3, 16, 226, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffff00" },
	[UI_S_WARM]    = { "warm", 3, -1, 226, -1, UI_A_BOLD | UI_A_UNDERLINE,
	                   UI_A_BOLD | UI_A_UNDERLINE, "#ffff00", NULL },
	[UI_S_COOL]    = { "cool", 3, -1, 186, -1, UI_A_UNDERLINE, UI_A_UNDERLINE, "#d7d787", NULL },
	[UI_S_KEY]     = { "key", 2, -1, 120, -1, UI_A_BOLD, UI_A_BOLD, "#87ff87", NULL },
	[UI_S_BORDER]  = { "border", 6, -1, 67, -1, 0, 0, "#5f87af", NULL },
	[UI_S_DIFF]    = { "diff", 7, 1, 231, 124, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#ffffff", "#af0000" },
};

/* The light theme: dark text for a light background (terminal or SVG). */
static const struct ui_style_look styles_light[UI_S_COUNT] = {
	[UI_S_NORMAL]  = { "normal", -1, -1, -1, -1, 0, 0, NULL, NULL },
	[UI_S_TITLE]   = { "title", 7, 4, 231, 25, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#ffffff", "#005faf" },
	[UI_S_HEADER]  = { "header", 4, -1, 25, -1, UI_A_BOLD, UI_A_BOLD, "#005faf", NULL },
	[UI_S_DIM]     = { "dim", -1, -1, 243, -1, 0, UI_A_DIM, "#767676", NULL },
	[UI_S_COW]     = { "cow", 1, -1, 130, -1, UI_A_BOLD, UI_A_BOLD, "#af5f00", NULL },
	[UI_S_PRV]     = { "prv", 2, -1, 28, -1, 0, 0, "#008700", NULL },
	[UI_S_NUL]     = { "nul", -1, -1, 243, -1, 0, UI_A_DIM, "#767676", NULL },
	[UI_S_SHM]     = { "shm", 4, -1, 31, -1, UI_A_BOLD, UI_A_UNDERLINE, "#0087af", NULL },
	[UI_S_ALI]     = { "ali", 5, -1, 91, -1, 0, UI_A_UNDERLINE | UI_A_BOLD, "#8700af", NULL },
	[UI_S_SA]      = { "sa", 5, -1, 127, -1, UI_A_BOLD, UI_A_UNDERLINE | UI_A_BOLD,
	                   "#af00af", NULL },
	[UI_S_LPG]     = { "lpg", 4, -1, 26, -1, UI_A_BOLD, UI_A_BOLD, "#005fd7", NULL },
	[UI_S_FAIL]    = { "fail", 1, -1, 160, -1, UI_A_BOLD, UI_A_BOLD | UI_A_UNDERLINE,
	                   "#d70000", NULL },
	[UI_S_CURRENT] = { "current", 0, 3, 16, 220, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffd700" },
	[UI_S_MARK]    = { "mark", 5, -1, 127, -1, UI_A_BOLD, UI_A_BOLD, "#af00af", NULL },
	[UI_S_GUTTER]  = { "gutter", 1, -1, 130, -1, UI_A_BOLD, UI_A_BOLD, "#af5f00", NULL },
	[UI_S_NOTE]    = { "note", -1, -1, 94, -1, 0, 0, "#875f00", NULL },
	[UI_S_HOT]     = { "hot", 0, 3, 16, 226, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffff00" },
	[UI_S_WARM]    = { "warm", 1, -1, 130, -1, UI_A_BOLD | UI_A_UNDERLINE,
	                   UI_A_BOLD | UI_A_UNDERLINE, "#af5f00", NULL },
	[UI_S_COOL]    = { "cool", -1, -1, 101, -1, UI_A_UNDERLINE, UI_A_UNDERLINE, "#87875f", NULL },
	[UI_S_KEY]     = { "key", 2, -1, 28, -1, UI_A_BOLD, UI_A_BOLD, "#008700", NULL },
	[UI_S_BORDER]  = { "border", 4, -1, 67, -1, 0, 0, "#5f87af", NULL },
	[UI_S_DIFF]    = { "diff", 7, 1, 231, 124, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#ffffff", "#af0000" },
};

/* The high-contrast theme, for projectors: pure colours on black, bold,
 * nothing dim. */
#define K 16    /* black background on every style */
static const struct ui_style_look styles_contrast[UI_S_COUNT] = {
	[UI_S_NORMAL]  = { "normal", 7, 0, 231, K, 0, 0, "#ffffff", NULL },
	[UI_S_TITLE]   = { "title", 0, 7, 16, 231, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffffff" },
	[UI_S_HEADER]  = { "header", 6, 0, 51, K, UI_A_BOLD, UI_A_BOLD, "#00ffff", NULL },
	[UI_S_DIM]     = { "dim", 7, 0, 252, K, 0, 0, "#d0d0d0", NULL },
	[UI_S_COW]     = { "cow", 3, 0, 226, K, UI_A_BOLD, UI_A_BOLD, "#ffff00", NULL },
	[UI_S_PRV]     = { "prv", 2, 0, 46, K, UI_A_BOLD, 0, "#00ff00", NULL },
	[UI_S_NUL]     = { "nul", 7, 0, 252, K, 0, UI_A_DIM, "#d0d0d0", NULL },
	[UI_S_SHM]     = { "shm", 6, 0, 51, K, UI_A_BOLD | UI_A_UNDERLINE, UI_A_UNDERLINE,
	                   "#00ffff", NULL },
	[UI_S_ALI]     = { "ali", 5, 0, 201, K, UI_A_BOLD, UI_A_UNDERLINE | UI_A_BOLD, "#ff00ff", NULL },
	[UI_S_SA]      = { "sa", 5, 0, 201, K, UI_A_BOLD | UI_A_UNDERLINE,
	                   UI_A_UNDERLINE | UI_A_BOLD, "#ff00ff", NULL },
	[UI_S_LPG]     = { "lpg", 4, 0, 39, K, UI_A_BOLD, UI_A_BOLD, "#00afff", NULL },
	[UI_S_FAIL]    = { "fail", 1, 0, 196, K, UI_A_BOLD, UI_A_BOLD | UI_A_UNDERLINE,
	                   "#ff0000", NULL },
	[UI_S_CURRENT] = { "current", 0, 3, 16, 226, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffff00" },
	[UI_S_MARK]    = { "mark", 5, 0, 213, K, UI_A_BOLD, UI_A_BOLD, "#ff87ff", NULL },
	[UI_S_GUTTER]  = { "gutter", 3, 0, 226, K, UI_A_BOLD, UI_A_BOLD, "#ffff00", NULL },
	[UI_S_NOTE]    = { "note", 7, 0, 231, K, UI_A_BOLD, 0, "#ffffff", NULL },
	[UI_S_HOT]     = { "hot", 0, 3, 16, 226, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#000000", "#ffff00" },
	[UI_S_WARM]    = { "warm", 3, 0, 226, K, UI_A_BOLD | UI_A_UNDERLINE,
	                   UI_A_BOLD | UI_A_UNDERLINE, "#ffff00", NULL },
	[UI_S_COOL]    = { "cool", 3, 0, 229, K, UI_A_UNDERLINE, UI_A_UNDERLINE, "#ffffaf", NULL },
	[UI_S_KEY]     = { "key", 2, 0, 46, K, UI_A_BOLD, UI_A_BOLD, "#00ff00", NULL },
	[UI_S_BORDER]  = { "border", 7, 0, 231, K, UI_A_BOLD, 0, "#ffffff", NULL },
	[UI_S_DIFF]    = { "diff", 7, 1, 231, 160, UI_A_BOLD, UI_A_REVERSE | UI_A_BOLD,
	                   "#ffffff", "#d70000" },
};
#undef K

/* The themes: their style tables and the SVG page's colours. */
static const struct {
	const char *name;
	const struct ui_style_look *styles;
	const char *svg_bg, *svg_fg;
} themes[] = {
	[UI_THEME_DARK] = { "dark", styles, "#1c1c1c", "#d0d0d0" },
	[UI_THEME_LIGHT] = { "light", styles_light, "#ffffff", "#1c1c1c" },
	[UI_THEME_CONTRAST] = { "contrast", styles_contrast, "#000000", "#ffffff" },
};
static int theme = UI_THEME_DARK;

int
ui_theme_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof themes / sizeof themes[0]); i++)
		if (strcmp(themes[i].name, name) == 0)
			return i;
	return -1;
}

void
ui_grid_set_theme(int t)
{
	theme = t >= 0 && t < (int)(sizeof themes / sizeof themes[0]) ? t : UI_THEME_DARK;
}

/* UTF-8 and ASCII forms of the glyphs. */
static const char *const glyphs[UI_G_COUNT][2] = {
	[UI_G_HLINE] = { "\u2500", "-" },
	[UI_G_VLINE] = { "\u2502", "|" },
	[UI_G_TL] = { "\u250c", "+" },
	[UI_G_TR] = { "\u2510", "+" },
	[UI_G_BL] = { "\u2514", "+" },
	[UI_G_BR] = { "\u2518", "+" },
	[UI_G_PG_ABSENT] = { "\u00b7", "." },
	[UI_G_PG_PRV] = { "\u25a1", "p" },
	[UI_G_PG_PRV_DIRTY] = { "\u25a0", "P" },
	[UI_G_PG_COW] = { "\u25c7", "c" },
	[UI_G_PG_COW_DIRTY] = { "\u25c6", "C" },
	[UI_G_PG_SHM] = { "\u25cb", "s" },
	[UI_G_PG_SHM_DIRTY] = { "\u25cf", "S" },
	[UI_G_PLAY] = { "\u25b6", ">" },
	[UI_G_PAUSE] = { "\u2016", "=" },
	[UI_G_FAIL] = { "\u2717", "x" },
	[UI_G_MARK] = { "\u00a7", "#" },
	[UI_G_ARROW_R] = { "\u2192", ">" },
	[UI_G_ARROW_L] = { "\u2190", "<" },
	[UI_G_UP] = { "\u2191", "^" },
	[UI_G_DOWN] = { "\u2193", "v" },
	[UI_G_CURSOR] = { "\u25b8", ">" },
	[UI_G_ELLIPSIS] = { "\u2026", "~" },
	[UI_G_DOT] = { "\u00b7", "." },
	[UI_G_DIFF] = { "\u2260", "*" },
	[UI_G_OBS] = { "\u2514", "`" },
	[UI_G_PG_ZERO] = { "0", "0" },
};

/* Look up a style (out of range: normal). */
const struct ui_style_look *
ui_grid_style(int style)
{
	if (style < 0 || style >= UI_S_COUNT)
		style = UI_S_NORMAL;
	return &themes[theme].styles[style];
}

/* Look up a glyph in G's mode. */
const char *
ui_grid_glyph(const struct ui_grid *g, enum ui_glyph gl)
{
	return glyphs[gl][g->ascii ? 1 : 0];
}

/* Allocate a blank grid. */
int
ui_grid_init(struct ui_grid *g, int cols, int rows, bool ascii)
{
	g->cols = cols;
	g->rows = rows;
	g->ascii = ascii;
	g->cells = calloc((size_t)cols * (size_t)rows, sizeof *g->cells);
	if (g->cells == NULL && cols > 0 && rows > 0)
		return -1;
	ui_grid_clear(g);
	return 0;
}

/* Release a grid's cells. */
void
ui_grid_free(struct ui_grid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->cols = g->rows = 0;
}

/* Blank every cell. */
void
ui_grid_clear(struct ui_grid *g)
{
	size_t n = (size_t)g->cols * (size_t)g->rows;

	for (size_t i = 0; i < n; i++) {
		g->cells[i].ch = ' ';
		g->cells[i].style = UI_S_NORMAL;
		g->cells[i].attr = 0;
	}
}

/* The cell at (X, Y) or NULL. */
struct ui_cell *
ui_grid_at(struct ui_grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->cols || y >= g->rows)
		return NULL;
	return &g->cells[(size_t)y * (size_t)g->cols + (size_t)x];
}

/* Set one cell, repairing a wide character it overwrites half of. */
static void
set_cell(struct ui_grid *g, int x, int y, uint32_t ch, int style, int attr)
{
	struct ui_cell *c = ui_grid_at(g, x, y);

	if (c == NULL)
		return;
	if (c->ch == 0 && x > 0)
		c[-1].ch = ' ';
	if (x + 1 < g->cols && c[1].ch == 0 && ch != 0)
		c[1].ch = ' ';
	c->ch = ch;
	c->style = (uint8_t)style;
	c->attr = (uint8_t)attr;
}

/* Draw text, clipped to MAXW columns and the grid. */
int
ui_grid_put(struct ui_grid *g, int x, int y, int maxw, int style, int attr, const char *s)
{
	size_t len;
	int x0 = x, limit;

	if (s == NULL || y < 0 || y >= g->rows)
		return 0;
	limit = g->cols;
	if (maxw >= 0 && x + maxw < limit)
		limit = x + maxw;
	len = strlen(s);
	for (size_t i = 0; i < len && x < limit;) {
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		int w;

		i += n == 0 ? 1 : n;
		if (g->ascii && cp >= 0x80)
			cp = '?';
		w = ui_text_cpwidth(cp);
		if (w == 0) {
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
				cp = '?', w = 1;   /* a control the sanitizer should have caught */
			else
				continue;           /* combining or invisible: dropped */
		}
		if (x + w > limit)
			break;
		if (x >= 0) {
			set_cell(g, x, y, cp, style, attr);
			if (w == 2)
				set_cell(g, x + 1, y, 0, style, attr);
		}
		x += w;
	}
	return x - x0;
}

/* Formatted ui_grid_put. */
int
ui_grid_printf(struct ui_grid *g, int x, int y, int maxw, int style, int attr,
               const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_grid_put(g, x, y, maxw, style, attr, buf);
}

/* Repeat one character over W cells. */
void
ui_grid_fill(struct ui_grid *g, int x, int y, int w, int style, int attr, const char *s)
{
	uint32_t cp;

	if (text_decode(s, strlen(s), &cp) == 0 || (g->ascii && cp >= 0x80))
		cp = '?';
	for (int i = 0; i < w; i++)
		set_cell(g, x + i, y, cp, style, attr);
}

/* Add attributes (and maybe a style) to a run of cells. */
void
ui_grid_paint(struct ui_grid *g, int x, int y, int w, int style, int attr)
{
	for (int i = 0; i < w; i++) {
		struct ui_cell *c = ui_grid_at(g, x + i, y);

		if (c == NULL)
			continue;
		c->attr |= (uint8_t)attr;
		if (style >= 0)
			c->style = (uint8_t)style;
	}
}

/* Frame a rectangle and blank its inside. */
void
ui_grid_box(struct ui_grid *g, int x, int y, int w, int h, int style)
{
	if (w < 2 || h < 2)
		return;
	for (int r = y + 1; r < y + h - 1; r++) {
		ui_grid_fill(g, x + 1, r, w - 2, UI_S_NORMAL, 0, " ");
		ui_grid_put(g, x, r, 1, style, 0, ui_grid_glyph(g, UI_G_VLINE));
		ui_grid_put(g, x + w - 1, r, 1, style, 0, ui_grid_glyph(g, UI_G_VLINE));
	}
	ui_grid_fill(g, x + 1, y, w - 2, style, 0, ui_grid_glyph(g, UI_G_HLINE));
	ui_grid_fill(g, x + 1, y + h - 1, w - 2, style, 0, ui_grid_glyph(g, UI_G_HLINE));
	ui_grid_put(g, x, y, 1, style, 0, ui_grid_glyph(g, UI_G_TL));
	ui_grid_put(g, x + w - 1, y, 1, style, 0, ui_grid_glyph(g, UI_G_TR));
	ui_grid_put(g, x, y + h - 1, 1, style, 0, ui_grid_glyph(g, UI_G_BL));
	ui_grid_put(g, x + w - 1, y + h - 1, 1, style, 0, ui_grid_glyph(g, UI_G_BR));
}

/* Copy a window of SRC into DST. */
void
ui_grid_blit(struct ui_grid *dst, int dx, int dy, const struct ui_grid *src, int sy, int w, int h)
{
	for (int r = 0; r < h; r++) {
		if (sy + r < 0 || sy + r >= src->rows)
			continue;
		for (int c = 0; c < w && c < src->cols; c++) {
			struct ui_cell *d = ui_grid_at(dst, dx + c, dy + r);

			if (d != NULL)
				*d = src->cells[(size_t)(sy + r) * (size_t)src->cols + (size_t)c];
		}
	}
}

/* Row Y as text, trailing blanks removed. */
void
ui_grid_row_text(const struct ui_grid *g, int y, char *buf, size_t len)
{
	size_t o = 0, keep = 0;

	if (len == 0)
		return;
	for (int x = 0; y >= 0 && y < g->rows && x < g->cols; x++) {
		const struct ui_cell *c = &g->cells[(size_t)y * (size_t)g->cols + (size_t)x];
		char enc[5];
		size_t n;

		if (c->ch == 0)
			continue;
		n = text_encode(c->ch, enc);
		if (o + n + 1 > len)
			break;
		memcpy(buf + o, enc, n);
		o += n;
		if (c->ch != ' ')
			keep = o;
	}
	buf[keep] = '\0';
}

/* The effective attributes of a cell. */
static int
cell_attr(const struct ui_cell *c, bool no_color)
{
	const struct ui_style_look *l = ui_grid_style(c->style);

	return c->attr | (no_color ? l->mono : l->attr);
}

/* Write the SGR sequence for cell C. */
static void
ansi_sgr(const struct ui_cell *c, bool no_color, FILE *out)
{
	const struct ui_style_look *l = ui_grid_style(c->style);
	int a = cell_attr(c, no_color);

	fputs("\033[0", out);
	if (a & UI_A_BOLD)
		fputs(";1", out);
	if (a & UI_A_DIM)
		fputs(";2", out);
	if (a & UI_A_UNDERLINE)
		fputs(";4", out);
	if (a & UI_A_REVERSE)
		fputs(";7", out);
	if (!no_color) {
		if (l->fg >= 0)
			fprintf(out, ";%d", 30 + l->fg);
		if (l->bg >= 0)
			fprintf(out, ";%d", 40 + l->bg);
	}
	fputc('m', out);
}

/* Plain text or ANSI output. */
static void
write_text(const struct ui_grid *g, bool ansi, bool no_color, FILE *out)
{
	char *buf = malloc((size_t)g->cols * 4 + 1);

	for (int y = 0; y < g->rows; y++) {
		if (!ansi) {
			if (buf != NULL) {
				ui_grid_row_text(g, y, buf, (size_t)g->cols * 4 + 1);
				fputs(buf, out);
			}
			fputc('\n', out);
			continue;
		}
		int ps = -1, pa = -1;

		for (int x = 0; x < g->cols; x++) {
			const struct ui_cell *c = &g->cells[(size_t)y * (size_t)g->cols + (size_t)x];
			char enc[5];

			if (c->ch == 0)
				continue;
			if (c->style != ps || c->attr != pa) {
				ansi_sgr(c, no_color, out);
				ps = c->style;
				pa = c->attr;
			}
			fwrite(enc, 1, text_encode(c->ch, enc), out);
		}
		fputs("\033[0m\n", out);
	}
	free(buf);
}

/* Put one character into SVG text, escaped. */
static void
svg_char(uint32_t ch, FILE *out)
{
	char enc[5];

	switch (ch) {
	case '&': fputs("&amp;", out); return;
	case '<': fputs("&lt;", out); return;
	case '>': fputs("&gt;", out); return;
	case '"': fputs("&quot;", out); return;
	}
	fwrite(enc, 1, text_encode(ch, enc), out);
}

/* Fore- and background of a cell in SVG, after reverse video. */
static void
svg_colors(const struct ui_cell *c, bool no_color, const char **fg, const char **bg)
{
	const struct ui_style_look *l = ui_grid_style(c->style);
	const char *f = no_color || l->rgb_fg == NULL ? themes[theme].svg_fg : l->rgb_fg;
	const char *b = no_color || l->rgb_bg == NULL ? NULL : l->rgb_bg;

	if (cell_attr(c, no_color) & UI_A_REVERSE) {
		const char *t = f;

		f = b != NULL ? b : themes[theme].svg_bg;
		b = t;
	}
	*fg = f;
	*bg = b;
}

/* A self-contained SVG: one rect per background run, one text per run of
 * equal look, every run placed at its exact column. */
static void
write_svg(const struct ui_grid *g, bool no_color, FILE *out)
{
	const double cw = 8.4, ch = 17.0;

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	        "viewBox=\"0 0 %.1f %.1f\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, "
	        "monospace\" font-size=\"14\">\n",
	        g->cols * cw + 16, g->rows * ch + 16, g->cols * cw + 16, g->rows * ch + 16);
	fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/>\n"
	        "<g transform=\"translate(8,8)\" xml:space=\"preserve\">\n", themes[theme].svg_bg);
	for (int y = 0; y < g->rows; y++) {
		const struct ui_cell *row = &g->cells[(size_t)y * (size_t)g->cols];

		for (int x = 0; x < g->cols;) {
			const char *fg, *bg, *bg2, *fg2;
			int x1 = x + 1;

			svg_colors(&row[x], no_color, &fg, &bg);
			while (x1 < g->cols) {
				svg_colors(&row[x1], no_color, &fg2, &bg2);
				if ((bg == NULL) != (bg2 == NULL) || (bg != NULL && strcmp(bg, bg2) != 0))
					break;
				x1++;
			}
			if (bg != NULL)
				fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				        "fill=\"%s\"/>\n", x * cw, y * ch, (x1 - x) * cw, ch, bg);
			x = x1;
		}
		for (int x = 0; x < g->cols;) {
			const struct ui_cell *c = &row[x];
			const char *fg, *bg;
			int a, x1 = x + 1;
			bool blank = true;

			svg_colors(c, no_color, &fg, &bg);
			a = cell_attr(c, no_color);
			while (x1 < g->cols && row[x1].style == c->style && row[x1].attr == c->attr)
				x1++;
			for (int i = x; i < x1; i++)
				if (row[i].ch != ' ' && row[i].ch != 0)
					blank = false;
			if (!blank || (a & UI_A_UNDERLINE)) {
				fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\"%s%s%s>", x * cw,
				        y * ch + 13, fg, (a & UI_A_BOLD) ? " font-weight=\"bold\"" : "",
				        (a & UI_A_UNDERLINE) ? " text-decoration=\"underline\"" : "",
				        (a & UI_A_DIM) ? " opacity=\"0.7\"" : "");
				for (int i = x; i < x1; i++) {
					if (row[i].ch == 0)
						continue;
					if (i > x && ui_text_cpwidth(row[i].ch) == 1 &&
					    row[i].ch >= 0x80) {
						/* Pin non-ASCII glyphs to their column: fonts differ. */
						fprintf(out, "<tspan x=\"%.1f\">", i * cw);
						svg_char(row[i].ch, out);
						fputs("</tspan>", out);
						continue;
					}
					if (i > x && row[i - 1].ch >= 0x80)
						fprintf(out, "<tspan x=\"%.1f\">", i * cw), svg_char(row[i].ch, out),
							fputs("</tspan>", out);
					else
						svg_char(row[i].ch, out);
				}
				fputs("</text>\n", out);
			}
			x = x1;
		}
	}
	fputs("</g>\n</svg>\n", out);
}

/* Print the grid. */
int
ui_grid_write(const struct ui_grid *g, enum ui_format format, bool no_color, FILE *out)
{
	switch (format) {
	case UI_FORMAT_TEXT:
		write_text(g, false, true, out);
		break;
	case UI_FORMAT_ANSI:
		write_text(g, true, no_color, out);
		break;
	case UI_FORMAT_SVG:
		write_svg(g, no_color, out);
		break;
	case UI_FORMAT_ASCIICAST:
		return -1;      /* frames of a recording: ui_cast.c */
	}
	return ferror(out) ? -1 : 0;
}
