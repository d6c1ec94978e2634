/*
 * test_evlog.c -- the event log keeps every acknowledged record through
 * crashes, torn writes, full disks and bit rot, and says what it cut.
 *
 * Each test works in its own directory under /tmp and removes it.  Logs with
 * damage that evlog_append cannot produce are encoded here by hand (with a
 * bitwise CRC that shares nothing with common/evlog.c); the fixtures under
 * tests/fixtures/evlog come from tests/gen_evlog_fixtures.c.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evlog.h"

#define MIDDLE_BODY	40
#define FIX_FIRST_SEQ	100
#define FIX_RECORDS	20
#define FIX_FLIP_REC	10
#define FIX_SNAP_LEN	300

static char	tmpdir[64];
static char	logpath[128];
static char	err[1024];

/* One record seen by the open callback, copied. */
struct got {
	uint64_t	 seq;
	int64_t		 time_ms;
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint8_t		*body;
	uint32_t	 len;
	off_t		 offset;
};

/* Everything the open callback saw; stop_at > 0 makes it fail there. */
struct coll {
	struct got	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 stop_at;
};

/* A private directory for this test. */
static void
tmp_init(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/cafeboard-evlog-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		cr_assert_fail("mkdtemp: %s", strerror(errno));
	snprintf(logpath, sizeof logpath, "%s/board.log", tmpdir);
}

/* Remove the directory and the files in it. */
static void
tmp_fini(void)
{
	struct dirent	*de;
	char		 path[512];
	DIR		*d;

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

TestSuite(evlog, .init = tmp_init, .fini = tmp_fini, .timeout = 120);

/* splitmix64: deterministic test data. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Bitwise CRC-32C, the definition, for checking evlog's. */
static uint32_t
ref_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	int	k;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & (0U - (crc & 1)));
	}
	return ~crc;
}

/* Big-endian load of n bytes. */
static uint64_t
be_get(const uint8_t *p, int n)
{
	uint64_t	v = 0;

	while (n-- > 0)
		v = (v << 8) | *p++;
	return v;
}

/* Big-endian store of the low n bytes of v. */
static void
be_put(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* The whole file at path (malloc'd), its length in *len. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	uint8_t		*buf;
	int		 fd;

	fd = open(path, O_RDONLY);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert(fstat(fd, &st) == 0);
	buf = malloc((size_t)st.st_size + 1);
	cr_assert(buf != NULL);
	cr_assert_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Replace the file at path with len bytes. */
static void
spit(const char *path, const uint8_t *buf, size_t len)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Append len bytes to the file at path. */
static void
spit_more(const char *path, const uint8_t *buf, size_t len)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Size of the file at path. */
static off_t
fsize(const char *path)
{
	struct stat	st;

	cr_assert(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st.st_size;
}

/* True if the file at path holds exactly buf. */
static bool
same_file(const char *path, const uint8_t *buf, size_t len)
{
	uint8_t	*now;
	size_t	 nlen;
	bool	 same;

	now = slurp(path, &nlen);
	same = (nlen == len && memcmp(now, buf, len) == 0);
	free(now);
	return same;
}

/* Open callback: copy the record. */
static int
coll_each(const struct evlog_rec *r, void *arg)
{
	struct coll	*c = arg;
	struct got	*g;

	if (c->stop_at != 0 && c->n + 1 == c->stop_at)
		return 1;
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		c->v = realloc(c->v, c->cap * sizeof *c->v);
		cr_assert(c->v != NULL);
	}
	g = &c->v[c->n++];
	g->seq = r->seq;
	g->time_ms = r->time_ms;
	memcpy(g->client, r->client, PROTO_CLIENT_LEN);
	g->len = r->len;
	g->body = malloc(r->len + 1);
	cr_assert(g->body != NULL);
	memcpy(g->body, r->body, r->len);
	g->offset = r->offset;
	return 0;
}

/* Forget what the callback saw. */
static void
coll_free(struct coll *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		free(c->v[i].body);
	free(c->v);
	memset(c, 0, sizeof *c);
}

/* Content of test record number i: time, client, body (of at most max). */
static size_t
rec_make(uint64_t i, size_t max, int64_t *time_ms, uint8_t *client,
    uint8_t *body)
{
	uint64_t	h = mix(i);
	size_t		len, k;

	len = max == 0 ? 0 : (size_t)(h % (max + 1));
	*time_ms = (int64_t)mix(h);
	for (k = 0; k < PROTO_CLIENT_LEN; k++)
		client[k] = (uint8_t)(h >> (k % 8 * 8)) ^ (uint8_t)k;
	for (k = 0; k < len; k++)
		body[k] = (uint8_t)mix(h + k);
	return len;
}

/* Content of test record i with a body of exactly len bytes. */
static void
rec_fixed(uint64_t i, size_t len, int64_t *time_ms, uint8_t *client,
    uint8_t *body)
{
	uint8_t	tmp[EVLOG_BODY_MAX];
	size_t	k;

	rec_make(i, 0, time_ms, client, tmp);
	for (k = 0; k < len; k++)
		body[k] = (uint8_t)mix(i * 7919 + k);
}

/* Append records i = 0..n-1 with seq first + i; bodies of at most max. */
static void
put_records(struct evlog *e, uint64_t first, size_t n, size_t max)
{
	static uint8_t	body[EVLOG_BODY_MAX];
	uint8_t		client[PROTO_CLIENT_LEN];
	int64_t		t;
	size_t		i, len;

	for (i = 0; i < n; i++) {
		len = rec_make(first + i, max, &t, client, body);
		cr_assert_eq(evlog_append(e, first + i, t, client, body, len,
		    err, sizeof err), 0, "append: %s", err);
	}
}

/* Check that c holds records i = 0..n-1 as put_records wrote them. */
static void
check_records(const struct coll *c, uint64_t first, size_t n, size_t max)
{
	static uint8_t	body[EVLOG_BODY_MAX];
	uint8_t		client[PROTO_CLIENT_LEN];
	int64_t		t;
	size_t		i, len;

	cr_assert_eq(c->n, n, "%zu records, expected %zu", c->n, n);
	for (i = 0; i < n; i++) {
		len = rec_make(first + i, max, &t, client, body);
		cr_assert_eq(c->v[i].seq, first + i);
		cr_assert_eq(c->v[i].time_ms, t);
		cr_assert(memcmp(c->v[i].client, client, sizeof client) == 0);
		cr_assert_eq(c->v[i].len, len, "seq %llu",
		    (unsigned long long)(first + i));
		cr_assert(memcmp(c->v[i].body, body, len) == 0);
	}
}

/* Create the log at logpath with records seq first.. as put_records does. */
static void
make_log(uint64_t first, size_t n, size_t max)
{
	struct evlog	*e;

	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err);
	cr_assert_not_null(e, "open: %s", err);
	put_records(e, first, n, max);
	cr_assert_eq(evlog_sync(e), 0);
	evlog_close(e);
}

/* Open logpath with flags, collecting records into c. */
static struct evlog *
reopen(int flags, struct coll *c, struct evlog_report *rep)
{
	coll_free(c);
	return evlog_open(logpath, flags, coll_each, c, rep, err, sizeof err);
}

/* Assert that rep describes a clean log of n records first..last. */
static void
assert_clean(const struct evlog_report *rep, uint64_t n, uint64_t first,
    uint64_t last, off_t size)
{
	cr_assert_eq(rep->records, n);
	cr_assert_eq(rep->first_seq, first);
	cr_assert_eq(rep->last_seq, last);
	cr_assert_eq(rep->good_bytes, size);
	cr_assert_eq(rep->cut_bytes, 0);
	cr_assert_not(rep->torn);
	cr_assert_not(rep->corrupt);
	cr_assert_not(rep->truncated);
	cr_assert_str_eq(rep->detail, "");
}

/* Encode one record by hand into buf; returns its size. */
static size_t
enc_record(uint8_t *buf, uint64_t seq, int64_t time_ms,
    const uint8_t *client, const uint8_t *body, size_t len)
{
	be_put(buf + 8, seq, 8);
	be_put(buf + 16, (uint64_t)time_ms, 8);
	memcpy(buf + 24, client, PROTO_CLIENT_LEN);
	memcpy(buf + 40, body, len);
	be_put(buf, 32 + len, 4);
	be_put(buf + 4, ref_crc32c(0, buf + 8, 32 + len), 4);
	return 40 + len;
}

/* A log made by hand with the given seqs (bodies of 20 bytes). */
static size_t
enc_log(uint8_t *buf, const uint64_t *seqs, size_t n, off_t *offsets)
{
	uint8_t	client[PROTO_CLIENT_LEN], body[20];
	int64_t	t;
	size_t	len = 8, i;

	memcpy(buf, EVLOG_MAGIC, 8);
	for (i = 0; i < n; i++) {
		rec_fixed(seqs[i], sizeof body, &t, client, body);
		if (offsets != NULL)
			offsets[i] = (off_t)len;
		len += enc_record(buf + len, seqs[i], t, client, body,
		    sizeof body);
	}
	return len;
}

/* Path of a checked-in fixture. */
static void
fixture_path(char *buf, size_t len, const char *name)
{
	const char	*top = getenv("CB_TOP");

	snprintf(buf, len, "%s/tests/fixtures/evlog/%s",
	    top != NULL ? top : ".", name);
}

/* Copy a fixture to path. */
static void
fixture_copy(const char *name, const char *path)
{
	char	 src[1024];
	uint8_t	*buf;
	size_t	 len;

	fixture_path(src, sizeof src, name);
	buf = slurp(src, &len);
	spit(path, buf, len);
	free(buf);
}

/* Check c against fixture records 0..n-1 (the generator's formulas). */
static void
fixture_check(const struct coll *c, size_t n)
{
	size_t	i, k, blen;
	int64_t	t;

	cr_assert_eq(c->n, n);
	for (i = 0; i < n; i++) {
		blen = (i * 7) % 50 + 1;
		t = (i == 3) ? -5 : 1700000000000LL + (int64_t)i * 1250LL;
		cr_assert_eq(c->v[i].seq, FIX_FIRST_SEQ + i);
		cr_assert_eq(c->v[i].time_ms, t);
		for (k = 0; k < PROTO_CLIENT_LEN; k++)
			cr_assert_eq(c->v[i].client[k], (uint8_t)(i * 16 + k));
		cr_assert_eq(c->v[i].len, blen);
		for (k = 0; k < blen; k++)
			cr_assert_eq(c->v[i].body[k],
			    (uint8_t)(i * 131 + k * 7 + 1));
	}
}

/* ------------------------------------------------------------- CRC-32C */

Test(evlog, crc32c_known_vectors)
{
	uint8_t	buf[32];
	size_t	i;

	cr_assert_eq(evlog_crc32c(0, "123456789", 9), 0xe3069283);
	cr_assert_eq(evlog_crc32c_sw(0, "123456789", 9), 0xe3069283);
	memset(buf, 0, sizeof buf);
	cr_assert_eq(evlog_crc32c(0, buf, 32), 0x8a9136aa);
	cr_assert_eq(evlog_crc32c_sw(0, buf, 32), 0x8a9136aa);
	/* RFC 3720 B.4. */
	memset(buf, 0xff, sizeof buf);
	cr_assert_eq(evlog_crc32c(0, buf, 32), 0x62a8ab43);
	cr_assert_eq(evlog_crc32c_sw(0, buf, 32), 0x62a8ab43);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	cr_assert_eq(evlog_crc32c(0, buf, 32), 0x46dd794e);
	cr_assert_eq(evlog_crc32c_sw(0, buf, 32), 0x46dd794e);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	cr_assert_eq(evlog_crc32c(0, buf, 32), 0x113fdb5c);
	cr_assert_eq(evlog_crc32c_sw(0, buf, 32), 0x113fdb5c);
	cr_assert_eq(evlog_crc32c(0, NULL, 0), 0);
	/* Continuing from a crc equals one pass. */
	cr_assert_eq(evlog_crc32c(evlog_crc32c(0, "1234", 4), "56789", 5),
	    0xe3069283);
	cr_assert_eq(evlog_crc32c_sw(evlog_crc32c_sw(0, "12345", 5), "6789",
	    4), 0xe3069283);
}

Test(evlog, crc32c_hardware_software_and_definition_agree)
{
	static uint8_t	buf[70000];
	uint32_t	a, b, c, d;
	size_t		i, len, start, split;
	int		v;

	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)mix(i);
	/* Every byte value alone: each entry of the table. */
	for (v = 0; v < 256; v++) {
		uint8_t	one = (uint8_t)v;

		cr_assert_eq(evlog_crc32c_sw(0, &one, 1),
		    ref_crc32c(0, &one, 1), "byte %d", v);
		cr_assert_eq(evlog_crc32c(0, &one, 1), ref_crc32c(0, &one, 1));
	}
	/* Every length up to 300 at every alignment, then long ones. */
	for (i = 0; i < 2400 + 30; i++) {
		start = i % 8;
		if (i < 2400)
			len = i / 8;
		else
			len = (size_t)(mix(i) % (sizeof buf - 8));
		a = evlog_crc32c(0, buf + start, len);
		b = evlog_crc32c_sw(0, buf + start, len);
		c = ref_crc32c(0, buf + start, len);
		cr_assert_eq(a, c, "hw: len %zu start %zu", len, start);
		cr_assert_eq(b, c, "sw: len %zu start %zu", len, start);
		split = len == 0 ? 0 : (size_t)(mix(i + 1) % len);
		d = evlog_crc32c(evlog_crc32c_sw(0, buf + start, split),
		    buf + start + split, len - split);
		cr_assert_eq(d, c, "mixed at %zu of %zu", split, len);
	}
}

