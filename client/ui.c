/*
 * ui.c -- the interactive client: one libevent loop for the terminal and
 * the network, the callbacks of net.c, and the actions that become ops.
 *
 * Nothing blocks.  The terminal is read when it is readable, the network
 * by net.c; both only mark the screen dirty, and one deferred redraw per
 * loop turn draws the whole screen into curses' buffer, which sends the
 * terminal only the cells that differ.  Between changes a tick, timed to
 * the countdown's next minute (its next second in the last minute),
 * rewrites the countdown's own cells and nothing else.
 */
#include <sys/ioctl.h>

#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wctype.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "boardfile.h"
#include "i18n.h"
#include "layout.h"
#include "log.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* How long a message stays on the key line, unless a key comes first. */
#define UI_MSG_MS	8000
/* How often a client whose name another terminal holds tries again. */
#define UI_NAME_RETRY_S	3

/* The client being run, for the fatal hook (which takes no argument). */
static struct ui *ui_running;

/* ---------------------------------------------------------------- basics */

/*
 * Give the terminal back: bracketed paste off, curses ended, stderr where
 * it was.  The only way out, for a normal end and a fatal one alike; a
 * second call does nothing.
 */
static void
ui_restore_terminal(struct ui *ui)
{
	if (ui->curses) {
		ui_input_done(ui);
		endwin();
		ui->curses = false;
	}
	if (ui->saved_stderr != -1) {
		dup2(ui->saved_stderr, STDERR_FILENO);
		close(ui->saved_stderr);
		ui->saved_stderr = -1;
	}
}

/* The terminal back to normal before a fatal message is printed. */
static void
ui_fatal_hook(const char *msg)
{
	log_error("fatal: %s", msg);
	if (ui_running != NULL)
		ui_restore_terminal(ui_running);
}

/* libevent's own messages go to the log, never to the screen. */
static void
ui_event_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warn("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/* The board as the user sees it (confirmed plus pending). */
struct model *
ui_model(struct ui *ui)
{
	return net_view(&ui->net);
}

/* My participant record, NULL before WELCOME. */
const struct model_participant *
ui_me(struct ui *ui)
{
	return ui->net_ready ? net_me(&ui->net) : NULL;
}

/* True if I am a facilitator now (roles change during a session). */
bool
ui_is_facilitator(struct ui *ui)
{
	return ui->net_ready && net_is_facilitator(&ui->net);
}

/* The screen must be drawn again: once, at the end of this loop turn. */
void
ui_dirty(struct ui *ui)
{
	struct timeval	tv = { 0, 0 };

	ui->dirty = true;
	if (ui->redraw_ev != NULL && !evtimer_pending(ui->redraw_ev, NULL))
		evtimer_add(ui->redraw_ev, &tv);
}

/* Put a message on the key line (error: drawn to be noticed). */
void
ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->msg_until = net_now_ms() + UI_MSG_MS;
	if (error)
		ui->errors++;
	ui_dirty(ui);
}

/* ---------------------------------------------------------------- tables */

/* The remembered place on a table, made on first use. */
struct ui_tab *
ui_tab(struct ui *ui, uint64_t table)
{
	size_t	i;

	for (i = 0; i < ui->ntabs; i++) {
		if (ui->tabs[i].table == table)
			return &ui->tabs[i];
	}
	ui->tabs = xreallocarray(ui->tabs, ui->ntabs + 1, sizeof *ui->tabs);
	memset(&ui->tabs[ui->ntabs], 0, sizeof ui->tabs[ui->ntabs]);
	ui->tabs[ui->ntabs].table = table;
	return &ui->tabs[ui->ntabs++];
}

/*
 * Which table to show: my own seat unless I am looking at another one;
 * when my seat changes (a rotation, the facilitator seated me, I sat), I
 * go with it.
 */
void
ui_resolve_table(struct ui *ui)
{
	struct model			*m = ui_model(ui);
	const struct model_participant	*me = ui_me(ui);
	uint64_t			 seat = me != NULL ? me->table : 0;

	if (seat != ui->seat_seen) {
		ui->seat_seen = seat;
		if (seat != 0) {
			ui->table = seat;
			ui->browsing = false;
		}
	}
	if (!ui->browsing && seat != 0)
		ui->table = seat;
	/* A group that ended is off the board (unless one still sits there). */
	if (ui->table != seat && !ui_day_visible(model_table(m, ui->table)))
		ui->table = ui_day_first_table(m);
	if (model_table(m, ui->table) == NULL)
		ui->table = ui_day_first_table(m);
	if (ui->table == seat)
		ui->browsing = false;
}

/* Look at the next (dir 1) or previous (-1) table. */
void
ui_switch_table(struct ui *ui, int dir)
{
	struct model	*m = ui_model(ui);

	ui_resolve_table(ui);
	if (m->ntables < 2)
		return;
	ui->table = ui_day_next_table(m, ui->table, dir);
	ui->browsing = ui->table != ui->seat_seen;
	ui_dirty(ui);
}

/* Back to my own table (or the first one when I have no seat). */
void
ui_go_home(struct ui *ui)
{
	ui_resolve_table(ui);
	ui->view = UI_VIEW_BOARD;
	ui->browsing = false;
	if (ui->seat_seen != 0)
		ui->table = ui->seat_seen;
	ui_resolve_table(ui);
	ui_dirty(ui);
}

