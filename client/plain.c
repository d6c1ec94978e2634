/*
 * plain.c -- cafeboard --plain: one libevent loop for the terminal and the
 * network, with no curses at all.
 *
 * The terminal stays in canonical mode: the kernel reads and edits the
 * line (IUTF8: a backspace takes a whole character), echoes it, and hands
 * it over at Enter; Tab also ends a read (VEOL), which is how completion
 * works without taking the line away from the kernel.  Screen readers and
 * braille displays follow such a terminal best.
 *
 * Output is whole lines of text: every line passes text_sanitize, so
 * nothing from another participant and nothing of ours reaches the
 * terminal as a control sequence.  Each event is said once, as it comes;
 * the events of a catch-up after a drop are said after "Connected again.",
 * so that what was missed reads in order.  The countdown speaks at its
 * milestones only, presence is coalesced, and a server restart that brings
 * everyone back is not news.
 */
#include <sys/ioctl.h>

#include <event2/event.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "boardfile.h"
#include "i18n.h"
#include "log.h"
#include "plain.h"
#include "text.h"
#include "ui.h"
#include "xmalloc.h"

/* A line longer than this is dropped (a card holds 500 characters). */
#define PLAIN_LINE_MAX		8192
/* Comings and goings within this are said in one line. */
#define PLAIN_PRESENCE_MS	1500
/* After a drop, people who were here come back silently within this. */
#define PLAIN_GRACE_MS		10000
/* A countdown milestone is said only if it was this far off when set. */
#define PLAIN_MILESTONE_LEAD_MS	5000
/* The board name offered when none is given (as the join screen does). */
#define PLAIN_BOARD		"cafe"

/* The milestones of the countdown, in ms left, largest first. */
static const uint64_t plain_milestones[] = { 300000, 60000 };

/* The client being run, for the fatal hook (which takes no argument). */
static struct plain *plain_running;

static void	plain_presence_arm(struct plain *, int64_t);

/* ---------------------------------------------------------------- output */

/* Write bytes to the terminal, whole; a terminal that is gone ends us. */
static void
plain_write(struct plain *p, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(STDOUT_FILENO, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->quit = true;
			if (p->base != NULL)
				event_base_loopbreak(p->base);
			return;
		}
		p->bytes += (uint64_t)n;
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Put one sanitised line on the terminal, on a line of its own, in one
 * write: a reader never sees a sentence without its end of line.
 */
static void
plain_emit(struct plain *p, const char *line)
{
	char	*buf;
	int	 n;

	n = xasprintf(&buf, "%s%s\n", p->col0 ? "" : "\n", line);
	plain_write(p, buf, (size_t)n);
	free(buf);
	p->col0 = true;
}

/* The line fmt makes, sanitised: nothing in it can control a terminal. */
static char *
plain_format(struct plain *p, const char *fmt, va_list ap)
{
	char	*raw, *line;

	xvasprintf(&raw, fmt, ap);
	line = text_sanitize(raw, p->ascii, false);
	free(raw);
	return line;
}

/* Say one line (kept for later while a catch-up is being said). */
void
plain_say(struct plain *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*line;

	va_start(ap, fmt);
	line = plain_format(p, fmt, ap);
	va_end(ap);
	if (p->defer) {
		p->later = xreallocarray(p->later, p->nlater + 1,
		    sizeof *p->later);
		p->later[p->nlater++] = line;
		return;
	}
	plain_emit(p, line);
	free(line);
}

/*
 * The answer to a command that made a change: what it did, and whether it
 * waits for the connection.  fmt gives the sentence without its period.
 */
void
plain_done(struct plain *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*body;

	va_start(ap, fmt);
	xvasprintf(&body, fmt, ap);
	va_end(ap);
	if (p->net_ready && p->net.state == NET_LIVE)
		plain_say(p, "%s.", body);
	else
		plain_say(p, _("%s (waiting to be sent)."), body);
	free(body);
}

/* Text the user answers on the same line (a question, a held line). */
void
plain_prompt(struct plain *p, const char *s)
{
	char	*t = text_sanitize(s, p->ascii, false);

	if (!p->col0)
		plain_write(p, "\n", 1);
	plain_write(p, t, strlen(t));
	p->col0 = t[0] == '\0';
	free(t);
}

/* After something was said: the line Tab completed, shown again. */
static void
plain_show_held(struct plain *p)
{
	if (p->held != NULL && p->col0)
		plain_prompt(p, p->held);
}

/* What a catch-up kept for later, said now. */
static void
plain_say_later(struct plain *p)
{
	size_t	i;

	for (i = 0; i < p->nlater; i++) {
		plain_emit(p, p->later[i]);
		free(p->later[i]);
	}
	free(p->later);
	p->later = NULL;
	p->nlater = 0;
}

/* ---------------------------------------------------------------- words */

/*
 * A duration as it is said: seconds up to a minute, minutes and seconds
 * up to two minutes, the nearest whole minute beyond (nobody needs the
 * seconds of a long countdown read out).  Seconds are rounded up, as a
 * countdown shows them.
 */
char *
plain_duration(uint64_t ms)
{
	uint64_t	 s = (ms + 999) / 1000, mn, sec;
	char		*out, *a, *b;

	if (s >= 120) {
		mn = (s + 30) / 60;
		xasprintf(&out, ngettext("%u minute", "%u minutes",
		    (unsigned long)mn), (unsigned)mn);
		return out;
	}
	mn = s / 60;
	sec = s % 60;
	if (mn == 0) {
		xasprintf(&out, ngettext("%u second", "%u seconds",
		    (unsigned long)sec), (unsigned)sec);
		return out;
	}
	xasprintf(&a, ngettext("%u minute", "%u minutes", (unsigned long)mn),
	    (unsigned)mn);
	if (sec == 0)
		return a;
	xasprintf(&b, ngettext("%u second", "%u seconds", (unsigned long)sec),
	    (unsigned)sec);
	xasprintf(&out, "%s %s", a, b);
	free(a);
	free(b);
	return out;
}

/* "A, B and C" from words (translated joints). */
char *
plain_join(char **v, size_t n)
{
	char	*out = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%s", out, i == 0 ? "" : i + 1 < n ? _(", ") :
		    _(" and "), v[i]);
		free(out);
		out = t;
	}
	return out;
}

/* Names of people: "Anne and Bruno", "A, B, C, D and 3 others". */
char *
plain_names(const struct model *m, const uint32_t *ids, size_t n)
{
	const struct model_participant	*q;
	char				**v, *out, *t;
	size_t				 i, shown = n > 5 ? 4 : n;

	v = xreallocarray(NULL, shown + 1, sizeof *v);
	for (i = 0; i < shown; i++) {
		q = model_participant(m, ids[i]);
		v[i] = (char *)(q != NULL ? q->name : "?");
	}
	if (n == shown)
		out = plain_join(v, shown);
	else {
		/* "A, B, C, D" then "and 3 others". */
		t = xstrdup(v[0]);
		for (i = 1; i < shown; i++) {
			xasprintf(&out, "%s%s%s", t, _(", "), v[i]);
			free(t);
			t = out;
		}
		xasprintf(&out, ngettext("%s and %zu other",
		    "%s and %zu others", (unsigned long)(n - shown)), t,
		    n - shown);
		free(t);
	}
	free(v);
	return out;
}

/* ---------------------------------------------------------------- board */

/* The board as the user sees it (confirmed plus pending). */
struct model *
plain_model(struct plain *p)
{
	return net_view(&p->net);
}

/* My participant record, NULL before WELCOME. */
const struct model_participant *
plain_me(struct plain *p)
{
	return p->net_ready ? net_me(&p->net) : NULL;
}

/* True if I am a facilitator now (roles change during a session). */
bool
plain_is_facilitator(struct plain *p)
{
	return p->net_ready && net_is_facilitator(&p->net);
}

/* True when this user may hear the vote tallies now. */
bool
plain_results_allowed(struct plain *p)
{
	struct model	*m = plain_model(p);

	return m->revealed || !m->settings.blind || plain_is_facilitator(p);
}

