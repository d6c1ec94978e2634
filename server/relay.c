/*
 * relay.c -- a relay's connection, on the server above it.
 *
 * A relay (cafeboard-server --upstream, upstream.c) holds one connection
 * per board it mirrors.  Its HELLO has "relay" and the facilitator key: it
 * reads the board as a facilitator does, and it speaks for the people in
 * its room.  RELAY_HELLO, RELAY_OP and RELAY_BYE name one of them by
 * client id; each becomes a connection of its own here, without a socket
 * (c->via is the relay's connection), so that the HELLO rules, exactly
 * once, presence and the board's limits treat it as any participant.
 * What the server would send to one of them goes to the relay as
 * RELAY_WELCOME, RELAY_REJECT or RELAY_ERROR.  The events go to the relay
 * once, as a facilitator sees them, except those whose own variant one of
 * its people would get (their votes, their joined): those go whole, so
 * that the relay gives each person what a direct connection would and
 * learns no more than a facilitator and its people together.
 *
 * A relay's people sit before it in the server's list of connections:
 * when the relay's connection goes, they go, and a walk over the list
 * that saved the connection after the relay's never lands on one of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "xmalloc.h"

/* Pairs per "votes" record, as model-state.c cuts them. */
#define RELAY_VOTES_MAX		4000

/* The one of r's people with this client id, or NULL. */
static struct client_conn *
relay_find(struct client_conn *r, const uint8_t *client)
{
	struct client_conn	*v;

	TAILQ_FOREACH(v, &r->vias, via_entry) {
		if (memcmp(v->client, client, PROTO_CLIENT_LEN) == 0)
			return v;
	}
	return NULL;
}

/* Send r a RELAY_ERROR for a client it named. */
static void
relay_send_error(struct client_conn *r, const uint8_t *client, uint32_t code,
    const char *text)
{
	client_conn_put(r, proto_enc_relay_error(client_conn_buf(r), client,
	    code, text));
}

/*
 * RELAY_HELLO: one more of r's people, on r's board, says HELLO; it is
 * answered as a HELLO would be (relay_catchup, relay_error).
 */
void
relay_hello(struct client_conn *r, const struct proto_hello *h)
{
	struct server		*s = r->server;
	struct client_conn	*v;

	if (strcmp(h->board, r->board->name) != 0 || h->observe ||
	    h->relay || memcmp(h->client, r->client, PROTO_CLIENT_LEN) == 0) {
		relay_send_error(r, h->client, ERROR_PROTOCOL, "a relay's "
		    "people join its board, as participants");
		return;
	}
	v = xcalloc(1, sizeof *v);
	v->id = ++s->next_conn_id;
	v->server = s;
	v->via = r;
	v->state = CONN_HELLO;
	snprintf(v->peer, sizeof v->peer, "via conn %llu",
	    (unsigned long long)r->id);
	v->last_in_ms = v->last_out_ms = v->tokens_ms = server_now_ms();
	TAILQ_INIT(&v->vias);
	TAILQ_INSERT_BEFORE(r, v, entry);
	s->nconns++;
	TAILQ_INSERT_TAIL(&r->vias, v, via_entry);
	log_debug("conn %llu: carries conn %llu", (unsigned long long)r->id,
	    (unsigned long long)v->id);
	client_conn_hello(v, h);
}

/* RELAY_OP: an op of one of r's people. */
void
relay_op(struct client_conn *r, struct proto_relay *m)
{
	struct client_conn	*v = relay_find(r, m->client);

	if (v == NULL || (v->state != CONN_LIVE && v->state != CONN_CATCHUP)) {
		relay_reject_op(r, m->client, m->op_id, REJECT_BAD, "this "
		    "relay's client has not joined");
		return;
	}
	client_conn_op(v, m->op_id, &m->op);
}

/* RELAY_BYE: one of r's people left. */
void
relay_bye(struct client_conn *r, const uint8_t *client)
{
	struct client_conn	*v = relay_find(r, client);

	if (v != NULL)
		client_conn_lost(v);
}

