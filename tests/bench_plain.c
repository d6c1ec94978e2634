/*
 * bench_plain.c -- what a remote card costs on a participant's terminal,
 * in the full-screen client and in --plain.
 *
 * A real cafeboard-server on a private socket; a facilitator and a
 * participant (Chloé) as raw protocol clients; Anne in the full-screen
 * client and Bruno in --plain, each on its own pseudo-terminal (forkpty),
 * both seated at Chloé's table.  Chloé adds cards one at a time; after
 * each, both terminals are read until they have been quiet for a moment,
 * and every byte the clients wrote to their terminal is counted.  Then an
 * idle stretch with a running countdown.  Prints, per terminal size:
 *
 *   joining     bytes until the client is done drawing the board
 *   text        bytes of the card's own text
 *   full-screen bytes per remote card (first screenful, and all cards)
 *   plain       bytes per remote card
 *   idle        bytes per second with a countdown running
 *
 * Asserts nothing about time; quiet periods are how it knows a client is
 * done drawing, so it takes a while.  CB_SERVER and CB_CLIENT name the
 * binaries (make bench sets them).  Arguments: CARDS (default 30).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"
#include "tsupport.h"

#define SETUP_MS	20000	/* for one setup step */
#define QUIET_MS	400	/* no output for this long: done drawing */
#define IDLE_S		10	/* the idle stretch */

/* A client on a pseudo-terminal. */
struct term {
	pid_t		 pid;
	int		 fd;
	char		*buf;		/* everything it wrote */
	size_t		 len;
	size_t		 cap;
};

/* The server. */
static struct {
	pid_t		 pid;
	char		 dir[40];
	char		 sock[60];
	char		 data[60];
	char		 key[PROTO_KEY_MAX + 2];
} B;

/* Give up with a message. */
static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fprintf(stderr, "bench_plain: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (B.pid > 0)
		kill(B.pid, SIGKILL);
	exit(1);
}

/* Start the server in a fresh directory; wait until it accepts. */
static void
server_start(void)
{
	const char		*bin = getenv("CB_SERVER");
	struct sockaddr_un	 sun;
	char			 path[100];
	char			*argv[] = { NULL, "--socket", B.sock, "--data",
	    B.data, "--log-level", "warn", NULL };
	int64_t			 end;
	int			 fd, ok = 0, nul;
	FILE			*f;

	argv[0] = (char *)(bin != NULL && bin[0] != '\0' ? bin :
	    "server/cafeboard-server");
	snprintf(B.dir, sizeof B.dir, "/tmp/cafeboard-bench-XXXXXX");
	if (mkdtemp(B.dir) == NULL)
		die("mkdtemp: %s", strerror(errno));
	snprintf(B.sock, sizeof B.sock, "%s/s", B.dir);
	snprintf(B.data, sizeof B.data, "%s/data", B.dir);
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
	end = ts_now_ms() + SETUP_MS;
	while (!ok) {
		if (ts_now_ms() > end)
			die("the server at %s did not start", argv[0]);
		usleep(10000);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", B.sock);
		ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
		close(fd);
	}
	snprintf(path, sizeof path, "%s/facilitator.key", B.data);
	if ((f = fopen(path, "r")) == NULL ||
	    fgets(B.key, sizeof B.key, f) == NULL)
		die("no key in %s", path);
	fclose(f);
	B.key[strcspn(B.key, "\r\n")] = '\0';
}

/* Stop the server and remove its directory. */
static void
server_stop(void)
{
	int	status;

	kill(B.pid, SIGTERM);
	waitpid(B.pid, &status, 0);
	B.pid = 0;
	ts_rm_tree(B.dir);
}

/* A raw client joins board "bench" (with the key if fac); its id. */
static void
raw_join(struct tclient *c, const char *name, bool fac, uint8_t id)
{
	struct tserver		s;
	struct proto_msg	m;

	memset(&s, 0, sizeof s);
	snprintf(s.sock, sizeof s.sock, "%s", B.sock);
	memset(c, 0, sizeof *c);
	memset(c->client, id, sizeof c->client);
	if (tclient_connect(c, &s, false) != 0 ||
	    tclient_hello_flags(c, "bench", name, NULL, fac ? B.key : NULL, 0,
	    false, false) != 0)
		die("%s cannot connect", name);
	for (;;) {
		if (tclient_recv(c, &m, SETUP_MS) != 1 || m.type == PROTO_ERROR)
			die("%s cannot join", name);
		if (m.type == PROTO_WELCOME)
			c->participant = m.u.welcome.participant;
		if (m.type == PROTO_READY) {
			proto_msg_free(&m);
			return;
		}
		proto_msg_free(&m);
	}
}

/* A raw op that must be accepted; the seq of its event. */
static uint64_t
raw_ok(struct tclient *c, struct proto_op op)
{
	struct proto_msg	m;
	uint64_t		seq;

	if (tclient_op_id(c, ++c->next_op, &op) != 0 ||
	    tclient_wait_op(c, c->next_op, &m, SETUP_MS) != 1)
		die("op kind %u refused", op.kind);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	return seq;
}

/* Start a client on a new cols x rows terminal. */
static void
term_start(struct term *t, int cols, int rows, bool plain, const char *name)
{
	struct winsize	 ws;
	const char	*bin = getenv("CB_CLIENT");
	char		*argv[12];
	int		 n = 0;

	memset(t, 0, sizeof *t);
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)rows;
	argv[n++] = (char *)(bin != NULL && bin[0] != '\0' ? bin :
	    "client/cafeboard");
	if (plain)
		argv[n++] = "--plain";
	argv[n++] = "--socket";
	argv[n++] = B.sock;
	argv[n++] = "--board";
	argv[n++] = "bench";
	argv[n++] = "--name";
	argv[n++] = (char *)name;
	argv[n] = NULL;
	if ((t->pid = forkpty(&t->fd, NULL, NULL, &ws)) == -1)
		die("forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		setenv("LC_ALL", "C.UTF-8", 1);
		unsetenv("LANGUAGE");
		setenv("TERM", "xterm-256color", 1);
		execv(argv[0], argv);
		_exit(127);
	}
}

