/*
 * bench_room.c -- a rural room behind a weak link: 40 people on the
 * room's network reach the server through tests/shaper (64 kbit/s each
 * way, 300 ms one way, one link shared by every connection).
 *
 * The server runs with its defaults; the facilitator is on the server's
 * side (a Unix socket) and opens a board with 4 tables in phase ideas.
 * Then, with raw clients in the room:
 *
 *   join storm      the 40 connect and say HELLO at once, asking to be
 *                   seated as they join (as the real client does); one
 *                   that is not seated by its READY (an older server)
 *                   sits at a table itself.  "all ready": the last one
 *                   has its own table.sit; "room settled": every one has
 *                   seen all 40 sit down.
 *   card to all 40  20 cards, one at a time, each by one of the room: from
 *                   the send until the 40th client has its EVENT; p50,
 *                   p95, max, and the physics of it (two 300 ms ways plus
 *                   the OP and 40 EVENTs serialised at 64 kbit/s)
 *   uplink bytes    what crossed the link per card, each way (the shaper's
 *                   counters)
 *   edge relay      the same storm and cards with the 40 on a relay in the
 *                   room (cafeboard-server --upstream through the link):
 *                   the link's bytes per card and for the storm, against
 *                   the direct path above; "not available" when the
 *                   server has no --upstream
 *
 * Asserts nothing about time; a storm not settled within 90 s is reported
 * as such.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NROOM		40
#define NTABLES		4
#define NCARDS		20
#define MAX_PARTICIPANT	4096
#define STORM_MS	90000
#define LINK_BITS	64000
#define LINK_DELAY_MS	300

/* The room's clients and what they saw. */
struct room {
	struct bs_loop	 loop;
	struct bs_conn	 c[NROOM];
	uint64_t	 table[NTABLES];
	uint64_t	 seat[NROOM];		/* where each one sits */
	int		 by_participant[MAX_PARTICIPANT];
	uint32_t	 sit_op[NROOM];		/* op_id of each one's sit */
	int64_t		 ready_us[NROOM];	/* own sit back */
	int		 sits[NROOM];		/* sits of the room seen */
	int64_t		 settled_us;
	int		 nready, nsettled;
	/* The card in flight. */
	int		 sender;
	uint32_t	 op_id;
	int		 got;
	int64_t		 done_us;
	size_t		 event_frame;
};

/* Seating on READY, sits seen, and the card in flight. */
static void
room_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct room		*r = arg;
	struct proto_op		 op;
	struct proto_msg	 m;
	int			 i = c->idx, who;

	if (i < 0)
		return;
	if (type == PROTO_READY && c->participant < MAX_PARTICIPANT)
		r->by_participant[c->participant] = i;
	if (type == PROTO_READY && r->seat[i] == 0 && r->sit_op[i] == 0) {
		r->seat[i] = r->table[i % NTABLES];
		op = SIT(r->seat[i], 0);
		r->sit_op[i] = bs_cafe_op(c, &op);
		return;
	}
	if (e == NULL)
		return;
	who = e->origin < MAX_PARTICIPANT ? r->by_participant[e->origin] : -1;
	if (e->kind == OP_TABLE_SIT) {
		/* Its own: the one it sent, or the server's as it joined. */
		if (e->origin == c->participant && r->ready_us[i] == 0 &&
		    (e->op_id == 0 || e->op_id == r->sit_op[i])) {
			r->ready_us[i] = t;
			r->nready++;
			if (e->op_id == 0 && proto_decode(body, len, &m,
			    NULL) == PROTO_OK) {
				r->seat[i] = m.u.event.op.table;
				proto_msg_free(&m);
			}
		}
		if (++r->sits[i] == NROOM && ++r->nsettled == NROOM)
			r->settled_us = t;
	}
	if (e->kind == OP_CARD_ADD && r->sender >= 0 && who == r->sender &&
	    e->op_id == r->op_id) {
		r->event_frame = PROTO_FRAME_HDR + len;
		if (++r->got == NROOM)
			r->done_us = t;
	}
}

/* True once every sit reached every client. */
static bool
room_settled(void *arg)
{
	const struct room	*r = arg;

	return r->nsettled == NROOM;
}

