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
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "export-impl.h"
#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

/* Append len bytes. */
void
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
void
export_puts(struct export_buf *b, const char *s)
{
	export_put(b, s, strlen(s));
}

/* Append one byte. */
void
export_putc(struct export_buf *b, char c)
{
	export_put(b, &c, 1);
}

/* Append formatted text. */
void __attribute__((format(printf, 2, 3)))
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
void
export_indent(struct export_buf *b, size_t n)
{
	while (n-- > 0)
		export_putc(b, ' ');
}

/* Append a code point as UTF-8. */
void
export_cp(struct export_buf *b, uint32_t cp)
{
	char	u[4];

	export_put(b, u, text_encode(cp, u));
}

/* Decode one code point of s[0..len); invalid bytes give U+FFFD. */
size_t
export_next(const char *s, size_t len, uint32_t *cp)
{
	return text_decode(s, len, cp);
}

/* A time in UTC: "YYYY-MM-DD" (date) or "YYYY-MM-DDTHH:MM:SSZ". */
void
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

/*
 * The first and last days of the workshop, "YYYY-MM-DD" (UTC): the day the
 * first card was written (deleted ones count: they were written then) and
 * the day of the last one; the board's creation when there is no card.
 */
void
export_days(const struct model *m, char first[16], char last[16])
{
	struct export_buf	b;
	int64_t			lo = 0, hi = 0;
	size_t			i;

	for (i = 0; i < m->ncards; i++) {
		if (i == 0 || m->cards[i].created_ms < lo)
			lo = m->cards[i].created_ms;
		if (i == 0 || m->cards[i].created_ms > hi)
			hi = m->cards[i].created_ms;
	}
	if (m->ncards == 0)
		lo = hi = m->created_ms;
	memset(&b, 0, sizeof b);
	export_time(&b, lo, true);
	export_putc(&b, '\0');
	snprintf(first, 16, "%s", b.data);
	b.len = 0;
	export_time(&b, hi, true);
	export_putc(&b, '\0');
	snprintf(last, 16, "%s", b.data);
	free(b.data);
}

/* A table's theme, "" when none. */
const char *
export_theme(const struct model_table *t)
{
	return t->theme != NULL ? t->theme : "";
}

/* The author's name, or NULL when anonymous or unknown. */
const char *
export_author(const struct export_ctx *x, const struct model_card *c)
{
	const struct model_participant	*p;

	if (x->anonymous || c->author == 0)
		return NULL;
	if ((p = model_participant(x->m, c->author)) == NULL)
		return NULL;
	return p->name;
}

/*
 * The author's name and those of the coauthors, ", " between them
 * (malloc'd), or NULL when anonymous or none is known.
 */
char *
export_authors(const struct export_ctx *x, const struct model_card *c)
{
	const struct model_participant	*p;
	struct export_buf		 b;
	const char			*who;
	size_t				 i;

	if (x->anonymous)
		return NULL;
	memset(&b, 0, sizeof b);
	if ((who = export_author(x, c)) != NULL)
		export_puts(&b, who);
	for (i = 0; i < c->ncoauthors; i++) {
		if (c->coauthors[i].a > UINT32_MAX || (p = model_participant(
		    x->m, (uint32_t)c->coauthors[i].a)) == NULL)
			continue;
		if (b.len > 0)
			export_puts(&b, ", ");
		export_puts(&b, p->name);
	}
	if (b.len == 0)
		return NULL;
	export_putc(&b, '\0');
	return b.data;
}

/* The entry of card id in et, or NULL. */
struct export_card *
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
uint64_t
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
void
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
		if (e->cluster != 0) {
			h = export_find(et, e->cluster)->c;
			e->ctitle = h->title != NULL ? h->title : "";
		}
	}
}

/* Free what export_table_load allocated. */
void
export_table_free(struct export_table *et)
{
	free(et->cards);
	et->cards = NULL;
	et->n = 0;
}

/* ------------------------------------------------------- deliverables */

/* The board's title, or its name when it has none. */
const char *
export_title(const struct model *m)
{
	return m->settings.title != NULL && m->settings.title[0] != '\0' ?
	    m->settings.title : m->name;
}

/* The order of kept ideas: score total, votes, creation. */
static int
export_kept_cmp(const void *a, const void *b, void *arg)
{
	const struct export_card	*x = *(const struct export_card *const *)a;
	const struct export_card	*y = *(const struct export_card *const *)b;
	const struct model		*m = arg;
	uint64_t			 sx, sy;

	sx = model_score_sum(m, x->c);
	sy = model_score_sum(m, y->c);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->c->votes != y->c->votes)
		return x->c->votes > y->c->votes ? -1 : 1;
	return x->c->id < y->c->id ? -1 : x->c->id > y->c->id;
}

