/*
 * replica.c -- the client's copy of the board.
 *
 * confirmed is folded from what the server sent, with the same reducer the
 * server uses.  view is what the user sees: confirmed plus the ops still
 * waiting for their EVENT, applied in order on a clone, so that the user's
 * own changes show at once.  With nothing pending, view is confirmed.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "xmalloc.h"

/*
 * Epochs are unique in the process, so that a layout kept for one replica
 * is never taken for another's at the same address.
 */
static uint64_t	replica_epochs;

/* Everything laid out before is stale: a new epoch. */
static void
replica_new_epoch(struct replica *r)
{
	r->epoch = ++replica_epochs;
	r->touch_clock = 0;
	idmap_clear(&r->touched);
	idmap_clear(&r->touched_tables);
}

/* Card id of confirmed changed alone: stamp it and its table. */
static void
replica_touch(struct replica *r, uint64_t id)
{
	const struct model_card	*c;

	if (id == 0)
		return;
	if (++r->touch_clock == 0) {
		replica_new_epoch(r);
		r->touch_clock = 1;
	}
	idmap_put(&r->touched, id, r->touch_clock);
	if ((c = model_card(r->confirmed, id)) != NULL && c->table != 0)
		idmap_put(&r->touched_tables, c->table, r->touch_clock);
}

/* The stamp of the last change of a card of table in this epoch. */
uint32_t
replica_table_stamp(const struct replica *r, uint64_t table)
{
	uint32_t	v = 0;

	if (table == 0 || !idmap_get(&r->touched_tables, table, &v))
		return 0;
	return v;
}

/* The stamp of card id's last change in this epoch (0: none). */
uint32_t
replica_card_stamp(const struct replica *r, uint64_t id)
{
	uint32_t	v = 0;

	if (id == 0 || !idmap_get(&r->touched, id, &v))
		return 0;
	return v;
}

/* An empty replica of board name. */
void
replica_init(struct replica *r, const char *name)
{
	memset(r, 0, sizeof *r);
	r->confirmed = model_new(name);
	r->view = r->confirmed;
	idmap_init(&r->online);
	idmap_init(&r->touched);
	idmap_init(&r->touched_tables);
	replica_new_epoch(r);
}

/* Release everything. */
void
replica_free(struct replica *r)
{
	size_t	i;

	if (r->view != r->confirmed)
		model_free(r->view);
	model_free(r->confirmed);
	if (r->incoming != NULL)
		model_free(r->incoming);
	for (i = 0; i < r->npending; i++)
		proto_op_free(&r->pending[i].op);
	free(r->pending);
	idmap_free(&r->online);
	idmap_free(&r->touched);
	idmap_free(&r->touched_tables);
	memset(r, 0, sizeof *r);
}

/*
 * The ids of an op that may name what another op made, as bits of
 * struct pending's refs.
 */
static const size_t replica_ref_fields[] = {
	offsetof(struct proto_op, card),
	offsetof(struct proto_op, table),
	offsetof(struct proto_op, parent),
	offsetof(struct proto_op, head),
	offsetof(struct proto_op, into),
	offsetof(struct proto_op, poll),
	offsetof(struct proto_op, canvas),
};
#define REPLICA_NREFS \
	(sizeof replica_ref_fields / sizeof replica_ref_fields[0])

/* The id field bit i of op. */
static uint64_t *
replica_ref(struct proto_op *op, size_t i)
{
	return (uint64_t *)(void *)((char *)op + replica_ref_fields[i]);
}

/* Set the ids that pending op i names by its maker to seq. */
static void
replica_name(struct pending *p, uint64_t seq)
{
	size_t	i;

	for (i = 0; i < REPLICA_NREFS; i++)
		if (p->refs & (1u << i))
			*replica_ref(&p->op, i) = seq;
}

/*
 * Point the ids of pending op i at where its maker is in the prediction
 * being built (the makers come before it); that seq, or 0 when its maker
 * is not in it (refused there, or gone).
 */
