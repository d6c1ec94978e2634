/*
 * model-steps.c -- the day: the run sheet, the groups other than rotating
 * tables, and the dispatch of the day's kinds (polls and reactions are in
 * model-poll.c).
 *
 * The run sheet is part of the board: agenda sets one step (or appends
 * it), agenda.cut removes the steps from one on, and a board file's steps
 * reach the board through the same ops, so that cafeboard-server create
 * and a facilitator building the sheet live make the same log.  step
 * applies one step whole: its event carries the step as it ran (phase,
 * banner, clock, follow, action) and what the server derived for its
 * action (a rotation's or a regroup's seating), and model_apply folds all
 * of it at once, so every client sees the whole step arrive together.  A
 * step records the moment it first started and the moment it last ended
 * (the event times).  Choice: a step without a clock stops the clock, and
 * every step clears the ready flags ("I am done with this step").
 *
 * Groups.  regroup (and a step's pairs, teams, labels or merge) seats the
 * people who sit somewhere, facilitators apart (hosts too with the setting
 * hosts_stay), at tables of their own: a group's table has the id
 * PROTO_GROUP_ID(seq, k), k from 1, which no seq reaches, so every replica
 * makes the same tables from the seating alone.
 *   pairs   groups of size (2 by default; an odd person makes a trio), who
 *           met least so far, then of different labels (grouping.c)
 *   teams   formed once, balanced, of size teams (4 by default); later
 *           ones seat everyone back at their team, newcomers at the
 *           smallest
 *   labels  one table per label someone holds, kept from one time to the
 *           next; people without a label go to the smallest
 *   merge   the groups' tables join size at a time (2 by default, 0 all):
 *           the cards and the people of each go to the first of its lot
 * A seating that moves people counts who sat together as having met, as a
 * rotation does.  The groups that nobody sits at after a regroup (all of
 * them after a rotation) have ended: their cards stay for the report, and
 * nobody sits or writes there any more, until a later regroup seats people
 * back at a team's or a label's table.
 */
#include <stdlib.h>
#include <string.h>

#include "grouping.h"
#include "model.h"
#include "model-impl.h"
#include "xmalloc.h"

#define MODEL_GROUP_TABLES_MAX	4096	/* tables regroups make on a board */
#define MODEL_TEAMS_DEFAULT	4

/* Set *why and return code. */
static int
model_steps_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

/* True for the day's kinds: 10, 11, 42 to 49. */
bool
model_day_kind(uint8_t kind)
{
	switch (kind) {
	case OP_REACT:
	case OP_POLL_ANSWER:
	case OP_STEP:
	case OP_POLL_OPEN:
	case OP_POLL_CLOSE:
	case OP_REGROUP:
	case OP_AGENDA:
	case OP_AGENDA_CUT:
	case OP_LABELS:
	case OP_LABEL:
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------- lookups */

/* The current step, NULL when none. */
const struct model_step *
model_current_step(const struct model *m)
{
	if (m->step == 0 || m->step > m->nsteps)
		return NULL;
	return &m->steps[m->step - 1];
}

/* The label name of participant p, NULL when none. */
const char *
model_label_of(const struct model *m, const struct model_participant *p)
{
	if (p == NULL || p->label == 0 || p->label > m->nlabels)
		return NULL;
	return m->labels[p->label - 1];
}

/* Tables a regroup made on this board so far. */
static size_t
model_group_tables(const struct model *m)
{
	size_t	i, n = 0;

	for (i = 0; i < m->ntables; i++)
		n += m->tables[i].kind != TABLE_QUESTION;
	return n;
}

/* True when team tables have been formed. */
static bool
model_teams_formed(const struct model *m)
{
	size_t	i;

	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind == TABLE_TEAM)
			return true;
	}
	return false;
}

/* The table of label l made by an earlier regroup, NULL if none. */
static const struct model_table *
model_label_table(const struct model *m, uint32_t l)
{
	size_t	i;

	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind == TABLE_LABEL &&
		    m->tables[i].number == l)
			return &m->tables[i];
	}
	return NULL;
}

/*
 * The people a regroup seats, in id order: seated somewhere, facilitators
 * apart, hosts apart when they stay.  A malloc'd array of pointers.
 */
static size_t
model_group_people(const struct model *m,
    const struct model_participant ***out)
{
	const struct model_participant	**v, *p;
	size_t				  i, n = 0;

	v = xreallocarray(NULL, m->nparticipants + 1, sizeof *v);
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->table == 0 || p->role == ROLE_FACILITATOR ||
		    model_table(m, p->table) == NULL)
			continue;
		if (p->role == ROLE_HOST && m->settings.hosts_stay)
			continue;
		v[n++] = p;
	}
	*out = v;
	return n;
}

/* The groups' tables that are in use, in board order (malloc'd ids). */
static size_t
model_active_groups(const struct model *m, uint64_t **out)
{
	uint64_t	*v;
	size_t		 i, n = 0;

	v = xreallocarray(NULL, m->ntables + 1, sizeof *v);
	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind != TABLE_QUESTION &&
		    !m->tables[i].dissolved)
			v[n++] = m->tables[i].id;
	}
	*out = v;
	return n;
}

