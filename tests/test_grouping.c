/*
 * test_grouping.c -- pairs and teams: everyone in exactly one group of the
 * sizes asked, the fewest repeat meetings (the best there is, checked by
 * brute force on small rooms, and none where none is needed on large
 * ones), the same groups whatever the input order; and, through the
 * board model, teams kept across the day over many room sizes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grouping.h"
#include "model.h"
#include "tsupport.h"

#define NMAX	200

/* A history of meetings: met[a][b] for ids 1..NMAX. */
static uint32_t	hist[NMAX + 1][NMAX + 1];

/* The callback over hist. */
static uint32_t
met_fn(uint32_t a, uint32_t b, void *arg)
{
	(void)arg;
	return hist[a][b];
}

/* A small deterministic generator (xorshift). */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 11);
}

/* A random history: each two of n met 0 to maxm times; labels 0..nl. */
static void
random_room(struct grouping_person *p, size_t n, uint32_t maxm, uint32_t nl,
    uint64_t seed)
{
	uint64_t	s = seed * 2654435761u + 1;
	size_t		i, j;

	memset(hist, 0, sizeof hist);
	for (i = 0; i < n; i++) {
		p[i].id = (uint32_t)i + 1;
		p[i].label = nl == 0 ? 0 : rnd(&s) % (nl + 1);
	}
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			hist[i][j] = hist[j][i] = maxm == 0 ? 0 :
			    rnd(&s) % (maxm + 1);
}

/* A café's history: n people who sat at k tables, i at table i % k. */
static void
cafe_room(struct grouping_person *p, size_t n, size_t k)
{
	size_t	i, j;

	memset(hist, 0, sizeof hist);
	for (i = 0; i < n; i++) {
		p[i].id = (uint32_t)i + 1;
		p[i].label = 0;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j && i % k == j % k)
				hist[i + 1][j + 1] = 1;
}

/* Compute groups; check that each group has exactly its size. */
static void
run(const struct grouping_person *p, size_t n, const uint32_t *sizes,
    size_t k, uint32_t *out)
{
	struct grouping_in	in = { p, n, sizes, k, met_fn, NULL };
	uint32_t		fill[NMAX] = { 0 };
	size_t			i;

	cr_assert_eq(grouping_compute(&in, out), 0);
	for (i = 0; i < n; i++) {
		cr_assert_lt(out[i], k, "person %zu in group %u of %zu", i,
		    out[i], k);
		fill[out[i]]++;
	}
	for (i = 0; i < k; i++)
		cr_assert_eq(fill[i], sizes[i], "group %zu has %u, not %u", i,
		    fill[i], sizes[i]);
}

/* The cost of groups (grouping_cost over hist). */
static uint64_t
cost(const struct grouping_person *p, size_t n, const uint32_t *sizes,
    size_t k, const uint32_t *group)
{
	struct grouping_in	in = { p, n, sizes, k, met_fn, NULL };

	return grouping_cost(&in, group);
}

/*
 * Brute force: the least cost of any grouping into these sizes (an empty
 * group is tried only when no earlier empty group has its size: they are
 * alike).
 */
static uint64_t
best(const struct grouping_person *p, size_t n, const uint32_t *sizes,
    size_t k, uint32_t *group, uint32_t *fill, size_t i)
{
	uint64_t	b = UINT64_MAX, c;
	size_t		g, h;

	if (i == n)
		return cost(p, n, sizes, k, group);
	for (g = 0; g < k; g++) {
		if (fill[g] >= sizes[g])
			continue;
		for (h = 0; fill[g] == 0 && h < g; h++)
			if (fill[h] == 0 && sizes[h] == sizes[g])
				break;
		if (fill[g] == 0 && h < g)
			continue;
		group[i] = (uint32_t)g;
		fill[g]++;
		c = best(p, n, sizes, k, group, fill, i + 1);
		fill[g]--;
		if (c < b)
			b = c;
	}
	return b;
}

/* The least cost there is. */
static uint64_t
brute(const struct grouping_person *p, size_t n, const uint32_t *sizes,
    size_t k)
{
	uint32_t	group[NMAX], fill[NMAX] = { 0 };

	return best(p, n, sizes, k, group, fill, 0);
}

