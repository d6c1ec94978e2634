/*
 * test_deliver.c -- what a session leaves behind (issue 15): canvases and
 * their sections, actions with owners and due days, the evaluation by
 * criteria, pitches and their feedback; and the due-day parser.
 *
 * Every op goes through model_submit, as the server makes it; replicas of
 * a participant and of a facilitator fold the variant model_redact gives
 * them, so privacy is checked on what each would receive.  STATE records
 * are decoded from the bytes model_state_write produced.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "model.h"
#include "proto.h"
#include "tsupport.h"
#include "tui-harness.h"

#define T0	1700000000000LL		/* 2023-11-14, a Tuesday */
#define DAY	86400000LL

/* ------------------------------------------------------------ due days */

/* s parses to want relative to ref (want NULL: refused). */
static void
due(const char *s, int64_t ref, const char *want)
{
	char	out[DATE_ISO_LEN + 1];
	int	rc = date_parse(s, ref, out);

	if (want == NULL) {
		cr_expect_eq(rc, -1, "\"%s\" parsed as %s", s, out);
		return;
	}
	cr_expect_eq(rc, 0, "\"%s\" refused", s);
	if (rc == 0)
		cr_expect_str_eq(out, want, "\"%s\": %s, not %s", s, out, want);
}

Test(date, written_in_figures)
{
	due("2027-03-12", T0, "2027-03-12");
	due("12/03/2027", T0, "2027-03-12");
	due("12.03.2027", T0, "2027-03-12");
	due("12-3-27", T0, "2027-03-12");
	due("1/12", T0, "2023-12-01");		/* day first */
	due("12/11", T0, "2024-11-12");		/* passed this year */
	due("14/11", T0, "2023-11-14");		/* the day itself */
	due("31/02/2027", T0, NULL);
	due("2027-02-29", T0, NULL);
	due("2028-02-29", T0, "2028-02-29");
	due("12/13", T0, NULL);
	due("", T0, NULL);
	due("12345/1", T0, NULL);
}

Test(date, written_in_words_french_and_english)
{
	due("12 mars", T0, "2024-03-12");
	due("le 12 mars 2027", T0, "2027-03-12");
	due("1er mars", T0, "2024-03-01");
	due("12 Mars", T0, "2024-03-12");
	due("3 février", T0, "2024-02-03");
	due("3 fevrier", T0, "2024-02-03");
	due("15 août 2026", T0, "2026-08-15");
	due("2 déc.", T0, "2023-12-02");
	due("20 janv.", T0, "2024-01-20");
	due("March 12", T0, "2024-03-12");
	due("March 12, 2027", T0, "2027-03-12");
	due("12th March", T0, "2024-03-12");
	due("Sept 3", T0, "2024-09-03");
	due("mai 5", T0, "2024-05-05");
	due("5 jui", T0, NULL);			/* juin or juillet? */
	due("5 juil", T0, "2024-07-05");
	due("vendredi 17 novembre", T0, "2023-11-17");
	due("12 brumaire", T0, NULL);
	due("32 mars", T0, NULL);
}

Test(date, relative_to_the_board_day)
{
	/* T0 is a Tuesday. */
	due("vendredi", T0, "2023-11-17");
	due("Friday", T0, "2023-11-17");
	due("ven.", T0, "2023-11-17");
	due("next friday", T0, "2023-11-17");
	due("vendredi prochain", T0, "2023-11-17");
	due("mardi", T0, "2023-11-21");		/* never the day itself */
	due("lundi", T0, "2023-11-20");
	due("demain", T0, "2023-11-15");
	due("tomorrow", T0, "2023-11-15");
	due("aujourd'hui", T0, "2023-11-14");
	due("Aujourd’hui", T0, "2023-11-14");
	due("today", T0, "2023-11-14");
	due("après-demain", T0, "2023-11-16");
	due("dans 2 semaines", T0, "2023-11-28");
	due("in 10 days", T0, "2023-11-24");
	due("dans 3 mois", T0, "2024-02-14");
	due("fin mars", T0, "2024-03-31");
	due("fin février 2028", T0, "2028-02-29");
	due("end of April", T0, "2024-04-30");
	due("fin du mois", T0, "2023-11-30");
	due("end of the month", T0, "2023-11-30");
	due("bientôt", T0, NULL);
	due("asap", T0, NULL);
	/* A day before 1970 is refused, and the reference may be anything. */
	due("12/03/1969", T0, NULL);
	due("demain", 0, "1970-01-02");
	due("vendredi", T0 + 3 * DAY, "2023-11-24");
}

Test(date, valid_iso_days)
{
	cr_assert(date_valid("2027-03-12"));
	cr_assert(date_valid("2024-02-29"));
	cr_assert(!date_valid("2023-02-29"));
	cr_assert(!date_valid("2027-3-12"));
	cr_assert(!date_valid("2027-03-12 "));
	cr_assert(!date_valid("12/03/2027"));
	cr_assert(!date_valid(""));
	cr_assert(!date_valid(NULL));
	cr_assert_eq(date_days(1970, 1, 1), 0);
	cr_assert_eq(date_days(2000, 3, 1), 11017);
}

/* ------------------------------------------------------------ a board */

/* The server's clock (each test runs in its own process). */
static int64_t	now = T0;

/* Replicas fed with the variant each viewer receives, raw events kept. */
struct viewer {
	struct model	*m;
	uint32_t	 id;
	size_t		 hidden;	/* hidden scores received */
	size_t		 scores;	/* scores received with their card */
	size_t		 origins;	/* others' scores with an origin */
};

static struct viewer	views[3];
static size_t		nviews;

