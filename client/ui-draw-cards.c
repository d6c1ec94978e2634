/*
 * ui-draw-cards.c -- the board view: each table's label, question and
 * cards, one table at a time or several side by side.
 *
 * A card is laid out as a block (its text wrapped to the column, its
 * author, its marks at the right) before it is drawn, and the movement
 * keys walk the same blocks (ui_draw_cards_order), so that a page down
 * moves by what the screen shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "i18n.h"
#include "layout.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* One card of a table as it is laid out for drawing. */
struct ui_block {
	uint64_t		 card;
	struct layout_row	 row;
	char			*text;		/* sanitised, then suffix */
	size_t			 text_len;	/* bytes before the suffix */
	char			*title;		/* sanitised cluster title */
	char			*heading;	/* ext: the section it opens */
	struct layout_line	*lines;
	size_t			 nlines;
	char			 right[64];	/* marks at the right edge */
	int			 right_w;
	char			 num[16];	/* "12.": its number, as in
						   --plain */
	int			 num_w;		/* its columns and a space */
	int			 indent;
	int			 wrap_w;
	int			 start;		/* first line in the list */
	int			 height;
	bool			 faint;		/* placeholder or private */
	bool			 kept;		/* its strings are the cache's */
};

/* The author's first name, or NULL when hidden or unknown. */
const char *
ui_draw_cards_author(const struct model *m, uint32_t author)
{
	const struct model_participant	*p;

	if (author == 0 || (p = model_participant(m, author)) == NULL)
		return NULL;
	return p->name;
}

/* ", Karim, Zoé": the co-authors a merge gave card c ("" for none). */
static char *
ui_draw_cards_coauthors(const struct model *m, const struct model_card *c)
{
	const char	*who;
	char		*s = xstrdup(""), *t;
	size_t		 i, j;

	for (i = 0; i < c->ncoauthors; i++) {
		for (j = 0; j < i; j++)
			if (c->coauthors[j].a == c->coauthors[i].a)
				break;
		if (j < i || c->coauthors[i].a == c->author ||
		    (who = ui_draw_cards_author(m,
		    (uint32_t)c->coauthors[i].a)) == NULL)
			continue;
		xasprintf(&t, "%s, %s", s, who);
		free(s);
		s = t;
	}
	return s;
}

/* True when the vote totals may be drawn for this user. */
bool
ui_draw_cards_totals(struct ui *ui, const struct model *m)
{
	return m->phase >= PHASE_VOTE && ui_results_allowed(ui);
}

/*
 * Every card's number on its table (model_card_number), by its index in
 * m->cards, counted in one pass: a redraw numbers thousands of cards.
 */
uint32_t *
ui_draw_cards_numbers(const struct model *m)
{
	uint32_t	*num, *seen;
	size_t		 i;
	int		 t;

	num = xreallocarray(NULL, m->ncards + 1, sizeof *num);
	seen = xcalloc(m->ntables + 1, sizeof *seen);
	for (i = 0; i < m->ncards; i++) {
		t = model_table_index(m, m->cards[i].table);
		num[i] = t >= 0 ? ++seen[t] : model_card_number(m,
		    m->cards[i].id);
	}
	free(seen);
	return num;
}

/* Append s to the marks of b (what does not fit is left out). */
static void
ui_block_mark(struct ui_block *b, size_t *o, const char *s)
{
	size_t	len = strlen(s);

	if (*o + len < sizeof b->right) {
		memcpy(b->right + *o, s, len);
		*o += len;
	}
}

