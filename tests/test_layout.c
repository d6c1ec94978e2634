/*
 * test_layout.c -- what the client puts where: wrapping French and CJK text
 * by display width, the order of a table's cards (clusters, replies at any
 * depth, deleted placeholders, pending marks), results, columns, scrolling.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../client/layout.h"
#include "model.h"
#include "text.h"
#include "tsupport.h"

#define FRENCH	"Id\xc3\xa9" "e\xc2\xa0: \xc2\xab\xc2\xa0" \
		"acc\xc3\xa8s \xc3\xa0 " \
		"l'emploi\xc2\xa0\xc2\xbb \xe2\x80\x94 \xc5\x93uvre " \
		"commune des " \
		"conseill\xc3\xa8res et des employeurs du territoire, " \
		"e\xcc\x81lus compris"
#define CJK	"\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe6\xba\x96\xe5\x82\x99" \
		"\xe3\x82\x92\xe5\xa7\x8b\xe3\x82\x81\xe3\x81\xbe\xe3\x81\x97" \
		"\xe3\x82\x87\xe3\x81\x86\xe3\x80\x82\xe6\x9d\xb1\xe4\xba\xac" \
		"\xe3\x81\xa8\xe5\xa4\xa7\xe9\x98\xaa"

/* Widths depend on the locale, as in the client. */
static void
layout_setup(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

TestSuite(layout, .init = layout_setup);

/* ---------------------------------------------------------------- wrap */

/* True if off is where a character (base and marks) starts or s ends. */
static bool
boundary(const char *s, size_t off)
{
	size_t	len = strlen(s);

	return off == len || text_prev_char(s, text_next_char(s, len, off)) ==
	    off;
}

/*
 * Every line fits, lines cover the text in order, no line starts inside a
 * character or before a combining mark, and only spaces or newlines are
 * left out between lines.
 */
static void
check_wrap(const char *s, size_t width)
{
	struct layout_line	*l;
	size_t			 n, i, k, len = strlen(s), prev_end = 0, w;
	char			*part;

	n = layout_wrap(s, width, &l);
	cr_assert_geq(n, 1);
	for (i = 0; i < n; i++) {
		cr_assert_leq(l[i].start, l[i].end);
		cr_assert_leq(l[i].end, len);
		cr_assert_leq(l[i].width, width, "line %zu is %zu wide at %zu",
		    i, l[i].width, width);
		part = strndup(s + l[i].start, l[i].end - l[i].start);
		w = text_width(part);
		cr_assert_eq(w, l[i].width, "line %zu: width %zu, said %zu",
		    i, w, l[i].width);
		/* A line ends and starts on a character boundary. */
		cr_assert(boundary(s, l[i].end), "line %zu ends inside a "
		    "character", i);
		cr_assert(boundary(s, l[i].start), "line %zu starts inside "
		    "a character", i);
		for (k = prev_end; k < l[i].start; k++)
			cr_assert(s[k] == ' ' || s[k] == '\n',
			    "byte %zu (%02x) lost between lines", k,
			    (unsigned char)s[k]);
		prev_end = l[i].end;
		free(part);
	}
	for (k = prev_end; k < len; k++)
		cr_assert(s[k] == ' ', "byte %zu lost at the end", k);
	free(l);
}

Test(layout, french_wraps_within_10_20_80)
{
	check_wrap(FRENCH, 10);
	check_wrap(FRENCH, 20);
	check_wrap(FRENCH, 80);
}

Test(layout, cjk_wraps_within_10_20_80)
{
	check_wrap(CJK, 10);
	check_wrap(CJK, 20);
	check_wrap(CJK, 80);
	/* Odd widths leave a column rather than split a wide character. */
	check_wrap(CJK, 9);
	check_wrap(CJK, 3);
}

Test(layout, mixed_text_wraps_within_every_width)
{
	const char	*s = "Pr\xc3\xa9voir un temps \xe4\xbc\x9a\xe8\xad\xb0 "
	    "avec les e\xcc\x81quipes \xf0\x9f\x99\x82 et un verre.\nFin";
	size_t		 w;

	for (w = 2; w <= 80; w++)
		check_wrap(s, w);
}

Test(layout, french_breaks_at_spaces_not_inside_words)
{
	struct layout_line	*l;
	size_t			 n;

	n = layout_wrap("accompagnement des publics", 20, &l);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[0].start, 0);
	cr_assert_eq(l[0].end, 18);	/* "accompagnement des" */
	cr_assert_eq(l[0].width, 18);
	cr_assert_eq(l[1].start, 19);	/* "publics" */
	free(l);
}

