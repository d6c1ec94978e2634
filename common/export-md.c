/*
 * export-md.c -- the Markdown report.
 *
 * MARKDOWN (a restitution to send as it is; CommonMark)
 *   "# title", a list of facts (the date of the workshop in UTC: the day
 *   the first card was written, "D1 to D2" when the cards span several
 *   days, the board's creation day when there is no card -- a board is
 *   often prepared days before; the place when the board has one;
 *   participants who are not facilitators, facilitators and their names,
 *   the criteria of the evaluation when there are, rounds, questions),
 *   then, when any table has a theme, one "## theme" per theme in order of
 *   first appearance with its tables in table order, else the tables in
 *   order; per table "### Question N — question", "#### Kept ideas" (the
 *   kept cards, the highest score total first when the board has criteria,
 *   then most votes, ties in creation order, each with its totals per
 *   criterion), (ext) "#### <canvas>" (each section of kind ideas: its
 *   name, its hint, its cards), "#### Roadmap" (a table of the actions:
 *   text, owner, due day, the idea it builds on; by due day), "#### Pitch
 *   feedback" (the feedback sections), then "#### All ideas" (each
 *   cluster: its title in bold or "Untitled cluster", the number of cards
 *   listed under it and their votes -- its head, its members and their
 *   replies --, then those cards; then the cards in no cluster; replies
 *   nested under the card they build on).  Every card
 *   shows its votes and, unless the board is anonymous, its author's first
 *   name, then those of the authors of duplicates merged into it.  A card
 *   whose text this replica does not know shows "(private)".
 *   When the board has a run sheet, "## Run sheet" follows the facts: each
 *   step in order with the times it really ran (UTC, hours and minutes;
 *   "from ... to ...", "since ..." for the current step, "not run"); when
 *   it has polls, "## Polls": each poll's question ("###") and, once
 *   closed, its results most frequent first, a word poll's words as first
 *   written.  A group's table (pairs, teams, labels) is shown only when it
 *   holds cards, headed "Pair N", "Team N" or its label; "Question N"
 *   counts the questions' tables only.  A card's reactions ("+1 ×2, ! ×1")
 *   follow its votes when it has some.
 *   User text is escaped so that it is only ever text: no raw HTML, links,
 *   emphasis or block structure can come from it; so are the translations
 *   of the report's own words.  A multi-line card keeps its lines as hard
 *   line breaks ("\" at the end of a line).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-impl.h"
#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

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

/*
 * " — N votes — Name": the end of a card's line; the names of the
 * authors of duplicates merged into it follow the author's.
 */
