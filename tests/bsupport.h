/*
 * bsupport.h -- what the network benchmarks share: the builds to compare,
 * server processes (cafeboard, and redis-server and nats-server as
 * anchors), raw clients of the three protocols on one epoll loop, process
 * figures from /proc, and the report (a table on stdout, JSON lines in
 * $CB_BENCH_JSON).
 *
 * Builds: "this" is CB_SERVER/CB_CLIENT; "base" is CB_BASE_SERVER/
 * CB_BASE_CLIENT when set (an older build), so that one run prints before
 * and after side by side.  Nothing here asserts anything about time.
 */
#ifndef CB_BSUPPORT_H
#define CB_BSUPPORT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define BS_SETUP_MS	30000	/* deadline for one setup step */
#define BS_MAX_BUILDS	2

/* ---------------------------------------------------------------- report */

/* Start the report of one benchmark (its name in the JSON). */
void		 bs_begin(const char *);
/* One figure measured on one system ("base", "this", "redis", "nats"). */
void		 bs_put(const char *, const char *, double, const char *);
/* A figure that has a note instead of a value ("not available"). */
void		 bs_note(const char *, const char *, const char *);
/* Print the table (figures by system) and append the JSON lines. */
void		 bs_end(void);
/* True when CB_BENCH_QUICK asks for the short runs of make bench-quick. */
bool		 bs_quick(void);
/* Give up: print why, kill what was started, exit 1. */
void		 bs_die(const char *, ...) __attribute__((format(printf, 1, 2),
		    noreturn));

/* ---------------------------------------------------------------- builds */

struct bs_build {
	const char	*label;		/* "base" or "this" */
	const char	*server;
	const char	*client;
};

/* The builds to measure, base first when given; how many. */
int		 bs_builds(struct bs_build *);
/* True when this server binary has the option (looks at its --help). */
bool		 bs_server_has(const char *, const char *);

/* ---------------------------------------------------------------- processes */

enum bs_kind { BS_CAFE, BS_REDIS, BS_NATS };

struct bs_server {
	enum bs_kind	 kind;
	pid_t		 pid;
	char		 dir[64];	/* removed at cleanup */
	char		 sock[96];
	char		 data[96];
	char		 log[96];
	char		 key[PROTO_KEY_MAX + 2];
	int		 port;
	char		*argv[48];	/* kept for restarts */
};

/*
 * Start a cafeboard server (bin) on a Unix socket and on a free loopback
 * port, with limits that do not get in a benchmark's way (connections,
 * cards) and the extra arguments (NULL terminated) after them.
 */
void		 bs_cafe_start(struct bs_server *, const char *, ...);
/* Start it again on the same socket, port and data. */
void		 bs_cafe_restart(struct bs_server *);
/* Start redis-server or nats-server on a free port; -1 when not installed. */
int		 bs_anchor_start(struct bs_server *, enum bs_kind);
/* Send sig and reap (killed after a deadline). */
void		 bs_server_stop(struct bs_server *, int);
/* Kill what is left, remove the directory. */
void		 bs_server_cleanup(struct bs_server *);
/* A process to kill on bs_die (0 to forget it). */
void		 bs_track(pid_t, bool);

/* CPU seconds a process used (all threads, /proc/PID/stat). */
double		 bs_proc_cpu(pid_t);
/* CPU seconds of a single-threaded process to the ns (schedstat). */
double		 bs_proc_cpu_fine(pid_t);
/* A field of /proc/PID/status ("VmRSS:") or /proc/PID/io ("syscw:"). */
long		 bs_proc_field(pid_t, const char *, const char *);
/* Raise the open file limit to its hard limit. */
void		 bs_raise_nofile(void);
/* Percentile q (0..1) of n sorted values. */
int64_t		 bs_pctl(const int64_t *, size_t, double);
/* Sort n values. */
void		 bs_sort(int64_t *, size_t);

/*
 * Syscalls of a process over a window, counted by perf (tracepoints) when
 * it is installed and allowed: begin starts counting, end stops it and
 * gives the total and the epoll_ctl calls; -1 when not measurable.
 */
struct bs_sys {
	pid_t		 perf;
	char		 out[96];
};
void		 bs_sys_begin(struct bs_sys *, pid_t);
int		 bs_sys_end(struct bs_sys *, double *, double *);

/* ---------------------------------------------------------------- sockets */

/* A free loopback TCP port. */
int		 bs_free_port(void);
/* Connect to 127.0.0.1:port, TCP_NODELAY set; the fd or -1. */
int		 bs_tcp_connect(int);
/* Connect to a Unix socket; the fd or -1. */
int		 bs_unix_connect(const char *);
void		 bs_nonblock(int);
/* Write everything (waiting on a full socket); -1 on error. */
int		 bs_send_all(int, const void *, size_t);