static uint64_t
replica_point(struct replica *r, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++) {
		if (r->pending[j].op_id != r->pending[i].needs)
			continue;
		if (r->pending[j].predicted != 0)
			replica_name(&r->pending[i], r->pending[j].predicted);
		return r->pending[j].predicted;
	}
	return 0;
}

/*
 * Rebuild view: a clone of confirmed with every pending op submitted as the
 * server would (model_submit, followups included), keeping nothing.  An op
 * the model would now refuse is left out of the picture (its REJECT will
 * come).
 */
void
replica_predict(struct replica *r, int64_t now)
{
	struct model	*v;
	const char	*why;
	uint64_t	 seq;
	size_t		 i;

	if (r->view != r->confirmed)
		model_free(r->view);
	r->view = r->confirmed;
	r->stale = false;
	r->generation++;
	if (r->npending == 0 || r->me == 0)
		return;
	v = model_clone(r->confirmed);
	for (i = 0; i < r->npending; i++) {
		struct pending *p = &r->pending[i];

		/* What it names is where its maker is in this prediction. */
		p->predicted = 0;
		if (p->needs != 0 && replica_point(r, i) == 0)
			continue;
		seq = v->head + 1;
		p->predicted = model_submit(v, r->me, NULL, p->op_id, &p->op,
		    now, NULL, &why) == 0 ? seq : 0;
	}
	r->view = v;
}

/* The board as the user sees it. */
struct model *
replica_view(struct replica *r, int64_t now)
{
	if (r->stale)
		replica_predict(r, now);
	return r->view;
}

/* Apply one event to confirmed; -1 when it does not follow the head. */
int
replica_event(struct replica *r, const struct proto_event *ev, int64_t now)
{
	if (model_apply(r->confirmed, ev, now, NULL) != 0)
		return -1;
	/*
	 * A card.add or card.edit changes its own card and nothing else a
	 * card's layout reads; the others may change any card.  A hidden op
	 * changes nothing here.
	 */
	if (ev->op.hidden)
		;
	else if (ev->op.kind == OP_CARD_ADD)
		replica_touch(r, ev->seq);
	else if (ev->op.kind == OP_CARD_EDIT)
		replica_touch(r, ev->op.card);
	else
		replica_new_epoch(r);
	r->stale = true;
	r->generation++;
	return 0;
}

/* A STATE catch-up starts: build a fresh model beside the current one. */
void
replica_state_begin(struct replica *r)
{
	if (r->incoming != NULL)
		model_free(r->incoming);
	r->incoming = model_new(r->confirmed->name);
	model_state_begin(r->incoming);
}

/* One STATE record of a catch-up. */
void
replica_state_record(struct replica *r, const struct proto_state *st,
    int64_t now)
{
	if (r->incoming == NULL)
		replica_state_begin(r);
	model_state_read(r->incoming, st, now);
}

/* The catch-up is complete: the new model replaces the old at once. */
void
replica_state_end(struct replica *r, uint64_t head, int64_t now)
{
	if (r->incoming == NULL)
		replica_state_begin(r);
	model_state_end(r->incoming, head);
	if (r->view != r->confirmed)
		model_free(r->view);
	model_free(r->confirmed);
	r->confirmed = r->view = r->incoming;
	r->incoming = NULL;
	replica_new_epoch(r);
	replica_predict(r, now);
}

/* The clock as the server has it now (sent after a replay). */
void
replica_timer(struct replica *r, const struct proto_state *st, int64_t now)
{
	model_state_read(r->confirmed, st, now);
	replica_new_epoch(r);
	r->stale = true;
	r->generation++;
}

/* Someone came or went. */
void
replica_presence(struct replica *r, const struct proto_presence *pr)
{
	if (pr->participant == 0)
		return;
	if (pr->online)
		idmap_put(&r->online, pr->participant, 1);
	else
		idmap_del(&r->online, pr->participant);
	r->generation++;
}

