/*
 * ui-draw-modal.c -- what opens over the view: the line editor, a picker,
 * the help screen and a card in full.
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

/* The line editor: a box above the status line, the cursor in it. */
void
ui_draw_modal_editor(struct ui *ui, int body_y, int body_h)
{
	struct layout_line	*l;
	struct layout_line	*pll;
	const char		*s = editor_text(&ui->ed);
	char			*t, *p, hint[32], one[8], *piece;
	size_t			 len = strlen(s), *map, i, n, o = 0;
	size_t			 row, col, pl, np;
	int			 bw = COLS - 4, bh, y, top, k, maxh, hw, ph;

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

	/* The prompt, on two lines if need be, with the limit at its end. */
	editor_limit_hint(&ui->ed, hint, sizeof hint);
	hw = (int)strlen(hint);
	p = text_sanitize(ui->prompt != NULL ? ui->prompt : "", ui->ascii,
	    false);
	np = layout_wrap(p, (size_t)(COLS - 3 - (hw > 0 ? hw + 1 : 0)),
	    &pll);
	ph = np > 1 && body_h > 6 ? 2 : 1;

	maxh = body_h - 1 - ph < 8 ? body_h - 1 - ph : 8;
	if (maxh < 1)
		maxh = 1;
	bh = (int)n < maxh ? (int)n : maxh;
	y = body_y + body_h - bh - ph;
	if (y < body_y)
		y = body_y;
	top = (int)row >= bh ? (int)row - bh + 1 : 0;

	for (k = 0; k < ph; k++) {
		ui_draw_fill(y + k, 0, COLS, A_REVERSE);
		if (k + 1 == ph && np > (size_t)ph)
			ui_draw_text_cut(ui, y + k, 1, COLS - 3 - (hw > 0 ?
			    hw + 1 : 0), p + pll[k].start, A_REVERSE | A_BOLD);
		else
			ui_draw_put(ui, y + k, 1, COLS - 3, p + pll[k].start,
			    pll[k].end - pll[k].start, A_REVERSE | A_BOLD);
	}
	if (hint[0] != '\0')
		ui_draw_text(ui, y + ph - 1, COLS - hw - 1, hw, hint,
		    A_REVERSE | (editor_left(&ui->ed) == 0 ? (int)A_BOLD : 0));
	y += ph - 1;
	for (k = 0; k < bh; k++) {
		ui_draw_fill(y + 1 + k, 0, COLS, A_NORMAL);
		if ((size_t)(top + k) < n)
			ui_draw_put(ui, y + 1 + k, 2, bw, t + l[top + k].start,
			    l[top + k].end - l[top + k].start, A_NORMAL);
	}
	ui->cur_on = true;
	ui->cur_y = y + 1 + (int)row - top;
	ui->cur_x = 2 + (int)col;
	free(pll);
	free(p);
	free(l);
	free(t);
	free(map);
}

/* A picker: a framed list in the middle. */
void
ui_draw_modal_picker(struct ui *ui, int body_y, int body_h)
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

/* One line of the help screen. */
struct ui_help_line {
	const char	*key;		/* NULL: a section title or more text */
	const char	*text;		/* sanitised, owned */
	size_t		 len;		/* bytes of text on this line */
	bool		 title;
};

/* Append a line to the help. */
static void
ui_help_add(struct ui_help_line **v, size_t *n, const char *key,
    const char *text, size_t len, bool title)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].key = key;
	(*v)[*n].text = text;
	(*v)[*n].len = len;
	(*v)[*n].title = title;
	(*n)++;
}

/*
 * The help as lines: per section of the key table, each row this user may
 * use (a facilitator sees them all) with its keys and what it does,
 * wrapped after a key column kw wide.  Returns the count; the texts to
 * free are in *texts.
 */
