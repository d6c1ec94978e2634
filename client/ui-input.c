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

#define FN(k)		UI_FN(k)

/* Our own key codes for the bracketed paste markers. */
#define UI_KEY_PASTE_BEGIN	(KEY_MAX + 1)
#define UI_KEY_PASTE_END	(KEY_MAX + 2)

/*
 * Keys typed within this long of a refusal (or of the last key held) are
 * held when they look typed: long enough for a sentence typed on, short
 * enough for someone who read the refusal.
 */
#define UI_GUARD_MS	800

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

/* An editing key (enum editor_key) in the open text field. */
void
ui_input_edit_key(struct ui *ui, int ek)
{
	if (ui->modal != UI_MODAL_EDIT)
		return;
	switch (editor_key(&ui->ed, ek)) {
	case EDITOR_CHANGED:
		ui_dirty(ui);
		break;
	case EDITOR_UNCHANGED:
		break;
	case EDITOR_REFUSED:
		ui->bell = true;
		break;
	case EDITOR_COMMIT:
		ui_editor_done(ui, editor_text(&ui->ed));
		break;
	case EDITOR_CANCEL:
		ui_edit_cancel(ui);
		break;
	}
}

/*
 * A key that no row takes, by context: typed text in a field, a shortcut
 * in a list, the translated "yes" to a question; any other key closes the
 * help and a card in full, and cancels grouping.
 */
static void
ui_key_unbound(struct ui *ui, unsigned ctx, int key)
{
	switch (ctx) {
	case UI_IN_EDIT:
		if (key >= 0x20 && key != 0x7f)
			ui_input_edit_key(ui, key);
		break;
	case UI_IN_CONFIRM:
		if (key > 0 && key < 0x80 &&
		    strchr(ui_text_yes_keys(), key) != NULL)
			ui_confirm_done(ui, true);
		break;
	case UI_IN_HELP:
		ui->modal = UI_MODAL_NONE;
		ui_dirty(ui);
		break;
	case UI_IN_GROUP:
		ui->modal = UI_MODAL_NONE;
		ui->group_card = 0;
		ui->msg[0] = '\0';
		ui_dirty(ui);
		break;
	}
}

/* In a list, the key shown before a line chooses it. */
static bool
ui_pick_shortcut(struct ui *ui, int key)
{
	size_t	i;

	for (i = 0; i < ui->nitems; i++) {
		if (ui->items[i].key != 0 && ui->items[i].key == key) {
			ui->pick = i;
			ui_picked(ui, ui->items[i].value);
			return true;
		}
	}
	return false;
}

/*
 * Right after a refusal, keys that act on the board and letters no row
 * takes are held for a moment: someone who went on typing a sentence
 * after a refused key must not have it run as commands.  Moving keys go
 * through.  Each held key prolongs the moment.
 */
static bool
ui_key_held(struct ui *ui, unsigned ctx, const struct ui_key *k, int key)
{
	int64_t	now = net_now_ms();

	if (!(ctx & UI_IN_VIEWS) || now >= ui->guard_until)
		return false;
	if (key == UI_ESC) {
		ui->guard_until = 0;
		return false;
	}
	if (key < 0x20 || (k != NULL && k->section == UI_SEC_MOVE))
		return false;
	ui->guard_until = now + UI_GUARD_MS;
	ui_message(ui, true, "%s", _("Those keys looked like typing, so "
	    "they did nothing: press a to write an idea."));
	return true;
}

/*
 * One key, wherever it goes: the first row of the key table that takes it
 * in the current context, else what the context does with other keys.
 */
static void
ui_key(struct ui *ui, int key)
{
	const struct ui_key	*k;
	unsigned		 ctx, errors = ui->errors;

	if (ui->join.active) {
		ui_join_key(ui, key);
		return;
	}
	if (key == FN(KEY_ENTER))
		key = '\r';
	ctx = ui_keys_context(ui);
	/* A message that waits for a key goes with the next one. */
	if (ctx != UI_IN_EDIT && ctx != UI_IN_GROUP && ui->msg_until == 0 &&
	    ui->msg[0] != '\0') {
		ui->msg[0] = '\0';
		ui_dirty(ui);
	}
	if (ctx == UI_IN_PICK && ui_pick_shortcut(ui, key))
		return;
	k = ui_keys_find(ctx, key);
	if (ui_key_held(ui, ctx, k, key))
		return;
	if (ctx == UI_IN_DETAIL) {
		/* Any key closes the card; some act on it too. */
		ui->modal = UI_MODAL_NONE;
		ui_dirty(ui);
		if (k == NULL || k->fn == NULL)
			return;
	}
	if (k == NULL) {
		ui_key_unbound(ui, ctx, key);
		return;
	}
	ui_keys_run(ui, k);
	if ((ctx & UI_IN_VIEWS) && ui->errors != errors &&
	    ui->modal == UI_MODAL_NONE)
		ui->guard_until = net_now_ms() + UI_GUARD_MS;
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
	bool		 was_modal, drop = false;

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
					ui_key(ui, key);
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
		ui_key(ui, key);
		if (was_modal && ui->modal != UI_MODAL_EDIT &&
		    !ui->join.active && key == '\r')
			drop = true;
	}
	if (ui->bell)
		beep();
	ui->bell = false;
	if (got == 0 && ui_input_gone()) {
		/* The terminal went away (SSH dropped): leave quietly. */
		ui->quit = true;
		ui->exit_code = 0;
		event_base_loopbreak(ui->base);
	}
}