/* ---------------------------------------------------------------- the loop */

/*
 * One connection on the loop, of any of the three protocols.  What is
 * common is handled here; each frame or message is then handed to the
 * loop's callback.
 */
struct bs_conn {
	enum bs_kind	 kind;
	int		 fd;
	int		 idx;		/* the benchmark's own index */
	uint8_t		*in;
	size_t		 inlen, incap;
	uint64_t	 bytes;		/* received in all */
	bool		 closed;
	/* cafeboard */
	uint8_t		 client[PROTO_CLIENT_LEN];
	uint32_t	 participant;
	uint32_t	 next_op;
	uint64_t	 head;
	bool		 welcomed, ready;
	uint8_t		 mode;		/* of the WELCOME */
	uint64_t	 ready_bytes;	/* received up to READY included */
	uint32_t	 error;		/* code of an ERROR received */
	bool		 sit;		/* HELLO asks to be seated (ext) */
	/* anchors */
	uint64_t	 acks;		/* PUBLISH replies, PONGs */
	bool		 subscribed;
};

/* An EVENT's first fields, read without decoding the rest. */
struct bs_event {
	uint64_t	 seq;
	uint32_t	 origin;
	uint32_t	 op_id;
	uint8_t		 kind;
};

struct bs_loop;
/*
 * What a benchmark sees: cafeboard frames (type, the body, and for an
 * EVENT its first fields) or an anchor's message (type 0, the payload).
 */
typedef void	 bs_frame_fn(void *, struct bs_conn *, uint8_t, const uint8_t *,
		    size_t, const struct bs_event *, int64_t);

struct bs_loop {
	int		 ep;
	bs_frame_fn	*fn;
	void		*arg;
};

void		 bs_loop_init(struct bs_loop *, bs_frame_fn *, void *);
void		 bs_loop_free(struct bs_loop *);
/* Wait up to ms and handle what came; -1 if a connection closed. */
int		 bs_loop_run(struct bs_loop *, int);
/* Run until done(arg) or the deadline (ms); false on the deadline. */
bool		 bs_loop_until(struct bs_loop *, bool (*)(void *), void *, int);

/* Connect a cafeboard client over TCP (port) or a Unix socket (path). */
void		 bs_cafe_connect(struct bs_loop *, struct bs_conn *, int,
		    const char *);
/* HELLO for board as name (key: facilitator), since seq. */
void		 bs_cafe_hello(struct bs_conn *, const char *, const char *,
		    const char *, uint64_t);
/* Send an op with the next op_id; the op_id. */
uint32_t	 bs_cafe_op(struct bs_conn *, const struct proto_op *);
/* Send an op and wait for its EVENT (the seq) or die. */
uint64_t	 bs_cafe_op_wait(struct bs_loop *, struct bs_conn *,
		    const struct proto_op *);
/* Join n clients (HELLOs first, then every READY); dies on the deadline. */
void		 bs_cafe_join_all(struct bs_loop *, struct bs_conn **, size_t);
void		 bs_conn_close(struct bs_loop *, struct bs_conn *);
/* Read an EVENT's first fields from a frame body; -1 if not an EVENT. */
int		 bs_event_peek(const uint8_t *, size_t, struct bs_event *);

/* Connect an anchor client (redis or nats) to port. */
void		 bs_anchor_connect(struct bs_loop *, struct bs_conn *,
		    enum bs_kind, int);
/* Subscribe to the channel "cafe" (waits until confirmed). */
void		 bs_anchor_subscribe(struct bs_loop *, struct bs_conn *);
/* Queue one publish of payload on "cafe" into buf (len returned). */
size_t		 bs_anchor_publish(enum bs_kind, char *, size_t, const char *,
		    size_t);
/* The acknowledgement to ask for after a batch (nats PING); its length. */
size_t		 bs_anchor_sync(enum bs_kind, char *, size_t);

/* ---------------------------------------------------------------- link */

/* A room's shaped link: tests/shaper between the room and a server. */
struct bs_link {
	pid_t		 pid;
	int		 port;		/* the room connects here */
	char		 control[128];
};

/*
 * Start the shaper towards 127.0.0.1:to_port at bits per second and a
 * one-way delay of delay_ms, its control socket in dir.
 */
void		 bs_link_start(struct bs_link *, int, const char *, int, int);
/* The bytes that entered the link from the room (up) and the server. */
void		 bs_link_stats(struct bs_link *, double *, double *);
/* One command to the shaper ("cut", "restore", "reset"). */
void		 bs_link_command(struct bs_link *, const char *);
void		 bs_link_stop(struct bs_link *);

#endif /* CB_BSUPPORT_H */
