/*
 * model-deliver.c -- what a session leaves behind (ext, issue 15): canvases
 * whose sections tables fill in together, actions with an owner and a due
 * day, the evaluation of cards on named criteria, and pitches.  model.c and
 * model-check.c call in here from their one pipeline; the rules are in
 * cafeboard-protocol(5).
 *
 * Storage: canvases live in an array in id order (few: one per kind of
 * deliverable).  A card carries its section (an index into its table's
 * canvas, from 1), its owner and due day, and its totals per criterion as
 * this replica knows them.  Two private pair maps hold the evaluation:
 *   scores  (card, participant << 8 | criterion)  -> score + 1
 *   spent   (table, participant << 8 | criterion) -> dots spent there
 * A score event carries the author's previous score of that card (derived),
 * so that a replica that is not told who scored (a facilitator's) still
 * keeps true totals, as a vote's delta does for dots.  While the evaluation
 * is open, participants receive others' scores hidden ([18, seq, 0, 0, 15]);
 * eval.close publishes every total.
 *
 * Choice: a score is an absolute value per person, card and criterion (0 to
 * 3, or dots in eval_dots mode), so that changing one's mind is one op and
 * a replay is idempotent per person.  Choice: a card deleted or moved to
 * another table loses its scores (dots are given back), as it loses its
 * votes.  Choice: changing the criteria starts the evaluation afresh.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "model.h"
#include "model-impl.h"
#include "text.h"
#include "xmalloc.h"

/* The pair map key of (participant, criterion) in scores and spent. */
uint64_t
model_score_key(uint32_t p, uint32_t k)
{
	return (uint64_t)p << 8 | (k & 0xff);
}

/* Set *why and return code. */
static int
model_deliver_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

/* REJECT 5 unless s has min..max code points. */
static int
model_deliver_len(const char *s, size_t min, size_t max, const char *reason,
    const char **why)
{
	size_t	n = model_cps(s);

	if (n < min || n > max)
		return model_deliver_refuse(why, REJECT_LIMIT, reason);
	return 0;
}

