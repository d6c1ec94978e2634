/*
 * test_merge.c -- card.merge: two cards that say the same thing become
 * one, keeping both authors and their dots.
 *
 * The board model plays the server (check, derive, apply) and a
 * participant's replica folds what that participant receives (the
 * redacted events), so that both can be compared.  Then the wire (the op
 * and event round trip, the STATE records of a snapshot and of a
 * participant) and the three exports.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "model.h"
#include "tsupport.h"
#include "proto.h"

#define T0	1700000000000LL

/* A board as the server holds it, and Bob's replica of it. */
struct mx {
	struct model	*m;		/* the server's */
	struct model	*bob;		/* what Bob was sent */
	int64_t		 now;
	uint32_t	 fac, ann, bob_id, cat;
	uint64_t	 t1, t2;
};

/* model_submit's applied: Bob's replica gets the event as he is sent it. */
static void
mx_applied(void *arg, const struct model *m, const struct proto_event *ev)
{
	struct mx		*x = arg;
	struct proto_event	 out;

	model_redact(m, ev, model_audience(m, ev, x->bob_id), &out);
	cr_assert_eq(model_apply(x->bob, &out, x->now, NULL), 0);
}

/* May who make op now?  0 (it is made) or the REJECT code. */
static int
mx_try(struct mx *x, uint32_t who, struct proto_op op)
{
	const struct model_sink	 sink = { NULL, mx_applied, x };
	const char		*why = NULL;
	int			 code;

	x->now += 1000;
	code = model_submit(x->m, who, NULL, who != 0 ? (uint32_t)x->m->head +
	    1 : 0, &op, x->now, &sink, &why);
	if (code != 0)
		cr_assert_not_null(why);
	return code;
}

/* mx_try that must succeed; the event's seq (a new card's id). */
static uint64_t
mx_ok(struct mx *x, uint32_t who, struct proto_op op)
{
	int	code = mx_try(x, who, op);

	cr_assert_eq(code, 0, "op %u refused: %d", op.kind, code);
	return x->m->head;
}

/* An op of kind with one card and one other number. */
static struct proto_op
mx_op(uint8_t kind, uint64_t card, uint64_t n)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = kind;
	op.card = card;
	switch (kind) {
	case OP_CARD_GROUP:
		op.head = n;
		break;
	case OP_VOTE:
		op.delta = (int32_t)n;
		break;
	case OP_PHASE:
		op.phase = (uint8_t)n;
		break;
	case OP_KEEP:
		op.flag = n != 0;
		break;
	}
	return op;
}

/* A card on table t by who, building on parent. */
static uint64_t
mx_card(struct mx *x, uint32_t who, uint64_t t, uint64_t parent,
    const char *text)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_CARD_ADD;
	op.table = t;
	op.parent = parent;
	op.text = (char *)text;
	return mx_ok(x, who, op);
}

/* Set one boolean setting. */
static void
mx_setting(struct mx *x, uint32_t bit, bool on)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_SETTINGS;
	op.settings.has = bit;
	if (bit == SET_BLIND)
		op.settings.blind = on;
	else if (bit == SET_MULTI_VOTE)
		op.settings.multi_vote = on;
	else if (bit == SET_LOCKED)
		op.settings.locked = on;
	else if (bit == SET_ANONYMOUS)
		op.settings.anonymous = on;
	mx_ok(x, x->fac, op);
}

/*
 * Fanny facilitates; Anne, Bob and Cat sit at table 1, which has a second
 * table beside it; phase ideas.
 */
