/*
 * test_server.c -- cafeboard-server end to end: the real server on a private
 * Unix socket (and a loopback port when a test needs TCP), raw protocol
 * clients from tsupport, and the offline commands.
 *
 * Every test starts its own server and bounds its time: a Criterion timeout,
 * and a deadline on every wait (TS_TIMEOUT_MS).  Nothing asserts how long
 * anything took.  The .fini of every test kills the server by pid and
 * removes its directory, also after a failed assertion (Criterion runs the
 * fini then); a test killed by its timeout takes its server with it
 * (tsupport spawns it with a parent-death signal) and its directory (a
 * guard process of tsupport's removes it).
 */
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define WAIT		TS_TIMEOUT_MS
#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])
#define ULL(x)		((unsigned long long)(x))

#define FRENCH	"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 l'emploi " \
		"\xc2\xbb \xe2\x80\x94 \xc5\x93uvre"

/* The servers of the running test, and its clients: fini releases them. */
static struct tserver	srv;
static struct tclient	clients[24];
static size_t		nclients;

/* A directory a test made read-only, to give back before removal. */
static char		restore_dir[200];

/* Kill the server, remove its directory, close every client. */
static void
cleanup(void)
{
	size_t	i;

	if (restore_dir[0] != '\0') {
		chmod(restore_dir, 0700);
		restore_dir[0] = '\0';
	}
	tserver_cleanup(&srv);
	for (i = 0; i < nclients; i++)
		tclient_close(&clients[i]);
	nclients = 0;
}

/*
 * One timeout for every test: Criterion 2.4.1 (BoxFort) loses the pending
 * timeouts that end later than a new test's when it starts one, and the
 * runner then reports them as leaks under LeakSanitizer.  With a single
 * value, deadlines only ever come in order.
 */
#define STEST_TIMEOUT	60
#define STEST(name) \
	Test(server, name, .fini = cleanup, .timeout = STEST_TIMEOUT)

/* A client slot that cleanup closes. */
static struct tclient *
newc(void)
{
	struct tclient	*c;

	cr_assert_lt(nclients, NITEMS(clients), "too many clients");
	c = &clients[nclients++];
	memset(c, 0, sizeof *c);
	c->fd = -1;
	return c;
}

/* ------------------------------------------------------------ helpers */

/* A new client connected to the server, or the test fails. */
static struct tclient *
connected(bool tcp)
{
	struct tclient	*c = newc();

	cr_assert_eq(tclient_connect(c, &srv, tcp), 0, "cannot connect (%s)",
	    tcp ? "tcp" : "unix");
	return c;
}

/* A new client that joined board as name; any refusal fails the test. */
static struct tclient *
joined(bool tcp, const char *board, const char *name, const char *code,
    const char *key)
{
	struct tclient	*c = connected(tcp);
	int		 rc;

	rc = tclient_join(c, board, name, code, key);
	cr_assert_eq(rc, 0, "%s could not join %s: %d", name, board, rc);
	return c;
}

/* Drop the connection, keeping the client's identity for a reconnect. */
static void
hang_up(struct tclient *c)
{
	close(c->fd);
	c->fd = -1;
	c->inlen = 0;
}

/* Connect c again as the same client. */
static void
reconnect(struct tclient *c, bool tcp)
{
	cr_assert_eq(tclient_reconnect(c, &srv, tcp), 0, "cannot reconnect");
}

/* Send a HELLO with every field. */
static void
hello(struct tclient *c, const char *board, const char *name,
    const char *code, const char *key, uint64_t since, bool state,
    bool observe)
{
	cr_assert_eq(tclient_hello_flags(c, board, name, code, key, since,
	    state, observe), 0, "cannot send HELLO");
}

/* Send op and wait for its EVENT; the event's seq.  A REJECT fails. */
static uint64_t
apply(struct tclient *c, struct proto_op op)
{
	struct proto_msg	m;
	uint32_t		id = tclient_op(c, &op);
	uint64_t		seq;
	int			rc;

	rc = tclient_wait_op(c, id, &m, WAIT);
	cr_assert_eq(rc, 1, "%s (op %u) was not applied: %d (ERROR %u)",
	    proto_kind_name(op.kind), id, rc, c->error);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	return seq;
}

/* Send op; it must get REJECT code, and nothing else may close c. */
static void
refused(struct tclient *c, struct proto_op op, int code, const char *what)
{
	struct proto_msg	m;
	uint32_t		id = tclient_op(c, &op);
	int			rc;

	rc = tclient_wait_op(c, id, &m, WAIT);
	if (rc == 1)
		proto_msg_free(&m);
	cr_assert_eq(rc, -code, "%s: got %d (ERROR %u), want REJECT %d", what,
	    rc, c->error, code);
}

/* The next EVENT c receives (PRESENCE and PING skipped). */
static void
next_event(struct tclient *c, struct proto_msg *m)
{
	int	rc = tclient_expect(c, PROTO_EVENT, m, WAIT);

	cr_assert_eq(rc, 1, "no EVENT came (%d)", rc);
	cr_assert_eq(m->type, PROTO_EVENT, "ERROR %u came instead of an EVENT",
	    m->u.error.code);
}

/* Skip to the EVENT seq (all before it are lower); it must come. */
static void
event_at(struct tclient *c, uint64_t seq, struct proto_msg *m)
{
	for (;;) {
		next_event(c, m);
		if (m->u.event.seq >= seq)
			break;
		proto_msg_free(m);
	}
	cr_assert_eq(m->u.event.seq, seq, "seq %llu came, want %llu",
	    ULL(m->u.event.seq), ULL(seq));
}

/* Skip every EVENT up to seq. */
static void
skip_to(struct tclient *c, uint64_t seq)
{
	struct proto_msg	m;

	if (c->head >= seq)
		return;
	event_at(c, seq, &m);
	proto_msg_free(&m);
}

/*
 * The EVENT seq as c receives it, raw (header included, malloc'd), and
 * decoded into m; the EVENTs before it are skipped.
 */
static size_t
event_frame_at(struct tclient *c, uint64_t seq, uint8_t **frame,
    struct proto_msg *m)
{
	struct proto_err	err;
	size_t			len;
	int			rc;

	for (;;) {
		rc = tclient_recv_frame(c, frame, &len, WAIT);
		cr_assert_eq(rc, 1, "no frame came (%d)", rc);
		cr_assert_eq(proto_decode(*frame + PROTO_FRAME_HDR,
		    len - PROTO_FRAME_HDR, m, &err), PROTO_OK, "%s", err.text);
		if (m->type == PROTO_EVENT) {
			c->head = m->u.event.seq;
			if (m->u.event.seq >= seq)
				break;
		} else
			cr_assert(m->type == PROTO_PRESENCE ||
			    m->type == PROTO_PING, "message %u came instead of "
			    "an EVENT", m->type);
		proto_msg_free(m);
		free(*frame);
	}
	cr_assert_eq(m->u.event.seq, seq, "seq %llu came, want %llu",
	    ULL(m->u.event.seq), ULL(seq));
	return len;
}

/* The frame must be exactly want. */
static void
frame_is(const uint8_t *frame, size_t len, const uint8_t *want, size_t wlen,
    const char *what)
{
	size_t	i;

	for (i = 0; i < len && i < wlen; i++)
		cr_assert_eq(frame[i], want[i], "%s: byte %zu is %02x, want "
		    "%02x", what, i, frame[i], want[i]);
	cr_assert_eq(len, wlen, "%s: %zu bytes, want %zu", what, len, wlen);
}

/* c receives ERROR code, then the server closes the connection. */
static void
expect_error(struct tclient *c, uint32_t code, const char *what)
{
	struct proto_msg	 m;
	uint8_t			*f;
	size_t			 len;
	int			 rc;

	rc = tclient_expect(c, PROTO_ERROR, &m, WAIT);
	cr_assert_eq(rc, 1, "%s: no ERROR came (%d)", what, rc);
	cr_assert_eq(m.u.error.code, code, "%s: ERROR %u (%s), want %u", what,
	    m.u.error.code, m.u.error.text, code);
	proto_msg_free(&m);
	while ((rc = tclient_recv_frame(c, &f, &len, WAIT)) == 1)
		free(f);
	cr_assert_eq(rc, -1, "%s: the connection stays open after ERROR",
	    what);
}

/* A fresh connection sends bytes and must get ERROR code and a close. */
static void
bad_bytes(const void *p, size_t n, uint32_t code, const char *what)
{
	struct tclient	*c = connected(false);

	cr_assert_eq(tclient_send(c, p, n), 0, "%s: cannot send", what);
	expect_error(c, code, what);
}

/* A fresh connection says HELLO and must get ERROR code. */
static void
bad_hello(const char *board, const char *name, const char *code,
    const char *key, bool observe, uint32_t error, const char *what)
{
	struct tclient	*c = connected(false);

	hello(c, board, name, code, key, 0, false, observe);
	expect_error(c, error, what);
}

/* Frame a msgpack body into a buffer that holds header and body. */
static size_t
framed(uint8_t *out, size_t cap, const void *body, size_t len)
{
	cr_assert_leq(len + PROTO_FRAME_HDR, cap);
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memcpy(out + PROTO_FRAME_HDR, body, len);
	return len + PROTO_FRAME_HDR;
}

/* The keeper still works: it adds a card and receives its own EVENT. */
static void
keeper_ok(struct tclient *k, uint64_t table, const char *after)
{
	struct proto_op		op = ADD(table, after, 0);
	struct proto_msg	m;
	uint32_t		id = tclient_op(k, &op);
	int			rc;

	rc = tclient_wait_op(k, id, &m, WAIT);
	cr_assert_eq(rc, 1, "after %s the keeper's card was not applied: %d",
	    after, rc);
	cr_assert_str_eq(m.u.event.op.text, after);
	proto_msg_free(&m);
}

/*
 * f joins with the key, which makes board; a table; phase ideas.  Returns
 * the table.
 */
static uint64_t
new_board(struct tclient **f, bool tcp, const char *board)
{
	uint64_t	t;

	*f = joined(tcp, board, "Nadia", NULL, srv.key);
	t = apply(*f, TADD("Comment mieux coop\xc3\xa9rer ?"));
	apply(*f, PHASE(PHASE_IDEAS));
	return t;
}

/* A participant who joined board and sat at table. */
static struct tclient *
seated(bool tcp, const char *board, const char *name, const char *code,
    uint64_t table)
{
	struct tclient	*c = joined(tcp, board, name, code, NULL);

	apply(c, SIT(table, 0));
	return c;
}

/* What a catch-up brought. */
struct catchup {
	struct proto_welcome w;		/* board not kept */
	uint64_t	 events;	/* EVENTs replayed */
	uint64_t	 bytes;		/* WELCOME to READY, framed */
	uint64_t	 states;	/* STATE records */
	uint8_t		 kinds[64];	/* of the first replayed EVENTs */
};

/* One whole message, and the bytes of its frame. */
static void
recv_counted(struct tclient *c, struct proto_msg *msg, uint64_t *bytes)
{
	struct proto_err	 err;
	uint8_t			*frame;
	size_t			 len;
	int			 rc;

	rc = tclient_recv_frame(c, &frame, &len, WAIT);
	cr_assert_eq(rc, 1, "the catch-up was cut short (%d)", rc);
	cr_assert_eq(proto_decode(frame + PROTO_FRAME_HDR, len -
	    PROTO_FRAME_HDR, msg, &err), PROTO_OK, "%s", err.text);
	free(frame);
	*bytes += len;
	if (msg->type == PROTO_ERROR)
		c->error = msg->u.error.code;
}

/*
 * Read WELCOME .. READY after a HELLO with since, folding everything into m
 * (unless NULL).  A replay must bring exactly since+1 .. head in order, a
 * state catch-up only STATE records; READY must say head.  Returns 0, or
 * the ERROR code that came instead of WELCOME.
 */
static int
catchup(struct tclient *c, uint64_t since, struct model *m,
    struct catchup *cu)
{
	struct proto_msg	msg;
	uint64_t		next = since + 1;
	int			rc;

	memset(cu, 0, sizeof *cu);
	for (;;) {
		recv_counted(c, &msg, &cu->bytes);
		if (msg.type == PROTO_WELCOME || msg.type == PROTO_ERROR)
			break;
		cr_assert(msg.type == PROTO_PRESENCE || msg.type == PROTO_PING,
		    "message %u before WELCOME", msg.type);
		proto_msg_free(&msg);
		cu->bytes = 0;
	}
	if (msg.type == PROTO_ERROR) {
		rc = (int)msg.u.error.code;
		proto_msg_free(&msg);
		return rc;
	}
	cu->w = msg.u.welcome;
	cu->w.board = NULL;
	proto_msg_free(&msg);
	c->participant = cu->w.participant;
	if (m != NULL && cu->w.mode == MODE_STATE)
		model_state_begin(m);
	for (;;) {
		recv_counted(c, &msg, &cu->bytes);
		switch (msg.type) {
		case PROTO_EVENT:
			cr_assert_eq(cu->w.mode, MODE_REPLAY, "an EVENT in a "
			    "state catch-up");
			cr_assert_eq(msg.u.event.seq, next, "replay brought "
			    "seq %llu, want %llu", ULL(msg.u.event.seq),
			    ULL(next));
			if (cu->events < NITEMS(cu->kinds))
				cu->kinds[cu->events] = msg.u.event.op.kind;
			cu->events++;
			next++;
			if (m != NULL)
				cr_assert_eq(model_apply(m, &msg.u.event,
				    ts_now_ms(), NULL), 0, "seq %llu does not "
				    "apply", ULL(msg.u.event.seq));
			break;
		case PROTO_STATE:
			cu->states++;
			if (cu->w.mode == MODE_REPLAY)
				cr_assert_eq(msg.u.state.what, STATE_TIMER,
				    "a replay may only add the timer record");
			if (m != NULL)
				cr_assert_eq(model_state_read(m, &msg.u.state,
				    ts_now_ms()), 0, "a STATE %u record does "
				    "not read", msg.u.state.what);
			break;
		case PROTO_READY:
			cr_assert_eq(msg.u.ready, cu->w.head, "READY %llu, "
			    "WELCOME said head %llu", ULL(msg.u.ready),
			    ULL(cu->w.head));
			if (cu->w.mode == MODE_REPLAY)
				cr_assert_eq(next - 1, cu->w.head, "the replay "
				    "ended at %llu, head is %llu",
				    ULL(next - 1), ULL(cu->w.head));
			else
				cr_assert_eq(cu->events, 0);
			if (m != NULL && cu->w.mode == MODE_STATE)
				model_state_end(m, msg.u.ready);
			c->head = msg.u.ready;
			proto_msg_free(&msg);
			return 0;
		default:
			cr_assert_fail("message %u during the catch-up",
			    msg.type);
		}
		proto_msg_free(&msg);
	}
}

/* Fold every live EVENT c receives into m until m reaches head. */
static void
follow(struct tclient *c, struct model *m, uint64_t head)
{
	struct proto_msg	msg;

	while (m->head < head) {
		next_event(c, &msg);
		cr_assert_eq(model_apply(m, &msg.u.event, ts_now_ms(), NULL), 0,
		    "live seq %llu does not follow %llu", ULL(msg.u.event.seq),
		    ULL(m->head));
		proto_msg_free(&msg);
	}
}

/* Two replicas hold the same board (times and client ids aside). */
static void
same_board(const struct model *a, const struct model *b, const char *what)
{
	size_t	i;

	cr_assert_eq(a->head, b->head, "%s: head %llu vs %llu", what,
	    ULL(a->head), ULL(b->head));
	cr_assert_str_eq(a->name, b->name, "%s", what);
	cr_assert_str_eq(a->settings.title, b->settings.title, "%s", what);
	cr_assert_str_eq(a->settings.code, b->settings.code, "%s", what);
	cr_assert_str_eq(a->banner, b->banner, "%s", what);
	cr_assert_eq(a->phase, b->phase, "%s", what);
	cr_assert_eq(a->round, b->round, "%s", what);
	cr_assert_eq(a->revealed, b->revealed, "%s", what);
	cr_assert_eq(a->settings.dots, b->settings.dots, "%s", what);
	cr_assert_eq(a->settings.blind, b->settings.blind, "%s", what);
	cr_assert_eq(a->settings.private_writing, b->settings.private_writing,
	    "%s", what);
	cr_assert_eq(a->settings.anonymous, b->settings.anonymous, "%s", what);
	cr_assert_eq(a->ntables, b->ntables, "%s: tables", what);
	for (i = 0; i < a->ntables; i++) {
		cr_assert_eq(a->tables[i].id, b->tables[i].id, "%s", what);
		cr_assert_str_eq(a->tables[i].question, b->tables[i].question,
		    "%s", what);
		cr_assert_str_eq(a->tables[i].theme, b->tables[i].theme, "%s",
		    what);
	}
	cr_assert_eq(a->nparticipants, b->nparticipants, "%s: participants",
	    what);
	for (i = 0; i < a->nparticipants; i++) {
		const struct model_participant *p = &a->participants[i];
		const struct model_participant *q = &b->participants[i];

		cr_assert_eq(p->id, q->id, "%s", what);
		cr_assert_str_eq(p->name, q->name, "%s", what);
		cr_assert_eq(p->role, q->role, "%s: role of %u", what, p->id);
		cr_assert_eq(p->table, q->table, "%s: table of %u", what,
		    p->id);
		cr_assert_eq(p->ready, q->ready, "%s", what);
	}
	cr_assert_eq(a->ncards, b->ncards, "%s: cards %zu vs %zu", what,
	    a->ncards, b->ncards);
	cr_assert_eq(a->live_cards, b->live_cards, "%s", what);
	for (i = 0; i < a->ncards; i++) {
		const struct model_card *c = &a->cards[i], *d = &b->cards[i];

		cr_assert_eq(c->id, d->id, "%s", what);
		cr_assert_eq(c->table, d->table, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->author, d->author, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->parent, d->parent, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->head, d->head, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_str_eq(c->text, d->text, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_str_eq(c->title, d->title, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->votes, d->votes, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->shown, d->shown, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->kept, d->kept, "%s", what);
		cr_assert_eq(c->hidden, d->hidden, "%s", what);
		cr_assert_eq(c->edited, d->edited, "%s: card %llu", what,
		    ULL(c->id));
		cr_assert_eq(c->deleted, d->deleted, "%s: card %llu", what,
		    ULL(c->id));
	}
	cr_assert_eq(a->timer.running, b->timer.running, "%s", what);
	cr_assert_eq(a->timer.ended, b->timer.ended, "%s", what);
	cr_assert_str_eq(a->timer.label != NULL ? a->timer.label : "",
	    b->timer.label != NULL ? b->timer.label : "", "%s", what);
}

/* The live card of m with this text, or NULL; *n counts them. */
static const struct model_card *
card_by_text(const struct model *m, const char *text, int *n)
{
	const struct model_card	*found = NULL;
	size_t			 i;

	*n = 0;
	for (i = 0; i < m->ncards; i++) {
		if (!m->cards[i].deleted && strcmp(m->cards[i].text, text) == 0) {
			found = &m->cards[i];
			(*n)++;
		}
	}
	return found;
}

/* Wait until c hears that participant p went offline. */
static void
wait_offline(struct tclient *c, uint32_t p)
{
	struct proto_msg	m;
	bool			gone;

	do {
		cr_assert_eq(tclient_expect(c, PROTO_PRESENCE, &m, WAIT), 1,
		    "no PRESENCE saying %u left", p);
		cr_assert_eq(m.type, PROTO_PRESENCE);
		gone = m.u.presence.participant == p && !m.u.presence.online;
		proto_msg_free(&m);
	} while (!gone);
}

/* The path of a file in a board's directory. */
static void
board_file(char *out, size_t len, const char *board, const char *file)
{
	snprintf(out, len, "%s/%s/%s", srv.data, board, file);
}

/* A value of /proc/PID/status in kB ("VmSize:"), or -1. */
static long
proc_kb(pid_t pid, const char *key)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/* f adds n cards of the longest text to table t, in one write. */
static void
many_cards(struct tclient *f, uint64_t t, int n)
{
	struct proto_op		op;
	struct proto_msg	m;
	char			text[PROTO_CARD_MAX + 1];
	uint32_t		id = 0;
	int			i;

	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "%d %0*d", i, PROTO_CARD_MAX - 12,
		    0);
		op = ADD(t, text, 0);
		id = ++f->next_op;
		cr_assert_neq(proto_enc_op(&f->out, id, &op), 0);
		if (f->out.len > 60000)
			cr_assert_eq(tclient_flush(f), 0);
	}
	cr_assert_eq(tclient_flush(f), 0);
	cr_assert_eq(tclient_wait_op(f, id, &m, WAIT), 1, "the cards were "
	    "not all applied");
	proto_msg_free(&m);
}

/* ------------------------------------------------------------ 1. fan-out */

