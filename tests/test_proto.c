/*
 * test_proto.c -- the wire protocol: every message and op round-trips,
 * golden frames stay byte for byte, and every malformed frame is refused
 * with the status the server acts on.  Also replays the fuzz corpus.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <malloc.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "tsupport.h"

/* Which input the fuzz checks below are looking at. */
static const char *fuzz_current = "";

#define FUZZ_CHECK(c)	cr_assert((c), "%s: %s", fuzz_current, #c)
#include "fuzz_proto.c"

#define FRENCH	"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 l'emploi " \
		"\xc2\xbb \xe2\x80\x94 \xc5\x93uvre"

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

static const uint8_t client16[PROTO_CLIENT_LEN] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
};

/* ------------------------------------------------------------ crafting */

/* A frame body being crafted by hand, right or wrong. */
struct fb {
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;
};

/* An empty body. */
static void
fb_init(struct fb *f)
{
	msgpack_sbuffer_init(&f->sb);
	msgpack_packer_init(&f->pk, &f->sb, msgpack_sbuffer_write);
}

/*
 * Append values: a/m array/map header (int), u unsigned int, U unsigned
 * long long, i int, I long long, s string, S string and int length,
 * b bin (pointer, int length), r raw bytes (pointer, int length),
 * T true, F false, n nil, d double.
 */
static void
vmp(struct fb *f, const char *fmt, va_list ap)
{
	const char	*s;
	int		 n;

	for (; *fmt != '\0'; fmt++) {
		switch (*fmt) {
		case 'a':
			msgpack_pack_array(&f->pk, (size_t)va_arg(ap, int));
			break;
		case 'm':
			msgpack_pack_map(&f->pk, (size_t)va_arg(ap, int));
			break;
		case 'u':
			msgpack_pack_uint64(&f->pk, va_arg(ap, unsigned));
			break;
		case 'U':
			msgpack_pack_uint64(&f->pk,
			    va_arg(ap, unsigned long long));
			break;
		case 'i':
			msgpack_pack_int64(&f->pk, va_arg(ap, int));
			break;
		case 'I':
			msgpack_pack_int64(&f->pk, va_arg(ap, long long));
			break;
		case 's':
			s = va_arg(ap, const char *);
			msgpack_pack_str_with_body(&f->pk, s, strlen(s));
			break;
		case 'S':
			s = va_arg(ap, const char *);
			n = va_arg(ap, int);
			msgpack_pack_str_with_body(&f->pk, s, (size_t)n);
			break;
		case 'b':
			s = va_arg(ap, const char *);
			n = va_arg(ap, int);
			msgpack_pack_bin_with_body(&f->pk, s, (size_t)n);
			break;
		case 'r':
			s = va_arg(ap, const char *);
			n = va_arg(ap, int);
			msgpack_sbuffer_write(&f->sb, s, (size_t)n);
			break;
		case 'T':
			msgpack_pack_true(&f->pk);
			break;
		case 'F':
			msgpack_pack_false(&f->pk);
			break;
		case 'n':
			msgpack_pack_nil(&f->pk);
			break;
		case 'd':
			msgpack_pack_double(&f->pk, va_arg(ap, double));
			break;
		default:
			cr_assert_fail("bad format %c", *fmt);
		}
	}
}

/* Append values as vmp says. */
static void
mp(struct fb *f, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vmp(f, fmt, ap);
	va_end(ap);
}

/* Decode the crafted body; expect status want. */
static void
fb_expect(struct fb *f, enum proto_status want, const char *what)
{
	struct proto_msg	m;
	struct proto_err	err;
	enum proto_status	st;

	st = proto_decode((const uint8_t *)f->sb.data, f->sb.size, &m, &err);
	cr_expect_eq(st, want, "%s: status %d, want %d (%s)", what, st, want,
	    err.text);
	cr_expect_eq(err.status, st, "%s", what);
	if (st == PROTO_OK)
		proto_msg_free(&m);
	else
		cr_expect_null(m.arena, "%s", what);
	msgpack_sbuffer_destroy(&f->sb);
}

/* Decode the crafted OP; expect a REJECT of op_id with code reject. */
static void
fb_expect_reject(struct fb *f, uint32_t op_id, uint8_t reject,
    const char *what)
{
	struct proto_msg	m;
	struct proto_err	err;
	enum proto_status	st;

	st = proto_decode((const uint8_t *)f->sb.data, f->sb.size, &m, &err);
	cr_expect_eq(st, PROTO_E_OP, "%s: status %d (%s)", what, st,
	    err.text);
	cr_expect_eq(err.op_id, op_id, "%s: op_id", what);
	cr_expect_eq(err.reject, reject, "%s: reject %u, want %u (%s)", what,
	    err.reject, reject, err.text);
	if (st == PROTO_OK)
		proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f->sb);
}

/* Craft a body from a format and expect status want. */
static void
expect_fmt(enum proto_status want, const char *what, const char *fmt, ...)
{
	struct fb	f;
	va_list		ap;

	fb_init(&f);
	va_start(ap, fmt);
	vmp(&f, fmt, ap);
	va_end(ap);
	fb_expect(&f, want, what);
}

/* Decode raw bytes; expect status want. */
static void
expect_raw(const void *p, size_t len, enum proto_status want,
    const char *what)
{
	struct proto_msg	m;
	struct proto_err	err;
	enum proto_status	st;

	st = proto_decode(p, len, &m, &err);
	cr_expect_eq(st, want, "%s: status %d, want %d (%s)", what, st, want,
	    err.text);
	if (st == PROTO_OK)
		proto_msg_free(&m);
}

/* ------------------------------------------------------------ round trips */

/* Encode in, check the frame, decode it and compare with in. */
static void
roundtrip(const struct proto_msg *in, const char *what)
{
	struct proto_buf	b;
	struct proto_msg	out;
	struct proto_err	err;
	enum proto_status	st;
	size_t			n;

	fuzz_current = what;
	proto_buf_init(&b);
	cr_assert_eq(proto_enc_bye(&b), 6);	/* encoders append */
	n = fuzz_encode(&b, in);
	cr_assert_gt(n, PROTO_FRAME_HDR, "%s", what);
	cr_assert_eq(b.len, n + 6, "%s", what);
	cr_assert_eq(proto_frame_len(b.data + 6), n - PROTO_FRAME_HDR,
	    "%s", what);
	st = proto_decode(b.data + 6 + PROTO_FRAME_HDR, n - PROTO_FRAME_HDR,
	    &out, &err);
	cr_assert_eq(st, PROTO_OK, "%s: %s", what, err.text);
	cr_assert(fuzz_msg_eq(in, &out), "%s: fields differ", what);
	/* And the decoded message passes the fuzz target's own checks. */
	LLVMFuzzerTestOneInput(b.data + 6 + PROTO_FRAME_HDR,
	    n - PROTO_FRAME_HDR);
	proto_msg_free(&out);
	proto_buf_free(&b);
}

/* Round-trip op as an OP (op_id 77). */
static void
roundtrip_op(const struct proto_op *op, const char *what)
{
	struct proto_msg	m = { .type = PROTO_OP };

	m.u.op.op_id = 77;
	m.u.op.op = *op;
	roundtrip(&m, what);
}

/* Round-trip op as an EVENT. */
static void
roundtrip_event(const struct proto_op *op, uint32_t origin, uint32_t op_id,
    const char *what)
{
	struct proto_msg	m = { .type = PROTO_EVENT };

	m.u.event.seq = 123456789012ULL;
	m.u.event.origin = origin;
	m.u.event.op_id = op_id;
	m.u.event.op = *op;
	roundtrip(&m, what);
}

static struct proto_pair rt_pairs[] = {
	{ 1, 2 }, { 300, 0 }, { 70000, 5 }, { UINT64_MAX, UINT32_MAX }
};

/* ext: a canvas's sections and an evaluation's totals. */
static struct proto_section rt_sections[] = {
	{ "Nos engagements", "Ce que nous ferons ensemble", 0, SECTION_IDEAS },
	{ "Feuille de route", "", 8, SECTION_ACTIONS },
	{ "J'aime", "", 0, SECTION_FEEDBACK },
};
static struct proto_triple rt_triples[] = {
	{ 42, 0, 36 }, { 42, 2, 7 }, { 70000, 1, 0 }, { UINT64_MAX, 7,
	    UINT32_MAX }
};

/* One op of every client kind, as the tests below send them. */
static const struct proto_op rt_ops[] = {
	{ .kind = OP_CARD_ADD, .table = 3, .text = FRENCH, .parent = 0 },
	{ .kind = OP_CARD_ADD, .table = 3, .text = "ligne 1\nligne 2",
	    .parent = 42 },
	{ .kind = OP_CARD_EDIT, .card = 42,
	    .text = "\xe4\xbc\x9a\xe8\xad\xb0" },
	{ .kind = OP_CARD_DELETE, .card = 42 },
	{ .kind = OP_CARD_MOVE, .card = 42, .table = 70000 },
	{ .kind = OP_CARD_GROUP, .card = 42, .head = 40 },
	{ .kind = OP_CARD_GROUP, .card = 42, .head = 0 },
	{ .kind = OP_CLUSTER_TITLE, .head = 40, .text = "Mobilit\xc3\xa9" },
	{ .kind = OP_CLUSTER_TITLE, .head = 40, .text = "" },
	{ .kind = OP_VOTE, .card = 42, .delta = 1 },
	{ .kind = OP_VOTE, .card = 42, .delta = -1 },
	{ .kind = OP_TABLE_SIT, .table = 2 },
	{ .kind = OP_TABLE_SIT, .table = 0 },
	{ .kind = OP_TABLE_SIT, .table = 2, .participant = 9 },
	{ .kind = OP_READY, .flag = true },
	{ .kind = OP_READY, .flag = false },
	{ .kind = OP_TABLE_ADD, .text = "Comment mieux accueillir ?" },
	{ .kind = OP_TABLE_EDIT, .table = 2, .text = "Et apr\xc3\xa8s ?" },
	{ .kind = OP_PHASE, .phase = PHASE_WELCOME },
	{ .kind = OP_PHASE, .phase = PHASE_IDEAS },
	{ .kind = OP_PHASE, .phase = PHASE_GROUP },
	{ .kind = OP_PHASE, .phase = PHASE_VOTE },
	{ .kind = OP_PHASE, .phase = PHASE_HARVEST },
	{ .kind = OP_PHASE, .phase = PHASE_CLOSED },
	{ .kind = OP_TIMER, .action = TIMER_START, .seconds = 600,
	    .text = "Id\xc3\xa9" "es" },
	{ .kind = OP_TIMER, .action = TIMER_PAUSE, .text = "" },
	{ .kind = OP_TIMER, .action = TIMER_RESUME, .text = "" },
	{ .kind = OP_TIMER, .action = TIMER_ADD, .seconds = -60, .text = "" },
	{ .kind = OP_TIMER, .action = TIMER_STOP, .text = "" },
	{ .kind = OP_BANNER, .text = "Pause \xe2\x98\x95 10 min" },
	{ .kind = OP_BANNER, .text = "" },
	{ .kind = OP_ROTATE },
	{ .kind = OP_KEEP, .card = 42, .flag = true },
	{ .kind = OP_SETTINGS, .settings = { .has = SET_TITLE | SET_DOTS |
	    SET_MULTI_VOTE | SET_BLIND | SET_PRIVATE | SET_ANONYMOUS |
	    SET_FREEZE | SET_CODE | SET_LOCKED | SET_KEEP,
	    .title = "Atelier RH", .dots = 5, .multi_vote = true,
	    .blind = false, .private_writing = true, .anonymous = true,
	    .freeze_at_zero = true, .locked = false, .code = "4321",
	    .keep = 7 } },
	{ .kind = OP_SETTINGS, .settings = { .has = SET_BLIND,
	    .blind = true } },
	{ .kind = OP_SETTINGS, .settings = { .has = SET_CODE, .code = "" } },
	{ .kind = OP_ROLE, .participant = 9, .role = ROLE_HOST },
	{ .kind = OP_ROLE, .participant = 9, .role = ROLE_FACILITATOR },
	{ .kind = OP_ROLE, .participant = 9, .role = ROLE_PARTICIPANT },
	{ .kind = OP_FOLLOW, .view = FOLLOW_TABLE, .table = 2 },
	{ .kind = OP_FOLLOW, .view = FOLLOW_NONE },
	{ .kind = OP_FOLLOW, .view = FOLLOW_RESULTS },
	/* ext: deliverables */
	{ .kind = OP_CARD_ADD, .table = 3, .text = "Agir", .parent = 42,
	    .section = 2 },
	{ .kind = OP_CARD_PLACE, .card = 42, .section = 3 },
	{ .kind = OP_CARD_PLACE, .card = 42, .section = 0 },
	{ .kind = OP_ACTION, .card = 42, .owner = "Am\xc3\xa9lie",
	    .due = "2027-03-12" },
	{ .kind = OP_ACTION, .card = 42, .owner = "", .due = "" },
	{ .kind = OP_SCORE, .card = 42, .criterion = 2, .value = 3 },
	{ .kind = OP_CANVAS_ADD, .text = "Feuille de route",
	    .sections = rt_sections, .nsections = NITEMS(rt_sections) },
	{ .kind = OP_CANVAS_USE, .table = 0, .canvas = 77 },
	{ .kind = OP_EVAL_OPEN },
	{ .kind = OP_EVAL_CLOSE },
	{ .kind = OP_PITCH, .table = 3, .seconds = 300, .text = "Pitch" },
	{ .kind = OP_CRITERIA, .labels = { "structurant", "pertinent",
	    "novateur" }, .nlabels = 3 },
};

Test(proto, roundtrip_every_op_kind)
{
	static const uint8_t	kinds[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 32, 33,
	    34, 35, 36, 37, 38, 39, 40, 41, 13, 14, 15, 50, 51, 52, 53, 54,
	    55 };
	char			what[64];
	size_t			i, j;
	bool			seen;

	for (i = 0; i < NITEMS(rt_ops); i++) {
		snprintf(what, sizeof what, "OP %zu (%s)", i,
		    proto_kind_name(rt_ops[i].kind));
		roundtrip_op(&rt_ops[i], what);
	}
	for (j = 0; j < NITEMS(kinds); j++) {
		seen = false;
		for (i = 0; i < NITEMS(rt_ops); i++)
			seen = seen || rt_ops[i].kind == kinds[j];
		cr_assert(seen, "kind %u not covered", kinds[j]);
	}
}

Test(proto, roundtrip_every_event_kind)
{
	struct proto_op	op;
	char		what[64];
	size_t		i;

	for (i = 0; i < NITEMS(rt_ops); i++) {
		op = rt_ops[i];
		/* An event's table.sit always names its participant. */
		if (op.kind == OP_TABLE_SIT && op.participant == 0)
			op.participant = 5;
		if (op.kind == OP_TIMER) {
			op.remaining_ms = 599999;
			op.running = op.action != TIMER_PAUSE;
		}
		if (op.kind == OP_ROTATE) {
			op.pairs = rt_pairs;
			op.npairs = NITEMS(rt_pairs);
		}
		if (op.kind == OP_SCORE)
			op.previous = 1;
		if (op.kind == OP_EVAL_CLOSE) {
			op.triples = rt_triples;
			op.ntriples = NITEMS(rt_triples);
		}
		if (op.kind == OP_PITCH) {
			op.remaining_ms = 300000;
			op.running = true;
		}
		snprintf(what, sizeof what, "EVENT %zu (%s)", i,
		    proto_kind_name(op.kind));
		roundtrip_event(&op, 5, 12, what);
	}

	memset(&op, 0, sizeof op);
	op.kind = OP_ROTATE;
	roundtrip_event(&op, 1, 3, "rotate with nobody seated");
	op.kind = OP_JOINED;
	op.participant = 9;
	op.text = "Am\xc3\xa9lie";
	memcpy(op.client, client16, sizeof op.client);
	roundtrip_event(&op, 0, 0, "joined");
	memset(&op, 0, sizeof op);
	op.kind = OP_TIMER_END;
	op.text = "Id\xc3\xa9" "es";
	roundtrip_event(&op, 0, 0, "timer.end");
	memset(&op, 0, sizeof op);
	op.kind = OP_TALLY;
	op.pairs = rt_pairs;
	op.npairs = NITEMS(rt_pairs);
	roundtrip_event(&op, 0, 0, "tally");
	op.npairs = 0;
	op.pairs = NULL;
	roundtrip_event(&op, 0, 0, "empty tally");
	memset(&op, 0, sizeof op);
	op.kind = OP_REVEAL;
	op.card = 42;
	op.text = "secret\nid\xc3\xa9" "e";
	roundtrip_event(&op, 0, 0, "reveal");
	memset(&op, 0, sizeof op);
	op.kind = OP_VOTE;
	op.hidden = true;
	roundtrip_event(&op, 0, 0, "hidden vote");
	memset(&op, 0, sizeof op);
	op.kind = OP_SCORE;
	op.hidden = true;
	roundtrip_event(&op, 0, 0, "hidden score");
	memset(&op, 0, sizeof op);
	op.kind = OP_EVAL_CLOSE;
	roundtrip_event(&op, 0, 0, "eval.close with no score");
}

