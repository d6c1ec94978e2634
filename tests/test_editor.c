/*
 * test_editor.c -- the client's line editor with the text workshops type:
 * French accents composed and decomposed, œ, « guillemets », CJK and emoji;
 * Backspace, Ctrl-W and Ctrl-U; the limit and its hint; pastes.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "../client/editor.h"
#include "text.h"

#define E_ACUTE		"\xc3\xa9"		/* é, one code point */
#define E_DECOMP	"e\xcc\x81"		/* e + U+0301 */
#define OE		"\xc5\x93"		/* œ */
#define LAQUO		"\xc2\xab"		/* « */
#define RAQUO		"\xc2\xbb"		/* » */
#define NBSP		"\xc2\xa0"
#define KAI		"\xe4\xbc\x9a"		/* 会, two columns */
#define GI		"\xe8\xad\xb0"		/* 議 */
#define EMOJI		"\xf0\x9f\x99\x82"	/* 🙂 */

/* Widths and steps depend on the locale, as in the client. */
static void
editor_setup(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

TestSuite(editor, .init = editor_setup);

/* Type a UTF-8 string one code point at a time. */
static void
type(struct editor *ed, const char *s)
{
	size_t		i = 0, len = strlen(s), n;
	uint32_t	cp;

	while (i < len) {
		n = text_decode(s + i, len - i, &cp);
		cr_assert_eq(editor_key(ed, (int32_t)cp), EDITOR_CHANGED,
		    "typing U+%04X refused", cp);
		i += n;
	}
}

/* Press key k times. */
static void
press(struct editor *ed, int32_t key, int times)
{
	while (times-- > 0)
		editor_key(ed, key);
}

Test(editor, typing_builds_the_text)
{
	struct editor	ed;

	editor_init(&ed, NULL, 500, false);
	type(&ed, "Id" E_ACUTE "e : " LAQUO NBSP "acc" "\xc3\xa8" "s" NBSP
	    RAQUO " " OE "uvre");
	cr_assert_str_eq(editor_text(&ed), "Id" E_ACUTE "e : " LAQUO NBSP
	    "acc\xc3\xa8s" NBSP RAQUO " " OE "uvre");
	cr_assert_eq(ed.cursor, ed.len);
	cr_assert_eq(ed.cps, text_cplen(editor_text(&ed)));
	editor_free(&ed);
}

Test(editor, cursor_moves_over_composed_e_acute)
{
	struct editor	ed;

	editor_init(&ed, "a" E_ACUTE "b", 500, false);
	press(&ed, EDITOR_KEY_LEFT, 1);
	cr_assert_eq(ed.cursor, 3);		/* before b */
	press(&ed, EDITOR_KEY_LEFT, 1);
	cr_assert_eq(ed.cursor, 1);		/* before é: 2 bytes back */
	press(&ed, EDITOR_KEY_RIGHT, 1);
	cr_assert_eq(ed.cursor, 3);
	editor_free(&ed);
}

Test(editor, cursor_moves_over_decomposed_e_acute_as_one)
{
	struct editor	ed;

	editor_init(&ed, "a" E_DECOMP "b", 500, false);
	cr_assert_eq(ed.len, 5);
	press(&ed, EDITOR_KEY_LEFT, 2);
	cr_assert_eq(ed.cursor, 1, "cursor at %zu, inside e + U+0301",
	    ed.cursor);
	press(&ed, EDITOR_KEY_RIGHT, 1);
	cr_assert_eq(ed.cursor, 4);
	press(&ed, EDITOR_KEY_HOME, 1);
	cr_assert_eq(ed.cursor, 0);
	press(&ed, EDITOR_KEY_RIGHT, 2);
	cr_assert_eq(ed.cursor, 4);
	editor_free(&ed);
}

Test(editor, backspace_removes_e_and_combining_mark_together)
{
	struct editor	ed;

	editor_init(&ed, "caf" E_DECOMP, 500, false);
	cr_assert_eq(ed.cps, 5);
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_BACKSPACE), EDITOR_CHANGED);
	cr_assert_str_eq(editor_text(&ed), "caf");
	cr_assert_eq(ed.cps, 3);
	cr_assert_eq(ed.cursor, 3);
	editor_free(&ed);
}

Test(editor, delete_removes_the_whole_character_after_the_cursor)
{
	struct editor	ed;

	editor_init(&ed, E_DECOMP "t" E_ACUTE, 500, false);
	press(&ed, EDITOR_KEY_HOME, 1);
	editor_key(&ed, EDITOR_KEY_DELETE);
	cr_assert_str_eq(editor_text(&ed), "t" E_ACUTE);
	press(&ed, EDITOR_KEY_END, 1);
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_DELETE), EDITOR_UNCHANGED);
	editor_free(&ed);
}

