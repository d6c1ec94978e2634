/*
 * rotation.c -- who sits where in the next round of a world cafe.
 *
 * The rules, hardest first.  Hosts stay at their table.  With two tables or
 * more, every traveller leaves the table they sit at now; someone at a table
 * that is not in tables[] (a host too) is unseated and may go anywhere.
 * Table sizes are as even as those two rules allow: max - min at most one,
 * unless hosts crowd a table or a crowd of travellers at one table can only
 * spread over the others, and then the smallest spread that can be reached.
 * Moving wins over balance: five travellers at one of two tables all cross.
 *
 * Within those rules, as few travellers as possible go back to a table they
 * sat at before (in earlier rounds, from sat[]) while another table is new
 * to them: a revisit.  Balance wins over this rule, so that a table added
 * late does not draw the whole room; in a cafe of balanced rounds there is
 * no revisit until every traveller has seen every table (bench_rotation).
 *
 * Within the rules the seating minimises the sum, over pairs of people at
 * the same new table, of w * w, where w is how often the two already sat
 * together: earlier rounds through the callback, plus one if they sit
 * together in the round ending now (at a table in tables[]).  rotation_cost
 * reports the plain sum of w, the repeat encounters.  Squaring makes a third
 * meeting cost four times a second one, so repeats that cannot be avoided
 * are spread over many pairs: on the cafes of bench_rotation no pair meets
 * more than twice where the plain sum lets some meet three or four times,
 * for less than 1% more repeat encounters.
 *
 * Both go in one objective: big * revisits + sum of w * w, big being more
 * than any sum of w * w can reach, so that no meeting is ever worth a
 * revisit.
 *
 * Sizes: a table can hold its hosts and at most every traveller who does not
 * sit there now; by Hall's theorem any sizes within those bounds adding up
 * to n can be filled, so the smallest spread is found on the sizes alone.
 *
 * Search: people are sorted by id, so the order of in->people does not
 * matter.  A greedy pass seats travellers one by one, most constrained
 * first (the heaviest past meetings, ties by id), at the allowed table where
 * they add the least, ties to the emptier table, then board order; a table
 * is allowed only if those still to seat can bring every table to a size in
 * range (Hall again), so the greedy never paints itself into a corner.
 * Local search then applies, for each traveller in turn, the best improving
 * move (to another table, keeping the spread) or swap (with a traveller at
 * another table), until a whole pass finds none.  Three more greedy starts
 * in shuffled orders, then an iterated local search: kick the best seating
 * with a few random swaps, descend again, keep it when no worse.  The
 * generator is seeded with a hash of the input and the work is counted in
 * evaluations, not time: the same input always gives the same seating.
 *
 * Moves and swaps alone can miss a seating with fewer revisits (three
 * travellers may each need the next one's seat), so the search ends with
 * an exact step: on the graph of tables, where an edge from a to b moves
 * the traveller at a who gains most by going to b, any cycle, or path
 * between two tables whose sizes may change, that lowers the revisits is
 * applied (Bellman-Ford), then the seating descends again, until there is
 * none: the revisits are then as few as the sizes allow (min-cost flow).
 *
 * Cost: n (n - 1) / 2 callback calls at most (none between two hosts), and
 * O(T^2) per local search pass for T travellers, bounded by ROT_BUDGET:
 * about 15 ms for 1000 people at 64 tables, 170 ms at 10 tables where many
 * repeats are forced; the exact step costs O(k^4) for k tables, and only
 * runs while there is a revisit.  Memory: O(n k + pairs that met).
 */
#include <stdlib.h>
#include <string.h>

#include "rotation.h"
#include "xmalloc.h"

#define ROT_NONE	(-1)		/* not at a known table */
#define ROT_BUDGET	40000000ULL	/* evaluations for the whole search */
#define ROT_STALL	100		/* kicks in a row that gain nothing */
#define ROT_STARTS	4		/* greedy starts before kicking */
#define ROT_WMAX	65535		/* cap on w, so sums of w * w fit */

/* A table id and its first position in tables[], for lookups. */
struct rot_tab {
	uint64_t	 id;
	size_t		 pos;
};

/* A person and their position in in->people, to sort by id. */
struct rot_ref {
	uint32_t	 id;
	size_t		 pos;
};

/* Two people who met, and the penalty for seating them together. */
struct rot_edge {
	uint32_t	 a;
	uint32_t	 b;
	int64_t		 pen;
};

