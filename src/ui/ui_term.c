/* SPDX-License-Identifier: MIT */
/*
 * ui_term.c -- the only file that calls curses.
 *
 * Terminal hygiene, in one place:
 *  - SIGINT/SIGTERM/SIGHUP only set a flag; the main loop sees it (the
 *    blocking read returns EINTR) and shuts down through ui_term_close().
 *  - SIGTSTP/SIGCONT and SIGWINCH are left to ncurses, which suspends and
 *    resumes cleanly and reports resizes as KEY_RESIZE.
 *  - SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT: the crash handler does only
 *    async-signal-safe work: write(2) the precomputed terminfo strings that
 *    leave the alternate screen and show the cursor, tcsetattr(2) the saved
 *    modes, then re-raise with the default action.
 *  - ui_term_close() is idempotent and registered with atexit(), so a
 *    fatal exit() anywhere still restores the terminal.
 * Nothing is drawn from a signal handler.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ui_curses.h"
#include "ui_term.h"

static bool active;                       /* curses is running */
static bool on_tty;                       /* initscr, handlers installed */
static SCREEN *screen;                    /* our newterm screen */
static bool colors;                       /* colour pairs are set up */
static struct ui_grid last;               /* what the screen shows now */
static volatile sig_atomic_t term_sig;    /* pending terminating signal */
static struct termios saved_tios;         /* modes before curses */
static bool have_tios;
static char restore_seq[256];             /* written by the crash handler */
static size_t restore_len;

/* Remember a terminating signal. */
static void
on_term_signal(int sig)
{
	term_sig = sig;
}

/* Restore the terminal after a crash and die of the same signal. */
static void
on_crash(int sig)
{
	if (restore_len > 0) {
		ssize_t r = write(STDOUT_FILENO, restore_seq, restore_len);

		(void)r;
	}
	if (have_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Append terminfo capability CAP to the crash restore sequence. */
static void
restore_add(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (restore_len + n < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

/* Install the signal handlers (terminal mode only). */
static void
install_handlers(void)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term_signal;   /* no SA_RESTART: the read returns */
	for (size_t i = 0; i < sizeof quit / sizeof quit[0]; i++)
		sigaction(quit[i], &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
		sigaction(crash[i], &sa, NULL);
}

/* Put the default handlers back. */
static void
remove_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
	                            SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
}

/* Set up one colour pair per style. */
static void
setup_colors(void)
{
	bool defaults = use_default_colors() == OK;

	for (int s = 0; s < UI_S_COUNT && s + 1 < COLOR_PAIRS; s++) {
		const struct ui_style_look *l = ui_grid_style(s);
		short fg = COLORS >= 256 && l->fg256 >= 0 ? l->fg256 : l->fg;
		short bg = COLORS >= 256 && l->bg256 >= 0 ? l->bg256 : l->bg;

		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(s + 1), fg, bg);
	}
	colors = true;
}

/* Can the current terminal type place the cursor and clear the screen?
 * TERM=dumb (an editor's shell buffer, some CI logs) cannot. */
static bool
can_address(void)
{
	char *cup = tigetstr("cup"), *clear = tigetstr("clear");

	return cup != NULL && cup != (char *)-1 && clear != NULL && clear != (char *)-1;
}

/* Start curses. */
int
ui_term_open(const struct ui_opts *o, FILE *out, FILE *in, const char *termtype,
             int cols, int rows, char *err, size_t errlen)
{
	static bool registered;

	if (active)
		return 0;
	term_sig = 0;
	if (out == NULL) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			snprintf(err, errlen, "the player needs a terminal (try `vmscope render`)");
			return -1;
		}
		have_tios = tcgetattr(STDIN_FILENO, &saved_tios) == 0;
		install_handlers();
		/* newterm, not initscr: initscr exits by itself on a bad TERM. */
		if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
			const char *t = getenv("TERM");

			remove_handlers();
			snprintf(err, errlen, "cannot use the terminal type '%.40s' (check TERM; "
			         "`vmscope render` works without a terminal)", t != NULL ? t : "");
			return -1;
		}
		if (!can_address()) {
			const char *t = getenv("TERM");

			/* Nothing was drawn yet: leave without a byte on the screen. */
			delscreen(screen);
			screen = NULL;
			remove_handlers();
			snprintf(err, errlen, "the terminal type '%.40s' cannot move the cursor, so the "
			         "player cannot draw on it (set TERM to your terminal's type, e.g. "
			         "xterm-256color; `vmscope render` and `vmscope dump` print plain text)",
			         t != NULL ? t : "");
			return -1;
		}
		on_tty = true;
	} else {
		screen = newterm(termtype, out, in);
		if (screen == NULL) {
			snprintf(err, errlen, "cannot initialize terminal type %s", termtype);
			return -1;
		}
		set_term(screen);
		resize_term(rows, cols);
	}
	active = true;
	if (!registered) {
		atexit(ui_term_close);
		registered = true;
	}
	restore_len = 0;
	restore_add("sgr0");
	restore_add("cnorm");
	restore_add("rmkx");
	restore_add("rmcup");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	leaveok(stdscr, TRUE);
	if (o->mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	colors = false;
	if (!o->no_color && has_colors() && start_color() == OK)
		setup_colors();
	ui_grid_free(&last);
	return 0;
}