/* ------------------------------------------------------------ the file */

Test(evlog, file_layout_matches_the_header)
{
	uint8_t		 client[PROTO_CLIENT_LEN], *buf;
	struct evlog	*e;
	struct stat	 st;
	size_t		 len, i;

	for (i = 0; i < sizeof client; i++)
		client[i] = (uint8_t)(0xa0 + i);
	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(evlog_append(e, 7, -2, client,
	    (const uint8_t *)"hello", 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(evlog_append(e, 8, INT64_MAX, NULL, NULL, 0, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(evlog_size(e), 8 + 45 + 40);
	evlog_close(e);

	cr_assert(stat(logpath, &st) == 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	buf = slurp(logpath, &len);
	cr_assert_eq(len, 8 + 45 + 40);
	cr_assert(memcmp(buf, "CAFELOG1", 8) == 0);
	cr_assert_eq(be_get(buf + 8, 4), 37);
	cr_assert_eq(be_get(buf + 12, 4), ref_crc32c(0, buf + 16, 37));
	cr_assert_eq(be_get(buf + 16, 8), 7);
	cr_assert_eq(be_get(buf + 24, 8), (uint64_t)-2);
	cr_assert(memcmp(buf + 32, client, 16) == 0);
	cr_assert(memcmp(buf + 48, "hello", 5) == 0);
	cr_assert_eq(be_get(buf + 53, 4), 32);
	cr_assert_eq(be_get(buf + 57, 4), ref_crc32c(0, buf + 61, 32));
	cr_assert_eq(be_get(buf + 61, 8), 8);
	cr_assert_eq(be_get(buf + 69, 8), (uint64_t)INT64_MAX);
	for (i = 0; i < 16; i++)
		cr_assert_eq(buf[77 + i], 0);
	free(buf);
}

Test(evlog, many_records_come_back_identical)
{
	enum { N = 4000, MAX = 2000 };
	static uint8_t		 big[EVLOG_BODY_MAX];
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			 client[PROTO_CLIENT_LEN];
	size_t			 i;
	off_t			 off;
	int64_t			 t;

	make_log(1, N, MAX);
	/* Three records of the largest size, between buffer refills. */
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	for (i = 0; i < 3; i++) {
		rec_fixed(N + 1 + i, EVLOG_BODY_MAX, &t, client, big);
		cr_assert_eq(evlog_append(e, N + 1 + i, t, client, big,
		    EVLOG_BODY_MAX, err, sizeof err), 0, "%s", err);
	}
	cr_assert_eq(evlog_append(e, N + 4, 0, NULL, big, EVLOG_BODY_MAX + 1,
	    err, sizeof err), -1);
	evlog_close(e);

	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, N + 3, 1, N + 3, fsize(logpath));
	cr_assert_eq(evlog_last_seq(e), N + 3);
	cr_assert_eq(evlog_size(e), fsize(logpath));
	cr_assert_not(evlog_dirty(e));
	evlog_close(e);
	cr_assert_eq(c.n, N + 3);
	c.n = N;
	check_records(&c, 1, N, MAX);
	c.n = N + 3;
	off = EVLOG_HDR_LEN;
	for (i = 0; i < c.n; i++) {
		cr_assert_eq(c.v[i].offset, off);
		off += EVLOG_REC_HDR + EVLOG_PAYLOAD_HDR + c.v[i].len;
	}
	for (i = 0; i < 3; i++) {
		rec_fixed(N + 1 + i, EVLOG_BODY_MAX, &t, client, big);
		cr_assert_eq(c.v[N + i].len, EVLOG_BODY_MAX);
		cr_assert(memcmp(c.v[N + i].body, big, EVLOG_BODY_MAX) == 0);
		cr_assert_eq(c.v[N + i].time_ms, t);
	}
	coll_free(&c);
}

Test(evlog, append_refuses_a_seq_that_does_not_follow)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*before;
	size_t			 blen;

	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(evlog_last_seq(e), 0);
	cr_assert_eq(evlog_append(e, 0, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert(strstr(err, "seq 0") != NULL, "%s", err);
	/* The first record may start anywhere (a log after a snapshot). */
	put_records(e, 1000, 2, 50);
	cr_assert_eq(evlog_sync(e), 0);
	before = slurp(logpath, &blen);
	cr_assert_eq(evlog_append(e, 1003, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert(strstr(err, "1003") != NULL, "%s", err);
	cr_assert_eq(evlog_append(e, 1001, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert_eq(evlog_append(e, 1000, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert_eq(evlog_last_seq(e), 1001);
	cr_assert(same_file(logpath, before, blen));
	free(before);
	put_records(e, 1002, 1, 50);
	evlog_close(e);

	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 3, 1000, 1002, fsize(logpath));
	check_records(&c, 1000, 3, 50);
	evlog_close(e);
	coll_free(&c);
}

Test(evlog, create_missing_and_empty_files)
{
	struct evlog_report	 rep;
	struct evlog		*e;
	struct stat		 st;
	uint8_t			*buf;
	size_t			 len;

	e = evlog_open(logpath, 0, NULL, NULL, &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, logpath) != NULL, "%s", err);
	cr_assert_str_eq(rep.detail, err);
	e = evlog_open(logpath, EVLOG_CREATE | EVLOG_READONLY, NULL, NULL,
	    &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(access(logpath, F_OK) == -1);

	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 0, 0, 0, EVLOG_HDR_LEN);
	cr_assert_eq(evlog_size(e), EVLOG_HDR_LEN);
	evlog_close(e);
	buf = slurp(logpath, &len);
	cr_assert_eq(len, 8);
	cr_assert(memcmp(buf, EVLOG_MAGIC, 8) == 0);
	free(buf);
	cr_assert(stat(logpath, &st) == 0);
	cr_assert_eq(st.st_mode & 0777, 0600);

	/* An existing empty file. */
	spit(logpath, NULL, 0);
	e = evlog_open(logpath, 0, NULL, NULL, &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, "empty") != NULL, "%s", err);
	e = evlog_open(logpath, EVLOG_READONLY, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_null(e);
	cr_assert_eq(fsize(logpath), 0);
	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 0, 0, 0, EVLOG_HDR_LEN);
	put_records(e, 1, 1, 10);
	evlog_close(e);
	cr_assert_gt(fsize(logpath), EVLOG_HDR_LEN);

	/* A directory is not a log. */
	e = evlog_open(tmpdir, EVLOG_CREATE, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_null(e);
}

Test(evlog, torn_header_is_rewritten_only_with_create)
{
	struct evlog_report	 rep;
	struct evlog		*e;

	spit(logpath, (const uint8_t *)"CAFE", 4);
	e = evlog_open(logpath, 0, NULL, NULL, &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, "torn log header") != NULL, "%s", err);
	cr_assert(same_file(logpath, (const uint8_t *)"CAFE", 4));
	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && rep.truncated && !rep.corrupt);
	cr_assert_eq(rep.cut_bytes, 4);
	cr_assert_eq(rep.records, 0);
	cr_assert(strstr(rep.detail, "torn header") != NULL, "%s",
	    rep.detail);
	evlog_close(e);
	cr_assert(same_file(logpath, (const uint8_t *)EVLOG_MAGIC, 8));
}

Test(evlog, wrong_magic_is_an_error_and_the_file_is_untouched)
{
	static const char	*bad[] = { "CAFELOG2", "cafelog1\0\0\0\0\0",
				    "XY", "CAFELOG1"+1 };
	struct evlog_report	 rep;
	struct evlog		*e;
	uint8_t			 buf[4096];
	size_t			 len, i;
	int			 flags;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = strlen(bad[i]) + (i == 1 ? 5 : 0);
		memcpy(buf, bad[i], len);
		memset(buf + len, 'x', 100);
		len += 100;
		spit(logpath, buf, len);
		for (flags = 0; flags < 8; flags++) {
			e = evlog_open(logpath, flags, NULL, NULL, &rep, err,
			    sizeof err);
			cr_assert_null(e, "%s, flags %d", bad[i], flags);
			cr_assert(strstr(err, "bad magic") != NULL, "%s",
			    err);
			cr_assert(same_file(logpath, buf, len));
		}
	}
	/* Shorter than a header and not a prefix of it. */
	spit(logpath, (const uint8_t *)"XY", 2);
	e = evlog_open(logpath, EVLOG_CREATE | EVLOG_REPAIR, NULL, NULL, &rep,
	    err, sizeof err);
	cr_assert_null(e);
	cr_assert(same_file(logpath, (const uint8_t *)"XY", 2));
}

/* --------------------------------------------------------- torn tails */

Test(evlog, torn_tail_at_every_offset_of_the_last_record)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig, client[PROTO_CLIENT_LEN], body[100];
	size_t			 olen, k, reclen;
	off_t			 start;
	int64_t			 t;
	char			 want[128];

	make_log(1, 4, 60);
	start = fsize(logpath);
	rec_fixed(5, sizeof body, &t, client, body);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(evlog_append(e, 5, t, client, body, sizeof body, err,
	    sizeof err), 0, "%s", err);
	evlog_close(e);
	orig = slurp(logpath, &olen);
	reclen = olen - (size_t)start;
	cr_assert_eq(reclen, 8 + 32 + sizeof body);

	for (k = 1; k < reclen; k++) {
		spit(logpath, orig, (size_t)start + k);
		e = reopen(0, &c, &rep);
		cr_assert_not_null(e, "cut at %zu: %s", k, err);
		check_records(&c, 1, 4, 60);
		cr_assert(rep.torn, "cut at %zu", k);
		cr_assert_not(rep.corrupt);
		cr_assert(rep.truncated);
		cr_assert_eq(rep.records, 4);
		cr_assert_eq(rep.last_seq, 4);
		cr_assert_eq(rep.good_bytes, start);
		cr_assert_eq(rep.cut_bytes, (off_t)k);
		snprintf(want, sizeof want, "cut %zu bytes of a torn record "
		    "at offset %lld after seq 4", k, (long long)start);
		cr_assert(strstr(rep.detail, want) != NULL, "%s", rep.detail);
		cr_assert_eq(fsize(logpath), start);
		cr_assert_eq(evlog_size(e), start);
		cr_assert_eq(evlog_last_seq(e), 4);
		/* Appending continues at the right seq. */
		cr_assert_eq(evlog_append(e, 6, 0, NULL, NULL, 0, err,
		    sizeof err), -1);
		cr_assert_eq(evlog_append(e, 5, t, client, body, sizeof body,
		    err, sizeof err), 0, "%s", err);
		evlog_close(e);
		cr_assert(same_file(logpath, orig, olen));
		e = reopen(0, &c, &rep);
		cr_assert_not_null(e, "%s", err);
		assert_clean(&rep, 5, 1, 5, (off_t)olen);
		cr_assert_eq(c.v[4].len, sizeof body);
		cr_assert(memcmp(c.v[4].body, body, sizeof body) == 0);
		evlog_close(e);
	}
	coll_free(&c);
	free(orig);
}

Test(evlog, torn_tail_read_only_is_reported_and_left_alone)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig;
	size_t			 olen;

	make_log(1, 5, 80);
	orig = slurp(logpath, &olen);
	olen -= 3;
	spit(logpath, orig, olen);
	e = reopen(EVLOG_READONLY, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && !rep.truncated && !rep.corrupt);
	cr_assert_eq(rep.records, 4);
	cr_assert(strstr(rep.detail, "read-only") != NULL, "%s", rep.detail);
	cr_assert_eq(evlog_append(e, 5, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert(strstr(err, "read-only") != NULL, "%s", err);
	cr_assert_eq(evlog_sync(e), 0);
	evlog_close(e);
	cr_assert(same_file(logpath, orig, olen));
	check_records(&c, 1, 4, 80);
	coll_free(&c);
	free(orig);
}

Test(evlog, garbage_after_the_last_record_is_torn)
{
	static const size_t	 sizes[] = { 1, 7, 8, 39, 40, 100, 5000,
				    70000, 300000 };
	static uint8_t		 junk[300000];
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig, rec[200], client[16], body[60];
	size_t			 olen, i, n;
	int64_t			 t;

	make_log(1, 6, 70);
	orig = slurp(logpath, &olen);
	for (i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)mix(i ^ 0xdead);

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		spit(logpath, orig, olen);
		spit_more(logpath, junk, sizes[i]);
		e = reopen(0, &c, &rep);
		cr_assert_not_null(e, "%zu bytes: %s", sizes[i], err);
		cr_assert(rep.torn && rep.truncated && !rep.corrupt);
		cr_assert_eq(rep.cut_bytes, (off_t)sizes[i]);
		check_records(&c, 1, 6, 70);
		evlog_close(e);
		cr_assert(same_file(logpath, orig, olen));
	}

	/* A plausible header (next seq) whose CRC is wrong: whole, ... */
	rec_fixed(7, sizeof body, &t, client, body);
	n = enc_record(rec, 7, t, client, body, sizeof body);
	rec[n - 1] ^= 1;
	spit(logpath, orig, olen);
	spit_more(logpath, rec, n);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && rep.truncated && !rep.corrupt);
	cr_assert_eq(rep.cut_bytes, (off_t)n);
	cr_assert(strstr(rep.detail, "CRC") != NULL, "%s", rep.detail);
	evlog_close(e);
	cr_assert(same_file(logpath, orig, olen));
	/* ... cut short, ... */
	spit_more(logpath, rec, n - 25);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && !rep.corrupt);
	cr_assert_eq(rep.cut_bytes, (off_t)n - 25);
	evlog_close(e);
	/* ... or followed by more junk that holds no intact record. */
	spit_more(logpath, rec, n);
	spit_more(logpath, junk, 500);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && !rep.corrupt);
	cr_assert_eq(rep.cut_bytes, (off_t)n + 500);
	evlog_close(e);
	cr_assert(same_file(logpath, orig, olen));
	coll_free(&c);
	free(orig);
}

Test(evlog, zeros_longer_than_a_record_are_a_torn_tail)
{
	static uint8_t		 zeros[200000];
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig;
	size_t			 olen;

	/* What a crash in the middle of a group commit can leave. */
	make_log(1, 30, 100);
	orig = slurp(logpath, &olen);
	spit_more(logpath, zeros, sizeof zeros);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && rep.truncated && !rep.corrupt);
	cr_assert_eq(rep.cut_bytes, (off_t)sizeof zeros);
	check_records(&c, 1, 30, 100);
	evlog_close(e);
	cr_assert(same_file(logpath, orig, olen));
	coll_free(&c);
	free(orig);
}

/* ---------------------------------------------------------- corruption */

Test(evlog, flipped_bit_anywhere_in_a_middle_record)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig, *bad;
	uint8_t			 client[PROTO_CLIENT_LEN], body[MIDDLE_BODY];
	size_t			 olen, i, reclen;
	off_t			 start;
	int64_t			 t;
	char			 want[64];
	int			 bit;

	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	for (i = 1; i <= 7; i++) {
		rec_fixed(i, sizeof body, &t, client, body);
		cr_assert_eq(evlog_append(e, i, t, client, body, sizeof body,
		    err, sizeof err), 0, "%s", err);
	}
	evlog_close(e);
	orig = slurp(logpath, &olen);
	bad = malloc(olen);
	cr_assert(bad != NULL);
	reclen = 8 + 32 + MIDDLE_BODY;
	start = 8 + 3 * (off_t)reclen;	/* seq 4 */
	snprintf(want, sizeof want, "offset %lld after seq 3",
	    (long long)start);

	for (i = 0; i < reclen; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, orig, olen);
			bad[start + (off_t)i] ^= (uint8_t)(1 << bit);
			spit(logpath, bad, olen);

			e = reopen(0, &c, &rep);
			cr_assert_null(e, "byte %zu bit %d opened", i, bit);
			cr_assert(strstr(err, want) != NULL, "%s", err);
			cr_assert(strstr(err, "3 intact records (seq 5-7)") !=
			    NULL, "%s", err);
			cr_assert(rep.corrupt && !rep.torn && !rep.truncated);
			cr_assert_eq(rep.records, 3);
			cr_assert_eq(rep.last_seq, 3);
			cr_assert_eq(rep.good_bytes, start);
			cr_assert_eq(rep.cut_bytes, (off_t)olen - start);
			cr_assert(same_file(logpath, bad, olen));

			e = reopen(EVLOG_READONLY, &c, &rep);
			cr_assert_null(e);
			cr_assert(same_file(logpath, bad, olen));
			e = reopen(EVLOG_READONLY | EVLOG_REPAIR, &c, &rep);
			cr_assert_not_null(e, "%s", err);
			cr_assert(rep.corrupt && !rep.truncated);
			cr_assert_eq(evlog_size(e), start);
			evlog_close(e);
			cr_assert(same_file(logpath, bad, olen));

			e = reopen(EVLOG_REPAIR, &c, &rep);
			cr_assert_not_null(e, "%s", err);
			cr_assert(rep.corrupt && rep.truncated && !rep.torn);
			cr_assert(strstr(rep.detail, want) != NULL, "%s",
			    rep.detail);
			cr_assert_eq(c.n, 3);
			cr_assert_eq(fsize(logpath), start);
			rec_fixed(4, sizeof body, &t, client, body);
			cr_assert_eq(evlog_append(e, 4, t, client, body,
			    sizeof body, err, sizeof err), 0, "%s", err);
			evlog_close(e);
			cr_assert(same_file(logpath, orig,
			    (size_t)start + reclen));
		}
	}
	coll_free(&c);
	free(bad);
	free(orig);
}

