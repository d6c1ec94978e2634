/*
 * test_text.c -- UTF-8 validation, protocol text rules, widths, editor
 * steps and sanitising, with the French and CJK text workshops really use.
 */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ucd.h"

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
	    "Idee : << acces a l'emploi >> -- oeuvre");
	expect_sanitized("\xc3\x87" "a co\xc3\xbb" "te 5 \xe2\x82\xac", true,
	    false, "Ca coute 5 EUR");
	expect_sanitized("\xe2\x80\x99\xe2\x80\x9c\xe2\x80\x9d\xe2\x80\xa6"
	    "\xe2\x80\x93", true, false, "'\"\"...-");
	expect_sanitized("\xc5\x81\xc3\xb3" "d\xc5\xba", true, false, "Lodz");
	expect_sanitized("\xc5\x92\xc3\x9f\xc3\x86\xc4\xb2", true, false,
	    "OEssAEIJ");
	expect_sanitized("e\xcc\x81t\xc3\xa9", true, false, "ete");
	expect_sanitized("a\xc2\xa0" "b\xe2\x80\xaf" "c", true, false, "a b c");
}

/* One ASCII case: the text, what ASCII shows, whether nothing is lost. */
struct ascii_case {
	const char	*in;
	const char	*out;
	bool		 exact;
};

static const struct ascii_case ascii_cases[] = {
	/* What can be written in ASCII is. */
	{ "\u00ab\u00a0oui\u00a0\u00bb", "<< oui >>", true },
	{ "\u2039a\u203a \u2018b\u2019", "<a> 'b'", true },
	{ "a \u2014 b \u2013 c", "a -- b - c", true },
	{ "Vi\u1ec7t Nam, \u1ebf", "Viet Nam, e", true },
	{ "\u01c4 \u01f1 \u0133", "DZ DZ ij", true },
	{ "\uff21\uff4e\uff4e\uff45 \U0001d400", "Anne A", true },
	{ "\ufb01n \ufb03", "fin ffi", true },
	{ "\u00bd \u2153 \u2460 \u00b2", "1/2 1/3 1 2", true },
	{ "\u2122 \u20ac \u2026", "TM EUR ...", true },
	{ "a \u2192 b \u2264 c \u2713", "a -> b <= c v", true },
	{ "\u0131\u0259 \u0254", "ie o", true },
	/* What cannot says what is lost, once per run. */
	{ "\u660e\u7f8e", "[CJK]", false },
	{ "\u660e\u7f8e \u3055\u3093", "[CJK] [CJK]", false },
	{ "\u660e\u0301\u7f8e", "[CJK]", false },
	{ "\ud55c\uad6d\uc5b4", "[CJK]", false },
	{ "\u041f\u0440\u0438\u0432\u0435\u0442!", "[Cyrillic]!", false },
	{ "\u03b1\u03b2\u03b3 = abc", "[Greek] = abc", false },
	{ "\u05e9\u05dc\u05d5\u05dd", "[Hebrew]", false },
	{ "\u0633\u0644\u0627\u0645", "[Arabic]", false },
	{ "\U0001f600!", "[emoji]!", false },
	{ "\u0e2a\u0e27\u0e31\u0e2a", "[?]", false },
	{ "\u660e\u03b1", "[CJK][Greek]", false },
	{ "a\xff" "b", "a?b", false },
	/* Invisible characters are no loss: they are dropped. */
	{ "An\u200bne\ufeff", "Anne", true },
	{ "", "", true },
};

Test(text, sanitize_ascii_says_what_is_lost)
{
	size_t	i;

	for (i = 0; i < sizeof ascii_cases / sizeof ascii_cases[0]; i++) {
		const struct ascii_case *c = &ascii_cases[i];

		expect_sanitized(c->in, true, false, c->out);
		cr_expect_eq(text_ascii_exact(c->in), c->exact, "%s", c->in);
	}
}

