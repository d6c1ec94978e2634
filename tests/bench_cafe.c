/*
 * bench_cafe.c -- a real cafeboard-server under a café's load.
 *
 * One server (--fsync always, its default) on a private Unix socket; every
 * participant is a raw protocol client seated at a table of its board and
 * adding cards at a steady rate, staggered over the period.  One driver
 * process runs every client on one epoll loop, reading everything the
 * server fans out.  Prints, per configuration:
 *
 *   events/s   changes the server sequenced (seqs per second, all boards)
 *   fan-out    EVENT frames and bytes delivered to clients per second
 *   latency    from writing a card.add to reading one's own EVENT back:
 *              p50, p99, max (this includes the fsync of the server's pass
 *              and the driver's own work for the other clients)
 *   to all     from writing a card.add until every client of the board
 *              has read its EVENT: p50, p99, max
 *   server     VmRSS and VmHWM from /proc/PID/status; CPU time used
 *
 * Asserts nothing about time.  Configurations (override with arguments
 * [--tcp] BOARDS PEOPLE RATE SECONDS for a single run):
 *   1 board  x 60 participants, 5 cards/s each, 10 s, Unix socket
 *  20 boards x 40 participants, 2 cards/s each, 10 s, Unix socket
 *   1 board  x 60 participants, 5 cards/s each, 10 s, TCP on loopback
 * Over TCP the clients set TCP_NODELAY, as cafeboard does; a server that
 * does not shows Nagle's algorithm meeting delayed ACKs, a floor of about
 * 40 ms on "to all".
 * Then the storm: 997 newcomers catch up at once on a board of 10 000
 * cards and leave; the server's memory before, at the peak and after
 * (bench_cafe --storm [CARDS CLIENTS] alone).
 * CB_SERVER names the server binary (make bench sets it).
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "tsupport.h"

#define NTABLES		4
#define SETUP_MS	20000	/* for one setup step */
#define MAX_OPS		4096	/* card.adds per client and run */

/* When a card's EVENT was written and last read, by seq, per board. */
struct seqrec {
	int64_t		 sent_us;	/* 0 until its author reads it */
	int64_t		 last_us;
	uint32_t	 got;		/* clients that read it */
};

/* One client connection. */
struct conn {
	int		 fd;
	int		 board;
	bool		 fac;
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint32_t	 participant;
	uint32_t	 next_op;
	uint64_t	 table;
	uint8_t		*in;
	size_t		 inlen;
	size_t		 incap;
	int64_t		*sent_us;	/* by op_id: when the op was written */
	int64_t		 next_us;	/* the next card.add is due */
	/* Waiting for (setup). */
	uint32_t	 wait_op;
	int		 wait_rc;	/* 0 waiting, 1 event, -code reject */
	uint64_t	 wait_seq;
	bool		 ready;
	uint64_t	 head;
};

static struct {
	char		 dir[64];
	char		 sock[96];
	char		 data[96];
	char		 key[PROTO_KEY_MAX + 2];
	pid_t		 pid;
	int		 ep;
	struct conn	*c;
	size_t		 n;
	bool		 tcp;		/* clients connect over TCP */
	bool		 storm;		/* the catch-up storm */
	int		 port;
	/* Measures of the current run. */
	struct seqrec	*seqs[64];
	size_t		 nseqs[64];
	int64_t		*lat_us;
	size_t		 nlat, caplat;
	uint64_t	 frames, bytes, rejects, sent;
	uint64_t	 first_seq[64], last_seq[64];
} B;

/* ---------------------------------------------------------------- utils */

static void
die(const char *fmt, const char *why)
{
	fprintf(stderr, "bench_cafe: ");
	fprintf(stderr, fmt, why);
	fputc('\n', stderr);
	if (B.pid > 0) {
		kill(B.pid, SIGKILL);
		waitpid(B.pid, NULL, 0);
	}
	exit(1);
}