Test(evlog, damage_early_in_a_big_log_counts_what_follows)
{
	enum { N = 3000 };
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig;
	size_t			 olen;
	off_t			 at;
	char			 want[64];

	make_log(1, N, 3000);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	evlog_close(e);
	at = c.v[10].offset;
	orig = slurp(logpath, &olen);
	cr_assert_gt(olen, 3 * 1024 * 1024);
	orig[at + 20] ^= 0x40;	/* in the time field */
	spit(logpath, orig, olen);

	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	snprintf(want, sizeof want, "%d intact records (seq 12-%d)", N - 11,
	    N);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	cr_assert(strstr(err, "CRC") != NULL, "%s", err);
	cr_assert_eq(rep.records, 10);
	e = reopen(EVLOG_REPAIR, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	check_records(&c, 1, 10, 3000);
	evlog_close(e);
	cr_assert_eq(fsize(logpath), at);

	/* A torn tail after several buffer refills. */
	make_log(11, N - 10, 3000);
	free(orig);
	orig = slurp(logpath, &olen);
	spit(logpath, orig, olen - 1);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert(rep.torn && rep.truncated);
	cr_assert_eq(rep.records, N - 1);
	evlog_close(e);
	coll_free(&c);
	free(orig);
}

Test(evlog, seq_gap_and_repeat_are_corrupt)
{
	static const uint64_t	 gap[] = { 1, 2, 3, 5, 6 };
	static const uint64_t	 rep3[] = { 1, 2, 3, 3, 4 };
	static const uint64_t	 tail[] = { 1, 2, 3, 3 };
	static const uint64_t	 zero[] = { 0, 1 };
	static const uint64_t	 late[] = { 500, 501 };
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			 buf[4096];
	off_t			 offs[8];
	size_t			 len;
	char			 want[64];

	len = enc_log(buf, gap, 5, offs);
	spit(logpath, buf, len);
	e = reopen(EVLOG_CREATE, &c, &rep);
	cr_assert_null(e);
	cr_assert(strstr(err, "seq 5 where 4 was expected") != NULL, "%s",
	    err);
	snprintf(want, sizeof want, "offset %lld after seq 3",
	    (long long)offs[3]);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	cr_assert(strstr(err, "2 intact records (seq 5-6)") != NULL, "%s",
	    err);
	cr_assert(rep.corrupt && !rep.torn);
	cr_assert_eq(rep.records, 3);
	cr_assert(same_file(logpath, buf, len));
	e = reopen(EVLOG_REPAIR, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(c.n, 3);
	cr_assert_eq(evlog_last_seq(e), 3);
	put_records(e, 4, 1, 10);
	evlog_close(e);
	cr_assert_eq(fsize(logpath), offs[3] + 8 + 32 + (off_t)mix(4) % 11);

	len = enc_log(buf, rep3, 5, offs);
	spit(logpath, buf, len);
	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	cr_assert(strstr(err, "seq 3 where 4 was expected") != NULL, "%s",
	    err);
	cr_assert(rep.corrupt);

	/* An intact record is never a torn write, even at the end. */
	len = enc_log(buf, tail, 4, offs);
	spit(logpath, buf, len);
	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	cr_assert(rep.corrupt && !rep.torn);
	cr_assert_eq(rep.good_bytes, offs[3]);

	len = enc_log(buf, zero, 2, offs);
	spit(logpath, buf, len);
	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	cr_assert(strstr(err, "seq 0") != NULL, "%s", err);
	cr_assert_eq(rep.records, 0);

	len = enc_log(buf, late, 2, offs);
	spit(logpath, buf, len);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 2, 500, 501, (off_t)len);
	evlog_close(e);
	coll_free(&c);
}

Test(evlog, damage_too_costly_to_rule_out_is_corrupt_not_torn)
{
	static uint8_t		 buf[8 + 200000];
	struct evlog_report	 rep;
	struct evlog		*e;
	size_t			 i;

	/*
	 * Every fourth offset reads as a record of 65000 bytes: more than
	 * the scan budget allows to check, so nothing proves the tail torn.
	 */
	memcpy(buf, EVLOG_MAGIC, 8);
	for (i = 8; i < sizeof buf; i++)
		buf[i] = (uint8_t[]){ 0x00, 0x00, 0xfd, 0xe8 }[i % 4];
	spit(logpath, buf, sizeof buf);
	e = evlog_open(logpath, 0, NULL, NULL, &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(rep.corrupt && !rep.torn);
	cr_assert(strstr(err, "too many to rule out") != NULL, "%s", err);
	cr_assert(same_file(logpath, buf, sizeof buf));
	e = evlog_open(logpath, EVLOG_REPAIR, NULL, NULL, &rep, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(fsize(logpath), EVLOG_HDR_LEN);
	evlog_close(e);
}

Test(evlog, callback_can_stop_the_open)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*orig;
	size_t			 olen;

	make_log(1, 6, 30);
	orig = slurp(logpath, &olen);
	spit_more(logpath, (const uint8_t *)"torn", 4);
	c.stop_at = 3;
	e = evlog_open(logpath, 0, coll_each, &c, &rep, err, sizeof err);
	cr_assert_null(e);
	cr_assert(strstr(err, "stopped") != NULL, "%s", err);
	cr_assert(strstr(err, "seq 3") != NULL, "%s", err);
	cr_assert_eq(c.n, 2);
	cr_assert_not(rep.truncated);
	/* Nothing was cut: the walk did not finish. */
	cr_assert_eq(fsize(logpath), (off_t)olen + 4);
	coll_free(&c);
	free(orig);
}

/* ------------------------------------------------------- append, sync */

Test(evlog, failed_append_truncates_back_and_later_appends_work)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct rlimit		 old, lim;
	struct evlog		*e;
	uint8_t			*before, client[16], body[100];
	size_t			 blen;
	off_t			 size;
	int64_t			 t;
	int			 room;

	/* A file size limit makes write() stop short, then fail EFBIG. */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert(getrlimit(RLIMIT_FSIZE, &old) == 0);
	make_log(1, 5, 50);
	before = slurp(logpath, &blen);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	size = evlog_size(e);
	rec_fixed(6, sizeof body, &t, client, body);

	for (room = 50; room >= 0; room -= 50) {
		lim = old;
		lim.rlim_cur = (rlim_t)size + (rlim_t)room;
		cr_assert(setrlimit(RLIMIT_FSIZE, &lim) == 0);
		cr_assert_eq(evlog_append(e, 6, t, client, body, sizeof body,
		    err, sizeof err), -1, "room %d", room);
		cr_assert(setrlimit(RLIMIT_FSIZE, &old) == 0);
		cr_assert(strstr(err, strerror(EFBIG)) != NULL, "%s", err);
		cr_assert(strstr(err, "truncated back") != NULL, "%s", err);
		cr_assert_eq(fsize(logpath), size);
		cr_assert_eq(evlog_size(e), size);
		cr_assert_eq(evlog_last_seq(e), 5);
		cr_assert(same_file(logpath, before, blen));
	}
	cr_assert_eq(evlog_append(e, 6, t, client, body, sizeof body, err,
	    sizeof err), 0, "%s", err);
	put_records(e, 7, 3, 50);
	cr_assert_eq(evlog_sync(e), 0);
	evlog_close(e);

	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 9, 1, 9, fsize(logpath));
	cr_assert_eq(c.v[5].len, sizeof body);
	cr_assert(memcmp(c.v[5].body, body, sizeof body) == 0);
	evlog_close(e);
	coll_free(&c);
	free(before);
}

