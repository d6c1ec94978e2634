/*
 * server.c -- the loop: listeners, signals, and one housekeeping step per
 * pass of the event loop.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <openssl/ssl.h>

#include <errno.h>
#include <grp.h>
#include <malloc.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint.h"
#include "hostport.h"
#include "i18n.h"
#include "server.h"
#include "xmalloc.h"

#define SERVER_TICK_MS		1000	/* keepalive scan */
#define SERVER_BATCH_SYNC_MS	100	/* --fsync batch */
#define SERVER_ACCEPTS_PER_PASS	64	/* then the others' input first */
#define SERVER_ACCEPT_REST_MS	100	/* out of descriptors: wait */

/* Wall-clock milliseconds: event times and the round's clock. */
int64_t
server_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True if some TCP listener accepts connections from beyond loopback. */
bool
server_public(const struct server *s)
{
	return s->public_listen;
}

/* Ask the loop to close down after this pass. */
void
server_quit(struct server *s)
{
	s->quitting = true;
}

/* Stop (or start again) accepting on every listener. */
static void
server_pause_listeners(struct server *s, bool pause)
{
	size_t	i;

	if (s->listeners_paused == pause)
		return;
	for (i = 0; i < s->nlisteners; i++) {
		if (pause)
			evconnlistener_disable(s->listeners[i]);
		else
			evconnlistener_enable(s->listeners[i]);
	}
	s->listeners_paused = pause;
}

/*
 * A new connection on a listener: plain, or TLS (the handshake runs
 * before the first frame is read; a peer that does not speak TLS fails it
 * and is closed without a byte of the protocol).
 */
static void
server_accept(struct server *s, evutil_socket_t fd, struct sockaddr *sa,
    int salen, bool tls)
{
	struct client_conn	*c;
	struct bufferevent	*bev;
	bool			 tcp = sa != NULL && sa->sa_family != AF_UNIX;
	int			 one = 1;

	/*
	 * libevent accepts until the backlog is empty: under a flood of
	 * connections that would be forever, and nobody's HELLO would be
	 * read.  After a few, the listeners pause until housekeeping.
	 */
	if (++s->accepts >= SERVER_ACCEPTS_PER_PASS)
		server_pause_listeners(s, true);
	evutil_make_socket_closeonexec(fd);
	/*
	 * Small frames, often several in a row: without this, Nagle's
	 * algorithm holds each one back until the peer's delayed ACK, 40 ms.
	 */
	if (tcp && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof one) == -1)
		log_warn("TCP_NODELAY: %s", strerror(errno));
	if (tls) {
		bev = bufferevent_openssl_socket_new(s->base, fd,
		    tls_server_session(s->tls_ctx), BUFFEREVENT_SSL_ACCEPTING,
		    BEV_OPT_CLOSE_ON_FREE);
		if (bev != NULL)
			bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else
		bev = bufferevent_socket_new(s->base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatalx("cannot make a bufferevent for a connection");
	c = client_conn_new(s, bev, sa, (socklen_t)salen, tcp);
	/* TLS has its own records: only libevent writes through it. */
	c->direct = !tls;
	if (tcp && s->cfg->max_conns_per_peer > 0 &&
	    client_conn_count_peer(s, c->peer_addr) >
	    s->cfg->max_conns_per_peer) {
		client_conn_error(c, ERROR_FULL, "too many connections from "
		    "your address");
		return;
	}
	/*
	 * Over a limit, the oldest connection still to say HELLO makes way;
	 * only when there is none is the newcomer refused.
	 */
	if (s->cfg->max_hello > 0 && s->nhello > s->cfg->max_hello &&
	    !client_conn_make_way(s, c)) {
		client_conn_error(c, ERROR_FULL, "too many connections are "
		    "starting");
		return;
	}
	if (s->cfg->max_conns > 0 && s->nconns > s->cfg->max_conns &&
	    !client_conn_make_way(s, c)) {
		client_conn_error(c, ERROR_FULL, "the server has too many "
		    "connections");
		return;
	}
}

/* A new connection on a plain listener (Unix socket or TCP). */
static void
server_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	(void)l;
	server_accept(arg, fd, sa, salen, false);
}

