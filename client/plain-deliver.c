/*
 * plain-deliver.c -- what a session leaves behind, in the line mode: the
 * canvas of a table read section by section, writing into a section,
 * placing an idea, actions with an owner and a due day, "your actions",
 * scores by criteria, feedback during a pitch; for facilitators the
 * canvases (list, give, add one live), the evaluation, its criteria and
 * the pitches.  Each event is said once as a sentence, with the privacy
 * of the full-screen client: nobody hears another's scores, and the
 * totals only once the evaluation is closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boardfile.h"
#include "date.h"
#include "i18n.h"
#include "plain.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* Seconds a pitch runs when the facilitator gives no duration. */
#define PLAIN_PITCH_SECS	180

/* ---------------------------------------------------------------- words */

/* The canvas of a table, NULL when it has none. */
static const struct model_canvas *
plain_deliver_canvas(const struct model *m, uint64_t table)
{
	const struct model_table	*t = model_table(m, table);

	return t != NULL ? model_canvas(m, t->canvas) : NULL;
}

/* "A, B and C": the names of a canvas's sections (malloc'd). */
static char *
plain_deliver_sections(const struct model_canvas *cv)
{
	char		**v, *out;
	uint32_t	  i;

	v = xreallocarray(NULL, cv->nsections + 1, sizeof *v);
	for (i = 0; i < cv->nsections; i++)
		v[i] = cv->sections[i].name;
	out = plain_join(v, cv->nsections);
	free(v);
	return out;
}

/* "a, b and c": the evaluation's criteria (malloc'd). */
static char *
plain_deliver_criteria(const struct model *m)
{
	return plain_join((char **)m->criteria, m->ncriteria);
}

/* True when the folded a starts the folded b or one of its words. */
static bool
plain_deliver_starts(const char *a, const char *b)
{
	size_t	len = strlen(a);
	const char *w;

	for (w = b; w != NULL; w = strchr(w, ' ')) {
		while (*w == ' ')
			w++;
		if (strncmp(a, w, len) == 0)
			return true;
	}
	return false;
}

/*
 * The section of a canvas that s names: its number, its name, or the
 * start of one name (or of a word of it when words); of kind only when
 * kind is not -1; accents and case aside.  0 when none or several.
 */
static uint32_t
plain_deliver_section_named(const struct model_canvas *cv, const char *s,
    int kind, bool words)
{
	char		*a, *b;
	uint32_t	 i, n, hit = 0, hits = 0;

	if ((n = plain_number(s, cv->nsections)) != 0)
		return kind < 0 || cv->sections[n - 1].kind == kind ? n : 0;
	a = plain_fold(s);
	for (i = 0; i < cv->nsections && a[0] != '\0'; i++) {
		if (kind >= 0 && cv->sections[i].kind != kind)
			continue;
		b = plain_fold(cv->sections[i].name);
		if (strcmp(a, b) == 0) {
			free(b);
			free(a);
			return i + 1;
		}
		if (words ? plain_deliver_starts(a, b) :
		    strncmp(a, b, strlen(a)) == 0) {
			hit = i + 1;
			hits++;
		}
		free(b);
	}
	free(a);
	return hits == 1 ? hit : 0;
}

/*
 * "SECTION: text": when what comes before the first colon names a section
 * of the table's canvas, its number, and *text moves past the colon; else
 * 0 and *text as it was (a colon may be part of an idea).
 */
uint32_t
plain_deliver_section_of(struct plain *p, uint64_t table, char **text)
{
	const struct model_canvas	*cv;
	char				*colon, *head;
	uint32_t			 n;

	cv = plain_deliver_canvas(plain_model(p), table);
	if (cv == NULL || (colon = strchr(*text, ':')) == NULL)
		return 0;
	head = xstrndup(*text, (size_t)(colon - *text));
	text_trim(head);
	/* Strict: "Note: ..." is an idea unless a name starts so. */
	n = head[0] != '\0' ? plain_deliver_section_named(cv, head, -1,
	    false) : 0;
	free(head);
	if (n != 0) {
		*text = colon + 1;
		text_trim(*text);
	}
	return n;
}

/*
 * What a card of a canvas adds to its sentence: its section, its owner
 * and due day, its totals once the evaluation is closed ("in « Feuille
 * de route », action for Karim, due 2027-03-12").  NULL when nothing.
 */
