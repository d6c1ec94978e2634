/*
 * ui-day.c -- the day on screen: which step of the run sheet runs
 * ("Step 3 of 9 — title"), the facilitator's next step and the sheet to
 * jump in, quick polls (a full-screen prompt with the choices, the
 * results as bars, a word poll as a ranked list of words, larger first),
 * reactions on cards, the labels people pick, and the groups' tables
 * (pairs, teams, labels) named as such, those that ended left out.
 *
 * Keys come from the key table (ui-keys.c); this file holds what they do.
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

/* The widest a bar of a poll's results gets. */
#define UI_DAY_BAR_MAX	40
/* The longest a title is on the status line. */
#define UI_DAY_TITLE_W	28

/* ---------------------------------------------------------------- tables */

/* True when a table is on the board: not a group that has ended. */
bool
ui_day_visible(const struct model_table *t)
{
	return t != NULL && !t->dissolved;
}

/* The first table on the board, 0 if none. */
uint64_t
ui_day_first_table(const struct model *m)
{
	size_t	i;

	for (i = 0; i < m->ntables; i++)
		if (ui_day_visible(&m->tables[i]))
			return m->tables[i].id;
	return 0;
}

/* The table dir (1 or -1) from table among those on the board. */
uint64_t
ui_day_next_table(const struct model *m, uint64_t table, int dir)
{
	int	i, n = (int)m->ntables, k;

	if (n == 0)
		return 0;
	i = model_table_index(m, table);
	if (i < 0)
		i = 0;
	for (k = 0; k < n; k++) {
		i = (i + dir + n) % n;
		if (ui_day_visible(&m->tables[i]))
			return m->tables[i].id;
	}
	return table;
}

/* The ids of the tables on the board, in order (malloc'd); how many. */
size_t
ui_day_tables(const struct model *m, uint64_t **out)
{
	uint64_t	*v;
	size_t		 i, n = 0;

	v = xreallocarray(NULL, m->ntables + 1, sizeof *v);
	for (i = 0; i < m->ntables; i++)
		if (ui_day_visible(&m->tables[i]))
			v[n++] = m->tables[i].id;
	*out = v;
	return n;
}

/*
 * A table's name on its label line: "Table 2 of 4" for a question's
 * (counting those on the board), "Pair 3", "Team 2", or a label's name.
 */
void
ui_day_table_label(struct ui *ui, const struct model *m, uint64_t table,
    char *buf, size_t len)
{
	const struct model_table	*t = model_table(m, table);
	size_t				 i, pos = 0, n = 0;
	char				*s;

	if (t == NULL) {
		buf[0] = '\0';
		return;
	}
	switch (t->kind) {
	case TABLE_PAIR:
		/* TRANSLATORS: a pair's table (binôme), with its number. */
		snprintf(buf, len, _("Pair %u"), (unsigned)t->number);
		return;
	case TABLE_TEAM:
		snprintf(buf, len, _("Team %u"), (unsigned)t->number);
		return;
	case TABLE_LABEL:
		s = text_sanitize(t->theme, ui->ascii, false);
		snprintf(buf, len, "%s", s);
		free(s);
		return;
	}
	for (i = 0; i < m->ntables; i++) {
		if (!ui_day_visible(&m->tables[i]))
			continue;
		n++;
		if (m->tables[i].id == table)
			pos = n;
	}
	snprintf(buf, len, _("Table %d of %zu"), (int)pos, n);
}

/* ---------------------------------------------------------------- steps */

/* "Step 3 of 9 — title" for the header; false when no step runs. */
bool
ui_day_step_text(const struct model *m, char *buf, size_t len)
{
	const struct model_step	*st = model_current_step(m);

	if (st == NULL)
		return false;
	/* TRANSLATORS: the run sheet's step in the header. */
	snprintf(buf, len, _("Step %u of %zu \xe2\x80\x94 %s"),
	    (unsigned)m->step, m->nsteps, st->def.title != NULL ?
	    st->def.title : "");
	return true;
}

/* The index of the step after the current one (the first if none). */
static size_t
ui_day_next_index(const struct model *m)
{
	return m->step;		/* current + 1, 0-based */
}

