/*
 * test_rotation.c -- the table rotation keeps its rules and mixes people.
 *
 * Every seating is checked against the rules with code written apart from
 * rotation.c: hosts stay, travellers move, sizes as even as the rules allow,
 * everyone seated once, the same input gives the same output, as few
 * travellers as those sizes allow go back to a table they sat at while
 * another is new to them (a revisit: the least is found here by a min-cost
 * flow), and no single move or swap would lower the objective (revisits
 * first, then the sum over pairs at one table of w * w, w the times they
 * met, history plus the round ending now).  Tiny cases are compared with an
 * exhaustive search, and whole cafes are played for several rounds, with
 * and without hosts, and against the classic rotation.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "rotation.h"
#include "tsupport.h"
#include "xmalloc.h"

#define MAXN	96		/* people in a generated case */
#define MAXK	16		/* tables in a generated case */
#define MAXR	8		/* earlier rounds a person remembers */
#define UNKNOWN	4242		/* a table id that is not in tables[] */

/* A generated rotation problem, with its history. */
struct tcase {
	size_t			 n;
	size_t			 k;
	uint64_t		 tables[MAXK];
	struct rotation_person	 p[MAXN];
	uint32_t		 met[MAXN][MAXN];	/* by person number */
	uint64_t		 sat[MAXN][MAXR];	/* tables of earlier
							   rounds */
	bool			 history;	/* pass met to the rotation */
	unsigned long		 calls;
};

/* Participant id of person number i: distinct, non-zero, not dense. */
static uint32_t
pid(size_t i)
{
	return (uint32_t)(7 * i + 3);
}

/* Person number of a participant id. */
static size_t
pnum(uint32_t id)
{
	return (id - 3) / 7;
}

/* Table id of table number t: board order is not id order. */
static uint64_t
tid(size_t t)
{
	return 1000 - 13 * (uint64_t)t;
}

/* A small deterministic generator for the cases. */
static uint32_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*s >> 33);
}

/* The history callback: how often a and b met in earlier rounds. */
static uint32_t
tc_met(uint32_t a, uint32_t b, void *arg)
{
	struct tcase	*c = arg;

	c->calls++;
	cr_assert_neq(a, b, "met() called with one person twice");
	return c->met[pnum(a)][pnum(b)];
}

/* The input the rotation sees for this case. */
static struct rotation_in
tc_in(struct tcase *c)
{
	struct rotation_in	in;

	memset(&in, 0, sizeof in);
	in.tables = c->tables;
	in.ntables = c->k;
	in.people = c->p;
	in.npeople = c->n;
	in.met = c->history ? tc_met : NULL;
	in.met_arg = c;
	return in;
}

/* Table number of a table id, or -1. */
static int
tc_table(const struct tcase *c, uint64_t id)
{
	size_t	t;

	for (t = 0; t < c->k; t++) {
		if (c->tables[t] == id)
			return (int)t;
	}
	return -1;
}

/* Whether person i must stay where they are. */
static bool
tc_stays(const struct tcase *c, size_t i)
{
	return c->p[i].host && tc_table(c, c->p[i].table) >= 0;
}

/*
 * 1 when seating person i at table number t is a revisit: i sat there (now
 * or in an earlier round) and some table is new to i.
 */
static int
tc_old(const struct tcase *c, size_t i, int t)
{
	bool	seen[MAXK] = { false };
	size_t	j, u, count = 0;
	int	h;

	if (tc_stays(c, i))
		return 0;
	if ((h = tc_table(c, c->p[i].table)) >= 0)
		seen[h] = true;
	for (j = 0; j < c->p[i].nsat; j++) {
		if ((h = tc_table(c, c->p[i].sat[j])) >= 0)
			seen[h] = true;
	}
	for (u = 0; u < c->k; u++)
		count += seen[u];
	return count < c->k && seen[t] ? 1 : 0;
}

/* True when someone remembers an earlier round's table. */
static bool
tc_has_sat(const struct tcase *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++) {
		if (c->p[i].nsat > 0)
			return true;
	}
	return false;
}

/* Revisits of a seating. */
static size_t
tc_revisits(const struct tcase *c, const int *seat)
{
	size_t	i, n = 0;

	for (i = 0; i < c->n; i++)
		n += (size_t)tc_old(c, i, seat[i]);
	return n;
}

/* Times i and j met, history plus the round ending now. */
static uint64_t
tc_w(const struct tcase *c, size_t i, size_t j)
{
	uint64_t	w = 0;

	if (c->history)
		w = c->met[pnum(c->p[i].id)][pnum(c->p[j].id)];
	if (c->p[i].table == c->p[j].table && tc_table(c, c->p[i].table) >= 0)
		w++;
	return w;
}

/* The objective: over pairs at one table, w squared. */
static uint64_t
tc_penalty(const struct tcase *c, const int *seat)
{
	uint64_t	s = 0, w;
	size_t		i, j;

	for (i = 0; i < c->n; i++) {
		for (j = i + 1; j < c->n; j++) {
			if (seat[i] != seat[j])
				continue;
			w = tc_w(c, i, j);
			s += w * w;
		}
	}
	return s;
}

/* Repeat encounters: over pairs at one table, w. */
static uint64_t
tc_repeats(const struct tcase *c, const int *seat)
{
	uint64_t	s = 0;
	size_t		i, j;

	for (i = 0; i < c->n; i++) {
		for (j = i + 1; j < c->n; j++) {
			if (seat[i] == seat[j])
				s += tc_w(c, i, j);
		}
	}
	return s;
}

/* Largest minus smallest table size. */
static long
tc_spread(const struct tcase *c, const int *seat)
{
	long	size[MAXK] = { 0 }, min, max;
	size_t	i, t;

	for (i = 0; i < c->n; i++)
		size[seat[i]]++;
	min = max = size[0];
	for (t = 1; t < c->k; t++) {
		if (size[t] < min)
			min = size[t];
		if (size[t] > max)
			max = size[t];
	}
	return max - min;
}

/*
 * The smallest spread the rules allow.  Table t keeps its hosts and can take
 * any traveller who does not sit there now, so its size lies in [lo, hi];
 * with two or more tables any sizes in those ranges adding up to n can be
 * filled (Hall).  Try every spread d and lowest size L in turn.
 */