Test(text, sanitize_drops_invisible_characters)
{
	/* Zero width, joiners, BOM, soft hyphen, fillers: nothing to see. */
	expect_sanitized("Anne\u200b", false, false, "Anne");
	expect_sanitized("Anne\u2060", false, false, "Anne");
	expect_sanitized("Anne\ufeff", false, false, "Anne");
	expect_sanitized("\u200b\u200b", false, false, "");
	expect_sanitized("\u3164\u115f", false, false, "");
	expect_sanitized("co\u00adop\u00e9rer", false, false,
	    "coop\u00e9rer");
	expect_sanitized("a\u034fb\u180ec\U000e0041d", false, false, "abcd");
	expect_sanitized("\u2764\ufe0f", false, false, "\u2764");
	expect_sanitized("a\ufff9b\ufffbc", false, false, "abc");
	/* Bidi marks too, and line separators end a line. */
	expect_sanitized("a\u200eb\u061cc", false, false, "abc");
	expect_sanitized("a\u2028b\u2029c", false, false, "a b c");
	expect_sanitized("a\u2028b", false, true, "a\nb");
	/* A format character that is seen stays (Arabic number sign). */
	expect_sanitized("\u0600\u0661", false, false, "\u0600\u0661");
	cr_assert_eq(text_width("Anne\u200b\u2060\ufeff"), 4);
	cr_assert_eq(text_width("\u3164\u115f"), 0);
}

/* One fold: a string and its NFKC_Casefold. */
struct fold_case {
	const char	*in;
	const char	*out;
};

static const struct fold_case fold_cases[] = {
	{ "", "" },
	{ "Anne", "anne" },
	{ "Zo\u00e9", "zo\u00e9" },
	{ "ZO\u00c9", "zo\u00e9" },
	{ "Zoe\u0301", "zo\u00e9" },
	{ "\uff3a\uff4f\u00e9", "zo\u00e9" },
	{ "Anne\u200b\u2060\ufeff\u00ad", "anne" },
	{ "Stra\u00dfe", "strasse" },
	{ "\u1e9e", "ss" },
	{ "\ufb01", "fi" },
	{ "\u216b", "xii" },
	{ "\u3371", "hpa" },
	{ "\u01c5", "d\u017e" },
	{ "\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c3" },
	{ "\u0130", "i\u0307" },
	{ "\u212a\u212b", "k\u00e5" },
	{ "\uff76\uff9e", "\u30ac" },
	{ "\u1100\u1161\u11a8", "\uac01" },
	{ "\uac00\u11a8", "\uac01" },
	{ "a\u0301\u0327", "\u00e1\u0327" },
	{ "a\u0327\u0301", "\u00e1\u0327" },
	{ "e\u0301\u0327", "\u0229\u0301" },
	{ "\u00bd", "1\u20442" },
	{ "\U0001d400\U0001d41b", "ab" },
	{ "\u1d2c\u207f\u207f\u1d49", "anne" },
	{ "\u00a0x\u3000", " x " },
	{ "\ufdfa", "\u0635\u0644\u0649 \u0627\u0644\u0644\u0647 "
	    "\u0639\u0644\u064a\u0647 \u0648\u0633\u0644\u0645" },
	{ "\u0301a", "\u0301a" },
	{ "\xff", "\ufffd" },
};

Test(text, fold_is_nfkc_casefold)
{
	char	*f, *g;
	size_t	 i;

	for (i = 0; i < sizeof fold_cases / sizeof fold_cases[0]; i++) {
		const struct fold_case *c = &fold_cases[i];

		f = text_fold(c->in, strlen(c->in));
		cr_expect_str_eq(f, c->out, "fold of case %zu", i);
		cr_expect(text_utf8_valid(f, strlen(f)));
		cr_expect_leq(strlen(f), strlen(c->in) * UCD_FOLD_GROWTH);
		g = text_fold(f, strlen(f));
		cr_expect_str_eq(g, f, "fold of case %zu again", i);
		free(g);
		free(f);
	}
}

/* One first name and what text_name_check says of it. */
struct name_case {
	const char		*name;
	enum text_name_status	 st;
};