/* A new connection on a TLS listener. */
static void
server_accept_tls_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	(void)l;
	server_accept(arg, fd, sa, salen, true);
}

/*
 * A listener failed.  Out of descriptors, the connection waits in the
 * backlog: the oldest one still to say HELLO makes way, and the listeners
 * rest until the next pass rather than fail again at once.
 */
static void
server_accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct server	*s = arg;
	int		 e = EVUTIL_SOCKET_ERROR();

	(void)l;
	log_limited(&s->accept_log, LOG_LVL_ERROR, "accept: %s",
	    evutil_socket_error_to_string(e));
	if (e == EMFILE || e == ENFILE) {
		client_conn_make_way(s, NULL);
		server_pause_listeners(s, true);
		s->accept_rest_until_ms = server_now_ms() + SERVER_ACCEPT_REST_MS;
	}
}

/*
 * As many descriptors as --max-conns needs, within the hard limit (the
 * usual soft limit of 1024 would stop accepting before --max-conns).
 */
static void
server_raise_nofile(const struct server_config *cfg)
{
	struct rlimit	rl;
	rlim_t		want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	want = cfg->max_conns > 0 ? (rlim_t)cfg->max_conns + 64 : rl.rlim_max;
	if (want > rl.rlim_max)
		want = rl.rlim_max;
	if (want <= rl.rlim_cur)
		return;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		log_warn("cannot raise the descriptor limit to %llu: %s",
		    (unsigned long long)want, strerror(errno));
}

/*
 * Give the socket its mode and group: who may connect to a Unix socket is
 * who may write to it.  The participants' SSH account reaches the server
 * this way, through a group, without reading anything of the server's.
 */
