/*
 * boards.c -- ask the server which boards it holds (LIST, an extension of
 * the protocol), for the join screen.  One short connection of its own: a
 * server that does not know LIST answers with an ERROR and the list simply
 * stays empty.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "xmalloc.h"

/* Forget the list and any request in flight. */
static void
boards_close(struct boards *b)
{
	if (b->bev != NULL) {
		bufferevent_free(b->bev);
		b->bev = NULL;
	}
}

/* The request is over (answered or failed): tell the owner. */
static void
boards_done(struct boards *b, bool ok)
{
	boards_close(b);
	b->state = ok ? BOARDS_DONE : BOARDS_FAILED;
	if (b->done != NULL)
		b->done(b->arg);
}

/* Keep one BOARD record. */
static void
boards_add(struct boards *b, const struct proto_board_info *bi)
{
	struct boards_entry	*e;

	if (b->n == BOARDS_MAX)
		return;
	b->v = xreallocarray(b->v, b->n + 1, sizeof *b->v);
	e = &b->v[b->n++];
	e->name = xstrdup(bi->name);
	e->title = xstrdup(bi->title);
	e->online = bi->online;
	e->code_needed = bi->code_needed;
}

/* Frames from the server: BOARD records until BOARDS_END. */
static void
boards_read_cb(struct bufferevent *bev, void *arg)
{
	struct boards		*b = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct proto_msg	 msg;
	uint8_t			 hdr[PROTO_FRAME_HDR], *body;
	uint32_t		 len;

	while (evbuffer_get_length(in) >= PROTO_FRAME_HDR) {
		evbuffer_copyout(in, hdr, sizeof hdr);
		len = proto_frame_len(hdr);
		if (len == 0 || len > PROTO_FRAME_MAX) {
			boards_done(b, false);
			return;
		}
		if (evbuffer_get_length(in) < PROTO_FRAME_HDR + (size_t)len)
			return;
		body = evbuffer_pullup(in, PROTO_FRAME_HDR + (ssize_t)len);
		if (proto_decode(body + PROTO_FRAME_HDR, len, &msg, NULL) !=
		    PROTO_OK) {
			boards_done(b, false);
			return;
		}
		evbuffer_drain(in, PROTO_FRAME_HDR + (size_t)len);
		switch (msg.type) {
		case PROTO_BOARD:
			boards_add(b, &msg.u.board);
			break;
		case PROTO_BOARDS_END:
			proto_msg_free(&msg);
			boards_done(b, true);
			return;
		case PROTO_ERROR:
			proto_msg_free(&msg);
			boards_done(b, false);
			return;
		}
		proto_msg_free(&msg);
	}
}

/* Connected: ask.  Anything else: give up quietly. */
static void
boards_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct boards		*b = arg;
	struct proto_buf	 out;
	size_t			 n;

	if (what & BEV_EVENT_CONNECTED) {
		dial_connected(bev);
		proto_buf_init(&out);
		if ((n = proto_enc_list(&out)) != 0)
			bufferevent_write(bev, out.data, n);
		proto_buf_free(&out);
		return;
	}
	boards_done(b, false);
}

/* Ask the server named by opts for its boards; done is called once. */
void
boards_fetch(struct boards *b, struct event_base *base, struct evdns_base *dns,
    const struct client_opts *opts, void (*done)(void *), void *arg)
{
	boards_free(b);
	b->done = done;
	b->arg = arg;
	b->state = BOARDS_ASKING;
	b->bev = dial_open(base, dns, opts, boards_read_cb, boards_event_cb, b);
	if (b->bev == NULL)
		b->state = BOARDS_FAILED;
}

/* Release the list and any connection. */
void
boards_free(struct boards *b)
{
	size_t	i;

	boards_close(b);
	for (i = 0; i < b->n; i++) {
		free(b->v[i].name);
		free(b->v[i].title);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}
