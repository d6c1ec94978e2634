/*
 * net.c -- the client's connection to the server.
 *
 * Never blocks: connecting, name resolution and I/O go through libevent.
 * A dropped connection is retried with backoff (0.2 s doubling to 10 s,
 * with jitter) and resumed with "since" = the last seq we hold; ops still
 * waiting for their EVENT are sent again, in order, with the same op_ids,
 * and the server applies each once.  The codes that a retry cannot fix
 * (100-103) stop here until the user changes something.
 *
 * Before the first READY, a connection that fails says why (no socket,
 * permission, refused, TLS ...) and stops: net_problem_text tells the user
 * what to do, instead of a "reconnecting" that would never end.  With
 * --tls, nothing is sent before the server's certificate is checked
 * against the pin or known_servers; and the facilitator key never goes in
 * clear to a peer beyond loopback without --insecure.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "hostport.h"
#include "i18n.h"
#include "log.h"
#include "text.h"
#include "xmalloc.h"

#define NET_BACKOFF_MIN_MS	200
#define NET_BACKOFF_MAX_MS	10000
#define NET_CONNECT_TIMEOUT_MS	10000
#define NET_SPAWN_RETRY_MS	100	/* while a server we started comes up */
#define NET_SPAWN_TRIES		50
#define NET_AUTO_NAME_MAX	99	/* "Facilitator 99" at most */

static void	net_read_cb(struct bufferevent *, void *);
static void	net_event_cb(struct bufferevent *, short, void *);
static void	net_retry_cb(evutil_socket_t, short, void *);
static void	net_reap_cb(evutil_socket_t, short, void *);
static void	net_lost(struct net *, const char *);
static void	net_fail(struct net *, enum net_problem, const char *);
static void	net_event_errno(struct net *, int);

/* Monotonic milliseconds. */
int64_t
net_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Once a second: keepalive, and giving up on a silent server. */
static void
net_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct net	*n = arg;
	int64_t		 now = net_now_ms();
	size_t		 len;

	(void)fd;
	(void)what;
	switch (n->state) {
	case NET_CONNECTING:
	case NET_HELLO:
		if (now - n->last_in_ms > NET_CONNECT_TIMEOUT_MS)
			net_fail(n, NET_P_TIMEOUT, "the server does not answer");
		break;
	case NET_CATCHUP:
	case NET_LIVE:
		if (now - n->last_in_ms > PROTO_SILENT_CLOSE * 1000) {
			net_lost(n, "the server went silent");
			break;
		}
		if (now - n->last_out_ms >= PROTO_PING_AFTER * 1000) {
			proto_buf_reset(&n->out);
			if ((len = proto_enc_ping(&n->out, (uint64_t)now)) != 0) {
				bufferevent_write(n->bev, n->out.data, len);
				n->last_out_ms = now;
			}
		}
		break;
	default:
		break;
	}
}

/* Set up; nothing happens before net_start. */
void
net_init(struct net *n, struct event_base *base, struct client_opts *opts,
    const struct net_callbacks *cb, void *arg)
{
	struct timeval	tv = { 1, 0 };

	memset(n, 0, sizeof *n);
	n->base = base;
	n->opts = opts;
	n->cb = *cb;
	n->cb_arg = arg;
	n->state = NET_IDLE;
	n->spawn_lock = SPAWN_LOCK_BUSY;
	n->uplink.up = true;
	if (getrandom(n->client_id, sizeof n->client_id, 0) !=
	    (ssize_t)sizeof n->client_id)
		fatalx("getrandom: %s", strerror(errno));
	replica_init(&n->replica, opts->board);
	proto_buf_init(&n->out);
	n->retry_ev = evtimer_new(base, net_retry_cb, n);
	n->reap_ev = event_new(base, -1, 0, net_reap_cb, n);
	n->tick_ev = event_new(base, -1, EV_PERSIST, net_tick_cb, n);
	event_add(n->tick_ev, &tv);
	if (opts->host != NULL)
		n->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
}

/* Free the connections set aside by net_close. */
static void
net_reap(struct net *n)
{
	size_t	i;

	for (i = 0; i < n->ndead; i++)
		bufferevent_free(n->dead[i]);
	n->ndead = 0;
}

/* The loop pass after a connection was closed: free it now. */
static void
net_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	net_reap(arg);
}

