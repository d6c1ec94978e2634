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
 * until a whole pass finds none.  Swaps alone stop at local optima, so
 * GRP_STARTS more greedy passes in shuffled orders follow, then an
 * iterated local search: kick the best grouping with a few random swaps,
 * descend again, keep it when better, until GRP_STALL kicks in a row gain
 * nothing.  The generator is seeded with a hash of the input and the
 * work is counted in evaluations, not time: the same input always gives
 * the same groups.
 *
 * Cost: n (n - 1) / 2 callback calls, n (n - 1) weight evaluations per
 * pass, bounded by GRP_BUDGET (a search stops at a grouping with no
 * repeat at all): about 10 ms for 60 people in teams, under 0.2 s for
 * 1000 in pairs or in teams; memory O(n k + n^2 weights up to
 * GRP_DENSE_MAX people, then pairs that met).  Above GRP_SUMS_MAX people
 * times groups the greedy pass is kept as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "grouping.h"
#include "pairmap.h"
#include "xmalloc.h"

#define GRP_BUDGET	6000000ULL	/* weight evaluations in a search */
#define GRP_DENSE_MAX	1024		/* people whose weights are a table */
#define GRP_SUMS_MAX	(1u << 21)	/* people x groups for local search */
#define GRP_MMAX	1000		/* cap on m: 2 m^2 fits a dense table */
#define GRP_STARTS	4		/* shuffled greedy starts */
#define GRP_STALL	60		/* kicks in a row that gain nothing */
#define GRP_KICK	3		/* random swaps in a kick */

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
	int32_t		*dense;		/* n x n weights, NULL above
					   GRP_DENSE_MAX people */
	uint64_t	 work;
	uint64_t	 rng;
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
	if (g->dense != NULL)
		return g->dense[i * g->n + j];
	m = i < j ? pairmap_get(&g->met, i, j) : pairmap_get(&g->met, j, i);
	if (m > GRP_MMAX)
		m = GRP_MMAX;
	w = 2 * (int64_t)(m * m);
	if (g->label[i] != 0 && g->label[i] == g->label[j])
		w++;
	return w;
}

/* Next number of a splitmix64 generator. */
static uint64_t
grp_random(struct grp *g)
{
	uint64_t	z;

	z = (g->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Greedy seating in this order (NULL: most constrained first). */
static void
grp_greedy(struct grp *g, const size_t *given)
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
		order[i] = given != NULL ? given[i] : i;
	/* Insertion sort by weight (heaviest first), then id: n is small. */
	for (i = 1; given == NULL && i < g->n; i++) {
		x = order[i];
		for (j = i; j > 0 && (tot[order[j - 1]] < tot[x] ||
		    (tot[order[j - 1]] == tot[x] && order[j - 1] > x)); j--)
			order[j] = order[j - 1];
		order[j] = x;
	}
	add = xreallocarray(NULL, g->k, sizeof *add);
	memset(g->fill, 0, g->k * sizeof *g->fill);
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

/* Each person's weight with each group, for the seating as it is. */
static void
grp_sums(struct grp *g)
{
	size_t	i, j;

	memset(g->sum, 0, g->n * g->k * sizeof *g->sum);
	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->n; j++)
			g->sum[i * g->k + g->seat[j]] += grp_w(g, i, j);
}

/* The cost of the seating as it is (the sums are right). */
static int64_t
grp_cost(const struct grp *g)
{
	int64_t	c = 0;
	size_t	i;

	for (i = 0; i < g->n; i++)
		c += g->sum[i * g->k + g->seat[i]];
	return c / 2;
}

/* Best improving swaps until none is left or the budget is spent. */
static void
grp_descend(struct grp *g)
{
	const int64_t	*s = g->sum;
	int64_t		 d, best, wij;
	size_t		 i, j, bj;
	uint32_t	 gi, gj;
	int		 improved = 1;

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

/* Swap two people of different groups at random (none if one group). */
static void
grp_kick(struct grp *g)
{
	size_t	i, j, tries;

	for (tries = 0; tries < 8; tries++) {
		i = (size_t)(grp_random(g) % g->n);
		j = (size_t)(grp_random(g) % g->n);
		if (g->seat[i] != g->seat[j]) {
			grp_swap(g, i, j);
			return;
		}
	}
}

/*
 * Greedy then descent, from several starts, then kicks from the best:
 * the best seating found is left in g->seat.
 */
static void
grp_search(struct grp *g)
{
	uint32_t	*keep;
	size_t		*order, i, j, x, r, stall = 0;
	int64_t		 c, best;

	g->sum = xcalloc(g->n * g->k, sizeof *g->sum);
	keep = xreallocarray(NULL, g->n, sizeof *keep);
	order = xreallocarray(NULL, g->n, sizeof *order);
	grp_sums(g);
	grp_descend(g);
	best = grp_cost(g);
	memcpy(keep, g->seat, g->n * sizeof *keep);
	for (r = 0; best > 0 && r < GRP_STARTS && g->work < GRP_BUDGET; r++) {
		for (i = 0; i < g->n; i++)
			order[i] = i;
		for (i = g->n - 1; i > 0; i--) {
			j = (size_t)(grp_random(g) % (i + 1));
			x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		grp_greedy(g, order);
		grp_sums(g);
		grp_descend(g);
		if ((c = grp_cost(g)) < best) {
			best = c;
			memcpy(keep, g->seat, g->n * sizeof *keep);
		}
	}
	while (best > 0 && stall < GRP_STALL && g->work < GRP_BUDGET) {
		memcpy(g->seat, keep, g->n * sizeof *keep);
		grp_sums(g);
		for (i = 0; i < GRP_KICK; i++)
			grp_kick(g);
		grp_descend(g);
		if ((c = grp_cost(g)) < best) {
			best = c;
			memcpy(keep, g->seat, g->n * sizeof *keep);
			stall = 0;
		} else
			stall++;
	}
	memcpy(g->seat, keep, g->n * sizeof *keep);
	free(order);
	free(keep);
}

/* The group of each person, in out[i] for people[i]. */
int
grouping_compute(const struct grouping_in *in, uint32_t *out)
{
	struct grp	 g;
	struct grp_ref	*refs;
	int32_t		*dense;
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
	/* The same people and history seed the same search. */
	g.rng = 0x6361666562726431ULL;
	for (i = 0; i < g.n; i++)
		g.rng = (g.rng ^ refs[i].id ^ (uint64_t)g.label[i] << 32) *
		    0x100000001b3ULL;
	g.rng ^= g.met.len * 0x9e3779b97f4a7c15ULL;
	if (g.n <= GRP_DENSE_MAX) {
		/* Weights looked up once: the search reads them many times. */
		dense = xreallocarray(NULL, g.n * g.n, sizeof *dense);
		for (i = 0; i < g.n; i++)
			for (j = 0; j < g.n; j++)
				dense[i * g.n + j] = (int32_t)grp_w(&g, i, j);
		g.dense = dense;
		g.work = 0;
	}
	g.seat = xcalloc(g.n, sizeof *g.seat);
	g.fill = xcalloc(g.k, sizeof *g.fill);
	grp_greedy(&g, NULL);
	if (g.k > 1 && g.n * g.k <= GRP_SUMS_MAX)
		grp_search(&g);
	for (i = 0; i < g.n; i++)
		out[g.src[i]] = g.seat[i];
	free(g.sum);
	free(g.dense);
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
