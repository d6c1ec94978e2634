/*
 * bench_model.c -- figures for the board model on a large board: 1 000
 * participants, 6 tables, 10 000 cards, 3 000 dots.  Prints figures only;
 * asserts nothing about time (the machines are shared and noisy).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define NPEOPLE		1000
#define NTABLES		6
#define NCARDS		10000
#define T0		1700000000000LL

/* Peak resident set size in MiB. */
static double
bench_rss(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* Apply one event with the next seq; exit if the model refuses it. */
static void
bench_apply(struct model *m, uint32_t origin, struct proto_op op,
    const uint8_t *client)
{
	struct proto_event	e;

	memset(&e, 0, sizeof e);
	e.seq = m->head + 1;
	e.origin = origin;
	e.op_id = origin != 0 ? (uint32_t)e.seq : 0;
	e.op = op;
	if (model_apply(m, &e, T0 + (int64_t)e.seq, client) != 0) {
		fprintf(stderr, "bench_model: apply refused seq %llu\n",
		    (unsigned long long)e.seq);
		exit(1);
	}
}

/* Submit as the server does (model_submit, no log); exit if refused. */
static void
bench_serve(struct model *m, uint32_t who, struct proto_op op)
{
	const char	*why;
	int		 code;

	if ((code = model_submit(m, who, NULL, (uint32_t)m->head + 1, &op,
	    T0 + (int64_t)m->head + 1, NULL, &why)) != 0) {
		fprintf(stderr, "bench_model: op %u refused: %d %s\n",
		    op.kind, code, why);
		exit(1);
	}
}

/* Rebuild a board from STATE frames; returns the seconds it took. */
static double
bench_read(const struct proto_buf *b, struct model *m)
{
	struct proto_msg	msg;
	struct proto_err	err;
	uint64_t		head = 0;
	size_t			off = 0, len;
	double			t = ts_seconds();

	model_state_begin(m);
	while (off < b->len) {
		len = proto_frame_len(b->data + off);
		if (proto_decode(b->data + off + PROTO_FRAME_HDR, len, &msg,
		    &err) != PROTO_OK ||
		    model_state_read(m, &msg.u.state, T0) != 0) {
			fprintf(stderr, "bench_model: bad record\n");
			exit(1);
		}
		if (msg.u.state.what == STATE_BOARD)
			head = msg.u.state.board.head;
		proto_msg_free(&msg);
		off += PROTO_FRAME_HDR + len;
	}
	model_state_end(m, head);
	return ts_seconds() - t;
}

/* Build the large board and print the figures. */
int
main(void)
{
	struct model		*m, *c, *r;
	struct proto_op		 op;
	struct proto_buf	 b, b2;
	uint64_t		 tables[NTABLES], first_card = 0, events0;
	uint8_t			 client[PROTO_CLIENT_LEN];
	char			 name[32], text[160];
	double			 t, dt;
	uint32_t		 p, i, k;
	size_t			 nrec;

	printf("board model: %d participants, %d tables, %d cards\n",
	    NPEOPLE, NTABLES, NCARDS);
	printf("rss at start: %.1f MiB\n", bench_rss());
	m = model_new("bench");

	/* People and tables. */
	t = ts_seconds();
	for (p = 1; p <= NPEOPLE + 1; p++) {
		snprintf(name, sizeof name, "Prénom %u", p);
		op = OP(.kind = OP_JOINED, .participant = p, .text = name);
		memcpy(op.client, &p, sizeof p);
		op.client[15] = 0xcb;
		bench_apply(m, 0, op, NULL);
	}
	bench_apply(m, 0, ROLE(1, ROLE_FACILITATOR), NULL);
	for (i = 0; i < NTABLES; i++) {
		bench_serve(m, 1, TADD("Comment faire pour garantir une bonne "
		    "orientation des publics en demande d'emploi ?"));
		tables[i] = m->head;
	}
	for (p = 2; p <= NPEOPLE + 1; p++) {
		bench_serve(m, p, SIT(tables[p % NTABLES], p));
		if (p % 50 == 0)
			bench_serve(m, 1, ROLE(p, ROLE_HOST));
	}
	bench_serve(m, 1, PHASE(PHASE_IDEAS));
	dt = ts_seconds() - t;
	printf("setup: %llu events (joins, seats, roles) in %.2f ms\n",
	    (unsigned long long)m->head, dt * 1e3);

	/* 10 000 cards, checked and applied, by 1 000 people. */
	events0 = m->head;
	t = ts_seconds();
	for (i = 0; i < NCARDS; i++) {
		p = 2 + i % NPEOPLE;
		snprintf(text, sizeof text, "Idée n°%u : mieux coordonner les "
		    "acteurs du territoire autour du parcours", i);
		op = ADD(model_participant(m, p)->table, text,
		    i % 10 == 9 ? m->head : 0);
		if (op.parent != 0 &&
		    model_card(m, op.parent)->table != op.table)
			op.parent = 0;
		bench_serve(m, p, op);
		if (first_card == 0)
			first_card = m->head;
	}
	dt = ts_seconds() - t;
	printf("card.add x %u (check + apply): %.2f ms, %.0f events/s\n",
	    NCARDS, dt * 1e3, (double)(m->head - events0) / dt);

	/* Dots: three per person on their table, with a take-back each. */
	bench_serve(m, 1, PHASE(PHASE_VOTE));
	events0 = m->head;
	t = ts_seconds();
	for (p = 2; p <= NPEOPLE + 1; p++) {
		for (k = 0, i = 0; k < 4 && i < NCARDS; i++) {
			const struct model_card *cd = &m->cards[(p * 7 + i *
			    13) % m->ncards];

			if (cd->table != model_participant(m, p)->table ||
			    model_votes_of(m, p, cd->id) != 0)
				continue;
			op = VOTE(cd->id, 1);
			if (k == 3) {
				/* A fourth dot is over budget: take back. */
				op = VOTE(m->cards[(p * 7) % m->ncards].id, -1);
				if (model_votes_of(m, p, op.card) == 0)
					break;
			}
			bench_serve(m, p, op);
			k++;
		}
	}
	dt = ts_seconds() - t;
	printf("vote x %llu (check + apply): %.2f ms, %.0f events/s\n",
	    (unsigned long long)(m->head - events0), dt * 1e3,
	    (double)(m->head - events0) / dt);

	/* Raw apply rate: the same board folded again without checks. */
	{
		struct model	*again = model_new("bench");

		t = ts_seconds();
		for (p = 1; p <= NPEOPLE + 1; p++) {
			snprintf(name, sizeof name, "Prénom %u", p);
			bench_apply(again, 0, OP(.kind = OP_JOINED,
			    .participant = p, .text = name), NULL);
		}
		for (i = 0; i < NTABLES; i++)
			bench_apply(again, 1, TADD("Question"), NULL);
		bench_apply(again, 1, PHASE(PHASE_IDEAS), NULL);
		for (i = 0; i < NCARDS; i++) {
			memset(client, 0, sizeof client);
			p = 2 + i % NPEOPLE;
			memcpy(client, &p, sizeof p);
			bench_apply(again, p, ADD(again->tables[i % NTABLES].id,
			    text, 0), client);
		}
		dt = ts_seconds() - t;
		printf("apply only (joins, tables, cards; client ids "
		    "recorded): %llu events in %.2f ms, %.0f events/s\n",
		    (unsigned long long)again->head, dt * 1e3,
		    (double)again->head / dt);
		model_free(again);
	}

	/* STATE: a snapshot and a participant's view. */
	proto_buf_init(&b);
	t = ts_seconds();
	nrec = model_state_write(m, 0, 0, &b);
	dt = ts_seconds() - t;
	printf("state_write snapshot: %zu records, %zu bytes, %.2f ms\n",
	    nrec, b.len, dt * 1e3);
	proto_buf_init(&b2);
	t = ts_seconds();
	nrec = model_state_write(m, 500, 0, &b2);
	dt = ts_seconds() - t;
	printf("state_write participant view: %zu records, %zu bytes, "
	    "%.2f ms (model_state_size estimate %zu)\n", nrec, b2.len,
	    dt * 1e3, model_state_size(m));

	r = model_new("x");
	dt = bench_read(&b, r);
	printf("state read back (decode + state_read): %.2f ms\n", dt * 1e3);
	proto_buf_reset(&b2);
	model_state_write(r, 0, 0, &b2);
	printf("round trip identical: %s\n", b2.len == b.len &&
	    memcmp(b.data, b2.data, b.len) == 0 ? "yes" : "NO");
	model_free(r);

	/* Clone (the client predicts on one). */
	t = ts_seconds();
	for (i = 0; i < 10; i++) {
		c = model_clone(m);
		model_free(c);
	}
	dt = (ts_seconds() - t) / 10;
	printf("clone + free: %.2f ms each\n", dt * 1e3);

	/* A rotation of 1 000 people over 6 tables. */
	t = ts_seconds();
	bench_serve(m, 1, ROTATE());
	dt = ts_seconds() - t;
	printf("rotate submit (rotation_compute over %zu people, meetings "
	    "counted, people moved): %.2f ms\n", m->nparticipants - 1,
	    dt * 1e3);

	/* Closing the blind vote: the tally. */
	{
		struct proto_event	 e;
		struct proto_op		*ops;
		size_t			 n;

		/* The phase alone: its followups are timed here. */
		op = PHASE(PHASE_HARVEST);
		bench_apply(m, 1, op, NULL);
		memset(&e, 0, sizeof e);
		e.seq = m->head;
		e.origin = 1;
		e.op = op;
		t = ts_seconds();
		n = model_followups(m, &e, &ops);
		dt = ts_seconds() - t;
		printf("tally followups: %zu op(s), %u pairs, %.2f ms\n", n,
		    n != 0 ? ops[0].npairs : 0, dt * 1e3);
		for (i = 0; i < n; i++)
			proto_op_free(&ops[i]);
		if (n != 0)
			free(ops);
	}

	printf("peak rss: %.1f MiB\n", bench_rss());
	proto_buf_free(&b);
	proto_buf_free(&b2);
	model_free(m);
	return 0;
}
