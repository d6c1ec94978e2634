/*
 * shaper.c -- a shaped link between a room and a server: TCP in, TCP out,
 * a rate and a one-way delay each way, and a cut that can be restored.
 *
 *   shaper --to HOST:PORT [--listen PORT] [--rate BITS] [--delay MS]
 *          [--buffer BYTES] [--control PATH]
 *
 * Every connection accepted on 127.0.0.1:PORT (0, the default: any free
 * port) is relayed to HOST:PORT.  All connections share one link per
 * direction, as a room shares its uplink: bytes are serialised at --rate
 * bits per second (default 64000) in the order they arrived, then arrive
 * --delay ms later (default 300).  While more than --buffer bytes (default
 * 32768) wait to be serialised in a direction, nothing more is read in
 * that direction, so TCP's own flow control pushes back on the senders as
 * a full router queue would.  Prints the port on stdout once listening.
 *
 * A cut stops the link both ways (no byte moves, no connection is
 * accepted; the connections stay open, as when a Wi-Fi bridge drops);
 * restore resumes it where it was.  SIGUSR1 cuts, SIGUSR2 restores.  The
 * control socket (--control, a Unix stream socket) takes one command per
 * line and answers one line:
 *
 *   cut | restore   "ok"
 *   reset           closes every relayed connection now (RST); "ok"
 *   stats           "up BYTES down BYTES conns N cut 0|1" (bytes that
 *                   entered the link from the room, and from the server)
 *
 * A test program: the end-to-end tests and benchmarks of a room behind a
 * weak link use it (tests/test_shaper.c checks it).
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHAPER_CHUNK	1460	/* bytes read at once: one segment */
#define SHAPER_MAX_FDS	1024

enum { UP, DOWN };		/* room -> server, server -> room */

/* Bytes waiting to be written to one side of a pair. */
struct shaper_out {
	uint8_t		*data;
	size_t		 len, cap;
	bool		 eof;		/* shut it down once written */
};

/* One relayed connection: the room side and the server side. */
struct shaper_pair {
	int			 fd[2];		/* [UP]: room, [DOWN]: server */
	bool			 connecting;	/* server side not up yet */
	bool			 rd_eof[2];	/* no more to read from fd[i] */
	bool			 dead;
	struct shaper_out	 out[2];	/* to write to fd[i] */
	struct shaper_pair	*next;
};

/* Bytes in flight on a link. */
struct shaper_chunk {
	struct shaper_pair	*pair;
	int64_t			 at;		/* arrives */
	size_t			 len;		/* 0: end of stream */
	struct shaper_chunk	*next;
	uint8_t			 data[];
};

/* One direction of the link. */
struct shaper_link {
	struct shaper_chunk	*head, *tail;
	int64_t			 free_at;	/* the line is free again */
	uint64_t		 bytes;		/* entered in all */
};

static struct {
	struct sockaddr_storage	 to;
	socklen_t		 tolen;
	int			 listen_fd;
	int			 control_fd;
	int			 ctl[8];
	int			 nctl;
	unsigned		 turn;		/* where a pass starts reading */
	double			 rate;		/* bytes per microsecond */
	int64_t			 delay;		/* microseconds */
	int64_t			 buffer;	/* bytes */
	struct shaper_link	 link[2];
	struct shaper_pair	*pairs;
	bool			 cut;
	int64_t			 cut_at;
} S;

static volatile sig_atomic_t	shaper_sig_cut, shaper_sig_restore;
static volatile sig_atomic_t	shaper_sig_quit;

/* Microseconds on the monotonic clock. */
static int64_t
shaper_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Say why and exit. */
static void
shaper_fatal(const char *what, const char *why)
{
	fprintf(stderr, "shaper: %s: %s\n", what, why);
	exit(1);
}

