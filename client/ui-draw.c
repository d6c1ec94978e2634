/*
 * ui-draw.c -- the screen: header, banner, tables, results, status, keys,
 * and the boxes of the modals.
 *
 * Every redraw erases curses' buffer and draws it all again; refresh()
 * then sends the terminal only the cells that differ, so a new card costs
 * the bytes of that card.  The countdown has its own small function that
 * rewrites only its cells, for the ticks between changes.
 *
 * Everything that came from the network goes through text_sanitize before
 * it is measured or drawn, and widths are measured on the sanitised text,
 * so accents, œ, « » and CJK line up.  With --ascii (or a locale that is not
 * UTF-8) the sanitised text is plain ASCII and so are borders and marks.
 */
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "i18n.h"
#include "layout.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* Colour pairs. */
enum {
	UI_PAIR_HEADER = 1,
	UI_PAIR_WARN_BAR,
	UI_PAIR_BANNER,
	UI_PAIR_QUESTION,
	UI_PAIR_YELLOW,
	UI_PAIR_RED,
	UI_PAIR_GREEN,
	UI_PAIR_CYAN,
};

/* One card of a table as it is laid out for drawing. */
struct ui_block {
	uint64_t		 card;
	struct layout_row	 row;
	char			*text;		/* sanitised, then suffix */
	size_t			 text_len;	/* bytes before the suffix */
	char			*title;		/* sanitised cluster title */
	struct layout_line	*lines;
	size_t			 nlines;
	char			 right[64];	/* marks at the right edge */
	int			 right_w;
	int			 indent;
	int			 wrap_w;
	int			 start;		/* first line in the list */
	int			 height;
	bool			 faint;		/* placeholder or private */
};

/* ---------------------------------------------------------------- setup */

/* Take the terminal: raw keys, no echo, colours unless NO_COLOR. */
void
ui_draw_init(struct ui *ui)
{
	SCREEN		*s;
	const char	*nc = getenv("NO_COLOR");
	short		 bg = -1;

	if ((s = newterm(NULL, stdout, stdin)) == NULL)
		fatalx("%s", _("cannot use this terminal (check TERM)"));
	set_term(s);
	ui->curses = true;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(100);
	curs_set(0);
	ui->cursor_visible = false;
	if ((nc == NULL || nc[0] == '\0') && has_colors()) {
		start_color();
		if (use_default_colors() != OK)
			bg = COLOR_BLACK;
		ui->colour = true;
		init_pair(UI_PAIR_HEADER, COLOR_WHITE, COLOR_BLUE);
		init_pair(UI_PAIR_WARN_BAR, COLOR_WHITE, COLOR_RED);
		init_pair(UI_PAIR_BANNER, COLOR_BLACK, COLOR_YELLOW);
		init_pair(UI_PAIR_QUESTION, COLOR_CYAN, bg);
		init_pair(UI_PAIR_YELLOW, COLOR_YELLOW, bg);
		init_pair(UI_PAIR_RED, COLOR_RED, bg);
		init_pair(UI_PAIR_GREEN, COLOR_GREEN, bg);
		init_pair(UI_PAIR_CYAN, COLOR_CYAN, bg);
	}
}

/* The attributes of a style: attributes carry it, colour helps. */
int
ui_draw_attr(const struct ui *ui, enum ui_style s)
{
	bool	c = ui->colour;

	switch (s) {
	case UI_S_NORMAL:
		return A_NORMAL;
	case UI_S_HEADER:
		return c ? (int)(COLOR_PAIR(UI_PAIR_HEADER) | A_BOLD) :
		    (int)A_REVERSE;
	case UI_S_CLOCK_WARN:
		return c ? (int)(COLOR_PAIR(UI_PAIR_WARN_BAR) | A_BOLD) :
		    (int)(A_BOLD | A_UNDERLINE);
	case UI_S_BANNER:
		return c ? (int)(COLOR_PAIR(UI_PAIR_BANNER) | A_BOLD) :
		    (int)(A_REVERSE | A_BOLD);
	case UI_S_QUESTION:
		return c ? (int)(COLOR_PAIR(UI_PAIR_QUESTION) | A_BOLD) :
		    (int)A_BOLD;
	case UI_S_DIM:
		return A_DIM;
	case UI_S_SELECTED:
		return A_REVERSE;
	case UI_S_DOTS:
	case UI_S_KEPT:
	case UI_S_WARN:
		return c ? (int)(COLOR_PAIR(UI_PAIR_YELLOW) | A_BOLD) :
		    (int)A_BOLD;
	case UI_S_ERROR:
		return c ? (int)(COLOR_PAIR(UI_PAIR_RED) | A_BOLD) :
		    (int)(A_BOLD | A_REVERSE);
	case UI_S_OK:
		return c ? (int)COLOR_PAIR(UI_PAIR_GREEN) : (int)A_NORMAL;
	case UI_S_TITLE:
		return A_BOLD | A_UNDERLINE;
	case UI_S_MATCH:
		return c ? (int)(COLOR_PAIR(UI_PAIR_GREEN) | A_UNDERLINE) :
		    (int)A_UNDERLINE;
	case UI_S_KEY:
		return c ? (int)(COLOR_PAIR(UI_PAIR_CYAN) | A_BOLD) :
		    (int)A_BOLD;
	case UI_S_COUNT:
		break;
	}
	return A_NORMAL;
}

/* The UTF-8 glyph, or its ASCII stand-in. */
const char *
ui_draw_glyph(const struct ui *ui, const char *utf8, const char *ascii)
{
	return ui->ascii ? ascii : utf8;
}

/* ---------------------------------------------------------------- text */

/*
 * Draw s[0..len) (sanitised) at y, x within maxw columns; returns the
 * columns used.  Characters the terminal's wcwidth does not know become
 * U+FFFD, a combining mark with nothing before it is left out, and a
 * character that would cross maxw is not drawn.
 */
int
ui_draw_put(struct ui *ui, int y, int x, int maxw, const char *s, size_t len,
    int attr)
{
	wchar_t		 buf[512];
	size_t		 i = 0, n, k = 0;
	uint32_t	 cp;
	int		 w = 0, cw;

	if (maxw <= 0 || y < 0 || x < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + maxw > COLS)
		maxw = COLS - x;
	while (i < len && k < sizeof buf / sizeof buf[0] - 1) {
		n = text_decode(s + i, len - i, &cp);
		if (n == 0)
			break;
		i += n;
		if (ui->ascii && cp >= 0x80)
			cp = '?';
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			cp = ui->ascii ? '?' : 0xfffd;
		cw = wcwidth((wchar_t)cp);
		if (cw < 0) {
			cp = ui->ascii ? '?' : 0xfffd;
			cw = 1;
		}
		if (cw == 0 && k == 0)
			continue;
		if (w + cw > maxw)
			break;
		buf[k++] = (wchar_t)cp;
		w += cw;
	}
	buf[k] = L'\0';
	if (k == 0)
		return 0;
	attrset(attr);
	mvaddnwstr(y, x, buf, (int)k);
	attrset(A_NORMAL);
	return w;
}

/* Sanitise s (from anywhere) and draw it on one line; returns columns. */
int
ui_draw_text(struct ui *ui, int y, int x, int maxw, const char *s, int attr)
{
	char	*t;
	int	 w;

	if (s == NULL || maxw <= 0)
		return 0;
	t = text_sanitize(s, ui->ascii, false);
	w = ui_draw_put(ui, y, x, maxw, t, strlen(t), attr);
	free(t);
	return w;
}

