/*
 * client-conn.c -- one client connection.
 *
 * Lifecycle: client_conn_new on accept; HELLO moves it to CATCHUP; the next
 * housekeeping pass sends WELCOME, the catch-up and READY (after the log is
 * synced) and makes it LIVE; client_conn_lost takes it off its board and
 * marks it DEAD; the housekeeping pass frees it.  Nothing frees a
 * connection inside one of its own callbacks.
 *
 * Bad input from a peer is never fatal to anyone else: a malformed frame
 * gets ERROR 104 and a close, a bad op a REJECT.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "text.h"
#include "xmalloc.h"

#define CONN_HELLO_TIMEOUT_MS	10000	/* to say HELLO after connecting */
#define CONN_CLOSE_GRACE_MS	2000	/* to read a final ERROR */
#define CONN_READ_HIGH		(4 * (PROTO_FRAME_MAX + PROTO_FRAME_HDR))
#define GUESS_RATE		20	/* wrong join codes answered a second */
#define GUESS_BURST		20	/* ... after a burst of this many */

static void	client_conn_read_cb(struct bufferevent *, void *);
static void	client_conn_write_cb(struct bufferevent *, void *);
static int64_t	client_conn_now(struct server *);
static void	client_conn_event_cb(struct bufferevent *, short, void *);
static void	client_conn_process(struct client_conn *);
static void	client_conn_list(struct client_conn *);
static void	client_conn_unpark(struct client_conn *);

/* Describe a peer address for logs and per-peer limits. */
static void
client_conn_name_peer(struct client_conn *c, const struct sockaddr *sa,
    socklen_t salen)
{
	char	host[INET6_ADDRSTRLEN] = "?";
	int	port = 0;

	(void)salen;
	if (sa == NULL || sa->sa_family == AF_UNIX) {
		snprintf(c->peer, sizeof c->peer, "unix");
		c->peer_addr[0] = '\0';
		return;
	}
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	snprintf(c->peer_addr, sizeof c->peer_addr, "%s", host);
	snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
}

/* Connections from one TCP address. */
uint32_t
client_conn_count_peer(struct server *s, const char *addr)
{
	struct client_conn	*c;
	uint32_t		 n = 0;

	TAILQ_FOREACH(c, &s->conns, entry) {
		if (c->tcp && strcmp(c->peer_addr, addr) == 0)
			n++;
	}
	return n;
}

/* Take c off the list of connections yet to say HELLO. */
static void
client_conn_unwait(struct client_conn *c)
{
	struct server	*s = c->server;

	if (!c->waiting)
		return;
	TAILQ_REMOVE(&s->hello, c, hello_entry);
	s->nhello--;
	c->waiting = false;
}

/*
 * True if a whole first frame from c is waiting to be read, in libevent's
 * buffer or still in the socket's: a HELLO on its way, not a stall.
 */
static bool
client_conn_frame_waiting(struct client_conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	uint8_t		 hdr[PROTO_FRAME_HDR];
	size_t		 have = evbuffer_get_length(in), from_buf;
	int		 queued = 0;
	ssize_t		 n;

	if (ioctl(bufferevent_getfd(c->bev), FIONREAD, &queued) == -1 ||
	    queued < 0)
		queued = 0;
	if (have + (size_t)queued < PROTO_FRAME_HDR)
		return false;
	from_buf = have < PROTO_FRAME_HDR ? have : PROTO_FRAME_HDR;
	evbuffer_copyout(in, hdr, from_buf);
	if (from_buf < PROTO_FRAME_HDR) {
		n = recv(bufferevent_getfd(c->bev), hdr + from_buf,
		    PROTO_FRAME_HDR - from_buf, MSG_PEEK | MSG_DONTWAIT);
		if (n != (ssize_t)(PROTO_FRAME_HDR - from_buf))
			return false;
	}
	return have + (size_t)queued >= PROTO_FRAME_HDR +
	    (size_t)proto_frame_len(hdr);
}

/*
 * A newcomer is over --max-conns or --max-hello: the oldest connection
 * still to say HELLO, and with no whole frame waiting to be read, makes
 * way for it (it is closed), so that a flood of connections that never
 * finish their HELLO cannot lock participants out.  A participant's
 * HELLO that arrived but was not read yet (the loop is busy accepting)
 * keeps its connection.  False when none qualifies.
 */
bool
client_conn_make_way(struct server *s, struct client_conn *newcomer)
{
	struct client_conn	*c;

	TAILQ_FOREACH(c, &s->hello, hello_entry) {
		if (c == newcomer || client_conn_frame_waiting(c))
			continue;
		log_info("conn %llu (%s): made way for conn %llu, no HELLO "
		    "after %lld ms", (unsigned long long)c->id, c->peer,
		    newcomer != NULL ? (unsigned long long)newcomer->id : 0,
		    (long long)(server_now_ms() - (c->hello_by_ms -
		    CONN_HELLO_TIMEOUT_MS)));
		client_conn_lost(c);
		return true;
	}
	return false;
}

