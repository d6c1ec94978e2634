/*
 * actor.c -- the actors of the end-to-end scenario suites: a raw protocol
 * client and the replica it folds from what it receives (see actor.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"

/* Close a client and free its replica (the suite's data stays). */
void
actor_free(struct actor *a)
{
	if (a->open)
		tclient_close(&a->c);
	a->open = false;
	if (a->rep != NULL)
		model_free(a->rep);
	a->rep = NULL;
}

/* An EVENT: in sequence; the suite checks and counts it; then fold it. */
static void
actor_event(struct actor *a, const struct proto_event *ev,
    const uint8_t *body, size_t blen)
{
	uint32_t	me = a->c.participant;

	cr_assert_eq(ev->seq, a->rep->head + 1, "%s: seq %llu after %llu",
	    a->name, (unsigned long long)ev->seq,
	    (unsigned long long)a->rep->head);
	if (a->suite->on_event != NULL)
		a->suite->on_event(a, ev, body, blen);
	if (ev->origin == me && me != 0 && ev->op_id != 0) {
		a->own_op = ev->op_id;
		a->own_seq = ev->seq;
	}
	cr_assert_eq(model_apply(a->rep, ev, ts_wall_ms(), NULL), 0);
	a->c.head = ev->seq;
}

/* A STATE record: the suite checks it (privacy first), then the replica. */
static void
actor_state(struct actor *a, const struct proto_state *st)
{
	a->state_records++;
	if (a->suite->on_state != NULL)
		a->suite->on_state(a, st);
	cr_assert_eq(model_state_read(a->rep, st, ts_wall_ms()), 0,
	    "%s: STATE %u", a->name, st->what);
}

/* Handle one message. */
static void
actor_handle(struct actor *a, const struct proto_msg *m, const uint8_t *body,
    size_t blen)
{
	switch (m->type) {
	case PROTO_WELCOME:
		a->c.participant = m->u.welcome.participant;
		if (m->u.welcome.mode == MODE_STATE) {
			model_state_begin(a->rep);
			a->in_state = true;
		}
		break;
	case PROTO_STATE:
		actor_state(a, &m->u.state);
		break;
	case PROTO_READY:
		if (a->in_state)
			model_state_end(a->rep, m->u.ready);
		a->in_state = false;
		a->ready = true;
		cr_assert_eq(a->rep->head, m->u.ready);
		a->c.head = m->u.ready;
		break;
	case PROTO_EVENT:
		actor_event(a, &m->u.event, body, blen);
		break;
	case PROTO_REJECT:
		a->rej_op = m->u.reject.op_id;
		a->rej_code = m->u.reject.code;
		snprintf(a->rej_text, sizeof a->rej_text, "%s",
		    m->u.reject.text);
		break;
	case PROTO_PING:
		proto_enc_pong(&a->c.out, m->u.token);
		tclient_flush(&a->c);
		break;
	case PROTO_ERROR:
		cr_assert_fail("%s received ERROR %u: %s", a->name,
		    m->u.error.code, m->u.error.text);
		break;
	default:
		break;			/* PRESENCE, PONG */
	}
}

/* Receive and handle one message: 1, or 0 when none came in time. */
int
actor_step(struct actor *a, int timeout_ms)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	uint8_t			*frame;
	size_t			 len;
	int			 rc;

	rc = tclient_recv_frame(&a->c, &frame, &len, timeout_ms);
	if (rc == 0)
		return 0;
	cr_assert_eq(rc, 1, "%s: the server closed the connection", a->name);
	cr_assert_eq(proto_decode(frame + PROTO_FRAME_HDR,
	    len - PROTO_FRAME_HDR, &m, &err), PROTO_OK, "%s: %s", a->name,
	    err.text);
	a->bytes += len;
	actor_handle(a, &m, frame + PROTO_FRAME_HDR, len - PROTO_FRAME_HDR);
	proto_msg_free(&m);
	free(frame);
	return 1;
}

/* HELLO as a (since, a STATE catch-up or not), then WELCOME to READY. */
static void
actor_hello(struct actor *a, struct tserver *srv, uint64_t since, bool state)
{
	int64_t	end;

	a->ready = false;
	cr_assert_eq(tclient_hello_flags(&a->c, a->suite->board, a->name,
	    a->fac ? NULL : a->suite->code, a->fac ? srv->key : NULL, since,
	    state, false), 0);
	end = ts_now_ms() + ACTOR_WAIT_MS;
	while (!a->ready)
		cr_assert(actor_step(a, (int)(end - ts_now_ms())) == 1,
		    "%s: no WELCOME and READY", a->name);
}

/* Connect and join the suite's board as name; with the key when fac. */
void
actor_join(struct actor *a, const struct actor_suite *suite, void *data,
    struct tserver *srv, const char *name, bool fac)
{
	snprintf(a->name, sizeof a->name, "%s", name);
	a->suite = suite;
	a->data = data;
	a->fac = fac;
	a->rep = model_new(suite->board);
	cr_assert_eq(tclient_connect(&a->c, srv, false), 0);
	a->open = true;
	actor_hello(a, srv, 0, false);
}

