/*
 * test_model.c -- the board reducer: every op's rule and effect, followups,
 * privacy, exactly-once bookkeeping, STATE records and determinism.
 *
 * Events are built by hand (put) or made by srv(), which plays the server
 * through model_submit, followups included; observers, when set, fold the
 * variant model_redact gives them, as a client replica would.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "proto.h"
#include "rotation.h"
#include "tsupport.h"

#define T0	1700000000000LL

/* The server's clock for the next event (each test runs in its own process). */
static int64_t	now = T0;
/* Seq of the last event srv() made from an op (not its followups). */
static uint64_t	last;
/* The op of that event as applied, derived fields included (owned). */
static struct proto_op	last_op;

/* Replicas fed with the variant each viewer receives. */
struct observer {
	struct model	*m;
	uint32_t	 viewer;
};
static struct observer	obs[2];
static size_t		nobs;

/*
 * Feed ev, as each observer may see it, to the observers o[0..nobs) (the
 * sink srv() gives model_submit: it runs once ev is applied).
 */
static void
observe(void *o, const struct model *m, const struct proto_event *ev)
{
	struct observer		*ob = o;
	struct proto_event	 red;
	size_t			 i;

	for (i = 0; i < nobs; i++) {
		model_redact(m, ev, model_audience(m, ev, ob[i].viewer), &red);
		cr_assert_eq(model_apply(ob[i].m, &red, now, NULL), 0);
	}
}

/* Apply an event with the next seq; feed the observers if m is the server. */
static uint64_t
put_ex(struct model *m, uint32_t origin, uint32_t op_id, struct proto_op op,
    bool feed)
{
	struct proto_event	e;

	memset(&e, 0, sizeof e);
	e.seq = m->head + 1;
	e.origin = origin;
	e.op_id = op_id;
	e.op = op;
	cr_assert_eq(model_apply(m, &e, now, NULL), 0);
	if (feed)
		observe(obs, m, &e);
	return e.seq;
}

/* Apply an event with the next seq (op_id = seq for a person's event). */
static uint64_t
put(struct model *m, uint32_t origin, struct proto_op op)
{
	return put_ex(m, origin, origin != 0 ? (uint32_t)m->head + 1 : 0, op,
	    true);
}

/* Assert that two events carry the same fields. */
static void
assert_same_event(const struct proto_event *a, const struct proto_event *b)
{
	const struct proto_op	*x = &a->op, *y = &b->op;

	cr_assert_eq(a->seq, b->seq);
	cr_assert_eq(a->origin, b->origin);
	cr_assert_eq(a->op_id, b->op_id);
	cr_assert_eq(x->kind, y->kind);
	cr_assert_eq(x->hidden, y->hidden);
	cr_assert_eq(x->card, y->card);
	cr_assert_eq(x->table, y->table);
	cr_assert_eq(x->parent, y->parent);
	cr_assert_eq(x->head, y->head);
	cr_assert_eq(x->delta, y->delta);
	cr_assert_eq(x->flag, y->flag);
	cr_assert_eq(x->participant, y->participant);
	cr_assert_eq(x->phase, y->phase);
	cr_assert_eq(x->role, y->role);
	cr_assert_eq(x->action, y->action);
	cr_assert_eq(x->view, y->view);
	cr_assert_eq(x->seconds, y->seconds);
	cr_assert_str_eq(x->text != NULL ? x->text : "",
	    y->text != NULL ? y->text : "");
	cr_assert_eq(x->settings.has, y->settings.has);
	cr_assert_eq(x->remaining_ms, y->remaining_ms);
	cr_assert_eq(x->running, y->running);
	cr_assert(memcmp(x->client, y->client, PROTO_CLIENT_LEN) == 0);
	cr_assert_eq(x->npairs, y->npairs);
	cr_assert_eq(x->pairs, y->pairs);
}

/* Free the owned ops model_followups handed out. */
static void
ops_free(struct proto_op *ops, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		proto_op_free(&ops[i]);
	free(ops);
}

/* srv()'s applied hook: the observers fold it; the op's own is kept. */
static void
srv_applied(void *arg, const struct model *m, const struct proto_event *ev)
{
	observe(arg, m, ev);
	if (last_op.kind == 0)
		proto_op_dup(&last_op, &ev->op);
}

/* Play the server through model_submit; returns the REJECT code. */
static int
srv(struct model *m, uint32_t who, struct proto_op op)
{
	const struct model_sink	 sink = { NULL, srv_applied, obs };
	const char		*why = NULL;
	uint64_t		 seq = m->head + 1;
	int			 code;

	proto_op_free(&last_op);
	code = model_submit(m, who, NULL, who != 0 ? (uint32_t)seq : 0, &op,
	    now, &sink, &why);
	if (code != 0) {
		cr_assert_not_null(why);
		return code;
	}
	last = seq;
	return 0;
}

/* srv() that must succeed; returns the event's seq (a new card's id). */
static uint64_t
ok(struct model *m, uint32_t who, struct proto_op op)
{
	int	code = srv(m, who, op);

	cr_assert_eq(code, 0, "op kind %u refused with %d", op.kind, code);
	return last;
}

/* A client id made of one repeated byte. */
static void
client_id(uint8_t *c, uint8_t b)
{
	memset(c, b, PROTO_CLIENT_LEN);
}

/* The server-made joined of participant id with name and client byte b. */
static void
join(struct model *m, uint32_t id, const char *name, uint8_t b)
{
	struct proto_op	op = OP(.kind = OP_JOINED, .participant = id,
			    .text = (char *)name);

	client_id(op.client, b);
	put(m, 0, op);
}

/* n copies of unit into out (size outsz). */
static char *
rep(char *out, size_t outsz, const char *unit, size_t n)
{
	size_t	ul = strlen(unit), i;

	cr_assert(n * ul < outsz);
	for (i = 0; i < n; i++)
		memcpy(out + i * ul, unit, ul);
	out[n * ul] = '\0';
	return out;
}

/*
 * The usual café: facilitator F, participants A, B (table 1), C (table 2),
 * host H (table 1); phase ideas.
 */
struct fx {
	struct model	*m;
	uint32_t	 f, a, b, c, h;
	uint64_t	 t1, t2;
};

/* Build the usual café. */
static void
fx_init(struct fx *x)
{
	struct model	*m = x->m = model_new("cafe");

	x->f = 1;
	x->a = 2;
	x->b = 3;
	x->c = 4;
	x->h = 5;
	join(m, x->f, "Françoise", 0xf1);
	join(m, x->a, "Amélie", 0xa1);
	join(m, x->b, "Benoît", 0xb1);
	join(m, x->c, "Chloé", 0xc1);
	join(m, x->h, "Hélène", 0xd1);
	ok(m, 0, ROLE(x->f, ROLE_FACILITATOR));
	ok(m, x->f, ROLE(x->h, ROLE_HOST));
	x->t1 = ok(m, x->f, TADD("Comment garantir une bonne orientation ?"));
	x->t2 = ok(m, x->f,
	    TADD("Comment mieux coordonner la réponse publique ?"));
	ok(m, x->a, SIT(x->t1, 0));
	ok(m, x->b, SIT(x->t1, 0));
	ok(m, x->c, SIT(x->t2, 0));
	ok(m, x->f, SIT(x->t1, x->h));
	ok(m, x->f, PHASE(PHASE_IDEAS));
}

/* Release the café and the observers. */
static void
fx_free(struct fx *x)
{
	size_t	i;

	for (i = 0; i < nobs; i++)
		model_free(obs[i].m);
	nobs = 0;
	proto_op_free(&last_op);
	model_free(x->m);
}

/* Add a replica for viewer, starting from a state the viewer may see. */
static struct model *
fx_observe(struct fx *x, uint32_t viewer);

/* ------------------------------------------------------------ STATE helpers */

/* Decoded STATE records of a buffer of frames. */
struct recs {
	struct proto_msg	*msg;
	size_t			 n;
};

/* Decode every frame in b. */
static void
recs_decode(const struct proto_buf *b, struct recs *r)
{
	struct proto_err	err;
	size_t			off = 0, len;

	memset(r, 0, sizeof *r);
	while (off < b->len) {
		cr_assert(off + PROTO_FRAME_HDR <= b->len);
		len = proto_frame_len(b->data + off);
		cr_assert(off + PROTO_FRAME_HDR + len <= b->len);
		r->msg = realloc(r->msg, (r->n + 1) * sizeof *r->msg);
		cr_assert_eq(proto_decode(b->data + off + PROTO_FRAME_HDR, len,
		    &r->msg[r->n], &err), PROTO_OK, "%s", err.text);
		cr_assert_eq(r->msg[r->n].type, PROTO_STATE);
		r->n++;
		off += PROTO_FRAME_HDR + len;
	}
}

/* Free decoded records. */
static void
recs_free(struct recs *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		proto_msg_free(&r->msg[i]);
	free(r->msg);
}

/* The first record of kind what with this id, or NULL. */
static const struct proto_state *
recs_find(const struct recs *r, uint8_t what, uint64_t id)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		if (r->msg[i].u.state.what == what &&
		    (what == STATE_BOARD || what == STATE_TIMER ||
		    r->msg[i].u.state.id == id))
			return &r->msg[i].u.state;
	}
	return NULL;
}

/* How many records of kind what. */
static size_t
recs_count(const struct recs *r, uint8_t what)
{
	size_t	i, n = 0;

	for (i = 0; i < r->n; i++)
		n += r->msg[i].u.state.what == what;
	return n;
}

/* A fresh board rebuilt from the frames in b. */
static struct model *
rebuild(const struct proto_buf *b, int64_t t)
{
	struct model	*m = model_new("other");
	struct recs	 r;
	uint64_t	 head = 0;
	size_t		 i;

	recs_decode(b, &r);
	model_state_begin(m);
	for (i = 0; i < r.n; i++) {
		cr_assert_eq(model_state_read(m, &r.msg[i].u.state, t), 0,
		    "record %zu (what %u)", i, r.msg[i].u.state.what);
		if (r.msg[i].u.state.what == STATE_BOARD)
			head = r.msg[i].u.state.board.head;
	}
	model_state_end(m, head);
	recs_free(&r);
	return m;
}

/* Assert that two boards write the same snapshot bytes. */
static void
assert_same_state(const struct model *x, const struct model *y, uint32_t viewer)
{
	struct proto_buf	a, b;

	proto_buf_init(&a);
	proto_buf_init(&b);
	model_state_write(x, viewer, 0, &a);
	model_state_write(y, viewer, 0, &b);
	cr_assert_eq(a.len, b.len, "state sizes %zu != %zu", a.len, b.len);
	cr_assert(memcmp(a.data, b.data, a.len) == 0, "state bytes differ");
	proto_buf_free(&a);
	proto_buf_free(&b);
}

/* Add a replica for viewer, starting from the state the viewer may see. */
static struct model *
fx_observe(struct fx *x, uint32_t viewer)
{
	struct proto_buf	b;
	struct model		*r;

	proto_buf_init(&b);
	model_state_write(x->m, viewer, 0, &b);
	r = rebuild(&b, now);
	proto_buf_free(&b);
	obs[nobs].m = r;
	obs[nobs].viewer = viewer;
	nobs++;
	return r;
}

/* ---------------------------------------------------------------- basics */

Test(model, new_board_defaults)
{
	struct model	*m = model_new("cafe-2022");

	cr_assert_str_eq(m->name, "cafe-2022");
	cr_assert_str_eq(m->settings.title, "cafe-2022");
	cr_assert_eq(m->phase, PHASE_WELCOME);
	cr_assert_eq(m->round, 1);
	cr_assert_eq(m->settings.dots, 3);
	cr_assert_eq(m->settings.keep, 3);
	cr_assert(m->settings.blind);
	cr_assert_not(m->settings.multi_vote);
	cr_assert_not(m->settings.private_writing);
	cr_assert_not(m->settings.anonymous);
	cr_assert_not(m->settings.freeze_at_zero);
	cr_assert_not(m->settings.locked);
	cr_assert_str_eq(m->settings.code, "");
	cr_assert(m->revealed);
	cr_assert_eq(m->head, 0);
	cr_assert_eq(m->created_ms, 0);
	cr_assert_eq(m->limits.max_tables, MODEL_DEFAULT_MAX_TABLES);
	cr_assert_eq(model_next_participant(m), 1);
	cr_assert_eq(model_least_crowded(m), 0);
	model_free(m);
}

Test(model, seq_gap_refused_and_created_ms)
{
	struct model		*m = model_new("cafe");
	struct proto_event	 e;

	memset(&e, 0, sizeof e);
	e.op = BANNER("Bienvenue");
	e.seq = 2;
	cr_assert_eq(model_apply(m, &e, T0, NULL), -1);
	cr_assert_eq(m->head, 0);
	cr_assert_str_eq(m->banner, "");
	e.seq = 1;
	cr_assert_eq(model_apply(m, &e, T0 + 5, NULL), 0);
	cr_assert_eq(m->head, 1);
	cr_assert_eq(m->created_ms, T0 + 5);
	cr_assert_str_eq(m->banner, "Bienvenue");
	/* Replayed, or from the past: refused, nothing changes. */
	e.op = BANNER("Encore");
	cr_assert_eq(model_apply(m, &e, T0 + 9, NULL), -1);
	cr_assert_str_eq(m->banner, "Bienvenue");
	e.seq = 2;
	cr_assert_eq(model_apply(m, &e, T0 + 9, NULL), 0);
	cr_assert_eq(m->created_ms, T0 + 5);
	model_free(m);
}

Test(model, unknown_kind_and_hidden_vote_only_advance_head)
{
	struct fx		x;
	struct proto_buf	a, b;
	struct model		*before;

	fx_init(&x);
	before = model_clone(x.m);
	put(x.m, 0, OP(.kind = 99, .card = 5, .text = "?"));
	put(x.m, x.a, OP(.kind = OP_VOTE, .hidden = true));
	cr_assert_eq(x.m->head, before->head + 2);
	/* Everything but the head is as it was. */
	proto_buf_init(&a);
	proto_buf_init(&b);
	before->head = x.m->head;
	model_state_write(before, 0, 0, &a);
	model_state_write(x.m, 0, 0, &b);
	cr_assert_eq(a.len, b.len);
	cr_assert(memcmp(a.data, b.data, a.len) == 0);
	proto_buf_free(&a);
	proto_buf_free(&b);
	model_free(before);
	fx_free(&x);
}

