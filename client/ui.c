/*
 * ui.c -- the interactive client: one libevent loop for the terminal and
 * the network, the callbacks of net.c, and the actions that become ops.
 *
 * Nothing blocks.  The terminal is read when it is readable, the network
 * by net.c; both only mark the screen dirty, and one deferred redraw per
 * loop turn draws the whole screen into curses' buffer, which sends the
 * terminal only the cells that differ.  Between changes a tick, timed to
 * the next second of the countdown, rewrites the countdown's own cells and
 * nothing else.
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

/* The client being run, for the fatal hook (which takes no argument). */
static struct ui *ui_running;

/* ---------------------------------------------------------------- basics */

/* The terminal back to normal before a fatal message is printed. */
static void
ui_fatal_hook(const char *msg)
{
	struct ui	*ui = ui_running;

	log_error("fatal: %s", msg);
	if (ui == NULL)
		return;
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
	return replica_view(&ui->net.replica, net_now_ms());
}

/* My participant record, NULL before WELCOME. */
const struct model_participant *
ui_me(struct ui *ui)
{
	if (!ui->net_ready || ui->net.replica.me == 0)
		return NULL;
	return model_participant(ui_model(ui), ui->net.replica.me);
}

/* True if I am a facilitator now (roles change during a session). */
bool
ui_is_facilitator(struct ui *ui)
{
	const struct model_participant	*me = ui_me(ui);

	if (me != NULL)
		return me->role == ROLE_FACILITATOR;
	return ui->net_ready && ui->net.replica.me != 0 &&
	    ui->net.replica.my_role == ROLE_FACILITATOR;
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
	if (model_table(m, ui->table) == NULL)
		ui->table = m->ntables > 0 ? m->tables[0].id : 0;
	if (ui->table == seat)
		ui->browsing = false;
}

/* Look at the next (dir 1) or previous (-1) table. */
void
ui_switch_table(struct ui *ui, int dir)
{
	struct model	*m = ui_model(ui);
	int		 i;

	ui_resolve_table(ui);
	if (m->ntables < 2)
		return;
	i = model_table_index(m, ui->table);
	i = (i + dir + (int)m->ntables) % (int)m->ntables;
	ui->table = m->tables[i].id;
	ui->browsing = ui->table != ui->seat_seen;
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
static void
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
static uint64_t
ui_last_predicted(struct ui *ui)
{
	struct replica	*r = &ui->net.replica;

	if (r->npending == 0)
		return 0;
	replica_view(r, net_now_ms());
	return r->pending[r->npending - 1].predicted;
}

/* Would op be allowed (text aside)?  Explains and returns false if not. */
static bool
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
	ui->action = UI_ACT_NONE;
	ui->cur_on = false;
	ui_dirty(ui);
}

/* Open the line editor for action, with prompt and initial text. */
void
ui_open_editor(struct ui *ui, enum ui_action action, const char *prompt,
    const char *text, size_t max, bool multiline)
{
	uint64_t	arg = ui->arg, arg2 = ui->arg2;

	ui_close_modal(ui);
	ui->arg = arg;
	ui->arg2 = arg2;
	ui->modal = UI_MODAL_EDIT;
	ui->action = action;
	ui->prompt = xstrdup(prompt);
	editor_init(&ui->ed, text, max, multiline);
	ui_dirty(ui);
}

/* Ask a yes/no question for action. */
void
ui_open_confirm(struct ui *ui, enum ui_action action, const char *question)
{
	uint64_t	arg = ui->arg, arg2 = ui->arg2;

	ui_close_modal(ui);
	ui->arg = arg;
	ui->arg2 = arg2;
	ui->modal = UI_MODAL_CONFIRM;
	ui->action = action;
	ui->prompt = xstrdup(question);
	ui_dirty(ui);
}

