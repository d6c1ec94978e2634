/*
 * export-html.c -- the report as one self-contained HTML page (ext).
 *
 * HTML (a page a facilitator projects, prints or saves as PDF from any
 *   browser): the same report as the Markdown one (export-md.c), in the same
 *   order and words: the facts, the run sheet with the times each step
 *   really ran, the polls with their results, then the tables (a group's
 *   only when it holds cards) under their themes.  One file: the style is inline (one <style> element,
 *   A4 pages, a column that fits the page's width, long words broken), no
 *   script, no image, no font, no link to anything.  Every piece of user
 *   text is escaped (& < > " ' as entities; control, bidi and invalid
 *   characters as U+FFFD), so that it is only ever text; a card's lines
 *   are kept with <br>.  The language of the page (lang) is that of the
 *   messages.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-impl.h"
#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

/*
 * The page's style: A4 with margins; everything wraps within the column
 * (tables are fixed to its width, words broken anywhere when they must).
 */
static const char export_html_style[] =
"@page { size: A4; margin: 16mm 15mm; }\n"
"html { font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, "
    "sans-serif; font-size: 10.5pt; line-height: 1.45; color: #1b1b1b; "
    "background: #fff; }\n"
"body { max-width: 180mm; margin: 0 auto; padding: 0 2mm; }\n"
"h1 { font-size: 20pt; line-height: 1.2; margin: 6mm 0 3mm; }\n"
"h2 { font-size: 15pt; margin: 9mm 0 2mm; padding-bottom: 1mm; "
    "border-bottom: 2px solid #2d5f8b; color: #2d5f8b; }\n"
"h3 { font-size: 13pt; margin: 7mm 0 2mm; }\n"
"h4 { font-size: 11pt; margin: 5mm 0 1.5mm; color: #2d5f8b; }\n"
"h5 { font-size: 10.5pt; margin: 3mm 0 1mm; }\n"
"h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }\n"
"h1, h2, h3, h4, h5, p, li, td, th { overflow-wrap: anywhere; "
    "word-break: break-word; hyphens: auto; }\n"
"ul, ol { margin: 1mm 0 2mm; padding-left: 6mm; }\n"
"li { margin: 0.6mm 0; }\n"
"li, tr { break-inside: avoid; page-break-inside: avoid; }\n"
".facts { list-style: none; padding: 0; color: #333; }\n"
".meta, .hint, .none { color: #555; }\n"
".hint, .none { font-style: italic; margin: 0 0 1mm; }\n"
".scores { color: #2d5f8b; white-space: nowrap; }\n"
"table { width: 100%; border-collapse: collapse; table-layout: fixed; "
    "margin: 1mm 0 3mm; }\n"
"th, td { border: 1px solid #b9c4cf; padding: 1.2mm 1.8mm; "
    "text-align: left; vertical-align: top; }\n"
"th { background: #eaf0f5; }\n"
"col.due { width: 26mm; }\n"
"td.due { white-space: nowrap; }\n"
"col.owner { width: 32mm; }\n"
"@media screen { body { padding: 0 6mm 10mm; } }\n";

/* Append s[0..len) escaped as HTML text; newlines as <br> when br. */
static void
export_html_put(struct export_buf *b, const char *s, size_t len, bool br)
{
	size_t		i = 0, n;
	uint32_t	cp;

	while (i < len) {
		n = export_next(s + i, len - i, &cp);
		i += n;
		switch (cp) {
		case '&':
			export_puts(b, "&amp;");
			continue;
		case '<':
			export_puts(b, "&lt;");
			continue;
		case '>':
			export_puts(b, "&gt;");
			continue;
		case '"':
			export_puts(b, "&quot;");
			continue;
		case '\'':
			export_puts(b, "&#39;");
			continue;
		case '\n':
			export_puts(b, br ? "<br>\n" : " ");
			continue;
		case '\r':
		case '\t':
			export_putc(b, ' ');
			continue;
		}
		if (cp == 0 || text_cp_forbidden(cp))
			cp = 0xfffd;
		export_cp(b, cp);
	}
}

/* Append a NUL-terminated piece of user text, on one line. */
static void
export_html_text(struct export_buf *b, const char *s)
{
	export_html_put(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0,
	    false);
}

