/*
 * model-check.c -- an op's way in: may it be made now (model_check), the
 * fields the server derives before sequencing it (model_prepare), and the
 * one pipeline every caller goes through (model_submit).
 *
 * The rules are those of model.c's header; every choice where the design
 * is silent says "Choice:" in a comment.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model-impl.h"
#include "rotation.h"
#include "text.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------- check */

/* Set *why and return code. */
static int
model_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

/* True for the op kinds this version knows. */
static bool
model_kind_known(uint8_t kind)
{
	return (kind >= OP_CARD_ADD && kind <= OP_READY) ||
	    kind == OP_CARD_MERGE ||
	    (kind >= OP_TABLE_ADD && kind <= OP_FOLLOW) ||
	    (kind >= OP_JOINED && kind <= OP_REVEAL) || model_day_kind(kind) ||
	    model_deliver_kind(kind);
}

/* Obviously malformed ops (REJECT 1 before anything else); 0 if sound. */
static int
model_check_shape(uint32_t who, const struct proto_op *op, const char **why)
{
	if (!model_kind_known(op->kind))
		return model_refuse(why, REJECT_BAD, "unknown op kind");
	if (OP_SERVER_MADE(op->kind) && who != 0)
		return model_refuse(why, REJECT_BAD, "server-made op kind");
	if (op->hidden)
		return model_refuse(why, REJECT_BAD, "hidden op");
	switch (op->kind) {
	case OP_VOTE:
		if (op->delta != 1 && op->delta != -1)
			return model_refuse(why, REJECT_BAD,
			    "vote delta must be +1 or -1");
		break;
	case OP_PHASE:
		if (op->phase >= PHASE_COUNT)
			return model_refuse(why, REJECT_BAD, "unknown phase");
		break;
	case OP_ROLE:
		if (op->role >= ROLE_COUNT)
			return model_refuse(why, REJECT_BAD, "unknown role");
		break;
	case OP_TIMER:
		if (op->action >= TIMER_ACTION_COUNT)
			return model_refuse(why, REJECT_BAD,
			    "unknown timer action");
		break;
	case OP_FOLLOW:
		if (op->view >= FOLLOW_VIEW_COUNT)
			return model_refuse(why, REJECT_BAD,
			    "unknown follow view");
		break;
	case OP_SETTINGS:
		if (op->settings.has == 0)
			return model_refuse(why, REJECT_BAD, "empty settings");
		break;
	}
	return 0;
}

/* REJECT 7 when card, cluster and vote ops are frozen for this author. */
static int
model_check_frozen(const struct model *m, bool fac, const char **why)
{
	if (m->phase == PHASE_CLOSED)
		return model_refuse(why, REJECT_FROZEN, "the board is closed");
	if (!fac && m->settings.locked)
		return model_refuse(why, REJECT_FROZEN, "the board is locked");
	return 0;
}

/*
 * REJECT 3 unless table exists and is not a group that has ended (its
 * cards stay for the report; nobody sits or writes there any more).
 */
