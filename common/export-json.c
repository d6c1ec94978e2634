/*
 * export-json.c -- the JSON export, the whole board.
 *
 * JSON (RFC 8259, UTF-8, two-space indentation, keys in this order).
 *   Control characters, U+007F-U+009F, U+2028, U+2029 and bidi controls are
 *   written as \u escapes; invalid UTF-8 (there should be none) as U+FFFD.
 *   format        "cafeboard"
 *   version       1 (this layout; new keys may be added, never renamed)
 *   board.name    the board's name ([a-z0-9][a-z0-9_-]*)
 *   board.title   its title
 *   board.phase   "welcome" "ideas" "group" "vote" "harvest" "closed"
 *   board.round   the current round, from 1
 *   board.created_at   the time of its first event, ISO 8601 UTC
 *   board.settings     dots (per person and question), multi_vote (several
 *                 dots on one card), blind (tallies hidden while voting),
 *                 private (private writing), anonymous, freeze_at_zero (no
 *                 new cards when the timer ends), locked (participants may
 *                 not write), keep (ideas to keep per question)
 *                 live_polls (poll answers shown, never who, before the
 *                 poll closes), hosts_stay (hosts keep their table when
 *                 groups are formed)
 *   participants[]     everyone who joined, in id order: id, name, role
 *                 ("participant" "host" "facilitator"), table (where they
 *                 sit now, null when standing), label (the label they
 *                 picked, or null), team (their team's table, or null)
 *   tables[]      in creation order: id, theme ("" for none; a label's
 *                 table: the label), question, kind ("question", or a
 *                 group's: "pair" "team" "label"), number (a group's, from
 *                 1, or null), cards[] (live cards in id order):
 *     id            the card's id
 *     parent        the id of the card it builds on (nearest live one), or
 *                   null
 *     cluster_head  the id of its cluster's head (its own id for a head),
 *                   or null
 *     cluster_title the cluster's title ("" when untitled), null when in no
 *                   cluster
 *     text          its text ("" when private to someone else)
 *     author_id     the author's participant id; null when anonymous or
 *                   unknown
 *     author        the author's first name; null likewise
 *     coauthors     (only when there are some to show) the authors of the
 *                   duplicates merged into it: [{"id", "name"}], unless
 *                   the board is anonymous
 *     merged        (only when some were) the cards merged into it, in id
 *                   order: [{"id", "text", "author"}] (author null when
 *                   anonymous or unknown)
 *     votes         dots on it
 *     reactions     {"plus", "question", "important"}: how many put "+1",
 *                   "?", "!" on it (not votes)
 *     kept          true when kept at the harvest
 *     edited        true when changed after it was written
 *     created_at    ISO 8601 UTC, to the second
 *     (ext, deliverables)
 *     section       its section in its table's canvas, from 1, or null
 *     section_name  that section's name, or null
 *     owner         an action's owner, or null
 *     due           an action's due day "YYYY-MM-DD", or null
 *     scores        its totals, one per criterion of evaluation.criteria
 *                   (empty without criteria)
 *     score_total   their sum
 *   tables[].canvas     (ext) the id of the table's canvas, or null
 *   canvases[]    (ext) in id order: id, name, sections[] (name, hint ("" for
 *                 none), limit (most live cards per table, 0 for none),
 *                 kind: "ideas", "actions" (a roadmap) or "feedback" (what
 *                 the other teams write at a pitch))
 *   evaluation    (ext) criteria[] (labels, in order), open (scores are
 *                 still hidden from participants), eval_dots (0: each
 *                 person gives 0 to 3; N: N dots per criterion and
 *                 question), pitch_table (the team presenting, or null)
 *   steps[]       the run sheet, in order: index (from 1), title, phase
 *                 (the phase it puts the board in, or null), duration
 *                 (seconds, or null), banner (or null), follow ("none",
 *                 "results", or null), action ("none" "rotate" "pairs"
 *                 "teams" "labels" "merge" "poll"), size (or null),
 *                 question (or null), choices[], started_at (the moment
 *                 it first started, or null), ended_at (the moment it last
 *                 ended, null while it runs or before it ran), current
 *   polls[]       in the order they opened: id, question, kind ("choice"
 *                 or "word"), choices[], closed, opened_at, closed_at (or
 *                 null), results (once closed: [{answer, count}], most
 *                 frequent first; null while open)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-impl.h"
#include "xmalloc.h"

/* True for a code point written as a \u escape. */
static bool
export_json_escaped(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/* Append a JSON string (quotes included); NULL is null. */
static void
export_json_str(struct export_buf *b, const char *s)
{
	size_t		i, n, len;
	uint32_t	cp;

	if (s == NULL) {
		export_puts(b, "null");
		return;
	}
	len = strlen(s);
	export_putc(b, '"');
	for (i = 0; i < len; i += n) {
		n = export_next(s + i, len - i, &cp);
		switch (cp) {
		case '"':
			export_puts(b, "\\\"");
			continue;
		case '\\':
			export_puts(b, "\\\\");
			continue;
		case '\b':
			export_puts(b, "\\b");
			continue;
		case '\f':
			export_puts(b, "\\f");
			continue;
		case '\n':
			export_puts(b, "\\n");
			continue;
		case '\r':
			export_puts(b, "\\r");
			continue;
		case '\t':
			export_puts(b, "\\t");
			continue;
		}
		if (export_json_escaped(cp))
			export_printf(b, "\\u%04x", (unsigned)cp);
		else
			export_cp(b, cp);
	}
	export_putc(b, '"');
}

/* Append an id, or null for 0. */
static void
export_json_id(struct export_buf *b, uint64_t id)
{
	if (id == 0)
		export_puts(b, "null");
	else
		export_printf(b, "%llu", (unsigned long long)id);
}

/* Append a key at indent: `  "key": `. */
static void
export_json_key(struct export_buf *b, size_t indent, const char *key)
{
	export_indent(b, indent);
	export_printf(b, "\"%s\": ", key);
}

/* Append a time as a JSON string. */
static void
export_json_time(struct export_buf *b, int64_t ms)
{
	export_putc(b, '"');
	export_time(b, ms, false);
	export_putc(b, '"');
}

/* Append a boolean and the separator that follows it. */
static void
export_json_bool(struct export_buf *b, bool v, const char *sep)
{
	export_puts(b, v ? "true" : "false");
	export_puts(b, sep);
}

/* A setting's value in b, by its type. */
#define EXPORT_JSON_BOOL(v)	export_puts(b, (v) ? "true" : "false")
#define EXPORT_JSON_NUM(v)	export_printf(b, "%u", (unsigned)(v))
#define EXPORT_JSON_TEXT(v)	export_json_str(b, (v))

/* The board object: its settings are those proto.h marks json. */
static void
export_json_board(struct export_ctx *x)
{
	const struct model		*m = x->m;
	const struct model_settings	*s = &m->settings;
	struct export_buf		*b = &x->b;
	const char			*phase = proto_phase_name(m->phase);
	const char			*sep = "\n";

	export_puts(b, "  \"board\": {\n");
	export_json_key(b, 4, "name");
	export_json_str(b, m->name);
	export_puts(b, ",\n");
	export_json_key(b, 4, "title");
	export_json_str(b, s->title != NULL ? s->title : m->name);
	export_puts(b, ",\n");
	export_json_key(b, 4, "phase");
	export_json_str(b, phase != NULL ? phase : "");
	export_puts(b, ",\n");
	export_json_key(b, 4, "round");
	export_printf(b, "%u,\n", (unsigned)m->round);
	export_json_key(b, 4, "created_at");
	export_json_time(b, m->created_ms);
	export_puts(b, ",\n    \"settings\": {");
#define EXPORT_JSON_SETTING(member, key, bit, type, min, max, def, json, \
    ...) \
	if (json) { \
		export_puts(b, sep); \
		export_json_key(b, 6, key); \
		EXPORT_JSON_##type(s->member); \
		sep = ",\n"; \
	}
	PROTO_SETTINGS(EXPORT_JSON_SETTING)
#undef EXPORT_JSON_SETTING
	export_puts(b, "\n    }\n  },\n");
}