char *
plain_deliver_marks(struct plain *p, const struct model *m,
    const struct model_card *c)
{
	const struct model_section	*s;
	char				*out = NULL, *t, *part, *total;
	uint32_t			 k;

	(void)p;
	if (c->section != 0 &&
	    (s = model_section(m, c->table, c->section)) != NULL)
		xasprintf(&out, _("in \xe2\x80\x9c%s\xe2\x80\x9d"), s->name);
	if (c->owner != NULL && c->owner[0] != '\0') {
		if (c->due != NULL && c->due[0] != '\0')
			xasprintf(&part, _("action for %s, due %s"), c->owner,
			    c->due);
		else
			xasprintf(&part, _("action for %s"), c->owner);
		if (out != NULL) {
			xasprintf(&t, "%s%s%s", out, _(", "), part);
			free(out);
			free(part);
			out = t;
		} else
			out = part;
	}
	/* Totals only when public: never while an evaluation is open. */
	if (m->ncriteria > 0 && !m->eval_open && model_score_sum(m, c) > 0) {
		part = xstrdup("");
		for (k = 0; k < m->ncriteria; k++) {
			xasprintf(&t, "%s%s %u%s", part, m->criteria[k],
			    (unsigned)c->score[k], _(", "));
			free(part);
			part = t;
		}
		xasprintf(&t, _("total %llu"),
		    (unsigned long long)model_score_sum(m, c));
		xasprintf(&total, "%s%s", part, t);
		free(t);
		free(part);
		part = total;
		if (out != NULL) {
			xasprintf(&t, "%s%s%s", out, _(", "), part);
			free(out);
			free(part);
			out = t;
		} else
			out = part;
	}
	return out;
}

/* ---------------------------------------------------------------- events */

/* canvas.use: the tables concerned have a canvas now (or none). */
static void
plain_deliver_used(struct plain *p, const struct model *m,
    const struct proto_op *op)
{
	const struct model_canvas	*cv = model_canvas(m, op->canvas);
	char				*list;

	if (op->table != 0 && !plain_concerns(p, op->table))
		return;
	if (cv == NULL) {
		if (op->table == 0)
			plain_say(p, "%s", _("The tables have no canvas now."));
		else
			plain_say(p, _("Table %d has no canvas now."),
			    plain_table_no(m, op->table));
		return;
	}
	list = plain_deliver_sections(cv);
	if (op->table == 0)
		plain_say(p, _("Every table fills in the canvas "
		    "\xe2\x80\x9c%s\xe2\x80\x9d: %s. Type canvas to read it."),
		    cv->name, list);
	else
		plain_say(p, _("Table %d fills in the canvas "
		    "\xe2\x80\x9c%s\xe2\x80\x9d: %s. Type canvas to read it."),
		    plain_table_no(m, op->table), cv->name, list);
	free(list);
}

/* action: mine, said wherever it is; others at the tables I hear. */
static void
plain_deliver_action(struct plain *p, const struct model *m,
    const struct proto_event *ev)
{
	const struct model_card		*c = model_card(m, ev->op.card);
	const struct model_participant	*by;
	uint32_t			 n;
	int				 t;

	if (c == NULL || c->deleted)
		return;
	n = model_card_number(m, c->id);
	t = plain_table_no(m, c->table);
	by = model_participant(m, ev->origin);
	if (model_action_of(m, c, p->net.replica.me) &&
	    ev->origin != p->net.replica.me) {
		/* On an anonymous board nobody learns who named the owner. */
		if (by == NULL && c->due[0] != '\0')
			plain_say(p, _("You have a new action, idea %u at table "
			    "%d, due %s: %s"), n, t, c->due, plain_card_text(c));
		else if (by == NULL)
			plain_say(p, _("You have a new action, idea %u at table "
			    "%d: %s"), n, t, plain_card_text(c));
		else if (c->due[0] != '\0')
			plain_say(p, _("%s gives you an action, idea %u at "
			    "table %d, due %s: %s"), by->name, n, t, c->due,
			    plain_card_text(c));
		else
			plain_say(p, _("%s gives you an action, idea %u at "
			    "table %d: %s"), by->name, n, t,
			    plain_card_text(c));
		return;
	}
	if (!plain_concerns(p, c->table))
		return;
	if (c->owner[0] == '\0')
		plain_say(p, _("Table %d, idea %u has no owner now."), t, n);
	else if (c->due[0] != '\0')
		plain_say(p, _("Table %d, idea %u is an action for %s, due "
		    "%s."), t, n, c->owner, c->due);
	else
		plain_say(p, _("Table %d, idea %u is an action for %s."), t, n,
		    c->owner);
}