/* The marks at the right of a card: pending, kept, dots. */
static void
ui_block_right(struct ui *ui, const struct model *m,
    const struct model_card *c, struct ui_block *b)
{
	uint32_t	mine = 0, i;
	size_t		o = 0;
	char		num[16], marks[40];

	if (b->row.pending)
		ui_block_mark(b, &o, ui_draw_glyph(ui, "\xe2\x80\xa6", "~"));
	if (c->kept && !c->deleted)
		ui_block_mark(b, &o, ui_draw_glyph(ui, "\xe2\x98\x85", "*"));
	if (ui->net.replica.me != 0 && !c->deleted)
		mine = model_votes_of(m, ui->net.replica.me, c->id);
	if (mine > 0 && o > 0)
		ui_block_mark(b, &o, " ");
	for (i = 0; i < mine && i < 5; i++)
		ui_block_mark(b, &o, ui_draw_glyph(ui, "\xe2\x97\x8f", "o"));
	if (mine > 5)
		ui_block_mark(b, &o, "+");
	if (ui_draw_cards_totals(ui, m) && !c->deleted && c->votes > 0) {
		snprintf(num, sizeof num, "%s(%u)", o > 0 ? " " : "", c->votes);
		ui_block_mark(b, &o, num);
	}
	/* Reactions: " +2 ?1 !3" (the leading space only after a mark). */
	ui_day_marks(m, c, marks, sizeof marks);
	if (marks[0] != '\0')
		ui_block_mark(b, &o, o > 0 ? marks : marks + 1);
	/* ext: my scores while the evaluation is open, then the total. */
	ui_deliver_marks(ui, m, c, num, sizeof num);
	if (num[0] != '\0') {
		if (o > 0)
			ui_block_mark(b, &o, " ");
		ui_block_mark(b, &o, num);
	}
	b->right[o] = '\0';
	b->right_w = (int)text_width(b->right);
}

/*
 * Wrap a card's text and its author suffix (from byte tl on): the suffix
 * wraps as one word with the text's last word, so that "— Zoé" is never
 * alone on a line nor split from its dash.  The lines index text itself.
 */
static size_t
ui_block_wrap(const char *text, size_t tl, int w, struct layout_line **out)
{
	char	*glued = xstrdup(text);
	size_t	 i, n;

	for (i = tl; glued[i] != '\0'; i++) {
		if (glued[i] == ' ')
			glued[i] = '_';
	}
	n = layout_wrap(glued, (size_t)w, out);
	free(glued);
	return n;
}

/* Lay out one card (number n) at width w: text, suffix, marks, lines. */
static void
ui_block_make(struct ui *ui, const struct model *m,
    const struct layout_row *row, uint32_t n, int w, struct ui_block *b)
{
	const struct model_card	*c = model_card(m, row->card);
	const char		*who;
	char			*t, *suffix = NULL, *raw, *who_s;
	size_t			 tl;

	memset(b, 0, sizeof *b);
	b->card = row->card;
	b->row = *row;
	ui_block_right(ui, m, c, b);
	if (row->placeholder) {
		t = text_sanitize(_("(deleted)"), ui->ascii, false);
		b->faint = true;
	} else if (c->hidden && c->text[0] == '\0') {
		t = text_sanitize(_("(private until the facilitator reveals "
		    "it)"), ui->ascii, false);
		b->faint = true;
	} else {
		t = text_sanitize(c->text, ui->ascii, true);
		if ((who = ui_draw_cards_author(m, c->author)) != NULL) {
			char	*co = ui_draw_cards_coauthors(m, c);

			xasprintf(&raw, " \xe2\x80\x94 %s%s%s", who, co,
			    c->hidden ? _(" (private)") : "");
			free(co);
			suffix = text_sanitize(raw, ui->ascii, false);
			free(raw);
		}
		/* ext: an action's owner and due day. */
		if ((raw = ui_deliver_suffix(ui, c)) != NULL) {
			xasprintf(&who_s, "%s%s", suffix != NULL ? suffix : "",
			    raw);
			free(raw);
			free(suffix);
			suffix = who_s;
		}
	}
	tl = strlen(t);
	if (suffix != NULL) {
		t = xrealloc(t, tl + strlen(suffix) + 1);
		memcpy(t + tl, suffix, strlen(suffix) + 1);
		free(suffix);
	}
	b->text = t;
	b->text_len = tl;
	if (row->head && c->title != NULL && c->title[0] != '\0')
		b->title = text_sanitize(c->title, ui->ascii, false);
	/* The number people call it by; its lines hang after it. */
	snprintf(b->num, sizeof b->num, "%u.", n);
	b->num_w = (int)strlen(b->num) + 1;
	b->indent = 2 * (int)row->depth;
	b->wrap_w = w - b->indent - 2 - b->num_w - (b->right_w > 0 ?
	    b->right_w + 1 : 0);
	if (b->wrap_w < 8) {
		b->indent = 0;
		b->wrap_w = w - 2 - b->num_w - (b->right_w > 0 ?
		    b->right_w + 1 : 0);
		if (b->wrap_w < 4)
			b->wrap_w = 4;
	}
	b->nlines = ui_block_wrap(b->text, b->text_len, b->wrap_w, &b->lines);
	b->height = (int)b->nlines + (b->title != NULL ? 1 : 0);
}

