/*
 * test_shaper.c -- the shaped link of the room benchmarks and the edge
 * relay tests (tests/shaper.c): bytes pass intact both ways, the rate and
 * the delay are never beaten, the link is shared by every connection, and
 * a cut holds every byte until it is restored.
 *
 * The test holds both ends: it connects to the shaper, which connects to
 * a listening socket of the test's own.  Times are only checked against
 * what the link physically cannot beat (lower bounds) and a generous
 * upper bound; nothing waits on a fixed sleep except the check that a cut
 * link delivers nothing.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsupport.h"

#define DEADLINE_MS	20000

/* A shaper between the test's client end and its server end. */
struct link {
	pid_t	pid;
	int	port;		/* the shaper's */
	int	lfd;		/* the test's listening socket */
	char	dir[48];
	char	control[96];
};

/* Listen on a free loopback port; the fd, its port in *port. */
static int
listen_any(int *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	cr_assert(listen(fd, 16) == 0);
	cr_assert(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Start the shaper towards our listening socket with rate and delay. */
static void
link_start_buffer(struct link *l, const char *rate, const char *delay,
    const char *buffer)
{
	const char	*build = getenv("CB_BUILD");
	char		 bin[512], to[32], buf[32];
	int		 p[2], port;
	ssize_t		 n;
	size_t		 len = 0;
	struct pollfd	 pfd;
	int64_t		 end = ts_now_ms() + DEADLINE_MS;

	memset(l, 0, sizeof *l);
	snprintf(l->dir, sizeof l->dir, "/tmp/cafeboard-shaper-XXXXXX");
	cr_assert(mkdtemp(l->dir) != NULL);
	snprintf(l->control, sizeof l->control, "%s/ctl", l->dir);
	snprintf(bin, sizeof bin, "%s/tests/shaper",
	    build != NULL && build[0] != '\0' ? build : "build");
	l->lfd = listen_any(&port);
	snprintf(to, sizeof to, "127.0.0.1:%d", port);
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	l->pid = fork();
	cr_assert(l->pid != -1);
	if (l->pid == 0) {
		/* A failed assertion ends the test without link_stop. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		execl(bin, "shaper", "--to", to, "--rate", rate, "--delay",
		    delay, "--control", l->control, "--buffer", buffer,
		    (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	/* It prints its port once it listens. */
	while (memchr(buf, '\n', len) == NULL) {
		cr_assert(ts_now_ms() < end, "the shaper did not start");
		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(p[0], buf + len, sizeof buf - 1 - len);
		cr_assert(n > 0, "the shaper exited at start");
		len += (size_t)n;
	}
	buf[len] = '\0';
	l->port = atoi(buf);
	close(p[0]);
	cr_assert(l->port > 0);
}

/* The same with the default queue of 32768 bytes. */
static void
link_start(struct link *l, const char *rate, const char *delay)
{
	link_start_buffer(l, rate, delay, "32768");
}

/* Stop the shaper and remove its directory. */
static void
link_stop(struct link *l)
{
	if (l->pid > 0) {
		kill(l->pid, SIGKILL);
		waitpid(l->pid, NULL, 0);
	}
	close(l->lfd);
	ts_rm_tree(l->dir);
}

/* Connect through the shaper: *client is our end, *server the far one. */
static void
link_connect(struct link *l, int *client, int *server)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;

	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)l->port);
	cr_assert(connect(*client, (struct sockaddr *)&sin, sizeof sin) == 0);
	pfd.fd = l->lfd;
	pfd.events = POLLIN;
	cr_assert(poll(&pfd, 1, DEADLINE_MS) == 1, "the shaper did not "
	    "connect to the far end");
	*server = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC);
	cr_assert(*server != -1);
	fcntl(*client, F_SETFL, O_NONBLOCK);
	fcntl(*server, F_SETFL, O_NONBLOCK);
}