Test(model, malformed_ops_are_bad_first)
{
	struct fx	x;

	fx_init(&x);
	/* Bad delta is 1 even out of phase and for a missing card. */
	cr_assert_eq(srv(x.m, x.a, VOTE(999, 2)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.a, VOTE(999, 0)), REJECT_BAD);
	/* Server-made kinds from a person, unknown kinds. */
	cr_assert_eq(srv(x.m, x.f, OP(.kind = OP_TALLY)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.a, OP(.kind = OP_JOINED, .participant = 9,
	    .text = "Zoé")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, OP(.kind = 31)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.a, PHASE(PHASE_COUNT)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, ROLE(x.a, ROLE_COUNT)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_ACTION_COUNT, 5, "")),
	    REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, FOLLOW(FOLLOW_VIEW_COUNT, 0)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = 0)), REJECT_BAD);
	/* An unknown participant may do nothing. */
	cr_assert_eq(srv(x.m, 77, READY(true)), REJECT_FORBIDDEN);
	fx_free(&x);
}

/* ---------------------------------------------------------------- people */

Test(model, joined_records_participant_and_client)
{
	struct model			*m = model_new("cafe");
	struct model_participant	*p;
	uint8_t				 cl[PROTO_CLIENT_LEN];

	now = T0 + 42;
	join(m, 1, "Zoé", 0x11);
	join(m, 2, "Zoe", 0x22);
	join(m, 3, "zoé", 0);
	cr_assert_eq(m->nparticipants, 3);
	p = model_participant(m, 1);
	cr_assert_not_null(p);
	cr_assert_str_eq(p->name, "Zoé");
	cr_assert_eq(p->role, ROLE_PARTICIPANT);
	cr_assert_eq(p->table, 0);
	cr_assert_eq(p->joined_ms, T0 + 42);
	cr_assert_eq(p->client[0], 0x11);
	/* Names are exact bytes: accents and case matter. */
	cr_assert_eq(model_participant_by_name(m, "Zoé")->id, 1);
	cr_assert_eq(model_participant_by_name(m, "Zoe")->id, 2);
	cr_assert_eq(model_participant_by_name(m, "zoé")->id, 3);
	cr_assert_null(model_participant_by_name(m, "ZOÉ"));
	cr_assert_null(model_participant_by_name(m, "Zo"));
	client_id(cl, 0x22);
	cr_assert_eq(model_client_participant(m, cl), 2);
	cr_assert_eq(model_client_last_op(m, cl), 0);
	/* A zero client id is "unknown", never recorded. */
	client_id(cl, 0);
	cr_assert_eq(model_client_participant(m, cl), 0);
	cr_assert_eq(model_next_participant(m), 4);
	cr_assert_null(model_participant(m, 4));
	/* The server checks its own joined: a taken name or id is refused. */
	cr_assert_eq(model_check(m, 0, &OP(.kind = OP_JOINED, .participant = 4,
	    .text = "Zoé"), now, NULL), REJECT_BAD);
	cr_assert_eq(model_check(m, 0, &OP(.kind = OP_JOINED, .participant = 2,
	    .text = "Yves"), now, NULL), REJECT_BAD);
	cr_assert_eq(model_check(m, 0, &OP(.kind = OP_JOINED, .participant = 4,
	    .text = "Yves"), now, NULL), 0);
	m->limits.max_participants = 3;
	cr_assert_eq(model_check(m, 0, &OP(.kind = OP_JOINED, .participant = 4,
	    .text = "Yves"), now, NULL), REJECT_LIMIT);
	model_free(m);
}

Test(model, thousand_participants_by_id_and_name)
{
	struct model	*m = model_new("big");
	char		 name[32];
	uint32_t	 i;

	for (i = 1; i <= 1000; i++) {
		snprintf(name, sizeof name, "Prénom%u", i);
		join(m, i, name, (uint8_t)i);
	}
	for (i = 1; i <= 1000; i++) {
		snprintf(name, sizeof name, "Prénom%u", i);
		cr_assert_eq(model_participant_by_name(m, name)->id, i);
		cr_assert_eq(model_participant(m, i)->id, i);
	}
	cr_assert_null(model_participant_by_name(m, "Prénom1001"));
	model_free(m);
}

Test(model, role_rules_and_effect)
{
	struct fx	x;

	fx_init(&x);
	cr_assert_eq(srv(x.m, x.a, ROLE(x.a, ROLE_FACILITATOR)),
	    REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.h, ROLE(x.a, ROLE_HOST)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, ROLE(42, ROLE_HOST)), REJECT_NOT_FOUND);
	ok(x.m, x.f, ROLE(x.a, ROLE_FACILITATOR));
	cr_assert_eq(model_participant(x.m, x.a)->role, ROLE_FACILITATOR);
	/* Now A may do facilitator things. */
	ok(x.m, x.a, BANNER("Pause café"));
	fx_free(&x);
}

Test(model, table_sit_rules_and_effect)
{
	struct fx	x;

	fx_init(&x);
	cr_assert_eq(model_participant(x.m, x.a)->table, x.t1);
	cr_assert_eq(model_participant(x.m, x.h)->table, x.t1);
	/* Seating someone else is the facilitator's. */
	cr_assert_eq(srv(x.m, x.a, SIT(x.t2, x.b)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.a, SIT(999, 0)), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.f, SIT(x.t2, 42)), REJECT_NOT_FOUND);
	/* Naming oneself is the same as naming nobody. */
	ok(x.m, x.a, SIT(x.t2, x.a));
	cr_assert_eq(model_participant(x.m, x.a)->table, x.t2);
	ok(x.m, x.a, SIT(0, 0));
	cr_assert_eq(model_participant(x.m, x.a)->table, 0);
	ok(x.m, x.f, SIT(x.t2, x.a));
	cr_assert_eq(model_participant(x.m, x.a)->table, x.t2);
	/* Locked: participants stay put, the facilitator still seats. */
	ok(x.m, x.f, SETTINGS(.has = SET_LOCKED, .locked = true));
	cr_assert_eq(srv(x.m, x.a, SIT(x.t1, 0)), REJECT_FROZEN);
	ok(x.m, x.f, SIT(x.t1, x.a));
	/* A closed board still lets people move (not a card op). */
	ok(x.m, x.f, SETTINGS(.has = SET_LOCKED, .locked = false));
	ok(x.m, x.f, PHASE(PHASE_CLOSED));
	ok(x.m, x.b, SIT(x.t2, 0));
	/* An event without the participant seats its origin. */
	put(x.m, x.c, SIT(x.t1, 0));
	cr_assert_eq(model_participant(x.m, x.c)->table, x.t1);
	/* The server has no seat of its own. */
	cr_assert_eq(srv(x.m, 0, SIT(x.t1, 0)), REJECT_NOT_FOUND);
	fx_free(&x);
}

Test(model, seated_and_least_crowded)
{
	struct fx	x;
	uint64_t	t3;

	fx_init(&x);
	ok(x.m, x.f, SIT(x.t2, x.f));		/* not counted: facilitator */
	cr_assert_eq(model_seated(x.m, x.t1), 3);
	cr_assert_eq(model_seated(x.m, x.t2), 1);
	cr_assert_eq(model_seated(x.m, 0), 0);
	cr_assert_eq(model_least_crowded(x.m), x.t2);
	t3 = ok(x.m, x.f, TADD("Troisième question"));
	cr_assert_eq(model_least_crowded(x.m), t3);
	ok(x.m, x.a, SIT(t3, 0));
	/* Ties go to the first table. */
	cr_assert_eq(model_least_crowded(x.m), x.t2);
	fx_free(&x);
}

Test(model, ready_set_and_cleared_by_phase_and_rotate)
{
	struct fx	x;

	fx_init(&x);
	ok(x.m, x.a, READY(true));
	ok(x.m, x.b, READY(true));
	cr_assert(model_participant(x.m, x.a)->ready);
	ok(x.m, x.b, READY(false));
	cr_assert_not(model_participant(x.m, x.b)->ready);
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_not(model_participant(x.m, x.a)->ready);
	ok(x.m, x.a, READY(true));
	ok(x.m, x.f, ROTATE());
	cr_assert_not(model_participant(x.m, x.a)->ready);
	cr_assert_eq(srv(x.m, 0, READY(true)), REJECT_FORBIDDEN);
	fx_free(&x);
}

/* ---------------------------------------------------------------- tables */

Test(model, table_add_and_edit)
{
	struct fx	x;
	char		q[1024];
	uint64_t	t;

	fx_init(&x);
	cr_assert_eq(srv(x.m, x.a, TADD("Ma question")), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, TADD("")), REJECT_LIMIT);
	/* 300 code points of "é" are 600 bytes: allowed; 301 are not. */
	cr_assert_eq(srv(x.m, x.f, TADD(rep(q, sizeof q, "é", 301))),
	    REJECT_LIMIT);
	now = T0 + 7;
	t = ok(x.m, x.f, TADD(rep(q, sizeof q, "é", 300)));
	cr_assert_eq(model_table(x.m, t)->id, t);
	cr_assert_eq(model_table(x.m, t)->created_ms, T0 + 7);
	cr_assert_eq(strlen(model_table(x.m, t)->question), 600);
	cr_assert_eq(model_table_index(x.m, t), 2);
	cr_assert_eq(model_table_index(x.m, 9999), -1);
	cr_assert_eq(srv(x.m, x.f, TEDIT(9999, "Q")), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.f, TEDIT(t, "")), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.a, TEDIT(t, "Q")), REJECT_FORBIDDEN);
	ok(x.m, x.f, TEDIT(t, "« Comment favoriser l'engagement ? »"));
	cr_assert_str_eq(model_table(x.m, t)->question,
	    "« Comment favoriser l'engagement ? »");
	/* The table limit. */
	x.m->limits.max_tables = 3;
	cr_assert_eq(srv(x.m, x.f, TADD("Q4")), REJECT_LIMIT);
	x.m->limits.max_tables = 0;
	ok(x.m, x.f, TADD("Q4"));
	fx_free(&x);
}

/* ---------------------------------------------------------------- cards */

Test(model, card_add_rules)
{
	struct fx	x;
	char		s[4096];
	uint64_t	c, d;

	fx_init(&x);
	/* Not seated there (2), even before the phase is right. */
	cr_assert_eq(srv(x.m, x.c, ADD(x.t1, "Idée", 0)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.a, ADD(999, "Idée", 0)), REJECT_FORBIDDEN);
	/* The facilitator writes anywhere, but the table must exist. */
	cr_assert_eq(srv(x.m, x.f, ADD(999, "Idée", 0)), REJECT_NOT_FOUND);
	ok(x.m, x.f, ADD(x.t2, "Idée de l'animatrice", 0));
	/* Text: 1..500 code points; French accents are 2 bytes each. */
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "", 0)), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, rep(s, sizeof s, "é", 501), 0)),
	    REJECT_LIMIT);
	c = ok(x.m, x.a, ADD(x.t1, rep(s, sizeof s, "é", 500), 0));
	cr_assert_eq(strlen(model_card(x.m, c)->text), 1000);
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, rep(s, sizeof s, "œ", 500), 0)),
	    0);
	/* Parent: a live card of the same table. */
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Réponse", 999)),
	    REJECT_NOT_FOUND);
	d = ok(x.m, x.c, ADD(x.t2, "Sur l'autre table", 0));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Réponse", d)), REJECT_BAD);
	ok(x.m, x.a, ADD(x.t1, "Réponse", c));
	ok(x.m, x.c, DEL(d));
	cr_assert_eq(srv(x.m, x.c, ADD(x.t2, "Réponse", d)), REJECT_NOT_FOUND);
	/* Only in the ideas phase, for everyone. */
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Tard", 0)), REJECT_PHASE);
	cr_assert_eq(srv(x.m, x.f, ADD(x.t1, "Tard", 0)), REJECT_PHASE);
	ok(x.m, x.f, PHASE(PHASE_WELCOME));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Tôt", 0)), REJECT_PHASE);
	fx_free(&x);
}

Test(model, card_add_limit_counts_live_cards)
{
	struct fx	x;
	uint64_t	c;

	fx_init(&x);
	x.m->limits.max_cards = 2;
	c = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	ok(x.m, x.a, ADD(x.t1, "Deux", 0));
	cr_assert_eq(x.m->live_cards, 2);
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Trois", 0)), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, ADD(x.t1, "Trois", 0)), REJECT_LIMIT);
	ok(x.m, x.a, DEL(c));
	cr_assert_eq(x.m->live_cards, 1);
	cr_assert_eq(x.m->ncards, 2);
	ok(x.m, x.a, ADD(x.t1, "Trois", 0));
	fx_free(&x);
}

Test(model, card_add_effect)
{
	struct fx		 x;
	struct model_card	*c;
	uint64_t		 id, r;

	fx_init(&x);
	now = T0 + 1000;
	id = ok(x.m, x.a, ADD(x.t1, "Un guichet unique", 0));
	c = model_card(x.m, id);
	cr_assert_eq(c->id, id);
	cr_assert_eq(c->table, x.t1);
	cr_assert_eq(c->author, x.a);
	cr_assert_str_eq(c->text, "Un guichet unique");
	cr_assert_str_eq(c->title, "");
	cr_assert_eq(c->created_ms, T0 + 1000);
	cr_assert_not(c->hidden);
	cr_assert_not(c->deleted);
	cr_assert_eq(c->parent, 0);
	r = ok(x.m, x.b, ADD(x.t1, "Avec un référent", id));
	cr_assert_eq(model_card(x.m, r)->parent, id);
	/* Private writing hides the text of cards written in ideas. */
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	id = ok(x.m, x.a, ADD(x.t1, "Secret", 0));
	cr_assert(model_card(x.m, id)->hidden);
	cr_assert_str_eq(model_card(x.m, id)->text, "Secret");
	cr_assert_null(model_card(x.m, 9999));
	fx_free(&x);
}