/*
 * The cards laid out at earlier draws, kept while the replica says they
 * have not changed (its epoch and the card's stamp) and the layout's other
 * inputs are the same: a remote event then costs the cards it changed and
 * a pass over the table's rows, not a wrap of every card of the board.
 */
struct ui_bcache_key {
	struct layout_row	 row;
	uint32_t		 num;
	uint32_t		 stamp;		/* replica_card_stamp */
	uint32_t		 me;
	int			 w;
	bool			 ascii;
	bool			 totals;	/* ui_draw_cards_totals */
	bool			 fac;		/* ui_is_facilitator */
};

/* One kept card. */
struct ui_bcache_entry {
	struct ui_bcache_key	 key;
	struct ui_block		 b;		/* heading and start aside */
};

/*
 * One table laid out whole, kept while none of its cards changed (the
 * replica's stamp of the table) under the same inputs: a redraw that
 * changes nothing in it costs nothing to lay out.  It owns the array and
 * the headings; the cards' strings are the entries'.
 */
struct ui_tcache {
	uint64_t		 table;
	struct ui_bcache_key	 key;		/* row, num unused */
	struct ui_block		*b;
	size_t			 n;
	int			 total;
};

/* The kept cards of one model in one epoch. */
struct ui_bcache {
	const struct model	*m;
	uint64_t		 epoch;
	struct idmap		 idx;		/* card -> entries index */
	struct ui_bcache_entry	*v;
	size_t			 n;
	size_t			 cap;		/* of v */
	struct ui_tcache	*t;		/* the tables laid out */
	size_t			 nt;
};

/* Drop table cache t (the blocks' strings stay with the entries). */
static void
ui_tcache_drop(struct ui_tcache *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->b[i].heading);
	free(t->b);
	t->b = NULL;
	t->n = 0;
}

/* Forget every kept card. */
static void
ui_bcache_clear(struct ui_bcache *bc)
{
	size_t	i;

	for (i = 0; i < bc->nt; i++)
		ui_tcache_drop(&bc->t[i]);
	free(bc->t);
	bc->t = NULL;
	bc->nt = 0;
	for (i = 0; i < bc->n; i++) {
		free(bc->v[i].b.text);
		free(bc->v[i].b.title);
		free(bc->v[i].b.lines);
	}
	bc->n = 0;		/* v's room stays for the next epoch */
	idmap_clear(&bc->idx);
}

/* The slot of table in bc (made empty on first use). */
static struct ui_tcache *
ui_tcache_slot(struct ui_bcache *bc, uint64_t table)
{
	size_t	i;

	for (i = 0; i < bc->nt; i++)
		if (bc->t[i].table == table)
			return &bc->t[i];
	bc->t = xreallocarray(bc->t, bc->nt + 1, sizeof *bc->t);
	memset(&bc->t[bc->nt], 0, sizeof bc->t[bc->nt]);
	bc->t[bc->nt].table = table;
	return &bc->t[bc->nt++];
}

/* True if a and b have the same stamp and drawing inputs (not the row). */
static bool
ui_bcache_inputs_same(const struct ui_bcache_key *a,
    const struct ui_bcache_key *b)
{
	return a->stamp == b->stamp && a->me == b->me && a->w == b->w &&
	    a->ascii == b->ascii && a->totals == b->totals && a->fac == b->fac;
}

/* True if the kept layout t was made under key k. */
static bool
ui_tcache_fits(const struct ui_tcache *t, const struct ui_bcache_key *k)
{
	return t->b != NULL && ui_bcache_inputs_same(&t->key, k);
}