static long
tc_min_spread(const struct tcase *c)
{
	long	lo[MAXK] = { 0 }, hi[MAXK], n = (long)c->n, trav = 0;
	long	d, L, a, b, suma, sumb;
	size_t	i, t;
	int	h;
	bool	ok;

	if (c->k == 1)
		return 0;
	for (i = 0; i < c->n; i++) {
		if (!tc_stays(c, i))
			trav++;
	}
	for (t = 0; t < c->k; t++)
		hi[t] = trav;
	for (i = 0; i < c->n; i++) {
		h = tc_table(c, c->p[i].table);
		if (tc_stays(c, i))
			lo[h]++;
		else if (h >= 0)
			hi[h]--;
	}
	for (t = 0; t < c->k; t++)
		hi[t] += lo[t];
	for (d = 0; d <= n; d++) {
		for (L = 0; L <= n; L++) {
			ok = true;
			suma = sumb = 0;
			for (t = 0; t < c->k && ok; t++) {
				a = lo[t] > L ? lo[t] : L;
				b = hi[t] < L + d ? hi[t] : L + d;
				ok = a <= b;
				suma += a;
				sumb += b;
			}
			if (ok && suma <= n && n <= sumb)
				return d;
		}
	}
	cr_assert_fail("no spread fits");
	return -1;
}

/* A small min-cost flow network, for the least revisits. */
#define FL_NODES	(MAXN + MAXK + 2)
#define FL_EDGES	(2 * (MAXN + MAXN * MAXK + 2 * MAXK))

struct flow {
	int	 nodes;
	int	 edges;
	int	 head[FL_NODES];
	int	 next[FL_EDGES];
	int	 to[FL_EDGES];
	int	 cap[FL_EDGES];
	long	 cost[FL_EDGES];
};

/* An edge a -> b and its residual twin. */
static void
fl_edge(struct flow *f, int a, int b, int cap, long cost)
{
	int	e = f->edges;

	cr_assert_lt(e + 1, FL_EDGES);
	f->to[e] = b;
	f->cap[e] = cap;
	f->cost[e] = cost;
	f->next[e] = f->head[a];
	f->head[a] = e;
	f->to[e + 1] = a;
	f->cap[e + 1] = 0;
	f->cost[e + 1] = -cost;
	f->next[e + 1] = f->head[b];
	f->head[b] = e + 1;
	f->edges += 2;
}

/*
 * Push up to want units from s to t, one shortest (Bellman-Ford) path at a
 * time; the cost of what went through, *got the units.
 */
static long
fl_run(struct flow *f, int s, int t, int want, int *got)
{
	long	dist[FL_NODES], total = 0;
	int	via[FL_NODES], v, e, n;
	bool	changed;

	for (*got = 0; *got < want; (*got)++) {
		for (v = 0; v < f->nodes; v++) {
			dist[v] = LONG_MAX;
			via[v] = -1;
		}
		dist[s] = 0;
		for (n = 0, changed = true; changed && n < f->nodes; n++) {
			changed = false;
			for (v = 0; v < f->nodes; v++) {
				if (dist[v] == LONG_MAX)
					continue;
				for (e = f->head[v]; e != -1; e = f->next[e]) {
					if (f->cap[e] > 0 && dist[v] +
					    f->cost[e] < dist[f->to[e]]) {
						dist[f->to[e]] = dist[v] +
						    f->cost[e];
						via[f->to[e]] = e;
						changed = true;
					}
				}
			}
		}
		if (dist[t] == LONG_MAX)
			break;
		for (v = t; v != s; v = f->to[e ^ 1]) {
			e = via[v];
			f->cap[e]--;
			f->cap[e ^ 1]++;
		}
		total += dist[t];
	}
	return total;
}

/*
 * The fewest revisits of any seating that keeps the rules: hosts stay,
 * travellers move, table sizes within spread d at some level L.  For each
 * level, a min-cost flow from the travellers to the tables (a revisit
 * costs 1) whose table edges carry the level's lower bound at a price
 * that no revisit can outweigh.  -1 when no level fits.
 */
static long
tc_min_revisits(const struct tcase *c, long d)
{
	static struct flow	f;
	long			lo[MAXK] = { 0 }, hi[MAXK];
	long			hosts[MAXK] = { 0 };
	long			n = (long)c->n, L, a[MAXK], b[MAXK], sa, sb;
	long			big, need, cost, best = -1;
	size_t			i, t;
	int			h, trav = 0, got, sink, node[MAXN];

	for (i = 0; i < c->n; i++) {
		if (!tc_stays(c, i))
			trav++;
	}
	for (t = 0; t < c->k; t++)
		hi[t] = trav;
	for (i = 0; i < c->n; i++) {
		h = tc_table(c, c->p[i].table);
		if (tc_stays(c, i))
			hosts[h]++;
		else if (h >= 0)
			hi[h]--;
	}
	for (t = 0; t < c->k; t++) {
		lo[t] = hosts[t];
		hi[t] += hosts[t];
	}
	big = trav + 1;
	for (L = 0; L <= n; L++) {
		sa = sb = 0;
		for (t = 0; t < c->k; t++) {
			a[t] = lo[t] > L ? lo[t] : L;
			b[t] = hi[t] < L + d ? hi[t] : L + d;
			sa += a[t];
			sb += b[t];
			if (a[t] > b[t])
				sa = n + 1;
		}
		if (sa > n || sb < n)
			continue;
		memset(&f, 0, sizeof f);
		f.nodes = 2 + trav + (int)c->k;
		sink = f.nodes - 1;
		for (h = 0; h < f.nodes; h++)
			f.head[h] = -1;
		for (h = 1, i = 0; i < c->n; i++) {
			if (tc_stays(c, i))
				continue;
			node[i] = h++;
			fl_edge(&f, 0, node[i], 1, 0);
			for (t = 0; t < c->k; t++) {
				if ((int)t != tc_table(c, c->p[i].table))
					fl_edge(&f, node[i], 1 + trav + (int)t,
					    1, tc_old(c, i, (int)t));
			}
		}
		need = 0;
		for (t = 0; t < c->k; t++) {
			fl_edge(&f, 1 + trav + (int)t, sink,
			    (int)(a[t] - hosts[t]), -big);
			fl_edge(&f, 1 + trav + (int)t, sink,
			    (int)(b[t] - a[t]), 0);
			need += a[t] - hosts[t];
		}
		cost = fl_run(&f, 0, sink, trav, &got) + big * need;
		if (got == trav && cost < big && (best < 0 || cost < best))
			best = cost;
	}
	return best;
}