Test(evlog, dirty_until_synced)
{
	struct evlog	*e;

	e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, NULL, err,
	    sizeof err);
	cr_assert_not_null(e, "%s", err);
	cr_assert_not(evlog_dirty(e));
	cr_assert_eq(evlog_sync(e), 0);
	put_records(e, 1, 3, 20);
	cr_assert(evlog_dirty(e));
	cr_assert_eq(evlog_append(e, 9, 0, NULL, NULL, 0, err, sizeof err),
	    -1);
	cr_assert(evlog_dirty(e));
	cr_assert_eq(evlog_sync(e), 0);
	cr_assert_not(evlog_dirty(e));
	cr_assert_eq(evlog_sync(e), 0);
	put_records(e, 4, 1, 20);
	cr_assert(evlog_dirty(e));
	evlog_close(e);
}

/* ------------------------------------------------- held records (defer) */

/* Skip unless the test directory's file system reserves space. */
static void
need_reserve(void)
{
	char	path[512];
	int	fd, rc;

	snprintf(path, sizeof path, "%s.probe", logpath);
	cr_assert_neq(fd = open(path, O_RDWR | O_CREAT, 0600), -1);
	rc = fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096);
	close(fd);
	unlink(path);
	if (rc != 0)
		cr_skip_test("the file system cannot reserve space (%s)",
		    strerror(errno));
}

