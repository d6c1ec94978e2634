/*
 * plain-day.c -- the day in the line mode: each step, poll and new group
 * said once as a sentence, and the commands that answer a poll, react to
 * an idea, pick a label or go to a step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "plain.h"
#include "text.h"
#include "xmalloc.h"

/* The poll's choices as "1 Un pont, 2 Une ruche" (malloc'd). */
static char *
plain_day_choices(const struct model_poll *poll)
{
	char		**v, *out;
	uint32_t	  i;

	v = xreallocarray(NULL, poll->nchoices + 1, sizeof *v);
	for (i = 0; i < poll->nchoices; i++)
		xasprintf(&v[i], "%u %s", i + 1, poll->choices[i]);
	out = plain_join(v, poll->nchoices);
	for (i = 0; i < poll->nchoices; i++)
		free(v[i]);
	free(v);
	return out;
}

/* Say that a poll opened, and how to answer it. */
static void
plain_day_poll_opened(struct plain *p, const struct model_poll *poll)
{
	char	*c;

	if (poll->nchoices == 0) {
		plain_say(p, _("Poll: %s Answer with a word: answer WORD."),
		    poll->question);
		return;
	}
	c = plain_day_choices(poll);
	plain_say(p, _("Poll: %s Choices: %s. Answer with: answer N."),
	    poll->question, c);
	free(c);
}

/* Say a closed poll's results, most frequent first. */
static void
plain_day_poll_results(struct plain *p, const struct model_poll *poll)
{
	char		**v, *out;
	uint32_t	  i, n = 0;

	v = xreallocarray(NULL, poll->ncounts + 1, sizeof *v);
	for (i = 0; i < poll->ncounts; i++)
		xasprintf(&v[n++], "%s %u", poll->counts[i].text,
		    (unsigned)poll->counts[i].n);
	out = plain_join(v, n);
	if (n == 0)
		plain_say(p, _("The poll \xe2\x80\x9c%s\xe2\x80\x9d is closed: no "
		    "answer."), poll->question);
	else
		plain_say(p, _("The poll \xe2\x80\x9c%s\xe2\x80\x9d is closed: %s."),
		    poll->question, out);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	free(out);
}

/* Where new groups seated me, with whom. */
static void
plain_day_seated(struct plain *p, const struct model *m)
{
	const struct model_participant	*me = plain_me(p);
	const struct model_table	*t;
	uint32_t			*with;
	size_t				 i, n = 0;
	char				 name[128], *names;

	if (me == NULL || me->role == ROLE_FACILITATOR ||
	    (t = model_table(m, me->table)) == NULL)
		return;
	switch (t->kind) {
	case TABLE_PAIR:
		snprintf(name, sizeof name, _("Pair %u"), (unsigned)t->number);
		break;
	case TABLE_TEAM:
		snprintf(name, sizeof name, _("Team %u"), (unsigned)t->number);
		break;
	case TABLE_LABEL:
		snprintf(name, sizeof name, "%s", t->theme);
		break;
	default:
		return;
	}
	with = xreallocarray(NULL, m->nparticipants + 1, sizeof *with);
	for (i = 0; i < m->nparticipants; i++)
		if (m->participants[i].table == t->id &&
		    m->participants[i].id != me->id &&
		    m->participants[i].role != ROLE_FACILITATOR)
			with[n++] = m->participants[i].id;
	names = plain_names(m, with, n);
	if (n == 0)
		plain_say(p, _("New groups: you are at %s."), name);
	else
		plain_say(p, _("New groups: you are at %s, with %s."), name,
		    names);
	if (t->question[0] != '\0')
		plain_say(p, _("Its question: %s"), t->question);
	free(names);
	free(with);
}

/* An event of the day, as a sentence. */
void
plain_day_event(struct plain *p, const struct proto_event *ev)
{
	struct model		*m = plain_model(p);
	const struct model_step	*st;
	const struct model_poll	*poll;
	uint8_t			 action;

	switch (ev->op.kind) {
	case OP_STEP:
		if ((st = model_current_step(m)) == NULL)
			break;
		plain_say(p, _("Step %u of %zu: %s."), (unsigned)m->step,
		    m->nsteps, st->def.title);
		plain_step_said(p, m, &ev->op.step);
		action = ev->op.step.has & STEP_ACTION ? ev->op.step.action :
		    ACTION_NONE;
		if (action == ACTION_POLL &&
		    (poll = model_poll(m, ev->seq)) != NULL)
			plain_day_poll_opened(p, poll);
		else if (GROUP_OF_ACTION(action) >= 0)
			plain_day_seated(p, m);
		break;
	case OP_POLL_OPEN:
		if ((poll = model_poll(m, ev->seq)) != NULL)
			plain_day_poll_opened(p, poll);
		break;
	case OP_POLL_CLOSE:
		if ((poll = model_poll(m, ev->op.poll)) != NULL)
			plain_day_poll_results(p, poll);
		break;
	case OP_REGROUP:
		plain_day_seated(p, m);
		break;
	}
}