/* Remember a signal for the loop. */
static void
shaper_signal(int sig)
{
	if (sig == SIGUSR1)
		shaper_sig_cut = 1;
	else if (sig == SIGUSR2)
		shaper_sig_restore = 1;
	else
		shaper_sig_quit = 1;
}

/* Make fd non-blocking. */
static void
shaper_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Append bytes to an output buffer. */
static void
shaper_out_add(struct shaper_out *o, const uint8_t *p, size_t len)
{
	if (o->cap - o->len < len) {
		o->cap = (o->len + len) * 2;
		if ((o->data = realloc(o->data, o->cap)) == NULL)
			shaper_fatal("realloc", strerror(errno));
	}
	memcpy(o->data + o->len, p, len);
	o->len += len;
}

/* Close both sides of a pair at once (RST when hard). */
static void
shaper_pair_kill(struct shaper_pair *p, bool hard)
{
	struct linger	l = { 1, 0 };
	int		i;

	if (p->dead)
		return;
	for (i = 0; i < 2; i++) {
		if (p->fd[i] == -1)
			continue;
		if (hard)
			setsockopt(p->fd[i], SOL_SOCKET, SO_LINGER, &l,
			    sizeof l);
		close(p->fd[i]);
		p->fd[i] = -1;
	}
	p->dead = true;
}

/* Free dead pairs no chunk refers to any more. */
static void
shaper_pairs_reap(void)
{
	struct shaper_pair	**pp = &S.pairs, *p;
	struct shaper_chunk	 *c;
	bool			  used;
	int			  d, i;

	while ((p = *pp) != NULL) {
		used = false;
		for (d = 0; d < 2 && p->dead; d++)
			for (c = S.link[d].head; c != NULL; c = c->next)
				if (c->pair == p)
					used = true;
		if (!p->dead || used) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		for (i = 0; i < 2; i++)
			free(p->out[i].data);
		free(p);
	}
}

/* Accept a room connection and start connecting to the server. */
static void
shaper_accept(void)
{
	struct shaper_pair	*p;
	int			 fd, sfd, one = 1;

	if ((fd = accept(S.listen_fd, NULL, NULL)) == -1)
		return;
	shaper_nonblock(fd);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((sfd = socket(S.to.ss_family, SOCK_STREAM, 0)) == -1) {
		close(fd);
		return;
	}
	shaper_nonblock(sfd);
	setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((p = calloc(1, sizeof *p)) == NULL)
		shaper_fatal("calloc", strerror(errno));
	p->fd[UP] = fd;
	p->fd[DOWN] = sfd;
	p->connecting = true;
	if (connect(sfd, (struct sockaddr *)&S.to, S.tolen) == 0)
		p->connecting = false;
	else if (errno != EINPROGRESS)
		shaper_pair_kill(p, false);
	p->next = S.pairs;
	S.pairs = p;
}

/* True when direction d may take more bytes now. */
static bool
shaper_link_open(int d, int64_t now)
{
	int64_t	queued = S.link[d].free_at - now;

	return !S.cut && (queued <= 0 || (double)queued * S.rate <
	    (double)S.buffer);
}

