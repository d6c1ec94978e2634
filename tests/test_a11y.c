/*
 * test_a11y.c -- the full-screen client for screen readers, braille
 * displays and magnifiers, end to end: a real cafeboard-server on a private
 * socket, real cafeboard clients in a private tmux.
 *
 * A braille display or a screen reader follows the terminal's cursor.  So
 * after each kind of action the cursor that tmux reports (#{cursor_x},
 * #{cursor_y}, #{cursor_flag}) must sit on what has the focus on the
 * captured screen: the selection marker of the card, of a line of a list,
 * of the console's tool; the insertion point of a text field; the top of
 * the help.  The countdown must never take it, tick after tick.  The
 * marker must be there without colours; the cards carry the numbers of
 * --plain, and a number takes one to its card; F2 goes to the line mode
 * and its "full" comes back, with the same connection and the changes it
 * holds, sent once.
 *
 * The screen and the cursor are read by two tmux commands: every check
 * polls until they agree, up to a deadline, and fails with both.
 *
 * Needs CB_SERVER and CB_CLIENT (make check sets them) and tmux.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsupport.h"
#include "tui-harness.h"

#include "text.h"

#define MARK	"\xe2\x96\xb6"		/* the selection marker ▶ */

#define BOARD_TEXT \
	"title: Caf\xc3\xa9 test\n" \
	"question: Comment garantir une bonne orientation des publics ?\n" \
	"question: Comment faciliter l'acc\xc3\xa8s aux solutions ?\n"

static struct tui T;

/* Every test: a directory, a tmux server, locale for widths. */
static void
a11y_setup(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	tui_init(&T);
}

/* Every test, even a failed one: kill what it started. */
static void
a11y_teardown(void)
{
	tui_fini(&T);
}

TestSuite(a11y, .init = a11y_setup, .fini = a11y_teardown, .timeout = 240);

/* A board "cafe" with two questions, a server, Fanny, maybe Anne. */
static void
cafe(bool anne)
{
	tui_cafe(&T, BOARD_TEXT, anne);
}

/*
 * The line (0 first) of screen holding needle, and its column: its first
 * occurrence, or its last if last (what is drawn over the board is drawn
 * lower than the card it shows).  False if it is not there.
 */
static bool
find_at(const char *screen, const char *needle, bool last, int *y, int *x)
{
	const char	*p = strstr(screen, needle), *q, *a;
	char		*before;

	if (p == NULL)
		return false;
	while (last && (q = strstr(p + 1, needle)) != NULL)
		p = q;
	*y = 0;
	for (a = screen; a < p; a++)
		*y += *a == '\n';
	for (a = p; a > screen && a[-1] != '\n'; a--)
		;
	before = strndup(a, (size_t)(p - a));
	*x = (int)text_width(before);
	free(before);
	return true;
}

/* Line y of screen (malloc'd; "" past the end). */
static char *
line_at(const char *screen, int y)
{
	const char	*a = screen, *b;

	while (y-- > 0 && a != NULL) {
		a = strchr(a, '\n');
		if (a != NULL)
			a++;
	}
	if (a == NULL)
		return strdup("");
	b = strchr(a, '\n');
	return strndup(a, b != NULL ? (size_t)(b - a) : strlen(a));
}

/* Where tmux has win's cursor, and whether it shows. */
static void
cursor_of(const char *win, int *x, int *y, int *shown)
{
	char	*s = tui_pane(&T, win, "#{cursor_x} #{cursor_y} "
	    "#{cursor_flag}");

	cr_assert_eq(sscanf(s, "%d %d %d", x, y, shown), 3, "tmux said %s",
	    s);
	free(s);
}

/* What a focus check looks for on a screen. */
enum want {
	ON_MARK,	/* the marker on the line holding the text */
	ON_TEXT,	/* the first cell of the text (drawn last) */
	AFTER_TEXT,	/* the cell after the text, less back cells */
};

/*
 * True when screen shows the focus as w says, with text, and the cursor is
 * there: *wy, *wx is where it should be.
 */
