/*
 * board.c -- one board in memory: sequencing, log, fan-out, replay, timers.
 *
 * Every change takes one path, model_submit (the one every caller of the
 * model shares), with the board's hooks: encode the full event and append it
 * to the log, fold it into the model, keep its per-audience variants in the
 * replay window, then the same for the server-made events that follow.
 * Nothing is sent from here while a change is being made: the loop's
 * housekeeping (server.c) syncs the log first and then calls board_flush,
 * so no client ever sees an event the log could still lose.
 */
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"
#include "xmalloc.h"

static void	board_timer_cb(evutil_socket_t, short, void *);

/* The kept event with this seq, or NULL if it left the window. */
const struct board_event *
board_event_at(const struct board *b, uint64_t seq)
{
	uint64_t	first;

	if (b->nevents == 0)
		return NULL;
	first = b->events[b->first_event].seq;
	if (seq < first || seq >= first + b->nevents)
		return NULL;
	return &b->events[(b->first_event + (seq - first)) % b->cap_events];
}

/* The audience of a kept event for viewer, as model_audience decides it. */
enum model_audience
board_event_audience(const struct board *b, const struct board_event *be,
    uint32_t viewer)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.seq = be->seq;
	ev.origin = be->origin;
	ev.op.kind = be->kind;
	ev.op.participant = be->subject;
	ev.op.card = be->card;
	return model_audience(b->model, &ev, viewer);
}

/* Release the frames of a kept event (variants may share one). */
static void
board_event_clear(struct board_event *be)
{
	int	a, k;

	for (a = 0; a < AUDIENCE_COUNT; a++) {
		for (k = 0; k < a; k++)
			if (be->frame[k] == be->frame[a])
				break;
		if (k == a)
			free(be->frame[a]);
	}
	memset(be, 0, sizeof *be);
}

/*
 * Forget the oldest events while there are more than keep, but never one
 * that board_flush has still to send to the live connections (it sends
 * from the window).
 */
static void
board_window_trim(struct board *b, size_t keep)
{
	struct board_event	*be;

	while (b->nevents > keep &&
	    b->events[b->first_event].seq < b->fanout_from) {
		be = &b->events[b->first_event];
		b->window_bytes -= be->len[AUDIENCE_SELF];
		board_event_clear(be);
		b->first_event = (b->first_event + 1) % b->cap_events;
		b->nevents--;
	}
}

/*
 * Make room for one more event in the window (--replay-max of them once
 * sent); events not sent yet stay, in a ring grown for them.
 */
static void
board_window_room(struct board *b)
{
	struct board_event	*ring;
	size_t			 i, cap, max = b->server->cfg->replay_max;

	board_window_trim(b, max > 0 ? max - 1 : 0);
	if (b->nevents < b->cap_events)
		return;
	cap = b->cap_events > 0 ? 2 * b->cap_events : 16;
	ring = xcalloc(cap, sizeof *ring);
	for (i = 0; i < b->nevents; i++)
		ring[i] = b->events[(b->first_event + i) % b->cap_events];
	free(b->events);
	b->events = ring;
	b->cap_events = cap;
	b->first_event = 0;
}

/*
 * Keep an applied event in the replay window with one frame per audience;
 * an audience whose variant is byte-identical to another's shares its frame.
 */