/* The problem, the current seating and the search state. */
struct rot {
	size_t		 n;		/* people */
	size_t		 k;		/* distinct tables */
	uint64_t	*ids;		/* their ids, in board order */
	size_t		*src;		/* internal index -> index in people */
	int		*home;		/* current table index, or ROT_NONE */
	bool		*stay;		/* host at a known table */
	size_t		*trav;		/* travellers (internal indices) */
	size_t		 ntrav;

	size_t		*off;		/* i's neighbours: nb[off[i] .. */
	uint32_t	*nb;
	int64_t		*pen;

	int		*lower;		/* sizes for the greedy seating */
	int		*upper;
	int		 spread;	/* smallest max - min table size */

	int		*seat;		/* table index per person */
	int		*size;		/* people per table */
	int64_t		*sum;		/* n x k: i's penalty with t */
	int64_t		*row;		/* scratch: penalty with one person */

	uint8_t		*old;		/* n x k: 1 where i revisits t */
	int64_t		 big;		/* the price of a revisit */

	uint64_t	 rng;
	uint64_t	 work;		/* evaluations done */
};

/* Order table ids, then positions. */
static int
rot_tab_cmp(const void *a, const void *b)
{
	const struct rot_tab	*x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return 0;
}

/* Order people by id, then position. */
static int
rot_ref_cmp(const void *a, const void *b)
{
	const struct rot_ref	*x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return 0;
}

/*
 * Sort the table ids for lookup and number the distinct ones in board order:
 * idx[pos] is the index of tables[pos], or ROT_NONE for a repeated id.
 * Returns the number of distinct tables.
 */
static size_t
rot_tables(const struct rotation_in *in, struct rot_tab **sorted, int *idx)
{
	struct rot_tab	*s;
	size_t		 i, k;

	s = xcalloc(in->ntables, sizeof *s);
	for (i = 0; i < in->ntables; i++) {
		s[i].id = in->tables[i];
		s[i].pos = i;
	}
	qsort(s, in->ntables, sizeof *s, rot_tab_cmp);
	for (i = 0; i < in->ntables; i++)
		idx[i] = 0;
	for (i = 1; i < in->ntables; i++) {
		if (s[i].id == s[i - 1].id)
			idx[s[i].pos] = ROT_NONE;
	}
	k = 0;
	for (i = 0; i < in->ntables; i++) {
		if (idx[i] != ROT_NONE)
			idx[i] = (int)k++;
	}
	*sorted = s;
	return k;
}

