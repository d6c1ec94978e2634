/*
 * test_relay.c -- the edge relay (cafeboard-server --upstream) end to end:
 * a real board server, a real relay in front of it (on a Unix socket, or
 * through tests/shaper, the throttled link with its cut and restore), and
 * raw protocol clients on both sides.
 *
 * What a user relies on: people on the relay join and work as on the
 * server; the order and the seqs stay the server's; every op is applied
 * once, across a cut, a reset link, a server or a relay restart; a person
 * on the relay receives, byte for byte, what a direct connection would
 * give them (no more); the room is told when the server is out of reach
 * and how many changes wait; a relay under a relay works the same.
 *
 * Every wait has a deadline; nothing asserts how long anything took.  The
 * fini kills every process by pid and removes the directories.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fingerprint.h"
#include "model.h"
#include "proto.h"
#include "tsupport.h"

#define WAIT		TS_TIMEOUT_MS
#define LONG_WAIT	60000	/* a link that comes back after a backoff */
#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])
#define BOARD		"salle"

/* The processes of the running test, and its clients: fini releases them. */
static struct tserver	central, relay, relay2;
static struct tclient	clients[32];
static size_t		nclients;
static pid_t		shaper_pid;
static char		shaper_dir[48];
static char		shaper_ctl[96];
static int		shaper_port;

/* Kill every process, remove the directories, close every client. */
static void
cleanup(void)
{
	size_t	i;

	for (i = 0; i < nclients; i++)
		tclient_close(&clients[i]);
	nclients = 0;
	if (shaper_pid > 0) {
		kill(shaper_pid, SIGKILL);
		waitpid(shaper_pid, NULL, 0);
		shaper_pid = 0;
	}
	if (shaper_dir[0] != '\0') {
		ts_rm_tree(shaper_dir);
		shaper_dir[0] = '\0';
	}
	tserver_cleanup(&relay2);
	tserver_cleanup(&relay);
	tserver_cleanup(&central);
}

/* One timeout for every test (see test_server.c). */
#define RTEST(name) \
	Test(relay, name, .fini = cleanup, .timeout = 180)

/* A client slot that cleanup closes. */
static struct tclient *
newc(void)
{
	struct tclient	*c;

	cr_assert_lt(nclients, NITEMS(clients), "too many clients");
	c = &clients[nclients++];
	memset(c, 0, sizeof *c);
	c->fd = -1;
	return c;
}

/* A client that joined the board on s as name (key: a facilitator). */
static struct tclient *
join_at(const struct tserver *s, const char *name, const char *key)
{
	struct tclient	*c = newc();
	int		 rc;

	cr_assert_eq(tclient_connect(c, s, false), 0, "cannot connect");
	rc = tclient_join(c, BOARD, name, NULL, key);
	cr_assert_eq(rc, 0, "%s could not join: %d", name, rc);
	return c;
}

/* Start a relay of the server at upstream (a socket path or HOST:PORT). */
static void
start_relay(struct tserver *r, const char *upstream)
{
	tserver_start(r, false, "--upstream", upstream, "--key-file",
	    central.keyfile, NULL);
}

/* Send op and wait for its own EVENT; its seq. */
static uint64_t
op_ok(struct tclient *c, const struct proto_op *op)
{
	struct proto_msg	m;
	uint32_t		id = tclient_op(c, op);
	int			rc;
	uint64_t		seq;

	rc = tclient_wait_op(c, id, &m, WAIT);
	cr_assert_eq(rc, 1, "op %u of kind %u: %d", id, op->kind, rc);
	seq = m.u.event.seq;
	proto_msg_free(&m);
	return seq;
}

/*
 * Receive until an EVENT of kind (0: any) arrives; 1 with *m filled,
 * 0 on the deadline, -1 closed.
 */
static int
next_event(struct tclient *c, uint8_t kind, struct proto_msg *m, int ms)
{
	int64_t	end = ts_now_ms() + ms;
	int	rc, left;

	for (;;) {
		if ((left = (int)(end - ts_now_ms())) <= 0)
			return 0;
		if ((rc = tclient_expect(c, PROTO_EVENT, m, left)) != 1)
			return rc;
		if (m->type == PROTO_ERROR)
			return -1;
		if (kind == 0 || m->u.event.op.kind == kind)
			return 1;
		proto_msg_free(m);
	}
}

/* Receive until c holds every event up to head (c->head follows them). */
static void
catch_head(struct tclient *c, uint64_t head)
{
	struct proto_msg	m;

	while (c->head < head) {
		cr_assert_eq(next_event(c, 0, &m, WAIT), 1, "seq %llu never "
		    "came (head %llu)", (unsigned long long)head,
		    (unsigned long long)c->head);
		proto_msg_free(&m);
	}
}

/*
 * Receive until an UPLINK saying up, with waiting and mine when they are
 * not -1, arrives within ms; true if one did.
 */
static bool
uplink_says(struct tclient *c, bool up, int waiting, int mine, int ms)
{
	struct proto_msg	m;
	int64_t			end = ts_now_ms() + ms;
	int			left;
	bool			ok;

	for (;;) {
		if ((left = (int)(end - ts_now_ms())) <= 0)
			return false;
		if (tclient_expect(c, PROTO_UPLINK, &m, left) != 1)
			return false;
		if (m.type == PROTO_ERROR) {
			proto_msg_free(&m);
			return false;
		}
		ok = m.u.uplink.up == up && (waiting < 0 ||
		    m.u.uplink.waiting == (uint32_t)waiting) && (mine < 0 ||
		    m.u.uplink.mine == (uint32_t)mine);
		proto_msg_free(&m);
		if (ok)
			return true;
	}
}

/*
 * The board as the server holds it (an observer's STATE catch-up): how
 * many live cards say text, and its head in *head.
 */
static int
cards_saying(const char *text, uint64_t *head)
{
	struct tclient		 oc, *o = &oc;
	struct proto_msg	 m;
	int			 n = 0;

	cr_assert_eq(tclient_connect(o, &central, false), 0);
	cr_assert_eq(tclient_hello_flags(o, BOARD, "Observer", NULL,
	    central.key, 0, true, true), 0);
	for (;;) {
		cr_assert_eq(tclient_recv(o, &m, WAIT), 1, "no STATE");
		if (m.type == PROTO_READY) {
			if (head != NULL)
				*head = m.u.ready;
			proto_msg_free(&m);
			break;
		}
		if (m.type == PROTO_STATE && m.u.state.what == STATE_CARD &&
		    !m.u.state.deleted && strcmp(m.u.state.text, text) == 0)
			n++;
		proto_msg_free(&m);
	}
	tclient_close(o);
	return n;
}