static void
mx_init(struct mx *x)
{
	struct proto_op	op;
	const char	*names[] = { "Fanny", "Anne", "Bob", "Cat" };
	uint32_t	 i;

	memset(x, 0, sizeof *x);
	x->m = model_new("merge");
	x->bob = model_new("merge");
	x->now = T0;
	x->fac = 1;
	x->ann = 2;
	x->bob_id = 3;
	x->cat = 4;
	for (i = 0; i < 4; i++) {
		memset(&op, 0, sizeof op);
		op.kind = OP_JOINED;
		op.participant = i + 1;
		op.text = (char *)names[i];
		memset(op.client, (int)(i + 1), sizeof op.client);
		mx_ok(x, 0, op);
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_ROLE;
	op.participant = x->fac;
	op.role = ROLE_FACILITATOR;
	mx_ok(x, 0, op);
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_ADD;
	op.text = (char *)"Comment mieux accueillir ?";
	x->t1 = mx_ok(x, x->fac, op);
	op.text = (char *)"Comment mieux coopérer ?";
	x->t2 = mx_ok(x, x->fac, op);
	for (i = 2; i <= 4; i++) {
		memset(&op, 0, sizeof op);
		op.kind = OP_TABLE_SIT;
		op.table = x->t1;
		mx_ok(x, i, op);
	}
	mx_ok(x, x->fac, mx_op(OP_PHASE, 0, PHASE_IDEAS));
}

/* Release both boards. */
static void
mx_free(struct mx *x)
{
	model_free(x->m);
	model_free(x->bob);
}

Test(merge, who_may_merge_and_when)
{
	struct mx	x;
	uint64_t	a, b, c, o;

	mx_init(&x);
	a = mx_card(&x, x.ann, x.t1, 0, "Un guichet unique");
	b = mx_card(&x, x.bob_id, x.t1, 0, "Un seul guichet");
	c = mx_card(&x, x.cat, x.t1, 0, "Un accueil sans rendez-vous");
	o = mx_card(&x, x.fac, x.t2, 0, "Une autre table");

	/* Participants merge while grouping; facilitators in any phase. */
	cr_assert_eq(mx_try(&x, x.bob_id, MERGE(b, a)), REJECT_PHASE);
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_GROUP));
	cr_assert_eq(mx_try(&x, x.cat, MERGE(a, a)), REJECT_BAD);
	cr_assert_eq(mx_try(&x, x.cat, MERGE(a, o)), REJECT_BAD);
	cr_assert_eq(mx_try(&x, x.cat, MERGE(a, 999)), REJECT_NOT_FOUND);
	mx_setting(&x, SET_LOCKED, true);
	cr_assert_eq(mx_try(&x, x.cat, MERGE(b, a)), REJECT_FROZEN);
	mx_setting(&x, SET_LOCKED, false);
	/* Anyone, not only the authors. */
	mx_ok(&x, x.cat, MERGE(b, a));
	cr_assert_eq(mx_try(&x, x.cat, MERGE(b, a)), REJECT_NOT_FOUND);
	cr_assert_eq(mx_try(&x, x.cat, MERGE(a, b)), REJECT_NOT_FOUND);

	/* A blind vote that is not revealed: the moving dots would tell. */
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_VOTE));
	cr_assert_eq(mx_try(&x, x.fac, MERGE(c, a)), REJECT_PHASE);
	mx_setting(&x, SET_BLIND, false);
	cr_assert_eq(mx_try(&x, x.ann, MERGE(c, a)), REJECT_PHASE);
	mx_ok(&x, x.fac, MERGE(c, a));
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_CLOSED));
	cr_assert_eq(mx_try(&x, x.fac, MERGE(o, o)), REJECT_FROZEN);
	mx_free(&x);
}

