/*
 * model-poll.c -- the day's quick polls and reactions, in the one op
 * pipeline (model-steps.c dispatches the day's kinds here).
 *
 * Polls.  poll.open makes a poll whose id is its event's seq: a choice
 * poll (2 to 12 labels) or a word poll (no labels).  poll.answer gives or
 * replaces one's answer; its event carries, derived, the author's answer
 * before (nil for none), so that a replica that sees answers without
 * knowing who gave them still counts right.  poll.close publishes the
 * results, most frequent first.  Blind until closed (unless live_polls):
 * everyone but the author receives an answer as [18, seq, 0, 0, 11]; who
 * answered what is never sent to anyone else, facilitators included.
 *
 * Words count as one when they fold to the same key: NFKC_Casefold,
 * trimmed, inner runs of white space made one space (text_name_key, the
 * rule that makes two first names one person).  A word is shown as first
 * written, once trimmed.  Choices nobody picked are listed with 0; words that lost all
 * their answers are not.  Ties keep the choices' order, or the words' order
 * of first appearance.
 *
 * Reactions.  react puts or takes back one's "+1", "?" or "!" on a card;
 * the server refuses one that changes nothing, so every event moves one
 * count by one and a replica that does not know who reacted counts right.
 * Who reacted is public, except on an anonymous board, where only the
 * author and facilitators receive it (as a card's author).  Reactions are
 * not votes: nothing counts them in the results.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model-impl.h"
#include "text.h"
#include "xmalloc.h"

/* Polls per board. */
#define MODEL_POLLS_MAX		256

/* Set *why and return code. */
static int
model_poll_refuse(const char **why, int code, const char *reason)
{
	*why = reason;
	return code;
}

/* ---------------------------------------------------------------- words */

/* True for the white space a word is trimmed of. */
static bool
model_poll_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xa0 || cp == 0x202f ||
	    cp == 0x2009;
}

/*
 * s trimmed, inner runs of white space made one space: how a word is
 * shown (its key, for counting, is text_name_key's: the same, folded).
 */
