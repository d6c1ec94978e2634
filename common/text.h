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
 * visible (U+FFFD, or '?' when ascii), bidi controls are dropped, invalid
 * UTF-8 becomes U+FFFD; newlines become spaces unless keep_nl.  With ascii,
 * every non-ASCII code point becomes a plain ASCII look-alike or '?'.
 * Returns a malloc'd string.
 */
char		*text_sanitize(const char *, bool, bool);

/* Truncate s so it takes at most cols columns; returns bytes kept. */
size_t		 text_fit(const char *, size_t, size_t *);

/* Trim leading and trailing white space in place; returns s. */
char		*text_trim(char *);

#endif /* CB_TEXT_H */
