/*
 * ui-join.c -- the join screen: the board's name and a first name when the
 * command line gave none, and what the server refused (ERROR 101, 102,
 * 103) so that the user can fix it and try again without restarting.
 * Errors nothing on the keyboard can fix (another protocol version, a
 * certificate that is not the expected one) say so and offer to retry or
 * quit.
 *
 * Two screens wait rather than ask: a board given on the command line
 * (ForceCommand's --board) that is not open yet -- never another board,
 * nor the list of the others -- and a server that cannot be reached, with
 * what to do about it.  Both try again by themselves; the board replaces
 * them once joined.  With TLS, a certificate never seen is shown with its
 * fingerprint for the user to accept once.
 */
#include <event2/event.h>

#include <ctype.h>
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

#define UI_CTRL(c)	((c) & 0x1f)

/* While waiting: the first retry, doubling up to the last. */
#define UI_JOIN_RETRY_MIN_MS	2000
#define UI_JOIN_RETRY_MAX_MS	10000

/* The default board offered when none was given. */
#define UI_JOIN_BOARD	"cafe"

/* Field labels, in enum ui_field order. */
static const char *const ui_join_labels[UI_FIELD_COUNT] = {
	N_("Board"), N_("First name"), N_("Join code"),
};

/* Limits of the fields, in code points. */
static const size_t ui_join_limits[UI_FIELD_COUNT] = {
	PROTO_BOARD_MAX, PROTO_NAME_MAX, PROTO_CODE_MAX,
};

/* Release the fields. */
void
ui_join_free(struct ui *ui)
{
	int	i;

	for (i = 0; i < UI_FIELD_COUNT; i++) {
		if (ui->join.field[i].buf != NULL)
			editor_free(&ui->join.field[i]);
	}
	boards_free(&ui->join.boards);
	if (ui->join.tick_ev != NULL) {
		event_free(ui->join.tick_ev);
		ui->join.tick_ev = NULL;
	}
	ui->join.active = false;
}

/* Try to join again now, keeping the waiting screen up meanwhile. */
static void
ui_join_retry(struct ui *ui)
{
	struct ui_join	*j = &ui->join;

	j->tries++;
	j->retry_at = 0;
	ui_connect(ui);
	ui_dirty(ui);
}

/* Once a second while waiting: the countdown, then the retry. */
static void
ui_join_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;

	(void)fd;
	(void)what;
	if (ui->join.retry_at != 0 && net_now_ms() >= ui->join.retry_at)
		ui_join_retry(ui);
	ui_dirty(ui);
}

/* Wait before the next try, longer each time, and count it down. */
static void
ui_join_wait(struct ui *ui, unsigned tries)
{
	struct ui_join	*j = &ui->join;
	struct timeval	 tv = { 1, 0 };
	int64_t		 d = UI_JOIN_RETRY_MIN_MS;

	j->waiting = true;
	j->tries = tries;
	while (tries-- > 0 && d < UI_JOIN_RETRY_MAX_MS)
		d *= 2;
	if (d > UI_JOIN_RETRY_MAX_MS)
		d = UI_JOIN_RETRY_MAX_MS;
	j->retry_at = net_now_ms() + d;
	j->tick_ev = event_new(ui->base, -1, EV_PERSIST, ui_join_tick_cb, ui);
	event_add(j->tick_ev, &tv);
}

/* Put name in the board field. */
static void
ui_join_set_board(struct ui *ui, const char *name)
{
	struct editor	*ed = &ui->join.field[UI_FIELD_BOARD];

	editor_free(ed);
	editor_init(ed, name, ui_join_limits[UI_FIELD_BOARD], false);
}

/* Index of the listed board the board field names, or -1. */
static int
ui_join_board_index(struct ui *ui)
{
	const struct boards	*b = &ui->join.boards;
	const char		*t = editor_text(&ui->join.field[UI_FIELD_BOARD]);
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (strcmp(b->v[i].name, t) == 0)
			return (int)i;
	}
	return -1;
}

/*
 * The server listed its boards: offer the first one unless the user typed
 * a name or the default names a board that is there.
 */
static void
ui_join_boards_done(void *arg)
{
	struct ui	*ui = arg;
	struct ui_join	*j = &ui->join;

	if (j->active && j->boards.n > 0 && !j->board_typed &&
	    ui_join_board_index(ui) < 0)
		ui_join_set_board(ui, j->boards.v[0].name);
	ui_dirty(ui);
}