/* Append formatted words of the report's own, escaped like user text. */
static void __attribute__((format(printf, 2, 3)))
export_html_fixed(struct export_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	export_html_put(b, s, (size_t)n, false);
	free(s);
}

/* True if s holds nothing but ASCII white space. */
static bool
export_html_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/*
 * A card's text with its lines, "(private)" when this replica lacks it,
 * "(empty)" when it is only spaces, as in the Markdown report.
 */
static void
export_html_card_text(struct export_buf *b, const char *s)
{
	if (s == NULL || *s == '\0') {
		export_html_fixed(b, "%s", _("(private)"));
		return;
	}
	if (export_html_blank(s)) {
		export_html_fixed(b, "%s", _("(empty)"));
		return;
	}
	export_html_put(b, s, strlen(s), true);
}

/*
 * " — N votes, +1 ×2 — Name — scores": the end of a card's line, its
 * reactions after its votes as in the Markdown report.
 */
static void
export_html_meta(struct export_ctx *x, const struct model_card *c,
    bool scores)
{
	static const char *const marks[PROTO_REACTIONS] = { "+1", "?", "!" };
	const struct model	*m = x->m;
	char			*who = export_authors(x, c);
	uint32_t		 k;
	size_t			 r;

	export_puts(&x->b, " <span class=\"meta\">— ");
	export_html_fixed(&x->b, ngettext("%llu vote", "%llu votes",
	    c->votes), (unsigned long long)c->votes);
	for (r = 0; r < PROTO_REACTIONS; r++) {
		if (c->reactions[r] == 0)
			continue;
		export_puts(&x->b, ", ");
		export_html_fixed(&x->b, "%s ×%u", marks[r],
		    (unsigned)c->reactions[r]);
	}
	if (who != NULL) {
		export_puts(&x->b, " — ");
		export_html_text(&x->b, who);
	}
	free(who);
	export_puts(&x->b, "</span>");
	if (!scores || m->ncriteria == 0)
		return;
	export_puts(&x->b, " <span class=\"scores\">— ");
	for (k = 0; k < m->ncriteria; k++) {
		export_html_text(&x->b, m->criteria[k]);
		export_printf(&x->b, " %u · ", (unsigned)c->score[k]);
	}
	export_html_fixed(&x->b, _("total %llu"),
	    (unsigned long long)model_score_sum(m, c));
	export_puts(&x->b, "</span>");
}

/* An <hN> of the report's own words. */
static void
export_html_heading(struct export_buf *b, int level, const char *words)
{
	export_printf(b, "<h%d>", level);
	export_html_text(b, words);
	export_printf(b, "</h%d>\n", level);
}

static void	export_html_card(struct export_ctx *,
		    const struct export_table *, const struct export_card *);

/* The replies to e that are in no cluster, as a nested list. */
static void
export_html_replies(struct export_ctx *x, const struct export_table *et,
    const struct export_card *e)
{
	size_t	i;
	bool	open = false;

	for (i = 0; i < et->n; i++) {
		if (et->cards[i].parent != e->c->id ||
		    et->cards[i].cluster != 0)
			continue;
		if (!open)
			export_puts(&x->b, "<ul>\n");
		open = true;
		export_html_card(x, et, &et->cards[i]);
	}
	if (open)
		export_puts(&x->b, "</ul>\n");
}

/* One card as an <li>, its replies nested. */
static void
export_html_card(struct export_ctx *x, const struct export_table *et,
    const struct export_card *e)
{
	export_puts(&x->b, "<li>");
	export_html_card_text(&x->b, e->c->text);
	export_html_meta(x, e->c, false);
	export_putc(&x->b, '\n');
	export_html_replies(x, et, e);
	export_puts(&x->b, "</li>\n");
}

/* The kept ideas of a table, best first, with their scores. */
static void
export_html_kept(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	**kept;
	size_t				  i, n;

	n = export_kept(x, et, &kept);
	export_html_heading(&x->b, 4, _("Kept ideas"));
	if (n == 0) {
		export_puts(&x->b, "<p class=\"none\">");
		export_html_fixed(&x->b, "%s", _("No idea kept."));
		export_puts(&x->b, "</p>\n");
	} else
		export_puts(&x->b, "<ol>\n");
	for (i = 0; i < n; i++) {
		export_puts(&x->b, "<li>");
		export_html_card_text(&x->b, kept[i]->c->text);
		export_html_meta(x, kept[i]->c, true);
		export_puts(&x->b, "</li>\n");
	}
	if (n > 0)
		export_puts(&x->b, "</ol>\n");
	free(kept);
}