/* True when a facilitator has a next step to go to. */
bool
ui_day_has_next(struct ui *ui)
{
	const struct model	*m = ui_model(ui);

	return ui_is_facilitator(ui) && ui_day_next_index(m) < m->nsteps;
}

/* "Next: title" for a facilitator's status line; false when none. */
bool
ui_day_next_text(struct ui *ui, const struct model *m, char *buf, size_t len)
{
	const struct proto_step	*st;
	char			*t;
	size_t			 keep;

	if (!ui_is_facilitator(ui) || ui_day_next_index(m) >= m->nsteps)
		return false;
	st = &m->steps[ui_day_next_index(m)].def;
	t = text_sanitize(st->title != NULL ? st->title : "", ui->ascii,
	    false);
	keep = text_fit(t, UI_DAY_TITLE_W, NULL);
	if (t[keep] != '\0')
		snprintf(t + keep, strlen(t) + 1 - keep, "%s",
		    ui_draw_glyph(ui, "\xe2\x80\xa6", "."));
	/* TRANSLATORS: the facilitator's next step, and its key. */
	snprintf(buf, len, _("next: %s (S)"), t);
	free(t);
	return true;
}

/* Go to step i. */
static void
ui_day_go(struct ui *ui, size_t i)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_STEP;
	op.index = (uint32_t)i;
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
}

/* The question's yes: the next step. */
static void
ui_day_next_yes(struct ui *ui)
{
	ui_day_go(ui, ui_day_next_index(ui_model(ui)));
}

/* S: the next step of the run sheet, after y/n. */
void
ui_day_key_next(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	char			 q[400];
	size_t			 i = ui_day_next_index(m);

	(void)k;
	if (m->nsteps == 0) {
		ui_message(ui, true, "%s", _("This board has no run sheet."));
		return;
	}
	if (i >= m->nsteps) {
		ui_message(ui, true, "%s", _("This is the last step: the "
		    "console's run sheet (: j) goes back to any step."));
		return;
	}
	snprintf(q, sizeof q, _("Go to step %zu of %zu: %s?"), i + 1,
	    m->nsteps, m->steps[i].def.title);
	ui_open_confirm(ui, q, ui_day_next_yes);
}

/* The run sheet's choice: that step. */
static void
ui_day_sheet_picked(struct ui *ui, uint64_t i)
{
	ui_close_modal(ui);
	ui_day_go(ui, (size_t)i);
}

/* Console j: the whole run sheet, to go to any step. */
void
ui_day_console_sheet(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	const struct model_step	*s;
	char			*label, mins[32];
	size_t			 i;

	(void)k;
	if (m->nsteps == 0) {
		ui_message(ui, true, "%s", _("This board has no run sheet: a "
		    "board file's step: lines make one."));
		return;
	}
	ui_open_picker(ui, _("Go to which step?"), ui_day_sheet_picked);
	for (i = 0; i < m->nsteps; i++) {
		s = &m->steps[i];
		mins[0] = '\0';
		if (s->def.has & STEP_DURATION)
			snprintf(mins, sizeof mins, _(" (%u min)"),
			    (unsigned)(s->def.duration / 60));
		/* The first nine have their digit as a key, the rest a number. */
		xasprintf(&label, "%s%s%s", s->def.title, mins,
		    m->step == i + 1 ? _(" (now)") : s->started_ms != 0 ?
		    _(" (done)") : "");
		if (i >= 9) {
			char	*n;

			xasprintf(&n, "%zu. %s", i + 1, label);
			free(label);
			label = n;
		}
		ui_picker_add(ui, label, i, i < 9 ? (int)('1' + i) : 0,
		    m->step == i + 1);
		free(label);
	}
	if (m->step == 0 || m->step >= m->nsteps)
		ui->pick = 0;
	else
		ui->pick = m->step;	/* the next one */
}

/* ---------------------------------------------------------------- groups */

/* The regroup the console's picker chose (the mode). */
static void
ui_day_regroup_picked(struct ui *ui, uint64_t mode)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_REGROUP;
	op.mode = (uint8_t)mode;
	op.text = (char *)"";
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
}

