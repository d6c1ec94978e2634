/*
 * test_net.c -- the client's connection (client/net.c) in this process,
 * against a server the test plays by hand on a private Unix socket.
 *
 * The binary is linked with --wrap=bufferevent_setcb and
 * --wrap=bufferevent_free: every callback net.c gives a bufferevent runs
 * through a trampoline that notes which bufferevent is in its callback,
 * and every free says whether it came from inside that bufferevent's own
 * callback.  STYLE.md rule 5: a connection is never freed in there; it is
 * set aside and freed on a later loop pass.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../client/client.h"
#include "tsupport.h"

#define NET_T_DEADLINE_MS	10000
#define NET_T_SLOTS		32

void	__real_bufferevent_setcb(struct bufferevent *, bufferevent_data_cb,
	    bufferevent_data_cb, bufferevent_event_cb, void *);
void	__real_bufferevent_free(struct bufferevent *);
void	__wrap_bufferevent_setcb(struct bufferevent *, bufferevent_data_cb,
	    bufferevent_data_cb, bufferevent_event_cb, void *);
void	__wrap_bufferevent_free(struct bufferevent *);

/* The callbacks net.c gave one bufferevent. */
struct tramp {
	struct bufferevent	*bev;
	bufferevent_data_cb	 readcb;
	bufferevent_data_cb	 writecb;
	bufferevent_event_cb	 eventcb;
	void			*arg;
};

static struct tramp	 tramps[NET_T_SLOTS];
static struct bufferevent *in_callback;	/* whose callback runs now */
static int		 frees;		/* bufferevents freed */
static int		 frees_inside;	/* ... in their own callback */

/* Run a read or write callback, noting whose it is. */
static void
tramp_data(struct bufferevent *bev, void *arg, bool read)
{
	struct tramp		*t = arg;
	struct bufferevent	*outer = in_callback;
	bufferevent_data_cb	 cb = read ? t->readcb : t->writecb;
	void			*cbarg = t->arg;

	in_callback = bev;
	if (cb != NULL)
		cb(bev, cbarg);
	in_callback = outer;
}

/* The read trampoline. */
static void
tramp_read(struct bufferevent *bev, void *arg)
{
	tramp_data(bev, arg, true);
}

/* The write trampoline. */
static void
tramp_write(struct bufferevent *bev, void *arg)
{
	tramp_data(bev, arg, false);
}

/* The event trampoline. */
static void
tramp_event(struct bufferevent *bev, short what, void *arg)
{
	struct tramp		*t = arg;
	struct bufferevent	*outer = in_callback;
	bufferevent_event_cb	 cb = t->eventcb;
	void			*cbarg = t->arg;

	in_callback = bev;
	if (cb != NULL)
		cb(bev, what, cbarg);
	in_callback = outer;
}

/* The slot of bev, a free one when it has none (NULL: full). */
static struct tramp *
tramp_slot(struct bufferevent *bev)
{
	size_t	i;

	for (i = 0; i < NET_T_SLOTS; i++) {
		if (tramps[i].bev == bev)
			return &tramps[i];
	}
	for (i = 0; i < NET_T_SLOTS; i++) {
		if (tramps[i].bev == NULL)
			return &tramps[i];
	}
	return NULL;
}

/* net.c's bufferevent_setcb: the callbacks go through the trampolines. */
void
__wrap_bufferevent_setcb(struct bufferevent *bev, bufferevent_data_cb r,
    bufferevent_data_cb w, bufferevent_event_cb e, void *arg)
{
	struct tramp	*t = tramp_slot(bev);

	cr_assert_not_null(t, "more bufferevents than the test can follow");
	t->bev = bev;
	t->readcb = r;
	t->writecb = w;
	t->eventcb = e;
	t->arg = arg;
	__real_bufferevent_setcb(bev, tramp_read, tramp_write, tramp_event, t);
}

/* net.c's bufferevent_free: count it, and whether it came from inside. */
void
__wrap_bufferevent_free(struct bufferevent *bev)
{
	struct tramp	*t = tramp_slot(bev);

	frees++;
	if (bev == in_callback)
		frees_inside++;
	if (t != NULL && t->bev == bev)
		memset(t, 0, sizeof *t);
	__real_bufferevent_free(bev);
}

/* The test's side: a listening socket and the connection it accepted. */
struct tnet {
	char			 dir[64];
	char			 sock[96];
	int			 lfd;
	int			 peer;
	struct event_base	*base;
	struct client_opts	 opts;
	struct net		 net;
	int			 changed;
	int			 rejected;	/* REJECTs told, local or not */
	uint32_t		 rejected_code;
};

/* The directory of the running test, removed even when it fails. */
static char	net_dir[64];

