/*
 * upstream.c -- the edge relay: cafeboard-server --upstream HOST[:PORT].
 *
 * In a room behind a weak link, people connect to a relay as to a server.
 * For each board in use the relay holds one connection to the server above
 * it (the board's own server, or another relay).  It reads the board there
 * as a facilitator does (HELLO with "relay" and the key) into a mirror: a
 * board struct whose model and replay window are fed by the upstream's
 * events rather than by model_submit.  Its clients are served from the
 * mirror with the server's own code (catch-up, replay, fan-out, and the
 * per-recipient privacy of model_redact on the mirror), so each event
 * crosses the link once, whatever the number of people in the room.
 *
 * The people's HELLOs and ops go up the same connection, named by client
 * id (RELAY_HELLO, RELAY_OP, RELAY_BYE; relay.c is the other end): the
 * board's server decides who joins and sequences every op, and the order
 * of events stays its own.  The relay keeps each op until the server has
 * answered it (its EVENT, a RELAY_REJECT, or RELAY_WELCOME's last_op) and
 * sends again what is unanswered after a reconnect, in the order the room
 * made them: the server applies each once.
 *
 * With --tls the link is TLS, and the relay talks only to the certificate
 * whose fingerprint --pin names (it has nobody to ask whether to trust
 * another); without, the key it presents never goes in clear beyond
 * loopback unless --insecure says so.
 *
 * When the link drops (or goes silent) the room goes on: the mirror still
 * serves every catch-up, people who joined through this relay come back in
 * from it, their ops wait here, and every local screen hears (UPLINK) that
 * the board's server is out of reach and how many changes wait.  When the
 * link returns the relay catches its mirror up from where it stands, says
 * HELLO again for its people and sends what waited.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "hostport.h"
#include "idmap.h"
#include "server.h"
#include "xmalloc.h"

#define UPSTREAM_PING_MS	3000	/* quiet this long: ping upstream */
#define UPSTREAM_STALL_MS	8000	/* silent this long: out of reach */
#define UPSTREAM_HELLO_MS	10000	/* to connect and be welcomed */
#define UPSTREAM_BACKOFF_MIN_MS	200
#define UPSTREAM_BACKOFF_MAX_MS	10000
#define UPSTREAM_MAX_BOARDS	256	/* mirrors one relay serves */
#define UPSTREAM_MAX_OPS	100000	/* ops waiting for the link */
#define UPSTREAM_TELL_MAX	((1u << 30) - 1)	/* counts in uplink_told */

enum upstream_state {
	UP_WAIT,		/* to connect again at the retry time */
	UP_CONNECTING,
	UP_HELLO,		/* HELLO sent, WELCOME awaited */
	UP_CATCHUP,		/* WELCOME received, READY awaited */
	UP_LIVE,
	UP_GONE,		/* refused before the mirror was ever served:
				   tried again at the next local HELLO */
};

/* A client id that speaks through this relay, and what it said. */
struct upstream_client {
	uint8_t		 client[PROTO_CLIENT_LEN];
	char		*name;
	char		*code;		/* NULL when none */
	char		*key;		/* NULL when none */
	uint32_t	 participant;	/* 0 until the server admits it */
	uint32_t	 acked;		/* highest op_id the server answered */
	bool		 admitted;	/* the server welcomed it once */
	bool		 hello_sent;	/* RELAY_HELLO on this connection */
	bool		 needs_state;	/* its next catch-up is a STATE one */
	bool		 sit;		/* its HELLO said "sit" */
	struct client_conn *conn;	/* its connection here, or NULL */
	size_t		 queued;	/* its ops waiting in the queue */
	TAILQ_ENTRY(upstream_client) entry;
};

/* An op of the room that the server has not answered yet. */
struct upstream_op {
	struct upstream_client *uc;
	uint32_t	 op_id;
	struct proto_op	 op;		/* owned */
	TAILQ_ENTRY(upstream_op) entry;
};

TAILQ_HEAD(upstream_client_list, upstream_client);
TAILQ_HEAD(upstream_op_list, upstream_op);

/* The link to the server above, for one mirror. */
struct upstream {
	struct server	*server;
	struct board	*board;
	enum upstream_state state;
	struct bufferevent *bev;
	struct bufferevent **dead;	/* closed, freed in housekeeping */
	size_t		 ndead;
	size_t		 dead_cap;
	struct event	*retry_ev;
	struct event	*tick_ev;
	uint8_t		 client[PROTO_CLIENT_LEN];	/* the relay's own */
	unsigned	 attempts;	/* since the last READY */
	int64_t		 state_ms;	/* when the state began */
	int64_t		 last_in_ms;
	int64_t		 ping_ms;
	bool		 create;	/* ask for a missing board to be made */
	bool		 hello_create;	/* ... and our last HELLO did */
	bool		 synced;	/* the mirror was caught up once */
	struct model	*incoming;	/* a STATE catch-up being built */
	uint32_t	 votes_for;	/* "votes" records after RELAY_WELCOME */
	uint32_t	 error;		/* UP_GONE: the ERROR that refused us */
	char		 error_text[PROTO_REASON_MAX * 4 + 1];
	struct upstream_client_list clients;
	struct upstream_op_list ops;
	size_t		 nops;
	struct idmap	 online;	/* who is here, as the server says */
	bool		 far_up;	/* a relay above us: its link (UPLINK) */
	uint32_t	 far_waiting;
	bool		 in_reach;	/* what the room was last told */
	bool		 draining;	/* in reach again, what waited goes up */
	bool		 dirty;		/* tell the room how the link stands */
	struct proto_buf out;
};

static void	upstream_connect(struct upstream *);
static void	upstream_lost(struct upstream *, const char *);

/*
 * True while the room's frames go up: the server welcomed this connection
 * (an attempt that is not answered may be delivered long after it was
 * given up, and must not carry the room's ops then).
 */