/* The table I sit at, 0 for none. */
uint64_t
plain_seat(struct plain *p)
{
	const struct model_participant	*me = plain_me(p);

	return me != NULL ? me->table : 0;
}

/* True when new ideas of every table are said, not only of mine. */
bool
plain_listen_all(struct plain *p)
{
	if (p->listen >= 0)
		return p->listen == 1;
	return plain_is_facilitator(p) || plain_seat(p) == 0;
}

/* The table commands name by default: the one looked at, or my seat. */
uint64_t
plain_current(struct plain *p)
{
	struct model	*m = plain_model(p);
	uint64_t	 seat;

	if (p->table != 0 && model_table(m, p->table) != NULL)
		return p->table;
	if ((seat = plain_seat(p)) != 0 && model_table(m, seat) != NULL)
		return seat;
	return m->ntables > 0 ? m->tables[0].id : 0;
}

/* The number people call a table by: 1 for the first. */
int
plain_table_no(const struct model *m, uint64_t table)
{
	return model_table_index(m, table) + 1;
}

/* True when things that happen at table are said to this user. */
bool
plain_concerns(struct plain *p, uint64_t table)
{
	return plain_listen_all(p) || table == plain_seat(p) ||
	    table == p->table;
}

/* Live cards of a table. */
static size_t
plain_ideas(const struct model *m, uint64_t table)
{
	size_t	i, n = 0;

	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].table == table && !m->cards[i].deleted)
			n++;
	}
	return n;
}

/* Say where I sit now: the table's number, question, and ideas. */
void
plain_sit_said(struct plain *p, uint64_t table, bool moved)
{
	struct model		*m = plain_model(p);
	const struct model_table *t = model_table(m, table);
	size_t			 n;

	if (t == NULL) {
		plain_say(p, "%s", _("You sit at no table."));
		return;
	}
	n = plain_ideas(m, table);
	plain_say(p, moved ? ngettext("You move to table %d: %s (%zu idea)",
	    "You move to table %d: %s (%zu ideas)", (unsigned long)n) :
	    ngettext("You sit at table %d: %s (%zu idea)",
	    "You sit at table %d: %s (%zu ideas)", (unsigned long)n),
	    plain_table_no(m, table), t->question, n);
}

/* ---------------------------------------------------------------- changes */

/* Explain a refusal predicted here or sent by the server. */
void
plain_refused(struct plain *p, int code, const char *why)
{
	const char	*reason = ui_text_reason(why);

	if (reason[0] != '\0')
		plain_say(p, "%s (%s)", ui_text_reject((unsigned)code), reason);
	else
		plain_say(p, "%s", ui_text_reject((unsigned)code));
}

/* The record of op_id, NULL if none. */
static struct plain_wait *
plain_wait_find(struct plain *p, uint32_t op_id)
{
	size_t	i;

	for (i = 0; i < p->nwaits; i++) {
		if (p->waits[i].op_id == op_id)
			return &p->waits[i];
	}
	return NULL;
}

/* Forget a record. */
static void
plain_wait_drop(struct plain *p, struct plain_wait *w)
{
	size_t	i = (size_t)(w - p->waits);

	free(w->text);
	memmove(&p->waits[i], &p->waits[i + 1], (p->nwaits - i - 1) *
	    sizeof *p->waits);
	p->nwaits--;
}

/* What a change of ours was, for "sent" and "refused" (malloc'd). */
static char *
plain_wait_what(struct plain *p, const struct plain_wait *w, uint64_t seq)
{
	struct model	*m = p->net.replica.confirmed;
	char		*out;
	uint32_t	 n = w->card != 0 ? model_card_number(m, w->card) : 0;
	int		 t = plain_table_no(m, w->table);

	switch (w->kind) {
	case OP_CARD_ADD:
		if (seq != 0 && (n = model_card_number(m, seq)) != 0)
			xasprintf(&out, _("idea %u at table %d"), n, t);
		else
			xasprintf(&out, _("your new idea at table %d"), t);
		break;
	case OP_CARD_EDIT:
		xasprintf(&out, _("the new text of idea %u"), n);
		break;
	case OP_CARD_DELETE:
		xasprintf(&out, _("the deletion of idea %u"), n);
		break;
	case OP_VOTE:
		xasprintf(&out, w->delta > 0 ? _("your dot on idea %u") :
		    _("the dot taken back from idea %u"), n);
		break;
	case OP_TABLE_SIT:
		xasprintf(&out, _("your seat at table %d"), t);
		break;
	default:
		if (n != 0)
			xasprintf(&out, _("your change to idea %u"), n);
		else
			out = xstrdup(_("your change"));
		break;
	}
	return out;
}

/* Remember a change of ours (waited: told it waits) until it is answered. */
static void
plain_wait_add(struct plain *p, const struct pending *pd, bool waited)
{
	const struct proto_op	*op = &pd->op;
	struct plain_wait	*w;

	p->waits = xreallocarray(p->waits, p->nwaits + 1, sizeof *p->waits);
	w = &p->waits[p->nwaits++];
	memset(w, 0, sizeof *w);
	w->op_id = pd->op_id;
	w->kind = op->kind;
	w->delta = op->delta;
	w->card = op->kind == OP_CARD_ADD ? 0 : op->kind == OP_CLUSTER_TITLE ?
	    op->head : op->card;
	w->table = op->table;
	w->waited = waited;
	if ((op->kind == OP_CARD_ADD || op->kind == OP_CARD_EDIT) &&
	    op->text != NULL)
		w->text = xstrdup(op->text);
}

/* True if id exists only in the prediction, made by no change of ours. */
static bool
plain_unnamed(const struct replica *r, uint64_t id)
{
	return replica_is_pending_id(r, id) && replica_maker(r, id) == 0;
}

/*
 * Send a change a command made: it counts at once (the prediction) and
 * goes out when the connection allows.  Returns 0, or the REJECT code the
 * model predicts, said.  A change naming a card or a table that exists
 * only in the prediction is refused: its id is not known yet.
 */
int
plain_submit(struct plain *p, struct proto_op *op)
{
	struct replica		*r = &p->net.replica;
	const char		*why = NULL;
	uint64_t		 card = op->card;
	int			 code;

	if (!p->net_ready || r->me == 0) {
		plain_say(p, "%s", _("Not connected yet: wait a moment."));
		return REJECT_BAD;
	}
	if (op->kind == OP_CARD_ADD)
		card = op->parent;
	else if (op->kind == OP_CLUSTER_TITLE)
		card = op->head;
	/*
	 * An idea or a table still being sent may be named: the change waits
	 * for it (net.c).  Only one the prediction cannot trace to a change
	 * of ours (a table a regroup made) has no name to wait for.
	 */
	replica_view(r, net_now_ms());
	if ((card != 0 && plain_unnamed(r, card)) ||
	    (op->kind == OP_CARD_GROUP && op->head != 0 &&
	    plain_unnamed(r, op->head))) {
		plain_say(p, "%s", _("That idea is not saved yet: wait until "
		    "it is sent."));
		return REJECT_BAD;
	}
	if (op->kind != OP_TABLE_ADD && op->kind != OP_TABLE_EDIT &&
	    op->table != 0 && plain_unnamed(r, op->table)) {
		plain_say(p, "%s", _("That table is not saved yet: wait until "
		    "it is sent."));
		return REJECT_BAD;
	}
	if ((code = net_submit(&p->net, op, &why)) != 0) {
		plain_refused(p, code, why);
		return code;
	}
	plain_wait_add(p, &r->pending[r->npending - 1],
	    p->net.state != NET_LIVE);
	return 0;
}

/* The id the newest pending op gave its card in the prediction. */
uint64_t
plain_last_predicted(struct plain *p)
{
	struct replica	*r = &p->net.replica;

	if (r->npending == 0)
		return 0;
	replica_view(r, net_now_ms());
	return r->pending[r->npending - 1].predicted;
}