/* Release the cache of kept cards. */
void
ui_draw_cards_forget(struct ui *ui)
{
	if (ui->bcache == NULL)
		return;
	ui_bcache_clear(ui->bcache);
	idmap_free(&ui->bcache->idx);
	free(ui->bcache->v);
	free(ui->bcache);
	ui->bcache = NULL;
}

/* Free the blocks of a table (the kept ones stay in the cache). */
static void
ui_blocks_free(struct ui *ui, struct ui_block *b, size_t n)
{
	size_t	i;

	if (ui->bcache != NULL)
		for (i = 0; i < ui->bcache->nt; i++)
			if (ui->bcache->t[i].b == b)
				return;
	for (i = 0; i < n; i++) {
		free(b[i].heading);
		if (b[i].kept)
			continue;
		free(b[i].text);
		free(b[i].title);
		free(b[i].lines);
	}
	free(b);
}

/*
 * The cache for m, emptied if m or its epoch changed; NULL when m is not
 * the confirmed model (a prediction is a fresh clone each time).
 */
static struct ui_bcache *
ui_bcache_for(struct ui *ui, const struct model *m)
{
	struct replica		*r = &ui->net.replica;
	struct ui_bcache	*bc;

	if (!ui->net_ready || m != r->confirmed)
		return NULL;
	if ((bc = ui->bcache) == NULL) {
		bc = ui->bcache = xcalloc(1, sizeof *bc);
		idmap_init(&bc->idx);
	}
	if (bc->m != m || bc->epoch != r->epoch) {
		ui_bcache_clear(bc);
		bc->m = m;
		bc->epoch = r->epoch;
	}
	return bc;
}

/* The kept layout of card under key k, or NULL. */
static const struct ui_block *
ui_bcache_get(struct ui_bcache *bc, uint64_t card,
    const struct ui_bcache_key *k)
{
	const struct ui_bcache_key	*e;
	uint32_t			 i;

	if (bc == NULL || !idmap_get(&bc->idx, card, &i))
		return NULL;
	e = &bc->v[i].key;
	if (e->row.card != k->row.card || e->row.depth != k->row.depth ||
	    e->row.kind != k->row.kind || e->row.head != k->row.head ||
	    e->row.placeholder != k->row.placeholder ||
	    e->row.pending != k->row.pending || e->num != k->num ||
	    !ui_bcache_inputs_same(e, k))
		return NULL;
	return &bc->v[i].b;
}

/* Keep block b of card under key k (the cache owns its strings now). */
static void
ui_bcache_put(struct ui_bcache *bc, uint64_t card,
    const struct ui_bcache_key *k, struct ui_block *b)
{
	struct ui_bcache_entry	*e;
	uint32_t		 i;

	if (idmap_get(&bc->idx, card, &i)) {
		e = &bc->v[i];
		free(e->b.text);
		free(e->b.title);
		free(e->b.lines);
	} else {
		if (bc->n == bc->cap) {
			bc->cap = bc->cap == 0 ? 64 : 2 * bc->cap;
			bc->v = xreallocarray(bc->v, bc->cap, sizeof *bc->v);
		}
		i = (uint32_t)bc->n++;
		idmap_put(&bc->idx, card, i);
		e = &bc->v[i];
	}
	e->key = *k;
	e->b = *b;
	e->b.heading = NULL;
	e->b.start = 0;
	b->kept = true;
}

/*
 * Each card's number on table (model_card_number), by its index in
 * m->cards; only the table's cards are set.
 */
static uint32_t *
ui_table_numbers(const struct model *m, uint64_t table)
{
	uint32_t	*num, seen = 0;
	size_t		 i;

	num = xreallocarray(NULL, m->ncards + 1, sizeof *num);
	if (model_table_index(m, table) < 0) {
		for (i = 0; i < m->ncards; i++)
			if (m->cards[i].table == table)
				num[i] = model_card_number(m, m->cards[i].id);
		return num;
	}
	for (i = 0; i < m->ncards; i++)
		if (m->cards[i].table == table)
			num[i] = ++seen;
	return num;
}