/* The participants array. */
static void
export_json_participants(struct export_ctx *x)
{
	const struct model		*m = x->m;
	const struct model_participant	*p;
	struct export_buf		*b = &x->b;
	const char			*role;
	size_t				 i;

	if (m->nparticipants == 0) {
		export_puts(b, "  \"participants\": [],\n");
		return;
	}
	export_puts(b, "  \"participants\": [\n");
	for (i = 0; i < m->nparticipants; i++) {
		p = &m->participants[i];
		role = proto_role_name(p->role);
		export_puts(b, "    {\n");
		export_json_key(b, 6, "id");
		export_printf(b, "%u,\n", (unsigned)p->id);
		export_json_key(b, 6, "name");
		export_json_str(b, p->name);
		export_puts(b, ",\n");
		export_json_key(b, 6, "role");
		export_json_str(b, role != NULL ? role : "");
		export_puts(b, ",\n");
		export_json_key(b, 6, "table");
		export_json_id(b, p->table);
		export_puts(b, ",\n");
		export_json_key(b, 6, "label");
		export_json_str(b, model_label_of(m, p));
		export_puts(b, ",\n");
		export_json_key(b, 6, "team");
		export_json_id(b, p->team);
		export_puts(b, i + 1 < m->nparticipants ? "\n    },\n" :
		    "\n    }\n");
	}
	export_puts(b, "  ],\n");
}