/* Up or down the list of boards, into the board field. */
static void
ui_join_board_step(struct ui *ui, int dir)
{
	const struct boards	*b = &ui->join.boards;
	int			 i = ui_join_board_index(ui), n = (int)b->n;

	i = i < 0 ? (dir > 0 ? 0 : n - 1) : (i + dir + n) % n;
	ui_join_set_board(ui, b->v[i].name);
	ui->join.board_typed = false;
	ui_dirty(ui);
}

/* The first field shown at or after i going in dir, or i. */
static int
ui_join_next(struct ui *ui, int i, int dir)
{
	int	k;

	for (k = 1; k <= UI_FIELD_COUNT; k++) {
		int j = (i + dir * k + UI_FIELD_COUNT * 2) % UI_FIELD_COUNT;

		if (ui->join.shown[j])
			return j;
	}
	return i;
}

/*
 * Open the join screen.  code 0 with no text: the command line lacked the
 * board or the name; otherwise the ERROR (or the local server's failure)
 * that stopped the connection.
 */
void
ui_join_open(struct ui *ui, uint32_t code, const char *text)
{
	struct ui_join	*j = &ui->join;
	const char	*init[UI_FIELD_COUNT];
	int		 i, focus = -1;
	unsigned	 tries = j->active && j->waiting ? j->tries : 0;

	ui_join_free(ui);
	ui_close_modal(ui);
	memset(j, 0, sizeof *j);
	j->active = true;
	j->refused = code != 0 || text != NULL;
	init[UI_FIELD_BOARD] = ui->opts->board != NULL ? ui->opts->board :
	    UI_JOIN_BOARD;
	init[UI_FIELD_NAME] = ui->opts->name;
	init[UI_FIELD_CODE] = ui->opts->code;
	for (i = 0; i < UI_FIELD_COUNT; i++)
		editor_init(&j->field[i], init[i], ui_join_limits[i], false);

	switch (code) {
	case 0:
		if (text != NULL) {
			snprintf(j->why, sizeof j->why, "%s", text);
			switch (ui->net_ready ? ui->net.problem : NET_P_SPAWN) {
			case NET_P_TLS_UNKNOWN:
				j->trust = true;
				break;
			case NET_P_TLS_MISMATCH:
			case NET_P_KEY_PLAIN:
			case NET_P_SPAWN:
				j->fatal = true;
				break;
			default:
				/* The server may come: try again by itself. */
				ui_join_wait(ui, tries);
				break;
			}
			break;
		}
		j->shown[UI_FIELD_BOARD] = ui->opts->board == NULL;
		j->shown[UI_FIELD_NAME] = ui->opts->name == NULL;
		break;
	case ERROR_AUTH:
		if (ui->opts->key != NULL) {
			j->fatal = true;
			snprintf(j->why, sizeof j->why, "%s", _("The "
			    "facilitator key was refused: check the key file "
			    "(it changes when the server makes a new one)."));
			break;
		}
		/*
		 * 101 also refuses a facilitator's name to someone without
		 * the key; the server's text says which it is.
		 */
		if (text != NULL &&
		    strstr(text, "belongs to a facilitator") != NULL) {
			j->shown[UI_FIELD_NAME] = true;
			focus = UI_FIELD_NAME;
			snprintf(j->why, sizeof j->why, "%s", _("This first "
			    "name belongs to a facilitator: choose another "
			    "one."));
			break;
		}
		j->shown[UI_FIELD_CODE] = true;
		focus = UI_FIELD_CODE;
		snprintf(j->why, sizeof j->why, "%s", ui->opts->code == NULL ?
		    _("This board needs a join code: ask the facilitator.") :
		    _("This join code is not the board's: try again."));
		break;
	case ERROR_NAME:
		j->shown[UI_FIELD_NAME] = true;
		focus = UI_FIELD_NAME;
		snprintf(j->why, sizeof j->why, _("Someone online already uses "
		    "the name \xe2\x80\x9c%s\xe2\x80\x9d: add an "
		    "initial, or choose another name."),
		    ui->opts->name != NULL ? ui->opts->name : "");
		break;
	case ERROR_BOARD:
		/*
		 * The board this client is bound to (SSH's ForceCommand) is
		 * not open yet: wait for it, and offer no other.
		 */
		if (ui->opts->board_forced) {
			snprintf(j->why, sizeof j->why, _("Waiting for the board "
			    "\xe2\x80\x9c%s\xe2\x80\x9d to open: the "
			    "facilitator has not opened it yet."),
			    ui->opts->board);
			ui_join_wait(ui, tries);
			break;
		}
		j->shown[UI_FIELD_BOARD] = true;
		focus = UI_FIELD_BOARD;
		snprintf(j->why, sizeof j->why, _("There is no board named "
		    "\xe2\x80\x9c%s\xe2\x80\x9d on this server: check "
		    "its name."), ui->opts->board != NULL ? ui->opts->board :
		    "");
		break;
	default:
		j->fatal = true;
		snprintf(j->why, sizeof j->why, "%s", ui_text_error(code));
		break;
	}
	if (code == 0 && text == NULL) {
		/* The first field still empty, else the first one shown. */
		for (i = 0; i < UI_FIELD_COUNT && focus < 0; i++) {
			if (j->shown[i] && j->field[i].len == 0)
				focus = i;
		}
		for (i = 0; i < UI_FIELD_COUNT && focus < 0; i++) {
			if (j->shown[i])
				focus = i;
		}
	}
	if (focus >= 0)
		j->focus = focus;
	/* Offer the server's boards beside the board field. */
	if (j->shown[UI_FIELD_BOARD] && !j->fatal && !ui->opts->board_forced)
		boards_fetch(&j->boards, ui->base, ui->net_ready ?
		    ui->net.dns : NULL, ui->opts, ui_join_boards_done, ui);
	ui_dirty(ui);
}