/* Lay out every card of table at width w; returns the count. */
static size_t
ui_blocks(struct ui *ui, const struct model *m, uint64_t table, int w,
    struct ui_block **out, int *total)
{
	struct layout_pending	 p;
	struct layout_row	*rows;
	struct ui_block		*b;
	const struct ui_block	*kept;
	struct ui_bcache	*bc = ui_bcache_for(ui, m);
	struct ui_bcache_key	 key;
	struct ui_tcache	*t;
	const struct model_card	*c;
	uint64_t		*cards;
	uint32_t		*num;
	size_t			 n, i;
	uint32_t		 section = 0;
	int			 line = 0;

	memset(&key, 0, sizeof key);
	key.me = ui->net.replica.me;
	key.w = w;
	key.ascii = ui->ascii;
	key.totals = ui_draw_cards_totals(ui, m);
	key.fac = ui_is_facilitator(ui);
	if (bc != NULL) {
		key.stamp = replica_table_stamp(&ui->net.replica, table);
		t = ui_tcache_slot(bc, table);
		if (ui_tcache_fits(t, &key)) {
			*out = t->b;
			*total = t->total;
			return t->n;
		}
		ui_tcache_drop(t);
		t->key = key;
	}
	p.head = ui->net.replica.confirmed->head;
	p.ncards = replica_pending_cards(&ui->net.replica, &cards);
	p.cards = cards;
	n = layout_rows(m, table, &p, &rows);
	free(cards);
	/* ext: a canvas's sections as blocks after the other cards. */
	ui_deliver_rows(m, table, rows, n);
	b = xreallocarray(NULL, n + 1, sizeof *b);
	num = ui_table_numbers(m, table);
	for (i = 0; i < n; i++) {
		c = model_card(m, rows[i].card);
		key.row = rows[i];
		key.num = num[c - m->cards];
		key.stamp = bc != NULL ? replica_card_stamp(&ui->net.replica,
		    rows[i].card) : 0;
		if ((kept = ui_bcache_get(bc, rows[i].card, &key)) != NULL)
			b[i] = *kept;
		else {
			ui_block_make(ui, m, &rows[i], key.num, w, &b[i]);
			if (bc != NULL)
				ui_bcache_put(bc, rows[i].card, &key, &b[i]);
		}
		b[i].kept = bc != NULL;
		b[i].heading = ui_deliver_heading(ui, m, c, section);
		if (c != NULL)
			section = c->section;
		if (b[i].heading != NULL)
			b[i].height++;
		b[i].start = line;
		line += b[i].height;
	}
	free(num);
	free(rows);
	if (bc != NULL) {
		/* A slot found above; the table's blocks are kept whole. */
		t = ui_tcache_slot(bc, table);
		t->b = b;
		t->n = n;
		t->total = line;
	}
	*out = b;
	*total = line;
	return n;
}