/* The card under the cursor (0 if none or gone). */
uint64_t
ui_selected(struct ui *ui)
{
	struct model	*m = ui_model(ui);
	uint64_t	 id;

	if (ui->view == UI_VIEW_RESULTS)
		id = ui->res_sel;
	else {
		ui_resolve_table(ui);
		id = ui_tab(ui, ui->table)->sel;
	}
	return model_card(m, id) != NULL ? id : 0;
}

/* True when this user may see the vote tallies now. */
bool
ui_results_allowed(struct ui *ui)
{
	struct model	*m = ui_model(ui);

	return m->revealed || !m->settings.blind || ui_is_facilitator(ui);
}

/* ---------------------------------------------------------------- ops */

/* Explain a refusal (predicted here, or sent back by the server). */
void
ui_refused(struct ui *ui, int code, const char *why)
{
	const char	*reason = ui_text_reason(why);

	if (reason[0] != '\0')
		ui_message(ui, true, "%s (%s)", ui_text_reject((unsigned)code),
		    reason);
	else
		ui_message(ui, true, "%s", ui_text_reject((unsigned)code));
}

/*
 * Send a change: it shows at once, marked pending, and goes out when the
 * connection allows.  Returns 0 or the REJECT code predicted (explained).
 */
int
ui_submit(struct ui *ui, struct proto_op *op)
{
	const char	*why = NULL;
	int		 code;

	if (!ui->net_ready)
		return REJECT_BAD;
	if ((code = net_submit(&ui->net, op, &why)) != 0) {
		ui_refused(ui, code, why);
		return code;
	}
	ui_dirty(ui);
	return 0;
}

/* The id the newest pending op gave its card in the prediction. */
uint64_t
ui_last_predicted(struct ui *ui)
{
	struct replica	*r = &ui->net.replica;

	if (r->npending == 0)
		return 0;
	replica_view(r, net_now_ms());
	return r->pending[r->npending - 1].predicted;
}