static bool
focus_is(const char *screen, enum want w, const char *text, int back,
    int cx, int cy, int *wy, int *wx)
{
	char	*line, *p, *before;
	int	 y, x, mx = -1, c;
	bool	 ok;

	*wy = *wx = -1;
	if (!find_at(screen, text, w == ON_TEXT, &y, &x))
		return false;
	switch (w) {
	case ON_MARK:
		/*
		 * The marker on the text's line, the nearest before it (a
		 * list over the board leaves the card's marker beside).
		 */
		line = line_at(screen, y);
		ok = false;
		for (p = line; (p = strstr(p, MARK)) != NULL;
		    p += strlen(MARK)) {
			before = strndup(line, (size_t)(p - line));
			c = (int)text_width(before);
			free(before);
			if (c >= x)
				break;
			ok = true;
			mx = c;
		}
		free(line);
		if (!ok)
			return false;
		*wy = y;
		*wx = mx;
		break;
	case ON_TEXT:
		*wy = y;
		*wx = x;
		break;
	case AFTER_TEXT:
		*wy = y;
		*wx = x + (int)text_width(text) - back;
		break;
	}
	return cx == *wx && cy == *wy;
}

/*
 * Wait until win's cursor shows and sits where w says, about text; fails
 * with the screen and both positions at the deadline.
 */
static void
wait_focus(const char *win, enum want w, const char *text, int back)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s;
	int	 cx, cy, shown, wy, wx;

	for (;;) {
		s = tui_screen(&T, win, false);
		cursor_of(win, &cx, &cy, &shown);
		if (focus_is(s, w, text, back, cx, cy, &wy, &wx) &&
		    shown == 1) {
			free(s);
			return;
		}
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("the cursor of %s is at %d,%d (%s), not "
			    "at %d,%d on \"%s\"", win, cx, cy, shown ? "shown" :
			    "hidden", wx, wy, text);
		}
		free(s);
		tui_nap();
	}
}

/* The screen of win with wrapped lines joined (malloc'd). */
static char *
joined(const char *win)
{
	char	target[64], *out = NULL;

	snprintf(target, sizeof target, "cb:%s", win);
	tui_tmux(&T, &out, "capture-pane", "-p", "-J", "-t", target, NULL);
	cr_assert_not_null(out);
	return out;
}

/* Wait until win shows needle n times, wrapped lines joined. */
static void
wait_count(const char *win, const char *needle, int n)
{
	int64_t	 end = ts_now_ms() + TUI_DEADLINE_MS;
	char	*s;

	for (;;) {
		s = joined(win);
		if (tui_count(s, needle) == n) {
			free(s);
			return;
		}
		if (ts_now_ms() > end) {
			cr_log_error("screen of %s:\n%s", win, s);
			cr_assert_fail("\"%s\" never showed %d times in %s",
			    needle, n, win);
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

/* The pid of win's pane process. */
static pid_t
pane_pid(const char *win)
{
	char	*s = tui_pane(&T, win, "#{pane_pid}");
	pid_t	 pid = (pid_t)atol(s);

	free(s);
	return pid;
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

/* The facilitator starts a timer of dur, with no label. */
static void
start_timer(const char *dur)
{
	tui_keys(&T, "fac", ":", "t", NULL);
	free(tui_wait(&T, "fac", "Take one minute off"));
	tui_keys(&T, "fac", "s", NULL);
	free(tui_wait(&T, "fac", "Duration"));
	tui_keys(&T, "fac", "C-u", NULL);
	tui_type(&T, "fac", dur);
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "Label"));
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait_gone(&T, "fac", "Label"));
}

Test(a11y, the_cursor_follows_the_focus_after_each_kind_of_action)
{
	cafe(true);
	/* Before any card: the table looked at. */
	wait_focus("anne", ON_TEXT, "Table 1 of 2", 0);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_add_card(&T, "anne", "Des permanences en mairie");
	tui_add_card(&T, "anne", "Un annuaire partag\xc3\xa9");
	/* The card just written is selected; moving moves the cursor. */
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);
	tui_keys(&T, "anne", "k", NULL);
	wait_focus("anne", ON_MARK, "2. Des permanences", 0);
	tui_keys(&T, "anne", "Home", NULL);
	wait_focus("anne", ON_MARK, "1. Un guichet", 0);
	tui_keys(&T, "anne", "End", NULL);
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);

	/* A text field: the insertion point, as typed and moved. */
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", "Des bornes d'accueil");
	wait_focus("anne", AFTER_TEXT, "Des bornes d'accueil", 0);
	tui_keys(&T, "anne", "Left", "Left", "Left", NULL);
	wait_focus("anne", AFTER_TEXT, "Des bornes d'accueil", 3);
	/* A question on the key line: throw away 20 characters typed? */
	tui_keys(&T, "anne", "Escape", NULL);
	wait_focus("anne", ON_TEXT, "Throw away the text you typed? (y/n)", 0);
	tui_keys(&T, "anne", "y", NULL);
	free(tui_wait_gone(&T, "anne", "New idea"));
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);

	tui_keys(&T, "anne", "d", NULL);
	wait_focus("anne", ON_TEXT, "Delete this card? (y/n)", 0);
	tui_keys(&T, "anne", "n", NULL);
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);

	/* A card in full: its text. */
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Idea 3 \xe2\x80\x94 Anne"));
	wait_focus("anne", ON_TEXT, "Un annuaire partag\xc3\xa9", 0);
	tui_keys(&T, "anne", "Escape", NULL);
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);

	/* The console: its tool under the cursor, as it moves. */
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Facilitator console"));
	wait_focus("fac", ON_MARK, "t Timer...", 0);
	tui_keys(&T, "fac", "Down", "Down", NULL);
	wait_focus("fac", ON_MARK, "p Phase...", 0);
	/* A list opened from it: the line chosen, as it moves. */
	tui_keys(&T, "fac", "Enter", NULL);
	free(tui_wait(&T, "fac", "harvest"));
	wait_focus("fac", ON_MARK, "\xe2\x97\x8f ideas", 0);
	tui_keys(&T, "fac", "Down", "Down", NULL);
	wait_focus("fac", ON_MARK, "4   vote", 0);
	tui_keys(&T, "fac", "Escape", NULL);
	free(tui_wait_gone(&T, "fac", "harvest"));

	/* The help: its top. */
	tui_keys(&T, "anne", "?", NULL);
	wait_focus("anne", ON_TEXT, "cafeboard: the keys", 0);
	tui_keys(&T, "anne", "Down", "Down", NULL);
	wait_focus("anne", ON_TEXT, "cafeboard: the keys", 0);
	tui_keys(&T, "anne", "Escape", NULL);
	wait_focus("anne", ON_MARK, "3. Un annuaire", 0);

	/* The results: the selected row, as it moves. */
	tui_phase(&T, "4", "vote");
	tui_phase(&T, "5", "harvest");
	free(tui_wait(&T, "anne", "kept 0/3"));
	tui_keys(&T, "anne", "Home", NULL);
	wait_focus("anne", ON_MARK, "1. Un guichet", 0);
	tui_keys(&T, "anne", "Down", NULL);
	wait_focus("anne", ON_MARK, "2. Des permanences", 0);
	tui_end(&T);
}

