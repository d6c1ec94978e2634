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

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tsupport.h"
#include "tui-harness.h"

#include "../client/ui.h"
#include "i18n.h"
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
	tui_cafe(&T, BOARD_TEXT, anne);
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

/*
 * True when screen is the whole of a redraw for cols x rows: no line wider
 * than cols, no more than rows lines, one column for every separator, and
 * the status line among the last five lines.  The kernel hands a big redraw
 * to tmux 2 kB at a time, top line first: until its last piece, a screen
 * just resized holds new lines above old ones.
 */
static bool
screen_redrawn(const char *screen, int cols, int rows)
{
	char	*copy = strdup(screen), *line, *save = NULL;
	int	 n = 0, sep = -1, c, status = -1;
	bool	 ok = true;

	cr_assert_not_null(copy);
	for (line = strtok_r(copy, "\n", &save); line != NULL && ok;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		if ((int)text_width(line) > cols)
			ok = false;
		if (strstr(line, " online") != NULL)
			status = n;
		if ((c = column_of(line, SEP)) < 0)
			continue;
		if (sep < 0)
			sep = c;
		ok = ok && c == sep;
	}
	free(copy);
	return ok && n <= rows && status > rows - 5;
}

/*
 * Wait until win shows the whole redraw for cols x rows (screen_redrawn)
 * holding needle; fails with check_screen's reason at the deadline.
 */
static char *
wait_redrawn(const char *win, int cols, int rows, const char *needle)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s;

	for (;;) {
		s = tui_screen(&T, win, false);
		if (strstr(s, needle) != NULL && screen_redrawn(s, cols, rows))
			return s;
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			check_screen(s, cols, rows);
			cr_assert_fail("%s never showed \"%s\" redrawn for "
			    "%dx%d", win, needle, cols, rows);
		}
		free(s);
		tui_nap();
	}
}

/*
 * Wait until one screen of win holds every needle given, and none of
 * those given after a '!' (NULL-terminated); that screen (malloc'd).  A
 * redraw reaches tmux in pieces, top line first: what one piece shows,
 * the next may complete.
 */
static char	*wait_all(const char *, ...) __attribute__((sentinel));

static char *
wait_all(const char *win, ...)
{
	int64_t		 end = ts_now_ms() + TUI_DEADLINE_MS;
	const char	*n, *miss;
	char		*s;
	va_list		 ap;

	for (;;) {
		s = tui_screen(&T, win, false);
		miss = NULL;
		va_start(ap, win);
		while (miss == NULL && (n = va_arg(ap, const char *)) != NULL) {
			if (n[0] == '!' ? strstr(s, n + 1) != NULL :
			    strstr(s, n) == NULL)
				miss = n;
		}
		va_end(ap);
		if (miss == NULL)
			return s;
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("%s never showed %s\"%s\" with the rest",
			    win, miss[0] == '!' ? "the end of " : "", miss[0] ==
			    '!' ? miss + 1 : miss);
		}
		free(s);
		tui_nap();
	}
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

/* screen with its lines joined by one space and runs of spaces folded. */
static char *
flat(const char *screen)
{
	char	*out = malloc(strlen(screen) + 1), *o = out;

	cr_assert_not_null(out);
	for (; *screen != '\0'; screen++) {
		if (*screen == ' ' || *screen == '\n') {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *screen;
	}
	*o = '\0';
	return out;
}

/* Wait until win shows needle, wrapped over lines or not. */
static char *
wait_flat(const char *win, const char *needle)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s, *f;

	for (;;) {
		s = tui_screen(&T, win, false);
		f = flat(s);
		if (strstr(f, needle) != NULL) {
			free(s);
			return f;
		}
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("\"%s\" never showed in %s", needle,
			    win);
		}
		free(f);
		free(s);
		tui_nap();
	}
}

/*
 * The status line of a screen (the one with "online"), malloc'd; NULL
 * before the first drawing.
 */
static char *
status_line(const char *screen)
{
	char	*l = line_with(screen, " online");

	if (l == NULL)
		l = line_with(screen, " en ligne");
	return l;
}

/*
 * Wait until win's status line holds (want) or lacks (!want) needle; the
 * screen that showed it (malloc'd).
 */
static char *
wait_status_screen(const char *win, const char *needle, bool want)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s, *l;
	bool	 has;

	for (;;) {
		s = tui_screen(&T, win, false);
		l = status_line(s);
		has = l != NULL && strstr(l, needle) != NULL;
		if (l != NULL && has == want) {
			free(l);
			return s;
		}
		free(l);
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("the status line of %s %s \"%s\"", win,
			    want ? "never showed" : "kept", needle);
		}
		free(s);
		tui_nap();
	}
}

/* Wait until win's status line holds (want) or lacks (!want) needle. */
static void
wait_status(const char *win, const char *needle, bool want)
{
	free(wait_status_screen(win, needle, want));
}

/*
 * Wait until win is caught up: its status line says connected, in
 * English or in French (the board is drawn while it streams in, before
 * the people at the table are known); that screen (malloc'd).
 */
static char *
wait_caught_up(const char *win, bool fr)
{
	return wait_status_screen(win, fr ? "\xc2\xb7 connect\xc3\xa9" :
	    "\xc2\xb7 connected", true);
}

/* The facilitator starts a timer of dur with label (NULL: none typed). */
static void
start_timer(const char *dur, const char *label)
{
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "s", NULL);
	free(tui_wait(&T, "fac", "Duration"));
	tui_keys(&T, "fac", "C-u", NULL);
	tui_type(&T, "fac", dur);
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Label"));
	if (label != NULL)
		tui_type(&T, "fac", label);
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait_gone(&T, "fac", "Label"));
}