/* Start serving an accepted connection: its bufferevent is ours now. */
struct client_conn *
client_conn_new(struct server *s, struct bufferevent *bev,
    const struct sockaddr *sa, socklen_t salen, bool tcp)
{
	struct client_conn	*c = xcalloc(1, sizeof *c);
	int64_t			 now = server_now_ms();
	struct timeval		 tv;

	c->id = ++s->next_conn_id;
	c->server = s;
	c->tcp = tcp;
	c->state = CONN_HELLO;
	client_conn_name_peer(c, sa, salen);
	c->last_in_ms = c->last_out_ms = c->tokens_ms = now;
	c->tokens = s->cfg->ops_burst;
	c->cap = s->cfg->queue_cap;
	c->bev = bev;
	bufferevent_setcb(c->bev, client_conn_read_cb, client_conn_write_cb,
	    client_conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONN_READ_HIGH);
	if (s->cfg->idle_timeout > 0) {
		tv.tv_sec = s->cfg->idle_timeout;
		tv.tv_usec = 0;
		bufferevent_set_timeouts(c->bev, &tv, NULL);
	}
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INIT(&c->vias);
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	s->nconns++;
	c->hello_by_ms = now + CONN_HELLO_TIMEOUT_MS;
	TAILQ_INSERT_TAIL(&s->hello, c, hello_entry);
	s->nhello++;
	c->waiting = true;
	log_debug("conn %llu: accepted from %s", (unsigned long long)c->id,
	    c->peer);
	return c;
}

/*
 * The one way out: every byte a connection sends is queued here.  capped
 * sends (everything but a catch-up and a final ERROR) respect the output
 * cap; one that would go over it only marks the connection (c->drop): the
 * ERROR 107 and leaving the board happen in housekeeping, so a send never
 * writes into a buffer nor unlinks from a list that a broadcast in
 * progress is using.  A marked connection gets nothing more but its ERROR,
 * or its stream would have a hole.
 */
static void
client_conn_write(struct client_conn *c, const void *data, size_t len,
    bool capped)
{
	struct server	*s = c->server;
	struct evbuffer	*out;

	/* One of a relay's people: the relay gets one copy (board_flush). */
	if (len == 0 || c->via != NULL || c->state == CONN_CLOSING ||
	    c->state == CONN_DEAD || (capped && c->drop != 0))
		return;
	out = bufferevent_get_output(c->bev);
	if (capped) {
		/* A cap raised for a large catch-up returns once drained. */
		if (c->cap > s->cfg->queue_cap &&
		    evbuffer_get_length(out) < s->cfg->queue_cap)
			c->cap = s->cfg->queue_cap;
		if (c->cap > 0 && evbuffer_get_length(out) + len > c->cap) {
			log_info("conn %llu (%s): %zu bytes queued, over the cap "
			    "of %zu: dropping it", (unsigned long long)c->id,
			    c->peer, evbuffer_get_length(out), c->cap);
			c->drop = ERROR_SLOW;
			s->drops_marked = true;
			return;
		}
	}
	if (evbuffer_add(out, data, len) != 0)
		fatalx("conn %llu: out of memory for %zu bytes",
		    (unsigned long long)c->id, len);
	c->last_out_ms = client_conn_now(s);
}

/* Queue bytes shared with others (an event, a PRESENCE), under the cap. */
void
client_conn_send(struct client_conn *c, const void *data, size_t len)
{
	struct iovec	iov;

	iov.iov_base = (void *)data;
	iov.iov_len = len;
	client_conn_sendv(c, &iov, 1);
}

/* The loop's time in ms, without a clock read when it has one cached. */
static int64_t
client_conn_now(struct server *s)
{
	struct timeval	tv;

	if (event_base_gettimeofday_cached(s->base, &tv) != 0)
		return server_now_ms();
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/*
 * Shared bytes in n pieces, in order, under the cap.  When nothing is
 * queued for a plain socket they are written at once, in one call: no
 * copy into the output buffer, no write interest for libevent to add and
 * take off again (two epoll_ctl), and no wait for the next turn of the
 * loop.  What the socket does not take is queued as before, whole frames
 * included, so the stream never has a hole; libevent writes the rest.
 * Nothing else writes to the socket while its output buffer is empty.
 */
void
client_conn_sendv(struct client_conn *c, const struct iovec *iov, int n)
{
	struct server	*s = c->server;
	struct evbuffer	*out;
	struct msghdr	 msg;
	size_t		 total = 0, skip;
	ssize_t		 w = -1;
	int		 i;

	for (i = 0; i < n; i++)
		total += iov[i].iov_len;
	if (!c->direct || c->state != CONN_LIVE || c->via != NULL ||
	    c->drop != 0 || total == 0 ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) != 0) {
		for (i = 0; i < n; i++)
			client_conn_write(c, iov[i].iov_base, iov[i].iov_len,
			    true);
		return;
	}
	/* Drained: a cap raised for a large catch-up returns. */
	if (c->cap > s->cfg->queue_cap)
		c->cap = s->cfg->queue_cap;
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = (struct iovec *)iov;
	msg.msg_iovlen = (size_t)(n < IOV_MAX ? n : IOV_MAX);
	do
		w = sendmsg(bufferevent_getfd(c->bev), &msg,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
	while (w == -1 && errno == EINTR);
	/* An error is libevent's to find on its own write: queue it all. */
	skip = w > 0 ? (size_t)w : 0;
	c->last_out_ms = client_conn_now(s);
	if (skip == total)
		return;
	out = bufferevent_get_output(c->bev);
	for (i = 0; i < n; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		if (evbuffer_add(out, (const char *)iov[i].iov_base + skip,
		    iov[i].iov_len - skip) != 0)
			fatalx("conn %llu: out of memory for %zu bytes",
			    (unsigned long long)c->id, iov[i].iov_len - skip);
		skip = 0;
	}
	/* What the socket left is queued whole; over the cap it goes. */
	if (c->cap > 0 && evbuffer_get_length(out) > c->cap) {
		log_info("conn %llu (%s): %zu bytes queued, over the cap of "
		    "%zu: dropping it", (unsigned long long)c->id, c->peer,
		    evbuffer_get_length(out), c->cap);
		c->drop = ERROR_SLOW;
		s->drops_marked = true;
	}
}

/*
 * The server's buffer for one message to one connection, emptied: encode
 * into it and hand the length to client_conn_put, as in
 * client_conn_put(c, proto_enc_pong(client_conn_buf(c), token)).
 */
struct proto_buf *
client_conn_buf(struct client_conn *c)
{
	proto_buf_reset(&c->server->out);
	return &c->server->out;
}

/* Send the len bytes just encoded into client_conn_buf (0: nothing). */
void
client_conn_put(struct client_conn *c, size_t len)
{
	client_conn_write(c, c->server->out.data, len, true);
}

/* The same for a catch-up or a final ERROR: past the cap. */
static void
client_conn_put_uncapped(struct client_conn *c, size_t len)
{
	client_conn_write(c, c->server->out.data, len, false);
}

/*
 * Housekeeping: send ERROR 107 to the connections marked over their cap
 * and take them off their boards.  True if there were any (leaving a
 * board tells the others, which may mark more).
 */
bool
client_conn_drop_marked(struct server *s)
{
	struct client_conn	*c, *next;
	bool			 any = false;

	if (!s->drops_marked)
		return false;
	s->drops_marked = false;
	for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->drop == 0)
			continue;
		client_conn_error(c, c->drop, NULL);
		any = true;
	}
	return any;
}