/* Position in tables[] of the first table with this id, or -1. */
static long
rot_find(const struct rot_tab *s, size_t n, uint64_t id)
{
	size_t	lo = 0, hi = n, mid;

	/* The first entry with this id has the smallest position. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && s[lo].id == id)
		return (long)s[lo].pos;
	return -1;
}

/* How often two people met: history plus the round ending now. */
static uint64_t
rot_weight(const struct rotation_in *in, uint32_t a, uint32_t b, bool together)
{
	uint64_t	w = together ? 1 : 0;

	if (in->met == NULL)
		return w;
	if (a < b)
		return w + in->met(a, b, in->met_arg);
	return w + in->met(b, a, in->met_arg);
}

/* Next number of a splitmix64 generator. */
static uint64_t
rot_random(struct rot *r)
{
	uint64_t	z;

	z = (r->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fold a value into a running hash of the input. */
static uint64_t
rot_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h;
}

/* Cost entry of person i at table t. */
static int64_t *
rot_sum(struct rot *r, size_t i, int t)
{
	return &r->sum[i * r->k + (size_t)t];
}

/* 1 if seating i at t is a revisit, else 0. */
static int
rot_old(const struct rot *r, size_t i, int t)
{
	return r->old[i * r->k + (size_t)t];
}

/* What seating i at t costs: revisits first, then meetings. */
static int64_t
rot_cost(struct rot *r, size_t i, int t)
{
	return r->big * rot_old(r, i, t) + *rot_sum(r, i, t);
}

/*
 * Mark where each traveller would revisit: the tables they sat at (now or
 * in sat[]), when some other table is new to them.
 */
static void
rot_revisits(struct rot *r, const struct rotation_in *in,
    const struct rot_tab *tabs, const int *idx)
{
	const struct rotation_person	*p;
	size_t				 i, j, t, seen;
	long				 pos;
	uint8_t				*row;

	for (i = 0; i < r->n; i++) {
		if (r->stay[i])
			continue;
		p = &in->people[r->src[i]];
		row = &r->old[i * r->k];
		if (r->home[i] != ROT_NONE)
			row[r->home[i]] = 1;
		for (j = 0; j < p->nsat; j++) {
			pos = rot_find(tabs, in->ntables, p->sat[j]);
			if (pos >= 0)
				row[idx[pos]] = 1;
		}
		for (seen = t = 0; t < r->k; t++)
			seen += row[t];
		/* Every table seen (or only one): nothing is a revisit. */
		if (seen == r->k)
			memset(row, 0, r->k);
		else if (r->home[i] != ROT_NONE)
			row[r->home[i]] = 0;	/* never a choice anyway */
	}
}

/* Read people, tables and history into r. */
static void
rot_load(struct rot *r, const struct rotation_in *in)
{
	struct rot_tab	*tabs;
	struct rot_ref	*refs;
	struct rot_edge	*e = NULL;
	size_t		 ne = 0, ce = 0, i, j, x;
	int		*idx;
	long		 pos;
	uint64_t	 w, h = 0;

	memset(r, 0, sizeof *r);
	r->n = in->npeople;
	idx = xcalloc(in->ntables, sizeof *idx);
	r->k = rot_tables(in, &tabs, idx);
	r->ids = xcalloc(r->k, sizeof *r->ids);
	for (i = 0; i < in->ntables; i++) {
		if (idx[i] != ROT_NONE) {
			r->ids[idx[i]] = in->tables[i];
			h = rot_mix(h, in->tables[i]);
		}
	}

	refs = xcalloc(r->n, sizeof *refs);
	for (i = 0; i < r->n; i++) {
		refs[i].id = in->people[i].id;
		refs[i].pos = i;
	}
	qsort(refs, r->n, sizeof *refs, rot_ref_cmp);

	r->src = xcalloc(r->n, sizeof *r->src);
	r->home = xcalloc(r->n, sizeof *r->home);
	r->stay = xcalloc(r->n, sizeof *r->stay);
	r->trav = xcalloc(r->n, sizeof *r->trav);
	for (i = 0; i < r->n; i++) {
		const struct rotation_person *p = &in->people[refs[i].pos];

		r->src[i] = refs[i].pos;
		pos = rot_find(tabs, in->ntables, p->table);
		r->home[i] = pos < 0 ? ROT_NONE : idx[pos];
		r->stay[i] = p->host && r->home[i] != ROT_NONE;
		if (!r->stay[i])
			r->trav[r->ntrav++] = i;
		h = rot_mix(h, p->id);
		h = rot_mix(h, (uint64_t)(r->home[i] + 1) << 1 | r->stay[i]);
	}
	free(refs);
	r->old = xcalloc(r->n * r->k, sizeof *r->old);
	rot_revisits(r, in, tabs, idx);
	for (i = 0; i < r->n * r->k; i++) {
		if (r->old[i])
			h = rot_mix(h, i);
	}
	free(tabs);
	free(idx);

	/*
	 * Two hosts never change table, so what they cost is the same in
	 * every seating: skip them (and the callback calls).  With one
	 * table there is nothing to choose.
	 */
	for (i = 0; i < r->n && r->k > 1; i++) {
		for (j = i + 1; j < r->n; j++) {
			if (r->stay[i] && r->stay[j])
				continue;
			w = rot_weight(in, in->people[r->src[i]].id,
			    in->people[r->src[j]].id,
			    r->home[i] != ROT_NONE && r->home[i] == r->home[j]);
			if (w == 0)
				continue;
			if (ne == ce) {
				ce = ce == 0 ? 256 : ce * 2;
				e = xreallocarray(e, ce, sizeof *e);
			}
			e[ne].a = (uint32_t)i;
			e[ne].b = (uint32_t)j;
			if (w > ROT_WMAX)
				w = ROT_WMAX;
			e[ne].pen = (int64_t)(w * w);
			ne++;
			h = rot_mix(rot_mix(h, i << 20 ^ j), w);
		}
	}

	/* Both directions of every edge, grouped by person. */
	r->off = xcalloc(r->n + 1, sizeof *r->off);
	for (x = 0; x < ne; x++) {
		r->off[e[x].a + 1]++;
		r->off[e[x].b + 1]++;
	}
	for (i = 0; i < r->n; i++)
		r->off[i + 1] += r->off[i];
	r->nb = xcalloc(2 * ne, sizeof *r->nb);
	r->pen = xcalloc(2 * ne, sizeof *r->pen);
	{
		size_t	*fill = xcalloc(r->n, sizeof *fill);

		for (x = 0; x < ne; x++) {
			j = r->off[e[x].a] + fill[e[x].a]++;
			r->nb[j] = e[x].b;
			r->pen[j] = e[x].pen;
			j = r->off[e[x].b] + fill[e[x].b]++;
			r->nb[j] = e[x].a;
			r->pen[j] = e[x].pen;
		}
		free(fill);
	}
	/* More than every penalty together: no meeting is worth a revisit. */
	r->big = 1;
	for (x = 0; x < ne; x++)
		r->big += e[x].pen;
	free(e);

	r->lower = xcalloc(r->k, sizeof *r->lower);
	r->upper = xcalloc(r->k, sizeof *r->upper);
	r->seat = xcalloc(r->n, sizeof *r->seat);
	r->size = xcalloc(r->k, sizeof *r->size);
	r->sum = xcalloc(r->n * r->k, sizeof *r->sum);
	r->row = xcalloc(r->n, sizeof *r->row);
	r->rng = h;
}

/* Release what rot_load allocated. */
static void
rot_free(struct rot *r)
{
	free(r->ids);
	free(r->src);
	free(r->home);
	free(r->stay);
	free(r->trav);
	free(r->off);
	free(r->nb);
	free(r->pen);
	free(r->lower);
	free(r->upper);
	free(r->seat);
	free(r->size);
	free(r->sum);
	free(r->row);
	free(r->old);
}

/*
 * Highest level L such that table sizes in [max(lo, L), min(hi, L + d)]
 * can add up to n, or -1.  Both sums grow with L, so the levels that work
 * form an interval, found by two binary searches.
 */
static long
rot_level(const long *lo, const long *hi, size_t k, long n, long d)
{
	long	 rlo = 0, rhi = n, a, b, mid, s;
	size_t	 t;

	for (t = 0; t < k; t++) {
		if (lo[t] - d > rlo)
			rlo = lo[t] - d;
		if (hi[t] < rhi)
			rhi = hi[t];
	}
	if (rlo > rhi)
		return -1;

	/* Largest L with sum of max(lo, L) <= n. */
	a = rlo;
	b = rhi;
	while (a < b) {
		mid = a + (b - a + 1) / 2;
		for (s = 0, t = 0; t < k; t++)
			s += lo[t] > mid ? lo[t] : mid;
		if (s <= n)
			a = mid;
		else
			b = mid - 1;
	}
	for (s = 0, t = 0; t < k; t++)
		s += lo[t] > a ? lo[t] : a;
	if (s > n)
		return -1;
	rhi = a;

	/* Smallest L with sum of min(hi, L + d) >= n. */
	a = rlo;
	b = rhi;
	while (a < b) {
		mid = a + (b - a) / 2;
		for (s = 0, t = 0; t < k; t++)
			s += hi[t] < mid + d ? hi[t] : mid + d;
		if (s >= n)
			b = mid;
		else
			a = mid + 1;
	}
	for (s = 0, t = 0; t < k; t++)
		s += hi[t] < a + d ? hi[t] : a + d;
	if (s < n)
		return -1;
	return rhi;
}

/*
 * Size range of every table.  A table keeps its hosts (lo) and can take at
 * most the travellers who do not sit there now (hi); by Hall's theorem any
 * sizes within [lo, hi] adding up to n can be filled.  Find the smallest
 * spread d, by binary search, and the highest level L for it.
 */
static void
rot_bounds(struct rot *r)
{
	long	*lo, *hi, n = (long)r->n, d, a, b, level;
	size_t	 i, t;

	lo = xcalloc(r->k, sizeof *lo);
	hi = xcalloc(r->k, sizeof *hi);
	for (t = 0; t < r->k; t++)
		hi[t] = (long)r->ntrav;
	for (i = 0; i < r->n; i++) {
		if (r->stay[i])
			lo[r->home[i]]++;
		else if (r->home[i] != ROT_NONE)
			hi[r->home[i]]--;
	}
	for (t = 0; t < r->k; t++)
		hi[t] += lo[t];

	a = 0;
	b = n;
	while (a < b) {
		d = a + (b - a) / 2;
		if (rot_level(lo, hi, r->k, n, d) >= 0)
			b = d;
		else
			a = d + 1;
	}
	if ((level = rot_level(lo, hi, r->k, n, a)) < 0)
		fatalx("rotation: no table sizes fit");
	r->spread = (int)a;
	for (t = 0; t < r->k; t++) {
		r->lower[t] = (int)(lo[t] > level ? lo[t] : level);
		r->upper[t] = (int)(hi[t] < level + a ? hi[t] : level + a);
	}
	free(lo);
	free(hi);
}

/* Seat i at table t, keeping the cost sums up to date. */
static void
rot_place(struct rot *r, size_t i, int t)
{
	size_t	x;

	r->seat[i] = t;
	r->size[t]++;
	for (x = r->off[i]; x < r->off[i + 1]; x++)
		*rot_sum(r, r->nb[x], t) += r->pen[x];
}

/* Take i from their table, keeping the cost sums up to date. */
static void
rot_unplace(struct rot *r, size_t i)
{
	int	t = r->seat[i];
	size_t	x;

	r->size[t]--;
	for (x = r->off[i]; x < r->off[i + 1]; x++)
		*rot_sum(r, r->nb[x], t) -= r->pen[x];
	r->seat[i] = ROT_NONE;
}

/* Empty every table, then seat the hosts. */
static void
rot_reset(struct rot *r)
{
	size_t	i;

	memset(r->sum, 0, r->n * r->k * sizeof *r->sum);
	memset(r->size, 0, r->k * sizeof *r->size);
	for (i = 0; i < r->n; i++) {
		r->seat[i] = ROT_NONE;
		if (r->stay[i])
			rot_place(r, i, r->home[i]);
	}
}

/* Seat everyone as in seat[], rebuilding the cost sums. */
static void
rot_restore(struct rot *r, const int *seat)
{
	size_t	i;

	rot_reset(r);
	for (i = 0; i < r->ntrav; i++)
		rot_place(r, r->trav[i], seat[r->trav[i]]);
}

/* Cost of the seating, hosts among themselves left out. */
static int64_t
rot_total(struct rot *r)
{
	int64_t	c = 0, old = 0;
	size_t	i;

	for (i = 0; i < r->n; i++) {
		c += *rot_sum(r, i, r->seat[i]);
		old += rot_old(r, i, r->seat[i]);
	}
	return r->big * old + c / 2;
}

/*
 * Whether the travellers not yet seated (left[t] of them from table t,
 * nleft in all) can still bring every table within its range.
 */
static bool
rot_fillable(struct rot *r, const long *left, long nleft)
{
	long	need = 0, room = 0, lo, cap;
	size_t	t;

	for (t = 0; t < r->k; t++) {
		lo = r->lower[t] - r->size[t];
		if (lo < 0)
			lo = 0;
		cap = r->upper[t] - r->size[t];
		if (cap > nleft - left[t])
			cap = nleft - left[t];
		if (lo > cap)
			return false;
		need += lo;
		room += cap;
	}
	return need <= nleft && nleft <= room;
}

/* Seat the travellers one by one in the given order. */
static void
rot_greedy(struct rot *r, const size_t *order)
{
	long	*left, nleft = (long)r->ntrav;
	size_t	 i, p;
	int	 t, best, h;

	rot_reset(r);
	left = xcalloc(r->k, sizeof *left);
	for (i = 0; i < r->ntrav; i++) {
		if (r->home[r->trav[i]] != ROT_NONE)
			left[r->home[r->trav[i]]]++;
	}
	for (i = 0; i < r->ntrav; i++) {
		p = order[i];
		h = r->home[p];
		if (h != ROT_NONE)
			left[h]--;
		nleft--;
		best = ROT_NONE;
		for (t = 0; t < (int)r->k; t++) {
			if (t == h || r->size[t] >= r->upper[t])
				continue;
			if (best != ROT_NONE) {
				int64_t	 c = rot_cost(r, p, t);
				int64_t	 cb = rot_cost(r, p, best);

				if (c > cb || (c == cb &&
				    r->size[t] >= r->size[best]))
					continue;
			}
			r->size[t]++;
			if (rot_fillable(r, left, nleft))
				best = t;
			r->size[t]--;
		}
		if (best == ROT_NONE)
			fatalx("rotation: greedy found no table");
		rot_place(r, p, best);
		r->work += r->k;
	}
	free(left);
}

/* Whether moving someone from table a to b keeps the smallest spread. */
static bool
rot_even(struct rot *r, int a, int b)
{
	int	min, max, z;
	size_t	t;

	min = max = r->size[a] - 1;
	for (t = 0; t < r->k; t++) {
		z = r->size[t] - ((int)t == a) + ((int)t == b);
		if (z < min)
			min = z;
		if (z > max)
			max = z;
	}
	return max - min <= r->spread;
}

/* Improve the seating with moves and swaps until no single one helps. */
static void
rot_descend(struct rot *r)
{
	int64_t	 best, d, base;
	size_t	 x, y, i, j, bj;
	int	 a, b, hb, bt;
	bool	 improved = true;

	while (improved) {
		improved = false;
		for (x = 0; x < r->ntrav; x++) {
			i = r->trav[x];
			a = r->seat[i];
			base = rot_cost(r, i, a);
			best = 0;
			bt = ROT_NONE;
			bj = SIZE_MAX;

			/* Move i alone, if the sizes stay as even. */
			for (b = 0; b < (int)r->k; b++) {
				if (b == a || b == r->home[i])
					continue;
				d = rot_cost(r, i, b) - base;
				if (d < best && rot_even(r, a, b)) {
					best = d;
					bt = b;
				}
			}

			/* Swap i with a traveller at another table. */
			for (y = r->off[i]; y < r->off[i + 1]; y++)
				r->row[r->nb[y]] = r->pen[y];
			for (y = 0; y < r->ntrav; y++) {
				j = r->trav[y];
				b = r->seat[j];
				hb = r->home[j];
				if (b == a || b == r->home[i] || a == hb)
					continue;
				d = rot_cost(r, i, b) - base +
				    rot_cost(r, j, a) - rot_cost(r, j, b) -
				    2 * r->row[j];
				if (d < best) {
					best = d;
					bt = b;
					bj = j;
				}
			}
			for (y = r->off[i]; y < r->off[i + 1]; y++)
				r->row[r->nb[y]] = 0;
			r->work += r->ntrav + r->k;

			if (best == 0)
				continue;
			rot_unplace(r, i);
			rot_place(r, i, bt);
			if (bj != SIZE_MAX) {
				rot_unplace(r, bj);
				rot_place(r, bj, a);
			}
			improved = true;
		}
	}
}

/* Swap a few random pairs of travellers, within the rules; how many. */
static size_t
rot_kick(struct rot *r)
{
	size_t	 n, done = 0, tries, i, j;
	int	 a, b;

	n = 2 + rot_random(r) % 3;
	for (tries = 0; done < n && tries < 64; tries++) {
		i = r->trav[rot_random(r) % r->ntrav];
		j = r->trav[rot_random(r) % r->ntrav];
		a = r->seat[i];
		b = r->seat[j];
		if (a == b || b == r->home[i] || a == r->home[j])
			continue;
		rot_unplace(r, i);
		rot_unplace(r, j);
		rot_place(r, i, b);
		rot_place(r, j, a);
		done++;
	}
	return done;
}

/* Order travellers by weight of past meetings, heaviest first, then id. */
static void
rot_order(struct rot *r, size_t *order)
{
	int64_t	*weight;
	size_t	 i, j, x, p;

	weight = xcalloc(r->n, sizeof *weight);
	for (i = 0; i < r->n; i++) {
		for (x = r->off[i]; x < r->off[i + 1]; x++)
			weight[i] += r->pen[x];
	}
	/* Insertion sort: stable, and n is small next to the search. */
	for (i = 0; i < r->ntrav; i++) {
		p = r->trav[i];
		for (j = i; j > 0 && weight[order[j - 1]] < weight[p]; j--)
			order[j] = order[j - 1];
		order[j] = p;
	}
	free(weight);
}

/* Travellers seated where they revisit. */
static size_t
rot_revisit_count(const struct rot *r)
{
	size_t	i, n = 0;

	for (i = 0; i < r->ntrav; i++)
		n += (size_t)rot_old(r, r->trav[i], r->seat[r->trav[i]]);
	return n;
}

/*
 * Move the travellers who[] along the tables path[0] -> path[1] -> ...
 * -> path[len]: who[x] goes from path[x] to path[x + 1].
 */
static void
rot_shift(struct rot *r, const int *path, const size_t *who, size_t len)
{
	size_t	x;

	for (x = 0; x < len; x++)
		rot_unplace(r, who[x]);
	for (x = 0; x < len; x++)
		rot_place(r, who[x], path[x + 1]);
}

/*
 * The exact step against revisits.  Edge a -> b of the graph of tables:
 * the traveller at a whose move to b changes the revisits least (-1, 0 or
 * +1).  A negative cycle keeps every size; a negative path from a to b
 * changes two, which the spread must allow.  Applies one and returns
 * true, or returns false when there is none.
 */
static bool
rot_repair(struct rot *r)
{
	size_t	 k = r->k, i, x, y, n, *who, *move;
	int	*w, *dist, *pred, *path, a, b, t, v, last;
	bool	 found = false;

	w = xcalloc(k * k, sizeof *w);
	who = xcalloc(k * k, sizeof *who);
	dist = xcalloc(k, sizeof *dist);
	pred = xcalloc(k, sizeof *pred);
	path = xcalloc(k + 1, sizeof *path);
	move = xcalloc(k, sizeof *move);
	for (x = 0; x < k * k; x++)
		w[x] = 2;			/* no edge */
	for (x = 0; x < r->ntrav; x++) {
		i = r->trav[x];
		a = r->seat[i];
		for (b = 0; b < (int)k; b++) {
			if (b == a || b == r->home[i])
				continue;
			v = rot_old(r, i, b) - rot_old(r, i, a);
			if (v < w[(size_t)a * k + (size_t)b]) {
				w[(size_t)a * k + (size_t)b] = v;
				who[(size_t)a * k + (size_t)b] = i;
			}
		}
	}
	r->work += r->ntrav * k;

	/* A negative cycle: Bellman-Ford from every table at once. */
	for (x = 0; x < k; x++) {
		dist[x] = 0;
		pred[x] = ROT_NONE;
	}
	last = ROT_NONE;
	for (n = 0; n < k; n++) {
		last = ROT_NONE;
		for (x = 0; x < k * k; x++) {
			a = (int)(x / k);
			b = (int)(x % k);
			if (w[x] < 2 && dist[a] + w[x] < dist[b]) {
				dist[b] = dist[a] + w[x];
				pred[b] = a;
				last = b;
			}
		}
		if (last == ROT_NONE)
			break;
	}
	r->work += k * k * k;
	if (last != ROT_NONE) {
		/* k steps back surely land on the cycle; then walk it. */
		for (n = 0; n < k; n++)
			last = pred[last];
		n = 0;
		v = last;
		do {
			path[n++] = v;
			v = pred[v];
		} while (v != last);
		path[n] = last;
		/* pred points backwards: reverse into moves along edges. */
		for (x = 0, y = n; x < y; x++, y--) {
			t = path[x];
			path[x] = path[y];
			path[y] = t;
		}
		for (x = 0; x < n; x++)
			move[x] = who[(size_t)path[x] * k +
			    (size_t)path[x + 1]];
		rot_shift(r, path, move, n);
		found = true;
	}

	/* A negative path between two tables whose sizes may change. */
	for (a = 0; a < (int)k && !found; a++) {
		for (x = 0; x < k; x++) {
			dist[x] = INT32_MAX / 2;
			pred[x] = ROT_NONE;
		}
		dist[a] = 0;
		for (n = 1; n < k; n++) {
			for (x = 0; x < k * k; x++) {
				t = (int)(x / k);
				b = (int)(x % k);
				if (w[x] < 2 && dist[t] < INT32_MAX / 2 &&
				    dist[t] + w[x] < dist[b]) {
					dist[b] = dist[t] + w[x];
					pred[b] = t;
				}
			}
		}
		r->work += k * k * k;
		for (b = 0; b < (int)k && !found; b++) {
			if (b == a || dist[b] >= 0 || !rot_even(r, a, b))
				continue;
			n = 0;
			for (v = b; v != a; v = pred[v])
				path[n++] = v;
			path[n] = a;
			for (x = 0, y = n; x < y; x++, y--) {
				t = path[x];
				path[x] = path[y];
				path[y] = t;
			}
			for (x = 0; x < n; x++)
				move[x] = who[(size_t)path[x] * k +
				    (size_t)path[x + 1]];
			rot_shift(r, path, move, n);
			found = true;
		}
	}
	free(w);
	free(who);
	free(dist);
	free(pred);
	free(path);
	free(move);
	return found;
}

/* Search for a good seating; leaves it in r->seat. */
static void
rot_search(struct rot *r)
{
	size_t	*order;
	int	*best;
	int64_t	 cost, bcost;
	size_t	 start, i, j, tmp, stall = 0;

	rot_bounds(r);
	order = xcalloc(r->ntrav, sizeof *order);
	best = xcalloc(r->n, sizeof *best);

	rot_order(r, order);
	rot_greedy(r, order);
	rot_descend(r);
	bcost = rot_total(r);
	memcpy(best, r->seat, r->n * sizeof *best);

	/* A few more greedy starts in random orders. */
	for (start = 1; start < ROT_STARTS && bcost > 0 && r->ntrav > 1 &&
	    r->work < ROT_BUDGET / 4; start++) {
		for (i = r->ntrav - 1; i > 0; i--) {
			j = rot_random(r) % (i + 1);
			tmp = order[i];
			order[i] = order[j];
			order[j] = tmp;
		}
		rot_greedy(r, order);
		rot_descend(r);
		if ((cost = rot_total(r)) < bcost) {
			bcost = cost;
			memcpy(best, r->seat, r->n * sizeof *best);
		}
	}

	/* Kick the best seating and descend again while it pays. */
	rot_restore(r, best);
	while (bcost > 0 && r->ntrav > 1 && stall < ROT_STALL &&
	    r->work < ROT_BUDGET) {
		if (rot_kick(r) == 0)
			break;		/* no swap is allowed: nothing to try */
		rot_descend(r);
		cost = rot_total(r);
		if (cost < bcost)
			stall = 0;
		else
			stall++;
		if (cost <= bcost) {
			bcost = cost;
			memcpy(best, r->seat, r->n * sizeof *best);
		} else
			rot_restore(r, best);
	}
	rot_restore(r, best);

	/* As few revisits as the sizes allow, then meetings again. */
	while (rot_revisit_count(r) > 0 && r->work < 2 * ROT_BUDGET &&
	    rot_repair(r))
		rot_descend(r);

	free(order);
	free(best);
}

/* Compute the next seating. */
int
rotation_compute(const struct rotation_in *in, struct proto_pair **out)
{
	struct rot		 r;
	struct proto_pair	*o;
	size_t			 i;

	*out = NULL;
	if (in->ntables == 0)
		return -1;
	rot_load(&r, in);
	o = xcalloc(r.n, sizeof *o);
	if (r.k == 1) {
		for (i = 0; i < r.n; i++)
			r.seat[i] = 0;
	} else
		rot_search(&r);

	/* Back to the order of in->people, with table ids. */
	for (i = 0; i < r.n; i++) {
		o[r.src[i]].a = in->people[r.src[i]].id;
		o[r.src[i]].b = r.ids[r.seat[i]];
	}
	rot_free(&r);
	*out = o;
	return 0;
}

/* Order positions by new table, for rotation_cost. */
static int
rot_pair_cmp(const void *a, const void *b)
{
	const struct proto_pair	*x = a, *y = b;

	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return 0;
}

/*
 * Cost of a seating: over pairs at one new table, how often they met before.
 * Sitting together now counts only at a table in tables[].
 */
uint64_t
rotation_cost(const struct rotation_in *in, const struct proto_pair *out)
{
	struct rot_tab		*tabs;
	struct proto_pair	*by;
	int			*idx;
	size_t			 i, j, s, e;
	uint64_t		 cost = 0;
	bool			 together;

	if (in->npeople == 0)
		return 0;
	idx = xcalloc(in->ntables, sizeof *idx);
	rot_tables(in, &tabs, idx);

	/* by[i] = (new table, position in people), grouped by table. */
	by = xcalloc(in->npeople, sizeof *by);
	for (i = 0; i < in->npeople; i++) {
		by[i].a = i;
		by[i].b = out[i].b;
	}
	qsort(by, in->npeople, sizeof *by, rot_pair_cmp);
	for (s = 0; s < in->npeople; s = e) {
		for (e = s + 1; e < in->npeople && by[e].b == by[s].b; e++)
			/* nothing */;
		for (i = s; i < e; i++) {
			const struct rotation_person *p = &in->people[by[i].a];

			for (j = i + 1; j < e; j++) {
				const struct rotation_person *q =
				    &in->people[by[j].a];

				together = p->table == q->table &&
				    rot_find(tabs, in->ntables, p->table) >= 0;
				cost += rot_weight(in, p->id, q->id, together);
			}
		}
	}
	free(by);
	free(tabs);
	free(idx);
	return cost;
}

/*
 * Revisits of a seating: travellers (not hosts at a table of tables[])
 * seated at a table they sat at now or in sat[], although some table of
 * tables[] is new to them.
 */
size_t
rotation_revisits(const struct rotation_in *in, const struct proto_pair *out)
{
	const struct rotation_person	*p;
	struct rot_tab			*tabs;
	int				*idx;
	uint8_t				*seen;
	size_t				 i, j, k, count, n = 0;
	long				 pos, to;

	if (in->ntables == 0 || in->npeople == 0)
		return 0;
	idx = xcalloc(in->ntables, sizeof *idx);
	k = rot_tables(in, &tabs, idx);
	seen = xcalloc(k, sizeof *seen);
	for (i = 0; i < in->npeople; i++) {
		p = &in->people[i];
		pos = rot_find(tabs, in->ntables, p->table);
		if (p->host && pos >= 0)
			continue;
		memset(seen, 0, k);
		if (pos >= 0)
			seen[idx[pos]] = 1;
		for (j = 0; j < p->nsat; j++) {
			if ((pos = rot_find(tabs, in->ntables, p->sat[j])) >= 0)
				seen[idx[pos]] = 1;
		}
		for (count = j = 0; j < k; j++)
			count += seen[j];
		to = rot_find(tabs, in->ntables, out[i].b);
		if (count < k && to >= 0 && seen[idx[to]])
			n++;
	}
	free(seen);
	free(tabs);
	free(idx);
	return n;
}
