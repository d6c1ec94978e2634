/*
 * bench_catchup.c -- catching up: a client behind reconnecting, before
 * and after a clean restart of the server, a cold catch-up, and the wire
 * bytes of one event.
 *
 * A board of 10 000 cards (4 tables, written by one participant with
 * --ops-per-sec 0), then a participant who holds it all leaves, 100 more
 * cards are added, and it comes back (same client id, "since" its last
 * seq) over TCP loopback:
 *
 *   reconnect, 100 behind        bytes up to READY, and the mode the
 *                                WELCOME announced (1 replay, 2 state),
 *                                with the server still up
 *   ... after a restart          the same after SIGTERM and a new start
 *                                on the same data (the same client id)
 *   cold catch-up                a new client (since 0): bytes and time
 *                                up to READY
 *   at 64 kbit/s                 those bytes' time through the room link
 *                                of bench_room (8 000 bytes/s), per client
 *   card.add OP / EVENT          the frames (length prefix included) of a
 *                                40-character idea, as sent and as fanned
 *                                out
 *
 * Asserts nothing about time.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NCARDS		10000
#define BEHIND		100
#define NTABLES		4
#define WINDOW		512
#define LINK_BYTES_S	8000.0

/* What the benchmark watches. */
struct watch {
	struct bs_conn	*writer;
	uint64_t	 acked;		/* the writer's own events back */
	struct bs_conn	*reader;
	size_t		 event_frame;	/* a card.add EVENT, framed */
	int64_t		 ready_us;	/* when the reader got READY */
};

/* Count the writer's events; note a reader's event size and READY. */
static void
catchup_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct watch	*w = arg;

	(void)body;
	if (c == w->writer && e != NULL && e->origin == c->participant)
		w->acked++;
	if (c == w->reader && e != NULL && e->kind == OP_CARD_ADD)
		w->event_frame = PROTO_FRAME_HDR + len;
	if (c == w->reader && type == PROTO_READY)
		w->ready_us = t;
}

/* The writer adds n 40-character ideas at its table, pipelined. */
static void
add_cards(struct bs_loop *l, struct watch *w, uint64_t table, size_t n)
{
	struct proto_buf	 b;
	struct proto_op		 op;
	char			 text[PROTO_CARD_MAX];
	uint64_t		 sent = 0, base = w->acked;
	int64_t			 end = ts_now_ms() + BS_SETUP_MS * 4;

	proto_buf_init(&b);
	while (w->acked - base < n) {
		if (ts_now_ms() > end)
			bs_die("the board was not written in time");
		proto_buf_reset(&b);
		while (sent < n && sent - (w->acked - base) < WINDOW) {
			sent++;
			snprintf(text, sizeof text, "Idée %05u : un guichet "
			    "unique en mairie", (unsigned)(w->writer->next_op %
			    100000));
			op = ADD(table, text, 0);
			proto_enc_op(&b, ++w->writer->next_op, &op);
		}
		if (b.len > 0)
			bs_send_all(w->writer->fd, b.data, b.len);
		if (bs_loop_run(l, 10) != 0)
			bs_die("a connection closed while writing");
	}
	proto_buf_free(&b);
}

/* Connect r again as the same client and wait for READY. */
static void
rejoin(struct bs_loop *l, struct bs_conn *r, struct bs_server *s,
    const char *name, uint64_t since)
{
	uint8_t		 id[PROTO_CLIENT_LEN];
	struct bs_conn	*all[1] = { r };

	memcpy(id, r->client, sizeof id);
	bs_cafe_connect(l, r, s->port, NULL);
	memcpy(r->client, id, sizeof id);
	r->idx = 1;
	bs_cafe_hello(r, "grand", name, NULL, since);
	bs_cafe_join_all(l, all, 1);
}

/* Print and record one catch-up. */
static void
report(const char *system, const char *what, const struct bs_conn *r)
{
	char	fig[96];

	snprintf(fig, sizeof fig, "%s: bytes to READY", what);
	bs_put(fig, system, (double)r->ready_bytes, "bytes");
	snprintf(fig, sizeof fig, "%s: mode", what);
	bs_put(fig, system, r->mode == MODE_REPLAY ? 1 : 2, "1 replay 2 state");
	snprintf(fig, sizeof fig, "%s: at 64 kbit/s", what);
	bs_put(fig, system, (double)r->ready_bytes / LINK_BYTES_S,
	    "s per client");
	printf("  %-5s %-28s %9llu bytes, %s\n", system, what,
	    (unsigned long long)r->ready_bytes, r->mode == MODE_REPLAY ?
	    "replay" : "state");
}