/* The sink every op goes through: each viewer folds its variant. */
static void
feed(void *arg, const struct model *m, const struct proto_event *ev)
{
	struct proto_event	red;
	struct viewer		*v;
	struct proto_buf	b;
	struct proto_msg	msg;
	size_t			i;

	(void)arg;
	for (i = 0; i < nviews; i++) {
		v = &views[i];
		model_redact(m, ev, model_audience(m, ev, v->id), &red);
		/* Through the wire: what the viewer decodes is what it gets. */
		proto_buf_init(&b);
		cr_assert_gt(proto_enc_event(&b, &red), 0);
		cr_assert_eq(proto_decode(b.data + PROTO_FRAME_HDR,
		    b.len - PROTO_FRAME_HDR, &msg, NULL), PROTO_OK);
		if (msg.u.event.op.kind == OP_SCORE) {
			if (msg.u.event.op.hidden) {
				v->hidden++;
				cr_assert_eq(b.len, PROTO_FRAME_HDR + 6);
			} else
				v->scores++;
			if (msg.u.event.origin != 0 &&
			    msg.u.event.origin != v->id)
				v->origins++;
		}
		cr_assert_eq(model_apply(v->m, &msg.u.event, now, NULL), 0);
		proto_msg_free(&msg);
		proto_buf_free(&b);
	}
}

static const struct model_sink	sink = { NULL, feed, NULL };

/* Submit op as who; the REJECT code, with *why kept for the caller. */
static const char	*why;

static int
srv(struct model *m, uint32_t who, struct proto_op op)
{
	return model_submit(m, who, NULL, who != 0 ? (uint32_t)m->head + 1 : 0,
	    &op, now, &sink, &why);
}

/* An op that must pass; its seq. */
static uint64_t
ok(struct model *m, uint32_t who, struct proto_op op)
{
	int	code = srv(m, who, op);

	cr_assert_eq(code, 0, "%s refused: %d (%s)", proto_kind_name(op.kind),
	    code, why);
	return m->head;
}

/* An op that must be refused with code (and this reason, if given). */
static void
no(struct model *m, uint32_t who, struct proto_op op, int code,
    const char *reason)
{
	uint64_t	head = m->head;

	cr_assert_eq(srv(m, who, op), code, "%s: not REJECT %d (%s)",
	    proto_kind_name(op.kind), code, why);
	cr_assert_eq(m->head, head);
	if (reason != NULL)
		cr_assert_str_eq(why, reason);
}

#define PLACE(c, s)	OP(.kind = OP_CARD_PLACE, .card = (c), .section = (s))
#define ACTION(c, o, d)	OP(.kind = OP_ACTION, .card = (c), \
			    .owner = (char *)(o), .due = (char *)(d))
#define SCORE(c, k, v)	OP(.kind = OP_SCORE, .card = (c), .criterion = (k), \
			    .value = (v))
#define SADD(t, s, sec)	OP(.kind = OP_CARD_ADD, .table = (t), \
			    .text = (char *)(s), .section = (sec))
#define USE(t, cv)	OP(.kind = OP_CANVAS_USE, .table = (t), .canvas = (cv))
#define PITCH(t, s)	OP(.kind = OP_PITCH, .table = (t), .seconds = (s), \
			    .text = (char *)"")

static struct proto_section sections[] = {
	{ "Nos engagements", "Ce que nous ferons ensemble", 2, SECTION_IDEAS },
	{ "Feuille de route", "Action, qui, quand", 0, SECTION_ACTIONS },
	{ "J'aime", "", 0, SECTION_FEEDBACK },
	{ "Et si…", "", 0, SECTION_FEEDBACK },
};

/*
 * Facilitator F (1), A and B at table 1 (2, 3), C at table 2 (4); the
 * canvas on every table; phase ideas.
 */
struct fx {
	struct model	*m;
	uint64_t	 t1, t2, cv;
};

#define F	1
#define A	2
#define B	3
#define C	4

/* The server-made joined of participant id. */
static void
join(struct model *m, uint32_t id, const char *name)
{
	ok(m, 0, OP(.kind = OP_JOINED, .participant = id,
	    .text = (char *)name));
}

/* Build the board; viewers (0 for none) watch from the start. */
static void
fx_init(struct fx *x, uint32_t v1, uint32_t v2)
{
	struct model	*m = x->m = model_new("livrables");

	nviews = 0;
	if (v1 != 0)
		views[nviews++] = (struct viewer){ .m = model_new("livrables"),
		    .id = v1 };
	if (v2 != 0)
		views[nviews++] = (struct viewer){ .m = model_new("livrables"),
		    .id = v2 };
	join(m, F, "Françoise");
	join(m, A, "Amélie");
	join(m, B, "Benoît");
	join(m, C, "Chloé");
	ok(m, 0, ROLE(F, ROLE_FACILITATOR));
	x->t1 = ok(m, F, TADD("Territoire nord"));
	x->t2 = ok(m, F, TADD("Territoire sud"));
	x->cv = ok(m, F, OP(.kind = OP_CANVAS_ADD, .text = (char *)"Livrables",
	    .sections = sections, .nsections = 4));
	ok(m, F, USE(0, x->cv));
	ok(m, A, SIT(x->t1, 0));
	ok(m, B, SIT(x->t1, 0));
	ok(m, C, SIT(x->t2, 0));
	ok(m, F, PHASE(PHASE_IDEAS));
}

/* Release the board and the viewers. */
static void
fx_free(struct fx *x)
{
	size_t	i;

	for (i = 0; i < nviews; i++)
		model_free(views[i].m);
	nviews = 0;
	model_free(x->m);
}