/* The newest change added card id (number as told): remember them. */
void
plain_set_number(struct plain *p, uint64_t id, uint64_t number)
{
	if (p->nwaits == 0)
		return;
	p->waits[p->nwaits - 1].card = id;
	p->waits[p->nwaits - 1].number = (uint32_t)number;
}

/* Our change came back as an event: say so if the user was waiting. */
static void
plain_confirm(struct plain *p, const struct proto_event *ev)
{
	struct plain_wait	*w = plain_wait_find(p, ev->op_id);
	struct model		*m = p->net.replica.confirmed;
	char			*what;
	uint32_t		 n;

	if (w == NULL)
		return;
	if (w->kind == OP_CARD_ADD && !w->waited) {
		n = model_card_number(m, ev->seq);
		if (n != w->number)
			plain_say(p, _("Your new idea at table %d is idea %u."),
			    plain_table_no(m, w->table), n);
	} else if (w->waited) {
		what = plain_wait_what(p, w, ev->seq);
		plain_say(p, _("Sent: %s."), what);
		free(what);
	}
	plain_wait_drop(p, w);
}

/*
 * After READY: changes the server had applied before we could see its
 * answer left the queue without an event.  They were sent.
 */
static void
plain_waits_settled(struct plain *p)
{
	struct replica	*r = &p->net.replica;
	char		*what;
	size_t		 i, k;
	bool		 queued;

	for (i = 0; i < p->nwaits; ) {
		queued = false;
		for (k = 0; k < r->npending; k++) {
			if (r->pending[k].op_id == p->waits[i].op_id)
				queued = true;
		}
		if (queued) {
			i++;
			continue;
		}
		if (p->waits[i].waited) {
			what = plain_wait_what(p, &p->waits[i], 0);
			plain_say(p, _("Sent: %s."), what);
			free(what);
		}
		plain_wait_drop(p, &p->waits[i]);
	}
}

/* ---------------------------------------------------------------- events */

/* A card's text as it may be said. */
const char *
plain_card_text(const struct model_card *c)
{
	if (c->hidden && c->text[0] == '\0')
		return _("(private until the facilitator reveals it)");
	return c->text;
}

/* The first name of an author, NULL when hidden. */
static const char *
plain_author(const struct model *m, uint32_t author)
{
	const struct model_participant	*q;

	if (author == 0 || (q = model_participant(m, author)) == NULL)
		return NULL;
	return q->name;
}

/* card.add: a new idea, or one that builds on another. */
static void
plain_event_add(struct plain *p, const struct model *m, uint64_t id)
{
	const struct model_card	*c = model_card(m, id), *pc;
	const struct model_section *s;
	const char		*who, *pwho;
	uint32_t		 n, pn;
	int			 t;

	if (c == NULL || !plain_concerns(p, c->table))
		return;
	n = model_card_number(m, id);
	t = plain_table_no(m, c->table);
	who = plain_author(m, c->author);
	/* ext: written into a section of the table's canvas. */
	if (c->parent == 0 && c->section != 0 &&
	    (s = model_section(m, c->table, c->section)) != NULL) {
		if (s->kind == SECTION_FEEDBACK && who != NULL)
			plain_say(p, _("Table %d, feedback %u from %s, "
			    "\xe2\x80\x9c%s\xe2\x80\x9d: %s"), t, n, who, s->name,
			    plain_card_text(c));
		else if (s->kind == SECTION_FEEDBACK)
			plain_say(p, _("Table %d, feedback %u, "
			    "\xe2\x80\x9c%s\xe2\x80\x9d: %s"), t, n, s->name,
			    plain_card_text(c));
		else if (who != NULL)
			plain_say(p, _("Table %d, new idea %u from %s in "
			    "\xe2\x80\x9c%s\xe2\x80\x9d: %s"), t, n, who, s->name,
			    plain_card_text(c));
		else
			plain_say(p, _("Table %d, new idea %u in "
			    "\xe2\x80\x9c%s\xe2\x80\x9d: %s"), t, n, s->name,
			    plain_card_text(c));
		return;
	}
	if (c->parent == 0 || (pc = model_card(m, c->parent)) == NULL) {
		if (who != NULL)
			plain_say(p, _("Table %d, new idea %u from %s: %s"), t,
			    n, who, plain_card_text(c));
		else
			plain_say(p, _("Table %d, new idea %u: %s"), t, n,
			    plain_card_text(c));
		return;
	}
	pn = model_card_number(m, pc->id);
	pwho = plain_author(m, pc->author);
	if (who != NULL && pc->author == p->net.replica.me)
		plain_say(p, _("Table %d, idea %u: %s built on your idea %u: "
		    "%s"), t, n, who, pn, plain_card_text(c));
	else if (who != NULL && pwho != NULL && pc->author != c->author)
		plain_say(p, _("Table %d, idea %u: %s built on %s's idea %u: "
		    "%s"), t, n, who, pwho, pn, plain_card_text(c));
	else if (who != NULL)
		plain_say(p, _("Table %d, idea %u: %s built on idea %u: %s"),
		    t, n, who, pn, plain_card_text(c));
	else
		plain_say(p, _("Table %d, idea %u builds on idea %u: %s"), t,
		    n, pn, plain_card_text(c));
}

/* The card events other than card.add. */
static void
plain_event_card(struct plain *p, const struct model *m,
    const struct proto_event *ev)
{
	const struct proto_op	*op = &ev->op;
	const struct model_card	*c;
	uint64_t		 id = op->kind == OP_CLUSTER_TITLE ? op->head :
	    op->card;
	uint32_t		 n;
	int			 t;

	if ((c = model_card(m, id)) == NULL)
		return;
	/* The title lives on the cluster's head, wherever it was sent. */
	if (op->kind == OP_CLUSTER_TITLE && c->head != 0 &&
	    model_card(m, c->head) != NULL)
		c = model_card(m, c->head);
	if (!plain_concerns(p, c->table))
		return;
	n = model_card_number(m, c->id);
	t = plain_table_no(m, c->table);
	switch (op->kind) {
	case OP_CARD_EDIT:
		if (c->hidden && c->text[0] == '\0')
			plain_say(p, _("Table %d, idea %u was edited."), t, n);
		else
			plain_say(p, _("Table %d, idea %u was edited: %s"), t,
			    n, c->text);
		break;
	case OP_CARD_DELETE:
		plain_say(p, _("Table %d, idea %u was deleted."), t, n);
		break;
	case OP_CARD_MOVE:
		plain_say(p, _("An idea moved to table %d: it is idea %u "
		    "there."), t, n);
		break;
	case OP_CARD_GROUP:
		if (c->head == 0)
			plain_say(p, _("Table %d, idea %u is out of its "
			    "cluster."), t, n);
		else
			plain_say(p, _("Table %d, idea %u is grouped under "
			    "idea %u."), t, n, model_card_number(m, c->head));
		break;
	case OP_CLUSTER_TITLE:
		if (c->title == NULL || c->title[0] == '\0')
			plain_say(p, _("Table %d, the cluster of idea %u has "
			    "no title now."), t, n);
		else
			plain_say(p, _("Table %d, the cluster of idea %u is "
			    "titled: %s"), t, n, c->title);
		break;
	case OP_KEEP:
		plain_say(p, op->flag ? _("Table %d, idea %u is kept.") :
		    _("Table %d, idea %u is no longer kept."), t, n);
		break;
	case OP_REVEAL:
		plain_say(p, _("Table %d, idea %u revealed: %s"), t, n,
		    c->text);
		break;
	}
}

/* "yes" or "no", translated. */
static const char *
plain_yes(bool b)
{
	return b ? _("yes") : _("no");
}

/* Append part to the list *out ("a; b"); part is freed. */
static void
plain_append(char **out, char *part)
{
	char	*t;

	xasprintf(&t, "%s%s%s", *out, (*out)[0] != '\0' ? _("; ") : "", part);
	free(*out);
	free(part);
	*out = t;
}

