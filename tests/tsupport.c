/*
 * tsupport.c -- a real server in a private directory, and a raw client.
 */
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "tsupport.h"

/* The time on clock id in units of 1/hz second (hz divides 10^9). */
static int64_t
ts_clock(clockid_t id, int64_t hz)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * hz + ts.tv_nsec / (1000000000 / hz);
}

/* Milliseconds on a monotonic clock. */
int64_t
ts_now_ms(void)
{
	return ts_clock(CLOCK_MONOTONIC, 1000);
}

/* Microseconds on a monotonic clock. */
int64_t
ts_now_us(void)
{
	return ts_clock(CLOCK_MONOTONIC, 1000000);
}

/* Seconds on a monotonic clock, to the nanosecond (benchmarks). */
double
ts_seconds(void)
{
	return (double)ts_clock(CLOCK_MONOTONIC, 1000000000) / 1e9;
}

/* Wall-clock milliseconds since the epoch, as the server stamps events. */
int64_t
ts_wall_ms(void)
{
	return ts_clock(CLOCK_REALTIME, 1000);
}

/* The binary named by environment variable env, or fallback. */
const char *
ts_bin(const char *env, const char *fallback)
{
	const char	*v = getenv(env);

	return v != NULL && v[0] != '\0' ? v : fallback;
}

/* A free TCP port on 127.0.0.1 (bind to 0, read it back, close). */
int
ts_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* True once something accepts on the server's socket. */
static bool
ts_accepts(const struct tserver *s)
{
	struct sockaddr_un	sun;
	int			fd, ok;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd == -1)
		return false;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", s->sock);
	ok = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return ok;
}

/* Exec the server with the fixed and extra arguments. */
static void
ts_spawn(struct tserver *s)
{
	char	*argv[64], port[32];
	int	 n = 0, i, fd;

	argv[n++] = (char *)ts_bin("CB_SERVER", "server/cafeboard-server");
	argv[n++] = (char *)"--socket";
	argv[n++] = s->sock;
	argv[n++] = (char *)"--data";
	argv[n++] = s->data;
	argv[n++] = (char *)"--log-level";
	argv[n++] = (char *)"debug";
	argv[n++] = (char *)"--log-file";
	argv[n++] = s->logfile;
	if (s->port != 0) {
		snprintf(port, sizeof port, "127.0.0.1:%d", s->port);
		argv[n++] = (char *)"--listen";
		argv[n++] = port;
	}
	for (i = 0; i < s->nargs; i++)
		argv[n++] = s->args[i];
	argv[n] = NULL;

	s->pid = fork();
	cr_assert(s->pid != -1);
	if (s->pid == 0) {
		/*
		 * A test that times out is killed without its .fini: the
		 * server must not outlive it.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		if (s->setup != NULL)
			s->setup(s);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
}

/* Wait until the server accepts, failing the test after a deadline. */
static void
ts_wait_up(struct tserver *s)
{
	int64_t	deadline = ts_now_ms() + TS_TIMEOUT_MS;
	int	status;

	while (!ts_accepts(s)) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			cr_assert_fail("the server exited at start (status %d); "
			    "log: %s", status, s->logfile);
		}
		cr_assert(ts_now_ms() < deadline, "the server did not start");
		usleep(10000);
	}
}

/* The top of the source tree: $CB_TOP, or the current directory. */
const char *
ts_top(void)
{
	const char	*t = getenv("CB_TOP");

	return t != NULL && t[0] != '\0' ? t : ".";
}

/* A path under the top of the source tree (malloc'd). */
char *
ts_top_path(const char *rel)
{
	char	*p;

	if (asprintf(&p, "%s/%s", ts_top(), rel) == -1)
		cr_assert_fail("out of memory");
	return p;
}

