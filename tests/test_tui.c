/*
 * test_tui.c -- the terminal client end to end: a real cafeboard-server on
 * a private socket, real cafeboard clients in a private tmux, keys sent with
 * send-keys and screens read with capture-pane.  Plus the client's drawing
 * code run against a terminal on a file, to prove that no byte a peer sent
 * reaches the terminal as a control sequence, and the console's duration
 * parser.
 *
 * Needs CB_SERVER and CB_CLIENT (make check sets them).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <event2/event.h>

#include <locale.h>
#include <poll.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui-harness.h"

#include "../client/ui.h"
#include "proto.h"
#include "text.h"

#define FRENCH	"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 " \
		"l'emploi \xc2\xbb \xe2\x80\x94 \xc5\x93uvre"
#define CJK	"\xe4\xbc\x9a\xe8\xad\xb0\xe3\x81\xae\xe6\xba\x96\xe5\x82\x99"
#define SEP	"\xe2\x94\x82"		/* the column separator │ */

#define BOARD_TEXT \
	"title: Caf\xc3\xa9 test\n" \
	"question: Comment garantir une bonne orientation des publics ?\n" \
	"question: Comment faciliter l'acc\xc3\xa8s aux solutions ?\n"

static struct tui T;

/* Every test: a directory, a tmux server, locale for widths. */
static void
tui_setup(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	tui_init(&T);
}

/* Every test, even a failed one: kill what it started. */
static void
tui_teardown(void)
{
	tui_fini(&T);
}

TestSuite(tui, .init = tui_setup, .fini = tui_teardown, .timeout = 180);

/* A board "cafe" with two questions, a server, a facilitator and Anne. */
static void
cafe(bool anne)
{
	char	args[512];

	tui_board(&T, "cafe", BOARD_TEXT);
	tui_server_start(&T);
	snprintf(args, sizeof args, "--board cafe --name Fanny --key-file "
	    "'%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "connected"));
	if (anne) {
		tui_client(&T, "anne", "--board cafe --name Anne");
		free(tui_wait(&T, "anne", "(your table)"));
	}
}

/* The facilitator sets the phase (1 welcome ... 6 closed) from the console. */
static void
phase(const char *digit, const char *name)
{
	char	want[64];

	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Facilitator console"));
	tui_keys(&T, "fac", "p", NULL);
	free(tui_wait(&T, "fac", "harvest"));
	tui_keys(&T, "fac", digit, NULL);
	snprintf(want, sizeof want, "Phase: %s", name);
	free(tui_wait(&T, "fac", want));
}

/* Anne writes a card. */
static void
add_card(const char *win, const char *text)
{
	tui_keys(&T, win, "a", NULL);
	free(tui_wait(&T, win, "New idea"));
	tui_type(&T, win, text);
	tui_keys(&T, win, "Enter", NULL);
	free(tui_wait_gone(&T, win, "New idea"));
}

/* The display column where needle starts on line (-1 if absent). */
static int
column_of(const char *line, const char *needle)
{
	const char	*p = strstr(line, needle);
	char		*before;
	int		 w;

	if (p == NULL)
		return -1;
	before = strndup(line, (size_t)(p - line));
	w = (int)text_width(before);
	free(before);
	return w;
}

/*
 * A coherent screen: no line wider than cols, no more than rows lines, and
 * every column separator in one column.  Returns the lines holding one.
 */
static int
check_screen(const char *screen, int cols, int rows)
{
	char	*copy = strdup(screen), *line, *save = NULL;
	int	 n = 0, sep = -1, c, seps = 0;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		cr_assert_leq((int)text_width(line), cols,
		    "line %d is wider than %d:\n%s", n, cols, line);
		if ((c = column_of(line, SEP)) < 0)
			continue;
		seps++;
		if (sep < 0)
			sep = c;
		cr_assert_eq(c, sep, "separator at column %d, not %d, on "
		    "\"%s\"\nscreen:\n%s", c, sep, line, screen);
	}
	cr_assert_leq(n, rows);
	free(copy);
	return seps;
}

/* True if no SGR sequence of screen (capture-pane -e) sets a colour. */
static bool
no_colour(const char *screen)
{
	const char	*p = screen;
	char		*end;
	long		 v;

	while ((p = strstr(p, "\x1b[")) != NULL) {
		p += 2;
		for (;;) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			/* 39 and 49 are "default colour": no colour. */
			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
			    (v >= 90 && v <= 107))
				return false;
			p = end;
			if (*p != ';')
				break;
			p++;
		}
	}
	return true;
}

/* The line of screen holding needle (malloc'd), or NULL. */
static char *
line_with(const char *screen, const char *needle)
{
	const char	*p = strstr(screen, needle), *a, *b;

	if (p == NULL)
		return NULL;
	for (a = p; a > screen && a[-1] != '\n'; a--)
		;
	for (b = p; *b != '\0' && *b != '\n'; b++)
		;
	return strndup(a, (size_t)(b - a));
}

/* Seconds shown by the countdown on the first line, -1 if none. */
static int
countdown(const char *screen)
{
	const char	*end = strchr(screen, '\n'), *p;
	int		 mm, ss;

	if (end == NULL)
		end = screen + strlen(screen);
	for (p = end - 5; p >= screen; p--) {
		if (sscanf(p, "%2d:%2d", &mm, &ss) == 2 && p[2] == ':' &&
		    p + 5 <= end)
			return mm * 60 + ss;
	}
	return -1;
}