Test(tui, a_card_typed_in_one_client_appears_in_the_other_aligned)
{
	char	*s, *l;
	int	 i;
	const char *wins[] = { "fac", "anne" };

	cafe(true);
	tui_phase(&T, "2", "ideas");
	free(tui_wait(&T, "anne", "Phase: ideas"));
	tui_add_card(&T, "anne", FRENCH);
	tui_add_card(&T, "anne", CJK);
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

/*
 * The count of people online, on every screen, as the room comes and goes:
 * the real clients take the compact roster (one ROSTER at their catch-up,
 * newcomers by their joined event, PRESENCE without names), a raw client
 * speaks the original protocol on the same board; all agree.
 */
Test(tui, everyone_online_is_counted_with_the_compact_roster)
{
	struct tserver	 srv;
	struct tclient	 chloe;
	const char	*wins[] = { "fac", "anne", "bruno" };
	size_t		 i;

	cafe(true);
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	for (i = 0; i < sizeof wins / sizeof wins[0]; i++)
		wait_status(wins[i], "3 online", true);

	/* Someone on the original protocol: everyone counts her. */
	memset(&srv, 0, sizeof srv);
	cr_assert_lt(strlen(T.sock), sizeof srv.sock);
	memcpy(srv.sock, T.sock, strlen(T.sock) + 1);
	cr_assert_eq(tclient_connect(&chloe, &srv, false), 0);
	cr_assert_eq(tclient_join(&chloe, "cafe", "Chlo\xc3\xa9", NULL, NULL),
	    0, "Chlo\xc3\xa9 cannot join");
	for (i = 0; i < sizeof wins / sizeof wins[0]; i++)
		wait_status(wins[i], "4 online", true);
	tclient_close(&chloe);
	for (i = 0; i < sizeof wins / sizeof wins[0]; i++)
		wait_status(wins[i], "3 online", true);

	/* Bruno's terminal closes (SIGHUP): the others see him go. */
	cr_assert_eq(tui_tmux(&T, NULL, "kill-window", "-t", "cb:bruno",
	    NULL), 0);
	wait_status("fac", "2 online", true);
	wait_status("anne", "2 online", true);
	tui_end(&T);
}

Test(tui, the_facilitator_starts_a_timer_and_both_screens_count_down)
{
	char	*s;
	int	 a0, f0;

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
	/* Far from zero: minutes only, on both screens. */
	s = tui_wait(&T, "anne", "Tour 1 3 min");
	cr_assert_eq(countdown(s), -1, "%s", s);
	free(s);
	s = tui_wait(&T, "fac", "Tour 1 3 min");
	cr_assert_eq(countdown(s), -1, "%s", s);
	free(s);
	/* Pause: said, with the seconds left. */
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "p", NULL);
	s = tui_wait(&T, "anne", "(paused)");
	a0 = countdown(s);
	free(s);
	s = tui_wait(&T, "fac", "(paused)");
	f0 = countdown(s);
	free(s);
	cr_assert(a0 > 150 && a0 <= 180, "anne shows %d s", a0);
	cr_assert_eq(f0, a0, "fac shows %d s, anne %d s", f0, a0);
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
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_add_card(&T, "anne", "Des permanences en mairie");
	free(tui_wait(&T, "fac", "permanences"));
	tui_phase(&T, "4", "vote");
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
	tui_phase(&T, "5", "harvest");
	s = wait_all("anne", "kept 0/3", "permanences", NULL);
	free(s);
	tui_end(&T);
}

Test(tui, resizing_keeps_the_screen_coherent)
{
	char	*s;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", FRENCH);
	tui_add_card(&T, "anne", CJK);
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
	/* tmux cuts the old screen at once: "connected" is the redraw's. */
	free(tui_wait(&T, "anne", "connected"));
	s = tui_wait(&T, "anne", CJK);
	check_screen(s, 80, 24);
	cr_assert_not_null(strstr(s, "connected"), "%s", s);
	free(s);

	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "200", "-y",
	    "50", NULL);
	s = wait_redrawn("anne", 200, 50, "Table 2 of 2");
	check_screen(s, 200, 50);
	cr_assert_not_null(strstr(s, CJK));
	cr_assert_not_null(strstr(s, "\xc5\x93uvre"));
	free(s);

	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "39", "-y",
	    "9", NULL);
	free(tui_wait(&T, "anne", "Terminal too small"));
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "40", "-y",
	    "10", NULL);
	free(tui_wait_gone(&T, "anne", "Terminal too small"));
	s = wait_redrawn("anne", 40, 10, "");
	check_screen(s, 40, 10);
	free(s);

	/* ASCII: the same coherence, with plain characters only. */
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:ascii", "-x", "80", "-y",
	    "24", NULL);
	s = wait_redrawn("ascii", 80, 24, "oeuvre");
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
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Avant la coupure");
	free(tui_wait(&T, "fac", "Avant la coupure"));
	free(tui_wait_gone(&T, "anne", "waiting"));

	tui_server_stop(&T, SIGKILL);
	free(tui_wait(&T, "anne", "reconnecting in"));
	tui_add_card(&T, "anne", "Pendant la coupure");
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
	free(tui_wait(&T, "fr", "(votre table)"));
	/* Caught up: the status line is drawn in full. */
	s = tui_wait(&T, "fr", "connect\xc3\xa9");
	cr_assert_not_null(strstr(s, "Phase\xc2\xa0: accueil"), "%s", s);
	cr_assert_not_null(strstr(s, "Ici\xc2\xa0:"), "%s", s);
	free(s);
	tui_phase(&T, "2", "ideas");
	free(tui_wait(&T, "fr", "Phase\xc2\xa0: id\xc3\xa9""es"));
	tui_keys(&T, "fr", "a", NULL);
	free(tui_wait(&T, "fr", "Ajouter une id\xc3\xa9""e"));
	tui_type(&T, "fr", "Cr\xc3\xa9""er un guichet unique");
	tui_keys(&T, "fr", "Enter", NULL);
	free(tui_wait(&T, "fac", "guichet unique"));
	tui_phase(&T, "4", "vote");
	free(tui_wait(&T, "fr", "3 gommettes restantes"));
	tui_keys(&T, "fr", "Space", NULL);
	free(tui_wait(&T, "fr", "Il vous reste 2 gommettes pour cette "
	    "question."));
	/* "o" (oui) answers yes in French, once the dot is confirmed. */
	wait_status("fr", "en attente", false);
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
	/* Caught up: her name is among the people at her table. */
	s = wait_caught_up("fr", true);
	cr_assert_not_null(strstr(s, "(votre table)"), "%s", s);
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
	tui_phase(&T, "5", "harvest");
	s = wait_all("fac", "kept 0/3", "en demande d'emploi et",
	    "un parcours de recherche", NULL);
	free(s);
	tui_end(&T);
}

