/*
 * model-deliver-state.c -- the deliverables as STATE records, and back
 * (ext, issue 15; the records are in cafeboard-protocol(5)).
 *
 * As model-state.c: arrays in id order, the private maps sorted, so the
 * same board writes the same bytes.  Participants receive the totals of an
 * evaluation only once it is closed, and only their own scores ever;
 * facilitators the totals and nobody's scores; a snapshot everything.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "model-impl.h"
#include "proto.h"
#include "xmalloc.h"

/* At most this many triples in one "scores" record (under a frame). */
#define MODEL_SCORES_REC_MAX	4000

/* Append one record; a record that cannot fit a frame is a bug. */
static size_t
model_deliver_emit(struct proto_buf *buf, const struct proto_state *rec)
{
	if (proto_enc_state(buf, rec) == 0)
		fatalx("model: STATE record %u does not fit a frame",
		    (unsigned)rec->what);
	return 1;
}

/* The "scores" records: every total above zero. */
static size_t
model_deliver_totals(const struct model *m, struct proto_buf *buf)
{
	struct proto_state	 rec;
	struct proto_triple	*t;
	const struct model_card	*c;
	size_t			 i, n = 0, count = 0;
	uint32_t		 k;

	t = xreallocarray(NULL, MODEL_SCORES_REC_MAX, sizeof *t);
	for (i = 0; i <= m->ncards; i++) {
		if (n == MODEL_SCORES_REC_MAX || (i == m->ncards && n > 0)) {
			memset(&rec, 0, sizeof rec);
			rec.what = STATE_SCORES;
			rec.triples = t;
			rec.ntriples = (uint32_t)n;
			count += model_deliver_emit(buf, &rec);
			n = 0;
		}
		if (i == m->ncards)
			break;
		c = &m->cards[i];
		for (k = 0; k < m->ncriteria && !c->deleted; k++) {
			if (c->score[k] == 0)
				continue;
			if (n == MODEL_SCORES_REC_MAX) {
				memset(&rec, 0, sizeof rec);
				rec.what = STATE_SCORES;
				rec.triples = t;
				rec.ntriples = (uint32_t)n;
				count += model_deliver_emit(buf, &rec);
				n = 0;
			}
			t[n].a = c->id;
			t[n].b = k;
			t[n].c = c->score[k];
			n++;
		}
	}
	free(t);
	return count;
}

/* The "my_scores" records of one participant, from r[0..n). */
static size_t
model_deliver_mine(struct proto_buf *buf, const struct model_score_rec *r,
    size_t n)
{
	struct proto_state	 rec;
	struct proto_triple	*t;
	size_t			 i, k, count = 0;

	t = xreallocarray(NULL, n + 1, sizeof *t);
	for (i = 0; i < n; i += k) {
		for (k = 0; k < MODEL_SCORES_REC_MAX && i + k < n; k++) {
			t[k].a = r[i + k].card;
			t[k].b = r[i + k].criterion;
			t[k].c = r[i + k].value;
		}
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_MY_SCORES;
		rec.id = r[i].participant;
		rec.triples = t;
		rec.ntriples = (uint32_t)k;
		count += model_deliver_emit(buf, &rec);
	}
	free(t);
	return count;
}

/*
 * The deliverables' records for viewer (0: a snapshot, everything; fac: a
 * facilitator's eyes): canvases, tables' canvases, cards' sections and
 * actions, the evaluation, totals (hidden from participants while it is
 * open), the viewer's own scores, the pitch.
 */
size_t
model_deliver_state_write(const struct model *m, uint32_t viewer, bool fac,
    struct proto_buf *buf)
{
	struct model_score_rec		*r = NULL;
	struct proto_section		*secs;
	const struct model_canvas	*cv;
	const struct model_card		*c;
	struct proto_state		 rec;
	size_t				 i, j, n = 0, nr;
	uint32_t			 k;

	for (i = 0; i < m->ncanvases; i++) {
		cv = &m->canvases[i];
		secs = xcalloc(cv->nsections + 1, sizeof *secs);
		for (k = 0; k < cv->nsections; k++) {
			secs[k].name = cv->sections[k].name;
			secs[k].hint = cv->sections[k].hint;
			secs[k].limit = cv->sections[k].limit;
			secs[k].kind = cv->sections[k].kind;
		}
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_CANVAS;
		rec.id = cv->id;
		rec.text = cv->name;
		rec.sections = secs;
		rec.nsections = cv->nsections;
		n += model_deliver_emit(buf, &rec);
		free(secs);
	}
	for (i = 0; i < m->ntables; i++) {
		if (m->tables[i].canvas == 0)
			continue;
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_TABLE_CANVAS;
		rec.id = m->tables[i].id;
		rec.canvas = m->tables[i].canvas;
		n += model_deliver_emit(buf, &rec);
	}
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (c->deleted || (c->section == 0 && *model_str(c->owner) ==
		    '\0' && *model_str(c->due) == '\0'))
			continue;
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_DELIVERABLE;
		rec.id = c->id;
		rec.section = c->section;
		rec.owner = c->owner;
		rec.due = c->due;
		n += model_deliver_emit(buf, &rec);
	}
	if (m->ncriteria > 0 || m->eval_open) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_EVAL;
		rec.open = m->eval_open;
		for (k = 0; k < m->ncriteria; k++)
			rec.labels[k] = m->criteria[k];
		rec.nlabels = m->ncriteria;
		n += model_deliver_emit(buf, &rec);
	}
	if (fac || !m->eval_open)
		n += model_deliver_totals(m, buf);
	nr = viewer == MODEL_OBSERVER ? 0 : model_scores_list(m, viewer, &r);
	for (i = 0; i < nr; i = j) {
		for (j = i; j < nr && r[j].participant == r[i].participant; j++)
			/* nothing */;
		n += model_deliver_mine(buf, &r[i], j - i);
	}
	free(r);
	if (m->pitch_table != 0) {
		memset(&rec, 0, sizeof rec);
		rec.what = STATE_PITCH;
		rec.table = m->pitch_table;
		n += model_deliver_emit(buf, &rec);
	}
	return n;
}

