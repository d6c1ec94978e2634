/*
 * ui-keys.c -- the key table, and what the keys of the board do.
 *
 * One table lists every key: the codes that press it, what it does, where
 * it works (the board, the results, a text field, the console...), who may
 * use it, and the words the help screen, the hint line and the console
 * show for it.  ui-input.c dispatches through it, the help screen lists it
 * and the hint line picks from it, so that the three cannot drift apart
 * (htop's key arrays and tmux's annotated key table do the same).  A key
 * works in the first row that names it for the context at hand.
 *
 * The actions that make ops check them against the model first
 * (ui_precheck), so that a refusal is explained before anything is typed.
 */
#include <event2/event.h>

#include <ctype.h>
#include <limits.h>
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

/* Directions of ui_key_move. */
enum {
	UI_MOVE_UP,
	UI_MOVE_DOWN,
	UI_MOVE_PGUP,
	UI_MOVE_PGDN,
	UI_MOVE_FIRST,
	UI_MOVE_LAST,
};

#define ENTER_KEYS	'\r', '\n', UI_FN(KEY_ENTER)

/* ---------------------------------------------------------------- helpers */

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

/*
 * An op of kind on the selected live card: op zeroed with its kind and
 * card.  Returns the card, or 0 (explained) when none is selected.
 */
static uint64_t
ui_card_op(struct ui *ui, uint8_t kind, struct proto_op *op)
{
	uint64_t	id;

	memset(op, 0, sizeof *op);
	if (!ui_need_card(ui, &id, true))
		return 0;
	op->kind = kind;
	op->card = id;
	return id;
}

/* True when a search is active (for its hints). */
static bool
ui_has_search(struct ui *ui)
{
	return ui->search != NULL && ui->search[0] != '\0';
}

/* True when looking at a table that is not my seat. */
static bool
ui_away(struct ui *ui)
{
	return ui->browsing && ui->seat_seen != 0;
}

/* True when the open editor takes several lines. */
static bool
ui_multiline(struct ui *ui)
{
	return ui->modal == UI_MODAL_EDIT && ui->ed.multiline;
}

/* ---------------------------------------------------------------- moving */

/* Move the card selection of the current view. */
static void
ui_move_cards(struct ui *ui, int dir)
{
	uint64_t	*ids, sel;
	int		*starts, view, i, j, n, target;
	struct ui_tab	*tab = NULL;

	n = (int)ui_draw_cards_order(ui, &ids, &starts, &view);
	if (n == 0) {
		free(ids);
		free(starts);
		return;
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
	switch (dir) {
	case UI_MOVE_UP:
		j = i > 0 ? i - 1 : 0;
		break;
	case UI_MOVE_DOWN:
		j = i + 1 < n ? i + 1 : n - 1;
		break;
	case UI_MOVE_FIRST:
		j = 0;
		break;
	case UI_MOVE_LAST:
		j = n - 1;
		break;
	case UI_MOVE_PGDN:
		target = starts[i] + (view > 2 ? view - 1 : 1);
		for (j = i; j + 1 < n && starts[j + 1] <= target; j++)
			;
		if (j == i && i + 1 < n)
			j = i + 1;
		break;
	case UI_MOVE_PGUP:
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
}

/* A cursor over n lines moved in dir. */
static size_t
ui_move_cursor(size_t cur, size_t n, int dir, size_t page)
{
	if (n == 0)
		return 0;
	switch (dir) {
	case UI_MOVE_UP:
		return cur > 0 ? cur - 1 : 0;
	case UI_MOVE_DOWN:
		return cur + 1 < n ? cur + 1 : n - 1;
	case UI_MOVE_PGUP:
		return cur > page ? cur - page : 0;
	case UI_MOVE_PGDN:
		return cur + page < n ? cur + page : n - 1;
	case UI_MOVE_FIRST:
		return 0;
	}
	return n - 1;
}

/* Up, down, a page, first, last: in the help, a list, the console or the
 * cards, whichever has the keyboard. */
static void
ui_key_move(struct ui *ui, const struct ui_key *k)
{
	size_t	page = ui_draw_body_rows(ui) > 2 ? ui_draw_body_rows(ui) - 1 :
	    1;

	switch (ui->modal) {
	case UI_MODAL_HELP:
		/* The drawing clamps the end. */
		ui->help_top = (int)ui_move_cursor((size_t)ui->help_top,
		    INT_MAX, k->arg, page);
		break;
	case UI_MODAL_PICK:
		ui->pick = ui_move_cursor(ui->pick, ui->nitems, k->arg,
		    ui->nitems);
		break;
	case UI_MODAL_CONSOLE:
		ui->console_sel = ui_move_cursor(ui->console_sel,
		    ui_keys_console_count(), k->arg, page);
		break;
	default:
		ui_move_cards(ui, k->arg);
		break;
	}
	ui_dirty(ui);
}

/* Tab, Shift-Tab: visit the next or previous table. */
static void
ui_key_table(struct ui *ui, const struct ui_key *k)
{
	ui_switch_table(ui, k->arg);
}

/* Back to my own table, from wherever I look. */
static void
ui_key_home(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_go_home(ui);
}

/* Enter: the selected card in full. */
static void
ui_key_open(struct ui *ui, const struct ui_key *k)
{
	uint64_t	id;

	(void)k;
	if (!ui_need_card(ui, &id, false))
		return;
	ui->detail_card = id;
	ui->modal = UI_MODAL_DETAIL;
	ui_dirty(ui);
}

/* w: all tables side by side, or one at a time. */
static void
ui_key_wide(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui->wide = !ui->wide;
	ui_message(ui, false, "%s", ui->wide ? _("All tables side by side "
	    "(when the terminal is wide enough).") : _("One table at a "
	    "time."));
}

/* v: the results, or back to the board. */
static void
ui_key_view(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui->view == UI_VIEW_RESULTS)
		ui->view = UI_VIEW_BOARD;
	else if (ui_results_allowed(ui))
		ui->view = UI_VIEW_RESULTS;
	else
		ui_message(ui, true, "%s", _("The results show when the "
		    "facilitator closes the vote."));
	ui_dirty(ui);
}

/*
 * An idea's number was typed: "12" is idea 12 of the table looked at,
 * "2.12" idea 12 of table 2 (the numbers of --plain).  It is selected on
 * the board.
 */
static void
ui_goto_done(struct ui *ui, const char *text)
{
	struct model		*m = ui_model(ui);
	struct layout_row	*rows;
	const char		*p = text;
	char			*end;
	unsigned long		 a, b = 0;
	uint64_t		 table, id;
	size_t			 i, n;
	bool			 shown = false;

	ui_close_modal(ui);
	while (*p == '#' || *p == ' ')
		p++;
	if (!isdigit((unsigned char)*p)) {
		ui_message(ui, true, "%s", _("Type the number of an idea: 12, "
		    "or 2.12 for idea 12 of table 2."));
		return;
	}
	a = strtoul(p, &end, 10);
	if (*end == '.' && isdigit((unsigned char)end[1]))
		b = strtoul(end + 1, &end, 10);
	while (*end == ' ')
		end++;
	if (*end != '\0') {
		ui_message(ui, true, "%s", _("Type the number of an idea: 12, "
		    "or 2.12 for idea 12 of table 2."));
		return;
	}
	ui_resolve_table(ui);
	table = ui->table;
	if (b != 0) {
		if (a == 0 || a > m->ntables) {
			ui_message(ui, true, _("There is no table %lu."), a);
			return;
		}
		table = m->tables[a - 1].id;
		a = b;
	}
	if (model_table(m, table) == NULL) {
		ui_message(ui, true, "%s", _("There is no table yet."));
		return;
	}
	id = a <= UINT32_MAX ? model_card_by_number(m, table, (uint32_t)a) : 0;
	n = id != 0 ? layout_rows(m, table, NULL, &rows) : 0;
	for (i = 0; i < n; i++)
		shown = shown || rows[i].card == id;
	if (id != 0)
		free(rows);
	if (!shown) {
		ui_message(ui, true, id == 0 ? _("Table %d has no idea %lu.") :
		    _("Table %d: idea %lu was deleted."),
		    model_table_index(m, table) + 1, a);
		return;
	}
	ui->view = UI_VIEW_BOARD;
	ui->table = table;
	ui->browsing = table != ui->seat_seen;
	ui_tab(ui, table)->sel = id;
	ui_dirty(ui);
}

/* #: go to an idea by its number. */
static void
ui_key_goto(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_editor(ui, _("Go to idea number (12, or 2.12 for table 2)"),
	    NULL, 16, false, ui_goto_done);
}

/* The search was typed ("#12": idea 12). */
static void
ui_search_done(struct ui *ui, const char *text)
{
	if (text[0] == '#') {
		ui_goto_done(ui, text);
		return;
	}
	free(ui->search);
	ui->search = text[0] != '\0' ? xstrdup(text) : NULL;
	ui_close_modal(ui);
	free(ui->matches);
	ui->matches = NULL;
	ui->nmatches = 0;
	if (ui->search != NULL)
		ui_search_step(ui, 0);
}

/* /: search every table. */
static void
ui_key_search(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_editor(ui, _("Search"), ui->search, PROTO_CARD_MAX, false,
	    ui_search_done);
}

/* n, N: the next or previous match. */
static void
ui_key_match(struct ui *ui, const struct ui_key *k)
{
	ui_search_step(ui, k->arg);
}

/* Esc on the board: the search is cleared. */
static void
ui_key_unsearch(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui->search == NULL)
		return;
	free(ui->search);
	ui->search = NULL;
	ui->nmatches = 0;
	ui_dirty(ui);
}