/* card.place: an idea went into a section (or out of every one). */
static void
plain_deliver_placed(struct plain *p, const struct model *m,
    const struct proto_op *op)
{
	const struct model_card		*c = model_card(m, op->card);
	const struct model_section	*s;

	if (c == NULL || !plain_concerns(p, c->table))
		return;
	if ((s = model_section(m, c->table, c->section)) == NULL)
		plain_say(p, _("Table %d, idea %u is in no section now."),
		    plain_table_no(m, c->table), model_card_number(m, c->id));
	else
		plain_say(p, _("Table %d, idea %u goes into "
		    "\xe2\x80\x9c%s\xe2\x80\x9d."), plain_table_no(m, c->table),
		    model_card_number(m, c->id), s->name);
}

/* pitch: which team presents, and what the others do meanwhile. */
static void
plain_deliver_pitch(struct plain *p, const struct model *m,
    const struct proto_op *op)
{
	if (op->table == 0)
		plain_say(p, "%s", _("The pitches are over."));
	else if (op->table == plain_seat(p))
		plain_say(p, "%s", _("Your table pitches now: the others' "
		    "feedback is said as it comes."));
	else if (plain_is_facilitator(p))
		plain_say(p, _("Table %d pitches now: the other tables write "
		    "their feedback."), plain_table_no(m, op->table));
	else
		plain_say(p, _("Table %d pitches now: write your feedback with "
		    "feedback, then your words."), plain_table_no(m,
		    op->table));
}

/* An event of the deliverables, as a sentence (scores are never said). */
void
plain_deliver_event(struct plain *p, const struct proto_event *ev)
{
	const struct model		*m = plain_model(p);
	const struct proto_op		*op = &ev->op;
	const struct model_canvas	*cv;
	char				*list;

	switch (op->kind) {
	case OP_CANVAS_ADD:
		/* Only facilitators give canvases: they hear of new ones. */
		if (!plain_is_facilitator(p) ||
		    (cv = model_canvas(m, ev->seq)) == NULL)
			break;
		list = plain_deliver_sections(cv);
		plain_say(p, ngettext("New canvas \xe2\x80\x9c%s\xe2\x80\x9d, %u "
		    "section: %s.", "New canvas \xe2\x80\x9c%s\xe2\x80\x9d, %u "
		    "sections: %s.", (unsigned long)cv->nsections), cv->name,
		    (unsigned)cv->nsections, list);
		free(list);
		break;
	case OP_CANVAS_USE:
		plain_deliver_used(p, m, op);
		break;
	case OP_CARD_PLACE:
		plain_deliver_placed(p, m, op);
		break;
	case OP_ACTION:
		plain_deliver_action(p, m, ev);
		break;
	case OP_CRITERIA:
		list = plain_deliver_criteria(m);
		plain_say(p, _("Criteria of the evaluation: %s."), list);
		free(list);
		break;
	case OP_EVAL_OPEN:
		list = plain_deliver_criteria(m);
		if (m->settings.eval_dots != 0)
			plain_say(p, ngettext("Evaluation open on %s: %u dot "
			    "per criterion and question, with score, an idea, "
			    "a criterion and a number; blind until it closes.",
			    "Evaluation open on %s: %u dots per criterion and "
			    "question, with score, an idea, a criterion and a "
			    "number; blind until it closes.",
			    (unsigned long)m->settings.eval_dots), list,
			    (unsigned)m->settings.eval_dots);
		else
			plain_say(p, _("Evaluation open on %s: score each idea "
			    "0 to 3 per criterion with score, an idea, a "
			    "criterion and a number; blind until it closes."),
			    list);
		free(list);
		break;
	case OP_EVAL_CLOSE:
		plain_say(p, "%s", _("The evaluation is closed: its totals are "
		    "public (read and results say them)."));
		break;
	case OP_PITCH:
		plain_deliver_pitch(p, m, op);
		break;
	}
}

/* ---------------------------------------------------------------- commands */