/* Console g: form pairs, teams, groups by label, or merge the groups. */
void
ui_day_console_regroup(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_picker(ui, _("Form which groups?"), ui_day_regroup_picked);
	ui_picker_add(ui, _("Pairs of people who met least so far"),
	    GROUP_PAIRS, 'p', false);
	ui_picker_add(ui, _("Teams, formed once and kept all day"),
	    GROUP_TEAMS, 't', false);
	ui_picker_add(ui, _("One table per label"), GROUP_LABELS, 'l', false);
	ui_picker_add(ui, _("Merge the groups two by two, cards and all"),
	    GROUP_MERGE, 'm', false);
}

/* ---------------------------------------------------------------- marks */

/* A card's reactions for its right edge: " +2 ?1 !3" ("" for none). */
void
ui_day_marks(const struct model *m, const struct model_card *c, char *buf,
    size_t len)
{
	static const char *const marks[PROTO_REACTIONS] = { "+", "?", "!" };
	size_t	o = 0, r;
	int	n;

	(void)m;
	buf[0] = '\0';
	if (c->deleted)
		return;
	for (r = 0; r < PROTO_REACTIONS; r++) {
		if (c->reactions[r] == 0)
			continue;
		n = snprintf(buf + o, len - o, " %s%u", marks[r],
		    (unsigned)c->reactions[r]);
		if (n < 0 || (size_t)n >= len - o)
			break;
		o += (size_t)n;
	}
}

/* The reaction chosen: put it, or take it back. */
static void
ui_day_react_picked(struct ui *ui, uint64_t r)
{
	struct proto_op	op;
	uint64_t	card = ui->target.card;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_REACT;
	op.card = card;
	op.reaction = (uint32_t)r;
	op.flag = !(model_reacted(ui_model(ui), card, ui->net.replica.me) &
	    1u << (r - 1));
	if (ui_precheck(ui, &op) && ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", op.flag ? _("Reaction added.") :
		    _("Reaction taken back."));
}

/* +: react to the selected idea (+1, ?, !), or take it back. */
void
ui_day_key_react(struct ui *ui, const struct ui_key *k)
{
	const struct model_card	*c;
	uint32_t		 bits;
	uint64_t		 id;

	(void)k;
	id = ui_selected(ui);
	if ((c = model_card(ui_model(ui), id)) == NULL || c->deleted) {
		ui_message(ui, true, "%s", _("No card selected."));
		return;
	}
	bits = model_reacted(ui_model(ui), id, ui->net.replica.me);
	ui_open_picker(ui, _("React to this idea (again: take it back)"),
	    ui_day_react_picked);
	ui->target.card = id;
	ui_picker_add(ui, _("+1: I build on it"), 1, '+', bits & 1);
	ui_picker_add(ui, _("?: it needs clarifying"), 2, '?', bits & 2);
	ui_picker_add(ui, _("!: it matters"), 3, '!', bits & 4);
	ui->pick = 0;
}

/* ---------------------------------------------------------------- labels */

/* True when the board offers labels (for the hint). */
bool
ui_day_has_labels(struct ui *ui)
{
	return ui_model(ui)->nlabels > 0;
}

/* The label chosen (0: none). */
static void
ui_day_label_picked(struct ui *ui, uint64_t l)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_LABEL;
	op.label = (uint32_t)l;
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
}

/* The label picker, with one's own marked. */
static void
ui_day_label_menu(struct ui *ui, const char *title)
{
	const struct model		*m = ui_model(ui);
	const struct model_participant	*me = ui_me(ui);
	uint32_t			 i, mine = me != NULL ? me->label : 0;

	ui_open_picker(ui, title, ui_day_label_picked);
	for (i = 0; i < m->nlabels; i++)
		ui_picker_add(ui, m->labels[i], i + 1, i < 9 ? (int)('1' + i) :
		    0, mine == i + 1);
	ui_picker_add(ui, _("(none)"), 0, '0', mine == 0 && m->nlabels == 0);
	if (mine == 0)
		ui->pick = 0;
}

/* L: pick one's label (département, organisation). */
void
ui_day_key_label(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	if (ui_model(ui)->nlabels == 0) {
		ui_message(ui, true, "%s", _("This board offers no labels."));
		return;
	}
	ui_day_label_menu(ui, _("Your label?"));
}

