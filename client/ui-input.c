/*
 * ui-input.c -- the keyboard: reading the terminal without blocking, and
 * what each key does in each mode.
 *
 * The terminal is read when libevent says it is readable, key after key
 * until curses has nothing more (nodelay).  Keys are ints: a character is
 * its code point, a curses function key is its KEY_ code negated, so that
 * "œ" (U+0153) and KEY_xxx never meet.  A bracketed paste is collected and
 * handed to the editor in one piece; outside an editor it is dropped, so
 * that pasted text never runs as commands.
 */
#include <sys/ioctl.h>

#include <event2/event.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "i18n.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* A curses function key as a ui key. */
#define FN(k)		(-(k))

/* Our own key codes for the bracketed paste markers. */
#define UI_KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define UI_KEY_PASTE_END	(KEY_MAX + 2)
/* Alt-Enter: a newline in a card. */
#define UI_KEY_ALT_ENTER	FN(KEY_MAX + 3)

#define UI_CTRL(c)	((c) & 0x1f)

/* A paste longer than this is cut (no field holds more than 500). */
#define UI_PASTE_MAX	(64 * 1024)

/* Start: keys for the paste markers, and ask the terminal to send them. */
void
ui_input_init(struct ui *ui)
{
	if (!ui->curses)
		return;
	define_key("\033[200~", UI_KEY_PASTE_BEGIN);
	define_key("\033[201~", UI_KEY_PASTE_END);
	putp("\033[?2004h");
	fflush(stdout);
}

/* Stop: the terminal back to plain pastes. */
void
ui_input_done(struct ui *ui)
{
	if (!ui->curses)
		return;
	putp("\033[?2004l");
	fflush(stdout);
}

/* The editor key of a ui key, or the code point itself; 0 to ignore. */
static int32_t
ui_editor_key(int key)
{
	switch (key) {
	case FN(KEY_LEFT):
		return EDITOR_KEY_LEFT;
	case FN(KEY_RIGHT):
		return EDITOR_KEY_RIGHT;
	case FN(KEY_UP):
		return EDITOR_KEY_UP;
	case FN(KEY_DOWN):
		return EDITOR_KEY_DOWN;
	case FN(KEY_HOME):
	case UI_CTRL('a'):
		return EDITOR_KEY_HOME;
	case FN(KEY_END):
	case UI_CTRL('e'):
		return EDITOR_KEY_END;
	case FN(KEY_BACKSPACE):
	case 0x7f:
	case UI_CTRL('h'):
		return EDITOR_KEY_BACKSPACE;
	case FN(KEY_DC):
	case UI_CTRL('d'):
		return EDITOR_KEY_DELETE;
	case UI_CTRL('w'):
		return EDITOR_KEY_KILL_WORD;
	case UI_CTRL('u'):
		return EDITOR_KEY_KILL_LINE;
	case UI_CTRL('j'):
	case UI_KEY_ALT_ENTER:
		return EDITOR_KEY_NEWLINE;
	case '\r':
	case FN(KEY_ENTER):
		return EDITOR_KEY_ENTER;
	case 0x1b:
	case UI_CTRL('c'):
	case UI_CTRL('g'):
		return EDITOR_KEY_ESCAPE;
	case UI_CTRL('b'):
		return EDITOR_KEY_LEFT;
	case UI_CTRL('f'):
		return EDITOR_KEY_RIGHT;
	}
	if (key >= 0x20 && key != 0x7f)
		return key;
	return 0;
}

/* A key in the line editor. */
static bool
ui_edit_key(struct ui *ui, int key)
{
	int32_t	ek = ui_editor_key(key);

	if (ek == 0)
		return false;
	switch (editor_key(&ui->ed, ek)) {
	case EDITOR_CHANGED:
		ui_dirty(ui);
		break;
	case EDITOR_UNCHANGED:
		break;
	case EDITOR_REFUSED:
		return true;		/* the caller rings, once */
	case EDITOR_COMMIT:
		ui_editor_done(ui, editor_text(&ui->ed));
		break;
	case EDITOR_CANCEL:
		ui_close_modal(ui);
		break;
	}
	return false;
}