/* Disk blocks of the file at path, in bytes. */
static off_t
fblocks(const char *path)
{
	struct stat	st;

	cr_assert_eq(stat(path, &st), 0);
	return (off_t)st.st_blocks * 512;
}

/*
 * A holding log writes nothing until it is flushed, with space reserved
 * past the end meanwhile; the flush writes every record held, the file
 * then reads back whole, and closing gives the reserved space back.
 */
Test(evlog, held_records_reach_the_file_at_flush)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	off_t			 size;

	need_reserve();
	make_log(1, 5, 50);
	size = fsize(logpath);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	evlog_defer(e, true);
	put_records(e, 6, 40, 300);
	cr_assert_eq(fsize(logpath), size, "written before the flush");
	cr_assert_gt(evlog_size(e), size);
	cr_assert_eq(evlog_last_seq(e), 45);
	cr_assert(evlog_dirty(e));
	cr_assert_geq(fblocks(logpath), evlog_size(e), "no space reserved "
	    "for %lld bytes held: %lld", (long long)(evlog_size(e) - size),
	    (long long)fblocks(logpath));
	cr_assert_eq(evlog_flush(e, err, sizeof err), 0, "%s", err);
	cr_assert_eq(fsize(logpath), evlog_size(e));
	cr_assert_eq(evlog_flush(e, err, sizeof err), 0, "%s", err);
	/* More, then a sync writes them too. */
	put_records(e, 46, 5, 300);
	cr_assert_eq(evlog_sync(e), 0);
	cr_assert_eq(fsize(logpath), evlog_size(e));
	size = evlog_size(e);
	evlog_close(e);
	cr_assert_lt(fblocks(logpath), size + 64 * 1024, "the reserved space "
	    "was kept after close: %lld bytes for %lld",
	    (long long)fblocks(logpath), (long long)size);

	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 50, 1, 50, fsize(logpath));
	evlog_close(e);
	coll_free(&c);
}