/* Restore the terminal. */
void
ui_term_close(void)
{
	if (!active)
		return;
	active = false;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	if (screen != NULL) {
		delscreen(screen);
		screen = NULL;
	}
	if (on_tty) {
		remove_handlers();
		on_tty = false;
	}
	ui_grid_free(&last);
}

/* Query the size. */
void
ui_term_size(int *cols, int *rows)
{
	int y, x;

	getmaxyx(stdscr, y, x);
	*cols = x;
	*rows = y;
}

/* Curses attributes and pair for a cell. */
static attr_t
cell_look(const struct ui_cell *c, short *pair)
{
	const struct ui_style_look *l = ui_grid_style(c->style);
	int a = c->attr | (colors ? l->attr : l->mono);
	attr_t r = WA_NORMAL;

	if (a & UI_A_BOLD)
		r |= WA_BOLD;
	if (a & UI_A_UNDERLINE)
		r |= WA_UNDERLINE;
	if (a & UI_A_REVERSE)
		r |= WA_REVERSE;
	if (a & UI_A_DIM)
		r |= WA_DIM;
	*pair = colors ? (short)(c->style + 1) : 0;
	return r;
}

/* Copy changed cells and update the terminal. */
void
ui_term_present(const struct ui_grid *g, bool full)
{
	bool all = full || last.cells == NULL || last.cols != g->cols || last.rows != g->rows;

	if (!active)
		return;
	if (all) {
		ui_grid_free(&last);
		if (ui_grid_init(&last, g->cols, g->rows, g->ascii) != 0)
			return;
		if (full)
			clearok(curscr, TRUE);
	}
	for (int y = 0; y < g->rows; y++) {
		for (int x = 0; x < g->cols; x++) {
			size_t i = (size_t)y * (size_t)g->cols + (size_t)x;
			const struct ui_cell *c = &g->cells[i];
			wchar_t wc[2];
			cchar_t cc;
			short pair;
			attr_t a;

			if (!all && memcmp(c, &last.cells[i], sizeof *c) == 0)
				continue;
			last.cells[i] = *c;
			if (c->ch == 0)
				continue;   /* right half of a wide character */
			wc[0] = (wchar_t)c->ch;
			wc[1] = L'\0';
			a = cell_look(c, &pair);
			if (setcchar(&cc, wc, a, pair, NULL) == OK)
				mvwadd_wch(stdscr, y, x, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* Translate a curses key code. */
static int
map_key(wint_t k)
{
	switch (k) {
	case KEY_UP: return UI_KEY_UP;
	case KEY_DOWN: return UI_KEY_DOWN;
	case KEY_LEFT: return UI_KEY_LEFT;
	case KEY_RIGHT: return UI_KEY_RIGHT;
	case KEY_HOME: return UI_KEY_HOME;
	case KEY_END: return UI_KEY_END;
	case KEY_PPAGE: return UI_KEY_PGUP;
	case KEY_NPAGE: return UI_KEY_PGDN;
	case KEY_ENTER: return UI_KEY_ENTER;
	case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
	case KEY_BTAB: return UI_KEY_BTAB;
	case KEY_RESIZE: return UI_KEY_RESIZE;
	}
	if (k == KEY_F(1))
		return UI_KEY_F1;
	return 0;
}

/* Read one input. */
int
ui_term_read(struct ui_input *in, int timeout_ms)
{
	wint_t wch;
	int rc;

	in->x = in->y = -1;
	for (;;) {
		if (term_sig != 0)
			return -1;
		wtimeout(stdscr, timeout_ms);
		errno = 0;
		rc = wget_wch(stdscr, &wch);
		if (term_sig != 0)
			return -1;
		if (rc == ERR)
			return errno == EINTR && timeout_ms < 0 ? ui_term_read(in, timeout_ms) : 0;
		if (rc == KEY_CODE_YES && wch == KEY_MOUSE) {
			MEVENT me;

			if (getmouse(&me) != OK)
				continue;
			in->x = me.x;
			in->y = me.y;
			if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))
				in->key = UI_KEY_CLICK;
			else if (me.bstate & BUTTON4_PRESSED)
				in->key = UI_KEY_WHEEL_UP;
			else if (me.bstate & BUTTON5_PRESSED)
				in->key = UI_KEY_WHEEL_DOWN;
			else
				continue;
			return 1;
		}
		if (rc == KEY_CODE_YES) {
			in->key = map_key(wch);
			if (in->key == 0)
				continue;
			return 1;
		}
		if (wch == '\n' || wch == '\r')
			in->key = UI_KEY_ENTER;
		else if (wch == 127 || wch == 8)
			in->key = UI_KEY_BACKSPACE;
		else
			in->key = (int)wch;
		return 1;
	}
}

/* The pending terminating signal. */
int
ui_term_signal(void)
{
	return term_sig;
}