/* A final ERROR went out, or the peer would not read it: close. */
static void
client_conn_close_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	client_conn_lost(arg);
}

/*
 * Send ERROR code and close once it is written (or after a grace period
 * for a peer that does not read).  text NULL: the standard text.  logged:
 * the caller logged it already (once per burst).
 */
static void
client_conn_close_with(struct client_conn *c, uint32_t code, const char *text,
    bool logged)
{
	struct server	*s = c->server;
	struct timeval	 tv;

	if (c->state == CONN_CLOSING || c->state == CONN_DEAD)
		return;
	if (text == NULL)
		text = proto_error_text(code);
	if (!logged)
		log_info("conn %llu (%s): ERROR %u %s",
		    (unsigned long long)c->id, c->peer, code, text);
	if (c->via != NULL) {
		relay_error(c, code, text);
		client_conn_lost(c);
		return;
	}
	client_conn_put_uncapped(c, proto_enc_error(client_conn_buf(c), code,
	    text));
	c->drop = 0;
	if (c->board != NULL && c->state == CONN_LIVE)
		client_conn_leave_board(c);
	client_conn_unpark(c);
	c->state = CONN_CLOSING;
	client_conn_unwait(c);
	bufferevent_disable(c->bev, EV_READ);
	c->close_ev = evtimer_new(s->base, client_conn_close_cb, c);
	tv.tv_sec = CONN_CLOSE_GRACE_MS / 1000;
	tv.tv_usec = (CONN_CLOSE_GRACE_MS % 1000) * 1000;
	evtimer_add(c->close_ev, &tv);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		client_conn_lost(c);
}

/* Send ERROR code (text NULL: the standard text) and close. */
void
client_conn_error(struct client_conn *c, uint32_t code, const char *text)
{
	client_conn_close_with(c, code, text, false);
}

/*
 * Answer the wrong join codes waiting on board b, as many as its budget
 * allows: GUESS_RATE a second after a burst of GUESS_BURST, whatever the
 * number of connections and addresses guessing.
 */
void
client_conn_answer_guesses(struct board *b, int64_t now)
{
	struct client_conn	*c;

	if (now > b->guess_ms) {
		b->guess_tokens += (double)(now - b->guess_ms) * GUESS_RATE /
		    1000.0;
		if (b->guess_tokens > GUESS_BURST)
			b->guess_tokens = GUESS_BURST;
		b->guess_ms = now;
	}
	log_limit_flush(&b->guess_log);
	while (b->guess_tokens >= 1.0 &&
	    (c = TAILQ_FIRST(&b->guesses)) != NULL) {
		b->guess_tokens -= 1.0;
		client_conn_close_with(c, ERROR_AUTH, "wrong join code", true);
	}
}

/*
 * A wrong join code: the connection reads nothing more and waits for its
 * ERROR 101 in the board's queue, answered at the board's pace; a right
 * code is never held up by it.  Logged once per burst.
 */
static void
client_conn_park(struct client_conn *c, struct board *b)
{
	log_limited(&b->guess_log, LOG_LVL_WARN, "board %s: wrong join code "
	    "(conn %llu from %s); wrong codes are answered %d a second",
	    b->name, (unsigned long long)c->id, c->peer, GUESS_RATE);
	c->state = CONN_PARKED;
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ);
	c->parked = b;
	TAILQ_INSERT_TAIL(&b->guesses, c, park_entry);
	client_conn_answer_guesses(b, server_now_ms());
}

/* Take c out of its board's queue of wrong codes. */
static void
client_conn_unpark(struct client_conn *c)
{
	if (c->parked == NULL)
		return;
	TAILQ_REMOVE(&c->parked->guesses, c, park_entry);
	c->parked = NULL;
}