static bool
upstream_active(const struct upstream *up)
{
	return up->state == UP_CATCHUP || up->state == UP_LIVE;
}

/* True when the board's server is in reach: live and heard from lately. */
static bool
upstream_in_reach(const struct upstream *up, int64_t now)
{
	return up->state == UP_LIVE && now - up->last_in_ms <
	    UPSTREAM_STALL_MS && up->far_up;
}

/* Send the len bytes encoded in up->out. */
static void
upstream_send(struct upstream *up, size_t len)
{
	if (len == 0 || up->bev == NULL)
		return;
	if (bufferevent_write(up->bev, up->out.data, len) != 0)
		fatalx("relay: out of memory for %zu bytes", len);
}

/* The buffer to encode one frame for upstream into, emptied. */
static struct proto_buf *
upstream_buf(struct upstream *up)
{
	proto_buf_reset(&up->out);
	return &up->out;
}

/* The client record of client id, or NULL. */
static struct upstream_client *
upstream_client_find(const struct upstream *up, const uint8_t *client)
{
	struct upstream_client	*uc;

	TAILQ_FOREACH(uc, &up->clients, entry) {
		if (memcmp(uc->client, client, PROTO_CLIENT_LEN) == 0)
			return uc;
	}
	return NULL;
}

/* Replace an owned string with a copy of s (NULL stays NULL). */
static void
upstream_set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s != NULL ? xstrdup(s) : NULL;
}

/* True if uc must be known upstream: someone is here, or ops wait. */
static bool
upstream_wanted(const struct upstream_client *uc)
{
	const struct client_conn	*c = uc->conn;

	return uc->queued > 0 || (c != NULL && (c->state == CONN_FORWARDED ||
	    c->state == CONN_CATCHUP || c->state == CONN_LIVE));
}

/* RELAY_HELLO for uc, as its own HELLO said it. */
static void
upstream_register(struct upstream *up, struct upstream_client *uc)
{
	struct proto_hello	h;

	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = up->board->name;
	memcpy(h.client, uc->client, PROTO_CLIENT_LEN);
	h.name = uc->name;
	h.code = uc->code;
	h.key = uc->key;
	h.sit = uc->sit;
	upstream_send(up, proto_enc_relay_hello(upstream_buf(up), &h));
	uc->hello_sent = true;
}

/* RELAY_BYE for uc once nobody is here for it and nothing of it waits. */
static void
upstream_maybe_bye(struct upstream *up, struct upstream_client *uc)
{
	if (uc->conn != NULL || uc->queued > 0 || !uc->hello_sent ||
	    !upstream_active(up))
		return;
	upstream_send(up, proto_enc_relay_bye(upstream_buf(up), uc->client));
	uc->hello_sent = false;
}

/* Send one waiting op (its client's RELAY_HELLO first when needed). */
static void
upstream_send_op(struct upstream *up, struct upstream_op *o)
{
	if (!o->uc->hello_sent)
		upstream_register(up, o->uc);
	upstream_send(up, proto_enc_relay_op(upstream_buf(up), o->uc->client,
	    o->op_id, &o->op));
}

/*
 * A new connection is welcomed: say HELLO again for everyone who must be
 * known there, then send every op that waits, in the room's order.  The
 * server reads them after our catch-up.
 */
static void
upstream_flush(struct upstream *up)
{
	struct upstream_client	*uc;
	struct upstream_op	*o;

	TAILQ_FOREACH(uc, &up->clients, entry) {
		if (!uc->hello_sent && upstream_wanted(uc))
			upstream_register(up, uc);
	}
	TAILQ_FOREACH(o, &up->ops, entry)
		upstream_send_op(up, o);
}

/*
 * An op the server answered: off the queue.  by_welcome: only
 * RELAY_WELCOME's last_op says so, its EVENT went by as a facilitator
 * sees it (a vote), so its author's screen must catch up with a STATE.
 */
static void
upstream_done(struct upstream *up, struct upstream_op *o, bool by_welcome)
{
	struct upstream_client	*uc = o->uc;

	if (o->op_id > uc->acked)
		uc->acked = o->op_id;
	if (by_welcome)
		uc->needs_state = true;
	TAILQ_REMOVE(&up->ops, o, entry);
	up->nops--;
	uc->queued--;
	proto_op_free(&o->op);
	free(o);
	up->dirty = true;
	upstream_maybe_bye(up, uc);
}

/* True if participant p has a connection here, live or catching up. */
static bool
upstream_local(const struct upstream *up, uint32_t p)
{
	return board_online(up->board, p, NULL);
}

/* Tell the room that p came or went (encoded once, sent to everyone). */
static void
upstream_tell_presence(struct upstream *up, uint32_t p, bool online,
    const struct client_conn *except)
{
	board_tell_presence(up->board, p, online, except, 0);
}

/*
 * The link is gone: nobody upstream knows our people now, and we no
 * longer know who is here from elsewhere (the room is told they left).
 */
static void
upstream_forget(struct upstream *up)
{
	struct upstream_client	*uc;
	struct model		*m = up->board->model;
	size_t			 i;
	uint32_t		 p;

	TAILQ_FOREACH(uc, &up->clients, entry)
		uc->hello_sent = false;
	for (i = 0; i < m->nparticipants; i++) {
		p = m->participants[i].id;
		if (!idmap_get(&up->online, p, NULL) || upstream_local(up, p))
			continue;
		idmap_del(&up->online, p);
		upstream_tell_presence(up, p, false, NULL);
	}
	up->dirty = true;
}