static void
board_window_add(struct board *b, const struct model *m,
    const struct proto_event *ev, struct proto_buf *scratch)
{
	struct board_event	*be;
	struct proto_event	 red;
	size_t			 n;
	int			 a, k;

	board_window_room(b);
	be = &b->events[(b->first_event + b->nevents) % b->cap_events];
	memset(be, 0, sizeof *be);
	be->seq = ev->seq;
	be->origin = ev->origin;
	be->kind = ev->op.kind;
	be->subject = ev->op.kind == OP_JOINED ? ev->op.participant : 0;
	be->card = ev->op.card;
	for (a = 0; a < AUDIENCE_COUNT; a++) {
		model_redact(m, ev, (enum model_audience)a, &red);
		proto_buf_reset(scratch);
		n = proto_enc_event(scratch, &red);
		if (n == 0)
			fatalx("board %s: seq %llu does not encode", b->name,
			    (unsigned long long)ev->seq);
		for (k = 0; k < a; k++) {
			if (be->len[k] == n &&
			    memcmp(be->frame[k], scratch->data, n) == 0)
				break;
		}
		if (k < a) {
			be->frame[a] = be->frame[k];
			be->len[a] = be->len[k];
			continue;
		}
		be->frame[a] = xmalloc(n);
		memcpy(be->frame[a], scratch->data, n);
		be->len[a] = (uint32_t)n;
	}
	b->window_bytes += be->len[AUDIENCE_SELF];
	b->nevents++;
}

struct board_load {
	struct board		*board;
	struct proto_buf	*scratch;
};

/* Keep each event folded while loading, so reconnecting clients can replay. */
static int
board_load_each(struct model *m, const struct proto_event *ev, void *arg)
{
	struct board_load	*bl = arg;

	board_window_add(bl->board, m, ev, bl->scratch);
	return 0;
}

/* A board struct around a model and an open log. */
static struct board *
board_alloc(struct server *s, const char *name)
{
	struct board	*b = xcalloc(1, sizeof *b);

	snprintf(b->name, sizeof b->name, "%s", name);
	b->dir = store_board_dir(s->cfg->data_dir, name);
	b->lock_fd = -1;
	b->fanout_from = UINT64_MAX;	/* nothing to send while loading */
	/* The window's ring starts empty and grows as events come. */
	TAILQ_INIT(&b->conns);
	b->server = s;
	b->timer_ev = evtimer_new(s->base, board_timer_cb, b);
	return b;
}

/* Apply the server's limits to a board's model. */
static void
board_limits(struct server *s, struct board *b)
{
	struct model_limits	l;

	memset(&l, 0, sizeof l);
	l.max_cards = s->cfg->max_cards;
	l.max_participants = s->cfg->max_participants;
	l.max_tables = MODEL_DEFAULT_MAX_TABLES;
	b->model->limits = l;
}

/*
 * The board called name, loading it from disk the first time.  With create,
 * a board that does not exist is made, empty.  NULL with err set when there
 * is no such board; a board that failed to load is returned marked broken.
 */
struct board *
board_find(struct server *s, const char *name, bool create, char *err,
    size_t errlen)
{
	struct board_load	 bl;
	struct board		*b;
	char			 lerr[512];

	TAILQ_FOREACH(b, &s->boards, entry) {
		if (strcmp(b->name, name) == 0)
			return b;
	}
	if (!store_exists(s->cfg->data_dir, name) && !create) {
		snprintf(err, errlen, "there is no board called %s", name);
		return NULL;
	}

	b = board_alloc(s, name);
	TAILQ_INSERT_TAIL(&s->boards, b, entry);
	if (store_mkdirs(b->dir, lerr, sizeof lerr) != 0 ||
	    (b->lock_fd = store_lock(b->dir, lerr, sizeof lerr)) == -1)
		goto broken;
	bl.board = b;
	bl.scratch = &s->scratch;
	if (store_load(s->cfg->data_dir, name, EVLOG_CREATE, &b->model,
	    &b->log, &b->snapshot_seq, board_load_each, &bl, lerr,
	    sizeof lerr) != 0)
		goto broken;
	board_limits(s, b);
	b->fanout_from = b->model->head + 1;
	log_info("board %s: loaded at seq %llu (%zu cards, %zu participants, "
	    "%zu events kept for replay)", name,
	    (unsigned long long)b->model->head, b->model->live_cards,
	    b->model->nparticipants, b->nevents);
	board_schedule_timer(b);
	return b;

broken:
	/*
	 * Keep the board listed as broken so that every HELLO gets a clear
	 * answer and the files are left alone for `cafeboard-server check`.
	 */
	log_error("board %s: %s", name, lerr);
	b->broken = true;
	b->broken_why = xstrdup(lerr);
	if (b->model == NULL)
		b->model = model_new(name);
	return b;
}