/* Open an empty picker for action; fill it with ui_picker_add. */
void
ui_open_picker(struct ui *ui, enum ui_action action, const char *title)
{
	uint64_t	arg = ui->arg, arg2 = ui->arg2;

	ui_close_modal(ui);
	ui->arg = arg;
	ui->arg2 = arg2;
	ui->modal = UI_MODAL_PICK;
	ui->action = action;
	ui->pick_title = xstrdup(title);
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
		q = ui_fold(ui->search, pass == 1);
		if (pass == 1 && strchr(q, '?') != NULL) {
			free(q);
			break;
		}
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

/* ---------------------------------------------------------------- actions */

/* A card op on the selected card; false (explained) when there is none. */
static bool
ui_need_card(struct ui *ui, uint64_t *id, bool live)
{
	const struct model_card	*c;

	*id = ui_selected(ui);
	c = model_card(ui_model(ui), *id);
	if (c == NULL) {
		ui_message(ui, true, "%s", _("No card selected."));
		return false;
	}
	if (live && c->deleted) {
		ui_message(ui, true, "%s", _("This card was deleted."));
		return false;
	}
	return true;
}

/* Sit: pick a table. */
void
ui_open_sit(struct ui *ui)
{
	struct model	*m = ui_model(ui);
	char		*label, *q;
	size_t		 i, qlen;
	uint32_t	 n;

	if (m->ntables == 0) {
		ui_message(ui, true, "%s", _("There is no table yet."));
		return;
	}
	ui_resolve_table(ui);
	ui_open_picker(ui, UI_ACT_SIT, _("Sit at which table?"));
	for (i = 0; i < m->ntables; i++) {
		n = model_seated(m, m->tables[i].id);
		q = text_sanitize(m->tables[i].question, ui->ascii, false);
		qlen = text_fit(q, 60, NULL);
		q[qlen] = '\0';
		xasprintf(&label, ngettext("Table %zu: %s (%u person)",
		    "Table %zu: %s (%u people)", n), i + 1, q, n);
		ui_picker_add(ui, label, m->tables[i].id,
		    i < 9 ? (int)('1' + i) : 0,
		    m->tables[i].id == ui->seat_seen);
		free(label);
		free(q);
	}
	/* Start on the table being looked at. */
	for (i = 0; i < ui->nitems; i++) {
		if (ui->items[i].value == ui->table)
			ui->pick = i;
	}
}

/* Vote on the selected card: +1, or -1 to take a dot back. */
static void
ui_vote(struct ui *ui, int delta)
{
	struct model		*m = ui_model(ui);
	struct proto_op		 op;
	uint64_t		 id, table;
	uint32_t		 mine, left, used, dots;

	if (!ui_need_card(ui, &id, true))
		return;
	table = model_card(m, id)->table;
	mine = model_votes_of(m, ui->net.replica.me, id);
	/* One dot per card: space takes it back, as a toggle. */
	if (delta > 0 && !m->settings.multi_vote && mine > 0)
		delta = -1;
	memset(&op, 0, sizeof op);
	op.kind = OP_VOTE;
	op.card = id;
	op.delta = delta;
	if (ui_submit(ui, &op) == 0) {
		/* The prediction replaced the model: look again. */
		m = ui_model(ui);
		used = model_dots_used(m, ui->net.replica.me, table);
		dots = m->settings.dots;
		left = dots > used ? dots - used : 0;
		ui_message(ui, false, ngettext("%u dot left for this question.",
		    "%u dots left for this question.", left), left);
	}
}

/* Enter on a card in the group chooser: group under it (or ungroup). */
static void
ui_group_commit(struct ui *ui)
{
	struct proto_op	op;
	uint64_t	head = ui_selected(ui);

	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_GROUP;
	op.card = ui->group_card;
	op.head = head == ui->group_card ? 0 : head;
	ui->modal = UI_MODAL_NONE;
	ui->group_card = 0;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.head == 0
		    ? _("Card ungrouped.") : _("Card grouped."));
	ui_dirty(ui);
}

/* Start choosing the head for the selected card. */
static void
ui_group_start(struct ui *ui)
{
	struct proto_op	op;
	uint64_t	id;

	if (!ui_need_card(ui, &id, true))
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_GROUP;
	op.card = id;
	if (!ui_precheck(ui, &op))
		return;
	ui->group_card = id;
	ui->modal = UI_MODAL_GROUP;
	ui_message(ui, false, "%s", _("Move to the card to group under and "
	    "press Enter (Enter on the card itself ungroups it, Esc "
	    "cancels)."));
	ui->msg_until = 0;
}

/* Mark myself ready, or not. */
static void
ui_ready(struct ui *ui)
{
	const struct model_participant	*me = ui_me(ui);
	struct proto_op			 op;

	if (me == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_READY;
	op.flag = !me->ready;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.flag ? _("You are marked "
		    "ready.") : _("You are no longer marked ready."));
}

/* Facilitator: keep or unkeep the selected idea. */
static void
ui_keep(struct ui *ui)
{
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

	if (!ui_is_facilitator(ui)) {
		ui_message(ui, true, "%s",
		    _("Only a facilitator keeps ideas."));
		return;
	}
	if (!ui_need_card(ui, &id, true))
		return;
	c = model_card(ui_model(ui), id);
	memset(&op, 0, sizeof op);
	op.kind = OP_KEEP;
	op.card = id;
	op.flag = !c->kept;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.flag ? _("Idea kept.") :
		    _("Idea no longer kept."));
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
		ui_open_confirm(ui, UI_ACT_QUIT, q);
		return;
	}
	if (ask) {
		ui_open_confirm(ui, UI_ACT_QUIT, _("Quit cafeboard?"));
		return;
	}
	ui->quit = true;
	event_base_loopbreak(ui->base);
}