/*
 * No single move of a traveller to another table (keeping the spread) and
 * no swap of two travellers at different tables lowers the objective.
 */
static void
tc_check_local(const struct tcase *c, const int *seat, long spread)
{
	static uint64_t	pen[MAXN][MAXN];
	int64_t		sum[MAXN][MAXK], d;
	long		size[MAXK] = { 0 }, min, max, z;
	size_t		i, j, t;
	int		a, b, hi, hj, o;

	if (c->k < 2)
		return;
	memset(sum, 0, sizeof sum);
	for (i = 0; i < c->n; i++) {
		size[seat[i]]++;
		for (j = 0; j < c->n; j++) {
			pen[i][j] = j == i ? 0 : tc_w(c, i, j) * tc_w(c, i, j);
			sum[i][seat[j]] += (int64_t)pen[i][j];
		}
	}
	for (i = 0; i < c->n; i++) {
		if (tc_stays(c, i))
			continue;
		a = seat[i];
		hi = tc_table(c, c->p[i].table);
		for (b = 0; b < (int)c->k; b++) {
			if (b == a || b == hi)
				continue;
			min = max = size[a] - 1;
			for (t = 0; t < c->k; t++) {
				z = size[t] - ((int)t == a) + ((int)t == b);
				min = z < min ? z : min;
				max = z > max ? z : max;
			}
			if (max - min > spread)
				continue;
			o = tc_old(c, i, b) - tc_old(c, i, a);
			cr_assert_geq(o, 0, "n=%zu k=%zu: moving %zu to %d "
			    "saves a revisit", c->n, c->k, i, b);
			d = sum[i][b] - sum[i][a];
			cr_assert(o > 0 || d >= 0, "n=%zu k=%zu: moving %zu "
			    "to %d gains %lld", c->n, c->k, i, b,
			    (long long)-d);
		}
		for (j = i + 1; j < c->n; j++) {
			if (tc_stays(c, j))
				continue;
			b = seat[j];
			hj = tc_table(c, c->p[j].table);
			if (b == a || b == hi || a == hj)
				continue;
			o = tc_old(c, i, b) - tc_old(c, i, a) +
			    tc_old(c, j, a) - tc_old(c, j, b);
			cr_assert_geq(o, 0, "n=%zu k=%zu: swapping %zu and %zu "
			    "saves a revisit", c->n, c->k, i, j);
			d = sum[i][b] - sum[i][a] + sum[j][a] - sum[j][b] -
			    2 * (int64_t)pen[i][j];
			cr_assert(o > 0 || d >= 0, "n=%zu k=%zu: swapping %zu "
			    "and %zu gains %lld", c->n, c->k, i, j,
			    (long long)-d);
		}
	}
}

/*
 * Rotate the case, check every rule, and leave the new table numbers in
 * seat[].  Returns the objective.
 */
static uint64_t
tc_rotate(struct tcase *c, int *seat, bool local)
{
	struct rotation_in	 in = tc_in(c);
	struct proto_pair	*out, *again;
	size_t			 i;
	int			 t, h;

	cr_assert_eq(rotation_compute(&in, &out), 0);
	cr_assert(c->n == 0 || out != NULL);
	for (i = 0; i < c->n; i++) {
		cr_assert_eq(out[i].a, c->p[i].id, "n=%zu k=%zu: person %zu "
		    "out of order", c->n, c->k, i);
		t = tc_table(c, out[i].b);
		cr_assert_geq(t, 0, "n=%zu k=%zu: person %zu at table %llu",
		    c->n, c->k, i, (unsigned long long)out[i].b);
		seat[i] = t;
		h = tc_table(c, c->p[i].table);
		if (tc_stays(c, i))
			cr_assert_eq(t, h, "n=%zu k=%zu: host %zu moved",
			    c->n, c->k, i);
		else if (c->k > 1)
			cr_assert_neq(t, h, "n=%zu k=%zu: traveller %zu "
			    "stayed", c->n, c->k, i);
	}
	if (c->k > 0)
		cr_assert_eq(tc_spread(c, seat), tc_min_spread(c),
		    "n=%zu k=%zu: spread %ld, best %ld", c->n, c->k,
		    tc_spread(c, seat), tc_min_spread(c));

	cr_assert_eq(rotation_cost(&in, out), tc_repeats(c, seat),
	    "n=%zu k=%zu: rotation_cost disagrees", c->n, c->k);
	cr_assert_eq(rotation_compute(&in, &again), 0);
	cr_assert(c->n == 0 ||
	    memcmp(out, again, c->n * sizeof *out) == 0,
	    "n=%zu k=%zu: two calls differ", c->n, c->k);
	if (local)
		tc_check_local(c, seat, tc_min_spread(c));
	cr_assert_eq(rotation_revisits(&in, out), tc_revisits(c, seat),
	    "n=%zu k=%zu: rotation_revisits disagrees", c->n, c->k);
	if (c->k > 1 && tc_has_sat(c))
		cr_assert_eq((long)tc_revisits(c, seat),
		    tc_min_revisits(c, tc_min_spread(c)), "n=%zu k=%zu: "
		    "%zu revisits where %ld are enough", c->n, c->k,
		    tc_revisits(c, seat), tc_min_revisits(c,
		    tc_min_spread(c)));
	free(out);
	free(again);
	return tc_penalty(c, seat);
}

/* Start a case with n people and k tables, nobody seated or hosting. */
static void
tc_init(struct tcase *c, size_t n, size_t k)
{
	size_t	t;

	memset(c, 0, sizeof *c);
	cr_assert_leq(n, MAXN);
	cr_assert_leq(k, MAXK);
	c->n = n;
	c->k = k;
	for (t = 0; t < k; t++)
		c->tables[t] = tid(t);
}

/* Seat person i at table number t (-1: a table not in tables[]). */
static void
tc_sit(struct tcase *c, size_t i, int t, bool host)
{
	c->p[i].id = pid(i);
	c->p[i].table = t < 0 ? UNKNOWN : c->tables[t];
	c->p[i].host = host;
	c->p[i].sat = c->sat[i];
}

