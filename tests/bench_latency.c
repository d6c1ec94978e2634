/*
 * bench_latency.c -- latency to every recipient at realistic rates over
 * TCP loopback, against redis-server (pub/sub) and nats-server in the
 * same run.
 *
 * Two rooms: 60 clients each adding a card every 200 ms (300 events/s),
 * and 200 clients at the same pace (1 000 events/s), for 3 s, the sends
 * staggered over the period.  Every client both writes and reads: a
 * cafeboard client is a participant seated at one of 4 tables; a redis
 * client has a subscribed connection and one to PUBLISH on; a nats client
 * subscribes and publishes on one connection.  Messages are a
 * 40-character idea (cafeboard) or a 60-byte payload (anchors).  Each
 * configuration runs three times, interleaved with the others; prints,
 * per room, the medians of:
 *
 *   to all p50/p99/max  from the send to the moment the last of the N
 *                       clients (the sender's own copy included) has it
 *   lost                messages some client never had within 3 s
 *   server CPU          share of one core during the run
 *   syscalls            the server's, per delivery, and the epoll_ctl
 *                       among them (perf, when it can count them, in
 *                       the 200-client room's first repeat only: a
 *                       server perf counts is a loaded one)
 *
 * cafeboard runs twice per room: with --fsync always (its default: an
 * event is on disk before anyone hears of it, so every figure includes a
 * fdatasync) and with --fsync never, which keeps what redis's pub/sub and
 * nats keep (nothing on disk): the anchors sit on the "fsync never" rows.
 *
 * One process runs every client on one epoll loop, so its own work is in
 * every figure, the same for every system.  Asserts nothing about time.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NTABLES		4
#define MAX_OPS		256
#define PAYLOAD		60
#define MAX_PARTICIPANT	4096
#define DRAIN_MS	3000
#define MAX_REPEATS	5
#define MAX_CONFIGS	(2 * BS_MAX_BUILDS + 2)

/* One room's clients and what they measured. */
struct room {
	struct bs_loop	 loop;
	enum bs_kind	 kind;
	size_t		 n;
	struct bs_conn	*in;		/* what each client reads on */
	struct bs_conn	*out;		/* what it publishes on (redis) */
	struct bs_conn	 fac;
	uint64_t	*table;		/* cafeboard: where each one sits */
	int		 by_participant[MAX_PARTICIPANT];
	int64_t		(*sent_us)[MAX_OPS];
	uint16_t	(*got)[MAX_OPS];
	uint32_t	*next_op;
	int64_t		*lat;
	size_t		 nlat;
	uint64_t	 sent, deliveries;
};

/* One message reached one client: when all have it, a sample. */
static void
arrived(struct room *r, int sender, uint32_t op, int64_t t)
{
	if (sender < 0 || (size_t)sender >= r->n || op == 0 || op >= MAX_OPS ||
	    r->sent_us[sender][op] == 0)
		return;
	r->deliveries++;
	if (++r->got[sender][op] == r->n)
		r->lat[r->nlat++] = t - r->sent_us[sender][op];
}

/* Match cafeboard events and anchor payloads to their send. */
static void
latency_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct room	*r = arg;
	char		 buf[32];
	int		 sender;
	unsigned	 op;

	if (c->idx < 0)
		return;
	if (type == PROTO_EVENT && e != NULL && e->kind == OP_CARD_ADD &&
	    e->origin < MAX_PARTICIPANT) {
		arrived(r, r->by_participant[e->origin], e->op_id, t);
		return;
	}
	if (type == 0 && len >= 16) {
		memcpy(buf, body, 16);
		buf[16] = '\0';
		if (sscanf(buf, "%d %u", &sender, &op) == 2)
			arrived(r, sender, op, t);
	}
}

