/*
 * ui-draw-status.c -- the two lines at the bottom: who is here and the
 * state of the connection, then a question, a message or the keys that
 * matter now (from the key table).
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

/* After this many failed attempts in a row, the client is offline. */
#define UI_OFFLINE_TRIES	4

/* The key line takes at most this many lines for a long message. */
#define UI_KEYLINE_MAX		4

/*
 * The state of the connection, for the status line, and its style:
 * connected, reconnecting (just lost), offline (lost for a while, or
 * stopped), each with the changes that wait to be sent.
 */
static void
ui_conn_text(struct ui *ui, char *buf, size_t len, int *style)
{
	struct net	*n = &ui->net;
	int64_t		 ms;
	long long	 s;
	size_t		 unsent = net_unsent(n);
	char		 waiting[128] = "";

	if (unsent > 0)
		snprintf(waiting, sizeof waiting, ngettext(" \xc2\xb7 %zu "
		    "change waiting", " \xc2\xb7 %zu changes waiting", unsent),
		    unsent);
	*style = UI_S_WARN;
	switch (n->state) {
	case NET_LIVE:
		snprintf(buf, len, "%s%s", _("connected"), waiting);
		*style = unsent > 0 ? UI_S_WARN : UI_S_OK;
		break;
	case NET_WAITING:
		ms = n->retry_at - net_now_ms();
		s = (long long)(ms > 0 ? (ms + 999) / 1000 : 0);
		if (n->attempts >= UI_OFFLINE_TRIES) {
			snprintf(buf, len, _("offline%s \xc2\xb7 next try in "
			    "%lld s"), waiting, s);
			*style = UI_S_ERROR;
		} else
			snprintf(buf, len, _("reconnecting in %lld s%s"), s,
			    waiting);
		break;
	case NET_STOPPED:
		if (unsent > 0)
			snprintf(buf, len, ngettext("offline: %zu change "
			    "waiting", "offline: %zu changes waiting", unsent),
			    unsent);
		else if (n->last_error == ERROR_NAME)
			snprintf(buf, len, "%s", _("offline (your name is in "
			    "use on another terminal)"));
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

/* Append a piece of the status line's right part, with its style. */
static void
ui_status_piece(char pieces[][256], int *styles, int *n, int style,
    const char *s)
{
	snprintf(pieces[*n], 256, "%s", s);
	styles[(*n)++] = style;
}

/*
 * Who sits at the shown table, then at the right: dots left, the lock and
 * follow-me when they are on, how many are online, the connection.
 */
void
ui_draw_status(struct ui *ui, const struct model *m, int y)
{
	const struct model_participant	*p;
	const char			*sep = ui_draw_glyph(ui,
	    " \xc2\xb7 ", " - ");
	char				 pieces[5][256], label[64];
	int				 styles[5], np = 0, style, rw = 0, x, w;
	int				 attr, i;
	size_t				 k, online, here = 0;
	uint32_t			 used, left;

	ui_draw_fill(y, 0, COLS, A_NORMAL);
	if (m->phase == PHASE_VOTE && ui->net.replica.me != 0 &&
	    ui->table != 0) {
		used = model_dots_used(m, ui->net.replica.me, ui->table);
		left = m->settings.dots > used ? m->settings.dots - used : 0;
		snprintf(label, sizeof label, ngettext("%u dot left",
		    "%u dots left", left), left);
		ui_status_piece(pieces, styles, &np, UI_S_DOTS, label);
	}
	if (m->settings.locked)
		ui_status_piece(pieces, styles, &np, UI_S_WARN, _("locked"));
	if (m->follow_view != FOLLOW_NONE)
		ui_status_piece(pieces, styles, &np, UI_S_WARN,
		    _("follow me"));
	online = replica_online_count(&ui->net.replica);
	snprintf(label, sizeof label, ngettext("%zu online", "%zu online",
	    online), online);
	ui_status_piece(pieces, styles, &np, UI_S_NORMAL, label);
	ui_conn_text(ui, pieces[np], sizeof pieces[np], &style);
	styles[np++] = style;
	for (i = 0; i < np; i++)
		rw += (int)text_width(pieces[i]) + (i > 0 ?
		    (int)text_width(sep) : 0);
	x = COLS - rw - 1;
	if (x < 0)
		x = 0;
	for (i = 0; i < np; i++) {
		if (i > 0)
			x += ui_draw_text(ui, y, x, COLS - x, sep, A_DIM);
		x += ui_draw_text(ui, y, x, COLS - x, pieces[i],
		    ui_draw_attr(ui, (enum ui_style)styles[i]));
	}

	/* The people at this table, on what is left. */
	w = COLS - rw - 3;
	if (w < 10 || ui->table == 0)
		return;
	snprintf(label, sizeof label, "%s ", _("Here:"));
	x = ui_draw_text(ui, y, 0, w, label, A_DIM);
	for (k = 0; k < m->nparticipants; k++) {
		p = &m->participants[k];
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

/* ---------------------------------------------------------------- keys */

/* The question or the message the key line shows (NULL: the hints). */
static const char *
ui_keyline_text(struct ui *ui, char *buf, size_t len, int *attr)
{
	if (ui->modal == UI_MODAL_CONFIRM && ui->prompt != NULL) {
		snprintf(buf, len, "%s %s", ui->prompt, _("(y/n)"));
		*attr = ui_draw_attr(ui, UI_S_ERROR);
		return buf;
	}
	if (ui->msg[0] != '\0') {
		*attr = ui->msg_error ? ui_draw_attr(ui, UI_S_ERROR) :
		    (int)A_BOLD;
		return ui->msg;
	}
	return NULL;
}

/* The most lines the key line may take on this screen. */
static int
ui_keyline_max(void)
{
	int	n = (LINES - 8) / 4;

	return n < 1 ? 1 : n > UI_KEYLINE_MAX ? UI_KEYLINE_MAX : n;
}

/*
 * The lines the key line needs: one for the hints, more for a question or
 * a message that does not fit on one (up to a quarter of the screen).
 */
int
ui_draw_status_keyline_rows(struct ui *ui)
{
	struct layout_line	*l;
	char			 buf[800], *t;
	const char		*s;
	size_t			 n;
	int			 attr, max = ui_keyline_max();

	if ((s = ui_keyline_text(ui, buf, sizeof buf, &attr)) == NULL)
		return 1;
	t = text_sanitize(s, ui->ascii, false);
	n = layout_wrap(t, (size_t)(COLS > 3 ? COLS - 2 : 1), &l);
	free(l);
	free(t);
	return (int)n < max ? (int)n : max;
}

/*
 * Rank of a section on the hint line: the facilitator's keys, actions,
 * moving, then help and quit.
 */
static int
ui_hint_rank(unsigned section)
{
	switch (section) {
	case UI_SEC_FAC:
		return 0;
	case UI_SEC_MOVE:
		return 2;
	case UI_SEC_OTHER:
		return 3;
	}
	return 1;
}

/* The keys of a hint as the key line writes them; NULL: not in ASCII. */
static const char *
ui_hint_key(struct ui *ui, const struct ui_key *k)
{
	const char	*key;

	key = ui_text_tr(k->hname != NULL ? k->hname : k->name);
	/* Arrows and the like have no ASCII look-alike worth it. */
	if (ui->ascii && (unsigned char)key[0] >= 0x80)
		return NULL;
	return key;
}

/* Columns a hint takes: its keys, a space, its word, two spaces. */
static int
ui_hint_width(const char *key, const struct ui_key *k)
{
	return (int)(text_width(key) + 1 + text_width(ui_text_tr(k->hint)) +
	    2);
}

/*
 * The keys that matter in this context, phase and role, from the key
 * table: actions first, then moving, then help and quit, which always
 * show at the right end; the others while they fit.
 */
static void
ui_draw_hints(struct ui *ui, const struct model *m, int y)
{
	const struct ui_key	*k, *v[48];
	unsigned		 ctx = ui_keys_context(ui);
	const char		*key;
	size_t			 i, n = 0, tail;
	int			 rank, x = 1, tw = 0, end;

	for (rank = 0; rank < 4; rank++) {
		for (i = 0; i < ui_keys_count() && n < 48; i++) {
			k = ui_keys_row(i);
			if (ui_hint_rank(k->section) == rank &&
			    ui_keys_hinted(ui, k, ctx, m->phase))
				v[n++] = k;
		}
	}
	for (tail = n; tail > 0 && v[tail - 1]->section == UI_SEC_OTHER;
	    tail--)
		;
	for (i = tail; i < n; i++) {
		if ((key = ui_hint_key(ui, v[i])) != NULL)
			tw += ui_hint_width(key, v[i]);
	}
	end = COLS - 1 - tw;
	for (i = 0; i < n; i++) {
		if ((key = ui_hint_key(ui, v[i])) == NULL)
			continue;
		if (i < tail && x + ui_hint_width(key, v[i]) - 2 > end)
			continue;
		x += ui_draw_text(ui, y, x, COLS - x, key,
		    ui_draw_attr(ui, UI_S_KEY));
		x += ui_draw_text(ui, y, x, COLS - x, " ", 0);
		x += ui_draw_text(ui, y, x, COLS - x,
		    ui_text_tr(v[i]->hint), 0);
		x += ui_draw_text(ui, y, x, COLS - x, "  ", 0);
	}
}

/*
 * The key line, rows lines from y: a question, a message (wrapped; cut
 * with an ellipsis only past its last line), or the keys that matter now.
 */
void
ui_draw_status_keyline(struct ui *ui, const struct model *m, int y, int rows)
{
	struct layout_line	*l;
	char			 buf[800], *t, *rest;
	const char		*s;
	size_t			 n, i;
	int			 attr, r;

	for (r = 0; r < rows; r++)
		ui_draw_fill(y + r, 0, COLS, A_NORMAL);
	if ((s = ui_keyline_text(ui, buf, sizeof buf, &attr)) == NULL) {
		ui_draw_hints(ui, m, y);
		return;
	}
	t = text_sanitize(s, ui->ascii, false);
	n = layout_wrap(t, (size_t)(COLS > 3 ? COLS - 2 : 1), &l);
	for (i = 0; i < n && (int)i < rows; i++) {
		if ((int)i + 1 == rows && n > i + 1) {
			rest = xstrdup(t + l[i].start);
			ui_draw_text_cut(ui, y + (int)i, 1, COLS - 2, rest,
			    attr);
			free(rest);
		} else
			ui_draw_put(ui, y + (int)i, 1, COLS - 2,
			    t + l[i].start, l[i].end - l[i].start, attr);
	}
	free(l);
	free(t);
}
