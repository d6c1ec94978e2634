/*
 * bench_rotation.c -- time and quality of the table rotation.
 *
 * For each cafe shape, seat people round-robin (with one host per table,
 * or none), then rotate several times, keeping the history of who met
 * whom and who sat at which table.  Prints the mean time per rotation and
 * history callbacks per rotation, then for three rotations -- ours, ours
 * without the tables of earlier rounds (what it was before it remembered
 * them), and the classic rotation (traveller j of a table moves j mod
 * (k - 1) + 1 tables on) -- the repeat encounters (sum of rotation_cost),
 * the most times any pair met, and the revisits (sum of
 * rotation_revisits: travellers back at a table they sat at while another
 * was new to them).  Asserts nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"
#include "tsupport.h"
#include "xmalloc.h"
#include "tsupport.h"

/* Who met whom in earlier rounds, by participant id (1..n). */
struct bench_hist {
	size_t		 n;
	uint16_t	*met;
	uint64_t	 calls;
};

/* One way of rotating, played over the rounds. */
struct bench_run {
	struct rotation_person	*p;
	size_t			*seat;
	uint64_t		*sat;		/* n x rounds: their tables */
	struct bench_hist	 h;
	uint64_t		 cost;
	size_t			 revisits;
	size_t			 worst;
	double			 ms;
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

/* Set up a run: round-robin, hosts first when asked. */
static void
bench_start(struct bench_run *b, size_t n, size_t k, size_t rounds,
    bool hosts)
{
	size_t	i;

	memset(b, 0, sizeof *b);
	b->p = xcalloc(n, sizeof *b->p);
	b->seat = xcalloc(n, sizeof *b->seat);
	b->sat = xcalloc(n * rounds, sizeof *b->sat);
	for (i = 0; i < n; i++) {
		b->seat[i] = i % k;
		b->p[i].id = (uint32_t)i + 1;
		b->p[i].host = hosts && i < k;
	}
	b->h.n = n;
	b->h.met = xcalloc(n * n, sizeof *b->h.met);
}

/*
 * One round of a run: mode 0 ours, 1 ours without earlier tables, 2 the
 * classic rotation.
 */
static void
bench_round(struct bench_run *b, int mode, size_t k, const uint64_t *tables,
    size_t round, size_t rounds)
{
	struct rotation_in	 in;
	struct proto_pair	*out;
	uint64_t		 calls;
	size_t			 i, n = b->h.n;
	int64_t			 t0;

	for (i = 0; i < n; i++) {
		b->p[i].table = tables[b->seat[i]];
		b->p[i].sat = mode == 1 ? NULL : &b->sat[i * rounds];
		b->p[i].nsat = mode == 1 ? 0 : round - 1;
	}
	memset(&in, 0, sizeof in);
	in.tables = tables;
	in.ntables = k;
	in.people = b->p;
	in.npeople = n;
	in.met = bench_met;
	in.met_arg = &b->h;
	if (mode == 2) {
		out = xcalloc(n, sizeof *out);
		bench_baseline(b->p, n, k, tables, out);
	} else {
		t0 = ts_now_us();
		if (rotation_compute(&in, &out) != 0)
			fatalx("rotation_compute failed");
		b->ms += (double)(ts_now_us() - t0) / 1e3;
	}
	calls = b->h.calls;
	b->cost += rotation_cost(&in, out);
	/* Revisits against the tables of every earlier round. */
	for (i = 0; i < n; i++) {
		b->p[i].sat = &b->sat[i * rounds];
		b->p[i].nsat = round - 1;
	}
	b->revisits += rotation_revisits(&in, out);
	b->h.calls = calls;
	bench_record(&b->h, b->seat);
	for (i = 0; i < n; i++) {
		b->sat[i * rounds + round - 1] = tables[b->seat[i]];
		b->seat[i] = (size_t)(out[i].b - 1);
	}
	free(out);
}

/* Finish a run: the last round's meetings, the most any pair met. */
static void
bench_finish(struct bench_run *b)
{
	size_t	i, n = b->h.n;

	bench_record(&b->h, b->seat);
	for (i = 0; i < n * n; i++) {
		if (b->h.met[i] > b->worst && i / n != i % n)
			b->worst = b->h.met[i];
	}
	free(b->p);
	free(b->seat);
	free(b->sat);
	free(b->h.met);
}

/* Rotate one shape several times, three ways. */
static void
bench_shape(size_t n, size_t k, size_t rounds, bool hosts)
{
	struct bench_run	 run[3];
	uint64_t		*tables;
	size_t			 i, r;
	int			 m;

	tables = xcalloc(k, sizeof *tables);
	for (i = 0; i < k; i++)
		tables[i] = i + 1;
	for (m = 0; m < 3; m++) {
		bench_start(&run[m], n, k, rounds, hosts);
		for (r = 1; r < rounds; r++)
			bench_round(&run[m], m, k, tables, r, rounds);
	}
	for (m = 0; m < 3; m++)
		bench_finish(&run[m]);
	printf("%5zu people %3zu tables %zu rounds %-8s %8.3f ms/rotation "
	    "(%8.3f), %7llu met() calls; repeats %6llu (%6llu, classic %6llu), "
	    "most met %zu (%zu, %zu), revisits %4zu (%4zu, %4zu)\n",
	    n, k, rounds, hosts ? "hosts" : "no hosts",
	    run[0].ms / (double)(rounds - 1), run[1].ms / (double)(rounds - 1),
	    (unsigned long long)(run[0].h.calls / (rounds - 1)),
	    (unsigned long long)run[0].cost, (unsigned long long)run[1].cost,
	    (unsigned long long)run[2].cost, run[0].worst, run[1].worst,
	    run[2].worst, run[0].revisits, run[1].revisits, run[2].revisits);
	free(tables);
}

/* Print figures for the shapes a cafe meets, and large ones. */
int
main(void)
{
	printf("ours (ours without earlier tables, classic)\n");
	bench_shape(16, 4, 4, true);
	bench_shape(16, 4, 4, false);
	bench_shape(40, 5, 4, true);
	bench_shape(40, 5, 5, true);
	bench_shape(40, 5, 5, false);
	bench_shape(60, 6, 4, true);
	bench_shape(60, 6, 6, true);
	bench_shape(60, 6, 6, false);
	bench_shape(200, 10, 4, true);
	bench_shape(1000, 64, 4, true);
	bench_shape(1000, 64, 8, true);
	bench_shape(1000, 10, 4, true);
	bench_shape(1000, 10, 8, false);
	return 0;
}