/* Close the connection; its bufferevent is freed in housekeeping. */
static void
upstream_close(struct upstream *up)
{
	if (up->bev != NULL) {
		bufferevent_disable(up->bev, EV_READ | EV_WRITE);
		bufferevent_setcb(up->bev, NULL, NULL, NULL, NULL);
		if (up->ndead == up->dead_cap) {
			up->dead_cap = up->dead_cap == 0 ? 4 : up->dead_cap * 2;
			up->dead = xreallocarray(up->dead, up->dead_cap,
			    sizeof *up->dead);
		}
		up->dead[up->ndead++] = up->bev;
		up->bev = NULL;
	}
	if (up->incoming != NULL) {
		model_free(up->incoming);
		up->incoming = NULL;
	}
	up->votes_for = 0;
}

/* The connection failed or ended: try again after a backoff. */
static void
upstream_lost(struct upstream *up, const char *why)
{
	struct timeval	tv;
	uint32_t	r, base;
	int64_t		delay;

	upstream_close(up);
	if (up->state != UP_WAIT && up->state != UP_GONE)
		log_info("relay: board %s: the link to %s is down (%s)",
		    up->board->name, up->server->cfg->upstream, why);
	upstream_forget(up);
	base = UPSTREAM_BACKOFF_MIN_MS << (up->attempts < 6 ? up->attempts : 6);
	if (base > UPSTREAM_BACKOFF_MAX_MS)
		base = UPSTREAM_BACKOFF_MAX_MS;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)server_now_ms();
	delay = base / 2 + r % (base / 2 + 1);
	up->attempts++;
	up->state = UP_WAIT;
	up->state_ms = server_now_ms();
	tv.tv_sec = (time_t)(delay / 1000);
	tv.tv_usec = (suseconds_t)(delay % 1000) * 1000;
	evtimer_add(up->retry_ev, &tv);
}

/*
 * Refused for good before the mirror was ever served (no such board, a
 * wrong key): whoever waits for it is told, in the server's words when
 * they are theirs to hear.  The next local HELLO tries again.
 */
static void
upstream_refused(struct upstream *up, uint32_t code, const char *text)
{
	struct board		*b = up->board;
	struct client_conn	*c;
	const char		*why = text;
	uint32_t		 local = code;

	upstream_close(up);
	upstream_forget(up);
	up->state = UP_GONE;
	up->error = code;
	snprintf(up->error_text, sizeof up->error_text, "%s", text);
	log_warn("relay: board %s: %s refuses the relay: ERROR %u %s",
	    b->name, up->server->cfg->upstream, code, text);
	if (code == ERROR_AUTH) {
		local = ERROR_FULL;
		why = "the board's server refuses this relay's facilitator key";
	} else if (code == ERROR_VERSION) {
		local = ERROR_FULL;
		why = "the board's server speaks another protocol version";
	}
	/* Each error takes its connection off the list: start again. */
	for (;;) {
		TAILQ_FOREACH(c, &b->conns, board_entry) {
			if (c->state == CONN_FORWARDED ||
			    c->state == CONN_CATCHUP)
				break;
		}
		if (c == NULL)
			break;
		client_conn_error(c, local, why);
	}
}

/* Everyone live here holds an older board: they come back for this one. */
static void
upstream_refresh_locals(struct upstream *up)
{
	struct client_conn	*c;

	for (;;) {
		TAILQ_FOREACH(c, &up->board->conns, board_entry) {
			if (c->state == CONN_LIVE && c->via == NULL)
				break;
		}
		if (c == NULL)
			break;
		client_conn_error(c, ERROR_SHUTDOWN, "the board was brought "
		    "up to date from its server; come back");
	}
}

/*
 * c is in, as uc's participant: its catch-up from the mirror comes at
 * the next pass.  Another connection of the same client goes now (as the
 * server replaces one that a reconnect beat).
 */
static void
upstream_admit(struct upstream *up, struct upstream_client *uc,
    struct client_conn *c)
{
	struct client_conn	*o;

	c->participant = uc->participant;
	c->want_state = c->want_state || uc->needs_state;
	uc->needs_state = false;
	c->state = CONN_CATCHUP;
	for (;;) {
		TAILQ_FOREACH(o, &up->board->conns, board_entry) {
			if (o != c && memcmp(o->client, c->client,
			    PROTO_CLIENT_LEN) == 0 && (o->state ==
			    CONN_FORWARDED || o->state == CONN_CATCHUP ||
			    o->state == CONN_LIVE))
				break;
		}
		if (o == NULL)
			break;
		log_info("conn %llu: replaced by conn %llu (same client)",
		    (unsigned long long)o->id, (unsigned long long)c->id);
		client_conn_lost(o);
	}
	up->dirty = true;
}

/* An event of the board: an op of ours answered, then into the mirror. */
static void
upstream_event(struct upstream *up, const struct proto_event *ev)
{
	struct upstream_op	*o;

	if (ev->origin != 0 && ev->op_id != 0) {
		TAILQ_FOREACH(o, &up->ops, entry) {
			if (o->uc->participant == ev->origin &&
			    o->op_id == ev->op_id) {
				upstream_done(up, o, false);
				break;
			}
		}
	}
	if (board_mirror_event(up->board, ev) != 0)
		upstream_lost(up, "the board's events skip a seq");
}

/* Our catch-up is complete: the mirror is the board as it stands. */
static void
upstream_ready(struct upstream *up, uint64_t head)
{
	struct board	*b = up->board;
	bool		 had = up->synced;

	if (up->incoming != NULL) {
		model_state_end(up->incoming, head);
		board_mirror_reset(b, up->incoming);
		up->incoming = NULL;
		if (had)
			upstream_refresh_locals(up);
	}
	up->state = UP_LIVE;
	up->state_ms = up->last_in_ms;
	up->synced = true;
	up->attempts = 0;
	up->dirty = true;
	log_info("relay: board %s: live at seq %llu, %zu changes of the room "
	    "to send", b->name, (unsigned long long)b->model->head, up->nops);
}