/* ---------------------------------------------------------------- polls */

/* The newest poll, and the newest still open; 0 for none. */
static uint64_t
ui_day_latest(const struct model *m, bool open)
{
	size_t	i;

	for (i = m->npolls; i > 0; i--)
		if (!open || !m->polls[i - 1].closed)
			return m->polls[i - 1].id;
	return 0;
}

/* True when there is a poll to look at (for the hint). */
bool
ui_day_has_poll(struct ui *ui)
{
	return ui_model(ui)->npolls > 0;
}

/* True when the poll on screen is open (for its hints). */
bool
ui_day_poll_open(struct ui *ui)
{
	const struct model_poll	*p = model_poll(ui_model(ui), ui->poll);

	return p != NULL && !p->closed;
}

/* Show poll id. */
static void
ui_day_show_poll(struct ui *ui, uint64_t id)
{
	const struct model_poll		*p = model_poll(ui_model(ui), id);
	const struct model_answer	*a;

	if (p == NULL)
		return;
	ui_close_modal(ui);
	ui->modal = UI_MODAL_POLL;
	ui->poll = id;
	ui->poll_sel = 0;
	a = model_answer_of(p, ui->net.replica.me);
	if (a != NULL && a->a.text == NULL && a->a.choice < p->nchoices)
		ui->poll_sel = a->a.choice;
	ui_dirty(ui);
}

/* p: the newest open poll (else the newest), on the full screen. */
void
ui_day_key_poll(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	uint64_t		 id = ui_day_latest(m, true);

	(void)k;
	if (id == 0)
		id = ui_day_latest(m, false);
	if (id == 0) {
		ui_message(ui, true, "%s", _("There is no poll yet."));
		return;
	}
	ui_day_show_poll(ui, id);
}

/* Answer the poll on screen. */
static void
ui_day_answer(struct ui *ui, const struct proto_answer *a)
{
	struct proto_op	op;
	uint64_t	id = ui->poll;

	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_ANSWER;
	op.poll = id;
	op.answer = *a;
	if (ui_precheck(ui, &op) && ui_submit(ui, &op) == 0)
		ui_message(ui, false, "%s", _("Your answer is in (you may "
		    "change it until the poll closes)."));
}

/* The word typed for a word poll. */
static void
ui_day_word_done(struct ui *ui, const char *text)
{
	struct proto_answer	a = { true, (char *)text, 0 };
	uint64_t		id = ui->target.card;

	ui_close_modal(ui);
	ui->poll = id;
	ui->modal = UI_MODAL_POLL;
	ui_day_answer(ui, &a);
}

/* Up and down among the choices (arg: -1, 1). */
void
ui_day_key_poll_move(struct ui *ui, const struct ui_key *k)
{
	const struct model_poll	*p = model_poll(ui_model(ui), ui->poll);

	if (p == NULL || p->nchoices == 0)
		return;
	if (k->arg < 0 && ui->poll_sel > 0)
		ui->poll_sel--;
	else if (k->arg > 0 && ui->poll_sel + 1 < p->nchoices)
		ui->poll_sel++;
	ui_dirty(ui);
}

/* Enter: the highlighted choice; a word poll: type the word. */
void
ui_day_key_poll_enter(struct ui *ui, const struct ui_key *k)
{
	const struct model_poll		*p = model_poll(ui_model(ui), ui->poll);
	const struct model_answer	*mine;
	struct proto_answer		 a = { true, NULL, 0 };

	(void)k;
	if (p == NULL || p->closed) {
		ui_message(ui, true, "%s", _("The poll is closed."));
		return;
	}
	if (p->nchoices != 0) {
		a.choice = (uint32_t)ui->poll_sel;
		ui_day_answer(ui, &a);
		return;
	}
	mine = model_answer_of(p, ui->net.replica.me);
	ui->target.card = p->id;
	ui_open_editor(ui, _("Your word:"), mine != NULL && mine->a.text !=
	    NULL ? mine->a.text : "", PROTO_WORD_MAX, false,
	    ui_day_word_done);
	ui->target.card = p->id;
}