/* One control command; the answer line (static). */
static const char *
link_command(struct link *l, const char *cmd)
{
	static char		 reply[160];
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	ssize_t			 n;
	int			 fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", l->control);
	cr_assert(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	cr_assert(write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd));
	pfd.fd = fd;
	pfd.events = POLLIN;
	cr_assert(poll(&pfd, 1, DEADLINE_MS) == 1, "no answer to %s", cmd);
	n = read(fd, reply, sizeof reply - 1);
	cr_assert(n > 0);
	reply[n] = '\0';
	close(fd);
	return reply;
}

/*
 * Send out on fd a and receive it on fd b while doing the same from c to
 * d (c may be -1), all at once; the milliseconds until each arrived whole.
 */
static void
pump(int a, int b, const uint8_t *out, size_t len, int c, int d,
    const uint8_t *out2, size_t len2, int64_t *ms1, int64_t *ms2)
{
	uint8_t		*in1 = malloc(len + 1), *in2 = malloc(len2 + 1);
	size_t		 sent1 = 0, got1 = 0, sent2 = 0, got2 = 0;
	int64_t		 t0 = ts_now_ms(), end = t0 + DEADLINE_MS * 3;
	struct pollfd	 pfd[4];
	ssize_t		 n;

	*ms1 = *ms2 = -1;
	while (got1 < len || (c != -1 && got2 < len2)) {
		cr_assert(ts_now_ms() < end, "the bytes did not all arrive "
		    "(%zu of %zu, %zu of %zu)", got1, len, got2, len2);
		pfd[0] = (struct pollfd){ a, sent1 < len ? POLLOUT : 0, 0 };
		pfd[1] = (struct pollfd){ b, POLLIN, 0 };
		pfd[2] = (struct pollfd){ c, c != -1 && sent2 < len2 ?
		    POLLOUT : 0, 0 };
		pfd[3] = (struct pollfd){ d, c != -1 ? POLLIN : 0, 0 };
		if (poll(pfd, 4, 100) <= 0)
			continue;
		if ((pfd[0].revents & POLLOUT) &&
		    (n = send(a, out + sent1, len - sent1, MSG_NOSIGNAL)) > 0)
			sent1 += (size_t)n;
		if ((pfd[1].revents & POLLIN) &&
		    (n = recv(b, in1 + got1, len + 1 - got1, 0)) > 0) {
			got1 += (size_t)n;
			if (got1 >= len)
				*ms1 = ts_now_ms() - t0;
		}
		if (c == -1)
			continue;
		if ((pfd[2].revents & POLLOUT) &&
		    (n = send(c, out2 + sent2, len2 - sent2, MSG_NOSIGNAL)) > 0)
			sent2 += (size_t)n;
		if ((pfd[3].revents & POLLIN) &&
		    (n = recv(d, in2 + got2, len2 + 1 - got2, 0)) > 0) {
			got2 += (size_t)n;
			if (got2 >= len2)
				*ms2 = ts_now_ms() - t0;
		}
	}
	cr_assert_eq(got1, len, "more bytes came out than went in");
	cr_assert(memcmp(in1, out, len) == 0, "the bytes changed on the way");
	if (c != -1) {
		cr_assert_eq(got2, len2, "more bytes came out than went in");
		cr_assert(memcmp(in2, out2, len2) == 0,
		    "the bytes changed on the way");
	}
	free(in1);
	free(in2);
}

/* n bytes of noise. */
static uint8_t *
noise(size_t n, unsigned seed)
{
	uint8_t	*p = malloc(n);
	size_t	 i;

	srand(seed);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
	return p;
}

/* True when fd has something to read (or EOF) within ms. */
static bool
readable(int fd, int ms)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) == 1;
}

/* Read exactly the byte c from fd within the deadline. */
static void
expect_byte(int fd, char c)
{
	char	got = 0;

	cr_assert(readable(fd, DEADLINE_MS), "byte %c did not arrive", c);
	cr_assert_eq(recv(fd, &got, 1, 0), 1);
	cr_assert_eq(got, c);
}

