/*
 * test_pipeline.c -- one op pipeline for every caller.  model_submit
 * (check, derive, sequence, commit, apply, followups) is what the server
 * runs live, what `cafeboard-server create` runs on a board file and what
 * the client's prediction runs on its replica: what each makes of the same
 * ops is the same, byte for byte.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../client/client.h"
#include "boardfile.h"
#include "evlog.h"
#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define T0	1795354200250LL

/* ------------------------------------------------------------ prediction */

/* A server's model and a facilitator's replica fed from it. */
struct pair {
	struct model	*server;
	struct replica	 fac;		/* what the facilitator's client holds */
	uint32_t	 op_id;		/* the facilitator's last op id */
	int64_t		 now;
};

/*
 * The server's applied hook: the facilitator's client folds the event as
 * the server sends it to them, and drops its own op once echoed.
 */
static void
pair_send(void *arg, const struct model *m, const struct proto_event *ev)
{
	struct pair		*p = arg;
	struct proto_event	 red;

	model_redact(m, ev, model_audience(m, ev, p->fac.me), &red);
	cr_assert_eq(replica_event(&p->fac, &red, p->now), 0);
	if (red.origin == p->fac.me && red.op_id != 0)
		replica_drop_pending(&p->fac, red.op_id);
}

/* The server makes op from who; returns the seq of op's own event. */
static uint64_t
pair_serve(struct pair *p, uint32_t who, const struct proto_op *op)
{
	const struct model_sink	 sink = { NULL, pair_send, p };
	const char		*why = NULL;
	uint64_t		 seq = p->server->head + 1;
	uint32_t		 op_id = who == p->fac.me ? ++p->op_id : 0;

	cr_assert_eq(model_submit(p->server, who, NULL, op_id, op, p->now,
	    &sink, &why), 0, "op %u refused: %s", op->kind, why);
	return seq;
}

/* The board as viewer sees it, as STATE frames. */
static void
state_of(const struct model *m, uint32_t viewer, int64_t now,
    struct proto_buf *b)
{
	proto_buf_init(b);
	model_state_write(m, viewer, now, b);
}

Test(pipeline, the_prediction_is_what_the_server_makes)
{
	struct proto_op		 ops[3];
	struct proto_buf	 predicted, confirmed;
	struct pair		 p;
	uint64_t		 t, c1, c2, seq[3];
	size_t			 i;

	memset(&p, 0, sizeof p);
	p.now = T0;
	p.server = model_new("cafe");
	replica_init(&p.fac, "cafe");
	p.fac.me = 1;
	pair_serve(&p, 0, &OP(.kind = OP_JOINED, .participant = 1,
	    .text = "Fanny"));
	pair_serve(&p, 0, &OP(.kind = OP_JOINED, .participant = 2,
	    .text = "Amélie"));
	pair_serve(&p, 0, &ROLE(1, ROLE_FACILITATOR));
	t = pair_serve(&p, 1, &TADD("Comment mieux coopérer ?"));
	pair_serve(&p, 2, &SIT(t, 0));
	pair_serve(&p, 1, &PHASE(PHASE_IDEAS));
	c1 = pair_serve(&p, 2, &ADD(t, "Un guichet unique", 0));
	c2 = pair_serve(&p, 2, &ADD(t, "Un référent", 0));
	pair_serve(&p, 1, &PHASE(PHASE_VOTE));
	pair_serve(&p, 2, &VOTE(c1, 1));
	pair_serve(&p, 2, &VOTE(c2, 1));
	pair_serve(&p, 2, &VOTE(c2, -1));
	cr_assert_not(p.fac.confirmed->revealed);

	/*
	 * The facilitator's client queues three ops and predicts them: the
	 * first reopens writing, so the blind vote closes and the server
	 * follows it with a tally, which the next two must count with.
	 */
	ops[0] = PHASE(PHASE_IDEAS);
	ops[1] = ADD(t, "Une idée après le vote", 0);
	ops[2] = KEEP(c1, true);
	for (i = 0; i < 3; i++)
		replica_add_pending(&p.fac, p.op_id + 1 + (uint32_t)i, &ops[i]);
	replica_predict(&p.fac, p.now);
	state_of(replica_view(&p.fac, p.now), 1, p.now, &predicted);
	for (i = 0; i < 3; i++)
		seq[i] = p.fac.pending[i].predicted;

	/* The server makes them; their echoes confirm the prediction. */
	for (i = 0; i < 3; i++)
		cr_assert_eq(pair_serve(&p, 1, &ops[i]), seq[i],
		    "op %zu: predicted as seq %llu", i,
		    (unsigned long long)seq[i]);
	cr_assert_eq(p.fac.npending, 0);
	cr_assert(p.fac.confirmed->revealed, "the tally reached the client");
	cr_assert_eq(model_card(p.fac.confirmed, seq[1])->table, t);
	state_of(replica_view(&p.fac, p.now), 1, p.now, &confirmed);
	cr_assert_eq(predicted.len, confirmed.len, "the predicted board has "
	    "%zu bytes of STATE, the confirmed one %zu", predicted.len,
	    confirmed.len);
	cr_assert(memcmp(predicted.data, confirmed.data, predicted.len) == 0,
	    "the prediction differs from what the server made");
	proto_buf_free(&predicted);
	proto_buf_free(&confirmed);
	replica_free(&p.fac);
	model_free(p.server);
}

