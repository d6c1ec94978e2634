/*
 * ui-draw.c -- the screen: setup, text, the countdown, the header and the
 * banner, and ui_draw, which draws it all (the board in ui-draw-cards.c,
 * the results in ui-draw-results.c, the bottom lines in ui-draw-status.c,
 * what opens over them in ui-draw-modal.c).
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
	ui->screen = s;
	ui->curses = true;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	meta(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(100);
	/*
	 * The cursor shows where the focus is (ui_draw_focus), for screen
	 * readers, braille displays and magnifiers; a terminal that cannot
	 * show it still has it moved there.
	 */
	ui->cursor_visible = curs_set(1) != ERR;
	leaveok(stdscr, FALSE);
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

/* ---------------------------------------------------------------- focus */

/*
 * The selection just drawn (a card, a line of a list, a tool of the
 * console) is at y, x.  What is drawn later is drawn over it, so the last
 * call of a draw wins: a picker's line over the card it was opened on.
 */
void
ui_draw_spot(struct ui *ui, int y, int x)
{
	ui->focus_y = y;
	ui->focus_x = x;
	ui->focus_on = true;
}

/*
 * The selection marker (one column) at y, x, and the focus on it: the
 * selection shows without reverse video too (monochrome, magnifiers,
 * screen readers).
 */
void
ui_draw_marker(struct ui *ui, int y, int x, int attr)
{
	ui_draw_text(ui, y, x, 1, ui_draw_glyph(ui, "\xe2\x96\xb6", ">"),
	    attr | A_BOLD);
	ui_draw_spot(ui, y, x);
}

/*
 * Put the terminal's cursor on the focus: a text field's cursor, else the
 * selection drawn last, else the top left corner.  The one place that
 * decides it: every path that writes to the screen, the countdown's ticks
 * too, calls it just before refresh(), so that a braille display or a
 * screen reader follows the user's focus, never the clock.
 */
