/* SPDX-License-Identifier: MIT */
/*
 * ui_text.c -- widths of the text the grid draws (the sanitizer and UTF-8
 * helpers are trace/text.c's, shared with the headless outputs).
 *
 * Widths follow a small fixed table (East Asian wide ranges, combining
 * marks) rather than the C library's wcwidth(), so that `vmscope render`
 * gives the same text under every locale.
 */
#include <string.h>

#include "ui_text.h"

/* Columns of one codepoint, from a fixed table. */
int
ui_text_cpwidth(uint32_t cp)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff },
		{ 0x3400, 0x4dbf }, { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf },
		{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe30, 0xfe4f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
	};

	if (text_is_control(cp))
		return 0;
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200d) || cp == 0xfeff ||
	    (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if (cp < 0x1100)
		return 1;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
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