/* Every test, even a failed one: its directory goes. */
static void
tnet_teardown(void)
{
	if (net_dir[0] != '\0')
		ts_rm_tree(net_dir);
}

TestSuite(net, .fini = tnet_teardown);

/* The client says something changed. */
static void
tnet_changed(void *arg)
{
	struct tnet	*t = arg;

	t->changed++;
}

/* The client tells the user a change was refused. */
static void
tnet_rejected(void *arg, const struct pending *p, uint32_t code,
    const char *why)
{
	struct tnet	*t = arg;

	(void)p;
	(void)why;
	t->rejected++;
	t->rejected_code = code;
}

/* Listen on a private socket and start a client towards it. */
static void
tnet_start(struct tnet *t)
{
	struct sockaddr_un	sun;
	struct net_callbacks	cb;

	memset(t, 0, sizeof *t);
	memset(tramps, 0, sizeof tramps);
	frees = frees_inside = 0;
	in_callback = NULL;
	snprintf(t->dir, sizeof t->dir, "/tmp/cb-net-XXXXXX");
	cr_assert_not_null(mkdtemp(t->dir));
	memcpy(net_dir, t->dir, sizeof net_dir);
	snprintf(t->sock, sizeof t->sock, "%s/s.sock", t->dir);
	t->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	cr_assert_geq(t->lfd, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", t->sock);
	cr_assert_eq(bind(t->lfd, (struct sockaddr *)&sun, sizeof sun), 0);
	cr_assert_eq(listen(t->lfd, 4), 0);
	t->peer = -1;

	t->base = event_base_new();
	cr_assert_not_null(t->base);
	t->opts.socket_path = t->sock;
	t->opts.board = (char *)"b";
	t->opts.name = (char *)"Zoé";
	memset(&cb, 0, sizeof cb);
	cb.changed = tnet_changed;
	cb.rejected = tnet_rejected;
	net_init(&t->net, t->base, &t->opts, &cb, t);
	net_start(&t->net);
}

/* One loop pass of the client without waiting, then a short nap. */
static void
tnet_pass(struct tnet *t)
{
	struct timespec	ts = { 0, 2000000 };

	event_base_loop(t->base, EVLOOP_NONBLOCK);
	nanosleep(&ts, NULL);
}

/* Run the client until it has said HELLO on a connection we accepted. */
static void
tnet_accept(struct tnet *t)
{
	int64_t	end = ts_now_ms() + NET_T_DEADLINE_MS;

	while (t->peer < 0 || t->net.state != NET_HELLO) {
		cr_assert_lt(ts_now_ms(), end, "the client never said HELLO "
		    "(state %d)", t->net.state);
		if (t->peer < 0)
			t->peer = accept(t->lfd, NULL, NULL);
		tnet_pass(t);
	}
}

/* Run the client until its board is at head. */
static void
tnet_until_head(struct tnet *t, uint64_t head)
{
	int64_t	end = ts_now_ms() + NET_T_DEADLINE_MS;

	while (t->net.replica.confirmed->head < head) {
		cr_assert_lt(ts_now_ms(), end, "the client is at %llu, not %llu",
		    (unsigned long long)t->net.replica.confirmed->head,
		    (unsigned long long)head);
		tnet_pass(t);
	}
}

/* Run the client until it waits to reconnect (or stops when final). */
static void
tnet_until(struct tnet *t, enum net_state st)
{
	int64_t	end = ts_now_ms() + NET_T_DEADLINE_MS;

	while (t->net.state != st) {
		cr_assert_lt(ts_now_ms(), end, "the client never reached "
		    "state %d (it is in %d)", st, t->net.state);
		tnet_pass(t);
	}
}

/*
 * After the client dropped its connection: none of it was freed inside
 * the connection's own callback, and it is freed by a later loop pass.
 */
static void
tnet_check_freed(struct tnet *t)
{
	int64_t	end = ts_now_ms() + NET_T_DEADLINE_MS;

	cr_assert_eq(frees_inside, 0, "the connection was freed inside its "
	    "own callback");
	while (frees == 0) {
		cr_assert_lt(ts_now_ms(), end, "the closed connection is "
		    "never freed");
		tnet_pass(t);
	}
	cr_assert_eq(frees_inside, 0);
	cr_assert_eq(frees, 1);
}

/* Release everything. */
static void
tnet_end(struct tnet *t)
{
	net_stop(&t->net);
	net_free(&t->net);
	event_base_free(t->base);
	if (t->peer >= 0)
		close(t->peer);
	close(t->lfd);
}

Test(net, a_connection_the_server_closes_is_freed_after_its_callback)
{
	struct tnet	t;

	tnet_start(&t);
	tnet_accept(&t);
	close(t.peer);
	t.peer = -1;
	/* Before the board was ever shown, the user is told (test_connect). */
	tnet_until(&t, NET_STOPPED);
	cr_assert_eq(t.net.problem, NET_P_CLOSED);
	cr_assert_gt(t.changed, 0);
	tnet_check_freed(&t);
	tnet_end(&t);
}

Test(net, a_malformed_frame_drops_the_connection_after_its_callback)
{
	struct tnet	t;
	const uint8_t	bad[] = { 0xff, 0xff, 0xff, 0xff, 0 };

	tnet_start(&t);
	tnet_accept(&t);
	cr_assert_eq(write(t.peer, bad, sizeof bad), (ssize_t)sizeof bad);
	tnet_until(&t, NET_WAITING);
	cr_assert_str_eq(t.net.status, "the server sent a malformed frame");
	tnet_check_freed(&t);
	tnet_end(&t);
}

Test(net, a_final_error_stops_after_its_callback)
{
	struct tnet		t;
	struct proto_buf	b;
	size_t			n;

	tnet_start(&t);
	tnet_accept(&t);
	proto_buf_init(&b);
	n = proto_enc_error(&b, ERROR_BOARD, "no such board");
	cr_assert_eq(write(t.peer, b.data, n), (ssize_t)n);
	proto_buf_free(&b);
	tnet_until(&t, NET_STOPPED);
	cr_assert_eq(t.net.last_error, ERROR_BOARD);
	tnet_check_freed(&t);
	tnet_end(&t);
}

/* ----------------------------------------------- changes that name others */

/* Send one message, encoded in b, to the client. */
static void
tnet_put(struct tnet *t, struct proto_buf *b, size_t n)
{
	cr_assert_gt(n, 0);
	cr_assert_eq(write(t->peer, b->data, n), (ssize_t)n);
	proto_buf_reset(b);
}

/* One EVENT to the client. */
static void
tnet_event(struct tnet *t, struct proto_buf *b, uint64_t seq, uint32_t origin,
    uint32_t op_id, struct proto_op op)
{
	struct proto_event	ev = { seq, origin, op_id, op };

	tnet_put(t, b, proto_enc_event(b, &ev));
}

/* The client takes op (as the user's change); it must not refuse it. */
static void
tnet_submit(struct tnet *t, struct proto_op op)
{
	const char	*why = NULL;

	cr_assert_eq(net_submit(&t->net, &op, &why), 0, "%s", why);
}

/*
 * The next message the client sends (its loop running meanwhile): 1 with
 * *m, or 0 when none came within ms.
 */
static int
tnet_sent(struct tnet *t, struct tclient *peer, struct proto_msg *m, int ms)
{
	int64_t	end = ts_now_ms() + ms;
	int	rc;

	do {
		tnet_pass(t);
		if ((rc = tclient_recv(peer, m, 1)) != 0)
			return rc;
	} while (ts_now_ms() < end);
	return 0;
}

/*
 * A client that sees a board live, the test playing its server through
 * peer: Nadia (1) facilitates, table 2, phase ideas, Zoé (2, the client)
 * sits at table 2; head 5.  The HELLO read.
 */
static void
tnet_board(struct tnet *t, struct tclient *peer, struct proto_buf *b)
{
	struct proto_welcome	w = { .v = PROTO_VERSION, .board = "b",
	    .participant = 2, .role = ROLE_PARTICIPANT, .head = 0,
	    .mode = MODE_REPLAY };
	struct proto_msg	m;

	tnet_start(t);
	tnet_accept(t);
	memset(peer, 0, sizeof *peer);
	peer->fd = t->peer;
	cr_assert_eq(tnet_sent(t, peer, &m, NET_T_DEADLINE_MS), 1, "no HELLO");
	cr_assert_eq(m.type, PROTO_HELLO);
	proto_msg_free(&m);
	proto_buf_init(b);
	tnet_put(t, b, proto_enc_welcome(b, &w));
	tnet_event(t, b, 1, 0, 0, OP(.kind = OP_JOINED, .participant = 1,
	    .text = (char *)"Nadia"));
	tnet_event(t, b, 2, 1, 1, TADD("Comment ?"));
	tnet_event(t, b, 3, 1, 2, PHASE(PHASE_IDEAS));
	tnet_event(t, b, 4, 0, 0, OP(.kind = OP_JOINED, .participant = 2,
	    .text = (char *)"Zo\xc3\xa9"));
	tnet_event(t, b, 5, 2, 0, SIT(2, 0));
	tnet_put(t, b, proto_enc_ready(b, 5));
	tnet_until(t, NET_LIVE);
}

/*
 * Zoé adds a card and edits it at once, on a link slow enough that
 * Nadia's card is sequenced before hers: the edit names her card by its
 * op until the server gives it a seq, so it waits (unsent) and then goes
 * out for her card, never for the seq her screen had guessed (which is
 * now Nadia's card).
 */
Test(net, a_change_to_a_card_still_being_added_waits_for_its_seq)
{
	struct tnet		 t;
	struct tclient		 peer;
	struct proto_buf	 b;
	struct proto_msg	 m;
	const struct model_card	*c;

	tnet_board(&t, &peer, &b);

	tnet_submit(&t, ADD(2, "Id\xc3\xa9" "e", 0));
	cr_assert_not_null(c = model_card(net_view(&t.net), 6));
	tnet_submit(&t, EDIT(6, "Id\xc3\xa9" "e juste"));
	cr_assert_eq(tnet_sent(&t, &peer, &m, NET_T_DEADLINE_MS), 1);
	cr_assert(m.type == PROTO_OP && m.u.op.op_id == 1 &&
	    m.u.op.op.kind == OP_CARD_ADD, "first: type %u", m.type);
	proto_msg_free(&m);
	cr_assert_eq(tnet_sent(&t, &peer, &m, 200), 0, "the edit went out "
	    "before its card had a seq (card %llu)",
	    (unsigned long long)m.u.op.op.card);

	/* Nadia's card comes first: Zoé's screen moves hers to 7. */
	tnet_event(&t, &b, 6, 1, 3, ADD(2, "Autre", 0));
	tnet_until_head(&t, 6);
	c = model_card(net_view(&t.net), 6);
	cr_assert(c != NULL && strcmp(c->text, "Autre") == 0, "Nadia's card "
	    "shows %s", c != NULL ? c->text : "nothing");
	c = model_card(net_view(&t.net), 7);
	cr_assert(c != NULL && strcmp(c->text, "Id\xc3\xa9" "e juste") == 0,
	    "Zo\xc3\xa9's card shows %s", c != NULL ? c->text : "nothing");

	/* Hers is 7: the edit goes out, for 7. */
	tnet_event(&t, &b, 7, 2, 1, ADD(2, "Id\xc3\xa9" "e", 0));
	cr_assert_eq(tnet_sent(&t, &peer, &m, NET_T_DEADLINE_MS), 1, "the "
	    "edit never went out");
	cr_assert(m.type == PROTO_OP && m.u.op.op_id == 2 &&
	    m.u.op.op.kind == OP_CARD_EDIT, "then: type %u", m.type);
	cr_assert_eq(m.u.op.op.card, 7, "the edit went out for card %llu",
	    (unsigned long long)m.u.op.op.card);
	proto_msg_free(&m);
	tnet_event(&t, &b, 8, 2, 2, EDIT(7, "Id\xc3\xa9" "e juste"));
	tnet_until_head(&t, 8);
	cr_assert_eq(net_unsent(&t.net), 0);
	cr_assert_str_eq(model_card(net_view(&t.net), 6)->text, "Autre");
	cr_assert_eq(t.rejected, 0);
	proto_buf_free(&b);
	free(peer.in);
	tnet_end(&t);
}

/*
 * The card is refused: the edit that waited for it is told as refused
 * too, and never goes out; what comes after it does.
 */
Test(net, a_change_to_a_refused_card_is_refused_with_it)
{
	struct tnet		 t;
	struct tclient		 peer;
	struct proto_buf	 b;
	struct proto_msg	 m;

	tnet_board(&t, &peer, &b);
	tnet_submit(&t, ADD(2, "Id\xc3\xa9" "e", 0));
	tnet_submit(&t, EDIT(6, "Autre chose"));
	tnet_submit(&t, ADD(2, "Encore", 0));
	cr_assert_eq(tnet_sent(&t, &peer, &m, NET_T_DEADLINE_MS), 1);
	cr_assert(m.type == PROTO_OP && m.u.op.op_id == 1);
	proto_msg_free(&m);
	cr_assert_eq(tnet_sent(&t, &peer, &m, 200), 0, "op %u went out behind "
	    "a change that waits", m.u.op.op_id);

	tnet_put(&t, &b, proto_enc_reject(&b, 1, REJECT_LIMIT, "too many"));
	cr_assert_eq(tnet_sent(&t, &peer, &m, NET_T_DEADLINE_MS), 1);
	cr_assert(m.type == PROTO_OP && m.u.op.op_id == 3, "op %u went out",
	    m.u.op.op_id);
	proto_msg_free(&m);
	cr_assert_eq(t.rejected, 2, "%d refusals told", t.rejected);
	cr_assert_eq(t.rejected_code, REJECT_NOT_FOUND);
	cr_assert_eq(net_unsent(&t.net), 1);
	proto_buf_free(&b);
	free(peer.in);
	tnet_end(&t);
}
