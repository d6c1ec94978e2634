/*
 * client.h -- what the parts of cafeboard (the client) share.
 *
 * net.c      the connection: connect, HELLO, frames, reconnect with backoff,
 *            keepalive, pending ops sent exactly once
 * replica.c  the local board: confirmed model + the prediction of pending
 *            ops, presence
 * dial.c     open a connection to the server the options name, in TLS
 *            when asked
 * trust.c    TLS: the context, the server's fingerprint, known_servers
 * term.c     a terminal type the host knows
 * boards.c   ask the server which boards it holds (for the join screen)
 * spawn.c    start a local server when none answers
 * fetch.c    `cafeboard export`: fetch the board's state, write the harvest
 * ui*.c      the ncurses program (see ui.h)
 */
#ifndef CB_CLIENT_H
#define CB_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprint.h"
#include "idmap.h"
#include "model.h"
#include "proto.h"

struct event_base;
struct event;
struct bufferevent;
struct evdns_base;
struct ssl_ctx_st;
struct ssl_st;

/* How to reach the server and who we are. */
struct client_opts {
	char		*host;		/* --connect HOST[:PORT]; NULL: Unix socket */
	char		*port;
	char		*socket_path;	/* --socket, or the default */
	bool		 socket_given;
	bool		 autostart;	/* start a local server if none answers */
	char		*server_bin;	/* cafeboard-server to start */
	bool		 tls;		/* --tls */
	char		*pin;		/* --pin FINGERPRINT, as typed */
	bool		 insecure;	/* --insecure: the key in clear */
	struct ssl_ctx_st *tls_ctx;	/* with tls */
	char		*board;
	bool		 board_forced;	/* --board: no other board, ever */
	char		*name;
	char		*auto_name;	/* --auto-name: the name to number */
	char		*code;
	char		*key;		/* read from --key-file */
	char		*key_file;	/* read at HELLO: not there yet at start */
	char		*board_file;	/* --from: set up an empty board */
	bool		 ascii;
	bool		 want_state;	/* export: a STATE catch-up */
	bool		 observe;	/* export: read only, not a participant */
	char		*term_note;	/* the terminal type we fell back to */
};

/* ------------------------------------------------------------ replica.c */

/* One op waiting for its EVENT or REJECT. */
struct pending {
	uint32_t	 op_id;
	struct proto_op	 op;		/* deep copy, owned */
	bool		 sent;		/* on the current connection */
	uint64_t	 predicted;	/* seq it has in the prediction */
	/*
	 * An op that names what an earlier pending op makes (an edit of a
	 * card still being added) names it by that op until the server
	 * gives its seq: it waits unsent, and the ops after it with it.
	 */
	uint32_t	 needs;		/* that op's op_id, 0 for none */
	uint8_t		 refs;		/* which of its ids (bits, replica.c) */
};

struct replica {
	struct model	*confirmed;	/* what the server said */
	struct model	*view;		/* confirmed + pending; may == confirmed */
	struct model	*incoming;	/* a STATE catch-up being built */
	uint32_t	 me;		/* my participant id, 0 before WELCOME */
	uint8_t		 my_role;
	struct pending	*pending;
	size_t		 npending;
	struct idmap	 online;	/* participant -> 1 while online */
	bool		 stale;		/* view must be predicted again */
	uint64_t	 generation;	/* bumps on every change: redraw */
	/*
	 * What a layout of confirmed may keep: it is good while epoch is
	 * the same and the card's stamp in touched has not changed.  A
	 * card.add or card.edit stamps its card; any other change takes a
	 * new epoch (and empties touched).
	 */
	uint64_t	 epoch;
	uint32_t	 touch_clock;
	struct idmap	 touched;	/* card -> stamp of its last change */
	struct idmap	 touched_tables;	/* table -> the same, of
						   its cards */
};

