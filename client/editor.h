/*
 * editor.h -- the line editor of the client: UTF-8 text, a cursor, keys.
 *
 * Pure: no curses.  The UI turns terminal keys into editor keys, feeds
 * typed characters one by one (or a pasted run at once) and draws the text
 * with layout_wrap.  A "character" is a base code point and the combining
 * marks that follow it: the cursor never stops inside one, Backspace and
 * Delete remove a whole one.  The limit is in code points, as the protocol
 * counts them; what would exceed it is refused, never cut silently.
 */
#ifndef CB_EDITOR_H
#define CB_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Editing keys, beside plain characters (code points >= 0x20). */
enum editor_key {
	EDITOR_KEY_LEFT = -100,
	EDITOR_KEY_RIGHT,
	EDITOR_KEY_UP,			/* previous line of a multi-line text */
	EDITOR_KEY_DOWN,
	EDITOR_KEY_HOME,		/* Home, Ctrl-A: start of the line */
	EDITOR_KEY_END,			/* End, Ctrl-E: end of the line */
	EDITOR_KEY_BACKSPACE,
	EDITOR_KEY_DELETE,
	EDITOR_KEY_KILL_WORD,		/* Ctrl-W: the word before the cursor */
	EDITOR_KEY_KILL_LINE,		/* Ctrl-U: the line before the cursor */
	EDITOR_KEY_NEWLINE,		/* Alt-Enter, Ctrl-J */
	EDITOR_KEY_ENTER,		/* commit */
	EDITOR_KEY_ESCAPE,		/* cancel */
};

/* What a key did. */
enum editor_result {
	EDITOR_CHANGED,			/* text or cursor changed: redraw */
	EDITOR_UNCHANGED,		/* nothing to do (e.g. Left at start) */
	EDITOR_REFUSED,			/* over the limit, or not allowed */
	EDITOR_COMMIT,			/* Enter: take the text */
	EDITOR_CANCEL,			/* Esc: drop it */
};

struct editor {
	char		*buf;		/* UTF-8, NUL-terminated */
	size_t		 len;		/* bytes */
	size_t		 cap;
	size_t		 cursor;	/* byte offset, on a character start */
	size_t		 cps;		/* code points in buf */
	size_t		 max_cps;	/* limit; 0 for none */
	bool		 multiline;	/* may hold newlines */
	size_t		 goal_col;	/* column Up/Down aim for */
	bool		 has_goal;
};

/* Start editing text (NULL for empty) limited to max code points. */
void		 editor_init(struct editor *, const char *, size_t, bool);
void		 editor_free(struct editor *);
/* Replace the whole text; the cursor goes to its end. */
void		 editor_set(struct editor *, const char *);
/* One key: an enum editor_key, or a code point to insert. */
enum editor_result editor_key(struct editor *, int32_t);
/*
 * Insert a run of UTF-8 text at the cursor (a paste): forbidden code points
 * are dropped, tabs become spaces, newlines stay only in a multi-line
 * editor, and what goes over the limit is left out.  Linear in the length.
 */
enum editor_result editor_insert(struct editor *, const char *, size_t);
/* The text as typed. */
const char	*editor_text(const struct editor *);
/* Code points left before the limit. */
size_t		 editor_left(const struct editor *);
/*
 * The limit hint "480/500" when within 50 code points of the limit (or of
 * a tenth of it for short limits); "" otherwise.  Returns buf.
 */
const char	*editor_limit_hint(const struct editor *, char *, size_t);

#endif /* CB_EDITOR_H */