Test(proto, hidden_vote_forces_origin_and_op_id_to_zero)
{
	struct proto_event	ev = { .seq = 5, .origin = 3, .op_id = 9 };
	struct proto_buf	b;
	static const uint8_t	want[] = { 0, 0, 0, 6, 0x95, 0x12, 0x05, 0,
	    0, 0x07 };

	ev.op.kind = OP_VOTE;
	ev.op.hidden = true;
	ev.op.card = 42;
	ev.op.delta = 1;
	proto_buf_init(&b);
	cr_assert_eq(proto_enc_event(&b, &ev), sizeof want);
	cr_assert_arr_eq(b.data, want, sizeof want);
	proto_buf_free(&b);
}

Test(proto, event_of_unknown_kind_keeps_its_seq)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	fb_init(&f);
	mp(&f, "auuuuusaTu", 8, 18, 99, 4, 6, 62, "future", 1, 7);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.event.seq, 99);
	cr_assert_eq(m.u.event.origin, 4);
	cr_assert_eq(m.u.event.op_id, 6);
	cr_assert_eq(m.u.event.op.kind, 62);
	cr_assert_null(m.u.event.op.text);
	cr_assert_eq(m.u.event.op.npairs, 0);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);

	/* Wider than a byte: kept as kind 0, which nothing knows either. */
	fb_init(&f);
	mp(&f, "auuuuu", 5, 18, 100, 0, 0, 1000);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.event.seq, 100);
	cr_assert_eq(m.u.event.op.kind, 0);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

Test(proto, roundtrip_every_message_type)
{
	struct proto_msg	m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "atelier-rh",
	    .name = "Am\xc3\xa9lie", .code = "1234", .key = "cl\xc3\xa9",
	    .since = 42, .want_state = true };
	memcpy(m.u.hello.client, client16, PROTO_CLIENT_LEN);
	roundtrip(&m, "HELLO full");
	m.u.hello.code = m.u.hello.key = NULL;
	m.u.hello.want_state = false;
	m.u.hello.since = 0;
	roundtrip(&m, "HELLO without code, key, state");

	memset(&m, 0, sizeof m);
	m.type = PROTO_PING;
	m.u.token = UINT64_MAX;
	roundtrip(&m, "PING");
	m.type = PROTO_PONG;
	m.u.token = 0;
	roundtrip(&m, "PONG");
	memset(&m, 0, sizeof m);
	m.type = PROTO_BYE;
	roundtrip(&m, "BYE");

	memset(&m, 0, sizeof m);
	m.type = PROTO_WELCOME;
	m.u.welcome = (struct proto_welcome){ .v = 1, .board = "b0",
	    .participant = 5, .role = ROLE_FACILITATOR, .head = 1ULL << 40,
	    .mode = MODE_STATE, .last_op = 17 };
	roundtrip(&m, "WELCOME");
	m.u.welcome.mode = MODE_REPLAY;
	m.u.welcome.role = ROLE_HOST;
	roundtrip(&m, "WELCOME replay");

	memset(&m, 0, sizeof m);
	m.type = PROTO_READY;
	m.u.ready = 42;
	roundtrip(&m, "READY");

	memset(&m, 0, sizeof m);
	m.type = PROTO_REJECT;
	m.u.reject = (struct proto_reject){ 7, REJECT_LIMIT, "trop long" };
	roundtrip(&m, "REJECT");

	memset(&m, 0, sizeof m);
	m.type = PROTO_PRESENCE;
	m.u.presence = (struct proto_presence){ 5, true, 2, "Am\xc3\xa9lie" };
	roundtrip(&m, "PRESENCE online");
	m.u.presence.online = false;
	m.u.presence.table = 0;
	roundtrip(&m, "PRESENCE offline");

	memset(&m, 0, sizeof m);
	m.type = PROTO_ERROR;
	m.u.error = (struct proto_error){ ERROR_NAME, "name in use" };
	roundtrip(&m, "ERROR");
}

Test(proto, roundtrip_every_state_record)
{
	struct proto_msg	m;
	struct proto_state	*st = &m.u.state;

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_BOARD;
	st->board = (struct proto_board_rec){ .name = "atelier-rh",
	    .title = "Atelier RH \xe2\x80\x94 juin", .phase = PHASE_VOTE,
	    .round = 3, .banner = "", .dots = 5, .multi_vote = true,
	    .blind = true, .private_writing = false, .anonymous = true,
	    .freeze_at_zero = false, .locked = true, .code = "1234",
	    .keep = 3, .eval_dots = 5, .place = "Pr\xc3\xa9" "fecture",
	    .revealed = false, .follow_view = FOLLOW_RESULTS,
	    .follow_table = 0, .follow_seq = 99,
	    .created_ms = 1700000000000LL, .head = 1234 };
	roundtrip(&m, "STATE board");
	st->board.created_ms = -5;
	roundtrip(&m, "STATE board, negative time");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_TABLE;
	st->id = 2;
	st->text = "Comment mieux accueillir ?";
	st->created_ms = 1700000000001LL;
	roundtrip(&m, "STATE table");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_PARTICIPANT;
	st->id = 5;
	st->text = "Am\xc3\xa9lie";
	st->role = ROLE_HOST;
	st->table = 2;
	st->ready = true;
	memcpy(st->client, client16, PROTO_CLIENT_LEN);
	roundtrip(&m, "STATE participant");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_CARD;
	st->id = 42;
	st->table = 2;
	st->author = 5;
	st->parent = 40;
	st->head = 41;
	st->text = FRENCH "\nsuite";
	st->title = "Titre";
	st->votes = 4;
	st->shown = 3;
	st->kept = true;
	st->hidden = false;
	st->edited = true;
	st->deleted = false;
	st->created_ms = 1700000000002LL;
	roundtrip(&m, "STATE card");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_TIMER;
	st->running = true;
	st->remaining_ms = 123456;
	st->text = "Vote";
	st->ended = false;
	roundtrip(&m, "STATE timer");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_VOTES;
	st->id = 5;
	st->pairs = rt_pairs;
	st->npairs = NITEMS(rt_pairs);
	roundtrip(&m, "STATE votes");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_CLIENT;
	memcpy(st->client, client16, PROTO_CLIENT_LEN);
	st->id = 5;
	st->last_op = 99;
	roundtrip(&m, "STATE client");

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_MEET;
	st->id = 5;
	st->author = 9;
	st->count = 2;
	roundtrip(&m, "STATE meet");

	/* ext: deliverables */
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_CANVAS;
	st->id = 77;
	st->text = "Feuille de route";
	st->sections = rt_sections;
	st->nsections = NITEMS(rt_sections);
	roundtrip(&m, "STATE canvas");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_TABLE_CANVAS;
	st->id = 2;
	st->canvas = 77;
	roundtrip(&m, "STATE table_canvas");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_DELIVERABLE;
	st->id = 42;
	st->section = 2;
	st->owner = "Hugo";
	st->due = "2027-03-12";
	roundtrip(&m, "STATE deliverable");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_EVAL;
	st->open = true;
	st->labels[0] = "structurant";
	st->labels[1] = "novateur";
	st->nlabels = 2;
	roundtrip(&m, "STATE eval");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_SCORES;
	st->triples = rt_triples;
	st->ntriples = NITEMS(rt_triples);
	roundtrip(&m, "STATE scores");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_MY_SCORES;
	st->id = 5;
	st->triples = rt_triples;
	st->ntriples = 2;
	roundtrip(&m, "STATE my_scores");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_PITCH;
	st->table = 2;
	roundtrip(&m, "STATE pitch");
}

Test(proto, state_of_unknown_name_is_ignored)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	fb_init(&f);
	mp(&f, "ausuT", 4, 17, "weather", 3);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.type, PROTO_STATE);
	cr_assert_eq(m.u.state.what, STATE_WHAT_COUNT);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

Test(proto, welcome_without_last_op_and_unknown_keys)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	fb_init(&f);
	mp(&f, "aum", 2, 16, 7);
	mp(&f, "sussssss", "v", 1, "board", "b", "role", "host", "mode",
	    "state");
	mp(&f, "susu", "participant", 3, "head", 10);
	mp(&f, "sau", "future", 1, 5);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.welcome.last_op, 0);
	cr_assert_eq(m.u.welcome.role, ROLE_HOST);
	cr_assert_eq(m.u.welcome.mode, MODE_STATE);
	cr_assert_eq(m.u.welcome.head, 10);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

Test(proto, op_table_sit_with_participant_zero_means_self)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	fb_init(&f);
	mp(&f, "auuuuu", 5, 2, 3, 8, 4, 0);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.op.op.table, 4);
	cr_assert_eq(m.u.op.op.participant, 0);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

Test(proto, settings_unknown_keys_ignored_known_ones_kept)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	fb_init(&f);
	mp(&f, "auuum", 4, 2, 1, 39, 3);
	mp(&f, "sdsusF", "colour", 1.5, "keep", 4, "anonymous");
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.op.op.settings.has, SET_KEEP | SET_ANONYMOUS);
	cr_assert_eq(m.u.op.op.settings.keep, 4);
	cr_assert_eq(m.u.op.op.settings.anonymous, false);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

/* ------------------------------------------------------------ golden */

/* Read a hex fixture (comments after '#') into out; its length. */
static size_t
load_hex(const char *name, uint8_t *out, size_t cap)
{
	char	 path[1024], line[4096], *p, *end;
	FILE	*f;
	size_t	 n = 0;
	long	 v;

	snprintf(path, sizeof path, "%s/tests/fixtures/proto/%s.hex", ts_top(),
	    name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = line;; p = end) {
			v = strtol(p, &end, 16);
			if (end == p)
				break;
			cr_assert(v >= 0 && v <= 255 && n < cap, "%s", path);
			out[n++] = (uint8_t)v;
		}
	}
	fclose(f);
	cr_assert_gt(n, PROTO_FRAME_HDR, "%s is empty", path);
	return n;
}

/* in must encode to the fixture's bytes exactly, which decode back to in. */
static void
golden(const char *name, const struct proto_msg *in)
{
	uint8_t			 want[4096];
	struct proto_buf	 b;
	struct proto_msg	 out;
	struct proto_err	 err;
	size_t			 n, i;

	fuzz_current = name;
	n = load_hex(name, want, sizeof want);
	cr_assert_eq(proto_frame_len(want), n - PROTO_FRAME_HDR, "%s", name);
	proto_buf_init(&b);
	cr_assert_eq(fuzz_encode(&b, in), b.len, "%s", name);
	for (i = 0; i < n && i < b.len; i++)
		cr_assert_eq(b.data[i], want[i], "%s: byte %zu is %02x, "
		    "fixture has %02x", name, i, b.data[i], want[i]);
	cr_assert_eq(b.len, n, "%s: %zu bytes, fixture has %zu", name, b.len,
	    n);
	cr_assert_eq(proto_decode(want + PROTO_FRAME_HDR, n - PROTO_FRAME_HDR,
	    &out, &err), PROTO_OK, "%s: %s", name, err.text);
	cr_assert(fuzz_msg_eq(in, &out), "%s: decoded fields differ", name);
	proto_msg_free(&out);
	proto_buf_free(&b);
}