/* The keys of the board and results views (after the modal keys). */
void
ui_action_key(struct ui *ui, int key)
{
	struct model		*m = ui_model(ui);
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

	memset(&op, 0, sizeof op);
	switch (key) {
	case 'a':
		ui_resolve_table(ui);
		op.kind = OP_CARD_ADD;
		op.table = ui->table;
		op.text = (char *)"";
		if (!ui_precheck(ui, &op))
			return;
		ui->arg = ui->table;
		ui_open_editor(ui, UI_ACT_ADD, _("New idea"), ui->lost_text,
		    PROTO_CARD_MAX, true);
		free(ui->lost_text);
		ui->lost_text = NULL;
		break;
	case 'r':
		if (!ui_need_card(ui, &id, true))
			return;
		c = model_card(m, id);
		op.kind = OP_CARD_ADD;
		op.table = c->table;
		op.parent = id;
		op.text = (char *)"";
		if (!ui_precheck(ui, &op))
			return;
		ui->arg = id;
		ui->arg2 = c->table;
		ui_open_editor(ui, UI_ACT_REPLY, _("Build on this idea"), NULL,
		    PROTO_CARD_MAX, true);
		break;
	case 'e':
		if (!ui_need_card(ui, &id, true))
			return;
		c = model_card(m, id);
		op.kind = OP_CARD_EDIT;
		op.card = id;
		op.text = (char *)"";
		if (!ui_precheck(ui, &op))
			return;
		ui->arg = id;
		ui_open_editor(ui, UI_ACT_EDIT, _("Edit the idea"), c->text,
		    PROTO_CARD_MAX, true);
		break;
	case 'd':
		if (!ui_need_card(ui, &id, true))
			return;
		op.kind = OP_CARD_DELETE;
		op.card = id;
		if (!ui_precheck(ui, &op))
			return;
		ui->arg = id;
		ui_open_confirm(ui, UI_ACT_DELETE, _("Delete this card?"));
		break;
	case 't':
		if (!ui_need_card(ui, &id, true))
			return;
		c = model_card(m, id);
		op.kind = OP_CLUSTER_TITLE;
		op.head = c->head != 0 ? c->head : id;
		op.text = (char *)"";
		if (!ui_precheck(ui, &op))
			return;
		ui->arg = op.head;
		c = model_card(m, op.head);
		ui_open_editor(ui, UI_ACT_TITLE, _("Cluster title"),
		    c != NULL ? c->title : "", PROTO_CTITLE_MAX, false);
		break;
	case 'g':
		ui_group_start(ui);
		break;
	case ' ':
		ui_vote(ui, 1);
		break;
	case 'x':
	case 'u':
		ui_vote(ui, -1);
		break;
	case '/':
		ui_open_editor(ui, UI_ACT_SEARCH, _("Search"), ui->search,
		    PROTO_CARD_MAX, false);
		break;
	case 'n':
		ui_search_step(ui, 1);
		break;
	case 'N':
		ui_search_step(ui, -1);
		break;
	case 's':
		ui_open_sit(ui);
		break;
	case '.':
		ui_ready(ui);
		break;
	case '*':
		ui_keep(ui);
		break;
	case 'v':
		if (ui->view == UI_VIEW_RESULTS)
			ui->view = UI_VIEW_BOARD;
		else if (ui_results_allowed(ui))
			ui->view = UI_VIEW_RESULTS;
		else
			ui_message(ui, true, "%s", _("The results show when "
			    "the facilitator closes the vote."));
		ui_dirty(ui);
		break;
	case 'w':
		ui->wide = !ui->wide;
		ui_message(ui, false, "%s", ui->wide ? _("All tables side by "
		    "side (when the terminal is wide enough).") :
		    _("One table at a time."));
		break;
	case ':':
	case 'F':
		if (ui_is_facilitator(ui))
			ui_console_open(ui);
		else
			ui_message(ui, true, "%s", _("The console is for "
			    "facilitators."));
		break;
	case '?':
		ui_close_modal(ui);
		ui->modal = UI_MODAL_HELP;
		ui->help_top = 0;
		break;
	case '\r':
	case '\n':
		if (!ui_need_card(ui, &id, false))
			return;
		ui->detail_card = id;
		ui->modal = UI_MODAL_DETAIL;
		ui_dirty(ui);
		break;
	case 'q':
		ui_request_quit(ui, false);
		break;
	default:
		return;
	}
}

