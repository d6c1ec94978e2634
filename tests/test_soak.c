/*
 * test_soak.c -- the kill -9 soak: three writers add cards while the
 * server, run with --fsync always, is killed with SIGKILL twenty times at
 * random moments (while they write, and while they are still catching up
 * after the last restart) and started again on the same data.  A writer
 * that loses its connection reconnects as the same client, catches up from
 * the last seq it holds, and resends every op it has not seen applied, with
 * the same op_ids (those the server applied meanwhile included: it must
 * drop them).
 *
 * What must hold: no acknowledged change is ever lost (WELCOME's last_op
 * and head never fall behind what a writer saw); nothing is applied twice
 * (no own op_id comes back twice, each card is on the board once); every
 * stream a writer receives is gapless, and so is the log on disk; and at
 * the end every writer's replica, folded from all it received through the
 * twenty crashes, is the board a fresh client is given.
 *
 * The moments are drawn from a seed printed with the figures (set
 * CB_SOAK_SEED to replay one).  Every wait has a deadline; the server is
 * killed by pid and its directory removed at the end.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define ULL(x)		((unsigned long long)(x))
#define SOAK_WRITERS	3
#define SOAK_CARDS	200		/* per writer */
#define SOAK_OPS	(SOAK_CARDS + 1)	/* op 1 is the sit */
#define SOAK_KILLS	20
#define SOAK_AHEAD	8		/* ops sent ahead of the applied ones */
#define SOAK_BOARD	"soak"

enum soak_state {
	SOAK_DOWN,		/* no connection: reconnect */
	SOAK_CATCHUP,		/* HELLO sent, until READY */
	SOAK_LIVE,
};

/* A writer: its connection, its replica, and what it knows was applied. */
struct soak_writer {
	struct tclient	 c;
	int		 idx;
	char		 name[24];
	enum soak_state	 state;
	struct model	*m;		/* everything received, folded */
	uint8_t		 mode;		/* of the catch-up under way */
	uint32_t	 seen;		/* highest own op_id seen in an EVENT */
	uint32_t	 last_op;	/* as WELCOME said */
	uint32_t	 done;		/* highest own op_id known applied */
	uint32_t	 sent;		/* highest op_id sent on this connection */
	unsigned	 epoch;		/* kills before this connection */
	uint64_t	 seen_head;	/* highest seq received */
	bool		 applied[SOAK_OPS + 1];
	unsigned	 reconnects;
	unsigned	 replays;
	unsigned	 states;
	unsigned	 resent;	/* ops sent again after a reconnect */
};

static struct tserver		srv;
static struct soak_writer	ws[SOAK_WRITERS];
static uint64_t			table;
static unsigned			seed;
static unsigned			kills;

/* Kill the server, remove its directory, close the writers. */
static void
soak_cleanup(void)
{
	int	i;

	tserver_cleanup(&srv);
	for (i = 0; i < SOAK_WRITERS; i++) {
		tclient_close(&ws[i].c);
		model_free(ws[i].m);
	}
	memset(ws, 0, sizeof ws);
}

TestSuite(soak, .fini = soak_cleanup, .timeout = 300);

/* A number in [0, n) from the soak's own generator (xorshift). */
static unsigned
soak_rand(unsigned n)
{
	static uint32_t	x;

	if (x == 0)
		x = seed != 0 ? seed : 1;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return n == 0 ? 0 : x % n;
}

/* The text of writer w's card of op_id id (op 1 is the sit). */
static void
soak_text(char *out, size_t len, int w, uint32_t id)
{
	snprintf(out, len, "w%d-%03u", w, id - 1);
}

/* Writer w's op of op_id id. */
static struct proto_op
soak_op(int w, uint32_t id, char *text, size_t len)
{
	if (id == 1)
		return SIT(table, 0);
	soak_text(text, len, w, id);
	return ADD(table, text, 0);
}