/* settings: each key that changed, in one line. */
static void
plain_event_settings(struct plain *p, const struct model *m,
    const struct proto_settings *s)
{
	const struct model_settings	*ms = &m->settings;
	char				*out = xstrdup(""), *part;

	if (s->has & SET_TITLE) {
		xasprintf(&part, _("Title: %s"), ms->title);
		plain_append(&out, part);
	}
	if (s->has & SET_DOTS) {
		xasprintf(&part, _("Dots per person and question: %u"),
		    ms->dots);
		plain_append(&out, part);
	}
	if (s->has & SET_MULTI_VOTE) {
		xasprintf(&part, _("Several dots on one card: %s"),
		    plain_yes(ms->multi_vote));
		plain_append(&out, part);
	}
	if (s->has & SET_BLIND) {
		xasprintf(&part, _("Blind vote (tallies hidden until the vote "
		    "closes): %s"), plain_yes(ms->blind));
		plain_append(&out, part);
	}
	if (s->has & SET_PRIVATE) {
		xasprintf(&part, _("Private writing: %s"),
		    plain_yes(ms->private_writing));
		plain_append(&out, part);
	}
	if (s->has & SET_ANONYMOUS) {
		xasprintf(&part, _("Anonymous cards: %s"),
		    plain_yes(ms->anonymous));
		plain_append(&out, part);
	}
	if (s->has & SET_FREEZE) {
		xasprintf(&part, _("No new cards when the timer ends: %s"),
		    plain_yes(ms->freeze_at_zero));
		plain_append(&out, part);
	}
	/* The code itself is the facilitators' to give. */
	if (s->has & SET_CODE)
		plain_append(&out, xstrdup(_("the join code changed")));
	if (s->has & SET_LOCKED) {
		xasprintf(&part, _("Locked (read only for participants): %s"),
		    plain_yes(ms->locked));
		plain_append(&out, part);
	}
	if (s->has & SET_KEEP) {
		xasprintf(&part, _("Ideas to keep per question: %u"),
		    ms->keep);
		plain_append(&out, part);
	}
	if (out[0] != '\0')
		plain_say(p, _("Settings: %s."), out);
	free(out);
}

/* phase: the new phase (with the dots when it is the vote). */
static void
plain_event_phase(struct plain *p, const struct model *m, uint8_t phase)
{
	if (phase == PHASE_VOTE)
		plain_say(p, ngettext("Phase: vote, %u dot each.",
		    "Phase: vote, %u dots each.",
		    (unsigned long)m->settings.dots), m->settings.dots);
	else
		plain_say(p, _("Phase: %s."), ui_text_phase(phase));
}

/* timer: what the facilitator did with the clock. */
static void
plain_event_timer(struct plain *p, const struct model *m,
    const struct proto_op *op)
{
	char	*d, *left;

	left = plain_duration(op->remaining_ms);
	switch (op->action) {
	case TIMER_START:
		d = plain_duration((uint64_t)op->seconds * 1000);
		if (op->text != NULL && op->text[0] != '\0')
			plain_say(p, _("Timer: %s for round %u: %s."), d,
			    m->round, op->text);
		else
			plain_say(p, _("Timer: %s for round %u."), d, m->round);
		free(d);
		break;
	case TIMER_PAUSE:
		plain_say(p, _("Timer paused: %s left."), left);
		break;
	case TIMER_RESUME:
		plain_say(p, _("Timer running again: %s left."), left);
		break;
	case TIMER_ADD:
		d = plain_duration((uint64_t)(op->seconds < 0 ? -(int64_t)
		    op->seconds : op->seconds) * 1000);
		plain_say(p, op->seconds >= 0 ? _("Timer: %s added, %s left.") :
		    _("Timer: %s taken off, %s left."), d, left);
		free(d);
		break;
	case TIMER_STOP:
		plain_say(p, "%s", _("Timer stopped."));
		break;
	}
	free(left);
}

/*
 * A run-sheet step's phase, clock and instructions, said as the events
 * that do the same one by one are.
 */
void
plain_step_said(struct plain *p, const struct model *m,
    const struct proto_step *st)
{
	struct proto_op	op;

	if (st->has & STEP_PHASE)
		plain_event_phase(p, m, st->phase);
	if ((st->has & STEP_DURATION) && st->duration > 0) {
		memset(&op, 0, sizeof op);
		op.kind = OP_TIMER;
		op.action = TIMER_START;
		op.seconds = (int32_t)st->duration;
		op.text = st->title;
		plain_event_timer(p, m, &op);
	}
	if ((st->has & STEP_BANNER) && st->banner != NULL &&
	    st->banner[0] != '\0')
		plain_say(p, _("Banner: %s"), st->banner);
}

/* rotate: where I am now. */
static void
plain_event_rotate(struct plain *p, const struct model *m)
{
	const struct model_participant	*me;
	const struct model_table	*t;

	me = model_participant(m, p->net.replica.me);
	if (me == NULL || me->table == 0 ||
	    (t = model_table(m, me->table)) == NULL) {
		plain_say(p, _("The tables rotated: round %u."), m->round);
		return;
	}
	if (me->table != p->seat_seen) {
		plain_say(p, _("The tables rotated: round %u."), m->round);
		p->table = 0;
		plain_sit_said(p, me->table, true);
	} else
		plain_say(p, _("The tables rotated: round %u. You stay at "
		    "table %d."), m->round, plain_table_no(m, me->table));
}

/* Someone (a facilitator) changed my seat. */
static void
plain_event_seated(struct plain *p, const struct model *m)
{
	const struct model_participant	*me;
	const struct model_table	*t;

	me = model_participant(m, p->net.replica.me);
	if (me == NULL || me->table == p->seat_seen)
		return;
	p->table = 0;
	if (me->table == 0 || (t = model_table(m, me->table)) == NULL) {
		plain_say(p, "%s", _("The facilitator stands you up: you sit "
		    "at no table."));
		return;
	}
	plain_say(p, _("The facilitator seats you at table %d: %s"),
	    plain_table_no(m, me->table), t->question);
}

/* follow: the facilitator brings everyone somewhere. */
static void
plain_event_follow(struct plain *p, const struct model *m,
    const struct proto_op *op)
{
	const struct model_table	*t;

	switch (op->view) {
	case FOLLOW_TABLE:
		if ((t = model_table(m, op->table)) == NULL)
			return;
		p->table = op->table;
		plain_say(p, _("The facilitator brings everyone to table %d: "
		    "%s"), plain_table_no(m, op->table), t->question);
		break;
	case FOLLOW_RESULTS:
		plain_say(p, "%s", _("The facilitator brings everyone to the "
		    "results: type results to hear them."));
		break;
	case FOLLOW_NONE:
		plain_say(p, "%s", _("Everyone moves freely again."));
		break;
	}
}

static void	plain_milestone_arm(struct plain *);
static void	plain_auto_sit(struct plain *);

