/*
 * test_boardfile.c -- a facilitator's board file becomes the right board,
 * and every mistake in it is reported with its line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boardfile.h"
#include "model.h"
#include "xmalloc.h"
#include "tsupport.h"

#define Q1 "Comment faire pour garantir une bonne orientation des publics " \
	"en demande d'emploi et un parcours de recherche d'emploi cohérent " \
	"et fluide, en réponse à leurs besoins ?"
#define Q2 "Comment faire pour faciliter l'accès aux solutions pertinentes " \
	"d'insertion et d'emploi disponibles sur un territoire et améliorer " \
	"la collaboration des intervenants au cours d'un parcours de " \
	"recherche d'emploi ?"
#define Q3 "Comment pourrait-on mieux organiser et coordonner la réponse " \
	"publique aux besoins en recrutement sur un territoire ?"
#define Q4 "Comment pourrait-on favoriser l'engagement des entreprises dans " \
	"France Travail dans une démarche de co-construction ?"
#define THEME1 "Orientation et accompagnement des personnes en recherche " \
	"d'emploi"
#define THEME2 "Services aux employeurs : rôles des acteurs privés et publics"

/* Parse a NUL-terminated string; 0 or -1. */
static int
parse(const char *s, struct boardfile *bf, char *err, size_t errlen)
{
	return boardfile_parse(s, strlen(s), bf, err, errlen);
}

/* Parsing s fails with exactly the message want. */
static void
expect_error(const char *s, const char *want)
{
	struct boardfile	bf;
	char			err[512];

	memset(err, 'x', sizeof err);
	cr_assert_eq(parse(s, &bf, err, sizeof err), -1, "parsed: %s", s);
	cr_assert_str_eq(err, want, "for input:\n%s", s);
	/* Nothing to free: the struct is empty. */
	cr_assert_null(bf.tables);
	cr_assert_null(bf.banner);
	cr_assert_null(bf.settings.title);
	cr_assert_eq(bf.settings.has, 0);
}

Test(boardfile, seed_file_gives_the_seed_board)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	char			 err[256], *path = ts_top_path("examples/seed-cafe.board");
	size_t			 n;

	cr_assert_eq(boardfile_load(path, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.settings.has, SET_TITLE | SET_CODE | SET_DOTS |
	    SET_MULTI_VOTE | SET_BLIND | SET_PRIVATE | SET_ANONYMOUS |
	    SET_FREEZE | SET_LOCKED | SET_KEEP | SET_PLACE);
	cr_assert_str_eq(bf.settings.place, "Pr\xc3\xa9" "fecture de r\xc3\xa9"
	    "gion, salle des conf\xc3\xa9rences");
	cr_assert_str_eq(bf.settings.title,
	    "Café de l'emploi — coopérer sur le territoire");
	cr_assert_str_eq(bf.settings.code, "territoire");
	cr_assert_eq(bf.settings.dots, 3);
	cr_assert_eq(bf.settings.keep, 3);
	cr_assert_not(bf.settings.multi_vote);
	cr_assert(bf.settings.blind);
	cr_assert_not(bf.settings.private_writing);
	cr_assert_not(bf.settings.anonymous);
	cr_assert(bf.settings.freeze_at_zero);
	cr_assert_not(bf.settings.locked);
	cr_assert_str_eq(bf.banner, "Bienvenue ! Installez-vous à une table, "
	    "tapez votre prénom, et attendez le signal pour écrire vos idées.");

	cr_assert_eq(bf.ntables, 4);
	cr_assert_str_eq(bf.tables[0].question, Q1);
	cr_assert_str_eq(bf.tables[1].question, Q2);
	cr_assert_str_eq(bf.tables[2].question, Q3);
	cr_assert_str_eq(bf.tables[3].question, Q4);
	cr_assert_str_eq(bf.tables[0].theme, THEME1);
	cr_assert_str_eq(bf.tables[1].theme, THEME1);
	cr_assert_str_eq(bf.tables[2].theme, THEME2);
	cr_assert_str_eq(bf.tables[3].theme, THEME2);

	/* ext: one canvas for every table, and the criteria. */
	cr_assert_eq(bf.ncanvases, 1);
	cr_assert_str_eq(bf.canvases[0].name, "Nos livrables");
	cr_assert_eq(bf.canvases[0].nsections, 6);
	cr_assert_str_eq(bf.canvases[0].sections[2].name, "Feuille de route");
	cr_assert_eq(bf.canvases[0].sections[2].limit, 8);
	cr_assert_eq(bf.canvases[0].sections[2].kind, SECTION_ACTIONS);
	cr_assert_eq(bf.canvases[0].sections[5].kind, SECTION_FEEDBACK);
	cr_assert_str_eq(bf.canvases[0].sections[5].name, "Et si…");
	cr_assert_eq(bf.tables[3].canvas, 1);
	cr_assert_eq(bf.ncriteria, 3);
	cr_assert_str_eq(bf.criteria[2], "novateur");

	n = boardfile_ops(&bf, &ops);
	cr_assert_eq(n, 9);
	cr_assert_eq(ops[0].kind, OP_SETTINGS);
	cr_assert_eq(ops[0].settings.has, bf.settings.has);
	cr_assert_str_eq(ops[0].settings.title, bf.settings.title);
	cr_assert_eq(ops[0].settings.dots, 3);
	cr_assert_eq(ops[1].kind, OP_BANNER);
	cr_assert_eq(ops[1].text, bf.banner);
	cr_assert_eq(ops[2].kind, OP_CANVAS_ADD);
	cr_assert_eq(ops[3].kind, OP_TABLE_ADD);
	cr_assert_str_eq(ops[3].text, Q1);
	cr_assert_eq(ops[6].kind, OP_TABLE_ADD);
	cr_assert_str_eq(ops[6].text, Q4);
	cr_assert_eq(ops[7].kind, OP_CANVAS_USE);
	cr_assert_eq(ops[7].table, 0, "every table: one op");
	cr_assert_eq(ops[7].canvas, 3, "the canvas.add's seq");
	cr_assert_eq(ops[8].kind, OP_CRITERIA);
	cr_assert_eq(ops[8].nlabels, 3);
	free(ops);
	boardfile_free(&bf);
	cr_assert_eq(bf.ntables, 0);
	cr_assert_null(bf.tables);
	boardfile_free(&bf);		/* twice is harmless */
	free(path);
}

