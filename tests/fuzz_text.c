/*
 * fuzz_text.c -- libFuzzer target for the text module: the sanitiser,
 * widths, first-name checks and folding.
 *
 * Every input is a string.  Sanitised, it is protocol-clean (ASCII only in
 * ASCII); widths and fits agree.  Its NFKC_Casefold is valid UTF-8, at most
 * UCD_FOLD_GROWTH times as long, and folds to itself; a name key is its own
 * key, trimmed, one space between words.  A first name the rules accept is
 * drawn exactly as typed, has a non-empty key and stays accepted once
 * folded.
 *
 *   make fuzz                          libFuzzer for FUZZ_SECONDS
 *   make check                         replays tests/fixtures/fuzz/text
 */
#include <locale.h>

#include "fuzz.h"
#include "text.h"
#include "ucd.h"

/* Once per process: widths as the client sees them, in UTF-8. */
static void
fuzz_text_init(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "fuzz_text: no C.UTF-8 locale\n");
		abort();
	}
}

/* One input: see the top of the file. */
static int
fuzz_text_one(const uint8_t *data, size_t size)
{
	enum text_name_status	 st;
	char			*s, *out, *f, *g, *k, *k2;
	size_t			 len, w, fw, i;
	int			 mode;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	for (mode = 0; mode < 4; mode++) {
		out = text_sanitize(s, mode & 1, mode & 2);
		FUZZ_CHECK(text_check(out, strlen(out), mode & 2, NULL) ==
		    TEXT_OK);
		FUZZ_CHECK(strlen(out) <= len * TEXT_SANITIZE_GROWTH);
		for (i = 0; (mode & 1) && out[i] != '\0'; i++)
			FUZZ_CHECK((unsigned char)out[i] < 0x80);
		w = text_width(out);
		FUZZ_CHECK(text_fit(out, w, &fw) == strlen(out) && fw == w);
		free(out);
	}
	(void)text_ascii_exact(s);

	/* The fold: valid, bounded, a fixed point. */
	f = text_fold((const char *)data, size);
	FUZZ_CHECK(text_utf8_valid(f, strlen(f)));
	FUZZ_CHECK(strlen(f) <= size * UCD_FOLD_GROWTH);
	g = text_fold(f, strlen(f));
	FUZZ_CHECK(strcmp(f, g) == 0);
	free(g);

	/* The name key: its own key, trimmed, single spaces. */
	k = text_name_key(s);
	k2 = text_name_key(k);
	FUZZ_CHECK(strcmp(k, k2) == 0);
	FUZZ_CHECK(k[0] != ' ' && (k[0] == '\0' || k[strlen(k) - 1] != ' '));
	FUZZ_CHECK(strstr(k, "  ") == NULL);
	free(k2);

	/* An accepted name: drawn as typed, a key, accepted folded too. */
	st = text_name_check(s, len);
	FUZZ_CHECK(text_name_reason(st) != NULL);
	if (st == TEXT_NAME_OK) {
		out = text_sanitize(s, false, false);
		FUZZ_CHECK(strcmp(out, s) == 0);
		free(out);
		FUZZ_CHECK(k[0] != '\0');
		g = text_fold(s, len);
		st = text_name_check(g, strlen(g));
		FUZZ_CHECK(st == TEXT_NAME_OK || st == TEXT_NAME_LENGTH);
		free(g);
	}
	free(k);
	free(f);
	free(s);
	return 0;
}

FUZZ_TARGET(text)