/* ---------------------------------------------------------------- plans */

/* A regroup's seating and merges, as the server derives them. */
struct model_plan {
	struct proto_pair	*seat;		/* [participant, table] */
	uint32_t		 nseat;
	struct proto_pair	*merges;	/* [from, into] */
	uint32_t		 nmerges;
};

/*
 * The encounter callback grouping_compute reads: earlier sittings, plus
 * one when the two sit together now (this sitting ends with the regroup
 * and counts then, as a rotation's round does).
 */
static uint32_t
model_steps_met(uint32_t a, uint32_t b, void *arg)
{
	const struct model		*m = arg;
	const struct model_participant	*pa, *pb;
	uint32_t			 n = model_met(m, a, b);

	pa = model_participant(m, a);
	pb = model_participant(m, b);
	if (pa != NULL && pb != NULL && pa->table != 0 &&
	    pa->table == pb->table)
		n++;
	return n;
}

/* Pairs (or teams being formed): groups of these sizes, who met least. */
static void
model_plan_partition(const struct model *m,
    const struct model_participant **v, size_t n, const uint32_t *sizes,
    size_t k, uint64_t seq, struct model_plan *pl)
{
	struct grouping_person	*people;
	struct grouping_in	 in;
	uint32_t		*group;
	size_t			 i;

	people = xreallocarray(NULL, n + 1, sizeof *people);
	group = xreallocarray(NULL, n + 1, sizeof *group);
	for (i = 0; i < n; i++) {
		people[i].id = v[i]->id;
		people[i].label = v[i]->label;
	}
	memset(&in, 0, sizeof in);
	in.people = people;
	in.n = n;
	in.sizes = sizes;
	in.ngroups = k;
	in.met = model_steps_met;
	in.met_arg = (void *)m;
	if (grouping_compute(&in, group) != 0)
		fatalx("model: group sizes do not add up");
	pl->seat = xreallocarray(NULL, n + 1, sizeof *pl->seat);
	for (i = 0; i < n; i++) {
		pl->seat[i].a = v[i]->id;
		pl->seat[i].b = PROTO_GROUP_ID(seq, group[i] + 1);
	}
	pl->nseat = (uint32_t)n;
	free(group);
	free(people);
}

/* Teams already formed: everyone back at theirs, newcomers at the least. */
static void
model_plan_teams_kept(const struct model *m,
    const struct model_participant **v, size_t n, struct model_plan *pl)
{
	const struct model_table	*t;
	uint64_t			*teams;
	uint32_t			*count;
	size_t				 i, j, nt = 0, best;

	teams = xreallocarray(NULL, m->ntables + 1, sizeof *teams);
	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].kind == TABLE_TEAM)
			teams[nt++] = m->tables[i].id;
	}
	count = xcalloc(nt + 1, sizeof *count);
	pl->seat = xreallocarray(NULL, n + 1, sizeof *pl->seat);
	for (i = 0; i < n; i++) {
		pl->seat[i].a = v[i]->id;
		pl->seat[i].b = 0;
		t = model_table(m, v[i]->team);
		if (t == NULL || t->kind != TABLE_TEAM)
			continue;
		pl->seat[i].b = t->id;
		for (j = 0; j < nt; j++)
			if (teams[j] == t->id)
				count[j]++;
	}
	for (i = 0; i < n; i++) {
		if (pl->seat[i].b != 0)
			continue;
		for (best = 0, j = 1; j < nt; j++)
			if (count[j] < count[best])
				best = j;
		pl->seat[i].b = teams[best];
		count[best]++;
	}
	pl->nseat = (uint32_t)n;
	free(count);
	free(teams);
}

/* One table per label someone holds; the others join the least crowded. */
static void
model_plan_labels(const struct model *m,
    const struct model_participant **v, size_t n, uint64_t seq,
    struct model_plan *pl)
{
	const struct model_table	*t;
	uint32_t			*count, l, best;
	size_t				 i;

	count = xcalloc(m->nlabels + 1, sizeof *count);
	for (i = 0; i < n; i++)
		if (v[i]->label != 0 && v[i]->label <= m->nlabels)
			count[v[i]->label]++;
	pl->seat = xreallocarray(NULL, n + 1, sizeof *pl->seat);
	for (i = 0; i < n; i++) {
		l = v[i]->label;
		if (l == 0 || l > m->nlabels) {
			for (best = 0, l = 1; l <= m->nlabels; l++)
				if (count[l] > 0 && (best == 0 ||
				    count[l] < count[best]))
					best = l;
			if (best == 0)
				continue;	/* nobody has a label */
			count[best]++;
			l = best;
		}
		t = model_label_table(m, l);
		pl->seat[pl->nseat].a = v[i]->id;
		pl->seat[pl->nseat].b = t != NULL ? t->id :
		    PROTO_GROUP_ID(seq, l);
		pl->nseat++;
	}
	free(count);
}