Test(tui, replies_edits_deletes_and_clusters_on_screen)
{
	char	*s, *l;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	/* r: a reply, drawn under its card, indented, with its mark. */
	tui_keys(&T, "anne", "r", NULL);
	free(tui_wait(&T, "anne", "Build on this idea"));
	tui_type(&T, "anne", "avec les mairies");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "avec les mairies");
	l = line_with(s, "avec les mairies");
	cr_assert_not_null(strstr(l, "  \xe2\x86\xb3 2. avec"), "%s", l);
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
	tui_add_card(&T, "anne", "Des permanences");
	tui_phase(&T, "3", "grouping");
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
	cr_assert_not_null(strstr(l, "\xe2\x97\xa6 3. Des"), "%s", l);
	free(l);
	free(s);
	tui_end(&T);
}

Test(tui, search_sit_and_rotation_move_between_tables)
{
	char	*s;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Id\xc3\xa9""e de la table un");
	/* s: sit at table 2 and write there. */
	tui_keys(&T, "anne", "s", NULL);
	free(tui_wait(&T, "anne", "Sit at which table?"));
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (your table)"));
	tui_add_card(&T, "anne", "Autre chose");
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
	s = wait_all("anne", "Round 2", "(your table)", "!(visiting)", NULL);
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
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Ne pas supprimer");
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
	tui_phase(&T, "2", "ideas");
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
	/* Caught up: she is among the people at her table. */
	free(tui_wait(&T, "new", "(your table)"));
	s = wait_caught_up("new", false);
	cr_assert_not_null(strstr(s, "Here: Chlo\xc3\xa9"), "%s", s);
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

	/* A board typed on the join screen (--board binds: see test_connect). */
	tui_client(&T, "lost", "--name Eve");
	free(tui_wait(&T, "lost", "Boards on this server"));
	tui_keys(&T, "lost", "C-u", NULL);
	tui_type(&T, "lost", "nosuch");
	tui_keys(&T, "lost", "Enter", NULL);
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
	ui_draw_cards_forget(&ui);
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

/* ------------------------------------------------------------ issue 11 */

/*
 * Page through the help of win (already open): every line that names a
 * key has its description after it.  Returns the key lines seen.
 */
static int
help_has_descriptions(const char *win, const char *last)
{
	char		*s, *copy, *line, *save, *gap;
	int		 keys = 0, page;
	bool		 end = false;

	for (page = 0; page < 12 && !end; page++) {
		s = tui_screen(&T, win, false);
		end = strstr(s, last) != NULL;
		copy = strdup(s);
		for (line = strtok_r(copy, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			/* A key line: three spaces, then the key. */
			if (strncmp(line, "   ", 3) != 0 || line[3] == ' ' ||
			    strstr(line, " online") != NULL)
				continue;
			keys++;
			gap = strstr(line + 3, "  ");
			while (gap != NULL && *gap == ' ')
				gap++;
			cr_assert(gap != NULL && *gap != '\0',
			    "a key without its description: \"%s\"\n%s", line,
			    s);
		}
		free(copy);
		free(s);
		if (!end) {
			tui_keys(&T, win, "NPage", NULL);
			tui_nap();
			tui_nap();
		}
	}
	cr_assert(end, "the help never reached \"%s\"", last);
	return keys;
}

/* 11.1: in French, the help has a description for every key. */
Test(tui, the_french_help_describes_every_key_in_utf8_and_ascii)
{
	char	env[600], *s;
	const char *top = getenv("CB_TOP");

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(env, sizeof env, "LANGUAGE=fr CAFEBOARD_LOCALEDIR='%s/build/"
	    "locale'", top);
	cafe(false);
	tui_client_env(&T, "fr", env, "--board cafe --name 'Aur\xc3\xa9lie'");
	tui_client_env(&T, "fra", env, "--ascii --board cafe --name Zoe");
	free(tui_wait(&T, "fr", "(votre table)"));
	free(tui_wait(&T, "fra", "(votre table)"));
	tui_keys(&T, "fr", "?", NULL);
	free(tui_wait(&T, "fr", "Se d\xc3\xa9placer"));
	cr_assert_geq(help_has_descriptions("fr", "Ctrl-L"), 30);
	/* The facilitator's help says the console's tools too. */
	tui_keys(&T, "fac", "?", NULL);
	free(tui_wait(&T, "fac", "Moving around"));
	cr_assert_geq(help_has_descriptions("fac", "Ctrl-L"), 40);
	/* ASCII: the arrows' names are words, in French. */
	tui_keys(&T, "fra", "?", NULL);
	s = tui_wait(&T, "fra", "Haut k");
	cr_assert_null(strstr(s, "Up Down"), "%s", s);
	cr_assert_null(strstr(s, "Right Left"), "%s", s);
	free(s);
	cr_assert_geq(help_has_descriptions("fra", "Ctrl-L"), 30);
	tui_end(&T);
}

/* 11.2: follow-me shows while on, and its end takes everyone back. */
Test(tui, follow_me_shows_and_its_end_takes_everyone_back)
{
	cafe(true);
	free(tui_wait(&T, "anne", "Table 1 of 2 (your table)"));
	wait_status("anne", "follow me", false);
	tui_keys(&T, "fac", "Tab", NULL);
	tui_keys(&T, "fac", ":", "f", NULL);
	free(tui_wait(&T, "fac", "Bring every screen to"));
	tui_keys(&T, "fac", "t", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	wait_status("anne", "follow me", true);
	tui_keys(&T, "fac", ":", "f", NULL);
	free(tui_wait(&T, "fac", "Bring every screen to"));
	tui_keys(&T, "fac", "n", NULL);
	free(tui_wait(&T, "anne", "Table 1 of 2 (your table)"));
	free(tui_wait(&T, "anne", "back where you were"));
	wait_status("anne", "follow me", false);
	tui_end(&T);
}

/* 11.2: m takes anyone back to their own table. */
Test(tui, m_takes_anyone_back_to_their_own_table)
{
	cafe(true);
	tui_keys(&T, "anne", "Tab", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	tui_keys(&T, "anne", "m", NULL);
	free(tui_wait_gone(&T, "anne", "(visiting)"));
	tui_end(&T);
}

/*
 * 11.2: a sentence typed after a at a table one only visits becomes an
 * idea at one's own table (Tab: sit there and write there); none of its
 * letters runs as a command.
 */
Test(tui, a_sentence_typed_at_a_visited_table_becomes_an_idea)
{
	char	*s, *l;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	free(tui_wait(&T, "anne", "Phase: ideas"));
	tui_keys(&T, "anne", "Tab", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	tui_type(&T, "anne", "aLes services se parlent enfin");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "Les services se parlent enfin");
	/* At Anne's own table, the first column. */
	l = line_with(s, "Les services");
	cr_assert_lt(column_of(l, "Les services"), column_of(l, SEP), "%s", l);
	free(l);
	free(s);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	/* Tab in the field: sit at the table she looks at, write there. */
	tui_keys(&T, "anne", "a", NULL);
	free(wait_flat("anne", "Tab: sit at table 2 and write it there"));
	tui_keys(&T, "anne", "Tab", NULL);
	free(tui_wait(&T, "anne", "New idea for table 2"));
	tui_type(&T, "anne", "Et ici aussi");
	tui_keys(&T, "anne", "Enter", NULL);
	s = tui_wait(&T, "fac", "Et ici aussi");
	l = line_with(s, "Et ici aussi");
	cr_assert_gt(column_of(l, "Et ici aussi"), column_of(l, SEP), "%s", l);
	free(l);
	free(s);
	free(tui_wait(&T, "anne", "Table 2 of 2 (your table)"));
	tui_end(&T);
}

/* 11.2: letters typed right after a refused key do not act. */
Test(tui, keys_typed_after_a_refusal_do_not_act_on_the_board)
{
	char	*s;

	cafe(true);
	/* e with no card is refused; "s2" would sit Anne at table 2. */
	tui_type(&T, "anne", "es2");
	free(tui_wait(&T, "anne", "looked like typing"));
	s = tui_screen(&T, "anne", false);
	cr_assert_not_null(strstr(s, "Table 1 of 2 (your table)"), "%s", s);
	cr_assert_null(strstr(s, "Sit at which table?"), "%s", s);
	free(s);
	tui_end(&T);
}

/*
 * 11.4: the clock reaches zero with freeze_at_zero while Anne types: her
 * idea stays in its field with the reason, and goes once it may.
 */
Test(tui, an_idea_typed_as_the_clock_runs_out_is_never_lost)
{
	char	*s;

	tui_cafe(&T, BOARD_TEXT "freeze_at_zero: yes\n", true);
	tui_phase(&T, "2", "ideas");
	start_timer("2s", NULL);
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", "Une id\xc3\xa9""e en retard");
	free(tui_wait(&T, "anne", "Time is up"));
	tui_keys(&T, "anne", "Enter", NULL);
	s = wait_flat("anne", "new cards wait for the next round");
	cr_assert_not_null(strstr(s, "Une id\xc3\xa9""e en retard"), "%s", s);
	free(s);
	/* The facilitator lifts the freeze: Enter sends it. */
	tui_keys(&T, "fac", ":", "c", NULL);
	free(tui_wait(&T, "fac", "No new cards when the timer ends: yes"));
	tui_keys(&T, "fac", "f", NULL);
	free(tui_wait(&T, "fac", "No new cards when the timer ends: no"));
	tui_keys(&T, "fac", "Escape", NULL);
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "fac", "Une id\xc3\xa9""e en retard"));
	tui_end(&T);
}

/* 11.4: Esc on a long text asks first; on a short one it does not. */
Test(tui, esc_on_a_long_idea_asks_before_throwing_it_away)
{
	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", "Une longue phrase qui compte");
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait(&T, "anne", "Throw away the text you typed? (y/n)"));
	tui_keys(&T, "anne", "n", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	free(tui_wait(&T, "anne", "Une longue phrase qui compte"));
	tui_type(&T, "anne", " vraiment");
	free(tui_wait(&T, "anne", "qui compte vraiment"));
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait(&T, "anne", "Throw away the text you typed?"));
	tui_keys(&T, "anne", "y", NULL);
	free(tui_wait_gone(&T, "anne", "qui compte vraiment"));
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", "court");
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait_gone(&T, "anne", "New idea"));
	/* A long card opened to edit and left as it was: no question. */
	tui_add_card(&T, "anne", "Une id\xc3\xa9""e d\xc3\xa9j\xc3\xa0 longue et "
	    "envoy\xc3\xa9""e");
	tui_keys(&T, "anne", "e", NULL);
	free(tui_wait(&T, "anne", "Edit the idea"));
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait_gone(&T, "anne", "Edit the idea"));
	tui_end(&T);
}