Test(model, card_edit_rules_and_effect)
{
	struct fx	x;
	char		s[2048];
	uint64_t	c;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Brouillon", 0));
	cr_assert_eq(srv(x.m, x.b, EDIT(c, "Pas à moi")), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.h, EDIT(c, "Pas à moi")), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.a, EDIT(999, "Rien")), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.a, EDIT(c, "")), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.a, EDIT(c, rep(s, sizeof s, "à", 501))),
	    REJECT_LIMIT);
	ok(x.m, x.a, EDIT(c, "Version « finale »"));
	cr_assert_str_eq(model_card(x.m, c)->text, "Version « finale »");
	cr_assert(model_card(x.m, c)->edited);
	ok(x.m, x.f, EDIT(c, "Corrigée"));
	/* Group phase: still the author's; vote phase: only a facilitator. */
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.a, EDIT(c, "Regroupée"));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_eq(srv(x.m, x.a, EDIT(c, "Trop tard")), REJECT_PHASE);
	ok(x.m, x.f, EDIT(c, "Ajustée"));
	cr_assert_str_eq(model_card(x.m, c)->text, "Ajustée");
	/* Private writing: an edit in ideas hides the text again. */
	ok(x.m, x.f, PHASE(PHASE_IDEAS));
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	cr_assert_not(model_card(x.m, c)->hidden);
	ok(x.m, x.a, EDIT(c, "Cachée"));
	cr_assert(model_card(x.m, c)->hidden);
	ok(x.m, x.a, DEL(c));
	cr_assert_eq(srv(x.m, x.a, EDIT(c, "Fantôme")), REJECT_NOT_FOUND);
	fx_free(&x);
}

Test(model, card_delete_rules_and_effect)
{
	struct fx		 x;
	struct model_card	*c;
	uint64_t		 id, r, m1;

	fx_init(&x);
	id = ok(x.m, x.a, ADD(x.t1, "À supprimer", 0));
	r = ok(x.m, x.b, ADD(x.t1, "Une réponse", id));
	m1 = ok(x.m, x.b, ADD(x.t1, "Membre", 0));
	cr_assert_eq(srv(x.m, x.b, DEL(id)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.a, DEL(999)), REJECT_NOT_FOUND);
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.b, GROUP(m1, id));
	ok(x.m, x.a, TITLE(id, "Accueil"));
	ok(x.m, x.f, KEEP(id, true));
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	cr_assert_eq(srv(x.m, x.a, DEL(id)), REJECT_PHASE);
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.a, DEL(id));
	c = model_card(x.m, id);
	cr_assert(c->deleted);
	cr_assert_str_eq(c->text, "");
	cr_assert_str_eq(c->title, "");
	cr_assert_not(c->kept);
	cr_assert_eq(x.m->live_cards, 2);
	/* Its cluster dissolves; replies keep their parent. */
	cr_assert_eq(model_card(x.m, m1)->head, 0);
	cr_assert_eq(model_card(x.m, r)->parent, id);
	cr_assert_eq(srv(x.m, x.a, DEL(id)), REJECT_NOT_FOUND);
	/* A facilitator deletes anyone's card, in any open phase. */
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.f, DEL(r));
	cr_assert(model_card(x.m, r)->deleted);
	fx_free(&x);
}

Test(model, card_move_rules_and_effect)
{
	struct fx	x;
	uint64_t	p, c, r, m1;

	fx_init(&x);
	p = ok(x.m, x.a, ADD(x.t1, "Parent", 0));
	c = ok(x.m, x.a, ADD(x.t1, "Carte", p));
	r = ok(x.m, x.b, ADD(x.t1, "Réponse à la carte", c));
	m1 = ok(x.m, x.b, ADD(x.t1, "Membre", 0));
	cr_assert_eq(srv(x.m, x.b, MOVE(c, x.t2)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.a, MOVE(c, 999)), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.a, MOVE(c, x.t1)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.a, MOVE(999, x.t2)), REJECT_NOT_FOUND);
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.b, GROUP(m1, c));
	ok(x.m, x.b, GROUP(c, p));		/* c joins p's cluster */
	cr_assert_eq(model_card(x.m, m1)->head, p);	/* m1 followed c */
	ok(x.m, x.b, GROUP(m1, c));		/* m1 under c: under p (flat) */
	cr_assert_eq(model_card(x.m, m1)->head, p);
	ok(x.m, x.a, MOVE(c, x.t2));
	cr_assert_eq(model_card(x.m, c)->table, x.t2);
	cr_assert_eq(model_card(x.m, c)->parent, 0);
	cr_assert_eq(model_card(x.m, c)->head, 0);
	cr_assert_eq(model_card(x.m, r)->parent, 0);	/* direct reply */
	cr_assert_eq(model_card(x.m, m1)->head, p);	/* not c's member */
	/* Moving a head ungroups its members. */
	ok(x.m, x.f, MOVE(p, x.t2));
	cr_assert_eq(model_card(x.m, m1)->head, 0);
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_eq(srv(x.m, x.a, MOVE(c, x.t1)), REJECT_PHASE);
	ok(x.m, x.f, MOVE(c, x.t1));
	fx_free(&x);
}

/* ---------------------------------------------------------------- frozen */

Test(model, closed_board_freezes_card_ops_for_everyone)
{
	struct fx	x;
	uint64_t	c;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	ok(x.m, x.f, PHASE(PHASE_CLOSED));
	cr_assert(model_frozen(x.m, now));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Encore", 0)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, ADD(x.t1, "Encore", 0)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, EDIT(c, "Non")), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, DEL(c)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, MOVE(c, x.t2)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, GROUP(c, 0)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, TITLE(c, "T")), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, VOTE(c, 1)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.f, KEEP(c, true)), REJECT_FROZEN);
	/* Frozen comes before "not found". */
	cr_assert_eq(srv(x.m, x.a, EDIT(999, "Non")), REJECT_FROZEN);
	/* Facilitator board ops still work. */
	ok(x.m, x.f, BANNER("Merci à toutes et à tous"));
	ok(x.m, x.f, TIMER(TIMER_START, 60, ""));
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	ok(x.m, x.f, KEEP(c, true));
	fx_free(&x);
}

Test(model, locked_board_freezes_participants_not_facilitators)
{
	struct fx	x;
	uint64_t	c;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	ok(x.m, x.f, SETTINGS(.has = SET_LOCKED, .locked = true));
	cr_assert(model_frozen(x.m, now));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Encore", 0)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.a, EDIT(c, "Non")), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.a, DEL(c)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.a, MOVE(c, x.t2)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.h, ADD(x.t1, "Hôte", 0)), REJECT_FROZEN);
	/* Role before frozen: B is refused as a non-author first. */
	cr_assert_eq(srv(x.m, x.b, EDIT(c, "Non")), REJECT_FORBIDDEN);
	ok(x.m, x.f, ADD(x.t1, "Animatrice", 0));
	ok(x.m, x.f, EDIT(c, "Oui"));
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_eq(srv(x.m, x.a, GROUP(c, 0)), REJECT_FROZEN);
	cr_assert_eq(srv(x.m, x.a, TITLE(c, "T")), REJECT_FROZEN);
	ok(x.m, x.f, TITLE(c, "T"));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_eq(srv(x.m, x.a, VOTE(c, 1)), REJECT_FROZEN);
	ok(x.m, x.f, VOTE(c, 1));
	/* Ready is not frozen. */
	ok(x.m, x.a, READY(true));
	fx_free(&x);
}

Test(model, freeze_at_zero_after_timer_end_until_rotate_or_start)
{
	struct fx	x;
	uint64_t	c;

	fx_init(&x);
	ok(x.m, x.f, SETTINGS(.has = SET_FREEZE, .freeze_at_zero = true));
	ok(x.m, x.f, TIMER(TIMER_START, 600, "Tour 1"));
	now += 599 * 1000;
	cr_assert_not(model_frozen(x.m, now));
	c = ok(x.m, x.a, ADD(x.t1, "Juste à temps", 0));
	/* Zero reached, before the server's timer.end: already frozen. */
	now += 1000;
	cr_assert(model_frozen(x.m, now));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Trop tard", 0)), REJECT_FROZEN);
	put(x.m, 0, OP(.kind = OP_TIMER_END, .text = "Tour 1"));
	cr_assert(x.m->timer.ended);
	cr_assert_not(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 0);
	cr_assert_str_eq(x.m->timer.label, "Tour 1");
	now += 60 * 1000;
	cr_assert(model_frozen(x.m, now));
	cr_assert_eq(srv(x.m, x.a, ADD(x.t1, "Trop tard", 0)), REJECT_FROZEN);
	/* Only card.add is frozen; facilitators are exempt. */
	ok(x.m, x.a, EDIT(c, "Juste à temps (corrigée)"));
	ok(x.m, x.f, ADD(x.t1, "Synthèse", 0));
	/* A stop clears the clock that ran out, and so the freeze. */
	ok(x.m, x.f, TIMER(TIMER_STOP, 0, ""));
	cr_assert_not(x.m->timer.ended);
	cr_assert_not(model_frozen(x.m, now));
	put(x.m, 0, OP(.kind = OP_TIMER_END, .text = "Tour 1"));
	cr_assert(model_frozen(x.m, now));
	/* Rotate clears it. */
	ok(x.m, x.f, ROTATE());
	cr_assert_not(x.m->timer.ended);
	cr_assert_not(model_frozen(x.m, now));
	ok(x.m, x.b, ADD(model_participant(x.m, x.b)->table, "Tour 2", 0));
	/* Timer end again, then a start clears it too. */
	ok(x.m, x.f, TIMER(TIMER_START, 10, "Tour 2"));
	put(x.m, 0, OP(.kind = OP_TIMER_END, .text = "Tour 2"));
	cr_assert(model_frozen(x.m, now));
	ok(x.m, x.f, TIMER(TIMER_START, 10, "Rab"));
	cr_assert_not(x.m->timer.ended);
	cr_assert_not(model_frozen(x.m, now));
	/* Without the setting, a timer at zero freezes nothing. */
	put(x.m, 0, OP(.kind = OP_TIMER_END, .text = "Rab"));
	ok(x.m, x.f, SETTINGS(.has = SET_FREEZE, .freeze_at_zero = false));
	cr_assert_not(model_frozen(x.m, now));
	ok(x.m, x.b, ADD(model_participant(x.m, x.b)->table, "Libre", 0));
	fx_free(&x);
}

/* ---------------------------------------------------------------- clusters */

Test(model, group_rules)
{
	struct fx	x;
	uint64_t	a1, a2, c1;

	fx_init(&x);
	a1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	a2 = ok(x.m, x.b, ADD(x.t1, "Deux", 0));
	c1 = ok(x.m, x.c, ADD(x.t2, "Ailleurs", 0));
	cr_assert_eq(srv(x.m, x.a, GROUP(a2, a1)), REJECT_PHASE);
	cr_assert_eq(srv(x.m, x.a, TITLE(a1, "T")), REJECT_PHASE);
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_eq(srv(x.m, x.a, GROUP(999, a1)), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.a, GROUP(a2, 999)), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.a, GROUP(a2, a2)), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.a, GROUP(a2, c1)), REJECT_BAD);
	/* Anyone groups any card, not only their own. */
	ok(x.m, x.c, GROUP(a2, a1));
	cr_assert_eq(model_card(x.m, a2)->head, a1);
	ok(x.m, x.b, DEL(a2));
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_eq(srv(x.m, x.a, GROUP(a1, a2)), REJECT_NOT_FOUND);
	fx_free(&x);
}

Test(model, clusters_are_flat_and_merge)
{
	struct fx	x;
	uint64_t	h1, m1, m2, h2, n1, n2;

	fx_init(&x);
	h1 = ok(x.m, x.a, ADD(x.t1, "Tête 1", 0));
	m1 = ok(x.m, x.a, ADD(x.t1, "Membre 1", 0));
	m2 = ok(x.m, x.a, ADD(x.t1, "Membre 2", 0));
	h2 = ok(x.m, x.b, ADD(x.t1, "Tête 2", 0));
	n1 = ok(x.m, x.b, ADD(x.t1, "Membre 3", 0));
	n2 = ok(x.m, x.b, ADD(x.t1, "Seule", 0));
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.a, GROUP(m1, h1));
	/* Grouping under a member groups under its head. */
	ok(x.m, x.a, GROUP(m2, m1));
	cr_assert_eq(model_card(x.m, m2)->head, h1);
	ok(x.m, x.b, GROUP(n1, h2));
	/* Merging: h2 under m1 takes h2's members to h1. */
	ok(x.m, x.b, GROUP(h2, m1));
	cr_assert_eq(model_card(x.m, h2)->head, h1);
	cr_assert_eq(model_card(x.m, n1)->head, h1);
	cr_assert_eq(model_card(x.m, h1)->head, 0);
	/* A member moves to another cluster. */
	ok(x.m, x.b, GROUP(m2, n2));
	cr_assert_eq(model_card(x.m, m2)->head, n2);
	/* Ungrouping a member. */
	ok(x.m, x.a, GROUP(m1, 0));
	cr_assert_eq(model_card(x.m, m1)->head, 0);
	cr_assert_eq(model_card(x.m, n1)->head, h1);
	/* Ungrouping a head dissolves its cluster. */
	ok(x.m, x.a, GROUP(h1, 0));
	cr_assert_eq(model_card(x.m, h2)->head, 0);
	cr_assert_eq(model_card(x.m, n1)->head, 0);
	cr_assert_eq(model_card(x.m, m2)->head, n2);
	fx_free(&x);
}