Test(editor, oe_and_guillemets_are_single_characters)
{
	struct editor	ed;

	editor_init(&ed, LAQUO OE RAQUO, 500, false);
	cr_assert_eq(ed.cps, 3);
	press(&ed, EDITOR_KEY_LEFT, 1);
	cr_assert_eq(ed.cursor, 4);
	editor_key(&ed, EDITOR_KEY_BACKSPACE);
	cr_assert_str_eq(editor_text(&ed), LAQUO RAQUO);
	cr_assert_eq(ed.cursor, 2);
	editor_free(&ed);
}

Test(editor, cjk_and_emoji_step_and_erase_whole)
{
	struct editor	ed;

	editor_init(&ed, KAI GI EMOJI, 500, false);
	cr_assert_eq(ed.len, 10);
	press(&ed, EDITOR_KEY_LEFT, 1);
	cr_assert_eq(ed.cursor, 6);
	press(&ed, EDITOR_KEY_LEFT, 1);
	cr_assert_eq(ed.cursor, 3);
	editor_key(&ed, EDITOR_KEY_BACKSPACE);
	cr_assert_str_eq(editor_text(&ed), GI EMOJI);
	press(&ed, EDITOR_KEY_END, 1);
	editor_key(&ed, EDITOR_KEY_BACKSPACE);
	cr_assert_str_eq(editor_text(&ed), GI);
	cr_assert_eq(text_width(editor_text(&ed)), 2);
	editor_free(&ed);
}

Test(editor, ctrl_w_removes_the_word_before_the_cursor)
{
	struct editor	ed;

	editor_init(&ed, "acc" "\xc3\xa8" "s " E_ACUTE "gal  ", 500, false);
	editor_key(&ed, EDITOR_KEY_KILL_WORD);
	cr_assert_str_eq(editor_text(&ed), "acc\xc3\xa8s ");
	editor_key(&ed, EDITOR_KEY_KILL_WORD);
	cr_assert_str_eq(editor_text(&ed), "");
	cr_assert_eq(ed.cps, 0);
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_KILL_WORD), EDITOR_UNCHANGED);
	editor_free(&ed);
}

Test(editor, ctrl_w_in_the_middle_keeps_what_follows)
{
	struct editor	ed;

	editor_init(&ed, "un deux trois", 500, false);
	press(&ed, EDITOR_KEY_LEFT, 5);
	editor_key(&ed, EDITOR_KEY_KILL_WORD);
	cr_assert_str_eq(editor_text(&ed), "un trois");
	cr_assert_eq(ed.cursor, 3);
	editor_free(&ed);
}

Test(editor, ctrl_u_removes_up_to_the_start_of_the_line)
{
	struct editor	ed;

	editor_init(&ed, "premi\xc3\xa8re ligne", 500, false);
	press(&ed, EDITOR_KEY_LEFT, 5);
	editor_key(&ed, EDITOR_KEY_KILL_LINE);
	cr_assert_str_eq(editor_text(&ed), "ligne");
	cr_assert_eq(ed.cursor, 0);
	cr_assert_eq(ed.cps, 5);
	editor_free(&ed);

	/* In a multi-line card only the current line goes. */
	editor_init(&ed, "un\ndeux", 500, true);
	editor_key(&ed, EDITOR_KEY_KILL_LINE);
	cr_assert_str_eq(editor_text(&ed), "un\n");
	editor_free(&ed);
}

Test(editor, home_end_work_per_line)
{
	struct editor	ed;

	editor_init(&ed, "ab\ncd", 500, true);
	editor_key(&ed, EDITOR_KEY_HOME);
	cr_assert_eq(ed.cursor, 3);
	editor_key(&ed, EDITOR_KEY_UP);
	cr_assert_eq(ed.cursor, 0);
	editor_key(&ed, EDITOR_KEY_END);
	cr_assert_eq(ed.cursor, 2);
	editor_key(&ed, EDITOR_KEY_DOWN);
	cr_assert_eq(ed.cursor, 5);
	editor_free(&ed);
}

Test(editor, newline_only_in_multiline_editors)
{
	struct editor	ed;

	editor_init(&ed, "un", 500, true);
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_NEWLINE), EDITOR_CHANGED);
	type(&ed, "deux");
	cr_assert_str_eq(editor_text(&ed), "un\ndeux");
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_ENTER), EDITOR_COMMIT);
	editor_free(&ed);

	editor_init(&ed, "nom", 32, false);
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_NEWLINE), EDITOR_REFUSED);
	cr_assert_str_eq(editor_text(&ed), "nom");
	cr_assert_eq(editor_key(&ed, EDITOR_KEY_ESCAPE), EDITOR_CANCEL);
	editor_free(&ed);
}

