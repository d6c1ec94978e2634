/*
 * export.c -- the harvest of a board: Markdown report, CSV, JSON.
 *
 * The output depends on the model alone: dates are the board's and the
 * cards' created_ms written in UTC, lists follow id order, so the server
 * and every client write the same bytes for the same board.  The one
 * exception is the Markdown report's own words (headings, "N votes"...),
 * which follow the language of the messages (gettext): in one language the
 * bytes are the same again.  CSV and JSON are for programs: their field
 * names and values never change with the language.  Deleted cards are
 * left out of all three formats; a live reply to a deleted card hangs from
 * the nearest live card it builds on, or from nothing.  Only the
 * board's own data goes out: never the join code, never a client id.
 *
 * What every format calls a card's cluster: a card grouped under a live
 * head belongs to that head's cluster; a card that is not grouped itself and
 * has a title or at least one member is a head, in its own cluster.
 *
 * MARKDOWN (a restitution to send as it is; CommonMark)
 *   "# title", a list of facts (the date of the workshop in UTC: the day
 *   the first card was written, "D1 to D2" when the cards span several
 *   days, the board's creation day when there is no card -- a board is
 *   often prepared days before; participants who are not facilitators,
 *   facilitators, rounds, questions),
 *   then, when any table has a theme, one "## theme" per theme in order of
 *   first appearance with its tables in table order, else the tables in
 *   order; per table "### Question N — question", "#### Kept ideas" (the
 *   kept cards, most votes first, ties in creation order) and "#### All
 *   ideas" (each cluster: its title in bold or "Untitled cluster", its card
 *   count and total votes, then the head and its members; then the cards in
 *   no cluster; replies nested under the card they build on).  Every card
 *   shows its votes and, unless the board is anonymous, its author's first
 *   name.  A card whose text this replica does not know shows "(private)".
 *   User text is escaped so that it is only ever text: no raw HTML, links,
 *   emphasis or block structure can come from it; so are the translations
 *   of the report's own words.  A multi-line card keeps its lines as hard
 *   line breaks ("\" at the end of a line).
 *
 * CSV (RFC 4180: CRLF line ends, a field is quoted when it holds a comma, a
 *   quote, CR or LF, quotes are doubled; UTF-8, with a byte order mark when
 *   asked for, which spreadsheets need to guess UTF-8).  One header line,
 *   then one line per live card, tables in order, cards in id order:
 *     theme          the table's theme ("" for none)
 *     question       the table's question
 *     card_id        the card's id (the seq of its card.add)
 *     cluster_head   the id of its cluster's head card (its own id for a
 *                    head), empty when in no cluster
 *     cluster_title  that cluster's title, empty when none
 *     parent         the card it builds on (nearest live one), or empty
 *     text           the card's text, newlines kept; empty if private here
 *     author         the author's first name; empty when anonymous
 *     votes          dots on the card
 *     kept           "yes" or "no"
 *     created_at     when it was written, "2026-11-22T14:03:05Z" (UTC)
 *   A user-written cell (theme, question, cluster_title, text, author) that
 *   starts with = + - @, a tab or CR (or their full-width forms) gets a
 *   leading "'" so that no spreadsheet runs it as a formula.
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
 *   participants[]     everyone who joined, in id order: id, name, role
 *                 ("participant" "host" "facilitator"), table (where they
 *                 sit now, null when standing)
 *   tables[]      in creation order: id, theme ("" for none), question,
 *                 cards[] (live cards in id order):
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
 *     votes         dots on it
 *     kept          true when kept at the harvest
 *     edited        true when changed after it was written
 *     created_at    ISO 8601 UTC, to the second
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

/* Characters that CommonMark could read as markup anywhere in a line. */
#define EXPORT_MD_SPECIAL	"\\`*_[]<>#|!~&"

/* Output is built in memory and written at once. */
struct export_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* A live card of a table as the exports show it. */
struct export_card {
	const struct model_card	*c;
	uint64_t		 parent;	/* nearest live ancestor, or 0 */
	uint64_t		 member_of;	/* live head it is grouped under */
	uint64_t		 cluster;	/* head of its cluster, or 0 */
	const char		*ctitle;	/* that cluster's title */
	uint32_t		 members;	/* a head: cards in its cluster */
	uint64_t		 cvotes;	/* a head: votes in its cluster */
};

/* The live cards of one table, in id order. */
struct export_table {
	const struct model_table *t;
	struct export_card	*cards;
	size_t			 n;
};