/* Take the connection off its board, telling the others if p left. */
void
client_conn_leave_board(struct client_conn *c)
{
	struct board	*b = c->board;
	bool		 was_live = c->state == CONN_LIVE;

	if (b == NULL)
		return;
	if (c->relay)
		relay_gone(c);
	if (b->up != NULL)
		upstream_gone(b->up, c);
	TAILQ_REMOVE(&b->conns, c, board_entry);
	c->board = NULL;
	if (was_live && c->participant != 0 &&
	    !board_online(b, c->participant, NULL))
		board_presence(b, c->participant, false, NULL, 0);
}

/* The connection is over: off its board, freed at the end of the pass. */
void
client_conn_lost(struct client_conn *c)
{
	struct server	*s = c->server;

	if (c->state == CONN_DEAD)
		return;
	if (c->board != NULL)
		client_conn_leave_board(c);
	log_debug("conn %llu (%s): closed", (unsigned long long)c->id,
	    c->peer);
	client_conn_unpark(c);
	if (c->relay)
		relay_gone(c);
	if (c->via != NULL)
		TAILQ_REMOVE(&c->via->vias, c, via_entry);
	c->state = CONN_DEAD;
	client_conn_unwait(c);
	if (c->bev != NULL)
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	if (c->close_ev != NULL)
		evtimer_del(c->close_ev);
	TAILQ_REMOVE(&s->conns, c, entry);
	TAILQ_INSERT_TAIL(&s->dead, c, entry);
	s->nconns--;
}

/* Free a dead connection (from housekeeping only). */
void
client_conn_free(struct client_conn *c)
{
	if (c->bev != NULL && evbuffer_get_length(bufferevent_get_output(
	    c->bev)) > SERVER_BUF_KEEP)
		c->server->trim_due = true;	/* a slow reader's queue */
	if (c->close_ev != NULL)
		event_free(c->close_ev);
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	free(c);
}

/* Send one REJECT (to the relay, for one of a relay's people). */
void
client_conn_reject(struct client_conn *c, uint32_t op_id, uint32_t code,
    const char *why)
{
	if (why == NULL)
		why = proto_reject_text(code);
	if (c->via != NULL) {
		relay_reject(c, op_id, code, why);
		return;
	}
	client_conn_put(c, proto_enc_reject(client_conn_buf(c), op_id, code,
	    why));
}

/* Take a token for one message; false when the peer is over its rate. */
static bool
client_conn_rate_ok(struct client_conn *c, int64_t now)
{
	const struct server_config	*cfg = c->server->cfg;

	if (cfg->ops_per_sec <= 0)
		return true;
	if (now > c->tokens_ms) {
		c->tokens += (double)(now - c->tokens_ms) * cfg->ops_per_sec /
		    1000.0;
		if (c->tokens > cfg->ops_burst)
			c->tokens = cfg->ops_burst;
		c->tokens_ms = now;
	}
	if (c->tokens < 1.0)
		return false;
	c->tokens -= 1.0;
	return true;
}

/* Another live connection of this board with this client id, if any. */
static struct client_conn *
client_conn_same_client(struct board *b, const struct client_conn *c)
{
	struct client_conn	*o;

	TAILQ_FOREACH(o, &b->conns, board_entry) {
		if (o != c && memcmp(o->client, c->client,
		    PROTO_CLIENT_LEN) == 0)
			return o;
	}
	return NULL;
}

/* The connection with another client id that holds p, or NULL. */
static struct client_conn *
client_conn_held_elsewhere(struct board *b, const struct client_conn *c,
    uint32_t p)
{
	struct client_conn	*o;

	TAILQ_FOREACH(o, &b->conns, board_entry) {
		if (o != c && o->participant == p &&
		    memcmp(o->client, c->client, PROTO_CLIENT_LEN) != 0 &&
		    (o->state == CONN_LIVE || o->state == CONN_CATCHUP))
			return o;
	}
	return NULL;
}

/* Join c to board b as participant p; its catch-up comes next pass. */
static void
client_conn_attach(struct client_conn *c, struct board *b, uint32_t p,
    bool fac, const struct proto_hello *h)
{
	c->board = b;
	c->participant = p;
	c->facilitator_key = fac;
	c->since = h->since;
	c->want_state = h->want_state;
	/* A relay's people get what the relay passes on. */
	c->roster = h->roster && c->via == NULL;
	c->state = CONN_CATCHUP;
	client_conn_unwait(c);
	TAILQ_INSERT_TAIL(&b->conns, c, board_entry);
}

/*
 * The board a HELLO may join: the key (when given) right, the board there
 * and sound, the join code right.  NULL when refused (said, or parked
 * for a wrong code); *fac when the key came.
 */
static struct board *
client_conn_admit(struct client_conn *c, const struct proto_hello *h,
    bool *fac)
{
	struct server	*s = c->server;
	struct board	*b;
	const char	*code;
	char		 err[512];
	uint32_t	 ecode;

	*fac = false;
	if (h->key != NULL) {
		if (!keyfile_equal(h->key, s->key)) {
			log_limited(&s->key_log, LOG_LVL_WARN, "wrong "
			    "facilitator key (conn %llu from %s)",
			    (unsigned long long)c->id, c->peer);
			client_conn_close_with(c, ERROR_AUTH,
			    "wrong facilitator key", true);
			return NULL;
		}
		*fac = true;
	}
	/* A relay makes a missing board only when asked to (its people). */
	b = board_find(s, h->board, *fac && (!h->relay || h->create), err,
	    sizeof err, &ecode);
	if (b == NULL) {
		client_conn_error(c, ecode, err);
		return NULL;
	}
	if (b->broken) {
		snprintf(err, sizeof err, "board %s cannot be opened; the "
		    "server's operator can run: cafeboard-server check %s",
		    b->name, b->name);
		client_conn_error(c, ERROR_BOARD, err);
		return NULL;
	}
	code = b->model->settings.code;
	if (!*fac && code != NULL && code[0] != '\0') {
		if (h->code == NULL) {
			client_conn_error(c, ERROR_AUTH, "this board needs a "
			    "join code");
			return NULL;
		}
		/* In constant time; a wrong one waits for its answer. */
		if (!keyfile_equal(h->code, code)) {
			client_conn_park(c, b);
			return NULL;
		}
	}
	return b;
}