Test(model, head_under_own_member_makes_it_the_head)
{
	struct fx	x;
	uint64_t	h, m1, m2;

	fx_init(&x);
	h = ok(x.m, x.a, ADD(x.t1, "Tête", 0));
	m1 = ok(x.m, x.a, ADD(x.t1, "Nouvelle tête", 0));
	m2 = ok(x.m, x.a, ADD(x.t1, "Membre", 0));
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	ok(x.m, x.a, GROUP(m1, h));
	ok(x.m, x.a, GROUP(m2, h));
	ok(x.m, x.a, TITLE(h, "Accueil des publics"));
	ok(x.m, x.a, GROUP(h, m1));
	cr_assert_eq(model_card(x.m, m1)->head, 0);
	cr_assert_eq(model_card(x.m, h)->head, m1);
	cr_assert_eq(model_card(x.m, m2)->head, m1);
	cr_assert_str_eq(model_card(x.m, m1)->title, "Accueil des publics");
	cr_assert_str_eq(model_card(x.m, h)->title, "");
	fx_free(&x);
}

Test(model, cluster_title_rules_and_effect)
{
	struct fx	x;
	char		s[512];
	uint64_t	h, m1;

	fx_init(&x);
	h = ok(x.m, x.a, ADD(x.t1, "Tête", 0));
	m1 = ok(x.m, x.b, ADD(x.t1, "Membre", 0));
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_eq(srv(x.m, x.c, TITLE(999, "T")), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.c, TITLE(h, rep(s, sizeof s, "ê", 81))),
	    REJECT_LIMIT);
	/* A head with no member yet may be titled, by anyone. */
	ok(x.m, x.c, TITLE(h, rep(s, sizeof s, "ê", 80)));
	cr_assert_eq(strlen(model_card(x.m, h)->title), 160);
	ok(x.m, x.c, TITLE(h, ""));
	cr_assert_str_eq(model_card(x.m, h)->title, "");
	/* Titling a member titles its cluster. */
	ok(x.m, x.b, GROUP(m1, h));
	ok(x.m, x.b, TITLE(m1, "Coordination"));
	cr_assert_str_eq(model_card(x.m, h)->title, "Coordination");
	cr_assert_str_eq(model_card(x.m, m1)->title, "");
	fx_free(&x);
}

/* ---------------------------------------------------------------- votes */

Test(model, vote_rules_budget_per_table)
{
	struct fx	x;
	uint64_t	a1, a2, a3, a4, c1;

	fx_init(&x);
	a1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	a2 = ok(x.m, x.a, ADD(x.t1, "Deux", 0));
	a3 = ok(x.m, x.b, ADD(x.t1, "Trois", 0));
	a4 = ok(x.m, x.b, ADD(x.t1, "Quatre", 0));
	c1 = ok(x.m, x.c, ADD(x.t2, "Autre question", 0));
	cr_assert_eq(srv(x.m, x.a, VOTE(a1, 1)), REJECT_PHASE);
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_eq(srv(x.m, x.a, VOTE(999, 1)), REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, 0, VOTE(a1, 1)), REJECT_FORBIDDEN);
	/* Voting for one's own card is allowed; any table may be voted. */
	ok(x.m, x.a, VOTE(a1, 1));
	ok(x.m, x.a, VOTE(a2, 1));
	ok(x.m, x.a, VOTE(a3, 1));
	cr_assert_eq(model_dots_used(x.m, x.a, x.t1), 3);
	cr_assert_eq(srv(x.m, x.a, VOTE(a4, 1)), REJECT_LIMIT);
	/* Dots are per question (table). */
	ok(x.m, x.a, VOTE(c1, 1));
	cr_assert_eq(model_dots_used(x.m, x.a, x.t2), 1);
	/* multi_vote off: one dot per card. */
	cr_assert_eq(srv(x.m, x.c, VOTE(c1, 1)), 0);
	cr_assert_eq(srv(x.m, x.c, VOTE(c1, 1)), REJECT_LIMIT);
	ok(x.m, x.f, SETTINGS(.has = SET_MULTI_VOTE, .multi_vote = true));
	ok(x.m, x.c, VOTE(c1, 1));
	ok(x.m, x.c, VOTE(c1, 1));
	cr_assert_eq(model_votes_of(x.m, x.c, c1), 3);
	cr_assert_eq(srv(x.m, x.c, VOTE(c1, 1)), REJECT_LIMIT);
	cr_assert_eq(model_card(x.m, c1)->votes, 4);
	/* Take-backs. */
	cr_assert_eq(srv(x.m, x.b, VOTE(c1, -1)), REJECT_LIMIT);
	ok(x.m, x.c, VOTE(c1, -1));
	cr_assert_eq(model_votes_of(x.m, x.c, c1), 2);
	cr_assert_eq(model_dots_used(x.m, x.c, x.t2), 2);
	cr_assert_eq(model_card(x.m, c1)->votes, 3);
	ok(x.m, x.a, VOTE(a3, -1));
	ok(x.m, x.a, VOTE(a4, 1));
	cr_assert_eq(model_votes_of(x.m, x.a, a3), 0);
	cr_assert_eq(model_votes_of(x.m, x.a, a4), 1);
	/* Fewer dots: no more votes until back under the budget. */
	ok(x.m, x.f, SETTINGS(.has = SET_DOTS, .dots = 2));
	cr_assert_eq(srv(x.m, x.a, VOTE(a3, 1)), REJECT_LIMIT);
	ok(x.m, x.a, VOTE(a4, -1));
	ok(x.m, x.a, VOTE(a2, -1));
	ok(x.m, x.a, VOTE(a3, 1));
	/* Blind: totals move, shown does not. */
	cr_assert_eq(model_card(x.m, a3)->votes, 1);
	cr_assert_eq(model_card(x.m, a3)->shown, 0);
	fx_free(&x);
}

Test(model, dots_refunded_on_delete_and_move)
{
	struct fx	x;
	uint64_t	a1, a2;

	fx_init(&x);
	a1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	a2 = ok(x.m, x.b, ADD(x.t1, "Deux", 0));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.f, SETTINGS(.has = SET_MULTI_VOTE, .multi_vote = true));
	ok(x.m, x.a, VOTE(a1, 1));
	ok(x.m, x.a, VOTE(a1, 1));
	ok(x.m, x.b, VOTE(a1, 1));
	ok(x.m, x.c, VOTE(a1, 1));
	ok(x.m, x.a, VOTE(a2, 1));
	ok(x.m, x.b, VOTE(a2, 1));
	cr_assert_eq(model_dots_used(x.m, x.a, x.t1), 3);
	cr_assert_eq(model_card(x.m, a1)->votes, 4);
	ok(x.m, x.f, DEL(a1));
	cr_assert_eq(model_votes_of(x.m, x.a, a1), 0);
	cr_assert_eq(model_votes_of(x.m, x.b, a1), 0);
	cr_assert_eq(model_votes_of(x.m, x.c, a1), 0);
	cr_assert_eq(model_dots_used(x.m, x.a, x.t1), 1);
	cr_assert_eq(model_dots_used(x.m, x.b, x.t1), 1);
	cr_assert_eq(model_dots_used(x.m, x.c, x.t1), 0);
	cr_assert_eq(model_card(x.m, a1)->votes, 0);
	/* The dots are usable again. */
	ok(x.m, x.a, VOTE(a2, 1));
	ok(x.m, x.a, VOTE(a2, 1));
	/* Moving a voted card gives its dots back on its old table. */
	ok(x.m, x.f, MOVE(a2, x.t2));
	cr_assert_eq(model_card(x.m, a2)->votes, 0);
	cr_assert_eq(model_votes_of(x.m, x.a, a2), 0);
	cr_assert_eq(model_dots_used(x.m, x.a, x.t1), 0);
	cr_assert_eq(model_dots_used(x.m, x.a, x.t2), 0);
	cr_assert_eq(model_dots_used(x.m, x.b, x.t1), 0);
	ok(x.m, x.a, VOTE(a2, 1));
	cr_assert_eq(model_dots_used(x.m, x.a, x.t2), 1);
	fx_free(&x);
}

Test(model, unblind_vote_shows_totals_at_once)
{
	struct fx	x;
	uint64_t	a1;

	fx_init(&x);
	a1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	ok(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = false));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert(x.m->revealed);
	ok(x.m, x.b, VOTE(a1, 1));
	cr_assert_eq(model_card(x.m, a1)->shown, 1);
	ok(x.m, x.b, VOTE(a1, -1));
	cr_assert_eq(model_card(x.m, a1)->shown, 0);
	/* Refunds show at once too. */
	ok(x.m, x.b, VOTE(a1, 1));
	ok(x.m, x.c, VOTE(a1, 1));
	cr_assert_eq(model_card(x.m, a1)->shown, 2);
	ok(x.m, x.f, MOVE(a1, x.t2));
	cr_assert_eq(model_card(x.m, a1)->votes, 0);
	cr_assert_eq(model_card(x.m, a1)->shown, 0);
	ok(x.m, x.b, VOTE(a1, 1));
	cr_assert_eq(model_card(x.m, a1)->shown, 1);
	ok(x.m, x.f, DEL(a1));
	cr_assert_eq(model_card(x.m, a1)->shown, 0);
	fx_free(&x);
}

/* ---------------------------------------------------------------- timer */

Test(model, timer_derivation_with_explicit_clock)
{
	struct fx	x;
	char		s[512];

	fx_init(&x);
	cr_assert_eq(srv(x.m, x.a, TIMER(TIMER_START, 60, "")),
	    REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_START, 0, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_START, 86401, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_START, 60,
	    rep(s, sizeof s, "é", 81))), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_PAUSE, 0, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_RESUME, 0, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_ADD, 60, "")), REJECT_BAD);
	ok(x.m, x.f, TIMER(TIMER_STOP, 0, ""));

	now = T0;
	ok(x.m, x.f, TIMER(TIMER_START, 600, "Tour 1 — idées"));
	cr_assert(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 600000);
	cr_assert_eq(x.m->timer.ref_ms, T0);
	cr_assert_str_eq(x.m->timer.label, "Tour 1 — idées");
	cr_assert_eq(model_timer_remaining(x.m, T0 + 10000), 590000);
	cr_assert_eq(model_timer_remaining(x.m, T0 - 5000), 600000);
	cr_assert_eq(model_timer_remaining(x.m, T0 + 700000), 0);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_RESUME, 0, "")), REJECT_BAD);

	now = T0 + 10000;
	ok(x.m, x.f, TIMER(TIMER_PAUSE, 0, ""));
	cr_assert_not(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 590000);
	cr_assert_eq(model_timer_remaining(x.m, T0 + 100000), 590000);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_PAUSE, 0, "")), REJECT_BAD);
	/* Adding time to a paused timer keeps it paused. */
	now = T0 + 50000;
	ok(x.m, x.f, TIMER(TIMER_ADD, 30, ""));
	cr_assert_not(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 620000);

	now = T0 + 100000;
	ok(x.m, x.f, TIMER(TIMER_RESUME, 0, ""));
	cr_assert(x.m->timer.running);
	cr_assert_eq(model_timer_remaining(x.m, T0 + 110000), 610000);
	cr_assert_str_eq(x.m->timer.label, "Tour 1 — idées");

	now = T0 + 110000;
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_ADD, 0, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_ADD, 86401, "")), REJECT_BAD);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_ADD, -86401, "")), REJECT_BAD);
	ok(x.m, x.f, TIMER(TIMER_ADD, 60, "ignored"));
	cr_assert(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 670000);
	cr_assert_eq(x.m->timer.ref_ms, T0 + 110000);
	cr_assert_str_eq(x.m->timer.label, "Tour 1 — idées");
	/* Removing more than is left stops at zero, still running. */
	ok(x.m, x.f, TIMER(TIMER_ADD, -700, ""));
	cr_assert_eq(x.m->timer.remaining_ms, 0);
	cr_assert(x.m->timer.running);
	ok(x.m, x.f, TIMER(TIMER_STOP, 0, ""));
	cr_assert_not(x.m->timer.running);
	cr_assert_eq(x.m->timer.remaining_ms, 0);
	cr_assert_eq(srv(x.m, x.f, TIMER(TIMER_RESUME, 0, "")), REJECT_BAD);
	fx_free(&x);
}

Test(model, timer_event_fields_come_from_the_event)
{
	struct model	*m = model_new("cafe");

	/* A replica trusts the event's derived fields and its own clock. */
	put(m, 1, OP(.kind = OP_TIMER, .action = TIMER_START, .seconds = 60,
	    .text = "Go", .remaining_ms = 59000, .running = true));
	cr_assert_eq(m->timer.remaining_ms, 59000);
	cr_assert_eq(m->timer.ref_ms, now);
	cr_assert(m->timer.running);
	cr_assert_str_eq(m->timer.label, "Go");
	model_free(m);
}

/* ---------------------------------------------------------------- rotate */

/* model_met for a hand-built rotation_in. */
static uint32_t
test_met(uint32_t a, uint32_t b, void *arg)
{
	return model_met(arg, a, b);
}