/* What every writer needs. */
struct export_ctx {
	const struct model	*m;
	struct export_buf	 b;
	bool			 anonymous;
};

/* Append len bytes. */
static void
export_put(struct export_buf *b, const char *s, size_t len)
{
	if (len > b->cap - b->len) {
		while (len > b->cap - b->len)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, s, len);
	b->len += len;
}

/* Append a NUL-terminated string. */
static void
export_puts(struct export_buf *b, const char *s)
{
	export_put(b, s, strlen(s));
}

/* Append one byte. */
static void
export_putc(struct export_buf *b, char c)
{
	export_put(b, &c, 1);
}

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
export_printf(struct export_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	export_put(b, s, (size_t)n);
	free(s);
}

/* Append n spaces. */
static void
export_indent(struct export_buf *b, size_t n)
{
	while (n-- > 0)
		export_putc(b, ' ');
}

/* Append a code point as UTF-8. */
static void
export_cp(struct export_buf *b, uint32_t cp)
{
	char	u[4];

	export_put(b, u, text_encode(cp, u));
}

/* Decode one code point of s[0..len); invalid bytes give U+FFFD. */
static size_t
export_next(const char *s, size_t len, uint32_t *cp)
{
	return text_decode(s, len, cp);
}

/* A time in UTC: "YYYY-MM-DD" (date) or "YYYY-MM-DDTHH:MM:SSZ". */
static void
export_time(struct export_buf *b, int64_t ms, bool date_only)
{
	struct tm	tm;
	time_t		t;
	int64_t		s = ms / 1000;

	if (ms % 1000 < 0)
		s--;		/* floor, for times before 1970 */
	t = (time_t)s;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	if (date_only)
		export_printf(b, "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	else
		export_printf(b, "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
}

/* A table's theme, "" when none. */
static const char *
export_theme(const struct model_table *t)
{
	return t->theme != NULL ? t->theme : "";
}

/* The author's name, or NULL when anonymous or unknown. */
static const char *
export_author(const struct export_ctx *x, const struct model_card *c)
{
	const struct model_participant	*p;

	if (x->anonymous || c->author == 0)
		return NULL;
	if ((p = model_participant(x->m, c->author)) == NULL)
		return NULL;
	return p->name;
}

/* The entry of card id in et, or NULL. */
static struct export_card *
export_find(const struct export_table *et, uint64_t id)
{
	size_t	lo = 0, hi = et->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (et->cards[mid].c->id == id)
			return &et->cards[mid];
		if (et->cards[mid].c->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The nearest live card on the same table that c builds on, or 0. */
static uint64_t
export_parent(const struct model *m, const struct model_card *c)
{
	const struct model_card	*p;
	uint64_t		 id = c->parent, below = c->id;

	/* Parents are older than their replies, which rules out loops. */
	while (id != 0 && id < below) {
		if ((p = model_card(m, id)) == NULL || p->table != c->table)
			return 0;
		if (!p->deleted)
			return id;
		below = id;
		id = p->parent;
	}
	return 0;
}

/* Collect the live cards of table t and work out parents and clusters. */
static void
export_table_load(const struct model *m, const struct model_table *t,
    struct export_table *et)
{
	const struct model_card	*c, *h;
	struct export_card	*e, *he;
	size_t			 i, n = 0;

	et->t = t;
	for (i = 0; i < m->ncards; i++) {
		if (!m->cards[i].deleted && m->cards[i].table == t->id)
			n++;
	}
	et->cards = xcalloc(n, sizeof *et->cards);
	et->n = 0;
	for (i = 0; i < m->ncards; i++) {
		c = &m->cards[i];
		if (c->deleted || c->table != t->id)
			continue;
		e = &et->cards[et->n++];
		e->c = c;
		e->parent = export_parent(m, c);
		if (c->head != 0 && c->head != c->id &&
		    (h = model_card(m, c->head)) != NULL && !h->deleted &&
		    h->table == t->id && h->head == 0)
			e->member_of = c->head;
	}
	/* Cards are in id order in the model; keep it even if not. */
	for (i = 1; i < et->n; i++) {
		if (et->cards[i - 1].c->id >= et->cards[i].c->id)
			fatalx("export: cards out of id order");
	}
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->member_of != 0) {
			if ((he = export_find(et, e->member_of)) != NULL)
				he->cluster = he->c->id;
			else
				e->member_of = 0;
		} else if (e->c->title != NULL && e->c->title[0] != '\0')
			e->cluster = e->c->id;
	}
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->member_of != 0)
			e->cluster = e->member_of;
		if (e->cluster == 0)
			continue;
		he = export_find(et, e->cluster);
		he->members++;
		he->cvotes += e->c->votes;
	}
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->cluster != 0) {
			h = export_find(et, e->cluster)->c;
			e->ctitle = h->title != NULL ? h->title : "";
		}
	}
}