/* Seat n cafeboard clients at the tables of a new board. */
static void
cafe_room(struct room *r, struct bs_server *s)
{
	struct bs_conn	**all;
	struct proto_op	  op;
	uint64_t	  table[NTABLES];
	char		  name[32], q[64];
	size_t		  i;

	bs_cafe_connect(&r->loop, &r->fac, s->port, NULL);
	r->fac.idx = -1;
	bs_cafe_hello(&r->fac, "latence", "Animatrice", s->key, 0);
	all = calloc(r->n + 1, sizeof *all);
	all[0] = &r->fac;
	bs_cafe_join_all(&r->loop, all, 1);
	for (i = 0; i < NTABLES; i++) {
		snprintf(q, sizeof q, "Question %zu ?", i + 1);
		op = TADD(q);
		table[i] = bs_cafe_op_wait(&r->loop, &r->fac, &op);
	}
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&r->loop, &r->fac, &op);
	for (i = 0; i < r->n; i++) {
		bs_cafe_connect(&r->loop, &r->in[i], s->port, NULL);
		r->in[i].idx = (int)i;
		snprintf(name, sizeof name, "Personne %zu", i + 1);
		bs_cafe_hello(&r->in[i], "latence", name, NULL, 0);
		all[i] = &r->in[i];
	}
	bs_cafe_join_all(&r->loop, all, r->n);
	for (i = 0; i < r->n; i++) {
		if (r->in[i].participant < MAX_PARTICIPANT)
			r->by_participant[r->in[i].participant] = (int)i;
		r->table[i] = table[i % NTABLES];
		op = SIT(r->table[i], 0);
		bs_cafe_op_wait(&r->loop, &r->in[i], &op);
	}
	free(all);
}

/* Connect n anchor clients. */
static void
anchor_room(struct room *r, struct bs_server *s)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		bs_anchor_connect(&r->loop, &r->in[i], s->kind, s->port);
		r->in[i].idx = (int)i;
		bs_anchor_subscribe(&r->loop, &r->in[i]);
		if (s->kind != BS_REDIS)
			continue;
		bs_anchor_connect(&r->loop, &r->out[i], s->kind, s->port);
		r->out[i].idx = -1;
	}
}

/* Client i sends its next message. */
static void
send_one(struct room *r, size_t i)
{
	struct proto_op	 op;
	char		 text[PROTO_CARD_MAX], payload[PAYLOAD + 64], msg[256];
	uint32_t	 id;
	size_t		 n;
	int64_t		 t = ts_now_us();

	if (r->kind == BS_CAFE) {
		/* Its op_id follows the setup's. */
		if ((id = r->in[i].next_op + 1) >= MAX_OPS)
			return;
		snprintf(text, sizeof text, "Idée %05u : un guichet unique "
		    "en mairie", (unsigned)(i * MAX_OPS + id) % 100000);
		op = ADD(r->table[i], text, 0);
		r->sent_us[i][id] = t;
		r->sent++;
		bs_cafe_op(&r->in[i], &op);
		return;
	}
	if ((id = ++r->next_op[i]) >= MAX_OPS)
		return;
	r->sent_us[i][id] = t;
	r->sent++;
	snprintf(payload, sizeof payload, "%05zu %06u %-*s", i, id,
	    PAYLOAD - 13, "x");
	n = bs_anchor_publish(r->kind, msg, sizeof msg, payload, PAYLOAD);
	bs_send_all(r->kind == BS_REDIS ? r->out[i].fd : r->in[i].fd, msg, n);
}

/* What one run measured. */
struct result {
	double		 p50, p99, max;	/* ms */
	double		 lost;		/* messages */
	double		 cpu;		/* % of a core */
	double		 sys, ectl;	/* per delivery; < 0 when not counted */
};

/*
 * One room of n clients at rate messages/s each for seconds on server s
 * (system names it in the progress line): what it measured; with
 * count_sys, the server's syscalls too (perf attached: it loads the
 * server, so only one run of each counts them).
 */