static int
server_socket_access(struct server *s, const char *path)
{
	struct group	*gr;
	mode_t		 mode = s->cfg->socket_mode >= 0 ?
			    (mode_t)s->cfg->socket_mode : 0600;

	if (s->cfg->socket_group != NULL) {
		if ((gr = getgrnam(s->cfg->socket_group)) == NULL) {
			log_error("--socket-group %s: no such group",
			    s->cfg->socket_group);
			return -1;
		}
		if (chown(path, (uid_t)-1, gr->gr_gid) == -1) {
			log_error("--socket-group %s: chown %s: %s",
			    s->cfg->socket_group, path, strerror(errno));
			return -1;
		}
	}
	if (chmod(path, mode) == -1) {
		log_error("--socket-mode: chmod %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Bind the Unix socket, replacing a stale one but never a live server's. */
static int
server_listen_unix(struct server *s, const char *path)
{
	struct sockaddr_un	 sun;
	struct evconnlistener	*l;
	char			*dir, *slash, err[256];
	int			 fd, rc;
	mode_t			 mask;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		log_error("socket path too long: %s", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (store_mkdirs(dir, err, sizeof err) != 0) {
			log_error("%s", err);
			free(dir);
			return -1;
		}
	}
	free(dir);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0) {
		log_error("another cafeboard-server is running on %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	unlink(path);

	/* Nobody may connect before the mode and group are right. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mask = umask(0177);
	rc = fd == -1 ? -1 : bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(mask);
	if (rc == -1) {
		log_error("bind %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (server_socket_access(s, path) != 0) {
		close(fd);
		unlink(path);
		return -1;
	}
	if (listen(fd, 128) == -1 || evutil_make_socket_nonblocking(fd) != 0) {
		log_error("listen %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	l = evconnlistener_new(s->base, server_accept_cb, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (l == NULL) {
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(l, server_accept_error_cb);
	s->listeners[s->nlisteners++] = l;
	s->unix_bound = true;
	log_info("listening on %s (mode %04o%s%s)", path,
	    s->cfg->socket_mode >= 0 ? (unsigned)s->cfg->socket_mode : 0600u,
	    s->cfg->socket_group != NULL ? ", group " : "",
	    s->cfg->socket_group != NULL ? s->cfg->socket_group : "");
	return 0;
}

/* Listen on every address HOST:PORT resolves to, in TLS if tls. */
static int
server_listen_tcp(struct server *s, const char *spec, bool tls)
{
	struct evutil_addrinfo	 hints, *res, *ai;
	struct evconnlistener	*l;
	char			 host[256], port[16], name[INET6_ADDRSTRLEN];
	const char		*opt = tls ? "--tls-listen" : "--listen";
	int			 rc, n = 0, pnum;

	if (hostport_split(spec, tls ? SERVER_TLS_PORT : PROTO_DEFAULT_PORT,
	    host, sizeof host, &pnum) != 0) {
		log_error("%s %s: expected HOST:PORT", opt, spec);
		return -1;
	}
	if (host[0] == '\0')
		snprintf(host, sizeof host, "0.0.0.0");
	snprintf(port, sizeof port, "%d", pnum);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
	if ((rc = evutil_getaddrinfo(host, port, &hints, &res)) != 0) {
		log_error("%s %s: %s", opt, spec, evutil_gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (s->nlisteners >= 2 * SERVER_MAX_LISTEN)
			break;
		l = evconnlistener_new_bind(s->base, tls ?
		    server_accept_tls_cb : server_accept_cb, s,
		    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
		    LEV_OPT_REUSEABLE, 128, ai->ai_addr, (int)ai->ai_addrlen);
		if (ai->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)
			    (void *)ai->ai_addr)->sin_addr, name, sizeof name);
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)
			    (void *)ai->ai_addr)->sin6_addr, name, sizeof name);
		if (l == NULL) {
			log_error("%s %s: cannot bind %s port %s: %s",
			    opt, spec, name, port, strerror(errno));
			continue;
		}
		evconnlistener_set_error_cb(l, server_accept_error_cb);
		s->listeners[s->nlisteners++] = l;
		if (!hostport_loopback_addr(ai->ai_addr)) {
			s->public_listen = true;
			if (!tls) {
				s->plain_public = true;
				log_warn("--listen %s: plain TCP on %s port %s "
				    "is not encrypted: anyone on the network "
				    "can read the boards and the facilitator "
				    "key; use --tls-listen", spec, name, port);
			}
		}
		log_info("listening on %s port %s%s", name, port,
		    tls ? " (TLS)" : "");
		n++;
	}
	evutil_freeaddrinfo(res);
	return n > 0 ? 0 : -1;
}

/* SIGTERM, SIGINT: close gracefully; SIGHUP: reopen the log file. */
static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server	*s = arg;

	(void)what;
	if (sig == SIGHUP) {
		if (log_reopen() != 0)
			log_error("cannot reopen the log file");
		log_info("log file reopened");
		return;
	}
	log_info("signal %d: closing down", (int)sig);
	server_quit(s);
	event_base_loopbreak(s->base);
}

/*
 * After a storm of catch-ups, give back to the system the memory the
 * allocator holds free: their output went out in small blocks, which stay
 * in the heap between live ones otherwise (issue 9.10: 281 MB after 997
 * catch-ups had ended).  Done once every output has drained (what is
 * still queued would be freed after the trim), so at the first quiet tick.
 */
static void
server_trim(struct server *s)
{
	struct client_conn	*c;
	size_t			 queued = 0;

	if (!s->trim_due)
		return;
	TAILQ_FOREACH(c, &s->conns, entry) {
		if (c->state == CONN_CATCHUP)
			return;
		if (c->bev == NULL)
			continue;	/* one of a relay's people */
		queued += evbuffer_get_length(bufferevent_get_output(c->bev));
		if (queued > SERVER_BUF_KEEP)
			return;
	}
	s->trim_due = false;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/*
 * Once a second: keepalive and HELLO deadlines, the wrong join codes each
 * board's budget allows, the count of bursts of repeated errors.
 */
static void
server_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server		*s = arg;
	struct client_conn	*c, *next;
	struct board		*b;
	int64_t			 now = server_now_ms();

	(void)fd;
	(void)what;
	for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		client_conn_tick(c, now);
	}
	TAILQ_FOREACH(b, &s->boards, entry) {
		client_conn_answer_guesses(b, now);
		log_limit_flush(&b->store_log);
		log_limit_flush(&b->snap_log);
	}
	log_limit_flush(&s->key_log);
	log_limit_flush(&s->store_log);
	log_limit_flush(&s->accept_log);
	server_trim(s);
}