/* A card added by one client reaches the others, over these transports. */
static void
fanout(bool tcp_a, bool tcp_b)
{
	struct tclient		*f, *a, *b;
	struct proto_op		 op;
	struct proto_msg	 m;
	uint64_t		 t, seq, before;
	uint32_t		 id;

	tserver_start(&srv, true, NULL);
	t = new_board(&f, tcp_b, "cafe");
	a = seated(tcp_a, "cafe", "Am\xc3\xa9lie", NULL, t);
	b = seated(tcp_b, "cafe", "Bruno", NULL, t);
	skip_to(a, b->head);
	skip_to(f, b->head);
	before = b->head;

	op = ADD(t, FRENCH, 0);
	id = tclient_op(a, &op);
	cr_assert_eq(tclient_wait_op(a, id, &m, WAIT), 1);
	seq = m.u.event.seq;
	cr_assert_eq(seq, before + 1, "the card got seq %llu after %llu",
	    ULL(seq), ULL(before));
	proto_msg_free(&m);

	/* The very next event the others get, with its author and op id. */
	next_event(b, &m);
	cr_assert_eq(m.u.event.seq, seq);
	cr_assert_eq(m.u.event.origin, a->participant);
	cr_assert_eq(m.u.event.op_id, id);
	cr_assert_eq(m.u.event.op.kind, OP_CARD_ADD);
	cr_assert_eq(m.u.event.op.table, t);
	cr_assert_str_eq(m.u.event.op.text, FRENCH);
	cr_assert_eq(m.u.event.op.parent, 0);
	proto_msg_free(&m);
	next_event(f, &m);
	cr_assert_eq(m.u.event.seq, seq);
	cr_assert_eq(m.u.event.origin, a->participant);
	cr_assert_eq(m.u.event.op_id, id);
	proto_msg_free(&m);

	/* And back: a reply from b reaches a. */
	op = ADD(t, "Et un transport \xc3\xa0 la demande", seq);
	id = tclient_op(b, &op);
	cr_assert_eq(tclient_wait_op(b, id, &m, WAIT), 1);
	proto_msg_free(&m);
	next_event(a, &m);
	cr_assert_eq(m.u.event.seq, seq + 1);
	cr_assert_eq(m.u.event.origin, b->participant);
	cr_assert_eq(m.u.event.op_id, id);
	cr_assert_eq(m.u.event.op.parent, seq);
	proto_msg_free(&m);
}

STEST(fanout_unix)
{
	fanout(false, false);
}

STEST(fanout_tcp)
{
	fanout(true, true);
}

STEST(fanout_tcp_and_unix)
{
	fanout(true, false);
}

/* ------------------------------------------------------------ 2. catch-up */

STEST(reconnect_replays_only_what_was_missed)
{
	struct tclient		*f, *b;
	struct catchup		 cu;
	uint64_t		 t, h, s[3];
	uint32_t		 p;
	int			 i;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	b = seated(false, "cafe", "Bruno", NULL, t);
	h = b->head;
	p = b->participant;
	hang_up(b);

	for (i = 0; i < 3; i++)
		s[i] = apply(f, ADD(t, "pendant l'absence", 0));
	cr_assert_eq(s[0], h + 1);
	cr_assert_eq(s[2], h + 3);

	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(b, h, NULL, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_REPLAY);
	cr_assert_eq(cu.w.participant, p, "the same client is the same "
	    "participant");
	cr_assert_eq(cu.w.head, h + 3);
	cr_assert_eq(cu.events, 3, "replayed %llu events, want 3",
	    ULL(cu.events));
	for (i = 0; i < 3; i++)
		cr_assert_eq(cu.kinds[i], OP_CARD_ADD);

	/* And it is live again. */
	keeper_ok(b, t, "de retour");
}

/* Make the board interesting: cards, a reply, an edit, a delete. */
static void
busy_board(struct tclient *f, struct tclient *b, uint64_t t, int n)
{
	uint64_t	first = 0, s;
	char		text[64];
	int		i;

	for (i = 0; i < n; i++) {
		snprintf(text, sizeof text, "id\xc3\xa9" "e %d", i);
		s = apply(i % 3 == 0 && b != NULL ? b : f,
		    ADD(t, text, i % 4 == 3 ? first : 0));
		if (first == 0)
			first = s;
	}
	apply(f, EDIT(first, "corrig\xc3\xa9" "e"));
	apply(f, DEL(first + 1));
	apply(f, BANNER("Pause \xe2\x98\x95"));
}

STEST(far_behind_gets_the_state)
{
	struct tclient		*f, *b, *l;
	struct model		*live, *mb;
	struct catchup		 cu;
	uint64_t		 t, h;

	tserver_start(&srv, false, "--replay-max", "5", NULL);
	t = new_board(&f, false, "cafe");

	/* A participant who follows everything live. */
	live = model_new("cafe");
	l = connected(false);
	hello(l, "cafe", "Lucie", NULL, NULL, 0, false, false);
	cr_assert_eq(catchup(l, 0, live, &cu), 0);
	{
		struct proto_op op = SIT(t, 0);

		tclient_op(l, &op);
	}

	b = seated(false, "cafe", "Bruno", NULL, t);
	keeper_ok(b, t, "avant de partir");
	h = b->head;
	hang_up(b);
	busy_board(f, NULL, t, 20);

	/* 20 events behind with 5 kept: the state. */
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	mb = model_new("cafe");
	cr_assert_eq(catchup(b, h, mb, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE, "20 behind with --replay-max 5");
	cr_assert_gt(cu.states, 20);
	follow(l, live, cu.w.head);
	same_board(mb, live, "state after a long absence");
	cr_assert_str_eq(model_card(mb, h + 1)->text, "corrig\xc3\xa9" "e");
	model_free(mb);

	/* A since beyond the head (a board made again): the state too. */
	h = b->head;
	hang_up(b);
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h + 1000, false, false);
	mb = model_new("cafe");
	cr_assert_eq(catchup(b, h + 1000, mb, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE, "since beyond head");
	cr_assert_eq(cu.w.head, h);
	same_board(mb, live, "state for a since beyond head");
	model_free(mb);

	/* Two behind, both kept: a replay, which rebuilds the same board. */
	mb = model_new("cafe");
	hang_up(b);
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, 0, true, false);
	cr_assert_eq(catchup(b, 0, mb, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE, "asked for the state");
	h = b->head;
	hang_up(b);
	apply(f, ADD(t, "un", 0));
	apply(f, ADD(t, "deux", 0));
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(b, h, mb, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_REPLAY, "2 behind with 5 kept");
	cr_assert_eq(cu.events, 2);
	follow(l, live, cu.w.head);
	same_board(mb, live, "state, then a replay");
	model_free(mb);
	model_free(live);
}

/*
 * Bruno, n events behind at h, catches up into mb: a replay of them all,
 * or the state when the window no longer holds them (replay false).
 */
static void
catch_up_from(struct tclient *b, struct model *mb, uint64_t h, uint64_t n,
    bool replay)
{
	struct catchup	cu;

	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	if (!replay)
		mb = NULL;
	cr_assert_eq(catchup(b, h, mb, &cu), 0);
	cr_assert_eq(cu.w.mode, replay ? MODE_REPLAY : MODE_STATE, "%llu "
	    "behind: %s", ULL(n), cu.w.mode == MODE_REPLAY ? "a replay" :
	    "the state");
	cr_assert_eq(cu.w.head, h + n);
	if (replay)
		cr_assert_eq(cu.events, n);
	hang_up(b);
}

/*
 * The replay window grows and shrinks by blocks of 1 024 events: replays
 * that start in an older block, cross into newer ones and end at the head
 * come whole and in order, while the window keeps its last --replay-max
 * events (an absence longer gets the state), also once a restart rebuilt
 * the window from the log.
 */
STEST(replay_across_the_window_blocks)
{
	struct tclient		*f, *b, *n;
	struct model		*mb, *fresh;
	struct catchup		 cu;
	uint64_t		 t, h;
	int			 rc;

	tserver_start(&srv, false, "--replay-max", "1500", "--ops-per-sec",
	    "0", "--queue-cap", "64M", NULL);
	t = new_board(&f, false, "cafe");
	b = seated(false, "cafe", "Bruno", NULL, t);
	hang_up(b);
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, 0, true, false);
	mb = model_new("cafe");
	cr_assert_eq(catchup(b, 0, mb, &cu), 0);
	h = b->head;
	hang_up(b);

	/* Into a second block, then a replay from the first. */
	many_cards(f, t, 1300);
	catch_up_from(b, mb, h, 1300, true);
	h += 1300;
	/* The oldest left with their block: 1 300 kept, 1 600 not. */
	many_cards(f, t, 1300);
	catch_up_from(b, mb, h - 300, 1600, false);
	catch_up_from(b, mb, h, 1300, true);
	h += 1300;

	/* After a restart, the window is the log's last 1 500 events. */
	many_cards(f, t, 700);
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0);
	tserver_restart(&srv);
	catch_up_from(b, mb, h - 801, 1501, false);
	catch_up_from(b, mb, h, 700, true);
	h += 700;

	/* The replays built the board a newcomer's state shows. */
	n = connected(false);
	hello(n, "cafe", "Olga", NULL, NULL, 0, true, false);
	fresh = model_new("cafe");
	rc = catchup(n, 0, fresh, &cu);
	cr_assert_eq(rc, 0, "ERROR %d", rc);
	cr_assert_geq(fresh->head, h);
	catch_up_from(b, mb, h, fresh->head - h, true);
	same_board(mb, fresh, "replays across the window's blocks");
	model_free(fresh);
	model_free(mb);
}

/* A burst bigger than the replay window still reaches everyone live. */
static void
burst_through_window(const char *replay_max)
{
	struct tclient		*f, *p;
	struct proto_op		 op;
	struct proto_msg	 m;
	struct catchup		 cu;
	uint64_t		 t, h, seq;
	int			 i;

	tserver_start(&srv, false, "--replay-max", replay_max, "--ops-per-sec",
	    "0", NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	skip_to(f, p->head);
	h = p->head;
	for (i = 0; i < 20; i++) {
		op = ADD(t, "en rafale", 0);
		proto_enc_op(&f->out, ++f->next_op, &op);
	}
	cr_assert_eq(tclient_flush(f), 0);
	for (seq = h + 1; seq <= h + 20; seq++) {
		next_event(p, &m);
		cr_assert_eq(m.u.event.seq, seq, "--replay-max %s: seq %llu came, "
		    "want %llu", replay_max, ULL(m.u.event.seq), ULL(seq));
		proto_msg_free(&m);
	}
	/* Someone far behind still gets the board, as the state. */
	hang_up(p);
	reconnect(p, false);
	hello(p, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(p, h, NULL, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE);
	cr_assert_eq(cu.w.head, h + 20);
}

STEST(burst_bigger_than_the_replay_window)
{
	burst_through_window("5");
}

STEST(burst_with_no_replay_window)
{
	burst_through_window("0");
}

/* ------------------------------------------------------------ 3. once */

STEST(exactly_once_after_a_lost_event)
{
	struct tclient		*f, *b;
	struct proto_op		 op;
	struct proto_msg	 m;
	struct catchup		 cu;
	struct model		*mb;
	uint64_t		 t, h, seq;
	uint32_t		 id;
	int			 n;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	b = seated(false, "cafe", "Bruno", NULL, t);
	skip_to(f, b->head);
	h = b->head;

	/* Send, and drop the line before the EVENT can be read. */
	op = ADD(t, "une seule fois", 0);
	id = tclient_op(b, &op);
	hang_up(b);
	next_event(f, &m);
	cr_assert_eq(m.u.event.origin, b->participant);
	cr_assert_eq(m.u.event.op_id, id);
	seq = m.u.event.seq;
	proto_msg_free(&m);

	/* Back: WELCOME says the op was applied, the replay brings it. */
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	mb = model_new("cafe");
	cr_assert_eq(catchup(b, h, NULL, &cu), 0);
	cr_assert_eq(cu.w.last_op, id, "WELCOME last_op %u, want %u",
	    cu.w.last_op, id);
	cr_assert_eq(cu.w.mode, MODE_REPLAY);
	cr_assert_geq(cu.events, 1);
	cr_assert_eq(cu.kinds[seq - h - 1], OP_CARD_ADD);

	/* The resent op is applied once: the next event is the next op's. */
	cr_assert_eq(tclient_op_id(b, id, &op), 0);
	op = ADD(t, "la suivante", 0);
	id = tclient_op(b, &op);
	next_event(b, &m);
	cr_assert_eq(m.u.event.op_id, id, "op %u came before op %u",
	    m.u.event.op_id, id);
	cr_assert_str_eq(m.u.event.op.text, "la suivante");
	proto_msg_free(&m);
	next_event(f, &m);
	cr_assert_eq(m.u.event.op_id, id);
	proto_msg_free(&m);

	/* The board holds the card once. */
	hang_up(b);
	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, 0, true, false);
	cr_assert_eq(catchup(b, 0, mb, &cu), 0);
	cr_assert_eq(cu.w.last_op, id);
	card_by_text(mb, "une seule fois", &n);
	cr_assert_eq(n, 1, "the card is there %d times", n);
	model_free(mb);
}

/* ------------------------------------------------------------ 4. crashes */

#define W_N		3
#define W_CARDS		200
#define W_MAXSEQ	2048
#define W_AHEAD		40	/* ops sent ahead of the applied ones */

/* A client adding cards as fast as it can, and what it received. */
struct writer {
	struct tclient	*c;
	int		 idx;
	uint32_t	 sent;		/* highest op_id sent */
	uint32_t	 acked;		/* highest own op_id seen applied */
	bool		 closed;
	uint8_t		*frame[W_MAXSEQ];
	size_t		 len[W_MAXSEQ];
};

/* The text of each card seq any writer saw, as it saw it. */
static char	*seen_text[W_MAXSEQ];

/* The text of writer w's card with op_id id (op 1 is the sit). */
static void
writer_text(char *out, size_t len, int w, uint32_t id)
{
	snprintf(out, len, "w%d-%03u", w, id - 1);
}

/* One EVENT writer w received: in order, and its own ops once each. */
static void
writer_event(struct writer *w, const struct proto_msg *m, uint8_t *frame,
    size_t len)
{
	const struct proto_event	*ev = &m->u.event;

	cr_assert_eq(ev->seq, w->c->head + 1, "writer %d: seq %llu after "
	    "%llu", w->idx, ULL(ev->seq), ULL(w->c->head));
	cr_assert_lt(ev->seq, W_MAXSEQ);
	w->c->head = ev->seq;
	free(w->frame[ev->seq]);
	w->frame[ev->seq] = frame;
	w->len[ev->seq] = len;
	if (ev->op.kind == OP_CARD_ADD) {
		if (seen_text[ev->seq] == NULL)
			seen_text[ev->seq] = strdup(ev->op.text);
		else
			cr_assert_str_eq(seen_text[ev->seq], ev->op.text,
			    "seq %llu differs between writers", ULL(ev->seq));
	}
	if (ev->origin == w->c->participant && ev->op_id != 0) {
		cr_assert_eq(ev->op_id, w->acked + 1, "writer %d: op %u "
		    "applied after op %u", w->idx, ev->op_id, w->acked);
		w->acked = ev->op_id;
	}
}

/* Take what w received within ms (then what is there); note a close. */
static void
writer_pump(struct writer *w, int ms)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	uint8_t			*f;
	size_t			 len;
	int			 rc;

	while (!w->closed) {
		rc = tclient_recv_frame(w->c, &f, &len, ms);
		if (rc == 0)
			return;
		if (rc < 0) {
			w->closed = true;
			return;
		}
		ms = 1;
		cr_assert_eq(proto_decode(f + PROTO_FRAME_HDR,
		    len - PROTO_FRAME_HDR, &m, &err), PROTO_OK, "%s", err.text);
		cr_assert(m.type != PROTO_REJECT && m.type != PROTO_ERROR,
		    "writer %d: message %u", w->idx, m.type);
		if (m.type == PROTO_EVENT) {
			writer_event(w, &m, f, len);
			f = NULL;
		}
		proto_msg_free(&m);
		free(f);
	}
}

/* Send w's ops up to op_id last (cards; op 1, the sit, is done). */
static void
writer_send(struct writer *w, uint64_t table, uint32_t last)
{
	struct proto_op	op;
	char		text[32];

	while (w->sent < last && w->sent < W_CARDS + 1) {
		w->sent++;
		writer_text(text, sizeof text, w->idx, w->sent);
		op = ADD(table, text, 0);
		cr_assert_eq(tclient_op_id(w->c, w->sent, &op), 0);
	}
}

/*
 * After a restart: WELCOME, the replay of what w missed, READY.  Only with
 * snapshots may the server send the state instead (the events before the
 * snapshot are no longer in memory); w then trusts last_op, which the final
 * count of the cards checks.
 */
static void
writer_catchup(struct writer *w, bool snapshots)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	uint8_t			*f;
	size_t			 len;
	uint32_t		 last_op = 0;
	bool			 welcome = false, state = false;

	for (;;) {
		cr_assert_eq(tclient_recv_frame(w->c, &f, &len, WAIT), 1,
		    "writer %d: catch-up cut short", w->idx);
		cr_assert_eq(proto_decode(f + PROTO_FRAME_HDR,
		    len - PROTO_FRAME_HDR, &m, &err), PROTO_OK, "%s", err.text);
		switch (m.type) {
		case PROTO_WELCOME:
			state = m.u.welcome.mode == MODE_STATE;
			cr_assert(!state || snapshots, "writer %d: every event "
			    "is still kept", w->idx);
			cr_assert_geq(m.u.welcome.last_op, w->acked);
			last_op = m.u.welcome.last_op;
			welcome = true;
			break;
		case PROTO_EVENT:
			cr_assert(welcome && !state);
			writer_event(w, &m, f, len);
			f = NULL;
			break;
		case PROTO_STATE:
			break;
		case PROTO_READY:
			if (state) {
				w->c->head = m.u.ready;
				w->acked = last_op;
			}
			cr_assert_eq(m.u.ready, w->c->head);
			/* Every op the server applied came back. */
			cr_assert_eq(w->acked, last_op, "writer %d: last_op %u "
			    "but ops up to %u seen", w->idx, last_op,
			    w->acked);
			proto_msg_free(&m);
			free(f);
			return;
		default:
			cr_assert_fail("writer %d: message %u in the catch-up",
			    w->idx, m.type);
		}
		proto_msg_free(&m);
		free(f);
	}
}

/*
 * W_N writers add W_CARDS cards each as fast as the server takes them;
 * kill -9 halfway; restart on the same data; everyone comes back, resends
 * what was not applied, and finishes.  snapshot_every: the server's option
 * (a load from a snapshot and the log after it), or NULL.
 */
static void
kill_9_while_writing(const char *snapshot_every)
{
	static struct writer	 ws[W_N];
	struct tclient		*f, *o;
	struct model		*m;
	struct catchup		 cu;
	struct proto_msg	 msg;
	struct proto_err	 err;
	char			 name[32], text[32];
	uint64_t		 t, base, killed_at = 0, recovered, final;
	uint8_t			*fr;
	size_t			 len;
	uint32_t		 id;
	int			 i, n, rounds = 0, compared = 0;
	bool			 done;

	if (snapshot_every != NULL)
		tserver_start(&srv, false, "--ops-per-sec", "0",
		    "--snapshot-every", snapshot_every, NULL);
	else
		tserver_start(&srv, false, "--ops-per-sec", "0", NULL);
	t = new_board(&f, false, "crash");
	for (i = 0; i < W_N; i++) {
		snprintf(name, sizeof name, "Writer %d", i);
		ws[i].idx = i;
		ws[i].c = seated(false, "crash", name, NULL, t);
		ws[i].sent = ws[i].acked = 1;
	}
	for (i = 0; i < W_N; i++)
		skip_to(ws[i].c, ws[W_N - 1].c->head);
	base = ws[0].c->head;

	/* Write until the first writer saw half the cards, then kill -9. */
	while (killed_at == 0) {
		cr_assert_lt(rounds++, 10000);
		for (i = 0; i < W_N; i++)
			writer_send(&ws[i], t, ws[i].acked + W_AHEAD);
		for (i = 0; i < W_N; i++)
			writer_pump(&ws[i], 2);
		if (ws[0].c->head >= base + W_N * W_CARDS / 2) {
			tserver_stop(&srv, SIGKILL);
			killed_at = ws[0].c->head;
		}
		for (i = 0; i < W_N; i++)
			cr_assert(!ws[i].closed, "writer %d closed", i);
	}
	for (i = 0; i < W_N; i++) {
		int64_t deadline = ts_now_ms() + WAIT;

		while (!ws[i].closed && ts_now_ms() < deadline)
			writer_pump(&ws[i], 100);
		cr_assert(ws[i].closed);
		if (ws[i].c->head > killed_at)
			killed_at = ws[i].c->head;
	}
	cr_assert_lt(killed_at, base + W_N * W_CARDS, "the kill came after "
	    "the last card");

	/* Restart on the same data; everyone comes back and finishes. */
	tserver_restart(&srv);
	for (i = 0; i < W_N; i++) {
		snprintf(name, sizeof name, "Writer %d", i);
		reconnect(ws[i].c, false);
		ws[i].closed = false;
		hello(ws[i].c, "crash", name, NULL, NULL, ws[i].c->head, false,
		    false);
		writer_catchup(&ws[i], snapshot_every != NULL);
		/* Resend what was not applied, in order, same op ids. */
		ws[i].sent = ws[i].acked;
	}
	recovered = ws[0].c->head;
	for (i = 0; i < W_N; i++)
		cr_assert_geq(ws[i].c->head, killed_at, "writer %d: head %llu "
		    "after the restart, %llu seen before", i,
		    ULL(ws[i].c->head), ULL(killed_at));
	do {
		cr_assert_lt(rounds++, 20000);
		done = true;
		for (i = 0; i < W_N; i++) {
			writer_send(&ws[i], t, ws[i].acked + W_AHEAD);
			writer_pump(&ws[i], 2);
			cr_assert(!ws[i].closed);
			done = done && ws[i].acked == W_CARDS + 1;
		}
	} while (!done);
	final = 0;
	for (i = 0; i < W_N; i++)
		if (ws[i].c->head > final)
			final = ws[i].c->head;
	for (i = 0; i < W_N; i++) {
		int64_t deadline = ts_now_ms() + WAIT;

		while (ws[i].c->head < final && ts_now_ms() < deadline)
			writer_pump(&ws[i], 100);
		cr_assert_eq(ws[i].c->head, final);
	}

	/* The board as it stands: each card once, every seen event there. */
	m = model_new("crash");
	o = connected(false);
	hello(o, "crash", "export", NULL, srv.key, 0, true, true);
	cr_assert_eq(catchup(o, 0, m, &cu), 0);
	cr_assert_eq(m->head, final);
	cr_assert_eq(m->live_cards, W_N * W_CARDS, "%zu cards", m->live_cards);
	for (i = 0; i < W_N; i++) {
		for (id = 2; id <= W_CARDS + 1; id++) {
			writer_text(text, sizeof text, i, id);
			card_by_text(m, text, &n);
			cr_assert_eq(n, 1, "%s is there %d times", text, n);
		}
	}
	for (len = 0; len < W_MAXSEQ; len++) {
		if (seen_text[len] == NULL)
			continue;
		cr_assert_not_null(model_card(m, len), "card %zu was seen "
		    "and is gone", len);
		cr_assert_str_eq(model_card(m, len)->text, seen_text[len]);
	}
	model_free(m);

	/* A replay from 0: gapless, and byte for byte what was sent live. */
	for (i = 0; i < W_N && snapshot_every == NULL; i++) {
		struct tclient *c = ws[i].c;
		uint64_t next = 1;

		snprintf(name, sizeof name, "Writer %d", i);
		hang_up(c);
		reconnect(c, false);
		hello(c, "crash", name, NULL, NULL, 0, false, false);
		for (;;) {
			cr_assert_eq(tclient_recv_frame(c, &fr, &len, WAIT), 1);
			cr_assert_eq(proto_decode(fr + PROTO_FRAME_HDR,
			    len - PROTO_FRAME_HDR, &msg, &err), PROTO_OK);
			if (msg.type == PROTO_WELCOME)
				cr_assert_eq(msg.u.welcome.mode, MODE_REPLAY);
			if (msg.type == PROTO_EVENT) {
				uint64_t s = msg.u.event.seq;

				cr_assert_eq(s, next++, "replay: a gap");
				if (ws[i].frame[s] != NULL) {
					frame_is(fr, len, ws[i].frame[s],
					    ws[i].len[s], "replay after kill");
					compared++;
				}
			}
			free(fr);
			if (msg.type == PROTO_READY) {
				cr_assert_eq(msg.u.ready, next - 1);
				proto_msg_free(&msg);
				break;
			}
			proto_msg_free(&msg);
		}
	}
	fprintf(stderr, "kill -9%s%s: %d writers x %d cards; killed with seq "
	    "%llu seen, %llu recovered, head %llu at the end; %d frames "
	    "replayed from 0 identical to the live ones\n",
	    snapshot_every != NULL ? ", --snapshot-every " : "",
	    snapshot_every != NULL ? snapshot_every : "", W_N, W_CARDS,
	    ULL(killed_at), ULL(recovered), ULL(ws[0].c->head), compared);
	for (i = 0; i < W_N; i++)
		for (len = 0; len < W_MAXSEQ; len++)
			free(ws[i].frame[len]);
	for (len = 0; len < W_MAXSEQ; len++) {
		free(seen_text[len]);
		seen_text[len] = NULL;
	}
	memset(ws, 0, sizeof ws);
}

