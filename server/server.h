/*
 * server.h -- what the parts of cafeboard-server share.
 *
 * server.c      the loop, listeners, signals, per-pass housekeeping
 * client-conn.c one connection: framing, HELLO, ops, output, keepalive
 * board.c       one board: sequencing, log, fan-out, catch-up, timers
 * store.c       boards on disk: paths, load (snapshot + log), snapshots
 * keyfile.c     the facilitator key
 * tls.c         the TLS certificate (made on first start) and context
 * offline.c     create, export, check, list
 * relay.c       a relay's connection here: the people it speaks for
 * upstream.c    --upstream: this server is a relay, its boards mirrors
 */
#ifndef CB_SERVER_H
#define CB_SERVER_H

#include <sys/uio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "evlog.h"
#include "log.h"
#include "model.h"
#include "proto.h"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;
struct evdns_base;
struct upstream;
struct upstream_client;
struct ssl_ctx_st;
struct ssl_st;

#define SERVER_MAX_LISTEN	16
#define SERVER_TLS_PORT		PROTO_TLS_PORT
#define SERVER_MMAP_THRESHOLD	(128 * 1024)	/* blocks from mmap */
#define SERVER_BUF_KEEP		(256 * 1024)	/* encoding buffer kept */
#define SERVER_GATHER_TURNS	8	/* turns more before a busy pass */

/* Everything the command line sets. */
struct server_config {
	char		*socket_path;
	int		 socket_mode;		/* -1: 0600 */
	char		*socket_group;		/* NULL: the process's */
	char		*listen[SERVER_MAX_LISTEN];
	size_t		 nlisten;
	char		*tls_listen[SERVER_MAX_LISTEN];
	size_t		 ntls_listen;
	char		*tls_cert;		/* NULL: DATA/tls-cert.pem */
	char		*tls_key;		/* NULL: DATA/tls-key.pem */
	char		*data_dir;
	char		*key_file;
	bool		 key_file_given;
	enum evlog_sync	 fsync;
	uint32_t	 snapshot_every;	/* events; 0: only at shutdown */
	double		 ops_per_sec;		/* 0: no limit */
	uint32_t	 ops_burst;
	uint32_t	 max_conns;		/* 0: no limit */
	uint32_t	 max_hello;		/* still to say HELLO; 0: no
						   limit */
	uint32_t	 max_conns_per_peer;	/* TCP peers; 0: no limit */
	uint32_t	 max_cards;		/* per board; 0: no limit */
	uint32_t	 max_participants;	/* per board; 0: no limit */
	uint32_t	 idle_timeout;		/* seconds; 0: never */
	size_t		 queue_cap;		/* output bytes; 0: no cap */
	uint32_t	 replay_max;		/* events kept for replay */
	enum log_level	 log_level;
	enum log_target	 log_target;
	char		*log_file;
	char		*upstream;		/* ext: HOST[:PORT] or a socket
						   path: a relay of that server */
	bool		 upstream_tls;		/* --tls: to it in TLS ... */
	char		*upstream_pin;		/* ... its certificate's --pin */
	bool		 upstream_insecure;	/* the key in clear beyond
						   loopback */
};

/* What the public variant of a kept event hides (board_pub_bits). */
#define BOARD_PUB_AUTHOR	0x01	/* a card event's author and op id */
#define BOARD_PUB_TEXT		0x02	/* a card's text */
#define BOARD_PUB_VOTE		0x04	/* a vote's card and delta */
#define BOARD_PUB_RAW		0x80	/* loaded from the log, not derived */

/*
 * One sequenced event as the board keeps it for fan-out and replay: the
 * full event (AUDIENCE_SELF) and the variants the live connections got;
 * a replay re-derives the public one when the board's privacy changed.
 */
struct board_event {
	uint64_t	 seq;
	uint32_t	 origin;
	uint32_t	 subject;	/* joined: the new participant */
	uint64_t	 card;		/* card ops: the card (its author may
					   be the audience SELF) */
	uint64_t	 text_hash;	/* card.add, card.edit: of the text */
	uint8_t		 kind;
	uint8_t		 pub;		/* what frame[PUBLIC] hides */
	/* Framed bytes per audience; a variant equal to another shares it. */
	uint8_t		*frame[AUDIENCE_COUNT];
	uint32_t	 len[AUDIENCE_COUNT];
	/* joined: the frame[PUBLIC] a roster client gets (client id nil). */
	uint8_t		*lean;
	uint32_t	 lean_len;
};