/* Would op be allowed (text aside)?  Explains and returns false if not. */
bool
ui_precheck(struct ui *ui, struct proto_op *op)
{
	const char	*why = NULL;
	char		*saved = op->text;
	int		 code;

	if (!ui->net_ready || ui->net.replica.me == 0) {
		ui_message(ui, true, "%s", _("Not connected yet: wait a "
		    "moment."));
		return false;
	}
	if (op->text != NULL)
		op->text = (char *)"x";
	code = model_check(ui_model(ui), ui->net.replica.me, op, net_now_ms(),
	    &why);
	op->text = saved;
	if (code != 0) {
		ui_refused(ui, code, why);
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- modals */

/* Close whatever modal is open. */
void
ui_close_modal(struct ui *ui)
{
	size_t	i;

	if (ui->modal == UI_MODAL_EDIT)
		editor_free(&ui->ed);
	free(ui->ed_start);
	ui->ed_start = NULL;
	for (i = 0; i < ui->nitems; i++)
		free(ui->items[i].label);
	free(ui->items);
	ui->items = NULL;
	ui->nitems = 0;
	free(ui->prompt);
	ui->prompt = NULL;
	free(ui->pick_title);
	ui->pick_title = NULL;
	ui->modal = UI_MODAL_NONE;
	ui->on_text = NULL;
	ui->on_pick = NULL;
	ui->on_yes = NULL;
	ui->on_no = NULL;
	ui->cur_on = false;
	ui_dirty(ui);
}

/* Open the line editor with a prompt and initial text; Enter calls done. */
void
ui_open_editor(struct ui *ui, const char *prompt, const char *text,
    size_t max, bool multiline, ui_text_fn *done)
{
	ui_close_modal(ui);
	/* The field's keys show on the key line: an old message goes. */
	ui->msg[0] = '\0';
	ui->msg_until = 0;
	ui->modal = UI_MODAL_EDIT;
	ui->prompt = xstrdup(prompt);
	ui->on_text = done;
	editor_init(&ui->ed, text, max, multiline);
	ui->ed_start = xstrdup(editor_text(&ui->ed));
	ui_dirty(ui);
}

/* Ask a yes/no question; yes calls fn. */
void
ui_open_confirm(struct ui *ui, const char *question, ui_yes_fn *fn)
{
	ui_close_modal(ui);
	ui->modal = UI_MODAL_CONFIRM;
	ui->prompt = xstrdup(question);
	ui->on_yes = fn;
	ui_dirty(ui);
}

/* Open an empty picker; fill it with ui_picker_add.  A choice calls fn. */
void
ui_open_picker(struct ui *ui, const char *title, ui_pick_fn *fn)
{
	ui_close_modal(ui);
	ui->modal = UI_MODAL_PICK;
	ui->pick_title = xstrdup(title);
	ui->on_pick = fn;
	ui->pick = 0;
	ui->pick_top = 0;
	ui_dirty(ui);
}

/* Add a line to the open picker (label: translated; sanitised here). */
void
ui_picker_add(struct ui *ui, const char *label, uint64_t value, int key,
    bool mark)
{
	struct ui_item	*it;

	ui->items = xreallocarray(ui->items, ui->nitems + 1, sizeof *ui->items);
	it = &ui->items[ui->nitems];
	it->label = text_sanitize(label, ui->ascii, false);
	it->value = value;
	it->key = key;
	it->mark = mark;
	if (mark)
		ui->pick = ui->nitems;
	ui->nitems++;
}

/* ---------------------------------------------------------------- search */

/* s folded for matching: lower case, and accents off when ascii. */
static char *
ui_fold(const char *s, bool ascii)
{
	char		*t, *out, enc[4];
	size_t		 len, i = 0, o = 0, n;
	uint32_t	 cp;

	t = text_sanitize(s, ascii, false);
	len = strlen(t);
	out = xmalloc(len * 2 + 1);
	while (i < len) {
		n = text_decode(t + i, len - i, &cp);
		i += n;
		cp = (uint32_t)towlower((wint_t)cp);
		n = text_encode(cp, enc);
		memcpy(out + o, enc, n);
		o += n;
	}
	out[o] = '\0';
	free(t);
	return out;
}

/* True if the card's text or title matches the search. */
static bool
ui_card_matches(struct ui *ui, const struct model_card *c)
{
	const char	*fields[2] = { c->text, c->title };
	char		*q, *f;
	bool		 hit = false;
	int		 i, pass;

	if (ui->search == NULL || ui->search[0] == '\0' || c->deleted)
		return false;
	/* Exactly, then without accents ("idee" finds "idée"). */
	for (pass = 0; pass < 2 && !hit; pass++) {
		/* Without accents only when ASCII can say the whole search. */
		if (pass == 1 && !text_ascii_exact(ui->search))
			break;
		q = ui_fold(ui->search, pass == 1);
		for (i = 0; i < 2 && !hit; i++) {
			if (fields[i] == NULL || fields[i][0] == '\0')
				continue;
			f = ui_fold(fields[i], pass == 1);
			hit = strstr(f, q) != NULL;
			free(f);
		}
		free(q);
	}
	return hit;
}

/* True if card id is a search match (for the underline). */
bool
ui_search_hit(struct ui *ui, uint64_t id)
{
	size_t	i;

	for (i = 0; i < ui->nmatches; i++) {
		if (ui->matches[i] == id)
			return true;
	}
	return false;
}

/* Find every match, in table order then display order. */
static void
ui_search_run(struct ui *ui)
{
	struct model		*m = ui_model(ui);
	struct layout_row	*rows;
	const struct model_card	*c;
	size_t			 t, i, n;

	free(ui->matches);
	ui->matches = NULL;
	ui->nmatches = 0;
	for (t = 0; t < m->ntables; t++) {
		n = layout_rows(m, m->tables[t].id, NULL, &rows);
		for (i = 0; i < n; i++) {
			c = model_card(m, rows[i].card);
			if (c == NULL || !ui_card_matches(ui, c))
				continue;
			ui->matches = xreallocarray(ui->matches,
			    ui->nmatches + 1, sizeof *ui->matches);
			ui->matches[ui->nmatches++] = c->id;
		}
		free(rows);
	}
}

/* Jump to the next (dir 1) or previous (-1) match; 0: the first. */
void
ui_search_step(struct ui *ui, int dir)
{
	struct model		*m = ui_model(ui);
	const struct model_card	*c;
	uint64_t		 cur = ui_selected(ui);
	size_t			 i, k;

	if (ui->search == NULL || ui->search[0] == '\0') {
		ui_message(ui, false, "%s", _("No search yet: press / to "
		    "search."));
		return;
	}
	ui_search_run(ui);
	if (ui->nmatches == 0) {
		ui_message(ui, true, _("Nothing matches \"%s\"."), ui->search);
		return;
	}
	k = 0;
	if (dir != 0) {
		for (i = 0; i < ui->nmatches; i++) {
			if (ui->matches[i] == cur)
				break;
		}
		if (i == ui->nmatches)
			k = dir > 0 ? 0 : ui->nmatches - 1;
		else if (dir > 0)
			k = (i + 1) % ui->nmatches;
		else
			k = (i + ui->nmatches - 1) % ui->nmatches;
	}
	ui->match = k;
	c = model_card(m, ui->matches[k]);
	ui->view = UI_VIEW_BOARD;
	ui_resolve_table(ui);
	ui->table = c->table;
	ui->browsing = c->table != ui->seat_seen;
	ui_tab(ui, c->table)->sel = c->id;
	ui_message(ui, false, _("Match %zu of %zu (n: next, N: previous)"),
	    k + 1, ui->nmatches);
}

/* ---------------------------------------------------------------- writing */

/*
 * Send a change carrying text typed in the open editor.  When it goes, the
 * editor closes; when the board refuses it, the editor stays open with the
 * text and the reason, so that nothing typed is ever lost.
 */
int
ui_send_text(struct ui *ui, struct proto_op *op)
{
	const char	*why = NULL;
	size_t		 len;
	int		 code;

	if (!ui->net_ready || ui->net.replica.me == 0) {
		ui_message(ui, true, "%s", _("Not connected yet: your text "
		    "stays here, press Enter again in a moment."));
		return REJECT_BAD;
	}
	if ((code = net_submit(&ui->net, op, &why)) != 0) {
		ui_refused(ui, code, why);
		len = strlen(ui->msg);
		snprintf(ui->msg + len, sizeof ui->msg - len, " %s",
		    _("Your text stays in the field: press Enter to try "
		    "again."));
		ui->msg_until = 0;
		return code;
	}
	ui_close_modal(ui);
	ui_dirty(ui);
	return 0;
}

/*
 * A card typed in the editor: an idea at table, or a reply to parent.
 * Sits first when the writer chose to write where they visit.
 */
void
ui_card_done(struct ui *ui, const char *text, uint64_t table, uint64_t parent)
{
	struct proto_op	op;

	if (text[0] == '\0') {
		ui_close_modal(ui);
		return;
	}
	if (ui->target.sit_first && ui_me(ui) != NULL &&
	    ui_me(ui)->table != table) {
		memset(&op, 0, sizeof op);
		op.kind = OP_TABLE_SIT;
		op.table = table;
		if (ui_submit(ui, &op) != 0) {
			ui->msg_until = 0;
			return;		/* the editor stays open */
		}
		ui->table = table;
		ui->browsing = false;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = table;
	op.parent = parent;
	op.text = (char *)text;
	if (ui_send_text(ui, &op) == 0) {
		ui_tab(ui, table)->sel = ui_last_predicted(ui);
		ui->msg[0] = '\0';
		free(ui->draft);
		ui->draft = NULL;
	}
}

/* Esc in a text field: an answer to "throw it away?" */
static void
ui_discard_answer(struct ui *ui, bool yes)
{
	struct editor	ed = ui->kept.ed;
	char		*prompt = ui->kept.prompt, *start = ui->kept.start;
	ui_text_fn	*done = ui->kept.on_text;

	memset(&ui->kept, 0, sizeof ui->kept);
	if (yes) {
		editor_free(&ed);
		free(prompt);
		free(start);
		return;
	}
	ui_close_modal(ui);
	ui->modal = UI_MODAL_EDIT;
	ui->ed = ed;
	ui->prompt = prompt;
	ui->ed_start = start;
	ui->on_text = done;
	ui_dirty(ui);
}

/* Yes: the text goes. */
static void
ui_discard_yes(struct ui *ui)
{
	ui_discard_answer(ui, true);
}

/* No: back to the text, as it was. */
static void
ui_discard_no(struct ui *ui)
{
	ui_discard_answer(ui, false);
}

/*
 * Esc in a text field: it closes, but a card's text of some length that was
 * typed or changed is only thrown away after a yes.
 */
void
ui_edit_cancel(struct ui *ui)
{
	if (!ui->ed.multiline || ui->ed.cps < UI_DISCARD_ASK ||
	    (ui->ed_start != NULL &&
	    strcmp(ui->ed_start, editor_text(&ui->ed)) == 0)) {
		ui_close_modal(ui);
		return;
	}
	ui->kept.ed = ui->ed;
	ui->kept.prompt = ui->prompt;
	ui->kept.on_text = ui->on_text;
	ui->kept.start = ui->ed_start;
	memset(&ui->ed, 0, sizeof ui->ed);
	ui->prompt = NULL;
	ui->ed_start = NULL;
	ui->modal = UI_MODAL_NONE;
	ui_open_confirm(ui, _("Throw away the text you typed?"),
	    ui_discard_yes);
	ui->on_no = ui_discard_no;
}

/* Leave now. */
static void
ui_quit_yes(struct ui *ui)
{
	ui->quit = true;
	event_base_loopbreak(ui->base);
}

/* Leave, asking first when changes would be lost. */
void
ui_request_quit(struct ui *ui, bool ask)
{
	size_t	n = ui->net_ready ? net_unsent(&ui->net) : 0;
	char	q[256];

	if (n > 0) {
		snprintf(q, sizeof q, ngettext("%zu change is not sent yet. "
		    "Quit anyway?", "%zu changes are not sent yet. Quit "
		    "anyway?", n), n);
		ui_open_confirm(ui, q, ui_quit_yes);
		return;
	}
	if (ask) {
		ui_open_confirm(ui, _("Quit cafeboard?"), ui_quit_yes);
		return;
	}
	ui_quit_yes(ui);
}

/* The editor was committed: its action gets the trimmed text. */
void
ui_editor_done(struct ui *ui, const char *in)
{
	ui_text_fn	*done = ui->on_text;
	char		*text = xstrdup(in);

	text_trim(text);
	if (done != NULL)
		done(ui, text);
	else
		ui_close_modal(ui);
	free(text);
}

/* A yes/no question was answered. */
void
ui_confirm_done(struct ui *ui, bool yes)
{
	ui_yes_fn	*fn = yes ? ui->on_yes : ui->on_no;

	ui_close_modal(ui);
	if (fn != NULL)
		fn(ui);
}

/* A picker line was chosen: the picker's action gets its value. */
void
ui_picked(struct ui *ui, uint64_t value)
{
	ui_pick_fn	*fn = ui->on_pick;

	if (fn != NULL)
		fn(ui, value);
	else
		ui_close_modal(ui);
}

/* ---------------------------------------------------------------- network */

/* Something changed on the board or the connection. */
static void
ui_net_changed(void *arg)
{
	struct ui	*ui = arg;

	/* Say once why the connection went, and that nothing is lost. */
	if (ui->net_seen == NET_LIVE && ui->net.state == NET_WAITING)
		ui_message(ui, true, _("Connection lost (%s): your changes "
		    "wait and go out when it is back."),
		    ui_text_reason(ui->net.status));
	ui->net_seen = (int)ui->net.state;
	ui_dirty(ui);
}

/* Apply the --from board file to the empty board we just made. */
static void
ui_apply_from(struct ui *ui)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	char			 err[256];
	size_t			 n, i, sent = 0;

	ui->from_done = true;
	if (ui_model(ui)->ntables != 0) {
		ui_message(ui, true, "%s", _("The board already has tables: "
		    "the board file was not applied."));
		return;
	}
	if (boardfile_load(ui->opts->board_file, &bf, err, sizeof err) != 0) {
		ui_message(ui, true, _("The board file is not valid: %s"), err);
		return;
	}
	/*
	 * The canvases and tables get the seqs that follow the head: a
	 * canvas.use names them by those.
	 */
	n = boardfile_ops_from(&bf, ui->net.replica.confirmed->head + 1,
	    &ops);
	for (i = 0; i < n; i++) {
		if (ui_submit(ui, &ops[i]) == 0)
			sent++;
	}
	free(ops);
	boardfile_free(&bf);
	ui_message(ui, false, ngettext("Board set up from the file (%zu "
	    "change).", "Board set up from the file (%zu changes).", sent),
	    sent);
}

/* A participant with no seat sits at the least crowded table, once. */
static void
ui_auto_sit(struct ui *ui)
{
	const struct model_participant	*me = ui_me(ui);
	struct model			*m = ui_model(ui);
	struct proto_op			 op;
	const char			*why;

	if (ui->sit_sent != 0 || me == NULL || me->table != 0 ||
	    me->role == ROLE_FACILITATOR || m->ntables == 0 ||
	    ui->net.state != NET_LIVE)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = model_least_crowded(m);
	if (model_check(m, me->id, &op, net_now_ms(), &why) != 0)
		return;
	if (net_submit(&ui->net, &op, &why) == 0)
		ui->sit_sent = op.table;
	ui_dirty(ui);
}

/* Catch-up complete: live from now on. */
static void
ui_net_live(void *arg, bool first)
{
	struct ui	*ui = arg;
	struct model	*m = ui_model(ui);

	/* A waiting screen (board not open yet, no server) gives way. */
	if (ui->join.active)
		ui_join_free(ui);
	if (first) {
		if (ui->opts->board_file != NULL && !ui->from_done &&
		    ui_is_facilitator(ui))
			ui_apply_from(ui);
		if (m->phase >= PHASE_HARVEST && ui_results_allowed(ui))
			ui->view = UI_VIEW_RESULTS;
	} else
		ui_message(ui, false, "%s", _("Connected again."));
	ui_auto_sit(ui);
	if (first)
		ui_day_live(ui);
	ui_dirty(ui);
}

/* The server refused one of our changes. */
static void
ui_net_rejected(void *arg, const struct pending *p, uint32_t code,
    const char *text)
{
	struct ui	*ui = arg;

	ui_refused(ui, (int)code, text);
	/* What the user wrote is not lost with the change. */
	if ((p->op.kind == OP_CARD_ADD || p->op.kind == OP_CARD_EDIT) &&
	    p->op.text != NULL && p->op.text[0] != '\0') {
		free(ui->draft);
		ui->draft = xstrdup(p->op.text);
		snprintf(ui->msg + strlen(ui->msg), sizeof ui->msg -
		    strlen(ui->msg), " %s", _("Your text is kept: press a to "
		    "write it again."));
	}
}

/* Try our own name again, after someone else held it. */
static void
ui_name_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;

	(void)fd;
	(void)what;
	if (ui->net.state == NET_STOPPED && ui->net.last_error == ERROR_NAME)
		net_start(&ui->net);
}

/* An ERROR from the server (or a local server that would not start). */
static void
ui_net_error(void *arg, uint32_t code, const char *text)
{
	struct ui	*ui = arg;
	struct timeval	 tv = { UI_NAME_RETRY_S, 0 };

	/*
	 * Coming back, we found our name held by another terminal (it took
	 * our participant over while we were away).  We keep our name, our
	 * board and what waits to be sent, and try again until it leaves:
	 * the join screen could only offer another name, and our client id
	 * still maps to this participant.
	 */
	if (code == ERROR_NAME && ui->net.ever_live) {
		ui_message(ui, true, _("Someone else came in as "
		    "\xe2\x80\x9c%s\xe2\x80\x9d while you were away: "
		    "cafeboard tries again every %d s until they leave, with "
		    "your name and your changes."), ui->opts->name,
		    UI_NAME_RETRY_S);
		ui->msg_until = 0;
		evtimer_add(ui->name_ev, &tv);
		return;
	}
	if (code == 0 || ERROR_FINAL(code))
		ui_join_open(ui, code, text);
	else
		ui_message(ui, true, "%s", ui_text_error(code));
	ui_dirty(ui);
}

/*
 * Follow-me ends: everyone goes back to where they were when it began (a
 * visited table that is gone: their own table).
 */
static void
ui_follow_release(struct ui *ui)
{
	struct ui_place	*p = &ui->before_follow;
	struct model	*m = ui_model(ui);

	if (!p->set)
		return;
	p->set = false;
	ui_resolve_table(ui);
	ui->view = p->view == UI_VIEW_RESULTS && ui_results_allowed(ui) ?
	    UI_VIEW_RESULTS : UI_VIEW_BOARD;
	if (p->browsing && model_table(m, p->table) != NULL) {
		ui->table = p->table;
		ui->browsing = p->table != ui->seat_seen;
	} else
		ui->browsing = false;
	ui_resolve_table(ui);
	ui_message(ui, false, "%s", _("The facilitator lets everyone move "
	    "freely again: you are back where you were."));
}

/* Tell me where the facilitator seated me (table 0: stood up). */
static void
ui_seated_message(struct ui *ui, struct model *m, uint64_t table)
{
	const struct model_table	*t = model_table(m, table);

	if (t == NULL) {
		ui_message(ui, false, "%s", _("The facilitator stood you up: "
		    "you have no table now (s: sit down)."));
		return;
	}
	ui_message(ui, false, _("The facilitator seated you at table %d: "
	    "%s"), model_table_index(m, table) + 1, t->question);
}

/* Tell me where a rotation took me. */
static void
ui_moved_message(struct ui *ui, struct model *m, uint64_t table)
{
	const struct model_table	*t = model_table(m, table);

	/* The seat of the last draw is the one before the rotation. */
	if (table == ui->seat_seen)
		ui_message(ui, false, _("The tables rotated: you stay at "
		    "table %d."), model_table_index(m, table) + 1);
	else
		ui_message(ui, false, _("The tables rotated: you are now at "
		    "table %d: %s"), model_table_index(m, table) + 1,
		    t->question);
}

/* The tables rotated: tell me where I am now. */
static void
ui_rotated(struct ui *ui, struct model *m)
{
	const struct model_participant	*me = ui_me(ui);

	if (me != NULL && me->role != ROLE_FACILITATOR &&
	    model_table(m, me->table) != NULL)
		ui_moved_message(ui, m, me->table);
}
/* An event was applied: the ones that call for more than a redraw. */
static void
ui_net_event(void *arg, const struct proto_event *ev, bool live)
{
	struct ui			*ui = arg;
	struct model			*m;
	const struct model_participant	*me;

	if (!live)
		return;
	m = ui_model(ui);
	switch (ev->op.kind) {
	case OP_TIMER_END:
		if (ui->curses) {
			beep();
			flash();
		}
		ui_message(ui, false, "%s", _("Time is up!"));
		break;
	case OP_FOLLOW:
		/* The facilitator who asked stays where they look. */
		if (ev->origin == ui->net.replica.me)
			break;
		if (ev->op.view == FOLLOW_NONE) {
			ui_follow_release(ui);
			break;
		}
		/* Move the view, but never throw away what is being typed. */
		if (ui->modal != UI_MODAL_EDIT && ui->modal != UI_MODAL_NONE)
			ui_close_modal(ui);
		ui_resolve_table(ui);
		if (!ui->before_follow.set) {
			ui->before_follow.set = true;
			ui->before_follow.view = ui->view;
			ui->before_follow.table = ui->table;
			ui->before_follow.browsing = ui->browsing;
		}
		if (ev->op.view == FOLLOW_RESULTS && ui_results_allowed(ui)) {
			ui->view = UI_VIEW_RESULTS;
			ui_message(ui, false, "%s", _("The facilitator brings "
			    "everyone to the results."));
		} else if (ev->op.view == FOLLOW_TABLE &&
		    model_table(m, ev->op.table) != NULL) {
			ui->view = UI_VIEW_BOARD;
			ui->table = ev->op.table;
			ui->browsing = ui->table != ui->seat_seen;
			ui_message(ui, false, "%s", _("The facilitator brings "
			    "everyone to this table (m: back to yours)."));
		}
		break;
	case OP_TABLE_SIT:
		me = ui_me(ui);
		if (me != NULL && ev->origin != me->id &&
		    ev->op.participant == me->id)
			ui_seated_message(ui, m, ev->op.table);
		break;
	case OP_SETTINGS:
		if ((ev->op.settings.has & SET_LOCKED) &&
		    !ui_is_facilitator(ui))
			ui_message(ui, false, "%s", ev->op.settings.locked ?
			    _("The facilitator locked the board: you can read, "
			    "not write, for now.") : _("The board is unlocked: "
			    "you can write again."));
		break;
	case OP_PHASE:
		ui_message(ui, false, _("Phase: %s"),
		    ui_text_phase(ev->op.phase));
		if (ev->op.phase == PHASE_HARVEST && ui_results_allowed(ui))
			ui->view = UI_VIEW_RESULTS;
		else if (ev->op.phase < PHASE_HARVEST)
			ui->view = UI_VIEW_BOARD;
		break;
	case OP_ROTATE:
		ui_rotated(ui, m);
		break;
	case OP_ROLE:
		me = ui_me(ui);
		if (me != NULL && ev->op.participant == me->id)
			ui_message(ui, false, _("You are now: %s."),
			    ui_text_role(ev->op.role));
		break;
	case OP_TALLY:
		/* The tallies come right after the vote closes. */
		if (m->phase == PHASE_HARVEST && ui->modal == UI_MODAL_NONE)
			ui->view = UI_VIEW_RESULTS;
		break;
	case OP_TABLE_ADD:
		ui_auto_sit(ui);
		break;
	case OP_STEP:
		/* A step's phase and follow-me move screens as theirs do. */
		if (ev->op.step.has & STEP_PHASE) {
			if (ev->op.step.phase == PHASE_HARVEST &&
			    ui_results_allowed(ui))
				ui->view = UI_VIEW_RESULTS;
			else if (ev->op.step.phase < PHASE_HARVEST)
				ui->view = UI_VIEW_BOARD;
		}
		if ((ev->op.step.has & STEP_FOLLOW) &&
		    ev->origin != ui->net.replica.me) {
			if (ev->op.step.follow == FOLLOW_NONE)
				ui_follow_release(ui);
			else if (ui_results_allowed(ui))
				ui->view = UI_VIEW_RESULTS;
		}
		ui_day_event(ui, ev);
		/* A step that rotates says it as a rotation does. */
		if ((ev->op.step.has & STEP_ACTION) &&
		    ev->op.step.action == ACTION_ROTATE)
			ui_rotated(ui, m);
		break;
	case OP_POLL_OPEN:
	case OP_POLL_CLOSE:
	case OP_REGROUP:
	case OP_LABEL:
		ui_day_event(ui, ev);
		break;
	}
}

/* A change of ours got its seq: selections follow the new id. */
static void
ui_net_confirmed(void *arg, uint64_t predicted, uint64_t seq)
{
	struct ui	*ui = arg;
	size_t		 i;

	for (i = 0; i < ui->ntabs; i++) {
		if (ui->tabs[i].sel == predicted)
			ui->tabs[i].sel = seq;
	}
	if (ui->res_sel == predicted)
		ui->res_sel = seq;
	if (ui->group_card == predicted)
		ui->group_card = seq;
	if (ui->detail_card == predicted)
		ui->detail_card = seq;
	ui_deliver_confirmed(ui, predicted, seq);
}

/* What the connection tells this program. */
static void
ui_callbacks(struct net_callbacks *cb)
{
	memset(cb, 0, sizeof *cb);
	cb->changed = ui_net_changed;
	cb->live = ui_net_live;
	cb->rejected = ui_net_rejected;
	cb->error = ui_net_error;
	cb->event = ui_net_event;
	cb->confirmed = ui_net_confirmed;
}

/* Set up the connection once the board and the name are known. */
void
ui_connect(struct ui *ui)
{
	struct net_callbacks	cb;

	if (!ui->net_ready) {
		ui_callbacks(&cb);
		net_init(&ui->net, ui->base, ui->opts, &cb, ui);
		ui->net_ready = true;
	} else if (strcmp(ui->net.replica.confirmed->name,
	    ui->opts->board) != 0) {
		/* Another board: nothing of the old one applies. */
		ui_draw_cards_forget(ui);
		replica_free(&ui->net.replica);
		replica_init(&ui->net.replica, ui->opts->board);
		free(ui->tabs);
		ui->tabs = NULL;
		ui->ntabs = 0;
		ui->table = ui->seat_seen = 0;
	}
	net_start(&ui->net);
	ui_dirty(ui);
}

/* ---------------------------------------------------------------- timers */

/* Milliseconds until the next whole second of a count of ms. */
static int64_t
ui_next_second(int64_t ms)
{
	int64_t	d = ms % 1000;

	return d == 0 ? 1000 : d;
}

/*
 * Milliseconds until a countdown with ms left more than a minute from zero
 * shows another minute (rounded up), or its last minute in seconds.
 */
static int64_t
ui_next_minute(int64_t ms)
{
	int64_t	d = (ms - 60000) % 60000;

	return d == 0 ? 60000 : d;
}

/*
 * Arm the tick for the next moment something on screen changes by itself:
 * the countdown's next second, the reconnect countdown, a message that
 * expires.  Nothing to wait for: no tick at all.
 */
static void
ui_schedule_tick(struct ui *ui)
{
	struct model	*m;
	struct timeval	 tv;
	int64_t		 now = net_now_ms(), delay = -1, d, rem;

	if (ui->net_ready && !ui->join.active) {
		m = ui_model(ui);
		if (m->timer.running &&
		    (rem = (int64_t)model_timer_remaining(m, now)) > 0)
			delay = (ui_draw_clock_minutes(m, (uint64_t)rem) ?
			    ui_next_minute(rem) : ui_next_second(rem)) + 2;
		if (ui->net.state == NET_WAITING &&
		    (d = ui->net.retry_at - now) > 0) {
			d = ui_next_second(d) + 2;
			if (delay < 0 || d < delay)
				delay = d;
		}
	}
	if (ui->msg_until > 0) {
		d = ui->msg_until - now;
		if (d < 0)
			d = 0;
		if (delay < 0 || d < delay)
			delay = d;
	}
	if (delay < 0) {
		evtimer_del(ui->tick_ev);
		return;
	}
	tv.tv_sec = (time_t)(delay / 1000);
	tv.tv_usec = (suseconds_t)(delay % 1000) * 1000;
	evtimer_add(ui->tick_ev, &tv);
}

/* Draw now if anything is due. */
static void
ui_redraw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;

	(void)fd;
	(void)what;
	if (ui->quit)
		return;
	if (ui->dirty) {
		ui_draw(ui);
		ui->dirty = false;
	}
	ui_schedule_tick(ui);
}

