/*
 * bench_fanout.c -- fan-out at saturation over TCP loopback, against
 * redis-server (pub/sub) and nats-server in the same run.
 *
 * The swarm, the same for every system: N subscribers (50, 200, 1 000)
 * that only read, and 2 publishers that each keep 256 messages in flight
 * (cafeboard: card.adds until their own EVENT is back; redis: PUBLISHes
 * until their replies; nats: PUBs followed by a PING every 64, until the
 * PONG).  A cafeboard message is a card.add of a 40-character idea (its
 * EVENT is 55 to 60 bytes framed, as seqs grow); an anchor's is a 60-byte
 * payload.  One
 * process runs every client on one epoll loop.  Each run publishes until
 * the subscribers have had about 3 M deliveries (capped at 10 s of
 * publishing) and ends when the last one has arrived.  A run at 50
 * subscribers lasts half a second, which this shared machine's noise
 * swamps: at 50 and 200 subscribers every configuration runs three
 * times, each repeat of each in turn, and the figures are the medians;
 * 1 000 subscribers (where the systems differ several-fold, and setting
 * up costs most) and CB_BENCH_QUICK run once.
 * Prints, per subscriber count and, for cafeboard, per --fsync policy
 * (never, always):
 *
 *   deliveries/s      messages received by all subscribers, per second
 *   server CPU        user + system seconds per 1 M deliveries
 *                     (/proc/PID/stat, every thread)
 *   bytes/delivery    what a subscriber reads per message
 *   syscalls          per delivery, and the epoll_ctl among them, when
 *                     perf can count the server's syscalls (200
 *                     subscribers only; "-" otherwise)
 *
 * The anchors are skipped with a note when not installed (Debian's
 * redis-server and nats-server packages).  Asserts nothing about time.
 *
 * For iteration, two environment variables narrow a run:
 *   CB_BENCH_SUBS=50,200   the subscriber counts, comma-separated (default
 *                          50, 200 and 1 000; 200 with CB_BENCH_QUICK);
 *   CB_BENCH_TARGET=3000000 the deliveries each run aims at (default 3 M;
 *                          1 M with CB_BENCH_QUICK).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsupport.h"
#include "tsupport.h"

#define NPUB		2
#define WINDOW		256
#define NATS_BATCH	64
#define PAYLOAD		60
#define SEND_CAP_MS	10000
#define DRAIN_MS	30000
#define MAX_SIZES	8
#define REPEATS		3
#define MAX_CONFIGS	(2 * BS_MAX_BUILDS + 2)

/* One run's swarm. */
struct swarm {
	struct bs_loop	 loop;
	struct bs_conn	*sub;
	size_t		 nsub;
	struct bs_conn	 pub[NPUB];
	struct bs_conn	 fac;
	uint64_t	 table;		/* cafeboard: where the ideas go */
	uint64_t	 sent[NPUB];	/* messages published */
	uint64_t	 acked[NPUB];	/* cafeboard: own events back */
	uint64_t	 deliveries;	/* to subscribers */
	uint64_t	 sub_bytes;	/* subscribers' bytes at the start */
	int64_t		 last_us;	/* the last delivery */
};

/* Count what the subscribers get and the publishers' own events. */
static void
fanout_frame(void *arg, struct bs_conn *c, uint8_t type, const uint8_t *body,
    size_t len, const struct bs_event *e, int64_t t)
{
	struct swarm	*w = arg;

	(void)body;
	(void)len;
	if (c->idx >= 0) {
		if ((type == PROTO_EVENT && e != NULL && e->kind ==
		    OP_CARD_ADD) || type == 0) {
			w->deliveries++;
			w->last_us = t;
		}
		return;
	}
	if (c->idx <= -1 && c->idx >= -NPUB && e != NULL && e->origin ==
	    c->participant && e->op_id != 0)
		w->acked[-c->idx - 1]++;
}

/* The 40-character idea number n. */
static void
idea(char *buf, size_t len, uint64_t n)
{
	snprintf(buf, len, "Idée %05u : un guichet unique en mairie",
	    (unsigned)(n % 100000));
}

/* Messages in flight for publisher i of a system. */
static uint64_t
inflight(struct swarm *w, enum bs_kind kind, int i)
{
	switch (kind) {
	case BS_CAFE:
		return w->sent[i] - w->acked[i];
	case BS_REDIS:
		return w->sent[i] - w->pub[i].acks;
	case BS_NATS:
		return w->sent[i] - w->pub[i].acks * NATS_BATCH;
	}
	return 0;
}