/* ------------------------------------------------------ create and live */

static struct tserver	srv;
static struct tclient	fac = { .fd = -1 };

/* Even after a failed assertion: the client, the server, its files. */
static void
live_fini(void)
{
	tclient_close(&fac);
	tserver_cleanup(&srv);
}

/*
 * A board's events or state, made comparable: base is how many seqs came
 * before the ones compared (the facilitator's own arrival on the live
 * board); who made an event and when are left out, as is the facilitator.
 */
struct norm {
	uint32_t	 fac;		/* the live facilitator, 0 offline */
	uint64_t	 base;
	size_t		 n;
	struct proto_buf out;		/* the events or records, re-encoded */
};

/* evlog_open's callback: one event, renumbered, without who or when. */
static int
norm_event(const struct evlog_rec *rec, void *arg)
{
	struct norm		*nm = arg;
	struct proto_msg	 msg;
	struct proto_err	 err;
	struct proto_event	*ev = &msg.u.event;

	cr_assert_eq(proto_decode(rec->body, rec->len, &msg, &err), PROTO_OK,
	    "seq %llu: %s", (unsigned long long)rec->seq, err.text);
	cr_assert_eq(msg.type, PROTO_EVENT);
	if (nm->n == 0 && nm->fac != 0 && ev->origin != nm->fac) {
		/* The facilitator arrives: joined, role. */
		nm->base = ev->seq;
		proto_msg_free(&msg);
		return 0;
	}
	ev->seq -= nm->base;
	/* ext: a canvas.use names a canvas (and maybe a table) by seq. */
	if (ev->op.kind == OP_CANVAS_USE) {
		ev->op.canvas -= nm->base;
		if (ev->op.table != 0)
			ev->op.table -= nm->base;
	}
	ev->origin = 0;
	ev->op_id = 0;
	cr_assert_gt(proto_enc_event(&nm->out, ev), 0);
	nm->n++;
	proto_msg_free(&msg);
	return 0;
}

/* The events of board's log, normalised. */
static void
norm_log(const char *board, struct norm *nm)
{
	struct evlog_report	 rep;
	struct evlog		*log;
	char			 path[256], err[256];

	snprintf(path, sizeof path, "%s/%s/events.log", srv.data, board);
	log = evlog_open(path, EVLOG_READONLY, norm_event, nm, &rep, err,
	    sizeof err);
	cr_assert_not_null(log, "%s: %s", path, err);
	evlog_close(log);
}