/* Line k of a card block at y, x in a column w wide. */
static void
ui_draw_block_line(struct ui *ui, const struct ui_block *b, int k, int y,
    int x, int w, bool selected)
{
	const struct layout_line	*l;
	int				 base = selected ? (int)A_REVERSE : 0;
	int				 tattr = base, sattr,
	    x0 = x + b->indent, tx;
	int				 used;
	const char			*mark;
	size_t				 split;

	/* ext: the section this card opens, above it, never selected. */
	if (b->heading != NULL) {
		if (k == 0) {
			ui_draw_text(ui, y, x, 2, ui_draw_glyph(ui,
			    "\xc2\xa7", "$"), A_BOLD);
			ui_draw_put(ui, y, x + 2, w - 2, b->heading,
			    strlen(b->heading), ui_draw_attr(ui, UI_S_TITLE));
			return;
		}
		k--;
	}
	if (selected)
		ui_draw_fill(y, x, w, A_REVERSE);
	if (b->faint)
		tattr |= A_DIM;
	if (ui->search != NULL && ui_search_hit(ui, b->card))
		tattr |= ui_draw_attr(ui, UI_S_MATCH);
	if (b->card == ui->group_card && ui->modal == UI_MODAL_GROUP)
		tattr |= A_BOLD | A_UNDERLINE;
	sattr = base | A_DIM;
	if (b->title != NULL) {
		if (k == 0) {
			ui_draw_text(ui, y, x0, 2, ui_draw_glyph(ui,
			    "\xe2\x97\x86", "#"), base | A_BOLD);
			ui_draw_put(ui, y, x0 + 2, w - b->indent - 2, b->title,
			    strlen(b->title), base | ui_draw_attr(ui,
			    UI_S_TITLE));
			return;
		}
		k--;
	}
	if (k == 0) {
		/*
		 * The selected card's mark is the selection marker, where
		 * the cursor sits; in ASCII nothing else is ">".
		 */
		if (selected)
			mark = NULL;
		else if (b->card == ui->group_card &&
		    ui->modal == UI_MODAL_GROUP)
			mark = ui_draw_glyph(ui, "\xe2\x87\x92", "=");
		else if (b->row.placeholder)
			mark = ui_draw_glyph(ui, "\xc3\x97", "x");
		else if (b->row.head && b->title == NULL)
			mark = ui_draw_glyph(ui, "\xe2\x97\x86", "#");
		else if (b->row.head)
			mark = " ";
		else if (b->row.kind == LAYOUT_REPLY)
			mark = ui_draw_glyph(ui, "\xe2\x86\xb3", "\\");
		else if (b->row.kind == LAYOUT_MEMBER)
			/* Not "-": in ASCII the author's dash is one. */
			mark = ui_draw_glyph(ui, "\xe2\x97\xa6", "+");
		else
			mark = ui_draw_glyph(ui, "\xe2\x80\xa2", "*");
		if (mark == NULL)
			ui_draw_marker(ui, y, x0, base);
		else
			ui_draw_text(ui, y, x0, 1, mark, base |
			    (b->row.placeholder ? A_DIM : A_BOLD));
		ui_draw_put(ui, y, x0 + 2, b->num_w, b->num, strlen(b->num),
		    base | A_DIM);
		/* The pending mark is faint; dots and stars stand out. */
		if (b->right_w > 0 && b->row.pending) {
			mark = ui_draw_glyph(ui, "\xe2\x80\xa6", "~");
			used = ui_draw_put(ui, y, x + w - b->right_w, 1, mark,
			    strlen(mark), base | A_DIM);
			ui_draw_put(ui, y, x + w - b->right_w + used,
			    b->right_w - used, b->right + strlen(mark),
			    strlen(b->right) - strlen(mark), base |
			    ui_draw_attr(ui, UI_S_DOTS));
		} else if (b->right_w > 0)
			ui_draw_put(ui, y, x + w - b->right_w, b->right_w,
			    b->right, strlen(b->right), base | ui_draw_attr(ui,
			    UI_S_DOTS));
	}
	if ((size_t)k >= b->nlines)
		return;
	l = &b->lines[k];
	split = l->end < b->text_len ? l->end : b->text_len;
	used = 0;
	tx = x0 + 2 + b->num_w;
	if (split > l->start)
		used = ui_draw_put(ui, y, tx, b->wrap_w, b->text + l->start,
		    split - l->start, tattr);
	if (l->end > split)
		ui_draw_put(ui, y, tx + used, b->wrap_w - used,
		    b->text + (split > l->start ? split : l->start),
		    l->end - (split > l->start ? split : l->start), sattr);
}

/* Which block is selected on tab: keep the id, else the same row. */
static int
ui_block_select(struct ui_tab *tab, const struct ui_block *b, size_t n)
{
	size_t	i;

	if (n == 0) {
		tab->sel = 0;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (b[i].card == tab->sel)
			break;
	}
	if (i == n)
		i = tab->sel_row < n ? tab->sel_row : n - 1;
	tab->sel = b[i].card;
	tab->sel_row = i;
	return (int)i;
}

/*
 * Lines the question of a table takes at width w in a column h high: two
 * or three, but the whole question of the selected table when half the
 * column leaves room for its cards.
 */
static int
ui_question_lines(struct ui *ui, const struct model_table *t, int w, int h,
    bool current)
{
	struct layout_line	*l;
	char			*q;
	size_t			 n;
	int			 max = h > 12 ? 3 : 2;

	if (current && (h - 2) / 2 > max)
		max = (h - 2) / 2;

	q = text_sanitize(t->question, ui->ascii, false);
	n = layout_wrap(q, (size_t)w, &l);
	free(l);
	free(q);
	return (int)n < max ? (int)n : max;
}