Test(proto, golden_frames)
{
	static struct proto_pair tally[] = { { 12, 3 }, { 300, 0 } };
	struct proto_msg	 m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "atelier-rh",
	    .name = "Am\xc3\xa9lie", .code = "1234", .since = 0 };
	memcpy(m.u.hello.client, client16, PROTO_CLIENT_LEN);
	golden("hello", &m);
	m.u.hello.name = "Nadia";
	m.u.hello.code = NULL;
	m.u.hello.key = "s3cret";
	m.u.hello.since = 42;
	m.u.hello.want_state = true;
	golden("hello_facilitator", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_OP;
	m.u.op.op_id = 7;
	m.u.op.op = ADD(3, FRENCH, 0);
	golden("op_card_add", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 42, .origin = 5, .op_id = 7,
	    .op = { .kind = OP_CARD_ADD, .table = 3, .text = FRENCH } };
	golden("event_card_add", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 5,
	    .op = { .kind = OP_VOTE, .hidden = true } };
	golden("event_vote_hidden", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 6, .origin = 5, .op_id = 8,
	    .op = { .kind = OP_VOTE, .card = 42, .delta = -1 } };
	golden("event_vote", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_WELCOME;
	m.u.welcome = (struct proto_welcome){ .v = 1, .board = "atelier-rh",
	    .participant = 5, .role = ROLE_PARTICIPANT, .head = 42,
	    .mode = MODE_REPLAY, .last_op = 6 };
	golden("welcome", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_REJECT;
	m.u.reject = (struct proto_reject){ 7, REJECT_LIMIT,
	    "limit reached" };
	golden("reject", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_ERROR;
	m.u.error = (struct proto_error){ ERROR_PROTOCOL, "protocol error" };
	golden("error", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_OP;
	m.u.op.op_id = 9;
	m.u.op.op = SETTINGS(.has = SET_DOTS | SET_BLIND | SET_CODE,
	    .dots = 5, .blind = false, .code = "x");
	golden("op_settings", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_OP;
	m.u.op.op_id = 10;
	m.u.op.op = SIT(2, 0);
	golden("op_table_sit_self", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 45, .origin = 5, .op_id = 10,
	    .op = { .kind = OP_TABLE_SIT, .table = 2, .participant = 5 } };
	golden("event_table_sit", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 43, .origin = 1, .op_id = 2,
	    .op = { .kind = OP_TIMER, .action = TIMER_START, .seconds = 300,
	    .text = "Pause caf\xc3\xa9", .remaining_ms = 300000,
	    .running = true } };
	golden("event_timer", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 44,
	    .op = { .kind = OP_TALLY, .pairs = tally, .npairs = 2 } };
	golden("event_tally", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 2,
	    .op = { .kind = OP_JOINED, .participant = 5,
	    .text = "Am\xc3\xa9lie" } };
	memcpy(m.u.event.op.client, client16, PROTO_CLIENT_LEN);
	golden("event_joined", &m);

	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	m.u.state = (struct proto_state){ .what = STATE_CARD, .id = 42,
	    .table = 3, .author = 5, .text = FRENCH, .title = "", .votes = 2,
	    .shown = 2, .edited = true, .created_ms = 1700000000000LL };
	golden("state_card", &m);
}

/* ------------------------------------------------------------ extensions */

/*
 * The crafted body (msgpack-c's own packer: an independent encoder) must be
 * what in encodes to, byte for byte, and must decode back to in.
 */
static void
golden_crafted(struct fb *f, const struct proto_msg *in, const char *what)
{
	struct proto_buf	 b;
	struct proto_msg	 out;
	struct proto_err	 err;
	size_t			 n, i;
	const uint8_t		*want = (const uint8_t *)f->sb.data;

	fuzz_current = what;
	proto_buf_init(&b);
	n = fuzz_encode(&b, in);
	cr_assert_eq(n, b.len, "%s", what);
	cr_assert_eq(n, f->sb.size + PROTO_FRAME_HDR, "%s: %zu bytes, want %zu",
	    what, n, f->sb.size + PROTO_FRAME_HDR);
	cr_assert_eq(proto_frame_len(b.data), f->sb.size, "%s", what);
	for (i = 0; i < f->sb.size; i++)
		cr_assert_eq(b.data[PROTO_FRAME_HDR + i], want[i], "%s: byte %zu "
		    "is %02x, want %02x", what, i, b.data[PROTO_FRAME_HDR + i],
		    want[i]);
	cr_assert_eq(proto_decode(want, f->sb.size, &out, &err), PROTO_OK,
	    "%s: %s", what, err.text);
	cr_assert(fuzz_msg_eq(in, &out), "%s: decoded fields differ", what);
	LLVMFuzzerTestOneInput(want, f->sb.size);
	proto_msg_free(&out);
	proto_buf_free(&b);
	msgpack_sbuffer_destroy(&f->sb);
}

/* Craft a body from a format and compare it with in both ways. */
static void
golden_fmt(const struct proto_msg *in, const char *what, const char *fmt, ...)
{
	struct fb	f;
	va_list		ap;

	fb_init(&f);
	va_start(ap, fmt);
	vmp(&f, fmt, ap);
	va_end(ap);
	golden_crafted(&f, in, what);
}

#define THEME	"Th\xc3\xa8me : l'accueil"

Test(proto, list_board_boards_end)
{
	struct proto_msg	m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_LIST;
	roundtrip(&m, "LIST");
	golden_fmt(&m, "LIST", "au", 1, 6);

	memset(&m, 0, sizeof m);
	m.type = PROTO_BOARD;
	m.u.board = (struct proto_board_info){ .name = "atelier-rh",
	    .title = "Atelier RH \xe2\x80\x94 juin", .online = 12,
	    .code_needed = true };
	roundtrip(&m, "BOARD");
	golden_fmt(&m, "BOARD", "aussuT", 5, 23, "atelier-rh",
	    "Atelier RH \xe2\x80\x94 juin", 12);
	m.u.board.online = 0;
	m.u.board.code_needed = false;
	m.u.board.title = "b";
	roundtrip(&m, "BOARD, nobody, no code");
	golden_fmt(&m, "BOARD, nobody, no code", "aussuF", 5, 23,
	    "atelier-rh", "b", 0);
	m.u.board.online = 70000;
	roundtrip(&m, "BOARD, many online");

	memset(&m, 0, sizeof m);
	m.type = PROTO_BOARDS_END;
	m.u.boards = 2;
	roundtrip(&m, "BOARDS_END");
	golden_fmt(&m, "BOARDS_END", "auu", 2, 24, 2);
	m.u.boards = 0;
	golden_fmt(&m, "BOARDS_END, no board", "auu", 2, 24, 0);

	/* Shapes a reader refuses. */
	expect_fmt(PROTO_E_FRAME, "LIST with an argument", "auu", 2, 6, 1);
	expect_fmt(PROTO_E_FRAME, "BOARD without code_needed", "aussu", 4, 23,
	    "a", "b", 1);
	expect_fmt(PROTO_E_FRAME, "BOARD with a bad name", "aussuT", 5, 23,
	    "Not A Name", "b", 1);
	expect_fmt(PROTO_E_FRAME, "BOARD with online as a flag", "aussTT", 5,
	    23, "a", "b");
	expect_fmt(PROTO_E_FRAME, "BOARDS_END without its count", "au", 1, 24);
	expect_fmt(PROTO_E_FRAME, "BOARDS_END with a string", "aus", 2, 24,
	    "2");
}

Test(proto, hello_observe)
{
	struct proto_msg	m;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "atelier-rh",
	    .name = "export", .key = "s3cret", .since = 0, .want_state = true,
	    .observe = true };
	memcpy(m.u.hello.client, client16, PROTO_CLIENT_LEN);
	roundtrip(&m, "HELLO observe");
	{
		/* The same map, key by key, in the encoder's order. */
		struct fb f;

		fb_init(&f);
		mp(&f, "aum", 2, 1, 8);
		mp(&f, "susssbss", "v", 1, "board", "atelier-rh", "client",
		    client16, PROTO_CLIENT_LEN, "name", "export");
		mp(&f, "sssusTsT", "key", "s3cret", "since", 0, "state",
		    "observe");
		golden_crafted(&f, &m, "HELLO observe, whole map");
	}
	m.u.hello.want_state = false;
	roundtrip(&m, "HELLO observe without state");

	/* Without observe the map is the original one: no "observe" key. */
	m.u.hello.observe = false;
	{
		struct fb f;

		fb_init(&f);
		mp(&f, "aum", 2, 1, 6);
		mp(&f, "susssbss", "v", 1, "board", "atelier-rh", "client",
		    client16, PROTO_CLIENT_LEN, "name", "export");
		mp(&f, "sssu", "key", "s3cret", "since", 0);
		golden_crafted(&f, &m, "HELLO without observe");
	}

	/* "observe": false is read as absent; a non-bool is refused. */
	{
		struct proto_msg	 out;
		struct proto_err	 err;
		struct fb		 f;

		fb_init(&f);
		mp(&f, "aum", 2, 1, 6);
		mp(&f, "susssbss", "v", 1, "board", "b", "client", client16,
		    PROTO_CLIENT_LEN, "name", "x");
		mp(&f, "susF", "since", 0, "observe");
		cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &out,
		    &err), PROTO_OK, "%s", err.text);
		cr_assert(!out.u.hello.observe);
		proto_msg_free(&out);
		msgpack_sbuffer_destroy(&f.sb);

		fb_init(&f);
		mp(&f, "aum", 2, 1, 6);
		mp(&f, "susssbss", "v", 1, "board", "b", "client", client16,
		    PROTO_CLIENT_LEN, "name", "x");
		mp(&f, "susu", "since", 0, "observe", 1);
		fb_expect(&f, PROTO_E_FRAME, "observe: 1");
	}
}

Test(proto, relay_messages)
{
	static const uint8_t	other[PROTO_CLIENT_LEN] = { 9, 8, 7 };
	struct proto_msg	m, out;
	struct proto_err	err;
	struct fb		f;

	/* A relay's HELLO: "relay" and "create" travel when true. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "salle",
	    .name = "relay", .key = "s3cret", .since = 12, .relay = true,
	    .create = true };
	memcpy(m.u.hello.client, client16, PROTO_CLIENT_LEN);
	roundtrip(&m, "HELLO relay");
	fb_init(&f);
	mp(&f, "aum", 2, 1, 8);
	mp(&f, "susssbss", "v", 1, "board", "salle", "client", client16,
	    PROTO_CLIENT_LEN, "name", "relay");
	mp(&f, "sssusTsT", "key", "s3cret", "since", 12, "relay", "create");
	golden_crafted(&f, &m, "HELLO relay, whole map");

	/* RELAY_HELLO is a HELLO map under type 7. */
	m.type = PROTO_RELAY_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "salle",
	    .name = "Am\xc3\xa9lie", .code = "1234" };
	memcpy(m.u.hello.client, other, PROTO_CLIENT_LEN);
	roundtrip(&m, "RELAY_HELLO");

	memset(&m, 0, sizeof m);
	m.type = PROTO_RELAY_OP;
	memcpy(m.u.relay.client, other, PROTO_CLIENT_LEN);
	m.u.relay.op_id = 3;
	m.u.relay.op = (struct proto_op){ .kind = OP_CARD_ADD, .table = 4,
	    .text = "Id\xc3\xa9" "e" };
	roundtrip(&m, "RELAY_OP");
	golden_fmt(&m, "RELAY_OP", "aubuuusu", 7, 8, other, PROTO_CLIENT_LEN,
	    3, OP_CARD_ADD, 4, "Id\xc3\xa9" "e", 0);
	m.u.relay.op = (struct proto_op){ .kind = OP_VOTE, .card = 9,
	    .delta = -1 };
	roundtrip(&m, "RELAY_OP vote");

	memset(&m, 0, sizeof m);
	m.type = PROTO_RELAY_BYE;
	memcpy(m.u.relay.client, other, PROTO_CLIENT_LEN);
	roundtrip(&m, "RELAY_BYE");
	golden_fmt(&m, "RELAY_BYE", "aub", 2, 9, other, PROTO_CLIENT_LEN);

	memset(&m, 0, sizeof m);
	m.type = PROTO_RELAY_WELCOME;
	memcpy(m.u.relay.client, other, PROTO_CLIENT_LEN);
	m.u.relay.welcome = (struct proto_welcome){ .v = 1, .board = "salle",
	    .participant = 7, .role = ROLE_HOST, .head = 99,
	    .mode = MODE_STATE, .last_op = 4 };
	roundtrip(&m, "RELAY_WELCOME");

	memset(&m, 0, sizeof m);
	m.type = PROTO_RELAY_REJECT;
	memcpy(m.u.relay.client, other, PROTO_CLIENT_LEN);
	m.u.relay.op_id = 5;
	m.u.relay.code = REJECT_PHASE;
	m.u.relay.text = "wrong phase";
	roundtrip(&m, "RELAY_REJECT");
	golden_fmt(&m, "RELAY_REJECT", "aubuus", 5, 26, other,
	    PROTO_CLIENT_LEN, 5, REJECT_PHASE, "wrong phase");

	memset(&m, 0, sizeof m);
	m.type = PROTO_RELAY_ERROR;
	memcpy(m.u.relay.client, other, PROTO_CLIENT_LEN);
	m.u.relay.code = ERROR_NAME;
	m.u.relay.text = "Ana is already here";
	roundtrip(&m, "RELAY_ERROR");
	golden_fmt(&m, "RELAY_ERROR", "aubus", 4, 27, other, PROTO_CLIENT_LEN,
	    ERROR_NAME, "Ana is already here");

	memset(&m, 0, sizeof m);
	m.type = PROTO_UPLINK;
	m.u.uplink = (struct proto_uplink){ false, 12, 3 };
	roundtrip(&m, "UPLINK down");
	golden_fmt(&m, "UPLINK", "auFuu", 4, 28, 12, 3);
	m.u.uplink = (struct proto_uplink){ true, 0, 0 };
	golden_fmt(&m, "UPLINK up", "auTuu", 4, 28, 0, 0);

	/* A bad op inside a RELAY_OP is a REJECT for that client. */
	fb_init(&f);
	mp(&f, "aubuuu", 5, 8, other, PROTO_CLIENT_LEN, 6, 200, 1);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &out, &err),
	    PROTO_E_OP);
	cr_assert(err.relayed);
	cr_assert_eq(err.op_id, 6);
	cr_assert_eq(memcmp(err.client, other, PROTO_CLIENT_LEN), 0);
	msgpack_sbuffer_destroy(&f.sb);
	/* Without a client id, or a short one: a frame error. */
	expect_fmt(PROTO_E_FRAME, "RELAY_OP without a client", "auuu", 3, 8, 6,
	    OP_READY);
	expect_fmt(PROTO_E_FRAME, "RELAY_BYE with a short id", "aub", 2, 9,
	    other, 8);
	expect_fmt(PROTO_E_FRAME, "UPLINK with a count as a flag", "auuuu", 4,
	    28, 1, 0, 0);
	expect_fmt(PROTO_E_FRAME, "RELAY_WELCOME without its map", "aub", 2,
	    25, other, PROTO_CLIENT_LEN);
}

/*
 * ext, the compact roster: the HELLO and WELCOME flags, ROSTER, a PRESENCE
 * without its name, and a hidden client id as nil -- which every decoder
 * reads as the 16 zero bytes a client that did not ask for it gets.
 */
Test(proto, compact_roster)
{
	static struct proto_pair	 here[] = { { 3, 12 }, { 41, 0 } };
	static const uint8_t		 zero[PROTO_CLIENT_LEN];
	struct proto_msg		 m, out;
	struct proto_buf		 full, lean;
	size_t				 nf, nl;

	memset(&m, 0, sizeof m);
	m.type = PROTO_HELLO;
	m.u.hello = (struct proto_hello){ .v = 1, .board = "salle",
	    .name = "Ana", .roster = true };
	memcpy(m.u.hello.client, client16, PROTO_CLIENT_LEN);
	roundtrip(&m, "HELLO with roster");
	golden_fmt(&m, "HELLO with roster", "aumsusssbsssusT", 2, 1, 6, "v",
	    1, "board", "salle", "client", client16, PROTO_CLIENT_LEN, "name",
	    "Ana", "since", 0, "roster");
	m.u.hello.sit = true;
	roundtrip(&m, "HELLO with roster and sit");

	memset(&m, 0, sizeof m);
	m.type = PROTO_WELCOME;
	m.u.welcome = (struct proto_welcome){ .v = 1, .board = "salle",
	    .participant = 3, .role = ROLE_PARTICIPANT, .head = 9,
	    .mode = MODE_REPLAY, .roster = true };
	roundtrip(&m, "WELCOME with roster");

	memset(&m, 0, sizeof m);
	m.type = PROTO_ROSTER;
	m.u.roster = (struct proto_roster){ here, NITEMS(here) };
	roundtrip(&m, "ROSTER");
	golden_fmt(&m, "ROSTER", "auaauuauu", 2, 29, 2, 2, 3, 12, 2, 41, 0);
	m.u.roster = (struct proto_roster){ NULL, 0 };
	roundtrip(&m, "ROSTER of nobody");
	expect_fmt(PROTO_E_FRAME, "ROSTER of names", "auas", 2, 29, 1, "Ana");

	memset(&m, 0, sizeof m);
	m.type = PROTO_PRESENCE;
	m.u.presence = (struct proto_presence){ 3, true, 12, NULL };
	roundtrip(&m, "PRESENCE without its name");
	golden_fmt(&m, "PRESENCE without its name", "auuTu", 4, 21, 3, 12);
	expect_fmt(PROTO_E_FRAME, "PRESENCE without its table", "auuT", 3,
	    21, 3);

	/* joined, hidden client: nil to a roster client, zeros to others. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event.seq = 9;
	m.u.event.op.kind = OP_JOINED;
	m.u.event.op.participant = 3;
	m.u.event.op.text = "Ana";
	proto_buf_init(&full);
	proto_buf_init(&lean);
	lean.lean = true;
	nf = proto_enc_event(&full, &m.u.event);
	nl = proto_enc_event(&lean, &m.u.event);
	cr_assert_eq(nf - nl, PROTO_CLIENT_LEN + 1, "%zu and %zu bytes", nf,
	    nl);
	golden_fmt(&m, "joined, hidden client", "auuuuuusb", 8, 18, 9, 0, 0,
	    OP_JOINED, 3, "Ana", zero, PROTO_CLIENT_LEN);
	cr_assert_eq(proto_decode(lean.data + PROTO_FRAME_HDR,
	    nl - PROTO_FRAME_HDR, &out, NULL), PROTO_OK);
	cr_assert(fuzz_msg_eq(&m, &out), "the nil client reads as zeros");
	proto_msg_free(&out);
	/* A client's own id is never nil: it names who is speaking. */
	expect_fmt(PROTO_E_FRAME, "HELLO with a nil client", "aumsusssnsssu",
	    2, 1, 5, "v", 1, "board", "salle", "client", "name", "Ana",
	    "since", 0);
	expect_fmt(PROTO_E_FRAME, "RELAY_BYE with a nil client", "aun", 2, 9);
	/* A client id that is not hidden is never left out. */
	memcpy(m.u.event.op.client, client16, PROTO_CLIENT_LEN);
	proto_buf_reset(&lean);
	cr_assert_eq(proto_enc_event(&lean, &m.u.event), nf);
	proto_buf_free(&full);
	proto_buf_free(&lean);
}