/* Release the connection and the replica. */
void
net_free(struct net *n)
{
	if (n->bev != NULL)
		bufferevent_free(n->bev);
	net_reap(n);
	free(n->dead);
	if (n->reap_ev != NULL)
		event_free(n->reap_ev);
	if (n->retry_ev != NULL)
		event_free(n->retry_ev);
	if (n->tick_ev != NULL)
		event_free(n->tick_ev);
	if (n->dns != NULL)
		evdns_base_free(n->dns, 0);
	spawn_unlock(n->spawn_lock);
	replica_free(&n->replica);
	proto_buf_free(&n->out);
}

/* Send bytes now (the caller checked there is a connection). */
static void
net_write(struct net *n, size_t len)
{
	if (len == 0 || n->bev == NULL)
		return;
	bufferevent_write(n->bev, n->out.data, len);
	n->last_out_ms = net_now_ms();
}

/* Send one pending op. */
static void
net_send_op(struct net *n, struct pending *p)
{
	proto_buf_reset(&n->out);
	net_write(n, proto_enc_op(&n->out, p->op_id, &p->op));
	p->sent = true;
}

/*
 * Send the pending ops not sent yet on this connection, in order, up to
 * the first that still names what an unconfirmed op makes: op ids must
 * reach the server in order (it applies each client's ops once, by the
 * highest it has seen), so the ones after it wait with it.
 */
static void
net_send_ready(struct net *n)
{
	struct replica	*r = &n->replica;
	size_t		 i;

	if (n->state != NET_LIVE)
		return;
	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].sent)
			continue;
		if (r->pending[i].needs != 0)
			break;
		net_send_op(n, &r->pending[i]);
	}
}

/*
 * Op op_id is gone without a seq we know: the ops naming what it made
 * cannot be sent, and go too, told as refused with why (and so on for
 * the ones naming what those made).
 */
static void
net_drop_naming(struct net *n, uint32_t op_id, const char *why)
{
	struct replica	*r = &n->replica;
	uint32_t	 id;
	size_t		 i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].needs != op_id)
			continue;
		id = r->pending[i].op_id;
		if (n->cb.rejected != NULL)
			n->cb.rejected(n->cb_arg, &r->pending[i],
			    REJECT_NOT_FOUND, why);
		replica_drop_pending(r, id);
		r->stale = true;
		net_drop_naming(n, id, why);
		i = (size_t)-1;
	}
}

/* Connected: introduce ourselves. */
static void
net_hello(struct net *n)
{
	struct proto_hello	h;
	char			buf[PROTO_KEY_MAX + 2];
	FILE			*f;

	/* A key file that a local server writes on its first start. */
	if (n->opts->key == NULL && n->opts->key_file != NULL &&
	    (f = fopen(n->opts->key_file, "r")) != NULL) {
		if (fgets(buf, sizeof buf, f) != NULL) {
			buf[strcspn(buf, "\r\n")] = '\0';
			if (buf[0] != '\0')
				n->opts->key = xstrdup(buf);
		}
		fclose(f);
	}
	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = n->opts->board;
	memcpy(h.client, n->client_id, sizeof h.client);
	h.name = n->opts->name;
	h.code = n->opts->code;
	h.key = n->opts->key;
	h.since = n->resync ? 0 : n->replica.confirmed->head;
	h.want_state = n->opts->want_state || n->resync;
	h.observe = n->opts->observe;
	h.roster = true;
	/* Both front ends seat a participant who has no table; the server
	 * does it as we join, in the order of the room's joins. */
	h.sit = !n->opts->observe;
	proto_buf_reset(&n->out);
	net_write(n, proto_enc_hello(&n->out, &h));
	n->state = NET_HELLO;
	snprintf(n->status, sizeof n->status, "joining");
}

/*
 * Close the connection without any goodbye.  It goes quiet at once (no
 * more callbacks) and is freed on the next loop pass, never inside one of
 * its own callbacks, which may be the caller (STYLE.md, rule 5).
 */
static void
net_close(struct net *n)
{
	size_t	i;

	if (n->bev != NULL) {
		bufferevent_disable(n->bev, EV_READ | EV_WRITE);
		bufferevent_setcb(n->bev, NULL, NULL, NULL, NULL);
		if (n->ndead == n->dead_cap) {
			n->dead_cap = n->dead_cap == 0 ? 4 : n->dead_cap * 2;
			n->dead = xreallocarray(n->dead, n->dead_cap,
			    sizeof *n->dead);
		}
		n->dead[n->ndead++] = n->bev;
		n->bev = NULL;
		event_active(n->reap_ev, EV_TIMEOUT, 1);
	}
	for (i = 0; i < n->replica.npending; i++)
		n->replica.pending[i].sent = false;
	replica_offline_all(&n->replica);
	/* A relay tells its link again after each catch-up. */
	memset(&n->uplink, 0, sizeof n->uplink);
	n->uplink.up = true;
}