/* Draw s cut to maxw columns with an ellipsis when it does not fit. */
static int
ui_draw_text_cut(struct ui *ui, int y, int x, int maxw, const char *s, int attr)
{
	char	*t;
	size_t	 keep, w;
	int	 used;

	if (s == NULL || maxw <= 0)
		return 0;
	t = text_sanitize(s, ui->ascii, false);
	if ((int)text_width(t) <= maxw) {
		used = ui_draw_put(ui, y, x, maxw, t, strlen(t), attr);
		free(t);
		return used;
	}
	keep = text_fit(t, (size_t)(maxw - (ui->ascii ? 3 : 1)), &w);
	used = ui_draw_put(ui, y, x, maxw, t, keep, attr);
	used += ui_draw_text(ui, y, x + used, maxw - used,
	    ui_draw_glyph(ui, "\xe2\x80\xa6", "..."), attr);
	free(t);
	return used;
}

/* Fill w cells from y, x with spaces in attr. */
void
ui_draw_fill(int y, int x, int w, int attr)
{
	if (w <= 0 || y < 0 || y >= LINES)
		return;
	if (x + w > COLS)
		w = COLS - x;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

/* A framed box with a title, its inside cleared. */
void
ui_draw_box(struct ui *ui, int y, int x, int h, int w, const char *title)
{
	const char	*hz = ui_draw_glyph(ui, "\xe2\x94\x80", "-");
	const char	*vt = ui_draw_glyph(ui, "\xe2\x94\x82", "|");
	const char	*left, *right;
	int		 i, j;

	for (i = 0; i < h; i++) {
		ui_draw_fill(y + i, x, w, A_NORMAL);
		if (i == 0 || i == h - 1) {
			for (j = 1; j < w - 1; j++)
				ui_draw_text(ui, y + i, x + j, 1, hz, A_NORMAL);
			left = i == 0 ? "\xe2\x94\x8c" : "\xe2\x94\x94";
			right = i == 0 ? "\xe2\x94\x90" : "\xe2\x94\x98";
			ui_draw_text(ui, y + i, x, 1,
			    ui_draw_glyph(ui, left, "+"), A_NORMAL);
			ui_draw_text(ui, y + i, x + w - 1, 1,
			    ui_draw_glyph(ui, right, "+"), A_NORMAL);
		} else {
			ui_draw_text(ui, y + i, x, 1, vt, A_NORMAL);
			ui_draw_text(ui, y + i, x + w - 1, 1, vt, A_NORMAL);
		}
	}
	if (title != NULL && title[0] != '\0') {
		ui_draw_fill(y, x + 1, 1, A_NORMAL);
		j = ui_draw_text_cut(ui, y, x + 2, w - 4, title, A_BOLD);
		ui_draw_fill(y, x + 2 + j, 1, A_NORMAL);
	}
}

/* ---------------------------------------------------------------- clock */

/*
 * The countdown as the header shows it ("" when there is no timer) and its
 * style: mm:ss rounded up, so that 00:00 means the time is really over.
 */
void
ui_draw_clock_text(struct ui *ui, const struct model *m, char *buf, size_t len,
    int *style)
{
	uint64_t	rem = model_timer_remaining(m, net_now_ms());
	uint64_t	s = (rem + 999) / 1000;
	char		t[32], *label;
	size_t		keep;

	/*
	 * In the terminal's own colours: a tick then costs the digit that
	 * changed and a cursor step, no attribute sequences around it.
	 */
	*style = UI_S_NORMAL;
	buf[0] = '\0';
	if (!m->timer.running && rem == 0 && !m->timer.ended)
		return;
	if (s >= 3600)
		snprintf(t, sizeof t, "%llu:%02llu:%02llu",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s / 60 % 60),
		    (unsigned long long)(s % 60));
	else
		snprintf(t, sizeof t, "%02llu:%02llu",
		    (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	if (m->timer.running && rem <= 60000)
		*style = UI_S_CLOCK_WARN;
	if (m->timer.ended || (m->timer.running && rem == 0))
		*style = UI_S_CLOCK_WARN;
	label = text_sanitize(m->timer.label != NULL ? m->timer.label : "",
	    ui->ascii, false);
	keep = text_fit(label, 20, NULL);
	label[keep] = '\0';
	snprintf(buf, len, " %s%s%s%s ", label, label[0] != '\0' ? " " : "",
	    t, !m->timer.running && rem > 0 ? _(" (paused)") : "");
	free(label);
}

/*
 * Rewrite only the countdown's cells.  Returns false when that is not
 * enough (it appeared, went or changed width): the caller redraws all.
 */
bool
ui_draw_clock(struct ui *ui)
{
	char	buf[sizeof ui->clock];
	int	style;

	if (!ui->curses || ui->join.active || ui->too_small || !ui->net_ready)
		return true;
	ui_draw_clock_text(ui, ui_model(ui), buf, sizeof buf, &style);
	if (strcmp(buf, ui->clock) == 0 && style == ui->clock_style)
		return true;
	if ((int)text_width(buf) != ui->clock_w || ui->clock_w == 0)
		return false;
	ui_draw_put(ui, ui->clock_y, ui->clock_x, ui->clock_w, buf, strlen(buf),
	    ui_draw_attr(ui, style));
	snprintf(ui->clock, sizeof ui->clock, "%s", buf);
	ui->clock_style = style;
	if (ui->cur_on)
		move(ui->cur_y, ui->cur_x);
	refresh();
	ui->ticks++;
	return true;
}

/* ---------------------------------------------------------------- header */

/* Lines the banner takes (0 to 2). */
static int
ui_banner_lines(struct ui *ui, const struct model *m)
{
	struct layout_line	*l;
	char			*t;
	size_t			 n;

	if (m->banner == NULL || m->banner[0] == '\0')
		return 0;
	t = text_sanitize(m->banner, ui->ascii, false);
	n = layout_wrap(t, (size_t)(COLS - 4), &l);
	free(l);
	free(t);
	return n > 1 ? 2 : 1;
}

/* Body lines: between the header (and banner) and the status lines. */
size_t
ui_draw_body_rows(struct ui *ui)
{
	int	n = LINES - 3;

	if (ui->net_ready)
		n -= ui_banner_lines(ui, ui_model(ui));
	return n > 1 ? (size_t)n : 1;
}

/* The title bar: board, round, phase, and the countdown at the right. */
static void
ui_draw_header(struct ui *ui, const struct model *m)
{
	char		 round[128], phase[128], clock[sizeof ui->clock];
	const char	*sep = ui_draw_glyph(ui, " \xc2\xb7 ", " - "), *title;
	int		 hattr = ui_draw_attr(ui, UI_S_HEADER), style, cw, x,
	    avail;
	int		 rw, pw, tw;
	char		*t;

	ui_draw_fill(0, 0, COLS, hattr);
	ui_draw_clock_text(ui, m, clock, sizeof clock, &style);
	cw = (int)text_width(clock);
	if (cw > COLS / 2)
		cw = 0;
	snprintf(round, sizeof round, _("Round %u"), m->round);
	snprintf(phase, sizeof phase, _("Phase: %s"), ui_text_phase(m->phase));
	title = m->settings.title != NULL && m->settings.title[0] != '\0' ?
	    m->settings.title : m->name;
	t = text_sanitize(title, ui->ascii, false);
	tw = (int)text_width(t);
	free(t);
	rw = (int)(text_width(sep) + text_width(round));
	pw = (int)(text_width(sep) + text_width(phase));
	avail = COLS - cw - 2;
	/* The phase matters more than the round, the round than the title. */
	if (tw + rw + pw > avail && avail - rw - pw < 12)
		rw = 0;
	if (tw + rw + pw > avail)
		tw = avail - rw - pw;
	x = 1;
	if (tw > 0)
		x += ui_draw_text_cut(ui, 0, x, tw, title, hattr);
	if (rw > 0) {
		x += ui_draw_text(ui, 0, x, avail + 1 - x, sep, hattr);
		x += ui_draw_text(ui, 0, x, avail + 1 - x, round, hattr);
	}
	x += ui_draw_text(ui, 0, x, avail + 1 - x, sep, hattr);
	ui_draw_text(ui, 0, x, avail + 1 - x, phase, hattr);
	ui->clock_y = 0;
	ui->clock_x = COLS - cw;
	ui->clock_w = cw;
	ui->clock_style = style;
	snprintf(ui->clock, sizeof ui->clock, "%s", cw > 0 ? clock : "");
	if (cw > 0)
		ui_draw_put(ui, 0, ui->clock_x, cw, clock, strlen(clock),
		    ui_draw_attr(ui, style));
}

/* The facilitator's banner, on one or two lines. */
static int
ui_draw_banner(struct ui *ui, const struct model *m, int y)
{
	struct layout_line	*l;
	char			*t;
	size_t			 n, i;
	int			 battr = ui_draw_attr(ui, UI_S_BANNER), x;

	if (m->banner == NULL || m->banner[0] == '\0')
		return 0;
	t = text_sanitize(m->banner, ui->ascii, false);
	n = layout_wrap(t, (size_t)(COLS - 4), &l);
	for (i = 0; i < n && i < 2; i++) {
		ui_draw_fill(y + (int)i, 0, COLS, battr);
		if (i == 0)
			ui_draw_text(ui, y, 1, 2, ui_draw_glyph(ui, "\xc2\xbb",
			    ">"), battr);
		x = ui_draw_put(ui, y + (int)i, 3, COLS - 4, t + l[i].start,
		    l[i].end - l[i].start, battr);
		if (i == 1 && n > 2) {
			x = 3 + x < COLS - 1 ? 3 + x : COLS - 2;
			ui_draw_text(ui, y + 1, x, 1,
			    ui_draw_glyph(ui, "\xe2\x80\xa6", "+"), battr);
		}
	}
	free(l);
	free(t);
	return n > 1 ? 2 : 1;
}

/* ---------------------------------------------------------------- cards */

/* The author's first name, or NULL when hidden or unknown. */
static const char *
ui_author(const struct model *m, uint32_t author)
{
	const struct model_participant	*p;

	if (author == 0 || (p = model_participant(m, author)) == NULL)
		return NULL;
	return p->name;
}

/* True when the vote totals may be drawn for this user. */
static bool
ui_totals_visible(struct ui *ui, const struct model *m)
{
	return m->phase >= PHASE_VOTE && ui_results_allowed(ui);
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
	char		num[16];

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
	if (ui_totals_visible(ui, m) && !c->deleted && c->votes > 0) {
		snprintf(num, sizeof num, "%s(%u)", o > 0 ? " " : "", c->votes);
		ui_block_mark(b, &o, num);
	}
	b->right[o] = '\0';
	b->right_w = (int)text_width(b->right);
}

/* Lay out one card at width w: text, suffix, marks, lines. */
static void
ui_block_make(struct ui *ui, const struct model *m,
    const struct layout_row *row, int w, struct ui_block *b)
{
	const struct model_card	*c = model_card(m, row->card);
	const char		*who;
	char			*t, *suffix = NULL, *raw;
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
		if ((who = ui_author(m, c->author)) != NULL) {
			xasprintf(&raw, " \xe2\x80\x94 %s%s", who, c->hidden ?
			    _(" (private)") : "");
			suffix = text_sanitize(raw, ui->ascii, false);
			free(raw);
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
	b->indent = 2 * (int)row->depth;
	b->wrap_w = w - b->indent - 2 - (b->right_w > 0 ? b->right_w + 1 : 0);
	if (b->wrap_w < 8) {
		b->indent = 0;
		b->wrap_w = w - 2 - (b->right_w > 0 ? b->right_w + 1 : 0);
		if (b->wrap_w < 4)
			b->wrap_w = 4;
	}
	b->nlines = layout_wrap(b->text, (size_t)b->wrap_w, &b->lines);
	b->height = (int)b->nlines + (b->title != NULL ? 1 : 0);
}

/* Free the blocks of a table. */
static void
ui_blocks_free(struct ui_block *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(b[i].text);
		free(b[i].title);
		free(b[i].lines);
	}
	free(b);
}

/* The cards of pending ops, for their marks. */
static size_t
ui_pending_cards(struct ui *ui, uint64_t **out)
{
	struct replica	*r = &ui->net.replica;
	uint64_t	*v;
	size_t		 i, n = 0;

	v = xreallocarray(NULL, r->npending + 1, sizeof *v);
	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].op.card != 0)
			v[n++] = r->pending[i].op.card;
		else if (r->pending[i].op.kind == OP_CLUSTER_TITLE)
			v[n++] = r->pending[i].op.head;
	}
	*out = v;
	return n;
}