/* Check the fields; on success they go to opts and we connect. */
static void
ui_join_submit(struct ui *ui)
{
	struct ui_join	*j = &ui->join;
	char		*board, *name, *code;
	size_t		 i;

	board = xstrdup(editor_text(&j->field[UI_FIELD_BOARD]));
	name = xstrdup(editor_text(&j->field[UI_FIELD_NAME]));
	code = xstrdup(editor_text(&j->field[UI_FIELD_CODE]));
	text_trim(board);
	text_trim(name);
	text_trim(code);
	for (i = 0; board[i] != '\0'; i++)
		board[i] = (char)tolower((unsigned char)board[i]);
	if (j->shown[UI_FIELD_BOARD] && !proto_board_name_ok(board)) {
		snprintf(j->why, sizeof j->why, "%s", _("A board name has 1 to "
		    "64 characters among a-z, 0-9, _ and -, and starts with "
		    "a letter or a digit."));
		j->focus = UI_FIELD_BOARD;
		goto fail;
	}
	if (j->shown[UI_FIELD_NAME] &&
	    text_name_check(name, strlen(name)) != TEXT_NAME_OK) {
		snprintf(j->why, sizeof j->why, "%s", ui_text_name(name));
		j->focus = UI_FIELD_NAME;
		goto fail;
	}
	if (j->shown[UI_FIELD_BOARD]) {
		free(ui->opts->board);
		ui->opts->board = board;
		board = NULL;
	}
	if (j->shown[UI_FIELD_NAME]) {
		free(ui->opts->name);
		ui->opts->name = name;
		name = NULL;
	}
	if (j->shown[UI_FIELD_CODE]) {
		free(ui->opts->code);
		ui->opts->code = code[0] != '\0' ? code : NULL;
		if (ui->opts->code != NULL)
			code = NULL;
	}
	free(board);
	free(name);
	free(code);
	ui_join_free(ui);
	ui_connect(ui);
	return;
fail:
	free(board);
	free(name);
	free(code);
	beep();
	ui_dirty(ui);
}

/* Leave from the join screen. */
static void
ui_join_quit(struct ui *ui)
{
	ui->quit = true;
	ui->exit_code = ui->join.refused ? 1 : 0;
	ui_join_free(ui);
	event_base_loopbreak(ui->base);
}

/*
 * A certificate never seen: y remembers it (known_servers) and joins, n
 * or Esc leaves without sending anything.
 */