/*
 * A running countdown rewrites the header: once a minute, then every
 * second in the last minute.  The cursor stays on the selected card
 * across the change from minutes to seconds (a new width and style),
 * sampled many times.
 */
Test(a11y, an_idle_countdown_never_moves_the_cursor)
{
	char	*s;
	int	 cx, cy, shown, wy, wx, secs, last = -1, changes = 0;
	int	 samples = 0, strays = 0;
	bool	 ok;
	int64_t	 end;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_add_card(&T, "anne", "Des permanences en mairie");
	tui_keys(&T, "anne", "k", NULL);
	wait_focus("anne", ON_MARK, "1. Un guichet", 0);
	start_timer("1:03");
	free(tui_wait(&T, "anne", " 2 min"));
	end = ts_now_ms() + 3 * TUI_DEADLINE_MS;
	for (;;) {
		cr_assert_lt(ts_now_ms(), end, "the countdown never reached "
		    "the last minute (%d s)", last);
		cursor_of("anne", &cx, &cy, &shown);
		s = tui_screen(&T, "anne", false);
		secs = countdown(s);
		cr_assert_eq(shown, 1, "the cursor was hidden");
		ok = focus_is(s, ON_MARK, "1. Un guichet", 0, cx, cy, &wy,
		    &wx);
		/* Read again: the cursor did not move while the screen was
		 * read either. */
		if (ok) {
			cursor_of("anne", &cx, &cy, &shown);
			ok = cx == wx && cy == wy;
		}
		/*
		 * tmux may take one refresh in pieces (the kernel hands a
		 * terminal's output on 2 kB at a time, and a tab apart), and a
		 * sample may fall between them: the cursor is then on its
		 * way.  One such sample is forgiven when the next one finds
		 * the cursor back on the card; a cursor that left the card
		 * stays where it went until the next tick, a second away, so
		 * two samples in a row see it.
		 */
		if (!ok && strays++ == 0) {
			free(s);
			tui_nap();
			continue;
		}
		cr_assert(ok, "at %d s the cursor is at %d,%d, not at %d,%d, "
		    "twice in a row:\n%s", secs, cx, cy, wx, wy, s);
		strays = 0;
		free(s);
		samples++;
		if (secs != last && last != -1)
			changes++;
		last = secs;
		if (secs >= 0 && secs <= 55)
			break;
		tui_nap();
	}
	/* The header did change under it, second after second. */
	cr_assert_geq(changes, 5, "%d changes of the countdown seen", changes);
	cr_assert_geq(samples, 20);
	tui_end(&T);
}

