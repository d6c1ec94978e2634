/*
 * gen_evlog_fixtures.c -- write the golden and corrupt event log fixtures.
 *
 * Run once; the output is checked in under tests/fixtures/evlog/:
 *
 *	cc -std=c11 -Wall -o /tmp/gen tests/gen_evlog_fixtures.c &&
 *	    /tmp/gen tests/fixtures/evlog
 *
 * It encodes the layout documented in common/evlog.h with its own bitwise
 * CRC-32C and shares no code with common/evlog.c, so the fixtures pin the
 * file format: an implementation that drifts from it fails test_evlog.
 * test_evlog.c rebuilds the records with the same formulas (fixture_*).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_FIRST_SEQ	100
#define FIX_RECORDS	20
#define FIX_FLIP_REC	10	/* index of the record with a flipped bit */
#define FIX_FLIP_BYTE	30	/* byte inside that record */
#define FIX_TORN_BYTES	23
#define FIX_ZERO_TAIL	4096
#define FIX_SNAP_LEN	300

/* Bitwise CRC-32C (Castagnoli, reflected 0x82f63b78). */
static uint32_t
gen_crc32c(const uint8_t *p, size_t len)
{
	uint32_t	crc = 0xffffffff;
	int		k;

	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & (0U - (crc & 1)));
	}
	return ~crc;
}

/* Big-endian store of the low n bytes of v. */
static void
gen_put(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* Body length of fixture record i. */
static size_t
gen_body_len(int i)
{
	return (size_t)((i * 7) % 50 + 1);
}

/* Encode fixture record i with seq into buf; returns its size. */
static size_t
gen_record(uint8_t *buf, int i, uint64_t seq)
{
	size_t	blen = gen_body_len(i), k;
	int64_t	time_ms = (i == 3) ? -5 : 1700000000000LL + i * 1250LL;

	gen_put(buf + 8, seq, 8);
	gen_put(buf + 16, (uint64_t)time_ms, 8);
	for (k = 0; k < 16; k++)
		buf[24 + k] = (uint8_t)(i * 16 + (int)k);
	for (k = 0; k < blen; k++)
		buf[40 + k] = (uint8_t)(i * 131 + (int)k * 7 + 1);
	gen_put(buf, 32 + blen, 4);
	gen_put(buf + 4, gen_crc32c(buf + 8, 32 + blen), 4);
	return 8 + 32 + blen;
}

/* Write len bytes to dir/name. */
static void
gen_write(const char *dir, const char *name, const uint8_t *buf, size_t len)
{
	char	path[4096];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	printf("%s: %zu bytes\n", path, len);
}

/* Write every fixture into the directory given. */
int
main(int argc, char **argv)
{
	static uint8_t	buf[65536], tmp[65536];
	size_t		len, flip_at = 0, clean_len;
	int		i;
	uint64_t	gap[] = { 1, 2, 3, 5, 6, 7 };

	if (argc != 2) {
		fprintf(stderr, "usage: %s dir\n", argv[0]);
		return 2;
	}

	/* clean.log: seq 100..119. */
	memcpy(buf, "CAFELOG1", 8);
	len = 8;
	for (i = 0; i < FIX_RECORDS; i++) {
		if (i == FIX_FLIP_REC)
			flip_at = len + FIX_FLIP_BYTE;
		len += gen_record(buf + len, i, FIX_FIRST_SEQ + (uint64_t)i);
	}
	clean_len = len;
	gen_write(argv[1], "clean.log", buf, len);

	/* torn.log: the first bytes of one more record. */
	gen_record(tmp, FIX_RECORDS, FIX_FIRST_SEQ + FIX_RECORDS);
	memcpy(buf + clean_len, tmp, FIX_TORN_BYTES);
	gen_write(argv[1], "torn.log", buf, clean_len + FIX_TORN_BYTES);

	/* zerotail.log: blocks of zeros past the end, as after a crash. */
	memset(buf + clean_len, 0, FIX_ZERO_TAIL);
	gen_write(argv[1], "zerotail.log", buf, clean_len + FIX_ZERO_TAIL);

	/* bitflip.log: one bit of a middle record's time field flipped. */
	buf[flip_at] ^= 0x10;
	gen_write(argv[1], "bitflip.log", buf, clean_len);
	buf[flip_at] ^= 0x10;

	/* badmagic.log: a log whose magic names another version. */
	memcpy(buf, "CAFELOG2", 8);
	gen_write(argv[1], "badmagic.log", buf, clean_len);

	/* seqgap.log: seq 1, 2, 3, 5, 6, 7. */
	memcpy(buf, "CAFELOG1", 8);
	len = 8;
	for (i = 0; i < (int)(sizeof gap / sizeof gap[0]); i++)
		len += gen_record(buf + len, i, gap[i]);
	gen_write(argv[1], "seqgap.log", buf, len);

	/* snapshot.good: seq 119, data[k] = k * 13 + 5. */
	memcpy(buf, "CAFESNP1", 8);
	for (len = 0; len < FIX_SNAP_LEN; len++)
		buf[24 + len] = (uint8_t)(len * 13 + 5);
	gen_put(buf + 8, FIX_FIRST_SEQ + FIX_RECORDS - 1, 8);
	gen_put(buf + 16, gen_crc32c(buf + 24, FIX_SNAP_LEN), 4);
	gen_put(buf + 20, gen_crc32c(buf, 20), 4);
	gen_write(argv[1], "snapshot.good", buf, 24 + FIX_SNAP_LEN);
	return 0;
}