/*
 * The participant p that this client's id or (*by_name) its first name
 * names may join as it: not while someone else holds it, a facilitator's
 * name only with the key.  0, or -1 when refused (said).
 */
static int
client_conn_known(struct client_conn *c, struct board *b, uint32_t p,
    bool by_name, bool fac)
{
	struct model_participant	*mp = model_participant(b->model, p);
	struct client_conn		*holder;
	char				 err[256];

	holder = client_conn_held_elsewhere(b, c, p);
	/*
	 * A client coming back as the participant its id belongs to (a
	 * server restart, a dropped link) takes it back from a connection
	 * that took it over by name while it was away.
	 */
	if (holder != NULL && !by_name && holder->by_name) {
		snprintf(err, sizeof err, "%s is back; choose another name",
		    mp->name);
		client_conn_error(holder, ERROR_NAME, err);
		holder = NULL;
	}
	if (holder != NULL) {
		snprintf(err, sizeof err, "%s is already here; choose another "
		    "name", mp->name);
		client_conn_error(c, ERROR_NAME, err);
		return -1;
	}
	/*
	 * Taking a facilitator's name over needs the key; the same client
	 * coming back (a promoted facilitator has no key) is no takeover.
	 */
	if (by_name && mp->role == ROLE_FACILITATOR && !fac) {
		client_conn_error(c, ERROR_AUTH, "this name belongs to a "
		    "facilitator: join with the facilitator key");
		return -1;
	}
	return 0;
}

