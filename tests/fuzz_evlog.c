/*
 * fuzz_evlog.c -- libFuzzer target for the event-log reader.
 *
 * Every input is a log file (after one mode byte: when its low bit is set,
 * the target first makes the CRC of every record whose length holds right,
 * so that mutations reach the records' contents and the events in them).
 * The log is loaded as the server loads a board, every event folded into a
 * model.  Opening read-only never changes the file and reports the file as
 * it is; the scan of a damaged log finds runs that agree with the open and
 * replay to exactly their records; a repair leaves a log that opens clean
 * with the records before the damage; a rewrite to the last run keeps the
 * old file whole beside the new one.
 *
 *   make fuzz                          libFuzzer for FUZZ_SECONDS
 *   make check                         replays tests/fixtures/fuzz/evlog
 */
#include <sys/stat.h>

#include "evlog.h"
#include "fuzz.h"
#include "model.h"
#include "server.h"

/* Big-endian 32-bit load. */
static uint32_t
fuzz_evlog_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Big-endian 32-bit store. */
static void
fuzz_evlog_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Make the CRC of each record whose length fits the file right. */
static void
fuzz_evlog_fix_crcs(uint8_t *buf, size_t len)
{
	size_t		off = EVLOG_HDR_LEN;
	uint32_t	rlen;

	while (off + EVLOG_REC_HDR <= len) {
		rlen = fuzz_evlog_get32(buf + off);
		if (rlen < EVLOG_PAYLOAD_HDR ||
		    rlen > EVLOG_PAYLOAD_HDR + EVLOG_BODY_MAX ||
		    rlen > len - off - EVLOG_REC_HDR)
			return;
		fuzz_evlog_put32(buf + off + 4, evlog_crc32c(0,
		    buf + off + EVLOG_REC_HDR, rlen));
		off += EVLOG_REC_HDR + rlen;
	}
}

/* Records seen by a replay: how many, and that their seqs follow. */
struct fuzz_evlog_seen {
	uint64_t	n;
	uint64_t	next;
};

/* Replay callback: seqs one after another. */
static int
fuzz_evlog_each(const struct evlog_rec *rec, void *arg)
{
	struct fuzz_evlog_seen	*s = arg;

	FUZZ_CHECK(rec->seq != 0);
	FUZZ_CHECK(s->n == 0 || rec->seq == s->next);
	FUZZ_CHECK(rec->len <= EVLOG_BODY_MAX);
	s->n++;
	s->next = rec->seq + 1;
	return 0;
}

static const char *const fuzz_evlog_files[] = { "events.log",
    "events.log.tmp", "events.log.aside", "snapshot", NULL };

/* Once per process: the directory. */
static void
fuzz_evlog_init(void)
{
	fuzz_dir_init();
}