STEST(kill_9_while_clients_write)
{
	kill_9_while_writing(NULL);
}

STEST(kill_9_while_clients_write_with_snapshots)
{
	char	 path[256];
	struct stat st;

	kill_9_while_writing("50");
	board_file(path, sizeof path, "crash", "snapshot");
	cr_assert_eq(stat(path, &st), 0, "no snapshot was written");
}

/*
 * After a restart (a clean one: the snapshot covers the head), a client
 * 100 events behind is served those 100 events, not the whole board
 * (issue 13.2): the replay window is rebuilt from the log's tail.  What it
 * is served rebuilds the board exactly.
 */
STEST(replay_after_a_restart)
{
	struct tclient		*f, *b, *w, *o;
	struct proto_op		 op;
	struct proto_msg	 m;
	struct catchup		 cu;
	struct model		*mb, *mo;
	char			 text[16];
	uint64_t		 t, h;
	uint32_t		 id = 0;
	int			 i;

	tserver_start(&srv, false, "--ops-per-sec", "0", NULL);
	t = new_board(&f, false, "cafe");
	many_cards(f, t, 300);
	w = seated(false, "cafe", "Wanda", NULL, t);
	b = connected(false);
	hello(b, "cafe", "Bruno", NULL, NULL, 0, true, false);
	mb = model_new("cafe");
	cr_assert_eq(catchup(b, 0, mb, &cu), 0);
	h = b->head;
	hang_up(b);
	for (i = 0; i < 100; i++) {
		snprintf(text, sizeof text, "%d", i);
		op = ADD(t, text, 0);
		id = ++w->next_op;
		proto_enc_op(&w->out, id, &op);
	}
	cr_assert_eq(tclient_flush(w), 0);
	cr_assert_eq(tclient_wait_op(w, id, &m, WAIT), 1);
	proto_msg_free(&m);
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0);
	tserver_restart(&srv);

	reconnect(b, false);
	hello(b, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(b, h, mb, &cu), 0);
	fprintf(stderr, "after a restart, 100 events behind: %s, %llu bytes\n",
	    cu.w.mode == MODE_REPLAY ? "replay" : "state", ULL(cu.bytes));
	cr_assert_eq(cu.w.mode, MODE_REPLAY, "100 behind after a restart got "
	    "the state (%llu bytes)", ULL(cu.bytes));
	cr_assert_eq(cu.events, 100);
	cr_assert_leq(cu.bytes, 2048);
	/* The same board as a newcomer's state. */
	o = connected(false);
	hello(o, "cafe", "Olga", NULL, NULL, 0, true, false);
	mo = model_new("cafe");
	cr_assert_eq(catchup(o, 0, mo, &cu), 0);
	follow(b, mb, mo->head);
	same_board(mb, mo, "replay after a restart");
	model_free(mb);
	model_free(mo);
}

STEST(sigterm_says_106_and_snapshots)
{
	struct tclient	*f, *p;
	struct catchup	 cu;
	char		*out, want[64];
	uint64_t	 t, h;
	int		 st;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	busy_board(f, p, t, 6);
	skip_to(p, f->head);
	h = f->head;

	st = tserver_stop(&srv, SIGTERM);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	expect_error(f, ERROR_SHUTDOWN, "facilitator at SIGTERM");
	expect_error(p, ERROR_SHUTDOWN, "participant at SIGTERM");

	cr_assert_eq(tserver_command(&srv, &out, "check", "cafe", NULL), 0,
	    "%s", out);
	snprintf(want, sizeof want, "snapshot: seq %llu,", ULL(h));
	cr_assert(strstr(out, want) != NULL, "%s", out);
	cr_assert(strstr(out, "matches the log") != NULL, "%s", out);
	free(out);

	/* Back at the same head: an empty replay. */
	tserver_restart(&srv);
	reconnect(p, false);
	hello(p, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(p, h, NULL, &cu), 0);
	cr_assert_eq(cu.w.head, h);
	cr_assert_eq(cu.w.mode, MODE_REPLAY);
	cr_assert_eq(cu.events, 0);
	keeper_ok(p, t, "apr\xc3\xa8s le red\xc3\xa9marrage");
}

/*
 * A board with a few changes, seen to its head by Bruno (*p) at *t; the
 * server stopped with sig (SIGTERM also snapshots); then the log loses its
 * last 3 bytes, as in a crash mid-write.  Returns the head; path and *size
 * say where the log is and how long it was.
 */
static uint64_t
torn_setup(int sig, struct tclient **p, uint64_t *t, char *path, size_t len,
    off_t *size)
{
	struct tclient	*f;
	struct stat	 st;
	uint64_t	 h;

	tserver_start(&srv, false, NULL);
	*t = new_board(&f, false, "cafe");
	*p = seated(false, "cafe", "Bruno", NULL, *t);
	busy_board(f, *p, *t, 5);
	skip_to(*p, f->head);
	h = f->head;
	tserver_stop(&srv, sig);
	board_file(path, len, "cafe", "events.log");
	cr_assert_eq(stat(path, &st), 0);
	*size = st.st_size;
	cr_assert_eq(truncate(path, *size - 3), 0);
	return h;
}

/* Bruno comes back with since; what the catch-up said. */
static void
torn_rejoin(struct tclient *p, uint64_t since, struct catchup *cu)
{
	reconnect(p, false);
	hello(p, "cafe", "Bruno", NULL, NULL, since, since == 0, false);
	cr_assert_eq(catchup(p, since, NULL, cu), 0);
}

/* The server says in its log that it cut a torn record. */
static void
torn_logged(void)
{
	char	*log = tserver_log(&srv);

	cr_assert(strstr(log, "torn record") != NULL, "%s", log);
	free(log);
}

STEST(torn_log_tail_is_cut)
{
	struct tclient	*p;
	struct catchup	 cu;
	struct stat	 st;
	char		 path[256], *out;
	uint64_t	 t, h;
	off_t		 size;

	h = torn_setup(SIGKILL, &p, &t, path, sizeof path, &size);
	tserver_restart(&srv);
	torn_rejoin(p, h, &cu);
	cr_assert_eq(cu.w.head, h - 1, "head %llu after cutting seq %llu",
	    ULL(cu.w.head), ULL(h));
	cr_assert_eq(cu.w.mode, MODE_STATE, "since beyond the head");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_lt(st.st_size, size - 3, "the torn record was not cut");
	torn_logged();

	/* The board goes on from there, and its files are sound. */
	cr_assert_eq(apply(p, ADD(t, "nouvelle", 0)), h);
	cr_assert_eq(tserver_command(&srv, &out, "check", "cafe", NULL), 0,
	    "%s", out);
	free(out);
	tserver_stop(&srv, SIGKILL);
	tserver_restart(&srv);
	torn_rejoin(p, h, &cu);
	cr_assert_eq(cu.w.head, h);
}

STEST(torn_log_tail_behind_a_snapshot)
{
	struct tclient	*p;
	struct catchup	 cu;
	char		 path[256], *out;
	uint64_t	 t, h;
	off_t		 size;
	int		 rc;

	/* SIGTERM writes a snapshot at h; then the log loses its end. */
	h = torn_setup(SIGTERM, &p, &t, path, sizeof path, &size);

	/* The snapshot holds h: nothing is lost, the board goes on. */
	tserver_restart(&srv);
	torn_rejoin(p, h, &cu);
	cr_assert_eq(cu.w.head, h);
	cr_assert_eq(apply(p, ADD(t, "apr\xc3\xa8s", 0)), h + 1);
	torn_logged();

	/* And its files check out, running and stopped, and load again. */
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 0, "check after the server's own recovery: %d\n%s",
	    rc, out);
	free(out);
	tserver_stop(&srv, SIGTERM);
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 0, "check: %d\n%s", rc, out);
	free(out);
	tserver_restart(&srv);
	torn_rejoin(p, 0, &cu);
	cr_assert_eq(cu.w.head, h + 1);
}

/* ------------------------------------------------------------ 5. bad input */

STEST(bad_hellos_refused_others_unharmed)
{
	struct tclient		*f, *k, *x;
	struct catchup		 cu;
	uint64_t		 t;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	apply(f, SETTINGS(.has = SET_CODE, .code = "1234"));
	k = seated(false, "cafe", "Keeper", "1234", t);
	keeper_ok(k, t, "start");

	bad_hello("cafe", "Eve", "4321", NULL, false, ERROR_AUTH,
	    "wrong join code");
	keeper_ok(k, t, "wrong join code");
	bad_hello("cafe", "Eve", NULL, NULL, false, ERROR_AUTH, "no join code");
	keeper_ok(k, t, "no join code");
	bad_hello("cafe", "Eve", NULL, "not-the-key", false, ERROR_AUTH,
	    "wrong facilitator key");
	keeper_ok(k, t, "wrong facilitator key");
	bad_hello("nowhere", "Eve", NULL, NULL, false, ERROR_BOARD,
	    "unknown board");
	keeper_ok(k, t, "unknown board");
	bad_hello("cafe", "Eve", "1234", NULL, true, ERROR_AUTH,
	    "observe without the key");
	keeper_ok(k, t, "observe without the key");
	bad_hello("cafe", "   ", "1234", NULL, false, ERROR_PROTOCOL,
	    "a name of spaces");
	keeper_ok(k, t, "a name of spaces");

	/* v=2, with the rest right: 100. */
	x = connected(false);
	{
		struct proto_hello	h;

		memset(&h, 0, sizeof h);
		h.v = 2;
		h.board = (char *)"cafe";
		memcpy(h.client, x->client, sizeof h.client);
		h.name = (char *)"Eve";
		h.code = (char *)"1234";
		cr_assert_neq(proto_enc_hello(&x->out, &h), 0);
		cr_assert_eq(tclient_flush(x), 0);
	}
	expect_error(x, ERROR_VERSION, "HELLO v=2");
	keeper_ok(k, t, "v=2");

	/* The facilitator's name, without the key, once they left: 101. */
	skip_to(k, f->head);
	hang_up(f);
	wait_offline(k, f->participant);
	bad_hello("cafe", "Nadia", "1234", NULL, false, ERROR_AUTH,
	    "a facilitator's name without the key");
	keeper_ok(k, t, "facilitator's name");
	/* With the key it is theirs again. */
	x = connected(false);
	hello(x, "cafe", "Nadia", NULL, srv.key, 0, false, false);
	cr_assert_eq(catchup(x, 0, NULL, &cu), 0);
	cr_assert_eq(cu.w.participant, f->participant);
	cr_assert_eq(cu.w.role, ROLE_FACILITATOR);
	keeper_ok(k, t, "the facilitator is back");
}

/*
 * A guesser: n connections to s, each saying HELLO to board with a wrong
 * join code and, once answered, doing it again, for ms milliseconds.
 * Writes "ERRORs-101 elapsed-ms" on out when done; a byte on ready once
 * every connection has sent its first guess.  Runs in a child process.
 */
static void
guesser(const char *sock, const char *board, int n, int ms, int ready,
    int out)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd[64];
	struct tclient		 c[64];
	struct proto_msg	 m;
	char			 code[32], line[64];
	int64_t			 t0, end;
	long			 answers = 0, guess = 0;
	int			 i, rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", sock);
	memset(c, 0, sizeof c);
	t0 = ts_now_ms();
	end = t0 + ms;
	for (i = 0; i < n; i++)
		c[i].fd = -1;
	for (;;) {
		for (i = 0; i < n; i++) {
			if (c[i].fd != -1)
				continue;
			proto_buf_init(&c[i].out);
			c[i].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			c[i].client[0] = (uint8_t)i;
			c[i].client[1] = (uint8_t)(guess >> 8);
			if (connect(c[i].fd, (struct sockaddr *)&sun,
			    sizeof sun) != 0)
				_exit(3);
			snprintf(code, sizeof code, "%04ld", 5000 + guess++ %
			    5000);
			if (tclient_hello(&c[i], board, "Mallory", code, NULL,
			    0) != 0)
				_exit(4);
		}
		if (guess == n)
			(void)write(ready, "!", 1);
		if (ts_now_ms() >= end)
			break;
		for (i = 0; i < n; i++) {
			pfd[i].fd = c[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, (nfds_t)n, (int)(end - ts_now_ms())) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			rc = tclient_recv(&c[i], &m, 1000);
			if (rc == 1) {
				if (m.type == PROTO_ERROR &&
				    m.u.error.code == ERROR_AUTH &&
				    ts_now_ms() < end)
					answers++;
				proto_msg_free(&m);
			}
			tclient_close(&c[i]);
		}
	}
	snprintf(line, sizeof line, "%ld %lld\n", answers,
	    (long long)(ts_now_ms() - t0));
	(void)write(out, line, strlen(line));
	_exit(0);
}

/*
 * Guessing the join code (issue 9.6): 64 connections guessing as fast as
 * the server answers get about 20 wrong answers a second for the board,
 * and someone with the right code still gets in.
 */
STEST(join_code_guesses_are_throttled)
{
	struct tclient		*f, *p;
	struct proto_op		 op;
	struct pollfd		 pfd;
	char			 line[64] = "", *log, *at;
	long			 answers = -1, elapsed = 0;
	int64_t			 t0, join_ms;
	pid_t			 pid;
	int			 ready[2], out[2], status, lines = 0;
	ssize_t			 n;

	tserver_start(&srv, false, NULL);
	new_board(&f, false, "cafe");
	op = OP(.kind = OP_SETTINGS);
	op.settings.has = SET_CODE;
	op.settings.code = (char *)"4321";
	apply(f, op);
	cr_assert_eq(pipe(ready), 0);
	cr_assert_eq(pipe(out), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(ready[1], 3);
		dup2(out[1], 4);
		close_range(5, ~0U, 0);
		guesser(srv.sock, "cafe", 64, 3000, 3, 4);
	}
	close(ready[1]);
	close(out[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, WAIT), 1, "the guesser did not start");

	/* During the attack, the right code. */
	t0 = ts_now_ms();
	p = connected(false);
	cr_assert_eq(tclient_join(p, "cafe", "Pauline", "4321", NULL), 0,
	    "the right code was refused during the attack");
	join_ms = ts_now_ms() - t0;

	pfd.fd = out[0];
	cr_assert_eq(poll(&pfd, 1, WAIT), 1, "the guesser did not finish");
	n = read(out[0], line, sizeof line - 1);
	cr_assert_gt(n, 0);
	line[n] = '\0';
	cr_assert_eq(sscanf(line, "%ld %ld", &answers, &elapsed), 2);
	waitpid(pid, &status, 0);
	close(ready[0]);
	close(out[0]);
	fprintf(stderr, "join code guessing: %ld wrong answers in %ld ms "
	    "(%.0f/s) over 64 connections; the right code got in in %lld "
	    "ms\n", answers, elapsed, answers * 1000.0 / (double)elapsed,
	    (long long)join_ms);
	/* 20 a second and a burst of 20, with room for rounding. */
	cr_assert_leq(answers, 20 * (elapsed / 1000 + 1) + 20 + 10,
	    "%ld wrong answers in %ld ms", answers, elapsed);
	cr_assert_gt(answers, 0);
	/* Logged once per burst, not per try. */
	log = tserver_log(&srv);
	for (at = log; (at = strstr(at, "wrong join code")) != NULL; at++)
		lines++;
	free(log);
	cr_assert_leq(lines, 5, "%d log lines for %ld wrong codes", lines,
	    answers);
}

STEST(bad_frames_refused_others_unharmed)
{
	static const uint8_t	garbage[] = { 0, 0, 0, 3, 0xc1, 0xc1, 0xc1 };
	static const uint8_t	too_long[] = { 0, 1, 0, 1, 0x91 };
	static const uint8_t	empty[] = { 0, 0, 0, 0 };
	static const uint8_t	huge_array[] = { 0, 0, 0, 10, 0xdd, 0xff,
	    0xff, 0xff, 0xff, 1, 2, 3, 4, 5 };
	static const uint8_t	not_array[] = { 0, 0, 0, 1, 0x05 };
	static const uint8_t	leftover[] = { 0, 0, 0, 3, 0x91, 0x05, 0x00 };
	struct tclient		*f, *k, *x;
	struct proto_op		 op;
	uint64_t		 t;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	k = seated(false, "cafe", "Keeper", NULL, t);

	bad_bytes(garbage, sizeof garbage, ERROR_PROTOCOL, "garbage msgpack");
	keeper_ok(k, t, "garbage");
	bad_bytes(too_long, sizeof too_long, ERROR_PROTOCOL, "length 65537");
	keeper_ok(k, t, "length 65537");
	bad_bytes(empty, sizeof empty, ERROR_PROTOCOL, "length 0");
	keeper_ok(k, t, "length 0");
	bad_bytes(huge_array, sizeof huge_array, ERROR_PROTOCOL,
	    "2^32 elements in 10 bytes");
	keeper_ok(k, t, "huge array");
	bad_bytes(not_array, sizeof not_array, ERROR_PROTOCOL, "not an array");
	keeper_ok(k, t, "not an array");
	bad_bytes(leftover, sizeof leftover, ERROR_PROTOCOL, "bytes left over");
	keeper_ok(k, t, "leftover");

	/* An OP before HELLO. */
	x = connected(false);
	op = ADD(t, "trop t\xc3\xb4t", 0);
	cr_assert_eq(tclient_op_id(x, 1, &op), 0);
	expect_error(x, ERROR_PROTOCOL, "OP before HELLO");
	keeper_ok(k, t, "OP before HELLO");

	/* HELLO twice. */
	x = joined(false, "cafe", "Twice", NULL, NULL);
	hello(x, "cafe", "Twice", NULL, NULL, x->head, false, false);
	expect_error(x, ERROR_PROTOCOL, "HELLO twice");
	keeper_ok(k, t, "HELLO twice");

	/* A frame cut short by the peer's leaving: nothing to answer. */
	x = connected(false);
	cr_assert_eq(tclient_send(x, "\0\0\0\x10\x92", 5), 0);
	hang_up(x);
	keeper_ok(k, t, "half a frame");
}