static void
export_md_meta(struct export_ctx *x, const struct model_card *c)
{
	static const char *const marks[PROTO_REACTIONS] = { "+1", "?", "!" };
	char		*who = export_authors(x, c);
	const char	*sep = ", ";
	size_t		 r;

	export_puts(&x->b, " — ");
	/* TRANSLATORS: dots on a card or a cluster (gommettes). */
	export_md_fixed(&x->b, false, ngettext("%llu vote", "%llu votes",
	    c->votes), (unsigned long long)c->votes);
	for (r = 0; r < PROTO_REACTIONS; r++) {
		if (c->reactions[r] == 0)
			continue;
		export_puts(&x->b, sep);
		export_md_fixed(&x->b, false, "%s ×%u", marks[r],
		    (unsigned)c->reactions[r]);
	}
	if (who != NULL) {
		export_puts(&x->b, " — ");
		export_md_inline(&x->b, who, false);
	}
	free(who);
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

/*
 * ext: " — structurant 8 · pertinent 9 · novateur 4 · total 21": a card's
 * totals per criterion, when the board has criteria.
 */
static void
export_md_scores(struct export_ctx *x, const struct model_card *c)
{
	const struct model	*m = x->m;
	uint32_t		 k;

	if (m->ncriteria == 0)
		return;
	export_puts(&x->b, " — ");
	for (k = 0; k < m->ncriteria; k++) {
		export_md_inline(&x->b, m->criteria[k], false);
		export_printf(&x->b, " %u · ", (unsigned)c->score[k]);
	}
	/* TRANSLATORS: the sum of a card's scores on every criterion. */
	export_md_fixed(&x->b, false, _("total %llu"),
	    (unsigned long long)model_score_sum(m, c));
}

/* The kept ideas of a table, best first. */
static void
export_md_kept(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	**kept;
	size_t				  i, n;
	int				  w;

	n = export_kept(x, et, &kept);
	export_puts(&x->b, "#### ");
	export_md_fixed(&x->b, false, "%s", _("Kept ideas"));
	export_puts(&x->b, "\n\n");
	if (n == 0) {
		export_md_fixed(&x->b, true, "%s", _("No idea kept."));
		export_puts(&x->b, "\n\n");
	}
	for (i = 0; i < n; i++) {
		/* The content lines up after the marker: "1. " or "10. ". */
		w = snprintf(NULL, 0, "%zu. ", i + 1);
		export_printf(&x->b, "%zu. ", i + 1);
		export_md_lines(&x->b, kept[i]->c->text, (size_t)w);
		export_md_meta(x, kept[i]->c);
		export_md_scores(x, kept[i]->c);
		export_putc(&x->b, '\n');
	}
	if (n > 0)
		export_putc(&x->b, '\n');
	free(kept);
}

/*
 * Add e and the replies nested under it (those in no cluster, as
 * export_md_replies lists them) to a cluster's card and vote counts.
 */
static void
export_md_count(const struct export_table *et, const struct export_card *e,
    uint64_t *cards, uint64_t *votes)
{
	size_t	i;

	*cards += 1;
	*votes += e->c->votes;
	for (i = 0; i < et->n; i++) {
		if (et->cards[i].parent == e->c->id &&
		    et->cards[i].cluster == 0)
			export_md_count(et, &et->cards[i], cards, votes);
	}
}

/* ext: "**Section** — hint", then its cards, or that it has none. */
static void
export_md_section(struct export_ctx *x, const struct export_table *et,
    const struct model_section *s, uint32_t number)
{
	const struct export_card	**v;
	char				 *who;
	size_t				  i, n;

	export_puts(&x->b, "**");
	export_md_inline(&x->b, s->name, false);
	export_puts(&x->b, "**");
	if (!export_blank(s->hint)) {
		export_puts(&x->b, " — *");
		export_md_inline(&x->b, s->hint, false);
		export_puts(&x->b, "*");
	}
	export_puts(&x->b, "\n\n");
	n = export_section(et, number, &v);
	if (n == 0) {
		/* TRANSLATORS: a section of a canvas that nobody filled. */
		export_md_fixed(&x->b, true, "%s", _("Nothing written."));
		export_putc(&x->b, '\n');
	}
	for (i = 0; i < n; i++) {
		export_puts(&x->b, "- ");
		export_md_lines(&x->b, v[i]->c->text, 2);
		if ((who = export_authors(x, v[i]->c)) != NULL) {
			export_puts(&x->b, " — ");
			export_md_inline(&x->b, who, false);
		}
		free(who);
		export_putc(&x->b, '\n');
	}
	export_putc(&x->b, '\n');
	free(v);
}

/* ext: a table's canvas, its sections of one kind (ideas or feedback). */
static void
export_md_canvas(struct export_ctx *x, const struct export_table *et,
    uint8_t kind)
{
	const struct model_canvas	*cv = export_canvas(x, et->t);
	uint32_t			 i;

	if (!export_has_kind(cv, kind))
		return;
	export_puts(&x->b, "#### ");
	if (kind == SECTION_FEEDBACK)
		/* TRANSLATORS: what the other teams said of a team's pitch. */
		export_md_fixed(&x->b, false, "%s", _("Pitch feedback"));
	else
		export_md_inline(&x->b, cv->name, false);
	export_puts(&x->b, "\n\n");
	for (i = 0; i < cv->nsections; i++)
		if (cv->sections[i].kind == kind)
			export_md_section(x, et, &cv->sections[i], i + 1);
}

/* ext: a table cell: one line, "|" escaped, never empty. */
static void
export_md_cell(struct export_buf *b, const char *s)
{
	export_puts(b, " ");
	if (s == NULL || export_blank(s))
		export_puts(b, "—");
	else
		export_md_inline(b, s, false);
	export_puts(b, " |");
}

/* ext: the roadmap: a table of the actions, by due day. */
static void
export_md_roadmap(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	**v;
	size_t				  i, n;

	if ((n = export_actions(x, et, &v)) == 0) {
		free(v);
		return;
	}
	export_puts(&x->b, "#### ");
	/* TRANSLATORS: the table of actions, owners and due days. */
	export_md_fixed(&x->b, false, "%s", _("Roadmap"));
	export_puts(&x->b, "\n\n|");
	/* TRANSLATORS: the roadmap's columns. */
	export_md_cell(&x->b, _("Action"));
	export_md_cell(&x->b, _("Owner"));
	export_md_cell(&x->b, _("Due"));
	export_md_cell(&x->b, _("From the idea"));
	export_puts(&x->b, "\n|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		export_puts(&x->b, "|");
		export_md_cell(&x->b, v[i]->c->text[0] != '\0' ?
		    v[i]->c->text : _("(private)"));
		export_md_cell(&x->b, v[i]->c->owner);
		export_md_cell(&x->b, v[i]->c->due);
		export_md_cell(&x->b, export_action_idea(x, v[i]));
		export_putc(&x->b, '\n');
	}
	export_putc(&x->b, '\n');
	free(v);
}

/* Every idea of a table: clusters, then the cards in none. */
static void
export_md_all(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	*e;
	uint64_t			 cards, votes;
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
		/* Everything listed below: members and their replies. */
		cards = votes = 0;
		for (j = 0; j < et->n; j++) {
			if (et->cards[j].cluster == e->c->id)
				export_md_count(et, &et->cards[j], &cards,
				    &votes);
		}
		export_puts(&x->b, " — ");
		export_md_fixed(&x->b, false, ngettext("%llu card",
		    "%llu cards", cards), (unsigned long long)cards);
		export_puts(&x->b, ", ");
		export_md_fixed(&x->b, false, ngettext("%llu vote",
		    "%llu votes", votes), (unsigned long long)votes);
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

/*
 * One table: its question, kept ideas, all ideas.  A group's table is
 * shown only with cards (*number is not counted for it).
 */
static void
export_md_table(struct export_ctx *x, const struct model_table *t,
    size_t *number)
{
	struct export_table	 et;
	char			*title;

	export_table_load(x->m, t, &et);
	if (t->kind != TABLE_QUESTION && et.n == 0) {
		export_table_free(&et);
		return;
	}
	export_puts(&x->b, "### ");
	title = export_table_title(t, number);
	export_md_inline(&x->b, title, false);
	free(title);
	if (t->question[0] != '\0') {
		export_puts(&x->b, " — ");
		export_md_inline(&x->b, t->question, false);
	}
	export_puts(&x->b, "\n\n");
	export_md_kept(x, &et);
	export_md_canvas(x, &et, SECTION_IDEAS);
	export_md_roadmap(x, &et);
	export_md_canvas(x, &et, SECTION_FEEDBACK);
	export_md_all(x, &et);
	export_table_free(&et);
}

/* The line giving the date of the workshop (see export_days). */
static void
export_md_date(struct export_ctx *x)
{
	char	 first[16], last[16], *span;

	export_days(x->m, first, last);
	export_puts(&x->b, "- ");
	if (strcmp(first, last) == 0)
		export_md_fixed(&x->b, false, _("Date: %s (UTC)"), first);
	else {
		/* TRANSLATORS: the workshop's first and last days. */
		xasprintf(&span, _("%s to %s"), first, last);
		export_md_fixed(&x->b, false, _("Date: %s (UTC)"), span);
		free(span);
	}
	export_putc(&x->b, '\n');
}

/* The key groups' tables are filed under: no theme holds a control. */
#define EXPORT_MD_GROUPS	"\x01"

/*
 * The key a table is filed under when themes head the report: its theme,
 * or for a group's table (whose theme may be a label), the groups'.
 */
static const char *
export_md_file_key(const struct model_table *t)
{
	return t->kind != TABLE_QUESTION ? EXPORT_MD_GROUPS : export_theme(t);
}

/* True when a group's table holds a live card (it has a section). */
static bool
export_md_groups_wrote(const struct model *m)
{
	const struct model_table	*t;
	size_t				 i;

	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].deleted)
			continue;
		t = model_table(m, m->cards[i].table);
		if (t != NULL && t->kind != TABLE_QUESTION)
			return true;
	}
	return false;
}