/* One EVENT: in order, applied to the replica, own ops once each. */
static void
soak_event(struct soak_writer *w, const struct proto_event *ev)
{
	cr_assert_eq(ev->seq, w->m->head + 1, "seed %u: writer %d got seq "
	    "%llu after %llu", seed, w->idx, ULL(ev->seq), ULL(w->m->head));
	cr_assert_eq(model_apply(w->m, ev, ts_now_ms(), NULL), 0);
	if (ev->seq > w->seen_head)
		w->seen_head = ev->seq;
	if (ev->origin != w->c.participant || ev->op_id == 0)
		return;
	cr_assert_leq(ev->op_id, SOAK_OPS);
	cr_assert_not(w->applied[ev->op_id], "seed %u: writer %d: op %u "
	    "applied twice", seed, w->idx, ev->op_id);
	/* Live, an op the server said it had is never applied again. */
	cr_assert_gt(ev->op_id, w->state == SOAK_LIVE ? w->done : w->seen,
	    "seed %u: writer %d: op %u applied after op %u", seed, w->idx,
	    ev->op_id, w->state == SOAK_LIVE ? w->done : w->seen);
	w->applied[ev->op_id] = true;
	w->seen = ev->op_id;
	if (w->seen > w->done)
		w->done = w->seen;
}

/* One message received. */
static void
soak_message(struct soak_writer *w, const struct proto_msg *msg)
{
	switch (msg->type) {
	case PROTO_WELCOME:
		cr_assert_eq(w->state, SOAK_CATCHUP);
		/* The server never forgets what a writer saw applied. */
		cr_assert_geq(msg->u.welcome.last_op, w->done, "seed %u: "
		    "writer %d: last_op %u, but op %u was applied", seed,
		    w->idx, msg->u.welcome.last_op, w->done);
		cr_assert_geq(msg->u.welcome.head, w->seen_head, "seed %u: "
		    "writer %d: head %llu, but seq %llu was received", seed,
		    w->idx, ULL(msg->u.welcome.head), ULL(w->seen_head));
		w->c.participant = msg->u.welcome.participant;
		w->mode = msg->u.welcome.mode;
		w->last_op = msg->u.welcome.last_op;
		if (w->mode == MODE_STATE) {
			model_state_begin(w->m);
			w->states++;
		} else
			w->replays++;
		break;
	case PROTO_EVENT:
		soak_event(w, &msg->u.event);
		break;
	case PROTO_STATE:
		cr_assert_eq(model_state_read(w->m, &msg->u.state,
		    ts_now_ms()), 0);
		break;
	case PROTO_READY:
		cr_assert_eq(w->state, SOAK_CATCHUP);
		if (w->mode == MODE_STATE)
			model_state_end(w->m, msg->u.ready);
		cr_assert_eq(w->m->head, msg->u.ready, "seed %u: writer %d: "
		    "READY %llu, replica at %llu", seed, w->idx,
		    ULL(msg->u.ready), ULL(w->m->head));
		if (msg->u.ready > w->seen_head)
			w->seen_head = msg->u.ready;
		/* A replay brings back every op applied meanwhile. */
		if (w->mode == MODE_REPLAY)
			cr_assert_eq(w->done, w->last_op, "seed %u: writer %d: "
			    "last_op %u, ops up to %u seen", seed, w->idx,
			    w->last_op, w->done);
		if (w->last_op > w->done)
			w->done = w->last_op;
		/* Everything not seen applied goes again, same op_ids. */
		w->resent += w->done - w->seen;
		w->sent = w->seen;
		w->state = SOAK_LIVE;
		break;
	case PROTO_PRESENCE:
	case PROTO_PONG:
		break;
	case PROTO_PING:
		proto_enc_pong(&w->c.out, msg->u.token);
		tclient_flush(&w->c);
		break;
	default:
		cr_assert_fail("seed %u: writer %d: message %u (%s)", seed,
		    w->idx, msg->type, msg->type == PROTO_REJECT ?
		    msg->u.reject.text : msg->type == PROTO_ERROR ?
		    msg->u.error.text : "");
	}
}

