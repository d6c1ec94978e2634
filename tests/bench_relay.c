/*
 * bench_relay.c -- a room on an edge relay through a long cut: 40 people
 * on cafeboard-server --upstream, behind tests/shaper (64 kbit/s, 300 ms
 * one way), the link cut for CB_RELAY_CUT_S seconds (30 by default, 10 in
 * make bench-quick; 300 for issue 13's five minutes, by hand) while the
 * room writes, one card every 20 s per person, and a facilitator on the
 * server writes too, one every 10 s.  Then the link is restored.
 *
 *   cut: cards written      by the room, and at the centre, during the cut
 *   cut: screens told       the room's screens told the server is out of
 *                           reach (UPLINK), and the most changes they were
 *                           told wait at the relay
 *   converged after         from the restore until the server holds every
 *                           card of the room and every screen of the room
 *                           holds the server's head
 *   link bytes after        what crossed the link from the restore until
 *                           then, each way
 *   cards lost, doubled     cards of the room the server does not hold,
 *                           or holds twice (0 and 0)
 *
 * Asserts nothing about time.  A room that has not converged 10 minutes
 * after the restore is reported as such.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NROOM		40
#define NTABLES		4
#define MAX_CARDS	64		/* per person during a cut */
#define MAX_CENTRE	256
#define MAX_PARTICIPANT	4096
#define ROOM_EVERY_MS	20000		/* a card per person */
#define CENTRE_EVERY_MS	10000		/* a card at the centre */
#define CONVERGE_MS	600000
#define LINK_BITS	64000
#define LINK_DELAY_MS	300

/* The room, the facilitator on the server, and what each saw. */
struct cut {
	struct bs_loop	 loop;
	struct bs_conn	 fac;
	struct bs_conn	 c[NROOM];
	uint64_t	 table[NTABLES];
	int		 by_participant[MAX_PARTICIPANT];
	uint32_t	 sit_op[NROOM];
	int		 seated;
	int		 written[NROOM];	/* cards sent by each */
	int		 centre_written;
	/* What the server holds (as the facilitator's stream shows it). */
	uint8_t		 held[NROOM][MAX_CARDS];
	uint8_t		 centre_held[MAX_CENTRE];
	bool		 told_down[NROOM];
	uint32_t	 most_waiting;
};

/* The person and number a card's text names ("Salle P-K"), or -1. */
static int
cut_card_of(const char *text, int *k)
{
	int	p;

	if (sscanf(text, "Salle %d-%d", &p, k) != 2 || p < 0 || p >= NROOM ||
	    *k < 0 || *k >= MAX_CARDS)
		return -1;
	return p;
}

/* Seating, UPLINK, and the cards the server's stream carries. */
static void
cut_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct cut		*r = arg;
	struct proto_msg	 m;
	struct proto_err	 err;
	int			 i = c->idx, p, k;

	(void)t;
	if (type == PROTO_UPLINK && i >= 0) {
		if (proto_decode(body, len, &m, &err) != PROTO_OK)
			return;
		if (!m.u.uplink.up)
			r->told_down[i] = true;
		if (m.u.uplink.waiting > r->most_waiting)
			r->most_waiting = m.u.uplink.waiting;
		proto_msg_free(&m);
		return;
	}
	if (e == NULL)
		return;
	if (e->kind == OP_TABLE_SIT && i >= 0 && e->op_id == r->sit_op[i] &&
	    e->origin == c->participant && r->sit_op[i] != 0) {
		r->sit_op[i] = 0;
		r->seated++;
	}
	/* The server's own stream: the facilitator's connection. */
	if (i != -1 || e->kind != OP_CARD_ADD ||
	    proto_decode(body, len, &m, &err) != PROTO_OK)
		return;
	if ((p = cut_card_of(m.u.event.op.text, &k)) >= 0) {
		if (r->held[p][k] < 255)
			r->held[p][k]++;
	} else if (sscanf(m.u.event.op.text, "Centre %d", &k) == 1 &&
	    k >= 0 && k < MAX_CENTRE && r->centre_held[k] < 255)
		r->centre_held[k]++;
	proto_msg_free(&m);
}

