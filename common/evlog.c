/*
 * evlog.c -- the append-only event log of one board, and its snapshots.
 *
 * Recovery keeps the longest valid prefix.  What lies after it is either a
 * torn tail (a write that a crash or a full disk interrupted: cut it, nobody
 * was told it was stored) or corruption (damage with intact records after
 * it: an operator decides, because cutting loses them).  The test for
 * "intact records after it" is a scan of every later byte offset for a
 * record whose length, seq and CRC all hold.  A bad record with nothing
 * intact after it is torn however long it is: a crash during a group commit
 * can leave several records' worth of zeros or half-written blocks.  A
 * record whose CRC holds but whose seq does not follow is never a torn
 * write, so it is always corrupt.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define EVLOG_HAVE_SSE42
#endif

#include "evlog.h"
#include "xmalloc.h"

#define EVLOG_LEN_MIN	EVLOG_PAYLOAD_HDR
#define EVLOG_LEN_MAX	(EVLOG_PAYLOAD_HDR + EVLOG_BODY_MAX)
#define EVLOG_REC_MIN	(EVLOG_REC_HDR + EVLOG_LEN_MIN)
#define EVLOG_REC_MAX	(EVLOG_REC_HDR + EVLOG_LEN_MAX)
#define EVLOG_READ_BUF	(1024 * 1024)
_Static_assert(EVLOG_READ_BUF >= EVLOG_REC_MAX, "a record fits the buffer");

/*
 * Seqs run from 1; the last uint64 is none either, so that the seq after
 * any seq of a log is never 0, which means "any" to evlog_check.
 */
#define EVLOG_SEQ_OK(s)	((s) != 0 && (s) != UINT64_MAX)

/* Bytes CRC'd while looking for intact records after damage. */
#define EVLOG_SCAN_BUDGET	((uint64_t)64 << 20)

/* Space reserved ahead for held records, at a time (evlog_defer). */
#define EVLOG_RESERVE	(64 * 1024)

#define EVLOG_SNAP_HDR	24
#define EVLOG_SNAP_MAX	((size_t)1 << 30)

struct evlog {
	int		 fd;
	int		 flags;
	char		*path;
	uint64_t	 records;
	uint64_t	 last_seq;	/* 0 while there is no record */
	off_t		 size;		/* end of the last good record */
	bool		 dirty;		/* appended since the last sync */
	int		 failed;	/* errno that left the file in doubt */
	uint8_t		*buf;		/* records held, then the one appended */
	size_t		 bufsz;
	size_t		 held;		/* bytes of records held (evlog_defer) */
	off_t		 written;	/* end of what the file has */
	off_t		 reserved;	/* space reserved up to here */
	bool		 defer;		/* hold records until evlog_flush */
	bool		 noreserve;	/* the file system cannot reserve */
};

/* Forward-only buffered reader over the file as it was at open. */
struct evlog_reader {
	int		 fd;
	off_t		 end;
	uint8_t		*buf;
	size_t		 cap;
	off_t		 base;		/* file offset of buf[0] */
	size_t		 have;
	int		 error;		/* errno of a failed read, or 0 */
};

/* Why a record is not good. */
enum evlog_bad {
	EVLOG_GOOD,
	EVLOG_BAD_IO,		/* the read failed: nothing is known */
	EVLOG_BAD_SHORT,	/* the file ends inside it */
	EVLOG_BAD_LEN,		/* length out of range */
	EVLOG_BAD_CRC,
	EVLOG_BAD_SEQ,		/* intact, but not the next seq */
};

/* CRC-32C, reflected polynomial 0x82f63b78: crc of each byte value. */
static const uint32_t evlog_crc_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4,
	0xc79a971f, 0x35f1141c, 0x26a1e7e8, 0xd4ca64eb,
	0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24,
	0x105ec76f, 0xe235446c, 0xf165b798, 0x030e349b,
	0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54,
	0x5d1d08bf, 0xaf768bbc, 0xbc267848, 0x4e4dfb4b,
	0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35,
	0xaa64d611, 0x580f5512, 0x4b5fa6e6, 0xb93425e5,
	0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45,
	0xf779deae, 0x05125dad, 0x1642ae59, 0xe4292d5a,
	0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595,
	0x417b1dbc, 0xb3109ebf, 0xa0406d4b, 0x522bee48,
	0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687,
	0x0c38d26c, 0xfe53516f, 0xed03a29b, 0x1f682198,
	0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38,
	0xdbfc821c, 0x2997011f, 0x3ac7f2eb, 0xc8ac71e8,
	0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096,
	0xa65c047d, 0x5437877e, 0x4767748a, 0xb50cf789,
	0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46,
	0x7198540d, 0x83f3d70e, 0x90a324fa, 0x62c8a7f9,
	0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36,
	0x3cdb9bdd, 0xceb018de, 0xdde0eb2a, 0x2f8b6829,
	0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93,
	0x082f63b7, 0xfa44e0b4, 0xe9141340, 0x1b7f9043,
	0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3,
	0x55326b08, 0xa759e80b, 0xb4091bff, 0x466298fc,
	0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033,
	0xa24bb5a6, 0x502036a5, 0x4370c551, 0xb11b4652,
	0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d,
	0xef087a76, 0x1d63f975, 0x0e330a81, 0xfc588982,
	0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622,
	0x38cc2a06, 0xcaa7a905, 0xd9f75af1, 0x2b9cd9f2,
	0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530,
	0x0417b1db, 0xf67c32d8, 0xe52cc12c, 0x1747422f,
	0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0,
	0xd3d3e1ab, 0x21b862a8, 0x32e8915c, 0xc083125f,
	0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90,
	0x9e902e7b, 0x6cfbad78, 0x7fab5e8c, 0x8dc0dd8f,
	0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1,
	0x69e9f0d5, 0x9b8273d6, 0x88d28022, 0x7ab90321,
	0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81,
	0x34f4f86a, 0xc69f7b69, 0xd5cf889d, 0x27a40b9e,
	0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