/* 11.5: a timer that ran out goes with a stop, and with the phase. */
Test(tui, a_timer_that_ran_out_goes_with_a_stop_or_the_next_phase)
{
	char	*s;

	cafe(true);
	start_timer("2s", NULL);
	free(tui_wait(&T, "anne", "Time is up"));
	s = tui_wait(&T, "anne", "00:00");
	cr_assert_eq(countdown(s), 0);
	free(s);
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "x", NULL);
	s = tui_wait_gone(&T, "anne", "00:00");
	cr_assert_eq(countdown(s), -1, "%s", s);
	free(s);
	/* Ran out again: the next phase takes it away. */
	start_timer("2s", NULL);
	free(tui_wait(&T, "anne", "00:00"));
	tui_phase(&T, "2", "ideas");
	s = tui_wait_gone(&T, "anne", "00:00");
	cr_assert_eq(countdown(s), -1, "%s", s);
	free(s);
	tui_end(&T);
}

/* 11.5: a new timer's label starts empty; a long one ends with "…". */
Test(tui, a_new_timers_label_starts_empty_and_a_long_one_is_cut_visibly)
{
	char	*s, *l;

	cafe(true);
	start_timer("5m", "Tour 1");
	free(tui_wait(&T, "anne", "Tour 1 5 min"));
	start_timer("5m", "Tour 2");
	s = tui_wait(&T, "anne", "Tour 2 5 min");
	cr_assert_null(strstr(s, "Tour 1Tour 2"), "%s", s);
	free(s);
	start_timer("5m", "Un intitul\xc3\xa9 bien trop long pour la barre");
	s = tui_wait(&T, "anne", "Un intitul\xc3\xa9");
	l = line_with(s, "Un intitul\xc3\xa9");
	cr_assert_not_null(strstr(l, "\xe2\x80\xa6 5 min"), "no ellipsis: %s",
	    l);
	free(l);
	free(s);
	tui_end(&T);
}