void		 replica_init(struct replica *, const char *);
void		 replica_free(struct replica *);
/* Rebuild the prediction after confirmed or pending changed. */
void		 replica_predict(struct replica *, int64_t);
/* The board as the user sees it (predicting again if stale). */
struct model	*replica_view(struct replica *, int64_t);
/* The stamp of card's last change in this epoch (0: none). */
uint32_t	 replica_card_stamp(const struct replica *, uint64_t);
/* The stamp of the last change of a card of table in this epoch. */
uint32_t	 replica_table_stamp(const struct replica *, uint64_t);
/* Apply a live or replayed event; -1 on a seq gap (resync needed). */
int		 replica_event(struct replica *, const struct proto_event *,
		    int64_t);
/* STATE catch-up: begin at WELCOME, each record, end at READY. */
void		 replica_state_begin(struct replica *);
void		 replica_state_record(struct replica *,
		    const struct proto_state *, int64_t);
void		 replica_state_end(struct replica *, uint64_t, int64_t);
/* A timer record outside a STATE catch-up (after a replay). */
void		 replica_timer(struct replica *, const struct proto_state *,
		    int64_t);
void		 replica_presence(struct replica *,
		    const struct proto_presence *);
void		 replica_roster(struct replica *,
		    const struct proto_roster *);
void		 replica_offline_all(struct replica *);
bool		 replica_is_online(const struct replica *, uint32_t);
size_t		 replica_online_count(const struct replica *);
/* Queue an op (copied); returns its op_id. */
uint32_t	 replica_add_pending(struct replica *, uint32_t,
		    const struct proto_op *);
/* Drop a pending op (confirmed or refused); true if it was there. */
bool		 replica_drop_pending(struct replica *, uint32_t);
/* True if card id exists only in the prediction (not yet confirmed). */
bool		 replica_is_pending_id(const struct replica *, uint64_t);
/* The pending op whose prediction made id, 0 if none. */
uint32_t	 replica_maker(const struct replica *, uint64_t);
/* Name by its maker each id of the newest pending op that one makes. */
void		 replica_link_newest(struct replica *);
/* The server gave op_id its seq: the ops naming it name the seq now. */
void		 replica_resolve(struct replica *, uint32_t, uint64_t);
/* The cards (or cluster heads) the pending changes touch; *out malloc'd. */
size_t		 replica_pending_cards(const struct replica *, uint64_t **);

/* ------------------------------------------------------------ net.c */

/*
 * Why a connection never got as far as the board: the user must read it
 * (net_problem_text) rather than watch "reconnecting" forever.
 */
enum net_problem {
	NET_P_NONE,
	NET_P_NO_SOCKET,	/* the Unix socket does not exist */
	NET_P_DENIED,		/* not allowed to connect to the socket */
	NET_P_REFUSED,		/* nobody listens there */
	NET_P_RESOLVE,		/* the host name does not resolve */
	NET_P_TIMEOUT,		/* no answer */
	NET_P_CLOSED,		/* closed before answering */
	NET_P_TLS,		/* the TLS handshake failed */
	NET_P_TLS_ONLY,		/* a plain client on a TLS port */
	NET_P_TLS_UNKNOWN,	/* a certificate never seen: trust it? */
	NET_P_TLS_MISMATCH,	/* not the certificate expected */
	NET_P_KEY_PLAIN,	/* the key would go in clear beyond loopback */
	NET_P_SPAWN,		/* the local server would not start */
	NET_P_OTHER,
};

enum net_state {
	NET_IDLE,		/* not started */
	NET_CONNECTING,
	NET_HELLO,		/* HELLO sent, waiting for WELCOME */
	NET_CATCHUP,		/* WELCOME received, waiting for READY */
	NET_LIVE,
	NET_WAITING,		/* reconnecting after a delay */
	NET_STOPPED,		/* a final ERROR: the user must act */
};

/* What the network tells the program (the UI implements these). */
struct net_callbacks {
	void	(*changed)(void *);			/* redraw */
	void	(*live)(void *, bool);			/* READY; true: first */
	void	(*rejected)(void *, const struct pending *, uint32_t,
		    const char *);
	void	(*error)(void *, uint32_t, const char *); /* ERROR received */
	void	(*event)(void *, const struct proto_event *, bool);
		    /* after apply; true when live (not catch-up) */
	void	(*confirmed)(void *, uint64_t, uint64_t); /* predicted -> seq */
};