Test(merge, both_authors_and_their_dots_stay)
{
	struct mx		 x;
	const struct model_card	*ca, *cb;
	uint64_t		 a, b, c;

	/*
	 * Anne and Bob wrote the same idea.  Anne voted for both, Bob and
	 * Cat for Bob's: one dot per card, so Anne's second dot goes back
	 * to her, Bob's and Cat's move.
	 */
	mx_init(&x);
	a = mx_card(&x, x.ann, x.t1, 0, "Un guichet unique");
	b = mx_card(&x, x.bob_id, x.t1, 0, "Un seul guichet");
	c = mx_card(&x, x.cat, x.t1, 0, "Autre chose");
	mx_setting(&x, SET_BLIND, false);
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_VOTE));
	mx_ok(&x, x.ann, mx_op(OP_VOTE, a, 1));
	mx_ok(&x, x.ann, mx_op(OP_VOTE, b, 1));
	mx_ok(&x, x.bob_id, mx_op(OP_VOTE, b, 1));
	mx_ok(&x, x.cat, mx_op(OP_VOTE, b, 1));
	mx_ok(&x, x.cat, mx_op(OP_VOTE, c, 1));
	mx_ok(&x, x.fac, mx_op(OP_KEEP, b, 1));
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_GROUP));
	cr_assert_eq(model_dots_used(x.m, x.ann, x.t1), 2);

	mx_ok(&x, x.bob_id, MERGE(b, a));
	ca = model_card(x.m, a);
	cb = model_card(x.m, b);
	cr_assert_eq(ca->votes, 3);
	cr_assert_eq(ca->shown, 3);
	cr_assert_eq(model_votes_of(x.m, x.ann, a), 1);
	cr_assert_eq(model_votes_of(x.m, x.bob_id, a), 1);
	cr_assert_eq(model_votes_of(x.m, x.cat, a), 1);
	cr_assert_eq(model_votes_of(x.m, x.ann, b), 0);
	cr_assert_eq(model_dots_used(x.m, x.ann, x.t1), 1, "Anne's extra dot "
	    "is given back");
	cr_assert_eq(model_dots_used(x.m, x.cat, x.t1), 2);
	cr_assert(ca->kept, "kept goes with the merged card");
	cr_assert_eq(ca->ncoauthors, 1);
	cr_assert_eq(ca->coauthors[0].a, x.bob_id);
	cr_assert_eq(ca->coauthors[0].b, b);
	cr_assert_str_eq(ca->text, "Un guichet unique");
	/* Bob's card is gone from the board, not from the record. */
	cr_assert(cb->deleted);
	cr_assert_eq(cb->merged, a);
	cr_assert_str_eq(cb->text, "Un seul guichet");
	cr_assert_eq(cb->author, x.bob_id);
	cr_assert_eq(cb->votes, 0);
	cr_assert_eq(x.m->live_cards, 2);

	/* Bob's replica: the same total, his own dot moved. */
	cr_assert_eq(model_card(x.bob, a)->votes, 3);
	cr_assert_eq(model_votes_of(x.bob, x.bob_id, a), 1);
	cr_assert_eq(model_votes_of(x.bob, x.bob_id, b), 0);
	cr_assert_eq(model_dots_used(x.bob, x.bob_id, x.t1), 1);
	cr_assert_eq(model_card(x.bob, a)->ncoauthors, 1);
	cr_assert(model_card(x.bob, b)->deleted);

	/* Merged again: Cat's card into the two, three authors. */
	mx_ok(&x, x.fac, MERGE(a, c));
	ca = model_card(x.m, c);
	cr_assert_eq(ca->votes, 3, "Cat keeps one dot on her card");
	cr_assert_eq(model_dots_used(x.m, x.cat, x.t1), 1);
	cr_assert_eq(ca->ncoauthors, 2);
	cr_assert_eq(ca->coauthors[0].a, x.ann);
	cr_assert_eq(ca->coauthors[1].a, x.bob_id);
	mx_free(&x);
}

Test(merge, several_dots_move_together_with_multi_vote)
{
	struct mx	x;
	uint64_t	a, b;

	mx_init(&x);
	a = mx_card(&x, x.ann, x.t1, 0, "Un");
	b = mx_card(&x, x.bob_id, x.t1, 0, "Une");
	mx_setting(&x, SET_BLIND, false);
	mx_setting(&x, SET_MULTI_VOTE, true);
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_VOTE));
	mx_ok(&x, x.ann, mx_op(OP_VOTE, a, 1));
	mx_ok(&x, x.ann, mx_op(OP_VOTE, b, 1));
	mx_ok(&x, x.ann, mx_op(OP_VOTE, b, 1));
	mx_ok(&x, x.fac, MERGE(b, a));
	cr_assert_eq(model_card(x.m, a)->votes, 3);
	cr_assert_eq(model_votes_of(x.m, x.ann, a), 3);
	cr_assert_eq(model_dots_used(x.m, x.ann, x.t1), 3);
	/* Take one back: the dots are Anne's on the merged card. */
	mx_ok(&x, x.ann, mx_op(OP_VOTE, a, (uint64_t)-1));
	cr_assert_eq(model_card(x.m, a)->votes, 2);
	mx_free(&x);
}