Test(deliver, canvas_on_every_table_and_sections_filled)
{
	struct fx			 x;
	const struct model_section	*s;
	uint64_t			 c1, c2, c3;

	fx_init(&x, A, 0);
	cr_assert_eq(x.m->ncanvases, 1);
	cr_assert_eq(model_table(x.m, x.t1)->canvas, x.cv);
	cr_assert_eq(model_table(x.m, x.t2)->canvas, x.cv);
	s = model_section(x.m, x.t2, 2);
	cr_assert_str_eq(s->name, "Feuille de route");
	cr_assert_eq(s->kind, SECTION_ACTIONS);
	cr_assert_null(model_section(x.m, x.t2, 5));
	cr_assert_null(model_section(x.m, x.t2, 0));
	/* The viewer's replica holds the same canvas. */
	cr_assert_str_eq(model_section(views[0].m, x.t1, 1)->hint,
	    "Ce que nous ferons ensemble");

	c1 = ok(x.m, A, SADD(x.t1, "Se voir chaque mois", 1));
	c2 = ok(x.m, B, SADD(x.t1, "Un annuaire commun", 1));
	cr_assert_eq(model_card(views[0].m, c2)->section, 1);
	/* Two cards at most in "Nos engagements". */
	no(x.m, A, SADD(x.t1, "Une troisième", 1), REJECT_LIMIT,
	    "this section is full");
	no(x.m, A, SADD(x.t1, "Nulle part", 9), REJECT_NOT_FOUND,
	    "no such section");
	c3 = ok(x.m, A, ADD(x.t1, "Hors canevas", 0));
	cr_assert_eq(model_card(x.m, c3)->section, 0);
	no(x.m, A, PLACE(c3, 1), REJECT_LIMIT, "this section is full");
	ok(x.m, B, PLACE(c1, 2));		/* anyone at the table */
	ok(x.m, A, PLACE(c3, 1));
	no(x.m, A, PLACE(c3, 1), REJECT_BAD, "the card is already there");
	no(x.m, C, PLACE(c3, 2), REJECT_FORBIDDEN,
	    "only the people at its table place a card");
	no(x.m, A, PLACE(c3, 3), REJECT_FORBIDDEN,
	    "feedback is written by the other teams");
	cr_assert_eq(model_section_cards(x.m, x.t1, 1), 2);
	cr_assert_eq(model_section_cards(views[0].m, x.t1, 2), 1);
	/* Only the facilitator defines and gives canvases. */
	no(x.m, A, USE(x.t1, 0), REJECT_FORBIDDEN, NULL);
	no(x.m, F, USE(x.t1, 999), REJECT_NOT_FOUND, "no such canvas");
	no(x.m, F, OP(.kind = OP_CANVAS_ADD, .text = (char *)"Vide"),
	    REJECT_LIMIT, "a canvas has 1 to 12 sections");
	no(x.m, F, OP(.kind = OP_CANVAS_ADD, .text = (char *)"",
	    .sections = sections, .nsections = 1), REJECT_LIMIT, NULL);
	/* Taking the canvas away empties the sections of that table. */
	ok(x.m, F, USE(x.t1, 0));
	cr_assert_eq(model_card(x.m, c1)->section, 0);
	cr_assert_eq(model_card(views[0].m, c2)->section, 0);
	/* Outside ideas and group, a participant places nothing. */
	ok(x.m, F, USE(x.t1, x.cv));
	ok(x.m, F, PHASE(PHASE_VOTE));
	no(x.m, A, PLACE(c1, 1), REJECT_PHASE, NULL);
	ok(x.m, F, PLACE(c1, 1));
	fx_free(&x);
}

Test(deliver, actions_owners_due_days_and_your_actions)
{
	struct fx	x;
	uint64_t	act, idea, other;

	fx_init(&x, B, F);
	idea = ok(x.m, A, SADD(x.t1, "Un guichet unique", 1));
	act = ok(x.m, A, OP(.kind = OP_CARD_ADD, .table = x.t1,
	    .text = (char *)"Réunir les partenaires", .parent = idea,
	    .section = 2));
	ok(x.m, B, ACTION(act, "amélie", "2024-03-12"));
	cr_assert_str_eq(model_card(views[0].m, act)->owner, "amélie");
	cr_assert_str_eq(model_card(views[1].m, act)->due, "2024-03-12");
	/* "Your actions": the owner's first name, whatever the case. */
	cr_assert(model_action_of(x.m, model_card(x.m, act), A));
	cr_assert(!model_action_of(x.m, model_card(x.m, act), B));
	cr_assert(!model_action_of(x.m, model_card(x.m, idea), A));
	/* Someone absent: free text. */
	ok(x.m, A, ACTION(act, "Mme Durand (CD 35)", ""));
	cr_assert(!model_action_of(x.m, model_card(x.m, act), A));
	no(x.m, A, ACTION(act, "Paul", "12/03/2024"), REJECT_BAD,
	    "a due date is written YYYY-MM-DD");
	no(x.m, A, ACTION(act, "Paul", "2024-02-30"), REJECT_BAD, NULL);
	no(x.m, A, ACTION(act, "Un nom beaucoup trop long pour un seul "
	    "responsable", ""), REJECT_LIMIT, NULL);
	/* Not in a roadmap section: only the facilitator. */
	no(x.m, A, ACTION(idea, "Amélie", ""), REJECT_FORBIDDEN,
	    "actions are written in a roadmap section");
	ok(x.m, F, ACTION(idea, "Amélie", "2024-01-05"));
	/* Another table's action is not C's to change. */
	no(x.m, C, ACTION(act, "Chloé", ""), REJECT_FORBIDDEN, NULL);
	other = ok(x.m, C, SADD(x.t2, "Former les conseillers", 2));
	ok(x.m, C, ACTION(other, "Chloé", "2024-06-30"));
	cr_assert(model_action_of(views[1].m, model_card(views[1].m, other),
	    C));
	/* Any phase but closed; the lock holds participants. */
	ok(x.m, F, PHASE(PHASE_HARVEST));
	ok(x.m, C, ACTION(other, "Chloé", "2024-07-01"));
	ok(x.m, F, SETTINGS(.has = SET_LOCKED, .locked = true));
	no(x.m, C, ACTION(other, "Chloé", ""), REJECT_FROZEN, NULL);
	ok(x.m, F, PHASE(PHASE_CLOSED));
	no(x.m, F, ACTION(other, "Chloé", ""), REJECT_FROZEN,
	    "the board is closed");
	fx_free(&x);
}