static struct result
run(struct bs_server *s, const char *system, size_t n, double rate,
    const char *fsync, double seconds, bool count_sys)
{
	struct result	 res;
	struct room	 r;
	struct bs_sys	 sys;
	char		 label[64];
	int64_t		*next, t0, t, end, period, soon;
	double		 cpu0, cpu1, total = 0, ectl = 0;
	size_t		 i;

	memset(&r, 0, sizeof r);
	r.kind = s->kind;
	r.n = n;
	r.in = calloc(n, sizeof *r.in);
	r.out = calloc(n, sizeof *r.out);
	r.sent_us = calloc(n, sizeof *r.sent_us);
	r.got = calloc(n, sizeof *r.got);
	r.next_op = calloc(n, sizeof *r.next_op);
	r.table = calloc(n, sizeof *r.table);
	r.lat = calloc(n * MAX_OPS, sizeof *r.lat);
	next = calloc(n, sizeof *next);
	for (i = 0; i < MAX_PARTICIPANT; i++)
		r.by_participant[i] = -1;
	bs_loop_init(&r.loop, latency_frame, &r);
	if (s->kind == BS_CAFE)
		cafe_room(&r, s);
	else
		anchor_room(&r, s);
	for (soon = ts_now_ms() + 300; ts_now_ms() < soon; )
		bs_loop_run(&r.loop, 50);

	if (count_sys)
		bs_sys_begin(&sys, s->pid);
	period = (int64_t)(1e6 / rate);
	t0 = ts_now_us();
	end = t0 + (int64_t)(seconds * 1e6);
	for (i = 0; i < n; i++)
		next[i] = t0 + (int64_t)(i * (size_t)period / n);
	cpu0 = bs_proc_cpu(s->pid);
	while ((t = ts_now_us()) < end) {
		soon = end;
		for (i = 0; i < n; i++) {
			if (next[i] <= t) {
				send_one(&r, i);
				next[i] += period;
			}
			if (next[i] < soon)
				soon = next[i];
		}
		t = (soon - ts_now_us()) / 1000;
		if (bs_loop_run(&r.loop, t > 0 ? (int)t : 0) != 0)
			bs_die("a connection closed during the run");
	}
	cpu1 = bs_proc_cpu(s->pid);
	for (soon = ts_now_ms() + DRAIN_MS; ts_now_ms() < soon &&
	    r.nlat < r.sent; )
		bs_loop_run(&r.loop, 20);
	if (count_sys && bs_sys_end(&sys, &total, &ectl) != 0)
		count_sys = false;
	bs_sort(r.lat, r.nlat);

	snprintf(label, sizeof label, "%zu clients x %.0f/s, fsync %s", n,
	    rate, fsync);
	res.p50 = (double)bs_pctl(r.lat, r.nlat, 0.50) / 1000.0;
	res.p99 = (double)bs_pctl(r.lat, r.nlat, 0.99) / 1000.0;
	res.max = r.nlat > 0 ? (double)r.lat[r.nlat - 1] / 1000.0 : 0;
	res.lost = (double)(r.sent - r.nlat);
	res.cpu = 100.0 * (cpu1 - cpu0) / seconds;
	res.sys = count_sys ? total / (double)r.deliveries : -1;
	res.ectl = count_sys ? ectl / (double)r.deliveries : -1;
	printf("  %-5s %s: p50 %.2f ms, p99 %.2f ms (%zu of %llu)\n", system,
	    label, (double)bs_pctl(r.lat, r.nlat, 0.50) / 1000.0,
	    (double)bs_pctl(r.lat, r.nlat, 0.99) / 1000.0, r.nlat,
	    (unsigned long long)r.sent);
	for (i = 0; i < n; i++) {
		bs_conn_close(&r.loop, &r.in[i]);
		if (s->kind == BS_REDIS)
			bs_conn_close(&r.loop, &r.out[i]);
	}
	if (s->kind == BS_CAFE)
		bs_conn_close(&r.loop, &r.fac);
	bs_loop_free(&r.loop);
	free(r.in);
	free(r.out);
	free(r.sent_us);
	free(r.got);
	free(r.next_op);
	free(r.table);
	free(r.lat);
	free(next);
	return res;
}