/* The groups' tables join size at a time, into the first of each lot. */
static void
model_plan_merge(const struct model *m, uint32_t size, struct model_plan *pl)
{
	const struct model_participant	*p;
	uint64_t			*act, into = 0;
	size_t				 na, i, k;

	na = model_active_groups(m, &act);
	if (size == 0)
		size = (uint32_t)na;
	pl->merges = xreallocarray(NULL, na + 1, sizeof *pl->merges);
	pl->seat = xreallocarray(NULL, m->nparticipants + 1,
	    sizeof *pl->seat);
	for (i = 0; na >= 2 && i < na; i++) {
		if (i % size == 0) {
			into = act[i];
			continue;
		}
		pl->merges[pl->nmerges].a = act[i];
		pl->merges[pl->nmerges].b = into;
		pl->nmerges++;
		for (k = 0; k < m->nparticipants; k++) {
			p = &m->participants[k];
			if (p->table != act[i] || p->role == ROLE_FACILITATOR)
				continue;
			pl->seat[pl->nseat].a = p->id;
			pl->seat[pl->nseat].b = into;
			pl->nseat++;
		}
	}
	free(act);
}

/* What a regroup of this mode and size makes of the board now. */
static void
model_plan(const struct model *m, uint8_t mode, uint32_t size, uint64_t seq,
    struct model_plan *pl)
{
	const struct model_participant	**v;
	uint32_t			 *sizes = NULL;
	size_t				  n, k;

	memset(pl, 0, sizeof *pl);
	n = model_group_people(m, &v);
	switch (mode) {
	case GROUP_PAIRS:
		k = grouping_sizes(n, size != 0 ? size : 2, &sizes);
		model_plan_partition(m, v, n, sizes, k, seq, pl);
		break;
	case GROUP_TEAMS:
		if (model_teams_formed(m)) {
			model_plan_teams_kept(m, v, n, pl);
			break;
		}
		k = grouping_teams(n, size != 0 ? size : MODEL_TEAMS_DEFAULT,
		    &sizes);
		model_plan_partition(m, v, n, sizes, k, seq, pl);
		break;
	case GROUP_LABELS:
		model_plan_labels(m, v, n, seq, pl);
		break;
	case GROUP_MERGE:
		model_plan_merge(m, size, pl);
		break;
	}
	free(sizes);
	free(v);
}

/*
 * How many tables a regroup would make now, and whether it has something
 * to do at all (*empty), without computing the groups.
 */
static size_t
model_plan_count(const struct model *m, uint8_t mode, uint32_t size,
    bool *empty)
{
	const struct model_participant	**v;
	uint64_t			 *act;
	uint32_t			 *seen;
	size_t				  n, k = 0, i, labelled = 0;

	n = model_group_people(m, &v);
	*empty = n == 0;
	switch (mode) {
	case GROUP_PAIRS:
		if (size == 0)
			size = 2;
		k = n == 0 ? 0 : n < size ? 1 : n / size;
		break;
	case GROUP_TEAMS:
		if (!model_teams_formed(m))
			k = n < (size != 0 ? size : MODEL_TEAMS_DEFAULT) ? n :
			    (size != 0 ? size : MODEL_TEAMS_DEFAULT);
		break;
	case GROUP_LABELS:
		seen = xcalloc(m->nlabels + 1, sizeof *seen);
		for (i = 0; i < n; i++) {
			if (v[i]->label == 0 || v[i]->label > m->nlabels)
				continue;
			labelled++;
			if (seen[v[i]->label]++ == 0 &&
			    model_label_table(m, v[i]->label) == NULL)
				k++;
		}
		free(seen);
		*empty = labelled == 0;
		break;
	case GROUP_MERGE:
		*empty = model_active_groups(m, &act) < 2;
		free(act);
		break;
	}
	free(v);
	return k;
}

/* ---------------------------------------------------------------- check */

/* REJECT 5 unless s has min..max code points. */
static int
model_steps_len(const char *s, size_t min, size_t max, const char *reason,
    const char **why)
{
	size_t	n = model_cps(s);

	if (n < min || n > max)
		return model_steps_refuse(why, REJECT_LIMIT, reason);
	return 0;
}

/* A regroup's size for its mode; 0 or REJECT 5. */
static int
model_check_size(uint8_t mode, uint32_t size, const char **why)
{
	switch (mode) {
	case GROUP_PAIRS:
		if (size == 1 || size > PROTO_GROUP_SIZE_MAX)
			return model_steps_refuse(why, REJECT_LIMIT,
			    "pairs are groups of 2 to 8");
		break;
	case GROUP_TEAMS:
		if (size == 1 || size > PROTO_TEAMS_MAX)
			return model_steps_refuse(why, REJECT_LIMIT,
			    "teams are 2 to 64");
		break;
	case GROUP_MERGE:
		if (size == 1 || size > PROTO_TEAMS_MAX)
			return model_steps_refuse(why, REJECT_LIMIT,
			    "a merge joins 2 to 64 tables, or 0 for all");
		break;
	default:
		if (size != 0)
			return model_steps_refuse(why, REJECT_BAD,
			    "labels take no size");
		break;
	}
	return 0;
}