/* Person i sat at table number t in an earlier round (-1: unknown). */
static void
tc_saw(struct tcase *c, size_t i, int t)
{
	cr_assert_lt(c->p[i].nsat, MAXR);
	c->p[i].sat = c->sat[i];
	c->sat[i][c->p[i].nsat++] = t < 0 ? UNKNOWN : c->tables[t];
}

/* Random history between people: a few pairs met once or twice. */
static void
tc_random_history(struct tcase *c, uint64_t seed)
{
	size_t	i, j;

	c->history = true;
	for (i = 0; i < c->n; i++) {
		for (j = i + 1; j < c->n; j++) {
			if (rnd(&seed) % 4 != 0)
				continue;
			c->met[i][j] = 1 + rnd(&seed) % 2;
			c->met[j][i] = c->met[i][j];
		}
	}
}

/*
 * The case of the property tests: n people, k tables, hosts as in mode
 * (0 none, 1 some, 2 one per table); seating round-robin, crowded on the
 * first tables, or round-robin with a few people at an unknown table.
 */
static void
tc_make(struct tcase *c, size_t n, size_t k, int mode)
{
	size_t	i, count[MAXK] = { 0 };
	int	shape = (int)((n + k) % 3), t;
	bool	host;

	tc_init(c, n, k);
	for (i = 0; i < n; i++) {
		if (shape == 1)
			t = (int)(i % (k / 2 + 1));
		else if (shape == 2 && i % 9 == 8)
			t = -1;
		else
			t = (int)(i % k);
		host = false;
		if (t >= 0 && mode == 1)
			host = t % 3 == 0 && count[t] < (t == 0 ? 2u : 1u);
		else if (t >= 0 && mode == 2)
			host = count[t] == 0;
		else if (t < 0 && mode == 1)
			host = i % 2 == 0;	/* a host at no known table */
		if (t >= 0)
			count[t]++;
		tc_sit(c, i, t, host);
	}
	if ((n * k) % 2 == 1)
		tc_random_history(c, n * 131 + k);
}

/* Check every size from 0 to 80 people and 1 to 8 tables in one mode. */
static void
tc_properties(int mode)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			n, k;

	for (k = 1; k <= 8; k++) {
		for (n = 0; n <= 80; n++) {
			tc_make(&c, n, k, mode);
			tc_rotate(&c, seat, true);
			/* Round-robin, at most a host per table: even. */
			if ((n + k) % 3 == 0 && mode != 1)
				cr_assert_leq(tc_spread(&c, seat), 1,
				    "n=%zu k=%zu", n, k);
		}
	}
}

Test(rotation, properties_without_hosts, .timeout = 300)
{
	tc_properties(0);
}

Test(rotation, properties_with_some_hosts, .timeout = 300)
{
	tc_properties(1);
}

Test(rotation, properties_with_a_host_per_table, .timeout = 300)
{
	tc_properties(2);
}

/* The best of a tiny case, by trying every seating. */
struct tc_best {
	long		 spread;
	size_t		 revisits;
	uint64_t	 pen;
};

/* Best spread, then revisits, then objective of a tiny case. */
static void
tc_exhaust(const struct tcase *c, size_t i, int *seat, struct tc_best *b)
{
	uint64_t	pen;
	size_t		rv;
	long		s;
	int		t, h;

	if (i == c->n) {
		s = tc_spread(c, seat);
		rv = tc_revisits(c, seat);
		pen = tc_penalty(c, seat);
		if (s < b->spread || (s == b->spread && (rv < b->revisits ||
		    (rv == b->revisits && pen < b->pen)))) {
			b->spread = s;
			b->revisits = rv;
			b->pen = pen;
		}
		return;
	}
	h = tc_table(c, c->p[i].table);
	if (tc_stays(c, i)) {
		seat[i] = h;
		tc_exhaust(c, i + 1, seat, b);
		return;
	}
	for (t = 0; t < (int)c->k; t++) {
		if (t == h)
			continue;
		seat[i] = t;
		tc_exhaust(c, i + 1, seat, b);
	}
}

Test(rotation, tiny_cases_match_exhaustive_search)
{
	static struct tcase	c;
	struct tc_best		b;
	int			seat[MAXN], any[MAXN];
	uint64_t		s = 99, pen;
	size_t			round, i, j, n, k;
	int			t;

	for (round = 0; round < 600; round++) {
		n = rnd(&s) % 8;
		k = 2 + rnd(&s) % 3;
		tc_init(&c, n, k);
		for (i = 0; i < n; i++) {
			t = (int)(rnd(&s) % (k + 1)) - 1;
			tc_sit(&c, i, t, rnd(&s) % 4 == 0);
		}
		if (round % 2 == 1)
			tc_random_history(&c, round);
		/* Two cases in three: tables of earlier rounds too. */
		for (i = 0; i < n && round % 3 != 0; i++) {
			for (j = rnd(&s) % 3; j > 0; j--)
				tc_saw(&c, i, (int)(rnd(&s) % (k + 1)) - 1);
		}
		pen = tc_rotate(&c, seat, true);
		b.spread = 1L << 30;
		b.revisits = SIZE_MAX;
		b.pen = UINT64_MAX;
		tc_exhaust(&c, 0, any, &b);
		cr_assert_eq(tc_spread(&c, seat), b.spread, "case %zu", round);
		cr_assert_eq(tc_revisits(&c, seat), b.revisits, "case %zu: "
		    "%zu revisits, best %zu", round, tc_revisits(&c, seat),
		    b.revisits);
		cr_assert_eq(pen, b.pen, "case %zu: objective %llu, best %llu",
		    round, (unsigned long long)pen,
		    (unsigned long long)b.pen);
	}
}

