/*
 * test_tui_day.c -- the day in the real terminal client: the step in
 * every header ("Step 1 of 3 — Cadrage"), the facilitator's next step and
 * its key, a poll as a full-screen prompt and its results as bars, the
 * pairs' tables, reactions on a card, the label picked on joining, in
 * English and in French.  A real cafeboard-server, real clients in a
 * private tmux (tests/tui-harness.h), keys sent with send-keys, screens
 * read with capture-pane.
 *
 * Needs CB_SERVER and CB_CLIENT (make check sets them).
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsupport.h"
#include "tui-harness.h"

#define DAY_TEXT \
	"title: Journ\xc3\xa9" "e test\n" \
	"code: secret\n" \
	"label: Ain\n" \
	"label: Is\xc3\xa8re\n" \
	"question: Comment coop\xc3\xa9rer ?\n" \
	"step: Cadrage\n" \
	"phase: welcome\n" \
	"duration: 15\n" \
	"instructions: Un mot pour dire comment vous arrivez.\n" \
	"poll: Comment arrivez-vous ?\n" \
	"step: Bin\xc3\xb4mes\n" \
	"phase: ideas\n" \
	"duration: 30\n" \
	"pairs: Une coop\xc3\xa9ration r\xc3\xa9ussie ?\n" \
	"step: Cl\xc3\xb4ture\n" \
	"phase: harvest\n" \
	"duration: 10\n" \
	"poll: Quelle image ?\n" \
	"choice: Un pont\n" \
	"choice: Une ruche\n" \
	"choice: Un orchestre\n"

static struct tui T;

/* Every test: a directory, a tmux server, locale for widths. */
static void
day_setup(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
	tui_init(&T);
}

/* Every test, even a failed one: kill what it started. */
static void
day_teardown(void)
{
	tui_fini(&T);
}

TestSuite(tui_day, .init = day_setup, .fini = day_teardown,
    .timeout = 180);