/* A digit on a choice poll's screen: that choice. */
bool
ui_day_poll_key(struct ui *ui, int key)
{
	const struct model_poll	*p = model_poll(ui_model(ui), ui->poll);
	struct proto_answer	 a = { true, NULL, 0 };

	if (p == NULL || p->closed || p->nchoices == 0 || key < '1' ||
	    key > '9' || (uint32_t)(key - '1') >= p->nchoices)
		return false;
	ui->poll_sel = (size_t)(key - '1');
	a.choice = (uint32_t)ui->poll_sel;
	ui_day_answer(ui, &a);
	return true;
}

/* Close poll id: its results go to everyone. */
static void
ui_day_close(struct ui *ui, uint64_t id)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_CLOSE;
	op.poll = id;
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
}

/* c on a poll's screen (facilitator): close it, show the results. */
void
ui_day_key_poll_close(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_day_close(ui, ui->poll);
}

/* The quick poll was typed: "question | choice | choice", or a
 * question alone for a word poll. */
static void
ui_day_poll_typed(struct ui *ui, const char *text)
{
	struct proto_op	 op;
	char		**parts;
	size_t		 n;

	ui_close_modal(ui);
	if ((n = text_split(text, '|', &parts)) == 0)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_OPEN;
	op.text = parts[0];
	op.strs = parts + 1;
	op.nstrs = (uint32_t)(n - 1);
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
	text_split_free(parts, n);
}

/* Console m: a quick poll, its question and its choices on one line. */
void
ui_day_console_poll(struct ui *ui, const struct ui_key *k)
{
	(void)k;
	ui_open_editor(ui, _("Quick poll: the question, then its choices "
	    "after | (none: a word poll)"), "", PROTO_QUESTION_MAX +
	    PROTO_CHOICES_MAX * (PROTO_WORD_MAX + 3), false,
	    ui_day_poll_typed);
}

/* Console i: close the newest open poll. */
void
ui_day_console_close_poll(struct ui *ui, const struct ui_key *k)
{
	uint64_t	id = ui_day_latest(ui_model(ui), true);

	(void)k;
	if (id == 0) {
		ui_message(ui, true, "%s", _("No poll is open."));
		return;
	}
	ui_close_modal(ui);
	ui_day_close(ui, id);
}

/* One line of a poll's screen, cut to w columns. */
static void
ui_day_line(struct ui *ui, int y, int x, int w, const char *s, int attr)
{
	char	*t = text_sanitize(s, ui->ascii, false);

	ui_draw_text_cut(ui, y, x, w, t, attr);
	free(t);
}

/* A results bar of n out of max, w cells at most, then the count. */
static void
ui_day_bar(struct ui *ui, int y, int x, int w, uint32_t n, uint32_t max)
{
	char	num[16];
	int	cells, i;

	cells = max == 0 ? 0 : (int)((uint64_t)n * (uint64_t)w / max);
	if (n > 0 && cells == 0)
		cells = 1;
	for (i = 0; i < cells; i++)
		ui_draw_text(ui, y, x + i, 1, ui_draw_glyph(ui,
		    "\xe2\x96\x88", "#"), ui_draw_attr(ui, UI_S_DOTS));
	snprintf(num, sizeof num, " %u", (unsigned)n);
	ui_draw_text(ui, y, x + cells, 8, num, A_BOLD);
}

/*
 * The results: every choice with its bar; a word poll's words ranked,
 * the most frequent first and in bold, the terminal's word cloud.
 */
static int
ui_day_draw_results(struct ui *ui, const struct model_poll *p, int y,
    int x, int w, int h)
{
	uint32_t	max = 0, k;
	int		lw = 0, tw, line = 0, bw;
	char		*t;

	for (k = 0; k < p->ncounts; k++) {
		if (p->counts[k].n > max)
			max = p->counts[k].n;
		t = text_sanitize(p->counts[k].text, ui->ascii, false);
		tw = (int)text_width(t);
		free(t);
		lw = tw > lw ? tw : lw;
	}
	if (lw > w / 2)
		lw = w / 2;
	bw = w - lw - 8;
	if (bw > UI_DAY_BAR_MAX)
		bw = UI_DAY_BAR_MAX;
	if (p->ncounts == 0 || max == 0) {
		ui_day_line(ui, y, x, w, _("No answer."), A_DIM);
		return 1;
	}
	for (k = 0; k < p->ncounts && line < h; k++) {
		if (p->nchoices == 0 && p->counts[k].n == 0)
			continue;
		/* A word poll: the words that lead stand out. */
		ui_day_line(ui, y + line, x, lw, p->counts[k].text,
		    p->nchoices == 0 && p->counts[k].n == max ?
		    (int)(A_BOLD | A_STANDOUT) : p->nchoices == 0 &&
		    2 * p->counts[k].n >= max ? (int)A_BOLD : 0);
		if (bw > 0)
			ui_day_bar(ui, y + line, x + lw + 2, bw,
			    p->counts[k].n, max);
		line++;
	}
	return line;
}