/* True for the kinds this file checks and applies. */
bool
model_deliver_kind(uint8_t kind)
{
	switch (kind) {
	case OP_CARD_PLACE:
	case OP_ACTION:
	case OP_SCORE:
	case OP_CANVAS_ADD:
	case OP_CANVAS_USE:
	case OP_EVAL_OPEN:
	case OP_EVAL_CLOSE:
	case OP_PITCH:
	case OP_CRITERIA:
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- lookups */

/* The canvas with this id, NULL if none. */
struct model_canvas *
model_canvas(const struct model *m, uint64_t id)
{
	size_t	lo = 0, hi = m->ncanvases, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->canvases[mid].id == id)
			return &m->canvases[mid];
		if (m->canvases[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Section n (from 1) of table's canvas, NULL if none. */
const struct model_section *
model_section(const struct model *m, uint64_t table, uint32_t n)
{
	const struct model_table	*t = model_table(m, table);
	const struct model_canvas	*cv;

	if (t == NULL || n == 0 || (cv = model_canvas(m, t->canvas)) == NULL ||
	    n > cv->nsections)
		return NULL;
	return &cv->sections[n - 1];
}

/* Live cards of table in section n. */
uint32_t
model_section_cards(const struct model *m, uint64_t table, uint32_t n)
{
	uint32_t	count = 0;
	size_t		i;

	for (i = 0; i < m->ncards; i++) {
		if (!m->cards[i].deleted && m->cards[i].table == table &&
		    m->cards[i].section == n)
			count++;
	}
	return count;
}

/* The score p gave card c on criterion k; false if none. */
bool
model_score_of(const struct model *m, uint32_t p, uint64_t c, uint32_t k,
    uint32_t *value)
{
	uint64_t	v = pairmap_get(&m->priv->scores, c,
			    model_score_key(p, k));

	if (value != NULL)
		*value = v != 0 ? (uint32_t)(v - 1) : 0;
	return v != 0;
}

/* Dots p spent on criterion k on table t. */
uint32_t
model_score_spent(const struct model *m, uint32_t p, uint64_t t, uint32_t k)
{
	return (uint32_t)pairmap_get(&m->priv->spent, t, model_score_key(p, k));
}

/* The most a score may be. */
uint32_t
model_score_max(const struct model *m)
{
	return m->settings.eval_dots != 0 ? m->settings.eval_dots :
	    PROTO_SCALE_MAX;
}

/* A card's total over every criterion. */
uint64_t
model_score_sum(const struct model *m, const struct model_card *c)
{
	uint64_t	sum = 0;
	uint32_t	k;

	for (k = 0; k < m->ncriteria && k < PROTO_CRITERIA_MAX; k++)
		sum += c->score[k];
	return sum;
}

/* Lower case of a Latin letter (ASCII, Latin-1, Latin Extended-A). */
static uint32_t
model_fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17f && cp != 0x130 && cp != 0x131 &&
	    cp != 0x138 && cp != 0x149 && cp != 0x17f) {
		if ((cp >= 0x139 && cp <= 0x148) || cp >= 0x179)
			return cp % 2 == 1 ? cp + 1 : cp;
		return cp % 2 == 0 ? cp + 1 : cp;
	}
	return cp;
}

/* True when a and b are the same text but for case and outer spaces. */
static bool
model_same_name(const char *a, const char *b)
{
	size_t		la, lb, i = 0, j = 0, n;
	uint32_t	x, y;

	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la > 0 && a[la - 1] == ' ')
		la--;
	while (lb > 0 && b[lb - 1] == ' ')
		lb--;
	while (i < la && j < lb) {
		n = text_decode(a + i, la - i, &x);
		i += n;
		n = text_decode(b + j, lb - j, &y);
		j += n;
		if (model_fold_cp(x) != model_fold_cp(y))
			return false;
	}
	return i == la && j == lb;
}

/* True when card c is an action owned by participant p ("your actions"). */
bool
model_action_of(const struct model *m, const struct model_card *c,
    uint32_t p)
{
	const struct model_participant	*pp = model_participant(m, p);

	if (pp == NULL || c->deleted || c->owner == NULL ||
	    c->owner[0] == '\0')
		return false;
	return model_same_name(c->owner, pp->name);
}

/* Order score records by participant, card, criterion. */
static int
model_cmp_score(const void *a, const void *b)
{
	const struct model_score_rec	*x = a, *y = b;

	if (x->participant != y->participant)
		return x->participant < y->participant ? -1 : 1;
	if (x->card != y->card)
		return x->card < y->card ? -1 : 1;
	if (x->criterion != y->criterion)
		return x->criterion < y->criterion ? -1 : 1;
	return 0;
}

/* Scores by (participant, card, criterion), sorted; 0: everyone's. */
size_t
model_scores_list(const struct model *m, uint32_t participant,
    struct model_score_rec **out)
{
	const struct pairmap	*pm = &m->priv->scores;
	struct model_score_rec	*r;
	size_t			 i, n = 0;

	r = xreallocarray(NULL, pm->len + 1, sizeof *r);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		if (participant != 0 &&
		    pm->slots[i].b >> 8 != participant)
			continue;
		r[n].participant = (uint32_t)(pm->slots[i].b >> 8);
		r[n].card = pm->slots[i].a;
		r[n].criterion = (uint32_t)(pm->slots[i].b & 0xff);
		r[n].value = (uint32_t)(pm->slots[i].v - 1);
		n++;
	}
	qsort(r, n, sizeof *r, model_cmp_score);
	*out = r;
	return n;
}

/* ---------------------------------------------------------------- checks */

/* REJECT 7 when the board is closed, or locked for a participant. */
static int
model_deliver_frozen(const struct model *m, bool fac, const char **why)
{
	if (m->phase == PHASE_CLOSED)
		return model_deliver_refuse(why, REJECT_FROZEN,
		    "the board is closed");
	if (!fac && m->settings.locked)
		return model_deliver_refuse(why, REJECT_FROZEN,
		    "the board is locked");
	return 0;
}

/*
 * May p write a card on a table where they do not sit?  Only feedback, into
 * a feedback section of the team that is pitching.
 */