Test(model, rotate_counts_meetings_and_moves_travellers)
{
	struct fx		 x;
	struct rotation_in	 in;
	struct rotation_person	 people[4];
	struct proto_pair	*ref;
	uint64_t		 tables[2];
	uint32_t		 round;

	fx_init(&x);
	cr_assert_eq(srv(x.m, x.a, ROTATE()), REJECT_FORBIDDEN);
	ok(x.m, x.f, SIT(x.t1, x.f));		/* not counted: facilitator */
	ok(x.m, x.a, READY(true));
	put(x.m, 0, OP(.kind = OP_TIMER_END, .text = ""));
	round = x.m->round;

	ok(x.m, x.f, ROTATE());
	/* The seating derived: one pair per seated non-facilitator, by id. */
	cr_assert_eq(last_op.npairs, 4);
	cr_assert_eq(last_op.pairs[0].a, x.a);
	cr_assert_eq(last_op.pairs[1].a, x.b);
	cr_assert_eq(last_op.pairs[2].a, x.c);
	cr_assert_eq(last_op.pairs[3].a, x.h);
	cr_assert_eq(last_op.pairs[3].b, x.t1, "the host stays");
	cr_assert_eq(last_op.pairs[0].b, x.t2, "a traveller moves");
	cr_assert_eq(last_op.pairs[1].b, x.t2);
	cr_assert_eq(last_op.pairs[2].b, x.t1);
	cr_assert_eq(x.m->round, round + 1);
	cr_assert_eq(model_met(x.m, x.a, x.b), 1);
	cr_assert_eq(model_met(x.m, x.b, x.a), 1);
	cr_assert_eq(model_met(x.m, x.a, x.h), 1);
	cr_assert_eq(model_met(x.m, x.b, x.h), 1);
	cr_assert_eq(model_met(x.m, x.a, x.c), 0);
	cr_assert_eq(model_met(x.m, x.a, x.f), 0);
	cr_assert_eq(model_met(x.m, x.a, x.a), 0);
	cr_assert_eq(model_participant(x.m, x.a)->table, x.t2);
	cr_assert_eq(model_participant(x.m, x.c)->table, x.t1);
	cr_assert_eq(model_participant(x.m, x.h)->table, x.t1);
	cr_assert_eq(model_participant(x.m, x.f)->table, x.t1);
	cr_assert_not(model_participant(x.m, x.a)->ready);
	cr_assert_not(x.m->timer.ended);

	/* The second round's seating reads the history: the same as
	 * rotation_compute over the board's own seating and met counts. */
	tables[0] = x.t1;
	tables[1] = x.t2;
	people[0] = (struct rotation_person){ .id = x.a, .table = x.t2,
	    .sat = &tables[0], .nsat = 1 };
	people[1] = (struct rotation_person){ .id = x.b, .table = x.t2,
	    .sat = &tables[0], .nsat = 1 };
	people[2] = (struct rotation_person){ .id = x.c, .table = x.t1,
	    .sat = &tables[1], .nsat = 1 };
	people[3] = (struct rotation_person){ .id = x.h, .table = x.t1,
	    .host = true, .sat = &tables[0], .nsat = 1 };
	memset(&in, 0, sizeof in);
	in.tables = tables;
	in.ntables = 2;
	in.people = people;
	in.npeople = 4;
	in.met = test_met;
	in.met_arg = x.m;
	cr_assert_eq(rotation_compute(&in, &ref), 0);
	ok(x.m, x.f, ROTATE());
	cr_assert_eq(last_op.npairs, 4);
	cr_assert(memcmp(last_op.pairs, ref, 4 * sizeof *ref) == 0);
	free(ref);
	cr_assert_eq(model_met(x.m, x.a, x.b), 2);
	cr_assert_eq(model_met(x.m, x.c, x.h), 1);
	fx_free(&x);
}

Test(model, rotate_event_ignores_unknown_participants)
{
	struct fx		x;
	struct proto_pair	pairs[3];

	fx_init(&x);
	pairs[0] = (struct proto_pair){ x.a, x.t2 };
	pairs[1] = (struct proto_pair){ 999, x.t2 };
	pairs[2] = (struct proto_pair){ x.c, x.t1 };
	put(x.m, x.f, OP(.kind = OP_ROTATE, .pairs = pairs, .npairs = 3));
	cr_assert_eq(x.m->round, 2);
	cr_assert_eq(model_participant(x.m, x.a)->table, x.t2);
	cr_assert_eq(model_participant(x.m, x.c)->table, x.t1);
	cr_assert_eq(model_participant(x.m, x.b)->table, x.t1);
	cr_assert_null(model_participant(x.m, 999));
	fx_free(&x);
}

Test(model, rotate_needs_a_table)
{
	struct model	*m = model_new("vide");

	join(m, 1, "Françoise", 1);
	put(m, 0, ROLE(1, ROLE_FACILITATOR));
	cr_assert_eq(srv(m, 1, ROTATE()), REJECT_NOT_FOUND);
	model_free(m);
}

/* ---------------------------------------------------------------- board ops */

Test(model, phase_rules_and_blind_reset)
{
	struct fx	x;

	fx_init(&x);
	cr_assert_eq(srv(x.m, x.a, PHASE(PHASE_VOTE)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.h, PHASE(PHASE_VOTE)), REJECT_FORBIDDEN);
	cr_assert(x.m->revealed);
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_eq(x.m->phase, PHASE_VOTE);
	cr_assert_not(x.m->revealed);
	/* Back to any phase. */
	ok(x.m, x.f, PHASE(PHASE_WELCOME));
	cr_assert_eq(x.m->phase, PHASE_WELCOME);
	cr_assert(x.m->revealed, "leaving the vote tallied it");
	fx_free(&x);
}

Test(model, banner_follow_keep_settings)
{
	struct fx	x;
	char		s[1024];
	uint64_t	c, seq;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	/* banner: 0..200 code points. */
	cr_assert_eq(srv(x.m, x.a, BANNER("Moi")), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, BANNER(rep(s, sizeof s, "ç", 201))),
	    REJECT_LIMIT);
	ok(x.m, x.f, BANNER(rep(s, sizeof s, "ç", 200)));
	ok(x.m, x.f, BANNER(""));
	cr_assert_str_eq(x.m->banner, "");
	/* follow. */
	cr_assert_eq(srv(x.m, x.a, FOLLOW(FOLLOW_TABLE, x.t1)),
	    REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, FOLLOW(FOLLOW_TABLE, 999)),
	    REJECT_NOT_FOUND);
	cr_assert_eq(srv(x.m, x.f, FOLLOW(FOLLOW_RESULTS, x.t1)), REJECT_BAD);
	seq = ok(x.m, x.f, FOLLOW(FOLLOW_TABLE, x.t2));
	cr_assert_eq(x.m->follow_view, FOLLOW_TABLE);
	cr_assert_eq(x.m->follow_table, x.t2);
	cr_assert_eq(x.m->follow_seq, seq);
	seq = ok(x.m, x.f, FOLLOW(FOLLOW_RESULTS, 0));
	cr_assert_eq(x.m->follow_view, FOLLOW_RESULTS);
	cr_assert_eq(x.m->follow_table, 0);
	cr_assert_eq(x.m->follow_seq, seq);
	/* keep. */
	cr_assert_eq(srv(x.m, x.a, KEEP(c, true)), REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, KEEP(999, true)), REJECT_NOT_FOUND);
	ok(x.m, x.f, KEEP(c, true));
	cr_assert(model_card(x.m, c)->kept);
	ok(x.m, x.f, KEEP(c, false));
	cr_assert_not(model_card(x.m, c)->kept);
	/* settings: limits per key. */
	cr_assert_eq(srv(x.m, x.a, SETTINGS(.has = SET_DOTS, .dots = 5)),
	    REJECT_FORBIDDEN);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_TITLE, .title = "")),
	    REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_TITLE,
	    .title = rep(s, sizeof s, "é", 121))), REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_DOTS, .dots = 0)),
	    REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_DOTS, .dots = 100)),
	    REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_KEEP, .keep = 0)),
	    REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_KEEP, .keep = 100)),
	    REJECT_LIMIT);
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_CODE,
	    .code = rep(s, sizeof s, "é", 65))), REJECT_LIMIT);
	/* A refused key refuses the whole map. */
	cr_assert_eq(srv(x.m, x.f, SETTINGS(.has = SET_DOTS | SET_KEEP,
	    .dots = 5, .keep = 0)), REJECT_LIMIT);
	cr_assert_eq(x.m->settings.dots, 3);
	ok(x.m, x.f, SETTINGS(.has = SET_TITLE | SET_DOTS | SET_MULTI_VOTE |
	    SET_BLIND | SET_PRIVATE | SET_ANONYMOUS | SET_FREEZE | SET_CODE |
	    SET_LOCKED | SET_KEEP, .title = rep(s, sizeof s, "é", 120),
	    .dots = 99, .multi_vote = true, .blind = false,
	    .private_writing = true, .anonymous = true, .freeze_at_zero = true,
	    .code = "Café-2024", .locked = true, .keep = 99));
	cr_assert_eq(strlen(x.m->settings.title), 240);
	cr_assert_eq(x.m->settings.dots, 99);
	cr_assert(x.m->settings.multi_vote);
	cr_assert_not(x.m->settings.blind);
	cr_assert(x.m->settings.private_writing);
	cr_assert(x.m->settings.anonymous);
	cr_assert(x.m->settings.freeze_at_zero);
	cr_assert_str_eq(x.m->settings.code, "Café-2024");
	cr_assert(x.m->settings.locked);
	cr_assert_eq(x.m->settings.keep, 99);
	/* Keys not present stay as they are. */
	ok(x.m, x.f, SETTINGS(.has = SET_DOTS, .dots = 4));
	cr_assert(x.m->settings.multi_vote);
	cr_assert_str_eq(x.m->settings.code, "Café-2024");
	ok(x.m, x.f, SETTINGS(.has = SET_CODE, .code = ""));
	cr_assert_str_eq(x.m->settings.code, "");
	fx_free(&x);
}

Test(model, blind_turned_on_during_vote_hides_again)
{
	struct fx	x;
	uint64_t	c;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	ok(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = false));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.a, VOTE(c, 1));
	cr_assert(x.m->revealed);
	cr_assert_eq(model_card(x.m, c)->shown, 1);
	ok(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = true));
	cr_assert_not(x.m->revealed);
	ok(x.m, x.b, VOTE(c, 1));
	cr_assert_eq(model_card(x.m, c)->votes, 2);
	cr_assert_eq(model_card(x.m, c)->shown, 1);
	fx_free(&x);
}

/* ---------------------------------------------------------------- followups */

/* The followups of a fresh settings/phase event on m, for inspection. */
static size_t
followups_of(struct model *m, uint32_t who, struct proto_op op,
    struct proto_op **ops)
{
	struct proto_event	e;

	cr_assert_eq(model_check(m, who, &op, now, NULL), 0);
	memset(&e, 0, sizeof e);
	e.seq = m->head + 1;
	e.origin = who;
	e.op_id = 1;
	e.op = op;
	cr_assert_eq(model_apply(m, &e, now, NULL), 0);
	return model_followups(m, &e, ops);
}

Test(model, tally_when_blind_vote_closes_exact_ops)
{
	struct fx	 x;
	struct proto_op	*ops;
	uint64_t	 c1, c2, c3, c4;
	size_t		 n;

	fx_init(&x);
	c1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	c2 = ok(x.m, x.a, ADD(x.t1, "Deux", 0));
	c3 = ok(x.m, x.b, ADD(x.t1, "Trois", 0));
	c4 = ok(x.m, x.c, ADD(x.t2, "Quatre", 0));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.a, VOTE(c3, 1));
	ok(x.m, x.b, VOTE(c3, 1));
	ok(x.m, x.a, VOTE(c1, 1));
	ok(x.m, x.c, VOTE(c4, 1));
	ok(x.m, x.c, VOTE(c4, -1));
	/* Votes on c1 and c3; c2 and c4 have none and never had. */
	n = followups_of(x.m, x.f, PHASE(PHASE_HARVEST), &ops);
	cr_assert_eq(n, 1);
	cr_assert_eq(ops[0].kind, OP_TALLY);
	cr_assert_eq(ops[0].npairs, 2);
	cr_assert_eq(ops[0].pairs[0].a, c1);
	cr_assert_eq(ops[0].pairs[0].b, 1);
	cr_assert_eq(ops[0].pairs[1].a, c3);
	cr_assert_eq(ops[0].pairs[1].b, 2);
	put(x.m, 0, ops[0]);
	ops_free(ops, n);
	cr_assert(x.m->revealed);
	cr_assert_eq(model_card(x.m, c3)->shown, 2);
	cr_assert_eq(model_card(x.m, c1)->shown, 1);
	cr_assert_eq(model_card(x.m, c2)->shown, 0);

	/* A second blind round: a take-back to zero still gets a pair. */
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	cr_assert_not(x.m->revealed);
	ok(x.m, x.a, VOTE(c1, -1));
	cr_assert_eq(model_card(x.m, c1)->votes, 0);
	cr_assert_eq(model_card(x.m, c1)->shown, 1);
	n = followups_of(x.m, x.f, PHASE(PHASE_HARVEST), &ops);
	cr_assert_eq(n, 1);
	cr_assert_eq(ops[0].npairs, 2);
	cr_assert_eq(ops[0].pairs[0].a, c1);
	cr_assert_eq(ops[0].pairs[0].b, 0);
	cr_assert_eq(ops[0].pairs[1].a, c3);
	put(x.m, 0, ops[0]);
	ops_free(ops, n);
	cr_assert_eq(model_card(x.m, c1)->shown, 0);
	/* Revealed: no second tally, no followups for other kinds. */
	n = followups_of(x.m, x.f, PHASE(PHASE_CLOSED), &ops);
	cr_assert_eq(n, 0);
	n = followups_of(x.m, x.f, BANNER("Fin"), &ops);
	cr_assert_eq(n, 0);
	fx_free(&x);
}

Test(model, tally_when_blind_turned_off_and_empty_tally)
{
	struct fx	 x;
	struct proto_op	*ops;
	uint64_t	 c;
	size_t		 n;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.b, VOTE(c, 1));
	n = followups_of(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = false),
	    &ops);
	cr_assert_eq(n, 1);
	cr_assert_eq(ops[0].kind, OP_TALLY);
	cr_assert_eq(ops[0].npairs, 1);
	cr_assert_eq(ops[0].pairs[0].a, c);
	cr_assert_eq(ops[0].pairs[0].b, 1);
	ops_free(ops, n);
	fx_free(&x);

	/* No votes at all: one empty tally, so that revealed is shared. */
	fx_init(&x);
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	n = followups_of(x.m, x.f, PHASE(PHASE_HARVEST), &ops);
	cr_assert_eq(n, 1);
	cr_assert_eq(ops[0].kind, OP_TALLY);
	cr_assert_eq(ops[0].npairs, 0);
	put(x.m, 0, ops[0]);
	ops_free(ops, n);
	cr_assert(x.m->revealed);
	/* Blind off from the start: nothing to tally. */
	ok(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = false));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	n = followups_of(x.m, x.f, PHASE(PHASE_HARVEST), &ops);
	cr_assert_eq(n, 0);
	fx_free(&x);
}