/* Release a board (the server is closing). */
void
board_free(struct board *b)
{
	size_t	i;

	for (i = 0; i < b->nevents; i++)
		board_event_clear(&b->events[(b->first_event + i) %
		    b->cap_events]);
	free(b->events);
	if (b->log != NULL)
		evlog_close(b->log);
	if (b->lock_fd != -1)
		close(b->lock_fd);
	if (b->timer_ev != NULL)
		event_free(b->timer_ev);
	model_free(b->model);
	free(b->broken_why);
	free(b->dir);
	free(b);
}

/*
 * model_submit's commit: append the event, encoded whole, to the board's
 * log.  The loop's housekeeping syncs it before anything is sent.
 */
static int
board_commit(void *arg, const struct proto_event *ev, int64_t now,
    const uint8_t *client, const char **why)
{
	struct board	*b = arg;
	char		 err[256];

	if (store_commit(b->log, ev, now, client, &b->server->scratch, err,
	    sizeof err) != 0) {
		log_error("board %s: cannot store seq %llu (%s): %s", b->name,
		    (unsigned long long)ev->seq, proto_kind_name(ev->op.kind),
		    err);
		*why = "the server could not store this change";
		return REJECT_LIMIT;
	}
	b->needs_sync = true;
	return 0;
}

/* model_submit's applied: keep the event's frames for fan-out and replay. */
static void
board_applied(void *arg, const struct model *m, const struct proto_event *ev)
{
	struct board	*b = arg;

	board_window_add(b, m, ev, &b->server->scratch);
	log_debug("board %s: seq %llu %s by %u (op %u)", b->name,
	    (unsigned long long)ev->seq, proto_kind_name(ev->op.kind),
	    ev->origin, ev->op_id);
}

/*
 * Make an op from participant who (0: the server) a change of the board,
 * through model_submit: check, derive, log, apply, keep for fan-out and
 * replay, then the server-made changes that follow from it.  Returns 0,
 * or the REJECT code with *why set.
 */
int
board_submit(struct server *s, struct board *b, uint32_t who,
    const uint8_t *client, uint32_t op_id, const struct proto_op *op,
    const char **why)
{
	const struct model_sink	 sink = { board_commit, board_applied, b };
	int			 code;

	if (b->broken) {
		*why = "this board is damaged";
		return REJECT_FROZEN;
	}
	code = model_submit(b->model, who, client, op_id, op, server_now_ms(),
	    &sink, why);
	if (code != 0)
		return code;
	switch (op->kind) {
	case OP_TIMER:
	case OP_TIMER_END:
	case OP_ROTATE:
	case OP_PITCH:		/* ext: a pitch may start the clock */
		board_schedule_timer(b);
		break;
	case OP_SETTINGS:
		if ((op->settings.has & SET_CODE) &&
		    b->model->settings.code[0] == '\0' && server_public(s))
			log_warn("board %s has no join code any more and the "
			    "server listens beyond loopback: anyone who can "
			    "reach it can join", b->name);
		break;
	}
	return 0;
}

/*
 * Sequence a change the server makes on its own (joined, role, timer.end):
 * the same path, with the server's rights.
 */
int
board_submit_server(struct server *s, struct board *b,
    const struct proto_op *op, const uint8_t *client)
{
	const char	*why = NULL;
	int		 code;

	code = board_submit(s, b, 0, client, 0, op, &why);
	if (code != 0)
		log_error("board %s: server change %s refused: %s", b->name,
		    proto_kind_name(op->kind), why != NULL ? why : "?");
	return code;
}