/* Put len bytes read from one side on link d (len 0: end of stream). */
static void
shaper_link_put(int d, struct shaper_pair *p, const uint8_t *data,
    size_t len, int64_t now)
{
	struct shaper_link	*l = &S.link[d];
	struct shaper_chunk	*c;
	int64_t			 start = l->free_at > now ? l->free_at : now;

	if ((c = malloc(sizeof *c + len)) == NULL)
		shaper_fatal("malloc", strerror(errno));
	memcpy(c->data, data, len);
	c->len = len;
	c->pair = p;
	c->next = NULL;
	l->free_at = start + (int64_t)((double)len / S.rate);
	c->at = l->free_at + S.delay;
	l->bytes += len;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

/* Write what waits for side i of p; false when the pair died. */
static bool
shaper_flush(struct shaper_pair *p, int i)
{
	struct shaper_out	*o = &p->out[i];
	ssize_t			 n;

	if (p->fd[i] == -1) {
		/* That side is gone: what was for it is dropped. */
		o->len = 0;
		o->eof = false;
		if (p->fd[i == UP ? DOWN : UP] == -1)
			shaper_pair_kill(p, false);
		return !p->dead;
	}
	while (o->len > 0 && !p->connecting) {
		n = send(p->fd[i], o->data, o->len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return true;
		if (n <= 0) {
			shaper_pair_kill(p, false);
			return false;
		}
		memmove(o->data, o->data + n, o->len - (size_t)n);
		o->len -= (size_t)n;
	}
	if (o->len == 0 && o->eof && !p->connecting) {
		shutdown(p->fd[i], SHUT_WR);
		o->eof = false;
		if (p->rd_eof[UP] && p->rd_eof[DOWN])
			shaper_pair_kill(p, false);
	}
	return true;
}

/* Deliver the chunks whose time has come (none while cut). */
static void
shaper_deliver(int64_t now)
{
	struct shaper_chunk	*c;
	struct shaper_pair	*p;
	int			 d, to;

	for (d = 0; d < 2 && !S.cut; d++) {
		while ((c = S.link[d].head) != NULL && c->at <= now) {
			S.link[d].head = c->next;
			if (S.link[d].head == NULL)
				S.link[d].tail = NULL;
			p = c->pair;
			/* Up goes to the server's side, down to the room's. */
			to = d == UP ? DOWN : UP;
			if (!p->dead) {
				if (c->len == 0)
					p->out[to].eof = true;
				else
					shaper_out_add(&p->out[to], c->data,
					    c->len);
				shaper_flush(p, to);
			}
			free(c);
		}
	}
}

/* Read from side i of p onto the link. */
static void
shaper_read(struct shaper_pair *p, int i, int64_t now)
{
	uint8_t	buf[SHAPER_CHUNK];
	ssize_t	n;
	int	d = i == UP ? UP : DOWN;

	/* The queue may have filled since the poll: it never overshoots. */
	if (!shaper_link_open(d, now))
		return;
	n = recv(p->fd[i], buf, sizeof buf, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		shaper_pair_kill(p, false);
		return;
	}
	if (n == 0)
		p->rd_eof[i] = true;
	shaper_link_put(d, p, buf, (size_t)n, now);
}

/* Answer one control command. */
static void
shaper_command(int fd, char *line)
{
	struct shaper_pair	*p;
	char			 reply[160];
	int			 n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "cut") == 0) {
		shaper_sig_cut = 1;
		snprintf(reply, sizeof reply, "ok\n");
	} else if (strcmp(line, "restore") == 0) {
		shaper_sig_restore = 1;
		snprintf(reply, sizeof reply, "ok\n");
	} else if (strcmp(line, "reset") == 0) {
		for (p = S.pairs; p != NULL; p = p->next)
			shaper_pair_kill(p, true);
		snprintf(reply, sizeof reply, "ok\n");
	} else if (strcmp(line, "stats") == 0) {
		for (p = S.pairs; p != NULL; p = p->next)
			n += !p->dead;
		snprintf(reply, sizeof reply, "up %llu down %llu conns %d "
		    "cut %d\n", (unsigned long long)S.link[UP].bytes,
		    (unsigned long long)S.link[DOWN].bytes, n,
		    S.cut || shaper_sig_cut);
	} else
		snprintf(reply, sizeof reply, "error unknown command\n");
	if (write(fd, reply, strlen(reply)) < 0)
		return;
}

/* Read a control connection: one command per line. */
static bool
shaper_control_read(int fd)
{
	char	buf[256];
	ssize_t	n;

	n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	shaper_command(fd, buf);
	return true;
}