Test(shaper, passes_bytes_intact_both_ways_and_the_end_of_stream)
{
	struct link	 l;
	uint8_t		*up = noise(1 << 20, 1), *down = noise(1 << 20, 2);
	int64_t		 ms1, ms2;
	int		 c, s;
	char		 x;

	link_start(&l, "400000000", "0");
	link_connect(&l, &c, &s);
	pump(c, s, up, 1 << 20, s, c, down, 1 << 20, &ms1, &ms2);
	/* A half close crosses the link: the far end reads the end. */
	shutdown(c, SHUT_WR);
	cr_assert(readable(s, DEADLINE_MS));
	cr_assert_eq(recv(s, &x, 1, 0), 0, "no end of stream");
	/* The other way still works after it. */
	cr_assert_eq(send(s, "z", 1, MSG_NOSIGNAL), 1);
	expect_byte(c, 'z');
	close(c);
	close(s);
	free(up);
	free(down);
	link_stop(&l);
}

Test(shaper, never_beats_the_rate_and_each_way_has_its_own)
{
	struct link	 l;
	uint8_t		*up = noise(16000, 3), *down = noise(16000, 4);
	int64_t		 ms1, ms2;
	int		 c, s;

	/* 64 kbit/s is 8000 bytes a second: 16000 bytes take 2 s each
	 * way, both ways at once. */
	link_start(&l, "64000", "0");
	link_connect(&l, &c, &s);
	pump(c, s, up, 16000, s, c, down, 16000, &ms1, &ms2);
	cr_assert_geq(ms1, 1500, "16000 bytes up in %lld ms", (long long)ms1);
	cr_assert_geq(ms2, 1500, "16000 bytes down in %lld ms",
	    (long long)ms2);
	/* Generous: the ways do not wait for each other (that is 4 s). */
	cr_assert_lt(ms1 > ms2 ? ms1 : ms2, 3900 * 5);
	close(c);
	close(s);
	free(up);
	free(down);
	link_stop(&l);
}

Test(shaper, every_connection_shares_one_link)
{
	struct link	 l;
	uint8_t		*a = noise(8000, 5), *b = noise(8000, 6);
	int64_t		 ms1, ms2;
	int		 c1, s1, c2, s2;

	/* Two people in the room send 8000 bytes each at once: the room's
	 * uplink carries 16000 bytes, 2 s at 64 kbit/s. */
	link_start(&l, "64000", "0");
	link_connect(&l, &c1, &s1);
	link_connect(&l, &c2, &s2);
	pump(c1, s1, a, 8000, c2, s2, b, 8000, &ms1, &ms2);
	cr_assert_geq(ms1 > ms2 ? ms1 : ms2, 1500, "16000 bytes in %lld ms",
	    (long long)(ms1 > ms2 ? ms1 : ms2));
	cr_assert_str_eq(link_command(&l, "stats\n"), "up 16000 down 0 "
	    "conns 2 cut 0\n");
	close(c1);
	close(s1);
	close(c2);
	close(s2);
	free(a);
	free(b);
	link_stop(&l);
}

/*
 * The queue never holds more than --buffer bytes (and one segment): 20
 * connections with data at once do not each get a segment in (a full
 * router queue takes no more), and the link keeps draining them all.
 */
