/*
 * ui-deliver.c -- what a session leaves behind, in the full-screen client:
 * a table's canvas drawn as blocks of sections, writing into a section,
 * placing a card, an action's owner and due day, the evaluation by
 * criteria card by card, "your actions", the results sorted by a
 * criterion, and the facilitator's tools (evaluation, criteria, pitch).
 *
 * Every key is a row of the key table (ui-keys.c); every op is checked
 * against the model first (ui_precheck) so that a refusal is explained
 * before anything is typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "boardfile.h"
#include "date.h"
#include "i18n.h"
#include "layout.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------- drawing */

/*
 * The rows of a table with a canvas: the cards in no section as they were
 * (clusters, replies), then each section's cards in creation order, on
 * their own (a card in a section is an entry of the deliverable, even
 * when it builds on an idea).  Rows are reordered in place.
 */
void
ui_deliver_rows(const struct model *m, uint64_t table,
    struct layout_row *rows, size_t n)
{
	const struct model_table	*t = model_table(m, table);
	const struct model_canvas	*cv;
	const struct model_card		*c;
	struct layout_row		*out;
	size_t				 i, k = 0;
	uint32_t			 s;

	if (n == 0 || t == NULL || (cv = model_canvas(m, t->canvas)) == NULL)
		return;
	out = xreallocarray(NULL, n, sizeof *out);
	for (i = 0; i < n; i++) {
		c = model_card(m, rows[i].card);
		if (c == NULL || c->section == 0 || rows[i].placeholder)
			out[k++] = rows[i];
	}
	for (s = 1; s <= cv->nsections; s++)
		for (i = 0; i < n; i++) {
			c = model_card(m, rows[i].card);
			if (c == NULL || c->section != s || rows[i].placeholder)
				continue;
			out[k] = rows[i];
			out[k].depth = 0;
			out[k].kind = LAYOUT_TOP;
			out[k].head = false;
			k++;
		}
	/* A section beyond the canvas (a stale replica) keeps its cards. */
	for (i = 0; i < n && k < n; i++) {
		c = model_card(m, rows[i].card);
		if (c != NULL && c->section > cv->nsections &&
		    !rows[i].placeholder)
			out[k++] = rows[i];
	}
	memcpy(rows, out, k * sizeof *rows);
	free(out);
}

/*
 * The heading of the section card c opens on its table ("Feuille de route
 * 3/8 — hint"), or NULL when c is not the first card of a section (prev:
 * the section of the card above).  Sanitised, malloc'd.
 */
char *
ui_deliver_heading(struct ui *ui, const struct model *m,
    const struct model_card *c, uint32_t prev)
{
	const struct model_section	*s;
	char				*raw, *out, count[32];
	uint32_t			 n;

	if (c == NULL || c->section == 0 || c->section == prev ||
	    (s = model_section(m, c->table, c->section)) == NULL)
		return NULL;
	n = model_section_cards(m, c->table, c->section);
	if (s->limit != 0)
		snprintf(count, sizeof count, "%u/%u", n, s->limit);
	else
		snprintf(count, sizeof count, "%u", n);
	xasprintf(&raw, "%s (%s)%s%s", s->name, count, s->hint[0] != '\0' ?
	    " \xe2\x80\x94 " : "", s->hint);
	out = text_sanitize(raw, ui->ascii, false);
	free(raw);
	return out;
}

/* " → Amélie, 2027-03-12": an action's owner and due day, or NULL. */
char *
ui_deliver_suffix(struct ui *ui, const struct model_card *c)
{
	char	*raw, *out;
	bool	 owner = c->owner != NULL && c->owner[0] != '\0';
	bool	 due = c->due != NULL && c->due[0] != '\0';

	if (!owner && !due)
		return NULL;
	xasprintf(&raw, " \xe2\x86\x92 %s%s%s", owner ? c->owner : "?",
	    due ? ", " : "", due ? c->due : "");
	out = text_sanitize(raw, ui->ascii, false);
	free(raw);
	return out;
}

/*
 * The evaluation's mark of a card: while it is open, my own scores
 * ("2·3·–"); once closed (or to a facilitator), its total ("Σ15").
 */
