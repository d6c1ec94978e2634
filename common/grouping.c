/*
 * grouping.c -- people into groups of given sizes, who met least first.
 *
 * The sizes are the caller's (grouping_sizes for pairs, grouping_teams for
 * teams), so balance is given; within them the groups minimise the sum,
 * over two people of one group, of 2 m^2 + s, where m is how often the two
 * already sat together and s is 1 when they share a label.  Squaring
 * spreads the repeats that cannot be avoided over many pairs (as
 * rotation.c does), and a meeting weighs more than a shared label: people
 * who have not met come first, then people from different organisations.
 *
 * Search: people are sorted by id, so the order of the input does not
 * matter.  A greedy pass seats them most constrained first (the heaviest
 * weight towards everyone else, ties by id), each in the group with room
 * where they add the least, ties to the emptier group, then the lower
 * one.  Local search then applies, for each person in turn, the best
 * improving swap with someone of another group (a swap keeps the sizes),
 * until a whole pass finds none.  No randomness, and the work is counted
 * in evaluations, not time: the same input always gives the same groups.
 *
 * Cost: n (n - 1) / 2 callback calls, n (n - 1) weight evaluations per
 * pass, bounded by GRP_BUDGET; memory O(n k + pairs that met).  Above
 * GRP_SUMS_MAX people times groups the greedy pass is kept as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "grouping.h"
#include "pairmap.h"
#include "xmalloc.h"

#define GRP_BUDGET	40000000ULL	/* weight evaluations in a search */
#define GRP_SUMS_MAX	(1u << 21)	/* people x groups for local search */
#define GRP_MMAX	65535		/* cap on m, so sums of 2 m^2 fit */

/* A person and their position in the input, to sort by id. */
struct grp_ref {
	uint32_t	 id;
	size_t		 pos;
};

/* The problem and the search's state. */
struct grp {
	size_t		 n;
	size_t		 k;
	const uint32_t	*cap;		/* size of each group */
	uint32_t	*label;		/* by internal index (id order) */
	size_t		*src;		/* internal index -> input index */
	struct pairmap	 met;		/* (i, j), i < j -> meetings */
	uint32_t	*seat;		/* group of each person */
	uint32_t	*fill;		/* people per group so far */
	int64_t		*sum;		/* n x k: i's weight with group g */
	uint64_t	 work;
};