static void
ui_join_trust_key(struct ui *ui, int32_t key)
{
	struct ui_join	*j = &ui->join;
	char		 err[400];

	if (key == 'y' || key == 'Y' || (key < 0x80 && key > 0 &&
	    strchr(ui_text_yes_keys(), (int)key) != NULL)) {
		if (trust_remember(ui->opts, ui->net.peer_fp, err,
		    sizeof err) != 0) {
			snprintf(j->why, sizeof j->why, _("Cannot remember the "
			    "certificate: %s"), err);
			j->trust = false;
			j->fatal = true;
			ui_dirty(ui);
			return;
		}
		ui_join_free(ui);
		ui_connect(ui);
	} else if (key == 'n' || key == 'N' || key == 'q' || key == 0x1b ||
	    key == UI_CTRL('c'))
		ui_join_quit(ui);
}

/* A key on the join screen. */
void
ui_join_key(struct ui *ui, int32_t key)
{
	struct ui_join		*j = &ui->join;
	struct editor		*ed = &j->field[j->focus];
	enum editor_result	 r;
	int32_t			 ek = 0;

	if (j->trust) {
		ui_join_trust_key(ui, key);
		return;
	}
	if (j->waiting) {
		if (key == 'r' || key == 'R' || key == '\r')
			ui_join_retry(ui);
		else if (key == 'q' || key == 'Q' || key == 0x1b ||
		    key == UI_CTRL('c'))
			ui_join_quit(ui);
		return;
	}
	if (j->fatal) {
		if (key == 'r' || key == 'R' || key == '\r') {
			ui_join_free(ui);
			if (ui->opts->board == NULL || ui->opts->name == NULL)
				ui_join_open(ui, 0, NULL);
			else
				ui_connect(ui);
		} else if (key == 'q' || key == 'Q' || key == 0x1b ||
		    key == UI_CTRL('c'))
			ui_join_quit(ui);
		return;
	}
	/* In the board field, the arrows walk the server's boards. */
	if (j->focus == UI_FIELD_BOARD && j->boards.n > 0 &&
	    (key == -KEY_DOWN || key == -KEY_UP)) {
		ui_join_board_step(ui, key == -KEY_DOWN ? 1 : -1);
		return;
	}
	switch (key) {
	case '\t':
	case -KEY_DOWN:
		j->focus = ui_join_next(ui, j->focus, 1);
		ui_dirty(ui);
		return;
	case -KEY_BTAB:
	case -KEY_UP:
		j->focus = ui_join_next(ui, j->focus, -1);
		ui_dirty(ui);
		return;
	case '\r':
	case -KEY_ENTER:
		ui_join_submit(ui);
		return;
	case 0x1b:
	case UI_CTRL('c'):
		ui_join_quit(ui);
		return;
	case -KEY_LEFT: ek = EDITOR_KEY_LEFT; break;
	case -KEY_RIGHT: ek = EDITOR_KEY_RIGHT; break;
	case -KEY_HOME: case UI_CTRL('a'): ek = EDITOR_KEY_HOME; break;
	case -KEY_END: case UI_CTRL('e'): ek = EDITOR_KEY_END; break;
	case -KEY_BACKSPACE: case 0x7f: case UI_CTRL('h'):
		ek = EDITOR_KEY_BACKSPACE;
		break;
	case -KEY_DC: case UI_CTRL('d'): ek = EDITOR_KEY_DELETE; break;
	case UI_CTRL('w'): ek = EDITOR_KEY_KILL_WORD; break;
	case UI_CTRL('u'): ek = EDITOR_KEY_KILL_LINE; break;
	default:
		if (key >= 0x20 && key != 0x7f)
			ek = key;
		break;
	}
	if (ek == 0)
		return;
	r = editor_key(ed, ek);
	if (r == EDITOR_REFUSED)
		beep();
	else if (j->focus == UI_FIELD_BOARD)
		j->board_typed = true;
	ui_dirty(ui);
}

/* A paste goes into the focused field. */
void
ui_join_paste(struct ui *ui, const char *s, size_t len)
{
	if (ui->join.fatal || ui->join.waiting || ui->join.trust)
		return;
	if (editor_insert(&ui->join.field[ui->join.focus], s, len) ==
	    EDITOR_REFUSED)
		beep();
	ui_dirty(ui);
}

/*
 * Draw a one-line field at y, x, w columns wide, scrolled so that the
 * cursor shows; returns the cursor's column.
 */