/* ---------------------------------------------------------------- results */

/* The editor was committed with text. */
void
ui_editor_done(struct ui *ui, const char *in)
{
	enum ui_action		 action = ui->action;
	struct model		*m = ui_model(ui);
	const struct model_card	*c;
	struct proto_op		 op;
	char			*text = xstrdup(in);
	uint64_t		 arg = ui->arg, arg2 = ui->arg2;

	text_trim(text);
	memset(&op, 0, sizeof op);
	switch (action) {
	case UI_ACT_ADD:
	case UI_ACT_REPLY:
		if (text[0] == '\0')
			break;
		op.kind = OP_CARD_ADD;
		op.table = action == UI_ACT_ADD ? arg : arg2;
		op.parent = action == UI_ACT_REPLY ? arg : 0;
		op.text = text;
		ui_close_modal(ui);
		if (ui_submit(ui, &op) == 0) {
			ui_tab(ui, op.table)->sel = ui_last_predicted(ui);
			ui->msg[0] = '\0';
		}
		free(text);
		return;
	case UI_ACT_EDIT:
		c = model_card(m, arg);
		if (text[0] == '\0' || c == NULL || strcmp(c->text, text) == 0)
			break;
		op.kind = OP_CARD_EDIT;
		op.card = arg;
		op.text = text;
		ui_close_modal(ui);
		ui_submit(ui, &op);
		free(text);
		return;
	case UI_ACT_TITLE:
		op.kind = OP_CLUSTER_TITLE;
		op.head = arg;
		op.text = text;
		ui_close_modal(ui);
		ui_submit(ui, &op);
		free(text);
		return;
	case UI_ACT_SEARCH:
		free(ui->search);
		ui->search = text[0] != '\0' ? xstrdup(text) : NULL;
		ui_close_modal(ui);
		free(ui->matches);
		ui->matches = NULL;
		ui->nmatches = 0;
		if (ui->search != NULL)
			ui_search_step(ui, 0);
		free(text);
		return;
	default:
		ui_console_edited(ui, text);
		free(text);
		return;
	}
	ui_close_modal(ui);
	free(text);
}

/* A yes/no question was answered. */
void
ui_confirm_done(struct ui *ui, bool yes)
{
	enum ui_action	action = ui->action;
	struct proto_op	op;
	uint64_t	arg = ui->arg;

	ui_close_modal(ui);
	if (!yes)
		return;
	switch (action) {
	case UI_ACT_DELETE:
		memset(&op, 0, sizeof op);
		op.kind = OP_CARD_DELETE;
		op.card = arg;
		if (ui_submit(ui, &op) == 0)
			ui_message(ui, false, "%s", _("Card deleted."));
		break;
	case UI_ACT_QUIT:
		ui->quit = true;
		event_base_loopbreak(ui->base);
		break;
	default:
		ui->action = action;
		ui->arg = arg;
		ui_console_confirmed(ui);
		ui->action = UI_ACT_NONE;
		break;
	}
}

/* A picker line was chosen. */
void
ui_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	switch (ui->action) {
	case UI_ACT_SIT:
		ui_close_modal(ui);
		memset(&op, 0, sizeof op);
		op.kind = OP_TABLE_SIT;
		op.table = value;
		if (ui_submit(ui, &op) == 0) {
			ui->table = value;
			ui->browsing = false;
		}
		break;
	default:
		ui_console_picked(ui, value);
		break;
	}
}

/* Escape a menu key from the group chooser, the only non-modal modal. */
void
ui_group_key(struct ui *ui, int key)
{
	if (key == '\r' || key == '\n' || key == KEY_ENTER)
		ui_group_commit(ui);
	else {
		ui->modal = UI_MODAL_NONE;
		ui->group_card = 0;
		ui->msg[0] = '\0';
		ui_dirty(ui);
	}
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
	n = boardfile_ops(&bf, &ops);
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

	if (first) {
		if (ui->opts->board_file != NULL && !ui->from_done &&
		    ui_is_facilitator(ui))
			ui_apply_from(ui);
		if (m->phase >= PHASE_HARVEST && ui_results_allowed(ui))
			ui->view = UI_VIEW_RESULTS;
	} else
		ui_message(ui, false, "%s", _("Connected again."));
	ui_auto_sit(ui);
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
		free(ui->lost_text);
		ui->lost_text = xstrdup(p->op.text);
		snprintf(ui->msg + strlen(ui->msg), sizeof ui->msg -
		    strlen(ui->msg), " %s", _("Your text is kept: press a to "
		    "write it again."));
	}
}