/* ---------------------------------------------------------------- writing */

/* A new idea was typed. */
static void
ui_add_done(struct ui *ui, const char *text)
{
	ui_card_done(ui, text, ui->target.table, 0);
}

/* A reply was typed. */
static void
ui_reply_done(struct ui *ui, const char *text)
{
	ui_card_done(ui, text, ui->target.table, ui->target.card);
}

/* The prompt and the message of a new idea's editor, after a choice. */
static void
ui_add_explain(struct ui *ui)
{
	struct model	*m = ui_model(ui);
	struct ui_target *t = &ui->target;
	int		 here = model_table_index(m, t->here) + 1;
	int		 seat = model_table_index(m, t->seat) + 1;
	char		 prompt[128];

	snprintf(prompt, sizeof prompt, _("New idea for table %d"),
	    model_table_index(m, t->table) + 1);
	free(ui->prompt);
	ui->prompt = xstrdup(prompt);
	if (!t->choice)
		return;
	if (!t->sit_first)
		ui_message(ui, false, _("You are visiting table %d: this idea "
		    "goes to your table %d.  Tab: sit at table %d and write "
		    "it there."), here, seat, here);
	else if (seat > 0)
		ui_message(ui, false, _("You will sit at table %d and write "
		    "this idea there.  Tab: write it at your table %d "
		    "instead."), here, seat);
	else
		ui_message(ui, false, _("You have no seat: Enter sits you at "
		    "table %d with this idea."), here);
	ui->msg_until = 0;
}

/* True when a new idea's editor offers Tab (here, or at my seat). */
static bool
ui_write_choice(struct ui *ui)
{
	return ui->modal == UI_MODAL_EDIT && ui->on_text == ui_add_done &&
	    ui->target.choice && ui->target.seat != 0;
}

/* Tab in a new idea's editor: at my seat, or sit here and write here. */
static void
ui_key_write_where(struct ui *ui, const struct ui_key *k)
{
	struct ui_target	*t = &ui->target;

	(void)k;
	if (!ui_write_choice(ui))
		return;
	t->sit_first = !t->sit_first;
	t->table = t->sit_first ? t->here : t->seat;
	ui_add_explain(ui);
	ui_dirty(ui);
}

/*
 * a: a new idea at the table I look at.  The editor always opens, so that
 * what is typed next goes into it and never runs as commands: at a table
 * I do not sit at, the idea goes to my own table (Tab: sit here and write
 * here); where writing is not allowed now, the reason shows and the text
 * waits in the field.
 */
static void
ui_key_add(struct ui *ui, const struct ui_key *k)
{
	const struct model_participant	*me = ui_me(ui);
	struct model			*m = ui_model(ui);
	struct ui_target		*t = &ui->target;
	struct proto_op			 op;
	const char			*why = NULL;
	int				 code;

	(void)k;
	if (!ui->net_ready || me == NULL) {
		ui_message(ui, true, "%s", _("Not connected yet: wait a "
		    "moment."));
		return;
	}
	ui_resolve_table(ui);
	if (model_table(m, ui->table) == NULL) {
		ui_message(ui, true, "%s", _("There is no table yet."));
		return;
	}
	memset(t, 0, sizeof *t);
	t->table = t->here = ui->table;
	t->seat = model_table(m, me->table) != NULL ? me->table : 0;
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = ui->table;
	op.text = (char *)"x";
	code = model_check(m, me->id, &op, net_now_ms(), &why);
	if (code != 0 && me->role != ROLE_FACILITATOR &&
	    t->here != t->seat) {
		/* Not my table: at my seat, or sit here first. */
		t->choice = true;
		t->sit_first = t->seat == 0;
		t->table = t->sit_first ? t->here : t->seat;
		op.table = t->table;
		code = t->sit_first ? 0 : model_check(m, me->id, &op,
		    net_now_ms(), &why);
	}
	ui_open_editor(ui, _("New idea"), ui->draft, PROTO_CARD_MAX, true,
	    ui_add_done);
	free(ui->draft);
	ui->draft = NULL;
	ui_add_explain(ui);
	if (code != 0) {
		ui_refused(ui, code, why);
		snprintf(ui->msg + strlen(ui->msg), sizeof ui->msg -
		    strlen(ui->msg), " %s", _("You can write now: the text "
		    "waits here until it can go."));
		ui->msg_until = 0;
	}
}

/* r: an idea that builds on the selected one. */
static void
ui_key_reply(struct ui *ui, const struct ui_key *k)
{
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CARD_ADD, &op)) == 0)
		return;
	c = model_card(ui_model(ui), id);
	op.card = 0;
	op.table = c->table;
	op.parent = id;
	op.text = (char *)"";
	if (!ui_precheck(ui, &op))
		return;
	ui->target.card = id;
	ui->target.table = c->table;
	ui_open_editor(ui, _("Build on this idea"), NULL, PROTO_CARD_MAX, true,
	    ui_reply_done);
}