/* Read what is there within ms; bytes read. */
static size_t
term_read(struct term *t, int ms)
{
	struct pollfd	pfd = { t->fd, POLLIN, 0 };
	ssize_t		n;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	if (t->len + 65536 > t->cap) {
		t->cap = t->cap == 0 ? 1 << 20 : t->cap * 2;
		if ((t->buf = realloc(t->buf, t->cap)) == NULL)
			die("out of memory");
	}
	if ((n = read(t->fd, t->buf + t->len, t->cap - t->len - 1)) <= 0)
		return 0;
	t->len += (size_t)n;
	t->buf[t->len] = '\0';
	return (size_t)n;
}

/* Read until the client has been quiet for QUIET_MS (or max_ms passed). */
static void
term_settle(struct term *t, int max_ms)
{
	int64_t	end = ts_now_ms() + max_ms, last = ts_now_ms();

	while (ts_now_ms() < end && ts_now_ms() - last < QUIET_MS) {
		if (term_read(t, 50) > 0)
			last = ts_now_ms();
	}
}

/* Read until needle shows in what t wrote after offset from. */
static void
term_until(struct term *t, size_t from, const char *needle)
{
	int64_t	end = ts_now_ms() + SETUP_MS;

	while (t->buf == NULL || strstr(t->buf + from, needle) == NULL) {
		if (ts_now_ms() > end)
			die("\"%s\" never showed", needle);
		term_read(t, 50);
	}
}

/* Hang up a client's terminal and reap it. */
static void
term_stop(struct term *t)
{
	int	status;

	kill(t->pid, SIGHUP);
	close(t->fd);
	waitpid(t->pid, &status, 0);
	free(t->buf);
}

/* One run: cards remote cards on a cols x rows terminal. */
static void
bench_run(int cols, int rows, int cards)
{
	struct tclient	 fac, chloe;
	struct term	 full, plain;
	struct proto_op	 op;
	char		 text[128];
	uint64_t	 table;
	size_t		 f0, p0, f10 = 0, textb = 0, pi, fj, pj;
	int		 i;

	server_start();
	raw_join(&fac, "Fanny", true, 0xf0);
	memset(&op, 0, sizeof op);
	table = raw_ok(&fac, TADD("Comment garantir une bonne "
	    "orientation des publics en demande d'emploi ?"));
	raw_ok(&fac, PHASE(PHASE_IDEAS));
	raw_join(&chloe, "Chlo\xc3\xa9", false, 0xc0);
	raw_ok(&chloe, SIT(table, 0));

	term_start(&full, cols, rows, false, "Anne");
	term_start(&plain, cols, rows, true, "Bruno");
	term_until(&plain, 0, "Type help for the commands.");
	term_until(&full, 0, "connected");
	term_settle(&full, SETUP_MS);
	term_settle(&plain, SETUP_MS);
	fj = full.len;
	pj = plain.len;
	/* Presence is said after a moment: let it pass. */
	usleep(2500 * 1000);
	term_settle(&full, SETUP_MS);
	term_settle(&plain, SETUP_MS);

	f0 = full.len;
	p0 = plain.len;
	for (i = 1; i <= cards; i++) {
		snprintf(text, sizeof text, "Id\xc3\xa9""e %d : un guichet "
		    "unique pour l'emploi", i);
		textb += strlen(text);
		pi = plain.len;
		raw_ok(&chloe, ADD(table, text, 0));
		term_until(&plain, pi, text);
		term_settle(&plain, 5000);
		term_settle(&full, 5000);
		if (i == 10)
			f10 = full.len - f0;
	}
	printf("%3dx%-3d  joining: full-screen %zu bytes, plain %zu bytes\n",
	    cols, rows, fj, pj);
	printf("         %d remote cards of %zu bytes of text on average\n",
	    cards, textb / (size_t)cards);
	printf("         full-screen: %6.1f bytes/card (first 10: %.1f)\n",
	    (double)(full.len - f0) / cards, (double)f10 / 10);
	printf("         plain:       %6.1f bytes/card\n",
	    (double)(plain.len - p0) / cards);

	/* An idle stretch with the countdown running. */
	raw_ok(&fac, TIMER(TIMER_START, 600, "Tour 1"));
	term_settle(&full, 5000);
	term_settle(&plain, 5000);
	f0 = full.len;
	p0 = plain.len;
	{
		int64_t	end = ts_now_ms() + IDLE_S * 1000;

		while (ts_now_ms() < end) {
			term_read(&full, 20);
			term_read(&plain, 20);
		}
	}
	printf("         idle, countdown running: full-screen %.1f bytes/s, "
	    "plain %.1f bytes/s\n", (double)(full.len - f0) / IDLE_S,
	    (double)(plain.len - p0) / IDLE_S);

	term_stop(&full);
	term_stop(&plain);
	tclient_close(&chloe);
	tclient_close(&fac);
	server_stop();
}

int
main(int argc, char **argv)
{
	int	cards = argc > 1 ? atoi(argv[1]) : 30;

	signal(SIGPIPE, SIG_IGN);
	if (cards < 10)
		cards = 10;
	bench_run(80, 24, cards);
	bench_run(160, 48, cards);
	return 0;
}
