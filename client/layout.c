/*
 * layout.c -- where things go on the screen, without curses.
 *
 * Widths are the terminal's columns (text_cp_width), so French accents
 * written with combining marks take one column and CJK takes two.  The
 * UI draws what these functions decide; the tests check them directly.
 */
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "text.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------- wrap */

/* A growing array of lines. */
struct layout_lines {
	struct layout_line	*v;
	size_t			 n;
	size_t			 cap;
};

/* Append the line [start, end) of width w. */
static void
layout_emit(struct layout_lines *l, size_t start, size_t end, size_t w)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 4 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n].start = start;
	l->v[l->n].end = end;
	l->v[l->n].width = w;
	l->n++;
}

/* Columns of the character s[off..next). */
static size_t
layout_char_width(const char *s, size_t off, size_t next)
{
	size_t		w = 0, n;
	uint32_t	cp;

	while (off < next) {
		n = text_decode(s + off, next - off, &cp);
		w += (size_t)text_cp_width(cp);
		off += n;
	}
	return w;
}

/* The code point that starts at or ends before byte off of s. */
static uint32_t
layout_cp_at(const char *s, size_t len, size_t off, bool before)
{
	uint32_t	cp = 0;

	if (before) {
		if (off == 0)
			return 0;
		off = text_prev_char(s, off);
	}
	if (off < len)
		text_decode(s + off, len - off, &cp);
	return cp;
}

/*
 * True when the spaces s[i..j) may not break a line: French typography
 * keeps « with the word after it, » and : ; ! ? with the word before.
 */
static bool
layout_glued(const char *s, size_t len, size_t i, size_t j)
{
	uint32_t	a = layout_cp_at(s, len, i, true);
	uint32_t	b = layout_cp_at(s, len, j, false);

	if (a == 0xab || a == 0x2039)
		return true;
	return b == 0xbb || b == 0x203a || b == ':' || b == ';' || b == '!' ||
	    b == '?';
}

/* Wrap s to width columns (see layout.h). */
size_t
layout_wrap(const char *s, size_t width, struct layout_line **out)
{
	struct layout_lines	 l = { NULL, 0, 0 };
	size_t			 len = strlen(s), i = 0, start = 0, w = 0;
	size_t			 next, cw, j;
	size_t			 brk_end = 0, brk_next = 0, brk_w = 0;
	bool			 brk = false, after_nl = false;

	if (width == 0)
		width = 1;
	while (i < len) {
		if (s[i] == '\n') {
			layout_emit(&l, start, i, w);
			start = ++i;
			w = 0;
			brk = false;
			after_nl = true;
			continue;
		}
		after_nl = false;
		/* Spaces break a line unless they glue two words. */
		for (j = i; j < len && s[j] == ' '; j++)
			;
		if (j > i && !layout_glued(s, len, i, j)) {
			if (w + (j - i) <= width) {
				brk = true;
				brk_end = i;
				brk_next = j;
				brk_w = w;
				w += j - i;
				i = j;
				continue;
			}
			/* The spaces reach the edge: break on them. */
			layout_emit(&l, start, i, w);
			start = i = j;
			w = 0;
			brk = false;
			continue;
		}
		next = text_next_char(s, len, i);
		cw = layout_char_width(s, i, next);
		if (w + cw <= width) {
			w += cw;
			i = next;
			continue;
		}
		if (brk && brk_end > start) {
			/* Back to the last space; the word goes down. */
			layout_emit(&l, start, brk_end, brk_w);
			w -= brk_w + (brk_next - brk_end);
			start = brk_next;
			brk = false;
			continue;
		}
		if (w == 0) {
			/* Wider than the whole width: alone on its line. */
			layout_emit(&l, start, next, cw);
			start = i = next;
			continue;
		}
		layout_emit(&l, start, i, w);
		start = i;
		w = 0;
		brk = false;
	}
	if (start < len || l.n == 0 || after_nl)
		layout_emit(&l, start, len, w);
	*out = l.v;
	return l.n;
}

