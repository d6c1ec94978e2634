/*
 * i18n.h -- gettext for user-facing text (catalogue "cafeboard").
 */
#ifndef CB_I18N_H
#define CB_I18N_H

#include <libintl.h>

#define _(s)	gettext(s)
#define N_(s)	(s)

/*
 * Bind the catalogue: $CAFEBOARD_LOCALEDIR, else the build tree's
 * build/locale when running from a checkout, else the installed one.
 */
void	i18n_init(void);

#endif /* CB_I18N_H */