/* Remove one file or directory for nftw. */
static int
ts_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove dir and everything below it. */
void
ts_rm_tree(const char *dir)
{
	nftw(dir, ts_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A process that removes the directory once the test is gone: a test
 * killed by its timeout runs no .fini.  It waits for the end of a pipe
 * that only the test holds; tserver_cleanup ends it sooner.
 */
static void
ts_guard(struct tserver *s)
{
	int	p[2];
	char	c;

	if (pipe2(p, O_CLOEXEC) != 0)
		return;
	if ((s->guard = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		s->guard = 0;
		return;
	}
	if (s->guard == 0) {
		/* Hold nothing of the test's: its sockets must close with it. */
		dup2(p[0], 3);
		close_range(4, ~0U, 0);
		while (read(3, &c, 1) == -1 && errno == EINTR)
			continue;
		if (getenv("CB_KEEP_TMP") == NULL)
			ts_rm_tree(s->dir);
		_exit(0);
	}
	close(p[0]);
	s->guard_fd = p[1];
}

/* Start a server in a fresh directory, setup run first in its process. */
static void
tserver_startv(struct tserver *s, void (*setup)(const struct tserver *),
    bool tcp, va_list ap)
{
	char		*a;
	FILE		*f;

	memset(s, 0, sizeof *s);
	s->setup = setup;
	snprintf(s->dir, sizeof s->dir, "/tmp/cafeboard-test-XXXXXX");
	cr_assert(mkdtemp(s->dir) != NULL);
	ts_guard(s);
	snprintf(s->sock, sizeof s->sock, "%s/server.sock", s->dir);
	snprintf(s->data, sizeof s->data, "%s/data", s->dir);
	snprintf(s->keyfile, sizeof s->keyfile, "%s/data/facilitator.key",
	    s->dir);
	snprintf(s->logfile, sizeof s->logfile, "%s/server.log", s->dir);
	if (tcp)
		s->port = ts_free_port();
	while ((a = va_arg(ap, char *)) != NULL && s->nargs < 31)
		s->args[s->nargs++] = strdup(a);
	ts_spawn(s);
	ts_wait_up(s);
	if ((f = fopen(s->keyfile, "r")) != NULL) {
		if (fgets(s->key, sizeof s->key, f) != NULL)
			s->key[strcspn(s->key, "\r\n")] = '\0';
		fclose(f);
	}
}

/* Start a server in a fresh directory. */
void
tserver_start(struct tserver *s, bool tcp, ...)
{
	va_list	ap;

	va_start(ap, tcp);
	tserver_startv(s, NULL, tcp, ap);
	va_end(ap);
}

/* The same, with setup run in the server's process before it starts. */
void
tserver_start_setup(struct tserver *s, void (*setup)(const struct tserver *),
    bool tcp, ...)
{
	va_list	ap;

	va_start(ap, tcp);
	tserver_startv(s, setup, tcp, ap);
	va_end(ap);
}

/* Start the server again on the same socket, port and data. */
void
tserver_restart(struct tserver *s)
{
	ts_spawn(s);
	ts_wait_up(s);
}

/*
 * Reap pid, waiting for it until deadline (ts_now_ms; 0: no limit): true
 * with *status filled; false when it overran (it is killed and reaped) or
 * could not be waited for.
 */
static bool
ts_reap(pid_t pid, int64_t deadline, int *status)
{
	pid_t	rc;

	if (deadline == 0) {
		while ((rc = waitpid(pid, status, 0)) == -1 && errno == EINTR)
			continue;
		return rc == pid;
	}
	for (;;) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		if (ts_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return false;
		}
		usleep(5000);
	}
}

/* Send sig and reap the server; its wait status (-1 if it hung). */
int
tserver_stop(struct tserver *s, int sig)
{
	int	status;
	bool	in_time;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, sig);
	in_time = ts_reap(s->pid, ts_now_ms() + TS_TIMEOUT_MS, &status);
	s->pid = 0;
	return in_time ? status : -1;
}

/* Kill what is left and remove the directory. */
void
tserver_cleanup(struct tserver *s)
{
	int	i;

	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->dir[0] != '\0' && getenv("CB_KEEP_TMP") == NULL)
		ts_rm_tree(s->dir);
	if (s->guard > 0) {
		close(s->guard_fd);
		waitpid(s->guard, NULL, 0);
		s->guard = 0;
	}
	for (i = 0; i < s->nargs; i++)
		free(s->args[i]);
	s->nargs = 0;
}

/*
 * Run argv (argv[0] a path, or a name to look up in PATH) with its standard
 * input from /dev/null, capturing its standard output, and its standard
 * error too when err, into out (malloc'd).  A command still running after
 * timeout_ms (never, if negative) is killed and fails the test.  The exit
 * status, or -1 if it did not exit.
 */