void
ui_deliver_marks(struct ui *ui, const struct model *m,
    const struct model_card *c, char *buf, size_t size)
{
	uint32_t	me = ui->net.replica.me, k, v;
	size_t		o = 0;
	uint64_t	sum;
	bool		any = false;

	buf[0] = '\0';
	if (m->ncriteria == 0 || c->deleted)
		return;
	if (m->eval_open && !ui_is_facilitator(ui)) {
		for (k = 0; k < m->ncriteria && o + 8 < size; k++) {
			if (k > 0)
				o += (size_t)snprintf(buf + o, size - o, "%s",
				    ui_draw_glyph(ui, "\xc2\xb7", "."));
			if (model_score_of(m, me, c->id, k, &v)) {
				o += (size_t)snprintf(buf + o, size - o, "%u",
				    v);
				any = true;
			} else
				o += (size_t)snprintf(buf + o, size - o, "%s",
				    ui_draw_glyph(ui, "\xe2\x80\x93", "-"));
		}
		if (!any)
			buf[0] = '\0';
		return;
	}
	if ((sum = model_score_sum(m, c)) > 0)
		snprintf(buf, size, "%s%llu", ui_draw_glyph(ui, "\xce\xa3",
		    "S"), (unsigned long long)sum);
}

/* ---------------------------------------------------------------- results */

/* What the results are sorted by: 0 votes, 1 the total, 2 + k criterion k. */
static uint64_t
ui_deliver_value(const struct model *m, const struct model_card *c,
    unsigned sort)
{
	if (sort == 0 || m->ncriteria == 0)
		return c->votes;
	if (sort == 1)
		return model_score_sum(m, c);
	if (sort - 2 < m->ncriteria)
		return c->score[sort - 2];
	return c->votes;
}

/* The context of the sort below (qsort has none). */
struct ui_deliver_sort {
	const struct model	*m;
	unsigned		 sort;
};

/* Highest value first, then votes, then creation. */
static int
ui_deliver_cmp(const void *a, const void *b, void *arg)
{
	const struct ui_deliver_sort	*s = arg;
	const struct model_card		*x = model_card(s->m,
					    *(const uint64_t *)a);
	const struct model_card		*y = model_card(s->m,
					    *(const uint64_t *)b);
	uint64_t			 vx, vy;

	vx = ui_deliver_value(s->m, x, s->sort);
	vy = ui_deliver_value(s->m, y, s->sort);
	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->votes != y->votes)
		return x->votes > y->votes ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The ideas of a table ranked by the results' sort. */
size_t
ui_deliver_rank(struct ui *ui, const struct model *m, uint64_t table,
    uint64_t **ids)
{
	struct ui_deliver_sort	s = { m, ui->res_sort };
	size_t			n = layout_results(m, table, ids);

	if (ui->res_sort != 0 && m->ncriteria > 0)
		qsort_r(*ids, n, sizeof **ids, ui_deliver_cmp, &s);
	return n;
}

/* The number the results show for a card: votes, a total, a score. */
uint32_t
ui_deliver_number(struct ui *ui, const struct model *m,
    const struct model_card *c)
{
	return (uint32_t)ui_deliver_value(m, c, ui->res_sort);
}

/* o (results): sort by votes, the total, then each criterion in turn. */
void
ui_key_sort(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);

	(void)k;
	if (m->ncriteria == 0) {
		ui->res_sort = 0;
		ui_message(ui, true, "%s", _("No criteria on this board: the "
		    "ideas are sorted by votes."));
		return;
	}
	ui->res_sort = (ui->res_sort + 1) % (m->ncriteria + 2);
	ui->res_top = 0;
	if (ui->res_sort == 0)
		ui_message(ui, false, "%s", _("Sorted by votes."));
	else if (ui->res_sort == 1)
		ui_message(ui, false, "%s", _("Sorted by the total of the "
		    "scores."));
	else
		ui_message(ui, false, _("Sorted by %s."),
		    m->criteria[ui->res_sort - 2]);
	ui_dirty(ui);
}

/* ---------------------------------------------------------------- helpers */

/* The selected live card, or NULL (explained). */
static const struct model_card *
ui_deliver_card(struct ui *ui)
{
	const struct model_card	*c = model_card(ui_model(ui), ui_selected(ui));

	if (c == NULL || c->deleted) {
		ui_message(ui, true, "%s", _("No card selected."));
		return NULL;
	}
	return c;
}