Test(tui, a_card_typed_in_one_client_appears_in_the_other_aligned)
{
	char	*s, *l;
	int	 i;
	const char *wins[] = { "fac", "anne" };

	cafe(true);
	phase("2", "ideas");
	free(tui_wait(&T, "anne", "Phase: ideas"));
	add_card("anne", FRENCH);
	add_card("anne", CJK);
	free(tui_wait(&T, "fac", CJK));
	s = tui_wait(&T, "fac", "\xc5\x93uvre");
	free(s);
	for (i = 0; i < 2; i++) {
		s = tui_wait(&T, wins[i], CJK);
		/* The French card, the CJK card and the question lines all
		 * end at the same separator column. */
		cr_assert_geq(check_screen(s, 100, 30), 20);
		l = line_with(s, "\xc5\x93uvre");
		cr_assert_not_null(l);
		cr_assert_geq(column_of(l, SEP), 0, "no separator after the "
		    "French card: %s", l);
		free(l);
		l = line_with(s, CJK);
		cr_assert_geq(column_of(l, SEP), 0);
		cr_assert_eq(tui_count(s, CJK), 1);
		free(l);
		free(s);
	}
	/* Someone who joins later gets them too. */
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	free(tui_wait(&T, "bruno", CJK));
	tui_end(&T);
}

Test(tui, the_facilitator_starts_a_timer_and_both_screens_count_down)
{
	char	*s;
	int	 a0, f0, v;
	int64_t	 end;

	cafe(true);
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Facilitator console"));
	tui_keys(&T, "fac", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "s", NULL);
	free(tui_wait(&T, "fac", "Duration"));
	tui_keys(&T, "fac", "C-u", NULL);
	tui_type(&T, "fac", "3:00");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Label"));
	tui_keys(&T, "fac", "C-u", NULL);
	tui_type(&T, "fac", "Tour 1");
	tui_keys(&T, "fac", "Enter", NULL);
	s = tui_wait(&T, "anne", "Tour 1 0");
	a0 = countdown(s);
	free(s);
	s = tui_wait(&T, "fac", "Tour 1 0");
	f0 = countdown(s);
	free(s);
	cr_assert(a0 > 170 && a0 <= 180, "anne shows %d s", a0);
	cr_assert(f0 > 170 && f0 <= 180, "fac shows %d s", f0);
	/* Both go down. */
	end = ts_now_ms() + TUI_DEADLINE_MS;
	do {
		cr_assert_lt(ts_now_ms(), end, "the countdown did not move");
		tui_nap();
		s = tui_screen(&T, "anne", false);
		v = countdown(s);
		free(s);
	} while (v >= a0);
	cr_assert_geq(v, 0);
	end = ts_now_ms() + TUI_DEADLINE_MS;
	do {
		cr_assert_lt(ts_now_ms(), end, "the countdown did not move");
		tui_nap();
		s = tui_screen(&T, "fac", false);
		v = countdown(s);
		free(s);
	} while (v >= f0);
	/* Pause: said, and the value stays. */
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "p", NULL);
	free(tui_wait(&T, "anne", "(paused)"));
	tui_end(&T);
}

Test(tui, the_last_minute_is_highlighted)
{
	char	*s, *l, *clock;

	cafe(true);
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "s", NULL);
	free(tui_wait(&T, "fac", "Duration"));
	tui_keys(&T, "fac", "C-u", NULL);
	tui_type(&T, "fac", "50s");
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Label"));
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "anne", " 00:4"));
	s = tui_screen(&T, "anne", true);
	l = line_with(s, "Phase:");
	cr_assert_not_null(l);
	/* The countdown's cells do not look like the rest of the bar. */
	clock = strstr(l, " 00:4");
	cr_assert_not_null(clock);
	cr_assert(clock > l && clock[-1] == 'm', "no attribute change before "
	    "the countdown: %s", l);
	free(l);
	free(s);
	tui_end(&T);
}

Test(tui, voting_counts_the_dots_left)
{
	char	*s;

	cafe(true);
	phase("2", "ideas");
	add_card("anne", "Un guichet unique");
	add_card("anne", "Des permanences en mairie");
	free(tui_wait(&T, "fac", "permanences"));
	phase("4", "vote");
	free(tui_wait(&T, "anne", "3 dots left"));
	tui_keys(&T, "anne", "Space", NULL);
	free(tui_wait(&T, "anne", "2 dots left"));
	tui_keys(&T, "anne", "k", "Space", NULL);
	free(tui_wait(&T, "anne", "1 dot left"));
	/* One dot per card by default: a third press on a dotted card
	 * takes the dot back, and x takes one back too. */
	tui_keys(&T, "anne", "Space", NULL);
	free(tui_wait(&T, "anne", "2 dots left"));
	tui_keys(&T, "anne", "j", "x", NULL);
	free(tui_wait(&T, "anne", "3 dots left"));
	tui_keys(&T, "anne", "Space", NULL);
	free(tui_wait(&T, "anne", "2 dots left"));
	/* Closing the vote shows the results with the tally. */
	phase("5", "harvest");
	s = tui_wait(&T, "anne", "kept 0/3");
	cr_assert_not_null(strstr(s, "permanences"));
	free(s);
	tui_end(&T);
}