/*
 * A regroup now: strict (the op) refuses one that has nothing to do; a
 * step's is lenient, so that the run sheet never gets stuck.  The limits
 * hold for both.
 */
static int
model_check_regroup(const struct model *m, uint8_t mode, uint32_t size,
    bool strict, const char **why)
{
	size_t	k;
	bool	empty;

	if (m->head + 1 > PROTO_GROUP_SEQ_MAX)
		return model_steps_refuse(why, REJECT_LIMIT,
		    "this board is too long for new groups");
	if (mode == GROUP_LABELS && m->nlabels == 0 && strict)
		return model_steps_refuse(why, REJECT_NOT_FOUND,
		    "no labels to group by");
	k = model_plan_count(m, mode, size, &empty);
	if (empty && strict)
		return model_steps_refuse(why, REJECT_NOT_FOUND,
		    mode == GROUP_MERGE ? "no groups to merge" :
		    mode == GROUP_LABELS ? "nobody has a label" :
		    "nobody is seated to group");
	if (k >= PROTO_GROUP_SPAN)
		return model_steps_refuse(why, REJECT_LIMIT,
		    "too many groups at once");
	if (model_group_tables(m) + k > MODEL_GROUP_TABLES_MAX)
		return model_steps_refuse(why, REJECT_LIMIT,
		    "too many groups on this board");
	return 0;
}

/* A step as agenda sets it: malformed (1) first, then limits (5). */
static int
model_check_step_def(const struct proto_step *st, const char **why)
{
	uint8_t	action = st->has & STEP_ACTION ? st->action : ACTION_NONE;
	int	mode = GROUP_OF_ACTION(action), code;

	if (!(st->has & STEP_TITLE))
		return model_steps_refuse(why, REJECT_BAD,
		    "a step needs a title");
	if ((st->has & STEP_FOLLOW) && st->follow == FOLLOW_TABLE)
		return model_steps_refuse(why, REJECT_BAD,
		    "a step follows none or results");
	if ((st->has & STEP_SIZE) && (mode < 0 || mode == GROUP_LABELS))
		return model_steps_refuse(why, REJECT_BAD,
		    "size is for pairs, teams and merge");
	if ((st->has & STEP_CHOICES) && action != ACTION_POLL)
		return model_steps_refuse(why, REJECT_BAD,
		    "choices are for a poll");
	if (action == ACTION_POLL && (st->has & STEP_PHASE) &&
	    st->phase == PHASE_CLOSED)
		return model_steps_refuse(why, REJECT_BAD,
		    "polls run in any phase but closed");
	if ((code = model_steps_len(st->title, 1, PROTO_STEP_TITLE_MAX,
	    "a step's title has 1 to 80 characters", why)) != 0)
		return code;
	if ((st->has & STEP_DURATION) && (st->duration < 1 ||
	    st->duration > PROTO_TIMER_MAX))
		return model_steps_refuse(why, REJECT_LIMIT,
		    "a step's clock runs 1 s to 24 h");
	if ((st->has & STEP_BANNER) && (code = model_steps_len(st->banner, 0,
	    PROTO_BANNER_MAX, "a banner has at most 200 characters",
	    why)) != 0)
		return code;
	if (mode >= 0 && (code = model_check_size((uint8_t)mode, st->size,
	    why)) != 0)
		return code;
	if (action == ACTION_POLL)
		return model_poll_check_def(st->question, st->choices,
		    st->nchoices, why);
	return model_steps_len(st->question, 0, PROTO_QUESTION_MAX,
	    "a question has at most 300 characters", why);
}

/* step: a step of the sheet whose action can run now. */
static int
model_check_step(const struct model *m, const struct proto_op *op,
    const char **why)
{
	const struct proto_step	*st;
	uint8_t			 phase, action;
	int			 mode;

	if (op->index >= m->nsteps)
		return model_steps_refuse(why, REJECT_NOT_FOUND,
		    "no such step");
	st = &m->steps[op->index].def;
	action = st->has & STEP_ACTION ? st->action : ACTION_NONE;
	phase = st->has & STEP_PHASE ? st->phase : m->phase;
	if (action == ACTION_POLL) {
		if (phase == PHASE_CLOSED)
			return model_steps_refuse(why, REJECT_PHASE,
			    "polls run in any phase but closed");
		if (!model_poll_room(m))
			return model_steps_refuse(why, REJECT_LIMIT,
			    "too many polls on this board");
	}
	if ((mode = GROUP_OF_ACTION(action)) >= 0)
		return model_check_regroup(m, (uint8_t)mode, st->size, false,
		    why);
	return 0;
}

/* labels: at most 32 distinct labels of 1 to 40 characters. */
static int
model_check_labels(const struct proto_op *op, const char **why)
{
	uint32_t	i, j;
	int		code;

	if (op->nstrs > PROTO_LABELS_MAX)
		return model_steps_refuse(why, REJECT_LIMIT,
		    "a board offers at most 32 labels");
	for (i = 0; i < op->nstrs; i++) {
		if ((code = model_steps_len(op->strs[i], 1, PROTO_WORD_MAX,
		    "a label has 1 to 40 characters", why)) != 0)
			return code;
		for (j = 0; j < i; j++)
			if (strcmp(op->strs[i], op->strs[j]) == 0)
				return model_steps_refuse(why, REJECT_BAD,
				    "two labels are the same");
	}
	return 0;
}

