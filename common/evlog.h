/*
 * evlog.h -- the append-only event log of one board, and its snapshots.
 *
 * File layout (all integers big-endian):
 *   header   "CAFELOG1" (8 bytes)
 *   record   u32 len | u32 crc32c(payload) | payload[len]
 *   payload  u64 seq | i64 time_ms | u8 client[16] | body (msgpack EVENT)
 * Seqs rise by one from record to record.  Recovery keeps the longest valid
 * prefix: it stops at the first torn or corrupt record and truncates there.
 *
 * A snapshot is one file, written to a temporary name, fsync'd, renamed:
 *   "CAFESNP1" | u64 seq | u32 crc32c(data) | u32 crc32c(header[0..20)) |
 *   data (STATE frames)
 */
#ifndef CB_EVLOG_H
#define CB_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"

#define EVLOG_MAGIC		"CAFELOG1"
#define EVLOG_SNAP_MAGIC	"CAFESNP1"
#define EVLOG_HDR_LEN		8
#define EVLOG_REC_HDR		8	/* len + crc */
#define EVLOG_PAYLOAD_HDR	32	/* seq + time + client */
#define EVLOG_BODY_MAX		PROTO_FRAME_MAX

enum evlog_sync {
	EVLOG_SYNC_ALWAYS,	/* caller fsyncs once per loop pass */
	EVLOG_SYNC_BATCH,	/* at most every 100 ms */
	EVLOG_SYNC_NEVER,
};

/* One record as read back. */
struct evlog_rec {
	uint64_t	 seq;
	int64_t		 time_ms;
	uint8_t		 client[PROTO_CLIENT_LEN];
	const uint8_t	*body;
	uint32_t	 len;
	off_t		 offset;	/* of the record header in the file */
};

/* What recovery found. */
struct evlog_report {
	uint64_t	 records;	/* good records */
	uint64_t	 first_seq;
	uint64_t	 last_seq;
	off_t		 good_bytes;	/* file length that is sound */
	off_t		 cut_bytes;	/* bytes after it (torn or corrupt) */
	bool		 torn;		/* the bad part is a torn tail */
	bool		 corrupt;	/* a complete record failed its CRC or seq */
	bool		 truncated;	/* the cut was applied */
	char		 detail[256];	/* human-readable, "" if all good */
};

/* Called for each good record while opening; non-zero stops with an error. */
typedef int (*evlog_each_fn)(const struct evlog_rec *, void *);

struct evlog;

/* Flags for evlog_open. */
#define EVLOG_CREATE	0x1	/* create the file if missing */
#define EVLOG_REPAIR	0x2	/* truncate a corrupt (not only torn) part */
#define EVLOG_READONLY	0x4	/* never write: check and export */

/*
 * Open path, verify every record (calling each for the good ones) and
 * recover: a torn tail is always cut (unless READONLY); a corrupt record
 * followed by more data is cut only with EVLOG_REPAIR, otherwise open fails
 * so that an operator decides.  Returns NULL with err set on failure.
 */
struct evlog	*evlog_open(const char *, int, evlog_each_fn, void *,
		    struct evlog_report *, char *, size_t);
/*
 * Append one record.  Loops on short writes and EINTR; on failure truncates
 * back to the last good record and returns -1 with err set.
 */
int		 evlog_append(struct evlog *, uint64_t, int64_t,
		    const uint8_t *, const uint8_t *, size_t, char *, size_t);
/*
 * Hold appended records in memory (with space reserved for them on disk)
 * until evlog_flush, evlog_sync or evlog_close writes them in one write.
 */
void		 evlog_defer(struct evlog *, bool);
/* Write the records held; -1 with err, and the log unusable, on failure. */
int		 evlog_flush(struct evlog *, char *, size_t);
/* Flush, then fsync if anything was appended since the last sync. */
int		 evlog_sync(struct evlog *);
bool		 evlog_dirty(const struct evlog *);
uint64_t	 evlog_last_seq(const struct evlog *);
off_t		 evlog_size(const struct evlog *);
void		 evlog_close(struct evlog *);

/* CRC-32C (Castagnoli) of buf, continuing from crc (0 to start). */
uint32_t	 evlog_crc32c(uint32_t, const void *, size_t);
/* The same, always the portable table-driven code (tests compare both). */
uint32_t	 evlog_crc32c_sw(uint32_t, const void *, size_t);

/* A stretch of intact records whose seqs follow one another. */
struct evlog_run {
	uint64_t	 first_seq;	/* 0: no record (an empty first run) */
	uint64_t	 last_seq;
	uint64_t	 records;
	off_t		 offset;	/* of its first record */
	off_t		 end;		/* just after its last record */
};

/* Every run of a log, in file order (evlog_scan). */
struct evlog_scan {
	struct evlog_run *runs;		/* runs[0] starts after the header */
	size_t		 nruns;
	off_t		 size;		/* of the file */
	off_t		 lost_bytes;	/* in no run: damaged or torn */
	bool		 complete;	/* false: the search for intact records
					   ran out of budget after the last run */
};

/*
 * Read the log at path (never writing) and list its runs: the first from
 * the header on, then, after each damaged stretch, the next intact records
 * whose seqs rise.  0, or -1 with err (unreadable, not a log).
 */
int		 evlog_scan(const char *, struct evlog_scan *, char *, size_t);
void		 evlog_scan_free(struct evlog_scan *);
/* Call each for every record of a run of path, in order; 0 or -1 (err). */
int		 evlog_run_each(const char *, const struct evlog_run *,
		    evlog_each_fn, void *, char *, size_t);
/*
 * Replace the log at path by one that holds only the records of the n runs
 * (none when n is 0), whose seqs must follow one another from run to run,
 * without losing the old log: it stays as aside (a hard link), the new one
 * is written beside, fsync'd, renamed into place, and the directory synced.
 * 0, or -1 with err and path untouched.
 */
int		 evlog_rewrite(const char *, const struct evlog_run *, size_t,
		    const char *, char *, size_t);

/* Write a snapshot into dir/snapshot via dir/snapshot.tmp; -1 on failure. */
int		 evlog_snapshot_write(const char *, uint64_t, const uint8_t *,
		    size_t, char *, size_t);
/*
 * Read dir/snapshot: 0 with *seq, *data (malloc'd), *len; 1 if there is
 * none; -1 if it is unusable (err says why; the caller replays the log).
 */
int		 evlog_snapshot_read(const char *, uint64_t *, uint8_t **,
		    size_t *, char *, size_t);

#endif /* CB_EVLOG_H */