/* A card merged into a live one (perhaps through others merged since). */
struct export_json_merge {
	uint64_t		 into;
	const struct model_card	*c;
};

/* Order merged cards by the live card they went into, then id. */
static int
export_json_merge_cmp(const void *a, const void *b)
{
	const struct export_json_merge	*x = a, *y = b;

	if (x->into != y->into)
		return x->into < y->into ? -1 : 1;
	return x->c->id < y->c->id ? -1 : x->c->id > y->c->id;
}

/* Every merged card with the live card it ended in, sorted; how many. */
static size_t
export_json_merges(const struct model *m, struct export_json_merge **out)
{
	struct export_json_merge	*v;
	const struct model_card		*t;
	size_t				 i, n = 0, steps;

	v = xreallocarray(NULL, m->ncards + 1, sizeof *v);
	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].merged == 0)
			continue;
		t = model_card(m, m->cards[i].merged);
		for (steps = 0; t != NULL && t->deleted && t->merged != 0 &&
		    steps < m->ncards; steps++)
			t = model_card(m, t->merged);
		if (t == NULL || t->deleted)
			continue;	/* deleted since: gone with it */
		v[n].into = t->id;
		v[n].c = &m->cards[i];
		n++;
	}
	qsort(v, n, sizeof *v, export_json_merge_cmp);
	*out = v;
	return n;
}

/* The "coauthors" and "merged" keys of card c, when it has any. */
static void
export_json_merged(struct export_ctx *x, const struct model_card *c,
    const struct export_json_merge *mv, size_t nm)
{
	struct export_buf		*b = &x->b;
	const struct model_participant	*p;
	size_t				 i, lo = 0, hi = nm, shown = 0;

	for (i = 0; i < c->ncoauthors && !x->anonymous; i++) {
		if (c->coauthors[i].a > UINT32_MAX || (p = model_participant(
		    x->m, (uint32_t)c->coauthors[i].a)) == NULL)
			continue;
		if (shown++ == 0) {
			export_json_key(b, 10, "coauthors");
			export_puts(b, "[\n");
		} else
			export_puts(b, ",\n");
		export_printf(b, "            {\"id\": %u, \"name\": ",
		    (unsigned)p->id);
		export_json_str(b, p->name);
		export_putc(b, '}');
	}
	if (shown > 0)
		export_puts(b, "\n          ],\n");
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (mv[i].into < c->id)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo, shown = 0; i < nm && mv[i].into == c->id; i++) {
		export_puts(b, shown++ == 0 ? "          \"merged\": [\n" :
		    ",\n");
		export_printf(b, "            {\"id\": %llu, \"text\": ",
		    (unsigned long long)mv[i].c->id);
		export_json_str(b, mv[i].c->text != NULL ? mv[i].c->text : "");
		export_puts(b, ", \"author\": ");
		export_json_str(b, export_author(x, mv[i].c));
		export_putc(b, '}');
	}
	if (shown > 0)
		export_puts(b, "\n          ],\n");
}