Test(layout, non_breaking_spaces_keep_guillemets_with_their_word)
{
	struct layout_line	*l;
	const char		*s = "un mot \xc2\xab\xc2\xa0" "citation"
	    "\xc2\xa0\xc2\xbb";
	size_t			 n;

	/* "« citation »" is 12 columns: it moves down whole. */
	n = layout_wrap(s, 14, &l);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[1].start, 7);
	cr_assert_eq(l[1].width, 12);
	free(l);
}

Test(layout, a_long_word_is_broken_between_characters)
{
	struct layout_line	*l;
	size_t			 n;

	n = layout_wrap("anticonstitutionnellement", 10, &l);
	cr_assert_eq(n, 3);
	cr_assert_eq(l[0].width, 10);
	cr_assert_eq(l[1].width, 10);
	cr_assert_eq(l[2].width, 5);
	free(l);
}

Test(layout, decomposed_accent_never_starts_a_line)
{
	struct layout_line	*l;
	/* é decomposed, at 5. */
	const char		*s = "abcde\xcc\x81" "fgh";
	size_t			 n;

	n = layout_wrap(s, 5, &l);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[0].end, 7, "the mark stays with its e");
	cr_assert_eq(l[0].width, 5);
	cr_assert_eq(l[1].start, 7);
	free(l);
}

Test(layout, newlines_break_and_empty_lines_stay)
{
	struct layout_line	*l;
	size_t			 n;

	n = layout_wrap("un\n\ndeux\n", 20, &l);
	cr_assert_eq(n, 4);
	cr_assert_eq(l[1].start, l[1].end);
	cr_assert_eq(l[2].start, 4);
	cr_assert_eq(l[3].start, 9);
	free(l);
	n = layout_wrap("", 20, &l);
	cr_assert_eq(n, 1);
	cr_assert_eq(l[0].width, 0);
	free(l);
}

Test(layout, wide_character_wider_than_the_width_is_alone)
{
	struct layout_line	*l;
	size_t			 n;

	n = layout_wrap("\xe4\xbc\x9a\xe8\xad\xb0", 1, &l);
	cr_assert_eq(n, 2);
	cr_assert_eq(l[0].end, 3);
	free(l);
}

Test(layout, cursor_position_in_wrapped_text)
{
	struct layout_line	*l;
	const char		*s = "un \xe4\xbc\x9a\xe8\xad\xb0 trois";
	size_t			 n, row, col;

	n = layout_wrap(s, 8, &l);
	cr_assert_eq(n, 2);
	layout_cursor(s, l, n, 6, &row, &col);	/* after 会 */
	cr_assert_eq(row, 0);
	cr_assert_eq(col, 5);
	layout_cursor(s, l, n, strlen(s), &row, &col);
	cr_assert_eq(row, 1);
	cr_assert_eq(col, 5);
	free(l);
}

/* ---------------------------------------------------------------- rows */

/* A board being built by events. */
struct board {
	struct model	*m;
	int64_t		 now;
};

/* Apply one op as an event from origin; its seq. */
static uint64_t
play(struct board *b, uint32_t origin, struct proto_op op)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.seq = b->m->head + 1;
	ev.origin = origin;
	ev.op = op;
	b->now += 1000;
	cr_assert_eq(model_apply(b->m, &ev, b->now, NULL), 0);
	return ev.seq;
}

/* A board with a facilitator, Anne and Bruno, two tables, phase ideas. */
static void
board_new(struct board *b, uint64_t *t1, uint64_t *t2)
{
	static const char *const names[] = { "Fa", "Anne", "Bruno" };
	uint32_t		 p;

	b->m = model_new("cafe");
	b->now = 1700000000000;
	for (p = 1; p <= 3; p++)
		play(b, 0, OP(.kind = OP_JOINED, .participant = p,
		    .text = (char *)names[p - 1]));
	*t1 = play(b, 1, TADD("Question 1"));
	*t2 = play(b, 1, TADD("Question 2"));
	play(b, 1, PHASE(PHASE_IDEAS));
}