bool
model_deliver_guest(const struct model *m, const struct model_participant *p,
    const struct proto_op *op)
{
	const struct model_section	*s;

	if (p == NULL || op->kind != OP_CARD_ADD || op->table == 0 ||
	    m->pitch_table != op->table || op->parent != 0)
		return false;
	s = model_section(m, op->table, op->section);
	return s != NULL && s->kind == SECTION_FEEDBACK;
}

/* A section of table t may take one more card (c: the card, if placed). */
static int
model_deliver_room(const struct model *m, uint64_t t, uint32_t section,
    const char **why)
{
	const struct model_section	*s = model_section(m, t, section);

	if (s != NULL && s->limit != 0 &&
	    model_section_cards(m, t, section) >= s->limit)
		return model_deliver_refuse(why, REJECT_LIMIT,
		    "this section is full");
	return 0;
}

/*
 * Feedback sections: written by the other teams while this one pitches,
 * never by the team itself.  p NULL: the server.
 */
static int
model_deliver_feedback(const struct model *m,
    const struct model_participant *p, bool fac, uint64_t t,
    const struct model_section *s, const char **why)
{
	if (fac || s == NULL || s->kind != SECTION_FEEDBACK)
		return 0;
	if (p != NULL && p->table == t)
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "feedback is written by the other teams");
	if (m->pitch_table != t)
		return model_deliver_refuse(why, REJECT_PHASE,
		    "feedback is written while the team pitches");
	return 0;
}

/* card.add: the section exists, is not full, and feedback rules. */
int
model_deliver_check_add(const struct model *m,
    const struct model_participant *p, bool fac, const struct proto_op *op,
    const char **why)
{
	const struct model_section	*s = NULL;
	int				 code;

	if (op->section != 0 &&
	    (s = model_section(m, op->table, op->section)) == NULL)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such section");
	if ((code = model_deliver_feedback(m, p, fac, op->table, s,
	    why)) != 0)
		return code;
	if (s != NULL && (code = model_deliver_room(m, op->table, op->section,
	    why)) != 0)
		return code;
	return 0;
}

/* card.place: someone at its table (or a facilitator) moves it. */
static int
model_check_place(const struct model *m, const struct model_participant *p,
    bool fac, const struct proto_op *op, const char **why)
{
	const struct model_card		*c = model_card(m, op->card);
	const struct model_section	*s = NULL;
	int				 code;

	if (!fac && c != NULL && (p == NULL || p->table != c->table))
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "only the people at its table place a card");
	if ((code = model_deliver_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->phase != PHASE_IDEAS && m->phase != PHASE_GROUP)
		return model_deliver_refuse(why, REJECT_PHASE,
		    "cards change in the ideas and group phases");
	if (c == NULL || c->deleted)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such card");
	if (op->section != 0 &&
	    (s = model_section(m, c->table, op->section)) == NULL)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such section");
	if (!fac && s != NULL && s->kind == SECTION_FEEDBACK)
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "feedback is written by the other teams");
	if (op->section == c->section)
		return model_deliver_refuse(why, REJECT_BAD,
		    "the card is already there");
	return model_deliver_room(m, c->table, op->section, why);
}

/* action: its author, its table or a facilitator; a real day. */
static int
model_check_action(const struct model *m, uint32_t who,
    const struct model_participant *p, bool fac, const struct proto_op *op,
    const char **why)
{
	const struct model_card		*c = model_card(m, op->card);
	const struct model_section	*s;
	int				 code;

	if (!fac && c != NULL && c->author != who &&
	    (p == NULL || p->table != c->table))
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "only its table or a facilitator gives an action an "
		    "owner");
	if ((code = model_deliver_frozen(m, fac, why)) != 0)
		return code;
	if (c == NULL || c->deleted)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such card");
	s = model_section(m, c->table, c->section);
	if (!fac && (s == NULL || s->kind != SECTION_ACTIONS))
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "actions are written in a roadmap section");
	if ((code = model_deliver_len(op->owner, 0, PROTO_OWNER_MAX,
	    "an owner has at most 40 characters", why)) != 0)
		return code;
	if (op->due != NULL && op->due[0] != '\0' && !date_valid(op->due))
		return model_deliver_refuse(why, REJECT_BAD,
		    "a due date is written YYYY-MM-DD");
	return 0;
}

