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

#include "i18n.h"
#include "proto.h"
#include "text.h"
#include "ucd.h"
#include "xmalloc.h"

#define TEXT_REPLACEMENT	0xfffd

/* Hangul syllables, whose decompositions are computed (Unicode 3.12). */
#define TEXT_SBASE	0xac00
#define TEXT_LBASE	0x1100
#define TEXT_VBASE	0x1161
#define TEXT_TBASE	0x11a7
#define TEXT_LCOUNT	19
#define TEXT_VCOUNT	21
#define TEXT_TCOUNT	28
#define TEXT_NCOUNT	(TEXT_VCOUNT * TEXT_TCOUNT)
#define TEXT_SCOUNT	(TEXT_LCOUNT * TEXT_NCOUNT)

/* Non-starters sorted by insertion up to this many, by counting beyond. */
#define TEXT_SORT_SHORT	16

/* Bytes an ASCII stand-in may take (text_ascii_cp). */
#define TEXT_ASCII_MAX	(UCD_MAX_EXPANSION * 3 + 1)

/* A growing array of code points. */
struct text_cps {
	uint32_t	*v;
	size_t		 len;
	size_t		 cap;
};

/* A growing string. */
struct text_buf {
	char		*s;
	size_t		 len;
	size_t		 cap;
};

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

/* ---------------------------------------------------------------- Unicode */

#define TEXT_NELEM(a)	(sizeof (a) / sizeof (a)[0])

/* The Unicode properties of a code point (U+10FFFF's above it). */
static const struct ucd_props *
text_props(uint32_t cp)
{
	size_t	block;

	if (cp > 0x10ffff)
		cp = 0x10ffff;
	block = ucd_stage1[cp / UCD_BLOCK];
	return &ucd_props[ucd_stage2[block * UCD_BLOCK + cp % UCD_BLOCK]];
}

/* Canonical combining class of a code point. */
static int
text_ccc(uint32_t cp)
{
	return cp < 0x300 ? 0 : text_props(cp)->ccc;
}