Test(merge, clusters_titles_and_replies_follow)
{
	struct mx		 x;
	struct proto_op		 op;
	uint64_t		 a, b, m1, m2, r_old, r_new, d;

	/*
	 * b heads a titled cluster (m1, m2); a is grouped under it.  b is
	 * merged into a: a heads the cluster now, with b's title.  Replies
	 * to b build on a when younger than it, else on what b built on.
	 */
	mx_init(&x);
	b = mx_card(&x, x.bob_id, x.t1, 0, "Un guichet");
	r_old = mx_card(&x, x.cat, x.t1, b, "Oui, et ouvert le samedi");
	m1 = mx_card(&x, x.cat, x.t1, 0, "Des horaires larges");
	a = mx_card(&x, x.ann, x.t1, 0, "Un guichet unique");
	m2 = mx_card(&x, x.ann, x.t1, 0, "Un numéro unique");
	r_new = mx_card(&x, x.ann, x.t1, b, "Et un site");
	d = mx_card(&x, x.ann, x.t1, 0, "Seule");
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_GROUP));
	mx_ok(&x, x.cat, mx_op(OP_CARD_GROUP, m1, b));
	mx_ok(&x, x.cat, mx_op(OP_CARD_GROUP, a, b));
	mx_ok(&x, x.cat, mx_op(OP_CARD_GROUP, m2, b));
	memset(&op, 0, sizeof op);
	op.kind = OP_CLUSTER_TITLE;
	op.head = b;
	op.text = (char *)"Accueil";
	mx_ok(&x, x.cat, op);

	mx_ok(&x, x.ann, MERGE(b, a));
	cr_assert_eq(model_card(x.m, a)->head, 0);
	cr_assert_str_eq(model_card(x.m, a)->title, "Accueil");
	cr_assert_eq(model_card(x.m, m1)->head, a);
	cr_assert_eq(model_card(x.m, m2)->head, a);
	cr_assert_str_eq(model_card(x.m, b)->title, "");
	cr_assert_eq(model_card(x.m, r_new)->parent, a);
	cr_assert_eq(model_card(x.m, r_old)->parent, 0);

	/* A lone card merged into a member joins the member's cluster. */
	mx_ok(&x, x.ann, MERGE(d, m2));
	cr_assert_eq(model_card(x.m, m2)->head, a);
	cr_assert_eq(model_card(x.bob, m1)->head, a);
	cr_assert_eq(model_card(x.bob, r_new)->parent, a);
	mx_free(&x);
}

/* Encode the board's STATE for viewer into buf. */
static void
mx_state(const struct model *m, uint32_t viewer, struct proto_buf *buf)
{
	proto_buf_init(buf);
	model_state_write(m, viewer, T0, buf);
}

/* Decode buf's STATE records into a new board whose head is head. */
static struct model *
mx_read(const struct proto_buf *buf, uint64_t head)
{
	struct model		*m = model_new("merge");
	struct proto_msg	 msg;
	struct proto_err	 err;
	size_t			 off = 0;
	uint32_t		 len;

	model_state_begin(m);
	while (off < buf->len) {
		len = proto_frame_len(buf->data + off);
		cr_assert_eq(proto_decode(buf->data + off + PROTO_FRAME_HDR,
		    len, &msg, &err), PROTO_OK, "%s", err.text);
		cr_assert_eq(model_state_read(m, &msg.u.state, T0), 0);
		proto_msg_free(&msg);
		off += PROTO_FRAME_HDR + len;
	}
	model_state_end(m, head);
	return m;
}