Test(editor, control_characters_are_refused)
{
	struct editor	ed;

	editor_init(&ed, NULL, 500, true);
	cr_assert_eq(editor_key(&ed, 0x1b), EDITOR_REFUSED);
	cr_assert_eq(editor_key(&ed, 0x9b), EDITOR_REFUSED);
	cr_assert_eq(editor_key(&ed, 0x7f), EDITOR_REFUSED);
	cr_assert_eq(editor_key(&ed, 0x202e), EDITOR_REFUSED);
	cr_assert_str_eq(editor_text(&ed), "");
	editor_free(&ed);
}

Test(editor, limit_refuses_and_hint_appears_near_it)
{
	struct editor	ed;
	char		hint[32];
	int		i;

	editor_init(&ed, NULL, 500, false);
	for (i = 0; i < 449; i++)
		editor_key(&ed, 'a');
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "");
	editor_key(&ed, 'a');
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "450/500");
	for (i = 0; i < 29; i++)
		editor_key(&ed, 'a');
	/* Code points, not bytes: é counts as one. */
	editor_key(&ed, 0xe9);
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "480/500");
	for (i = 0; i < 20; i++)
		cr_assert_eq(editor_key(&ed, 0x4f1a), EDITOR_CHANGED);
	cr_assert_eq(ed.cps, 500);
	cr_assert_eq(editor_key(&ed, 'z'), EDITOR_REFUSED);
	cr_assert_eq(ed.cps, 500);
	cr_assert_eq(editor_left(&ed), 0);
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "500/500");
	editor_key(&ed, EDITOR_KEY_BACKSPACE);
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "499/500");
	editor_free(&ed);
}

Test(editor, short_limits_hint_near_their_end)
{
	struct editor	ed;
	char		hint[32];

	editor_init(&ed, "Anne-Sophie", 32, false);
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "");
	editor_set(&ed, "Anne-Sophie Marie-Th\xc3\xa9r\xc3\xa8se Du");
	cr_assert_str_eq(editor_limit_hint(&ed, hint, sizeof hint), "28/32");
	editor_free(&ed);
}

Test(editor, long_paste_stops_at_the_limit_and_stays_linear)
{
	struct editor	ed;
	size_t		n = 4 * 1024 * 1024, i;
	char		*big = malloc(n + 1);

	cr_assert_not_null(big);
	for (i = 0; i < n; i++)
		big[i] = "ab\xc3\xa9 \n\t\x1b"[i % 8] ;
	big[n] = '\0';
	editor_init(&ed, NULL, 500, true);
	cr_assert_eq(editor_insert(&ed, big, n), EDITOR_REFUSED);
	cr_assert_eq(ed.cps, 500);
	cr_assert_eq(text_cplen(editor_text(&ed)), 500);
	cr_assert_null(strchr(editor_text(&ed), '\x1b'));
	cr_assert_null(strchr(editor_text(&ed), '\t'));
	cr_assert_eq(text_check(editor_text(&ed), ed.len, true, NULL), TEXT_OK);
	/* Keys that go over the limit one by one cost nothing either. */
	for (i = 0; i < n / 8; i++)
		cr_assert_eq(editor_key(&ed, 'x'), EDITOR_REFUSED);
	editor_free(&ed);
	free(big);
}

Test(editor, paste_in_a_single_line_editor_turns_lines_into_spaces)
{
	struct editor	ed;
	const char	*p = "Marie\r\nClaire\n";

	editor_init(&ed, NULL, 32, false);
	editor_insert(&ed, p, strlen(p));
	cr_assert_str_eq(editor_text(&ed), "Marie Claire ");
	editor_free(&ed);
}

Test(editor, paste_keeps_crlf_as_one_newline_in_cards)
{
	struct editor	ed;
	const char	*p = "un\r\ndeux\rtrois";

	editor_init(&ed, "x", 500, true);
	editor_key(&ed, EDITOR_KEY_HOME);
	editor_insert(&ed, p, strlen(p));
	cr_assert_str_eq(editor_text(&ed), "un\ndeux\ntroisx");
	cr_assert_eq(ed.cursor, ed.len - 1);
	editor_free(&ed);
}

Test(editor, set_replaces_and_puts_the_cursor_at_the_end)
{
	struct editor	ed;

	editor_init(&ed, "old", 500, false);
	editor_key(&ed, EDITOR_KEY_HOME);
	editor_set(&ed, LAQUO " nouveau " RAQUO);
	cr_assert_eq(ed.cursor, ed.len);
	cr_assert_eq(ed.cps, 11);
	editor_free(&ed);
}
