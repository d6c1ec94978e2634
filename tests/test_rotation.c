/*
 * test_rotation.c -- the table rotation keeps its rules and mixes people.
 *
 * Every seating is checked against the rules with code written apart from
 * rotation.c: hosts stay, travellers move, sizes as even as the rules allow,
 * everyone seated once, the same input gives the same output, and no single
 * move or swap would lower the objective (the sum over pairs at one table of
 * w * w, w the times they met, history plus the round ending now).  Tiny
 * cases are compared with an exhaustive search, and whole cafes are played
 * for several rounds against the classic rotation.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"

#define MAXN	96		/* people in a generated case */
#define MAXK	16		/* tables in a generated case */
#define UNKNOWN	4242		/* a table id that is not in tables[] */

/* A generated rotation problem, with its history. */
struct tcase {
	size_t			 n;
	size_t			 k;
	uint64_t		 tables[MAXK];
	struct rotation_person	 p[MAXN];
	uint32_t		 met[MAXN][MAXN];	/* by person number */
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
	int		a, b, hi, hj;

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
			d = sum[i][b] - sum[i][a];
			cr_assert_geq(d, 0, "n=%zu k=%zu: moving %zu to %d "
			    "gains %lld", c->n, c->k, i, b, (long long)-d);
		}
		for (j = i + 1; j < c->n; j++) {
			if (tc_stays(c, j))
				continue;
			b = seat[j];
			hj = tc_table(c, c->p[j].table);
			if (b == a || b == hi || a == hj)
				continue;
			d = sum[i][b] - sum[i][a] + sum[j][a] - sum[j][b] -
			    2 * (int64_t)pen[i][j];
			cr_assert_geq(d, 0, "n=%zu k=%zu: swapping %zu and %zu "
			    "gains %lld", c->n, c->k, i, j, (long long)-d);
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

/* Best spread and objective of a tiny case, trying every seating. */
static void
tc_exhaust(const struct tcase *c, size_t i, int *seat, long *spread,
    uint64_t *best)
{
	uint64_t	pen;
	long		s;
	int		t, h;

	if (i == c->n) {
		s = tc_spread(c, seat);
		pen = tc_penalty(c, seat);
		if (s < *spread || (s == *spread && pen < *best)) {
			*spread = s;
			*best = pen;
		}
		return;
	}
	h = tc_table(c, c->p[i].table);
	if (tc_stays(c, i)) {
		seat[i] = h;
		tc_exhaust(c, i + 1, seat, spread, best);
		return;
	}
	for (t = 0; t < (int)c->k; t++) {
		if (t == h)
			continue;
		seat[i] = t;
		tc_exhaust(c, i + 1, seat, spread, best);
	}
}

Test(rotation, tiny_cases_match_exhaustive_search)
{
	static struct tcase	c;
	int			seat[MAXN], any[MAXN];
	uint64_t		s = 99, pen, best;
	long			spread;
	size_t			round, i, n, k;
	int			t;

	for (round = 0; round < 400; round++) {
		n = rnd(&s) % 8;
		k = 2 + rnd(&s) % 3;
		tc_init(&c, n, k);
		for (i = 0; i < n; i++) {
			t = (int)(rnd(&s) % (k + 1)) - 1;
			tc_sit(&c, i, t, rnd(&s) % 4 == 0);
		}
		if (round % 2 == 1)
			tc_random_history(&c, round);
		pen = tc_rotate(&c, seat, true);
		spread = 1L << 30;
		best = UINT64_MAX;
		tc_exhaust(&c, 0, any, &spread, &best);
		cr_assert_eq(tc_spread(&c, seat), spread, "case %zu", round);
		cr_assert_eq(pen, best, "case %zu: objective %llu, best %llu",
		    round, (unsigned long long)pen, (unsigned long long)best);
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