/* Apply a cut or a restore asked by a signal or a command. */
static void
shaper_apply_signals(int64_t now)
{
	struct shaper_chunk	*c;
	int64_t			 gap;
	int			 d;

	if (shaper_sig_cut) {
		shaper_sig_cut = 0;
		if (!S.cut) {
			S.cut = true;
			S.cut_at = now;
		}
	}
	if (shaper_sig_restore) {
		shaper_sig_restore = 0;
		if (S.cut) {
			/* The link resumes where it stopped. */
			gap = now - S.cut_at;
			for (d = 0; d < 2; d++) {
				for (c = S.link[d].head; c != NULL; c = c->next)
					c->at += gap;
				if (S.link[d].free_at > S.cut_at)
					S.link[d].free_at += gap;
			}
			S.cut = false;
		}
	}
}

/* Parse HOST:PORT into S.to. */
static void
shaper_parse_to(const char *arg)
{
	struct addrinfo	 hints, *res;
	char		 host[256], *colon;

	snprintf(host, sizeof host, "%s", arg);
	if ((colon = strrchr(host, ':')) == NULL)
		shaper_fatal(arg, "HOST:PORT expected");
	*colon = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		shaper_fatal(arg, "cannot resolve");
	memcpy(&S.to, res->ai_addr, res->ai_addrlen);
	S.tolen = res->ai_addrlen;
	freeaddrinfo(res);
}