/* --fsync batch: sync every board with unsynced events. */
static void
server_batch_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*s = arg;
	struct board	*b;

	(void)fd;
	(void)what;
	TAILQ_FOREACH(b, &s->boards, entry) {
		if (b->log != NULL && evlog_dirty(b->log) &&
		    evlog_sync(b->log) != 0)
			fatalx("board %s: fsync of the log failed; stopping "
			    "rather than acknowledging changes that may be "
			    "lost", b->name);
	}
}

/* Events sequenced and not yet sent, over every board. */
static uint64_t
server_unsent(const struct server *s)
{
	const struct board	*b;
	uint64_t		 n = 0;

	TAILQ_FOREACH(b, &s->boards, entry) {
		if (b->model != NULL && b->model->head >= b->fanout_from)
			n += b->model->head - b->fanout_from + 1;
	}
	return n;
}

/*
 * Before a pass that has events to send, take what the clients have
 * already sent too: up to SERVER_GATHER_TURNS more turns of the loop that
 * do not wait, until one sequences nothing more.  A pass costs each live
 * connection one write whatever the number of events in it, and a turn
 * reads at most 4 kB from a connection (libevent 2.1), about 60 card.adds:
 * under load, a pass then carries several turns' events at once.  A quiet
 * board sees no difference: a turn that made no event ends it at once.
 */
static void
server_gather(struct server *s)
{
	uint64_t	unsent = server_unsent(s), now;
	int		i;

	for (i = 0; i < SERVER_GATHER_TURNS && unsent > 0 && !s->quitting;
	    i++) {
		event_base_loop(s->base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
		if ((now = server_unsent(s)) == unsent)
			break;
		unsent = now;
	}
}

/*
 * Step 1 of a pass for board b: write the pass's events to its log in one
 * write, and sync them with --fsync always.  Either failing stops the
 * server: the events are applied already, and nobody may hear of them
 * unless they are stored (each client resends what was not confirmed).
 */
static void
server_store_pass(struct server *s, struct board *b)
{
	char	err[512];

	if (b->log != NULL && evlog_flush(b->log, err, sizeof err) != 0)
		fatalx("board %s: writing the log failed (%s); stopping rather "
		    "than acknowledging changes that are not stored", b->name,
		    err);
	if (b->needs_sync && s->cfg->fsync == EVLOG_SYNC_ALWAYS &&
	    evlog_sync(b->log) != 0)
		fatalx("board %s: fsync of the log failed; stopping rather "
		    "than acknowledging changes that may be lost", b->name);
	b->needs_sync = false;
}

/*
 * The per-pass housekeeping, in this order and for these reasons:
 *   1. write and sync the logs: an event is on disk before anyone is
 *      told of it;
 *   2. send the events of this pass to live connections;
 *   3. catch up the connections whose HELLO came in this pass (their
 *      replay or state already covers the events of step 2), make them
 *      live and handle the frames they sent meanwhile -- which may make
 *      new events, hence the loop;
 *   4. drop the connections that went over their output cap (ERROR 107):
 *      here, outside every broadcast, since leaving a board tells the
 *      others -- which may mark more, hence the loop too;
 *   5. a relay's work for its upstream (what waits goes up, the room
 *      hears of the link), after the catch-ups that may have queued ops;
 *   6. snapshots due, then free dead connections, which no callback can
 *      reach any more.
 */
static void
server_housekeeping(struct server *s)
{
	struct client_conn	*c, *next;
	struct board		*b;
	bool			 again;

	do {
		again = false;
		TAILQ_FOREACH(b, &s->boards, entry) {
			server_store_pass(s, b);
			board_flush(b);
		}
		for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
			next = TAILQ_NEXT(c, entry);
			/*
			 * Not while its board has events a resume just made:
			 * they are not synced yet (next round, after step 1);
			 * nor while a mirror has no board to serve yet.
			 */
			if (c->state != CONN_CATCHUP ||
			    c->board->fanout_from <= c->board->model->head ||
			    !board_ready(c->board))
				continue;
			client_conn_catchup(c);
			client_conn_resume(c);
			again = true;
		}
		if (client_conn_drop_marked(s))
			again = true;
		TAILQ_FOREACH(b, &s->boards, entry) {
			if (b->fanout_from <= b->model->head)
				again = true;
		}
	} while (again);

	if (s->cfg->upstream != NULL)
		upstream_housekeeping(s);
	TAILQ_FOREACH(b, &s->boards, entry)
		board_snapshot(b, false);
	while ((c = TAILQ_FIRST(&s->dead)) != NULL) {
		TAILQ_REMOVE(&s->dead, c, entry);
		client_conn_free(c);
	}
	/* A new pass, new connections (after a rest when out of fds). */
	s->accepts = 0;
	if (!s->quitting && server_now_ms() >= s->accept_rest_until_ms)
		server_pause_listeners(s, false);
}