/* True once the card in flight reached all. */
static bool
card_done(void *arg)
{
	const struct room	*r = arg;

	return r->got == NROOM;
}

/*
 * The 40 join at once on port, then NCARDS cards cross; the figures under
 * system, named for the direct path or (relayed) the edge relay's.
 */
static void
room_run(struct bs_server *s, struct bs_link *k, int port, const char *system,
    bool relayed)
{
	struct room	 r;
	struct bs_conn	 fac, *all[1];
	struct proto_op	 op;
	struct proto_buf b;
	int64_t		 t0, lat[NCARDS], end;
	double		 up0, down0, up1, down1, physics;
	char		 name[32], q[64], fig[96];
	const char	*pre = relayed ? "edge relay: " : "";
	int		 i, n = 0, ncards = bs_quick() ? 8 : NCARDS;

	memset(&r, 0, sizeof r);
	for (i = 0; i < MAX_PARTICIPANT; i++)
		r.by_participant[i] = -1;
	r.sender = -1;
	bs_loop_init(&r.loop, room_frame, &r);
	bs_cafe_connect(&r.loop, &fac, 0, s->sock);
	fac.idx = -1;
	bs_cafe_hello(&fac, "salle", "Animatrice", s->key, 0);
	all[0] = &fac;
	bs_cafe_join_all(&r.loop, all, 1);
	for (i = 0; i < NTABLES; i++) {
		snprintf(q, sizeof q, "Question %d : comment mieux "
		    "accueillir ?", i + 1);
		op = TADD(q);
		r.table[i] = bs_cafe_op_wait(&r.loop, &fac, &op);
	}
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&r.loop, &fac, &op);

	/* The storm: every connection, then every HELLO at once. */
	bs_link_stats(k, &up0, &down0);
	for (i = 0; i < NROOM; i++) {
		bs_cafe_connect(&r.loop, &r.c[i], port, NULL);
		r.c[i].idx = i;
		r.c[i].sit = true;
	}
	t0 = ts_now_us();
	for (i = 0; i < NROOM; i++) {
		snprintf(name, sizeof name, "Personne %d", i + 1);
		bs_cafe_hello(&r.c[i], "salle", name, NULL, 0);
	}
	if (!bs_loop_until(&r.loop, room_settled, &r, STORM_MS)) {
		snprintf(fig, sizeof fig, "%sjoin storm: room settled", pre);
		bs_note(fig, system, "over 90 s");
		if (r.nready < NROOM)
			bs_die("%d of %d people were ready after %d s",
			    r.nready, NROOM, STORM_MS / 1000);
	}
	{
		int64_t	last = 0;

		bs_link_stats(k, &up1, &down1);
		for (i = 0; i < NROOM; i++)
			if (r.ready_us[i] > last)
				last = r.ready_us[i];
		snprintf(fig, sizeof fig, "%sjoin storm, 40 at once: all ready",
		    pre);
		bs_put(fig, system, (double)(last - t0) / 1e6, "s");
		snprintf(fig, sizeof fig, "%sjoin storm, 40 at once: room "
		    "settled", pre);
		if (r.nsettled == NROOM)
			bs_put(fig, system, (double)(r.settled_us - t0) / 1e6,
			    "s");
		snprintf(fig, sizeof fig, "%sjoin storm: link bytes down",
		    pre);
		bs_put(fig, system, down1 - down0, "bytes");
		printf("  %-5s %sjoin storm: all ready in %.2f s\n", system,
		    pre, (double)(last - t0) / 1e6);
	}
	for (end = ts_now_ms() + 1000; ts_now_ms() < end; )
		bs_loop_run(&r.loop, 50);

	/* Cards, one at a time, from people around the room. */
	bs_link_stats(k, &up0, &down0);
	for (i = 0; i < ncards; i++) {
		r.sender = (i * 7) % NROOM;
		r.got = 0;
		snprintf(q, sizeof q, "Idée %05d : un guichet unique en mairie",
		    i + 1);
		op = ADD(r.seat[r.sender], q, 0);
		t0 = ts_now_us();
		r.op_id = bs_cafe_op(&r.c[r.sender], &op);
		if (!bs_loop_until(&r.loop, card_done, &r, STORM_MS))
			bs_die("a card did not reach all %d", NROOM);
		lat[n++] = r.done_us - t0;
		for (end = ts_now_ms() + 200; ts_now_ms() < end; )
			bs_loop_run(&r.loop, 20);
	}
	bs_link_stats(k, &up1, &down1);
	bs_sort(lat, (size_t)n);
	if (!relayed) {
		bs_put("card to all 40: p50", system,
		    (double)bs_pctl(lat, (size_t)n, 0.5) / 1e6, "s");
		bs_put("card to all 40: p95", system,
		    (double)bs_pctl(lat, (size_t)n, 0.95) / 1e6, "s");
		bs_put("card to all 40: max", system,
		    (double)lat[n - 1] / 1e6, "s");
		proto_buf_init(&b);
		physics = 2.0 * LINK_DELAY_MS / 1000.0 +
		    ((double)proto_enc_op(&b, 1, &op) + NROOM *
		    (double)r.event_frame) / (LINK_BITS / 8.0);
		proto_buf_free(&b);
		bs_put("card to all 40: physics", system, physics, "s");
		bs_put("link bytes per card: up", system,
		    (up1 - up0) / ncards, "bytes");
		bs_put("link bytes per card: down", system,
		    (down1 - down0) / ncards, "bytes");
		printf("  %-5s card to all 40: p95 %.2f s (physics %.2f s)\n",
		    system, (double)bs_pctl(lat, (size_t)n, 0.95) / 1e6,
		    physics);
	} else {
		bs_put("edge relay: link bytes per card, up", system,
		    (up1 - up0) / ncards, "bytes");
		bs_put("edge relay: link bytes per card, down", system,
		    (down1 - down0) / ncards, "bytes");
		bs_put("edge relay: card to all 40, p95", system,
		    (double)bs_pctl(lat, (size_t)n, 0.95) / 1e6, "s");
	}
	for (i = 0; i < NROOM; i++)
		bs_conn_close(&r.loop, &r.c[i]);
	bs_conn_close(&r.loop, &fac);
	bs_loop_free(&r.loop);
}