/* Schedule the next attempt after delay_ms. */
static void
net_retry_in(struct net *n, int64_t delay_ms)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(delay_ms / 1000);
	tv.tv_usec = (suseconds_t)(delay_ms % 1000) * 1000;
	evtimer_add(n->retry_ev, &tv);
	n->retry_at = net_now_ms() + delay_ms;
	n->state = NET_WAITING;
}

/* The connection is gone: try again later, unless told not to. */
static void
net_lost(struct net *n, const char *why)
{
	uint32_t	r, base;

	net_close(n);
	if (n->state == NET_STOPPED)
		return;
	snprintf(n->status, sizeof n->status, "%s", why);
	base = NET_BACKOFF_MIN_MS << (n->attempts < 6 ? n->attempts : 6);
	if (base > NET_BACKOFF_MAX_MS)
		base = NET_BACKOFF_MAX_MS;
	/* Jitter: between half and all of the step, so rooms do not stampede. */
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)net_now_ms();
	n->attempts++;
	log_info("connection lost (%s); retrying in %u ms", why,
	    base / 2 + r % (base / 2 + 1));
	net_retry_in(n, base / 2 + r % (base / 2 + 1));
	if (n->cb.changed != NULL)
		n->cb.changed(n->cb_arg);
}

/*
 * A connection that failed before the board was ever shown stops with the
 * reason for the user to read; after that, and for the causes a retry
 * fixes, it is retried with backoff.  A certificate that is not the one
 * expected, or a key that would go in clear, always stops.
 */
static void
net_fail(struct net *n, enum net_problem p, const char *detail)
{
	char	text[1024];

	if (n->ever_live && p != NET_P_TLS_MISMATCH &&
	    p != NET_P_TLS_UNKNOWN && p != NET_P_KEY_PLAIN) {
		net_lost(n, detail);
		return;
	}
	net_close(n);
	evtimer_del(n->retry_ev);
	n->state = NET_STOPPED;
	n->problem = p;
	snprintf(n->problem_detail, sizeof n->problem_detail, "%.*s",
	    (int)sizeof n->problem_detail - 1, detail);
	snprintf(n->status, sizeof n->status, "%.*s",
	    (int)sizeof n->status - 1, detail);
	net_problem_text(n, text, sizeof text);
	log_info("cannot join: %s", detail);
	if (n->cb.error != NULL)
		n->cb.error(n->cb_arg, 0, text);
	if (n->cb.changed != NULL)
		n->cb.changed(n->cb_arg);
}

/* Open a connection to the server. */
static void
net_connect(struct net *n)
{
	int	e;

	n->state = NET_CONNECTING;
	n->problem = NET_P_NONE;
	n->last_in_ms = net_now_ms();
	snprintf(n->status, sizeof n->status, "connecting");
	n->bev = dial_open(n->base, n->dns, n->opts, net_read_cb, net_event_cb,
	    n);
	if (n->bev == NULL) {
		/* Refused at once: a Unix socket missing or not ours. */
		e = EVUTIL_SOCKET_ERROR();
		if (n->opts->host == NULL) {
			net_event_errno(n, e);
			return;
		}
		net_fail(n, NET_P_OTHER, "cannot connect");
	}
}

/* Connect now. */
void
net_start(struct net *n)
{
	evtimer_del(n->retry_ev);
	net_close(n);
	if (n->state == NET_STOPPED)
		n->last_error = 0;
	net_connect(n);
}

/* The retry timer fired. */
static void
net_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	net_start(arg);
}

/* Say goodbye and close. */
void
net_stop(struct net *n)
{
	evtimer_del(n->retry_ev);
	if (n->bev != NULL && (n->state == NET_LIVE ||
	    n->state == NET_CATCHUP || n->state == NET_HELLO)) {
		proto_buf_reset(&n->out);
		net_write(n, proto_enc_bye(&n->out));
		/* Best effort: hand the BYE to the kernel before closing. */
		evbuffer_write(bufferevent_get_output(n->bev),
		    bufferevent_getfd(n->bev));
	}
	net_close(n);
	n->state = NET_STOPPED;
}

/*
 * Move the connection from src to dst (a front end hands it to the other):
 * its events and its bufferevent call dst from now on, a retry keeps its
 * time, a connection being freed is still freed.  src is left empty.
 */