/* Where byte offset off of the wrapped text s is: line and column. */
void
layout_cursor(const char *s, const struct layout_line *lines, size_t n,
    size_t off, size_t *row, size_t *col)
{
	size_t	i, k = 0, end;

	for (i = 0; i < n; i++) {
		if (lines[i].start <= off)
			k = i;
	}
	end = off < lines[k].end ? off : lines[k].end;
	*row = k;
	*col = layout_char_width(s, lines[k].start, end);
}

/* ---------------------------------------------------------------- rows */

/*
 * Per card of the table, while ordering it.  Nodes are numbered in the
 * table (the table's cards in creation order), not in the board, so that
 * a table costs its own cards: links are node index + 1, 0 for none.
 */
struct layout_node {
	size_t		 card;		/* its index in m->cards */
	size_t		 first;		/* first child, 0: none */
	size_t		 last;
	size_t		 next;		/* next sibling */
	size_t		 parent;	/* container, 0: top */
	uint8_t		 kind;
	bool		 shown;
	bool		 head;
	bool		 has_members;
	bool		 done;
};

/* One table being ordered: its nodes and where each card is among them. */
struct layout_table {
	const struct model	*m;
	uint64_t		 table;
	struct layout_node	*nodes;
	size_t			 n;
	uint32_t		*loc;	/* m->cards index -> node (its table's
					   cards only: check the table first) */
};

/* The node of card id when it is on the table, or -1. */
static long
layout_node_of(const struct layout_table *t, uint64_t id)
{
	const struct model_card	*c;

	if (id == 0 || (c = model_card(t->m, id)) == NULL ||
	    c->table != t->table)
		return -1;
	return (long)t->loc[c - t->m->cards];
}

/* True if card id is changed by a pending op. */
static bool
layout_is_pending(const struct layout_pending *p, uint64_t id)
{
	size_t	i;

	if (p == NULL)
		return false;
	if (id > p->head)
		return true;
	for (i = 0; i < p->ncards; i++) {
		if (p->cards[i] == id)
			return true;
	}
	return false;
}

/* The node of the cluster head node i is grouped under, or -1. */
static long
layout_head_of(const struct layout_table *t, size_t i)
{
	const struct model_card	*c = &t->m->cards[t->nodes[i].card], *h;
	long			 k;

	if (c->head == 0 || c->deleted ||
	    (k = layout_node_of(t, c->head)) < 0 || (size_t)k == i)
		return -1;
	h = &t->m->cards[t->nodes[k].card];
	if (h->deleted || h->head != 0)
		return -1;
	return k;
}

/*
 * Where node i hangs: its container's node + 1 (0: top) and kind.  A
 * cluster head with members stands at the top even if it replied to a
 * card, so that grouping a card under one of its own replies makes no loop.
 */
static size_t
layout_container(const struct layout_table *t, size_t i, uint8_t *kind)
{
	const struct model_card	*c = &t->m->cards[t->nodes[i].card];
	long			 k;

	*kind = LAYOUT_TOP;
	if (t->nodes[i].head && t->nodes[i].has_members)
		return 0;
	if ((k = layout_head_of(t, i)) >= 0) {
		*kind = LAYOUT_MEMBER;
		return (size_t)k + 1;
	}
	if (c->parent != 0 && (k = layout_node_of(t, c->parent)) >= 0 &&
	    (size_t)k < i) {
		*kind = LAYOUT_REPLY;
		return (size_t)k + 1;
	}
	return 0;
}

/* Append child c under parent p (lists in creation order). */
static void
layout_link(struct layout_node *nodes, size_t *top_first, size_t *top_last,
    size_t p, size_t c)
{
	size_t	*first, *last;

	if (p == 0) {
		first = top_first;
		last = top_last;
	} else {
		first = &nodes[p - 1].first;
		last = &nodes[p - 1].last;
	}
	if (*last == 0)
		*first = c + 1;
	else
		nodes[*last - 1].next = c + 1;
	*last = c + 1;
}

