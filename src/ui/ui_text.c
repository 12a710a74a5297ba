/* SPDX-License-Identifier: MIT */
/*
 * ui_text.c -- widths of the text the grid draws (the sanitizer and UTF-8
 * helpers are trace/text.c's, shared with the headless outputs).
 *
 * Widths are the C library's wcwidth() under a UTF-8 LC_CTYPE: the
 * player runs in the user's locale (and falls back to ASCII when it is not
 * UTF-8); `vmscope render` switches to C.UTF-8 while it draws, so that its
 * text is the same under every locale.
 */
#include <string.h>
#include <wchar.h>

#include "ui_text.h"

/* Columns of one codepoint: wcwidth(), controls 0, unknown 1. */
int
ui_text_cpwidth(uint32_t cp)
{
	int w;

	if (text_is_control(cp))
		return 0;
	if (cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

/* Columns S occupies (invalid bytes count as one '?'). */
int
ui_text_width(const char *s)
{
	size_t len = strlen(s);
	int w = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);

		if (n == 0)
			n = 1;
		w += ui_text_cpwidth(cp);
		i += n;
	}
	return w;
}

/* ASCII case-insensitive substring search. */
bool
ui_text_contains(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);

	if (nl == 0)
		return true;
	for (; *hay != '\0'; hay++) {
		size_t i = 0;

		while (i < nl && hay[i] != '\0') {
			char a = hay[i], b = needle[i];

			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			i++;
		}
		if (i == nl)
			return true;
	}
	return false;
}

/* Copy the start of S, at most W columns and CAP - 1 bytes, to OUT;
 * returns the bytes copied. */
static size_t
copy_cols(char *out, size_t cap, const char *s, int w)
{
	size_t len = strlen(s), o = 0;
	int cols = 0;

	while (o < len) {
		uint32_t cp;
		size_t n = text_decode(s + o, len - o, &cp);
		int cw;

		if (n == 0)
			n = 1;
		cw = ui_text_cpwidth(cp);
		if (cols + cw > w || o + n >= cap)
			break;
		cols += cw;
		o += n;
	}
	memcpy(out, s, o);
	out[o] = '\0';
	return o;
}

void
ui_text_clip_middle(char *out, size_t cap, const char *s, int w, bool ascii)
{
	const char *ell = ascii ? "..." : "\u2026", *slash = strrchr(s, '/');
	int ew = ascii ? 3 : 1, bw;
	size_t o, el = strlen(ell);

	if (cap == 0)
		return;
	if (ui_text_width(s) <= w && strlen(s) < cap) {
		memcpy(out, s, strlen(s) + 1);
		return;
	}
	if (w <= ew || cap <= el + 1) {
		copy_cols(out, cap, s, w);
		return;
	}
	bw = slash != NULL ? ui_text_width(slash) : 0;
	if (slash == NULL || slash == s || bw + ew > w || strlen(slash) + el + 1 > cap) {
		o = copy_cols(out, cap - el, s, w - ew);
		memcpy(out + o, ell, el + 1);
		return;
	}
	o = copy_cols(out, cap - el - strlen(slash), s, w - ew - bw);
	memcpy(out + o, ell, el);
	memcpy(out + o + el, slash, strlen(slash) + 1);
}