/* RELAY_WELCOME: one of ours is in upstream. */
static void
upstream_welcomed(struct upstream *up, const struct proto_relay *r)
{
	struct upstream_client		*uc;
	struct upstream_op		*o, *next;
	struct model_participant	*mp;
	struct client_conn		*c;
	static const uint8_t		 zero[PROTO_CLIENT_LEN];
	const struct proto_welcome	*w = &r->welcome;

	if ((uc = upstream_client_find(up, r->client)) == NULL)
		return;
	if (uc->admitted && uc->participant != w->participant &&
	    uc->conn != NULL && uc->conn->state == CONN_LIVE) {
		uc->participant = w->participant;
		client_conn_error(uc->conn, ERROR_SHUTDOWN, "the board's "
		    "server knows you again; come back");
		return;
	}
	uc->participant = w->participant;
	uc->admitted = true;
	if (w->mode == MODE_STATE)
		uc->needs_state = true;
	/* What it sent before the link dropped, applied meanwhile. */
	for (o = TAILQ_FIRST(&up->ops); o != NULL; o = next) {
		next = TAILQ_NEXT(o, entry);
		if (o->uc == uc && o->op_id <= w->last_op)
			upstream_done(up, o, true);
	}
	if (w->last_op > uc->acked)
		uc->acked = w->last_op;
	/* Its own dots follow ("votes" records); a facilitator sees none. */
	model_own_votes(up->board->model, uc->participant, NULL, 0, true);
	up->votes_for = uc->participant;
	if ((mp = model_participant(up->board->model, uc->participant)) !=
	    NULL && memcmp(mp->client, zero, PROTO_CLIENT_LEN) == 0)
		memcpy(mp->client, uc->client, PROTO_CLIENT_LEN);

	c = uc->conn;
	if (c != NULL && c->state == CONN_FORWARDED)
		upstream_admit(up, uc, c);
	else if (c != NULL && c->state == CONN_LIVE && uc->needs_state)
		client_conn_error(c, ERROR_SHUTDOWN, "your changes reached the "
		    "board's server; come back to see them");
	else
		upstream_maybe_bye(up, uc);
}

/* RELAY_REJECT: an op of ours was refused; its author hears why. */
static void
upstream_rejected(struct upstream *up, const struct proto_relay *r)
{
	struct upstream_client	*uc;
	struct upstream_op	*o;

	if ((uc = upstream_client_find(up, r->client)) == NULL)
		return;
	TAILQ_FOREACH(o, &up->ops, entry) {
		if (o->uc == uc && o->op_id == r->op_id) {
			upstream_done(up, o, false);
			break;
		}
	}
	if (uc->conn != NULL && uc->conn->state == CONN_LIVE)
		client_conn_reject(uc->conn, r->op_id, r->code, r->text);
}

/*
 * RELAY_ERROR: one of ours is refused (or out); its connection here
 * hears it.  Refused for good, what it left waiting goes (it keeps its
 * ops and sends them again if it comes back).  The server going down
 * (106) is the link's business: the room stays, and is told so.
 */
static void
upstream_refused_client(struct upstream *up, const struct proto_relay *r)
{
	struct upstream_client	*uc;
	struct upstream_op	*o, *next;

	if ((uc = upstream_client_find(up, r->client)) == NULL)
		return;
	uc->hello_sent = false;
	if (r->code == ERROR_SHUTDOWN)
		return;
	if (ERROR_FINAL(r->code) || r->code == ERROR_PROTOCOL) {
		for (o = TAILQ_FIRST(&up->ops); o != NULL; o = next) {
			next = TAILQ_NEXT(o, entry);
			if (o->uc != uc)
				continue;
			TAILQ_REMOVE(&up->ops, o, entry);
			up->nops--;
			uc->queued--;
			proto_op_free(&o->op);
			free(o);
		}
		up->dirty = true;
	}
	if (uc->conn != NULL && uc->conn->state != CONN_CLOSING &&
	    uc->conn->state != CONN_DEAD)
		client_conn_error(uc->conn, r->code, r->text);
}

/* PRESENCE from upstream: note it, pass it on to the room. */
static void
upstream_presence_in(struct upstream *up, const struct proto_presence *pr)
{
	if (pr->participant == 0)
		return;
	if (pr->online)
		idmap_put(&up->online, pr->participant, 1);
	else
		idmap_del(&up->online, pr->participant);
	board_send_presence(up->board, pr, NULL, 0);
}