void
net_move(struct net *dst, struct net *src, const struct net_callbacks *cb,
    void *arg)
{
	struct timeval	tv = { 1, 0 };
	int64_t		left;
	bool		retry;

	retry = src->retry_ev != NULL && evtimer_pending(src->retry_ev, NULL);
	*dst = *src;
	memset(src, 0, sizeof *src);
	memset(&dst->cb, 0, sizeof dst->cb);
	if (cb != NULL)
		dst->cb = *cb;
	dst->cb_arg = arg;
	if (dst->retry_ev == NULL)
		return;
	/* Their argument is the struct net: assigned again, as net_init. */
	event_del(dst->retry_ev);
	event_del(dst->reap_ev);
	event_del(dst->tick_ev);
	event_assign(dst->retry_ev, dst->base, -1, 0, net_retry_cb, dst);
	event_assign(dst->reap_ev, dst->base, -1, 0, net_reap_cb, dst);
	event_assign(dst->tick_ev, dst->base, -1, EV_PERSIST, net_tick_cb,
	    dst);
	event_add(dst->tick_ev, &tv);
	if (retry) {
		left = dst->retry_at - net_now_ms();
		if (left < 0)
			left = 0;
		tv.tv_sec = (time_t)(left / 1000);
		tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
		evtimer_add(dst->retry_ev, &tv);
	}
	if (dst->ndead > 0)
		event_active(dst->reap_ev, EV_TIMEOUT, 1);
	if (dst->bev != NULL)
		bufferevent_setcb(dst->bev, net_read_cb, NULL, net_event_cb,
		    dst);
}

/* A server we started (or waited for) answers, or we gave up on it. */
static void
net_spawn_done(struct net *n)
{
	spawn_unlock(n->spawn_lock);
	n->spawn_lock = SPAWN_LOCK_BUSY;
	n->spawn_tries = 0;
}

/*
 * The local server would not start.  On the first connection the user is
 * told and chooses (the join screen); once the board was open it is a lost
 * connection like any other: the screen, and whatever is being typed,
 * stay, and the next attempt starts a server again.
 */
static void
net_spawn_failed(struct net *n, const char *err)
{
	net_spawn_done(n);
	net_fail(n, NET_P_SPAWN, err);
}

/*
 * Nobody behind the local socket: start a server, or wait for the one
 * another client is starting (spawn.c's lock), connecting again every
 * 100 ms for 5 s.  This happens every time the server is found gone, not
 * only the first: a room of clients outlives any number of kill -9s.
 * Returns false once the 5 s are over (plain backoff follows; the next
 * failure starts a server again).
 */
static bool
net_autostart(struct net *n)
{
	char	err[200];
	int	lock;

	if (n->spawn_tries == 0) {
		lock = spawn_lock(n->opts->socket_path);
		if (lock != SPAWN_LOCK_BUSY) {
			if (spawn_server(n->opts->server_bin,
			    n->opts->socket_path, err, sizeof err) != 0) {
				spawn_unlock(lock);
				net_spawn_failed(n, err);
				return true;
			}
			log_info("started a local server on %s",
			    n->opts->socket_path);
			n->spawn_lock = lock;
		}
	}
	if (n->spawn_tries < NET_SPAWN_TRIES) {
		n->spawn_tries++;
		net_close(n);
		snprintf(n->status, sizeof n->status,
		    "starting a local server");
		net_retry_in(n, NET_SPAWN_RETRY_MS);
		return true;
	}
	net_spawn_done(n);
	return false;
}

/*
 * Connecting failed with errno e, or the connection ended.  A Unix socket
 * with nobody behind it gets a server of our own when the user asked for
 * no other.
 */
static void
net_event_errno(struct net *n, int e)
{
	if (n->state == NET_CONNECTING && n->opts->host == NULL &&
	    n->opts->autostart && (e == ENOENT || e == ECONNREFUSED) &&
	    net_autostart(n))
		return;
	if (n->state != NET_CONNECTING) {
		net_fail(n, NET_P_CLOSED, e != 0 ?
		    evutil_socket_error_to_string(e) : "connection error");
		return;
	}
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		net_fail(n, NET_P_NO_SOCKET, evutil_socket_error_to_string(e));
		break;
	case EACCES:
	case EPERM:
		net_fail(n, NET_P_DENIED, evutil_socket_error_to_string(e));
		break;
	case ECONNREFUSED:
		net_fail(n, NET_P_REFUSED, evutil_socket_error_to_string(e));
		break;
	case ETIMEDOUT:
	case EHOSTUNREACH:
	case ENETUNREACH:
		net_fail(n, NET_P_TIMEOUT, evutil_socket_error_to_string(e));
		break;
	default:
		net_fail(n, NET_P_OTHER, e != 0 ?
		    evutil_socket_error_to_string(e) : "connection error");
		break;
	}
}

