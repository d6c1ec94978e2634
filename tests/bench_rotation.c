/*
 * bench_rotation.c -- time and quality of the table rotation.
 *
 * For each cafe shape, seat people round-robin with one host per table, then
 * rotate several times, keeping the history of who met whom.  Prints the
 * mean time per rotation and history callbacks per rotation, the repeat
 * encounters (sum of rotation_cost over the rotations) next to the classic
 * rotation (traveller j of a table moves j mod (k - 1) + 1 tables on), and
 * the most times any pair met.  Asserts nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"
#include "xmalloc.h"
#include "tsupport.h"

/* Who met whom in earlier rounds, by participant id (1..n). */
struct bench_hist {
	size_t		 n;
	uint16_t	*met;
	uint64_t	 calls;
};

/* The rotation's view of the history. */
static uint32_t
bench_met(uint32_t a, uint32_t b, void *arg)
{
	struct bench_hist	*h = arg;

	h->calls++;
	return h->met[(size_t)(a - 1) * h->n + (b - 1)];
}

/* Add the pairs seated together in seat[] to the history. */
static void
bench_record(struct bench_hist *h, const size_t *seat)
{
	size_t	i, j;

	for (i = 0; i < h->n; i++) {
		for (j = i + 1; j < h->n; j++) {
			if (seat[i] == seat[j]) {
				h->met[i * h->n + j]++;
				h->met[j * h->n + i]++;
			}
		}
	}
}

/* The classic rotation: traveller j of table t goes to t + 1 + j mod k-1. */
static void
bench_baseline(const struct rotation_person *p, size_t n, size_t k,
    const uint64_t *tables, struct proto_pair *out)
{
	size_t	*count, i, t;

	count = xcalloc(k, sizeof *count);
	for (i = 0; i < n; i++) {
		t = (size_t)(p[i].table - 1);
		out[i].a = p[i].id;
		if (p[i].host || k == 1)
			out[i].b = p[i].table;
		else
			out[i].b = tables[(t + 1 + count[t]++ % (k - 1)) % k];
	}
	free(count);
}

/* Rotate one shape several times, for us and for the baseline. */
static void
bench_shape(size_t n, size_t k, size_t rounds)
{
	struct rotation_person	*p;
	struct proto_pair	*out, *bout;
	struct rotation_in	 in;
	struct bench_hist	 h, bh;
	uint64_t		*tables, cost = 0, bcost = 0, calls;
	size_t			*seat, *bseat, i, r, worst = 0, bworst = 0;
	double			 t0, total = 0;
	struct rotation_person	*bp;

	tables = xcalloc(k, sizeof *tables);
	for (i = 0; i < k; i++)
		tables[i] = i + 1;
	p = xcalloc(n, sizeof *p);
	bp = xcalloc(n, sizeof *bp);
	seat = xcalloc(n, sizeof *seat);
	bseat = xcalloc(n, sizeof *bseat);
	for (i = 0; i < n; i++) {
		seat[i] = bseat[i] = i % k;
		p[i].id = bp[i].id = (uint32_t)i + 1;
		p[i].host = bp[i].host = i < k;
	}
	h.n = bh.n = n;
	h.met = xcalloc(n * n, sizeof *h.met);
	bh.met = xcalloc(n * n, sizeof *bh.met);
	h.calls = bh.calls = 0;
	bout = xcalloc(n, sizeof *bout);

	for (r = 1; r < rounds; r++) {
		memset(&in, 0, sizeof in);
		in.tables = tables;
		in.ntables = k;
		in.met = bench_met;

		for (i = 0; i < n; i++)
			p[i].table = tables[seat[i]];
		in.people = p;
		in.npeople = n;
		in.met_arg = &h;
		t0 = ts_seconds();
		if (rotation_compute(&in, &out) != 0)
			fatalx("rotation_compute failed");
		total += ts_seconds() - t0;
		calls = h.calls;
		cost += rotation_cost(&in, out);
		h.calls = calls;
		bench_record(&h, seat);
		for (i = 0; i < n; i++)
			seat[i] = (size_t)(out[i].b - 1);
		free(out);

		for (i = 0; i < n; i++)
			bp[i].table = tables[bseat[i]];
		in.people = bp;
		in.met_arg = &bh;
		bench_baseline(bp, n, k, tables, bout);
		bcost += rotation_cost(&in, bout);
		bench_record(&bh, bseat);
		for (i = 0; i < n; i++)
			bseat[i] = (size_t)(bout[i].b - 1);
	}
	bench_record(&h, seat);
	bench_record(&bh, bseat);
	for (i = 0; i < n * n; i++) {
		if (h.met[i] > worst && i / n != i % n)
			worst = h.met[i];
		if (bh.met[i] > bworst && i / n != i % n)
			bworst = bh.met[i];
	}
	printf("%5zu people %3zu tables %zu rounds: %8.3f ms/rotation, "
	    "%7llu met() calls; repeats %6llu (classic %6llu), "
	    "most met %zu (classic %zu)\n",
	    n, k, rounds, 1e3 * total / (double)(rounds - 1),
	    (unsigned long long)(h.calls / (rounds - 1)),
	    (unsigned long long)cost, (unsigned long long)bcost, worst, bworst);

	free(tables);
	free(p);
	free(bp);
	free(seat);
	free(bseat);
	free(h.met);
	free(bh.met);
	free(bout);
}

/* Print figures for the shapes a cafe meets, and large ones. */
int
main(void)
{
	bench_shape(16, 4, 4);
	bench_shape(40, 5, 4);
	bench_shape(40, 5, 5);
	bench_shape(60, 6, 4);
	bench_shape(60, 6, 6);
	bench_shape(200, 10, 4);
	bench_shape(1000, 64, 4);
	bench_shape(1000, 64, 8);
	bench_shape(1000, 10, 4);
	return 0;
}