/* Score c on the three criteria with v[0..3) as who. */
static void
score3(struct model *m, uint32_t who, uint64_t c, const uint32_t *v)
{
	uint32_t	k;

	for (k = 0; k < 3; k++)
		ok(m, who, SCORE(c, k, v[k]));
}

Test(deliver, evaluation_blind_until_closed_nobody_learns_who)
{
	struct fx		 x;
	struct model		*pa, *pf;
	uint64_t		 c1, c2;
	static const uint32_t	 a1[3] = { 3, 2, 0 }, b1[3] = { 1, 3, 2 };
	static const uint32_t	 a2[3] = { 0, 1, 1 };
	uint32_t		 v;

	fx_init(&x, B, F);
	pa = views[0].m;		/* B, a participant */
	pf = views[1].m;		/* the facilitator */
	c1 = ok(x.m, A, ADD(x.t1, "Un guichet unique", 0));
	c2 = ok(x.m, C, ADD(x.t2, "Un référent unique", 0));
	no(x.m, F, OP(.kind = OP_EVAL_OPEN), REJECT_NOT_FOUND,
	    "no criteria: set them first");
	no(x.m, A, SCORE(c1, 0, 1), REJECT_PHASE, "no evaluation is open");
	no(x.m, A, OP(.kind = OP_CRITERIA, .labels = { "x" }, .nlabels = 1),
	    REJECT_FORBIDDEN, NULL);
	ok(x.m, F, OP(.kind = OP_CRITERIA, .labels = { "structurant",
	    "pertinent", "novateur" }, .nlabels = 3));
	cr_assert_str_eq(pa->criteria[2], "novateur");
	ok(x.m, F, OP(.kind = OP_EVAL_OPEN));
	no(x.m, F, OP(.kind = OP_EVAL_OPEN), REJECT_BAD, NULL);
	no(x.m, F, OP(.kind = OP_CRITERIA, .labels = { "x" }, .nlabels = 1),
	    REJECT_PHASE, "close the evaluation first");
	no(x.m, F, SETTINGS(.has = SET_EVAL_DOTS, .eval_dots = 5),
	    REJECT_PHASE, NULL);
	cr_assert(pa->eval_open);

	score3(x.m, A, c1, a1);
	score3(x.m, B, c1, b1);
	score3(x.m, A, c2, a2);
	ok(x.m, A, SCORE(c1, 2, 3));		/* a change of mind */
	no(x.m, A, SCORE(c1, 0, 4), REJECT_LIMIT, "a score is 0 to 3");
	no(x.m, A, SCORE(c1, 3, 1), REJECT_NOT_FOUND, "no such criterion");
	no(x.m, A, SCORE(999, 0, 1), REJECT_NOT_FOUND, NULL);
	no(x.m, 0, SCORE(c1, 0, 1), REJECT_FORBIDDEN, NULL);

	/* The server's totals. */
	cr_assert_eq(model_card(x.m, c1)->score[0], 4);
	cr_assert_eq(model_card(x.m, c1)->score[1], 5);
	cr_assert_eq(model_card(x.m, c1)->score[2], 5);
	cr_assert(model_score_of(x.m, A, c1, 2, &v) && v == 3);
	/* The facilitator sees the totals, never who gave them. */
	cr_assert_eq(model_card(pf, c1)->score[2], 5);
	cr_assert_eq(model_score_sum(pf, model_card(pf, c1)), 14);
	cr_assert_eq(views[1].origins, 0);
	cr_assert_eq(views[1].scores, 10);
	cr_assert(!model_score_of(pf, A, c1, 0, NULL));
	/* B gets A's scores hidden: [18, seq, 0, 0, 15]; B's own whole. */
	cr_assert_eq(views[0].hidden, 7);
	cr_assert_eq(views[0].scores, 3);
	cr_assert_eq(views[0].origins, 0);
	cr_assert_eq(model_card(pa, c1)->score[0], 1, "B knows only B's own");
	cr_assert(model_score_of(pa, B, c1, 1, &v) && v == 3);
	cr_assert(!model_score_of(pa, A, c1, 1, NULL));

	/* A replay after the close still hides single scores from B. */
	{
		struct proto_event	ev, red;

		memset(&ev, 0, sizeof ev);
		ev.seq = 1;
		ev.origin = A;
		ev.op_id = 9;
		ev.op = SCORE(c1, 0, 3);
		ok(x.m, F, OP(.kind = OP_EVAL_CLOSE));
		model_redact(x.m, &ev, model_audience(x.m, &ev, B), &red);
		cr_assert(red.op.hidden && red.op.card == 0 &&
		    red.origin == 0 && red.op_id == 0);
		model_redact(x.m, &ev, model_audience(x.m, &ev, F), &red);
		cr_assert(!red.op.hidden && red.op.card == c1 &&
		    red.origin == 0 && red.op_id == 0);
		ok(x.m, F, OP(.kind = OP_EVAL_OPEN));
	}
	/* Closing publishes every total to everyone. */
	no(x.m, A, OP(.kind = OP_EVAL_CLOSE), REJECT_FORBIDDEN, NULL);
	ok(x.m, F, OP(.kind = OP_EVAL_CLOSE));
	cr_assert(!pa->eval_open);
	cr_assert_eq(model_card(pa, c1)->score[0], 4);
	cr_assert_eq(model_card(pa, c1)->score[2], 5);
	cr_assert_eq(model_card(pa, c2)->score[1], 1);
	cr_assert_eq(model_score_sum(pa, model_card(pa, c2)), 2);
	no(x.m, A, SCORE(c1, 0, 1), REJECT_PHASE, NULL);
	no(x.m, F, OP(.kind = OP_EVAL_CLOSE), REJECT_BAD, NULL);

	/* Reopened, a card deleted loses its scores everywhere. */
	ok(x.m, F, OP(.kind = OP_EVAL_OPEN));
	ok(x.m, C, DEL(c2));
	cr_assert_eq(model_card(x.m, c2)->score[1], 0);
	ok(x.m, F, OP(.kind = OP_EVAL_CLOSE));
	cr_assert_eq(model_card(pa, c2)->score[1], 0);
	/* New criteria: a new evaluation. */
	ok(x.m, F, OP(.kind = OP_CRITERIA, .labels = { "utile" },
	    .nlabels = 1));
	cr_assert_eq(model_card(x.m, c1)->score[0], 0);
	cr_assert_eq(model_card(pf, c1)->score[0], 0);
	cr_assert(!model_score_of(x.m, A, c1, 0, NULL));
	fx_free(&x);
}