/*
 * Connected (with TLS: the handshake is done): check the certificate and
 * where the key would go before saying anything.
 */
static void
net_connected(struct net *n)
{
	char	text[2 * FINGERPRINT_TEXT + 32];

	net_spawn_done(n);
	if (n->opts->tls) {
		if (trust_peer(n->bev, n->peer_fp) != 0) {
			net_fail(n, NET_P_TLS, "no certificate");
			return;
		}
		switch (trust_check(n->opts, n->peer_fp, n->expected_fp)) {
		case TRUST_OK:
			break;
		case TRUST_UNKNOWN:
			net_fail(n, NET_P_TLS_UNKNOWN, "unknown certificate");
			return;
		case TRUST_MISMATCH:
			snprintf(text, sizeof text, "certificate %s, expected "
			    "%s", n->peer_fp, n->expected_fp);
			net_fail(n, NET_P_TLS_MISMATCH, text);
			return;
		}
	} else if (n->opts->host != NULL && n->opts->key != NULL &&
	    !n->opts->insecure && !hostport_peer_local(
	    bufferevent_getfd(n->bev))) {
		net_fail(n, NET_P_KEY_PLAIN, "the key would go in clear");
		return;
	}
	net_hello(n);
}

/* Connecting failed, or the connection ended. */
static void
net_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct net	*n = arg;
	char		 err[200];
	int		 e = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		dial_connected(bev);
		net_connected(n);
		return;
	}
	if (n->opts->tls && trust_error(n->bev, err, sizeof err))
		net_fail(n, NET_P_TLS, err);
	else if (n->state == NET_CONNECTING && n->opts->host != NULL &&
	    bufferevent_socket_get_dns_error(n->bev) != 0)
		net_fail(n, NET_P_RESOLVE, evutil_gai_strerror(
		    bufferevent_socket_get_dns_error(n->bev)));
	else if (what & BEV_EVENT_EOF)
		net_fail(n, n->opts->tls && n->state == NET_CONNECTING ?
		    NET_P_TLS : NET_P_CLOSED, "the server closed the connection");
	else
		net_event_errno(n, e);
}

/*
 * --auto-name: the next of "Name 2", "Name 3"... after a refusal for a
 * name someone online uses (the base cut so that the number fits the
 * limit); false when there is none left.
 */
static bool
net_next_name(struct net *n)
{
	const char	*base = n->opts->auto_name;
	char		 num[16], *name;
	size_t		 keep, len, cps, i;
	uint32_t	 cp;

	if (base == NULL || n->name_number >= NET_AUTO_NAME_MAX)
		return false;
	n->name_number = n->name_number < 2 ? 2 : n->name_number + 1;
	snprintf(num, sizeof num, " %u", n->name_number);
	len = strlen(base);
	for (keep = i = cps = 0; i < len &&
	    cps + strlen(num) < PROTO_NAME_MAX; cps++) {
		i += text_decode(base + i, len - i, &cp);
		keep = i;
	}
	xasprintf(&name, "%.*s%s", (int)keep, base, num);
	free(n->opts->name);
	n->opts->name = name;
	return true;
}

/* A final ERROR: stop until the user fixes what is wrong. */
static void
net_error(struct net *n, uint32_t code, const char *text)
{
	log_info("ERROR %u: %s", code, text);
	if (code == ERROR_NAME && net_next_name(n)) {
		log_info("the name is taken: joining as %s", n->opts->name);
		net_close(n);
		net_retry_in(n, 0);
		return;
	}
	n->last_error = code;
	log_info("ERROR %u: %s", code, text);
	snprintf(n->last_error_text, sizeof n->last_error_text, "%s", text);
	if (n->cb.error != NULL)
		n->cb.error(n->cb_arg, code, text);
	if (ERROR_FINAL(code)) {
		net_close(n);
		n->state = NET_STOPPED;
		snprintf(n->status, sizeof n->status, "%s", text);
		return;
	}
	/* 104-108: the next attempt may well work (106: come back). */
	net_lost(n, text);
}

/*
 * The replica was built with the redactions of the other audience (our
 * role changed to or from facilitator): a participant's lacks the blind
 * totals and the private texts, a facilitator's holds what a participant
 * may not see.  Connect again at once and ask for the board as it stands.
 */