/* The same client back on a new connection, with a STATE catch-up. */
void
actor_rejoin_state(struct actor *a, struct tserver *srv)
{
	uint8_t		id[PROTO_CLIENT_LEN];
	uint32_t	next = a->c.next_op;

	memcpy(id, a->c.client, sizeof id);
	tclient_close(&a->c);
	a->open = false;
	cr_assert_eq(tclient_connect(&a->c, srv, false), 0);
	a->open = true;
	memcpy(a->c.client, id, sizeof id);
	a->c.next_op = next;
	a->state_records = 0;
	actor_hello(a, srv, a->rep->head, true);
	cr_assert_gt(a->state_records, 0, "%s: no STATE catch-up", a->name);
}

/* Read a's messages until *counter reaches want. */
void
actor_wait_count(struct actor *a, size_t *counter, size_t want,
    const char *what)
{
	int64_t	end = ts_now_ms() + ACTOR_WAIT_MS;

	while (*counter < want)
		cr_assert(actor_step(a, (int)(end - ts_now_ms())) == 1,
		    "%s: no %s", a->name, what);
}

/* Send op; its seq when accepted, -code when refused. */
int64_t
actor_act(struct actor *a, const struct proto_op *op)
{
	uint32_t	id = ++a->c.next_op;
	int64_t		end = ts_now_ms() + ACTOR_WAIT_MS;

	cr_assert_eq(tclient_op_id(&a->c, id, op), 0);
	for (;;) {
		cr_assert(actor_step(a, (int)(end - ts_now_ms())) == 1,
		    "%s: no answer to %s (op %u)", a->name,
		    proto_kind_name(op->kind), id);
		if (a->own_op == id)
			return (int64_t)a->own_seq;
		if (a->rej_op == id)
			return -(int64_t)a->rej_code;
	}
}

/* op must be accepted; its seq. */
uint64_t
actor_ok(struct actor *a, struct proto_op op)
{
	int64_t	rc = actor_act(a, &op);

	cr_assert_gt(rc, 0, "%s: %s refused with REJECT %lld (%s)", a->name,
	    proto_kind_name(op.kind), (long long)-rc, a->rej_text);
	return (uint64_t)rc;
}

/* op must be refused with code (and, unless NULL, this reason). */
void
actor_refused(struct actor *a, struct proto_op op, int code, const char *why)
{
	int64_t	rc = actor_act(a, &op);

	cr_assert_eq(rc, -code, "%s: %s gave %lld, not REJECT %d (%s)",
	    a->name, proto_kind_name(op.kind), (long long)rc, code,
	    a->rej_text);
	if (why != NULL)
		cr_assert_str_eq(a->rej_text, why, "%s: %s refused because "
		    "\"%s\", not \"%s\"", a->name, proto_kind_name(op.kind),
		    a->rej_text, why);
}

/* Into v: fac, then each of the np actors at p; the connected ones only. */
size_t
actor_list(struct actor *fac, struct actor *p, size_t np, struct actor **v)
{
	size_t	i, n = 0;

	if (fac->open)
		v[n++] = fac;
	for (i = 0; i < np; i++)
		if (p[i].open)
			v[n++] = &p[i];
	return n;
}

/* Bring the n actors of v up to the newest seq any of them has; that seq. */
uint64_t
actor_sync(struct actor **v, size_t n)
{
	uint64_t	 head = 0;
	int64_t		 end = ts_now_ms() + ACTOR_WAIT_MS;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (v[i]->rep->head > head)
			head = v[i]->rep->head;
	for (i = 0; i < n; i++)
		while (v[i]->rep->head < head)
			cr_assert(actor_step(v[i], (int)(end - ts_now_ms())) ==
			    1, "%s stays at seq %llu, not %llu", v[i]->name,
			    (unsigned long long)v[i]->rep->head,
			    (unsigned long long)head);
	return head;
}

/*
 * a's replica agrees with f (the facilitator's) on what every scenario
 * plays: the seq, phase, round, banner, reveal, follow view, clock,
 * how many tables, participants and cards, and where everyone sits.
 */
void
actor_check_replica(const struct actor *a, const struct model *f)
{
	const struct model	*m = a->rep;
	size_t			 i;

	cr_assert_eq(m->head, f->head, "%s: seq", a->name);
	cr_assert_eq(m->phase, f->phase, "%s: phase", a->name);
	cr_assert_eq(m->round, f->round, "%s: round", a->name);
	cr_assert_str_eq(m->banner, f->banner);
	cr_assert_eq(m->revealed, f->revealed);
	cr_assert_eq(m->follow_view, f->follow_view);
	cr_assert_eq(m->timer.running, f->timer.running);
	cr_assert_eq(m->ntables, f->ntables, "%s: tables", a->name);
	cr_assert_eq(m->ncards, f->ncards, "%s: cards", a->name);
	cr_assert_eq(m->nparticipants, f->nparticipants);
	for (i = 0; i < f->nparticipants; i++)
		cr_assert_eq(m->participants[i].table,
		    f->participants[i].table, "%s: the seat of %s", a->name,
		    f->participants[i].name);
}