Test(model, tally_split_at_4000_pairs)
{
	struct model	*m = model_new("grand");
	struct proto_op	*ops;
	uint64_t	 first = 0, c;
	size_t		 n, i;

	join(m, 1, "Françoise", 1);
	put(m, 0, ROLE(1, ROLE_FACILITATOR));
	c = put(m, 1, TADD("Q"));
	put(m, 1, PHASE(PHASE_IDEAS));
	for (i = 0; i < 4001; i++) {
		c = put(m, 1, ADD(m->tables[0].id, "Idée", 0));
		if (first == 0)
			first = c;
	}
	put(m, 1, PHASE(PHASE_VOTE));
	/* Origins hidden from this replica: totals only. */
	for (i = 0; i < 4001; i++)
		put(m, 0, VOTE(first + i, 1));
	n = followups_of(m, 1, PHASE(PHASE_HARVEST), &ops);
	cr_assert_eq(n, 2);
	cr_assert_eq(ops[0].npairs, 4000);
	cr_assert_eq(ops[1].npairs, 1);
	cr_assert_eq(ops[0].pairs[0].a, first);
	cr_assert_eq(ops[0].pairs[3999].a, first + 3999);
	cr_assert_eq(ops[1].pairs[0].a, first + 4000);
	for (i = 0; i < n; i++)
		put(m, 0, ops[i]);
	ops_free(ops, n);
	cr_assert(m->revealed);
	cr_assert_eq(model_card(m, first + 4000)->shown, 1);
	model_free(m);
}

Test(model, reveal_when_private_writing_ends)
{
	struct fx	 x;
	struct proto_op	*ops;
	uint64_t	 c1, c2, c3, c4;
	size_t		 n;

	fx_init(&x);
	c1 = ok(x.m, x.a, ADD(x.t1, "Visible", 0));
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	c2 = ok(x.m, x.a, ADD(x.t1, "Secret A", 0));
	c3 = ok(x.m, x.c, ADD(x.t2, "Secret C", 0));
	c4 = ok(x.m, x.b, ADD(x.t1, "Secret effacé", 0));
	ok(x.m, x.b, DEL(c4));
	cr_assert_not(model_card(x.m, c1)->hidden);
	cr_assert(model_card(x.m, c2)->hidden);
	/* Staying in ideas reveals nothing. */
	n = followups_of(x.m, x.f, PHASE(PHASE_IDEAS), &ops);
	cr_assert_eq(n, 0);
	n = followups_of(x.m, x.f, PHASE(PHASE_GROUP), &ops);
	cr_assert_eq(n, 2);
	cr_assert_eq(ops[0].kind, OP_REVEAL);
	cr_assert_eq(ops[0].card, c2);
	cr_assert_str_eq(ops[0].text, "Secret A");
	cr_assert_eq(ops[1].card, c3);
	cr_assert_str_eq(ops[1].text, "Secret C");
	put(x.m, 0, ops[0]);
	put(x.m, 0, ops[1]);
	ops_free(ops, n);
	cr_assert_not(model_card(x.m, c2)->hidden);
	cr_assert_not(model_card(x.m, c3)->hidden);
	fx_free(&x);

	/* Turning private writing off in ideas reveals too. */
	fx_init(&x);
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	c1 = ok(x.m, x.a, ADD(x.t1, "Secret", 0));
	n = followups_of(x.m, x.f, SETTINGS(.has = SET_PRIVATE,
	    .private_writing = false), &ops);
	cr_assert_eq(n, 1);
	cr_assert_eq(ops[0].card, c1);
	ops_free(ops, n);
	fx_free(&x);
}

/* ---------------------------------------------------------------- privacy */

Test(model, vote_redaction_blind_and_not)
{
	struct fx		x;
	struct proto_event	e, r;
	uint64_t		c;

	fx_init(&x);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	memset(&e, 0, sizeof e);
	e.seq = x.m->head + 1;
	e.origin = x.b;
	e.op_id = 17;
	e.op = VOTE(c, 1);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);

	cr_assert_eq(model_audience(x.m, &e, x.b), AUDIENCE_SELF);
	cr_assert_eq(model_audience(x.m, &e, x.f), AUDIENCE_FACILITATOR);
	cr_assert_eq(model_audience(x.m, &e, x.a), AUDIENCE_PUBLIC);
	cr_assert_eq(model_audience(x.m, &e, x.h), AUDIENCE_PUBLIC);
	cr_assert_eq(model_audience(x.m, &e, 0), AUDIENCE_SELF);

	model_redact(x.m, &e, AUDIENCE_SELF, &r);
	assert_same_event(&r, &e);
	model_redact(x.m, &e, AUDIENCE_FACILITATOR, &r);
	cr_assert_eq(r.seq, e.seq);
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op_id, 0);
	cr_assert_eq(r.op.kind, OP_VOTE);
	cr_assert_not(r.op.hidden);
	cr_assert_eq(r.op.card, c);
	cr_assert_eq(r.op.delta, 1);
	/* Blind and not revealed: [18, seq, 0, 0, 7]. */
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert_eq(r.seq, e.seq);
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op_id, 0);
	cr_assert_eq(r.op.kind, OP_VOTE);
	cr_assert(r.op.hidden);
	cr_assert_eq(r.op.card, 0);
	cr_assert_eq(r.op.delta, 0);

	/* Not blind: the public sees what facilitators see. */
	ok(x.m, x.f, SETTINGS(.has = SET_BLIND, .blind = false));
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert_not(r.op.hidden);
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op_id, 0);
	cr_assert_eq(r.op.card, c);
	cr_assert_eq(r.op.delta, 1);
	fx_free(&x);
}

Test(model, private_text_and_anonymous_redaction)
{
	struct fx		x;
	struct proto_event	e, r;
	uint64_t		c;

	fx_init(&x);
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS,
	    .private_writing = true, .anonymous = true));
	memset(&e, 0, sizeof e);
	e.seq = x.m->head + 1;
	e.origin = x.a;
	e.op_id = 3;
	e.op = ADD(x.t1, "Mon secret", 0);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	c = e.seq;

	model_redact(x.m, &e, model_audience(x.m, &e, x.a), &r);
	cr_assert_str_eq(r.op.text, "Mon secret");
	cr_assert_eq(r.origin, x.a);
	cr_assert_eq(r.op_id, 3);
	model_redact(x.m, &e, model_audience(x.m, &e, x.f), &r);
	cr_assert_str_eq(r.op.text, "Mon secret");
	cr_assert_eq(r.origin, x.a);
	cr_assert_eq(r.op_id, 3);
	model_redact(x.m, &e, model_audience(x.m, &e, x.b), &r);
	cr_assert_str_eq(r.op.text, "");
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op_id, 0);
	cr_assert_eq(r.op.table, x.t1);
	cr_assert_eq(r.seq, c);
	/* The original is untouched. */
	cr_assert_str_eq(e.op.text, "Mon secret");

	/* A facilitator's edit of A's private card: A still sees the text. */
	e.seq = x.m->head + 1;
	e.origin = x.f;
	e.op_id = 9;
	e.op = EDIT(c, "Secret corrigé");
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	cr_assert_eq(model_audience(x.m, &e, x.a), AUDIENCE_SELF);
	cr_assert_eq(model_audience(x.m, &e, x.b), AUDIENCE_PUBLIC);
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert_str_eq(r.op.text, "");
	cr_assert_eq(r.origin, 0);

	/* Anonymous delete and move: origin hidden from the public only. */
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = false));
	e.seq = x.m->head + 1;
	e.origin = x.a;
	e.op_id = 11;
	e.op = MOVE(c, x.t2);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op_id, 0);
	cr_assert_eq(r.op.table, x.t2);
	model_redact(x.m, &e, AUDIENCE_FACILITATOR, &r);
	cr_assert_eq(r.origin, x.a);
	e.seq = x.m->head + 1;
	e.op = DEL(c);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert_eq(r.origin, 0);
	cr_assert_eq(r.op.card, c);

	/* Not anonymous, not private: the public gets it all. */
	ok(x.m, x.f, SETTINGS(.has = SET_ANONYMOUS, .anonymous = false));
	e.seq = x.m->head + 1;
	e.origin = x.b;
	e.op_id = 12;
	e.op = ADD(x.t1, "Publique", 0);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	assert_same_event(&r, &e);
	fx_free(&x);
}

Test(model, joined_client_zeroed_and_others_identical)
{
	struct fx		x;
	struct proto_event	e, r;
	uint8_t			zero[PROTO_CLIENT_LEN] = { 0 };

	fx_init(&x);
	memset(&e, 0, sizeof e);
	e.seq = x.m->head + 1;
	e.op.kind = OP_JOINED;
	e.op.participant = 6;
	e.op.text = "Yasmine";
	client_id(e.op.client, 0x66);
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	cr_assert_eq(model_audience(x.m, &e, 6), AUDIENCE_SELF);
	model_redact(x.m, &e, model_audience(x.m, &e, 6), &r);
	cr_assert_eq(r.op.client[0], 0x66);
	cr_assert_eq(model_audience(x.m, &e, x.f), AUDIENCE_FACILITATOR);
	model_redact(x.m, &e, AUDIENCE_FACILITATOR, &r);
	cr_assert(memcmp(r.op.client, zero, PROTO_CLIENT_LEN) == 0);
	cr_assert_eq(r.op.participant, 6);
	cr_assert_str_eq(r.op.text, "Yasmine");
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	cr_assert(memcmp(r.op.client, zero, PROTO_CLIENT_LEN) == 0);
	cr_assert_eq(e.op.client[0], 0x66);

	/* Everything else is the same for all three. */
	e.seq = x.m->head + 1;
	e.origin = x.f;
	e.op_id = 4;
	memset(&e.op, 0, sizeof e.op);
	e.op = BANNER("Reprise à 14 h");
	cr_assert_eq(model_apply(x.m, &e, now, NULL), 0);
	model_redact(x.m, &e, AUDIENCE_PUBLIC, &r);
	assert_same_event(&r, &e);
	model_redact(x.m, &e, AUDIENCE_FACILITATOR, &r);
	assert_same_event(&r, &e);
	fx_free(&x);
}

/* ------------------------------------------------------------ exactly once */

Test(model, client_last_op_bookkeeping)
{
	struct model		*m = model_new("cafe");
	struct proto_event	 e;
	uint8_t			 ca[PROTO_CLIENT_LEN], cb[PROTO_CLIENT_LEN];
	uint8_t			 zero[PROTO_CLIENT_LEN] = { 0 };

	join(m, 1, "Amélie", 0xa1);
	client_id(ca, 0xa1);
	client_id(cb, 0xb2);
	cr_assert_eq(model_client_participant(m, ca), 1);
	cr_assert_eq(model_client_last_op(m, ca), 0);
	memset(&e, 0, sizeof e);
	e.origin = 1;
	e.op = READY(true);
	e.seq = m->head + 1;
	e.op_id = 5;
	cr_assert_eq(model_apply(m, &e, now, ca), 0);
	cr_assert_eq(model_client_last_op(m, ca), 5);
	/* Never lowered. */
	e.seq = m->head + 1;
	e.op_id = 3;
	cr_assert_eq(model_apply(m, &e, now, ca), 0);
	cr_assert_eq(model_client_last_op(m, ca), 5);
	e.seq = m->head + 1;
	e.op_id = 6;
	cr_assert_eq(model_apply(m, &e, now, ca), 0);
	cr_assert_eq(model_client_last_op(m, ca), 6);
	/* op_id 0 or no client: nothing recorded. */
	e.seq = m->head + 1;
	e.op_id = 0;
	cr_assert_eq(model_apply(m, &e, now, ca), 0);
	e.seq = m->head + 1;
	e.op_id = 99;
	cr_assert_eq(model_apply(m, &e, now, NULL), 0);
	cr_assert_eq(model_client_last_op(m, ca), 6);
	e.seq = m->head + 1;
	cr_assert_eq(model_apply(m, &e, now, zero), 0);
	cr_assert_eq(model_client_participant(m, zero), 0);
	/* A new client id for the same participant (taken over by name). */
	e.seq = m->head + 1;
	e.op_id = 1;
	cr_assert_eq(model_apply(m, &e, now, cb), 0);
	cr_assert_eq(model_client_participant(m, cb), 1);
	cr_assert_eq(model_client_last_op(m, cb), 1);
	cr_assert_eq(model_client_last_op(m, ca), 6);
	cr_assert_eq(model_participant(m, 1)->client[0], 0xb2);
	/* A refused seq records nothing. */
	e.seq = m->head + 5;
	e.op_id = 50;
	cr_assert_eq(model_apply(m, &e, now, cb), -1);
	cr_assert_eq(model_client_last_op(m, cb), 1);
	model_free(m);
}

/* ---------------------------------------------------------------- STATE */

/* A board that uses every feature, for STATE and determinism tests. */
static void
rich_board(struct fx *x)
{
	struct model	*m;
	struct proto_event e;
	uint8_t		 cl[PROTO_CLIENT_LEN];
	uint64_t	 c1, c2, c3, c4, c5, c6;

	fx_init(x);
	m = x->m;
	ok(m, x->f, SETTINGS(.has = SET_TITLE | SET_CODE | SET_MULTI_VOTE,
	    .title = "Café régional — 2022", .code = "prefecture",
	    .multi_vote = true));
	ok(m, x->f, BANNER("Bienvenue à la préfecture"));
	now += 1000;
	ok(m, x->f, TIMER(TIMER_START, 900, "Tour 1"));
	c1 = ok(m, x->a, ADD(x->t1, "Un parcours fluide, sans ruptures", 0));
	c2 = ok(m, x->b, ADD(x->t1, "Un référent unique", c1));
	c3 = ok(m, x->c, ADD(x->t2, "Des rencontres entreprises", 0));
	ok(m, x->f, SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS,
	    .private_writing = true, .anonymous = true));
	c4 = ok(m, x->a, ADD(x->t1, "Idée « privée » d'Amélie", 0));
	c5 = ok(m, x->c, ADD(x->t2, "Idée privée de Chloé\nsur deux lignes",
	    0));
	c6 = ok(m, x->b, ADD(x->t1, "Effacée", 0));
	ok(m, x->b, DEL(c6));
	ok(m, x->b, EDIT(c2, "Un référent unique, connu de tous"));
	now += 600000;
	put(m, 0, OP(.kind = OP_TIMER_END, .text = "Tour 1"));
	ok(m, x->f, ROTATE());
	ok(m, x->f, PHASE(PHASE_GROUP));
	ok(m, x->f, SETTINGS(.has = SET_ANONYMOUS, .anonymous = false));
	ok(m, x->a, GROUP(c2, c1));
	ok(m, x->a, TITLE(c1, "Parcours"));
	ok(m, x->f, PHASE(PHASE_VOTE));
	ok(m, x->a, VOTE(c1, 1));
	ok(m, x->a, VOTE(c1, 1));
	ok(m, x->b, VOTE(c4, 1));
	ok(m, x->c, VOTE(c3, 1));
	ok(m, x->h, VOTE(c5, 1));
	ok(m, x->h, VOTE(c5, -1));
	ok(m, x->h, VOTE(c4, 1));
	/* Ops from known clients, for the client records. */
	memset(&e, 0, sizeof e);
	e.seq = m->head + 1;
	e.origin = x->a;
	e.op_id = 41;
	e.op = READY(true);
	client_id(cl, 0xa1);
	cr_assert_eq(model_apply(m, &e, now, cl), 0);
	ok(m, x->f, FOLLOW(FOLLOW_TABLE, x->t2));
	now += 5000;
	ok(m, x->f, TIMER(TIMER_START, 300, "Vote"));
	now += 2000;
	ok(m, x->f, TIMER(TIMER_PAUSE, 0, ""));
}