Test(tui, resizing_keeps_the_screen_coherent)
{
	char	*s;

	cafe(true);
	phase("2", "ideas");
	add_card("anne", FRENCH);
	add_card("anne", CJK);
	tui_client_env(&T, "ascii", "NO_COLOR=1", "--ascii --board cafe "
	    "--name Zoe");
	free(tui_wait(&T, "ascii", "oeuvre"));
	s = tui_screen(&T, "ascii", true);
	cr_assert(no_colour(s), "colours despite NO_COLOR:\n%s", s);
	free(s);
	s = tui_screen(&T, "anne", true);
	cr_assert_not(no_colour(s), "no colours at all without NO_COLOR");
	free(s);

	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "80", "-y",
	    "24", NULL);
	s = tui_wait(&T, "anne", "Phase: ideas");
	free(s);
	s = tui_wait(&T, "anne", CJK);
	check_screen(s, 80, 24);
	cr_assert_not_null(strstr(s, "connected"));
	free(s);

	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "200", "-y",
	    "50", NULL);
	s = tui_wait(&T, "anne", "Table 2 of 2");
	check_screen(s, 200, 50);
	cr_assert_not_null(strstr(s, CJK));
	cr_assert_not_null(strstr(s, "\xc5\x93uvre"));
	free(s);

	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "39", "-y",
	    "9", NULL);
	free(tui_wait(&T, "anne", "Terminal too small"));
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "40", "-y",
	    "10", NULL);
	s = tui_wait_gone(&T, "anne", "Terminal too small");
	check_screen(s, 40, 10);
	free(s);

	/* ASCII: the same coherence, with plain characters only. */
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:ascii", "-x", "80", "-y",
	    "24", NULL);
	s = tui_wait(&T, "ascii", "oeuvre");
	check_screen(s, 80, 24);
	for (const char *p = s; *p != '\0'; p++)
		cr_assert_lt((unsigned char)*p, 0x80, "non-ASCII byte in "
		    "--ascii mode:\n%s", s);
	free(s);
	tui_end(&T);
}

Test(tui, the_server_dies_and_comes_back_without_duplicates_or_losses)
{
	char	*s;
	int	 i;
	const char *wins[] = { "fac", "anne" };

	cafe(true);
	phase("2", "ideas");
	add_card("anne", "Avant la coupure");
	free(tui_wait(&T, "fac", "Avant la coupure"));
	free(tui_wait_gone(&T, "anne", "waiting"));

	tui_server_stop(&T, SIGKILL);
	free(tui_wait(&T, "anne", "reconnecting in"));
	add_card("anne", "Pendant la coupure");
	free(tui_wait(&T, "anne", "1 change waiting"));
	/* Quitting now would lose it: the client asks. */
	tui_keys(&T, "anne", "q", NULL);
	free(tui_wait(&T, "anne", "not sent yet. Quit anyway?"));
	tui_keys(&T, "anne", "n", NULL);
	free(tui_wait_gone(&T, "anne", "Quit anyway"));

	tui_server_start(&T);
	for (i = 0; i < 2; i++) {
		s = tui_wait(&T, wins[i], "Pendant la coupure");
		free(s);
		s = tui_wait_gone(&T, wins[i], "waiting");
		free(s);
		s = tui_wait(&T, wins[i], "connected");
		cr_assert_eq(tui_count(s, "Avant la coupure"), 1, "%s", s);
		cr_assert_eq(tui_count(s, "Pendant la coupure"), 1, "%s", s);
		free(s);
	}
	/* And the server kept both: a new client sees them once. */
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	s = tui_wait(&T, "bruno", "Pendant la coupure");
	cr_assert_eq(tui_count(s, "Avant la coupure"), 1);
	cr_assert_eq(tui_count(s, "Pendant la coupure"), 1);
	free(s);
	tui_end(&T);
}

Test(tui, french_screens_come_from_the_catalogue)
{
	char	env[600], *s;
	const char *top = getenv("CB_TOP");

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(env, sizeof env, "LANGUAGE=fr CAFEBOARD_LOCALEDIR='%s/build/"
	    "locale'", top);
	cafe(false);
	tui_client_env(&T, "fr", env, "--board cafe --name 'Aur\xc3\xa9lie'");
	s = tui_wait(&T, "fr", "(votre table)");
	cr_assert_not_null(strstr(s, "Phase\xc2\xa0: accueil"), "%s", s);
	cr_assert_not_null(strstr(s, "Ici\xc2\xa0:"), "%s", s);
	free(s);
	phase("2", "ideas");
	free(tui_wait(&T, "fr", "Phase\xc2\xa0: id\xc3\xa9""es"));
	tui_keys(&T, "fr", "a", NULL);
	free(tui_wait(&T, "fr", "Ajouter une id\xc3\xa9""e"));
	tui_type(&T, "fr", "Cr\xc3\xa9""er un guichet unique");
	tui_keys(&T, "fr", "Enter", NULL);
	free(tui_wait(&T, "fac", "guichet unique"));
	phase("4", "vote");
	free(tui_wait(&T, "fr", "3 gommettes restantes"));
	tui_keys(&T, "fr", "Space", NULL);
	free(tui_wait(&T, "fr", "Il vous reste 2 gommettes pour cette "
	    "question."));
	/* "o" (oui) answers yes in French. */
	tui_keys(&T, "fr", "C-c", NULL);
	free(tui_wait(&T, "fr", "Quitter cafeboard\xc2\xa0? (o/n)"));
	tui_keys(&T, "fr", "o", NULL);
	{
		int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
		char	*v;

		for (;;) {
			v = tui_pane(&T, "fr", "#{pane_dead}");
			if (strcmp(v, "1") == 0)
				break;
			free(v);
			cr_assert_lt(ts_now_ms(), end, "\"o\" did not quit");
			tui_nap();
		}
		free(v);
	}
	tui_end(&T);
}