struct net {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct client_opts	*opts;
	struct replica		 replica;
	struct net_callbacks	 cb;
	void			*cb_arg;

	enum net_state		 state;
	struct bufferevent	*bev;
	struct bufferevent	**dead;		/* closed, freed next pass */
	size_t			 ndead;
	size_t			 dead_cap;
	struct event		*reap_ev;	/* frees them */
	struct event		*retry_ev;
	struct event		*tick_ev;
	uint8_t			 client_id[PROTO_CLIENT_LEN];
	uint32_t		 next_op_id;
	unsigned		 attempts;	/* since the last READY */
	int64_t			 retry_at;	/* monotonic ms of the next try */
	int64_t			 last_in_ms;
	int64_t			 last_out_ms;
	bool			 ever_live;
	int			 spawn_lock;	/* held while a server we started
						   comes up, or SPAWN_LOCK_* */
	unsigned		 spawn_tries;	/* connects while it comes up */
	unsigned		 name_number;	/* --auto-name: 0, then 2, 3... */
	uint32_t		 welcome_last_op;
	bool			 roster;	/* the server gave the compact
						   roster (proto.h) */
	bool			 fac_view;	/* the replica holds what a
						   facilitator sees */
	bool			 resync;	/* the next HELLO asks for the
						   state, since 0 */
	uint32_t		 last_error;	/* code of the last ERROR, 0 */
	char			 last_error_text[PROTO_REASON_MAX * 4 + 1];
	char			 status[256];	/* why we are not live, for the UI */
	enum net_problem	 problem;	/* before the first READY */
	char			 problem_detail[200];
	char			 peer_fp[FINGERPRINT_TEXT];	/* TLS */
	char			 expected_fp[FINGERPRINT_TEXT];
	struct proto_uplink	 uplink;	/* ext: a relay's link to the
						   board's server (UPLINK) */
	struct proto_buf	 out;
};

/* Monotonic milliseconds. */
int64_t		 net_now_ms(void);
/* The board as this user sees it (confirmed plus pending). */
struct model	*net_view(struct net *);
/* My participant record, NULL before WELCOME. */
const struct model_participant *net_me(struct net *);
/* True if I am a facilitator now (roles change during a session). */
bool		 net_is_facilitator(struct net *);
void		 net_init(struct net *, struct event_base *, struct client_opts *,
		    const struct net_callbacks *, void *);
void		 net_free(struct net *);
/* Connect (or reconnect) now. */
void		 net_start(struct net *);
/* Say BYE and close. */
void		 net_stop(struct net *);
/*
 * Move the connection, its replica and its pending ops from one struct
 * net to another, as they are; the new one calls cb with arg (none when
 * cb is NULL).  Nothing is sent again and nothing is lost.
 */
void		 net_move(struct net *, struct net *,
		    const struct net_callbacks *, void *);
/*
 * Predict-check and queue an op from the user.  Returns 0 (it shows at once
 * and goes out when connected), or the REJECT code the model predicts with
 * *why set (nothing queued).
 */
int		 net_submit(struct net *, const struct proto_op *, const char **);
/* Ops waiting to be confirmed. */
size_t		 net_unsent(const struct net *);
/* What n->problem means for the user, translated, with the address. */
void		 net_problem_text(const struct net *, char *, size_t);
/* Where we connect, for messages: the socket's path or HOST:PORT. */
void		 net_where(const struct client_opts *, char *, size_t);

/* ------------------------------------------------------------ main.c */

/* The program's two front ends. */
enum client_front {
	CLIENT_DONE,		/* the user left */
	CLIENT_FULL,		/* the full screen (ui.c) */
	CLIENT_PLAIN,		/* the line mode (plain.c) */
};

/*
 * What a front end hands the other when the user switches between the
 * full screen and the line mode (F2; the line mode's "full"): the loop,
 * and the connection with its replica and pending ops, live or waiting,
 * as they are.  main.c runs the front end named by next until it is
 * CLIENT_DONE; between the two no loop runs.
 */
