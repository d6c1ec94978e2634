/*
 * bench_tty.c -- what a real cafeboard client costs per remote event, and
 * what its countdown writes to the terminal.
 *
 * Three real `cafeboard` clients (CB_CLIENT, and CB_BASE_CLIENT beside it)
 * run under pseudo-terminals of 100 x 30 (forkpty, TERM=xterm-256color,
 * C.UTF-8), joined as participants and seated by the facilitator at the
 * table where a raw participant then makes 50 changes, one every 100 ms:
 * card.adds (the table is longer than the screen: they land below the
 * fold, nothing visible changes), then card.edits of the table's first
 * card (visible).  On a board of 100 cards, then one of 2 000 (4 tables,
 * the cards spread over them), it prints per client and per remote op:
 *
 *   client CPU          ms on a CPU, user and system (/proc/PID/schedstat,
 *                       to the ns; /proc/PID/stat where it is absent)
 *   terminal bytes      read from the pty master
 *   terminal writes     write calls (/proc/PID/io syscw; the socket's
 *                       writes are in it, but the client sends nothing
 *                       here but a PONG now and then)
 *
 * then, on the 100-card board, the facilitator starts a 10-minute timer
 * and for 20 s (more than a minute from zero) it counts per client and
 * per minute the terminal writes, the pty reads and the terminal bytes of
 * the idle countdown.  Asserts nothing about time.
 */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NCLIENTS	3
#define NTABLES		4
#define WINDOW		512
#define QUIET_MS	1000

/* The clients under their terminals and what the raw clients see. */
struct tty {
	struct bs_loop	 loop;
	struct bs_conn	 fac, adder;
	pid_t		 pid[NCLIENTS];
	int		 master[NCLIENTS];
	uint64_t	 bytes[NCLIENTS];
	uint64_t	 reads[NCLIENTS];
	uint32_t	 seated[NCLIENTS];	/* readers' participants */
	size_t		 nseated;
	bool		 stopping;		/* clients may end now */
	FILE		*dump;			/* CB_TTY_DUMP: client 1's */
	uint64_t	 acked;			/* the adder's own events */
	int64_t		 last_out_ms;		/* the last terminal bytes */
};

/* Note the adder's events and the readers sitting down. */
static void
tty_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct tty	*y = arg;
	size_t		 i;

	(void)type;
	(void)body;
	(void)len;
	(void)t;
	if (e == NULL)
		return;
	if (c == &y->adder && e->origin == c->participant)
		y->acked++;
	if (c != &y->fac || e->kind != OP_TABLE_SIT ||
	    e->origin == y->fac.participant ||
	    e->origin == y->adder.participant)
		return;
	for (i = 0; i < y->nseated; i++)
		if (y->seated[i] == e->origin)
			return;
	if (y->nseated < NCLIENTS)
		y->seated[y->nseated++] = e->origin;
}

/* Read what the terminals have and run the network loop, for ms. */
static void
tty_pump(struct tty *y, int ms)
{
	struct pollfd	pfd[NCLIENTS];
	uint8_t		buf[65536];
	ssize_t		n;
	int		i;

	for (i = 0; i < NCLIENTS; i++) {
		pfd[i].fd = y->master[i];
		pfd[i].events = POLLIN;
	}
	if (poll(pfd, NCLIENTS, ms) > 0) {
		for (i = 0; i < NCLIENTS; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(y->master[i], buf, sizeof buf);
			if (n > 0) {
				y->bytes[i] += (uint64_t)n;
				y->reads[i]++;
				y->last_out_ms = ts_now_ms();
				if (i == 0 && y->dump != NULL)
					fwrite(buf, 1, (size_t)n, y->dump);
			} else if (n == 0 || (errno != EAGAIN &&
			    errno != EINTR)) {
				if (!y->stopping)
					bs_die("a client ended (see its log)");
				close(y->master[i]);
				y->master[i] = -1;
			}
		}
	}
	bs_loop_run(&y->loop, 0);
}

/* Pump until the terminals have been quiet for QUIET_MS (bounded). */
static void
tty_settle(struct tty *y, int max_ms)
{
	int64_t	end = ts_now_ms() + max_ms;

	y->last_out_ms = ts_now_ms();
	while (ts_now_ms() < end && ts_now_ms() - y->last_out_ms < QUIET_MS)
		tty_pump(y, 20);
}

/* Pump for ms. */
static void
tty_wait(struct tty *y, int ms)
{
	int64_t	end = ts_now_ms() + ms;

	while (ts_now_ms() < end)
		tty_pump(y, 20);
}

/* Start client i under a terminal of 100 x 30. */
static void
tty_spawn(struct tty *y, int i, const char *client, struct bs_server *s)
{
	struct winsize	ws = { 30, 100, 0, 0 };
	char		name[32], log[160];

	snprintf(name, sizeof name, "Lecteur %d", i + 1);
	snprintf(log, sizeof log, "%s/client%d.log", s->dir, i + 1);
	y->pid[i] = forkpty(&y->master[i], NULL, NULL, &ws);
	if (y->pid[i] == -1)
		bs_die("forkpty: %s", strerror(errno));
	if (y->pid[i] == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		setenv("LANGUAGE", "", 1);
		setenv("HOME", s->dir, 1);
		execl(client, "cafeboard", "--socket", s->sock, "--board",
		    "ecran", "--name", name, "--log-file", log, (char *)NULL);
		_exit(127);
	}
	bs_track(y->pid[i], true);
	bs_nonblock(y->master[i]);
}

