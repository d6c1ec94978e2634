/*
 * i18n.c -- where the message catalogues are.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

#ifndef CB_LOCALEDIR
#define CB_LOCALEDIR "/usr/local/share/locale"
#endif

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