/*
 * A process that dies with records held leaves the file as it was at its
 * last flush, without a torn tail (the reservation does not change the
 * file's size): they were never acknowledged, nothing to cut.
 */
Test(evlog, a_crash_loses_only_what_was_never_flushed)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	pid_t			 pid;
	int			 status;

	need_reserve();
	make_log(1, 5, 50);
	if ((pid = fork()) == 0) {
		e = evlog_open(logpath, 0, NULL, NULL, NULL, err, sizeof err);
		if (e == NULL)
			_exit(2);
		evlog_defer(e, true);
		put_records(e, 6, 10, 200);
		if (evlog_flush(e, err, sizeof err) != 0)
			_exit(3);
		put_records(e, 16, 10, 200);
		_exit(0);
	}
	cr_assert_neq(pid, -1);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %d",
	    status);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 15, 1, 15, fsize(logpath));
	cr_assert_eq(c.v[14].seq, 15);
	evlog_close(e);
	coll_free(&c);
}

/*
 * Where no space can be reserved (here: under a file size limit), a
 * holding log writes each record at once, so that the limit refuses the
 * record itself and the log stays usable.
 */
Test(evlog, without_room_to_reserve_records_are_written_at_once)
{
	struct coll	 c = { 0 };
	struct rlimit	 old, lim;
	struct evlog	*e;
	off_t		 size;
	int		 i, rc = 0;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert(getrlimit(RLIMIT_FSIZE, &old) == 0);
	make_log(1, 5, 50);
	e = reopen(0, &c, NULL);
	cr_assert_not_null(e, "%s", err);
	evlog_defer(e, true);
	lim = old;
	lim.rlim_cur = (rlim_t)fsize(logpath) + 2000;
	cr_assert(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	for (i = 0; i < 100; i++) {
		size = evlog_size(e);
		rc = evlog_append(e, 6 + (uint64_t)i, 0, NULL,
		    (const uint8_t *)"x", 1, err, sizeof err);
		if (rc != 0)
			break;
		cr_assert_eq(fsize(logpath), evlog_size(e), "record %d held",
		    i);
	}
	cr_assert(setrlimit(RLIMIT_FSIZE, &old) == 0);
	cr_assert_eq(rc, -1, "the limit refused nothing");
	cr_assert(strstr(err, strerror(EFBIG)) != NULL, "%s", err);
	cr_assert_eq(fsize(logpath), size);
	cr_assert_eq(evlog_append(e, 6 + (uint64_t)i, 0, NULL,
	    (const uint8_t *)"x", 1, err, sizeof err), 0, "%s", err);
	cr_assert_eq(evlog_sync(e), 0);
	evlog_close(e);
	coll_free(&c);
}

/*
 * Held records that cannot be written after all (the limit came down
 * past the reservation) make the log unusable, as a failed fsync does:
 * their changes are applied already and can no longer be refused, so the
 * writer must stop.  The file is cut back to its last flush.
 */
Test(evlog, held_records_that_cannot_be_written_make_the_log_unusable)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct rlimit		 old, lim;
	struct evlog		*e;
	off_t			 size;

	need_reserve();
	signal(SIGXFSZ, SIG_IGN);
	cr_assert(getrlimit(RLIMIT_FSIZE, &old) == 0);
	make_log(1, 5, 50);
	size = fsize(logpath);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	evlog_defer(e, true);
	put_records(e, 6, 3, 100);
	cr_assert_eq(fsize(logpath), size);
	lim = old;
	lim.rlim_cur = (rlim_t)size;
	cr_assert(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	cr_assert_eq(evlog_flush(e, err, sizeof err), -1);
	cr_assert(setrlimit(RLIMIT_FSIZE, &old) == 0);
	cr_assert(strstr(err, strerror(EFBIG)) != NULL, "%s", err);
	cr_assert_eq(fsize(logpath), size);
	cr_assert_eq(evlog_append(e, 9, 0, NULL, (const uint8_t *)"x", 1,
	    err, sizeof err), -1);
	cr_assert(strstr(err, "unusable") != NULL, "%s", err);
	cr_assert_eq(evlog_flush(e, err, sizeof err), -1);
	cr_assert_eq(evlog_sync(e), -1);
	evlog_close(e);

	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 5, 1, 5, size);
	evlog_close(e);
	coll_free(&c);
}

/* ----------------------------------------------------------- fixtures */

Test(evlog, fixture_clean)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;

	fixture_copy("clean.log", logpath);
	e = reopen(EVLOG_READONLY, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, FIX_RECORDS, FIX_FIRST_SEQ,
	    FIX_FIRST_SEQ + FIX_RECORDS - 1, fsize(logpath));
	fixture_check(&c, FIX_RECORDS);
	evlog_close(e);

	/* What this code appends extends the golden file byte for byte. */
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(evlog_append(e, FIX_FIRST_SEQ + FIX_RECORDS, 1, NULL,
	    (const uint8_t *)"x", 1, err, sizeof err), 0, "%s", err);
	evlog_close(e);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(rep.records, FIX_RECORDS + 1);
	evlog_close(e);
	coll_free(&c);
}

Test(evlog, fixture_torn_and_zero_tail)
{
	static const char	*names[] = { "torn.log", "zerotail.log" };
	static const off_t	 cut[] = { 23, 4096 };
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*clean;
	size_t			 clen, i;
	char			 path[1024];

	fixture_path(path, sizeof path, "clean.log");
	clean = slurp(path, &clen);
	for (i = 0; i < 2; i++) {
		fixture_copy(names[i], logpath);
		e = reopen(0, &c, &rep);
		cr_assert_not_null(e, "%s: %s", names[i], err);
		cr_assert(rep.torn && rep.truncated && !rep.corrupt);
		cr_assert_eq(rep.cut_bytes, cut[i]);
		cr_assert_eq(rep.good_bytes, (off_t)clen);
		fixture_check(&c, FIX_RECORDS);
		evlog_close(e);
		cr_assert(same_file(logpath, clean, clen), "%s", names[i]);
	}
	coll_free(&c);
	free(clean);
}

Test(evlog, fixture_bitflip)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*clean, *bad;
	size_t			 clen, blen;
	char			 path[1024], want[64];

	fixture_path(path, sizeof path, "clean.log");
	clean = slurp(path, &clen);
	fixture_copy("bitflip.log", logpath);
	bad = slurp(logpath, &blen);
	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	cr_assert(rep.corrupt && !rep.torn);
	cr_assert_eq(rep.records, FIX_FLIP_REC);
	snprintf(want, sizeof want, "offset %lld after seq %d",
	    (long long)rep.good_bytes, FIX_FIRST_SEQ + FIX_FLIP_REC - 1);
	cr_assert(strstr(err, want) != NULL, "%s", err);
	cr_assert(strstr(err, "9 intact records (seq 111-119)") != NULL, "%s",
	    err);
	cr_assert(same_file(logpath, bad, blen));

	e = reopen(EVLOG_REPAIR, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	fixture_check(&c, FIX_FLIP_REC);
	evlog_close(e);
	cr_assert(same_file(logpath, clean, (size_t)rep.good_bytes));
	coll_free(&c);
	free(clean);
	free(bad);
}