/* One STATE record, renumbered, without times, names or the facilitator. */
static void
norm_record(struct norm *nm, struct proto_state *st)
{
	switch (st->what) {
	case STATE_BOARD:
		st->board.name = NULL;
		st->board.head -= nm->base;
		st->board.created_ms = 0;
		break;
	case STATE_TABLE:
		st->id -= nm->base;
		st->created_ms = 0;
		break;
	case STATE_TIMER:
		st->created_ms = 0;
		break;
	case STATE_CANVAS:		/* ext: deliverables */
		st->id -= nm->base;
		break;
	case STATE_TABLE_CANVAS:
		st->id -= nm->base;
		st->canvas -= nm->base;
		break;
	case STATE_EVAL:
		break;
	case STATE_PARTICIPANT:
	case STATE_CLIENT:
		cr_assert_neq(nm->fac, 0, "a participant on a created board");
		cr_assert_eq(st->id, nm->fac);
		return;
	default:
		cr_assert_fail("a board file made a %s record",
		    proto_what_name(st->what));
	}
	cr_assert_gt(proto_enc_state(&nm->out, st), 0);
	nm->n++;
}

/* The state in board's snapshot, normalised. */
static void
norm_snapshot(const char *board, struct norm *nm)
{
	struct proto_msg	 msg;
	struct proto_err	 err;
	uint8_t			*data;
	uint64_t		 seq;
	size_t			 len, off, flen;
	char			 dir[256], serr[256];

	snprintf(dir, sizeof dir, "%s/%s", srv.data, board);
	cr_assert_eq(evlog_snapshot_read(dir, &seq, &data, &len, serr,
	    sizeof serr), 0, "%s: %s", dir, serr);
	for (off = 0; off < len; off += PROTO_FRAME_HDR + flen) {
		flen = proto_frame_len(data + off);
		cr_assert_eq(proto_decode(data + off + PROTO_FRAME_HDR, flen,
		    &msg, &err), PROTO_OK, "%s", err.text);
		cr_assert_eq(msg.type, PROTO_STATE);
		norm_record(nm, &msg.u.state);
		proto_msg_free(&msg);
	}
	free(data);
}

/* Two normalised boards hold the same bytes. */
static void
assert_same(const struct norm *a, const struct norm *b, const char *what)
{
	size_t	i;

	cr_assert_eq(a->n, b->n, "%s: %zu created, %zu live", what, a->n,
	    b->n);
	for (i = 0; i < a->out.len && i < b->out.len &&
	    a->out.data[i] == b->out.data[i]; i++)
		/* nothing */;
	cr_assert(i == a->out.len && i == b->out.len, "%s differ at byte %zu",
	    what, i);
}

/* ------------------------------------------------------------ layout keep */

/* What a card's layout reads of the board, for one card, as a string. */
static char *
card_seen(const struct model *m, const struct model_card *c)
{
	const struct model_participant	*a = model_participant(m, c->author);
	char				*s;

	cr_assert_eq(asprintf(&s, "%llu|%llu|%llu|%llu|%s|%s|%s|%u|%u|%d|%d|"
	    "%d|%u,%u,%u|%u|%s|%s|%zu|%u", (unsigned long long)c->id,
	    (unsigned long long)c->table, (unsigned long long)c->parent,
	    (unsigned long long)c->head, a != NULL ? a->name : "-", c->text,
	    c->title != NULL ? c->title : "-", c->votes, c->shown, c->kept,
	    c->hidden, c->deleted, c->reactions[0], c->reactions[1],
	    c->reactions[2], c->section, c->owner != NULL ? c->owner : "-",
	    c->due != NULL ? c->due : "-", c->ncoauthors,
	    model_votes_of(m, 1, c->id)) > 0, 1);
	return s;
}

/* The board's cards as a layout reads them, before an event. */
struct seen {
	char		**cards;
	uint64_t	 *ids;
	size_t		  n;
	uint64_t	  epoch;
	uint8_t		  phase;
	bool		  revealed;
};

/* Take what the replica's cards look like now. */
static void
seen_take(const struct replica *r, struct seen *v)
{
	const struct model	*m = r->confirmed;
	size_t			 i;

	v->n = m->ncards;
	v->cards = calloc(v->n + 1, sizeof *v->cards);
	v->ids = calloc(v->n + 1, sizeof *v->ids);
	for (i = 0; i < v->n; i++) {
		v->cards[i] = card_seen(m, &m->cards[i]);
		v->ids[i] = m->cards[i].id;
	}
	v->epoch = r->epoch;
	v->phase = m->phase;
	v->revealed = m->revealed;
}