/* The poll on screen: its question, then choices or results. */
void
ui_day_draw_poll(struct ui *ui, const struct model *m, int y, int h)
{
	const struct model_poll		*p = model_poll(m, ui->poll);
	const struct model_answer	*mine;
	char				 line[400], *q;
	struct layout_line		*l;
	size_t				 nq, i;
	int				 x = 2, w = COLS - 4, yy = y, attr;
	uint32_t			 k;

	ui_draw_fill(y, 0, COLS, 0);
	for (i = 0; i < (size_t)h; i++)
		ui_draw_fill(y + (int)i, 0, COLS, 0);
	if (p == NULL)
		return;
	ui_draw_box(ui, y, 0, h, COLS, p->closed ? _("Poll: results") :
	    _("Poll"));
	yy = y + 2;
	q = text_sanitize(p->question, ui->ascii, false);
	nq = layout_wrap(q, (size_t)w, &l);
	for (i = 0; i < nq && i < 3; i++)
		ui_draw_put(ui, yy++, x, w, q + l[i].start, l[i].end -
		    l[i].start, ui_draw_attr(ui, UI_S_QUESTION) | A_BOLD);
	free(l);
	free(q);
	yy++;
	mine = model_answer_of(p, ui->net.replica.me);
	if (p->closed || m->settings.live_polls) {
		yy += ui_day_draw_results(ui, p, yy, x, w, y + h - 3 - yy);
		yy++;
	}
	if (!p->closed && p->nchoices != 0) {
		for (k = 0; k < p->nchoices && yy < y + h - 2; k++) {
			attr = k == ui->poll_sel ? (int)A_REVERSE : 0;
			if (k == ui->poll_sel)
				ui_draw_fill(yy, x, w, attr);
			snprintf(line, sizeof line, "%u", k + 1);
			ui_draw_text(ui, yy, x + 1, 2, k < 9 ? line : " ",
			    attr | ui_draw_attr(ui, UI_S_KEY));
			if (mine != NULL && mine->a.text == NULL &&
			    mine->a.choice == k)
				ui_draw_text(ui, yy, x + 3, 1, ui_draw_glyph(ui,
				    "\xe2\x97\x8f", "*"), attr);
			ui_day_line(ui, yy, x + 5, w - 6, p->choices[k], attr);
			yy++;
		}
		yy++;
	}
	if (p->closed)
		snprintf(line, sizeof line, "%s", _("The poll is closed."));
	else if (mine != NULL && mine->a.text != NULL)
		snprintf(line, sizeof line, _("Your word: %s (Enter: change "
		    "it)."), mine->a.text);
	else if (mine != NULL)
		snprintf(line, sizeof line, "%s", _("Your answer is marked; "
		    "you may change it until the poll closes."));
	else if (p->nchoices != 0)
		snprintf(line, sizeof line, "%s", _("Pick one: its number, or "
		    "the arrows and Enter."));
	else
		snprintf(line, sizeof line, "%s", _("Press Enter to give your "
		    "word."));
	if (yy < y + h - 1)
		ui_day_line(ui, yy++, x, w, line, A_DIM);
	if (!p->closed && !m->settings.live_polls && yy < y + h - 1)
		ui_day_line(ui, yy, x, w, ui_is_facilitator(ui) ? _("The "
		    "answers stay hidden until you close the poll (c).") :
		    _("The answers stay hidden until the facilitator closes "
		    "the poll."), A_DIM);
}

/* ---------------------------------------------------------------- events */