/* ext: a card's section, owner, due day and scores. */
static void
export_json_deliver(struct export_ctx *x, const struct export_card *e)
{
	struct export_buf		*b = &x->b;
	const struct model_card		*c = e->c;
	const struct model_section	*s;
	uint32_t			 k;

	s = model_section(x->m, c->table, c->section);
	export_puts(b, ",\n");
	export_json_key(b, 10, "section");
	export_json_id(b, s != NULL ? c->section : 0);
	export_puts(b, ",\n");
	export_json_key(b, 10, "section_name");
	export_json_str(b, s != NULL ? s->name : NULL);
	export_puts(b, ",\n");
	export_json_key(b, 10, "owner");
	export_json_str(b, c->owner != NULL && c->owner[0] != '\0' ?
	    c->owner : NULL);
	export_puts(b, ",\n");
	export_json_key(b, 10, "due");
	export_json_str(b, c->due != NULL && c->due[0] != '\0' ? c->due :
	    NULL);
	export_puts(b, ",\n");
	export_json_key(b, 10, "scores");
	export_putc(b, '[');
	for (k = 0; k < x->m->ncriteria; k++)
		export_printf(b, "%s%u", k > 0 ? ", " : "",
		    (unsigned)c->score[k]);
	export_puts(b, "],\n");
	export_json_key(b, 10, "score_total");
	export_printf(b, "%llu", (unsigned long long)model_score_sum(x->m, c));
}

/* One card object. */
static void
export_json_card(struct export_ctx *x, const struct export_card *e,
    const struct export_json_merge *mv, size_t nm, bool last)
{
	struct export_buf	*b = &x->b;
	const struct model_card	*c = e->c;
	const char		*who = export_author(x, c);

	export_puts(b, "        {\n");
	export_json_key(b, 10, "id");
	export_json_id(b, c->id);
	export_puts(b, ",\n");
	export_json_key(b, 10, "parent");
	export_json_id(b, e->parent);
	export_puts(b, ",\n");
	export_json_key(b, 10, "cluster_head");
	export_json_id(b, e->cluster);
	export_puts(b, ",\n");
	export_json_key(b, 10, "cluster_title");
	export_json_str(b, e->cluster != 0 ? e->ctitle : NULL);
	export_puts(b, ",\n");
	export_json_key(b, 10, "text");
	export_json_str(b, c->text != NULL ? c->text : "");
	export_puts(b, ",\n");
	export_json_key(b, 10, "author_id");
	if (x->anonymous || c->author == 0)
		export_puts(b, "null");
	else
		export_printf(b, "%u", (unsigned)c->author);
	export_puts(b, ",\n");
	export_json_key(b, 10, "author");
	export_json_str(b, who);
	export_puts(b, ",\n");
	export_json_merged(x, c, mv, nm);
	export_json_key(b, 10, "votes");
	export_printf(b, "%u,\n", (unsigned)c->votes);
	export_json_key(b, 10, "reactions");
	export_printf(b, "{\"plus\": %u, \"question\": %u, \"important\": "
	    "%u},\n", (unsigned)c->reactions[0], (unsigned)c->reactions[1],
	    (unsigned)c->reactions[2]);
	export_json_key(b, 10, "kept");
	export_json_bool(b, c->kept, ",\n");
	export_json_key(b, 10, "edited");
	export_json_bool(b, c->edited, ",\n");
	export_json_key(b, 10, "created_at");
	export_json_time(b, c->created_ms);
	export_json_deliver(x, e);
	export_puts(b, last ? "\n        }\n" : "\n        },\n");
}

/* The tables array with their cards. */
static void
export_json_tables(struct export_ctx *x)
{
	const struct model		*m = x->m;
	struct export_buf		*b = &x->b;
	struct export_table		 et;
	struct export_json_merge	*mv;
	size_t				 i, j, nm;

	if (m->ntables == 0) {
		export_puts(b, "  \"tables\": [],\n");
		return;
	}
	nm = export_json_merges(m, &mv);
	export_puts(b, "  \"tables\": [\n");
	for (i = 0; i < m->ntables; i++) {
		export_table_load(m, &m->tables[i], &et);
		export_puts(b, "    {\n");
		export_json_key(b, 6, "id");
		export_json_id(b, et.t->id);
		export_puts(b, ",\n");
		export_json_key(b, 6, "theme");
		export_json_str(b, export_theme(et.t));
		export_puts(b, ",\n");
		export_json_key(b, 6, "question");
		export_json_str(b, et.t->question);
		export_puts(b, ",\n");
		export_json_key(b, 6, "kind");
		export_json_str(b, proto_table_kind_name(et.t->kind));
		export_puts(b, ",\n");
		export_json_key(b, 6, "number");
		if (et.t->kind == TABLE_QUESTION)
			export_puts(b, "null,\n");
		else
			export_printf(b, "%u,\n", (unsigned)et.t->number);
		export_json_key(b, 6, "canvas");
		export_json_id(b, et.t->canvas);
		export_puts(b, ",\n");
		export_json_key(b, 6, "cards");
		if (et.n == 0)
			export_puts(b, "[]\n");
		else {
			export_puts(b, "[\n");
			for (j = 0; j < et.n; j++)
				export_json_card(x, &et.cards[j], mv, nm,
				    j + 1 == et.n);
			export_puts(b, "      ]\n");
		}
		export_puts(b, i + 1 < m->ntables ? "    },\n" : "    }\n");
		export_table_free(&et);
	}
	export_puts(b, "  ],\n");
	free(mv);
}