Test(grouping, sizes_of_pairs_and_teams)
{
	uint32_t	*s;
	size_t		 n, k, i, sum;
	uint32_t	 t;

	cr_assert_eq(grouping_sizes(0, 2, &s), 0);
	cr_assert_null(s);
	cr_assert_eq(grouping_sizes(1, 2, &s), 1);
	cr_assert_eq(s[0], 1);
	free(s);
	for (n = 2; n <= NMAX; n++) {
		k = grouping_sizes(n, 2, &s);
		cr_assert_eq(k, n / 2);
		for (sum = 0, i = 0; i < k; i++) {
			sum += s[i];
			cr_assert(s[i] == 2 || (s[i] == 3 && i == k - 1 &&
			    n % 2 == 1), "n %zu: group %zu of %u", n, i, s[i]);
		}
		cr_assert_eq(sum, n);
		free(s);
		for (t = 3; t <= 8; t++) {
			k = grouping_sizes(n, t, &s);
			for (sum = 0, i = 0; i < k; i++)
				sum += s[i];
			cr_assert_eq(sum, n);
			for (i = 0; n >= t && i < k; i++)
				cr_assert(s[i] >= t && s[i] < 2 * t);
			free(s);
		}
		for (t = 1; t <= 8; t++) {
			k = grouping_teams(n, t, &s);
			cr_assert_eq(k, n < t ? n : t);
			for (sum = 0, i = 0; i < k; i++) {
				sum += s[i];
				cr_assert_leq(s[0] - s[i], 1, "balanced");
			}
			cr_assert_eq(sum, n);
			free(s);
		}
	}
}

Test(grouping, the_least_repeats_there_are_on_small_rooms)
{
	struct grouping_person	 p[NMAX];
	uint32_t		 out[NMAX], *s;
	size_t			 n, k, seed;
	uint64_t		 got, want;

	for (n = 2; n <= 9; n++)
		for (seed = 0; seed < 12; seed++) {
			random_room(p, n, seed % 3, seed % 4, seed + n * 100);
			k = grouping_sizes(n, 2, &s);
			run(p, n, s, k, out);
			got = cost(p, n, s, k, out);
			want = brute(p, n, s, k);
			cr_assert_eq(got, want, "pairs of %zu (seed %zu): cost "
			    "%llu, the best is %llu", n, seed,
			    (unsigned long long)got, (unsigned long long)want);
			free(s);
			if (n < 4)
				continue;
			k = grouping_teams(n, 2 + seed % 2, &s);
			run(p, n, s, k, out);
			got = cost(p, n, s, k, out);
			want = brute(p, n, s, k);
			cr_assert_eq(got, want, "teams of "
			    "%zu (seed %zu): cost %llu, the best is %llu", n,
			    seed, (unsigned long long)got,
			    (unsigned long long)want);
			free(s);
		}
}

Test(grouping, after_a_cafe_nobody_meets_again_where_nobody_must)
{
	struct grouping_person	 p[NMAX];
	uint32_t		 out[NMAX], *s;
	size_t			 n, k, t, i, j;

	/*
	 * n people who sat at t tables: as long as no table holds more than
	 * half the room, everyone can be paired with someone from another
	 * table (an odd person's trio cannot avoid it with two tables only).
	 */
	for (n = 4; n <= NMAX; n += (n < 40 ? 1 : 17))
		for (t = 2; t <= 6 && t <= n / 2; t++) {
			cafe_room(p, n, t);
			k = grouping_sizes(n, 2, &s);
			run(p, n, s, k, out);
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++) {
					if (out[i] != out[j] || i % t != j % t)
						continue;
					cr_assert(n % 2 == 1 && t == 2 &&
					    s[out[i]] == 3, "%zu people at %zu "
					    "tables: %zu and %zu sat together "
					    "and are paired again", n, t, i, j);
				}
			free(s);
		}
}

Test(grouping, teams_mix_the_tables_and_the_labels)
{
	struct grouping_person	 p[NMAX];
	uint32_t		 out[NMAX], *s, seen[8][8];
	size_t			 n, k, i;

	/* 28 people from 4 tables into 4 teams: 7 each, one per table... */
	for (n = 8; n <= 64; n += 4) {
		cafe_room(p, n, 4);
		for (i = 0; i < n; i++)
			p[i].label = (uint32_t)(i / 4 % 4) + 1;
		k = grouping_teams(n, 4, &s);
		run(p, n, s, k, out);
		memset(seen, 0, sizeof seen);
		for (i = 0; i < n; i++)
			seen[out[i]][i % 4]++;
		/* ...a team holds the same number from each table, +-1. */
		for (i = 0; i < 4; i++) {
			uint32_t lo = UINT32_MAX, hi = 0, t;

			for (t = 0; t < 4; t++) {
				lo = seen[i][t] < lo ? seen[i][t] : lo;
				hi = seen[i][t] > hi ? seen[i][t] : hi;
			}
			cr_assert_leq(hi - lo, 1, "%zu people: team %zu takes "
			    "%u from one table and %u from another", n, i, hi,
			    lo);
		}
		free(s);
	}
}