Test(proto, table_theme_is_a_trailing_option)
{
	struct proto_msg	m;
	struct proto_buf	a, b;

	/* table.add: without a theme, exactly the original [2, id, 32, q]. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_OP;
	m.u.op.op_id = 7;
	m.u.op.op = TADD("Comment mieux accueillir ?");
	golden_fmt(&m, "OP table.add", "auuus", 4, 2, 7, 32,
	    "Comment mieux accueillir ?");
	m.u.op.op.theme = "";
	golden_fmt(&m, "OP table.add, empty theme", "auuus", 4, 2, 7, 32,
	    "Comment mieux accueillir ?");
	m.u.op.op.theme = THEME;
	roundtrip(&m, "OP table.add with a theme");
	golden_fmt(&m, "OP table.add with a theme", "auuuss", 5, 2, 7, 32,
	    "Comment mieux accueillir ?", THEME);

	/* table.edit likewise. */
	m.u.op.op = TEDIT(5, "Et apr\xc3\xa8s ?");
	golden_fmt(&m, "OP table.edit", "auuuus", 5, 2, 7, 33, 5,
	    "Et apr\xc3\xa8s ?");
	m.u.op.op.theme = THEME;
	roundtrip(&m, "OP table.edit with a theme");
	golden_fmt(&m, "OP table.edit with a theme", "auuuuss", 6, 2, 7, 33, 5,
	    "Et apr\xc3\xa8s ?", THEME);

	/* The EVENTs: the same args after [18, seq, origin, op_id, kind]. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_EVENT;
	m.u.event = (struct proto_event){ .seq = 42, .origin = 1, .op_id = 7,
	    .op = { .kind = OP_TABLE_ADD, .text = "Question" } };
	golden_fmt(&m, "EVENT table.add", "auuuuus", 6, 18, 42, 1, 7, 32,
	    "Question");
	m.u.event.op.theme = THEME;
	roundtrip(&m, "EVENT table.add with a theme");
	golden_fmt(&m, "EVENT table.add with a theme", "auuuuuss", 7, 18, 42,
	    1, 7, 32, "Question", THEME);
	m.u.event.op = TEDIT(42, "Question bis");
	golden_fmt(&m, "EVENT table.edit", "auuuuuus", 7, 18, 42, 1, 7,
	    33, 42, "Question bis");
	m.u.event.op.theme = THEME;
	golden_fmt(&m, "EVENT table.edit with a theme", "auuuuuuss", 8, 18,
	    42, 1, 7, 33, 42, "Question bis", THEME);

	/* An op with an empty theme and one with none: the same bytes. */
	proto_buf_init(&a);
	proto_buf_init(&b);
	m.u.event.op.theme = "";
	proto_enc_event(&a, &m.u.event);
	m.u.event.op.theme = NULL;
	proto_enc_event(&b, &m.u.event);
	cr_assert_eq(a.len, b.len);
	cr_assert_arr_eq(a.data, b.data, a.len);
	proto_buf_free(&a);
	proto_buf_free(&b);

	/* A theme is text like the rest: checked, and capped in bytes. */
	expect_fmt(PROTO_E_OP, "theme with ESC", "auuuss", 5, 2, 7, 32, "Q",
	    "\x1b[1m");
	expect_fmt(PROTO_E_OP, "theme as a number", "auuusu", 5, 2, 7, 32, "Q",
	    3);
}

Test(proto, state_table_theme_and_timer_at)
{
	struct proto_msg	m;
	struct proto_state	*st = &m.u.state;

	/* table: [17, "table", id, question, created_ms (, theme)]. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_TABLE;
	st->id = 5;
	st->text = "Question";
	st->created_ms = 1700000000000LL;
	golden_fmt(&m, "STATE table", "ausus" "I", 5, 17, "table", 5, "Question",
	    1700000000000LL);
	{
		/* An empty theme is left out: the bytes of no theme. */
		struct proto_buf a, b;

		proto_buf_init(&a);
		proto_buf_init(&b);
		proto_enc_state(&a, st);
		st->title = "";
		proto_enc_state(&b, st);
		cr_assert_eq(a.len, b.len);
		cr_assert_arr_eq(a.data, b.data, a.len);
		proto_buf_free(&a);
		proto_buf_free(&b);
	}
	st->title = THEME;
	roundtrip(&m, "STATE table with a theme");
	golden_fmt(&m, "STATE table with a theme", "ausus" "Is", 6, 17, "table", 5,
	    "Question", 1700000000000LL, THEME);

	/* timer: [17, "timer", running, remaining_ms, label, ended (, at)]. */
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_TIMER;
	st->running = true;
	st->remaining_ms = 5000;
	st->text = "Tour 1";
	golden_fmt(&m, "STATE timer", "ausTusF", 6, 17, "timer", 5000,
	    "Tour 1");
	st->created_ms = 1700000000123LL;
	roundtrip(&m, "STATE timer with at");
	golden_fmt(&m, "STATE timer with at", "ausTusFI", 7, 17, "timer", 5000,
	    "Tour 1", 1700000000123LL);
	st->running = false;
	st->ended = true;
	st->remaining_ms = 0;
	st->text = "";
	roundtrip(&m, "STATE timer ended, with at");
	golden_fmt(&m, "STATE timer ended, with at", "ausFusTI", 7, 17,
	    "timer", 0, "", 1700000000123LL);

	/* Too short is refused. */
	expect_fmt(PROTO_E_FRAME, "STATE table without created_ms", "ausus", 4,
	    17, "table", 5, "Q");
	expect_fmt(PROTO_E_FRAME, "STATE timer without ended", "ausTus", 5, 17,
	    "timer", 5, "x");
	expect_fmt(PROTO_E_FRAME, "STATE timer with a string at", "ausTusFs",
	    7, 17, "timer", 5, "x", "now");
}

/* ------------------------------------------------------------ malformed */

Test(proto, empty_oversized_and_not_an_array)
{
	static uint8_t	big[PROTO_FRAME_MAX + 1];

	expect_raw("", 0, PROTO_E_FRAME, "empty frame");
	expect_raw(big, sizeof big, PROTO_E_FRAME, "frame over 65536");
	expect_fmt(PROTO_E_FRAME, "empty array", "a", 0);
	expect_raw("\x05", 1, PROTO_E_FRAME, "an int");
	expect_raw("\xc0", 1, PROTO_E_FRAME, "nil");
	expect_raw("\xa3" "abc", 4, PROTO_E_FRAME, "a string");
	expect_raw("\x81\x01\x02", 3, PROTO_E_FRAME, "a map");
	expect_raw("\x91\xa1x", 3, PROTO_E_FRAME, "type is a string");
	expect_raw("\x91\xff", 2, PROTO_E_FRAME, "type is negative");
	expect_raw("\x91\xc3", 2, PROTO_E_FRAME, "type is a bool");
	expect_raw("\x91\xc1", 2, PROTO_E_FRAME, "never-used byte 0xc1");
	expect_raw("\x91\xcb\x40\x00\x00\x00\x00\x00\x00\x00", 10,
	    PROTO_E_FRAME, "type is a float");
}

Test(proto, trailing_bytes)
{
	expect_raw("\x91\x05", 2, PROTO_OK, "BYE");
	expect_raw("\x91\x05\x00", 3, PROTO_E_FRAME, "BYE and a byte");
	expect_raw("\x91\x05\x91\x05", 4, PROTO_E_FRAME, "two BYEs");
	expect_raw("\x92\x03\x01\xc0", 4, PROTO_E_FRAME, "PING and nil");
}

/* Every proper prefix of frame body p must be refused as PROTO_E_FRAME. */
static void
expect_prefixes_refused(const uint8_t *p, size_t len, const char *what)
{
	struct proto_msg	m;
	struct proto_err	err;
	size_t			i;

	cr_assert_eq(proto_decode(p, len, &m, &err), PROTO_OK, "%s: %s", what,
	    err.text);
	proto_msg_free(&m);
	for (i = 0; i < len; i++) {
		cr_expect_eq(proto_decode(p, i, &m, &err), PROTO_E_FRAME,
		    "%s: prefix of %zu bytes", what, i);
		cr_expect_neq(proto_prescan(p, i, NULL, 0), 0, "%s: %zu", what,
		    i);
	}
}

Test(proto, every_prefix_is_refused)
{
	static const char *const names[] = { "hello", "hello_facilitator",
	    "op_card_add", "event_card_add", "event_vote_hidden", "welcome",
	    "reject", "op_settings", "event_timer", "event_tally",
	    "event_joined", "state_card" };
	uint8_t			 buf[4096];
	size_t			 i, n;

	for (i = 0; i < NITEMS(names); i++) {
		n = load_hex(names[i], buf, sizeof buf);
		expect_prefixes_refused(buf + PROTO_FRAME_HDR,
		    n - PROTO_FRAME_HDR, names[i]);
	}
}

Test(proto, lying_headers_refused_before_allocation)
{
	static const uint8_t	arr32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 1, 2,
	    3, 4, 5 };
	static const uint8_t	map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff, 1, 2,
	    3, 4, 5 };
	static const uint8_t	in_op[] = { 0x94, 0x02, 0x01, 0x25, 0xdd, 0xff,
	    0xff, 0xff, 0xff, 0x00 };
	static const uint8_t	arr16[] = { 0x92, 0x12, 0xdc, 0xff, 0xff, 1 };
	static const uint8_t	str32[] = { 0x92, 0x16, 0xdb, 0xff, 0xff, 0xff,
	    0xff, 'a' };
	static const uint8_t	bin32[] = { 0x92, 0x16, 0xc6, 0x7f, 0xff, 0xff,
	    0xff, 'a' };
	static const uint8_t	ext32[] = { 0x92, 0x16, 0xc9, 0x7f, 0xff, 0xff,
	    0xff, 0x01, 'a' };
	/* Each count fits on its own, not the two together. */
	static const uint8_t	sum[] = { 0x93, 0x01, 0x93, 0x01, 0x02, 0x03 };
	/* 2^31 entries: 2^32 elements after doubling. */
	static const uint8_t	map31[] = { 0x91, 0xdf, 0x80, 0, 0, 0 };
	char			why[128];

	cr_assert_eq(sizeof arr32, 10);
	cr_assert_neq(proto_prescan(arr32, sizeof arr32, why, sizeof why), 0);
	cr_assert(strstr(why, "count") != NULL, "%s", why);
	expect_raw(arr32, sizeof arr32, PROTO_E_FRAME, "array32 of 2^32-1");
	expect_raw(map32, sizeof map32, PROTO_E_FRAME, "map32 of 2^32-1");
	expect_raw(in_op, sizeof in_op, PROTO_E_FRAME, "huge rotate args");
	expect_raw(arr16, sizeof arr16, PROTO_E_FRAME, "array16 of 65535");
	expect_raw(str32, sizeof str32, PROTO_E_FRAME, "str32 of 4 GiB");
	expect_raw(bin32, sizeof bin32, PROTO_E_FRAME, "bin32 of 2 GiB");
	expect_raw(ext32, sizeof ext32, PROTO_E_FRAME, "ext32 of 2 GiB");
	expect_raw(sum, sizeof sum, PROTO_E_FRAME, "counts add up too high");
	expect_raw(map31, sizeof map31, PROTO_E_FRAME, "map of 2^31");
	cr_assert_eq(proto_prescan((const uint8_t *)"\x92\x01\x92\x02\x03", 5,
	    why, sizeof why), 0);
}

/* A body of depth nested one-element arrays around a 5 (BYE-like). */
static size_t
nested(uint8_t *out, int depth)
{
	int	i;

	for (i = 0; i < depth; i++)
		out[i] = 0x91;
	out[depth] = 0x05;
	return (size_t)depth + 1;
}

Test(proto, nesting_depth)
{
	uint8_t	buf[32];
	char	why[128];
	size_t	n;

	n = nested(buf, PROTO_DEPTH_MAX);
	cr_assert_eq(proto_prescan(buf, n, why, sizeof why), 0, "%s", why);
	expect_raw(buf, n, PROTO_E_FRAME, "8 levels: sound, but no message");
	n = nested(buf, PROTO_DEPTH_MAX + 1);
	cr_assert_neq(proto_prescan(buf, n, why, sizeof why), 0);
	cr_assert(strstr(why, "deep") != NULL, "%s", why);
	expect_raw(buf, n, PROTO_E_FRAME, "9 levels");
	/* Depth counts maps too: [18, {k: [[[[[[[1]]]]]]]}] is 9. */
	memcpy(buf, "\x92\x12\x81\xa1k\x91\x91\x91\x91\x91\x91\x91\x01", 13);
	cr_assert_neq(proto_prescan(buf, 13, why, sizeof why), 0);
	memcpy(buf, "\x92\x12\x81\xa1k\x91\x91\x91\x91\x91\x91\x01", 12);
	cr_assert_eq(proto_prescan(buf, 12, why, sizeof why), 0, "%s", why);
}

Test(proto, unknown_message_types)
{
	static const unsigned	types[] = { 0, 10, 15, 30, 99, 255, 256,
	    100000 };
	struct fb		f;
	size_t			i;

	for (i = 0; i < NITEMS(types); i++) {
		fb_init(&f);
		mp(&f, "auu", 2, types[i], 1);
		fb_expect(&f, PROTO_E_UNKNOWN, "unknown type");
	}
	expect_fmt(PROTO_E_UNKNOWN, "[99]", "au", 1, 99);
}

/* A HELLO map of the five required keys, less skip (-1: none). */
static void
pack_hello(struct fb *f, int skip, int extra)
{
	mp(f, "aum", 2, 1, 5 - (skip >= 0) + extra);
	if (skip != 0)
		mp(f, "su", "v", 1);
	if (skip != 1)
		mp(f, "ss", "board", "atelier-rh");
	if (skip != 2)
		mp(f, "sb", "client", client16, PROTO_CLIENT_LEN);
	if (skip != 3)
		mp(f, "ss", "name", "Am\xc3\xa9lie");
	if (skip != 4)
		mp(f, "su", "since", 0);
}

Test(proto, hello_keys)
{
	struct fb	f;
	int		i;

	fb_init(&f);
	pack_hello(&f, -1, 0);
	fb_expect(&f, PROTO_OK, "the five keys");
	for (i = 0; i < 5; i++) {
		fb_init(&f);
		pack_hello(&f, i, 0);
		fb_expect(&f, PROTO_E_FRAME, "a missing key");
	}
	fb_init(&f);
	pack_hello(&f, -1, 1);
	mp(&f, "sm", "later", 0);
	fb_expect(&f, PROTO_OK, "an unknown key is ignored");
	fb_init(&f);
	pack_hello(&f, -1, 1);
	mp(&f, "su", "v", 1);
	fb_expect(&f, PROTO_E_FRAME, "v twice");
	fb_init(&f);
	pack_hello(&f, -1, 1);
	mp(&f, "sn", "code");
	fb_expect(&f, PROTO_E_FRAME, "code is nil");
	fb_init(&f);
	pack_hello(&f, -1, 1);
	mp(&f, "su", "state", 1);
	fb_expect(&f, PROTO_E_FRAME, "state is 1, not true");
	fb_init(&f);
	pack_hello(&f, -1, 1);
	mp(&f, "ss", "key", "a\x1b" "b");
	fb_expect(&f, PROTO_E_FRAME, "key with ESC");
	fb_init(&f);
	pack_hello(&f, -1, 0);
	mp(&f, "u", 1);
	f.sb.data[0] = (char)0x93;
	fb_expect(&f, PROTO_E_FRAME, "HELLO of three elements");
	expect_fmt(PROTO_E_FRAME, "HELLO with no map", "au", 1, 1);
	expect_fmt(PROTO_E_FRAME, "HELLO of an array", "auau", 2, 1, 1, 1);
}

Test(proto, hello_version_first)
{
	struct fb	f;

	fb_init(&f);
	mp(&f, "aumsu", 2, 1, 1, "v", 2);
	fb_expect(&f, PROTO_E_VERSION, "v 2 and nothing else");
	fb_init(&f);
	mp(&f, "aumsssu", 3, 1, 2, "board", "BAD NAME", "v", 2);
	mp(&f, "s", "extra");
	fb_expect(&f, PROTO_E_VERSION, "v 2 with other changes");
	fb_init(&f);
	mp(&f, "aumsU", 2, 1, 1, "v", 1ULL << 40);
	fb_expect(&f, PROTO_E_VERSION, "v 2^40");
	fb_init(&f);
	mp(&f, "aumsu", 2, 1, 1, "v", 0);
	fb_expect(&f, PROTO_E_VERSION, "v 0");
	fb_init(&f);
	mp(&f, "aumss", 2, 1, 1, "v", "1");
	fb_expect(&f, PROTO_E_FRAME, "v as a string");
	fb_init(&f);
	mp(&f, "aumsu", 2, 1, 1, "v", 1);
	fb_expect(&f, PROTO_E_FRAME, "v 1 alone: keys missing");
}