/*
 * A server reached over SSH often lacks the laptop's locale: LANG names a
 * French UTF-8 locale that is not installed here (a fresh Debian has only
 * C.UTF-8), and the screen is still French, accents and all.
 */
Test(tui, a_french_locale_missing_on_the_server_still_gives_french)
{
	char	env[600], *s;
	const char *top = getenv("CB_TOP");

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(env, sizeof env, "LC_ALL= LANGUAGE= LANG=fr_FR.UTF-8@cafe "
	    "CAFEBOARD_LOCALEDIR='%s/build/locale'", top);
	cafe(false);
	tui_client_env(&T, "fr", env, "--board cafe --name 'Aur\xc3\xa9lie'");
	s = tui_wait(&T, "fr", "(votre table)");
	cr_assert_not_null(strstr(s, "Phase\xc2\xa0: accueil"), "%s", s);
	cr_assert_not_null(strstr(s, "Aur\xc3\xa9lie"), "UTF-8 kept: %s", s);
	free(s);
	tui_end(&T);
}

/*
 * The results view wraps a long question beside its "kept N/M": no word
 * of the question is hidden under the label.
 */
Test(tui, the_results_keep_every_word_of_a_long_question)
{
	char	args[512], *s;

	tui_board(&T, "cafe", "title: R\xc3\xa9sultats\n"
	    "question: Comment faire pour garantir une bonne orientation des "
	    "publics en demande d'emploi et un parcours de recherche "
	    "d'emploi coh\xc3\xa9rent et fluide ?\n");
	tui_server_start(&T);
	snprintf(args, sizeof args, "--board cafe --name Fanny --key-file "
	    "'%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "connected"));
	phase("5", "harvest");
	s = tui_wait(&T, "fac", "kept 0/3");
	cr_assert_not_null(strstr(s, "en demande d'emploi et"), "%s", s);
	cr_assert_not_null(strstr(s, "un parcours de recherche"), "%s", s);
	free(s);
	tui_end(&T);
}

Test(tui, replies_edits_deletes_and_clusters_on_screen)
{
	char	*s, *l;

	cafe(true);
	phase("2", "ideas");
	add_card("anne", "Un guichet unique");
	/* r: a reply, drawn under its card, indented, with its mark. */
	tui_keys(&T, "anne", "r", NULL);
	free(tui_wait(&T, "anne", "Build on this idea"));
	tui_type(&T, "anne", "avec les mairies");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "avec les mairies");
	l = line_with(s, "avec les mairies");
	cr_assert_not_null(strstr(l, "  \xe2\x86\xb3 avec"), "%s", l);
	cr_assert(strstr(s, "guichet") < strstr(s, "mairies"));
	free(l);
	free(s);
	/* e: edit the first card. */
	tui_keys(&T, "anne", "k", "e", NULL);
	free(tui_wait(&T, "anne", "Edit the idea"));
	tui_keys(&T, "anne", "C-w", NULL);
	tui_type(&T, "anne", "partout");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "fac", "Un guichet partout"));
	/* d: delete it; its reply keeps a placeholder. */
	tui_keys(&T, "anne", "d", NULL);
	free(tui_wait(&T, "anne", "Delete this card? (y/n)"));
	tui_keys(&T, "anne", "y", NULL);
	s = tui_wait(&T, "fac", "(deleted)");
	cr_assert_null(strstr(s, "guichet partout"));
	cr_assert_not_null(strstr(s, "avec les mairies"));
	free(s);
	/* Group phase: g then Enter under another card, t for a title. */
	add_card("anne", "Des permanences");
	phase("3", "grouping");
	tui_keys(&T, "anne", "End", "g", NULL);
	free(tui_wait(&T, "anne", "Move to the card to group under"));
	tui_keys(&T, "anne", "k", "Enter", NULL);
	free(tui_wait(&T, "anne", "Card grouped."));
	tui_keys(&T, "anne", "t", NULL);
	free(tui_wait(&T, "anne", "Cluster title"));
	tui_type(&T, "anne", "Proximit\xc3\xa9");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "\xe2\x97\x86 Proximit\xc3\xa9");
	l = line_with(s, "Des permanences");
	cr_assert_not_null(strstr(l, "\xe2\x97\xa6 Des"), "%s", l);
	free(l);
	free(s);
	tui_end(&T);
}