Test(evlog, fixture_seqgap_and_badmagic)
{
	struct evlog_report	 rep;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*buf;
	size_t			 len;

	fixture_copy("seqgap.log", logpath);
	e = reopen(0, &c, &rep);
	cr_assert_null(e);
	cr_assert(strstr(err, "seq 5 where 4 was expected") != NULL, "%s",
	    err);
	cr_assert_eq(rep.records, 3);

	fixture_copy("badmagic.log", logpath);
	buf = slurp(logpath, &len);
	e = reopen(EVLOG_CREATE | EVLOG_REPAIR, &c, &rep);
	cr_assert_null(e);
	cr_assert(strstr(err, "bad magic") != NULL, "%s", err);
	cr_assert(same_file(logpath, buf, len));
	free(buf);
	coll_free(&c);
}

Test(evlog, fixture_snapshot)
{
	uint8_t		*data;
	uint64_t	 seq;
	size_t		 len, k;
	char		 path[256];

	snprintf(path, sizeof path, "%s/snapshot", tmpdir);
	fixture_copy("snapshot.good", path);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &data, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, FIX_FIRST_SEQ + FIX_RECORDS - 1);
	cr_assert_eq(len, FIX_SNAP_LEN);
	for (k = 0; k < len; k++)
		cr_assert_eq(data[k], (uint8_t)(k * 13 + 5));
	free(data);
}

/* ---------------------------------------------------------- snapshots */

/* Fill buf with len bytes of snapshot data number n. */
static void
snap_data(uint8_t *buf, size_t len, uint64_t n)
{
	size_t	k;

	for (k = 0; k < len; k++)
		buf[k] = (uint8_t)mix(n * 1000003 + k);
}

Test(evlog, snapshot_round_trip)
{
	static uint8_t	 in[1 << 20];
	struct stat	 st;
	uint8_t		*out;
	uint64_t	 seq;
	size_t		 len;
	char		 path[256];

	snap_data(in, sizeof in, 1);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 42, in, sizeof in, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, 42);
	cr_assert_eq(len, sizeof in);
	cr_assert(memcmp(in, out, len) == 0);
	free(out);
	snprintf(path, sizeof path, "%s/snapshot", tmpdir);
	cr_assert(stat(path, &st) == 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(st.st_size, 24 + (off_t)sizeof in);
	snprintf(path, sizeof path, "%s/snapshot.tmp", tmpdir);
	cr_assert(access(path, F_OK) == -1);

	/* Replaced by a newer one, even an empty one. */
	cr_assert_eq(evlog_snapshot_write(tmpdir, UINT64_MAX - 1, NULL, 0, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, UINT64_MAX - 1);
	cr_assert_eq(len, 0);
	free(out);
}

Test(evlog, snapshot_missing_is_not_an_error)
{
	uint8_t		*out = (uint8_t *)1;
	uint64_t	 seq = 9;
	size_t		 len = 9;
	char		 path[256];

	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 1);
	cr_assert_null(out);
	cr_assert_eq(len, 0);
	/* A crash before the rename leaves only the temporary file. */
	snprintf(path, sizeof path, "%s/snapshot.tmp", tmpdir);
	spit(path, (const uint8_t *)"CAFESNP1", 8);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 1);
	/* A place where no snapshot can be written. */
	snprintf(path, sizeof path, "%s/nowhere", tmpdir);
	cr_assert_eq(evlog_snapshot_write(path, 1, (const uint8_t *)"x", 1,
	    err, sizeof err), -1);
	cr_assert(strstr(err, "nowhere") != NULL, "%s", err);
}

Test(evlog, snapshot_with_a_flipped_bit_is_unusable)
{
	uint8_t		 data[64], *good, *bad, *out;
	uint64_t	 seq;
	size_t		 glen, len, i;
	char		 path[256];
	int		 bit;

	snap_data(data, sizeof data, 2);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 77, data, sizeof data, err,
	    sizeof err), 0, "%s", err);
	snprintf(path, sizeof path, "%s/snapshot", tmpdir);
	good = slurp(path, &glen);
	bad = malloc(glen);
	cr_assert(bad != NULL);
	for (i = 0; i < glen; i++) {
		/* Every bit counts, the seq too: the header has its own CRC. */
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, good, glen);
			bad[i] ^= (uint8_t)(1 << bit);
			spit(path, bad, glen);
			err[0] = '\0';
			cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out,
			    &len, err, sizeof err), -1, "byte %zu bit %d", i,
			    bit);
			cr_assert_null(out);
			cr_assert(strstr(err, "snapshot") != NULL, "%s", err);
		}
	}
	free(bad);
	free(good);
}

Test(evlog, snapshot_truncated_or_grown_is_unusable)
{
	uint8_t		 data[100], *good, *out;
	uint64_t	 seq;
	size_t		 glen, len, k;
	char		 path[256];

	snap_data(data, sizeof data, 3);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 5, data, sizeof data, err,
	    sizeof err), 0, "%s", err);
	snprintf(path, sizeof path, "%s/snapshot", tmpdir);
	good = slurp(path, &glen);
	for (k = 0; k < glen; k++) {
		spit(path, good, k);
		cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len,
		    err, sizeof err), -1, "cut at %zu", k);
	}
	spit(path, good, glen);
	spit_more(path, (const uint8_t *)"", 1);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), -1);
	free(good);
}

Test(evlog, stale_temporary_snapshot_is_ignored_then_replaced)
{
	uint8_t		 data[500], *out;
	uint64_t	 seq;
	size_t		 len;
	char		 tmp[256], path[256];
	struct stat	 st;
	int		 fd;

	snap_data(data, sizeof data, 4);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 7, data, sizeof data, err,
	    sizeof err), 0, "%s", err);
	/* A crash in the middle of writing the next one. */
	snprintf(tmp, sizeof tmp, "%s/snapshot.tmp", tmpdir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd != -1);
	cr_assert_eq(write(fd, "CAFESNP1garbage-garbage-garbage", 31), 31);
	close(fd);
	chmod(tmp, 0644);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, 7);
	cr_assert(len == sizeof data && memcmp(out, data, len) == 0);
	free(out);

	snap_data(data, sizeof data, 5);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 8, data, sizeof data, err,
	    sizeof err), 0, "%s", err);
	cr_assert(access(tmp, F_OK) == -1);
	snprintf(path, sizeof path, "%s/snapshot", tmpdir);
	cr_assert(stat(path, &st) == 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, 8);
	cr_assert(len == sizeof data && memcmp(out, data, len) == 0);
	free(out);
}