/* A JSON array of strings on one line. */
static void
export_json_strs(struct export_buf *b, char *const *strs, uint32_t n)
{
	uint32_t	i;

	export_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			export_puts(b, ", ");
		export_json_str(b, strs[i]);
	}
	export_putc(b, ']');
}

/* A time, or null for 0 (never). */
static void
export_json_when(struct export_buf *b, int64_t ms)
{
	if (ms == 0)
		export_puts(b, "null");
	else
		export_json_time(b, ms);
}

/* The run sheet. */
static void
export_json_steps(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct proto_step	*st;
	struct export_buf	*b = &x->b;
	size_t			 i;

	if (m->nsteps == 0) {
		export_puts(b, "  \"steps\": [],\n");
		return;
	}
	export_puts(b, "  \"steps\": [\n");
	for (i = 0; i < m->nsteps; i++) {
		st = &m->steps[i].def;
		export_puts(b, "    {\n");
		export_json_key(b, 6, "index");
		export_printf(b, "%zu,\n", i + 1);
		export_json_key(b, 6, "title");
		export_json_str(b, st->title);
		export_puts(b, ",\n");
		export_json_key(b, 6, "phase");
		export_json_str(b, st->has & STEP_PHASE ?
		    proto_phase_name(st->phase) : NULL);
		export_puts(b, ",\n");
		export_json_key(b, 6, "duration");
		if (st->has & STEP_DURATION)
			export_printf(b, "%u,\n", (unsigned)st->duration);
		else
			export_puts(b, "null,\n");
		export_json_key(b, 6, "banner");
		export_json_str(b, st->has & STEP_BANNER ? st->banner : NULL);
		export_puts(b, ",\n");
		export_json_key(b, 6, "follow");
		export_json_str(b, st->has & STEP_FOLLOW ?
		    proto_view_name(st->follow) : NULL);
		export_puts(b, ",\n");
		export_json_key(b, 6, "action");
		export_json_str(b, proto_step_action_name(st->has &
		    STEP_ACTION ? st->action : ACTION_NONE));
		export_puts(b, ",\n");
		export_json_key(b, 6, "size");
		if (st->has & STEP_SIZE)
			export_printf(b, "%u,\n", (unsigned)st->size);
		else
			export_puts(b, "null,\n");
		export_json_key(b, 6, "question");
		export_json_str(b, st->has & STEP_QUESTION ? st->question :
		    NULL);
		export_puts(b, ",\n");
		export_json_key(b, 6, "choices");
		export_json_strs(b, st->choices, st->nchoices);
		export_puts(b, ",\n");
		export_json_key(b, 6, "started_at");
		export_json_when(b, m->steps[i].started_ms);
		export_puts(b, ",\n");
		export_json_key(b, 6, "ended_at");
		export_json_when(b, m->steps[i].ended_ms);
		export_puts(b, ",\n");
		export_json_key(b, 6, "current");
		export_json_bool(b, m->step == i + 1, "\n");
		export_puts(b, i + 1 < m->nsteps ? "    },\n" : "    }\n");
	}
	export_puts(b, "  ],\n");
}

