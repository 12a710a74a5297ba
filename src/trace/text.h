/* SPDX-License-Identifier: MIT */
/*
 * text.h -- strings that are safe to show on a terminal (and in SVG/HTML
 * once escaped there).
 *
 * Strings from traces and captures (titles, notes, task, region and file
 * names) are attacker-controlled as far as a terminal is concerned: an
 * escape sequence could retitle the window or rewrite the screen, a bidi
 * override could reorder what is read.  Every human-readable output passes
 * them through text_sanitize().  No curses.
 */
#ifndef VMSCOPE_TEXT_H
#define VMSCOPE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copy SRC into DST (DSTLEN bytes, always NUL-terminated when DSTLEN > 0)
 * without control characters: escape sequences (CSI, OSC, DCS, ... and
 * their 8-bit forms) are dropped whole, other C0/C1 controls and DEL are
 * dropped, tabs and newlines become one space, bidi overrides and isolates
 * are dropped, invalid UTF-8 becomes '?', and with ASCII every non-ASCII
 * character becomes '?'.  Truncation never splits a UTF-8 sequence.  DST
 * may be SRC (the result is never longer).  Returns DST.
 */
char *text_sanitize(char *dst, size_t dstlen, const char *src, bool ascii);

/* Is CP a control or an invisible character that could reorder text? */
bool text_is_control(uint32_t cp);

/* Decode one UTF-8 character at S (LEN bytes available) into *CP; returns
 * its length, or 0 with *CP = '?' for an invalid sequence (skip 1 byte). */
/* The candidate closest to WORD by edit distance, when close enough to be
 * a typo (at most 2 edits, and fewer than half of WORD's letters); else
 * NULL.  CANDS has N entries; NULL entries are skipped. */
const char *text_nearest(const char *word, const char *const *cands, size_t n);

size_t text_decode(const char *s, size_t len, uint32_t *cp);

/* Encode CP as UTF-8 into OUT (at least 5 bytes); returns the length. */
size_t text_encode(uint32_t cp, char *out);

#endif