/* A HELLO with every key right but one replaced: fmt with its value. */
static void
expect_hello_with(enum proto_status want, const char *what, const char *key,
    char kind, const void *val, int len)
{
	struct fb	f;
	const char	*keys[] = { "v", "board", "client", "name", "since" };
	int		 i;

	fb_init(&f);
	mp(&f, "aum", 2, 1, 5);
	for (i = 0; i < 5; i++) {
		mp(&f, "s", keys[i]);
		if (strcmp(keys[i], key) == 0) {
			if (kind == 's')
				mp(&f, "S", (const char *)val, len);
			else if (kind == 'b')
				mp(&f, "b", (const char *)val, len);
			else
				mp(&f, "i", len);
			continue;
		}
		switch (i) {
		case 0: mp(&f, "u", 1); break;
		case 1: mp(&f, "s", "atelier-rh"); break;
		case 2: mp(&f, "b", client16, PROTO_CLIENT_LEN); break;
		case 3: mp(&f, "s", "Nadia"); break;
		case 4: mp(&f, "u", 3); break;
		}
	}
	fb_expect(&f, want, what);
}

Test(proto, hello_values)
{
	static const char *const bad_boards[] = { "", "-abc", "_abc", "Abc",
	    "a b", "a/b", "a.b", "caf\xc3\xa9",
	    "a1234567890123456789012345678901234567890123456789012345678901"
	    "234" };
	static const char *const good_boards[] = { "a", "0", "a-b_c", "9-",
	    "a1234567890123456789012345678901234567890123456789012345678901"
	    "23" };
	char			 name[200];
	size_t			 i;

	expect_hello_with(PROTO_E_FRAME, "client of 15 bytes", "client", 'b',
	    client16, 15);
	expect_hello_with(PROTO_E_FRAME, "client of 17 bytes", "client", 'b',
	    "0123456789abcdefg", 17);
	expect_hello_with(PROTO_E_FRAME, "client as str", "client", 's',
	    "0123456789abcdef", 16);
	expect_hello_with(PROTO_E_FRAME, "since negative", "since", 'i', NULL,
	    -1);
	expect_hello_with(PROTO_E_FRAME, "board as int", "board", 'i', NULL,
	    5);
	for (i = 0; i < NITEMS(bad_boards); i++)
		expect_hello_with(PROTO_E_FRAME, bad_boards[i], "board", 's',
		    bad_boards[i], (int)strlen(bad_boards[i]));
	for (i = 0; i < NITEMS(good_boards); i++)
		expect_hello_with(PROTO_OK, good_boards[i], "board", 's',
		    good_boards[i], (int)strlen(good_boards[i]));
	expect_hello_with(PROTO_E_FRAME, "empty name", "name", 's', "", 0);
	expect_hello_with(PROTO_E_FRAME, "name with newline", "name", 's',
	    "a\nb", 3);
	expect_hello_with(PROTO_E_FRAME, "name with bidi override", "name",
	    's', "a\xe2\x80\xae" "b", 5);
	expect_hello_with(PROTO_E_FRAME, "name bad UTF-8", "name", 's',
	    "a\xc3", 2);
	memset(name, 'a', sizeof name);
	expect_hello_with(PROTO_OK, "name of 32", "name", 's', name, 32);
	expect_hello_with(PROTO_E_FRAME, "name of 33", "name", 's', name, 33);
	for (i = 0; i < 32; i++)
		memcpy(name + 4 * i, "\xf0\x9f\x98\x80", 4);
	expect_hello_with(PROTO_OK, "name of 32 emoji (128 bytes)", "name",
	    's', name, 128);
	expect_hello_with(PROTO_E_FRAME, "name of 129 bytes", "name", 's',
	    name, 129);
}

Test(proto, op_header_and_kind)
{
	static const unsigned	bad_kinds[] = { 0, 10, 31, 42, 63, 64, 65, 66,
	    67, 68, 99, 255, 256, 70000 };
	struct fb		f;
	size_t			i;

	for (i = 0; i < NITEMS(bad_kinds); i++) {
		fb_init(&f);
		mp(&f, "auuu", 3, 2, 11, bad_kinds[i]);
		fb_expect_reject(&f, 11, REJECT_BAD, "bad kind, no args");
		fb_init(&f);
		mp(&f, "auuuusbu", 7, 2, 12, bad_kinds[i], 5, "Am\xc3\xa9lie",
		    client16, PROTO_CLIENT_LEN, 0);
		fb_expect_reject(&f, 12, REJECT_BAD, "bad kind with args");
	}
	fb_init(&f);
	mp(&f, "auus", 3, 2, 13, "card.add");
	fb_expect_reject(&f, 13, REJECT_BAD, "kind as a string");
	fb_init(&f);
	mp(&f, "auu", 2, 2, 14);
	fb_expect_reject(&f, 14, REJECT_BAD, "no kind");
	expect_fmt(PROTO_E_FRAME, "no op_id", "au", 1, 2);
	fb_init(&f);
	mp(&f, "ausuuss", 6, 2, "1", 1, 3, "x", "y");
	fb_expect(&f, PROTO_E_FRAME, "op_id a string");
	fb_init(&f);
	mp(&f, "auUuusu", 6, 2, 1ULL << 32, 1, 3, "x", 0);
	fb_expect(&f, PROTO_E_FRAME, "op_id over 32 bits");
	fb_init(&f);
	mp(&f, "auiuusu", 6, 2, -1, 1, 3, "x", 0);
	fb_expect(&f, PROTO_E_FRAME, "op_id negative");
}

/*
 * Expect an OP (op_id 21) crafted from fmt (kind first, one element per
 * letter, see mp) refused with reject, or accepted when reject is 0.
 */
static void
expect_op(uint8_t reject, const char *what, const char *fmt, ...)
{
	struct fb	 f;
	va_list		 ap;

	fb_init(&f);
	mp(&f, "auu", 2 + (int)strlen(fmt), 2, 21);
	va_start(ap, fmt);
	vmp(&f, fmt, ap);
	va_end(ap);
	if (reject == 0)
		fb_expect(&f, PROTO_OK, what);
	else
		fb_expect_reject(&f, 21, reject, what);
}

Test(proto, op_wrong_types_per_field)
{
	/* card.add [table, text, parent] */
	expect_op(0, "card.add right", "uusu", 1, 3, "x", 0);
	expect_op(REJECT_BAD, "card.add table str", "ussu", 1, "3", "x", 0);
	expect_op(REJECT_BAD, "card.add table neg", "uisu", 1, -3, "x", 0);
	expect_op(REJECT_BAD, "card.add table float", "udsu", 1, 3.0, "x", 0);
	expect_op(REJECT_BAD, "card.add text int", "uuuu", 1, 3, 5, 0);
	expect_op(REJECT_BAD, "card.add text nil", "uunu", 1, 3, 0);
	expect_op(REJECT_BAD, "card.add text bin", "uubu", 1, 3, "x", 1, 0);
	expect_op(REJECT_BAD, "card.add parent bool", "uusT", 1, 3, "x");
	expect_op(REJECT_BAD, "card.add short", "uus", 1, 3, "x");
	expect_op(REJECT_BAD, "card.add long", "uusuuu", 1, 3, "x", 0, 0, 0);
	/* card.edit, delete, move, group, cluster.title */
	expect_op(0, "card.edit right", "uus", 2, 42, "x");
	expect_op(REJECT_BAD, "card.edit card str", "uss", 2, "42", "x");
	expect_op(REJECT_BAD, "card.edit text map", "uum", 2, 42, 0);
	expect_op(REJECT_BAD, "card.delete nil", "un", 3);
	expect_op(REJECT_BAD, "card.delete no card", "u", 3);
	expect_op(REJECT_BAD, "card.move table str", "uus", 4, 42, "t");
	expect_op(REJECT_BAD, "card.group head neg", "uui", 5, 42, -1);
	expect_op(REJECT_BAD, "cluster.title text int", "uuu", 6, 40, 1);
	/* vote [card, delta] */
	expect_op(0, "vote -1", "uui", 7, 42, -1);
	expect_op(REJECT_BAD, "vote delta str", "uus", 7, 42, "+1");
	expect_op(REJECT_BAD, "vote delta bool", "uuT", 7, 42);
	expect_op(REJECT_BAD, "vote delta float", "uud", 7, 42, 1.0);
	expect_op(REJECT_BAD, "vote delta 2^40", "uuI", 7, 42, 1LL << 40);
	expect_op(REJECT_BAD, "vote delta -2^40", "uuI", 7, 42, -(1LL << 40));
	expect_op(REJECT_BAD, "vote no args", "u", 7);
	/* table.sit [table] or [table, participant] */
	expect_op(0, "table.sit one", "uu", 8, 2);
	expect_op(0, "table.sit two", "uuu", 8, 2, 9);
	expect_op(REJECT_BAD, "table.sit none", "u", 8);
	expect_op(REJECT_BAD, "table.sit three", "uuuu", 8, 2, 9, 1);
	expect_op(REJECT_BAD, "table.sit participant 2^32", "uuU", 8, 2,
	    1ULL << 32);
	/* ready [flag]: a bool, never 0/1 */
	expect_op(0, "ready true", "uT", 9);
	expect_op(REJECT_BAD, "ready 1", "uu", 9, 1);
	expect_op(REJECT_BAD, "ready nil", "un", 9);
	/* table.add, table.edit, phase */
	expect_op(REJECT_BAD, "table.add int", "uu", 32, 1);
	expect_op(REJECT_BAD, "table.edit swapped", "usu", 33, "q", 2);
	expect_op(0, "phase vote", "us", 34, "vote");
	expect_op(REJECT_BAD, "phase lunch", "us", 34, "lunch");
	expect_op(REJECT_BAD, "phase Vote", "us", 34, "Vote");
	expect_op(REJECT_BAD, "phase int", "uu", 34, 3);
	/* timer [action, seconds, label] */
	expect_op(0, "timer start", "usus", 35, "start", 60, "");
	expect_op(0, "timer add -60", "usis", 35, "add", -60, "");
	expect_op(REJECT_BAD, "timer go", "usus", 35, "go", 60, "");
	expect_op(REJECT_BAD, "timer seconds str", "usss", 35, "start", "60",
	    "");
	expect_op(REJECT_BAD, "timer seconds float", "usds", 35, "add", 1.5,
	    "");
	expect_op(REJECT_BAD, "timer seconds 2^31", "usUs", 35, "add",
	    1ULL << 31, "");
	expect_op(REJECT_BAD, "timer two args", "usu", 35, "stop", 0);
	expect_op(REJECT_BAD, "timer derived given", "ususuT", 35, "start", 60,
	    "", 60000);
	/* banner, rotate, keep */
	expect_op(REJECT_BAD, "banner nil", "un", 36);
	expect_op(0, "rotate", "u", 37);
	expect_op(REJECT_BAD, "rotate with pairs", "ua", 37, 0);
	expect_op(REJECT_BAD, "keep flag int", "uuu", 38, 42, 1);
	/* settings [{map}] */
	expect_op(REJECT_BAD, "settings empty map", "um", 39, 0);
	expect_op(REJECT_BAD, "settings not a map", "ua", 39, 0);
	expect_op(REJECT_BAD, "settings none", "u", 39);
	/* role [participant, role], follow [view, table] */
	expect_op(0, "role host", "uus", 40, 9, "host");
	expect_op(REJECT_BAD, "role king", "uus", 40, 9, "king");
	expect_op(REJECT_BAD, "role swapped", "usu", 40, "host", 9);
	expect_op(0, "follow table", "usu", 41, "table", 2);
	expect_op(REJECT_BAD, "follow everywhere", "usu", 41, "all", 2);
	expect_op(REJECT_BAD, "follow table str", "uss", 41, "table", "2");
}

Test(proto, op_settings_map_values)
{
	struct fb	f;

	fb_init(&f);
	mp(&f, "auuumss", 4, 2, 21, 39, 1, "dots", "3");
	fb_expect_reject(&f, 21, REJECT_BAD, "dots as a string");
	fb_init(&f);
	mp(&f, "auuumsu", 4, 2, 21, 39, 1, "blind", 0);
	fb_expect_reject(&f, 21, REJECT_BAD, "blind as 0");
	fb_init(&f);
	mp(&f, "auuumsu", 4, 2, 21, 39, 1, "title", 1);
	fb_expect_reject(&f, 21, REJECT_BAD, "title as int");
	fb_init(&f);
	mp(&f, "auuumsUsT", 4, 2, 21, 39, 2, "keep", 1ULL << 33, "blind");
	fb_expect_reject(&f, 21, REJECT_BAD, "keep over 32 bits");
	fb_init(&f);
	mp(&f, "auuumsTsF", 4, 2, 21, 39, 2, "blind", "blind");
	fb_expect_reject(&f, 21, REJECT_BAD, "blind twice");
	fb_init(&f);
	mp(&f, "auuumsT", 4, 2, 21, 39, 1, "colour");
	fb_expect_reject(&f, 21, REJECT_BAD, "only unknown keys");
	fb_init(&f);
	mp(&f, "auuumuT", 4, 2, 21, 39, 1, 5);
	fb_expect_reject(&f, 21, REJECT_BAD, "an int key");
	fb_init(&f);
	mp(&f, "auuumss", 4, 2, 21, 39, 1, "code", "a\x7f");
	fb_expect_reject(&f, 21, REJECT_BAD, "code with DEL");
}

/* Expect an OP card.add with this text refused with reject (0: fine). */
static void
expect_card_text(uint8_t reject, const char *what, const char *s, int len)
{
	struct fb	f;

	fb_init(&f);
	mp(&f, "auuuuSu", 6, 2, 21, 1, 3, s, len, 0);
	if (reject == 0)
		fb_expect(&f, PROTO_OK, what);
	else
		fb_expect_reject(&f, 21, reject, what);
}