/* A canvas's sections of one kind (ideas, or feedback for the pitch). */
static void
export_html_canvas(struct export_ctx *x, const struct export_table *et,
    uint8_t kind)
{
	const struct model_canvas	*cv = export_canvas(x, et->t);
	const struct model_section	*s;
	const struct export_card	**v;
	char				 *who;
	size_t				  i, n;
	uint32_t			  k;

	if (!export_has_kind(cv, kind))
		return;
	export_html_heading(&x->b, 4, kind == SECTION_FEEDBACK ?
	    _("Pitch feedback") : cv->name);
	for (k = 0; k < cv->nsections; k++) {
		s = &cv->sections[k];
		if (s->kind != kind)
			continue;
		export_html_heading(&x->b, 5, s->name);
		if (s->hint[0] != '\0') {
			export_puts(&x->b, "<p class=\"hint\">");
			export_html_text(&x->b, s->hint);
			export_puts(&x->b, "</p>\n");
		}
		n = export_section(et, k + 1, &v);
		if (n == 0) {
			export_puts(&x->b, "<p class=\"none\">");
			export_html_fixed(&x->b, "%s", _("Nothing written."));
			export_puts(&x->b, "</p>\n");
		} else
			export_puts(&x->b, "<ul>\n");
		for (i = 0; i < n; i++) {
			export_puts(&x->b, "<li>");
			export_html_card_text(&x->b, v[i]->c->text);
			if ((who = export_authors(x, v[i]->c)) != NULL) {
				export_puts(&x->b, " <span class=\"meta\">— ");
				export_html_text(&x->b, who);
				export_puts(&x->b, "</span>");
			}
			free(who);
			export_puts(&x->b, "</li>\n");
		}
		if (n > 0)
			export_puts(&x->b, "</ul>\n");
		free(v);
	}
}

/* A table cell of user text, a dash when empty. */
static void
export_html_cell(struct export_buf *b, const char *s)
{
	export_puts(b, "<td>");
	if (s == NULL || *s == '\0')
		export_puts(b, "—");
	else
		export_html_put(b, s, strlen(s), true);
	export_puts(b, "</td>");
}

/* The roadmap: the actions as a table, by due day. */
static void
export_html_roadmap(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	**v;
	size_t				  i, n;

	if ((n = export_actions(x, et, &v)) == 0) {
		free(v);
		return;
	}
	export_html_heading(&x->b, 4, _("Roadmap"));
	export_puts(&x->b, "<table>\n<colgroup><col><col class=\"owner\">"
	    "<col class=\"due\"><col></colgroup>\n<thead><tr><th>");
	export_html_text(&x->b, _("Action"));
	export_puts(&x->b, "</th><th>");
	export_html_text(&x->b, _("Owner"));
	export_puts(&x->b, "</th><th>");
	export_html_text(&x->b, _("Due"));
	export_puts(&x->b, "</th><th>");
	export_html_text(&x->b, _("From the idea"));
	export_puts(&x->b, "</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		export_puts(&x->b, "<tr>");
		export_html_cell(&x->b, v[i]->c->text[0] != '\0' ?
		    v[i]->c->text : _("(private)"));
		export_html_cell(&x->b, v[i]->c->owner);
		export_puts(&x->b, "<td class=\"due\">");
		export_html_text(&x->b, v[i]->c->due != NULL &&
		    v[i]->c->due[0] != '\0' ? v[i]->c->due : "—");
		export_puts(&x->b, "</td>");
		export_html_cell(&x->b, export_action_idea(x, v[i]));
		export_puts(&x->b, "</tr>\n");
	}
	export_puts(&x->b, "</tbody>\n</table>\n");
	free(v);
}

/*
 * Add e and the replies listed under it (those in no cluster) to a
 * cluster's counts, as the Markdown report counts them.
 */
