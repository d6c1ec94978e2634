/*
 * paths.h -- where the server keeps its socket and data by default.
 *
 * The client looks for the server where the server puts itself, so both ask
 * here.  Under systemd (RuntimeDirectory=, StateDirectory=) the service
 * directories win; otherwise the XDG base directories, then fallbacks.
 */
#ifndef CB_PATHS_H
#define CB_PATHS_H

/* The Unix socket: $RUNTIME_DIRECTORY/server.sock,
 * $XDG_RUNTIME_DIR/cafeboard/server.sock or /tmp/cafeboard-UID/server.sock. */
char	*paths_default_socket(void);
/* The data directory: $STATE_DIRECTORY, $XDG_DATA_HOME/cafeboard or
 * ~/.local/share/cafeboard. */
char	*paths_default_data(void);
/*
 * $XDG_x_HOME/cafeboard/LEAF (the variable named), else $HOME/DFLT/
 * cafeboard/LEAF, else FALLBACK/DFLT/cafeboard/LEAF without a home;
 * malloc'd.
 */
char	*paths_xdg(const char *, const char *, const char *, const char *);
/* The socket of a system service, tried by clients as a second choice. */
#define PATHS_SYSTEM_SOCKET	"/run/cafeboard/server.sock"
/* That socket, or $CAFEBOARD_SYSTEM_SOCKET when set; NULL when empty. */
const char *paths_system_socket(void);

#endif /* CB_PATHS_H */