Test(shaper, the_queue_never_grows_past_its_buffer)
{
	enum { NCONN = 20, EACH = 3000 };
	struct link	 l;
	uint8_t		*out = noise(EACH, 7), in[EACH];
	int		 c[NCONN], sv[NCONN], i;
	unsigned long	 up, down;
	int64_t		 t0, ms;
	size_t		 got[NCONN] = { 0 }, all = 0;
	ssize_t		 n;

	/* 10 000 bytes a second, a queue of 2048 bytes. */
	link_start_buffer(&l, "80000", "0", "2048");
	for (i = 0; i < NCONN; i++)
		link_connect(&l, &c[i], &sv[i]);
	t0 = ts_now_ms();
	for (i = 0; i < NCONN; i++)
		cr_assert_eq(send(sv[i], out, EACH, MSG_NOSIGNAL), EACH);
	usleep(300 * 1000);
	cr_assert_eq(sscanf(link_command(&l, "stats\n"), "up %lu down %lu",
	    &up, &down), 2);
	ms = ts_now_ms() - t0;
	cr_assert_leq(down, 2048 + 1460 + 10 * (unsigned long)(ms + 100), "%lu "
	    "bytes entered the link in %lld ms, past a queue of 2048",
	    down, (long long)ms);
	/* Every connection moves: the link serves them in turn. */
	for (;;) {
		for (i = 0; i < NCONN && got[i] > 0; i++)
			;
		if (i == NCONN)
			break;
		cr_assert_lt(ts_now_ms() - t0, DEADLINE_MS, "connection %d "
		    "had nothing after %zu bytes", i, all);
		usleep(50 * 1000);
		for (i = 0; i < NCONN; i++) {
			if ((n = recv(c[i], in, sizeof in, 0)) > 0) {
				got[i] += (size_t)n;
				all += (size_t)n;
			}
		}
	}
	for (i = 0; i < NCONN; i++) {
		close(c[i]);
		close(sv[i]);
	}
	free(out);
	link_stop(&l);
}

Test(shaper, delays_each_way)
{
	struct link	l;
	int64_t		t0, rtt;
	int		c, s;

	link_start(&l, "400000000", "300");
	link_connect(&l, &c, &s);
	t0 = ts_now_ms();
	cr_assert_eq(send(c, "p", 1, MSG_NOSIGNAL), 1);
	expect_byte(s, 'p');
	cr_assert_eq(send(s, "q", 1, MSG_NOSIGNAL), 1);
	expect_byte(c, 'q');
	rtt = ts_now_ms() - t0;
	cr_assert_geq(rtt, 550, "a round trip over two 300 ms ways took "
	    "%lld ms", (long long)rtt);
	close(c);
	close(s);
	link_stop(&l);
}

Test(shaper, a_cut_holds_every_byte_until_restored)
{
	struct link	l;
	int		c, s;

	link_start(&l, "400000000", "0");
	link_connect(&l, &c, &s);
	cr_assert_eq(send(c, "a", 1, MSG_NOSIGNAL), 1);
	expect_byte(s, 'a');

	cr_assert_str_eq(link_command(&l, "cut\n"), "ok\n");
	cr_assert(strstr(link_command(&l, "stats\n"), " cut 1\n") != NULL);
	cr_assert_eq(send(c, "b", 1, MSG_NOSIGNAL), 1);
	cr_assert_eq(send(s, "B", 1, MSG_NOSIGNAL), 1);
	cr_assert(!readable(s, 500), "a byte crossed a cut link");
	cr_assert(!readable(c, 10), "a byte crossed a cut link");
	cr_assert_str_eq(link_command(&l, "restore\n"), "ok\n");
	expect_byte(s, 'b');
	expect_byte(c, 'B');

	/* The same with the signals. */
	kill(l.pid, SIGUSR1);
	cr_assert(strstr(link_command(&l, "stats\n"), " cut 1\n") != NULL);
	cr_assert_eq(send(c, "c", 1, MSG_NOSIGNAL), 1);
	cr_assert(!readable(s, 500), "a byte crossed a cut link");
	kill(l.pid, SIGUSR2);
	expect_byte(s, 'c');
	cr_assert_str_eq(link_command(&l, "stats\n"), "up 3 down 1 conns 1 "
	    "cut 0\n");
	close(c);
	close(s);
	link_stop(&l);
}

Test(shaper, reset_closes_every_connection)
{
	struct link	l;
	char		x;
	int		c, s;

	link_start(&l, "400000000", "0");
	link_connect(&l, &c, &s);
	cr_assert_str_eq(link_command(&l, "reset\n"), "ok\n");
	cr_assert(readable(c, DEADLINE_MS));
	cr_assert_leq(recv(c, &x, 1, 0), 0, "the room side stayed open");
	cr_assert(readable(s, DEADLINE_MS));
	cr_assert_leq(recv(s, &x, 1, 0), 0, "the server side stayed open");
	close(c);
	close(s);
	link_stop(&l);
}