/* Say what an event of someone else (or of the server) did. */
static void
plain_event(struct plain *p, const struct proto_event *ev)
{
	struct replica			*r = &p->net.replica;
	struct model			*m = r->confirmed;
	const struct proto_op		*op = &ev->op;
	const struct model_participant	*q;
	const struct model_table	*t;

	switch (op->kind) {
	case OP_CARD_ADD:
		plain_event_add(p, m, ev->seq);
		break;
	case OP_CARD_EDIT:
	case OP_CARD_DELETE:
	case OP_CARD_MOVE:
	case OP_CARD_GROUP:
	case OP_CLUSTER_TITLE:
	case OP_KEEP:
	case OP_REVEAL:
		plain_event_card(p, m, ev);
		break;
	case OP_TABLE_SIT:
		plain_event_seated(p, m);
		break;
	case OP_READY:
		q = model_participant(m, ev->origin);
		if (q != NULL && op->flag && q->table != 0 &&
		    plain_concerns(p, q->table))
			plain_say(p, _("%s is ready."), q->name);
		break;
	case OP_TABLE_ADD:
		if ((t = model_table(m, ev->seq)) != NULL)
			plain_say(p, _("New table %d: %s"),
			    plain_table_no(m, ev->seq), t->question);
		plain_auto_sit(p);
		break;
	case OP_TABLE_EDIT:
		if ((t = model_table(m, op->table)) != NULL)
			plain_say(p, _("Table %d has a new question: %s"),
			    plain_table_no(m, op->table), t->question);
		break;
	case OP_PHASE:
		plain_event_phase(p, m, op->phase);
		break;
	case OP_TIMER:
		plain_event_timer(p, m, op);
		break;
	case OP_BANNER:
		if (op->text == NULL || op->text[0] == '\0')
			plain_say(p, "%s", _("The banner is removed."));
		else
			plain_say(p, _("Banner: %s"), op->text);
		break;
	case OP_ROTATE:
		plain_event_rotate(p, m);
		break;
	case OP_SETTINGS:
		plain_event_settings(p, m, &op->settings);
		break;
	case OP_ROLE:
		q = model_participant(m, op->participant);
		if (op->participant == r->me)
			plain_say(p, _("You are now: %s."),
			    ui_text_role(op->role));
		else if (q != NULL)
			plain_say(p, _("%s is now: %s."), q->name,
			    ui_text_role(op->role));
		break;
	case OP_FOLLOW:
		plain_event_follow(p, m, op);
		break;
	case OP_TIMER_END:
		plain_say(p, "%s", _("Time is up!"));
		break;
	case OP_STEP:
		plain_day_event(p, ev);
		/* A step that rotates says it as a rotation does. */
		if ((op->step.has & STEP_ACTION) &&
		    op->step.action == ACTION_ROTATE)
			plain_event_rotate(p, m);
		break;
	case OP_POLL_OPEN:
	case OP_POLL_CLOSE:
	case OP_REGROUP:
		plain_day_event(p, ev);
		break;
	case OP_TALLY:
		/* A long tally comes in several events: one sentence. */
		if (p->last_kind != OP_TALLY && m->phase >= PHASE_VOTE)
			plain_say(p, "%s", _("The vote tallies are public: "
			    "type results to hear them."));
		break;
	case OP_CARD_PLACE:
	case OP_ACTION:
	case OP_CANVAS_ADD:
	case OP_CANVAS_USE:
	case OP_CRITERIA:
	case OP_EVAL_OPEN:
	case OP_EVAL_CLOSE:
	case OP_PITCH:
		plain_deliver_event(p, ev);
		break;
	}
}

/* ---------------------------------------------------------------- network */

/* Someone new may have come or gone: look again in a moment. */
static void
plain_presence_poke(struct plain *p)
{
	if (p->net.state != NET_LIVE || p->presence_ev == NULL ||
	    evtimer_pending(p->presence_ev, NULL))
		return;
	plain_presence_arm(p, PLAIN_PRESENCE_MS);
}

/* Something changed on the board or the connection. */
static void
plain_net_changed(void *arg)
{
	struct plain	*p = arg;

	/* Say once that the connection went, and that nothing is lost. */
	if (p->net_seen == NET_LIVE && p->net.state == NET_WAITING) {
		plain_say(p, "%s", _("Connection lost: your changes wait and "
		    "go out when it is back."));
		p->lost_said = true;
		free(p->back);
		p->back = p->nnear > 0 ? xreallocarray(NULL, p->nnear,
		    sizeof *p->back) : NULL;
		if (p->nnear > 0)
			memcpy(p->back, p->near, p->nnear * sizeof *p->back);
		p->nback = p->nnear;
		evtimer_del(p->presence_ev);
		plain_show_held(p);
	}
	p->net_seen = (int)p->net.state;
	plain_presence_poke(p);
}

/* Apply the --from board file to the empty board we just made. */
static void
plain_apply_from(struct plain *p)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	const char		*why;
	char			 err[256];
	size_t			 n, i, sent = 0;

	p->from_done = true;
	if (plain_model(p)->ntables != 0) {
		plain_say(p, "%s", _("The board already has tables: the board "
		    "file was not applied."));
		return;
	}
	if (boardfile_load(p->opts->board_file, &bf, err, sizeof err) != 0) {
		plain_say(p, _("The board file is not valid: %s"), err);
		return;
	}
	/*
	 * The canvases and tables get the seqs that follow the head: a
	 * canvas.use names them by those.
	 */
	n = boardfile_ops_from(&bf, p->net.replica.confirmed->head + 1,
	    &ops);
	for (i = 0; i < n; i++) {
		if (net_submit(&p->net, &ops[i], &why) == 0)
			sent++;
	}
	free(ops);
	boardfile_free(&bf);
	plain_say(p, ngettext("Board set up from the file (%zu change).",
	    "Board set up from the file (%zu changes).", sent), sent);
}

/* A participant with no seat sits at the least crowded table, once. */
static void
plain_auto_sit(struct plain *p)
{
	const struct model_participant	*me = plain_me(p);
	struct model			*m = plain_model(p);
	struct proto_op			 op;
	const char			*why;

	if (p->sit_sent != 0 || me == NULL || me->table != 0 ||
	    me->role == ROLE_FACILITATOR || m->ntables == 0 ||
	    p->net.state != NET_LIVE)
		return;
	memset(&op, 0, sizeof op);
	op.kind = OP_TABLE_SIT;
	op.table = model_least_crowded(m);
	if (model_check(m, me->id, &op, net_now_ms(), &why) != 0)
		return;
	if (net_submit(&p->net, &op, &why) == 0) {
		p->sit_sent = op.table;
		plain_sit_said(p, op.table, false);
	}
}

/* The first READY: who and where we are, in a few lines. */
static void
plain_welcome(struct plain *p)
{
	struct model			*m = plain_model(p);
	const struct model_participant	*me = plain_me(p);
	char				*d;
	int64_t				 now = net_now_ms();

	plain_say(p, _("Joined \xe2\x80\x9c%s\xe2\x80\x9d as %s (%s)."),
	    m->settings.title, me != NULL ? me->name : p->opts->name,
	    ui_text_role(me != NULL ? me->role : p->net.replica.my_role));
	plain_say(p, ngettext("Phase: %s, round %u, %zu table.",
	    "Phase: %s, round %u, %zu tables.", (unsigned long)m->ntables),
	    ui_text_phase(m->phase), m->round, m->ntables);
	if (m->banner != NULL && m->banner[0] != '\0')
		plain_say(p, _("Banner: %s"), m->banner);
	if (m->timer.running) {
		d = plain_duration(model_timer_remaining(m, now));
		plain_say(p, _("Timer: %s left."), d);
		free(d);
	}
	if (p->opts->board_file != NULL && !p->from_done &&
	    plain_is_facilitator(p))
		plain_apply_from(p);
	if (me != NULL && me->table != 0)
		plain_sit_said(p, me->table, false);
	else
		plain_auto_sit(p);
	plain_say(p, "%s", _("Type help for the commands."));
}

/* Catch-up complete: live from now on. */
static void
plain_net_live(void *arg, bool first)
{
	struct plain	*p = arg;
	int64_t		 now = net_now_ms();

	if (first) {
		p->welcomed = true;
		plain_welcome(p);
		/*
		 * Who is here already comes right after READY, in the same
		 * read: take it as known at the next turn of the loop.
		 */
		p->rebase = true;
		plain_presence_arm(p, 0);
	} else {
		if (p->lost_said)
			plain_say(p, "%s", _("Connected again."));
		p->lost_said = false;
		plain_say_later(p);
		p->grace_until = now + PLAIN_GRACE_MS;
		plain_presence_arm(p, PLAIN_PRESENCE_MS);
	}
	plain_waits_settled(p);
	plain_auto_sit(p);
	p->seat_seen = plain_seat(p);
	plain_milestone_arm(p);
	plain_show_held(p);
}