static void
export_html_count(const struct export_table *et, const struct export_card *e,
    uint64_t *cards, uint64_t *votes)
{
	size_t	i;

	*cards += 1;
	*votes += e->c->votes;
	for (i = 0; i < et->n; i++)
		if (et->cards[i].parent == e->c->id &&
		    et->cards[i].cluster == 0)
			export_html_count(et, &et->cards[i], cards, votes);
}

/* Every idea of a table: clusters, then the cards in none. */
static void
export_html_all(struct export_ctx *x, const struct export_table *et)
{
	const struct export_card	*e;
	size_t				 i, j, shown = 0;
	uint64_t			 cards, votes;

	export_html_heading(&x->b, 4, _("All ideas"));
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->cluster != e->c->id)
			continue;
		export_puts(&x->b, shown == 0 ? "<ul>\n<li>" : "<li>");
		if (e->ctitle[0] != '\0') {
			export_puts(&x->b, "<strong>");
			export_html_text(&x->b, e->ctitle);
			export_puts(&x->b, "</strong>");
		} else {
			export_puts(&x->b, "<em>");
			export_html_fixed(&x->b, "%s", _("Untitled cluster"));
			export_puts(&x->b, "</em>");
		}
		cards = votes = 0;
		for (j = 0; j < et->n; j++)
			if (et->cards[j].cluster == e->c->id)
				export_html_count(et, &et->cards[j], &cards,
				    &votes);
		export_puts(&x->b, " <span class=\"meta\">— ");
		export_html_fixed(&x->b, ngettext("%llu card", "%llu cards",
		    cards), (unsigned long long)cards);
		export_puts(&x->b, ", ");
		export_html_fixed(&x->b, ngettext("%llu vote", "%llu votes",
		    votes), (unsigned long long)votes);
		export_puts(&x->b, "</span>\n<ul>\n");
		export_html_card(x, et, e);
		for (j = 0; j < et->n; j++)
			if (et->cards[j].member_of == e->c->id)
				export_html_card(x, et, &et->cards[j]);
		export_puts(&x->b, "</ul>\n</li>\n");
		shown++;
	}
	for (i = 0; i < et->n; i++) {
		e = &et->cards[i];
		if (e->cluster == 0 && e->parent == 0) {
			if (shown++ == 0)
				export_puts(&x->b, "<ul>\n");
			export_html_card(x, et, e);
		}
	}
	/* No empty list: the sentence says there is none. */
	if (shown > 0)
		export_puts(&x->b, "</ul>\n");
	else {
		export_puts(&x->b, "<p class=\"none\">");
		export_html_fixed(&x->b, "%s", _("No ideas."));
		export_puts(&x->b, "</p>\n");
	}
}

/*
 * One table: its question and everything it produced.  A group's table is
 * shown only with cards (*number counts the questions' tables only).
 */
static void
export_html_table(struct export_ctx *x, const struct model_table *t,
    size_t *number)
{
	struct export_table	 et;
	char			*title;

	export_table_load(x->m, t, &et);
	if (t->kind != TABLE_QUESTION && et.n == 0) {
		export_table_free(&et);
		return;
	}
	export_puts(&x->b, "<section>\n<h3>");
	title = export_table_title(t, number);
	export_html_text(&x->b, title);
	free(title);
	if (t->question[0] != '\0') {
		export_puts(&x->b, " — ");
		export_html_text(&x->b, t->question);
	}
	export_puts(&x->b, "</h3>\n");
	export_html_kept(x, &et);
	export_html_canvas(x, &et, SECTION_IDEAS);
	export_html_roadmap(x, &et);
	export_html_canvas(x, &et, SECTION_FEEDBACK);
	export_html_all(x, &et);
	export_puts(&x->b, "</section>\n");
	export_table_free(&et);
}