/* The cards being put in display order, and the stack of the walk. */
struct layout_walk {
	const struct model		*m;
	struct layout_node		*nodes;
	size_t				 nnodes;
	const struct layout_pending	*pend;
	size_t				*stack;		/* node index + 1 */
	size_t				*depth;
	size_t				 sp;
	struct layout_row		*rows;
	size_t				 nrows;
};

/*
 * Emit every card reachable from the stack, depth first: a card, then
 * its children, then its next sibling.  flat: the cards on the stack are
 * orphans of a corrupt chain, emitted at the top without their siblings.
 */
static void
layout_walk(struct layout_walk *w, bool flat)
{
	const struct model_card	*c;
	struct layout_node	*n;
	struct layout_row	*r;
	size_t			 i, k;

	while (w->sp > 0) {
		w->sp--;
		i = w->stack[w->sp] - 1;
		k = w->depth[w->sp];
		n = &w->nodes[i];
		if (n->done)
			continue;
		n->done = true;
		c = &w->m->cards[n->card];
		r = &w->rows[w->nrows++];
		r->card = c->id;
		r->depth = (unsigned)(k < LAYOUT_DEPTH_MAX ? k :
		    LAYOUT_DEPTH_MAX);
		r->kind = flat ? LAYOUT_TOP : n->kind;
		r->head = n->head;
		r->placeholder = c->deleted;
		r->pending = layout_is_pending(w->pend, c->id);
		/* Each node pushes at most two entries: the stack fits. */
		if (n->next != 0 && !flat) {
			w->stack[w->sp] = n->next;
			w->depth[w->sp++] = k;
		}
		if (n->first != 0) {
			w->stack[w->sp] = n->first;
			w->depth[w->sp++] = k + 1;
		}
	}
}

/*
 * Cards a corrupt chain left unreachable still show, at the top, in
 * creation order: pushed newest first so that they pop oldest first.
 */
static void
layout_walk_orphans(struct layout_walk *w)
{
	size_t	i;

	for (i = w->nnodes; i-- > 0 && w->sp < w->nnodes; ) {
		if (w->nodes[i].shown && !w->nodes[i].done) {
			w->nodes[i].first = 0;
			w->stack[w->sp] = i + 1;
			w->depth[w->sp++] = 0;
		}
	}
	layout_walk(w, true);
}

/*
 * The cards of table in display order (see layout.h).  One pass over the
 * board finds the table's cards; the rest works on them alone, so that a
 * table costs its own cards, not the board's.
 */
size_t
layout_rows(const struct model *m, uint64_t table,
    const struct layout_pending *pend, struct layout_row **out)
{
	struct layout_table	 t;
	struct layout_node	*nodes;
	struct layout_walk	 w;
	size_t			 i, k, n = 0, top_first = 0, top_last = 0;
	long			 h;

	*out = NULL;
	for (i = 0; i < m->ncards; i++)
		if (m->cards[i].table == table)
			n++;
	if (n == 0)
		return 0;
	memset(&t, 0, sizeof t);
	t.m = m;
	t.table = table;
	t.n = n;
	t.nodes = nodes = xcalloc(n, sizeof *nodes);
	t.loc = xreallocarray(NULL, m->ncards, sizeof *t.loc);
	for (i = 0, k = 0; i < m->ncards; i++) {
		if (m->cards[i].table != table)
			continue;
		t.loc[i] = (uint32_t)k;
		nodes[k].card = i;
		nodes[k].shown = !m->cards[i].deleted;
		if (m->cards[i].title != NULL && m->cards[i].title[0] != '\0')
			nodes[k].head = true;
		k++;
	}
	for (i = 0; i < n; i++) {
		if ((h = layout_head_of(&t, i)) >= 0)
			nodes[h].head = nodes[h].has_members = true;
	}
	/*
	 * Replies come after the card they build on, so one pass from the
	 * newest card keeps a deleted card that still has a reply shown.
	 */
	for (i = n; i-- > 0; ) {
		nodes[i].parent = layout_container(&t, i, &nodes[i].kind);
		if (nodes[i].shown && nodes[i].parent != 0)
			nodes[nodes[i].parent - 1].shown = true;
	}
	/*
	 * Replies first, then members, each in creation order: a reply to
	 * a cluster's head is drawn right under the head, not after its
	 * members, where it would seem to answer the last of them.
	 */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n; i++) {
			if (!nodes[i].shown || nodes[i].parent == 0)
				continue;
			if ((nodes[i].kind == LAYOUT_REPLY) != (k == 0))
				continue;
			layout_link(nodes, &top_first, &top_last,
			    nodes[i].parent, i);
		}
	}
	for (i = 0; i < n; i++) {
		if (nodes[i].shown && nodes[i].parent == 0)
			layout_link(nodes, &top_first, &top_last, 0, i);
	}

	memset(&w, 0, sizeof w);
	w.m = m;
	w.nodes = nodes;
	w.nnodes = n;
	w.pend = pend;
	w.stack = xreallocarray(NULL, n + 1, sizeof *w.stack);
	w.depth = xreallocarray(NULL, n + 1, sizeof *w.depth);
	w.rows = xreallocarray(NULL, n, sizeof *w.rows);
	if (top_first != 0) {
		w.stack[w.sp] = top_first;
		w.depth[w.sp++] = 0;
	}
	layout_walk(&w, false);
	layout_walk_orphans(&w);
	free(w.stack);
	free(w.depth);
	free(t.loc);
	free(nodes);
	if (w.nrows == 0) {
		free(w.rows);
		w.rows = NULL;
	}
	*out = w.rows;
	return w.nrows;
}

