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