/* True once everyone sat down. */
static bool
cut_seated(void *arg)
{
	const struct cut	*r = arg;

	return r->seated == NROOM;
}

/* True once the server holds every card and every screen its head. */
static bool
cut_converged(void *arg)
{
	const struct cut	*r = arg;
	int			 p, k;

	for (p = 0; p < NROOM; p++)
		for (k = 0; k < r->written[p]; k++)
			if (r->held[p][k] == 0)
				return false;
	for (k = 0; k < r->centre_written; k++)
		if (r->centre_held[k] == 0)
			return false;
	for (p = 0; p < NROOM; p++)
		if (r->c[p].head < r->fac.head)
			return false;
	return true;
}

/* The cut's length in seconds. */
static int
cut_seconds(void)
{
	const char	*v = getenv("CB_RELAY_CUT_S");

	if (v != NULL && atoi(v) > 0)
		return atoi(v);
	return bs_quick() ? 10 : 30;
}

/* One build: the room on its relay, the cut, the restore. */
static void
run(const struct bs_build *bd)
{
	struct bs_server	 s, relay;
	struct bs_link		 k;
	struct cut		*r;
	struct bs_conn		*all[NROOM + 1];
	struct proto_op		 op;
	char			 up[32], key[160], text[64];
	double			 up0, down0, up1, down1;
	int64_t			 t, end, next[NROOM], centre_next, restored;
	int			 i, p, cut_s = cut_seconds(), room = 0, lost = 0;
	int			 doubled = 0, told = 0;

	if (!bs_server_has(bd->server, "--upstream")) {
		bs_note("cut: cards written by the room", bd->label,
		    "not available");
		return;
	}
	r = calloc(1, sizeof *r);
	if (r == NULL)
		bs_die("out of memory");
	for (i = 0; i < MAX_PARTICIPANT; i++)
		r->by_participant[i] = -1;
	bs_cafe_start(&s, bd->server, NULL);
	bs_link_start(&k, s.port, s.dir, LINK_BITS, LINK_DELAY_MS);
	snprintf(up, sizeof up, "127.0.0.1:%d", k.port);
	snprintf(key, sizeof key, "%s/facilitator.key", s.data);
	bs_cafe_start(&relay, bd->server, "--upstream", up, "--key-file", key,
	    NULL);

	bs_loop_init(&r->loop, cut_frame, r);
	bs_cafe_connect(&r->loop, &r->fac, 0, s.sock);
	r->fac.idx = -1;
	bs_cafe_hello(&r->fac, "salle", "Animatrice", s.key, 0);
	all[0] = &r->fac;
	bs_cafe_join_all(&r->loop, all, 1);
	for (i = 0; i < NTABLES; i++) {
		snprintf(text, sizeof text, "Question %d", i + 1);
		op = TADD(text);
		r->table[i] = bs_cafe_op_wait(&r->loop, &r->fac, &op);
	}
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&r->loop, &r->fac, &op);

	/* The room joins the relay and sits down. */
	for (i = 0; i < NROOM; i++) {
		bs_cafe_connect(&r->loop, &r->c[i], relay.port, NULL);
		r->c[i].idx = i;
		snprintf(text, sizeof text, "Personne %d", i + 1);
		bs_cafe_hello(&r->c[i], "salle", text, NULL, 0);
		all[i] = &r->c[i];
	}
	bs_cafe_join_all(&r->loop, all, NROOM);
	for (i = 0; i < NROOM; i++) {
		op = SIT(r->table[i % NTABLES], 0);
		r->sit_op[i] = bs_cafe_op(&r->c[i], &op);
	}
	if (!bs_loop_until(&r->loop, cut_seated, r, BS_SETUP_MS))
		bs_die("the room did not sit down");

	/* The cut: the room and the centre write all along. */
	bs_link_command(&k, "cut");
	t = ts_now_ms();
	end = t + (int64_t)cut_s * 1000;
	for (i = 0; i < NROOM; i++)
		next[i] = t + (int64_t)i * ROOM_EVERY_MS / NROOM;
	centre_next = t;
	while ((t = ts_now_ms()) < end) {
		for (p = 0; p < NROOM; p++) {
			if (t < next[p] || r->written[p] >= MAX_CARDS)
				continue;
			snprintf(text, sizeof text, "Salle %d-%d", p,
			    r->written[p]++);
			op = ADD(r->table[p % NTABLES], text, 0);
			bs_cafe_op(&r->c[p], &op);
			next[p] += ROOM_EVERY_MS;
		}
		if (t >= centre_next && r->centre_written < MAX_CENTRE) {
			snprintf(text, sizeof text, "Centre %d",
			    r->centre_written++);
			op = ADD(r->table[0], text, 0);
			bs_cafe_op(&r->fac, &op);
			centre_next += CENTRE_EVERY_MS;
		}
		bs_loop_run(&r->loop, 50);
	}

	/* The restore, until every card is everywhere. */
	bs_link_stats(&k, &up0, &down0);
	bs_link_command(&k, "restore");
	restored = ts_now_ms();
	if (!bs_loop_until(&r->loop, cut_converged, r, CONVERGE_MS))
		bs_note("cut: converged after the restore", bd->label,
		    "not within 10 minutes");
	else
		bs_put("cut: converged after the restore", bd->label,
		    (double)(ts_now_ms() - restored) / 1e3, "s");
	bs_link_stats(&k, &up1, &down1);
	/* Late doubles would come now. */
	for (end = ts_now_ms() + 3000; ts_now_ms() < end; )
		bs_loop_run(&r->loop, 50);

	for (p = 0; p < NROOM; p++) {
		room += r->written[p];
		told += r->told_down[p];
		for (i = 0; i < r->written[p]; i++) {
			lost += r->held[p][i] == 0;
			doubled += r->held[p][i] > 1;
		}
	}
	for (i = 0; i < r->centre_written; i++)
		doubled += r->centre_held[i] > 1;
	bs_put("cut: length", bd->label, cut_s, "s");
	bs_put("cut: cards written by the room", bd->label, room, "cards");
	bs_put("cut: cards written at the centre", bd->label,
	    r->centre_written, "cards");
	bs_put("cut: screens told the server is out of reach", bd->label,
	    told, "of 40");
	bs_put("cut: most changes waiting at the relay", bd->label,
	    r->most_waiting, "changes");
	bs_put("cut: link bytes after the restore, up", bd->label, up1 - up0,
	    "bytes");
	bs_put("cut: link bytes after the restore, down", bd->label,
	    down1 - down0, "bytes");
	bs_put("cut: cards lost", bd->label, lost, "cards");
	bs_put("cut: cards doubled", bd->label, doubled, "cards");
	printf("  %-5s cut of %d s: %d cards in the room, %d lost, %d doubled\n",
	    bd->label, cut_s, room, lost, doubled);

	for (i = 0; i < NROOM; i++)
		bs_conn_close(&r->loop, &r->c[i]);
	bs_conn_close(&r->loop, &r->fac);
	bs_loop_free(&r->loop);
	bs_server_stop(&relay, SIGTERM);
	bs_server_cleanup(&relay);
	bs_link_stop(&k);
	bs_server_stop(&s, SIGTERM);
	bs_server_cleanup(&s);
	free(r);
}

/* Every build, then the table. */
int
main(void)
{
	struct bs_build	builds[BS_MAX_BUILDS];
	int		nb, b;

	bs_begin("a room on an edge relay through a cut of the link");
	nb = bs_builds(builds);
	for (b = 0; b < nb; b++)
		run(&builds[b]);
	bs_end();
	return 0;
}