Test(deliver, evaluation_with_a_budget_of_dots_per_criterion)
{
	struct fx	x;
	uint64_t	c1, c2, c3, c4;

	fx_init(&x, 0, 0);
	c1 = ok(x.m, A, ADD(x.t1, "Un", 0));
	c2 = ok(x.m, A, ADD(x.t1, "Deux", 0));
	c3 = ok(x.m, A, ADD(x.t1, "Trois", 0));
	c4 = ok(x.m, C, ADD(x.t2, "Ailleurs", 0));
	ok(x.m, F, SETTINGS(.has = SET_EVAL_DOTS, .eval_dots = 5));
	ok(x.m, F, OP(.kind = OP_CRITERIA, .labels = { "structurant",
	    "novateur" }, .nlabels = 2));
	ok(x.m, F, OP(.kind = OP_EVAL_OPEN));
	ok(x.m, B, SCORE(c1, 0, 4));
	no(x.m, B, SCORE(c2, 0, 2), REJECT_LIMIT,
	    "no dots left for this criterion");
	ok(x.m, B, SCORE(c2, 0, 1));
	no(x.m, B, SCORE(c3, 0, 6), REJECT_LIMIT,
	    "too many dots on one card");
	/* Another criterion, another question: budgets of their own. */
	ok(x.m, B, SCORE(c3, 1, 5));
	ok(x.m, B, SCORE(c4, 0, 5));
	/* Taking dots back makes room. */
	ok(x.m, B, SCORE(c1, 0, 1));
	ok(x.m, B, SCORE(c3, 0, 3));
	cr_assert_eq(model_score_spent(x.m, B, x.t1, 0), 5);
	/* Moving a card away gives its dots back. */
	ok(x.m, F, MOVE(c3, x.t2));
	cr_assert_eq(model_score_spent(x.m, B, x.t1, 0), 2);
	cr_assert_eq(model_card(x.m, c3)->score[1], 0);
	ok(x.m, B, SCORE(c2, 0, 4));
	fx_free(&x);
}

Test(deliver, pitch_feedback_from_the_other_teams_only)
{
	struct fx	x;
	uint64_t	fb;

	fx_init(&x, A, 0);
	/* Not pitching yet: nobody writes on another team's table. */
	no(x.m, C, SADD(x.t1, "J'aime l'idée", 3), REJECT_FORBIDDEN,
	    "not seated at this table");
	no(x.m, A, SADD(x.t1, "Nous-mêmes", 3), REJECT_FORBIDDEN,
	    "feedback is written by the other teams");
	no(x.m, C, PITCH(x.t1, 0), REJECT_FORBIDDEN, NULL);
	ok(x.m, F, PITCH(x.t1, 180));
	cr_assert_eq(views[0].m->pitch_table, x.t1);
	cr_assert(views[0].m->timer.running);
	cr_assert_eq(views[0].m->timer.remaining_ms, 180000);
	/* The pitch's clock ends like a round's. */
	fb = ok(x.m, C, SADD(x.t1, "J'aime la carte", 3));
	cr_assert_eq(model_card(views[0].m, fb)->table, x.t1);
	cr_assert_eq(model_card(views[0].m, fb)->author, C);
	ok(x.m, C, SADD(x.t1, "Et si on l'ouvrait aux entreprises ?", 4));
	/* Feedback only, into the feedback sections, no reply. */
	no(x.m, C, SADD(x.t1, "Une idée à moi", 1), REJECT_FORBIDDEN, NULL);
	no(x.m, C, ADD(x.t1, "Sans section", 0), REJECT_FORBIDDEN, NULL);
	no(x.m, C, OP(.kind = OP_CARD_ADD, .table = x.t1, .text = (char *)"R",
	    .parent = fb, .section = 3), REJECT_FORBIDDEN, NULL);
	/* The presenting team still writes in its other sections. */
	ok(x.m, A, SADD(x.t1, "Noté", 1));
	/* Next team: table 2 presents; feedback on table 1 stops. */
	ok(x.m, F, PITCH(x.t2, 0));
	no(x.m, C, SADD(x.t1, "Trop tard", 3), REJECT_FORBIDDEN, NULL);
	no(x.m, C, SADD(x.t2, "Nous-mêmes", 3), REJECT_FORBIDDEN, NULL);
	ok(x.m, B, SADD(x.t2, "J'aime", 3));
	ok(x.m, F, PITCH(0, 0));
	cr_assert_eq(views[0].m->pitch_table, 0);
	no(x.m, B, SADD(x.t2, "Après", 3), REJECT_FORBIDDEN, NULL);
	/* The facilitator writes anywhere. */
	ok(x.m, F, SADD(x.t2, "Synthèse des retours", 3));
	no(x.m, F, PITCH(999, 0), REJECT_NOT_FOUND, NULL);
	no(x.m, F, PITCH(x.t1, -1), REJECT_BAD, NULL);
	fx_free(&x);
}