STEST(bad_ops_rejected_connection_stays)
{
	struct tclient		*f, *k, *p;
	msgpack_sbuffer		 sb;
	msgpack_packer		 pk;
	uint8_t			 buf[256];
	char			 text[1100];
	uint64_t		 t;
	uint32_t		 id;
	static const char *const bad_text[] = {
		"bip\x07", "esc \x1b[31mrouge", "del\x7f", "c1 \xc2\x9b",
		"bidi \xe2\x80\xae" "sreveR", "iso \xe2\x81\xa6x",
		"not utf-8 \xff",
	};
	size_t			 i;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	k = seated(false, "cafe", "Keeper", NULL, t);
	p = seated(false, "cafe", "Paul", NULL, t);

	/* card.add with a string where the table goes: REJECT 1. */
	id = ++p->next_op;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 6);
	msgpack_pack_uint32(&pk, PROTO_OP);
	msgpack_pack_uint32(&pk, id);
	msgpack_pack_uint32(&pk, OP_CARD_ADD);
	msgpack_pack_str_with_body(&pk, "one", 3);
	msgpack_pack_str_with_body(&pk, "txt", 3);
	msgpack_pack_uint32(&pk, 0);
	cr_assert_eq(tclient_send(p, buf, framed(buf, sizeof buf, sb.data,
	    sb.size)), 0);
	msgpack_sbuffer_destroy(&sb);
	{
		struct proto_msg m;

		cr_assert_eq(tclient_wait_op(p, id, &m, WAIT), -REJECT_BAD,
		    "wrong argument type");
	}
	keeper_ok(k, t, "wrong argument type");
	keeper_ok(p, t, "p after a wrong argument type");

	/* 500 code points pass, 501 are over the limit. */
	memset(text, 0, sizeof text);
	for (i = 0; i < 500; i++)
		text[i] = (char)('a' + i % 26);
	apply(p, ADD(t, text, 0));
	text[500] = 'z';
	refused(p, ADD(t, text, 0), REJECT_LIMIT, "501 code points");
	keeper_ok(k, t, "501 code points");
	/* The limit counts characters, not bytes. */
	for (i = 0; i < 501; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[1002] = '\0';
	refused(p, ADD(t, text, 0), REJECT_LIMIT, "501 two-byte "
	    "code points");
	text[1000] = '\0';
	apply(p, ADD(t, text, 0));
	keeper_ok(p, t, "p after 501 code points");

	for (i = 0; i < NITEMS(bad_text); i++) {
		refused(p, ADD(t, bad_text[i], 0), REJECT_BAD,
		    bad_text[i]);
		keeper_ok(k, t, "forbidden characters");
	}
	/* A newline is fine in a card. */
	apply(p, ADD(t, "deux\nlignes", 0));

	/* Kinds the server makes, and unknown kinds, from a client. */
	refused(p, OP(.kind = OP_JOINED, .participant = 99,
	    .text = "Mallory"), REJECT_BAD, "op kind 64");
	refused(p, OP(.kind = OP_TIMER_END, .text = "fin"), REJECT_BAD,
	    "op kind 65");
	keeper_ok(k, t, "server-made kinds");
	/* card.add without its arguments. */
	id = ++p->next_op;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint32(&pk, PROTO_OP);
	msgpack_pack_uint32(&pk, id);
	msgpack_pack_uint32(&pk, OP_CARD_ADD);
	cr_assert_eq(tclient_send(p, buf, framed(buf, sizeof buf, sb.data,
	    sb.size)), 0);
	msgpack_sbuffer_destroy(&sb);
	{
		struct proto_msg m;

		cr_assert_eq(tclient_wait_op(p, id, &m, WAIT), -REJECT_BAD,
		    "missing arguments");
	}
	/* A participant trying a facilitator's op. */
	refused(p, PHASE(PHASE_VOTE), REJECT_FORBIDDEN, "phase by a "
	    "participant");
	keeper_ok(p, t, "p at the end");
	keeper_ok(k, t, "the end");
}

STEST(names_in_use_and_taken_over)
{
	struct tclient		*f, *k, *s, *w;
	struct catchup		 cu;
	uint64_t		 t;
	uint32_t		 sam;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	k = seated(false, "cafe", "Keeper", NULL, t);
	s = seated(false, "cafe", "Sam", NULL, t);
	sam = s->participant;

	bad_hello("cafe", "Sam", NULL, NULL, false, ERROR_NAME,
	    "a name held online");
	keeper_ok(k, t, "a name held online");
	bad_hello("cafe", "  Sam ", NULL, NULL, false, ERROR_NAME,
	    "a name held online, with spaces");
	keeper_ok(k, t, "spaces");

	/* Sam's laptop dies; once the server knows, the name is free. */
	skip_to(k, s->head);
	hang_up(s);
	wait_offline(k, sam);
	w = connected(false);
	hello(w, "cafe", "Sam", NULL, NULL, 0, false, false);
	cr_assert_eq(catchup(w, 0, NULL, &cu), 0);
	cr_assert_eq(cu.w.participant, sam, "Sam is taken over as "
	    "participant %u", cu.w.participant);
	keeper_ok(w, t, "Sam on a new laptop");
	keeper_ok(k, t, "taken over");
}

/*
 * A fresh connection says HELLO as name and gets ERROR code saying why
 * (closed here: many are tried).
 */
static void
refused_name(const char *name, uint32_t code, const char *why)
{
	struct tclient		 c;
	struct proto_msg	 m;
	int			 rc;

	memset(&c, 0, sizeof c);
	cr_assert_eq(tclient_connect(&c, &srv, false), 0);
	hello(&c, "cafe", name, NULL, NULL, 0, false, false);
	rc = tclient_expect(&c, PROTO_ERROR, &m, WAIT);
	tclient_close(&c);
	cr_assert_eq(rc, 1, "\"%s\" was let in (%d)", name, rc);
	cr_assert_eq(m.u.error.code, code, "\"%s\": ERROR %u (%s), want %u",
	    name, m.u.error.code, m.u.error.text, code);
	cr_assert_not_null(strstr(m.u.error.text, why), "\"%s\": \"%s\" does "
	    "not say \"%s\"", name, m.u.error.text, why);
	proto_msg_free(&m);
}

/*
 * Names that only look like someone else's.  Invisible characters and names
 * with nothing to read are refused with the reason; case, accents written
 * apart and compatibility forms are the same person: ERROR 102 while they
 * are online, a takeover once they are offline, and they keep the spelling
 * they first typed.
 */
STEST(look_alike_and_invisible_names)
{
	static const char *const invisible[] = {
		"Anne\u200b", "Anne\u2060", "Anne\ufeff", "\u200b\u200b",
		"\ufeff", "\u3164\u115f", "An\u00adne", "Anne\u034f",
		"Anne\u180e", "\U000e0041nne", "Anne\u2028",
	};
	static const char *const no_letter[] = { "---", "\u00a0", "!?",
	    "\u2800", "\U0001f642" };
	static const char *const zoe[] = { "zo\u00e9", "ZO\u00c9",
	    "Zoe\u0301", "\uff3a\uff4f\u00e9", " ZO\u00c9 ", "Zo\u00e8" };
	static const char *const anne[] = { "anne", "\uff21\uff4e\uff4e\uff45",
	    "ANNE", "Anne\u00a0", "\u1d2c\u207f\u207f\u1d49" };
	struct tclient		*f, *k, *a, *z, *w;
	struct catchup		 cu;
	struct model		*m;
	uint64_t		 t;
	uint32_t		 zp;
	size_t			 i;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	k = seated(false, "cafe", "Keeper", NULL, t);
	a = seated(false, "cafe", "Anne", NULL, t);
	z = seated(false, "cafe", "Zo\u00e9", NULL, t);
	zp = z->participant;
	(void)a;

	for (i = 0; i < NITEMS(invisible); i++)
		refused_name(invisible[i], ERROR_PROTOCOL, "invisible");
	for (i = 0; i < NITEMS(no_letter); i++)
		refused_name(no_letter[i], ERROR_PROTOCOL, "letter or digit");
	keeper_ok(k, t, "invisible names");
	for (i = 0; i < NITEMS(anne); i++)
		refused_name(anne[i], ERROR_NAME, "is already here");
	for (i = 0; i < NITEMS(zoe) - 1; i++)
		refused_name(zoe[i], ERROR_NAME, "Zo\u00e9 is already here");
	keeper_ok(k, t, "look-alike names");

	/* Zoé leaves; ZOÉ on another laptop is Zoé, who keeps her spelling. */
	skip_to(k, z->head);
	hang_up(z);
	wait_offline(k, zp);
	w = connected(false);
	hello(w, "cafe", "ZO\u00c9", NULL, NULL, 0, false, false);
	m = model_new("cafe");
	cr_assert_eq(catchup(w, 0, m, &cu), 0);
	cr_assert_eq(cu.w.participant, zp, "ZO\u00c9 joined as %u, Zo\u00e9 "
	    "is %u", cu.w.participant, zp);
	cr_assert_str_eq(model_participant(m, zp)->name, "Zo\u00e9");
	model_free(m);
	keeper_ok(w, t, "Zo\u00e9 is back");

	/* Without its accent, Zoe is someone else; so is the other accent. */
	w = joined(false, "cafe", "Zoe", NULL, NULL);
	cr_assert_neq(w->participant, zp);
	w = joined(false, "cafe", zoe[NITEMS(zoe) - 1], NULL, NULL);
	cr_assert_neq(w->participant, zp);
	keeper_ok(k, t, "the end");
}

STEST(same_client_replaces_its_old_connection)
{
	struct tclient		*f, *p, *q;
	struct catchup		 cu;
	uint8_t			*fr;
	size_t			 len;
	uint64_t		 t;
	int			 rc;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);

	/* The same client id again, before the server saw the old one go. */
	q = connected(false);
	memcpy(q->client, p->client, PROTO_CLIENT_LEN);
	hello(q, "cafe", "Bruno", NULL, NULL, p->head, false, false);
	cr_assert_eq(catchup(q, p->head, NULL, &cu), 0, "refused while its "
	    "old connection is open");
	cr_assert_eq(cu.w.participant, p->participant);
	cr_assert_eq(cu.events, 0);
	while ((rc = tclient_recv_frame(p, &fr, &len, WAIT)) == 1)
		free(fr);
	cr_assert_eq(rc, -1, "the old connection stays open");
	q->next_op = p->next_op;
	keeper_ok(q, t, "on the new connection");
	keeper_ok(f, t, "someone else");
}

STEST(promoted_facilitator_comes_back)
{
	struct tclient		*f, *p;
	struct catchup		 cu;
	uint64_t		 t;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Paul", NULL, t);
	apply(f, ROLE(p->participant, ROLE_FACILITATOR));
	skip_to(p, f->head);

	/* Paul's connection drops; the same client comes back. */
	hang_up(p);
	reconnect(p, false);
	hello(p, "cafe", "Paul", NULL, NULL, p->head, false, false);
	cr_assert_eq(catchup(p, p->head, NULL, &cu), 0, "a promoted "
	    "facilitator is refused on reconnecting");
	cr_assert_eq(cu.w.role, ROLE_FACILITATOR);
	apply(p, PHASE(PHASE_GROUP));
}

STEST(rate_limit)
{
	struct tclient		*f, *k, *l;
	struct proto_msg	 m;
	struct proto_op		 op;
	uint32_t		 first;
	uint64_t		 t;
	int			 i, rc, got[4] = { 0 };

	tserver_start(&srv, false, "--ops-per-sec", "2", "--ops-burst", "2",
	    NULL);
	t = new_board(&f, false, "cafe");
	k = seated(false, "cafe", "Keeper", NULL, t);
	l = joined(false, "cafe", "Loud", NULL, srv.key);

	/* Four ops in one write: the burst passes, the rest are refused. */
	first = l->next_op + 1;
	for (i = 0; i < 4; i++) {
		op = ADD(t, "vite", 0);
		proto_enc_op(&l->out, ++l->next_op, &op);
	}
	cr_assert_eq(tclient_flush(l), 0);
	/* (REJECTs go out at once, EVENTs after the log sync: any order.) */
	for (i = 0; i < 4; i++) {
		cr_assert_eq(tclient_recv(l, &m, WAIT), 1);
		if (m.type == PROTO_EVENT && m.u.event.origin == l->participant)
			got[m.u.event.op_id - first] = 1;
		else if (m.type == PROTO_REJECT)
			got[m.u.reject.op_id - first] = -(int)m.u.reject.code;
		else
			i--;
		proto_msg_free(&m);
	}
	cr_assert(got[0] == 1 && got[1] == 1, "the burst: %d %d", got[0],
	    got[1]);
	cr_assert(got[2] == -REJECT_RATE && got[3] == -REJECT_RATE,
	    "over the rate: %d %d", got[2], got[3]);
	/* The others are not slowed down. */
	keeper_ok(k, t, "someone else's rate limit");

	/* Tokens come back with time. */
	for (i = 0; i < 100; i++) {
		op = ADD(t, "plus tard", 0);
		first = tclient_op(l, &op);
		rc = tclient_wait_op(l, first, &m, WAIT);
		if (rc == 1) {
			proto_msg_free(&m);
			break;
		}
		cr_assert_eq(rc, -REJECT_RATE);
		usleep(100000);
	}
	cr_assert_eq(rc, 1, "the rate limit never let go");
}

/* c's connection answers a PING: the server has it and reads it. */
static void
answers(struct tclient *c, uint64_t token, const char *what)
{
	struct proto_msg	m;

	proto_enc_ping(&c->out, token);
	cr_assert_eq(tclient_flush(c), 0, "%s: cannot send", what);
	cr_assert_eq(tclient_expect(c, PROTO_PONG, &m, WAIT), 1, "%s: no "
	    "PONG", what);
	cr_assert_eq(m.type, PROTO_PONG, "%s: got %u", what, m.type);
	proto_msg_free(&m);
}

/*
 * --max-conns: a newcomer takes the place of the oldest connection that
 * had time to say HELLO and did not; when every connection is on a board,
 * it is refused with 105.
 */
STEST(max_conns)
{
	struct tclient		*f, *x, *y, *z;
	uint64_t		 t;

	tserver_start(&srv, false, "--max-conns", "2", NULL);
	t = new_board(&f, false, "cafe");
	x = joined(false, "cafe", "Xavier", NULL, NULL);
	y = connected(false);
	expect_error(y, ERROR_FULL, "a third connection, the others on a "
	    "board");
	keeper_ok(f, t, "a full server");
	/* Xavier leaves; a connection that says nothing takes the place. */
	skip_to(f, x->head);
	hang_up(x);
	wait_offline(f, x->participant);
	y = connected(false);
	answers(y, 5, "the second connection");
	/* The next newcomer makes it go, and is let in. */
	z = connected(false);
	answers(z, 6, "the newcomer");
	cr_assert_eq(tclient_expect(y, PROTO_PONG, NULL, WAIT), -1, "the "
	    "silent connection is still open");
	keeper_ok(f, t, "after the eviction");
}

/*
 * Half-HELLO flood (issue 9.3): connections that send half a HELLO and
 * wait fill --max-conns over and over; participants with a whole HELLO
 * still get in, each at once.
 */
STEST(half_hello_flood_locks_nobody_out)
{
	struct tclient		*f, *c;
	struct proto_hello	 h;
	struct proto_buf	 hb;
	uint8_t			 id[PROTO_CLIENT_LEN] = { 1 };
	char			 name[32];
	int64_t			 t0, worst = 0;
	struct pollfd		 pfd;
	pid_t			 flood;
	int			 i, rc, status, ready[2];

	tserver_start(&srv, false, "--max-conns", "100", NULL);
	new_board(&f, false, "cafe");
	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = (char *)"cafe";
	memcpy(h.client, id, sizeof id);
	h.name = (char *)"Mallory";
	proto_buf_init(&hb);
	cr_assert_neq(proto_enc_hello(&hb, &h), 0);

	/*
	 * Opens 300 at a time and keeps opening, half a HELLO each; says on
	 * a pipe when the first 300 are open.
	 */
	cr_assert_eq(pipe(ready), 0);
	flood = fork();
	cr_assert_neq(flood, -1);
	if (flood == 0) {
		struct sockaddr_un	sun;
		int			fds[300] = { 0 }, k = 0, round = 0;

		/* Nothing of the test's: its end must be seen. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(ready[1], 3);
		close_range(4, ~0U, 0);
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", srv.sock);
		for (;;) {
			if (fds[k] > 0)
				close(fds[k]);
			fds[k] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
			    0);
			if (connect(fds[k], (struct sockaddr *)&sun,
			    sizeof sun) == 0)
				send(fds[k], hb.data, hb.len / 2,
				    MSG_NOSIGNAL);
			k = (k + 1) % 300;
			if (k == 0 && round++ == 0)
				(void)write(3, "!", 1);
		}
	}
	close(ready[1]);
	pfd.fd = ready[0];
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, WAIT), 1, "the flood did not start");
	close(ready[0]);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "Personne %d", i);
		t0 = ts_now_ms();
		c = connected(false);
		rc = tclient_join(c, "cafe", name, NULL, NULL);
		if (ts_now_ms() - t0 > worst)
			worst = ts_now_ms() - t0;
		cr_assert_eq(rc, 0, "%s could not join during the flood: %d",
		    name, rc);
		hang_up(c);
	}
	kill(flood, SIGKILL);
	waitpid(flood, &status, 0);
	proto_buf_free(&hb);
	fprintf(stderr, "half-HELLO flood: 5 participants joined, the slowest "
	    "in %lld ms\n", (long long)worst);
}

STEST(board_and_peer_limits)
{
	struct tclient		*f, *p, *x, *y;
	struct proto_msg	 m;
	struct catchup		 cu;
	uint64_t		 t;

	tserver_start(&srv, true, "--max-participants", "2",
	    "--max-conns-per-peer", "1", NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	bad_hello("cafe", "Chlo\xc3\xa9", NULL, NULL, false, ERROR_FULL,
	    "a third participant");
	keeper_ok(p, t, "a full board");
	/* Someone who is on the board already still comes back. */
	hang_up(p);
	reconnect(p, false);
	hello(p, "cafe", "Bruno", NULL, NULL, p->head, false, false);
	cr_assert_eq(catchup(p, p->head, NULL, &cu), 0);

	/* One TCP connection per address; Unix ones do not count. */
	x = connected(true);
	y = connected(true);
	expect_error(y, ERROR_FULL, "a second connection from 127.0.0.1");
	proto_enc_ping(&x->out, 9);
	cr_assert_eq(tclient_flush(x), 0);
	cr_assert_eq(tclient_expect(x, PROTO_PONG, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_PONG);
	proto_msg_free(&m);
	keeper_ok(f, t, "per-peer limit");
}

/* ------------------------------------------------------------ 6. slow */

STEST(slow_reader_dropped_at_its_cap)
{
	struct tclient		*f, *r, *s;
	struct proto_msg	 m;
	struct proto_op		 op;
	char			 text[480], *log, *p;
	uint64_t		 t, next, s_head, s_got = 0, cards = 0;
	uint32_t		 id = 0;
	int			 i, rc, batches = 0;
	bool			 dropped = false, s_error = false;

	tserver_start(&srv, true, "--queue-cap", "64k", "--ops-per-sec", "0",
	    NULL);
	t = new_board(&f, false, "slow");
	r = joined(false, "slow", "Reader", NULL, NULL);
	s = newc();
	cr_assert_eq(tclient_connect_rcvbuf(s, &srv, true, 4096), 0);
	cr_assert_eq(tclient_join(s, "slow", "Sleepy", NULL, NULL), 0);
	s_head = s->head;
	skip_to(r, s_head);
	skip_to(f, s_head);
	next = s_head + 1;

	/* Write until the server gives up on the one who never reads. */
	memset(text, 'x', sizeof text - 1);
	text[sizeof text - 1] = '\0';
	while (!dropped) {
		cr_assert_lt(batches++, 200, "the slow reader was never "
		    "dropped (%llu cards)", ULL(cards));
		for (i = 0; i < 50; i++) {
			memcpy(text, "carte", 5);
			op = ADD(t, text, 0);
			id = tclient_op(f, &op);
			cards++;
		}
		cr_assert_eq(tclient_wait_op(f, id, &m, WAIT), 1);
		proto_msg_free(&m);
		/* The reader gets every one, in order. */
		while (next <= f->head) {
			next_event(r, &m);
			cr_assert_eq(m.u.event.seq, next, "reader: seq %llu, "
			    "want %llu", ULL(m.u.event.seq), ULL(next));
			next++;
			proto_msg_free(&m);
		}
		log = tserver_log(&srv);
		dropped = strstr(log, "over the cap") != NULL;
		free(log);
	}
	/* After the drop, the reader still gets everything. */
	for (i = 0; i < 20; i++)
		keeper_ok(f, t, "after the drop");
	while (next <= f->head) {
		next_event(r, &m);
		cr_assert_eq(m.u.event.seq, next);
		next++;
		proto_msg_free(&m);
	}

	/* The slow one: what it got is in order, then 107 or just a close. */
	for (;;) {
		rc = tclient_recv(s, &m, WAIT);
		if (rc != 1)
			break;
		if (m.type == PROTO_EVENT) {
			cr_assert_eq(m.u.event.seq, s_head + 1);
			s_head++;
			s_got++;
		} else if (m.type == PROTO_ERROR) {
			cr_assert_eq(m.u.error.code, ERROR_SLOW);
			s_error = true;
		}
		proto_msg_free(&m);
	}
	cr_assert_eq(rc, -1, "the slow reader's connection is still open");
	cr_assert_lt(s_head, f->head);
	log = tserver_log(&srv);
	p = strstr(log, "bytes queued, over the cap");
	cr_assert_not_null(p);
	while (p > log && p[-1] != ':')
		p--;
	fprintf(stderr, "queue cap: %llu cards of %zu bytes written, the "
	    "slow reader got %llu events, %s; server:%.*s\n", ULL(cards),
	    sizeof text - 1, ULL(s_got), s_error ? "then ERROR 107" :
	    "then a close", (int)(strchr(p, '\n') - p), p);
	free(log);
}

/* A name of 32 three-byte letters: the longest PRESENCE there is. */
#define LONG_NAME \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80" \
	"\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80"

/*
 * A slow reader dropped in the middle of a PRESENCE broadcast: the ones
 * after it on the board still get whole, valid frames.  A never reads, B
 * reads everything, C comes and goes so that only PRESENCE goes out
 * (issue 9.1: the ERROR for A was encoded into the buffer the broadcast
 * was sending from, and B's next header claimed 1.8 GB).
 */
STEST(slow_reader_dropped_during_presence_others_unharmed)
{
	struct tclient		*f, *a, *b, *c;
	struct proto_msg	 m;
	struct catchup		 cu;
	uint8_t			 cid[PROTO_CLIENT_LEN];
	char			*log;
	uint32_t		 cp = 0;
	int			 i, rc, after = -1;
	bool			 online, error107 = false;

	tserver_start(&srv, false, "--queue-cap", "2k", NULL);
	f = joined(false, "drop", "Nadia", NULL, srv.key);
	hang_up(f);
	a = joined(false, "drop", "A", NULL, NULL);
	b = joined(false, "drop", "B", NULL, NULL);
	c = newc();
	for (i = 0; i < 5000 && after < 20; i++) {
		cr_assert_eq(tclient_connect(c, &srv, false), 0);
		/* The same client each time: no joined event after the first. */
		if (i == 0)
			memcpy(cid, c->client, sizeof cid);
		else
			memcpy(c->client, cid, sizeof cid);
		hello(c, "drop", LONG_NAME, NULL, NULL, 0, false, false);
		cr_assert_eq(catchup(c, 0, NULL, &cu), 0, "C could not join");
		cp = cu.w.participant;
		tclient_close(c);
		/* B hears C come and go, in whole frames. */
		do {
			rc = tclient_expect(b, PROTO_PRESENCE, &m, WAIT);
			cr_assert_eq(rc, 1, "round %d: B's stream broke (%d)",
			    i, rc);
			cr_assert_eq(m.type, PROTO_PRESENCE, "round %d: B got "
			    "message %u", i, m.type);
			online = m.u.presence.participant != cp ||
			    m.u.presence.online;
			proto_msg_free(&m);
		} while (online);
		if (after >= 0)
			after++;
		else if (i % 50 == 49) {
			log = tserver_log(&srv);
			if (strstr(log, "over the cap") != NULL)
				after = 0;
			free(log);
		}
	}
	cr_assert_geq(after, 0, "A was never dropped");
	/* B is still live and whole: PING, PONG. */
	proto_enc_ping(&b->out, 77);
	cr_assert_eq(tclient_flush(b), 0);
	cr_assert_eq(tclient_expect(b, PROTO_PONG, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_PONG);
	proto_msg_free(&m);
	/* A: whole frames, ending with ERROR 107 and a close. */
	while ((rc = tclient_recv(a, &m, WAIT)) == 1) {
		if (m.type == PROTO_ERROR)
			error107 = m.u.error.code == ERROR_SLOW;
		proto_msg_free(&m);
	}
	cr_assert_eq(rc, -1);
	cr_assert(error107, "A did not end with ERROR 107");
	fprintf(stderr, "slow reader dropped during PRESENCE after %d rounds "
	    "of C coming and going\n", i - after);
}

/*
 * The server's end of c's TCP connection, duplicated into this process
 * (pidfd_getfd: the server is our child); -1 if it cannot be had.
 */
static int
server_end_of(const struct tclient *c)
{
	struct sockaddr_in	mine, peer;
	socklen_t		len;
	char			dir[64];
	struct dirent		*de;
	DIR			*d;
	int			pidfd, fd, found = -1;

	len = sizeof mine;
	cr_assert_eq(getsockname(c->fd, (struct sockaddr *)&mine, &len), 0);
	if ((pidfd = (int)syscall(SYS_pidfd_open, srv.pid, 0)) == -1)
		return -1;
	snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)srv.pid);
	if ((d = opendir(dir)) == NULL) {
		close(pidfd);
		return -1;
	}
	while (found == -1 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(de->d_name), 0);
		if (fd == -1)
			continue;
		len = sizeof peer;
		if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0 &&
		    peer.sin_family == AF_INET && peer.sin_port == mine.sin_port)
			found = fd;
		else
			close(fd);
	}
	closedir(d);
	close(pidfd);
	return found;
}