/* label: one's own, or anyone's by a facilitator. */
static int
model_check_label(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	uint32_t	target = op->participant != 0 ? op->participant : who;

	if (target != who && !fac)
		return model_steps_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator labels someone else");
	if (!fac && m->settings.locked)
		return model_steps_refuse(why, REJECT_FROZEN,
		    "the board is locked");
	if (op->label > m->nlabels)
		return model_steps_refuse(why, REJECT_NOT_FOUND,
		    "no such label");
	if (target == 0 || model_participant(m, target) == NULL)
		return model_steps_refuse(why, REJECT_NOT_FOUND,
		    "no such participant");
	return 0;
}

/*
 * model_check for the day's kinds.  Order as model_check's: malformed (1),
 * who (2), frozen (7), phase (4), existence (3), limits (5).
 */
int
model_day_check(const struct model *m, uint32_t who,
    const struct model_participant *p, bool fac, const struct proto_op *op,
    int64_t now, const char **why)
{
	int	code;

	(void)now;
	if (op->kind == OP_REGROUP && op->mode >= GROUP_MODE_COUNT)
		return model_steps_refuse(why, REJECT_BAD, "unknown mode");
	switch (op->kind) {
	case OP_REACT:
	case OP_POLL_ANSWER:
		return model_poll_check(m, who, p, fac, op, why);
	case OP_LABEL:
		return model_check_label(m, who, fac, op, why);
	}
	if (!fac)
		return model_steps_refuse(why, REJECT_FORBIDDEN,
		    "only a facilitator may do this");
	switch (op->kind) {
	case OP_POLL_OPEN:
	case OP_POLL_CLOSE:
		return model_poll_check(m, who, p, fac, op, why);
	case OP_STEP:
		return model_check_step(m, op, why);
	case OP_REGROUP:
		if ((code = model_check_size(op->mode, op->size, why)) != 0)
			return code;
		if ((code = model_steps_len(op->text, 0, PROTO_QUESTION_MAX,
		    "a question has at most 300 characters", why)) != 0)
			return code;
		return model_check_regroup(m, op->mode, op->size, true, why);
	case OP_AGENDA:
		if ((code = model_check_step_def(&op->step, why)) != 0)
			return code;
		if (op->index > m->nsteps)
			return model_steps_refuse(why, REJECT_NOT_FOUND,
			    "no such step");
		if (op->index == m->nsteps && m->nsteps >= PROTO_STEPS_MAX)
			return model_steps_refuse(why, REJECT_LIMIT,
			    "a run sheet has at most 64 steps");
		return 0;
	case OP_AGENDA_CUT:
		if (op->index > m->nsteps)
			return model_steps_refuse(why, REJECT_NOT_FOUND,
			    "no such step");
		return 0;
	case OP_LABELS:
		return model_check_labels(op, why);
	}
	return 0;
}

/* ---------------------------------------------------------------- prepare */

/* Put a plan's arrays in the op, which the derivation owns. */
static void
model_plan_give(struct model_plan *pl, struct proto_op *op,
    struct model_owned *owned)
{
	op->pairs = owned->pairs = pl->seat;
	op->npairs = pl->nseat;
	op->merges = owned->merges = pl->merges;
	op->nmerges = pl->nmerges;
}

/* What the server derives for the day's kinds. */
void
model_day_prepare(const struct model *m, uint32_t who, struct proto_op *op,
    int64_t now, struct model_owned *owned)
{
	struct model_plan	pl;
	uint8_t			action;
	int			mode;

	(void)now;
	switch (op->kind) {
	case OP_POLL_ANSWER:
	case OP_POLL_CLOSE:
		model_poll_prepare(m, who, op, owned);
		break;
	case OP_REGROUP:
		model_plan(m, op->mode, op->size, m->head + 1, &pl);
		model_plan_give(&pl, op, owned);
		break;
	case OP_STEP:
		if (op->index >= m->nsteps)
			break;
		/* The step as it runs, borrowed from the sheet. */
		op->step = m->steps[op->index].def;
		action = op->step.has & STEP_ACTION ? op->step.action :
		    ACTION_NONE;
		op->pairs = op->merges = NULL;
		op->npairs = op->nmerges = 0;
		if (action == ACTION_ROTATE) {
			model_rotation(m, &op->pairs, &op->npairs);
			owned->pairs = op->pairs;
		} else if ((mode = GROUP_OF_ACTION(action)) >= 0) {
			model_plan(m, (uint8_t)mode, op->step.size,
			    m->head + 1, &pl);
			model_plan_give(&pl, op, owned);
		}
		break;
	}
}

/* ---------------------------------------------------------------- apply */