void
ui_draw_focus(struct ui *ui)
{
	int	y = 0, x = 0;

	if (ui->cur_on) {
		y = ui->cur_y;
		x = ui->cur_x;
	} else if (ui->focus_on) {
		y = ui->focus_y;
		x = ui->focus_x;
	}
	if (y < 0 || y >= LINES)
		y = 0;
	if (x < 0 || x >= COLS)
		x = 0;
	move(y, x);
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
int
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

/* Columns of the timer's label in the header, at most. */
#define UI_CLOCK_LABEL	24

/*
 * True when the countdown shows minutes only: it runs and is more than a
 * minute from zero (rem ms left).  A paused one shows its seconds: it
 * costs no tick.
 */
bool
ui_draw_clock_minutes(const struct model *m, uint64_t rem)
{
	return m->timer.running && rem > 60000;
}

/*
 * The countdown as the header shows it ("" when there is no timer) and its
 * style: "12 min" while it runs more than a minute from zero, then mm:ss,
 * both rounded up, so that 00:00 means the time is really over.
 */
void
ui_draw_clock_text(struct ui *ui, const struct model *m, char *buf, size_t len,
    int *style)
{
	uint64_t	rem = model_timer_remaining(m, net_now_ms());
	uint64_t	s = (rem + 999) / 1000;
	char		t[32], *label;
	size_t		keep;
	bool		cut;

	/*
	 * In the terminal's own colours: a tick then costs the digit that
	 * changed and a cursor step, no attribute sequences around it.
	 */
	*style = UI_S_NORMAL;
	buf[0] = '\0';
	if (!m->timer.running && rem == 0 && !m->timer.ended)
		return;
	if (ui_draw_clock_minutes(m, rem))
		/*
		 * More than a minute from zero: minutes only, rounded up,
		 * so that the header changes once a minute.  Over SSH
		 * each change is a packet; a room of people on one weak
		 * link pays it per person.
		 */
		snprintf(t, sizeof t, _("%llu min"),
		    (unsigned long long)((rem + 59999) / 60000));
	else if (s >= 3600)
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
	/* A long label is cut, and says so. */
	label = text_sanitize(m->timer.label != NULL ? m->timer.label : "",
	    ui->ascii, false);
	cut = text_width(label) > UI_CLOCK_LABEL;
	keep = text_fit(label, UI_CLOCK_LABEL - (cut ? (ui->ascii ? 3 : 1) :
	    0), NULL);
	label[keep] = '\0';
	snprintf(buf, len, " %s%s%s%s%s ", label, cut ? ui_draw_glyph(ui,
	    "\xe2\x80\xa6", "...") : "", label[0] != '\0' ? " " : "", t,
	    !m->timer.running && rem > 0 ? _(" (paused)") : "");
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
	ui_draw_focus(ui);
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
	int	n = LINES - 2 - ui_draw_status_keyline_rows(ui);

	if (ui->net_ready)
		n -= ui_banner_lines(ui, ui_model(ui));
	return n > 1 ? (size_t)n : 1;
}

/*
 * The title bar: board, round (or the run sheet's step), phase, and the
 * countdown at the right.
 */
static void
ui_draw_header(struct ui *ui, const struct model *m)
{
	char		 round[256], phase[128], clock[sizeof ui->clock];
	const char	*sep = ui_draw_glyph(ui, " \xc2\xb7 ", " - "), *title;
	int		 hattr = ui_draw_attr(ui, UI_S_HEADER), style, cw, x,
	    avail;
	int		 rw, pw, tw, sw;
	char		*t;
	bool		 step;

	ui_draw_fill(0, 0, COLS, hattr);
	ui_draw_clock_text(ui, m, clock, sizeof clock, &style);
	cw = (int)text_width(clock);
	if (cw > COLS / 2)
		cw = 0;
	if (!(step = ui_day_step_text(m, round, sizeof round)))
		snprintf(round, sizeof round, _("Round %u"), m->round);
	else {
		t = text_sanitize(round, ui->ascii, false);
		snprintf(round, sizeof round, "%s", t);
		free(t);
	}
	snprintf(phase, sizeof phase, _("Phase: %s"), ui_text_phase(m->phase));
	title = m->settings.title != NULL && m->settings.title[0] != '\0' ?
	    m->settings.title : m->name;
	t = text_sanitize(title, ui->ascii, false);
	tw = (int)text_width(t);
	free(t);
	sw = (int)text_width(sep);
	rw = sw + (int)text_width(round);
	pw = sw + (int)text_width(phase);
	avail = COLS - cw - 2;
	if (step) {
		/*
		 * The phase matters more than the run sheet's step, the step
		 * than the title: the title gives way, then the step is cut.
		 */
		if (tw + rw + pw > avail)
			tw = avail - rw - pw;
		if (tw < 10)
			tw = 0;
		if (tw == 0 && rw - sw + pw > avail)
			rw = avail - pw + sw;
	} else {
		/* The phase matters more than the round, the round than the
		 * title. */
		if (tw + rw + pw > avail && avail - rw - pw < 12)
			rw = 0;
		if (tw + rw + pw > avail)
			tw = avail - rw - pw;
	}
	x = 1;
	if (tw > 0)
		x += ui_draw_text_cut(ui, 0, x, tw, title, hattr);
	if (rw > sw) {
		if (tw > 0)
			x += ui_draw_text(ui, 0, x, avail + 1 - x, sep, hattr);
		x += ui_draw_text_cut(ui, 0, x, rw - sw, round, hattr);
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

/* ---------------------------------------------------------------- main */

/* The whole screen, into curses' buffer, then out. */
void
ui_draw(struct ui *ui)
{
	struct model	*m;
	int		 y, h, bl, kl;

	if (!ui->curses)
		return;
	ui->redraws++;
	erase();
	ui->cur_on = false;
	ui->focus_on = false;
	ui->too_small = COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS;
	if (ui->too_small) {
		ui->clock_w = 0;
		ui_draw_text(ui, LINES / 2, 0, COLS, _("Terminal too small"),
		    A_BOLD);
		ui_draw_spot(ui, LINES / 2, 0);
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
		kl = ui_draw_status_keyline_rows(ui);
		y = 1 + bl;
		h = LINES - 2 - kl - bl;
		if (ui->modal == UI_MODAL_HELP)
			ui_draw_modal_help(ui, y, h);
		else if (ui->modal == UI_MODAL_POLL)
			ui_day_draw_poll(ui, m, y, h);
		else if (ui->view == UI_VIEW_RESULTS)
			ui_draw_results(ui, m, y, h);
		else
			ui_draw_cards(ui, m, y, h);
		ui_draw_status(ui, m, LINES - 1 - kl);
		ui_draw_status_keyline(ui, m, LINES - kl, kl);
		switch (ui->modal) {
		case UI_MODAL_EDIT:
			ui_draw_modal_editor(ui, y, h);
			break;
		case UI_MODAL_PICK:
			ui_draw_modal_picker(ui, y, h);
			break;
		case UI_MODAL_CONSOLE:
			ui_console_draw(ui);
			break;
		case UI_MODAL_DETAIL:
			ui_draw_modal_detail(ui, m, y, h);
			break;
		default:
			break;
		}
	}
	ui_draw_focus(ui);
	refresh();
}