/*
 * Every TCP connection the server accepts has TCP_NODELAY: small frames
 * are not held back for the peer's delayed ACK (issue 13.1).
 */
STEST(tcp_connections_send_at_once)
{
	struct tclient	*c;
	socklen_t	 len;
	int		 fd, on = 0;

	tserver_start(&srv, true, NULL);
	c = joined(true, "cafe", "Nadia", NULL, srv.key);
	fd = server_end_of(c);
	if (fd == -1)
		cr_skip_test("cannot reach the server's socket (pidfd_getfd: "
		    "%s)", strerror(errno));
	len = sizeof on;
	cr_assert_eq(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
	close(fd);
	cr_assert_neq(on, 0, "the server's end has no TCP_NODELAY");
}

/* ------------------------------------------------------------ 7. privacy */

STEST(privacy_of_votes_byte_for_byte)
{
	struct tclient		*f, *p1, *p2;
	struct proto_msg	 m;
	uint8_t			*fr;
	size_t			 len;
	uint64_t		 t, card, seq;
	uint32_t		 id;
	struct proto_op		 op;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "priv");
	p1 = seated(false, "priv", "Am\xc3\xa9lie", NULL, t);
	p2 = seated(false, "priv", "Bruno", NULL, t);
	card = apply(p1, ADD(t, "Un bus de nuit", 0));
	apply(f, PHASE(PHASE_VOTE));

	/* Blind (the default): the voter, a facilitator, the others. */
	op = VOTE(card, 1);
	id = tclient_op(p1, &op);
	cr_assert_eq(tclient_wait_op(p1, id, &m, WAIT), 1);
	seq = m.u.event.seq;
	cr_assert_lt(seq, 128);
	cr_assert_lt(card, 128);
	cr_assert_eq(m.u.event.origin, p1->participant);
	cr_assert_eq(m.u.event.op_id, id);
	cr_assert_eq(m.u.event.op.card, card);
	cr_assert_eq(m.u.event.op.delta, 1);
	proto_msg_free(&m);
	{
		const uint8_t hidden[] = { 0, 0, 0, 6, 0x95, 0x12,
		    (uint8_t)seq, 0, 0, 7 };
		const uint8_t fac[] = { 0, 0, 0, 8, 0x97, 0x12, (uint8_t)seq,
		    0, 0, 7, (uint8_t)card, 1 };

		len = event_frame_at(p2, seq, &fr, &m);
		frame_is(fr, len, hidden, sizeof hidden, "blind vote, other");
		cr_assert(m.u.event.op.hidden);
		free(fr);
		proto_msg_free(&m);
		len = event_frame_at(f, seq, &fr, &m);
		frame_is(fr, len, fac, sizeof fac, "blind vote, facilitator");
		free(fr);
		proto_msg_free(&m);
	}

	/* Leaving the vote: the tally, with the right count, for everyone. */
	seq = apply(f, PHASE(PHASE_HARVEST));
	event_at(p2, seq + 1, &m);
	cr_assert_eq(m.u.event.op.kind, OP_TALLY);
	cr_assert_eq(m.u.event.origin, 0);
	cr_assert_eq(m.u.event.op.npairs, 1);
	cr_assert_eq(m.u.event.op.pairs[0].a, card);
	cr_assert_eq(m.u.event.op.pairs[0].b, 1);
	proto_msg_free(&m);
	event_at(f, seq + 1, &m);
	cr_assert_eq(m.u.event.op.kind, OP_TALLY);
	proto_msg_free(&m);

	/* Not blind: the card and the delta, never the voter. */
	apply(f, SETTINGS(.has = SET_BLIND, .blind = false));
	apply(f, PHASE(PHASE_VOTE));
	seq = apply(p1, VOTE(card, -1));
	{
		const uint8_t open[] = { 0, 0, 0, 8, 0x97, 0x12, (uint8_t)seq,
		    0, 0, 7, (uint8_t)card, 0xff };

		len = event_frame_at(p2, seq, &fr, &m);
		frame_is(fr, len, open, sizeof open, "open vote -1, other");
		free(fr);
		proto_msg_free(&m);
		len = event_frame_at(f, seq, &fr, &m);
		frame_is(fr, len, open, sizeof open, "open vote, facilitator");
		free(fr);
		proto_msg_free(&m);
	}
	seq = apply(p1, VOTE(card, 1));
	{
		const uint8_t open[] = { 0, 0, 0, 8, 0x97, 0x12, (uint8_t)seq,
		    0, 0, 7, (uint8_t)card, 1 };

		len = event_frame_at(p2, seq, &fr, &m);
		frame_is(fr, len, open, sizeof open, "open vote +1, other");
		free(fr);
		proto_msg_free(&m);
	}
	/* An open vote that closes has nothing to tally. */
	seq = apply(f, PHASE(PHASE_HARVEST));
	apply(f, BANNER("fin du vote"));
	next_event(p2, &m);
	cr_assert_eq(m.u.event.seq, seq);
	proto_msg_free(&m);
	next_event(p2, &m);
	cr_assert_eq(m.u.event.op.kind, OP_BANNER, "kind %u after an open "
	    "vote", m.u.event.op.kind);
	proto_msg_free(&m);
}

STEST(privacy_of_writing_and_joins)
{
	struct tclient		*f, *p1, *p2, *p3;
	struct proto_msg	 m;
	struct proto_op		 op;
	static const uint8_t	 zero[PROTO_CLIENT_LEN];
	uint64_t		 t, card, seq;
	uint32_t		 id;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "priv");
	p1 = seated(false, "priv", "Am\xc3\xa9lie", NULL, t);
	p2 = seated(false, "priv", "Bruno", NULL, t);

	/* Private writing: the others get "" until the phase leaves ideas. */
	apply(f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	op = ADD(t, "Mon id\xc3\xa9" "e secr\xc3\xa8te", 0);
	id = tclient_op(p1, &op);
	cr_assert_eq(tclient_wait_op(p1, id, &m, WAIT), 1);
	card = m.u.event.seq;
	cr_assert_str_eq(m.u.event.op.text, op.text);
	proto_msg_free(&m);
	event_at(p2, card, &m);
	cr_assert_str_eq(m.u.event.op.text, "");
	cr_assert_eq(m.u.event.origin, p1->participant);
	cr_assert_eq(m.u.event.op_id, id);
	proto_msg_free(&m);
	event_at(f, card, &m);
	cr_assert_str_eq(m.u.event.op.text, op.text);
	proto_msg_free(&m);

	seq = apply(f, PHASE(PHASE_GROUP));
	event_at(p2, seq + 1, &m);
	cr_assert_eq(m.u.event.op.kind, OP_REVEAL);
	cr_assert_eq(m.u.event.op.card, card);
	cr_assert_str_eq(m.u.event.op.text, op.text);
	proto_msg_free(&m);

	/* Anonymous: the others get no author on card events. */
	apply(f, SETTINGS(.has = SET_PRIVATE, .private_writing = false));
	apply(f, SETTINGS(.has = SET_ANONYMOUS, .anonymous = true));
	apply(f, PHASE(PHASE_IDEAS));
	op = ADD(t, "Sans nom", 0);
	id = tclient_op(p1, &op);
	cr_assert_eq(tclient_wait_op(p1, id, &m, WAIT), 1);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	event_at(p2, seq, &m);
	cr_assert_eq(m.u.event.origin, 0);
	cr_assert_eq(m.u.event.op_id, 0);
	cr_assert_str_eq(m.u.event.op.text, "Sans nom");
	proto_msg_free(&m);
	event_at(f, seq, &m);
	cr_assert_eq(m.u.event.origin, p1->participant);
	cr_assert_eq(m.u.event.op_id, id);
	proto_msg_free(&m);
	seq = apply(p1, EDIT(seq, "Toujours sans nom"));
	event_at(p2, seq, &m);
	cr_assert_eq(m.u.event.origin, 0);
	cr_assert_eq(m.u.event.op_id, 0);
	proto_msg_free(&m);

	/* joined: the client id only for the one who joined. */
	p3 = joined(false, "priv", "Chlo\xc3\xa9", NULL, NULL);
	seq = p3->head;
	event_at(p2, seq, &m);
	cr_assert_eq(m.u.event.op.kind, OP_JOINED);
	cr_assert_eq(m.u.event.op.participant, p3->participant);
	cr_assert_str_eq(m.u.event.op.text, "Chlo\xc3\xa9");
	cr_assert_arr_eq(m.u.event.op.client, zero, sizeof zero);
	proto_msg_free(&m);
	event_at(f, seq, &m);
	cr_assert_arr_eq(m.u.event.op.client, zero, sizeof zero);
	proto_msg_free(&m);
	hang_up(p3);
	reconnect(p3, false);
	hello(p3, "priv", "Chlo\xc3\xa9", NULL, NULL, seq - 1, false, false);
	cr_assert_eq(tclient_expect(p3, PROTO_WELCOME, &m, WAIT), 1);
	cr_assert_eq(m.u.welcome.mode, MODE_REPLAY);
	proto_msg_free(&m);
	next_event(p3, &m);
	cr_assert_eq(m.u.event.seq, seq);
	cr_assert_eq(m.u.event.op.kind, OP_JOINED);
	cr_assert_arr_eq(m.u.event.op.client, p3->client, PROTO_CLIENT_LEN);
	proto_msg_free(&m);
}

/* Card events whose author may be shown to a participant. */
static bool
card_kind(uint8_t kind)
{
	return kind == OP_CARD_ADD || kind == OP_CARD_EDIT ||
	    kind == OP_CARD_DELETE || kind == OP_CARD_MOVE;
}

/*
 * What a newcomer's replay from since shows, checked event by event on the
 * raw stream: no card event names an author but the newcomer's own; no
 * vote shows its card and delta; secret never appears.  Returns the
 * number of EVENTs replayed; the mode must be replay.
 */
static int
replay_shows_no_more(struct tclient *n, uint64_t since, const char *secret)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	uint8_t			*fr;
	size_t			 len;
	int			 events = 0, rc;

	rc = tclient_expect(n, PROTO_WELCOME, &m, WAIT);
	cr_assert_eq(rc, 1);
	cr_assert_eq(m.type, PROTO_WELCOME, "ERROR %u", m.u.error.code);
	cr_assert_eq(m.u.welcome.mode, MODE_REPLAY, "a replay from %llu",
	    ULL(since));
	n->participant = m.u.welcome.participant;
	proto_msg_free(&m);
	for (;;) {
		cr_assert_eq(tclient_recv_frame(n, &fr, &len, WAIT), 1);
		cr_assert(memmem(fr, len, secret, strlen(secret)) == NULL,
		    "the replay shows a secret text");
		cr_assert_eq(proto_decode(fr + PROTO_FRAME_HDR, len -
		    PROTO_FRAME_HDR, &m, &err), PROTO_OK, "%s", err.text);
		free(fr);
		if (m.type == PROTO_READY) {
			proto_msg_free(&m);
			return events;
		}
		if (m.type == PROTO_EVENT) {
			const struct proto_event *ev = &m.u.event;

			events++;
			if (card_kind(ev->op.kind) && ev->origin !=
			    n->participant)
				cr_assert(ev->origin == 0 && ev->op_id == 0,
				    "seq %llu (%s) shows its author %u and op "
				    "%u to a newcomer", ULL(ev->seq),
				    proto_kind_name(ev->op.kind), ev->origin,
				    ev->op_id);
			if (ev->op.kind == OP_VOTE)
				cr_assert(ev->origin == 0 && ev->op.hidden,
				    "seq %llu: a blind vote shows its card",
				    ULL(ev->seq));
		}
		proto_msg_free(&m);
	}
}

/*
 * Anonymous switched on mid-session: whoever joins afterwards, even asking
 * for a replay from before the switch, learns from no event who wrote what
 * (issue 9.5); private cards deleted unread and blind votes stay hidden.
 */