/* Order table ids. */
static int
model_cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Everyone who sits together at one of tables[0..n) has met once more. */
static void
model_meet_tables(struct model *m, uint64_t *tables, size_t n)
{
	uint32_t	*people;
	size_t		 i, j, k;

	qsort(tables, n, sizeof *tables, model_cmp_u64);
	people = xreallocarray(NULL, m->nparticipants + 1, sizeof *people);
	for (i = 0; i < n; i++) {
		if (tables[i] == 0 || (i > 0 && tables[i] == tables[i - 1]))
			continue;
		for (j = k = 0; j < m->nparticipants; j++)
			if (m->participants[j].table == tables[i] &&
			    m->participants[j].role != ROLE_FACILITATOR)
				people[k++] = m->participants[j].id;
		model_meet_all(m, people, k);
	}
	free(people);
}

/* The table kind a regroup's mode makes. */
static uint8_t
model_group_kind(uint8_t mode)
{
	switch (mode) {
	case GROUP_TEAMS:
		return TABLE_TEAM;
	case GROUP_LABELS:
		return TABLE_LABEL;
	}
	return TABLE_PAIR;
}

/* Make the table a seating names, if this event makes it. */
static void
model_group_table(struct model *m, uint64_t seq, uint8_t mode,
    const char *question, uint64_t id, int64_t time)
{
	struct model_table	*t;
	uint64_t		 k;

	if ((t = model_table(m, id)) != NULL) {
		if (t->kind == TABLE_LABEL && t->number >= 1 &&
		    t->number <= m->nlabels)
			model_set_str(&t->theme, m->labels[t->number - 1]);
		return;
	}
	if (mode == GROUP_MERGE || id <= PROTO_GROUP_ID(seq, 0) ||
	    id >= PROTO_GROUP_ID(seq + 1, 0))
		return;			/* not this event's to make */
	k = id - PROTO_GROUP_ID(seq, 0);
	if ((t = model_insert_table(m, id)) == NULL)
		return;
	t->kind = model_group_kind(mode);
	t->number = (uint32_t)k;
	t->created_ms = time;
	model_set_str(&t->question, question);
	if (mode == GROUP_LABELS && k <= m->nlabels)
		model_set_str(&t->theme, m->labels[k - 1]);
}

/*
 * A regroup's effect, from its event: meetings, new tables, merged cards,
 * the groups that end, the seating; nobody is ready any more.
 */
static void
model_apply_groups(struct model *m, uint64_t seq, uint8_t mode,
    const char *question, const struct proto_pair *seat, uint32_t nseat,
    const struct proto_pair *merges, uint32_t nmerges, int64_t time)
{
	struct model_participant	*p;
	struct model_table		*from, *into;
	uint64_t			*tables;
	size_t				 i, k, n = 0;
	bool				 moved = false;

	if (mode >= GROUP_MODE_COUNT)
		return;
	tables = xreallocarray(NULL, nseat + nmerges + 1, sizeof *tables);
	for (i = 0; i < nseat; i++) {
		if (seat[i].a <= UINT32_MAX &&
		    (p = model_participant(m, (uint32_t)seat[i].a)) != NULL)
			tables[n++] = p->table;
	}
	for (i = 0; i < nmerges; i++)
		tables[n++] = merges[i].b;
	model_meet_tables(m, tables, n);
	free(tables);

	for (i = 0; i < nseat; i++)
		model_group_table(m, seq, mode, question, seat[i].b, time);
	for (i = 0; i < nmerges; i++) {
		from = model_table(m, merges[i].a);
		into = model_table(m, merges[i].b);
		if (from == NULL || into == NULL || from == into)
			continue;
		for (k = 0; k < m->ncards; k++) {
			if (m->cards[k].table == from->id) {
				m->cards[k].table = into->id;
				moved = true;
			}
		}
		from->dissolved = true;
	}
	if (moved)
		model_rebuild(m);	/* dots used per table */
	if (mode != GROUP_MERGE) {
		for (i = 0; i < m->ntables; i++)
			if (m->tables[i].kind != TABLE_QUESTION)
				m->tables[i].dissolved = true;
	}
	for (i = 0; i < nseat; i++) {
		if (seat[i].a > UINT32_MAX ||
		    (p = model_participant(m, (uint32_t)seat[i].a)) == NULL ||
		    (into = model_table(m, seat[i].b)) == NULL)
			continue;	/* unknown here: ignored */
		into->dissolved = false;
		p->table = into->id;
		if (mode == GROUP_TEAMS)
			p->team = into->id;
	}
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
}

/* Cut a label to the clock's limit (a title may be as long). */
static void
model_step_clock(struct model *m, const struct proto_step *st, int64_t time)
{
	m->timer.ref_ms = time;
	m->timer.ended = false;
	if ((st->has & STEP_DURATION) && st->duration > 0) {
		m->timer.running = true;
		m->timer.remaining_ms = (uint64_t)st->duration * 1000;
		model_set_str(&m->timer.label, st->title);
	} else {
		m->timer.running = false;
		m->timer.remaining_ms = 0;
		model_set_str(&m->timer.label, "");
	}
}