/* The server refused one of our changes. */
static void
plain_net_rejected(void *arg, const struct pending *pd, uint32_t code,
    const char *text)
{
	struct plain		*p = arg;
	struct plain_wait	*w = plain_wait_find(p, pd->op_id);
	const char		*reason = ui_text_reason(text);
	char			*what;

	what = w != NULL ? plain_wait_what(p, w, 0) : xstrdup(_("your "
	    "change"));
	if (reason[0] != '\0')
		plain_say(p, _("Refused by the server, %s: %s (%s)"), what,
		    ui_text_reject(code), reason);
	else
		plain_say(p, _("Refused by the server, %s: %s"), what,
		    ui_text_reject(code));
	free(what);
	/* What the user wrote is not lost with the change. */
	if ((pd->op.kind == OP_CARD_ADD || pd->op.kind == OP_CARD_EDIT) &&
	    pd->op.text != NULL && pd->op.text[0] != '\0')
		plain_say(p, _("Your text was: %s"), pd->op.text);
	if (w != NULL)
		plain_wait_drop(p, w);
	plain_show_held(p);
}

static void	plain_ask(struct plain *, enum plain_ask);

/* The board --board binds us to may be open now: try again. */
static void
plain_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct plain	*p = arg;

	(void)fd;
	(void)what;
	net_start(&p->net);
}

/* An ERROR from the server (or a local server that would not start). */
static void
plain_net_error(void *arg, uint32_t code, const char *text)
{
	struct plain	*p = arg;
	struct timeval	 tv = { 5, 0 };

	switch (code) {
	case 0:
		/* net.c says what failed and what to do, translated. */
		plain_say(p, "%s", text);
		p->exit_code = 1;
		plain_leave(p);
		return;
	case ERROR_AUTH:
		if (p->opts->key != NULL) {
			plain_say(p, "%s", _("The facilitator key was refused: "
			    "check the key file (it changes when the server "
			    "makes a new one)."));
			p->exit_code = 1;
			plain_leave(p);
			return;
		}
		if (text != NULL &&
		    strstr(text, "belongs to a facilitator") != NULL) {
			plain_say(p, "%s", _("This first name belongs to a "
			    "facilitator: choose another one."));
			plain_ask(p, PLAIN_ASK_NAME);
			return;
		}
		plain_say(p, "%s", p->opts->code == NULL ? _("This board needs "
		    "a join code: ask the facilitator.") : _("This join code "
		    "is not the board's: try again."));
		plain_ask(p, PLAIN_ASK_CODE);
		return;
	case ERROR_NAME:
		plain_say(p, _("Someone online already uses the name "
		    "\xe2\x80\x9c%s\xe2\x80\x9d: add an initial, or "
		    "choose another name."), p->opts->name);
		plain_ask(p, PLAIN_ASK_NAME);
		return;
	case ERROR_BOARD:
		/* --board binds (SSH's ForceCommand): wait, offer no other. */
		if (p->opts->board_forced) {
			plain_say(p, _("Waiting for the board \xe2\x80\x9c%s"
			    "\xe2\x80\x9d to open: the facilitator has not "
			    "opened it yet."), p->opts->board);
			event_base_once(p->base, -1, EV_TIMEOUT, plain_retry_cb,
			    p, &tv);
			return;
		}
		plain_say(p, _("There is no board named \xe2\x80\x9c%s"
		    "\xe2\x80\x9d on this server: check its name."),
		    p->opts->board);
		plain_ask(p, PLAIN_ASK_BOARD);
		return;
	}
	plain_say(p, "%s", ui_text_error(code));
	if (ERROR_FINAL(code)) {
		p->exit_code = 1;
		plain_leave(p);
	}
}

/* An event was applied: say it, unless it is ours (then confirm it). */
static void
plain_net_event(void *arg, const struct proto_event *ev, bool live)
{
	struct plain	*p = arg;
	struct replica	*r = &p->net.replica;

	/* The first catch-up is the board as it stands: no news. */
	if (!p->welcomed)
		return;
	p->defer = !live;
	if (r->me != 0 && ev->origin == r->me && ev->op_id != 0)
		plain_confirm(p, ev);
	else if (!ev->op.hidden)
		plain_event(p, ev);
	/* The clock's milestones, whoever set it (us too). */
	if (ev->op.kind == OP_TIMER || ev->op.kind == OP_TIMER_END)
		plain_milestone_arm(p);
	p->last_kind = ev->op.kind;
	p->seat_seen = model_participant(r->confirmed, r->me) != NULL ?
	    model_participant(r->confirmed, r->me)->table : 0;
	p->defer = false;
	if (live)
		plain_show_held(p);
}

/* What the connection tells the line mode. */
static void
plain_callbacks(struct net_callbacks *cb)
{
	memset(cb, 0, sizeof *cb);
	cb->changed = plain_net_changed;
	cb->live = plain_net_live;
	cb->rejected = plain_net_rejected;
	cb->error = plain_net_error;
	cb->event = plain_net_event;
}

/* Join now that the board and the name are known. */
static void
plain_connect(struct plain *p)
{
	struct net_callbacks	cb;

	if (!p->net_ready) {
		plain_callbacks(&cb);
		net_init(&p->net, p->base, p->opts, &cb, p);
		p->net_ready = true;
	} else if (strcmp(p->net.replica.confirmed->name,
	    p->opts->board) != 0) {
		/* Another board: nothing of the old one applies. */
		replica_free(&p->net.replica);
		replica_init(&p->net.replica, p->opts->board);
		p->table = p->seat_seen = 0;
	}
	plain_say(p, "%s", _("Connecting..."));
	net_start(&p->net);
}

/* ---------------------------------------------------------------- joining */

/* Ask for what joining needs. */
static void
plain_ask(struct plain *p, enum plain_ask what)
{
	p->ask = what;
	switch (what) {
	case PLAIN_ASK_BOARD:
		plain_prompt(p, _("Board name (Enter: cafe): "));
		break;
	case PLAIN_ASK_NAME:
		plain_prompt(p, _("Your first name: "));
		break;
	case PLAIN_ASK_CODE:
		plain_prompt(p, _("Join code: "));
		break;
	case PLAIN_ASK_NONE:
		break;
	}
}

/* A line answering a join question. */
static void
plain_answer(struct plain *p, char *line)
{
	size_t	i, n;

	text_trim(line);
	switch (p->ask) {
	case PLAIN_ASK_BOARD:
		for (i = 0; line[i] != '\0'; i++) {
			if (line[i] >= 'A' && line[i] <= 'Z')
				line[i] = (char)(line[i] - 'A' + 'a');
		}
		if (line[0] == '\0')
			line = (char *)PLAIN_BOARD;
		if (!proto_board_name_ok(line)) {
			plain_say(p, "%s", _("A board name has 1 to 64 "
			    "characters among a-z, 0-9, _ and -, and starts "
			    "with a letter or a digit."));
			plain_ask(p, PLAIN_ASK_BOARD);
			return;
		}
		free(p->opts->board);
		p->opts->board = xstrdup(line);
		break;
	case PLAIN_ASK_NAME:
		n = text_cplen(line);
		if (n < PROTO_NAME_MIN || n > PROTO_NAME_MAX ||
		    text_check(line, strlen(line), false, NULL) != TEXT_OK) {
			plain_say(p, "%s", _("Type your first name (1 to 32 "
			    "characters)."));
			plain_ask(p, PLAIN_ASK_NAME);
			return;
		}
		free(p->opts->name);
		p->opts->name = xstrdup(line);
		break;
	case PLAIN_ASK_CODE:
		free(p->opts->code);
		p->opts->code = line[0] != '\0' ? xstrdup(line) : NULL;
		break;
	case PLAIN_ASK_NONE:
		return;
	}
	p->ask = PLAIN_ASK_NONE;
	if (p->opts->board == NULL)
		plain_ask(p, PLAIN_ASK_BOARD);
	else if (p->opts->name == NULL)
		plain_ask(p, PLAIN_ASK_NAME);
	else
		plain_connect(p);
}

/* ---------------------------------------------------------------- timers */

/*
 * Set the countdown's next milestone: the largest one still far enough
 * ahead.  Between milestones nothing is said, however long the round.
 */