/*
 * board_flush's arrays, kept from pass to pass instead of four allocations
 * a pass; only board_flush uses them, and no send keeps a pointer into
 * them (a send writes or copies).
 */
struct board_flush_buf {
	const struct board_event **be;	/* the pass's events */
	size_t			  *off;	/* their public variants in pub */
	struct iovec		  *iov;
	size_t			   cap;	/* of be, off and iov */
	uint8_t			  *pub;	/* the public variants end to end */
	size_t			   pub_cap;
};

struct client_conn;
TAILQ_HEAD(client_conn_list, client_conn);

/* A board loaded in memory. */
struct board {
	char		 name[PROTO_BOARD_MAX + 1];
	char		*dir;
	struct model	*model;
	struct evlog	*log;
	int		 lock_fd;
	bool		 broken;	/* failed to load: refuse HELLOs */
	char		*broken_why;
	const char	*unwritable;	/* served read-only: why (static) */
	int64_t		 retry_ms;	/* try writing again from then */
	char		 store_why[256];	/* REJECT text of a failed write */
	struct log_limit store_log;	/* failed writes */
	struct log_limit snap_log;	/* failed snapshots */
	int64_t		 snap_retry_ms;	/* after a failed snapshot */

	/*
	 * Replay window: events first_seq .. model->head, oldest first, in
	 * blocks of BOARD_BLOCK_EVENTS: the oldest at first_event in
	 * blocks[0].  It grows by a block, never by copying what it holds.
	 */
	struct board_event **blocks;
	size_t		 nblocks;
	size_t		 cap_blocks;
	size_t		 nevents;
	size_t		 first_event;	/* in blocks[0] */
	uint64_t	 window_bytes;
	uint64_t	 last_tally;	/* seq of the newest tally kept */

	uint64_t	 fanout_from;	/* first seq not yet sent to live conns */
	uint64_t	 snapshot_seq;	/* seq of the last snapshot */
	size_t		 snapshot_bytes; /* its size */
	off_t		 snapshot_log_at; /* the log's size when it was made */
	bool		 needs_sync;

	struct client_conn_list conns;	/* every connection on this board */
	struct client_conn_list guesses; /* wrong join codes, unanswered */
	double		 guess_tokens;	/* answers the budget allows now */
	int64_t		 guess_ms;
	struct log_limit guess_log;
	struct event	*timer_ev;
	struct server	*server;
	struct upstream	*up;		/* ext: a mirror of the board upstream
					   (upstream.c); NULL: our own */

	TAILQ_ENTRY(board) entry;
};
TAILQ_HEAD(board_list, board);

enum conn_state {
	CONN_HELLO,		/* waiting for HELLO */
	CONN_PARKED,		/* wrong join code: ERROR 101 waits its turn */
	CONN_FORWARDED,		/* ext: HELLO passed upstream, its answer
				   awaited (a mirror's connection) */
	CONN_CATCHUP,		/* HELLO accepted, catch-up at the next pass */
	CONN_LIVE,
	CONN_CLOSING,		/* flushing a final ERROR */
	CONN_DEAD,		/* released; freed at the end of the pass */
};

struct client_conn {
	uint64_t	 id;		/* for logs */
	struct server	*server;
	enum conn_state	 state;
	struct bufferevent *bev;
	char		 peer[64];	/* "unix" or address:port, for logs */
	char		 peer_addr[48];	/* address only, for per-peer limits */
	bool		 tcp;

	struct board	*board;
	uint32_t	 participant;
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint64_t	 since;
	bool		 want_state;
	bool		 facilitator_key;	/* authenticated with the key */
	bool		 by_name;	/* took an offline participant over by
					   name, not by its client id */
	bool		 roster;	/* ext: the compact roster (proto.h) */
	uint64_t	 joined_seq;	/* its HELLO made the participant: the
					   joined event's seq (else 0) */
	uint64_t	 live_from;	/* the head it went live at: later
					   events reached it live */

