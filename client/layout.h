/*
 * layout.h -- where things go on the screen, without curses.
 *
 * Wrapping text by display width, the order of the cards of a table
 * (clusters, replies, placeholders), the ranking of the results, columns
 * for tables side by side, and scrolling.  Pure functions of their
 * arguments, so the tests check them without a terminal.
 */
#ifndef CB_LAYOUT_H
#define CB_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Replies deeper than this are drawn at this depth. */
#define LAYOUT_DEPTH_MAX	4

/* One screen line of a wrapped text: bytes [start, end) of the text. */
struct layout_line {
	size_t		 start;
	size_t		 end;
	size_t		 width;		/* columns */
};

/*
 * Wrap s (sanitised UTF-8; '\n' breaks a line) to width columns: at spaces
 * when a word fits, else between characters, never inside a character or
 * before its combining marks.  The spaces at a soft break are on neither
 * line.  A character wider than width gets a line of its own.  Returns the
 * number of lines (at least one) in *lines, a malloc'd array.
 */
size_t		 layout_wrap(const char *, size_t, struct layout_line **);
/* Where byte offset off of the wrapped text is: line and column. */
void		 layout_cursor(const char *, const struct layout_line *,
		    size_t, size_t, size_t *, size_t *);

/* How a card hangs in its table. */
enum layout_kind {
	LAYOUT_TOP,		/* a card on its own */
	LAYOUT_MEMBER,		/* grouped under a cluster head */
	LAYOUT_REPLY,		/* builds on the card above it */
};

/* One card in the display order of a table. */
struct layout_row {
	uint64_t	 card;
	unsigned	 depth;		/* indentation, capped */
	uint8_t		 kind;		/* enum layout_kind */
	bool		 head;		/* a cluster head */
	bool		 placeholder;	/* deleted, kept for its replies */
	bool		 pending;	/* a change of ours not yet confirmed */
};

/* What the replica has not confirmed yet (for the pending marks). */
struct layout_pending {
	uint64_t	 head;		/* ids above it exist only locally */
	const uint64_t	*cards;		/* cards a pending op changes */
	size_t		 ncards;
};

/*
 * The cards of table in display order: each card in creation order, a
 * cluster head followed by its members, a card followed by its replies at
 * any depth (indentation capped), a deleted card that still has replies as
 * a placeholder, other deleted cards left out.  pending may be NULL.
 * Returns the count; *rows is malloc'd (NULL when there are none).
 */
size_t		 layout_rows(const struct model *, uint64_t,
		    const struct layout_pending *, struct layout_row **);

/*
 * The live cards of table ranked for the results: most votes first, then
 * in creation order.  Returns the count; *cards is malloc'd.
 */
size_t		 layout_results(const struct model *, uint64_t, uint64_t **);

/*
 * Columns for n tables side by side in total columns, each at least minw
 * wide, gap columns between them.  Returns how many are shown (at least 1),
 * sets *first so that column current is among them, and widths[0..count).
 */
int		 layout_columns(int, int, int, int, int, int *, int *);

/*
 * The first line to show so that lines [sel, sel + height) are visible in a
 * view of view lines out of total, moving as little as possible from top.
 */
int		 layout_scroll(int, int, int, int, int);

#endif /* CB_LAYOUT_H */