/*
 * The console's new tools, each explained under the list: reveal the
 * private cards, close the vote and show the results, clear the timer.
 */
Test(tui, the_console_reveals_closes_the_vote_and_clears_the_timer)
{
	char	*s;

	tui_cafe(&T, BOARD_TEXT "private: yes\n", true);
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	free(tui_wait(&T, "bruno", "(your table)"));
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un secret bien gard\xc3\xa9");
	free(tui_wait(&T, "bruno", "(private until the facilitator reveals"));
	/* The tool under the cursor is explained; w reveals. */
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "a countdown everyone sees"));
	tui_keys(&T, "fac", "Down", NULL);
	free(tui_wait(&T, "fac", "the countdown leaves every header"));
	tui_keys(&T, "fac", "w", NULL);
	free(tui_wait(&T, "bruno", "Un secret bien gard\xc3\xa9"));
	/* x clears a running timer. */
	start_timer("5m", "Tour 1");
	free(tui_wait(&T, "anne", "Tour 1 5 min"));
	tui_keys(&T, "fac", ":", "x", NULL);
	s = tui_wait_gone(&T, "anne", "Tour 1 5 min");
	cr_assert_eq(countdown(s), -1, "%s", s);
	free(s);
	/* v closes the vote: the results show on every screen. */
	tui_phase(&T, "4", "vote");
	tui_keys(&T, "anne", "Space", NULL);
	free(tui_wait(&T, "anne", "2 dots left"));
	tui_keys(&T, "fac", ":", "v", NULL);
	free(tui_wait(&T, "anne", "kept 0/3"));
	free(tui_wait(&T, "bruno", "kept 0/3"));
	free(tui_wait(&T, "fac", "Phase: harvest"));
	tui_end(&T);
}

/* The lock shows while on; participants are told of lock, seat, move. */
Test(tui, the_lock_shows_and_participants_are_told_what_moved_them)
{
	cafe(true);
	tui_keys(&T, "fac", ":", "l", NULL);
	free(wait_flat("anne", "you can read, not write, for now"));
	wait_status("anne", "locked", true);
	tui_keys(&T, "fac", ":", "l", NULL);
	free(wait_flat("anne", "The board is unlocked: you can write again."));
	wait_status("anne", "locked", false);
	/* Seated by the facilitator. */
	tui_keys(&T, "fac", ":", "s", NULL);
	free(tui_wait(&T, "fac", "Seat whom?"));
	tui_keys(&T, "fac", "Down", "Enter", NULL);
	free(tui_wait(&T, "fac", "Seat Anne at"));
	tui_keys(&T, "fac", "2", NULL);
	free(wait_flat("anne", "The facilitator seated you at table 2"));
	free(tui_wait(&T, "anne", "Table 2 of 2 (your table)"));
	/* Moved by a rotation. */
	tui_keys(&T, "fac", ":", "o", NULL);
	free(wait_flat("fac", "Rotate the tables now?"));
	tui_keys(&T, "fac", "y", NULL);
	/* Where to, the rotation decides: she is told either way. */
	free(wait_flat("anne", "The tables rotated: you "));
	tui_end(&T);
}