Test(rotation, order_of_people_does_not_matter)
{
	static struct tcase	c, d;
	struct rotation_in	in;
	struct proto_pair	*out, *pout;
	uint64_t		s = 5;
	size_t			i, j, perm[MAXN], tmp;

	tc_make(&c, 45, 5, 1);
	tc_random_history(&c, 3);
	for (i = 0; i < c.n; i++)
		perm[i] = i;
	for (i = c.n - 1; i > 0; i--) {
		j = rnd(&s) % (i + 1);
		tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	d = c;
	for (i = 0; i < c.n; i++)
		d.p[i] = c.p[perm[i]];
	in = tc_in(&c);
	cr_assert_eq(rotation_compute(&in, &out), 0);
	in = tc_in(&d);
	cr_assert_eq(rotation_compute(&in, &pout), 0);
	for (i = 0; i < c.n; i++) {
		cr_assert_eq(pout[i].a, out[perm[i]].a);
		cr_assert_eq(pout[i].b, out[perm[i]].b, "person %zu moved "
		    "elsewhere when listed elsewhere", perm[i]);
	}
	free(out);
	free(pout);
}

/*
 * A cafe played over several rounds.  Round one seats person i at table
 * i mod k, the first k people hosting when hosts is set; each rotation
 * sees the history of the rounds before the current one.
 */
struct cafe {
	size_t		 n;
	size_t		 k;
	bool		 hosts;
	size_t		 rounds;
	uint64_t	 repeats;	/* sum of rotation_cost */
	uint64_t	 trav_repeats;	/* the same, traveller pairs only */
	uint32_t	 most;		/* most times one pair met */
};

/* The classic rotation: traveller j of table t goes j mod (k - 1) + 1 on. */
static void
cafe_baseline(const struct tcase *c, int *seat)
{
	size_t	count[MAXK] = { 0 }, i;
	int	t;

	for (i = 0; i < c->n; i++) {
		t = tc_table(c, c->p[i].table);
		if (tc_stays(c, i))
			seat[i] = t;
		else
			seat[i] = (int)((t + 1 + count[t]++ % (c->k - 1)) %
			    c->k);
	}
}

/* Play the cafe with the rotation, or with the baseline. */
static void
cafe_play(struct cafe *f, bool baseline)
{
	static struct tcase	c;
	struct rotation_in	in;
	struct proto_pair	*out;
	int			seat[MAXN], next[MAXN];
	size_t			i, j, r;

	tc_init(&c, f->n, f->k);
	c.history = true;
	for (i = 0; i < f->n; i++) {
		seat[i] = (int)(i % f->k);
		tc_sit(&c, i, seat[i], f->hosts && i < f->k);
	}
	f->repeats = f->trav_repeats = 0;
	for (r = 1; r < f->rounds; r++) {
		if (baseline)
			cafe_baseline(&c, next);
		else
			tc_rotate(&c, next, true);
		out = calloc(f->n, sizeof *out);
		for (i = 0; i < f->n; i++) {
			out[i].a = c.p[i].id;
			out[i].b = c.tables[next[i]];
		}
		in = tc_in(&c);
		f->repeats += rotation_cost(&in, out);
		free(out);
		for (i = 0; i < f->n; i++) {
			for (j = 0; j < f->n; j++) {
				if (i == j || next[i] != next[j])
					continue;
				if (!c.p[i].host && !c.p[j].host && i < j)
					f->trav_repeats += tc_w(&c, i, j);
			}
		}
		/* The round ending now becomes history. */
		for (i = 0; i < f->n; i++) {
			for (j = 0; j < f->n; j++) {
				if (i != j && seat[i] == seat[j])
					c.met[i][j]++;
			}
		}
		for (i = 0; i < f->n; i++) {
			seat[i] = next[i];
			c.p[i].table = c.tables[seat[i]];
		}
	}
	f->most = 0;
	for (i = 0; i < f->n; i++) {
		for (j = 0; j < f->n; j++) {
			if (i != j && c.met[i][j] + (seat[i] == seat[j]) >
			    f->most)
				f->most = c.met[i][j] + (seat[i] == seat[j]);
		}
	}
}

/* Play the cafe both ways, print the figures, return ours. */
static struct cafe
cafe_compare(size_t n, size_t k, bool hosts, size_t rounds)
{
	struct cafe	ours = { n, k, hosts, rounds, 0, 0, 0 }, base = ours;

	cafe_play(&ours, false);
	cafe_play(&base, true);
	cr_log_info("%zu people, %zu tables, %s, %zu rounds: repeats %llu "
	    "(travellers %llu), most met %u; classic rotation %llu (%llu), "
	    "%u", n, k, hosts ? "a host per table" : "no hosts", rounds,
	    (unsigned long long)ours.repeats,
	    (unsigned long long)ours.trav_repeats, ours.most,
	    (unsigned long long)base.repeats,
	    (unsigned long long)base.trav_repeats, base.most);
	cr_assert_leq(ours.repeats, base.repeats);
	cr_assert_leq(ours.most, base.most);
	return ours;
}

Test(rotation, cafe_16_at_4_tables_never_repeats)
{
	struct cafe	f;

	/* Rounds 1 -> 2 -> 3: 12 travellers, no pair meets twice. */
	f = cafe_compare(16, 4, true, 3);
	cr_assert_eq(f.trav_repeats, 0);
	cr_assert_eq(f.repeats, 0);
	cr_assert_eq(f.most, 1);
	/* Four rounds: every traveller sees every table, still no repeat. */
	f = cafe_compare(16, 4, true, 4);
	cr_assert_eq(f.repeats, 0);
}

Test(rotation, cafe_40_at_5_tables)
{
	cafe_compare(40, 5, true, 4);
}

Test(rotation, cafe_60_at_6_tables)
{
	cafe_compare(60, 6, true, 4);
}

Test(rotation, cafe_20_at_4_tables_without_hosts)
{
	cafe_compare(20, 4, false, 4);
}

/*
 * A cafe of n people at k tables played for rounds rounds, every
 * rotation checked by tc_rotate (the rules, the least revisits, no better
 * move or swap), the meetings and the tables of each round remembered as
 * the board does.  Round one seats person i at table i mod k; hosts: 0
 * none, 1 the first person of every table, 2 of every other table.
 * Returns the revisits over all rotations.
 */
static size_t
tc_play(size_t n, size_t k, int hosts, size_t rounds)
{
	static struct tcase	c;
	int			seat[MAXN], next[MAXN];
	size_t			i, j, r, revisits = 0;
	bool			host;

	tc_init(&c, n, k);
	c.history = true;
	for (i = 0; i < n; i++) {
		seat[i] = (int)(i % k);
		host = (hosts == 1 && i < k) ||
		    (hosts == 2 && i < k && i % 2 == 0);
		tc_sit(&c, i, seat[i], host);
	}
	for (r = 1; r < rounds; r++) {
		tc_rotate(&c, next, true);
		revisits += tc_revisits(&c, next);
		for (i = 0; i < n; i++) {
			for (j = 0; j < n; j++) {
				if (i != j && seat[i] == seat[j])
					c.met[i][j]++;
			}
			tc_saw(&c, i, seat[i]);
		}
		for (i = 0; i < n; i++) {
			seat[i] = next[i];
			c.p[i].table = c.tables[seat[i]];
		}
	}
	return revisits;
}

Test(rotation, travellers_go_to_tables_they_have_not_sat_at, .timeout = 600)
{
	size_t	n, k, rounds;
	int	hosts;

	/* 6 to 60 people, 3 to 6 tables, 3 to 6 rounds, with and without
	 * hosts: the least revisits every time (tc_rotate checks). */
	for (k = 3; k <= 6; k++) {
		for (n = 6; n <= 60; n += 3) {
			for (hosts = 0; hosts <= 2; hosts++) {
				rounds = 3 + (n / 3 + k + (size_t)hosts) % 4;
				tc_play(n, k, hosts, rounds);
			}
		}
	}
}

Test(rotation, four_rounds_at_four_tables_see_four_tables)
{
	/*
	 * The seed cafe's shape, where round 3 used to send everyone back
	 * to their round-1 table: with or without a host at every table,
	 * every traveller sits at four different tables in four rounds.
	 */
	cr_assert_eq(tc_play(16, 4, 0, 4), 0);
	cr_assert_eq(tc_play(20, 4, 1, 4), 0);
	cr_assert_eq(tc_play(24, 4, 0, 4), 0);
	cr_assert_eq(tc_play(40, 5, 1, 5), 0);
	cr_assert_eq(tc_play(36, 6, 0, 6), 0);
}

Test(rotation, a_table_added_late_does_not_draw_the_room)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i, size[4] = { 0 };

	/*
	 * Everyone has seen tables 0 to 2; table 3 is new to all.  Balance
	 * wins: three of the twelve go to it, the nine others revisit.
	 */
	tc_init(&c, 12, 4);
	for (i = 0; i < 12; i++) {
		tc_sit(&c, i, (int)(i % 3), false);
		tc_saw(&c, i, (int)((i + 1) % 3));
		tc_saw(&c, i, (int)((i + 2) % 3));
	}
	tc_rotate(&c, seat, true);
	for (i = 0; i < 12; i++)
		size[seat[i]]++;
	cr_assert_eq(size[3], 3);
	cr_assert_eq(tc_spread(&c, seat), 0);
	cr_assert_eq(tc_revisits(&c, seat), 9);
}