/* The list of facts under the title. */
static void
export_html_facts(struct export_ctx *x)
{
	const struct model	*m = x->m;
	char			 first[16], last[16], *span;
	size_t			 i, k, people = 0, facils = 0, questions = 0;

	for (i = 0; i < m->nparticipants; i++) {
		if (m->participants[i].role == ROLE_FACILITATOR)
			facils++;
		else
			people++;
	}
	for (i = 0; i < m->ntables; i++)
		questions += m->tables[i].kind == TABLE_QUESTION;
	export_days(m, first, last);
	export_puts(&x->b, "<ul class=\"facts\">\n<li>");
	if (strcmp(first, last) == 0)
		export_html_fixed(&x->b, _("Date: %s (UTC)"), first);
	else {
		xasprintf(&span, _("%s to %s"), first, last);
		export_html_fixed(&x->b, _("Date: %s (UTC)"), span);
		free(span);
	}
	export_puts(&x->b, "</li>\n");
	if (m->settings.place != NULL &&
	    !export_html_blank(m->settings.place)) {
		export_puts(&x->b, "<li>");
		export_html_fixed(&x->b, "%s", _("Place: "));
		export_html_text(&x->b, m->settings.place);
		export_puts(&x->b, "</li>\n");
	}
	export_puts(&x->b, "<li>");
	export_html_fixed(&x->b, _("Participants: %zu"), people);
	export_puts(&x->b, "</li>\n<li>");
	export_html_fixed(&x->b, _("Facilitators: %zu"), facils);
	for (i = k = 0; i < m->nparticipants; i++) {
		if (m->participants[i].role != ROLE_FACILITATOR)
			continue;
		export_puts(&x->b, k++ == 0 ? " (" : ", ");
		export_html_text(&x->b, m->participants[i].name);
	}
	if (k > 0)
		export_putc(&x->b, ')');
	export_puts(&x->b, "</li>\n");
	if (m->ncriteria > 0) {
		export_puts(&x->b, "<li>");
		export_html_fixed(&x->b, "%s", _("Criteria: "));
		for (i = 0; i < m->ncriteria; i++) {
			if (i > 0)
				export_puts(&x->b, ", ");
			export_html_text(&x->b, m->criteria[i]);
		}
		export_puts(&x->b, " (");
		if (m->settings.eval_dots != 0)
			export_html_fixed(&x->b, ngettext("%u dot per person, "
			    "criterion and question", "%u dots per person, "
			    "criterion and question", m->settings.eval_dots),
			    (unsigned)m->settings.eval_dots);
		else
			export_html_fixed(&x->b, "%s", _("0 to 3 per person, "
			    "idea and criterion"));
		export_puts(&x->b, ")</li>\n");
	}
	export_puts(&x->b, "<li>");
	export_html_fixed(&x->b, _("Rounds: %u"), (unsigned)m->round);
	export_puts(&x->b, "</li>\n<li>");
	export_html_fixed(&x->b, _("Questions: %zu"), questions);
	export_puts(&x->b, "</li>\n</ul>\n");
}

/* The key groups' tables are filed under: no theme holds a control. */
#define EXPORT_HTML_GROUPS	"\x01"

/*
 * The key a table is filed under when themes head the report: its theme,
 * or for a group's table (whose theme may be a label), the groups'.
 */
static const char *
export_html_file_key(const struct model_table *t)
{
	return t->kind != TABLE_QUESTION ? EXPORT_HTML_GROUPS :
	    export_theme(t);
}

/* True when a group's table holds a live card (it has a section). */
static bool
export_html_groups_wrote(const struct model *m)
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

/* A time of day in UTC, "HH:MM", into out. */
static void
export_html_clock(char out[6], int64_t ms)
{
	struct export_buf	t;

	memset(&t, 0, sizeof t);
	export_time(&t, ms, false);
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	memcpy(out, t.data + 11, 5);
	out[5] = '\0';
	free(t.data);
}

/* The run sheet with the times each step really ran. */
static void
export_html_steps(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct model_step	*s;
	char			 from[6], to[6];
	size_t			 i;

	if (m->nsteps == 0)
		return;
	export_puts(&x->b, "<section>\n");
	export_html_heading(&x->b, 2, _("Run sheet"));
	export_puts(&x->b, "<ol>\n");
	for (i = 0; i < m->nsteps; i++) {
		s = &m->steps[i];
		export_puts(&x->b, "<li>");
		export_html_text(&x->b, s->def.title);
		export_puts(&x->b, " — ");
		if (s->started_ms == 0)
			export_html_fixed(&x->b, "%s", _("not run"));
		else {
			export_html_clock(from, s->started_ms);
			if (s->ended_ms != 0) {
				export_html_clock(to, s->ended_ms);
				export_html_fixed(&x->b,
				    _("from %s to %s (UTC)"), from, to);
			} else
				export_html_fixed(&x->b, _("since %s (UTC)"),
				    from);
		}
		export_puts(&x->b, "</li>\n");
	}
	export_puts(&x->b, "</ol>\n</section>\n");
}