/* A time of day in UTC: "HH:MM". */
static void
export_md_clock(struct export_buf *b, int64_t ms)
{
	struct export_buf	t;

	memset(&t, 0, sizeof t);
	export_time(&t, ms, false);
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	export_put(b, t.data + 11, 5);
	free(t.data);
}

/* The run sheet with the times each step really ran. */
static void
export_md_steps(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct model_step	*s;
	struct export_buf	 from, to;
	size_t			 i;

	if (m->nsteps == 0)
		return;
	export_puts(&x->b, "## ");
	/* TRANSLATORS: the day's steps (déroulé). */
	export_md_fixed(&x->b, false, "%s", _("Run sheet"));
	export_puts(&x->b, "\n\n");
	for (i = 0; i < m->nsteps; i++) {
		s = &m->steps[i];
		export_printf(&x->b, "%zu. ", i + 1);
		export_md_inline(&x->b, s->def.title != NULL ? s->def.title :
		    "", false);
		export_puts(&x->b, " — ");
		memset(&from, 0, sizeof from);
		memset(&to, 0, sizeof to);
		if (s->started_ms == 0)
			/* TRANSLATORS: a step of the day that never started. */
			export_md_fixed(&x->b, false, "%s", _("not run"));
		else {
			export_md_clock(&from, s->started_ms);
			export_putc(&from, '\0');
			if (s->ended_ms != 0) {
				export_md_clock(&to, s->ended_ms);
				export_putc(&to, '\0');
				/* TRANSLATORS: the hours a step ran. */
				export_md_fixed(&x->b, false,
				    _("from %s to %s (UTC)"), from.data,
				    to.data);
			} else
				/* TRANSLATORS: the step that runs now. */
				export_md_fixed(&x->b, false,
				    _("since %s (UTC)"), from.data);
		}
		free(from.data);
		free(to.data);
		export_putc(&x->b, '\n');
	}
	export_putc(&x->b, '\n');
}