/* Lay out every card of table at width w; returns the count. */
static size_t
ui_blocks(struct ui *ui, const struct model *m, uint64_t table, int w,
    struct ui_block **out, int *total)
{
	struct layout_pending	 p;
	struct layout_row	*rows;
	struct ui_block		*b;
	uint64_t		*cards;
	size_t			 n, i;
	int			 line = 0;

	p.head = ui->net.replica.confirmed->head;
	p.ncards = ui_pending_cards(ui, &cards);
	p.cards = cards;
	n = layout_rows(m, table, &p, &rows);
	free(cards);
	b = xreallocarray(NULL, n + 1, sizeof *b);
	for (i = 0; i < n; i++) {
		ui_block_make(ui, m, &rows[i], w, &b[i]);
		b[i].start = line;
		line += b[i].height;
	}
	free(rows);
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
	    x0 = x + b->indent;
	int				 used;
	const char			*mark;
	size_t				 split;

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
		if (b->card == ui->group_card && ui->modal == UI_MODAL_GROUP)
			mark = ui_draw_glyph(ui, "\xe2\x87\x92", ">");
		else if (b->row.placeholder)
			mark = ui_draw_glyph(ui, "\xc3\x97", "x");
		else if (b->row.head && b->title == NULL)
			mark = ui_draw_glyph(ui, "\xe2\x97\x86", "#");
		else if (b->row.head)
			mark = " ";
		else if (b->row.kind == LAYOUT_REPLY)
			mark = ui_draw_glyph(ui, "\xe2\x86\xb3", ">");
		else if (b->row.kind == LAYOUT_MEMBER)
			mark = ui_draw_glyph(ui, "\xe2\x97\xa6", "-");
		else
			mark = ui_draw_glyph(ui, "\xe2\x80\xa2", "*");
		ui_draw_text(ui, y, x0, 1, mark, base | (b->row.placeholder ?
		    A_DIM : A_BOLD));
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
	if (split > l->start)
		used = ui_draw_put(ui, y, x0 + 2, b->wrap_w, b->text + l->start,
		    split - l->start, tattr);
	if (l->end > split)
		ui_draw_put(ui, y, x0 + 2 + used, b->wrap_w - used,
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

/* Lines a table's header takes at width w (label, question, rule). */
static int
ui_question_lines(struct ui *ui, const struct model_table *t, int w, int h)
{
	struct layout_line	*l;
	char			*q;
	size_t			 n;
	int			 max = h > 12 ? 3 : 2;

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
	snprintf(label, sizeof label, _("Table %d of %zu"),
	    model_table_index(m, table) + 1, m->ntables);
	lw = ui_draw_text(ui, y, x, w, label, attr);
	if (table == ui->seat_seen)
		lw += ui_draw_text(ui, y, x + lw, w - lw, _(" (your table)"),
		    attr);
	else if (current && ui->browsing)
		lw += ui_draw_text(ui, y, x + lw, w - lw, _(" (visiting)"),
		    attr);
	if (t->theme != NULL && t->theme[0] != '\0') {
		lw += ui_draw_text(ui, y, x + lw, w - lw, ui_draw_glyph(ui,
		    " \xc2\xb7 ", " - "), attr);
		ui_draw_text_cut(ui, y, x + lw, w - lw, t->theme, attr | A_DIM);
	}
	/* The question. */
	qn = ui_question_lines(ui, t, w, h);
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
		ui_blocks_free(b, n);
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
	ui_blocks_free(b, n);
}

/* The board view: one table, or the tables side by side. */
static void
ui_draw_board(struct ui *ui, const struct model *m, int y, int h)
{
	int		*widths, first, count, i, x, cur, side, r;
	const char	*sep;

	if (!ui->net_ready || ui->net.replica.me == 0 ||
	    ui->net.state == NET_CATCHUP) {
		if (m->ntables == 0) {
			ui_draw_text(ui, y + 1, 2, COLS - 4, _("Joining the "
			    "board..."), A_DIM);
			return;
		}
	}
	if (m->ntables == 0) {
		ui_draw_text(ui, y + 1, 2, COLS - 4, _("There is no table "
		    "yet: the facilitator opens them."), A_DIM);
		if (ui_is_facilitator(ui))
			ui_draw_text(ui, y + 2, 2, COLS - 4,
			    _("Press : then n to add a table."), A_DIM);
		return;
	}
	sep = ui_draw_glyph(ui, "\xe2\x94\x82", "|");
	cur = model_table_index(m, ui->table);
	if (cur < 0)
		cur = 0;
	side = ui->wide && m->ntables > 1 && COLS >= 2 * UI_COL_MIN + 3;
	if (!side) {
		ui->col_first = cur;
		ui_draw_column(ui, m, ui->table, y, 0, COLS, h, true, false);
		return;
	}
	first = ui->col_first;
	widths = xreallocarray(NULL, m->ntables, sizeof *widths);
	count = layout_columns(COLS, (int)m->ntables, UI_COL_MIN, 3, cur,
	    &first, widths);
	ui->col_first = first;
	for (x = 0, i = 0; i < count; i++) {
		if (i > 0) {
			for (r = 0; r < h; r++)
				ui_draw_text(ui, y + r, x + 1, 1, sep, A_DIM);
			x += 3;
		}
		ui_draw_column(ui, m, m->tables[first + i].id, y, x, widths[i],
		    h, first + i == cur, true);
		x += widths[i];
	}
	free(widths);
}

/* ---------------------------------------------------------------- results */

/* One idea of the results, laid out. */
struct ui_res {
	uint64_t		 card;	/* 0: a question's heading */
	uint64_t		 table;
	char			*text;
	struct layout_line	*lines;
	size_t			 nlines;
	int			 start;
	int			 height;
};

/* Free the results layout. */
static void
ui_res_free(struct ui_res *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(r[i].text);
		free(r[i].lines);
	}
	free(r);
}

/* The width of the vote bars at screen width w. */
static int
ui_bar_width(int w)
{
	int	b = w / 5;

	return b > 16 ? 16 : b < 4 ? 4 : b;
}

/* Columns before an idea's text in the results: kept, bar, count. */
static int
ui_res_indent(int w)
{
	return 2 + 2 + ui_bar_width(w) + 1 + 4 + 1;
}

/* Lay out the results: per question, a heading then the ranked ideas. */
static size_t
ui_res_layout(struct ui *ui, const struct model *m, int w, struct ui_res **out,
    int *total)
{
	struct ui_res	*r = NULL;
	uint64_t	*ids;
	size_t		 n = 0, t, i, k;
	int		 line = 0, tw = w - ui_res_indent(w), qw = w - 1;
	char		*raw, label[64];

	if (tw < 8)
		tw = 8;
	/* A question's first line leaves room for its "kept N/M". */
	if (m->settings.keep > 0) {
		snprintf(label, sizeof label, _("kept %u/%u"), m->settings.keep,
		    m->settings.keep);
		qw -= (int)text_width(label) + 2;
	}
	if (qw < 8)
		qw = 8;
	for (t = 0; t < m->ntables; t++) {
		k = layout_results(m, m->tables[t].id, &ids);
		r = xreallocarray(r, n + k + 1, sizeof *r);
		memset(&r[n], 0, sizeof r[n]);
		r[n].table = m->tables[t].id;
		xasprintf(&raw, "%zu. %s", t + 1, m->tables[t].question);
		r[n].text = text_sanitize(raw, ui->ascii, false);
		free(raw);
		r[n].nlines = layout_wrap(r[n].text, (size_t)qw, &r[n].lines);
		r[n].start = line;
		r[n].height = (int)r[n].nlines + (k == 0 ? 1 : 0) + (t > 0);
		line += r[n].height;
		n++;
		for (i = 0; i < k; i++) {
			const struct model_card *c = model_card(m, ids[i]);

			memset(&r[n], 0, sizeof r[n]);
			r[n].card = ids[i];
			r[n].table = m->tables[t].id;
			if (c->hidden && c->text[0] == '\0')
				r[n].text = text_sanitize(_("(private)"),
				    ui->ascii, false);
			else
				r[n].text = text_sanitize(c->text, ui->ascii,
				    true);
			r[n].nlines = layout_wrap(r[n].text, (size_t)tw,
			    &r[n].lines);
			r[n].start = line;
			r[n].height = (int)r[n].nlines;
			line += r[n].height;
			n++;
		}
		free(ids);
	}
	*out = r;
	*total = line;
	return n;
}

/* The most votes on one question (for the bars' scale). */
static uint32_t
ui_res_max(const struct model *m, uint64_t table)
{
	uint32_t	max = 0;
	size_t		i;

	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].table == table && !m->cards[i].deleted &&
		    m->cards[i].votes > max)
			max = m->cards[i].votes;
	}
	return max;
}