/* score: a person, an open evaluation, a live card, within the scale. */
static int
model_check_score(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c;
	uint32_t		 max = model_score_max(m), old = 0, spent;
	int			 code;

	if (who == 0)
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "only participants score");
	if ((code = model_deliver_frozen(m, fac, why)) != 0)
		return code;
	if (!m->eval_open)
		return model_deliver_refuse(why, REJECT_PHASE,
		    "no evaluation is open");
	if ((c = model_live_card(m, op->card)) == NULL)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such card");
	if (op->criterion >= m->ncriteria)
		return model_deliver_refuse(why, REJECT_NOT_FOUND,
		    "no such criterion");
	if (op->value > max)
		return model_deliver_refuse(why, REJECT_LIMIT,
		    m->settings.eval_dots != 0 ? "too many dots on one card" :
		    "a score is 0 to 3");
	if (m->settings.eval_dots != 0) {
		model_score_of(m, who, c->id, op->criterion, &old);
		spent = model_score_spent(m, who, c->table, op->criterion);
		if (op->value > old && spent - old + op->value > max)
			return model_deliver_refuse(why, REJECT_LIMIT,
			    "no dots left for this criterion");
	}
	if (!c->scored && m->priv->eval_cards >= PROTO_EVAL_CARDS_MAX)
		return model_deliver_refuse(why, REJECT_LIMIT,
		    "too many cards scored");
	return 0;
}

/* canvas.add: a name and 1 to 12 well-formed sections. */
static int
model_check_canvas(const struct proto_op *op, const char **why)
{
	const struct proto_section	*s;
	uint32_t			 i;
	int				 code;

	if ((code = model_deliver_len(op->text, 1, PROTO_CANVAS_NAME_MAX,
	    "a canvas name has 1 to 80 characters", why)) != 0)
		return code;
	if (op->nsections < 1 || op->nsections > PROTO_SECTIONS_MAX)
		return model_deliver_refuse(why, REJECT_LIMIT,
		    "a canvas has 1 to 12 sections");
	for (i = 0; i < op->nsections; i++) {
		s = &op->sections[i];
		if ((code = model_deliver_len(s->name, 1,
		    PROTO_CANVAS_NAME_MAX, "a section name has 1 to 80 "
		    "characters", why)) != 0 ||
		    (code = model_deliver_len(s->hint, 0, PROTO_HINT_MAX,
		    "a section hint has at most 200 characters", why)) != 0)
			return code;
		if (s->limit > PROTO_SECTION_CARDS_MAX)
			return model_deliver_refuse(why, REJECT_LIMIT,
			    "a section holds at most 99 cards");
		if (s->kind >= SECTION_KIND_COUNT)
			return model_deliver_refuse(why, REJECT_BAD,
			    "unknown section kind");
	}
	return 0;
}

/* criteria: 1 to 8 labels, while no evaluation is open. */
static int
model_check_criteria(const struct model *m, const struct proto_op *op,
    const char **why)
{
	uint32_t	i;
	int		code;

	if (m->eval_open)
		return model_deliver_refuse(why, REJECT_PHASE,
		    "close the evaluation first");
	if (op->nlabels < 1 || op->nlabels > PROTO_CRITERIA_MAX)
		return model_deliver_refuse(why, REJECT_LIMIT,
		    "an evaluation has 1 to 8 criteria");
	for (i = 0; i < op->nlabels; i++)
		if ((code = model_deliver_len(op->labels[i], 1,
		    PROTO_CRITERION_MAX, "a criterion has 1 to 40 characters",
		    why)) != 0)
			return code;
	return 0;
}

/*
 * model_check for the deliverables' kinds.  Order as model_check's: role
 * (2), frozen (7), phase (4), existence (3), limits (5), shape (1).
 */