/* One table in a column: label, question, cards. */
static void
ui_draw_column(struct ui *ui, const struct model *m, uint64_t table, int y,
    int x, int w, int h, bool current, bool side)
{
	const struct model_table	*t = model_table(m, table);
	struct layout_line		*l;
	struct ui_block			*b;
	struct ui_tab			*tab = ui_tab(ui, table);
	char				 label[256], *q;
	size_t				 n, i, nq;
	int				 total, qn, list_y, list_h, sel, line;
	int				 k, attr, lw;

	/* The label line: which table, whose seat, the theme. */
	attr = current && side ? (int)(A_BOLD | A_REVERSE) : (int)A_BOLD;
	if (current && side)
		ui_draw_fill(y, x, w, attr);
	ui_day_table_label(ui, m, table, label, sizeof label);
	lw = ui_draw_text(ui, y, x, w, label, attr);
	/* The focus, until a selected card takes it: the table itself. */
	if (current)
		ui_draw_spot(ui, y, x);
	if (table == ui->seat_seen)
		lw += ui_draw_text(ui, y, x + lw, w - lw, _(" (your table)"),
		    attr);
	else if (current && ui->browsing)
		lw += ui_draw_text(ui, y, x + lw, w - lw, _(" (visiting)"),
		    attr);
	if (t->theme != NULL && t->theme[0] != '\0' &&
	    t->kind != TABLE_LABEL) {
		lw += ui_draw_text(ui, y, x + lw, w - lw, ui_draw_glyph(ui,
		    " \xc2\xb7 ", " - "), attr);
		ui_draw_text_cut(ui, y, x + lw, w - lw, t->theme, attr | A_DIM);
	}
	/* The question. */
	qn = ui_question_lines(ui, t, w, h, current);
	q = text_sanitize(t->question, ui->ascii, false);
	nq = layout_wrap(q, (size_t)w, &l);
	for (i = 0; i < (size_t)qn; i++) {
		if (i + 1 == (size_t)qn && nq > (size_t)qn) {
			char *rest = xstrndup(q + l[i].start,
			    strlen(q) - l[i].start);

			ui_draw_text_cut(ui, y + 1 + (int)i, x, w, rest,
			    ui_draw_attr(ui, UI_S_QUESTION));
			free(rest);
		} else
			ui_draw_put(ui, y + 1 + (int)i, x, w, q + l[i].start,
			    l[i].end - l[i].start, ui_draw_attr(ui,
			    UI_S_QUESTION));
	}
	free(l);
	free(q);
	list_y = y + 1 + qn;
	list_h = h - 1 - qn;
	if (list_h < 1)
		return;

	n = ui_blocks(ui, m, table, w, &b, &total);
	sel = ui_block_select(tab, b, n);
	if (current) {
		ui->cur_col_w = w;
		ui->cur_list_h = list_h;
	}
	if (n == 0) {
		ui_blocks_free(ui, b, n);
		q = text_sanitize(m->phase == PHASE_IDEAS ? _("No idea yet: "
		    "press a to add one.") : _("No idea on this table."),
		    ui->ascii, false);
		nq = layout_wrap(q, (size_t)(w > 4 ? w - 2 : 2), &l);
		for (i = 0; i < nq && (int)i + 1 < list_h; i++)
			ui_draw_put(ui, list_y + 1 + (int)i, x + 2, w - 2,
			    q + l[i].start, l[i].end - l[i].start, A_DIM);
		free(l);
		free(q);
		return;
	}
	tab->top = layout_scroll(tab->top, b[sel].start, b[sel].height,
	    list_h, total);
	for (i = 0; i < n; i++) {
		for (k = 0; k < b[i].height; k++) {
			line = b[i].start + k - tab->top;
			if (line < 0 || line >= list_h)
				continue;
			/* Its first line shown, until its marker shows. */
			if (current && (int)i == sel && line ==
			    (b[i].start > tab->top ? b[i].start - tab->top : 0))
				ui_draw_spot(ui, list_y + line, x +
				    b[i].indent);
			ui_draw_block_line(ui, &b[i], k, list_y + line, x, w,
			    current && (int)i == sel);
		}
	}
	/* Say that there is more, above or below. */
	if (tab->top > 0)
		ui_draw_text(ui, list_y, x + w - 1, 1, ui_draw_glyph(ui,
		    "\xe2\x86\x91", "^"), A_BOLD);
	if (total - tab->top > list_h)
		ui_draw_text(ui, list_y + list_h - 1, x + w - 1, 1,
		    ui_draw_glyph(ui, "\xe2\x86\x93", "v"), A_BOLD);
	ui_blocks_free(ui, b, n);
}