/* A vote bar of v out of max in w cells (eighths in UTF-8). */
static void
ui_draw_bar(struct ui *ui, int y, int x, int w, uint32_t v, uint32_t max,
    int attr)
{
	static const char *const eighths[8] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
		"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89",
	};
	uint64_t	units;
	int		i, full;

	if (max == 0 || v == 0)
		return;
	units = (uint64_t)v * (uint64_t)w * 8 / max;
	full = (int)(units / 8);
	for (i = 0; i < full && i < w; i++)
		ui_draw_text(ui, y, x + i, 1, ui_draw_glyph(ui, "\xe2\x96\x88",
		    "#"), attr);
	if (!ui->ascii && full < w && units % 8 != 0)
		ui_draw_text(ui, y, x + full, 1, eighths[units % 8], attr);
}

/* The results view: every question, its ideas by votes. */
static void
ui_draw_results(struct ui *ui, const struct model *m, int y, int h)
{
	struct ui_res		*r;
	const struct layout_line *ln;
	size_t			 n, i, sel = SIZE_MAX, k, k2;
	uint32_t		 max = 0, kept = 0;
	int			 total, line, bw = ui_bar_width(COLS), ind;
	int			 row, a, hl, nw;
	char			 num[32];
	const char		*star;

	star = ui_draw_glyph(ui, "\xe2\x98\x85", "[*]");
	ind = ui_res_indent(COLS);
	ui->cur_col_w = COLS;
	ui->cur_list_h = h;
	if (!ui_results_allowed(ui)) {
		ui_draw_text(ui, y + 1, 2, COLS - 4, _("The results show "
		    "when the facilitator closes the vote."), A_DIM);
		return;
	}
	n = ui_res_layout(ui, m, COLS, &r, &total);
	for (i = 0; i < n; i++) {
		if (r[i].card != 0 && r[i].card == ui->res_sel)
			sel = i;
	}
	if (sel == SIZE_MAX) {
		for (i = 0, k = 0; i < n; i++) {
			if (r[i].card == 0)
				continue;
			if (sel == SIZE_MAX || k <= ui->res_row)
				sel = i;
			k++;
		}
	}
	if (sel != SIZE_MAX) {
		ui->res_sel = r[sel].card;
		for (i = 0, k = 0; i < sel; i++)
			k += r[i].card != 0;
		ui->res_row = k;
		ui->res_top = layout_scroll(ui->res_top, r[sel].start,
		    r[sel].height, h, total);
	} else
		ui->res_top = layout_scroll(ui->res_top, 0, 1, h, total);
	for (i = 0; i < n; i++) {
		const struct model_card *c = model_card(m, r[i].card);

		if (r[i].card == 0) {
			max = ui_res_max(m, r[i].table);
			kept = 0;
			for (k = 0; k < m->ncards; k++)
				kept += m->cards[k].table == r[i].table &&
				    m->cards[k].kept && !m->cards[k].deleted;
		}
		for (k = 0; k < (size_t)r[i].height; k++) {
			line = r[i].start + (int)k - ui->res_top;
			if (line < 0 || line >= h)
				continue;
			row = y + line;
			if (r[i].card == 0) {
				hl = (int)k - (r[i].start > 0 ? 1 : 0);
				if (hl < 0)
					continue;
				k2 = hl < (int)r[i].nlines ? (size_t)hl : 0;
				ln = &r[i].lines[k2];
				if (hl < (int)r[i].nlines)
					ui_draw_put(ui, row, 0, COLS - 1,
					    r[i].text + ln->start,
					    ln->end - ln->start,
					    ui_draw_attr(ui, UI_S_QUESTION));
				else
					ui_draw_text(ui, row, 4, COLS - 5,
					    _("(no idea)"), A_DIM);
				if (hl == 0 && m->settings.keep > 0) {
					snprintf(num, sizeof num, _("kept "
					    "%u/%u"), kept, m->settings.keep);
					nw = (int)text_width(num);
					ui_draw_text(ui, row, COLS - nw - 1,
					    nw, num, A_DIM);
				}
				continue;
			}
			a = i == sel ? (int)A_REVERSE : 0;
			if (a != 0)
				ui_draw_fill(row, 0, COLS, a);
			if (k == 0) {
				if (c->kept)
					ui_draw_text(ui, row, 1, 3, star,
					    a | ui_draw_attr(ui, UI_S_KEPT));
				ui_draw_bar(ui, row, 4, bw, c->votes, max,
				    a | ui_draw_attr(ui, UI_S_DOTS));
				snprintf(num, sizeof num, "%4u", c->votes);
				ui_draw_text(ui, row, 4 + bw + 1, 4, num, a |
				    A_BOLD);
			}
			ui_draw_put(ui, row, ind, COLS - ind, r[i].text +
			    r[i].lines[k].start, r[i].lines[k].end -
			    r[i].lines[k].start, a | (c->kept ? A_BOLD : 0));
		}
	}
	ui_res_free(r, n);
}