int
model_deliver_check(const struct model *m, uint32_t who,
    const struct model_participant *p, bool fac, const struct proto_op *op,
    const char **why)
{
	int	code;

	switch (op->kind) {
	case OP_CARD_PLACE:
		return model_check_place(m, p, fac, op, why);
	case OP_ACTION:
		return model_check_action(m, who, p, fac, op, why);
	case OP_SCORE:
		return model_check_score(m, who, fac, op, why);
	}
	if (!fac)
		return model_deliver_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator may do this");
	switch (op->kind) {
	case OP_CANVAS_ADD:
		return model_check_canvas(op, why);
	case OP_CANVAS_USE:
		if (op->table != 0 && model_table(m, op->table) == NULL)
			return model_deliver_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		if (op->canvas != 0 && model_canvas(m, op->canvas) == NULL)
			return model_deliver_refuse(why, REJECT_NOT_FOUND,
			    "no such canvas");
		return 0;
	case OP_EVAL_OPEN:
		if ((code = model_deliver_frozen(m, true, why)) != 0)
			return code;
		if (m->ncriteria == 0)
			return model_deliver_refuse(why, REJECT_NOT_FOUND,
			    "no criteria: set them first");
		if (m->eval_open)
			return model_deliver_refuse(why, REJECT_BAD,
			    "the evaluation is already open");
		return 0;
	case OP_EVAL_CLOSE:
		if (!m->eval_open)
			return model_deliver_refuse(why, REJECT_BAD,
			    "no evaluation is open");
		return 0;
	case OP_PITCH:
		if (op->table != 0 && model_table(m, op->table) == NULL)
			return model_deliver_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		if ((code = model_deliver_len(op->text, 0, PROTO_LABEL_MAX,
		    "a timer label has at most 80 characters", why)) != 0)
			return code;
		if (op->seconds < 0 || op->seconds > PROTO_TIMER_MAX)
			return model_deliver_refuse(why, REJECT_BAD,
			    "a pitch runs 0 s to 24 h");
		return 0;
	case OP_CRITERIA:
		return model_check_criteria(m, op, why);
	}
	return 0;
}

/* ---------------------------------------------------------------- prepare */

/* eval.close: every total above zero, card by card, criterion by criterion. */
static struct proto_triple *
model_prepare_close(const struct model *m, struct proto_op *op)
{
	struct proto_triple	*t = NULL;
	const struct model_card	*c;
	size_t			 i, n = 0, cap = 0;
	uint32_t		 k;

	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (c->deleted)
			continue;
		for (k = 0; k < m->ncriteria; k++) {
			if (c->score[k] == 0)
				continue;
			if (n == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				t = xreallocarray(t, cap, sizeof *t);
			}
			t[n].a = c->id;
			t[n].b = k;
			t[n].c = c->score[k];
			n++;
		}
	}
	op->triples = t;
	op->ntriples = (uint32_t)n;
	return t;
}

/*
 * model_prepare for the deliverables' kinds, made by who: a score's
 * previous value, eval.close's totals, a pitch's clock.  Returns what it
 * allocated (the totals), or NULL.
 */
void *
model_deliver_prepare(const struct model *m, uint32_t who, struct proto_op *op,
    int64_t now)
{
	uint32_t	v = 0;

	switch (op->kind) {
	case OP_SCORE:
		model_score_of(m, who, op->card, op->criterion, &v);
		op->previous = v;
		return NULL;
	case OP_EVAL_CLOSE:
		return model_prepare_close(m, op);
	case OP_PITCH:
		if (op->seconds > 0) {
			op->remaining_ms = (uint64_t)op->seconds * 1000;
			op->running = true;
		} else {
			op->remaining_ms = model_timer_remaining(m, now);
			op->running = m->timer.running;
		}
		return NULL;
	}
	return NULL;
}

/* ---------------------------------------------------------------- apply */