/* Handle one message from upstream. */
static void
upstream_message(struct upstream *up, struct proto_msg *m)
{
	struct board	*b = up->board;
	int64_t		 now = server_now_ms();
	uint32_t	 votes_for = up->votes_for;

	up->votes_for = 0;
	switch (m->type) {
	case PROTO_WELCOME:
		if (up->state != UP_HELLO) {
			upstream_lost(up, "an unexpected WELCOME");
			return;
		}
		if (m->u.welcome.mode == MODE_STATE) {
			up->incoming = model_new(b->name);
			model_state_begin(up->incoming);
		} else if (m->u.welcome.head < b->model->head) {
			upstream_lost(up, "the board's server is behind us");
			return;
		}
		up->state = UP_CATCHUP;
		upstream_flush(up);
		break;
	case PROTO_STATE:
		if (up->incoming != NULL) {
			if (model_state_read(up->incoming, &m->u.state, now) != 0)
				upstream_lost(up, "a STATE record that does not "
				    "fit the board");
		} else if (m->u.state.what == STATE_TIMER)
			model_state_read(b->model, &m->u.state, now);
		else if (m->u.state.what == STATE_VOTES && votes_for != 0 &&
		    m->u.state.id == votes_for) {
			model_own_votes(b->model, votes_for, m->u.state.pairs,
			    m->u.state.npairs, false);
			up->votes_for = votes_for;
		}
		break;
	case PROTO_EVENT:
		if (up->state != UP_LIVE && (up->state != UP_CATCHUP ||
		    up->incoming != NULL)) {
			upstream_lost(up, "an unexpected EVENT");
			return;
		}
		upstream_event(up, &m->u.event);
		break;
	case PROTO_READY:
		if (up->state != UP_CATCHUP) {
			upstream_lost(up, "an unexpected READY");
			return;
		}
		upstream_ready(up, m->u.ready);
		break;
	case PROTO_PRESENCE:
		upstream_presence_in(up, &m->u.presence);
		break;
	case PROTO_ERROR:
		/* Someone with the key came meanwhile: ask again, to make it. */
		if (m->u.error.code == ERROR_BOARD && up->create &&
		    !up->hello_create) {
			upstream_connect(up);
			return;
		}
		if (ERROR_FINAL(m->u.error.code) && !up->synced) {
			upstream_refused(up, m->u.error.code, m->u.error.text);
			return;
		}
		upstream_lost(up, m->u.error.text);
		return;
	case PROTO_PING:
		upstream_send(up, proto_enc_pong(upstream_buf(up),
		    m->u.token));
		break;
	case PROTO_RELAY_WELCOME:
		upstream_welcomed(up, &m->u.relay);
		break;
	case PROTO_RELAY_REJECT:
		upstream_rejected(up, &m->u.relay);
		break;
	case PROTO_RELAY_ERROR:
		upstream_refused_client(up, &m->u.relay);
		break;
	case PROTO_UPLINK:
		up->far_up = m->u.uplink.up;
		up->far_waiting = m->u.uplink.waiting;
		up->dirty = true;
		break;
	default:
		break;
	}
}

/* Input from upstream: every whole frame. */
static void
upstream_read_cb(struct bufferevent *bev, void *arg)
{
	struct upstream		*up = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct proto_msg	 msg;
	struct proto_err	 perr;
	uint8_t			 hdr[PROTO_FRAME_HDR], *body;
	uint32_t		 len;
	enum proto_status	 st;

	up->last_in_ms = server_now_ms();
	while (up->bev == bev && evbuffer_get_length(in) >= PROTO_FRAME_HDR) {
		evbuffer_copyout(in, hdr, sizeof hdr);
		len = proto_frame_len(hdr);
		if (len == 0 || len > PROTO_FRAME_MAX) {
			upstream_lost(up, "a malformed frame");
			return;
		}
		if (evbuffer_get_length(in) < PROTO_FRAME_HDR + (size_t)len)
			return;
		body = evbuffer_pullup(in, PROTO_FRAME_HDR + (ssize_t)len);
		st = proto_decode(body + PROTO_FRAME_HDR, len, &msg, &perr);
		evbuffer_drain(in, PROTO_FRAME_HDR + (size_t)len);
		if (st == PROTO_E_UNKNOWN)
			continue;
		if (st != PROTO_OK) {
			log_warn("relay: board %s: a bad frame from upstream: "
			    "%s", up->board->name, perr.text);
			upstream_lost(up, "a malformed message");
			return;
		}
		upstream_message(up, &msg);
		proto_msg_free(&msg);
	}
}

/* Our HELLO: read the board as a facilitator, speak for the room. */
static void
upstream_hello_up(struct upstream *up)
{
	struct server		*s = up->server;
	struct proto_hello	 h;

	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = up->board->name;
	memcpy(h.client, up->client, PROTO_CLIENT_LEN);
	h.name = (char *)"relay";
	h.key = s->key;
	/*
	 * A new mirror starts from the board's state, which has the server's
	 * times; later events are stamped as they come, as a client does.
	 */
	h.since = up->synced ? up->board->model->head : 0;
	h.want_state = !up->synced;
	h.relay = true;
	h.create = up->create;
	up->hello_create = up->create;
	upstream_send(up, proto_enc_hello(upstream_buf(up), &h));
	up->state = UP_HELLO;
	up->state_ms = server_now_ms();
	up->far_up = true;
	up->far_waiting = 0;
}

/*
 * Connected (with TLS, the handshake done): the certificate must be the
 * pinned one, and a plain link must stay on this computer, before our
 * HELLO (and the key) goes.  Refused, the mirror waits for the next
 * local HELLO, or (served already) tries again later.
 */
static bool
upstream_trusted(struct upstream *up, struct bufferevent *bev)
{
	const struct server_config	*cfg = up->server->cfg;
	char				 fp[FINGERPRINT_TEXT], why[300];

	if (cfg->upstream_tls) {
		if (fingerprint_peer(bufferevent_openssl_get_ssl(bev),
		    fp) != 0)
			snprintf(why, sizeof why, "no certificate");
		else if (fingerprint_same(fp, cfg->upstream_pin))
			return true;
		else
			snprintf(why, sizeof why, "certificate %s, expected %s",
			    fp, cfg->upstream_pin);
		log_error("relay: board %s: %s shows another certificate "
		    "than --pin: %s", up->board->name, cfg->upstream, why);
		if (up->synced)
			upstream_lost(up, "another certificate than --pin");
		else
			upstream_refused(up, ERROR_FULL, "the board's server "
			    "shows another certificate than the relay's pin");
		return false;
	}
	if (cfg->upstream_insecure || hostport_peer_local(bufferevent_getfd(bev)))
		return true;
	log_error("relay: board %s: %s is beyond loopback: the key would go "
	    "in clear (--tls --pin, or --insecure)", up->board->name,
	    cfg->upstream);
	upstream_refused(up, ERROR_FULL, "the relay would send its key in "
	    "clear to the board's server");
	return false;
}

/* What the TLS layer of bev said went wrong, or NULL (queue emptied). */
static const char *
upstream_tls_error(struct bufferevent *bev)
{
	unsigned long	 e, first = 0;
	const char	*r;

	while ((e = bufferevent_get_openssl_error(bev)) != 0)
		if (first == 0)
			first = e;
	ERR_clear_error();
	if (first == 0)
		return NULL;
	r = ERR_reason_error_string(first);
	return r != NULL ? r : "TLS handshake failed";
}