/*
 * The cards of the current view in order, the first line of each and the
 * lines the view shows, as the last draw laid them out.
 */
size_t
ui_draw_order(struct ui *ui, uint64_t **ids, int **starts, int *view)
{
	struct model	*m = ui_model(ui);
	struct ui_block	*b;
	struct ui_res	*r;
	size_t		 n, i, k = 0;
	int		 total, w = ui->cur_col_w > 0 ? ui->cur_col_w : COLS;

	*view = ui->cur_list_h > 0 ? ui->cur_list_h :
	    (int)ui_draw_body_rows(ui);
	if (ui->view == UI_VIEW_RESULTS) {
		n = ui_res_layout(ui, m, COLS, &r, &total);
		*ids = xreallocarray(NULL, n + 1, sizeof **ids);
		*starts = xreallocarray(NULL, n + 1, sizeof **starts);
		for (i = 0; i < n; i++) {
			if (r[i].card == 0)
				continue;
			(*ids)[k] = r[i].card;
			(*starts)[k++] = r[i].start;
		}
		ui_res_free(r, n);
		return k;
	}
	ui_resolve_table(ui);
	n = ui_blocks(ui, m, ui->table, w, &b, &total);
	*ids = xreallocarray(NULL, n + 1, sizeof **ids);
	*starts = xreallocarray(NULL, n + 1, sizeof **starts);
	for (i = 0; i < n; i++) {
		(*ids)[i] = b[i].card;
		(*starts)[i] = b[i].start;
	}
	ui_blocks_free(b, n);
	return n;
}

/* ---------------------------------------------------------------- status */

/* The state of the connection, for the status line, and its style. */
static void
ui_conn_text(struct ui *ui, char *buf, size_t len, int *style)
{
	struct net	*n = &ui->net;
	int64_t		 ms;
	size_t		 unsent = net_unsent(n);
	char		 waiting[128] = "";

	if (unsent > 0)
		snprintf(waiting, sizeof waiting, ngettext(" \xc2\xb7 %zu "
		    "change waiting", " \xc2\xb7 %zu changes waiting", unsent),
		    unsent);
	*style = UI_S_WARN;
	switch (n->state) {
	case NET_LIVE:
		/* Through a relay whose link to the board's server is down. */
		if (!n->uplink.up)
			snprintf(buf, len, ngettext("board's server out of "
			    "reach \xc2\xb7 %u change waits in the room (%u "
			    "yours)", "board's server out of reach \xc2\xb7 %u "
			    "changes wait in the room (%u yours)",
			    n->uplink.waiting), n->uplink.waiting,
			    n->uplink.mine);
		else if (n->uplink.waiting > 0)
			snprintf(buf, len, ngettext("connected \xc2\xb7 "
			    "sending the room's %u waiting change",
			    "connected \xc2\xb7 sending the room's %u waiting "
			    "changes", n->uplink.waiting), n->uplink.waiting);
		else
			snprintf(buf, len, "%s%s", _("connected"), waiting);
		*style = unsent > 0 || !n->uplink.up ||
		    n->uplink.waiting > 0 ? UI_S_WARN : UI_S_OK;
		break;
	case NET_WAITING:
		ms = n->retry_at - net_now_ms();
		snprintf(buf, len, _("reconnecting in %lld s%s"),
		    (long long)(ms > 0 ? (ms + 999) / 1000 : 0), waiting);
		break;
	case NET_STOPPED:
		if (unsent > 0)
			snprintf(buf, len, ngettext("offline: %zu change "
			    "waiting", "offline: %zu changes waiting", unsent),
			    unsent);
		else if (n->status[0] != '\0')
			snprintf(buf, len, _("offline (%s)"),
			    ui_text_reason(n->status));
		else
			snprintf(buf, len, "%s", _("offline"));
		*style = UI_S_ERROR;
		break;
	case NET_IDLE:
		snprintf(buf, len, "%s", _("not connected"));
		break;
	default:
		snprintf(buf, len, "%s%s", _("connecting..."), waiting);
		break;
	}
}