static int
ts_capture(char **out, bool err, int timeout_ms, char *const argv[])
{
	posix_spawn_file_actions_t	 fa;
	struct pollfd			 pfd;
	int64_t				 deadline = 0;
	char				 buf[4096];
	size_t				 len = 0;
	ssize_t				 n;
	int				 p[2], rc, status, wait = -1;
	pid_t				 pid;

	if (timeout_ms >= 0)
		deadline = ts_now_ms() + timeout_ms;
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (err)
		posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		cr_assert_fail("cannot run %s: %s", argv[0], strerror(rc));
	}
	*out = malloc(1);
	for (;;) {
		if (deadline != 0 && (wait = (int)(deadline -
		    ts_now_ms())) <= 0)
			break;
		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) <= 0)
			continue;
		n = read(p[0], buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*out = realloc(*out, len + (size_t)n + 1);
		memcpy(*out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	(*out)[len] = '\0';
	close(p[0]);
	if (!ts_reap(pid, deadline, &status)) {
		cr_assert(deadline == 0, "%s did not finish in %d ms",
		    argv[0], timeout_ms);
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Run "cafeboard-server --data DIR args..." and capture its output; the
 * exit status (or -1).
 */
int
tserver_command(struct tserver *s, char **out, ...)
{
	char	*argv[32];
	va_list	 ap;
	int	 argc = 0;

	argv[argc++] = (char *)ts_bin("CB_SERVER", "server/cafeboard-server");
	argv[argc++] = (char *)"--data";
	argv[argc++] = s->data;
	va_start(ap, out);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return ts_capture(out, true, -1, argv);
}

/*
 * Run argv (argv[0] a path), capturing its standard output into out
 * (malloc'd); its standard error goes to the test's.  The exit status, or
 * -1 if it did not exit.
 */
int
ts_run(char **out, char *const argv[])
{
	return ts_capture(out, false, -1, argv);
}

/* Run argv capturing stdout and stderr, failing after timeout_ms. */
int
ts_command(char **out, int timeout_ms, char *const argv[])
{
	return ts_capture(out, true, timeout_ms, argv);
}

/* Run python3 -c script with arguments; log its output; its exit status. */
int
ts_python(const char *script, ...)
{
	char	*argv[16], *out;
	va_list	 ap;
	int	 argc = 0, rc;

	argv[argc++] = (char *)"python3";
	argv[argc++] = (char *)"-c";
	argv[argc++] = (char *)script;
	va_start(ap, script);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	rc = ts_capture(&out, true, TS_RUN_MS, argv);
	cr_log_info("%s", out);
	if (rc != 0)
		cr_log_error("python3: %s", out);
	free(out);
	return rc;
}

/* The server's log file so far (malloc'd, "" if unreadable). */
char *
tserver_log(const struct tserver *s)
{
	FILE	*f;
	char	*text = NULL;
	size_t	 len = 0;

	if ((f = fopen(s->logfile, "r")) == NULL)
		return strdup("");
	if (getdelim(&text, &len, '\0', f) == -1) {
		free(text);
		text = strdup("");
	}
	fclose(f);
	return text;
}

/* Open the socket to s (a receive buffer of rcvbuf bytes unless 0). */
static int
ts_client_socket(struct tclient *c, const struct tserver *s, bool tcp,
    int rcvbuf)
{
	union {
		struct sockaddr		sa;
		struct sockaddr_un	sun;
		struct sockaddr_in	sin;
	}			addr;
	socklen_t		len;
	int			one = 1;

	memset(&addr, 0, sizeof addr);
	if (tcp) {
		addr.sin.sin_family = AF_INET;
		addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		addr.sin.sin_port = htons((uint16_t)s->port);
		len = sizeof addr.sin;
	} else {
		addr.sun.sun_family = AF_UNIX;
		snprintf(addr.sun.sun_path, sizeof addr.sun.sun_path, "%s",
		    s->sock);
		len = sizeof addr.sun;
	}
	c->fd = socket(addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd != -1 && rcvbuf > 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof rcvbuf);
	/* As cafeboard does: small frames go out at once. */
	if (c->fd != -1 && tcp)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (c->fd == -1 || connect(c->fd, &addr.sa, len) != 0)
		return -1;
	return 0;
}

/* Connect to the server's Unix socket, or its TCP port. */
int
tclient_connect(struct tclient *c, const struct tserver *s, bool tcp)
{
	return tclient_connect_rcvbuf(c, s, tcp, 0);
}

/* The same, with a receive buffer of rcvbuf bytes (a slow reader). */
int
tclient_connect_rcvbuf(struct tclient *c, const struct tserver *s, bool tcp,
    int rcvbuf)
{
	memset(c, 0, sizeof *c);
	proto_buf_init(&c->out);
	if (getrandom(c->client, sizeof c->client, 0) != sizeof c->client)
		return -1;
	return ts_client_socket(c, s, tcp, rcvbuf);
}

/*
 * Connect again as the same client: the client id, participant, head and
 * op counter are kept; unread input is dropped.
 */
int
tclient_reconnect(struct tclient *c, const struct tserver *s, bool tcp)
{
	if (c->fd > 0)
		close(c->fd);
	c->fd = -1;
	c->inlen = 0;
	c->error = 0;
	proto_buf_reset(&c->out);
	return ts_client_socket(c, s, tcp, 0);
}

/* Close and free. */
void
tclient_close(struct tclient *c)
{
	if (c->fd > 0)
		close(c->fd);
	c->fd = -1;
	free(c->in);
	c->in = NULL;
	c->inlen = c->incap = 0;
	proto_buf_free(&c->out);
}

/* Send raw bytes, all of them. */
int
tclient_send(struct tclient *c, const void *data, size_t len)
{
	const uint8_t	*p = data;
	ssize_t		 n;

	while (len > 0) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send the encoded output buffer. */
int
tclient_flush(struct tclient *c)
{
	int	rc = tclient_send(c, c->out.data, c->out.len);

	proto_buf_reset(&c->out);
	return rc;
}

/*
 * One recv(2) onto the end of a growing input buffer, room for at least
 * 64 KiB made first; EINTR is retried.  What recv returned.
 */
ssize_t
ts_recv_more(int fd, uint8_t **buf, size_t *len, size_t *cap)
{
	ssize_t	n;

	if (*cap - *len < 65536) {
		*cap = *cap * 2 + 131072;
		*buf = realloc(*buf, *cap);
		if (*buf == NULL)
			abort();
	}
	do
		n = recv(fd, *buf + *len, *cap - *len, 0);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		*len += (size_t)n;
	return n;
}

/* Receive one whole frame within timeout_ms. */
int
tclient_recv_frame(struct tclient *c, uint8_t **frame, size_t *len,
    int timeout_ms)
{
	int64_t		deadline = ts_now_ms() + timeout_ms;
	struct pollfd	pfd;
	uint32_t	flen;
	int		wait;

	for (;;) {
		if (c->inlen >= PROTO_FRAME_HDR) {
			flen = proto_frame_len(c->in);
			/* A corrupt stream fails now, not at the deadline. */
			if (flen == 0 || flen > PROTO_FRAME_MAX) {
				cr_log_error("a frame header claims %u bytes: "
				    "the stream is corrupt", flen);
				return -1;
			}
			if (c->inlen >= PROTO_FRAME_HDR + (size_t)flen) {
				*len = PROTO_FRAME_HDR + flen;
				*frame = malloc(*len);
				memcpy(*frame, c->in, *len);
				memmove(c->in, c->in + *len, c->inlen - *len);
				c->inlen -= *len;
				return 1;
			}
		}
		wait = (int)(deadline - ts_now_ms());
		if (wait <= 0)
			return 0;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, wait) <= 0)
			continue;
		if (ts_recv_more(c->fd, &c->in, &c->inlen, &c->incap) <= 0)
			return -1;
	}
}

/* Receive and decode one message. */
int
tclient_recv(struct tclient *c, struct proto_msg *msg, int timeout_ms)
{
	struct proto_err	 err;
	uint8_t			*frame;
	size_t			 len;
	int			 rc;

	if ((rc = tclient_recv_frame(c, &frame, &len, timeout_ms)) != 1)
		return rc;
	rc = proto_decode(frame + PROTO_FRAME_HDR, len - PROTO_FRAME_HDR, msg,
	    &err) == PROTO_OK ? 1 : -1;
	free(frame);
	if (rc == 1 && msg->type == PROTO_EVENT)
		c->head = msg->u.event.seq;
	if (rc == 1 && msg->type == PROTO_ERROR)
		c->error = msg->u.error.code;
	return rc;
}

/* Receive until type arrives, answering PINGs, skipping the rest. */
int
tclient_expect(struct tclient *c, uint8_t type, struct proto_msg *msg,
    int timeout_ms)
{
	int64_t	deadline = ts_now_ms() + timeout_ms;
	int	rc, left;

	for (;;) {
		left = (int)(deadline - ts_now_ms());
		if (left <= 0)
			return 0;
		if ((rc = tclient_recv(c, msg, left)) != 1)
			return rc;
		if (msg->type == type)
			return 1;
		if (msg->type == PROTO_PING) {
			proto_enc_pong(&c->out, msg->u.token);
			tclient_flush(c);
		}
		if (msg->type == PROTO_ERROR && type != PROTO_ERROR) {
			/* Leave it to the caller: an ERROR ends everything. */
			return 1;
		}
		proto_msg_free(msg);
	}
}

/* Send HELLO. */
int
tclient_hello(struct tclient *c, const char *board, const char *name,
    const char *code, const char *key, uint64_t since)
{
	return tclient_hello_flags(c, board, name, code, key, since, false,
	    false);
}

/* Send HELLO with every field. */
int
tclient_hello_flags(struct tclient *c, const char *board, const char *name,
    const char *code, const char *key, uint64_t since, bool state,
    bool observe)
{
	struct proto_hello	h;

	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = (char *)board;
	memcpy(h.client, c->client, sizeof h.client);
	h.name = (char *)name;
	h.code = (char *)code;
	h.key = (char *)key;
	h.since = since;
	h.want_state = state;
	h.observe = observe;
	h.roster = c->roster;
	if (proto_enc_hello(&c->out, &h) == 0)
		return -1;
	return tclient_flush(c);
}

/* HELLO, then wait for READY. */
int
tclient_join(struct tclient *c, const char *board, const char *name,
    const char *code, const char *key)
{
	struct proto_msg	m;
	int			rc;

	if (tclient_hello(c, board, name, code, key, c->head) != 0)
		return -1;
	if (tclient_expect(c, PROTO_WELCOME, &m, TS_TIMEOUT_MS) != 1)
		return -1;
	if (m.type == PROTO_ERROR) {
		rc = (int)m.u.error.code;
		proto_msg_free(&m);
		return rc;
	}
	c->participant = m.u.welcome.participant;
	proto_msg_free(&m);
	if (tclient_expect(c, PROTO_READY, &m, TS_TIMEOUT_MS) != 1)
		return -1;
	if (m.type == PROTO_ERROR) {
		rc = (int)m.u.error.code;
		proto_msg_free(&m);
		return rc;
	}
	c->head = m.u.ready;
	proto_msg_free(&m);
	return 0;
}

/* Send an op with the next op_id. */
uint32_t
tclient_op(struct tclient *c, const struct proto_op *op)
{
	uint32_t	id = ++c->next_op;

	cr_assert(tclient_op_id(c, id, op) == 0);
	return id;
}

/* Send an op with op_id. */
int
tclient_op_id(struct tclient *c, uint32_t op_id, const struct proto_op *op)
{
	if (proto_enc_op(&c->out, op_id, op) == 0)
		return -1;
	return tclient_flush(c);
}

/* Wait for the EVENT or the REJECT of op_id. */
int
tclient_wait_op(struct tclient *c, uint32_t op_id, struct proto_msg *msg,
    int timeout_ms)
{
	int64_t	deadline = ts_now_ms() + timeout_ms;
	int	rc, left, code;

	for (;;) {
		left = (int)(deadline - ts_now_ms());
		if (left <= 0)
			return 0;
		if ((rc = tclient_recv(c, msg, left)) != 1)
			return rc == 0 ? 0 : TS_CLOSED;
		if (msg->type == PROTO_ERROR) {
			proto_msg_free(msg);
			return TS_CLOSED;
		}
		if (msg->type == PROTO_EVENT &&
		    msg->u.event.origin == c->participant &&
		    msg->u.event.op_id == op_id)
			return 1;
		if (msg->type == PROTO_REJECT && msg->u.reject.op_id == op_id) {
			code = (int)msg->u.reject.code;
			proto_msg_free(msg);
			return -code;
		}
		if (msg->type == PROTO_PING) {
			proto_enc_pong(&c->out, msg->u.token);
			tclient_flush(c);
		}
		proto_msg_free(msg);
	}
}

/* ------------------------------------------------------------ HTML */

/* A whole file (NUL-terminated too); *len its length if len. */
char *
ts_slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*s;
	long	 n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return s;
}

/* ------------------------------------------------------------ golden */

/* Write len bytes of data to path. */
void
ts_spill(const char *path, const char *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* True when the n characters at s are digits. */
static bool
ts_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* True when s starts with a date "YYYY-MM-DD". */
static bool
ts_is_date(const char *s, size_t left)
{
	return left >= 10 && ts_digits(s, 4) && s[4] == '-' &&
	    ts_digits(s + 5, 2) && s[7] == '-' && ts_digits(s + 8, 2);
}

/* True when s starts with a UTC time "YYYY-MM-DDTHH:MM:SSZ". */
static bool
ts_is_time(const char *s, size_t left)
{
	return left >= 20 && ts_is_date(s, left) && s[10] == 'T' &&
	    ts_digits(s + 11, 2) && s[13] == ':' && ts_digits(s + 14, 2) &&
	    s[16] == ':' && ts_digits(s + 17, 2) && s[19] == 'Z';
}

/* True when s starts with an hour "HH:MM". */
static bool
ts_is_hour(const char *s, size_t left)
{
	return left >= 5 && ts_digits(s, 2) && s[2] == ':' &&
	    ts_digits(s + 3, 2);
}

/*
 * An export with what changes from one run to the next made fixed, and
 * nothing else touched: every UTC time "YYYY-MM-DDTHH:MM:SSZ" (CSV and
 * JSON created_at, the steps' times) becomes "YYYY-MM-DDTHH:MM:SSZ"
 * literally; on the report's date line ("- Date: ...", "<li>Date: ...")
 * every date becomes "YYYY-MM-DD"; in its run sheet section ("## Run
 * sheet", "<h2>Run sheet</h2>", up to the next heading of that level)
 * every hour becomes "HH:MM".  Everything else -- the words of those lines
 * included -- must match the golden file byte for byte.  Returns a
 * malloc'd string of the same length.
 */
char *
ts_export_normalise(const char *in, size_t len)
{
	char	*out = malloc(len + 1);
	size_t	 i = 0;
	bool	 date_line = false, sheet = false;

	cr_assert_not_null(out);
	memcpy(out, in, len);
	out[len] = '\0';
	while (i < len) {
		if (i == 0 || out[i - 1] == '\n') {
			date_line = strncmp(out + i, "- Date: ", 8) == 0 ||
			    strncmp(out + i, "<li>Date: ", 10) == 0;
			if (strncmp(out + i, "## ", 3) == 0)
				sheet = strncmp(out + i, "## Run sheet", 12) ==
				    0;
			else if (strncmp(out + i, "<h2>", 4) == 0)
				sheet = strncmp(out + i, "<h2>Run sheet</h2>",
				    18) == 0;
		}
		if (ts_is_time(out + i, len - i)) {
			memcpy(out + i, "YYYY-MM-DDTHH:MM:SSZ", 20);
			i += 20;
		} else if (date_line && ts_is_date(out + i, len - i)) {
			memcpy(out + i, "YYYY-MM-DD", 10);
			i += 10;
		} else if (sheet && ts_is_hour(out + i, len - i)) {
			memcpy(out + i, "HH:MM", 5);
			i += 5;
		} else
			i++;
	}
	return out;
}

/* The normalised export equals the golden file (or, with $regen, is it). */
void
ts_check_golden(const char *path, const char *dir, const char *golden,
    const char *regen)
{
	char	 gpath[512], *got, *norm, *want;
	size_t	 len, wlen;

	snprintf(gpath, sizeof gpath, "%s/tests/fixtures/%s/%s", ts_top(),
	    dir, golden);
	got = ts_slurp(path, &len);
	norm = ts_export_normalise(got, len);
	if (getenv(regen) != NULL) {
		ts_spill(gpath, norm, len);
		cr_log_warn("rewrote %s", gpath);
	}
	want = ts_slurp(gpath, &wlen);
	cr_assert(wlen == len && memcmp(want, norm, len) == 0,
	    "%s differs from %s once times are normalised (kept: "
	    "CB_KEEP_TMP=1)", path, gpath);
	free(want);
	free(norm);
	free(got);
}

/* Export board in fmt offline and with the client; the same bytes. */
void
ts_export_both(const struct tserver *srv, const char *tmp, const char *board,
    const char *fmt, bool bom, char *path, size_t pathlen)
{
	char	 off[256], *a, *b, what[16];
	size_t	 alen, blen;
	int	 rc;

	snprintf(what, sizeof what, "%s%s", fmt, bom ? "-bom" : "");
	snprintf(off, sizeof off, "%s/offline.%s", tmp, what);
	snprintf(path, pathlen, "%s/client.%s", tmp, what);
	{
		char	*argv[] = {
		    (char *)ts_bin("CB_SERVER", "server/cafeboard-server"),
		    "--data", (char *)srv->data, "export", (char *)board,
		    "--format", (char *)fmt, "-o", off, bom ? "--bom" : NULL,
		    NULL };

		rc = ts_command(&a, TS_RUN_MS, argv);
		cr_assert_eq(rc, 0, "cafeboard-server export --format %s: %s",
		    what, a);
		free(a);
	}
	{
		/* As the usage says: the connection options after export. */
		char	*argv[] = {
		    (char *)ts_bin("CB_CLIENT", "client/cafeboard"),
		    "export", "--board", (char *)board, "--format", (char *)fmt,
		    "--key-file", (char *)srv->keyfile, "--socket",
		    (char *)srv->sock, "-o", path, bom ? "--bom" : NULL, NULL };

		rc = ts_command(&a, TS_RUN_MS, argv);
		cr_assert_eq(rc, 0, "cafeboard export --format %s: %s", what,
		    a);
		free(a);
	}
	a = ts_slurp(off, &alen);
	b = ts_slurp(path, &blen);
	cr_assert(alen == blen && memcmp(a, b, alen) == 0, "the offline and "
	    "the client export differ (%s, %s)", off, path);
	free(a);
	free(b);
}

/* The texts of m's live one-line cards, hex, one per line, into path. */
void
ts_html_texts(const struct model *m, const char *path)
{
	const char	*p;
	FILE		*f = fopen(path, "w");
	size_t		 i;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	for (i = 0; i < m->ncards; i++) {
		if (m->cards[i].deleted || strchr(m->cards[i].text, '\n'))
			continue;
		for (p = m->cards[i].text; *p != '\0'; p++)
			fprintf(f, "%02x", (unsigned char)*p);
		fputc('\n', f);
	}
	cr_assert_eq(fclose(f), 0);
}

/* True when a program is on the PATH. */
bool
ts_on_path(const char *name)
{
	char	 path[512], *dirs, *d, *save = NULL;
	bool	 found = false;

	dirs = strdup(getenv("PATH") != NULL ? getenv("PATH") :
	    "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL && !found;
	    d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof path, "%s/%s", d, name);
		found = access(path, X_OK) == 0;
	}
	free(dirs);
	return found;
}

/*
 * Run headless Chromium on a file with more arguments (its profile in
 * tmp); its output.
 */
char *
ts_chromium(const char *tmp, const char *file, const char *what,
    const char *size)
{
	char	 prof[300], url[400], *out;
	char	*argv[] = { "chromium", "--headless", "--no-sandbox",
	    "--disable-gpu", "--disable-background-networking",
	    "--disable-component-update", "--disable-sync", "--no-first-run",
	    "--hide-scrollbars", "--virtual-time-budget=5000",
	    "--no-pdf-header-footer", prof, (char *)size, (char *)what, url,
	    NULL };

	snprintf(prof, sizeof prof, "--user-data-dir=%s/chromium", tmp);
	snprintf(url, sizeof url, "file://%s", file);
	cr_assert_eq(ts_command(&out, 60000, argv), 0, "chromium %s: %s",
	    what, out);
	return out;
}

/*
 * The page as Chromium lays it out at the width of an A4 page's text
 * (180 mm, 680 px): a copy of it with a probe script (the export itself
 * has none) reports the widest element and anything beyond the right edge.
 * Then the real page printed to PDF, on A4, and a screenshot (in tmp).
 * Without chromium, a warning only.
 */
void
ts_html_fits_a4(const char *tmp, const char *path)
{
	static const char probe[] =
	    "<script>window.addEventListener('load', function () {\n"
	    "var w = document.documentElement.clientWidth, bad = [];\n"
	    "var all = document.body.getElementsByTagName('*');\n"
	    "for (var i = 0; i < all.length; i++) {\n"
	    "  var r = all[i].getBoundingClientRect();\n"
	    "  if (r.right > w + 0.5 || r.left < -0.5)\n"
	    "    bad.push(all[i].tagName + ':' + Math.round(r.right)); }\n"
	    "document.body.setAttribute('data-probe', 'width=' + w +\n"
	    "  ' scroll=' + document.documentElement.scrollWidth + ' bad=' +\n"
	    "  bad.length + ' ' + bad.slice(0, 5).join(',') + ' end'); });\n"
	    "</script>\n</body>";
	char	 probed[300], pdf[300], shot[300], arg[340], *html, *out, *p;
	size_t	 len;
	unsigned width, scroll, bad;
	FILE	*f;

	if (!ts_on_path("chromium")) {
		cr_log_warn("chromium is not installed: the HTML report was "
		    "parsed but not rendered");
		return;
	}
	html = ts_slurp(path, &len);
	cr_assert_not_null(p = strstr(html, "</body>"));
	snprintf(probed, sizeof probed, "%s/probe.html", tmp);
	f = fopen(probed, "w");
	cr_assert_not_null(f);
	fwrite(html, 1, (size_t)(p - html), f);
	fputs(probe, f);
	fputs(p + strlen("</body>"), f);
	cr_assert_eq(fclose(f), 0);
	free(html);

	out = ts_chromium(tmp, probed, "--dump-dom", "--window-size=680,1000");
	cr_assert_not_null(p = strstr(out, "data-probe=\""), "no probe in "
	    "Chromium's DOM: %.300s", out);
	cr_assert_eq(sscanf(p, "data-probe=\"width=%u scroll=%u bad=%u",
	    &width, &scroll, &bad), 3, "%.200s", p);
	cr_log_info("chromium: %.120s", p);
	cr_assert_eq(bad, 0, "the report overflows an A4 page's width: "
	    "%.200s", p);
	cr_assert_leq(scroll, width, "the report is wider than an A4 page: "
	    "%.200s", p);
	free(out);

	snprintf(pdf, sizeof pdf, "%s/report.pdf", tmp);
	snprintf(arg, sizeof arg, "--print-to-pdf=%s", pdf);
	free(ts_chromium(tmp, path, arg, "--window-size=794,1123"));
	html = ts_slurp(pdf, &len);
	cr_assert(len > 1000 && memcmp(html, "%PDF", 4) == 0);
	/* A4 is 595 x 842 points (Chromium writes 594.96 x 841.92). */
	cr_assert_not_null(p = memmem(html, len, "/MediaBox [0 0 ", 15),
	    "no page size in the PDF");
	cr_assert_eq(sscanf(p, "/MediaBox [0 0 %u.%*u %u", &width, &scroll),
	    2);
	cr_assert(width >= 594 && width <= 595 && scroll >= 841 &&
	    scroll <= 842, "the PDF's pages are %u x %u points, not A4",
	    width, scroll);
	free(html);

	snprintf(shot, sizeof shot, "%s/report.png", tmp);
	snprintf(arg, sizeof arg, "--screenshot=%s", shot);
	free(ts_chromium(tmp, path, arg, "--window-size=900,5200"));
	cr_assert_eq(access(shot, R_OK), 0);
}