static void
plain_milestone_arm(struct plain *p)
{
	struct model	*m = p->net.replica.confirmed;
	struct timeval	 tv;
	uint64_t	 rem, d;
	size_t		 i;

	evtimer_del(p->milestone_ev);
	p->milestone = 0;
	if (!m->timer.running)
		return;
	rem = model_timer_remaining(m, net_now_ms());
	for (i = 0; i < sizeof plain_milestones / sizeof plain_milestones[0];
	    i++) {
		if (plain_milestones[i] + PLAIN_MILESTONE_LEAD_MS <= rem) {
			p->milestone = plain_milestones[i];
			break;
		}
	}
	if (p->milestone == 0)
		return;
	d = rem - p->milestone;
	tv.tv_sec = (time_t)(d / 1000);
	tv.tv_usec = (suseconds_t)(d % 1000) * 1000;
	evtimer_add(p->milestone_ev, &tv);
}

/* A milestone of the countdown: "5 minutes left". */
static void
plain_milestone_cb(evutil_socket_t fd, short what, void *arg)
{
	struct plain	*p = arg;
	struct model	*m = p->net.replica.confirmed;
	struct timeval	 tv;
	uint64_t	 rem, mn, d;

	(void)fd;
	(void)what;
	if (!m->timer.running || p->milestone == 0)
		return;
	rem = model_timer_remaining(m, net_now_ms());
	if (rem > p->milestone + 1000) {
		d = rem - p->milestone;
		tv.tv_sec = (time_t)(d / 1000);
		tv.tv_usec = (suseconds_t)(d % 1000) * 1000;
		evtimer_add(p->milestone_ev, &tv);
		return;
	}
	mn = p->milestone / 60000;
	plain_say(p, ngettext("%u minute left.", "%u minutes left.",
	    (unsigned long)mn), (unsigned)mn);
	plain_milestone_arm(p);
	plain_show_held(p);
}

/* The people whose comings and goings this user hears, in id order. */
static size_t
plain_near_now(struct plain *p, uint32_t **out)
{
	struct replica			*r = &p->net.replica;
	struct model			*m = plain_model(p);
	const struct model_participant	*q;
	uint32_t			*v;
	uint64_t			 seat = plain_seat(p);
	bool				 all = plain_listen_all(p);
	size_t				 i, n = 0;

	v = xreallocarray(NULL, m->nparticipants + 1, sizeof *v);
	for (i = 0; i < m->nparticipants; i++) {
		q = &m->participants[i];
		if (q->id == r->me || !replica_is_online(r, q->id))
			continue;
		if (all || (seat != 0 && q->table == seat))
			v[n++] = q->id;
	}
	*out = v;
	return n;
}

/* True if id is in the sorted ids[0..n). */
static bool
plain_has(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

/* Look at who is here in delay_ms (unless a look is due sooner). */
static void
plain_presence_arm(struct plain *p, int64_t delay_ms)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(delay_ms / 1000);
	tv.tv_usec = (suseconds_t)(delay_ms % 1000) * 1000;
	evtimer_add(p->presence_ev, &tv);
}

/* Take who is here now as known, without a word. */
void
plain_rebase(struct plain *p)
{
	free(p->near);
	p->nnear = plain_near_now(p, &p->near);
	p->near_seat = plain_seat(p);
	p->near_all = plain_listen_all(p);
}

/*
 * Say who came and who went since the last look, in one line.  People who
 * were here before our connection dropped come back silently for a while:
 * a restarted server brings everyone back, and that is not news.
 */
static void
plain_presence_cb(evutil_socket_t fd, short what, void *arg)
{
	struct plain	*p = arg;
	struct model	*m;
	uint32_t	*now_ids, *came, *went, *keep;
	size_t		 n, i, ncame = 0, nwent = 0, nkeep = 0;
	int64_t		 now = net_now_ms();
	char		*a = NULL, *b = NULL, *names;
	bool		 all = plain_listen_all(p);

	(void)fd;
	(void)what;
	if (p->net.state != NET_LIVE)
		return;
	if (p->rebase || plain_seat(p) != p->near_seat ||
	    all != p->near_all) {
		p->rebase = false;
		plain_rebase(p);
		return;
	}
	m = plain_model(p);
	n = plain_near_now(p, &now_ids);
	came = xreallocarray(NULL, n + 1, sizeof *came);
	went = xreallocarray(NULL, p->nnear + 1, sizeof *went);
	keep = xreallocarray(NULL, p->nnear + 1, sizeof *keep);
	for (i = 0; i < n; i++) {
		if (!plain_has(p->near, p->nnear, now_ids[i]))
			came[ncame++] = now_ids[i];
	}
	for (i = 0; i < p->nnear; i++) {
		if (plain_has(now_ids, n, p->near[i]))
			continue;
		if (now < p->grace_until &&
		    plain_has(p->back, p->nback, p->near[i]))
			keep[nkeep++] = p->near[i];
		else
			went[nwent++] = p->near[i];
	}
	if (ncame > 0) {
		names = plain_names(m, came, ncame);
		xasprintf(&a, all ? ngettext("%s is online.", "%s are online.",
		    (unsigned long)ncame) : ngettext("%s joins your table.",
		    "%s join your table.", (unsigned long)ncame), names);
		free(names);
	}
	if (nwent > 0) {
		names = plain_names(m, went, nwent);
		xasprintf(&b, all ? ngettext("%s went offline.",
		    "%s went offline.", (unsigned long)nwent) :
		    ngettext("%s leaves your table.", "%s leave your table.",
		    (unsigned long)nwent), names);
		free(names);
	}
	if (a != NULL || b != NULL) {
		plain_say(p, "%s%s%s", a != NULL ? a : "", a != NULL &&
		    b != NULL ? " " : "", b != NULL ? b : "");
		plain_show_held(p);
	}
	free(a);
	free(b);
	/* Those still expected back stay known until the grace ends. */
	free(p->near);
	p->near = xreallocarray(NULL, n + nkeep + 1, sizeof *p->near);
	memcpy(p->near, now_ids, n * sizeof *p->near);
	for (i = 0; i < nkeep; i++)
		p->near[n + i] = keep[i];
	p->nnear = n + nkeep;
	if (nkeep > 0)
		plain_presence_arm(p, p->grace_until - now + 1);
	else if (now >= p->grace_until) {
		free(p->back);
		p->back = NULL;
		p->nback = 0;
	}
	free(now_ids);
	free(came);
	free(went);
	free(keep);
}

/* ---------------------------------------------------------------- input */