/* Who sits at the shown table, how many are online, the connection. */
static void
ui_draw_status(struct ui *ui, const struct model *m, int y)
{
	const struct model_participant	*p;
	char				 conn[256], right[512], dots[128];
	char				 label[64];
	int				 style, rw, x, w, attr, dw = 0;
	size_t				 i, online, here = 0;
	uint32_t			 used, left;

	ui_draw_fill(y, 0, COLS, A_NORMAL);
	ui_conn_text(ui, conn, sizeof conn, &style);
	online = replica_online_count(&ui->net.replica);
	snprintf(right, sizeof right, ngettext("%zu online", "%zu online",
	    online), online);
	dots[0] = '\0';
	if (m->phase == PHASE_VOTE && ui->net.replica.me != 0 &&
	    ui->table != 0) {
		used = model_dots_used(m, ui->net.replica.me, ui->table);
		left = m->settings.dots > used ? m->settings.dots - used : 0;
		snprintf(dots, sizeof dots, ngettext("%u dot left",
		    "%u dots left", left), left);
		dw = (int)text_width(dots) + 3;
	}
	rw = (int)text_width(right) + 3 + (int)text_width(conn) + dw;
	x = COLS - rw;
	if (x < 0)
		x = 0;
	if (dw > 0) {
		x += ui_draw_text(ui, y, x, COLS - x, dots, ui_draw_attr(ui,
		    UI_S_DOTS));
		x += ui_draw_text(ui, y, x, COLS - x, ui_draw_glyph(ui,
		    " \xc2\xb7 ", " - "), A_DIM);
	}
	x += ui_draw_text(ui, y, x, COLS - x, right, A_NORMAL);
	x += ui_draw_text(ui, y, x, COLS - x, ui_draw_glyph(ui, " \xc2\xb7 ",
	    " - "), A_DIM);
	ui_draw_text(ui, y, x, COLS - x, conn, ui_draw_attr(ui, style));

	/* The people at this table, on what is left. */
	w = COLS - rw - 2;
	if (w < 10 || ui->table == 0)
		return;
	snprintf(label, sizeof label, "%s ", _("Here:"));
	x = ui_draw_text(ui, y, 0, w, label, A_DIM);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table != ui->table)
			continue;
		attr = p->id == ui->net.replica.me ? (int)A_BOLD : 0;
		if (!replica_is_online(&ui->net.replica, p->id) &&
		    p->id != ui->net.replica.me)
			attr |= A_DIM;
		if (here > 0)
			x += ui_draw_text(ui, y, x, w - x, ", ", A_DIM);
		if ((int)text_width(p->name) + x + 4 > w) {
			ui_draw_text(ui, y, x, w - x, ui_draw_glyph(ui,
			    "\xe2\x80\xa6", "..."), A_DIM);
			break;
		}
		x += ui_draw_text(ui, y, x, w - x, p->name, attr);
		if (p->ready)
			x += ui_draw_text(ui, y, x, w - x, ui_draw_glyph(ui,
			    "\xe2\x9c\x93", "+"), ui_draw_attr(ui, UI_S_OK));
		here++;
	}
	if (here == 0)
		ui_draw_text(ui, y, x, w - x, _("nobody"), A_DIM);
}

/*
 * Draw "key label" pairs on the key line: the last two (help and quit, in
 * every list) always, the others while they fit.
 */
static void
ui_draw_hints(struct ui *ui, int y, const char *const *pairs, size_t n)
{
	size_t	i, tail = n >= 4 ? n - 4 : 0;
	int	x = 1, kw, lw, tw = 0, end;

	for (i = tail; i + 1 < n; i += 2)
		tw += (int)(text_width(_(pairs[i])) + 1 +
		    text_width(_(pairs[i + 1])) + 2);
	end = COLS - 1 - tw;
	for (i = 0; i + 1 < n; i += 2) {
		kw = (int)text_width(_(pairs[i]));
		lw = (int)text_width(_(pairs[i + 1]));
		if (i < tail && x + kw + 1 + lw > end)
			continue;
		x += ui_draw_text(ui, y, x, COLS - x, _(pairs[i]),
		    ui_draw_attr(ui, UI_S_KEY));
		x += ui_draw_text(ui, y, x, COLS - x, " ", 0);
		x += ui_draw_text(ui, y, x, COLS - x, _(pairs[i + 1]), 0);
		x += ui_draw_text(ui, y, x, COLS - x, "  ", 0);
	}
}

/* The key line: a question, a message, or the keys that matter now. */
static void
ui_draw_keyline(struct ui *ui, const struct model *m, int y)
{
	static const char *const ideas[] = {
		"a", N_("add"), "r", N_("reply"), "e", N_("edit"),
		"d", N_("delete"), N_("Tab"), N_("table"), "s", N_("sit"),
		"/", N_("search"), "?", N_("help"), "q", N_("quit"),
	};
	static const char *const group[] = {
		"g", N_("group"), "t", N_("title"), "e", N_("edit"),
		N_("Tab"), N_("table"), "/", N_("search"), "?", N_("help"),
		"q", N_("quit"),
	};
	static const char *const vote[] = {
		N_("Space"), N_("add a dot"), "x", N_("take it back"),
		N_("Tab"), N_("table"), "/", N_("search"), "?", N_("help"),
		"q", N_("quit"),
	};
	static const char *const harvest[] = {
		"v", N_("results"), N_("Tab"), N_("table"), "/", N_("search"),
		"?", N_("help"), "q", N_("quit"),
	};
	static const char *const welcome[] = {
		"s", N_("sit"), ".", N_("ready"), N_("Tab"), N_("table"),
		"?", N_("help"), "q", N_("quit"),
	};
	static const char *const results[] = {
		"\xe2\x86\x91\xe2\x86\x93", N_("move"), "v", N_("board"),
		N_("Enter"), N_("open"), "?", N_("help"), "q", N_("quit"),
	};
	static const char *const fac_results[] = {
		"\xe2\x86\x91\xe2\x86\x93", N_("move"), "*", N_("keep"),
		"v", N_("board"), ":", N_("console"), "?", N_("help"),
		"q", N_("quit"),
	};
	const char *const	*h;
	const char		*fac[32];
	size_t			 n, i;
	char			 q[700];

	ui_draw_fill(y, 0, COLS, A_NORMAL);
	if (ui->modal == UI_MODAL_CONFIRM) {
		snprintf(q, sizeof q, "%s %s", ui->prompt, _("(y/n)"));
		ui_draw_text_cut(ui, y, 1, COLS - 2, q, ui_draw_attr(ui,
		    UI_S_ERROR));
		return;
	}
	if (ui->msg[0] != '\0') {
		ui_draw_text_cut(ui, y, 1, COLS - 2, ui->msg, ui->msg_error ?
		    ui_draw_attr(ui, UI_S_ERROR) : (int)A_BOLD);
		return;
	}
	if (ui->view == UI_VIEW_RESULTS) {
		if (ui_is_facilitator(ui)) {
			h = fac_results;
			n = sizeof fac_results / sizeof fac_results[0];
		} else {
			h = results;
			n = sizeof results / sizeof results[0];
		}
	} else {
		switch (m->phase) {
		case PHASE_IDEAS:
			h = ideas;
			n = sizeof ideas / sizeof ideas[0];
			break;
		case PHASE_GROUP:
			h = group;
			n = sizeof group / sizeof group[0];
			break;
		case PHASE_VOTE:
			h = vote;
			n = sizeof vote / sizeof vote[0];
			break;
		case PHASE_HARVEST:
		case PHASE_CLOSED:
			h = harvest;
			n = sizeof harvest / sizeof harvest[0];
			break;
		default:
			h = welcome;
			n = sizeof welcome / sizeof welcome[0];
			break;
		}
		if (ui_is_facilitator(ui) && n + 2 <= sizeof fac /
		    sizeof fac[0]) {
			fac[0] = ":";
			fac[1] = N_("console");
			for (i = 0; i < n; i++)
				fac[i + 2] = h[i];
			h = fac;
			n += 2;
		}
	}
	if (ui->ascii && h[0][0] == '\xe2') {
		/* The arrows have no ASCII look-alike worth showing. */
		h += 2;
		n -= 2;
	}
	ui_draw_hints(ui, y, h, n);
}