/* The tick: only the countdown's cells, unless more is due. */
static void
ui_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;

	(void)fd;
	(void)what;
	if (ui->msg_until > 0 && net_now_ms() >= ui->msg_until) {
		ui->msg[0] = '\0';
		ui->msg_until = 0;
		ui->dirty = true;
	}
	if (ui->net_ready && ui->net.state == NET_WAITING)
		ui->dirty = true;
	if (!ui->dirty && !ui_draw_clock(ui))
		ui->dirty = true;
	ui_redraw_cb(-1, 0, ui);
}

/* ---------------------------------------------------------------- signals */

/* SIGWINCH: take the new size and draw again. */
static void
ui_resize(struct ui *ui)
{
	struct winsize	ws;

	if (!ui->curses)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	else {
		endwin();
		refresh();
	}
	ui_dirty(ui);
}

/* Signals: resize, or leave cleanly with the terminal restored. */
static void
ui_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ui	*ui = arg;

	(void)what;
	switch (sig) {
	case SIGWINCH:
		ui_resize(ui);
		break;
	case SIGHUP:
	case SIGTERM:
		log_info("signal %d: leaving", (int)sig);
		ui->quit = true;
		ui->exit_code = 0;
		event_base_loopbreak(ui->base);
		break;
	case SIGCONT:
		if (ui->curses)
			clearok(curscr, TRUE);
		ui_dirty(ui);
		break;
	}
}