/* An edited idea was typed. */
static void
ui_edit_done(struct ui *ui, const char *text)
{
	const struct model_card	*c = model_card(ui_model(ui), ui->target.card);
	struct proto_op		 op;

	if (text[0] == '\0' || c == NULL || strcmp(c->text, text) == 0) {
		ui_close_modal(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_EDIT;
	op.card = ui->target.card;
	op.text = (char *)text;
	ui_send_text(ui, &op);
}

/* e: edit the selected idea. */
static void
ui_key_edit(struct ui *ui, const struct ui_key *k)
{
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CARD_EDIT, &op)) == 0)
		return;
	op.text = (char *)"";
	if (!ui_precheck(ui, &op))
		return;
	c = model_card(ui_model(ui), id);
	ui->target.card = id;
	ui_open_editor(ui, _("Edit the idea"), c->text, PROTO_CARD_MAX, true,
	    ui_edit_done);
}

/* Yes, delete the card. */
static void
ui_delete_yes(struct ui *ui)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_DELETE;
	op.card = ui->target.card;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", _("Card deleted."));
}

/* d: delete the selected idea, after y/n. */
static void
ui_key_delete(struct ui *ui, const struct ui_key *k)
{
	struct proto_op	op;
	uint64_t	id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CARD_DELETE, &op)) == 0 ||
	    !ui_precheck(ui, &op))
		return;
	ui->target.card = id;
	ui_open_confirm(ui, _("Delete this card?"), ui_delete_yes);
}

/* A cluster title was typed (empty: none). */
static void
ui_title_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_CLUSTER_TITLE;
	op.head = ui->target.card;
	op.text = (char *)text;
	ui_close_modal(ui);
	ui_submit(ui, &op);
}

/* t: title the selected card's cluster. */
static void
ui_key_title(struct ui *ui, const struct ui_key *k)
{
	struct model		*m = ui_model(ui);
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CLUSTER_TITLE, &op)) == 0)
		return;
	c = model_card(m, id);
	op.card = 0;
	op.head = c->head != 0 ? c->head : id;
	op.text = (char *)"";
	if (!ui_precheck(ui, &op))
		return;
	ui->target.card = op.head;
	c = model_card(m, op.head);
	ui_open_editor(ui, _("Cluster title"), c != NULL ? c->title : "",
	    PROTO_CTITLE_MAX, false, ui_title_done);
}

/* g: start choosing the head the selected card goes under. */
static void
ui_key_group(struct ui *ui, const struct ui_key *k)
{
	struct proto_op	op;
	uint64_t	id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CARD_GROUP, &op)) == 0 ||
	    !ui_precheck(ui, &op))
		return;
	ui->group_card = id;
	ui->modal = UI_MODAL_GROUP;
	ui_message(ui, false, "%s", _("Move to the card to group under and "
	    "press Enter (Enter on the card itself ungroups it, Esc "
	    "cancels)."));
	ui->msg_until = 0;
}

/* Another live card on the table of card id, or 0. */
static uint64_t
ui_merge_partner(const struct model *m, uint64_t id)
{
	const struct model_card	*c = model_card(m, id);
	size_t			 i;

	for (i = 0; c != NULL && i < m->ncards; i++) {
		if (m->cards[i].id != id && !m->cards[i].deleted &&
		    m->cards[i].table == c->table)
			return m->cards[i].id;
	}
	return 0;
}

/* M: start choosing the card the selected one is a duplicate of. */
static void
ui_key_merge(struct ui *ui, const struct ui_key *k)
{
	struct proto_op	op;
	uint64_t	id;

	(void)k;
	if ((id = ui_card_op(ui, OP_CARD_MERGE, &op)) == 0)
		return;
	/* Checked against another card of its table, if there is one. */
	if ((op.into = ui_merge_partner(ui_model(ui), id)) == 0) {
		ui_message(ui, true, "%s", _("There is no other idea at this "
		    "table to merge it with."));
		return;
	}
	if (!ui_precheck(ui, &op))
		return;
	ui->group_card = id;
	ui->group_merge = true;
	ui->modal = UI_MODAL_GROUP;
	ui_message(ui, false, "%s", _("Move to the card that says the same "
	    "thing and press Enter: the two become one, with both authors "
	    "and their dots (Esc cancels)."));
	ui->msg_until = 0;
}