/* A REJECT for one of r's people, by client id. */
void
relay_reject_op(struct client_conn *r, const uint8_t *client, uint32_t op_id,
    uint32_t code, const char *why)
{
	client_conn_put(r, proto_enc_relay_reject(client_conn_buf(r), client,
	    op_id, code, why));
}

/* What a REJECT to v would say, to its relay. */
void
relay_reject(struct client_conn *v, uint32_t op_id, uint32_t code,
    const char *why)
{
	relay_reject_op(v->via, v->client, op_id, code, why);
}

/* What an ERROR to v would say, to its relay (v is closed after). */
void
relay_error(struct client_conn *v, uint32_t code, const char *text)
{
	relay_send_error(v->via, v->client, code, text);
}

/*
 * v's catch-up, for its relay: RELAY_WELCOME, then the dots v holds
 * ("votes" records: the relay's facilitator view knows no voter).  The
 * relay serves the catch-up itself from its mirror, which already has
 * every event up to this head (flushed before).  Then v is live.
 */
void
relay_catchup(struct client_conn *v)
{
	struct client_conn		*r = v->via;
	struct board			*b = v->board;
	struct model_participant	*mp;
	struct model_vote_rec		*votes;
	struct proto_welcome		 w;
	struct proto_state		 st;
	struct proto_pair		*pairs;
	size_t				 i, k, n;

	memset(&w, 0, sizeof w);
	w.v = PROTO_VERSION;
	w.board = b->name;
	w.participant = v->participant;
	mp = model_participant(b->model, v->participant);
	w.role = mp != NULL ? mp->role : ROLE_PARTICIPANT;
	w.head = b->model->head;
	w.mode = v->want_state ? MODE_STATE : MODE_REPLAY;
	w.last_op = board_last_op(b, v->client);
	client_conn_put(r, proto_enc_relay_welcome(client_conn_buf(r),
	    v->client, &w));

	n = model_votes_list(b->model, v->participant, &votes);
	pairs = xreallocarray(NULL, n + 1, sizeof *pairs);
	for (i = 0; i < n; i += k) {
		for (k = 0; k < RELAY_VOTES_MAX && i + k < n; k++) {
			pairs[k].a = votes[i + k].card;
			pairs[k].b = votes[i + k].n;
		}
		memset(&st, 0, sizeof st);
		st.what = STATE_VOTES;
		st.id = v->participant;
		st.pairs = pairs;
		st.npairs = (uint32_t)k;
		client_conn_put(r, proto_enc_state(client_conn_buf(r), &st));
	}
	free(pairs);
	free(votes);

	if (!board_online(b, v->participant, v))
		board_presence(b, v->participant, true, v, 0);
	v->state = CONN_LIVE;
	log_info("conn %llu (%s): live on board %s as participant %u",
	    (unsigned long long)v->id, v->peer, b->name, v->participant);
}

/*
 * The variant of a kept event that relay connection r gets: a
 * facilitator's, or the whole event when one of its people would get
 * their own (the author of a vote, the subject of a joined).
 */
enum model_audience
relay_audience(const struct board *b, const struct board_event *be,
    const struct client_conn *r)
{
	const struct client_conn	*v;

	TAILQ_FOREACH(v, &r->vias, via_entry) {
		if (v->participant == 0 || v->participant == MODEL_OBSERVER ||
		    (v->state != CONN_LIVE && v->state != CONN_CATCHUP))
			continue;
		if (board_event_audience(b, be, v->participant) ==
		    AUDIENCE_SELF)
			return AUDIENCE_SELF;
	}
	return board_event_audience(b, be, MODEL_OBSERVER);
}

/* r leaves its board or closes: its people leave with it. */
void
relay_gone(struct client_conn *r)
{
	struct client_conn	*v;

	while ((v = TAILQ_FIRST(&r->vias)) != NULL)
		client_conn_lost(v);
}