Test(evlog, failed_snapshot_write_keeps_the_previous_one)
{
	static uint8_t	 data[10000];
	struct rlimit	 old, lim;
	uint8_t		*out;
	uint64_t	 seq;
	size_t		 len;
	char		 tmp[256];

	snap_data(data, sizeof data, 6);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 10, data, 100, err,
	    sizeof err), 0, "%s", err);
	signal(SIGXFSZ, SIG_IGN);
	cr_assert(getrlimit(RLIMIT_FSIZE, &old) == 0);
	lim = old;
	lim.rlim_cur = 4096;
	cr_assert(setrlimit(RLIMIT_FSIZE, &lim) == 0);
	cr_assert_eq(evlog_snapshot_write(tmpdir, 11, data, sizeof data, err,
	    sizeof err), -1);
	cr_assert(setrlimit(RLIMIT_FSIZE, &old) == 0);
	cr_assert(strstr(err, strerror(EFBIG)) != NULL, "%s", err);
	snprintf(tmp, sizeof tmp, "%s/snapshot.tmp", tmpdir);
	cr_assert(access(tmp, F_OK) == -1);
	cr_assert_eq(evlog_snapshot_read(tmpdir, &seq, &out, &len, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(seq, 10);
	cr_assert(len == 100 && memcmp(out, data, len) == 0);
	free(out);
}

/* ------------------------------------------------------------- salvage */

/* Run i of sc is records first..last (count of them) at [offset, end). */
static void
assert_run(const struct evlog_scan *sc, size_t i, uint64_t first,
    uint64_t last, off_t offset, off_t end)
{
	const struct evlog_run	*r;

	cr_assert_lt(i, sc->nruns, "run %zu of %zu", i, sc->nruns);
	r = &sc->runs[i];
	cr_assert_eq(r->first_seq, first, "run %zu starts at %llu", i,
	    (unsigned long long)r->first_seq);
	cr_assert_eq(r->last_seq, last, "run %zu ends at %llu", i,
	    (unsigned long long)r->last_seq);
	cr_assert_eq(r->records, first == 0 ? 0 : last - first + 1);
	cr_assert_eq(r->offset, offset, "run %zu at %lld", i,
	    (long long)r->offset);
	cr_assert_eq(r->end, end, "run %zu ends at offset %lld", i,
	    (long long)r->end);
}

Test(evlog, scan_finds_every_run_after_damage)
{
	static const uint64_t	 seqs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12 };
	static const uint64_t	 back[] = { 1, 2, 3, 2, 4, 5 };
	struct evlog_report	 rep;
	struct evlog_scan	 sc;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			 buf[4096];
	off_t			 offs[16];
	size_t			 len;
	char			 aside[256];

	/* Clean: one run, nothing lost. */
	len = enc_log(buf, seqs, 12, offs);
	spit(logpath, buf, len);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 1);
	assert_run(&sc, 0, 1, 12, 8, (off_t)len);
	cr_assert(sc.complete);
	cr_assert_eq(sc.lost_bytes, 0);
	evlog_scan_free(&sc);

	/* Two flipped bits: three runs, and the bytes of two records lost. */
	buf[offs[3] + 45] ^= 0x01;
	buf[offs[8] + 9] ^= 0x80;
	spit(logpath, buf, len);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 3);
	assert_run(&sc, 0, 1, 3, 8, offs[3]);
	assert_run(&sc, 1, 5, 8, offs[4], offs[8]);
	assert_run(&sc, 2, 10, 12, offs[9], (off_t)len);
	cr_assert_eq(sc.lost_bytes, offs[4] - offs[3] + offs[9] - offs[8]);
	cr_assert(sc.complete);
	evlog_scan_free(&sc);

	/* The first record damaged: the first run is empty. */
	len = enc_log(buf, seqs, 12, offs);
	buf[offs[0] + 20] ^= 0x04;
	spit(logpath, buf, len);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 2);
	assert_run(&sc, 0, 0, 0, 8, 8);
	assert_run(&sc, 1, 2, 12, offs[1], (off_t)len);
	evlog_scan_free(&sc);

	/* A torn tail is lost bytes, no run. */
	len = enc_log(buf, seqs, 12, offs);
	spit(logpath, buf, len - 5);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 1);
	assert_run(&sc, 0, 1, 11, 8, offs[11]);
	cr_assert_eq(sc.lost_bytes, (off_t)len - 5 - offs[11]);
	evlog_scan_free(&sc);

	/*
	 * Seqs that go back: the next run starts where they rise again.  The
	 * two runs follow on, and a rewrite makes them one log.
	 */
	len = enc_log(buf, back, 6, offs);
	spit(logpath, buf, len);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 2);
	assert_run(&sc, 0, 1, 3, 8, offs[3]);
	assert_run(&sc, 1, 4, 5, offs[4], (off_t)len);
	snprintf(aside, sizeof aside, "%s.old", logpath);
	cr_assert_eq(evlog_rewrite(logpath, sc.runs, 2, aside, err,
	    sizeof err), 0, "%s", err);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, 5, 1, 5, (off_t)len - (offs[4] - offs[3]));
	evlog_close(e);
	cr_assert(same_file(aside, buf, len));
	unlink(aside);
	evlog_scan_free(&sc);

	/* Runs that do not follow on are no log. */
	len = enc_log(buf, seqs, 12, offs);
	buf[offs[5] + 30] ^= 0x02;
	spit(logpath, buf, len);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 2);
	cr_assert_eq(evlog_rewrite(logpath, sc.runs, 2, aside, err,
	    sizeof err), -1);
	cr_assert(same_file(logpath, buf, len));
	cr_assert_eq(access(aside, F_OK), -1);
	evlog_scan_free(&sc);
	coll_free(&c);

	/*
	 * The last seq a uint64 holds is no seq: nothing could follow it
	 * (found by the fuzzer: the seq after it wrapped to 0, "any").
	 */
	{
		static const uint64_t	 huge[] = { 1, 2, UINT64_MAX, 3, 4 };

		len = enc_log(buf, huge, 5, offs);
		spit(logpath, buf, len);
		e = reopen(EVLOG_READONLY, &c, &rep);
		cr_assert_null(e);
		cr_assert(rep.corrupt);
		cr_assert_eq(rep.records, 2);
		cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0);
		cr_assert_eq(sc.nruns, 2);
		assert_run(&sc, 0, 1, 2, 8, offs[2]);
		assert_run(&sc, 1, 3, 4, offs[3], (off_t)len);
		evlog_scan_free(&sc);
		unlink(logpath);
		e = evlog_open(logpath, EVLOG_CREATE, NULL, NULL, NULL, err,
		    sizeof err);
		cr_assert_not_null(e);
		cr_assert_eq(evlog_append(e, UINT64_MAX, 0, NULL, NULL, 0, err,
		    sizeof err), -1);
		evlog_close(e);
		coll_free(&c);
	}

	/* Not a log. */
	spit(logpath, (const uint8_t *)"NOTALOG!xxxx", 12);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), -1);
	cr_assert(strstr(err, "bad magic") != NULL, "%s", err);
	cr_assert_eq(sc.nruns, 0);
	spit(logpath, (const uint8_t *)"CAFE", 4);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), -1);
}

Test(evlog, fixture_bitflip_scanned_rewritten_and_kept_aside)
{
	struct evlog_report	 rep;
	struct evlog_scan	 sc;
	struct coll		 c = { 0 };
	struct evlog		*e;
	uint8_t			*bad;
	size_t			 blen, i;
	char			 aside[256];

	fixture_copy("bitflip.log", logpath);
	bad = slurp(logpath, &blen);
	cr_assert_eq(evlog_scan(logpath, &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.nruns, 2);
	cr_assert_eq(sc.runs[0].first_seq, FIX_FIRST_SEQ);
	cr_assert_eq(sc.runs[0].last_seq, FIX_FIRST_SEQ + FIX_FLIP_REC - 1);
	cr_assert_eq(sc.runs[1].first_seq, FIX_FIRST_SEQ + FIX_FLIP_REC + 1);
	cr_assert_eq(sc.runs[1].last_seq, FIX_FIRST_SEQ + FIX_RECORDS - 1);
	cr_assert(same_file(logpath, bad, blen), "the scan wrote");

	/* The records of the run after the damage, in order. */
	cr_assert_eq(evlog_run_each(logpath, &sc.runs[1], coll_each, &c, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(c.n, FIX_RECORDS - FIX_FLIP_REC - 1);
	for (i = 0; i < c.n; i++)
		cr_assert_eq(c.v[i].seq, FIX_FIRST_SEQ + FIX_FLIP_REC + 1 + i);
	coll_free(&c);

	/* The log becomes that run; the damaged one stays, whole, beside. */
	snprintf(aside, sizeof aside, "%s.damaged", logpath);
	cr_assert_eq(evlog_rewrite(logpath, &sc.runs[1], 1, aside, err,
	    sizeof err), 0, "%s", err);
	cr_assert(same_file(aside, bad, blen));
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	assert_clean(&rep, FIX_RECORDS - FIX_FLIP_REC - 1,
	    FIX_FIRST_SEQ + FIX_FLIP_REC + 1, FIX_FIRST_SEQ + FIX_RECORDS - 1,
	    EVLOG_HDR_LEN + sc.runs[1].end - sc.runs[1].offset);
	put_records(e, FIX_FIRST_SEQ + FIX_RECORDS, 1, 10);
	evlog_close(e);

	/* A second rewrite may not overwrite what the first kept. */
	cr_assert_eq(evlog_rewrite(logpath, NULL, 0, aside, err, sizeof err),
	    -1);
	cr_assert(same_file(aside, bad, blen));
	snprintf(aside, sizeof aside, "%s.damaged.1", logpath);
	cr_assert_eq(evlog_rewrite(logpath, NULL, 0, aside, err, sizeof err),
	    0, "%s", err);
	e = reopen(0, &c, &rep);
	cr_assert_not_null(e, "%s", err);
	cr_assert_eq(rep.records, 0);
	cr_assert_eq(fsize(logpath), EVLOG_HDR_LEN);
	evlog_close(e);
	evlog_scan_free(&sc);
	coll_free(&c);
	free(bad);
}