/* Connected, or the connection failed or ended. */
static void
upstream_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct upstream		*up = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	int			 one = 1, e = EVUTIL_SOCKET_ERROR();
	evutil_socket_t		 fd;
	const char		*tls;

	if (what & BEV_EVENT_CONNECTED) {
		/* Small frames go at once (no Nagle, no delayed ACK). */
		fd = bufferevent_getfd(bev);
		if (fd != -1 && getsockname(fd, (struct sockaddr *)&ss,
		    &len) == 0 && (ss.ss_family == AF_INET ||
		    ss.ss_family == AF_INET6))
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof one);
		up->last_in_ms = server_now_ms();
		if (upstream_trusted(up, bev))
			upstream_hello_up(up);
		return;
	}
	if (up->server->cfg->upstream_tls &&
	    (tls = upstream_tls_error(bev)) != NULL) {
		log_warn("relay: board %s: TLS with %s: %s", up->board->name,
		    up->server->cfg->upstream, tls);
		upstream_lost(up, tls);
	} else if (what & BEV_EVENT_EOF)
		upstream_lost(up, "the server closed the connection");
	else if (up->state == UP_CONNECTING &&
	    bufferevent_socket_get_dns_error(bev) != 0)
		upstream_lost(up, evutil_gai_strerror(
		    bufferevent_socket_get_dns_error(bev)));
	else
		upstream_lost(up, e != 0 ? evutil_socket_error_to_string(e) :
		    "connection error");
}

/*
 * Split --upstream HOST[:PORT] (port 7117 by default, 7118 with TLS;
 * [V6]:PORT); a value with a slash is a Unix socket's path (0 returned,
 * host empty).
 */
static int
upstream_split(const char *spec, bool tls, char *host, size_t hostlen,
    int *port)
{
	*port = tls ? PROTO_TLS_PORT : PROTO_DEFAULT_PORT;
	host[0] = '\0';
	if (strchr(spec, '/') != NULL)
		return 0;
	if (hostport_split(spec, *port, host, hostlen, port) != 0)
		return -1;
	return host[0] != '\0' && *port > 0 ? 0 : -1;
}

/*
 * A TLS bufferevent towards host (its name in the handshake), in the
 * context every link shares: TLS 1.2 or later, the pin instead of CAs.
 */