/* The polls, with their results once closed. */
static void
export_json_polls(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct model_poll	*p;
	struct export_buf	*b = &x->b;
	size_t			 i;
	uint32_t		 k;

	if (m->npolls == 0) {
		export_puts(b, "  \"polls\": [],\n");
		return;
	}
	export_puts(b, "  \"polls\": [\n");
	for (i = 0; i < m->npolls; i++) {
		p = &m->polls[i];
		export_puts(b, "    {\n");
		export_json_key(b, 6, "id");
		export_json_id(b, p->id);
		export_puts(b, ",\n");
		export_json_key(b, 6, "question");
		export_json_str(b, p->question);
		export_puts(b, ",\n");
		export_json_key(b, 6, "kind");
		export_json_str(b, p->nchoices != 0 ? "choice" : "word");
		export_puts(b, ",\n");
		export_json_key(b, 6, "choices");
		export_json_strs(b, p->choices, p->nchoices);
		export_puts(b, ",\n");
		export_json_key(b, 6, "closed");
		export_json_bool(b, p->closed, ",\n");
		export_json_key(b, 6, "opened_at");
		export_json_when(b, p->opened_ms);
		export_puts(b, ",\n");
		export_json_key(b, 6, "closed_at");
		export_json_when(b, p->closed ? p->closed_ms : 0);
		export_puts(b, ",\n");
		export_json_key(b, 6, "results");
		if (!p->closed)
			export_puts(b, "null\n");
		else if (p->ncounts == 0)
			export_puts(b, "[]\n");
		else {
			export_puts(b, "[\n");
			for (k = 0; k < p->ncounts; k++) {
				export_puts(b, "        {\"answer\": ");
				export_json_str(b, p->counts[k].text);
				export_printf(b, ", \"count\": %u}%s\n",
				    (unsigned)p->counts[k].n,
				    k + 1 < p->ncounts ? "," : "");
			}
			export_puts(b, "      ]\n");
		}
		export_puts(b, i + 1 < m->npolls ? "    },\n" : "    }\n");
	}
	export_puts(b, "  ],\n");
}

/* ext: the canvases and the evaluation. */
static void
export_json_deliver_board(struct export_ctx *x)
{
	const struct model		*m = x->m;
	const struct model_canvas	*cv;
	const struct model_section	*s;
	struct export_buf		*b = &x->b;
	size_t				 i;
	uint32_t			 k;

	export_puts(b, m->ncanvases == 0 ? "  \"canvases\": [],\n" :
	    "  \"canvases\": [\n");
	for (i = 0; i < m->ncanvases; i++) {
		cv = &m->canvases[i];
		export_puts(b, "    {\n");
		export_json_key(b, 6, "id");
		export_json_id(b, cv->id);
		export_puts(b, ",\n");
		export_json_key(b, 6, "name");
		export_json_str(b, cv->name);
		export_puts(b, ",\n");
		export_json_key(b, 6, "sections");
		export_puts(b, "[\n");
		for (k = 0; k < cv->nsections; k++) {
			s = &cv->sections[k];
			export_puts(b, "        {\n");
			export_json_key(b, 10, "name");
			export_json_str(b, s->name);
			export_puts(b, ",\n");
			export_json_key(b, 10, "hint");
			export_json_str(b, s->hint);
			export_puts(b, ",\n");
			export_json_key(b, 10, "limit");
			export_printf(b, "%u,\n", (unsigned)s->limit);
			export_json_key(b, 10, "kind");
			export_json_str(b, proto_section_kind_name(s->kind));
			export_puts(b, k + 1 < cv->nsections ?
			    "\n        },\n" : "\n        }\n");
		}
		export_puts(b, "      ]\n");
		export_puts(b, i + 1 < m->ncanvases ? "    },\n" : "    }\n");
	}
	if (m->ncanvases > 0)
		export_puts(b, "  ],\n");
	export_puts(b, "  \"evaluation\": {\n");
	export_json_key(b, 4, "criteria");
	export_putc(b, '[');
	for (k = 0; k < m->ncriteria; k++) {
		if (k > 0)
			export_puts(b, ", ");
		export_json_str(b, m->criteria[k]);
	}
	export_puts(b, "],\n");
	export_json_key(b, 4, "open");
	export_json_bool(b, m->eval_open, ",\n");
	export_json_key(b, 4, "eval_dots");
	export_printf(b, "%u,\n", (unsigned)m->settings.eval_dots);
	export_json_key(b, 4, "pitch_table");
	export_json_id(b, m->pitch_table);
	export_puts(b, "\n  }\n");
}

/* The whole board as JSON. */
void
export_json(struct export_ctx *x)
{
	export_puts(&x->b, "{\n  \"format\": \"cafeboard\",\n"
	    "  \"version\": 1,\n");
	export_json_board(x);
	export_json_participants(x);
	export_json_tables(x);
	export_json_steps(x);
	export_json_polls(x);
	export_json_deliver_board(x);
	export_puts(&x->b, "}\n");
}