/* One build: the board, the reconnects, the restart, a cold start. */
static void
run(const struct bs_build *bd, size_t ncards)
{
	struct bs_server	 s;
	struct bs_loop		 l;
	struct watch		 w;
	struct bs_conn		 fac, writer, reader, cold, *all[1];
	struct proto_op		 op;
	struct proto_buf	 b;
	uint64_t		 table[NTABLES], since;
	char			 q[64];
	int64_t			 t0;
	size_t			 i;

	memset(&w, 0, sizeof w);
	w.writer = &writer;
	w.reader = &reader;
	bs_cafe_start(&s, bd->server, "--fsync", "never", "--ops-per-sec",
	    "0", "--queue-cap", "64M", NULL);
	bs_loop_init(&l, catchup_frame, &w);
	bs_cafe_connect(&l, &fac, 0, s.sock);
	bs_cafe_hello(&fac, "grand", "Animatrice", s.key, 0);
	all[0] = &fac;
	bs_cafe_join_all(&l, all, 1);
	for (i = 0; i < NTABLES; i++) {
		snprintf(q, sizeof q, "Question %zu ?", i + 1);
		op = TADD(q);
		table[i] = bs_cafe_op_wait(&l, &fac, &op);
	}
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&l, &fac, &op);
	bs_cafe_connect(&l, &writer, 0, s.sock);
	bs_cafe_hello(&writer, "grand", "Plume", NULL, 0);
	all[0] = &writer;
	bs_cafe_join_all(&l, all, 1);
	for (i = 0; i < NTABLES; i++) {
		op = SIT(table[i], 0);
		bs_cafe_op_wait(&l, &writer, &op);
		add_cards(&l, &w, table[i], ncards / NTABLES);
	}
	/* The facilitator's connection is not needed any more. */
	bs_conn_close(&l, &fac);

	/* A reader who has it all, then leaves; 100 more cards. */
	bs_cafe_connect(&l, &reader, s.port, NULL);
	reader.idx = 1;
	bs_cafe_hello(&reader, "grand", "Lecteur", NULL, 0);
	all[0] = &reader;
	bs_cafe_join_all(&l, all, 1);
	add_cards(&l, &w, table[NTABLES - 1], 1);
	proto_buf_init(&b);
	op = ADD(table[NTABLES - 1], "Idée 00001 : un guichet unique "
	    "en mairie", 0);
	bs_put("card.add of a 40-character idea: OP", bd->label,
	    (double)proto_enc_op(&b, 1, &op), "bytes framed");
	proto_buf_free(&b);
	bs_put("card.add of a 40-character idea: EVENT", bd->label,
	    (double)w.event_frame, "bytes framed");
	since = reader.head;
	bs_conn_close(&l, &reader);
	add_cards(&l, &w, table[NTABLES - 1], BEHIND);

	rejoin(&l, &reader, &s, "Lecteur", since);
	report(bd->label, "reconnect, 100 behind", &reader);
	bs_conn_close(&l, &reader);

	bs_conn_close(&l, &writer);
	bs_server_stop(&s, SIGTERM);
	bs_cafe_restart(&s);
	rejoin(&l, &reader, &s, "Lecteur", since);
	report(bd->label, "after a restart, 100 behind", &reader);
	bs_conn_close(&l, &reader);

	/* A cold catch-up: someone new, nothing held. */
	w.reader = &cold;
	bs_cafe_connect(&l, &cold, s.port, NULL);
	t0 = ts_now_us();
	bs_cafe_hello(&cold, "grand", "Nouvelle", NULL, 0);
	all[0] = &cold;
	bs_cafe_join_all(&l, all, 1);
	report(bd->label, "cold catch-up", &cold);
	bs_put("cold catch-up: time to READY", bd->label,
	    (double)(w.ready_us - t0) / 1000.0, "ms");
	bs_conn_close(&l, &cold);

	bs_loop_free(&l);
	bs_server_stop(&s, SIGTERM);
	bs_server_cleanup(&s);
}

/* Every configuration on every build, then the table. */
int
main(void)
{
	struct bs_build	builds[BS_MAX_BUILDS];
	int		nb, b;

	bs_begin(bs_quick() ? "catch-up and reconnect, 2 000-card board" :
	    "catch-up and reconnect, 10 000-card board");
	srandom((unsigned)getpid());
	nb = bs_builds(builds);
	for (b = 0; b < nb; b++)
		run(&builds[b], bs_quick() ? 2000 : NCARDS);
	bs_end();
	return 0;
}