/* A value of /proc/PID/status in kB ("VmRSS:"), or -1. */
static long
proc_kb(pid_t pid, const char *key)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/* CPU seconds the process used (user + system). */
static double
proc_cpu(pid_t pid)
{
	char		 path[64], buf[1024], *p;
	unsigned long	 ut = 0, st = 0;
	FILE		*f;
	int		 i;

	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	/* Fields after the name: state is 3; utime 14, stime 15. */
	for (i = 3, p += 2; i < 14 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p != NULL)
		sscanf(p, "%lu %lu", &ut, &st);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---------------------------------------------------------------- server */

/* A free TCP port on 127.0.0.1. */
static int
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		die("bind: %s", strerror(errno));
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void
server_start(void)
{
	const char	*bin = getenv("CB_SERVER");
	char		 log[160];
	struct sockaddr_un sun;
	int64_t		 end;
	int		 fd, ok = 0, nul;
	FILE		*f;
	char		 listen[32];
	char		*argv[] = { NULL, "--socket", B.sock, "--data", B.data,
	    "--fsync", "always", "--log-level", "warn", "--log-file", log,
	    "--max-conns", "4000", "--queue-cap", "64M", "--listen", listen,
	    "--max-cards", "100000", "--ops-per-sec", B.storm ? "0" : "20",
	    NULL };

	argv[0] = (char *)(bin != NULL && bin[0] != '\0' ? bin :
	    "server/cafeboard-server");
	snprintf(B.dir, sizeof B.dir, "%s/cafeboard-bench-XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(B.dir) == NULL)
		die("mkdtemp: %s", strerror(errno));
	snprintf(B.sock, sizeof B.sock, "%s/s", B.dir);
	snprintf(B.data, sizeof B.data, "%s/data", B.dir);
	snprintf(log, sizeof log, "%s/server.log", B.dir);
	B.port = free_port();
	snprintf(listen, sizeof listen, "127.0.0.1:%d", B.port);
	if ((B.pid = fork()) == -1)
		die("fork: %s", strerror(errno));
	if (B.pid == 0) {
		nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	end = ts_now_us() + SETUP_MS * 1000LL;
	while (!ok) {
		if (ts_now_us() > end)
			die("the server at %s did not start", argv[0]);
		usleep(10000);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", B.sock);
		ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
		close(fd);
	}
	snprintf(log, sizeof log, "%s/facilitator.key", B.data);
	if ((f = fopen(log, "r")) == NULL || fgets(B.key, sizeof B.key, f) ==
	    NULL)
		die("no key in %s", log);
	fclose(f);
	B.key[strcspn(B.key, "\r\n")] = '\0';
}

static void
server_stop(void)
{
	int	status;

	kill(B.pid, SIGTERM);
	waitpid(B.pid, &status, 0);
	B.pid = 0;
	ts_rm_tree(B.dir);
}

/* ---------------------------------------------------------------- clients */

static void
conn_write(struct conn *c, const struct proto_buf *b)
{
	const uint8_t	*p = b->data;
	size_t		 left = b->len;
	ssize_t		 n;
	struct pollfd	 pfd;

	while (left > 0) {
		n = send(c->fd, p, left, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			left -= (size_t)n;
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
			pfd.fd = c->fd;
			pfd.events = POLLOUT;
			poll(&pfd, 1, 100);
			continue;
		}
		die("send: %s", strerror(errno));
	}
}

/* The record of board's seq, grown as needed; NULL for absurd seqs. */
static struct seqrec *
seqrec_at(int board, uint64_t seq)
{
	size_t	cap = B.nseqs[board];

	if (seq >= 1000000)
		return NULL;
	if (seq >= cap) {
		while (cap <= seq)
			cap = cap * 2 + 1024;
		B.seqs[board] = realloc(B.seqs[board], cap * sizeof
		    *B.seqs[board]);
		memset(B.seqs[board] + B.nseqs[board], 0, (cap -
		    B.nseqs[board]) * sizeof *B.seqs[board]);
		B.nseqs[board] = cap;
	}
	return &B.seqs[board][seq];
}

/* Handle one frame for c. */
static void
conn_frame(struct conn *c, const uint8_t *body, size_t len, int64_t t)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	struct proto_buf	 b;
	const struct proto_event *ev;
	struct seqrec		*sr;

	if (proto_decode(body, len, &m, &err) != PROTO_OK)
		die("bad frame: %s", err.text);
	switch (m.type) {
	case PROTO_WELCOME:
		c->participant = m.u.welcome.participant;
		break;
	case PROTO_READY:
		c->ready = true;
		c->head = m.u.ready;
		break;
	case PROTO_EVENT:
		ev = &m.u.event;
		B.frames++;
		c->head = ev->seq;
		if ((sr = seqrec_at(c->board, ev->seq)) != NULL) {
			sr->got++;
			if (t > sr->last_us)
				sr->last_us = t;
			if (ev->origin == c->participant && ev->op_id != 0 &&
			    ev->op_id < MAX_OPS)
				sr->sent_us = c->sent_us[ev->op_id];
		}
		if (c->fac) {
			if (B.first_seq[c->board] == 0)
				B.first_seq[c->board] = ev->seq;
			B.last_seq[c->board] = ev->seq;
		}
		if (ev->origin != c->participant || ev->op_id == 0)
			break;
		if (ev->op_id == c->wait_op) {
			c->wait_rc = 1;
			c->wait_seq = ev->seq;
		}
		if (ev->op_id < MAX_OPS && c->sent_us[ev->op_id] != 0) {
			if (B.nlat == B.caplat) {
				B.caplat = B.caplat * 2 + 4096;
				B.lat_us = realloc(B.lat_us, B.caplat *
				    sizeof *B.lat_us);
			}
			B.lat_us[B.nlat++] = t - c->sent_us[ev->op_id];
			c->sent_us[ev->op_id] = 0;
		}
		break;
	case PROTO_REJECT:
		B.rejects++;
		if (m.u.reject.op_id == c->wait_op)
			c->wait_rc = -(int)m.u.reject.code;
		break;
	case PROTO_PING:
		proto_buf_init(&b);
		proto_enc_pong(&b, m.u.token);
		conn_write(c, &b);
		proto_buf_free(&b);
		break;
	case PROTO_ERROR:
		die("ERROR from the server: %s", m.u.error.text);
		break;
	}
	proto_msg_free(&m);
}

/* Read what is there (non-blocking) and handle every whole frame. */
static void
conn_read(struct conn *c)
{
	ssize_t		n;
	uint32_t	flen;
	size_t		off;
	int64_t		t;

	for (;;) {
		n = ts_recv_more(c->fd, &c->in, &c->inlen, &c->incap);
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0)
			die("the server closed a connection%s", "");
		B.bytes += (uint64_t)n;
	}
	t = ts_now_us();
	off = 0;
	while (c->inlen - off >= PROTO_FRAME_HDR) {
		flen = proto_frame_len(c->in + off);
		if (c->inlen - off < PROTO_FRAME_HDR + (size_t)flen)
			break;
		conn_frame(c, c->in + off + PROTO_FRAME_HDR, flen, t);
		off += PROTO_FRAME_HDR + flen;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

/* Run the loop until cond(c) holds for c, or the deadline. */
static void
wait_for(struct conn *c, bool (*cond)(const struct conn *), const char *what)
{
	struct epoll_event	evs[256];
	int64_t			end = ts_now_us() + SETUP_MS * 1000LL;
	int			n, i;

	while (!cond(c)) {
		if (ts_now_us() > end)
			die("no %s", what);
		n = epoll_wait(B.ep, evs, 256, 50);
		for (i = 0; i < n; i++)
			conn_read(&B.c[evs[i].data.u32]);
	}
}

static bool
is_ready(const struct conn *c)
{
	return c->ready;
}

static bool
is_answered(const struct conn *c)
{
	return c->wait_rc != 0;
}

/* Send op and wait for its answer; the seq. */
static uint64_t
conn_op(struct conn *c, const struct proto_op *op)
{
	struct proto_buf	b;

	proto_buf_init(&b);
	c->wait_op = ++c->next_op;
	c->wait_rc = 0;
	proto_enc_op(&b, c->wait_op, op);
	conn_write(c, &b);
	proto_buf_free(&b);
	wait_for(c, is_answered, "answer to a setup op");
	if (c->wait_rc < 0)
		die("a setup op was refused (%s)", proto_kind_name(op->kind));
	return c->wait_seq;
}

/* Connect client i to board and join as name. */
static void
conn_join(size_t i, int board, const char *name, bool fac)
{
	struct conn		*c = &B.c[i];
	struct sockaddr_un	 sun;
	struct sockaddr_in	 sin;
	struct epoll_event	 ev;
	int			 one = 1;
	struct proto_hello	 h;
	struct proto_buf	 b;
	char			 bname[32];
	size_t			 k;

	memset(c, 0, sizeof *c);
	c->board = board;
	c->fac = fac;
	c->sent_us = calloc(MAX_OPS, sizeof *c->sent_us);
	for (k = 0; k < sizeof c->client; k++)
		c->client[k] = (uint8_t)(rand() & 0xff);
	if (B.tcp) {
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)B.port);
		if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) != 0)
			die("connect: %s", strerror(errno));
	} else {
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", B.sock);
		if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) != 0)
			die("connect: %s", strerror(errno));
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)i;
	epoll_ctl(B.ep, EPOLL_CTL_ADD, c->fd, &ev);
	snprintf(bname, sizeof bname, "bench-%02d", board);
	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = bname;
	memcpy(h.client, c->client, sizeof h.client);
	h.name = (char *)name;
	h.key = fac ? B.key : NULL;
	proto_buf_init(&b);
	proto_enc_hello(&b, &h);
	conn_write(c, &b);
	proto_buf_free(&b);
	wait_for(c, is_ready, "READY");
}