/* The day's board, a server, the facilitator Fanny and Anne (env: hers). */
static void
day_board(const char *env)
{
	char	args[512];

	tui_board(&T, "day", DAY_TEXT);
	tui_server_start(&T);
	snprintf(args, sizeof args, "--board day --name Fanny --key-file "
	    "'%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "connected"));
	tui_client_env(&T, "anne", env, "--board day --name Anne "
	    "--code secret");
}

/* The facilitator goes to the next step, after the question. */
static void
next_step(const char *question)
{
	tui_keys(&T, "fac", "S", NULL);
	free(tui_wait(&T, "fac", question));
	tui_keys(&T, "fac", "y", NULL);
}

Test(tui_day, steps_polls_pairs_and_reactions_on_screen)
{
	char	*s;

	day_board("");
	/* Joining, Anne picks her département. */
	free(tui_wait(&T, "anne", "Which is yours?"));
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait_gone(&T, "anne", "Which is yours?"));
	/* The facilitator may give someone a label too. */
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Labels..."));
	tui_keys(&T, "fac", "a", NULL);
	free(tui_wait(&T, "fac", "Whose label?"));
	tui_keys(&T, "fac", "Down", "Enter", NULL);
	free(tui_wait(&T, "fac", "Anne's label?"));
	tui_keys(&T, "fac", "1", NULL);
	free(tui_wait(&T, "anne", "The facilitator gave you the label: Ain"));
	/* The facilitator sees the next step and its key. */
	free(tui_wait(&T, "fac", "next: Cadrage (S)"));
	s = tui_wait(&T, "fac", "S next step");
	free(s);
	next_step("Go to step 1 of 3: Cadrage? (y/n)");

	/* Every header says which step runs; Anne gets the poll at once. */
	free(tui_wait(&T, "fac", "Step 1 of 3 \xe2\x80\x94 Cadrage"));
	s = tui_wait(&T, "anne", "Press Enter to give your word.");
	cr_assert_not_null(strstr(s, "Step 1 of 3 \xe2\x80\x94 Cadrage"));
	cr_assert_not_null(strstr(s, "Comment arrivez-vous ?"));
	cr_assert_not_null(strstr(s, "The answers stay hidden until the "
	    "facilitator closes the poll."));
	free(s);
	free(tui_wait(&T, "fac", "next: Bin\xc3\xb4mes (S)"));
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Your word:"));
	tui_type(&T, "anne", "Curieuse");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "anne", "Your word: Curieuse"));

	/* The facilitator looks, then closes: the results on both screens. */
	tui_keys(&T, "fac", "p", NULL);
	free(tui_wait(&T, "fac", "until you close the poll (c)"));
	tui_keys(&T, "fac", "c", NULL);
	s = tui_wait(&T, "anne", "Poll: results");
	cr_assert_not_null(strstr(s, "Curieuse  \xe2\x96\x88"), "%s", s);
	cr_assert_not_null(strstr(s, "The poll is closed."));
	free(s);
	free(tui_wait(&T, "fac", "Poll: results"));
	tui_keys(&T, "fac", "Escape", NULL);

	/* Pairs: Anne is at a pair's table, named as such; the results she
	 * left open give way to it. */
	next_step("Go to step 2 of 3: Bin\xc3\xb4mes? (y/n)");
	s = tui_wait(&T, "anne", "Pair 1 (your table)");
	cr_assert_null(strstr(s, "Poll: results"), "%s", s);
	cr_assert_not_null(strstr(s, "Step 2 of 3 \xe2\x80\x94 Bin"));
	cr_assert_not_null(strstr(s, "Une coop\xc3\xa9ration r\xc3\xa9ussie "
	    "?"));
	free(s);
	/* A card, and a reaction on it. */
	tui_keys(&T, "anne", "a", NULL);
	free(tui_wait(&T, "anne", "New idea"));
	tui_type(&T, "anne", "Se parler souvent");
	tui_keys(&T, "anne", "Enter", NULL);
	free(tui_wait(&T, "fac", "Se parler souvent"));
	tui_keys(&T, "anne", "+", NULL);
	free(tui_wait(&T, "anne", "React to this idea"));
	tui_keys(&T, "anne", "!", NULL);
	free(tui_wait(&T, "anne", "Reaction added."));
	free(tui_wait(&T, "fac", "!1"));

	/* The closing choice poll: a digit answers, the close shows bars. */
	next_step("Go to step 3 of 3: Cl\xc3\xb4ture? (y/n)");
	s = tui_wait(&T, "anne", "Pick one: its number");
	cr_assert_not_null(strstr(s, "2   Une ruche"), "%s", s);
	free(s);
	tui_keys(&T, "anne", "2", NULL);
	free(tui_wait(&T, "anne", "Your answer is marked"));
	free(tui_wait_gone(&T, "fac", "next:"));
	tui_keys(&T, "fac", ":", NULL);
	free(tui_wait(&T, "fac", "Close the poll"));
	tui_keys(&T, "fac", "i", NULL);
	s = tui_wait(&T, "anne", "Poll: results");
	cr_assert_not_null(strstr(s, "Une ruche  "), "%s", s);
	cr_assert_not_null(strstr(s, "\xe2\x96\x88 1"), "%s", s);
	cr_assert_not_null(strstr(s, "Un pont  "), "every choice, 0 too");
	free(s);

	/* A quick poll from the console, on every screen at once. */
	tui_keys(&T, "anne", "Escape", NULL);
	tui_keys(&T, "fac", "Escape", ":", NULL);
	free(tui_wait(&T, "fac", "Quick poll..."));
	tui_keys(&T, "fac", "m", NULL);
	free(tui_wait(&T, "fac", "Quick poll: the question"));
	tui_type(&T, "fac", "Demain ? | Oui | Non");
	tui_keys(&T, "fac", "Enter", NULL);
	s = tui_wait(&T, "anne", "Pick one: its number");
	cr_assert_not_null(strstr(s, "Demain ?"), "%s", s);
	cr_assert_not_null(strstr(s, "2   Non"), "%s", s);
	free(s);
	tui_end(&T);
}

Test(tui_day, the_day_in_french)
{
	char	*s;

	day_board("LANG=fr_FR.UTF-8 LANGUAGE=fr");
	free(tui_wait(&T, "anne", "Laquelle est la v\xc3\xb4tre\xc2\xa0?"));
	tui_keys(&T, "anne", "1", NULL);
	free(tui_wait(&T, "fac", "next: Cadrage (S)"));
	next_step("Go to step 1 of 3: Cadrage? (y/n)");
	s = tui_wait(&T, "anne", "Appuyez sur Entr\xc3\xa9" "e pour donner "
	    "votre mot.");
	cr_assert_not_null(strstr(s, "\xc3\x89tape 1 sur 3 \xe2\x80\x94 "
	    "Cadrage"), "%s", s);
	cr_assert_not_null(strstr(s, "Les r\xc3\xa9ponses restent "
	    "cach\xc3\xa9" "es"), "%s", s);
	cr_assert_not_null(strstr(s, "Sondage"));
	free(s);
	tui_end(&T);
}