Test(proto, op_text_rules)
{
	static char	big[4 * PROTO_CARD_MAX + 2];
	struct fb	f;
	int		i;

	expect_card_text(0, "French", FRENCH, (int)strlen(FRENCH));
	expect_card_text(0, "newline in a card", "a\nb", 3);
	expect_card_text(REJECT_BAD, "ESC sequence", "\x1b[2J", 4);
	expect_card_text(REJECT_BAD, "tab", "a\tb", 3);
	expect_card_text(REJECT_BAD, "CR", "a\rb", 3);
	expect_card_text(REJECT_BAD, "NUL inside", "a\0b", 3);
	expect_card_text(REJECT_BAD, "DEL", "a\x7f", 2);
	expect_card_text(REJECT_BAD, "C1 CSI", "\xc2\x9b" "2J", 4);
	expect_card_text(REJECT_BAD, "RLO", "a\xe2\x80\xae" "b", 5);
	expect_card_text(REJECT_BAD, "LRI", "\xe2\x81\xa6", 3);
	expect_card_text(REJECT_BAD, "overlong", "\xc0\xaf", 2);
	expect_card_text(REJECT_BAD, "surrogate", "\xed\xa0\x80", 3);
	expect_card_text(REJECT_BAD, "above U+10FFFF", "\xf4\x90\x80\x80", 4);
	expect_card_text(REJECT_BAD, "truncated", "ab\xe2\x82", 4);

	/* Byte caps: 4 x the code-point limit, REJECT 5 beyond. */
	memset(big, 'a', sizeof big);
	expect_card_text(0, "2000 bytes", big, 4 * PROTO_CARD_MAX);
	expect_card_text(REJECT_LIMIT, "2001 bytes", big,
	    4 * PROTO_CARD_MAX + 1);
	for (i = 0; i < PROTO_CARD_MAX; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	expect_card_text(0, "500 x U+00E9", big, 2 * PROTO_CARD_MAX);
	memset(big, 'a', sizeof big);
	fb_init(&f);
	mp(&f, "auuuS", 4, 2, 21, 32, big, 4 * PROTO_QUESTION_MAX + 1);
	fb_expect_reject(&f, 21, REJECT_LIMIT, "question of 1201 bytes");
	fb_init(&f);
	mp(&f, "auuuS", 4, 2, 21, 36, big, 4 * PROTO_BANNER_MAX + 1);
	fb_expect_reject(&f, 21, REJECT_LIMIT, "banner of 801 bytes");
	fb_init(&f);
	mp(&f, "auuuuS", 5, 2, 21, 6, 40, big, 4 * PROTO_CTITLE_MAX + 1);
	fb_expect_reject(&f, 21, REJECT_LIMIT, "cluster title of 321 bytes");
	fb_init(&f);
	mp(&f, "auuusiS", 6, 2, 21, 35, "start", 60, big,
	    4 * PROTO_LABEL_MAX + 1);
	fb_expect_reject(&f, 21, REJECT_LIMIT, "timer label of 321 bytes");
	fb_init(&f);
	mp(&f, "auuumsS", 4, 2, 21, 39, 1, "title", big,
	    4 * PROTO_TITLE_MAX + 1);
	fb_expect_reject(&f, 21, REJECT_LIMIT, "title of 481 bytes");
	/* Newline only in card text. */
	fb_init(&f);
	mp(&f, "auuuus", 5, 2, 21, 6, 40, "a\nb");
	fb_expect_reject(&f, 21, REJECT_BAD, "newline in a cluster title");
	fb_init(&f);
	mp(&f, "auuus", 4, 2, 21, 36, "a\nb");
	fb_expect_reject(&f, 21, REJECT_BAD, "newline in a banner");
	fb_init(&f);
	mp(&f, "auuus", 4, 2, 21, 32, "a\nb");
	fb_expect_reject(&f, 21, REJECT_BAD, "newline in a question");
}

Test(proto, event_wrong_shapes)
{
	static char	big[4 * PROTO_CARD_MAX + 1];
	struct fb	f;

	memset(big, 'a', sizeof big);
	fb_init(&f);
	mp(&f, "ausuuuusu", 8, 18, "1", 5, 7, 1, 3, "x", 0);
	fb_expect(&f, PROTO_E_FRAME, "seq as a string");
	fb_init(&f);
	mp(&f, "auuUuuusu", 8, 18, 1, 1ULL << 32, 7, 1, 3, "x", 0);
	fb_expect(&f, PROTO_E_FRAME, "origin over 32 bits");
	fb_init(&f);
	mp(&f, "auuuiuusu", 8, 18, 1, 5, -7, 1, 3, "x", 0);
	fb_expect(&f, PROTO_E_FRAME, "op_id negative");
	fb_init(&f);
	mp(&f, "auuuu", 4, 18, 1, 5, 7);
	fb_expect(&f, PROTO_E_FRAME, "no kind");
	fb_init(&f);
	mp(&f, "auuuuuuuu", 8, 18, 1, 5, 7, 1, 3, 4, 0);
	fb_expect(&f, PROTO_E_FRAME, "card.add text as int");
	fb_init(&f);
	mp(&f, "auuuuuuSu", 8, 18, 1, 5, 7, 1, 3, big, (int)sizeof big, 0);
	fb_expect(&f, PROTO_E_FRAME, "card text over 2000 bytes");
	fb_init(&f);
	mp(&f, "auuuuuusu", 8, 18, 1, 5, 7, 1, 3, "\x1b[2J", 0);
	fb_expect(&f, PROTO_E_FRAME, "card text with ESC");
	fb_init(&f);
	mp(&f, "auuuuuu", 6, 18, 1, 5, 7, 8, 2);
	fb_expect(&f, PROTO_E_FRAME, "table.sit event with one arg");
	fb_init(&f);
	mp(&f, "auuuuu", 5, 18, 1, 5, 0, 7);
	fb_expect(&f, PROTO_E_FRAME, "hidden vote with an origin");
	fb_init(&f);
	mp(&f, "auuuuu", 5, 18, 1, 0, 3, 7);
	fb_expect(&f, PROTO_E_FRAME, "hidden vote with an op_id");
	fb_init(&f);
	mp(&f, "auuuuuu", 6, 18, 1, 5, 3, 7, 42);
	fb_expect(&f, PROTO_E_FRAME, "vote with one arg");
	fb_init(&f);
	mp(&f, "auuuuususu", 8, 18, 1, 1, 2, 35, "start", 60, "", 60000);
	fb_expect(&f, PROTO_E_FRAME, "timer event without running");
	fb_init(&f);
	mp(&f, "auuuuuusb", 8, 18, 1, 0, 0, 64, 5, "A", client16, 15);
	fb_expect(&f, PROTO_E_FRAME, "joined with a 15-byte client");
	fb_init(&f);
	mp(&f, "auuuuuaau", 6, 18, 1, 0, 0, 66, 1, 1, 5);
	fb_expect(&f, PROTO_E_FRAME, "tally pair of one");
	fb_init(&f);
	mp(&f, "auuuuuaaui", 6, 18, 1, 0, 0, 66, 1, 2, 5, -1);
	fb_expect(&f, PROTO_E_FRAME, "tally with negative votes");
	fb_init(&f);
	mp(&f, "auuuuuaaus", 6, 18, 1, 0, 0, 66, 1, 2, 5, "x");
	fb_expect(&f, PROTO_E_FRAME, "tally pair with a string");
	fb_init(&f);
	mp(&f, "auuuuuau", 6, 18, 1, 0, 0, 66, 1, 5);
	fb_expect(&f, PROTO_E_FRAME, "tally of numbers");
	fb_init(&f);
	mp(&f, "auuuuum", 6, 18, 1, 0, 0, 37, 0);
	fb_expect(&f, PROTO_E_FRAME, "rotate of a map");
	fb_init(&f);
	mp(&f, "auuuuu", 5, 18, 1, 0, 0, 66);
	fb_expect(&f, PROTO_E_FRAME, "tally without its list");
	fb_init(&f);
	mp(&f, "auuuuus", 6, 18, 1, 0, 0, 34, "lunch");
	fb_expect(&f, PROTO_E_FRAME, "phase event of an unknown phase");
}

Test(proto, other_messages_wrong_shapes)
{
	struct fb	f;

	expect_fmt(PROTO_E_FRAME, "PING without token", "au", 1, 3);
	fb_init(&f);
	mp(&f, "aus", 2, 3, "t");
	fb_expect(&f, PROTO_E_FRAME, "PING token string");
	fb_init(&f);
	mp(&f, "aui", 2, 4, -1);
	fb_expect(&f, PROTO_E_FRAME, "PONG token negative");
	fb_init(&f);
	mp(&f, "auuu", 3, 3, 1, 2);
	fb_expect(&f, PROTO_E_FRAME, "PING of two tokens");
	fb_init(&f);
	mp(&f, "auu", 2, 5, 0);
	fb_expect(&f, PROTO_E_FRAME, "BYE with an argument");
	fb_init(&f);
	mp(&f, "aus", 2, 19, "10");
	fb_expect(&f, PROTO_E_FRAME, "READY head string");
	fb_init(&f);
	mp(&f, "auuuS", 4, 20, 7, 5, "a\xff", 2);
	fb_expect(&f, PROTO_E_FRAME, "REJECT text bad UTF-8");
	fb_init(&f);
	mp(&f, "auuu", 3, 20, 7, 5);
	fb_expect(&f, PROTO_E_FRAME, "REJECT without text");
	fb_init(&f);
	mp(&f, "auuuus", 5, 21, 5, 1, 2, "Am\xc3\xa9lie");
	fb_expect(&f, PROTO_E_FRAME, "PRESENCE online as 1");
	fb_init(&f);
	mp(&f, "auuTus", 5, 21, 5, 2, "a\nb");
	fb_expect(&f, PROTO_E_FRAME, "PRESENCE name with newline");
	fb_init(&f);
	mp(&f, "ausu", 3, 22, "104", 0);
	fb_expect(&f, PROTO_E_FRAME, "ERROR code string");
	fb_init(&f);
	mp(&f, "aum", 2, 16, 0);
	fb_expect(&f, PROTO_E_FRAME, "WELCOME empty map");
	fb_init(&f);
	mp(&f, "aum", 2, 16, 6);
	mp(&f, "su", "v", 1);
	mp(&f, "ss", "board", "b");
	mp(&f, "su", "participant", 1);
	mp(&f, "ss", "role", "boss");
	mp(&f, "su", "head", 0);
	mp(&f, "ss", "mode", "replay");
	fb_expect(&f, PROTO_E_FRAME, "WELCOME role boss");
	fb_init(&f);
	mp(&f, "au", 1, 17);
	fb_expect(&f, PROTO_E_FRAME, "STATE without a name");
	fb_init(&f);
	mp(&f, "auu", 2, 17, 3);
	fb_expect(&f, PROTO_E_FRAME, "STATE name as int");
	fb_init(&f);
	mp(&f, "ausuuuuussuuFFTF", 15, 17, "card", 42, 3, 5, 0, 0, "t", "",
	    2, 2);
	fb_expect(&f, PROTO_E_FRAME, "STATE card of 13 fields");
	fb_init(&f);
	mp(&f, "ausm", 3, 17, "board", 0);
	fb_expect(&f, PROTO_E_FRAME, "STATE board empty map");
	fb_init(&f);
	mp(&f, "ausub", 4, 17, "participant", 5, client16, 16);
	fb_expect(&f, PROTO_E_FRAME, "STATE participant short");
	fb_init(&f);
	mp(&f, "ausUa", 4, 17, "votes", 1ULL << 32, 0);
	fb_expect(&f, PROTO_E_FRAME, "STATE votes participant over 32 bits");
}

Test(proto, decoded_strings_are_nul_terminated_copies)
{
	uint8_t			 buf[1024];
	struct proto_msg	 m;
	struct proto_err	 err;
	size_t			 n;

	n = load_hex("op_card_add", buf, sizeof buf);
	cr_assert_eq(proto_decode(buf + PROTO_FRAME_HDR, n - PROTO_FRAME_HDR,
	    &m, &err), PROTO_OK);
	memset(buf, 0, sizeof buf);
	cr_assert_str_eq(m.u.op.op.text, FRENCH);
	cr_assert_eq(m.u.op.op_id, 7);
	cr_assert_eq(m.u.op.op.table, 3);
	cr_assert((uint8_t *)m.u.op.op.text >= (uint8_t *)m.arena);
	proto_msg_free(&m);
	cr_assert_null(m.arena);
	proto_msg_free(&m);
	proto_msg_free(NULL);
}

/* ------------------------------------------------------------ bounds */

/*
 * A body of the greatest number of [card, votes] pairs (of fixints) that
 * fits a frame, as a tally event; *npairs gets how many.
 */
static void
worst_tally(struct fb *f, uint32_t *npairs)
{
	uint32_t	n = (PROTO_FRAME_MAX - 6 - 5) / 3, i;

	fb_init(f);
	mp(f, "auuuuu", 6, 18, 1, 0, 0, 66);
	msgpack_pack_array(&f->pk, n);
	for (i = 0; i < n; i++)
		mp(f, "auu", 2, i & 0x7f, 1);
	cr_assert_leq(f->sb.size, PROTO_FRAME_MAX);
	*npairs = n;
}

/* A STATE card with every text at its byte cap. */
static void
worst_card(struct fb *f)
{
	static char	text[4 * PROTO_CARD_MAX], title[4 * PROTO_CTITLE_MAX];

	memset(text, 'x', sizeof text);
	memset(title, 'y', sizeof title);
	fb_init(f);
	mp(f, "ausuuuuuSSuuFFFFu", 16, 17, "card", 1, 2, 3, 4, 5, text,
	    (int)sizeof text, title, (int)sizeof title, 1, 1, 0);
}

/* A HELLO with every string at its cap. */
static void
worst_hello(struct fb *f)
{
	static char	name[4 * PROTO_NAME_MAX], code[4 * PROTO_CODE_MAX];
	static char	key[4 * PROTO_KEY_MAX], board[PROTO_BOARD_MAX];
	int		i;

	for (i = 0; i < PROTO_NAME_MAX; i++)
		memcpy(name + 4 * i, "\xf0\x9f\x98\x80", 4);
	memset(code, 'c', sizeof code);
	memset(key, 'k', sizeof key);
	memset(board, 'b', sizeof board);
	fb_init(f);
	mp(f, "aumsusSsbsSsSsSsu", 2, 1, 7, "v", 1, "board", board,
	    (int)sizeof board, "client", client16, PROTO_CLIENT_LEN, "name",
	    name, (int)sizeof name, "code", code, (int)sizeof code, "key", key,
	    (int)sizeof key, "since", 0);
}

Test(proto, arena_is_bounded_by_the_frame)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;
	uint32_t		n;
	size_t			i;

	for (i = 0; i < 3; i++) {
		if (i == 0)
			worst_tally(&f, &n);
		else if (i == 1)
			worst_card(&f);
		else
			worst_hello(&f);
		cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m,
		    &err), PROTO_OK, "case %zu: %s", i, err.text);
		cr_assert_not_null(m.arena);
		cr_assert_leq(malloc_usable_size(m.arena), 6 * f.sb.size + 32,
		    "case %zu: arena of %zu bytes for a frame of %zu", i,
		    malloc_usable_size(m.arena), f.sb.size);
		if (i == 0) {
			cr_assert_eq(m.u.event.op.npairs, n);
			cr_assert_eq(m.u.event.op.pairs[n - 1].a,
			    (n - 1) & 0x7f);
			cr_assert_eq(m.u.event.op.pairs[n - 1].b, 1);
		}
		proto_msg_free(&m);
		msgpack_sbuffer_destroy(&f.sb);
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#ifndef TEST_ASAN
/*
 * Count what decoding allocates, msgpack-c's zone included, by standing in
 * for malloc in this test binary (glibc's own allocator does the work).
 * Only while count_on is set, in the thread that set it.
 */
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);
void	 __libc_free(void *);

static _Thread_local bool	count_on;
static _Thread_local long	count_live, count_peak;

/* Note n more live bytes. */
static void
count_add(long n)
{
	count_live += n;
	if (count_live > count_peak)
		count_peak = count_live;
}

/* malloc, counted. */
void *
malloc(size_t n)
{
	void	*p = __libc_malloc(n);

	if (count_on && p != NULL)
		count_add((long)malloc_usable_size(p));
	return p;
}

/* calloc, counted. */
void *
calloc(size_t n, size_t size)
{
	void	*p = __libc_calloc(n, size);

	if (count_on && p != NULL)
		count_add((long)malloc_usable_size(p));
	return p;
}

/* realloc, counted. */
void *
realloc(void *old, size_t n)
{
	long	 before = old != NULL ? (long)malloc_usable_size(old) : 0;
	void	*p = __libc_realloc(old, n);

	if (count_on && p != NULL)
		count_add((long)malloc_usable_size(p) - before);
	return p;
}

/* free, counted. */
void
free(void *p)
{
	if (count_on && p != NULL)
		count_live -= (long)malloc_usable_size(p);
	__libc_free(p);
}

/* Peak bytes allocated while decoding the body of f. */
static long
decode_peak(struct fb *f, enum proto_status want)
{
	struct proto_msg	m;
	struct proto_err	err;
	enum proto_status	st;

	count_live = count_peak = 0;
	count_on = true;
	st = proto_decode((uint8_t *)f->sb.data, f->sb.size, &m, &err);
	count_on = false;
	cr_assert_eq(st, want, "%s", err.text);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f->sb);
	return count_peak;
}

/*
 * msgpack-c spends 24 bytes per container element (48 per map entry), in
 * one zone chunk the prescan sizes, and no element exists without a frame
 * byte of its own; the arena adds at most 6 bytes per frame byte.  The
 * worst cases measure 29.4 (tally of fixint pairs) and 24.0 (nils).
 */
#define PEAK_BOUND(len)	(30 * (long)(len) + 4096)