/* Free what export_table_load allocated. */
static void
export_table_free(struct export_table *et)
{
	free(et->cards);
	et->cards = NULL;
	et->n = 0;
}

/* Order kept ideas: most votes first, then creation order. */
static int
export_kept_cmp(const void *a, const void *b)
{
	const struct export_card	*x = *(const struct export_card *const *)a;
	const struct export_card	*y = *(const struct export_card *const *)b;

	if (x->c->votes != y->c->votes)
		return x->c->votes > y->c->votes ? -1 : 1;
	return x->c->id < y->c->id ? -1 : x->c->id > y->c->id;
}

/* ------------------------------------------------------------ Markdown */

/*
 * Append s[0..len), one line of user text, escaped so that CommonMark reads
 * it as plain text.  At the start of a line, what could open a block (a
 * list marker, a setext underline, an ordered list number) is escaped too.
 */
static void
export_md_escape(struct export_buf *b, const char *s, size_t len,
    bool line_start)
{
	size_t		i = 0, n, digits = 0, esc_at = SIZE_MAX;
	uint32_t	cp;

	if (line_start && len > 0) {
		if (s[0] == '-' || s[0] == '+' || s[0] == '=')
			esc_at = 0;
		while (digits < len && s[digits] >= '0' && s[digits] <= '9')
			digits++;
		if (digits > 0 && digits < len &&
		    (s[digits] == '.' || s[digits] == ')'))
			esc_at = digits;
	}
	while (i < len) {
		n = export_next(s + i, len - i, &cp);
		if (cp == '\n' || cp == '\r' || cp == '\t')
			cp = ' ';
		else if (text_cp_forbidden(cp))
			cp = 0xfffd;
		if (i == esc_at ||
		    (cp < 0x80 && cp != 0 && strchr(EXPORT_MD_SPECIAL, (int)cp)
		    != NULL))
			export_putc(b, '\\');
		export_cp(b, cp);
		i += n;
	}
}

/*
 * Append one of the report's own words, formatted and escaped like user
 * text: a translation is text, never markup.  line_start as for
 * export_md_escape.
 */
static void __attribute__((format(printf, 3, 4)))
export_md_fixed(struct export_buf *b, bool line_start, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	export_md_escape(b, s, (size_t)n, line_start);
	free(s);
}

/* The bounds of s without leading and trailing ASCII white space. */
static void
export_trim(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t	a = 0, z = len;

	while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' ||
	    s[a] == '\r'))
		a++;
	while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' ||
	    s[z - 1] == '\n' || s[z - 1] == '\r'))
		z--;
	*start = a;
	*end = z;
}

/* True for Unicode space separators (Zs), which CommonMark counts too. */
static bool
export_unicode_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

/* True if s holds nothing but spaces. */
static bool
export_blank(const char *s)
{
	size_t		i, n, len = strlen(s);
	uint32_t	cp;

	for (i = 0; i < len; i += n) {
		n = export_next(s + i, len - i, &cp);
		if (!export_unicode_space(cp) && cp != '\n' && cp != '\r')
			return false;
	}
	return true;
}

/*
 * Append a one-line piece of user text (a title, a name), escaped and
 * trimmed of any space at its ends, so that "**" around it stays bold.
 */
static void
export_md_inline(struct export_buf *b, const char *s, bool line_start)
{
	size_t		a, z, i, n, end;
	uint32_t	cp;

	export_trim(s, strlen(s), &a, &z);
	for (; a < z; a += n) {
		n = export_next(s + a, z - a, &cp);
		if (!export_unicode_space(cp))
			break;
	}
	for (end = i = a; i < z; i += n) {
		n = export_next(s + i, z - i, &cp);
		if (!export_unicode_space(cp))
			end = i + n;
	}
	export_md_escape(b, s + a, end - a, line_start);
}