/* The polls and, once closed, their results. */
static void
export_md_polls(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct model_poll	*p;
	size_t			 i;
	uint32_t		 k, total;

	if (m->npolls == 0)
		return;
	export_puts(&x->b, "## ");
	export_md_fixed(&x->b, false, "%s", _("Polls"));
	export_puts(&x->b, "\n\n");
	for (i = 0; i < m->npolls; i++) {
		p = &m->polls[i];
		export_puts(&x->b, "### ");
		export_md_inline(&x->b, p->question, false);
		export_puts(&x->b, "\n\n");
		if (!p->closed) {
			export_md_fixed(&x->b, true, "%s", _("Still open: the "
			    "results come when it closes."));
			export_puts(&x->b, "\n\n");
			continue;
		}
		for (total = 0, k = 0; k < p->ncounts; k++)
			total += p->counts[k].n;
		if (total == 0) {
			export_md_fixed(&x->b, true, "%s", _("No answer."));
			export_puts(&x->b, "\n\n");
			continue;
		}
		for (k = 0; k < p->ncounts; k++) {
			export_puts(&x->b, "- ");
			export_md_inline(&x->b, p->counts[k].text, false);
			export_puts(&x->b, " — ");
			/* TRANSLATORS: how many gave this answer to a poll. */
			export_md_fixed(&x->b, false, ngettext("%u answer",
			    "%u answers", p->counts[k].n),
			    (unsigned)p->counts[k].n);
			export_putc(&x->b, '\n');
		}
		export_putc(&x->b, '\n');
	}
}