static int
ui_join_field(struct ui *ui, const struct editor *ed, int y, int x, int w)
{
	const char	*s = editor_text(ed);
	char		*t, *before;
	size_t		 len = strlen(s), start = 0, bw;

	ui_draw_fill(y, x, w, A_UNDERLINE);
	/* Skip whole characters until the cursor fits. */
	for (;;) {
		before = xstrndup(s + start, ed->cursor - start);
		t = text_sanitize(before, ui->ascii, false);
		bw = text_width(t);
		free(t);
		free(before);
		if ((int)bw < w || start >= ed->cursor)
			break;
		start = text_next_char(s, len, start);
	}
	t = text_sanitize(s + start, ui->ascii, false);
	ui_draw_put(ui, y, x, w, t, strlen(t), A_UNDERLINE);
	free(t);
	return x + (int)bw;
}

/*
 * The server's boards under the fields, the one in the board field
 * highlighted; as many as fit.  Returns the next free line.
 */
static int
ui_join_draw_boards(struct ui *ui, int y, int x)
{
	const struct boards	*b = &ui->join.boards;
	char			 line[400], *name, *title;
	int			 sel = ui_join_board_index(ui), room, first = 0;
	int			 i, w = COLS - x - 1;

	ui_draw_text(ui, y++, x, w, ui->join.focus == UI_FIELD_BOARD ?
	    _("Boards on this server (Up/Down to choose):") :
	    _("Boards on this server:"), A_DIM);
	room = LINES - y - 8;
	if (room < 1)
		room = 1;
	if (sel >= room)
		first = sel - room + 1;
	for (i = first; i < (int)b->n && i < first + room; i++) {
		char	 people[64];

		name = text_sanitize(b->v[i].name, ui->ascii, false);
		title = text_sanitize(b->v[i].title, ui->ascii, false);
		snprintf(people, sizeof people, ngettext("%u online",
		    "%u online", b->v[i].online), b->v[i].online);
		snprintf(line, sizeof line, "  %-16s %-10s %s%s", name, people,
		    b->v[i].code_needed ? _("[code] ") : "", title);
		ui_draw_text(ui, y++, x, w, line, i == sel ? (int)A_REVERSE :
		    0);
		free(name);
		free(title);
	}
	return y;
}

/*
 * What went wrong, from y at x: each of its lines wrapped to the screen,
 * except a certificate's fingerprint, which is cut only at a colon, in
 * two halves, so that it reads as the server printed it.  Returns the
 * next free line.
 */
static int
ui_join_draw_why(struct ui *ui, int y, int x)
{
	struct layout_line	*l;
	char			*copy = xstrdup(ui->join.why), *line, *next, *t;
	int			 w = COLS - x - 1, attr;
	size_t			 nl, k, half = FINGERPRINT_TEXT / 2;

	attr = ui_draw_attr(ui, UI_S_ERROR);
	for (line = copy; line != NULL && y < LINES - 2; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strlen(line) == FINGERPRINT_TEXT - 1 && line[2] == ':' &&
		    (int)strlen(line) > w) {
			ui_draw_put(ui, y++, x, w, line, half - 1, attr);
			ui_draw_put(ui, y++, x, w, line + half,
			    strlen(line + half), attr);
			continue;
		}
		t = text_sanitize(line, ui->ascii, false);
		nl = layout_wrap(t, (size_t)w, &l);
		for (k = 0; k < nl && y < LINES - 2; k++)
			ui_draw_put(ui, y++, x, w, t + l[k].start,
			    l[k].end - l[k].start, attr);
		free(l);
		free(t);
	}
	free(copy);
	return y;
}

/* The terminal type we fell back to, on the last line. */
static void
ui_join_draw_note(struct ui *ui)
{
	if (ui->opts->term_note != NULL && LINES > 2)
		ui_draw_text(ui, LINES - 1, 0, COLS, ui->opts->term_note,
		    A_DIM);
}