/*
 * Append a card's text as the content of a list item whose content starts
 * at column indent: each line of the text is a hard line break ("\" at the
 * end of the line before), continuation lines are indented to the content.
 * A blank line inside the text becomes a line holding only the break.
 */
static void
export_md_lines(struct export_buf *b, const char *s, size_t indent)
{
	const char	*nl;
	size_t		 a, z, len, la, lz;
	bool		 first = true;

	/* Text this replica may not see is "": a private card's. */
	if (*s == '\0') {
		/* TRANSLATORS: a card written in private. */
		export_md_fixed(b, true, "%s", _("(private)"));
		return;
	}
	export_trim(s, strlen(s), &a, &z);
	s += a;
	len = z - a;
	if (len == 0) {
		/* TRANSLATORS: a card whose text is only spaces. */
		export_md_fixed(b, true, "%s", _("(empty)"));
		return;
	}
	while (len > 0) {
		if ((nl = memchr(s, '\n', len)) == NULL)
			nl = s + len;
		if (!first) {
			export_puts(b, "\\\n");
			export_indent(b, indent);
		}
		export_trim(s, (size_t)(nl - s), &la, &lz);
		export_md_escape(b, s + la, lz - la, true);
		first = false;
		if (nl == s + len)
			break;
		len -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
}

/* " — N votes — Name": the end of a card's line. */
static void
export_md_meta(struct export_ctx *x, const struct model_card *c)
{
	const char	*who = export_author(x, c);

	export_puts(&x->b, " — ");
	/* TRANSLATORS: dots on a card or a cluster (gommettes). */
	export_md_fixed(&x->b, false, ngettext("%llu vote", "%llu votes",
	    c->votes), (unsigned long long)c->votes);
	if (who != NULL) {
		export_puts(&x->b, " — ");
		export_md_inline(&x->b, who, false);
	}
}

static void export_md_card(struct export_ctx *, const struct export_table *,
    const struct export_card *, size_t);

/* The replies to e that sit under it (those in no cluster), nested. */
static void
export_md_replies(struct export_ctx *x, const struct export_table *et,
    const struct export_card *e, size_t indent)
{
	size_t	i;

	for (i = 0; i < et->n; i++) {
		if (et->cards[i].parent == e->c->id &&
		    et->cards[i].cluster == 0)
			export_md_card(x, et, &et->cards[i], indent);
	}
}

/* One card as a "- " item at indent, then its replies one level deeper. */
static void
export_md_card(struct export_ctx *x, const struct export_table *et,
    const struct export_card *e, size_t indent)
{
	export_indent(&x->b, indent);
	export_puts(&x->b, "- ");
	export_md_lines(&x->b, e->c->text, indent + 2);
	export_md_meta(x, e->c);
	export_putc(&x->b, '\n');
	export_md_replies(x, et, e, indent + 2);
}

/* The kept ideas of a table, most votes first. */
static void
export_md_kept(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	**kept;
	size_t				  i, n = 0;
	int				  w;

	kept = xcalloc(et->n, sizeof *kept);
	for (i = 0; i < et->n; i++) {
		if (et->cards[i].c->kept)
			kept[n++] = &et->cards[i];
	}
	export_puts(&x->b, "#### ");
	export_md_fixed(&x->b, false, "%s", _("Kept ideas"));
	export_puts(&x->b, "\n\n");
	if (n == 0) {
		export_md_fixed(&x->b, true, "%s", _("No idea kept."));
		export_puts(&x->b, "\n\n");
	}
	qsort(kept, n, sizeof *kept, export_kept_cmp);
	for (i = 0; i < n; i++) {
		/* The content lines up after the marker: "1. " or "10. ". */
		w = snprintf(NULL, 0, "%zu. ", i + 1);
		export_printf(&x->b, "%zu. ", i + 1);
		export_md_lines(&x->b, kept[i]->c->text, (size_t)w);
		export_md_meta(x, kept[i]->c);
		export_putc(&x->b, '\n');
	}
	if (n > 0)
		export_putc(&x->b, '\n');
	free(kept);
}

/* Every idea of a table: clusters, then the cards in none. */
static void
export_md_all(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	*e;
	size_t				 i, j, shown = 0;

	export_puts(&x->b, "#### ");
	export_md_fixed(&x->b, false, "%s", _("All ideas"));
	export_puts(&x->b, "\n\n");
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->cluster != e->c->id)
			continue;
		export_puts(&x->b, "- ");
		if (!export_blank(e->ctitle)) {
			export_puts(&x->b, "**");
			export_md_inline(&x->b, e->ctitle, false);
			export_puts(&x->b, "**");
		} else {
			export_puts(&x->b, "*");
			/* TRANSLATORS: a cluster of cards with no title. */
			export_md_fixed(&x->b, false, "%s",
			    _("Untitled cluster"));
			export_puts(&x->b, "*");
		}
		export_puts(&x->b, " — ");
		export_md_fixed(&x->b, false, ngettext("%llu card",
		    "%llu cards", e->members), (unsigned long long)e->members);
		export_puts(&x->b, ", ");
		export_md_fixed(&x->b, false, ngettext("%llu vote",
		    "%llu votes", e->cvotes), (unsigned long long)e->cvotes);
		export_putc(&x->b, '\n');
		export_md_card(x, et, e, 2);
		for (j = 0; j < et->n; j++) {
			if (et->cards[j].member_of == e->c->id)
				export_md_card(x, et, &et->cards[j], 2);
		}
		shown++;
	}
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->cluster == 0 && e->parent == 0) {
			export_md_card(x, et, e, 0);
			shown++;
		}
	}
	if (shown == 0) {
		export_md_fixed(&x->b, true, "%s", _("No ideas."));
		export_putc(&x->b, '\n');
	}
	export_putc(&x->b, '\n');
}