Test(tui, search_sit_and_rotation_move_between_tables)
{
	char	*s;

	cafe(true);
	phase("2", "ideas");
	add_card("anne", "Id\xc3\xa9""e de la table un");
	/* s: sit at table 2 and write there. */
	tui_keys(&T, "anne", "s", NULL);
	free(tui_wait(&T, "anne", "Sit at which table?"));
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (your table)"));
	add_card("anne", "Autre chose");
	/* /: the search finds "idée" from "IDEE", on the other table. */
	tui_keys(&T, "anne", "/", NULL);
	free(tui_wait(&T, "anne", "Search"));
	tui_type(&T, "anne", "IDEE");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Match 1 of 1"));
	free(tui_wait(&T, "anne", "Table 1 of 2 (visiting)"));
	/* A rotation brings her along to her new table. */
	tui_keys(&T, "fac", ":", "o", NULL);
	free(tui_wait(&T, "fac", "Rotate the tables now?"));
	tui_keys(&T, "fac", "y", NULL);
	s = tui_wait(&T, "anne", "The tables rotated");
	free(s);
	s = tui_wait(&T, "anne", "Round 2");
	cr_assert_not_null(strstr(s, "(your table)"), "%s", s);
	cr_assert_null(strstr(s, "(visiting)"), "%s", s);
	free(s);
	tui_end(&T);
}

/* Paste text into win as a terminal does (bracketed when asked). */
static void
paste(const char *win, const char *text)
{
	char	target[64];

	snprintf(target, sizeof target, "cb:%s", win);
	cr_assert_eq(tui_tmux(&T, NULL, "set-buffer", "-b", "t", text, NULL),
	    0);
	cr_assert_eq(tui_tmux(&T, NULL, "paste-buffer", "-p", "-b", "t", "-t",
	    target, NULL), 0);
}

Test(tui, a_paste_goes_whole_into_a_field_and_never_runs_as_keys)
{
	char	*s, big[800];

	cafe(true);
	phase("2", "ideas");
	add_card("anne", "Ne pas supprimer");
	/* Outside a field, pasted letters are not commands. */
	paste("anne", "d\ny\nq\ny\n");
	free(tui_wait(&T, "anne", "only taken in a text field"));
	s = tui_screen(&T, "anne", false);
	cr_assert_not_null(strstr(s, "Ne pas supprimer"));
	cr_assert_null(strstr(s, "Delete this card?"));
	free(s);
	/* In a card, lines stay lines; Enter saves the whole. */
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	paste("anne", "Premi\xc3\xa8re ligne\nDeuxi\xc3\xa8me ligne");
	free(tui_wait(&T, "anne", "Deuxi\xc3\xa8me ligne"));
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "Deuxi\xc3\xa8me ligne");
	cr_assert(strstr(s, "Premi\xc3\xa8re ligne") <
	    strstr(s, "Deuxi\xc3\xa8me ligne"));
	cr_assert_null(line_with(s, "Premi\xc3\xa8re ligne Deuxi"));
	free(s);
	/* A long paste stops at the limit, which shows. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	paste("anne", big);
	free(tui_wait(&T, "anne", "500/500"));
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait_gone(&T, "anne", "500/500"));
	tui_end(&T);
}

/* ------------------------------------------------------------ raw client */

/* Connect to the server's Unix socket. */
static int
raw_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_neq(fd, -1);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	cr_assert_lt(strlen(path), sizeof sun.sun_path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	return fd;
}

/* Send the frames in b. */
static void
raw_send(int fd, struct proto_buf *b)
{
	size_t	off = 0;
	ssize_t	n;

	while (off < b->len) {
		n = write(fd, b->data + off, b->len - off);
		cr_assert_gt(n, 0);
		off += (size_t)n;
	}
	proto_buf_reset(b);
}

/* Read exactly len bytes before the deadline. */
static void
raw_read(int fd, uint8_t *p, size_t len)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };
	int64_t		end = ts_now_ms() + TUI_DEADLINE_MS;
	ssize_t		n;

	while (len > 0) {
		cr_assert_lt(ts_now_ms(), end, "the server said nothing");
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, p, len);
		cr_assert_gt(n, 0, "the server closed the connection");
		p += n;
		len -= (size_t)n;
	}
}

/* The next message from the server. */
static void
raw_msg(int fd, struct proto_msg *m)
{
	uint8_t			 hdr[PROTO_FRAME_HDR], *body;
	struct proto_err	 err;
	uint32_t		 len;

	raw_read(fd, hdr, sizeof hdr);
	len = proto_frame_len(hdr);
	cr_assert(len > 0 && len <= PROTO_FRAME_MAX);
	body = malloc(len);
	raw_read(fd, body, len);
	cr_assert_eq(proto_decode(body, len, m, &err), PROTO_OK, "%s",
	    err.text);
	free(body);
}

/* Send op as op_id and wait for its EVENT (0) or REJECT (its code). */
static uint32_t
raw_op(int fd, uint32_t me, uint32_t op_id, const struct proto_op *op)
{
	struct proto_buf	b;
	struct proto_msg	m;
	uint32_t		code;

	proto_buf_init(&b);
	cr_assert_gt(proto_enc_op(&b, op_id, op), 0);
	raw_send(fd, &b);
	proto_buf_free(&b);
	for (;;) {
		raw_msg(fd, &m);
		if (m.type == PROTO_REJECT && m.u.reject.op_id == op_id) {
			code = m.u.reject.code;
			proto_msg_free(&m);
			return code;
		}
		if (m.type == PROTO_EVENT && m.u.event.origin == me &&
		    m.u.event.op_id == op_id) {
			proto_msg_free(&m);
			return 0;
		}
		cr_assert_neq(m.type, PROTO_ERROR);
		proto_msg_free(&m);
	}
}