static const struct name_case name_cases[] = {
	{ "Anne", TEXT_NAME_OK },
	{ "Zo\u00e9", TEXT_NAME_OK },
	{ "Jean-Paul II", TEXT_NAME_OK },
	{ "\u660e\u7f8e", TEXT_NAME_OK },
	{ "\ud55c\uc218", TEXT_NAME_OK },
	{ "\u0645\u0631\u064a\u0645", TEXT_NAME_OK },
	{ "R2", TEXT_NAME_OK },
	{ "42", TEXT_NAME_OK },
	{ "Ana\u00efs \U0001f642", TEXT_NAME_OK },
	{ "Anne\u00a0M.", TEXT_NAME_OK },
	{ "", TEXT_NAME_LENGTH },
	{ "abcdefghijklmnopqrstuvwxyz0123456", TEXT_NAME_LENGTH },
	{ "Anne\nMarie", TEXT_NAME_CONTROL },
	{ "Anne\t", TEXT_NAME_CONTROL },
	{ "Ann\u202ee", TEXT_NAME_CONTROL },
	{ "\x80", TEXT_NAME_CONTROL },
	{ "Anne\u200b", TEXT_NAME_INVISIBLE },
	{ "Anne\u2060", TEXT_NAME_INVISIBLE },
	{ "Anne\ufeff", TEXT_NAME_INVISIBLE },
	{ "\u200b\u200b", TEXT_NAME_INVISIBLE },
	{ "\ufeff", TEXT_NAME_INVISIBLE },
	{ "\u3164\u115f", TEXT_NAME_INVISIBLE },
	{ "\u3164", TEXT_NAME_INVISIBLE },
	{ "\uffa0Anne", TEXT_NAME_INVISIBLE },
	{ "An\u00adne", TEXT_NAME_INVISIBLE },
	{ "Anne\u200e", TEXT_NAME_INVISIBLE },
	{ "Anne\u200d", TEXT_NAME_INVISIBLE },
	{ "Anne\ufe0f", TEXT_NAME_INVISIBLE },
	{ "Anne\u0600", TEXT_NAME_INVISIBLE },
	{ "Anne\u2028", TEXT_NAME_INVISIBLE },
	{ "Anne\ue000", TEXT_NAME_INVISIBLE },
	{ "Anne\U000e0041", TEXT_NAME_INVISIBLE },
	{ "Anne\U0003ffff", TEXT_NAME_INVISIBLE },
	{ "---", TEXT_NAME_NO_LETTER },
	{ "\u00a0", TEXT_NAME_NO_LETTER },
	{ "\u2800\u2800", TEXT_NAME_NO_LETTER },
	{ "\U0001f642", TEXT_NAME_NO_LETTER },
	{ "\u0301", TEXT_NAME_NO_LETTER },
	/* A letter that folds to a space and a mark (found by the fuzzer). */
	{ "\ufe70", TEXT_NAME_NO_LETTER },
	{ "\ufe70\u0628", TEXT_NAME_OK },
};

Test(text, name_rules)
{
	size_t	i;

	for (i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
		const struct name_case *c = &name_cases[i];

		cr_expect_eq(text_name_check(c->name, strlen(c->name)), c->st,
		    "case %zu: %u, want %u", i,
		    text_name_check(c->name, strlen(c->name)), c->st);
		cr_expect_eq(text_name_reason(c->st)[0] == '\0',
		    c->st == TEXT_NAME_OK);
	}
}

/* Two names that are one person, or two. */
static void
expect_same_person(const char *a, const char *b, bool same)
{
	char	*ka = text_name_key(a), *kb = text_name_key(b);

	cr_expect_eq(strcmp(ka, kb) == 0, same, "\"%s\" (%s) and \"%s\" (%s)",
	    a, ka, b, kb);
	free(ka);
	free(kb);
}

Test(text, name_keys)
{
	expect_same_person("Zo\u00e9", "zo\u00e9", true);
	expect_same_person("Zo\u00e9", "ZO\u00c9", true);
	expect_same_person("Zo\u00e9", "Zoe\u0301", true);
	expect_same_person("Anne", "\uff21\uff4e\uff4e\uff45", true);
	expect_same_person("Anne", "Anne\u200b", true);
	expect_same_person("Anne", " Anne\u00a0", true);
	expect_same_person("Jean Paul", "jean\u3000 PAUL", true);
	expect_same_person("Zo\u00e9", "Zoe", false);
	expect_same_person("Zo\u00e9", "Zo\u00e8", false);
	expect_same_person("Anne", "Anna", false);
	expect_same_person("Jean Paul", "JeanPaul", false);
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