/* Let writer w do what it can within about ms milliseconds. */
static void
soak_step(struct soak_writer *w, int ms)
{
	struct proto_msg	 msg;
	struct proto_err	 err;
	struct proto_op		 op;
	char			 text[32];
	uint8_t			*f;
	size_t			 len;
	int			 rc;

	if (w->state == SOAK_DOWN) {
		if (tclient_reconnect(&w->c, &srv, false) != 0)
			return;
		w->reconnects++;
		w->epoch = kills;
		cr_assert_eq(tclient_hello_flags(&w->c, SOAK_BOARD, w->name,
		    NULL, NULL, w->m->head, false, false), 0);
		w->state = SOAK_CATCHUP;
	}
	if (w->state == SOAK_LIVE) {
		while (w->sent < SOAK_OPS && w->sent < w->done + SOAK_AHEAD) {
			w->sent++;
			op = soak_op(w->idx, w->sent, text, sizeof text);
			if (tclient_op_id(&w->c, w->sent, &op) != 0)
				break;
		}
	}
	while ((rc = tclient_recv_frame(&w->c, &f, &len, ms)) == 1) {
		ms = 1;
		cr_assert_eq(proto_decode(f + PROTO_FRAME_HDR,
		    len - PROTO_FRAME_HDR, &msg, &err), PROTO_OK, "%s",
		    err.text);
		soak_message(w, &msg);
		proto_msg_free(&msg);
		free(f);
	}
	if (rc == -1)
		w->state = SOAK_DOWN;
}

/* Ops known applied, all writers together. */
static unsigned
soak_progress(void)
{
	unsigned	n = 0;
	int		i;

	for (i = 0; i < SOAK_WRITERS; i++)
		n += ws[i].done;
	return n;
}

/* Compare a writer's replica with the board a fresh client was given. */
static void
soak_same(const struct model *a, const struct model *b, int idx)
{
	size_t	i;

	cr_assert_eq(a->head, b->head, "writer %d: head %llu, fresh %llu",
	    idx, ULL(a->head), ULL(b->head));
	cr_assert_eq(a->phase, b->phase);
	cr_assert_eq(a->ntables, b->ntables);
	for (i = 0; i < a->ntables; i++) {
		cr_assert_eq(a->tables[i].id, b->tables[i].id);
		cr_assert_str_eq(a->tables[i].question, b->tables[i].question);
	}
	cr_assert_eq(a->nparticipants, b->nparticipants, "writer %d", idx);
	for (i = 0; i < a->nparticipants; i++) {
		cr_assert_eq(a->participants[i].id, b->participants[i].id);
		cr_assert_str_eq(a->participants[i].name,
		    b->participants[i].name);
		cr_assert_eq(a->participants[i].role, b->participants[i].role);
		cr_assert_eq(a->participants[i].table,
		    b->participants[i].table);
	}
	cr_assert_eq(a->ncards, b->ncards, "writer %d: %zu cards, fresh %zu",
	    idx, a->ncards, b->ncards);
	cr_assert_eq(a->live_cards, b->live_cards);
	for (i = 0; i < a->ncards; i++) {
		const struct model_card *c = &a->cards[i], *d = &b->cards[i];

		cr_assert_eq(c->id, d->id, "writer %d: card %zu", idx, i);
		cr_assert_eq(c->table, d->table);
		cr_assert_eq(c->author, d->author);
		cr_assert_eq(c->parent, d->parent);
		cr_assert_str_eq(c->text, d->text);
		cr_assert_eq(c->deleted, d->deleted);
		cr_assert_eq(c->edited, d->edited);
	}
}