/* Sort doubles for a median. */
static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values at v[0], v[stride], ... (n <= MAX_REPEATS). */
static double
median(const double *v, size_t stride, int n)
{
	double	tmp[MAX_REPEATS];
	int	i;

	for (i = 0; i < n; i++)
		tmp[i] = v[(size_t)i * stride];
	qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
	return n % 2 == 1 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

/*
 * Put one configuration's figures: the medians of its repeats; the
 * syscalls of the first, the one that counted them.
 */
static void
put_medians(const struct result *res, int n, const char *system,
    size_t clients, const char *fsync)
{
	size_t	stride = sizeof *res / sizeof(double);
	char	fig[128], label[64];

	snprintf(label, sizeof label, "%zu clients x 5/s, fsync %s", clients,
	    fsync);
	snprintf(fig, sizeof fig, "%s: to all, p50", label);
	bs_put(fig, system, median(&res[0].p50, stride, n), "ms");
	snprintf(fig, sizeof fig, "%s: to all, p99", label);
	bs_put(fig, system, median(&res[0].p99, stride, n), "ms");
	snprintf(fig, sizeof fig, "%s: to all, max", label);
	bs_put(fig, system, median(&res[0].max, stride, n), "ms");
	snprintf(fig, sizeof fig, "%s: lost", label);
	bs_put(fig, system, median(&res[0].lost, stride, n), "messages");
	snprintf(fig, sizeof fig, "%s: server CPU", label);
	bs_put(fig, system, median(&res[0].cpu, stride, n), "% of a core");
	if (res[0].sys < 0)
		return;
	snprintf(fig, sizeof fig, "%s: syscalls", label);
	bs_put(fig, system, res[0].sys, "per delivery");
	snprintf(fig, sizeof fig, "%s: epoll_ctl", label);
	bs_put(fig, system, res[0].ectl, "per delivery");
}

/*
 * Every configuration, repeated and interleaved (this, redis, nats, then
 * again), so that a burst of the shared machine's noise lands on one
 * repeat of each rather than on all of one: the figures are the medians
 * of the repeats (an older build, BASE, runs once: its 40 ms floor does
 * not need them, and the benchmark stays under two minutes).  Then the
 * table.
 */
int
main(void)
{
	static const size_t	 rooms[] = { 60, 200 };
	static const char	*fsyncs[] = { "never", "always" };
	struct bs_build		 builds[BS_MAX_BUILDS];
	struct bs_server	 s;
	struct result		 res[MAX_CONFIGS][MAX_REPEATS];
	const char		*names[MAX_CONFIGS], *pol[MAX_CONFIGS];
	bool			 skip[MAX_CONFIGS];
	int			 runs[MAX_CONFIGS];
	bool			 count;
	double			 seconds = 3;
	int			 nb, b, f, z, nz = bs_quick() ? 1 : 2;
	int			 rep, nrep = bs_quick() ? 1 : 3, nc, k;
	enum bs_kind		 kind;
	char			 fig[96];

	bs_begin("latency over TCP, to every recipient");
	bs_raise_nofile();
	srandom((unsigned)getpid());
	nb = bs_builds(builds);
	for (z = 0; z < nz; z++) {
		memset(skip, 0, sizeof skip);
		memset(runs, 0, sizeof runs);
		for (rep = 0; rep < nrep; rep++) {
			nc = 0;
			count = rooms[z] == 200 && rep == 0;
			for (f = 0; f < 2; f++) {
				for (b = 0; b < nb; b++, nc++) {
					names[nc] = builds[b].label;
					pol[nc] = fsyncs[f];
					/* An older build, 40 ms slower, once. */
					if (b < nb - 1 && rep > 0)
						continue;
					bs_cafe_start(&s, builds[b].server,
					    "--fsync", fsyncs[f], NULL);
					res[nc][runs[nc]++] = run(&s,
					    builds[b].label, rooms[z], 5.0,
					    fsyncs[f], seconds, count);
					bs_server_stop(&s, SIGTERM);
					bs_server_cleanup(&s);
				}
			}
			for (kind = BS_REDIS; kind <= BS_NATS; kind++, nc++) {
				names[nc] = kind == BS_REDIS ? "redis" : "nats";
				pol[nc] = "never";
				if (skip[nc] || bs_anchor_start(&s, kind) != 0) {
					skip[nc] = true;
					continue;
				}
				res[nc][runs[nc]++] = run(&s, names[nc],
				    rooms[z], 5.0, "never", seconds, count);
				bs_server_stop(&s, SIGTERM);
				bs_server_cleanup(&s);
			}
		}
		for (k = 0; k < nc; k++) {
			if (!skip[k]) {
				put_medians(res[k], runs[k], names[k],
				    rooms[z], pol[k]);
				continue;
			}
			snprintf(fig, sizeof fig, "%zu clients x 5/s, fsync "
			    "never: to all, p99", rooms[z]);
			bs_note(fig, names[k], "not installed");
		}
	}
	bs_end();
	return 0;
}