/* Publish up to quota messages per publisher as fast as acks allow. */
static void
publish(struct swarm *w, enum bs_kind kind, uint64_t quota, int64_t t0)
{
	struct proto_buf	 b;
	struct proto_op		 op;
	char			 text[PROTO_CARD_MAX], payload[PAYLOAD + 1];
	char			 msg[256];

	size_t			 n;
	int			 i;
	bool			 more = true;

	proto_buf_init(&b);
	memset(payload, 'x', PAYLOAD);
	payload[PAYLOAD] = '\0';
	while (more) {
		more = false;
		if (ts_now_us() - t0 > SEND_CAP_MS * 1000LL)
			break;
		for (i = 0; i < NPUB; i++) {
			proto_buf_reset(&b);
			while (w->sent[i] < quota &&
			    inflight(w, kind, i) < WINDOW) {
				w->sent[i]++;
				if (kind == BS_CAFE) {
					idea(text, sizeof text, w->sent[i]);
					op = ADD(w->table, text, 0);
					proto_enc_op(&b, ++w->pub[i].next_op,
					    &op);
					continue;
				}
				n = bs_anchor_publish(kind, msg, sizeof msg,
				    payload, PAYLOAD);
				if (kind == BS_NATS && w->sent[i] %
				    NATS_BATCH == 0)
					n += bs_anchor_sync(kind, msg + n,
					    sizeof msg - n);
				if (b.cap - b.len < n) {
					b.cap = (b.len + n) * 2;
					b.data = realloc(b.data, b.cap);
				}
				memcpy(b.data + b.len, msg, n);
				b.len += n;
			}
			if (b.len > 0 && bs_send_all(w->pub[i].fd, b.data,
			    b.len) != 0)
				bs_die("publish: %s", strerror(errno));
			if (w->sent[i] < quota)
				more = true;
		}
		if (bs_loop_run(&w->loop, 1) != 0)
			bs_die("a connection closed during the run");
	}
	proto_buf_free(&b);
}

/* True once every published message reached every subscriber. */
static bool
all_delivered(void *arg)
{
	const struct swarm	*w = arg;
	uint64_t		 sent = 0;
	int			 i;

	for (i = 0; i < NPUB; i++)
		sent += w->sent[i];
	return w->deliveries >= sent * w->nsub;
}

/* Connect the swarm to a cafeboard server and seat the publishers. */
static void
cafe_swarm(struct swarm *w, struct bs_server *s)
{
	struct bs_conn	**all;
	struct proto_op	  op;
	char		  name[32];
	size_t		  i;
	uint64_t	  table;

	bs_cafe_connect(&w->loop, &w->fac, s->port, NULL);
	w->fac.idx = -100;
	bs_cafe_hello(&w->fac, "bench", "Animatrice", s->key, 0);
	all = calloc(w->nsub + 1, sizeof *all);
	all[0] = &w->fac;
	bs_cafe_join_all(&w->loop, all, 1);
	op = TADD("Comment mieux accueillir ?");
	table = bs_cafe_op_wait(&w->loop, &w->fac, &op);
	op = PHASE(PHASE_IDEAS);
	bs_cafe_op_wait(&w->loop, &w->fac, &op);
	for (i = 0; i < NPUB; i++) {
		bs_cafe_connect(&w->loop, &w->pub[i], s->port, NULL);
		w->pub[i].idx = -(int)i - 1;
		snprintf(name, sizeof name, "Voix %zu", i + 1);
		bs_cafe_hello(&w->pub[i], "bench", name, NULL, 0);
		all[0] = &w->pub[i];
		bs_cafe_join_all(&w->loop, all, 1);
		op = SIT(table, 0);
		bs_cafe_op_wait(&w->loop, &w->pub[i], &op);
		w->acked[i] = 0;
	}
	for (i = 0; i < w->nsub; i++) {
		bs_cafe_connect(&w->loop, &w->sub[i], s->port, NULL);
		w->sub[i].idx = (int)i;
		snprintf(name, sizeof name, "Lecteur %zu", i + 1);
		bs_cafe_hello(&w->sub[i], "bench", name, NULL, 0);
		all[i] = &w->sub[i];
	}
	bs_cafe_join_all(&w->loop, all, w->nsub);
	free(all);
	w->table = table;
}

/* Connect the swarm to an anchor. */
static void
anchor_swarm(struct swarm *w, struct bs_server *s)
{
	size_t	i;

	for (i = 0; i < w->nsub; i++) {
		bs_anchor_connect(&w->loop, &w->sub[i], s->kind, s->port);
		w->sub[i].idx = (int)i;
		bs_anchor_subscribe(&w->loop, &w->sub[i]);
	}
	for (i = 0; i < NPUB; i++) {
		bs_anchor_connect(&w->loop, &w->pub[i], s->kind, s->port);
		w->pub[i].idx = -(int)i - 1;
	}
}

