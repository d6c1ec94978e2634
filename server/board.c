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
 *
 * A relay's boards are mirrors (upstream.c): no files, no timer, and the
 * events come from the board's server (board_mirror_event) instead of
 * model_submit; fan-out, replay and catch-up are the same.
 */
#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"
#include "xmalloc.h"

/* Events handed to one connection's write at once by board_flush. */
#define BOARD_FLUSH_MAX	256
/* Bytes of board_flush's arrays kept for the next pass. */
#define BOARD_FLUSH_KEEP (256 * 1024)
/* Events in one block of the replay window (80 kB: from the heap). */
#define BOARD_BLOCK_EVENTS 1024

static void	board_timer_cb(evutil_socket_t, short, void *);
static void	board_event_clear(struct board_event *);

/* The i-th oldest kept event (i < b->nevents). */
static struct board_event *
board_window_nth(const struct board *b, size_t i)
{
	size_t	pos = b->first_event + i;

	return &b->blocks[pos / BOARD_BLOCK_EVENTS][pos % BOARD_BLOCK_EVENTS];
}

/*
 * Forget the oldest kept event; a block left empty goes back to the
 * allocator (the other blocks' pointers move down, not the events).
 */
static void
board_window_pop(struct board *b)
{
	board_event_clear(board_window_nth(b, 0));
	b->nevents--;
	if (++b->first_event < BOARD_BLOCK_EVENTS && b->nevents > 0)
		return;
	if (b->first_event == BOARD_BLOCK_EVENTS || b->nblocks > 1) {
		free(b->blocks[0]);
		memmove(&b->blocks[0], &b->blocks[1], (b->nblocks - 1) *
		    sizeof *b->blocks);
		b->nblocks--;
	}
	b->first_event = 0;
}