/* step: the whole step at once, from its event. */
static void
model_apply_step(struct model *m, const struct proto_event *ev, int64_t time)
{
	const struct proto_op	*op = &ev->op;
	const struct proto_step	*st = &op->step;
	struct model_step	*s;
	uint8_t			 action;
	size_t			 i;
	int			 mode;

	if (m->step != 0 && m->step <= m->nsteps)
		m->steps[m->step - 1].ended_ms = time;
	if (op->index < m->nsteps) {
		s = &m->steps[op->index];
		if (s->started_ms == 0)
			s->started_ms = time;
		s->ended_ms = 0;
		m->step = op->index + 1;
	}
	if (st->has & STEP_PHASE)
		model_apply_phase(m, st->phase);
	if (st->has & STEP_BANNER)
		model_set_str(&m->banner, st->banner);
	if ((st->has & STEP_FOLLOW) && st->follow < FOLLOW_VIEW_COUNT) {
		m->follow_view = st->follow;
		m->follow_table = 0;
		m->follow_seq = ev->seq;
	}
	model_step_clock(m, st, time);
	for (i = 0; i < m->nparticipants; i++)
		m->participants[i].ready = false;
	action = st->has & STEP_ACTION ? st->action : ACTION_NONE;
	if (action == ACTION_ROTATE)
		model_apply_rotate(m, op->pairs, op->npairs);
	else if (action == ACTION_POLL)
		model_poll_open(m, ev->seq, st->question, st->choices,
		    st->nchoices, time);
	else if ((mode = GROUP_OF_ACTION(action)) >= 0)
		model_apply_groups(m, ev->seq, (uint8_t)mode, st->question,
		    op->pairs, op->npairs, op->merges, op->nmerges, time);
}

/* agenda: set step index, or append it. */
static void
model_apply_agenda(struct model *m, const struct proto_op *op)
{
	struct model_step	*s;

	if (op->index > m->nsteps || op->index >= PROTO_STEPS_MAX)
		return;
	if (op->index == m->nsteps) {
		m->steps = xreallocarray(m->steps, m->nsteps + 1,
		    sizeof *m->steps);
		s = &m->steps[m->nsteps++];
		memset(s, 0, sizeof *s);
	} else {
		s = &m->steps[op->index];
		proto_step_free(&s->def);
	}
	proto_step_dup(&s->def, &op->step);
}

/* agenda.cut: the steps from index on go; so does a current one of them. */
static void
model_apply_cut(struct model *m, uint32_t index)
{
	while (m->nsteps > index)
		proto_step_free(&m->steps[--m->nsteps].def);
	if (m->step > m->nsteps)
		m->step = 0;
}

/* Replace the labels; labels past the new end are dropped. */
static void
model_set_labels(struct model *m, char *const *labels, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	m->labels = NULL;
	m->nlabels = 0;
	if (n != 0) {
		m->labels = xreallocarray(NULL, n, sizeof *m->labels);
		for (i = 0; i < n; i++)
			m->labels[i] = xstrdup(model_str(labels[i]));
		m->nlabels = n;
	}
	for (i = 0; i < m->nparticipants; i++)
		if (m->participants[i].label > n)
			m->participants[i].label = 0;
}

/* model_apply for the day's kinds. */
void
model_day_apply(struct model *m, const struct proto_event *ev, int64_t time)
{
	const struct proto_op		*op = &ev->op;
	struct model_participant	*p;
	uint32_t			 who;

	switch (op->kind) {
	case OP_REACT:
	case OP_POLL_ANSWER:
	case OP_POLL_OPEN:
	case OP_POLL_CLOSE:
		model_poll_apply(m, ev, time);
		break;
	case OP_STEP:
		model_apply_step(m, ev, time);
		break;
	case OP_REGROUP:
		model_apply_groups(m, ev->seq, op->mode, op->text, op->pairs,
		    op->npairs, op->merges, op->nmerges, time);
		break;
	case OP_AGENDA:
		model_apply_agenda(m, op);
		break;
	case OP_AGENDA_CUT:
		model_apply_cut(m, op->index);
		break;
	case OP_LABELS:
		model_set_labels(m, op->strs, op->nstrs);
		break;
	case OP_LABEL:
		who = op->participant != 0 ? op->participant : ev->origin;
		if ((p = model_participant(m, who)) != NULL &&
		    op->label <= m->nlabels)
			p->label = op->label;
		break;
	}
}

/* model_redact for the day's kinds: reactions and answers have some. */
void
model_day_redact(const struct model *m, const struct proto_event *ev,
    enum model_audience audience, struct proto_event *out)
{
	if (ev->op.kind == OP_REACT || ev->op.kind == OP_POLL_ANSWER)
		model_poll_redact(m, ev, audience, out);
}

/* ---------------------------------------------------------------- storage */