/* The newest open poll, NULL (said) when none. */
static const struct model_poll *
plain_day_open_poll(struct plain *p)
{
	struct model	*m = plain_model(p);
	size_t		 i;

	for (i = m->npolls; i > 0; i--)
		if (!m->polls[i - 1].closed)
			return &m->polls[i - 1];
	plain_say(p, "%s", _("No poll is open."));
	return NULL;
}

/* answer N | WORD: answer the open poll. */
void
plain_day_cmd_answer(struct plain *p, char *args)
{
	const struct model_poll	*poll;
	struct proto_op		 op;
	char			*end;
	unsigned long		 n;

	text_trim(args);
	if ((poll = plain_day_open_poll(p)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_ANSWER;
	op.poll = poll->id;
	op.answer.set = true;
	if (poll->nchoices != 0) {
		n = strtoul(args, &end, 10);
		if (args[0] < '1' || args[0] > '9' || *end != '\0' || n < 1 ||
		    n > poll->nchoices) {
			plain_say(p, _("Type answer and a choice's number, "
			    "from 1 to %u."), (unsigned)poll->nchoices);
			return;
		}
		op.answer.choice = (uint32_t)(n - 1);
	} else {
		if (args[0] == '\0') {
			plain_say(p, "%s", _("Type answer and your word."));
			return;
		}
		op.answer.text = args;
	}
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", _("Your answer is in"));
}

/* step [N]: the run sheet's next step, or step N. */
void
plain_day_cmd_step(struct plain *p, char *args)
{
	struct model	*m = plain_model(p);
	struct proto_op	 op;
	unsigned long	 n;
	char		*end;

	text_trim(args);
	if (m->nsteps == 0) {
		plain_say(p, "%s", _("This board has no run sheet."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_STEP;
	op.index = m->step;		/* the next one */
	if (args[0] != '\0') {
		n = strtoul(args, &end, 10);
		if (*end != '\0' || n < 1 || n > m->nsteps) {
			plain_say(p, _("Type step and a number from 1 to "
			    "%zu."), m->nsteps);
			return;
		}
		op.index = (uint32_t)(n - 1);
	} else if (op.index >= m->nsteps) {
		plain_say(p, "%s", _("This is the last step."));
		return;
	}
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Step %u: %s"), (unsigned)op.index + 1,
		    m->steps[op.index].def.title);
}

/* react N +|?|!: react to idea N, or take it back. */
void
plain_day_cmd_react(struct plain *p, char *args)
{
	struct proto_op	 op;
	char		*mark;
	uint32_t	 r = 0;

	text_trim(args);
	mark = strrchr(args, ' ');
	if (mark != NULL) {
		*mark++ = '\0';
		r = strcmp(mark, "+") == 0 || strcmp(mark, "+1") == 0 ? 1 :
		    strcmp(mark, "?") == 0 ? 2 : strcmp(mark, "!") == 0 ? 3 :
		    0;
	}
	if (r == 0) {
		plain_say(p, "%s", _("Type react, an idea, then + (I build on "
		    "it), ? (it needs clarifying) or ! (it matters)."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_REACT;
	if ((op.card = plain_card_arg(p, args, true)) == 0)
		return;
	op.reaction = r;
	op.flag = !(model_reacted(plain_model(p), op.card,
	    p->net.replica.me) & 1u << (r - 1));
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", op.flag ? _("Reaction added") :
		    _("Reaction taken back"));
}

/* label [NAME]: pick one's label, or hear the list. */
void
plain_day_cmd_label(struct plain *p, char *args)
{
	struct model	*m = plain_model(p);
	struct proto_op	 op;
	char		*a, *b, *list;
	uint32_t	 i;

	text_trim(args);
	if (m->nlabels == 0) {
		plain_say(p, "%s", _("This board offers no labels."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_LABEL;
	a = plain_fold(args);
	for (i = 0; args[0] != '\0' && i < m->nlabels; i++) {
		b = plain_fold(m->labels[i]);
		if (strcmp(a, b) == 0)
			op.label = i + 1;
		free(b);
	}
	free(a);
	if (op.label == 0) {
		list = plain_join(m->labels, m->nlabels);
		plain_say(p, _("Type label and one of: %s."), list);
		free(list);
		return;
	}
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Your label: %s"), m->labels[op.label - 1]);
}

/*
 * poll: hear the open poll again (its question, how to answer); a
 * facilitator's poll QUESTION [| CHOICE | CHOICE ...] opens one.
 */
void
plain_day_cmd_poll(struct plain *p, char *args)
{
	const struct model_poll	 *poll;
	struct proto_op		  op;
	char			**parts;
	size_t			  n;

	text_trim(args);
	if (args[0] == '\0') {
		if ((poll = plain_day_open_poll(p)) != NULL)
			plain_day_poll_opened(p, poll);
		return;
	}
	if (!plain_is_facilitator(p)) {
		plain_say(p, "%s", _("Only a facilitator opens a poll: type "
		    "poll alone to hear the open one."));
		return;
	}
	if ((n = text_split(args, '|', &parts)) == 0)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_OPEN;
	op.text = parts[0];
	op.strs = parts + 1;
	op.nstrs = (uint32_t)(n - 1);
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", n == 1 ? _("Word poll opened") :
		    _("Poll opened"));
	text_split_free(parts, n);
}

/* close [poll]: close the newest open poll; its results go to everyone. */
void
plain_day_cmd_close(struct plain *p, char *args)
{
	const struct model_poll	*poll;
	struct proto_op		 op;
	char			*f;
	bool			 ok;

	text_trim(args);
	f = plain_fold(args);
	ok = f[0] == '\0' || plain_is(f, NC_("word", "poll"));
	free(f);
	if (!ok) {
		plain_say(p, "%s", _("Type close poll."));
		return;
	}
	if ((poll = plain_day_open_poll(p)) == NULL)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_CLOSE;
	op.poll = poll->id;
	if (plain_submit(p, &op) == 0)
		plain_done(p, _("Poll \xe2\x80\x9c%s\xe2\x80\x9d closed"),
		    poll->question);
}

/* The words of the regroup modes, in enum group_mode's order. */
static const char *const plain_day_modes[GROUP_MODE_COUNT] = {
	NC_("word", "pairs"),
	NC_("word", "teams"),
	NC_("word", "labels"),
	NC_("word", "merge"),
};

/* groups pairs|teams|labels|merge: seat the room anew. */
void
plain_day_cmd_groups(struct plain *p, char *args)
{
	static const char *const done[GROUP_MODE_COUNT] = {
		N_("Pairs formed"),
		N_("Teams formed"),
		N_("One table per label"),
		N_("The groups' tables merged"),
	};
	struct proto_op	 op;
	char		*f;
	int		 i, mode = -1;

	text_trim(args);
	f = plain_fold(args);
	for (i = 0; i < GROUP_MODE_COUNT && mode < 0; i++)
		if (plain_is(f, plain_day_modes[i]))
			mode = i;
	free(f);
	if (mode < 0) {
		plain_say(p, "%s", _("Type groups and one of: pairs, teams, "
		    "labels, merge."));
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_REGROUP;
	op.mode = (uint8_t)mode;
	op.text = (char *)"";
	if (plain_submit(p, &op) == 0)
		plain_done(p, "%s", _(done[mode]));
}

/* The label (1-based) that s names, 0 for none, -1 when neither. */
static int
plain_day_label_of(const struct model *m, const char *s)
{
	char		*a, *b;
	uint32_t	 i;
	int		 hit = -1;

	a = plain_fold(s);
	if (plain_is(a, NC_("word", "none")))
		hit = 0;
	for (i = 0; hit < 0 && i < m->nlabels; i++) {
		b = plain_fold(m->labels[i]);
		if (strcmp(a, b) == 0)
			hit = (int)i + 1;
		free(b);
	}
	free(a);
	return hit;
}

/*
 * labelof NAME LABEL | NAME none: give someone a label.  A first name and
 * a label may both have several words: the first split where the end is
 * a label and the start someone's name wins.
 */
void
plain_day_cmd_label_of(struct plain *p, char *args)
{
	struct model			*m = plain_model(p);
	const struct model_participant	*q = NULL;
	struct proto_op			 op;
	char				*sp, *list;
	int				 label = -1;

	text_trim(args);
	if (m->nlabels == 0) {
		plain_say(p, "%s", _("This board offers no labels."));
		return;
	}
	for (sp = strchr(args, ' '); sp != NULL && q == NULL;
	    sp = strchr(sp + 1, ' ')) {
		if ((label = plain_day_label_of(m, sp + 1)) < 0)
			continue;
		*sp = '\0';
		q = plain_person(p, args, false);
		*sp = ' ';
	}
	if (q == NULL) {
		list = plain_join(m->labels, m->nlabels);
		plain_say(p, _("Type labelof, a first name, then none or one "
		    "of: %s."), list);
		free(list);
		return;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_LABEL;
	op.participant = q->id;
	op.label = (uint32_t)label;
	if (plain_submit(p, &op) != 0)
		return;
	if (label == 0)
		plain_done(p, _("%s has no label now"), q->name);
	else
		plain_done(p, _("%s: %s"), q->name, m->labels[label - 1]);
}