/* ------------------------------------------------------------ STATE */

/* The records of model_state_write for viewer, decoded, into a new
 * replica; the number of records of kind what seen in *count. */
static struct model *
fetch(const struct model *m, uint32_t viewer, int what, size_t *count)
{
	struct model		*r = model_new(m->name);
	struct proto_buf	 b;
	struct proto_msg	 msg;
	size_t			 off = 0, len;

	proto_buf_init(&b);
	model_state_write(m, viewer, now, &b);
	model_state_begin(r);
	if (count != NULL)
		*count = 0;
	while (off < b.len) {
		len = proto_frame_len(b.data + off);
		cr_assert_eq(proto_decode(b.data + off + PROTO_FRAME_HDR, len,
		    &msg, NULL), PROTO_OK);
		if (count != NULL && msg.u.state.what == what)
			(*count)++;
		cr_assert_eq(model_state_read(r, &msg.u.state, now), 0,
		    "record %s", proto_what_name(msg.u.state.what));
		proto_msg_free(&msg);
		off += PROTO_FRAME_HDR + len;
	}
	model_state_end(r, m->head);
	proto_buf_free(&b);
	return r;
}

/* The bytes model_state_write gives for viewer 0. */
static void
snapshot(const struct model *m, struct proto_buf *b)
{
	proto_buf_init(b);
	model_state_write(m, 0, now, b);
}

Test(deliver, state_records_snapshot_and_privacy)
{
	struct fx		 x;
	struct model		*r, *c;
	struct proto_buf	 a, b;
	uint64_t		 c1, act;
	size_t			 n;
	uint32_t		 v;

	fx_init(&x, 0, 0);
	c1 = ok(x.m, A, SADD(x.t1, "Un guichet unique", 1));
	act = ok(x.m, A, SADD(x.t1, "Réunir les partenaires", 2));
	ok(x.m, A, ACTION(act, "Amélie", "2024-03-12"));
	ok(x.m, F, OP(.kind = OP_CRITERIA, .labels = { "structurant",
	    "pertinent", "novateur" }, .nlabels = 3));
	ok(x.m, F, OP(.kind = OP_EVAL_OPEN));
	ok(x.m, A, SCORE(c1, 0, 3));
	ok(x.m, B, SCORE(c1, 0, 2));
	ok(x.m, F, PITCH(x.t2, 60));

	/* A snapshot read back writes the same bytes. */
	r = fetch(x.m, 0, -1, NULL);
	snapshot(x.m, &a);
	snapshot(r, &b);
	cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	    "a snapshot read back differs");
	proto_buf_free(&b);
	/* And so does a clone. */
	c = model_clone(x.m);
	snapshot(c, &b);
	cr_assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	    "a clone's snapshot differs");
	model_free(c);
	proto_buf_free(&a);
	proto_buf_free(&b);
	cr_assert_eq(model_score_spent(r, A, x.t1, 0), 3);
	cr_assert_eq(model_card(r, act)->section, 2);
	cr_assert_str_eq(model_card(r, act)->owner, "Amélie");
	cr_assert_eq(r->pitch_table, x.t2);
	cr_assert(r->eval_open);
	model_free(r);

	/* B, while the evaluation is open: B's own scores, no total. */
	r = fetch(x.m, B, STATE_SCORES, &n);
	cr_assert_eq(n, 0, "B received totals of an open evaluation");
	cr_assert_eq(model_card(r, c1)->score[0], 0);
	cr_assert(model_score_of(r, B, c1, 0, &v) && v == 2);
	cr_assert(!model_score_of(r, A, c1, 0, NULL), "B received A's score");
	cr_assert_str_eq(model_card(r, act)->due, "2024-03-12");
	cr_assert_str_eq(model_section(r, x.t1, 3)->name, "J'aime");
	model_free(r);
	/* The facilitator: totals, nobody's own scores. */
	r = fetch(x.m, F, STATE_MY_SCORES, &n);
	cr_assert_eq(n, 0);
	cr_assert_eq(model_card(r, c1)->score[0], 5);
	cr_assert(!model_score_of(r, A, c1, 0, NULL));
	model_free(r);
	r = fetch(x.m, MODEL_OBSERVER, STATE_MY_SCORES, &n);
	cr_assert_eq(n, 0);
	cr_assert_eq(model_card(r, c1)->score[0], 5);
	model_free(r);
	/* Closed: the totals are everyone's. */
	ok(x.m, F, OP(.kind = OP_EVAL_CLOSE));
	r = fetch(x.m, C, STATE_SCORES, &n);
	cr_assert_eq(n, 1);
	cr_assert_eq(model_card(r, c1)->score[0], 5);
	cr_assert(!r->eval_open);
	model_free(r);
	fx_free(&x);
}