/* A new participant called name joins b: its id, or 0 when refused. */
static uint32_t
client_conn_newcomer(struct client_conn *c, struct board *b, char *name)
{
	struct server	*s = c->server;
	struct proto_op	 op;
	const char	*why = NULL;
	char		 err[256];

	if (s->cfg->max_participants > 0 &&
	    b->model->nparticipants >= s->cfg->max_participants) {
		client_conn_error(c, ERROR_FULL, "this board is full");
		return 0;
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_JOINED;
	op.participant = model_next_participant(b->model);
	op.text = name;
	memcpy(op.client, c->client, PROTO_CLIENT_LEN);
	if (board_submit(s, b, 0, c->client, 0, &op, &why) != 0) {
		snprintf(err, sizeof err, "cannot join now: %s", why);
		client_conn_error(c, ERROR_FULL, err);
		return 0;
	}
	c->joined_seq = b->model->head;
	log_info("board %s: %s joined as participant %u", b->name, name,
	    op.participant);
	return op.participant;
}

/*
 * The participant a HELLO joins as: the one its client id names, else the
 * one of its first name, else a new one; 0 when refused (said).
 */
static uint32_t
client_conn_participant(struct client_conn *c, struct board *b,
    const char *name, bool fac, bool *by_name)
{
	struct model_participant	*mp;
	uint32_t			 p;

	*by_name = false;
	p = model_client_participant(b->model, c->client);
	if (p != 0 && model_participant(b->model, p) == NULL)
		p = 0;
	if (p == 0 && (mp = model_participant_by_name(b->model, name)) !=
	    NULL) {
		p = mp->id;
		*by_name = true;
	}
	if (p != 0)
		return client_conn_known(c, b, p, *by_name, fac) == 0 ? p : 0;
	return client_conn_newcomer(c, b, (char *)name);
}

/*
 * HELLO: check the version, key, board and join code; find or make the
 * participant; catch-up follows at the end of this loop pass.
 */
void
client_conn_hello(struct client_conn *c, const struct proto_hello *h)
{
	struct server		*s = c->server;
	struct board		*b;
	struct client_conn	*old;
	struct proto_op		 op;
	enum text_name_status	 st;
	char			*name;
	uint32_t		 p;
	bool			 fac, by_name;

	if ((b = client_conn_admit(c, h, &fac)) == NULL)
		return;
	memcpy(c->client, h->client, PROTO_CLIENT_LEN);
	if (h->observe || h->relay) {
		/*
		 * Read only, as a facilitator who is no participant; a relay
		 * speaks for its people on top of that (relay.c).
		 */
		if (!fac) {
			client_conn_error(c, ERROR_AUTH, h->relay ? "a relay "
			    "needs the facilitator key" : "observing a board "
			    "needs the facilitator key");
			return;
		}
		client_conn_attach(c, b, MODEL_OBSERVER, true, h);
		c->relay = h->relay;
		return;
	}
	name = text_trim(xstrdup(h->name));
	if ((st = text_name_check(name, strlen(name))) != TEXT_NAME_OK) {
		free(name);
		client_conn_error(c, ERROR_PROTOCOL, text_name_reason(st));
		return;
	}
	/* A mirror's people are the upstream server's to admit. */
	if (b->up != NULL) {
		free(name);
		client_conn_attach(c, b, 0, fac, h);
		c->state = CONN_FORWARDED;
		upstream_hello(b->up, c, h);
		return;
	}
	p = client_conn_participant(c, b, name, fac, &by_name);
	free(name);
	if (p == 0)
		return;
	if (fac && model_participant(b->model, p)->role != ROLE_FACILITATOR) {
		memset(&op, 0, sizeof op);
		op.kind = OP_ROLE;
		op.participant = p;
		op.role = ROLE_FACILITATOR;
		board_submit_server(s, b, &op, NULL);
	}
	/*
	 * A reconnect that beat the old connection's timeout replaces it;
	 * the new one joins first, so the others see no one leave.
	 */
	old = client_conn_same_client(b, c);
	client_conn_attach(c, b, p, fac, h);
	c->by_name = by_name;
	if (old != NULL) {
		log_info("conn %llu: replaced by conn %llu (same client)",
		    (unsigned long long)old->id, (unsigned long long)c->id);
		client_conn_lost(old);
	}
}

/* Participants of board b with a live connection. */
static uint32_t
client_conn_online_count(const struct board *b)
{
	const struct client_conn	*c, *o;
	uint32_t			 n = 0;

	TAILQ_FOREACH(c, &b->conns, board_entry) {
		if (c->state != CONN_LIVE || c->participant == 0 ||
		    c->participant == MODEL_OBSERVER)
			continue;
		/* Count each participant once. */
		for (o = TAILQ_FIRST(&b->conns); o != c;
		    o = TAILQ_NEXT(o, board_entry))
			if (o->state == CONN_LIVE &&
			    o->participant == c->participant)
				break;
		if (o == c)
			n++;
	}
	return n;
}

/* LIST (ext): one BOARD per board of the data directory, then the count. */
static void
client_conn_list(struct client_conn *c)
{
	struct server		*s = c->server;
	struct proto_board_info	 bi;
	struct board		*b;
	char			**names, err[256];
	size_t			 n, i;
	uint64_t		 count = 0;
	uint32_t		 ecode;
	size_t			 len;

	if (store_list(s->cfg->data_dir, &names, &n) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		b = board_find(s, names[i], false, err, sizeof err, &ecode);
		free(names[i]);
		if (b == NULL || b->broken)
			continue;
		bi.name = b->name;
		bi.title = b->model->settings.title;
		bi.online = client_conn_online_count(b);
		bi.code_needed = b->model->settings.code[0] != '\0';
		if ((len = proto_enc_board(client_conn_buf(c), &bi)) != 0) {
			client_conn_put(c, len);
			count++;
		}
	}
	free(names);
	client_conn_put(c, proto_enc_boards_end(client_conn_buf(c), count));
}

/* An OP from a live connection (or one of a relay's people). */
void
client_conn_op(struct client_conn *c, uint32_t op_id, struct proto_op *op)
{
	struct board	*b = c->board;
	const char	*why = NULL;
	int		 code;

	if (op_id == 0) {
		client_conn_reject(c, op_id, REJECT_BAD, "op_id starts at 1");
		return;
	}
	if (c->participant == MODEL_OBSERVER) {
		client_conn_reject(c, op_id, REJECT_FORBIDDEN,
		    "an observer cannot change the board");
		return;
	}
	/* A mirror's ops are sequenced upstream, each once. */
	if (b->up != NULL) {
		upstream_op(b->up, c, op_id, op);
		return;
	}
	/* Exactly once: an op resent after a reconnect is applied once. */
	if (op_id <= model_client_last_op(b->model, c->client)) {
		log_debug("conn %llu: op %u already applied", 
		    (unsigned long long)c->id, op_id);
		return;
	}
	code = board_submit(c->server, b, c->participant, c->client, op_id, op,
	    &why);
	if (code != 0)
		client_conn_reject(c, op_id, (uint32_t)code, why);
}

/* Handle one decoded message. */
static void
client_conn_message(struct client_conn *c, struct proto_msg *msg)
{
	switch (msg->type) {
	case PROTO_PING:
		client_conn_put(c, proto_enc_pong(client_conn_buf(c),
		    msg->u.token));
		return;
	case PROTO_PONG:
		return;
	case PROTO_BYE:
		log_debug("conn %llu: BYE", (unsigned long long)c->id);
		client_conn_lost(c);
		return;
	case PROTO_LIST:
		if (c->state != CONN_HELLO) {
			client_conn_error(c, ERROR_PROTOCOL,
			    "LIST comes before HELLO");
			return;
		}
		client_conn_list(c);
		return;
	case PROTO_HELLO:
		if (c->state != CONN_HELLO) {
			client_conn_error(c, ERROR_PROTOCOL, "HELLO twice");
			return;
		}
		client_conn_hello(c, &msg->u.hello);
		return;
	case PROTO_OP:
		if (c->state != CONN_LIVE) {
			client_conn_error(c, ERROR_PROTOCOL,
			    "HELLO must come first");
			return;
		}
		client_conn_op(c, msg->u.op.op_id, &msg->u.op.op);
		return;
	case PROTO_RELAY_HELLO:
	case PROTO_RELAY_OP:
	case PROTO_RELAY_BYE:
		if (c->state != CONN_LIVE || !c->relay) {
			client_conn_error(c, ERROR_PROTOCOL,
			    "only a relay speaks for others");
			return;
		}
		if (msg->type == PROTO_RELAY_HELLO)
			relay_hello(c, &msg->u.hello);
		else if (msg->type == PROTO_RELAY_OP)
			relay_op(c, &msg->u.relay);
		else
			relay_bye(c, msg->u.relay.client);
		return;
	default:
		client_conn_error(c, ERROR_PROTOCOL,
		    "a client does not send this message");
		return;
	}
}

/*
 * Take every whole frame from the input.  Frames that arrive while a HELLO
 * waits for its catch-up stay buffered: replies must follow READY.
 */
static void
client_conn_process(struct client_conn *c)
{
	struct server		*s = c->server;
	struct evbuffer		*in = bufferevent_get_input(c->bev);
	struct proto_msg	 msg;
	struct proto_err	 perr;
	enum proto_status	 st;
	uint8_t			 hdr[PROTO_FRAME_HDR], *body;
	uint32_t		 len;
	int64_t			 now;

	while (c->state == CONN_HELLO || c->state == CONN_LIVE) {
		if (evbuffer_get_length(in) < PROTO_FRAME_HDR)
			break;
		evbuffer_copyout(in, hdr, sizeof hdr);
		len = proto_frame_len(hdr);
		if (len == 0 || len > PROTO_FRAME_MAX) {
			char	why[80];

			snprintf(why, sizeof why, "frame length %u is not "
			    "within 1..%d", len, PROTO_FRAME_MAX);
			client_conn_error(c, ERROR_PROTOCOL, why);
			return;
		}
		if (evbuffer_get_length(in) < PROTO_FRAME_HDR + (size_t)len)
			break;
		body = evbuffer_pullup(in, PROTO_FRAME_HDR + (ssize_t)len);
		now = server_now_ms();
		c->last_in_ms = now;
		st = proto_decode(body + PROTO_FRAME_HDR, len, &msg, &perr);
		evbuffer_drain(in, PROTO_FRAME_HDR + (size_t)len);

		/*
		 * A relay carries a room: its people's ops were limited
		 * there, and a burst after a cut is theirs to send.
		 */
		if (c->state == CONN_LIVE && !c->relay &&
		    !client_conn_rate_ok(c, now)) {
			if (st == PROTO_OK && msg.type == PROTO_OP)
				client_conn_reject(c, msg.u.op.op_id,
				    REJECT_RATE, NULL);
			else if (st == PROTO_E_OP)
				client_conn_reject(c, perr.op_id, REJECT_RATE,
				    NULL);
			if (st == PROTO_OK)
				proto_msg_free(&msg);
			continue;
		}
		switch (st) {
		case PROTO_OK:
			client_conn_message(c, &msg);
			proto_msg_free(&msg);
			break;
		case PROTO_E_OP:
			if (c->state != CONN_LIVE) {
				client_conn_error(c, ERROR_PROTOCOL,
				    "HELLO must come first");
				return;
			}
			if (perr.relayed && c->relay)
				relay_reject_op(c, perr.client, perr.op_id,
				    perr.reject, perr.text);
			else
				client_conn_reject(c, perr.op_id, perr.reject,
				    perr.text);
			break;
		case PROTO_E_VERSION:
			client_conn_error(c, ERROR_VERSION, perr.text);
			return;
		case PROTO_E_UNKNOWN:
			log_debug("conn %llu: ignored a message of an unknown "
			    "type", (unsigned long long)c->id);
			break;
		case PROTO_E_FRAME:
		default:
			client_conn_error(c, ERROR_PROTOCOL, perr.text);
			return;
		}
	}
	(void)s;
}

/* Input arrived. */
static void
client_conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	client_conn_process(arg);
}

