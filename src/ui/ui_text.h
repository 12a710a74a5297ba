/*
 * ui_text.h -- text that is safe to put on a terminal.
 *
 * Strings that come from a trace (titles, notes, task and region names) are
 * attacker-controlled as far as the terminal is concerned: an escape
 * sequence in a note could retitle the window or rewrite the screen.  Every
 * such string goes through ui_text_sanitize() before it is drawn, and the
 * grid (ui_grid.c) refuses control characters a second time.  No curses.
 */
#ifndef VMSCOPE_UI_TEXT_H
#define VMSCOPE_UI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copy SRC into DST (DSTLEN bytes, always NUL-terminated when DSTLEN > 0)
 * without control characters: escape sequences (CSI, OSC, DCS, ... and
 * their 8-bit forms) are dropped whole, other C0/C1 controls and DEL are
 * dropped, tabs and newlines become one space, bidi overrides are dropped,
 * invalid UTF-8 becomes '?', and with ASCII every non-ASCII character
 * becomes '?'.  Truncation never splits a UTF-8 sequence.  Returns DST.
 */
char *ui_text_sanitize(char *dst, size_t dstlen, const char *src, bool ascii);

/* Decode one UTF-8 character at S (LEN bytes available) into *CP; returns
 * its length, or 0 with *CP = '?' for an invalid sequence (skip 1 byte). */
size_t ui_text_decode(const char *s, size_t len, uint32_t *cp);

/* Terminal columns of codepoint CP: 0 (combining, controls), 1 or 2. */
int ui_text_cpwidth(uint32_t cp);

/* Columns S occupies once drawn. */
int ui_text_width(const char *s);

/* Encode CP as UTF-8 into OUT (at least 5 bytes); returns the length. */
size_t ui_text_encode(uint32_t cp, char *out);

/* Case-insensitive (ASCII) substring test, for search. */
bool ui_text_contains(const char *hay, const char *needle);

#endif