/* ---------------------------------------------------------------- results */

/* qsort order for the results: most votes first, then oldest. */
static int
layout_cmp_votes(const void *a, const void *b)
{
	const struct model_card	*x = *(const struct model_card *const *)a;
	const struct model_card	*y = *(const struct model_card *const *)b;

	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The live cards of table ranked for the results. */
size_t
layout_results(const struct model *m, uint64_t table, uint64_t **out)
{
	const struct model_card	**v;
	uint64_t		 *ids;
	size_t			  i, n = 0;

	v = xreallocarray(NULL, m->ncards + 1, sizeof *v);
	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].table == table && !m->cards[i].deleted)
			v[n++] = &m->cards[i];
	}
	qsort(v, n, sizeof *v, layout_cmp_votes);
	ids = xreallocarray(NULL, n + 1, sizeof *ids);
	for (i = 0; i < n; i++)
		ids[i] = v[i]->id;
	free(v);
	*out = ids;
	return n;
}

/* ---------------------------------------------------------------- columns */

/* Columns for n tables side by side (see layout.h). */
int
layout_columns(int total, int n, int minw, int gap, int current, int *first,
    int *widths)
{
	int	count, i, w, extra;

	if (n < 1)
		n = 1;
	if (minw < 1)
		minw = 1;
	if (gap < 0)
		gap = 0;
	count = (total + gap) / (minw + gap);
	if (count < 1)
		count = 1;
	if (count > n)
		count = n;
	if (current < 0)
		current = 0;
	if (current >= n)
		current = n - 1;
	if (*first > current)
		*first = current;
	if (*first + count <= current)
		*first = current - count + 1;
	if (*first + count > n)
		*first = n - count;
	if (*first < 0)
		*first = 0;
	w = (total - gap * (count - 1)) / count;
	extra = total - gap * (count - 1) - w * count;
	for (i = 0; i < count; i++)
		widths[i] = w + (i < extra ? 1 : 0);
	return count;
}

/* ---------------------------------------------------------------- scroll */

/* The first line to show so that the selection is visible (see layout.h). */
int
layout_scroll(int top, int sel, int height, int view, int total)
{
	if (view < 1)
		view = 1;
	if (height < 1)
		height = 1;
	if (sel + height > top + view)
		top = sel + height - view;
	if (sel < top || height > view)
		top = sel;
	if (top > total - view)
		top = total - view;
	if (top < 0)
		top = 0;
	/* A tall selection still starts on screen. */
	if (sel < top)
		top = sel;
	return top;
}