/* Output drained: a closing connection can go now. */
static void
client_conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct client_conn	*c = arg;

	(void)bev;
	if (c->state == CONN_CLOSING)
		client_conn_lost(c);
}

/* End of file, socket error, or the idle timeout. */
static void
client_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client_conn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		client_conn_error(c, ERROR_IDLE, NULL);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		client_conn_lost(c);
}

/*
 * About the bytes a replay from c->since would send this connection (as
 * the events went out live); *possible false when they are no longer all
 * kept or the client asked for the state.
 */
static uint64_t
client_conn_replay_bytes(struct client_conn *c, bool *possible)
{
	struct board			*b = c->board;
	const struct board_event	*be;
	uint64_t			 seq, bytes = 0;

	*possible = !c->want_state && board_replay_kept(b, c->since);
	if (!*possible)
		return 0;
	for (seq = c->since + 1; seq <= b->model->head; seq++) {
		be = board_event_at(b, seq);
		bytes += be->len[board_event_audience(b, be, c->participant)];
	}
	return bytes;
}

/*
 * After c's catch-up: who is here now, c included (it sees itself online
 * too) -- one PRESENCE each, or to a roster client one ROSTER.
 */
static void
client_conn_here(struct client_conn *c)
{
	struct board			*b = c->board;
	struct model_participant	*mp;
	struct client_conn		*o;
	struct proto_roster		 r;
	size_t				 n = 1;

	if (b->up != NULL)
		upstream_presence_list(b->up, c);
	else if (!c->roster) {
		TAILQ_FOREACH(o, &b->conns, board_entry) {
			if (o->state != CONN_LIVE || o == c ||
			    (mp = model_participant(b->model,
			    o->participant)) == NULL)
				continue;
			client_conn_put_uncapped(c, board_enc_presence(
			    client_conn_buf(c), mp, true));
		}
	} else {
		TAILQ_FOREACH(o, &b->conns, board_entry)
			n++;
		memset(&r, 0, sizeof r);
		r.pairs = xreallocarray(NULL, n, sizeof *r.pairs);
		TAILQ_FOREACH(o, &b->conns, board_entry) {
			if ((o->state != CONN_LIVE && o != c) ||
			    (mp = model_participant(b->model,
			    o->participant)) == NULL)
				continue;
			r.pairs[r.npairs].a = mp->id;
			r.pairs[r.npairs++].b = mp->table;
		}
		client_conn_put_uncapped(c, proto_enc_roster(
		    client_conn_buf(c), &r));
		free(r.pairs);
		return;
	}
	if (c->roster)
		return;
	if ((mp = model_participant(b->model, c->participant)) != NULL)
		client_conn_put_uncapped(c, board_enc_presence(
		    client_conn_buf(c), mp, true));
}

