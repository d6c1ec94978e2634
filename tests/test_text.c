/*
 * test_text.c -- UTF-8 validation, protocol text rules, widths, editor
 * steps and sanitising, with the French and CJK text workshops really use.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define FRENCH	"Id\xc3\xa9" "e : \xc2\xab acc\xc3\xa8s \xc3\xa0 l'emploi " \
		"\xc2\xbb \xe2\x80\x94 \xc5\x93uvre"

/* Widths depend on the locale, as in the client. */
static void
text_setup(void)
{
	cr_assert_not_null(setlocale(LC_CTYPE, "C.UTF-8"));
}

TestSuite(text, .init = text_setup);

/* One byte string and its expected validity. */
struct utf8_vector {
	const char	*name;
	const char	*bytes;
	size_t		 len;
	bool		 valid;
};

#define V(n, s, ok)	{ n, s, sizeof s - 1, ok }

static const struct utf8_vector utf8_vectors[] = {
	V("empty", "", true),
	V("ascii", "abc", true),
	V("U+0080", "\xc2\x80", true),
	V("U+07FF", "\xdf\xbf", true),
	V("U+0800", "\xe0\xa0\x80", true),
	V("U+D7FF", "\xed\x9f\xbf", true),
	V("U+E000", "\xee\x80\x80", true),
	V("U+FFFF", "\xef\xbf\xbf", true),
	V("U+10000", "\xf0\x90\x80\x80", true),
	V("U+10FFFF", "\xf4\x8f\xbf\xbf", true),
	V("french", FRENCH, true),
	V("overlong 2-byte NUL", "\xc0\x80", false),
	V("overlong 2-byte slash", "\xc1\xbf", false),
	V("overlong 3-byte", "\xe0\x80\x80", false),
	V("overlong 3-byte max", "\xe0\x9f\xbf", false),
	V("overlong 4-byte", "\xf0\x80\x80\x80", false),
	V("overlong 4-byte max", "\xf0\x8f\xbf\xbf", false),
	V("surrogate high", "\xed\xa0\x80", false),
	V("surrogate low", "\xed\xbf\xbf", false),
	V("above U+10FFFF", "\xf4\x90\x80\x80", false),
	V("F5 lead", "\xf5\x80\x80\x80", false),
	V("FE", "\xfe", false),
	V("FF", "\xff", false),
	V("truncated 2", "\xc3", false),
	V("truncated 3", "\xe2\x82", false),
	V("truncated 4", "\xf0\x9f\x98", false),
	V("truncated at end", "abc\xc3", false),
	V("stray continuation", "a\x80" "b", false),
	V("bad continuation", "\xc3\x41", false),
	V("5-byte form", "\xf8\x88\x80\x80\x80", false),
};

Test(text, utf8_vectors)
{
	size_t	i;

	for (i = 0; i < sizeof utf8_vectors / sizeof utf8_vectors[0]; i++) {
		const struct utf8_vector *v = &utf8_vectors[i];

		cr_expect_eq(text_utf8_valid(v->bytes, v->len), v->valid,
		    "%s", v->name);
		cr_expect_eq(text_check(v->bytes, v->len, true, NULL) ==
		    TEXT_BAD_UTF8, !v->valid, "%s", v->name);
	}
}

Test(text, forbidden_code_points)
{
	static const uint32_t	bad[] = { 0x00, 0x01, 0x09, 0x0d, 0x1b, 0x1f,
	    0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x202a, 0x202b, 0x202c, 0x202d,
	    0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0xd800, 0x110000 };
	static const uint32_t	good[] = { '\n', ' ', '~', 0xa0, 0xe9, 0x2029,
	    0x202f, 0x2065, 0x206a, 0x200e, 0x4f1a, 0xfffd, 0x1f600 };
	size_t			i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_expect(text_cp_forbidden(bad[i]), "U+%04X", bad[i]);
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		cr_expect_not(text_cp_forbidden(good[i]), "U+%04X", good[i]);
}