/* Move the selection of the current view. */
static bool
ui_nav(struct ui *ui, int key)
{
	uint64_t	*ids, sel;
	int		*starts, view, i, j, n, target;
	struct ui_tab	*tab = NULL;

	switch (key) {
	case FN(KEY_UP): case 'k': case FN(KEY_DOWN): case 'j':
	case FN(KEY_PPAGE): case FN(KEY_NPAGE):
	case UI_CTRL('b'): case UI_CTRL('f'):
	case FN(KEY_HOME): case FN(KEY_END): case '<': case '>':
		break;
	case '\t': case FN(KEY_RIGHT): case 'l':
		if (ui->view == UI_VIEW_BOARD)
			ui_switch_table(ui, 1);
		return true;
	case FN(KEY_BTAB): case FN(KEY_LEFT): case 'h':
		if (ui->view == UI_VIEW_BOARD)
			ui_switch_table(ui, -1);
		return true;
	default:
		return false;
	}
	n = (int)ui_draw_order(ui, &ids, &starts, &view);
	if (n == 0) {
		free(ids);
		free(starts);
		return true;
	}
	if (ui->view == UI_VIEW_RESULTS)
		sel = ui->res_sel;
	else {
		tab = ui_tab(ui, ui->table);
		sel = tab->sel;
	}
	for (i = 0; i < n && ids[i] != sel; i++)
		;
	if (i == n) {
		i = (int)(ui->view == UI_VIEW_RESULTS ? ui->res_row :
		    tab->sel_row);
		if (i >= n)
			i = n - 1;
	}
	j = i;
	switch (key) {
	case FN(KEY_UP): case 'k':
		j = i > 0 ? i - 1 : 0;
		break;
	case FN(KEY_DOWN): case 'j':
		j = i + 1 < n ? i + 1 : n - 1;
		break;
	case FN(KEY_HOME): case '<':
		j = 0;
		break;
	case FN(KEY_END): case '>':
		j = n - 1;
		break;
	case FN(KEY_NPAGE): case UI_CTRL('f'):
		target = starts[i] + (view > 2 ? view - 1 : 1);
		for (j = i; j + 1 < n && starts[j + 1] <= target; j++)
			;
		if (j == i && i + 1 < n)
			j = i + 1;
		break;
	case FN(KEY_PPAGE): case UI_CTRL('b'):
		target = starts[i] - (view > 2 ? view - 1 : 1);
		for (j = i; j > 0 && starts[j - 1] >= target; j--)
			;
		if (j == i && i > 0)
			j = i - 1;
		break;
	}
	if (ui->view == UI_VIEW_RESULTS) {
		ui->res_sel = ids[j];
		ui->res_row = (size_t)j;
	} else {
		tab->sel = ids[j];
		tab->sel_row = (size_t)j;
	}
	free(ids);
	free(starts);
	ui_dirty(ui);
	return true;
}

/* A key in a picker. */
static void
ui_pick_key(struct ui *ui, int key)
{
	size_t	i;

	switch (key) {
	case FN(KEY_UP): case 'k':
		if (ui->pick > 0)
			ui->pick--;
		break;
	case FN(KEY_DOWN): case 'j':
		if (ui->pick + 1 < ui->nitems)
			ui->pick++;
		break;
	case FN(KEY_HOME): case FN(KEY_PPAGE):
		ui->pick = 0;
		break;
	case FN(KEY_END): case FN(KEY_NPAGE):
		ui->pick = ui->nitems > 0 ? ui->nitems - 1 : 0;
		break;
	case '\r': case '\n': case FN(KEY_ENTER): case ' ':
		if (ui->nitems > 0)
			ui_picked(ui, ui->items[ui->pick].value);
		return;
	case 0x1b: case 'q': case UI_CTRL('c'): case FN(KEY_LEFT):
		ui_close_modal(ui);
		return;
	default:
		for (i = 0; i < ui->nitems; i++) {
			if (ui->items[i].key != 0 && ui->items[i].key == key) {
				ui->pick = i;
				ui_picked(ui, ui->items[i].value);
				return;
			}
		}
		return;
	}
	ui_dirty(ui);
}