/* ext: who is here now, all at once (a roster client's catch-up). */
void
replica_roster(struct replica *r, const struct proto_roster *ro)
{
	uint32_t	i;

	idmap_clear(&r->online);
	for (i = 0; i < ro->npairs; i++)
		if (ro->pairs[i].a != 0 && ro->pairs[i].a <= UINT32_MAX)
			idmap_put(&r->online, (uint32_t)ro->pairs[i].a, 1);
	r->generation++;
}

/* We lost the connection: we no longer know who is here. */
void
replica_offline_all(struct replica *r)
{
	idmap_clear(&r->online);
	r->generation++;
}

/* True if participant p is online. */
bool
replica_is_online(const struct replica *r, uint32_t p)
{
	return p != 0 && idmap_get(&r->online, p, NULL);
}

/* Participants online. */
size_t
replica_online_count(const struct replica *r)
{
	return r->online.len;
}

/* Queue a copy of op as op_id. */
uint32_t
replica_add_pending(struct replica *r, uint32_t op_id,
    const struct proto_op *op)
{
	struct pending	*p;

	r->pending = xreallocarray(r->pending, r->npending + 1,
	    sizeof *r->pending);
	p = &r->pending[r->npending++];
	memset(p, 0, sizeof *p);
	p->op_id = op_id;
	proto_op_dup(&p->op, op);
	return op_id;
}

/* Forget pending op_id; true if it was pending. */
bool
replica_drop_pending(struct replica *r, uint32_t op_id)
{
	size_t	i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].op_id != op_id)
			continue;
		proto_op_free(&r->pending[i].op);
		memmove(&r->pending[i], &r->pending[i + 1],
		    (r->npending - i - 1) * sizeof *r->pending);
		r->npending--;
		return true;
	}
	return false;
}

/* The pending op whose prediction made id, 0 if none. */
uint32_t
replica_maker(const struct replica *r, uint64_t id)
{
	size_t	i;

	if (id == 0 || !replica_is_pending_id(r, id))
		return 0;
	for (i = 0; i < r->npending; i++)
		if (r->pending[i].predicted == id)
			return r->pending[i].op_id;
	return 0;
}

/*
 * The newest pending op, just queued against the current prediction:
 * each of its ids that an earlier pending op makes there is named by that
 * op from now on (one maker; an id it names by another stays as it is).
 */
void
replica_link_newest(struct replica *r)
{
	struct pending	*p;
	uint32_t	 maker;
	size_t		 i;

	if (r->npending == 0)
		return;
	p = &r->pending[r->npending - 1];
	for (i = 0; i < REPLICA_NREFS; i++) {
		maker = replica_maker(r, *replica_ref(&p->op, i));
		if (maker == 0 || maker == p->op_id ||
		    (p->needs != 0 && maker != p->needs))
			continue;
		p->needs = maker;
		p->refs |= (uint8_t)(1u << i);
	}
}

/* The server gave op_id its seq: the ops that named it name seq now. */
void
replica_resolve(struct replica *r, uint32_t op_id, uint64_t seq)
{
	size_t	i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].needs != op_id)
			continue;
		replica_name(&r->pending[i], seq);
		r->pending[i].needs = 0;
		r->pending[i].refs = 0;
	}
	r->stale = true;
}

/* True if id is a seq the prediction made up (a change not yet confirmed). */
bool
replica_is_pending_id(const struct replica *r, uint64_t id)
{
	/* A table a regroup made carries the seq of its event. */
	if (id >= PROTO_GROUP_BASE)
		return (id - PROTO_GROUP_BASE) / PROTO_GROUP_SPAN >
		    r->confirmed->head;
	return id > r->confirmed->head;
}

/* The cards (or cluster heads) the pending changes touch; *out malloc'd. */
size_t
replica_pending_cards(const struct replica *r, uint64_t **out)
{
	uint64_t	*v;
	size_t		 i, n = 0;

	v = xreallocarray(NULL, r->npending + 1, sizeof *v);
	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].op.card != 0)
			v[n++] = r->pending[i].op.card;
		else if (r->pending[i].op.kind == OP_CLUSTER_TITLE)
			v[n++] = r->pending[i].op.head;
	}
	*out = v;
	return n;
}