/* An ERROR from the server (or a local server that would not start). */
static void
ui_net_error(void *arg, uint32_t code, const char *text)
{
	struct ui	*ui = arg;

	if (code == 0 || ERROR_FINAL(code))
		ui_join_open(ui, code, text);
	else
		ui_message(ui, true, "%s", ui_text_error(code));
	ui_dirty(ui);
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
		/* Move the view, but never throw away what is being typed. */
		if (ui->modal != UI_MODAL_EDIT && ui->modal != UI_MODAL_NONE &&
		    ev->op.view != FOLLOW_NONE)
			ui_close_modal(ui);
		if (ev->op.view == FOLLOW_RESULTS && ui_results_allowed(ui)) {
			ui->view = UI_VIEW_RESULTS;
			ui_message(ui, false, "%s", _("The facilitator brings "
			    "everyone to the results."));
		} else if (ev->op.view == FOLLOW_TABLE &&
		    model_table(m, ev->op.table) != NULL) {
			ui_resolve_table(ui);
			ui->view = UI_VIEW_BOARD;
			ui->table = ev->op.table;
			ui->browsing = ui->table != ui->seat_seen;
			ui_message(ui, false, "%s", _("The facilitator brings "
			    "everyone to this table."));
		}
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
		ui_message(ui, false, "%s", _("The tables rotated: have a look "
		    "at your new table."));
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
}

/* Set up the connection once the board and the name are known. */
void
ui_connect(struct ui *ui)
{
	struct net_callbacks	cb;

	if (!ui->net_ready) {
		memset(&cb, 0, sizeof cb);
		cb.changed = ui_net_changed;
		cb.live = ui_net_live;
		cb.rejected = ui_net_rejected;
		cb.error = ui_net_error;
		cb.event = ui_net_event;
		cb.confirmed = ui_net_confirmed;
		net_init(&ui->net, ui->base, ui->opts, &cb, ui);
		ui->net_ready = true;
	} else if (strcmp(ui->net.replica.confirmed->name,
	    ui->opts->board) != 0) {
		/* Another board: nothing of the old one applies. */
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
			delay = ui_next_second(rem) + 2;
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

/* Run the interactive client until the user quits; the exit status. */
int
ui_main(struct client_opts *opts)
{
	static const int	 sigs[4] = { SIGWINCH, SIGHUP, SIGTERM,
	    SIGCONT };
	struct ui		 ui;
	int			 i, fd;

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

	/*
	 * Behind ForceCommand nothing may stop, suspend or kill us from the
	 * keyboard: raw mode makes those keys plain keys, and these stay
	 * ignored should the terminal mode ever change.  A write to a closed
	 * socket is an error to handle, not a death.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);

	if ((ui.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	ui.redraw_ev = evtimer_new(ui.base, ui_redraw_cb, &ui);
	ui.tick_ev = evtimer_new(ui.base, ui_tick_cb, &ui);
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

	if (opts->board == NULL || opts->name == NULL)
		ui_join_open(&ui, 0, NULL);
	else
		ui_connect(&ui);
	ui_dirty(&ui);

	while (!ui.quit) {
		if (event_base_loop(ui.base, EVLOOP_ONCE) == -1)
			break;
	}

	if (ui.net_ready && ui.net.state != NET_STOPPED)
		net_stop(&ui.net);
	ui_close_modal(&ui);
	ui_join_free(&ui);
	ui_input_done(&ui);
	if (ui.curses) {
		endwin();
		ui.curses = false;
	}
	if (ui.saved_stderr != -1) {
		dup2(ui.saved_stderr, STDERR_FILENO);
		close(ui.saved_stderr);
		ui.saved_stderr = -1;
	}
	log_info("%llu full redraws, %llu countdown ticks",
	    (unsigned long long)ui.redraws, (unsigned long long)ui.ticks);
	xmalloc_set_fatal_hook(NULL);
	ui_running = NULL;
	if (ui.net_ready)
		net_free(&ui.net);
	event_free(ui.stdin_ev);
	event_free(ui.redraw_ev);
	event_free(ui.tick_ev);
	for (i = 0; i < 4; i++)
		event_free(ui.sig_ev[i]);
	event_base_free(ui.base);
	free(ui.tabs);
	free(ui.search);
	free(ui.matches);
	free(ui.paste);
	free(ui.timer_secs);
	free(ui.lost_text);
	return ui.exit_code;
}
