/*
 * i18n.h -- the locale and gettext for user-facing text (catalogue
 * "cafeboard").
 */
#ifndef CB_I18N_H
#define CB_I18N_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)
/*
 * A word that means two things gets a context (xgettext's msgctxt):
 * NC_("phase", "group") marks it where it is defined, and i18n_pgettext
 * translates what NC_ made, falling back to the word itself.
 */
#define NC_(c, s)	(c "\004" s)

/*
 * Take the user's locale (setlocale(LC_ALL, "")); when the UTF-8 locale
 * asked for is not on this host, keep UTF-8 with C.UTF-8 and pass the
 * language on through LANGUAGE.
 */
void	i18n_locale_init(void);
/*
 * Bind the catalogue: $CAFEBOARD_LOCALEDIR, else the build tree's
 * build/locale when running from a checkout, else the installed one.
 */
void	i18n_init(void);
/* The translation of a word marked with NC_, or the word itself. */
const char *i18n_pgettext(const char *);

#endif /* CB_I18N_H */