Test(merge, the_op_the_event_and_the_state_round_trip)
{
	struct mx		 x;
	struct proto_buf	 buf, again, pub;
	struct proto_event	 ev;
	struct proto_msg	 msg;
	struct proto_err	 err;
	struct model		*r;
	struct proto_op		 op;
	uint64_t		 a, b;
	size_t			 n;

	mx_init(&x);
	a = mx_card(&x, x.ann, x.t1, 0, "Un guichet unique");
	b = mx_card(&x, x.bob_id, x.t1, 0, "Un seul guichet");
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_GROUP));
	mx_ok(&x, x.cat, MERGE(b, a));

	/* [2, op_id, 12, card, into] and [18, ..., 12, card, into, votes] */
	proto_buf_init(&buf);
	op = MERGE(b, a);
	n = proto_enc_op(&buf, 7, &op);
	cr_assert_gt(n, 0);
	cr_assert_eq(proto_decode(buf.data + PROTO_FRAME_HDR,
	    n - PROTO_FRAME_HDR, &msg, &err), PROTO_OK, "%s", err.text);
	cr_assert_eq(msg.u.op.op.kind, OP_CARD_MERGE);
	cr_assert_eq(msg.u.op.op.card, b);
	cr_assert_eq(msg.u.op.op.into, a);
	proto_msg_free(&msg);
	proto_buf_reset(&buf);
	memset(&ev, 0, sizeof ev);
	ev.seq = 42;
	ev.origin = x.cat;
	ev.op_id = 7;
	ev.op = op;
	ev.op.votes = 5;
	n = proto_enc_event(&buf, &ev);
	cr_assert_eq(proto_decode(buf.data + PROTO_FRAME_HDR,
	    n - PROTO_FRAME_HDR, &msg, &err), PROTO_OK, "%s", err.text);
	cr_assert_eq(msg.u.event.op.into, a);
	cr_assert_eq(msg.u.event.op.votes, 5);
	proto_msg_free(&msg);
	proto_buf_free(&buf);

	/* A snapshot keeps the merged card and the coauthors, byte for byte. */
	mx_state(x.m, 0, &buf);
	r = mx_read(&buf, x.m->head);
	cr_assert_eq(model_card(r, b)->merged, a);
	cr_assert(model_card(r, b)->deleted);
	cr_assert_str_eq(model_card(r, b)->text, "Un seul guichet");
	cr_assert_eq(model_card(r, a)->ncoauthors, 1);
	cr_assert_eq(model_card(r, a)->coauthors[0].a, x.bob_id);
	mx_state(r, 0, &again);
	cr_assert_eq(again.len, buf.len);
	cr_assert(memcmp(again.data, buf.data, buf.len) == 0);
	model_free(r);

	/* Anonymous: Cat's catch-up has no coauthor; Anne's own card too. */
	mx_setting(&x, SET_ANONYMOUS, true);
	mx_state(x.m, x.cat, &pub);
	r = mx_read(&pub, x.m->head);
	cr_assert_eq(model_card(r, a)->author, 0);
	cr_assert_eq(model_card(r, a)->ncoauthors, 0);
	model_free(r);
	proto_buf_free(&pub);
	mx_state(x.m, x.ann, &pub);
	r = mx_read(&pub, x.m->head);
	cr_assert_eq(model_card(r, a)->ncoauthors, 1);
	model_free(r);
	proto_buf_free(&pub);
	proto_buf_free(&buf);
	proto_buf_free(&again);
	mx_free(&x);
}

/* The export of m in format fmt (malloc'd, NUL-terminated). */
static char *
mx_export(const struct model *m, enum export_format fmt)
{
	char	*data = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&data, &len);

	cr_assert_not_null(f);
	cr_assert_eq(export_write(m, fmt, NULL, f), 0);
	fclose(f);
	return data;
}

Test(merge, exports_show_both_authors)
{
	struct mx	 x;
	char		*md, *csv, *json, want[512];
	uint64_t	 a, b;

	mx_init(&x);
	a = mx_card(&x, x.ann, x.t1, 0, "Un guichet unique");
	b = mx_card(&x, x.bob_id, x.t1, 0, "Un seul guichet");
	mx_ok(&x, x.fac, mx_op(OP_PHASE, 0, PHASE_GROUP));
	mx_ok(&x, x.cat, MERGE(b, a));
	md = mx_export(x.m, EXPORT_MD);
	cr_assert_not_null(strstr(md, "- Un guichet unique — 0 votes — Anne, "
	    "Bob\n"), "%s", md);
	cr_assert_null(strstr(md, "Un seul guichet"), "%s", md);
	csv = mx_export(x.m, EXPORT_CSV);
	cr_assert_not_null(strstr(csv, ",Un guichet unique,\"Anne, Bob\",0,"),
	    "%s", csv);
	json = mx_export(x.m, EXPORT_JSON);
	snprintf(want, sizeof want, "\"author\": \"Anne\",\n"
	    "          \"coauthors\": [\n"
	    "            {\"id\": 3, \"name\": \"Bob\"}\n"
	    "          ],\n"
	    "          \"merged\": [\n"
	    "            {\"id\": %llu, \"text\": \"Un seul guichet\", "
	    "\"author\": \"Bob\"}\n"
	    "          ],\n"
	    "          \"votes\": 0,", (unsigned long long)b);
	cr_assert_not_null(strstr(json, want), "%s", json);
	free(md);
	free(csv);
	free(json);

	/* Anonymous: nobody's name, the merged text still kept. */
	mx_setting(&x, SET_ANONYMOUS, true);
	md = mx_export(x.m, EXPORT_MD);
	cr_assert_not_null(strstr(md, "- Un guichet unique — 0 votes\n"),
	    "%s", md);
	json = mx_export(x.m, EXPORT_JSON);
	cr_assert_null(strstr(json, "coauthors"), "%s", json);
	snprintf(want, sizeof want, "{\"id\": %llu, \"text\": \"Un seul "
	    "guichet\", \"author\": null}", (unsigned long long)b);
	cr_assert_not_null(strstr(json, want), "%s", json);
	free(md);
	free(json);
	mx_free(&x);
}