/* Release v. */
static void
seen_free(struct seen *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		free(v->cards[i]);
	free(v->cards);
	free(v->ids);
}

/*
 * The client's drawing keeps a card's layout while the replica's epoch
 * and the card's stamp stay, and a table's while its stamp stays: so an
 * event that keeps the epoch must change no card but the ones it
 * stamps, nor anything else a card's layout reads, and stamp their
 * tables.  Every event of a session is checked against that.
 */
static void
keep_check(const struct replica *r, const struct seen *before,
    const struct proto_event *ev)
{
	const struct model	*m = r->confirmed;
	const struct model_card	*c;
	uint32_t		 stamp;
	size_t			 i;
	char			*now;

	if (r->epoch != before->epoch)
		return;
	cr_assert(ev->op.kind == OP_CARD_ADD || ev->op.kind == OP_CARD_EDIT ||
	    ev->op.hidden, "op %s kept the epoch",
	    proto_kind_name(ev->op.kind));
	cr_assert_eq(m->phase, before->phase);
	cr_assert_eq(m->revealed, before->revealed);
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		stamp = replica_card_stamp(r, c->id);
		if (i >= before->n) {
			cr_assert_gt(stamp, 0, "new card %llu not stamped",
			    (unsigned long long)c->id);
			cr_assert_geq(replica_table_stamp(r, c->table), stamp);
			continue;
		}
		cr_assert_eq(c->id, before->ids[i]);
		now = card_seen(m, c);
		if (strcmp(now, before->cards[i]) != 0) {
			cr_assert_gt(stamp, 0, "%s op changed card %s into %s "
			    "without a stamp", proto_kind_name(ev->op.kind),
			    before->cards[i], now);
			cr_assert_geq(replica_table_stamp(r, c->table), stamp,
			    "card %llu stamped, its table not",
			    (unsigned long long)c->id);
		}
		free(now);
	}
}

/* The applied hook for keep: fold as the client does, and check. */
static void
keep_send(void *arg, const struct model *m, const struct proto_event *ev)
{
	struct pair		*p = arg;
	struct proto_event	 red;
	struct seen		 before;

	model_redact(m, ev, model_audience(m, ev, p->fac.me), &red);
	seen_take(&p->fac, &before);
	cr_assert_eq(replica_event(&p->fac, &red, p->now), 0);
	keep_check(&p->fac, &before, &red);
	seen_free(&before);
}

/* The server makes op from who, the replica checked at each event. */
static uint64_t
keep_serve(struct pair *p, uint32_t who, const struct proto_op *op)
{
	const struct model_sink	 sink = { NULL, keep_send, p };
	const char		*why = NULL;
	uint64_t		 seq = p->server->head + 1;
	uint64_t		 epoch = p->fac.epoch;

	cr_assert_eq(model_submit(p->server, who, NULL, 0, op, p->now,
	    &sink, &why), 0, "op %u refused: %s", op->kind, why);
	if (op->kind != OP_CARD_ADD && op->kind != OP_CARD_EDIT)
		cr_assert_neq(p->fac.epoch, epoch, "op %s kept the epoch",
		    proto_kind_name(op->kind));
	return seq;
}

