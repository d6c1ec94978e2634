/*
 * server.h -- what the parts of cafeboard-server share.
 *
 * server.c      the loop, listeners, signals, per-pass housekeeping
 * client-conn.c one connection: framing, HELLO, ops, output, keepalive
 * board.c       one board: sequencing, log, fan-out, catch-up, timers
 * store.c       boards on disk: paths, load (snapshot + log), snapshots
 * keyfile.c     the facilitator key
 * offline.c     create, export, check, list
 */
#ifndef CB_SERVER_H
#define CB_SERVER_H

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

#define SERVER_MAX_LISTEN	16

/* Everything the command line sets. */
struct server_config {
	char		*socket_path;
	char		*listen[SERVER_MAX_LISTEN];
	size_t		 nlisten;
	char		*data_dir;
	char		*key_file;
	bool		 key_file_given;
	enum evlog_sync	 fsync;
	uint32_t	 snapshot_every;	/* events; 0: only at shutdown */
	double		 ops_per_sec;		/* 0: no limit */
	uint32_t	 ops_burst;
	uint32_t	 max_conns;		/* 0: no limit */
	uint32_t	 max_conns_per_peer;	/* TCP peers; 0: no limit */
	uint32_t	 max_cards;		/* per board; 0: no limit */
	uint32_t	 max_participants;	/* per board; 0: no limit */
	uint32_t	 idle_timeout;		/* seconds; 0: never */
	size_t		 queue_cap;		/* output bytes; 0: no cap */
	uint32_t	 replay_max;		/* events kept for replay */
	enum log_level	 log_level;
	enum log_target	 log_target;
	char		*log_file;
};

/* One sequenced event as the board keeps it for fan-out and replay. */
struct board_event {
	uint64_t	 seq;
	uint32_t	 origin;
	uint32_t	 subject;	/* joined: the new participant */
	uint64_t	 card;		/* card ops: the card (its author may
					   be the audience SELF) */
	uint8_t		 kind;
	/* Framed bytes per audience; a variant equal to another shares it. */
	uint8_t		*frame[AUDIENCE_COUNT];
	uint32_t	 len[AUDIENCE_COUNT];
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

	/* Replay window: events first_seq .. model->head, oldest first. */
	struct board_event *events;
	size_t		 nevents;
	size_t		 cap_events;
	size_t		 first_event;	/* ring start */
	uint64_t	 window_bytes;

	uint64_t	 fanout_from;	/* first seq not yet sent to live conns */
	uint64_t	 snapshot_seq;	/* seq of the last snapshot */
	bool		 needs_sync;

	struct client_conn_list conns;	/* every connection on this board */
	struct event	*timer_ev;
	struct server	*server;

	TAILQ_ENTRY(board) entry;
};
TAILQ_HEAD(board_list, board);

enum conn_state {
	CONN_HELLO,		/* waiting for HELLO */
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

	double		 tokens;	/* rate limiter */
	int64_t		 tokens_ms;
	int64_t		 last_in_ms;
	int64_t		 last_out_ms;
	size_t		 cap;		/* output cap for this connection */
	struct event	*close_ev;	/* forces a CLOSING connection shut */

	TAILQ_ENTRY(client_conn) entry;		/* server's list */
	TAILQ_ENTRY(client_conn) board_entry;	/* board's list */
};

/* The running server. */
struct server {
	struct server_config *cfg;
	struct event_base *base;
	struct evconnlistener *listeners[SERVER_MAX_LISTEN + 1];
	size_t		 nlisteners;
	struct event	*sig_ev[4];
	struct event	*tick_ev;
	char		 key[PROTO_KEY_MAX + 1];
	struct client_conn_list conns;
	struct client_conn_list dead;
	struct board_list boards;
	uint32_t	 nconns;
	uint64_t	 next_conn_id;
	bool		 quitting;
	bool		 unix_bound;
	bool		 public_listen;	/* a TCP listener beyond loopback */
	struct proto_buf scratch;	/* encoding buffer, reused */
};

/* server.c */
int		 server_run(struct server_config *);
int64_t		 server_now_ms(void);
/* True if a TCP listener reaches beyond loopback. */
bool		 server_public(const struct server *);
/* Ask the loop to close down after this pass. */
void		 server_quit(struct server *);

/* client-conn.c */
struct client_conn *client_conn_new(struct server *, int, const struct sockaddr *,
		    socklen_t, bool);
void		 client_conn_send(struct client_conn *, const void *, size_t);
void		 client_conn_error(struct client_conn *, uint32_t, const char *);
void		 client_conn_lost(struct client_conn *);
void		 client_conn_leave_board(struct client_conn *);
void		 client_conn_free(struct client_conn *);
void		 client_conn_catchup(struct client_conn *);
void		 client_conn_tick(struct client_conn *, int64_t);
void		 client_conn_resume(struct client_conn *);
uint32_t	 client_conn_count_peer(struct server *, const char *);

/* board.c */
struct board	*board_find(struct server *, const char *, bool, char *, size_t);
void		 board_free(struct board *);
int		 board_submit(struct server *, struct board *, uint32_t,
		    const uint8_t *, uint32_t, struct proto_op *, const char **);
int		 board_submit_server(struct server *, struct board *,
		    struct proto_op *, const uint8_t *);
void		 board_flush(struct board *);
void		 board_snapshot(struct board *, bool);
bool		 board_online(const struct board *, uint32_t,
		    const struct client_conn *);
void		 board_presence(struct server *, struct board *, uint32_t, bool,
		    const struct client_conn *);
void		 board_schedule_timer(struct board *);
const struct board_event *board_event_at(const struct board *, uint64_t);
/* The audience of a kept event for viewer. */
enum model_audience board_event_audience(const struct board *,
		    const struct board_event *, uint32_t);

/* store.c */
/* Called for each event folded while loading, right after it is applied. */
typedef int (*store_each_fn)(struct model *, const struct proto_event *,
		    void *);
char		*store_board_dir(const char *, const char *);
int		 store_mkdirs(const char *, char *, size_t);
int		 store_lock(const char *, char *, size_t);
int		 store_load(const char *, const char *, int, struct model **,
		    struct evlog **, uint64_t *, store_each_fn, void *,
		    char *, size_t);
int		 store_snapshot(const char *, const struct model *, char *, size_t);
/* Rebuild m from a snapshot's data (seq, data, len, now); -1 if unusable. */
int		 store_read_snapshot(struct model *, uint64_t, const uint8_t *,
		    size_t, int64_t, char *, size_t);
int		 store_commit(struct evlog *, struct model *,
		    const struct proto_event *, int64_t, const uint8_t *,
		    struct proto_buf *, char *, size_t);
int		 store_list(const char *, char ***, size_t *);
struct evlog	*store_open_log(const char *, int, struct model *, uint64_t,
		    store_each_fn, void *, struct evlog_report *, char *,
		    size_t);
int		 store_exists(const char *, const char *);
int		 store_fold_run(const char *, const struct evlog_run *,
		    struct model *, uint64_t, char *, size_t);

/* keyfile.c */
int		 keyfile_load(const char *, bool, char *, size_t, bool *, char *,
		    size_t);
bool		 keyfile_equal(const char *, const char *);

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