Test(rotation, no_table_is_an_error)
{
	static struct tcase	c;
	struct rotation_in	in;
	struct proto_pair	*out = (struct proto_pair *)&c;

	tc_init(&c, 3, 0);
	tc_sit(&c, 0, -1, false);
	tc_sit(&c, 1, -1, true);
	tc_sit(&c, 2, -1, false);
	in = tc_in(&c);
	cr_assert_eq(rotation_compute(&in, &out), -1);
	cr_assert_null(out);
	c.n = 0;
	in = tc_in(&c);
	cr_assert_eq(rotation_compute(&in, &out), -1);
}

Test(rotation, one_table_keeps_everyone)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i;

	tc_init(&c, 6, 1);
	for (i = 0; i < 5; i++)
		tc_sit(&c, i, 0, i == 0);
	tc_sit(&c, 5, -1, false);
	tc_rotate(&c, seat, true);
	for (i = 0; i < 6; i++)
		cr_assert_eq(seat[i], 0);
}

Test(rotation, everyone_a_host_stays_even_if_uneven)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i;

	tc_init(&c, 7, 3);
	for (i = 0; i < 7; i++)
		tc_sit(&c, i, i < 5 ? 0 : (int)i - 4, true);
	tc_random_history(&c, 1);
	tc_rotate(&c, seat, true);
	for (i = 0; i < 7; i++)
		cr_assert_eq(seat[i], i < 5 ? 0 : (int)i - 4);
	cr_assert_eq(tc_spread(&c, seat), 4);
}

Test(rotation, more_tables_than_people)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i;

	tc_init(&c, 3, 8);
	tc_sit(&c, 0, 2, false);
	tc_sit(&c, 1, 2, false);
	tc_sit(&c, 2, 5, true);
	tc_rotate(&c, seat, true);
	cr_assert_eq(seat[2], 5);
	cr_assert_neq(seat[0], 2);
	cr_assert_neq(seat[1], 2);
	/* One person per table at most: they sat together, now apart. */
	for (i = 0; i < 3; i++)
		cr_assert(seat[i] != seat[(i + 1) % 3]);
}

Test(rotation, unknown_table_means_unseated)
{
	static struct tcase	c;
	struct rotation_in	in;
	struct proto_pair	*out;
	int			seat[MAXN], at0 = 0;
	size_t			i;

	/*
	 * Two tables of three with a host each; four people at a table that
	 * is gone, one of them marked host: they are travellers who may sit
	 * anywhere, and they split evenly to balance the tables.
	 */
	tc_init(&c, 10, 2);
	for (i = 0; i < 3; i++)
		tc_sit(&c, i, 0, i == 0);
	for (i = 3; i < 6; i++)
		tc_sit(&c, i, 1, i == 3);
	for (i = 6; i < 10; i++)
		tc_sit(&c, i, -1, i == 6);
	tc_rotate(&c, seat, true);
	for (i = 6; i < 10; i++)
		at0 += seat[i] == 0;
	cr_assert_eq(at0, 2);
	cr_assert_eq(tc_spread(&c, seat), 0);

	/* Sitting at the same unknown table is not a meeting. */
	in = tc_in(&c);
	out = calloc(10, sizeof *out);
	for (i = 0; i < 10; i++) {
		out[i].a = c.p[i].id;
		out[i].b = c.tables[i < 6 ? 1 : 0];
	}
	cr_assert_eq(rotation_cost(&in, out), 3 + 3);
	free(out);
}

Test(rotation, a_crowd_at_one_table_must_still_move)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i;

	/* Moving wins over balance: all five leave the one full table. */
	tc_init(&c, 5, 2);
	for (i = 0; i < 5; i++)
		tc_sit(&c, i, 0, false);
	tc_rotate(&c, seat, true);
	for (i = 0; i < 5; i++)
		cr_assert_eq(seat[i], 1);

	/* With three tables they spread over the other two: 0, 3, 2. */
	tc_init(&c, 5, 3);
	for (i = 0; i < 5; i++)
		tc_sit(&c, i, 0, false);
	tc_rotate(&c, seat, true);
	cr_assert_eq(tc_spread(&c, seat), 3);
}