/* The kept event with this seq, or NULL if it left the window. */
const struct board_event *
board_event_at(const struct board *b, uint64_t seq)
{
	uint64_t	first;

	if (b->nevents == 0)
		return NULL;
	first = board_window_nth(b, 0)->seq;
	if (seq < first || seq >= first + b->nevents)
		return NULL;
	return board_window_nth(b, (size_t)(seq - first));
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

/* Release one frame of a kept event unless another audience shares it. */
static void
board_event_drop_frame(struct board_event *be, int a)
{
	int	k;

	for (k = 0; k < AUDIENCE_COUNT; k++)
		if (k != a && be->frame[k] == be->frame[a])
			break;
	if (k == AUDIENCE_COUNT)
		free(be->frame[a]);
	be->frame[a] = NULL;
	be->len[a] = 0;
}

/* Release the frames of a kept event (variants may share one). */
static void
board_event_clear(struct board_event *be)
{
	int	a;

	for (a = 0; a < AUDIENCE_COUNT; a++)
		board_event_drop_frame(be, a);
	free(be->lean);
	memset(be, 0, sizeof *be);
}

/*
 * A joined event's public variant (pub) once more, as a roster client
 * gets it: the client id it may not see as nil, 17 bytes less.
 */
static void
board_event_lean(struct board_event *be, const struct proto_event *pub,
    struct proto_buf *scratch)
{
	size_t	n;

	free(be->lean);
	be->lean = NULL;
	be->lean_len = 0;
	if (be->kind != OP_JOINED)
		return;
	proto_buf_reset(scratch);
	scratch->lean = true;
	n = proto_enc_event(scratch, pub);
	scratch->lean = false;
	if (n == 0 || n >= be->len[AUDIENCE_PUBLIC])
		return;
	be->lean = xmalloc(n);
	memcpy(be->lean, scratch->data, n);
	be->lean_len = (uint32_t)n;
}

/*
 * The frame of kept event be for audience a, its length in *len: a roster
 * client gets the lean variant where it gets the public one.
 */
const uint8_t *
board_event_frame(const struct board_event *be, enum model_audience a,
    bool roster, size_t *len)
{
	if (roster && be->lean != NULL &&
	    be->frame[a] == be->frame[AUDIENCE_PUBLIC]) {
		*len = be->lean_len;
		return be->lean;
	}
	*len = be->len[a];
	return be->frame[a];
}

/*
 * Set audience a's frame to the n bytes in buf, sharing another audience's
 * frame when it holds the same bytes.
 */
static void
board_event_set_frame(struct board_event *be, int a, const uint8_t *buf,
    size_t n)
{
	int	k;

	if (be->frame[a] != NULL)
		board_event_drop_frame(be, a);
	for (k = 0; k < AUDIENCE_COUNT; k++) {
		if (k != a && be->frame[k] != NULL && be->len[k] == n &&
		    memcmp(be->frame[k], buf, n) == 0) {
			be->frame[a] = be->frame[k];
			be->len[a] = be->len[k];
			return;
		}
	}
	be->frame[a] = xmalloc(n);
	memcpy(be->frame[a], buf, n);
	be->len[a] = (uint32_t)n;
}

/* Encode ev into scratch and keep it as audience a's frame of be. */
static void
board_event_encode(struct board *b, struct board_event *be, int a,
    const struct proto_event *ev, struct proto_buf *scratch)
{
	size_t	n;

	proto_buf_reset(scratch);
	if ((n = proto_enc_event(scratch, ev)) == 0)
		fatalx("board %s: seq %llu does not encode", b->name,
		    (unsigned long long)ev->seq);
	board_event_set_frame(be, a, scratch->data, n);
}

/* FNV-1a of a string: whether a kept card text is the card's text now. */
static uint64_t
board_text_hash(const char *text)
{
	const unsigned char	*p = (const unsigned char *)text;
	uint64_t		 h = 0xcbf29ce484222325ULL;

	for (; p != NULL && *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/*
 * What the public variant of a kept event must hide under the privacy of
 * m, the board now (BOARD_PUB_*).  This is the rule of a replay, which a
 * participant may ask for long after the event: it shows no more than the
 * board as it stands would (the state), whatever the event showed then.
 *   - a card's author and op id: not while the board is anonymous;
 *   - a card's text: only the card's text now, and only while it is
 *     public (not private to its author, not deleted);
 *   - a vote's card and delta: not while a blind vote is open, nor when a
 *     tally followed it (the tally gives the totals).
 * Right after an event these give exactly what model_redact hides.
 */
static uint8_t
board_pub_bits(const struct board *b, const struct model *m,
    const struct board_event *be)
{
	const struct model_card	*c;
	uint8_t			 bits = 0;

	switch (be->kind) {
	case OP_CARD_ADD:
	case OP_CARD_EDIT:
		c = model_card(m, be->kind == OP_CARD_ADD ? be->seq : be->card);
		if (c == NULL || c->deleted || c->hidden ||
		    board_text_hash(c->text) != be->text_hash)
			bits |= BOARD_PUB_TEXT;
		/* FALLTHROUGH */
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
		if (m->settings.anonymous)
			bits |= BOARD_PUB_AUTHOR;
		break;
	case OP_VOTE:
		if ((m->settings.blind && !m->revealed) ||
		    be->seq < b->last_tally)
			bits |= BOARD_PUB_VOTE;
		break;
	}
	return bits;
}

/*
 * The public variant of the full event ev that hides bits: model_redact's
 * public rule with the decisions made by board_pub_bits.  Kinds the
 * replay rule does not know keep model_redact's variant on the board now.
 */
static void
board_pub_variant(const struct model *m, const struct proto_event *ev,
    uint8_t bits, struct proto_event *out)
{
	*out = *ev;
	switch (ev->op.kind) {
	case OP_CARD_ADD:
	case OP_CARD_EDIT:
		if (bits & BOARD_PUB_TEXT)
			out->op.text = (char *)"";
		/* FALLTHROUGH */
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
		if (bits & BOARD_PUB_AUTHOR) {
			out->origin = 0;
			out->op_id = 0;
		}
		break;
	case OP_VOTE:
		out->origin = 0;
		out->op_id = 0;
		if (bits & BOARD_PUB_VOTE) {
			memset(&out->op, 0, sizeof out->op);
			out->op.kind = OP_VOTE;
			out->op.hidden = true;
		}
		break;
	default:
		model_redact(m, ev, AUDIENCE_PUBLIC, out);
		break;
	}
}

/* Fill a kept event's description from the full event. */
static void
board_event_describe(struct board *b, struct board_event *be,
    const struct proto_event *ev)
{
	be->seq = ev->seq;
	be->origin = ev->origin;
	be->kind = ev->op.kind;
	be->subject = ev->op.kind == OP_JOINED ? ev->op.participant : 0;
	be->card = ev->op.card;
	if (ev->op.kind == OP_CARD_ADD || ev->op.kind == OP_CARD_EDIT)
		be->text_hash = board_text_hash(ev->op.text);
	if (ev->op.kind == OP_TALLY && ev->seq > b->last_tally)
		b->last_tally = ev->seq;
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
	    (be = board_window_nth(b, 0))->seq < b->fanout_from) {
		b->window_bytes -= be->len[AUDIENCE_SELF];
		board_window_pop(b);
	}
}

/*
 * A new slot for seq at the end of the window (--replay-max events once
 * sent); events not sent yet stay, in a block added for them.  The window
 * holds consecutive seqs: one that does not follow the last (a load that
 * set a log aside and started again) empties it first.
 */
static struct board_event *
board_window_slot(struct board *b, uint64_t seq)
{
	struct board_event	*be;
	size_t			 pos, max = b->server->cfg->replay_max;

	if (b->nevents > 0 && board_window_nth(b, b->nevents - 1)->seq + 1 !=
	    seq) {
		while (b->nevents > 0)
			board_window_pop(b);
		b->window_bytes = 0;
		b->last_tally = 0;
	}
	board_window_trim(b, max > 0 ? max - 1 : 0);
	pos = b->first_event + b->nevents;
	if (pos / BOARD_BLOCK_EVENTS == b->nblocks) {
		if (b->nblocks == b->cap_blocks) {
			b->cap_blocks = b->cap_blocks > 0 ? 2 * b->cap_blocks :
			    4;
			b->blocks = xreallocarray(b->blocks, b->cap_blocks,
			    sizeof *b->blocks);
		}
		b->blocks[b->nblocks++] = xreallocarray(NULL,
		    BOARD_BLOCK_EVENTS, sizeof **b->blocks);
	}
	be = board_window_nth(b, b->nevents);
	memset(be, 0, sizeof *be);
	b->nevents++;
	return be;
}

/*
 * Keep an applied event in the replay window with one frame per audience,
 * as model_redact makes them on the state right after it (what the live
 * connections receive); an audience whose variant is byte-identical to
 * another's shares its frame.  A variant that is the full event itself,
 * field for field (most are), takes the full event's frame unencoded.
 */
static void
board_window_add(struct board *b, const struct model *m,
    const struct proto_event *ev, struct proto_buf *scratch)
{
	struct board_event	*be = board_window_slot(b, ev->seq);
	struct proto_event	 red;
	int			 a, full = -1;

	board_event_describe(b, be, ev);
	for (a = 0; a < AUDIENCE_COUNT; a++) {
		model_redact(m, ev, (enum model_audience)a, &red);
		/* Equal bytes, padding included, can only encode the same. */
		if (memcmp(&red, ev, sizeof red) != 0)
			board_event_encode(b, be, a, &red, scratch);
		else if (full >= 0) {
			be->frame[a] = be->frame[full];
			be->len[a] = be->len[full];
		} else {
			board_event_encode(b, be, a, &red, scratch);
			full = a;
		}
		if (a == AUDIENCE_PUBLIC)
			board_event_lean(be, &red, scratch);
	}
	be->pub = board_pub_bits(b, m, be);
	b->window_bytes += be->len[AUDIENCE_SELF];
}

/*
 * Keep a log record the snapshot covers, as stored (the full event): the
 * window is rebuilt from the log's tail at load, and board_window_derive
 * makes the variants once the board is loaded.
 */
static void
board_window_add_raw(struct board *b, uint64_t seq, const uint8_t *body,
    uint32_t len)
{
	struct board_event	*be = board_window_slot(b, seq);
	uint8_t			*frame = xmalloc(PROTO_FRAME_HDR + (size_t)len);

	frame[0] = (uint8_t)(len >> 24);
	frame[1] = (uint8_t)(len >> 16);
	frame[2] = (uint8_t)(len >> 8);
	frame[3] = (uint8_t)len;
	memcpy(frame + PROTO_FRAME_HDR, body, len);
	be->seq = seq;
	be->frame[AUDIENCE_SELF] = frame;
	be->len[AUDIENCE_SELF] = PROTO_FRAME_HDR + len;
	be->pub = BOARD_PUB_RAW;
	b->window_bytes += be->len[AUDIENCE_SELF];
}

/* Decode the full event a kept event holds; -1 if it does not decode. */
static int
board_event_decode(const struct board_event *be, struct proto_msg *msg)
{
	struct proto_err	err;

	if (proto_decode(be->frame[AUDIENCE_SELF] + PROTO_FRAME_HDR,
	    be->len[AUDIENCE_SELF] - PROTO_FRAME_HDR, msg, &err) != PROTO_OK)
		return -1;
	if (msg->type != PROTO_EVENT || msg->u.event.seq != be->seq) {
		proto_msg_free(msg);
		return -1;
	}
	return 0;
}

/*
 * After a load: give the records kept raw their variants, newest first so
 * that every vote knows whether a tally followed it.  Their state right
 * after is gone: the public variant follows the privacy now (the replay
 * rule), which is what a replay would serve anyway.  A record that does
 * not decode ends the window there (older ones go with it).
 */
static void
board_window_derive(struct board *b, struct proto_buf *scratch)
{
	struct board_event	*be;
	struct proto_msg	 msg;
	struct proto_event	 red;
	size_t			 i, drop = 0;

	for (i = b->nevents; i-- > 0;) {
		be = board_window_nth(b, i);
		if (be->pub != BOARD_PUB_RAW)
			continue;
		if (board_event_decode(be, &msg) != 0) {
			log_warn("board %s: seq %llu in the log does not "
			    "decode; replays start after it", b->name,
			    (unsigned long long)be->seq);
			drop = i + 1;
			break;
		}
		board_event_describe(b, be, &msg.u.event);
		model_redact(b->model, &msg.u.event, AUDIENCE_FACILITATOR,
		    &red);
		board_event_encode(b, be, AUDIENCE_FACILITATOR, &red, scratch);
		be->pub = board_pub_bits(b, b->model, be);
		board_pub_variant(b->model, &msg.u.event, be->pub, &red);
		board_event_encode(b, be, AUDIENCE_PUBLIC, &red, scratch);
		board_event_lean(be, &red, scratch);
		proto_msg_free(&msg);
	}
	while (drop-- > 0) {
		b->window_bytes -= board_window_nth(b, 0)->len[AUDIENCE_SELF];
		board_window_pop(b);
	}
}

/*
 * Make a kept event's public variant follow the board's privacy now.  Only
 * events already sent live are changed (the catch-ups run after the flush).
 */
static void
board_event_refresh(struct board *b, struct board_event *be)
{
	struct proto_msg	msg;
	struct proto_event	red;
	uint8_t			bits = board_pub_bits(b, b->model, be);

	if (bits == be->pub)
		return;
	if (board_event_decode(be, &msg) != 0)
		fatalx("board %s: kept seq %llu does not decode", b->name,
		    (unsigned long long)be->seq);
	board_pub_variant(b->model, &msg.u.event, bits, &red);
	board_event_encode(b, be, AUDIENCE_PUBLIC, &red, &b->server->scratch);
	board_event_lean(be, &red, &b->server->scratch);
	be->pub = bits;
	proto_msg_free(&msg);
}

/*
 * True if every event after since is still kept (a replay is possible):
 * the window holds consecutive seqs, so both ends tell.
 */
bool
board_replay_kept(const struct board *b, uint64_t since)
{
	if (since > b->model->head)
		return false;
	return since == b->model->head || (board_event_at(b, since + 1) !=
	    NULL && board_event_at(b, b->model->head) != NULL);
}

/*
 * Ready the events after since (all kept) for a replay under the board's
 * privacy now.
 */
void
board_replay_ready(struct board *b, uint64_t since)
{
	uint64_t	seq;

	for (seq = since + 1; seq <= b->model->head; seq++)
		board_event_refresh(b, (struct board_event *)
		    board_event_at(b, seq));
}

struct board_load {
	struct board		*board;
	struct proto_buf	*scratch;
};

/*
 * Keep each log record while loading, so that reconnecting clients can
 * replay: an event folded after the snapshot with its variants right after
 * it, one the snapshot covers as stored.
 */
static int
board_load_each(struct model *m, uint64_t seq, const struct proto_event *ev,
    const uint8_t *body, uint32_t len, void *arg)
{
	struct board_load	*bl = arg;

	if (ev != NULL)
		board_window_add(bl->board, m, ev, bl->scratch);
	else
		board_window_add_raw(bl->board, seq, body, len);
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
	TAILQ_INIT(&b->guesses);
	b->guess_tokens = 20;
	b->guess_ms = server_now_ms();
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

/* Forget the whole window (a load that is started again). */
static void
board_window_clear(struct board *b)
{
	while (b->nevents > 0)
		board_window_pop(b);
	b->window_bytes = 0;
	b->last_tally = 0;
}

/*
 * Load b from its directory (made when missing): lock, snapshot, log, the
 * replay window.  When the machine will not let the board be written
 * (read-only, permissions) but it can be read, it is loaded read-only and
 * b->unwritable says why.  -1 with err set, and *cause the machine's part
 * in the failure (NULL when the board's files are at fault).
 */
static int
board_open(struct server *s, struct board *b, char *err, size_t errlen,
    const char **cause)
{
	struct board_load	bl;
	int			flags = EVLOG_CREATE;

	*cause = NULL;
	bl.board = b;
	bl.scratch = &s->scratch;
	if (store_mkdirs(b->dir, err, errlen) != 0) {
		*cause = store_cause(errno, err);
		return -1;
	}
	if ((b->lock_fd = store_lock(b->dir, err, errlen)) == -1) {
		*cause = store_cause(errno, err);
		if (!store_cause_read_only(*cause))
			return -1;
		/* Nobody can write there: no lock to take either. */
		flags = EVLOG_READONLY;
		b->unwritable = *cause;
	}
	if (store_load(s->cfg->data_dir, b->name, flags, &b->model, &b->log,
	    &b->snapshot_seq, board_load_each, &bl, err, errlen) == 0) {
		/* A pass's events go to the log in one write (housekeeping). */
		evlog_defer(b->log, true);
		return 0;
	}
	*cause = store_cause(errno, err);
	if (flags == EVLOG_READONLY || !store_cause_read_only(*cause) ||
	    !store_exists(s->cfg->data_dir, b->name))
		return -1;
	board_window_clear(b);
	if (store_load(s->cfg->data_dir, b->name, EVLOG_READONLY, &b->model,
	    &b->log, &b->snapshot_seq, board_load_each, &bl, err, errlen) != 0)
		return -1;
	b->unwritable = *cause;
	return 0;
}

/*
 * The board called name, loading it from disk the first time.  With create,
 * a board that does not exist is made, empty.  NULL with err set (and
 * *ecode, the ERROR to answer) when there is no such board, or when it
 * cannot be loaded or made now for the machine's reason (a full disk):
 * that is tried again at the next HELLO.  A board whose files are damaged
 * is returned marked broken.
 */
struct board *
board_find(struct server *s, const char *name, bool create, char *err,
    size_t errlen, uint32_t *ecode)
{
	struct board	*b;
	const char	*cause;
	char		 lerr[512];
	bool		 existed;

	if (s->cfg->upstream != NULL)
		return upstream_board(s, name, create, err, errlen, ecode);
	*ecode = ERROR_BOARD;
	TAILQ_FOREACH(b, &s->boards, entry) {
		if (strcmp(b->name, name) == 0)
			return b;
	}
	existed = store_exists(s->cfg->data_dir, name);
	if (!existed && !create) {
		snprintf(err, errlen, "there is no board called %s", name);
		return NULL;
	}

	b = board_alloc(s, name);
	if (board_open(s, b, lerr, sizeof lerr, &cause) == 0) {
		TAILQ_INSERT_TAIL(&s->boards, b, entry);
		board_window_derive(b, &s->scratch);
		board_limits(s, b);
		b->fanout_from = b->model->head + 1;
		log_info("board %s: loaded at seq %llu (%zu cards, %zu "
		    "participants, %zu events kept for replay)%s%s", name,
		    (unsigned long long)b->model->head, b->model->live_cards,
		    b->model->nparticipants, b->nevents,
		    b->unwritable != NULL ? "; read-only: " : "",
		    b->unwritable != NULL ? b->unwritable : "");
		b->retry_ms = server_now_ms() + BOARD_RETRY_MS;
		board_schedule_timer(b);
		return b;
	}
	if (cause != NULL) {
		/* The machine, not the files: say why, try again later. */
		log_limited(&s->store_log, LOG_LVL_ERROR, "board %s: %s", name,
		    lerr);
		snprintf(err, errlen, "board %s cannot be %s now: %s", name,
		    existed ? "opened" : "created", cause);
		*ecode = ERROR_FULL;
		if (!existed) {
			if (b->lock_fd != -1)
				close(b->lock_fd);
			b->lock_fd = -1;
			store_abandon(b->dir);
		}
		board_free(b);
		return NULL;
	}

	/*
	 * Keep the board listed as broken so that every HELLO gets a clear
	 * answer and the files are left alone for `cafeboard-server check`.
	 */
	TAILQ_INSERT_TAIL(&s->boards, b, entry);
	log_error("board %s: %s", name, lerr);
	b->broken = true;
	b->broken_why = xstrdup(lerr);
	if (b->model == NULL)
		b->model = model_new(name);
	return b;
}

/*
 * A read-only board is tried for writing again now and then (permissions
 * put right): its lock and its log opened for writing, the log checked to
 * end where the board is.  True if it is writable now.
 */
static bool
board_retry_write(struct board *b)
{
	struct evlog	*log;
	char		 err[512];
	int		 fd = b->lock_fd;
	int64_t		 now = server_now_ms();

	if (b->unwritable == NULL)
		return true;
	if (now < b->retry_ms)
		return false;
	b->retry_ms = now + BOARD_RETRY_MS;
	if (fd == -1 && (fd = store_lock(b->dir, err, sizeof err)) == -1)
		return false;
	log = store_open_log(b->dir, EVLOG_CREATE, b->model, b->model->head,
	    NULL, NULL, NULL, err, sizeof err);
	if (log == NULL || evlog_last_seq(log) != b->model->head) {
		if (log != NULL)
			evlog_close(log);
		if (b->lock_fd == -1)
			close(fd);
		return false;
	}
	if (b->log != NULL)
		evlog_close(b->log);
	evlog_defer(log, true);
	b->log = log;
	b->lock_fd = fd;
	log_info("board %s: writable again (it was read-only: %s)", b->name,
	    b->unwritable);
	b->unwritable = NULL;
	return true;
}

/* Release a board (the server is closing). */
void
board_free(struct board *b)
{
	size_t	i;

	for (i = 0; i < b->nevents; i++)
		board_event_clear(board_window_nth(b, i));
	for (i = 0; i < b->nblocks; i++)
		free(b->blocks[i]);
	free(b->blocks);
	if (b->log != NULL)
		evlog_close(b->log);
	if (b->lock_fd != -1)
		close(b->lock_fd);
	if (b->timer_ev != NULL)
		event_free(b->timer_ev);
	if (b->up != NULL)
		upstream_free(b->up);
	model_free(b->model);
	free(b->broken_why);
	free(b->dir);
	free(b);
}

/*
 * model_submit's commit: append the event, encoded whole, to the board's
 * log.  The loop's housekeeping writes (the log holds a pass's records)
 * and syncs it before anything is sent.
 */
static int
board_commit(void *arg, const struct proto_event *ev, int64_t now,
    const uint8_t *client, const char **why)
{
	struct board	*b = arg;
	char		 err[256];
	const char	*cause;

	if (store_commit(b->log, ev, now, client, &b->server->scratch, err,
	    sizeof err) != 0) {
		cause = store_cause(errno, err);
		log_limited(&b->store_log, LOG_LVL_ERROR, "board %s: cannot "
		    "store seq %llu (%s): %s", b->name,
		    (unsigned long long)ev->seq, proto_kind_name(ev->op.kind),
		    err);
		snprintf(b->store_why, sizeof b->store_why, "the server could "
		    "not store this change: %s", cause != NULL ? cause :
		    "its log says why");
		*why = b->store_why;
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
	if (b->unwritable != NULL && !board_retry_write(b)) {
		snprintf(b->store_why, sizeof b->store_why, "this board is "
		    "read-only on the server: %s", b->unwritable);
		*why = b->store_why;
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
	case OP_STEP:		/* a step starts or stops the clock */
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

/* The PRESENCE of mp, online or not, in *pr (its name borrowed). */
static void
board_presence_of(const struct model_participant *mp, bool online,
    struct proto_presence *pr)
{
	memset(pr, 0, sizeof *pr);
	pr->participant = mp->id;
	pr->online = online;
	pr->table = mp->table;
	pr->name = mp->name;
}

/* Encode the PRESENCE of mp, online or not, into buf; its length. */
size_t
board_enc_presence(struct proto_buf *buf, const struct model_participant *mp,
    bool online)
{
	struct proto_presence	pr;

	board_presence_of(mp, online, &pr);
	return proto_enc_presence(buf, &pr);
}

/*
 * Send pr to every live connection of the board but except: in full, or
 * without the name to a roster connection -- and not at all to one that
 * had the participant's joined event (seq joined, 0 if none) live, which
 * said as much.  Both frames are encoded once into the server's broadcast
 * buffer, which no send path writes into; a send over a cap only marks
 * its connection, so the walk and the frames stay whole.
 */
void
board_send_presence(struct board *b, const struct proto_presence *pr,
    const struct client_conn *except, uint64_t joined)
{
	struct server		*s = b->server;
	struct proto_presence	 lean = *pr;
	struct client_conn	*c;
	size_t			 full, nlean;

	proto_buf_reset(&s->bcast);
	if ((full = proto_enc_presence(&s->bcast, pr)) == 0)
		return;
	lean.name = NULL;
	nlean = proto_enc_presence(&s->bcast, &lean);
	TAILQ_FOREACH(c, &b->conns, board_entry) {
		if (c == except || c->state != CONN_LIVE)
			continue;
		if (!c->roster)
			client_conn_send(c, s->bcast.data, full);
		else if (joined == 0 || joined <= c->live_from)
			client_conn_send(c, s->bcast.data + full, nlean);
	}
}

/*
 * Tell every live connection of the board that p came or went; joined:
 * the seq of the joined event that made p, when that is why (see
 * board_send_presence), else 0.
 */
void
board_presence(struct board *b, uint32_t p, bool online,
    const struct client_conn *except, uint64_t joined)
{
	/* A mirror's presence is the board server's to tell. */
	if (b->up != NULL)
		upstream_presence(b->up, p, online, except);
	else
		board_tell_presence(b, p, online, except, joined);
}

/* Send the PRESENCE of participant p of b (see board_send_presence). */
void
board_tell_presence(struct board *b, uint32_t p, bool online,
    const struct client_conn *except, uint64_t joined)
{
	struct model_participant	*mp;
	struct proto_presence		 pr;

	if ((mp = model_participant(b->model, p)) == NULL)
		return;
	board_presence_of(mp, online, &pr);
	board_send_presence(b, &pr, except, joined);
}

/* Release board_flush's arrays. */
void
board_flush_buf_free(struct board_flush_buf *fb)
{
	free(fb->be);
	free(fb->off);
	free(fb->iov);
	free(fb->pub);
	memset(fb, 0, sizeof *fb);
}

/* Room in board_flush's arrays for n events and size bytes of variants. */
static void
board_flush_buf_room(struct board_flush_buf *fb, size_t n, size_t size)
{
	if (fb->cap < n + 1) {
		fb->cap = n + 1 > 2 * fb->cap ? n + 1 : 2 * fb->cap;
		fb->be = xreallocarray(fb->be, fb->cap, sizeof *fb->be);
		fb->off = xreallocarray(fb->off, fb->cap, sizeof *fb->off);
		fb->iov = xreallocarray(fb->iov, fb->cap, sizeof *fb->iov);
	}
	if (fb->pub_cap < size + 1) {
		fb->pub_cap = size + 1 > 2 * fb->pub_cap ? size + 1 :
		    2 * fb->pub_cap;
		free(fb->pub);
		fb->pub = xmalloc(fb->pub_cap);
	}
}

/*
 * Send every event sequenced since the last flush to the board's live
 * connections, each its audience's variant.  The log is already synced.
 */
void
board_flush(struct board *b)
{
	struct board_flush_buf		 *fb = &b->server->flush;
	const struct board_event	**be;
	struct client_conn		 *c, *next;
	enum model_audience		  a;
	struct iovec			 *iov;
	uint8_t				 *pub;
	size_t				 *off, k = 0, i, size = 0;
	uint64_t			  seq, first = b->fanout_from;
	uint64_t			  last = b->model->head;
	int				  n;
	bool				  lean;

	if (first > last)
		return;
	board_flush_buf_room(fb, (size_t)(last - first + 1), 0);
	be = fb->be;
	for (seq = first; seq <= last; seq++)
		if ((be[k] = board_event_at(b, seq)) != NULL)
			size += be[k++]->len[AUDIENCE_PUBLIC];
	/*
	 * The public variants of the pass end to end: most recipients get
	 * all of them, in one piece, whatever the number of events.
	 */
	board_flush_buf_room(fb, k, size);
	pub = fb->pub;
	off = fb->off;
	iov = fb->iov;
	for (i = 0, size = 0; i < k; i++) {
		off[i] = size;
		memcpy(pub + size, be[i]->frame[AUDIENCE_PUBLIC],
		    be[i]->len[AUDIENCE_PUBLIC]);
		size += be[i]->len[AUDIENCE_PUBLIC];
	}
	off[k] = size;
	/*
	 * Each connection gets the pass's events in one go, in seq order:
	 * runs of public variants as slices of pub, the others as they are;
	 * one write for all of them when nothing is queued for it.  More
	 * than BOARD_FLUSH_MAX pieces go in several.
	 */
	for (c = TAILQ_FIRST(&b->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, board_entry);
		/* A relay's people get theirs through the relay. */
		if (c->state != CONN_LIVE || c->via != NULL)
			continue;
		for (n = 0, i = 0; i < k; i++) {
			/* One frame for every audience: no need to ask. */
			if (be[i]->frame[AUDIENCE_SELF] ==
			    be[i]->frame[AUDIENCE_PUBLIC] &&
			    be[i]->frame[AUDIENCE_FACILITATOR] ==
			    be[i]->frame[AUDIENCE_PUBLIC])
				a = AUDIENCE_PUBLIC;
			else if (c->relay)
				a = relay_audience(b, be[i], c);
			else
				a = board_event_audience(b, be[i],
				    c->participant);
			lean = c->roster && be[i]->lean != NULL &&
			    be[i]->frame[a] == be[i]->frame[AUDIENCE_PUBLIC];
			if (a == AUDIENCE_PUBLIC && !lean && n > 0 &&
			    (uint8_t *)iov[n - 1].iov_base +
			    iov[n - 1].iov_len == pub + off[i]) {
				iov[n - 1].iov_len += be[i]->len[a];
				continue;
			}
			if (n == BOARD_FLUSH_MAX) {
				client_conn_sendv(c, iov, n);
				n = 0;
			}
			if (lean) {
				iov[n].iov_base = be[i]->lean;
				iov[n++].iov_len = be[i]->lean_len;
				continue;
			}
			iov[n].iov_base = a == AUDIENCE_PUBLIC ? pub + off[i] :
			    be[i]->frame[a];
			iov[n++].iov_len = be[i]->len[a];
		}
		if (n > 0)
			client_conn_sendv(c, iov, n);
	}
	/* A burst's room goes back; a pass's usual room stays. */
	if (fb->pub_cap > BOARD_FLUSH_KEEP || fb->cap > BOARD_FLUSH_KEEP /
	    sizeof *fb->iov)
		board_flush_buf_free(fb);
	b->fanout_from = last + 1;
	board_window_trim(b, b->server->cfg->replay_max);
}

/*
 * Write a snapshot now (at shutdown) or when enough has passed: at least
 * --snapshot-every events, and at least as many log bytes as the last
 * snapshot held.  The second rule keeps a big board's snapshots to a
 * bounded share of the work: each costs its size, and comes only after
 * the log grew by as much (without it, a 60 000-card board rewrote 4 MB
 * every 1 000 cards).  A restart then folds at most about a snapshot's
 * worth of log.  One that failed (a full disk) is tried again
 * BOARD_RETRY_MS later, not at every pass, and logged once per burst.
 */
void
board_snapshot(struct board *b, bool force)
{
	char	err[256];
	int64_t	now = server_now_ms();
	size_t	bytes;

	if (b->broken || b->unwritable != NULL || b->log == NULL ||
	    b->model->head == b->snapshot_seq)
		return;
	if (!force && (b->server->cfg->snapshot_every == 0 ||
	    b->model->head - b->snapshot_seq < b->server->cfg->snapshot_every ||
	    evlog_size(b->log) - b->snapshot_log_at <
	    (off_t)b->snapshot_bytes || now < b->snap_retry_ms))
		return;
	/* Never a snapshot ahead of the log (housekeeping has flushed). */
	if (evlog_flush(b->log, err, sizeof err) != 0) {
		log_limited(&b->snap_log, LOG_LVL_ERROR, "board %s: no "
		    "snapshot: %s", b->name, err);
		return;
	}
	if (store_snapshot(b->dir, b->model, &b->server->snap, &bytes,
	    err, sizeof err) != 0) {
		log_limited(&b->snap_log, LOG_LVL_ERROR, "board %s: snapshot "
		    "failed: %s", b->name, err);
		b->snap_retry_ms = now + BOARD_RETRY_MS;
		return;
	}
	b->snapshot_seq = b->model->head;
	b->snapshot_bytes = bytes;
	b->snapshot_log_at = evlog_size(b->log);
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

/* The highest op_id of client id that the board's server applied. */
uint32_t
board_last_op(const struct board *b, const uint8_t *client)
{
	if (b->up != NULL)
		return upstream_last_op(b->up, client);
	return model_client_last_op(b->model, client);
}

/*
 * A relay's mirror of the board name upstream: no files, no timer of its
 * own (the board's server ends the rounds); empty until upstream.c has
 * caught it up.
 */
struct board *
board_mirror_new(struct server *s, const char *name)
{
	struct board	*b = board_alloc(s, name);

	b->model = model_new(name);
	board_limits(s, b);
	b->fanout_from = 1;
	TAILQ_INSERT_TAIL(&s->boards, b, entry);
	return b;
}

/*
 * Fold an event of the board upstream into its mirror, as the board's
 * server sent it, and keep it for fan-out and replay with the variants
 * the mirror gives each audience.  -1 if it does not follow the head.
 */
int
board_mirror_event(struct board *b, const struct proto_event *ev)
{
	if (model_apply(b->model, ev, server_now_ms(), NULL) != 0)
		return -1;
	board_applied(b, b->model, ev);
	return 0;
}

/* A mirror rebuilt from a STATE catch-up: m (owned) replaces the board. */
void
board_mirror_reset(struct board *b, struct model *m)
{
	board_window_clear(b);
	model_free(b->model);
	b->model = m;
	board_limits(b->server, b);
	b->fanout_from = m->head + 1;
}

/* True when the board can be served: our own, or a mirror caught up. */
bool
board_ready(const struct board *b)
{
	return b->up == NULL || upstream_synced(b->up);
}