/* Show the poll of an event to those who answer it. */
static void
ui_day_offer_poll(struct ui *ui, uint64_t id)
{
	if (ui_is_facilitator(ui)) {
		ui_message(ui, false, "%s", _("A poll is open: p shows it, "
		    "c there closes it."));
		return;
	}
	/* Never over what is being typed. */
	if (ui->modal != UI_MODAL_NONE && ui->modal != UI_MODAL_POLL &&
	    ui->modal != UI_MODAL_DETAIL && ui->modal != UI_MODAL_HELP) {
		ui_message(ui, false, "%s", _("A poll is open: press p to "
		    "answer."));
		return;
	}
	ui_day_show_poll(ui, id);
}

/* Tell me where a regroup seated me. */
static void
ui_day_seated(struct ui *ui, const struct model *m)
{
	const struct model_participant	*me = ui_me(ui);
	char				 name[128];

	if (me == NULL || me->role == ROLE_FACILITATOR || me->table == 0)
		return;
	ui_day_table_label(ui, m, me->table, name, sizeof name);
	ui_message(ui, false, _("New groups: you are at %s."), name);
	ui->browsing = false;
	ui->view = UI_VIEW_BOARD;
}

/*
 * The day moves on: the results of a closed poll give way to the board
 * (an open poll stays, someone may be answering it).
 */
static void
ui_day_results_go(struct ui *ui, const struct model *m)
{
	const struct model_poll	*p;

	if (ui->modal == UI_MODAL_POLL &&
	    ((p = model_poll(m, ui->poll)) == NULL || p->closed))
		ui_close_modal(ui);
}

/* A live event of the day: what it brings on screen. */
void
ui_day_event(struct ui *ui, const struct proto_event *ev)
{
	const struct model	*m = ui_model(ui);
	const struct model_poll	*p;
	const struct proto_step	*st = &ev->op.step;
	char			 buf[300];

	switch (ev->op.kind) {
	case OP_STEP:
		ui_day_results_go(ui, m);
		if (ui_day_step_text(m, buf, sizeof buf))
			ui_message(ui, false, "%s", buf);
		if ((st->has & STEP_ACTION) && st->action == ACTION_POLL)
			ui_day_offer_poll(ui, ev->seq);
		else if ((st->has & STEP_ACTION) &&
		    GROUP_OF_ACTION(st->action) >= 0)
			ui_day_seated(ui, m);
		break;
	case OP_POLL_OPEN:
		ui_day_offer_poll(ui, ev->seq);
		break;
	case OP_POLL_CLOSE:
		if ((p = model_poll(m, ev->op.poll)) == NULL)
			break;
		if (ui->modal == UI_MODAL_NONE || (ui->modal ==
		    UI_MODAL_POLL && ui->poll == p->id))
			ui_day_show_poll(ui, p->id);
		else
			ui_message(ui, false, "%s", _("A poll closed: press p "
			    "for its results."));
		break;
	case OP_REGROUP:
		ui_day_results_go(ui, m);
		ui_day_seated(ui, m);
		break;
	case OP_LABEL:
		if (ev->op.participant == ui->net.replica.me &&
		    ev->origin != ui->net.replica.me) {
			snprintf(buf, sizeof buf, "%s", model_label_of(m,
			    ui_me(ui)) != NULL ? model_label_of(m, ui_me(ui)) :
			    _("(none)"));
			ui_message(ui, false, _("The facilitator gave you the "
			    "label: %s"), buf);
		}
		break;
	}
}

/* Live for the first time: a label to pick, a poll to answer. */
void
ui_day_live(struct ui *ui)
{
	const struct model		*m = ui_model(ui);
	const struct model_participant	*me = ui_me(ui);
	uint64_t			 id;

	if (me == NULL || me->role == ROLE_FACILITATOR ||
	    ui->modal != UI_MODAL_NONE)
		return;
	if (m->nlabels > 0 && me->label == 0 && !ui->label_asked) {
		ui->label_asked = true;
		ui_day_label_menu(ui, _("Which is yours? (L changes it)"));
		return;
	}
	id = ui_day_latest(m, true);
	if (id != 0 && model_answer_of(model_poll(m, id), me->id) == NULL)
		ui_day_show_poll(ui, id);
}