Test(grouping, the_order_of_the_input_changes_nothing)
{
	struct grouping_person	 p[NMAX], q[NMAX], x;
	uint32_t		 a[NMAX], b[NMAX], *s;
	uint64_t		 st = 7;
	size_t			 n = 37, k, i, j;

	random_room(p, n, 2, 3, 5);
	memcpy(q, p, sizeof p);
	for (i = n - 1; i > 0; i--) {
		j = rnd(&st) % (i + 1);
		x = q[i];
		q[i] = q[j];
		q[j] = x;
	}
	k = grouping_sizes(n, 2, &s);
	run(p, n, s, k, a);
	run(q, n, s, k, b);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (q[j].id == p[i].id)
				cr_assert_eq(b[j], a[i], "person %u",
				    p[i].id);
	free(s);
	cr_assert_eq(grouping_compute(&(struct grouping_in){ p, n, s, 0,
	    NULL, NULL }, a), -1, "sizes that do not add up");
}

/* ---------------------------------------------------- through the model */

/* Submit op as who on m; it must pass. */
static uint64_t
sub(struct model *m, uint32_t who, struct proto_op op)
{
	const char	*why = NULL;
	uint64_t	 seq = m->head + 1;

	cr_assert_eq(model_submit(m, who, NULL, 0, &op, 0, NULL, &why), 0,
	    "%s: %s", proto_kind_name(op.kind), why);
	return seq;
}

Test(grouping, teams_are_kept_over_a_day_for_many_room_sizes)
{
	static const char *const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct model			*m;
	const struct model_participant	*pp;
	uint64_t			 t1, t2, teams[8];
	uint32_t			 count[8], n, k, id, i, j, nt;
	char				 name[16];

	for (n = 4; n <= 40; n += 3)
		for (k = 2; k <= 4; k++) {
			m = model_new("sprint");
			sub(m, 0, OP(.kind = OP_JOINED, .participant = 1,
			    .text = (char *)"Facilitation"));
			sub(m, 0, ROLE(1, ROLE_FACILITATOR));
			t1 = sub(m, 1, TADD("Le problème"));
			t2 = sub(m, 1, TADD("Les idées"));
			for (id = 2; id < n + 2; id++) {
				snprintf(name, sizeof name, "%c%u",
				    letters[id % 26], id);
				sub(m, 0, OP(.kind = OP_JOINED,
				    .participant = id, .text = name));
				sub(m, id, SIT(id % 2 ? t1 : t2, 0));
			}
			sub(m, 1, REGROUP(GROUP_TEAMS, k, "Notre prototype"));
			/* Collective sequence, then teams again, twice. */
			for (j = 0; j < 2; j++) {
				sub(m, 1, ROTATE());
				snprintf(name, sizeof name, "Late%u%u", n, j);
				sub(m, 0, OP(.kind = OP_JOINED,
				    .participant = id, .text = name));
				sub(m, id, SIT(t1, 0));
				id++;
				sub(m, 1, REGROUP(GROUP_TEAMS, 0, ""));
			}
			nt = 0;
			for (i = 0; i < m->ntables; i++)
				if (m->tables[i].kind == TABLE_TEAM)
					teams[nt++] = m->tables[i].id;
			cr_assert_eq(nt, k, "%u people, %u teams: %u tables", n,
			    k, nt);
			memset(count, 0, sizeof count);
			for (i = 0; i < m->nparticipants; i++) {
				pp = &m->participants[i];
				if (pp->role == ROLE_FACILITATOR)
					continue;
				cr_assert_neq(pp->team, 0);
				cr_assert_eq(pp->table, pp->team, "%s is not "
				    "at their team", pp->name);
				for (j = 0; j < nt; j++)
					count[j] += teams[j] == pp->team;
			}
			for (i = 0; i < nt; i++)
				for (j = 0; j < nt; j++)
					cr_assert_leq(count[i], count[j] + 1,
					    "%u people in %u teams: %u and %u",
					    n + 2, k, count[i], count[j]);
			model_free(m);
		}
}