Test(deliver, anonymous_board_hides_who_named_an_owner)
{
	struct fx		x;
	struct proto_event	ev, red;
	uint64_t		act;

	fx_init(&x, 0, 0);
	act = ok(x.m, A, SADD(x.t1, "Réunir", 2));
	ok(x.m, F, SETTINGS(.has = SET_ANONYMOUS, .anonymous = true));
	memset(&ev, 0, sizeof ev);
	ev.seq = x.m->head;
	ev.origin = A;
	ev.op_id = 7;
	ev.op = ACTION(act, "Benoît", "");
	model_redact(x.m, &ev, model_audience(x.m, &ev, C), &red);
	cr_assert_eq(red.origin, 0);
	cr_assert_eq(red.op_id, 0);
	model_redact(x.m, &ev, model_audience(x.m, &ev, A), &red);
	cr_assert_eq(red.origin, A);
	fx_free(&x);
}

/* ------------------------------------------------------------ the client */

static struct tui	T;

/* A tmux server and a directory for the client suite. */
static void
tui_deliver_init(void)
{
	tui_init(&T);
}

/* Even after a failed assertion: clients, tmux, server, files. */
static void
tui_deliver_fini(void)
{
	tui_fini(&T);
}

TestSuite(client, .init = tui_deliver_init, .fini = tui_deliver_fini,
    .timeout = 180);

#define CANVAS_BOARD \
	"title: Livrables\n" \
	"criteria: structurant, pertinent, novateur\n" \
	"canvas: Nos livrables\n" \
	"section: Nos engagements | Ce que nous ferons ensemble\n" \
	"section: Feuille de route | Une action par carte | 8 | actions\n" \
	"section: J'aime | | | feedback\n" \
	"question: Comment mieux coop\xc3\xa9rer ?\n"

/* The facilitator runs console tool key. */
static void
console(const char *key)
{
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Facilitator console"));
	tui_keys(&T, "fac", key, NULL);
}

/*
 * board served as "cafe"; Fanny joins with the key, Anne sits at a table,
 * Zoé joins in line mode, which then says line_says.
 */
static void
three_clients(const char *board, const char *line_says)
{
	char	args[512];

	tui_board(&T, "cafe", board);
	tui_server_start(&T);
	snprintf(args, sizeof args, "--board cafe --name Fanny --key-file "
	    "'%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "connected"));
	tui_client(&T, "anne", "--board cafe --name Anne");
	free(tui_wait(&T, "anne", "(your table)"));
	tui_client(&T, "line", "--plain --board cafe --name Zo\xc3\xa9");
	free(tui_wait(&T, "line", line_says));
}

/*
 * The full-screen client: a canvas drawn as blocks of sections, a card
 * written into a section, an action's owner and due day typed as people
 * say it, "your actions", the evaluation card by card, blind until the
 * facilitator closes it, and the same screens in French.
 */
Test(client, canvas_actions_and_scores_through_the_keys)
{
	char	env[600], *s;

	/* Someone in line mode hears what happens. */
	three_clients(CANVAS_BOARD, "Zo\xc3\xa9");
	console("p");
	free(tui_wait(&T, "fac", "harvest"));
	tui_keys(&T, "fac", "2", NULL);
	free(tui_wait(&T, "anne", "Phase: ideas"));

	/* A: into a section; the section shows as a block with its count. */
	tui_keys(&T, "anne", "A", NULL);
	s = tui_wait(&T, "anne", "Write into which section?");
	cr_assert_not_null(strstr(s, "Feuille de route (0/8)"), "%s", s);
	free(s);
	tui_keys(&T, "anne", "1", NULL);
	free(tui_wait(&T, "anne", "New card in"));
	tui_type(&T, "anne", "Se voir chaque mois");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "Nos engagements (1)");
	cr_assert_not_null(strstr(s, "Se voir chaque mois"), "%s", s);
	free(s);
	/* The team writes no feedback of its own. */
	tui_keys(&T, "anne", "A", NULL);
	free(tui_wait(&T, "anne", "Write into which section?"));
	tui_keys(&T, "anne", "3", NULL);
	free(tui_wait(&T, "anne", "feedback is written by the other teams"));

	/* O: an action; the due day as people say it. */
	tui_keys(&T, "anne", "A", NULL);
	free(tui_wait(&T, "anne", "Write into which section?"));
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait(&T, "anne", "New card in"));
	tui_type(&T, "anne", "R\xc3\xa9unir les partenaires");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Feuille de route (1/8)"));
	tui_keys(&T, "anne", "End", "O", NULL);
	s = tui_wait(&T, "anne", "Who does it?");
	cr_assert_not_null(strstr(s, "Anne"), "the owner is not offered: %s",
	    s);
	free(s);
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Due day"));
	tui_type(&T, "anne", "12 mars 2027");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "fac", "Anne, 2027-03-12"));
	/* Y: your actions. */
	tui_keys(&T, "anne", "Y", NULL);
	s = tui_wait(&T, "anne", "Your actions");
	cr_assert_not_null(strstr(s, "2027-03-12"), "%s", s);
	free(s);
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait_gone(&T, "anne", "Your actions"));

	/* E: the evaluation, card by card, blind until it closes. */
	console("z");
	free(tui_wait(&T, "fac", "Evaluation open"));
	free(tui_wait(&T, "line", "Evaluation open on structurant, "
	    "pertinent and novateur: "));
	tui_keys(&T, "anne", "Home", "E", NULL);
	s = tui_wait(&T, "anne", "structurant:");
	cr_assert_not_null(strstr(s, "novateur:"), "%s", s);
	free(s);
	tui_keys(&T, "anne", "1", NULL);
	free(tui_wait(&T, "anne", "0 to 3 per criterion"));
	tui_keys(&T, "anne", "3", NULL);
	free(tui_wait(&T, "anne", "structurant: 3"));
	tui_keys(&T, "anne", "2", NULL);
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait(&T, "anne", "pertinent: 2"));
	tui_keys(&T, "anne", "Escape", NULL);
	/* Anne sees her own scores; the facilitator the total only. */
	free(tui_wait(&T, "anne", "3\xc2\xb7" "2\xc2\xb7"));
	free(tui_wait(&T, "fac", "\xce\xa3" "5"));
	console("z");
	free(tui_wait(&T, "fac", "Evaluation closed"));
	free(tui_wait(&T, "anne", "\xce\xa3" "5"));
	free(tui_wait(&T, "line", "The evaluation is closed"));

	/* A pitch: the clock runs; the line mode says who presents. */
	console("h");
	free(tui_wait(&T, "fac", "Who pitches now?"));
	tui_keys(&T, "fac", "1", NULL);
	/* Zoé sits at the only table: hers pitches. */
	free(tui_wait(&T, "line", "Your table pitches now"));
	free(tui_wait(&T, "anne", "Pitch: table 1"));
	console("h");
	free(tui_wait(&T, "fac", "Who pitches now?"));
	tui_keys(&T, "fac", "0", NULL);
	free(tui_wait(&T, "line", "The pitches are over."));

	/* In French, from the catalogue. */
	snprintf(env, sizeof env, "LANGUAGE=fr CAFEBOARD_LOCALEDIR='%s/build/"
	    "locale'", ts_top());
	tui_client_env(&T, "fr", env, "--board cafe --name Bruno");
	free(tui_wait(&T, "fr", "(votre table)"));
	tui_keys(&T, "fr", "A", NULL);
	free(tui_wait(&T, "fr", "\xc3\x89" "crire dans quelle section"));
	tui_keys(&T, "fr", "Escape", "Y", NULL);
	free(tui_wait(&T, "fr", "Aucune action \xc3\xa0 votre nom."));
	tui_end(&T);
}

