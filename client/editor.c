/*
 * editor.c -- the line editor: UTF-8 text with a cursor, and its keys.
 *
 * The buffer holds what the user typed, already valid for the protocol: no
 * control character but newlines (multi-line editors only), never more
 * code points than the limit.  Steps go through text.c, so the cursor moves
 * by whole characters (é written as e + U+0301 is one character).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "text.h"
#include "xmalloc.h"

/* Make room for at least need more bytes (plus the NUL). */
static void
editor_reserve(struct editor *ed, size_t need)
{
	size_t	cap = ed->cap;

	if (ed->len + need + 1 <= cap)
		return;
	if (cap < 64)
		cap = 64;
	while (cap < ed->len + need + 1)
		cap *= 2;
	ed->buf = xrealloc(ed->buf, cap);
	ed->cap = cap;
}

/* Start editing text (NULL for empty) limited to max code points. */
void
editor_init(struct editor *ed, const char *text, size_t max, bool multiline)
{
	memset(ed, 0, sizeof *ed);
	ed->max_cps = max;
	ed->multiline = multiline;
	editor_reserve(ed, 0);
	ed->buf[0] = '\0';
	if (text != NULL)
		editor_set(ed, text);
}

/* Release the buffer. */
void
editor_free(struct editor *ed)
{
	free(ed->buf);
	memset(ed, 0, sizeof *ed);
}

/* Replace the whole text (filtered and limited like a paste). */
void
editor_set(struct editor *ed, const char *text)
{
	ed->len = 0;
	ed->cps = 0;
	ed->cursor = 0;
	ed->buf[0] = '\0';
	ed->has_goal = false;
	editor_insert(ed, text, strlen(text));
}

/* The text as typed. */
const char *
editor_text(const struct editor *ed)
{
	return ed->buf;
}

/* Code points left before the limit (a large number when unlimited). */
size_t
editor_left(const struct editor *ed)
{
	if (ed->max_cps == 0)
		return SIZE_MAX;
	return ed->cps >= ed->max_cps ? 0 : ed->max_cps - ed->cps;
}

/* "480/500" near the limit, else "". */
const char *
editor_limit_hint(const struct editor *ed, char *buf, size_t len)
{
	size_t	near;

	buf[0] = '\0';
	if (ed->max_cps == 0 || len == 0)
		return buf;
	near = ed->max_cps / 10;
	if (near > 50)
		near = 50;
	if (near < 5)
		near = 5;
	if (ed->cps + near >= ed->max_cps)
		snprintf(buf, len, "%zu/%zu", ed->cps, ed->max_cps);
	return buf;
}

/* What code point cp becomes in the buffer; 0 to drop it. */
static uint32_t
editor_filter(const struct editor *ed, uint32_t cp)
{
	if (cp == '\t')
		return ' ';
	if (cp == '\n' || cp == '\r')
		return ed->multiline ? '\n' : ' ';
	if (text_cp_forbidden(cp) || cp == 0xfffd)
		return 0;
	/* Bidi marks: a terminal would not show them, nor do we keep them. */
	if (cp == 0x200e || cp == 0x200f || cp == 0x061c)
		return 0;
	return cp;
}

/* Insert the bytes s[0..n) holding k code points at the cursor. */
static void
editor_splice_in(struct editor *ed, const char *s, size_t n, size_t k)
{
	if (n == 0)
		return;
	editor_reserve(ed, n);
	memmove(ed->buf + ed->cursor + n, ed->buf + ed->cursor,
	    ed->len - ed->cursor + 1);
	memcpy(ed->buf + ed->cursor, s, n);
	ed->len += n;
	ed->cursor += n;
	ed->cps += k;
}

/* Code points in the valid UTF-8 bytes s[0..n). */
static size_t
editor_cplen(const char *s, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	}
	return k;
}

/* Remove the bytes [from, to) and put the cursor at from. */
static void
editor_cut(struct editor *ed, size_t from, size_t to)
{
	if (to <= from)
		return;
	ed->cps -= editor_cplen(ed->buf + from, to - from);
	memmove(ed->buf + from, ed->buf + to, ed->len - to + 1);
	ed->len -= to - from;
	ed->cursor = from;
}

/* Insert a run of UTF-8 text (a paste). */
enum editor_result
editor_insert(struct editor *ed, const char *s, size_t len)
{
	char		*tmp, enc[4];
	size_t		 i = 0, n, o = 0, k = 0, room = editor_left(ed);
	uint32_t	 cp, f;
	bool		 refused = false, cr = false;

	tmp = xmalloc(len * 3 + 1);
	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		i += n;
		/* "\r\n" from a paste is one line break. */
		if (cp == '\n' && cr) {
			cr = false;
			continue;
		}
		cr = cp == '\r';
		if ((f = editor_filter(ed, cp)) == 0)
			continue;
		if (k >= room) {
			refused = true;
			break;
		}
		n = text_encode(f, enc);
		memcpy(tmp + o, enc, n);
		o += n;
		k++;
	}
	editor_splice_in(ed, tmp, o, k);
	free(tmp);
	ed->has_goal = false;
	if (refused)
		return EDITOR_REFUSED;
	return o != 0 ? EDITOR_CHANGED : EDITOR_UNCHANGED;
}