/* Offline is told apart from reconnecting, with the waiting changes. */
Test(tui, offline_is_told_apart_from_reconnecting)
{
	cafe(true);
	tui_phase(&T, "2", "ideas");
	free(tui_wait(&T, "anne", "Phase: ideas"));
	tui_server_stop(&T, SIGKILL);
	wait_status("anne", "reconnecting in", true);
	tui_add_card(&T, "anne", "Pendant la coupure");
	wait_status("anne", "offline", true);
	wait_status("anne", "1 change waiting", true);
	tui_server_start(&T);
	free(tui_wait(&T, "fac", "Pendant la coupure"));
	wait_status("anne", "connected", true);
	tui_end(&T);
}

/* Nothing a user needs is cut at 80 columns: long messages wrap. */
Test(tui, messages_at_80_columns_wrap_and_are_never_cut)
{
	char	env[600], args[512], *s;
	const char *top = getenv("CB_TOP");

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	cafe(true);
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	free(tui_wait(&T, "bruno", "(your table)"));
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "80", "-y",
	    "24", NULL);
	tui_phase(&T, "2", "ideas");
	/* Bruno's card at Anne's table, then hers. */
	tui_keys(&T, "bruno", "s", NULL);
	free(tui_wait(&T, "bruno", "Sit at which table?"));
	tui_keys(&T, "bruno", "1", NULL);
	free(tui_wait(&T, "bruno", "Table 1 of 2 (your table)"));
	tui_add_card(&T, "bruno", "La carte de Bruno");
	free(tui_wait(&T, "anne", "La carte de Bruno"));
	tui_keys(&T, "anne", "e", NULL);
	free(wait_flat("anne", "only its author or a facilitator may change "
	    "a card)"));
	/* The editor's keys (Esc first: right after a refusal, letters are
	 * held as typing). */
	tui_keys(&T, "anne", "Escape", "r", NULL);
	s = wait_all("anne", "Build on this idea", "Esc cancel", NULL);
	free(s);
	tui_keys(&T, "anne", "Escape", NULL);
	free(tui_wait_gone(&T, "anne", "Build on this idea"));
	/* The grouping hint. */
	tui_add_card(&T, "anne", "La carte d'Anne");
	tui_phase(&T, "3", "grouping");
	tui_keys(&T, "anne", "g", NULL);
	free(wait_flat("anne", "Esc cancels)."));
	tui_keys(&T, "anne", "Escape", NULL);
	/* The rotation's question, in French, is long: it wraps. */
	snprintf(env, sizeof env, "LANGUAGE=fr CAFEBOARD_LOCALEDIR='%s/build/"
	    "locale'", top);
	snprintf(args, sizeof args, "--board cafe --name Marie --key-file "
	    "'%s'", T.key);
	tui_client_env(&T, "frfac", env, args);
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:frfac", "-x", "80",
	    "-y", "24", NULL);
	free(tui_wait(&T, "frfac", "connect\xc3\xa9"));
	tui_keys(&T, "frfac", ":", "o", NULL);
	free(wait_flat("frfac", "Faire tourner les tables maintenant"));
	free(wait_flat("frfac", "les h\xc3\xb4tes restent. (o/n)"));
	tui_keys(&T, "frfac", "n", NULL);
	tui_end(&T);
}

/* The whole question of the table one looks at shows when there is room. */
Test(tui, the_whole_question_of_the_selected_table_shows)
{
	tui_cafe(&T, "title: Questions\n"
	    "question: Comment garantir une bonne orientation des publics en "
	    "demande d'emploi, un parcours coh\xc3\xa9rent et fluide, et un "
	    "accompagnement qui tienne compte des freins comme la "
	    "mobilit\xc3\xa9, la garde d'enfants ou le logement, sans "
	    "multiplier les guichets ni les rendez-vous pour les personnes ?\n"
	    "question: Une seconde table ?\n", true);
	/* Its last words, beside the other table's column. */
	free(tui_wait(&T, "anne", "pour les personnes ?"));
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "200", "-y",
	    "50", NULL);
	free(tui_wait(&T, "anne", "Round 1"));
	free(tui_wait(&T, "anne", "pour les personnes ?"));
	/* One table at a time at 80 columns. */
	tui_tmux(&T, NULL, "resize-window", "-t", "cb:anne", "-x", "80", "-y",
	    "24", NULL);
	tui_keys(&T, "anne", "w", NULL);
	free(tui_wait(&T, "anne", "One table at a time"));
	free(tui_wait(&T, "anne", "pour les personnes ?"));
	tui_end(&T);
}

/* The author's name never leaves its dash, nor the card's last word. */
Test(tui, an_authors_name_stays_with_its_dash_and_the_text)
{
	char	 text[128], *s, *copy, *line, *save;
	int	 k, i, names = 0;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	/* Around 38 to 44 columns, the name falls on the column's edge. */
	for (k = 8; k < 18; k++) {
		text[0] = '\0';
		for (i = 0; i < k; i++)
			strcat(text, "ab ");
		snprintf(text + strlen(text), sizeof text - strlen(text),
		    "fin%d", k);
		tui_add_card(&T, "anne", text);
	}
	s = tui_wait(&T, "fac", "fin17");
	copy = strdup(s);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "Anne") == NULL || strstr(line, "Here:") !=
		    NULL)
			continue;
		names++;
		cr_assert_not_null(strstr(line, " \xe2\x80\x94 Anne"),
		    "a name without its dash: \"%s\"\n%s", line, s);
		cr_assert(strstr(line, "fin") != NULL, "a name without the "
		    "card's last word: \"%s\"\n%s", line, s);
	}
	cr_assert_geq(names, 8, "%s", s);
	free(copy);
	free(s);
	tui_end(&T);
}