/* One table: its question, kept ideas, all ideas. */
static void
export_md_table(struct export_ctx *x, const struct model_table *t,
    size_t number)
{
	struct export_table	et;

	export_table_load(x->m, t, &et);
	export_puts(&x->b, "### ");
	/* TRANSLATORS: the heading of a table: "Question 2 — its text". */
	export_md_fixed(&x->b, false, _("Question %zu"), number);
	export_puts(&x->b, " — ");
	export_md_inline(&x->b, t->question, false);
	export_puts(&x->b, "\n\n");
	export_md_kept(x, &et);
	export_md_all(x, &et);
	export_table_free(&et);
}

/*
 * The line giving the date of the workshop: the day the first card was
 * written (deleted ones count: they were written then), to the day of the
 * last one when that is another; the board's creation when there is no
 * card yet.
 */
static void
export_md_date(struct export_ctx *x)
{
	const struct model	*m = x->m;
	struct export_buf	 first, last;
	char			*span;
	int64_t			 lo = 0, hi = 0;
	size_t			 i;

	for (i = 0; i < m->ncards; i++) {
		if (i == 0 || m->cards[i].created_ms < lo)
			lo = m->cards[i].created_ms;
		if (i == 0 || m->cards[i].created_ms > hi)
			hi = m->cards[i].created_ms;
	}
	if (m->ncards == 0)
		lo = hi = m->created_ms;
	memset(&first, 0, sizeof first);
	memset(&last, 0, sizeof last);
	export_time(&first, lo, true);
	export_putc(&first, '\0');
	export_time(&last, hi, true);
	export_putc(&last, '\0');
	export_puts(&x->b, "- ");
	if (strcmp(first.data, last.data) == 0)
		export_md_fixed(&x->b, false, _("Date: %s (UTC)"), first.data);
	else {
		/* TRANSLATORS: the workshop's first and last days. */
		xasprintf(&span, _("%s to %s"), first.data, last.data);
		export_md_fixed(&x->b, false, _("Date: %s (UTC)"), span);
		free(span);
	}
	export_putc(&x->b, '\n');
	free(first.data);
	free(last.data);
}