/* One build: the direct room, then the relayed one when possible. */
static void
run(const struct bs_build *bd)
{
	struct bs_server	s, relay;
	struct bs_link		k;
	char			up[32], key[160];

	bs_cafe_start(&s, bd->server, NULL);
	bs_link_start(&k, s.port, s.dir, LINK_BITS, LINK_DELAY_MS);
	room_run(&s, &k, k.port, bd->label, false);
	bs_link_stop(&k);
	bs_server_stop(&s, SIGTERM);
	bs_server_cleanup(&s);

	if (!bs_server_has(bd->server, "--upstream")) {
		bs_note("edge relay: link bytes per card, down", bd->label,
		    "not available");
		return;
	}
	/* The central server, the link, and a relay in the room. */
	bs_cafe_start(&s, bd->server, NULL);
	bs_link_start(&k, s.port, s.dir, LINK_BITS, LINK_DELAY_MS);
	snprintf(up, sizeof up, "127.0.0.1:%d", k.port);
	snprintf(key, sizeof key, "%s/facilitator.key", s.data);
	bs_cafe_start(&relay, bd->server, "--upstream", up, "--key-file", key,
	    NULL);
	/* The board exists upstream before the room meets. */
	room_run(&s, &k, relay.port, bd->label, true);
	bs_server_stop(&relay, SIGTERM);
	bs_server_cleanup(&relay);
	bs_link_stop(&k);
	bs_server_stop(&s, SIGTERM);
	bs_server_cleanup(&s);
}

/* Every configuration on every build, then the table. */
int
main(void)
{
	struct bs_build	builds[BS_MAX_BUILDS];
	int		nb, b;

	bs_begin("a room of 40 behind 64 kbit/s, 300 ms");
	srandom((unsigned)getpid());
	nb = bs_builds(builds);
	for (b = 0; b < nb; b++)
		run(&builds[b]);
	bs_end();
	return 0;
}