/* The Markdown report. */
void
export_md(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const char		*theme;
	size_t			 i, j, number = 0, people = 0, facils = 0;
	size_t			 questions = 0;
	bool			 themed = false, *done;

	for (i = 0; i < m->nparticipants; i++) {
		if (m->participants[i].role == ROLE_FACILITATOR)
			facils++;
		else
			people++;
	}
	for (i = 0; i < m->ntables; i++)
		questions += m->tables[i].kind == TABLE_QUESTION;
	export_puts(&x->b, "# ");
	export_md_inline(&x->b, export_title(m), false);
	export_puts(&x->b, "\n\n");
	export_md_date(x);
	if (!export_blank(m->settings.place)) {
		export_puts(&x->b, "- ");
		/* TRANSLATORS: where the workshop took place. */
		export_md_fixed(&x->b, false, "%s", _("Place: "));
		export_md_inline(&x->b, m->settings.place, false);
		export_putc(&x->b, '\n');
	}
	export_puts(&x->b, "- ");
	/* TRANSLATORS: those who took part and are not facilitators. */
	export_md_fixed(&x->b, false, _("Participants: %zu"), people);
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Facilitators: %zu"), facils);
	/* ext: and their first names. */
	for (i = j = 0; i < m->nparticipants; i++) {
		if (m->participants[i].role != ROLE_FACILITATOR)
			continue;
		export_puts(&x->b, j++ == 0 ? " (" : ", ");
		export_md_inline(&x->b, m->participants[i].name, false);
	}
	if (j > 0)
		export_putc(&x->b, ')');
	if (m->ncriteria > 0) {
		export_puts(&x->b, "\n- ");
		/* TRANSLATORS: the criteria ideas were evaluated on. */
		export_md_fixed(&x->b, false, "%s", _("Criteria: "));
		for (i = 0; i < m->ncriteria; i++) {
			if (i > 0)
				export_puts(&x->b, ", ");
			export_md_inline(&x->b, m->criteria[i], false);
		}
		export_puts(&x->b, " (");
		if (m->settings.eval_dots != 0)
			/* TRANSLATORS: how ideas were scored on each criterion. */
			export_md_fixed(&x->b, false, ngettext("%u dot per "
			    "person, criterion and question", "%u dots per "
			    "person, criterion and question",
			    m->settings.eval_dots),
			    (unsigned)m->settings.eval_dots);
		else
			export_md_fixed(&x->b, false, "%s", _("0 to 3 per person, "
			    "idea and criterion"));
		export_putc(&x->b, ')');
	}
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Rounds: %u"), (unsigned)m->round);
	export_puts(&x->b, "\n- ");
	export_md_fixed(&x->b, false, _("Questions: %zu"), questions);
	export_puts(&x->b, "\n\n");

	/* A label's theme is its table's heading, not a theme. */
	for (i = 0; i < m->ntables; i++) {
		if (export_theme(&m->tables[i])[0] != '\0' &&
		    m->tables[i].kind == TABLE_QUESTION)
			themed = true;
	}
	export_md_steps(x);
	export_md_polls(x);
	if (!themed) {
		for (i = 0; i < m->ntables; i++)
			export_md_table(x, &m->tables[i], &number);
		return;
	}
	/* Themes in order of first appearance, each with all its tables. */
	done = xcalloc(m->ntables, sizeof *done);
	for (i = 0; i < m->ntables; i++) {
		if (done[i])
			continue;
		theme = export_md_file_key(&m->tables[i]);
		if (strcmp(theme, EXPORT_MD_GROUPS) == 0 &&
		    !export_md_groups_wrote(m)) {
			done[i] = true;
			continue;
		}
		export_puts(&x->b, "## ");
		if (strcmp(theme, EXPORT_MD_GROUPS) == 0)
			/* TRANSLATORS: the heading of pairs, teams... */
			export_md_fixed(&x->b, false, "%s",
			    _("Working groups"));
		else if (theme[0] != '\0')
			export_md_inline(&x->b, theme, false);
		else {
			/* TRANSLATORS: the heading of unthemed tables. */
			export_md_fixed(&x->b, false, "%s",
			    _("Other questions"));
		}
		export_puts(&x->b, "\n\n");
		for (j = i; j < m->ntables; j++) {
			if (done[j] || strcmp(export_md_file_key(
			    &m->tables[j]), theme) != 0)
				continue;
			done[j] = true;
			export_md_table(x, &m->tables[j], &number);
		}
	}
	free(done);
}