/* The canvas of the table on screen, or NULL (explained). */
static const struct model_canvas *
ui_deliver_canvas(struct ui *ui, uint64_t table)
{
	const struct model		*m = ui_model(ui);
	const struct model_table	*t = model_table(m, table);
	const struct model_canvas	*cv;

	if (t == NULL || (cv = model_canvas(m, t->canvas)) == NULL) {
		ui_message(ui, true, "%s", _("This table has no canvas."));
		return NULL;
	}
	return cv;
}

/* A picker line for section s (from 1) of a table: "Name (2/5)". */
static void
ui_deliver_section_item(struct ui *ui, const struct model *m, uint64_t table,
    const struct model_section *s, uint32_t n, bool mark)
{
	char	*label;
	int	 key = n < 10 ? (int)('0' + n) : 0;

	if (s->limit != 0)
		xasprintf(&label, "%s (%u/%u)", s->name,
		    model_section_cards(m, table, n), s->limit);
	else
		xasprintf(&label, "%s (%u)", s->name,
		    model_section_cards(m, table, n));
	ui_picker_add(ui, label, n, key, mark);
	free(label);
}

/* ---------------------------------------------------------------- writing */

/* The idea typed for a section. */
static void
ui_section_text_done(struct ui *ui, const char *text)
{
	struct proto_op	op;

	if (text[0] == '\0') {
		ui_close_modal(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = ui->target.table;
	op.text = (char *)text;
	op.section = (uint32_t)ui->target.seconds;
	ui_send_text(ui, &op);
}

/* A section was chosen: write the idea. */
static void
ui_section_picked(struct ui *ui, uint64_t n)
{
	const struct model_section	*s;
	struct proto_op			 op;
	char				*prompt;

	s = model_section(ui_model(ui), ui->target.table, (uint32_t)n);
	ui_close_modal(ui);
	if (s == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = ui->target.table;
	op.text = (char *)"x";
	op.section = (uint32_t)n;
	if (!ui_precheck(ui, &op))
		return;
	ui->target.seconds = (int32_t)n;
	xasprintf(&prompt, _("New card in \xe2\x80\x9c%s\xe2\x80\x9d"), s->name);
	ui_open_editor(ui, prompt, "", PROTO_CARD_MAX, true,
	    ui_section_text_done);
	free(prompt);
	if (s->hint[0] != '\0')
		ui_message(ui, false, "%s", s->hint);
}

/* A: write an idea into a section of the canvas of the table on screen. */
void
ui_key_section_add(struct ui *ui, const struct ui_key *k)
{
	const struct model_canvas	*cv;
	const struct model		*m = ui_model(ui);
	uint32_t			 i;

	(void)k;
	ui_resolve_table(ui);
	if ((cv = ui_deliver_canvas(ui, ui->table)) == NULL)
		return;
	memset(&ui->target, 0, sizeof ui->target);
	ui->target.table = ui->table;
	ui_open_picker(ui, _("Write into which section?"), ui_section_picked);
	for (i = 0; i < cv->nsections; i++)
		ui_deliver_section_item(ui, m, ui->table, &cv->sections[i],
		    i + 1, false);
}

/* The section the selected card goes to was chosen (0: none). */
static void
ui_place_picked(struct ui *ui, uint64_t n)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_PLACE;
	op.card = ui->target.card;
	op.section = (uint32_t)n;
	if (ui_precheck(ui, &op))
		ui_submit(ui, &op);
}

/* P: put the selected card into a section of its table's canvas. */
void
ui_key_place(struct ui *ui, const struct ui_key *k)
{
	const struct model		*m = ui_model(ui);
	const struct model_card		*c;
	const struct model_canvas	*cv;
	uint32_t			 i;

	(void)k;
	if ((c = ui_deliver_card(ui)) == NULL ||
	    (cv = ui_deliver_canvas(ui, c->table)) == NULL)
		return;
	memset(&ui->target, 0, sizeof ui->target);
	ui->target.card = c->id;
	ui_open_picker(ui, _("Put the card into which section?"),
	    ui_place_picked);
	ui_picker_add(ui, _("No section"), 0, '0', c->section == 0);
	for (i = 0; i < cv->nsections; i++)
		ui_deliver_section_item(ui, m, c->table, &cv->sections[i],
		    i + 1, c->section == i + 1);
}

/* ---------------------------------------------------------------- actions */

/* The due day was typed: read it as people write it, send the action. */
static void
ui_due_done(struct ui *ui, const char *text)
{
	const struct model_card	*c;
	struct proto_op		 op;
	char			 day[DATE_ISO_LEN + 1] = "";

	c = model_card(ui_model(ui), ui->target.card);
	if (c == NULL) {
		ui_close_modal(ui);
		return;
	}
	if (text[0] != '\0' && date_parse(text, net_now_ms(), day) != 0) {
		ui_message(ui, true, _("\xe2\x80\x9c%s\xe2\x80\x9d is not a day I can "
		    "read: try 12 mars, vendredi, 15/01/2027 or 2027-01-15."),
		    text);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_ACTION;
	op.card = c->id;
	op.owner = ui->draft_owner != NULL ? ui->draft_owner : (char *)"";
	op.due = day;
	if (ui_send_text(ui, &op) == 0 && day[0] != '\0')
		ui_message(ui, false, _("Due on %s."), day);
	free(ui->draft_owner);
	ui->draft_owner = NULL;
}

/* The owner was typed: now the due day. */
static void
ui_owner_done(struct ui *ui, const char *text)
{
	const struct model_card	*c = model_card(ui_model(ui),
				    ui->target.card);

	free(ui->draft_owner);
	ui->draft_owner = xstrdup(text);
	ui_open_editor(ui, _("Due day (12 mars, vendredi, 15/01/2027...; "
	    "empty: none)"), c != NULL ? c->due : "", 40, false, ui_due_done);
}

/* O: the selected card's owner and due day: an action. */
void
ui_key_owner(struct ui *ui, const struct ui_key *k)
{
	const struct model_card		*c;
	const struct model_participant	*me = ui_me(ui);
	struct proto_op			 op;

	(void)k;
	if ((c = ui_deliver_card(ui)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_ACTION;
	op.card = c->id;
	if (!ui_precheck(ui, &op))
		return;
	memset(&ui->target, 0, sizeof ui->target);
	ui->target.card = c->id;
	ui_open_editor(ui, _("Who does it? (a first name, or anyone)"),
	    c->owner != NULL && c->owner[0] != '\0' ? c->owner :
	    me != NULL ? me->name : "", PROTO_OWNER_MAX, false,
	    ui_owner_done);
}

/* An action of mine was chosen: show it where it is. */
static void
ui_actions_picked(struct ui *ui, uint64_t id)
{
	const struct model_card	*c = model_card(ui_model(ui), id);
	struct ui_tab		*tab;

	ui_close_modal(ui);
	if (c == NULL)
		return;
	ui->view = UI_VIEW_BOARD;
	ui->table = c->table;
	ui->browsing = true;
	tab = ui_tab(ui, c->table);
	tab->sel = c->id;
	ui_dirty(ui);
}

/* Y: your actions, soonest first; choosing one shows it. */
void
ui_key_actions(struct ui *ui, const struct ui_key *k)
{
	const struct model	 *m = ui_model(ui);
	const struct model_card	**v;
	char			 *label, *text;
	size_t			  i, j, n;
	uint32_t		  me = ui->net.replica.me;

	(void)k;
	n = model_actions_list(m, me, &v);
	if (n == 0) {
		free(v);
		ui_message(ui, false, "%s", _("No action has your name."));
		return;
	}
	ui_open_picker(ui, _("Your actions"), ui_actions_picked);
	for (i = 0; i < n; i++) {
		text = xstrdup(v[i]->text);
		for (j = 0; text[j] != '\0'; j++)
			if (text[j] == '\n')
				text[j] = ' ';
		xasprintf(&label, "%s \xe2\x80\x94 %s %d", text,
		    v[i]->due[0] != '\0' ? v[i]->due : _("no due day"),
		    model_table_index(m, v[i]->table) + 1);
		free(text);
		ui_picker_add(ui, label, v[i]->id, 0, false);
		free(label);
	}
	free(v);
}

/* ---------------------------------------------------------------- scores */

static void	ui_score_menu(struct ui *);

/* A value was chosen for the criterion being scored. */
static void
ui_score_value_picked(struct ui *ui, uint64_t value)
{
	struct proto_op	op;

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_SCORE;
	op.card = ui->target.card;
	op.criterion = ui->target.participant;
	op.value = (uint32_t)value;
	if (ui_precheck(ui, &op) && ui_submit(ui, &op) == 0)
		ui_score_menu(ui);
}

/* A criterion was chosen: its value. */
static void
ui_score_picked(struct ui *ui, uint64_t k)
{
	const struct model	*m = ui_model(ui);
	uint32_t		 max = model_score_max(m), v, cur = 0, i;
	bool			 has;
	char			*title, num[16];

	if (k == UINT64_MAX) {
		ui_close_modal(ui);
		return;
	}
	has = model_score_of(m, ui->net.replica.me, ui->target.card,
	    (uint32_t)k, &cur);
	ui->target.participant = (uint32_t)k;
	xasprintf(&title, "%s", m->criteria[k]);
	ui_open_picker(ui, title, ui_score_value_picked);
	free(title);
	for (v = 0, i = 0; v <= max && i < 100; v++, i++) {
		snprintf(num, sizeof num, "%u", v);
		ui_picker_add(ui, num, v, v < 10 ? (int)('0' + v) : 0,
		    has && v == cur);
	}
}

/* The criteria of the selected card, with my scores. */
static void
ui_score_menu(struct ui *ui)
{
	const struct model	*m = ui_model(ui);
	const struct model_card	*c = model_card(m, ui->target.card);
	char			*label, *text;
	uint32_t		 k, v;
	size_t			 j;

	if (c == NULL)
		return;
	text = xstrdup(c->text);
	for (j = 0; text[j] != '\0'; j++)
		if (text[j] == '\n')
			text[j] = ' ';
	ui_open_picker(ui, text, ui_score_picked);
	free(text);
	for (k = 0; k < m->ncriteria; k++) {
		if (model_score_of(m, ui->net.replica.me, c->id, k, &v))
			xasprintf(&label, "%s: %u", m->criteria[k], v);
		else
			xasprintf(&label, "%s: \xe2\x80\x93", m->criteria[k]);
		ui_picker_add(ui, label, k, k < 9 ? (int)('1' + k) : 0,
		    false);
		free(label);
	}
	if (m->settings.eval_dots != 0) {
		v = model_score_spent(m, ui->net.replica.me, c->table, 0);
		ui_message(ui, false, _("%u dots per criterion and question; "
		    "Esc when done, then the next card."),
		    (unsigned)m->settings.eval_dots);
		(void)v;
	} else
		ui_message(ui, false, "%s", _("0 to 3 per criterion; Esc when "
		    "done, then the next card."));
}

/* S: score the selected card on each criterion (while it is open). */
void
ui_key_score(struct ui *ui, const struct ui_key *k)
{
	const struct model_card	*c;
	struct proto_op		 op;

	(void)k;
	if ((c = ui_deliver_card(ui)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_SCORE;
	op.card = c->id;
	if (!ui_precheck(ui, &op))
		return;
	memset(&ui->target, 0, sizeof ui->target);
	ui->target.card = c->id;
	ui_score_menu(ui);
}

/* True when an evaluation is open (for the hint). */
bool
ui_deliver_eval_open(struct ui *ui)
{
	return ui_model(ui)->eval_open;
}

/* True when the table on screen has a canvas (for the hint). */
bool
ui_deliver_has_canvas(struct ui *ui)
{
	const struct model		*m = ui_model(ui);
	const struct model_table	*t = model_table(m, ui->table);

	return t != NULL && model_canvas(m, t->canvas) != NULL;
}

/* True when the results can be sorted by a criterion (for the hint). */
bool
ui_deliver_sortable(struct ui *ui)
{
	return ui_model(ui)->ncriteria > 0;
}

/* ---------------------------------------------------------------- console */

/* a: open the evaluation, or close it (its totals become public). */
void
ui_console_eval(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	struct proto_op		 op;

	(void)k;
	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = m->eval_open ? OP_EVAL_CLOSE : OP_EVAL_OPEN;
	if (!m->eval_open && m->ncriteria == 0) {
		/* The seed's criteria, in the user's language. */
		op.kind = OP_CRITERIA;
		op.labels[0] = _("structuring");
		op.labels[1] = _("relevant");
		op.labels[2] = _("novel");
		op.nlabels = 3;
		if (ui_submit(ui, &op) != 0)
			return;
		memset(&op, 0, sizeof op);
		op.kind = OP_EVAL_OPEN;
	}
	if (!ui_precheck(ui, &op) || ui_submit(ui, &op) != 0)
		return;
	if (op.kind == OP_EVAL_OPEN)
		ui_message(ui, false, "%s", _("Evaluation open: everyone scores "
		    "the ideas with S, blind until you close it."));
	else
		ui_message(ui, false, "%s", _("Evaluation closed: the totals "
		    "are public (v, then o to sort)."));
}

/* The criteria were typed, separated by commas. */
static void
ui_console_criteria_done(struct ui *ui, const char *text)
{
	struct proto_op	 op;
	char		*copy = xstrdup(text), *p, *save = NULL, *w;
	size_t		 len;

	memset(&op, 0, sizeof op);
	op.kind = OP_CRITERIA;
	for (p = strtok_r(copy, ",", &save); p != NULL &&
	    op.nlabels < PROTO_CRITERIA_MAX; p = strtok_r(NULL, ",", &save)) {
		w = p;
		while (*w == ' ')
			w++;
		len = strlen(w);
		while (len > 0 && w[len - 1] == ' ')
			w[--len] = '\0';
		if (*w != '\0')
			op.labels[op.nlabels++] = w;
	}
	ui_send_text(ui, &op);
	free(copy);
}

/* u: the criteria of the evaluation, separated by commas. */
void
ui_console_criteria(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	char			*cur = xstrdup(""), *t;
	uint32_t		 i;

	(void)k;
	for (i = 0; i < m->ncriteria; i++) {
		xasprintf(&t, "%s%s%s", cur, i > 0 ? ", " : "", m->criteria[i]);
		free(cur);
		cur = t;
	}
	if (m->ncriteria == 0) {
		free(cur);
		xasprintf(&cur, "%s, %s, %s", _("structuring"), _("relevant"),
		    _("novel"));
	}
	ui_open_editor(ui, _("Criteria, separated by commas (a new "
	    "evaluation)"), cur, PROTO_CRITERIA_MAX * (PROTO_CRITERION_MAX + 2),
	    false, ui_console_criteria_done);
	free(cur);
}

/* The team to pitch was chosen (0: nobody). */
static void
ui_console_pitch_picked(struct ui *ui, uint64_t table)
{
	const struct model	*m = ui_model(ui);
	struct proto_op		 op;
	char			 label[64];

	ui_close_modal(ui);
	memset(&op, 0, sizeof op);
	op.kind = OP_PITCH;
	op.table = table;
	op.seconds = table != 0 ? 180 : 0;
	snprintf(label, sizeof label, _("Pitch: table %d"),
	    model_table_index(m, table) + 1);
	op.text = table != 0 ? label : (char *)"";
	if (ui_precheck(ui, &op) && ui_submit(ui, &op) == 0 && table != 0)
		ui_message(ui, false, _("Table %d pitches for 3 minutes: the "
		    "others write feedback into its canvas with A."),
		    model_table_index(m, table) + 1);
}

/* i: which team pitches now (3 minutes on the clock), or nobody. */
void
ui_console_pitch(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	char			*label, *q;
	size_t			 i;

	(void)k;
	ui_open_picker(ui, _("Who pitches now?"), ui_console_pitch_picked);
	ui_picker_add(ui, _("Nobody: the pitches are over"), 0, '0',
	    m->pitch_table == 0);
	for (i = 0; i < m->ntables; i++) {
		q = xstrdup(m->tables[i].question);
		xasprintf(&label, _("Table %zu: %s"), i + 1, q);
		ui_picker_add(ui, label, m->tables[i].id, i < 9 ?
		    (int)('1' + i) : 0, m->pitch_table == m->tables[i].id);
		free(label);
		free(q);
	}
}

/* ---------------------------------------------------------------- canvases */

/* What the canvas picker's first line chooses: a new canvas. */
#define UI_CANVAS_NEW	UINT64_MAX

/*
 * The canvas being given: the one chosen, or the newest of the name just
 * typed (a canvas added live); NULL if none.
 */
static const struct model_canvas *
ui_canvas_given(struct ui *ui)
{
	const struct model		*m = ui_model(ui);
	const struct model_canvas	*cv = NULL;
	size_t				 i;

	if (ui->give_canvas != UI_CANVAS_NEW)
		cv = model_canvas(m, ui->give_canvas);
	for (i = m->ncanvases; ui->give_canvas == UI_CANVAS_NEW &&
	    cv == NULL && i > 0 && ui->draft_canvas != NULL; i--)
		if (strcmp(m->canvases[i - 1].name, ui->draft_canvas) == 0)
			cv = &m->canvases[i - 1];
	return cv;
}

/* Give canvas (0: none) to table (0: every table), and say so. */
static void
ui_canvas_use(struct ui *ui, uint64_t canvas, uint64_t table)
{
	const struct model		*m = ui_model(ui);
	const struct model_canvas	*cv = model_canvas(m, canvas);
	struct proto_op			 op;

	memset(&op, 0, sizeof op);
	op.kind = OP_CANVAS_USE;
	op.table = table;
	op.canvas = canvas;
	if (!ui_precheck(ui, &op) || ui_submit(ui, &op) != 0)
		return;
	if (cv == NULL && op.table == 0)
		ui_message(ui, false, "%s", _("No table has a canvas now."));
	else if (cv == NULL)
		ui_message(ui, false, _("Table %d has no canvas now."),
		    model_table_index(m, op.table) + 1);
	else if (op.table == 0)
		ui_message(ui, false, _("Every table fills in \xe2\x80\x9c%s"
		    "\xe2\x80\x9d."), cv->name);
	else
		ui_message(ui, false, _("Table %d fills in \xe2\x80\x9c%s"
		    "\xe2\x80\x9d."), model_table_index(m, op.table) + 1,
		    cv->name);
}

/*
 * A change of ours got its seq: a canvas added live that was given
 * before the server had it goes to its tables now, under its real id.
 */
void
ui_deliver_confirmed(struct ui *ui, uint64_t predicted, uint64_t seq)
{
	if (ui->give_after == 0 || ui->give_after != predicted)
		return;
	ui->give_after = 0;
	if (model_canvas(ui_model(ui), seq) != NULL)
		ui_canvas_use(ui, seq, ui->give_table);
}

/* The tables to give the canvas to were chosen (UI_CANVAS_NEW: every). */
static void
ui_canvas_table_picked(struct ui *ui, uint64_t table)
{
	const struct model_canvas	*cv = NULL;

	ui_close_modal(ui);
	if (table == UI_CANVAS_NEW)
		table = 0;
	if (ui->give_canvas != 0 && (cv = ui_canvas_given(ui)) == NULL)
		return;
	/* Its id is known once the server has it: give it then. */
	if (cv != NULL && replica_is_pending_id(&ui->net.replica, cv->id)) {
		ui->give_after = cv->id;
		ui->give_table = table;
		ui_message(ui, false, _("\xe2\x80\x9c%s\xe2\x80\x9d goes to the "
		    "tables as soon as it is saved."), cv->name);
		return;
	}
	ui_canvas_use(ui, cv != NULL ? cv->id : 0, table);
}

/* Which tables get the canvas (name: its name, NULL to take it away). */
static void
ui_canvas_tables(struct ui *ui, const char *name)
{
	const struct model	*m = ui_model(ui);
	char			*title, *label;
	size_t			 i;

	if (name != NULL)
		xasprintf(&title, _("Give \xe2\x80\x9c%s\xe2\x80\x9d to which "
		    "table? (Esc: not now)"), name);
	else
		title = xstrdup(_("Take the canvas away from which table?"));
	ui_open_picker(ui, title, ui_canvas_table_picked);
	free(title);
	/* 0 is a table's "none": every table is UI_CANVAS_NEW here. */
	ui_picker_add(ui, _("Every table"), UI_CANVAS_NEW, '0', false);
	for (i = 0; i < m->ntables; i++) {
		xasprintf(&label, _("Table %zu: %s"), i + 1,
		    m->tables[i].question);
		ui_picker_add(ui, label, m->tables[i].id, i < 9 ?
		    (int)('1' + i) : 0, false);
		free(label);
	}
}

/* The sections were typed: add the canvas, then offer to give it. */
static void
ui_canvas_sections_done(struct ui *ui, const char *text)
{
	struct proto_op	op;
	char		err[256];

	if (text[0] == '\0' || ui->draft_canvas == NULL) {
		ui_close_modal(ui);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CANVAS_ADD;
	op.text = ui->draft_canvas;
	if (boardfile_sections(text, &op.sections, &op.nsections, err,
	    sizeof err) != 0) {
		/* The field stays open to be put right. */
		ui_message(ui, true, "%s", err);
		return;
	}
	if (!ui_precheck(ui, &op) || ui_submit(ui, &op) != 0) {
		boardfile_sections_free(op.sections, op.nsections);
		return;
	}
	boardfile_sections_free(op.sections, op.nsections);
	ui->give_canvas = UI_CANVAS_NEW;
	ui_canvas_tables(ui, ui->draft_canvas);
	ui_message(ui, false, ngettext("Canvas \xe2\x80\x9c%s\xe2\x80\x9d added, "
	    "%u section.", "Canvas \xe2\x80\x9c%s\xe2\x80\x9d added, %u sections.",
	    op.nsections), ui->draft_canvas, (unsigned)op.nsections);
}

/* The new canvas's name was typed: now its sections. */
static void
ui_canvas_name_done(struct ui *ui, const char *text)
{
	char	*name = xstrdup(text);

	text_trim(name);
	if (name[0] == '\0') {
		free(name);
		ui_close_modal(ui);
		return;
	}
	free(ui->draft_canvas);
	ui->draft_canvas = name;
	ui_open_editor(ui, _("Sections, one per line (Alt-Enter) or "
	    "separated by |"), "",
	    PROTO_SECTIONS_MAX * (PROTO_CANVAS_NAME_MAX + PROTO_HINT_MAX + 16),
	    true, ui_canvas_sections_done);
	ui_message(ui, false, "%s", _("A line: name | hint | most cards | "
	    "kind; between |: name \"hint\" most cards kind. Kinds: ideas, "
	    "actions (a roadmap), feedback (during a pitch)."));
}

/* A line of the canvas picker was chosen. */
static void
ui_canvas_picked(struct ui *ui, uint64_t id)
{
	const struct model_canvas	*cv;

	ui_close_modal(ui);
	if (id == UI_CANVAS_NEW) {
		ui_open_editor(ui, _("Name of the new canvas"), "",
		    PROTO_CANVAS_NAME_MAX, false, ui_canvas_name_done);
		return;
	}
	ui->give_canvas = id;
	if (id == 0) {
		ui_canvas_tables(ui, NULL);
		return;
	}
	if ((cv = model_canvas(ui_model(ui), id)) != NULL)
		ui_canvas_tables(ui, cv->name);
}

/*
 * d: the canvases: add one live (a name, then its sections as in a board
 * file), give one to a table or to every table, or take it away.
 */
void
ui_console_canvas(struct ui *ui, const struct ui_key *k)
{
	const struct model	*m = ui_model(ui);
	char			*label, *list, *t;
	size_t			 i;
	uint32_t		 s;

	(void)k;
	ui_open_picker(ui, _("Canvases"), ui_canvas_picked);
	ui_picker_add(ui, _("New canvas..."), UI_CANVAS_NEW, 'n', false);
	for (i = 0; i < m->ncanvases; i++) {
		list = xstrdup("");
		for (s = 0; s < m->canvases[i].nsections; s++) {
			xasprintf(&t, "%s%s%s", list, s > 0 ? ", " : "",
			    m->canvases[i].sections[s].name);
			free(list);
			list = t;
		}
		xasprintf(&label, _("Give \xe2\x80\x9c%s\xe2\x80\x9d (%s)..."),
		    m->canvases[i].name, list);
		ui_picker_add(ui, label, m->canvases[i].id, i < 9 ?
		    (int)('1' + i) : 0, false);
		free(label);
		free(list);
	}
	if (m->ncanvases > 0)
		ui_picker_add(ui, _("No canvas: take it away..."), 0, 'x',
		    false);
}