/* A key in the help screen: scroll, or close. */
static void
ui_help_key(struct ui *ui, int key)
{
	switch (key) {
	case FN(KEY_UP): case 'k':
		if (ui->help_top > 0)
			ui->help_top--;
		break;
	case FN(KEY_DOWN): case 'j':
		ui->help_top++;
		break;
	case FN(KEY_PPAGE):
		ui->help_top -= (int)ui_draw_body_rows(ui) - 1;
		if (ui->help_top < 0)
			ui->help_top = 0;
		break;
	case FN(KEY_NPAGE): case ' ':
		ui->help_top += (int)ui_draw_body_rows(ui) - 1;
		break;
	case FN(KEY_HOME):
		ui->help_top = 0;
		break;
	default:
		ui->modal = UI_MODAL_NONE;
		break;
	}
	ui_dirty(ui);
}

/* A key answering a yes/no question. */
static void
ui_confirm_key(struct ui *ui, int key)
{
	if (key > 0 && key < 0x80 && strchr(ui_text_yes_keys(), key) != NULL) {
		ui_confirm_done(ui, true);
		return;
	}
	if (key == 'y' || key == 'Y') {
		ui_confirm_done(ui, true);
		return;
	}
	if (key == 'n' || key == 'N' || key == 0x1b || key == UI_CTRL('c') ||
	    key == 'q')
		ui_confirm_done(ui, false);
}

/* One key, wherever it goes.  Returns true if it was refused (bell). */
static bool
ui_key(struct ui *ui, int key)
{
	if (ui->join.active) {
		ui_join_key(ui, key);
		return false;
	}
	/* Ctrl-C never kills (raw mode): it asks. */
	if (key == UI_CTRL('c') && ui->modal == UI_MODAL_NONE) {
		ui_request_quit(ui, true);
		return false;
	}
	if (key == UI_CTRL('l')) {
		clearok(curscr, TRUE);
		ui_dirty(ui);
		return false;
	}
	/* Ctrl-Z, Ctrl-\ and the like do nothing. */
	if (key == UI_CTRL('z') || key == 0x1c)
		return false;
	if (ui->modal != UI_MODAL_EDIT && ui->msg_until == 0 &&
	    ui->modal != UI_MODAL_GROUP && ui->msg[0] != '\0') {
		ui->msg[0] = '\0';
		ui_dirty(ui);
	}
	switch (ui->modal) {
	case UI_MODAL_EDIT:
		return ui_edit_key(ui, key);
	case UI_MODAL_CONFIRM:
		ui_confirm_key(ui, key);
		return false;
	case UI_MODAL_PICK:
		ui_pick_key(ui, key);
		return false;
	case UI_MODAL_HELP:
		ui_help_key(ui, key);
		return false;
	case UI_MODAL_CONSOLE:
		ui_console_key(ui, key);
		return false;
	case UI_MODAL_GROUP:
		/* A cluster stays on its table: no changing tables here. */
		if (key == '\t' || key == FN(KEY_BTAB) || key == FN(KEY_LEFT) ||
		    key == FN(KEY_RIGHT) || key == 'h' || key == 'l')
			return true;
		if (!ui_nav(ui, key))
			ui_group_key(ui, key == FN(KEY_ENTER) ? '\r' : key);
		return false;
	case UI_MODAL_DETAIL:
		ui->modal = UI_MODAL_NONE;
		ui_dirty(ui);
		if (key == 'r' || key == 'e' || key == 'd' || key == ' ' ||
		    key == 'x' || key == 't' || key == 'g' || key == '*')
			ui_action_key(ui, key);
		return false;
	case UI_MODAL_NONE:
		break;
	}
	if (ui_nav(ui, key))
		return false;
	if (key == FN(KEY_ENTER))
		key = '\r';
	if (key == 0x1b) {
		if (ui->search != NULL) {
			free(ui->search);
			ui->search = NULL;
			ui->nmatches = 0;
			ui_dirty(ui);
		}
		return false;
	}
	if (key > 0)
		ui_action_key(ui, key);
	return false;
}