STEST(replay_applies_the_current_privacy)
{
	struct tclient		*f, *a, *b, *n;
	struct catchup		 cu;
	struct model		*mn;
	uint64_t		 t, first, secret, bancs;
	size_t			 i;
	int			 events;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "anon");
	first = f->head;
	a = seated(false, "anon", "Alice", NULL, t);
	b = seated(false, "anon", "Bruno", NULL, t);
	/* Written while names were shown. */
	bancs = apply(a, ADD(t, "Des bancs partout", 0));
	secret = apply(b, ADD(t, "Une navette", 0));
	apply(a, EDIT(bancs, "Des bancs \xc3\xa0 "
	    "l'ombre"));
	{
		struct proto_op op = MOVE(secret, 0);

		op.table = apply(f, TADD("Et ailleurs ?"));
		apply(b, op);
	}
	/* A private card deleted before anyone saw it. */
	apply(f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	secret = apply(a, ADD(t, "Rien que pour moi", 0));
	apply(a, DEL(secret));
	apply(f, SETTINGS(.has = SET_PRIVATE, .private_writing = false));
	/* A blind vote, tallied. */
	apply(f, PHASE(PHASE_VOTE));
	apply(b, VOTE(bancs, 1));
	apply(f, PHASE(PHASE_HARVEST));
	/* Then the facilitator hides the authors. */
	apply(f, SETTINGS(.has = SET_ANONYMOUS, .anonymous = true));

	n = connected(false);
	hello(n, "anon", "Zo\xc3\xa9", NULL, NULL, first, false, false);
	events = replay_shows_no_more(n, first, "Rien que pour moi");
	cr_assert_gt(events, 10);

	/* The same through the state: no authors either. */
	n = connected(false);
	hello(n, "anon", "Yann", NULL, NULL, 0, true, false);
	mn = model_new("anon");
	cr_assert_eq(catchup(n, 0, mn, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE);
	for (i = 0; i < mn->ncards; i++)
		cr_assert_eq(mn->cards[i].author, 0, "card %llu shows its "
		    "author in the state", ULL(mn->cards[i].id));
	model_free(mn);

	/* The author still sees their own, a facilitator everything. */
	hang_up(a);
	reconnect(a, false);
	hello(a, "anon", "Alice", NULL, NULL, first, false, false);
	cr_assert_eq(catchup(a, first, NULL, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_REPLAY);

	/* After a restart the window comes from the log: the same rule. */
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0);
	tserver_restart(&srv);
	n = connected(false);
	hello(n, "anon", "Xavier", NULL, NULL, first, false, false);
	cr_assert_eq(replay_shows_no_more(n, first, "Rien que pour moi"),
	    events + 2, "the replay after the restart");
}

/* ------------------------------------------------------------ 8. timers */

STEST(timer_ends_without_a_facilitator)
{
	struct tclient		*f, *p;
	struct proto_msg	 m;
	uint64_t		 t, seq;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	seq = apply(f, TIMER(TIMER_START, 1, "Pause caf\xc3\xa9"));
	hang_up(f);
	event_at(p, seq, &m);
	cr_assert_eq(m.u.event.op.kind, OP_TIMER);
	cr_assert(m.u.event.op.running);
	cr_assert_eq(m.u.event.op.remaining_ms, 1000);
	proto_msg_free(&m);
	next_event(p, &m);
	cr_assert_eq(m.u.event.op.kind, OP_TIMER_END);
	cr_assert_str_eq(m.u.event.op.text, "Pause caf\xc3\xa9");
	cr_assert_eq(m.u.event.origin, 0);
	proto_msg_free(&m);
}

/* A timer runs, the server stops by sig and restarts: timer.end comes. */
static void
timer_across_restart(int sig)
{
	struct tclient		*f, *p;
	struct proto_msg	 m;
	struct catchup		 cu;
	uint64_t		 t, seq, h;
	int64_t			 deadline;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	seq = apply(f, TIMER(TIMER_START, 2, "Tour 1"));
	skip_to(p, seq);
	h = p->head;
	tserver_stop(&srv, sig);
	tserver_restart(&srv);
	reconnect(p, false);
	hello(p, "cafe", "Bruno", NULL, NULL, h, false, false);
	cr_assert_eq(catchup(p, h, NULL, &cu), 0);
	deadline = ts_now_ms() + WAIT;
	/* timer.end, in the replay (already past) or live. */
	if (cu.events > 0) {
		cr_assert_eq(cu.kinds[0], OP_TIMER_END);
		return;
	}
	cr_assert_eq(tclient_expect(p, PROTO_EVENT, &m,
	    (int)(deadline - ts_now_ms())), 1, "no timer.end after a restart");
	cr_assert_eq(m.type, PROTO_EVENT);
	cr_assert_eq(m.u.event.op.kind, OP_TIMER_END);
	cr_assert_str_eq(m.u.event.op.text, "Tour 1");
	proto_msg_free(&m);
}

STEST(timer_survives_kill_9)
{
	timer_across_restart(SIGKILL);
}

STEST(timer_survives_sigterm)
{
	timer_across_restart(SIGTERM);
}

/* ------------------------------------------------------------ 9. keepalive */

STEST(ping_pong)
{
	struct tclient		*c;
	struct proto_msg	 m;

	tserver_start(&srv, false, NULL);
	c = connected(false);
	proto_enc_ping(&c->out, 0x0123456789abcdefULL);
	cr_assert_eq(tclient_flush(c), 0);
	cr_assert_eq(tclient_expect(c, PROTO_PONG, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_PONG);
	cr_assert_eq(m.u.token, 0x0123456789abcdefULL);
	proto_msg_free(&m);

	tclient_close(c);
	new_board(&c, false, "cafe");
	proto_enc_ping(&c->out, 7);
	cr_assert_eq(tclient_flush(c), 0);
	cr_assert_eq(tclient_expect(c, PROTO_PONG, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_PONG);
	cr_assert_eq(m.u.token, 7);
	proto_msg_free(&m);
}

STEST(idle_timeout)
{
	struct tclient	*f, *c;

	tserver_start(&srv, false, "--idle-timeout", "1", NULL);
	new_board(&f, false, "cafe");
	c = connected(false);
	expect_error(f, ERROR_IDLE, "a silent live client");
	expect_error(c, ERROR_IDLE, "a silent client before HELLO");
}

/* ------------------------------------------------------------ 10. ext */

STEST(list_boards)
{
	struct tclient		*f, *p, *l;
	struct proto_msg	 m;
	char			 path[256], *out;
	FILE			*bf;
	uint64_t		 t;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "alpha");
	apply(f, SETTINGS(.has = SET_CODE | SET_TITLE, .code = "1234",
	    .title = "Caf\xc3\xa9 alpha"));
	p = seated(false, "alpha", "Bruno", "1234", t);
	snprintf(path, sizeof path, "%s/beta.board", srv.dir);
	bf = fopen(path, "w");
	cr_assert_not_null(bf);
	fputs("title: Beta\nquestion: Pourquoi ?\n", bf);
	fclose(bf);
	cr_assert_eq(tserver_command(&srv, &out, "create", "beta", "--from",
	    path, NULL), 0, "%s", out);
	free(out);

	l = connected(false);
	proto_enc_list(&l->out);
	cr_assert_eq(tclient_flush(l), 0);
	cr_assert_eq(tclient_recv(l, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_BOARD);
	cr_assert_str_eq(m.u.board.name, "alpha");
	cr_assert_str_eq(m.u.board.title, "Caf\xc3\xa9 alpha");
	cr_assert_eq(m.u.board.online, 2, "online %u", m.u.board.online);
	cr_assert(m.u.board.code_needed);
	proto_msg_free(&m);
	cr_assert_eq(tclient_recv(l, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_BOARD);
	cr_assert_str_eq(m.u.board.name, "beta");
	cr_assert_str_eq(m.u.board.title, "Beta");
	cr_assert_eq(m.u.board.online, 0);
	cr_assert(!m.u.board.code_needed);
	proto_msg_free(&m);
	cr_assert_eq(tclient_recv(l, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_BOARDS_END);
	cr_assert_eq(m.u.boards, 2);
	proto_msg_free(&m);

	/* Then a HELLO on the same connection; LIST after it is an error. */
	cr_assert_eq(tclient_join(l, "beta", "Lise", NULL, NULL), 0);
	proto_enc_list(&l->out);
	cr_assert_eq(tclient_flush(l), 0);
	expect_error(l, ERROR_PROTOCOL, "LIST after HELLO");
	keeper_ok(p, t, "LIST");
}

STEST(observer_sees_all_changes_nothing)
{
	struct tclient		*f, *p, *q, *o;
	struct model		*mo, *mq;
	struct catchup		 cu;
	uint64_t		 t, card, h;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "obs");
	apply(f, SETTINGS(.has = SET_PRIVATE, .private_writing = true));
	p = seated(false, "obs", "Bruno", NULL, t);
	q = seated(false, "obs", "Chlo\xc3\xa9", NULL, t);
	card = apply(p, ADD(t, "secret", 0));
	h = p->head;

	/* A facilitator's view, in state mode, and no participant made. */
	o = connected(false);
	hello(o, "obs", "export", NULL, srv.key, 0, true, true);
	mo = model_new("obs");
	cr_assert_eq(catchup(o, 0, mo, &cu), 0);
	cr_assert_eq(cu.w.mode, MODE_STATE);
	cr_assert_eq(cu.w.head, h, "observing made events");
	cr_assert_eq(mo->nparticipants, 3);
	cr_assert_str_eq(model_card(mo, card)->text, "secret");

	/* What a participant sees instead. */
	mq = model_new("obs");
	hang_up(q);
	reconnect(q, false);
	hello(q, "obs", "Chlo\xc3\xa9", NULL, NULL, 0, true, false);
	cr_assert_eq(catchup(q, 0, mq, &cu), 0);
	cr_assert_str_eq(model_card(mq, card)->text, "");

	refused(o, ADD(t, "par l'observateur", 0), REJECT_FORBIDDEN,
	    "an observer's op");
	refused(o, PHASE(PHASE_HARVEST), REJECT_FORBIDDEN,
	    "an observer's facilitator op");
	refused(o, READY(true), REJECT_FORBIDDEN,
	    "an observer's ready");
	refused(o, SIT(0, 0), REJECT_FORBIDDEN, "an observer's sit");

	/* Live: a blind vote reaches it whole. */
	apply(f, PHASE(PHASE_VOTE));
	h = apply(p, VOTE(card, 1));
	follow(o, mo, h);
	follow(q, mq, h);
	cr_assert_eq(model_card(mo, card)->votes, 1, "the blind total");
	cr_assert_eq(model_card(mq, card)->votes, 0);
	model_free(mo);
	model_free(mq);
}

STEST(facilitator_hello_makes_a_board)
{
	struct tclient		*f, *p;
	struct catchup		 cu;
	struct proto_msg	 m;
	char			 path[256], *out;
	struct stat		 st;
	uint64_t		 t, t2, seq;
	struct model		*mp;

	tserver_start(&srv, false, NULL);
	bad_hello("neuf", "Bruno", NULL, NULL, false, ERROR_BOARD,
	    "a participant on a board that is not there");
	f = connected(false);
	hello(f, "neuf", "Nadia", NULL, srv.key, 0, false, false);
	cr_assert_eq(catchup(f, 0, NULL, &cu), 0);
	cr_assert_eq(cu.w.role, ROLE_FACILITATOR);
	cr_assert_eq(cu.w.head, 2, "joined and role");
	board_file(path, sizeof path, "neuf", "events.log");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(tserver_command(&srv, &out, "list", NULL), 0);
	cr_assert(strstr(out, "neuf") != NULL && strstr(out, "welcome"),
	    "%s", out);
	free(out);

	/* Tables with and without a theme reach the others. */
	p = joined(false, "neuf", "Bruno", NULL, NULL);
	t = apply(f, OP(.kind = OP_TABLE_ADD, .text = "Question un", .theme = "Th\xc3\xa8me A"));
	event_at(p, t, &m);
	cr_assert_eq(m.u.event.op.kind, OP_TABLE_ADD);
	cr_assert_str_eq(m.u.event.op.text, "Question un");
	cr_assert_str_eq(m.u.event.op.theme, "Th\xc3\xa8me A");
	proto_msg_free(&m);
	t2 = apply(f, TADD("Question deux"));
	event_at(p, t2, &m);
	cr_assert(m.u.event.op.theme == NULL || m.u.event.op.theme[0] == '\0');
	proto_msg_free(&m);
	seq = apply(f, OP(.kind = OP_TABLE_EDIT, .table = t2,
	    .text = "Question deux, mieux", .theme = "Th\xc3\xa8me B"));
	event_at(p, seq, &m);
	cr_assert_eq(m.u.event.op.table, t2);
	cr_assert_str_eq(m.u.event.op.theme, "Th\xc3\xa8me B");
	proto_msg_free(&m);

	/* And in the state. */
	mp = model_new("neuf");
	hang_up(p);
	reconnect(p, false);
	hello(p, "neuf", "Bruno", NULL, NULL, 0, true, false);
	cr_assert_eq(catchup(p, 0, mp, &cu), 0);
	cr_assert_str_eq(model_table(mp, t)->theme, "Th\xc3\xa8me A");
	cr_assert_str_eq(model_table(mp, t2)->theme, "Th\xc3\xa8me B");
	cr_assert_str_eq(model_table(mp, t2)->question,
	    "Question deux, mieux");
	model_free(mp);
}

/* ------------------------------------------------------------ 11. offline */

/* The path of the source tree's file. */
static void
top_file(char *out, size_t len, const char *file)
{
	const char	*top = getenv("CB_TOP");

	snprintf(out, len, "%s/%s", top != NULL ? top : ".", file);
}

STEST(create_and_export)
{
	static const char *const formats[] = { "md", "csv", "json" };
	struct tclient		*f, *p, *q;
	struct catchup		 cu;
	struct model		*m;
	char			 seed[512], bad[256], *out, *cli;
	FILE			*bf;
	uint64_t		 t;
	size_t			 i;
	int			 rc;

	tserver_start(&srv, false, NULL);
	top_file(seed, sizeof seed, "examples/seed-cafe.board");
	rc = tserver_command(&srv, &out, "create", "cafe", "--from", seed,
	    NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "4 tables") != NULL, "%s", out);
	cr_assert(strstr(out, "territoire") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "create", "cafe", "--from", seed,
	    NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "already exists") != NULL, "%s", out);
	free(out);
	snprintf(bad, sizeof bad, "%s/bad.board", srv.dir);
	bf = fopen(bad, "w");
	cr_assert_not_null(bf);
	fputs("title: Mauvais\n# un commentaire\ndots: 0\nquestion: Q\n", bf);
	fclose(bf);
	rc = tserver_command(&srv, &out, "create", "mauvais", "--from", bad,
	    NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "line 3") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "list", NULL);
	cr_assert(strstr(out, "mauvais") == NULL, "%s", out);
	cr_assert(strstr(out, "cafe") != NULL, "%s", out);
	free(out);

	/* The running server serves it: 4 tables, two themes, a code. */
	bad_hello("cafe", "Bruno", NULL, NULL, false, ERROR_AUTH, "no code");
	q = connected(false);
	hello(q, "cafe", "Bruno", "territoire", NULL, 0, true, false);
	m = model_new("cafe");
	cr_assert_eq(catchup(q, 0, m, &cu), 0);
	cr_assert_eq(m->ntables, 4);
	cr_assert_str_eq(m->tables[0].theme, "Orientation et accompagnement "
	    "des personnes en recherche d'emploi");
	cr_assert_str_eq(m->tables[1].theme, m->tables[0].theme);
	cr_assert_str_eq(m->tables[2].theme, "Services aux employeurs : "
	    "r\xc3\xb4les des acteurs priv\xc3\xa9s et publics");
	cr_assert_str_eq(m->tables[3].theme, m->tables[2].theme);
	cr_assert_str_eq(m->settings.title, "Caf\xc3\xa9 de l'emploi "
	    "\xe2\x80\x94 coop\xc3\xa9rer sur le territoire");
	cr_assert_eq(m->phase, PHASE_WELCOME);
	t = m->tables[1].id;
	model_free(m);

	/* A workshop: cards, a cluster, votes, kept ideas. */
	f = joined(false, "cafe", "Nadia", NULL, srv.key);
	apply(f, PHASE(PHASE_IDEAS));
	p = seated(false, "cafe", "Am\xc3\xa9lie", "territoire", t);
	{
		uint64_t a, b, c;

		a = apply(p, ADD(t, "Un guichet unique", 0));
		b = apply(p, ADD(t, "=SUM(A1:A9) \"cit\xc3\xa9\"", 0));
		c = apply(f, ADD(t, "Une r\xc3\xa9ponse", a));
		apply(f, PHASE(PHASE_GROUP));
		apply(p, GROUP(b, a));
		apply(p, TITLE(a, "Accueil"));
		apply(f, PHASE(PHASE_VOTE));
		apply(p, VOTE(a, 1));
		apply(p, VOTE(c, 1));
		apply(f, PHASE(PHASE_HARVEST));
		apply(f, KEEP(a, true));
	}

	/* Exports while it runs: the offline command and the client agree. */
	for (i = 0; i < NITEMS(formats); i++) {
		char *argv[] = { (char *)ts_bin("CB_CLIENT", "client/cafeboard"),
		    (char *)"export", (char *)"--board", (char *)"cafe",
		    (char *)"--format", (char *)formats[i],
		    (char *)"--key-file", srv.keyfile, (char *)"--socket",
		    srv.sock, NULL };

		rc = tserver_command(&srv, &out, "export", "cafe", "--format",
		    formats[i], NULL);
		cr_assert_eq(rc, 0, "%s", out);
		cr_assert_gt(strlen(out), 100);
		cr_assert(strstr(out, "Un guichet unique") != NULL, "%s", out);
		rc = ts_run(&cli, argv);
		cr_assert_eq(rc, 0, "cafeboard export: %d", rc);
		cr_assert_str_eq(cli, out, "export --format %s differs",
		    formats[i]);
		free(cli);
		free(out);
	}
	cr_assert_eq(tserver_command(&srv, &out, "export", "cafe", "--format",
	    "md", NULL), 0);
	cr_assert(strstr(out, "Accueil") != NULL, "%s", out);
	free(out);

	/* check while it runs: the snapshot of create plus the log. */
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "matches the log") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "list", NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "cafe") != NULL && strstr(out, "harvest"),
	    "%s", out);
	free(out);
}

/* The environment a French user gives the commands; restored by unfrench. */
struct french_env {
	char	*saved[3];
};
static const char *const french_vars[3] = {
	"LANGUAGE", "LC_ALL", "CAFEBOARD_LOCALEDIR"
};

/* Run the commands that follow with LANGUAGE=fr and the build's catalogue. */
static void
french(struct french_env *fe)
{
	char	rel[PATH_MAX], dir[PATH_MAX];
	size_t	i;

	for (i = 0; i < NITEMS(french_vars); i++) {
		fe->saved[i] = getenv(french_vars[i]) != NULL ?
		    strdup(getenv(french_vars[i])) : NULL;
	}
	top_file(rel, sizeof rel, "build/locale");
	cr_assert_not_null(realpath(rel, dir), "%s: %s", rel, strerror(errno));
	setenv("LANGUAGE", "fr", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	setenv("CAFEBOARD_LOCALEDIR", dir, 1);
}

/* Put back the environment french() changed. */
static void
unfrench(struct french_env *fe)
{
	size_t	i;

	for (i = 0; i < NITEMS(french_vars); i++) {
		if (fe->saved[i] != NULL)
			setenv(french_vars[i], fe->saved[i], 1);
		else
			unsetenv(french_vars[i]);
		free(fe->saved[i]);
	}
}

/* Write text to dir/name; the path goes to path. */
static void
write_board_file(char *path, size_t len, const char *name, const char *text)
{
	FILE	*f;

	snprintf(path, len, "%s/%s", srv.dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/*
 * A facilitator whose LANGUAGE is French reads the server's command line in
 * French: the mistakes in a board file (with the key it meant), a bad
 * board name, what create and list say.  Typography: a no-break space
 * before the colon and inside the quotes.
 */
STEST(the_command_line_speaks_french)
{
	struct french_env	 fe;
	char			 typo[256], dots[256], seed[512], *out;
	int			 rc;

	tserver_start(&srv, false, NULL);
	write_board_file(typo, sizeof typo, "typo.board",
	    "title: Atelier\n\ntitel: Atelier\n");
	write_board_file(dots, sizeof dots, "dots.board",
	    "title: Atelier\ndots: 0\n");
	top_file(seed, sizeof seed, "examples/seed-cafe.board");

	french(&fe);
	rc = tserver_command(&srv, &out, "create", "atelier", "--from", typo,
	    NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "cafeboard-server\u00a0: ") == out, "%s", out);
	cr_assert(strstr(out, "typo.board: ligne 3\u00a0: cl\u00e9 "
	    "\u00ab\u00a0titel\u00a0\u00bb inconnue (vouliez-vous dire "
	    "\u00ab\u00a0title\u00a0\u00bb\u00a0?)\n") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "create", "atelier", "--from", dots,
	    NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "dots.board: ligne 2\u00a0: valeur "
	    "\u00ab\u00a00\u00a0\u00bb incorrecte pour dots\u00a0: un "
	    "nombre entier de 1 \u00e0 99\n") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "create", "Atelier", "--from", seed,
	    NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert_str_eq(out, "cafeboard-server\u00a0: \u00ab\u00a0Atelier"
	    "\u00a0\u00bb n'est pas un nom de tableau\u00a0: de 1 \u00e0 64 "
	    "caract\u00e8res parmi a-z 0-9 _ -, en commen\u00e7ant par une "
	    "lettre ou un chiffre\n");
	free(out);
	rc = tserver_command(&srv, &out, "check", "absent", NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "il n'y a pas de tableau nomm\u00e9 absent "
	    "dans ") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "create", "atelier", "--from", seed,
	    NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "tableau atelier cr\u00e9\u00e9 dans ") == out,
	    "%s", out);
	cr_assert(strstr(out, ", 4 tables, code d'acc\u00e8s territoire\n")
	    != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "list", NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "TABLEAU") == out, "%s", out);
	cr_assert(strstr(out, "\natelier              accueil ") != NULL,
	    "%s", out);
	free(out);
	unfrench(&fe);

	/* The next user, who speaks no French, reads English. */
	rc = tserver_command(&srv, &out, "create", "Atelier", "--from", seed,
	    NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "cafeboard-server: 'Atelier' is not a board "
	    "name") == out, "%s", out);
	free(out);
}

/* Flip one bit in the body of the middle record of a board's log; its seq. */
static uint64_t
flip_middle_record(const char *board)
{
	char		 path[256];
	uint8_t		*data;
	size_t		 off, n = 0, k, rec[4096];
	struct stat	 st;
	uint64_t	 seq = 0;
	uint32_t	 len;
	int		 fd;

	board_file(path, sizeof path, board, "events.log");
	cr_assert_eq(stat(path, &st), 0);
	data = malloc((size_t)st.st_size);
	fd = open(path, O_RDWR);
	cr_assert(fd != -1);
	cr_assert_eq(read(fd, data, (size_t)st.st_size), st.st_size);
	for (off = 8; off + 8 <= (size_t)st.st_size && n < NITEMS(rec);
	    off += 8 + len) {
		len = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
		    (uint32_t)data[off + 2] << 8 | data[off + 3];
		rec[n++] = off;
	}
	cr_assert_eq(off, (size_t)st.st_size, "the log does not parse");
	cr_assert_gt(n, 4);
	off = rec[n / 2];
	for (k = 0; k < 8; k++)
		seq = seq << 8 | data[off + 8 + k];
	/* The last byte of its body. */
	len = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
	    (uint32_t)data[off + 2] << 8 | data[off + 3];
	off += 8 + len - 1;
	data[off] ^= 0x10;
	cr_assert_eq(pwrite(fd, data + off, 1, (off_t)off), 1);
	close(fd);
	free(data);
	return seq;
}

STEST(check_finds_and_repair_fixes_damage)
{
	struct tclient		*f, *g;
	struct catchup		 cu;
	char			*out;
	uint64_t		 t, tg, bad_seq;
	int			 rc;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "bad");
	busy_board(f, NULL, t, 10);
	tg = new_board(&g, false, "good");
	keeper_ok(g, tg, "before");
	tserver_stop(&srv, SIGKILL);

	bad_seq = flip_middle_record("bad");
	rc = tserver_command(&srv, &out, "check", "bad", NULL);
	cr_assert_eq(rc, 3, "check on a damaged log: %d\n%s", rc, out);
	cr_assert(strstr(out, "DAMAGED") != NULL, "%s", out);
	free(out);
	rc = tserver_command(&srv, &out, "check", "good", NULL);
	cr_assert_eq(rc, 0, "%s", out);
	free(out);

	/* The server refuses that board and serves the other. */
	tserver_restart(&srv);
	bad_hello("bad", "Nadia", NULL, srv.key, false, ERROR_BOARD,
	    "a damaged board, with the key");
	bad_hello("bad", "Bruno", NULL, NULL, false, ERROR_BOARD,
	    "a damaged board");
	reconnect(g, false);
	hello(g, "good", "Nadia", NULL, srv.key, g->head, false, false);
	cr_assert_eq(catchup(g, g->head, NULL, &cu), 0);
	keeper_ok(g, tg, "a damaged board next door");
	rc = tserver_command(&srv, &out, "check", "bad", "--repair", NULL);
	cr_assert_eq(rc, 1, "--repair while the server holds the board: %d\n%s",
	    rc, out);
	free(out);

	/* Repaired with the server stopped, it loads again. */
	tserver_stop(&srv, SIGTERM);
	rc = tserver_command(&srv, &out, "check", "bad", "--repair", NULL);
	cr_assert_eq(rc, 0, "check --repair: %d\n%s", rc, out);
	free(out);
	rc = tserver_command(&srv, &out, "check", "bad", NULL);
	cr_assert_eq(rc, 0, "check after --repair: %d\n%s", rc, out);
	free(out);
	tserver_restart(&srv);
	reconnect(f, false);
	hello(f, "bad", "Nadia", NULL, srv.key, 0, true, false);
	cr_assert_eq(catchup(f, 0, NULL, &cu), 0, "the repaired board");
	cr_assert_eq(cu.w.head, bad_seq - 1, "head %llu, damage at %llu",
	    ULL(cu.w.head), ULL(bad_seq));
	keeper_ok(f, t, "repaired");
}

/* Flip one bit in the body of the record of seq want in a board's log. */
static void
flip_record(const char *board, uint64_t want)
{
	char		 path[256];
	uint8_t		*data;
	size_t		 off;
	struct stat	 st;
	uint64_t	 seq;
	uint32_t	 len;
	int		 fd, k;

	board_file(path, sizeof path, board, "events.log");
	cr_assert_eq(stat(path, &st), 0);
	data = malloc((size_t)st.st_size);
	fd = open(path, O_RDWR);
	cr_assert(fd != -1);
	cr_assert_eq(read(fd, data, (size_t)st.st_size), st.st_size);
	for (off = 8; off + 16 <= (size_t)st.st_size; off += 8 + len) {
		len = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
		    (uint32_t)data[off + 2] << 8 | data[off + 3];
		for (seq = 0, k = 0; k < 8; k++)
			seq = seq << 8 | data[off + 8 + k];
		if (seq != want)
			continue;
		off += 8 + len - 1;
		data[off] ^= 0x10;
		cr_assert_eq(pwrite(fd, data + off, 1, (off_t)off), 1);
		close(fd);
		free(data);
		return;
	}
	cr_assert_fail("no record of seq %llu in %s", ULL(want), path);
}

/* The seq a board's snapshot holds. */
static uint64_t
snapshot_seq(const char *board)
{
	char		path[256];
	uint8_t		hdr[16];
	uint64_t	seq = 0;
	int		fd, k;

	board_file(path, sizeof path, board, "snapshot");
	fd = open(path, O_RDONLY);
	cr_assert(fd != -1, "%s: %s", path, strerror(errno));
	cr_assert_eq(read(fd, hdr, sizeof hdr), (ssize_t)sizeof hdr);
	close(fd);
	for (k = 8; k < 16; k++)
		seq = seq << 8 | hdr[k];
	return seq;
}

/* The next message c gets that is no PING, and its frame's length. */
static void
next_of(struct tclient *c, struct proto_msg *m, size_t *len, const char *what)
{
	uint8_t	*frame;
	size_t	 n;

	for (;;) {
		cr_assert_eq(tclient_recv_frame(c, &frame, &n, WAIT), 1,
		    "%s: nothing came", what);
		cr_assert_eq(proto_decode(frame + PROTO_FRAME_HDR,
		    n - PROTO_FRAME_HDR, m, NULL), PROTO_OK, "%s: a frame that "
		    "does not decode", what);
		free(frame);
		if (m->type != PROTO_PING)
			break;
		proto_msg_free(m);
	}
	if (len != NULL)
		*len = n;
}