Test(tui, escape_sequences_from_a_raw_client_never_reach_a_screen)
{
	struct proto_hello	 h;
	struct proto_buf	 b;
	struct proto_msg	 m;
	uint32_t		 me = 0;
	uint64_t		 table = 0;
	int			 fd;
	char			*s;
	const char		*bad[] = {
		"x\x1b[2Jy", "x\xc2\x9b" "31my", "x\x07y", "x\xe2\x80\xaey",
	};
	size_t			 i;

	cafe(true);
	phase("2", "ideas");
	fd = raw_connect(T.sock);
	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = "cafe";
	memset(h.client, 0x5a, sizeof h.client);
	h.name = "Mallory";
	proto_buf_init(&b);
	cr_assert_gt(proto_enc_hello(&b, &h), 0);
	raw_send(fd, &b);
	proto_buf_free(&b);
	for (;;) {
		raw_msg(fd, &m);
		cr_assert_neq(m.type, PROTO_ERROR);
		if (m.type == PROTO_WELCOME)
			me = m.u.welcome.participant;
		if (m.type == PROTO_EVENT && m.u.event.op.kind ==
		    OP_TABLE_ADD && table == 0)
			table = m.u.event.seq;
		if (m.type == PROTO_STATE && m.u.state.what == STATE_TABLE &&
		    table == 0)
			table = m.u.state.id;
		if (m.type == PROTO_READY) {
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}
	cr_assert_neq(me, 0);
	cr_assert_neq(table, 0);
	cr_assert_eq(raw_op(fd, me, 1, &SIT(table, 0)), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(raw_op(fd, me, 2 + (uint32_t)i,
		    &ADD(table, bad[i], 0)), REJECT_BAD,
		    "the server took text %zu", i);
	/* A clean card from the same client does go through. */
	cr_assert_eq(raw_op(fd, me, 10, &ADD(table, "propre", 0)), 0);
	close(fd);
	s = tui_wait(&T, "anne", "propre");
	cr_assert_null(strstr(s, "[2J"));
	cr_assert_null(strstr(s, "31my"));
	free(s);
	tui_end(&T);
}

/* ------------------------------------------------------------ join */

Test(tui, the_join_screen_asks_for_a_first_name)
{
	char	*s;

	cafe(false);
	tui_client(&T, "new", "--board cafe");
	free(tui_wait(&T, "new", "Type your first name to join"));
	tui_keys(&T, "new", "Enter", NULL);
	free(tui_wait(&T, "new", "1 to 32 characters"));
	tui_type(&T, "new", "Chlo\xc3\xa9");
	tui_keys(&T, "new", "Enter", NULL);
	s = tui_wait(&T, "new", "(your table)");
	cr_assert_not_null(strstr(s, "Chlo\xc3\xa9"));
	free(s);
	tui_end(&T);
}

Test(tui, a_board_name_is_asked_when_none_is_given)
{
	cafe(false);
	tui_client(&T, "new", "--name Denis");
	free(tui_wait(&T, "new", "Board"));
	/* The default, "cafe", is the board that exists. */
	tui_keys(&T, "new", "Enter", NULL);
	free(tui_wait(&T, "new", "(your table)"));
	tui_end(&T);
}

Test(tui, the_join_screen_lists_the_servers_boards)
{
	char	*scr;

	tui_board(&T, "atelier-rh", "title: Atelier RH\nquestion: Recruter ?\n");
	tui_board(&T, "cafe", BOARD_TEXT "code: secret\n");
	tui_server_start(&T);
	tui_client(&T, "new", "--name Denis");
	scr = tui_wait(&T, "new", "Boards on this server");
	/* Both boards, the one with a join code marked; "cafe" is there. */
	cr_assert(strstr(scr, "atelier-rh") != NULL, "%s", scr);
	cr_assert(strstr(scr, "[code] Caf") != NULL, "%s", scr);
	cr_assert(strstr(scr, "Board  cafe") != NULL, "%s", scr);
	free(scr);
	/* The arrows walk the list into the board field. */
	tui_keys(&T, "new", "Up", NULL);
	free(tui_wait(&T, "new", "Board  atelier-rh"));
	tui_keys(&T, "new", "Down", "Enter", NULL);
	free(tui_wait(&T, "new", "needs a join code"));
	tui_type(&T, "new", "secret");
	tui_keys(&T, "new", "Enter", NULL);
	free(tui_wait(&T, "new", "(your table)"));
	tui_end(&T);
}

Test(tui, a_name_in_use_and_an_unknown_board_are_fixed_on_screen)
{
	cafe(true);
	tui_client(&T, "twin", "--board cafe --name Anne");
	free(tui_wait(&T, "twin", "already uses the name"));
	tui_keys(&T, "twin", "End", NULL);
	tui_type(&T, "twin", " B.");
	tui_keys(&T, "twin", "Enter", NULL);
	free(tui_wait(&T, "twin", "Anne B."));
	free(tui_wait(&T, "twin", "connected"));

	tui_client(&T, "lost", "--board nosuch --name Eve");
	free(tui_wait(&T, "lost", "There is no board named"));
	tui_keys(&T, "lost", "C-u", NULL);
	tui_type(&T, "lost", "cafe");
	tui_keys(&T, "lost", "Enter", NULL);
	free(tui_wait(&T, "lost", "(your table)"));
	tui_end(&T);
}

Test(tui, a_join_code_is_asked_when_the_board_has_one)
{
	char	args[256];

	tui_board(&T, "cafe", BOARD_TEXT "code: secret\n");
	tui_server_start(&T);
	tui_client(&T, "p", "--board cafe --name Gaby");
	free(tui_wait(&T, "p", "needs a join code"));
	tui_type(&T, "p", "wrong");
	tui_keys(&T, "p", "Enter", NULL);
	free(tui_wait(&T, "p", "not the board's"));
	tui_keys(&T, "p", "C-u", NULL);
	tui_type(&T, "p", "secret");
	tui_keys(&T, "p", "Enter", NULL);
	free(tui_wait(&T, "p", "(your table)"));
	(void)args;
	tui_end(&T);
}

/* ------------------------------------------------------------ follow */

Test(tui, follow_me_brings_everyone_to_the_facilitators_table)
{
	cafe(true);
	free(tui_wait(&T, "anne", "Table 1 of 2 (your table)"));
	/* The facilitator looks at table 2 and brings everyone there. */
	tui_keys(&T, "fac", "Tab", NULL);
	tui_keys(&T, "fac", ":", "f", NULL);
	free(tui_wait(&T, "fac", "Bring every screen to"));
	tui_keys(&T, "fac", "t", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	free(tui_wait(&T, "anne", "brings everyone to this table"));
	tui_end(&T);
}

/* ------------------------------------------------------------ signals */

Test(tui, keyboard_signals_do_no_harm_and_sigterm_restores_the_terminal)
{
	char	*v, args[512];
	pid_t	 pid;

	cafe(false);
	snprintf(args, sizeof args, "--board cafe --name Anne");
	tui_client_run(&T, "anne", "", args, true);
	free(tui_wait(&T, "anne", "(your table)"));
	pid = tui_wrapped_pid(&T, "anne");
	tui_keys(&T, "anne", "C-z", NULL);
	tui_keys(&T, "anne", "C-\\", NULL);
	tui_keys(&T, "anne", "C-c", NULL);
	free(tui_wait(&T, "anne", "Quit cafeboard? (y/n)"));
	tui_keys(&T, "anne", "n", NULL);
	free(tui_wait_gone(&T, "anne", "Quit cafeboard?"));
	cr_assert(tui_alive(pid), "Ctrl-Z, Ctrl-\\ or Ctrl-C ended the "
	    "client");
	v = tui_pane(&T, "anne", "#{alternate_on}");
	cr_assert_str_eq(v, "1");
	free(v);

	cr_assert_eq(kill(pid, SIGTERM), 0);
	cr_assert_eq(tui_wrapped_status(&T, "anne"), 0);
	/* endwin() ran: the terminal left the alternate screen. */
	v = tui_pane(&T, "anne", "#{alternate_on}");
	cr_assert_str_eq(v, "0");
	free(v);
	tui_end(&T);
}

/* ------------------------------------------------------------ drawing */

/* Apply an event made of op, from origin, to the replica. */
static void
feed(struct ui *ui, uint32_t origin, struct proto_op op)
{
	struct proto_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.seq = ui->net.replica.confirmed->head + 1;
	ev.origin = origin;
	ev.op = op;
	cr_assert_eq(replica_event(&ui->net.replica, &ev, 1000), 0);
}

/* Where the bytes s start in the terminal's output, or NULL. */
#define HAS(s)	memmem(buf, (size_t)len, s, sizeof s - 1)

Test(draw, bytes_from_peers_never_reach_the_terminal_as_controls)
{
	struct client_opts	 opts;
	struct net_callbacks	 cb;
	struct event_base	*base;
	struct ui		 ui;
	SCREEN			*scr;
	FILE			*out, *in;
	char			*buf;
	long			 len;
	uint64_t		 table;

	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	setenv("COLUMNS", "100", 1);
	setenv("LINES", "30", 1);
	memset(&opts, 0, sizeof opts);
	opts.board = "cafe";
	opts.name = "Anne";
	memset(&cb, 0, sizeof cb);
	base = event_base_new();
	memset(&ui, 0, sizeof ui);
	ui.opts = &opts;
	ui.saved_stderr = -1;
	ui.wide = true;
	net_init(&ui.net, base, &opts, &cb, &ui);
	ui.net_ready = true;

	/* A board whose every string tries to command the terminal. */
	feed(&ui, 0, OP(.kind = OP_JOINED, .participant = 1,
	    .text = "Anne\x1b]0;pwned\x07"));
	ui.net.replica.me = 1;
	feed(&ui, 1, TADD("Question\x1b[?1049l?"));
	table = ui.net.replica.confirmed->head;
	feed(&ui, 1, SIT(table, 1));
	feed(&ui, 1, PHASE(PHASE_IDEAS));
	feed(&ui, 1, BANNER("Banni\xc3\xa8re\x1b[5mBLINKMARK"));
	feed(&ui, 1, ADD(table, "A\x1b[2JZZMARK", 0));
	feed(&ui, 1, ADD(table, "B\xc2\x9b" "31mYYMARK\nC\x9b" "32mXXMARK",
	    0));

	out = tmpfile();
	in = fopen("/dev/null", "r");
	cr_assert_not_null(out);
	scr = newterm("xterm-256color", out, in);
	cr_assert_not_null(scr);
	set_term(scr);
	ui.curses = true;
	ui_draw(&ui);
	endwin();
	ui.curses = false;
	fflush(out);
	len = ftell(out);
	cr_assert_gt(len, 0);
	buf = malloc((size_t)len + 1);
	rewind(out);
	cr_assert_eq(fread(buf, 1, (size_t)len, out), (size_t)len);
	buf[len] = '\0';

	/* The text is there, its controls turned into U+FFFD. */
	cr_assert_not_null(HAS("\xef\xbf\xbd[2JZZMARK"),
	    "the card is not on screen");
	cr_assert_null(HAS("\x1b[2JZZMARK"));
	cr_assert_not_null(HAS("31mYYMARK"));
	cr_assert_null(HAS("\xc2\x9b" "31mYY"));
	cr_assert_null(HAS("\x9b" "31mYY"));
	cr_assert_null(HAS("\x9b" "32mXX"));
	cr_assert_null(HAS("\x1b[5mBLINKMARK"));
	cr_assert_not_null(HAS("BLINKMARK"));
	cr_assert_null(HAS("\x1b]0;pwned"));
	cr_assert_null(HAS("\x1b[?1049l?"));
	cr_assert_null(HAS("\x07"),
	    "a BEL from a name reached the terminal");

	delscreen(scr);
	fclose(out);
	fclose(in);
	free(buf);
	free(ui.tabs);
	net_free(&ui.net);
	event_base_free(base);
}

/* ------------------------------------------------------------ console */

Test(console, durations_typed_by_a_facilitator)
{
	struct {
		const char	*in;
		int32_t		 secs;	/* -1: refused */
	} v[] = {
		{ "10m", 600 }, { "90s", 90 }, { "5:00", 300 },
		{ "1:30:00", 5400 }, { "1h30", 5400 }, { "1h 30m", 5400 },
		{ "10 min", 600 }, { "10", 600 }, { " 2m30s ", 150 },
		{ "24h", 86400 }, { "1s", 1 },
		{ "", -1 }, { "0", -1 }, { "0:00", -1 }, { "25h", -1 },
		{ "10x", -1 }, { "-5m", -1 }, { "5:75", -1 }, { "m", -1 },
		{ "1m30", -1 }, { "1:2:3:4", -1 },
	};
	size_t	i;
	int32_t	s;
	int	rc;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s = -1;
		rc = ui_console_duration(v[i].in, &s);
		if (v[i].secs < 0)
			cr_assert_neq(rc, 0, "\"%s\" accepted as %d", v[i].in,
			    s);
		else {
			cr_assert_eq(rc, 0, "\"%s\" refused", v[i].in);
			cr_assert_eq(s, v[i].secs, "\"%s\": %d, not %d",
			    v[i].in, s, v[i].secs);
		}
	}
}

Test(tui, through_a_relay_the_status_line_says_when_the_boards_server_is_gone)
{
	char	 rsock[300], rdata[300], rlog[300], args[512], *s;
	char	*argv[] = { (char *)T.server_bin, "--socket", rsock, "--data",
	    rdata, "--log-level", "debug", "--upstream", T.sock, "--key-file",
	    T.key, NULL };
	pid_t	 relay;
	int	 status;

	cafe(false);
	phase("2", "ideas");
	/* A relay in front of the server; Anne comes in through it. */
	snprintf(rsock, sizeof rsock, "%s/relay.sock", T.dir);
	snprintf(rdata, sizeof rdata, "%s/relay-data", T.dir);
	snprintf(rlog, sizeof rlog, "%s/relay.log", T.dir);
	relay = tui_spawn(argv, rlog);
	tui_wait_file(rsock);
	snprintf(args, sizeof args, "--socket '%s' --board cafe --name Anne",
	    rsock);
	tui_client(&T, "anne", args);
	free(tui_wait(&T, "anne", "(your table)"));
	add_card("anne", "Avant la coupure");
	free(tui_wait(&T, "fac", "Avant la coupure"));

	/* The server goes: Anne's screen says so, and keeps her card. */
	tui_server_stop(&T, SIGKILL);
	free(tui_wait(&T, "anne", "board's server out of reach"));
	add_card("anne", "Pendant la coupure");
	s = tui_wait(&T, "anne", "1 change waits in the room (1 yours)");
	cr_assert_eq(tui_count(s, "Pendant la coupure"), 1, "%s", s);
	free(s);

	/* It comes back: the card goes up once, the screens agree. */
	tui_server_start(&T);
	s = tui_wait(&T, "fac", "Pendant la coupure");
	free(s);
	free(tui_wait_gone(&T, "anne", "out of reach"));
	free(tui_wait_gone(&T, "anne", "waiting"));
	s = tui_wait(&T, "anne", "connected");
	cr_assert_eq(tui_count(s, "Avant la coupure"), 1, "%s", s);
	cr_assert_eq(tui_count(s, "Pendant la coupure"), 1, "%s", s);
	free(s);
	s = tui_wait(&T, "fac", "Pendant la coupure");
	cr_assert_eq(tui_count(s, "Pendant la coupure"), 1, "%s", s);
	free(s);
	kill(relay, SIGTERM);
	while (waitpid(relay, &status, 0) == -1 && errno == EINTR)
		;
	tui_end(&T);
}