/* A finished paste goes to the editor, or nowhere. */
static void
ui_paste_done(struct ui *ui)
{
	enum editor_result	r;

	ui->in_paste = false;
	if (ui->paste_len == 0)
		return;
	if (ui->join.active)
		ui_join_paste(ui, ui->paste, ui->paste_len);
	else if (ui->modal == UI_MODAL_EDIT) {
		r = editor_insert(&ui->ed, ui->paste, ui->paste_len);
		if (r == EDITOR_REFUSED) {
			beep();
			ui_message(ui, true, "%s", _("The paste was cut at the "
			    "length limit."));
		}
		ui_dirty(ui);
	} else
		ui_message(ui, false, "%s", _("Pasted text is only taken in a "
		    "text field: press a first."));
	ui->paste_len = 0;
}

/* Collect a character of a bracketed paste. */
static void
ui_paste_add(struct ui *ui, uint32_t cp)
{
	char	enc[4];
	size_t	n;

	if (cp == '\r')
		cp = '\n';
	if (ui->paste_len + 4 > UI_PASTE_MAX)
		return;
	ui->paste_ms = net_now_ms();
	if (ui->paste == NULL)
		ui->paste = xmalloc(UI_PASTE_MAX);
	n = text_encode(cp, enc);
	memcpy(ui->paste + ui->paste_len, enc, n);
	ui->paste_len += n;
}

/* The terminal said readable and gave nothing: is it gone? */
static bool
ui_input_gone(void)
{
	struct pollfd	pfd;
	int		avail = 0;

	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return errno != EINTR;
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return true;
	return (pfd.revents & POLLIN) && ioctl(STDIN_FILENO, FIONREAD,
	    &avail) == 0 && avail == 0;
}

/* The terminal is readable: every key that is there. */
void
ui_input_cb(int fd, short what, void *arg)
{
	struct ui	*ui = arg;
	wint_t		 wc, wc2;
	int		 r, r2, key, got = 0;
	bool		 ring = false, was_modal, drop = false;

	(void)fd;
	(void)what;
	if (!ui->curses)
		return;
	/* A paste whose end marker never came ends after a quiet second. */
	if (ui->in_paste && net_now_ms() - ui->paste_ms > 1000)
		ui_paste_done(ui);
	while (!ui->quit && (r = wget_wch(stdscr, &wc)) != ERR) {
		got++;
		key = r == KEY_CODE_YES ? FN((int)wc) : (int)wc;
		if (key == FN(UI_KEY_PASTE_BEGIN)) {
			ui->in_paste = true;
			ui->paste_len = 0;
			ui->paste_ms = net_now_ms();
			continue;
		}
		if (key == FN(UI_KEY_PASTE_END)) {
			ui_paste_done(ui);
			continue;
		}
		if (ui->in_paste) {
			if (key > 0)
				ui_paste_add(ui, (uint32_t)key);
			continue;
		}
		/* Esc then Enter at once is Alt-Enter. */
		if (key == 0x1b) {
			r2 = wget_wch(stdscr, &wc2);
			if (r2 == OK && (wc2 == '\r' || wc2 == '\n'))
				key = UI_KEY_ALT_ENTER;
			else if (r2 != ERR) {
				if (!drop)
					ring |= ui_key(ui, key);
				key = r2 == KEY_CODE_YES ? FN((int)wc2) :
				    (int)wc2;
			}
		}
		/*
		 * Keys after Enter closed a field in the same read came
		 * pasted by a terminal that does not bracket pastes: they
		 * must not run as commands.
		 */
		if (drop)
			continue;
		was_modal = ui->modal == UI_MODAL_EDIT || ui->join.active;
		ring |= ui_key(ui, key);
		if (was_modal && ui->modal != UI_MODAL_EDIT &&
		    !ui->join.active && key == '\r')
			drop = true;
	}
	if (ring)
		beep();
	if (got == 0 && ui_input_gone()) {
		/* The terminal went away (SSH dropped): leave quietly. */
		ui->quit = true;
		ui->exit_code = 0;
		event_base_loopbreak(ui->base);
	}
}