/* The join screen. */
void
ui_join_draw(struct ui *ui)
{
	struct ui_join	*j = &ui->join;
	int		 y, x, lw = 0, fw, i, cx = 0, cy = 0, n = 0, w;
	char		 where[300];

	if (!j->active) {
		ui_draw_text(ui, LINES / 2, 2, COLS - 4, _("Connecting..."),
		    A_DIM);
		ui_draw_spot(ui, LINES / 2, 2);
		ui_join_draw_note(ui);
		return;
	}
	for (i = 0; i < UI_FIELD_COUNT; i++) {
		if (!j->shown[i])
			continue;
		n++;
		w = (int)text_width(_(ui_join_labels[i]));
		if (w > lw)
			lw = w;
	}
	x = COLS > 70 ? (COLS - 60) / 2 : 2;
	y = LINES / 2 - (n + 6) / 2;
	if (y < 1)
		y = 1;
	ui_draw_text(ui, y, x, COLS - x - 1, "cafeboard", A_BOLD | A_UNDERLINE);
	y += 2;
	if (j->trust || j->waiting || j->fatal)
		ui_draw_spot(ui, y, x);
	if (j->trust) {
		ui_draw_text(ui, y++, x, COLS - x - 1,
		    _("A server never seen before."), A_BOLD);
	} else if (j->waiting) {
		ui_draw_text(ui, y++, x, COLS - x - 1, ui->net.problem ==
		    NET_P_NONE ? _("Not open yet.") :
		    _("Cannot reach the server."), A_BOLD);
	} else if (j->fatal) {
		ui_draw_text(ui, y++, x, COLS - x - 1,
		    _("Cannot join the board."), A_BOLD);
	} else {
		ui_draw_text(ui, y++, x, COLS - x - 1, _("Welcome! Type your "
		    "first name to join the board."), 0);
		ui_draw_text(ui, y++, x, COLS - x - 1, _("Only your first "
		    "name is shown to the others."), A_DIM);
	}
	y++;
	fw = COLS - x - lw - 4;
	if (fw > 40)
		fw = 40;
	for (i = 0; i < UI_FIELD_COUNT && !j->fatal && !j->waiting &&
	    !j->trust; i++) {
		if (!j->shown[i])
			continue;
		ui_draw_text(ui, y, x, lw, _(ui_join_labels[i]), i == j->focus ?
		    (int)A_BOLD : 0);
		if (i == j->focus) {
			cx = ui_join_field(ui, &j->field[i], y, x + lw + 2, fw);
			cy = y;
		} else
			ui_join_field(ui, &j->field[i], y, x + lw + 2, fw);
		y++;
	}
	if (!j->fatal && !j->waiting && !j->trust &&
	    !j->shown[UI_FIELD_BOARD] && ui->opts->board != NULL) {
		snprintf(where, sizeof where, _("Board: %s"), ui->opts->board);
		ui_draw_text(ui, y++, x, COLS - x - 1, where, A_DIM);
	}
	if (!j->fatal && j->shown[UI_FIELD_BOARD] && j->boards.n > 0)
		y = ui_join_draw_boards(ui, y + 1, x);
	y++;
	if (j->why[0] != '\0')
		y = ui_join_draw_why(ui, y, x) + 1;
	if (j->waiting && j->retry_at != 0) {
		int64_t	d = (j->retry_at - net_now_ms() + 999) / 1000;

		snprintf(where, sizeof where, _("Trying again in %lld s."),
		    (long long)(d > 0 ? d : 0));
		ui_draw_text(ui, y++, x, COLS - x - 1, where, A_DIM);
	} else if (j->waiting)
		ui_draw_text(ui, y++, x, COLS - x - 1, _("Trying again..."),
		    A_DIM);
	if (j->trust)
		ui_draw_text(ui, y, x, COLS - x - 1,
		    _("y: trust it and join   n: quit"),
		    ui_draw_attr(ui, UI_S_KEY));
	else if (j->waiting)
		ui_draw_text(ui, y, x, COLS - x - 1,
		    _("r: try now   q: quit"), ui_draw_attr(ui, UI_S_KEY));
	else if (j->fatal)
		ui_draw_text(ui, y, x, COLS - x - 1,
		    _("r: try again   q: quit"), ui_draw_attr(ui, UI_S_KEY));
	else
		ui_draw_text(ui, y, x, COLS - x - 1, n > 1 ? _("Enter: join   "
		    "Tab: next field   Esc: quit") : _("Enter: join   Esc: "
		    "quit"), ui_draw_attr(ui, UI_S_KEY));
	if (!j->fatal && !j->waiting && !j->trust && cy > 0) {
		ui->cur_on = true;
		ui->cur_y = cy;
		ui->cur_x = cx;
	}
	ui_join_draw_note(ui);
}