Test(tui_day, the_line_mode_says_the_day_and_answers_polls)
{
	char	*s;

	day_board("");
	tui_client(&T, "ann", "--plain --board day --name Ann --code secret");
	free(tui_wait(&T, "ann", "Type help for the commands."));
	tui_type(&T, "ann", "label isere");
	tui_keys(&T, "ann", "Enter", NULL);
	free(tui_wait(&T, "ann", "Your label: Is\xc3\xa8re"));
	next_step("Go to step 1 of 3: Cadrage? (y/n)");
	s = tui_wait(&T, "ann", "Answer with a word: answer WORD.");
	cr_assert_not_null(strstr(s, "Step 1 of 3: Cadrage.\n"
	    "Phase: welcome.\n"
	    "Timer: 15 minutes for round 1: Cadrage.\n"
	    "Banner: Un mot pour dire comment vous arrivez.\n"), "%s", s);
	cr_assert_not_null(strstr(s, "Poll: Comment arrivez-vous ?"));
	free(s);
	tui_type(&T, "ann", "answer Curieuse");
	tui_keys(&T, "ann", "Enter", NULL);
	free(tui_wait(&T, "ann", "Your answer is in"));
	tui_keys(&T, "fac", "p", NULL);
	free(tui_wait(&T, "fac", "until you close the poll (c)"));
	tui_keys(&T, "fac", "c", NULL);
	free(tui_wait(&T, "ann", "The poll \xe2\x80\x9c" "Comment arrivez-vous ?"
	    "\xe2\x80\x9d is closed: Curieuse 1."));
	tui_keys(&T, "fac", "Escape", NULL);
	next_step("Go to step 2 of 3: Bin\xc3\xb4mes? (y/n)");
	s = tui_wait(&T, "ann", "New groups: you are at Pair 1");
	cr_assert_not_null(strstr(s, "Its question: Une coop\xc3\xa9ration "
	    "r\xc3\xa9ussie ?"), "%s", s);
	free(s);
	next_step("Go to step 3 of 3: Cl\xc3\xb4ture? (y/n)");
	free(tui_wait(&T, "ann", "Choices: 1 Un pont, 2 Une ruche"));
	tui_type(&T, "ann", "answer 5");
	tui_keys(&T, "ann", "Enter", NULL);
	free(tui_wait(&T, "ann", "from 1 to 3."));
	tui_type(&T, "ann", "answer 1");
	tui_keys(&T, "ann", "Enter", NULL);
	free(tui_wait(&T, "ann", "Your answer is in"));
	tui_end(&T);
}