Test(text, check_classes)
{
	size_t	cps = 99;

	cr_assert_eq(text_check("a\nb", 3, true, &cps), TEXT_OK);
	cr_assert_eq(cps, 3);
	cr_assert_eq(text_check("a\nb", 3, false, &cps), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("a\0b", 3, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("a\tb", 3, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("\x1b[2J", 4, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("a\x7f", 2, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("\xc2\x9b", 2, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("a\xe2\x80\xae" "b", 5, true, NULL),
	    TEXT_FORBIDDEN);
	cr_assert_eq(text_check("\xe2\x81\xa6", 3, true, NULL), TEXT_FORBIDDEN);
	cr_assert_eq(text_check("\xe2\x80\x8e", 3, true, NULL), TEXT_OK);
	cr_assert_eq(text_check("\xc0\x80", 2, true, NULL), TEXT_BAD_UTF8);
	cr_assert_eq(text_check(FRENCH, strlen(FRENCH), false, &cps), TEXT_OK);
	cr_assert_eq(cps, 35);
	cr_assert_eq(text_check("", 0, false, &cps), TEXT_OK);
	cr_assert_eq(cps, 0);
}

Test(text, code_point_counts)
{
	cr_assert_eq(text_cplen(""), 0);
	cr_assert_eq(text_cplen("abc"), 3);
	cr_assert_eq(text_cplen(FRENCH), 35);
	cr_assert_eq(strlen(FRENCH), 43);
	cr_assert_eq(text_cplen("\xe4\xbc\x9a\xe8\xad\xb0"), 2);
	cr_assert_eq(text_cplen("\xf0\x9f\x98\x80"), 1);
}

Test(text, decode_and_encode)
{
	static const uint32_t	cps[] = { 0, 'A', 0x7f, 0x80, 0xe9, 0x7ff,
	    0x800, 0x20ac, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600,
	    0x10ffff };
	char			buf[4];
	uint32_t		cp;
	size_t			i, n;

	for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		n = text_encode(cps[i], buf);
		cr_assert(text_utf8_valid(buf, n));
		cr_assert_eq(text_decode(buf, n, &cp), n);
		cr_assert_eq(cp, cps[i], "U+%04X", cps[i]);
	}
	cr_assert_eq(text_encode(0xd800, buf), 3);
	cr_assert_eq(memcmp(buf, "\xef\xbf\xbd", 3), 0);
	cr_assert_eq(text_encode(0x110000, buf), 3);
	cr_assert_eq(memcmp(buf, "\xef\xbf\xbd", 3), 0);
	cr_assert_eq(text_decode("\xc3\xa9", 2, &cp), 2);
	cr_assert_eq(cp, 0xe9);
	cr_assert_eq(text_decode("\xff", 1, &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cr_assert_eq(text_decode("\xe2\x82", 2, &cp), 1);
	cr_assert_eq(cp, 0xfffd);
	cr_assert_eq(text_decode("\xe2\x82\xac", 2, &cp), 1, "len bounds it");
	cr_assert_eq(text_decode("", 0, &cp), 0);
}

Test(text, widths)
{
	cr_assert_eq(text_cp_width('a'), 1);
	cr_assert_eq(text_cp_width(0x301), 0);
	cr_assert_eq(text_cp_width(0x4f1a), 2);
	cr_assert_eq(text_cp_width(0xfffd), 1);
	cr_assert_eq(text_cp_width(0x1b), 1, "negative wcwidth counts 1");
	cr_assert_eq(text_width("abc"), 3);
	cr_assert_eq(text_width("\xe4\xbc\x9a\xe8\xad\xb0"), 4);
	cr_assert_eq(text_width("e\xcc\x81"), 1);
	cr_assert_eq(text_width(FRENCH), 35);
	cr_assert_eq(text_width("a\x1b" "b"), 3, "ESC drawn as U+FFFD");
	cr_assert_eq(text_width("a\xe2\x80\xae" "b"), 2, "bidi dropped");
	cr_assert_eq(text_width("a\xff" "b"), 3, "bad byte drawn as U+FFFD");
	cr_assert_eq(text_width(""), 0);
}

Test(text, next_and_prev_char)
{
	const char	*s = "e\xcc\x81x\xe4\xbc\x9a";	/* e U+0301 x 会 */
	size_t		 len = strlen(s);

	cr_assert_eq(text_next_char(s, len, 0), 3);
	cr_assert_eq(text_next_char(s, len, 3), 4);
	cr_assert_eq(text_next_char(s, len, 4), 7);
	cr_assert_eq(text_next_char(s, len, 7), 7);
	cr_assert_eq(text_prev_char(s, 7), 4);
	cr_assert_eq(text_prev_char(s, 4), 3);
	cr_assert_eq(text_prev_char(s, 3), 0);
	cr_assert_eq(text_prev_char(s, 0), 0);

	/* Two marks, a variation selector, a joiner: all part of the base. */
	s = "a\xcc\x81\xcc\xa7" "b\xef\xb8\x8f" "c\xe2\x80\x8d";
	len = strlen(s);
	cr_assert_eq(text_next_char(s, len, 0), 5);
	cr_assert_eq(text_next_char(s, len, 5), 9);
	cr_assert_eq(text_next_char(s, len, 9), len);
	cr_assert_eq(text_prev_char(s, len), 9);
	cr_assert_eq(text_prev_char(s, 9), 5);
	cr_assert_eq(text_prev_char(s, 5), 0);

	/* A bad byte is one character of its own. */
	s = "a\xff" "b";
	cr_assert_eq(text_next_char(s, 3, 1), 2);
	cr_assert_eq(text_prev_char(s, 2), 1);
	cr_assert_eq(text_prev_char(s, 3), 2);
	/* A truncated sequence at the end: its lone bytes step one by one. */
	s = "a\xe2\x82";
	cr_assert_eq(text_prev_char(s, 3), 2);
	cr_assert_eq(text_next_char(s, 3, 1), 2);
}

Test(text, prev_word)
{
	const char	*s = "Id\xc3\xa9" "e  \xc3\xa0 la caf\xc3\xa9";

	cr_assert_eq(text_prev_word("hello world", 11), 6);
	cr_assert_eq(text_prev_word("hello world  ", 13), 6);
	cr_assert_eq(text_prev_word("hello", 5), 0);
	cr_assert_eq(text_prev_word("   ", 3), 0);
	cr_assert_eq(text_prev_word("foo bar", 4), 0);
	cr_assert_eq(text_prev_word("", 0), 0);
	cr_assert_eq(text_prev_word(s, strlen(s)), 13);
	cr_assert_eq(text_prev_word(s, 13), 10);
	cr_assert_eq(text_prev_word(s, 10), 7);
	cr_assert_eq(text_prev_word(s, 7), 0);
}

/* Sanitise s and compare with want. */
static void
expect_sanitized(const char *s, bool ascii, bool keep_nl, const char *want)
{
	char	*got = text_sanitize(s, ascii, keep_nl);

	cr_expect_str_eq(got, want);
	free(got);
}

Test(text, sanitize_controls)
{
	expect_sanitized("\x1b[2J", false, false, "\xef\xbf\xbd[2J");
	expect_sanitized("\x1b[2J", true, false, "?[2J");
	expect_sanitized("a\xc2\x9b" "31mb", false, false,
	    "a\xef\xbf\xbd" "31mb");
	expect_sanitized("a\xc2\x9b" "31mb", true, false, "a?31mb");
	expect_sanitized("a\x7f" "b", false, false, "a\xef\xbf\xbd" "b");
	expect_sanitized("abc\xe2\x80\xae" "fdp.exe", false, false,
	    "abcfdp.exe");
	expect_sanitized("x\xe2\x81\xa6y\xe2\x80\x8fz", false, false, "xyz");
	expect_sanitized("a\nb", false, false, "a b");
	expect_sanitized("a\nb", false, true, "a\nb");
	expect_sanitized("a\nb", true, true, "a\nb");
	expect_sanitized("a\rb", false, true, "a\xef\xbf\xbd" "b");
	expect_sanitized("a\xff" "b", false, false, "a\xef\xbf\xbd" "b");
	expect_sanitized("a\xff" "b", true, false, "a?b");
	expect_sanitized("\xc0\xaf", false, false,
	    "\xef\xbf\xbd\xef\xbf\xbd");
	expect_sanitized("", false, false, "");
	expect_sanitized(FRENCH, false, false, FRENCH);
}

Test(text, sanitize_nul_inside)
{
	static const char	s[] = "ab\0\x1b[2J";

	/* The protocol refuses a NUL; a C string simply ends there. */
	cr_assert_eq(text_check(s, sizeof s - 1, true, NULL), TEXT_FORBIDDEN);
	expect_sanitized(s, false, false, "ab");
	expect_sanitized(s, true, false, "ab");
}

Test(text, sanitize_ascii_fallback)
{
	expect_sanitized(FRENCH, true, false,
	    "Idee : \" acces a l'emploi \" - oeuvre");
	expect_sanitized("\xc3\x87" "a co\xc3\xbb" "te 5 \xe2\x82\xac", true,
	    false, "Ca coute 5 EUR");
	expect_sanitized("\xe2\x80\x99\xe2\x80\x9c\xe2\x80\x9d\xe2\x80\xa6"
	    "\xe2\x80\x93", true, false, "'\"\"...-");
	expect_sanitized("\xc5\x81\xc3\xb3" "d\xc5\xba", true, false, "Lodz");
	expect_sanitized("\xc5\x92\xc3\x9f\xc3\x86\xc4\xb2", true, false,
	    "OEssAEIJ");
	expect_sanitized("e\xcc\x81t\xc3\xa9", true, false, "ete");
	expect_sanitized("\xe4\xbc\x9a\xe8\xad\xb0", true, false, "??");
	expect_sanitized("a\xc2\xa0" "b\xe2\x80\xaf" "c", true, false, "a b c");
	expect_sanitized("\xf0\x9f\x98\x80!", true, false, "?!");
}

Test(text, fit)
{
	const char	*cjk = "\xe4\xbc\x9a\xe8\xad\xb0";
	size_t		 w;

	cr_assert_eq(text_fit(cjk, 3, &w), 3);
	cr_assert_eq(w, 2);
	cr_assert_eq(text_fit(cjk, 4, &w), 6);
	cr_assert_eq(w, 4);
	cr_assert_eq(text_fit(cjk, 1, &w), 0);
	cr_assert_eq(w, 0);
	cr_assert_eq(text_fit("e\xcc\x81x", 1, &w), 3, "mark stays on its e");
	cr_assert_eq(w, 1);
	cr_assert_eq(text_fit("abc", 0, &w), 0);
	cr_assert_eq(text_fit("abc", 10, &w), 3);
	cr_assert_eq(w, 3);
	cr_assert_eq(text_fit(FRENCH, 6, &w), 7);
	cr_assert_eq(w, 6);
	cr_assert_eq(text_fit("ab", 1, NULL), 1);
}

Test(text, trim)
{
	char	a[] = "  a b \t\n", b[] = "", c[] = " \r\v\f ", d[] = "x";

	cr_assert_str_eq(text_trim(a), "a b");
	cr_assert_str_eq(text_trim(b), "");
	cr_assert_str_eq(text_trim(c), "");
	cr_assert_str_eq(text_trim(d), "x");
}