Test(model_state, snapshot_round_trip_is_byte_identical)
{
	struct fx		 x;
	struct proto_buf	 a, b;
	struct model		*y;
	struct recs		 r;
	uint8_t			 cl[PROTO_CLIENT_LEN];

	rich_board(&x);
	proto_buf_init(&a);
	proto_buf_init(&b);
	cr_assert_gt(model_state_write(x.m, 0, 0, &a), 10);
	y = rebuild(&a, now);
	model_state_write(y, 0, 0, &b);
	cr_assert_eq(a.len, b.len, "%zu != %zu", a.len, b.len);
	cr_assert(memcmp(a.data, b.data, a.len) == 0);
	/* What the records carry is what the board knew. */
	cr_assert_str_eq(y->name, "cafe");
	cr_assert_eq(y->head, x.m->head);
	cr_assert_eq(y->created_ms, x.m->created_ms);
	cr_assert_eq(y->ncards, x.m->ncards);
	cr_assert_eq(y->live_cards, x.m->live_cards);
	cr_assert_eq(y->round, 2);
	cr_assert_eq(model_votes_of(y, x.a, y->cards[0].id), 2);
	cr_assert_eq(model_dots_used(y, x.a, x.t1), 2);
	cr_assert_eq(model_dots_used(y, x.h, x.t1), 1);
	cr_assert_eq(model_met(y, x.a, x.b), 1);
	cr_assert_eq(model_met(y, x.b, x.h), 1);
	cr_assert_eq(model_participant_by_name(y, "Chloé")->id, x.c);
	client_id(cl, 0xa1);
	cr_assert_eq(model_client_participant(y, cl), x.a);
	cr_assert_eq(model_client_last_op(y, cl), 41);
	client_id(cl, 0xc1);
	cr_assert_eq(model_client_participant(y, cl), x.c);
	cr_assert_eq(y->timer.remaining_ms, x.m->timer.remaining_ms);
	cr_assert_not(y->timer.running);
	cr_assert_str_eq(y->timer.label, "Vote");
	cr_assert_eq(y->follow_view, FOLLOW_TABLE);
	/* Records are in a fixed order, the snapshot ones included. */
	recs_decode(&a, &r);
	cr_assert_eq(r.msg[0].u.state.what, STATE_BOARD);
	cr_assert_eq(recs_count(&r, STATE_TABLE), 2);
	cr_assert_eq(recs_count(&r, STATE_PARTICIPANT), 5);
	cr_assert_eq(recs_count(&r, STATE_CARD), x.m->ncards);
	cr_assert_eq(recs_count(&r, STATE_TIMER), 1);
	cr_assert_eq(recs_count(&r, STATE_VOTES), 4);
	cr_assert_eq(recs_count(&r, STATE_CLIENT), 5);
	cr_assert_eq(recs_count(&r, STATE_MEET), 3);
	recs_free(&r);
	/* Folding on from both gives the same again: a refund on the
	 * rebuilt board finds the dots the records gave it. */
	ok(x.m, x.f, DEL(x.m->cards[0].id));
	ok(y, x.f, DEL(y->cards[0].id));
	cr_assert_eq(model_dots_used(y, x.a, x.t1), 0);
	cr_assert_eq(model_votes_of(y, x.a, y->cards[0].id), 0);
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	ok(y, x.f, PHASE(PHASE_HARVEST));
	cr_assert(y->revealed);
	assert_same_state(x.m, y, 0);
	model_free(y);
	proto_buf_free(&a);
	proto_buf_free(&b);
	fx_free(&x);
}

Test(model_state, two_folds_and_a_clone_are_byte_identical)
{
	struct fx	 x, z;
	struct model	*c;

	rich_board(&x);
	now = T0;
	rich_board(&z);
	assert_same_state(x.m, z.m, 0);
	assert_same_state(x.m, z.m, x.a);
	assert_same_state(x.m, z.m, x.f);
	/* A clone folds on exactly like its original. */
	c = model_clone(x.m);
	assert_same_state(x.m, c, 0);
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	cr_assert_not(c->revealed, "a clone is independent");
	ok(c, x.f, PHASE(PHASE_HARVEST));
	ok(x.m, x.f, KEEP(x.m->cards[0].id, true));
	ok(c, x.f, KEEP(c->cards[0].id, true));
	assert_same_state(x.m, c, 0);
	model_free(c);
	fx_free(&x);
	fx_free(&z);
}

Test(model_state, output_does_not_depend_on_hash_history)
{
	struct model	*x = model_new("h"), *y;
	uint32_t	 i;
	uint64_t	 t;

	join(x, 1, "F", 1);
	put(x, 0, ROLE(1, ROLE_FACILITATOR));
	t = put(x, 1, TADD("Q"));
	put(x, 1, PHASE(PHASE_IDEAS));
	for (i = 0; i < 300; i++)
		put(x, 1, ADD(t, "c", 0));	/* cards t + 2 .. t + 301 */
	put(x, 1, PHASE(PHASE_VOTE));
	y = model_clone(x);
	/* The same final maps, reached in other orders and through removals. */
	for (i = 0; i < 200; i++)
		put(x, 1, VOTE(t + 2 + i, 1));
	for (i = 200; i-- > 0;)
		put(y, 1, VOTE(t + 2 + i, 1));
	for (i = 0; i < 50; i++) {
		put(y, 1, VOTE(t + 250 + i, 1));
		put(y, 1, VOTE(t + 250 + i, -1));
		put(x, 0, OP(.kind = 99));
		put(x, 0, OP(.kind = 99));
	}
	cr_assert_eq(x->head, y->head);
	cr_assert_eq(model_votes_of(y, 1, t + 260), 0);
	cr_assert_eq(model_dots_used(x, 1, t), 200);
	cr_assert_eq(model_dots_used(y, 1, t), 200);
	assert_same_state(x, y, 0);
	model_free(x);
	model_free(y);
}

Test(model_state, snapshot_map_records_come_sorted)
{
	struct model			*m = model_new("tri");
	struct proto_buf		 b;
	struct recs			 r;
	const struct proto_state	*s, *prev = NULL;
	uint8_t				 cl[PROTO_CLIENT_LEN];
	uint64_t			 t[3], card;
	uint32_t			 i, x = 12345;
	char				 name[32];
	size_t				 k;

	/*
	 * Enough entries for collisions in every map: 300 people (inserted
	 * in reverse id order) with scattered client ids and votes, seated
	 * at three tables of 100, then a rotation: 3 x 4950 meetings.
	 */
	model_state_begin(m);
	for (i = 0; i < 3; i++)
		t[i] = model_insert_table(m, 1000 + i)->id;
	for (card = 2000; card < 2600; card++)
		model_insert_card(m, card)->table = t[card % 3];
	for (i = 300; i >= 1; i--) {
		snprintf(name, sizeof name, "P%u", i);
		model_insert_participant(m, i, name)->table = t[i % 3];
		x = x * 1103515245 + 12345;
		memset(cl, (uint8_t)(x >> 16), sizeof cl);
		cl[3] = (uint8_t)(x >> 8);
		cl[5] = (uint8_t)i;		/* distinct ids */
		cl[6] = (uint8_t)(i >> 8);
		model_set_client(m, cl, i, x % 50);
		model_set_votes(m, i, 2000 + x % 600, 1 + i % 2);
		model_set_votes(m, i, 2000 + (x >> 8) % 600, 1);
	}
	model_state_end(m, 5000);
	cr_assert_eq(model_participant_by_name(m, "P17")->id, 17);
	cr_assert_eq(m->participants[0].id, 1);
	put(m, 0, ROTATE());

	proto_buf_init(&b);
	model_state_write(m, 0, 0, &b);
	recs_decode(&b, &r);
	cr_assert_eq(recs_count(&r, STATE_CLIENT), 300);
	cr_assert_eq(recs_count(&r, STATE_MEET), 3 * 4950);
	cr_assert_eq(recs_count(&r, STATE_VOTES), 300);
	for (k = 0; k < r.n; k++, prev = s) {
		s = &r.msg[k].u.state;
		if (s->what == STATE_MEET)
			cr_assert_lt(s->id, s->author);
		if (s->what == STATE_VOTES) {
			for (i = 1; i < s->npairs; i++)
				cr_assert_lt(s->pairs[i - 1].a, s->pairs[i].a);
		}
		if (prev == NULL || prev->what != s->what)
			continue;
		if (s->what == STATE_CLIENT)
			cr_assert_lt(memcmp(prev->client, s->client,
			    PROTO_CLIENT_LEN), 0, "client records sorted");
		if (s->what == STATE_MEET)
			cr_assert(prev->id < s->id || (prev->id == s->id &&
			    prev->author < s->author), "meet records sorted");
		if (s->what == STATE_VOTES)
			cr_assert_lt(prev->id, s->id, "votes by participant");
	}
	recs_free(&r);
	proto_buf_free(&b);
	model_free(m);
}

Test(model_state, participant_view_redacts)
{
	struct fx			 x;
	struct proto_buf		 b;
	struct recs			 r;
	const struct proto_state	*s;
	uint64_t			 pub, priv_a, priv_c;
	uint8_t				 zero[PROTO_CLIENT_LEN] = { 0 };

	fx_init(&x);
	pub = ok(x.m, x.a, ADD(x.t1, "Publique", 0));
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS,
	    .private_writing = true, .anonymous = true));
	priv_a = ok(x.m, x.a, ADD(x.t1, "Secret d'Amélie", 0));
	priv_c = ok(x.m, x.c, ADD(x.t2, "Secret de Chloé", 0));

	/* B sees neither secret nor author. */
	proto_buf_init(&b);
	model_state_write(x.m, x.b, 0, &b);
	recs_decode(&b, &r);
	s = recs_find(&r, STATE_CARD, priv_a);
	cr_assert_str_eq(s->text, "");
	cr_assert(s->hidden);
	cr_assert_eq(s->author, 0);
	s = recs_find(&r, STATE_CARD, pub);
	cr_assert_str_eq(s->text, "Publique");
	cr_assert_eq(s->author, 0);
	/* Only B's own client id; no client or meet records. */
	s = recs_find(&r, STATE_PARTICIPANT, x.b);
	cr_assert_eq(s->client[0], 0xb1);
	s = recs_find(&r, STATE_PARTICIPANT, x.a);
	cr_assert(memcmp(s->client, zero, PROTO_CLIENT_LEN) == 0);
	cr_assert_str_eq(s->text, "Amélie");
	cr_assert_eq(recs_count(&r, STATE_CLIENT), 0);
	cr_assert_eq(recs_count(&r, STATE_MEET), 0);
	recs_free(&r);

	/* A sees her own secret and authorship. */
	proto_buf_reset(&b);
	model_state_write(x.m, x.a, 0, &b);
	recs_decode(&b, &r);
	s = recs_find(&r, STATE_CARD, priv_a);
	cr_assert_str_eq(s->text, "Secret d'Amélie");
	cr_assert_eq(s->author, x.a);
	s = recs_find(&r, STATE_CARD, priv_c);
	cr_assert_str_eq(s->text, "");
	cr_assert_eq(s->author, 0);
	recs_free(&r);

	/* The facilitator sees everything but others' client ids. */
	proto_buf_reset(&b);
	model_state_write(x.m, x.f, 0, &b);
	recs_decode(&b, &r);
	s = recs_find(&r, STATE_CARD, priv_c);
	cr_assert_str_eq(s->text, "Secret de Chloé");
	cr_assert_eq(s->author, x.c);
	s = recs_find(&r, STATE_PARTICIPANT, x.c);
	cr_assert(memcmp(s->client, zero, PROTO_CLIENT_LEN) == 0);
	cr_assert_eq(recs_count(&r, STATE_CLIENT), 0);
	recs_free(&r);
	proto_buf_free(&b);
	fx_free(&x);
}