/* The terminal said readable and gave nothing: is it gone? */
static bool
plain_input_gone(void)
{
	struct pollfd	pfd;

	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return errno != EINTR;
	return (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* One whole line, ended by Enter (tab false) or by Tab. */
static void
plain_line(struct plain *p, const char *s, size_t len, bool tab)
{
	char	*line, *full;

	while (len > 0 && s[len - 1] == '\r')
		len--;
	line = xstrndup(s, len);
	xasprintf(&full, "%s%s", p->held != NULL ? p->held : "", line);
	free(line);
	free(p->held);
	p->held = NULL;
	/* The kernel echoed the Enter; after a Tab the cursor stays put. */
	p->col0 = !tab;
	if (p->ask != PLAIN_ASK_NONE)
		plain_answer(p, full);
	else if (tab) {
		p->held = plain_cmd_complete(p, full);
		plain_prompt(p, p->held);
	} else
		plain_cmd_line(p, full);
	free(full);
}

/* The terminal is readable: every whole line that is there. */
static void
plain_input_cb(evutil_socket_t fd, short what, void *arg)
{
	struct plain	*p = arg;
	char		 buf[4096];
	ssize_t		 n, i;

	(void)fd;
	(void)what;
	n = read(STDIN_FILENO, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* Ctrl-D on an empty line asks to quit; a hangup leaves. */
		if (n == 0 && p->tty && !plain_input_gone() && !p->quit &&
		    p->ask == PLAIN_ASK_NONE)
			plain_cmd_line(p, (char *)"quit");
		else
			plain_leave(p);
		return;
	}
	for (i = 0; i < n && !p->quit; i++) {
		if (buf[i] == '\n' || buf[i] == '\t') {
			if (p->in_drop)
				plain_say(p, "%s", _("That line was too long: "
				    "it was dropped."));
			else
				plain_line(p, p->in, p->inlen, buf[i] == '\t');
			p->inlen = 0;
			p->in_drop = false;
			continue;
		}
		if (p->in_drop)
			continue;
		if (p->inlen + 1 >= PLAIN_LINE_MAX) {
			p->in_drop = true;
			continue;
		}
		if (p->inlen + 1 >= p->incap) {
			p->incap = p->incap == 0 ? 256 : p->incap * 2;
			p->in = xrealloc(p->in, p->incap);
		}
		p->in[p->inlen++] = buf[i];
	}
}

/* ---------------------------------------------------------------- terminal */

/*
 * Canonical mode, as a line-oriented program wants it: the kernel edits
 * the line (backspace takes a whole UTF-8 character), echoes it with
 * controls shown as ^X, and Tab ends a read too, for completion.  No flow
 * control: a stray Ctrl-S must not freeze the board.
 */
static void
plain_term_init(struct plain *p)
{
	struct termios	t;

	if (!p->tty || tcgetattr(STDIN_FILENO, &p->saved) != 0)
		return;
	p->termios_saved = true;
	t = p->saved;
	t.c_lflag |= ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | ISIG |
	    IEXTEN;
	t.c_lflag &= ~(tcflag_t)(ECHONL | NOFLSH | TOSTOP);
	t.c_iflag |= ICRNL;
	t.c_iflag &= ~(tcflag_t)(INLCR | IGNCR | IXON);
	if (!p->ascii)
		t.c_iflag |= IUTF8;
	else
		t.c_iflag &= ~(tcflag_t)IUTF8;
	t.c_oflag |= OPOST | ONLCR;
	t.c_cc[VEOL] = '\t';
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
		log_warn("tcsetattr: %s", strerror(errno));
}

/* The terminal as we found it. */
static void
plain_term_done(struct plain *p)
{
	if (p->termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &p->saved);
		p->termios_saved = false;
	}
}

/* The terminal back before a fatal message is printed. */
static void
plain_fatal_hook(const char *msg)
{
	log_error("fatal: %s", msg);
	if (plain_running != NULL)
		plain_term_done(plain_running);
}

/* libevent's own messages go to the log, never to the terminal. */
static void
plain_event_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warn("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

/* Leave the loop at the end of this turn. */
void
plain_leave(struct plain *p)
{
	p->quit = true;
	if (p->base != NULL)
		event_base_loopbreak(p->base);
}

/* Signals: hang-up and termination leave; Ctrl-C drops the line. */
static void
plain_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct plain	*p = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
	case SIGTERM:
		log_info("signal %d: leaving", (int)sig);
		p->exit_code = 0;
		plain_leave(p);
		break;
	case SIGINT:
		/* The kernel dropped the line being typed; drop ours. */
		free(p->held);
		p->held = NULL;
		p->col0 = false;
		plain_say(p, "%s", _("Line cleared. Type quit to leave."));
		break;
	}
}

/* ---------------------------------------------------------------- switch */

/*
 * Take the connection the full screen had (F2): where we are is said as
 * on joining, and the changes it left waiting are said when they go.
 */
static void
plain_adopt(struct plain *p, struct client_switch *sw)
{
	struct net_callbacks	 cb;
	struct replica		*r;
	size_t			 i;

	plain_callbacks(&cb);
	net_move(&p->net, &sw->net, &cb, p);
	sw->net_ready = false;
	p->net_ready = true;
	p->net_seen = (int)p->net.state;
	p->from_done = sw->from_done;
	p->sit_sent = sw->sit_sent;
	plain_say(p, "%s", _("Line mode: type full to go back to the full "
	    "screen."));
	r = &p->net.replica;
	for (i = 0; i < r->npending; i++)
		plain_wait_add(p, &r->pending[i], true);
	if (p->net.state == NET_STOPPED && p->net.last_error != 0) {
		plain_net_error(p, p->net.last_error, p->net.last_error_text);
		return;
	}
	if (!p->net.ever_live) {
		plain_say(p, "%s", _("Connecting..."));
		return;
	}
	p->welcomed = true;
	plain_welcome(p);
	if (net_unsent(&p->net) > 0 || p->net.state != NET_LIVE)
		plain_cmd_status(p);
	/* "Connected again." when it comes back, and what was missed. */
	p->lost_said = p->net.state != NET_LIVE;
	p->rebase = true;
	plain_presence_arm(p, 0);
	p->seat_seen = plain_seat(p);
	plain_milestone_arm(p);
}

/* full: back to the full screen, in this same process and connection. */
void
plain_full(struct plain *p)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		plain_say(p, "%s", _("The full screen needs a terminal."));
		return;
	}
	p->to_full = true;
	plain_leave(p);
}

/* Hand the loop and the connection over to the full screen. */
static void
plain_hand_over(struct plain *p, struct client_switch *sw)
{
	sw->next = CLIENT_FULL;
	sw->base = p->base;
	sw->net_ready = p->net_ready;
	if (p->net_ready)
		net_move(&sw->net, &p->net, NULL, NULL);
	p->net_ready = false;
	sw->from_done = p->from_done;
	sw->sit_sent = p->sit_sent;
}

/* ---------------------------------------------------------------- main */

/*
 * Run the line mode until the user quits, or switches to the full
 * screen; the exit status.
 */
int
plain_main(struct client_opts *opts, struct client_switch *sw)
{
	static const int	 sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	struct plain		 p;
	size_t			 i;
	int			 k;

	memset(&p, 0, sizeof p);
	p.opts = opts;
	p.ascii = opts->ascii;
	p.tty = isatty(STDIN_FILENO) != 0;
	p.col0 = true;
	p.listen = -1;
	plain_running = &p;
	xmalloc_set_fatal_hook(plain_fatal_hook);
	event_set_log_callback(plain_event_log);

	/* Ctrl-C is caught: it clears the line. */
	term_signals_ignore(false);
	p.base = term_switch_base(sw);
	p.milestone_ev = evtimer_new(p.base, plain_milestone_cb, &p);
	p.presence_ev = evtimer_new(p.base, plain_presence_cb, &p);
	for (k = 0; k < 3; k++) {
		p.sig_ev[k] = evsignal_new(p.base, sigs[k], plain_signal_cb,
		    &p);
		evsignal_add(p.sig_ev[k], NULL);
	}
	plain_term_init(&p);
	p.stdin_ev = event_new(p.base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    plain_input_cb, &p);
	event_add(p.stdin_ev, NULL);

	if (sw->net_ready)
		plain_adopt(&p, sw);
	else if (opts->board == NULL)
		plain_ask(&p, PLAIN_ASK_BOARD);
	else if (opts->name == NULL)
		plain_ask(&p, PLAIN_ASK_NAME);
	else
		plain_connect(&p);

	while (!p.quit) {
		if (event_base_loop(p.base, EVLOOP_ONCE) == -1)
			break;
	}

	sw->next = CLIENT_DONE;
	if (p.to_full)
		plain_hand_over(&p, sw);
	if (p.net_ready && p.net.state != NET_STOPPED)
		net_stop(&p.net);
	plain_term_done(&p);
	log_info("%llu bytes written to the terminal",
	    (unsigned long long)p.bytes);
	xmalloc_set_fatal_hook(NULL);
	plain_running = NULL;
	if (p.net_ready)
		net_free(&p.net);
	event_free(p.stdin_ev);
	event_free(p.milestone_ev);
	event_free(p.presence_ev);
	for (k = 0; k < 3; k++)
		event_free(p.sig_ev[k]);
	if (sw->next != CLIENT_FULL)
		event_base_free(p.base);
	for (i = 0; i < p.nwaits; i++)
		free(p.waits[i].text);
	free(p.waits);
	for (i = 0; i < p.nlater; i++)
		free(p.later[i]);
	free(p.later);
	free(p.in);
	free(p.held);
	free(p.near);
	free(p.back);
	return p.exit_code;
}
