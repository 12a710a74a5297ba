/*
 * ui_text.c -- the sanitizer and the UTF-8 helpers the grid draws with.
 *
 * Widths follow a small fixed table (East Asian wide ranges, combining
 * marks) rather than the C library's wcwidth(), so that `vmscope render`
 * gives the same text under every locale.
 */
#include <string.h>

#include "ui_text.h"

/* Decode one UTF-8 character (overlong forms, surrogates and values past
 * U+10FFFF count as invalid). */
size_t
ui_text_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t n;

	if (len == 0) {
		*cp = '?';
		return 0;
	}
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else {
		*cp = '?';
		return 0;
	}
	if (len < n) {
		*cp = '?';
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			*cp = '?';
			return 0;
		}
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff)) {
		*cp = '?';
		return 0;
	}
	*cp = c;
	return n;
}

/* Encode CP as UTF-8. */
size_t
ui_text_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Return whether CP is a control character or an invisible formatting
 * character that could reorder text (bidi overrides and isolates). */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

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

	if (is_control(cp))
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

/* Return the length of the escape sequence starting at S (S[0] is ESC or
 * an 8-bit C1 introducer already decoded as CP, of length N). */
static size_t
escape_len(const char *s, size_t len, uint32_t cp, size_t n)
{
	size_t i = n;
	int kind;   /* '[' CSI, ']' OSC-like (ends at BEL or ST), 0 two-byte */

	if (cp == 0x1b) {
		if (i >= len)
			return i;
		switch (s[i]) {
		case '[': kind = '['; break;
		case ']': case 'P': case 'X': case '^': case '_': kind = ']'; break;
		default:
			/* ESC with intermediates (0x20-0x2f) then a final byte. */
			while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x2f)
				i++;
			return i < len ? i + 1 : i;
		}
		i++;
	} else if (cp == 0x9b) {
		kind = '[';
	} else if (cp == 0x9d || cp == 0x90 || cp == 0x98 || cp == 0x9e || cp == 0x9f) {
		kind = ']';
	} else {
		return n;
	}
	if (kind == '[') {
		/* Parameters and intermediates, then one final byte 0x40-0x7e. */
		while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x3f)
			i++;
		while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] <= 0x2f)
			i++;
		if (i < len && (unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e)
			i++;
		return i;
	}
	/* String sequences end at BEL, ESC \ or the 8-bit ST. */
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x07)
			return i + 1;
		if (c == 0x1b)
			return (i + 1 < len && s[i + 1] == '\\') ? i + 2 : i + 1;
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x9c)
			return i + 2;
		i++;
	}
	return i;
}

/* Sanitize SRC into DST. */
char *
ui_text_sanitize(char *dst, size_t dstlen, const char *src, bool ascii)
{
	size_t len, o = 0;

	if (dstlen == 0)
		return dst;
	if (src == NULL) {
		dst[0] = '\0';
		return dst;
	}
	len = strlen(src);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = ui_text_decode(src + i, len - i, &cp);
		char enc[5];
		size_t elen;

		if (n == 0) {
			n = 1;   /* invalid byte: shown as '?' */
		} else if (cp == 0x1b || cp == 0x9b || cp == 0x9d || cp == 0x90 || cp == 0x98 ||
		           cp == 0x9e || cp == 0x9f) {
			i += escape_len(src + i, len - i, cp, n);
			continue;
		} else if (cp == '\t' || cp == '\n' || cp == '\r') {
			cp = ' ';
		} else if (is_control(cp)) {
			i += n;
			continue;
		}
		if (ascii && cp >= 0x80)
			cp = '?';
		elen = ui_text_encode(cp, enc);
		if (o + elen + 1 > dstlen)
			break;
		memcpy(dst + o, enc, elen);
		o += elen;
		i += n;
	}
	dst[o] = '\0';
	return dst;
}

/* Columns S occupies (invalid bytes count as one '?'). */
int
ui_text_width(const char *s)
{
	size_t len = strlen(s);
	int w = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = ui_text_decode(s + i, len - i, &cp);

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
