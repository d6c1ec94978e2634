/*
 * paths.c -- default locations of the socket and the data directory.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "xmalloc.h"

/* The first directory of a colon-separated systemd list, or NULL. */
static char *
paths_first(const char *env)
{
	const char	*v = getenv(env);

	if (v == NULL || v[0] != '/')
		return NULL;
	return xstrndup(v, strcspn(v, ":"));
}

/* The default Unix socket path. */
char *
paths_default_socket(void)
{
	const char	*xdg;
	char		*dir, *path;

	if ((dir = paths_first("RUNTIME_DIRECTORY")) != NULL) {
		xasprintf(&path, "%s/server.sock", dir);
		free(dir);
		return path;
	}
	xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/cafeboard/server.sock", xdg);
	else
		xasprintf(&path, "/tmp/cafeboard-%ld/server.sock",
		    (long)getuid());
	return path;
}

/*
 * The socket of a system service: $CAFEBOARD_SYSTEM_SOCKET when set (empty:
 * none, as make run and the tests want, to use a local server even where
 * a system one runs), else PATHS_SYSTEM_SOCKET.
 */
const char *
paths_system_socket(void)
{
	const char	*v = getenv("CAFEBOARD_SYSTEM_SOCKET");

	if (v == NULL)
		return PATHS_SYSTEM_SOCKET;
	return v[0] != '\0' ? v : NULL;
}

/*
 * $XDG_x_HOME/cafeboard/leaf (xdg_var names it), else $HOME/dflt/cafeboard/
 * leaf, else under fallback when there is no home; leaf may be "".
 */
char *
paths_xdg(const char *xdg_var, const char *dflt, const char *leaf,
    const char *fallback)
{
	const char	*xdg = getenv(xdg_var), *home, *sep = leaf[0] != '\0' ?
			    "/" : "";
	struct passwd	*pw;
	char		*path;

	if (xdg != NULL && xdg[0] == '/') {
		xasprintf(&path, "%s/cafeboard%s%s", xdg, sep, leaf);
		return path;
	}
	home = getenv("HOME");
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		home = fallback;
	xasprintf(&path, "%s/%s/cafeboard%s%s", home, dflt, sep, leaf);
	return path;
}

/* The default data directory. */
char *
paths_default_data(void)
{
	char	*path;

	if ((path = paths_first("STATE_DIRECTORY")) != NULL)
		return path;
	return paths_xdg("XDG_DATA_HOME", ".local/share", "", "/tmp");
}