/* Start of the logical line holding off. */
static size_t
editor_line_start(const struct editor *ed, size_t off)
{
	while (off > 0 && ed->buf[off - 1] != '\n')
		off--;
	return off;
}

/* End of the logical line holding off (at its newline or the end). */
static size_t
editor_line_end(const struct editor *ed, size_t off)
{
	while (off < ed->len && ed->buf[off] != '\n')
		off++;
	return off;
}

/* Characters from start to off. */
static size_t
editor_chars(const struct editor *ed, size_t start, size_t off)
{
	size_t	n = 0;

	while (start < off) {
		start = text_next_char(ed->buf, ed->len, start);
		n++;
	}
	return n;
}

/* Move to the line starting at start, col characters in (or its end). */
static void
editor_goto_col(struct editor *ed, size_t start, size_t col)
{
	size_t	end = editor_line_end(ed, start), off = start;

	while (col > 0 && off < end) {
		off = text_next_char(ed->buf, ed->len, off);
		col--;
	}
	ed->cursor = off > end ? end : off;
}

/* Up (dir < 0) or Down a logical line, keeping the column. */
static enum editor_result
editor_vertical(struct editor *ed, int dir)
{
	size_t	start = editor_line_start(ed, ed->cursor), end;

	if (!ed->has_goal) {
		ed->goal_col = editor_chars(ed, start, ed->cursor);
		ed->has_goal = true;
	}
	if (dir < 0) {
		if (start == 0)
			return EDITOR_UNCHANGED;
		editor_goto_col(ed, editor_line_start(ed, start - 1),
		    ed->goal_col);
	} else {
		end = editor_line_end(ed, ed->cursor);
		if (end >= ed->len)
			return EDITOR_UNCHANGED;
		editor_goto_col(ed, end + 1, ed->goal_col);
	}
	return EDITOR_CHANGED;
}

/* Insert one code point typed by the user. */
static enum editor_result
editor_type(struct editor *ed, uint32_t cp)
{
	char		enc[4];
	uint32_t	f;

	if ((f = editor_filter(ed, cp)) == 0 || (f == '\n' && !ed->multiline))
		return EDITOR_REFUSED;
	if (editor_left(ed) == 0)
		return EDITOR_REFUSED;
	editor_splice_in(ed, enc, text_encode(f, enc), 1);
	return EDITOR_CHANGED;
}

/* One key: an enum editor_key, or a code point to insert. */
enum editor_result
editor_key(struct editor *ed, int32_t key)
{
	size_t	to;

	if (key != EDITOR_KEY_UP && key != EDITOR_KEY_DOWN)
		ed->has_goal = false;
	switch (key) {
	case EDITOR_KEY_LEFT:
		if (ed->cursor == 0)
			return EDITOR_UNCHANGED;
		ed->cursor = text_prev_char(ed->buf, ed->cursor);
		return EDITOR_CHANGED;
	case EDITOR_KEY_RIGHT:
		if (ed->cursor >= ed->len)
			return EDITOR_UNCHANGED;
		ed->cursor = text_next_char(ed->buf, ed->len, ed->cursor);
		return EDITOR_CHANGED;
	case EDITOR_KEY_UP:
		return editor_vertical(ed, -1);
	case EDITOR_KEY_DOWN:
		return editor_vertical(ed, 1);
	case EDITOR_KEY_HOME:
		to = editor_line_start(ed, ed->cursor);
		if (to == ed->cursor)
			return EDITOR_UNCHANGED;
		ed->cursor = to;
		return EDITOR_CHANGED;
	case EDITOR_KEY_END:
		to = editor_line_end(ed, ed->cursor);
		if (to == ed->cursor)
			return EDITOR_UNCHANGED;
		ed->cursor = to;
		return EDITOR_CHANGED;
	case EDITOR_KEY_BACKSPACE:
		if (ed->cursor == 0)
			return EDITOR_UNCHANGED;
		editor_cut(ed, text_prev_char(ed->buf, ed->cursor), ed->cursor);
		return EDITOR_CHANGED;
	case EDITOR_KEY_DELETE:
		if (ed->cursor >= ed->len)
			return EDITOR_UNCHANGED;
		editor_cut(ed, ed->cursor,
		    text_next_char(ed->buf, ed->len, ed->cursor));
		return EDITOR_CHANGED;
	case EDITOR_KEY_KILL_WORD:
		if (ed->cursor == 0)
			return EDITOR_UNCHANGED;
		editor_cut(ed, text_prev_word(ed->buf, ed->cursor), ed->cursor);
		return EDITOR_CHANGED;
	case EDITOR_KEY_KILL_LINE:
		to = editor_line_start(ed, ed->cursor);
		if (to == ed->cursor)
			return EDITOR_UNCHANGED;
		editor_cut(ed, to, ed->cursor);
		return EDITOR_CHANGED;
	case EDITOR_KEY_NEWLINE:
		if (!ed->multiline)
			return EDITOR_REFUSED;
		return editor_type(ed, '\n');
	case EDITOR_KEY_ENTER:
		return EDITOR_COMMIT;
	case EDITOR_KEY_ESCAPE:
		return EDITOR_CANCEL;
	}
	if (key < 0x20)
		return EDITOR_REFUSED;
	return editor_type(ed, (uint32_t)key);
}