/* A facilitator on the server, one table, phase ideas; the table. */
static uint64_t
board_setup(struct tclient **facp)
{
	struct tclient	*fac = join_at(&central, "Animatrice", central.key);
	uint64_t	 t;

	t = op_ok(fac, &TADD("Comment mieux accueillir ?"));
	op_ok(fac, &PHASE(PHASE_IDEAS));
	if (facp != NULL)
		*facp = fac;
	return t;
}

/* Start the shaper from a free port towards the server's TCP port. */
static void
shaper_start(const char *rate, const char *delay)
{
	const char	*build = getenv("CB_BUILD");
	char		 bin[512], to[32], buf[32];
	int		 p[2];
	ssize_t		 n;
	size_t		 len = 0;
	struct pollfd	 pfd;
	int64_t		 end = ts_now_ms() + WAIT;

	snprintf(shaper_dir, sizeof shaper_dir, "/tmp/cafeboard-link-XXXXXX");
	cr_assert(mkdtemp(shaper_dir) != NULL);
	snprintf(shaper_ctl, sizeof shaper_ctl, "%s/ctl", shaper_dir);
	snprintf(bin, sizeof bin, "%s/tests/shaper",
	    build != NULL && build[0] != '\0' ? build : "build");
	snprintf(to, sizeof to, "127.0.0.1:%d", central.port);
	cr_assert(pipe2(p, O_CLOEXEC) == 0);
	shaper_pid = fork();
	cr_assert(shaper_pid != -1);
	if (shaper_pid == 0) {
		dup2(p[1], 1);
		execl(bin, "shaper", "--to", to, "--rate", rate, "--delay",
		    delay, "--control", shaper_ctl, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	memset(buf, 0, sizeof buf);
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
	close(p[0]);
	shaper_port = atoi(buf);
	cr_assert_gt(shaper_port, 0);
}

/* One command to the shaper ("cut", "restore", "reset"). */
static void
shaper(const char *cmd)
{
	struct sockaddr_un	sun;
	struct pollfd		pfd;
	char			reply[160], line[32];
	int			fd;
	ssize_t			n;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", shaper_ctl);
	cr_assert(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	snprintf(line, sizeof line, "%s\n", cmd);
	cr_assert(write(fd, line, strlen(line)) == (ssize_t)strlen(line));
	pfd.fd = fd;
	pfd.events = POLLIN;
	cr_assert(poll(&pfd, 1, WAIT) == 1, "the shaper did not answer %s",
	    cmd);
	n = read(fd, reply, sizeof reply - 1);
	cr_assert(n > 0);
	close(fd);
}

/* The bytes that entered the shaped link from the server so far. */
static double
shaper_down(void)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	unsigned long long	 up = 0, down = 0;
	char			 reply[160];
	int			 fd;
	ssize_t			 n;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", shaper_ctl);
	cr_assert(connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0);
	cr_assert(write(fd, "stats\n", 6) == 6);
	pfd.fd = fd;
	pfd.events = POLLIN;
	cr_assert(poll(&pfd, 1, WAIT) == 1);
	n = read(fd, reply, sizeof reply - 1);
	cr_assert(n > 0);
	reply[n] = '\0';
	close(fd);
	cr_assert_eq(sscanf(reply, "up %llu down %llu", &up, &down), 2);
	return (double)down;
}

/* The central server on TCP, the shaper, a relay through it. */
static void
start_shaped(void)
{
	char	up[32];

	tserver_start(&central, true, NULL);
	shaper_start("256000", "100");
	snprintf(up, sizeof up, "127.0.0.1:%d", shaper_port);
	start_relay(&relay, up);
}

/* ------------------------------------------------------------ tests */

RTEST(people_on_the_relay_work_as_on_the_server_in_its_order)
{
	struct tclient		*fac, *ana, *bob, *cleo;
	struct proto_msg	 m;
	uint64_t		 t, s1, s2, head;

	tserver_start(&central, false, NULL);
	t = board_setup(&fac);
	start_relay(&relay, central.sock);

	ana = join_at(&relay, "Ana", NULL);
	cleo = join_at(&relay, "Cleo", NULL);
	bob = join_at(&central, "Bob", NULL);
	cr_assert_neq(ana->participant, 0);
	cr_assert_neq(ana->participant, cleo->participant);
	cr_assert_neq(ana->participant, bob->participant);

	op_ok(ana, &SIT(t, 0));
	op_ok(bob, &SIT(t, 0));
	s1 = op_ok(ana, &ADD(t, "Un guichet unique", 0));
	/* Bob, on the server, sees Ana's card with the same seq. */
	cr_assert_eq(next_event(bob, OP_CARD_ADD, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, s1);
	cr_assert_eq(m.u.event.origin, ana->participant);
	cr_assert_str_eq(m.u.event.op.text, "Un guichet unique");
	proto_msg_free(&m);
	/* Cleo, on the relay too, sees it once, then Bob's. */
	s2 = op_ok(bob, &ADD(t, "Des horaires du soir", 0));
	cr_assert_eq(next_event(cleo, OP_CARD_ADD, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, s1);
	proto_msg_free(&m);
	cr_assert_eq(next_event(cleo, OP_CARD_ADD, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, s2);
	cr_assert_eq(m.u.event.origin, bob->participant);
	proto_msg_free(&m);
	catch_head(ana, s2);
	cr_assert_eq(cards_saying("Un guichet unique", &head), 1);
	cr_assert_eq(head, s2);
	cr_assert_eq(cleo->head, s2);
	(void)fac;
}

/*
 * A person on the relay who asks for the compact roster gets it from the
 * relay: everyone online on the board (on the relay and on the server)
 * and themselves in one ROSTER, then PRESENCEs without names.
 */
RTEST(the_relay_gives_its_people_the_compact_roster)
{
	struct tclient		*bob, *ana, *zoe;
	struct proto_msg	 m;
	bool			 seen_ana = false, seen_bob = false;
	bool			 seen_zoe = false;
	uint32_t		 i, me = 0;
	uint8_t			 type;

	tserver_start(&central, false, NULL);
	board_setup(NULL);
	start_relay(&relay, central.sock);
	bob = join_at(&central, "Bob", NULL);
	ana = join_at(&relay, "Ana", NULL);

	zoe = newc();
	cr_assert_eq(tclient_connect(zoe, &relay, false), 0);
	zoe->roster = true;
	cr_assert_eq(tclient_hello(zoe, BOARD, "Zo\xc3\xa9", NULL, NULL, 0), 0);
	do {
		cr_assert_eq(tclient_recv(zoe, &m, WAIT), 1, "no READY");
		type = m.type;
		if (type == PROTO_WELCOME) {
			cr_assert(m.u.welcome.roster, "no roster granted");
			me = m.u.welcome.participant;
		}
		cr_assert(type != PROTO_PRESENCE, "a PRESENCE before READY");
		proto_msg_free(&m);
	} while (type != PROTO_READY);
	/* Maybe an UPLINK first; then the ROSTER. */
	do {
		cr_assert_eq(tclient_recv(zoe, &m, WAIT), 1, "no ROSTER");
		type = m.type;
		cr_assert(type == PROTO_ROSTER || type == PROTO_UPLINK ||
		    type == PROTO_EVENT, "message %u before the ROSTER", type);
		if (type != PROTO_ROSTER)
			proto_msg_free(&m);
	} while (type != PROTO_ROSTER);
	for (i = 0; i < m.u.roster.npairs; i++) {
		seen_ana |= m.u.roster.pairs[i].a == ana->participant;
		seen_bob |= m.u.roster.pairs[i].a == bob->participant;
		seen_zoe |= m.u.roster.pairs[i].a == me;
	}
	proto_msg_free(&m);
	cr_assert(seen_ana && seen_bob && seen_zoe, "the ROSTER misses %s",
	    !seen_ana ? "Ana" : !seen_bob ? "Bob" : "Zo\xc3\xa9");

	/* Bob leaves the server: Zoe hears it, without his name. */
	tclient_close(bob);
	for (;;) {
		cr_assert_eq(tclient_recv(zoe, &m, WAIT), 1, "Bob never left");
		if (m.type == PROTO_PRESENCE &&
		    m.u.presence.participant == bob->participant) {
			cr_assert(!m.u.presence.online);
			cr_assert_null(m.u.presence.name);
			proto_msg_free(&m);
			break;
		}
		proto_msg_free(&m);
	}
}

RTEST(an_op_sent_again_after_a_reconnect_to_the_relay_is_applied_once)
{
	struct tclient		*ana;
	struct proto_msg	 m;
	uint64_t		 t;
	uint32_t		 id;

	tserver_start(&central, false, NULL);
	t = board_setup(NULL);
	start_relay(&relay, central.sock);
	ana = join_at(&relay, "Ana", NULL);
	op_ok(ana, &SIT(t, 0));

	/* The op goes, the connection drops before its EVENT is read. */
	id = tclient_op(ana, &ADD(t, "Une seule fois", 0));
	cr_assert_eq(tclient_reconnect(ana, &relay, false), 0);
	cr_assert_eq(tclient_hello(ana, BOARD, "Ana", NULL, NULL, ana->head),
	    0);
	cr_assert_eq(tclient_expect(ana, PROTO_WELCOME, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_WELCOME);
	/* As the real client does: what WELCOME's last_op lacks, again. */
	if (m.u.welcome.last_op < id)
		cr_assert_eq(tclient_op_id(ana, id, &ADD(t, "Une seule fois",
		    0)), 0);
	proto_msg_free(&m);
	/* Once more for good measure: a duplicate the relay drops. */
	cr_assert_eq(tclient_op_id(ana, id, &ADD(t, "Une seule fois", 0)), 0);
	op_ok(ana, &ADD(t, "Et celle-ci", 0));
	cr_assert_eq(cards_saying("Une seule fois", NULL), 1);
	cr_assert_eq(cards_saying("Et celle-ci", NULL), 1);
}

/* Every EVENT frame c receives until head, by seq (frames[seq] owned). */
static void
frames_until(struct tclient *c, uint64_t head, uint8_t **frames,
    size_t *lens, size_t max)
{
	struct proto_msg	 m;
	struct proto_err	 err;
	uint8_t			*f;
	size_t			 len;
	uint64_t		 seq = 0;

	while (seq < head) {
		cr_assert_eq(tclient_recv_frame(c, &f, &len, WAIT), 1,
		    "seq %llu never came", (unsigned long long)head);
		cr_assert_eq(proto_decode(f + PROTO_FRAME_HDR, len -
		    PROTO_FRAME_HDR, &m, &err), PROTO_OK);
		if (m.type == PROTO_PING) {
			proto_enc_pong(&c->out, m.u.token);
			tclient_flush(c);
		}
		if (m.type != PROTO_EVENT) {
			proto_msg_free(&m);
			free(f);
			continue;
		}
		seq = m.u.event.seq;
		proto_msg_free(&m);
		cr_assert_lt(seq, max);
		free(frames[seq]);
		frames[seq] = f;
		lens[seq] = len;
	}
}

/* The events from first to head that a and b got are byte-identical. */
static void
same_frames(uint8_t **fa, size_t *la, uint8_t **fb, size_t *lb,
    uint64_t first, uint64_t head, const char *who)
{
	uint64_t	seq;

	for (seq = first; seq <= head; seq++) {
		cr_assert_not_null(fa[seq], "%s: seq %llu missing (direct)",
		    who, (unsigned long long)seq);
		cr_assert_not_null(fb[seq], "%s: seq %llu missing (relayed)",
		    who, (unsigned long long)seq);
		cr_assert(la[seq] == lb[seq] && memcmp(fa[seq], fb[seq],
		    la[seq]) == 0, "%s: seq %llu differs between the direct "
		    "and the relayed connection", who,
		    (unsigned long long)seq);
	}
}

RTEST(a_person_on_the_relay_gets_exactly_what_a_direct_connection_gives)
{
	struct tclient		*fac, *fd, *fr, *pd, *pr, *ad, *ar;
	struct proto_msg	 m;
	uint8_t			*f[6][128];
	size_t			 l[6][128];
	uint64_t		 t, c1, c2, first, head;
	int			 i, k;
	const char		*who[] = { "participant", "facilitator" };

	memset(f, 0, sizeof f);
	tserver_start(&central, false, NULL);
	t = board_setup(&fac);
	op_ok(fac, &SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS | SET_BLIND,
	    .private_writing = true, .anonymous = true, .blind = true));
	start_relay(&relay, central.sock);
	/* Watchers: a participant and a facilitator each way. */
	pd = join_at(&central, "Paule", NULL);
	pr = join_at(&relay, "Pierre", NULL);
	fd = join_at(&central, "Fabien", central.key);
	fr = join_at(&relay, "Fanny", central.key);
	/* Authors: one each way. */
	ad = join_at(&central, "Alice", NULL);
	ar = join_at(&relay, "Arthur", NULL);
	op_ok(ad, &SIT(t, 0));
	op_ok(ar, &SIT(t, 0));
	catch_head(fd, ar->head);
	catch_head(fr, ar->head);
	catch_head(pd, ar->head);
	catch_head(pr, ar->head);
	first = ar->head + 1;

	/* Private, anonymous cards; a blind vote; an edit; the tally. */
	c1 = op_ok(ad, &ADD(t, "Texte privé d'Alice", 0));
	c2 = op_ok(ar, &ADD(t, "Texte privé d'Arthur", 0));
	op_ok(fac, &EDIT(c2, "Texte d'Arthur revu"));
	op_ok(fac, &PHASE(PHASE_VOTE));
	op_ok(ad, &VOTE(c2, 1));
	op_ok(ar, &VOTE(c1, 1));
	op_ok(ar, &VOTE(c2, 1));
	op_ok(ar, &VOTE(c2, -1));
	op_ok(fac, &PHASE(PHASE_HARVEST));
	head = fac->head;

	frames_until(pd, head, f[0], l[0], 128);
	frames_until(pr, head, f[1], l[1], 128);
	frames_until(fd, head, f[2], l[2], 128);
	frames_until(fr, head, f[3], l[3], 128);
	same_frames(f[0], l[0], f[1], l[1], first, head, who[0]);
	same_frames(f[2], l[2], f[3], l[3], first, head, who[1]);

	/* The author on the relay gets its own votes whole (origin, op). */
	cr_assert_eq(tclient_reconnect(ar, &relay, false), 0);
	ar->head = first - 1;
	cr_assert_eq(tclient_hello(ar, BOARD, "Arthur", NULL, NULL,
	    ar->head), 0);
	for (i = k = 0; i < 4; i++) {
		cr_assert_eq(next_event(ar, OP_VOTE, &m, WAIT), 1);
		if (m.u.event.origin == ar->participant &&
		    m.u.event.op_id != 0)
			k++;
		else
			cr_assert_eq(m.u.event.origin, 0, "Alice's vote");
		proto_msg_free(&m);
	}
	cr_assert_eq(k, 3, "Arthur's own votes came whole");

	/*
	 * A replay through the relay (of what its mirror holds: it started
	 * from the board's state) is the same as from the server: the
	 * privacy of now, not of then, for both.
	 */
	cr_assert_eq(tclient_reconnect(pd, &central, false), 0);
	cr_assert_eq(tclient_reconnect(pr, &relay, false), 0);
	cr_assert_eq(tclient_hello(pd, BOARD, "Paule", NULL, NULL, first - 1),
	    0);
	cr_assert_eq(tclient_hello(pr, BOARD, "Pierre", NULL, NULL,
	    first - 1), 0);
	for (i = 0; i < 2; i++)
		for (k = 0; k < 128; k++) {
			free(f[4 + i][k]);
			f[4 + i][k] = NULL;
		}
	frames_until(pd, head, f[4], l[4], 128);
	frames_until(pr, head, f[5], l[5], 128);
	same_frames(f[4], l[4], f[5], l[5], first, head, "replay");
	for (i = 0; i < 6; i++)
		for (k = 0; k < 128; k++)
			free(f[i][k]);
}

RTEST(a_state_catch_up_through_the_relay_holds_what_the_server_gives)
{
	struct tclient		*fac, *ad, *ar, *c;
	struct proto_msg	 m;
	struct proto_buf	 recs[2];
	uint64_t		 t, c1, c2;
	int			 i;

	tserver_start(&central, false, NULL);
	t = board_setup(&fac);
	op_ok(fac, &SETTINGS(.has = SET_PRIVATE | SET_ANONYMOUS,
	    .private_writing = true, .anonymous = true));
	start_relay(&relay, central.sock);
	ad = join_at(&central, "Alice", NULL);
	ar = join_at(&relay, "Arthur", NULL);
	op_ok(ad, &SIT(t, 0));
	op_ok(ar, &SIT(t, 0));
	c1 = op_ok(ad, &ADD(t, "Celle d'Alice", 0));
	c2 = op_ok(ar, &ADD(t, "Celle d'Arthur", 0));
	op_ok(fac, &PHASE(PHASE_GROUP));
	op_ok(fac, &PHASE(PHASE_VOTE));
	op_ok(ar, &VOTE(c1, 1));
	op_ok(ad, &VOTE(c2, 1));
	(void)c2;

	/*
	 * Arthur's STATE, directly and through the relay (restarted first:
	 * its mirror then knows no voter but what the server tells it).
	 */
	tserver_stop(&relay, SIGTERM);
	tserver_restart(&relay);
	for (i = 0; i < 2; i++) {
		c = newc();
		proto_buf_init(&recs[i]);
		c->fd = -1;
		memcpy(c->client, ar->client, sizeof c->client);
		cr_assert_eq(tclient_reconnect(c, i == 0 ? &central : &relay,
		    false), 0);
		cr_assert_eq(tclient_hello_flags(c, BOARD, "Arthur", NULL,
		    NULL, 0, true, false), 0);
		for (;;) {
			cr_assert_eq(tclient_recv(c, &m, WAIT), 1);
			if (m.type == PROTO_READY) {
				proto_msg_free(&m);
				break;
			}
			/* The clock's record says the time now: not compared. */
			if (m.type == PROTO_STATE && m.u.state.what !=
			    STATE_TIMER)
				proto_enc_state(&recs[i], &m.u.state);
			proto_msg_free(&m);
		}
		tclient_close(c);
	}
	cr_assert_eq(recs[0].len, recs[1].len);
	cr_assert(memcmp(recs[0].data, recs[1].data, recs[0].len) == 0,
	    "the relay's STATE differs from the server's");
	proto_buf_free(&recs[0]);
	proto_buf_free(&recs[1]);
}

/*
 * A cut that holds the link (nothing moves, the connections stay): the
 * room is told, its cards wait at the relay and reach the server once
 * the link is restored; reset: the connections die during the cut too,
 * and the relay connects again and sends what waited.
 */
static void
cut_and_recover(bool reset)
{
	struct tclient		*fac, *p[3], *late;
	struct proto_msg	 m;
	char			 name[32], text[64];
	uint64_t		 t, head;
	int			 i, k;

	start_shaped();
	t = board_setup(&fac);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "Personne %d", i + 1);
		p[i] = join_at(&relay, name, NULL);
		op_ok(p[i], &SIT(t, 0));
	}
	shaper("cut");
	/* The room hears the server is out of reach. */
	for (i = 0; i < 3; i++)
		cr_assert(uplink_says(p[i], false, -1, -1, WAIT), "person %d "
		    "was not told the link is down", i + 1);
	for (i = 0; i < 3; i++)
		for (k = 0; k < 2; k++) {
			snprintf(text, sizeof text, "Pendant la coupure %d.%d",
			    i + 1, k + 1);
			tclient_op(p[i], &ADD(t, text, 0));
		}
	/* ... and how many changes wait, and whose. */
	for (i = 0; i < 3; i++)
		cr_assert(uplink_says(p[i], false, 6, 2, WAIT), "person %d "
		    "was not told 6 changes wait, 2 of theirs", i + 1);
	/* The server goes on meanwhile. */
	op_ok(fac, &ADD(t, "Au centre pendant la coupure", 0));
	/* Someone's screen reconnects during the cut: served from the room. */
	late = p[2];
	cr_assert_eq(tclient_reconnect(late, &relay, false), 0);
	cr_assert_eq(tclient_join(late, BOARD, "Personne 3", NULL, NULL), 0);
	if (reset)
		shaper("reset");
	shaper("restore");

	/* Every card once, in the server's order; the room is told. */
	for (i = 0; i < 3; i++)
		cr_assert(uplink_says(p[i], true, 0, 0, LONG_WAIT), "person "
		    "%d was not told the link is back", i + 1);
	for (i = 0; i < 3; i++)
		for (k = 0; k < 2; k++) {
			snprintf(text, sizeof text, "Pendant la coupure %d.%d",
			    i + 1, k + 1);
			cr_assert_eq(cards_saying(text, NULL), 1, "%s", text);
		}
	cr_assert_eq(cards_saying("Au centre pendant la coupure", &head), 1);
	for (i = 0; i < 3; i++) {
		catch_head(p[i], head);
		cr_assert_eq(p[i]->head, head);
	}
	/* A newcomer on the relay: the board as the server has it. */
	late = join_at(&relay, "Nouvelle", NULL);
	cards_saying("Au centre pendant la coupure", &head);
	cr_assert_eq(late->head, head);
	(void)m;
}

RTEST(a_cut_link_holds_the_rooms_cards_and_delivers_each_once)
{
	cut_and_recover(false);
}

RTEST(a_link_reset_during_a_cut_loses_nothing_and_doubles_nothing)
{
	cut_and_recover(true);
}

RTEST(the_server_restarts_under_the_room_which_keeps_writing)
{
	struct tclient		*ana, *bob;
	struct proto_msg	 m;
	uint64_t		 t;
	uint32_t		 id;

	tserver_start(&central, false, NULL);
	t = board_setup(NULL);
	start_relay(&relay, central.sock);
	ana = join_at(&relay, "Ana", NULL);
	bob = join_at(&relay, "Bob", NULL);
	op_ok(ana, &SIT(t, 0));

	tserver_stop(&central, SIGTERM);
	/* Ana stays on the relay, which tells her; Bob's screen blinks. */
	cr_assert(uplink_says(ana, false, -1, -1, WAIT));
	cr_assert_eq(tclient_reconnect(bob, &relay, false), 0);
	cr_assert_eq(tclient_join(bob, BOARD, "Bob", NULL, NULL), 0);
	cr_assert(uplink_says(bob, false, 0, 0, WAIT));
	id = tclient_op(ana, &ADD(t, "Pendant le redémarrage", 0));
	cr_assert(uplink_says(ana, false, 1, 1, WAIT));

	tserver_restart(&central);
	cr_assert_eq(tclient_wait_op(ana, id, &m, LONG_WAIT), 1);
	proto_msg_free(&m);
	cr_assert_eq(cards_saying("Pendant le redémarrage", NULL), 1);
	cr_assert(uplink_says(bob, true, 0, 0, WAIT));
}

RTEST(the_relay_restarts_and_its_people_send_again_once)
{
	struct tclient		*ana;
	struct proto_msg	 m;
	uint64_t		 t;
	uint32_t		 id;
	int			 rc;

	tserver_start(&central, false, NULL);
	t = board_setup(NULL);
	start_relay(&relay, central.sock);
	ana = join_at(&relay, "Ana", NULL);
	op_ok(ana, &SIT(t, 0));
	id = tclient_op(ana, &ADD(t, "Avant le crash du relais", 0));
	tserver_stop(&relay, SIGKILL);
	tserver_restart(&relay);
	/* Ana comes back to the new relay and sends what was not applied. */
	cr_assert_eq(tclient_reconnect(ana, &relay, false), 0);
	cr_assert_eq(tclient_hello(ana, BOARD, "Ana", NULL, NULL, ana->head),
	    0);
	cr_assert_eq(tclient_expect(ana, PROTO_WELCOME, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_WELCOME);
	if (m.u.welcome.last_op < id)
		cr_assert_eq(tclient_op_id(ana, id, &ADD(t, "Avant le crash du "
		    "relais", 0)), 0);
	proto_msg_free(&m);
	cr_assert_eq(tclient_op_id(ana, id + 1, &ADD(t, "Après", 0)), 0);
	ana->next_op = id + 1;
	rc = tclient_wait_op(ana, id + 1, &m, WAIT);
	cr_assert_eq(rc, 1);
	proto_msg_free(&m);
	cr_assert_eq(cards_saying("Avant le crash du relais", NULL), 1);
}

RTEST(a_relay_under_a_relay_works_the_same)
{
	struct tclient		*fac, *top, *far, *direct;
	struct proto_msg	 m;
	uint64_t		 t, c1, c2;

	tserver_start(&central, false, NULL);
	t = board_setup(&fac);
	op_ok(fac, &SETTINGS(.has = SET_BLIND, .blind = true));
	start_relay(&relay, central.sock);
	start_relay(&relay2, relay.sock);
	top = join_at(&relay, "Haut", NULL);
	far = join_at(&relay2, "Loin", NULL);
	direct = join_at(&central, "Direct", NULL);
	op_ok(top, &SIT(t, 0));
	op_ok(far, &SIT(t, 0));
	c1 = op_ok(far, &ADD(t, "Du bout de la chaîne", 0));
	cr_assert_eq(next_event(direct, OP_CARD_ADD, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, c1);
	cr_assert_eq(m.u.event.origin, far->participant);
	proto_msg_free(&m);
	c2 = op_ok(top, &ADD(t, "Du premier relais", 0));
	cr_assert_eq(next_event(far, OP_CARD_ADD, &m, WAIT), 1);
	cr_assert_eq(m.u.event.seq, c2);
	proto_msg_free(&m);
	/* A blind vote: its author sees it whole, the others hidden. */
	op_ok(fac, &PHASE(PHASE_VOTE));
	op_ok(far, &VOTE(c2, 1));
	cr_assert_eq(next_event(top, OP_VOTE, &m, WAIT), 1);
	cr_assert_eq(m.u.event.origin, 0);
	cr_assert(m.u.event.op.hidden);
	proto_msg_free(&m);
	cr_assert_eq(cards_saying("Du bout de la chaîne", NULL), 1);
}

RTEST(a_missing_board_and_a_wrong_key_are_refused_through_the_relay)
{
	struct tclient	*c;

	tserver_start(&central, false, NULL);
	board_setup(NULL);
	start_relay(&relay, central.sock);
	c = newc();
	cr_assert_eq(tclient_connect(c, &relay, false), 0);
	cr_assert_eq(tclient_join(c, "nulle-part", "Ana", NULL, NULL),
	    ERROR_BOARD);
	c = newc();
	cr_assert_eq(tclient_connect(c, &relay, false), 0);
	cr_assert_eq(tclient_join(c, BOARD, "Ana", NULL, "pas-la-cle"),
	    ERROR_AUTH);
	/* A facilitator's key makes a board, through the relay too. */
	c = newc();
	cr_assert_eq(tclient_connect(c, &relay, false), 0);
	cr_assert_eq(tclient_join(c, "nouveau", "Fanny", NULL, central.key),
	    0);
	op_ok(c, &TADD("Une question"));
}

/* Send a relay's message for client id (RELAY_HELLO of name, or an op). */
static void
relay_hello_as(struct tclient *r, const uint8_t *client, const char *name)
{
	struct proto_hello	h;

	memset(&h, 0, sizeof h);
	h.v = PROTO_VERSION;
	h.board = (char *)BOARD;
	memcpy(h.client, client, PROTO_CLIENT_LEN);
	h.name = (char *)name;
	cr_assert_gt(proto_enc_relay_hello(&r->out, &h), 0);
	cr_assert_eq(tclient_flush(r), 0);
}

RTEST(a_relay_reads_no_more_than_a_facilitator_and_its_own_people)
{
	static const uint8_t	mine[PROTO_CLIENT_LEN] = { 1, 2, 3, 4 };
	struct tclient		*fac, *r, *bob, *x;
	struct proto_msg	 m;
	uint64_t		 t, card;
	uint32_t		 me;
	int			 got;

	tserver_start(&central, false, NULL);
	t = board_setup(&fac);
	bob = join_at(&central, "Bob", NULL);
	op_ok(bob, &SIT(t, 0));
	card = op_ok(bob, &ADD(t, "Une idée", 0));
	op_ok(fac, &PHASE(PHASE_VOTE));

	/* No key, no relay; and only a relay speaks for others. */
	x = newc();
	cr_assert_eq(tclient_connect(x, &central, false), 0);
	cr_assert_eq(tclient_hello_flags(x, BOARD, "relay", NULL, NULL, 0,
	    false, false), 0);
	x = join_at(&central, "Xavier", NULL);
	relay_hello_as(x, mine, "Intrus");
	cr_assert_eq(tclient_expect(x, PROTO_ERROR, &m, WAIT), 1);
	cr_assert_eq(m.u.error.code, ERROR_PROTOCOL);
	proto_msg_free(&m);

	/* A raw relay: HELLO with "relay" and the key, then one person. */
	r = newc();
	cr_assert_eq(tclient_connect(r, &central, false), 0);
	{
		struct proto_hello h;

		memset(&h, 0, sizeof h);
		h.v = PROTO_VERSION;
		h.board = (char *)BOARD;
		memcpy(h.client, r->client, PROTO_CLIENT_LEN);
		h.name = (char *)"relay";
		h.key = central.key;
		h.relay = true;
		cr_assert_gt(proto_enc_hello(&r->out, &h), 0);
		cr_assert_eq(tclient_flush(r), 0);
	}
	cr_assert_eq(tclient_expect(r, PROTO_READY, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_READY);
	r->head = m.u.ready;
	proto_msg_free(&m);
	relay_hello_as(r, mine, "Mia");
	/* Her joined comes whole (her client id), then her welcome. */
	cr_assert_eq(next_event(r, OP_JOINED, &m, WAIT), 1);
	me = m.u.event.op.participant;
	cr_assert_eq(memcmp(m.u.event.op.client, mine, PROTO_CLIENT_LEN), 0);
	proto_msg_free(&m);
	cr_assert_eq(tclient_expect(r, PROTO_RELAY_WELCOME, &m, WAIT), 1);
	cr_assert_eq(m.u.relay.welcome.participant, me);
	cr_assert_eq(memcmp(m.u.relay.client, mine, PROTO_CLIENT_LEN), 0);
	proto_msg_free(&m);
	/* Bob, on the server, sees Mia online as anyone. */
	got = 0;
	while (got == 0) {
		cr_assert_eq(tclient_recv(bob, &m, WAIT), 1);
		if (m.type == PROTO_PRESENCE && m.u.presence.participant == me)
			got = m.u.presence.online;
		proto_msg_free(&m);
	}

	/* Bob's vote: card and delta, no origin (a facilitator's view). */
	op_ok(bob, &VOTE(card, 1));
	cr_assert_eq(next_event(r, OP_VOTE, &m, WAIT), 1);
	cr_assert_eq(m.u.event.origin, 0);
	cr_assert_eq(m.u.event.op_id, 0);
	cr_assert_eq(m.u.event.op.card, card);
	proto_msg_free(&m);
	/* Mia's own vote, through the relay: whole, so it can confirm it. */
	cr_assert_gt(proto_enc_relay_op(&r->out, mine, 1, &VOTE(card, 1)), 0);
	cr_assert_eq(tclient_flush(r), 0);
	cr_assert_eq(next_event(r, OP_VOTE, &m, WAIT), 1);
	cr_assert_eq(m.u.event.origin, me);
	cr_assert_eq(m.u.event.op_id, 1);
	proto_msg_free(&m);
	/* Sent again: applied once (nothing comes); refused: a RELAY_REJECT. */
	cr_assert_gt(proto_enc_relay_op(&r->out, mine, 1, &VOTE(card, 1)), 0);
	cr_assert_gt(proto_enc_relay_op(&r->out, mine, 2, &VOTE(card, 1)), 0);
	cr_assert_eq(tclient_flush(r), 0);
	cr_assert_eq(tclient_expect(r, PROTO_RELAY_REJECT, &m, WAIT), 1);
	cr_assert_eq(m.u.relay.op_id, 2);
	cr_assert_eq(m.u.relay.code, REJECT_LIMIT);
	proto_msg_free(&m);
	/* The relay's connection goes: Mia goes offline with it. */
	tclient_close(r);
	got = 1;
	while (got == 1) {
		cr_assert_eq(tclient_recv(bob, &m, WAIT), 1);
		if (m.type == PROTO_PRESENCE && m.u.presence.participant == me)
			got = m.u.presence.online;
		proto_msg_free(&m);
	}
}

RTEST(a_burst_of_one_persons_waiting_changes_is_not_rate_limited)
{
	struct tclient		*ana;
	char			 text[64];
	uint64_t		 t;
	int			 i;

	/* The relay does not limit Ana itself here: her burst is the cut's. */
	tserver_start(&central, false, NULL);
	t = board_setup(NULL);
	tserver_start(&relay, false, "--upstream", central.sock, "--key-file",
	    central.keyfile, "--ops-per-sec", "0", NULL);
	ana = join_at(&relay, "Ana", NULL);
	op_ok(ana, &SIT(t, 0));
	for (i = 0; i < 60; i++) {
		snprintf(text, sizeof text, "Rafale %d", i);
		tclient_op(ana, &ADD(t, text, 0));
	}
	op_ok(ana, &ADD(t, "Rafale fin", 0));
	for (i = 0; i < 60; i++) {
		snprintf(text, sizeof text, "Rafale %d", i);
		cr_assert_eq(cards_saying(text, NULL), 1, "%s", text);
	}
}

RTEST(a_vote_applied_while_the_link_dropped_comes_back_to_its_author)
{
	struct tclient		*fac, *ana, *bob;
	struct proto_msg	 m;
	uint64_t		 t, card;
	uint32_t		 id;
	bool			 own = false;
	char			 up[32];

	/* A slow link: the vote's EVENT is still on its way down... */
	tserver_start(&central, true, NULL);
	shaper_start("256000", "1500");
	snprintf(up, sizeof up, "127.0.0.1:%d", shaper_port);
	start_relay(&relay, up);
	t = board_setup(&fac);
	bob = join_at(&central, "Bob", NULL);
	op_ok(bob, &SIT(t, 0));
	card = op_ok(bob, &ADD(t, "Une idée", 0));
	op_ok(fac, &PHASE(PHASE_VOTE));
	ana = join_at(&relay, "Ana", NULL);
	catch_head(ana, fac->head);

	id = tclient_op(ana, &VOTE(card, 1));
	/* ... when the server has it, and the link is reset: it is lost. */
	cr_assert_eq(next_event(fac, OP_VOTE, &m, LONG_WAIT), 1);
	proto_msg_free(&m);
	shaper("reset");
	/*
	 * The relay comes back: the vote in its replay shows no voter (a
	 * facilitator's view), the server says it applied Ana's op; her
	 * screen is asked back for a STATE with her own dot.
	 */
	cr_assert_eq(tclient_expect(ana, PROTO_ERROR, &m, LONG_WAIT), 1);
	cr_assert_eq(m.type, PROTO_ERROR);
	cr_assert_eq(m.u.error.code, ERROR_SHUTDOWN);
	proto_msg_free(&m);
	cr_assert_eq(tclient_reconnect(ana, &relay, false), 0);
	cr_assert_eq(tclient_hello(ana, BOARD, "Ana", NULL, NULL, ana->head),
	    0);
	cr_assert_eq(tclient_expect(ana, PROTO_WELCOME, &m, WAIT), 1);
	cr_assert_eq(m.type, PROTO_WELCOME);
	cr_assert_eq(m.u.welcome.mode, MODE_STATE);
	cr_assert_geq(m.u.welcome.last_op, id, "the vote is applied");
	proto_msg_free(&m);
	for (;;) {
		cr_assert_eq(tclient_recv(ana, &m, WAIT), 1);
		if (m.type == PROTO_READY) {
			proto_msg_free(&m);
			break;
		}
		if (m.type == PROTO_STATE && m.u.state.what == STATE_VOTES &&
		    m.u.state.npairs == 1 && m.u.state.pairs[0].a == card &&
		    m.u.state.pairs[0].b == 1)
			own = true;
		proto_msg_free(&m);
	}
	cr_assert(own, "Ana's STATE holds her own dot");
	/* And the server holds one dot: the vote was applied once. */
	op_ok(fac, &PHASE(PHASE_HARVEST));
	{
		struct tclient	oc;
		int		votes = -1;

		cr_assert_eq(tclient_connect(&oc, &central, false), 0);
		cr_assert_eq(tclient_hello_flags(&oc, BOARD, "Observer", NULL,
		    central.key, 0, true, true), 0);
		for (;;) {
			cr_assert_eq(tclient_recv(&oc, &m, WAIT), 1);
			if (m.type == PROTO_READY) {
				proto_msg_free(&m);
				break;
			}
			if (m.type == PROTO_STATE && m.u.state.what ==
			    STATE_CARD && m.u.state.id == card)
				votes = (int)m.u.state.votes;
			proto_msg_free(&m);
		}
		tclient_close(&oc);
		cr_assert_eq(votes, 1);
	}
}

/* The fingerprint of the server's TLS certificate, computed here. */
static void
central_fingerprint(char *fp)
{
	char		 path[200];
	FILE		*f;
	X509		*x;
	uint8_t		 md[EVP_MAX_MD_SIZE];
	unsigned	 n = 0;

	snprintf(path, sizeof path, "%s/tls-cert.pem", central.data);
	cr_assert_not_null(f = fopen(path, "r"), "no certificate %s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(x);
	cr_assert(X509_digest(x, EVP_sha256(), md, &n) && n == 32);
	X509_free(x);
	fingerprint_format(md, fp);
}

RTEST(over_tls_the_relay_talks_only_to_the_pinned_certificate)
{
	struct tclient	*ana, *c;
	char		 spec[32], fp[FINGERPRINT_TEXT], *log;
	uint64_t	 t;
	int		 port = ts_free_port();

	snprintf(spec, sizeof spec, "127.0.0.1:%d", port);
	tserver_start(&central, false, "--tls-listen", spec, NULL);
	central_fingerprint(fp);
	t = board_setup(NULL);

	/* The right pin: the room works through TLS. */
	tserver_start(&relay, false, "--upstream", spec, "--tls", "--pin", fp,
	    "--key-file", central.keyfile, NULL);
	ana = join_at(&relay, "Ana", NULL);
	op_ok(ana, &SIT(t, 0));
	op_ok(ana, &ADD(t, "Par TLS", 0));
	cr_assert_eq(cards_saying("Par TLS", NULL), 1);

	/* Another pin: nothing goes, the room is told why. */
	fp[0] = fp[0] == 'A' ? 'B' : 'A';
	tserver_start(&relay2, false, "--upstream", spec, "--tls", "--pin", fp,
	    "--key-file", central.keyfile, NULL);
	c = newc();
	cr_assert_eq(tclient_connect(c, &relay2, false), 0);
	cr_assert_eq(tclient_join(c, BOARD, "Bob", NULL, NULL), ERROR_FULL);
	log = tserver_log(&relay2);
	cr_assert(strstr(log, "expected") != NULL && strstr(log, fp) != NULL,
	    "the relay's log names both fingerprints:\n%s", log);
	free(log);
	/* The server never saw a relay's HELLO from it. */
	log = tserver_log(&central);
	cr_assert_eq(strstr(log, "Bob"), NULL, "%s", log);
	free(log);
}

RTEST(a_relay_refuses_options_that_would_leak_its_key)
{
	char	*out;
	char	*argv[] = { (char *)ts_bin("CB_SERVER", "server/cafeboard-server"),
	    "--upstream", "192.0.2.1:7117", "--key-file", "/nonexistent",
	    "--socket", "", NULL };
	char	*argv2[] = { argv[0], "--upstream", "127.0.0.1:7118", "--tls",
	    "--key-file", "/nonexistent", "--socket", "", NULL };
	char	*argv3[] = { argv[0], "--upstream", "127.0.0.1:7118",
	    "--socket", "", NULL };

	/* In clear beyond loopback; TLS without a pin; no key. */
	cr_assert_eq(ts_command(&out, WAIT, argv), 2);
	cr_assert(strstr(out, "in clear") != NULL, "%s", out);
	free(out);
	cr_assert_eq(ts_command(&out, WAIT, argv2), 2);
	cr_assert(strstr(out, "--pin") != NULL, "%s", out);
	free(out);
	cr_assert_eq(ts_command(&out, WAIT, argv3), 2);
	cr_assert(strstr(out, "--key-file") != NULL, "%s", out);
	free(out);
}

/* Five cards by p, each until every client of room has it; bytes down. */
static double
five_cards(struct tclient *p, struct tclient **room, int n, uint64_t t,
    const char *tag)
{
	char		text[64];
	double		before = shaper_down();
	uint64_t	seq = 0;
	int		i, k;

	for (k = 0; k < 5; k++) {
		snprintf(text, sizeof text, "%s %d", tag, k);
		seq = op_ok(p, &ADD(t, text, 0));
		for (i = 0; i < n; i++)
			if (room[i] != p)
				catch_head(room[i], seq);
	}
	return (shaper_down() - before) / 5;
}

RTEST(each_event_crosses_the_link_once_whatever_the_size_of_the_room)
{
	struct tclient	*room[8];
	char		 name[32];
	double		 one, eight;
	uint64_t	 t;
	int		 i;

	start_shaped();
	t = board_setup(NULL);
	room[0] = join_at(&relay, "Personne 1", NULL);
	op_ok(room[0], &SIT(t, 0));
	one = five_cards(room[0], room, 1, t, "Seule");
	for (i = 1; i < 8; i++) {
		snprintf(name, sizeof name, "Personne %d", i + 1);
		room[i] = join_at(&relay, name, NULL);
		op_ok(room[i], &SIT(t, 0));
	}
	for (i = 0; i < 8; i++)
		catch_head(room[i], room[7]->head);
	eight = five_cards(room[0], room, 8, t, "Ensemble");
	/* One EVENT a card down the link (a PONG at most besides). */
	cr_assert_lt(eight, one * 1.5 + 20, "%.0f bytes a card for 8 "
	    "people, %.0f for one", eight, one);
	cr_assert_lt(eight, 120, "%.0f bytes a card down the link", eight);
}