/* In ASCII, a cluster's member is not marked with the author's dash. */
Test(tui, ascii_cluster_members_are_not_marked_with_a_dash)
{
	char	*s, *l;

	cafe(true);
	tui_client_env(&T, "ascii", "NO_COLOR=1", "--ascii --board cafe "
	    "--name Zoe");
	free(tui_wait(&T, "ascii", "(your table)"));
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Tete de groupe");
	tui_add_card(&T, "anne", "Membre du groupe");
	tui_phase(&T, "3", "grouping");
	tui_keys(&T, "anne", "End", "g", NULL);
	free(tui_wait(&T, "anne", "Move to the card to group under"));
	tui_keys(&T, "anne", "k", "Enter", NULL);
	free(tui_wait(&T, "anne", "Card grouped."));
	s = tui_wait(&T, "ascii", "+ 2. Membre du groupe");
	l = line_with(s, "Membre du groupe");
	cr_assert_null(strstr(l, "- Membre"), "%s", l);
	free(l);
	free(s);
	tui_end(&T);
}

/* M merges a duplicate: one idea left, with both authors. */
Test(tui, m_merges_a_duplicate_keeping_both_authors)
{
	char	*s;

	tui_cafe(&T, "title: Caf\xc3\xa9 test\n"
	    "question: Comment mieux accueillir ?\n", true);
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	free(tui_wait(&T, "bruno", "(your table)"));
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	free(tui_wait(&T, "bruno", "Un guichet unique"));
	tui_add_card(&T, "bruno", "Un seul guichet");
	tui_phase(&T, "3", "grouping");
	free(tui_wait(&T, "bruno", "Phase: grouping"));
	tui_keys(&T, "bruno", "End", "M", NULL);
	free(tui_wait(&T, "bruno", "Move to the card that says the same"));
	/* Enter on the card itself is refused, and merging goes on. */
	tui_keys(&T, "bruno", "Enter", NULL);
	free(tui_wait(&T, "bruno", "Choose the other card"));
	tui_keys(&T, "bruno", "k", "Enter", NULL);
	free(tui_wait(&T, "bruno", "Cards merged"));
	s = wait_flat("fac", "Un guichet unique \xe2\x80\x94 Anne, Bruno");
	cr_assert_null(strstr(s, "Un seul guichet"), "%s", s);
	free(s);
	tui_end(&T);
}

/* More ideas kept than planned: the results say so plainly. */
Test(tui, more_ideas_kept_than_planned_say_so)
{
	char	want[32];
	int	i;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un");
	tui_add_card(&T, "anne", "Deux");
	tui_add_card(&T, "anne", "Trois");
	tui_add_card(&T, "anne", "Quatre");
	free(tui_wait(&T, "fac", "Quatre"));
	tui_phase(&T, "5", "harvest");
	free(tui_wait(&T, "fac", "kept 0/3"));
	for (i = 1; i <= 3; i++) {
		tui_keys(&T, "fac", "*", "j", NULL);
		snprintf(want, sizeof want, "kept %d/3", i);
		free(tui_wait(&T, "fac", want));
	}
	tui_keys(&T, "fac", "*", NULL);
	free(tui_wait(&T, "fac", "4 kept, 3 planned"));
	tui_end(&T);
}

/*
 * 11.7: while Anne was away, another terminal came in as Anne.  Coming
 * back, she keeps her name, her board and her waiting change, and gets in
 * as herself once the other terminal leaves.
 */
Test(tui, a_client_that_comes_back_keeps_its_own_name)
{
	char	*s;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	free(tui_wait(&T, "anne", "Phase: ideas"));
	tui_server_stop(&T, SIGKILL);
	tui_add_card(&T, "anne", "Pendant l'absence");
	/* Offline: her next attempt is seconds away. */
	wait_status("anne", "offline", true);
	tui_server_start(&T);
	/* Someone takes her name while she is away... */
	tui_client(&T, "twin", "--board cafe --name Anne");
	/* ...but her own client comes back as herself, change and all. */
	wait_status("anne", "connected", true);
	free(tui_wait(&T, "fac", "Pendant l'absence"));
	s = tui_screen(&T, "anne", false);
	cr_assert_null(strstr(s, "Type your first name"), "%s", s);
	cr_assert_not_null(strstr(s, "Here: Anne"), "%s", s);
	free(s);
	/* The other terminal is told, and keeps what it had. */
	free(wait_flat("twin", "Anne"));
	tui_keys(&T, "twin", "q", NULL);
	tui_end(&T);
}

/* ------------------------------------------------------------ key table */