/* Read a "canvas" record. */
static int
model_deliver_read_canvas(struct model *m, const struct proto_state *rec)
{
	struct proto_event	ev;

	if (rec->id == 0 || model_canvas(m, rec->id) != NULL ||
	    (m->ncanvases > 0 && m->canvases[m->ncanvases - 1].id > rec->id))
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.seq = rec->id;
	ev.op.kind = OP_CANVAS_ADD;
	ev.op.text = rec->text;
	ev.op.sections = rec->sections;
	ev.op.nsections = rec->nsections;
	model_deliver_canvas(m, &ev);
	return 0;
}

/* Read one of the deliverables' records; -1 if it cannot be sound. */
int
model_deliver_state_read(struct model *m, const struct proto_state *rec)
{
	struct model_table	*t;
	struct model_card	*c;
	uint32_t		 i;

	switch (rec->what) {
	case STATE_CANVAS:
		return model_deliver_read_canvas(m, rec);
	case STATE_TABLE_CANVAS:
		if ((t = model_table(m, rec->id)) == NULL ||
		    model_canvas(m, rec->canvas) == NULL)
			return -1;
		t->canvas = rec->canvas;
		return 0;
	case STATE_DELIVERABLE:
		if ((c = model_card(m, rec->id)) == NULL)
			return -1;
		c->section = rec->section;
		model_set_str(&c->owner, rec->owner);
		model_set_str(&c->due, rec->due);
		return 0;
	case STATE_EVAL:
		for (i = 0; i < m->ncriteria; i++)
			free(m->criteria[i]);
		memset(m->criteria, 0, sizeof m->criteria);
		m->ncriteria = 0;
		for (i = 0; i < rec->nlabels && i < PROTO_CRITERIA_MAX; i++)
			m->criteria[m->ncriteria++] =
			    xstrdup(model_str(rec->labels[i]));
		m->eval_open = rec->open;
		return 0;
	case STATE_SCORES:
		for (i = 0; i < rec->ntriples; i++) {
			if (rec->triples[i].b >= PROTO_CRITERIA_MAX ||
			    rec->triples[i].c > UINT32_MAX ||
			    (c = model_card(m, rec->triples[i].a)) == NULL)
				return -1;
			c->score[rec->triples[i].b] =
			    (uint32_t)rec->triples[i].c;
		}
		return 0;
	case STATE_MY_SCORES:
		if (rec->id == 0 || rec->id > UINT32_MAX)
			return -1;
		for (i = 0; i < rec->ntriples; i++) {
			if (rec->triples[i].a == 0 ||
			    rec->triples[i].b >= PROTO_CRITERIA_MAX ||
			    rec->triples[i].c >= UINT32_MAX)
				return -1;
			pairmap_set(&m->priv->scores, rec->triples[i].a,
			    model_score_key((uint32_t)rec->id,
			    (uint32_t)rec->triples[i].b),
			    rec->triples[i].c + 1);
		}
		return 0;
	case STATE_PITCH:
		if (model_table(m, rec->table) == NULL)
			return -1;
		m->pitch_table = rec->table;
		return 0;
	}
	return 0;
}

/* Rough size in bytes of the deliverables' records. */
size_t
model_deliver_state_size(const struct model *m)
{
	size_t		n = 0, i;
	uint32_t	k;

	for (i = 0; i < m->ncanvases; i++) {
		n += 24 + strlen(m->canvases[i].name);
		for (k = 0; k < m->canvases[i].nsections; k++)
			n += 16 + strlen(m->canvases[i].sections[k].name) +
			    strlen(m->canvases[i].sections[k].hint);
	}
	n += m->ntables * 16;
	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].section != 0 || m->cards[i].scored ||
		    *model_str(m->cards[i].owner) != '\0')
			n += 40 + strlen(model_str(m->cards[i].owner)) +
			    (size_t)m->ncriteria * 12;
	}
	for (k = 0; k < m->ncriteria; k++)
		n += 2 + strlen(m->criteria[k]);
	return n;
}