Test(boardfile, only_given_keys_are_in_the_settings_op)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	char			 err[256];

	cr_assert_eq(parse("dots: 5\nanonymous: yes\n", &bf, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(bf.settings.has, SET_DOTS | SET_ANONYMOUS);
	cr_assert_null(bf.banner);
	cr_assert_eq(bf.ntables, 0);
	cr_assert_eq(boardfile_ops(&bf, &ops), 1);
	cr_assert_eq(ops[0].kind, OP_SETTINGS);
	cr_assert_eq(ops[0].settings.has, SET_DOTS | SET_ANONYMOUS);
	cr_assert_eq(ops[0].settings.dots, 5);
	cr_assert(ops[0].settings.anonymous);
	free(ops);
	boardfile_free(&bf);
}

Test(boardfile, empty_file_and_zero_questions_are_fine)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	char			 err[256];

	cr_assert_eq(parse("", &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(boardfile_ops(&bf, &ops), 0);
	free(ops);
	boardfile_free(&bf);

	cr_assert_eq(parse("# nothing but comments\n\n   \n\t\n", &bf, err,
	    sizeof err), 0, "%s", err);
	cr_assert_eq(bf.settings.has, 0);
	boardfile_free(&bf);

	/* An empty banner is a banner op that clears the line. */
	cr_assert_eq(parse("banner:\ncode:\n", &bf, err, sizeof err), 0,
	    "%s", err);
	cr_assert_str_eq(bf.banner, "");
	cr_assert_eq(bf.settings.has, SET_CODE);
	cr_assert_str_eq(bf.settings.code, "");
	cr_assert_eq(boardfile_ops(&bf, &ops), 2);
	cr_assert_eq(ops[1].kind, OP_BANNER);
	cr_assert_str_eq(ops[1].text, "");
	free(ops);
	boardfile_free(&bf);
}

Test(boardfile, keys_and_booleans_ignore_case)
{
	struct boardfile	bf;
	char			err[256];

	cr_assert_eq(parse("MULTI_VOTE: YES\nBlind: False\nprivate: On\n"
	    "Anonymous: TRUE\nfreeze_at_zero: off\nLocked: no\nKeep: 07\n"
	    "Question: Q ?\n", &bf, err, sizeof err), 0, "%s", err);
	cr_assert(bf.settings.multi_vote);
	cr_assert_not(bf.settings.blind);
	cr_assert(bf.settings.private_writing);
	cr_assert(bf.settings.anonymous);
	cr_assert_not(bf.settings.freeze_at_zero);
	cr_assert_not(bf.settings.locked);
	cr_assert_eq(bf.settings.keep, 7);
	cr_assert_eq(bf.ntables, 1);
	cr_assert_str_eq(bf.tables[0].theme, "");
	boardfile_free(&bf);
}

Test(boardfile, continuation_lines_join_with_one_space)
{
	struct boardfile	bf;
	char			err[256];

	cr_assert_eq(parse(
	    "title: Un titre\n"
	    "   sur deux lignes   \n"
	    "question:\n"
	    "\tpremière ligne\n"
	    "# a comment does not end the value\n"
	    "  deuxième\tligne \n"
	    "\n"
	    "question: seule\n"
	    "theme: T\n"
	    "question: avec thème\n"
	    "theme:\n"
	    "question: sans thème\n", &bf, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(bf.settings.title, "Un titre sur deux lignes");
	cr_assert_eq(bf.ntables, 4);
	cr_assert_str_eq(bf.tables[0].question,
	    "première ligne deuxième ligne");
	cr_assert_str_eq(bf.tables[1].question, "seule");
	cr_assert_str_eq(bf.tables[1].theme, "");
	cr_assert_str_eq(bf.tables[2].question, "avec thème");
	cr_assert_str_eq(bf.tables[2].theme, "T");
	cr_assert_str_eq(bf.tables[3].theme, "");
	boardfile_free(&bf);
}

Test(boardfile, crlf_and_bom_from_a_windows_editor)
{
	struct boardfile	 bf;
	char			 err[256];
	char			*path = ts_top_path(
	    "tests/fixtures/boardfile/crlf-bom.board");

	cr_assert_eq(boardfile_load(path, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.settings.has, SET_TITLE | SET_DOTS | SET_BLIND);
	cr_assert_str_eq(bf.settings.title,
	    "Atelier « inclusion » à Besançon");
	cr_assert_eq(bf.settings.dots, 5);
	cr_assert_not(bf.settings.blind);
	cr_assert_eq(bf.ntables, 1);
	cr_assert_str_eq(bf.tables[0].theme, "Cœur de métier");
	cr_assert_str_eq(bf.tables[0].question, "Qu’est-ce qu’une coopération "
	    "réussie ? (première partie ; deuxième partie !)");
	boardfile_free(&bf);
	free(path);

	/* A BOM only counts at the very start; CR alone is a control. */
	cr_assert_eq(parse("\xef\xbb\xbftitle: x\r\n", &bf, err, sizeof err),
	    0, "%s", err);
	cr_assert_str_eq(bf.settings.title, "x");
	boardfile_free(&bf);
	expect_error("title: a\rb\n", "line 1: character U+000D (a control or "
	    "bidi character) at column 9 is not allowed");
}

Test(boardfile, french_punctuation_is_kept_byte_for_byte)
{
	struct boardfile	bf;
	char			err[256];
	const char		*q = "« L’œuvre » : qu'en dit-on ? — oui ; "
	    "non ! … 50 % « ça » l'été";

	char	text[512];

	snprintf(text, sizeof text, "question: %s\nbanner: %s\n", q, q);
	cr_assert_eq(parse(text, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_str_eq(bf.tables[0].question, q);
	cr_assert_str_eq(bf.banner, q);
	boardfile_free(&bf);
}

Test(boardfile, unknown_key_suggests_the_closest)
{
	expect_error("title: x\n\ntitre: y\n", "line 3: unknown key "
	    "\"titre\" (did you mean \"title\"?)");
	expect_error("questions: a\n", "line 1: unknown key \"questions\" "
	    "(did you mean \"question\"?)");
	expect_error("freeze-at-zero: yes\n", "line 1: unknown key "
	    "\"freeze-at-zero\" (did you mean \"freeze_at_zero\"?)");
	expect_error("# c\nmot_de_passe: x\n", "line 2: unknown key "
	    "\"mot_de_passe\" (the keys are title, code, dots, multi_vote, "
	    "blind, private, anonymous, freeze_at_zero, locked, keep, "
	    "live_polls, hosts_stay, eval_dots, banner, theme, question, "
	    "canvas, section, criteria, label, and for a step: step, phase, "
	    "duration, instructions, follow, rotate, pairs, teams, labels, "
	    "merge, poll, choice, size)");
}

Test(boardfile, lines_that_are_not_key_value)
{
	expect_error("title: x\nquestion Comment ?\n",
	    "line 2: missing ':' after \"question\"");
	expect_error("Comment faire : ceci\n", "line 1: expected \"key: "
	    "value\" (a line that continues the one above must start with a "
	    "space; a comment starts with '#')");
	expect_error(": x\n", "line 1: expected \"key: value\" (a line that "
	    "continues the one above must start with a space; a comment "
	    "starts with '#')");
	expect_error("  continued\n", "line 1: this line starts with a space, "
	    "so it continues the value above, but there is none; remove the "
	    "leading spaces");
	expect_error("title: x\n\n  continued\n", "line 3: this line starts "
	    "with a space, so it continues the value above, but there is "
	    "none; remove the leading spaces");
	expect_error("theme: A\n  question: B\n", "line 2: \"question:\" is "
	    "indented, so it would continue the theme above; start keys in "
	    "the first column");
	expect_error("question: A\n  # note\n", "line 2: an indented '#' line "
	    "would continue the question above; start comments in the first "
	    "column");
}

Test(boardfile, bad_values)
{
	expect_error("dots: 0\n", "line 1: bad value \"0\" for dots: a whole "
	    "number from 1 to 99");
	expect_error("\ndots: 100\n", "line 2: bad value \"100\" for dots: a "
	    "whole number from 1 to 99");
	expect_error("keep: trois\n", "line 1: bad value \"trois\" for keep: a "
	    "whole number from 1 to 99");
	expect_error("keep: -1\n", "line 1: bad value \"-1\" for keep: a whole "
	    "number from 1 to 99");
	expect_error("dots: 99999999999999999999\n", "line 1: bad value "
	    "\"99999999999999999999\" for dots: a whole number from 1 to 99");
	expect_error("dots:\n", "line 1: bad value \"\" for dots: a whole "
	    "number from 1 to 99");
	expect_error("blind: oui\n", "line 1: bad value \"oui\" for blind: yes "
	    "or no (or true/false, on/off)");
	expect_error("locked: yes please\n", "line 1: bad value \"yes please\" "
	    "for locked: yes or no (or true/false, on/off)");
	expect_error("title:\n", "line 1: title is empty; write it after "
	    "\"title:\"");
	expect_error("theme: A\nquestion:   \n\nquestion: B\n", "line 2: "
	    "question is empty; write it after \"question:\"");
}

/* A string of n copies of c (static storage, n < 400). */
static const char *
run_of(char c, size_t n)
{
	static char	buf[400];

	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

Test(boardfile, text_too_long_says_limit_and_count)
{
	struct boardfile	bf;
	char			buf[2048], err[256];
	size_t			n;

	/* 121 code points of two bytes each. */
	n = (size_t)snprintf(buf, sizeof buf, "dots: 3\ntitle: ");
	for (int i = 0; i < 121; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "é");
	snprintf(buf + n, sizeof buf - n, "\n");
	expect_error(buf, "line 2: title too long: 121 characters, at most "
	    "120");

	/* A question over its limit, counted after joining its lines. */
	n = (size_t)snprintf(buf, sizeof buf, "question: %s\n",
	    run_of('a', 100));
	n += (size_t)snprintf(buf + n, sizeof buf - n, " %s\n",
	    run_of('b', 100));
	snprintf(buf + n, sizeof buf - n, "\t%s\n", run_of('c', 99));
	expect_error(buf, "line 1: question too long: 301 characters, at most "
	    "300");
	snprintf(buf + n, sizeof buf - n, "\t%s\n", run_of('c', 98));
	cr_assert_eq(parse(buf, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(strlen(bf.tables[0].question), 300);
	boardfile_free(&bf);

	snprintf(buf, sizeof buf, "theme: %s\n", run_of('t', 81));
	expect_error(buf, "line 1: theme too long: 81 characters, at most 80");
	snprintf(buf, sizeof buf, "code: %s\n", run_of('c', 65));
	expect_error(buf, "line 1: code too long: 65 characters, at most 64");
	snprintf(buf, sizeof buf, "banner: %s\n", run_of('b', 201));
	expect_error(buf, "line 1: banner too long: 201 characters, at most "
	    "200");
	snprintf(buf, sizeof buf, "\nquestion: %s\n", run_of('q', 301));
	expect_error(buf, "line 2: question too long: 301 characters, at most "
	    "300");

	/* Exactly at the limits is fine. */
	n = (size_t)snprintf(buf, sizeof buf, "banner: %s\n", run_of('b', 200));
	n += (size_t)snprintf(buf + n, sizeof buf - n, "code: %s\n",
	    run_of('c', 64));
	n += (size_t)snprintf(buf + n, sizeof buf - n, "theme: %s\n",
	    run_of('t', 80));
	n += (size_t)snprintf(buf + n, sizeof buf - n, "title: %s\n",
	    run_of('u', 120));
	snprintf(buf + n, sizeof buf - n, "question: %s\n", run_of('q', 300));
	cr_assert_eq(parse(buf, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(strlen(bf.tables[0].question), 300);
	boardfile_free(&bf);
}

Test(boardfile, invalid_utf8_and_control_characters)
{
	expect_error("title: ok\nquestion: caf\xe9 ?\n", "line 2: not valid "
	    "UTF-8 (byte 0xE9 at column 14); save the file as UTF-8");
	expect_error("# comment in Latin-1: \xe9t\xe9\n", "line 1: not valid "
	    "UTF-8 (byte 0xE9 at column 23); save the file as UTF-8");
	expect_error("title: \xc0\xaf\n", "line 1: not valid UTF-8 (byte 0xC0 "
	    "at column 8); save the file as UTF-8");
	expect_error("banner: bip\x07\n", "line 1: character U+0007 (a control "
	    "or bidi character) at column 12 is not allowed");
	expect_error("question: a\xe2\x80\xae" "b\n", "line 1: character "
	    "U+202E (a control or bidi character) at column 12 is not "
	    "allowed");
	expect_error("title: é\x7f\n", "line 1: character U+007F (a control "
	    "or bidi character) at column 9 is not allowed");
}

Test(boardfile, nul_byte_is_a_control_character)
{
	struct boardfile	bf;
	char			err[256];
	const char		text[] = "title: a\0b\n";

	cr_assert_eq(boardfile_parse(text, sizeof text - 1, &bf, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, "line 1: character U+0000 (a control or bidi "
	    "character) at column 9 is not allowed");
}

Test(boardfile, a_setting_given_twice)
{
	expect_error("dots: 3\n\n# again\nDots: 4\n", "line 4: dots given "
	    "twice (first on line 1)");
	expect_error("banner: a\nbanner: b\n", "line 2: banner given twice "
	    "(first on line 1)");
	expect_error("title: a\n  b\ntitle: c\n", "line 3: title given twice "
	    "(first on line 1)");
}

Test(boardfile, at_most_64_questions)
{
	struct boardfile	 bf;
	char			 err[256], *buf = xmalloc(65 * 32);
	size_t			 n = 0;

	for (int i = 1; i <= 64; i++)
		n += (size_t)snprintf(buf + n, 32, "question: Q%d\n", i);
	cr_assert_eq(parse(buf, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.ntables, 64);
	cr_assert_str_eq(bf.tables[63].question, "Q64");
	boardfile_free(&bf);
	snprintf(buf + n, 32, "question: Q65\n");
	expect_error(buf, "line 65: too many questions: at most 64, one per "
	    "table");
	free(buf);
}

Test(boardfile, file_larger_than_one_mebibyte)
{
	struct boardfile	 bf;
	size_t			 len = 1024 * 1024 + 1, i;
	char			*buf = xmalloc(len), err[256], path[64];
	int			 fd;
	FILE			*f;

	/* Comment lines of 64 bytes: byte 1 MiB falls on line 16385. */
	for (i = 0; i < len; i++)
		buf[i] = i % 64 == 63 ? '\n' : (i % 64 == 0 ? '#' : 'x');
	cr_assert_eq(boardfile_parse(buf, len, &bf, err, sizeof err), -1);
	cr_assert_str_eq(err, "line 16385: the file is larger than 1 MiB "
	    "(1048576 bytes); a board file holds a title, settings and "
	    "questions");
	/* Exactly 1 MiB is accepted. */
	cr_assert_eq(boardfile_parse(buf, len - 1, &bf, err, sizeof err), 0,
	    "%s", err);
	boardfile_free(&bf);

	snprintf(path, sizeof path, "/tmp/cb-boardfile-XXXXXX");
	cr_assert_neq(fd = mkstemp(path), -1);
	cr_assert_not_null(f = fdopen(fd, "w"));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	cr_assert_eq(boardfile_load(path, &bf, err, sizeof err), -1);
	cr_assert(strncmp(err, path, strlen(path)) == 0, "%s", err);
	cr_assert(strstr(err, ": line 16385: the file is larger than 1 MiB")
	    != NULL, "%s", err);
	unlink(path);
	free(buf);
}

Test(boardfile, load_errors_name_the_file)
{
	struct boardfile	bf;
	char			err[256];

	cr_assert_eq(boardfile_load("/nonexistent/seed.board", &bf, err,
	    sizeof err), -1);
	cr_assert_str_eq(err, "/nonexistent/seed.board: No such file or "
	    "directory");
	cr_assert_eq(bf.ntables, 0);
	cr_assert_eq(boardfile_load("/", &bf, err, sizeof err), -1);
	cr_assert_str_eq(err, "/: Is a directory");
}

Test(boardfile, a_short_error_buffer_is_cut_not_overrun)
{
	struct boardfile	bf;
	char			err[16];

	memset(err, 'x', sizeof err);
	cr_assert_eq(parse("dots: 0\n", &bf, err, 12), -1);
	cr_assert_str_eq(err, "line 1: bad");
	cr_assert_eq(err[12], 'x');
}

/* ------------------------------------------------------------ the day */

Test(boardfile, seed_day_gives_the_run_sheet)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	const struct proto_step	*st;
	char			 err[256];
	char			*path = ts_top_path("examples/seed-day.board");
	size_t			 n, i;

	cr_assert_eq(boardfile_load(path, &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.ntables, 4);
	cr_assert_eq(bf.nlabels, 4);
	cr_assert_str_eq(bf.labels[1], "Isère");
	cr_assert_eq(bf.nsteps, 9);
	st = &bf.steps[0];
	cr_assert_str_eq(st->title, "Cadrage et météo du jour");
	cr_assert_eq(st->has, STEP_TITLE | STEP_PHASE | STEP_DURATION |
	    STEP_BANNER | STEP_FOLLOW | STEP_ACTION | STEP_QUESTION);
	cr_assert_eq(st->phase, PHASE_WELCOME);
	cr_assert_eq(st->duration, 15 * 60);
	cr_assert_eq(st->follow, FOLLOW_RESULTS);
	cr_assert_eq(st->action, ACTION_POLL);
	cr_assert_eq(st->nchoices, 0, "a word poll");
	st = &bf.steps[1];
	cr_assert_eq(st->action, ACTION_PAIRS);
	cr_assert_eq(st->follow, FOLLOW_NONE);
	cr_assert_str_eq(st->question, "Racontez une coopération réussie : "
	    "qu'est-ce qui l'a rendue possible ?");
	cr_assert_str_eq(st->banner, "Deux par deux : chacun interroge "
	    "l'autre, puis notez ce qui ressort.");
	cr_assert_eq(bf.steps[2].action, ACTION_LABELS);
	cr_assert_eq(bf.steps[3].has & STEP_ACTION, 0);
	cr_assert_eq(bf.steps[3].phase, PHASE_GROUP);
	cr_assert_eq(bf.steps[4].action, ACTION_ROTATE);
	cr_assert_eq(bf.steps[6].phase, PHASE_VOTE);
	st = &bf.steps[8];
	cr_assert_eq(st->action, ACTION_POLL);
	cr_assert_eq(st->nchoices, 5);
	cr_assert_str_eq(st->choices[4], "Un jardin partagé");
	for (i = 0; i < bf.nsteps; i++)
		cr_assert_leq(strlen(bf.steps[i].title), 4 *
		    PROTO_STEP_TITLE_MAX);

	n = boardfile_ops(&bf, &ops);
	cr_assert_eq(n, 1 + 1 + 4 + 1 + 9);
	cr_assert_eq(ops[6].kind, OP_LABELS);
	cr_assert_eq(ops[6].nstrs, 4);
	for (i = 0; i < 9; i++) {
		cr_assert_eq(ops[7 + i].kind, OP_AGENDA);
		cr_assert_eq(ops[7 + i].index, i);
		cr_assert_eq(ops[7 + i].step.title, bf.steps[i].title);
	}
	free(ops);
	boardfile_free(&bf);
	free(path);
}

Test(boardfile, a_small_run_sheet)
{
	struct boardfile	bf;
	char			err[256];

	cr_assert_eq(parse("question: Q\nlabel: Ain\n\nstep: Équipes\n"
	    "teams: Notre prototype\nsize: 4\n\nstep: Tous\nmerge: all\n"
	    "step: Binômes\npairs:\nsize: 3\nstep: Un mot\npoll: Un mot ?\n"
	    "PHASE: Harvest\nfollow: None\n",
	    &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.nsteps, 4);
	cr_assert_eq(bf.steps[0].action, ACTION_TEAMS);
	cr_assert_eq(bf.steps[0].size, 4);
	cr_assert_eq(bf.steps[1].action, ACTION_MERGE);
	cr_assert_eq(bf.steps[1].has & STEP_SIZE, STEP_SIZE);
	cr_assert_eq(bf.steps[1].size, 0);
	cr_assert_eq(bf.steps[2].size, 3);
	cr_assert_str_eq(bf.steps[2].question, "");
	cr_assert_eq(bf.steps[3].phase, PHASE_HARVEST);
	cr_assert_eq(bf.steps[3].follow, FOLLOW_NONE);
	boardfile_free(&bf);
}

Test(boardfile, run_sheet_mistakes_name_their_line)
{
	expect_error("phase: ideas\n", "line 1: phase belongs to a step: "
	    "write it after a \"step:\" line");
	expect_error("step: A\nquestion: Q\n", "line 2: questions come before "
	    "the run sheet: a step's question goes after pairs:, teams:, "
	    "labels: or poll:");
	expect_error("step: A\nphase: ideas\nphase: vote\n", "line 3: phase "
	    "given twice in this step (first on line 2)");
	expect_error("step: A\nphase: ideas\nstep: B\nphase: vote\n"
	    "pairs: x\nrotate: yes\n", "line 6: a step has one action, and "
	    "this one has pairs already (line 5)");
	expect_error("step: A\npairs: x\nchoice: Un pont\n", "line 3: choice "
	    "belongs to a poll: write it after \"poll:\"");
	expect_error("step: A\nsize: 2\n", "line 2: size is for pairs and "
	    "teams: write it after \"pairs:\" or \"teams:\"");
	expect_error("step: A\npoll: Q ?\nchoice: Un pont\n\nstep: B\n",
	    "line 1: a poll has 2 to 12 choices, or none for a word poll");
	expect_error("step: A\npoll: Q ?\nchoice: Un pont\n",
	    "line 1: a poll has 2 to 12 choices, or none for a word poll");
	expect_error("step: A\npairs: x\nsize: 9\n", "line 3: bad value \"9\" "
	    "for size: pairs are groups of 2 to 8");
	expect_error("step: A\nphase: lunch\n", "line 2: bad value \"lunch\" "
	    "for phase: welcome, ideas, group, vote, harvest or closed");
	expect_error("step: A\nfollow: table\n", "line 2: bad value \"table\" "
	    "for follow: none or results");
	expect_error("step: A\nmerge: 1\n", "line 2: bad value \"1\" for "
	    "merge: a whole number from 2 to 64, or all");
	expect_error("step: A\nduration: 0\n", "line 2: bad value \"0\" for "
	    "duration: a whole number from 1 to 1440");
	expect_error("step: A\npoll:\n", "line 2: poll is empty; write it "
	    "after \"poll:\"");
	expect_error("step:\n", "line 1: step is empty; write it after "
	    "\"step:\"");
	expect_error("label: Ain\nlabel: Isère\nlabel: Ain\n", "line 3: label "
	    "\"Ain\" given twice (first on line 1)");
	expect_error("freeze-at-zero: yes\n", "line 1: unknown key "
	    "\"freeze-at-zero\" (did you mean \"freeze_at_zero\"?)");
	expect_error("ste: A\n", "line 1: unknown key \"ste\" (did you mean "
	    "\"step\"?)");
}

Test(boardfile, at_most_64_steps_32_labels_12_choices)
{
	char	*buf = xmalloc(65536), *p;
	int	 i;

	for (p = buf, i = 0; i < 65; i++)
		p += sprintf(p, "step: Étape %d\n", i + 1);
	expect_error(buf, "line 65: too many steps: at most 64");
	for (p = buf, i = 0; i < 33; i++)
		p += sprintf(p, "label: Label %d\n", i + 1);
	expect_error(buf, "line 33: too many labels: at most 32");
	p = buf + sprintf(buf, "step: Clôture\npoll: Quelle image ?\n");
	for (i = 0; i < 13; i++)
		p += sprintf(p, "choice: Image %d\n", i + 1);
	expect_error(buf, "line 15: too many choices: at most 12");
	free(buf);
}

/* ext: canvases apply to the questions that follow, like themes. */
Test(boardfile, canvases_sections_and_criteria)
{
	struct boardfile	 bf;
	struct proto_op		*ops;
	struct model		*m;
	char			 err[256];
	size_t			 n, i;

	cr_assert_eq(parse("question: Sans canevas\n"
	    "canvas: Feuille de route\n"
	    "section: Actions | qui, quand | 8 | actions\n"
	    "section: Idées\n"
	    "question: Nord\n"
	    "canvas: Pitch\n"
	    "section: J'aime | | | feedback\n"
	    "question: Sud\n"
	    "canvas: Feuille de route\n"
	    "question: Est\n"
	    "canvas:\n"
	    "question: Ouest\n"
	    "criteria: utile,  faisable ,novateur\n"
	    "eval_dots: 5\n", &bf, err, sizeof err), 0, "%s", err);
	cr_assert_eq(bf.ncanvases, 2);
	cr_assert_eq(bf.canvases[0].nsections, 2);
	cr_assert_str_eq(bf.canvases[0].sections[0].hint, "qui, quand");
	cr_assert_eq(bf.canvases[0].sections[1].kind, SECTION_IDEAS);
	cr_assert_eq(bf.canvases[0].sections[1].limit, 0);
	cr_assert_eq(bf.tables[0].canvas, 0);
	cr_assert_eq(bf.tables[1].canvas, 1);
	cr_assert_eq(bf.tables[2].canvas, 2);
	cr_assert_eq(bf.tables[3].canvas, 1);
	cr_assert_eq(bf.tables[4].canvas, 0);
	cr_assert_str_eq(bf.criteria[1], "faisable");
	cr_assert_eq(bf.settings.eval_dots, 5);

	/* The ops build that board, on an empty one and on a live one. */
	m = model_new("b");
	n = boardfile_ops(&bf, &ops);
	for (i = 0; i < n; i++)
		cr_assert_eq(model_submit(m, 0, NULL, 0, &ops[i], 0, NULL,
		    NULL), 0, "op %zu (%s)", i, proto_kind_name(ops[i].kind));
	free(ops);
	cr_assert_eq(m->ncanvases, 2);
	cr_assert_eq(m->tables[0].canvas, 0);
	cr_assert_eq(m->tables[1].canvas, m->canvases[0].id);
	cr_assert_eq(m->tables[2].canvas, m->canvases[1].id);
	cr_assert_eq(m->tables[3].canvas, m->canvases[0].id);
	cr_assert_eq(m->tables[4].canvas, 0);
	cr_assert_eq(m->ncriteria, 3);
	cr_assert_eq(m->settings.eval_dots, 5);
	cr_assert_eq(model_submit(m, 0, NULL, 0, &PHASE(PHASE_IDEAS), 0, NULL,
	    NULL), 0);
	n = boardfile_ops_from(&bf, m->head + 1, &ops);
	for (i = 0; i < n; i++)
		cr_assert_eq(model_submit(m, 0, NULL, 0, &ops[i], 0, NULL,
		    NULL), 0, "live op %zu (%s)", i,
		    proto_kind_name(ops[i].kind));
	free(ops);
	cr_assert_eq(m->tables[7].canvas, m->canvases[3].id);
	cr_assert_eq(m->tables[8].canvas, m->canvases[2].id);
	model_free(m);
	boardfile_free(&bf);
}

/* ext: what is wrong with a canvas says which line and why. */
Test(boardfile, canvas_errors_name_the_line)
{
	static const struct {
		const char	*text;
		const char	*error;
	} bad[] = {
		{ "section: Seule\n", "line 1: a section belongs to the "
		    "canvas named just above it: write \"canvas: name\" "
		    "first" },
		{ "canvas: Vide\nquestion: Q\n", "line 2: canvas \"Vide\" "
		    "has no section: write \"section: name\" lines after it" },
		{ "canvas: Vide\n", "line 1: canvas \"Vide\" has no "
		    "section: write \"section: name\" lines after it" },
		{ "canvas: C\nsection: A | b | beaucoup\n", "line 2: bad "
		    "value \"beaucoup\" for a section's most cards: a whole "
		    "number from 0 to 99" },
		{ "canvas: C\nsection: A | | | roadmap\n", "line 2: unknown "
		    "section kind \"roadmap\" (ideas, actions or feedback)" },
		{ "canvas: C\nsection: A | b | 1 | ideas | x\n", "line 2: a "
		    "section is \"name | hint | most cards | kind\": too many "
		    "'|'" },
		{ "canvas: C\nsection: | hint\n", "line 2: a section's name "
		    "has 1 to 80 characters" },
		{ "criteria: a,,b\n", "line 1: a criterion has 1 to 40 "
		    "characters, and commas separate them" },
		{ "criteria: a,b,c,d,e,f,g,h,i\n", "line 1: too many "
		    "criteria: at most 8, separated by commas" },
		{ "criteria: a\ncriteria: b\n", "line 2: criteria given "
		    "twice (first on line 1)" },
		{ "canvas: C\nsection: A\nquestion: Q\nsection: B\n",
		    "line 4: a section belongs to the canvas named just above "
		    "it: write \"canvas: name\" first" },
	};
	struct boardfile	bf;
	char			err[256];
	size_t			i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(parse(bad[i].text, &bf, err, sizeof err), -1,
		    "accepted: %s", bad[i].text);
		cr_expect_str_eq(err, bad[i].error, "%s", bad[i].text);
	}
}

/*
 * ext: the sections a facilitator types for a live canvas: a line each in
 * the board file's syntax, or one line separated by '|' with a quoted hint,
 * a limit and a kind after them.
 */
Test(boardfile, live_canvas_sections_one_per_line_or_on_one_line)
{
	struct proto_section	*v;
	uint32_t		 n;
	char			 err[256];

	cr_assert_eq(boardfile_sections("Nos engagements | Ce que nous "
	    "ferons\nsection: Feuille de route | une action par carte | 8 | "
	    "actions\n\n  Obstacles  \n", &v, &n, err, sizeof err), 0, "%s",
	    err);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(v[0].hint, "Ce que nous ferons");
	cr_assert_str_eq(v[1].name, "Feuille de route");
	cr_assert_eq(v[1].limit, 8);
	cr_assert_eq(v[1].kind, SECTION_ACTIONS);
	cr_assert_str_eq(v[2].name, "Obstacles");
	cr_assert_str_eq(v[2].hint, "");
	boardfile_sections_free(v, n);

	cr_assert_eq(boardfile_sections("Nos engagements \xc2\xab Ce que nous "
	    "ferons \xc2\xbb | Nos actions | Feuille de route \"qui, quand\" 8 "
	    "actions | J'aime 0 feedback | Top 5", &v, &n, err, sizeof err),
	    0, "%s", err);
	cr_assert_eq(n, 5);
	cr_assert_str_eq(v[0].name, "Nos engagements");
	cr_assert_str_eq(v[0].hint, "Ce que nous ferons");
	/* A kind word is a kind only after a limit or a hint. */
	cr_assert_str_eq(v[1].name, "Nos actions");
	cr_assert_eq(v[1].kind, SECTION_IDEAS);
	cr_assert_str_eq(v[2].name, "Feuille de route");
	cr_assert_str_eq(v[2].hint, "qui, quand");
	cr_assert_eq(v[2].limit, 8);
	cr_assert_eq(v[2].kind, SECTION_ACTIONS);
	cr_assert_eq(v[3].kind, SECTION_FEEDBACK);
	cr_assert_eq(v[3].limit, 0);
	cr_assert_str_eq(v[4].name, "Top");
	cr_assert_eq(v[4].limit, 5);
	boardfile_sections_free(v, n);

	cr_assert_eq(boardfile_sections(" | ", &v, &n, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "at least one section"), "%s", err);
	cr_assert_eq(boardfile_sections("A | B 100", &v, &n, err, sizeof err),
	    -1);
	cr_assert_eq(boardfile_sections("A | B | kind", &v, &n, err,
	    sizeof err), 0);
	boardfile_sections_free(v, n);
	cr_assert_eq(boardfile_sections("A | B | C | D | E | F | G | H | I | "
	    "J | K | L | M", &v, &n, err, sizeof err), -1);
	cr_assert_eq(boardfile_sections("A | hint | 3 | sideways\n", &v, &n,
	    err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "sideways"), "%s", err);
}