/* canvas.add: a new canvas, id = seq (also a "canvas" record's). */
void
model_deliver_canvas(struct model *m, const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	struct model_canvas	*cv;
	uint32_t		 i;

	if (model_canvas(m, ev->seq) != NULL ||
	    (m->ncanvases > 0 && m->canvases[m->ncanvases - 1].id > ev->seq))
		return;
	m->canvases = xreallocarray(m->canvases, m->ncanvases + 1,
	    sizeof *m->canvases);
	cv = &m->canvases[m->ncanvases++];
	memset(cv, 0, sizeof *cv);
	cv->id = ev->seq;
	cv->name = xstrdup(model_str(op->text));
	cv->nsections = op->nsections;
	cv->sections = xcalloc(op->nsections + 1, sizeof *cv->sections);
	for (i = 0; i < op->nsections; i++) {
		cv->sections[i].name = xstrdup(model_str(op->sections[i].name));
		cv->sections[i].hint = xstrdup(model_str(op->sections[i].hint));
		cv->sections[i].limit = op->sections[i].limit;
		cv->sections[i].kind = op->sections[i].kind;
	}
}

/* A table's canvas changes: its cards leave their sections. */
static void
model_use_canvas(struct model *m, struct model_table *t, uint64_t canvas)
{
	size_t	i;

	if (t->canvas == canvas)
		return;
	t->canvas = canvas;
	for (i = 0; i < m->ncards; i++)
		if (m->cards[i].table == t->id)
			m->cards[i].section = 0;
}

/* score: totals by value - previous; one's own score when the origin is
 * known. */
static void
model_apply_score(struct model *m, const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	struct model_priv	*p = m->priv;
	struct model_card	*c;
	uint64_t		 key, old;
	int64_t			 d;

	if ((c = model_live_card(m, op->card)) == NULL ||
	    op->criterion >= PROTO_CRITERIA_MAX)
		return;
	d = (int64_t)op->value - (int64_t)op->previous;
	if (d < 0 && (uint64_t)-d > c->score[op->criterion])
		c->score[op->criterion] = 0;
	else
		c->score[op->criterion] = (uint32_t)((int64_t)
		    c->score[op->criterion] + d);
	if (!c->scored) {
		c->scored = true;
		p->eval_cards++;
	}
	if (ev->origin == 0)
		return;
	key = model_score_key(ev->origin, op->criterion);
	old = pairmap_get(&p->scores, c->id, key);
	pairmap_set(&p->scores, c->id, key, (uint64_t)op->value + 1);
	pairmap_add(&p->spent, c->table, key, (int64_t)op->value -
	    (int64_t)(old != 0 ? old - 1 : 0));
}

/* eval.close: the published totals replace what this replica knew. */
static void
model_apply_close(struct model *m, const struct proto_op *op)
{
	struct model_card	*c;
	size_t			 i;

	for (i = 0; i < m->ncards; i++)
		memset(m->cards[i].score, 0, sizeof m->cards[i].score);
	for (i = 0; i < op->ntriples; i++) {
		if (op->triples[i].b >= PROTO_CRITERIA_MAX ||
		    (c = model_card(m, op->triples[i].a)) == NULL)
			continue;
		c->score[op->triples[i].b] = (uint32_t)op->triples[i].c;
	}
	m->eval_open = false;
}

/* Forget every score: a new evaluation. */
static void
model_scores_clear(struct model *m)
{
	size_t	i;

	pairmap_free(&m->priv->scores);
	pairmap_free(&m->priv->spent);
	m->priv->eval_cards = 0;
	for (i = 0; i < m->ncards; i++) {
		memset(m->cards[i].score, 0, sizeof m->cards[i].score);
		m->cards[i].scored = false;
	}
}

/* criteria: new labels, and the evaluation starts afresh. */
static void
model_apply_criteria(struct model *m, const struct proto_op *op)
{
	uint32_t	i;

	for (i = 0; i < m->ncriteria; i++) {
		free(m->criteria[i]);
		m->criteria[i] = NULL;
	}
	m->ncriteria = 0;
	for (i = 0; i < op->nlabels && i < PROTO_CRITERIA_MAX; i++)
		m->criteria[m->ncriteria++] = xstrdup(model_str(op->labels[i]));
	model_scores_clear(m);
}