/* The kept cards of et in the report's order. */
size_t
export_kept(const struct export_ctx *x, const struct export_table *et,
    const struct export_card ***out)
{
	const struct export_card	**v;
	size_t				  i, n = 0;

	v = xcalloc(et->n + 1, sizeof *v);
	for (i = 0; i < et->n; i++)
		if (et->cards[i].c->kept)
			v[n++] = &et->cards[i];
	qsort_r(v, n, sizeof *v, export_kept_cmp, (void *)x->m);
	*out = v;
	return n;
}

/* The canvas of a table, or NULL. */
const struct model_canvas *
export_canvas(const struct export_ctx *x, const struct model_table *t)
{
	return t->canvas != 0 ? model_canvas(x->m, t->canvas) : NULL;
}

/* True when the canvas has a section of this kind. */
bool
export_has_kind(const struct model_canvas *cv, uint8_t kind)
{
	uint32_t	i;

	for (i = 0; cv != NULL && i < cv->nsections; i++)
		if (cv->sections[i].kind == kind)
			return true;
	return false;
}

/* True when card c of table t is an action. */
static bool
export_is_action(const struct export_ctx *x, const struct model_table *t,
    const struct model_card *c)
{
	const struct model_section	*s;

	if (c->owner != NULL && c->owner[0] != '\0')
		return true;
	s = model_section(x->m, t->id, c->section);
	return s != NULL && s->kind == SECTION_ACTIONS;
}

/* The order of actions: due day (none last), then creation. */
static int
export_action_cmp(const void *a, const void *b)
{
	const struct export_card	*x = *(const struct export_card *const *)a;
	const struct export_card	*y = *(const struct export_card *const *)b;
	const char			*dx = x->c->due != NULL ? x->c->due : "";
	const char			*dy = y->c->due != NULL ? y->c->due : "";
	int				 r;

	if ((dx[0] == '\0') != (dy[0] == '\0'))
		return dx[0] == '\0' ? 1 : -1;
	if ((r = strcmp(dx, dy)) != 0)
		return r;
	return x->c->id < y->c->id ? -1 : x->c->id > y->c->id;
}

/* The actions of et. */
size_t
export_actions(const struct export_ctx *x, const struct export_table *et,
    const struct export_card ***out)
{
	const struct export_card	**v;
	size_t				  i, n = 0;

	v = xcalloc(et->n + 1, sizeof *v);
	for (i = 0; i < et->n; i++)
		if (export_is_action(x, et->t, et->cards[i].c))
			v[n++] = &et->cards[i];
	qsort(v, n, sizeof *v, export_action_cmp);
	*out = v;
	return n;
}

/* The live cards of et in section n, in id order. */
size_t
export_section(const struct export_table *et, uint32_t n,
    const struct export_card ***out)
{
	const struct export_card	**v;
	size_t				  i, k = 0;

	v = xcalloc(et->n + 1, sizeof *v);
	for (i = 0; i < et->n; i++)
		if (et->cards[i].c->section == n)
			v[k++] = &et->cards[i];
	*out = v;
	return k;
}

/* The text of the live card an action builds on, or NULL. */
const char *
export_action_idea(const struct export_ctx *x, const struct export_card *e)
{
	const struct model_card	*p;

	if (e->parent == 0 || (p = model_card(x->m, e->parent)) == NULL)
		return NULL;
	return p->text;
}

/* ------------------------------------------------------------- entries */

/* "md", "csv", "json", "html" -> format; -1 if unknown. */
int
export_format_parse(const char *s)
{
	if (strcmp(s, "html") == 0)
		return EXPORT_HTML;
	if (strcmp(s, "md") == 0)
		return EXPORT_MD;
	if (strcmp(s, "csv") == 0)
		return EXPORT_CSV;
	if (strcmp(s, "json") == 0)
		return EXPORT_JSON;
	return -1;
}

/* The names export_format_parse knows, for messages: "md, csv, json". */
const char *
export_format_list(void)
{
	return "md, csv, json, html";
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
	case EXPORT_HTML:
		export_html(&x);
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

/*
 * The name of a table in a report, unescaped and malloc'd: "Question 2"
 * (*number counts the questions' tables), "Pair 1", "Team 3", or a
 * label's table's label.
 */
char *
export_table_title(const struct model_table *t, size_t *number)
{
	char	*s;

	switch (t->kind) {
	case TABLE_QUESTION:
		/* TRANSLATORS: the heading of a table: "Question 2 — text". */
		xasprintf(&s, _("Question %zu"), ++*number);
		break;
	case TABLE_PAIR:
		/* TRANSLATORS: a pair's table (binôme), with its number. */
		xasprintf(&s, _("Pair %u"), (unsigned)t->number);
		break;
	case TABLE_TEAM:
		xasprintf(&s, _("Team %u"), (unsigned)t->number);
		break;
	default:
		s = xstrdup(t->theme != NULL ? t->theme : "");
		break;
	}
	return s;
}