/* True if participant p has a live connection other than except. */
bool
board_online(const struct board *b, uint32_t p, const struct client_conn *except)
{
	const struct client_conn	*c;

	TAILQ_FOREACH(c, &b->conns, board_entry) {
		if (c != except && c->participant == p &&
		    (c->state == CONN_LIVE || c->state == CONN_CATCHUP))
			return true;
	}
	return false;
}

/* Tell every live connection of the board that p came or went. */
void
board_presence(struct server *s, struct board *b, uint32_t p, bool online,
    const struct client_conn *except)
{
	struct model_participant	*mp;
	struct proto_presence		 pr;
	struct client_conn		*c;
	size_t				 n;

	if ((mp = model_participant(b->model, p)) == NULL)
		return;
	pr.participant = p;
	pr.online = online;
	pr.table = mp->table;
	pr.name = mp->name;
	proto_buf_reset(&s->scratch);
	if ((n = proto_enc_presence(&s->scratch, &pr)) == 0)
		return;
	TAILQ_FOREACH(c, &b->conns, board_entry) {
		if (c != except && c->state == CONN_LIVE)
			client_conn_send(c, s->scratch.data, n);
	}
}

/*
 * Send every event sequenced since the last flush to the board's live
 * connections, each its audience's variant.  The log is already synced.
 */
void
board_flush(struct board *b)
{
	const struct board_event	*be;
	struct client_conn		*c, *next;
	enum model_audience		 a;
	uint64_t			 seq;

	if (b->fanout_from > b->model->head)
		return;
	for (seq = b->fanout_from; seq <= b->model->head; seq++) {
		if ((be = board_event_at(b, seq)) == NULL)
			continue;
		for (c = TAILQ_FIRST(&b->conns); c != NULL; c = next) {
			next = TAILQ_NEXT(c, board_entry);
			if (c->state != CONN_LIVE)
				continue;
			a = board_event_audience(b, be, c->participant);
			client_conn_send(c, be->frame[a], be->len[a]);
		}
	}
	b->fanout_from = b->model->head + 1;
	board_window_trim(b, b->server->cfg->replay_max);
}

/* Write a snapshot now (at shutdown) or when enough events have passed. */
void
board_snapshot(struct board *b, bool force)
{
	char	err[256];

	if (b->broken || b->log == NULL || b->model->head == b->snapshot_seq)
		return;
	if (!force && (b->server->cfg->snapshot_every == 0 ||
	    b->model->head - b->snapshot_seq < b->server->cfg->snapshot_every))
		return;
	if (store_snapshot(b->dir, b->model, err, sizeof err) != 0) {
		log_error("board %s: snapshot failed: %s", b->name, err);
		return;
	}
	b->snapshot_seq = b->model->head;
	log_debug("board %s: snapshot at seq %llu", b->name,
	    (unsigned long long)b->snapshot_seq);
}

/* Arm the board's timer for the moment the round's clock reaches zero. */
void
board_schedule_timer(struct board *b)
{
	struct timeval	tv;
	uint64_t	left;

	evtimer_del(b->timer_ev);
	if (b->broken || !b->model->timer.running)
		return;
	left = model_timer_remaining(b->model, server_now_ms());
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)(left % 1000) * 1000;
	evtimer_add(b->timer_ev, &tv);
}

/* The round's clock reached zero: say so to everyone (timer.end). */
static void
board_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct board	*b = arg;
	struct server	*s = b->server;
	struct proto_op	 op;
	char		*label;

	(void)fd;
	(void)what;
	if (!b->model->timer.running)
		return;
	if (model_timer_remaining(b->model, server_now_ms()) > 0) {
		board_schedule_timer(b);
		return;
	}
	/* Applying the event replaces the model's label: pass a copy. */
	label = xstrdup(b->model->timer.label != NULL ? b->model->timer.label :
	    "");
	memset(&op, 0, sizeof op);
	op.kind = OP_TIMER_END;
	op.text = label;
	board_submit_server(s, b, &op, NULL);
	free(label);
}