/* ---------------------------------------------------------------- modals */

/* The line editor: a box above the status line, the cursor in it. */
static void
ui_draw_editor(struct ui *ui, int body_y, int body_h)
{
	struct layout_line	*l;
	const char		*s = editor_text(&ui->ed), *how;
	char			*t, hint[32], one[8], *piece;
	size_t			 len = strlen(s), *map, i, n, o = 0;
	size_t			 row, col, pl;
	int			 bw = COLS - 4, bh, y, top, k, maxh, hw;

	/* Sanitise character by character, remembering where each went. */
	map = xreallocarray(NULL, len + 1, sizeof *map);
	t = xmalloc(len * 3 + 1);
	for (i = 0; i < len; ) {
		n = text_next_char(s, len, i);
		memcpy(one, s + i, n - i < sizeof one - 1 ? n - i :
		    sizeof one - 1);
		one[n - i < sizeof one - 1 ? n - i : sizeof one - 1] = '\0';
		piece = text_sanitize(one, ui->ascii, true);
		pl = strlen(piece);
		if (o + pl > len * 3)
			pl = 0;
		for (; i < n; i++)
			map[i] = o;
		memcpy(t + o, piece, pl);
		o += pl;
		free(piece);
	}
	map[len] = o;
	t[o] = '\0';
	n = layout_wrap(t, (size_t)(bw > 2 ? bw - 1 : 1), &l);
	layout_cursor(t, l, n, map[ui->ed.cursor], &row, &col);

	maxh = body_h - 2 < 8 ? body_h - 2 : 8;
	if (maxh < 1)
		maxh = 1;
	bh = (int)n < maxh ? (int)n : maxh;
	y = body_y + body_h - bh - 1;
	if (y < body_y)
		y = body_y;
	top = (int)row >= bh ? (int)row - bh + 1 : 0;

	/* The prompt line, with how to finish and the limit. */
	ui_draw_fill(y, 0, COLS, A_REVERSE);
	k = ui_draw_text(ui, y, 1, COLS - 2, ui->prompt, A_REVERSE | A_BOLD);
	how = ui->ed.multiline ? _(" \xe2\x80\x94 Enter: save, Alt-Enter: "
	    "new line, Esc: cancel") : _(" \xe2\x80\x94 Enter: OK, Esc: "
	    "cancel");
	k += ui_draw_text_cut(ui, y, 1 + k, COLS - 12 - k, how, A_REVERSE);
	editor_limit_hint(&ui->ed, hint, sizeof hint);
	hw = (int)strlen(hint);
	if (hint[0] != '\0')
		ui_draw_text(ui, y, COLS - hw - 1, hw, hint, A_REVERSE |
		    (editor_left(&ui->ed) == 0 ? (int)A_BOLD : 0));
	for (k = 0; k < bh; k++) {
		ui_draw_fill(y + 1 + k, 0, COLS, A_NORMAL);
		if ((size_t)(top + k) < n)
			ui_draw_put(ui, y + 1 + k, 2, bw, t + l[top + k].start,
			    l[top + k].end - l[top + k].start, A_NORMAL);
	}
	ui->cur_on = true;
	ui->cur_y = y + 1 + (int)row - top;
	ui->cur_x = 2 + (int)col;
	free(l);
	free(t);
	free(map);
}

/* A picker: a framed list in the middle. */
static void
ui_draw_picker(struct ui *ui, int body_y, int body_h)
{
	size_t	i;
	int	w = 20, h, x, y, iw, k;
	char	key[8];

	for (i = 0; i < ui->nitems; i++) {
		iw = (int)text_width(ui->items[i].label) + 8;
		if (iw > w)
			w = iw;
	}
	if ((int)text_width(ui->pick_title) + 6 > w)
		w = (int)text_width(ui->pick_title) + 6;
	if (w > COLS - 2)
		w = COLS - 2;
	h = (int)ui->nitems + 2;
	if (h > body_h)
		h = body_h;
	if (h < 3)
		h = 3;
	x = (COLS - w) / 2;
	y = body_y + (body_h - h) / 2;
	if ((int)ui->pick < ui->pick_top)
		ui->pick_top = (int)ui->pick;
	if ((int)ui->pick >= ui->pick_top + h - 2)
		ui->pick_top = (int)ui->pick - (h - 3);
	ui_draw_box(ui, y, x, h, w, ui->pick_title);
	for (k = 0; k < h - 2; k++) {
		i = (size_t)(ui->pick_top + k);
		if (i >= ui->nitems)
			break;
		if (i == ui->pick)
			ui_draw_fill(y + 1 + k, x + 1, w - 2, A_REVERSE);
		key[0] = '\0';
		if (ui->items[i].key > 0 && ui->items[i].key < 0x7f)
			snprintf(key, sizeof key, "%c", ui->items[i].key);
		ui_draw_text(ui, y + 1 + k, x + 2, 1, key, (i == ui->pick ?
		    (int)A_REVERSE : 0) | ui_draw_attr(ui, UI_S_KEY));
		if (ui->items[i].mark)
			ui_draw_text(ui, y + 1 + k, x + 4, 1, ui_draw_glyph(ui,
			    "\xe2\x97\x8f", "*"), i == ui->pick ?
			    (int)A_REVERSE : 0);
		ui_draw_text_cut(ui, y + 1 + k, x + 6, w - 8,
		    ui->items[i].label, i == ui->pick ? (int)A_REVERSE : 0);
	}
}

/* One line of the help: a key and what it does, or a section title. */
struct ui_help {
	const char	*key;		/* NULL: a section title; "": blank */
	const char	*text;
};