/* Order people by id, then position. */
static int
grp_ref_cmp(const void *a, const void *b)
{
	const struct grp_ref	*x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The weight of seating i and j (internal) in one group. */
static int64_t
grp_w(struct grp *g, size_t i, size_t j)
{
	uint64_t	m;
	int64_t		w;

	if (i == j)
		return 0;
	g->work++;
	m = i < j ? pairmap_get(&g->met, i, j) : pairmap_get(&g->met, j, i);
	if (m > GRP_MMAX)
		m = GRP_MMAX;
	w = 2 * (int64_t)(m * m);
	if (g->label[i] != 0 && g->label[i] == g->label[j])
		w++;
	return w;
}

/* Greedy seating, most constrained first. */
static void
grp_greedy(struct grp *g)
{
	int64_t		*tot, *add;
	size_t		*order, i, j, x, t, best;

	tot = xcalloc(g->n, sizeof *tot);
	for (i = 0; i < g->n; i++)
		for (j = i + 1; j < g->n; j++) {
			int64_t	w = grp_w(g, i, j);

			tot[i] += w;
			tot[j] += w;
		}
	order = xreallocarray(NULL, g->n, sizeof *order);
	for (i = 0; i < g->n; i++)
		order[i] = i;
	/* Insertion sort by weight (heaviest first), then id: n is small. */
	for (i = 1; i < g->n; i++) {
		x = order[i];
		for (j = i; j > 0 && (tot[order[j - 1]] < tot[x] ||
		    (tot[order[j - 1]] == tot[x] && order[j - 1] > x)); j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
	add = xreallocarray(NULL, g->k, sizeof *add);
	for (i = 0; i < g->n; i++) {
		x = order[i];
		memset(add, 0, g->k * sizeof *add);
		for (j = 0; j < i; j++)
			add[g->seat[order[j]]] += grp_w(g, x, order[j]);
		best = g->k;
		for (t = 0; t < g->k; t++) {
			if (g->fill[t] >= g->cap[t])
				continue;
			if (best == g->k || add[t] < add[best] ||
			    (add[t] == add[best] && g->fill[t] < g->fill[best]))
				best = t;
		}
		g->seat[x] = (uint32_t)best;
		g->fill[best]++;
	}
	free(add);
	free(order);
	free(tot);
}

/* Swap i and j between their groups, keeping the sums right. */
static void
grp_swap(struct grp *g, size_t i, size_t j)
{
	uint32_t	gi = g->seat[i], gj = g->seat[j];
	int64_t		wi, wj;
	size_t		x;

	for (x = 0; x < g->n; x++) {
		wi = grp_w(g, x, i);
		wj = grp_w(g, x, j);
		g->sum[x * g->k + gi] += wj - wi;
		g->sum[x * g->k + gj] += wi - wj;
	}
	g->seat[i] = gj;
	g->seat[j] = gi;
}

/* Best improving swaps until none is left or the budget is spent. */
static void
grp_descend(struct grp *g)
{
	const int64_t	*s;
	int64_t		 d, best, wij;
	size_t		 i, j, bj;
	uint32_t	 gi, gj;
	int		 improved = 1;

	g->sum = xcalloc(g->n * g->k, sizeof *g->sum);
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->n; j++)
			g->sum[i * g->k + g->seat[j]] += grp_w(g, i, j);
	s = g->sum;
	while (improved && g->work < GRP_BUDGET) {
		improved = 0;
		for (i = 0; i < g->n && g->work < GRP_BUDGET; i++) {
			gi = g->seat[i];
			best = 0;
			bj = g->n;
			for (j = 0; j < g->n; j++) {
				if ((gj = g->seat[j]) == gi)
					continue;
				wij = grp_w(g, i, j);
				d = s[i * g->k + gj] - wij - s[i * g->k + gi] +
				    s[j * g->k + gi] - wij - s[j * g->k + gj];
				if (d < best) {
					best = d;
					bj = j;
				}
			}
			if (bj < g->n) {
				grp_swap(g, i, bj);
				improved = 1;
			}
		}
	}
}

/* The group of each person, in out[i] for people[i]. */
int
grouping_compute(const struct grouping_in *in, uint32_t *out)
{
	struct grp	 g;
	struct grp_ref	*refs;
	uint64_t	 total = 0, m;
	size_t		 i, j;

	for (i = 0; i < in->ngroups; i++)
		total += in->sizes[i];
	if (total != in->n || (in->n > 0 && in->ngroups == 0))
		return -1;
	if (in->n == 0)
		return 0;
	memset(&g, 0, sizeof g);
	g.n = in->n;
	g.k = in->ngroups;
	g.cap = in->sizes;
	refs = xreallocarray(NULL, g.n, sizeof *refs);
	for (i = 0; i < g.n; i++) {
		refs[i].id = in->people[i].id;
		refs[i].pos = i;
	}
	qsort(refs, g.n, sizeof *refs, grp_ref_cmp);
	g.label = xreallocarray(NULL, g.n, sizeof *g.label);
	g.src = xreallocarray(NULL, g.n, sizeof *g.src);
	for (i = 0; i < g.n; i++) {
		g.src[i] = refs[i].pos;
		g.label[i] = in->people[refs[i].pos].label;
	}
	if (in->met != NULL) {
		for (i = 0; i < g.n; i++)
			for (j = i + 1; j < g.n; j++) {
				m = in->met(refs[i].id, refs[j].id,
				    in->met_arg);
				if (m != 0)
					pairmap_set(&g.met, i, j, m);
			}
	}
	g.seat = xcalloc(g.n, sizeof *g.seat);
	g.fill = xcalloc(g.k, sizeof *g.fill);
	grp_greedy(&g);
	if (g.k > 1 && g.n * g.k <= GRP_SUMS_MAX)
		grp_descend(&g);
	for (i = 0; i < g.n; i++)
		out[g.src[i]] = g.seat[i];
	free(g.sum);
	free(g.fill);
	free(g.seat);
	pairmap_free(&g.met);
	free(g.src);
	free(g.label);
	free(refs);
	return 0;
}

/* Sizes of groups of size for n people; the count of groups. */
size_t
grouping_sizes(size_t n, uint32_t size, uint32_t **sizes)
{
	uint32_t	*s;
	size_t		 k, i, r;

	*sizes = NULL;
	if (n == 0)
		return 0;
	if (size < 2)
		size = 2;
	k = n < size ? 1 : n / size;
	s = xreallocarray(NULL, k, sizeof *s);
	for (i = 0; i < k; i++)
		s[i] = n < size ? (uint32_t)n : size;
	/* The rest, one each, from the last group back. */
	r = n < size ? 0 : n % size;
	for (i = 0; i < r; i++)
		s[k - 1 - i % k]++;
	*sizes = s;
	return k;
}

/* Sizes of k teams of n people, as even as can be; the count of teams. */
size_t
grouping_teams(size_t n, uint32_t k, uint32_t **sizes)
{
	uint32_t	*s;
	size_t		 i;

	*sizes = NULL;
	if (n == 0)
		return 0;
	if (k < 1)
		k = 1;
	if (k > n)
		k = (uint32_t)n;
	s = xreallocarray(NULL, k, sizeof *s);
	for (i = 0; i < k; i++)
		s[i] = (uint32_t)(n / k + (i < n % k ? 1 : 0));
	*sizes = s;
	return k;
}

/* The sum grouping_compute minimises. */
uint64_t
grouping_cost(const struct grouping_in *in, const uint32_t *group)
{
	uint64_t	cost = 0, m;
	size_t		i, j;

	for (i = 0; i < in->n; i++)
		for (j = i + 1; j < in->n; j++) {
			if (group[i] != group[j])
				continue;
			m = 0;
			if (in->met != NULL)
				m = in->people[i].id < in->people[j].id ?
				    in->met(in->people[i].id,
				    in->people[j].id, in->met_arg) :
				    in->met(in->people[j].id,
				    in->people[i].id, in->met_arg);
			if (m > GRP_MMAX)
				m = GRP_MMAX;
			cost += 2 * m * m;
			if (in->people[i].label != 0 &&
			    in->people[i].label == in->people[j].label)
				cost++;
		}
	return cost;
}
