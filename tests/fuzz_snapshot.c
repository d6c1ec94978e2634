/*
 * fuzz_snapshot.c -- libFuzzer target for the snapshot reader.
 *
 * After one mode byte, the input is either a whole snapshot file (mode's
 * low bit set) or the STATE records a snapshot holds, which the target
 * wraps in a header with the right CRCs so that mutations reach the
 * records.  The snapshot is read as the server reads it; when it loads,
 * the board it gives is written out as a snapshot again and read back, and
 * that second board writes out the very same bytes (nothing the reader
 * accepts is half understood).
 *
 *   make fuzz                          libFuzzer for FUZZ_SECONDS
 *   make check                         replays tests/fixtures/fuzz/snapshot
 */
#include "evlog.h"
#include "fuzz.h"
#include "model.h"
#include "proto.h"
#include "server.h"

/* Once per process: the directory. */
static void
fuzz_snapshot_init(void)
{
	fuzz_dir_init();
}

/* Big-endian stores. */
static void
fuzz_snapshot_put(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* One input: see the top of the file. */
static int
fuzz_snapshot_one(const uint8_t *data, size_t size)
{
	static const char *const files[] = { "snapshot", "snapshot.tmp",
	    NULL };
	struct proto_buf	 b1, b2;
	struct model		*m, *m2;
	uint8_t			*file, *snap;
	size_t			 len, slen;
	uint64_t		 seq;
	int64_t			 now = 1700000000000LL;
	char			 path[128], err[512];

	if (size == 0)
		return 0;
	fuzz_unlink(files);
	fuzz_path(path, sizeof path, "snapshot");
	if (data[0] & 1) {
		fuzz_write(path, data + 1, size - 1);
	} else {
		len = size - 1;
		if ((file = malloc(24 + len)) == NULL)
			abort();
		memcpy(file, EVLOG_SNAP_MAGIC, 8);
		fuzz_snapshot_put(file + 8, data[0] >> 1, 8);
		memcpy(file + 24, data + 1, len);
		fuzz_snapshot_put(file + 16, evlog_crc32c(0, file + 24, len), 4);
		fuzz_snapshot_put(file + 20, evlog_crc32c(0, file, 20), 4);
		fuzz_write(path, file, 24 + len);
		free(file);
	}
	if (evlog_snapshot_read(fuzz_dir, &seq, &snap, &slen, err,
	    sizeof err) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		return 0;
	}
	m = model_new("fuzz");
	if (store_read_snapshot(m, seq, snap, slen, now, err,
	    sizeof err) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
		model_free(m);
		free(snap);
		return 0;
	}
	FUZZ_CHECK(m->head == seq);
	/* The board it gives round-trips through a snapshot, exactly. */
	proto_buf_init(&b1);
	proto_buf_init(&b2);
	model_state_write(m, 0, now, &b1);
	m2 = model_new("fuzz");
	FUZZ_CHECK(store_read_snapshot(m2, seq, b1.data, b1.len, now, err,
	    sizeof err) == 0);
	model_state_write(m2, 0, now, &b2);
	FUZZ_CHECK(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
	FUZZ_CHECK(m2->ncards == m->ncards && m2->live_cards == m->live_cards &&
	    m2->nparticipants == m->nparticipants &&
	    m2->ntables == m->ntables);
	proto_buf_free(&b1);
	proto_buf_free(&b2);
	model_free(m2);
	model_free(m);
	free(snap);
	return 0;
}

FUZZ_TARGET(snapshot)