#define TWO_TABLES_BOARD \
	"title: Livrables\n" \
	"canvas: Nos livrables\n" \
	"section: Nos engagements\n" \
	"question: Comment mieux coop\xc3\xa9rer ?\n" \
	"question: Comment se faire conna\xc3\xaetre ?\n"

/*
 * The facilitator adds a canvas live from the console (d): its name, then
 * its sections on one line or a line each, as a board file writes them;
 * then gives it to one table or to every table, or takes it away.  A
 * participant in line mode at table 2 hears each change and reads the
 * canvas.
 */
Test(client, a_canvas_added_live_from_the_console)
{
	char	*s;

	three_clients(TWO_TABLES_BOARD, "You sit at table 2");

	/* One line, '|' between the sections; a mistake keeps the field. */
	console("d");
	s = tui_wait(&T, "fac", "New canvas...");
	cr_assert_not_null(strstr(s, "Nos livrables"), "%s", s);
	free(s);
	tui_keys(&T, "fac", "n", NULL);
	free(tui_wait(&T, "fac", "Name of the new canvas"));
	tui_type(&T, "fac", "Bilan");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Sections, one per line"));
	tui_type(&T, "fac", "Ce qui marche \"en un mot\" 3 | Trop 100");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "a section holds at most 99 cards"));
	tui_keys(&T, "fac", "BSpace", "BSpace", "BSpace", "BSpace", NULL);
	tui_type(&T, "fac", "| Feuille de route 0 actions");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "to which table?"));
	tui_keys(&T, "fac", "2", NULL);
	free(tui_wait(&T, "fac", "Table 2 fills in"));
	free(tui_wait(&T, "line", "Table 2 fills in the canvas \xe2\x80\x9c" "Bilan"
	    "\xe2\x80\x9d: Ce qui marche, Trop and Feuille de route."));
	tui_type(&T, "line", "canvas");
	tui_keys(&T, "line", "Enter", NULL);
	free(tui_wait(&T, "line", "Section 1, Ce qui marche, 0 of 3 cards: "
	    "en un mot"));
	free(tui_wait(&T, "line", "Section 3, Feuille de route, 0 cards"));
	/* Anne's table keeps its canvas. */
	s = tui_screen(&T, "anne", false);
	cr_assert_null(strstr(s, "Bilan"), "%s", s);
	free(s);

	/* A line each, in the board file's syntax; every table. */
	console("d");
	free(tui_wait(&T, "fac", "New canvas..."));
	tui_keys(&T, "fac", "n", NULL);
	free(tui_wait(&T, "fac", "Name of the new canvas"));
	tui_type(&T, "fac", "Retours");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Sections, one per line"));
	tui_type(&T, "fac", "J'aime | ce qui a plu | | feedback");
	tui_keys(&T, "fac", "M-Enter", NULL);
	tui_type(&T, "fac", "Je souhaite | | 5 | feedback");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "to which table?"));
	tui_keys(&T, "fac", "0", NULL);
	free(tui_wait(&T, "line", "Every table fills in the canvas \xe2\x80\x9c"
	    "Retours\xe2\x80\x9d: J'aime and Je souhaite."));
	tui_type(&T, "line", "canvas");
	tui_keys(&T, "line", "Enter", NULL);
	free(tui_wait(&T, "line", "Section 2, Je souhaite, 0 of 5 cards"));

	/* An existing canvas given again, then taken away. */
	console("d");
	free(tui_wait(&T, "fac", "New canvas..."));
	tui_keys(&T, "fac", "1", NULL);
	free(tui_wait(&T, "fac", "Nos livrables"));
	tui_keys(&T, "fac", "2", NULL);
	free(tui_wait(&T, "line", "Table 2 fills in the canvas \xe2\x80\x9c"
	    "Nos livrables\xe2\x80\x9d"));
	console("d");
	free(tui_wait(&T, "fac", "New canvas..."));
	tui_keys(&T, "fac", "x", NULL);
	free(tui_wait(&T, "fac", "Take the canvas away"));
	tui_keys(&T, "fac", "2", NULL);
	free(tui_wait(&T, "line", "Table 2 has no canvas now."));
	tui_end(&T);
}