/* A fresh facilitator's STATE catch-up of the board, folded. */
static struct model *
soak_fresh(void)
{
	struct tclient		 c;
	struct proto_msg	 msg;
	struct model		*m = model_new(SOAK_BOARD);
	int			 rc;

	cr_assert_eq(tclient_connect(&c, &srv, false), 0);
	cr_assert_eq(tclient_hello_flags(&c, SOAK_BOARD, "Fresh", NULL,
	    srv.key, 0, true, true), 0);
	rc = tclient_expect(&c, PROTO_WELCOME, &msg, TS_TIMEOUT_MS);
	cr_assert_eq(rc, 1);
	cr_assert_eq(msg.type, PROTO_WELCOME);
	cr_assert_eq(msg.u.welcome.mode, MODE_STATE);
	proto_msg_free(&msg);
	model_state_begin(m);
	for (;;) {
		cr_assert_eq(tclient_recv(&c, &msg, TS_TIMEOUT_MS), 1);
		if (msg.type == PROTO_READY) {
			model_state_end(m, msg.u.ready);
			proto_msg_free(&msg);
			break;
		}
		if (msg.type == PROTO_STATE)
			cr_assert_eq(model_state_read(m, &msg.u.state,
			    ts_now_ms()), 0);
		proto_msg_free(&msg);
	}
	tclient_close(&c);
	return m;
}