/* Listen on 127.0.0.1:port (0: any); the port. */
static int
shaper_listen(int port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			one = 1;

	if ((S.listen_fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		shaper_fatal("socket", strerror(errno));
	setsockopt(S.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(S.listen_fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(S.listen_fd, 256) != 0 ||
	    getsockname(S.listen_fd, (struct sockaddr *)&sin, &len) != 0)
		shaper_fatal("listen", strerror(errno));
	shaper_nonblock(S.listen_fd);
	return ntohs(sin.sin_port);
}

/* Listen for control connections on a Unix socket. */
static void
shaper_control_listen(const char *path)
{
	struct sockaddr_un	sun;

	if ((S.control_fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		shaper_fatal("socket", strerror(errno));
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	unlink(path);
	if (bind(S.control_fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(S.control_fd, 8) != 0)
		shaper_fatal(path, strerror(errno));
	shaper_nonblock(S.control_fd);
}

/* Milliseconds to wait in poll: until the next chunk is due. */
static int
shaper_timeout(int64_t now)
{
	int64_t	t = 1000000, d;
	int	i;

	for (i = 0; i < 2 && !S.cut; i++) {
		if (S.link[i].head != NULL && (d = S.link[i].head->at - now) <
		    t)
			t = d;
		/* A direction held back by a full queue opens again. */
		if (!shaper_link_open(i, now) && (d = S.link[i].free_at -
		    now - (int64_t)((double)S.buffer / S.rate)) < t)
			t = d;
	}
	if (t < 0)
		t = 0;
	return (int)((t + 999) / 1000);
}

/* One pass of the loop: poll everything, then move bytes. */
static void
shaper_pass(void)
{
	struct pollfd		 pfd[SHAPER_MAX_FDS];
	struct shaper_pair	*who[SHAPER_MAX_FDS], *p;
	int			 side[SHAPER_MAX_FDS];
	int64_t			 now = shaper_now();
	unsigned		 turn;
	int			 n = 0, i, j, k, fd, first, nctl = S.nctl;

	shaper_apply_signals(now);
	shaper_deliver(now);
	pfd[n].fd = S.cut ? -1 : S.listen_fd;
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	pfd[n].fd = S.control_fd;
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	for (k = 0; k < S.nctl; k++) {
		pfd[n].fd = S.ctl[k];
		pfd[n].events = POLLIN;
		side[n] = k;
		who[n++] = NULL;
	}
	for (p = S.pairs; p != NULL && n + 2 <= SHAPER_MAX_FDS; p = p->next) {
		if (p->dead)
			continue;
		for (i = 0; i < 2; i++) {
			if (p->fd[i] == -1)
				continue;
			pfd[n].fd = p->fd[i];
			pfd[n].events = 0;
			if (p->connecting) {
				if (i == DOWN)
					pfd[n].events = POLLOUT;
			} else {
				if (!p->rd_eof[i] && shaper_link_open(i, now))
					pfd[n].events |= POLLIN;
				if (p->out[i].len > 0 || p->out[i].eof)
					pfd[n].events |= POLLOUT;
			}
			side[n] = i;
			who[n++] = p;
		}
	}
	if (poll(pfd, (nfds_t)n, shaper_timeout(now)) <= 0)
		return;
	now = shaper_now();
	if (pfd[0].revents & POLLIN)
		shaper_accept();
	if ((pfd[1].revents & POLLIN) && S.nctl < 8 &&
	    (fd = accept(S.control_fd, NULL, NULL)) != -1)
		S.ctl[S.nctl++] = fd;
	for (k = 2 + nctl - 1; k >= 2; k--) {
		if (pfd[k].revents != 0 && !shaper_control_read(pfd[k].fd)) {
			close(pfd[k].fd);
			S.ctl[side[k]] = S.ctl[--S.nctl];
		}
	}
	/*
	 * The connections in turn from a place that moves at every pass:
	 * when the queue fills partway through, the next pass reads first
	 * from those that were left out.
	 */
	first = 2 + nctl;
	turn = n > first ? S.turn++ % (unsigned)(n - first) : 0;
	for (j = first; j < n; j++) {
		k = first + (int)(((unsigned)(j - first) + turn) %
		    (unsigned)(n - first));
		if ((p = who[k]) == NULL || p->dead || pfd[k].revents == 0)
			continue;
		i = side[k];
		if (p->fd[i] == -1)
			continue;
		if (p->connecting) {
			int		err = 0;
			socklen_t	len = sizeof err;

			getsockopt(p->fd[DOWN], SOL_SOCKET, SO_ERROR, &err,
			    &len);
			if (err != 0)
				shaper_pair_kill(p, false);
			else
				p->connecting = false;
			continue;
		}
		if (p->rd_eof[i] && (pfd[k].revents & (POLLHUP | POLLERR))) {
			/* The peer is gone both ways: close this side. */
			close(p->fd[i]);
			p->fd[i] = -1;
			shaper_flush(p, i);
			continue;
		}
		if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
			shaper_read(p, i, now);
		if (!p->dead && (pfd[k].revents & POLLOUT))
			shaper_flush(p, i);
	}
	shaper_pairs_reap();
}

/* Parse the options, listen, and move bytes until told to stop. */
int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	const char		*to = NULL, *control = NULL;
	double			 bits = 64000;
	int			 i, port = 0;

	S.delay = 300000;
	S.buffer = 32768;
	S.control_fd = -1;
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--to") == 0)
			to = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--listen") == 0)
			port = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--rate") == 0)
			bits = atof(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--delay") == 0)
			S.delay = (int64_t)(atof(argv[++i]) * 1000);
		else if (i + 1 < argc && strcmp(argv[i], "--buffer") == 0)
			S.buffer = atol(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "--control") == 0)
			control = argv[++i];
		else {
			fprintf(stderr, "usage: shaper --to HOST:PORT "
			    "[--listen PORT] [--rate BITS] [--delay MS] "
			    "[--buffer BYTES] [--control PATH]\n");
			return 2;
		}
	}
	if (to == NULL || bits <= 0 || S.delay < 0 || S.buffer < SHAPER_CHUNK)
		shaper_fatal("arguments", "--to, a rate, a delay and a buffer "
		    "of at least one segment are needed");
	S.rate = bits / 8.0 / 1e6;
	shaper_parse_to(to);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = shaper_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	port = shaper_listen(port);
	if (control != NULL)
		shaper_control_listen(control);
	printf("%d\n", port);
	fflush(stdout);
	while (!shaper_sig_quit)
		shaper_pass();
	if (control != NULL)
		unlink(control);
	return 0;
}
