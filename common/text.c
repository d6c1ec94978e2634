/*
 * text.c -- UTF-8 validation, code point counts, display width, sanitising.
 *
 * Everything text from a peer or a file passes through here twice: the
 * decoder checks it (text_check) and the client sanitises what it draws
 * (text_sanitize, text_width, text_fit).  Invalid input is never fatal: a
 * bad byte is one U+FFFD, one column wide.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "xmalloc.h"

#define TEXT_REPLACEMENT	0xfffd

/*
 * Decode one strict UTF-8 sequence at s[0..len): its length, or 0 if it is
 * invalid (overlong, surrogate, above U+10FFFF, truncated, stray byte).
 */
static size_t
text_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char	b = s[0];
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, i;
	uint32_t	c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		c = b & 0x0f;
		if (b == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (b == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		c = b & 0x07;
		if (b == 0xf0)
			lo = 0x90;	/* overlong */
		else if (b == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	*cp = c;
	return n;
}

/* True if s[0..len) is valid UTF-8. */
bool
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = text_utf8_next(p + i, len - i, &cp)) == 0)
			return false;
		i += n;
	}
	return true;
}

/* True for code points the protocol refuses in text (newline excluded). */
bool
text_cp_forbidden(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\n';
	if (cp >= 0x7f && cp <= 0x9f)		/* DEL and C1 */
		return true;
	if (cp >= 0x202a && cp <= 0x202e)	/* LRE RLE PDF LRO RLO */
		return true;
	if (cp >= 0x2066 && cp <= 0x2069)	/* LRI RLI FSI PDI */
		return true;
	if (cp >= 0xd800 && cp <= 0xdfff)	/* not characters at all */
		return true;
	return cp > 0x10ffff;
}

/* Validate s[0..len) as protocol text and count its code points. */
enum text_status
text_check(const char *s, size_t len, bool nl, size_t *cps)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, count = 0;
	uint32_t		 cp;

	if (cps != NULL)
		*cps = 0;
	while (i < len) {
		if ((n = text_utf8_next(p + i, len - i, &cp)) == 0)
			return TEXT_BAD_UTF8;
		if (text_cp_forbidden(cp) || (cp == '\n' && !nl))
			return TEXT_FORBIDDEN;
		i += n;
		count++;
	}
	if (cps != NULL)
		*cps = count;
	return TEXT_OK;
}

/*
 * Decode the code point at s[0..len): its byte length and *cp, or 1 and
 * U+FFFD for an invalid byte.  With len 0 there is nothing: returns 0.
 */
size_t
text_decode(const char *s, size_t len, uint32_t *cp)
{
	size_t	n;

	*cp = TEXT_REPLACEMENT;
	if (len == 0)
		return 0;
	if ((n = text_utf8_next((const unsigned char *)s, len, cp)) == 0) {
		*cp = TEXT_REPLACEMENT;
		return 1;
	}
	return n;
}