Test(model_state, participant_view_of_a_blind_vote)
{
	struct fx			 x;
	struct proto_buf		 b;
	struct recs			 r;
	const struct proto_state	*s;
	uint64_t			 c1, c2;

	fx_init(&x);
	c1 = ok(x.m, x.a, ADD(x.t1, "Un", 0));
	c2 = ok(x.m, x.a, ADD(x.t1, "Deux", 0));
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.a, VOTE(c1, 1));
	ok(x.m, x.b, VOTE(c1, 1));
	ok(x.m, x.b, VOTE(c2, 1));

	proto_buf_init(&b);
	model_state_write(x.m, x.b, 0, &b);
	recs_decode(&b, &r);
	s = recs_find(&r, STATE_CARD, c1);
	cr_assert_eq(s->votes, 0, "blind: votes = shown");
	cr_assert_eq(s->shown, 0);
	cr_assert_eq(recs_count(&r, STATE_VOTES), 1);
	s = recs_find(&r, STATE_VOTES, x.b);
	cr_assert_not_null(s);
	cr_assert_eq(s->npairs, 2);
	cr_assert_eq(s->pairs[0].a, c1);
	cr_assert_eq(s->pairs[0].b, 1);
	cr_assert_eq(s->pairs[1].a, c2);
	recs_free(&r);

	/* B's replica from it: its own dots, totals at 0; a take-back of its
	 * own dot cannot wrap the total below zero. */
	{
		struct model	*rb = rebuild(&b, now);

		cr_assert_eq(model_votes_of(rb, x.b, c1), 1);
		cr_assert_eq(model_dots_used(rb, x.b, x.t1), 2);
		cr_assert_eq(model_card(rb, c1)->votes, 0);
		put_ex(rb, x.b, 0, VOTE(c1, -1), false);
		cr_assert_eq(model_card(rb, c1)->votes, 0);
		cr_assert_eq(model_votes_of(rb, x.b, c1), 0);
		cr_assert_eq(model_dots_used(rb, x.b, x.t1), 1);
		model_free(rb);
	}

	/* C voted nothing: no votes record at all. */
	proto_buf_reset(&b);
	model_state_write(x.m, x.c, 0, &b);
	recs_decode(&b, &r);
	cr_assert_eq(recs_count(&r, STATE_VOTES), 0);
	recs_free(&r);

	/* The facilitator sees the real totals. */
	proto_buf_reset(&b);
	model_state_write(x.m, x.f, 0, &b);
	recs_decode(&b, &r);
	cr_assert_eq(recs_find(&r, STATE_CARD, c1)->votes, 2);
	recs_free(&r);

	/* After the tally, everyone does. */
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	proto_buf_reset(&b);
	model_state_write(x.m, x.c, 0, &b);
	recs_decode(&b, &r);
	cr_assert_eq(recs_find(&r, STATE_CARD, c1)->votes, 2);
	cr_assert_eq(recs_find(&r, STATE_CARD, c1)->shown, 2);
	recs_free(&r);
	proto_buf_free(&b);
	fx_free(&x);
}

Test(model_state, long_votes_record_is_split)
{
	struct model		*m = model_new("big");
	struct proto_buf	 b;
	struct recs		 r;
	struct model		*y;
	size_t			 i, total = 0;

	join(m, 1, "Amélie", 1);
	model_insert_table(m, 2);
	for (i = 0; i < 4500; i++) {
		model_insert_card(m, 10 + i)->table = 2;
		model_set_votes(m, 1, 10 + i, 1 + (uint32_t)(i % 3));
	}
	model_rebuild(m);
	cr_assert_eq(model_dots_used(m, 1, 2), 1500 * (1 + 2 + 3));
	proto_buf_init(&b);
	model_state_write(m, 1, 0, &b);
	recs_decode(&b, &r);
	cr_assert_eq(recs_count(&r, STATE_VOTES), 2);
	for (i = 0; i < r.n; i++) {
		if (r.msg[i].u.state.what != STATE_VOTES)
			continue;
		cr_assert_eq(r.msg[i].u.state.id, 1);
		cr_assert_leq(r.msg[i].u.state.npairs, 4000);
		total += r.msg[i].u.state.npairs;
	}
	cr_assert_eq(total, 4500);
	recs_free(&r);
	/* And it reads back whole. */
	proto_buf_reset(&b);
	model_state_write(m, 0, 0, &b);
	y = rebuild(&b, now);
	cr_assert_eq(model_votes_of(y, 1, 10 + 4499), 1 + 4499 % 3);
	cr_assert_eq(model_dots_used(y, 1, 2), 9000);
	assert_same_state(m, y, 0);
	model_free(y);
	proto_buf_free(&b);
	model_free(m);
}

Test(model_state, read_tolerates_order_and_refuses_nonsense)
{
	struct model		*m = model_new("x");
	struct proto_state	 s;

	model_state_begin(m);
	memset(&s, 0, sizeof s);
	s.what = STATE_CARD;
	s.text = "trois";
	s.id = 30;
	cr_assert_eq(model_state_read(m, &s, now), 0);
	s.id = 10;
	cr_assert_eq(model_state_read(m, &s, now), 0);
	s.id = 20;
	s.deleted = true;
	cr_assert_eq(model_state_read(m, &s, now), 0);
	cr_assert_eq(model_state_read(m, &s, now), -1, "repeated id");
	s.id = 0;
	cr_assert_eq(model_state_read(m, &s, now), -1, "id 0");
	s.what = STATE_WHAT_COUNT;
	cr_assert_eq(model_state_read(m, &s, now), 0, "unknown: ignored");
	memset(&s, 0, sizeof s);
	s.what = STATE_PARTICIPANT;
	s.id = 1;
	s.role = ROLE_COUNT;
	cr_assert_eq(model_state_read(m, &s, now), -1);
	model_state_end(m, 31);
	cr_assert_eq(m->head, 31);
	cr_assert_eq(m->ncards, 3);
	cr_assert_eq(m->cards[0].id, 10);
	cr_assert_eq(m->cards[1].id, 20);
	cr_assert_eq(m->cards[2].id, 30);
	cr_assert_eq(model_card(m, 30), &m->cards[2]);
	cr_assert_eq(model_card(m, 10), &m->cards[0]);
	cr_assert_eq(m->live_cards, 2);
	model_free(m);
}

Test(model_state, timer_record_at_now_and_size_estimate)
{
	struct fx		x;
	struct proto_state	s;
	struct proto_buf	b;
	size_t			est;
	int			i;

	fx_init(&x);
	now = T0 + 1000;
	ok(x.m, x.f, TIMER(TIMER_START, 60, "Tour"));
	model_state_timer(x.m, T0 + 21000, &s);
	cr_assert_eq(s.what, STATE_TIMER);
	cr_assert(s.running);
	cr_assert_eq(s.remaining_ms, 40000);
	cr_assert_str_eq(s.text, "Tour");
	cr_assert_not(s.ended);
	for (i = 0; i < 200; i++)
		ok(x.m, x.a, ADD(x.t1, "Une idée courte, en français", 0));
	proto_buf_init(&b);
	model_state_write(x.m, x.a, 0, &b);
	est = model_state_size(x.m);
	cr_assert_geq(est, b.len);
	cr_assert_leq(est, 3 * b.len);
	proto_buf_free(&b);
	fx_free(&x);
}

/* ---------------------------------------------------------------- replicas */

Test(model_replica, built_from_redacted_events_converges)
{
	struct fx	 x;
	struct model	*rb, *rf;
	uint64_t	 c1, c2, c3;

	fx_init(&x);
	/* B's and F's replicas start from their STATE, then fold events. */
	rb = fx_observe(&x, x.b);
	rf = fx_observe(&x, x.f);
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS,
	    .private_writing = true, .anonymous = true));
	c1 = ok(x.m, x.a, ADD(x.t1, "Secret d'Amélie", 0));
	c2 = ok(x.m, x.b, ADD(x.t1, "Secret de Benoît", 0));
	c3 = ok(x.m, x.c, ADD(x.t2, "Secret de Chloé", 0));
	join(x.m, 6, "Yasmine", 0x66);

	/* What B knows: only their own text and authorship. */
	cr_assert_str_eq(model_card(rb, c1)->text, "");
	cr_assert(model_card(rb, c1)->hidden);
	cr_assert_eq(model_card(rb, c1)->author, 0);
	cr_assert_str_eq(model_card(rb, c2)->text, "Secret de Benoît");
	cr_assert_eq(model_card(rb, c2)->author, x.b);
	cr_assert_eq(model_participant(rb, 6)->client[0], 0);
	cr_assert_eq(model_participant(rb, x.b)->client[0], 0xb1);
	/* The facilitator's replica has all texts and authors. */
	cr_assert_str_eq(model_card(rf, c3)->text, "Secret de Chloé");
	cr_assert_eq(model_card(rf, c3)->author, x.c);

	/* Writing ends: the reveals reach B. */
	ok(x.m, x.f, PHASE(PHASE_GROUP));
	cr_assert_str_eq(model_card(rb, c1)->text, "Secret d'Amélie");
	cr_assert_not(model_card(rb, c1)->hidden);
	ok(x.m, x.a, GROUP(c2, c1));
	ok(x.m, x.c, TITLE(c1, "Secrets"));
	cr_assert_eq(model_card(rb, c2)->head, c1);

	/* A blind vote: B knows their own dots, not the totals. */
	ok(x.m, x.f, PHASE(PHASE_VOTE));
	ok(x.m, x.a, VOTE(c1, 1));
	ok(x.m, x.c, VOTE(c1, 1));
	ok(x.m, x.b, VOTE(c1, 1));
	ok(x.m, x.b, VOTE(c3, 1));
	ok(x.m, x.b, VOTE(c3, -1));
	ok(x.m, x.b, VOTE(c2, 1));
	cr_assert_eq(model_card(x.m, c1)->votes, 3);
	cr_assert_eq(model_card(rb, c1)->votes, 1, "only B's own dot");
	cr_assert_eq(model_votes_of(rb, x.b, c1), 1);
	cr_assert_eq(model_votes_of(rb, x.a, c1), 0);
	cr_assert_eq(model_dots_used(rb, x.b, x.t1), 2);
	cr_assert_eq(model_card(rb, c1)->shown, 0);
	cr_assert_eq(model_card(rf, c1)->votes, 3, "facilitator: totals");
	cr_assert_eq(model_votes_of(rf, x.a, c1), 0, "but not who");
	/* B's replica predicts B's own limits like the server. */
	cr_assert_eq(model_check(rb, x.b, &VOTE(c1, 1), now, NULL),
	    REJECT_LIMIT);
	cr_assert_eq(model_check(rb, x.b, &VOTE(c3, 1), now, NULL), 0);
	ok(x.m, x.f, DEL(c2));
	cr_assert_eq(model_dots_used(rb, x.b, x.t1), 1, "refund seen by B");

	/* The tally makes everyone agree. */
	ok(x.m, x.f, PHASE(PHASE_HARVEST));
	cr_assert_eq(model_card(rb, c1)->votes, 3);
	cr_assert_eq(model_card(rb, c1)->shown, 3);
	cr_assert(rb->revealed);
	ok(x.m, x.f, KEEP(c1, true));
	ok(x.m, x.f, ROTATE());
	/* Each replica now holds exactly what the server would send it. */
	assert_same_state(x.m, rb, x.b);
	assert_same_state(x.m, rf, x.f);
	fx_free(&x);
}

Test(model_replica, clone_predicts_then_matches_the_echo)
{
	struct fx	 x;
	struct model	*rb, *pred;
	uint64_t	 c;

	fx_init(&x);
	rb = fx_observe(&x, x.b);
	c = ok(x.m, x.a, ADD(x.t1, "Idée", 0));
	/* B predicts its own card on a clone of its replica, as it would... */
	pred = model_clone(rb);
	cr_assert_eq(model_submit(pred, x.b, NULL, 1, &ADD(x.t1, "À moi", c),
	    now, NULL, NULL), 0);
	/* ...and the echoed event gives the replica the same card. */
	ok(x.m, x.b, ADD(x.t1, "À moi", c));
	cr_assert_eq(pred->head, rb->head);
	cr_assert_str_eq(model_card(pred, rb->head)->text,
	    model_card(rb, rb->head)->text);
	cr_assert_eq(model_card(pred, rb->head)->parent, c);
	model_free(pred);
	fx_free(&x);
}

/*
 * Cards are named by a number per table: the same on every replica (a
 * participant's, built from a STATE in the middle, with private text), not
 * changed by a deletion, and found back from (table, number).
 */
Test(model_number, per_table_stable_and_the_same_on_every_replica)
{
	struct fx	 x;
	struct model	*rb, *late;
	uint64_t	 a1, a2, b1, a3, a4, r;

	fx_init(&x);
	rb = fx_observe(&x, x.b);
	ok(x.m, x.f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	a1 = ok(x.m, x.a, ADD(x.t1, "Un guichet unique", 0));
	b1 = ok(x.m, x.c, ADD(x.t2, "Des permanences", 0));
	a2 = ok(x.m, x.b, ADD(x.t1, "Un agenda partagé", a1));
	cr_assert_eq(model_card_number(x.m, a1), 1);
	cr_assert_eq(model_card_number(x.m, b1), 1, "numbers are per table");
	cr_assert_eq(model_card_number(x.m, a2), 2);
	/* A deletion renumbers nothing; the next card takes a new number. */
	ok(x.m, x.a, DEL(a1));
	a3 = ok(x.m, x.a, ADD(x.t1, "Un numéro unique", 0));
	cr_assert_eq(model_card_number(x.m, a2), 2);
	cr_assert_eq(model_card_number(x.m, a3), 3);
	cr_assert_eq(model_card_by_number(x.m, x.t1, 1), a1, "deleted, "
	    "still numbered");
	cr_assert_eq(model_card_by_number(x.m, x.t1, 3), a3);
	cr_assert_eq(model_card_by_number(x.m, x.t2, 1), b1);
	cr_assert_eq(model_card_by_number(x.m, x.t1, 4), 0);
	cr_assert_eq(model_card_by_number(x.m, x.t1, 0), 0);
	cr_assert_eq(model_card_number(x.m, 999999), 0);
	/* A replica that only saw redacted events, and one built later
	 * from a STATE, agree with the server. */
	late = fx_observe(&x, x.c);
	a4 = ok(x.m, x.b, ADD(x.t1, "Plus tard", 0));
	(void)a4;
	cr_assert_str_eq(model_card(rb, a3)->text, "", "private to B");
	for (r = 1; r <= x.m->head; r++) {
		if (model_card(x.m, r) == NULL)
			continue;
		cr_assert_eq(model_card_number(rb, r),
		    model_card_number(x.m, r), "card %llu",
		    (unsigned long long)r);
		cr_assert_eq(model_card_number(late, r),
		    model_card_number(x.m, r), "card %llu",
		    (unsigned long long)r);
	}
	cr_assert_eq(model_card_number(late, a4), 4);
	fx_free(&x);
}