/* place N SECTION | place N none: put an idea into a section, or out. */
void
plain_deliver_cmd_place(struct plain *p, char *args)
{
	const struct model		*m;
	const struct model_card		*c;
	const struct model_canvas	*cv;
	struct proto_op			 op;
	char				*w = plain_word(&args), *f, *list;
	uint64_t			 id;

	if ((id = plain_card_ref(p, w, true)) == 0)
		return;
	m = plain_model(p);
	c = model_card(m, id);
	text_trim(args);
	if ((cv = plain_deliver_canvas(m, c->table)) == NULL) {
		plain_say(p, _("Table %d has no canvas."), plain_table_no(m,
		    c->table));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_PLACE;
	op.card = id;
	f = plain_fold(args);
	if (!plain_is(f, NC_("word", "none")) && (op.section =
	    plain_deliver_section_named(cv, args, -1, true)) == 0) {
		list = plain_deliver_sections(cv);
		plain_say(p, _("Type place, the idea, then a section (its "
		    "number or its name) or none: %s."), list);
		free(list);
		free(f);
		return;
	}
	free(f);
	if (plain_submit(p, &op) != 0)
		return;
	if (op.section == 0)
		plain_done(p, _("Idea %u is in no section"),
		    model_card_number(m, id));
	else
		plain_done(p, _("Idea %u goes into \xe2\x80\x9c%s\xe2\x80\x9d"),
		    model_card_number(m, id),
		    cv->sections[op.section - 1].name);
}

/*
 * The due day at the end of words: the most trailing words (up to four)
 * that read as a day, leaving at least one word before them.  Writes the
 * day and cuts the words off; false when there is none.
 */
static bool
plain_deliver_due(char *s, char day[DATE_ISO_LEN + 1])
{
	char	*cut[5], *sp;
	size_t	 n = 0, k;

	text_trim(s);
	for (sp = s + strlen(s); n < 4 && (sp = memrchr(s, ' ',
	    (size_t)(sp - s))) != NULL; )
		cut[n++] = sp;
	for (k = n; k > 0; k--) {
		if (date_parse(cut[k - 1] + 1, net_now_ms(), day) == 0) {
			*cut[k - 1] = '\0';
			text_trim(s);
			return true;
		}
	}
	return false;
}

/* action N OWNER [DUE] | action N none: an idea's owner and due day. */
void
plain_deliver_cmd_action(struct plain *p, char *args)
{
	const struct model		*m;
	const struct model_participant	*q;
	struct proto_op			 op;
	char				*w = plain_word(&args), *f, *a;
	char				 day[DATE_ISO_LEN + 1] = "";
	uint64_t			 id;
	uint32_t			 n;
	size_t				 i;

	if ((id = plain_card_ref(p, w, true)) == 0)
		return;
	m = plain_model(p);
	n = model_card_number(m, id);
	text_trim(args);
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type action, the idea, who does it (a "
		    "first name, or anyone), and a due day if there is one "
		    "(12 mars, vendredi, 15/01/2027)."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_ACTION;
	op.card = id;
	op.owner = (char *)"";
	op.due = day;
	f = plain_fold(args);
	if (!plain_is(f, NC_("word", "none"))) {
		plain_deliver_due(args, day);
		/* A first name of the board as it is written there. */
		op.owner = args;
		free(f);
		f = plain_fold(args);
		for (i = 0; i < m->nparticipants; i++) {
			q = &m->participants[i];
			a = plain_fold(q->name);
			if (strcmp(a, f) == 0)
				op.owner = q->name;
			free(a);
		}
	}
	free(f);
	if (plain_submit(p, &op) != 0)
		return;
	if (op.owner[0] == '\0')
		plain_done(p, _("Idea %u has no owner"), n);
	else if (day[0] != '\0')
		plain_done(p, _("Idea %u is an action for %s, due %s"), n,
		    op.owner, day);
	else
		plain_done(p, _("Idea %u is an action for %s, no due day"), n,
		    op.owner);
}

/* My scores of an idea, "structuring 2, relevant –, novel 1" (malloc'd). */
static char *
plain_deliver_my_scores(struct plain *p, const struct model *m, uint64_t id)
{
	char		*out = xstrdup(""), *t;
	uint32_t	 k, v;

	for (k = 0; k < m->ncriteria; k++) {
		if (model_score_of(m, p->net.replica.me, id, k, &v))
			xasprintf(&t, "%s%s%s %u", out, k > 0 ? _(", ") : "",
			    m->criteria[k], (unsigned)v);
		else
			xasprintf(&t, "%s%s%s \xe2\x80\x93", out, k > 0 ?
			    _(", ") : "", m->criteria[k]);
		free(out);
		out = t;
	}
	return out;
}

/* The criterion s names: its number or the start of its label; -1. */
static int
plain_deliver_criterion(const struct model *m, const char *s)
{
	char		*a, *b;
	uint32_t	 k, n, hit = 0, hits = 0;

	if ((n = plain_number(s, m->ncriteria)) != 0)
		return (int)n - 1;
	a = plain_fold(s);
	for (k = 0; k < m->ncriteria && a[0] != '\0'; k++) {
		b = plain_fold(m->criteria[k]);
		if (strcmp(a, b) == 0) {
			free(a);
			free(b);
			return (int)k;
		}
		if (strncmp(a, b, strlen(a)) == 0) {
			hit = k;
			hits++;
		}
		free(b);
	}
	free(a);
	return hits == 1 ? (int)hit : -1;
}

/* score N [CRITERION VALUE]: score an idea, or hear my scores of it. */
void
plain_deliver_cmd_score(struct plain *p, char *args)
{
	const struct model	*m = plain_model(p);
	struct proto_op		 op;
	char			*w = plain_word(&args), *cw, *vw, *mine;
	char			*list;
	uint64_t		 id;
	uint32_t		 max, n;
	int			 k;

	if (m->ncriteria == 0 || !m->eval_open) {
		plain_say(p, "%s", _("No evaluation is open."));
		return;
	}
	if ((id = plain_card_ref(p, w, true)) == 0)
		return;
	m = plain_model(p);
	n = model_card_number(m, id);
	cw = plain_word(&args);
	vw = plain_word(&args);
	max = model_score_max(m);
	if (cw == NULL) {
		mine = plain_deliver_my_scores(p, m, id);
		plain_say(p, _("Your scores of idea %u: %s."), n, mine);
		free(mine);
		return;
	}
	if ((k = plain_deliver_criterion(m, cw)) < 0 || vw == NULL ||
	    vw[0] < '0' || vw[0] > '9' || strtoul(vw, NULL, 10) > max ||
	    strspn(vw, "0123456789") != strlen(vw)) {
		list = plain_deliver_criteria(m);
		plain_say(p, _("Type score, the idea, a criterion (%s), then a "
		    "number from 0 to %u."), list, (unsigned)max);
		free(list);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_SCORE;
	op.card = id;
	op.criterion = (uint32_t)k;
	op.value = (uint32_t)strtoul(vw, NULL, 10);
	if (plain_submit(p, &op) != 0)
		return;
	mine = plain_deliver_my_scores(p, plain_model(p), id);
	plain_done(p, _("Idea %u, your scores: %s"), n, mine);
	free(mine);
}

/* feedback [SECTION:] TEXT: a card into the feedback of the team pitching. */
void
plain_deliver_cmd_feedback(struct plain *p, char *args)
{
	const struct model		*m = plain_model(p);
	const struct model_canvas	*cv;
	struct proto_op			 op;
	char				*colon, *head;
	uint64_t			 id;
	uint32_t			 i, s = 0;

	text_trim(args);
	if (m->pitch_table == 0) {
		plain_say(p, "%s", _("Nobody is pitching now."));
		return;
	}
	cv = plain_deliver_canvas(m, m->pitch_table);
	for (i = 0; cv != NULL && i < cv->nsections && s == 0; i++)
		if (cv->sections[i].kind == SECTION_FEEDBACK)
			s = i + 1;
	if (s == 0) {
		plain_say(p, _("Table %d has no feedback section."),
		    plain_table_no(m, m->pitch_table));
		return;
	}
	if ((colon = strchr(args, ':')) != NULL) {
		head = xstrndup(args, (size_t)(colon - args));
		text_trim(head);
		if ((i = plain_deliver_section_named(cv, head,
		    SECTION_FEEDBACK, false)) != 0) {
			s = i;
			args = colon + 1;
			text_trim(args);
		}
		free(head);
	}
	if (args[0] == '\0') {
		plain_say(p, "%s", _("Type feedback, then your words (start "
		    "with a section and a colon to choose it)."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = m->pitch_table;
	op.section = s;
	op.text = args;
	if (plain_submit(p, &op) != 0)
		return;
	m = plain_model(p);
	id = plain_last_predicted(p);
	plain_set_number(p, id, model_card_number(m, id));
	plain_done(p, _("Feedback for table %d, into \xe2\x80\x9c%s\xe2\x80\x9d"),
	    plain_table_no(m, op.table), cv->sections[s - 1].name);
}

/* actions: the actions with my name, soonest first, one line each. */
void
plain_deliver_cmd_actions(struct plain *p, char *args)
{
	const struct model	 *m = plain_model(p);
	const struct model_card	**v;
	size_t			  i, n;
	uint32_t		  me = p->net.replica.me;

	(void)args;
	n = model_actions_list(m, me, &v);
	if (n == 0)
		plain_say(p, "%s", _("No action has your name."));
	else
		plain_say(p, ngettext("You have %zu action:",
		    "You have %zu actions:", (unsigned long)n), n);
	for (i = 0; i < n; i++) {
		if (v[i]->due[0] != '\0')
			plain_say(p, _("Idea %u at table %d, due %s: %s"),
			    model_card_number(m, v[i]->id), plain_table_no(m,
			    v[i]->table), v[i]->due, plain_card_text(v[i]));
		else
			plain_say(p, _("Idea %u at table %d, no due day: %s"),
			    model_card_number(m, v[i]->id), plain_table_no(m,
			    v[i]->table), plain_card_text(v[i]));
	}
	free(v);
}

/* A table's canvas, section by section, each card one line. */
static void
plain_deliver_read(struct plain *p, uint64_t table)
{
	const struct model		*m = plain_model(p);
	const struct model_canvas	*cv = plain_deliver_canvas(m, table);
	const struct model_section	*s;
	size_t				 i;
	uint32_t			 k, n;
	char				*line;

	if (cv == NULL) {
		plain_say(p, _("Table %d has no canvas."), plain_table_no(m,
		    table));
		return;
	}
	plain_say(p, ngettext("Table %d, canvas \xe2\x80\x9c%s\xe2\x80\x9d, %u "
	    "section:", "Table %d, canvas \xe2\x80\x9c%s\xe2\x80\x9d, %u sections:",
	    (unsigned long)cv->nsections), plain_table_no(m, table), cv->name,
	    (unsigned)cv->nsections);
	for (k = 0; k < cv->nsections; k++) {
		s = &cv->sections[k];
		n = model_section_cards(m, table, k + 1);
		if (s->limit != 0)
			plain_say(p, _("Section %u, %s, %u of %u cards%s%s"),
			    k + 1, s->name, n, s->limit, s->hint[0] != '\0' ?
			    _(": ") : "", s->hint);
		else
			plain_say(p, ngettext("Section %u, %s, %u card%s%s",
			    "Section %u, %s, %u cards%s%s", (unsigned long)n),
			    k + 1, s->name, n, s->hint[0] != '\0' ? _(": ") :
			    "", s->hint);
		for (i = 0; i < m->ncards; i++) {
			if (m->cards[i].table != table ||
			    m->cards[i].deleted ||
			    m->cards[i].section != k + 1)
				continue;
			line = plain_card_line(p, m->cards[i].id);
			plain_say(p, "%s", line);
			free(line);
		}
	}
}

/* The canvas that s names: its number in the list, or its name; 0. */
static uint64_t
plain_deliver_canvas_named(struct plain *p, const char *s)
{
	const struct model	*m = plain_model(p);
	char			*a, *b;
	size_t			 i, hits = 0;
	uint32_t		 n;
	uint64_t		 hit = 0;

	if ((n = plain_number(s, (uint32_t)m->ncanvases)) != 0)
		return m->canvases[n - 1].id;
	a = plain_fold(s);
	for (i = 0; i < m->ncanvases && a[0] != '\0'; i++) {
		b = plain_fold(m->canvases[i].name);
		if (strcmp(a, b) == 0) {
			hit = m->canvases[i].id;
			hits = 1;
			free(b);
			break;
		}
		if (strncmp(a, b, strlen(a)) == 0) {
			hit = m->canvases[i].id;
			hits++;
		}
		free(b);
	}
	free(a);
	return hits == 1 ? hit : 0;
}

/* canvas list: the board's canvases, numbered, one line each. */
static void
plain_deliver_list(struct plain *p)
{
	const struct model	*m = plain_model(p);
	size_t			 i, j, users;
	char			*list;

	if (m->ncanvases == 0) {
		plain_say(p, "%s", _("This board has no canvas yet: canvas "
		    "add NAME: SECTION | SECTION adds one."));
		return;
	}
	for (i = 0; i < m->ncanvases; i++) {
		for (users = 0, j = 0; j < m->ntables; j++)
			users += m->tables[j].canvas == m->canvases[i].id;
		list = plain_deliver_sections(&m->canvases[i]);
		plain_say(p, ngettext("Canvas %zu, %s, at %zu table: %s",
		    "Canvas %zu, %s, at %zu tables: %s", (unsigned long)users),
		    i + 1, m->canvases[i].name, users, list);
		free(list);
	}
}

/* canvas use N|none [table M | all]: give a canvas to tables. */
static void
plain_deliver_use(struct plain *p, char *args)
{
	const struct model		*m = plain_model(p);
	const struct model_canvas	*cv;
	struct proto_op			 op;
	char				*w = plain_word(&args), *f, *tw;

	memset(&op, 0, sizeof op);
	op.kind = OP_CANVAS_USE;
	f = w != NULL ? plain_fold(w) : xstrdup("");
	if (w == NULL || (!plain_is(f, NC_("word", "none")) &&
	    (op.canvas = plain_deliver_canvas_named(p, w)) == 0)) {
		plain_say(p, "%s", _("Type canvas use, a canvas (its number in "
		    "canvas list) or none, then table N or all."));
		free(f);
		return;
	}
	free(f);
	if (op.canvas != 0 &&
	    replica_is_pending_id(&p->net.replica, op.canvas)) {
		plain_say(p, "%s", _("That canvas is not saved yet: wait until "
		    "it is sent."));
		return;
	}
	tw = plain_word(&args);
	f = tw != NULL ? plain_fold(tw) : xstrdup("");
	if (tw != NULL && plain_is(f, NC_("word", "table")))
		tw = plain_word(&args);
	if (tw != NULL && plain_is(f, NC_("word", "all")))
		op.table = 0;
	else if ((op.table = plain_table_arg(p, tw != NULL ? tw :
	    NULL)) == 0) {
		free(f);
		return;
	}
	free(f);
	if (plain_submit(p, &op) != 0)
		return;
	cv = model_canvas(m, op.canvas);
	if (cv == NULL && op.table == 0)
		plain_done(p, "%s", _("No table has a canvas now"));
	else if (cv == NULL)
		plain_done(p, _("Table %d has no canvas now"),
		    plain_table_no(m, op.table));
	else if (op.table == 0)
		plain_done(p, _("Every table fills in \xe2\x80\x9c%s\xe2\x80\x9d"),
		    cv->name);
	else
		plain_done(p, _("Table %d fills in \xe2\x80\x9c%s\xe2\x80\x9d"),
		    plain_table_no(m, op.table), cv->name);
}

/* canvas add NAME: SECTION | SECTION...: a new canvas, live. */
static void
plain_deliver_add(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*colon, err[256];

	text_trim(args);
	if ((colon = strchr(args, ':')) == NULL || colon == args) {
		plain_say(p, "%s", _("Type canvas add, its name, a colon, then "
		    "the sections separated by | (each may end with a "
		    "\"hint\", a most cards number and a kind: ideas, actions "
		    "or feedback)."));
		return;
	}
	*colon = '\0';
	text_trim(args);
	memset(&op, 0, sizeof op);
	op.kind = OP_CANVAS_ADD;
	op.text = args;
	if (boardfile_sections(colon + 1, &op.sections, &op.nsections, err,
	    sizeof err) != 0) {
		plain_say(p, _("The sections are not right: %s."), err);
		return;
	}
	if (plain_submit(p, &op) == 0)
		plain_done(p, ngettext("Canvas \xe2\x80\x9c%s\xe2\x80\x9d added, %u "
		    "section; canvas use gives it to tables",
		    "Canvas \xe2\x80\x9c%s\xe2\x80\x9d added, %u sections; canvas use "
		    "gives it to tables", (unsigned long)op.nsections), args,
		    (unsigned)op.nsections);
	boardfile_sections_free(op.sections, op.nsections);
}

/*
 * canvas [table N]: read a table's canvas; facilitators also: canvas
 * list, canvas use, canvas add.
 */
void
plain_deliver_cmd_canvas(struct plain *p, char *args)
{
	char		*rest = args, *w = plain_word(&rest), *f;
	uint64_t	 table;

	f = w != NULL ? plain_fold(w) : xstrdup("");
	if (plain_is_facilitator(p) && w != NULL &&
	    (plain_is(f, NC_("word", "list")) ||
	    plain_is(f, NC_("word", "use")) ||
	    plain_is(f, NC_("word", "add")))) {
		if (plain_is(f, NC_("word", "list")))
			plain_deliver_list(p);
		else if (plain_is(f, NC_("word", "use")))
			plain_deliver_use(p, rest);
		else
			plain_deliver_add(p, rest);
		free(f);
		return;
	}
	if (w != NULL && plain_is(f, NC_("word", "table")))
		w = plain_word(&rest);
	free(f);
	if (w == NULL)
		table = plain_current(p);
	else if ((table = plain_table_arg(p, w)) == 0)
		return;
	plain_deliver_read(p, table);
}

/* evaluation open | close: scoring by criteria starts, or ends. */
void
plain_deliver_cmd_evaluation(struct plain *p, char *args)
{
	const struct model	*m = plain_model(p);
	struct proto_op		 op;
	char			*w = plain_word(&args), *f, *list;
	bool			 open;

	f = w != NULL ? plain_fold(w) : xstrdup("");
	open = plain_is(f, NC_("word", "open"));
	if (!open && !plain_is(f, NC_("word", "close"))) {
		plain_say(p, "%s", _("Type evaluation open or evaluation "
		    "close."));
		free(f);
		return;
	}
	free(f);
	memset(&op, 0, sizeof op);
	if (open && m->ncriteria == 0 && !m->eval_open) {
		/* The seed's criteria, in the user's language. */
		op.kind = OP_CRITERIA;
		op.labels[0] = _("structuring");
		op.labels[1] = _("relevant");
		op.labels[2] = _("novel");
		op.nlabels = 3;
		if (plain_submit(p, &op) != 0)
			return;
		memset(&op, 0, sizeof op);
	}
	op.kind = open ? OP_EVAL_OPEN : OP_EVAL_CLOSE;
	if (plain_submit(p, &op) != 0)
		return;
	list = plain_deliver_criteria(plain_model(p));
	if (open)
		plain_done(p, _("Evaluation open on %s"), list);
	else
		plain_done(p, "%s", _("Evaluation closed: the totals are "
		    "public"));
	free(list);
}

/* criteria A, B, C: the criteria of the next evaluation. */
void
plain_deliver_cmd_criteria(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*save = NULL, *w, *list;

	memset(&op, 0, sizeof op);
	op.kind = OP_CRITERIA;
	for (w = strtok_r(args, ",", &save); w != NULL &&
	    op.nlabels < PROTO_CRITERIA_MAX; w = strtok_r(NULL, ",", &save)) {
		text_trim(w);
		if (w[0] != '\0')
			op.labels[op.nlabels++] = w;
	}
	if (op.nlabels == 0) {
		plain_say(p, _("Type criteria, then 1 to %d criteria separated "
		    "by commas."), PROTO_CRITERIA_MAX);
		return;
	}
	if (plain_submit(p, &op) != 0)
		return;
	list = plain_join(op.labels, op.nlabels);
	plain_done(p, _("Criteria: %s"), list);
	free(list);
}

/* pitch N [DURATION] | pitch none: a team presents, on its clock. */
void
plain_deliver_cmd_pitch(struct plain *p, char *args)
{
	const struct model	*m = plain_model(p);
	struct proto_op		 op;
	char			*w = plain_word(&args), *f, *d, label[64];
	int32_t			 secs = PLAIN_PITCH_SECS;

	memset(&op, 0, sizeof op);
	op.kind = OP_PITCH;
	op.text = (char *)"";
	f = w != NULL ? plain_fold(w) : xstrdup("");
	if (w != NULL && plain_is(f, NC_("word", "none"))) {
		free(f);
		if (plain_submit(p, &op) == 0)
			plain_done(p, "%s", _("The pitches are over"));
		return;
	}
	if (w != NULL && plain_is(f, NC_("word", "table")))
		w = plain_word(&args);
	free(f);
	if ((op.table = plain_table_arg(p, w)) == 0)
		return;
	if ((d = plain_word(&args)) != NULL &&
	    plain_duration_arg(p, d, false, &secs) != 0)
		return;
	op.seconds = secs;
	snprintf(label, sizeof label, _("Pitch: table %d"),
	    plain_table_no(m, op.table));
	op.text = label;
	if (plain_submit(p, &op) != 0)
		return;
	d = plain_duration((uint64_t)secs * 1000);
	plain_done(p, _("Table %d pitches for %s"), plain_table_no(m,
	    op.table), d);
	free(d);
}