/* Close every client. */
static void
conns_free(void)
{
	size_t	i;

	for (i = 0; i < B.n; i++) {
		if (B.c[i].fd != -1)
			close(B.c[i].fd);
		free(B.c[i].in);
		free(B.c[i].sent_us);
	}
	free(B.c);
	B.c = NULL;
	B.n = 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Print the latency to all recipients: from writing each measured card
 * until the last of the board's n clients read it.
 */
static void
all_print(int boards, uint32_t n)
{
	int64_t		*v = NULL;
	size_t		 nv = 0, i;
	int		 bd;

	for (bd = 0; bd < boards; bd++) {
		for (i = 0; i < B.nseqs[bd]; i++) {
			const struct seqrec *sr = &B.seqs[bd][i];

			if (sr->sent_us == 0 || sr->got < n)
				continue;
			v = realloc(v, (nv + 1) * sizeof *v);
			v[nv++] = sr->last_us - sr->sent_us;
		}
	}
	if (nv > 0) {
		qsort(v, nv, sizeof *v, cmp_i64);
		printf("  to all      p50 %.2f ms  p99 %.2f ms  max %.2f ms  "
		    "(%zu cards read by all %u clients)\n",
		    (double)v[nv / 2] / 1000.0,
		    (double)v[nv * 99 / 100] / 1000.0,
		    (double)v[nv - 1] / 1000.0, nv, n);
	}
	free(v);
}

/* ---------------------------------------------------------------- runs */

static const char *const words[] = {
	"un guichet unique", "une carte dynamique des solutions",
	"des permanences en mairie", "un référent de parcours",
	"des immersions en entreprise", "un forum annuel de l'emploi",
};

/* One configuration: boards x people, rate cards/s each, for seconds. */
static void
bench_run(int boards, int people, double rate, double seconds)
{
	struct epoll_event	 evs[512];
	struct proto_buf	 out;
	struct proto_op		 op;
	uint64_t		 tables[64][NTABLES], events = 0;
	char			 name[32], text[160];
	int64_t			 t0, t, end, period, next;
	size_t			 i, k, nc;
	int			 bd, p, n, j, wait;
	double			 cpu0, cpu1, dt;
	long			 rss, hwm;

	if (boards < 1 || boards > 64 || people < 1 || rate <= 0 ||
	    seconds <= 0)
		die("bad configuration%s", "");
	B.n = (size_t)boards * (size_t)(people + 1);
	B.c = calloc(B.n, sizeof *B.c);
	B.ep = epoll_create1(EPOLL_CLOEXEC);
	memset(B.first_seq, 0, sizeof B.first_seq);
	memset(B.last_seq, 0, sizeof B.last_seq);

	/* Each board: a facilitator makes it, four tables, ideas. */
	nc = 0;
	for (bd = 0; bd < boards; bd++) {
		conn_join(nc, bd, "Animatrice", true);
		for (j = 0; j < NTABLES; j++) {
			snprintf(text, sizeof text, "Question %d ?", j + 1);
			op = TADD(text);
			tables[bd][j] = conn_op(&B.c[nc], &op);
		}
		op = PHASE(PHASE_IDEAS);
		conn_op(&B.c[nc], &op);
		nc++;
		for (p = 0; p < people; p++) {
			snprintf(name, sizeof name, "Personne %d", p + 1);
			conn_join(nc, bd, name, false);
			op = SIT(tables[bd][p % NTABLES], 0);
			conn_op(&B.c[nc], &op);
			B.c[nc].table = op.table;
			nc++;
		}
	}
	/* Drain what the joins fanned out, then measure. */
	for (k = 0; k < 20; k++) {
		n = epoll_wait(B.ep, evs, 512, 20);
		for (j = 0; j < n; j++)
			conn_read(&B.c[evs[j].data.u32]);
	}
	B.nlat = 0;
	B.frames = B.bytes = B.rejects = B.sent = 0;
	for (bd = 0; bd < boards; bd++)
		if (B.seqs[bd] != NULL)
			memset(B.seqs[bd], 0, B.nseqs[bd] * sizeof *B.seqs[bd]);
	for (bd = 0; bd < boards; bd++)
		B.first_seq[bd] = 0;
	period = (int64_t)(1e6 / rate);
	t0 = ts_now_us();
	end = t0 + (int64_t)(seconds * 1e6);
	for (i = 0; i < B.n; i++)
		B.c[i].next_us = B.c[i].fac ? INT64_MAX :
		    t0 + (int64_t)(i * 7919 % (size_t)period);
	cpu0 = proc_cpu(B.pid);
	proto_buf_init(&out);
	for (;;) {
		t = ts_now_us();
		if (t >= end)
			break;
		next = end;
		for (i = 0; i < B.n; i++) {
			struct conn *c = &B.c[i];

			if (c->next_us <= t && c->next_op + 1 < MAX_OPS) {
				snprintf(text, sizeof text, "Idée %u : %s, "
				    "pour la table %llu", c->next_op + 1,
				    words[(i + c->next_op) % 6],
				    (unsigned long long)c->table);
				op = ADD(c->table, text, 0);
				proto_buf_reset(&out);
				proto_enc_op(&out, ++c->next_op, &op);
				c->sent_us[c->next_op] = ts_now_us();
				conn_write(c, &out);
				B.sent++;
				c->next_us += period;
			}
			if (c->next_us < next)
				next = c->next_us;
		}
		wait = (int)((next - ts_now_us()) / 1000);
		n = epoll_wait(B.ep, evs, 512, wait > 0 ? wait : 0);
		for (j = 0; j < n; j++)
			conn_read(&B.c[evs[j].data.u32]);
	}
	/* Let the last answers come back (not counted in the rates). */
	dt = (double)(ts_now_us() - t0) / 1e6;
	cpu1 = proc_cpu(B.pid);
	for (bd = 0; bd < boards; bd++)
		if (B.first_seq[bd] != 0)
			events += B.last_seq[bd] - B.first_seq[bd] + 1;
	{
		uint64_t	frames = B.frames, bytes = B.bytes;

		rss = proc_kb(B.pid, "VmRSS:");
		hwm = proc_kb(B.pid, "VmHWM:");
		end = ts_now_us() + 2000000;
		while (B.nlat < B.sent && ts_now_us() < end) {
			n = epoll_wait(B.ep, evs, 512, 50);
			for (j = 0; j < n; j++)
				conn_read(&B.c[evs[j].data.u32]);
		}
		qsort(B.lat_us, B.nlat, sizeof *B.lat_us, cmp_i64);
		printf("%2d board%s x %2d participants, %.1f cards/s each, "
		    "%.1f s, --fsync always, %s\n", boards, boards == 1 ? " " :
		    "s", people, rate, dt, B.tcp ? "TCP (loopback)" :
		    "Unix socket");
		printf("  sequenced   %8.0f events/s  (%llu events; %llu "
		    "card.add sent, %llu refused)\n", (double)events / dt,
		    (unsigned long long)events, (unsigned long long)B.sent,
		    (unsigned long long)B.rejects);
		printf("  fan-out     %8.0f frames/s  %8.2f MB/s\n",
		    (double)frames / dt, (double)bytes / dt / 1e6);
		if (B.nlat > 0)
			printf("  latency     p50 %.2f ms  p99 %.2f ms  max "
			    "%.2f ms  (%zu of %llu answered)\n",
			    (double)B.lat_us[B.nlat / 2] / 1000.0,
			    (double)B.lat_us[B.nlat * 99 / 100] / 1000.0,
			    (double)B.lat_us[B.nlat - 1] / 1000.0, B.nlat,
			    (unsigned long long)B.sent);
		all_print(boards, (uint32_t)people + 1);
		printf("  server      RSS %.1f MB  peak %.1f MB  CPU %.0f%% "
		    "of one core\n", (double)rss / 1024.0,
		    (double)hwm / 1024.0, 100.0 * (cpu1 - cpu0) / dt);
	}
	proto_buf_free(&out);
	conns_free();
	close(B.ep);
	fflush(stdout);
}

/* True once every client read its READY (c: unused, for wait_for). */
static bool
all_ready(const struct conn *c)
{
	size_t	i;

	(void)c;
	for (i = 0; i < B.n; i++)
		if (!B.c[i].ready)
			return false;
	return true;
}

/*
 * The storm: a facilitator makes a board of cards cards; clients
 * newcomers say HELLO at once and read their catch-ups; then they all
 * leave.  Prints the server's memory before, at the peak and after.
 */
static void
bench_storm(int cards, int clients)
{
	struct proto_buf	 out;
	struct proto_op		 op;
	struct proto_hello	 h;
	struct sockaddr_un	 sun;
	struct epoll_event	 ev;
	struct conn		*c;
	char			 text[64], name[32];
	uint64_t		 table, bytes0;
	int64_t			 t0, t1, end;
	long			 before, peak = 0, kb, after = 0;
	size_t			 i, k;
	int			 j;

	B.n = (size_t)clients + 1;
	B.c = calloc(B.n, sizeof *B.c);
	B.ep = epoll_create1(EPOLL_CLOEXEC);
	conn_join(0, 0, "Animatrice", true);
	op = TADD("Comment mieux coop\xc3\xa9rer ?");
	table = conn_op(&B.c[0], &op);
	op = PHASE(PHASE_IDEAS);
	conn_op(&B.c[0], &op);
	proto_buf_init(&out);
	for (j = 0; j < cards; j++) {
		snprintf(text, sizeof text, "Id\xc3\xa9" "e %d : %s", j,
		    words[j % 6]);
		op = ADD(table, text, 0);
		proto_enc_op(&out, ++B.c[0].next_op, &op);
		if (out.len > 60000 || j == cards - 1) {
			conn_write(&B.c[0], &out);
			proto_buf_reset(&out);
		}
	}
	B.c[0].wait_op = B.c[0].next_op;
	B.c[0].wait_rc = 0;
	wait_for(&B.c[0], is_answered, "the last card");
	proto_buf_free(&out);
	before = proc_kb(B.pid, "VmRSS:");

	/* Everyone at once. */
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", B.sock);
	bytes0 = B.bytes;
	t0 = ts_now_us();
	for (i = 1; i < B.n; i++) {
		c = &B.c[i];
		memset(c, 0, sizeof *c);
		c->sent_us = calloc(MAX_OPS, sizeof *c->sent_us);
		for (k = 0; k < sizeof c->client; k++)
			c->client[k] = (uint8_t)(rand() & 0xff);
		c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) != 0)
			die("connect: %s", strerror(errno));
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(B.ep, EPOLL_CTL_ADD, c->fd, &ev);
		snprintf(name, sizeof name, "Personne %zu", i);
		memset(&h, 0, sizeof h);
		h.v = PROTO_VERSION;
		h.board = (char *)"bench-00";
		memcpy(h.client, c->client, sizeof h.client);
		h.name = name;
		proto_buf_init(&out);
		proto_enc_hello(&out, &h);
		conn_write(c, &out);
		proto_buf_free(&out);
	}
	B.c[0].ready = true;
	end = ts_now_us() + 120 * 1000000LL;
	while (!all_ready(NULL)) {
		struct epoll_event evs[256];
		int n;

		if (ts_now_us() > end)
			die("the storm did not end%s", "");
		n = epoll_wait(B.ep, evs, 256, 50);
		for (j = 0; j < n; j++)
			conn_read(&B.c[evs[j].data.u32]);
		if ((kb = proc_kb(B.pid, "VmRSS:")) > peak)
			peak = kb;
	}
	t1 = ts_now_us();
	for (i = 1; i < B.n; i++) {
		close(B.c[i].fd);
		B.c[i].fd = -1;
	}
	/* Memory after everyone left: the server may take a second. */
	end = ts_now_us() + 5000000;
	while (ts_now_us() < end) {
		usleep(250000);
		after = proc_kb(B.pid, "VmRSS:");
		if (after <= 2 * before)
			break;
	}
	printf("storm: %d newcomers catch up on a board of %d cards, Unix "
	    "socket\n", clients, cards);
	printf("  catch-ups   %.2f s for all, %.1f MB read\n",
	    (double)(t1 - t0) / 1e6, (double)(B.bytes - bytes0) / 1e6);
	printf("  server      RSS %.1f MB before, %.1f MB at the peak, %.1f MB "
	    "after they left (%.2fx)\n", (double)before / 1024.0,
	    (double)peak / 1024.0, (double)after / 1024.0,
	    (double)after / (double)before);
	conns_free();
	close(B.ep);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)getpid());
	if (argc > 1 && strcmp(argv[1], "--storm") == 0) {
		B.storm = true;
		server_start();
		bench_storm(argc > 2 ? atoi(argv[2]) : 10000,
		    argc > 3 ? atoi(argv[3]) : 997);
		server_stop();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--tcp") == 0) {
		B.tcp = true;
		argc--;
		argv++;
	}
	if (argc == 5) {
		server_start();
		bench_run(atoi(argv[1]), atoi(argv[2]), atof(argv[3]),
		    atof(argv[4]));
		server_stop();
		return 0;
	}
	if (argc != 1 || B.tcp) {
		fprintf(stderr, "usage: bench_cafe [[--tcp] BOARDS PEOPLE RATE "
		    "SECONDS]\n");
		return 2;
	}
	server_start();
	bench_run(1, 60, 5.0, 10.0);
	server_stop();
	server_start();
	bench_run(20, 40, 2.0, 10.0);
	server_stop();
	B.tcp = true;
	server_start();
	bench_run(1, 60, 5.0, 10.0);
	server_stop();
	B.tcp = false;
	B.storm = true;
	server_start();
	bench_storm(10000, 997);
	server_stop();
	return 0;
}
