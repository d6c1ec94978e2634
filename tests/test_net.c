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