	double		 tokens;	/* rate limiter */
	int64_t		 tokens_ms;
	int64_t		 last_in_ms;
	int64_t		 last_out_ms;
	bool		 direct;	/* a plain socket: a shared send with
					   nothing queued is written at once */
	size_t		 cap;		/* output cap for this connection */
	uint32_t	 drop;		/* ERROR to send in housekeeping (over
					   its cap), 0 if none */
	struct event	*close_ev;	/* forces a CLOSING connection shut */
	bool		 waiting;	/* on the server's hello list */
	int64_t		 hello_by_ms;	/* deadline to say HELLO */

	TAILQ_ENTRY(client_conn) entry;		/* server's list */
	TAILQ_ENTRY(client_conn) hello_entry;	/* server's hello list */
	struct board	*parked;	/* CONN_PARKED: whose queue */
	TAILQ_ENTRY(client_conn) park_entry;	/* that queue */
	TAILQ_ENTRY(client_conn) board_entry;	/* board's list */

	/* ext: relays (relay.c, upstream.c) */
	bool		 relay;		/* a relay's connection: carries people */
	struct client_conn *via;	/* one of a relay's people: the relay's
					   connection, which carries what it
					   sends and gets; no socket (bev) */
	struct client_conn_list vias;	/* relay: the people it carries */
	TAILQ_ENTRY(client_conn) via_entry;
	struct upstream_client *uc;	/* on a mirror: its client there */
	uint64_t	 uplink_told;	/* on a mirror: the UPLINK it last got
					   (upstream.c; 0: in reach) */
};

/* The running server. */
struct server {
	struct server_config *cfg;
	struct event_base *base;
	struct evconnlistener *listeners[2 * SERVER_MAX_LISTEN + 1];
	size_t		 nlisteners;
	struct event	*sig_ev[4];
	struct event	*tick_ev;
	struct event	*batch_ev;	/* --fsync batch: the sync timer */
	char		 key[PROTO_KEY_MAX + 1];
	struct client_conn_list conns;
	struct client_conn_list hello;	/* yet to say HELLO, oldest first */
	struct client_conn_list dead;
	struct board_list boards;
	uint32_t	 nconns;
	uint32_t	 nhello;	/* on the hello list */
	uint32_t	 accepts;	/* in this pass of the loop */
	bool		 listeners_paused;
	int64_t		 accept_rest_until_ms;	/* out of descriptors */
	uint64_t	 next_conn_id;
	bool		 quitting;
	bool		 unix_bound;
	bool		 public_listen;	/* a TCP listener beyond loopback */
	bool		 plain_public;	/* ... without TLS */
	struct ssl_ctx_st *tls_ctx;	/* the TLS listeners' */
	/*
	 * Encoding buffers, each with one use: scratch for sequencing (the
	 * log record, the window's variants), out for one message to one
	 * connection (client_conn_buf), bcast for the frame a broadcast
	 * sends to many.  No send path encodes, so none is overwritten while
	 * a send or a broadcast still reads it.  snap holds a snapshot
	 * being written, and keeps its room between snapshots: a fresh
	 * buffer (mmap, past SERVER_MMAP_THRESHOLD) faulted in every page of
	 * a big board's snapshot each time.
	 */
	struct proto_buf scratch;
	struct proto_buf out;
	struct proto_buf bcast;
	struct proto_buf snap;
	struct board_flush_buf flush;
	bool		 drops_marked;	/* a connection went over its cap */
	bool		 trim_due;	/* large blocks were freed */
	struct log_limit key_log;	/* wrong facilitator keys */
	struct log_limit store_log;	/* boards that cannot be loaded now */
	struct log_limit accept_log;	/* accept failing (out of fds) */
	struct evdns_base *dns;		/* --upstream: name resolution */
	struct ssl_ctx_st *up_ctx;	/* --upstream --tls: the client side */
};

/* server.c */
int		 server_run(struct server_config *);
int64_t		 server_now_ms(void);
/* True if a TCP listener reaches beyond loopback. */
bool		 server_public(const struct server *);
/* Ask the loop to close down after this pass. */
void		 server_quit(struct server *);

/* client-conn.c */
/* Take over an accepted connection's bufferevent (plain or TLS). */
struct client_conn *client_conn_new(struct server *, struct bufferevent *,
		    const struct sockaddr *, socklen_t, bool);