/* Load every board in the data directory (their timers must run). */
static void
server_load_boards(struct server *s)
{
	char	**names, err[256];
	size_t	  n, i;

	if (store_list(s->cfg->data_dir, &names, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		uint32_t ecode;
		struct board *b = board_find(s, names[i], false, err,
		    sizeof err, &ecode);

		if (b != NULL && !b->broken && server_public(s) &&
		    b->model->settings.code[0] == '\0')
			log_warn("board %s has no join code and the server "
			    "listens beyond loopback: anyone who can reach it "
			    "can join", b->name);
		free(names[i]);
	}
	free(names);
}

/* Route libevent's own messages into our log. */
static void
server_libevent_log(int severity, const char *msg)
{
	log_msg(severity >= EVENT_LOG_ERR ? LOG_LVL_ERROR :
	    severity == EVENT_LOG_WARN ? LOG_LVL_WARN : LOG_LVL_DEBUG,
	    "libevent: %s", msg);
}

/* Close down: tell everyone (ERROR 106), sync, snapshot, release. */
static void
server_shutdown(struct server *s)
{
	struct client_conn	*c, *next;
	struct board		*b;
	size_t			 i;

	for (i = 0; i < s->nlisteners; i++)
		evconnlistener_free(s->listeners[i]);
	s->nlisteners = 0;
	if (s->unix_bound)
		unlink(s->cfg->socket_path);
	/* Events of the last pass go out before the goodbye. */
	server_housekeeping(s);
	for (c = TAILQ_FIRST(&s->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		client_conn_error(c, ERROR_SHUTDOWN, NULL);
	}
	/* Let the ERRORs drain, briefly. */
	for (i = 0; i < 50 && !TAILQ_EMPTY(&s->conns); i++) {
		event_base_loop(s->base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
		usleep(10000);
	}
	while ((c = TAILQ_FIRST(&s->conns)) != NULL)
		client_conn_lost(c);
	while ((b = TAILQ_FIRST(&s->boards)) != NULL) {
		TAILQ_REMOVE(&s->boards, b, entry);
		if (b->log != NULL && evlog_sync(b->log) != 0)
			log_error("board %s: final fsync failed", b->name);
		board_snapshot(b, true);
		board_free(b);
	}
	while ((c = TAILQ_FIRST(&s->dead)) != NULL) {
		TAILQ_REMOVE(&s->dead, c, entry);
		client_conn_free(c);
	}
}

/*
 * The TLS listeners' certificate: the administrator's, or one made in the
 * data directory on first start.  Its fingerprint is printed at every
 * start, as people pin it by that: on stderr for whoever starts the
 * server, and in the log for whoever reads it later.
 */
static int
server_tls_setup(struct server *s)
{
	struct server_config	*cfg = s->cfg;
	char			 err[512], fp[FINGERPRINT_TEXT];
	bool			 made = false, given = cfg->tls_cert != NULL;

	if (cfg->tls_cert == NULL)
		xasprintf(&cfg->tls_cert, "%s/tls-cert.pem", cfg->data_dir);
	if (cfg->tls_key == NULL)
		xasprintf(&cfg->tls_key, "%s/tls-key.pem", cfg->data_dir);
	s->tls_ctx = tls_server_ctx(cfg->tls_cert, cfg->tls_key,
	    given ? NULL : &made, fp, err, sizeof err);
	if (s->tls_ctx == NULL) {
		fprintf(stderr, _("cafeboard-server: %s\n"), err);
		if (cfg->log_target != LOG_TO_STDERR)
			log_error("cannot use the TLS certificate %s",
			    cfg->tls_cert);
		return -1;
	}
	if (made) {
		fprintf(stderr, _("cafeboard-server: a new TLS certificate was "
		    "written to %s and its key to %s (mode 0600).\n"),
		    cfg->tls_cert, cfg->tls_key);
		log_info("created the TLS certificate %s", cfg->tls_cert);
	}
	fprintf(stderr, _("cafeboard-server: TLS certificate SHA-256 "
	    "fingerprint:\n  %s\n  Clients check it with: cafeboard --connect "
	    "HOST --tls --pin %s\n"), fp, fp);
	log_info("TLS certificate %s, SHA-256 fingerprint %s", cfg->tls_cert,
	    fp);
	return 0;
}

/* The facilitator key: read, or made on first start and said; 0 or -1. */
static int
server_key(struct server *s)
{
	const struct server_config	*cfg = s->cfg;
	char				 err[512];
	bool				 created;

	if (keyfile_load(cfg->key_file, cfg->upstream == NULL &&
	    !cfg->key_file_given, s->key, sizeof s->key, &created, err,
	    sizeof err) != 0) {
		/*
		 * Whoever starts the server reads why, in their language; a
		 * log elsewhere gets the fact in English, as every log line.
		 */
		fprintf(stderr, _("cafeboard-server: %s\n"), err);
		if (cfg->upstream != NULL)
			fprintf(stderr, "%s", _("cafeboard-server: a relay "
			    "(--upstream) presents the facilitator key of the "
			    "board's server: give it with --key-file\n"));
		if (cfg->log_target != LOG_TO_STDERR)
			log_error("cannot use the facilitator key %s",
			    cfg->key_file);
		return -1;
	}
	if (created) {
		fprintf(stderr, _("cafeboard-server: a new facilitator key was "
		    "written to %s (mode 0600).\n  Facilitators join with: "
		    "cafeboard --key-file %s ...\n  Keep it secret: it gives "
		    "every facilitator right on every board.\n"), cfg->key_file,
		    cfg->key_file);
		log_info("created the facilitator key %s", cfg->key_file);
	}
	return 0;
}

/* Every listener the options name (TCP, TLS, the Unix socket); 0 or -1. */
static int
server_listen_all(struct server *s)
{
	const struct server_config	*cfg = s->cfg;
	size_t				 i;

	for (i = 0; i < cfg->nlisten; i++) {
		if (server_listen_tcp(s, cfg->listen[i], false) != 0)
			return -1;
	}
	for (i = 0; i < cfg->ntls_listen; i++) {
		if (server_listen_tcp(s, cfg->tls_listen[i], true) != 0)
			return -1;
	}
	if (cfg->socket_path != NULL && cfg->socket_path[0] != '\0' &&
	    server_listen_unix(s, cfg->socket_path) != 0)
		return -1;
	if (s->nlisteners == 0) {
		log_error("nothing to listen on");
		return -1;
	}
	if (server_public(s))
		log_warn("listening beyond loopback: set a join code on every "
		    "board (settings or the board file's code: line)");
	return 0;
}

/* The signals the server answers: stop, stop, reopen the log. */
static const int	server_sigs[] = { SIGTERM, SIGINT, SIGHUP };
#define SERVER_NSIGS	(sizeof server_sigs / sizeof server_sigs[0])

/* The signals, the housekeeping tick and (fsync batch) the sync timer. */
static void
server_timers(struct server *s)
{
	struct timeval	tv;
	size_t		i;

	for (i = 0; i < SERVER_NSIGS; i++) {
		s->sig_ev[i] = evsignal_new(s->base, server_sigs[i],
		    server_signal_cb, s);
		evsignal_add(s->sig_ev[i], NULL);
	}
	s->tick_ev = event_new(s->base, -1, EV_PERSIST, server_tick_cb, s);
	tv.tv_sec = SERVER_TICK_MS / 1000;
	tv.tv_usec = 0;
	event_add(s->tick_ev, &tv);
	if (s->cfg->fsync == EVLOG_SYNC_BATCH) {
		s->batch_ev = event_new(s->base, -1, EV_PERSIST,
		    server_batch_cb, s);
		tv.tv_sec = 0;
		tv.tv_usec = SERVER_BATCH_SYNC_MS * 1000;
		event_add(s->batch_ev, &tv);
	}
}

/* Free what server_run made, whatever the point it reached. */
static void
server_free(struct server *s)
{
	struct board	*b;
	size_t		 i;

	for (i = 0; i < s->nlisteners; i++)
		evconnlistener_free(s->listeners[i]);
	for (i = 0; i < SERVER_NSIGS; i++)
		if (s->sig_ev[i] != NULL)
			event_free(s->sig_ev[i]);
	if (s->tick_ev != NULL)
		event_free(s->tick_ev);
	if (s->batch_ev != NULL)
		event_free(s->batch_ev);
	while ((b = TAILQ_FIRST(&s->boards)) != NULL) {
		TAILQ_REMOVE(&s->boards, b, entry);
		board_free(b);
	}
	upstream_end(s);
	if (s->dns != NULL)
		evdns_base_free(s->dns, 0);
	if (s->base != NULL)
		event_base_free(s->base);
	if (s->tls_ctx != NULL)
		tls_server_free(s->tls_ctx);
	proto_buf_free(&s->scratch);
	proto_buf_free(&s->out);
	proto_buf_free(&s->bcast);
	proto_buf_free(&s->snap);
	board_flush_buf_free(&s->flush);
}

/* Serve until a signal says stop.  Returns the exit status. */
int
server_run(struct server_config *cfg)
{
	struct server	s;
	char		err[512];
	int		rc = 1;

	memset(&s, 0, sizeof s);
	s.cfg = cfg;
	TAILQ_INIT(&s.conns);
	TAILQ_INIT(&s.hello);
	TAILQ_INIT(&s.dead);
	TAILQ_INIT(&s.boards);
	proto_buf_init(&s.scratch);
	proto_buf_init(&s.out);
	proto_buf_init(&s.bcast);
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit refuses a change (EFBIG) as a full disk does. */
	signal(SIGXFSZ, SIG_IGN);
	event_set_log_callback(server_libevent_log);

	if (store_mkdirs(cfg->data_dir, err, sizeof err) != 0) {
		log_error("data directory: %s", err);
		return 1;
	}
	if (server_key(&s) != 0 ||
	    (cfg->ntls_listen > 0 && server_tls_setup(&s) != 0))
		goto out;
	server_raise_nofile(cfg);
	if ((s.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if (cfg->upstream != NULL && (s.dns = evdns_base_new(s.base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) == NULL)
		log_warn("no name resolution: --upstream takes an address");
	if (server_listen_all(&s) != 0)
		goto out;
	server_timers(&s);
	if (cfg->upstream == NULL) {
		server_load_boards(&s);
		log_info("cafeboard-server %s ready (data %s)", CB_VERSION,
		    cfg->data_dir);
	} else
		log_info("cafeboard-server %s ready, a relay of %s", CB_VERSION,
		    cfg->upstream);
	while (!s.quitting) {
		event_base_loop(s.base, EVLOOP_ONCE);
		server_gather(&s);
		server_housekeeping(&s);
	}
	server_shutdown(&s);
	log_info("stopped");
	rc = 0;
out:
	server_free(&s);
	return rc;
}