/* End the clients: SIGTERM, then SIGKILL after a deadline. */
static void
tty_stop(struct tty *y)
{
	int64_t	end;
	int	i;

	y->stopping = true;
	for (i = 0; i < NCLIENTS; i++) {
		kill(y->pid[i], SIGTERM);
		end = ts_now_ms() + 3000;
		while (waitpid(y->pid[i], NULL, WNOHANG) != y->pid[i]) {
			if (ts_now_ms() > end) {
				kill(y->pid[i], SIGKILL);
				waitpid(y->pid[i], NULL, 0);
				break;
			}
			tty_pump(y, 10);
		}
		bs_track(y->pid[i], false);
		if (y->master[i] != -1)
			close(y->master[i]);
		y->master[i] = -1;
	}
}

/* The adder adds n ideas at table, pipelined (setup). */
static void
fill(struct tty *y, uint64_t table, size_t n)
{
	struct proto_buf	 b;
	struct proto_op		 op;
	char			 text[PROTO_CARD_MAX];
	uint64_t		 sent = 0, base = y->acked;
	int64_t			 end = ts_now_ms() + BS_SETUP_MS * 2;

	proto_buf_init(&b);
	while (y->acked - base < n) {
		if (ts_now_ms() > end)
			bs_die("the board was not written in time");
		proto_buf_reset(&b);
		while (sent < n && sent - (y->acked - base) < WINDOW) {
			sent++;
			snprintf(text, sizeof text, "Idée %05u : un guichet "
			    "unique en mairie", (unsigned)(y->adder.next_op %
			    100000));
			op = ADD(table, text, 0);
			proto_enc_op(&b, ++y->adder.next_op, &op);
		}
		if (b.len > 0)
			bs_send_all(y->adder.fd, b.data, b.len);
		bs_loop_run(&y->loop, 10);
	}
	proto_buf_free(&b);
}

/* True once every reader sat down somewhere. */
static bool
all_seated(void *arg)
{
	const struct tty	*y = arg;

	return y->nseated == NCLIENTS;
}

/* The sums over the clients of CPU, terminal bytes, reads and writes. */
static void
tty_sample(struct tty *y, double *cpu, double *bytes, double *reads,
    double *writes)
{
	int	i;

	*cpu = *bytes = *reads = *writes = 0;
	for (i = 0; i < NCLIENTS; i++) {
		*cpu += bs_proc_cpu_fine(y->pid[i]);
		*bytes += (double)y->bytes[i];
		*reads += (double)y->reads[i];
		*writes += (double)bs_proc_field(y->pid[i], "io", "syscw:");
	}
}

/*
 * n remote ops by the adder, one every 100 ms: card.adds at table (card
 * 0), or edits of card; the clients' cost per op under figure what.
 */
static void
remote(struct tty *y, const char *system, size_t ncards, const char *what,
    uint64_t table, uint64_t card, size_t n)
{
	struct proto_op	 op;
	char		 fig[96];
	double		 c0, b0, r0, w0, c1, b1, r1, w1;
	int64_t		 next;
	size_t		 i;

	tty_sample(y, &c0, &b0, &r0, &w0);
	next = ts_now_ms();
	for (i = 0; i < n; i++) {
		while (ts_now_ms() < next)
			tty_pump(y, (int)(next - ts_now_ms()));
		if (card == 0)
			op = ADD(table, "Idée distante : un guichet "
			    "unique en mairie", 0);
		else
			op = EDIT(card, i % 2 == 0 ?
			    "Idée revue : un guichet unique en mairie" :
			    "Idée reprise : un guichet unique en mairie");
		bs_cafe_op(&y->adder, &op);
		next += 100;
	}
	tty_settle(y, 10000);
	tty_sample(y, &c1, &b1, &r1, &w1);
	snprintf(fig, sizeof fig, "%zu-card board, %s: client CPU", ncards,
	    what);
	bs_put(fig, system, (c1 - c0) * 1000.0 / NCLIENTS / (double)n,
	    "ms per op");
	snprintf(fig, sizeof fig, "%zu-card board, %s: terminal bytes", ncards,
	    what);
	bs_put(fig, system, (b1 - b0) / NCLIENTS / (double)n, "per op");
	snprintf(fig, sizeof fig, "%zu-card board, %s: terminal writes",
	    ncards, what);
	bs_put(fig, system, (w1 - w0) / NCLIENTS / (double)n, "per op");
	printf("  %-5s %4zu cards, %s: %.3f ms CPU, %.0f terminal bytes per "
	    "op\n", system, ncards, what, (c1 - c0) * 1000.0 / NCLIENTS /
	    (double)n, (b1 - b0) / NCLIENTS / (double)n);
}