/* One input: see the top of the file. */
static int
fuzz_evlog_one(const uint8_t *data, size_t size)
{
	struct evlog_report	 rep, rep2;
	struct evlog_scan	 sc;
	struct fuzz_evlog_seen	 seen;
	struct model		*m;
	struct evlog		*e;
	uint8_t			*buf, *now;
	size_t			 len, nlen, i;
	off_t			 at, kept;
	char			 path[128], aside[128], err[512];
	uint64_t		 prev;

	if (size == 0)
		return 0;
	len = size - 1;
	if ((buf = malloc(len + 1)) == NULL)
		abort();
	memcpy(buf, data + 1, len);
	if (data[0] & 1)
		fuzz_evlog_fix_crcs(buf, len);
	fuzz_unlink(fuzz_evlog_files);
	fuzz_path(path, sizeof path, "events.log");
	fuzz_path(aside, sizeof aside, "events.log.aside");
	fuzz_write(path, buf, len);

	/* Opened read-only, it says what it holds and nothing changes. */
	memset(&seen, 0, sizeof seen);
	e = evlog_open(path, EVLOG_READONLY, fuzz_evlog_each, &seen, &rep,
	    err, sizeof err);
	FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
	now = fuzz_read(path, &nlen);
	FUZZ_CHECK(nlen == len && (len == 0 || memcmp(now, buf, len) == 0));
	free(now);
	FUZZ_CHECK(seen.n == rep.records);
	if (e != NULL) {
		FUZZ_CHECK(!rep.corrupt);
		FUZZ_CHECK(rep.good_bytes + rep.cut_bytes == (off_t)len);
		FUZZ_CHECK(evlog_last_seq(e) == rep.last_seq);
		FUZZ_CHECK(rep.records == 0 ||
		    rep.last_seq - rep.first_seq + 1 == rep.records);
		evlog_close(e);
	}

	/* Loaded as the server loads a board: every event folded. */
	m = model_new("fuzz");
	e = store_open_log(fuzz_dir, EVLOG_READONLY, m, 0, NULL, NULL, &rep2,
	    err, sizeof err);
	if (e != NULL) {
		FUZZ_CHECK(m->head == rep2.last_seq);
		evlog_close(e);
	}
	model_free(m);

	/* The scan agrees with the open, and its runs replay whole. */
	if (evlog_scan(path, &sc, err, sizeof err) == 0) {
		FUZZ_CHECK(sc.nruns >= 1 && sc.size == (off_t)len);
		kept = 0;
		prev = 0;
		at = EVLOG_HDR_LEN;
		for (i = 0; i < sc.nruns; i++) {
			const struct evlog_run *r = &sc.runs[i];

			FUZZ_CHECK(r->offset >= at && r->end >= r->offset);
			FUZZ_CHECK(i == 0 || r->records > 0);
			FUZZ_CHECK(r->records == 0 ||
			    (r->first_seq > prev && r->last_seq -
			    r->first_seq + 1 == r->records));
			memset(&seen, 0, sizeof seen);
			FUZZ_CHECK(evlog_run_each(path, r, fuzz_evlog_each,
			    &seen, err, sizeof err) == 0);
			FUZZ_CHECK(seen.n == r->records);
			if (r->records > 0)
				prev = r->last_seq;
			kept += r->end - r->offset;
			at = r->end;
		}
		FUZZ_CHECK(kept + sc.lost_bytes + EVLOG_HDR_LEN == (off_t)len);
		if (e != NULL || rep.corrupt)
			FUZZ_CHECK(sc.runs[0].records == rep.records);
		if (e != NULL)
			FUZZ_CHECK(sc.nruns == 1);
		/* Damage that is no torn tail is bytes in no run, or a run. */
		if (rep.corrupt)
			FUZZ_CHECK(sc.lost_bytes > 0 || sc.nruns >= 2);

		/* A rewrite to the last run keeps the old file beside. */
		if (evlog_rewrite(path, &sc.runs[sc.nruns - 1], 1, aside, err,
		    sizeof err) == 0) {
			now = fuzz_read(aside, &nlen);
			FUZZ_CHECK(nlen == len &&
			    (len == 0 || memcmp(now, buf, len) == 0));
			free(now);
			e = evlog_open(path, EVLOG_READONLY, NULL, NULL, &rep2,
			    err, sizeof err);
			FUZZ_CHECK(e != NULL);
			FUZZ_CHECK(rep2.cut_bytes == 0 &&
			    rep2.records == sc.runs[sc.nruns - 1].records);
			evlog_close(e);
			unlink(aside);
			fuzz_write(path, buf, len);
		}
		evlog_scan_free(&sc);
	}

	/* A repair cuts to the records before the damage, then opens clean. */
	e = evlog_open(path, EVLOG_REPAIR, NULL, NULL, &rep2, err, sizeof err);
	if (e != NULL) {
		FUZZ_CHECK(evlog_size(e) == rep2.good_bytes);
		evlog_close(e);
		e = evlog_open(path, EVLOG_READONLY, NULL, NULL, &rep2, err,
		    sizeof err);
		FUZZ_CHECK(e != NULL && rep2.cut_bytes == 0);
		FUZZ_CHECK(rep.records == rep2.records);
		evlog_close(e);
	}
	free(buf);
	return 0;
}

FUZZ_TARGET(evlog)