/* CRC-32C one byte at a time from the table. */
uint32_t
evlog_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t	*p = buf;

	crc = ~crc;
	while (len-- > 0)
		crc = evlog_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#ifdef EVLOG_HAVE_SSE42
/* CRC-32C with the SSE4.2 crc32 instruction, eight bytes at a time. */
static __attribute__((target("sse4.2"))) uint32_t
evlog_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint64_t	 c = ~crc, v;

	for (; len > 0 && ((uintptr_t)p & 7) != 0; len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v, p, 8);
		c = _mm_crc32_u64(c, v);
	}
	for (; len > 0; len--)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return ~(uint32_t)c;
}
#endif

/* CRC-32C of buf continuing from crc, in hardware when the CPU has it. */
uint32_t
evlog_crc32c(uint32_t crc, const void *buf, size_t len)
{
#ifdef EVLOG_HAVE_SSE42
	if (__builtin_cpu_supports("sse4.2"))
		return evlog_crc32c_hw(crc, buf, len);
#endif
	return evlog_crc32c_sw(crc, buf, len);
}

/* Big-endian 32-bit load. */
static uint32_t
evlog_get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

/* Big-endian 64-bit load. */
static uint64_t
evlog_get64(const uint8_t *p)
{
	return ((uint64_t)evlog_get32(p) << 32) | evlog_get32(p + 4);
}

/* Big-endian 32-bit store. */
static void
evlog_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Big-endian 64-bit store. */
static void
evlog_put64(uint8_t *p, uint64_t v)
{
	evlog_put32(p, v >> 32);
	evlog_put32(p + 4, (uint32_t)v);
}