static int
model_check_table(const struct model *m, uint64_t table, const char **why)
{
	const struct model_table	*t = model_table(m, table);

	if (t == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such table");
	if (t->dissolved)
		return model_refuse(why, REJECT_NOT_FOUND,
		    "this group has ended");
	return 0;
}

/* REJECT 5 unless text has min..max code points. */
static int
model_check_len(const char *s, size_t min, size_t max, const char *reason,
    const char **why)
{
	size_t	n = model_cps(s);

	if (n < min || n > max)
		return model_refuse(why, REJECT_LIMIT, reason);
	return 0;
}

/* card.add: seated author, open ideas phase, table, parent, text, room. */
static int
model_check_add(const struct model *m, const struct model_participant *p,
    bool fac, const struct proto_op *op, int64_t now, const char **why)
{
	const struct model_card	*parent = NULL;
	int			 code;

	/* ext: at a pitch, others write feedback on the team's table. */
	if (!fac && (op->table == 0 || p->table != op->table) &&
	    !model_deliver_guest(m, p, op))
		return model_refuse(why, REJECT_FORBIDDEN,
		    "not seated at this table");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->settings.freeze_at_zero && model_timer_zero(m, now))
		return model_refuse(why, REJECT_FROZEN,
		    "new cards wait for the next round");
	/* Choice: facilitators too (DECISIONS.md names no exemption here). */
	if (m->phase != PHASE_IDEAS)
		return model_refuse(why, REJECT_PHASE,
		    "cards are added in the ideas phase");
	if ((code = model_check_table(m, op->table, why)) != 0)
		return code;
	if (op->parent != 0 &&
	    (parent = model_live_card(m, op->parent)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if ((code = model_check_len(op->text, 1, PROTO_CARD_MAX,
	    "card text must be 1 to 500 characters", why)) != 0)
		return code;
	if (m->limits.max_cards != 0 && m->live_cards >= m->limits.max_cards)
		return model_refuse(why, REJECT_LIMIT, "the board is full");
	if (parent != NULL && parent->table != op->table)
		return model_refuse(why, REJECT_BAD,
		    "a reply stays on its card's table");
	return model_deliver_check_add(m, p, fac, op, why);
}

/* card.edit, card.delete, card.move: author or facilitator, live card. */
static int
model_check_own(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c = model_card(m, op->card);
	int			 code;

	/* An unknown card has no author to compare: it is "not found". */
	if (c != NULL && !fac && c->author != who)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only its author or a facilitator may change a card");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->phase != PHASE_IDEAS && m->phase != PHASE_GROUP)
		return model_refuse(why, REJECT_PHASE,
		    "cards change in the ideas and group phases");
	if (c == NULL || c->deleted)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	switch (op->kind) {
	case OP_CARD_EDIT:
		return model_check_len(op->text, 1, PROTO_CARD_MAX,
		    "card text must be 1 to 500 characters", why);
	case OP_CARD_MOVE:
		if ((code = model_check_table(m, op->table, why)) != 0)
			return code;
		if (op->table == c->table)
			return model_refuse(why, REJECT_BAD,
			    "the card is already there");
		break;
	}
	return 0;
}

/* card.group and cluster.title: group phase, live cards, one table. */
static int
model_check_cluster(const struct model *m, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c, *h = NULL;
	int			 code;

	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (m->phase != PHASE_GROUP)
		return model_refuse(why, REJECT_PHASE,
		    "cards are grouped in the group phase");
	if (op->kind == OP_CLUSTER_TITLE) {
		if (model_live_card(m, op->head) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		return model_check_len(op->text, 0, PROTO_CTITLE_MAX,
		    "a cluster title has at most 80 characters", why);
	}
	if ((c = model_live_card(m, op->card)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (op->head != 0 && (h = model_live_card(m, op->head)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (h != NULL && (h->id == c->id || h->table != c->table))
		return model_refuse(why, REJECT_BAD,
		    "a card groups under another card of its table");
	return 0;
}

/*
 * card.merge: anyone in the group phase, a facilitator in any phase but
 * closed; not while a blind vote is hidden (the dots that move would
 * tell); two live cards of one table.
 */
static int
model_check_merge(const struct model *m, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c, *d;
	int			 code;

	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (!fac && m->phase != PHASE_GROUP)
		return model_refuse(why, REJECT_PHASE,
		    "duplicates are merged in the group phase");
	if (m->settings.blind && !m->revealed)
		return model_refuse(why, REJECT_PHASE,
		    "cards merge once the blind vote is revealed");
	if ((c = model_live_card(m, op->card)) == NULL ||
	    (d = model_live_card(m, op->into)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (c == d || c->table != d->table)
		return model_refuse(why, REJECT_BAD,
		    "a card merges into another card of its table");
	return 0;
}

/* vote: a person, vote phase, live card, dots left. */
static int
model_check_vote(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	const struct model_card	*c;
	int			 code;

	if (who == 0)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only participants vote");
	if ((code = model_check_frozen(m, fac, why)) != 0)
		return code;
	if (m->phase != PHASE_VOTE)
		return model_refuse(why, REJECT_PHASE,
		    "votes are cast in the vote phase");
	if ((c = model_live_card(m, op->card)) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND, "no such card");
	if (op->delta > 0) {
		if (model_dots_used(m, who, c->table) >= m->settings.dots)
			return model_refuse(why, REJECT_LIMIT,
			    "no dots left for this question");
		if (!m->settings.multi_vote &&
		    model_votes_of(m, who, c->id) > 0)
			return model_refuse(why, REJECT_LIMIT,
			    "one dot per card");
	} else if (model_votes_of(m, who, c->id) == 0)
		return model_refuse(why, REJECT_LIMIT, "no dot to take back");
	return 0;
}

/* table.sit: self, or someone else by a facilitator; table 0 stands up. */
static int
model_check_sit(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	uint32_t	target = op->participant != 0 ? op->participant : who;
	int		code;

	if (target != who && !fac)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator seats someone else");
	if (!fac && m->settings.locked)
		return model_refuse(why, REJECT_FROZEN, "the board is locked");
	if (op->table != 0 &&
	    (code = model_check_table(m, op->table, why)) != 0)
		return code;
	if (target == 0 || model_participant(m, target) == NULL)
		return model_refuse(why, REJECT_NOT_FOUND,
		    "no such participant");
	return 0;
}

/* timer: the action's own preconditions (facilitator already checked). */
static int
model_check_timer(const struct model *m, const struct proto_op *op,
    const char **why)
{
	int64_t	s = op->seconds;
	int	code;

	switch (op->action) {
	case TIMER_START:
		if ((code = model_check_len(op->text, 0, PROTO_LABEL_MAX,
		    "a timer label has at most 80 characters", why)) != 0)
			return code;
		if (s < 1 || s > PROTO_TIMER_MAX)
			return model_refuse(why, REJECT_BAD,
			    "a timer runs 1 s to 24 h");
		break;
	case TIMER_PAUSE:
		if (!m->timer.running)
			return model_refuse(why, REJECT_BAD,
			    "the timer is not running");
		break;
	case TIMER_RESUME:
		if (m->timer.running || m->timer.remaining_ms == 0)
			return model_refuse(why, REJECT_BAD,
			    "no paused timer to resume");
		break;
	case TIMER_ADD:
		if (s == 0 || s > PROTO_TIMER_MAX || s < -PROTO_TIMER_MAX)
			return model_refuse(why, REJECT_BAD,
			    "add 1 s to 24 h, or remove as much");
		if (!m->timer.running && m->timer.remaining_ms == 0)
			return model_refuse(why, REJECT_BAD,
			    "no timer to change");
		break;
	}
	return 0;
}

/* True when the board has a table of a question (one to rotate to). */
static bool
model_has_question(const struct model *m)
{
	size_t	i;

	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind == TABLE_QUESTION)
			return true;
	}
	return false;
}

/* True when v is within min..max. */
static bool
model_in_range(uint64_t v, uint64_t min, uint64_t max)
{
	return v >= min && v <= max;
}

/* Whether each kind of setting is within min..max. */
#define MODEL_SETTING_OK_BOOL(v, min, max)	true
#define MODEL_SETTING_OK_NUM(v, min, max)	model_in_range((v), (min), (max))
#define MODEL_SETTING_OK_TEXT(v, min, max) \
	model_in_range(model_cps(v), (min), (max))

/* settings: each present key within its limits. */
static int
model_check_settings(const struct proto_settings *s, const char **why)
{
#define MODEL_CHECK_SETTING(member, key, bit, type, min, max, def, json, \
    reason) \
	if ((s->has & bit) && !MODEL_SETTING_OK_##type(s->member, min, max)) \
		return model_refuse(why, REJECT_LIMIT, reason);
	PROTO_SETTINGS(MODEL_CHECK_SETTING)
#undef MODEL_CHECK_SETTING
	return 0;
}

/* Server-made kinds, when the server checks its own (who == 0). */
static int
model_check_server(const struct model *m, const struct proto_op *op,
    const char **why)
{
	enum text_name_status	st;

	switch (op->kind) {
	case OP_JOINED:
		if (op->participant == 0 ||
		    model_participant(m, op->participant) != NULL)
			return model_refuse(why, REJECT_BAD,
			    "participant id taken");
		if (m->limits.max_participants != 0 &&
		    m->nparticipants >= m->limits.max_participants)
			return model_refuse(why, REJECT_LIMIT,
			    "the board is full");
		if (model_participant_by_name(m, model_str(op->text)) != NULL)
			return model_refuse(why, REJECT_BAD, "name taken");
		if (model_check_len(op->text, PROTO_NAME_MIN, PROTO_NAME_MAX,
		    "a name has 1 to 32 characters", why) != 0)
			return REJECT_LIMIT;
		st = text_name_check(model_str(op->text),
		    strlen(model_str(op->text)));
		if (st != TEXT_NAME_OK)
			return model_refuse(why, REJECT_BAD,
			    text_name_reason(st));
		break;
	case OP_REVEAL:
		if (model_live_card(m, op->card) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		break;
	}
	return 0;
}

/*
 * May participant who (0: the server itself) make this op now?  Returns 0, or
 * the REJECT code with *why set to a static English reason.
 *
 * Order: malformed (1), who/role (2), frozen (7), phase (4), existence (3),
 * limits (5), shape (1).  The server (who 0) has a facilitator's powers but
 * casts no vote and has no seat or ready flag of its own.
 */
int
model_check(const struct model *m, uint32_t who, const struct proto_op *op,
    int64_t now, const char **why)
{
	const struct model_participant	*p = NULL;
	const char			*dummy;
	bool				 fac;
	int				 code;

	if (why == NULL)
		why = &dummy;
	if ((code = model_check_shape(who, op, why)) != 0)
		return code;
	if (who != 0 && (p = model_participant(m, who)) == NULL)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "unknown participant");
	fac = p == NULL || p->role == ROLE_FACILITATOR;

	if (OP_SERVER_MADE(op->kind))
		return model_check_server(m, op, why);
	if (model_day_kind(op->kind))
		return model_day_check(m, who, p, fac, op, now, why);
	switch (op->kind) {
	case OP_CARD_ADD:
		return model_check_add(m, p, fac, op, now, why);
	case OP_CARD_EDIT:
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
		return model_check_own(m, who, fac, op, why);
	case OP_CARD_GROUP:
	case OP_CLUSTER_TITLE:
		return model_check_cluster(m, fac, op, why);
	case OP_CARD_MERGE:
		return model_check_merge(m, fac, op, why);
	case OP_VOTE:
		return model_check_vote(m, who, fac, op, why);
	case OP_TABLE_SIT:
		return model_check_sit(m, who, fac, op, why);
	case OP_READY:
		if (who == 0)
			return model_refuse(why, REJECT_FORBIDDEN,
			    "only participants are ready");
		return 0;
	}
	if (model_deliver_kind(op->kind))
		return model_deliver_check(m, who, p, fac, op, why);

	/* Everything below is the facilitator's. */
	if (!fac)
		return model_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator may do this");
	switch (op->kind) {
	case OP_TABLE_ADD:
		if ((code = model_check_len(op->text, 1, PROTO_QUESTION_MAX,
		    "a question has 1 to 300 characters", why)) != 0)
			return code;
		if (op->theme != NULL && (code = model_check_len(op->theme, 0,
		    PROTO_THEME_MAX, "a theme has at most 80 characters",
		    why)) != 0)
			return code;
		if (m->limits.max_tables != 0 &&
		    m->ntables >= m->limits.max_tables)
			return model_refuse(why, REJECT_LIMIT,
			    "no more tables");
		return 0;
	case OP_TABLE_EDIT:
		if (model_table(m, op->table) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		if (op->theme != NULL && (code = model_check_len(op->theme, 0,
		    PROTO_THEME_MAX, "a theme has at most 80 characters",
		    why)) != 0)
			return code;
		return model_check_len(op->text, 1, PROTO_QUESTION_MAX,
		    "a question has 1 to 300 characters", why);
	case OP_TIMER:
		return model_check_timer(m, op, why);
	case OP_BANNER:
		return model_check_len(op->text, 0, PROTO_BANNER_MAX,
		    "a banner has at most 200 characters", why);
	case OP_ROTATE:
		if (!model_has_question(m))
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no table to rotate to");
		return 0;
	case OP_KEEP:
		if (m->phase == PHASE_CLOSED)
			return model_refuse(why, REJECT_FROZEN,
			    "the board is closed");
		if (model_live_card(m, op->card) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such card");
		return 0;
	case OP_SETTINGS:
		/* ext: the scale of an open evaluation stays as it is. */
		if ((op->settings.has & SET_EVAL_DOTS) && m->eval_open &&
		    op->settings.eval_dots != m->settings.eval_dots)
			return model_refuse(why, REJECT_PHASE,
			    "close the evaluation first");
		return model_check_settings(&op->settings, why);
	case OP_ROLE:
		if (model_participant(m, op->participant) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such participant");
		return 0;
	case OP_FOLLOW:
		if (op->view == FOLLOW_TABLE &&
		    model_table(m, op->table) == NULL)
			return model_refuse(why, REJECT_NOT_FOUND,
			    "no such table");
		/* Choice: a table with another view is malformed. */
		if (op->view != FOLLOW_TABLE && op->table != 0)
			return model_refuse(why, REJECT_BAD,
			    "only the table view names a table");
		return 0;
	}
	return 0;			/* phase: nothing more to check */
}

/* ---------------------------------------------------------------- prepare */

/* The encounter callback rotation_compute reads. */
static uint32_t
model_met_cb(uint32_t a, uint32_t b, void *arg)
{
	return model_met(arg, a, b);
}

/*
 * A rotation's seating from the current seating and history (who met
 * whom, and the tables each sat at in the rounds before this one), over
 * the tables of the questions: a group's table is no table to rotate to,
 * and whoever sits at one may go anywhere.
 */
void
model_rotation(const struct model *m, struct proto_pair **pairs,
    uint32_t *npairs)
{
	const struct model_participant	*p;
	struct rotation_person		*people;
	struct rotation_in		 in;
	struct proto_pair		*out = NULL;
	uint64_t			*tables, *sat;
	size_t				 i, t, n = 0, ns = 0, nt = 0;

	tables = xreallocarray(NULL, m->ntables + 1, sizeof *tables);
	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind == TABLE_QUESTION)
			tables[nt++] = m->tables[i].id;
	}
	people = xreallocarray(NULL, m->nparticipants + 1, sizeof *people);
	/* Each person's earlier tables, among today's: n x k at most. */
	sat = xreallocarray(NULL, m->nparticipants * m->ntables + 1,
	    sizeof *sat);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table == 0 || p->role == ROLE_FACILITATOR ||
		    model_table(m, p->table) == NULL)
			continue;
		people[n].id = p->id;
		people[n].table = p->table;
		people[n].host = p->role == ROLE_HOST;
		people[n].sat = &sat[ns];
		people[n].nsat = 0;
		for (t = 0; t < nt; t++) {
			if (model_visits(m, p->id, tables[t]) > 0) {
				sat[ns++] = tables[t];
				people[n].nsat++;
			}
		}
		n++;
	}
	memset(&in, 0, sizeof in);
	in.tables = tables;
	in.ntables = nt;
	in.people = people;
	in.npeople = n;
	in.met = model_met_cb;
	in.met_arg = (void *)m;
	*pairs = NULL;
	*npairs = 0;
	if (nt > 0 && rotation_compute(&in, &out) == 0) {
		*pairs = out;
		*npairs = (uint32_t)n;
	} else
		free(out);
	free(people);
	free(sat);
	free(tables);
}

/*
 * After model_check: fill in the fields the server derives (timer
 * remaining_ms and running; a rotate's pairs, from rotation_compute over
 * the seating and the encounters so far; the dots a merge moves; the
 * day's, model_day_prepare).  What it allocates goes in owned, for
 * model_owned_free.
 */
static void
model_prepare(const struct model *m, uint32_t who, struct proto_op *op,
    int64_t now, struct model_owned *owned)
{
	uint64_t	rem;
	int64_t		v;

	switch (op->kind) {
	case OP_TIMER:
		rem = model_timer_remaining(m, now);
		switch (op->action) {
		case TIMER_START:
			op->remaining_ms = (uint64_t)op->seconds * 1000;
			op->running = true;
			break;
		case TIMER_PAUSE:
			op->remaining_ms = rem;
			op->running = false;
			break;
		case TIMER_RESUME:
			op->remaining_ms = m->timer.remaining_ms;
			op->running = true;
			break;
		case TIMER_ADD:
			v = (int64_t)rem + (int64_t)op->seconds * 1000;
			op->remaining_ms = v < 0 ? 0 : (uint64_t)v;
			op->running = m->timer.running;
			break;
		default:
			op->remaining_ms = 0;
			op->running = false;
			break;
		}
		return;
	case OP_ROTATE:
		model_rotation(m, &op->pairs, &op->npairs);
		owned->pairs = op->pairs;
		return;
	case OP_CARD_MERGE:
		op->votes = model_merge_votes(m, op->card, op->into);
		return;
	}
	if (model_day_kind(op->kind))
		model_day_prepare(m, who, op, now, owned);
	if (model_deliver_kind(op->kind))
		owned->deliver = model_deliver_prepare(m, who, op, now);
}

/* Free what a derivation allocated. */
static void
model_owned_free(struct model_owned *owned)
{
	uint32_t	i;

	free(owned->pairs);
	free(owned->merges);
	for (i = 0; i < owned->ncounts; i++)
		free(owned->counts[i].text);
	free(owned->counts);
	free(owned->prev);
	free(owned->deliver);
	memset(owned, 0, sizeof *owned);
}

/* ---------------------------------------------------------------- submit */

/*
 * Check, derive, sequence, commit, apply, then the followups: see model.h.
 * The event borrows op's strings; what the derivation allocates (a
 * rotate's pairs, a regroup's, a poll's results) is this function's own
 * until the event has been committed, applied and seen.
 */
int
model_submit(struct model *m, uint32_t who, const uint8_t *client,
    uint32_t op_id, const struct proto_op *op, int64_t now,
    const struct model_sink *sink, const char **why)
{
	struct proto_event	 ev;
	struct model_owned	 derived;
	struct proto_op		*more = NULL;
	const char		*dummy, *lost;
	size_t			 n, i;
	int			 code;

	if (why == NULL)
		why = &dummy;
	if ((code = model_check(m, who, op, now, why)) != 0)
		return code;
	memset(&ev, 0, sizeof ev);
	ev.seq = m->head + 1;
	ev.origin = who;
	ev.op_id = op_id;
	ev.op = *op;
	/* An event of table.sit or label always names its participant. */
	if ((ev.op.kind == OP_TABLE_SIT || ev.op.kind == OP_LABEL) &&
	    ev.op.participant == 0)
		ev.op.participant = who;
	memset(&derived, 0, sizeof derived);
	model_prepare(m, who, &ev.op, now, &derived);
	if (sink != NULL && sink->commit != NULL &&
	    (code = sink->commit(sink->arg, &ev, now, client, why)) != 0) {
		model_owned_free(&derived);
		return code;
	}
	if (model_apply(m, &ev, now, client) != 0)
		fatalx("model: seq %llu does not follow head %llu",
		    (unsigned long long)ev.seq, (unsigned long long)m->head);
	if (sink != NULL && sink->applied != NULL)
		sink->applied(sink->arg, m, &ev);
	n = model_followups(m, &ev, &more);
	model_owned_free(&derived);
	for (i = 0; i < n; i++) {
		model_submit(m, 0, NULL, 0, &more[i], now, sink, &lost);
		proto_op_free(&more[i]);
	}
	free(more);
	return 0;
}