/* The Markdown report. */
static void
export_md(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const char		*theme;
	size_t			 i, j, number = 0, people = 0, facils = 0;
	bool			 themed = false, *done;

	for (i = 0; i < m->nparticipants; i++) {
		if (m->participants[i].role == ROLE_FACILITATOR)
			facils++;
		else
			people++;
	}
	export_puts(&x->b, "# ");
	export_md_inline(&x->b, m->settings.title != NULL &&
	    m->settings.title[0] != '\0' ? m->settings.title : m->name, false);
	export_puts(&x->b, "\n\n");
	export_md_date(x);
	export_puts(&x->b, "- ");
	/* TRANSLATORS: those who took part and are not facilitators. */
	export_md_fixed(&x->b, false, _("Participants: %zu"), people);
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Facilitators: %zu"), facils);
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Rounds: %u"), (unsigned)m->round);
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Questions: %zu"), m->ntables);
	export_puts(&x->b, "\n\n");

	for (i = 0; i < m->ntables; i++) {
		if (export_theme(&m->tables[i])[0] != '\0')
			themed = true;
	}
	if (!themed) {
		for (i = 0; i < m->ntables; i++)
			export_md_table(x, &m->tables[i], ++number);
		return;
	}
	/* Themes in order of first appearance, each with all its tables. */
	done = xcalloc(m->ntables, sizeof *done);
	for (i = 0; i < m->ntables; i++) {
		if (done[i])
			continue;
		theme = export_theme(&m->tables[i]);
		export_puts(&x->b, "## ");
		if (theme[0] != '\0')
			export_md_inline(&x->b, theme, false);
		else {
			/* TRANSLATORS: the heading of unthemed tables. */
			export_md_fixed(&x->b, false, "%s",
			    _("Other questions"));
		}
		export_puts(&x->b, "\n\n");
		for (j = i; j < m->ntables; j++) {
			if (done[j] ||
			    strcmp(export_theme(&m->tables[j]), theme) != 0)
				continue;
			done[j] = true;
			export_md_table(x, &m->tables[j], ++number);
		}
	}
	free(done);
}

/* ----------------------------------------------------------------- CSV */

/* True if a cell starting with cp could be read as a formula. */
static bool
export_csv_formula(uint32_t cp)
{
	switch (cp) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
	case 0xff1d: case 0xff0b: case 0xff0d: case 0xff20:	/* full width */
		return true;
	}
	return false;
}

/* Append one CSV cell; user cells are neutralised against formulas. */
static void
export_csv_cell(struct export_buf *b, const char *s, bool user)
{
	size_t		i, n, len = strlen(s);
	uint32_t	cp = 0;
	bool		quote = false, lead;

	if (len > 0)
		export_next(s, len, &cp);
	lead = user && len > 0 && export_csv_formula(cp);
	for (i = 0; i < len; i++) {
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			quote = true;
	}
	if (quote)
		export_putc(b, '"');
	if (lead)
		export_putc(b, '\'');
	for (i = 0; i < len; i += n) {
		n = export_next(s + i, len - i, &cp);
		if (cp == '"')
			export_putc(b, '"');
		if (n == 1 && cp == 0xfffd)
			export_cp(b, cp);	/* invalid byte */
		else
			export_put(b, s + i, n);
	}
	if (quote)
		export_putc(b, '"');
}

/* Append an id cell, empty for 0. */
static void
export_csv_id(struct export_buf *b, uint64_t id)
{
	if (id != 0)
		export_printf(b, "%llu", (unsigned long long)id);
}

/* The CSV: one line per live card. */
static void
export_csv(struct export_ctx *x, bool bom)
{
	const struct model	*m = x->m;
	struct export_table	 et;
	const struct export_card *e;
	const char		*who;
	size_t			 i, j;

	if (bom)
		export_puts(&x->b, "\xef\xbb\xbf");
	export_puts(&x->b, "theme,question,card_id,cluster_head,cluster_title,"
	    "parent,text,author,votes,kept,created_at\r\n");
	for (i = 0; i < m->ntables; i++) {
		export_table_load(m, &m->tables[i], &et);
		for (j = 0; j < et.n; j++) {
			e = &et.cards[j];
			export_csv_cell(&x->b, export_theme(et.t), true);
			export_putc(&x->b, ',');
			export_csv_cell(&x->b, et.t->question, true);
			export_printf(&x->b, ",%llu,",
			    (unsigned long long)e->c->id);
			export_csv_id(&x->b, e->cluster);
			export_putc(&x->b, ',');
			export_csv_cell(&x->b, e->cluster != 0 ? e->ctitle : "",
			    true);
			export_putc(&x->b, ',');
			export_csv_id(&x->b, e->parent);
			export_putc(&x->b, ',');
			export_csv_cell(&x->b, e->c->text, true);
			export_putc(&x->b, ',');
			who = export_author(x, e->c);
			export_csv_cell(&x->b, who != NULL ? who : "", true);
			export_printf(&x->b, ",%u,%s,", (unsigned)e->c->votes,
			    e->c->kept ? "yes" : "no");
			export_time(&x->b, e->c->created_ms, false);
			export_puts(&x->b, "\r\n");
		}
		export_table_free(&et);
	}
}

/* ---------------------------------------------------------------- JSON */

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