Test(proto, total_allocation_is_bounded_by_the_frame)
{
	struct fb	f;
	uint32_t	n, i;
	long		peak;
	size_t		len;

	worst_tally(&f, &n);
	len = f.sb.size;
	peak = decode_peak(&f, PROTO_OK);
	cr_assert_leq(peak, PEAK_BOUND(len), "tally: %ld for %zu", peak, len);
	cr_assert_gt(peak, 16 * (long)n, "the counter counts");

	/* The most objects a frame can hold, refused after unpacking. */
	fb_init(&f);
	msgpack_pack_array(&f.pk, PROTO_FRAME_MAX - 3);
	for (i = 0; i < PROTO_FRAME_MAX - 3; i++)
		msgpack_pack_nil(&f.pk);
	len = f.sb.size;
	peak = decode_peak(&f, PROTO_E_FRAME);
	cr_assert_leq(peak, PEAK_BOUND(len), "nils: %ld for %zu", peak, len);

	/* The most map entries. */
	fb_init(&f);
	mp(&f, "au", 2, 1);
	msgpack_pack_map(&f.pk, (PROTO_FRAME_MAX - 8) / 2);
	for (i = 0; i < (PROTO_FRAME_MAX - 8) / 2; i++)
		mp(&f, "un", i & 0x7f);
	len = f.sb.size;
	peak = decode_peak(&f, PROTO_E_FRAME);
	cr_assert_leq(peak, PEAK_BOUND(len), "map: %ld for %zu", peak, len);

	/* A lying header costs nothing: refused before any allocation. */
	fb_init(&f);
	mp(&f, "r", "\x92\x12\xdd\xff\xff\xff\xff\x00", 8);
	peak = decode_peak(&f, PROTO_E_FRAME);
	cr_assert_eq(peak, 0, "lying header allocated %ld", peak);

	worst_card(&f);
	len = f.sb.size;
	peak = decode_peak(&f, PROTO_OK);
	cr_assert_leq(peak, PEAK_BOUND(len), "card: %ld for %zu", peak, len);
}
#endif

Test(proto, encoder_refuses_frames_over_the_limit)
{
	struct proto_buf	 b;
	struct proto_event	 ev = { .seq = 1 };
	struct proto_pair	*pairs;
	char			*text;
	size_t			 n, i, maxtext;

	proto_buf_init(&b);
	cr_assert_eq(proto_enc_bye(&b), 6);

	/* [20, 0, 1, text]: 7 bytes around a str16 text. */
	maxtext = PROTO_FRAME_MAX - 7;
	text = malloc(maxtext + 2);
	memset(text, 'a', maxtext + 1);
	text[maxtext + 1] = '\0';
	cr_assert_eq(proto_enc_reject(&b, 0, 1, text), 0, "65537-byte body");
	cr_assert_eq(b.len, 6, "the buffer is left as it was");
	cr_assert_arr_eq(b.data, "\0\0\0\2\x91\x05", 6);
	text[maxtext] = '\0';
	n = proto_enc_reject(&b, 0, 1, text);
	cr_assert_eq(n, PROTO_FRAME_HDR + PROTO_FRAME_MAX, "65536-byte body");
	cr_assert_eq(proto_frame_len(b.data + 6), PROTO_FRAME_MAX);
	cr_assert_eq(b.len, 6 + n);
	free(text);

	/* 4000 pairs of big numbers do not fit: 19 bytes each. */
	proto_buf_reset(&b);
	pairs = calloc(4000, sizeof *pairs);
	for (i = 0; i < 4000; i++) {
		pairs[i].a = UINT64_MAX - i;
		pairs[i].b = UINT64_MAX;
	}
	ev.op.kind = OP_TALLY;
	ev.op.pairs = pairs;
	ev.op.npairs = 4000;
	cr_assert_eq(proto_enc_event(&b, &ev), 0);
	cr_assert_eq(b.len, 0);
	/* Card ids under 65536 and small counts do. */
	for (i = 0; i < 4000; i++) {
		pairs[i].a = 60000 + i;
		pairs[i].b = i % 100;
	}
	cr_assert_gt(proto_enc_event(&b, &ev), 0);
	free(pairs);
	proto_buf_free(&b);
}

/* ------------------------------------------------------------ names */

Test(proto, name_tables)
{
	static const struct {
		const char	*(*name)(unsigned);
		int		 (*parse)(const char *);
		unsigned	 count;
	} tables[] = {
		{ proto_phase_name, proto_phase_parse, PHASE_COUNT },
		{ proto_role_name, proto_role_parse, ROLE_COUNT },
		{ proto_action_name, proto_action_parse, TIMER_ACTION_COUNT },
		{ proto_view_name, proto_view_parse, FOLLOW_VIEW_COUNT },
		{ proto_what_name, proto_what_parse, STATE_WHAT_COUNT },
	};
	size_t	i;
	unsigned v;

	for (i = 0; i < NITEMS(tables); i++) {
		for (v = 0; v < tables[i].count; v++) {
			cr_assert_not_null(tables[i].name(v));
			cr_assert_eq(tables[i].parse(tables[i].name(v)),
			    (int)v);
		}
		cr_assert_null(tables[i].name(tables[i].count));
		cr_assert_eq(tables[i].parse("nope"), -1);
		cr_assert_eq(tables[i].parse(""), -1);
	}
	cr_assert_str_eq(proto_phase_name(PHASE_HARVEST), "harvest");
	cr_assert_str_eq(proto_role_name(ROLE_FACILITATOR), "facilitator");
	cr_assert_str_eq(proto_action_name(TIMER_RESUME), "resume");
	cr_assert_str_eq(proto_view_name(FOLLOW_RESULTS), "results");
	cr_assert_str_eq(proto_what_name(STATE_MEET), "meet");
	cr_assert_eq(proto_phase_parse("ideas "), -1);
}

Test(proto, kind_names_and_texts)
{
	static const struct {
		unsigned	 kind;
		const char	*name;
	} kinds[] = {
		{ 1, "card.add" }, { 2, "card.edit" }, { 3, "card.delete" },
		{ 4, "card.move" }, { 5, "card.group" },
		{ 6, "cluster.title" }, { 7, "vote" }, { 8, "table.sit" },
		{ 9, "ready" }, { 32, "table.add" }, { 33, "table.edit" },
		{ 34, "phase" }, { 35, "timer" }, { 36, "banner" },
		{ 37, "rotate" }, { 38, "keep" }, { 39, "settings" },
		{ 40, "role" }, { 41, "follow" }, { 64, "joined" },
		{ 65, "timer.end" }, { 66, "tally" }, { 67, "reveal" },
		{ 10, "react" }, { 11, "poll.answer" }, { 42, "step" },
		{ 43, "poll.open" }, { 44, "poll.close" }, { 45, "regroup" },
		{ 46, "agenda" }, { 47, "agenda.cut" }, { 48, "labels" },
		{ 49, "label" },
	};
	size_t		i;
	unsigned	c;

	for (i = 0; i < NITEMS(kinds); i++)
		cr_assert_str_eq(proto_kind_name(kinds[i].kind), kinds[i].name);
	cr_assert_null(proto_kind_name(0));
	cr_assert_null(proto_kind_name(63));
	cr_assert_null(proto_kind_name(68));
	cr_assert_null(proto_kind_name(1000));
	for (c = REJECT_BAD; c <= REJECT_FROZEN; c++)
		cr_assert_gt(strlen(proto_reject_text(c)), 3);
	cr_assert_str_eq(proto_reject_text(REJECT_PHASE), "wrong phase");
	cr_assert_not_null(proto_reject_text(0));
	cr_assert_not_null(proto_reject_text(99));
	for (c = ERROR_VERSION; c <= ERROR_IDLE; c++)
		cr_assert_gt(strlen(proto_error_text(c)), 3);
	cr_assert_str_eq(proto_error_text(ERROR_BOARD), "no such board");
	cr_assert_str_eq(proto_error_text(ERROR_IDLE), "idle timeout");
	cr_assert_not_null(proto_error_text(99));
	cr_assert_not_null(proto_error_text(109));
	cr_assert(ERROR_FINAL(ERROR_NAME));
	cr_assert_not(ERROR_FINAL(ERROR_PROTOCOL));
}