/* Free the day's part of a board; the board has none of it after. */
void
model_day_release(struct model *m)
{
	size_t	i;

	for (i = 0; i < m->nsteps; i++)
		proto_step_free(&m->steps[i].def);
	free(m->steps);
	m->steps = NULL;
	m->nsteps = 0;
	m->step = 0;
	for (i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	m->labels = NULL;
	m->nlabels = 0;
	model_poll_release(m);
}

/* Deep copy of src's day into m (whose day is src's, shallow). */
void
model_day_clone(struct model *m, const struct model *src)
{
	size_t	i;

	m->steps = NULL;
	if (src->nsteps != 0) {
		m->steps = xreallocarray(NULL, src->nsteps, sizeof *m->steps);
		for (i = 0; i < src->nsteps; i++) {
			m->steps[i] = src->steps[i];
			proto_step_dup(&m->steps[i].def, &src->steps[i].def);
		}
	}
	m->labels = NULL;
	if (src->nlabels != 0) {
		m->labels = xreallocarray(NULL, src->nlabels,
		    sizeof *m->labels);
		for (i = 0; i < src->nlabels; i++)
			m->labels[i] = xstrdup(src->labels[i]);
	}
	model_poll_clone(m, src);
}

/* ---------------------------------------------------------------- STATE */

/* Append one record; a record that cannot fit a frame is a bug. */
static size_t
model_steps_emit(struct proto_buf *buf, const struct proto_state *rec)
{
	if (proto_enc_state(buf, rec) == 0)
		fatalx("model: STATE record %u does not fit a frame",
		    (unsigned)rec->what);
	return 1;
}

/*
 * The day's records: the run sheet, the labels, who holds which label or
 * team, the groups' tables (everyone may see them), then the polls and
 * reactions as viewer may see them.
 */
size_t
model_day_state_write(const struct model *m, uint32_t viewer, bool fac,
    struct proto_buf *buf)
{
	const struct model_participant	*p;
	const struct model_table	*t;
	struct proto_state		 rec;
	size_t				 i, n = 0;

	for (i = 0; i < m->nsteps; i++) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_STEP;
		rec.index = (uint32_t)i;
		rec.step = m->steps[i].def;
		rec.created_ms = m->steps[i].started_ms;
		rec.ended_ms = m->steps[i].ended_ms;
		rec.current = m->step == i + 1;
		n += model_steps_emit(buf, &rec);
	}
	if (m->nlabels != 0) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_LABELS;
		rec.strs = m->labels;
		rec.nstrs = m->nlabels;
		n += model_steps_emit(buf, &rec);
	}
	for (i = 0; i < m->ntables; i++) {
		t = &m->tables[i];
		if (t->kind == TABLE_QUESTION && !t->dissolved)
			continue;
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_GROUP;
		rec.id = t->id;
		rec.kind = t->kind;
		rec.number = t->number;
		rec.dissolved = t->dissolved;
		n += model_steps_emit(buf, &rec);
	}
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		if (p->label == 0 && p->team == 0)
			continue;
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_MEMBER;
		rec.id = p->id;
		rec.label = p->label;
		rec.team = p->team;
		n += model_steps_emit(buf, &rec);
	}
	return n + model_poll_state_write(m, viewer, fac, buf);
}

/* Read one of the day's records; -1 if it cannot belong to a sound board. */
int
model_day_state_read(struct model *m, const struct proto_state *rec)
{
	struct model_participant	*p;
	struct model_table		*t;
	struct proto_op			 op;

	switch (rec->what) {
	case STATE_STEP:
		if (rec->index > m->nsteps || rec->index >= PROTO_STEPS_MAX)
			return -1;
		memset(&op, 0, sizeof op);
		op.index = rec->index;
		op.step = rec->step;
		model_apply_agenda(m, &op);
		m->steps[rec->index].started_ms = rec->created_ms;
		m->steps[rec->index].ended_ms = rec->ended_ms;
		if (rec->current)
			m->step = rec->index + 1;
		return 0;
	case STATE_LABELS:
		if (rec->nstrs > PROTO_LABELS_MAX)
			return -1;
		model_set_labels(m, rec->strs, rec->nstrs);
		return 0;
	case STATE_MEMBER:
		if (rec->id > UINT32_MAX ||
		    (p = model_participant(m, (uint32_t)rec->id)) == NULL ||
		    rec->label > m->nlabels)
			return -1;
		p->label = rec->label;
		p->team = rec->team;
		return 0;
	case STATE_GROUP:
		if ((t = model_table(m, rec->id)) == NULL)
			return -1;
		t->kind = rec->kind;
		t->number = rec->number;
		t->dissolved = rec->dissolved;
		return 0;
	}
	return model_poll_state_read(m, rec);
}

/* Rough size of the day's records for a participant. */
size_t
model_day_state_size(const struct model *m)
{
	const struct proto_step	*st;
	size_t			 n = 0, i, k;

	for (i = 0; i < m->nsteps; i++) {
		st = &m->steps[i].def;
		n += 96 + strlen(model_str(st->title)) +
		    strlen(model_str(st->banner)) +
		    strlen(model_str(st->question));
		for (k = 0; k < st->nchoices; k++)
			n += 2 + strlen(st->choices[k]);
	}
	for (i = 0; i < m->nlabels; i++)
		n += 2 + strlen(m->labels[i]);
	n += 24 * m->nparticipants + 24 * model_group_tables(m);
	return n + model_poll_state_size(m);
}
