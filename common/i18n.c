/*
 * i18n.c -- the user's locale, and where the message catalogues are.
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

#ifndef CB_LOCALEDIR
#define CB_LOCALEDIR "/usr/local/share/locale"
#endif

/*
 * The locale the user asked for (LC_ALL, LC_MESSAGES or LANG), or NULL.
 */
static const char *
i18n_wanted_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		if ((v = getenv(vars[i])) != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

/*
 * Take the user's locale.  A server reached over SSH often lacks the
 * locale a laptop sends (fr_FR.UTF-8 not generated): then keep UTF-8 with
 * C.UTF-8 and the language through LANGUAGE, rather than fall back to
 * ASCII and English.
 */
void
i18n_locale_init(void)
{
	const char	*want, *language;
	char		 lang[32];
	size_t		 n;

	if (setlocale(LC_ALL, "") != NULL)
		return;
	if ((want = i18n_wanted_locale()) == NULL ||
	    (strcasestr(want, "utf-8") == NULL &&
	    strcasestr(want, "utf8") == NULL))
		return;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return;
	setlocale(LC_MESSAGES, "C.UTF-8");
	/* "fr_FR.UTF-8@euro" -> LANGUAGE "fr_FR:fr" */
	n = strcspn(want, ".@");
	language = getenv("LANGUAGE");
	if ((language == NULL || language[0] == '\0') && n > 0 && n < 16 &&
	    strcmp(want, "C.UTF-8") != 0) {
		snprintf(lang, sizeof lang, "%.*s:%.*s", (int)n, want,
		    (int)strcspn(want, "_.@"), want);
		setenv("LANGUAGE", lang, 1);
	}
}

/* Bind the "cafeboard" text domain to the first catalogue directory found. */
void
i18n_init(void)
{
	const char	*env = getenv("CAFEBOARD_LOCALEDIR");
	char		 self[PATH_MAX], dir[PATH_MAX + 32], *slash;
	ssize_t		 n;

	if (env != NULL && env[0] == '/') {
		bindtextdomain("cafeboard", env);
	} else {
		bindtextdomain("cafeboard", CB_LOCALEDIR);
		n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n > 0) {
			self[n] = '\0';
			if ((slash = strrchr(self, '/')) != NULL) {
				*slash = '\0';
				snprintf(dir, sizeof dir, "%s/../build/locale",
				    self);
				if (access(dir, R_OK | X_OK) == 0)
					bindtextdomain("cafeboard", dir);
			}
		}
	}
	bind_textdomain_codeset("cafeboard", "UTF-8");
	textdomain("cafeboard");
}

/*
 * gettext's own convention for a context: the catalogue's key is the
 * context, EOT, the word; gettext returns the key itself when it has no
 * translation, and then the word after the EOT is the answer.
 */
const char *
i18n_pgettext(const char *key)
{
	const char	*t = gettext(key), *eot;

	if (t != key)
		return t;
	eot = strchr(key, '\004');
	return eot != NULL ? eot + 1 : key;
}