struct client_switch {
	enum client_front	 next;
	struct event_base	*base;		/* NULL before the first */
	struct net		 net;		/* held while net_ready */
	bool			 net_ready;
	bool			 from_done;	/* --from applied */
	uint64_t		 sit_sent;	/* the automatic sit, once */
};

/* ------------------------------------------------------------ dial.c */

typedef void (*dial_read_fn)(struct bufferevent *, void *);
typedef void (*dial_event_fn)(struct bufferevent *, short, void *);
struct bufferevent *dial_open(struct event_base *, struct evdns_base *,
		    const struct client_opts *, dial_read_fn, dial_event_fn,
		    void *);
/* True if the name is a literal IP address (no lookup needed). */
bool		 dial_is_address(const char *);

/* ------------------------------------------------------------ trust.c */

enum trust_verdict {
	TRUST_OK,		/* the certificate expected */
	TRUST_UNKNOWN,		/* no pin, not in known_servers */
	TRUST_MISMATCH,		/* another certificate than expected */
};

struct ssl_ctx_st *trust_ctx_new(void);
void		 trust_ctx_free(struct ssl_ctx_st *);
struct ssl_st	*trust_session(struct ssl_ctx_st *, const char *);
int		 trust_peer(struct bufferevent *, char *);
bool		 trust_error(struct bufferevent *, char *, size_t);
char		*trust_known_path(void);
enum trust_verdict trust_check(const struct client_opts *, const char *,
		    char *);
int		 trust_remember(const struct client_opts *, const char *, char *,
		    size_t);

/* ------------------------------------------------------------ term.c */

/*
 * A TERM the host's terminfo lacks (kitty, ghostty, alacritty ...) is
 * replaced by xterm-256color, else vt100; returns a note for the user
 * (malloc'd, translated) or NULL when TERM was fine.
 */
char		*term_fallback(void);
/*
 * Behind ForceCommand nothing from the keyboard may stop, suspend or kill
 * the client (Ctrl-C too when ctrl_c), and a write to a closed socket is
 * an error to handle, not a death.
 */
void		 term_signals_ignore(bool);
/* The event base the last front end left in sw, or a new one. */
struct event_base *term_switch_base(struct client_switch *);
/* On BEV_EVENT_CONNECTED: TCP_NODELAY for a TCP connection. */
void		 dial_connected(struct bufferevent *);

/* ------------------------------------------------------------ boards.c */

#define BOARDS_MAX	200	/* shown on the join screen */

struct boards_entry {
	char		*name;
	char		*title;
	uint32_t	 online;
	bool		 code_needed;
};

struct boards {
	enum { BOARDS_NONE, BOARDS_ASKING, BOARDS_DONE, BOARDS_FAILED } state;
	struct boards_entry *v;
	size_t		 n;
	struct bufferevent *bev;
	void		(*done)(void *);
	void		*arg;
};

void		 boards_fetch(struct boards *, struct event_base *,
		    struct evdns_base *, const struct client_opts *,
		    void (*)(void *), void *);
void		 boards_free(struct boards *);

/* ------------------------------------------------------------ spawn.c */

#define SPAWN_LOCK_BUSY	(-1)	/* another client is starting one */
#define SPAWN_LOCK_NONE	(-2)	/* no lock can be had: start anyway */

/* The lock of starting a server on a socket path: an fd, or the above. */
int		 spawn_lock(const char *);
void		 spawn_unlock(int);
/* Start cafeboard-server on path, detached; 0 or -1 with err. */
int		 spawn_server(const char *, const char *, char *, size_t);

/* ------------------------------------------------------------ fetch.c */

/* The options of `cafeboard export`, as the command line gave them. */
struct fetch_args {
	const char	*format;	/* md, csv, json or html */
	const char	*output;	/* -o FILE; stdout when NULL */
	bool		 bom;		/* a UTF-8 BOM first (spreadsheets) */
};

/* `cafeboard export ...`: returns the exit status. */
int		 fetch_main(struct client_opts *, const struct fetch_args *);

#endif /* CB_CLIENT_H */