/* Every key, in a scrolling page. */
static void
ui_draw_help(struct ui *ui, int y, int h)
{
	static const struct ui_help lines[] = {
		{ NULL, N_("Moving around") },
		{ "\xe2\x86\x91 \xe2\x86\x93  k j",
		    N_("previous / next card") },
		{ N_("PgUp PgDn  Ctrl-B Ctrl-F"), N_("a page up / down") },
		{ N_("Home End  < >"), N_("first / last card") },
		{ N_("Tab Shift-Tab  l h"),
		    N_("next / previous table (to visit " "it)") },
		{ "\xe2\x86\x92 \xe2\x86\x90", N_("next / previous table") },
		{ N_("Enter"), N_("the selected idea in full") },
		{ "w", N_("all tables side by side, or one at a time") },
		{ "v", N_("results: ideas by votes (once they are public)") },
		{ "/", N_("search every table") },
		{ "n N", N_("next / previous match") },
		{ N_("Esc"), N_("clear the search") },
		{ "", "" },
		{ NULL, N_("Writing") },
		{ "a", N_("add an idea to this table") },
		{ "r", N_("reply: build on the selected idea") },
		{ "e", N_("edit the selected idea (your own)") },
		{ "d", N_("delete the selected idea (your own), after y/n") },
		{ "g", N_("group: move to the card to put it under, then "
		    "Enter") },
		{ "t", N_("give the selected cluster a title") },
		{ N_("Space"), N_("vote: add a dot (on a card you dotted: take "
		    "it back)") },
		{ "x u", N_("take a dot back") },
		{ "s", N_("sit at another table") },
		{ ".", N_("mark yourself ready (or not)") },
		{ "", "" },
		{ NULL, N_("In a text field") },
		{ N_("Enter"), N_("save") },
		{ N_("Alt-Enter Ctrl-J"), N_("new line (ideas)") },
		{ N_("Esc"), N_("cancel") },
		{ N_("Home End Ctrl-A Ctrl-E"), N_("start / end of the line") },
		{ N_("Backspace Delete"), N_("erase a character") },
		{ "Ctrl-W", N_("erase the word before the cursor") },
		{ "Ctrl-U", N_("erase to the start of the line") },
		{ "", "" },
		{ NULL, N_("Facilitator") },
		{ ": F", N_("the console: timer, phase, banner, rotation, "
		    "settings, roles, follow me, lock, tables, seats") },
		{ "*", N_("keep the selected idea (or not)") },
		{ "", "" },
		{ NULL, N_("Other") },
		{ "Ctrl-L", N_("redraw the screen") },
		{ "?", N_("this help") },
		{ N_("q Ctrl-C"),
		    N_("quit (asks first when changes are not sent " "yet)") },
	};
	size_t		n = sizeof lines / sizeof lines[0], i;
	int		row, kw = 0, w, maxtop;
	const char	*key;

	for (i = 0; i < n; i++) {
		if (lines[i].key != NULL && (w = (int)text_width(
		    _(lines[i].key))) > kw)
			kw = w;
	}
	maxtop = (int)n + 2 - h;
	if (ui->help_top > maxtop)
		ui->help_top = maxtop > 0 ? maxtop : 0;
	for (row = 0; row < h; row++)
		ui_draw_fill(y + row, 0, COLS, A_NORMAL);
	ui_draw_text(ui, y, 1, COLS - 2, _("cafeboard: the keys (Esc or q to "
	    "close, arrows to scroll)"), A_BOLD | A_UNDERLINE);
	for (i = 0; i < n; i++) {
		row = (int)i - ui->help_top + 2;
		if (row < 2 || row >= h)
			continue;
		if (lines[i].key == NULL) {
			ui_draw_text(ui, y + row, 1, COLS - 2, _(lines[i].text),
			    A_BOLD);
			continue;
		}
		if (lines[i].key[0] == '\0')
			continue;
		/* Arrows have no ASCII form: say their names instead. */
		key = lines[i].key;
		if (ui->ascii && (unsigned char)key[0] >= 0x80)
			key = key[2] == '\x91' ? "Up Down" : "Right Left";
		ui_draw_text(ui, y + row, 3, kw, _(key), ui_draw_attr(ui,
		    UI_S_KEY));
		ui_draw_text_cut(ui, y + row, 3 + kw + 2, COLS - kw - 6,
		    _(lines[i].text), 0);
	}
}

/* A card in full, in a box. */
static void
ui_draw_detail(struct ui *ui, const struct model *m, int body_y, int body_h)
{
	const struct model_card	*c = model_card(m, ui->detail_card);
	struct layout_line	*l;
	const char		*who;
	char			*t, info[256];
	size_t			 n, i;
	int			 w = COLS - 8 < 72 ? COLS - 8 : 72, h, x, y, r;

	if (c == NULL) {
		ui->modal = UI_MODAL_NONE;
		return;
	}
	t = text_sanitize(c->deleted ? _("(deleted)") : c->hidden &&
	    c->text[0] == '\0' ? _("(private)") : c->text, ui->ascii, true);
	n = layout_wrap(t, (size_t)(w - 4), &l);
	h = (int)n + 4;
	if (h > body_h)
		h = body_h;
	x = (COLS - w) / 2;
	y = body_y + (body_h - h) / 2;
	who = ui_author(m, c->author);
	ui_draw_box(ui, y, x, h, w, who != NULL ? who : _("Idea"));
	for (i = 0; i < n && (int)i < h - 4; i++)
		ui_draw_put(ui, y + 1 + (int)i, x + 2, w - 4, t + l[i].start,
		    l[i].end - l[i].start, 0);
	r = y + h - 2;
	info[0] = '\0';
	if (ui_totals_visible(ui, m))
		snprintf(info, sizeof info, ngettext("%u dot", "%u dots",
		    c->votes), c->votes);
	if (ui->net.replica.me != 0 && model_votes_of(m, ui->net.replica.me,
	    c->id) > 0)
		snprintf(info + strlen(info), sizeof info - strlen(info),
		    _("%smine: %u"), info[0] != '\0' ? ", " : "",
		    model_votes_of(m, ui->net.replica.me, c->id));
	if (c->kept)
		snprintf(info + strlen(info), sizeof info - strlen(info),
		    "%s%s", info[0] != '\0' ? ", " : "", _("kept"));
	if (c->edited)
		snprintf(info + strlen(info), sizeof info - strlen(info),
		    "%s%s", info[0] != '\0' ? ", " : "", _("edited"));
	ui_draw_text(ui, r, x + 2, w - 4, info, A_DIM);
	free(l);
	free(t);
}

/* ---------------------------------------------------------------- main */

/* The whole screen, into curses' buffer, then out. */
void
ui_draw(struct ui *ui)
{
	struct model	*m;
	int		 y, h, bl;

	if (!ui->curses)
		return;
	ui->redraws++;
	erase();
	ui->cur_on = false;
	ui->too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS;
	if (ui->too_small) {
		ui->clock_w = 0;
		ui_draw_text(ui, LINES / 2, 0, COLS, _("Terminal too small"),
		    A_BOLD);
		ui_draw_text(ui, LINES / 2 + 1 < LINES ? LINES / 2 + 1 : 0, 0,
		    COLS, _("(40x10 at least)"), 0);
	} else if (ui->join.active || !ui->net_ready) {
		ui->clock_w = 0;
		ui_join_draw(ui);
	} else {
		m = ui_model(ui);
		ui_resolve_table(ui);
		ui_draw_header(ui, m);
		bl = ui_draw_banner(ui, m, 1);
		y = 1 + bl;
		h = LINES - 3 - bl;
		if (ui->modal == UI_MODAL_HELP)
			ui_draw_help(ui, y, h);
		else if (ui->view == UI_VIEW_RESULTS)
			ui_draw_results(ui, m, y, h);
		else
			ui_draw_board(ui, m, y, h);
		ui_draw_status(ui, m, LINES - 2);
		ui_draw_keyline(ui, m, LINES - 1);
		switch (ui->modal) {
		case UI_MODAL_EDIT:
			ui_draw_editor(ui, y, h);
			break;
		case UI_MODAL_PICK:
			ui_draw_picker(ui, y, h);
			break;
		case UI_MODAL_CONSOLE:
			ui_console_draw(ui);
			break;
		case UI_MODAL_DETAIL:
			ui_draw_detail(ui, m, y, h);
			break;
		default:
			break;
		}
	}
	if (ui->cur_on != ui->cursor_visible) {
		curs_set(ui->cur_on ? 1 : 0);
		ui->cursor_visible = ui->cur_on;
	}
	/*
	 * With no cursor to show, curses may leave the terminal's cursor
	 * where the last change put it: the next tick of the countdown then
	 * costs a few bytes, not a round trip across the screen.
	 */
	leaveok(stdscr, ui->cur_on ? FALSE : TRUE);
	if (ui->cur_on)
		move(ui->cur_y, ui->cur_x);
	refresh();
}