Test(rotation, hosts_at_one_table_give_the_best_spread)
{
	static struct tcase	c;
	int			seat[MAXN];
	size_t			i, size[3] = { 0 };

	/*
	 * Three hosts at table 0 and three travellers from table 1, who
	 * must leave it: sizes 3, 0, 3 beat 4, 0, 2.
	 */
	tc_init(&c, 6, 3);
	for (i = 0; i < 3; i++)
		tc_sit(&c, i, 0, true);
	for (i = 3; i < 6; i++)
		tc_sit(&c, i, 1, false);
	tc_rotate(&c, seat, true);
	for (i = 0; i < 6; i++)
		size[seat[i]]++;
	cr_assert_eq(size[0], 3);
	cr_assert_eq(size[1], 0);
	cr_assert_eq(size[2], 3);
	cr_assert_eq(tc_spread(&c, seat), 3);
}

Test(rotation, repeated_table_ids_count_once)
{
	static struct tcase	c;
	struct rotation_in	in;
	struct proto_pair	*out;
	size_t			i;

	/* tables[] = { A, B, A }: two tables, everyone crosses. */
	tc_init(&c, 8, 3);
	c.tables[2] = c.tables[0];
	for (i = 0; i < 8; i++)
		tc_sit(&c, i, (int)(i % 2), false);
	in = tc_in(&c);
	cr_assert_eq(rotation_compute(&in, &out), 0);
	for (i = 0; i < 8; i++)
		cr_assert_eq(out[i].b, c.tables[(i + 1) % 2]);
	free(out);
}

Test(rotation, history_callback_is_used)
{
	static struct tcase	c;
	int			seat[MAXN];

	/*
	 * Three tables with a host each (0, 3, 5) and travellers 1, 2, 4
	 * and 6.  Traveller 1 may go to table 1 or 2, and a seating with
	 * no repeat exists only with 1 at table 1: 1 met host 5 twice.
	 */
	tc_init(&c, 7, 3);
	tc_sit(&c, 0, 0, true);
	tc_sit(&c, 1, 0, false);
	tc_sit(&c, 2, 1, false);
	tc_sit(&c, 3, 1, true);
	tc_sit(&c, 4, 2, false);
	tc_sit(&c, 5, 2, true);
	tc_sit(&c, 6, 2, false);
	c.history = true;
	c.met[1][5] = c.met[5][1] = 2;
	tc_rotate(&c, seat, true);
	cr_assert_gt(c.calls, 0);
	cr_assert_eq(seat[1], 1, "1 avoids host 5, met twice before");
}

/* ------------------------------------------------ through the board model */

/* A board and the clock and seq of its events. */
struct tboard {
	struct model	*m;
	int64_t		 now;
};

/* model_submit's applied: the seq of the first event (the op's own). */
static void
tb_applied(void *arg, const struct model *m, const struct proto_event *ev)
{
	uint64_t	*seq = arg;

	(void)m;
	if (*seq == 0)
		*seq = ev->seq;
}

/* Submit op from who (0: the server) a second later; must be accepted. */
static uint64_t
tb_op(struct tboard *b, uint32_t who, struct proto_op op)
{
	uint64_t		 seq = 0;
	const struct model_sink	 sink = { NULL, tb_applied, &seq };
	const char		*why = NULL;
	int			 code;

	b->now += 1000;
	code = model_submit(b->m, who, NULL, 0, &op, b->now, &sink, &why);
	cr_assert_eq(code, 0, "op %u refused: %s", op.kind, why);
	return seq;
}

/*
 * A board with a facilitator (1), n participants (2..n+1) and k tables,
 * participant i + 2 seated at table i mod k, the first of each table
 * hosting when hosts is set.
 */
static void
tb_cafe(struct tboard *b, size_t n, size_t k, bool hosts, uint64_t *tables)
{
	struct proto_op	op;
	char		name[32];
	size_t		i;

	b->m = model_new("rotation");
	b->now = 1700000000000LL;
	for (i = 0; i <= n; i++) {
		memset(&op, 0, sizeof op);
		op.kind = OP_JOINED;
		op.participant = (uint32_t)i + 1;
		snprintf(name, sizeof name, "p%zu", i + 1);
		op.text = name;
		tb_op(b, 0, op);
	}
	memset(&op, 0, sizeof op);
	op.kind = OP_ROLE;
	op.participant = 1;
	op.role = ROLE_FACILITATOR;
	tb_op(b, 0, op);
	for (i = 0; i < k; i++) {
		memset(&op, 0, sizeof op);
		op.kind = OP_TABLE_ADD;
		op.text = (char *)"Q";
		tables[i] = tb_op(b, 1, op);
	}
	for (i = 0; i < n; i++) {
		memset(&op, 0, sizeof op);
		op.kind = OP_TABLE_SIT;
		op.table = tables[i % k];
		op.participant = (uint32_t)i + 2;
		tb_op(b, 1, op);
		if (hosts && i < k) {
			memset(&op, 0, sizeof op);
			op.kind = OP_ROLE;
			op.participant = (uint32_t)i + 2;
			op.role = ROLE_HOST;
			tb_op(b, 1, op);
		}
	}
}

/* The facilitator rotates the tables. */
static void
tb_rotate(struct tboard *b)
{
	struct proto_op	op;

	memset(&op, 0, sizeof op);
	op.kind = OP_ROTATE;
	tb_op(b, 1, op);
}