static void
net_resync(struct net *n)
{
	log_info("our role changed: fetching the board again as a %s sees it",
	    n->fac_view ? "facilitator" : "participant");
	n->resync = true;
	net_start(n);
	snprintf(n->status, sizeof n->status, "resynchronising");
	if (n->cb.changed != NULL)
		n->cb.changed(n->cb_arg);
}

/* READY: the catch-up is complete; send what is still pending. */
static void
net_ready(struct net *n, uint64_t head, uint32_t last_op)
{
	struct replica	*r = &n->replica;
	int64_t		 now = net_now_ms();
	bool		 first = !n->ever_live;
	size_t		 i;

	if (r->incoming != NULL)
		replica_state_end(r, head, now);
	/*
	 * Ops the server applied while we could not see the answer (a
	 * replay brought their EVENTs, a state did not: what names what they
	 * made cannot know its seq, and is told as refused).
	 */
	for (i = 0; i < r->npending; ) {
		uint32_t id = r->pending[i].op_id;

		if (id <= last_op) {
			/* What names it comes after it: i is still next. */
			replica_drop_pending(r, id);
			net_drop_naming(n, id, "the change it follows was saved "
			    "while the connection was down: do it again");
		} else
			i++;
	}
	replica_predict(r, now);
	n->state = NET_LIVE;
	net_send_ready(n);
	n->attempts = 0;
	n->ever_live = true;
	n->status[0] = '\0';
	if (n->cb.live != NULL)
		n->cb.live(n->cb_arg, first);
}

/* Handle one message from the server. */
static void
net_message(struct net *n, struct proto_msg *m)
{
	struct replica	*r = &n->replica;
	int64_t		 now = net_now_ms();
	size_t		 i, len;
	bool		 fac;

	switch (m->type) {
	case PROTO_WELCOME:
		if (n->state != NET_HELLO) {
			net_lost(n, "unexpected WELCOME");
			return;
		}
		r->me = m->u.welcome.participant;
		r->my_role = m->u.welcome.role;
		n->welcome_last_op = m->u.welcome.last_op;
		n->roster = m->u.welcome.roster;
		n->state = NET_CATCHUP;
		fac = m->u.welcome.role == ROLE_FACILITATOR;
		if (m->u.welcome.mode == MODE_STATE) {
			replica_state_begin(r);
			n->resync = false;
		} else if (m->u.welcome.head < r->confirmed->head) {
			net_lost(n, "the server's board is behind ours");
			return;
		} else if (r->confirmed->head > 0 && fac != n->fac_view) {
			/* A replay would not undo what we hold already. */
			n->fac_view = fac;
			net_resync(n);
			return;
		}
		/* What follows is redacted for the role we have now. */
		n->fac_view = fac;
		break;
	case PROTO_STATE:
		if (n->state == NET_CATCHUP && r->incoming != NULL)
			replica_state_record(r, &m->u.state, now);
		else if (m->u.state.what == STATE_TIMER)
			replica_timer(r, &m->u.state, now);
		break;
	case PROTO_EVENT:
		if (n->state != NET_CATCHUP && n->state != NET_LIVE)
			break;
		if (replica_event(r, &m->u.event, now) != 0) {
			log_warn("event seq %llu after %llu: resynchronising",
			    (unsigned long long)m->u.event.seq,
			    (unsigned long long)r->confirmed->head);
			net_lost(n, "resynchronising");
			return;
		}
		if (m->u.event.origin == r->me && r->me != 0 &&
		    m->u.event.op_id != 0) {
			uint64_t predicted = 0;

			for (i = 0; i < r->npending; i++)
				if (r->pending[i].op_id == m->u.event.op_id)
					predicted = r->pending[i].predicted;
			replica_resolve(r, m->u.event.op_id, m->u.event.seq);
			if (replica_drop_pending(r, m->u.event.op_id) &&
			    n->cb.confirmed != NULL && predicted != 0)
				n->cb.confirmed(n->cb_arg, predicted,
				    m->u.event.seq);
			net_send_ready(n);
		}
		r->stale = true;
		/* A roster client hears of a newcomer by this event alone. */
		if (m->u.event.op.kind == OP_JOINED && n->roster &&
		    n->state == NET_LIVE) {
			struct proto_presence pr = { m->u.event.op.participant,
			    true, 0, NULL };

			replica_presence(r, &pr);
		}
		if (m->u.event.op.kind == OP_ROLE &&
		    m->u.event.op.participant == r->me && r->me != 0)
			r->my_role = m->u.event.op.role;
		if (n->cb.event != NULL)
			n->cb.event(n->cb_arg, &m->u.event,
			    n->state == NET_LIVE);
		/*
		 * Live, our own role changed to or from facilitator.  (In a
		 * replay every event already comes as our role now sees it.)
		 */
		if (n->state == NET_LIVE && n->bev != NULL &&
		    (r->my_role == ROLE_FACILITATOR) != n->fac_view) {
			n->fac_view = r->my_role == ROLE_FACILITATOR;
			net_resync(n);
			return;
		}
		break;
	case PROTO_READY:
		if (n->state != NET_CATCHUP) {
			net_lost(n, "unexpected READY");
			return;
		}
		net_ready(n, m->u.ready, n->welcome_last_op);
		break;
	case PROTO_REJECT:
		for (i = 0; i < r->npending; i++) {
			if (r->pending[i].op_id != m->u.reject.op_id)
				continue;
			if (n->cb.rejected != NULL)
				n->cb.rejected(n->cb_arg, &r->pending[i],
				    m->u.reject.code, m->u.reject.text);
			replica_drop_pending(r, m->u.reject.op_id);
			r->stale = true;
			net_drop_naming(n, m->u.reject.op_id, "the change it "
			    "follows was refused");
			net_send_ready(n);
			break;
		}
		break;
	case PROTO_PRESENCE:
		replica_presence(r, &m->u.presence);
		break;
	case PROTO_ROSTER:
		replica_roster(r, &m->u.roster);
		break;
	case PROTO_UPLINK:
		n->uplink = m->u.uplink;
		break;
	case PROTO_ERROR:
		net_error(n, m->u.error.code, m->u.error.text);
		return;
	case PROTO_PING:
		proto_buf_reset(&n->out);
		if ((len = proto_enc_pong(&n->out, m->u.token)) != 0)
			net_write(n, len);
		break;
	default:
		break;
	}
	if (n->cb.changed != NULL)
		n->cb.changed(n->cb_arg);
}

