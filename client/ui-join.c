/*
 * ui-join.c -- the join screen: the board's name and a first name when the
 * command line gave none, and what the server refused (ERROR 101, 102,
 * 103) so that the user can fix it and try again without restarting.
 * Errors nothing on the keyboard can fix (another protocol version, no
 * local server) say so and offer to retry or quit.
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
	ui->join.active = false;
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
			j->fatal = true;
			snprintf(j->why, sizeof j->why, _("No server to join: "
			    "%s"), ui_text_reason(text));
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
		    "the name \xc2\xab\xc2\xa0%s\xc2\xa0\xc2\xbb: add an "
		    "initial, or choose another name."),
		    ui->opts->name != NULL ? ui->opts->name : "");
		break;
	case ERROR_BOARD:
		j->shown[UI_FIELD_BOARD] = true;
		focus = UI_FIELD_BOARD;
		snprintf(j->why, sizeof j->why, _("There is no board named "
		    "\xc2\xab\xc2\xa0%s\xc2\xa0\xc2\xbb on this server: check "
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
	if (j->shown[UI_FIELD_BOARD] && !j->fatal)
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
	size_t		 i, n;

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
	n = text_cplen(name);
	if (j->shown[UI_FIELD_NAME] && (n < PROTO_NAME_MIN ||
	    n > PROTO_NAME_MAX || text_check(name, strlen(name), false,
	    NULL) != TEXT_OK)) {
		snprintf(j->why, sizeof j->why, "%s", _("Type your first name "
		    "(1 to 32 characters)."));
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

/* A key on the join screen. */
void
ui_join_key(struct ui *ui, int32_t key)
{
	struct ui_join		*j = &ui->join;
	struct editor		*ed = &j->field[j->focus];
	enum editor_result	 r;
	int32_t			 ek = 0;

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
	if (ui->join.fatal)
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

/* The join screen. */
void
ui_join_draw(struct ui *ui)
{
	struct ui_join	*j = &ui->join;
	struct layout_line *l;
	int		 y, x, lw = 0, fw, i, cx = 0, cy = 0, n = 0, w;
	char		 where[300], *t;
	size_t		 nl, k;

	if (!j->active) {
		ui_draw_text(ui, LINES / 2, 2, COLS - 4, _("Connecting..."),
		    A_DIM);
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
	if (j->fatal) {
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
	for (i = 0; i < UI_FIELD_COUNT && !j->fatal; i++) {
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
	if (!j->fatal && !j->shown[UI_FIELD_BOARD] && ui->opts->board != NULL) {
		snprintf(where, sizeof where, _("Board: %s"), ui->opts->board);
		ui_draw_text(ui, y++, x, COLS - x - 1, where, A_DIM);
	}
	if (!j->fatal && j->shown[UI_FIELD_BOARD] && j->boards.n > 0)
		y = ui_join_draw_boards(ui, y + 1, x);
	y++;
	if (j->why[0] != '\0') {
		t = text_sanitize(j->why, ui->ascii, false);
		nl = layout_wrap(t, (size_t)(COLS - x - 1), &l);
		for (k = 0; k < nl && k < 4; k++)
			ui_draw_put(ui, y++, x, COLS - x - 1, t + l[k].start,
			    l[k].end - l[k].start, ui_draw_attr(ui,
			    UI_S_ERROR));
		free(l);
		free(t);
		y++;
	}
	if (j->fatal)
		ui_draw_text(ui, y, x, COLS - x - 1,
		    _("r: try again   q: quit"), ui_draw_attr(ui, UI_S_KEY));
	else
		ui_draw_text(ui, y, x, COLS - x - 1, n > 1 ? _("Enter: join   "
		    "Tab: next field   Esc: quit") : _("Enter: join   Esc: "
		    "quit"), ui_draw_attr(ui, UI_S_KEY));
	if (!j->fatal && cy > 0) {
		ui->cur_on = true;
		ui->cur_y = cy;
		ui->cur_x = cx;
	}
}