/* One build on a board of ncards; the countdown too when asked. */
static void
run(const struct bs_build *bd, size_t ncards, size_t events, bool countdown,
    int countdown_s)
{
	struct bs_server	 s;
	struct tty		 y;
	struct bs_conn		*all[1];
	struct proto_op		 op;
	uint64_t		 table[NTABLES], seq, first = 0;
	char			 q[64];
	double			 c0, b0, r0, w0, c1, b1, r1, w1;
	int64_t			 next;
	size_t			 i;

	memset(&y, 0, sizeof y);
	if (getenv("CB_TTY_DUMP") != NULL)
		y.dump = fopen(getenv("CB_TTY_DUMP"), "w");
	bs_cafe_start(&s, bd->server, "--fsync", "never", "--ops-per-sec",
	    "0", NULL);
	bs_loop_init(&y.loop, tty_frame, &y);
	bs_cafe_connect(&y.loop, &y.fac, 0, s.sock);
	bs_cafe_hello(&y.fac, "ecran", "Animatrice", s.key, 0);
	all[0] = &y.fac;
	bs_cafe_join_all(&y.loop, all, 1);
	for (i = 0; i < NTABLES; i++) {
		snprintf(q, sizeof q, "Question %zu : comment mieux "
		    "accueillir ?", i + 1);
		op = TADD(q);
		table[i] = bs_cafe_op_wait(&y.loop, &y.fac, &op);
	}
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&y.loop, &y.fac, &op);
	bs_cafe_connect(&y.loop, &y.adder, 0, s.sock);
	bs_cafe_hello(&y.adder, "ecran", "Plume", NULL, 0);
	all[0] = &y.adder;
	bs_cafe_join_all(&y.loop, all, 1);
	for (i = 0; i < NTABLES; i++) {
		op = SIT(table[i], 0);
		seq = bs_cafe_op_wait(&y.loop, &y.adder, &op);
		if (i == 0)
			first = seq + 1;
		fill(&y, table[i], ncards / NTABLES);
	}
	op = SIT(table[0], 0);
	bs_cafe_op_wait(&y.loop, &y.adder, &op);

	/* The readers join; each sits somewhere, then is seated at 1. */
	for (i = 0; i < NCLIENTS; i++)
		tty_spawn(&y, (int)i, bd->client, &s);
	for (next = ts_now_ms() + BS_SETUP_MS; !all_seated(&y); ) {
		tty_pump(&y, 20);
		if (ts_now_ms() > next)
			bs_die("the clients did not all sit down");
	}
	for (i = 0; i < NCLIENTS; i++) {
		op = SIT(table[0], y.seated[i]);
		bs_cafe_op_wait(&y.loop, &y.fac, &op);
	}
	tty_settle(&y, 15000);

	/* Remote cards below the fold, then edits of a visible one. */
	remote(&y, bd->label, ncards, "remote card.add", table[0], 0, events);
	remote(&y, bd->label, ncards, "remote card.edit", table[0], first,
	    events);

	if (countdown) {
		op = TIMER(TIMER_START, 600, "Idées");
		bs_cafe_op_wait(&y.loop, &y.fac, &op);
		tty_wait(&y, 2500);
		tty_sample(&y, &c0, &b0, &r0, &w0);
		tty_wait(&y, countdown_s * 1000);
		tty_sample(&y, &c1, &b1, &r1, &w1);
		bs_put("countdown, 10 min left: terminal writes", bd->label,
		    (w1 - w0) / NCLIENTS * 60.0 / countdown_s,
		    "per minute");
		bs_put("countdown, 10 min left: pty reads", bd->label,
		    (r1 - r0) / NCLIENTS * 60.0 / countdown_s, "per minute");
		bs_put("countdown, 10 min left: terminal bytes", bd->label,
		    (b1 - b0) / NCLIENTS * 60.0 / countdown_s, "per minute");
	}
	tty_stop(&y);
	bs_conn_close(&y.loop, &y.fac);
	bs_conn_close(&y.loop, &y.adder);
	bs_loop_free(&y.loop);
	if (y.dump != NULL)
		fclose(y.dump);
	bs_server_stop(&s, SIGTERM);
	bs_server_cleanup(&s);
}

/* Every configuration on every build, then the table. */
int
main(void)
{
	struct bs_build	builds[BS_MAX_BUILDS];
	int		nb, b;
	bool		quick = bs_quick();

	bs_begin("a real client under a terminal");
	srandom((unsigned)getpid());
	nb = bs_builds(builds);
	for (b = 0; b < nb; b++) {
		if (builds[b].client == NULL) {
			bs_note("100-card board: client CPU", builds[b].label,
			    "no CB_BASE_CLIENT");
			continue;
		}
		run(&builds[b], 100, quick ? 20 : 50, true, quick ? 10 : 20);
		run(&builds[b], 2000, quick ? 20 : 50, false, 0);
	}
	bs_end();
	return 0;
}