Test(rotation, the_board_sends_travellers_to_tables_they_have_not_seen)
{
	struct tboard	 b;
	uint64_t	 tables[4], seen[4];
	size_t		 i, r, j, n = 18;
	bool		 hosts;

	/*
	 * Four rounds at four tables, with a host at every table or none:
	 * the board remembers each round's table, and every traveller sits
	 * at four different ones.
	 */
	for (hosts = false; ; hosts = true) {
		tb_cafe(&b, n, 4, hosts, tables);
		for (r = 1; r < 4; r++)
			tb_rotate(&b);
		cr_assert_eq(b.m->round, 4);
		for (i = 0; i < n; i++) {
			const struct model_participant *p =
			    model_participant(b.m, (uint32_t)i + 2);

			for (r = 1; r < 4; r++) {
				seen[r - 1] = model_sat(b.m, p->id,
				    (uint32_t)r);
				cr_assert_neq(seen[r - 1], 0);
			}
			seen[3] = p->table;
			cr_assert_eq(seen[0], tables[i % 4]);
			for (r = 0; r < 4; r++) {
				for (j = r + 1; j < 4; j++)
					cr_assert(hosts && i < 4 ?
					    seen[r] == seen[j] :
					    seen[r] != seen[j], "p%zu sat at "
					    "%llu twice", i + 2,
					    (unsigned long long)seen[r]);
			}
		}
		cr_assert_eq(model_sat(b.m, 1, 1), 0, "the facilitator has "
		    "no table");
		model_free(b.m);
		if (hosts)
			break;
	}
}

/* Rebuild a board from the STATE frames in buf. */
static struct model *
tb_read(const struct proto_buf *buf)
{
	struct model		*m = model_new("rotation");
	struct proto_msg	 msg;
	struct proto_err	 err;
	size_t			 off = 0;
	uint32_t		 len;
	int			 sats = 0;

	model_state_begin(m);
	while (off < buf->len) {
		len = proto_frame_len(buf->data + off);
		cr_assert_eq(proto_decode(buf->data + off + PROTO_FRAME_HDR,
		    len, &msg, &err), PROTO_OK, "%s", err.text);
		cr_assert_eq(msg.type, PROTO_STATE);
		if (msg.u.state.what == STATE_SAT)
			sats++;
		cr_assert_eq(model_state_read(m, &msg.u.state, 0), 0);
		proto_msg_free(&msg);
		off += PROTO_FRAME_HDR + len;
	}
	model_state_end(m, 0);
	cr_assert_gt(sats, 0, "no \"sat\" record");
	return m;
}

/* model_submit's commit: a copy of the rotation the event carries. */
static int
tb_keep_rotation(void *arg, const struct proto_event *ev, int64_t now,
    const uint8_t *client, const char **why)
{
	struct proto_op	*out = arg;

	(void)now;
	(void)client;
	(void)why;
	if (ev->op.kind == OP_ROTATE && out->pairs == NULL) {
		*out = ev->op;
		out->pairs = xreallocarray(NULL, ev->op.npairs + 1,
		    sizeof *out->pairs);
		memcpy(out->pairs, ev->op.pairs,
		    ev->op.npairs * sizeof *out->pairs);
	}
	return 0;
}

/* The seating a rotate made now would get on m (m stays as it is). */
static void
tb_prepared_rotation(const struct model *m, int64_t now, struct proto_op *out)
{
	struct model		*copy = model_clone(m);
	const struct model_sink	 sink = { tb_keep_rotation, NULL, out };
	const char		*why = NULL;

	memset(out, 0, sizeof *out);
	cr_assert_eq(model_submit(copy, 1, NULL, 0, &ROTATE(), now, &sink,
	    &why), 0, "rotate refused: %s", why);
	model_free(copy);
}

/* Revisits in a rotate's pairs, by what board m remembers. */
static size_t
tb_revisits(const struct model *m, const struct proto_op *op)
{
	const struct model_participant	*p;
	size_t				 i, t, seen, n = 0;

	for (i = 0; i < op->npairs; i++) {
		p = model_participant(m, (uint32_t)op->pairs[i].a);
		cr_assert_not_null(p);
		if (p->role == ROLE_HOST)
			continue;
		for (seen = t = 0; t < m->ntables; t++)
			seen += m->tables[t].id == p->table ||
			    model_visits(m, p->id, m->tables[t].id) > 0;
		if (seen < m->ntables && (op->pairs[i].b == p->table ||
		    model_visits(m, p->id, op->pairs[i].b) > 0))
			n++;
	}
	return n;
}

Test(rotation, a_snapshot_keeps_the_tables_of_earlier_rounds)
{
	struct tboard		 b, c;
	struct proto_buf	 buf, again, pub;
	struct proto_op		 x, y;
	uint64_t		 tables[4];
	size_t			 i;
	uint32_t		 r;

	/*
	 * A snapshot after two rotations holds every round's table: read
	 * back, it writes the same bytes and prepares the same third
	 * rotation.  A participant's catch-up holds none of it.
	 */
	tb_cafe(&b, 16, 4, false, tables);
	tb_rotate(&b);
	tb_rotate(&b);
	proto_buf_init(&buf);
	proto_buf_init(&again);
	proto_buf_init(&pub);
	model_state_write(b.m, 0, b.now, &buf);
	c.m = tb_read(&buf);
	c.m->head = b.m->head;
	for (i = 2; i < 18; i++) {
		for (r = 1; r <= 3; r++)
			cr_assert_eq(model_sat(c.m, (uint32_t)i, r),
			    model_sat(b.m, (uint32_t)i, r));
	}
	model_state_write(c.m, 0, b.now, &again);
	cr_assert_eq(again.len, buf.len);
	cr_assert(memcmp(again.data, buf.data, buf.len) == 0);

	/* The same rotation from the board and from its snapshot. */
	tb_prepared_rotation(b.m, b.now, &x);
	tb_prepared_rotation(c.m, b.now, &y);
	cr_assert_eq(x.npairs, 16);
	cr_assert_eq(tb_revisits(c.m, &x), 0);
	cr_assert_eq(x.npairs, y.npairs);
	cr_assert(memcmp(x.pairs, y.pairs, x.npairs * sizeof *x.pairs) == 0);
	free(x.pairs);
	free(y.pairs);

	model_state_write(b.m, 2, b.now, &pub);
	for (i = 0; i + PROTO_FRAME_HDR < pub.len; ) {
		struct proto_msg	msg;
		struct proto_err	err;
		uint32_t		len = proto_frame_len(pub.data + i);

		cr_assert_eq(proto_decode(pub.data + i + PROTO_FRAME_HDR, len,
		    &msg, &err), PROTO_OK);
		cr_assert_neq(msg.u.state.what, STATE_SAT);
		proto_msg_free(&msg);
		i += PROTO_FRAME_HDR + len;
	}
	proto_buf_free(&buf);
	proto_buf_free(&again);
	proto_buf_free(&pub);
	model_free(b.m);
	model_free(c.m);
}