/* pitch: the team presenting, and the clock when it is given. */
static void
model_apply_pitch(struct model *m, const struct proto_op *op, int64_t time)
{
	if (op->table != 0 && model_table(m, op->table) == NULL)
		return;
	m->pitch_table = op->table;
	if (op->seconds <= 0)
		return;
	m->timer.ref_ms = time;
	m->timer.remaining_ms = op->remaining_ms;
	m->timer.running = op->running;
	m->timer.ended = false;
	model_set_str(&m->timer.label, op->text);
}

/* model_apply for the deliverables' kinds. */
void
model_deliver_apply(struct model *m, const struct proto_event *ev,
    int64_t time)
{
	const struct proto_op	*op = &ev->op;
	struct model_table	*t;
	struct model_card	*c;
	size_t			 i;

	switch (op->kind) {
	case OP_CARD_PLACE:
		if ((c = model_live_card(m, op->card)) != NULL)
			c->section = op->section;
		break;
	case OP_ACTION:
		if ((c = model_live_card(m, op->card)) != NULL) {
			model_set_str(&c->owner, op->owner);
			model_set_str(&c->due, op->due);
		}
		break;
	case OP_SCORE:
		model_apply_score(m, ev);
		break;
	case OP_CANVAS_ADD:
		model_deliver_canvas(m, ev);
		break;
	case OP_CANVAS_USE:
		if (op->canvas != 0 && model_canvas(m, op->canvas) == NULL)
			break;
		if (op->table == 0) {
			for (i = 0; i < m->ntables; i++)
				model_use_canvas(m, &m->tables[i], op->canvas);
		} else if ((t = model_table(m, op->table)) != NULL)
			model_use_canvas(m, t, op->canvas);
		break;
	case OP_EVAL_OPEN:
		m->eval_open = true;
		break;
	case OP_EVAL_CLOSE:
		model_apply_close(m, op);
		break;
	case OP_PITCH:
		model_apply_pitch(m, op, time);
		break;
	case OP_CRITERIA:
		model_apply_criteria(m, op);
		break;
	}
}

/* A card was just added: its section. */
void
model_deliver_added(struct model *m, struct model_card *c,
    const struct proto_op *op)
{
	(void)m;
	c->section = op->section;
}

/*
 * A card is about to be deleted or to change table: its scores go (dots
 * given back), and so does its section.
 */
void
model_deliver_unscore(struct model *m, struct model_card *c)
{
	struct model_priv	*p = m->priv;
	struct pairmap_slot	*hits;
	size_t			 i, n = 0;

	c->section = 0;
	memset(c->score, 0, sizeof c->score);
	if (!c->scored)
		return;
	c->scored = false;
	if (p->eval_cards > 0)
		p->eval_cards--;
	hits = xreallocarray(NULL, p->scores.len + 1, sizeof *hits);
	for (i = 0; i < p->scores.cap; i++)
		if (p->scores.slots[i].v != 0 && p->scores.slots[i].a == c->id)
			hits[n++] = p->scores.slots[i];
	for (i = 0; i < n; i++) {
		pairmap_add(&p->spent, c->table, hits[i].b,
		    -(int64_t)(hits[i].v - 1));
		pairmap_set(&p->scores, c->id, hits[i].b, 0);
	}
	free(hits);
}

/* ---------------------------------------------------------------- privacy */

/*
 * The variant for an audience other than the author: nobody but the author
 * learns who scored (facilitators get the card, criterion and value), and
 * participants get [18, seq, 0, 0, 15], while the evaluation is open and
 * in any replay after it (eval.close gives them the totals, and single
 * scores, even without their author, are nobody else's business).  On an
 * anonymous board, who placed a card or named an owner is hidden too.
 */
void
model_deliver_redact(const struct model *m, const struct proto_event *ev,
    enum model_audience audience, struct proto_event *out)
{
	if (audience == AUDIENCE_SELF)
		return;
	switch (ev->op.kind) {
	case OP_SCORE:
		out->origin = 0;
		out->op_id = 0;
		if (audience == AUDIENCE_PUBLIC) {
			memset(&out->op, 0, sizeof out->op);
			out->op.kind = OP_SCORE;
			out->op.hidden = true;
		}
		break;
	case OP_CARD_PLACE:
	case OP_ACTION:
		if (audience == AUDIENCE_PUBLIC && m->settings.anonymous) {
			out->origin = 0;
			out->op_id = 0;
		}
		break;
	}
}