/* The client's French catalogue, as the client binds it. */
static void
french(void)
{
	char		 dir[600];
	const char	*top = getenv("CB_TOP");

	cr_assert_not_null(top, "CB_TOP is not set (make check)");
	snprintf(dir, sizeof dir, "%s/build/locale", top);
	setenv("CAFEBOARD_LOCALEDIR", dir, 1);
	setenv("LANGUAGE", "fr", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	i18n_locale_init();
	i18n_init();
}

/* True if s (translated) is the catalogue's header: an empty msgid. */
static bool
is_header(const char *s)
{
	return strstr(s, "Project-Id-Version") != NULL;
}

Test(keys, no_row_holds_an_empty_string_and_french_describes_every_key)
{
	const struct ui_key	*k;
	const char		*f[4];
	size_t			 i, j, helps = 0;

	french();
	for (i = 0; i < ui_keys_count(); i++) {
		k = ui_keys_row(i);
		f[0] = k->name;
		f[1] = k->aname;
		f[2] = k->help;
		f[3] = k->hint;
		for (j = 0; j < 4; j++) {
			cr_assert(f[j] == NULL || f[j][0] != '\0', "row %zu "
			    "has an empty string", i);
			cr_assert_not(is_header(ui_text_tr(f[j])), "row %zu: "
			    "the catalogue's header", i);
		}
		cr_assert(k->help == NULL || k->name != NULL, "row %zu: a "
		    "help line with no key", i);
		if (k->help == NULL)
			continue;
		helps++;
		/* Every help line is in French (the key names may not be). */
		cr_assert_str_neq(ui_text_tr(k->help), k->help, "row %zu: "
		    "\"%s\" has no French", i, k->help);
	}
	cr_assert_geq(helps, 50);
	cr_assert_str_eq(ui_text_tr(""), "");
	cr_assert_str_eq(ui_text_tr(NULL), "");
}

Test(keys, french_wording_of_the_harvest_and_the_join_screen)
{
	french();
	cr_assert_str_eq(_("Idea no longer kept."),
	    "Id\xc3\xa9""e retir\xc3\xa9""e de la r\xc3\xa9""colte.");
	/* French wants a (no-break) space before the colon. */
	cr_assert_str_eq(_("No server to join: %s"),
	    "Aucun serveur \xc3\xa0 rejoindre\xc2\xa0: %s");
}

Test(keys, a_key_works_in_the_first_row_that_names_it_for_the_context)
{
	const struct ui_key	*k;

	/* k keeps in the console, moves up on the board. */
	k = ui_keys_find(UI_IN_CONSOLE, 'k');
	cr_assert_not_null(k);
	cr_assert_eq(k->section, UI_SEC_CONSOLE);
	k = ui_keys_find(UI_IN_BOARD, 'k');
	cr_assert_not_null(k);
	cr_assert_eq(k->section, UI_SEC_MOVE);
	/* Tab changes tables on the board, is refused while grouping. */
	cr_assert_not_null(ui_keys_find(UI_IN_GROUP, '\t'));
	cr_assert_neq(ui_keys_find(UI_IN_GROUP, '\t'),
	    ui_keys_find(UI_IN_BOARD, '\t'));
	/* a is a key of the board, a letter in a text field. */
	cr_assert_not_null(ui_keys_find(UI_IN_BOARD, 'a'));
	cr_assert_null(ui_keys_find(UI_IN_EDIT, 'a'));
	/* The console is for facilitators. */
	cr_assert_eq(ui_keys_find(UI_IN_BOARD, ':')->who, UI_WHO_FAC);
}

/* A relay in front of the server, and Anne at her table through it. */
static void
anne_on_a_relay(struct tserver *relay)
{
	char	args[512];

	tserver_start(relay, false, "--upstream", T.sock, "--key-file", T.key,
	    NULL);
	snprintf(args, sizeof args, "--socket '%s' --board cafe --name Anne",
	    relay->sock);
	tui_client(&T, "anne", args);
	free(tui_wait(&T, "anne", "(your table)"));
}

/* The clients, then the relay, go. */
static void
relay_end(struct tserver *relay)
{
	tui_end(&T);
	tserver_stop(relay, SIGTERM);
	tserver_cleanup(relay);
}

/*
 * A card still on its way can be edited at once: Anne is on a relay that
 * passes nothing on for a while (stopped), adds a card and edits it, and
 * meanwhile Bruno adds one on the server, which takes the number her
 * screen had guessed for hers.  Her edit waits for her card's number and
 * reaches her card; Bruno's is untouched and nobody is refused.
 */
Test(tui, an_edit_of_a_card_on_its_way_reaches_that_card)
{
	struct tserver	 relay;
	char		 args[512], *s;

	cafe(false);
	tui_phase(&T, "2", "ideas");
	anne_on_a_relay(&relay);
	snprintf(args, sizeof args, "--socket '%s' --board cafe --name Bruno",
	    T.sock);
	tui_client(&T, "bruno", args);
	free(tui_wait(&T, "bruno", "(your table)"));

	cr_assert_eq(kill(relay.pid, SIGSTOP), 0);
	tui_add_card(&T, "bruno", "Chez Bruno");
	free(tui_wait(&T, "fac", "Chez Bruno"));
	tui_add_card(&T, "anne", "Mon id\xc3\xa9""e provisoire");
	tui_keys(&T, "anne", "e", NULL);
	free(tui_wait(&T, "anne", "Edit the idea"));
	tui_keys(&T, "anne", "C-w", NULL);
	tui_type(&T, "anne", "finale");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Mon id\xc3\xa9""e finale"));
	cr_assert_eq(kill(relay.pid, SIGCONT), 0);

	s = tui_wait(&T, "fac", "Mon id\xc3\xa9""e finale");
	cr_assert_eq(tui_count(s, "Chez Bruno"), 1, "%s", s);
	cr_assert_eq(tui_count(s, "provisoire"), 0, "%s", s);
	free(s);
	s = tui_wait_gone(&T, "anne", "waiting");
	cr_assert_null(strstr(s, "refused"), "%s", s);
	cr_assert_null(strstr(s, "not yours"), "%s", s);
	cr_assert_eq(tui_count(s, "Chez Bruno"), 1, "%s", s);
	free(s);
	relay_end(&relay);
}

Test(tui, through_a_relay_the_status_line_says_when_the_boards_server_is_gone)
{
	struct tserver	 relay;
	char		*s;

	cafe(false);
	tui_phase(&T, "2", "ideas");
	/* A relay in front of the server; Anne comes in through it. */
	anne_on_a_relay(&relay);
	tui_add_card(&T, "anne", "Avant la coupure");
	free(tui_wait(&T, "fac", "Avant la coupure"));

	/* The server goes: Anne's screen says so, and keeps her card. */
	tui_server_stop(&T, SIGKILL);
	free(tui_wait(&T, "anne", "board's server out of reach"));
	tui_add_card(&T, "anne", "Pendant la coupure");
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
	relay_end(&relay);
}