/* Input: take every whole frame. */
static void
net_read_cb(struct bufferevent *bev, void *arg)
{
	struct net		*n = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct proto_msg	 msg;
	struct proto_err	 perr;
	uint8_t			 hdr[PROTO_FRAME_HDR], *body;
	uint32_t		 len;
	enum proto_status	 st;

	n->last_in_ms = net_now_ms();
	while (n->bev == bev && evbuffer_get_length(in) >= PROTO_FRAME_HDR) {
		evbuffer_copyout(in, hdr, sizeof hdr);
		len = proto_frame_len(hdr);
		/* A TLS alert: a plain client on a --tls-listen port. */
		if (!n->opts->tls && n->state == NET_HELLO &&
		    hdr[0] == 0x15 && hdr[1] == 0x03) {
			net_fail(n, NET_P_TLS_ONLY, "the server speaks TLS");
			return;
		}
		if (len == 0 || len > PROTO_FRAME_MAX) {
			net_lost(n, "the server sent a malformed frame");
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
			log_warn("bad frame from the server: %s", perr.text);
			net_lost(n, "the server sent a malformed message");
			return;
		}
		net_message(n, &msg);
		proto_msg_free(&msg);
	}
}

/*
 * Check an op against the prediction, queue it and send it if we can.
 * Returns 0 or the REJECT code the model predicts.
 */
int
net_submit(struct net *n, const struct proto_op *op, const char **why)
{
	struct replica	*r = &n->replica;
	int64_t		 now = net_now_ms();
	int		 code;
	uint32_t	 id;

	if (r->me == 0) {
		*why = "not connected yet";
		return REJECT_BAD;
	}
	if (r->stale)
		replica_predict(r, now);
	if ((code = model_check(r->view, r->me, op, now, why)) != 0)
		return code;
	id = replica_add_pending(r, ++n->next_op_id, op);
	/* A card still being added is named by its op until it has a seq. */
	replica_link_newest(r);
	net_send_ready(n);
	replica_predict(r, now);
	(void)id;
	return 0;
}

/* Changes not yet confirmed by the server. */
size_t
net_unsent(const struct net *n)
{
	return n->replica.npending;
}

/* Where we connect, for messages: the socket's path or HOST:PORT. */
void
net_where(const struct client_opts *o, char *buf, size_t len)
{
	if (o->host == NULL)
		snprintf(buf, len, "%s", o->socket_path != NULL ?
		    o->socket_path : "?");
	else if (strchr(o->host, ':') != NULL)
		snprintf(buf, len, "[%s]:%s", o->host, o->port);
	else
		snprintf(buf, len, "%s:%s", o->host, o->port);
}