/* ---------------------------------------------------------------- storage */

/* Release a canvas's strings. */
static void
model_canvas_release(struct model_canvas *cv)
{
	uint32_t	i;

	for (i = 0; i < cv->nsections; i++) {
		free(cv->sections[i].name);
		free(cv->sections[i].hint);
	}
	free(cv->sections);
	free(cv->name);
}

/* Free what the deliverables hold (cards' strings included). */
void
model_deliver_release(struct model *m)
{
	size_t	i;

	for (i = 0; i < m->ncards; i++) {
		model_free_str(m->cards[i].owner);
		model_free_str(m->cards[i].due);
	}
	for (i = 0; i < m->ncanvases; i++)
		model_canvas_release(&m->canvases[i]);
	free(m->canvases);
	m->canvases = NULL;
	m->ncanvases = 0;
	for (i = 0; i < m->ncriteria; i++)
		free(m->criteria[i]);
	memset(m->criteria, 0, sizeof m->criteria);
	m->ncriteria = 0;
	m->eval_open = false;
	m->pitch_table = 0;
	pairmap_free(&m->priv->scores);
	pairmap_free(&m->priv->spent);
	m->priv->eval_cards = 0;
}

/* Deep copies in dst (a shallow copy of src, cards copied). */
void
model_deliver_clone(struct model *dst, const struct model *src)
{
	const struct model_canvas	*s;
	struct model_canvas		*d;
	size_t				 i, j;

	for (i = 0; i < dst->ncards; i++) {
		dst->cards[i].owner = xstrdup(model_str(src->cards[i].owner));
		dst->cards[i].due = xstrdup(model_str(src->cards[i].due));
	}
	dst->canvases = xcalloc(src->ncanvases + 1, sizeof *dst->canvases);
	for (i = 0; i < src->ncanvases; i++) {
		s = &src->canvases[i];
		d = &dst->canvases[i];
		*d = *s;
		d->name = xstrdup(s->name);
		d->sections = xcalloc(s->nsections + 1, sizeof *d->sections);
		for (j = 0; j < s->nsections; j++) {
			d->sections[j] = s->sections[j];
			d->sections[j].name = xstrdup(s->sections[j].name);
			d->sections[j].hint = xstrdup(s->sections[j].hint);
		}
	}
	for (i = 0; i < src->ncriteria; i++)
		dst->criteria[i] = xstrdup(src->criteria[i]);
	pairmap_copy(&dst->priv->scores, &src->priv->scores);
	pairmap_copy(&dst->priv->spent, &src->priv->spent);
}

/* Recompute what the scores imply: dots spent, cards scored. */
void
model_deliver_rebuild(struct model *m)
{
	struct model_priv		*p = m->priv;
	const struct pairmap_slot	*s;
	struct model_card		*c;
	size_t				 i;

	pairmap_free(&p->spent);
	for (i = 0; i < p->scores.cap; i++) {
		s = &p->scores.slots[i];
		if (s->v == 0 || (c = model_card(m, s->a)) == NULL)
			continue;
		pairmap_add(&p->spent, c->table, s->b, (int64_t)(s->v - 1));
		c->scored = true;
	}
	p->eval_cards = 0;
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (model_score_sum(m, c) != 0)
			c->scored = true;
		if (c->scored)
			p->eval_cards++;
	}
}

/* The actions of participant me, soonest first (see model.h). */
size_t
model_actions_list(const struct model *m, uint32_t me,
    const struct model_card ***out)
{
	const struct model_card	*c, **v;
	size_t			 i, j, n = 0;

	v = xcalloc(m->ncards + 1, sizeof *v);
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (!model_action_of(m, c, me))
			continue;
		/* By due day, those without one last. */
		for (j = n; j > 0 && (v[j - 1]->due[0] == '\0' ?
		    c->due[0] != '\0' : c->due[0] != '\0' &&
		    strcmp(c->due, v[j - 1]->due) < 0); j--)
			v[j] = v[j - 1];
		v[j] = c;
		n++;
	}
	*out = v;
	return n;
}