/* Queue shared bytes (an event, a PRESENCE) under the output cap. */
void		 client_conn_send(struct client_conn *, const void *, size_t);
/* The same for n pieces in one go (one write when nothing is queued). */
void		 client_conn_sendv(struct client_conn *, const struct iovec *,
		    int);
/* The emptied buffer to encode one message into, then client_conn_put. */
struct proto_buf *client_conn_buf(struct client_conn *);
void		 client_conn_put(struct client_conn *, size_t);
/* HELLO, an OP and a REJECT, for relay.c and upstream.c too. */
void		 client_conn_hello(struct client_conn *,
		    const struct proto_hello *);
void		 client_conn_op(struct client_conn *, uint32_t,
		    struct proto_op *);
void		 client_conn_reject(struct client_conn *, uint32_t, uint32_t,
		    const char *);
/* ERROR 107 to the connections marked over their cap; true if any. */
bool		 client_conn_drop_marked(struct server *);
void		 client_conn_error(struct client_conn *, uint32_t, const char *);
void		 client_conn_lost(struct client_conn *);
void		 client_conn_leave_board(struct client_conn *);
void		 client_conn_free(struct client_conn *);
void		 client_conn_catchup(struct client_conn *);
void		 client_conn_tick(struct client_conn *, int64_t);
void		 client_conn_resume(struct client_conn *);
/* Answer the wrong join codes of a board its budget allows now. */
void		 client_conn_answer_guesses(struct board *, int64_t);
uint32_t	 client_conn_count_peer(struct server *, const char *);
/* Make way for a newcomer (may be NULL): close the oldest silent one. */
bool		 client_conn_make_way(struct server *, struct client_conn *);

/* board.c */
#define BOARD_RETRY_MS		10000	/* a read-only board, a snapshot */
struct board	*board_find(struct server *, const char *, bool, char *, size_t,
		    uint32_t *);
void		 board_free(struct board *);
int		 board_submit(struct server *, struct board *, uint32_t,
		    const uint8_t *, uint32_t, const struct proto_op *,
		    const char **);
int		 board_submit_server(struct server *, struct board *,
		    const struct proto_op *, const uint8_t *);
void		 board_flush(struct board *);
void		 board_flush_buf_free(struct board_flush_buf *);
void		 board_snapshot(struct board *, bool);
bool		 board_online(const struct board *, uint32_t,
		    const struct client_conn *);
void		 board_presence(struct board *, uint32_t, bool,
		    const struct client_conn *, uint64_t);
void		 board_tell_presence(struct board *, uint32_t, bool,
		    const struct client_conn *, uint64_t);
void		 board_send_presence(struct board *,
		    const struct proto_presence *, const struct client_conn *,
		    uint64_t);
const uint8_t	*board_event_frame(const struct board_event *,
		    enum model_audience, bool, size_t *);
size_t		 board_enc_presence(struct proto_buf *,
		    const struct model_participant *, bool);
void		 board_schedule_timer(struct board *);
const struct board_event *board_event_at(const struct board *, uint64_t);
/* Whether the events after since are kept; then ready them for a replay. */
bool		 board_replay_kept(const struct board *, uint64_t);
void		 board_replay_ready(struct board *, uint64_t);
/* The audience of a kept event for viewer. */
enum model_audience board_event_audience(const struct board *,
		    const struct board_event *, uint32_t);
/* The highest op_id of a client id that the board's server applied. */
uint32_t	 board_last_op(const struct board *, const uint8_t *);
/* ext: mirrors (upstream.c): made, fed an event, rebuilt, ready. */
struct board	*board_mirror_new(struct server *, const char *);
int		 board_mirror_event(struct board *, const struct proto_event *);
void		 board_mirror_reset(struct board *, struct model *);
bool		 board_ready(const struct board *);

/* store.c */
/*
 * Called for each log record while loading (model, seq, event, body, len,
 * arg): with the event right after it was folded into the model, or with
 * a NULL event and the record's body as stored when the snapshot already
 * covers it.  Non-zero stops the load.
 */
typedef int (*store_each_fn)(struct model *, uint64_t,
		    const struct proto_event *, const uint8_t *, uint32_t,
		    void *);