/* c's next message is the EVENT of kind (its frame's length). */
static size_t
next_event_of(struct tclient *c, uint8_t kind, const char *what)
{
	struct proto_msg	m;
	size_t			n;

	next_of(c, &m, &n, what);
	cr_assert(m.type == PROTO_EVENT && m.u.event.op.kind == kind, "%s: "
	    "message %u (kind %u) instead of %s", what, m.type,
	    m.type == PROTO_EVENT ? m.u.event.op.kind : 0,
	    proto_kind_name(kind));
	c->head = m.u.event.seq;
	proto_msg_free(&m);
	return n;
}

/* c's next message is the PRESENCE of p, online or not, named name. */
static void
next_presence(struct tclient *c, uint32_t p, bool online, const char *name,
    const char *what)
{
	struct proto_msg	m;

	next_of(c, &m, NULL, what);
	cr_assert_eq(m.type, PROTO_PRESENCE, "%s: message %u instead of "
	    "PRESENCE", what, m.type);
	cr_assert_eq(m.u.presence.participant, p, "%s", what);
	cr_assert_eq(m.u.presence.online, online, "%s", what);
	if (name == NULL)
		cr_assert_null(m.u.presence.name, "%s: a name, %s", what,
		    m.u.presence.name);
	else
		cr_assert_str_eq(m.u.presence.name, name, "%s", what);
	proto_msg_free(&m);
}

/*
 * ext, the compact roster: a client that asks gets who is here in one
 * ROSTER, hears of a newcomer by the joined event alone (its client id
 * as nil, 17 bytes less), and PRESENCEs without names; a client on the
 * original protocol, on the same board, gets exactly what it always did.
 */
STEST(compact_roster_for_the_clients_that_ask)
{
	struct tclient		*f, *r, *l;
	struct proto_msg	 m;
	size_t			 nf, nr;
	uint32_t		 me;
	bool			 nadia = false, remi = false;
	uint32_t		 i;
	uint8_t			 type;

	tserver_start(&srv, false, NULL);
	new_board(&f, false, "salle");

	r = connected(false);
	r->roster = true;
	hello(r, "salle", "R\xc3\xa9mi", NULL, NULL, 0, false, false);
	next_of(r, &m, NULL, "Remi's WELCOME");
	cr_assert_eq(m.type, PROTO_WELCOME);
	cr_assert(m.u.welcome.roster, "the WELCOME does not grant the roster");
	me = m.u.welcome.participant;
	proto_msg_free(&m);
	do {
		next_of(r, &m, NULL, "Remi's catch-up");
		type = m.type;
		cr_assert(type != PROTO_PRESENCE, "a PRESENCE in the catch-up "
		    "of a roster client");
		proto_msg_free(&m);
	} while (type != PROTO_READY);
	next_of(r, &m, NULL, "Remi's ROSTER");
	cr_assert_eq(m.type, PROTO_ROSTER, "message %u instead of ROSTER",
	    m.type);
	cr_assert_eq(m.u.roster.npairs, 2, "%u online", m.u.roster.npairs);
	for (i = 0; i < m.u.roster.npairs; i++) {
		nadia |= m.u.roster.pairs[i].a == f->participant;
		remi |= m.u.roster.pairs[i].a == me;
		cr_assert_eq(m.u.roster.pairs[i].b, 0, "at a table");
	}
	cr_assert(nadia && remi, "the ROSTER misses %s", nadia ? "R\xc3\xa9mi"
	    : "Nadia");
	proto_msg_free(&m);
	/* Nadia, on the original protocol, sees R\xc3\xa9mi as always. */
	next_event_of(f, OP_JOINED, "Nadia: Remi joined");
	next_presence(f, me, true, "R\xc3\xa9mi", "Nadia: Remi is here");

	/* A newcomer: the event says it all to R\xc3\xa9mi. */
	l = joined(false, "salle", "L\xc3\xa9" "a", NULL, NULL);
	nf = next_event_of(f, OP_JOINED, "Nadia: Lea joined");
	next_presence(f, l->participant, true, "L\xc3\xa9" "a",
	    "Nadia: Lea is here");
	nr = next_event_of(r, OP_JOINED, "Remi: Lea joined");
	cr_assert_eq(nf - nr, PROTO_CLIENT_LEN + 1, "the joined event is %zu "
	    "bytes to Nadia and %zu to Remi", nf, nr);
	apply(f, BANNER("Bienvenue"));
	next_event_of(r, OP_BANNER, "Remi: no PRESENCE after Lea's joined");

	/* Gone, then back: PRESENCEs, without the name. */
	hang_up(l);
	next_presence(f, l->participant, false, "L\xc3\xa9" "a",
	    "Nadia: Lea left");
	next_presence(r, l->participant, false, NULL, "Remi: Lea left");
	reconnect(l, false);
	cr_assert_eq(tclient_join(l, "salle", "L\xc3\xa9" "a", NULL, NULL), 0);
	next_presence(r, l->participant, true, NULL, "Remi: Lea is back");
	next_presence(f, l->participant, true, "L\xc3\xa9" "a",
	    "Nadia: Lea is back");
	tserver_stop(&srv, SIGTERM);
}

/* The size of one of a board's files. */
static off_t
file_size(const char *board, const char *file)
{
	char		path[256];
	struct stat	st;

	board_file(path, sizeof path, board, file);
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_size;
}

/*
 * A big board's snapshots are spread out: with --snapshot-every 10, a
 * board whose snapshot is larger than 10 events of log waits until the
 * log has grown by as much as the snapshot before the next one.  (Before,
 * every 10 events rewrote the whole board: the cost of a change grew with
 * the board.)
 */
STEST(snapshots_of_a_big_board_wait_for_as_much_log)
{
	struct tclient	*f;
	uint64_t	 t, snap, seq;
	off_t		 log_at, snap_size;
	char		 text[PROTO_CARD_MAX], path[256];
	int		 i, n;

	tserver_start(&srv, false, "--snapshot-every", "10", "--ops-per-sec",
	    "0", NULL);
	t = new_board(&f, false, "grand");
	/*
	 * Long ideas until a snapshot of some size is made at the last one:
	 * the log's size then is where the next one counts from.
	 */
	memset(text, 'x', 400);
	text[400] = '\0';
	snap = 0;
	for (i = 0; i < 200; i++) {
		seq = apply(f, ADD(t, text, 0));
		answers(f, 1, "a long idea");
		board_file(path, sizeof path, "grand", "snapshot");
		if (access(path, F_OK) == 0 && snapshot_seq("grand") == seq &&
		    file_size("grand", "snapshot") > 10000) {
			snap = seq;
			break;
		}
	}
	cr_assert(snap != 0, "no snapshot of 10 kB at an idea's seq");
	snap_size = file_size("grand", "snapshot");
	log_at = file_size("grand", "events.log");

	/* Short ideas: many more than 10 events, less log than a snapshot. */
	for (n = 0; file_size("grand", "events.log") - log_at < snap_size / 2;
	    n++) {
		apply(f, ADD(t, "court", 0));
		/* The log's size before any snapshot made for this event. */
		answers(f, 2, "a short idea");
		cr_assert_eq(snapshot_seq("grand"), snap, "a snapshot at %llu "
		    "after %d short ideas and %lld bytes of log, the last "
		    "one holding %lld", ULL(snapshot_seq("grand")), n + 1,
		    (long long)(file_size("grand", "events.log") - log_at),
		    (long long)snap_size);
	}
	cr_assert(n >= 30, "only %d short ideas made half a snapshot", n);

	/* Once the log has grown by a snapshot, the next one comes. */
	while (file_size("grand", "events.log") - log_at < snap_size + 10 * 200) {
		seq = apply(f, ADD(t, "court", 0));
		answers(f, 3, "another short idea");
	}
	cr_assert(snapshot_seq("grand") > snap && snapshot_seq("grand") <= seq,
	    "the snapshot stayed at %llu (head %llu)", ULL(snapshot_seq(
	    "grand")), ULL(seq));
	hang_up(f);
	tserver_stop(&srv, SIGTERM);
}

/* The board as a facilitator's fresh STATE catch-up gives it. */
static struct model *
served_board(const char *board)
{
	struct tclient	*o = connected(false);
	struct catchup	 cu;
	struct model	*m = model_new(board);

	hello(o, board, "Nadia", NULL, srv.key, 0, true, true);
	cr_assert_eq(catchup(o, 0, m, &cu), 0, "%s is not served", board);
	hang_up(o);
	return m;
}

/* out holds the check summary of a board with that many cards. */
static void
summary_says(const char *out, const char *prefix, const char *board,
    size_t cards)
{
	char	want[96];
	const char *p;

	snprintf(want, sizeof want, "%sboard %s: ", prefix, board);
	p = strstr(out, want);
	cr_assert_not_null(p, "no \"%s\" in:\n%s", want, out);
	snprintf(want, sizeof want, ", %zu cards, ", cards);
	cr_assert_not_null(strstr(p, want), "\"%s\" wanted in:\n%s", want,
	    out);
}

/*
 * ext, HELLO "sit": a room that joins at once is seated by the server in
 * the order of its joins, spread over the tables (each client choosing
 * for itself on its catch-up would pick the same empty table); someone
 * seated already stays where they are, a facilitator is not seated, and
 * a HELLO without it changes nothing.
 */
STEST(a_room_joining_at_once_is_spread_over_the_tables)
{
	struct tclient		*f, *c[6], *plain;
	struct proto_msg	 m;
	struct model		*board;
	uint64_t		 t[3];
	uint32_t		 per[3] = { 0, 0, 0 };
	const struct model_participant *mp;
	char			 name[32];
	int			 i, k, rc;

	tserver_start(&srv, false, NULL);
	t[0] = new_board(&f, false, "salle");
	t[1] = apply(f, TADD("Deuxi\xc3\xa8me question ?"));
	t[2] = apply(f, TADD("Troisi\xc3\xa8me question ?"));
	/* Six HELLOs sent before any answer is read. */
	for (i = 0; i < 6; i++) {
		c[i] = connected(false);
		c[i]->sit = true;
		snprintf(name, sizeof name, "Personne %d", i + 1);
		hello(c[i], "salle", name, NULL, NULL, 0, false, false);
	}
	for (i = 0; i < 6; i++) {
		cr_assert_eq(tclient_expect(c[i], PROTO_WELCOME, &m, WAIT), 1);
		c[i]->participant = m.u.welcome.participant;
		proto_msg_free(&m);
		/* The seat is in the catch-up: no op of its own. */
		rc = tclient_expect(c[i], PROTO_READY, &m, WAIT);
		cr_assert_eq(rc, 1);
		proto_msg_free(&m);
	}
	board = served_board("salle");
	for (i = 0; i < 6; i++) {
		mp = model_participant(board, c[i]->participant);
		cr_assert_not_null(mp);
		for (k = 0; k < 3 && t[k] != mp->table; k++)
			;
		cr_assert_lt(k, 3, "Personne %d is at table %llu", i + 1,
		    ULL(mp->table));
		per[k]++;
	}
	cr_assert(per[0] == 2 && per[1] == 2 && per[2] == 2, "seated %u, %u "
	    "and %u", per[0], per[1], per[2]);
	/* The facilitator's HELLO said nothing of it; she is not seated. */
	cr_assert_eq(model_participant(board, f->participant)->table, 0);
	model_free(board);

	/* Back after a move: where they moved to, not seated again. */
	apply(c[0], SIT(t[2], 0));
	hang_up(c[0]);
	reconnect(c[0], false);
	cr_assert_eq(tclient_join(c[0], "salle", "Personne 1", NULL, NULL), 0);
	/* A facilitator with the key is not seated; nor is a HELLO without. */
	f = connected(false);
	f->sit = true;
	cr_assert_eq(tclient_join(f, "salle", "Karim", NULL, srv.key), 0);
	plain = joined(false, "salle", "Sans place", NULL, NULL);
	board = served_board("salle");
	cr_assert_eq(model_participant(board, c[0]->participant)->table, t[2]);
	cr_assert_eq(model_participant(board, f->participant)->table, 0);
	cr_assert_eq(model_participant(board, plain->participant)->table, 0);
	model_free(board);
	tserver_stop(&srv, SIGTERM);
}

/*
 * A flipped bit in a record the snapshot covers: repair keeps the snapshot
 * and every intact record after it, loses nothing, and says so before and
 * after; what check says is what the server then serves.
 */
STEST(repair_keeps_what_the_snapshot_covers)
{
	struct tclient	*f;
	struct catchup	 cu;
	struct model	*before, *after;
	struct stat	 st;
	char		*out, want[256], *aside, *end;
	uint64_t	 t, snap, head, bad;
	int		 rc, i;

	tserver_start(&srv, false, "--snapshot-every", "30", "--ops-per-sec",
	    "0", NULL);
	t = new_board(&f, false, "cafe");
	busy_board(f, NULL, t, 60);
	for (i = 0; i < 5; i++)
		apply(f, ADD(t, "apr\xc3\xa8s l'instantan\xc3\xa9", 0));
	before = served_board("cafe");
	head = before->head;
	tserver_stop(&srv, SIGKILL);
	snap = snapshot_seq("cafe");
	cr_assert(snap > 20 && snap + 1 < head, "snapshot at %llu, head %llu",
	    ULL(snap), ULL(head));
	bad = snap / 2;
	flip_record("cafe", bad);

	/* check says what a repair keeps, and what it would serve then. */
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 3, "check: %d\n%s", rc, out);
	cr_assert_not_null(strstr(out, "DAMAGED"), "%s", out);
	snprintf(want, sizeof want, "--repair keeps the snapshot (seq %llu) "
	    "and the log's seq %llu to %llu; nothing is lost", ULL(snap),
	    ULL(bad + 1), ULL(head));
	cr_assert_not_null(strstr(out, want), "no \"%s\" in:\n%s", want, out);
	cr_assert_not_null(strstr(out, "board cafe: not served until it is "
	    "repaired"), "%s", out);
	summary_says(out, "after --repair, ", "cafe", before->live_cards);
	free(out);

	rc = tserver_command(&srv, &out, "check", "cafe", "--repair", NULL);
	cr_assert_eq(rc, 0, "check --repair: %d\n%s", rc, out);
	snprintf(want, sizeof want, "REPAIRED: kept the snapshot (seq %llu) "
	    "and the log's seq %llu to %llu; nothing is lost; the damaged log "
	    "is kept as ", ULL(snap), ULL(bad + 1), ULL(head));
	cr_assert_not_null(aside = strstr(out, want), "no \"%s\" in:\n%s",
	    want, out);
	aside += strlen(want);
	end = strchr(aside, '\n');
	cr_assert_not_null(end);
	*end = '\0';
	cr_assert_eq(stat(aside, &st), 0, "%s: %s", aside, strerror(errno));
	*end = '\n';
	summary_says(out, "", "cafe", before->live_cards);
	free(out);

	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 0, "check after --repair: %d\n%s", rc, out);
	snprintf(want, sizeof want, "records, seq %llu to %llu,", ULL(bad + 1),
	    ULL(head));
	cr_assert_not_null(strstr(out, want), "no \"%s\" in:\n%s", want, out);
	summary_says(out, "", "cafe", before->live_cards);
	free(out);

	/* The server serves all of it, and goes on. */
	tserver_restart(&srv);
	after = served_board("cafe");
	same_board(before, after, "after the repair");
	model_free(after);
	model_free(before);
	reconnect(f, false);
	hello(f, "cafe", "Nadia", NULL, srv.key, head, false, false);
	cr_assert_eq(catchup(f, head, NULL, &cu), 0);
	cr_assert_eq(apply(f, ADD(t, "ensuite", 0)), head + 1);
}

/* Write the record of seq want a second time right after itself. */
static void
repeat_record(const char *board, uint64_t want)
{
	char		 path[256];
	uint8_t		*data, *out;
	size_t		 off, total;
	struct stat	 st;
	uint64_t	 seq;
	uint32_t	 len;
	int		 fd, k;

	board_file(path, sizeof path, board, "events.log");
	cr_assert_eq(stat(path, &st), 0);
	data = malloc((size_t)st.st_size);
	fd = open(path, O_RDWR);
	cr_assert(fd != -1);
	cr_assert_eq(read(fd, data, (size_t)st.st_size), st.st_size);
	for (off = 8; off + 16 <= (size_t)st.st_size; off += 8 + len) {
		len = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
		    (uint32_t)data[off + 2] << 8 | data[off + 3];
		for (seq = 0, k = 0; k < 8; k++)
			seq = seq << 8 | data[off + 8 + k];
		if (seq != want)
			continue;
		total = (size_t)st.st_size + 8 + len;
		out = malloc(total);
		memcpy(out, data, off + 8 + len);
		memcpy(out + off + 8 + len, data + off, 8 + len);
		memcpy(out + off + 16 + 2 * len, data + off + 8 + len,
		    (size_t)st.st_size - off - 8 - len);
		cr_assert_eq(pwrite(fd, out, total, 0), (ssize_t)total);
		close(fd);
		free(out);
		free(data);
		return;
	}
	cr_assert_fail("no record of seq %llu in %s", ULL(want), path);
}

/*
 * A record written twice: the server refuses the log, and a repair keeps
 * every event, without the repeat, with no snapshot to help.
 */
STEST(repair_drops_a_repeated_record_and_keeps_the_rest)
{
	struct tclient	*f;
	struct model	*before, *after;
	char		*out, want[160];
	uint64_t	 t, head;
	int		 rc;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	busy_board(f, NULL, t, 12);
	before = served_board("cafe");
	head = before->head;
	tserver_stop(&srv, SIGKILL);
	repeat_record("cafe", head / 2);

	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 3, "check: %d\n%s", rc, out);
	snprintf(want, sizeof want, "--repair keeps the log's seq 1 to %llu; "
	    "nothing is lost", ULL(head));
	cr_assert_not_null(strstr(out, want), "no \"%s\" in:\n%s", want, out);
	free(out);
	rc = tserver_command(&srv, &out, "check", "cafe", "--repair", NULL);
	cr_assert_eq(rc, 0, "check --repair: %d\n%s", rc, out);
	summary_says(out, "", "cafe", before->live_cards);
	free(out);
	tserver_restart(&srv);
	after = served_board("cafe");
	same_board(before, after, "after the repair");
	model_free(after);
	model_free(before);
}

/*
 * check's last line is what the server serves: with the snapshot ahead of
 * a torn log, and with nothing but the snapshot left.
 */
STEST(check_summary_is_what_the_server_serves)
{
	struct tclient	*f;
	struct model	*before, *after;
	struct stat	 st;
	char		*out, path[256];
	uint64_t	 t;
	int		 rc;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "cafe");
	busy_board(f, NULL, t, 6);
	apply(f, ADD(t, "la derni\xc3\xa8re", 0));
	before = served_board("cafe");
	/* SIGTERM snapshots the head; then the log loses its last record. */
	tserver_stop(&srv, SIGTERM);
	board_file(path, sizeof path, "cafe", "events.log");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(truncate(path, st.st_size - 3), 0);
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 3, "check: %d\n%s", rc, out);
	summary_says(out, "", "cafe", before->live_cards);
	free(out);
	tserver_restart(&srv);
	after = served_board("cafe");
	same_board(before, after, "from the snapshot");
	model_free(after);

	/* Only the snapshot is left: it is the board. */
	tserver_stop(&srv, SIGTERM);
	cr_assert_eq(unlink(path), 0);
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 0, "check: %d\n%s", rc, out);
	cr_assert_not_null(strstr(out, "events.log: none; the server starts "
	    "a new log after the snapshot"), "%s", out);
	summary_says(out, "", "cafe", before->live_cards);
	free(out);
	rc = tserver_command(&srv, &out, "list", NULL);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert_not_null(strstr(out, "\ncafe "), "%s", out);
	free(out);
	tserver_restart(&srv);
	f = joined(false, "cafe", "Bruno", NULL, NULL);
	after = served_board("cafe");
	cr_assert_eq(after->live_cards, before->live_cards);
	cr_assert_eq(apply(f, SIT(t, 0)), after->head + 1);
	model_free(after);
	model_free(before);

	/* A snapshot that cannot be used, and no log: no empty board. */
	tserver_stop(&srv, SIGTERM);
	cr_assert_eq(unlink(path), 0);
	board_file(path, sizeof path, "cafe", "snapshot");
	cr_assert_eq(truncate(path, 30), 0);
	rc = tserver_command(&srv, &out, "check", "cafe", NULL);
	cr_assert_eq(rc, 3, "check: %d\n%s", rc, out);
	cr_assert_not_null(strstr(out, "events.log: none, and no usable "
	    "snapshot either"), "%s", out);
	cr_assert_not_null(strstr(out, "board cafe: the server cannot open "
	    "it: "), "%s", out);
	free(out);
	tserver_restart(&srv);
	bad_hello("cafe", "Nadia", NULL, srv.key, false, ERROR_BOARD,
	    "only an unusable snapshot");
}

/* ------------------------------------------------------------ 12. modes */

/*
 * --fsync batch and never serve like always, and a clean stop keeps every
 * change: the board comes back whole.
 */
static void
fsync_mode(const char *mode)
{
	struct tclient	*f, *g;
	struct catchup	 cu;
	uint64_t	 t, head;

	tserver_start(&srv, false, "--fsync", mode, NULL);
	t = new_board(&f, false, "modes");
	busy_board(f, NULL, t, 30);
	head = f->head;
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0, "--fsync %s: stop", mode);
	tserver_restart(&srv);
	g = connected(false);
	hello(g, "modes", "Nadia", NULL, srv.key, 0, true, false);
	cr_assert_eq(catchup(g, 0, NULL, &cu), 0);
	cr_assert_eq(cu.w.head, head, "--fsync %s: head %llu after a restart, "
	    "%llu before", mode, ULL(cu.w.head), ULL(head));
	keeper_ok(g, t, mode);
}

