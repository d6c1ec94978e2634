/*
 * tui-harness.h -- drive the real cafeboard client in a private tmux, with a
 * real cafeboard-server, for tests/test_tui.c and tests/test_cafe.c.
 *
 * Each test gets a mkdtemp directory holding the server's socket and data
 * and tmux's socket (TMUX_TMPDIR), a cafeboard-server and a foreground tmux
 * server (-D) that both die with the test process (PR_SET_PDEATHSIG) even
 * if it crashes, and a teardown that kills them by pid.  The screen is read
 * with capture-pane and polled until a bounded deadline: no fixed sleeps,
 * no assertion on time.  The functions assert (Criterion) on failure.
 */
#ifndef CB_TUI_HARNESS_H
#define CB_TUI_HARNESS_H

#include <sys/types.h>

#include <stdbool.h>

/* How long anything may take before a test gives up (sanitizers are slow). */
#define TUI_DEADLINE_MS	20000
#define TUI_POLL_MS	40

struct tui {
	char		 dir[128];
	char		 sock[200];
	char		 data[200];
	char		 key[240];
	char		 tmux_name[64];
	char		 tmux_sock[300];
	const char	*server_bin;
	const char	*client_bin;
	pid_t		 server;
	pid_t		 tmux;
	bool		 session;	/* the tmux session exists */
	pid_t		 clients[16];	/* pane processes, to wait for */
	int		 nclients;
};

/* Set up: directory, tmux server; the cafeboard server is up to the test. */
void		 tui_init(struct tui *);
/*
 * The end of a test that went well: every client leaves on SIGHUP, and no
 * sanitizer (in a SAN=1 build) found anything in any of them.
 */
void		 tui_end(struct tui *);
/* Tear down whatever the test started, by pid, even after a failure. */
void		 tui_fini(struct tui *);
/* Close the terminals (SIGHUP, as when SSH drops) and wait for the clients. */
void		 tui_stop_clients(struct tui *);
/* Sleep a little between polls. */
void		 tui_nap(void);
/* Start argv in the background with stdio on /dev/null (or log, appended),
 * dying with the test; its pid. */
pid_t		 tui_spawn(char *const [], const char *);
/* Wait for a file to exist; fails the test at the deadline. */
void		 tui_wait_file(const char *);
/* A tmux command on our private server; its output (malloc'd) in *out if
 * out != NULL.  The arguments end with NULL. */
int		 tui_tmux(struct tui *, char **, ...)
		    __attribute__((sentinel));

/* Create a board offline from a board file's text (server stopped). */
void		 tui_board(struct tui *, const char *, const char *);
/* Start (or restart) cafeboard-server on our socket and data. */
void		 tui_server_start(struct tui *);
/* Stop the server with sig (SIGKILL: a crash) and reap it. */
void		 tui_server_stop(struct tui *, int);

/* A client in English in window win, with extra arguments. */
void		 tui_client(struct tui *, const char *, const char *);
/* The same with environment assignments (shell fragments). */
void		 tui_client_env(struct tui *, const char *, const char *,
		    const char *);
/*
 * Start a client in window win with environment assignments and extra
 * arguments; wrap: under the pane's shell, which records its exit status.
 */
void		 tui_client_run(struct tui *, const char *, const char *,
		    const char *, bool);
/* The pid of the wrapped client of win, once it runs. */
pid_t		 tui_wrapped_pid(struct tui *, const char *);
/* The exit status a wrapped client left (waits for it). */
int		 tui_wrapped_status(struct tui *, const char *);
/* True while pid runs (a zombie has ended). */
bool		 tui_alive(pid_t);

/* The screen of window win (malloc'd), with attribute escapes if esc. */
char		*tui_screen(struct tui *, const char *, bool);
/* Wait until win shows needle: the screen that does (malloc'd). */
char		*tui_wait(struct tui *, const char *, const char *);
/* Wait until win no longer shows needle: that screen (malloc'd). */
char		*tui_wait_gone(struct tui *, const char *, const char *);
/* Send tmux key names to win; the arguments end with NULL. */
void		 tui_keys(struct tui *, const char *, ...)
		    __attribute__((sentinel));
/* Type text literally in win. */
void		 tui_type(struct tui *, const char *, const char *);
/* A tmux format about win's pane, e.g. "#{pane_dead}" (malloc'd). */
char		*tui_pane(struct tui *, const char *, const char *);
/* Times needle occurs in s. */
int		 tui_count(const char *, const char *);

/*
 * A board "cafe" from text, the server, Fanny the facilitator in window
 * "fac" and, when anne, Anne the participant in window "anne".
 */
void		 tui_cafe(struct tui *, const char *, bool);
/* The facilitator sets the phase from the console: digit 1 (welcome) to 6
 * (closed), name as the status line says it. */
void		 tui_phase(struct tui *, const char *, const char *);
/* A line typed in window win, then Enter (a command in --plain). */
void		 tui_line(struct tui *, const char *, const char *);
/* Someone writes a card, once their screen is in the ideas phase. */
void		 tui_add_card(struct tui *, const char *, const char *);

#endif /* CB_TUI_HARNESS_H */