/* Encode cp as UTF-8 (U+FFFD for a surrogate or out of range). */
size_t
text_encode(uint32_t cp, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = TEXT_REPLACEMENT;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Code points in a NUL-terminated valid UTF-8 string. */
size_t
text_cplen(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Columns the code point takes: 0 (combining), 1 or 2 (wide). */
int
text_cp_width(uint32_t cp)
{
	int	w;

	if (cp > 0x10ffff)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

/* True for the bidirectional formatting characters (Bidi_Control). */
static bool
text_cp_bidi(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* True for a code point that belongs to the character before it. */
static bool
text_cp_joins(uint32_t cp)
{
	if (cp == 0x200d)			/* ZWJ */
		return true;
	if ((cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xe0100 && cp <= 0xe01ef))	/* variation selectors */
		return true;
	if (cp < 0x300 || text_cp_forbidden(cp) || text_cp_bidi(cp))
		return false;
	return text_cp_width(cp) == 0;
}

/*
 * What a code point looks like once sanitised: -1 to drop it, else the
 * code point drawn in its place.  invalid marks a byte that was not UTF-8.
 */
static int32_t
text_display_cp(uint32_t cp, bool invalid, bool keep_nl)
{
	if (invalid)
		return TEXT_REPLACEMENT;
	if (cp == '\n')
		return keep_nl ? '\n' : ' ';
	if (text_cp_bidi(cp))
		return -1;
	if (text_cp_forbidden(cp))
		return TEXT_REPLACEMENT;
	return (int32_t)cp;
}

/* Columns the string takes on a terminal (after sanitising). */
size_t
text_width(const char *s)
{
	size_t		len = strlen(s), i = 0, n, w = 0;
	uint32_t	cp;
	int32_t		d;

	while (i < len) {
		n = text_utf8_next((const unsigned char *)s + i, len - i, &cp);
		d = text_display_cp(cp, n == 0, false);
		if (d >= 0)
			w += (size_t)text_cp_width((uint32_t)d);
		i += n == 0 ? 1 : n;
	}
	return w;
}

/* Decode at s[off..len) for stepping: length (1 for a bad byte) and *cp. */
static size_t
text_step(const char *s, size_t len, size_t off, uint32_t *cp)
{
	size_t	n;

	n = text_utf8_next((const unsigned char *)s + off, len - off, cp);
	if (n == 0) {
		*cp = TEXT_REPLACEMENT;
		return 1;
	}
	return n;
}

/* Offset after the character (base plus joining marks) starting at off. */
size_t
text_next_char(const char *s, size_t len, size_t off)
{
	uint32_t	cp;
	size_t		n;

	if (off >= len)
		return len;
	off += text_step(s, len, off, &cp);
	while (off < len) {
		n = text_step(s, len, off, &cp);
		if (!text_cp_joins(cp))
			break;
		off += n;
	}
	return off;
}

/* Start of the code point that ends at end (a lone bad byte counts as one). */
static size_t
text_prev_cp(const char *s, size_t end, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 k, b;

	for (k = 1; k <= 4 && k <= end; k++) {
		b = end - k;
		if ((p[b] & 0xc0) == 0x80)
			continue;
		if (text_utf8_next(p + b, k, cp) == k)
			return b;
		break;
	}
	*cp = TEXT_REPLACEMENT;
	return end - 1;
}

/* Start of the character (base plus joining marks) that ends at off. */
size_t
text_prev_char(const char *s, size_t off)
{
	uint32_t	cp;

	while (off > 0) {
		off = text_prev_cp(s, off, &cp);
		if (!text_cp_joins(cp))
			break;
	}
	return off;
}

/* True for the white space that separates words. */
static bool
text_is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0xa0 ||
	    cp == 0x202f || cp == 0x3000;
}

/* Start of the previous word (for Ctrl-W): spaces back, then the word. */
size_t
text_prev_word(const char *s, size_t off)
{
	uint32_t	cp;

	while (off > 0) {
		text_prev_cp(s, off, &cp);
		if (!text_is_space(cp))
			break;
		off = text_prev_char(s, off);
	}
	while (off > 0) {
		text_prev_cp(s, off, &cp);
		if (text_is_space(cp))
			break;
		off = text_prev_char(s, off);
	}
	return off;
}

/*
 * ASCII look-alikes of U+00A0..U+00FF (Latin-1 Supplement); "" drops the
 * character (soft hyphen).
 */
static const char *const text_ascii_latin1[96] = {
	" ", "!", "c", "GBP", "?", "JPY", "|", "S",		/* A0 */
	"\"", "(C)", "a", "\"", "!", "", "(R)", "-",		/* A8 */
	"o", "+-", "2", "3", "'", "u", "P", ".",		/* B0 */
	",", "1", "o", "\"", "1/4", "1/2", "3/4", "?",		/* B8 */
	"A", "A", "A", "A", "A", "A", "AE", "C",		/* C0 */
	"E", "E", "E", "E", "I", "I", "I", "I",			/* C8 */
	"D", "N", "O", "O", "O", "O", "O", "x",			/* D0 */
	"O", "U", "U", "U", "U", "Y", "TH", "ss",		/* D8 */
	"a", "a", "a", "a", "a", "a", "ae", "c",		/* E0 */
	"e", "e", "e", "e", "i", "i", "i", "i",			/* E8 */
	"d", "n", "o", "o", "o", "o", "o", "/",			/* F0 */
	"o", "u", "u", "u", "u", "y", "th", "y",		/* F8 */
};

/*
 * Base letters of U+0100..U+017F (Latin Extended-A), one per code point;
 * '*' marks the few that need more than one letter (text_ascii_cp).
 */
static const char text_ascii_latin_a[] =
	"AaAaAa" "CcCcCcCc" "DdDd" "EeEeEeEeEe" "GgGgGgGg" "HhHh"
	"IiIiIiIiIi" "**" "Jj" "Kkk" "LlLlLlLlLl" "NnNnNn" "*" "Nn"
	"OoOoOo" "**" "RrRrRr" "SsSsSsSs" "TtTtTt" "UuUuUuUuUuUu" "Ww"
	"YyY" "ZzZzZz" "s";
_Static_assert(sizeof text_ascii_latin_a == 0x80 + 1,
    "one letter per Latin Extended-A code point");

/*
 * The ASCII look-alike of a non-ASCII code point: "" to drop it (combining
 * marks, joiners: the base letter stays), NULL when there is none.  one is
 * room for a single letter.
 */
static const char *
text_ascii_cp(uint32_t cp, char one[2])
{
	if (cp >= 0xa0 && cp <= 0xff)
		return text_ascii_latin1[cp - 0xa0];
	if (cp >= 0x100 && cp <= 0x17f) {
		switch (cp) {
		case 0x132: return "IJ";
		case 0x133: return "ij";
		case 0x149: return "'n";
		case 0x152: return "OE";
		case 0x153: return "oe";
		}
		one[0] = text_ascii_latin_a[cp - 0x100];
		one[1] = '\0';
		return one;
	}
	if (cp >= 0x2000 && cp <= 0x200a)
		return " ";
	switch (cp) {
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212:
		return "-";
	case 0x2018: case 0x2019: case 0x201a: case 0x201b: case 0x2032:
	case 0x2039: case 0x203a:
		return "'";
	case 0x201c: case 0x201d: case 0x201e: case 0x201f: case 0x2033:
		return "\"";
	case 0x2020: return "+";
	case 0x2022: return "*";
	case 0x2026: return "...";
	case 0x2030: return "%";
	case 0x2044: return "/";
	case 0x202f: return " ";
	case 0x20ac: return "EUR";
	case 0x2122: return "TM";
	case 0x200b: case 0x2060: case 0xfeff:
		return "";
	}
	if (text_cp_joins(cp) || (cp >= 0x300 && cp <= 0x36f))
		return "";
	return NULL;
}

/* A copy of s that a terminal cannot interpret (see text.h). */
char *
text_sanitize(const char *s, bool ascii, bool keep_nl)
{
	size_t		 len = strlen(s), i = 0, o = 0, n;
	const char	*a;
	char		*out, one[2];
	uint32_t	 cp;
	int32_t		 d;

	/* A bad byte grows most: one byte to U+FFFD's three. */
	out = xmalloc(len * 3 + 1);
	while (i < len) {
		n = text_utf8_next((const unsigned char *)s + i, len - i, &cp);
		d = text_display_cp(cp, n == 0, keep_nl);
		i += n == 0 ? 1 : n;
		if (d < 0)
			continue;
		if (!ascii) {
			o += text_encode((uint32_t)d, out + o);
			continue;
		}
		if (d < 0x80) {
			out[o++] = (char)d;
			continue;
		}
		if ((a = text_ascii_cp((uint32_t)d, one)) == NULL)
			a = "?";
		/* At most three bytes from two or more: within the bound. */
		memcpy(out + o, a, strlen(a));
		o += strlen(a);
	}
	out[o] = '\0';
	return out;
}

/* Truncate s to whole characters within cols columns; returns bytes kept. */
size_t
text_fit(const char *s, size_t cols, size_t *width)
{
	size_t		len = strlen(s), off = 0, next, w = 0, cw, i, n;
	uint32_t	cp;
	int32_t		d;

	while (off < len) {
		next = text_next_char(s, len, off);
		cw = 0;
		for (i = off; i < next; i += n) {
			n = text_utf8_next((const unsigned char *)s + i,
			    len - i, &cp);
			d = text_display_cp(cp, n == 0, false);
			if (d >= 0)
				cw += (size_t)text_cp_width((uint32_t)d);
			if (n == 0)
				n = 1;
		}
		if (w + cw > cols)
			break;
		w += cw;
		off = next;
	}
	if (width != NULL)
		*width = w;
	return off;
}

/* True for ASCII white space. */
static bool
text_is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Trim leading and trailing ASCII white space in place; returns s. */
char *
text_trim(char *s)
{
	size_t	start = 0, end = strlen(s);

	while (start < end && text_is_ascii_space(s[start]))
		start++;
	while (end > start && text_is_ascii_space(s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}
