/*
 * model-state.c -- the board as STATE records, and back.
 *
 * A snapshot (viewer 0) holds everything: board, tables, participants, cards
 * (deleted ones too: replies still point at them), timer, every "votes"
 * record, and the "client", "meet" and "sat" records.  A participant gets
 * what the
 * privacy rules let them see, which are the rules model_redact applies to
 * events: hidden text, anonymous authors and blind totals are withheld from
 * them unless they are the card's author (text, author) or a facilitator.
 *
 * Output is deterministic: arrays go in id order and the private maps come
 * sorted (model_*_list), so two boards folded from the same events write
 * the same bytes, and reading a snapshot back writes it again byte for byte.
 * Nothing in the output depends on the hash tables' layout or on the clock.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model-impl.h"
#include "proto.h"
#include "xmalloc.h"

/* Pairs per "votes" record: 4000 of at most 15 bytes stay under a frame. */
#define MODEL_STATE_VOTES_MAX	4000
/* Pairs per "sat" record, as many for the same reason. */
#define MODEL_STATE_SAT_MAX	4000

static const uint8_t model_state_zero[PROTO_CLIENT_LEN];

/* Append one record; a record that cannot fit a frame is a bug. */
static size_t
model_state_emit(struct proto_buf *buf, const struct proto_state *rec)
{
	if (proto_enc_state(buf, rec) == 0)
		fatalx("model: STATE record %u does not fit a frame",
		    (unsigned)rec->what);
	return 1;
}

/* The "board" record. */
static void
model_state_board(const struct model *m, struct proto_state *rec)
{
	struct proto_board_rec	*b = &rec->board;

	memset(rec, 0, sizeof *rec);
	rec->what = STATE_BOARD;
	b->name = (char *)m->name;
#define MODEL_STATE_PUT(member, ...)	b->member = m->settings.member;
	PROTO_SETTINGS(MODEL_STATE_PUT)
#undef MODEL_STATE_PUT
	b->phase = m->phase;
	b->round = m->round;
	b->banner = m->banner;
	b->revealed = m->revealed;
	b->follow_view = m->follow_view;
	b->follow_table = m->follow_table;
	b->follow_seq = m->follow_seq;
	b->created_ms = m->created_ms;
	b->head = m->head;
}

/* One participant's "votes" records from v[0..n), split to fit frames. */
static size_t
model_state_votes(struct proto_buf *buf, const struct model_vote_rec *v,
    size_t n)
{
	struct proto_state	 rec;
	struct proto_pair	*pairs;
	size_t			 i, k, count = 0;

	pairs = xreallocarray(NULL, n, sizeof *pairs);
	for (i = 0; i < n; i += k) {
		for (k = 0; k < MODEL_STATE_VOTES_MAX && i + k < n; k++) {
			pairs[k].a = v[i + k].card;
			pairs[k].b = v[i + k].n;
		}
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_VOTES;
		rec.id = v[i].participant;
		rec.pairs = pairs;
		rec.npairs = (uint32_t)k;
		count += model_state_emit(buf, &rec);
	}
	free(pairs);
	return count;
}

/*
 * A "card" record as viewer sees it (fac: with a facilitator's eyes):
 * others than its author and the facilitators are the public, who do not
 * see hidden text, anonymous authors or a blind vote's totals.
 */
static void
model_state_card(const struct model *m, const struct model_card *c,
    uint32_t viewer, bool fac, struct proto_state *rec)
{
	bool	other = !fac && c->author != viewer;
	bool	blindfold = !fac && m->settings.blind && !m->revealed;

	memset(rec, 0, sizeof *rec);
	rec->what = STATE_CARD;
	rec->id = c->id;
	rec->table = c->table;
	rec->author = other && m->settings.anonymous ? 0 : c->author;
	rec->parent = c->parent;
	rec->head = c->head;
	rec->text = other && c->hidden ? (char *)"" : c->text;
	rec->title = c->title;
	rec->votes = blindfold ? c->shown : c->votes;
	rec->shown = c->shown;
	rec->kept = c->kept;
	rec->hidden = c->hidden;
	rec->edited = c->edited;
	rec->deleted = c->deleted;
	rec->created_ms = c->created_ms;
	rec->merged = c->merged;
	/* Coauthors are authors: hidden as the author is. */
	if (!(other && m->settings.anonymous)) {
		rec->pairs = c->coauthors;
		rec->npairs = (uint32_t)c->ncoauthors;
	}
}

