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

/* The default data directory. */
char *
paths_default_data(void)
{
	const char	*xdg, *home;
	struct passwd	*pw;
	char		*path;

	if ((path = paths_first("STATE_DIRECTORY")) != NULL)
		return path;
	xdg = getenv("XDG_DATA_HOME");
	if (xdg != NULL && xdg[0] == '/') {
		xasprintf(&path, "%s/cafeboard", xdg);
		return path;
	}
	home = getenv("HOME");
	if ((home == NULL || home[0] != '/') &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home == NULL || home[0] != '/')
		home = "/tmp";
	xasprintf(&path, "%s/.local/share/cafeboard", home);
	return path;
}