static struct bufferevent *
upstream_tls_bev(struct server *s, const char *host)
{
	struct bufferevent	*bev;
	struct in6_addr		 a6;
	struct in_addr		 a4;
	SSL			*ssl;

	if (s->up_ctx == NULL) {
		if ((s->up_ctx = SSL_CTX_new(TLS_client_method())) == NULL)
			fatalx("SSL_CTX_new failed");
		SSL_CTX_set_min_proto_version(s->up_ctx, TLS1_2_VERSION);
		SSL_CTX_set_verify(s->up_ctx, SSL_VERIFY_NONE, NULL);
	}
	if ((ssl = SSL_new(s->up_ctx)) == NULL)
		fatalx("SSL_new failed");
	if (inet_pton(AF_INET, host, &a4) != 1 &&
	    inet_pton(AF_INET6, host, &a6) != 1)
		SSL_set_tlsext_host_name(ssl, host);
	bev = bufferevent_openssl_socket_new(s->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL)
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* At exit: the TLS context the links shared. */
void
upstream_end(struct server *s)
{
	SSL_CTX_free(s->up_ctx);
	s->up_ctx = NULL;
}

/* Open the connection to the server above (TCP or a Unix socket). */
static void
upstream_connect(struct upstream *up)
{
	struct server		*s = up->server;
	struct sockaddr_un	 sun;
	char			 host[256];
	int			 port, bad;

	evtimer_del(up->retry_ev);
	upstream_close(up);
	bad = upstream_split(s->cfg->upstream, s->cfg->upstream_tls, host,
	    sizeof host, &port);
	if (s->cfg->upstream_tls && host[0] != '\0')
		up->bev = upstream_tls_bev(s, host);
	else
		up->bev = bufferevent_socket_new(s->base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (up->bev == NULL)
		fatalx("bufferevent_socket_new failed");
	bufferevent_setcb(up->bev, upstream_read_cb, NULL, upstream_event_cb,
	    up);
	bufferevent_enable(up->bev, EV_READ | EV_WRITE);
	up->state = UP_CONNECTING;
	up->state_ms = server_now_ms();
	if (bad != 0) {
		upstream_refused(up, ERROR_BOARD, "--upstream: expected "
		    "HOST[:PORT] or a socket path");
		return;
	}
	if (host[0] != '\0') {
		if (bufferevent_socket_connect_hostname(up->bev, s->dns,
		    AF_UNSPEC, host, port) != 0)
			upstream_lost(up, "cannot connect");
		return;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", s->cfg->upstream);
	if (bufferevent_socket_connect(up->bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0)
		upstream_lost(up, strerror(errno));
}

/* The backoff is over: connect again. */
static void
upstream_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	upstream_connect(arg);
}

/*
 * Once a second: give up on a server that does not answer, ping one that
 * is quiet (so that silence means a cut link), and notice a stall.
 */
static void
upstream_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct upstream	*up = arg;
	int64_t		 now = server_now_ms();

	(void)fd;
	(void)what;
	switch (up->state) {
	case UP_CONNECTING:
	case UP_HELLO:
		/*
		 * Each attempt in a row waits longer for its answer: through
		 * a long cut, fewer attempts pile up to be delivered at once
		 * when the link returns.
		 */
		if (now - up->state_ms > UPSTREAM_HELLO_MS *
		    (1 + (up->attempts < 5 ? up->attempts : 5)))
			upstream_lost(up, "the server does not answer");
		break;
	case UP_CATCHUP:
	case UP_LIVE:
		if (now - up->last_in_ms > PROTO_SILENT_CLOSE * 1000) {
			upstream_lost(up, "the server went silent");
			break;
		}
		if (now - up->last_in_ms >= UPSTREAM_PING_MS &&
		    now - up->ping_ms >= UPSTREAM_PING_MS) {
			upstream_send(up, proto_enc_ping(upstream_buf(up),
			    (uint64_t)now));
			up->ping_ms = now;
		}
		break;
	default:
		break;
	}
	if (upstream_in_reach(up, now) != up->in_reach)
		up->dirty = true;
}

/* A new link for board b. */
static struct upstream *
upstream_new(struct server *s, struct board *b, bool create)
{
	struct upstream	*up = xcalloc(1, sizeof *up);
	struct timeval	 tv = { 1, 0 };

	up->server = s;
	up->board = b;
	up->state = UP_WAIT;
	up->create = create;
	up->far_up = true;
	up->in_reach = true;
	if (getrandom(up->client, sizeof up->client, 0) !=
	    (ssize_t)sizeof up->client)
		fatalx("getrandom: %s", strerror(errno));
	TAILQ_INIT(&up->clients);
	TAILQ_INIT(&up->ops);
	idmap_init(&up->online);
	proto_buf_init(&up->out);
	up->retry_ev = evtimer_new(s->base, upstream_retry_cb, up);
	up->tick_ev = event_new(s->base, -1, EV_PERSIST, upstream_tick_cb, up);
	event_add(up->tick_ev, &tv);
	return up;
}

/* Free the closed connections (no callback of theirs runs any more). */
static void
upstream_reap(struct upstream *up)
{
	size_t	i;

	for (i = 0; i < up->ndead; i++)
		bufferevent_free(up->dead[i]);
	up->ndead = 0;
}

/* Release a link and everything it holds (the board is being freed). */
void
upstream_free(struct upstream *up)
{
	struct upstream_client	*uc;
	struct upstream_op	*o;

	upstream_close(up);
	upstream_reap(up);
	free(up->dead);
	while ((o = TAILQ_FIRST(&up->ops)) != NULL) {
		TAILQ_REMOVE(&up->ops, o, entry);
		proto_op_free(&o->op);
		free(o);
	}
	while ((uc = TAILQ_FIRST(&up->clients)) != NULL) {
		TAILQ_REMOVE(&up->clients, uc, entry);
		free(uc->name);
		free(uc->code);
		free(uc->key);
		free(uc);
	}
	if (up->retry_ev != NULL)
		event_free(up->retry_ev);
	if (up->tick_ev != NULL)
		event_free(up->tick_ev);
	idmap_free(&up->online);
	proto_buf_free(&up->out);
	free(up);
}

/*
 * The mirror of board name, made (and its link opened) the first time.
 * create: the HELLO that wants it holds the key, so upstream makes the
 * board if missing.  NULL with err and *ecode when it cannot be served.
 */
struct board *
upstream_board(struct server *s, const char *name, bool create, char *err,
    size_t errlen, uint32_t *ecode)
{
	struct board	*b;
	size_t		 n = 0;

	TAILQ_FOREACH(b, &s->boards, entry) {
		n++;
		if (strcmp(b->name, name) != 0)
			continue;
		if (create)
			b->up->create = true;
		if (b->up->state == UP_GONE) {
			if (b->up->error == ERROR_BOARD && !create) {
				*ecode = ERROR_BOARD;
				snprintf(err, errlen, "there is no board "
				    "called %s", name);
				return NULL;
			}
			b->up->attempts = 0;
			upstream_connect(b->up);
		}
		return b;
	}
	if (n >= UPSTREAM_MAX_BOARDS) {
		*ecode = ERROR_FULL;
		snprintf(err, errlen, "this relay serves too many boards");
		return NULL;
	}
	b = board_mirror_new(s, name);
	b->up = upstream_new(s, b, create);
	log_info("relay: board %s: mirroring it from %s", name,
	    s->cfg->upstream);
	upstream_connect(b->up);
	return b;
}

/*
 * A HELLO on a mirror (c attached, CONN_FORWARDED): the server above
 * decides; someone who joined through this relay before comes back in
 * at once from the mirror (even with the link down) and is told again
 * upstream.
 */
void
upstream_hello(struct upstream *up, struct client_conn *c,
    const struct proto_hello *h)
{
	struct upstream_client	*uc;

	if ((uc = upstream_client_find(up, h->client)) == NULL) {
		uc = xcalloc(1, sizeof *uc);
		memcpy(uc->client, h->client, PROTO_CLIENT_LEN);
		TAILQ_INSERT_TAIL(&up->clients, uc, entry);
	}
	upstream_set_str(&uc->name, h->name);
	upstream_set_str(&uc->code, h->code);
	upstream_set_str(&uc->key, h->key);
	uc->sit = h->sit;
	c->uc = uc;
	uc->conn = c;
	if (upstream_active(up))
		upstream_register(up, uc);
	if (uc->admitted && up->synced)
		upstream_admit(up, uc, c);
	up->dirty = true;
}

/*
 * An op on a mirror: kept until the server answers it, sent now when the
 * link is up.  One already answered or already waiting is dropped (a
 * client sends its pending ops again after a reconnect).
 */
void
upstream_op(struct upstream *up, struct client_conn *c, uint32_t op_id,
    const struct proto_op *op)
{
	struct upstream_client	*uc = c->uc;
	struct upstream_op	*o;

	if (uc == NULL) {
		client_conn_reject(c, op_id, REJECT_BAD, "not joined");
		return;
	}
	if (op_id <= uc->acked)
		return;
	TAILQ_FOREACH(o, &up->ops, entry) {
		if (o->uc == uc && o->op_id == op_id)
			return;
	}
	if (up->nops >= UPSTREAM_MAX_OPS) {
		client_conn_reject(c, op_id, REJECT_LIMIT, "the relay holds "
		    "too many changes for the board's server");
		return;
	}
	o = xcalloc(1, sizeof *o);
	o->uc = uc;
	o->op_id = op_id;
	proto_op_dup(&o->op, op);
	TAILQ_INSERT_TAIL(&up->ops, o, entry);
	up->nops++;
	uc->queued++;
	up->dirty = true;
	if (upstream_active(up))
		upstream_send_op(up, o);
}

/* c leaves the mirror: upstream hears it once nothing of it waits. */
void
upstream_gone(struct upstream *up, struct client_conn *c)
{
	struct upstream_client	*uc = c->uc;

	if (uc == NULL || uc->conn != c)
		return;
	uc->conn = NULL;
	upstream_maybe_bye(up, uc);
	up->dirty = true;
}

/* The highest op_id of client that the board's server answered. */
uint32_t
upstream_last_op(const struct upstream *up, const uint8_t *client)
{
	const struct upstream_client	*uc;

	uc = upstream_client_find(up, client);
	return uc != NULL ? uc->acked : 0;
}

/* True once the mirror was caught up: it can be served. */
bool
upstream_synced(const struct upstream *up)
{
	return up->synced;
}

/*
 * p came or went here.  In reach, the board's server tells everyone
 * (and us); out of reach, the room hears it from us.
 */
void
upstream_presence(struct upstream *up, uint32_t p, bool online,
    const struct client_conn *except)
{
	if (upstream_in_reach(up, server_now_ms()))
		return;
	if (online)
		idmap_put(&up->online, p, 1);
	else
		idmap_del(&up->online, p);
	upstream_tell_presence(up, p, online, except);
}

/*
 * After a catch-up here: who is here now -- one PRESENCE each but c itself,
 * which follows; or, to a roster client, one ROSTER with c in it.
 */
void
upstream_presence_list(struct upstream *up, struct client_conn *c)
{
	const struct model		*m = up->board->model;
	const struct model_participant	*mp;
	struct proto_roster		 r;
	size_t				 i;

	memset(&r, 0, sizeof r);
	r.pairs = xreallocarray(NULL, m->nparticipants + 1, sizeof *r.pairs);
	for (i = 0; i < m->nparticipants; i++) {
		mp = &m->participants[i];
		if (mp->id != c->participant &&
		    !idmap_get(&up->online, mp->id, NULL))
			continue;
		if (c->roster) {
			r.pairs[r.npairs].a = mp->id;
			r.pairs[r.npairs++].b = mp->table;
		} else if (mp->id != c->participant)
			client_conn_put(c, board_enc_presence(
			    client_conn_buf(c), mp, true));
	}
	if (c->roster)
		client_conn_put(c, proto_enc_roster(client_conn_buf(c), &r));
	free(r.pairs);
	up->dirty = true;
}

/* The boards this relay serves now (LIST): their names, malloc'd. */
int
upstream_list(struct server *s, char ***names, size_t *n)
{
	struct board	*b;
	size_t		 k = 0;

	*n = 0;
	TAILQ_FOREACH(b, &s->boards, entry)
		k++;
	*names = xreallocarray(NULL, k + 1, sizeof **names);
	TAILQ_FOREACH(b, &s->boards, entry) {
		if (b->up != NULL && b->up->synced)
			(*names)[(*n)++] = xstrdup(b->name);
	}
	return 0;
}

/* uplink_told's value for what a connection is to hear. */
static uint64_t
upstream_told(bool in_reach, uint32_t waiting, uint32_t mine)
{
	if (waiting > UPSTREAM_TELL_MAX)
		waiting = UPSTREAM_TELL_MAX;
	if (mine > UPSTREAM_TELL_MAX)
		mine = UPSTREAM_TELL_MAX;
	return (in_reach ? 0 : 1ULL << 62) | (uint64_t)waiting << 31 | mine;
}

/*
 * Tell every screen here how the link stands, when that changed for it:
 * out of reach, and how many changes wait here (its own among them); in
 * reach again, how many are still going up, until none is.  While in
 * reach, an op going up and coming back is no news.
 */
static void
upstream_tell_room(struct upstream *up)
{
	struct client_conn	*c, *next;
	struct proto_uplink	 u;
	uint64_t		 told;
	uint32_t		 waiting = (uint32_t)up->nops + up->far_waiting;
	bool			 in_reach = upstream_in_reach(up,
				    server_now_ms());

	up->dirty = false;
	if (in_reach != up->in_reach) {
		log_info("relay: board %s: the board's server is %s (%u "
		    "changes of the room waiting)", up->board->name,
		    in_reach ? "in reach again" : "out of reach", waiting);
		up->draining = in_reach && waiting > 0;
		up->in_reach = in_reach;
	}
	if (up->draining && waiting == 0)
		up->draining = false;
	for (c = TAILQ_FIRST(&up->board->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, board_entry);
		if (c->state != CONN_LIVE || c->via != NULL)
			continue;
		u.up = in_reach;
		u.waiting = in_reach && !up->draining ? 0 : waiting;
		u.mine = u.waiting > 0 && c->uc != NULL ?
		    (uint32_t)c->uc->queued : 0;
		told = upstream_told(u.up, u.waiting, u.mine);
		if (told == c->uplink_told)
			continue;
		c->uplink_told = told;
		client_conn_put(c, proto_enc_uplink(client_conn_buf(c), &u));
	}
}

/* Once a pass: the room hears of the link, closed connections go. */
void
upstream_housekeeping(struct server *s)
{
	struct board	*b;

	TAILQ_FOREACH(b, &s->boards, entry) {
		if (b->up == NULL)
			continue;
		if (b->up->dirty)
			upstream_tell_room(b->up);
		upstream_reap(b->up);
	}
}