/*
 * A fatal error reaches the configured log, not only standard error
 * (issue 9.9): the server runs out of memory (its address space capped)
 * while writing a large state, and says so in its --log-file.
 */
STEST(fatal_errors_reach_the_log_file)
{
	struct tclient	*f, *c;
	struct rlimit	 rl;
	uint64_t	 t;
	char		*log;
	long		 vm;
	int		 status;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("the sanitizer's allocator reports running out of "
	    "memory itself");
#endif
	tserver_start(&srv, false, "--ops-per-sec", "0", "--fsync", "never",
	    NULL);
	t = new_board(&f, false, "big");
	many_cards(f, t, 600);
	/* Room for what is mapped now, not for a 300 kB state on top. */
	vm = proc_kb(srv.pid, "VmSize:");
	cr_assert_gt(vm, 0);
	rl.rlim_cur = rl.rlim_max = (rlim_t)vm * 1024 + 64 * 1024;
	cr_assert_eq(prlimit(srv.pid, RLIMIT_AS, &rl, NULL), 0, "prlimit: %s",
	    strerror(errno));
	c = connected(false);
	hello(c, "big", "Bruno", NULL, NULL, 0, true, false);
	status = tserver_stop(&srv, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 70, "the server "
	    "did not exit with 70 (status %d)", status);
	log = tserver_log(&srv);
	cr_assert(strstr(log, "error: fatal: out of memory") != NULL,
	    "the log does not say why the server stopped:\n%s", log);
	free(log);
}

/* True if this process may make a private mount namespace (root). */
static bool
can_unshare_mounts(void)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == 0)
		_exit(unshare(CLONE_NEWNS) == 0 ? 0 : 1);
	cr_assert_neq(pid, -1);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Server setup: a private mount namespace, a 1 MB tmpfs as its data. */
static void
small_disk(const struct tserver *s)
{
	mkdir(s->data, 0700);
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("cafeboard-test", s->data, "tmpfs", 0, "size=1m,mode=0700")
	    != 0)
		_exit(77);
}

/* Server setup: a private mount namespace, the board "ro" read-only. */
static void
read_only_board(const struct tserver *s)
{
	char	dir[160];

	snprintf(dir, sizeof dir, "%s/ro", s->data);
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount(dir, dir, NULL, MS_BIND, NULL) != 0 ||
	    mount(NULL, dir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) !=
	    0)
		_exit(77);
}

/* The modes of a board directory's files, then of the directory. */
static void
set_modes(const char *dir, mode_t files, mode_t mode)
{
	static const char *const names[] = { "events.log", "snapshot", "lock" };
	char	path[200];
	size_t	i;

	for (i = 0; i < NITEMS(names); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		chmod(path, files);
	}
	cr_assert_eq(chmod(dir, mode), 0);
}

/* path as the server sees it, from this process (its mount namespace). */
static void
server_path(char *out, size_t len, const char *path)
{
	snprintf(out, len, "/proc/%ld/root%s", (long)srv.pid, path);
}

/*
 * Fill the server's disk, then give back leave bytes; the filler's path
 * goes to filler (unlink it to free the space).
 */
static void
fill_disk(char *filler, size_t len, size_t leave)
{
	static char	 block[65536];
	char		 data[160];
	off_t		 size = 0;
	ssize_t		 n;
	int		 fd;

	server_path(data, sizeof data, srv.data);
	snprintf(filler, len, "%s/filler", data);
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_neq(fd, -1, "%s: %s", filler, strerror(errno));
	while ((n = write(fd, block, sizeof block)) > 0)
		size += n;
	cr_assert_eq(errno, ENOSPC, "filling: %s", strerror(errno));
	if (leave > 0)
		cr_assert_eq(ftruncate(fd, size - (off_t)leave), 0);
	close(fd);
}

/* Send op; it must get REJECT code, whose text is copied to why. */
static void
refused_why(struct tclient *c, struct proto_op op, int code, char *why,
    size_t len)
{
	struct proto_msg	m;
	uint32_t		id = tclient_op(c, &op);
	int			rc;

	for (;;) {
		rc = tclient_recv(c, &m, WAIT);
		cr_assert_eq(rc, 1, "no answer to op %u", id);
		if (m.type == PROTO_REJECT && m.u.reject.op_id == id)
			break;
		cr_assert(m.type != PROTO_EVENT || m.u.event.origin !=
		    c->participant || m.u.event.op_id != id, "op %u was "
		    "applied", id);
		cr_assert_neq(m.type, PROTO_ERROR, "ERROR %u", m.u.error.code);
		proto_msg_free(&m);
	}
	cr_assert_eq(m.u.reject.code, (uint32_t)code, "REJECT %u (%s), want "
	    "%d", m.u.reject.code, m.u.reject.text, code);
	snprintf(why, len, "%s", m.u.reject.text);
	proto_msg_free(&m);
}

/* How many lines of the server's log hold text. */
static int
log_lines(const char *text)
{
	char	*log = tserver_log(&srv), *at;
	int	 n = 0;

	for (at = log; (at = strstr(at, text)) != NULL; at++)
		n++;
	free(log);
	return n;
}

/*
 * The disk fills up (issue 9.7, 9.11): snapshots that fail and changes that
 * are refused are logged once per burst; users are told the cause; a board
 * that could not be made for lack of space is made once space is back,
 * without a restart.
 */
STEST(full_disk_says_why_and_recovers)
{
	struct tclient		*f, *x;
	struct proto_msg	 m;
	char			 key[160], filler[200], why[256];
	FILE			*kf;
	uint64_t		 t;
	int			 i, rc = 0;

	if (!can_unshare_mounts())
		cr_skip_test("a small tmpfs needs root (a private mount "
		    "namespace)");
	tserver_start_setup(&srv, small_disk, false, "--ops-per-sec", "0",
	    "--snapshot-every", "5", NULL);
	server_path(key, sizeof key, srv.keyfile);
	cr_assert_not_null(kf = fopen(key, "r"), "%s", key);
	cr_assert_not_null(fgets(srv.key, sizeof srv.key, kf));
	srv.key[strcspn(srv.key, "\r\n")] = '\0';
	fclose(kf);
	t = new_board(&f, false, "cafe");
	many_cards(f, t, 40);

	/* Room for the log, not for a snapshot: each pass would retry. */
	fill_disk(filler, sizeof filler, 8192);
	for (i = 0; i < 15; i++)
		apply(f, ADD(t, "petite", 0));
	cr_assert_leq(log_lines("snapshot failed"), 2, "%d lines for one "
	    "burst of failed snapshots", log_lines("snapshot failed"));

	/*
	 * Full (once the log's last page and the room it reserved ahead, up
	 * to 64 kB, are used up too): every change refused, saying why,
	 * logged once.
	 */
	unlink(filler);
	fill_disk(filler, sizeof filler, 0);
	for (i = 0; i < 2000; i++) {
		struct proto_op	op = ADD(t, "de trop", 0);
		uint32_t	id = tclient_op(f, &op);

		rc = tclient_wait_op(f, id, &m, WAIT);
		if (rc == 1)
			proto_msg_free(&m);
		else
			break;
	}
	cr_assert_eq(rc, -REJECT_LIMIT, "the full disk refused nothing: %d",
	    rc);
	for (i = 0; i < 20; i++) {
		refused_why(f, ADD(t, "de trop", 0), REJECT_LIMIT, why,
		    sizeof why);
		cr_assert(strstr(why, "no space left") != NULL, "REJECT says: "
		    "%s", why);
	}
	cr_assert_leq(log_lines("cannot store"), 2, "%d lines for 20 refused "
	    "changes", log_lines("cannot store"));

	/* A new board cannot be made now, and the newcomer is told why. */
	x = connected(false);
	hello(x, "neuf", "Nadia", NULL, srv.key, 0, false, false);
	cr_assert_eq(tclient_expect(x, PROTO_ERROR, &m, WAIT), 1);
	cr_assert_eq(m.u.error.code, ERROR_FULL, "ERROR %u (%s)",
	    m.u.error.code, m.u.error.text);
	cr_assert(strstr(m.u.error.text, "no space left") != NULL, "ERROR "
	    "says: %s", m.u.error.text);
	proto_msg_free(&m);

	/* Space is back: the board is made, changes go through. */
	cr_assert_eq(unlink(filler), 0);
	x = joined(false, "neuf", "Nadia", NULL, srv.key);
	apply(x, TADD("Et maintenant ?"));
	keeper_ok(f, t, "space is back");
}

/* A card of 500 characters numbered n (about 560 bytes of log). */
static struct proto_op
long_card(char *text, size_t len, uint64_t t, int n)
{
	snprintf(text, len, "%d %0*d", n, PROTO_CARD_MAX - 12, 0);
	return ADD(t, text, 0);
}

/*
 * The server's log holds a pass's events and writes them in one write at
 * the end of the pass, where the file system has reserved room for them.
 * A file size limit (which no reservation sees) refuses changes as a full
 * disk does, saying why; every change acknowledged before it survives a
 * kill -9, and no refused one appears.  Needs no root, unlike a tmpfs.
 */
STEST(a_file_size_limit_refuses_changes_and_keeps_every_acknowledged_one)
{
	struct tclient		*f, *g;
	struct proto_msg	 m;
	struct proto_op		 op;
	struct catchup		 cu;
	struct rlimit		 rl;
	struct model		*mg;
	const struct model_card	*card;
	char			 text[PROTO_CARD_MAX + 1], why[256];
	uint64_t		 t, head = 0;
	int			 i, n, accepted = 0, refused = 0;

	tserver_start(&srv, false, "--ops-per-sec", "0", "--snapshot-every",
	    "0", NULL);
	/* 200 kB: three reservations of the log fit, a fourth does not. */
	rl.rlim_cur = rl.rlim_max = 200 * 1024;
	cr_assert_eq(prlimit(srv.pid, RLIMIT_FSIZE, &rl, NULL), 0,
	    "prlimit: %s", strerror(errno));
	t = new_board(&f, false, "cafe");
	/*
	 * Batches of 20 cards, so that a pass holds several.  A REJECT may
	 * come before the EVENTs of earlier ops (those wait for the end of
	 * the pass): every answer of the batch is read, in any order.
	 */
	while (refused == 0) {
		for (i = 0; i < 20; i++) {
			op = long_card(text, sizeof text, t, accepted + i);
			cr_assert_neq(proto_enc_op(&f->out, ++f->next_op, &op),
			    0);
		}
		cr_assert_eq(tclient_flush(f), 0);
		for (i = 0; i < 20; ) {
			cr_assert_eq(tclient_recv(f, &m, WAIT), 1, "no answer "
			    "(ERROR %u)", f->error);
			if (m.type == PROTO_EVENT && m.u.event.origin ==
			    f->participant) {
				head = m.u.event.seq;
				accepted++;
				i++;
			} else if (m.type == PROTO_REJECT) {
				cr_assert_eq(m.u.reject.code, REJECT_LIMIT,
				    "REJECT %u (%s)", m.u.reject.code,
				    m.u.reject.text);
				refused++;
				i++;
			}
			proto_msg_free(&m);
		}
		cr_assert_lt(accepted, 1000, "the limit refused nothing");
	}
	cr_assert_gt(accepted, 200, "only %d cards under the limit",
	    accepted);
	refused_why(f, long_card(text, sizeof text, t, 9999), REJECT_LIMIT,
	    why, sizeof why);
	cr_assert(strstr(why, "size limit") != NULL, "REJECT says: %s", why);
	cr_assert_leq(file_size("cafe", "events.log"), 200 * 1024);

	/* What was acknowledged is on disk, and only that. */
	tserver_stop(&srv, SIGKILL);
	tserver_restart(&srv);
	g = connected(false);
	hello(g, "cafe", "Olga", NULL, srv.key, 0, true, false);
	mg = model_new("cafe");
	cr_assert_eq(catchup(g, 0, mg, &cu), 0);
	cr_assert_eq(mg->live_cards, (size_t)accepted, "%zu cards, %d "
	    "acknowledged", mg->live_cards, accepted);
	long_card(text, sizeof text, t, accepted - 1);
	card = card_by_text(mg, text, &n);
	cr_assert(card != NULL && n == 1 && card->id == head, "the last card "
	    "acknowledged (seq %llu) is not on the board", ULL(head));
	long_card(text, sizeof text, t, accepted);
	cr_assert_null(card_by_text(mg, text, &n), "a refused card is on the "
	    "board");
	model_free(mg);
}

/*
 * A write of a pass's events that fails after they were applied (here the
 * file size limit came down under the server's feet, past the room it had
 * reserved) stops the server before anyone hears of them.  The author
 * resends its unconfirmed change after the restart, with the same op id,
 * and it is applied once.
 */
STEST(a_log_write_that_fails_after_the_change_stops_the_server)
{
	struct tclient		*f, *p;
	struct proto_msg	 m;
	struct proto_op		 op;
	struct catchup		 cu;
	struct rlimit		 rl;
	uint64_t		 t, head;
	uint32_t		 id;
	off_t			 size;
	char			*log;
	int			 status;

	tserver_start(&srv, false, "--ops-per-sec", "0", NULL);
	t = new_board(&f, false, "cafe");
	p = seated(false, "cafe", "Bruno", NULL, t);
	many_cards(f, t, 10);
	head = f->head;
	skip_to(p, head);
	size = file_size("cafe", "events.log");
	rl.rlim_cur = rl.rlim_max = (rlim_t)size;
	cr_assert_eq(prlimit(srv.pid, RLIMIT_FSIZE, &rl, NULL), 0,
	    "prlimit: %s", strerror(errno));

	op = ADD(t, "Perdue ?", 0);
	id = tclient_op(f, &op);
	cr_assert_eq(tclient_wait_op(f, id, &m, WAIT), TS_CLOSED, "the "
	    "change was answered");
	cr_assert_neq(tclient_expect(p, PROTO_EVENT, &m, WAIT), 1, "Bruno "
	    "heard of a change that is not stored");
	status = tserver_stop(&srv, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 70, "the server "
	    "did not exit with 70 (status %d)", status);
	log = tserver_log(&srv);
	cr_assert(strstr(log, "writing the log failed") != NULL, "the log "
	    "does not say why the server stopped:\n%s", log);
	free(log);
	cr_assert_eq(file_size("cafe", "events.log"), size);

	tserver_restart(&srv);
	reconnect(f, false);
	hello(f, "cafe", "Nadia", NULL, srv.key, head, false, false);
	cr_assert_eq(catchup(f, head, NULL, &cu), 0);
	cr_assert_eq(cu.w.head, head);
	cr_assert_eq(tclient_op_id(f, id, &op), 0);
	cr_assert_eq(tclient_op_id(f, id, &op), 0);
	cr_assert_eq(tclient_wait_op(f, id, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, head + 1);
	cr_assert_str_eq(m.u.event.op.text, "Perdue ?");
	proto_msg_free(&m);
	cr_assert_eq(apply(f, ADD(t, "Retrouv\xc3\xa9" "e", 0)), head + 2,
	    "the change resent twice was applied twice");
}

/*
 * A board whose directory is read-only (issue 9.7) is served read-only:
 * its participants catch up, a facilitator observes, changes are refused
 * with the reason, a newcomer is told why it cannot join.
 */
STEST(read_only_board_is_served_read_only)
{
	struct tclient		*f, *p, *o, *x;
	struct catchup		 cu;
	struct proto_msg	 m;
	char			 why[256], dir[160];
	uint64_t		 t, h;

	tserver_start(&srv, false, NULL);
	t = new_board(&f, false, "ro");
	p = seated(false, "ro", "Bruno", NULL, t);
	apply(p, ADD(t, "Avant", 0));
	h = p->head;
	hang_up(p);
	hang_up(f);
	cr_assert_eq(tserver_stop(&srv, SIGTERM), 0);
	if (can_unshare_mounts())
		srv.setup = read_only_board;
	else {
		/* Not root: permissions are enough. */
		snprintf(dir, sizeof dir, "%s/ro", srv.data);
		snprintf(restore_dir, sizeof restore_dir, "%s", dir);
		set_modes(dir, 0400, 0500);
	}
	tserver_restart(&srv);

	reconnect(p, false);
	hello(p, "ro", "Bruno", NULL, NULL, 0, true, false);
	cr_assert_eq(catchup(p, 0, NULL, &cu), 0, "the participant was "
	    "refused: ERROR %u", p->error);
	cr_assert_eq(cu.w.head, h);
	refused_why(p, ADD(t, "Apr\xc3\xa8s", 0), REJECT_FROZEN, why,
	    sizeof why);
	cr_assert(strstr(why, "read-only") != NULL, "REJECT says: %s", why);

	o = connected(false);
	hello(o, "ro", "export", NULL, srv.key, 0, true, true);
	cr_assert_eq(catchup(o, 0, NULL, &cu), 0, "observe was refused");

	x = connected(false);
	hello(x, "ro", "Chlo\xc3\xa9", NULL, NULL, 0, false, false);
	cr_assert_eq(tclient_expect(x, PROTO_ERROR, &m, WAIT), 1);
	cr_assert_eq(m.u.error.code, ERROR_FULL, "ERROR %u (%s)",
	    m.u.error.code, m.u.error.text);
	cr_assert(strstr(m.u.error.text, "read-only") != NULL, "ERROR says: "
	    "%s", m.u.error.text);
	proto_msg_free(&m);
}

/*
 * n clients catch up on board at once (as newcomers), each read to READY;
 * then they all leave.  Returns the server's highest RSS
 * in kB seen while they did.
 */
static long
catchup_storm(const char *board, int n)
{
	struct tclient		*c = calloc((size_t)n, sizeof *c);
	struct proto_msg	 m;
	char			 name[32];
	long			 peak = 0, kb;
	int			 i, rc;

	cr_assert_not_null(c);
	for (i = 0; i < n; i++) {
		cr_assert_eq(tclient_connect(&c[i], &srv, false), 0);
		snprintf(name, sizeof name, "Foule %d", i);
		/* Half ask for the state, half let the server choose. */
		cr_assert_eq(tclient_hello_flags(&c[i], board, name, NULL, NULL,
		    0, i % 2 == 0, false), 0);
	}
	for (i = 0; i < n; i++) {
		do {
			rc = tclient_recv(&c[i], &m, WAIT);
			cr_assert_eq(rc, 1, "client %d: the catch-up was cut "
			    "short (%d)", i, rc);
			if (m.type == PROTO_ERROR)
				cr_assert_fail("client %d: ERROR %u %s", i,
				    m.u.error.code, m.u.error.text);
			rc = m.type == PROTO_READY;
			proto_msg_free(&m);
		} while (!rc);
		if ((kb = proc_kb(srv.pid, "VmRSS:")) > peak)
			peak = kb;
	}
	for (i = 0; i < n; i++)
		tclient_close(&c[i]);
	free(c);
	return peak;
}

/*
 * Memory after a storm (issue 9.10): after many newcomers caught up on a
 * big board and left, the server's memory comes back to within twice what
 * it was before (memory, not time: the wait for it is bounded).
 */
STEST(memory_comes_back_after_a_storm)
{
	struct tclient	*f;
	uint64_t	 t;
	long		 before, peak, after;
	int64_t		 deadline;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("the sanitizer's allocator keeps freed memory in "
	    "quarantine");
#endif
	tserver_start(&srv, false, "--ops-per-sec", "0", "--fsync", "never",
	    NULL);
	t = new_board(&f, false, "big");
	many_cards(f, t, 2000);
	/* A first newcomer: what one catch-up leaves is the baseline. */
	catchup_storm("big", 1);
	keeper_ok(f, t, "before the storm");
	before = proc_kb(srv.pid, "VmRSS:");
	peak = catchup_storm("big", 100);
	keeper_ok(f, t, "after the storm");
	deadline = ts_now_ms() + WAIT;
	while ((after = proc_kb(srv.pid, "VmRSS:")) > 2 * before &&
	    ts_now_ms() < deadline) {
		keeper_ok(f, t, "waiting");
		usleep(100000);
	}
	fprintf(stderr, "storm of 100 catch-ups of a 2 000-card board: server "
	    "RSS %ld kB before, %ld kB at the peak, %ld kB after\n", before,
	    peak, after);
	cr_assert_leq(after, 2 * before, "RSS %ld kB after the storm, %ld kB "
	    "before", after, before);
}

STEST(fsync_batch)
{
	fsync_mode("batch");
}

STEST(fsync_never)
{
	fsync_mode("never");
}

/* SIGHUP reopens the log file, so that logrotate can move it away. */
STEST(sighup_reopens_the_log_file)
{
	struct tclient	*f;
	struct stat	 st;
	char		 moved[160], *log;
	int64_t		 deadline;

	tserver_start(&srv, false, NULL);
	snprintf(moved, sizeof moved, "%s.1", srv.logfile);
	cr_assert_eq(rename(srv.logfile, moved), 0);
	kill(srv.pid, SIGHUP);
	deadline = ts_now_ms() + WAIT;
	while (stat(srv.logfile, &st) != 0) {
		cr_assert_lt(ts_now_ms(), deadline, "no new log file");
		usleep(10000);
	}
	f = joined(false, "rotated", "Nadia", NULL, srv.key);
	(void)f;
	log = tserver_log(&srv);
	cr_assert(strstr(log, "log file reopened") != NULL, "%s", log);
	cr_assert(strstr(log, "rotated") != NULL, "%s", log);
	free(log);
}

/* --max-cards: the board refuses a card over the limit, not a deleted one's. */
STEST(max_cards)
{
	struct tclient	*f;
	uint64_t	 t, first;

	tserver_start(&srv, false, "--max-cards", "3", NULL);
	t = new_board(&f, false, "full");
	first = apply(f, ADD(t, "un", 0));
	apply(f, ADD(t, "deux", 0));
	apply(f, ADD(t, "trois", 0));
	refused(f, ADD(t, "quatre", 0), REJECT_LIMIT, "a 4th card");
	apply(f, DEL(first));
	apply(f, ADD(t, "quatre", 0));
}