/* One run's figures. */
struct figs {
	double	rate;		/* deliveries per second */
	double	cpu;		/* server seconds per 1 M deliveries */
	double	bytes;		/* per delivery */
	double	sys, ectl;	/* syscalls and epoll_ctl per delivery */
	bool	has_sys;
};

/*
 * One run: nsub subscribers on server s, its figures in *out (syscalls
 * counted when count_sys and perf can); a line under system.
 */
static void
run(struct bs_server *s, const char *system, size_t nsub, const char *fsync,
    uint64_t target, bool count_sys, struct figs *out)
{
	struct swarm	 w;
	struct bs_sys	 sys;
	double		 cpu0, cpu1, dt, total = 0, ectl = 0;
	uint64_t	 quota, bytes = 0;
	int64_t		 t0, quiet;
	size_t		 i;

	memset(&w, 0, sizeof w);
	w.nsub = nsub;
	w.sub = calloc(nsub, sizeof *w.sub);
	bs_loop_init(&w.loop, fanout_frame, &w);
	if (s->kind == BS_CAFE)
		cafe_swarm(&w, s);
	else
		anchor_swarm(&w, s);
	/* Let what the joins sent settle before measuring. */
	for (quiet = ts_now_ms() + 300; ts_now_ms() < quiet; )
		bs_loop_run(&w.loop, 50);
	w.deliveries = 0;
	for (i = 0; i < nsub; i++)
		w.sub_bytes += w.sub[i].bytes;
	quota = (target / nsub + NPUB - 1) / NPUB;
	if (count_sys)
		bs_sys_begin(&sys, s->pid);
	cpu0 = bs_proc_cpu(s->pid);
	t0 = ts_now_us();
	publish(&w, s->kind, quota, t0);
	if (!bs_loop_until(&w.loop, all_delivered, &w, DRAIN_MS))
		fprintf(stderr, "%s: not every message arrived\n", system);
	cpu1 = bs_proc_cpu(s->pid);
	dt = (double)(w.last_us - t0) / 1e6;
	if (count_sys && bs_sys_end(&sys, &total, &ectl) != 0)
		count_sys = false;
	for (i = 0; i < nsub; i++)
		bytes += w.sub[i].bytes;
	bytes -= w.sub_bytes;

	out->rate = (double)w.deliveries / dt;
	out->cpu = (cpu1 - cpu0) / (double)w.deliveries * 1e6;
	out->bytes = (double)bytes / (double)w.deliveries;
	out->has_sys = count_sys;
	out->sys = total / (double)w.deliveries;
	out->ectl = ectl / (double)w.deliveries;
	printf("  %-5s %4zu subscribers, fsync %-6s %9.0f deliveries/s "
	    "(%llu in %.2f s)\n", system, nsub, fsync,
	    (double)w.deliveries / dt, (unsigned long long)w.deliveries, dt);
	for (i = 0; i < nsub; i++)
		bs_conn_close(&w.loop, &w.sub[i]);
	for (i = 0; i < NPUB; i++)
		bs_conn_close(&w.loop, &w.pub[i]);
	if (s->kind == BS_CAFE)
		bs_conn_close(&w.loop, &w.fac);
	bs_loop_free(&w.loop);
	free(w.sub);
}

/* The median of n values (n <= REPEATS) that get picks from v. */
static double
median(const struct figs *v, int n, double (*get)(const struct figs *))
{
	double	x[REPEATS], t;
	int	i, j;

	for (i = 0; i < n; i++) {
		x[i] = get(&v[i]);
		for (j = i; j > 0 && x[j - 1] > x[j]; j--) {
			t = x[j];
			x[j] = x[j - 1];
			x[j - 1] = t;
		}
	}
	return x[n / 2];
}

/* Deliveries per second, for median. */
static double
fig_rate(const struct figs *f)
{
	return f->rate;
}

/* Server CPU per 1 M deliveries, for median. */
static double
fig_cpu(const struct figs *f)
{
	return f->cpu;
}

/* Bytes per delivery, for median. */
static double
fig_bytes(const struct figs *f)
{
	return f->bytes;
}

/* Put one configuration's medians (syscalls: the first run counted them). */
static void
put_medians(const struct figs *v, int n, const char *system, size_t nsub,
    const char *fsync)
{
	char	fig[96];

	snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: deliveries",
	    nsub, fsync);
	bs_put(fig, system, median(v, n, fig_rate), "/s");
	snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: server CPU",
	    nsub, fsync);
	bs_put(fig, system, median(v, n, fig_cpu), "s per 1M");
	snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: bytes",
	    nsub, fsync);
	bs_put(fig, system, median(v, n, fig_bytes), "per delivery");
	if (!v[0].has_sys)
		return;
	snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: syscalls",
	    nsub, fsync);
	bs_put(fig, system, v[0].sys, "per delivery");
	snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: epoll_ctl",
	    nsub, fsync);
	bs_put(fig, system, v[0].ectl, "per delivery");
}

