/*
 * export-csv.c -- the CSV export, one line per card.
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
 *     author         the author's first name, then ", " and those of the
 *                    authors of duplicates merged into the card; empty
 *                    when anonymous
 *     votes          dots on the card
 *     kept           "yes" or "no"
 *     created_at     when it was written, "2026-11-22T14:03:05Z" (UTC)
 *   (ext, deliverables)
 *     section        the name of its section in its table's canvas, or empty
 *     owner          an action's owner, or empty
 *     due            an action's due day, "2027-03-12", or empty
 *     score: LABEL   one column per criterion of the evaluation, when the
 *                    board has criteria: the card's total on it
 *     score_total    then the sum of those
 *   A user-written cell (theme, question, cluster_title, text, author,
 *   section, owner, a criterion's label) that
 *   starts with = + - @, a tab or CR (or their full-width forms) gets a
 *   leading "'" so that no spreadsheet runs it as a formula.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export-impl.h"
#include "xmalloc.h"

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

/* ext: the header of a criterion's column, "score: LABEL". */
static void
export_csv_label(struct export_buf *b, const char *label)
{
	char	*s;

	xasprintf(&s, "score: %s", label);
	export_csv_cell(b, s, true);
	free(s);
}

/* ext: a card's section, owner, due day and scores. */
static void
export_csv_deliver(struct export_ctx *x, const struct export_table *et,
    const struct export_card *e)
{
	const struct model_section	*s;
	uint32_t			 k;

	s = model_section(x->m, et->t->id, e->c->section);
	export_putc(&x->b, ',');
	export_csv_cell(&x->b, s != NULL ? s->name : "", true);
	export_putc(&x->b, ',');
	export_csv_cell(&x->b, e->c->owner != NULL ? e->c->owner : "", true);
	export_putc(&x->b, ',');
	export_csv_cell(&x->b, e->c->due != NULL ? e->c->due : "", false);
	for (k = 0; k < x->m->ncriteria; k++)
		export_printf(&x->b, ",%u", (unsigned)e->c->score[k]);
	if (x->m->ncriteria > 0)
		export_printf(&x->b, ",%llu",
		    (unsigned long long)model_score_sum(x->m, e->c));
}

/* The CSV: one line per live card. */
void
export_csv(struct export_ctx *x, bool bom)
{
	const struct model	*m = x->m;
	struct export_table	 et;
	const struct export_card *e;
	char			*who;
	size_t			 i, j;
	uint32_t		 k;

	if (bom)
		export_puts(&x->b, "\xef\xbb\xbf");
	export_puts(&x->b, "theme,question,card_id,cluster_head,cluster_title,"
	    "parent,text,author,votes,kept,created_at,section,owner,due");
	for (k = 0; k < m->ncriteria; k++) {
		export_putc(&x->b, ',');
		export_csv_label(&x->b, m->criteria[k]);
	}
	if (m->ncriteria > 0)
		export_puts(&x->b, ",score_total");
	export_puts(&x->b, "\r\n");
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
			who = export_authors(x, e->c);
			export_csv_cell(&x->b, who != NULL ? who : "", true);
			free(who);
			export_printf(&x->b, ",%u,%s,", (unsigned)e->c->votes,
			    e->c->kept ? "yes" : "no");
			export_time(&x->b, e->c->created_ms, false);
			export_csv_deliver(x, &et, e);
			export_puts(&x->b, "\r\n");
		}
		export_table_free(&et);
	}
}