/* What n->problem means for the user, translated, with the address. */
void
net_problem_text(const struct net *n, char *buf, size_t len)
{
	const struct client_opts *o = n->opts;
	const char	*d = n->problem_detail;
	char		 where[300], *known;

	net_where(o, where, sizeof where);
	switch (n->problem) {
	case NET_P_NONE:
		snprintf(buf, len, "%s", d);
		break;
	case NET_P_NO_SOCKET:
		snprintf(buf, len, _("No cafeboard server is listening on %s: "
		    "the socket does not exist. The server is not started yet "
		    "(systemctl start cafeboard), or --socket names another "
		    "path."), where);
		break;
	case NET_P_DENIED:
		snprintf(buf, len, _("Permission denied on %s: this account "
		    "may not connect to the server's socket. Start the server "
		    "with --socket-group set to a group of this account and "
		    "--socket-mode 0660."), where);
		break;
	case NET_P_REFUSED:
		if (o->host == NULL)
			snprintf(buf, len, _("Nobody answers on %s: the server "
			    "that made this socket has stopped. Start it again "
			    "(systemctl start cafeboard)."), where);
		else
			snprintf(buf, len, _("%s refused the connection: no "
			    "cafeboard server listens there. Check the address "
			    "and the port (7117 in clear, 7118 with --tls) and "
			    "that the server runs with --listen or "
			    "--tls-listen."), where);
		break;
	case NET_P_RESOLVE:
		snprintf(buf, len, _("Cannot find the host %s (%s): check its "
		    "name, or use its IP address."), o->host, d);
		break;
	case NET_P_TIMEOUT:
		snprintf(buf, len, _("The server at %s does not answer (%s). "
		    "Check the address, and that this computer is on the "
		    "server's network."), where, d);
		break;
	case NET_P_CLOSED:
		snprintf(buf, len, _("The server at %s closed the connection "
		    "before answering (%s). If this is its TLS port, add "
		    "--tls."), where, d);
		break;
	case NET_P_TLS:
		snprintf(buf, len, _("The TLS connection to %s failed (%s). "
		    "Check that this is the server's TLS port (--tls-listen, "
		    "7118 by default); to a port in clear, leave out --tls."),
		    where, d);
		break;
	case NET_P_TLS_ONLY:
		snprintf(buf, len, _("The server at %s speaks TLS on this "
		    "port: add --tls (and --pin with the fingerprint the "
		    "server printed)."), where);
		break;
	case NET_P_TLS_UNKNOWN:
		known = trust_known_path();
		snprintf(buf, len, _("The server at %s shows a certificate "
		    "this computer has never seen. Its SHA-256 fingerprint "
		    "is:\n%s\nCompare it with the one the server printed when "
		    "it started (ask the facilitator). If they are the same, "
		    "trust it (it is then remembered in %s), or give it with "
		    "--pin."), where, n->peer_fp,
		    known);
		free(known);
		break;
	case NET_P_TLS_MISMATCH:
		known = trust_known_path();
		snprintf(buf, len, _("The server at %s shows another "
		    "certificate than the one expected: someone may be "
		    "impersonating it. Refused.\nIt shows:\n%s\nExpected "
		    "(%s):\n%s\nIf the server's certificate really changed, "
		    "ask for the new fingerprint and give it with --pin."),
		    where, n->peer_fp, o->pin != NULL ? "--pin" : known,
		    n->expected_fp);
		free(known);
		break;
	case NET_P_KEY_PLAIN:
		snprintf(buf, len, _("Refused to send the facilitator key in "
		    "clear to %s, beyond this computer: connect with --tls to "
		    "the server's --tls-listen port, or add --insecure on a "
		    "network you trust."), where);
		break;
	case NET_P_SPAWN:
		snprintf(buf, len, _("No server to join: %s"), d);
		break;
	case NET_P_OTHER:
		snprintf(buf, len, _("Cannot connect to %s: %s."), where, d);
		break;
	}
}

/* The board as this user sees it (confirmed plus pending). */
struct model *
net_view(struct net *n)
{
	return replica_view(&n->replica, net_now_ms());
}

/* My participant record, NULL before WELCOME. */
const struct model_participant *
net_me(struct net *n)
{
	if (n->replica.me == 0)
		return NULL;
	return model_participant(net_view(n), n->replica.me);
}

/* True if I am a facilitator now (roles change during a session). */
bool
net_is_facilitator(struct net *n)
{
	const struct model_participant	*me = net_me(n);

	if (me != NULL)
		return me->role == ROLE_FACILITATOR;
	return n->replica.me != 0 && n->replica.my_role == ROLE_FACILITATOR;
}
