/*
 * bench_evlog.c -- how fast the event log appends, syncs, opens and CRCs.
 *
 * Prints figures; asserts nothing about time.  Works in a directory under
 * $TMPDIR (default /tmp), so fsync figures are those of that file system.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evlog.h"
#include "tsupport.h"

#define BODY_LEN	100
#define REC_LEN		(EVLOG_REC_HDR + EVLOG_PAYLOAD_HDR + BODY_LEN)
#define TIME_BUDGET	2.0	/* seconds per fsync figure, at most */

/* Give up with a message. */
static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench_evlog: %s: %s\n", what, why);
	exit(1);
}

/* Compare two doubles for qsort. */
static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Append up to n 100-byte events to a new log at path, ending a "pass"
 * every `every` records (0: never): with held (evlog_defer, as the server
 * writes) the pass's records go in one write there, and with sync each
 * pass ends in an fsync, for at most budget seconds (0: no limit).  Prints
 * the rate, and the p50 and p99 of a pass's end (write and fsync) when
 * there are passes; returns how many were appended.
 */
static unsigned long
bench_append(const char *path, const char *label, unsigned long n,
    unsigned long every, bool held, bool sync, double budget)
{
	struct evlog	*e;
	uint8_t		 body[BODY_LEN], client[PROTO_CLIENT_LEN];
	char		 err[512];
	unsigned long	 i, npass = 0;
	double		 t0, t, p0, *pass = NULL;

	unlink(path);
	memset(client, 0xc1, sizeof client);
	for (i = 0; i < sizeof body; i++)
		body[i] = (uint8_t)(i * 7);
	if ((e = evlog_open(path, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err)) == NULL)
		die(path, err);
	evlog_defer(e, held);
	if (every != 0 && (pass = calloc(n / every + 1, sizeof *pass)) == NULL)
		die("calloc", strerror(errno));
	t0 = ts_seconds();
	for (i = 0; i < n; i++) {
		body[0] = (uint8_t)i;
		if (evlog_append(e, i + 1, 1700000000000LL + (int64_t)i,
		    client, body, sizeof body, err, sizeof err) != 0)
			die("append", err);
		if (every != 0 && (i + 1) % every == 0) {
			p0 = ts_seconds();
			if (evlog_flush(e, err, sizeof err) != 0)
				die("write", err);
			if (sync && evlog_sync(e) != 0)
				die("fsync", strerror(errno));
			pass[npass++] = ts_seconds() - p0;
			if (budget > 0 && ts_seconds() - t0 > budget) {
				i++;
				break;
			}
		}
	}
	if (evlog_sync(e) != 0)
		die("fsync", strerror(errno));
	t = ts_seconds() - t0;
	evlog_close(e);
	printf("append, %-28s %9.0f appends/s %6.1f MB/s  (%lu in %.2f s)",
	    label, (double)i / t, (double)i * REC_LEN / t / 1e6, i, t);
	if (npass > 0) {
		qsort(pass, npass, sizeof *pass, bench_cmp);
		printf(", a pass's end p50 %.3f ms p99 %.3f ms",
		    pass[npass / 2] * 1e3, pass[npass * 99 / 100] * 1e3);
	}
	printf("\n");
	free(pass);
	return i;
}

/* Count records while opening. */
static int
bench_count(const struct evlog_rec *rec, void *arg)
{
	unsigned long	*n = arg;

	(void)rec;
	(*n)++;
	return 0;
}

/* Time opening (and verifying) the log at path; best of three. */
static void
bench_open(const char *path)
{
	struct evlog_report	 rep;
	struct evlog		*e;
	unsigned long		 n;
	char			 err[512];
	double			 t0, t, best = 0;
	int			 i;

	for (i = 0; i < 3; i++) {
		n = 0;
		t0 = ts_seconds();
		e = evlog_open(path, EVLOG_READONLY, bench_count, &n, &rep,
		    err, sizeof err);
		t = ts_seconds() - t0;
		if (e == NULL)
			die(path, err);
		evlog_close(e);
		if (i == 0 || t < best)
			best = t;
	}
	printf("open+verify (warm cache) %lu records (%.1f MB): %.3f s, %.0f records/s, "
	    "%.0f MB/s\n", n, (double)rep.good_bytes / 1e6, best,
	    (double)n / best, (double)rep.good_bytes / best / 1e6);
}

/* CRC-32C throughput of one implementation. */
static void
bench_crc(const char *label, uint32_t (*fn)(uint32_t, const void *, size_t))
{
	static uint8_t	buf[1 << 20];
	uint32_t	crc = 0;
	double		t0, t;
	size_t		i;
	int		rounds = 0;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 31);
	t0 = ts_seconds();
	do {
		crc = fn(crc, buf, sizeof buf);
		rounds++;
	} while ((t = ts_seconds() - t0) < 0.5);
	printf("crc32c %-8s %8.0f MB/s  (%08x)\n", label,
	    (double)rounds * sizeof buf / t / 1e6, crc);
}

/* Run every figure in a private directory. */
int
main(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		 dir[512], path[600];

	snprintf(dir, sizeof dir, "%s/cafeboard-bench-XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp", strerror(errno));
	snprintf(path, sizeof path, "%s/board.log", dir);
	printf("in %s, %d-byte events (%d bytes a record)\n", dir, BODY_LEN,
	    REC_LEN);

	/* As the server writes: one write per pass of 16 events, or each. */
	bench_append(path, "each, fsync never:", 200000, 0, false, false, 0);
	bench_append(path, "each, 16 a pass, no fsync:", 200000, 16, false,
	    false, 0);
	bench_append(path, "held, 16 a pass, no fsync:", 200000, 16, true,
	    false, 0);
	bench_append(path, "each, fsync every 1:", 20000, 1, false, true,
	    TIME_BUDGET);
	bench_append(path, "held, fsync every 1:", 20000, 1, true, true,
	    TIME_BUDGET);
	bench_append(path, "each, fsync every 16:", 320000, 16, false, true,
	    TIME_BUDGET);
	bench_append(path, "held, fsync every 16:", 320000, 16, true, true,
	    TIME_BUDGET);
	bench_append(path, "each, fsync every 64:", 640000, 64, false, true,
	    TIME_BUDGET);
	bench_append(path, "(log of 100k)", 100000, 0, false, false, 0);
	bench_open(path);
	bench_crc("default", evlog_crc32c);
	bench_crc("table", evlog_crc32c_sw);

	unlink(path);
	rmdir(dir);
	return 0;
}