/* A snapshot's "client" and "meet" records, sorted; how many. */
static size_t
model_state_maps(const struct model *m, struct proto_buf *buf)
{
	struct model_client_rec	*clients;
	struct model_meet_rec	*meets;
	struct proto_state	 rec;
	size_t			 i, nv, n = 0;

	nv = model_clients_list(m, &clients);
	for (i = 0; i < nv; i++) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_CLIENT;
		memcpy(rec.client, clients[i].client, PROTO_CLIENT_LEN);
		rec.id = clients[i].participant;
		rec.last_op = clients[i].last_op;
		n += model_state_emit(buf, &rec);
	}
	free(clients);

	nv = model_meets_list(m, &meets);
	for (i = 0; i < nv; i++) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_MEET;
		rec.id = meets[i].a;
		rec.author = meets[i].b;
		rec.count = meets[i].count;
		n += model_state_emit(buf, &rec);
	}
	free(meets);
	return n;
}

/*
 * The "sat" records of a snapshot: per participant, the table of each
 * finished round, split to fit frames.
 */
static size_t
model_state_sats(const struct model *m, struct proto_buf *buf)
{
	struct model_sat_rec	*sats;
	struct proto_state	 rec;
	struct proto_pair	*pairs;
	size_t			 i, j, k, ns, count = 0;

	ns = model_sats_list(m, &sats);
	pairs = xreallocarray(NULL, ns + 1, sizeof *pairs);
	for (i = 0; i < ns; i = j) {
		for (j = i, k = 0; j < ns && k < MODEL_STATE_SAT_MAX &&
		    sats[j].participant == sats[i].participant; j++, k++) {
			pairs[k].a = sats[j].round;
			pairs[k].b = sats[j].table;
		}
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_SAT;
		rec.id = sats[i].participant;
		rec.pairs = pairs;
		rec.npairs = (uint32_t)k;
		count += model_state_emit(buf, &rec);
	}
	free(pairs);
	free(sats);
	return count;
}

/*
 * The board as STATE frames, appended to buf.  viewer 0 writes everything;
 * a participant gets what they may see.  Returns the number of records.
 */
size_t
model_state_write(const struct model *m, uint32_t viewer, int64_t now,
    struct proto_buf *buf)
{
	const struct model_participant	*vp = NULL, *p;
	struct model_vote_rec		*votes = NULL;
	struct proto_state		 rec;
	size_t				 i, j, n = 0, nv;
	bool				 fac;

	if (viewer != 0 && viewer != MODEL_OBSERVER)
		vp = model_participant(m, viewer);
	fac = viewer == 0 || viewer == MODEL_OBSERVER ||
	    (vp != NULL && vp->role == ROLE_FACILITATOR);

	model_state_board(m, &rec);
	n += model_state_emit(buf, &rec);

	for (i = 0; i < m->ntables; i++) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_TABLE;
		rec.id = m->tables[i].id;
		rec.text = m->tables[i].question;
		rec.title = m->tables[i].theme;
		rec.created_ms = m->tables[i].created_ms;
		n += model_state_emit(buf, &rec);
	}

	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_PARTICIPANT;
		rec.id = p->id;
		rec.text = p->name;
		rec.role = p->role;
		rec.table = p->table;
		rec.ready = p->ready;
		if (viewer == 0 || viewer == p->id)
			memcpy(rec.client, p->client, PROTO_CLIENT_LEN);
		n += model_state_emit(buf, &rec);
	}

	for (i = 0; i < m->ncards; i++) {
		model_state_card(m, &m->cards[i], viewer, fac, &rec);
		n += model_state_emit(buf, &rec);
	}

	/*
	 * A snapshot keeps the clock exactly as set, and when that was, so
	 * that a restart counts the time the server was down; others get it
	 * as it stands now.
	 */
	if (viewer == 0) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_TIMER;
		rec.running = m->timer.running;
		rec.remaining_ms = m->timer.remaining_ms;
		rec.text = m->timer.label;
		rec.ended = m->timer.ended;
		rec.created_ms = m->timer.ref_ms;
	} else
		model_state_timer(m, now, &rec);
	n += model_state_emit(buf, &rec);

	/* Only the viewer's own dots; a snapshot holds everyone's. */
	nv = viewer == MODEL_OBSERVER ? 0 : model_votes_list(m, viewer, &votes);
	for (i = 0; i < nv; i = j) {
		for (j = i; j < nv && votes[j].participant ==
		    votes[i].participant; j++)
			/* nothing */;
		n += model_state_votes(buf, &votes[i], j - i);
	}
	free(votes);

	/* The day: run sheet, labels, groups, polls, reactions. */
	n += model_day_state_write(m, viewer, fac, buf);
	n += model_deliver_state_write(m, viewer, fac, buf);
	if (viewer == 0)
		n += model_state_maps(m, buf) + model_state_sats(m, buf);
	return n;
}