Test(pipeline, a_layout_is_kept_only_for_what_an_event_left_alone)
{
	struct pair	p;
	uint64_t	t, t2, c1, c2, c3, c4;
	uint32_t	s1;

	memset(&p, 0, sizeof p);
	p.now = T0;
	p.server = model_new("cafe");
	replica_init(&p.fac, "cafe");
	p.fac.me = 1;
	keep_serve(&p, 0, &OP(.kind = OP_JOINED, .participant = 1,
	    .text = "Fanny"));
	keep_serve(&p, 0, &OP(.kind = OP_JOINED, .participant = 2,
	    .text = "Amélie"));
	keep_serve(&p, 0, &ROLE(1, ROLE_FACILITATOR));
	t = keep_serve(&p, 1, &TADD("Comment mieux coopérer ?"));
	t2 = keep_serve(&p, 1, &TADD("Comment faciliter l'accès ?"));
	keep_serve(&p, 2, &SIT(t, 0));
	keep_serve(&p, 1, &PHASE(PHASE_IDEAS));
	c1 = keep_serve(&p, 2, &ADD(t, "Un guichet unique", 0));
	s1 = replica_card_stamp(&p.fac, c1);
	c2 = keep_serve(&p, 2, &ADD(t, "Un référent", c1));
	c3 = keep_serve(&p, 1, &ADD(t2, "Des permanences", 0));
	cr_assert_eq(replica_card_stamp(&p.fac, c1), s1, "a reply stamped "
	    "the card it answers");
	cr_assert_lt(replica_table_stamp(&p.fac, t), replica_table_stamp(
	    &p.fac, t2), "a card of the other table stamped this one");
	keep_serve(&p, 2, &EDIT(c2, "Un référent unique"));
	cr_assert_gt(replica_card_stamp(&p.fac, c2), replica_card_stamp(
	    &p.fac, c3));
	c4 = keep_serve(&p, 2, &ADD(t, "Un numéro", 0));
	keep_serve(&p, 2, &DEL(c1));
	keep_serve(&p, 2, &ADD(t, "Encore une", c2));
	keep_serve(&p, 1, &PHASE(PHASE_GROUP));
	keep_serve(&p, 1, &OP(.kind = OP_CARD_GROUP, .card = c4, .head = c2));
	keep_serve(&p, 1, &KEEP(c3, true));
	keep_serve(&p, 1, &PHASE(PHASE_VOTE));
	keep_serve(&p, 2, &VOTE(c2, 1));
	keep_serve(&p, 2, &VOTE(c3, 1));
	keep_serve(&p, 0, &OP(.kind = OP_JOINED, .participant = 3,
	    .text = "Zoé"));
	replica_free(&p.fac);
	model_free(p.server);
}


Test(pipeline, create_and_live_ops_make_the_same_board, .fini = live_fini,
    .timeout = 60)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	struct proto_msg	 msg;
	struct norm		 created_log, live_log, created, live;
	char			*file, err[256], *out;
	size_t			 nops, i;
	uint32_t		 id;

	file = ts_top_path("examples/seed-cafe.board");
	tserver_start(&srv, false, NULL);

	/* Offline: cafeboard-server create. */
	cr_assert_eq(tserver_command(&srv, &out, "create", "hors-ligne",
	    "--from", file, NULL), 0, "%s", out);
	free(out);

	/* Live: a facilitator makes a board and sends the same ops. */
	cr_assert_eq(tclient_connect(&fac, &srv, false), 0);
	cr_assert_eq(tclient_join(&fac, "en-direct", "Fanny", NULL, srv.key),
	    0);
	cr_assert_eq(boardfile_load(file, &bf, err, sizeof err), 0, "%s", err);
	/* ext: a canvas.use names ops that come after the arrival. */
	nops = boardfile_ops_from(&bf, fac.head + 1, &ops);
	cr_assert_gt(nops, 2);
	for (i = 0; i < nops; i++) {
		id = tclient_op(&fac, &ops[i]);
		cr_assert_eq(tclient_wait_op(&fac, id, &msg, TS_TIMEOUT_MS), 1,
		    "op %zu (%s)", i, proto_kind_name(ops[i].kind));
		proto_msg_free(&msg);
	}
	free(ops);
	boardfile_free(&bf);
	free(file);
	tclient_close(&fac);
	/* Stopping writes the live board's snapshot. */
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0);

	memset(&created_log, 0, sizeof created_log);
	memset(&live_log, 0, sizeof live_log);
	live_log.fac = fac.participant;
	norm_log("hors-ligne", &created_log);
	norm_log("en-direct", &live_log);
	cr_assert_eq(live_log.base, 2, "the facilitator's arrival is joined "
	    "and role");
	assert_same(&created_log, &live_log, "the events");

	memset(&created, 0, sizeof created);
	memset(&live, 0, sizeof live);
	live.fac = fac.participant;
	live.base = live_log.base;
	norm_snapshot("hors-ligne", &created);
	norm_snapshot("en-direct", &live);
	assert_same(&created, &live, "the states");
	proto_buf_free(&created_log.out);
	proto_buf_free(&live_log.out);
	proto_buf_free(&created.out);
	proto_buf_free(&live.out);
}
