/*
 * bench_proto.c -- encode and decode throughput of the wire protocol: the
 * card.add event every client receives, and a tally of 4000 pairs (the
 * largest event a blind vote produces).  Prints figures, asserts nothing
 * about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "tsupport.h"

#define CARD_TEXT	"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 " \
			"l'emploi \xc2\xbb \xe2\x80\x94 \xc5\x93uvre, et un " \
			"peu plus de texte pour une carte ordinaire."

/* Print one figure line. */
static void
bench_print(const char *what, size_t n, size_t bytes, double secs)
{
	printf("%-28s %9zu msgs  %8.3f s  %10.0f msgs/s  %8.1f MB/s\n", what,
	    n, secs, n / secs, bytes / secs / 1e6);
}

/* Encode n copies of ev (seq rising) into buf, timing it. */
static void
bench_encode(const char *what, struct proto_buf *buf, struct proto_event *ev,
    size_t n)
{
	double	t0;
	size_t	i, bytes = 0, len;

	proto_buf_reset(buf);
	t0 = ts_seconds();
	for (i = 0; i < n; i++) {
		ev->seq = i + 1;
		if ((len = proto_enc_event(buf, ev)) == 0) {
			fprintf(stderr, "bench_proto: %s does not fit\n", what);
			exit(1);
		}
		bytes += len;
	}
	bench_print(what, n, bytes, ts_seconds() - t0);
}

/* Decode every frame of buf, timing it; checks each decodes. */
static void
bench_decode(const char *what, const struct proto_buf *buf, size_t n)
{
	struct proto_msg	m;
	struct proto_err	err;
	double			t0;
	size_t			off = 0, i, len;

	t0 = ts_seconds();
	for (i = 0; i < n; i++) {
		len = proto_frame_len(buf->data + off);
		if (proto_decode(buf->data + off + PROTO_FRAME_HDR, len, &m,
		    &err) != PROTO_OK) {
			fprintf(stderr, "bench_proto: %s: %s\n", what,
			    err.text);
			exit(1);
		}
		proto_msg_free(&m);
		off += PROTO_FRAME_HDR + len;
	}
	bench_print(what, n, buf->len, ts_seconds() - t0);
}

/* Run the benchmarks. */
int
main(void)
{
	struct proto_buf	 buf;
	struct proto_event	 ev;
	struct proto_pair	*pairs;
	size_t			 i, ncards = 500000, ntallies = 500;

	proto_buf_init(&buf);

	memset(&ev, 0, sizeof ev);
	ev.origin = 12;
	ev.op_id = 345;
	ev.op = ADD(3, CARD_TEXT, 0);
	bench_encode("encode card.add event", &buf, &ev, ncards);
	printf("  (%zu bytes a frame)\n", buf.len / ncards);
	bench_decode("decode card.add event", &buf, ncards);

	pairs = calloc(4000, sizeof *pairs);
	for (i = 0; i < 4000; i++) {
		pairs[i].a = 1000 + 7 * i;	/* card ids of a busy board */
		pairs[i].b = i % 12;
	}
	memset(&ev, 0, sizeof ev);
	ev.op = OP(.kind = OP_TALLY, .pairs = pairs, .npairs = 4000);
	bench_encode("encode tally of 4000 pairs", &buf, &ev, ntallies);
	printf("  (%zu bytes a frame)\n", buf.len / ntallies);
	bench_decode("decode tally of 4000 pairs", &buf, ntallies);

	free(pairs);
	proto_buf_free(&buf);
	return 0;
}