/* A paragraph of the report's own words, in the style of an absence. */
static void
export_html_none(struct export_buf *b, const char *words)
{
	export_puts(b, "<p class=\"none\">");
	export_html_text(b, words);
	export_puts(b, "</p>\n");
}

/* The polls and, once closed, their results. */
static void
export_html_polls(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const struct model_poll	*p;
	size_t			 i;
	uint32_t		 k, total;

	if (m->npolls == 0)
		return;
	export_puts(&x->b, "<section>\n");
	export_html_heading(&x->b, 2, _("Polls"));
	for (i = 0; i < m->npolls; i++) {
		p = &m->polls[i];
		export_html_heading(&x->b, 3, p->question);
		if (!p->closed) {
			export_html_none(&x->b, _("Still open: the results "
			    "come when it closes."));
			continue;
		}
		for (total = 0, k = 0; k < p->ncounts; k++)
			total += p->counts[k].n;
		if (total == 0) {
			export_html_none(&x->b, _("No answer."));
			continue;
		}
		export_puts(&x->b, "<ul>\n");
		for (k = 0; k < p->ncounts; k++) {
			export_puts(&x->b, "<li>");
			export_html_text(&x->b, p->counts[k].text);
			export_puts(&x->b, " <span class=\"meta\">— ");
			export_html_fixed(&x->b, ngettext("%u answer",
			    "%u answers", p->counts[k].n),
			    (unsigned)p->counts[k].n);
			export_puts(&x->b, "</span></li>\n");
		}
		export_puts(&x->b, "</ul>\n");
	}
	export_puts(&x->b, "</section>\n");
}

/* The report as one HTML page. */
void
export_html(struct export_ctx *x)
{
	const struct model	*m = x->m;
	const char		*theme;
	size_t			 i, j, number = 0;
	bool			 themed = false, *done;

	export_puts(&x->b, "<!DOCTYPE html>\n<html lang=\"");
	/* TRANSLATORS: the language of this catalogue (an HTML lang). */
	export_html_text(&x->b, _("en"));
	export_puts(&x->b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	export_html_text(&x->b, export_title(m));
	export_puts(&x->b, "</title>\n<style>\n");
	export_puts(&x->b, export_html_style);
	export_puts(&x->b, "</style>\n</head>\n<body>\n<header>\n<h1>");
	export_html_text(&x->b, export_title(m));
	export_puts(&x->b, "</h1>\n");
	export_html_facts(x);
	export_puts(&x->b, "</header>\n<main>\n");
	export_html_steps(x);
	export_html_polls(x);

	/* A label's theme is its table's heading, not a theme. */
	for (i = 0; i < m->ntables; i++)
		if (export_theme(&m->tables[i])[0] != '\0' &&
		    m->tables[i].kind == TABLE_QUESTION)
			themed = true;
	if (!themed) {
		for (i = 0; i < m->ntables; i++)
			export_html_table(x, &m->tables[i], &number);
	} else {
		/* Themes in order of first appearance, each with its tables. */
		done = xcalloc(m->ntables, sizeof *done);
		for (i = 0; i < m->ntables; i++) {
			if (done[i])
				continue;
			theme = export_html_file_key(&m->tables[i]);
			if (strcmp(theme, EXPORT_HTML_GROUPS) == 0 &&
			    !export_html_groups_wrote(m)) {
				done[i] = true;
				continue;
			}
			export_html_heading(&x->b, 2,
			    strcmp(theme, EXPORT_HTML_GROUPS) == 0 ?
			    _("Working groups") : theme[0] != '\0' ? theme :
			    _("Other questions"));
			for (j = i; j < m->ntables; j++) {
				if (done[j] || strcmp(export_html_file_key(
				    &m->tables[j]), theme) != 0)
					continue;
				done[j] = true;
				export_html_table(x, &m->tables[j], &number);
			}
		}
		free(done);
	}
	export_puts(&x->b, "</main>\n</body>\n</html>\n");
}