/* ---------------------------------------------------------------- main */

/*
 * Take the connection the line mode had: the board as it stands, the
 * changes still waiting, the view its phase calls for.
 */
static void
ui_adopt(struct ui *ui, struct client_switch *sw)
{
	struct net_callbacks	cb;

	ui_callbacks(&cb);
	net_move(&ui->net, &sw->net, &cb, ui);
	sw->net_ready = false;
	ui->net_ready = true;
	ui->net_seen = (int)ui->net.state;
	ui->from_done = sw->from_done;
	ui->sit_sent = sw->sit_sent;
	if (ui->net.state == NET_STOPPED && ui->net.last_error != 0) {
		ui_net_error(ui, ui->net.last_error, ui->net.last_error_text);
		return;
	}
	if (ui_model(ui)->phase >= PHASE_HARVEST && ui_results_allowed(ui))
		ui->view = UI_VIEW_RESULTS;
	ui_message(ui, false, "%s", _("Full screen. F2 or Ctrl-T: back to "
	    "the line mode."));
}

/* Hand the loop and the connection over to the line mode. */
static void
ui_hand_over(struct ui *ui, struct client_switch *sw)
{
	sw->next = CLIENT_PLAIN;
	sw->base = ui->base;
	sw->net_ready = ui->net_ready;
	if (ui->net_ready)
		net_move(&sw->net, &ui->net, NULL, NULL);
	ui->net_ready = false;
	sw->from_done = ui->from_done;
	sw->sit_sent = ui->sit_sent;
}