/* A number field of /proc/PID/io ("syscw:"), or -1. */
static long
proc_io(pid_t pid, const char *field)
{
	char	 path[64], line[128];
	FILE	*f;
	long	 v = -1;

	snprintf(path, sizeof path, "/proc/%ld/io", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0) {
			v = atol(line + strlen(field));
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * More than a minute from zero the countdown shows minutes only, so that
 * an idle client writes to its terminal once a minute, not every second:
 * over SSH each write is a packet for every person in the room.  Over 5 s
 * an idle client writes (nearly) nothing; one that ticks every second
 * would have written at least 5 times.
 */
Test(a11y, a_countdown_far_from_zero_writes_once_a_minute)
{
	char	*s;
	pid_t	 pid;
	long	 w0, w1;
	int64_t	 end;

	cafe(true);
	start_timer("10:00");
	s = tui_wait(&T, "anne", " 10 min");
	cr_assert_eq(countdown(s), -1, "seconds shown far from zero:\n%s", s);
	free(s);
	pid = pane_pid("anne");
	/* What the timer's event drew is written by now. */
	tui_nap();
	w0 = proc_io(pid, "syscw:");
	cr_assert_geq(w0, 0, "no /proc/%ld/io", (long)pid);
	end = ts_now_ms() + 5000;
	while (ts_now_ms() < end)
		tui_nap();
	w1 = proc_io(pid, "syscw:");
	s = tui_screen(&T, "anne", false);
	cr_assert(strstr(s, " 10 min") != NULL || strstr(s, " 9 min") != NULL,
	    "the countdown went:\n%s", s);
	free(s);
	cr_assert_leq(w1 - w0, 2, "%ld writes in 5 s of an idle countdown",
	    w1 - w0);
	tui_end(&T);
}

/* Without colours, and on a vt100, the selection still shows. */
Test(a11y, the_selection_shows_in_monochrome_and_in_ascii)
{
	char	*s, *l;
	int	 cx, cy, shown;

	/* One table: everyone sits at it. */
	tui_cafe(&T, "title: Caf\xc3\xa9 test\n"
	    "question: Comment mieux accueillir ?\n", true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_add_card(&T, "anne", "Des permanences en mairie");
	tui_client_env(&T, "mono", "NO_COLOR=1 TERM=vt100", "--board cafe "
	    "--name Zoe");
	free(tui_wait(&T, "mono", "permanences"));
	/* A vt100 has no Home key: the letters do it. */
	tui_keys(&T, "mono", "<", NULL);
	wait_focus("mono", ON_MARK, "1. Un guichet", 0);
	tui_keys(&T, "mono", "j", NULL);
	wait_focus("mono", ON_MARK, "2. Des permanences", 0);
	s = tui_screen(&T, "mono", true);
	cr_assert(no_colour(s), "colours on a vt100:\n%s", s);
	free(s);

	/* In ASCII, ">" is the marker and nothing else. */
	tui_client_env(&T, "ascii", "NO_COLOR=1", "--ascii --board cafe "
	    "--name Yves");
	free(tui_wait(&T, "ascii", "permanences"));
	tui_keys(&T, "ascii", "<", NULL);
	free(tui_wait(&T, "ascii", "> 1. Un guichet"));
	s = tui_screen(&T, "ascii", false);
	cr_assert_eq(tui_count(s, ">"), 1, "%s", s);
	cursor_of("ascii", &cx, &cy, &shown);
	l = line_at(s, cy);
	cr_assert(cx < (int)strlen(l) && l[cx] == '>', "the cursor at %d,%d "
	    "is not on the marker:\n%s", cx, cy, s);
	free(l);
	free(s);
	tui_end(&T);
}

/* The numbers of --plain are on the cards, and take one to a card. */
Test(a11y, cards_carry_their_numbers_and_a_number_finds_its_card)
{
	char	*s;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_add_card(&T, "anne", "Des permanences en mairie");
	/* The facilitator writes at table 2 (Tab: the next table), in
	 * between: each table counts its own. */
	tui_keys(&T, "fac", "Tab", NULL);
	free(tui_wait(&T, "fac", "Table 2 of 2 (visiting)"));
	tui_add_card(&T, "fac", "Une page unique");
	free(tui_wait(&T, "anne", "Une page unique"));
	tui_add_card(&T, "anne", "Un annuaire partag\xc3\xa9");
	s = tui_wait(&T, "anne", "Un annuaire");
	cr_assert_not_null(strstr(s, "1. Une page unique"), "%s", s);
	cr_assert_not_null(strstr(s, "2. Des permanences"), "%s", s);
	cr_assert_not_null(strstr(s, "3. Un annuaire"), "%s", s);
	free(s);
	/* #: a number of this table. */
	tui_keys(&T, "anne", "#", NULL);
	free(tui_wait(&T, "anne", "Go to idea number"));
	tui_type(&T, "anne", "2");
	tui_keys(&T, "anne", "Enter", NULL);
	wait_focus("anne", ON_MARK, "2. Des permanences", 0);
	/* /#1 in the search, and 2.1: table 2's first idea. */
	tui_keys(&T, "anne", "/", NULL);
	free(tui_wait(&T, "anne", "Search"));
	tui_type(&T, "anne", "#1");
	tui_keys(&T, "anne", "Enter", NULL);
	wait_focus("anne", ON_MARK, "1. Un guichet", 0);
	tui_keys(&T, "anne", "#", NULL);
	free(tui_wait(&T, "anne", "Go to idea number"));
	tui_type(&T, "anne", "2.1");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Table 2 of 2 (visiting)"));
	wait_focus("anne", ON_MARK, "1. Une page unique", 0);
	/* A number that is not there is said so. */
	tui_keys(&T, "anne", "#", NULL);
	free(tui_wait(&T, "anne", "Go to idea number"));
	tui_type(&T, "anne", "9");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Table 2 has no idea 9."));
	tui_end(&T);
}

/*
 * F2 and the line mode's "full": the same process and connection.  With
 * the server gone, a change made in each mode waits across the switches;
 * when the server is back, each arrives once.
 */
Test(a11y, switching_to_the_line_mode_and_back_keeps_pending_changes)
{
	char	*s;
	pid_t	 pid;

	cafe(true);
	tui_phase(&T, "2", "ideas");
	tui_add_card(&T, "anne", "Un guichet unique");
	tui_client(&T, "bruno", "--board cafe --name Bruno");
	free(tui_wait(&T, "bruno", "Un guichet unique"));
	pid = pane_pid("anne");

	tui_server_stop(&T, SIGKILL);
	free(tui_wait(&T, "anne", "offline"));
	tui_add_card(&T, "anne", "Une idee hors ligne");
	free(tui_wait(&T, "anne", "1 change waiting"));

	/* F2: the line mode says where we are and what waits. */
	tui_keys(&T, "anne", "F2", NULL);
	wait_count("anne", "Line mode: type full", 1);
	s = joined("anne");
	cr_assert_null(strstr(s, "(your table)"), "%s", s);
	free(s);
	wait_count("anne", "1 change waiting.", 1);
	tui_type(&T, "anne", "add Une autre en mode ligne\n");
	wait_count("anne", "added to table 1 (waiting to be sent).", 1);

	/* full: the board again, both changes waiting. */
	tui_type(&T, "anne", "full\n");
	free(tui_wait(&T, "anne", "\xc2\xb7 2 changes waiting"));
	s = tui_wait(&T, "anne", "Une autre en mode ligne");
	cr_assert_not_null(strstr(s, "Une idee hors ligne"), "%s", s);
	free(s);
	/* Ctrl-T: the line mode again (below the first), and back. */
	tui_keys(&T, "anne", "C-t", NULL);
	wait_count("anne", "Line mode: type full", 2);
	wait_count("anne", "2 changes waiting.", 1);
	tui_type(&T, "anne", "full\n");
	free(tui_wait(&T, "anne", "\xc2\xb7 2 changes waiting"));
	cr_assert_eq(pane_pid("anne"), pid, "another process");

	/* The server back: each change arrives once, everywhere. */
	tui_server_start(&T);
	free(tui_wait_gone(&T, "anne", "waiting"));
	s = tui_wait(&T, "bruno", "Une autre en mode ligne");
	free(s);
	s = tui_wait(&T, "bruno", "Une idee hors ligne");
	cr_assert_eq(tui_count(s, "Une idee hors ligne"), 1, "%s", s);
	cr_assert_eq(tui_count(s, "Une autre en mode ligne"), 1, "%s", s);
	free(s);
	tui_client(&T, "zoe", "--board cafe --name Zoe");
	s = tui_wait(&T, "zoe", "Une autre en mode ligne");
	cr_assert_eq(tui_count(s, "Une idee hors ligne"), 1, "%s", s);
	cr_assert_eq(tui_count(s, "Une autre en mode ligne"), 1, "%s", s);
	cr_assert_eq(tui_count(s, "Un guichet unique"), 1, "%s", s);
	free(s);
	tui_end(&T);
}
