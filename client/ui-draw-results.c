/*
 * ui-draw-results.c -- the results view: per question, the ideas by
 * number of dots with bars, the kept ones marked, and how many are kept.
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

/*
 * How many ideas of a question are kept, against the board's keep count:
 * "kept 2/3", or "4 kept, 3 planned" when more are kept than planned.
 */
static void
ui_res_kept_label(const struct model *m, uint64_t table, char *buf,
    size_t len)
{
	uint32_t	kept = 0;
	size_t		i;

	for (i = 0; i < m->ncards; i++)
		kept += m->cards[i].table == table && m->cards[i].kept &&
		    !m->cards[i].deleted;
	if (kept > m->settings.keep)
		snprintf(buf, len, _("%u kept, %u planned"), kept,
		    m->settings.keep);
	else
		snprintf(buf, len, _("kept %u/%u"), kept, m->settings.keep);
}

/* Lay out the results: per question, a heading then the ranked ideas. */
static size_t
ui_res_layout(struct ui *ui, const struct model *m, int w, struct ui_res **out,
    int *total)
{
	struct ui_res	*r = NULL;
	uint64_t	*ids;
	uint32_t	*num = ui_draw_cards_numbers(m);
	size_t		 n = 0, t, i, k;
	int		 line = 0, tw = w - ui_res_indent(w), qw = w - 1, lw;
	char		*raw, label[128];

	if (tw < 8)
		tw = 8;
	/* A question's first line leaves room for its "kept N/M". */
	lw = 0;
	for (t = 0; t < m->ntables && m->settings.keep > 0; t++) {
		ui_res_kept_label(m, m->tables[t].id, label, sizeof label);
		if ((int)text_width(label) > lw)
			lw = (int)text_width(label);
	}
	if (lw > 0)
		qw -= lw + 2;
	if (qw < 8)
		qw = 8;
	for (t = 0; t < m->ntables; t++) {
		k = ui_deliver_rank(ui, m, m->tables[t].id, &ids);
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
			/* Its number on its table, as on the board. */
			xasprintf(&raw, "%u. %s", num[c - m->cards],
			    c->hidden && c->text[0] == '\0' ? _("(private)") :
			    c->text);
			r[n].text = text_sanitize(raw, ui->ascii, true);
			free(raw);
			r[n].nlines = layout_wrap(r[n].text, (size_t)tw,
			    &r[n].lines);
			r[n].start = line;
			r[n].height = (int)r[n].nlines;
			line += r[n].height;
			n++;
		}
		free(ids);
	}
	free(num);
	*out = r;
	*total = line;
	return n;
}

/* The most votes (or what the results are sorted by) on one question. */
static uint32_t
ui_res_max(struct ui *ui, const struct model *m, uint64_t table)
{
	uint32_t	max = 0, v;
	size_t		i;

	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].table != table || m->cards[i].deleted)
			continue;
		v = ui_deliver_number(ui, m, &m->cards[i]);
		if (v > max)
			max = v;
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
void
ui_draw_results(struct ui *ui, const struct model *m, int y, int h)
{
	struct ui_res		*r;
	const struct layout_line *ln;
	size_t			 n, i, sel = SIZE_MAX, k, k2;
	uint32_t		 max = 0;
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
		ui_draw_spot(ui, y + 1, 2);
		return;
	}
	ui_draw_spot(ui, y, 0);
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

		if (r[i].card == 0)
			max = ui_res_max(ui, m, r[i].table);
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
					ui_res_kept_label(m, r[i].table, num,
					    sizeof num);
					nw = (int)text_width(num);
					ui_draw_text(ui, row, COLS - nw - 1,
					    nw, num, A_DIM);
				}
				continue;
			}
			a = i == sel ? (int)A_REVERSE : 0;
			if (a != 0)
				ui_draw_fill(row, 0, COLS, a);
			if (i == sel && (k == 0 || line == 0))
				ui_draw_marker(ui, row, 0, a);
			if (k == 0) {
				if (c->kept)
					ui_draw_text(ui, row, 1, 3, star,
					    a | ui_draw_attr(ui, UI_S_KEPT));
				ui_draw_bar(ui, row, 4, bw,
				    ui_deliver_number(ui, m, c), max,
				    a | ui_draw_attr(ui, UI_S_DOTS));
				snprintf(num, sizeof num, "%4u",
				    ui_deliver_number(ui, m, c));
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


/* The ideas of the results in order and the first line of each. */
size_t
ui_draw_results_order(struct ui *ui, uint64_t **ids, int **starts)
{
	struct ui_res	*r;
	size_t		 n, i, k = 0;
	int		 total;

	n = ui_res_layout(ui, ui_model(ui), COLS, &r, &total);
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