/*
 * Rough size in bytes of model_state_write for a participant (the server
 * weighs it against a replay).  Over-estimates a little: every text counted
 * whole, every integer at its widest common form.
 */
size_t
model_state_size(const struct model *m)
{
	size_t	n = 320, i;

	n += strlen(m->banner) + strlen(m->timer.label);
#define MODEL_STATE_LEN_BOOL(v)		0
#define MODEL_STATE_LEN_NUM(v)		0
#define MODEL_STATE_LEN_TEXT(v)		strlen(v)
#define MODEL_STATE_LEN(member, key, bit, type, ...) \
	n += MODEL_STATE_LEN_##type(m->settings.member);
	PROTO_SETTINGS(MODEL_STATE_LEN)
#undef MODEL_STATE_LEN
	for (i = 0; i < m->ntables; i++)
		n += 32 + strlen(m->tables[i].question);
	for (i = 0; i < m->nparticipants; i++)
		n += 56 + strlen(m->participants[i].name);
	for (i = 0; i < m->ncards; i++)
		n += 64 + strlen(m->cards[i].text) +
		    strlen(m->cards[i].title) +
		    20 * m->cards[i].ncoauthors;
	/* The viewer's own votes: at most dots per table, 12 bytes a pair. */
	n += (size_t)m->settings.dots * m->ntables * 12;
	n += model_deliver_state_size(m);
	return n + model_day_state_size(m);
}

/* Rebuild from STATE records: an empty board first. */
void
model_state_begin(struct model *m)
{
	model_reset(m);
}

/* Replace an owned string with a copy of s ("" for NULL). */
static void
model_state_str(char **dst, const char *s)
{
	char	*n = xstrdup(s != NULL ? s : "");

	model_free_str(*dst);
	*dst = n;
}

/* Read the "board" record. */
static int
model_state_read_board(struct model *m, const struct proto_board_rec *b)
{
	size_t	len;

	if (b->phase >= PHASE_COUNT || b->follow_view >= FOLLOW_VIEW_COUNT)
		return -1;
	if (b->name != NULL && (len = strlen(b->name)) <= PROTO_BOARD_MAX &&
	    len > 0)
		memcpy(m->name, b->name, len + 1);
#define MODEL_STATE_GET_BOOL(dst, v)	((dst) = (v))
#define MODEL_STATE_GET_NUM(dst, v)	((dst) = (v))
#define MODEL_STATE_GET_TEXT(dst, v)	model_state_str(&(dst), (v))
#define MODEL_STATE_GET(member, key, bit, type, ...) \
	MODEL_STATE_GET_##type(m->settings.member, b->member);
	PROTO_SETTINGS(MODEL_STATE_GET)
#undef MODEL_STATE_GET
	m->phase = b->phase;
	m->round = b->round;
	model_state_str(&m->banner, b->banner);
	m->revealed = b->revealed;
	m->follow_view = b->follow_view;
	m->follow_table = b->follow_table;
	m->follow_seq = b->follow_seq;
	m->created_ms = b->created_ms;
	return 0;
}

/* Read a "card" record. */
static int
model_state_read_card(struct model *m, const struct proto_state *rec)
{
	struct model_card	*c;

	if ((c = model_insert_card(m, rec->id)) == NULL)
		return -1;
	c->table = rec->table;
	c->author = rec->author;
	c->parent = rec->parent;
	c->head = rec->head;
	model_state_str(&c->text, rec->text);
	model_state_str(&c->title, rec->title);
	c->votes = rec->votes;
	c->shown = rec->shown;
	c->kept = rec->kept;
	c->hidden = rec->hidden;
	c->edited = rec->edited;
	c->deleted = rec->deleted;
	c->created_ms = rec->created_ms;
	c->merged = rec->merged;
	model_set_coauthors(c, rec->pairs, rec->npairs);
	return 0;
}