Test(tui_day, a_facilitator_in_the_line_mode_runs_the_day)
{
	char	args[512];
	char	*s;

	tui_board(&T, "day", DAY_TEXT);
	tui_server_start(&T);
	snprintf(args, sizeof args, "--plain --board day --name Fanny "
	    "--key-file '%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "Type help for the commands."));
	tui_client(&T, "ann", "--plain --board day --name Ann --code secret");
	free(tui_wait(&T, "ann", "Type help for the commands."));
	tui_client(&T, "bob", "--plain --board day --name Bob --code secret");
	free(tui_wait(&T, "bob", "Type help for the commands."));
	/* The commands are there only for facilitators. */
	tui_line(&T, "fac", "help");
	s = tui_wait(&T, "fac", "close poll: close the open poll");
	cr_assert_not_null(strstr(s, "groups pairs | teams | labels | merge"),
	    "%s", s);
	cr_assert_not_null(strstr(s, "labelof NAME LABEL"), "%s", s);
	free(s);
	tui_line(&T, "ann", "groups pairs");
	free(tui_wait(&T, "ann", "This command is for facilitators."));
	/* A poll: opened by the step, heard again, closed by the
	 * facilitator; its results go to everyone. */
	tui_line(&T, "fac", "step");
	free(tui_wait(&T, "ann", "Poll: Comment arrivez-vous ?"));
	tui_line(&T, "bob", "poll");
	free(tui_wait(&T, "bob", "Poll: Comment arrivez-vous ? Answer with "
	    "a word"));
	tui_line(&T, "ann", "answer Curieuse");
	free(tui_wait(&T, "ann", "Your answer is in"));
	tui_line(&T, "fac", "close poll");
	free(tui_wait(&T, "fac", "Poll \xe2\x80\x9c" "Comment arrivez-vous ?"
	    "\xe2\x80\x9d closed."));
	free(tui_wait(&T, "bob", "\xe2\x80\x9d is closed: Curieuse 1."));
	tui_line(&T, "fac", "close poll");
	free(tui_wait(&T, "fac", "No poll is open."));
	/* A quick poll typed by the facilitator. */
	tui_line(&T, "bob", "poll Une autre ?");
	free(tui_wait(&T, "bob", "Only a facilitator opens a poll"));
	tui_line(&T, "fac", "poll Quel format demain ? | atelier | pl\xc3\xa9ni\xc3\xa8re");
	free(tui_wait(&T, "fac", "Poll opened."));
	free(tui_wait(&T, "ann", "Poll: Quel format demain ? Choices: 1 "
	    "atelier and 2 pl\xc3\xa9ni\xc3\xa8re."));
	tui_line(&T, "ann", "answer 2");
	free(tui_wait(&T, "ann", "Your answer is in"));
	tui_line(&T, "fac", "close poll");
	free(tui_wait(&T, "bob", "is closed: pl\xc3\xa9ni\xc3\xa8re 1 and "
	    "atelier 0."));
	/* Labels given by the facilitator, then one table per label. */
	tui_line(&T, "fac", "labelof Ann Loire");
	free(tui_wait(&T, "fac", "none or one of: Ain and Is\xc3\xa8re."));
	tui_line(&T, "fac", "labelof Ann isere");
	free(tui_wait(&T, "fac", "Ann: Is\xc3\xa8re."));
	tui_line(&T, "fac", "labelof Bob Ain");
	free(tui_wait(&T, "fac", "Bob: Ain."));
	tui_line(&T, "fac", "groups labels");
	free(tui_wait(&T, "fac", "One table per label."));
	free(tui_wait(&T, "ann", "New groups: you are at Is\xc3\xa8re."));
	free(tui_wait(&T, "bob", "New groups: you are at Ain."));
	tui_line(&T, "fac", "labelof Bob none");
	free(tui_wait(&T, "fac", "Bob has no label now."));
	tui_line(&T, "fac", "groups tribes");
	free(tui_wait(&T, "fac", "Type groups and one of: pairs, teams, "
	    "labels, merge."));
	tui_line(&T, "fac", "groups pairs");
	free(tui_wait(&T, "fac", "Pairs formed."));
	free(tui_wait(&T, "ann", "with Bob."));
	/* The pair's table is a table like any other: one writes there. */
	tui_line(&T, "fac", "phase ideas");
	free(tui_wait(&T, "ann", "Phase: ideas"));
	tui_line(&T, "ann", "add Une id\xc3\xa9" "e de bin\xc3\xb4me");
	free(tui_wait(&T, "bob", "new idea 1 from Ann: Une id\xc3\xa9" "e de "
	    "bin\xc3\xb4me"));
	tui_end(&T);
}

Test(tui_day, a_step_that_rotates_says_where_everyone_goes)
{
	char	args[512];

	tui_board(&T, "rot",
	    "title: Rotation\n"
	    "question: Premi\xc3\xa8re ?\n"
	    "question: Seconde ?\n"
	    "step: Premier tour\n"
	    "phase: ideas\n"
	    "step: Second tour\n"
	    "phase: ideas\n"
	    "rotate: yes\n");
	tui_server_start(&T);
	snprintf(args, sizeof args, "--plain --board rot --name Fanny "
	    "--key-file '%s'", T.key);
	tui_client(&T, "fac", args);
	free(tui_wait(&T, "fac", "Type help for the commands."));
	tui_client(&T, "ann", "--plain --board rot --name Ann");
	free(tui_wait(&T, "ann", "You sit at table 1"));
	tui_client(&T, "anne", "--board rot --name Anne");
	free(tui_wait(&T, "anne", "(your table)"));
	tui_line(&T, "fac", "step");
	free(tui_wait(&T, "ann", "Step 1 of 2: Premier tour."));
	tui_line(&T, "fac", "step");
	free(tui_wait(&T, "ann", "Step 2 of 2: Second tour."));
	free(tui_wait(&T, "ann", "The tables rotated: round 2."));
	free(tui_wait(&T, "anne", "The tables rotated: you"));
	tui_end(&T);
}