/*
 * The subscriber counts CB_BENCH_SUBS lists into sizes (at most MAX_SIZES);
 * how many, or 0 when it is unset.  Dies on a list that is not counts.
 */
static size_t
env_sizes(size_t *sizes)
{
	const char	*e = getenv("CB_BENCH_SUBS"), *p;
	char		*end;
	unsigned long	 v;
	size_t		 n = 0;

	if (e == NULL || e[0] == '\0')
		return 0;
	for (p = e; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		errno = 0;
		v = strtoul(p, &end, 10);
		if (end == p || errno != 0 || v == 0 || v > 100000 ||
		    (*end != ',' && *end != '\0') || n == MAX_SIZES)
			bs_die("CB_BENCH_SUBS: up to %d counts, comma-separated: "
			    "%s", MAX_SIZES, e);
		sizes[n++] = v;
	}
	return n;
}

/* The deliveries a run aims at: CB_BENCH_TARGET, or def. */
static uint64_t
env_target(uint64_t def)
{
	const char	*e = getenv("CB_BENCH_TARGET");
	char		*end;
	unsigned long long v;

	if (e == NULL || e[0] == '\0')
		return def;
	errno = 0;
	v = strtoull(e, &end, 10);
	if (end == e || *end != '\0' || errno != 0 || v == 0)
		bs_die("CB_BENCH_TARGET: a count of deliveries: %s", e);
	return v;
}

/* Every configuration on every build, then the table. */
int
main(void)
{
	static const size_t	 full[] = { 50, 200, 1000 }, quick[] = { 200 };
	static const char	*fsyncs[] = { "never", "always" };
	struct bs_build		 builds[BS_MAX_BUILDS];
	struct bs_server	 s;
	size_t			 env[MAX_SIZES];
	const size_t		*sizes = bs_quick() ? quick : full;
	size_t			 nsizes = bs_quick() ? 1 : 3, z;
	uint64_t		 target = env_target(bs_quick() ? 1000000 :
				     3000000);
	int			 nb, b, f, nf = bs_quick() ? 1 : 2;
	int			 repeats;
	enum bs_kind		 k;

	if ((z = env_sizes(env)) > 0) {
		sizes = env;
		nsizes = z;
	}

	bs_begin("fan-out over TCP at saturation");
	bs_raise_nofile();
	srandom((unsigned)getpid());
	nb = bs_builds(builds);
	for (z = 0; z < nsizes; z++) {
		int		 nc = 0, c, rep;
		struct figs	 res[MAX_CONFIGS][REPEATS];
		const char	*label[MAX_CONFIGS], *pol[MAX_CONFIGS];
		bool		 absent[MAX_CONFIGS] = { false };

		repeats = bs_quick() || sizes[z] >= 1000 ? 1 : REPEATS;
		for (rep = 0; rep < repeats; rep++) {
			c = 0;
			for (f = 0; f < nf; f++) {
				for (b = 0; b < nb; b++, c++) {
					label[c] = builds[b].label;
					pol[c] = fsyncs[f];
					bs_cafe_start(&s, builds[b].server,
					    "--fsync", fsyncs[f],
					    "--ops-per-sec", "0",
					    "--queue-cap", "64M", NULL);
					run(&s, label[c], sizes[z], fsyncs[f],
					    target, rep == 0 && sizes[z] == 200,
					    &res[c][rep]);
					bs_server_stop(&s, SIGTERM);
					bs_server_cleanup(&s);
				}
			}
			for (k = BS_REDIS; k <= BS_NATS; k++, c++) {
				label[c] = k == BS_REDIS ? "redis" : "nats";
				pol[c] = "never";
				if (absent[c] || bs_anchor_start(&s, k) != 0) {
					absent[c] = true;
					continue;
				}
				run(&s, label[c], sizes[z], "never", target,
				    rep == 0 && sizes[z] == 200, &res[c][rep]);
				bs_server_stop(&s, SIGTERM);
				bs_server_cleanup(&s);
			}
			nc = c;
		}
		for (c = 0; c < nc; c++) {
			char fig[96];

			if (!absent[c]) {
				put_medians(res[c], repeats, label[c],
				    sizes[z], pol[c]);
				continue;
			}
			snprintf(fig, sizeof fig, "%zu subscribers, fsync %s: "
			    "deliveries", sizes[z], "never");
			bs_note(fig, label[c], "not installed");
		}
	}
	bs_end();
	return 0;
}