static char *
model_poll_word(const char *s)
{
	size_t		len = strlen(s), i, n, o = 0;
	uint32_t	cp;
	bool		space = false;
	char		*out = xmalloc(len + 1);

	for (i = 0; i < len; i += n) {
		n = text_decode(s + i, len - i, &cp);
		if (model_poll_space(cp)) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		memcpy(out + o, s + i, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

/* ---------------------------------------------------------------- lookups */

/* The poll with this id; NULL if absent. */
struct model_poll *
model_poll(const struct model *m, uint64_t id)
{
	size_t	lo = 0, hi = m->npolls, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->polls[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->npolls && m->polls[lo].id == id ? &m->polls[lo] : NULL;
}

/* participant's answer to poll as this replica knows it; NULL if none. */
const struct model_answer *
model_answer_of(const struct model_poll *p, uint32_t participant)
{
	size_t	i;

	for (i = 0; i < p->nanswers; i++) {
		if (p->answers[i].participant == participant)
			return &p->answers[i];
	}
	return NULL;
}

/* The reactions (bits 1 << (r - 1)) participant put on card. */
uint32_t
model_reacted(const struct model *m, uint64_t card, uint32_t participant)
{
	return (uint32_t)pairmap_get(&m->priv->reacted, card, participant);
}

/* The count an answer adds to, NULL if it names nothing (create: words). */
static struct model_count *
model_poll_count(struct model_poll *p, const struct proto_answer *a,
    bool create)
{
	struct model_count	*c;
	char			*key;
	size_t			 cap;
	uint32_t		 i;

	if (!a->set)
		return NULL;
	if (p->nchoices != 0 && !p->closed) {
		if (a->text != NULL || a->choice >= p->ncounts)
			return NULL;
		return &p->counts[a->choice];
	}
	if (a->text == NULL)
		return NULL;
	key = text_name_key(a->text);
	for (i = 0; i < p->ncounts; i++) {
		if (p->counts[i].key != NULL &&
		    strcmp(p->counts[i].key, key) == 0) {
			free(key);
			return &p->counts[i];
		}
	}
	if (!create || key[0] == '\0') {
		free(key);
		return NULL;
	}
	cap = p->ncounts;
	p->counts = xreallocarray(p->counts, cap + 1, sizeof *p->counts);
	c = &p->counts[p->ncounts++];
	c->text = model_poll_word(a->text);
	c->key = key;
	c->n = 0;
	return c;
}

/* ---------------------------------------------------------------- check */

/* A poll's question and choices as poll.open and a step's poll need. */
int
model_poll_check_def(const char *question, char *const *choices,
    uint32_t n, const char **why)
{
	size_t		cps = model_cps(question);
	uint32_t	i;

	if (cps < 1 || cps > PROTO_QUESTION_MAX)
		return model_poll_refuse(why, REJECT_LIMIT,
		    "a poll asks a question of 1 to 300 characters");
	if (n != 0 && (n < PROTO_CHOICES_MIN || n > PROTO_CHOICES_MAX))
		return model_poll_refuse(why, REJECT_LIMIT,
		    "a poll has 2 to 12 choices, or none for a word");
	for (i = 0; i < n; i++) {
		cps = model_cps(choices[i]);
		if (cps < 1 || cps > PROTO_WORD_MAX)
			return model_poll_refuse(why, REJECT_LIMIT,
			    "a choice has 1 to 40 characters");
	}
	return 0;
}

/* react: a person, an open board, a live card, a change. */
static int
model_check_react(const struct model *m, uint32_t who, bool fac,
    const struct proto_op *op, const char **why)
{
	uint32_t	bits;

	if (op->reaction < 1 || op->reaction > PROTO_REACTIONS)
		return model_poll_refuse(why, REJECT_BAD,
		    "a reaction is 1 (+1), 2 (?) or 3 (!)");
	if (who == 0)
		return model_poll_refuse(why, REJECT_FORBIDDEN,
		    "only participants react");
	if (m->phase == PHASE_CLOSED)
		return model_poll_refuse(why, REJECT_FROZEN,
		    "the board is closed");
	if (!fac && m->settings.locked)
		return model_poll_refuse(why, REJECT_FROZEN,
		    "the board is locked");
	if (model_live_card(m, op->card) == NULL)
		return model_poll_refuse(why, REJECT_NOT_FOUND, "no such card");
	bits = model_reacted(m, op->card, who);
	if (op->flag && (bits & 1u << (op->reaction - 1)))
		return model_poll_refuse(why, REJECT_LIMIT,
		    "you have reacted so already");
	if (!op->flag && !(bits & 1u << (op->reaction - 1)))
		return model_poll_refuse(why, REJECT_LIMIT,
		    "no such reaction to take back");
	return 0;
}

/* poll.answer: a person, an open poll, an answer of the poll's kind. */
static int
model_check_answer(const struct model *m, uint32_t who,
    const struct proto_op *op, const char **why)
{
	const struct model_poll	*p;
	char			*w;
	size_t			 cps;

	if (!op->answer.set)
		return model_poll_refuse(why, REJECT_BAD, "no answer");
	if (who == 0)
		return model_poll_refuse(why, REJECT_FORBIDDEN,
		    "only participants answer");
	if (m->phase == PHASE_CLOSED)
		return model_poll_refuse(why, REJECT_FROZEN,
		    "the board is closed");
	if ((p = model_poll(m, op->poll)) == NULL)
		return model_poll_refuse(why, REJECT_NOT_FOUND, "no such poll");
	if (p->closed)
		return model_poll_refuse(why, REJECT_PHASE,
		    "the poll is closed");
	if (p->nchoices != 0) {
		if (op->answer.text != NULL)
			return model_poll_refuse(why, REJECT_BAD,
			    "this poll asks for one of its choices");
		if (op->answer.choice >= p->nchoices)
			return model_poll_refuse(why, REJECT_BAD,
			    "no such choice");
		return 0;
	}
	if (op->answer.text == NULL)
		return model_poll_refuse(why, REJECT_BAD,
		    "this poll asks for a word");
	w = model_poll_word(op->answer.text);
	cps = model_cps(w);
	free(w);
	if (cps < 1 || cps > PROTO_WORD_MAX)
		return model_poll_refuse(why, REJECT_LIMIT,
		    "a word has 1 to 40 characters");
	return 0;
}

/* model_check for react, poll.answer, poll.open and poll.close. */
int
model_poll_check(const struct model *m, uint32_t who,
    const struct model_participant *p, bool fac, const struct proto_op *op,
    const char **why)
{
	const struct model_poll	*poll;

	(void)p;
	switch (op->kind) {
	case OP_REACT:
		return model_check_react(m, who, fac, op, why);
	case OP_POLL_ANSWER:
		return model_check_answer(m, who, op, why);
	case OP_POLL_OPEN:
		if (m->phase == PHASE_CLOSED)
			return model_poll_refuse(why, REJECT_PHASE,
			    "polls run in any phase but closed");
		if (m->npolls >= MODEL_POLLS_MAX)
			return model_poll_refuse(why, REJECT_LIMIT,
			    "too many polls on this board");
		return model_poll_check_def(op->text, op->strs, op->nstrs, why);
	case OP_POLL_CLOSE:
		if ((poll = model_poll(m, op->poll)) == NULL)
			return model_poll_refuse(why, REJECT_NOT_FOUND,
			    "no such poll");
		if (poll->closed)
			return model_poll_refuse(why, REJECT_PHASE,
			    "the poll is closed");
		return 0;
	}
	return 0;
}

/* True when a step may open one more poll. */
bool
model_poll_room(const struct model *m)
{
	return m->npolls < MODEL_POLLS_MAX;
}

/* ---------------------------------------------------------------- prepare */

/* The results of a poll, most frequent first, ties in their order. */
static uint32_t
model_poll_results(const struct model_poll *p, struct proto_count **out)
{
	struct proto_count	*r;
	uint32_t		 i, j, n = 0;
	struct proto_count	 x;

	r = xreallocarray(NULL, p->ncounts + 1, sizeof *r);
	for (i = 0; i < p->ncounts; i++) {
		if (p->nchoices == 0 && p->counts[i].n == 0)
			continue;
		r[n].text = xstrdup(p->counts[i].text);
		r[n].n = p->counts[i].n;
		n++;
	}
	/* A stable insertion sort: ties keep the choices' (words') order. */
	for (i = 1; i < n; i++) {
		x = r[i];
		for (j = i; j > 0 && r[j - 1].n < x.n; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	while (n > PROTO_RESULTS_MAX)
		free(r[--n].text);
	*out = r;
	return n;
}

/*
 * What the server derives: for poll.answer, the author's (who's) answer
 * before, copied; for poll.close, the results.
 */
void
model_poll_prepare(const struct model *m, uint32_t who, struct proto_op *op,
    struct model_owned *owned)
{
	const struct model_poll		*p = model_poll(m, op->poll);
	const struct model_answer	*a;

	if (p == NULL)
		return;
	switch (op->kind) {
	case OP_POLL_ANSWER:
		memset(&op->prev, 0, sizeof op->prev);
		if ((a = model_answer_of(p, who)) == NULL)
			break;
		op->prev = a->a;
		if (a->a.text != NULL)
			op->prev.text = owned->prev = xstrdup(a->a.text);
		break;
	case OP_POLL_CLOSE:
		op->ncounts = model_poll_results(p, &op->counts);
		owned->counts = op->counts;
		owned->ncounts = op->ncounts;
		break;
	}
}

/* ---------------------------------------------------------------- apply */

/* A copy of an answer (its word too). */
static void
model_answer_copy(struct proto_answer *dst, const struct proto_answer *src)
{
	*dst = *src;
	dst->text = src->text != NULL ? xstrdup(src->text) : NULL;
}

/* Open a poll with id seq. */
void
model_poll_open(struct model *m, uint64_t id, const char *question,
    char *const *choices, uint32_t n, int64_t time)
{
	struct model_poll	*p;
	size_t			 cap = m->npolls;
	uint32_t		 i;

	if (model_poll(m, id) != NULL ||
	    (m->npolls > 0 && m->polls[m->npolls - 1].id > id))
		return;			/* polls open in seq order */
	m->polls = xreallocarray(m->polls, cap + 1, sizeof *m->polls);
	p = &m->polls[m->npolls++];
	memset(p, 0, sizeof *p);
	p->id = id;
	p->question = xstrdup(model_str(question));
	p->opened_ms = time;
	if (n != 0) {
		p->choices = xreallocarray(NULL, n, sizeof *p->choices);
		p->counts = xcalloc(n, sizeof *p->counts);
		for (i = 0; i < n; i++) {
			p->choices[i] = xstrdup(model_str(choices[i]));
			p->counts[i].text = xstrdup(model_str(choices[i]));
		}
		p->nchoices = p->ncounts = n;
	}
}

/* Record who's answer (replacing theirs). */
static void
model_poll_remember(struct model_poll *p, uint32_t who, uint64_t seq,
    const struct proto_answer *a)
{
	struct model_answer	*x;
	size_t			 i;

	for (i = 0; i < p->nanswers; i++) {
		if (p->answers[i].participant == who)
			break;
	}
	if (i == p->nanswers) {
		p->answers = xreallocarray(p->answers, p->nanswers + 1,
		    sizeof *p->answers);
		p->nanswers++;
	} else
		free(p->answers[i].a.text);
	x = &p->answers[i];
	x->participant = who;
	x->seq = seq;
	model_answer_copy(&x->a, a);
}

/* poll.answer as received: counts, and the author's answer if known. */
static void
model_apply_answer(struct model *m, const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	struct model_poll	*p;
	struct model_count	*c;

	if ((p = model_poll(m, op->poll)) == NULL || p->closed)
		return;
	if ((c = model_poll_count(p, &op->prev, false)) != NULL && c->n > 0)
		c->n--;
	if ((c = model_poll_count(p, &op->answer, true)) != NULL)
		c->n++;
	if (ev->origin != 0)
		model_poll_remember(p, ev->origin, ev->seq, &op->answer);
}

/* Free a poll's counts. */
static void
model_counts_free(struct model_count *c, uint32_t n)
{
	uint32_t	i;

	for (i = 0; i < n; i++) {
		free(c[i].text);
		free(c[i].key);
	}
	free(c);
}

/* Counts from a list of [answer, count]; words get their keys. */
static struct model_count *
model_counts_from(const struct model_poll *p, const struct proto_count *r,
    uint32_t n)
{
	struct model_count	*c;
	uint32_t		 i;

	c = xcalloc(n + 1, sizeof *c);
	for (i = 0; i < n; i++) {
		c[i].text = xstrdup(model_str(r[i].text));
		if (p->nchoices == 0)
			c[i].key = text_name_key(c[i].text);
		c[i].n = r[i].n > UINT32_MAX ? UINT32_MAX : (uint32_t)r[i].n;
	}
	return c;
}

/* poll.close: the results are the counts now. */
static void
model_apply_close(struct model *m, const struct proto_op *op, int64_t time)
{
	struct model_poll	*p;

	if ((p = model_poll(m, op->poll)) == NULL || p->closed)
		return;
	model_counts_free(p->counts, p->ncounts);
	p->counts = model_counts_from(p, op->counts, op->ncounts);
	p->ncounts = op->ncounts;
	p->closed = true;
	p->closed_ms = time;
}

/* react: one count by one; who, when the event says. */
static void
model_apply_react(struct model *m, const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	struct model_card	*c;
	uint32_t		 bit, bits, *n;

	if ((c = model_live_card(m, op->card)) == NULL || op->reaction < 1 ||
	    op->reaction > PROTO_REACTIONS)
		return;
	bit = 1u << (op->reaction - 1);
	if (ev->origin != 0) {
		bits = model_reacted(m, c->id, ev->origin);
		if (op->flag == ((bits & bit) != 0))
			return;		/* nothing changes */
		bits = op->flag ? bits | bit : bits & ~bit;
		pairmap_set(&m->priv->reacted, c->id, ev->origin, bits);
	}
	n = &c->reactions[op->reaction - 1];
	if (op->flag)
		(*n)++;
	else if (*n > 0)
		(*n)--;
}

/* model_apply for react, poll.answer, poll.open and poll.close. */
void
model_poll_apply(struct model *m, const struct proto_event *ev, int64_t time)
{
	const struct proto_op	*op = &ev->op;

	switch (op->kind) {
	case OP_REACT:
		model_apply_react(m, ev);
		break;
	case OP_POLL_ANSWER:
		model_apply_answer(m, ev);
		break;
	case OP_POLL_OPEN:
		model_poll_open(m, ev->seq, op->text, op->strs, op->nstrs,
		    time);
		break;
	case OP_POLL_CLOSE:
		model_apply_close(m, op, time);
		break;
	}
}

/* ---------------------------------------------------------------- privacy */

/* The variant of a react or poll.answer for others than its author. */
void
model_poll_redact(const struct model *m, const struct proto_event *ev,
    enum model_audience audience, struct proto_event *out)
{
	const struct model_poll	*p;

	switch (ev->op.kind) {
	case OP_REACT:
		if (audience == AUDIENCE_PUBLIC && m->settings.anonymous) {
			out->origin = 0;
			out->op_id = 0;
		}
		break;
	case OP_POLL_ANSWER:
		out->origin = 0;
		out->op_id = 0;
		p = model_poll(m, ev->op.poll);
		if (!m->settings.live_polls && p != NULL && !p->closed) {
			memset(&out->op, 0, sizeof out->op);
			out->op.kind = OP_POLL_ANSWER;
			out->op.hidden = true;
		}
		break;
	}
}

/* ---------------------------------------------------------------- storage */

/* Free one poll's storage. */
static void
model_poll_free_one(struct model_poll *p)
{
	size_t	i;

	free(p->question);
	for (i = 0; i < p->nchoices; i++)
		free(p->choices[i]);
	free(p->choices);
	model_counts_free(p->counts, p->ncounts);
	for (i = 0; i < p->nanswers; i++)
		free(p->answers[i].a.text);
	free(p->answers);
}

/* Free every poll; the board has none after. */
void
model_poll_release(struct model *m)
{
	size_t	i;

	for (i = 0; i < m->npolls; i++)
		model_poll_free_one(&m->polls[i]);
	free(m->polls);
	m->polls = NULL;
	m->npolls = 0;
}

/* Deep copy of src's polls into m (whose polls are src's, shallow). */
void
model_poll_clone(struct model *m, const struct model *src)
{
	const struct model_poll	*s;
	struct model_poll	*p;
	size_t			 i, k;

	m->polls = NULL;
	if (src->npolls == 0)
		return;
	m->polls = xreallocarray(NULL, src->npolls, sizeof *m->polls);
	for (i = 0; i < src->npolls; i++) {
		s = &src->polls[i];
		p = &m->polls[i];
		*p = *s;
		p->question = xstrdup(s->question);
		p->choices = NULL;
		if (s->nchoices != 0) {
			p->choices = xreallocarray(NULL, s->nchoices,
			    sizeof *p->choices);
			for (k = 0; k < s->nchoices; k++)
				p->choices[k] = xstrdup(s->choices[k]);
		}
		p->counts = xcalloc(s->ncounts + 1, sizeof *p->counts);
		for (k = 0; k < s->ncounts; k++) {
			p->counts[k].text = xstrdup(s->counts[k].text);
			p->counts[k].key = s->counts[k].key != NULL ?
			    xstrdup(s->counts[k].key) : NULL;
			p->counts[k].n = s->counts[k].n;
		}
		p->answers = xreallocarray(NULL, s->nanswers + 1,
		    sizeof *p->answers);
		for (k = 0; k < s->nanswers; k++) {
			p->answers[k] = s->answers[k];
			model_answer_copy(&p->answers[k].a, &s->answers[k].a);
		}
	}
}

/* ---------------------------------------------------------------- STATE */

/* Append one record; a record that cannot fit a frame is a bug. */
static size_t
model_poll_emit(struct proto_buf *buf, const struct proto_state *rec)
{
	if (proto_enc_state(buf, rec) == 0)
		fatalx("model: STATE record %u does not fit a frame",
		    (unsigned)rec->what);
	return 1;
}

/* Order (participant, card) reaction records. */
static int
model_cmp_reacted(const void *a, const void *b)
{
	const struct pairmap_slot	*x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->a < y->a ? -1 : x->a > y->a;
}

/* The "reacted" records viewer may see (all: everyone's); how many. */
static size_t
model_poll_state_reacted(const struct model *m, uint32_t viewer, bool all,
    struct proto_buf *buf)
{
	const struct pairmap	*pm = &m->priv->reacted;
	struct pairmap_slot	*v;
	struct proto_pair	*pairs;
	struct proto_state	 rec;
	size_t			 i, j, k, n = 0, count = 0;

	v = xreallocarray(NULL, pm->len + 1, sizeof *v);
	for (i = 0; i < pm->cap; i++) {
		if (pm->slots[i].v == 0)
			continue;
		if (!all && pm->slots[i].b != viewer)
			continue;
		v[n++] = pm->slots[i];
	}
	qsort(v, n, sizeof *v, model_cmp_reacted);
	pairs = xreallocarray(NULL, n + 1, sizeof *pairs);
	for (i = 0; i < n; i = j) {
		/* 4000 pairs of at most 15 bytes stay under a frame. */
		for (j = i, k = 0; j < n && v[j].b == v[i].b && k < 4000;
		    j++, k++) {
			pairs[k].a = v[j].a;
			pairs[k].b = v[j].v;
		}
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_REACTED;
		rec.id = v[i].b;
		rec.pairs = pairs;
		rec.npairs = (uint32_t)k;
		count += model_poll_emit(buf, &rec);
	}
	free(pairs);
	free(v);
	return count;
}

/* One "poll" record as viewer sees it (counts: when it may see them). */
static size_t
model_poll_state_one(const struct model_poll *p, bool counts,
    struct proto_buf *buf)
{
	struct proto_state	 rec;
	struct proto_count	*c = NULL;
	uint32_t		 i;
	size_t			 n;

	memset(&rec, 0, sizeof rec);
	rec.what = STATE_POLL;
	rec.id = p->id;
	rec.text = p->question;
	rec.strs = p->choices;
	rec.nstrs = p->nchoices;
	rec.closed = p->closed;
	rec.created_ms = p->opened_ms;
	rec.ended_ms = p->closed_ms;
	if (counts && p->ncounts != 0) {
		c = xreallocarray(NULL, p->ncounts, sizeof *c);
		for (i = 0; i < p->ncounts; i++) {
			c[i].text = p->counts[i].text;
			c[i].n = p->counts[i].n;
		}
		rec.counts = c;
		rec.ncounts = p->ncounts;
	}
	n = model_poll_emit(buf, &rec);
	free(c);
	return n;
}

/*
 * The records of polls and reactions viewer may see (0: a snapshot, all
 * of them; fac: with a facilitator's eyes).
 */
size_t
model_poll_state_write(const struct model *m, uint32_t viewer, bool fac,
    struct proto_buf *buf)
{
	const struct model_poll	*p;
	const struct model_card	*c;
	struct proto_state	 rec;
	size_t			 i, k, n = 0;

	for (i = 0; i < m->npolls; i++) {
		p = &m->polls[i];
		n += model_poll_state_one(p, viewer == 0 || p->closed ||
		    m->settings.live_polls, buf);
		for (k = 0; k < p->nanswers; k++) {
			if (viewer != 0 && p->answers[k].participant != viewer)
				continue;
			memset(&rec, 0, sizeof rec);
			rec.what = STATE_ANSWER;
			rec.id = p->id;
			rec.author = p->answers[k].participant;
			rec.answer = p->answers[k].a;
			rec.seq = p->answers[k].seq;
			n += model_poll_emit(buf, &rec);
		}
	}
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (c->reactions[0] == 0 && c->reactions[1] == 0 &&
		    c->reactions[2] == 0)
			continue;
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_REACTIONS;
		rec.id = c->id;
		memcpy(rec.reacts, c->reactions, sizeof rec.reacts);
		n += model_poll_emit(buf, &rec);
	}
	n += model_poll_state_reacted(m, viewer, viewer == 0 || fac ||
	    !m->settings.anonymous, buf);
	return n;
}

/* Read a "poll" record. */
static int
model_poll_state_poll(struct model *m, const struct proto_state *rec)
{
	struct model_poll	*p;

	if (rec->id == 0 || model_poll(m, rec->id) != NULL ||
	    (m->npolls > 0 && m->polls[m->npolls - 1].id > rec->id) ||
	    rec->nstrs == 1 || rec->nstrs > PROTO_CHOICES_MAX)
		return -1;
	model_poll_open(m, rec->id, rec->text, rec->strs, rec->nstrs,
	    rec->created_ms);
	p = model_poll(m, rec->id);
	p->closed = rec->closed;
	p->closed_ms = rec->ended_ms;
	if (rec->ncounts == 0 && (p->closed || p->nchoices == 0)) {
		model_counts_free(p->counts, p->ncounts);
		p->counts = NULL;
		p->ncounts = 0;
	} else if (rec->ncounts != 0) {
		/* An open choice poll counts every choice, in order. */
		if (!p->closed && p->nchoices != 0 &&
		    rec->ncounts != p->nchoices)
			return -1;
		model_counts_free(p->counts, p->ncounts);
		p->counts = model_counts_from(p, rec->counts, rec->ncounts);
		p->ncounts = rec->ncounts;
	}
	return 0;
}

/* Read one record of polls or reactions; -1 if it cannot be sound. */
int
model_poll_state_read(struct model *m, const struct proto_state *rec)
{
	struct model_poll	*p;
	struct model_card	*c;
	uint32_t		 i, k;

	switch (rec->what) {
	case STATE_POLL:
		return model_poll_state_poll(m, rec);
	case STATE_ANSWER:
		if ((p = model_poll(m, rec->id)) == NULL || rec->author == 0 ||
		    !rec->answer.set)
			return -1;
		model_poll_remember(p, rec->author, rec->seq, &rec->answer);
		return 0;
	case STATE_REACTIONS:
		if ((c = model_card(m, rec->id)) == NULL)
			return -1;
		memcpy(c->reactions, rec->reacts, sizeof c->reactions);
		return 0;
	case STATE_REACTED:
		if (rec->id == 0 || rec->id > UINT32_MAX)
			return -1;
		for (i = 0; i < rec->npairs; i++) {
			k = (uint32_t)rec->pairs[i].b;
			if (rec->pairs[i].a == 0 || rec->pairs[i].b == 0 ||
			    rec->pairs[i].b >= 1u << PROTO_REACTIONS)
				return -1;
			pairmap_set(&m->priv->reacted, rec->pairs[i].a,
			    rec->id, k);
		}
		return 0;
	}
	return 0;
}

/* Rough size of the polls' and reactions' records for a participant. */
size_t
model_poll_state_size(const struct model *m)
{
	size_t	n = 0, i, k;

	for (i = 0; i < m->npolls; i++) {
		n += 48 + strlen(m->polls[i].question);
		for (k = 0; k < m->polls[i].ncounts; k++)
			n += 12 + strlen(m->polls[i].counts[k].text);
		for (k = 0; k < m->polls[i].nchoices; k++)
			n += 2 + strlen(m->polls[i].choices[k]);
	}
	/* Reactions: a record per card with some, a few pairs each. */
	n += m->priv->reacted.len * 12;
	return n;
}