char		*store_board_dir(const char *, const char *);
int		 store_mkdirs(const char *, char *, size_t);
int		 store_lock(const char *, char *, size_t);
int		 store_load(const char *, const char *, int, struct model **,
		    struct evlog **, uint64_t *, store_each_fn, void *,
		    char *, size_t);
int		 store_snapshot(const char *, const struct model *,
		    struct proto_buf *, size_t *, char *, size_t);
/* Rebuild m from a snapshot's data (seq, data, len, now); -1 if unusable. */
int		 store_read_snapshot(struct model *, uint64_t, const uint8_t *,
		    size_t, int64_t, char *, size_t);
/* Append an event to a board's log (model_submit applies it). */
int		 store_commit(struct evlog *, const struct proto_event *,
		    int64_t, const uint8_t *, struct proto_buf *, char *,
		    size_t);
int		 store_list(const char *, char ***, size_t *);
struct evlog	*store_open_log(const char *, int, struct model *, uint64_t,
		    store_each_fn, void *, struct evlog_report *, char *,
		    size_t);
int		 store_exists(const char *, const char *);
/* The machine's part in a storage failure (errno, message), or NULL. */
const char	*store_cause(int, const char *);
bool		 store_cause_read_only(const char *);
/* Remove what a failed creation left in a board directory. */
void		 store_abandon(const char *);
int		 store_fold_run(const char *, const struct evlog_run *,
		    struct model *, uint64_t, char *, size_t);

/* relay.c */
void		 relay_hello(struct client_conn *, const struct proto_hello *);
void		 relay_op(struct client_conn *, struct proto_relay *);
void		 relay_bye(struct client_conn *, const uint8_t *);
/* What would go to one of a relay's people, sent to the relay. */
void		 relay_catchup(struct client_conn *);
void		 relay_reject(struct client_conn *, uint32_t, uint32_t,
		    const char *);
void		 relay_error(struct client_conn *, uint32_t, const char *);
void		 relay_reject_op(struct client_conn *, const uint8_t *,
		    uint32_t, uint32_t, const char *);
/* The variant of a kept event a relay's connection gets. */
enum model_audience relay_audience(const struct board *,
		    const struct board_event *, const struct client_conn *);
/* The relay's connection leaves its board: its people go with it. */
void		 relay_gone(struct client_conn *);

/* upstream.c */
struct board	*upstream_board(struct server *, const char *, bool, char *,
		    size_t, uint32_t *);
void		 upstream_hello(struct upstream *, struct client_conn *,
		    const struct proto_hello *);
void		 upstream_op(struct upstream *, struct client_conn *, uint32_t,
		    const struct proto_op *);
/* A connection leaves a mirror. */
void		 upstream_gone(struct upstream *, struct client_conn *);
uint32_t	 upstream_last_op(const struct upstream *, const uint8_t *);
bool		 upstream_synced(const struct upstream *);
/* Presence on a mirror: one change, and the list after a catch-up. */
void		 upstream_presence(struct upstream *, uint32_t, bool,
		    const struct client_conn *);
void		 upstream_presence_list(struct upstream *, struct client_conn *);
/* The boards a relay mirrors (LIST): names, malloc'd. */
int		 upstream_list(struct server *, char ***, size_t *);
/* Once a pass: what waits goes up, the room hears of the link. */
void		 upstream_housekeeping(struct server *);
void		 upstream_free(struct upstream *);
/* At exit: what every link shared (the TLS context). */
void		 upstream_end(struct server *);

/* keyfile.c */
int		 keyfile_load(const char *, bool, char *, size_t, bool *, char *,
		    size_t);
bool		 keyfile_equal(const char *, const char *);

/* tls.c */
/* The listeners' context from a certificate and key (made when both are
 * missing and made != NULL); the fingerprint to fp, or NULL with err. */
struct ssl_ctx_st *tls_server_ctx(const char *, const char *, bool *, char *,
		    char *, size_t);
struct ssl_st	*tls_server_session(struct ssl_ctx_st *);
void		 tls_server_free(struct ssl_ctx_st *);

/* offline.c */
struct offline_opts {
	const char	*from;		/* create */
	const char	*format;	/* export */
	const char	*output;	/* export */
	bool		 bom;		/* export csv */
	bool		 repair;	/* check */
};
int		 offline_main(struct server_config *, const struct offline_opts *,
		    int, char **);

#endif /* CB_SERVER_H */