/* The board view: one table, or the tables side by side. */
void
ui_draw_cards(struct ui *ui, const struct model *m, int y, int h)
{
	int		*widths, first, count, i, x, cur, side, r;
	const char	*sep;
	uint64_t	*vis;
	size_t		 nv;

	if (!ui->net_ready || ui->net.replica.me == 0 ||
	    ui->net.state == NET_CATCHUP) {
		if (m->ntables == 0) {
			ui_draw_text(ui, y + 1, 2, COLS - 4, _("Joining the "
			    "board..."), A_DIM);
			ui_draw_spot(ui, y + 1, 2);
			return;
		}
	}
	if (m->ntables == 0) {
		ui_draw_text(ui, y + 1, 2, COLS - 4, _("There is no table "
		    "yet: the facilitator opens them."), A_DIM);
		ui_draw_spot(ui, y + 1, 2);
		if (ui_is_facilitator(ui))
			ui_draw_text(ui, y + 2, 2, COLS - 4,
			    _("Press : then n to add a table."), A_DIM);
		return;
	}
	sep = ui_draw_glyph(ui, "\xe2\x94\x82", "|");
	/* The columns: the tables on the board (not the groups that ended). */
	nv = ui_day_tables(m, &vis);
	for (cur = 0; cur < (int)nv && vis[cur] != ui->table; cur++)
		;
	if (cur == (int)nv)
		cur = 0;
	side = ui->wide && nv > 1 && COLS >= 2 * UI_COL_MIN + 3;
	if (!side) {
		ui->col_first = cur;
		ui_draw_column(ui, m, ui->table, y, 0, COLS, h, true, false);
		free(vis);
		return;
	}
	first = ui->col_first;
	widths = xreallocarray(NULL, nv, sizeof *widths);
	count = layout_columns(COLS, (int)nv, UI_COL_MIN, 3, cur,
	    &first, widths);
	ui->col_first = first;
	for (x = 0, i = 0; i < count; i++) {
		if (i > 0) {
			for (r = 0; r < h; r++)
				ui_draw_text(ui, y + r, x + 1, 1, sep, A_DIM);
			x += 3;
		}
		ui_draw_column(ui, m, vis[first + i], y, x, widths[i],
		    h, first + i == cur, true);
		x += widths[i];
	}
	free(widths);
	free(vis);
}

/*
 * The cards of the current view in order, the first line of each and the
 * lines the view shows, as the last draw laid them out.
 */
size_t
ui_draw_cards_order(struct ui *ui, uint64_t **ids, int **starts, int *view)
{
	struct model	*m = ui_model(ui);
	struct ui_block	*b;
	size_t		 n, i;
	int		 total, w = ui->cur_col_w > 0 ? ui->cur_col_w : COLS;

	*view = ui->cur_list_h > 0 ? ui->cur_list_h :
	    (int)ui_draw_body_rows(ui);
	if (ui->view == UI_VIEW_RESULTS)
		return ui_draw_results_order(ui, ids, starts);
	ui_resolve_table(ui);
	n = ui_blocks(ui, m, ui->table, w, &b, &total);
	*ids = xreallocarray(NULL, n + 1, sizeof **ids);
	*starts = xreallocarray(NULL, n + 1, sizeof **starts);
	for (i = 0; i < n; i++) {
		(*ids)[i] = b[i].card;
		(*starts)[i] = b[i].start;
	}
	ui_blocks_free(ui, b, n);
	return n;
}