/*
 * Run the interactive client until the user quits, or switches to the
 * line mode; the exit status.
 */
int
ui_main(struct client_opts *opts, struct client_switch *sw)
{
	static const int	 sigs[4] = { SIGWINCH, SIGHUP, SIGTERM,
	    SIGCONT };
	struct ui		 ui;
	int			 i, fd;

	sw->next = CLIENT_DONE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", _("cafeboard: this program needs a "
		    "terminal."));
		return 1;
	}
	memset(&ui, 0, sizeof ui);
	ui.opts = opts;
	ui.ascii = opts->ascii;
	ui.wide = true;
	ui.saved_stderr = -1;
	ui_running = &ui;
	xmalloc_set_fatal_hook(ui_fatal_hook);
	event_set_log_callback(ui_event_log);

	/* Raw mode makes those keys plain keys; they stay ignored should the
	 * terminal mode ever change. */
	term_signals_ignore(true);
	ui.base = term_switch_base(sw);
	ui.redraw_ev = evtimer_new(ui.base, ui_redraw_cb, &ui);
	ui.tick_ev = evtimer_new(ui.base, ui_tick_cb, &ui);
	ui.name_ev = evtimer_new(ui.base, ui_name_retry_cb, &ui);
	for (i = 0; i < 4; i++) {
		ui.sig_ev[i] = evsignal_new(ui.base, sigs[i], ui_signal_cb,
		    &ui);
		evsignal_add(ui.sig_ev[i], NULL);
	}

	/* stderr off the screen while curses owns it. */
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) != -1) {
		ui.saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	ui_draw_init(&ui);
	ui_input_init(&ui);
	ui.stdin_ev = event_new(ui.base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    ui_input_cb, &ui);
	event_add(ui.stdin_ev, NULL);

	if (opts->term_note != NULL)
		ui_message(&ui, false, "%s", opts->term_note);
	if (sw->net_ready)
		ui_adopt(&ui, sw);
	else if (opts->board == NULL || opts->name == NULL)
		ui_join_open(&ui, 0, NULL);
	else
		ui_connect(&ui);
	ui_dirty(&ui);

	while (!ui.quit) {
		if (event_base_loop(ui.base, EVLOOP_ONCE) == -1)
			break;
	}

	if (ui.to_plain)
		ui_hand_over(&ui, sw);
	if (ui.net_ready && ui.net.state != NET_STOPPED)
		net_stop(&ui.net);
	ui_close_modal(&ui);
	editor_free(&ui.kept.ed);
	free(ui.kept.prompt);
	free(ui.kept.start);
	ui_join_free(&ui);
	ui_restore_terminal(&ui);
	/* Curses may take the terminal again (back from the line mode). */
	if (ui.screen != NULL)
		delscreen(ui.screen);
	log_info("%llu full redraws, %llu countdown ticks",
	    (unsigned long long)ui.redraws, (unsigned long long)ui.ticks);
	xmalloc_set_fatal_hook(NULL);
	ui_running = NULL;
	ui_draw_cards_forget(&ui);
	if (ui.net_ready)
		net_free(&ui.net);
	event_free(ui.stdin_ev);
	event_free(ui.redraw_ev);
	event_free(ui.tick_ev);
	event_free(ui.name_ev);
	for (i = 0; i < 4; i++)
		event_free(ui.sig_ev[i]);
	if (sw->next != CLIENT_PLAIN)
		event_base_free(ui.base);
	free(ui.tabs);
	free(ui.search);
	free(ui.matches);
	free(ui.paste);
	free(ui.timer_secs);
	free(ui.draft);
	free(ui.draft_owner);
	free(ui.draft_canvas);
	return ui.exit_code;
}