/*
 * Send WELCOME, the catch-up (a replay of what the client missed, or the
 * state when that is smaller or no longer kept) and READY; then the
 * connection is live.  Called from housekeeping, after the log sync.
 */
void
client_conn_catchup(struct client_conn *c)
{
	struct server			*s = c->server;
	struct board			*b = c->board;
	struct model			*m = b->model;
	const struct board_event	*be;
	struct model_participant	*mp;
	struct proto_welcome		 w;
	struct proto_state		 st;
	const uint8_t			*frame;
	uint64_t			 seq, replay;
	size_t				 state_size, queued, len;
	bool				 possible;
	int64_t				 now = server_now_ms();
	enum model_audience		 a;

	if (c->via != NULL) {
		relay_catchup(c);
		return;
	}
	replay = client_conn_replay_bytes(c, &possible);
	state_size = model_state_size(m);

	memset(&w, 0, sizeof w);
	w.v = PROTO_VERSION;
	w.board = b->name;
	/* An observer is nobody on the board, with a facilitator's view. */
	w.participant = c->participant == MODEL_OBSERVER ? 0 : c->participant;
	mp = model_participant(m, c->participant);
	w.role = c->participant == MODEL_OBSERVER ? ROLE_FACILITATOR :
	    mp != NULL ? mp->role : ROLE_PARTICIPANT;
	w.head = m->head;
	w.mode = (!possible || c->want_state || replay > state_size) ?
	    MODE_STATE : MODE_REPLAY;
	w.last_op = board_last_op(b, c->client);
	w.roster = c->roster;
	client_conn_put_uncapped(c, proto_enc_welcome(client_conn_buf(c), &w));

	if (w.mode == MODE_REPLAY) {
		board_replay_ready(b, c->since);
		for (seq = c->since + 1; seq <= m->head; seq++) {
			be = board_event_at(b, seq);
			a = board_event_audience(b, be, c->participant);
			frame = board_event_frame(be, a, c->roster, &len);
			client_conn_write(c, frame, len, false);
		}
		/* The clock as it is now, not as the replayed events left it. */
		model_state_timer(m, now, &st);
		client_conn_put_uncapped(c, proto_enc_state(client_conn_buf(c),
		    &st));
	} else {
		s->out.lean = c->roster;
		model_state_write(m, c->participant, now, client_conn_buf(c));
		s->out.lean = false;
		client_conn_put_uncapped(c, s->out.len);
		/* Do not keep a buffer the size of the board for PINGs. */
		if (s->out.cap > SERVER_BUF_KEEP)
			proto_buf_free(&s->out);
	}
	client_conn_put_uncapped(c, proto_enc_ready(client_conn_buf(c),
	    m->head));

	/* Who is here now, then tell the others about this one. */
	c->live_from = m->head;
	client_conn_here(c);

	/* The catch-up itself may exceed the cap; what follows may not. */
	queued = evbuffer_get_length(bufferevent_get_output(c->bev));
	if (c->cap > 0 && queued > c->cap / 2)
		c->cap = queued + s->cfg->queue_cap;
	/* Its buffers will be freed as it drains: memory to give back. */
	if (queued > SERVER_BUF_KEEP)
		s->trim_due = true;

	if (c->participant != MODEL_OBSERVER &&
	    !board_online(b, c->participant, c))
		board_presence(b, c->participant, true, c, c->joined_seq);
	c->state = CONN_LIVE;
	c->last_out_ms = now;
	log_info("conn %llu (%s): live on board %s as participant %u, %s from "
	    "seq %llu to %llu", (unsigned long long)c->id, c->peer,
	    b->name, c->participant,
	    w.mode == MODE_REPLAY ? "replay" : "state",
	    (unsigned long long)c->since, (unsigned long long)m->head);
}

/* Frames that waited for the catch-up can be handled now. */
void
client_conn_resume(struct client_conn *c)
{
	if (c->state == CONN_LIVE && c->bev != NULL)
		client_conn_process(c);
}

/* Once in a while: the HELLO deadline, and PING after 30 s of silence. */
void
client_conn_tick(struct client_conn *c, int64_t now)
{
	if (c->via != NULL)
		return;
	if (c->state == CONN_HELLO && now >= c->hello_by_ms) {
		client_conn_error(c, ERROR_IDLE, "no HELLO");
		return;
	}
	if (c->state == CONN_LIVE &&
	    now - c->last_out_ms >= PROTO_PING_AFTER * 1000)
		client_conn_put(c, proto_enc_ping(client_conn_buf(c),
		    (uint64_t)now));
}