Test(soak, twenty_kill_9_with_three_writers)
{
	struct tclient	 f;
	struct proto_msg msg;
	struct model	*fresh;
	unsigned	 at[SOAK_KILLS], total, mid_catchup = 0;
	unsigned	 resent = 0, reconnects = 0, states = 0, replays = 0;
	int64_t		 start = ts_now_ms(), deadline;
	const char	*env = getenv("CB_SOAK_SEED");
	char		*out, want[96], text[32];
	uint64_t	 head = 0;
	uint32_t	 id;
	int		 i, j, n, rounds = 0;
	bool		 done;

	seed = env != NULL ? (unsigned)strtoul(env, NULL, 10) :
	    (unsigned)(ts_wall_ms() ^ getpid());
	/*
	 * Snapshots now and then, and a short replay window: catch-ups are
	 * replays or states, loads from a snapshot or from the log alone.
	 */
	tserver_start(&srv, false, "--fsync", "always", "--ops-per-sec", "0",
	    "--snapshot-every", "40", "--replay-max", "12", NULL);
	cr_assert_eq(tclient_connect(&f, &srv, false), 0);
	cr_assert_eq(tclient_join(&f, SOAK_BOARD, "Nadia", NULL, srv.key), 0);
	id = tclient_op(&f, &(struct proto_op){ .kind = OP_TABLE_ADD,
	    .text = "Tenir bon ?" });
	cr_assert_eq(tclient_wait_op(&f, id, &msg, TS_TIMEOUT_MS), 1);
	table = msg.u.event.seq;
	proto_msg_free(&msg);
	id = tclient_op(&f, &(struct proto_op){ .kind = OP_PHASE,
	    .phase = PHASE_IDEAS });
	cr_assert_eq(tclient_wait_op(&f, id, &msg, TS_TIMEOUT_MS), 1);
	proto_msg_free(&msg);
	tclient_close(&f);
	for (i = 0; i < SOAK_WRITERS; i++) {
		ws[i].idx = i;
		snprintf(ws[i].name, sizeof ws[i].name, "Writer %d", i);
		ws[i].m = model_new(SOAK_BOARD);
		cr_assert_eq(tclient_connect(&ws[i].c, &srv, false), 0);
		cr_assert_eq(tclient_hello_flags(&ws[i].c, SOAK_BOARD,
		    ws[i].name, NULL, NULL, 0, false, false), 0);
		ws[i].state = SOAK_CATCHUP;
	}

	/* Twenty moments, as progress: some fall while writers catch up. */
	total = SOAK_WRITERS * SOAK_OPS;
	for (i = 0; i < SOAK_KILLS; i++)
		at[i] = 1 + soak_rand(total - 1);
	for (i = 1; i < SOAK_KILLS; i++)
		for (j = i; j > 0 && at[j - 1] > at[j]; j--) {
			unsigned t = at[j];

			at[j] = at[j - 1];
			at[j - 1] = t;
		}

	deadline = start + 240000;
	do {
		cr_assert_lt(ts_now_ms(), deadline, "seed %u: no end after "
		    "%u kills", seed, kills);
		rounds++;
		for (i = 0; i < SOAK_WRITERS; i++)
			soak_step(&ws[i], 1 + (int)soak_rand(3));
		if (kills < SOAK_KILLS && soak_progress() >= at[kills] &&
		    soak_rand(3) == 0) {
			for (i = 0; i < SOAK_WRITERS; i++)
				mid_catchup += ws[i].state == SOAK_CATCHUP;
			cr_assert_eq(WIFSIGNALED(tserver_stop(&srv, SIGKILL)),
			    1, "seed %u: the server was gone before kill %u",
			    seed, kills + 1);
			kills++;
			tserver_restart(&srv);
		}
		/* Done: every op applied, all on the last server. */
		done = kills == SOAK_KILLS;
		for (i = 0; i < SOAK_WRITERS; i++)
			done = done && ws[i].state == SOAK_LIVE &&
			    ws[i].epoch == kills && ws[i].done == SOAK_OPS;
	} while (!done);

	/* The board a fresh client gets; every writer follows to its head. */
	fresh = soak_fresh();
	head = fresh->head;
	for (i = 0; i < SOAK_WRITERS; i++) {
		while (ws[i].m->head < head) {
			cr_assert_lt(ts_now_ms(), deadline);
			soak_step(&ws[i], 100);
			cr_assert_eq(ws[i].state, SOAK_LIVE);
		}
	}

	/* Each card once; each replica is the fresh client's board. */
	cr_assert_eq(fresh->live_cards, SOAK_WRITERS * SOAK_CARDS,
	    "seed %u: %zu cards", seed, fresh->live_cards);
	for (i = 0; i < SOAK_WRITERS; i++) {
		for (id = 2; id <= SOAK_OPS; id++) {
			soak_text(text, sizeof text, i, id);
			for (n = 0, j = 0; j < (int)fresh->ncards; j++)
				n += strcmp(fresh->cards[j].text, text) == 0;
			cr_assert_eq(n, 1, "seed %u: %s is there %d times",
			    seed, text, n);
		}
		soak_same(ws[i].m, fresh, i);
		resent += ws[i].resent;
		reconnects += ws[i].reconnects;
		states += ws[i].states;
		replays += ws[i].replays;
	}
	model_free(fresh);

	/* The log on disk: every seq from 1 to the head, once. */
	cr_assert_eq(tserver_stop(&srv, SIGKILL) != -1, 1);
	cr_assert_eq(tserver_command(&srv, &out, "check", SOAK_BOARD, NULL),
	    0, "seed %u: check:\n%s", seed, out);
	snprintf(want, sizeof want, "%llu records, seq 1 to %llu,", ULL(head),
	    ULL(head));
	cr_assert_not_null(strstr(out, want), "seed %u: no \"%s\" in:\n%s",
	    seed, want, out);
	free(out);

	fprintf(stderr, "soak: seed %u, %d kill -9 (%u writers caught "
	    "mid catch-up), %d writers x %d cards, head %llu; %u reconnects "
	    "(%u replays, %u state catch-ups), %u ops resent that the server "
	    "had applied; %d rounds, %lld ms\n", seed, SOAK_KILLS,
	    mid_catchup, SOAK_WRITERS, SOAK_CARDS, ULL(head), reconnects,
	    replays, states, resent, rounds,
	    (long long)(ts_now_ms() - start));
}