/* Format into the caller's error buffer, if there is one. */
static void __attribute__((format(printf, 3, 4)))
evlog_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Write all of buf, looping on short writes and EINTR; -1 with errno. */
static int
evlog_write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes at off; -1 with errno (EIO if the file is short). */
static int
evlog_read_at(int fd, uint8_t *buf, size_t len, off_t off)
{
	size_t	done = 0;
	ssize_t	n;

	while (done < len) {
		n = pread(fd, buf + done, len - done, off + (off_t)done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path (or dir itself when is_dir). */
static int
evlog_sync_dir(const char *path, bool is_dir)
{
	const char	*slash;
	char		*dir;
	int		 fd, saved;

	if (is_dir)
		dir = xstrdup(path);
	else if ((slash = strrchr(path, '/')) == NULL)
		dir = xstrdup(".");
	else if (slash == path)
		dir = xstrdup("/");
	else
		dir = xstrndup(path, (size_t)(slash - path));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	if (fsync(fd) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	close(fd);
	return 0;
}

/* A reader over the first end bytes of fd. */
static void
evlog_reader_init(struct evlog_reader *r, int fd, off_t end)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->end = end;
	/* Nothing asked for can be longer than the file. */
	r->cap = EVLOG_READ_BUF;
	if (end < EVLOG_READ_BUF)
		r->cap = (size_t)end;
	r->buf = xmalloc(r->cap);
}

/* Release the reader's buffer. */
static void
evlog_reader_free(struct evlog_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/*
 * The len bytes at off, valid until the next call; NULL if they pass the
 * end (r->error stays 0) or a read failed (r->error set).
 */
static const uint8_t *
evlog_reader_get(struct evlog_reader *r, off_t off, size_t len)
{
	size_t	keep = 0, want;
	ssize_t	n;

	if (len > r->cap || off < 0 || off > r->end ||
	    (off_t)len > r->end - off)
		return NULL;
	if (off >= r->base && off - r->base <= (off_t)r->have) {
		if ((off_t)len <= r->base + (off_t)r->have - off)
			return r->buf + (off - r->base);
		keep = r->have - (size_t)(off - r->base);
		memmove(r->buf, r->buf + (off - r->base), keep);
	}
	r->base = off;
	r->have = keep;
	while (r->have < len) {
		want = r->cap - r->have;
		if ((off_t)want > r->end - (r->base + (off_t)r->have))
			want = (size_t)(r->end - (r->base + (off_t)r->have));
		n = pread(r->fd, r->buf + r->have, want,
		    r->base + (off_t)r->have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* 0: the file shrank under us. */
			r->error = (n == 0) ? EIO : errno;
			r->have = 0;
			return NULL;
		}
		r->have += (size_t)n;
	}
	return r->buf;
}

/*
 * Check the record at off; expect is the seq it must carry (0: any but 0).
 * Fills rec (and *total, its size in the file) as far as it could be read.
 */
static enum evlog_bad
evlog_check(struct evlog_reader *r, off_t off, uint64_t expect,
    struct evlog_rec *rec, uint32_t *total)
{
	const uint8_t	*p;
	uint32_t	 len;

	memset(rec, 0, sizeof *rec);
	rec->offset = off;
	*total = 0;
	if ((p = evlog_reader_get(r, off, EVLOG_REC_HDR)) == NULL)
		return r->error != 0 ? EVLOG_BAD_IO : EVLOG_BAD_SHORT;
	len = evlog_get32(p);
	if (len < EVLOG_LEN_MIN || len > EVLOG_LEN_MAX)
		return EVLOG_BAD_LEN;
	*total = EVLOG_REC_HDR + len;
	if ((p = evlog_reader_get(r, off, *total)) == NULL)
		return r->error != 0 ? EVLOG_BAD_IO : EVLOG_BAD_SHORT;
	if (evlog_crc32c(0, p + EVLOG_REC_HDR, len) != evlog_get32(p + 4))
		return EVLOG_BAD_CRC;
	p += EVLOG_REC_HDR;
	rec->seq = evlog_get64(p);
	rec->time_ms = (int64_t)evlog_get64(p + 8);
	memcpy(rec->client, p + 16, PROTO_CLIENT_LEN);
	rec->body = p + EVLOG_PAYLOAD_HDR;
	rec->len = len - EVLOG_PAYLOAD_HDR;
	if (!EVLOG_SEQ_OK(rec->seq) || (expect != 0 && rec->seq != expect))
		return EVLOG_BAD_SEQ;
	return EVLOG_GOOD;
}

/*
 * Look for an intact record starting after offset from whose seq could
 * follow last (0: none yet).  Returns 1 with *found, 0 if there is none,
 * -1 if the budget ran out or a read failed (r->error).
 */
static int
evlog_find_intact(struct evlog_reader *r, off_t from, uint64_t last,
    off_t *found, uint64_t *budget)
{
	const uint8_t	*p;
	uint64_t	 seq, most;
	uint32_t	 len;
	off_t		 at;

	/* Each record takes EVLOG_REC_MIN bytes or more: seqs cannot run on. */
	most = (uint64_t)(r->end - from) / EVLOG_REC_MIN + 1;
	for (at = from + 1; at <= r->end - EVLOG_REC_MIN; at++) {
		if ((p = evlog_reader_get(r, at, EVLOG_REC_HDR + 8)) == NULL)
			return -1;
		len = evlog_get32(p);
		if (len < EVLOG_LEN_MIN || len > EVLOG_LEN_MAX ||
		    (off_t)len > r->end - at - EVLOG_REC_HDR)
			continue;
		seq = evlog_get64(p + EVLOG_REC_HDR);
		if (!EVLOG_SEQ_OK(seq) ||
		    (last != 0 && (seq <= last || seq - last > most)))
			continue;
		if (*budget < len)
			return -1;
		*budget -= len;
		if ((p = evlog_reader_get(r, at, EVLOG_REC_HDR + len)) == NULL)
			return -1;
		if (evlog_crc32c(0, p + EVLOG_REC_HDR, len) ==
		    evlog_get32(p + 4)) {
			*found = at;
			return 1;
		}
	}
	return 0;
}

/* Count the run of intact, consecutive records from off; first and last seq. */
static uint64_t
evlog_count_run(struct evlog_reader *r, off_t off, uint64_t *first,
    uint64_t *last)
{
	struct evlog_rec	rec;
	uint64_t		n = 0;
	uint32_t		total;

	while (evlog_check(r, off, n == 0 ? 0 : *last + 1, &rec,
	    &total) == EVLOG_GOOD) {
		if (n++ == 0)
			*first = rec.seq;
		*last = rec.seq;
		off += total;
	}
	return n;
}

/* Describe why the record at off is bad, for messages. */
static void
evlog_reason(char *buf, size_t len, enum evlog_bad bad,
    const struct evlog_reader *r, off_t off, uint64_t expect,
    const struct evlog_rec *rec)
{
	switch (bad) {
	case EVLOG_BAD_SHORT:
		snprintf(buf, len, "incomplete, %lld bytes",
		    (long long)(r->end - off));
		break;
	case EVLOG_BAD_LEN:
		snprintf(buf, len, "length out of range");
		break;
	case EVLOG_BAD_CRC:
		snprintf(buf, len, "CRC mismatch");
		break;
	case EVLOG_BAD_SEQ:
		if (expect != 0)
			snprintf(buf, len, "seq %llu where %llu was expected",
			    (unsigned long long)rec->seq,
			    (unsigned long long)expect);
		else
			snprintf(buf, len, "seq 0");
		break;
	default:
		snprintf(buf, len, "unreadable");
		break;
	}
}

/* Cut the file at len and make the cut durable. */
static int
evlog_cut(struct evlog *e, off_t len)
{
	if (ftruncate(e->fd, len) == -1)
		return -1;
	return fsync(e->fd);
}

/* Set the report's detail (long messages are cut, which is fine). */
static void __attribute__((format(printf, 2, 3)))
evlog_detail(struct evlog_report *report, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(report->detail, sizeof report->detail, fmt, ap);
	va_end(ap);
}

/* Fail an open: the message goes to err and to the report. */
static int __attribute__((format(printf, 4, 5)))
evlog_fail(struct evlog_report *report, char *err, size_t errlen,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(report->detail, sizeof report->detail, fmt, ap);
	va_end(ap);
	evlog_err(err, errlen, "%s", report->detail);
	return -1;
}

/*
 * A file shorter than a header: empty or a header torn at creation.  With
 * EVLOG_CREATE (and not read-only) it is (re)initialised.
 */
static int
evlog_init_header(struct evlog *e, off_t size, bool created,
    struct evlog_report *report, char *err, size_t errlen)
{
	uint8_t	hdr[EVLOG_HDR_LEN];

	if (size > 0) {
		if (evlog_read_at(e->fd, hdr, (size_t)size, 0) == -1)
			return evlog_fail(report, err, errlen, "%s: read: %s",
			    e->path, strerror(errno));
		if (memcmp(hdr, EVLOG_MAGIC, (size_t)size) != 0)
			return evlog_fail(report, err, errlen,
			    "%s: not a cafeboard log (bad magic)", e->path);
	}
	if (!(e->flags & EVLOG_CREATE) || (e->flags & EVLOG_READONLY)) {
		if (size == 0)
			return evlog_fail(report, err, errlen,
			    "%s: empty file, no log header", e->path);
		return evlog_fail(report, err, errlen,
		    "%s: torn log header (%lld bytes)", e->path,
		    (long long)size);
	}
	if ((size > 0 && ftruncate(e->fd, 0) == -1) ||
	    evlog_write_all(e->fd, (const uint8_t *)EVLOG_MAGIC,
	    EVLOG_HDR_LEN) == -1 || fsync(e->fd) == -1 ||
	    (created && evlog_sync_dir(e->path, false) == -1))
		return evlog_fail(report, err, errlen,
		    "%s: writing the header: %s", e->path, strerror(errno));
	e->size = e->written = e->reserved = EVLOG_HDR_LEN;
	report->good_bytes = EVLOG_HDR_LEN;
	if (size > 0) {
		report->torn = report->truncated = true;
		report->cut_bytes = size;
		evlog_detail(report,
		    "rewrote a torn header of %lld bytes", (long long)size);
	}
	return 0;
}

/*
 * Decide what the bad record at off is, then cut or refuse.  bad says what
 * is wrong with it and expect which seq it should have carried.
 */
static int
evlog_recover(struct evlog *e, struct evlog_reader *r, off_t off,
    enum evlog_bad bad, uint64_t expect, const struct evlog_rec *rec,
    struct evlog_report *report, char *err, size_t errlen)
{
	uint64_t	budget = EVLOG_SCAN_BUDGET, n = 0, first = 0, last = 0;
	off_t		found = 0;
	char		after[64], why[96], rest[128];
	int		intact;
	bool		cut;

	if (e->records == 0)
		snprintf(after, sizeof after, "after the header");
	else
		snprintf(after, sizeof after, "after seq %llu",
		    (unsigned long long)e->last_seq);
	evlog_reason(why, sizeof why, bad, r, off, expect, rec);
	if (bad == EVLOG_BAD_SEQ) {
		intact = 1;
		found = off;
	} else
		intact = evlog_find_intact(r, off, e->last_seq, &found,
		    &budget);
	if (intact == -1 && r->error != 0)
		return evlog_fail(report, err, errlen, "%s: read: %s", e->path,
		    strerror(r->error));

	if (intact == 0) {
		report->torn = true;
		if (e->flags & EVLOG_READONLY) {
			evlog_detail(report, "torn record at offset %lld %s "
			    "(%s): %lld bytes to cut, left alone (read-only)",
			    (long long)off, after, why,
			    (long long)report->cut_bytes);
			return 0;
		}
		if (evlog_cut(e, off) == -1)
			return evlog_fail(report, err, errlen,
			    "%s: cutting a torn record at offset %lld: %s",
			    e->path, (long long)off, strerror(errno));
		report->truncated = true;
		evlog_detail(report, "cut %lld bytes of a torn record at "
		    "offset %lld %s (%s)", (long long)report->cut_bytes,
		    (long long)off, after, why);
		return 0;
	}

	report->corrupt = true;
	if (intact == 1)
		n = evlog_count_run(r, found, &first, &last);
	if (n > 0)
		snprintf(rest, sizeof rest, "%lld bytes with %llu intact "
		    "records (seq %llu-%llu)", (long long)report->cut_bytes,
		    (unsigned long long)n, (unsigned long long)first,
		    (unsigned long long)last);
	else if (intact == -1)
		snprintf(rest, sizeof rest, "%lld bytes, too many to rule "
		    "out intact records", (long long)report->cut_bytes);
	else
		snprintf(rest, sizeof rest, "%lld bytes",
		    (long long)report->cut_bytes);
	if (!(e->flags & EVLOG_REPAIR))
		return evlog_fail(report, err, errlen, "%s: corrupt record at "
		    "offset %lld %s (%s); %s from there on; nothing changed "
		    "(cafeboard-server check says what a repair keeps)",
		    e->path, (long long)off, after, why, rest);
	cut = !(e->flags & EVLOG_READONLY);
	if (cut && evlog_cut(e, off) == -1)
		return evlog_fail(report, err, errlen,
		    "%s: cutting at offset %lld: %s", e->path, (long long)off,
		    strerror(errno));
	report->truncated = cut;
	evlog_detail(report, "%s at a corrupt record at offset %lld %s (%s): "
	    "%s", cut ? "cut" : "would cut (read-only)", (long long)off,
	    after, why, rest);
	return 0;
}

/* Verify every record, call each for the good ones, recover the tail. */
static int
evlog_load(struct evlog *e, off_t size, bool created, evlog_each_fn each,
    void *arg, struct evlog_report *report, char *err, size_t errlen)
{
	struct evlog_reader	 r;
	struct evlog_rec	 rec;
	enum evlog_bad		 bad = EVLOG_GOOD;
	const uint8_t		*p;
	uint64_t		 expect = 0;
	uint32_t		 total;
	off_t			 off;
	int			 rc = -1;

	if (size < EVLOG_HDR_LEN)
		return evlog_init_header(e, size, created, report, err, errlen);
	evlog_reader_init(&r, e->fd, size);
	if ((p = evlog_reader_get(&r, 0, EVLOG_HDR_LEN)) == NULL) {
		evlog_fail(report, err, errlen, "%s: read: %s", e->path,
		    strerror(r.error));
		goto out;
	}
	if (memcmp(p, EVLOG_MAGIC, EVLOG_HDR_LEN) != 0) {
		evlog_fail(report, err, errlen,
		    "%s: not a cafeboard log (bad magic)", e->path);
		goto out;
	}

	for (off = EVLOG_HDR_LEN; off < size; off += total) {
		expect = e->records == 0 ? 0 : e->last_seq + 1;
		if ((bad = evlog_check(&r, off, expect, &rec, &total)) !=
		    EVLOG_GOOD)
			break;
		if (each != NULL && each(&rec, arg) != 0) {
			evlog_fail(report, err, errlen,
			    "%s: stopped while loading seq %llu at offset %lld",
			    e->path, (unsigned long long)rec.seq,
			    (long long)off);
			goto out;
		}
		if (e->records++ == 0)
			report->first_seq = rec.seq;
		e->last_seq = rec.seq;
		report->records = e->records;
		report->last_seq = rec.seq;
	}
	report->good_bytes = e->size = e->written = e->reserved = off;
	report->cut_bytes = size - off;
	if (bad == EVLOG_GOOD)
		rc = 0;
	else if (bad == EVLOG_BAD_IO)
		evlog_fail(report, err, errlen, "%s: read at offset %lld: %s",
		    e->path, (long long)off, strerror(r.error));
	else
		rc = evlog_recover(e, &r, off, bad, expect, &rec, report, err,
		    errlen);
out:
	evlog_reader_free(&r);
	return rc;
}

/* Open, verify and recover a log. */
struct evlog *
evlog_open(const char *path, int flags, evlog_each_fn each, void *arg,
    struct evlog_report *report, char *err, size_t errlen)
{
	struct evlog_report	 local;
	struct evlog		*e;
	struct stat		 st;
	bool			 created = false;
	int			 fd, oflags;

	if (report == NULL)
		report = &local;
	memset(report, 0, sizeof *report);
	evlog_err(err, errlen, "%s", "");

	if (flags & EVLOG_READONLY)
		oflags = O_RDONLY | O_CLOEXEC;
	else
		oflags = O_RDWR | O_APPEND | O_CLOEXEC;
	fd = open(path, oflags);
	if (fd == -1 && errno == ENOENT && (flags & EVLOG_CREATE) &&
	    !(flags & EVLOG_READONLY)) {
		fd = open(path, oflags | O_CREAT | O_EXCL, 0600);
		if (fd != -1)
			created = true;
		else if (errno == EEXIST)
			fd = open(path, oflags);
	}
	if (fd == -1) {
		evlog_fail(report, err, errlen, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		evlog_fail(report, err, errlen, "%s: %s", path,
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		evlog_fail(report, err, errlen, "%s: not a regular file",
		    path);
		close(fd);
		return NULL;
	}

	e = xcalloc(1, sizeof *e);
	e->fd = fd;
	e->flags = flags;
	e->path = xstrdup(path);
	if (evlog_load(e, st.st_size, created, each, arg, report, err,
	    errlen) != 0) {
		evlog_close(e);
		return NULL;
	}
	return e;
}

/*
 * Hold appended records in memory until evlog_flush (on), or write each at
 * once (off, the default).  A holding writer must flush before it tells
 * anyone of them: the server flushes once per loop pass, so a pass costs
 * one write whatever the number of its events.  A record is held only
 * when the file has space reserved for it, so that the deferred write
 * cannot fail for want of space after its change was applied: a full disk
 * still refuses the change itself, as the record is then written at once.
 */
void
evlog_defer(struct evlog *e, bool on)
{
	e->defer = on && !(e->flags & EVLOG_READONLY);
}

/*
 * Whether the file has space for its records up to end, reserving more
 * (fallocate without changing the size: a crash leaves no hole to read)
 * when it has not.  Where the file system cannot reserve, never again.
 * Space is not reserved past the process's file size limit, which the
 * file system does not see and only a write meets (EFBIG).
 */
static bool
evlog_reserve(struct evlog *e, off_t end)
{
#ifdef FALLOC_FL_KEEP_SIZE
	struct rlimit	rl;
	off_t		len;

	if (end <= e->reserved)
		return true;
	if (e->noreserve)
		return false;
	len = end - e->reserved + EVLOG_RESERVE;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)e->reserved + (uint64_t)len > (uint64_t)rl.rlim_cur)
		return false;
	if (fallocate(e->fd, FALLOC_FL_KEEP_SIZE, e->reserved, len) == 0) {
		e->reserved += len;
		return true;
	}
	if (errno == EOPNOTSUPP || errno == ENOSYS)
		e->noreserve = true;
	return false;
#else
	(void)end;
	e->noreserve = true;
	return false;
#endif
}

/*
 * Write the held records and len more bytes after them (the record being
 * appended, or none), in one write.  On failure the file is cut back to
 * what it had; when records were held, their changes are applied already
 * and can no longer be refused, so the log becomes unusable (sticky, as a
 * failed fsync) and the caller must stop.
 */
static int
evlog_write_held(struct evlog *e, size_t len, char *err, size_t errlen)
{
	size_t	total = e->held + len;
	int	saved;

	if (total == 0)
		return 0;
	if (evlog_write_all(e->fd, e->buf, total) == 0) {
		e->written += (off_t)total;
		e->held = 0;
		return 0;
	}
	saved = errno;
	if (ftruncate(e->fd, e->written) == -1) {
		e->failed = errno;
		evlog_err(err, errlen, "%s: write: %s; truncating back to "
		    "%lld bytes: %s", e->path, strerror(saved),
		    (long long)e->written, strerror(errno));
	} else
		evlog_err(err, errlen, "%s: write: %s; truncated back to "
		    "%lld bytes", e->path, strerror(saved),
		    (long long)e->written);
	if (e->held > 0) {
		e->failed = saved;
		e->held = 0;
	}
	e->size = e->written;
	errno = saved;
	return -1;
}

/* Append one record: header and payload in one buffer, one write. */
int
evlog_append(struct evlog *e, uint64_t seq, int64_t time_ms,
    const uint8_t *client, const uint8_t *body, size_t len, char *err,
    size_t errlen)
{
	size_t	total, held;
	uint8_t	*rec, *p;

	if (e->flags & EVLOG_READONLY) {
		evlog_err(err, errlen, "%s: opened read-only", e->path);
		return -1;
	}
	if (e->failed != 0) {
		evlog_err(err, errlen, "%s: unusable after an earlier failure "
		    "(%s); reopen it", e->path, strerror(e->failed));
		return -1;
	}
	if (len > EVLOG_BODY_MAX) {
		evlog_err(err, errlen, "%s: event of %zu bytes is too long",
		    e->path, len);
		return -1;
	}
	if (len > 0 && body == NULL)
		fatalx("%s: no body", __func__);
	if (!EVLOG_SEQ_OK(seq) ||
	    (e->records > 0 && seq != e->last_seq + 1)) {
		evlog_err(err, errlen, "%s: seq %llu does not follow %llu",
		    e->path, (unsigned long long)seq,
		    (unsigned long long)e->last_seq);
		return -1;
	}

	total = EVLOG_REC_HDR + EVLOG_PAYLOAD_HDR + len;
	if (e->bufsz - e->held < total) {
		e->bufsz = e->held + total > 2 * e->bufsz ?
		    e->held + total : 2 * e->bufsz;
		e->buf = xrealloc(e->buf, e->bufsz);
	}
	rec = e->buf + e->held;
	p = rec + EVLOG_REC_HDR;
	evlog_put64(p, seq);
	evlog_put64(p + 8, (uint64_t)time_ms);
	if (client != NULL)
		memcpy(p + 16, client, PROTO_CLIENT_LEN);
	else
		memset(p + 16, 0, PROTO_CLIENT_LEN);
	if (len > 0)
		memcpy(p + EVLOG_PAYLOAD_HDR, body, len);
	evlog_put32(rec, (uint32_t)(EVLOG_PAYLOAD_HDR + len));
	evlog_put32(rec + 4, evlog_crc32c(0, p, EVLOG_PAYLOAD_HDR + len));

	if (e->defer && evlog_reserve(e, e->size + (off_t)total))
		e->held += total;
	else {
		/*
		 * The records held have their room: they go first and alone,
		 * so that a failure of this one refuses this one only.
		 */
		held = e->held;
		if (evlog_write_held(e, 0, err, errlen) != 0)
			return -1;
		if (held > 0)
			memmove(e->buf, e->buf + held, total);
		if (evlog_write_held(e, total, err, errlen) != 0)
			return -1;
	}
	e->size += (off_t)total;
	e->records++;
	e->last_seq = seq;
	e->dirty = true;
	return 0;
}

/*
 * Write the records held (evlog_defer).  -1 with err on failure, and the
 * log is then unusable: their changes were applied and cannot be refused.
 */
int
evlog_flush(struct evlog *e, char *err, size_t errlen)
{
	if (e->failed != 0) {
		evlog_err(err, errlen, "%s: unusable after an earlier failure "
		    "(%s)", e->path, strerror(e->failed));
		errno = e->failed;
		return -1;
	}
	return evlog_write_held(e, 0, err, errlen);
}

/*
 * fsync if anything was appended since the last sync.  A failed fsync is
 * sticky: the kernel may have dropped the dirty pages and a second fsync
 * could succeed without them, so nothing is trusted until a reopen.
 */
int
evlog_sync(struct evlog *e)
{
	if (evlog_flush(e, NULL, 0) != 0)
		return -1;
	if (!e->dirty)
		return 0;
	while (fdatasync(e->fd) == -1) {
		if (errno == EINTR)
			continue;
		e->failed = errno;
		return -1;
	}
	e->dirty = false;
	return 0;
}

/* Whether records were appended since the last sync. */
bool
evlog_dirty(const struct evlog *e)
{
	return e->dirty;
}

/* Seq of the last record, 0 if there is none. */
uint64_t
evlog_last_seq(const struct evlog *e)
{
	return e->last_seq;
}

/* Length of the file up to the end of the last good record. */
off_t
evlog_size(const struct evlog *e)
{
	return e->size;
}

/*
 * Close the file (without syncing: records held are written, not synced)
 * and free the log.  Space reserved past the end goes back to the disk.
 */
void
evlog_close(struct evlog *e)
{
	if (e == NULL)
		return;
	if (evlog_flush(e, NULL, 0) == 0 && e->reserved > e->written &&
	    ftruncate(e->fd, e->written) == -1)
		e->reserved = e->written;	/* kept until a later cut */
	close(e->fd);
	free(e->path);
	free(e->buf);
	free(e);
}

/* ---------------------------------------------------------------- salvage */

/*
 * Open path read-only and check its header: 0 with *fd and a reader over
 * the whole file, or -1 with err.
 */
static int
evlog_open_reader(const char *path, struct evlog_reader *r, int *fd,
    char *err, size_t errlen)
{
	const uint8_t	*p;
	struct stat	 st;

	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		evlog_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(*fd, &st) == -1) {
		evlog_err(err, errlen, "%s: %s", path, strerror(errno));
		close(*fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EVLOG_HDR_LEN) {
		evlog_err(err, errlen, "%s: %s", path, !S_ISREG(st.st_mode) ?
		    "not a regular file" : "torn log header");
		close(*fd);
		return -1;
	}
	evlog_reader_init(r, *fd, st.st_size);
	if ((p = evlog_reader_get(r, 0, EVLOG_HDR_LEN)) == NULL ||
	    memcmp(p, EVLOG_MAGIC, EVLOG_HDR_LEN) != 0) {
		evlog_err(err, errlen, "%s: %s", path, p == NULL ?
		    strerror(r->error) : "not a cafeboard log (bad magic)");
		evlog_reader_free(r);
		close(*fd);
		return -1;
	}
	return 0;
}

/* A new run at off, at the end of the scan's list. */
static struct evlog_run *
evlog_scan_add(struct evlog_scan *sc, off_t off)
{
	struct evlog_run	*run;

	sc->runs = xreallocarray(sc->runs, sc->nruns + 1, sizeof *sc->runs);
	run = &sc->runs[sc->nruns++];
	memset(run, 0, sizeof *run);
	run->offset = run->end = off;
	return run;
}

/* Every run of intact records of the log at path (see evlog.h). */
int
evlog_scan(const char *path, struct evlog_scan *sc, char *err, size_t errlen)
{
	struct evlog_reader	 r;
	struct evlog_rec	 rec;
	struct evlog_run	*run;
	enum evlog_bad		 bad = EVLOG_GOOD;
	uint64_t		 budget = EVLOG_SCAN_BUDGET, last = 0;
	uint32_t		 total;
	off_t			 off = EVLOG_HDR_LEN, found = 0, kept = 0;
	size_t			 i;
	int			 fd, intact, rc = -1;

	memset(sc, 0, sizeof *sc);
	if (evlog_open_reader(path, &r, &fd, err, errlen) != 0)
		return -1;
	sc->size = r.end;
	sc->complete = true;
	run = evlog_scan_add(sc, off);
	for (;;) {
		while (off < r.end) {
			bad = evlog_check(&r, off, run->records == 0 ? 0 :
			    run->last_seq + 1, &rec, &total);
			/* Seqs only rise from one run to the next. */
			if (bad == EVLOG_GOOD && run->records == 0 &&
			    rec.seq <= last)
				bad = EVLOG_BAD_SEQ;
			if (bad != EVLOG_GOOD)
				break;
			if (run->records++ == 0)
				run->first_seq = rec.seq;
			run->last_seq = rec.seq;
			off += total;
			run->end = off;
		}
		if (off >= r.end)
			break;
		if (bad == EVLOG_BAD_IO) {
			evlog_err(err, errlen, "%s: read at offset %lld: %s",
			    path, (long long)off, strerror(r.error));
			goto out;
		}
		if (run->records > 0)
			last = run->last_seq;
		/* An intact record out of sequence starts the next run. */
		if (bad == EVLOG_BAD_SEQ && EVLOG_SEQ_OK(rec.seq) &&
		    rec.seq > last) {
			intact = 1;
			found = off;
		} else
			intact = evlog_find_intact(&r, off, last, &found,
			    &budget);
		if (intact == -1 && r.error != 0) {
			evlog_err(err, errlen, "%s: read: %s", path,
			    strerror(r.error));
			goto out;
		}
		if (intact != 1) {
			sc->complete = intact == 0;
			break;
		}
		off = found;
		run = evlog_scan_add(sc, off);
	}
	for (i = 0; i < sc->nruns; i++)
		kept += sc->runs[i].end - sc->runs[i].offset;
	sc->lost_bytes = sc->size - EVLOG_HDR_LEN - kept;
	rc = 0;
out:
	evlog_reader_free(&r);
	close(fd);
	if (rc != 0)
		evlog_scan_free(sc);
	return rc;
}

/* Free what evlog_scan found. */
void
evlog_scan_free(struct evlog_scan *sc)
{
	free(sc->runs);
	memset(sc, 0, sizeof *sc);
}

/* Call each for every record of run, checking each again on the way. */
int
evlog_run_each(const char *path, const struct evlog_run *run,
    evlog_each_fn each, void *arg, char *err, size_t errlen)
{
	struct evlog_reader	r;
	struct evlog_rec	rec;
	uint64_t		n;
	uint32_t		total;
	off_t			off = run->offset;
	int			fd, rc = -1;

	if (evlog_open_reader(path, &r, &fd, err, errlen) != 0)
		return -1;
	for (n = 0; n < run->records; n++) {
		if (evlog_check(&r, off, run->first_seq + n, &rec, &total) !=
		    EVLOG_GOOD) {
			evlog_err(err, errlen, "%s: the record at offset %lld "
			    "is no longer intact", path, (long long)off);
			goto out;
		}
		if (each(&rec, arg) != 0) {
			evlog_err(err, errlen, "%s: stopped while loading seq "
			    "%llu at offset %lld", path,
			    (unsigned long long)rec.seq, (long long)off);
			goto out;
		}
		off += total;
	}
	rc = 0;
out:
	evlog_reader_free(&r);
	close(fd);
	return rc;
}

/* Copy in[from..to) to the end of out; -1 with errno. */
static int
evlog_copy(int in, int out, off_t from, off_t to)
{
	uint8_t	*buf = xmalloc(EVLOG_READ_BUF);
	size_t	 n;
	int	 rc = 0;

	while (from < to) {
		n = to - from < EVLOG_READ_BUF ? (size_t)(to - from) :
		    EVLOG_READ_BUF;
		if (evlog_read_at(in, buf, n, from) == -1 ||
		    evlog_write_all(out, buf, n) == -1) {
			rc = -1;
			break;
		}
		from += (off_t)n;
	}
	free(buf);
	return rc;
}

/* Replace the log at path by one holding only runs (see evlog.h). */
int
evlog_rewrite(const char *path, const struct evlog_run *runs, size_t n,
    const char *aside, char *err, size_t errlen)
{
	char	*tmp;
	size_t	 i;
	int	 in, out, rc = -1;

	for (i = 1; i < n; i++) {
		if (runs[i].records == 0 || runs[i - 1].records == 0 ||
		    runs[i].first_seq != runs[i - 1].last_seq + 1) {
			evlog_err(err, errlen, "%s: runs that do not follow "
			    "one another", path);
			return -1;
		}
	}
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		evlog_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	xasprintf(&tmp, "%s.tmp", path);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (out == -1 || fchmod(out, 0600) == -1 ||
	    evlog_write_all(out, (const uint8_t *)EVLOG_MAGIC,
	    EVLOG_HDR_LEN) == -1)
		goto write_failed;
	for (i = 0; i < n; i++) {
		if (evlog_copy(in, out, runs[i].offset, runs[i].end) == -1)
			goto write_failed;
	}
	if (fsync(out) == -1)
		goto write_failed;
	if (close(out) == -1) {
		out = -1;
		goto write_failed;
	}
	out = -1;
	/* The old log keeps a name of its own before the new one takes its. */
	if (link(path, aside) == -1) {
		evlog_err(err, errlen, "link %s to %s: %s", path, aside,
		    strerror(errno));
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		evlog_err(err, errlen, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(aside);
		goto fail;
	}
	if (evlog_sync_dir(path, false) == -1)
		evlog_err(err, errlen, "%s: fsync of the directory: %s", path,
		    strerror(errno));
	else
		rc = 0;
	goto out;
write_failed:
	evlog_err(err, errlen, "%s: %s", tmp, strerror(errno));
fail:
	if (out != -1)
		close(out);
	unlink(tmp);
out:
	close(in);
	free(tmp);
	return rc;
}

/* Write a snapshot to dir/snapshot.tmp, fsync it, rename it into place. */
int
evlog_snapshot_write(const char *dir, uint64_t seq, const uint8_t *data,
    size_t len, char *err, size_t errlen)
{
	uint8_t	 hdr[EVLOG_SNAP_HDR];
	char	*tmp, *path;
	int	 fd, rc = -1;

	if (len > EVLOG_SNAP_MAX) {
		evlog_err(err, errlen, "%s: snapshot of %zu bytes is too big",
		    dir, len);
		return -1;
	}
	xasprintf(&tmp, "%s/snapshot.tmp", dir);
	xasprintf(&path, "%s/snapshot", dir);
	memcpy(hdr, EVLOG_SNAP_MAGIC, 8);
	evlog_put64(hdr + 8, seq);
	evlog_put32(hdr + 16, evlog_crc32c(0, data, len));
	/* The header's own CRC: a flipped bit in seq must not go unseen. */
	evlog_put32(hdr + 20, evlog_crc32c(0, hdr, 20));

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1) {
		evlog_err(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/* A stale temporary file keeps its old mode through O_CREAT. */
	if (fchmod(fd, 0600) == -1 ||
	    evlog_write_all(fd, hdr, sizeof hdr) == -1 ||
	    evlog_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		evlog_err(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) == -1) {
		evlog_err(err, errlen, "%s: close: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		evlog_err(err, errlen, "rename %s to %s: %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (evlog_sync_dir(dir, true) == -1) {
		evlog_err(err, errlen, "%s: fsync of the directory: %s", dir,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}

/* Read and verify dir/snapshot: 0, 1 if there is none, -1 if unusable. */
int
evlog_snapshot_read(const char *dir, uint64_t *seq, uint8_t **data,
    size_t *len, char *err, size_t errlen)
{
	uint8_t		 hdr[EVLOG_SNAP_HDR], *buf = NULL;
	struct stat	 st;
	size_t		 n;
	char		*path;
	int		 fd, rc = -1;

	*seq = 0;
	*data = NULL;
	*len = 0;
	xasprintf(&path, "%s/snapshot", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			rc = 1;
		else
			evlog_err(err, errlen, "%s: %s", path,
			    strerror(errno));
		free(path);
		return rc;
	}
	if (fstat(fd, &st) == -1) {
		evlog_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EVLOG_SNAP_HDR ||
	    (uint64_t)st.st_size - EVLOG_SNAP_HDR > EVLOG_SNAP_MAX) {
		evlog_err(err, errlen, "%s: not a snapshot (%lld bytes)", path,
		    (long long)st.st_size);
		goto out;
	}
	n = (size_t)st.st_size - EVLOG_SNAP_HDR;
	if (evlog_read_at(fd, hdr, sizeof hdr, 0) == -1) {
		evlog_err(err, errlen, "%s: read: %s", path,
		    strerror(errno));
		goto out;
	}
	if (memcmp(hdr, EVLOG_SNAP_MAGIC, 8) != 0 ||
	    evlog_get32(hdr + 20) != evlog_crc32c(0, hdr, 20)) {
		evlog_err(err, errlen, "%s: bad snapshot header", path);
		goto out;
	}
	buf = xmalloc(n);
	if (evlog_read_at(fd, buf, n, EVLOG_SNAP_HDR) == -1) {
		evlog_err(err, errlen, "%s: read: %s", path,
		    strerror(errno));
		goto out;
	}
	if (evlog_crc32c(0, buf, n) != evlog_get32(hdr + 16)) {
		evlog_err(err, errlen, "%s: CRC mismatch", path);
		goto out;
	}
	*seq = evlog_get64(hdr + 8);
	*data = buf;
	*len = n;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	free(path);
	return rc;
}