Test(proto, board_names_and_frame_length)
{
	static const uint8_t	hdr[] = { 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t	hdr2[] = { 0x12, 0x34, 0x56, 0x78 };

	cr_assert(proto_board_name_ok("atelier-rh"));
	cr_assert(proto_board_name_ok("0"));
	cr_assert_not(proto_board_name_ok(""));
	cr_assert_not(proto_board_name_ok(NULL));
	cr_assert_not(proto_board_name_ok("-x"));
	cr_assert_not(proto_board_name_ok("x y"));
	cr_assert_not(proto_board_name_ok("X"));
	cr_assert_eq(proto_frame_len(hdr), 65536);
	cr_assert_eq(proto_frame_len(hdr2), 0x12345678);
}

/* ------------------------------------------------------------ ownership */

Test(proto, op_dup_owns_everything_op_free_releases_it)
{
	static struct proto_pair pairs[] = { { 4, 12 }, { 5, 0 } };
	char		 text[] = "Idée", theme[] = "Thème", title[] = "Café",
			 code[] = "1234";
	struct proto_op	 src = { .kind = OP_SETTINGS, .text = text,
	    .theme = theme, .pairs = pairs, .npairs = 2,
	    .settings = { .has = SET_TITLE | SET_CODE | SET_DOTS,
	    .title = title, .code = code, .dots = 7 } };
	struct proto_op	 dup, empty;

	proto_op_dup(&dup, &src);
	cr_assert(fuzz_op_eq(&src, &dup), "the copy differs");
	cr_assert_neq(dup.text, src.text);
	cr_assert_neq(dup.theme, src.theme);
	cr_assert_neq(dup.settings.title, src.settings.title);
	cr_assert_neq(dup.settings.code, src.settings.code);
	cr_assert_neq(dup.pairs, src.pairs);
	/* The copy stands alone: the original may change or go. */
	text[0] = theme[0] = title[0] = code[0] = 'X';
	pairs[0].a = 99;
	cr_assert_str_eq(dup.text, "Idée");
	cr_assert_str_eq(dup.theme, "Thème");
	cr_assert_str_eq(dup.settings.title, "Café");
	cr_assert_str_eq(dup.settings.code, "1234");
	cr_assert_eq(dup.pairs[0].a, 4);
	proto_op_free(&dup);
	memset(&empty, 0, sizeof empty);
	cr_assert(memcmp(&dup, &empty, sizeof dup) == 0, "not left empty");

	/* Absent strings and no pairs stay absent; freeing that is fine. */
	proto_op_dup(&dup, &empty);
	cr_assert_null(dup.text);
	cr_assert_null(dup.settings.title);
	cr_assert_null(dup.pairs);
	proto_op_free(&dup);
}

/* ------------------------------------------------------------ corpus */

/* Read a whole file into a malloc'd buffer; its length in *len. */
static uint8_t *
read_file(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	uint8_t	*p;
	long	 n;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n, "%s", path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

Test(proto, fuzz_corpus_replays_clean)
{
	struct dirent	*de;
	DIR		*d;
	char		 dir[1024], path[2048];
	uint8_t		*p;
	size_t		 len;
	int		 count = 0, ok = 0;
	struct proto_msg m;

	LLVMFuzzerInitialize(NULL, NULL);
	snprintf(dir, sizeof dir, "%s/tests/fixtures/proto-corpus", ts_top());
	d = opendir(dir);
	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		p = read_file(path, &len);
		fuzz_current = path;
		LLVMFuzzerTestOneInput(p, len);
		if (proto_decode(p, len, &m, NULL) == PROTO_OK) {
			ok++;
			proto_msg_free(&m);
		}
		free(p);
		count++;
	}
	closedir(d);
	cr_assert_geq(count, 30, "only %d corpus files", count);
	cr_assert_geq(ok, 15, "only %d valid corpus files", ok);
	cr_assert_lt(ok, count, "no invalid corpus file");
}

/* ------------------------------------------------------------ the day */

static char *rt_choices[] = { "Un pont", "Une ruche", "Un orchestre \xe2\x99\xaa" };
static char *rt_labels[] = { "Ain", "Is\xc3\xa8re", "Dr\xc3\xb4me" };
static struct proto_count rt_counts[] = {
	{ "Un orchestre", 7 }, { "Un pont", 3 }, { "Une ruche", 0 },
	{ "", UINT64_MAX }
};
static struct proto_pair rt_merges[] = { { 1ULL << 52 | 4097, 1ULL << 52 |
    4098 } };

/* The run sheet's steps as the tests send them. */
static const struct proto_step rt_steps[] = {
	{ .has = STEP_TITLE, .title = "Cadrage" },
	{ .has = STEP_TITLE | STEP_PHASE | STEP_DURATION | STEP_BANNER |
	    STEP_FOLLOW | STEP_ACTION | STEP_SIZE | STEP_QUESTION,
	    .title = "Entretiens crois\xc3\xa9s", .phase = PHASE_IDEAS,
	    .duration = 1800, .banner = "Deux par deux", .follow = FOLLOW_NONE,
	    .action = ACTION_PAIRS, .size = 2,
	    .question = "Une coop\xc3\xa9ration r\xc3\xa9ussie ?" },
	{ .has = STEP_TITLE | STEP_ACTION | STEP_QUESTION | STEP_CHOICES |
	    STEP_FOLLOW, .title = "Cl\xc3\xb4ture", .action = ACTION_POLL,
	    .question = "Quelle image ?", .choices = rt_choices, .nchoices = 3,
	    .follow = FOLLOW_RESULTS },
	{ .has = STEP_TITLE | STEP_BANNER | STEP_CHOICES, .title = "Vide",
	    .banner = "", .nchoices = 0 },
};

/* One op of every kind of the day, as the tests send them. */
static const struct proto_op rt_day_ops[] = {
	{ .kind = OP_REACT, .card = 42, .reaction = 1, .flag = true },
	{ .kind = OP_REACT, .card = 42, .reaction = 3, .flag = false },
	{ .kind = OP_POLL_ANSWER, .poll = 77, .answer = { true, NULL, 2 } },
	{ .kind = OP_POLL_ANSWER, .poll = 77,
	    .answer = { true, "Confiance", 0 } },
	{ .kind = OP_POLL_ANSWER, .poll = 77, .answer = { true, "", 0 } },
	{ .kind = OP_STEP, .index = 0 },
	{ .kind = OP_STEP, .index = 63 },
	{ .kind = OP_POLL_OPEN, .text = "Quelle image ?", .strs = rt_choices,
	    .nstrs = 3 },
	{ .kind = OP_POLL_OPEN, .text = "Un mot ?" },
	{ .kind = OP_POLL_CLOSE, .poll = 77 },
	{ .kind = OP_REGROUP, .mode = GROUP_PAIRS, .size = 2,
	    .text = "Une coop\xc3\xa9ration r\xc3\xa9ussie ?" },
	{ .kind = OP_REGROUP, .mode = GROUP_TEAMS, .size = 4, .text = "" },
	{ .kind = OP_REGROUP, .mode = GROUP_LABELS, .text = "" },
	{ .kind = OP_REGROUP, .mode = GROUP_MERGE, .text = "" },
	{ .kind = OP_AGENDA, .index = 0, .step = { .has = STEP_TITLE,
	    .title = "Cadrage" } },
	{ .kind = OP_AGENDA, .index = 1, .step = { .has = STEP_TITLE |
	    STEP_PHASE | STEP_DURATION | STEP_BANNER | STEP_FOLLOW |
	    STEP_ACTION | STEP_SIZE | STEP_QUESTION,
	    .title = "Entretiens crois\xc3\xa9s", .phase = PHASE_IDEAS,
	    .duration = 1800, .banner = "Deux par deux",
	    .follow = FOLLOW_NONE, .action = ACTION_PAIRS, .size = 2,
	    .question = "Une coop\xc3\xa9ration ?" } },
	{ .kind = OP_AGENDA, .index = 2, .step = { .has = STEP_TITLE |
	    STEP_ACTION | STEP_QUESTION | STEP_CHOICES,
	    .title = "Cl\xc3\xb4ture", .action = ACTION_POLL,
	    .question = "Quelle image ?", .choices = rt_choices,
	    .nchoices = 3 } },
	{ .kind = OP_AGENDA_CUT, .index = 3 },
	{ .kind = OP_LABELS, .strs = rt_labels, .nstrs = 3 },
	{ .kind = OP_LABELS },
	{ .kind = OP_LABEL, .label = 2 },
	{ .kind = OP_LABEL, .label = 0, .participant = 9 },
};

Test(proto_day, roundtrip_every_op_and_event_of_the_day)
{
	static const uint8_t	kinds[] = { 10, 11, 42, 43, 44, 45, 46, 47,
	    48, 49 };
	struct proto_op		op;
	char			what[64];
	size_t			i, j, k;
	bool			seen;

	for (i = 0; i < NITEMS(rt_day_ops); i++) {
		snprintf(what, sizeof what, "OP %zu (%s)", i,
		    proto_kind_name(rt_day_ops[i].kind));
		roundtrip_op(&rt_day_ops[i], what);
	}
	for (j = 0; j < NITEMS(kinds); j++) {
		seen = false;
		for (i = 0; i < NITEMS(rt_day_ops); i++)
			seen = seen || rt_day_ops[i].kind == kinds[j];
		cr_assert(seen, "kind %u not covered", kinds[j]);
	}
	for (i = 0; i < NITEMS(rt_day_ops); i++) {
		op = rt_day_ops[i];
		switch (op.kind) {
		case OP_POLL_ANSWER:
			/* The previous answer: none, a choice, a word. */
			for (k = 0; k < 3; k++) {
				op.prev = (struct proto_answer){ k != 0,
				    k == 2 ? "\xc3\x89" "coute" : NULL,
				    (uint32_t)k };
				snprintf(what, sizeof what, "EVENT %zu prev %zu",
				    i, k);
				roundtrip_event(&op, 5, 12, what);
			}
			continue;
		case OP_STEP:
			for (k = 0; k < NITEMS(rt_steps); k++) {
				op.step = rt_steps[k];
				op.pairs = k == 1 ? rt_pairs : NULL;
				op.npairs = k == 1 ? NITEMS(rt_pairs) : 0;
				op.merges = k == 1 ? rt_merges : NULL;
				op.nmerges = k == 1 ? NITEMS(rt_merges) : 0;
				snprintf(what, sizeof what, "EVENT step %zu", k);
				roundtrip_event(&op, 1, 3, what);
			}
			continue;
		case OP_POLL_CLOSE:
			op.counts = rt_counts;
			op.ncounts = NITEMS(rt_counts);
			break;
		case OP_REGROUP:
			op.pairs = rt_pairs;
			op.npairs = NITEMS(rt_pairs);
			if (op.mode == GROUP_MERGE) {
				op.merges = rt_merges;
				op.nmerges = NITEMS(rt_merges);
			}
			break;
		case OP_LABEL:
			if (op.participant == 0)
				op.participant = 5;
			break;
		}
		snprintf(what, sizeof what, "EVENT %zu (%s)", i,
		    proto_kind_name(op.kind));
		roundtrip_event(&op, 5, 12, what);
	}
	/* An empty close and an empty regroup still carry their lists. */
	memset(&op, 0, sizeof op);
	op.kind = OP_POLL_CLOSE;
	op.poll = 9;
	roundtrip_event(&op, 1, 2, "empty close");
	memset(&op, 0, sizeof op);
	op.kind = OP_REGROUP;
	op.text = "";
	roundtrip_event(&op, 1, 2, "empty regroup");
}

Test(proto_day, a_hidden_answer_is_five_elements_and_nothing_else)
{
	struct proto_event	ev = { .seq = 5, .origin = 3, .op_id = 9 };
	struct proto_buf	b;
	struct proto_msg	m;
	struct proto_err	err;
	static const uint8_t	want[] = { 0, 0, 0, 6, 0x95, 0x12, 0x05, 0,
	    0, 0x0b };

	ev.op.kind = OP_POLL_ANSWER;
	ev.op.hidden = true;
	ev.op.poll = 42;
	ev.op.answer = (struct proto_answer){ true, "secret", 0 };
	proto_buf_init(&b);
	cr_assert_eq(proto_enc_event(&b, &ev), sizeof want);
	cr_assert_arr_eq(b.data, want, sizeof want);
	cr_assert_eq(proto_decode(b.data + 4, b.len - 4, &m, &err), PROTO_OK,
	    "%s", err.text);
	cr_assert(m.u.event.op.hidden);
	cr_assert_eq(m.u.event.op.kind, OP_POLL_ANSWER);
	cr_assert_eq(m.u.event.op.poll, 0);
	proto_msg_free(&m);
	proto_buf_free(&b);
	/* A hidden answer never names who. */
	expect_fmt(PROTO_E_FRAME, "hidden answer with an origin", "auuuu", 5,
	    18, 5, 3, 0, 11);
	expect_fmt(PROTO_E_FRAME, "answer without its prev", "auuuuuu", 7,
	    18, 5, 3, 1, 11, 42, 2);
}

/* ext: a hidden score is [18, seq, 0, 0, 15] whatever it held. */
Test(proto, hidden_score_is_five_elements)
{
	struct proto_event	ev = { .seq = 5, .origin = 3, .op_id = 9 };
	struct proto_buf	b;
	static const uint8_t	want[] = { 0, 0, 0, 6, 0x95, 0x12, 0x05, 0,
	    0, 0x0f };

	ev.op.kind = OP_SCORE;
	ev.op.hidden = true;
	ev.op.card = 42;
	ev.op.value = 3;
	proto_buf_init(&b);
	cr_assert_eq(proto_enc_event(&b, &ev), sizeof want);
	cr_assert_arr_eq(b.data, want, sizeof want);
	proto_buf_free(&b);
}

/* ext: card.add's section is a trailing option, left out when 0. */
Test(proto, card_add_section_is_a_trailing_option)
{
	struct proto_op		op = { .kind = OP_CARD_ADD, .table = 3,
	    .text = "x" };
	struct proto_buf	b;
	struct proto_msg	m;
	struct proto_err	err;

	proto_buf_init(&b);
	proto_enc_op(&b, 1, &op);
	/* [2, 1, 1, 3, "x", 0]: six elements. */
	cr_assert_eq(b.data[PROTO_FRAME_HDR], 0x96);
	proto_buf_reset(&b);
	op.section = 2;
	proto_enc_op(&b, 1, &op);
	cr_assert_eq(b.data[PROTO_FRAME_HDR], 0x97);
	cr_assert_eq(proto_decode(b.data + PROTO_FRAME_HDR,
	    b.len - PROTO_FRAME_HDR, &m, &err), PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.op.op.section, 2);
	proto_msg_free(&m);
	proto_buf_free(&b);
}

/*
 * ext: like expect_op, for ops with nested arrays: top is the number of
 * top-level elements fmt makes (the kind and the arguments).
 */
static void
expect_nested(uint8_t reject, const char *what, int top, const char *fmt,
    ...)
{
	struct fb	 f;
	va_list		 ap;

	fb_init(&f);
	mp(&f, "auu", 2 + top, 2, 21);
	va_start(ap, fmt);
	vmp(&f, fmt, ap);
	va_end(ap);
	if (reject == 0)
		fb_expect(&f, PROTO_OK, what);
	else
		fb_expect_reject(&f, 21, reject, what);
}

Test(proto_day, ops_of_the_day_with_wrong_shapes)
{
	char	long_word[4 * PROTO_WORD_MAX + 2];
	char	long_title[4 * PROTO_STEP_TITLE_MAX + 2];

	memset(long_word, 'a', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	memset(long_title, 'a', sizeof long_title - 1);
	long_title[sizeof long_title - 1] = '\0';
	expect_op(0, "answer a choice", "uuu", 11, 7, 2);
	expect_op(0, "answer a word", "uus", 11, 7, "Confiance");
	expect_op(REJECT_BAD, "answer nil", "uun", 11, 7);
	expect_op(REJECT_BAD, "answer a bool", "uuT", 11, 7);
	expect_op(REJECT_BAD, "answer negative", "uui", 11, 7, -1);
	expect_op(REJECT_BAD, "answer 2^32", "uuU", 11, 7, 1ULL << 32);
	expect_op(REJECT_LIMIT, "answer too long", "uus", 11, 7, long_word);
	expect_op(REJECT_BAD, "answer with a prev", "uuuu", 11, 7, 1, 2);
	expect_op(REJECT_BAD, "react's reaction a string", "uusT", 10, 42,
	    "+1");
	expect_op(REJECT_BAD, "react without its flag", "uuu", 10, 42, 1);
	expect_nested(REJECT_BAD, "choices not strings", 3, "usau", 43, "Q ?", 1, 4);
	expect_op(REJECT_BAD, "choices not an array", "uss", 43, "Q ?", "un");
	expect_nested(REJECT_LIMIT, "a choice too long", 3, "usas", 43, "Q ?", 1,
	    long_word);
	expect_nested(0, "a word poll", 3, "usa", 43, "Un mot ?", 0);
	expect_op(REJECT_BAD, "regroup's mode unknown", "us", 45, "trios");
	expect_op(REJECT_BAD, "regroup's mode a number", "uu", 45, 0);
	expect_op(0, "regroup's mode alone", "us", 45, "pairs");
	expect_op(REJECT_BAD, "regroup too many", "ususs", 45, "pairs", 2, "Q",
	    "x");
	expect_op(REJECT_BAD, "agenda's step not a map", "uus", 46, 0,
	    "Cadrage");
	expect_nested(REJECT_BAD, "agenda's title a number", 3, "uumsu", 46, 0, 1,
	    "title", 3);
	expect_nested(REJECT_BAD, "agenda's action unknown", 3, "uumssss", 46, 0, 2,
	    "title", "Cadrage", "action", "dance");
	expect_nested(REJECT_BAD, "agenda's key twice", 3, "uumssss", 46, 0, 2,
	    "title", "A", "title", "B");
	expect_nested(REJECT_LIMIT, "agenda's title too long", 3, "uumss", 46, 0, 1,
	    "title", long_title);
	expect_op(REJECT_BAD, "label without a label", "u", 49);
	expect_op(REJECT_BAD, "step without an index", "u", 42);
	expect_op(REJECT_BAD, "labels not an array", "us", 48, "Ain");
}

Test(proto_day, unknown_step_keys_are_ignored_and_label_self_is_short)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct proto_buf	b;
	struct fb		f;
	struct proto_op		op = { .kind = OP_LABEL, .label = 3 };

	fb_init(&f);
	mp(&f, "auuuumssss", 5, 2, 1, 46, 0, 2, "title", "Cadrage", "colour",
	    "vert");
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert_eq(m.u.op.op.step.has, STEP_TITLE);
	cr_assert_str_eq(m.u.op.op.step.title, "Cadrage");
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
	/* label: participant 0 (oneself) is left out, as table.sit's. */
	proto_buf_init(&b);
	proto_enc_op(&b, 7, &op);
	cr_assert_eq(b.data[4], 0x94, "[2, 7, 49, 3]");
	proto_buf_free(&b);
}

Test(proto_day, roundtrip_every_record_of_the_day)
{
	struct proto_msg	m;
	struct proto_state	*st = &m.u.state;
	size_t			i;

	for (i = 0; i < NITEMS(rt_steps); i++) {
		memset(&m, 0, sizeof m);
		m.type = PROTO_STATE;
		st->what = STATE_STEP;
		st->index = (uint32_t)i;
		st->step = rt_steps[i];
		st->created_ms = 1700000000000LL;
		st->ended_ms = i == 0 ? 1700000060000LL : 0;
		st->current = i == 1;
		roundtrip(&m, "STATE step");
	}
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_LABELS;
	st->strs = rt_labels;
	st->nstrs = NITEMS(rt_labels);
	roundtrip(&m, "STATE labels");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_MEMBER;
	st->id = 9;
	st->label = 2;
	st->team = PROTO_GROUP_ID(40, 3);
	roundtrip(&m, "STATE member");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_GROUP;
	st->id = PROTO_GROUP_ID(40, 3);
	st->kind = TABLE_TEAM;
	st->number = 3;
	st->dissolved = true;
	roundtrip(&m, "STATE group");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_POLL;
	st->id = 77;
	st->text = "Quelle image ?";
	st->strs = rt_choices;
	st->nstrs = NITEMS(rt_choices);
	st->closed = true;
	st->created_ms = 1700000000000LL;
	st->ended_ms = 1700000090000LL;
	st->counts = rt_counts;
	st->ncounts = NITEMS(rt_counts);
	roundtrip(&m, "STATE poll");
	st->strs = NULL;
	st->nstrs = 0;
	st->counts = NULL;
	st->ncounts = 0;
	st->closed = false;
	roundtrip(&m, "STATE word poll, open");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_ANSWER;
	st->id = 77;
	st->author = 9;
	st->answer = (struct proto_answer){ true, "Confiance", 0 };
	st->seq = 80;
	roundtrip(&m, "STATE answer, a word");
	st->answer = (struct proto_answer){ true, NULL, 11 };
	roundtrip(&m, "STATE answer, a choice");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_REACTIONS;
	st->id = 42;
	st->reacts[0] = 3;
	st->reacts[2] = UINT32_MAX;
	roundtrip(&m, "STATE reactions");
	memset(&m, 0, sizeof m);
	m.type = PROTO_STATE;
	st->what = STATE_REACTED;
	st->id = 9;
	st->pairs = rt_pairs;
	st->npairs = NITEMS(rt_pairs);
	roundtrip(&m, "STATE reacted");
}

Test(proto_day, a_board_record_without_the_new_settings_still_decodes)
{
	struct proto_msg	m;
	struct proto_err	err;
	struct fb		f;

	/* An older server's record: no live_polls, no hosts_stay. */
	fb_init(&f);
	mp(&f, "ausm", 3, 17, "board", 20);
	mp(&f, "ssss", "name", "cafe", "title", "Caf\xc3\xa9");
	mp(&f, "susTsTsFsFsFss", "dots", 3, "multi_vote", "blind", "private",
	    "anonymous", "freeze_at_zero", "code", "");
	mp(&f, "sFsusssusssTsssususU", "locked", "keep", 3, "phase", "ideas",
	    "round", 1, "banner", "", "revealed", "follow_view", "none",
	    "follow_table", 0, "follow_seq", 0, "created_ms",
	    1700000000000ULL);
	mp(&f, "su", "head", 9);
	cr_assert_eq(proto_decode((uint8_t *)f.sb.data, f.sb.size, &m, &err),
	    PROTO_OK, "%s", err.text);
	cr_assert(m.u.state.board.multi_vote);
	cr_assert_not(m.u.state.board.live_polls);
	cr_assert_not(m.u.state.board.hosts_stay);
	cr_assert_eq(m.u.state.board.head, 9);
	proto_msg_free(&m);
	msgpack_sbuffer_destroy(&f.sb);
}

/* ext: the lists' shapes and limits are checked. */
Test(proto, deliverable_lists_wrong_shapes)
{
	/* canvas.add [name, [[name, hint, limit, kind], ...]] */
	expect_nested(0, "canvas.add right", 3, "usaassus", 50, "C", 1, 4,
	    "a", "", 0, "ideas");
	expect_nested(REJECT_BAD, "canvas.add sections not an array", 3,
	    "uss", 50, "C", "x");
	expect_nested(REJECT_BAD, "canvas.add section of three", 3,
	    "usaasss", 50, "C", 1, 3, "a", "b", "c");
	expect_nested(REJECT_BAD, "canvas.add section of unknown kind", 3,
	    "usaassus", 50, "C", 1, 4, "a", "", 0, "roadmap");
	expect_nested(0, "canvas.add section of kind actions", 3,
	    "usaassus", 50, "C", 1, 4, "a", "", 0, "actions");
	expect_nested(REJECT_BAD, "canvas.add limit negative", 3,
	    "usaassis", 50, "C", 1, 4, "a", "", -1, "ideas");
	/* criteria [labels] */
	expect_nested(0, "criteria right", 2, "uass", 55, 2, "a", "b");
	expect_nested(REJECT_BAD, "criteria label int", 2, "uasu", 55, 2,
	    "a", 3);
	expect_nested(REJECT_LIMIT, "criteria: nine", 2, "uasssssssss", 55, 9,
	    "a", "b", "c", "d", "e", "f", "g", "h", "i");
	/* score [card, criterion, value] */
	expect_op(0, "score right", "uuuu", 15, 4, 1, 2);
	expect_op(REJECT_BAD, "score value negative", "uuui", 15, 4, 1, -2);
	expect_op(REJECT_BAD, "score short", "uuu", 15, 4, 1);
	/* action [card, owner, due] */
	expect_op(0, "action right", "uuss", 14, 4, "Paul", "2027-01-02");
	expect_op(REJECT_LIMIT, "action due too long", "uuss", 14, 4, "Paul",
	    "2027-01-02-03-04-05-06-07-08-09-10-11-12-13-14");
	/* eval.close is server-derived: its OP has no argument. */
	expect_op(0, "eval.close", "u", 53);
	expect_nested(REJECT_BAD, "eval.close with totals", 2, "uaauuu", 53,
	    1, 3, 1, 2, 3);
}