/* Enter while merging: the chosen card into the selected one. */
static void
ui_merge_here(struct ui *ui)
{
	struct proto_op	op;
	uint64_t	into = ui_selected(ui);

	if (into == ui->group_card) {
		ui_message(ui, true, "%s", _("Choose the other card, the one "
		    "this idea repeats."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_MERGE;
	op.card = ui->group_card;
	op.into = into;
	ui->modal = UI_MODAL_NONE;
	ui->group_card = 0;
	ui->group_merge = false;
	ui->msg[0] = '\0';
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", _("Cards merged: one idea, both "
		    "authors."));
	ui_dirty(ui);
}

/* Enter while grouping: under the selected card (itself: ungroup). */
static void
ui_key_group_here(struct ui *ui, const struct ui_key *k)
{
	struct proto_op	op;
	uint64_t	head = ui_selected(ui);

	(void)k;
	if (ui->group_merge) {
		ui_merge_here(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_GROUP;
	op.card = ui->group_card;
	op.head = head == ui->group_card ? 0 : head;
	ui->modal = UI_MODAL_NONE;
	ui->group_card = 0;
	ui->msg[0] = '\0';
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.head == 0 ?
		    _("Card ungrouped.") : _("Card grouped."));
	ui_dirty(ui);
}

/* Space, x: a dot on the selected card (+1), or one back (-1). */
static void
ui_key_vote(struct ui *ui, const struct ui_key *k)
{
	struct model		*m = ui_model(ui);
	struct proto_op		 op;
	uint64_t		 id, table;
	uint32_t		 mine, left, used, dots;
	int			 delta = k->arg;

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

/* A table was picked to sit at. */
static void
ui_sit_picked(struct ui *ui, uint64_t table)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = table;
	if (ui_submit(ui, &op) == 0) {
		ui->table = table;
		ui->browsing = false;
	}
}

/* Sit: pick a table. */
void
ui_keys_sit_menu(struct ui *ui)
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
	ui_open_picker(ui, _("Sit at which table?"), ui_sit_picked);
	for (i = 0; i < m->ntables; i++) {
		if (!ui_day_visible(&m->tables[i]))
			continue;
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

/* Facilitator: keep or unkeep the selected idea. */
void
ui_keys_keep(struct ui *ui)
{
	const struct model_card	*c;
	struct proto_op		 op;
	uint64_t		 id;

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

/* s: sit at another table. */
static void
ui_key_sit(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_keys_sit_menu(ui);
}

/* .: I am ready, or not any more. */
static void
ui_key_ready(struct ui *ui, const struct ui_key *k)
{
	const struct model_participant	*me = ui_me(ui);
	struct proto_op			 op;

	(void)k;
	if (me == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_READY;
	op.flag = !me->ready;
	if (ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.flag ? _("You are marked "
		    "ready.") : _("You are no longer marked ready."));
}

/* ---------------------------------------------------------------- other */

/* :, F: the console. */
static void
ui_key_console(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_console_open(ui);
}

/* *: keep the selected idea for the harvest, or not. */
static void
ui_key_keep(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_keys_keep(ui);
}

/* F2, Ctrl-T: the line mode, in this same process and connection. */
static void
ui_key_plain(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui->to_plain = true;
	ui->quit = true;
	event_base_loopbreak(ui->base);
}

/* Ctrl-L: draw every cell again. */
static void
ui_key_redraw(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui->curses)
		clearok(curscr, TRUE);
	ui_dirty(ui);
}

/* ?: every key. */
static void
ui_key_help(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_close_modal(ui);
	ui->modal = UI_MODAL_HELP;
	ui->help_top = 0;
}

/* q (arg 0), Ctrl-C (arg 1: always ask). */
static void
ui_key_quit(struct ui *ui, const struct ui_key *k)
{
	ui_request_quit(ui, k->arg != 0);
}

/* Esc: close what is open (a list, the console, a card, a search). */
static void
ui_key_close(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui->modal == UI_MODAL_GROUP) {
		ui->modal = UI_MODAL_NONE;
		ui->group_card = 0;
		ui->group_merge = false;
		ui->msg[0] = '\0';
		ui_dirty(ui);
		return;
	}
	ui_close_modal(ui);
}

/* A key that is refused here: the bell. */
static void
ui_key_refuse(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui->bell = true;
}

/* A key that does nothing at all (Ctrl-Z, Ctrl-\ in raw mode). */
static void
ui_key_nothing(struct ui *ui, const struct ui_key *k)
{
	(void)ui;
	(void)k;
}

/* Enter, Space in a list: that line. */
static void
ui_key_choose(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui->nitems > 0)
		ui_picked(ui, ui->items[ui->pick].value);
}

/* A yes (arg 1) or a no (0) to the question. */
static void
ui_key_answer(struct ui *ui, const struct ui_key *k)
{
	ui_confirm_done(ui, k->arg != 0);
}

/* An editing key of the text field (arg: the editor key). */
static void
ui_key_editor(struct ui *ui, const struct ui_key *k)
{
	ui_input_edit_key(ui, k->arg);
}

/* ---------------------------------------------------------------- table */

/*
 * A tool of the facilitator's console: its key (code and name), handler,
 * the phases it belongs to (the others dim it), its line in the menu and
 * the sentence that explains it.
 */
#define UI_TOOL(c, nm, f, ph, label, expl) {				\
	.codes = { c }, .name = nm, .fn = f, .hint = label, .help = expl, \
	.section = UI_SEC_CONSOLE, .where = UI_IN_CONSOLE,		\
	.who = UI_WHO_FAC, .phases = ph }

/*
 * Every key.  Order matters twice: in a context, the first row naming a
 * key wins (so the console's letters come before the movement keys that
 * share them), and the help and the hint line list rows in table order
 * within their section.
 */
static const struct ui_key ui_keys[] = {
	/* The console: one key per tool, with its explanation. */
	UI_TOOL('t', "t", ui_console_timer_menu, UI_PH_ALL, N_("Timer..."),
	    N_("a countdown everyone sees: start, pause, resume, add or take "
	    "off a minute, stop")),
	UI_TOOL('x', "x", ui_console_timer_clear, UI_PH_ALL,
	    N_("Clear the timer"), N_("the countdown leaves every header, "
	    "and new cards are no longer held back by it")),
	UI_TOOL('p', "p", ui_console_phase_menu, UI_PH_ALL, N_("Phase..."),
	    N_("welcome, ideas, grouping, vote, harvest or closed: what "
	    "everyone can do now")),
	UI_TOOL('w', "w", ui_console_reveal, UI_PH(IDEAS),
	    N_("Reveal private cards"), N_("private writing ends: everyone "
	    "sees the cards written in private")),
	UI_TOOL('v', "v", ui_console_close_vote, UI_PH(VOTE),
	    N_("Close the vote and show the results"), N_("the harvest "
	    "begins: the tallies become public and every screen shows the "
	    "results")),
	UI_TOOL('b', "b", ui_console_banner, UI_PH_ALL, N_("Banner..."),
	    N_("a message on every screen until you clear it (empty: "
	    "none)")),
	UI_TOOL('o', "o", ui_console_rotate, UI_PH(IDEAS),
	    N_("Rotate the tables"), N_("travellers move to tables they have "
	    "not sat at, to meet new people; hosts stay")),
	UI_TOOL('k', "k", ui_console_keep, UI_PH(HARVEST) | UI_PH(CLOSED),
	    N_("Keep or unkeep the selected idea"), N_("the harvest marks it "
	    "kept (also * outside the console)")),
	UI_TOOL('c', "c", ui_console_settings_menu, UI_PH_ALL,
	    N_("Settings..."), N_("dots, blind vote, private writing, freeze "
	    "at zero, lock, join code, title, ideas to keep")),
	UI_TOOL('r', "r", ui_console_roles_menu, UI_PH_ALL, N_("Roles..."),
	    N_("make someone a participant, a host (stays at one table) or a "
	    "facilitator")),
	UI_TOOL('f', "f", ui_console_follow_menu, UI_PH_ALL,
	    N_("Follow me..."), N_("bring every screen to this table or to "
	    "the results, or let everyone move freely")),
	UI_TOOL('l', "l", ui_console_lock, UI_PH_ALL,
	    N_("Lock or unlock the board"), N_("a locked board is read only "
	    "for participants")),
	UI_TOOL('n', "n", ui_console_table_add, UI_PH_ALL,
	    N_("New table..."), N_("a new table, with its question")),
	UI_TOOL('e', "e", ui_console_table_edit, UI_PH_ALL,
	    N_("Edit this table's question..."), N_("change the question of "
	    "the table you look at")),
	UI_TOOL('s', "s", ui_console_seat_menu, UI_PH_ALL,
	    N_("Seat someone..."), N_("seat someone at a table, or stand them "
	    "up")),
	UI_TOOL('j', "j", ui_day_console_sheet, UI_PH_ALL,
	    N_("Run sheet..."), N_("go to any step of the day's run sheet, "
	    "forward or back (S: the next one)")),
	UI_TOOL('m', "m", ui_day_console_poll, UI_PH_ALL,
	    N_("Quick poll..."), N_("a question and its choices (or a word "
	    "poll) on every screen now")),
	UI_TOOL('i', "i", ui_day_console_close_poll, UI_PH_ALL,
	    N_("Close the poll"), N_("the open poll's results go to every "
	    "screen")),
	UI_TOOL('a', "a", ui_console_label_menu, UI_PH_ALL,
	    N_("Labels..."), N_("give someone a label (a d\xc3\xa9partement, an "
	    "organisation) for the groups by label")),
	UI_TOOL('g', "g", ui_day_console_regroup, UI_PH_ALL,
	    N_("Groups..."), N_("pairs who met least, teams kept all day, "
	    "one table per label, or merge the groups")),
	/* ext: deliverables (ui-deliver.c). */
	UI_TOOL('z', "z", ui_console_eval, UI_PH_ALL,
	    N_("Open or close the evaluation"), N_("everyone scores the "
	    "ideas on the criteria, blind until you close it; closing makes "
	    "the totals public")),
	UI_TOOL('u', "u", ui_console_criteria, UI_PH_ALL,
	    N_("Criteria..."), N_("the criteria of the evaluation, separated "
	    "by commas: a new evaluation")),
	UI_TOOL('h', "h", ui_console_pitch, UI_PH_ALL, N_("Pitch..."),
	    N_("one team presents, 3 minutes on the clock; the others write "
	    "their feedback into its canvas")),
	UI_TOOL('d', "d", ui_console_canvas, UI_PH_ALL, N_("Canvases..."),
	    N_("add a canvas live (its name, then its sections), give one to "
	    "a table or to every table, or take it away")),
	{ .codes = { ENTER_KEYS }, .name = N_("Enter"),
	  .fn = ui_console_run, .hint = N_("run"), .hname = N_("Enter"),
	  .section = UI_SEC_CONSOLE, .where = UI_IN_CONSOLE,
	  .hint_in = UI_IN_CONSOLE, .who = UI_WHO_FAC, .phases = UI_PH_ALL },

	/* A poll's screen. */
	{ .codes = { UI_FN(KEY_UP), 'k' }, .name = "\xe2\x86\x91 k",
	  .aname = N_("Up k"), .fn = ui_day_key_poll_move, .arg = -1,
	  .hint = N_("choice"), .hname = "\xe2\x86\x91\xe2\x86\x93",
	  .section = UI_SEC_LIST, .where = UI_IN_POLL, .hint_in = UI_IN_POLL,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL, .shown = ui_day_poll_open },
	{ .codes = { UI_FN(KEY_DOWN), 'j' }, .name = "\xe2\x86\x93 j",
	  .aname = N_("Down j"), .fn = ui_day_key_poll_move, .arg = 1,
	  .section = UI_SEC_LIST, .where = UI_IN_POLL, .who = UI_WHO_ALL },
	{ .codes = { 0 }, .name = "1-9",
	  .help = N_("in a poll: answer with that choice"),
	  .section = UI_SEC_LIST, .where = UI_IN_POLL, .who = UI_WHO_ALL },
	{ .codes = { ENTER_KEYS, ' ' }, .name = N_("Enter"),
	  .fn = ui_day_key_poll_enter, .help = N_("in a poll: answer with the "
	  "highlighted choice, or type your word"), .hint = N_("answer"),
	  .section = UI_SEC_LIST, .where = UI_IN_POLL, .hint_in = UI_IN_POLL,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL, .shown = ui_day_poll_open },
	{ .codes = { 'c' }, .name = "c", .fn = ui_day_key_poll_close,
	  .help = N_("in a poll: close it, the results go to every screen"),
	  .hint = N_("close the poll"),
	  .section = UI_SEC_FAC, .where = UI_IN_POLL, .hint_in = UI_IN_POLL,
	  .who = UI_WHO_FAC, .phases = UI_PH_ALL, .shown = ui_day_poll_open },
	{ .codes = { UI_ESC, 'q', UI_CTRL('c'), 'p' }, .name = N_("Esc q"),
	  .fn = ui_key_close, .hint = N_("back to the board"),
	  .hname = N_("Esc"), .section = UI_SEC_LIST, .where = UI_IN_POLL,
	  .hint_in = UI_IN_POLL, .who = UI_WHO_ALL, .phases = UI_PH_ALL },

	/* Moving around. */
	{ .codes = { UI_FN(KEY_UP), 'k' }, .name = "\xe2\x86\x91 k",
	  .aname = N_("Up k"), .fn = ui_key_move, .arg = UI_MOVE_UP,
	  .help = N_("previous card (or line)"), .hint = N_("move"),
	  .hname = "\xe2\x86\x91\xe2\x86\x93",
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP | UI_IN_CONSOLE, .hint_in = UI_IN_RESULTS |
	  UI_IN_CONSOLE | UI_IN_GROUP, .who = UI_WHO_ALL,
	  .phases = UI_PH_ALL },
	{ .codes = { UI_FN(KEY_DOWN), 'j' }, .name = "\xe2\x86\x93 j",
	  .aname = N_("Down j"), .fn = ui_key_move, .arg = UI_MOVE_DOWN,
	  .help = N_("next card (or line)"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP | UI_IN_CONSOLE, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_PPAGE), UI_CTRL('b') },
	  .name = N_("PgUp Ctrl-B"), .fn = ui_key_move, .arg = UI_MOVE_PGUP,
	  .help = N_("a page up"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_NPAGE), UI_CTRL('f') },
	  .name = N_("PgDn Ctrl-F"), .fn = ui_key_move, .arg = UI_MOVE_PGDN,
	  .help = N_("a page down"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP, .who = UI_WHO_ALL },
	{ .codes = { ' ' }, .name = N_("Space"), .fn = ui_key_move,
	  .arg = UI_MOVE_PGDN, .section = UI_SEC_MOVE, .where = UI_IN_HELP,
	  .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_HOME), '<' }, .name = N_("Home <"),
	  .fn = ui_key_move, .arg = UI_MOVE_FIRST, .help = N_("first card"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP | UI_IN_CONSOLE, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_END), '>' }, .name = N_("End >"),
	  .fn = ui_key_move, .arg = UI_MOVE_LAST, .help = N_("last card"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS | UI_IN_GROUP |
	  UI_IN_PICK | UI_IN_HELP | UI_IN_CONSOLE, .who = UI_WHO_ALL },
	{ .codes = { '\t', UI_FN(KEY_RIGHT), 'l' },
	  .name = N_("Tab \xe2\x86\x92 l"), .aname = N_("Tab Right l"),
	  .fn = ui_key_table, .arg = 1, .help = N_("next table: you visit "
	  "it, your seat stays"), .hint = N_("table"), .hname = N_("Tab"),
	  .section = UI_SEC_MOVE, .where = UI_IN_BOARD,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { UI_FN(KEY_BTAB), UI_FN(KEY_LEFT), 'h' },
	  .name = N_("Shift-Tab \xe2\x86\x90 h"),
	  .aname = N_("Shift-Tab Left h"), .fn = ui_key_table, .arg = -1,
	  .help = N_("previous table"),
	  .section = UI_SEC_MOVE, .where = UI_IN_BOARD, .who = UI_WHO_ALL },
	{ .codes = { 'm' }, .name = "m", .fn = ui_key_home,
	  .help = N_("back to your own table"), .hint = N_("my table"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_away },
	{ .codes = { ENTER_KEYS }, .name = N_("Enter"), .fn = ui_key_open,
	  .help = N_("the selected idea in full"), .hint = N_("open"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_RESULTS, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { 'w' }, .name = "w", .fn = ui_key_wide,
	  .help = N_("all tables side by side, or one at a time"),
	  .section = UI_SEC_MOVE, .where = UI_IN_BOARD, .who = UI_WHO_ALL },
	{ .codes = { 'v' }, .name = "v", .fn = ui_key_view,
	  .help = N_("results: ideas by votes (once they are public), or "
	  "back to the board"), .hint = N_("results"),
	  .section = UI_SEC_MOVE, .where = UI_IN_BOARD,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL,
	  .phases = UI_PH(HARVEST) | UI_PH(CLOSED) },
	{ .codes = { 'v' }, .name = "v", .fn = ui_key_view,
	  .hint = N_("board"), .section = UI_SEC_MOVE,
	  .where = UI_IN_RESULTS, .hint_in = UI_IN_RESULTS,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { '#' }, .name = "#", .fn = ui_key_goto,
	  .help = N_("go to an idea by its number (12, or 2.12: idea 12 of "
	  "table 2; also /#12)"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS, .who = UI_WHO_ALL },
	{ .codes = { '/' }, .name = "/", .fn = ui_key_search,
	  .help = N_("search every table"), .hint = N_("search"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { 'n' }, .name = "n", .fn = ui_key_match, .arg = 1,
	  .help = N_("next match"), .hint = N_("next match"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_has_search },
	{ .codes = { 'N' }, .name = "N", .fn = ui_key_match, .arg = -1,
	  .help = N_("previous match"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS, .who = UI_WHO_ALL },
	{ .codes = { UI_ESC }, .name = N_("Esc"), .fn = ui_key_unsearch,
	  .help = N_("clear the search"), .hint = N_("clear the search"),
	  .section = UI_SEC_MOVE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_has_search },

	/* Writing and voting. */
	{ .codes = { 'a' }, .name = "a", .fn = ui_key_add,
	  .help = N_("add an idea to this table"), .hint = N_("add"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(IDEAS) },
	{ .codes = { 'r' }, .name = "r", .fn = ui_key_reply,
	  .help = N_("reply: build on the selected idea"), .hint = N_("reply"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(IDEAS) },
	{ .codes = { 'e' }, .name = "e", .fn = ui_key_edit,
	  .help = N_("edit the selected idea (your own)"), .hint = N_("edit"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD | UI_IN_DETAIL, .who = UI_WHO_ALL,
	  .phases = UI_PH(IDEAS) | UI_PH(GROUP) },
	{ .codes = { 'd' }, .name = "d", .fn = ui_key_delete,
	  .help = N_("delete the selected idea (your own), after y/n"),
	  .hint = N_("delete"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(IDEAS) },
	{ .codes = { 'g' }, .name = "g", .fn = ui_key_group,
	  .help = N_("group: move to the card to put it under, then Enter"),
	  .hint = N_("group"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(GROUP) },
	{ .codes = { 'M' }, .name = "M", .fn = ui_key_merge,
	  .help = N_("merge a duplicate: move to the card it repeats, then "
	  "Enter (one idea, both authors, the dots of both)"),
	  .hint = N_("merge"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(GROUP) },
	{ .codes = { ENTER_KEYS }, .name = N_("Enter"),
	  .fn = ui_key_group_here, .help = N_("while grouping or merging: "
	  "under, or into, the selected card (grouping, on the card itself: "
	  "out of its cluster)"),
	  .hint = N_("group here"),
	  .section = UI_SEC_WRITE, .where = UI_IN_GROUP,
	  .hint_in = UI_IN_GROUP, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { UI_ESC }, .name = N_("Esc"), .fn = ui_key_close,
	  .hint = N_("cancel"), .section = UI_SEC_WRITE,
	  .where = UI_IN_GROUP, .hint_in = UI_IN_GROUP, .who = UI_WHO_ALL,
	  .phases = UI_PH_ALL },
	/* A cluster stays on its table: no changing tables while grouping. */
	{ .codes = { '\t', UI_FN(KEY_BTAB), UI_FN(KEY_LEFT),
	  UI_FN(KEY_RIGHT), 'h', 'l' }, .fn = ui_key_refuse,
	  .section = UI_SEC_WRITE, .where = UI_IN_GROUP, .who = UI_WHO_ALL },
	{ .codes = { 't' }, .name = "t", .fn = ui_key_title,
	  .help = N_("give the selected cluster a title"), .hint = N_("title"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(GROUP) },
	{ .codes = { ' ' }, .name = N_("Space"), .fn = ui_key_vote, .arg = 1,
	  .help = N_("vote: add a dot (on a card you dotted: take it back)"),
	  .hint = N_("add a dot"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD | UI_IN_DETAIL, .who = UI_WHO_PART,
	  .phases = UI_PH(VOTE) },
	{ .codes = { 'x', 'u' }, .name = "x u", .fn = ui_key_vote, .arg = -1,
	  .help = N_("take a dot back"), .hint = N_("take it back"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_PART,
	  .phases = UI_PH(VOTE) },
	{ .codes = { 's' }, .name = "s", .fn = ui_key_sit,
	  .help = N_("sit at another table"), .hint = N_("sit"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL,
	  .phases = UI_PH(WELCOME) },
	{ .codes = { '.' }, .name = ".", .fn = ui_key_ready,
	  .help = N_("mark yourself ready (or not)"), .hint = N_("ready"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_PART,
	  .phases = UI_PH(WELCOME) },
	{ .codes = { '+' }, .name = "+", .fn = ui_day_key_react,
	  .help = N_("react to the selected idea: +1 (I build on it), ? "
	  "(needs clarifying), ! (it matters); again: take it back"),
	  .hint = N_("react"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL,
	  .phases = UI_PH(IDEAS) | UI_PH(GROUP) },
	{ .codes = { 'p' }, .name = "p", .fn = ui_day_key_poll,
	  .help = N_("the poll: answer it, or see its results"),
	  .hint = N_("poll"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_day_has_poll },
	{ .codes = { 'L' }, .name = "L", .fn = ui_day_key_label,
	  .help = N_("your label (your d\xc3\xa9partement, your "
	  "organisation), for the groups by label"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS, .who = UI_WHO_ALL,
	  .shown = ui_day_has_labels },
	/* ext: deliverables (ui-deliver.c). */
	{ .codes = { 'A' }, .name = "A", .fn = ui_key_section_add,
	  .help = N_("write into a section of this table's canvas (at a "
	  "pitch: feedback for the team presenting)"), .hint = N_("section"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD,
	  .hint_in = UI_IN_BOARD, .who = UI_WHO_ALL, .phases = UI_PH(IDEAS),
	  .shown = ui_deliver_has_canvas },
	{ .codes = { 'P' }, .name = "P", .fn = ui_key_place,
	  .help = N_("put the selected card into a section of the canvas, or "
	  "out of them"),
	  .section = UI_SEC_WRITE, .where = UI_IN_BOARD | UI_IN_DETAIL,
	  .who = UI_WHO_ALL },
	{ .codes = { 'O' }, .name = "O", .fn = ui_key_owner,
	  .help = N_("an action: who does it and by when (12 mars, vendredi, "
	  "15/01...)"), .hint = N_("owner"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_DETAIL, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_deliver_has_canvas },
	{ .codes = { 'E' }, .name = "E", .fn = ui_key_score,
	  .help = N_("score the selected idea on each criterion, while the "
	  "evaluation is open"), .hint = N_("score"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_VIEWS | UI_IN_DETAIL, .who = UI_WHO_ALL,
	  .phases = UI_PH_ALL, .shown = ui_deliver_eval_open },
	{ .codes = { 'Y' }, .name = "Y", .fn = ui_key_actions,
	  .help = N_("your actions: the cards whose owner is you"),
	  .section = UI_SEC_WRITE, .where = UI_IN_VIEWS, .who = UI_WHO_ALL },
	{ .codes = { 'o' }, .name = "o", .fn = ui_key_sort,
	  .help = N_("results: sort by votes, by the total of the scores, by "
	  "each criterion"), .hint = N_("sort"),
	  .section = UI_SEC_MOVE, .where = UI_IN_RESULTS,
	  .hint_in = UI_IN_RESULTS, .who = UI_WHO_ALL, .phases = UI_PH_ALL,
	  .shown = ui_deliver_sortable },

	/* In a text field. */
	{ .codes = { '\r', UI_FN(KEY_ENTER) }, .name = N_("Enter"),
	  .fn = ui_key_editor, .arg = EDITOR_KEY_ENTER, .help = N_("save"),
	  .hint = N_("save"), .section = UI_SEC_EDIT, .where = UI_IN_EDIT,
	  .hint_in = UI_IN_EDIT, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { UI_KEY_ALT_ENTER, UI_CTRL('j') },
	  .name = N_("Alt-Enter Ctrl-J"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_NEWLINE, .help = N_("new line (ideas)"),
	  .hint = N_("new line"), .hname = N_("Alt-Enter"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .hint_in = UI_IN_EDIT,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL, .shown = ui_multiline },
	{ .codes = { UI_ESC, UI_CTRL('c'), UI_CTRL('g') },
	  .name = N_("Esc Ctrl-C"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_ESCAPE, .help = N_("cancel"), .hint = N_("cancel"),
	  .hname = N_("Esc"), .section = UI_SEC_EDIT, .where = UI_IN_EDIT,
	  .hint_in = UI_IN_EDIT, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { '\t' }, .name = N_("Tab"), .fn = ui_key_write_where,
	  .help = N_("a new idea at a table you visit: at your own table, "
	  "or sit there and write it there"), .hint = N_("other table"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .hint_in = UI_IN_EDIT,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL, .shown = ui_write_choice },
	{ .codes = { UI_FN(KEY_LEFT), UI_CTRL('b') },
	  .name = N_("\xe2\x86\x90 Ctrl-B"), .aname = N_("Left Ctrl-B"),
	  .fn = ui_key_editor, .arg = EDITOR_KEY_LEFT,
	  .help = N_("a character left (a letter and its accents are one)"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_RIGHT), UI_CTRL('f') },
	  .name = N_("\xe2\x86\x92 Ctrl-F"), .aname = N_("Right Ctrl-F"),
	  .fn = ui_key_editor, .arg = EDITOR_KEY_RIGHT,
	  .help = N_("a character right"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_UP) }, .name = "\xe2\x86\x91",
	  .aname = N_("Up"), .fn = ui_key_editor, .arg = EDITOR_KEY_UP,
	  .help = N_("previous line"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_DOWN) }, .name = "\xe2\x86\x93",
	  .aname = N_("Down"), .fn = ui_key_editor, .arg = EDITOR_KEY_DOWN,
	  .help = N_("next line"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_HOME), UI_CTRL('a') },
	  .name = N_("Home Ctrl-A"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_HOME, .help = N_("start of the line"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_END), UI_CTRL('e') },
	  .name = N_("End Ctrl-E"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_END, .help = N_("end of the line"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_BACKSPACE), 0x7f, UI_CTRL('h') },
	  .name = N_("Backspace"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_BACKSPACE,
	  .help = N_("erase the character before the cursor"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_FN(KEY_DC), UI_CTRL('d') },
	  .name = N_("Delete Ctrl-D"), .fn = ui_key_editor,
	  .arg = EDITOR_KEY_DELETE,
	  .help = N_("erase the character under the cursor"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_CTRL('w') }, .name = "Ctrl-W", .fn = ui_key_editor,
	  .arg = EDITOR_KEY_KILL_WORD,
	  .help = N_("erase the word before the cursor"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },
	{ .codes = { UI_CTRL('u') }, .name = "Ctrl-U", .fn = ui_key_editor,
	  .arg = EDITOR_KEY_KILL_LINE,
	  .help = N_("erase to the start of the line"),
	  .section = UI_SEC_EDIT, .where = UI_IN_EDIT, .who = UI_WHO_ALL },

	/* In a list, a question, a card shown in full. */
	{ .codes = { ENTER_KEYS, ' ' }, .name = N_("Enter Space"),
	  .fn = ui_key_choose, .help = N_("choose the selected line (or "
	  "press the key shown before it)"), .hint = N_("choose"),
	  .hname = N_("Enter"),
	  .section = UI_SEC_LIST, .where = UI_IN_PICK, .hint_in = UI_IN_PICK,
	  .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { UI_ESC, 'q', UI_CTRL('c'), UI_FN(KEY_LEFT) },
	  .name = N_("Esc q"), .fn = ui_key_close,
	  .help = N_("close a list, the console or a card shown in full"),
	  .hint = N_("close"), .hname = N_("Esc"),
	  .section = UI_SEC_LIST, .where = UI_IN_PICK | UI_IN_DETAIL,
	  .hint_in = UI_IN_PICK | UI_IN_DETAIL, .who = UI_WHO_ALL,
	  .phases = UI_PH_ALL },
	{ .codes = { UI_ESC, 'q', ':', UI_CTRL('c') }, .name = N_("Esc q"),
	  .fn = ui_key_close, .hint = N_("close"), .hname = N_("Esc"),
	  .section = UI_SEC_LIST, .where = UI_IN_CONSOLE,
	  .hint_in = UI_IN_CONSOLE, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { 'y', 'Y' }, .fn = ui_key_answer, .arg = 1,
	  .section = UI_SEC_LIST, .where = UI_IN_CONFIRM, .who = UI_WHO_ALL },
	{ .codes = { 'n', 'N', UI_ESC, 'q', UI_CTRL('c') },
	  .fn = ui_key_answer, .arg = 0,
	  .section = UI_SEC_LIST, .where = UI_IN_CONFIRM, .who = UI_WHO_ALL },

	/* Facilitators. */
	{ .codes = { ':', 'F' }, .name = ": F", .fn = ui_key_console,
	  .help = N_("the console: timer, phase, banner, rotation, settings, "
	  "roles, follow me, lock, tables, seats"), .hint = N_("console"),
	  .hname = ":",
	  .section = UI_SEC_FAC, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_FAC, .phases = UI_PH_ALL },
	{ .codes = { 'S' }, .name = "S", .fn = ui_day_key_next,
	  .help = N_("the next step of the run sheet (after y/n); : j for "
	  "any step"), .hint = N_("next step"),
	  .section = UI_SEC_FAC, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_FAC, .phases = UI_PH_ALL,
	  .shown = ui_day_has_next },
	{ .codes = { '*' }, .name = "*", .fn = ui_key_keep,
	  .help = N_("keep the selected idea for the harvest (or not)"),
	  .hint = N_("keep"),
	  .section = UI_SEC_FAC, .where = UI_IN_VIEWS | UI_IN_DETAIL,
	  .hint_in = UI_IN_VIEWS | UI_IN_DETAIL, .who = UI_WHO_FAC,
	  .phases = UI_PH(HARVEST) | UI_PH(CLOSED) },

	/* Anywhere. */
	{ .codes = { UI_FN(KEY_F(2)), UI_CTRL('t') }, .name = "F2 Ctrl-T",
	  .fn = ui_key_plain, .help = N_("the line mode (as --plain) for "
	  "screen readers and braille displays; its command full comes "
	  "back"),
	  .section = UI_SEC_OTHER, .where = UI_IN_VIEWS | UI_IN_HELP,
	  .who = UI_WHO_ALL },
	{ .codes = { UI_CTRL('l') }, .name = "Ctrl-L", .fn = ui_key_redraw,
	  .help = N_("redraw the screen"),
	  .section = UI_SEC_OTHER, .where = UI_IN_ANY, .who = UI_WHO_ALL },
	{ .codes = { UI_CTRL('z'), 0x1c }, .fn = ui_key_nothing,
	  .section = UI_SEC_OTHER, .where = UI_IN_ANY, .who = UI_WHO_ALL },
	{ .codes = { '?' }, .name = "?", .fn = ui_key_help,
	  .help = N_("this help (Esc or q closes it)"), .hint = N_("help"),
	  .section = UI_SEC_OTHER, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { 'q' }, .name = "q", .fn = ui_key_quit, .arg = 0,
	  .help = N_("quit (asks first when changes are not sent yet)"),
	  .hint = N_("quit"),
	  .section = UI_SEC_OTHER, .where = UI_IN_VIEWS,
	  .hint_in = UI_IN_VIEWS, .who = UI_WHO_ALL, .phases = UI_PH_ALL },
	{ .codes = { UI_CTRL('c') }, .name = "Ctrl-C", .fn = ui_key_quit,
	  .arg = 1, .help = N_("asks whether to quit"),
	  .section = UI_SEC_OTHER, .where = UI_IN_VIEWS, .who = UI_WHO_ALL },
};
#define UI_NKEYS	(sizeof ui_keys / sizeof ui_keys[0])

/* Section titles of the help, in enum ui_key_section order. */
static const char *const ui_key_sections[UI_SEC_COUNT] = {
	N_("Moving around"),
	N_("Writing and voting"),
	N_("In a text field"),
	N_("In a list"),
	N_("Facilitator"),
	N_("In the facilitator's console (: then the key)"),
	N_("Other"),
};

/* ---------------------------------------------------------------- lookup */

/* The number of rows, and row i. */
size_t
ui_keys_count(void)
{
	return UI_NKEYS;
}

/* Row i of the table. */
const struct ui_key *
ui_keys_row(size_t i)
{
	return i < UI_NKEYS ? &ui_keys[i] : NULL;
}

/* The translated title of a help section. */
const char *
ui_keys_section(unsigned section)
{
	if (section >= UI_SEC_COUNT)
		return "";
	return ui_text_tr(ui_key_sections[section]);
}

/* The context keys are read in now (one UI_IN_* bit). */
unsigned
ui_keys_context(struct ui *ui)
{
	switch (ui->modal) {
	case UI_MODAL_EDIT:
		return UI_IN_EDIT;
	case UI_MODAL_CONFIRM:
		return UI_IN_CONFIRM;
	case UI_MODAL_PICK:
		return UI_IN_PICK;
	case UI_MODAL_HELP:
		return UI_IN_HELP;
	case UI_MODAL_CONSOLE:
		return UI_IN_CONSOLE;
	case UI_MODAL_GROUP:
		return UI_IN_GROUP;
	case UI_MODAL_DETAIL:
		return UI_IN_DETAIL;
	case UI_MODAL_POLL:
		return UI_IN_POLL;
	case UI_MODAL_NONE:
		break;
	}
	return ui->view == UI_VIEW_RESULTS ? UI_IN_RESULTS : UI_IN_BOARD;
}

/* The first row that key presses in context ctx, or NULL. */
const struct ui_key *
ui_keys_find(unsigned ctx, int key)
{
	size_t	i, c;

	if (key == 0)
		return NULL;
	for (i = 0; i < UI_NKEYS; i++) {
		if (!(ui_keys[i].where & ctx) || ui_keys[i].fn == NULL)
			continue;
		for (c = 0; c < UI_KEY_CODES && ui_keys[i].codes[c] != 0; c++) {
			if (ui_keys[i].codes[c] == key)
				return &ui_keys[i];
		}
	}
	return NULL;
}

/* The UI_WHO_* bit of this user. */
unsigned
ui_keys_who(struct ui *ui)
{
	return ui_is_facilitator(ui) ? UI_WHO_FAC : UI_WHO_PART;
}

/*
 * Run row k for this user: its handler, or a message saying who the key
 * is for.
 */
void
ui_keys_run(struct ui *ui, const struct ui_key *k)
{
	if (!(k->who & ui_keys_who(ui))) {
		if (k->who == UI_WHO_FAC)
			ui_message(ui, true, _("%s is for facilitators (%s)."),
			    ui_keys_name(ui, k), ui_text_tr(k->help));
		else
			ui_message(ui, true, _("%s is for participants (%s)."),
			    ui_keys_name(ui, k), ui_text_tr(k->help));
		return;
	}
	k->fn(ui, k);
}

/* How the help writes row k's keys: translated, in ASCII if need be. */
const char *
ui_keys_name(struct ui *ui, const struct ui_key *k)
{
	if (ui->ascii && k->aname != NULL)
		return ui_text_tr(k->aname);
	return ui_text_tr(k->name);
}

/*
 * True when row k belongs on the hint line of context ctx for this user
 * in this phase.
 */
bool
ui_keys_hinted(struct ui *ui, const struct ui_key *k, unsigned ctx,
    unsigned phase)
{
	if (k->hint == NULL || !(k->hint_in & ctx) ||
	    !(k->who & ui_keys_who(ui)) || !(k->phases & (1u << phase)))
		return false;
	return k->shown == NULL || k->shown(ui);
}

/* The console's tools: how many, and the row of tool i. */
size_t
ui_keys_console_count(void)
{
	size_t	i, n = 0;

	for (i = 0; i < UI_NKEYS; i++)
		n += ui_keys_is_tool(&ui_keys[i]);
	return n;
}

/* The console's tool i, or NULL. */
const struct ui_key *
ui_keys_console_tool(size_t n)
{
	size_t	i;

	for (i = 0; i < UI_NKEYS; i++) {
		if (ui_keys_is_tool(&ui_keys[i]) && n-- == 0)
			return &ui_keys[i];
	}
	return NULL;
}

/* True when row k is one of the console's tools (a line of its menu). */
bool
ui_keys_is_tool(const struct ui_key *k)
{
	return (k->where & UI_IN_CONSOLE) && k->section == UI_SEC_CONSOLE &&
	    k->help != NULL && k->hint != NULL;
}
