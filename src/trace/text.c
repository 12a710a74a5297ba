/* SPDX-License-Identifier: MIT */
/*
 * text.c -- strings that are safe to show: UTF-8 decoding and encoding,
 * and the sanitizer every human-readable output uses (the player, dump,
 * validate, check, import's messages).
 */
#include <string.h>

#include "text.h"

/* Decode one UTF-8 character (overlong forms, surrogates and values past
 * U+10FFFF count as invalid). */
size_t
text_decode(const char *s, size_t len, uint32_t *cp)
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
text_encode(uint32_t cp, char *out)
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
bool
text_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200e || cp == 0x200f || cp == 0x061c;
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
text_sanitize(char *dst, size_t dstlen, const char *src, bool ascii)
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
		size_t n = text_decode(src + i, len - i, &cp);
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
		} else if (text_is_control(cp)) {
			i += n;
			continue;
		}
		if (ascii && cp >= 0x80)
			cp = '?';
		elen = text_encode(cp, enc);
		if (o + elen + 1 > dstlen)
			break;
		memcpy(dst + o, enc, elen);
		o += elen;
		i += n;
	}
	dst[o] = '\0';
	return dst;
}


/* Edit distance of A and B counting a swap of two neighbours as one edit
 * (optimal string alignment), capped at 9 (words over 32 bytes: 9). */
static unsigned
edit_distance(const char *a, const char *b)
{
	unsigned d[33][33], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la > 32 || lb > 32)
		return 9;
	for (unsigned i = 0; i <= la; i++)
		d[i][0] = i;
	for (unsigned j = 0; j <= lb; j++)
		d[0][j] = j;
	for (unsigned i = 1; i <= la; i++) {
		for (unsigned j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb] < 9 ? d[la][lb] : 9;
}

const char *
text_nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	unsigned bd = 3;

	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (cands[i] == NULL)
			continue;
		d = edit_distance(word, cands[i]);
		if (d < bd && 2 * d < strlen(word)) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}