/* The one-to-one mapping of cp in a sorted table of runs; 0 if none. */
static uint32_t
text_run_map(const uint64_t *runs, size_t n, uint32_t cp)
{
	size_t		lo = 0, hi = n, mid;
	uint32_t	at, stride;
	uint64_t	r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (UCD_RUN_START(runs[mid]) <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	r = runs[lo - 1];
	at = cp - UCD_RUN_START(r);
	stride = UCD_RUN_STRIDE(r);
	if (at % stride != 0 || at / stride >= UCD_RUN_COUNT(r))
		return 0;
	return (uint32_t)((int32_t)cp + UCD_RUN_DELTA(r));
}

/*
 * The mapping of cp in a pair of tables (one-to-one runs, then longer
 * mappings) into out, which holds UCD_MAX_EXPANSION; its length, 0 if cp
 * has none.
 */
static size_t
text_table_map(const uint64_t *runs, size_t nruns, const uint64_t *multi,
    size_t nmulti, uint32_t cp, uint32_t *out)
{
	size_t		lo = 0, hi = nmulti, mid, i, end, k, n = 0;
	uint32_t	to;

	if ((to = text_run_map(runs, nruns, cp)) != 0) {
		out[0] = to;
		return 1;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (UCD_MAP_CP(multi[mid]) < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == nmulti || UCD_MAP_CP(multi[lo]) != cp)
		return 0;
	i = UCD_MAP_OFF(multi[lo]);
	end = i + UCD_MAP_LEN(multi[lo]);
	while (i < end && n < UCD_MAX_EXPANSION) {
		if ((k = text_utf8_next(ucd_pool + i, end - i, &out[n])) == 0)
			break;
		i += k;
		n++;
	}
	return n;
}

/* The full compatibility decomposition (NFKD) of cp into out; its length. */
static size_t
text_decompose(uint32_t cp, uint32_t *out)
{
	uint32_t	s;
	size_t		n;

	if (cp >= TEXT_SBASE && cp < TEXT_SBASE + TEXT_SCOUNT) {
		s = cp - TEXT_SBASE;
		out[0] = TEXT_LBASE + s / TEXT_NCOUNT;
		out[1] = TEXT_VBASE + (s % TEXT_NCOUNT) / TEXT_TCOUNT;
		if (s % TEXT_TCOUNT == 0)
			return 2;
		out[2] = TEXT_TBASE + s % TEXT_TCOUNT;
		return 3;
	}
	if (cp >= 0xa0 && (text_props(cp)->flags & UCD_DECOMP) &&
	    (n = text_table_map(ucd_decomp_runs, TEXT_NELEM(ucd_decomp_runs),
	    ucd_decomp_multi, TEXT_NELEM(ucd_decomp_multi), cp, out)) > 0)
		return n;
	out[0] = cp;
	return 1;
}

/*
 * The NFKC_Casefold mapping of cp, one step: the table's for a code point
 * flagged UCD_FOLD, else cp itself (or nothing for a default-ignorable).
 */
static size_t
text_fold_step(uint32_t cp, uint32_t *out)
{
	const struct ucd_props	*p = text_props(cp);
	size_t			 n;

	if (p->flags & UCD_IGNORABLE)
		return 0;
	if ((p->flags & UCD_FOLD) && (n = text_table_map(ucd_fold_runs,
	    TEXT_NELEM(ucd_fold_runs), ucd_fold_multi,
	    TEXT_NELEM(ucd_fold_multi), cp, out)) > 0)
		return n;
	out[0] = cp;
	return 1;
}

/* Append src[0..n) to dst[*len..UCD_MAX_EXPANSION). */
static void
text_cps_copy(uint32_t *dst, size_t *len, const uint32_t *src, size_t n)
{
	size_t	i;

	for (i = 0; i < n && *len < UCD_MAX_EXPANSION; i++)
		dst[(*len)++] = src[i];
}

/*
 * NFD(NFKC_Casefold(cp)) into out (UCD_MAX_EXPANSION); its length.  A code
 * point the fold table does not hold folds as its decomposition does, part
 * by part (ucd.h; the generator checks this for every code point).
 */
static size_t
text_fold_cp(uint32_t cp, uint32_t *out)
{
	uint32_t	mid[UCD_MAX_EXPANSION], parts[UCD_MAX_EXPANSION];
	uint32_t	one[UCD_MAX_EXPANSION];
	size_t		nmid = 0, nparts, i, k, n = 0;

	if (cp < 0x80) {
		out[0] = cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
		return 1;
	}
	if (text_props(cp)->flags & (UCD_FOLD | UCD_IGNORABLE))
		nmid = text_fold_step(cp, mid);
	else {
		nparts = text_decompose(cp, parts);
		for (i = 0; i < nparts; i++) {
			k = text_fold_step(parts[i], one);
			text_cps_copy(mid, &nmid, one, k);
		}
	}
	for (i = 0; i < nmid; i++) {
		k = text_decompose(mid[i], one);
		text_cps_copy(out, &n, one, k);
	}
	return n;
}

/* Append one code point to a growing array. */
static void
text_cps_push(struct text_cps *v, uint32_t cp)
{
	if (v->len == v->cap) {
		v->cap = v->cap == 0 ? 64 : v->cap * 2;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->len++] = cp;
}

/* Sort a run of non-starters by combining class, keeping their order. */
static void
text_sort_marks(uint32_t *v, size_t n)
{
	size_t		 count[257], i, j;
	uint32_t	*tmp, cp;

	if (n <= TEXT_SORT_SHORT) {
		for (i = 1; i < n; i++) {
			cp = v[i];
			for (j = i; j > 0 && text_ccc(v[j - 1]) > text_ccc(cp);
			    j--)
				v[j] = v[j - 1];
			v[j] = cp;
		}
		return;
	}
	/* A long run (only hostile text has one): a counting sort. */
	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++)
		count[text_ccc(v[i]) + 1]++;
	for (i = 1; i < 257; i++)
		count[i] += count[i - 1];
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	for (i = 0; i < n; i++)
		tmp[count[text_ccc(v[i])]++] = v[i];
	memcpy(v, tmp, n * sizeof *v);
	free(tmp);
}

/* Canonical ordering (Unicode 3.11): each run of non-starters sorted. */
static void
text_reorder(uint32_t *v, size_t n)
{
	size_t	i = 0, start;

	while (i < n) {
		if (text_ccc(v[i]) == 0) {
			i++;
			continue;
		}
		start = i;
		while (i < n && text_ccc(v[i]) != 0)
			i++;
		if (i - start > 1)
			text_sort_marks(v + start, i - start);
	}
}

/* True if cp can be the second of a canonical composition. */
static bool
text_cp_second(uint32_t cp)
{
	if (cp < 0x300)
		return false;
	if (cp >= TEXT_VBASE && cp < TEXT_TBASE + TEXT_TCOUNT)
		return true;
	return (text_props(cp)->flags & UCD_SECOND) != 0;
}

/* The primary composite of first and second; 0 if there is none. */
static uint32_t
text_compose_pair(uint32_t first, uint32_t second)
{
	uint64_t	key = (uint64_t)first << 21 | second;
	size_t		lo = 0, hi = TEXT_NELEM(ucd_comps), mid;

	if (first >= TEXT_LBASE && first < TEXT_LBASE + TEXT_LCOUNT &&
	    second >= TEXT_VBASE && second < TEXT_VBASE + TEXT_VCOUNT)
		return TEXT_SBASE + ((first - TEXT_LBASE) * TEXT_VCOUNT +
		    (second - TEXT_VBASE)) * TEXT_TCOUNT;
	if (first >= TEXT_SBASE && first < TEXT_SBASE + TEXT_SCOUNT &&
	    (first - TEXT_SBASE) % TEXT_TCOUNT == 0 && second > TEXT_TBASE &&
	    second < TEXT_TBASE + TEXT_TCOUNT)
		return first + (second - TEXT_TBASE);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (UCD_COMP_KEY(ucd_comps[mid]) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < TEXT_NELEM(ucd_comps) && UCD_COMP_KEY(ucd_comps[lo]) == key)
		return UCD_COMP_CP(ucd_comps[lo]);
	return 0;
}

/* Canonical composition in place (Unicode 3.11); the new length. */
static size_t
text_compose(uint32_t *v, size_t n)
{
	size_t		starter = 0, out = 1, i;
	uint32_t	comp;
	int		last, cc;

	if (n == 0)
		return 0;
	/* 256: a leading non-starter has no starter to compose with. */
	last = text_ccc(v[0]) == 0 ? 0 : 256;
	for (i = 1; i < n; i++) {
		cc = text_ccc(v[i]);
		if ((last < cc || last == 0) && text_cp_second(v[i]) &&
		    (comp = text_compose_pair(v[starter], v[i])) != 0) {
			v[starter] = comp;
			continue;
		}
		if (cc == 0)
			starter = out;
		last = cc;
		v[out++] = v[i];
	}
	return out;
}

/* text_fold of ASCII only: lower case. */
static char *
text_fold_ascii(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 i;

	for (i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i];
	out[len] = '\0';
	return out;
}

/* NFKC_Casefold of s[0..len) (see text.h). */
char *
text_fold(const char *s, size_t len)
{
	struct text_cps	 v;
	uint32_t	 cp, one[UCD_MAX_EXPANSION];
	size_t		 i = 0, n, k, o = 0;
	char		*out;

	for (k = 0; k < len && (unsigned char)s[k] < 0x80; k++)
		/* nothing */;
	if (k == len)
		return text_fold_ascii(s, len);
	memset(&v, 0, sizeof v);
	while (i < len) {
		i += text_decode(s + i, len - i, &cp);
		n = text_fold_cp(cp, one);
		for (k = 0; k < n; k++)
			text_cps_push(&v, one[k]);
	}
	text_reorder(v.v, v.len);
	v.len = text_compose(v.v, v.len);
	out = xmalloc(v.len * 4 + 1);
	for (k = 0; k < v.len; k++)
		o += text_encode(v.v[k], out + o);
	out[o] = '\0';
	free(v.v);
	return out;
}


/* The key two first names share when they are the same person. */
char *
text_name_key(const char *name)
{
	char	*key = text_fold(name, strlen(name));
	size_t	 i, o = 0;

	/* Folding made every space U+0020: trim, and one between words. */
	for (i = 0; key[i] != '\0'; i++) {
		if (key[i] == ' ' && (o == 0 || key[o - 1] == ' '))
			continue;
		key[o++] = key[i];
	}
	if (o > 0 && key[o - 1] == ' ')
		o--;
	key[o] = '\0';
	return key;
}

/* True for a code point no one sees: drawn, it would hide or mislead. */
static bool
text_cp_invisible(uint32_t cp)
{
	const struct ucd_props	*p;

	if (cp < 0xa0)
		return false;
	p = text_props(cp);
	return (p->flags & UCD_IGNORABLE) ||
	    (p->cls == UCD_FORMAT && !(p->flags & UCD_VISIBLE_FORMAT));
}

/*
 * True if a letter or digit is still one once folded: U+FE70, an Arabic
 * presentation form that is a letter, folds to a space and a mark.
 */
static bool
text_cp_stays_letter(uint32_t cp)
{
	uint32_t	out[UCD_MAX_EXPANSION];
	size_t		n, i;
	uint8_t		cls;

	n = text_fold_cp(cp, out);
	for (i = 0; i < n; i++) {
		cls = text_props(out[i])->cls;
		if (cls == UCD_LETTER || cls == UCD_NUMBER)
			return true;
	}
	return false;
}

/* Whether s[0..len) may be a first name (see text.h). */
enum text_name_status
text_name_check(const char *s, size_t len)
{
	const struct ucd_props	*p;
	size_t			 i = 0, cps;
	uint32_t		 cp;
	bool			 letter = false;

	if (text_check(s, len, false, &cps) != TEXT_OK)
		return TEXT_NAME_CONTROL;
	if (cps < PROTO_NAME_MIN || cps > PROTO_NAME_MAX)
		return TEXT_NAME_LENGTH;
	while (i < len) {
		i += text_decode(s + i, len - i, &cp);
		p = text_props(cp);
		if ((p->flags & UCD_IGNORABLE) || p->cls == UCD_FORMAT ||
		    p->cls == UCD_SEPARATOR || p->cls == UCD_PRIVATE ||
		    p->cls == UCD_SURROGATE || p->cls == UCD_UNASSIGNED)
			return TEXT_NAME_INVISIBLE;
		if (!letter && (p->cls == UCD_LETTER || p->cls == UCD_NUMBER))
			letter = text_cp_stays_letter(cp);
	}
	return letter ? TEXT_NAME_OK : TEXT_NAME_NO_LETTER;
}

/* Why a first name is refused, in English (marked for translation). */
const char *
text_name_reason(enum text_name_status st)
{
	switch (st) {
	case TEXT_NAME_OK:
		break;
	case TEXT_NAME_LENGTH:
		return N_("a first name has 1 to 32 characters");
	case TEXT_NAME_CONTROL:
		return N_("a first name is one line of text, without control "
		    "characters");
	case TEXT_NAME_INVISIBLE:
		return N_("a first name may not hold invisible or formatting "
		    "characters");
	case TEXT_NAME_NO_LETTER:
		return N_("a first name needs at least one letter or digit");
	}
	return "";
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
 * What a code point looks like once sanitised: -1 to drop it (bidi
 * controls, invisible format characters, default-ignorable code points),
 * else the code point drawn in its place.  invalid marks a byte that was
 * not UTF-8.
 */
static int32_t
text_display_cp(uint32_t cp, bool invalid, bool keep_nl)
{
	if (invalid)
		return TEXT_REPLACEMENT;
	/* Line and paragraph separators end a line as newline does. */
	if (cp == '\n' || cp == 0x2028 || cp == 0x2029)
		return keep_nl ? '\n' : ' ';
	if (text_cp_bidi(cp) || text_cp_invisible(cp))
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
	"\"", "(C)", "a", "<<", "!", "", "(R)", "-",		/* A8 */
	"o", "+-", "2", "3", "'", "u", "P", ".",		/* B0 */
	",", "1", "o", ">>", "1/4", "1/2", "3/4", "?",		/* B8 */
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
 * '*' marks the few that need more than one letter (text_ascii_known).
 */
static const char text_ascii_latin_a[] =
	"AaAaAa" "CcCcCcCc" "DdDd" "EeEeEeEeEe" "GgGgGgGg" "HhHh"
	"IiIiIiIiIi" "**" "Jj" "Kkk" "LlLlLlLlLl" "NnNnNn" "*" "Nn"
	"OoOoOo" "**" "RrRrRr" "SsSsSsSs" "TtTtTt" "UuUuUuUuUuUu" "Ww"
	"YyY" "ZzZzZz" "s";
_Static_assert(sizeof text_ascii_latin_a == 0x80 + 1,
    "one letter per Latin Extended-A code point");

/* ASCII look-alikes of punctuation and symbols that do not decompose. */
static const struct text_ascii_sym {
	uint32_t	 cp;
	const char	*ascii;
} text_ascii_syms[] = {
	{ 0x0131, "i" }, { 0x0180, "b" }, { 0x0183, "b" }, { 0x0188, "c" },
	{ 0x018a, "D" }, { 0x0192, "f" }, { 0x0197, "I" }, { 0x019a, "l" },
	{ 0x01b6, "z" }, { 0x01e5, "g" }, { 0x0237, "j" }, { 0x0250, "a" },
	{ 0x0254, "o" }, { 0x0259, "e" }, { 0x0268, "i" },
	{ 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" },
	{ 0x2014, "--" }, { 0x2015, "--" }, { 0x2018, "'" }, { 0x2019, "'" },
	{ 0x201a, "'" }, { 0x201b, "'" }, { 0x201c, "\"" }, { 0x201d, "\"" },
	{ 0x201e, "\"" }, { 0x201f, "\"" }, { 0x2020, "+" }, { 0x2022, "*" },
	{ 0x2030, "%" }, { 0x2032, "'" }, { 0x2033, "\"" }, { 0x2039, "<" },
	{ 0x203a, ">" }, { 0x2044, "/" }, { 0x20ac, "EUR" },
	{ 0x2190, "<-" }, { 0x2192, "->" }, { 0x2194, "<->" },
	{ 0x21d0, "<=" }, { 0x21d2, "=>" }, { 0x2212, "-" }, { 0x2260, "!=" },
	{ 0x2264, "<=" }, { 0x2265, ">=" }, { 0x2713, "v" }, { 0x2714, "v" },
	{ 0x2717, "x" }, { 0x2718, "x" },
};

/*
 * Scripts named in place of a run of what ASCII cannot show; "?" for the
 * others.
 */
static const struct text_script {
	uint32_t	 first;
	uint32_t	 last;
	const char	*name;
} text_scripts[] = {
	{ 0x0370, 0x03ff, "Greek" },
	{ 0x0400, 0x052f, "Cyrillic" },
	{ 0x0590, 0x05ff, "Hebrew" },
	{ 0x0600, 0x06ff, "Arabic" },
	{ 0x0750, 0x077f, "Arabic" },
	{ 0x0870, 0x08ff, "Arabic" },
	{ 0x1100, 0x11ff, "CJK" },
	{ 0x1c80, 0x1c8f, "Cyrillic" },
	{ 0x1f00, 0x1fff, "Greek" },
	{ 0x2de0, 0x2dff, "Cyrillic" },
	{ 0x2e80, 0x2fdf, "CJK" },
	{ 0x2ff0, 0x9fff, "CJK" },
	{ 0xa640, 0xa69f, "Cyrillic" },
	{ 0xa960, 0xa97f, "CJK" },
	{ 0xac00, 0xd7ff, "CJK" },
	{ 0xf900, 0xfaff, "CJK" },
	{ 0xfb1d, 0xfb4f, "Hebrew" },
	{ 0xfb50, 0xfdff, "Arabic" },
	{ 0xfe30, 0xfe4f, "CJK" },
	{ 0xfe70, 0xfeff, "Arabic" },
	{ 0xff00, 0xffef, "CJK" },
	{ 0x1b000, 0x1b16f, "CJK" },
	{ 0x1f000, 0x1faff, "emoji" },
	{ 0x20000, 0x3ffff, "CJK" },
};

/* The script named for a code point ASCII cannot show. */
static const char *
text_script(uint32_t cp)
{
	size_t	i;

	for (i = 0; i < TEXT_NELEM(text_scripts); i++) {
		if (cp >= text_scripts[i].first && cp <= text_scripts[i].last)
			return text_scripts[i].name;
	}
	return "?";
}

/*
 * The ASCII look-alike of a code point from the hand-made tables: NULL when
 * they have none.  one is room for a single letter.
 */
static const char *
text_ascii_known(uint32_t cp, char one[2])
{
	size_t	i;

	if (cp < 0x80) {
		one[0] = (char)cp;
		one[1] = '\0';
		return one;
	}
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
	for (i = 0; i < TEXT_NELEM(text_ascii_syms); i++) {
		if (text_ascii_syms[i].cp == cp)
			return text_ascii_syms[i].ascii;
	}
	return NULL;
}

/*
 * The ASCII look-alike of a non-ASCII code point into buf (TEXT_ASCII_MAX
 * bytes): "" to drop it (marks, joiners: the base letter stays), NULL when
 * there is none.  What the tables do not know goes by its compatibility
 * decomposition without its marks: Vietnamese ế is e, ﬁ is fi, Ａ is A.
 */
static const char *
text_ascii_cp(uint32_t cp, char *buf)
{
	uint32_t	 parts[UCD_MAX_EXPANSION];
	const char	*a;
	char		 one[2];
	size_t		 n, i, o = 0, k;

	if ((a = text_ascii_known(cp, one)) != NULL) {
		if (a == one) {
			memcpy(buf, one, sizeof one);
			return buf;
		}
		return a;
	}
	if (text_cp_joins(cp) || text_props(cp)->cls == UCD_MARK)
		return "";
	n = text_decompose(cp, parts);
	if (n == 1 && parts[0] == cp)
		return NULL;
	for (i = 0; i < n; i++) {
		if (text_props(parts[i])->cls == UCD_MARK)
			continue;
		if ((a = text_ascii_known(parts[i], one)) == NULL)
			return NULL;
		k = strlen(a);
		if (o + k >= TEXT_ASCII_MAX)
			return NULL;
		memcpy(buf + o, a, k);
		o += k;
	}
	buf[o] = '\0';
	return buf;
}

/* Append s[0..n) to a growing string. */
static void
text_buf_add(struct text_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/*
 * Sanitise s onto out (see text_sanitize).  In ASCII, a run of characters
 * without a look-alike becomes one "[script]"; *lossy says if there was one.
 */
static void
text_sanitize_into(const char *s, bool ascii, bool keep_nl,
    struct text_buf *out, bool *lossy)
{
	size_t		 len = strlen(s), i = 0, n;
	const char	*a, *run = NULL;
	char		 enc[TEXT_ASCII_MAX], c;
	uint32_t	 cp;
	int32_t		 d;

	*lossy = false;
	/* Room for the most it can grow: no growing on the way. */
	out->cap = len * TEXT_SANITIZE_GROWTH + 1;
	out->s = xmalloc(out->cap);
	out->s[0] = '\0';
	while (i < len) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			out->s[out->len++] = s[i++];
			run = NULL;
			continue;
		}
		n = text_utf8_next((const unsigned char *)s + i, len - i, &cp);
		d = text_display_cp(cp, n == 0, keep_nl);
		i += n == 0 ? 1 : n;
		if (d < 0)
			continue;
		if (!ascii) {
			out->len += text_encode((uint32_t)d, out->s + out->len);
			continue;
		}
		if (d < 0x80 || d == TEXT_REPLACEMENT) {
			c = d < 0x80 ? (char)d : '?';
			text_buf_add(out, &c, 1);
			*lossy = *lossy || d == TEXT_REPLACEMENT;
			run = NULL;
			continue;
		}
		if ((a = text_ascii_cp((uint32_t)d, enc)) != NULL) {
			/* A dropped mark stays inside the run it follows. */
			if (a[0] != '\0') {
				text_buf_add(out, a, strlen(a));
				run = NULL;
			}
			continue;
		}
		*lossy = true;
		if ((a = text_script((uint32_t)d)) == run)
			continue;
		run = a;
		text_buf_add(out, "[", 1);
		text_buf_add(out, a, strlen(a));
		text_buf_add(out, "]", 1);
	}
	out->s[out->len] = '\0';
}

/* A copy of s that a terminal cannot interpret (see text.h). */
char *
text_sanitize(const char *s, bool ascii, bool keep_nl)
{
	struct text_buf	out;
	bool		lossy;

	memset(&out, 0, sizeof out);
	text_sanitize_into(s, ascii, keep_nl, &out, &lossy);
	return out.s;
}

/* True if every character of s has an ASCII look-alike (see text.h). */
bool
text_ascii_exact(const char *s)
{
	struct text_buf	out;
	bool		lossy;

	memset(&out, 0, sizeof out);
	text_sanitize_into(s, true, false, &out, &lossy);
	free(out.s);
	return !lossy;
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

/* Split s at each sep into trimmed pieces, empty ones dropped. */
size_t
text_split(const char *s, char sep, char ***out)
{
	const char	*end;
	char		*piece;
	size_t		 n = 0;

	*out = NULL;
	for (;;) {
		if ((end = strchr(s, sep)) == NULL)
			end = s + strlen(s);
		piece = text_trim(xstrndup(s, (size_t)(end - s)));
		if (piece[0] != '\0') {
			*out = xreallocarray(*out, n + 1, sizeof **out);
			(*out)[n++] = piece;
		} else
			free(piece);
		if (*end == '\0')
			return n;
		s = end + 1;
	}
}

/* Free what text_split made. */
void
text_split_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