static size_t
ui_help_lines(struct ui *ui, int kw, struct ui_help_line **out,
    char ***texts, size_t *ntexts)
{
	const struct ui_key	*k;
	struct ui_help_line	*v = NULL;
	struct layout_line	*l;
	unsigned		 who = ui_keys_who(ui), sec;
	char			*raw, *t;
	size_t			 n = 0, i, j, nl, start;
	int			 w = COLS - kw - 6;

	*texts = NULL;
	*ntexts = 0;
	if (w < 10)
		w = 10;
	for (sec = 0; sec < UI_SEC_COUNT; sec++) {
		start = n;
		for (i = 0; i < ui_keys_count(); i++) {
			k = ui_keys_row(i);
			if (k->section != sec || k->help == NULL ||
			    (who != UI_WHO_FAC && !(k->who & who)))
				continue;
			if (n == start) {
				if (n > 0)
					ui_help_add(&v, &n, NULL, "", 0, false);
				ui_help_add(&v, &n, NULL,
				    ui_keys_section(sec), strlen(
				    ui_keys_section(sec)), true);
			}
			if (ui_keys_is_tool(k))
				xasprintf(&raw, "%s \xe2\x80\x94 %s",
				    ui_text_tr(k->hint), ui_text_tr(k->help));
			else
				raw = xstrdup(ui_text_tr(k->help));
			t = text_sanitize(raw, ui->ascii, false);
			free(raw);
			*texts = xreallocarray(*texts, *ntexts + 1,
			    sizeof **texts);
			(*texts)[(*ntexts)++] = t;
			nl = layout_wrap(t, (size_t)w, &l);
			for (j = 0; j < nl; j++)
				ui_help_add(&v, &n, j == 0 ?
				    ui_keys_name(ui, k) : NULL, t + l[j].start,
				    l[j].end - l[j].start, false);
			free(l);
		}
	}
	*out = v;
	return n;
}

/*
 * Every key this user may press, from the key table, in a scrolling page:
 * no description is ever cut, long ones wrap under themselves.
 */
void
ui_draw_modal_help(struct ui *ui, int y, int h)
{
	const struct ui_key	*k;
	struct ui_help_line	*v;
	char			**texts;
	size_t			 n, i, nt;
	int			 row, kw = 0, w, maxtop;

	for (i = 0; i < ui_keys_count(); i++) {
		k = ui_keys_row(i);
		if (k->help != NULL && (w = (int)text_width(ui_keys_name(ui,
		    k))) > kw)
			kw = w;
	}
	if (kw > COLS / 3)
		kw = COLS / 3;
	n = ui_help_lines(ui, kw, &v, &texts, &nt);
	maxtop = (int)n + 2 - h;
	if (ui->help_top > maxtop)
		ui->help_top = maxtop > 0 ? maxtop : 0;
	for (row = 0; row < h; row++)
		ui_draw_fill(y + row, 0, COLS, A_NORMAL);
	ui_draw_text_cut(ui, y, 1, COLS - 2, _("cafeboard: the keys (Esc or "
	    "q to close, arrows to scroll)"), A_BOLD | A_UNDERLINE);
	for (i = 0; i < n; i++) {
		row = (int)i - ui->help_top + 2;
		if (row < 2 || row >= h)
			continue;
		if (v[i].title) {
			ui_draw_text(ui, y + row, 1, COLS - 2, v[i].text,
			    A_BOLD);
			continue;
		}
		if (v[i].key != NULL)
			ui_draw_text_cut(ui, y + row, 3, kw, v[i].key,
			    ui_draw_attr(ui, UI_S_KEY));
		ui_draw_put(ui, y + row, 3 + kw + 2, COLS - kw - 6,
		    v[i].text, v[i].len, 0);
	}
	/* Say that there is more below. */
	if (ui->help_top < maxtop)
		ui_draw_text(ui, y + h - 1, COLS - 2, 1, ui_draw_glyph(ui,
		    "\xe2\x86\x93", "v"), A_BOLD);
	for (i = 0; i < nt; i++)
		free(texts[i]);
	free(texts);
	free(v);
}

/* A card in full, in a box. */
void
ui_draw_modal_detail(struct ui *ui, const struct model *m, int body_y,
    int body_h)
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
	who = ui_draw_cards_author(m, c->author);
	ui_draw_box(ui, y, x, h, w, who != NULL ? who : _("Idea"));
	for (i = 0; i < n && (int)i < h - 4; i++)
		ui_draw_put(ui, y + 1 + (int)i, x + 2, w - 4, t + l[i].start,
		    l[i].end - l[i].start, 0);
	r = y + h - 2;
	info[0] = '\0';
	if (ui_draw_cards_totals(ui, m))
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