/*
 * Apply one decoded record.  time_ms is when the records are true (a running
 * timer counts down from it).  Returns -1 for a record that cannot belong to
 * a sound board (id 0 or repeated, value out of range); unknown records are
 * ignored.
 */
int
model_state_read(struct model *m, const struct proto_state *rec,
    int64_t time_ms)
{
	struct model_participant	*p;
	struct model_table		*t;
	uint32_t			 i;

	switch (rec->what) {
	case STATE_BOARD:
		return model_state_read_board(m, &rec->board);
	case STATE_TABLE:
		if ((t = model_insert_table(m, rec->id)) == NULL)
			return -1;
		model_state_str(&t->question, rec->text);
		model_state_str(&t->theme, rec->title);
		t->created_ms = rec->created_ms;
		return 0;
	case STATE_PARTICIPANT:
		if (rec->id > UINT32_MAX || rec->role >= ROLE_COUNT)
			return -1;
		p = model_insert_participant(m, (uint32_t)rec->id,
		    rec->text != NULL ? rec->text : "");
		if (p == NULL)
			return -1;
		p->role = rec->role;
		p->table = rec->table;
		p->ready = rec->ready;
		memcpy(p->client, rec->client, PROTO_CLIENT_LEN);
		return 0;
	case STATE_CARD:
		return model_state_read_card(m, rec);
	case STATE_TIMER:
		m->timer.running = rec->running;
		m->timer.remaining_ms = rec->remaining_ms;
		/*
		 * A snapshot says when remaining_ms was true; otherwise it is
		 * true now.  A stopped clock has no moment (0), as when folded.
		 */
		m->timer.ref_ms = rec->created_ms != 0 ? rec->created_ms :
		    rec->running ? time_ms : 0;
		m->timer.ended = rec->ended;
		model_state_str(&m->timer.label, rec->text);
		return 0;
	case STATE_VOTES:
		if (rec->id == 0 || rec->id > UINT32_MAX)
			return -1;
		for (i = 0; i < rec->npairs; i++) {
			if (rec->pairs[i].a == 0 ||
			    rec->pairs[i].b > UINT32_MAX)
				return -1;
			model_set_votes(m, (uint32_t)rec->id,
			    rec->pairs[i].a, (uint32_t)rec->pairs[i].b);
		}
		return 0;
	case STATE_CLIENT:
		if (rec->id > UINT32_MAX ||
		    memcmp(rec->client, model_state_zero,
		    PROTO_CLIENT_LEN) == 0)
			return -1;
		model_set_client(m, rec->client, (uint32_t)rec->id,
		    rec->last_op);
		return 0;
	case STATE_MEET:
		if (rec->id == 0 || rec->id > UINT32_MAX || rec->author == 0)
			return -1;
		model_set_met(m, (uint32_t)rec->id, rec->author, rec->count);
		return 0;
	case STATE_SAT:
		if (rec->id == 0 || rec->id > UINT32_MAX)
			return -1;
		for (i = 0; i < rec->npairs; i++) {
			if (rec->pairs[i].a == 0 ||
			    rec->pairs[i].a > UINT32_MAX ||
			    rec->pairs[i].b == 0)
				return -1;
			model_set_sat(m, (uint32_t)rec->id,
			    (uint32_t)rec->pairs[i].a, rec->pairs[i].b);
		}
		return 0;
	case STATE_CANVAS:
	case STATE_TABLE_CANVAS:
	case STATE_DELIVERABLE:
	case STATE_EVAL:
	case STATE_SCORES:
	case STATE_MY_SCORES:
	case STATE_PITCH:
		return model_deliver_state_read(m, rec);
	}
	return model_day_state_read(m, rec);
}

/* Finish a rebuild: the head seq, and what the records imply. */
void
model_state_end(struct model *m, uint64_t head)
{
	m->head = head;
	model_rebuild(m);
}

/* The "timer" record as the clock stands at now_ms. */
void
model_state_timer(const struct model *m, int64_t now, struct proto_state *rec)
{
	memset(rec, 0, sizeof *rec);
	rec->what = STATE_TIMER;
	rec->running = m->timer.running;
	rec->remaining_ms = model_timer_remaining(m, now);
	rec->text = m->timer.label;
	rec->ended = m->timer.ended;
}