/* The board object. */
static void
export_json_board(struct export_ctx *x)
{
	const struct model		*m = x->m;
	const struct model_settings	*s = &m->settings;
	struct export_buf		*b = &x->b;
	const char			*phase = proto_phase_name(m->phase);

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
	export_puts(b, ",\n    \"settings\": {\n");
	export_json_key(b, 6, "dots");
	export_printf(b, "%u,\n", (unsigned)s->dots);
	export_json_key(b, 6, "multi_vote");
	export_json_bool(b, s->multi_vote, ",\n");
	export_json_key(b, 6, "blind");
	export_json_bool(b, s->blind, ",\n");
	export_json_key(b, 6, "private");
	export_json_bool(b, s->private_writing, ",\n");
	export_json_key(b, 6, "anonymous");
	export_json_bool(b, s->anonymous, ",\n");
	export_json_key(b, 6, "freeze_at_zero");
	export_json_bool(b, s->freeze_at_zero, ",\n");
	export_json_key(b, 6, "locked");
	export_json_bool(b, s->locked, ",\n");
	export_json_key(b, 6, "keep");
	export_printf(b, "%u\n", (unsigned)s->keep);
	export_puts(b, "    }\n  },\n");
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
		export_puts(b, i + 1 < m->nparticipants ? "\n    },\n" :
		    "\n    }\n");
	}
	export_puts(b, "  ],\n");
}

/* One card object. */
static void
export_json_card(struct export_ctx *x, const struct export_card *e,
    bool last)
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
	export_json_key(b, 10, "votes");
	export_printf(b, "%u,\n", (unsigned)c->votes);
	export_json_key(b, 10, "kept");
	export_json_bool(b, c->kept, ",\n");
	export_json_key(b, 10, "edited");
	export_json_bool(b, c->edited, ",\n");
	export_json_key(b, 10, "created_at");
	export_json_time(b, c->created_ms);
	export_puts(b, last ? "\n        }\n" : "\n        },\n");
}

/* The tables array with their cards. */
static void
export_json_tables(struct export_ctx *x)
{
	const struct model	*m = x->m;
	struct export_buf	*b = &x->b;
	struct export_table	 et;
	size_t			 i, j;

	if (m->ntables == 0) {
		export_puts(b, "  \"tables\": []\n");
		return;
	}
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
		export_json_key(b, 6, "cards");
		if (et.n == 0)
			export_puts(b, "[]\n");
		else {
			export_puts(b, "[\n");
			for (j = 0; j < et.n; j++)
				export_json_card(x, &et.cards[j], j + 1 == et.n);
			export_puts(b, "      ]\n");
		}
		export_puts(b, i + 1 < m->ntables ? "    },\n" : "    }\n");
		export_table_free(&et);
	}
	export_puts(b, "  ]\n");
}

/* The whole board as JSON. */
static void
export_json(struct export_ctx *x)
{
	export_puts(&x->b, "{\n  \"format\": \"cafeboard\",\n"
	    "  \"version\": 1,\n");
	export_json_board(x);
	export_json_participants(x);
	export_json_tables(x);
	export_puts(&x->b, "}\n");
}

/* ------------------------------------------------------------- entries */

/* "md", "csv", "json" -> format; -1 if unknown. */
int
export_format_parse(const char *s)
{
	if (strcmp(s, "md") == 0)
		return EXPORT_MD;
	if (strcmp(s, "csv") == 0)
		return EXPORT_CSV;
	if (strcmp(s, "json") == 0)
		return EXPORT_JSON;
	return -1;
}

/* Write the export of m to f; 0, or -1 on a write error (errno set). */
int
export_write(const struct model *m, enum export_format fmt,
    const struct export_opts *opts, FILE *f)
{
	struct export_ctx	x;
	int			rc = 0, saved;

	memset(&x, 0, sizeof x);
	x.m = m;
	x.anonymous = m->settings.anonymous;
	switch (fmt) {
	case EXPORT_MD:
		export_md(&x);
		break;
	case EXPORT_CSV:
		export_csv(&x, opts != NULL && opts->bom);
		break;
	case EXPORT_JSON:
		export_json(&x);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	if (x.b.len > 0 && fwrite(x.b.data, 1, x.b.len, f) != x.b.len)
		rc = -1;
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	saved = errno != 0 ? errno : EIO;
	free(x.b.data);
	if (rc != 0)
		errno = saved;
	return rc;
}