/* The expected shape of one row. */
struct want {
	uint64_t	card;
	unsigned	depth;
	uint8_t		kind;
	bool		placeholder;
};

/* rows must be exactly want[0..n). */
static void
check_rows(const struct layout_row *rows, size_t nrows,
    const struct want *want, size_t n)
{
	size_t	i;

	cr_assert_eq(nrows, n, "%zu rows, expected %zu", nrows, n);
	for (i = 0; i < n; i++) {
		cr_assert_eq(rows[i].card, want[i].card,
		    "row %zu: card %llu, expected %llu", i,
		    (unsigned long long)rows[i].card,
		    (unsigned long long)want[i].card);
		cr_assert_eq(rows[i].depth, want[i].depth,
		    "row %zu: depth %u, expected %u", i, rows[i].depth,
		    want[i].depth);
		cr_assert_eq(rows[i].kind, want[i].kind, "row %zu: kind", i);
		cr_assert_eq(rows[i].placeholder, want[i].placeholder,
		    "row %zu: placeholder", i);
	}
}

Test(layout, replies_are_indented_under_their_card)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, a, r1, r2, r11, c, other;
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "Un guichet unique", 0));
	other = play(&b, 3, ADD(t2, "Ailleurs", 0));
	c = play(&b, 3, ADD(t1, "Des permanences", 0));
	r1 = play(&b, 3, ADD(t1, "Avec les mairies", a));
	r11 = play(&b, 2, ADD(t1, "Et les CCAS", r1));
	r2 = play(&b, 2, ADD(t1, "En ligne aussi", a));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		struct want w[] = {
			{ a, 0, LAYOUT_TOP, false },
			{ r1, 1, LAYOUT_REPLY, false },
			{ r11, 2, LAYOUT_REPLY, false },
			{ r2, 1, LAYOUT_REPLY, false },
			{ c, 0, LAYOUT_TOP, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	free(rows);
	n = layout_rows(b.m, t2, NULL, &rows);
	cr_assert_eq(n, 1);
	cr_assert_eq(rows[0].card, other);
	free(rows);
	model_free(b.m);
}

Test(layout, deep_reply_chains_cap_their_indentation)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, id = 0;
	size_t			 n, i;

	board_new(&b, &t1, &t2);
	for (i = 0; i < 10; i++)
		id = play(&b, 2, ADD(t1, "encore", id));
	n = layout_rows(b.m, t1, NULL, &rows);
	cr_assert_eq(n, 10);
	for (i = 0; i < n; i++)
		cr_assert_eq(rows[i].depth, i < LAYOUT_DEPTH_MAX ? i :
		    LAYOUT_DEPTH_MAX);
	free(rows);
	model_free(b.m);
}

