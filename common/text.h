/*
 * text.h -- UTF-8 validation, code point counts, display width, sanitising.
 *
 * Widths follow the C library's wcwidth() under the caller's LC_CTYPE (the
 * client sets a UTF-8 locale); code points it does not know count as one
 * column, combining marks as zero.
 */
#ifndef CB_TEXT_H
#define CB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results of text_check. */
enum text_status {
	TEXT_OK = 0,
	TEXT_BAD_UTF8,		/* not valid UTF-8 (overlong, surrogate, > U+10FFFF, truncated) */
	TEXT_FORBIDDEN,		/* NUL/C0 (but \n where allowed), DEL, C1, bidi override */
};

/* True if s[0..len) is valid UTF-8. */
bool		 text_utf8_valid(const char *, size_t);
/*
 * Validate s[0..len) as protocol text: valid UTF-8, no forbidden code point;
 * newline allowed only when nl is true.  Counts code points into *cps.
 */
enum text_status text_check(const char *, size_t, bool, size_t *);
/* True for code points the protocol refuses in text (newline excluded). */
bool		 text_cp_forbidden(uint32_t);

/*
 * Decode the code point at s[0..len): returns its byte length (1..4) and
 * sets *cp; on invalid input returns 1 and sets *cp to U+FFFD.
 */
size_t		 text_decode(const char *, size_t, uint32_t *);
/* Encode cp as UTF-8 into out; returns the byte length (1..4). */
size_t		 text_encode(uint32_t, char *);
/* Code points in a NUL-terminated valid UTF-8 string. */
size_t		 text_cplen(const char *);

/* Columns the code point takes: 0 (combining), 1 or 2 (wide). */
int		 text_cp_width(uint32_t);
/* Columns the string takes on a terminal (after sanitising). */
size_t		 text_width(const char *);

/*
 * Character steps for an editor: a "character" is a base code point with
 * the combining marks that follow it.  Offsets are in bytes.
 */
size_t		 text_next_char(const char *, size_t, size_t);
size_t		 text_prev_char(const char *, size_t);
/* Start of the previous word (for Ctrl-W). */
size_t		 text_prev_word(const char *, size_t);

/*
 * A copy of s that a terminal cannot interpret: control characters become
 * visible (U+FFFD, or '?' when ascii), invalid UTF-8 becomes U+FFFD; bidi
 * controls, invisible format characters (Cf) and default-ignorable code
 * points are dropped; newlines (and U+2028, U+2029) become spaces unless
 * keep_nl.  With ascii, every non-ASCII code point becomes its ASCII
 * look-alike (é e, œ oe, « <<, ’ ', — --, ﬁ fi, fullwidth Ａ A), and each
 * run of code points that has none one "[script]" ("[CJK]", "[Greek]",
 * "[Cyrillic]", "[Arabic]", "[Hebrew]", "[emoji]", else "[?]").
 * Returns a malloc'd string.
 */
char		*text_sanitize(const char *, bool, bool);
/* text_sanitize makes at most this many bytes of one byte ("[Cyrillic]"). */
#define TEXT_SANITIZE_GROWTH	5
/* True if every character of s has an ASCII look-alike (nothing lost). */
bool		 text_ascii_exact(const char *);

/* Truncate s so it takes at most cols columns; returns bytes kept. */
size_t		 text_fit(const char *, size_t, size_t *);

/* Trim leading and trailing white space in place; returns s. */
char		*text_trim(char *);
/*
 * Split s at each sep into trimmed, malloc'd pieces (*out, the array too);
 * empty pieces are dropped.  Returns how many.
 */
size_t		 text_split(const char *, char, char ***);
/* Free what text_split made. */
void		 text_split_free(char **, size_t);

/*
 * NFKC_Casefold (Unicode's toNFKC_Casefold) of s[0..len): compatibility
 * normalisation and full case folding, default-ignorable code points
 * removed; invalid UTF-8 becomes U+FFFD.  A malloc'd string, valid UTF-8,
 * at most UCD_FOLD_GROWTH times len bytes; folding it again changes
 * nothing.  Tables from the Unicode Character Database (ucd.h).
 */
char		*text_fold(const char *, size_t);

/* What text_name_check found. */
enum text_name_status {
	TEXT_NAME_OK = 0,
	TEXT_NAME_LENGTH,	/* not 1 to 32 code points */
	TEXT_NAME_CONTROL,	/* bad UTF-8, a control, a newline, a bidi override */
	TEXT_NAME_INVISIBLE,	/* default-ignorable, format (Cf), line or
				   paragraph separator, private use, unassigned */
	TEXT_NAME_NO_LETTER,	/* no letter (L*) or digit (N*) that stays
				   one once folded */
};

/*
 * Whether s[0..len) (already trimmed) may be a first name: 1 to 32 code
 * points of protocol text on one line, nothing invisible, and at least one
 * letter or digit.  Server and client apply the same rule.
 */
enum text_name_status text_name_check(const char *, size_t);
/* Why a first name is refused: English, marked for translation ("" if OK). */
const char	*text_name_reason(enum text_name_status);
/*
 * The key under which two first names are one person: NFKC_Casefold with
 * white space trimmed and runs of it made one space.  "Zoé", "zoé", "ZOÉ"
 * and fullwidth "Ｚｏé" share one.  A malloc'd string.
 */
char		*text_name_key(const char *);

#endif /* CB_TEXT_H */