Test(layout, clusters_list_the_head_then_its_members)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, a, c, d, e, r;
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	c = play(&b, 2, ADD(t1, "C", 0));
	d = play(&b, 3, ADD(t1, "D", 0));
	e = play(&b, 3, ADD(t1, "E", 0));
	r = play(&b, 3, ADD(t1, "reply to C", c));
	play(&b, 1, PHASE(PHASE_GROUP));
	/* E and A go under D: the cluster sits where D is. */
	play(&b, 2, GROUP(e, d));
	play(&b, 2, GROUP(a, d));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		struct want w[] = {
			{ c, 0, LAYOUT_TOP, false },
			{ r, 1, LAYOUT_REPLY, false },
			{ d, 0, LAYOUT_TOP, false },
			{ a, 1, LAYOUT_MEMBER, false },
			{ e, 1, LAYOUT_MEMBER, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	cr_assert(rows[2].head);
	cr_assert_not(rows[0].head);
	free(rows);
	model_free(b.m);
}

Test(layout, grouping_a_card_under_its_own_reply_makes_no_loop)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, a, r;
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	r = play(&b, 3, ADD(t1, "reply", a));
	play(&b, 1, PHASE(PHASE_GROUP));
	play(&b, 2, GROUP(a, r));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		struct want w[] = {
			{ r, 0, LAYOUT_TOP, false },
			{ a, 1, LAYOUT_MEMBER, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	free(rows);
	model_free(b.m);
}

Test(layout, deleted_card_with_replies_is_a_placeholder)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, a, b1, r, gone;
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	r = play(&b, 3, ADD(t1, "builds on A", a));
	gone = play(&b, 3, ADD(t1, "nobody answered", 0));
	b1 = play(&b, 2, ADD(t1, "B", 0));
	play(&b, 1, DEL(a));
	play(&b, 1, DEL(gone));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		struct want w[] = {
			{ a, 0, LAYOUT_TOP, true },
			{ r, 1, LAYOUT_REPLY, false },
			{ b1, 0, LAYOUT_TOP, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	free(rows);
	/* Once the reply goes too, so does the placeholder. */
	play(&b, 1, DEL(r));
	n = layout_rows(b.m, t1, NULL, &rows);
	cr_assert_eq(n, 1);
	cr_assert_eq(rows[0].card, b1);
	free(rows);
	model_free(b.m);
}

Test(layout, deleted_chain_keeps_every_placeholder_above_a_live_reply)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, a, r1, r2;
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	r1 = play(&b, 3, ADD(t1, "r1", a));
	r2 = play(&b, 2, ADD(t1, "r2", r1));
	play(&b, 1, DEL(a));
	play(&b, 1, DEL(r1));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		struct want w[] = {
			{ a, 0, LAYOUT_TOP, true },
			{ r1, 1, LAYOUT_REPLY, true },
			{ r2, 2, LAYOUT_REPLY, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	free(rows);
	model_free(b.m);
}

Test(layout, pending_cards_are_marked)
{
	struct board		 b;
	struct layout_row	*rows;
	struct layout_pending	 p;
	uint64_t		 t1, t2, a, c, d, touched[1];
	size_t			 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	c = play(&b, 2, ADD(t1, "C", 0));
	d = play(&b, 2, ADD(t1, "D (only predicted)", 0));
	touched[0] = a;
	p.head = c;		/* what the server confirmed */
	p.cards = touched;
	p.ncards = 1;
	n = layout_rows(b.m, t1, &p, &rows);
	cr_assert_eq(n, 3);
	cr_assert(rows[0].pending);
	cr_assert_not(rows[1].pending);
	cr_assert(rows[2].pending);
	cr_assert_eq(rows[2].card, d);
	free(rows);
	model_free(b.m);
}

Test(layout, empty_table_has_no_rows)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2;

	board_new(&b, &t1, &t2);
	cr_assert_eq(layout_rows(b.m, t1, NULL, &rows), 0);
	cr_assert_null(rows);
	model_free(b.m);
}

/* ---------------------------------------------------------------- results */

Test(layout, results_rank_by_votes_then_age)
{
	struct board	 b;
	uint64_t	 t1, t2, a, c, d, *ids;
	size_t		 n;

	board_new(&b, &t1, &t2);
	a = play(&b, 2, ADD(t1, "A", 0));
	c = play(&b, 2, ADD(t1, "C", 0));
	d = play(&b, 3, ADD(t1, "D", 0));
	play(&b, 3, ADD(t2, "elsewhere", 0));
	play(&b, 1, PHASE(PHASE_VOTE));
	play(&b, 2, VOTE(d, 1));
	play(&b, 3, VOTE(d, 1));
	play(&b, 2, VOTE(c, 1));
	n = layout_results(b.m, t1, &ids);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[0], d);
	cr_assert_eq(ids[1], c);
	cr_assert_eq(ids[2], a);
	free(ids);
	model_free(b.m);
}

/* ---------------------------------------------------------------- columns */

Test(layout, columns_share_the_width)
{
	int	w[8], first = 0, n, i, sum;

	n = layout_columns(200, 4, 30, 1, 0, &first, w);
	cr_assert_eq(n, 4);
	for (sum = 3, i = 0; i < n; i++)
		sum += w[i];
	cr_assert_eq(sum, 200);
	cr_assert_geq(w[3], 30);
	cr_assert_leq(w[0] - w[3], 1);
}

Test(layout, columns_scroll_to_the_current_table)
{
	int	w[8], first = 0, n;

	n = layout_columns(80, 6, 30, 1, 0, &first, w);
	cr_assert_eq(n, 2);
	cr_assert_eq(first, 0);
	n = layout_columns(80, 6, 30, 1, 4, &first, w);
	cr_assert_eq(first, 3);
	n = layout_columns(80, 6, 30, 1, 5, &first, w);
	cr_assert_eq(first, 4);
	n = layout_columns(80, 6, 30, 1, 4, &first, w);
	cr_assert_eq(first, 4, "no move while the current one shows");
	n = layout_columns(20, 6, 30, 1, 2, &first, w);
	cr_assert_eq(n, 1);
	cr_assert_eq(first, 2);
	cr_assert_eq(w[0], 20);
}

/* ---------------------------------------------------------------- scroll */

Test(layout, scrolling_keeps_the_selection_visible)
{
	/* Selection below the view: scroll so it ends at the bottom. */
	cr_assert_eq(layout_scroll(0, 30, 3, 20, 100), 13);
	/* Above: it starts at the top. */
	cr_assert_eq(layout_scroll(40, 10, 3, 20, 100), 10);
	/* Visible already: no move. */
	cr_assert_eq(layout_scroll(5, 10, 3, 20, 100), 5);
	/* Taller than the view: its start shows. */
	cr_assert_eq(layout_scroll(0, 30, 40, 20, 100), 30);
	/* Never past the end. */
	cr_assert_eq(layout_scroll(90, 95, 1, 20, 100), 80);
	cr_assert_eq(layout_scroll(0, 0, 1, 20, 5), 0);
}

Test(layout, a_reply_to_a_cluster_head_comes_right_under_it)
{
	struct board		 b;
	struct layout_row	*rows;
	uint64_t		 t1, t2, d, a, e, r;
	size_t			 n;

	board_new(&b, &t1, &t2);
	d = play(&b, 2, ADD(t1, "D", 0));
	a = play(&b, 2, ADD(t1, "A", 0));
	e = play(&b, 3, ADD(t1, "E", 0));
	r = play(&b, 3, ADD(t1, "reply to D", d));
	play(&b, 1, PHASE(PHASE_GROUP));
	play(&b, 2, GROUP(a, d));
	play(&b, 3, GROUP(e, d));
	n = layout_rows(b.m, t1, NULL, &rows);
	{
		/* Under its members, r would seem to answer E. */
		struct want w[] = {
			{ d, 0, LAYOUT_TOP, false },
			{ r, 1, LAYOUT_REPLY, false },
			{ a, 1, LAYOUT_MEMBER, false },
			{ e, 1, LAYOUT_MEMBER, false },
		};
		check_rows(rows, n, w, sizeof w / sizeof w[0]);
	}
	free(rows);
	model_free(b.m);
}

/* The code point that starts s, 0 for none. */
static uint32_t
first_cp(const char *s, size_t len)
{
	uint32_t	cp = 0;

	if (len > 0)
		text_decode(s, len, &cp);
	return cp;
}

Test(layout, guillemets_and_high_punctuation_stay_with_their_word)
{
	const char		*s = "Le th\xc3\xa8me \xc2\xab acc\xc3\xa8s "
	    "\xc3\xa0 l'emploi \xc2\xbb : une priorit\xc3\xa9 ; vraiment ! "
	    "Pourquoi pas ? \xc2\xab Oui \xc2\xbb";
	struct layout_line	*l;
	size_t			 n, i, w, len;
	uint32_t		 cp;

	/* From the width of the longest glued run, "l'emploi » :". */
	for (w = 12; w <= 40; w++) {
		check_wrap(s, w);
		n = layout_wrap(s, w, &l);
		for (i = 0; i < n; i++) {
			len = l[i].end - l[i].start;
			cp = first_cp(s + l[i].start, len);
			cr_assert(cp != 0xbb && cp != ':' && cp != ';' &&
			    cp != '!' && cp != '?', "line %zu at width %zu "
			    "starts with U+%04X: \"%.*s\"", i, w, cp, (int)len,
			    s + l[i].start);
			cr_assert(len < 2 || memcmp(s + l[i].end - 2,
			    "\xc2\xab", 2) != 0, "line %zu at width %zu ends "
			    "with \xc2\xab: \"%.*s\"", i, w, (int)len,
			    s + l[i].start);
		}
		free(l);
	}
}
